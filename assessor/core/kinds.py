"""The criterion kinds: a minimum duration, a minimum sum, a minimum count per site, no event in
a window, a checklist of attested items with evidence, and a set contained in an approved set.

Each kind measures one criterion of the application against the thresholds the rulebook gives it
and says what it found; the engine adds the rulebook's side (clause, text, title) to make a Finding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ..i18n import format_decimal
from .model import Application, Attestation, Evidence, first_uncounted_month
from .results import Gap, Message, Part, Quantity, Shortfall, Status, read_only
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


_ONE_DAY = timedelta(days=1)


def leaves_window(day: date, years: int) -> date:
    """The first assessment date whose window 「N年内」 no longer holds `day`.

    Usually the day after its anniversary; but seen from 29 Feb the window opens on 28 Feb of
    the year before, so an event on 28 Feb is still inside on 29 Feb and leaves on 1 March."""
    leaves = add_years(day, years) + _ONE_DAY
    while window_start(leaves, years) <= day:
        leaves += _ONE_DAY
    return leaves


@dataclass(slots=True)
class Outcome:
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


_new_tuple = tuple.__new__  # builds a result tuple without a Python-level __new__, where many are made

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


def _min_duration(app: Application, c: Criterion, p: MinDuration, as_of: date, readings: dict[str, str]) -> Outcome:
    selling = app.centralized_selling
    start: date | None = _resolve(app, p.start)
    threshold = Quantity(p.years, "years")
    if start is None:
        return Outcome(Status.INSUFFICIENT_EVIDENCE, "engine.tenure.no_start", threshold=threshold, missing_evidence=("centralized_selling",))
    met_on = add_years(start, p.years)
    elapsed = max((as_of - start).days, 0)
    evidence = tuple(selling.evidence) if selling else ()
    values = {"start": start.isoformat(), "met_on": met_on.isoformat(), "days": elapsed, "years": p.years}
    measured = Quantity(elapsed, "days")
    if as_of < met_on:
        gap = Gap(Quantity((met_on - as_of).days, "days"), met_on)
        return Outcome(Status.NOT_MET, "engine.tenure.not_met", values | {"remaining": gap.amount.value}, measured, threshold, gap, evidence)
    if not evidence:
        return Outcome(Status.INSUFFICIENT_EVIDENCE, "engine.tenure.no_evidence", values, measured, threshold, None, evidence, ("centralized_selling",))
    return Outcome(Status.MET, "engine.tenure.met", values, measured, threshold, None, evidence)


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


def _min_sum(app: Application, c: Criterion, p: MinSum, as_of: date, readings: dict[str, str]) -> Outcome:
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
            return Outcome(
                Status.INSUFFICIENT_EVIDENCE, "engine.premium.declared_after_as_of", {"on": declared.as_of.isoformat()}, threshold=threshold, missing_evidence=("premiums",)
            )
        total, basis, evidence = declared.amount_yuan, "declared", tuple(declared.evidence)
    else:
        return Outcome(Status.INSUFFICIENT_EVIDENCE, "engine.premium.none", threshold=threshold, missing_evidence=("premiums",))
    values = {"basis": Message(f"engine.premium.basis_{basis}"), "amount": total, "threshold": p.threshold}
    measured = Quantity(total, "yuan")
    if total < p.threshold:
        gap = Gap(Quantity(p.threshold - total, "yuan"))
        return Outcome(Status.NOT_MET, "engine.premium.not_met", values | {"short": Shortfall(p.threshold - total)}, measured, threshold, gap, evidence, notes=tuple(notes))
    if basis == "declared" and not evidence:
        return Outcome(Status.INSUFFICIENT_EVIDENCE, "engine.premium.no_evidence", values, measured, threshold, None, evidence, ("premiums",), notes=tuple(notes))
    return Outcome(Status.MET, "engine.premium.met", values, measured, threshold, None, evidence, notes=tuple(notes))


def _original_site(app: Application):
    # The original site is the earliest approved; sites with no approval date come after, in file order.
    return min(enumerate(app.existing_sites), key=lambda pair: (pair[1].approval_date or date.max, pair[0]))[1]


def _min_count_per_site(app: Application, c: Criterion, p: MinCountPerSite, as_of: date, readings: dict[str, str]) -> Outcome:
    threshold = Quantity(p.threshold, "seats")
    if p.sites == "proposed_site":
        seats = app.proposed_site.planned_seats
        values = {"seats": seats, "threshold": p.threshold}
        if seats < p.threshold:
            gap = Gap(Quantity(p.threshold - seats, "seats"))
            return Outcome(Status.NOT_MET, "engine.new_seats.not_met", values | {"short": p.threshold - seats}, Quantity(seats, "seats"), threshold, gap)
        return Outcome(Status.MET, "engine.new_seats.met", values, Quantity(seats, "seats"), threshold)
    if not app.existing_sites:
        return Outcome(Status.INSUFFICIENT_EVIDENCE, "engine.original_seats.none", threshold=threshold, missing_evidence=("existing_sites",))
    reading = readings.get("original_seats", "strict")
    counted = app.existing_sites if reading == "strict" else [_original_site(app)]
    parts = tuple(
        Part(
            site.id,
            read_only({"zh": f"{site.name}（{site.city}）", "en": f"{site.name} ({site.city})"}),
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
        return Outcome(Status.NOT_MET, f"{key}_not_met", values | {"failing": failing}, measured, threshold, Gap(Quantity(short, "seats")), parts=parts)
    return Outcome(Status.MET, f"{key}_met", values, measured, threshold, parts=parts)


def _serious(incident: Any, both: bool) -> bool:
    """Whether an incident counts under 「严重损害消费者合法权益、造成重大社会影响」, by the reading chosen."""
    if both:
        return incident.seriously_harmed_consumers and incident.major_social_impact
    return incident.seriously_harmed_consumers or incident.major_social_impact


def _no_event_in_window(app: Application, c: Criterion, p: NoEventInWindow, as_of: date, readings: dict[str, str]) -> Outcome:
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
        parts = tuple(Part(f"{d.isoformat()}#{i}", read_only({"zh": f"{d.isoformat()} {s}", "en": f"{d.isoformat()} {s}"}), Status.NOT_MET) for i, (d, s) in enumerate(labels))
        closes = leaves_window(max(d for d, _ in labels), p.window_years) if bounded else None
        values["closes"] = closes.isoformat() if closes else ""
        suffix = "not_met" if bounded else "not_met_unbounded"
        return Outcome(Status.NOT_MET, f"{key}.{suffix}", values, measured, threshold, Gap(Quantity(len(labels), unit), closes), parts=parts)
    if not record.attested_complete:
        return Outcome(Status.INSUFFICIENT_EVIDENCE, f"{key}.not_attested", values, measured, threshold, missing_evidence=(p.events,))
    return Outcome(Status.MET, f"{key}.met" if bounded else f"{key}.met_unbounded", values, measured, threshold)


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
        parts.append(_new_tuple(Part, (key, label, status, None, tuple(a.evidence))))  # a part per sub-item: the tuple made directly
    return tuple(parts)


def _item_specs(rulebook: Rulebook, group: str, names: list[str]) -> list[tuple[str, str, dict[str, str]]]:
    """Name, part key and label of each attested sub-item, looked up once per rulebook."""
    memo = rulebook.memo()
    specs = memo.get(("item_specs", group, id(names)))
    if specs is None or specs[0] is not names:
        specs = memo[("item_specs", group, id(names))] = (names, [(name, f"{group}.{name}", read_only(rulebook.item_label(group, name))) for name in names])
    return specs[1]


def _summarize_parts(parts: tuple[Part, ...], missing_facts: list[str], key: str, values: dict[str, Any], measured: Quantity, threshold: Quantity) -> Outcome:
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
    values = {**values, "failing": read_only({"zh": "、".join(failing_zh) or "—", "en": "; ".join(failing_en) or "—"}), "missing": ", ".join(missing_facts) or "—"}
    gap = Gap(Quantity(len(failing_zh), "items")) if status is not Status.MET and failing_zh else None
    return Outcome(status, key + "." + status.value, values, measured, threshold, gap, tuple(evidence.values()), tuple(unanswered) + tuple(missing_facts), parts)


def _checklist(app: Application, c: Criterion, p: Checklist, as_of: date, readings: dict[str, str], rulebook: Rulebook) -> Outcome:
    parts = _attestation_parts(app, rulebook, p.group, p.items)
    missing_facts = [path for path in p.requires if not _resolve(app, path)]
    met = sum(1 for part in parts if part.status is Status.MET)
    values = {"met": met, "total": len(parts)}
    return _summarize_parts(parts, missing_facts, "engine.checklist", values, Quantity(met, "items"), Quantity(len(parts), "items"))


def _contained_in(app: Application, c: Criterion, p: ContainedIn, as_of: date, readings: dict[str, str], rulebook: Rulebook) -> Outcome:
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
            listed.append(_new_tuple(Part, (f"{p.group}:{v}", read_only({"zh": v, "en": v}), Status.MET, None, ())))
        else:
            outside.append(v)
            listed.append(_new_tuple(Part, (f"{p.group}:{v}", read_only({"zh": v, "en": v}), outside_status, None, ())))
    outside.sort()
    if not within_raw:
        missing_facts.append(p.within)
    inside = len(unique) - len(outside)
    values = {"inside": inside, "total": len(unique), "outside": read_only({"zh": "、".join(outside) or "—", "en": ", ".join(outside) or "—"})}
    parts = tuple(listed) + _attestation_parts(app, rulebook, p.group, p.attested)
    return _summarize_parts(parts, missing_facts, "engine.contained", values, Quantity(inside, "items"), Quantity(len(unique), "items"))


KINDS: dict[str, Callable[..., Outcome]] = {
    "min_duration": _min_duration,
    "min_sum": _min_sum,
    "min_count_per_site": _min_count_per_site,
    "no_event_in_window": _no_event_in_window,
}
KINDS_WITH_RULEBOOK: dict[str, Callable[..., Outcome]] = {"checklist": _checklist, "contained_in": _contained_in}
