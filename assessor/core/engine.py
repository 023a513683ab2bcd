"""The engine: `assess(application, rulebook, as_of, readings) -> Assessment`.

It knows a handful of criterion kinds (`kinds.py`); the rulebook says which kind each criterion
is and with what thresholds. Every criterion is always evaluated, so a user sees every gap at
once. Pure and deterministic: no clock, no I/O, the same input gives the same output.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from ..i18n import t
from .kinds import KINDS, KINDS_WITH_RULEBOOK, Outcome, add_years, window_start
from .model import Application
from .results import Assessment, Finding, Gap, Message, Part, Quantity, Status, Verdict, read_only
from .rulebook import Criterion, Rulebook

__all__ = [  # the results are defined in results.py; callers import them from here
    "AsOfError", "Assessment", "Finding", "Gap", "Message", "Part", "Quantity", "ReadingError", "Status", "Verdict",
    "add_years", "assess", "canonical_application_json", "check_as_of", "fingerprint", "resolve_readings", "window_start",
]


class ReadingError(ValueError):
    """An unknown reading, or a value the reading does not offer."""

    def __init__(self, key: str, value: str | None, allowed: list[str]):
        self.key, self.value, self.allowed = key, value, allowed
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        if self.value is None:
            return t("errors.reading_unknown", lang, key=self.key, allowed=", ".join(self.allowed))
        return t("errors.reading_value", lang, key=self.key, value=self.value, allowed=", ".join(self.allowed))


# The latest assessment date the calendar arithmetic can serve: a window or a closing date a
# year on from it must still be a date.
LATEST_AS_OF = date(9998, 12, 31)


class AsOfError(ValueError):
    """An assessment date the rulebook cannot speak to: before it took effect, or past the calendar."""

    def __init__(self, as_of: date, earliest: date):
        self.as_of, self.earliest = as_of, earliest
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        if self.as_of < self.earliest:
            return t("errors.as_of_before_rulebook", lang, as_of=self.as_of.isoformat(), effective=self.earliest.isoformat())
        return t("errors.as_of_too_late", lang, as_of=self.as_of.isoformat(), latest=LATEST_AS_OF.isoformat())


def check_as_of(rulebook: Rulebook, as_of: date) -> None:
    """Refuse an assessment date before the rulebook took effect or beyond what dates can hold."""
    if not rulebook.effective_from <= as_of <= LATEST_AS_OF:
        raise AsOfError(as_of, rulebook.effective_from)


# ---------------------------------------------------------------- readings and fingerprint


def resolve_readings(rulebook: Rulebook, readings: Mapping[str, str] | None = None) -> dict[str, str]:
    """The rulebook's defaults overlaid with the caller's choices, each checked."""
    defaults = rulebook.memo().get("default_readings")
    if defaults is None:
        defaults = rulebook.memo()["default_readings"] = rulebook.default_readings()
    chosen = dict(defaults)
    if not readings:
        return chosen
    for key, value in readings.items():
        if key not in rulebook.readings:
            raise ReadingError(key, None, sorted(rulebook.readings))
        if value not in rulebook.readings[key].options:
            raise ReadingError(key, value, list(rulebook.readings[key].options))
        chosen[key] = value
    return chosen


def canonical_application_json(application: Application) -> str:
    """The application as canonical JSON: schema field order, no whitespace, UTF-8 text."""
    return application.canonical_json()


def fingerprint(application: Application, rulebook: Rulebook, readings: Mapping[str, str], as_of: date) -> str:
    """SHA-256 of the canonical JSON document {"application", "as_of", "readings", "rulebook"}.

    The hash state after the application part is kept with the application, so assessing it
    again on another date or reading hashes only the short tail."""
    memo = application.memo()
    head = memo.get("fingerprint_head")
    if head is None:
        head = memo["fingerprint_head"] = hashlib.sha256(b'{"application":')
        head.update(application.canonical_json_bytes())
        head.update(b",")
    digest = head.copy()
    digest.update(('"as_of":"' + as_of.isoformat() + '",' + _fingerprint_tail(rulebook, readings)).encode("utf-8"))
    return digest.hexdigest()


def _fingerprint_tail(rulebook: Rulebook, readings: Mapping[str, str]) -> str:
    """The readings and rulebook part of the fingerprinted document, made once per choice of readings."""
    chosen = tuple(sorted(readings.items()))
    memo = rulebook.memo()
    tail = memo.get(("fingerprint_tail", chosen))
    if tail is None:
        tail = memo[("fingerprint_tail", chosen)] = json.dumps(
            {"readings": dict(chosen), "rulebook": {"id": rulebook.id, "version": rulebook.version}},
            ensure_ascii=False,
            separators=(",", ":"),
            sort_keys=True,
        )[1:]
    return tail


# ---------------------------------------------------------------- assess


# Kinds whose finding depends on the application, the rulebook and the readings, but not on the
# assessment date: their findings are kept with the (frozen) application and reused.
_TIMELESS_KINDS = frozenset({"min_count_per_site", "checklist", "contained_in"})


@dataclass(slots=True)
class _Step:
    """One criterion as the engine runs it: what the rulebook says, looked up once per rulebook."""

    criterion: Criterion
    kind: Callable[..., Outcome]
    with_rulebook: bool
    readings: tuple[str, ...]
    applies_to: frozenset[str]
    timeless: bool
    title: Mapping[str, str]
    used: dict[tuple[str, ...], Mapping[str, str]]  # the readings it is judged under, per choice of readings


@dataclass(slots=True)
class _Plan:
    steps: list[_Step]
    conventions: Mapping[str, Mapping[str, str]]
    relocation_note: Mapping[str, str]


def _plan(rulebook: Rulebook) -> _Plan:
    """The rulebook's criteria ready to run, worked out once and kept with the (frozen) rulebook."""
    memo = rulebook.memo()
    plan = memo.get("engine_plan")
    if plan is None:
        steps = [
            _Step(
                criterion,
                KINDS.get(criterion.kind) or KINDS_WITH_RULEBOOK[criterion.kind],
                criterion.kind in KINDS_WITH_RULEBOOK,
                tuple(criterion.readings),
                frozenset(criterion.applies_to),
                criterion.kind in _TIMELESS_KINDS,
                read_only({"zh": criterion.title_zh, "en": criterion.title_en}),
                {},
            )
            for criterion in rulebook.criteria
        ]
        conventions = read_only({key: read_only({"zh": c.zh, "en": c.en}) for key, c in rulebook.conventions.items()})
        note = read_only({"zh": rulebook.scope.relocation_note_zh, "en": rulebook.scope.relocation_note_en})
        plan = memo["engine_plan"] = _Plan(steps, conventions, note)
    return plan


_new_tuple = tuple.__new__


def _make_finding(
    app: Application, step: _Step, rulebook: Rulebook, plan: _Plan, as_of: date, readings: dict[str, str], readings_key: tuple[str, ...], applicable: bool
) -> Finding:
    criterion = step.criterion
    used = step.used.get(readings_key)
    if used is None:
        used = step.used[readings_key] = read_only({key: readings[key] for key in step.readings})
    if not applicable:
        return Finding(
            criterion.id, Status.NOT_APPLICABLE, criterion.clause, criterion.text, step.title, None, None, None, used, (), (), Message("", literal=plan.relocation_note)
        )
    if step.with_rulebook:
        outcome = step.kind(app, criterion, criterion.params, as_of, readings, rulebook)
    else:
        outcome = step.kind(app, criterion, criterion.params, as_of, readings)
    # The tuple made directly, in field order: a finding is built eleven times per assessment.
    return _new_tuple(
        Finding,
        (
            criterion.id,
            outcome.status,
            criterion.clause,
            criterion.text,
            step.title,
            outcome.measured,
            outcome.threshold,
            outcome.gap,
            used,
            outcome.evidence,
            outcome.missing_evidence,
            Message(outcome.explanation_key, outcome.values),
            outcome.parts,
            outcome.notes,
        ),
    )


@dataclass(slots=True)
class _Dateless:
    rulebook: Rulebook
    findings: list[Finding | None]  # None where the finding depends on the date
    dated: list[int]  # the indices of those
    scope_notes: list[Message]


def _dateless(app: Application, rulebook: Rulebook, plan: _Plan, as_of: date, readings: dict[str, str], readings_key: tuple[str, ...]) -> _Dateless:
    application_type = app.applicant.application_type  # a StrEnum: equal to its text
    findings: list[Finding | None] = []
    dated = []
    for index, step in enumerate(plan.steps):
        applicable = application_type in step.applies_to
        if step.timeless or not applicable:
            findings.append(_make_finding(app, step, rulebook, plan, as_of, readings, readings_key, applicable))
        else:
            findings.append(None)
            dated.append(index)
    return _Dateless(rulebook, findings, dated, _scope_notes(app, rulebook))


def _scope_notes(app: Application, rulebook: Rulebook) -> list[Message]:
    notes = []
    if app.applicant.insurer_type.value not in rulebook.scope.insurer_types:
        kind = app.applicant.insurer_type.value
        notes.append(Message("engine.scope.insurer_type", {"kind": Message(f"engine.insurer_type.{kind}")}))
    if rulebook.scope.requires_telemarketing_approval and not app.applicant.telemarketing_approved:
        notes.append(Message("engine.scope.no_approval"))
    return notes


def _verdict(findings: list[Finding], out_of_scope: bool) -> Verdict:
    if out_of_scope:
        return Verdict.OUT_OF_SCOPE
    statuses = {f.status for f in findings}
    if Status.NOT_MET in statuses:
        return Verdict.NOT_ELIGIBLE
    if Status.INSUFFICIENT_EVIDENCE in statuses:
        return Verdict.INCOMPLETE
    return Verdict.ELIGIBLE  # every criterion that applies is met


def assess(application: Application, rulebook: Rulebook | None = None, as_of: date | None = None, readings: Mapping[str, str] | None = None) -> Assessment:
    """Assess an application against section 四 of the rulebook, on `as_of` (today if omitted)."""
    if rulebook is None:
        from .rulebook import load_rulebook

        rulebook = load_rulebook()
    as_of = as_of or date.today()
    check_as_of(rulebook, as_of)
    chosen = resolve_readings(rulebook, readings)
    plan = _plan(rulebook)
    memo = application.memo()
    # What does not depend on the date is kept with the frozen application, per rulebook and
    # readings: the findings of timeless kinds and of criteria a relocation does not call for,
    # which criteria are left to work out on each date, and the notes on scope.
    readings_key = tuple(chosen.values())
    kept = memo.get(("dateless", readings_key))
    if kept is None or kept.rulebook is not rulebook:
        kept = memo[("dateless", readings_key)] = _dateless(application, rulebook, plan, as_of, chosen, readings_key)
    findings = list(kept.findings)
    for index in kept.dated:
        findings[index] = _make_finding(application, plan.steps[index], rulebook, plan, as_of, chosen, readings_key, True)
    scope_notes = kept.scope_notes
    notes = list(scope_notes)
    if application.applicant.application_type == "relocation":
        notes.append(Message("", literal=plan.relocation_note))
    return Assessment(
        verdict=_verdict(findings, bool(scope_notes)),
        as_of=as_of,
        rulebook_id=rulebook.id,
        rulebook_version=rulebook.version,
        readings=read_only(chosen),
        fingerprint=fingerprint(application, rulebook, chosen, as_of),
        findings=tuple(findings),
        notes=tuple(notes),
        conventions=plan.conventions,
    )
