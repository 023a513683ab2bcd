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
