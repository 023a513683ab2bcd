"""Bounded memory: twenty different 1 MB applications uploaded one after another, in a real
Chromium against `streamlit run app.py`, leave the server within 300 MB of where it started.

The server's resident set is read from /proc/<pid>/status (VmRSS), the figure the operating
system charges the process for. "Where it started" is after the first upload has been taken in
and assessed, so the libraries every upload needs (pydantic's validators, plotly, pandas) are
loaded once and counted in the start; what must not grow is what each further upload leaves
behind. Each upload is also assessed (the assessment page with its chart), as a user would.
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

import pytest
from browser_support import ROOT, artifacts, needs_chromium, open_page, streamlit_server

UPLOADS = int(os.environ.get("ASSESSOR_MEMORY_UPLOADS", "20"))
BUDGET_MB = 300
FILE_BYTES = 1_000_000

pytestmark = [
    pytest.mark.e2e,
    needs_chromium,
    pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc to read the server's memory"),
]


# ---------------------------------------------------------------- the server


def rss_mb(pid: int) -> float:
    """The process's resident set in MB, as /proc/<pid>/status reports it."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS line")


# ---------------------------------------------------------------- the files


def big_application(seed: int) -> bytes:
    """A valid application of about 1 MB: example 01 with a ledger of many products a month,
    every file different (its own premiums and product codes)."""
    data = json.loads((ROOT / "examples" / "01-eligible-two-sites.json").read_text(encoding="utf-8"))
    rng = random.Random(seed)
    months = [f"{year}-{month:02d}" for year in range(2022, 2026) for month in range(1, 13) if (year, month) >= (2022, 4)]
    ledger = []
    size = 0
    product = 0
    while size < FILE_BYTES:
        product += 1
        code = f"DX-{seed:02d}-{product:04d}"
        for month in months:
            row = {"month": month, "product_code": code, "telemarketing_exclusive": True, "premium": f"{rng.randint(1, 99_999)}.{rng.randint(0, 99):02d}", "unit": "元"}
            ledger.append(row)
            size += len(json.dumps(row, ensure_ascii=False)) + 1
    data["premiums"]["ledger"] = ledger
    text = json.dumps(data, ensure_ascii=False)
    return text.encode("utf-8")


# ---------------------------------------------------------------- the test


@pytest.fixture
def server(tmp_path: Path):
    """A server of the test's own: its memory is the measure, so nothing else may use it."""
    with streamlit_server(tmp_path / "server.log", data_dir=tmp_path / "data") as url:
        yield url, url.process


def test_twenty_different_uploads_leave_the_server_within_its_budget(server, browser, tmp_path: Path):
    from playwright.sync_api import expect

    from assessor.i18n import t

    url, process = server
    files = []
    for i in range(UPLOADS + 1):
        path = tmp_path / f"application-{i:02d}.json"
        path.write_bytes(big_application(i))
        assert FILE_BYTES <= path.stat().st_size < 1.2 * FILE_BYTES
        files.append(path)

    figures: list[tuple[str, float]] = []
    page = open_page(browser, timeout_ms=180_000)  # 1 MB uploads on a busy 2-core machine

    # One browser session throughout, moving between pages by the sidebar, as a user does.
    page.goto(url)
    sidebar = page.locator("[data-testid='stSidebarNav']")

    def upload_and_assess(path: Path) -> None:
        sidebar.get_by_role("link", name=t("app.nav.intake", "zh")).click()
        expect(page.get_by_role("heading", name=t("app.nav.intake", "zh"))).to_be_visible()
        page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(path))
        expect(page.get_by_text(t("app.intake.uploaded", "zh", file=path.name))).to_be_visible()
        sidebar.get_by_role("link", name=t("app.nav.assessment", "zh")).click()
        expect(page.get_by_role("heading", name=t("app.nav.assessment", "zh"))).to_be_visible()
        expect(page.locator("[data-testid='stPlotlyChart']").first).to_be_visible()

    upload_and_assess(files[0])
    time.sleep(2)
    start = rss_mb(process.pid)
    figures.append(("start", start))
    for path in files[1:]:
        upload_and_assess(path)
        figures.append((path.name, rss_mb(process.pid)))
    time.sleep(3)
    end = rss_mb(process.pid)
    figures.append(("end", end))

    report = "\n".join(f"{name}\t{mb:.0f} MB" for name, mb in figures)
    (artifacts() / "memory.txt").write_text(report + f"\ngrowth\t{end - start:.0f} MB over {UPLOADS} uploads\n", encoding="utf-8")
    print(report)
    assert end - start <= BUDGET_MB, report
