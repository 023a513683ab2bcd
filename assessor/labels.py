"""Fields named as people know them: `proposed_site.planned_seats` becomes 拟设职场 · 计划坐席数.

One place turns a path into a name, for every page: the label the model declares for the field
(`assessor.core.model.label`), else its name under `labels.model.<Model>.<field>` in the
locales; the five unifications' sub-items by the rulebook's own wording. List positions read as
第3行 / row 3 (paths count from 0, people from 1). A key the model does not know (a typo in an
uploaded file) is shown quoted as it was written, never dropped.

    field_name("existing_sites[2].business_system", "zh")  ->  现有职场 第3行 · 业务系统
    field_name(("premiums", "ledger", 0, "month"), "en")   ->  Premiums · Premium ledger row 1 · Month

Pure: no Streamlit; safe to import from any page, the CLI or a test.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Sequence
from functools import cache
from datetime import date, datetime
from typing import Any, Union

from pydantic import BaseModel

from .core.model import Application, Unifications
from .core.model import field_help as _model_help
from .core.model import field_label as _model_label
from .i18n import format_date, format_month, has, t

__all__ = ["day_text", "dates_in", "leading_date", "field_help", "field_name", "missing_name", "month_text", "names_in", "problem_line", "split_path"]

Segment = str | int
_DOTTED = re.compile(r"([^.\[\]/]+)|\[(\d+|-)\]")


def split_path(path: str | Sequence[Any]) -> list[Segment]:
    """The steps of a path in any of its forms: `a.b[2].c`, `a.b.2.c`, `/a/b/2/c`, or a
    validation error's `loc` tuple. Positions become ints; `-` (append) stays `-`."""
    if not isinstance(path, str):
        return [p if isinstance(p, int) else str(p) for p in path]
    text = path.strip()
    if text.startswith("/"):
        parts: list[str] = [p.replace("~1", "/").replace("~0", "~") for p in text[1:].split("/") if p != ""]
    else:
        parts = [m.group(1) or m.group(2) for m in _DOTTED.finditer(text)]
    return [int(p) if p.isdigit() else p for p in parts]


def _inner(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model a field holds (if any) and whether it holds a list of things."""
    is_list = False
    seen = 0
    while seen < 8:
        seen += 1
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return None, is_list
            annotation = args[0]
        elif origin in (list, tuple, Sequence, set, frozenset):
            is_list = True
            args = typing.get_args(annotation)
            annotation = args[0] if args else Any
        else:
            break
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, is_list
    return None, is_list


@cache
def _items() -> dict[str, dict[str, Any]]:
    """The rulebook's wording of the five unifications' sub-items (loaded once)."""
    from .core.rulebook import load_rulebook

    return load_rulebook().items


def _one(model: type[BaseModel], name: str, lang: str) -> str | None:
    if name not in model.model_fields:
        return None
    declared = _model_label(model, name, lang)
    if declared != name:
        return declared
    key = f"labels.model.{model.__name__}.{name}"
    return t(key, lang) if has(key, lang) else None


def _item(group: str, name: str, lang: str, rulebook: Any = None) -> str | None:
    items = rulebook.items if rulebook is not None else _items()
    entry = items.get(group, {}).get(name)
    return entry.in_(lang) if entry is not None else None


def field_name(path: str | Sequence[Any], lang: str = "zh", *, rulebook: Any = None) -> str:
    """The field at `path` named for a reader in `lang` (zh or en), e.g.
    `existing_sites[2].business_system` → 现有职场 第3行 · 业务系统; an empty path → ''."""
    steps = split_path(path)
    words: list[str] = []
    model: type[BaseModel] | None = Application
    parent: type[BaseModel] | None = None
    previous: Segment | None = None
    for step in steps:
        if isinstance(step, int) or step == "-":
            row = t("labels.last_row", lang) if step == "-" else t("labels.row", lang, n=step + 1)
            if words:
                words[-1] = f"{words[-1]} {row}"
            else:
                words.append(row)
            continue
        name = None
        if model is not None:
            if parent is Unifications and isinstance(previous, str):
                name = _item(previous, step, lang, rulebook)
            name = name or _one(model, step, lang)
        if name is None:  # a key the model does not know: shown as written
            words.append(t("labels.unknown", lang, name=step))
            parent, model, previous = model, None, step
            continue
        words.append(name)
        assert model is not None
        parent = model
        model, _ = _inner(model.model_fields[step].annotation)
        previous = step
    return t("labels.joiner", lang).join(words)


def field_help(path: str | Sequence[Any], lang: str = "zh") -> str | None:
    """The help the model declares for the field at `path`, if any."""
    model: type[BaseModel] | None = Application
    owner, last = None, None
    for step in split_path(path):
        if isinstance(step, int) or step == "-":
            continue
        if model is None or step not in model.model_fields:
            return None
        owner, last = model, step
        model, _ = _inner(model.model_fields[step].annotation)
    return _model_help(owner, last, lang) if owner is not None and last is not None else None


def missing_name(key: str, lang: str = "zh", *, rulebook: Any = None) -> str:
    """An entry of a finding's missing evidence named for a reader: a sub-item key such as
    `operations.quality_monitoring` by the rulebook's wording, a path by the dossier's phrase
    for it or else by `field_name`."""
    group, _, name = key.partition(".")
    if name and "." not in name:
        item = _item(group, name, lang, rulebook)
        if item is not None:
            return item
    # What the dossier calls it, where it has a phrase for it (保费台账或申报累计保费及其证明材料).
    if has(f"dossier.missing.{key}", lang):
        return t(f"dossier.missing.{key}", lang)
    return field_name(key, lang, rulebook=rulebook)


_PATHLIKE = re.compile(r"(?<![\w./-])/?[a-z_]+(?:\[\d+\]|[./]\d+)*(?:[./][a-z_]+(?:\[\d+\]|[./]\d+)*)+(?![\w/])")


def names_in(text: str, lang: str = "zh") -> str:
    """`text` with every application path in it (e.g. `proposed_site.planned_seats` inside a
    message) replaced by the field's name; other words left as they are."""

    def swap(match: re.Match[str]) -> str:
        found = match.group(0)
        steps = split_path(found)
        first = steps[0] if steps else None
        if isinstance(first, str) and first in Application.model_fields:
            return field_name(steps, lang)
        return found

    return _PATHLIKE.sub(swap, text)


# ---------------------------------------------------------------- problems and dates


_WHERE = {"(file)": "errors.where.file", "(top level)": "errors.where.top_level"}
_MORE = "(more)"


def problem_line(problem: Any, lang: str = "zh") -> str:
    """One problem of an input (anything with `path` and `message(lang)`, such as
    `assessor.intake.Problem`) as a reader sees it: 拟设职场 · 计划坐席数：必填项缺失."""
    message = problem.message
    text = message(lang) if callable(message) else message.text(lang)
    text = names_in(text, lang)
    path = problem.path
    if path == _MORE:
        return text
    where = t(_WHERE[path], lang) if path in _WHERE else field_name(path, lang)
    return t("labels.problem", lang, field=where, message=text) if where else text


def day_text(day: date | datetime | None, lang: str = "zh") -> str:
    """A date as the app writes it everywhere: 2026年12月5日 in Chinese, 2026-12-05 in English;
    nothing for no date."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.date()
    return format_date(day, lang)


def month_text(day: date | None, lang: str = "zh") -> str:
    """A month: 2025年7月 / 2025-07."""
    if day is None:
        return ""
    return format_month(day.year, day.month, lang)


def moment_text(moment: datetime | None, lang: str = "zh") -> str:
    """A point in time: 2026年12月5日 14:03 / 2026-12-05 14:03."""
    if moment is None:
        return ""
    return f"{day_text(moment, lang)} {moment:%H:%M}"


# ASCII neighbours only: a date right after 于 or before 起 is still a date (\w would say no).
_ISO_DATE = re.compile(r"(?<![A-Za-z0-9_.-])(\d{4})-(\d{2})(?:-(\d{2}))?(?![A-Za-z0-9_-])")


def dates_in(text: str, lang: str = "zh") -> str:
    """The app's own text (an explanation, a note) with each ISO date (2026-12-05) and month
    (2026-10) in it written as `day_text` and `month_text` write them. Never for what a file
    says: a file name or a product code keeps its digits."""
    if lang == "en":
        return text

    def swap(match: re.Match[str]) -> str:
        year, month, day = match.group(1, 2, 3)
        try:
            if day is None:
                return month_text(date(int(year), int(month), 1), lang)
            return day_text(date(int(year), int(month), int(day)), lang)
        except ValueError:
            return match.group(0)

    return _ISO_DATE.sub(swap, text)


_LEADING_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?= )")


def leading_date(text: str, lang: str = "zh") -> str:
    """A label the engine starts with the event's date (2026-03-01 某监管局 …): that date in the
    reader's form, the rest (what the applicant wrote) untouched."""
    match = _LEADING_DAY.match(text)
    return dates_in(match.group(1), lang) + text[match.end() :] if match else text
