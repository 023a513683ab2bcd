"""The measured duties: each KPI as DuckDB SQL over the log views, thresholds from the rulebook.

A handful of passes per kind of log, each an aggregate DuckDB streams through: duplicated ids,
the per-month figures of every policy KPI at once, and the bulk groups (counted by hash first,
then exactly over the few rows that may belong to one). Only aggregates and short samples come
back into Python.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb

from .logs import OUTBOUND
from .report import BulkGroup, LogIssue, MonthRow, RefusalHit
from .rules import (
    BulkSharedFields,
    CertifiedBeforeFirstCall,
    KeptAtLeast,
    NoCallAfterRefusal,
    RatePerPolicies,
    ReadinessRulebook,
    RetrainedWithin,
    ShareWithinHours,
)

SAMPLE = 5  # example values quoted with a problem
BULK_GROUPS_LISTED = 100
BULK_IDS_LISTED = 50
REFUSAL_HITS_LISTED = 50
BULK_HASHES_INLINE = 1000  # more candidate hashes of a field than this are joined, not written out


def add_months(day: date, months: int) -> date:
    """The corresponding day `months` later (earlier if negative); the month's last day where there is none."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _lit(value: datetime | date) -> str:
    if isinstance(value, datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    return f"DATE '{value.isoformat()}'"


def _fmt_time(value: Any) -> str:
    return value.isoformat(sep=" ", timespec="seconds") if isinstance(value, datetime) else str(value)


@dataclass
class KindView:
    """The combined view of one kind of log, with the columns every file of it holds."""

    view: str
    columns: set[str]
    bad: set[str]

    def has(self, *names: str) -> bool:
        return all(n in self.columns for n in names)

    def bad_of(self, column: str) -> str:
        return f"{column}__bad" if column in self.bad else "false"


@dataclass
class Figures:
    """Everything measured, before it is judged against the rulebook."""

    issues: list[LogIssue] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # duty id -> named counts
    unmeasured: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)  # duty id -> reason, values
    months: dict[str, dict[str, int]] = field(default_factory=dict)
    bulk_groups: list[BulkGroup] = field(default_factory=list)
    bulk_groups_total: int = 0
    bulk_policies_total: int = 0
    refusal_hits: list[RefusalHit] = field(default_factory=list)
    examples: dict[str, tuple[str, ...]] = field(default_factory=dict)  # duty id -> ids of rows to review


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, Any]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    row = cur.fetchone()
    return dict(zip(names, row, strict=True)) if row else {}


def _all(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _samples(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[str, ...]:
    return tuple(str(r[0]) for r in con.execute(sql + f" LIMIT {SAMPLE}").fetchall())


class Measurer:
    def __init__(self, con: duckdb.DuckDBPyConnection, rulebook: ReadinessRulebook, kinds: dict[str, KindView], as_of: date, cutoff: datetime, bulk_min: int | None,
                 sources: dict[int, str] | None = None):
        self.con = con
        self.rulebook = rulebook
        self.kinds = kinds
        self.as_of = as_of
        self.cutoff = _lit(cutoff)
        self.bulk_min = bulk_min
        self.sources = sources or {}  # __src -> the file's name as the user gave it
        self.figures = Figures()

    def issue(self, kind: str, code: str, count: int, column: str | None = None, affects: tuple[str, ...] = (), examples: tuple[str, ...] = ()) -> None:
        if count:
            files: tuple[str, ...] = ()
            kv = self.kinds.get(kind)
            if code in ("bad_time", "bad_date") and kv is not None and column in kv.bad:
                # Only when there are such rows: one more pass to name the files that hold them.
                found = self.con.execute(f"SELECT DISTINCT __src FROM {kv.view} WHERE {column}__bad ORDER BY 1").fetchall()
                files = tuple(self.sources.get(row[0], str(row[0])) for row in found)
            self.figures.issues.append(LogIssue(kind=kind, code=code, column=column, count=int(count), affects=affects, examples=examples, files=files))

    def unmeasured(self, duty_id: str, reason: str, **values: str) -> None:
        self.figures.unmeasured[duty_id] = (reason, values)

    # ------------------------------------------------------------------ run every measure

    def run(self) -> Figures:
        measured = self.rulebook.measured()
        by_metric: dict[type, list] = {}
        for duty in measured:
            by_metric.setdefault(type(duty.measure), []).append(duty)
        if "policies" in self.kinds:
            self._policies(by_metric.get(ShareWithinHours, []), by_metric.get(KeptAtLeast, []), by_metric.get(BulkSharedFields, []))
        else:
            for cls in (ShareWithinHours, KeptAtLeast, BulkSharedFields):
                for duty in by_metric.get(cls, []):
                    self.unmeasured(duty.id, "no_log", kind="policies")
        for duty in by_metric.get(NoCallAfterRefusal, []):
            self._refusals(duty)
        roster_duties = by_metric.get(CertifiedBeforeFirstCall, []) + by_metric.get(RetrainedWithin, [])
        if roster_duties:
            self._roster(roster_duties)
        for duty in by_metric.get(RatePerPolicies, []):
            self._complaints(duty)
        return self.figures

    # ------------------------------------------------------------------ policies

    def _policies(self, windows: list, retentions: list, bulks: list) -> None:
        kv = self.kinds["policies"]
        con, cut = self.con, self.cutoff
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE dup_ids AS SELECT policy_id, count(*) AS n FROM {kv.view} "
            "WHERE policy_id IS NOT NULL GROUP BY policy_id HAVING count(*) > 1"
        )
        dup = _one(con, "SELECT count(*) AS ids, coalesce(sum(n), 0) AS rows FROM dup_ids")
        self.issue("policies", "duplicate_ids", dup["rows"], "policy_id", examples=_samples(con, "SELECT policy_id FROM dup_ids ORDER BY policy_id"))
        # One pass: every row gets a state per figure (mutually exclusive, in the order the
        # conditions are checked), and DuckDB counts rows per month and combination of states.
        row_state = (
            f"CASE WHEN policy_id IS NULL THEN 'no_id' WHEN {kv.bad_of('sale_time')} THEN 'bad_sale' "
            f"WHEN sale_time IS NULL THEN 'no_sale' WHEN dup THEN 'dup' WHEN sale_time >= {cut} THEN 'after_cutoff' ELSE 'ok' END"
        )
        states: dict[str, str] = {}
        measurable_windows = []
        for duty in windows:
            m: ShareWithinHours = duty.measure
            f, to = m.from_column, m.to_column
            if not kv.has(f, to):
                missing = ", ".join(c for c in (f, to) if c not in kv.columns)
                self.unmeasured(duty.id, "missing_columns", kind="policies", columns=missing)
                continue
            measurable_windows.append(duty)
            limit = f"{f} + to_hours({m.within_hours})"
            late = "'late'"
            if m.explained_by:
                note = m.explained_by
                late = (
                    f"(CASE WHEN {note} IS NOT NULL THEN 'late_explained' WHEN {kv.bad_of(note)} THEN 'late_bad_note' ELSE 'late_unexplained' END)"
                    if kv.has(note) else "'late_unexplained'"
                )
            states[_alias(duty.id)] = (
                f"CASE WHEN row_state <> 'ok' THEN NULL WHEN {kv.bad_of(f)} THEN 'bad_from' WHEN {f} IS NULL THEN 'no_start' "
                f"WHEN {f} >= {cut} THEN 'start_after_cutoff' WHEN {kv.bad_of(to)} THEN 'bad_to' WHEN {to} < {f} THEN 'before' "
                f"WHEN {to} <= {limit} THEN 'within' WHEN {to} IS NOT NULL THEN {late} WHEN {limit} < {cut} THEN {late} ELSE 'pending' END"
            )
        measurable_retention = []
        for duty in retentions:
            m: KeptAtLeast = duty.measure
            if not kv.has("callback_time", "recording_deleted_time"):
                missing = ", ".join(c for c in ("callback_time", "recording_deleted_time") if c not in kv.columns)
                self.unmeasured(duty.id, "missing_columns", kind="policies", columns=missing)
                continue
            measurable_retention.append(duty)
            states[_alias(duty.id)] = (
                f"CASE WHEN row_state <> 'ok' OR callback_time IS NULL OR callback_time >= {cut} THEN NULL "
                f"WHEN {kv.bad_of('recording_deleted_time')} THEN 'bad' "
                f"WHEN recording_deleted_time IS NULL OR recording_deleted_time >= callback_time + to_years({m.kept_years}) THEN 'kept' "
                f"ELSE 'not_kept' END"
            )
        state_columns = "".join(f", {sql} AS {name}" for name, sql in states.items())
        # Only the ids of late rows left unexplained are quoted, so only those rows feed min().
        review = " OR ".join(f"{_alias(d.id)} IN ('late_unexplained', 'late_bad_note')" for d in measurable_windows if d.measure.explained_by)
        example = f"min(policy_id) FILTER (WHERE {review})" if review else "CAST(NULL AS VARCHAR)"
        # States are small integers in the query (cheaper to compute and to group by than text),
        # and months are truncated timestamps, written as text once per group afterwards.
        rows = _all(
            con,
            _coded(
                f"SELECT month, row_state{''.join(f', {name}' for name in states)}, count(*) AS n, {example} AS example FROM ("
                f"SELECT date_trunc('month', sale_time) AS month, policy_id, row_state{state_columns} FROM ("
                f"SELECT *, {row_state} AS row_state FROM (SELECT *, policy_id IN (SELECT policy_id FROM dup_ids) AS dup FROM {kv.view}))"
                f") GROUP BY ALL"
            ),
        )
        for r in rows:
            r["month"] = None if r["month"] is None else f"{r['month'].year:04d}-{r['month'].month:02d}"
            for name in ("row_state", *states):
                r[name] = None if r[name] is None else _STATES[r[name]]
        total: dict[str, int] = {}
        examples: dict[str, list[str]] = {}  # one policy id per month, enough to start a review
        for r in rows:
            n = int(r["n"])
            total[r["row_state"]] = total.get(r["row_state"], 0) + n
            for name in states:
                if r[name] is not None:
                    total[f"{name}_{r[name]}"] = total.get(f"{name}_{r[name]}", 0) + n
                    if r["example"] is not None:
                        examples.setdefault(f"{name}_{r[name]}", []).append(str(r["example"]))
        self.issue("policies", "missing_value", total.get("no_id", 0), "policy_id")
        self.issue("policies", "missing_value", total.get("no_sale", 0), "sale_time")
        self.issue(
            "policies", "bad_time", total.get("bad_sale", 0), "sale_time",
            examples=self._bad_examples(kv, "sale_time") if total.get("bad_sale") else (),
        )
        self.issue("policies", "after_cutoff", total.get("after_cutoff", 0), "sale_time")
        for duty in measurable_windows:
            m = duty.measure
            p = _alias(duty.id)
            bad_from, bad_to, before = total.get(f"{p}_bad_from", 0), total.get(f"{p}_bad_to", 0), total.get(f"{p}_before", 0)
            self.issue("policies", "bad_time", bad_from, m.from_column, (duty.id,), self._bad_examples(kv, m.from_column) if bad_from else ())
            self.issue("policies", "bad_time", bad_to, m.to_column, (duty.id,), self._bad_examples(kv, m.to_column) if bad_to else ())
            self.issue("policies", "end_before_start", before, m.to_column, (duty.id,), self._before_examples(kv, m.from_column, m.to_column) if before else ())
            self.issue("policies", "after_cutoff", total.get(f"{p}_start_after_cutoff", 0), m.from_column, (duty.id,))
            if m.explained_by:
                explained = total.get(f"{p}_late_explained", 0)
                bad_note = total.get(f"{p}_late_bad_note", 0)
                unexplained = total.get(f"{p}_late_unexplained", 0) + bad_note
                self.issue("policies", "bad_explanation", bad_note, m.explained_by, (duty.id,), tuple(sorted(examples.get(f"{p}_late_bad_note", []))[:SAMPLE]))
                self.figures.counts[duty.id] = {
                    "within": total.get(f"{p}_within", 0), "late": explained + unexplained, "late_explained": explained,
                    "late_unexplained": unexplained, "pending": total.get(f"{p}_pending", 0), "no_start": total.get(f"{p}_no_start", 0),
                }
                ids = examples.get(f"{p}_late_unexplained", []) + examples.get(f"{p}_late_bad_note", [])
                self.figures.examples[duty.id] = tuple(sorted(set(ids))[:SAMPLE])
            else:
                self.figures.counts[duty.id] = {key: total.get(f"{p}_{key}", 0) for key in ("within", "late", "pending", "no_start")}
        for duty in measurable_retention:
            p = _alias(duty.id)
            bad = total.get(f"{p}_bad", 0)
            self.issue("policies", "bad_time", bad, "recording_deleted_time", (duty.id,), self._bad_examples(kv, "recording_deleted_time") if bad else ())
            self.figures.counts[duty.id] = {"kept": total.get(f"{p}_kept", 0), "not_kept": total.get(f"{p}_not_kept", 0)}
        prefixes = {_alias(d.id): ("delivered" if d.measure.to_column == "delivery_time" else "called") for d in measurable_windows}
        for r in rows:
            if r["month"] is None or r["row_state"] != "ok":
                continue
            month = self.figures.months.setdefault(r["month"], {})
            month["policies"] = month.get("policies", 0) + int(r["n"])
            for name, prefix in prefixes.items():
                if r[name] is not None and (r[name] == "within" or r[name].startswith("late")):
                    key = f"{prefix}_{'within' if r[name] == 'within' else 'late'}"
                    month[key] = month.get(key, 0) + int(r["n"])
        base = f"policy_id IS NOT NULL AND sale_time IS NOT NULL AND sale_time < {cut} AND policy_id NOT IN (SELECT policy_id FROM dup_ids)"
        for duty in bulks:
            self._bulk(duty, kv, base)

    def _bad_examples(self, kv: KindView, column: str) -> tuple[str, ...]:
        # The raw text is not in the view (it holds parsed values); re-read it for a few examples.
        if column not in kv.bad:
            return ()
        return _samples(self.con, f"SELECT coalesce(policy_id, '?') FROM {kv.view} WHERE {column}__bad")

    def _before_examples(self, kv: KindView, start: str, end: str) -> tuple[str, ...]:
        return _samples(self.con, f"SELECT policy_id FROM {kv.view} WHERE {end} < {start} ORDER BY policy_id")

    def _bulk(self, duty, kv: KindView, base: str) -> None:
        m: BulkSharedFields = duty.measure
        fields = [f for f in m.fields if f in kv.columns]
        if not fields:
            self.unmeasured(duty.id, "missing_columns", kind="policies", columns=", ".join(m.fields))
            return
        n = self.bulk_min or m.min_policies
        con = self.con
        sets = ", ".join(f"({f})" for f in fields)
        which = "CASE " + " ".join(f"WHEN GROUPING({f}) = 0 THEN '{f}'" for f in fields) + " END"
        value = f"coalesce({', '.join(fields)})"
        # First pass: count rows per hash of each normalized value, a table of small integers
        # instead of millions of strings. A hash's count is at least the count of any one value
        # with that hash, so every value shared by n or more policies has its hash among those
        # counted n or more times (a few more may be there by collision). It counts every row,
        # with no need to read ids and sale times: rows the groups leave out can only add to a
        # count, and the second pass applies the exact conditions.
        hashed = ", ".join(f"CASE WHEN {f} IS NOT NULL THEN hash({f}) END AS {f}" for f in fields)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE bulk_hashes AS SELECT {which} AS field, {value} AS h "
            f"FROM (SELECT {hashed} FROM {kv.view}) GROUP BY GROUPING SETS ({sets}) HAVING {value} IS NOT NULL AND count(*) >= {n}"
        )
        # Second pass: only the rows holding such a hash are kept, in a narrow table; the exact
        # groups and the flagged policies are both read from it. A field with no such hash is
        # left out of the test, so its values are not normalized again; a short list of hashes
        # is written into the query, where DuckDB tests it without a join.
        per_field = dict(con.execute("SELECT field, list(h) FROM bulk_hashes GROUP BY field").fetchall())
        tests = []
        for f in fields:
            found = per_field.get(f) or []
            if len(found) > BULK_HASHES_INLINE:
                tests.append(f"hash({f}) IN (SELECT h FROM bulk_hashes WHERE field = '{f}')")
            elif found:
                tests.append(f"hash({f}) IN ({', '.join(f'{int(h)}::UBIGINT' for h in found)})")
        candidates = " OR ".join(tests) or "false"
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE bulk_rows AS SELECT policy_id, sale_time, {', '.join(fields)} FROM {kv.view} WHERE {base} AND ({candidates})"
        )
        con.execute("DROP TABLE bulk_hashes")
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE bulk_groups AS SELECT {which} AS field, {value} AS value, count(*) AS n, "
            f"min(sale_time) AS first_sale, max(sale_time) AS last_sale "
            f"FROM bulk_rows GROUP BY GROUPING SETS ({sets}) HAVING {value} IS NOT NULL AND count(*) >= {n}"
        )
        totals = _one(con, "SELECT count(*) AS groups FROM bulk_groups")
        groups = _all(con, f"SELECT * FROM bulk_groups ORDER BY n DESC, field, value LIMIT {BULK_GROUPS_LISTED}")
        flagged = 0
        ids: dict[tuple[str, str], list[str]] = {}
        if totals["groups"]:
            # One more pass: the policies of flagged groups (a CTE DuckDB materializes once), counted
            # across groups, and the ids of the groups listed.
            con.execute(f"CREATE OR REPLACE TEMP TABLE bulk_top AS SELECT field, value FROM bulk_groups ORDER BY n DESC, field, value LIMIT {BULK_GROUPS_LISTED}")
            in_any = " OR ".join(f"{f} IN (SELECT value FROM bulk_groups WHERE field = '{f}')" for f in fields)
            lists = " UNION ALL ".join(
                f"SELECT '{f}' AS field, {f} AS value, list(policy_id ORDER BY policy_id)[1:{BULK_IDS_LISTED}] AS ids "
                f"FROM flagged WHERE {f} IN (SELECT value FROM bulk_top WHERE field = '{f}') GROUP BY {f}"
                for f in fields
            )
            result = con.execute(
                f"WITH flagged AS MATERIALIZED (SELECT policy_id, {', '.join(fields)} FROM bulk_rows WHERE {in_any}) "
                f"SELECT NULL AS field, NULL AS value, NULL AS ids, (SELECT count(DISTINCT policy_id) FROM flagged) AS flagged "
                f"UNION ALL SELECT field, value, ids, NULL FROM ({lists})"
            ).fetchall()
            for field_, value_, id_list, count in result:
                if field_ is None:
                    flagged = count
                else:
                    ids[(field_, value_)] = list(id_list)
        self.figures.bulk_groups = [
            BulkGroup(
                field=g["field"], value=g["value"], policies=int(g["n"]),
                first_sale=_fmt_time(g["first_sale"]), last_sale=_fmt_time(g["last_sale"]),
                policy_ids=tuple(ids.get((g["field"], g["value"]), ())),
            )
            for g in groups
        ]
        con.execute("DROP TABLE bulk_rows")  # free its memory before the other logs are measured
        self.figures.bulk_groups_total = int(totals["groups"])
        self.figures.bulk_policies_total = int(flagged)
        self.figures.counts[duty.id] = {"groups": int(totals["groups"]), "policies": int(flagged), "min_policies": n}

    # ------------------------------------------------------------------ calls and refusals

    def _calls_usable(self, kv: KindView) -> str:
        where = f"call_time IS NOT NULL AND phone IS NOT NULL AND call_time < {self.cutoff}"
        if kv.has("direction"):
            where += " AND lower(direction) IN (" + ", ".join(f"'{d}'" for d in OUTBOUND) + ")"
        return where

    def _refusals(self, duty) -> None:
        m: NoCallAfterRefusal = duty.measure
        missing = [k for k in ("calls", "refusals") if k not in self.kinds]
        if missing:
            self.unmeasured(duty.id, "no_log", kind=", ".join(missing))
            return
        calls, refusals = self.kinds["calls"], self.kinds["refusals"]
        con, cut = self.con, self.cutoff
        c = _one(
            con,
            f"SELECT count(*) AS rows, count(*) FILTER (WHERE {calls.bad_of('call_time')}) AS bad_time, "
            f"count(*) FILTER (WHERE phone IS NULL) AS no_phone, "
            f"count(*) FILTER (WHERE call_time IS NULL AND NOT {calls.bad_of('call_time')}) AS no_time, "
            f"count(*) FILTER (WHERE call_time >= {cut}) AS after_cutoff, "
            f"count(*) FILTER (WHERE {self._calls_usable(calls)}) AS outbound FROM {calls.view}",
        )
        r = _one(
            con,
            f"SELECT count(*) AS rows, count(*) FILTER (WHERE {refusals.bad_of('refused_time')}) AS bad_time, "
            f"count(*) FILTER (WHERE phone IS NULL) AS no_phone, "
            f"count(*) FILTER (WHERE refused_time IS NULL AND NOT {refusals.bad_of('refused_time')}) AS no_time, "
            f"count(*) FILTER (WHERE refused_time >= {cut}) AS after_cutoff, "
            f"count(DISTINCT phone) FILTER (WHERE refused_time IS NOT NULL AND phone IS NOT NULL AND refused_time < {cut}) AS phones "
            f"FROM {refusals.view}",
        )
        for kind, fig, col in (("calls", c, "call_time"), ("refusals", r, "refused_time")):
            self.issue(kind, "bad_time", fig["bad_time"], col, (duty.id,))
            self.issue(kind, "missing_value", fig["no_phone"], "phone", (duty.id,))
            self.issue(kind, "missing_value", fig["no_time"], col, (duty.id,))
            self.issue(kind, "after_cutoff", fig["after_cutoff"], col, (duty.id,))
        window = f"c.call_time > r.refused_time AND c.call_time <= r.refused_time + to_years({m.within_years})"
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE refusal_hits AS SELECT c.phone, c.call_time, "
            f"(SELECT max(r.refused_time) FROM {refusals.view} r WHERE r.phone = c.phone AND {window}) AS refused_time "
            f"FROM (SELECT * FROM {calls.view} WHERE {self._calls_usable(calls)}) c "
            f"WHERE EXISTS (SELECT 1 FROM {refusals.view} r WHERE r.phone = c.phone AND r.refused_time < {cut} AND {window})"
        )
        hits = _one(con, "SELECT count(*) AS calls, count(DISTINCT phone) AS phones FROM refusal_hits")
        self.figures.refusal_hits = [
            RefusalHit(phone=row[0], call_time=_fmt_time(row[1]), refused_time=_fmt_time(row[2]))
            for row in con.execute(f"SELECT phone, call_time, refused_time FROM refusal_hits ORDER BY call_time, phone LIMIT {REFUSAL_HITS_LISTED}").fetchall()
        ]
        self.figures.counts[duty.id] = {
            "calls": int(hits["calls"]), "phones": int(hits["phones"]),
            "outbound": int(c["outbound"]), "refused_phones": int(r["phones"]),
        }

    # ------------------------------------------------------------------ staff roster

    def _roster(self, duties: list) -> None:
        if "roster" not in self.kinds:
            for duty in duties:
                self.unmeasured(duty.id, "no_log", kind="roster")
            return
        kv, con = self.kinds["roster"], self.con
        calls = self.kinds.get("calls")
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE dup_agents AS SELECT agent_id, count(*) AS n FROM {kv.view} "
            "WHERE agent_id IS NOT NULL GROUP BY agent_id HAVING count(*) > 1"
        )
        dup = _one(con, "SELECT coalesce(sum(n), 0) AS rows FROM dup_agents")
        self.issue("roster", "duplicate_ids", dup["rows"], "agent_id", examples=_samples(con, "SELECT agent_id FROM dup_agents ORDER BY agent_id"))
        stats = _one(
            con,
            f"SELECT count(*) FILTER (WHERE agent_id IS NULL) AS no_id, "
            f"count(*) FILTER (WHERE {kv.bad_of('certified_date')}) AS bad_cert, "
            + (f"count(*) FILTER (WHERE {kv.bad_of('last_retrained_date')}) AS bad_retrain, " if kv.has("last_retrained_date") else "0 AS bad_retrain, ")
            + (f"count(*) FILTER (WHERE {kv.bad_of('left_date')}) AS bad_left, " if kv.has("left_date") else "0 AS bad_left, ")
            + (f"count(*) FILTER (WHERE {kv.bad_of('first_call_time')}) AS bad_first " if kv.has("first_call_time") else "0 AS bad_first ")
            + f"FROM {kv.view}",
        )
        self.issue("roster", "missing_value", stats["no_id"], "agent_id")
        ids = tuple(d.id for d in duties)
        self.issue("roster", "bad_date", stats["bad_cert"], "certified_date", ids)
        self.issue("roster", "bad_date", stats["bad_retrain"], "last_retrained_date", ids)
        self.issue("roster", "bad_date", stats["bad_left"], "left_date", ids)
        self.issue("roster", "bad_time", stats["bad_first"], "first_call_time", ids)
        roster = f"(SELECT * FROM {kv.view} WHERE agent_id IS NOT NULL AND agent_id NOT IN (SELECT agent_id FROM dup_agents))"
        # The first sales call: the earlier of the roster's own column and the calls log, up to the cut-off.
        sources = []
        if kv.has("first_call_time"):
            sources.append(f"SELECT agent_id, first_call_time AS t FROM {roster} WHERE first_call_time < {self.cutoff}")
        if calls is not None and calls.has("agent_id"):
            sources.append(f"SELECT agent_id, call_time AS t FROM {calls.view} WHERE agent_id IS NOT NULL AND {self._calls_usable(calls)}")
        for duty in duties:
            if isinstance(duty.measure, CertifiedBeforeFirstCall):
                if not sources:
                    self.unmeasured(duty.id, "no_first_calls")
                    continue
                row = _one(
                    con,
                    f"WITH first AS (SELECT agent_id, min(t) AS first_call FROM ({' UNION ALL '.join(sources)}) GROUP BY agent_id) "
                    f"SELECT count(*) AS callers, "
                    f"count(*) FILTER (WHERE r.certified_date IS NOT NULL AND CAST(f.first_call AS DATE) >= r.certified_date) AS certified_first, "
                    f"count(*) FILTER (WHERE r.agent_id IS NULL) AS not_on_roster, "
                    f"count(*) FILTER (WHERE r.agent_id IS NOT NULL AND r.certified_date IS NULL) AS no_certificate "
                    f"FROM first f LEFT JOIN {roster} r USING (agent_id) "
                    f"WHERE f.agent_id NOT IN (SELECT agent_id FROM dup_agents)",
                )
                self.figures.counts[duty.id] = {k: int(v) for k, v in row.items()}
                self.figures.counts[duty.id]["not_certified_first"] = int(row["callers"] - row["certified_first"])
            elif isinstance(duty.measure, RetrainedWithin):
                if not kv.has("last_retrained_date"):
                    self.unmeasured(duty.id, "missing_columns", kind="roster", columns="last_retrained_date")
                    continue
                since = _lit(add_months(self.as_of, -duty.measure.within_months))
                as_of = _lit(self.as_of)
                active = f"(left_date IS NULL OR left_date > {as_of})" if kv.has("left_date") else "true"
                row = _one(
                    con,
                    f"SELECT count(*) FILTER (WHERE {active} AND certified_date <= {since}) AS due, "
                    f"count(*) FILTER (WHERE {active} AND certified_date <= {since} AND last_retrained_date >= {since} AND last_retrained_date <= {as_of}) AS retrained, "
                    f"count(*) FILTER (WHERE {active} AND certified_date > {since}) AS not_yet_due, "
                    f"count(*) FILTER (WHERE NOT {active}) AS left_staff, "
                    f"count(*) FILTER (WHERE {active} AND certified_date IS NULL) AS no_certificate "
                    f"FROM {roster}",
                )
                self.figures.counts[duty.id] = {k: int(v) for k, v in row.items()}
                self.figures.counts[duty.id]["not_retrained"] = int(row["due"] - row["retrained"])

    # ------------------------------------------------------------------ complaints

    def _complaints(self, duty) -> None:
        if "complaints" not in self.kinds:
            self.unmeasured(duty.id, "no_log", kind="complaints")
            return
        kv, con = self.kinds["complaints"], self.con
        stats = _one(
            con,
            f"SELECT count(*) FILTER (WHERE {kv.bad_of('received_time')}) AS bad_time, "
            f"count(*) FILTER (WHERE received_time IS NULL AND NOT {kv.bad_of('received_time')}) AS no_time, "
            f"count(*) FILTER (WHERE received_time >= {self.cutoff}) AS after_cutoff FROM {kv.view}",
        )
        self.issue("complaints", "bad_time", stats["bad_time"], "received_time", (duty.id,))
        self.issue("complaints", "missing_value", stats["no_time"], "received_time", (duty.id,))
        self.issue("complaints", "after_cutoff", stats["after_cutoff"], "received_time", (duty.id,))
        if kv.has("complaint_id"):
            dup = _one(con, f"SELECT coalesce(sum(n), 0) AS rows FROM (SELECT count(*) AS n FROM {kv.view} WHERE complaint_id IS NOT NULL GROUP BY complaint_id HAVING count(*) > 1)")
            # A complaint listed twice is still counted twice: say so rather than guess which row is right.
            self.issue("complaints", "duplicate_complaints", dup["rows"], "complaint_id", (duty.id,))
        for month, n in con.execute(
            f"SELECT strftime(date_trunc('month', received_time), '%Y-%m'), count(*) FROM {kv.view} "
            f"WHERE received_time IS NOT NULL AND received_time < {self.cutoff} GROUP BY 1"
        ).fetchall():
            self.figures.months.setdefault(month, {})["complaints"] = int(n)
        if "policies" not in self.kinds:
            self.unmeasured(duty.id, "no_log", kind="policies")
            return
        # The rate compares like with like: only months in which policies were sold.
        sold = [m for m in self.figures.months.values() if m.get("policies")]
        complaints = sum(m.get("complaints", 0) for m in sold)
        policies = sum(m["policies"] for m in sold)
        self.figures.counts[duty.id] = {"complaints": complaints, "policies": policies, "per": duty.measure.per_policies}


# The states a policy row can be in, per figure; the query numbers them by their place here.
_STATES = (
    "no_id", "bad_sale", "no_sale", "dup", "after_cutoff", "ok",
    "bad_from", "no_start", "start_after_cutoff", "bad_to", "before", "within", "late",
    "late_explained", "late_bad_note", "late_unexplained", "pending", "bad", "kept", "not_kept",
)
_STATE_RE = re.compile("'(" + "|".join(_STATES) + ")'")


def _coded(sql: str) -> str:
    """`sql` with each quoted state name replaced by its number in _STATES."""
    return _STATE_RE.sub(lambda m: str(_STATES.index(m.group(1))), sql)


def _alias(duty_id: str) -> str:
    return "d_" + duty_id.replace(".", "_")


def month_rows(figures: Figures, per: int | None) -> list[MonthRow]:
    rows = []
    for month in sorted(figures.months):
        m = figures.months[month]
        rate = None
        if per and m.get("policies"):
            rate = (Decimal(m.get("complaints", 0)) * per / Decimal(m["policies"])).quantize(Decimal("0.01"))
        rows.append(MonthRow(month=month, complaints_per_10k=rate, **{k: v for k, v in m.items() if k in MonthRow.model_fields}))
    return rows


__all__ = ["Measurer", "Figures", "KindView", "add_months", "month_rows"]
