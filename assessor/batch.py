"""Many applications at once: read, validate and assess each, on worker processes (one per core).

For scripts and regulators' batches that need each application's verdict and criterion
statuses rather than the full findings:

    from assessor.batch import assess_many
    results = assess_many([path.read_bytes() for path in paths], as_of=date(2026, 6, 30))

One bad document never sinks the batch: its result carries the problems found instead. Workers
send back these small results, not whole assessments, because pickling a full assessment costs
more than making it.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .core.engine import Verdict, assess, check_as_of, resolve_readings
from .intake import ApplicationError, Problem, parse_application
from .pool import default_workers, process_pool
from .core.rulebook import Rulebook, load_rulebook

# Below this many documents a pool costs more to start than it saves.
POOL_THRESHOLD = 500


@dataclass(frozen=True, slots=True)
class BatchResult:
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
) -> list[BatchResult]:
    """Assess every document (JSON text) on `as_of`; results come back in the documents' order.

    `today` is the day past events are checked against (default: today, and never before `as_of`).
    A reading that is not in the rulebook raises ReadingError, and a date the rulebook cannot
    speak to AsOfError, at once, before any work starts."""
    rulebook = rulebook or load_rulebook()
    as_of = as_of or date.today()
    check_as_of(rulebook, as_of)  # once, up front, rather than once per document
    settings = _Settings(rulebook, as_of, resolve_readings(rulebook, readings), max(today or date.today(), as_of))
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    if not documents:
        return []
    if workers == 1 or len(documents) < pool_threshold:
        return _assess_chunk(documents, settings)
    # Each worker gets the documents once, when it starts (under fork straight from this
    # process's memory; under a fork server pickled to each worker), then only chunk bounds.
    size = max(1, min(1000, len(documents) // (workers * 4)))
    bounds = [(start, min(start + size, len(documents))) for start in range(0, len(documents), size)]
    with process_pool(workers, "assessor.batch", _start_worker, (documents, settings)) as pool:
        return [result for chunk in pool.map(_assess_bounds, bounds) for result in chunk]


_batch: tuple[Sequence[bytes | str], _Settings] | None = None  # in a worker process: its batch


def _start_worker(documents: Sequence[bytes | str], settings: _Settings) -> None:
    global _batch
    _batch = (documents, settings)
    # What the worker inherited (modules, rulebook, schemas, the batch) lives as long as it
    # does: set it aside so that the garbage collector's full passes do not walk it again.
    gc.freeze()


def _assess_bounds(bounds: tuple[int, int]) -> list[BatchResult]:
    assert _batch is not None, "runs in a worker started by assess_many"
    documents, settings = _batch
    return _assess_chunk(documents[bounds[0] : bounds[1]], settings)


def _assess_chunk(documents: Sequence[bytes | str], settings: _Settings) -> list[BatchResult]:
    results = []
    for document in documents:
        try:
            application = parse_application(document, today=settings.today)
            assessment = assess(application, settings.rulebook, settings.as_of, settings.readings)
        except ApplicationError as error:
            results.append(BatchResult(None, None, problems=tuple(error.problems)))
        except Exception as error:  # noqa: BLE001 - a document the reader did not foresee must not sink the batch
            results.append(BatchResult(None, None, problems=(Problem("(file)", "other", {"detail": f"{type(error).__name__}: {error}"}),)))
        else:
            statuses = tuple((f.criterion, f.status.value) for f in assessment.findings)
            results.append(BatchResult(assessment.verdict, assessment.fingerprint, statuses))
    return results
