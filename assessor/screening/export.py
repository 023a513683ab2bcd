"""Writing a screening to xlsx, csv or json. Money is written exactly: a numeric Excel cell
from the Decimal (Excel holds doubles, which carry every yuan figure up to 10^15 to the fen),
the exact digits in CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..i18n import t
from .run import Screening
from .table import COLUMNS, NUMERIC, flag_rows, header, rows

FORMATS = ("xlsx", "csv", "json")


def export_format(path: str | Path) -> str | None:
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else None


def to_csv(screening: Screening, lang: str = "zh") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([header(c, lang) for c in COLUMNS])
    for values in rows(screening, lang):
        writer.writerow([_plain(_cell(values[c], c)) for c in COLUMNS])
    # The byte-order mark lets Excel open the Chinese text as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def to_xlsx(screening: Screening, lang: str = "zh") -> bytes:
    # Write-only mode streams rows out instead of holding a cell object per value: several
    # times faster and far smaller in memory for a table of thousands of rows.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def header_row(sheet, labels):
        cells = []
        for label in labels:
            cell = WriteOnlyCell(sheet, value=label)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)

    sheet = workbook.create_sheet(t("screening.export.sheet_table", lang))
    for i, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = 40 if column in {"file", "applicant", "flags", "info", "reason"} else 16
    sheet.freeze_panes = "D2"  # rank, applicant and verdict stay in view beside the flags
    table = rows(screening, lang)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(table) + 1}"
    header_row(sheet, [header(c, lang) for c in COLUMNS])
    money = COLUMNS.index("premium_margin")
    for values in table:
        line = [_cell(values[c], c) for c in COLUMNS]
        if line[money] is not None:
            cell = WriteOnlyCell(sheet, value=line[money])
            cell.number_format = "#,##0.00"
            line[money] = cell
        sheet.append(line)

    flags = workbook.create_sheet(t("screening.export.sheet_flags", lang))
    flag_columns = ("file", "applicant", "code", "level", "flag", "explanation", "related")
    header_row(flags, [t(f"screening.export.flag_column.{c}", lang) for c in flag_columns])
    for values in flag_rows(screening, lang):
        flags.append([_cell(values[c], c) for c in flag_columns])

    run = workbook.create_sheet(t("screening.export.sheet_run", lang))
    for key, value in run_facts(screening, lang):
        run.append([key, value])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value: Any, column: str) -> Any:
    if value is None:
        return None
    if column in NUMERIC:
        return value
    # Text that starts like a formula must stay text in a spreadsheet (CSV/formula injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def run_facts(screening: Screening, lang: str) -> list[tuple[str, str]]:
    counts = screening.counts()
    facts = [
        (t("screening.export.as_of", lang), as_of_text(screening, lang)),
        (t("screening.export.rulebook", lang), f"{screening.rulebook_id} v{screening.rulebook_version}"),
        (t("screening.export.readings", lang), ", ".join(f"{k}={v}" for k, v in sorted(screening.settings.readings.items())) or t("screening.export.default_readings", lang)),
        (t("screening.export.started_at", lang), screening.started_at.isoformat(timespec="seconds")),
    ]
    facts += [(t(f"screening.count.{key}", lang), str(value)) for key, value in counts.items()]
    return facts


def as_of_text(screening: Screening, lang: str) -> str:
    """The date a run used, said so that nobody can mistake it for the day it was run."""
    entered = screening.settings.as_of.isoformat()
    if not screening.own_dates:
        return t("screening.as_of_used.entered", lang, as_of=entered)
    origins = Counter(screening.date_of(r).origin for r in screening.records)
    return t("screening.as_of_used.own", lang, as_of=entered, own=origins["dossier"] + origins["declared_total"], fallback=origins["entered"])


def to_json(screening: Screening, lang: str = "zh") -> bytes:
    entry = screening.register_entry()
    entry["lang"] = lang
    table = rows(screening, lang)
    for values, record in zip(table, screening.records, strict=True):
        values["verdict_code"] = record.verdict
        values["status_code"] = record.status
        values["verify_code"] = record.verify
        values["flags"] = [{"code": f.code, "text": f.text(lang), "related": list(f.related)} for f in record.flags]
        values["reasons"] = [r.text(lang) for r in record.reasons]
        values["site_surplus"] = [{"site": site, "surplus": surplus} for site, surplus in record.site_surplus]
        values["verify_differences"] = list(record.verify_differences)
        values["as_of_origin_code"] = screening.date_of(record).origin
    entry["rows"] = table
    del entry["files"]
    return (json.dumps(entry, ensure_ascii=False, indent=2, default=_plain) + "\n").encode("utf-8")


def export(screening: Screening, fmt: str, lang: str = "zh") -> bytes:
    return {"xlsx": to_xlsx, "csv": to_csv, "json": to_json}[fmt](screening, lang)
