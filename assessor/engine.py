"""The engine: `assess(application, rulebook, as_of, readings) -> Assessment`.

It knows a handful of criterion kinds; the rulebook says which kind each criterion is and
with what thresholds. Every criterion is always evaluated, so a user sees every gap at once.
Pure and deterministic: no clock, no I/O, the same input gives the same output.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from .i18n import format_decimal, format_yuan, t
from .model import Application, Attestation, Evidence, first_uncounted_month
from .rulebook import (
    Checklist,
    ContainedIn,
    Criterion,
    MinCountPerSite,
    MinDuration,
    MinSum,
    NoEventInWindow,
    Rulebook,
)


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    INSUFFICIENT_EVIDENCE = "insufficient_evidence"
    NOT_APPLICABLE = "not_applicable"


class Verdict(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    INCOMPLETE = "incomplete"
    OUT_OF_SCOPE = "out_of_scope"


# ---------------------------------------------------------------- result types

# Results are read-only by contract: nothing in the product changes them once `assess` returns,
# and callers must not either, because they are shared. The findings that do not depend on the
# date are the same objects in every assessment of one application under one rulebook and
# readings, and titles, item labels and conventions come from the rulebook's plan; `to_json`
# hands out copies. They are slotted but not frozen dataclasses: freezing them was measured to
# make a first assessment cost 37% more instructions and a re-assessment 53% more.


@dataclass(slots=True)
class Message:
    """A sentence for the user, kept as a locale key and its values until someone reads it.

    Results carry messages rather than text so assessing stays cheap and every language is
    rendered the same way. `literal` holds text that comes from the rulebook itself.
    """

    key: str
    values: dict[str, Any] = field(default_factory=dict)
    literal: dict[str, str] | None = None

    def text(self, lang: str = "zh") -> str:
        if self.literal is not None:
            return self.literal["en" if lang == "en" else "zh"]
        values = {k: _render_value(v, lang) for k, v in self.values.items()}
        return t(self.key, lang, **values)

    def both(self) -> dict[str, str]:
        return {"zh": self.text("zh"), "en": self.text("en")}

    def __getitem__(self, lang: str) -> str:
        return self.text(lang)


def _render_value(value: Any, lang: str) -> Any:
    if isinstance(value, Decimal):
        return format_yuan(value, lang)
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, dict) and "zh" in value:
        return value["en" if lang == "en" else "zh"]
    return value



@dataclass(slots=True)
class Quantity:
    """A figure with its unit: yuan, seats, days, years, incidents, violations or items."""

    value: Decimal | int
    unit: str

    def to_json(self) -> dict[str, Any]:
        value = format(self.value, "f") if isinstance(self.value, Decimal) else self.value
        return {"value": value, "unit": self.unit}


@dataclass(slots=True)
class Gap:
    """How far a criterion is from being met, and for anything time-bound the date it closes."""

    amount: Quantity | None = None
    closes_on: date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "amount": self.amount.to_json() if self.amount else None,
            "closes_on": self.closes_on.isoformat() if self.closes_on else None,
        }


@dataclass(slots=True)
class Part:
    """One site, sub-item or event a finding is made of, with its own status."""

    key: str
    label: dict[str, str]
    status: Status
    measured: Quantity | None = None
    evidence: tuple[Evidence, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": dict(self.label),  # shared with the rulebook's plan: hand out a copy
            "status": self.status.value,
            "measured": self.measured.to_json() if self.measured else None,
            "evidence": [e.model_dump(mode="json") for e in self.evidence],
        }


@dataclass(slots=True)
class Finding:
    criterion: str
    status: Status
    clause: str
    clause_text: str
    title: dict[str, str]
    measured: Quantity | None
    threshold: Quantity | None
    gap: Gap | None
    readings: dict[str, str]
    evidence: tuple[Evidence, ...]
    missing_evidence: tuple[str, ...]
    explanation: Message
    parts: tuple[Part, ...] = ()
    notes: tuple[Message, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "status": self.status.value,
            "clause": self.clause,
            "clause_text": self.clause_text,
            "title": dict(self.title),  # shared with the rulebook's plan: hand out a copy
            "measured": self.measured.to_json() if self.measured else None,
            "threshold": self.threshold.to_json() if self.threshold else None,
            "gap": self.gap.to_json() if self.gap else None,
            "readings": dict(self.readings),
            "evidence": [e.model_dump(mode="json") for e in self.evidence],
            "missing_evidence": list(self.missing_evidence),
            "explanation": self.explanation.both(),
            "parts": [p.to_json() for p in self.parts],
            "notes": [n.both() for n in self.notes],
        }


@dataclass(slots=True)
class Assessment:
    verdict: Verdict
    as_of: date
    rulebook_id: str
    rulebook_version: int
    readings: dict[str, str]
    fingerprint: str
    findings: tuple[Finding, ...]
    notes: tuple[Message, ...] = ()
    conventions: dict[str, dict[str, str]] = field(default_factory=dict)

    def finding(self, criterion_id: str) -> Finding:
        for finding in self.findings:
            if finding.criterion == criterion_id:
                return finding
        raise KeyError(criterion_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "as_of": self.as_of.isoformat(),
            "rulebook": {"id": self.rulebook_id, "version": self.rulebook_version},
            "readings": dict(self.readings),
            "fingerprint": self.fingerprint,
            "findings": [f.to_json() for f in self.findings],
            "notes": [n.both() for n in self.notes],
            "conventions": {key: dict(text) for key, text in self.conventions.items()},
        }

    def to_json_text(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


class ReadingError(ValueError):
    """An unknown reading, or a value the reading does not offer."""

    def __init__(self, key: str, value: str | None, allowed: list[str]):
        self.key, self.value, self.allowed = key, value, allowed
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        if self.value is None:
            return t("errors.reading_unknown", lang, key=self.key, allowed=", ".join(self.allowed))
        return t("errors.reading_value", lang, key=self.key, value=self.value, allowed=", ".join(self.allowed))


# ---------------------------------------------------------------- calendar


def add_years(start: date, years: int) -> date:
    """The corresponding day `years` later; the month's last day where there is none (29 Feb)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # the month stays, so only 29 Feb can be missing: its year ends the month on the 28th
        return start.replace(year=start.year + years, day=28)


def window_start(as_of: date, years: int) -> date:
    """First day of the window 「N年内」 ending on `as_of`; both ends belong to the window."""
    return add_years(as_of, -years)


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


# ---------------------------------------------------------------- the kinds


@dataclass(slots=True)
class _Outcome:
    """What a kind measured; the engine adds the rulebook's side to make a Finding."""

    status: Status
    explanation_key: str
    values: dict[str, Any] = field(default_factory=dict)
    measured: Quantity | None = None
    threshold: Quantity | None = None
    gap: Gap | None = None
    evidence: tuple[Evidence, ...] = ()
    missing_evidence: tuple[str, ...] = ()
    parts: tuple[Part, ...] = ()
    notes: tuple[Message, ...] = ()


_PATHS: dict[str, tuple[str, ...]] = {}  # a rulebook's dotted paths, split once


def _resolve(application: Application, path: str) -> Any:
    """Follow a dotted path; over a list, take the attribute of every element."""
    value: Any = application
    names = _PATHS.get(path)
    if names is None:
        names = _PATHS[path] = tuple(path.split("."))
    for name in names:
        if value is None:
            return None
        if isinstance(value, list):
            value = [getattr(v, name) for v in value]
        else:
            value = getattr(value, name)
    return value


def _min_duration(app: Application, c: Criterion, p: MinDuration, as_of: date, readings: dict[str, str]) -> _Outcome:
    selling = app.centralized_selling
    start: date | None = _resolve(app, p.start)
    threshold = Quantity(p.years, "years")
    if start is None:
        return _Outcome(Status.INSUFFICIENT_EVIDENCE, "engine.tenure.no_start", threshold=threshold, missing_evidence=("centralized_selling",))
    met_on = add_years(start, p.years)
    elapsed = max((as_of - start).days, 0)
    evidence = tuple(selling.evidence) if selling else ()
    values = {"start": start.isoformat(), "met_on": met_on.isoformat(), "days": elapsed, "years": p.years}
    measured = Quantity(elapsed, "days")
    if as_of < met_on:
        gap = Gap(Quantity((met_on - as_of).days, "days"), met_on)
        return _Outcome(Status.NOT_MET, "engine.tenure.not_met", values | {"remaining": gap.amount.value}, measured, threshold, gap, evidence)
    if not evidence:
        return _Outcome(Status.INSUFFICIENT_EVIDENCE, "engine.tenure.no_evidence", values, measured, threshold, None, evidence, ("centralized_selling",))
    return _Outcome(Status.MET, "engine.tenure.met", values, measured, threshold, None, evidence)


def _premium_from_ledger(app: Application, as_of: date) -> tuple[Decimal, list[Message]]:
    """Telemarketing-exclusive premium from selling start up to as_of, with what was left out."""
    since = app.centralized_selling.since if app.centralized_selling else None
    premiums = app.premiums
    total, before_start, after_as_of = premiums.exclusive_between(since.replace(day=1) if since else None, first_uncounted_month(as_of))
    notes = []
    if premiums.other_product_rows:
        notes.append(Message("engine.premium.note_other_products", {"n": premiums.other_product_rows}))
    if before_start:
        notes.append(Message("engine.premium.note_before_start", {"n": before_start}))
    if after_as_of:
        notes.append(Message("engine.premium.note_after_as_of", {"n": after_as_of, "as_of": as_of.isoformat()}))
    return total, notes


def _ledger_sum_until(app: Application, until: date) -> Decimal:
    memo = app.memo()  # asked on the declared total's date, whatever the assessment date: keep it
    total = memo.get(("ledger_sum_until", until))
    if total is None:
        since = app.centralized_selling.since.replace(day=1) if app.centralized_selling else None
        total = memo[("ledger_sum_until", until)] = app.premiums.exclusive_between(since, first_uncounted_month(until))[0]
    return total


def _min_sum(app: Application, c: Criterion, p: MinSum, as_of: date, readings: dict[str, str]) -> _Outcome:
    threshold = Quantity(p.threshold, "yuan")
    ledger, declared = app.premiums.ledger, app.premiums.declared_total
    notes: list[Message] = []
    evidence: tuple[Evidence, ...] = ()
    if ledger:
        total, notes = _premium_from_ledger(app, as_of)
        basis = "ledger"
        if declared is not None:
            evidence = tuple(declared.evidence)
            on_ledger = _ledger_sum_until(app, declared.as_of)
            if on_ledger != declared.amount_yuan:
                notes.append(
                    Message(
                        "engine.premium.note_mismatch",
                        {"declared": format_decimal(declared.amount_yuan), "ledger": format_decimal(on_ledger), "on": declared.as_of.isoformat()},
                    )
                )
    elif declared is not None:
        if declared.as_of > as_of:
            return _Outcome(
                Status.INSUFFICIENT_EVIDENCE, "engine.premium.declared_after_as_of", {"on": declared.as_of.isoformat()}, threshold=threshold, missing_evidence=("premiums",)
            )
        total, basis, evidence = declared.amount_yuan, "declared", tuple(declared.evidence)
    else:
        return _Outcome(Status.INSUFFICIENT_EVIDENCE, "engine.premium.none", threshold=threshold, missing_evidence=("premiums",))
    values = {"basis": Message(f"engine.premium.basis_{basis}"), "amount": total, "threshold": p.threshold}
    measured = Quantity(total, "yuan")
    if total < p.threshold:
        gap = Gap(Quantity(p.threshold - total, "yuan"))
        return _Outcome(Status.NOT_MET, "engine.premium.not_met", values | {"short": p.threshold - total}, measured, threshold, gap, evidence, notes=tuple(notes))
    if basis == "declared" and not evidence:
        return _Outcome(Status.INSUFFICIENT_EVIDENCE, "engine.premium.no_evidence", values, measured, threshold, None, evidence, ("premiums",), notes=tuple(notes))
    return _Outcome(Status.MET, "engine.premium.met", values, measured, threshold, None, evidence, notes=tuple(notes))


def _original_site(app: Application):
    # The original site is the earliest approved; sites with no approval date come after, in file order.
    return min(enumerate(app.existing_sites), key=lambda pair: (pair[1].approval_date or date.max, pair[0]))[1]


def _min_count_per_site(app: Application, c: Criterion, p: MinCountPerSite, as_of: date, readings: dict[str, str]) -> _Outcome:
    threshold = Quantity(p.threshold, "seats")
    if p.sites == "proposed_site":
        seats = app.proposed_site.planned_seats
        values = {"seats": seats, "threshold": p.threshold}
        if seats < p.threshold:
            gap = Gap(Quantity(p.threshold - seats, "seats"))
            return _Outcome(Status.NOT_MET, "engine.new_seats.not_met", values | {"short": p.threshold - seats}, Quantity(seats, "seats"), threshold, gap)
        return _Outcome(Status.MET, "engine.new_seats.met", values, Quantity(seats, "seats"), threshold)
    if not app.existing_sites:
        return _Outcome(Status.INSUFFICIENT_EVIDENCE, "engine.original_seats.none", threshold=threshold, missing_evidence=("existing_sites",))
    reading = readings.get("original_seats", "strict")
    counted = app.existing_sites if reading == "strict" else [_original_site(app)]
    parts = tuple(
        Part(
            site.id,
            {"zh": f"{site.name}（{site.city}）", "en": f"{site.name} ({site.city})"},
            Status.MET if site.seats >= p.threshold else Status.NOT_MET,
            Quantity(site.seats, "seats"),
        )
        for site in counted
    )
    short = sum(max(p.threshold - site.seats, 0) for site in counted)
    lowest = min(counted, key=lambda s: s.seats)
    values = {"n": len(counted), "lowest": lowest.seats, "site": lowest.name, "threshold": p.threshold, "short": short}
    key = f"engine.original_seats.{reading}"
    measured = Quantity(lowest.seats, "seats")
    if short:
        failing = sum(1 for part in parts if part.status is Status.NOT_MET)
        return _Outcome(Status.NOT_MET, f"{key}_not_met", values | {"failing": failing}, measured, threshold, Gap(Quantity(short, "seats")), parts=parts)
    return _Outcome(Status.MET, f"{key}_met", values, measured, threshold, parts=parts)


def _serious(incident: Any, both: bool) -> bool:
    """Whether an incident counts under 「严重损害消费者合法权益、造成重大社会影响」, by the reading chosen."""
    if both:
        return incident.seriously_harmed_consumers and incident.major_social_impact
    return incident.seriously_harmed_consumers or incident.major_social_impact


def _no_event_in_window(app: Application, c: Criterion, p: NoEventInWindow, as_of: date, readings: dict[str, str]) -> _Outcome:
    start = window_start(as_of, p.window_years)
    labels: list[tuple[date, str]] = []
    if p.events == "complaints":
        record, events = app.complaints, app.complaints.incidents
        bounded = True
        if events:
            both = readings.get("complaint_attributes", "either") == "both"
            labels = [(e.date, e.summary) for e in events if start <= e.date <= as_of and _serious(e, both)]
    else:
        record, events = app.violations, app.violations.records
        bounded = readings.get("violations_window", "item") == "item"
        if events:
            counted = [e for e in events if e.decision_date <= as_of and (not bounded or e.decision_date >= start)]
            labels = [(e.decision_date, f"{e.authority} {e.decision_number or ''} {e.kind}".strip()) for e in counted]
    unit = "incidents" if p.events == "complaints" else "violations"
    values = {"start": start.isoformat(), "end": as_of.isoformat(), "n": len(labels), "total": len(events)}
    key = "engine." + p.events
    measured = Quantity(len(labels), unit)
    threshold = Quantity(0, unit)
    if labels:
        parts = tuple(Part(f"{d.isoformat()}#{i}", {"zh": f"{d.isoformat()} {s}", "en": f"{d.isoformat()} {s}"}, Status.NOT_MET) for i, (d, s) in enumerate(labels))
        closes = add_years(max(d for d, _ in labels), p.window_years) + timedelta(days=1) if bounded else None
        values["closes"] = closes.isoformat() if closes else ""
        suffix = "not_met" if bounded else "not_met_unbounded"
        return _Outcome(Status.NOT_MET, f"{key}.{suffix}", values, measured, threshold, Gap(Quantity(len(labels), unit), closes), parts=parts)
    if not record.attested_complete:
        return _Outcome(Status.INSUFFICIENT_EVIDENCE, f"{key}.not_attested", values, measured, threshold, missing_evidence=(p.events,))
    return _Outcome(Status.MET, f"{key}.met" if bounded else f"{key}.met_unbounded", values, measured, threshold)


def _attestation_parts(app: Application, rulebook: Rulebook, group: str, names: list[str]) -> tuple[Part, ...]:
    attestations = getattr(app.unifications, group).__dict__
    parts = []
    for name, key, label in _item_specs(rulebook, group, names):
        a: Attestation = attestations[name]
        if a.attested is False:
            status = Status.NOT_MET
        elif a.attested is None or not a.evidence:
            status = Status.INSUFFICIENT_EVIDENCE
        else:
            status = Status.MET
        parts.append(Part(key, label, status, None, tuple(a.evidence)))
    return tuple(parts)


def _item_specs(rulebook: Rulebook, group: str, names: list[str]) -> list[tuple[str, str, dict[str, str]]]:
    """Name, part key and label of each attested sub-item, looked up once per rulebook."""
    memo = rulebook.memo()
    specs = memo.get(("item_specs", group, id(names)))
    if specs is None or specs[0] is not names:
        specs = memo[("item_specs", group, id(names))] = (names, [(name, f"{group}.{name}", rulebook.item_label(group, name)) for name in names])
    return specs[1]


def _summarize_parts(parts: tuple[Part, ...], missing_facts: list[str], key: str, values: dict[str, Any], measured: Quantity, threshold: Quantity) -> _Outcome:
    # One pass over the parts: an assessment summarizes five groups of them.
    # Evidence is keyed by plain tuples: hashing pydantic models is slow, and equal documents are one document.
    evidence: dict[tuple[str, str | None], Evidence] = {}
    unanswered: list[str] = []
    failing_zh: list[str] = []
    failing_en: list[str] = []
    status = Status.INSUFFICIENT_EVIDENCE if missing_facts else Status.MET
    for part in parts:
        for e in part.evidence:
            evidence[(e.document, e.sha256)] = e
        if part.status is Status.MET:
            continue
        if part.status is Status.NOT_MET:
            status = Status.NOT_MET
        else:
            unanswered.append(part.key)
            if part.status is Status.INSUFFICIENT_EVIDENCE and status is Status.MET:
                status = Status.INSUFFICIENT_EVIDENCE
        failing_zh.append(part.label["zh"])
        failing_en.append(part.label["en"])
    values = {**values, "failing": {"zh": "、".join(failing_zh) or "—", "en": "; ".join(failing_en) or "—"}, "missing": ", ".join(missing_facts) or "—"}
    gap = Gap(Quantity(len(failing_zh), "items")) if status is not Status.MET and failing_zh else None
    return _Outcome(status, key + "." + status.value, values, measured, threshold, gap, tuple(evidence.values()), tuple(unanswered) + tuple(missing_facts), parts)


def _checklist(app: Application, c: Criterion, p: Checklist, as_of: date, readings: dict[str, str], rulebook: Rulebook) -> _Outcome:
    parts = _attestation_parts(app, rulebook, p.group, p.items)
    missing_facts = [path for path in p.requires if not _resolve(app, path)]
    met = sum(1 for part in parts if part.status is Status.MET)
    values = {"met": met, "total": len(parts)}
    return _summarize_parts(parts, missing_facts, "engine.checklist", values, Quantity(met, "items"), Quantity(len(parts), "items"))


def _contained_in(app: Application, c: Criterion, p: ContainedIn, as_of: date, readings: dict[str, str], rulebook: Rulebook) -> _Outcome:
    # Written as plain loops: an assessment runs this twice, and each comprehension is a call.
    items: list[str] = []
    missing_facts: list[str] = []
    for path in p.items:
        found = _resolve(app, path)
        if found:
            items.extend(found)
        else:
            missing_facts.append(path)
    within_raw = _resolve(app, p.within) or []
    within = set()
    for v in within_raw:  # numbers compare without spaces and dashes; codes without case
        within.add((v if isinstance(v, str) else v.code).replace(" ", "").replace("-", "").upper())
    # Against an empty reference list nothing can be shown to be outside it: that is missing data.
    outside_status = Status.NOT_MET if within_raw else Status.INSUFFICIENT_EVIDENCE
    unique = list(dict.fromkeys(items))
    outside: list[str] = []
    listed: list[Part] = []
    for v in unique:
        if v.replace(" ", "").replace("-", "").upper() in within:
            listed.append(Part(f"{p.group}:{v}", {"zh": v, "en": v}, Status.MET))
        else:
            outside.append(v)
            listed.append(Part(f"{p.group}:{v}", {"zh": v, "en": v}, outside_status))
    outside.sort()
    if not within_raw:
        missing_facts.append(p.within)
    inside = len(unique) - len(outside)
    values = {"inside": inside, "total": len(unique), "outside": {"zh": "、".join(outside) or "—", "en": ", ".join(outside) or "—"}}
    parts = tuple(listed) + _attestation_parts(app, rulebook, p.group, p.attested)
    return _summarize_parts(parts, missing_facts, "engine.contained", values, Quantity(inside, "items"), Quantity(len(unique), "items"))


_KINDS: dict[str, Callable[..., _Outcome]] = {
    "min_duration": _min_duration,
    "min_sum": _min_sum,
    "min_count_per_site": _min_count_per_site,
    "no_event_in_window": _no_event_in_window,
}
_KINDS_WITH_RULEBOOK: dict[str, Callable[..., _Outcome]] = {"checklist": _checklist, "contained_in": _contained_in}


# ---------------------------------------------------------------- assess


# Kinds whose finding depends on the application, the rulebook and the readings, but not on the
# assessment date: their findings are kept with the (frozen) application and reused.
_TIMELESS_KINDS = frozenset({"min_count_per_site", "checklist", "contained_in"})


@dataclass(slots=True)
class _Step:
    """One criterion as the engine runs it: what the rulebook says, looked up once per rulebook."""

    criterion: Criterion
    kind: Callable[..., _Outcome]
    with_rulebook: bool
    readings: tuple[str, ...]
    applies_to: frozenset[str]
    timeless: bool
    title: dict[str, str]


@dataclass(slots=True)
class _Plan:
    steps: list[_Step]
    conventions: dict[str, dict[str, str]]
    relocation_note: dict[str, str]


def _plan(rulebook: Rulebook) -> _Plan:
    """The rulebook's criteria ready to run, worked out once and kept with the (frozen) rulebook."""
    memo = rulebook.memo()
    plan = memo.get("engine_plan")
    if plan is None:
        steps = [
            _Step(
                criterion,
                _KINDS.get(criterion.kind) or _KINDS_WITH_RULEBOOK[criterion.kind],
                criterion.kind in _KINDS_WITH_RULEBOOK,
                tuple(criterion.readings),
                frozenset(criterion.applies_to),
                criterion.kind in _TIMELESS_KINDS,
                {"zh": criterion.title_zh, "en": criterion.title_en},
            )
            for criterion in rulebook.criteria
        ]
        conventions = {key: {"zh": c.zh, "en": c.en} for key, c in rulebook.conventions.items()}
        note = {"zh": rulebook.scope.relocation_note_zh, "en": rulebook.scope.relocation_note_en}
        plan = memo["engine_plan"] = _Plan(steps, conventions, note)
    return plan


def _make_finding(app: Application, step: _Step, rulebook: Rulebook, plan: _Plan, as_of: date, readings: dict[str, str], applicable: bool) -> Finding:
    criterion = step.criterion
    used = {key: readings[key] for key in step.readings} if step.readings else {}
    if not applicable:
        return Finding(
            criterion.id, Status.NOT_APPLICABLE, criterion.clause, criterion.text, step.title, None, None, None, used, (), (), Message("", literal=plan.relocation_note)
        )
    if step.with_rulebook:
        outcome = step.kind(app, criterion, criterion.params, as_of, readings, rulebook)
    else:
        outcome = step.kind(app, criterion, criterion.params, as_of, readings)
    return Finding(  # positional, in field order: a finding is built eleven times per assessment
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
    )


@dataclass(slots=True)
class _Dateless:
    rulebook: Rulebook
    findings: list[Finding | None]  # None where the finding depends on the date
    dated: list[int]  # the indices of those
    scope_notes: list[Message]


def _dateless(app: Application, rulebook: Rulebook, plan: _Plan, as_of: date, readings: dict[str, str]) -> _Dateless:
    application_type = app.applicant.application_type  # a StrEnum: equal to its text
    findings: list[Finding | None] = []
    dated = []
    for index, step in enumerate(plan.steps):
        applicable = application_type in step.applies_to
        if step.timeless or not applicable:
            findings.append(_make_finding(app, step, rulebook, plan, as_of, readings, applicable))
        else:
            findings.append(None)
            dated.append(index)
    return _Dateless(rulebook, findings, dated, _scope_notes(app, rulebook))


def _scope_notes(app: Application, rulebook: Rulebook) -> list[Message]:
    notes = []
    if app.applicant.insurer_type.value not in rulebook.scope.insurer_types:
        notes.append(Message("engine.scope.insurer_type", {"kind": app.applicant.insurer_type.value}))
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
    chosen = resolve_readings(rulebook, readings)
    plan = _plan(rulebook)
    memo = application.memo()
    # What does not depend on the date is kept with the frozen application, per rulebook and
    # readings: the findings of timeless kinds and of criteria a relocation does not call for,
    # which criteria are left to work out on each date, and the notes on scope.
    kept = memo.get(("dateless", tuple(chosen.values())))
    if kept is None or kept.rulebook is not rulebook:
        kept = memo[("dateless", tuple(chosen.values()))] = _dateless(application, rulebook, plan, as_of, chosen)
    findings = list(kept.findings)
    for index in kept.dated:
        findings[index] = _make_finding(application, plan.steps[index], rulebook, plan, as_of, chosen, True)
    scope_notes = kept.scope_notes
    notes = list(scope_notes)
    if application.applicant.application_type == "relocation":
        notes.append(Message("", literal=plan.relocation_note))
    return Assessment(
        verdict=_verdict(findings, bool(scope_notes)),
        as_of=as_of,
        rulebook_id=rulebook.id,
        rulebook_version=rulebook.version,
        readings=chosen,
        fingerprint=fingerprint(application, rulebook, chosen, as_of),
        findings=tuple(findings),
        notes=tuple(notes),
        conventions=plan.conventions,
    )
