"""Hostile input: every case becomes a message naming the file and the place, never a traceback.

The CLI runs in a subprocess with a timeout where blocking is the danger (a FIFO, a device), so a
regression fails the test instead of hanging the suite.
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from readiness_support import issues_of, policies_file, policy, run, write_csv

from assessor.cli import main
from assessor.readiness import LogError, LogSpec, load_attestations, load_readiness_rulebook, parse_attestations

ROOT = Path(__file__).resolve().parents[2]
DELIVERY = "2.3.delivery_within_48h"
IN_TIME = ("2026-01-05 10:00:00", "2026-01-06 10:00:00")


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    # The installed console script, as a user runs it.
    return subprocess.run([str(Path(sys.executable).with_name("assessor")), *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr


# ------------------------------------------------------------------ file names are literal paths


def test_a_star_in_a_file_name_reads_that_file_only(tmp_path):
    star = policies_file(tmp_path, [policy("STAR", *IN_TIME)], name="p*.csv")
    policies_file(tmp_path, [policy("OTHER", *IN_TIME), policy("OTHER2", *IN_TIME)], name="p2.csv")
    report = run(star)
    [log] = report.logs
    assert log.used and log.rows == 1 and log.file == "p*.csv"
    assert report.duty(DELIVERY).counts["within"] == 1


def test_a_question_mark_and_brackets_in_names_read_exactly_that_file(tmp_path):
    policies_file(tmp_path, [policy("DECOY1", *IN_TIME)], name="pol1.csv")
    policies_file(tmp_path, [policy("DECOY2", *IN_TIME)], name="x1.csv")
    report = run(policies_file(tmp_path, [policy("Q", *IN_TIME)], name="pol?.csv"),
                 policies_file(tmp_path, [policy("B", *IN_TIME)], name="x[1].csv"))
    assert [(log.file, log.rows) for log in report.logs] == [("pol?.csv", 1), ("x[1].csv", 1)]
    assert report.duty(DELIVERY).counts["within"] == 2  # Q and B; a decoy read by a pattern would make 3 or 4


def test_a_glob_in_a_folder_name_and_a_parquet_file_are_literal(tmp_path):
    folder = tmp_path / "d*ir"
    folder.mkdir()
    (tmp_path / "dxir").mkdir()
    con = duckdb.connect()
    for where, ids in ((folder, ["A"]), (tmp_path / "dxir", ["B", "C"])):
        values = ", ".join(f"('{i}', TIMESTAMP '2026-01-05 10:00:00')" for i in ids)
        con.execute(f"COPY (SELECT * FROM (VALUES {values}) t(policy_id, sale_time)) TO '{where / 'p.parquet'}' (FORMAT parquet)")
    [log] = run(folder / "p.parquet").logs
    assert log.used and log.rows == 1


def test_cli_does_not_double_count_a_glob_like_name(tmp_path):
    star = policies_file(tmp_path, [policy("STAR", *IN_TIME)], name="p*.csv")
    policies_file(tmp_path, [policy("OTHER", *IN_TIME)], name="p2.csv")
    result = cli("readiness", str(star), "--as-of", "2026-06-30", "--format", "json")
    no_traceback(result)
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert [log["rows"] for log in data["logs"]] == [1]


# ------------------------------------------------------------------ times out of range


@pytest.mark.parametrize("value", ["-290308-12-21 19:59:06", "294247-01-10 04:00:54", "-290308-12-21 19:59:06+00:00", "9999-12-31 23:59:59", "1899-12-31 23:59:59"])
def test_an_out_of_range_sale_time_is_a_bad_row_naming_file_and_column(tmp_path, value):
    log = policies_file(tmp_path, [policy("FAR", value, "2026-01-06 10:00:00"), policy("OK", *IN_TIME)])
    report = run(log)
    [issue] = issues_of(report, "bad_time", "sale_time")
    assert (issue.count, issue.examples, issue.files) == (1, ("FAR",), ("policies.csv",))
    assert "policies.csv" in issue.text("en") and "sale_time" in issue.text("en") and "FAR" in issue.text("en")
    assert "policies.csv" in issue.text("zh") and "1900" in issue.text("zh")
    assert report.duty(DELIVERY).counts["within"] == 1


def test_out_of_range_times_in_every_time_column_and_a_roster_date(tmp_path):
    far = "-290308-12-21 19:59:06"
    log = policies_file(tmp_path, [
        policy("P1", "2026-01-05 10:00:00", far),
        policy("P2", "2026-01-05 10:00:00", "2026-01-06 10:00:00", "2026-01-06 12:00:00", far),
        policy("P3", "2026-01-05 10:00:00", "2026-01-06 10:00:00", "2026-01-06 12:00:00", "2026-01-06 13:00:00", far),
    ])
    roster = write_csv(tmp_path, "roster.csv", ["agent_id", "certified_date", "last_retrained_date", "first_call_time"], [["A1", "-290308-12-21", far, far]])
    calls = write_csv(tmp_path, "calls.csv", ["call_time", "phone"], [[far, "13800000000"]])
    refusals = write_csv(tmp_path, "refusals.csv", ["refused_time", "phone"], [[far, "13800000000"]])
    complaints = write_csv(tmp_path, "complaints.csv", ["received_time"], [[far]])
    report = run(log, roster, calls, refusals, complaints)
    bad = {(i.kind, i.column) for i in report.issues if i.code in ("bad_time", "bad_date")}
    assert {("policies", "delivery_time"), ("policies", "callback_time"), ("policies", "recording_deleted_time"),
            ("roster", "certified_date"), ("roster", "last_retrained_date"), ("roster", "first_call_time"),
            ("calls", "call_time"), ("refusals", "refused_time"), ("complaints", "received_time")} <= bad
    assert all(i.files for i in report.issues if i.code in ("bad_time", "bad_date"))


def test_an_out_of_range_time_in_a_typed_parquet_column(tmp_path):
    path = tmp_path / "typed.parquet"
    duckdb.connect().execute(
        "COPY (SELECT * FROM (VALUES ('FAR', TIMESTAMP '290309-12-21 (BC) 19:59:06', TIMESTAMP '2026-01-06 10:00:00'),"
        " ('OK', TIMESTAMP '2026-01-05 10:00:00', TIMESTAMP '2026-01-06 10:00:00')) t(policy_id, sale_time, delivery_time))"
        f" TO '{path}' (FORMAT parquet)"
    )
    report = run(path)
    [issue] = issues_of(report, "bad_time", "sale_time")
    assert issue.examples == ("FAR",) and issue.files == ("typed.parquet",)
    assert report.duty(DELIVERY).counts["within"] == 1


def test_cli_with_an_out_of_range_time_has_no_traceback(tmp_path):
    log = policies_file(tmp_path, [policy("FAR", "-290308-12-21 19:59:06", "2026-01-06 10:00:00")])
    result = cli("readiness", str(log), "--as-of", "2026-06-30", "--lang", "en")
    no_traceback(result)
    assert result.returncode == 0 and "sale_time is not a readable time" in result.stdout and "policies.csv" in result.stdout


# ------------------------------------------------------------------ damaged Parquet


def damaged_parquet(folder: Path, name: str = "damaged.parquet", column: str = "sale_time") -> Path:
    path = folder / name
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT 'P' || lpad(i::VARCHAR, 6, '0') AS policy_id, TIMESTAMP '2026-01-01' + to_minutes(i) AS sale_time,"
        " TIMESTAMP '2026-01-02' + to_minutes(i) AS delivery_time FROM range(60000) t(i))"
        f" TO '{path}' (FORMAT parquet, COMPRESSION snappy)"
    )
    offset, size = con.execute(
        f"SELECT data_page_offset, total_compressed_size FROM parquet_metadata('{path}') WHERE path_in_schema = '{column}' LIMIT 1"
    ).fetchone()
    data = bytearray(path.read_bytes())
    for at in range(offset + size // 3, offset + size // 3 + 2000):  # inside the pages; the footer stays intact
        data[at] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


def test_a_parquet_file_with_damaged_pages_is_set_aside_and_the_others_measured(tmp_path):
    damaged = damaged_parquet(tmp_path)
    good = policies_file(tmp_path, [policy("G1", *IN_TIME)], name="good.csv")
    report = run(damaged, good)
    bad, used = report.logs
    assert not bad.used and bad.error_key == "damaged" and bad.error_values["columns"] == "sale_time"
    assert "damaged.parquet" in bad.error("en") and "sale_time" in bad.error("en")
    assert "damaged.parquet" in bad.error("zh") and "损坏" in bad.error("zh")
    assert "/" not in bad.error_values["detail"]  # the file is named as given, not by DuckDB's path
    assert used.used and report.duty(DELIVERY).counts["within"] == 1


def test_cli_with_only_a_damaged_parquet_exits_2_and_names_it(tmp_path):
    damaged = damaged_parquet(tmp_path)
    result = cli("readiness", str(damaged), "--as-of", "2026-06-30", "--lang", "en")
    no_traceback(result)
    assert result.returncode == 2
    assert "damaged.parquet is damaged: column(s) sale_time" in result.stderr


# ------------------------------------------------------------------ attestations JSON


def test_attestations_nested_100000_deep_are_refused_with_the_place():
    text = '{"1.1.numbers": {"attested": true, "description": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    with pytest.raises(LogError) as caught:
        parse_attestations(text, load_readiness_rulebook(), "deep.json")
    assert caught.value.key == "attestations_too_deep"
    assert "deep.json" in caught.value.message("en") and "line 1, column 81" in caught.value.message("en")
    assert "第1行第81列" in caught.value.message("zh")


def test_an_attestation_with_a_5000_digit_number_is_refused_with_the_place():
    text = '{"1.1.numbers":\n  {"attested": ' + "1" + "0" * 5000 + "}}"
    with pytest.raises(LogError) as caught:
        parse_attestations(text.encode(), load_readiness_rulebook(), "huge.json")
    assert caught.value.key == "attestations_number_too_long"
    assert "line 2, column 16" in caught.value.message("en") and "5,001 digits" in caught.value.message("en")


def test_digits_and_brackets_inside_strings_are_text_not_structure():
    text = json.dumps({"1.1.numbers": {"attested": True, "description": "[" * 50 + "9" * 200, "evidence": [{"document": "a.pdf"}]}})
    assert parse_attestations(text, load_readiness_rulebook())["1.1.numbers"].attested is True


@pytest.mark.parametrize(("payload", "expect"), [
    ("[" * 100_000 + "]" * 100_000, "nests more than 32 levels deep at line 1, column 33"),
    ('{"1.1.numbers": {"attested": ' + "9" * 5001 + "}}", "holds a number of 5,001 digits at line 1, column 30"),
])
def test_cli_refuses_hostile_attestations_with_exit_2(tmp_path, payload, expect):
    log = policies_file(tmp_path, [policy("P1", *IN_TIME)])
    att = tmp_path / "att.json"
    att.write_text(payload, encoding="utf-8")
    result = cli("readiness", str(log), "--attestations", str(att), "--lang", "en")
    no_traceback(result)
    assert result.returncode == 2 and "att.json" in result.stderr and expect in result.stderr


# ------------------------------------------------------------------ FIFOs, devices, sockets


def test_a_fifo_as_a_log_is_refused_not_read(tmp_path):
    fifo = tmp_path / "policies.csv"
    os.mkfifo(fifo)
    result = cli("readiness", str(fifo), "--as-of", "2026-06-30", "--lang", "en", timeout=60)
    no_traceback(result)
    assert result.returncode == 2 and "policies.csv is a pipe (FIFO), not a regular file" in result.stderr
    [log] = run(fifo).logs
    assert log.error_key == "not_regular_pipe" and "policies.csv" in log.error("zh")


def test_a_device_and_a_socket_as_logs_are_refused_beside_a_good_log(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a socket path must be short; a relative name keeps it so
    sock = socket.socket(socket.AF_UNIX)
    sock.bind("s.csv")
    try:
        good = policies_file(tmp_path, [policy("P1", *IN_TIME)])
        report = run(LogSpec(Path("/dev/zero"), "policies"), LogSpec(Path("s.csv")), good)
        assert [log.error_key for log in report.logs] == ["not_regular_device", "not_regular_socket", None]
        assert "zero is a device" in report.logs[0].error("en") and "s.csv" in report.logs[1].error("zh")
        result = cli("readiness", "policies=/dev/zero", str(tmp_path / "s.csv"), str(good), "--as-of", "2026-06-30", "--lang", "en")
        no_traceback(result)
        assert result.returncode == 0  # one usable log: a report, the refused files named on stderr
        assert "zero is a device" in result.stderr and "s.csv is a socket" in result.stderr
    finally:
        sock.close()


def test_a_folder_as_a_log_says_it_is_a_folder(tmp_path):
    [log] = run(tmp_path).logs
    assert log.error_key == "not_regular_directory"


def test_a_fifo_or_device_as_attestations_is_refused_not_read(tmp_path):
    fifo = tmp_path / "att.json"
    os.mkfifo(fifo)
    log = policies_file(tmp_path, [policy("P1", *IN_TIME)])
    for target, expect in ((fifo, "att.json is a pipe"), (Path("/dev/zero"), "zero is a device")):
        result = cli("readiness", str(log), "--attestations", str(target), "--lang", "en", timeout=60)
        no_traceback(result)
        assert result.returncode == 2 and expect in result.stderr
    with pytest.raises(LogError) as caught:
        load_attestations(fifo, load_readiness_rulebook())
    assert caught.value.key == "not_regular_pipe"


def test_exit_codes_are_documented_in_the_help(capsys):
    with pytest.raises(SystemExit):
        main(["readiness", "--help", "--lang", "en"])
    out = capsys.readouterr().out
    assert "exit codes:" in out and "2  nothing could be measured" in out
