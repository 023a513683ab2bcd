"""What an assessment says: the verdict, one finding per criterion, and the figures, parts and
messages a finding is made of. Plain records, built by the engine and read by every face.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_UP, Decimal
from enum import StrEnum
from typing import Any, NamedTuple

from ..i18n import format_yuan, t
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


# ---------------------------------------------------------------- result types

# Results are immutable: named tuples, whose mappings are read-only dicts. The engine keeps the
# findings that do not depend on the date with the application and hands the same objects to
# every assessment of it under one rulebook and readings; since nobody can change them, an
# assessment never depends on what a caller did with an earlier one. Tuples, not frozen
# dataclasses: a frozen dataclass sets each field through a Python call, which was measured to
# make an assessment cost 37% more instructions.

class ReadOnlyDict(dict):
    """A dict that refuses changes. Still a dict, so it reads, prints, pickles (for Streamlit's
    caches and worker processes) and goes into JSON like one; `copy()` gives a changeable dict."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("results are read-only; copy() gives a dict that can be changed")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _refuse

    def copy(self) -> dict[str, Any]:
        return dict(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return (ReadOnlyDict, (dict(self),))


_EMPTY: Mapping[str, Any] = ReadOnlyDict()


def read_only(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """The mapping as a read-only dict (itself if it is one already)."""
    if not mapping:
        return _EMPTY
    return mapping if type(mapping) is ReadOnlyDict else ReadOnlyDict(mapping)


class _MessageFields(NamedTuple):
    key: str
    values: Mapping[str, Any]
    literal: Mapping[str, str] | None


class Message(_MessageFields):
    """A sentence for the user, kept as a locale key and its values until someone reads it.

    Results carry messages rather than text so assessing stays cheap and every language is
    rendered the same way. `literal` holds text that comes from the rulebook itself.
    """

    __slots__ = ()

    def __new__(cls, key: str, values: Mapping[str, Any] | None = None, literal: Mapping[str, str] | None = None) -> Message:
        # read_only() written out: a message is made for every finding and note
        if not values:
            values = _EMPTY
        elif type(values) is not ReadOnlyDict:
            values = ReadOnlyDict(values)
        if literal is not None and type(literal) is not ReadOnlyDict:
            literal = ReadOnlyDict(literal)
        return tuple.__new__(cls, (key, values, literal))

    def text(self, lang: str = "zh") -> str:
        if self.literal is not None:
            return self.literal["en" if lang == "en" else "zh"]
        values = {k: _render_value(v, lang) for k, v in self.values.items()}
        return t(self.key, lang, **values)

    def both(self) -> dict[str, str]:
        return {"zh": self.text("zh"), "en": self.text("en")}

    def __getitem__(self, item: Any) -> Any:  # message["zh"] is its text; message[0] its key
        return self.text(item) if isinstance(item, str) else tuple.__getitem__(self, item)


class Shortfall(Decimal):
    """An amount still missing. Its 亿元 figure is rounded up, so a shortfall never reads smaller
    than it is; other amounts are cut, so they never read larger."""

    __slots__ = ()


def _render_value(value: Any, lang: str) -> Any:
    if isinstance(value, Shortfall):
        return format_yuan(value, lang, ROUND_UP)
    if isinstance(value, Decimal):
        return format_yuan(value, lang)
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, Mapping) and "zh" in value:
        return value["en" if lang == "en" else "zh"]
    return value


class Quantity(NamedTuple):
    """A figure with its unit: yuan, seats, days, years, incidents, violations or items."""

    value: Decimal | int
    unit: str

    def to_json(self) -> dict[str, Any]:
        value = format(self.value, "f") if isinstance(self.value, Decimal) else self.value
        return {"value": value, "unit": self.unit}


class Gap(NamedTuple):
    """How far a criterion is from being met, and for anything time-bound the date it closes."""

    amount: Quantity | None = None
    closes_on: date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "amount": self.amount.to_json() if self.amount else None,
            "closes_on": self.closes_on.isoformat() if self.closes_on else None,
        }


class Part(NamedTuple):
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


class Finding(NamedTuple):
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

    def to_json(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
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


class Assessment(NamedTuple):
    verdict: Verdict
    as_of: date
    rulebook_id: str
    rulebook_version: int
    readings: Mapping[str, str]
    fingerprint: str
    findings: tuple[Finding, ...]
    notes: tuple[Message, ...] = ()
    conventions: Mapping[str, Mapping[str, str]] = _EMPTY

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
