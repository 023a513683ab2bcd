"""App benchmark: rerun time after one edit on the assessment page, and cold start in Chromium.

Prints figures; asserts nothing (targets from issue 4: rerun after one edit <= 100 ms p50 under
AppTest; cold start to interactive <= 3 s in Chromium).

    .venv/bin/python benchmarks/bench_app.py [--edits 40] [--skip-browser]
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
EXAMPLE = "04-small-second-site.json"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import streamlit

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, Streamlit {streamlit.__version__}; load average {load}"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def rerun_after_edit(edits: int) -> None:
    from streamlit.testing.v1 import AppTest
    from streamlit.util import calc_hash

    os.environ["ASSESSOR_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-app-")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.selectbox(key="example.choice").set_value(EXAMPLE).run()
    at.button(key="btn.example").click().run()
    at._page_hash = calc_hash("assessment")  # the assessment page, as its sidebar link opens it
    at.run()
    assert not at.exception, at.exception

    def timed(edit) -> float:
        edit()
        start = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - start
        assert not at.exception, at.exception
        return elapsed

    # A reading switched back and forth: the second time round each result comes from the cache.
    values = ["original", "strict"]
    for i in range(4):  # warm-up: imports, first figures
        timed(lambda v=values[i % 2]: at.radio(key="f.reading.original_seats").set_value(v))
    switches = [timed(lambda v=values[i % 2]: at.radio(key="f.reading.original_seats").set_value(v)) for i in range(edits)]
    # A new assessment date each time: never cached, the engine and the figures run afresh.
    start_day = date(2026, 9, 30)
    dates = [timed(lambda d=start_day - timedelta(days=i + 1): at.date_input(key="f.as_of").set_value(d)) for i in range(edits)]
    for name, times in (("reading switch (cached result)", switches), ("new assessment date (uncached)", dates)):
        ms = [t * 1000 for t in times]
        print(f"  rerun after one edit, {name}: p50 {statistics.median(ms):.1f} ms, p90 {percentile(ms, 0.9):.1f} ms, max {max(ms):.1f} ms (n={len(ms)}; target p50 <= 100 ms)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cold_start(script: Path, what: str) -> None:
    if not Path(CHROMIUM).exists():
        print("  cold start: skipped (no /usr/bin/chromium)")
        return
    from playwright.sync_api import expect, sync_playwright

    from assessor.i18n import t

    port = free_port()
    data = tempfile.mkdtemp(prefix="bench-app-")
    env = dict(os.environ, ASSESSOR_DATA_DIR=data)
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.address", "127.0.0.1", "--server.port", str(port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]  # fmt: skip
    launched = time.perf_counter()
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                    break
            except OSError:
                if time.perf_counter() - launched > 120:
                    raise TimeoutError("server did not start") from None
                time.sleep(0.05)
        healthy = time.perf_counter()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            timings = []
            for attempt in range(3):  # the first on a server that has run no script yet
                page = browser.new_page()
                start = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/")
                # Interactive: the example selector can be used.
                expect(page.get_by_label(t("app.intake.example_choice", "zh"))).to_be_enabled(timeout=120_000)
                timings.append(time.perf_counter() - start)
                page.close()
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    print(f"  {what}: server process start to healthy: {healthy - launched:.2f} s")
    print(f"  {what}: cold start to interactive in Chromium (first session on a fresh server): {timings[0]:.2f} s (target <= 3 s)")
    print(f"  {what}: later sessions to interactive: {', '.join(f'{x:.2f} s' for x in timings[1:])}")


def baseline_script() -> Path:
    """The smallest app with the same interactive element: what Streamlit and Chromium cost alone."""
    from assessor.i18n import t

    folder = Path(tempfile.mkdtemp(prefix="bench-app-baseline-"))
    script = folder / "baseline.py"
    script.write_text(f"import streamlit as st\nst.selectbox({t('app.intake.example_choice', 'zh')!r}, ['a'])\n", encoding="utf-8")
    return script


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    rerun_after_edit(args.edits)
    if not args.skip_browser:
        cold_start(ROOT / "app.py", "app")
        cold_start(baseline_script(), "baseline (one selectbox, no app)")


if __name__ == "__main__":
    main()
