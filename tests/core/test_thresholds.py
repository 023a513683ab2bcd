"""Every threshold of section 四 at, one unit below and one unit above it, through the public API.

Expected statuses come from DOMAIN.md: 以上/不少于 include the number, years count per the Civil
Code (start day not counted, 29 Feb ends on 28 Feb), the 「1年内」 window includes its first day.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from core_support import AS_OF, base, run, site_facts, status

from assessor import Status, Verdict


# ---------------------------------------------------------------- 4.1.tenure


def _since(start: str) -> dict:
    app = base()
    app["centralized_selling"]["since"] = start
    app["premiums"]["declared_total"]["as_of"] = start  # a declared total may not predate the start
    return app


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2026, 3, 9), "not_met"),  # a day before start + 1 year
        (date(2026, 3, 10), "met"),  # exactly start + 1 year: 以上 includes it
        (date(2026, 3, 11), "met"),
    ],
)
def test_tenure_at_one_year(as_of, expected):
    assert status(_since("2025-03-10"), "4.1.tenure", as_of) == expected


def test_tenure_short_gives_days_left_and_the_date_it_closes():
    finding = run(_since("2025-03-10"), date(2026, 3, 9)).finding("4.1.tenure")
    assert finding.gap.closes_on == date(2026, 3, 10)
    assert finding.gap.amount.value == 1
    assert finding.gap.amount.unit == "days"
    assert finding.threshold.value == 1 and finding.threshold.unit == "years"


@pytest.mark.parametrize(("as_of", "expected"), [(date(2025, 2, 27), "not_met"), (date(2025, 2, 28), "met"), (date(2025, 3, 1), "met")])
def test_tenure_from_29_february_ends_on_28_february(as_of, expected):
    assert status(_since("2024-02-29"), "4.1.tenure", as_of) == expected


def test_tenure_from_29_february_closes_on_28_february():
    finding = run(_since("2024-02-29"), date(2025, 2, 27)).finding("4.1.tenure")
    assert finding.gap.closes_on == date(2025, 2, 28)


def test_tenure_without_start_is_insufficient_evidence():
    app = base()
    del app["centralized_selling"]
    assert status(app, "4.1.tenure") == "insufficient_evidence"


def test_tenure_met_by_date_but_without_evidence_is_insufficient():
    app = base()
    app["centralized_selling"]["evidence"] = []
    assert status(app, "4.1.tenure") == "insufficient_evidence"


# ---------------------------------------------------------------- 4.1.premium


def _declared(amount: str, unit: str) -> dict:
    app = base()
    app["premiums"]["declared_total"].update(amount=amount, unit=unit)
    return app


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        ("1000000000", "元", "met"),
        ("1000000000.00", "元", "met"),
        ("999999999.99", "元", "not_met"),
        ("1000000000.01", "元", "met"),
        ("100000", "万元", "met"),
        ("99999.999999", "万元", "not_met"),  # 999,999,999.99 yuan
        ("100000.000001", "万元", "met"),
        ("10", "亿元", "met"),
        ("9.9999999999", "亿元", "not_met"),  # 999,999,999.99 yuan
        ("10.0000000001", "亿元", "met"),
    ],
)
def test_premium_at_ten_yi_yuan(amount, unit, expected):
    assert status(_declared(amount, unit), "4.1.premium") == expected


def test_premium_one_cent_short_has_an_exact_gap():
    finding = run(_declared("999999999.99", "元")).finding("4.1.premium")
    assert finding.gap.amount.value == Decimal("0.01")
    assert finding.measured.value == Decimal("999999999.99")
    assert finding.threshold.value == Decimal(1_000_000_000)


def _ledger(rows: list[tuple[str, str, str, bool]], since: str = "2024-01-15") -> dict:
    app = base()
    app["centralized_selling"]["since"] = since
    app["premiums"] = {
        "ledger": [{"month": m, "product_code": "P1", "telemarketing_exclusive": ex, "premium": p, "unit": u} for m, p, u, ex in rows]
    }
    return app


@pytest.mark.parametrize(
    ("last", "expected"),
    [("0.01", "met"), ("0", "not_met"), ("0.02", "met")],
)
def test_premium_ledger_at_threshold_mixes_units_exactly(last, expected):
    # 9亿元 + 9,999万元 + 9,999.99元 + last = 1,000,000,000 yuan when last is 0.01
    rows = [
        ("2024-02", "9", "亿元", True),
        ("2024-03", "9999", "万元", True),
        ("2024-04", "9999.99", "元", True),
        ("2024-05", last, "元", True),
    ]
    assert status(_ledger(rows), "4.1.premium") == expected


def test_premium_counts_only_telemarketing_exclusive_products():
    rows = [("2024-02", "9", "亿元", True), ("2024-03", "5", "亿元", False)]
    finding = run(_ledger(rows)).finding("4.1.premium")
    assert finding.status is Status.NOT_MET
    assert finding.measured.value == Decimal(900_000_000)
    assert any("not telemarketing-exclusive" in n.text("en") for n in finding.notes)


def test_premium_ledger_months_before_start_are_left_out():
    rows = [("2023-12", "5", "亿元", True), ("2024-01", "6", "亿元", True)]  # selling began 2024-01-15
    finding = run(_ledger(rows)).finding("4.1.premium")
    assert finding.measured.value == Decimal(600_000_000)
    assert finding.status is Status.NOT_MET
    assert any("before the month centralized selling began" in n.text("en") for n in finding.notes)


@pytest.mark.parametrize(
    ("as_of", "counted"),
    [(date(2026, 6, 29), "600000000"), (date(2026, 6, 30), "1100000000"), (date(2026, 7, 1), "1100000000")],
)
def test_premium_counts_a_month_once_it_has_ended(as_of, counted):
    rows = [("2026-05", "6", "亿元", True), ("2026-06", "5", "亿元", True)]
    finding = run(_ledger(rows, since="2025-01-01"), as_of).finding("4.1.premium")
    assert finding.measured.value == Decimal(counted)
    if as_of == date(2026, 6, 29):
        assert finding.status is Status.NOT_MET
        assert any("not yet ended" in n.text("en") for n in finding.notes)
    else:
        assert finding.status is Status.MET


def test_premium_ledger_wins_over_declared_total_and_mismatch_is_reported():
    app = _ledger([("2024-02", "6", "亿元", True), ("2024-03", "5", "亿元", True)])
    app["premiums"]["declared_total"] = {"amount": "10", "unit": "亿元", "as_of": "2024-03-31", "evidence": [{"document": "a.pdf"}]}
    finding = run(app).finding("4.1.premium")
    assert finding.measured.value == Decimal(1_100_000_000)
    assert finding.status is Status.MET
    mismatch = [n for n in finding.notes if "differs from the ledger" in n.text("en")]
    assert len(mismatch) == 1
    assert "1,000,000,000" in mismatch[0].text("en") and "1,100,000,000" in mismatch[0].text("en")
    assert mismatch[0].text("zh") != mismatch[0].text("en")


def test_premium_matching_declared_total_reports_no_mismatch():
    app = _ledger([("2024-02", "6", "亿元", True), ("2024-03", "5", "亿元", True), ("2024-04", "1", "亿元", True)])
    # the declared total runs to 2024-03-31: the ledger up to then is 11亿元
    app["premiums"]["declared_total"] = {"amount": "1100000000", "unit": "元", "as_of": "2024-03-31", "evidence": [{"document": "a.pdf"}]}
    finding = run(app).finding("4.1.premium")
    assert finding.measured.value == Decimal(1_200_000_000)
    assert not [n for n in finding.notes if "differs" in n.text("en")]


def test_premium_without_ledger_or_declared_total_is_insufficient():
    app = base()
    app["premiums"] = {}
    assert status(app, "4.1.premium") == "insufficient_evidence"


def test_declared_total_without_evidence_is_insufficient_not_met():
    app = base()
    app["premiums"]["declared_total"]["evidence"] = []
    assert status(app, "4.1.premium") == "insufficient_evidence"


def test_declared_total_below_threshold_is_not_met_even_without_evidence():
    app = _declared("9", "亿元")
    app["premiums"]["declared_total"]["evidence"] = []
    assert status(app, "4.1.premium") == "not_met"


# ---------------------------------------------------------------- 4.2 seats


@pytest.mark.parametrize(("seats", "expected"), [(499, "not_met"), (500, "met"), (501, "met")])
def test_new_site_seats(seats, expected):
    app = base()
    app["proposed_site"]["planned_seats"] = seats
    assert status(app, "4.2.new_seats") == expected


def test_new_site_seats_gap():
    app = base()
    app["proposed_site"]["planned_seats"] = 450
    finding = run(app).finding("4.2.new_seats")
    assert (finding.gap.amount.value, finding.gap.amount.unit) == (50, "seats")


def _sites(*seats_and_dates: tuple[int, str]) -> dict:
    app = base()
    app["existing_sites"] = [
        {"id": f"S{i}", "name": f"职场{i}", "city": "北京", "address": "北京市", "approval_date": d, "seats": s, **site_facts(i)}
        for i, (s, d) in enumerate(seats_and_dates)
    ]
    return app


@pytest.mark.parametrize(("seats", "expected"), [(499, "not_met"), (500, "met"), (501, "met")])
def test_original_seats_single_site(seats, expected):
    app = _sites((seats, "2012-01-01"))
    assert status(app, "4.2.original_seats") == expected
    assert status(app, "4.2.original_seats", readings={"original_seats": "original"}) == expected


@pytest.mark.parametrize(("seats", "expected"), [(499, "not_met"), (500, "met"), (501, "met")])
def test_original_seats_strict_reading_asks_every_site(seats, expected):
    app = _sites((2000, "2011-01-01"), (seats, "2018-06-01"), (900, "2020-01-01"))
    assert status(app, "4.2.original_seats") == expected
    assert status(app, "4.2.original_seats", readings={"original_seats": "strict"}) == expected


@pytest.mark.parametrize(("seats", "expected"), [(499, "not_met"), (500, "met"), (501, "met")])
def test_original_seats_lenient_reading_asks_only_the_earliest_approved_site(seats, expected):
    # the earliest approved site is listed last; the small later site does not matter
    app = _sites((300, "2019-01-01"), (800, "2015-01-01"), (seats, "2010-09-01"))
    assert status(app, "4.2.original_seats", readings={"original_seats": "original"}) == expected
    assert status(app, "4.2.original_seats") == "not_met"  # strict: the 300-seat site fails


def test_original_seats_strict_gap_adds_up_every_short_site():
    app = _sites((450, "2011-01-01"), (499, "2018-06-01"), (900, "2020-01-01"))
    finding = run(app).finding("4.2.original_seats")
    assert finding.gap.amount.value == 51
    assert finding.measured.value == 450
    assert [p.status for p in finding.parts] == [Status.NOT_MET, Status.NOT_MET, Status.MET]


def test_original_seats_without_sites_is_insufficient():
    app = base()
    app["existing_sites"] = []
    assert status(app, "4.2.original_seats") == "insufficient_evidence"


def test_reading_used_is_named_in_finding_and_assessment():
    a = run(base(), readings={"original_seats": "original"})
    assert a.readings["original_seats"] == "original"
    assert a.finding("4.2.original_seats").readings == {"original_seats": "original"}
    assert run(base()).readings == {"original_seats": "strict", "violations_window": "item", "violations_dated_by": "conduct", "complaint_attributes": "either"}


# ---------------------------------------------------------------- 4.3 complaints and violations


def _complaint(day: str, harmed: bool = True, impact: bool = True) -> dict:
    return {"date": day, "summary": "误导销售", "seriously_harmed_consumers": harmed, "major_social_impact": impact}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-06-29", "met"),  # one day before the window
        ("2025-06-30", "not_met"),  # exactly one year before as_of: 1年以内 includes it
        ("2025-07-01", "not_met"),
        ("2026-06-30", "not_met"),  # on the assessment date itself
    ],
)
def test_complaint_window_includes_its_first_day(day, expected):
    app = base()
    app["complaints"]["incidents"] = [_complaint(day)]
    assert status(app, "4.3.complaints") == expected


def test_complaint_window_gap_closes_the_day_after_the_incident_leaves():
    app = base()
    app["complaints"]["incidents"] = [_complaint("2025-06-30"), _complaint("2025-09-01")]
    finding = run(app).finding("4.3.complaints")
    assert finding.measured.value == 2
    assert finding.gap.closes_on == date(2026, 9, 2)
    later = run(app, as_of=date(2026, 9, 2), readings=None).finding("4.3.complaints")
    assert later.status is Status.MET


@pytest.mark.parametrize(
    ("harmed", "impact", "either", "both"),
    [
        (True, False, "not_met", "met"),
        (False, True, "not_met", "met"),
        (True, True, "not_met", "not_met"),
        (False, False, "met", "met"),
    ],
)
def test_complaint_attributes_reading(harmed, impact, either, both):
    app = base()
    app["complaints"]["incidents"] = [_complaint("2026-01-10", harmed, impact)]
    assert status(app, "4.3.complaints") == either
    assert status(app, "4.3.complaints", readings={"complaint_attributes": "either"}) == either
    assert status(app, "4.3.complaints", readings={"complaint_attributes": "both"}) == both


@pytest.mark.parametrize("attested", [False, True])
def test_empty_complaint_list_needs_an_attestation(attested):
    app = base()
    app["complaints"] = {"incidents": [], "attested_complete": attested}
    assert status(app, "4.3.complaints") == ("met" if attested else "insufficient_evidence")


def test_non_serious_complaints_without_attestation_are_insufficient():
    app = base()
    app["complaints"] = {"incidents": [_complaint("2026-01-10", False, False)], "attested_complete": False}
    assert status(app, "4.3.complaints") == "insufficient_evidence"


def test_missing_complaints_section_is_insufficient_never_a_pass():
    app = base()
    del app["complaints"]
    del app["violations"]
    a = run(app)
    assert a.finding("4.3.complaints").status is Status.INSUFFICIENT_EVIDENCE
    assert a.finding("4.3.violations").status is Status.INSUFFICIENT_EVIDENCE
    assert a.verdict is Verdict.INCOMPLETE


def _violation(day: str) -> dict:
    return {"conduct_date": day, "authority": "某监管局", "decision_number": "罚决字〔1〕号", "kind": "行政处罚", "summary": "欺骗投保人"}


@pytest.mark.parametrize(
    ("day", "item", "unbounded"),
    [
        ("2023-04-01", "met", "not_met"),
        ("2025-06-29", "met", "not_met"),
        ("2025-06-30", "not_met", "not_met"),
        ("2026-02-01", "not_met", "not_met"),
    ],
)
def test_violations_window_reading(day, item, unbounded):
    app = base()
    app["violations"]["records"] = [_violation(day)]
    assert status(app, "4.3.violations") == item
    assert status(app, "4.3.violations", readings={"violations_window": "item"}) == item
    assert status(app, "4.3.violations", readings={"violations_window": "none"}) == unbounded


def test_unbounded_violation_has_no_closing_date():
    app = base()
    app["violations"]["records"] = [_violation("2023-04-01")]
    finding = run(app, readings={"violations_window": "none"}).finding("4.3.violations")
    assert finding.gap.closes_on is None


@pytest.mark.parametrize("attested", [False, True])
def test_empty_violation_list_needs_an_attestation(attested):
    app = base()
    app["violations"] = {"records": [], "attested_complete": attested}
    assert status(app, "4.3.violations") == ("met" if attested else "insufficient_evidence")


# ---------------------------------------------------------------- scope and application type


def _failing_every_threshold(app: dict) -> dict:
    app["centralized_selling"]["since"] = "2026-01-01"
    app["premiums"]["declared_total"].update(amount="1", unit="亿元", as_of="2026-05-31")
    app["existing_sites"][0]["seats"] = 120
    app["proposed_site"]["planned_seats"] = 100
    app["complaints"]["incidents"] = [_complaint("2026-03-01")]
    app["violations"]["records"] = [_violation("2026-03-01")]
    return app


def test_relocation_thresholds_are_not_applicable():
    app = _failing_every_threshold(base())
    app["applicant"]["application_type"] = "relocation"
    app["applicant"]["relocating_site"] = app["existing_sites"][0]["id"]
    a = run(app)
    for criterion in ("4.1.tenure", "4.1.premium", "4.2.original_seats", "4.2.new_seats", "4.3.complaints", "4.3.violations"):
        finding = a.finding(criterion)
        assert finding.status is Status.NOT_APPLICABLE, criterion
        assert finding.explanation.text("zh") and finding.explanation.text("en")
    for criterion in ("4.4.staff", "4.4.systems", "4.4.numbers", "4.4.products", "4.4.operations"):
        assert a.finding(criterion).status is Status.MET
    # never "eligible to open a new site": the notice sets no threshold for a relocation
    assert a.verdict is Verdict.NO_OBSTACLE
    assert "eligible" not in a.verdict.value
    assert any("relocation" in n.text("en") for n in a.notes)
    # the result names the site that moves
    assert [n.values["site"] for n in a.notes if n.key == "engine.relocation.site"] == ["A"]


def test_same_facts_as_new_site_fail_every_threshold():
    a = run(_failing_every_threshold(base()))
    assert a.verdict is Verdict.NOT_ELIGIBLE
    for criterion in ("4.1.tenure", "4.1.premium", "4.2.original_seats", "4.2.new_seats", "4.3.complaints", "4.3.violations"):
        assert a.finding(criterion).status is Status.NOT_MET, criterion


def test_relocation_still_needs_the_unifications():
    app = base()
    app["applicant"]["application_type"] = "relocation"
    app["applicant"]["relocating_site"] = "A"
    app["unifications"]["staff"]["head_office_team"]["attested"] = False
    a = run(app)
    assert a.finding("4.4.staff").status is Status.NOT_MET
    assert a.verdict is Verdict.NOT_ELIGIBLE


@pytest.mark.parametrize("kind", ["life", "other"])
def test_non_pc_insurer_is_out_of_scope(kind):
    app = base()
    app["applicant"]["insurer_type"] = kind
    a = run(app)
    assert a.verdict is Verdict.OUT_OF_SCOPE
    assert len(a.findings) == 11  # still every criterion evaluated and reported
    assert any(kind in n.text("en") for n in a.notes)


def test_insurer_not_approved_for_telemarketing_is_out_of_scope():
    app = base()
    app["applicant"]["telemarketing_approved"] = False
    del app["applicant"]["telemarketing_approval_ref"]
    assert run(app).verdict is Verdict.OUT_OF_SCOPE


def test_every_criterion_is_always_reported_in_rulebook_order():
    ids = ["4.1.tenure", "4.1.premium", "4.2.original_seats", "4.2.new_seats", "4.3.complaints", "4.3.violations",
           "4.4.staff", "4.4.systems", "4.4.numbers", "4.4.products", "4.4.operations"]
    app = base()
    del app["centralized_selling"]
    app["premiums"] = {}
    app["existing_sites"] = []
    a = run(app)
    assert [f.criterion for f in a.findings] == ids
    for f in a.findings:
        assert f.clause.startswith("四（") and f.clause_text and f.title["zh"] and f.title["en"]
        assert f.explanation.text("zh") and f.explanation.text("en")


def test_base_application_is_eligible():
    a = run(base())
    assert a.verdict is Verdict.ELIGIBLE, [(f.criterion, f.status) for f in a.findings]
    assert a.as_of == AS_OF


@pytest.mark.parametrize(("day", "expected"), [("2027-02-27", "met"), ("2027-02-28", "not_met"), ("2028-02-29", "not_met")])
def test_window_ending_on_29_february_starts_on_28_february(day, expected):
    # one year before 2028-02-29 has no corresponding day: the month's last day, 2027-02-28
    app = base()
    app["complaints"]["incidents"] = [_complaint(day)]
    assert status(app, "4.3.complaints", date(2028, 2, 29)) == expected


@pytest.mark.parametrize("events", ["complaints", "violations"])
def test_an_event_on_28_february_leaves_the_window_on_1_march_of_a_leap_year(events):
    # Seen from 2024-02-29 the window opens on 2023-02-28, so the event still counts that day:
    # the gap closes on 1 March, and the criterion is met from then on.
    app = base()
    if events == "complaints":
        app["complaints"]["incidents"] = [_complaint("2023-02-28")]
    else:
        app["violations"]["records"] = [
            {"conduct_date": "2023-02-28", "authority": "某银保监分局", "decision_number": "罚2023-1", "kind": "罚款", "summary": "销售误导"}
        ]
    criterion, today = f"4.3.{events}", date(2026, 6, 30)
    on_leap_day = run(app, date(2024, 2, 29), today=today).finding(criterion)
    assert on_leap_day.status is Status.NOT_MET
    assert on_leap_day.gap.closes_on == date(2024, 3, 1)
    assert run(app, date(2024, 3, 1), today=today).finding(criterion).status is Status.MET


@given(st.dates(min_value=date(2012, 1, 1), max_value=date(2040, 12, 31)))
@example(date(2023, 2, 28))  # the day before a leap year's 29 Feb: the case the rule once got wrong
@example(date(2024, 2, 29))
@settings(max_examples=150, deadline=None)
def test_the_gap_of_a_window_closes_on_the_first_day_the_event_no_longer_counts(day):
    app = base()
    app["complaints"]["incidents"] = [_complaint(day.isoformat())]
    today = date(2042, 1, 1)  # every date of the base application lies before it
    closes = run(app, day + timedelta(days=100), today=today).finding("4.3.complaints").gap.closes_on
    assert run(app, closes - timedelta(days=1), today=today).finding("4.3.complaints").status is Status.NOT_MET
    assert run(app, closes, today=today).finding("4.3.complaints").status is Status.MET


def test_declared_total_running_past_the_assessment_date_cannot_stand_for_it():
    app = base()
    app["premiums"]["declared_total"]["as_of"] = "2026-06-30"
    early = run(app, date(2026, 6, 29), today=date(2026, 6, 30)).finding("4.1.premium")
    assert early.status is Status.INSUFFICIENT_EVIDENCE
    assert status(app, "4.1.premium", date(2026, 6, 30)) == "met"


def test_tenure_assessed_before_the_start_is_not_met():
    app = _since("2025-03-10")
    finding = run(app, date(2025, 3, 1), today=date(2026, 6, 30)).finding("4.1.tenure")
    assert finding.status is Status.NOT_MET
    assert finding.gap.closes_on == date(2026, 3, 10)


def test_lenient_reading_without_approval_dates_takes_the_first_listed_site():
    app = _sites((520, None), (300, None))
    assert status(app, "4.2.original_seats", readings={"original_seats": "original"}) == "met"
    app = _sites((300, None), (520, "2015-01-01"))  # a dated site comes before undated ones
    assert status(app, "4.2.original_seats", readings={"original_seats": "original"}) == "met"
