"""What screening learns from one file: a compact record, cheap to send between processes.

A record keeps the verdict, the margins and the facts other applications are compared on,
not the whole assessment: a drill-down re-assesses the one file it opens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..i18n import t
from .reasons import Reason

SCREENED, ERROR = "screened", "error"


@dataclass(frozen=True, slots=True)
class Flag:
    """A red flag: a stable code, the figures behind it, and the other files involved."""

    code: str
    values: dict[str, Any] = field(default_factory=dict)
    related: tuple[str, ...] = ()

    def chip(self, lang: str = "zh") -> str:
        return t(f"screening.flag.{self.code}.chip", lang)

    def text(self, lang: str = "zh") -> str:
        values = {k: (t(f"verdict.{v}", lang) if k.endswith("verdict") and v else v) for k, v in self.values.items()}
        values["files"] = "、".join(self.related) if lang == "zh" else ", ".join(self.related)
        return t(f"screening.flag.{self.code}.text", lang, **values)


@dataclass(frozen=True, slots=True)
class SiteFact:
    site_id: str
    name: str
    address: str
    address_key: str
    seats: int


@dataclass(frozen=True, slots=True)
class Facts:
    """The parts of an application other applications are checked against."""

    credit_code: str
    existing_sites: tuple[SiteFact, ...]
    proposed_address: str
    proposed_address_key: str
    phones: tuple[tuple[str, str], ...]  # (normalized, as written)
    managers: tuple[tuple[str, str], ...]  # (normalized, as written)


@dataclass(slots=True)
class Record:
    label: str
    kind: str
    sha256: str = ""
    status: str = ERROR
    reasons: tuple[Reason, ...] = ()
    applicant: str = ""
    credit_code: str = ""
    verdict: str = ""
    as_of: date | None = None
    fingerprint: str = ""
    not_met: tuple[str, ...] = ()
    insufficient: tuple[str, ...] = ()
    premium_margin: Decimal | None = None
    site_surplus: tuple[tuple[str, int], ...] = ()
    proposed_surplus: int | None = None
    tenure_days: int | None = None
    verify: str = ""
    verify_differences: tuple[str, ...] = ()
    stated_verdict: str = ""
    dossier_verdict: str = ""  # recomputed at the dossier's own as-of date and readings
    flags: list[Flag] = field(default_factory=list)
    facts: Facts | None = None

    @property
    def screened(self) -> bool:
        return self.status == SCREENED

    @property
    def tampered(self) -> bool:
        return self.verify == "mismatch"

    def reason_text(self, lang: str = "zh") -> str:
        return "; ".join(r.text(lang) for r in self.reasons)
