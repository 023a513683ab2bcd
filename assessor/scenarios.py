"""What if: the smallest change that meets each failing criterion, and scenarios side by side.

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
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from .core.engine import Finding, Message, Quantity, Status, Verdict, add_years, assess, resolve_readings
from .core.results import Shortfall
from .forecast import DEFAULT_BASIS, FAR_FUTURE, Forecast, RunRate, add_months, forecast, projected_application
from .i18n import t
from .intake import ApplicationError
from .intake.json_file import problems_from
from .core.model import Application, first_uncounted_month
from .core.kinds import resolve as _resolve
from .core.rulebook import Criterion, Rulebook, load_rulebook

MAX_SCENARIOS = 4


# ---------------------------------------------------------------- paths and edits


@dataclass(frozen=True, slots=True)
class Edit:
    """Set the value at `path` (JSON pointer; a final `-` appends to a list)."""

    path: str
    value: Any

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "value": _jsonable(self.value)}


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


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


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


@dataclass(frozen=True, slots=True)
class Change:
    """The smallest change found that meets one criterion: edits, a wait, or both."""

    criterion: str
    kind: str
    steps: tuple[Message, ...]
    edits: tuple[Edit, ...] = ()
    wait_until: date | None = None
    amount: Quantity | None = None
    target: str | None = None
    run_rate: RunRate | None = None
    flips: bool | None = None
    status_after: Status | None = None

    def text(self, lang: str = "zh") -> str:
        return t("forecast.change.joined", lang).join(step.text(lang) for step in self.steps)

    def to_json(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "kind": self.kind,
            "text": {"zh": self.text("zh"), "en": self.text("en")},
            "edits": [e.to_json() for e in self.edits],
            "wait_until": self.wait_until.isoformat() if self.wait_until else None,
            "amount": self.amount.to_json() if self.amount else None,
            "target": self.target,
            "assumes_run_rate": format(self.run_rate.per_month, "f") if self.run_rate else None,
            "flips": self.flips,
            "status_after": self.status_after.value if self.status_after else None,
        }


def apply_change(application: Application, change: Change, as_of: date) -> tuple[Application, date]:
    """The application and assessment date the change leads to; a premium wait projects the
    ledger at the run-rate it assumed."""
    changed = apply_edits(application, change.edits) if change.edits else application
    on = change.wait_until or as_of
    if change.run_rate is not None and change.wait_until is not None:
        changed = projected_application(changed, as_of, change.run_rate, change.wait_until)
    return changed, on


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


def _tenure_changes(app: Application, criterion: Criterion, finding: Finding, as_of: date, lang: str) -> list[Change]:
    p = criterion.params
    parent = p.start.rsplit(".", 1)[0]
    evidence_path = _pointer(parent) + "/evidence/-"
    has_evidence = bool(_resolve(app, parent) and _resolve(app, parent).evidence)
    item = criterion.title_zh if lang == "zh" else criterion.title_en
    evidence = [Edit(evidence_path, _placeholder_document(item, lang))] if not has_evidence else []
    evidence_step = [Message("forecast.change.evidence", {"item": {"zh": criterion.title_zh, "en": criterion.title_en}})] if not has_evidence else []
    if _resolve(app, p.start) is None:
        latest = add_years(as_of, -p.years)
        value = {"since": latest.isoformat(), "evidence": [_placeholder_document(item, lang)]}
        return [Change(criterion.id, "set_start", (Message("forecast.change.set_start", {"date": latest.isoformat()}),), (Edit(_pointer(parent), value),))]
    if finding.status is Status.NOT_MET and finding.gap and finding.gap.closes_on:
        closes = finding.gap.closes_on
        steps = (Message("forecast.change.wait", {"date": closes.isoformat()}), *evidence_step)
        return [Change(criterion.id, "wait", steps, tuple(evidence), wait_until=closes, amount=finding.gap.amount)]
    return [Change(criterion.id, "evidence", tuple(evidence_step), tuple(evidence))]


def _premium_changes(app: Application, criterion, finding: Finding, as_of: date, fc: Forecast, lang: str) -> list[Change]:
    p = criterion.params
    premiums = app.premiums
    changes = []
    counted = finding.measured.value if finding.measured else Decimal(0)
    short = p.threshold - counted
    declared = premiums.declared_total
    if finding.status is Status.INSUFFICIENT_EVIDENCE and counted >= p.threshold and declared is not None:
        edit = Edit("/premiums/declared_total/evidence/-", _placeholder_document(criterion.title_zh if lang == "zh" else criterion.title_en, lang))
        return [Change(criterion.id, "evidence", (Message("forecast.change.evidence", {"item": {"zh": criterion.title_zh, "en": criterion.title_en}}),), (edit,))]
    if short <= 0:
        return []
    amount = Quantity(short, "yuan")
    last_complete = add_months(first_uncounted_month(as_of), -1)
    start = app.centralized_selling.since.replace(day=1) if app.centralized_selling else None
    if premiums.ledger or declared is None:
        if start is None or last_complete >= start:
            exclusive = [r for r in premiums.ledger if r.telemarketing_exclusive]
            product = exclusive[-1].product_code if exclusive else t("forecast.change.placeholder_text", lang)
            row = {"month": last_complete.isoformat(), "product_code": product, "telemarketing_exclusive": True, "premium": format(short, "f"), "unit": "元"}
            step = Message("forecast.change.add_premium", {"amount": Shortfall(short), "month": last_complete.strftime("%Y-%m")})
            changes.append(Change(criterion.id, "add_premium", (step,), (Edit("/premiums/ledger/-", row),), amount=amount))
    elif declared.as_of <= as_of:
        edits = (Edit("/premiums/declared_total/amount", format(declared.amount_yuan + short, "f")), Edit("/premiums/declared_total/unit", "元"))
        changes.append(Change(criterion.id, "add_premium", (Message("forecast.change.add_declared", {"amount": Shortfall(short)}),), edits, amount=amount))
    item = fc.criterion(criterion.id)
    if item.met_on is not None and item.met_on > as_of and fc.run_rate is not None:
        step = Message("forecast.change.wait_projected", {"date": item.met_on.isoformat(), "rate": fc.run_rate.per_month})
        changes.append(Change(criterion.id, "wait", (step,), wait_until=item.met_on, run_rate=fc.run_rate))
    return changes


def _seat_changes(app: Application, criterion: Criterion, finding: Finding, lang: str) -> list[Change]:
    p = criterion.params
    data = app.model_dump(mode="json")
    sites = _resolve(app, p.sites)
    single = not isinstance(sites, list)
    sites = [sites] if single else sites
    base = _pointer(p.sites)
    edits, steps, total = [], [], 0
    for index, site in enumerate(sites):
        where = base if single else f"{base}/{index}"
        part = next((part for part in finding.parts if part.label == site.label()), None)
        if part is None or part.status is Status.MET:
            continue
        count = getattr(site, p.count)
        if count < p.threshold:
            short = p.threshold - count
            total += short
            edits.append(Edit(f"{where}/{p.count}", p.threshold))
            steps.append(Message("forecast.change.add_seats", {"site": site.label(), "seats": short, "total": p.threshold}))
        if not getattr(site, p.evidence):
            edits.append(Edit(f"{where}/{p.evidence}/-", _placeholder_document(site.label()[lang], lang)))
            steps.append(Message("forecast.change.evidence", {"item": site.label()}))
    del data
    if not edits:
        return [Change(criterion.id, "provide", (Message("forecast.change.provide", {"field": p.sites}),))]
    targets = ",".join(part.key for part in finding.parts if part.status is not Status.MET)
    kind = "add_seats" if total else "evidence"
    return [Change(criterion.id, kind, tuple(steps), tuple(edits), amount=Quantity(total, p.unit) if total else None, target=targets)]


def _window_changes(app: Application, criterion: Criterion, finding: Finding, fc: Forecast) -> list[Change]:
    p = criterion.params
    complete = bool(_resolve(app, p.complete))
    attest = [] if complete else [Edit(_pointer(p.complete), True)]
    attest_step = [] if complete else [Message("forecast.change.attest_complete", {"record": p.noun or {"zh": criterion.title_zh, "en": criterion.title_en}})]
    if finding.status is Status.NOT_MET:
        met_on = fc.criterion(criterion.id).met_on
        closes = met_on or (finding.gap.closes_on if finding.gap else None)
        if closes is None:
            return []  # time does not fix it and no fact can be undone: the forecast says why
        steps = (Message("forecast.change.wait", {"date": closes.isoformat()}), *attest_step)
        return [Change(criterion.id, "wait", steps, tuple(attest), wait_until=closes)]
    return [Change(criterion.id, "attest_complete", tuple(attest_step), tuple(attest))]


def _checklist_changes(app: Application, criterion: Criterion, finding: Finding, rulebook: Rulebook, lang: str) -> list[Change]:
    p = criterion.params
    edits, steps = _attest_edits(app, finding.parts, p.group, lang)
    missing = [path for path in p.requires if not _resolve(app, path)]
    more_edits, more_steps, _ = _missing_fact_edits(app, missing, lang)
    return [Change(criterion.id, "attest", tuple(steps + more_steps), tuple(edits + more_edits), amount=finding.gap.amount if finding.gap else None)]


def _contained_changes(app: Application, criterion: Criterion, finding: Finding, lang: str) -> list[Change]:
    """Bring what the application states in line with the reference: a value at odds is set to
    the one reference value (a unit, a system) or, against a list (numbers, products), either
    added to it or removed where it is stated; a missing fact is filled from the reference."""
    p = criterion.params
    data = app.model_dump(mode="json")
    reference = _resolve(app, p.within)
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
    changes: list[Change] = []
    for criterion in rulebook.criteria:
        finding = now.finding(criterion.id)
        if finding.status in (Status.MET, Status.NOT_APPLICABLE):
            continue
        if criterion.kind == "min_duration":
            found = _tenure_changes(application, criterion, finding, as_of, lang)
        elif criterion.kind == "min_sum":
            found = _premium_changes(application, criterion, finding, as_of, fc, lang)
        elif criterion.kind == "min_count_per_site":
            found = _seat_changes(application, criterion, finding, lang)
        elif criterion.kind == "no_event_in_window":
            found = _window_changes(application, criterion, finding, fc)
        elif criterion.kind == "checklist":
            found = _checklist_changes(application, criterion, finding, rulebook, lang)
        else:
            found = _contained_changes(application, criterion, finding, lang)
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
