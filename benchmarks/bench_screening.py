"""Screening speed: applications generated from examples/ with random variation, written to a
folder, then (a) only read, parsed and validated, and (b) screened end to end (read, validate,
assess, cross-check, rank, export). Prints files/second, the ratio b/a and peak memory.

    .venv/bin/python benchmarks/bench_screening.py            # 1,000 and 10,000
    .venv/bin/python benchmarks/bench_screening.py 1000 10000 100000
"""

from __future__ import annotations

import json
import os
import platform
import random
import resource
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assessor.intake import ApplicationError, parse_application  # noqa: E402
from assessor.core.model import credit_code_check_char  # noqa: E402
from assessor.screening import Settings, collect_paths, export, screen  # noqa: E402
from assessor.screening.run import default_workers  # noqa: E402

AS_OF = date(2026, 12, 31)
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def credit_code(rng: random.Random) -> str:
    head = "91" + "".join(rng.choice("0123456789") for _ in range(6)) + "".join(rng.choice(ALPHABET) for _ in range(9))
    return head + credit_code_check_char(head)


def vary(base: dict, rng: random.Random, i: int) -> dict:
    app = json.loads(json.dumps(base))
    applicant = app["applicant"]
    applicant["name"] = f"{applicant['name'][:4]}{i:06d}财产保险股份有限公司"
    applicant["credit_code"] = credit_code(rng)
    if applicant.get("contact_phone"):
        applicant["contact_phone"] = f"010-{rng.randrange(10**7, 10**8)}"
    for site in app.get("existing_sites", []):
        site["seats"] = max(0, site["seats"] + rng.randint(-150, 150))
        site["address"] = f"{site['address']}{i}号楼"
    proposed = app["proposed_site"]
    proposed["planned_seats"] = max(0, proposed["planned_seats"] + rng.randint(-100, 100))
    proposed["address"] = f"{proposed['address']}{i}号楼"
    number = f"9{rng.randrange(10**4, 10**5)}"
    proposed["inbound_numbers"] = [number] if proposed.get("inbound_numbers") else []
    proposed["outbound_numbers"] = [f"400{rng.randrange(10**6, 10**7)}"] if proposed.get("outbound_numbers") else []
    app.setdefault("company", {})["nationwide_numbers"] = proposed["inbound_numbers"] + proposed["outbound_numbers"]
    for member in proposed.get("management_team", []):
        member["name"] = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN) + str(i)
    scale = Decimal(rng.randint(80, 120)) / 100
    for row in app.get("premiums", {}).get("ledger", []):
        row["premium"] = str((Decimal(row["premium"]) * scale).quantize(Decimal("0.01")))
    total = app.get("premiums", {}).get("declared_total")
    if total:
        total["amount"] = str((Decimal(total["amount"]) * scale).quantize(Decimal("0.01")))
    return app


def generate(folder: Path, n: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    bases = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "examples").glob("*.json"))]
    size = 0
    for i in range(n):
        text = json.dumps(vary(rng.choice(bases), rng, i), ensure_ascii=False)
        sub = folder / f"batch{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"app{i:06d}.json").write_text(text, encoding="utf-8")
        size += len(text.encode("utf-8"))
    return size


def _parse_chunk(paths: list[str]) -> int:
    ok = 0
    for path in paths:
        try:
            parse_application(Path(path).read_bytes(), today=AS_OF)
            ok += 1
        except ApplicationError:
            pass
    return ok


def cpu_seconds() -> float:
    """CPU time of this process and its finished children: steadier than wall time on a
    machine shared with other work."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def parse_only(folder: Path, workers: int) -> tuple[float, int]:
    """The baseline: read, parse and validate every file, with the same number of processes."""
    start = time.perf_counter()
    sources, _ = collect_paths([folder])
    paths = [s.path for s in sources]
    if workers == 1:
        ok = _parse_chunk(paths)
    else:
        size = max(25, min(500, len(paths) // (workers * 8) or 1))
        with ProcessPoolExecutor(workers) as pool:
            ok = sum(pool.map(_parse_chunk, [paths[i : i + size] for i in range(0, len(paths), size)]))
    return time.perf_counter() - start, ok


def screen_all(folder: Path, workers: int, out: Path) -> tuple[float, float, dict]:
    start = time.perf_counter()
    sources, refused = collect_paths([folder])
    screening = screen(sources, Settings(as_of=AS_OF), refused, workers=workers)
    screened = time.perf_counter() - start
    out.write_bytes(export(screening, "csv", "zh"))
    return screened, time.perf_counter() - start, screening.counts()


def peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main(sizes: list[int]) -> None:
    workers = default_workers()
    cpu = platform.processor() or platform.machine()
    print(f"machine: {platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}")
    print(f"workers: {workers}; as_of {AS_OF}; applications generated from {len(list((ROOT / 'examples').glob('*.json')))} examples")
    for n in sizes:
        folder = Path(tempfile.mkdtemp(prefix="bench-screening-"))
        try:
            size = generate(folder, n)
            cpu = cpu_seconds()
            one_s, ok = parse_only(folder, 1)
            one_cpu, cpu = cpu_seconds() - cpu, cpu_seconds()
            base_s, _ = parse_only(folder, workers)
            base_cpu, cpu = cpu_seconds() - cpu, cpu_seconds()
            screen_s, total_s, counts = screen_all(folder, workers, folder / "out.csv")
            screen_cpu = cpu_seconds() - cpu
            own, children = peak_mb()
            print(f"{n:>7,} files ({size / 2**20:,.0f} MB), {ok:,} valid; flagged {counts['flagged']:,}, errors {counts['errors']:,}")
            print(f"    parse+validate, 1 process : {one_s:7.2f} s wall ({n / one_s:6,.0f}/s), {one_cpu:7.2f} s CPU ({one_cpu / n * 1e3:.2f} ms/file)")
            print(f"    parse+validate, {workers} processes: {base_s:7.2f} s wall ({n / base_s:6,.0f}/s), {base_cpu:7.2f} s CPU")
            print(f"    screen end to end         : {screen_s:7.2f} s wall ({n / screen_s:6,.0f}/s), with CSV export {total_s:.2f} s, {screen_cpu:7.2f} s CPU ({screen_cpu / n * 1e3:.2f} ms/file)")
            print(
                f"    ratio screen/parse: {screen_s / one_s:4.2f}x vs 1-process parse, {screen_s / base_s:4.2f}x vs {workers}-process parse (wall); "
                f"{screen_cpu / one_cpu:4.2f}x in CPU time"
            )
            print(f"    peak RSS: main {own:,.0f} MB, largest worker {children:,.0f} MB")
        finally:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000])
