"""Helpers for the intake tests: the example applications, and workbooks opened with openpyxl."""

from __future__ import annotations

import io
import tomllib
from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook


ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def expected_dates() -> dict[str, date]:
    """Each example's assessment date, which is also its 'today' for validation."""
    table = tomllib.loads((EXAMPLES / "expected.toml").read_text(encoding="utf-8"))
    return {name: entry["as_of"] for name, entry in table.items()}


def example_names() -> list[str]:
    return sorted(p.name for p in EXAMPLES.glob("*.json"))


def open_workbook(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
