"""The readiness report: what was measured, against which threshold, from which rows.

Plain frozen data (pydantic), language-neutral; wording comes from `assessor.i18n` when the
report is shown (`render_text`, `view`). The same logs, date and attestations give the same
report, so its JSON is stable.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..i18n import t
from ..core.model import Evidence


class DutyStatus(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    REVIEW = "review"  # figures to look at; the notice sets no pass mark (bulk policies)
    REPORTED = "reported"  # a figure the notice asks to track, without a threshold
    NOT_MEASURED = "not_measured"  # no log, or the log lacks the columns
    INSUFFICIENT_EVIDENCE = "insufficient_evidence"  # attested duty not answered or without evidence


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quantity(_Frozen):
    value: Decimal
    unit: str  # share | calls | agents | policies | recordings | groups | per_10k | bulk_default | bulk_chosen

    def text(self, lang: str = "zh") -> str:
        if self.unit == "share":
            pct = (self.value * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
            return t("readiness.units.share", lang, value=format(pct.normalize(), "f"))
        value = self.value.quantize(Decimal("0.01"), ROUND_HALF_UP).normalize() if self.value != self.value.to_integral() else self.value.to_integral()
        return t(f"readiness.units.{self.unit}", lang, value=format(value, ",f"))


class LogIssue(_Frozen):
    """Rows of a log left out of some figures, and why; never a silent drop."""

    kind: str
    code: str  # locale key under readiness.issues
    column: str | None = None
    count: int
    affects: tuple[str, ...] = ()  # duty ids whose figures leave these rows out; () = every figure of the log
    examples: tuple[str, ...] = ()
    files: tuple[str, ...] = ()  # the files holding these rows, where known

    def text(self, lang: str = "zh") -> str:
        affects = ", ".join(self.affects) if self.affects else t("readiness.issues.all_figures", lang)
        return t(
            f"readiness.issues.{self.code}",
            lang,
            count=f"{self.count:,}",
            column=self.column or "",
            affects=affects,
            examples="、".join(self.examples) if lang == "zh" else ", ".join(self.examples),
            files=("、" if lang == "zh" else ", ").join(self.files) or "—",
        )


class LogSummary(_Frozen):
    file: str
    kind: str | None
    format: str | None
    timezone: str | None
    rows: int
    columns: tuple[str, ...] = ()
    error_key: str | None = None  # set when the whole file was not used
    error_values: dict[str, str] = {}

    @property
    def used(self) -> bool:
        return self.error_key is None

    def error(self, lang: str = "zh") -> str:
        return t(f"readiness.errors.{self.error_key}", lang, **self.error_values) if self.error_key else ""


class DutyResult(_Frozen):
    id: str
    clause: str
    text: str
    title_zh: str
    title_en: str
    kind: str
    status: DutyStatus
    measured: Quantity | None = None
    threshold: Quantity | None = None
    gap: Quantity | None = None
    counts: dict[str, int] = {}
    reason: str  # locale key under readiness.reasons
    reason_values: dict[str, str] = {}
    description: str = ""
    evidence: tuple[Evidence, ...] = ()

    def title(self, lang: str = "zh") -> str:
        return self.title_en if lang == "en" else self.title_zh

    def explanation(self, lang: str = "zh") -> str:
        values = dict(self.reason_values)
        if "basis" in values:  # whose bulk threshold: stored as a code, shown in words
            values["basis"] = t(f"readiness.bulk_basis.{values['basis']}", lang)
        if "examples" in values and lang == "zh":
            values["examples"] = values["examples"].replace(", ", "、")
        if "kind" in values:  # log kinds are stored by name and shown in words
            sep = "、" if lang == "zh" else ", "
            values["kind"] = sep.join(t(f"readiness.log_kinds.{k.strip()}", lang) for k in values["kind"].split(","))
        values.update({k: f"{v:,}" for k, v in self.counts.items()})
        for name in ("measured", "threshold", "gap"):
            q = getattr(self, name)
            values[name] = q.text(lang) if q else "—"
        return t(f"readiness.reasons.{self.reason}", lang, **values)


class MonthRow(_Frozen):
    month: str  # YYYY-MM, in the report zone
    policies: int = 0
    delivered_within: int = 0
    delivered_late: int = 0
    called_within: int = 0
    called_late: int = 0
    complaints: int = 0
    complaints_per_10k: Decimal | None = None


class BulkGroup(_Frozen):
    field: str  # delivery_address | recipient | recipient_phone
    value: str
    policies: int
    first_sale: str
    last_sale: str
    policy_ids: tuple[str, ...] = ()


class RefusalHit(_Frozen):
    phone: str
    refused_time: str
    call_time: str


class ReadinessReport(_Frozen):
    rulebook_id: str
    rulebook_version: int
    as_of: date
    timezone: str
    cutoff: str
    bulk_min_policies: int
    # "default" (the rulebook's figure, ours) or "chosen" (set for this run): never the notice's,
    # which says only 「批量」, so every output says whose threshold it is.
    bulk_min_basis: str = "default"
    duties: tuple[DutyResult, ...]
    logs: tuple[LogSummary, ...]
    issues: tuple[LogIssue, ...]
    months: tuple[MonthRow, ...]
    bulk_groups: tuple[BulkGroup, ...]
    bulk_groups_total: int
    bulk_policies_total: int
    refusal_hits: tuple[RefusalHit, ...]
    conventions: dict[str, dict[str, str]]
    lang: str = "zh"  # the language the report is shown in (text, page, dossier appendix)

    def in_lang(self, lang: str) -> ReadinessReport:
        return self.model_copy(update={"lang": lang})

    @property
    def appendix(self) -> ReadinessView:
        """The view model the dossier's appendix template reads, in `self.lang`."""
        return self.view(self.lang)

    def duty(self, duty_id: str) -> DutyResult:
        for duty in self.duties:
            if duty.id == duty_id:
                return duty
        raise KeyError(duty_id)

    def tally(self) -> dict[str, int]:
        out = {status.value: 0 for status in DutyStatus}
        for duty in self.duties:
            out[duty.status.value] += 1
        return out

    def to_json(self) -> dict[str, Any]:
        return json.loads(self.model_dump_json())

    def to_json_text(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"

    def view(self, lang: str = "zh") -> ReadinessView:
        from .view import build_view  # the view model lives apart; import here keeps this module plain data

        return build_view(self, lang)


# Forward reference for the type checker only.
ReadinessView = Any
