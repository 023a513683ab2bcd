"""Dossier speed: the full dossier of the largest example, warm in process, against WeasyPrint
alone on the same HTML, and the whole-process CLI time. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_dossier.py [--runs N] [--process-runs N]

Targets (issue 3): full dossier ≤ 1.0 s warm; ≤ 1.25 × WeasyPrint alone. Issue 13: in fresh
processes, `assessor dossier` ≤ 1.25 × WeasyPrint alone writing the same HTML, and `assessor
verify` ≤ 1.0 × `assessor dossier`; the three commands are run in turn, round after round, so a
change in the machine's load falls on all three alike.
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
    parser.add_argument("--process-runs", type=int, default=3)
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

    processes(path, as_of, html, svgs, args.process_runs)


# WeasyPrint alone in a fresh process: the same HTML, the same charts (served from memory as the
# dossier serves them), the same PDF variant; only its own imports.
WEASY_ALONE = """
import json, sys
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse
data = json.load(open(sys.argv[1], encoding="utf-8"))
class Charts(URLFetcher):
    def fetch(self, url, headers=None):
        if "/charts/" in url:
            return URLFetcherResponse(url, data["svgs"][url.rsplit("/", 1)[1]].encode("utf-8"), {"Content-Type": "image/svg+xml"})
        return super().fetch(url, headers)
HTML(string=data["html"], base_url=data["base"], url_fetcher=Charts()).write_pdf(sys.argv[2], pdf_variant=data["variant"])
"""


def processes(path: Path, as_of, html: str, svgs: dict[str, bytes], runs: int) -> None:
    import json

    with tempfile.TemporaryDirectory() as tmp:
        out, alone = Path(tmp) / "out.pdf", Path(tmp) / "alone.pdf"
        source = Path(tmp) / "html.json"
        source.write_text(json.dumps({"html": html, "svgs": {k: v.decode("utf-8") for k, v in svgs.items()}, "base": TEMPLATES_DIR.as_uri() + "/", "variant": PDF_VARIANT}), encoding="utf-8")
        commands = {
            "assessor dossier": [sys.executable, "-m", "assessor", "dossier", str(path), "-o", str(out), "--as-of", as_of.isoformat(), "--date", GENERATED_AT.date().isoformat()],
            "WeasyPrint alone": [sys.executable, "-c", WEASY_ALONE, str(source), str(alone)],
            "assessor verify": [sys.executable, "-m", "assessor", "verify", str(out)],
        }
        walls: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, command in commands.items():
                start = time.perf_counter()
                done = subprocess.run(command, cwd=ROOT, capture_output=True)
                walls[name].append(time.perf_counter() - start)
                if done.returncode != 0:
                    print(f"{name} exited {done.returncode}: {done.stderr.decode('utf-8', 'replace')[-300:]}")
        print(f"\n{'fresh process, whole command':34} {'best wall':>10} {'median':>10}")
        for name, values in walls.items():
            print(f"{name:34} {min(values):9.3f}s {statistics.median(values):9.3f}s")
        best = {name: min(values) for name, values in walls.items()}
        print(f"ratio assessor dossier / WeasyPrint alone  {best['assessor dossier'] / best['WeasyPrint alone']:5.2f}×   (goal ≤ 1.25×)")
        print(f"ratio assessor verify / assessor dossier   {best['assessor verify'] / best['assessor dossier']:5.2f}×   (goal ≤ 1.0×)")
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
