"""`check_readiness`: open the logs, measure every measured duty, judge each duty of the rulebook.

One bad file never sinks the others: it is listed with the reason it was not used, and the
figures are computed from the rest. Every duty of the rulebook appears in the report.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

import duckdb

from ..core.model import Attestation
from .logs import LogError, LogSpec, OpenedLog, combined_view, cutoff_of, duckdb_detail, open_log
from .measures import Figures, KindView, Measurer, month_rows
from .report import DutyResult, DutyStatus, LogSummary, Quantity, ReadinessReport
from .rules import (
    BulkSharedFields,
    CertifiedBeforeFirstCall,
    Duty,
    KeptAtLeast,
    NoCallAfterRefusal,
    RatePerPolicies,
    ReadinessRulebook,
    RetrainedWithin,
    ShareWithinHours,
    load_readiness_rulebook,
)

# DuckDB spills to disk beyond this, so a 20-million-row log stays well under 1 GB of memory.
DEFAULT_MEMORY_LIMIT = "600MB"


def connect(memory_limit: str = DEFAULT_MEMORY_LIMIT, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET temp_directory = '{tempfile.gettempdir()}/assessor-duckdb'")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")  # it would print into the CLI's JSON output
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def check_readiness(
    logs: Sequence[LogSpec],
    as_of: date,
    attestations: Mapping[str, Attestation] | None = None,
    rulebook: ReadinessRulebook | None = None,
    bulk_min: int | None = None,
    lang: str = "zh",
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
) -> ReadinessReport:
    """Every duty of sections 一 to 三, measured from `logs` up to the end of `as_of`, or as attested."""
    rulebook = rulebook or load_readiness_rulebook()
    zone = rulebook.default_timezone
    cutoff = cutoff_of(as_of)
    con = connect(memory_limit)
    try:
        summaries: list[LogSummary] = []
        opened: dict[str, list[OpenedLog]] = {}
        position: dict[str, int] = {}  # view -> index of its summary, to mark a file found damaged later
        for index, spec in enumerate(logs):
            try:
                log = open_log(con, spec, index, zone)
            except LogError as exc:
                summaries.append(_unused(spec, exc))
                continue
            opened.setdefault(log.kind, []).append(log)
            position[log.view] = len(summaries)
            summaries.append(LogSummary(file=spec.label, kind=log.kind, format=log.format, timezone=log.timezone, rows=log.rows, columns=tuple(log.columns)))
        while True:
            kinds = {}
            for kind, files in opened.items():
                view, columns, bad = combined_view(con, kind, files)
                kinds[kind] = KindView(view, columns, bad)
            try:
                sources = {index: spec.label for index, spec in enumerate(logs)}
                figures = Measurer(con, rulebook, kinds, as_of, cutoff, bulk_min, sources).run()
                break
            except duckdb.Error as exc:
                # Opening a file reads its header and row count only (a Parquet footer answers
                # both), so a damaged page shows up here. Find the file and column, set that file
                # aside like any unusable file, and measure the rest again.
                damaged = _damaged(con, opened)
                if not damaged:
                    raise LogError("query_failed", detail=str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__) from None
                for log, error in damaged:
                    opened[log.kind].remove(log)
                    summaries[position[log.view]] = _unused(log.spec, error)
                opened = {kind: files for kind, files in opened.items() if files}
    finally:
        con.close()
    rate = next((d.measure for d in rulebook.measured() if isinstance(d.measure, RatePerPolicies)), None)
    duties = [
        _judge_measured(duty, figures, _bulk_basis(rulebook, bulk_min)) if duty.kind == "measured" else _judge_attested(duty, (attestations or {}).get(duty.id))
        for duty in rulebook.duties
    ]
    return ReadinessReport(
        rulebook_id=rulebook.id,
        rulebook_version=rulebook.version,
        as_of=as_of,
        timezone=zone,
        cutoff=cutoff.isoformat(sep=" "),
        bulk_min_policies=bulk_min or _bulk_default(rulebook),
        bulk_min_basis=_bulk_basis(rulebook, bulk_min),
        duties=tuple(duties),
        logs=tuple(summaries),
        issues=tuple(figures.issues),
        months=tuple(month_rows(figures, rate.per_policies if rate else None)),
        bulk_groups=tuple(figures.bulk_groups),
        bulk_groups_total=figures.bulk_groups_total,
        bulk_policies_total=figures.bulk_policies_total,
        refusal_hits=tuple(figures.refusal_hits),
        conventions={key: {"zh": c.zh, "en": c.en} for key, c in rulebook.conventions.items()},
        lang=lang,
    )


def _unused(spec: LogSpec, exc: LogError) -> LogSummary:
    return LogSummary(file=spec.label, kind=spec.kind, format=None, timezone=spec.timezone, rows=0,
                      error_key=exc.key, error_values={k: str(v) for k, v in exc.values.items()})


def _damaged(con: duckdb.DuckDBPyConnection, opened: dict[str, list[OpenedLog]]) -> list[tuple[OpenedLog, LogError]]:
    """Each file with a column DuckDB cannot read to the end, and why, column by column."""
    found = []
    for files in opened.values():
        for log in files:
            columns, detail = [], ""
            for column in log.columns:
                try:
                    # hash() of every value: each page of the column must be decoded.
                    con.execute(f"SELECT sum(hash({column})) FROM {log.view}").fetchone()
                except duckdb.Error as exc:
                    columns.append(column)
                    detail = detail or duckdb_detail(exc, log.spec.path, log.spec.label)
            if columns:
                found.append((log, LogError("damaged", file=log.spec.label, columns=", ".join(columns), detail=detail)))
    return found


def _bulk_default(rulebook: ReadinessRulebook) -> int:
    return next((d.measure.min_policies for d in rulebook.measured() if isinstance(d.measure, BulkSharedFields)), 0)


def _bulk_basis(rulebook: ReadinessRulebook, bulk_min: int | None) -> str:
    return "default" if bulk_min is None or bulk_min == _bulk_default(rulebook) else "chosen"


def _result(duty: Duty, status: DutyStatus, reason: str, **extra) -> DutyResult:
    return DutyResult(
        id=duty.id, clause=duty.clause, text=duty.text, title_zh=duty.title_zh, title_en=duty.title_en,
        kind=duty.kind, status=status, reason=reason, **extra,
    )


def _share(duty: Duty, good: int, bad: int, target: Decimal, gap_unit: str, counts: dict[str, int], reason: str, values: dict[str, str]) -> DutyResult:
    total = good + bad
    if total == 0:
        return _result(duty, DutyStatus.NOT_MEASURED, "no_rows", counts=counts, reason_values=values)
    measured = Quantity(value=Decimal(good) / Decimal(total), unit="share")
    threshold = Quantity(value=target, unit="share")
    needed = math.ceil(target * total)  # exact: target is a Decimal, total an int
    if good >= needed:
        return _result(duty, DutyStatus.MET, f"{reason}.met", measured=measured, threshold=threshold, counts=counts, reason_values=values)
    gap = Quantity(value=Decimal(needed - good), unit=gap_unit)
    return _result(duty, DutyStatus.NOT_MET, f"{reason}.not_met", measured=measured, threshold=threshold, gap=gap, counts=counts, reason_values=values)


def _share_explained(duty: Duty, m: ShareWithinHours, counts: dict[str, int], examples: tuple[str, ...]) -> DutyResult:
    """An explained late row counts as compliant; an unexplained one asks for review, not a verdict.

    The notice excuses a late delivery agreed with or explained to the policyholder, which the
    logs may not record: an unexplained one may still be excused, so a person has to look.
    """
    good, open_ = counts["within"] + counts["late_explained"], counts["late_unexplained"]
    total = good + open_
    values = {"hours": str(m.within_hours), "examples": ", ".join(examples), "column": m.explained_by or ""}
    if total == 0:
        return _result(duty, DutyStatus.NOT_MEASURED, "no_rows", counts=counts, reason_values=values)
    measured = Quantity(value=Decimal(good) / Decimal(total), unit="share")
    threshold = Quantity(value=m.target_share, unit="share")
    needed = math.ceil(m.target_share * total)
    if good >= needed:
        return _result(duty, DutyStatus.MET, "within_hours_explained.met", measured=measured, threshold=threshold, counts=counts, reason_values=values)
    gap = Quantity(value=Decimal(needed - good), unit="policies")
    return _result(duty, DutyStatus.REVIEW, "within_hours_explained.review", measured=measured, threshold=threshold, gap=gap, counts=counts, reason_values=values)


def _judge_measured(duty: Duty, figures: Figures, bulk_basis: str) -> DutyResult:
    if duty.id in figures.unmeasured:
        reason, values = figures.unmeasured[duty.id]
        return _result(duty, DutyStatus.NOT_MEASURED, reason, reason_values=values)
    counts = figures.counts.get(duty.id, {})
    m = duty.measure
    if isinstance(m, ShareWithinHours) and m.explained_by:
        return _share_explained(duty, m, counts, figures.examples.get(duty.id, ()))
    if isinstance(m, ShareWithinHours):
        return _share(duty, counts["within"], counts["late"], m.target_share, "policies", counts, "within_hours", {"hours": str(m.within_hours)})
    if isinstance(m, KeptAtLeast):
        return _share(duty, counts["kept"], counts["not_kept"], m.target_share, "recordings", counts, "kept", {"years": str(m.kept_years)})
    if isinstance(m, CertifiedBeforeFirstCall):
        return _share(duty, counts["certified_first"], counts["not_certified_first"], m.target_share, "agents", counts, "certified", {})
    if isinstance(m, RetrainedWithin):
        if counts["due"] == 0:
            return _result(duty, DutyStatus.MET, "retrained.none_due", counts=counts, reason_values={"months": str(m.within_months)})
        return _share(duty, counts["retrained"], counts["not_retrained"], m.target_share, "agents", counts, "retrained", {"months": str(m.within_months)})
    if isinstance(m, NoCallAfterRefusal):
        measured = Quantity(value=Decimal(counts["calls"]), unit="calls")
        threshold = Quantity(value=Decimal(m.max_calls), unit="calls")
        values = {"years": str(m.within_years)}
        if counts["calls"] <= m.max_calls:
            return _result(duty, DutyStatus.MET, "refusals.met", measured=measured, threshold=threshold, counts=counts, reason_values=values)
        gap = Quantity(value=Decimal(counts["calls"] - m.max_calls), unit="calls")
        return _result(duty, DutyStatus.NOT_MET, "refusals.not_met", measured=measured, threshold=threshold, gap=gap, counts=counts, reason_values=values)
    if isinstance(m, BulkSharedFields):
        measured = Quantity(value=Decimal(counts["groups"]), unit="groups")
        threshold = Quantity(value=Decimal(counts["min_policies"]), unit=f"bulk_{bulk_basis}")
        values = {"basis": bulk_basis}
        if counts["groups"] == 0:
            return _result(duty, DutyStatus.MET, "bulk.none", measured=measured, threshold=threshold, counts=counts, reason_values=values)
        return _result(duty, DutyStatus.REVIEW, "bulk.review", measured=measured, threshold=threshold, counts=counts, reason_values=values)
    if isinstance(m, RatePerPolicies):
        if not counts.get("policies"):
            return _result(duty, DutyStatus.NOT_MEASURED, "no_rows", counts=counts)
        rate = (Decimal(counts["complaints"]) * m.per_policies / Decimal(counts["policies"])).quantize(Decimal("0.01"))
        return _result(duty, DutyStatus.REPORTED, "rate.reported", measured=Quantity(value=rate, unit="per_10k"), counts=counts)
    raise AssertionError(f"no judge for metric {m.metric}")  # the rulebook loader admits only the metrics above


def _judge_attested(duty: Duty, attestation: Attestation | None) -> DutyResult:
    if attestation is None or attestation.attested is None:
        return _result(duty, DutyStatus.INSUFFICIENT_EVIDENCE, "attested.not_answered")
    extra = {"description": attestation.description, "evidence": tuple(attestation.evidence)}
    if attestation.attested is False:
        return _result(duty, DutyStatus.NOT_MET, "attested.not_in_place", **extra)
    if not attestation.evidence:
        return _result(duty, DutyStatus.INSUFFICIENT_EVIDENCE, "attested.no_evidence", **extra)
    return _result(duty, DutyStatus.MET, "attested.met", reason_values={"documents": str(len(attestation.evidence))}, **extra)
