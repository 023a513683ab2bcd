"""A screening run: every source screened (in a process pool when the batch is large), then
compared side by side, then ranked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from time import perf_counter

from ..core.engine import check_as_of
from ..pool import default_workers, process_pool
from ..core.rulebook import load_rulebook
from .collect import Refused, Source
from .flags import add_cross_flags
from .rank import rank
from .record import Record
from .worker import Settings, screen_chunk

# Below this many files a pool costs more to start than it saves.
POOL_THRESHOLD = 400

Progress = Callable[[int, int], None]


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

    @property
    def screened(self) -> list[Record]:
        return [r for r in self.records if r.screened]

    @property
    def errors(self) -> list[Record]:
        return [r for r in self.records if not r.screened]

    def counts(self) -> dict[str, int]:
        screened = self.screened
        counts = {"files": len(self.records), "screened": len(screened), "errors": len(self.records) - len(screened)}
        counts["flagged"] = sum(1 for r in screened if r.flags)
        counts["tampered"] = sum(1 for r in screened if r.tampered)
        for verdict in ("eligible", "not_eligible", "incomplete", "out_of_scope"):
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
            "readings": dict(sorted(self.settings.readings.items())),
            "rulebook": {"id": self.rulebook_id, "version": self.rulebook_version},
            "counts": self.counts(),
            "files": [
                {"file": r.label, "sha256": r.sha256, "fingerprint": r.fingerprint, "status": r.status, "verdict": r.verdict, "flags": [f.code for f in r.flags]}
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
) -> Screening:
    """Screen every source; a refused path or archive becomes an error row of its own."""
    started_at = datetime.now(timezone.utc)
    clock = perf_counter()
    rulebook = load_rulebook(settings.rulebook_path)  # fails once, up front, on a bad rulebook
    check_as_of(rulebook, settings.as_of)  # and on a date it cannot speak to (AsOfError)
    workers = workers or default_workers()
    if workers > 1 and len(sources) >= pool_threshold:
        records = _in_pool(list(sources), settings, workers, progress)
    else:
        workers = 1
        records = _in_process(list(sources), settings, progress)
    for item in refused:
        records.append(Record(item.label, kind="", reasons=(item.reason,)))
    add_cross_flags(records)
    return Screening(rank(records), settings, rulebook.id, rulebook.version, started_at, perf_counter() - clock, workers)


def _in_process(sources: list[Source], settings: Settings, progress: Progress | None) -> list[Record]:
    records = []
    step = max(1, len(sources) // 100)
    for start in range(0, len(sources), step):
        records += screen_chunk(sources[start : start + step], settings)
        if progress:
            progress(len(records), len(sources))
    return records


def _in_pool(sources: list[Source], settings: Settings, workers: int, progress: Progress | None) -> list[Record]:
    # Chunks small enough for a live progress bar, large enough that pickling stays cheap.
    size = max(25, min(500, len(sources) // (workers * 8) or 1))
    chunks = [sources[i : i + size] for i in range(0, len(sources), size)]
    results: list[list[Record] | None] = [None] * len(chunks)
    done = 0
    with process_pool(workers, "assessor.screening.worker") as pool:
        futures = {pool.submit(screen_chunk, chunk, settings): i for i, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            index = futures[future]
            results[index] = future.result()
            done += len(chunks[index])
            if progress:
                progress(done, len(sources))
    return [record for chunk in results for record in (chunk or [])]
