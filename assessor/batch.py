"""Many applications at once: read, validate and assess each, on every core.

For scripts and regulators' batches that need each application's verdict and criterion
statuses rather than the full findings:

    from assessor.batch import assess_many
    outcomes = assess_many([path.read_bytes() for path in paths], as_of=date(2026, 6, 30))

One bad document never sinks the batch: its outcome carries the problems found instead. Workers
send back these small outcomes, not whole assessments, because pickling a full assessment costs
more than making it.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .engine import Verdict, assess, resolve_readings
from .intake import ApplicationError, Problem, parse_application
from .pool import default_workers, process_pool
from .rulebook import Rulebook, load_rulebook

# Below this many documents a pool costs more to start than it saves.
POOL_THRESHOLD = 500


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one document: its verdict and each criterion's status, or its problems."""

    verdict: Verdict | None
    fingerprint: str | None
    statuses: tuple[tuple[str, str], ...] = ()  # (criterion id, status), in rulebook order
    problems: tuple[Problem, ...] = ()

    @property
    def assessed(self) -> bool:
        return self.verdict is not None


@dataclass(frozen=True, slots=True)
class _Settings:
    rulebook: Rulebook
    as_of: date
    readings: dict[str, str]
    today: date


def assess_many(
    documents: Sequence[bytes | str],
    rulebook: Rulebook | None = None,
    as_of: date | None = None,
    readings: Mapping[str, str] | None = None,
    today: date | None = None,
    workers: int | None = None,
    pool_threshold: int = POOL_THRESHOLD,
) -> list[Outcome]:
    """Assess every document (JSON text) on `as_of`; outcomes come back in the documents' order.

    `today` is the day past events are checked against (default: today, and never before `as_of`).
    A reading that is not in the rulebook raises ReadingError at once, before any work starts."""
    rulebook = rulebook or load_rulebook()
    as_of = as_of or date.today()
    settings = _Settings(rulebook, as_of, resolve_readings(rulebook, readings), max(today or date.today(), as_of))
    workers = workers or default_workers()
    if workers == 1 or len(documents) < pool_threshold:
        return _assess_chunk(documents, settings)
    # Each worker gets the documents once, when it starts (under fork: from the parent's memory,
    # not copied through a pipe), and then only the bounds of each chunk to work on.
    size = max(1, min(1000, len(documents) // (workers * 4)))
    bounds = [(start, min(start + size, len(documents))) for start in range(0, len(documents), size)]
    with process_pool(workers, "assessor.batch", _start_worker, (documents, settings)) as pool:
        return [outcome for chunk in pool.map(_assess_bounds, bounds) for outcome in chunk]


_batch: tuple[Sequence[bytes | str], _Settings] | None = None  # in a worker process: its batch


def _start_worker(documents: Sequence[bytes | str], settings: _Settings) -> None:
    global _batch
    _batch = (documents, settings)
    # What the worker inherited (modules, rulebook, schemas, the batch) lives as long as it
    # does: set it aside so that the garbage collector's full passes do not walk it again.
    gc.freeze()


def _assess_bounds(bounds: tuple[int, int]) -> list[Outcome]:
    assert _batch is not None, "runs in a worker started by assess_many"
    documents, settings = _batch
    return _assess_chunk(documents[bounds[0] : bounds[1]], settings)


def _assess_chunk(documents: Sequence[bytes | str], settings: _Settings) -> list[Outcome]:
    outcomes = []
    for document in documents:
        try:
            application = parse_application(document, today=settings.today)
        except ApplicationError as error:
            outcomes.append(Outcome(None, None, problems=tuple(error.problems)))
            continue
        assessment = assess(application, settings.rulebook, settings.as_of, settings.readings)
        statuses = tuple((f.criterion, f.status.value) for f in assessment.findings)
        outcomes.append(Outcome(assessment.verdict, assessment.fingerprint, statuses))
    return outcomes
