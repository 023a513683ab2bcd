"""Every field of the application is named by its label, in both languages, never by its path."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel

from assessor.core.model import Application, ExistingSite, ProposedSite, field_label
from assessor.labels import _inner, field_help, field_name, missing_name, names_in, split_path

PATHLIKE = re.compile(r"[a-z_]+\.[a-z_]+")


def _every_path(model: type[BaseModel], prefix: str = "") -> list[str]:
    paths = []
    for name, info in model.model_fields.items():
        inner, is_list = _inner(info.annotation)
        path = f"{prefix}{name}"
        paths.append(path)
        if inner is not None:
            paths.extend(_every_path(inner, f"{path}[0]." if is_list else f"{path}."))
    return paths


ALL_PATHS = _every_path(Application)


def test_the_walk_reaches_the_deep_fields() -> None:
    assert "unifications.operations.quality_monitoring.evidence[0].sha256" in ALL_PATHS
    assert "existing_sites[0].management_team[0].employing_unit" in ALL_PATHS
    assert len(ALL_PATHS) > 120


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_field_of_the_model_has_a_name_in_both_languages(lang: str) -> None:
    unnamed = [p for p in ALL_PATHS if "「" in field_name(p, lang) or "“" in field_name(p, lang) or PATHLIKE.search(field_name(p, lang))]
    assert unnamed == []
    if lang == "zh":
        assert [p for p in ALL_PATHS if re.search(r"[A-Za-z]{3,}", field_name(p, lang).replace("SHA-256", ""))] == []


def test_declared_labels_win_and_rows_count_from_one() -> None:
    assert field_name("proposed_site.planned_seats", "zh") == f"拟设职场 · {field_label(ProposedSite, 'planned_seats', 'zh')}"
    assert field_name("existing_sites[2].business_system", "zh") == f"现有职场 第3行 · {field_label(ExistingSite, 'business_system', 'zh')}"
    assert field_name("existing_sites[2].business_system", "en") == "Existing sites row 3 · Business system"
    assert field_name("centralized_selling", "zh") == "集中销售"
    assert field_name("unifications.operations.quality_monitoring", "zh") == "五个统一 · 运营统一 · 业务质量监控"


@pytest.mark.parametrize("form", ["existing_sites[2].seats", "existing_sites.2.seats", "/existing_sites/2/seats", ("existing_sites", 2, "seats")])
def test_every_form_of_a_path_names_the_same_field(form) -> None:
    assert split_path(form) == ["existing_sites", 2, "seats"]
    assert field_name(form, "zh") == "现有职场 第3行 · 坐席数"


def test_an_unknown_key_is_shown_as_written_not_dropped() -> None:
    assert field_name("proposed_site.planed_seats", "zh") == "拟设职场 · 「planed_seats」"
    assert field_name("proposed_site.planed_seats.x", "en") == "Proposed site · “planed_seats” · “x”"


def test_missing_evidence_and_messages_read_as_names() -> None:
    assert missing_name("operations.quality_monitoring", "zh") == "业务质量监控"
    assert missing_name("proposed_site.evidence", "zh") == "拟设职场的建设方案"  # the dossier's phrase
    assert missing_name("proposed_site.planned_seats", "en") == "Proposed site · Planned seats"
    text = names_in("缺少：proposed_site.evidence；existing_sites[1].seats 有误，见 file.json 1.5", "zh")
    assert text == "缺少：拟设职场 · 职场建设方案；现有职场 第2行 · 坐席数 有误，见 file.json 1.5"
    assert field_help("existing_sites[1].business_system", "zh") == "该职场使用的电销业务系统名称"
    assert field_help("proposed_site.city", "zh") is None


# ---------------------------------------------------------------- the pages, in Chinese, for applications with problems

import json  # noqa: E402
from pathlib import Path  # noqa: E402

from google.protobuf.json_format import MessageToDict  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402
from streamlit.util import calc_hash  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
# Proto fields that are not shown to a reader (widget ids, icons, chart specs, data blobs).
_HIDDEN = {"id", "formId", "type", "icon", "key", "data", "arrowData", "spec", "url", "styles", "format", "pageScriptHash", "pageName", "urlPathname", "deferredFileId", "theme", "config"}


def _strings(value, out: list[str]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in _HIDDEN:
                _strings(v, out)
    elif isinstance(value, list):
        for v in value:
            _strings(v, out)
    elif isinstance(value, str):
        out.append(value)


def page_text(at: AppTest) -> list[str]:
    """Every string a reader can see on the page: bodies, labels, options, help, placeholders,
    and the cells of tables and data frames."""
    out: list[str] = []

    def walk(node) -> None:
        if type(node).__name__ in ("Table", "Dataframe"):
            out.append(node.value.to_csv())
        proto = getattr(node, "proto", None)
        if proto is not None and not hasattr(node, "children"):
            _strings(MessageToDict(proto), out)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return out


def _broken() -> dict:
    data = json.loads((EXAMPLES / "01-eligible-two-sites.json").read_text(encoding="utf-8"))
    data["proposed_site"]["planed_seats"] = data["proposed_site"].pop("planned_seats")
    data["existing_sites"][1]["seats"] = -3
    del data["applicant"]["name"]
    data["premiums"]["ledger"][2]["month"] = "2024-13"
    return data


# File names the app names on purpose (where sign-in is configured), not field paths.
FILE_NAMES = {"secrets.toml", "config.toml"}


def _paths(texts: list[str]) -> list[str]:
    return sorted({m for text in texts for m in PATHLIKE.findall(text.replace("\\", ""))} - FILE_NAMES)


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSESSOR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ASSESSOR_DATABASE_URL", raising=False)


def test_the_assessment_page_names_fields_not_paths(isolated) -> None:
    from assessor.ui.draft import from_json_bytes

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.session_state["draft"] = from_json_bytes(json.dumps(_broken()).encode("utf-8"))
    at._page_hash = calc_hash("assessment")
    at.run()
    assert not at.exception
    texts = page_text(at)
    shown = "\n".join(texts).replace("\\", "")
    assert "拟设职场 · 计划坐席数：必填项缺失" in shown and "现有职场 第2行 · 坐席数" in shown and "「planed_seats」" in shown
    assert _paths(texts) == []
    # An application with missing evidence: the missing items by name.
    at.session_state["draft"] = from_json_bytes((EXAMPLES / "12-incomplete-unattested.json").read_bytes())
    at.run()
    texts = page_text(at)
    shown = "\n".join(texts).replace("\\", "")
    assert "缺少：客户投诉清单完整性声明" in shown
    assert _paths(texts) == []
    assert not re.search(r"\d{4}-\d{2}-\d{2}", "\n".join(t for t in texts if "缺少" in t or "评估日：" in t))


def test_the_screening_page_names_fields_not_paths(isolated) -> None:
    script = 'import streamlit as st\nst.session_state.setdefault("lang", "zh")\nfrom assessor.ui.screening import render\nrender()\n'
    at = AppTest.from_string(script, default_timeout=60).run()
    files = [
        ("申请1.json", (EXAMPLES / "12-incomplete-unattested.json").read_bytes(), "application/json"),
        ("申请2.json", json.dumps(_broken()).encode("utf-8"), "application/json"),
        ("申请3.json", (EXAMPLES / "16-seats-without-evidence.json").read_bytes(), "application/json"),
    ]
    at.file_uploader[0].set_value(files)
    at.date_input[0].set_value("2026-06-30")
    at.button[0].click().run()
    assert not at.exception
    for label in ("申请2.json", "申请1.json"):
        at.selectbox(key="screening.drill").set_value(label).run()
        texts = page_text(at)
        shown = "\n".join(texts).replace("\\", "")
        assert "拟设职场 · 计划坐席数：必填项缺失" in shown  # in the table's reason column
        assert _paths(texts) == []
    assert "缺少：客户投诉清单完整性声明" in shown


def test_the_scenarios_page_names_fields_not_paths(isolated) -> None:
    at = AppTest.from_file(str(ROOT / "tests" / "forecast" / "page_script.py"), default_timeout=60).run()
    at.button(key="scenarios.sample.07-blocked-unification.json").click().run()
    at.button(key="scenarios.add").click().run()
    at.button(key="scenarios.add").click().run()
    at.number_input(key="scenarios.seats.0").set_value(450)
    at.text_area(key="scenarios.edits.0").set_value("/existing_sites/0/seats = 480")
    at.text_area(key="scenarios.edits.1").set_value("/proposed_site/nope = 1")
    at.button(key="FormSubmitter:scenarios.form-比较").click().run()
    assert not at.exception
    texts = page_text(at)
    shown = "\n".join(texts)
    assert "拟设职场 · 计划坐席数：600 → 450" in shown and "现有职场 第1行 · 坐席数：900 → 480" in shown
    assert _paths(texts) == []
    assert "original_seats=" not in shown  # readings by their wording


# ---------------------------------------------------------------- dates


def test_one_date_form_in_each_language() -> None:
    from datetime import date, datetime

    from assessor.labels import dates_in, day_text, moment_text, month_text

    assert day_text(date(2026, 12, 5), "zh") == "2026年12月5日"
    assert day_text(date(2026, 12, 5), "en") == "2026-12-05"
    assert month_text(date(2025, 7, 1), "zh") == "2025年7月"
    assert moment_text(datetime(2026, 12, 5, 14, 3), "zh") == "2026年12月5日 14:03"
    assert day_text(None, "zh") == ""
    # The app's own sentences change; a file name keeps its digits; an impossible date stays.
    assert dates_in("自2021-03-01起；见 report-2021-03-01.pdf；2021-02-30", "zh") == "自2021年3月1日起；见 report-2021-03-01.pdf；2021-02-30"
    assert dates_in("since 2021-03-01", "en") == "since 2021-03-01"
    from assessor.labels import leading_date

    assert leading_date("2026-03-01 北京监管局 2026-03-01号文", "zh") == "2026年3月1日 北京监管局 2026-03-01号文"
    assert dates_in("计入2026-10；产品DX-2024-01；2024-13", "zh") == "计入2026年10月；产品DX-2024-01；2024-13"


def test_plotly_date_axes_follow_the_language() -> None:
    from datetime import date

    from assessor.charts import plotly_figure, premium_chart
    from assessor.core.engine import assess
    from assessor.core.rulebook import load_rulebook
    from assessor.intake import load_application

    application = load_application(EXAMPLES / "01-eligible-two-sites.json")
    result = assess(application, load_rulebook(), date(2026, 6, 30))
    chart = premium_chart(application, result, load_rulebook())
    zh, en = plotly_figure(chart, "zh"), plotly_figure(chart, "en")
    assert zh.layout.xaxis.tickformat == "%Y年%-m月" and zh.layout.xaxis.hoverformat == "%Y年%-m月%-d日"
    assert en.layout.xaxis.tickformat == "%Y-%m"
    annotations = " ".join(a.text for a in zh.layout.annotations)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", annotations)


@pytest.mark.e2e
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian chromium is not installed")
def test_chart_dates_read_in_chinese_in_chromium(tmp_path: Path, browser) -> None:
    """Plotly's own axis labels ("Jul 2025") become 2025年7月 in the browser."""
    from browser_support import open_page, streamlit_server
    from playwright.sync_api import expect

    from assessor.i18n import t

    with streamlit_server(tmp_path / "server.log", data_dir=tmp_path / "data") as url:
        page = open_page(browser, timeout_ms=120_000)
        page.goto(f"{url}/")
        page.get_by_label(t("app.intake.example_choice", "zh")).click()
        page.get_by_role("option", name="01-eligible-two-sites.json").click()
        page.get_by_role("button", name=t("app.intake.load_example", "zh")).click()
        expect(page.get_by_text(t("app.intake.loaded_example", "zh", file="01-eligible-two-sites.json"))).to_be_visible()
        page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=t("app.nav.assessment", "zh")).click()
        ticks = page.locator("[data-testid='stPlotlyChart'] .xtick text")
        expect(ticks.first).to_be_visible()
        labels = ticks.all_text_contents()  # SVG text has no innerText
    assert labels and all(re.fullmatch(r"\d{4}年\d{1,2}月", label) for label in labels), labels


def test_every_label_key_exists_in_both_languages() -> None:
    from assessor.i18n import catalog

    zh = {k for k in catalog("zh") if k.startswith("labels.")}
    en = {k for k in catalog("en") if k.startswith("labels.")}
    assert zh == en and len(zh) >= 75
