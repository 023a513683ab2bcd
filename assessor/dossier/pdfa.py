"""The files a dossier carries (tagged PDF/A-3a, ISO 19005-3): the canonical application JSON and
the assessment JSON, embedded with AFRelationship /Source so a reader can recompute."""

from __future__ import annotations

import io
from dataclasses import dataclass

APPLICATION_FILE = "application.json"
ASSESSMENT_FILE = "assessment.json"


class NotAPdf(ValueError):
    """The bytes are not a PDF pypdf can read."""


@dataclass(frozen=True, slots=True)
class Embedded:
    files: dict[str, bytes]
    pdfa_part: str | None  # "3" for PDF/A-3, from the XMP metadata
    pdfa_conformance: str | None
    text: str | None = None


def read_embedded(pdf_bytes: bytes) -> Embedded:
    """The embedded files of a PDF and its PDF/A identification."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not pdf_bytes.startswith(b"%PDF-"):
        raise NotAPdf("no %PDF- header")
    try:
        reader = PdfReader(io.BytesIO(pdf_bytes), strict=False)
        files = {name: contents[0] for name, contents in reader.attachments.items() if contents}
        part = conformance = None
        metadata = reader.xmp_metadata
        if metadata is not None:
            raw = metadata.stream.get_data().decode("utf-8", "replace")
            part = _xmp_value(raw, "pdfaid:part")
            conformance = _xmp_value(raw, "pdfaid:conformance")
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise NotAPdf(str(exc)) from None
    return Embedded(files, part, conformance)


def _xmp_value(xml: str, name: str) -> str | None:
    import re

    match = re.search(rf'{name}="([^"]*)"', xml) or re.search(rf"<{name}>([^<]*)</{name}>", xml)
    return match.group(1) if match else None


def page_count(pdf_bytes: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf_bytes)).pages)
