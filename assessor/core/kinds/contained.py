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
from ..results import Part, Quantity, Status
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
