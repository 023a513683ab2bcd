"""Dossier speed: the full dossier of the largest example, warm in process, against WeasyPrint
alone on the same HTML, and the whole-process CLI time. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_dossier.py [--runs N]

Targets (issue 3): full dossier ≤ 1.0 s warm; ≤ 1.25 × WeasyPrint alone.
Wall time depends on what else the machine runs, so CPU time of this process is shown too.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assessor import charts  # noqa: E402
from assessor.dossier import PDF_VARIANT, build_dossier, dossier_html  # noqa: E402
from assessor.dossier.render import TEMPLATES_DIR, _make_fetcher  # noqa: E402
from assessor.intake import load_application  # noqa: E402

GENERATED_AT = datetime(2026, 7, 1, 9, 30, tzinfo=timezone(timedelta(hours=8)))


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import weasyprint

    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    return (
        f"{platform.system()} {platform.release()} · {cpu} × {os.cpu_count()} · Python {platform.python_version()} · "
        f"WeasyPrint {weasyprint.__version__} · load average {load[0]:.2f}"
    )


def timed(fn, runs: int) -> tuple[float, float, float]:
    """(best wall, median wall, best CPU) over `runs` calls."""
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), statistics.median(walls), min(cpus)


def largest_example() -> tuple[Path, object]:
    expected = tomllib.loads((ROOT / "examples" / "expected.toml").read_text(encoding="utf-8"))
    path = max((ROOT / "examples").glob("*.json"), key=lambda p: p.stat().st_size)
    return path, expected[path.name]["as_of"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    path, as_of = largest_example()
    app = load_application(path, today=as_of)
    print(f"machine: {machine()}")
    print(f"example: {path.name} ({len(app.premiums.ledger)} ledger rows, {len(app.existing_sites)} sites), as_of {as_of}")

    pdf = build_dossier(app, as_of=as_of, generated_at=GENERATED_AT)  # warm-up: imports, fonts, caches
    from pypdf import PdfReader
    import io

    print(f"dossier: {len(PdfReader(io.BytesIO(pdf)).pages)} pages, {len(pdf) / 1024:.0f} KiB")

    def full_cold_charts():
        charts.clear_svg_cache()
        build_dossier(app, as_of=as_of, generated_at=GENERATED_AT)

    def full_warm_charts():
        build_dossier(app, as_of=as_of, generated_at=GENERATED_AT)

    html, svgs = dossier_html(app, as_of=as_of, generated_at=GENERATED_AT)

    def weasyprint_alone():
        from weasyprint import HTML

        fetcher = _make_fetcher({f"charts/{k}": v for k, v in svgs.items()}, [])
        # the same tagged PDF/A-3 variant the dossier writes, so the comparison is like for like
        HTML(string=html, base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT)

    def charts_only():
        charts.clear_svg_cache()
        dossier_html(app, as_of=as_of, generated_at=GENERATED_AT)

    rows = [
        ("full dossier, charts redrawn", timed(full_cold_charts, args.runs)),
        ("full dossier, charts cached", timed(full_warm_charts, args.runs)),
        ("WeasyPrint alone, same HTML", timed(weasyprint_alone, args.runs)),
        ("model+charts+HTML (no PDF)", timed(charts_only, args.runs)),
    ]
    print(f"\n{'in process (warm)':34} {'best wall':>10} {'median':>10} {'best CPU':>10}")
    for label, (best, median, cpu) in rows:
        print(f"{label:34} {best:9.3f}s {median:9.3f}s {cpu:9.3f}s")
    base_wall, base_cpu = rows[2][1][0], rows[2][1][2]
    for label, (best, _, cpu) in rows[:2]:
        print(f"ratio {label:28} wall {best / base_wall:5.2f}×   CPU {cpu / base_cpu:5.2f}×   (target ≤ 1.25×)")

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.pdf"
        command = [sys.executable, "-m", "assessor", "dossier", str(path), "-o", str(out), "--as-of", as_of.isoformat()]
        walls = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
            walls.append(time.perf_counter() - start)
        print(f"\nCLI whole process ({' '.join(command[2:4])} …): best {min(walls):.3f}s, median {statistics.median(walls):.3f}s")


if __name__ == "__main__":
    main()
