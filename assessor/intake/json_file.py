"""Reading an application from JSON, with every problem named by its path, in zh or en.

JSON numbers are read as exact decimals, so money written as `1050000000.50` is never rounded
through a binary float on its way in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..i18n import has, json_error_values, os_error_values, t, with_detail
from ..core.model import NOT_BLANK, Application

MAX_APPLICATION_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, at a path such as `existing_sites[1].seats`."""

    path: str
    key: str
    values: dict[str, Any]

    def message(self, lang: str = "zh") -> str:
        key = f"errors.input.{self.key}" if has(f"errors.input.{self.key}", lang) else "errors.input.other"
        try:
            return t(key, lang, **with_detail(self.values, lang))
        except KeyError:  # a message whose context pydantic did not supply
            return t("errors.input.other", lang, detail=self.values.get("detail", ""))

    def line(self, lang: str = "zh") -> str:
        where = _WHERE.get(self.path)
        return f"{t(where, lang) if where else self.path}: {self.message(lang)}"


# Problems that lie with no one field are placed by these markers, worded in the reader's language.
_WHERE = {"(file)": "errors.where.file", "(top level)": "errors.where.top_level"}


class ApplicationError(ValueError):
    """An input that is not a valid application; carries every problem found."""

    def __init__(self, problems: list[Problem], source: str = ""):
        self.problems = problems
        self.source = source
        super().__init__("\n".join(p.line("en") for p in problems))

    def lines(self, lang: str = "zh") -> list[str]:
        return [p.line(lang) for p in self.problems]


def format_loc(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif isinstance(part, str) and (part.startswith("function-") or part in {"json-or-python[json=int,python=int]"}):
            continue
        else:
            path += f".{part}" if path else str(part)
    return path or "(top level)"


def error_loc(err: Any) -> tuple[Any, ...]:
    """Where an error lies. A check across fields (an end before its start) is raised on the
    object holding them and names, in its context, the field it concerns: that field is appended."""
    field = (err.get("ctx") or {}).get("field")
    return tuple(err["loc"]) + tuple(field.split(".")) if field else tuple(err["loc"])


def problems_from(error: ValidationError) -> list[Problem]:
    problems = []
    for err in error.errors(include_url=False):
        ctx = {k: str(v) for k, v in (err.get("ctx") or {}).items() if k != "field"}
        if "expected" in ctx:  # pydantic writes "'a', 'b' or 'c'" in English; keep only the choices
            ctx["expected"] = ctx["expected"].replace(" or ", ", ")
        key = err["type"]
        if key == "string_pattern_mismatch" and ctx.get("pattern") == NOT_BLANK:
            key = "blank"
        raw = err.get("input")
        shown = raw if isinstance(raw, (str, int, float, bool, Decimal)) or raw is None else type(raw).__name__
        values = ctx | {"input": str(shown)[:80], "detail": err["msg"]}
        problems.append(Problem(format_loc(error_loc(err)), key, values))
    return problems


def read_json_object(data: str | bytes, source: str = "") -> dict[str, Any]:
    """A JSON object from text, numbers read as exact decimals; anything else is an ApplicationError."""
    try:
        value = json.loads(data, parse_float=Decimal)
    except UnicodeDecodeError:
        raise ApplicationError([Problem("(file)", "not_utf8", {})], source) from None
    except json.JSONDecodeError as exc:
        raise ApplicationError([Problem("(file)", "not_json", {"line": exc.lineno, "column": exc.colno, **json_error_values(exc.msg)})], source) from None
    except RecursionError:
        raise ApplicationError([Problem("(file)", "not_json", {"line": 0, "column": 0, **json_error_values("nested too deeply")})], source) from None
    except ValueError:  # a number too long for Python to read (over 4,300 digits)
        raise ApplicationError([Problem("(file)", "number_too_long", {})], source) from None
    if not isinstance(value, dict):
        raise ApplicationError([Problem("(top level)", "not_object", {})], source)
    return value


def parse_application(data: str | bytes | dict[str, Any], today: date | None = None, source: str = "") -> Application:
    """Validate an application from JSON text or an already-parsed mapping."""
    if isinstance(data, (str, bytes)):
        if len(data) > MAX_APPLICATION_BYTES:
            raise ApplicationError([Problem("(file)", "too_large", {"limit": MAX_APPLICATION_BYTES // (1024 * 1024)})], source)
        # Fast path: pydantic reads the JSON itself, in Rust. Its parser would hand money written
        # as a JSON number with a fraction over as a binary float, which the model refuses, and it
        # words bad JSON its own way: so any failure is read again on the path below, which reads
        # numbers exactly and words every problem. A valid document comes out the same either way.
        try:
            return Application.model_validate_json(data, context={"today": today or date.today()})
        except (ValidationError, RecursionError):
            pass
        data = read_json_object(data, source)
    if not isinstance(data, dict):
        raise ApplicationError([Problem("(top level)", "not_object", {})], source)
    try:
        return Application.model_validate(data, context={"today": today or date.today()})
    except ValidationError as exc:
        raise ApplicationError(problems_from(exc), source) from None
    except RecursionError:
        raise ApplicationError([Problem("(file)", "not_json", {"line": 0, "column": 0, **json_error_values("nested too deeply")})], source) from None


def load_application(path: str | Path, today: date | None = None) -> Application:
    """Read and validate an application file: JSON, or a filled Excel template (.xlsx)."""
    file = Path(path)
    try:
        if file.stat().st_size > MAX_APPLICATION_BYTES:
            raise ApplicationError([Problem("(file)", "too_large", {"limit": MAX_APPLICATION_BYTES // (1024 * 1024)})], str(file))
        with file.open("rb") as stream:  # at most one byte past the limit: a device reports no size
            raw = stream.read(MAX_APPLICATION_BYTES + 1)
        if len(raw) > MAX_APPLICATION_BYTES:
            raise ApplicationError([Problem("(file)", "too_large", {"limit": MAX_APPLICATION_BYTES // (1024 * 1024)})], str(file))
    except OSError as exc:
        raise ApplicationError([Problem("(file)", "unreadable", {"file": str(file), **os_error_values(exc)})], str(file)) from None
    if raw[:5] == b"%PDF-":  # a dossier given where an application is expected
        raise ApplicationError([Problem("(file)", "is_pdf", {"file": str(file)})], str(file))
    if file.suffix.lower() == ".xlsx" or raw[:2] == b"PK":  # a workbook is a zip archive
        from .excel import application_from_workbook  # openpyxl only when a workbook comes in

        try:
            return application_from_workbook(raw, today=today)
        except ApplicationError as exc:
            raise ApplicationError(exc.problems, str(file)) from None
    return parse_application(raw, today=today, source=str(file))


def dump_application(application: Application) -> str:
    """The application as indented JSON, the same shape `parse_application` reads."""
    return json.dumps(application.model_dump(mode="json", exclude_defaults=False), ensure_ascii=False, indent=2) + "\n"
