"""The insurer's logs: which columns each kind holds, and how DuckDB reads them in place.

Logs are CSV or Parquet files, read by DuckDB where they lie: nothing is loaded into Python
rows, so millions of rows cost disk reads, not memory. Each file becomes a view with canonical
column names and, for every time column, its value as wall-clock time in the report's zone
(a naive TIMESTAMP) plus a flag for a value that was there but could not be read.

Times are Asia/Shanghai unless the value carries an offset (`+00:00`, `Z`) or the file was
given a zone (`policies@UTC=path.csv`). The report zone must keep one UTC offset, so durations
measured on its wall clock are true durations.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from ..i18n import t
from .rules import LogKind

LOG_KINDS: tuple[str, ...] = get_args(LogKind)
ColumnType = Literal["id", "time", "date", "text", "phone", "explanation"]


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    required: bool = False


# The documented columns of each log kind (examples/logs/README.md says what each one means).
LOG_COLUMNS: dict[str, tuple[Column, ...]] = {
    "policies": (
        Column("policy_id", "id", True),
        Column("sale_time", "time", True),
        Column("delivery_time", "time"),
        Column("receipt_time", "time"),
        Column("callback_time", "time"),
        Column("recording_deleted_time", "time"),
        Column("delivery_address", "text"),
        Column("recipient", "text"),
        Column("recipient_phone", "phone"),
        Column("late_delivery_explanation", "explanation"),
    ),
    "calls": (
        Column("call_time", "time", True),
        Column("phone", "phone", True),
        Column("agent_id", "id"),
        Column("direction", "text"),
    ),
    "refusals": (
        Column("refused_time", "time", True),
        Column("phone", "phone", True),
    ),
    "roster": (
        Column("agent_id", "id", True),
        Column("certified_date", "date", True),
        Column("last_retrained_date", "date"),
        Column("left_date", "date"),
        Column("first_call_time", "time"),
    ),
    "complaints": (
        Column("received_time", "time", True),
        Column("complaint_id", "id"),
        Column("policy_id", "id"),
    ),
}

# What a late delivery's explanation may say, and the code it is read as. 二(三) excuses a late
# delivery only if it was agreed with the policyholder (协商一致) or the policyholder was told in
# time (及时说明); a free-text reason would not show either, so only these values count.
EXPLANATIONS: dict[str, tuple[str, ...]] = {
    "agreed": ("agreed", "协商一致"),
    "informed": ("informed", "已说明"),
}

# Values of `direction` that mean an outbound call; other rows of a calls log are not counted.
OUTBOUND = ("outbound", "out", "呼出", "外呼")

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
PARQUET_SUFFIXES = (".parquet", ".pq")

# A time value that ends in an explicit offset: "…10:00:00+08:00", "…10:00Z", "…10:00 +0800".
_OFFSET_RE = r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|z|UTC|[+-]\d{2}(:?\d{2})?)$"


class LogError(Exception):
    """A log file or argument that cannot be used; `message(lang)` says why."""

    def __init__(self, key: str, **values: object):
        self.key = key
        self.values = values
        super().__init__(f"{key}: {values}")

    def message(self, lang: str = "zh") -> str:
        return t(f"readiness.errors.{self.key}", lang, **self.values)


@dataclass(frozen=True)
class LogSpec:
    """One log file to read: its path, and optionally its kind and the zone of its naive times."""

    path: Path
    kind: str | None = None
    timezone: str | None = None
    name: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.path.name


def parse_log_spec(text: str) -> LogSpec:
    """`path`, `kind=path` or `kind@Zone=path` (kind one of policies, calls, refusals, roster, complaints)."""
    head, sep, rest = text.partition("=")
    if sep:
        kind, _, zone = head.partition("@")
        if kind in LOG_KINDS:
            if zone:
                check_zone(zone)
            return LogSpec(Path(rest), kind, zone or None)
        if "@" in head and kind not in LOG_KINDS and "/" not in head:
            raise LogError("unknown_kind", kind=kind, kinds=", ".join(LOG_KINDS))
    return LogSpec(Path(text))


def check_zone(zone: str) -> ZoneInfo:
    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise LogError("unknown_zone", zone=zone) from None


def fixed_offset(zone: str) -> timedelta | None:
    """The zone's UTC offset if it kept one from 1992 to 2100 (Asia/Shanghai does); else None."""
    info = check_zone(zone)
    offsets = {datetime(year, month, 15, 12, tzinfo=info).utcoffset() for year in range(1992, 2101) for month in (1, 4, 7, 10)}
    return offsets.pop() if len(offsets) == 1 else None


def cutoff_of(as_of: date) -> datetime:
    """End of the assessment day, as naive wall-clock time of the report zone (views use that clock)."""
    return datetime.combine(as_of + timedelta(days=1), datetime.min.time())


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def literal_path(path: Path) -> str:
    """`path` as DuckDB must see it to open exactly that file.

    DuckDB expands `*`, `?` and `[...]` in a file name, so `p*.csv` would also read `p2.csv`;
    each of them is written as a one-character class, which matches only itself. The path is
    made absolute so that no name can pass for a URL scheme (`s3:`, `http:`).
    """
    return "".join(f"[{c}]" if c in "*?[" else c for c in str(path.absolute()))


def relation_sql(path: Path) -> str:
    """The DuckDB table function that reads `path` in place."""
    suffix = path.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        return f"read_parquet({_quote_text(literal_path(path))})"
    if suffix in CSV_SUFFIXES:
        # Every CSV value is read as text and parsed here, so that one odd value late in a file
        # is reported as a bad row instead of failing the whole file on a sniffed type.
        return f"read_csv({_quote_text(literal_path(path))}, header = true, skip = 0, all_varchar = true)"
    raise LogError("unknown_format", file=path.name)


def check_regular_file(path: Path, label: str) -> None:
    """Refuse anything but a regular file before anyone opens it: reading a FIFO or a terminal
    blocks, and a device such as /dev/zero never ends."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise LogError("not_found", file=label) from None
    except OSError as exc:
        raise LogError("unreadable", file=label, detail=exc.strerror or type(exc).__name__) from None
    if stat.S_ISREG(mode):
        return
    what = "directory" if stat.S_ISDIR(mode) else "pipe" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device"
    raise LogError(f"not_regular_{what}", file=label)


def duckdb_detail(exc: BaseException, path: Path, label: str) -> str:
    """DuckDB's first line, with the file named as the user named it."""
    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    for spelled in (literal_path(path), str(path.absolute()), str(path)):
        detail = detail.replace(spelled, label)
    return detail[:200]


def sniffed_relation_sql(con: duckdb.DuckDBPyConnection, path: Path) -> str | None:
    """read_csv with the dialect sniffed once, so later queries skip DuckDB's per-query sniffing."""
    try:
        row = con.execute(
            f"SELECT Delimiter, Quote, Escape, SkipRows, Columns FROM sniff_csv({_quote_text(literal_path(path))}, header = true, skip = 0, all_varchar = true)"
        ).fetchone()
    except duckdb.Error:
        return None
    delimiter, quote, escape, skip, columns = row
    quote = "" if quote == "(empty)" else quote
    escape = "" if escape == "(empty)" else escape
    struct = ", ".join(f"{_quote_text(c['name'])}: 'VARCHAR'" for c in columns)
    return (
        f"read_csv({_quote_text(literal_path(path))}, header = true, auto_detect = false, delim = {_quote_text(delimiter)}, "
        f"quote = {_quote_text(quote)}, escape = {_quote_text(escape)}, skip = {int(skip)}, columns = {{{struct}}})"
    )


@dataclass
class OpenedLog:
    """A log file opened as a DuckDB view with canonical columns."""

    spec: LogSpec
    kind: str
    format: str
    timezone: str
    rows: int
    columns: list[str]
    view: str
    bad_flags: dict[str, str] = field(default_factory=dict)  # column -> name of its "could not read" flag


def _describe(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    return {name: str(type_) for name, type_, *_ in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()}


def detect_kind(columns: list[str]) -> str | None:
    """The one kind whose required columns the header holds; None if none or several fit."""
    present = set(columns)
    fits = [kind for kind, cols in LOG_COLUMNS.items() if all(c.name in present for c in cols if c.required)]
    # A roster with first_call_time also fits nothing else; calls and refusals differ by their time column.
    return fits[0] if len(fits) == 1 else None


# Times outside this range are typing errors or sentinel values, never a sale or a delivery, and
# DuckDB's arithmetic overflows near the ends of its own range: they are reported as unreadable.
EARLIEST, LATEST = datetime(1900, 1, 1), datetime(2200, 1, 1)
_EPOCH = datetime(1970, 1, 1)
_EARLIEST_US = (EARLIEST - _EPOCH) // timedelta(microseconds=1)
_LATEST_US = (LATEST - _EPOCH) // timedelta(microseconds=1)


@dataclass
class _Layers:
    """A log view is built in layers, so each value is parsed once and range-checked before any
    arithmetic: text (trimmed), then the parsed value, then the value in the report zone."""

    text: list[str] = field(default_factory=list)
    parse: list[str] = field(default_factory=list)
    value: list[str] = field(default_factory=list)
    final: list[str] = field(default_factory=list)


def _time_sql(name: str, source: str, type_: str, file_zone: str, report_zone: str, layers: _Layers) -> None:
    """Adds `name` (report-zone wall time) and `name__bad` (there, but unreadable or out of range)."""
    report_off = fixed_offset(report_zone)
    assert report_off is not None  # the rulebook loader refuses a report zone without a fixed offset
    report_us = int(report_off / timedelta(microseconds=1))
    file_off = fixed_offset(file_zone)

    def naive_to_report(expr: str) -> str:
        if file_off is not None:
            shift = int((report_off - file_off) / timedelta(microseconds=1))
            return expr if shift == 0 else f"({expr} + to_microseconds({shift}))"
        return f"(timezone({_quote_text(report_zone)}, timezone({_quote_text(file_zone)}, {expr})))"

    naive, aware, present = f"{name}__nv", f"{name}__aw", f"{name}__p"
    upper = type_.upper()
    if upper.startswith("TIMESTAMP WITH TIME ZONE"):
        layers.text += [f"{source} IS NOT NULL AS {present}", f"epoch_us({source}) AS {aware}", f"CAST(NULL AS TIMESTAMP) AS {naive}"]
    elif upper.startswith("TIMESTAMP") or upper == "DATE":
        # A typed column is used as it is: no text round trip.
        layers.text += [f"{source} IS NOT NULL AS {present}", f"CAST(NULL AS BIGINT) AS {aware}", f"CAST({source} AS TIMESTAMP) AS {naive}"]
    else:
        text, offset = f"{name}__t", f"{name}__o"
        layers.text += [f"NULLIF(trim(CAST({source} AS VARCHAR)), '') AS {text}"]
        layers.parse += [f"{text} IS NOT NULL AS {present}", f"regexp_matches({text}, {_quote_text(_OFFSET_RE)}) AS {offset}"]
        layers.value += [
            f"CASE WHEN {offset} THEN epoch_us(TRY_CAST({_offset_normalized(text)} AS TIMESTAMPTZ)) END AS {aware}",
            f"CASE WHEN NOT {offset} THEN TRY_CAST({text} AS TIMESTAMP) END AS {naive}",
        ]
    in_range = f"{naive} >= {_ts(EARLIEST)} AND {naive} < {_ts(LATEST)}"
    from_aware = f"WHEN {aware} >= {_EARLIEST_US} AND {aware} < {_LATEST_US} THEN make_timestamp({aware} + {report_us})"
    from_naive = f"WHEN {in_range} THEN {naive_to_report(naive)}"
    # A typed column holds only one of the two kinds of value: only its branch is evaluated.
    if upper.startswith("TIMESTAMP WITH TIME ZONE"):
        branches = from_aware
    elif upper.startswith("TIMESTAMP") or upper == "DATE":
        branches = from_naive
    else:
        branches = f"{from_aware} {from_naive}"
    layers.final += [f"CASE {branches} END AS {name}"]


def _ts(value: datetime) -> str:
    return f"TIMESTAMP '{value.isoformat(sep=' ')}'"


def _offset_normalized(text: str) -> str:
    # DuckDB reads "+01:00" and "Z" but not "UTC", "z" or a space before the offset.
    utc = f"regexp_replace({text}, '\\s*(Z|z|UTC)$', '+00:00')"
    return f"regexp_replace({utc}, '\\s+([+-]\\d{{2}}(:?\\d{{2}})?)$', '\\1')"


def _date_sql(name: str, source: str, type_: str, layers: _Layers) -> None:
    parsed, present = f"{name}__d", f"{name}__p"
    upper = type_.upper()
    if upper == "DATE" or upper.startswith("TIMESTAMP"):
        layers.text += [f"{source} IS NOT NULL AS {present}", f"CAST({source} AS DATE) AS {parsed}"]
    else:
        text = f"{name}__t"
        layers.text += [f"NULLIF(trim(CAST({source} AS VARCHAR)), '') AS {text}"]
        layers.parse += [f"{text} IS NOT NULL AS {present}", f"TRY_CAST({text} AS DATE) AS {parsed}"]
    layers.final += [
        f"CASE WHEN {parsed} >= DATE '{EARLIEST.date().isoformat()}' AND {parsed} < DATE '{LATEST.date().isoformat()}' THEN {parsed} END AS {name}",
    ]


def _explanation_sql(source: str) -> tuple[str, str]:
    text = f"NULLIF(lower(trim(CAST({source} AS VARCHAR))), '')"
    whens = " ".join(
        f"WHEN {text} IN ({', '.join(_quote_text(v) for v in values)}) THEN {_quote_text(code)}" for code, values in EXPLANATIONS.items()
    )
    value = f"(CASE {whens} END)"
    return value, f"({text} IS NOT NULL AND {value} IS NULL)"


def _text_sql(source: str, column: Column) -> str:
    text = f"NULLIF(trim(CAST({source} AS VARCHAR)), '')"
    if column.type == "id":
        return f"NULLIF(CAST({source} AS VARCHAR), '')"  # ids are compared exactly as written
    if column.type == "phone":
        # Digits only, and a +86 / 0086 country prefix before an 11-digit number dropped, so one
        # customer's number matches itself however it was typed. A number written as 11 plain
        # digits, the usual case, is already in that form: only the others go through the
        # regular expressions.
        raw = f"CAST({source} AS VARCHAR)"
        digits = f"NULLIF(regexp_replace(regexp_replace({raw}, '[^0-9]', '', 'g'), '^(?:0086|86)(\\d{{11}})$', '\\1'), '')"
        return f"CASE WHEN {raw} GLOB '{'[0-9]' * 11}' THEN {raw} ELSE {digits} END"
    if column.name in ("delivery_address", "recipient"):
        # All whitespace removed (what \s matches: tab, line feed, form feed, carriage return,
        # space); the regular expression only runs on the few values that hold any.
        raw = f"CAST({source} AS VARCHAR)"
        spaced = " OR ".join(f"contains({raw}, chr({code}))" for code in _WHITESPACE)
        return f"NULLIF(CASE WHEN {spaced} THEN regexp_replace({raw}, '\\s+', '', 'g') ELSE {raw} END, '')"
    return text


_WHITESPACE = (32, 9, 10, 12, 13)  # RE2's \s, the class the regular expression above removes


def open_log(con: duckdb.DuckDBPyConnection, spec: LogSpec, index: int, report_zone: str) -> OpenedLog:
    """Open one file as a view; raises LogError for a file that cannot be used at all."""
    check_regular_file(spec.path, spec.label)
    candidates = [relation_sql(spec.path)]
    if spec.path.suffix.lower() in CSV_SUFFIXES:
        sniffed = sniffed_relation_sql(con, spec.path)
        if sniffed is not None:
            candidates.insert(0, sniffed)
    for relation in candidates:
        # Counting reads every row, so a file DuckDB cannot parse fails here, not mid-report.
        try:
            described = _describe(con, relation)
            rows = con.execute(f"SELECT count(*) FROM {relation}").fetchone()[0]
            break
        except duckdb.Error as exc:
            error = exc
    else:
        raise LogError("unreadable", file=spec.label, detail=duckdb_detail(error, spec.path, spec.label))
    # Header names are matched case-insensitively and without surrounding spaces or a BOM.
    by_name = {name.strip().lstrip("\ufeff").lower(): name for name in described}
    kind = spec.kind or detect_kind(list(by_name))
    if kind is None:
        raise LogError(
            "unknown_columns",
            file=spec.label,
            columns=", ".join(list(by_name)[:20]) or "—",
            kinds="; ".join(f"{k}: {', '.join(c.name for c in cols if c.required)}" for k, cols in LOG_COLUMNS.items()),
        )
    missing = [c.name for c in LOG_COLUMNS[kind] if c.required and c.name not in by_name]
    if missing:
        raise LogError("missing_columns", file=spec.label, kind=kind, columns=", ".join(missing))
    zone = spec.timezone or report_zone
    layers, selects, bad_flags, present = _Layers(), [], {}, []
    for column in LOG_COLUMNS[kind]:
        if column.name not in by_name:
            continue
        source = _quote_ident(by_name[column.name])
        type_ = described[by_name[column.name]]
        present.append(column.name)
        if column.type in ("time", "date"):
            if column.type == "time":
                _time_sql(column.name, source, type_, zone, report_zone, layers)
            else:
                _date_sql(column.name, source, type_, layers)
            selects += [column.name, f"({column.name}__p AND {column.name} IS NULL) AS {column.name}__bad"]
            bad_flags[column.name] = f"{column.name}__bad"
            continue
        if column.type == "explanation":
            value, bad = _explanation_sql(source)
        elif column.type == "id" and type_.upper() != "VARCHAR":
            value, bad = f"CAST({source} AS VARCHAR)", "false"
        else:
            value, bad = _text_sql(source, column), "false"
        layers.text.append(f"{value} AS {column.name}")
        selects.append(column.name)
        if bad != "false":
            layers.text.append(f"{bad} AS {column.name}__bad")
            selects.append(f"{column.name}__bad")
            bad_flags[column.name] = f"{column.name}__bad"
    query = f"SELECT {', '.join(layers.text)} FROM {relation}"
    for layer in (layers.parse, layers.value, layers.final):
        if layer:
            query = f"SELECT *, {', '.join(layer)} FROM ({query})"
    view = f"log_{index}_{kind}"
    # __src: which file a row came from, so a problem row can be traced back to its file.
    con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT {', '.join(selects)}, {index} AS __src FROM ({query})")
    fmt = "parquet" if spec.path.suffix.lower() in PARQUET_SUFFIXES else "csv"
    return OpenedLog(spec, kind, fmt, zone, rows, present, view, bad_flags)


def combined_view(con: duckdb.DuckDBPyConnection, kind: str, logs: list[OpenedLog]) -> tuple[str, set[str], set[str]]:
    """One view over every file of a kind, with the columns all of them hold."""
    # An explanation is per row: a file without the column explains none of its rows, and must
    # not hide the explanations another file gives.
    columns = [
        c for c in LOG_COLUMNS[kind]
        if all(c.name in log.columns for log in logs) or (c.type == "explanation" and any(c.name in log.columns for log in logs))
    ]
    names = []
    for column in columns:
        names.append(column.name)
        if any(column.name in log.bad_flags for log in logs):
            names.append(f"{column.name}__bad")

    def select(log: OpenedLog) -> str:
        parts = []
        for name in names:
            if name.endswith("__bad") and name.removesuffix("__bad") not in log.bad_flags:
                parts.append(f"false AS {name}")
            elif name not in log.columns and not name.endswith("__bad"):
                parts.append(f"NULL AS {name}")
            else:
                parts.append(name)
        return f"SELECT {', '.join(parts)}, __src FROM {log.view}"

    view = f"all_{kind}"
    con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS {' UNION ALL '.join(select(log) for log in logs)}")
    bad = {name.removesuffix("__bad") for name in names if name.endswith("__bad")}
    return view, {c.name for c in columns}, bad
