"""What flips the verdict: every offered change, applied to a copy of the application, meets
its criterion when the engine assesses it; and it is the smallest such change (one seat, one fen
or one day less does not)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from forecast_support import EXAMPLES, WORKSHOP, app, build, complaint, data, example_cases, ledger, violation, workshop_index

from assessor.core.engine import Status, Verdict, assess
from assessor.forecast import projected_application
from assessor.intake import load_application
from assessor.scenarios import Change, Edit, apply_change, apply_edits, minimal_changes


def _status_after(application, change: Change, as_of: date) -> Status:
    changed, on = apply_change(application, change, as_of)
    return assess(changed, as_of=on).finding(change.criterion).status


def _assert_all_flip(application, as_of, **kwargs):
    now = assess(application, as_of=as_of, **{k: v for k, v in kwargs.items() if k == "readings"})
    failing = {f.criterion for f in now.findings if f.status in (Status.NOT_MET, Status.INSUFFICIENT_EVIDENCE)}
    changes = minimal_changes(application, as_of=as_of, **kwargs)
    assert failing <= {c.criterion for c in changes}
    for change in changes:
        assert change.flips is True, change
        assert _status_after(application, change, as_of) is Status.MET
    return changes


def _only(changes, criterion, kind):
    found = [c for c in changes if c.criterion == criterion and c.kind == kind]
    assert len(found) == 1, changes
    return found[0]


def test_seats_short_at_an_existing_site_and_the_new_site():
    raw = data(premiums={"ledger": ledger("2025-01", [100_000_000] * 10)})
    raw["existing_sites"][1]["seats"] = 420
    raw["proposed_site"]["planned_seats"] = 450
    application = build(raw)
    changes = _assert_all_flip(application, date(2026, 1, 20))
    original = _only(changes, "4.2.original_seats", "add_seats")
    assert original.edits == (Edit("/existing_sites/1/seats", 500),) and original.amount.value == 80 and original.target == "B"
    assert "80" in original.text("zh") and "成都电销中心" in original.text("en")
    new = _only(changes, "4.2.new_seats", "add_seats")
    assert new.amount.value == 50
    # one seat fewer does not meet it
    assert assess(apply_edits(application, [Edit("/existing_sites/1/seats", 499)]), as_of=date(2026, 1, 20)).finding("4.2.original_seats").status is Status.NOT_MET
    assert assess(apply_edits(application, [Edit("/proposed_site/planned_seats", 499)]), as_of=date(2026, 1, 20)).finding("4.2.new_seats").status is Status.NOT_MET


def test_premium_short_by_an_amount_and_by_a_wait():
    application = app()  # 500M counted on 2025-11-15, 50M a month
    as_of = date(2025, 11, 15)
    changes = _assert_all_flip(application, as_of)
    add = _only(changes, "4.1.premium", "add_premium")
    assert add.amount.value == Decimal(500_000_000)
    assert add.edits[0].path == "/premiums/ledger/-" and add.edits[0].value["month"] == "2025-10-01"
    one_fen_less = Edit(add.edits[0].path, {**add.edits[0].value, "premium": "499999999.99"})
    assert assess(apply_edits(application, [one_fen_less]), as_of=as_of).finding("4.1.premium").status is Status.NOT_MET
    wait = _only(changes, "4.1.premium", "wait")
    assert wait.wait_until == date(2026, 8, 31) and wait.run_rate.per_month == Decimal(50_000_000)
    projected = projected_application(application, as_of, wait.run_rate, wait.wait_until)
    assert assess(projected, as_of=wait.wait_until - timedelta(days=1)).finding("4.1.premium").status is Status.NOT_MET


def test_declared_total_short_raises_the_declared_amount():
    application = app(premiums={"declared_total": {"amount": "9.7", "unit": "亿元", "as_of": "2025-12-31", "evidence": [{"document": "审计.pdf"}]}})
    changes = _assert_all_flip(application, date(2026, 1, 20))
    add = _only(changes, "4.1.premium", "add_premium")
    assert add.amount.value == Decimal(30_000_000) and "0.30亿元" in add.text("zh")


def test_tenure_short_waits_to_the_anniversary_and_not_a_day_less():
    application = app(premiums={"ledger": ledger("2025-01", [100_000_000] * 10)})
    changes = _assert_all_flip(application, date(2025, 11, 15))
    wait = _only(changes, "4.1.tenure", "wait")
    assert wait.wait_until == date(2026, 1, 1)
    assert assess(application, as_of=date(2025, 12, 31)).finding("4.1.tenure").status is Status.NOT_MET


def test_an_incident_waits_until_it_leaves_and_an_unattested_list_is_attested():
    application = app(
        premiums={"ledger": ledger("2025-01", [100_000_000] * 10)},
        complaints={"incidents": [complaint("2025-03-10")], "attested_complete": False},
        violations={"records": [], "attested_complete": False},
    )
    changes = _assert_all_flip(application, date(2026, 1, 20))
    wait = _only(changes, "4.3.complaints", "wait")
    assert wait.wait_until == date(2026, 3, 11)
    assert Edit("/complaints/attested_complete", True) in wait.edits  # waiting alone would leave it unproven
    attest = _only(changes, "4.3.violations", "attest_complete")
    assert attest.edits == (Edit("/violations/attested_complete", True),)


def test_an_unbounded_violation_offers_no_change():
    application = app(premiums={"ledger": ledger("2025-01", [100_000_000] * 10)}, violations={"records": [violation("2020-06-30")], "attested_complete": True})
    readings = {"violations_window": "none"}
    assert assess(application, as_of=date(2026, 1, 20), readings=readings).verdict is Verdict.NOT_ELIGIBLE
    assert [c for c in minimal_changes(application, as_of=date(2026, 1, 20), readings=readings) if c.criterion == "4.3.violations"] == []


def test_unapproved_product_can_be_approved_or_removed():
    raw = data(premiums={"ledger": ledger("2025-01", [100_000_000] * 10)})
    raw["proposed_site"]["products"] = ["P1", "P2", "P9"]
    raw["unifications"]["systems"]["data_storage"] = {"attested": False, "description": "本地", "evidence": []}
    raw["unifications"]["staff"]["head_office_team"] = {"attested": None, "description": "", "evidence": []}
    raw["proposed_site"]["management_team"] = []
    application = build(raw)
    changes = _assert_all_flip(application, date(2026, 1, 20))
    approve = _only(changes, "4.4.products", "approve")
    assert approve.edits[0] == Edit("/company/approved_products/-", {"code": "P9"}) and approve.target == "P9"
    remove = _only(changes, "4.4.products", "remove")
    assert remove.edits[0] == Edit("/proposed_site/products", ["P1", "P2"])
    systems = _only(changes, "4.4.systems", "attest")
    assert [e.path for e in systems.edits] == ["/unifications/systems/data_storage"]
    staff = _only(changes, "4.4.staff", "attest")
    assert {e.path for e in staff.edits} == {"/unifications/staff/head_office_team", "/proposed_site/management_team"}


def test_an_eligible_application_needs_no_change():
    assert minimal_changes(app(premiums={"ledger": ledger("2025-01", [100_000_000] * 10)}), as_of=date(2026, 1, 20)) == ()


@pytest.mark.parametrize("entry", workshop_index(), ids=lambda e: e["file"])
def test_every_change_for_the_workshop_insurers_flips_its_criterion(entry):
    application = load_application(WORKSHOP / entry["file"], today=entry["as_of"])
    _assert_all_flip(application, entry["as_of"])


@pytest.mark.parametrize(("name", "as_of"), example_cases(), ids=lambda v: str(v))
def test_every_change_for_the_examples_flips_its_criterion(name, as_of):
    application = load_application(EXAMPLES / name, today=as_of)
    if assess(application, as_of=as_of).verdict is Verdict.OUT_OF_SCOPE:
        assert minimal_changes(application, as_of=as_of) == ()
        return
    _assert_all_flip(application, as_of)


def test_missing_start_and_missing_premium_are_supplied_by_the_change():
    raw = data(premiums={"ledger": []})
    raw["centralized_selling"] = None
    application = build(raw)
    as_of = date(2026, 1, 20)
    assert {f.criterion for f in assess(application, as_of=as_of).findings if f.status is Status.INSUFFICIENT_EVIDENCE} >= {"4.1.tenure", "4.1.premium"}
    changes = _assert_all_flip(application, as_of)
    start = _only(changes, "4.1.tenure", "set_start")
    assert start.edits[0].path == "/centralized_selling" and start.edits[0].value["since"] == "2025-01-20"  # latest start that meets
    premium = _only(changes, "4.1.premium", "add_premium")
    assert premium.amount.value == 1_000_000_000
