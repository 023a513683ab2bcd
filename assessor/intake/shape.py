"""The application's shape, read once from the model: every face lays itself out from here.

`fields(model)` walks a pydantic model's fields in their declared order (moved by an `after`
hint) and says of each what it is: a scalar to type (text, code, int, money, date, month,
bool, choice), a list of values, a list of evidence documents, a table (a list of records), or
a group (a nested record). Its zh/en label, unit, help and layout hints come from the field's
declaration (`assessor.core.model.label`). The Excel template, the intake page's inputs and
tables and the blank draft are all made from this walk, so a field declared in the model
appears in all of them. No Streamlit, no openpyxl here.
"""

from __future__ import annotations

import re
import types
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from ..core import model as _model
from ..core.model import Application, Evidence

SCALARS = ("text", "code", "int", "money", "date", "month", "bool", "choice")

# The model every face lays itself out from. Tests stand a model with one more field in here to
# see that field appear in the template, the page and the blank draft with no other change.
ROOT: type[BaseModel] = Application


def root() -> type[BaseModel]:
    return ROOT


@dataclass(frozen=True)
class Node:
    """One field of a model, as every face needs to know it."""

    name: str
    kind: str  # one of SCALARS, or list, evidence, table, group
    required: bool
    labels: dict[str, str]
    model: type[BaseModel] | None = None  # the record of a table or group
    choices: tuple[str, ...] = ()
    choice_name: str = ""  # wording of the options: app.option.<name>.* / excel.choice.<name>.*
    default: Any = None
    help: dict[str, str] | None = None
    unit: dict[str, str] | None = None
    hints: dict[str, Any] = field(default_factory=dict)
    long: bool = False  # text that may run long (an address, a summary)
    bounds: tuple[int, int] | None = None  # a whole number's limits, as the model checks them

    def label(self, lang: str = "zh") -> str:
        return self.labels.get("en" if lang == "en" else "zh") or self.name

    def shown(self, lang: str = "zh") -> str:
        """The label with its unit, as an input shows it: 计划坐席数（个） / Planned seats (count)."""
        unit = (self.unit or {}).get("en" if lang == "en" else "zh")
        if not unit:
            return self.label(lang)
        return f"{self.label(lang)} ({unit})" if lang == "en" else f"{self.label(lang)}（{unit}）"

    def helptext(self, lang: str = "zh") -> str | None:
        return (self.help or {}).get("en" if lang == "en" else "zh") or None

    def hint(self, key: str, lang: str | None = None) -> Any:
        value = self.hints.get(key)
        if lang is not None and isinstance(value, dict):
            return value.get("en" if lang == "en" else "zh")
        return value

    @property
    def scalar(self) -> bool:
        return self.kind in SCALARS

    def children(self) -> list[Node]:
        return fields(self.model) if self.model is not None else []


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _unwrap(annotation: Any) -> tuple[Any, list[Any], bool]:
    """The type under Optional and Annotated, the metadata found on the way, and whether None is allowed."""
    metadata: list[Any] = []
    optional = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            args = get_args(annotation)
            annotation = args[0]
            for meta in args[1:]:  # a Field(...) inside Annotated holds its constraints in turn
                metadata += [meta, *meta.metadata] if isinstance(meta, FieldInfo) else [meta]
        elif origin in (Union, types.UnionType):
            rest = [a for a in get_args(annotation) if a is not type(None)]
            optional = optional or len(rest) < len(get_args(annotation))
            if len(rest) != 1:
                return annotation, metadata, optional
            annotation = rest[0]
        else:
            return annotation, metadata, optional


def _core(metadata: list[Any]) -> Any:
    return next((m.schema for m in metadata if isinstance(m, _model._Core)), None)


def _scalar(kind: Any, metadata: list[Any]) -> tuple[str, tuple[str, ...], str]:
    core = _core(metadata)
    if kind is bool:
        return "bool", (), ""
    if kind is int:
        return "int", (), ""
    if kind is Decimal:
        return "money", (), ""
    if kind is date:
        return ("month" if core is _model._MONTH_CORE else "date"), (), ""
    if isinstance(kind, type) and issubclass(kind, Enum):
        return "choice", tuple(m.value for m in kind), _snake(kind.__name__)
    if get_origin(kind) is Literal:
        return "choice", tuple(get_args(kind)), ""
    if core is _model._CREDIT_CODE_CORE or any(getattr(m, "pattern", None) not in (None, _model.NOT_BLANK) for m in metadata):
        return "code", (), ""
    return "text", (), ""


def _long(metadata: list[Any]) -> bool:
    return any((getattr(m, "max_length", None) or 0) > 200 for m in metadata)


def node(name: str, info: FieldInfo) -> Node:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    annotation, metadata, optional = _unwrap(info.annotation)
    metadata += list(info.metadata)
    hints = {k: v for k, v in extra.items() if k not in ("label", "help", "unit")}
    default = None if info.default is PydanticUndefined else info.default
    common = {
        "name": name,
        "required": info.is_required(),
        "labels": dict(extra.get("label") or {"zh": name, "en": name}),
        "help": extra.get("help"),
        "unit": extra.get("unit"),
        "hints": hints,
    }
    if isinstance(default, Enum):
        default = default.value
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        item, item_metadata, _ = _unwrap(item)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return Node(kind="evidence" if item is Evidence else "table", model=item, **common)
        kind, choices, choice_name = _scalar(item, item_metadata)
        return Node(kind="list", choices=choices, choice_name=choice_name, **common)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return Node(kind="group", model=annotation, **common)
    kind, choices, choice_name = _scalar(annotation, metadata)
    return Node(
        kind=kind,
        choices=choices,
        choice_name=hints.get("choices") or choice_name or (name if kind == "choice" else ""),
        default=default,
        long=_long(metadata),
        bounds=_bounds(metadata) if kind == "int" else None,
        **common,
    )


def _bounds(metadata: list[Any]) -> tuple[int, int]:
    low, high = 0, 10**9
    for meta in metadata:
        low = meta.ge if getattr(meta, "ge", None) is not None else low
        high = meta.le if getattr(meta, "le", None) is not None else high
    return low, high


@cache
def _fields(model: type[BaseModel]) -> tuple[Node, ...]:
    nodes = [node(name, info) for name, info in model.model_fields.items()]
    for moved in [n for n in nodes if n.hints.get("after")]:
        nodes.remove(moved)
        anchor = next((i for i, n in enumerate(nodes) if n.name == moved.hints["after"]), len(nodes) - 1)
        nodes.insert(anchor + 1, moved)
    return tuple(nodes)


def fields(model: type[BaseModel]) -> list[Node]:
    """The fields of a model in the order the faces show them."""
    return list(_fields(model))


def field_of(model: type[BaseModel], path: tuple[str | int, ...]) -> Node | None:
    """The field a path leads to (`("existing_sites", 0, "seats")`), list indices skipped."""
    current: Node | None = None
    for part in path:
        if isinstance(part, int):
            continue
        if model is None:
            return None
        current = next((n for n in fields(model) if n.name == part), None)
        if current is None:
            return None
        model = current.model
    return current


def blank(model: type[BaseModel] | None = None) -> dict[str, Any]:
    """An empty record of `model` with every part present, so that every field has a place:
    groups as records, lists empty, a choice or a yes/no at the model's default (a box the
    model requires unticked, an answer not given), other scalars empty."""
    out: dict[str, Any] = {}
    for n in fields(model or root()):
        if n.kind == "group":
            out[n.name] = blank(n.model)
        elif n.kind in ("list", "evidence", "table"):
            out[n.name] = []
        elif n.kind == "choice":
            out[n.name] = n.default  # none unless the model gives one: a choice is the user's to make
        elif n.kind == "bool":
            # A yes/no left unanswered (Optional, no default) stays None; a box is unticked.
            out[n.name] = n.default if isinstance(n.default, bool) else (False if n.required else None)
        elif n.kind == "text" and isinstance(n.default, str):
            out[n.name] = n.default
        else:
            out[n.name] = None
    return out


def rows_groups(n: Node) -> list[tuple[Node, Node]]:
    """The (group, item) pairs of a `layout="rows"` group: a row each, as the model lists them."""
    return [(group, item) for group in n.children() for item in group.children()]


def key_field(model: type[BaseModel]) -> Node:
    """The field that names a record of a table (its first), for records nested under it."""
    return fields(model)[0]
