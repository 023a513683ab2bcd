"""Hostile inputs, made on the fly, and a way to run the real command line on them and measure it.

Each maker returns bytes or writes a file; nothing here is committed as a binary. The command
runs in a subprocess so that its peak memory (ru_maxrss of the child) and any traceback it
prints are its own.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
EXAMPLE = EXAMPLES / "01-eligible-two-sites.json"
AS_OF = "2026-06-30"


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    peak_mb: float  # the child's peak resident memory
    seconds: float


def run_cli(*args: str, timeout: float = 60, stdin: bytes | None = None) -> Run:
    """`python -m assessor ARGS` in a fresh process, with its exit code, output and peak memory.

    ru_maxrss of RUSAGE_CHILDREN is the largest of all children waited for so far, so each run
    is measured in its own intermediate process that reports only its one child."""
    probe = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.monotonic()\n"
        "p = subprocess.run([sys.executable, '-m', 'assessor', *sys.argv[1:]], capture_output=True, timeout=%r)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "sys.stdout.write(json.dumps({'code': p.returncode, 'out': p.stdout.decode('utf-8', 'replace'), 'err': p.stderr.decode('utf-8', 'replace'), 'peak': peak, 's': time.monotonic() - t}))\n"
    ) % timeout
    done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, cwd=ROOT, timeout=timeout + 30, input=stdin)
    found = json.loads(done.stdout)
    return Run(found["code"], found["out"], found["err"], found["peak"], found["s"])


def assert_clean(run: Run, code: int | set[int]) -> None:
    """No traceback, no raw exception name, and the documented exit code."""
    codes = {code} if isinstance(code, int) else code
    text = run.stdout + run.stderr
    assert "Traceback" not in text, text[-2000:]
    assert not re.search(r"\b[A-Z][a-zA-Z]+(Error|Exception)\b", text), text[-2000:]
    assert run.code in codes, (run.code, text[-2000:])


def base_peak_mb() -> float:
    """The peak of the command line assessing the smallest valid example: the process base."""
    return run_cli("assess", str(EXAMPLE), "--as-of", AS_OF).peak_mb


def example() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- JSON


def json_with(**fields) -> bytes:
    return json.dumps(example() | fields, ensure_ascii=True, separators=(",", ":")).encode()


def many_bad_items(size: int, item: str = "1") -> bytes:
    """An otherwise valid application whose existing sites are `size` bytes of invalid items."""
    head = json.dumps({k: v for k, v in example().items() if k != "existing_sites"}, separators=(",", ":"))[:-1]
    count = max(1, size // (len(item) + 1))
    return (head + ',"existing_sites":[' + ",".join([item] * count) + "]}").encode()


def nested(depth: int) -> bytes:
    return b'{"applicant":' + b"[" * depth + b"]" * depth + b"}"


# ---------------------------------------------------------------- Excel

SITES_SHEET = "xl/worksheets/sheet5.xml"  # 现有职场 Existing sites, in the order the writer makes them
LEDGER_SHEET = "xl/worksheets/sheet4.xml"  # 保费台账 Premium ledger


def filled_workbook() -> bytes:
    from assessor.intake import load_application
    from assessor.intake.excel import application_to_workbook

    from datetime import date

    return application_to_workbook(load_application(EXAMPLE, today=date(2026, 6, 30)))




def rewrite(workbook: bytes, changes: dict[str, bytes | None]) -> bytes:
    """The workbook with some members replaced (bytes) or left out (None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in changes:
                if changes[info.filename] is not None:
                    dst.writestr(info.filename, changes[info.filename])
            else:
                dst.writestr(info, src.read(info))
    return out.getvalue()


def with_cell(workbook: bytes, ref: str, xml_value: str, cell_type: str | None = None, sheet: str = SITES_SHEET) -> bytes:
    """The workbook with the cell `ref` (e.g. E3) of one sheet holding `<v>xml_value</v>`."""
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        part = sheet
        sheet = archive.read(part).decode()
    kind = f' t="{cell_type}"' if cell_type else ""
    cell = re.compile(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)')
    replacement = f'<c r="{ref}"{kind}><v>{xml_value}</v></c>'
    assert cell.search(sheet), ref
    return rewrite(workbook, {part: cell.sub(lambda _: replacement, sheet, count=1).encode()})


def blank_cells(workbook: bytes, rows: int, columns: int, refs: bool = False) -> bytes:
    """The workbook with `rows` × `columns` styled blank cells appended to the existing-sites
    sheet; without `refs` the cells carry no reference (as the format allows), which compresses
    about 300:1."""
    from openpyxl.utils import get_column_letter

    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        sheet = archive.read(SITES_SHEET).decode()
    letters = [get_column_letter(c) for c in range(1, columns + 1)]
    start = 1000
    if refs:
        body = "".join(f'<row r="{r}">' + "".join(f'<c r="{col}{r}" s="1"/>' for col in letters) + "</row>" for r in range(start, start + rows))
    else:
        body = ('<row><c s="1"/>' + '<c s="1"/>' * (columns - 1) + "</row>") * rows
    sheet = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="A1:{letters[-1]}{start + rows}"', sheet)
    return rewrite(workbook, {SITES_SHEET: sheet.replace("</sheetData>", body + "</sheetData>").encode()})


# ---------------------------------------------------------------- dossiers


def pdf_with(files: dict[str, bytes]) -> bytes:
    """A one-page PDF carrying `files` as embedded files: what verify reads of a dossier, made
    without rendering one (the page check is never reached when the data differs)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    for name, data in files.items():
        writer.add_attachment(name, data)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def stated_assessment() -> dict:
    """The assessment.json a dossier of the example would state, as plain JSON."""
    from datetime import date

    from assessor.core.engine import assess
    from assessor.intake import load_application
    from assessor.core.rulebook import load_rulebook

    application = load_application(EXAMPLE, today=date(2026, 6, 30))
    return json.loads(json.dumps(assess(application, load_rulebook(), date(2026, 6, 30)).to_json(), ensure_ascii=False))


def canonical_application() -> bytes:
    from datetime import date

    from assessor.intake import load_application

    return load_application(EXAMPLE, today=date(2026, 6, 30)).canonical_json_bytes()


def make_fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def make_socket(path: Path):
    """A bound Unix socket at `path`; keep the returned object alive while the test runs."""
    import socket

    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    return server


def peak_bound_mb(base_mb: float, input_bytes: int, ratio: float = 20, slack_mb: float = 16) -> float:
    """The memory a reader may take: the process base, `ratio` times the input, and some slack
    for the allocator's own rounding."""
    return base_mb + ratio * input_bytes / 2**20 + slack_mb


def elapsed(function, *args):
    start = time.monotonic()
    value = function(*args)
    return value, time.monotonic() - start


