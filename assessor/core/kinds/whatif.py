"""Helpers the kinds share to propose changes: JSON pointers for dotted paths, placeholders for
missing facts and documents, the attestations a change must make."""

from __future__ import annotations

import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from ...i18n import t
from ..changes import Edit
from ..model import Application
from ..results import Message, Status


def _pointer(dotted: str) -> str:
    return "/" + dotted.replace(".", "/")



def _placeholder_document(item: str, lang: str) -> dict[str, Any]:
    return {"document": t("forecast.change.placeholder_document", lang, item=item)[:200]}



def _field_type(path: str) -> Any:
    """The model type at a dotted path of the application (list element types unwrapped)."""
    model: Any = Application
    annotation: Any = Application
    for name in path.split("."):
        annotation = model.model_fields[name].annotation
        model = _unwrap(annotation)
    return annotation



def _unwrap(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin in (list, tuple) and args:
        return _unwrap(args[0])
    if args and origin is not None and not isinstance(annotation, type):
        return _unwrap(args[0])
    return annotation



def _placeholder_value(path: str, lang: str) -> Any:
    """A stand-in for a missing fact, so a what-if can show what supplying it would do."""
    annotation = _field_type(path)
    element = _unwrap(annotation)
    text = t("forecast.change.placeholder_text", lang)
    if isinstance(element, type) and issubclass(element, BaseModel):
        filled = {name: text for name, f in element.model_fields.items() if f.is_required()}
        return [filled] if typing.get_origin(annotation) is list else filled
    if typing.get_origin(annotation) is list:
        return None
    return text



def _element_for(within_path: str, value: str) -> Any:
    element = _unwrap(_field_type(within_path))
    if isinstance(element, type) and issubclass(element, BaseModel) and "code" in element.model_fields:
        return {"code": value}
    return value



def _attest_edits(app: Application, parts, group: str, lang: str) -> tuple[list[Edit], list[Message]]:
    edits, steps = [], []
    attestations = getattr(app.unifications, group)
    for part in parts:
        if part.status is Status.MET or not part.key.startswith(f"{group}."):
            continue
        name = part.key.split(".", 1)[1]
        current = getattr(attestations, name)
        value = {
            "attested": True,
            "description": current.description or t("forecast.change.placeholder_text", lang),
            "evidence": [e.model_dump(mode="json") for e in current.evidence] or [_placeholder_document(part.label[lang], lang)],
        }
        edits.append(Edit(f"/unifications/{group}/{name}", value))
        steps.append(Message("forecast.change.attest", {"item": part.label}))
    return edits, steps



def _missing_fact_edits(app: Application, paths: Sequence[str], lang: str) -> tuple[list[Edit], list[Message], bool]:
    edits, steps, complete = [], [], True
    for path in paths:
        value = _placeholder_value(path, lang)
        if value is None:
            complete = False
            steps.append(Message("forecast.change.provide", {"field": path}))
            continue
        edits.append(Edit(_pointer(path), value))
        steps.append(Message("forecast.change.provide", {"field": path}))
    return edits, steps, complete



def _leaves(data: Any, dotted: str, pointer: str = "", walked: str = "") -> list[tuple[str, Any, str, str]]:
    """Every value at a dotted path of an application's JSON, with its JSON pointer; over a
    list, every element's. Where the path stops at an empty list or a null, that place is given
    with None, its dotted path, and the names below it, so a missing fact can be filled there."""
    name, _, rest = dotted.partition(".")
    value = data.get(name) if isinstance(data, dict) else None
    here, path = f"{pointer}/{name}", f"{walked}.{name}" if walked else name
    if value is None or value == []:
        return [(here, None, path, rest)]
    if isinstance(value, list):
        if not rest:
            return [(f"{here}/{i}", item, path, "") for i, item in enumerate(value)]
        return [leaf for i, item in enumerate(value) for leaf in _leaves(item, rest, f"{here}/{i}", path)]
    if rest:
        return _leaves(value, rest, here, path)
    return [(here, value, path, "")]



def _filled(where: str, below: str, reference: list[str], lang: str) -> Any:
    """A stand-in for a missing fact that agrees with the reference: a list of records (a team)
    gets one placeholder record holding the reference value; a list of text the reference list;
    a text the one reference value."""
    if below:
        records = _placeholder_value(where, lang)
        record = records[0] if isinstance(records, list) else records
        record[below.split(".")[-1]] = reference[0]
        return records
    if typing.get_origin(_field_type(where)) is list:
        return list(reference)
    return reference[0]



def _same(value: str) -> str:
    return value.replace(" ", "").replace("-", "").upper()




def _get(data: Any, pointer: str) -> Any:
    """The value at a JSON pointer the caller found with `_leaves` (so it exists)."""
    node = data
    for token in pointer.lstrip("/").split("/"):
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node
