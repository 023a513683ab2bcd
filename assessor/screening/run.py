"""A screening run: every source screened (in a process pool when the batch is large), then
compared side by side, then ranked.

Each file is assessed on the date the officer entered or, when asked for, on the date the file
states for itself (a dossier's assessment date, else the date its declared premium total runs
up to); the run keeps, per file, which date was used and where it came from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from time import perf_counter

from ..batch import run_batch
from ..core.engine import AsOfError, check_as_of
from ..core.rulebook import load_rulebook
from ..pool import default_workers
from .collect import Refused, Source
from .flags import add_cross_flags, red_flags
from .rank import VERDICTS, rank
from .reasons import Reason
from .record import Record
from .worker import Settings, screen_items

# Below this many files a pool costs more to start than it saves.
POOL_THRESHOLD = 400

Progress = Callable[[int, int], None]

# Where a file's assessment date came from.
ENTERED, DOSSIER, DECLARED_TOTAL = "entered", "dossier", "declared_total"


@dataclass(frozen=True, slots=True)
class UsedDate:
    day: date
    origin: str = ENTERED


@dataclass
class Screening:
    records: list[Record]
    settings: Settings
    rulebook_id: str
    rulebook_version: int
    started_at: datetime
    seconds: float
    workers: int = 1
    verdicts: Counter = field(default_factory=Counter)
    own_dates: bool = False  # each file on the date it states, the entered one when it states none
    dates: dict[str, UsedDate] = field(default_factory=dict)

    def date_of(self, record: Record) -> UsedDate:
        return self.dates.get(record.label) or UsedDate(self.settings.as_of)

    def only(self, labels: Sequence[str]) -> Screening:
        """The same run narrowed to some of its files, in their ranked order."""
        keep = set(labels)
        return replace(self, records=[r for r in self.records if r.label in keep])

    @property
    def screened(self) -> list[Record]:
        return [r for r in self.records if r.screened]

    @property
    def errors(self) -> list[Record]:
        return [r for r in self.records if not r.screened]

    def counts(self) -> dict[str, int]:
        screened = self.screened
        counts = {"files": len(self.records), "screened": len(screened), "errors": len(self.records) - len(screened)}
        counts["flagged"] = sum(1 for r in screened if red_flags(r))
        counts["tampered"] = sum(1 for r in screened if r.tampered)
        for verdict in VERDICTS:
            counts[verdict] = sum(1 for r in screened if r.verdict == verdict)
        return counts

    def failing_criteria(self) -> list[tuple[str, int, int]]:
        """(criterion, applications not meeting it, applications lacking evidence), most common first."""
        not_met = Counter(c for r in self.screened for c in r.not_met)
        insufficient = Counter(c for r in self.screened for c in r.insufficient)
        ids = set(not_met) | set(insufficient)
        return sorted(((c, not_met[c], insufficient[c]) for c in ids), key=lambda x: (-x[1] - x[2], x[0]))

    def register_entry(self) -> dict:
        """What the case register keeps of this run: settings, counts and the fingerprints read."""
        return {
            "kind": "screening",
            "started_at": self.started_at.isoformat(),
            "as_of": self.settings.as_of.isoformat(),
            "own_dates": self.own_dates,
            "readings": dict(sorted(self.settings.readings.items())),
            "rulebook": {"id": self.rulebook_id, "version": self.rulebook_version},
            "counts": self.counts(),
            "files": [
                {"file": r.label, "sha256": r.sha256, "fingerprint": r.fingerprint, "status": r.status, "verdict": r.verdict, "flags": [f.code for f in r.flags], "as_of": self.date_of(r).day.isoformat(), "as_of_origin": self.date_of(r).origin}
                for r in self.records
            ],
        }


def screen(
    sources: Sequence[Source],
    settings: Settings,
    refused: Sequence[Refused] = (),
    workers: int | None = None,
    progress: Progress | None = None,
    pool_threshold: int = POOL_THRESHOLD,
    own_dates: bool = False,
) -> Screening:
    """Screen every source; a refused path or archive becomes an error row of its own.
    With `own_dates`, each file is assessed on the date it states (see `stated_date`)."""
    started_at = datetime.now(timezone.utc)
    clock = perf_counter()
    rulebook = load_rulebook(settings.rulebook_path)  # fails once, up front, on a bad rulebook
    check_as_of(rulebook, settings.as_of)  # and on a date it cannot speak to (AsOfError)
    dates = {source.label: (stated_date(source) if own_dates else None) or UsedDate(settings.as_of) for source in sources}
    records: list[Record] = []
    items: list[tuple[Source, Settings]] = []
    for day, group in _by_day(sources, dates).items():
        try:
            check_as_of(rulebook, day)
        except AsOfError as exc:
            # A file's own date the rulebook cannot speak to: that file, not the run, is refused.
            records += [Record(s.label, kind="", reasons=(Reason("screening.error.own_date", {"as_of": day.isoformat(), "detail": exc.message(settings.lang)}),)) for s in group]
            continue
        # One Settings per date, shared by its files; "today" fixed now, not read per file.
        day_settings = replace(settings, as_of=day, today=max(settings.today or date.today(), day))
        items += [(source, day_settings) for source in group]
    # The one batch path (assess_many's too): workers get the items once, then chunk bounds.
    screened, workers = run_batch(items, screen_items, None, workers or default_workers(), pool_threshold, progress, "assessor.screening.worker")
    records += screened
    for item in refused:
        records.append(Record(item.label, kind="", reasons=(item.reason,)))
    add_cross_flags(records)
    return Screening(rank(records), settings, rulebook.id, rulebook.version, started_at, perf_counter() - clock, workers, own_dates=own_dates, dates=dates)


def _by_day(sources: Sequence[Source], dates: dict[str, UsedDate]) -> dict[date, list[Source]]:
    groups: dict[date, list[Source]] = {}
    for source in sources:
        groups.setdefault(dates[source.label].day, []).append(source)
    return groups


def stated_date(source: Source) -> UsedDate | None:
    """The date a file states for itself: a dossier's assessment date, else the date up to
    which its declared premium total runs; None when it states neither or cannot be read
    (screening then says what is wrong with it)."""
    from .worker import kind_of

    try:
        data = source.read()
        kind = kind_of(source, data)
        if kind == "pdf":
            return _dossier_date(data)
        if kind == "excel":
            from ..engine import LATEST_AS_OF
            from ..intake.excel import application_from_workbook

            total = application_from_workbook(data, today=LATEST_AS_OF).premiums.declared_total
            return UsedDate(total.as_of, DECLARED_TOTAL) if total else None
        import json

        total = ((json.loads(data).get("premiums") or {}).get("declared_total") or {}).get("as_of")
        return UsedDate(_iso_day(total), DECLARED_TOTAL)
    except Exception:  # noqa: BLE001 - no usable date: the entered one is used, and the file's own problem is reported by screening
        return None


def _dossier_date(data: bytes) -> UsedDate | None:
    import json

    from ..dossier.pdfa import ASSESSMENT_FILE, read_embedded

    stated = json.loads(read_embedded(data).files[ASSESSMENT_FILE].decode("utf-8"))
    return UsedDate(_iso_day(stated.get("as_of")), DOSSIER)


def _iso_day(value) -> date:
    # Only YYYY-MM-DD: a looser form is not a date the file states.
    if not isinstance(value, str) or len(value) != 10:
        raise ValueError(value)
    return date.fromisoformat(value)
