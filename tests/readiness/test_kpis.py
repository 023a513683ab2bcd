"""Each KPI on small crafted logs equals the value computed by hand, boundaries included."""

from datetime import date
from decimal import Decimal

import duckdb

from readiness_support import policies_file, policy, run, write_csv

from assessor.readiness import DutyStatus

DELIVERY, CALLBACK, RETENTION = "2.3.delivery_within_48h", "2.6.callback_within_72h", "2.6.recording_retention"


def test_exactly_48_hours_is_within_and_one_second_more_is_not(tmp_path):
    log = policies_file(tmp_path, [
        policy("P1", "2026-01-05 10:00:00", "2026-01-07 10:00:00"),  # 48:00:00 -> within
        policy("P2", "2026-01-05 10:00:00", "2026-01-07 10:00:01"),  # 48:00:01 -> late
        policy("P3", "2026-01-05 10:00:00", "2026-01-05 10:00:00"),  # 0 h -> within
        policy("P4", "2026-01-05 10:00:00", "2026-01-06 09:59:59"),  # within
    ])
    duty = run(log).duty(DELIVERY)
    assert (duty.counts["within"], duty.counts["late"]) == (3, 1)
    assert duty.status is DutyStatus.REVIEW  # the notice may excuse it: a person decides
    assert duty.measured.value == Decimal(3) / Decimal(4)
    assert duty.gap.value == 1 and duty.gap.unit == "policies"


def test_exactly_72_hours_is_within_and_one_second_more_is_not(tmp_path):
    log = policies_file(tmp_path, [
        policy("P1", "2026-01-05 10:00:00", "2026-01-06 10:00:00", "2026-01-07 09:00:00", "2026-01-10 09:00:00"),
        policy("P2", "2026-01-05 10:00:00", "2026-01-06 10:00:00", "2026-01-07 09:00:00", "2026-01-10 09:00:01"),
    ])
    duty = run(log).duty(CALLBACK)
    assert (duty.counts["within"], duty.counts["late"]) == (1, 1)
    assert duty.measured.value == Decimal("0.5")


def test_all_within_meets_the_100_percent_target(tmp_path):
    log = policies_file(tmp_path, [
        policy("P1", "2026-01-05 10:00:00", "2026-01-07 10:00:00", "2026-01-07 12:00:00", "2026-01-10 12:00:00"),
    ])
    report = run(log)
    assert report.duty(DELIVERY).status is DutyStatus.MET
    assert report.duty(CALLBACK).status is DutyStatus.MET
    assert report.duty(DELIVERY).gap is None


def test_undelivered_policy_is_late_once_the_limit_ran_out_and_pending_before(tmp_path):
    # as_of 2026-03-10: the cut-off is 2026-03-11 00:00 Beijing time.
    log = policies_file(tmp_path, [
        policy("OLD", "2026-03-08 23:59:59"),  # limit 03-10 23:59:59 < cut-off -> late
        policy("EDGE", "2026-03-09 00:00:00"),  # limit exactly at the cut-off -> still pending
        policy("NEW", "2026-03-10 12:00:00"),  # pending
        policy("DONE", "2026-03-10 12:00:00", "2026-03-10 18:00:00"),  # within
    ])
    duty = run(log, as_of=date(2026, 3, 10)).duty(DELIVERY)
    assert duty.counts == {"within": 1, "late": 1, "late_explained": 0, "late_unexplained": 1, "pending": 2, "no_start": 0}


def test_policies_not_yet_received_are_not_called_back_yet(tmp_path):
    log = policies_file(tmp_path, [
        policy("P1", "2026-01-05 10:00:00", "2026-01-06 10:00:00"),  # no receipt: not counted for callbacks
        policy("P2", "2026-01-05 10:00:00", "2026-01-06 10:00:00", "2026-01-07 10:00:00"),  # received, never called -> late
    ])
    duty = run(log).duty(CALLBACK)
    assert duty.counts["no_start"] == 1 and duty.counts["late"] == 1 and duty.counts["within"] == 0
    assert duty.measured.value == 0


def test_recording_kept_exactly_one_year_is_kept(tmp_path):
    row = ["P", "2025-01-05 10:00:00", "2025-01-06 10:00:00", "2025-01-07 10:00:00", "2025-01-08 10:00:00"]
    log = policies_file(tmp_path, [
        policy("P1", *row[1:], "2026-01-08 10:00:00"),  # exactly one year -> kept
        policy("P2", *row[1:], "2026-01-08 09:59:59"),  # one second short -> not kept
        policy("P3", *row[1:], ""),  # still held -> kept
        policy("P4", *row[1:-1], "", ""),  # no callback: no recording to keep
    ])
    duty = run(log).duty(RETENTION)
    assert duty.counts == {"kept": 2, "not_kept": 1}
    assert duty.measured.value == Decimal(2) / Decimal(3)
    assert duty.status is DutyStatus.NOT_MET


def test_calls_within_a_year_of_a_refusal(tmp_path):
    refusals = write_csv(tmp_path, "refusals.csv", ["refused_time", "phone"], [
        ["2025-03-01 10:00:00", "13900000001"],
        ["2025-06-01 10:00:00", "13900000001"],  # a second refusal: a call matching both counts once
        ["2025-03-01 10:00:00", "+86 139-0000-0002"],
    ])
    calls = write_csv(tmp_path, "calls.csv", ["call_time", "phone", "agent_id", "direction"], [
        ["2025-03-01 09:00:00", "13900000001", "A", "outbound"],  # before the refusal: fine
        ["2025-07-01 10:00:00", "13900000001", "A", "outbound"],  # within both years: 1 call
        ["2026-03-01 10:00:00", "13900000002", "A", "outbound"],  # exactly one year later: still within
        ["2026-03-01 10:00:01", "13900000002", "A", "outbound"],  # one second later: allowed again
        ["2025-08-01 10:00:00", "13900000002", "A", "inbound"],  # the customer called in: not an outbound call
        ["2025-08-01 10:00:00", "13900000003", "A", "outbound"],  # never refused
    ])
    report = run(calls, refusals)
    duty = report.duty("2.2.no_recall_within_year")
    assert duty.counts["calls"] == 2 and duty.counts["phones"] == 2 and duty.counts["outbound"] == 5
    assert duty.status is DutyStatus.NOT_MET and duty.gap.value == 2
    assert [(h.phone, h.call_time) for h in report.refusal_hits] == [("13900000001", "2025-07-01 10:00:00"), ("13900000002", "2026-03-01 10:00:00")]
    assert report.refusal_hits[0].refused_time == "2025-06-01 10:00:00"


def test_no_call_after_refusal_is_met(tmp_path):
    refusals = write_csv(tmp_path, "refusals.csv", ["refused_time", "phone"], [["2025-03-01 10:00:00", "13900000001"]])
    calls = write_csv(tmp_path, "calls.csv", ["call_time", "phone"], [["2025-02-01 10:00:00", "13900000001"]])
    assert run(calls, refusals).duty("2.2.no_recall_within_year").status is DutyStatus.MET


def test_roster_certification_before_first_call(tmp_path):
    roster = write_csv(tmp_path, "roster.csv", ["agent_id", "certified_date", "last_retrained_date"], [
        ["A1", "2026-02-01", ""],  # first call the same day: fine
        ["A2", "2026-02-02", ""],  # first call the day before: not certified first
        ["A3", "", ""],  # calls with no certification at all
        ["A4", "2026-01-01", ""],  # never called: not counted
    ])
    calls = write_csv(tmp_path, "calls.csv", ["call_time", "phone", "agent_id"], [
        ["2026-02-01 09:00:00", "1", "A1"],
        ["2026-02-01 23:59:59", "2", "A2"],
        ["2026-03-01 09:00:00", "3", "A2"],
        ["2026-03-01 09:00:00", "4", "A3"],
        ["2026-03-01 09:00:00", "5", "A9"],  # not on the roster
    ])
    duty = run(roster, calls, as_of=date(2026, 6, 30)).duty("1.3.certified_before_selling")
    assert duty.counts["callers"] == 4 and duty.counts["certified_first"] == 1
    assert duty.counts["not_on_roster"] == 1 and duty.counts["no_certificate"] == 1
    assert duty.measured.value == Decimal("0.25") and duty.gap.value == 3


def test_roster_first_call_column_is_used_without_a_calls_log(tmp_path):
    roster = write_csv(tmp_path, "roster.csv", ["agent_id", "certified_date", "first_call_time"], [
        ["A1", "2026-02-01", "2026-02-01 09:00:00"],
        ["A2", "2026-02-01", "2026-01-31 09:00:00"],
    ])
    duty = run(roster, as_of=date(2026, 6, 30)).duty("1.3.certified_before_selling")
    assert (duty.counts["callers"], duty.counts["certified_first"]) == (2, 1)


def test_retraining_within_the_last_12_months(tmp_path):
    # as_of 2026-06-30: the window starts 2025-06-30 and includes it.
    roster = write_csv(tmp_path, "roster.csv", ["agent_id", "certified_date", "last_retrained_date", "left_date"], [
        ["A1", "2024-01-01", "2025-06-30", ""],  # exactly 12 months ago: within
        ["A2", "2024-01-01", "2025-06-29", ""],  # one day too early
        ["A3", "2024-01-01", "", ""],  # never retrained
        ["A4", "2025-06-30", "", ""],  # certified exactly 12 months ago: due, not retrained
        ["A5", "2025-07-01", "", ""],  # certified less than 12 months ago: not yet due
        ["A6", "2024-01-01", "", "2026-05-01"],  # left: not counted
    ])
    duty = run(roster, as_of=date(2026, 6, 30)).duty("1.3.annual_retraining")
    assert duty.counts["due"] == 4 and duty.counts["retrained"] == 1
    assert duty.counts["not_yet_due"] == 1 and duty.counts["left_staff"] == 1
    assert duty.measured.value == Decimal("0.25")


def test_nobody_due_for_retraining_is_met(tmp_path):
    roster = write_csv(tmp_path, "roster.csv", ["agent_id", "certified_date", "last_retrained_date"], [["A1", "2026-01-01", ""]])
    duty = run(roster, as_of=date(2026, 6, 30)).duty("1.3.annual_retraining")
    assert duty.status is DutyStatus.MET and duty.reason == "retrained.none_due"


def _bulk_rows(n: int, address: str, start: int = 0) -> list[list[str]]:
    return [policy(f"B{start + i:03d}", "2026-01-05 10:00:00", address=address, recipient=f"R{start + i}", phone=f"1380000{start + i:04d}") for i in range(n)]


def test_bulk_group_needs_20_policies(tmp_path):
    # Spaces inside an address do not make it another address.
    rows = _bulk_rows(10, "上海市 浦东新区 1号") + _bulk_rows(10, "上海市浦东新区1号", 10) + _bulk_rows(19, "北京市1号", 20)
    report = run(policies_file(tmp_path, rows))
    duty = report.duty("2.9.bulk_policy_monitoring")
    assert duty.status is DutyStatus.REVIEW
    assert duty.counts["groups"] == 1 and duty.counts["policies"] == 20
    [group] = report.bulk_groups
    assert (group.field, group.value, group.policies) == ("delivery_address", "上海市浦东新区1号", 20)
    assert group.policy_ids[:2] == ("B000", "B001") and len(group.policy_ids) == 20


def test_bulk_threshold_is_configurable_and_phones_compare_by_digits(tmp_path):
    rows = [policy(f"P{i}", "2026-01-05 10:00:00", address=f"A{i}", recipient=f"R{i}", phone=p) for i, p in enumerate(["13800000000", "+86 138 0000 0000", "138-0000-0000"])]
    report = run(policies_file(tmp_path, rows), bulk_min=3)
    assert [(g.field, g.value, g.policies) for g in report.bulk_groups] == [("recipient_phone", "13800000000", 3)]
    assert run(policies_file(tmp_path, rows)).duty("2.9.bulk_policy_monitoring").status is DutyStatus.MET


def test_complaints_per_10000_policies_by_month(tmp_path):
    rows = [policy(f"J{i}", "2026-01-10 10:00:00") for i in range(400)] + [policy(f"F{i}", "2026-02-10 10:00:00") for i in range(100)]
    complaints = write_csv(tmp_path, "complaints.csv", ["complaint_id", "received_time"], [
        ["C1", "2026-01-11 10:00:00"], ["C2", "2026-01-31 23:59:59"], ["C3", "2026-02-01 00:00:00"],
        ["C4", "2026-04-01 10:00:00"],  # a month without sales: listed, no rate
    ])
    report = run(policies_file(tmp_path, rows), complaints)
    months = {m.month: m for m in report.months}
    assert months["2026-01"].complaints_per_10k == Decimal("50.00")  # 2 / 400 * 10000
    assert months["2026-02"].complaints_per_10k == Decimal("100.00")  # 1 / 100 * 10000
    assert months["2026-04"].complaints == 1 and months["2026-04"].complaints_per_10k is None
    duty = report.duty("2.4.complaint_rate")
    assert duty.status is DutyStatus.REPORTED
    assert duty.measured.value == Decimal("60.00")  # 3 / 500 * 10000, months with sales only


def test_parquet_gives_the_same_figures_as_csv(tmp_path):
    rows = [
        policy("P1", "2026-01-05 10:00:00", "2026-01-07 10:00:00", "2026-01-07 12:00:00", "2026-01-10 12:00:01"),
        policy("P2", "2026-01-05 10:00:00", "2026-01-07 10:00:01", "2026-01-07 12:00:00", "2026-01-10 12:00:00"),
    ]
    csv_path = policies_file(tmp_path, rows)
    parquet_path = tmp_path / "policies.parquet"
    duckdb.execute(
        f"COPY (SELECT policy_id, CAST(sale_time AS TIMESTAMP) AS sale_time, CAST(delivery_time AS TIMESTAMP) AS delivery_time, "
        f"CAST(receipt_time AS TIMESTAMP) AS receipt_time, CAST(callback_time AS TIMESTAMP) AS callback_time "
        f"FROM read_csv('{csv_path}', all_varchar = true)) TO '{parquet_path}' (FORMAT parquet)"
    )
    from_csv, from_parquet = run(csv_path), run(parquet_path)
    for duty_id in (DELIVERY, CALLBACK):
        assert from_csv.duty(duty_id).counts == from_parquet.duty(duty_id).counts
    assert from_parquet.duty(DELIVERY).counts["within"] == 1
    assert from_parquet.duty(RETENTION).status.value == "not_measured"  # no recording column in this file


def test_no_logs_leaves_measured_duties_not_measured_and_lists_every_duty(tmp_path):
    report = run()
    assert len(report.duties) == 31
    assert {d.status.value for d in report.duties if d.kind == "measured"} == {"not_measured"}
    assert report.duty(DELIVERY).explanation("en").startswith("No policies log")
