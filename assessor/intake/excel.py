"""Applications in and out of an Excel workbook: the blank template, a filled copy, and reading one back.

One sheet per section of the application, headers in Chinese and English, dropdowns where a
field has a fixed set of values, and an instructions sheet. Reading a filled workbook reports
every problem by sheet, row and column (`现有职场 Existing sites!E4 (座席数 / Seats)`), with the
same translated messages the JSON reader gives.

Money stays exact. Excel keeps every number as a binary double, so a money cell that holds a
number is converted from the shortest text that reproduces that double (`repr`), which is what
the user typed for any amount of up to 15 significant digits; it is never rounded to fewer
places. Amounts that a double cannot hold exactly are written out as text, and text cells are
read digit for digit.
"""

from __future__ import annotations

import html
import io
import math
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from decimal import Decimal, localcontext
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..i18n import DEFAULT_LANG, LANGS, t
from ..core.model import Application, ApplicationType, Attestation, ComplaintStatus, ExistingSite, InsurerType, ProposedSite, Unifications, Unit
from ..core.rulebook import load_rulebook
from .json_file import ApplicationError, Problem, capped, error_loc, problem_from, validate_application

__all__ = [
    "MAX_ROWS_PER_SHEET",
    "MAX_WORKBOOK_BYTES",
    "WorkbookProblem",
    "application_from_workbook",
    "application_to_workbook",
    "template_workbook",
]

MAX_WORKBOOK_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a 10 MB zip may not inflate into gigabytes
MAX_ROWS_PER_SHEET = 20_000
# openpyxl takes about 7 µs and some hundred bytes per cell it parses, blank or not, so the cells a
# workbook holds are counted in its XML before openpyxl sees it: a sheet of 20,000 filled rows
# has some 200,000 cells; a 500 KB workbook of blank styled cells can have 8 million.
MAX_CELLS = 400_000
MAX_COLUMNS = 256  # the template's widest sheet has 9 columns; extra notes are allowed
MAX_SHARED_STRINGS_BYTES = 32 * 1024 * 1024  # openpyxl holds every shared string in memory
TEMPLATE_ROWS = 500  # rows of a table given dropdowns and checks beyond those filled in

WORKBOOK_PATH = "(工作簿 / workbook)"


# ---------------------------------------------------------------- problems with cells


@dataclass(frozen=True, slots=True)
class WorkbookProblem(Problem):
    """A problem with the workbook itself (not a field), worded from the excel locale."""

    def message(self, lang: str = "zh") -> str:
        values = dict(self.values)
        if self.key == "bad_choice":  # the allowed values as the dropdown shows them in this language
            choice = values["choice"]
            values["choices"] = t("excel.hint.separator", lang).join(_choice_label(choice, v, lang) for v in _choices()[choice])
        return t(f"excel.problem.{self.key}", lang, **values)


# ---------------------------------------------------------------- layout as data


@dataclass(frozen=True, slots=True)
class Field:
    """One input: its name in the model, the kind of cell that holds it, and its label's key."""

    key: str
    kind: str  # text, code, int, money, date, month, bool, choice:<name>, list, docs, sha
    width: int = 18
    label: str = ""  # locale key under excel.field; filled in by `_sheet` from the sheet's key

    @property
    def label_key(self) -> str:
        return f"excel.field.{self.label}"


def _f(key: str, kind: str = "text", width: int = 18, label: str = "") -> Field:
    return Field(key, kind, width, label)


@dataclass(frozen=True, slots=True)
class Table:
    """A list of records laid out one per row, under a header row and a row of hints."""

    section: tuple[str, ...]  # where the list lives in the application, e.g. ("existing_sites",)
    fields: tuple[Field, ...]
    header_row: int = 1
    first_column: int = 1

    @property
    def first_data_row(self) -> int:
        return self.header_row + 2

    def column(self, index: int) -> int:
        return self.first_column + index


@dataclass(frozen=True, slots=True)
class KeyValue:
    """Single values, one per row: label in A, value in B, a hint in C."""

    section: tuple[str, ...]
    fields: tuple[Field, ...]
    first_row: int = 2

    def row(self, index: int) -> int:
        return self.first_row + index


@dataclass(frozen=True, slots=True)
class Sheet:
    key: str
    parts: tuple[KeyValue | Table, ...]

    def name(self) -> str:
        return f"{t(f'excel.sheet.{self.key}', 'zh')} {t(f'excel.sheet.{self.key}', 'en')}"


def _labelled(field: Field, sheet: str) -> Field:
    if field.label:
        return field
    return replace(field, label=f"{sheet}.{field.key}{'_sha256' if field.kind == 'sha' else ''}")


def _sheet(key: str, parts: tuple[KeyValue | Table, ...]) -> Sheet:
    return Sheet(key, tuple(replace(part, fields=tuple(_labelled(f, key) for f in part.fields)) for part in parts))


APPLICANT = _sheet(
    "applicant",
    (
        KeyValue(
            ("applicant",),
            (
                _f("name"),
                _f("credit_code", "code"),
                _f("insurer_type", "choice:insurer_type"),
                _f("telemarketing_approved", "bool"),
                _f("telemarketing_approval_ref"),
                _f("application_type", "choice:application_type"),
                _f("contact_person"),
                _f("contact_phone", "code"),
                _f("relocating_site", "code"),
            ),
        ),
    ),
)
SELLING = _sheet(
    "selling",
    (
        KeyValue(("centralized_selling",), (_f("since", "date"), _f("evidence", "docs"), _f("evidence", "sha")), first_row=2),
        KeyValue(
            ("premiums", "declared_total"),
            (
                _f("amount", "money", label="selling.declared_amount"),
                _f("unit", "choice:unit", label="selling.declared_unit"),
                _f("as_of", "date", label="selling.declared_as_of"),
                _f("evidence", "docs", label="selling.declared_evidence"),
                _f("evidence", "sha", label="selling.declared_evidence_sha256"),
            ),
            first_row=7,
        ),
    ),
)
LEDGER = _sheet(
    "ledger",
    (
        Table(
            ("premiums", "ledger"),
            (_f("month", "month", 12), _f("product_code", "code"), _f("telemarketing_exclusive", "bool", 16), _f("premium", "money", 18), _f("unit", "choice:unit", 10)),
        ),
    ),
)
EXISTING_SITES = _sheet(
    "existing_sites",
    (
        Table(
            ("existing_sites",),
            (
                _f("id", "code", 12),
                _f("name"),
                _f("city", "text", 12),
                _f("address", "text", 36),
                _f("seats", "int", 12),
                _f("approval_ref", "text", 24),
                _f("approval_date", "date", 14),
                _f("business_system", "text", 24),
                _f("inbound_numbers", "list", 18),
                _f("outbound_numbers", "list", 18),
                _f("management_team", "team", 36),
                _f("evidence", "docs", 30),
                _f("evidence", "sha", 30),
            ),
        ),
    ),
)
PROPOSED_SITE = _sheet(
    "proposed_site",
    (
        KeyValue(
            ("proposed_site",),
            (
                _f("city"),
                _f("address"),
                _f("planned_seats", "int"),
                _f("planned_opening", "date"),
                _f("inbound_numbers", "list"),
                _f("outbound_numbers", "list"),
                _f("business_system"),
                _f("products", "list"),
                _f("evidence", "docs"),
                _f("evidence", "sha"),
            ),
        ),
        Table(("proposed_site", "management_team"), (_f("name"), _f("role"), _f("employing_unit")), header_row=14),
    ),
)
COMPANY = _sheet(
    "company",
    (
        KeyValue(("company",), (_f("head_office_unit", "text"), _f("business_system", "text")), first_row=2),
        Table(("company", "nationwide_numbers"), (_f("number", "code", 22),), header_row=6),
        Table(("company", "approved_products"), (_f("code", "code"), _f("product_name", "text", 30), _f("approval_ref", "text", 24)), header_row=6, first_column=3),
    ),
)
COMPLAINTS = _sheet(
    "complaints",
    (
        KeyValue(("complaints",), (_f("attested_complete", "bool"),), first_row=1),
        Table(
            ("complaints", "incidents"),
            (
                _f("date", "date", 14),
                _f("summary", "text", 36),
                _f("seriously_harmed_consumers", "bool", 16),
                _f("major_social_impact", "bool", 16),
                _f("status", "choice:complaint_status", 12),
                _f("resolved_on", "date", 14),
                _f("source", "text", 16),
            ),
            header_row=3,
        ),
    ),
)
VIOLATIONS = _sheet(
    "violations",
    (
        KeyValue(("violations",), (_f("attested_complete", "bool"),), first_row=1),
        Table(
            ("violations", "records"),
            (
                _f("conduct_date", "date", 14),
                _f("decision_date", "date", 14),
                _f("authority", "text", 22),
                _f("decision_number", "text", 22),
                _f("kind", "text", 16),
                _f("summary", "text", 36),
            ),
            header_row=3,
        ),
    ),
)
UNIFICATIONS = _sheet(
    "unifications",
    (
        Table(
            ("unifications",),
            (
                _f("group", "code", 12),
                _f("item", "code", 26),
                _f("item_label", "text", 40),
                _f("attested", "bool", 12),
                _f("description", "text", 36),
                _f("evidence", "docs", 30),
                _f("evidence", "sha", 30),
            ),
        ),
    ),
)

SHEETS = (APPLICANT, SELLING, LEDGER, EXISTING_SITES, PROPOSED_SITE, COMPANY, COMPLAINTS, VIOLATIONS, UNIFICATIONS)

# The rows of the unifications sheet: every attested sub-item, in the order the model lists them.
UNIFICATION_ITEMS: tuple[tuple[str, str], ...] = tuple(
    (group, item) for group, info in Unifications.model_fields.items() for item in info.annotation.model_fields
)

# Field names in a table that differ from the model's (a label key must be unique per locale).
_MODEL_NAME = {"product_name": "name"}


def _choices() -> dict[str, list[str]]:
    return {
        "insurer_type": [m.value for m in InsurerType],
        "application_type": [m.value for m in ApplicationType],
        "complaint_status": [m.value for m in ComplaintStatus],
        "unit": [m.value for m in Unit],
    }


# Whole-number cells and the model field whose limits their in-Excel check takes over.
_WHOLE_NUMBER_LIMITS = {"seats": (ExistingSite, "seats"), "planned_seats": (ProposedSite, "planned_seats")}


def _int_bounds(model: type, field: str) -> tuple[int, int]:
    # The limits are read from the model, so the workbook's check never disagrees with validation.
    lo, hi = 0, 10**9
    for meta in model.model_fields[field].metadata:
        lo = getattr(meta, "ge", None) if getattr(meta, "ge", None) is not None else lo
        hi = getattr(meta, "le", None) if getattr(meta, "le", None) is not None else hi
    return lo, hi


# ---------------------------------------------------------------- labels


def header(field: Field) -> str:
    """A column or row label in both languages, e.g. `座席数 / Seats`."""
    return f"{t(field.label_key, 'zh')} / {t(field.label_key, 'en')}"


def _hint(field: Field, lang: str) -> str:
    kind = field.kind.split(":")[0]
    if kind == "choice":
        labels = [_choice_label(field.kind.split(":")[1], v, lang) for v in _choices()[field.kind.split(":")[1]]]
        return t("excel.hint.choice", lang, choices=t("excel.hint.separator", lang).join(labels))
    return t(f"excel.hint.{kind}", lang)


def _choice_label(choice: str, value: str, lang: str) -> str:
    return value if choice == "unit" else t(f"excel.choice.{choice}.{value}", lang)


def _yes_no(lang: str) -> tuple[str, str]:
    return t("excel.choice.bool.yes", lang), t("excel.choice.bool.no", lang)


# ---------------------------------------------------------------- reading cell values


_TRUE = {"是", "对", "有", "yes", "y", "true", "t", "1", "√", "✓"}
_FALSE = {"否", "不是", "无", "没有", "no", "n", "false", "f", "0", "×", "✗"}
_LIST_SPLIT = re.compile(r"[\n,，;；、]+")
_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_MONTH_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def number_text(value: int | float | Decimal) -> str:
    """A number from a cell as exact decimal text: a double as the shortest text that reproduces it."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    exact = Decimal(repr(value)) if isinstance(value, float) else value
    text = format(exact, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _read_text(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        return number_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value.strip() if isinstance(value, str) else value


def _read_int(value: Any) -> Any:
    # A workbook holds whole numbers as floats, or as text where a cell is formatted as text;
    # the model takes only whole numbers, so the cell is read as one here or left as it is.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if not (text.isascii() and text.isdigit()):
            return text
        try:
            return int(text)
        except ValueError:  # over Python's 4,300-digit limit for reading an int from text
            raise _Refused("number_too_long") from None
    return value


def _shown_places(number_format: str | None) -> int:
    """How many decimal places a number format displays (`#,##0.00` shows 2)."""
    section = (number_format or "General").split(";")[0]
    if "%" in section or "E" in section.upper().replace("GENERAL", ""):
        return 0
    match = re.search(r"\.(0+)", section)
    return len(match[1]) if match else 0


def money_text(value: int | float | Decimal, number_format: str | None = None) -> str:
    """A money cell's number as exact decimal text, with the trailing zeros its format displays.

    Zeros are only ever added (2150.5 shown as 2150.50 reads as "2150.50"); digits beyond what the
    format shows are kept, never rounded away."""
    text = number_text(value)
    places = _shown_places(number_format)
    exact = Decimal(text)
    if places and -exact.as_tuple().exponent < places:
        # Enough precision for every digit: padding zeros must never round a long amount.
        with localcontext(prec=len(exact.as_tuple().digits) + places + 2):
            text = format(exact.quantize(Decimal(1).scaleb(-places)), "f")
    return text


def _read_money(value: Any) -> Any:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        _finite(value)
        return number_text(value)
    if isinstance(value, str):
        # Thousands separators are common in pasted figures; the unit lives in its own column.
        return re.sub(r"[\s,，_]", "", value)
    return value


def _finite(value: Any) -> None:
    # `<v>1e999</v>` is read by openpyxl as infinity, which no decimal text can stand for.
    if isinstance(value, float) and not math.isfinite(value):
        raise _Refused("finite_number")


class _Refused(Exception):
    """A cell value that cannot stand for its field, with the problem to report for its cell."""

    def __init__(self, key: str, **values: Any):
        self.key = key
        self.values = values


def _read_date(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date() if value.time() == time() else value
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A bare number in a cell not formatted as a date is not taken as a date serial, nor (as
        # pydantic would) as a Unix timestamp: 2024 would silently become 1905-07-16 or 1970-01-01.
        raise _Refused("date_parsing", input=number_text(value))
    if isinstance(value, str):
        text = value.strip()
        match = _DATE_TEXT.fullmatch(text)
        if match:
            return f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}"
        if re.fullmatch(r"[\d.\s]+", text):
            raise _Refused("date_parsing", input=text)
        return text
    return value


def _read_month(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date() if value.time() == time() else value
    if isinstance(value, str):
        text = value.strip()
        match = _MONTH_TEXT.fullmatch(text)
        if match:
            return f"{match[1]}-{int(match[2]):02d}"
        return text
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise _Refused("month_format", input=number_text(value))
    return value


def _read_bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().casefold()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        return value.strip()
    return value


def _choice_reader(choice: str) -> Callable[[Any], Any]:
    known: dict[str, str] = {}
    for value in _choices()[choice]:
        known[value.casefold()] = value
        for lang in LANGS:
            known[_choice_label(choice, value, lang).casefold()] = value

    def read(value: Any) -> Any:
        if isinstance(value, str):
            return known.get(value.strip().casefold(), value.strip())
        return value

    return read


def _read_list(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [number_text(value)]
    if isinstance(value, str):
        return [part.strip() for part in _LIST_SPLIT.split(value) if part.strip()]
    return value


def _lines(value: Any) -> list[str]:
    if _blank(value):
        return []
    text = value if isinstance(value, str) else str(_read_text(value))
    return [line.strip() for line in text.split("\n")]


def _reader(kind: str) -> Callable[[Any], Any]:
    if kind.startswith("choice:"):
        return _choice_reader(kind.split(":", 1)[1])
    return {
        "text": _read_text,
        "code": _read_text,
        "int": _read_int,
        "money": _read_money,
        "date": _read_date,
        "month": _read_month,
        "bool": _read_bool,
        "list": _read_list,
        "team": _read_team,
    }[kind]


def _read_team(raw: Any) -> list[dict[str, str]]:
    """A management team in one cell: a member a line, written 姓名 / 职务 / 所在单位."""
    members = []
    for line in _read_list(raw):
        parts = [part.strip() for part in line.replace("／", "/").split("/")]
        if len(parts) != 3 or not all(parts):
            raise _Refused("team_format", line=line)
        members.append({"name": parts[0], "role": parts[1], "employing_unit": parts[2]})
    return members


# ---------------------------------------------------------------- reading a workbook


class _Where:
    """Where each value came from, so a pydantic location can be named by its cell."""

    def __init__(self) -> None:
        self.places: dict[tuple[Any, ...], str] = {(): WORKBOOK_PATH}
        self.choices: dict[str, str] = {}  # place -> the dropdown it offers

    def add(self, loc: tuple[Any, ...], place: str, field: Field | None = None) -> None:
        self.places.setdefault(loc, place)
        if field is not None and field.kind.startswith("choice:"):
            self.choices[place] = field.kind.split(":", 1)[1]

    def problem(self, loc: tuple[Any, ...], found: Problem) -> Problem:
        place = self.name(loc)
        if found.key in ("enum", "literal_error") and place in self.choices:
            return WorkbookProblem(place, "bad_choice", {"input": found.values.get("input", ""), "choice": self.choices[place]})
        return Problem(place, found.key, found.values)

    def name(self, loc: tuple[Any, ...]) -> str:
        parts = tuple(p for p in loc if isinstance(p, int) or not p.startswith(("function-", "json-or-python")))
        # All of a record's evidence shares one cell: ('…', 'evidence', 1, 'document') is that cell.
        parts = tuple(p for i, p in enumerate(parts) if not (isinstance(p, int) and i and parts[i - 1] == "evidence"))
        for end in range(len(parts), -1, -1):
            if parts[:end] in self.places:
                return self.places[parts[:end]]
        return WORKBOOK_PATH


def _number_format(cell: Any) -> str | None:
    # A workbook without styles.xml (or with a style index past its end) has cells whose format
    # openpyxl cannot look up: such a cell is read as it stands, with no format.
    try:
        return getattr(cell, "number_format", None)
    except (IndexError, KeyError, AttributeError):
        return None


def _cell_name(sheet: str, column: int, row: int, field: Field | None = None) -> str:
    ref = f"{sheet}!{get_column_letter(column)}{row}"
    return f"{ref} ({header(field)})" if field is not None else ref


def _set(target: dict[str, Any], path: Iterable[str], value: Any) -> None:
    *parents, last = path
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = value


def _evidence(docs: Any, shas: Any) -> list[dict[str, Any]]:
    names, digests = _lines(docs), _lines(shas)
    out = []
    for i in range(max(len(names), len(digests))):
        name = names[i] if i < len(names) else ""
        digest = digests[i].lower() if i < len(digests) else ""
        if not name and not digest:
            continue
        item: dict[str, Any] = {"document": name}
        if digest:
            item["sha256"] = digest
        out.append(item)
    return out


class _SheetReader:
    """Reads the parts of one sheet into the application dict, noting where each value came from."""

    def __init__(self, sheet: Sheet, rows: dict[int, tuple[Any, ...]], where: _Where, refused: list[Problem]):
        self.sheet = sheet
        self.name = sheet.name()
        self.rows = rows  # openpyxl cells of the rows that hold anything, by row number
        self.where = where
        self.refused = refused

    def _at(self, row: int, column: int) -> Any:
        cells = self.rows.get(row, ())
        return cells[column - 1] if column - 1 < len(cells) else None

    def cell(self, row: int, column: int) -> Any:
        found = self._at(row, column)
        return getattr(found, "value", None)

    def layout_problems(self, part: KeyValue | Table) -> list[Problem]:
        """Labels that are not where the template put them: a moved column would be read as another field."""
        if isinstance(part, Table):
            places = [(part.header_row, part.column(i), f) for i, f in enumerate(part.fields)]
        else:
            places = [(part.row(i), 1, f) for i, f in enumerate(part.fields)]
        found = []
        for row, column, field in places:
            text = str(self.cell(row, column) or "").casefold()
            if not any(t(field.label_key, lang).casefold() in text for lang in LANGS):
                found.append(WorkbookProblem(_cell_name(self.name, column, row), "layout", {"expected": header(field)}))
        return found

    def read(self, field: Field, row: int, column: int, loc: tuple[Any, ...], into: dict[str, Any], name: str) -> None:
        """Put the cell's value for `field` into `into[name]`; a refused value becomes a problem of its cell."""
        place = _cell_name(self.name, column, row, field)
        self.where.add(loc, place, field)
        raw = self.cell(row, column)
        if _blank(raw):
            return
        try:
            if field.kind == "money" and isinstance(raw, (int, float)) and not isinstance(raw, bool):
                _finite(raw)
                into[name] = money_text(raw, _number_format(self._at(row, column)))
            else:
                into[name] = _reader(field.kind)(raw)
        except _Refused as refused:
            self.refused.append(Problem(place, refused.key, refused.values))

    def read_evidence(self, docs: tuple[Field, int, int], shas: tuple[Field, int, int], loc: tuple[Any, ...], into: dict[str, Any]) -> None:
        (docs_field, row, docs_column), (sha_field, sha_row, sha_column) = docs, shas
        docs_place = _cell_name(self.name, docs_column, row, docs_field)
        self.where.add(loc, docs_place)
        self.where.add((*loc, "document"), docs_place)
        self.where.add((*loc, "sha256"), _cell_name(self.name, sha_column, sha_row, sha_field))
        found = _evidence(self.cell(row, docs_column), self.cell(sha_row, sha_column))
        if found:
            into["evidence"] = found

    def read_key_value(self, part: KeyValue, out: dict[str, Any]) -> None:
        self._record_section(part.section)
        values: dict[str, Any] = {}
        evidence: dict[str, tuple[Field, int, int]] = {}
        for index, field in enumerate(part.fields):
            if field.kind in ("docs", "sha"):
                evidence[field.kind] = (field, part.row(index), 2)
            else:
                self.read(field, part.row(index), 2, (*part.section, field.key), values, field.key)
        if evidence:
            self.read_evidence(evidence["docs"], evidence["sha"], (*part.section, "evidence"), values)
        for key, value in values.items():
            _set(out, (*part.section, key), value)

    def _record_section(self, section: tuple[str, ...]) -> None:
        for end in range(1, len(section) + 1):
            self.where.add(section[:end], self.name)

    def data_rows(self, part: Table) -> Iterable[int]:
        """The row numbers of the table that hold anything."""
        columns = [part.column(i) for i in range(len(part.fields))]
        for row in sorted(self.rows):
            if row >= part.first_data_row and not all(_blank(self.cell(row, c)) for c in columns):
                yield row

    def _row_place(self, part: Table, row: int) -> str:
        first, last = get_column_letter(part.column(0)), get_column_letter(part.column(len(part.fields) - 1))
        return f"{self.name}!{first}{row}:{last}{row}"

    def read_table(self, part: Table, out: dict[str, Any]) -> None:
        self._record_section(part.section)
        items: list[Any] = []
        for row in self.data_rows(part):
            loc = (*part.section, len(items))
            if len(part.fields) == 1:  # a plain list of values, such as phone numbers
                holder: dict[str, Any] = {}
                self.read(part.fields[0], row, part.column(0), loc, holder, "value")
                items.append(holder.get("value"))
                continue
            self.where.add(loc, self._row_place(part, row))
            record: dict[str, Any] = {}
            evidence: dict[str, tuple[Field, int, int]] = {}
            for i, field in enumerate(part.fields):
                if field.kind in ("docs", "sha"):
                    evidence[field.kind] = (field, row, part.column(i))
                    continue
                name = _MODEL_NAME.get(field.key, field.key)
                self.read(field, row, part.column(i), (*loc, name), record, name)
            if evidence:
                self.read_evidence(evidence["docs"], evidence["sha"], (*loc, "evidence"), record)
            items.append(record)
        if items:
            _set(out, part.section, items)

    def read_unifications(self, part: Table, out: dict[str, Any]) -> None:
        self.where.add(("unifications",), self.name)
        known = set(UNIFICATION_ITEMS)
        columns = {("sha" if f.kind == "sha" else f.key): (f, part.column(i)) for i, f in enumerate(part.fields)}
        for row in self.data_rows(part):
            group = str(_read_text(self.cell(row, columns["group"][1])) or "")
            item = str(_read_text(self.cell(row, columns["item"][1])) or "")
            if (group, item) not in known:
                place = _cell_name(self.name, columns["item"][1], row)
                self.refused.append(WorkbookProblem(place, "unknown_item", {"group": group, "item": item}))
                continue
            loc = ("unifications", group, item)
            self.where.add(("unifications", group), self.name)
            self.where.add(loc, self._row_place(part, row))
            record: dict[str, Any] = {}
            for key in ("attested", "description"):
                field, column = columns[key]
                self.read(field, row, column, (*loc, key), record, key)
            (docs_field, docs_column), (sha_field, sha_column) = columns["evidence"], columns["sha"]
            self.read_evidence((docs_field, row, docs_column), (sha_field, row, sha_column), (*loc, "evidence"), record)
            _set(out, loc, record)


def _open(data: bytes) -> Workbook:
    if len(data) > MAX_WORKBOOK_BYTES:
        raise ApplicationError([WorkbookProblem("(file)", "too_large", {"limit": MAX_WORKBOOK_BYTES // (1024 * 1024)})])
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ApplicationError([WorkbookProblem("(file)", "old_xls", {})])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise ApplicationError([WorkbookProblem("(file)", "too_large", {"limit": MAX_WORKBOOK_BYTES // (1024 * 1024)})])
            _check_extent(archive)
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ApplicationError:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file; none is worded for a user
        raise ApplicationError([WorkbookProblem("(file)", "not_xlsx", {"detail": WORKBOOK_PATH})]) from None


_SHEET_ENTRY = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"[^>]*?\bid=\"([^\"]*)\"")
_RELATION = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(rb'\b(Id|Target)="([^"]*)"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref="([A-Za-z]*)([0-9]*)(?::([A-Za-z]*)([0-9]*))?"')


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet's part in the archive, by the name the user sees; best effort, for messages."""
    try:
        book = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return {}
    targets = {}
    for element in _RELATION.findall(rels[:1_000_000]):
        attributes = dict(_ATTRIBUTE.findall(element))
        if b"Id" in attributes and b"Target" in attributes:
            target = attributes[b"Target"].decode("utf-8", "replace").lstrip("/")
            targets[attributes[b"Id"]] = target if target.startswith("xl/") else f"xl/{target}"
    return {targets[rid]: html.unescape(name.decode("utf-8", "replace")) for name, rid in _SHEET_ENTRY.findall(book[:1_000_000]) if rid in targets}


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _check_extent(archive: zipfile.ZipFile) -> None:
    """Count every worksheet's cells, and read its stated extent, from the XML itself, streamed a
    megabyte at a time, before openpyxl parses any of it; a workbook beyond the limits is refused
    naming its sheet."""
    names = _sheet_names(archive)
    cells = 0
    for info in archive.infolist():
        name = info.filename
        if name == "xl/sharedStrings.xml" and info.file_size > MAX_SHARED_STRINGS_BYTES:
            raise ApplicationError([WorkbookProblem("(file)", "too_many_strings", {"mb": MAX_SHARED_STRINGS_BYTES // 2**20})])
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        sheet = names.get(name, name)
        with archive.open(info) as stream:
            head = stream.read(65536)
            dimension = _DIMENSION.search(head)
            if dimension:
                last_column, last_row = (dimension[3], dimension[4]) if dimension[3] is not None else (dimension[1], dimension[2])
                if last_row and int(last_row[:9]) > 2 * MAX_ROWS_PER_SHEET:
                    raise ApplicationError([WorkbookProblem(sheet, "too_many_rows", {"limit": MAX_ROWS_PER_SHEET})])
                if last_column and _column_number(last_column[:4]) > MAX_COLUMNS:
                    raise ApplicationError([WorkbookProblem(sheet, "too_many_columns", {"limit": MAX_COLUMNS})])
            cells += _count_cells(head, stream, MAX_CELLS + 1 - cells)
            if cells > MAX_CELLS:
                raise ApplicationError([WorkbookProblem(sheet, "too_many_cells", {"limit": MAX_CELLS})])


_CELL_OPEN = re.compile(rb"<(?:\w+:)?c[\s/>]")


def _count_cells(head: bytes, stream: Any, budget: int) -> int:
    """How many cell elements the stream holds, counted no further than `budget`."""
    count, chunk, carry = 0, head, b""
    while chunk:
        text = carry + chunk
        count += len(_CELL_OPEN.findall(text))
        if count >= budget:
            return count
        # An element cut at the chunk's end is counted with the next chunk: keep the last `<` on.
        cut = text.rfind(b"<", max(0, len(text) - 64))
        carry = text[cut:] if cut >= 0 and not _CELL_OPEN.match(text, cut) else b""
        chunk = stream.read(1 << 20)
    return count


_NUMERIC_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*)>(?:(?!</(?:\w+:)?c>).)*?<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>', re.DOTALL)
_TYPE = re.compile(rb'\bt="([^"]*)"')
_REF = re.compile(rb'\br="([A-Za-z]{1,4}[0-9]{1,8})"')


def _bad_number_cell(data: bytes, worksheet: Worksheet) -> tuple[str, Problem] | None:
    """The first cell marked as a number whose value Python cannot read as one (over 4,300 digits,
    or not a number at all): openpyxl stops on it without saying where. Searched only once
    reading has failed, in a sheet whose size was checked before."""
    path = getattr(worksheet, "_worksheet_path", None)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read(path) if path else b""
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return None
    for found in _NUMERIC_CELL.finditer(xml):
        kind = _TYPE.search(found[1])
        if kind and kind[1] != b"n":
            continue
        value = found[2].decode("utf-8", "replace").strip()
        ref = _REF.search(found[1])
        place = f"{worksheet.title}!{ref[1].decode()}" if ref else worksheet.title
        if re.fullmatch(r"[-+]?[0-9]{4300,}", value):
            return place, Problem(place, "number_too_long", {})
        try:
            float(value) if any(c in value for c in ".eE") else int(value)
        except ValueError:
            return place, Problem(place, "cell_not_number", {"input": value[:40]})
    return None


def _find_sheet(workbook: Workbook, sheet: Sheet) -> Worksheet | None:
    names = workbook.sheetnames
    if sheet.name() in names:
        return workbook[sheet.name()]
    wanted = {t(f"excel.sheet.{sheet.key}", lang).casefold() for lang in LANGS}
    for name in names:
        if name.strip().casefold() in wanted or any(part in wanted for part in name.casefold().split(" ", 1)):
            return workbook[name]
    return None


def _sheet_rows(worksheet: Worksheet, width: int) -> dict[int, tuple[Any, ...]] | None:
    """The sheet's non-empty rows by number, or None when it holds more rows than allowed.

    Only rows holding something are kept: a stray cell at row 1,048,576 costs a scan, not memory."""
    # Blank rows between filled ones are allowed, but not without end: the scan stops at twice the
    # limit, and a sheet whose stated size reaches past that is refused rather than read in part.
    furthest = 2 * MAX_ROWS_PER_SHEET
    if (worksheet.max_row or 0) > furthest:
        return None
    rows: dict[int, tuple[Any, ...]] = {}
    for number, cells in enumerate(worksheet.iter_rows(max_col=width, max_row=furthest), start=1):
        if all(_blank(getattr(c, "value", None)) for c in cells):
            continue
        if len(rows) >= MAX_ROWS_PER_SHEET:
            return None
        rows[number] = cells
    return rows


def application_from_workbook(data: bytes, today: date | None = None) -> Application:
    """Read a filled template; every problem is named by its sheet, row and column."""
    workbook = _open(data)
    structure: list[Problem] = []  # problems that make the cells meaningless: reported alone
    refused: list[Problem] = []  # cells whose value cannot stand for their field
    where = _Where()
    out: dict[str, Any] = {}
    try:
        for sheet in SHEETS:
            worksheet = _find_sheet(workbook, sheet)
            if worksheet is None:
                if sheet in (APPLICANT, PROPOSED_SITE):  # the other sections may be left out
                    structure.append(WorkbookProblem(sheet.name(), "missing_sheet", {"sheet": sheet.name()}))
                continue
            width = max((p.column(len(p.fields) - 1) if isinstance(p, Table) else 3) for p in sheet.parts)
            try:
                rows = _sheet_rows(worksheet, width)
            except Exception as exc:  # read-only sheets are parsed only now: damage shows up here
                bad = _bad_number_cell(data, worksheet) if isinstance(exc, ValueError) else None
                if bad:
                    raise ApplicationError([bad[1]]) from None
                raise ApplicationError([WorkbookProblem("(file)", "not_xlsx", {"detail": sheet.name()})]) from None
            if rows is None:
                structure.append(WorkbookProblem(sheet.name(), "too_many_rows", {"limit": MAX_ROWS_PER_SHEET}))
                continue
            reader = _SheetReader(sheet, rows, where, refused)
            moved = [problem for part in sheet.parts for problem in reader.layout_problems(part)]
            if moved:
                structure.extend(moved)
                continue
            for part in sheet.parts:
                if sheet is UNIFICATIONS:
                    reader.read_unifications(part, out)
                elif isinstance(part, KeyValue):
                    reader.read_key_value(part, out)
                else:
                    reader.read_table(part, out)
    finally:
        workbook.close()
    if structure:
        raise ApplicationError(structure)
    out.setdefault("applicant", {})
    out.setdefault("proposed_site", {})
    # Validated in bounded memory, like a JSON file: 20,000 rows of bad cells make 100,000 errors.
    application, errors, total = validate_application(out, today)
    if application is None:
        located = [where.problem(error_loc(err), problem_from(err)) for err in errors]
        # A refused cell was left out, so the model may also call it missing: say it once.
        named = {p.path for p in refused}
        kept = [p for p in located if p.path not in named]
        raise ApplicationError(capped(refused + kept, len(refused) + len(kept) + total - len(errors))) from None
    if refused:
        raise ApplicationError(capped(refused))
    return application


# ---------------------------------------------------------------- writing a workbook


_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_KEY_FILL = PatternFill("solid", fgColor="F2F2F2")
_HINT_FONT = Font(italic=True, color="666666", size=9)
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_FORMATS = {"date": "yyyy-mm-dd", "month": "yyyy-mm", "code": "@", "text": "@", "list": "@", "team": "@", "docs": "@", "sha": "@"}


def _put(cell: Cell, value: Any, kind: str, lang: str) -> None:
    if value is None:
        return
    if kind == "bool":
        yes, no = _yes_no(lang)
        cell.value = yes if value else no
    elif kind.startswith("choice:"):
        cell.value = _choice_label(kind.split(":", 1)[1], str(getattr(value, "value", value)), lang)
    elif kind == "money":
        amount = Decimal(value)
        as_double = float(amount)
        places = max(0, -amount.as_tuple().exponent)
        if Decimal(repr(as_double)) == amount:
            cell.value = as_double if amount != amount.to_integral_value() else int(amount)
            # The format shows every decimal written (2150.50 stays 2150.50) and reads back so.
            cell.number_format = "#,##0" + ("." + "0" * places if places else "")
        else:  # more digits than a double holds: kept as text, read back exactly
            cell.value = number_text(amount)
            cell.data_type = "s"
            cell.number_format = "@"
    elif kind == "list":
        cell.value = "\n".join(str(v) for v in value)
        cell.data_type = "s"
    elif kind == "team":
        cell.value = "\n".join(f"{m.name} / {m.role} / {m.employing_unit}" for m in value) or None
        cell.data_type = "s"
    elif kind in ("date", "month"):
        cell.value = value
        cell.number_format = _FORMATS[kind]  # openpyxl gives every date yyyy-mm-dd; a month shows as one
    elif kind == "int":
        cell.value = int(value)
    else:
        cell.value = str(value)
        cell.data_type = "s"  # text that starts with "=" stays text, never a formula
    if kind in _FORMATS and cell.number_format == "General":
        cell.number_format = _FORMATS[kind]


def _evidence_cells(evidence: list[Any]) -> tuple[str | None, str | None]:
    if not evidence:
        return None, None
    docs = "\n".join(e.document for e in evidence)
    shas = "\n".join(e.sha256 or "" for e in evidence)
    return docs, (shas if shas.strip() else None)


class _Writer:
    def __init__(self, lang: str):
        self.lang = lang
        self.workbook = Workbook()
        self.workbook.remove(self.workbook.active)
        yes, no = _yes_no(lang)
        self.yes_no = f'"{yes},{no}"'

    def validation(self, ws: Worksheet, field: Field, ref: str) -> None:
        kind = field.kind
        dv: DataValidation | None = None
        if kind == "bool":
            dv = DataValidation(type="list", formula1=self.yes_no, allow_blank=True)
        elif kind.startswith("choice:"):
            choice = kind.split(":", 1)[1]
            labels = [_choice_label(choice, v, self.lang) for v in _choices()[choice]]
            dv = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True)
        elif kind in ("date", "month"):
            dv = DataValidation(type="date", operator="between", formula1="DATE(1900,1,1)", formula2="DATE(2200,12,31)", allow_blank=True, errorStyle="warning")
        elif kind == "int":
            lo, hi = _int_bounds(*_WHOLE_NUMBER_LIMITS[field.key])
            dv = DataValidation(type="whole", operator="between", formula1=str(lo), formula2=str(hi), allow_blank=True)
        if dv is None:
            return
        dv.error = t(f"excel.validation.{kind.split(':')[0]}", self.lang)
        dv.errorTitle = t("excel.validation.title", self.lang)
        dv.showErrorMessage = True
        ws.add_data_validation(dv)
        dv.add(ref)

    def sheet(self, sheet: Sheet) -> Worksheet:
        return self.workbook.create_sheet(sheet.name())

    def key_value(self, ws: Worksheet, part: KeyValue, values: dict[tuple[str, str], Any]) -> None:
        if part.first_row > 1 and ws.cell(part.first_row - 1, 1).value is None:
            for column, key in ((1, "excel.kv.item"), (2, "excel.kv.value"), (3, "excel.kv.notes")):
                cell = ws.cell(part.first_row - 1, column, f"{t(key, 'zh')} / {t(key, 'en')}")
                cell.font, cell.fill = _BOLD, _HEADER_FILL
        for index, field in enumerate(part.fields):
            row = part.row(index)
            label = ws.cell(row, 1, header(field))
            label.font, label.fill, label.alignment = _BOLD, _KEY_FILL, _WRAP
            value_cell = ws.cell(row, 2)
            value_cell.alignment = _WRAP
            if field.kind in _FORMATS:
                value_cell.number_format = _FORMATS[field.kind]
            _put(value_cell, values.get((field.key, field.kind)), field.kind, self.lang)
            hint = ws.cell(row, 3, _hint(field, self.lang))
            hint.font, hint.alignment = _HINT_FONT, _WRAP
            self.validation(ws, field, value_cell.coordinate)
        ws.column_dimensions["A"].width = 34
        ws.column_dimensions["B"].width = 40
        ws.column_dimensions["C"].width = 46

    def table(self, ws: Worksheet, part: Table, rows: list[list[Any]], extra_rows: int = TEMPLATE_ROWS) -> None:
        for i, field in enumerate(part.fields):
            column = part.column(i)
            letter = get_column_letter(column)
            head = ws.cell(part.header_row, column, header(field))
            head.font, head.fill, head.alignment = _BOLD, _HEADER_FILL, _WRAP
            hint = ws.cell(part.header_row + 1, column, _hint(field, self.lang))
            hint.font, hint.alignment = _HINT_FONT, _WRAP
            ws.column_dimensions[letter].width = max(field.width, ws.column_dimensions[letter].width or 0)
            last = part.first_data_row + max(len(rows), 0) + extra_rows - 1
            self.validation(ws, field, f"{letter}{part.first_data_row}:{letter}{last}")
            if field.kind in _FORMATS:
                # A column style: rows the user adds take it, so dates stay dates and codes stay text,
                # without writing thousands of empty formatted cells.
                ws.column_dimensions[letter].number_format = _FORMATS[field.kind]
        for r, values in enumerate(rows):
            for i, (field, value) in enumerate(zip(part.fields, values, strict=True)):
                cell = ws.cell(part.first_data_row + r, part.column(i))
                cell.alignment = _WRAP
                _put(cell, value, field.kind, self.lang)
        ws.freeze_panes = ws.cell(part.first_data_row, 1) if part.first_column == 1 and part.header_row == 1 else ws.freeze_panes

    def instructions(self) -> None:
        ws = self.workbook.create_sheet(t("excel.sheet.instructions", "zh") + " " + t("excel.sheet.instructions", "en"), 0)
        lang = self.lang
        ws.column_dimensions["A"].width = 34
        ws.column_dimensions["B"].width = 100
        title = ws.cell(1, 1, t("excel.instructions.title", lang))
        title.font = Font(bold=True, size=14)
        row = 3
        for key in ("general", "units", "money", "dates", "yes_no", "lists", "evidence", "errors"):
            ws.cell(row, 1, t(f"excel.instructions.topic.{key}", lang)).font = _BOLD
            ws.cell(row, 2, t(f"excel.instructions.{key}", lang)).alignment = _WRAP
            row += 1
        row += 1
        for column, key in ((1, "excel.kv.sheet"), (2, "excel.kv.contents")):
            cell = ws.cell(row, column, t(key, lang))
            cell.font, cell.fill = _BOLD, _HEADER_FILL
        row += 1
        for sheet in SHEETS:
            ws.cell(row, 1, sheet.name()).font = _BOLD
            ws.cell(row, 2, t(f"excel.instructions.sheet.{sheet.key}", lang)).alignment = _WRAP
            row += 1


def _key_values(section: Any, part: KeyValue) -> dict[tuple[str, str], Any]:
    if section is None:
        return {}
    out: dict[tuple[str, str], Any] = {}
    for field in part.fields:
        if field.kind in ("docs", "sha"):
            docs, shas = _evidence_cells(getattr(section, "evidence", []))
            out[(field.key, field.kind)] = docs if field.kind == "docs" else shas
        else:
            out[(field.key, field.kind)] = getattr(section, field.key)
    return out


def _build(application: Application | None, lang: str) -> bytes:
    lang = lang if lang in LANGS else DEFAULT_LANG
    w = _Writer(lang)
    w.instructions()
    app = application

    ws = w.sheet(APPLICANT)
    w.key_value(ws, APPLICANT.parts[0], _key_values(app.applicant if app else None, APPLICANT.parts[0]))

    ws = w.sheet(SELLING)
    w.key_value(ws, SELLING.parts[0], _key_values(app.centralized_selling if app else None, SELLING.parts[0]))
    w.key_value(ws, SELLING.parts[1], _key_values(app.premiums.declared_total if app else None, SELLING.parts[1]))

    ws = w.sheet(LEDGER)
    ledger = [[r.month, r.product_code, r.telemarketing_exclusive, r.premium, r.unit] for r in (app.premiums.ledger if app else [])]
    w.table(ws, LEDGER.parts[0], ledger)

    ws = w.sheet(EXISTING_SITES)
    sites = [
        [s.id, s.name, s.city, s.address, s.seats, s.approval_ref, s.approval_date, s.business_system, s.inbound_numbers, s.outbound_numbers, s.management_team, *_evidence_cells(s.evidence)]
        for s in (app.existing_sites if app else [])
    ]
    w.table(ws, EXISTING_SITES.parts[0], sites)

    ws = w.sheet(PROPOSED_SITE)
    w.key_value(ws, PROPOSED_SITE.parts[0], _key_values(app.proposed_site if app else None, PROPOSED_SITE.parts[0]))
    team_part = PROPOSED_SITE.parts[1]
    title = ws.cell(team_part.header_row - 1, 1, f"{t('excel.kv.team', 'zh')} / {t('excel.kv.team', 'en')}")
    title.font = Font(bold=True, size=12)
    team = [[m.name, m.role, m.employing_unit] for m in (app.proposed_site.management_team if app else [])]
    w.table(ws, team_part, team, extra_rows=50)

    ws = w.sheet(COMPANY)
    w.key_value(ws, COMPANY.parts[0], _key_values(app.company if app else None, COMPANY.parts[0]))
    numbers = [[n] for n in (app.company.nationwide_numbers if app else [])]
    w.table(ws, COMPANY.parts[1], numbers, extra_rows=100)
    products = [[p.code, p.name, p.approval_ref] for p in (app.company.approved_products if app else [])]
    w.table(ws, COMPANY.parts[2], products, extra_rows=200)
    ws.column_dimensions["B"].width = 3
    ws.freeze_panes = "A3"

    ws = w.sheet(COMPLAINTS)
    w.key_value(ws, COMPLAINTS.parts[0], {("attested_complete", "bool"): app.complaints.attested_complete if app else None})
    incidents = [
        [c.date, c.summary, c.seriously_harmed_consumers, c.major_social_impact, c.status, c.resolved_on, c.source]
        for c in (app.complaints.incidents if app else [])
    ]
    w.table(ws, COMPLAINTS.parts[1], incidents)
    ws.freeze_panes = "A5"

    ws = w.sheet(VIOLATIONS)
    w.key_value(ws, VIOLATIONS.parts[0], {("attested_complete", "bool"): app.violations.attested_complete if app else None})
    records = [[v.conduct_date, v.decision_date, v.authority, v.decision_number, v.kind, v.summary] for v in (app.violations.records if app else [])]
    w.table(ws, VIOLATIONS.parts[1], records)
    ws.freeze_panes = "A5"

    ws = w.sheet(UNIFICATIONS)
    unifications = app.unifications if app else Unifications()
    rows = []
    labels = load_rulebook().items  # the sub-items' wording is the rulebook's, not restated here
    for group, item in UNIFICATION_ITEMS:
        attestation: Attestation = getattr(getattr(unifications, group), item)
        docs, shas = _evidence_cells(attestation.evidence)
        words = labels[group][item]
        label = f"{words.zh} / {words.en}"
        rows.append([group, item, label, attestation.attested, attestation.description or None, docs, shas])
    w.table(ws, UNIFICATIONS.parts[0], rows, extra_rows=0)

    buffer = io.BytesIO()
    w.workbook.save(buffer)
    return buffer.getvalue()


def template_workbook(lang: str = DEFAULT_LANG) -> bytes:
    """The blank template: one sheet per section, bilingual headers, dropdowns, instructions."""
    return _build(None, lang)


def application_to_workbook(application: Application, lang: str = DEFAULT_LANG) -> bytes:
    """The template filled in with an application; `application_from_workbook` reads it back equal."""
    return _build(application, lang)
