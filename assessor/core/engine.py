"""The engine: `assess(application, rulebook, as_of, readings) -> Assessment`.

It knows a handful of criterion kinds (`kinds/`); the rulebook says which kind each criterion
is and with what params. Every criterion is always evaluated, so a user sees every gap at
once. Deterministic: no I/O, and the same input gives the same output. The one clock it may
read is today's date, and only to mark an assessment date after it as a projection (pass
`today` to keep even that out).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from datetime import date

from ..i18n import t
from .kinds import add_years, window_start
from .model import Application, ApplicationType
from .results import Assessment, Finding, Gap, Message, Part, Quantity, Status, Verdict
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
    chosen = rulebook.default_readings()
    for key, value in (readings or {}).items():
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
    """SHA-256 of the canonical JSON document {"application", "as_of", "readings", "rulebook"}."""
    digest = hashlib.sha256(b'{"application":')
    digest.update(application.canonical_json_bytes())
    tail = json.dumps(
        {"as_of": as_of.isoformat(), "readings": dict(sorted(readings.items())), "rulebook": {"id": rulebook.id, "version": rulebook.version}},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    digest.update(("," + tail[1:]).encode("utf-8"))
    return digest.hexdigest()


# ---------------------------------------------------------------- assess


def _finding(app: Application, criterion: Criterion, rulebook: Rulebook, as_of: date, readings: dict[str, str]) -> Finding:
    title = {"zh": criterion.title_zh, "en": criterion.title_en}
    used = {key: readings[key] for key in criterion.readings}
    if app.applicant.application_type not in criterion.applies_to:
        note = Message("", literal={"zh": rulebook.scope.relocation_note_zh, "en": rulebook.scope.relocation_note_en})
        return Finding(criterion.id, Status.NOT_APPLICABLE, criterion.clause, criterion.text, title, None, None, None, used, (), (), note, kind=criterion.kind)
    params = rulebook.params_for(criterion, readings)
    outcome = criterion.kind_of.measure(app, params, as_of, rulebook.items)
    facts = dict(outcome.facts)
    if params.noun:
        facts["noun"] = params.noun
    return Finding(
        criterion.id,
        outcome.status,
        criterion.clause,
        criterion.text,
        title,
        outcome.measured,
        outcome.threshold,
        outcome.gap,
        used,
        outcome.evidence,
        outcome.missing_evidence,
        Message(f"engine.{criterion.kind}.{outcome.outcome}", facts),
        outcome.parts,
        outcome.notes,
        kind=criterion.kind,
    )


def _scope_notes(app: Application, rulebook: Rulebook) -> list[Message]:
    notes = []
    if app.applicant.insurer_type.value not in rulebook.scope.insurer_types:
        kind = app.applicant.insurer_type.value
        notes.append(Message("engine.scope.insurer_type", {"kind": Message(f"engine.insurer_type.{kind}")}))
    if rulebook.scope.requires_telemarketing_approval and not app.applicant.telemarketing_approved:
        notes.append(Message("engine.scope.no_approval"))
    return notes


def _verdict(findings: list[Finding], out_of_scope: bool, relocation: bool) -> Verdict:
    if out_of_scope:
        return Verdict.OUT_OF_SCOPE
    statuses = {f.status for f in findings}
    if Status.NOT_MET in statuses:
        return Verdict.NOT_ELIGIBLE
    if Status.INSUFFICIENT_EVIDENCE in statuses:
        return Verdict.INCOMPLETE
    return Verdict.NO_OBSTACLE if relocation else Verdict.ELIGIBLE


def _for_information(finding: Finding) -> Finding:
    """An out-of-scope applicant's finding: shown for information, never readable as met."""
    return dataclasses.replace(finding, status=Status.NOT_APPLICABLE, for_information=finding.status)


def assess(
    application: Application,
    rulebook: Rulebook | None = None,
    as_of: date | None = None,
    readings: Mapping[str, str] | None = None,
    today: date | None = None,
) -> Assessment:
    """Assess an application against section 四 of the rulebook, on `as_of` (today if omitted).

    `today` is the day the assessment is made on (the clock's date if omitted): an `as_of`
    after it makes the result a projection."""
    if rulebook is None:
        from .rulebook import load_rulebook

        rulebook = load_rulebook()
    today = today or date.today()
    as_of = as_of or today
    check_as_of(rulebook, as_of)
    chosen = resolve_readings(rulebook, readings)
    findings = [_finding(application, criterion, rulebook, as_of, chosen) for criterion in rulebook.criteria]
    notes = _scope_notes(application, rulebook)
    out_of_scope = bool(notes)
    relocation = application.applicant.application_type == ApplicationType.RELOCATION
    if relocation:
        notes.append(Message("", literal={"zh": rulebook.scope.relocation_note_zh, "en": rulebook.scope.relocation_note_en}))
        notes.append(Message("engine.relocation.site", {"site": application.applicant.relocating_site or "—"}))
    projected = as_of > today
    if projected:
        notes.append(Message("engine.projected", {"as_of": as_of.isoformat(), "today": today.isoformat()}))
    verdict = _verdict(findings, out_of_scope, relocation)
    if out_of_scope:
        findings = [_for_information(f) for f in findings]
    return Assessment(
        verdict=verdict,
        as_of=as_of,
        rulebook_id=rulebook.id,
        rulebook_version=rulebook.version,
        readings=chosen,
        fingerprint=fingerprint(application, rulebook, chosen, as_of),
        findings=tuple(findings),
        notes=tuple(notes),
        conventions={key: {"zh": c.zh, "en": c.en} for key, c in rulebook.conventions.items()},
        projected=projected,
    )
