"""App benchmark: our app against a hello-world Streamlit app, measured in the same run.

Prints, side by side, the rerun time after one edit (p50, under AppTest) and the cold start to
interactive in Chromium (a fresh server, its first session), with the ratio app / hello-world.
Goals (issue 14): rerun p50 <= 100 ms; cold start <= 1.3x the hello-world app's. Cold starts
alternate app and hello-world, round after round, so a busy machine weighs on both alike.
Asserts nothing.

    .venv/bin/python benchmarks/bench_app.py [--edits 40] [--rounds 3] [--skip-browser]
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


def _timed_reruns(at, edits: list) -> list[float]:
    out = []
    for edit in edits:
        edit()
        start = time.perf_counter()
        at.run()
        out.append((time.perf_counter() - start) * 1000)
        assert not at.exception, at.exception
    return out


def rerun_app(edits: int) -> dict[str, list[float]]:
    """Our app's assessment page: a reading switched back and forth (each result cached after
    the first), and a new assessment date each time (never cached)."""
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
    values = ["original", "strict"]
    reading = lambda v: (lambda: at.radio(key="f.reading.original_seats").set_value(v))  # noqa: E731
    _timed_reruns(at, [reading(values[i % 2]) for i in range(4)])  # warm-up: imports, first figures
    switches = _timed_reruns(at, [reading(values[i % 2]) for i in range(edits)])
    start_day = date(2026, 9, 30)
    day = lambda d: (lambda: at.date_input(key="f.as_of").set_value(d))  # noqa: E731
    dates = _timed_reruns(at, [day(start_day - timedelta(days=i + 1)) for i in range(edits)])
    return {"reading switch (cached result)": switches, "new assessment date (uncached)": dates}


def rerun_hello(edits: int) -> list[float]:
    """The hello-world app: one radio switched back and forth."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(HELLO, default_timeout=120)
    at.run()
    values = ["a", "b"]
    switch = lambda v: (lambda: at.radio[0].set_value(v))  # noqa: E731
    _timed_reruns(at, [switch(values[i % 2]) for i in range(4)])
    return _timed_reruns(at, [switch(values[i % 2]) for i in range(edits)])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cold_start(script: Path, label: str) -> tuple[float, float]:
    """One fresh server: seconds from launch to healthy, and from opening the page in a fresh
    Chromium to the first interactive element being usable (the selectbox `label`)."""
    from playwright.sync_api import expect, sync_playwright

    port = free_port()
    env = dict(os.environ, ASSESSOR_DATA_DIR=tempfile.mkdtemp(prefix="bench-app-"))
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
        healthy = time.perf_counter() - launched
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            start = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/")
            expect(page.get_by_label(label)).to_be_enabled(timeout=120_000)
            interactive = time.perf_counter() - start
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    return healthy, interactive


def hello_script() -> Path:
    """Hello world: a title, a radio and the same selectbox the app's first screen offers."""
    folder = Path(tempfile.mkdtemp(prefix="bench-app-hello-"))
    script = folder / "hello.py"
    script.write_text(HELLO, encoding="utf-8")
    return script


def _label() -> str:
    from assessor.i18n import t

    return t("app.intake.example_choice", "zh")


HELLO = f"""import streamlit as st
st.title("Hello world")
st.radio("radio", ["a", "b"])
st.selectbox({_label()!r}, ["a"])
"""


def _row(name: str, app: float, hello: float, unit: str, goal: str) -> str:
    return f"  {name:<44} {app:>9.2f} {unit:<3} {hello:>9.2f} {unit:<3} {app / hello:>6.2f}x   {goal}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3, help="cold starts of each app, alternating")
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    hello = rerun_hello(args.edits)
    app = rerun_app(args.edits)
    hello_p50 = statistics.median(hello)
    print(f"  {'':<44} {'app':>13} {'hello world':>13} {'ratio':>7}")
    for name, times in app.items():
        print(_row(f"rerun p50, {name}", statistics.median(times), hello_p50, "ms", "goal: app <= 100 ms"))
        print(f"  {'':<44} p90 {percentile(times, 0.9):.1f} ms, max {max(times):.1f} ms (n={len(times)}); hello world p90 {percentile(hello, 0.9):.1f} ms")
    if args.skip_browser or not Path(CHROMIUM).exists():
        print("  cold start: skipped" + ("" if args.skip_browser else " (no /usr/bin/chromium)"))
        return
    label = _label()
    hello_file = hello_script()
    runs: dict[str, list[tuple[float, float]]] = {"app": [], "hello": []}
    for _ in range(args.rounds):
        runs["app"].append(cold_start(ROOT / "app.py", label))
        runs["hello"].append(cold_start(hello_file, label))
    med = {k: (statistics.median(h for h, _ in v), statistics.median(i for _, i in v)) for k, v in runs.items()}
    print(_row("server launch to healthy (median)", med["app"][0], med["hello"][0], "s", ""))
    print(_row("cold start to interactive (median)", med["app"][1], med["hello"][1], "s", "goal: ratio <= 1.3x"))
    total = {k: statistics.median(h + i for h, i in v) for k, v in runs.items()}
    print(_row("launch to interactive, both together", total["app"], total["hello"], "s", ""))
    for k, v in runs.items():
        print(f"  {k} rounds (healthy + interactive): " + ", ".join(f"{h:.2f}+{i:.2f} s" for h, i in v))


if __name__ == "__main__":
    main()
