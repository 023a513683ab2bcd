"""What an assessment says: the verdict, one finding per criterion, and the figures, parts and
messages a finding is made of. Plain records, built by the engine and read by every face.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_UP, Decimal
from enum import StrEnum
from dataclasses import dataclass, field
from typing import Any

from ..i18n import format_month, format_yuan, t
from .model import Evidence


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
    # A relocation: the notice sets no threshold for it, so the most it can come to is that
    # nothing under 四(四) stands in its way; never "eligible to open a new site".
    NO_OBSTACLE = "no_obstacle"


# ---------------------------------------------------------------- result types

# Results are frozen dataclasses: an assessment is built fresh each time, and nobody can change
# one after the engine made it. Their mappings are plain dicts by convention never written to.


@dataclass(frozen=True, slots=True)
class Message:
    """A sentence for the user, kept as a locale key and its values until someone reads it.

    Results carry messages rather than text so every language is rendered the same way.
    `literal` holds text that comes from the rulebook itself."""

    key: str
    values: Mapping[str, Any] = field(default_factory=dict)
    literal: Mapping[str, str] | None = None

    def text(self, lang: str = "zh") -> str:
        if self.literal is not None:
            return self.literal["en" if lang == "en" else "zh"]
        values = {k: _render_value(v, lang) for k, v in self.values.items()}
        return t(self.key, lang, **values)

    def both(self) -> dict[str, str]:
        return {"zh": self.text("zh"), "en": self.text("en")}

    def __getitem__(self, lang: str) -> str:  # message["zh"] is its text
        return self.text(lang)


class Shortfall(Decimal):
    """An amount still missing. Its 亿元 figure is rounded up, so a shortfall never reads smaller
    than it is; other amounts are cut, so they never read larger."""

    __slots__ = ()


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def _render_value(value: Any, lang: str) -> Any:
    # Values keep dates as ISO text (JSON-safe, read back by the forecast and the dossier); a
    # sentence shows them the one way every text does (2026年6月30日).
    if isinstance(value, str) and len(value) == 10 and _ISO_DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, str) and len(value) == 7 and _ISO_MONTH.fullmatch(value):
        return format_month(int(value[:4]), int(value[5:]), lang)
    if isinstance(value, Shortfall):
        return format_yuan(value, lang, ROUND_UP)
    if isinstance(value, Decimal):
        return format_yuan(value, lang)
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, Mapping) and "zh" in value:
        return value["en" if lang == "en" else "zh"]
    return value


@dataclass(frozen=True, slots=True)
class Quantity:
    """A figure with its unit: yuan, seats, days, years, incidents, violations or items."""

    value: Decimal | int
    unit: str

    def to_json(self) -> dict[str, Any]:
        value = format(self.value, "f") if isinstance(self.value, Decimal) else self.value
        return {"value": value, "unit": self.unit}


@dataclass(frozen=True, slots=True)
class Gap:
    """How far a criterion is from being met, and for anything time-bound the date it closes."""

    amount: Quantity | None = None
    closes_on: date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "amount": self.amount.to_json() if self.amount else None,
            "closes_on": self.closes_on.isoformat() if self.closes_on else None,
        }


@dataclass(frozen=True, slots=True)
class Part:
    """One site, sub-item or event a finding is made of, with its own status."""

    key: str
    label: Mapping[str, str]
    status: Status
    measured: Quantity | None = None
    evidence: tuple[Evidence, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": dict(self.label),
            "status": self.status.value,
            "measured": self.measured.to_json() if self.measured else None,
            "evidence": [e.model_dump(mode="json") for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class Finding:
    criterion: str
    status: Status
    clause: str
    clause_text: str
    title: Mapping[str, str]
    measured: Quantity | None
    threshold: Quantity | None
    gap: Gap | None
    readings: Mapping[str, str]
    evidence: tuple[Evidence, ...]
    missing_evidence: tuple[str, ...]
    explanation: Message
    parts: tuple[Part, ...] = ()
    notes: tuple[Message, ...] = ()
    kind: str = ""
    # For an applicant the notice does not bind, every finding is NOT_APPLICABLE and what the
    # criterion would have come to is kept here, for information only.
    for_information: Status | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "kind": self.kind,
            "for_information": self.for_information.value if self.for_information else None,
            "status": self.status.value,
            "clause": self.clause,
            "clause_text": self.clause_text,
            "title": dict(self.title),
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


@dataclass(frozen=True, slots=True)
class Assessment:
    verdict: Verdict
    as_of: date
    rulebook_id: str
    rulebook_version: int
    readings: Mapping[str, str]
    fingerprint: str
    findings: tuple[Finding, ...]
    notes: tuple[Message, ...] = ()
    conventions: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # An assessment date after the day it was made on is a projection: shown as such, and
    # never turned into a letter that certifies it.
    projected: bool = False

    def finding(self, criterion_id: str) -> Finding:
        for finding in self.findings:
            if finding.criterion == criterion_id:
                return finding
        raise KeyError(criterion_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "as_of": self.as_of.isoformat(),
            "projected": self.projected,
            "rulebook": {"id": self.rulebook_id, "version": self.rulebook_version},
            "readings": dict(self.readings),
            "fingerprint": self.fingerprint,
            "findings": [f.to_json() for f in self.findings],
            "notes": [n.both() for n in self.notes],
            "conventions": {key: dict(text) for key, text in self.conventions.items()},
        }

    def to_json_text(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
