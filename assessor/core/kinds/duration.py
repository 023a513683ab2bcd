"""A minimum duration: a start date, and N calendar years that must have passed since it."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from ..model import Application
from ..results import Message, Gap, Quantity, Status
from ..changes import Change, Edit, WhatIf
from .whatif import _placeholder_document, _pointer
from .base import Kind, Outcome, Params, PathCheck, add_years, resolve


class MinDurationParams(Params):
    start: str  # path to the date the duration runs from
    evidence: str  # path to the documents that show the start
    years: int = Field(ge=1)


class MinDuration(Kind):
    name = "min_duration"
    Params = MinDurationParams
    dated = True

    def paths(self, params: MinDurationParams) -> list[PathCheck]:
        return [PathCheck("start", params.start, "date"), PathCheck("evidence", params.evidence)]

    def measure(self, app: Application, params: MinDurationParams, as_of: date, labels: Any) -> Outcome:
        start: date | None = resolve(app, params.start)
        threshold = Quantity(params.years, "years")
        owner = params.start.rsplit(".", 1)[0]
        if start is None:
            return Outcome(Status.INSUFFICIENT_EVIDENCE, "no_start", threshold=threshold, missing_evidence=(owner,))
        met_on = add_years(start, params.years)
        elapsed = max((as_of - start).days, 0)
        evidence = tuple(resolve(app, params.evidence) or ())
        facts = {"start": start.isoformat(), "met_on": met_on.isoformat(), "days": elapsed, "years": params.years}
        measured = Quantity(elapsed, "days")
        if as_of < met_on:
            gap = Gap(Quantity((met_on - as_of).days, "days"), met_on)
            return Outcome(Status.NOT_MET, "not_met", facts | {"remaining": gap.amount.value}, measured, threshold, gap, evidence)
        if not evidence:
            return Outcome(Status.INSUFFICIENT_EVIDENCE, "no_evidence", facts, measured, threshold, None, evidence, (params.evidence,))
        return Outcome(Status.MET, "met", facts, measured, threshold, None, evidence)

    def changes(self, app: Application, criterion: Any, finding: Any, whatif: WhatIf) -> list[Change]:
        """Wait for the date the duration completes; supply a start, or its document."""
        as_of, lang = whatif.as_of, whatif.lang
        p = criterion.params
        parent = p.start.rsplit(".", 1)[0]
        evidence_path = _pointer(parent) + "/evidence/-"
        has_evidence = bool(resolve(app, parent) and resolve(app, parent).evidence)
        item = criterion.title_zh if lang == "zh" else criterion.title_en
        evidence = [Edit(evidence_path, _placeholder_document(item, lang))] if not has_evidence else []
        evidence_step = [Message("forecast.change.evidence", {"item": {"zh": criterion.title_zh, "en": criterion.title_en}})] if not has_evidence else []
        if resolve(app, p.start) is None:
            latest = add_years(as_of, -p.years)
            value = {"since": latest.isoformat(), "evidence": [_placeholder_document(item, lang)]}
            return [Change(criterion.id, "set_start", (Message("forecast.change.set_start", {"date": latest.isoformat()}),), (Edit(_pointer(parent), value),))]
        if finding.status is Status.NOT_MET and finding.gap and finding.gap.closes_on:
            closes = finding.gap.closes_on
            steps = (Message("forecast.change.wait", {"date": closes.isoformat()}), *evidence_step)
            return [Change(criterion.id, "wait", steps, tuple(evidence), wait_until=closes, amount=finding.gap.amount)]
        return [Change(criterion.id, "evidence", tuple(evidence_step), tuple(evidence))]
