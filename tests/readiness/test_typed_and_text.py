"""The same log read from typed Parquet columns and from CSV text gives the same report, and the
shortcuts taken for common values normalize exactly as the regular expressions they stand in for."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from readiness_support import run

from assessor.readiness.logs import Column, _text_sql

# Policies with every state a row can be in: duplicated and missing ids, a missing and an
# out-of-range sale time, early, late and pending deliveries, late ones explained, unexplained or
# with an unknown note, callbacks, deleted recordings, and shared addresses, recipients, phones.
ROWS = """
SELECT
  CASE WHEN i = 5 THEN NULL WHEN i IN (7, 8) THEN 'P007' ELSE 'P' || lpad(CAST(i AS VARCHAR), 3, '0') END AS policy_id,
  CASE WHEN i = 9 THEN NULL WHEN i = 10 THEN TIMESTAMP '1800-01-01 00:00:00' WHEN i = 11 THEN TIMESTAMP '2027-02-01 00:00:00'
       ELSE TIMESTAMP '2026-01-01 08:00:00' + to_hours(i * 37) END AS sale_time,
  CASE WHEN i % 9 = 0 THEN NULL WHEN i % 13 = 0 THEN TIMESTAMP '2026-01-01 00:00:00'
       ELSE TIMESTAMP '2026-01-01 08:00:00' + to_hours(i * 37 + (i % 5) * 20) END AS delivery_time,
  TIMESTAMP '2026-01-01 08:00:00' + to_hours(i * 37 + 90) AS receipt_time,
  CASE WHEN i % 7 = 0 THEN NULL ELSE TIMESTAMP '2026-01-01 08:00:00' + to_hours(i * 37 + 90 + (i % 4) * 30) END AS callback_time,
  CASE WHEN i % 6 = 0 THEN TIMESTAMP '2026-03-01 00:00:00' END AS recording_deleted_time,
  CASE i % 4 WHEN 0 THEN ' 北京市 海淀区' || (i % 3) || '号' WHEN 1 THEN '北京市海淀区' || (i % 3) || '号' ELSE '上海市' || i END AS delivery_address,
  CASE WHEN i % 5 = 0 THEN '客户 甲' ELSE '客户' || i END AS recipient,
  CASE i % 3 WHEN 0 THEN '+86 138-0000-0001' WHEN 1 THEN '13800000001' ELSE '139' || lpad(CAST(i AS VARCHAR), 8, '0') END AS recipient_phone,
  CASE i % 5 WHEN 0 THEN 'agreed' WHEN 1 THEN '已说明' WHEN 2 THEN 'weather' END AS late_delivery_explanation
FROM range(1, 90) r(i)
"""


@pytest.fixture(scope="module")
def typed_and_text(tmp_path_factory):
    folder = tmp_path_factory.mktemp("typed")
    parquet, csv = folder / "policies.parquet", folder / "policies.csv"
    con = duckdb.connect()
    con.execute(f"CREATE TABLE p AS {ROWS}")
    # Typed columns as writers produce them: microseconds, and milliseconds for one column.
    con.execute(f"COPY (SELECT * REPLACE (CAST(callback_time AS TIMESTAMP_MS) AS callback_time) FROM p) TO '{parquet}' (FORMAT parquet)")
    con.execute(f"COPY p TO '{csv}' (HEADER, TIMESTAMPFORMAT '%Y-%m-%d %H:%M:%S')")
    con.close()
    return parquet, csv


def _without_file_names(report) -> dict:
    dumped = report.model_dump(mode="json")
    for log in dumped["logs"]:
        log.pop("file"), log.pop("format")
    for issue in dumped["issues"]:
        issue.pop("files")
    return dumped


def test_parquet_columns_typed_as_timestamps_give_the_report_of_the_same_rows_as_csv(typed_and_text):
    parquet, csv = typed_and_text
    for bulk_min in (None, 3):
        from_parquet = run(parquet, as_of=date(2026, 12, 31), bulk_min=bulk_min)
        from_csv = run(csv, as_of=date(2026, 12, 31), bulk_min=bulk_min)
        assert _without_file_names(from_parquet) == _without_file_names(from_csv)
    # The data reaches every branch compared above.
    codes = {(i.code, i.column) for i in from_parquet.issues}
    assert {("duplicate_ids", "policy_id"), ("missing_value", "policy_id"), ("bad_time", "sale_time"), ("after_cutoff", "sale_time"),
            ("end_before_start", "delivery_time"), ("bad_explanation", "late_delivery_explanation")} <= codes
    assert from_parquet.bulk_groups_total > 0 and from_parquet.duty("2.6.recording_retention").counts["not_kept"] > 0
    assert {g.field for g in from_parquet.bulk_groups} == {"delivery_address", "recipient", "recipient_phone"}


# ------------------------------------------------------------------ normalization shortcuts

_CHARS = " \t\n\x0b\x0c\r\u3000\u00a0+-()8601２３abc北京"
_VALUES = st.one_of(
    st.text(alphabet=_CHARS + "0123456789", max_size=20),
    st.from_regex(r"(\+?86|0086| )?1[0-9]{10}( |-)?", fullmatch=True),
    st.from_regex(r"[0-9]{9,16}", fullmatch=True),
)
_REFERENCE = {
    "recipient_phone": "NULLIF(regexp_replace(regexp_replace(v, '[^0-9]', '', 'g'), '^(?:0086|86)(\\d{11})$', '\\1'), '')",
    "delivery_address": "NULLIF(regexp_replace(v, '\\s+', '', 'g'), '')",
    "recipient": "NULLIF(regexp_replace(v, '\\s+', '', 'g'), '')",
}
_COLUMNS = {"recipient_phone": Column("recipient_phone", "phone"), "delivery_address": Column("delivery_address", "text"),
            "recipient": Column("recipient", "text")}


@settings(max_examples=150, deadline=None)
@given(values=st.lists(st.one_of(st.none(), _VALUES), min_size=1, max_size=30))
def test_normalized_phones_addresses_and_recipients_match_the_regular_expressions(values):
    con = duckdb.connect()
    con.execute("CREATE TABLE t (v VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [[v] for v in values])
    for name, reference in _REFERENCE.items():
        ours = _text_sql("v", _COLUMNS[name])
        mismatched = con.execute(f"SELECT v, {ours}, {reference} FROM t WHERE ({ours}) IS DISTINCT FROM ({reference})").fetchall()
        assert mismatched == [], name
    con.close()


def test_many_candidate_groups_joined_give_the_report_of_a_short_list_written_out(typed_and_text, monkeypatch):
    from assessor.readiness import measures

    parquet, _ = typed_and_text
    written_out = run(parquet, as_of=date(2026, 12, 31), bulk_min=2)
    monkeypatch.setattr(measures, "BULK_HASHES_INLINE", 0)
    joined = run(parquet, as_of=date(2026, 12, 31), bulk_min=2)
    assert joined.model_dump() == written_out.model_dump()
    assert joined.bulk_groups_total >= 3 and joined.bulk_policies_total > 0
