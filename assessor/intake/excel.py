"""Applications in and out of an Excel workbook: the blank template, a filled copy, and reading one back.

The layout is read from the model's field declarations (`intake.shape`): a sheet per section,
headers in Chinese and English, hints with each field's unit and help, dropdowns where a field
has a fixed set of values, and an instructions sheet. Reading a filled workbook finds each cell
by its label (so a workbook from an earlier template still reads) and reports every problem by
sheet, row and column (`现有职场 Existing sites!E4 (坐席数 / Seats)`), with the same translated
messages the JSON reader gives.

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
from functools import cache
from datetime import date, datetime, time
from decimal import Decimal, localcontext
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..i18n import DEFAULT_LANG, LANGS, has, t
from ..core.model import Application
from ..core.rulebook import load_rulebook
from . import shape
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
MAX_COLUMNS = 256  # the template's widest sheet has a dozen columns; extra notes are allowed
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


# ---------------------------------------------------------------- layout, derived from the model
#
# Nothing here names a field of the application: the sheets, their rows and columns, labels,
# dropdowns and whole-number checks are read from the model's declarations (`intake.shape`).
# A section with a `sheet` hint opens a sheet; its single values go in a block of rows (label
# in A, value in B, hint in C); each list of records is a table, side by side under the blocks,
# or on a sheet of its own when it says so; records nested in a table row (a site's team) go on
# their own sheet, each row naming its parent by the parent's first column; a group laid out
# as `rows` is one table with a row per sub-item. Cells are found again by their labels.


@dataclass(frozen=True, slots=True)
class Field:
    """One cell of a record: its name in the record, the kind of cell, its label in zh and en."""

    key: str
    kind: str  # text, code, int, money, date, month, bool, choice, list, docs, sha, team
    labels: tuple[str, str]
    width: int = 18
    choice: str = ""  # the dropdown's name (choice fields)
    bounds: tuple[int, int] | None = None  # whole numbers
    model: Any = None  # the records of a `team` cell (a nested table written inline by old templates)
    formerly: tuple[str, ...] = ()  # the label's wording in earlier templates, still read
    unit: tuple[str, str] | None = None
    help: tuple[str, str] | None = None

    def label(self, lang: str) -> str:
        return self.labels[1] if lang == "en" else self.labels[0]


@dataclass(frozen=True, slots=True)
class Table:
    """A list laid out one per row, under a header row and a row of hints."""

    section: tuple[str, ...]  # where the list lives in the application, e.g. ("existing_sites",)
    fields: tuple[Field, ...]
    header_row: int = 1
    first_column: int = 1
    title: tuple[str, str] | None = None  # written above the header when blocks stand above it
    values: bool = False  # a list of plain values (one column), not of records
    rows: bool = False  # a group of like records, a row per (group, item), named in the key columns
    parent: tuple[str, ...] | None = None  # records nested in the rows of this list, keyed by its first field
    parent_key: str = ""
    inline: tuple[Field, ...] = ()  # nested lists an older template wrote into one cell of this table

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
    key: str  # the path of what it holds first, joined by "_"
    names: tuple[str, str]
    parts: tuple[KeyValue | Table, ...]

    def name(self) -> str:
        return f"{self.names[0]} {self.names[1]}"[:31]

    def describes(self, lang: str) -> str:
        holds = t("excel.hint.separator", lang).join(dict.fromkeys(_part_label(p, lang) for p in self.parts))
        text = t("excel.instructions.holds", lang, parts=holds)
        key = f"excel.instructions.sheet.{self.key}"
        return f"{text} {t(key, lang)}" if has(key, lang) else text


_WIDTHS = {"int": 12, "date": 14, "month": 12, "bool": 16, "choice": 14, "docs": 30, "sha": 30, "team": 36}
_SECTION_LABELS: dict[tuple[str, ...], tuple[str, str]] = {}


def _part_label(part: KeyValue | Table, lang: str) -> str:
    labels = _SECTION_LABELS.get(part.section, (part.section[-1], part.section[-1]))
    return labels[1] if lang == "en" else labels[0]


def _pair(labels: dict[str, str]) -> tuple[str, str]:
    return labels.get("zh", ""), labels.get("en", "")


def _cells(node: shape.Node) -> list[Field]:
    """The cells a field takes in a block or a table row."""
    zh, en = _pair(node.labels)
    formerly = tuple(node.hint("formerly") or ())
    if node.kind == "evidence":
        return [Field(node.name, "docs", (zh, en), 30), Field(node.name, "sha", (f"{zh}SHA-256", f"{en} SHA-256"), 30)]
    width = 36 if node.long else _WIDTHS.get(node.kind, 18)
    unit = _pair(node.unit) if node.unit else None
    help_ = _pair(node.help) if node.help else None
    return [Field(node.name, node.kind, (zh, en), width, node.choice_name, node.bounds, formerly=formerly, unit=unit, help=help_)]


def _key_field(node: shape.Node) -> Field:
    (cell,) = _cells(node)
    return replace(cell, kind="code")


_ROWS_KEYS = ("group", "item", "item_label")


@cache
def _layout(root: type) -> tuple[Sheet, ...]:
    sheets: dict[str, dict[str, Any]] = {}

    def sheet(names: dict[str, str], key: tuple[str, ...]) -> dict[str, Any]:
        return sheets.setdefault(names["zh"], {"names": _pair(names), "key": "_".join(key), "blocks": [], "tables": []})

    def table(node: shape.Node, section: tuple[str, ...], names: dict[str, str], parent: tuple[tuple[str, ...], shape.Node] | None = None) -> None:
        _SECTION_LABELS[section] = _pair(node.labels)
        here = sheet(names, section)
        cells: list[Field] = []
        inline: list[Field] = []
        if parent is not None:
            cells.append(_key_field(parent[1]))
        for child in node.children():
            if child.kind == "table":
                inline.append(Field(child.name, "team", _pair(child.labels), 36, model=child.model))
                table(child, (*section, child.name), child.hint("sheet") or names, (section, shape.key_field(node.model)))
            elif child.kind != "group":
                cells += _cells(child)
        here["tables"].append(
            Table(section, tuple(cells), parent=parent[0] if parent else None, parent_key=parent[1].name if parent else "", inline=tuple(inline), title=_pair(node.labels))
        )

    def walk(model: type, section: tuple[str, ...], names: dict[str, str] | None) -> None:
        cells: list[Field] = []
        if names is not None:
            sheet(names, section)["blocks"].append((section, cells))
        for node in shape.fields(model):
            path = (*section, node.name)
            where = node.hint("sheet") or names
            if node.kind == "group" and node.hint("layout") == "rows":
                _SECTION_LABELS[path] = _pair(node.labels)
                leaf = node.children()[0].children()[0].model
                keys = tuple(Field(k, "code" if k != "item_label" else "text", (t(f"excel.field.unifications.{k}", "zh"), t(f"excel.field.unifications.{k}", "en")), 12 if k == "group" else 26 if k == "item" else 40) for k in _ROWS_KEYS)
                item_cells = tuple(c for child in shape.fields(leaf) for c in _cells(child))
                sheet(where, path)["tables"].append(Table(path, keys + item_cells, rows=True))
            elif node.kind == "group":
                _SECTION_LABELS[path] = _pair(node.labels)
                walk(node.model, path, where)
            elif node.kind == "table":
                table(node, path, where)
            elif node.kind == "list" and node.hint("layout") == "column":
                _SECTION_LABELS[path] = _pair(node.labels)
                sheet(where, path)["tables"].append(Table(path, (replace(_cells(node)[0], kind="code"),), values=True))
            else:
                cells += _cells(node)
        if not section:
            return
        _SECTION_LABELS.setdefault(section, (section[-1], section[-1]))

    walk(root, (), None)
    out = []
    for entry in sheets.values():
        parts: list[KeyValue | Table] = []
        row = 1
        for section, cells in entry["blocks"]:
            if cells:
                parts.append(KeyValue(section, tuple(cells), first_row=row + 1))
                row += len(cells) + 2
        header = 1 if not parts else row + 1  # under a title row, a blank row below the blocks
        column = 1
        for part in entry["tables"]:
            parts.append(replace(part, header_row=header, first_column=column, title=part.title if parts and header > 1 else None))
            column += len(part.fields) + 1
        if parts:
            out.append(Sheet(entry["key"], entry["names"], tuple(parts)))
    return tuple(out)


def sheets() -> tuple[Sheet, ...]:
    """The sheets of the template for the application's shape as the model declares it."""
    return _layout(shape.root())


def _required(section: tuple[str, ...], key: str) -> bool:
    node = shape.field_of(shape.root(), (*section, key))
    return bool(node and node.required)


@cache
def _choices_of(root: type) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}

    def walk(model: type) -> None:
        for node in shape.fields(model):
            if node.kind == "choice":
                found[node.choice_name] = node.choices
            if node.model is not None:
                walk(node.model)

    walk(root)
    return found


def _choices() -> dict[str, tuple[str, ...]]:
    return _choices_of(shape.root())


# ---------------------------------------------------------------- labels


def header(field: Field) -> str:
    """A column or row label in both languages, e.g. `坐席数 / Seats`."""
    return f"{field.labels[0]} / {field.labels[1]}"


def _kind_hint(field: Field, lang: str) -> str:
    if field.kind == "choice":
        labels = [_choice_label(field.choice, v, lang) for v in _choices()[field.choice]]
        return t("excel.hint.choice", lang, choices=t("excel.hint.separator", lang).join(labels))
    return t(f"excel.hint.{field.kind}", lang)


def _hint(field: Field, lang: str) -> str:
    """What a cell takes, with the field's unit and help as the model declares them."""
    index = 1 if lang == "en" else 0
    text = _kind_hint(field, lang)
    if field.unit and field.unit[index]:
        text += t("excel.hint.unit", lang, unit=field.unit[index])
    if field.help and field.help[index]:
        text += t("excel.hint.help", lang, help=field.help[index])
    return text


def _choice_label(choice: str, value: str, lang: str) -> str:
    key = f"excel.choice.{choice}.{value}"
    return t(key, lang) if has(key, lang) else value


def _yes_no(lang: str) -> tuple[str, str]:
    return t("excel.choice.bool.yes", lang), t("excel.choice.bool.no", lang)


def _norm(text: Any) -> str:
    return re.sub(r"\s+", "", str(text or "")).replace("／", "/").casefold()


_ASIDE = re.compile(r"[（(][^（）()]*[)）]$")


def _names(field: Field) -> set[str]:
    return {_norm(name) for name in (*field.labels, *field.formerly)} - {""}


def _parts(text: Any) -> set[str]:
    """A label cell's wordings: the whole, each language's part, each without a closing aside
    such as （变更职场时填写）."""
    found = _norm(text)
    parts = {found, *found.split("/")}
    return parts | {_ASIDE.sub("", part) for part in parts}


def _matches(text: Any, field: Field) -> bool:
    """Whether a label cell names `field`: its label in either language, alone or as `zh / en`;
    an older template's wording for an evidence digest (`…SHA-256`) too."""
    found = _norm(text)
    if not found:
        return False
    if _parts(text) & _names(field):
        return True
    return field.kind == "sha" and found.endswith("sha-256")


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


def _reader(field: Field) -> Callable[[Any], Any]:
    if field.kind == "choice":
        return _choice_reader(field.choice)
    if field.kind == "team":
        return lambda raw: _read_inline(raw, field.model)
    return {
        "text": _read_text,
        "code": _read_text,
        "int": _read_int,
        "money": _read_money,
        "date": _read_date,
        "month": _read_month,
        "bool": _read_bool,
        "list": _read_list,
    }[field.kind]


def _read_inline(raw: Any, model: type) -> list[dict[str, str]]:
    """Records written into one cell by an older template: a record a line, its values in the
    model's order separated by `/` (a management team as 姓名 / 职务 / 所在单位)."""
    names = [node.name for node in shape.fields(model) if node.scalar]
    records = []
    for line in _read_list(raw):
        parts = [part.strip() for part in line.replace("／", "/").split("/")]
        if len(parts) != len(names) or not all(parts):
            raise _Refused("team_format", line=line)
        records.append(dict(zip(names, parts, strict=True)))
    return records


# ---------------------------------------------------------------- reading a workbook


class _Where:
    """Where each value came from, so a pydantic location can be named by its cell."""

    def __init__(self) -> None:
        self.places: dict[tuple[Any, ...], str] = {(): WORKBOOK_PATH}
        self.choices: dict[str, str] = {}  # place -> the dropdown it offers

    def add(self, loc: tuple[Any, ...], place: str, field: Field | None = None) -> None:
        self.places.setdefault(loc, place)
        if field is not None and field.kind == "choice":
            self.choices[place] = field.choice

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


def _get(source: Any, path: Iterable[str]) -> Any:
    for part in path:
        source = source.get(part) if isinstance(source, dict) else None
    return source


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
    """Reads the parts of one sheet into the application dict, finding each cell by its label
    and noting where each value came from."""

    def __init__(self, sheet: Sheet, rows: dict[int, tuple[Any, ...]], where: _Where, refused: list[Problem]):
        self.sheet = sheet
        self.name = sheet.name()
        self.rows = rows  # openpyxl cells of the rows that hold anything, by row number
        self.where = where
        self.refused = refused
        self.layout: list[Problem] = []
        self.block_end = 0  # the last row the blocks of single values take
        self.matched: set[int] = set()  # rows of the blocks whose label names a field

    def _at(self, row: int, column: int) -> Any:
        cells = self.rows.get(row, ())
        return cells[column - 1] if column - 1 < len(cells) else None

    def cell(self, row: int, column: int) -> Any:
        found = self._at(row, column)
        return getattr(found, "value", None)

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
                into[name] = _reader(field)(raw)
        except _Refused as refused:
            self.refused.append(Problem(place, refused.key, refused.values))

    def read_evidence(self, docs: tuple[Field, int, int], shas: tuple[Field, int, int] | None, loc: tuple[Any, ...], into: dict[str, Any]) -> None:
        docs_field, row, docs_column = docs
        docs_place = _cell_name(self.name, docs_column, row, docs_field)
        self.where.add(loc, docs_place)
        self.where.add((*loc, "document"), docs_place)
        digests = None
        if shas is not None:
            sha_field, sha_row, sha_column = shas
            self.where.add((*loc, "sha256"), _cell_name(self.name, sha_column, sha_row, sha_field))
            digests = self.cell(sha_row, sha_column)
        found = _evidence(self.cell(row, docs_column), digests)
        if found:
            into[docs_field.key] = found

    def _missing(self, field: Field, section: tuple[str, ...], place: str) -> None:
        if field.kind in ("docs", "sha", "team") or not _required(section, field.key):
            return  # an optional field an older template did not have is simply not given
        self.layout.append(WorkbookProblem(place, "missing_label", {"expected": header(field)}))

    def read_key_value(self, part: KeyValue, out: dict[str, Any]) -> None:
        self._record_section(part.section)
        # Each label's wordings once, not once per field: a sheet may hold 20,000 rows.
        labels = {row: (_parts(text), _norm(text).endswith("sha-256")) for row in sorted(self.rows) if row > self.block_end and not _blank(text := self.cell(row, 1))}
        values: dict[str, Any] = {}
        docs: dict[str, tuple[Field, int, int]] = {}
        last = self.block_end
        for field in part.fields:
            if field.kind == "sha":
                continue  # the row under its documents', read with them
            names = _names(field)
            found = next((row for row, (parts, digest) in labels.items() if parts & names and not (field.kind == "docs" and digest)), None)
            if found is None:
                self._missing(field, part.section, self.name)
                continue
            last = max(last, found)
            self.matched.add(found)
            if field.kind == "docs":
                docs[field.key] = (field, found, 2)
            else:
                self.read(field, found, 2, (*part.section, field.key), values, field.key)
        for key, (field, row, column) in docs.items():
            sha = next((f for f in part.fields if f.kind == "sha" and f.key == key), None)
            shas = (sha, row + 1, 2) if sha is not None and _matches(self.cell(row + 1, 1), sha) else None
            last = max(last, row + (1 if shas else 0))
            self.matched.add(row + 1)
            self.read_evidence((field, row, column), shas, (*part.section, key), values)
        self.block_end = last
        for key, value in values.items():
            _set(out, (*part.section, key), value)

    def unknown_labels(self) -> None:
        """A value beside a label that names no field (a label reworded, or from an older
        template) is named rather than dropped without a word."""
        headers = {_norm(f"{t('excel.kv.item', 'zh')} / {t('excel.kv.item', 'en')}")} | {_norm(t("excel.kv.item", lang)) for lang in LANGS}
        for row in sorted(self.rows):
            if row > self.block_end or row in self.matched:
                continue
            label, value = self.cell(row, 1), self.cell(row, 2)
            if _blank(label) or _blank(value) or _norm(label) in headers:
                continue
            self.layout.append(WorkbookProblem(_cell_name(self.name, 1, row), "unknown_label", {"label": str(label).strip()[:80]}))

    def _record_section(self, section: tuple[str, ...]) -> None:
        for end in range(1, len(section) + 1):
            self.where.add(section[:end], self.name)

    def _columns(self, part: Table, last_column: int) -> tuple[int, dict[int, int], list[Field]] | None:
        """The header row of a table, the column of each field found in it, and the fields of
        nested lists an older template wrote into this table's cells."""
        span = range(part.first_column, last_column + 1)
        best, best_row = 0, 0
        for row in sorted(self.rows):
            if row <= self.block_end:
                continue
            score = sum(1 for c in span for f in part.fields if _matches(self.cell(row, c), f))
            if score > best:
                best, best_row = score, row
            if row > self.block_end + 60:
                break
        if not best:
            return None
        columns: dict[int, int] = {}
        taken: set[int] = set()
        for index, field in enumerate(part.fields):
            if field.kind == "sha" and index and (index - 1) in columns and columns[index - 1] + 1 in span:
                column = columns[index - 1] + 1
                if _matches(self.cell(best_row, column), field):
                    columns[index] = column
                    taken.add(column)
                    continue
            found = next((c for c in span if c not in taken and _matches(self.cell(best_row, c), field) and not (field.kind == "docs" and _norm(self.cell(best_row, c)).endswith("sha-256"))), None)
            if found is not None:
                columns[index] = found
                taken.add(found)
        inline = [(f, c) for f in part.inline for c in span if c not in taken and _matches(self.cell(best_row, c), f)]
        return best_row, columns, inline

    def _hint_row(self, part: Table, row: int, columns: dict[int, int]) -> bool:
        # By its start: an earlier template's hints said no more than the kind of cell.
        return any(str(self.cell(row, c) or "").strip().startswith(_kind_hint(part.fields[i], lang)) for i, c in columns.items() for lang in LANGS)

    def read_table(self, part: Table, out: dict[str, Any], last_column: int) -> None:
        self._record_section(part.section)
        located = self._columns(part, last_column)
        if located is None:
            if any(_required(part.section, f.key) for f in part.fields) and any(row > self.block_end for row in self.rows):
                self.layout.append(WorkbookProblem(self.name, "missing_label", {"expected": header(part.fields[0])}))
            return
        header_row, columns, inline = located
        for index, field in enumerate(part.fields):
            if index not in columns and not part.rows:
                self._missing(field, part.section, self.name if part.values else _cell_name(self.name, part.column(index), header_row))
        first = header_row + (2 if self._hint_row(part, header_row + 1, columns) else 1)
        used = sorted(set(columns.values()) | {c for _, c in inline})
        if part.rows:
            return self._read_rows(part, columns, first, used, out)
        items: list[Any] = []
        parents = _get(out, part.parent) if part.parent else None
        for row in sorted(self.rows):
            if row < first or all(_blank(self.cell(row, c)) for c in used):
                continue
            if part.values:
                holder: dict[str, Any] = {}
                self.read(part.fields[0], row, columns[0], (*part.section, len(items)), holder, "value")
                items.append(holder.get("value"))
                continue
            record: dict[str, Any] = {}
            loc: tuple[Any, ...] = (*part.section, len(items))
            if parents is not None:
                loc = self._nested_loc(part, row, columns, parents)
                if loc is None:
                    continue
            place = f"{self.name}!{get_column_letter(min(used))}{row}:{get_column_letter(max(used))}{row}"
            self.where.add(loc, place)
            self._read_record(part, row, columns, loc, record)
            for field, column in inline:
                self.read(field, row, column, (*loc, field.key), record, field.key)
            if parents is not None:
                parents[loc[len(part.parent)]].setdefault(part.section[-1], []).append(record)
            else:
                items.append(record)
        if items:
            _set(out, part.section, items)

    def _read_record(self, part: Table, row: int, columns: dict[int, int], loc: tuple[Any, ...], record: dict[str, Any]) -> None:
        docs: dict[str, tuple[Field, int, int]] = {}
        shas: dict[str, tuple[Field, int, int]] = {}
        for index, field in enumerate(part.fields):
            if index not in columns or (part.rows and field.key in _ROWS_KEYS) or (part.parent and index == 0):
                continue
            if field.kind == "docs":
                docs[field.key] = (field, row, columns[index])
            elif field.kind == "sha":
                shas[field.key] = (field, row, columns[index])
            else:
                self.read(field, row, columns[index], (*loc, field.key), record, field.key)
        for key, found in docs.items():
            self.read_evidence(found, shas.get(key), (*loc, key), record)

    def _nested_loc(self, part: Table, row: int, columns: dict[int, int], parents: Any) -> tuple[Any, ...] | None:
        """The place of a nested record: under the parent record its first column names."""
        key_field = part.fields[0]
        column = columns.get(0)
        key = _read_text(self.cell(row, column)) if column else None
        index = next((i for i, p in enumerate(parents if isinstance(parents, list) else []) if isinstance(p, dict) and str(p.get(part.parent_key)) == str(key)), None)
        if index is None:
            place = _cell_name(self.name, column or part.first_column, row, key_field)
            self.refused.append(WorkbookProblem(place, "unknown_parent", {"key": "" if key is None else str(key), "label": header(key_field)}))
            return None
        siblings = parents[index].get(part.section[-1]) or []
        return (*part.parent, index, part.section[-1], len(siblings))

    def _read_rows(self, part: Table, columns: dict[int, int], first: int, used: list[int], out: dict[str, Any]) -> None:
        known = {(g.name, i.name) for g, i in shape.rows_groups(shape.field_of(shape.root(), part.section))}
        group_column, item_column = columns.get(0), columns.get(1)
        if group_column is None or item_column is None:
            self.layout.append(WorkbookProblem(self.name, "missing_label", {"expected": header(part.fields[0 if group_column is None else 1])}))
            return
        self.where.add(part.section, self.name)
        for row in sorted(self.rows):
            if row < first or all(_blank(self.cell(row, c)) for c in used):
                continue
            group = str(_read_text(self.cell(row, group_column)) or "")
            item = str(_read_text(self.cell(row, item_column)) or "")
            if (group, item) not in known:
                self.refused.append(WorkbookProblem(_cell_name(self.name, item_column, row), "unknown_item", {"group": group, "item": item}))
                continue
            loc = (*part.section, group, item)
            self.where.add((*part.section, group), self.name)
            self.where.add(loc, f"{self.name}!{get_column_letter(min(used))}{row}:{get_column_letter(max(used))}{row}")
            record: dict[str, Any] = {}
            self._read_record(part, row, columns, loc, record)
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
    wanted = {name.casefold() for name in sheet.names}
    for name in names:
        if name.strip().casefold() in wanted or any(part in wanted for part in name.casefold().split(" ", 1)):
            return workbook[name]
    return None


def _required_sheet(sheet: Sheet) -> bool:
    """A sheet holding a section the application cannot do without (the applicant, the new site)."""
    return any(_required((), part.section[0]) for part in sheet.parts)


# Columns read beyond the template's own: an older template's extra column, a user's notes.
_SPARE_COLUMNS = 4


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


def _read_sheet(reader: _SheetReader, sheet: Sheet, width: int, out: dict[str, Any]) -> None:
    tables = [p for p in sheet.parts if isinstance(p, Table)]
    for part in sheet.parts:
        if isinstance(part, KeyValue):
            reader.read_key_value(part, out)
    reader.unknown_labels()
    for index, part in enumerate(tables):
        last = tables[index + 1].first_column - 1 if index + 1 < len(tables) else width
        reader.read_table(part, out, last)


def application_from_workbook(data: bytes, today: date | None = None) -> Application:
    """Read a filled template; every problem is named by its sheet, row and column.

    Cells are found by their labels (in either language), so a workbook written by an earlier
    template still reads wherever its labels are the model's; a required field whose label is
    not found is named, with its sheet, rather than read from the wrong cell."""
    workbook = _open(data)
    structure: list[Problem] = []  # problems that make the cells meaningless: reported alone
    refused: list[Problem] = []  # cells whose value cannot stand for their field
    where = _Where()
    out: dict[str, Any] = {}
    try:
        for sheet in sheets():
            worksheet = _find_sheet(workbook, sheet)
            if worksheet is None:
                if _required_sheet(sheet):  # the other sections may be left out
                    structure.append(WorkbookProblem(sheet.name(), "missing_sheet", {"sheet": sheet.name()}))
                continue
            width = max((p.column(len(p.fields) - 1) if isinstance(p, Table) else 3) for p in sheet.parts) + _SPARE_COLUMNS
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
            _read_sheet(reader, sheet, width, out)
            structure.extend(reader.layout)
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


def _put(cell: Cell, value: Any, field: Field, lang: str) -> None:
    kind = field.kind
    if value is None:
        return
    if kind == "bool":
        yes, no = _yes_no(lang)
        cell.value = yes if value else no
    elif kind == "choice":
        cell.value = _choice_label(field.choice, str(getattr(value, "value", value)), lang)
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
        cell.value = "\n".join(str(v) for v in value) or None
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


def _evidence_cells(evidence: list[Any] | None) -> tuple[str | None, str | None]:
    if not evidence:
        return None, None
    docs = "\n".join(e["document"] for e in evidence)
    shas = "\n".join(e.get("sha256") or "" for e in evidence)
    return docs, (shas if shas.strip() else None)


def _values(record: dict[str, Any] | None, fields: Iterable[Field]) -> list[Any]:
    """The cells of one record, in the order of its fields."""
    record = record or {}
    out = []
    for field in fields:
        if field.kind in ("docs", "sha"):
            docs, shas = _evidence_cells(record.get(field.key))
            out.append(docs if field.kind == "docs" else shas)
        else:
            out.append(record.get(field.key))
    return out


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
        elif kind == "choice":
            labels = [_choice_label(field.choice, v, self.lang) for v in _choices()[field.choice]]
            dv = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True)
        elif kind in ("date", "month"):
            dv = DataValidation(type="date", operator="between", formula1="DATE(1900,1,1)", formula2="DATE(2200,12,31)", allow_blank=True, errorStyle="warning")
        elif kind == "int" and field.bounds:
            # The limits are the model's, so the workbook's check never disagrees with validation.
            lo, hi = field.bounds
            dv = DataValidation(type="whole", operator="between", formula1=str(lo), formula2=str(hi), allow_blank=True)
        if dv is None:
            return
        dv.error = t(f"excel.validation.{kind}", self.lang)
        dv.errorTitle = t("excel.validation.title", self.lang)
        dv.showErrorMessage = True
        ws.add_data_validation(dv)
        dv.add(ref)

    def sheet(self, sheet: Sheet) -> Worksheet:
        return self.workbook.create_sheet(sheet.name())

    def key_value(self, ws: Worksheet, part: KeyValue, values: list[Any]) -> None:
        for column, key in ((1, "excel.kv.item"), (2, "excel.kv.value"), (3, "excel.kv.notes")):
            cell = ws.cell(part.first_row - 1, column, f"{t(key, 'zh')} / {t(key, 'en')}")
            cell.font, cell.fill = _BOLD, _HEADER_FILL
        for index, (field, value) in enumerate(zip(part.fields, values, strict=True)):
            row = part.row(index)
            label = ws.cell(row, 1, header(field))
            label.font, label.fill, label.alignment = _BOLD, _KEY_FILL, _WRAP
            value_cell = ws.cell(row, 2)
            value_cell.alignment = _WRAP
            if field.kind in _FORMATS:
                value_cell.number_format = _FORMATS[field.kind]
            _put(value_cell, value, field, self.lang)
            hint = ws.cell(row, 3, _hint(field, self.lang))
            hint.font, hint.alignment = _HINT_FONT, _WRAP
            self.validation(ws, field, value_cell.coordinate)
        ws.column_dimensions["A"].width = 34
        ws.column_dimensions["B"].width = 40
        ws.column_dimensions["C"].width = 46

    def table(self, ws: Worksheet, part: Table, rows: list[list[Any]], extra_rows: int = TEMPLATE_ROWS) -> None:
        if part.title:
            title = ws.cell(part.header_row - 1, part.first_column, f"{part.title[0]} / {part.title[1]}")
            title.font = Font(bold=True, size=12)
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
                _put(cell, value, field, self.lang)
        if part.first_column == 1:
            ws.freeze_panes = ws.cell(part.first_data_row, 1)

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
        for sheet in sheets():
            ws.cell(row, 1, sheet.name()).font = _BOLD
            ws.cell(row, 2, sheet.describes(lang)).alignment = _WRAP
            row += 1


def _table_rows(data: dict[str, Any], part: Table) -> list[list[Any]]:
    if part.rows:
        items = load_rulebook().items  # the sub-items' wording is the rulebook's, not restated here
        out = []
        for group, item in shape.rows_groups(shape.field_of(shape.root(), part.section)):
            record = _get(data, (*part.section, group.name, item.name)) or {}
            words = items.get(group.name, {}).get(item.name)
            label = f"{words.zh} / {words.en}" if words else f"{item.label('zh')} / {item.label('en')}"
            out.append([group.name, item.name, label, *_values(record, part.fields[len(_ROWS_KEYS) :])])
        return out
    if part.values:
        return [[value] for value in _get(data, part.section) or []]
    if part.parent is not None:
        out = []
        for parent in _get(data, part.parent) or []:
            for record in parent.get(part.section[-1]) or []:
                out.append([parent.get(part.parent_key), *_values(record, part.fields[1:])])
        return out
    return [_values(record, part.fields) for record in _get(data, part.section) or []]


def _build(application: Application | None, lang: str) -> bytes:
    lang = lang if lang in LANGS else DEFAULT_LANG
    w = _Writer(lang)
    w.instructions()
    data = application.model_dump() if application is not None else {}
    for sheet in sheets():
        ws = w.sheet(sheet)
        for part in sheet.parts:
            if isinstance(part, KeyValue):
                record = _get(data, part.section)
                w.key_value(ws, part, _values(record if isinstance(record, dict) else None, part.fields))
            else:
                rows = _table_rows(data, part)
                w.table(ws, part, rows, extra_rows=0 if part.rows else TEMPLATE_ROWS)
    buffer = io.BytesIO()
    w.workbook.save(buffer)
    return buffer.getvalue()


def template_workbook(lang: str = DEFAULT_LANG) -> bytes:
    """The blank template: one sheet per section, bilingual headers, dropdowns, instructions."""
    return _build(None, lang)


def application_to_workbook(application: Application, lang: str = DEFAULT_LANG) -> bytes:
    """The template filled in with an application; `application_from_workbook` reads it back equal."""
    return _build(application, lang)
