"""The workshop story end to end in a real headless Chromium against `streamlit run` of the
Scenarios page: load a sample insurer, read when it becomes eligible, change two figures,
compare, switch to presenter mode, reload and find the same comparison."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("page_script.py")
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def page_url(tmp_path: Path):
    port = _free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(SCRIPT), "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=(tmp_path / "server.log").open("wb"), stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("streamlit did not start") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def test_workshop_story_in_a_browser(page_url):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
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
        finally:
            browser.close()
