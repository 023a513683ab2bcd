"""Many applications at once: read, validate and assess each, on worker processes (one per core).

For scripts and regulators' batches that need each application's verdict and criterion
statuses rather than the full findings:

    from assessor.batch import assess_many
    results = assess_many([path.read_bytes() for path in paths], as_of=date(2026, 6, 30))

One bad document never sinks the batch: its result carries the problems found instead. Workers
send back these small results, not whole assessments, because pickling a full assessment costs
more than making it.

`run_batch` is the one way a batch runs, here and in screening: the items go to each worker
once, when it starts (under fork straight from this process's memory, under a fork server
pickled once per worker), then only the bounds of each chunk; results come back in the items'
order. `assess_document` is the one way a document is read and assessed in a batch.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from concurrent.futures import as_completed
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from .core.engine import Assessment, Verdict, assess, check_as_of, resolve_readings
from .core.model import Application
from .core.rulebook import Rulebook, load_rulebook
from .intake import ApplicationError, Problem, parse_application
from .pool import default_workers, process_pool

# Below this many documents a pool costs more to start than it saves.
POOL_THRESHOLD = 500

Item = TypeVar("Item")
Result = TypeVar("Result")
Work = Callable[[Sequence[Any], Any], list[Any]]
Progress = Callable[[int, int], None]


def run_batch(
    items: Sequence[Item],
    work: Callable[[Sequence[Item], Any], list[Result]],
    shared: Any = None,
    workers: int | None = None,
    pool_threshold: int = POOL_THRESHOLD,
    progress: Progress | None = None,
    preload: str = "assessor.batch",
) -> tuple[list[Result], int]:
    """`work(chunk, shared)` over consecutive chunks of `items`, one result per item, in the
    items' order; and the number of processes used. `work` must be a module-level function (a
    worker finds it by name; `preload` names its module, imported once in a fork server).
    `progress(done, total)` is called as chunks finish."""
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    total = len(items)
    if workers == 1 or total < pool_threshold:
        results: list[Result] = []
        step = max(1, total // 100) if progress else max(1, total)
        for start in range(0, total, step):
            results += work(items[start : start + step], shared)
            if progress:
                progress(len(results), total)
        return results, 1
    # Chunks small enough for a live progress bar and an even spread, large enough that the
    # results' pickling stays cheap.
    size = max(1, min(500, total // (workers * 8) or 1))
    bounds = [(start, min(start + size, total)) for start in range(0, total, size)]
    chunks: list[list[Result] | None] = [None] * len(bounds)
    done = 0
    with process_pool(workers, preload, _start_worker, (items, work, shared)) as pool, _no_full_passes():
        futures = {pool.submit(_run_bounds, b): i for i, b in enumerate(bounds)}
        for future in as_completed(futures):
            index = futures[future]
            chunks[index] = future.result()
            done += bounds[index][1] - bounds[index][0]
            if progress:
                progress(done, total)
    return [result for chunk in chunks for result in (chunk or [])], workers


@contextmanager
def _no_full_passes() -> Iterator[None]:
    """The garbage collector paused while results arrive: unpickling thousands of small results
    (acyclic, freed by reference counting) would otherwise set off passes that walk every object
    received so far, again and again. Collection resumes, as it was, when they are in."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_batch: tuple[Sequence[Any], Work, Any] | None = None  # in a worker process: its batch


def _start_worker(items: Sequence[Any], work: Work, shared: Any) -> None:
    global _batch
    _batch = (items, work, shared)
    # What the worker inherited (modules, rulebook, schemas, the batch) lives as long as it
    # does: set it aside so that the garbage collector's full passes do not walk it again.
    gc.freeze()


def _run_bounds(bounds: tuple[int, int]) -> list[Any]:
    assert _batch is not None, "runs in a worker started by run_batch"
    items, work, shared = _batch
    # A chunk's objects are freed by reference counting as each document is done; the worker
    # collects cycles between chunks rather than walking its young objects during one.
    with _no_full_passes():
        return work(items[bounds[0] : bounds[1]], shared)


# ---------------------------------------------------------------- one document


def assess_document(
    document: bytes | str | Application, rulebook: Rulebook, as_of: date, readings: Mapping[str, str], today: date, source: str = ""
) -> tuple[Application, Assessment]:
    """Read (unless already read) and assess one document; an invalid one raises ApplicationError."""
    application = document if isinstance(document, Application) else parse_application(document, today=today, source=source)
    return application, assess(application, rulebook, as_of, readings)


# ---------------------------------------------------------------- assess_many


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
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    if not documents:
        return []
    return run_batch(documents, _assess_chunk, settings, workers, pool_threshold)[0]


def _assess_chunk(documents: Sequence[bytes | str], settings: _Settings) -> list[BatchResult]:
    results = []
    for document in documents:
        try:
            _, assessment = assess_document(document, settings.rulebook, settings.as_of, settings.readings, settings.today)
        except ApplicationError as error:
            results.append(BatchResult(None, None, problems=tuple(error.problems)))
        except Exception:  # noqa: BLE001 - a document the reader did not foresee must not sink the batch
            results.append(BatchResult(None, None, problems=(Problem("(file)", "unexpected", {}),)))
        else:
            statuses = tuple((f.criterion, f.status.value) for f in assessment.findings)
            results.append(BatchResult(assessment.verdict, assessment.fingerprint, statuses))
    return results
