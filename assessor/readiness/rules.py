"""The readiness rulebook: the duties of sections 一 to 三 as data, and its strict loader.

Like the section 四 rulebook, the file is TOML; unknown keys are refused (pydantic,
`extra="forbid"`) and every error names the file and the key. Measured duties carry their
thresholds under `measure`, one model per metric, so a misspelt threshold fails at load time.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator

from ..core.rulebook import Bilingual, RuleModel, key_path, load_rule_file, read_toml

DEFAULT_READINESS_RULEBOOK = Path(__file__).resolve().parents[1] / "rulebook" / "readiness-2010.toml"

LogKind = Literal["policies", "calls", "refusals", "roster", "complaints"]
Share = Annotated[Decimal, Field(ge=0, le=1)]


class ShareWithinHours(RuleModel):
    """Share of rows whose `to_column` falls at most `within_hours` after `from_column`."""

    metric: Literal["share_within_hours"]
    log: Literal["policies"]
    from_column: Literal["sale_time", "receipt_time"]
    to_column: Literal["delivery_time", "callback_time"]
    within_hours: int = Field(ge=1)
    target_share: Share
    # A late row this column explains is not a breach; one it does not is for a person to review,
    # because the notice excuses special cases the logs may not show (二(三)).
    explained_by: Literal["late_delivery_explanation"] | None = None


class KeptAtLeast(RuleModel):
    """Share of callback recordings kept at least `kept_years` after the callback."""

    metric: Literal["kept_at_least"]
    log: Literal["policies"]
    kept_years: int = Field(ge=1)
    target_share: Share


class NoCallAfterRefusal(RuleModel):
    """Outbound calls to a number within `within_years` after its refusal; at most `max_calls`."""

    metric: Literal["no_call_after_refusal"]
    log: Literal["calls"]
    within_years: int = Field(ge=1)
    max_calls: int = Field(ge=0)


class CertifiedBeforeFirstCall(RuleModel):
    metric: Literal["certified_before_first_call"]
    log: Literal["roster"]
    target_share: Share


class RetrainedWithin(RuleModel):
    metric: Literal["retrained_within"]
    log: Literal["roster"]
    within_months: int = Field(ge=1)
    target_share: Share


class BulkSharedFields(RuleModel):
    """Groups of at least `min_policies` policies sharing one value of any of `fields`."""

    metric: Literal["bulk_shared_fields"]
    log: Literal["policies"]
    fields: list[Literal["delivery_address", "recipient", "recipient_phone"]] = Field(min_length=1)
    min_policies: int = Field(ge=2)


class RatePerPolicies(RuleModel):
    """Events per `per_policies` policies sold, by month; reported, no threshold."""

    metric: Literal["rate_per_policies"]
    log: Literal["complaints"]
    per_policies: int = Field(ge=1)
    by: Literal["month"]


Measure = Annotated[
    ShareWithinHours | KeptAtLeast | NoCallAfterRefusal | CertifiedBeforeFirstCall | RetrainedWithin | BulkSharedFields | RatePerPolicies,
    Field(discriminator="metric"),
]


class Duty(RuleModel):
    id: str = Field(pattern=r"^[123]\.\d\.[a-z0-9_]+$")
    clause: str
    kind: Literal["attested", "measured"]
    title_zh: str
    title_en: str
    text: str = Field(min_length=1)
    measure: Measure | None = None

    @model_validator(mode="after")
    def _measure_iff_measured(self) -> Duty:
        if self.kind == "measured" and self.measure is None:
            raise ValueError(f"duty {self.id} is measured but has no [measure]")
        if self.kind == "attested" and self.measure is not None:
            raise ValueError(f"duty {self.id} is attested but has a [measure]")
        return self

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh


class ReadinessRulebook(RuleModel):
    id: str
    version: int = Field(ge=1)
    version_date: date
    title_zh: str
    title_en: str
    source_zh: str
    source_en: str
    default_timezone: str
    conventions: dict[str, Bilingual]
    duties: list[Duty] = Field(min_length=1)

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            info = ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        # Durations are measured on this zone's wall clock, which is only right without DST.
        offsets = {datetime(y, m, 15, 12, tzinfo=info).utcoffset() for y in range(1992, 2101) for m in (1, 4, 7, 10)}
        if len(offsets) != 1:
            raise ValueError(f"time zone {value!r} changes its UTC offset; the report zone needs a fixed one")
        return value

    @model_validator(mode="after")
    def _unique_ids(self) -> ReadinessRulebook:
        ids = [d.id for d in self.duties]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duty ids appear twice: {dupes}")
        return self

    def duty(self, duty_id: str) -> Duty:
        for duty in self.duties:
            if duty.id == duty_id:
                return duty
        raise KeyError(duty_id)

    def measured(self) -> list[Duty]:
        return [d for d in self.duties if d.kind == "measured"]

    def attested(self) -> list[Duty]:
        return [d for d in self.duties if d.kind == "attested"]

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh

    def source(self, lang: str) -> str:
        return self.source_en if lang == "en" else self.source_zh


class ReadinessRulebookError(Exception):
    """A readiness rulebook that cannot be used; the message names the file and the key."""


_METRIC_TAGS = {
    "share_within_hours",
    "kept_at_least",
    "no_call_after_refusal",
    "certified_before_first_call",
    "retrained_within",
    "bulk_shared_fields",
    "rate_per_policies",
}


def parse_readiness_rulebook(text: str, source: str = "<readiness rulebook>") -> ReadinessRulebook:
    data = read_toml(text, source, ReadinessRulebookError)
    try:
        return ReadinessRulebook.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            where = key_path(err["loc"], _METRIC_TAGS)
            # Name the duty by its id as well as its index: "duties[4]" alone is hard to find.
            if err["loc"][:1] == ("duties",) and len(err["loc"]) > 1 and isinstance(err["loc"][1], int):
                duties = data.get("duties") or []
                index = err["loc"][1]
                if index < len(duties) and isinstance(duties[index], dict) and "id" in duties[index]:
                    where += f" (duty {duties[index]['id']})"
            lines.append(f"{source}: {where}: {err['msg']}")
        raise ReadinessRulebookError("\n".join(lines)) from None


def load_readiness_rulebook(path: str | Path | None = None) -> ReadinessRulebook:
    """Load and check a readiness rulebook; the 2010 notice's sections 一 to 三 by default."""
    return load_rule_file(path, DEFAULT_READINESS_RULEBOOK, parse_readiness_rulebook, ReadinessRulebookError)
