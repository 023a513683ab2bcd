"""A minimum duration: a start date, and N calendar years that must have passed since it."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from ..model import Application
from ..results import Gap, Quantity, Status
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
