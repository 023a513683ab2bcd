"""The rulebook: the notice's criteria as data, and a strict loader for it.

A rulebook file is TOML. The loader refuses unknown keys (pydantic, `extra="forbid"`) and
duplicate keys (TOML itself), a file it cannot read or that is not UTF-8, criterion ids other
that repeat or are malformed, kinds it does not know, and params naming a field the application
does not have; its errors name the file and the key. A criterion is one entry: its id, clause,
text, kind and params. Adding one with an existing kind is a change to this file alone.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from functools import lru_cache
from pathlib import Path
from collections.abc import Callable
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .kinds import KINDS
from .model import Application

RULEBOOK_DIR = Path(__file__).resolve().parents[1] / "rulebook"  # the rule files are data, beside the package code
DEFAULT_RULEBOOK = RULEBOOK_DIR / "notice-2010.toml"

ApplicationKind = Literal["new_site", "relocation"]

# A criterion id is the clause it implements and a name: 4.1.premium, 4.2.new_seats. Findings,
# forecasts, screening and dossiers carry it; no code names one.
CRITERION_ID = re.compile(r"^[0-9]+(\.[0-9]+)*\.[a-z][a-z0-9_]*$")


def _refuse(title: str, problems: list[tuple[tuple[str | int, ...], str]]) -> None:
    """Raise the problems found as one ValidationError, each at its own key path.

    Raised inside a validator, pydantic puts each location under the validated value's own, so
    a criterion's problem at ("params", "start") is reported at criteria[0].params.start."""
    if problems:
        raise ValidationError.from_exception_data(
            title, [{"type": PydanticCustomError("rulebook", message), "loc": loc, "input": None} for loc, message in problems]
        )


# ---------------------------------------------------------------- paths into the application


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation holds: through Optional, unions, list and Annotated,
    as `kinds._resolve` follows them (over a list, the attribute of every element)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _models_in(get_args(annotation)[0])
    if origin in (Union, UnionType, list):
        return [model for arg in get_args(annotation) for model in _models_in(arg)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return []


def _plain_types(annotation: Any) -> set[Any]:
    """What an annotation holds once Annotated and Optional are taken off (a list stays `list`)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _plain_types(get_args(annotation)[0])
    if origin in (Union, UnionType):
        return {t for arg in get_args(annotation) if arg is not type(None) for t in _plain_types(arg)}
    return {origin or annotation}


def _is_list(annotation: Any) -> bool:
    return list in _plain_types(annotation)


def application_path_error(path: str, expect: str | None = None) -> str | None:
    """Why a dotted path (as in a criterion's params) names no field of an application, or one of
    the wrong kind; None if it is fine. `expect`: "date" for a start; "texts" for values gathered
    into a set (a list of text); "codes" for the set they must lie in (a list of text, or of
    objects with a `code`, such as approved products)."""
    models: list[type[BaseModel]] = [Application]
    walked: list[str] = []
    annotations: list[Any] = []
    through_list = False
    for name in path.split("."):
        where = ".".join(walked) or "an application"
        if not models:
            return f"{path!r} is not a field of an application ({where} has no fields)"
        through_list = through_list or any(_is_list(a) for a in annotations)
        annotations = [model.model_fields[name].annotation for model in models if name in model.model_fields]
        if not annotations:
            return f"{path!r} is not a field of an application (no field {name!r} in {where})"
        models = [model for annotation in annotations for model in _models_in(annotation)]
        walked.append(name)
    if expect == "date" and (through_list or not all(_plain_types(a) == {date} for a in annotations)):
        return f"{path!r} must name a date of an application (a start date), not a field of another kind"
    if expect in ("texts", "codes"):
        # Values compared as text: one text or a list of them; a reference may also be a list
        # of objects with a code (approved products).
        coded = bool(models) and all("code" in model.model_fields for model in models)
        if models and (expect == "texts" or not coded):
            kinds = "text" if expect == "texts" else "text, or a list of objects with a code"
            return f"{path!r} must name {kinds} in an application (numbers, units, systems, product codes)"
    if expect == "premiums" and not (models and all({"ledger", "declared_total"} <= set(model.model_fields) for model in models)):
        return f"{path!r} must name premiums (a monthly ledger and a declared total) in an application"
    return None


class RuleModel(BaseModel):
    """Base of every rule-file model: unknown keys are refused, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(RuleModel):
    zh: str
    en: str

    def in_(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class ReadingOption(RuleModel):
    zh: str
    en: str
    # What choosing this option sets in the params of every criterion that names the reading:
    # the kinds know no reading, only their params.
    params: dict[str, Any] = {}

    def in_(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class ReadingDef(RuleModel):
    default: str
    clause: str
    zh: str
    en: str
    options: dict[str, ReadingOption]

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


class Criterion(RuleModel):
    id: str
    clause: str
    title_zh: str
    title_en: str
    text: str
    kind: str
    applies_to: list[ApplicationKind] = Field(min_length=1)
    readings: list[str] = []
    params: Any

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if CRITERION_ID.fullmatch(value) is None:
            raise PydanticCustomError("rulebook", f"criterion id {value!r} must be the clause and a name, such as 4.1.premium")
        return value

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in KINDS:
            raise PydanticCustomError("rulebook", f"unknown kind {value!r}; the kinds are {', '.join(KINDS)}")
        return value

    @field_validator("params", mode="before")
    @classmethod
    def _params_of_kind(cls, value: Any, info: ValidationInfo) -> Any:
        # Parse params with the model of the declared kind, so an error names the right keys; raised
        # here, its location is under params (criteria[0].params.years). `kind` is validated first.
        kind = info.data.get("kind")
        if kind in KINDS:
            return KINDS[kind].Params.model_validate(value)
        return value

    @model_validator(mode="after")
    def _params_name_application_fields(self) -> Criterion:
        # Every path the params name must exist in the application model, or an assessment
        # would fail on the first application it reads.
        problems: list[tuple[tuple[str | int, ...], str]] = []
        if self.kind in KINDS and isinstance(self.params, BaseModel):
            for check in KINDS[self.kind].paths(self.params):
                error = application_path_error(check.path, check.expect)
                if error:
                    problems.append((("params", *(int(p) if p.isdigit() else p for p in check.key.split("."))), error))
        _refuse("Criterion", problems)
        return self

    @property
    def kind_of(self) -> Any:
        """The kind that measures this criterion."""
        return KINDS[self.kind]

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
        problems: list[tuple[tuple[str | int, ...], str]] = []
        seen: set[str] = set()
        for index, criterion in enumerate(self.criteria):
            if criterion.id in seen:
                problems.append((("criteria", index, "id"), f"criterion id {criterion.id!r} appears twice"))
            seen.add(criterion.id)
        for index, criterion in enumerate(self.criteria):
            for r, reading in enumerate(criterion.readings):
                if reading not in self.readings:
                    problems.append((("criteria", index, "readings", r), f"criterion {criterion.id} names unknown reading {reading!r}"))
                    continue
                # Every option of the reading must make valid params for this criterion.
                for name, option in self.readings[reading].options.items():
                    try:
                        type(criterion.params).model_validate({**criterion.params.model_dump(), **option.params})
                    except ValidationError as exc:
                        problems.append((("readings", reading, "options", name, "params"), f"does not fit criterion {criterion.id}: {exc.errors()[0]['msg']}"))
            group = getattr(criterion.params, "group", None)
            for n, name in enumerate(getattr(criterion.params, "attested", ())):
                if name not in self.items.get(group, {}):
                    problems.append((("criteria", index, "params", "attested", n), f"criterion {criterion.id} names unknown item {group}.{name}"))
        _refuse("Rulebook", problems)
        return self

    def params_for(self, criterion: Criterion, readings: dict[str, str]) -> Any:
        """The criterion's params under the chosen readings: each reading's option may set some."""
        overrides: dict[str, Any] = {}
        for reading in criterion.readings:
            overrides.update(self.readings[reading].options[readings[reading]].params)
        if not overrides:
            return criterion.params
        return criterion.params.model_copy(update=overrides)

    def item_label(self, group: str, name: str) -> dict[str, str]:
        """The zh/en label of an attested sub-item, such as ("systems", "call_access")."""
        label = self.items[group][name]
        return {"zh": label.zh, "en": label.en}

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


def key_path(loc: tuple[Any, ...], union_tags: frozenset[str] | set[str] = frozenset(KINDS)) -> str:
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
        errors = exc.errors()
        lines = [f"{source}: {key_path(err['loc'])}: {err['msg']}" for err in errors]
        raise RulebookError("\n".join(lines)) from None


@lru_cache(maxsize=16)
def _parse_file(path: Path, mtime: float, parse: Callable[[str, str], Any], error: type[Exception] = RulebookError) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:  # a directory, no permission, ...
        raise error(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start})") from None
    return parse(text, str(path))


def load_rule_file(path: str | Path | None, default: Path, parse: Callable[[str, str], Any], error: type[Exception] = RulebookError) -> Any:
    """Read and check a rule file once, and again only when it changes on disk."""
    file = Path(path) if path is not None else default
    try:
        mtime = file.stat().st_mtime
    except OSError as exc:
        raise error(f"{file}: cannot be read: {exc.strerror}") from None
    return _parse_file(file.resolve(), mtime, parse, error)


def load_rulebook(path: str | Path | None = None) -> Rulebook:
    """Load and check a rulebook file; the 2010 notice by default."""
    return load_rule_file(path, DEFAULT_RULEBOOK, parse_rulebook)
