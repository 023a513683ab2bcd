"""Forecast dates against dates worked out by hand on crafted ledgers and incident lists.

Every expected date below is computed in the comment beside it from the rulebook's conventions
(Civil Code year counting, a month's premium counted on its last day, the one-year window with
both ends included), not copied from a run.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from forecast_support import YI, app, complaint, data, build, ledger, violation

from assessor.core.engine import Status, Verdict, assess
from assessor.forecast import Outcome, Outlook, forecast, run_rate


def test_premium_crosses_at_a_constant_run_rate():
    # 50M a month Jan–Oct 2025 = 500M counted on 2025-11-15; 500M short / 50M = 10 months:
    # Nov 2025 … Aug 2026, counted on 2026-08-31. Tenure (since 2025-01-01) is met 2026-01-01.
    fc = forecast(app(), as_of=date(2025, 11, 15))
    assert fc.criterion("4.1.tenure").met_on == date(2026, 1, 1)
    assert fc.criterion("4.1.premium").outlook is Outlook.ON_DATE
    assert fc.criterion("4.1.premium").met_on == date(2026, 8, 31)
    assert fc.outcome is Outcome.ELIGIBLE_ON and fc.eligible_on == date(2026, 8, 31)
    assert fc.check.holds and fc.check.day_before == date(2026, 8, 30)
    assert fc.check.verdict_day_before is Verdict.NOT_ELIGIBLE


@pytest.mark.parametrize(
    ("basis", "expected"),
    [
        (3, date(2026, 6, 30)),  # 80M a month; 620M short -> 7.75 -> 8 months: Nov 2025 … Jun 2026
        (6, date(2026, 11, 30)),  # (3×20M + 3×80M)/6 = 50M; 620M/50M = 12.4 -> 13 months: … Nov 2026
        (12, date(2027, 3, 31)),  # only 10 months exist: 380M/10 = 38M; 620/38 = 16.3 -> 17: … Mar 2027
    ],
)
def test_the_basis_chooses_the_trailing_months(basis, expected):
    application = app(premiums={"ledger": ledger("2025-01", [20_000_000] * 7 + [80_000_000] * 3)})
    fc = forecast(application, as_of=date(2025, 11, 15), basis=basis)
    assert fc.criterion("4.1.premium").met_on == expected
    assert fc.eligible_on == expected and fc.check.holds


def test_a_month_counts_only_on_its_last_day():
    # Jan–Sep 50M, Oct 200M. On 2025-10-31 October counts: 650M, basis 3 = (50+50+200)/3 = 100M,
    # 350M short -> 4 months Nov … Feb -> 2026-02-28.
    application = app(premiums={"ledger": ledger("2025-01", [50_000_000] * 9 + [200_000_000])})
    assert forecast(application, as_of=date(2025, 10, 31), basis=3).criterion("4.1.premium").met_on == date(2026, 2, 28)
    # A day earlier October has not ended: 450M, basis Jul–Sep = 50M, 550M short -> 11 months
    # starting with October itself (its recorded row is not yet counted): Oct … Aug -> 2026-08-31.
    early = forecast(application, as_of=date(2025, 10, 30), basis=3)
    assert early.run_rate.months[-1] == date(2025, 9, 1) and early.run_rate.first_projected == date(2025, 10, 1)
    assert early.criterion("4.1.premium").met_on == date(2026, 8, 31)


def test_exactly_the_threshold_is_met_on_the_crossing_day():
    # 20 months of 50M reach exactly 1,000M at the end of month 20 (以上 includes the number).
    application = app(premiums={"ledger": ledger("2025-01", [50_000_000] * 10)})
    fc = forecast(application, as_of=date(2025, 10, 31), basis=12)
    assert fc.criterion("4.1.premium").met_on == date(2026, 8, 31)
    assert assess(application, as_of=date(2025, 10, 31)).finding("4.1.premium").measured.value == 5 * YI


def test_zero_run_rate_never_reaches_the_threshold():
    application = app(premiums={"ledger": ledger("2025-01", [50_000_000] * 7 + [0] * 3)})
    fc = forecast(application, as_of=date(2025, 11, 15), basis=3)
    premium = fc.criterion("4.1.premium")
    assert premium.outlook is Outlook.NEVER and premium.met_on is None
    assert premium.reason.key == "forecast.reason.premium_zero"
    assert fc.outcome is Outcome.BLOCKED and fc.blocked_by == ("4.1.premium",) and fc.eligible_on is None
    # Six months back the rate is 25M: 650M short -> 26 months, Nov 2025 … Dec 2027.
    assert forecast(application, as_of=date(2025, 11, 15), basis=6).criterion("4.1.premium").met_on == date(2027, 12, 31)


def test_tenure_from_29_february_ends_on_28_february():
    application = app(
        centralized_selling={"since": "2024-02-29", "evidence": [{"document": "启动.pdf"}]},
        premiums={"ledger": ledger("2024-02", [100_000_000] * 11)},
    )
    fc = forecast(application, as_of=date(2025, 1, 15))
    assert fc.criterion("4.1.premium").outlook is Outlook.MET_NOW
    tenure = fc.criterion("4.1.tenure")
    assert tenure.outlook is Outlook.ON_DATE and tenure.met_on == date(2025, 2, 28)
    assert fc.eligible_on == date(2025, 2, 28)
    assert fc.check.holds and fc.check.verdict_day_before is Verdict.NOT_ELIGIBLE


def test_an_incident_leaves_the_window_the_day_after_its_anniversary():
    # Serious complaint on 2025-03-10: on 2026-03-10 the window starts 2025-03-10 and still
    # holds it (both ends count); on 2026-03-11 it starts 2025-03-11 and the incident is out.
    application = app(
        premiums={"ledger": ledger("2025-01", [100_000_000] * 10)},
        complaints={"incidents": [complaint("2025-03-10")], "attested_complete": True},
    )
    fc = forecast(application, as_of=date(2026, 1, 20))
    assert fc.criterion("4.1.premium").outlook is Outlook.MET_NOW  # exactly 1,000M is enough
    item = fc.criterion("4.3.complaints")
    assert item.outlook is Outlook.ON_DATE and item.met_on == date(2026, 3, 11)
    assert fc.eligible_on == date(2026, 3, 11) and fc.check.day_before == date(2026, 3, 10)
    assert fc.check.holds


def test_an_incident_on_29_february_leaves_on_1_march():
    # One year from 2024-02-29 ends on 2025-02-28 (no 29 Feb); it leaves the window the next day.
    application = app(
        centralized_selling={"since": "2023-06-01", "evidence": [{"document": "启动.pdf"}]},
        premiums={"ledger": ledger("2023-06", [100_000_000] * 12)},
        complaints={"incidents": [complaint("2024-02-29", serious=False, social=True)], "attested_complete": True},
    )
    fc = forecast(application, as_of=date(2024, 12, 1))
    assert fc.criterion("4.3.complaints").met_on == date(2025, 3, 1)
    assert fc.eligible_on == date(2025, 3, 1) and fc.check.holds


def test_the_latest_of_several_incidents_decides():
    application = app(
        premiums={"ledger": ledger("2025-01", [100_000_000] * 10)},
        complaints={"incidents": [complaint("2025-02-01"), complaint("2025-05-20", serious=False, social=True)], "attested_complete": True},
    )
    assert forecast(application, as_of=date(2026, 1, 20)).criterion("4.3.complaints").met_on == date(2026, 5, 21)


def test_a_non_serious_incident_does_not_delay_and_the_reading_matters():
    raw = data(
        premiums={"ledger": ledger("2025-01", [100_000_000] * 10)},
        complaints={"incidents": [complaint("2025-12-01", serious=True, social=False)], "attested_complete": True},
    )
    application = build(raw)
    assert forecast(application, as_of=date(2026, 1, 20)).criterion("4.3.complaints").met_on == date(2026, 12, 2)
    both = forecast(application, as_of=date(2026, 1, 20), readings={"complaint_attributes": "both"})
    assert both.criterion("4.3.complaints").outlook is Outlook.MET_NOW and both.outcome is Outcome.ELIGIBLE_NOW


def test_violations_leave_the_window_unless_the_reading_is_unbounded():
    application = app(
        premiums={"ledger": ledger("2025-01", [100_000_000] * 10)},
        violations={"records": [violation("2025-06-30")], "attested_complete": True},
    )
    fc = forecast(application, as_of=date(2026, 1, 20))
    assert fc.criterion("4.3.violations").met_on == date(2026, 7, 1) and fc.eligible_on == date(2026, 7, 1)
    unbounded = forecast(application, as_of=date(2026, 1, 20), readings={"violations_window": "none"})
    item = unbounded.criterion("4.3.violations")
    assert item.outlook is Outlook.NEVER and item.met_on is None
    assert unbounded.outcome is Outcome.BLOCKED and unbounded.blocked_by == ("4.3.violations",)


def test_an_incident_after_the_assessment_date_is_met_by_the_overall_date():
    # On 2025-01-10 no incident is in the window, but tenure completes only on 2025-02-01, when a
    # serious complaint of 2025-01-20 is inside it: the overall date waits for it to leave.
    application = app(
        centralized_selling={"since": "2024-02-01", "evidence": [{"document": "启动.pdf"}]},
        premiums={"ledger": ledger("2024-02", [100_000_000] * 12)},
        complaints={"incidents": [complaint("2025-01-20")], "attested_complete": True},
    )
    fc = forecast(application, as_of=date(2025, 1, 10))
    assert fc.criterion("4.3.complaints").outlook is Outlook.MET_NOW
    assert fc.criterion("4.1.tenure").met_on == date(2025, 2, 1)
    assert fc.eligible_on == date(2026, 1, 21) and fc.check.holds


@pytest.mark.parametrize(
    ("change", "blocker"),
    [
        ({"proposed_site": {**data()["proposed_site"], "planned_seats": 499}}, "4.2.new_seats"),
        ({"proposed_site": {**data()["proposed_site"], "products": ["P1", "P9"]}}, "4.4.products"),
        ({"proposed_site": {**data()["proposed_site"], "inbound_numbers": ["0571-8888 1234"]}}, "4.4.numbers"),
        ({"existing_sites": [{**data()["existing_sites"][0], "seats": 499}]}, "4.2.original_seats"),
    ],
)
def test_what_time_cannot_fix_blocks_the_forecast(change, blocker):
    application = app(premiums={"ledger": ledger("2025-01", [100_000_000] * 10)}, **change)
    fc = forecast(application, as_of=date(2026, 1, 20))
    assert fc.outcome is Outcome.BLOCKED and fc.eligible_on is None and blocker in fc.blocked_by
    assert fc.criterion(blocker).outlook is Outlook.BLOCKED and fc.criterion(blocker).met_on is None


def test_an_unattested_or_false_sub_item_blocks():
    raw = data(premiums={"ledger": ledger("2025-01", [100_000_000] * 10)})
    raw["unifications"]["systems"]["data_storage"] = {"attested": False, "description": "本地存储", "evidence": []}
    raw["unifications"]["operations"]["quality_monitoring"] = {"attested": None, "description": "", "evidence": []}
    fc = forecast(build(raw), as_of=date(2026, 1, 20))
    assert fc.blocked_by == ("4.4.systems", "4.4.operations")
    assert fc.criterion("4.4.operations").status_now is Status.INSUFFICIENT_EVIDENCE


def test_the_new_sites_seats_are_a_plan_with_its_opening_noted():
    fc = forecast(app(), as_of=date(2025, 11, 15))
    seats = fc.criterion("4.2.new_seats")
    assert seats.outlook is Outlook.MET_NOW and not seats.time_bound
    assert "2026年9月1日" in seats.notes[0].text("zh") and "2026-09-01" in seats.notes[0].text("en")


def test_relocation_and_out_of_scope():
    raw = data()
    raw["applicant"]["application_type"] = "relocation"
    raw["applicant"]["relocating_site"] = "A"
    fc = forecast(build(raw), as_of=date(2025, 11, 15))
    assert fc.criterion("4.1.premium").outlook is Outlook.NOT_APPLICABLE and fc.outcome is Outcome.ELIGIBLE_NOW
    raw = data()
    raw["applicant"]["insurer_type"] = "life"
    fc = forecast(build(raw), as_of=date(2025, 11, 15))
    assert fc.outcome is Outcome.OUT_OF_SCOPE and fc.eligible_on is None


def test_run_rate_is_exact_to_the_fen_and_rounded_down():
    application = app(premiums={"ledger": ledger("2025-01", [100, 100, 101])})
    rate = run_rate(application, date(2025, 4, 30), basis=3)
    assert str(rate.per_month) == "100.33" and rate.total == 301


def test_json_names_rulebook_readings_and_dates():
    fc = forecast(app(), as_of=date(2025, 11, 15), basis=6)
    payload = json.loads(json.dumps(fc.to_json(), ensure_ascii=False))
    assert payload["basis_months"] == 6 and payload["rulebook"]["version"] >= 1
    assert payload["readings"]["original_seats"] == "strict"
    assert payload["eligible_on"] == "2026-08-31" and payload["check"]["holds"] is True
    assert payload["premium_path"][-1]["projected"] is True
    assert {c["criterion"] for c in payload["criteria"]} >= {"4.1.tenure", "4.1.premium", "4.3.complaints"}
    assert payload["summary"]["zh"] and payload["summary"]["en"]


def test_no_ended_month_yet_cannot_be_projected():
    application = app(centralized_selling={"since": "2025-11-03", "evidence": [{"document": "启动.pdf"}]}, premiums={"ledger": ledger("2025-11", [90_000_000])})
    fc = forecast(application, as_of=date(2025, 11, 15))
    premium = fc.criterion("4.1.premium")
    assert premium.met_on is None and premium.reason.key == "forecast.reason.premium_no_months"
    assert "4.1.premium" in fc.blocked_by and fc.premium_crossing is None


def test_premium_crossing_is_exposed_for_charts():
    fc = forecast(app(), as_of=date(2025, 11, 15))
    assert fc.premium_criterion == "4.1.premium" and fc.premium_crossing == date(2026, 8, 31)
    crossing = [p for p in fc.premium_path if p.on == date(2026, 8, 31)]
    assert crossing and crossing[0].projected and crossing[0].cumulative == 10 * YI
