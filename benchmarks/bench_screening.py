"""Screening speed: applications generated from examples/ with random variation, written to a
folder, then, interleaved and repeated in one run: (a) a plain read + `json.loads` of every file,
the floor no screening can beat; (b) `assessor screen` end to end on the command line (collect,
read, validate, assess, cross-check, rank, export CSV). Prints each round's times with the load
average beside them, the medians and the ratio b/a (issue 15's target: <= 3x); then the same
screening in process, and a read + parse + validate baseline, for where the time goes.

    .venv/bin/python benchmarks/bench_screening.py            # 10,000 files, 3 rounds
    .venv/bin/python benchmarks/bench_screening.py 1000 10000 --rounds 5
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
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


def _load_chunk(paths: list[str]) -> int:
    for path in paths:
        with open(path, "rb") as handle:
            json.loads(handle.read())
    return len(paths)


def cpu_seconds() -> float:
    """CPU time of this process and its finished children: steadier than wall time on a
    machine shared with other work."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _paths(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.rglob("*.json"))


def _chunks(paths: list[str], workers: int) -> list[list[str]]:
    size = max(25, min(500, len(paths) // (workers * 8) or 1))
    return [paths[i : i + size] for i in range(0, len(paths), size)]


def plain_load(folder: Path, workers: int) -> tuple[float, float]:
    """The floor: list the files, read each and json.loads it; wall and CPU seconds."""
    cpu, start = cpu_seconds(), time.perf_counter()
    paths = _paths(folder)
    if workers == 1:
        _load_chunk(paths)
    else:
        with ProcessPoolExecutor(workers) as pool:
            sum(pool.map(_load_chunk, _chunks(paths, workers)))
    return time.perf_counter() - start, cpu_seconds() - cpu


def parse_only(folder: Path, workers: int) -> tuple[float, int]:
    """Read, parse and validate every file, with the same number of processes."""
    start = time.perf_counter()
    paths = _paths(folder)
    if workers == 1:
        ok = _parse_chunk(paths)
    else:
        with ProcessPoolExecutor(workers) as pool:
            ok = sum(pool.map(_parse_chunk, _chunks(paths, workers)))
    return time.perf_counter() - start, ok


def screen_cli(folder: Path, out: Path) -> tuple[float, float]:
    """`assessor screen FOLDER -o OUT.csv`, as a user runs it: wall and CPU seconds (the command
    and its workers)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    command = [sys.executable, "-m", "assessor", "screen", str(folder), "-o", str(out), "--as-of", AS_OF.isoformat(), "--no-register"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"assessor screen failed ({done.returncode}): {done.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def screen_in_process(folder: Path, workers: int, out: Path) -> tuple[float, float, dict]:
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


def load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "load ?"


def main(sizes: list[int], rounds: int, keep: str | None = None) -> None:
    workers = default_workers()
    cpu = platform.processor() or platform.machine()
    print(f"machine: {platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}; {load()}")
    print(f"workers: {workers}; as_of {AS_OF}; applications generated from {len(list((ROOT / 'examples').glob('*.json')))} examples")
    for n in sizes:
        # --folder keeps the generated files, so another checkout can be measured on the same ones
        folder = Path(keep) / str(n) if keep else Path(tempfile.mkdtemp(prefix="bench-screening-"))
        out_dir = Path(tempfile.mkdtemp(prefix="bench-screening-out-"))
        try:
            folder.mkdir(parents=True, exist_ok=True)
            size = generate(folder, n) if not any(folder.iterdir()) else sum(p.stat().st_size for p in folder.rglob("*.json"))
            print(f"{n:>7,} files ({size / 2**20:,.0f} MB)")
            plain_load(folder, 1)  # warm the page cache, so neither side pays for the disk
            floors, floors_n, screens = [], [], []
            for round_ in range(1, rounds + 1):
                floor = plain_load(folder, 1)
                floor_n = plain_load(folder, workers)
                screened = screen_cli(folder, out_dir / "out.csv")
                floors.append(floor)
                floors_n.append(floor_n)
                screens.append(screened)
                print(
                    f"    round {round_}: read+json.loads {floor[0]:6.2f} s (1 process), {floor_n[0]:6.2f} s ({workers}); "
                    f"assessor screen {screened[0]:6.2f} s wall, {screened[1]:6.2f} s CPU; "
                    f"ratio {screened[0] / floor[0]:.2f}x / {screened[0] / floor_n[0]:.2f}x; {load()}"
                )
            floor_s = statistics.median(f[0] for f in floors)
            floor_n_s = statistics.median(f[0] for f in floors_n)
            screen_s = statistics.median(s[0] for s in screens)
            ratios = sorted(s[0] / f[0] for s, f in zip(screens, floors))
            print(
                f"    median: read+json.loads {floor_s:.2f} s (1 process, {floor_n_s:.2f} s on {workers}); assessor screen {screen_s:.2f} s "
                f"({n / screen_s:,.0f} files/s); ratio {screen_s / floor_s:.2f}x the 1-process floor, {screen_s / floor_n_s:.2f}x the {workers}-process floor "
                f"[target <= 3x]; per-round ratios {', '.join(f'{r:.2f}' for r in ratios)}"
            )
            print(
                f"    CPU, median: read+json.loads {statistics.median(f[1] for f in floors) / n * 1e3:.3f} ms/file; "
                f"assessor screen {statistics.median(s[1] for s in screens) / n * 1e3:.3f} ms/file"
            )
            one_s, ok = parse_only(folder, 1)
            in_s, total_s, counts = screen_in_process(folder, workers, out_dir / "in.csv")
            print(f"    read+parse+validate, 1 process: {one_s:.2f} s ({ok:,} valid); screen() in process on {workers}: {in_s:.2f} s, with CSV export {total_s:.2f} s; {load()}")
            print(f"    flagged {counts['flagged']:,}, errors {counts['errors']:,}")
            own, children = peak_mb()
            print(f"    peak RSS: main {own:,.0f} MB, largest child {children:,.0f} MB")
        finally:
            if not keep:
                shutil.rmtree(folder, ignore_errors=True)
            shutil.rmtree(out_dir, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--folder", help="generate the files here, or reuse those already there, and keep them")
    args = parser.parse_args()
    main(args.sizes, args.rounds, args.folder)
