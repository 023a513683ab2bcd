"""HTML from the view model (Jinja2, autoescaped), PDF from the HTML (WeasyPrint).

The renderer reads nothing but the project's templates, the charts made for this document
and the installed fonts: `AssetFetcher` refuses http, https, ftp and any file elsewhere, so
text an applicant typed can never make the PDF fetch a URL or embed a local file.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
from markupsafe import Markup

from ..i18n import t

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
CHART_PREFIX = "charts/"  # virtual files under templates/, served from memory

LOGGER = logging.getLogger(__name__)


class AssetRefused(ValueError):
    """A URL outside the project's own assets was asked for."""


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    # autoescape=True (not select_autoescape): every template escapes, whatever its name.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["css_string"] = css_string
    return env


def css_string(text: str) -> Markup:
    """A quoted CSS string with every character outside [A-Za-z0-9] hex-escaped, so text an
    applicant typed can sit in a <style> block without closing the string or the element."""
    body = "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):x} " for c in str(text))
    return Markup(f'"{body}"')


def page_of(lang: str) -> tuple[str, str, str]:
    """「第 {page} 页 共 {pages} 页」 split around its two numbers, for the CSS page counters."""
    text = t("dossier.page_of", lang)
    before, _, rest = text.partition("{page}")
    middle, _, after = rest.partition("{pages}")
    return before, middle, after


def render_html(view, lang: str) -> str:
    """The dossier as one HTML document; `tr(key, **values)` gives fixed labels in `lang`."""

    def tr(key: str, **values) -> str:
        return t(key, lang, **values)

    template = environment().get_template("dossier.html")
    has_readiness = (TEMPLATES_DIR / "readiness_appendix.html").is_file()
    return template.render(view=view, readiness=view.readiness, tr=tr, page_of=page_of(lang), has_readiness_template=has_readiness)


def _allowed_roots() -> tuple[Path, ...]:
    from .fonts import cjk_fonts

    roots = {TEMPLATES_DIR}
    roots.update(Path(f.path).resolve().parent for f in cjk_fonts())
    return tuple(roots)


def _make_fetcher(virtual: dict[str, bytes], refused: list[str]):
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AssetFetcher(URLFetcher):
        """Serves the templates, this document's charts and the font files; nothing else."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols=("file",), allow_redirects=False)

        def fetch(self, url: str, headers=None):
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                refused.append(url)
                raise AssetRefused(f"refused {parts.scheme or '?'} URL")
            path = Path(unquote(parts.path)).resolve()
            try:
                relative = path.relative_to(TEMPLATES_DIR).as_posix()
            except ValueError:
                relative = None
            if relative is not None and relative.startswith(CHART_PREFIX):
                body = virtual.get(relative)
                if body is None:
                    refused.append(url)
                    raise AssetRefused("no such chart")
                return URLFetcherResponse(url, body, {"Content-Type": "image/svg+xml"})
            if not any(path.is_relative_to(root) for root in _allowed_roots()) or not path.is_file():
                refused.append(url)
                raise AssetRefused("not a project asset")
            mime = "text/css" if path.suffix == ".css" else "image/svg+xml" if path.suffix == ".svg" else "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    return AssetFetcher()


_WEASY_LOCK = threading.Lock()


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    refused: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _unique_associated_files(document, pdf) -> None:
    # WeasyPrint 70 lists each embedded file twice in the catalog's /AF (once from the name
    # tree, once from the file specifications); ISO 19005-3 wants each associated file once.
    import pydyf

    if "AF" in pdf.catalog:
        pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(pdf.catalog["AF"]))


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def html_to_pdf(
    html: str,
    charts: dict[str, bytes],
    attachments: list[tuple[str, bytes, str]],
    generated_at: datetime,
    pdf_variant: str | None = "pdf/a-3b",
    identifier: bytes | None = None,
) -> Rendered:
    """Lay out and write the PDF; `attachments` are (name, bytes, description[, relationship])
    to embed as associated files (relationship /Source unless given)."""
    from weasyprint import HTML, Attachment

    refused: list[str] = []
    fetcher = _make_fetcher({f"{CHART_PREFIX}{name}": body for name, body in charts.items()}, refused)
    stamp = generated_at.replace(tzinfo=None) if generated_at.tzinfo is None else generated_at.astimezone().replace(tzinfo=None)
    files = [
        Attachment(string=body, name=name, description=description, created=stamp, modified=stamp, relationship=(rest or ("Source",))[0], url_fetcher=fetcher)
        for name, body, description, *rest in attachments
    ]
    collector = _Collect()
    weasy_logger = logging.getLogger("weasyprint")
    weasy_logger.addHandler(collector)
    try:
        with _WEASY_LOCK:  # WeasyPrint keeps per-process caches; one document at a time
            document = HTML(string=html, base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=fetcher).render()
            pdf = document.write_pdf(attachments=files, pdf_variant=pdf_variant, pdf_identifier=identifier or True, finisher=_unique_associated_files)
    finally:
        weasy_logger.removeHandler(collector)
    return Rendered(pdf, len(document.pages), refused, collector.messages)
