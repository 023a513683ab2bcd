"""Evidence documents: an upload is recorded by name and SHA-256; its bytes are kept only on request.

Kept documents go to `<data dir>/documents/<sha256>`, named by their content, so a draft
version stores only the name and the hash and the same file is never stored twice.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Recorded:
    document: str
    sha256: str
    kept: bool


def documents_dir() -> Path:
    return Path(os.environ.get("ASSESSOR_DATA_DIR", "").strip() or "data") / "documents"


def record(name: str, content: bytes, keep: bool) -> Recorded:
    digest = hashlib.sha256(content).hexdigest()
    if keep:
        folder = documents_dir()
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / digest
        if not target.exists():
            partial = target.with_suffix(".part")
            partial.write_bytes(content)
            partial.replace(target)  # atomic: a reader never sees half a document
    # A browser may send a path; only the file's own name is evidence.
    return Recorded(Path(name.replace("\\", "/")).name[:200] or digest[:12], digest, keep)


def is_kept(sha256: str) -> bool:
    return len(sha256) == 64 and all(c in "0123456789abcdef" for c in sha256) and (documents_dir() / sha256).is_file()
