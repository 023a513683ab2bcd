"""Worker processes for batches, started the way the calling process can afford."""

from __future__ import annotations

import os
import sys
import threading
import types
from concurrent.futures import ProcessPoolExecutor, wait
from typing import Any, Callable


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def process_pool(workers: int, preload: str, initializer: Callable[..., Any] | None = None, initargs: tuple[Any, ...] = ()) -> ProcessPoolExecutor:
    """A pool of `workers` processes, each set up by `initializer(*initargs)`.

    fork starts workers at once with everything already imported; it is only safe in a
    single-threaded process (the CLI, a script). Under Streamlit's threads a fork server is used;
    `preload` (a module name) is imported in it when this process first starts one."""
    from multiprocessing import get_context

    if threading.active_count() == 1:
        return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork"), initializer=initializer, initargs=initargs)
    context = get_context("forkserver")
    context.set_forkserver_preload([preload])
    everyone = context.Barrier(workers)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_set_up, initargs=(everyone, initializer, initargs))
    _start_without_main(pool, workers)
    return pool


def _start_without_main(pool: ProcessPoolExecutor, workers: int) -> None:
    """Start every worker now, with no `__main__` to re-import.

    A worker from a fork server first imports the parent's `__main__` file. Under Streamlit that
    is the app script itself (Streamlit installs it as `__main__`), which would run the whole app
    in each worker. So while the workers start, `__main__` is a blank module. The pool starts a
    worker for a task only when none is idle: `workers` tasks that each wait until all of them
    run start every worker at once. The swap is process-wide for that moment; other sessions'
    scripts keep running, and Streamlit sets `__main__` again at each script run anyway."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        wait([pool.submit(_wait_for_everyone) for _ in range(workers)], timeout=120)
    finally:
        sys.modules["__main__"] = main


_everyone: Any = None  # in a worker: the barrier all workers meet at when the pool starts


def _set_up(everyone: Any, initializer: Callable[..., Any] | None, initargs: tuple[Any, ...]) -> None:
    global _everyone
    _everyone = everyone
    if initializer is not None:
        initializer(*initargs)


def _wait_for_everyone() -> None:
    try:
        _everyone.wait(timeout=60)
    except threading.BrokenBarrierError:  # a worker failed to start; the pool reports that itself
        pass
