"""What every criterion kind shares: the outcome it reports, the calendar of 「N年」 and
「N年内」, and how a dotted path into the application gathers its values.

A kind is a class: it owns the model of its rulebook parameters (paths into the application,
thresholds; never criterion names), how it measures, whether its finding depends on the date,
and the next date on which time alone could change its finding (for forecasts). Its sentences
live in the locale files under `engine.<kind>.<outcome>`, filled from the facts it reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from ..model import Application, Evidence
from ..results import Finding, Gap, Message, Part, Quantity, Status


class Params(BaseModel):
    """Base of every kind's parameters: unknown keys are refused, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # What the criterion is about, in the words its sentences use ("集中销售电销专用产品",
    # "原电销职场"): from the rulebook, so a new criterion of a kind needs no new sentence.
    noun: dict[str, str] = {}


@dataclass(frozen=True)
class Outcome:
    """What a kind measured; the engine adds the rulebook's side to make a Finding."""

    status: Status
    outcome: str  # the sentence's name under engine.<kind>: met, not_met, no_evidence...
    facts: dict[str, Any] = field(default_factory=dict)
    measured: Quantity | None = None
    threshold: Quantity | None = None
    gap: Gap | None = None
    evidence: tuple[Evidence, ...] = ()
    missing_evidence: tuple[str, ...] = ()
    parts: tuple[Part, ...] = ()
    notes: tuple[Message, ...] = ()


@dataclass(frozen=True)
class PathCheck:
    """A path the params name, checked against the application model when the rulebook loads."""

    key: str  # the params key, for the error's location
    path: str
    expect: str | None = None  # "date", "texts", "codes", "list", "object" or None (any field)


class Kind:
    """One kind of criterion. Subclasses set `name`, `Params` and `dated`, and implement `measure`."""

    name: ClassVar[str]
    Params: ClassVar[type[Params]]
    # Whether the finding can change with the assessment date alone (a duration, a sum of
    # ended months, a window): forecasts ask these for the next date they could change.
    dated: ClassVar[bool] = False

    def paths(self, params: Any) -> list[PathCheck]:
        return []

    def measure(self, app: Application, params: Any, as_of: date, labels: Any) -> Outcome:
        raise NotImplementedError

    def changes(self, app: Application, criterion: Any, finding: Finding, whatif: Any) -> list[Any]:
        """The smallest changes (edits, a wait) that would meet this criterion; the scenarios
        service proves each on a copy before offering it."""
        return []

    def next_date(self, finding: Finding, on: date) -> date | None:
        """The next date after `on` on which time alone could make this finding met; None if
        time cannot. Kinds that measure a growing sum answer through the forecast's projection."""
        if finding.status is not Status.NOT_MET or finding.gap is None or finding.gap.closes_on is None:
            return None
        return finding.gap.closes_on if finding.gap.closes_on > on else None


# ---------------------------------------------------------------- calendar


def add_years(start: date, years: int) -> date:
    """The corresponding day `years` later; the month's last day where there is none (29 Feb)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # the month stays, so only 29 Feb can be missing: its year ends the month on the 28th
        return start.replace(year=start.year + years, day=28)


def window_start(as_of: date, years: int) -> date:
    """First day of the window 「N年内」 ending on `as_of`; both ends belong to the window."""
    return add_years(as_of, -years)


ONE_DAY = timedelta(days=1)


def leaves_window(day: date, years: int) -> date:
    """The first assessment date whose window 「N年内」 no longer holds `day`.

    Usually the day after its anniversary; but seen from 29 Feb the window opens on 28 Feb of
    the year before, so an event on 28 Feb is still inside on 29 Feb and leaves on 1 March."""
    leaves = add_years(day, years) + ONE_DAY
    while window_start(leaves, years) <= day:
        leaves += ONE_DAY
    return leaves


# ---------------------------------------------------------------- paths into the application


def resolve(application: Application, path: str) -> Any:
    """Follow a dotted path; over a list, take the attribute of every element (flattened)."""
    values: list[Any] = [application]
    single = True
    for name in path.split("."):
        nxt: list[Any] = []
        for value in values:
            if value is None:
                continue
            found = getattr(value, name)
            if isinstance(found, list):
                single = False
                nxt.extend(found)
            else:
                nxt.append(found)
        values = nxt
    if single:
        return values[0] if values else None
    return values


@dataclass(frozen=True)
class Gathered:
    """A value found at a path, with the labels of the records it was found in (site, member)."""

    value: Any
    owners: tuple[dict[str, str], ...]

    def label(self, text: str) -> dict[str, str]:
        zh = "：".join([o["zh"] for o in self.owners] + [text])
        en = ": ".join([o["en"] for o in self.owners] + [text])
        return {"zh": zh, "en": en}


def gather(application: Application, path: str) -> tuple[list[Gathered], list[tuple[dict[str, str], ...]]]:
    """Every value at a dotted path with the records it came from, and the records that hold
    none (a site with no business system, a site with no management team): the data decides,
    so a record that says nothing is a fact missing, not a fact met."""
    found: list[Gathered] = []
    empty: list[tuple[dict[str, str], ...]] = []

    def walk(node: Any, names: list[str], owners: tuple[dict[str, str], ...]) -> None:
        value = getattr(node, names[0])
        items = value if isinstance(value, list) else [value]
        if value is None or value == "" or not items:
            empty.append(owners)
            return
        if len(names) == 1:
            found.extend(Gathered(item, owners) for item in items)
            return
        for item in items:
            walk(item, names[1:], owners + ((item.label(),) if hasattr(item, "label") else ()))

    walk(application, path.split("."), ())
    return found, empty
