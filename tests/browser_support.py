"""What every end-to-end test needs: the real app served by `streamlit run` on a free loopback
port, and Debian's Chromium driven by Playwright. One place, so that every browser test starts
the server and the browser the same way, with the same flags and the same patience."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling hosts this closed network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
START_TIMEOUT = 90  # seconds; a busy 2-core machine starts Streamlit slowly, and no test judges speed
PAGE_TIMEOUT_MS = 60_000  # the same: generous, and never a pass/fail on speed
VIEWPORT = {"width": 1400, "height": 1000}

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (scripts/setup.sh test installs it)")


class Served(str):
    """The server's base URL, which also carries the server's process (its pid, for a test
    that reads its memory)."""

    process: subprocess.Popen

    def __new__(cls, url: str, process: subprocess.Popen) -> Served:
        served = super().__new__(cls, url)
        served.process = process
        return served


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(
    log: Path,
    data_dir: Path | None = None,
    script: Path = APP,
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    port: int | None = None,
) -> Iterator[Served]:
    """`streamlit run script` on 127.0.0.1 until the block ends; yields its base URL once healthy
    (a `Served`: a str that also carries `.process`).

    The case register is a SQLite file in `data_dir` (never a database named by the caller's
    environment); the server's output goes to `log`, which a failure to start quotes."""
    port = port or free_port()
    environment = dict(os.environ, PYTHONUNBUFFERED="1", **(env or {}))
    environment.pop("ASSESSOR_DATABASE_URL", None)
    if data_dir is not None:
        environment["ASSESSOR_DATA_DIR"] = str(data_dir)
    command = [
        sys.executable, "-m", "streamlit", "run", str(script), "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *args,
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    try:
        _wait_healthy(port, process, log)
        yield Served(f"http://127.0.0.1:{port}", process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def _wait_healthy(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"streamlit did not become healthy in {START_TIMEOUT} s:\n{log.read_text(errors='replace')}")


@contextmanager
def chromium() -> Iterator:
    """Debian's Chromium, headless, under Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser, timeout_ms: int = PAGE_TIMEOUT_MS, own_context: bool = False, **options):
    """A new page at the tests' window size, waiting up to `timeout_ms` for anything it is told
    to expect. `own_context` gives it a context of its own to close (its own cookies)."""
    from playwright.sync_api import expect

    expect.set_options(timeout=timeout_ms)
    if own_context:
        page = browser.new_context(viewport=VIEWPORT, **options).new_page()
    else:
        page = browser.new_page(viewport=VIEWPORT, **options)
    page.set_default_timeout(timeout_ms)
    return page


def settle(page) -> None:
    """Wait until the app has finished the rerun an action started."""
    page.wait_for_timeout(400)
    page.locator("[data-testid=stStatusWidget]").wait_for(state="hidden", timeout=PAGE_TIMEOUT_MS)
    page.wait_for_timeout(300)


def artifacts() -> Path:
    """test-artifacts/, where screenshots and reports go."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def draft_in_address(page) -> str:
    """The draft the page edits, as its address names it (`?draft=<id>`)."""
    import re

    match = re.search(r"[?&]draft=([0-9a-f]+)", page.url)
    assert match, page.url
    return match.group(1)


def download_json(page, label: str, folder: Path) -> dict:
    """Click the download button `label` and read the JSON file it gives."""
    import json

    with page.expect_download() as info:
        page.get_by_role("button", name=label, exact=True).click()
    saved = folder / info.value.suggested_filename
    info.value.save_as(saved)
    return json.loads(saved.read_text(encoding="utf-8"))
