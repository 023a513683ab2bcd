"""What the user typed, kept as a raw dict shaped like the application JSON.

A draft may be invalid at any moment: it is what the user typed, and it survives mistakes.
These functions turn it into an `Application` when it is valid (with the same problems the
CLI reports when it is not), and compare versions for the audit trail. No Streamlit here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ..intake import ApplicationError, Problem, parse_application
from ..intake.json_file import read_json_object
from ..core.model import Application
from ..intake import shape

def blank_draft() -> dict[str, Any]:
    """An empty application with every section present, so every field has a place: read from
    the model's declarations, so a field declared there has its place here too."""
    return shape.blank()


def unknown_fields(value: Any, model: type | None = None, path: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], Any]]:
    """Keys of the draft that name no field of the model (a misspelt `planed_seats` in an
    uploaded file), with where they are and what they hold."""
    if not isinstance(value, dict):
        return []
    known = {node.name: node for node in shape.fields(model or shape.root())}
    out: list[tuple[tuple[str | int, ...], Any]] = []
    for key, item in value.items():
        node = known.get(key)
        if node is None:
            out.append(((*path, key), item))
        elif node.kind in ("table", "evidence") and isinstance(item, list):
            for index, row in enumerate(item):
                out += unknown_fields(row, node.model, (*path, key, index))
        elif node.kind == "group":
            out += unknown_fields(item, node.model, (*path, key))
    return out


def remove_field(draft: dict[str, Any], path: tuple[str | int, ...]) -> None:
    """Take the key at `path` out of the draft (nothing happens if it is gone already)."""
    node: Any = draft
    for part in path[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return
    if isinstance(node, dict):
        node.pop(path[-1], None)


def plain(value: Any) -> Any:
    """JSON-safe copy: Decimals as text (money stays exact), dates as ISO text."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    return value


def from_json_bytes(data: bytes) -> dict[str, Any]:
    """A draft from a JSON file's bytes; raises ApplicationError for text that is not a JSON object."""
    return merge_into_blank(plain(read_json_object(data)))


def merge_into_blank(data: dict[str, Any]) -> dict[str, Any]:
    """Fill the sections a file left out, so the intake form has a place for every field."""

    def merge(base: Any, over: Any) -> Any:
        if isinstance(base, dict) and isinstance(over, dict):
            out = dict(base)
            for key, value in over.items():
                out[key] = merge(base.get(key), value) if key in base else value
            return out
        return over

    return merge(blank_draft(), data)


def from_application(application: Application) -> dict[str, Any]:
    return merge_into_blank(plain(application.model_dump(mode="json")))


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def prune(value: Any) -> Any:
    """Drop what the user left empty, so a blank optional field is absent rather than invalid.

    A required field left empty then reads as "missing", the same message the CLI gives.
    """
    if isinstance(value, dict):
        out = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if not _empty(v)}
    if isinstance(value, list):
        out = [prune(v) for v in value]
        return [v for v in out if not _empty(v)]
    if isinstance(value, str):
        return value.strip()
    return value


@dataclass(frozen=True, slots=True)
class Checked:
    """A draft checked against the model: the application when valid, else every problem."""

    application: Application | None
    problems: tuple[Problem, ...]


def application_data(draft: dict[str, Any]) -> dict[str, Any]:
    """The draft as the model reads it: blanks dropped, and a declared total that holds
    nothing but its unit selector treated as not given."""
    data = prune(draft)
    premiums = data.get("premiums")
    if isinstance(premiums, dict) and isinstance(premiums.get("declared_total"), dict) and set(premiums["declared_total"]) <= {"unit"}:
        del premiums["declared_total"]
        if not premiums:
            del data["premiums"]
    return data


def check(draft: dict[str, Any], today: date | None = None) -> Checked:
    try:
        return Checked(parse_application(application_data(draft), today=today or date.today()), ())
    except ApplicationError as exc:
        return Checked(None, tuple(exc.problems))


def tidy(value: Any) -> Any:
    """The draft without keys whose value is None or blank text: what a widget adds merely by
    drawing (an evidence row's empty hash, a date not given) is not a change the user made."""
    if isinstance(value, dict):
        return {k: tidy(v) for k, v in value.items() if v is not None and not (isinstance(v, str) and not v.strip())}
    if isinstance(value, list):
        return [tidy(v) for v in value]
    return value


def canonical(draft: dict[str, Any]) -> str:
    """Stable text of what a draft says, to tell whether anything changed since the last save.

    Keys that hold nothing (None, blank text) do not count: opening a section draws its widgets,
    which write their empty values into the draft, and that is viewing, not editing."""
    return json.dumps(plain(tidy(draft)), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def title_of(draft: dict[str, Any]) -> str:
    applicant = draft.get("applicant") or {}
    site = draft.get("proposed_site") or {}
    name = str(applicant.get("name") or "").strip()
    city = str(site.get("city") or "").strip()
    return " · ".join(part for part in (name, city) if part)


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaves of a nested dict keyed by path (`existing_sites[1].seats`)."""
    out: dict[str, Any] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            out |= flatten(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list) and value:
        for i, item in enumerate(value):
            out |= flatten(item, f"{prefix}[{i}]")
    elif not _empty(value):
        out[prefix] = value
    return out


@dataclass(frozen=True, slots=True)
class Change:
    path: str
    before: Any
    after: Any


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[Change]:
    """Field-level differences between two saved versions, for the audit trail."""
    old, new = flatten(plain(before or {})), flatten(plain(after))
    return [Change(path, old.get(path), new.get(path)) for path in sorted(old.keys() | new.keys()) if old.get(path) != new.get(path)]


def problems_under(problems: tuple[Problem, ...] | list[Problem], path: str) -> list[Problem]:
    """Problems at `path` or inside it (`path.x`, `path[3]...`)."""
    return [p for p in problems if p.path == path or p.path.startswith(path + ".") or p.path.startswith(path + "[")]
