"""When an insurer becomes eligible: the earliest date each criterion of section 四 is met.

The engine stays the only judge. A forecast proposes candidate dates and asks `assess` at
them: time-bound findings carry the date their gap closes (tenure, the one-year windows), and
premium is projected month by month at the trailing run-rate of the ledger, then assessed on
a copy of the application that holds the projected months. Criteria that time cannot fix (an
unattested unification, an unapproved product, too few seats) block the forecast, and say so.

Pure: no clock beyond the caller's `as_of`, no I/O, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from typing import Any

from .i18n import t
from .core.engine import Assessment, Finding, Message, Status, Verdict, assess, resolve_readings
from .core.kinds import KINDS
from .core.model import Application, Unit, first_uncounted_month, month_end
from .core.rulebook import Criterion, Rulebook, load_rulebook

BASES = (3, 6, 12)
DEFAULT_BASIS = 12
# How far a premium projection may run before we call it "never": a forecast, not a rule.
HORIZON_MONTHS = 50 * 12
# Derived copies (projections, what-ifs) may hold dates after the real today on purpose.
FAR_FUTURE = date(9999, 12, 31)
PROJECTED_PRODUCT = "(projected)"
_MAX_STEPS = 200
# The verdicts a forecast looks for: eligible for a new site, no obstacle for a relocation.
CLEAR = frozenset({Verdict.ELIGIBLE, Verdict.NO_OBSTACLE})
_CENT = Decimal("0.01")


class Outlook(StrEnum):
    MET_NOW = "met_now"
    ON_DATE = "on_date"
    NEVER = "never"
    BLOCKED = "blocked"
    NOT_APPLICABLE = "not_applicable"


class Outcome(StrEnum):
    ELIGIBLE_NOW = "eligible_now"
    ELIGIBLE_ON = "eligible_on"
    BLOCKED = "blocked"
    OUT_OF_SCOPE = "out_of_scope"


# ---------------------------------------------------------------- result types


@dataclass(frozen=True, slots=True)
class RunRate:
    """Average monthly telemarketing-exclusive premium over the trailing complete ledger months."""

    basis: int
    months: tuple[date, ...]
    total: Decimal
    per_month: Decimal
    first_projected: date

    def to_json(self) -> dict[str, Any]:
        return {
            "basis": self.basis,
            "months": [m.strftime("%Y-%m") for m in self.months],
            "total": format(self.total, "f"),
            "per_month": format(self.per_month, "f"),
            "first_projected_month": self.first_projected.strftime("%Y-%m"),
        }


@dataclass(frozen=True, slots=True)
class PremiumPoint:
    """Cumulative premium counted on `on` (a month's last day), recorded or projected."""

    month: date
    on: date
    cumulative: Decimal
    projected: bool

    def to_json(self) -> dict[str, Any]:
        return {"month": self.month.strftime("%Y-%m"), "on": self.on.isoformat(), "cumulative": format(self.cumulative, "f"), "projected": self.projected}


@dataclass(frozen=True, slots=True)
class CriterionForecast:
    criterion: str
    clause: str
    title: dict[str, str]
    status_now: Status
    outlook: Outlook
    met_on: date | None
    time_bound: bool
    reason: Message
    notes: tuple[Message, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "clause": self.clause,
            "title": self.title,
            "status_now": self.status_now.value,
            "outlook": self.outlook.value,
            "met_on": self.met_on.isoformat() if self.met_on else None,
            "time_bound": self.time_bound,
            "reason": self.reason.both(),
            "notes": [n.both() for n in self.notes],
        }


@dataclass(frozen=True, slots=True)
class Check:
    """The overall date re-assessed by the engine, and the day before it."""

    on: date
    verdict_on: Verdict
    day_before: date | None
    verdict_day_before: Verdict | None

    @property
    def holds(self) -> bool:
        return self.verdict_on in CLEAR and (self.verdict_day_before is None or self.verdict_day_before not in CLEAR)

    def to_json(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "verdict_on": self.verdict_on.value,
            "day_before": self.day_before.isoformat() if self.day_before else None,
            "verdict_day_before": self.verdict_day_before.value if self.verdict_day_before else None,
            "holds": self.holds,
        }


@dataclass(frozen=True, slots=True)
class Forecast:
    as_of: date
    basis: int
    rulebook_id: str
    rulebook_version: int
    readings: dict[str, str]
    verdict_now: Verdict
    criteria: tuple[CriterionForecast, ...]
    outcome: Outcome
    eligible_on: date | None
    blocked_by: tuple[str, ...]
    check: Check | None
    threshold: Decimal | None
    run_rate: RunRate | None
    premium_path: tuple[PremiumPoint, ...]
    notes: tuple[Message, ...] = field(default_factory=tuple)
    premium_criterion: str | None = None

    @property
    def premium_crossing(self) -> date | None:
        """The projected day the cumulative premium reaches the threshold, if it lies ahead."""
        if self.premium_criterion is None:
            return None
        item = self.criterion(self.premium_criterion)
        return item.met_on if item.outlook is Outlook.ON_DATE else None

    def criterion(self, criterion_id: str) -> CriterionForecast:
        for item in self.criteria:
            if item.criterion == criterion_id:
                return item
        raise KeyError(criterion_id)

    def summary(self) -> Message:
        if self.outcome is Outcome.ELIGIBLE_ON:
            return Message("forecast.outcome.eligible_on", {"date": self.eligible_on.isoformat()})
        if self.outcome is Outcome.BLOCKED:
            titles = {item.criterion: item.title for item in self.criteria}
            named = {
                "zh": "、".join(f"{titles[cid]['zh']}（{cid}）" for cid in self.blocked_by),
                "en": "; ".join(f"{titles[cid]['en']} ({cid})" for cid in self.blocked_by),
            }
            return Message("forecast.outcome.blocked", {"criteria": named})
        return Message(f"forecast.outcome.{self.outcome.value}", {"date": self.as_of.isoformat()})

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "basis_months": self.basis,
            "rulebook": {"id": self.rulebook_id, "version": self.rulebook_version},
            "readings": self.readings,
            "verdict_now": self.verdict_now.value,
            "outcome": self.outcome.value,
            "eligible_on": self.eligible_on.isoformat() if self.eligible_on else None,
            "blocked_by": list(self.blocked_by),
            "summary": self.summary().both(),
            "check": self.check.to_json() if self.check else None,
            "criteria": [c.to_json() for c in self.criteria],
            "threshold": format(self.threshold, "f") if self.threshold is not None else None,
            "run_rate": self.run_rate.to_json() if self.run_rate else None,
            "premium_path": [p.to_json() for p in self.premium_path],
            "notes": [n.both() for n in self.notes],
        }


# ---------------------------------------------------------------- calendar of months


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> int:
    """How many months from `first` to `last`, both first days, counting both."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


# ---------------------------------------------------------------- premium projection


def _sum_criteria(rulebook: Rulebook) -> list[Criterion]:
    """The criteria measured as a sum of ledger months: the ones a premium projection serves."""
    return [c for c in rulebook.criteria if c.kind == "min_sum"]


def _selling_month(app: Application) -> date | None:
    return app.centralized_selling.since.replace(day=1) if app.centralized_selling else None


def _monthly(app: Application, month: date) -> Decimal:
    return app.premiums.exclusive_between(month, add_months(month, 1))[0]


def run_rate(app: Application, as_of: date, basis: int = DEFAULT_BASIS) -> RunRate | None:
    """Average monthly premium of the last `basis` calendar months ending with the last complete
    ledger month (months with no row count as zero), never reaching before selling began.
    Rounded down to the fen, so a projection never runs ahead of the ledger."""
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, not {basis}")
    first_uncounted = first_uncounted_month(as_of)
    start = _selling_month(app)
    recorded = sorted(
        {r.month for r in app.premiums.ledger if r.telemarketing_exclusive and r.month < first_uncounted and (start is None or r.month >= start)}
    )
    first_projected = max(first_uncounted, start) if start else first_uncounted
    if not recorded:
        return None
    last = recorded[-1]
    first = add_months(last, -(basis - 1))
    if start is not None and first < start:
        first = start
    months = tuple(add_months(first, i) for i in range(months_between(first, last)))
    total = app.premiums.exclusive_between(first, add_months(last, 1))[0]
    per_month = (total / len(months)).quantize(_CENT, rounding=ROUND_DOWN)
    return RunRate(basis, months, total, per_month, first_projected)


def projected_application(app: Application, as_of: date, rate: RunRate, through: date) -> Application:
    """A copy of the application whose ledger keeps the months complete on `as_of` and adds one
    projected row per month at the run-rate, up to and including the month of `through`."""
    data = app.model_dump(mode="json")
    first_uncounted = first_uncounted_month(as_of)
    kept = [row for row in data["premiums"]["ledger"] if date.fromisoformat(row["month"]) < first_uncounted]
    last = through.replace(day=1)
    n = months_between(rate.first_projected, last) if last >= rate.first_projected else 0
    for i in range(n):
        kept.append(
            {
                "month": add_months(rate.first_projected, i).isoformat(),
                "product_code": PROJECTED_PRODUCT,
                "telemarketing_exclusive": True,
                "premium": format(rate.per_month, "f"),
                "unit": Unit.YUAN.value,
            }
        )
    data["premiums"]["ledger"] = kept
    return Application.model_validate(data, context={"today": FAR_FUTURE})


def _crossing(counted: Decimal, threshold: Decimal, rate: RunRate) -> date | None:
    """Last day of the projected month in which the cumulative sum reaches the threshold."""
    if counted >= threshold:
        return None
    if rate.per_month <= 0:
        return None
    short = threshold - counted
    whole, rest = divmod(short, rate.per_month)  # both positive: exact ceiling in Decimal
    months = int(whole) + (1 if rest else 0)
    if months > HORIZON_MONTHS:
        return None
    return month_end(add_months(rate.first_projected, months - 1))


def premium_path(app: Application, as_of: date, rate: RunRate | None, until: date | None) -> tuple[PremiumPoint, ...]:
    """Cumulative premium month by month: recorded up to `as_of`, then projected to `until`."""
    start = _selling_month(app)
    first_uncounted = first_uncounted_month(as_of)
    rows = [r.month for r in app.premiums.ledger if r.telemarketing_exclusive and (start is None or r.month >= start)]
    if not rows:
        return ()
    first = start or min(rows)
    points = []
    month = first
    while month < first_uncounted:
        total = app.premiums.exclusive_between(first, add_months(month, 1))[0]
        points.append(PremiumPoint(month, month_end(month), total, False))
        month = add_months(month, 1)
    if rate is None or until is None:
        return tuple(points)
    cumulative = points[-1].cumulative if points else Decimal(0)
    month = rate.first_projected
    while month <= until.replace(day=1) and len(points) < HORIZON_MONTHS * 2:
        cumulative += rate.per_month
        points.append(PremiumPoint(month, month_end(month), cumulative, True))
        month = add_months(month, 1)
    return tuple(points)


# ---------------------------------------------------------------- forecasting


class _Judge:
    """Assesses the (projected) application at any date, remembering what it already asked."""

    def __init__(self, app: Application, rulebook: Rulebook, readings: dict[str, str], as_of: date, rate: RunRate | None, premium_on: date | None):
        self.app, self.rulebook, self.readings, self.as_of = app, rulebook, readings, as_of
        self.rate, self.premium_on = rate, premium_on
        self._cache: dict[date, Assessment] = {}
        self._projected: Application | None = None
        self._through: date | None = None

    def application(self, on: date) -> Application:
        if self.rate is None or on <= self.as_of:
            return self.app
        if self._projected is None or self._through < on:
            # Project a little beyond what is asked, so later questions reuse the copy.
            self._through = max(on, self.premium_on or on)
            self._projected = projected_application(self.app, self.as_of, self.rate, self._through)
            self._cache = {d: a for d, a in self._cache.items() if d <= self.as_of}
        return self._projected

    def at(self, on: date) -> Assessment:
        if on not in self._cache:
            self._cache[on] = assess(self.application(on), self.rulebook, on, self.readings)
        return self._cache[on]


def _candidate(finding: Finding, on: date, crossings: Mapping[str, date]) -> date | None:
    """The next date the engine says this finding could change to met, or None if time won't:
    a sum's projected crossing, or the date its kind says time closes the gap."""
    if finding.status is not Status.NOT_MET:
        return None
    if finding.criterion in crossings:
        crossing = crossings[finding.criterion]
        return crossing if crossing > on else None
    return KINDS[finding.kind].next_date(finding, on)


def _earliest(judge: _Judge, criterion_id: str, start: date, crossings: Mapping[str, date]) -> tuple[date | None, Finding]:
    on = start
    for _ in range(_MAX_STEPS):
        finding = judge.at(on).finding(criterion_id)
        if finding.status in (Status.MET, Status.NOT_APPLICABLE):
            return on, finding
        nxt = _candidate(finding, on, crossings)
        if nxt is None:
            return None, finding
        on = nxt
    return None, finding


def _last_event(finding: Finding) -> str:
    # Parts of a window finding are keyed "<date>#<n>"; the latest is the one that leaves last.
    dates = [part.key.split("#", 1)[0] for part in finding.parts]
    return max(dates) if dates else ""


def _time_bound(criterion: Criterion) -> bool:
    return criterion.kind_of.dated


def _explain(criterion, now: Finding, met_on: date | None, final: Finding, as_of: date, rate: RunRate | None, judge: _Judge, has_ledger: bool) -> tuple[Outlook, Message]:
    params = criterion.params
    if now.status is Status.NOT_APPLICABLE:
        return Outlook.NOT_APPLICABLE, Message("forecast.reason.not_applicable")
    if met_on is not None and met_on <= as_of:
        return Outlook.MET_NOW, Message("forecast.reason.met_now", {"date": as_of.isoformat()})
    if met_on is not None:
        if criterion.kind == "min_duration":
            start = now.explanation.values.get("start", "")
            return Outlook.ON_DATE, Message("forecast.reason.tenure", {"start": start, "years": params.years, "date": met_on.isoformat()})
        if criterion.kind == "min_sum":
            return Outlook.ON_DATE, Message(
                "forecast.reason.premium",
                {
                    "n": len(rate.months),
                    "rate": rate.per_month,
                    "month": met_on.strftime("%Y-%m"),
                    "threshold": params.threshold,
                    "date": met_on.isoformat(),
                    "counted": now.measured.value if now.measured else Decimal(0),
                },
            )
        if criterion.kind == "no_event_in_window":
            # The incident that leaves last is in the window the day before: it may post-date as_of.
            leaving = judge.at(met_on - timedelta(days=1)).finding(criterion.id)
            return Outlook.ON_DATE, Message(
                "forecast.reason.window", {"event": _last_event(leaving) or "—", "years": params.window_years, "date": met_on.isoformat()}
            )
    # Not met on any date we could find: say why time does not help.
    if criterion.kind == "min_sum" and now.status is Status.NOT_MET:
        if rate is None:
            key = "forecast.reason.premium_no_months" if has_ledger else "forecast.reason.premium_no_ledger"
            return Outlook.NEVER, Message(key, {"threshold": params.threshold, "as_of": as_of.isoformat()})
        if rate.per_month <= 0:
            return Outlook.NEVER, Message("forecast.reason.premium_zero", {"n": len(rate.months), "threshold": params.threshold})
        return Outlook.NEVER, Message("forecast.reason.premium_horizon", {"years": HORIZON_MONTHS // 12, "rate": rate.per_month})
    if criterion.kind == "no_event_in_window" and final.status is Status.NOT_MET and not (final.gap and final.gap.closes_on):
        return Outlook.NEVER, Message("forecast.reason.unbounded", {"reading": ", ".join(f"{k}={v}" for k, v in final.readings.items())})
    return Outlook.BLOCKED, Message("forecast.reason.blocked", {"status": Message(f"status.{final.status.value}"), "explanation": final.explanation})


def _seat_note(app: Application, criterion, now: Finding) -> tuple[Message, ...]:
    if getattr(criterion.params, "sites", None) == "proposed_site":
        opening = app.proposed_site.planned_opening
        key = "forecast.note.planned_opening" if opening else "forecast.note.no_opening"
        return (Message(key, {"seats": app.proposed_site.planned_seats, "opening": opening.isoformat() if opening else ""}),)
    return ()


def forecast(
    application: Application,
    rulebook: Rulebook | None = None,
    as_of: date | None = None,
    readings: Mapping[str, str] | None = None,
    basis: int = DEFAULT_BASIS,
) -> Forecast:
    """The earliest date each criterion, and then all of them together, is met."""
    rulebook = rulebook or load_rulebook()
    as_of = as_of or date.today()
    chosen = resolve_readings(rulebook, readings)
    now = assess(application, rulebook, as_of, chosen)

    sums = _sum_criteria(rulebook)
    rate = run_rate(application, as_of, basis) if sums else None
    # Each sum criterion crosses its own threshold on its own projected date.
    crossings: dict[str, date] = {}
    if rate is not None and application.premiums.ledger:
        for criterion in sums:
            finding_now = now.finding(criterion.id)
            if finding_now.status is Status.NOT_MET:
                counted = finding_now.measured.value if finding_now.measured else Decimal(0)
                crossing = _crossing(counted, criterion.params.threshold, rate)
                if crossing is not None:
                    crossings[criterion.id] = crossing
    premium_on = max(crossings.values(), default=None)
    # The binding sum is the one with the highest threshold: the chart draws it.
    binding = max(sums, key=lambda c: c.params.threshold, default=None)
    premium_id = binding.id if binding else None
    threshold = binding.params.threshold if binding else None
    judge = _Judge(application, rulebook, chosen, as_of, rate if premium_on else None, premium_on)

    items = []
    for criterion in rulebook.criteria:
        finding_now = now.finding(criterion.id)
        met_on, final = _earliest(judge, criterion.id, as_of, crossings)
        outlook, reason = _explain(criterion, finding_now, met_on, final, as_of, rate, judge, bool(application.premiums.ledger))
        notes = _seat_note(application, criterion, finding_now)
        items.append(CriterionForecast(criterion.id, criterion.clause, {"zh": criterion.title_zh, "en": criterion.title_en}, finding_now.status, outlook, met_on, _time_bound(criterion), reason, notes))

    notes: list[Message] = []
    if rate is not None and rate.months and len(rate.months) < basis:
        notes.append(Message("forecast.note.short_basis", {"n": len(rate.months), "basis": basis}))
    if rate is not None and rate.months and add_months(rate.months[-1], 1) < first_uncounted_month(as_of) and premium_on is not None:
        notes.append(Message("forecast.note.ledger_gap", {"last": rate.months[-1].strftime("%Y-%m"), "as_of": as_of.isoformat()}))

    if now.verdict is Verdict.OUT_OF_SCOPE:
        outcome, eligible_on, blocked, check = Outcome.OUT_OF_SCOPE, None, (), None
    else:
        eligible_on, blocked = _overall(judge, as_of, crossings)
        if eligible_on is None:
            outcome, check = Outcome.BLOCKED, None
        else:
            outcome = Outcome.ELIGIBLE_NOW if eligible_on == as_of else Outcome.ELIGIBLE_ON
            check = _verify(judge, eligible_on, as_of)

    until = max(d for d in (premium_on, eligible_on, add_months(as_of.replace(day=1), 12)) if d is not None) if premium_on else None
    path = premium_path(application, as_of, rate if premium_on else None, until)
    return Forecast(
        as_of=as_of,
        basis=basis,
        rulebook_id=rulebook.id,
        rulebook_version=rulebook.version,
        readings=chosen,
        verdict_now=now.verdict,
        criteria=tuple(items),
        outcome=outcome,
        eligible_on=eligible_on,
        blocked_by=blocked,
        check=check,
        threshold=threshold,
        run_rate=rate,
        premium_path=path,
        notes=tuple(notes),
        premium_criterion=premium_id,
    )


def _overall(judge: _Judge, as_of: date, crossings: Mapping[str, date]) -> tuple[date | None, tuple[str, ...]]:
    """Move forward to the latest next candidate until every criterion holds on the same day.

    A later date can bring a new incident into a window, so the criteria are re-asked together
    at each step rather than taking the latest of their separate dates once."""
    on = as_of
    for _ in range(_MAX_STEPS):
        assessment = judge.at(on)
        if assessment.verdict in CLEAR:
            return on, ()
        pending = [f for f in assessment.findings if f.status not in (Status.MET, Status.NOT_APPLICABLE)]
        nexts = {f.criterion: _candidate(f, on, crossings) for f in pending}
        blocked = tuple(c for c, d in nexts.items() if d is None)
        if blocked:
            return None, blocked
        on = max(nexts.values())
    return None, ()


def _verify(judge: _Judge, on: date, as_of: date) -> Check:
    before = on - timedelta(days=1) if on > as_of else None
    return Check(on, judge.at(on).verdict, before, judge.at(before).verdict if before else None)


def check_text(fc: Forecast, lang: str) -> str:
    """The sentence saying whether the overall date was confirmed by assessing on it and the day before."""
    check = fc.check
    if check is None:
        return ""
    before = ""
    if check.day_before is not None:
        before = t("forecast.check.before", lang, day=check.day_before.isoformat(), verdict=t(f"verdict.{check.verdict_day_before.value}", lang))
    key = "forecast.check.holds" if check.holds else "forecast.check.fails"
    return t(key, lang, on=check.on.isoformat(), verdict_on=t(f"verdict.{check.verdict_on.value}", lang), before=before)
