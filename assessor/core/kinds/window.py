"""No event in a window: no record of a list (complaints, violations) that counts, dated within
「N年内」 of the assessment date; or, unbounded, at any time. A list the applicant has not
attested complete cannot show that nothing happened."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field

from ..model import Application
from ..results import Message, Gap, Part, Quantity, Status
from ..changes import Change, Edit, WhatIf
from .whatif import _pointer
from .base import Kind, Outcome, Params, PathCheck, leaves_window, resolve, window_start


class NoEventParams(Params):
    events: str  # path to the list of records
    complete: str  # path to the applicant's attestation that the list is complete
    date: str  # the field of a record that dates it
    # A record whose date field is empty (a violation with no decision yet) counts: it is open.
    counts_if: list[str] = []  # yes/no fields of a record; empty: every record counts
    match: Literal["any", "all"] = "any"
    window_years: int = Field(ge=1)
    bounded: bool = True
    unit: str = "incidents"


class NoEventInWindow(Kind):
    name = "no_event_in_window"
    Params = NoEventParams
    dated = True

    def paths(self, params: NoEventParams) -> list[PathCheck]:
        checks = [PathCheck("events", params.events), PathCheck("complete", params.complete), PathCheck("date", f"{params.events}.{params.date}")]
        checks += [PathCheck(f"counts_if.{i}", f"{params.events}.{name}") for i, name in enumerate(params.counts_if)]
        return checks

    def _counts(self, record: Any, params: NoEventParams) -> bool:
        if not params.counts_if:
            return True
        flags = [getattr(record, name) for name in params.counts_if]
        return any(flags) if params.match == "any" else all(flags)

    def measure(self, app: Application, params: NoEventParams, as_of: date, labels: Any) -> Outcome:
        start = window_start(as_of, params.window_years)
        records = resolve(app, params.events) or []
        counted: list[tuple[date | None, Any]] = []
        for record in records:
            day = getattr(record, params.date)
            if not self._counts(record, params):
                continue
            if day is None or (day <= as_of and (not params.bounded or day >= start)):
                counted.append((day, record))
        facts = {"start": start.isoformat(), "end": as_of.isoformat(), "n": len(counted), "total": len(records), "years": params.window_years}
        measured = Quantity(len(counted), params.unit)
        threshold = Quantity(0, params.unit)
        suffix = "" if params.bounded else "_unbounded"
        if counted:
            parts = []
            for i, (day, record) in enumerate(counted):
                when = day.isoformat() if day else "—"
                label = record.label()
                parts.append(Part(f"{when}#{i}", {"zh": f"{when} {label['zh']}", "en": f"{when} {label['en']}"}, Status.NOT_MET))
            dated = [day for day, _ in counted if day is not None]
            # An open record (no date yet) never leaves the window by time alone.
            closes = leaves_window(max(dated), params.window_years) if params.bounded and len(dated) == len(counted) else None
            facts["closes"] = closes.isoformat() if closes else ""
            outcome = "not_met" + suffix if closes or not params.bounded else "not_met_open"
            return Outcome(Status.NOT_MET, outcome, facts, measured, threshold, Gap(Quantity(len(counted), params.unit), closes), parts=tuple(parts))
        if not resolve(app, params.complete):
            return Outcome(Status.INSUFFICIENT_EVIDENCE, "not_attested" + suffix, facts, measured, threshold, missing_evidence=(params.complete,))
        return Outcome(Status.MET, "met" + suffix, facts, measured, threshold)

    def changes(self, app: Application, criterion: Any, finding: Any, whatif: WhatIf) -> list[Change]:
        """Wait until the last record leaves the window; attest the list complete."""
        p = criterion.params
        complete = bool(resolve(app, p.complete))
        attest = [] if complete else [Edit(_pointer(p.complete), True)]
        attest_step = [] if complete else [Message("forecast.change.attest_complete", {"record": p.noun or {"zh": criterion.title_zh, "en": criterion.title_en}})]
        if finding.status is Status.NOT_MET:
            met_on = whatif.met_on.get(criterion.id)
            closes = met_on or (finding.gap.closes_on if finding.gap else None)
            if closes is None:
                return []  # time does not fix it and no fact can be undone: the forecast says why
            steps = (Message("forecast.change.wait", {"date": closes.isoformat()}), *attest_step)
            return [Change(criterion.id, "wait", steps, tuple(attest), wait_until=closes)]
        return [Change(criterion.id, "attest_complete", tuple(attest_step), tuple(attest))]
