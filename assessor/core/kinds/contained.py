"""A set contained in another: every value the application states at some paths (each site's
numbers, each manager's employer, each site's system, the products to be sold) lies in a
reference the company states (the nationwide numbers, head office's unit, the one business
system, the approved products). The data decides: a value outside fails the criterion whatever
was attested, and its part names where it was found. Attested items with evidence support it."""

from __future__ import annotations

from datetime import date
from typing import Any

from ...i18n import t
from ..model import Application
from ..results import Message, Part, Quantity, Status
from ..changes import Change, Edit, WhatIf
from .whatif import _attest_edits, _element_for, _filled, _get, _leaves, _pointer, _same
from .base import Kind, Outcome, Params, PathCheck, gather, resolve
from .checklist import attested_parts, summarize


def _key(value: Any) -> str:
    # Numbers compare without spaces and dashes, codes and names without case.
    text = value if isinstance(value, str) else value.code
    return text.replace(" ", "").replace("-", "").upper()


class ContainedInParams(Params):
    items: list[str]  # paths whose values must lie in `within`
    within: str  # path to the reference: one text, a list of text, or of objects with a code
    group: str  # the group of attestations under `unifications` that supports it
    attested: list[str] = []


class ContainedIn(Kind):
    name = "contained_in"
    Params = ContainedInParams

    def paths(self, params: ContainedInParams) -> list[PathCheck]:
        return (
            [PathCheck(f"items.{i}", path, "texts") for i, path in enumerate(params.items)]
            + [PathCheck("within", params.within, "codes")]
            + [PathCheck(f"attested.{i}", f"unifications.{params.group}.{name}") for i, name in enumerate(params.attested)]
        )

    def measure(self, app: Application, params: ContainedInParams, as_of: date, labels: Any) -> Outcome:
        reference = resolve(app, params.within)
        reference = [reference] if isinstance(reference, str) else list(reference or [])
        within = {_key(v) for v in reference}
        # Against an empty reference nothing can be shown to lie outside it: that is missing data.
        outside_status = Status.NOT_MET if within else Status.INSUFFICIENT_EVIDENCE
        missing: list[str] = []
        parts: list[Part] = []
        outside: list[str] = []
        seen: set[tuple[str, str]] = set()
        total = inside = 0
        for path in params.items:
            found, empty = gather(app, path)
            for owners in empty:
                # The record that says nothing is named as a part of its own: the data decides,
                # and a record without the fact decides nothing.
                where = {lang: "：".join(o[lang] for o in owners) for lang in ("zh", "en")}
                label = {lang: t("engine.contained_in.not_given", lang, where=where[lang] or "—") for lang in ("zh", "en")}
                parts.append(Part(f"{params.group}:missing:{path}:{where['zh']}", label, Status.INSUFFICIENT_EVIDENCE))
                if path not in missing:
                    missing.append(path)
            for item in found:
                value = item.value if isinstance(item.value, str) else item.value.code
                label = item.label(value)
                if (label["zh"], value) in seen:
                    continue
                seen.add((label["zh"], value))
                total += 1
                if _key(value) in within:
                    inside += 1
                    parts.append(Part(f"{params.group}:{value}", label, Status.MET))
                else:
                    outside.append(label["zh"])
                    parts.append(Part(f"{params.group}:{value}", label, outside_status))
        if not within:
            missing.append(params.within)
        facts = {"inside": inside, "total": total}
        parts += attested_parts(app, params.group, params.attested, labels)
        return summarize(parts, missing, facts, Quantity(inside, "items"), Quantity(total, "items"))

    def changes(self, app: Application, criterion: Any, finding: Any, whatif: WhatIf) -> list[Change]:
        """Bring what the application states in line with the reference: a value at odds is set to
        the one reference value (a unit, a system) or, against a list (numbers, products), either
        added to it or removed where it is stated; a missing fact is filled from the reference."""
        lang = whatif.lang
        p = criterion.params
        data = app.model_dump(mode="json")
        reference = resolve(app, p.within)
        one = isinstance(reference, str)
        within_values = [reference] if one else [v if isinstance(v, str) else v.code for v in (reference or [])]
        keys = {_same(v) for v in within_values}
        attest_edits, attest_steps = _attest_edits(app, finding.parts, p.group, lang)
        outside: list[tuple[str, str]] = []
        fill_edits: list[Edit] = []
        fill_steps: list[Message] = []
        for path in p.items:
            for pointer, value, where, below in _leaves(data, path):
                if value is None:
                    if within_values:
                        fill_edits.append(Edit(pointer, _filled(where, below, within_values, lang)))
                    fill_steps.append(Message("forecast.change.provide", {"field": path}))
                elif _same(value) not in keys:
                    outside.append((pointer, value))
        values = list(dict.fromkeys(v for _, v in outside))
        joined = "、".join(values) if lang == "zh" else ", ".join(values)
        target = ",".join(values) or None
        changes = []
        if outside and one and reference:
            align = [Edit(pointer, reference) for pointer, _ in outside]
            step = Message("forecast.change.align", {"values": joined, "reference": reference})
            changes.append(Change(criterion.id, "align", (step, *attest_steps, *fill_steps), tuple(align + attest_edits + fill_edits), target=target))
        elif outside:
            approve = [Edit(_pointer(p.within) + "/-", _element_for(p.within, v)) for v in values]
            step = Message("forecast.change.approve", {"values": joined})
            changes.append(Change(criterion.id, "approve", (step, *attest_steps, *fill_steps), tuple(approve + attest_edits + fill_edits), target=target))
            # Or remove them where they are stated, list by list; not where that would empty a list.
            lists: dict[str, list[int]] = {}
            for pointer, _ in outside:
                parent, _, index = pointer.rpartition("/")
                lists.setdefault(parent, []).append(int(index))
            removal = []
            for parent, drop in lists.items():
                current = _get(data, parent)
                kept = [v for i, v in enumerate(current) if i not in drop]
                if not kept:
                    removal = []
                    break
                removal.append(Edit(parent, kept))
            if removal:
                step = Message("forecast.change.remove", {"values": joined})
                changes.append(Change(criterion.id, "remove", (step, *attest_steps, *fill_steps), tuple(removal + attest_edits + fill_edits), target=target))
        else:
            changes.append(Change(criterion.id, "attest", tuple(attest_steps + fill_steps), tuple(attest_edits + fill_edits)))
        return changes
