"""The rulebook: the notice's criteria as data, and a strict loader for it.

A rulebook file is TOML. The loader refuses unknown keys (pydantic, `extra="forbid"`) and
duplicate keys (TOML itself), and its errors name the file and the key.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

RULEBOOK_DIR = Path(__file__).parent
DEFAULT_RULEBOOK = RULEBOOK_DIR / "notice-2010.toml"

CriterionKind = Literal["min_duration", "min_sum", "min_count_per_site", "no_event_in_window", "checklist", "contained_in"]
ApplicationKind = Literal["new_site", "relocation"]


class RuleModel(BaseModel):
    """Base of every rule-file model: unknown keys are refused, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(RuleModel):
    zh: str
    en: str

    def in_(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class ReadingDef(RuleModel):
    default: str
    clause: str
    zh: str
    en: str
    options: dict[str, Bilingual]

    @model_validator(mode="after")
    def _default_is_an_option(self) -> ReadingDef:
        if self.default not in self.options:
            raise ValueError(f"default {self.default!r} is not one of its options {sorted(self.options)}")
        return self


class Scope(RuleModel):
    clause: str
    insurer_types: list[str]
    requires_telemarketing_approval: bool
    text: str
    relocation_note_zh: str
    relocation_note_en: str


class MinDuration(RuleModel):
    start: str
    years: int = Field(ge=1)


class MinSum(RuleModel):
    measure: Literal["cumulative_premium"]
    threshold: Decimal
    unit: Literal["yuan"]


class MinCountPerSite(RuleModel):
    sites: Literal["existing_sites", "proposed_site"]
    threshold: int = Field(ge=1)


class NoEventInWindow(RuleModel):
    events: Literal["complaints", "violations"]
    window_years: int = Field(ge=1)


class Checklist(RuleModel):
    group: str
    items: list[str] = Field(min_length=1)
    requires: list[str] = []


class ContainedIn(RuleModel):
    items: list[str] = Field(min_length=1)
    within: str
    group: str
    attested: list[str] = []


_PARAMS: dict[str, type[RuleModel]] = {
    "min_duration": MinDuration,
    "min_sum": MinSum,
    "min_count_per_site": MinCountPerSite,
    "no_event_in_window": NoEventInWindow,
    "checklist": Checklist,
    "contained_in": ContainedIn,
}


class Criterion(RuleModel):
    id: str
    clause: str
    title_zh: str
    title_en: str
    text: str
    kind: CriterionKind
    applies_to: list[ApplicationKind] = Field(min_length=1)
    readings: list[str] = []
    params: MinDuration | MinSum | MinCountPerSite | NoEventInWindow | Checklist | ContainedIn

    @model_validator(mode="before")
    @classmethod
    def _params_of_kind(cls, data: Any) -> Any:
        # Parse params with the model of the declared kind, so an error names the right keys.
        if isinstance(data, dict) and isinstance(data.get("params"), dict) and data.get("kind") in _PARAMS:
            data = dict(data, params=_PARAMS[data["kind"]].model_validate(data["params"]))
        return data

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh


class Rulebook(RuleModel):
    id: str
    version: int = Field(ge=1)
    version_date: date
    title_zh: str
    title_en: str
    issuer_zh: str
    issuer_en: str
    issued_on: date
    effective_from: date
    document_number: str
    successor_authority_zh: str
    successor_authority_en: str
    currency_notice_zh: str
    currency_notice_en: str
    scope: Scope
    conventions: dict[str, Bilingual]
    readings: dict[str, ReadingDef]
    criteria: list[Criterion] = Field(min_length=1)
    items: dict[str, dict[str, Bilingual]]

    @model_validator(mode="after")
    def _consistent(self) -> Rulebook:
        ids = [c.id for c in self.criteria]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise ValueError(f"criterion ids appear twice: {sorted(dupes)}")
        for criterion in self.criteria:
            for reading in criterion.readings:
                if reading not in self.readings:
                    raise ValueError(f"criterion {criterion.id} names unknown reading {reading!r}")
            params = criterion.params
            if isinstance(params, (Checklist, ContainedIn)):
                names = params.items if isinstance(params, Checklist) else params.attested
                for name in names:
                    if name not in self.items.get(params.group, {}):
                        raise ValueError(f"criterion {criterion.id} names unknown item {params.group}.{name}")
        return self

    _item_labels: dict[tuple[str, str], dict[str, str]] = PrivateAttr(default_factory=dict)
    _memo: dict[Any, Any] = PrivateAttr(default_factory=dict)

    def memo(self) -> dict[Any, Any]:
        """A place for values derived from this (frozen) rulebook alone, such as the engine's
        plan of its criteria, so that they are worked out once and not on every assessment."""
        return self.__pydantic_private__["_memo"]

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Rulebook:
        # pydantic's copy shares private state, which holds what was derived from the original:
        # a changed copy is validated afresh, and any copy starts with nothing derived.
        if update:
            return type(self).model_validate({**self.__dict__, **update})
        copy = super().model_copy(deep=deep)
        copy.__pydantic_private__["_memo"] = {}
        return copy

    def model_post_init(self, context: Any) -> None:
        self._item_labels = {(group, name): {"zh": label.zh, "en": label.en} for group, items in self.items.items() for name, label in items.items()}

    def item_label(self, group: str, name: str) -> dict[str, str]:
        """The zh/en label of an attested sub-item, such as ("systems", "call_access")."""
        return self.__pydantic_private__["_item_labels"][(group, name)]

    def criterion(self, criterion_id: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh

    def default_readings(self) -> dict[str, str]:
        return {key: reading.default for key, reading in self.readings.items()}


class RulebookError(Exception):
    """A rulebook file that cannot be used; the message names the file and the key."""


def key_path(loc: tuple[Any, ...], union_tags: frozenset[str] | set[str] = frozenset(_PARAMS)) -> str:
    """A pydantic error location as the key path a rule file's author wrote, e.g. criteria[3].params.years.

    pydantic names the branch of a tagged union (`min_sum`, ...) in the location; the file has no
    such key, so those tags are left out."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in union_tags:
            continue
        else:
            path += f".{part}" if path else str(part)
    return path or "(top level)"


def read_toml(text: str, source: str, error: type[Exception] = RulebookError) -> dict[str, Any]:
    """Parse a rule file's TOML; TOML itself refuses duplicate keys."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib names the line, not the key: quote the line so the key is visible (a duplicate, say).
        where = re.search(r"at line (\d+)", str(exc))
        lines = text.splitlines()
        line = lines[int(where[1]) - 1].strip() if where and int(where[1]) <= len(lines) else ""
        raise error(f"{source}: not valid TOML: {exc}" + (f": {line}" if line else "")) from None


def parse_rulebook(text: str, source: str = "<rulebook>") -> Rulebook:
    data = read_toml(text, source)
    try:
        return Rulebook.model_validate(data)
    except ValidationError as exc:
        lines = [f"{source}: {key_path(err['loc'])}: {err['msg']}" for err in exc.errors()]
        raise RulebookError("\n".join(lines)) from None


@lru_cache(maxsize=16)
def _parse_file(path: Path, mtime: float, parse: Callable[[str, str], Any]) -> Any:
    return parse(path.read_text(encoding="utf-8"), str(path))


def load_rule_file(path: str | Path | None, default: Path, parse: Callable[[str, str], Any], error: type[Exception] = RulebookError) -> Any:
    """Read and check a rule file once, and again only when it changes on disk."""
    file = Path(path) if path is not None else default
    try:
        mtime = file.stat().st_mtime
    except OSError as exc:
        raise error(f"{file}: cannot be read: {exc.strerror}") from None
    return _parse_file(file.resolve(), mtime, parse)


def load_rulebook(path: str | Path | None = None) -> Rulebook:
    """Load and check a rulebook file; the 2010 notice by default."""
    return load_rule_file(path, DEFAULT_RULEBOOK, parse_rulebook)
