"""A process killed (SIGKILL) in the middle of saving loses nothing that was committed."""

from __future__ import annotations

import os
import random
import selectors
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assessor.store import CaseStore

SAVER = Path(__file__).with_name("saver.py")
ROOT = Path(__file__).resolve().parents[2]


def _committed_lines(process: subprocess.Popen, wanted: int, deadline: float) -> list[str]:
    """Lines the saver printed (one per committed version), waiting for at least `wanted`."""
    lines: list[str] = []
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while len(lines) < wanted and time.monotonic() < deadline:
            if selector.select(timeout=max(0.0, deadline - time.monotonic())):
                line = process.stdout.readline()
                if not line:
                    break
                lines.append(line.strip())
    return lines


def _version_data(n: int) -> dict:
    sys.path.insert(0, str(SAVER.parent))
    from saver import version_data

    return version_data(n)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killing_a_saving_process_leaves_the_last_committed_version_intact(url, backend):
    draft_id: str | None = None
    rng = random.Random(20100101)
    for _round in range(3):
        args = [sys.executable, str(SAVER), url] + ([draft_id] if draft_id else [])
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        try:
            printed = _committed_lines(process, wanted=2, deadline=time.monotonic() + 60)
            assert printed, process.stderr.read() if process.poll() is not None else "the saver printed nothing"
            time.sleep(rng.uniform(0, 0.05))  # somewhere inside a later save, most of the time
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
            printed += [line.strip() for line in process.stdout.read().splitlines() if line.strip()]
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stdout.close()
            process.stderr.close()
        assert process.returncode == -signal.SIGKILL
        draft_id, last_reported, _ = printed[-1].split()

        with CaseStore(url) as reopened:
            latest = reopened.load_draft(draft_id)
            # Everything the saver saw committed is there, and the newest version is whole.
            assert latest.version >= int(last_reported)
            assert latest.data == _version_data(latest.data["n"])
            trail = reopened.history(draft_id)
            assert [v.version for v in trail] == list(range(1, latest.version + 1))
            for version in trail[-3:]:
                data = reopened.load_version(draft_id, version.version).data
                assert data == _version_data(data["n"])
        if backend == "sqlite":
            with sqlite3.connect(url.removeprefix("sqlite:///")) as raw:
                assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
