"""Reading an application from JSON, with every problem named by its path, in zh or en.

JSON numbers are read as exact decimals, so money written as `1050000000.50` is never rounded
through a binary float on its way in.

Any input is read in bounded memory and time. pydantic keeps every error of a validation (about
430 bytes each, in Rust) and a hostile document can hold two errors per byte, so a document with
more than `VALUE_BUDGET` values is never validated whole until its parts are known to be valid:
its lists are validated a slice of at most `VALUE_BUDGET` values at a time, and only the first
`MAX_PROBLEMS` problems are kept, with a count of the rest.
"""

from __future__ import annotations

import errno
import itertools
import json
import os
import re
import stat
import types
import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from ..i18n import has, json_error_values, os_error_values, t, with_detail
from ..core.model import NOT_BLANK, Application, LedgerRow, Premiums, explain, future_months, has_lone_surrogate, has_non_ascii_digit

MAX_APPLICATION_BYTES = 20 * 1024 * 1024
MAX_PROBLEMS = 50  # problems listed; the rest are counted in one line
MAX_DEPTH = 32  # the application nests 6 deep; anything far deeper is not one
MAX_KEYS = 200  # per object; no object of the application has 30 fields
# Values validated in one pydantic call: its errors then stay under about 6 MB in the worst case.
VALUE_BUDGET = 2_000
MORE = "(more)"


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
        if self.path == MORE:
            return self.message(lang)
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


def problem_from(err: dict[str, Any]) -> Problem:
    """One pydantic error as a Problem at its path."""
    err = explain(err)  # a scalar the model refused, worded from its input
    ctx = {k: _printable(str(v)) for k, v in (err.get("ctx") or {}).items() if k != "field"}
    if "expected" in ctx:  # pydantic writes "'a', 'b' or 'c'" in English; keep only the choices
        ctx["expected"] = ctx["expected"].replace(" or ", ", ")
    key = err["type"]
    raw = err.get("input")
    if key == "string_pattern_mismatch" and ctx.get("pattern") == NOT_BLANK:
        key = "blank"
    elif key == "string_unicode" and isinstance(raw, str) and has_lone_surrogate(raw):
        key = "lone_surrogate"  # pydantic-core's own refusal of text it cannot hold
    elif key in _DIGIT_CHECKS and isinstance(raw, str) and has_non_ascii_digit(raw):
        key = "digits_not_ascii"  # seats or a phone number written in full-width or other digits
    shown = raw if isinstance(raw, (str, int, float, bool, Decimal)) or raw is None else type(raw).__name__
    values = ctx | {"input": _printable(str(shown)[:80]), "detail": _printable(err["msg"])}
    return Problem(format_loc(error_loc(err)), key, values)


# Checks pydantic-core runs natively whose refusal of "８２０" or "０２１-..." is worded as the
# digits being the wrong kind, as the model's own checks word it for money, months and dates.
_DIGIT_CHECKS = frozenset({"int_type", "int_parsing", "string_pattern_mismatch", "date_parsing", "date_from_datetime_parsing", "decimal_parsing"})


def _printable(text: str) -> str:
    # A lone surrogate cannot be written to a UTF-8 terminal or file: it would fail at print time.
    return text.encode("utf-8", "backslashreplace").decode("utf-8") if not text.isascii() else text


def more_problem(n: int) -> Problem:
    return Problem(MORE, "more_problems", {"n": n})


def capped(problems: list[Problem], total: int | None = None) -> list[Problem]:
    """The first MAX_PROBLEMS problems, then one line counting the rest."""
    total = len(problems) if total is None else total
    shown = problems[:MAX_PROBLEMS]
    return shown + [more_problem(total - len(shown))] if total > len(shown) else shown


def problems_from(error: ValidationError) -> list[Problem]:
    """The problems of a validation whose size was bounded before it ran, capped for the reader."""
    return capped([problem_from(err) for err in error.errors(include_url=False)[:MAX_PROBLEMS]], error.error_count())


class _Sink:
    """The first MAX_PROBLEMS errors of a bounded validation, and how many there were in all."""

    def __init__(self) -> None:
        self.errors: list[dict[str, Any]] = []
        self.total = 0

    def add(self, error: ValidationError, at: tuple[Any, ...], shift: int = 0, drop: frozenset[str] = frozenset()) -> None:
        """Errors of a validation of a part found at `at`; a slice starting at index `shift`
        renumbers its items; errors under the keys in `drop` were checked elsewhere."""
        if not drop and len(self.errors) >= MAX_PROBLEMS:
            self.total += error.error_count()
            return
        for err in error.errors(include_url=False):
            loc = tuple(err["loc"])
            if loc and loc[0] in drop:
                continue
            self.total += 1
            if len(self.errors) < MAX_PROBLEMS:
                if shift and loc and isinstance(loc[0], int):
                    loc = (loc[0] + shift, *loc[1:])
                self.errors.append(err | {"loc": at + loc})


_ADAPTERS: dict[Any, TypeAdapter] = {}


def _adapter(annotation: Any) -> TypeAdapter:
    found = _ADAPTERS.get(annotation)
    if found is None:
        found = _ADAPTERS[annotation] = TypeAdapter(annotation)
    return found


def _unwrap(annotation: Any) -> Any:
    """The model class or list type an annotation names, without Annotated or `| None`."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


_CONTAINERS = (dict, list)


def _size(value: Any, limit: int) -> int:
    """How many values `value` holds, counted no further than just past `limit`."""
    count, stack = 0, [value]
    while stack and count <= limit:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(itertools.islice(item.values(), limit))
        elif isinstance(item, list):
            stack.extend(itertools.islice(item, limit))
    return count


def _first_items(value: Any) -> Any:
    """`value` with every list cut to its first item: its object-level facts, small."""
    if isinstance(value, list):
        return [_first_items(value[0])] if value else []
    if isinstance(value, dict):
        return {k: _first_items(v) for k, v in value.items()}
    return value


def _validate_bounded(value: Any, annotation: Any, at: tuple[Any, ...], sink: _Sink, context: dict[str, Any]) -> None:
    """Validate `value` as `annotation` a part of at most VALUE_BUDGET values at a time."""
    if _size(value, VALUE_BUDGET) <= VALUE_BUDGET:
        try:
            _adapter(annotation).validate_python(value, context=context)
        except ValidationError as exc:
            sink.add(exc, at)
        return
    kind = _unwrap(annotation)
    if typing.get_origin(kind) is list and isinstance(value, list):
        item_type = typing.get_args(kind)[0]
        start, used = 0, 0

        def flush(end: int) -> None:
            if end > start:
                try:
                    _adapter(kind).validate_python(value[start:end], context=context)
                except ValidationError as exc:
                    sink.add(exc, at, shift=start)

        for index, item in enumerate(value):
            size = _size(item, VALUE_BUDGET) if isinstance(item, _CONTAINERS) else 1
            if used + size > VALUE_BUDGET:
                flush(index)
                start, used = index, 0
            if size > VALUE_BUDGET:
                _validate_bounded(item, item_type, (*at, index), sink, context)
                start = index + 1
                continue
            used += size
        flush(len(value))
        return
    if isinstance(kind, type) and issubclass(kind, BaseModel) and isinstance(value, dict):
        # Large fields are validated on their own; the object itself is then checked with each
        # of them cut to its first items, so its own checks across fields still run once.
        large = {key for key, child in value.items() if key in kind.model_fields and isinstance(child, (dict, list)) and _size(child, 64) > 64}
        for key in sorted(large):
            _validate_bounded(value[key], kind.model_fields[key].annotation, (*at, key), sink, context)
        small = {key: (_first_items(child) if key in large else child) for key, child in value.items()}
        try:
            _adapter(kind).validate_python(small, context=context)
        except ValidationError as exc:
            sink.add(exc, at, drop=frozenset(large))
        return
    try:  # a shape the model does not expect: one error, whatever its size
        _adapter(annotation).validate_python(value, context=context)
    except ValidationError as exc:
        sink.add(exc, at)


def check_shape(value: Any, source: str = "") -> None:
    """Refuse, before validation, nesting deeper than MAX_DEPTH, objects with more than MAX_KEYS
    keys, and text holding a lone surrogate (valid JSON escapes, but not writable as UTF-8).

    Walked depth first with one iterator per level: the walk holds O(depth), not a path per value."""
    problems: list[Problem] = []
    total = 0
    stack: list[tuple[tuple[Any, ...], Iterator[tuple[Any, Any]]]] = []

    def note(problem: Problem) -> None:
        nonlocal total
        total += 1
        if len(problems) < MAX_PROBLEMS:
            problems.append(problem)

    def enter(item: dict | list, here: tuple[Any, ...]) -> None:
        if len(here) >= MAX_DEPTH:
            raise ApplicationError([Problem(format_loc(here), "too_deep", {"limit": MAX_DEPTH})], source)
        if isinstance(item, dict) and len(item) > MAX_KEYS:
            note(Problem(format_loc(here), "too_many_keys", {"n": len(item), "limit": MAX_KEYS}))
            return
        stack.append((here, iter(item.items()) if isinstance(item, dict) else enumerate(item)))

    if isinstance(value, (dict, list)):
        enter(value, ())
    while stack:
        here, items = stack[-1]
        step = next(items, None)
        if step is None:
            stack.pop()
            continue
        key, child = step
        if type(child) in _SCALARS and type(key) is int:  # most values: nothing to check
            continue
        if isinstance(key, str) and not key.isascii() and _has_surrogate(key):
            note(Problem(format_loc(here), "lone_surrogate", {"input": _printable(key)[:80]}))
        elif isinstance(child, (dict, list)):
            enter(child, (*here, key))
        elif isinstance(child, str) and not child.isascii() and _has_surrogate(child):
            note(Problem(format_loc((*here, key)), "lone_surrogate", {"input": _printable(child)[:80]}))
    if problems:
        raise ApplicationError(capped(problems, total), source)


_SCALARS = frozenset({int, Decimal, bool, type(None)})


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def read_json_object(data: str | bytes, source: str = "") -> dict[str, Any]:
    """A JSON object from text, numbers read as exact decimals; anything else is an ApplicationError."""
    try:
        value = json.loads(data, parse_float=Decimal)
    except UnicodeDecodeError:
        raise ApplicationError([Problem("(file)", "not_utf8", {})], source) from None
    except json.JSONDecodeError as exc:
        raise ApplicationError([Problem("(file)", "not_json", {"line": exc.lineno, "column": exc.colno, **json_error_values(exc.msg)})], source) from None
    except RecursionError:
        raise ApplicationError([Problem("(file)", "too_deep", {"limit": MAX_DEPTH})], source) from None
    except ValueError:  # a number too long for Python to read (over 4,300 digits)
        raise ApplicationError([Problem("(file)", "number_too_long", {})], source) from None
    if not isinstance(value, dict):
        raise ApplicationError([Problem("(top level)", "not_object", {})], source)
    return value


_NOT_STRUCTURAL = bytes(b for b in range(256) if b not in b",[{")
_STRUCTURAL = re.compile(r"[,\[{]")


def _values_at_most(data: str | bytes) -> int:
    """An upper bound on the values a JSON text holds: every value but the first of an array or
    object follows a comma, and every array or object opens with a bracket. Bytes are read in one
    pass that keeps only those three (a third of the cost of counting each); a text shorter
    than the budget holds fewer values than characters, so it is not read at all."""
    if len(data) <= VALUE_BUDGET:
        return len(data)
    if isinstance(data, bytes):
        return len(data.translate(None, _NOT_STRUCTURAL)) + 1
    return sum(1 for _ in _STRUCTURAL.finditer(data)) + 1


def validate_application(data: dict[str, Any], today: date | None = None, source: str = "") -> tuple[Application | None, list[dict[str, Any]], int]:
    """An application from a parsed mapping, in bounded memory: the application, or None with
    the first MAX_PROBLEMS pydantic errors and the count of all of them."""
    context = {"today": today or date.today()}
    check_shape(data, source)
    sink = _Sink()
    if _size(data, VALUE_BUDGET) > VALUE_BUDGET:
        _validate_bounded(data, Application, (), sink, context)
        if sink.total:
            return None, sink.errors, sink.total
    try:
        # Every part is valid by now, or the whole is small: what fails here fails a few times.
        return Application.model_validate(data, context=context), [], 0
    except ValidationError as exc:
        sink = _Sink()
        sink.add(exc, ())
        return None, *_with_future_months(data, sink.errors, sink.total, context["today"])
    except RecursionError:
        return None, [], 0


_LEDGER = ("premiums", "ledger")
_TOP_ORDER = {name: i for i, name in enumerate(Application.model_fields)}
_PREMIUMS_ORDER = {name: i for i, name in enumerate(Premiums.model_fields)}
_ROW_ORDER = {name: i for i, name in enumerate(LedgerRow.model_fields)}


def _order(err: dict[str, Any]) -> tuple[int, ...]:
    """Where an error falls in the order pydantic reports them, to the depth of a ledger row's field."""
    loc = err["loc"]
    key = [_TOP_ORDER.get(loc[0], 99) if loc else -1]
    if len(loc) > 1 and loc[0] == "premiums":
        key.append(_PREMIUMS_ORDER.get(loc[1], 99))
        if loc[1] == "ledger" and len(loc) > 2 and isinstance(loc[2], int):
            key += [loc[2], _ROW_ORDER.get(loc[3], 99) if len(loc) > 3 else -1]
    return tuple(key)


def _with_future_months(data: dict[str, Any], errors: list[dict[str, Any]], total: int, today: date) -> tuple[list[dict[str, Any]], int]:
    """The errors, with the ledger months after today that the model could not check because
    another part of the premiums failed (it checks them once per ledger, on a valid ledger)."""
    premiums = data.get("premiums")
    ledger = premiums.get("ledger") if isinstance(premiums, dict) else None
    if not isinstance(ledger, list) or not ledger or total > len(errors) or total >= MAX_PROBLEMS:
        return errors, total  # no ledger, or not every error is in view to tell which rows are known
    known = {err["loc"][2] for err in errors if tuple(err["loc"][:2]) == _LEDGER and len(err["loc"]) > 3 and err["loc"][3] == "month"}
    extra = [
        {"type": found["type"].type, "loc": (*_LEDGER, *found["loc"]), "msg": found["type"].message(), "input": found["input"], "ctx": found["type"].context}
        for found in future_months(ledger, today, frozenset(known))
    ]
    if not extra:
        return errors, total
    merged = sorted(errors + extra, key=_order)
    return merged[:MAX_PROBLEMS], total + len(extra)


def parse_application(data: str | bytes | dict[str, Any], today: date | None = None, source: str = "") -> Application:
    """Validate an application from JSON text or an already-parsed mapping."""
    if isinstance(data, (str, bytes)):
        if len(data) > MAX_APPLICATION_BYTES:
            raise ApplicationError([Problem("(file)", "too_large", {"limit": MAX_APPLICATION_BYTES // (1024 * 1024)})], source)
        # Fast path: pydantic reads the JSON itself, in Rust. Its parser would hand money written
        # as a JSON number with a fraction over as a binary float, which the model refuses, and it
        # words bad JSON its own way: so any failure is read again on the path below, which reads
        # numbers exactly and words every problem. A valid document comes out the same either way.
        # Only a document small enough that all its errors fit the budget takes it.
        if _values_at_most(data) <= VALUE_BUDGET:
            try:
                return Application.model_validate_json(data, context={"today": today or date.today()})
            except (ValidationError, RecursionError):
                pass
        data = read_json_object(data, source)
    if not isinstance(data, dict):
        raise ApplicationError([Problem("(top level)", "not_object", {})], source)
    application, errors, total = validate_application(data, today, source)
    if application is None:
        if not errors:
            raise ApplicationError([Problem("(file)", "too_deep", {"limit": MAX_DEPTH})], source)
        raise ApplicationError(capped([problem_from(err) for err in errors], total), source)
    return application


class NotRegularFile(OSError):
    """A pipe, device or socket given where a file is read: reading it could block forever or
    never end. Its errno (ESPIPE) carries the translated wording `errors.os.ESPIPE`."""

    def __init__(self, path: str):
        super().__init__(errno.ESPIPE, "not a regular file", path)


def read_regular_file(path: str | Path, limit: int) -> bytes:
    """At most `limit` + 1 bytes of a regular file (one past the limit, to notice a larger one).

    The file is opened without blocking and checked on the open descriptor, so a FIFO swapped in
    after a check by name still never blocks the read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    mode = os.stat(path).st_mode
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if not stat.S_ISREG(mode):  # a socket cannot be opened at all: say what it is before trying
        raise NotRegularFile(str(path))
    descriptor = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise NotRegularFile(str(path))
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(descriptor, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def load_application(path: str | Path, today: date | None = None) -> Application:
    """Read and validate an application file: JSON, or a filled Excel template (.xlsx)."""
    file = Path(path)
    try:
        raw = read_regular_file(file, MAX_APPLICATION_BYTES)
    except NotRegularFile:
        raise ApplicationError([Problem("(file)", "not_regular_file", {"file": str(file)})], str(file)) from None
    except OSError as exc:
        raise ApplicationError([Problem("(file)", "unreadable", {"file": str(file), **os_error_values(exc)})], str(file)) from None
    if len(raw) > MAX_APPLICATION_BYTES:
        raise ApplicationError([Problem("(file)", "too_large", {"limit": MAX_APPLICATION_BYTES // (1024 * 1024)})], str(file))
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
