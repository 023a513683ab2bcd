"""Scenarios: named copies of an application with a few fields changed, compared side by side."""

from __future__ import annotations

from datetime import date

import pytest
from forecast_support import app, ledger

from assessor.core.engine import Status, Verdict
from assessor.forecast import Outcome
from assessor.intake import ApplicationError
from assessor.scenarios import Edit, Scenario, ScenarioError, apply_edits, compare, format_edits, normalize_path, parse_edits

AS_OF = date(2026, 1, 20)


def _base():
    return app(premiums={"ledger": ledger("2025-01", [100_000_000] * 10)})


def test_paths_in_pointer_dotted_and_indexed_forms_agree():
    assert normalize_path("/existing_sites/1/seats") == "/existing_sites/1/seats"
    assert normalize_path("existing_sites[1].seats") == "/existing_sites/1/seats"
    assert normalize_path("existing_sites.1.seats") == "/existing_sites/1/seats"
    with pytest.raises(ScenarioError):
        normalize_path("   ")


def test_edits_parse_from_lines_and_write_back():
    edits = parse_edits("# a comment\n/proposed_site/planned_seats = 450\n\nproposed_site.city = 杭州\n/premiums/ledger/0/premium = \"1.5\"\n")
    assert edits == (Edit("/proposed_site/planned_seats", 450), Edit("/proposed_site/city", "杭州"), Edit("/premiums/ledger/0/premium", "1.5"))
    assert parse_edits(format_edits(edits)) == edits
    with pytest.raises(ScenarioError) as caught:
        parse_edits("no equals sign here")
    assert caught.value.lines("en")[0].startswith("#1")


def test_edits_name_the_bad_path_in_the_users_language():
    with pytest.raises(ScenarioError) as caught:
        apply_edits(_base(), [Edit("/proposed_site/seats", 1)])
    assert "/proposed_site/seats" in caught.value.lines("zh")[0] and "不存在" in caught.value.lines("zh")[0]
    with pytest.raises(ScenarioError) as caught:
        apply_edits(_base(), [Edit("/existing_sites/7/seats", 1)])
    assert "7" in caught.value.lines("en")[0]
    with pytest.raises(ApplicationError) as invalid:
        apply_edits(_base(), [Edit("/proposed_site/planned_seats", -5)])
    assert invalid.value.problems[0].path == "proposed_site.planned_seats"


def test_applying_edits_leaves_the_original_alone():
    base = _base()
    changed = apply_edits(base, [Edit("/proposed_site/planned_seats", 450)])
    assert changed.proposed_site.planned_seats == 450 and base.proposed_site.planned_seats == 600


def test_compare_side_by_side():
    base = _base()
    scenarios = [
        Scenario("现状"),
        Scenario("小职场", (Edit("/proposed_site/planned_seats", 450),)),
        Scenario("晚一年", (Edit("/centralized_selling/since", "2025-06-01"), Edit("/existing_sites/1/seats", 700))),
        Scenario("坏情景", (Edit("/nope", 1),)),
    ]
    result = compare(base, scenarios, as_of=AS_OF)
    baseline, small, late, bad = result.results
    assert baseline.verdict is Verdict.ELIGIBLE and baseline.forecast.outcome is Outcome.ELIGIBLE_NOW and baseline.changes == ()
    assert small.verdict is Verdict.NOT_ELIGIBLE and small.statuses["4.2.new_seats"] is Status.NOT_MET
    assert small.changes[0].before == 600 and small.changes[0].after == 450
    assert small.forecast.blocked_by == ("4.2.new_seats",)
    assert late.statuses["4.1.tenure"] is Status.NOT_MET and late.forecast.eligible_on == date(2026, 6, 1)
    assert not bad.ok and bad.verdict is None and "/nope" in bad.problems[0].line("en")
    assert result.differs("4.2.new_seats") and result.differs("4.1.tenure") and not result.differs("4.4.staff")
    # the bad scenario changed nothing it could apply, so it adds no highlighted field
    assert result.changed_paths == ("/proposed_site/planned_seats", "/centralized_selling/since", "/existing_sites/1/seats")
    payload = result.to_json()
    assert [s["name"] for s in payload["scenarios"]] == ["现状", "小职场", "晚一年", "坏情景"]
    assert payload["scenarios"][2]["eligible_on"] == "2026-06-01"
    assert next(c for c in payload["criteria"] if c["id"] == "4.2.new_seats")["differs"] is True


def test_at_most_four_scenarios():
    with pytest.raises(ScenarioError):
        compare(_base(), [Scenario(str(i)) for i in range(5)], as_of=AS_OF)
