"""Times are Beijing time unless the value carries an offset or the file is given a zone."""

from datetime import date

import duckdb

from readiness_support import policies_file, policy, run

from assessor.readiness import LogSpec

DELIVERY = "2.3.delivery_within_48h"


def test_offsets_in_values_are_honoured(tmp_path):
    log = policies_file(tmp_path, [
        policy("P1", "2026-01-05T02:00:00Z", "2026-01-07 10:00:00"),  # 10:00 Beijing -> exactly 48 h
        policy("P2", "2026-01-05T02:00:00+00:00", "2026-01-07 10:00:01"),  # 48 h 1 s
        policy("P3", "2026-01-05 10:00:00+08:00", "2026-01-07T02:00:00Z"),  # exactly 48 h
        policy("P4", "2026-01-05 03:00:00 +0100", "2026-01-07 10:00:00"),  # 10:00 Beijing -> 48 h
    ])
    counts = run(log).duty(DELIVERY).counts
    assert (counts["within"], counts["late"]) == (3, 1)


def test_a_file_zone_applies_to_values_without_offset(tmp_path):
    # 2026-03-31 17:00 UTC is 2026-04-01 01:00 in Beijing: after the end of the assessment day.
    log = policies_file(tmp_path, [policy("P1", "2026-03-31 17:00:00", "2026-03-31 18:00:00")])
    as_beijing = run(log, as_of=date(2026, 3, 31))
    as_utc = run(LogSpec(log, "policies", "UTC"), as_of=date(2026, 3, 31))
    assert as_beijing.duty(DELIVERY).counts["within"] == 1
    assert as_utc.duty(DELIVERY).counts["within"] == 0
    assert [i.count for i in as_utc.issues if i.code == "after_cutoff"] == [1]
    assert as_utc.logs[0].timezone == "UTC"


def test_months_are_beijing_months(tmp_path):
    log = policies_file(tmp_path, [policy("P1", "2026-01-31T20:00:00Z"), policy("P2", "2026-01-31 20:00:00")])
    assert {m.month: m.policies for m in run(log).months} == {"2026-01": 1, "2026-02": 1}


def test_a_zone_with_daylight_saving_is_converted_exactly(tmp_path):
    # New York moves its clocks on 2026-03-08: 01:00 EST to 01:00 EDT the next day is 23 hours.
    log = policies_file(tmp_path, [
        policy("P1", "2026-03-07 01:00:00", "2026-03-09 00:00:00"),  # 46 wall hours = 46 real hours - 1 = 45 h: within
        policy("P2", "2026-03-07 01:00:00", "2026-03-09 02:00:00"),  # 49 wall hours = 48 real hours: within
        policy("P3", "2026-03-07 01:00:00", "2026-03-09 02:00:01"),  # 48 h 1 s: late
    ])
    counts = run(LogSpec(log, "policies", "America/New_York")).duty(DELIVERY).counts
    assert (counts["within"], counts["late"]) == (2, 1)


def test_parquet_timestamps_with_and_without_zone(tmp_path):
    path = tmp_path / "p.parquet"
    duckdb.execute(
        "COPY (SELECT 'P1' AS policy_id, TIMESTAMPTZ '2026-01-05 02:00:00+00' AS sale_time, TIMESTAMP '2026-01-07 10:00:00' AS delivery_time "
        "UNION ALL SELECT 'P2', TIMESTAMPTZ '2026-01-05 02:00:00+00', TIMESTAMP '2026-01-07 10:00:01') "
        f"TO '{path}' (FORMAT parquet)"
    )
    counts = run(path).duty(DELIVERY).counts
    assert (counts["within"], counts["late"]) == (1, 1)
