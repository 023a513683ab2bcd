"""Attested duties: the insurer says a duty is in place and names the documents that show it.

The same `Attestation` as the core model (attested yes/no/unanswered, a description, evidence
documents with an optional SHA-256), keyed by duty id. An unknown duty id is an error naming it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..core.model import Attestation, Evidence
from .logs import LogError
from .rules import ReadinessRulebook

MAX_ATTESTATION_BYTES = 2 * 1024 * 1024
_ADAPTER = TypeAdapter(dict[str, Attestation])

__all__ = ["Attestation", "Evidence", "parse_attestations", "load_attestations"]


def parse_attestations(data: bytes | str | dict[str, Any], rulebook: ReadinessRulebook, source: str = "attestations") -> dict[str, Attestation]:
    if isinstance(data, bytes):
        if len(data) > MAX_ATTESTATION_BYTES:
            raise LogError("too_large", file=source, limit=MAX_ATTESTATION_BYTES // (1024 * 1024))
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise LogError("attestations_not_utf8", file=source) from None
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise LogError("attestations_not_json", file=source, line=exc.lineno, column=exc.colno) from None
    if not isinstance(data, dict):
        raise LogError("attestations_not_object", file=source)
    attested_ids = {d.id for d in rulebook.attested()}
    unknown = sorted(set(data) - attested_ids)
    if unknown:
        raise LogError("attestations_unknown_duty", file=source, ids=", ".join(unknown), known=", ".join(sorted(attested_ids)))
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise LogError("attestations_invalid", file=source, where=where, detail=err["msg"]) from None


def load_attestations(path: str | Path, rulebook: ReadinessRulebook) -> dict[str, Attestation]:
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise LogError("unreadable", file=file.name, detail=exc.strerror or "") from None
    return parse_attestations(raw, rulebook, file.name)
