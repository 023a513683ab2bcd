"""What a what-if proposes: edits at JSON-pointer paths of an application, possibly a later
assessment date. Each kind proposes its own (the smallest change that meets it); the scenarios
service applies them to a copy and re-assesses before offering them."""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from ..i18n import t
from .results import Message, Quantity, Status


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value



@dataclass(frozen=True, slots=True)
class Edit:
    """Set the value at `path` (JSON pointer; a final `-` appends to a list)."""

    path: str
    value: Any

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "value": _jsonable(self.value)}

@dataclass(frozen=True, slots=True)
class Change:
    """The smallest change found that meets one criterion: edits, a wait, or both."""

    criterion: str
    kind: str
    steps: tuple[Message, ...]
    edits: tuple[Edit, ...] = ()
    wait_until: date | None = None
    amount: Quantity | None = None
    target: str | None = None
    run_rate: Any = None  # the forecast's run-rate a premium wait assumes
    flips: bool | None = None
    status_after: Status | None = None

    def text(self, lang: str = "zh") -> str:
        return t("forecast.change.joined", lang).join(step.text(lang) for step in self.steps)

    def to_json(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "kind": self.kind,
            "text": {"zh": self.text("zh"), "en": self.text("en")},
            "edits": [e.to_json() for e in self.edits],
            "wait_until": self.wait_until.isoformat() if self.wait_until else None,
            "amount": self.amount.to_json() if self.amount else None,
            "target": self.target,
            "assumes_run_rate": format(self.run_rate.per_month, "f") if self.run_rate else None,
            "flips": self.flips,
            "status_after": self.status_after.value if self.status_after else None,
        }


@dataclass(frozen=True)
class WhatIf:
    """What a kind needs to propose its changes: the date, the language of placeholders, and
    the forecast's dates and run-rate (for a wait)."""

    as_of: date
    lang: str
    met_on: Mapping[str, date | None] = field(default_factory=dict)
    run_rate: Any = None
