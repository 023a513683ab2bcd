"""A minimum count per site: each site counted (all of them, or only the earliest approved,
as the reading chooses) holds at least N of something, shown by its own evidence."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field

from ..model import Application
from ..results import Message, Gap, Part, Quantity, Status
from ..changes import Change, Edit, WhatIf
from .whatif import _placeholder_document, _pointer
from .base import Kind, Outcome, Params, PathCheck, resolve


class MinCountParams(Params):
    sites: str  # path to a site or a list of sites
    count: str  # the field of a site that holds the count (seats, planned_seats)
    evidence: str  # the field of a site that holds the documents backing the count
    threshold: int = Field(ge=1)
    unit: str = "seats"
    # all: every site counts; earliest: only the earliest approved (sites with no approval
    # date come after, in file order)
    select: Literal["all", "earliest"] = "all"


class MinCountPerSite(Kind):
    name = "min_count_per_site"
    Params = MinCountParams

    def paths(self, params: MinCountParams) -> list[PathCheck]:
        return [
            PathCheck("sites", params.sites),
            PathCheck("count", f"{params.sites}.{params.count}"),
            PathCheck("evidence", f"{params.sites}.{params.evidence}"),
        ]

    def measure(self, app: Application, params: MinCountParams, as_of: date, labels: Any) -> Outcome:
        threshold = Quantity(params.threshold, params.unit)
        found = resolve(app, params.sites)
        one = not isinstance(found, list)  # a single site (the proposed one) reads as one
        sites = found if isinstance(found, list) else [found] if found is not None else []
        if not sites:
            return Outcome(Status.INSUFFICIENT_EVIDENCE, "none", threshold=threshold, missing_evidence=(params.sites,))
        if params.select == "earliest":
            sites = [min(enumerate(sites), key=lambda pair: (getattr(pair[1], "approval_date", None) or date.max, pair[0]))[1]]
        parts = []
        short = 0
        for index, site in enumerate(sites):
            count = getattr(site, params.count)
            evidence = tuple(getattr(site, params.evidence))
            if count < params.threshold:
                status = Status.NOT_MET
                short += params.threshold - count
            elif not evidence:
                # The data decides, and a figure with nothing behind it decides nothing.
                status = Status.INSUFFICIENT_EVIDENCE
            else:
                status = Status.MET
            parts.append(Part(getattr(site, "id", str(index)), site.label(), status, Quantity(count, params.unit), evidence))
        lowest = min(parts, key=lambda part: part.measured.value)
        facts = {
            "n": len(parts),
            "lowest": lowest.measured.value,
            "site": lowest.label,
            "threshold": params.threshold,
            "short": short,
            "select": params.select,
        }
        measured = Quantity(lowest.measured.value, params.unit)
        evidence = tuple(e for part in parts for e in part.evidence)
        select = "one" if one else params.select
        if short:
            failing = sum(1 for part in parts if part.status is Status.NOT_MET)
            return Outcome(Status.NOT_MET, f"{select}_not_met", facts | {"failing": failing}, measured, threshold, Gap(Quantity(short, params.unit)), evidence, parts=tuple(parts))
        unbacked = [part for part in parts if part.status is Status.INSUFFICIENT_EVIDENCE]
        if unbacked:
            names = {"zh": "、".join(p.label["zh"] for p in unbacked), "en": "; ".join(p.label["en"] for p in unbacked)}
            missing = tuple(f"{params.sites}.{params.evidence}" for _ in unbacked[:1])
            return Outcome(Status.INSUFFICIENT_EVIDENCE, "no_evidence", facts | {"unbacked": names}, measured, threshold, None, evidence, missing, tuple(parts))
        return Outcome(Status.MET, f"{select}_met", facts, measured, threshold, None, evidence, parts=tuple(parts))

    def changes(self, app: Application, criterion: Any, finding: Any, whatif: WhatIf) -> list[Change]:
        """Raise each short site to the threshold; back each unbacked count with a document."""
        lang = whatif.lang
        p = criterion.params
        data = app.model_dump(mode="json")
        sites = resolve(app, p.sites)
        single = not isinstance(sites, list)
        sites = [sites] if single else sites
        base = _pointer(p.sites)
        edits, steps, total = [], [], 0
        for index, site in enumerate(sites):
            where = base if single else f"{base}/{index}"
            part = next((part for part in finding.parts if part.label == site.label()), None)
            if part is None or part.status is Status.MET:
                continue
            count = getattr(site, p.count)
            if count < p.threshold:
                short = p.threshold - count
                total += short
                edits.append(Edit(f"{where}/{p.count}", p.threshold))
                steps.append(Message("forecast.change.add_seats", {"site": site.label(), "seats": short, "total": p.threshold}))
            if not getattr(site, p.evidence):
                edits.append(Edit(f"{where}/{p.evidence}/-", _placeholder_document(site.label()[lang], lang)))
                steps.append(Message("forecast.change.evidence", {"item": site.label()}))
        del data
        if not edits:
            return [Change(criterion.id, "provide", (Message("forecast.change.provide", {"field": p.sites}),))]
        targets = ",".join(part.key for part in finding.parts if part.status is not Status.MET)
        kind = "add_seats" if total else "evidence"
        return [Change(criterion.id, kind, tuple(steps), tuple(edits), amount=Quantity(total, p.unit) if total else None, target=targets)]
