"""The applicant's evidence documents, bound to the dossier as PDF/A-3 associated files.

An application names its documents (Evidence.document, with an optional SHA-256). The user
provides the files (a folder on the command line, uploads in the app); each one named and
provided is embedded with AFRelationship /Supplement, and listed with its SHA-256, size and
page count (for a PDF) as 附件N. A document named but not provided is listed as 未附 in the
internal annex, never dropped in silence. A file whose SHA-256 differs from the one the
application declares is refused, naming the file.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
RESERVED = frozenset({"application.json", "assessment.json"})


@dataclass(frozen=True, slots=True)
class EvidenceFile:
    name: str  # the document's name as the application writes it, and the embedded file's name
    data: bytes
    sha256: str
    size: int
    pages: int | None  # a PDF's page count; None for any other kind of file


class EvidenceProblem(Exception):
    """A provided file cannot be bound: `key` and `values` name the translated message."""

    def __init__(self, key: str, **values):
        self.key, self.values = key, values
        super().__init__(f"{key}: {values}")


def documents_of(assessment) -> tuple[tuple[str, str], ...]:
    """The documents the assessment cites, in order, with the SHA-256 each declares ("" if none)."""
    seen: dict[str, str] = {}
    for f in assessment.findings:
        for e in (*f.evidence, *(e for part in f.parts for e in part.evidence)):
            if e.document not in seen or (not seen[e.document] and e.sha256):
                seen[e.document] = e.sha256 or ""
    return tuple(seen.items())


def safe_name(name: str) -> bool:
    """A document name that can only mean a file directly inside the folder given."""
    return bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name and "\x00" not in name and name not in RESERVED


def read_folder(folder: str | os.PathLike, names: Iterable[str]) -> dict[str, bytes]:
    """The files of `folder` whose names the application gives, read inside it only: a name with
    a path in it, or a link that leads outside the folder, is not looked up (it stays 未附)."""
    root = Path(folder).resolve()
    if not root.is_dir():
        raise EvidenceProblem("dossier.evidence.no_folder", folder=str(folder))
    found: dict[str, bytes] = {}
    total = 0
    for name in names:
        if not safe_name(name):
            continue
        path = (root / name).resolve()
        if path.parent != root:
            continue
        try:
            mode = os.stat(path).st_mode
        except OSError:
            continue
        if not stat.S_ISREG(mode):
            continue
        size = os.stat(path).st_size
        if size > MAX_FILE_BYTES:
            raise EvidenceProblem("dossier.evidence.too_large", file=name, limit=MAX_FILE_BYTES // (1024 * 1024))
        total += size
        if total > MAX_TOTAL_BYTES:
            raise EvidenceProblem("dossier.evidence.too_much", limit=MAX_TOTAL_BYTES // (1024 * 1024))
        found[name] = path.read_bytes()
    return found


def bind(assessment, provided: Mapping[str, bytes] | None) -> tuple[tuple[EvidenceFile, ...], tuple[str, ...]]:
    """The documents to embed, in the order the assessment cites them, and those not provided."""
    provided = dict(provided or {})
    attached, missing = [], []
    for name, declared in documents_of(assessment):
        data = provided.get(name) if safe_name(name) else None
        if data is None:
            missing.append(name)
            continue
        if len(data) > MAX_FILE_BYTES:
            raise EvidenceProblem("dossier.evidence.too_large", file=name, limit=MAX_FILE_BYTES // (1024 * 1024))
        digest = hashlib.sha256(data).hexdigest()
        if declared and declared.lower() != digest:
            raise EvidenceProblem("dossier.evidence.hash_mismatch", file=name, declared=declared.lower(), actual=digest)
        attached.append(EvidenceFile(name, data, digest, len(data), _pages(data)))
    return tuple(attached), tuple(missing)


def _pages(data: bytes) -> int | None:
    if not data.startswith(b"%PDF-"):
        return None
    try:
        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(data), strict=False).pages)
    except Exception:  # noqa: BLE001 - a damaged PDF is still bound, without a page count
        return None
