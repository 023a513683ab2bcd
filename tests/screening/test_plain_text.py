"""Whatever a submitted file says is shown as plain text on the 监管筛查 page: names, file
names, addresses, evidence names and echoed bad values never become links, images or HTML.

Under AppTest every Markdown-bearing element is read for Markdown or HTML that file text could
have started; in a real Chromium every row is opened while a server on 127.0.0.1 records any
request the page makes to it."""

from __future__ import annotations

import copy
import io
import json
import os
import re
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from streamlit.testing.v1 import AppTest

from assessor.i18n import t
from assessor.ui.screening import WORD_JOINER, plain

from browser_support import artifacts, needs_chromium, open_page, settle, streamlit_server

from .conftest import another_insurer, example, with_hashes

TIMEOUT = int(os.environ.get("E2E_TIMEOUT_MS", "90000"))


def hostile(url: str) -> list[tuple[str, bytes]]:
    """Submissions whose every free-text field tries to make the page fetch from `url`."""
    first = with_hashes(example())
    first["applicant"]["name"] = f"![n]({url}/name.png)恶意财产保险:red[红]<img src='{url}/name-html.png'>"
    first["centralized_selling"]["evidence"][0]["document"] = f"[点此]({url}/evidence)<img src=\"{url}/evidence-html.png\">"
    del first["centralized_selling"]["evidence"][0]["sha256"]  # its name is then quoted in a notice
    first["proposed_site"]["management_team"][0]["name"] = f"![m]({url}/manager.png)"
    first["proposed_site"]["address"] = f"<img src={url}/address.png>测试市1号"
    second = another_insurer(first, 77, f"[第二家]({url}/second)保险公司")
    second["proposed_site"]["management_team"][0]["name"] = first["proposed_site"]["management_team"][0]["name"]
    second["proposed_site"]["address"] = first["proposed_site"]["address"]
    broken = copy.deepcopy(first)
    broken["centralized_selling"]["since"] = f"![d]({url}/date.png)"  # echoed back as a bad value
    members = io.BytesIO()
    with zipfile.ZipFile(members, "w") as archive:
        archive.writestr("![z](hostile-member.png).json", json.dumps(second, ensure_ascii=False))
        archive.writestr("<img src=hostile-member-html.png>.json", json.dumps(broken, ensure_ascii=False))
    return [
        ("![f](hostile-file.png)申请.json", json.dumps(first, ensure_ascii=False).encode("utf-8")),
        ("[zip](hostile-zip).zip", members.getvalue()),
    ]


# What Markdown or HTML from a file would look like if it reached a Markdown element unescaped.
# The payloads themselves, so the page's own markup (its red crosses) is not taken for a leak.
LEAKS = ("](", "<img", "http://", ":red[红", "hostile-")

SCRIPT = """
import streamlit as st
st.session_state.setdefault("lang", "zh")
from assessor.ui.screening import render
render()
"""


def markdown_bodies(at: AppTest) -> list[str]:
    bodies = [e.value for kind in ("markdown", "caption", "warning", "error", "info", "success", "subheader", "title") for e in getattr(at, kind)]
    bodies += [b.label for b in at.button] + [m.label for m in at.metric] + [e.label for e in at.expander]
    return bodies


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSESSOR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ASSESSOR_DATABASE_URL", raising=False)


def test_file_text_reaches_no_markdown_element_unescaped(data_dir):
    url = "http://127.0.0.1:9"
    files = hostile(url)
    at = AppTest.from_string(SCRIPT, default_timeout=90).run()
    at.file_uploader[0].set_value([(name, data, "application/octet-stream") for name, data in files])
    at.date_input[0].set_value("2026-06-30")
    at.button[0].click().run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert len(table) == 3
    # The table cells are text, so they hold the names exactly as written.
    assert f"![n]({url}/name.png)恶意财产保险:red[红]<img src='{url}/name-html.png'>" in set(table["申请人"])
    shown = []
    for label in list(table["文件"]):
        at.selectbox(key="screening.drill").set_value(label).run()
        assert not at.exception, at.exception
        bodies = markdown_bodies(at)
        for body in bodies:
            # Backslash-escaped characters show literally, so only what is left could act.
            active = re.sub(r"\\.", "", body)
            assert not any(leak in active for leak in LEAKS), body
        shown.append(" ".join(bodies))
    everything = " ".join(shown)
    # Each hostile text is on the page, escaped, in its drill-down: shown, not dropped.
    for text in (f"![m]({url}/manager.png)", f"[点此]({url}/evidence)", f"![d]({url}/date.png)", "![f](hostile-file.png)申请.json", f"<img src={url}/address.png>测试市1号"):
        assert plain(text) in everything, text


class Recorder(BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self):  # noqa: N802 - the name http.server calls
        type(self).seen.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):  # silence: the list of paths is the record
        pass


@pytest.fixture
def recorder():
    Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", Recorder.seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def app_url(tmp_path):
    with streamlit_server(tmp_path / "server.log", data_dir=tmp_path / "data") as url:
        yield url


@pytest.mark.e2e
@needs_chromium
def test_opening_every_row_in_chromium_fetches_nothing_from_file_text(recorder, app_url, browser, tmp_path):
    from playwright.sync_api import expect

    url, seen = recorder
    files = hostile(url)
    requested: list[str] = []
    page = open_page(browser, timeout_ms=TIMEOUT, accept_downloads=True)
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{app_url}/screening")
    expect(page.get_by_role("heading", name=t("screening.title", "zh"))).to_be_visible()
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(
        [{"name": name, "mimeType": "application/octet-stream", "buffer": data} for name, data in files]
    )
    expect(page.get_by_role("button", name="Remove [zip](hostile-zip).zip")).to_be_visible()  # Streamlit's own label
    as_of = t("screening.page.as_of", "zh")
    for segment, value in (("year", "2026"), ("month", "06"), ("day", "30")):
        page.get_by_role("spinbutton", name=f"{segment}, {as_of}").click()
        page.keyboard.type(value)
    page.keyboard.press("Escape")  # close the calendar the segments opened
    page.get_by_role("button", name=t("screening.page.run", "zh")).click()
    expect(page.locator("[data-testid=stDataFrame]")).to_be_visible()
    drill = page.get_by_role("combobox", name=t("screening.page.drill", "zh"))
    labels = ["![f](hostile-file.png)申请.json", "[zip](hostile-zip).zip!![z](hostile-member.png).json", "[zip](hostile-zip).zip!<img src=hostile-member-html.png>.json"]
    expect(page.get_by_role("button", name=t("screening.page.download_pdf", "zh"))).to_be_visible()  # the page is drawn to its end
    for label in labels:
        _choose(page, drill, label)
        # The file's own name, as written, heads its drill-down.
        expect(page.locator("[data-testid=stMarkdownContainer]").filter(has_text=label).first).to_be_visible()
        if label == labels[0]:  # its flags quote the shared manager and address as typed
            expect(page.get_by_text(as_read(f"![m]({url}/manager.png)")).first).to_be_visible()
            expect(page.get_by_text(as_read(f"<img src={url}/address.png>测试市1号")).first).to_be_visible()
            page.screenshot(path=str(artifacts() / "screening-hostile.png"), full_page=True)
    for leak in (f"a[href*='{url}']", f"img[src*='{url}']", "img[src*='hostile-']", "a[href*='hostile-']"):
        assert page.locator(leak).count() == 0, leak
    # One click downloads the summary PDF of the current table (once the last choice's rerun is
    # over: a click during it would go to the button as it was).
    settle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name=t("screening.page.download_pdf", "zh")).click()
    pdf = tmp_path / "summary.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    page.close()  # as closing the browser did: what was in flight now reaches the recorder or never does
    time.sleep(1)  # a request in flight when the page closed still reaches the recorder
    assert seen == []
    assert [r for r in requested if "hostile-" in r or r.startswith(url)] == []


def as_read(text: str) -> str:
    """The text as the page shows it: the same characters, with the invisible word joiner
    `plain` puts after a colon to stop autolinks."""
    return text.replace(":", ":" + WORD_JOINER)


def _choose(page, box, label: str) -> None:
    """Pick an option; a rerun still drawing the page can close a list just opened, so retry."""
    option = page.get_by_role("option", name=label, exact=True)
    for _ in range(10):
        box.click()
        try:
            option.wait_for(timeout=3_000)
        except Exception:  # noqa: BLE001 - the list closed under us: open it again
            page.keyboard.press("Escape")
            continue
        option.click()
        return
    raise AssertionError(f"option {label!r} never appeared")
