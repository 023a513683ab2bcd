"""The application dossier (申请材料): a tagged PDF/A-3 with the 请示 (GB/T 9704-2012) and its
附件 (the clause-by-clause review, the data and charts, the evidence list), or an internal
差距分析报告 when there is nothing to ask for; an internal method annex the filing copy leaves
out; the application and the assessment embedded so `verify_dossier` can recompute it.

    pdf = build_dossier(application, as_of=date(2026, 6, 30))
    verify_dossier(pdf).status  # "ok"
"""

from __future__ import annotations

import hashlib
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
from .evidence import EvidenceProblem
from .evidence import bind as bind_evidence
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


PDF_VARIANT = "pdf/a-3a"  # tagged PDF/A-3: structure for screen readers, files embedded beside


def rendition_digest(rendition: Mapping[str, Any], fingerprint: str) -> str:
    """SHA-256 over how the pages were made and what they were made from: `verify` recomputes
    it, so no field that decides how a file is checked can change unnoticed."""
    body = json.dumps({"rendition": dict(rendition), "fingerprint": fingerprint}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _check_dates(application: Application, assessment, day: date) -> None:
    """A 请示 states facts as of a date not after itself and proposes an opening after it."""
    from .view_model import is_request

    # A planned opening that is not after the letter makes the document a gap report that says
    # so (view_model.opening_passed); an assessment date after a letter that is otherwise due is
    # a contradiction in what the user chose, refused here.
    if is_request(assessment) and assessment.as_of > day:
        raise DossierError("dossier.errors.as_of_after_letter", as_of=assessment.as_of.isoformat(), day=day.isoformat())


def _prepare(application, rulebook, as_of, readings, lang, addressee, generated_at, readiness, doc_number=None, signer=None, letter_day=None, internal_annex=True,
             evidence=None, cc=None):
    from .. import charts as chart_data
    from .glyphs import UndrawableText, check_application
    from .render import render_html
    from .view_model import beijing_day

    require_cjk_fonts()
    try:
        check_application(application, {"addressee": addressee, "doc_number": doc_number, "signer": signer, "cc": cc})
    except UndrawableText as exc:
        raise DossierError(f"dossier.errors.undrawable_{exc.why}", **exc.values()) from None
    if readiness is not None and hasattr(readiness, "in_lang"):
        readiness = readiness.in_lang(lang)  # the appendix speaks the dossier's language
    rulebook = rulebook or load_rulebook()
    generated_at = generated_at or datetime.now().astimezone()
    today = beijing_day(generated_at)
    day = letter_day or today
    # "Today" is the day the dossier was made: a re-render to verify it sees the same projection.
    assessment = assess(application, rulebook, as_of or today, readings, today=today)
    _check_dates(application, assessment, day)
    try:
        attached, missing = bind_evidence(assessment, evidence)
    except EvidenceProblem as exc:
        raise DossierError(exc.key, **exc.values) from None
    charts = chart_data.all_charts(application, assessment, rulebook)
    view = build_view(
        application, assessment, rulebook, lang, addressee, generated_at, readiness, tuple(c.id for c in charts),
        doc_number=doc_number, signers=signer, letter_day=day, internal_annex=internal_annex, evidence_files=attached, missing_files=missing, cc=cc,
    )
    svgs = {f"{c.id}.svg": chart_data.svg(c, lang).encode("utf-8") for c in charts}
    html = render_html(view, lang)
    return assessment, view, svgs, html, generated_at, attached


def dossier_html(application: Application, rulebook: Rulebook | None = None, as_of: date | None = None, readings: Mapping[str, str] | None = None,
                 lang: str = "zh", addressee: str | None = None, generated_at: datetime | None = None, readiness: Any = None,
                 doc_number: str | None = None, signer: str | None = None, letter_day: date | None = None, internal_annex: bool = True,
                 evidence: Mapping[str, bytes] | None = None, cc: str | None = None) -> tuple[str, dict[str, bytes]]:
    """The dossier's HTML and its chart SVGs, before WeasyPrint (for benchmarks and debugging)."""
    _, _, svgs, html, _, _ = _prepare(application, rulebook, as_of, readings, lang, addressee, generated_at, readiness, doc_number, signer, letter_day, internal_annex, evidence, cc)
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
    letter_day: date | None = None,
    internal_annex: bool = True,
    evidence: Mapping[str, bytes] | None = None,
    cc: str | None = None,
) -> bytes:
    """The dossier as tagged PDF/A-3 bytes.

    A 请示 (GB/T 9704-2012) is written only for an eligible (relocation: no-obstacle) result
    that is not projected; otherwise the document is an internal 差距分析报告. `doc_number`
    (发文字号, e.g. 「华安财险〔2026〕3号」) and `signer` (签发人) go in the 版头, left blank for a
    hand-written entry when not given; `addressee` (主送机关) defaults to the rulebook's current
    regulator; `letter_day` (成文日期) defaults to today in Beijing and must not precede the
    assessment date nor reach the planned opening. `internal_annex=False` leaves the method
    page out: the filing copy.

    Raises DossierFontError when no Chinese font is installed, DossierError for text the
    fonts cannot draw (naming the field and character) or for dates that do not hold, and
    ReadingError for an unknown reading."""
    from ..i18n import t
    from .render import html_to_pdf

    assessment, view, svgs, html, generated_at, attached = _prepare(
        application, rulebook, as_of, readings, lang, addressee, generated_at, readiness, doc_number, signer, letter_day, internal_annex, evidence, cc
    )
    # How the pages were made, so that `verify` can make them again and compare byte for byte;
    # the digest binds it to the assessment, and the PDF's /ID carries it too.
    rendition = {
        "lang": lang, "addressee": addressee, "generated_at": generated_at.isoformat(), "software": __version__, "readiness": readiness is not None,
        "doc_number": doc_number, "signer": signer, "letter_day": letter_day.isoformat() if letter_day else None, "internal_annex": internal_annex,
        "pdf_variant": PDF_VARIANT,
    }
    # The applicant's files are embedded under plain ASCII names (WeasyPrint writes a file
    # specification's /F as raw UTF-8, which readers show garbled), the document's own name in
    # the description; the rendition records which is which, so verify can bind them again.
    first = len(view.attachment_titles) + 1
    stored = [(f"attachment-{first + i}{_suffix(f.name)}", f) for i, f in enumerate(attached)]
    if cc:
        rendition["cc"] = cc
    if stored:
        rendition["evidence"] = [[name, f.name] for name, f in stored]
    digest = rendition_digest(rendition, assessment.fingerprint)
    stated = dict(assessment.to_json(), rendition=rendition, rendition_digest=digest)
    attachments = [
        (APPLICATION_FILE, canonical_application_json(application).encode("utf-8"), "Application (canonical JSON)", "Source"),
        (ASSESSMENT_FILE, json.dumps(stated, ensure_ascii=False, indent=1).encode("utf-8"), f"Assessment (assessor {__version__})", "Source"),
    ]
    attachments += [(name, f.data, f"{t('dossier.attach.label', lang, n=first + i)} {f.name}", "Supplement") for i, (name, f) in enumerate(stored)]
    rendered = html_to_pdf(html, svgs, attachments, generated_at, pdf_variant=PDF_VARIANT, identifier=digest[:32].encode("ascii"))
    _LAST_PAGES[0] = rendered.pages
    return rendered.pdf


# The page count of the last dossier this process made, which the CLI prints: reading it back
# from the PDF would import pypdf (some 0.2–0.4 s of the command's time) for one number.
_LAST_PAGES = [0]


def last_page_count() -> int:
    return _LAST_PAGES[0]


def _suffix(name: str) -> str:
    ext = name.rpartition(".")[2]
    return f".{ext.lower()}" if "." in name and 1 <= len(ext) <= 5 and ext.isascii() and ext.isalnum() else ""


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


def write_pdf(path: str | Path, pdf: bytes, lang: str) -> bool:
    """Write a dossier (or its signed copy) to `path`; False, with the reason on stderr, if it
    cannot be written."""
    import sys

    from ..i18n import os_error_text, t

    try:
        Path(path).write_bytes(pdf)
    except OSError as exc:
        print(t("dossier.errors.write_failed", lang, file=str(path), detail=os_error_text(exc, lang)), file=sys.stderr)
        return False
    return True
