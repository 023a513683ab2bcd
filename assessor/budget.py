"""A time budget for one file's work, so that no single input can hold a batch for long.

Every reader already bounds what it reads (sizes, cell counts, depth); the budget is the last
guard for what those bounds do not foresee. It uses the process's interval timer, so it applies
where a batch runs: on a worker process or a command's main thread. Elsewhere (a Streamlit
script thread, Windows) there is no timer to set, and the work simply runs to its end.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class TimeBudgetExceeded(Exception):
    """The work took longer than its budget and was stopped."""

    def __init__(self, seconds: float):
        super().__init__(f"stopped after {seconds:g} s")
        self.seconds = seconds


def _can_time() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise TimeBudgetExceeded inside the block once `seconds` of wall time have passed."""
    if not seconds or seconds <= 0 or not _can_time():
        yield
        return

    def stop(_signum, _frame) -> None:
        raise TimeBudgetExceeded(seconds)

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
