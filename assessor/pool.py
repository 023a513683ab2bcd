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
    """A pool of `workers` processes with `preload` (a module name) imported in each.

    fork starts workers at once with everything already imported; it is only safe in a
    single-threaded process (the CLI, a script). Under Streamlit's threads a fork server is used."""
    from multiprocessing import get_context

    if threading.active_count() == 1:
        return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork"), initializer=initializer, initargs=initargs)
    context = get_context("forkserver")
    context.set_forkserver_preload([preload])
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=initializer, initargs=initargs)
    _start_without_main(pool, workers)
    return pool


def _start_without_main(pool: ProcessPoolExecutor, workers: int) -> None:
    """Start every worker now, with no `__main__` to re-import.

    A worker from a fork server first imports the parent's `__main__` file. Under Streamlit that
    is the app script itself (Streamlit installs it as `__main__`), which would run the whole app
    in each worker. While the workers start, `__main__` is a blank module; the pool starts one
    worker per task submitted until it has them all, so `workers` empty tasks start them all."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        wait([pool.submit(_nothing) for _ in range(workers)])
    finally:
        sys.modules["__main__"] = main


def _nothing() -> None:
    return None
