"""How fast the case register saves and loads drafts on a real SQLite file. Prints figures.

Run: .venv/bin/python benchmarks/bench_store.py   (also run by `make bench`)
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assessor.store import CaseStore  # noqa: E402


def timed(action, repeat: int) -> list[float]:
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        action(i)
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    print(f"{name:<52} p50 {statistics.median(times):7.2f} ms   p95 {p95:7.2f} ms   (n={len(times)})")


def main() -> None:
    typed = json.loads((ROOT / "examples" / "01-eligible-two-sites.json").read_text(encoding="utf-8"))
    size = len(json.dumps(typed, ensure_ascii=False).encode("utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        store = CaseStore(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        print(f"draft: the eligible example, {size / 1024:.0f} KB of JSON; SQLite in WAL mode, synchronous=FULL")
        draft = store.save_draft(None, "bench", typed, "bench").draft_id

        def edit(i: int) -> None:
            typed["applicant"]["contact_person"] = f"联系人{i}"
            store.save_draft(draft, "bench", typed, "bench")

        report("save_draft, one field changed (new version)", timed(edit, 200))
        report("save_draft, nothing changed (no new version)", timed(lambda i: store.save_draft(draft, "bench", typed, "bench"), 200))
        report("load_draft (latest of ~200 versions)", timed(lambda i: store.load_draft(draft), 200))
        report("load_version (an old one)", timed(lambda i: store.load_version(draft, 1 + i % 100), 200))
        report("history (~200 versions)", timed(lambda i: store.history(draft), 50))
        small = {"applicant": {"name": "x"}}
        for n in range(500):
            store.save_draft(None, f"draft {n}", small, "bench")
        report("list_drafts (501 drafts)", timed(lambda i: store.list_drafts(), 50))
        report("record_screening (50 files)", timed(lambda i: store.record_screening({"files": [{"fingerprint": "ab" * 32}] * 50}), 100))
        file = Path(folder) / "bench.sqlite3"
        print(f"database file after the run: {file.stat().st_size / 1024 / 1024:.1f} MB")
        start = time.perf_counter()
        CaseStore(f"sqlite:///{file}").list_drafts()
        print(f"open an existing register and list drafts (cold): {(time.perf_counter() - start) * 1000:.1f} ms")
        store.close()


if __name__ == "__main__":
    main()
