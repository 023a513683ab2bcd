"""A minimum sum: the telemarketing-exclusive premium of a monthly ledger (or a declared total
standing in for one) from the month a start date falls in, up to the assessment date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ...i18n import format_decimal, t
from ..model import Application, first_uncounted_month
from ..results import Gap, Message, Quantity, Shortfall, Status
from ..changes import Change, Edit, WhatIf
from .whatif import _placeholder_document, _pointer
from .base import Kind, Outcome, Params, PathCheck, resolve


class MinSumParams(Params):
    premiums: str  # path to the premiums: a monthly ledger and a declared total
    since: str  # path to the date the sum runs from
    threshold: Decimal
    unit: str = "yuan"


class MinSum(Kind):
    name = "min_sum"
    Params = MinSumParams
    dated = True  # a month counts once it has ended

    def paths(self, params: MinSumParams) -> list[PathCheck]:
        return [PathCheck("premiums", params.premiums, "premiums"), PathCheck("since", params.since, "date")]

    def counted(self, app: Application, params: MinSumParams, as_of: date) -> tuple[Decimal, int, int]:
        """The ledger's exclusive premium counted on `as_of`, and the rows left out before the
        start and after `as_of`."""
        since: date | None = resolve(app, params.since)
        premiums = resolve(app, params.premiums)
        return premiums.exclusive_between(since.replace(day=1) if since else None, first_uncounted_month(as_of))

    def measure(self, app: Application, params: MinSumParams, as_of: date, labels: Any) -> Outcome:
        threshold = Quantity(params.threshold, params.unit)
        premiums = resolve(app, params.premiums)
        ledger, declared = premiums.ledger, premiums.declared_total
        notes: list[Message] = []
        evidence: tuple = ()
        if ledger:
            total, before_start, after_as_of = self.counted(app, params, as_of)
            basis = "ledger"
            if premiums.other_product_rows:
                notes.append(Message("engine.min_sum.note_other_products", {"n": premiums.other_product_rows}))
            if before_start:
                notes.append(Message("engine.min_sum.note_before_start", {"n": before_start}))
            if after_as_of:
                notes.append(Message("engine.min_sum.note_after_as_of", {"n": after_as_of, "as_of": as_of.isoformat()}))
            if declared is not None:
                evidence = tuple(declared.evidence)
                on_ledger = self.counted(app, params, declared.as_of)[0]
                if on_ledger != declared.amount_yuan:
                    notes.append(
                        Message(
                            "engine.min_sum.note_mismatch",
                            {"declared": format_decimal(declared.amount_yuan), "ledger": format_decimal(on_ledger), "on": declared.as_of.isoformat()},
                        )
                    )
            on = as_of
        elif declared is not None:
            if declared.as_of > as_of:
                return Outcome(Status.INSUFFICIENT_EVIDENCE, "declared_after_as_of", {"on": declared.as_of.isoformat()}, threshold=threshold, missing_evidence=(params.premiums,))
            total, basis, evidence, on = declared.amount_yuan, "declared", tuple(declared.evidence), declared.as_of
        else:
            return Outcome(Status.INSUFFICIENT_EVIDENCE, "none", threshold=threshold, missing_evidence=(params.premiums,))
        # A figure is stated as of its own cut-off date: a declared total's, or the assessment date's.
        facts = {"basis": Message(f"engine.min_sum.basis_{basis}"), "amount": total, "threshold": params.threshold, "on": on.isoformat()}
        measured = Quantity(total, params.unit)
        if total < params.threshold:
            gap = Gap(Quantity(params.threshold - total, params.unit))
            return Outcome(Status.NOT_MET, "not_met", facts | {"short": Shortfall(params.threshold - total)}, measured, threshold, gap, evidence, notes=tuple(notes))
        if not evidence and basis == "declared":
            return Outcome(Status.INSUFFICIENT_EVIDENCE, "no_evidence", facts, measured, threshold, None, evidence, (params.premiums,), notes=tuple(notes))
        return Outcome(Status.MET, "met", facts, measured, threshold, None, evidence, notes=tuple(notes))

    def next_date(self, finding, on):
        return None  # a sum grows only with new months: the forecast projects them

    def changes(self, app: Application, criterion: Any, finding: Any, whatif: WhatIf) -> list[Change]:
        """Add the premium short in the last complete month (or to the declared total), or
        wait for the projected crossing; a met figure without a document gets one."""
        as_of, lang = whatif.as_of, whatif.lang
        p = criterion.params
        premiums = resolve(app, p.premiums)
        where = _pointer(p.premiums)
        changes = []
        counted = finding.measured.value if finding.measured else Decimal(0)
        short = p.threshold - counted
        declared = premiums.declared_total
        if finding.status is Status.INSUFFICIENT_EVIDENCE and counted >= p.threshold and declared is not None:
            edit = Edit(f"{where}/declared_total/evidence/-", _placeholder_document(criterion.title_zh if lang == "zh" else criterion.title_en, lang))
            return [Change(criterion.id, "evidence", (Message("forecast.change.evidence", {"item": {"zh": criterion.title_zh, "en": criterion.title_en}}),), (edit,))]
        if short <= 0:
            return []
        amount = Quantity(short, "yuan")
        last_complete = _month_before(first_uncounted_month(as_of))
        since = resolve(app, p.since)
        start = since.replace(day=1) if since else None
        if premiums.ledger or declared is None:
            if start is None or last_complete >= start:
                exclusive = [r for r in premiums.ledger if r.telemarketing_exclusive]
                product = exclusive[-1].product_code if exclusive else t("forecast.change.placeholder_text", lang)
                row = {"month": last_complete.isoformat(), "product_code": product, "telemarketing_exclusive": True, "premium": format(short, "f"), "unit": "元"}
                step = Message("forecast.change.add_premium", {"amount": Shortfall(short), "month": last_complete.strftime("%Y-%m")})
                changes.append(Change(criterion.id, "add_premium", (step,), (Edit(f"{where}/ledger/-", row),), amount=amount))
        elif declared.as_of <= as_of:
            edits = (Edit(f"{where}/declared_total/amount", format(declared.amount_yuan + short, "f")), Edit(f"{where}/declared_total/unit", "元"))
            changes.append(Change(criterion.id, "add_premium", (Message("forecast.change.add_declared", {"amount": Shortfall(short)}),), edits, amount=amount))
        met_on = whatif.met_on.get(criterion.id)
        if met_on is not None and met_on > as_of and whatif.run_rate is not None:
            step = Message("forecast.change.wait_projected", {"date": met_on.isoformat(), "rate": whatif.run_rate.per_month})
            changes.append(Change(criterion.id, "wait", (step,), wait_until=met_on, run_rate=whatif.run_rate))
        return changes


def _month_before(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else month.replace(month=month.month - 1)
