"""The assessment page: examples reach their expected verdicts, readings switch at once."""

from __future__ import annotations

from datetime import date

import pytest

from assessor.i18n import t

EXPECTED = None


def _expected() -> dict:
    import tomllib
    from pathlib import Path

    return tomllib.loads((Path(__file__).parents[2] / "examples" / "expected.toml").read_text(encoding="utf-8"))


CASES = sorted(_expected().items())


@pytest.mark.parametrize(("name", "case"), CASES, ids=[name for name, _ in CASES])
def test_loading_an_example_reaches_its_expected_verdict(app, ui, name, case):
    ui.load_example(app, name)
    ui.goto(app, "assessment")
    # The date is set through the picker a user has, whatever the example preset.
    ui.set_as_of(app, date.today())
    ui.set_as_of(app, case["as_of"])
    assert ui.banner(app) == t(f"verdict.{case['verdict']}", "zh")
    for criterion, status in case.get("criteria", {}).items():
        assert f"[{t(f'status.{status}', 'zh')}]" in ui.finding_status_line(app, criterion), criterion
    alternative = case.get("with_readings")
    if alternative:
        for reading, value in alternative["readings"].items():
            app.radio(key=f"f.reading.{reading}").set_value(value).run()
        assert ui.banner(app) == t(f"verdict.{alternative['verdict']}", "zh")
        for criterion, status in alternative.get("criteria", {}).items():
            assert f"[{t(f'status.{status}', 'zh')}]" in ui.finding_status_line(app, criterion), criterion


def _two_sites_one_small() -> str:
    """An example with two existing sites, one of them under the per-site threshold."""
    import json
    from pathlib import Path

    from assessor.core.rulebook import load_rulebook

    threshold = next(c.params.threshold for c in load_rulebook().criteria if c.id == "4.2.original_seats")
    for path in sorted((Path(__file__).parents[2] / "examples").glob("*.json")):
        sites = json.loads(path.read_text(encoding="utf-8")).get("existing_sites", [])
        if len(sites) == 2 and min(s["seats"] for s in sites) < threshold <= max(s["seats"] for s in sites):
            return path.name
    raise AssertionError("no example with two sites, one under the threshold")


def test_original_seats_switch_changes_the_finding_at_once(app, ui):
    name = _two_sites_one_small()
    ui.load_example(app, name)
    ui.goto(app, "assessment")
    met, not_met = f"[{t('status.met', 'zh')}]", f"[{t('status.not_met', 'zh')}]"
    assert app.radio(key="f.reading.original_seats").value == "strict"
    assert not_met in ui.finding_status_line(app, "4.2.original_seats")
    app.radio(key="f.reading.original_seats").set_value("original").run()
    assert met in ui.finding_status_line(app, "4.2.original_seats")
    # The reading shows in the result's line of readings, and survives a visit to another page.
    ui.goto(app, "intake")
    ui.goto(app, "assessment")
    assert app.radio(key="f.reading.original_seats").value == "original"
    assert met in ui.finding_status_line(app, "4.2.original_seats")
    app.radio(key="f.reading.original_seats").set_value("strict").run()
    assert not_met in ui.finding_status_line(app, "4.2.original_seats")


def test_assessment_date_moves_the_verdict_across_the_tenure_boundary(app, ui):
    # 03: one year of centralized selling completes on 2026-12-15 (see examples/expected.toml).
    ui.load_example(app, "03-tenure-short.json")
    ui.goto(app, "assessment")
    ui.set_as_of(app, date(2026, 12, 14))
    assert f"[{t('status.not_met', 'zh')}]" in ui.finding_status_line(app, "4.1.tenure")
    ui.set_as_of(app, date(2026, 12, 15))
    assert f"[{t('status.not_met', 'zh')}]" not in ui.finding_status_line(app, "4.1.tenure")


def test_every_finding_has_a_card_with_clause_text(app, ui):
    from assessor.core.rulebook import load_rulebook

    ui.load_example(app, "01-eligible-two-sites.json")
    ui.goto(app, "assessment")
    for criterion in load_rulebook().criteria:
        ui.finding_status_line(app, criterion.id)
    quoted = [m.value for m in app.markdown if m.value.startswith("> ")]
    for criterion in load_rulebook().criteria:
        assert any(q.split("\n")[0] == f"> {criterion.text}" for q in quoted), criterion.id
    # One chart at a time, each of the core's charts selectable.
    assert len(app.get("plotly_chart")) == 1
    titles = set()
    for chart_id in ("premium", "seats", "incidents"):
        app.segmented_control(key="f.chart").set_value(chart_id).run()
        (chart,) = app.get("plotly_chart")
        titles.add(chart.proto.spec)
    assert len(titles) == 3


def test_invalid_application_is_not_assessed_but_says_why(app, ui):
    app.text_input(key="f.applicant.credit_code").input("91110000100017600X").run()
    ui.goto(app, "assessment")
    assert not [e for e in app.success if e.value.startswith("### ")]
    assert any("申请人 · 统一社会信用代码：" in m.value.replace("\\", "") for m in app.markdown)
    assert not any("applicant.credit_code" in m.value.replace("\\", "") for m in app.markdown)


def test_the_assessment_date_starts_on_the_day_the_rulebook_took_effect(app, ui):
    from assessor.core.rulebook import load_rulebook
    from assessor.i18n import t
    from assessor.ui.fields import LATEST

    ui.load_example(app, "03-tenure-short.json")
    ui.goto(app, "assessment")
    effective = load_rulebook().effective_from
    ui.set_as_of(app, effective)  # the first day it speaks to: assessed, no error
    out_of_range = t("app.fields.date_out_of_range", "zh", earliest=effective, latest=LATEST)
    assert ui.banner(app) and out_of_range not in [e.value for e in app.error]
    # A day before it is refused where it was typed; the date in force stays.
    app.text_input(key="f.as_of.text@zh").input("2010年1月1日").run()
    assert out_of_range in [e.value for e in app.error]
    assert app.session_state["f.as_of"] == effective
    assert app.text_input(key="f.as_of.text@zh").value == "2010年1月1日"  # kept as typed
    # Text that is no date: the same, with the reason.
    app.text_input(key="f.as_of.text@zh").input("明年").run()
    assert t("app.fields.date_refused", "zh", input="明年") in [e.value for e in app.error]
    assert app.session_state["f.as_of"] == effective


def test_out_of_scope_findings_read_for_information_with_what_they_would_be(app, ui):
    from assessor.i18n import t

    ui.load_example(app, "11-life-insurer.json")
    ui.goto(app, "assessment")
    assert ui.banner(app) == t("verdict.out_of_scope", "zh")
    text = "\n".join(m.value for m in app.markdown)
    assert "仅供参考" in text
    shown = [t(f"status.{s}", "zh") for s in ("met", "not_met", "insufficient_evidence")]
    assert any(t("app.assessment.for_information", "zh", status=s) in text for s in shown)


def test_a_date_after_today_is_shown_as_a_projection(app, ui):
    from datetime import date, timedelta

    from assessor.i18n import t

    ui.load_example(app, "01-eligible-two-sites.json")
    ui.goto(app, "assessment")
    assert not [w for w in app.warning if w.value.startswith("预测")]
    later = date.today() + timedelta(days=40)
    ui.set_as_of(app, later)
    warnings = [w.value for w in app.warning]
    assert t("app.assessment.projected_banner", "zh", as_of=f"{later.year}年{later.month}月{later.day}日", today=f"{date.today().year}年{date.today().month}月{date.today().day}日") in warnings


def test_a_checked_draft_is_kept_once_in_its_session_and_caches_are_bounded(app, ui):
    """Memory: the checked application (as large as the draft) lives in its own session, the
    latest only; the shared caches are keyed by digests and hold a bounded number of entries."""
    from assessor.ui import compute

    ui.load_example(app, "01-eligible-two-sites.json")
    ui.goto(app, "assessment")
    first = app.session_state[compute.CHECKED]
    ui.load_example(app, "02-premium-short.json")
    ui.goto(app, "assessment")
    second = app.session_state[compute.CHECKED]
    assert first[0] != second[0] and len(second[0][0]) == 64  # (sha256 of the content, day)
    assert second[1].application is not None and second[1].application.applicant.name
    for cached in (compute._assessed, compute._charts, compute._figure, compute._dossier, compute._preview):
        assert 0 < cached._info.max_entries <= 128
