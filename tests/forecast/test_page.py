"""The 情景推演 / Scenarios page under Streamlit's AppTest: a real script run, real core."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

SCRIPT = str(Path(__file__).with_name("page_script.py"))


def _page() -> AppTest:
    return AppTest.from_file(SCRIPT, default_timeout=60)


def _text(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "info", "success", "error", "warning", "caption", "title", "subheader") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def _table_text(at: AppTest) -> str:
    return "\n".join(table.value.to_csv() for table in at.table)


def test_asks_for_an_application_first():
    at = _page().run()
    assert not at.exception
    assert "示例保险公司" in _text(at) and len(at.table) == 0


def test_one_click_loads_a_sample_and_shows_the_forecast():
    at = _page().run()
    at.button(key="scenarios.sample.04-new-entrant.json").click().run()
    assert not at.exception
    assert at.session_state["scenarios.as_of"] == date(2026, 11, 25)
    text = _text(at)
    assert "2027年9月30日" in text and "已复核" in text
    assert "2027年2月1日" in _table_text(at)
    charts = at.get("plotly_chart")
    assert len(charts) >= 1


def test_basis_and_reading_change_the_dates():
    at = _page().run()
    at.button(key="scenarios.sample.02-recent-incident.json").click().run()
    assert "2027年8月21日" in _text(at)
    at.selectbox(key="scenarios.readings.complaint_attributes").set_value("both").run()
    assert not at.exception
    assert "2026年11月25日" in at.success[0].value


def test_whatif_lists_changes_and_adopting_one_makes_a_scenario():
    at = _page().run()
    at.button(key="scenarios.sample.03-small-second-site.json").click().run()
    assert "佛山电销分中心" in _table_text(at)
    at.button(key="scenarios.adopt.0").click().run()
    assert not at.exception
    assert len(at.session_state["scenarios.defs"]) == 1
    result = at.session_state["scenarios.result"]
    names = [s["name"] for s in result["scenarios"]]
    assert names == ["现状", "原职场坐席不少于500个"]  # the criterion by its title, not its id
    assert result["scenarios"][0]["outcome"] == "blocked" and result["scenarios"][1]["outcome"] == "eligible_now"


def test_two_figures_changed_are_compared_side_by_side():
    at = _page().run()
    at.button(key="scenarios.sample.05-clean-case.json").click().run()
    at.button(key="scenarios.add").click().run()
    at.button(key="scenarios.add").click().run()
    at.text_input(key="scenarios.name.0").set_value("小职场")
    at.number_input(key="scenarios.seats.0").set_value(450)
    at.text_input(key="scenarios.name.1").set_value("坏路径")
    at.text_area(key="scenarios.edits.1").set_value("/proposed_site/nope = 1")
    at.button(key="FormSubmitter:scenarios.form-比较").click().run()
    assert not at.exception
    result = at.session_state["scenarios.result"]
    baseline, small, bad = result["scenarios"]
    assert baseline["verdict"] == "eligible" and small["verdict"] == "not_eligible"
    assert small["changes"] == [{"path": "/proposed_site/planned_seats", "before": 650, "after": 450}]
    assert bad["problems"] and "/proposed_site/nope" in bad["problems"][0]["zh"]
    table = _table_text(at)
    assert "小职场" in table and "拟设职场 · 计划坐席数：650 → 450" in table and "/proposed_site" not in table
    # what the user typed survives the mistake
    assert at.text_area(key="scenarios.edits.1").value == "/proposed_site/nope = 1"


def test_presenter_mode_and_english():
    at = _page()
    at.session_state["lang"] = "en"
    at.run()
    at.button(key="scenarios.sample.01-almost-premium.json").click().run()
    at.toggle(key="scenarios.presenter").set_value(True).run()
    assert not at.exception
    assert any("stSidebar" in m.value for m in at.markdown)  # the presenter CSS is on the page
    assert "Linjiang" in _text(at) and "2027-01-31" in _text(at)
    at.toggle(key="scenarios.presenter").set_value(False).run()
    assert not any("stSidebar" in m.value for m in at.markdown)


@pytest.mark.parametrize("basis", [3, 6])
def test_basis_switch(basis):
    at = _page().run()
    at.button(key="scenarios.sample.01-almost-premium.json").click().run()
    at.radio(key="scenarios.basis").set_value(basis).run()
    assert not at.exception
    assert at.session_state["scenarios.result"]["basis_months"] == basis


def test_uses_the_application_typed_on_the_intake_page():
    from assessor.ui.draft import from_json_bytes

    at = _page()
    at.session_state["draft"] = from_json_bytes((Path(__file__).parents[2] / "examples" / "workshop" / "04-new-entrant.json").read_bytes())
    at.session_state["settings"] = {"as_of": date(2026, 11, 25), "readings": {}, "addressee": ""}
    at.run()
    at.button(key="scenarios.use_draft").click().run()
    assert not at.exception
    assert at.session_state["scenarios.source"] == "draft"
    assert "星河财产保险股份有限公司" in _text(at) and "2027年9月30日" in _text(at)


def test_a_reload_comes_back_to_the_same_comparison():
    at = _page().run()
    at.button(key="scenarios.sample.05-clean-case.json").click().run()
    at.radio(key="scenarios.basis").set_value(6).run()
    at.button(key="scenarios.add").click().run()
    at.number_input(key="scenarios.seats.0").set_value(450)
    at.text_area(key="scenarios.edits.0").set_value("/existing_sites/1/seats = 420")
    at.button(key="FormSubmitter:scenarios.form-比较").click().run()
    params = {k: at.query_params[k] for k in ("sc_source", "sc_as_of", "sc_basis", "sc_defs")}
    assert params["sc_source"] in ("05-clean-case.json", ["05-clean-case.json"])

    reloaded = _page()
    for key, value in params.items():
        reloaded.query_params[key] = value[0] if isinstance(value, list) else value
    reloaded.run()
    assert not reloaded.exception
    assert reloaded.session_state["scenarios.basis"] == 6
    assert reloaded.text_area(key="scenarios.edits.0").value == "/existing_sites/1/seats = 420"
    result = reloaded.session_state["scenarios.result"]
    assert result["scenarios"][1]["verdict"] == "not_eligible"
    assert {c["path"] for c in result["scenarios"][1]["changes"]} == {"/proposed_site/planned_seats", "/existing_sites/1/seats"}


def test_a_tampered_url_is_ignored():
    at = _page()
    at.query_params["sc_source"] = "../../etc/passwd"
    at.query_params["sc_basis"] = "7"
    at.query_params["sc_defs"] = "[{\"name\": 1, \"seats\": \"x\"}, 5, {\"edits\": \"/nope = 1\"}"
    at.run()
    assert not at.exception
    assert "scenarios.source" not in at.session_state or at.session_state["scenarios.source"] is None
    assert at.session_state["scenarios.defs"] == []
