"""What if: the smallest change that meets each failing criterion, and scenarios side by side.

Each kind proposes its own changes (`Kind.changes`); this module applies them, proves them and
compares scenarios.

A change is data: edits at JSON-pointer paths of the application (`/existing_sites/1/seats`),
and possibly a later assessment date. Each change is applied to a copy of the application and
assessed by the engine before it is offered, so `flips` says whether it really meets the
criterion. A scenario is a named set of edits; `compare` assesses and forecasts two to four of
them on the same date, readings and rulebook.

Pure: no Streamlit, no I/O.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from .core.changes import Change, Edit, WhatIf, _jsonable
from .core.engine import Message, Status, Verdict, assess, resolve_readings
from .forecast import DEFAULT_BASIS, FAR_FUTURE, Forecast, add_months, forecast, projected_application
from .intake import ApplicationError
from .intake.json_file import problems_from
from .core.model import Application, first_uncounted_month
from .core.rulebook import Rulebook, load_rulebook

MAX_SCENARIOS = 4


# ---------------------------------------------------------------- paths and edits


@dataclass(frozen=True, slots=True)
class PathProblem:
    """A scenario edit that cannot be applied, named by its path, in the user's language."""

    path: str
    message: Message

    def line(self, lang: str = "zh") -> str:
        return f"{self.path}: {self.message.text(lang)}"


class ScenarioError(ValueError):
    def __init__(self, problems: Sequence[Any]):
        self.problems = list(problems)
        super().__init__("\n".join(p.line("en") for p in self.problems))

    def lines(self, lang: str = "zh") -> list[str]:
        return [p.line(lang) for p in self.problems]


_DOTTED = re.compile(r"([^.\[\]]+)|\[(\d+|-)\]")


def normalize_path(path: str) -> str:
    """`/a/0/b`, `a.0.b` and `a[0].b` all name the same field; the pointer form is canonical."""
    text = path.strip()
    if not text:
        raise ScenarioError([PathProblem("", Message("forecast.scenario.empty_path"))])
    if text.startswith("/"):
        return text
    tokens = [m.group(1) or m.group(2) for m in _DOTTED.finditer(text)]
    return "/" + "/".join(tokens)


def _tokens(pointer: str) -> list[str]:
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer.lstrip("/").split("/")]


def _get(data: Any, pointer: str) -> Any:
    node = data
    for token in _tokens(pointer):
        if isinstance(node, list):
            if not token.isdigit() or int(token) >= len(node):
                raise ScenarioError([PathProblem(pointer, Message("forecast.scenario.bad_index", {"path": pointer, "index": token}))])
            node = node[int(token)]
        elif isinstance(node, dict) and token in node:
            node = node[token]
        else:
            raise ScenarioError([PathProblem(pointer, Message("forecast.scenario.bad_path", {"path": pointer}))])
    return node


def _set(data: Any, pointer: str, value: Any) -> Any:
    """Set in place; returns the value it replaced (None where it appended or added a key)."""
    *parents, last = _tokens(pointer)
    node = _get(data, "/" + "/".join(parents)) if parents else data
    if isinstance(node, list):
        if last == "-":
            node.append(value)
            return None
        if not last.isdigit() or int(last) >= len(node):
            raise ScenarioError([PathProblem(pointer, Message("forecast.scenario.bad_index", {"path": pointer, "index": last}))])
        before, node[int(last)] = node[int(last)], value
        return before
    # model_dump writes every field, so a key that is absent is a typo, not an unset field.
    if isinstance(node, dict) and last in node:
        before = node[last]
        node[last] = value
        return before
    raise ScenarioError([PathProblem(pointer, Message("forecast.scenario.bad_path", {"path": pointer}))])


def parse_value(text: str) -> Any:
    """A value typed by a user: JSON where it parses (numbers exact), else the text itself."""
    stripped = text.strip()
    try:
        return json.loads(stripped, parse_float=Decimal)
    except (json.JSONDecodeError, RecursionError):
        return stripped


def parse_edits(text: str) -> tuple[Edit, ...]:
    """Lines `path = value`; blank lines and lines starting with # are skipped."""
    edits = []
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        path, sep, value = line.partition("=")
        if not sep or not path.strip():
            problems.append(PathProblem(f"#{number}", Message("forecast.scenario.empty_path")))
            continue
        try:
            edits.append(Edit(normalize_path(path), parse_value(value)))
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScenarioError(problems)
    return tuple(edits)


def format_edits(edits: Sequence[Edit]) -> str:
    return "\n".join(f"{e.path} = {json.dumps(_jsonable(e.value), ensure_ascii=False)}" for e in edits)


def apply_edits(application: Application, edits: Sequence[Edit]) -> Application:
    """A copy of the application with the edits made, validated like any input.

    Raises ScenarioError for a path that does not exist and ApplicationError for a value the
    model refuses, each naming the path."""
    data = application.model_dump(mode="json")
    for edit in edits:
        _set(data, normalize_path(edit.path), _jsonable(edit.value))
    try:
        return Application.model_validate(data, context={"today": FAR_FUTURE})
    except ValidationError as exc:
        raise ApplicationError(problems_from(exc)) from None


def value_at(application: Application, path: str) -> Any:
    pointer = normalize_path(path)
    if pointer.endswith("/-"):
        return None
    try:
        return _get(application.model_dump(mode="json"), pointer)
    except ScenarioError:
        return None


# ---------------------------------------------------------------- minimal changes


def apply_change(application: Application, change: Change, as_of: date) -> tuple[Application, date]:
    """The application and assessment date the change leads to; a premium wait projects the
    ledger at the run-rate it assumed."""
    changed = apply_edits(application, change.edits) if change.edits else application
    on = change.wait_until or as_of
    if change.run_rate is not None and change.wait_until is not None:
        changed = projected_application(changed, as_of, change.run_rate, change.wait_until)
    return changed, on


def _verified(application: Application, change: Change, rulebook: Rulebook, as_of: date, readings: dict[str, str]) -> Change:
    if not change.edits and change.wait_until is None:
        return change
    try:
        changed, on = apply_change(application, change, as_of)
    except (ScenarioError, ApplicationError):
        return _replace(change, flips=False)
    status = assess(changed, rulebook, on, readings).finding(change.criterion).status
    return _replace(change, flips=status is Status.MET, status_after=status)


def _replace(change: Change, **values: Any) -> Change:
    fields = {name: getattr(change, name) for name in Change.__slots__}
    return Change(**(fields | values))


def minimal_changes(
    application: Application,
    rulebook: Rulebook | None = None,
    as_of: date | None = None,
    readings: Mapping[str, str] | None = None,
    basis: int = DEFAULT_BASIS,
    lang: str = "zh",
    forecast_result: Forecast | None = None,
) -> tuple[Change, ...]:
    """For every criterion not met on `as_of`, the smallest changes found that meet it, each
    applied to a copy of the application and re-assessed (`flips`)."""
    rulebook = rulebook or load_rulebook()
    as_of = as_of or date.today()
    chosen = resolve_readings(rulebook, readings)
    fc = forecast_result or forecast(application, rulebook, as_of, chosen, basis)
    now = assess(application, rulebook, as_of, chosen)
    if now.verdict is Verdict.OUT_OF_SCOPE:
        return ()
    # What each kind needs from the forecast to propose a wait: its dates and the run-rate.
    whatif = WhatIf(as_of, lang, {item.criterion: item.met_on for item in fc.criteria}, fc.run_rate)
    changes: list[Change] = []
    for criterion in rulebook.criteria:
        finding = now.finding(criterion.id)
        if finding.status in (Status.MET, Status.NOT_APPLICABLE):
            continue
        found = criterion.kind_of.changes(application, criterion, finding, whatif)
        changes.extend(_verified(application, change, rulebook, as_of, chosen) for change in found)
    return tuple(changes)


# ---------------------------------------------------------------- scenarios side by side


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    edits: tuple[Edit, ...] = ()


@dataclass(frozen=True, slots=True)
class ChangedInput:
    path: str
    before: Any
    after: Any

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "before": _jsonable(self.before), "after": _jsonable(self.after)}


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    name: str
    changes: tuple[ChangedInput, ...]
    verdict: Verdict | None
    statuses: dict[str, Status]
    forecast: Forecast | None
    problems: tuple[Any, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "changes": [c.to_json() for c in self.changes],
            "verdict": self.verdict.value if self.verdict else None,
            "statuses": {k: v.value for k, v in self.statuses.items()},
            "eligible_on": self.forecast.eligible_on.isoformat() if self.forecast and self.forecast.eligible_on else None,
            "outcome": self.forecast.outcome.value if self.forecast else None,
            "blocked_by": list(self.forecast.blocked_by) if self.forecast else [],
            "met_on": {c.criterion: c.met_on.isoformat() if c.met_on else None for c in self.forecast.criteria} if self.forecast else {},
            "problems": [{"zh": p.line("zh"), "en": p.line("en")} for p in self.problems],
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    as_of: date
    basis: int
    readings: dict[str, str]
    rulebook_id: str
    rulebook_version: int
    criteria: tuple[tuple[str, str, dict[str, str]], ...]
    results: tuple[ScenarioResult, ...]
    changed_paths: tuple[str, ...] = field(default_factory=tuple)

    def differs(self, criterion_id: str) -> bool:
        """Whether the scenarios disagree on this criterion's status."""
        seen = {r.statuses.get(criterion_id) for r in self.results if r.ok}
        return len(seen) > 1

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "basis_months": self.basis,
            "readings": self.readings,
            "rulebook": {"id": self.rulebook_id, "version": self.rulebook_version},
            "criteria": [{"id": c, "clause": clause, "title": title, "differs": self.differs(c)} for c, clause, title in self.criteria],
            "changed_paths": list(self.changed_paths),
            "scenarios": [r.to_json() for r in self.results],
        }


def run_scenario(
    base: Application, scenario: Scenario, rulebook: Rulebook, as_of: date, readings: dict[str, str], basis: int
) -> ScenarioResult:
    """One scenario's changed inputs, verdict, statuses and forecast; a bad edit is reported
    in the result rather than raised, so one scenario never sinks the comparison."""
    try:
        changed = apply_edits(base, scenario.edits) if scenario.edits else base
    except (ScenarioError, ApplicationError) as exc:
        return ScenarioResult(scenario.name, (), None, {}, None, tuple(exc.problems))
    inputs = tuple(ChangedInput(normalize_path(e.path), value_at(base, e.path), _jsonable(e.value)) for e in scenario.edits)
    assessment = assess(changed, rulebook, as_of, readings)
    fc = forecast(changed, rulebook, as_of, readings, basis)
    return ScenarioResult(scenario.name, inputs, assessment.verdict, {f.criterion: f.status for f in assessment.findings}, fc)


def compare(
    base: Application,
    scenarios: Sequence[Scenario],
    rulebook: Rulebook | None = None,
    as_of: date | None = None,
    readings: Mapping[str, str] | None = None,
    basis: int = DEFAULT_BASIS,
) -> Comparison:
    """Up to four scenarios of the same application, assessed and forecast on the same terms."""
    if len(scenarios) > MAX_SCENARIOS:
        raise ScenarioError([PathProblem("", Message("forecast.scenario.too_many", {"max": MAX_SCENARIOS, "n": len(scenarios)}))])
    rulebook = rulebook or load_rulebook()
    as_of = as_of or date.today()
    chosen = resolve_readings(rulebook, readings)
    results = tuple(run_scenario(base, s, rulebook, as_of, chosen, basis) for s in scenarios)
    paths = tuple(dict.fromkeys(c.path for r in results for c in r.changes))
    criteria = tuple((c.id, c.clause, {"zh": c.title_zh, "en": c.title_en}) for c in rulebook.criteria)
    return Comparison(as_of, basis, chosen, rulebook.id, rulebook.version, criteria, results, paths)


def extra_premium_edits(application: Application, as_of: date, amount_yuan: Decimal) -> tuple[Edit, ...]:
    """Edits that add `amount_yuan` of telemarketing-exclusive premium counted by `as_of`: a
    ledger row in the last complete month, or a higher declared total where there is no ledger."""
    if amount_yuan <= 0:
        return ()
    premiums = application.premiums
    if not premiums.ledger and premiums.declared_total is not None:
        total = premiums.declared_total.amount_yuan + amount_yuan
        return (Edit("/premiums/declared_total/amount", format(total, "f")), Edit("/premiums/declared_total/unit", "元"))
    month = add_months(first_uncounted_month(as_of), -1)
    exclusive = [r for r in premiums.ledger if r.telemarketing_exclusive]
    product = exclusive[-1].product_code if exclusive else "-"
    row = {"month": month.isoformat(), "product_code": product, "telemarketing_exclusive": True, "premium": format(amount_yuan, "f"), "unit": "元"}
    return (Edit("/premiums/ledger/-", row),)
