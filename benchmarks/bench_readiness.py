"""Readiness KPIs at scale: 1M, 5M and 20M generated policy rows (plus complaints).

For each size, DuckDB itself generates a Parquet policies log and a complaints log in a temp
folder (deleted afterwards). Two workers run in fresh subprocesses, each timed from inside and
its peak memory read with resource.getrusage:
  - `assessor`: `check_readiness` on the two files (every KPI, every bad-row count, bulk list);
  - `hand`: a hand-written DuckDB query set computing the same figures, with the same settings.
  - `floor`: the least a hand-written query can do for the core KPIs: one scan of the policies
    (delivery and callback within/late by month) and one of the complaints, no duplicate, bad-row
    or bulk work. No tool that also checks its rows can reach it; it shows what the checks cost.
Prints the figures and the machine; asserts nothing. Targets: assessor <= 1.2x hand, <= 1.5x
floor (issue 15; wall and CPU both shown, CPU is steadier on a shared machine), <= 1 GB.

    .venv/bin/python benchmarks/bench_readiness.py [--sizes 1000000,5000000,20000000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

AS_OF = date(2025, 12, 31)
CUTOFF = "TIMESTAMP '2026-01-01 00:00:00'"
BYTES_PER_ROW_ESTIMATE = 60  # Parquet on disk, measured ~45; kept generous for the disk check


def generate(folder: Path, rows: int) -> tuple[Path, Path]:
    import duckdb

    policies, complaints = folder / "policies.parquet", folder / "complaints.parquet"
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    # One year of sales; about 13% delivered after 48 h, a few never; about 1 in 10,000 ids
    # duplicated; addresses shared by about 8 policies on average, so a few reach 20.
    con.execute(
        f"""
        COPY (
          WITH g AS (SELECT i, hash(i) AS h FROM range({rows}) r(i)),
          s AS (
            SELECT i, h,
              TIMESTAMP '2025-01-01' + to_seconds((i * 31000000 // {rows}) + (h % 600)::BIGINT) AS sale_time
            FROM g
          ),
          d AS (
            SELECT *, CASE WHEN h % 97 = 0 THEN NULL ELSE sale_time + to_seconds((h % 200000)::BIGINT) END AS delivery_time FROM s
          ),
          r AS (
            SELECT *, delivery_time + to_seconds(((h >> 20) % 86400)::BIGINT) AS receipt_time FROM d
          )
          SELECT
            'P' || lpad(CAST(CASE WHEN i % 10000 = 7 THEN i - 1 ELSE i END AS VARCHAR), 10, '0') AS policy_id,
            sale_time, delivery_time, receipt_time,
            CASE WHEN h % 89 = 0 THEN NULL ELSE receipt_time + to_seconds(((h >> 40) % 270000)::BIGINT) END AS callback_time,
            CASE WHEN h % 1000 = 3 THEN receipt_time + INTERVAL 200 DAY END AS recording_deleted_time,
            '北京市海淀区中关村大街' || CAST((h >> 8) % {max(rows // 8, 1)} AS VARCHAR) || '号' AS delivery_address,
            '客户' || CAST((h >> 16) % {max(rows // 2, 1)} AS VARCHAR) AS recipient,
            '138' || lpad(CAST((h >> 24) % {max(rows // 3, 1)} AS VARCHAR), 8, '0') AS recipient_phone
          FROM r
        ) TO '{policies}' (FORMAT parquet, COMPRESSION zstd)
        """
    )
    con.execute(
        f"""
        COPY (
          SELECT 'C' || CAST(i AS VARCHAR) AS complaint_id,
                 TIMESTAMP '2025-01-02' + to_seconds((hash(i) % 31000000)::BIGINT) AS received_time
          FROM range({max(rows // 2000, 1)}) r(i)
        ) TO '{complaints}' (FORMAT parquet)
        """
    )
    con.close()
    return policies, complaints


HAND_SQL = """
CREATE TEMP TABLE dup AS SELECT policy_id FROM read_parquet('{p}') GROUP BY policy_id HAVING count(*) > 1;
CREATE TEMP TABLE kpi AS
SELECT strftime(date_trunc('month', sale_time), '%Y-%m') AS month,
  count(*) AS policies,
  count(*) FILTER (WHERE delivery_time >= sale_time AND delivery_time <= sale_time + INTERVAL 48 HOUR) AS d_within,
  count(*) FILTER (WHERE delivery_time > sale_time + INTERVAL 48 HOUR OR (delivery_time IS NULL AND sale_time + INTERVAL 48 HOUR < {cut})) AS d_late,
  count(*) FILTER (WHERE delivery_time < sale_time) AS d_before,
  count(*) FILTER (WHERE receipt_time < {cut} AND callback_time >= receipt_time AND callback_time <= receipt_time + INTERVAL 72 HOUR) AS c_within,
  count(*) FILTER (WHERE receipt_time < {cut} AND (callback_time > receipt_time + INTERVAL 72 HOUR OR (callback_time IS NULL AND receipt_time + INTERVAL 72 HOUR < {cut}))) AS c_late,
  count(*) FILTER (WHERE callback_time < {cut} AND (recording_deleted_time IS NULL OR recording_deleted_time >= callback_time + INTERVAL 1 YEAR)) AS kept,
  count(*) FILTER (WHERE callback_time < {cut} AND recording_deleted_time < callback_time + INTERVAL 1 YEAR) AS not_kept
FROM read_parquet('{p}')
WHERE policy_id NOT IN (SELECT policy_id FROM dup) AND sale_time < {cut}
GROUP BY ALL;
CREATE TEMP TABLE bulk AS
SELECT CASE WHEN GROUPING(a) = 0 THEN 'delivery_address' WHEN GROUPING(r) = 0 THEN 'recipient' ELSE 'recipient_phone' END AS field,
       coalesce(a, r, ph) AS value, count(*) AS n, min(sale_time) AS first_sale, max(sale_time) AS last_sale
FROM (SELECT policy_id, sale_time,
             NULLIF(regexp_replace(delivery_address, '\\s+', '', 'g'), '') AS a,
             NULLIF(regexp_replace(recipient, '\\s+', '', 'g'), '') AS r,
             NULLIF(regexp_replace(regexp_replace(recipient_phone, '[^0-9]', '', 'g'), '^(?:0086|86)(\\d{{11}})$', '\\1'), '') AS ph
      FROM read_parquet('{p}') WHERE sale_time < {cut} AND policy_id NOT IN (SELECT policy_id FROM dup))
GROUP BY GROUPING SETS ((a), (r), (ph)) HAVING coalesce(a, r, ph) IS NOT NULL AND count(*) >= 20;
CREATE TEMP TABLE complaints AS
SELECT strftime(date_trunc('month', received_time), '%Y-%m') AS month, count(*) AS n
FROM read_parquet('{c}') WHERE received_time < {cut} GROUP BY 1;
"""

FLOOR_SQL = """
SELECT strftime(date_trunc('month', sale_time), '%Y-%m') AS month, count(*) AS policies,
  count(*) FILTER (WHERE delivery_time >= sale_time AND delivery_time <= sale_time + INTERVAL 48 HOUR) AS d_within,
  count(*) FILTER (WHERE delivery_time > sale_time + INTERVAL 48 HOUR OR (delivery_time IS NULL AND sale_time + INTERVAL 48 HOUR < {cut})) AS d_late,
  count(*) FILTER (WHERE callback_time >= receipt_time AND callback_time <= receipt_time + INTERVAL 72 HOUR) AS c_within,
  count(*) FILTER (WHERE callback_time > receipt_time + INTERVAL 72 HOUR OR (callback_time IS NULL AND receipt_time + INTERVAL 72 HOUR < {cut})) AS c_late
FROM read_parquet('{p}') WHERE sale_time < {cut} GROUP BY ALL;
SELECT strftime(date_trunc('month', received_time), '%Y-%m') AS month, count(*) FROM read_parquet('{c}') WHERE received_time < {cut} GROUP BY 1;
"""

HAND_TOP_IDS = """
WITH p AS (SELECT policy_id,
                  NULLIF(regexp_replace(delivery_address, '\\s+', '', 'g'), '') AS a,
                  NULLIF(regexp_replace(recipient, '\\s+', '', 'g'), '') AS r,
                  NULLIF(regexp_replace(regexp_replace(recipient_phone, '[^0-9]', '', 'g'), '^(?:0086|86)(\\d{{11}})$', '\\1'), '') AS ph
           FROM read_parquet('{p}') WHERE sale_time < {cut} AND policy_id NOT IN (SELECT policy_id FROM dup)),
top AS (SELECT field, value FROM bulk ORDER BY n DESC, field, value LIMIT 100)
SELECT (SELECT count(DISTINCT policy_id) FROM p WHERE a IN (SELECT value FROM bulk WHERE field = 'delivery_address')
          OR r IN (SELECT value FROM bulk WHERE field = 'recipient') OR ph IN (SELECT value FROM bulk WHERE field = 'recipient_phone')),
       (SELECT count(*) FROM (SELECT a, list(policy_id ORDER BY policy_id)[1:50] FROM p WHERE a IN (SELECT value FROM top WHERE field = 'delivery_address') GROUP BY a
                              UNION ALL SELECT r, list(policy_id ORDER BY policy_id)[1:50] FROM p WHERE r IN (SELECT value FROM top WHERE field = 'recipient') GROUP BY r
                              UNION ALL SELECT ph, list(policy_id ORDER BY policy_id)[1:50] FROM p WHERE ph IN (SELECT value FROM top WHERE field = 'recipient_phone') GROUP BY ph))
"""


def worker(mode: str, policies: str, complaints: str) -> None:
    """Runs in a fresh process; prints one JSON line with seconds, peak RSS and key figures."""
    import duckdb

    from assessor.readiness import LogSpec, check_readiness
    from assessor.readiness.check import DEFAULT_MEMORY_LIMIT, connect

    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime  # imports are not part of the figures
    start = time.perf_counter()
    if mode == "assessor":
        report = check_readiness([LogSpec(Path(policies)), LogSpec(Path(complaints))], AS_OF)
        delivery = report.duty("2.3.delivery_within_48h").counts
        figures = {"d_within": delivery["within"], "d_late": delivery["late"], "bulk_groups": report.bulk_groups_total,
                   "dup_rows": sum(i.count for i in report.issues if i.code == "duplicate_ids")}
    elif mode == "floor":
        con = connect(DEFAULT_MEMORY_LIMIT)
        for statement in filter(str.strip, FLOOR_SQL.format(p=policies, c=complaints, cut=CUTOFF).split(";")):
            con.execute(statement).fetchall()
        figures = {}
    else:
        con: duckdb.DuckDBPyConnection = connect(DEFAULT_MEMORY_LIMIT)
        for statement in filter(str.strip, HAND_SQL.format(p=policies, c=complaints, cut=CUTOFF).split(";")):
            con.execute(statement)
        con.execute(HAND_TOP_IDS.format(p=policies, cut=CUTOFF)).fetchall()
        d_within, d_late = con.execute("SELECT sum(d_within), sum(d_late) FROM kpi").fetchone()
        figures = {"d_within": int(d_within), "d_late": int(d_late), "bulk_groups": con.execute("SELECT count(*) FROM bulk").fetchone()[0],
                   "dup_rows": con.execute(f"SELECT count(*) FROM read_parquet('{policies}') WHERE policy_id IN (SELECT policy_id FROM dup)").fetchone()[0]}
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": usage.ru_maxrss / 1024, "figures": figures}))


def run_worker(mode: str, policies: Path, complaints: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", mode, str(policies), str(complaints)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> str:
    import duckdb

    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores, {mem_gb:.0f} GB RAM, "
            f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, load average {load}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000000,5000000,20000000")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--worker", nargs=3, metavar=("MODE", "POLICIES", "COMPLAINTS"))
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    print(f"machine: {machine()}")
    print("wall s and CPU s (user+sys, steadier on a shared machine) of the best of --repeat runs; MB = peak RSS")
    print(f"{'rows':>12} {'parquet MB':>10} {'gen s':>7} {'assessor s':>10} {'hand s':>8} {'ratio':>6} {'assessor cpu':>12} {'hand cpu':>9} {'ratio':>6} "
          f"{'floor s':>8} {'x floor':>7} {'floor cpu':>9} {'x floor cpu':>11} {'assessor MB':>11} {'hand MB':>8}  figures agree")
    for rows in (int(s) for s in args.sizes.split(",")):
        tmp_root = Path(tempfile.gettempdir())
        free = shutil.disk_usage(tmp_root).free
        if free < rows * BYTES_PER_ROW_ESTIMATE * 3:  # the file, DuckDB's spill files, and a margin
            print(f"{rows:>12,} skipped: {free / 2**30:.1f} GB free in {tmp_root} is not enough")
            continue
        folder = Path(tempfile.mkdtemp(prefix="bench-readiness-"))
        try:
            t0 = time.perf_counter()
            policies, complaints = generate(folder, rows)
            gen = time.perf_counter() - t0
            size_mb = policies.stat().st_size / 2**20
            ours = min((run_worker("assessor", policies, complaints) for _ in range(args.repeat)), key=lambda r: r["seconds"])
            hand = min((run_worker("hand", policies, complaints) for _ in range(args.repeat)), key=lambda r: r["seconds"])
            floor = min((run_worker("floor", policies, complaints) for _ in range(args.repeat)), key=lambda r: r["seconds"])
            ratio = ours["seconds"] / hand["seconds"]
            cpu_ratio = ours["cpu"] / hand["cpu"]
            agree = ours["figures"] == hand["figures"]
            print(f"{rows:>12,} {size_mb:>10.0f} {gen:>7.1f} {ours['seconds']:>10.2f} {hand['seconds']:>8.2f} {ratio:>6.2f} "
                  f"{ours['cpu']:>12.2f} {hand['cpu']:>9.2f} {cpu_ratio:>6.2f} {floor['seconds']:>8.2f} {ours['seconds'] / floor['seconds']:>7.2f} "
                  f"{floor['cpu']:>9.2f} {ours['cpu'] / floor['cpu']:>11.2f} "
                  f"{ours['peak_mb']:>11.0f} {hand['peak_mb']:>8.0f}  {agree} {ours['figures'] if not agree else ''}{hand['figures'] if not agree else ''}")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"load average after: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("targets: assessor <= 1.2x hand-written DuckDB, <= 1.5x the floor, peak memory <= 1024 MB")


if __name__ == "__main__":
    main()
