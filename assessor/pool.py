"""Worker processes for batches, started the way the calling process can afford."""

from __future__ import annotations

import io
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import context, forkserver, get_context, popen_forkserver, reduction, spawn, util
from typing import Any, Callable


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def process_pool(workers: int, preload: str, initializer: Callable[..., Any] | None = None, initargs: tuple[Any, ...] = ()) -> ProcessPoolExecutor:
    """A pool of `workers` processes, each set up by `initializer(*initargs)`.

    fork starts workers at once with everything already imported; it is only safe in a
    single-threaded process (the CLI, a script). Under Streamlit's threads a fork server is used;
    `preload` (a module name) is imported in it when this process first starts one, and its
    workers never import this process's `__main__` (see `_PopenWithoutMain`)."""
    if threading.active_count() == 1:
        mp_context: Any = get_context("fork")
    else:
        mp_context = _ForkServerWithoutMain()
        mp_context.set_forkserver_preload([preload])
    return ProcessPoolExecutor(max_workers=workers, mp_context=mp_context, initializer=initializer, initargs=initargs)


class _PopenWithoutMain(popen_forkserver.Popen):
    """Starts a worker from the fork server as the standard library does, except that the worker
    is not told to import the parent's `__main__`.

    A worker started by a fork server first re-imports the parent's `__main__` file, so that
    functions defined there can be unpickled. Under Streamlit that file is the app script itself,
    which would run the whole app in each worker. Batch work sends only functions of the
    `assessor` package, so the worker needs no `__main__`: the two keys that name it are left
    out of what the worker is sent. Nothing in the parent changes; `sys.modules["__main__"]`
    stays as it is."""

    def _launch(self, process_obj: Any) -> None:  # the body of popen_forkserver.Popen._launch (3.11), one line added
        prep_data = spawn.get_preparation_data(process_obj._name)
        for key in ("init_main_from_path", "init_main_from_name"):
            prep_data.pop(key, None)
        buf = io.BytesIO()
        context.set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            context.set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)
        parent_w = os.dup(w)  # a sentinel of the parent for the child, as the standard library keeps
        self.finalizer = util.Finalize(self, util.close_fds, (parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _ProcessWithoutMain(context.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> _PopenWithoutMain:
        return _PopenWithoutMain(process_obj)


class _ForkServerWithoutMain(context.ForkServerContext):
    Process = _ProcessWithoutMain
