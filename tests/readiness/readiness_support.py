"""Small crafted logs for the readiness tests: write rows, run the real check, read the figures."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from assessor.readiness import LogSpec, check_readiness

POLICY_HEADER = ["policy_id", "sale_time", "delivery_time", "receipt_time", "callback_time", "recording_deleted_time", "delivery_address", "recipient", "recipient_phone"]


def write_csv(folder: Path, name: str, header: list[str], rows: list[list[str]]) -> Path:
    path = folder / name
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def policy(pid: str, sale: str, delivery: str = "", receipt: str = "", callback: str = "", deleted: str = "", address: str = "", recipient: str = "", phone: str = "") -> list[str]:
    return [pid, sale, delivery, receipt, callback, deleted, address, recipient, phone]


def policies_file(folder: Path, rows: list[list[str]], name: str = "policies.csv", header: list[str] | None = None) -> Path:
    return write_csv(folder, name, header or POLICY_HEADER, rows)


def run(*paths: Path | LogSpec, as_of: date = date(2026, 12, 31), **kwargs):
    specs = [p if isinstance(p, LogSpec) else LogSpec(Path(p)) for p in paths]
    return check_readiness(specs, as_of, **kwargs)


def issues_of(report, code: str, column: str | None = None):
    return [i for i in report.issues if i.code == code and (column is None or i.column == column)]
