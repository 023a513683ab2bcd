"""A batch screened in worker processes gives the same rows, in the same order, as in one."""

from __future__ import annotations

import copy

from assessor.screening import Settings, collect_paths, screen

from .conftest import AS_OF, another_insurer, example, with_hashes, write


def test_pool_and_single_process_agree(tmp_path):
    base = with_hashes(example())
    for i in range(12):
        app = another_insurer(base, 40 + i, f"第{i}财产保险股份有限公司")
        app["proposed_site"]["planned_seats"] = 490 + i  # some not eligible
        write(tmp_path, f"a{i:02d}.json", app)
    write(tmp_path, "dup.json", copy.deepcopy(base))
    write(tmp_path, "dup2.json", copy.deepcopy(base))
    write(tmp_path, "bad.json", "[1, 2")
    sources, refused = collect_paths([tmp_path])
    settings = Settings(as_of=AS_OF)
    progress: list[tuple[int, int]] = []
    pooled = screen(sources, settings, refused, workers=2, pool_threshold=1, progress=lambda d, t: progress.append((d, t)))
    single = screen(sources, settings, refused, workers=1)
    assert pooled.workers == 2 and single.workers == 1
    summary = lambda s: [(r.label, r.status, r.verdict, r.fingerprint, tuple(f.code for f in r.flags)) for r in s.records]  # noqa: E731
    assert summary(pooled) == summary(single)
    assert progress[-1] == (15, 15) and [d for d, _ in progress] == sorted(d for d, _ in progress)


def test_screening_and_assess_many_run_through_the_one_batch_path(tmp_path, monkeypatch):
    """Both hand their items to batch.run_batch; screening's rows and assess_many's results
    come back in their items' order, each file with its own date."""
    import assessor.batch
    import assessor.screening.run
    from assessor.batch import assess_many

    calls: list[tuple[str, int]] = []
    real = assessor.batch.run_batch

    def recording(items, work, *args, **kwargs):
        calls.append((work.__name__, len(items)))
        return real(items, work, *args, **kwargs)

    monkeypatch.setattr(assessor.batch, "run_batch", recording)
    monkeypatch.setattr(assessor.screening.run, "run_batch", recording)
    base = with_hashes(example())
    for i in range(3):
        write(tmp_path, f"a{i}.json", another_insurer(base, 60 + i, f"第{i}财产保险股份有限公司"))
    sources, refused = collect_paths([tmp_path])
    screening = screen(sources, Settings(as_of=AS_OF), refused, workers=1)
    documents = [source.read() for source in sources]
    results = assess_many(documents, as_of=AS_OF, today=AS_OF, workers=1)
    assert calls == [("screen_items", 3), ("_assess_chunk", 3)]
    by_label = {r.label: r for r in screening.records}
    assert all(r.screened for r in screening.records) and all(r.assessed for r in results)
    assert [(by_label[s.label].verdict, by_label[s.label].fingerprint) for s in sources] == [(r.verdict.value, r.fingerprint) for r in results]


def test_run_batch_keeps_the_items_order_in_a_pool_and_reports_progress():
    from assessor.batch import run_batch

    progress: list[tuple[int, int]] = []
    results, workers = run_batch(list(range(40)), _squares, 3, workers=2, pool_threshold=1, progress=lambda d, t: progress.append((d, t)))
    assert results == [i * i + 3 for i in range(40)] and workers == 2
    assert progress[-1] == (40, 40) and [d for d, _ in progress] == sorted(d for d, _ in progress)


def _squares(chunk, offset):
    return [i * i + offset for i in chunk]


def test_a_pool_beside_other_threads_never_replaces_main_nor_runs_the_main_script(tmp_path, monkeypatch):
    """Under Streamlit's threads workers come from a fork server; they are not told to import
    the parent's __main__ (the app script), and the parent's sys.modules["__main__"] is never
    swapped, not even for a moment: a thread watches it for the whole run."""
    import sys
    import threading
    import types

    script = tmp_path / "app_script.py"
    marker = tmp_path / "ran"
    script.write_text(f"open({str(marker)!r}, 'w').close()\nraise SystemExit('the app script ran in a worker')\n", encoding="utf-8")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", main)
    seen: set[int] = set()
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            seen.add(id(sys.modules["__main__"]))

    watcher = threading.Thread(target=watch, daemon=True)  # also makes this process multi-threaded
    watcher.start()
    folder = tmp_path / "in"
    base = with_hashes(example())
    for i in range(6):
        write(folder, f"a{i}.json", another_insurer(base, 80 + i, f"第{i}财产保险股份有限公司"))
    try:
        sources, refused = collect_paths([folder])
        pooled = screen(sources, Settings(as_of=AS_OF), refused, workers=2, pool_threshold=1)
    finally:
        stop.set()
        watcher.join()
    assert pooled.workers == 2 and [r.status for r in pooled.records] == ["screened"] * 6
    assert not marker.exists()
    assert seen == {id(main)}
