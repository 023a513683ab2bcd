"""Workers started under threads (as in the Streamlit app) never run the parent's __main__ script."""

from __future__ import annotations

import sys
import threading
import types
from datetime import date
from pathlib import Path

import pytest

from assessor.batch import assess_many

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "01-eligible-two-sites.json"


@pytest.mark.parametrize("workers", [2, 4])
def test_a_pool_started_beside_other_threads_does_not_import_the_main_script(tmp_path, monkeypatch, workers):
    # Streamlit installs the app script as __main__; a worker that imported it would run the app.
    script = tmp_path / "app_script.py"
    marker = tmp_path / "ran"
    script.write_text(f"open({str(marker)!r}, 'w').close()\nraise SystemExit('the app script ran in a worker')\n", encoding="utf-8")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", main)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)  # more than one thread: the fork server is used
    other.start()
    try:
        results = assess_many([EXAMPLE.read_bytes()] * 8, as_of=date(2026, 6, 30), today=date(2026, 11, 25), workers=workers, pool_threshold=1)
    finally:
        stop.set()
        other.join()
    assert [o.verdict.value for o in results] == ["eligible"] * 8
    assert not marker.exists()
    assert sys.modules["__main__"] is main  # put back as it was
