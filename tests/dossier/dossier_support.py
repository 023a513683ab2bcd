"""Helpers of the dossier tests: examples, PDF read-back with real tools, tampering with the
embedded files (pypdf), and a canary HTTP server on 127.0.0.1 that records any request."""

from __future__ import annotations

import http.server
import io
import json
import shutil
import subprocess
import threading
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from assessor.intake import load_application, parse_application

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
GENERATED_AT = datetime(2026, 7, 1, 9, 30, tzinfo=timezone(timedelta(hours=8)))
EXPECTED = tomllib.loads((EXAMPLES / "expected.toml").read_text(encoding="utf-8"))


def example(name: str):
    as_of = EXPECTED[name]["as_of"]
    return load_application(EXAMPLES / name, today=as_of), as_of


def pdftotext(pdf: bytes) -> str:
    done = subprocess.run([shutil.which("pdftotext") or "pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, timeout=60, check=True)
    return done.stdout.decode("utf-8")


def squash(text: str) -> str:
    """Text without whitespace, so a phrase broken across lines or columns still matches."""
    return "".join(text.split())


def base_fonts(pdf: bytes) -> set[str]:
    """The /BaseFont of every font the pages use (subset prefix removed)."""
    reader = PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            name = str(ref.get_object().get("/BaseFont", ""))
            names.add(name.lstrip("/").split("+", 1)[-1])
    return names


def embedded(pdf: bytes) -> dict[str, bytes]:
    reader = PdfReader(io.BytesIO(pdf))
    return {name: data[0] for name, data in reader.attachments.items()}


def replace_embedded(pdf: bytes, name: str, new: bytes) -> bytes:
    """The same PDF with one embedded file's bytes replaced (all others kept as they were)."""
    reader = PdfReader(io.BytesIO(pdf))
    files = {n: d[0] for n, d in reader.attachments.items()}
    files[name] = new
    writer = PdfWriter(clone_from=reader)
    root = writer._root_object
    if "/Names" in root and "/EmbeddedFiles" in root["/Names"]:
        del root["/Names"]["/EmbeddedFiles"]
    if "/AF" in root:
        del root["/AF"]
    for file_name, data in files.items():
        writer.add_attachment(file_name, data)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def edit_json(pdf: bytes, name: str, change) -> bytes:
    data = json.loads(embedded(pdf)[name])
    change(data)
    return replace_embedded(pdf, name, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def plain_pdf() -> bytes:
    """A valid PDF that is not a dossier: one blank page, nothing embedded."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class CanaryServer:
    """An HTTP server on 127.0.0.1 (ephemeral port) that records every request it gets."""

    def __init__(self) -> None:
        requests: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.end_headers()
                self.wfile.write(b"body { color: red }")

            def log_message(self, *args):
                pass

        self.requests = requests
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.timeout = 1
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    def __enter__(self) -> CanaryServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def hostile_application(url: str):
    """Example 01 with markup an attacker might type in every free-text field."""
    img = '<img src="file:///etc/passwd">'
    link = f'<link rel="stylesheet" href="{url}/x">'
    data = json.loads((EXAMPLES / "01-eligible-two-sites.json").read_text(encoding="utf-8"))
    data["applicant"]["name"] = img
    data["proposed_site"]["address"] = link
    data["existing_sites"][0]["name"] = f'<style>@import "{url}/style";</style>'
    data["complaints"]["incidents"][0]["summary"] = f'<object data="{url}/object"></object>'
    data["proposed_site"]["management_team"][0]["name"] = f'"><svg><image href="{url}/svg"/></svg>'
    as_of = EXPECTED["01-eligible-two-sites.json"]["as_of"]
    strings = {"img": img, "link": link}
    return parse_application(data, today=as_of), as_of, strings


def ink_ratio(png: bytes) -> float:
    """Share of pixels that are not near-white."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    histogram = image.histogram()
    return sum(histogram[:200]) / max(sum(histogram), 1)
