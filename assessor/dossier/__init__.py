"""The application dossier (申请材料): a PDF/A-3b with the 请示 letter, the clause-by-clause
review, charts, data tables, the attachments list and the method page, carrying the
application and the assessment as embedded files so `verify_dossier` can recompute it.

    pdf = build_dossier(application, as_of=date(2026, 6, 30))
    verify_dossier(pdf).status  # "ok"
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any, Mapping

from .. import __version__
from ..core.engine import assess, canonical_application_json
from ..core.model import Application
from ..core.rulebook import Rulebook, load_rulebook
from .fonts import DossierFontError, require_cjk_fonts
from .pdfa import APPLICATION_FILE, ASSESSMENT_FILE
from .verify import VerifyResult, verify_dossier
from .view_model import DossierView, build_view

__all__ = [
    "DossierError",
    "DossierFontError",
    "DossierView",
    "VerifyResult",
    "build_dossier",
    "build_view",
    "dossier_html",
    "preview_png",
    "verify_dossier",
]


class DossierError(RuntimeError):
    """The PDF could not be made; `key` and `values` name the translated message."""

    def __init__(self, key: str, **values: Any):
        self.key, self.values = key, values
        super().__init__(f"{key}: {values}")

    def message(self, lang: str = "zh") -> str:
        from ..i18n import t

        return t(self.key, lang, **self.values)


def _prepare(application, rulebook, as_of, readings, lang, addressee, generated_at, readiness, doc_number=None, signer=None):
    from .. import charts as chart_data
    from .render import render_html

    require_cjk_fonts()
    if readiness is not None and hasattr(readiness, "in_lang"):
        readiness = readiness.in_lang(lang)  # the appendix speaks the dossier's language
    rulebook = rulebook or load_rulebook()
    generated_at = generated_at or datetime.now().astimezone()
    # "Today" is the day the dossier was made: a re-render to verify it sees the same projection.
    assessment = assess(application, rulebook, as_of or generated_at.date(), readings, today=generated_at.date())
    charts = chart_data.all_charts(application, assessment, rulebook)
    view = build_view(application, assessment, rulebook, lang, addressee, generated_at, readiness, tuple(c.id for c in charts), doc_number=doc_number, signers=signer)
    svgs = {f"{c.id}.svg": chart_data.svg(c, lang).encode("utf-8") for c in charts}
    html = render_html(view, lang)
    return assessment, view, svgs, html, generated_at


def dossier_html(application: Application, rulebook: Rulebook | None = None, as_of: date | None = None, readings: Mapping[str, str] | None = None,
                 lang: str = "zh", addressee: str | None = None, generated_at: datetime | None = None, readiness: Any = None,
                 doc_number: str | None = None, signer: str | None = None) -> tuple[str, dict[str, bytes]]:
    """The dossier's HTML and its chart SVGs, before WeasyPrint (for benchmarks and debugging)."""
    _, _, svgs, html, _ = _prepare(application, rulebook, as_of, readings, lang, addressee, generated_at, readiness, doc_number, signer)
    return html, svgs


def build_dossier(
    application: Application,
    rulebook: Rulebook | None = None,
    as_of: date | None = None,
    readings: Mapping[str, str] | None = None,
    lang: str = "zh",
    addressee: str | None = None,
    generated_at: datetime | None = None,
    readiness: Any = None,
    doc_number: str | None = None,
    signer: str | None = None,
) -> bytes:
    """The dossier as PDF/A-3b bytes. Raises DossierFontError when no Chinese font is installed
    (rather than print empty boxes) and ReadingError for an unknown reading.

    A 请示 is written only for an eligible (relocation: no-obstacle) result that is not
    projected; otherwise the document is an internal 差距分析报告. `doc_number` (发文字号, e.g.
    「华安财险〔2026〕3号」) and `signer` (签发人) are printed in the 请示's 版头 when given."""
    from .render import html_to_pdf

    assessment, view, svgs, html, generated_at = _prepare(application, rulebook, as_of, readings, lang, addressee, generated_at, readiness, doc_number, signer)
    # How the pages were made, so that `verify` can make them again and compare byte for byte.
    rendition = {"lang": lang, "addressee": addressee, "generated_at": generated_at.isoformat(), "software": __version__, "readiness": readiness is not None,
                 "doc_number": doc_number, "signer": signer}
    stated = dict(assessment.to_json(), rendition=rendition)
    attachments = [
        (APPLICATION_FILE, canonical_application_json(application).encode("utf-8"), "Application (canonical JSON)"),
        (ASSESSMENT_FILE, json.dumps(stated, ensure_ascii=False, indent=1).encode("utf-8"), f"Assessment (assessor {__version__})"),
    ]
    rendered = html_to_pdf(html, svgs, attachments, generated_at, identifier=assessment.fingerprint[:32].encode("ascii"))
    return rendered.pdf


def preview_png(pdf_bytes: bytes, page: int = 1, dpi: int = 80) -> bytes:
    """One page of a PDF as PNG (poppler's pdftoppm), for the app's preview."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise DossierError("dossier.errors.render_failed", detail="pdftoppm (poppler-utils) is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf_bytes)
        done = subprocess.run(
            [exe, "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(source), str(Path(tmp) / "page")],
            capture_output=True,
            timeout=60,
            check=False,
        )
        out = Path(tmp) / "page.png"
        if done.returncode != 0 or not out.is_file():
            raise DossierError("dossier.errors.render_failed", detail=done.stderr.decode("utf-8", "replace").strip() or f"pdftoppm exit {done.returncode}")
        return out.read_bytes()
