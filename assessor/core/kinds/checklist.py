"""A checklist of attested items, each with its evidence; and the shared summary of parts that
the set kind uses too."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from ..model import Application, Attestation, Evidence
from ..results import Gap, Part, Quantity, Status
from ..changes import Change, WhatIf
from .whatif import _attest_edits, _missing_fact_edits
from .base import Kind, Outcome, Params, PathCheck, gather, resolve


class ChecklistParams(Params):
    group: str  # the group of attestations under `unifications`
    attested: list[str] = Field(min_length=1)
    requires: list[str] = []  # paths that must hold a value


def attested_parts(app: Application, group: str, names: list[str], labels: Any) -> list[Part]:
    """A part per attested item: not in place, unanswered or without a document, or met."""
    attestations = getattr(app.unifications, group)
    parts = []
    for name in names:
        a: Attestation = getattr(attestations, name)
        if a.attested is False:
            status = Status.NOT_MET
        elif a.attested is None or not a.evidence:
            status = Status.INSUFFICIENT_EVIDENCE
        else:
            status = Status.MET
        label = labels[group][name]
        parts.append(Part(f"{group}.{name}", {"zh": label.zh, "en": label.en}, status, None, tuple(a.evidence)))
    return parts


def summarize(parts: list[Part], missing: list[str], facts: dict[str, Any], measured: Quantity, threshold: Quantity) -> Outcome:
    """One status from the parts: any not met fails; else anything unanswered or missing is
    insufficient. The failing parts are named, each with what it is."""
    evidence: dict[tuple[str, str | None], Evidence] = {}
    unanswered: list[str] = []
    failing: list[Part] = []
    status = Status.INSUFFICIENT_EVIDENCE if missing else Status.MET
    for part in parts:
        for e in part.evidence:
            evidence[(e.document, e.sha256)] = e
        if part.status is Status.MET:
            continue
        if part.status is Status.NOT_MET:
            status = Status.NOT_MET
        else:
            unanswered.append(part.key)
            if status is Status.MET:
                status = Status.INSUFFICIENT_EVIDENCE
        failing.append(part)
    facts = {
        **facts,
        "failing": {"zh": "、".join(p.label["zh"] for p in failing) or "—", "en": "; ".join(p.label["en"] for p in failing) or "—"},
        "missing": ", ".join(missing) or "—",
    }
    gap = Gap(Quantity(len(failing), "items")) if status is not Status.MET and failing else None
    return Outcome(status, status.value, facts, measured, threshold, gap, tuple(evidence.values()), tuple(unanswered) + tuple(missing), tuple(parts))


class Checklist(Kind):
    name = "checklist"
    Params = ChecklistParams

    def paths(self, params: ChecklistParams) -> list[PathCheck]:
        return [PathCheck(f"requires.{i}", path) for i, path in enumerate(params.requires)] + [
            PathCheck(f"attested.{i}", f"unifications.{params.group}.{name}") for i, name in enumerate(params.attested)
        ]

    def measure(self, app: Application, params: ChecklistParams, as_of: date, labels: Any) -> Outcome:
        parts = attested_parts(app, params.group, params.attested, labels)
        missing = [path for path in params.requires if gather(app, path)[1]]
        met = sum(1 for part in parts if part.status is Status.MET)
        return summarize(parts, missing, {"met": met, "total": len(parts)}, Quantity(met, "items"), Quantity(len(parts), "items"))

    def changes(self, app: Application, criterion: Any, finding: Any, whatif: WhatIf) -> list[Change]:
        """Attest each item with a document; supply each missing fact."""
        lang = whatif.lang
        p = criterion.params
        edits, steps = _attest_edits(app, finding.parts, p.group, lang)
        missing = [path for path in p.requires if not resolve(app, path)]
        more_edits, more_steps, _ = _missing_fact_edits(app, missing, lang)
        return [Change(criterion.id, "attest", tuple(steps + more_steps), tuple(edits + more_edits), amount=finding.gap.amount if finding.gap else None)]
