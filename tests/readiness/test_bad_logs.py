"""Bad logs: what was left out and why, with counts, in both languages; never a silent drop."""

from datetime import date
from pathlib import Path

import pytest

from readiness_support import issues_of, policies_file, policy, run, write_csv

from assessor.readiness import LogError, LogSpec, parse_log_spec

DELIVERY = "2.3.delivery_within_48h"


def test_missing_required_column_skips_the_file_and_keeps_the_others(tmp_path):
    broken = write_csv(tmp_path, "broken.csv", ["policy_id", "delivery_time"], [["P1", "2026-01-01 10:00:00"]])
    good = write_csv(tmp_path, "refusals.csv", ["refused_time", "phone"], [["2026-01-01 10:00:00", "1"]])
    report = run(LogSpec(broken, "policies"), good)
    failed, used = report.logs
    assert not failed.used and failed.error_key == "missing_columns"
    assert "sale_time" in failed.error("zh") and "broken.csv" in failed.error("en")
    assert used.used and used.rows == 1
    assert report.duty(DELIVERY).status.value == "not_measured"


def test_header_of_no_known_kind_is_reported(tmp_path):
    odd = write_csv(tmp_path, "odd.csv", ["a", "b"], [["1", "2"]])
    [log] = run(odd).logs
    assert log.error_key == "unknown_columns"
    assert "policies: policy_id, sale_time" in log.error("en")


def test_missing_file_and_unknown_format_are_reported(tmp_path):
    (tmp_path / "x.xlsx").write_bytes(b"PK")
    report = run(tmp_path / "absent.csv", tmp_path / "x.xlsx")
    assert [log.error_key for log in report.logs] == ["not_found", "unknown_format"]


def test_unparseable_times_are_counted_and_left_out_of_their_figures(tmp_path):
    log = policies_file(tmp_path, [
        policy("P1", "not a time", "2026-01-07 10:00:00"),
        policy("P2", "2026-13-45 10:00:00", "2026-01-07 10:00:00"),
        policy("P3", "2026-01-05 10:00:00", "tomorrow"),
        policy("P4", "2026-01-05 10:00:00", "2026-01-06 10:00:00"),
    ])
    report = run(log)
    [sale] = issues_of(report, "bad_time", "sale_time")
    assert sale.count == 2 and sale.affects == () and sale.examples == ("P1", "P2")
    [delivery] = issues_of(report, "bad_time", "delivery_time")
    assert delivery.count == 1 and delivery.affects == (DELIVERY,)
    assert report.duty(DELIVERY).counts["within"] == 1 and report.duty(DELIVERY).counts["late"] == 0
    assert "2" in sale.text("zh") and "sale_time" in sale.text("en")


def test_duplicated_policy_ids_leave_out_every_row_of_the_id(tmp_path):
    log = policies_file(tmp_path, [
        policy("P1", "2026-01-05 10:00:00", "2026-01-06 10:00:00"),
        policy("P1", "2026-01-05 10:00:00", "2026-01-09 10:00:00"),
        policy("P2", "2026-01-05 10:00:00", "2026-01-06 10:00:00"),
        policy("P2", "2026-01-05 10:00:00", "2026-01-06 10:00:00"),
        policy("P2", "2026-01-05 10:00:00", "2026-01-06 10:00:00"),
        policy("P3", "2026-01-05 10:00:00", "2026-01-06 10:00:00"),
    ])
    report = run(log)
    [dup] = issues_of(report, "duplicate_ids")
    assert dup.count == 5 and dup.examples == ("P1", "P2")
    assert "5" in dup.text("en") and "P1" in dup.text("zh")
    assert report.duty(DELIVERY).counts["within"] == 1
    assert report.months[0].policies == 1


def test_deliveries_before_sales_are_counted_and_left_out(tmp_path):
    log = policies_file(tmp_path, [
        policy("P1", "2026-01-05 10:00:00", "2026-01-05 09:59:59"),
        policy("P2", "2026-01-05 10:00:00", "2026-01-04 10:00:00"),
        policy("P3", "2026-01-05 10:00:00", "2026-01-06 10:00:00", "2026-01-06 12:00:00", "2026-01-06 11:00:00"),  # callback before receipt
    ])
    report = run(log)
    before = {i.column: i for i in issues_of(report, "end_before_start")}
    assert before["delivery_time"].count == 2 and before["delivery_time"].examples == ("P1", "P2")
    assert before["callback_time"].count == 1 and before["callback_time"].affects == ("2.6.callback_within_72h",)
    assert report.duty(DELIVERY).counts["within"] == 1 and report.duty(DELIVERY).counts["late"] == 0


def test_rows_after_the_assessment_day_and_empty_values_are_reported(tmp_path):
    log = policies_file(tmp_path, [
        policy("P1", "2026-04-01 00:00:00", "2026-04-01 10:00:00"),  # after the end of 2026-03-31
        policy("", "2026-03-01 10:00:00"),
        policy("P3", ""),
        policy("P4", "2026-03-31 23:59:59", "2026-04-01 10:00:00"),
    ])
    report = run(log, as_of=date(2026, 3, 31))
    assert [i.count for i in issues_of(report, "after_cutoff", "sale_time")] == [1]
    assert {i.column: i.count for i in issues_of(report, "missing_value")} == {"policy_id": 1, "sale_time": 1}
    assert report.duty(DELIVERY).counts["within"] == 1


def test_a_clean_log_reports_no_issue(tmp_path):
    assert run(policies_file(tmp_path, [policy("P1", "2026-01-05 10:00:00", "2026-01-06 10:00:00")])).issues == ()


def test_headers_match_without_case_spaces_or_bom(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("\ufeffPolicy_ID , Sale_Time,DELIVERY_TIME\nP1,2026-01-05 10:00:00,2026-01-06 10:00:00\n", encoding="utf-8")
    report = run(path)
    assert report.logs[0].kind == "policies"
    assert report.duty(DELIVERY).counts["within"] == 1


def test_log_spec_syntax():
    assert parse_log_spec("policies=a.csv") == LogSpec(Path("a.csv"), "policies", None)
    assert parse_log_spec("calls@UTC=b.parquet") == LogSpec(Path("b.parquet"), "calls", "UTC")
    assert parse_log_spec("plain.csv") == LogSpec(Path("plain.csv"))
    with pytest.raises(LogError) as caught:
        parse_log_spec("policies@Mars/Base=a.csv")
    assert "Mars/Base" in caught.value.message("en")
    with pytest.raises(LogError) as caught:
        parse_log_spec("polices@UTC=a.csv")
    assert caught.value.key == "unknown_kind"


def test_a_file_duckdb_cannot_read_is_reported_not_raised(tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_bytes("policy_id,sale_time\nP1,2026-01-01 10:00:00\n".encode("utf-16"))
    [log] = run(path).logs
    assert log.error_key == "unreadable" and "UTF-8" in log.error("en")
