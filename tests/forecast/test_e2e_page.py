"""The workshop story end to end in a real headless Chromium against `streamlit run` of the
Scenarios page: load a sample insurer, read when it becomes eligible, change two figures,
compare, switch to presenter mode, reload and find the same comparison."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import needs_chromium, open_page, streamlit_server

SCRIPT = Path(__file__).with_name("page_script.py")

pytestmark = [pytest.mark.e2e, needs_chromium]


@pytest.fixture
def page_url(tmp_path: Path):
    with streamlit_server(tmp_path / "server.log", script=SCRIPT) as url:
        yield f"{url}/"


def test_workshop_story_in_a_browser(page_url, browser):
    from playwright.sync_api import expect

    page = open_page(browser, timeout_ms=30_000)
    page.goto(page_url)
    page.get_by_role("button", name="星河财险：新入场者").click()
    expect(page.get_by_text("预计最早于2027年9月30日符合全部增设条件。")).to_be_visible(timeout=30_000)
    expect(page.locator("[data-testid='stPlotlyChart']").first).to_be_visible(timeout=30_000)

    page.get_by_role("button", name="增加情景").click()
    page.get_by_label("新职场计划坐席").first.fill("450")
    page.get_by_label("本月前追加保费（亿元）").first.fill("6")
    page.get_by_role("button", name="比较").click()
    table = page.locator("[data-testid='stTable']").last
    expect(table).to_contain_text("拟设职场 · 计划坐席数：500 → 450", timeout=30_000)
    expect(table).to_contain_text("受阻：新职场坐席不少于500个")

    page.get_by_text("演示模式").click()
    expect(page.locator("h1").first).to_have_css("font-size", "51.2px", timeout=10_000)

    assert "sc_defs=" in page.url  # the scenarios ride in the URL
    page.reload()
    expect(page.locator("[data-testid='stTable']").last).to_contain_text("拟设职场 · 计划坐席数：500 → 450", timeout=30_000)
