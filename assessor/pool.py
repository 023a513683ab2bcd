"""Worker processes for batches, started the way the calling process can afford."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def process_pool(workers: int, preload: str, initializer: Callable[..., Any] | None = None, initargs: tuple[Any, ...] = ()) -> ProcessPoolExecutor:
    """A pool of `workers` processes with `preload` (a module name) imported in each.

    fork starts workers at once with everything already imported; it is only safe in a
    single-threaded process (the CLI, a script). Under Streamlit's threads a fork server is used."""
    from multiprocessing import get_context

    if threading.active_count() == 1:
        context = get_context("fork")
    else:
        context = get_context("forkserver")
        context.set_forkserver_preload([preload])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=initializer, initargs=initargs)
