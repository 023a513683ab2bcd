"""Attested duties: the insurer says a duty is in place and names the documents that show it.

The same `Attestation` as the core model (attested yes/no/unanswered, a description, evidence
documents with an optional SHA-256), keyed by duty id. An unknown duty id is an error naming it.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..core.model import Attestation, Evidence
from .logs import LogError, check_regular_file
from .rules import ReadinessRulebook

MAX_ATTESTATION_BYTES = 2 * 1024 * 1024
# An attestation is four levels deep ({duty: {evidence: [{document}]}}) and holds no number a
# person would type longer than a few digits. Beyond these the parser would recurse until Python
# gives up, or spend quadratic time converting digits: refused first, with the place named.
MAX_JSON_DEPTH = 32
MAX_NUMBER_DIGITS = 100
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]|[-+0-9.eE]+')
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
        _check_json_shape(data, source)
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise LogError("attestations_not_json", file=source, line=exc.lineno, column=exc.colno) from None
        except (RecursionError, ValueError):  # the shape check stops these first; never a traceback
            raise LogError("attestations_not_json", file=source, line="?", column="?") from None
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


def _check_json_shape(text: str, source: str) -> None:
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token[0] == '"':
            continue
        if token in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise LogError("attestations_too_deep", file=source, limit=MAX_JSON_DEPTH, **_place(text, match.start()))
        elif token in "]}":
            depth -= 1
        else:
            digits = sum(ch.isdigit() for ch in token)
            if digits > MAX_NUMBER_DIGITS:
                raise LogError("attestations_number_too_long", file=source, digits=f"{digits:,}", limit=MAX_NUMBER_DIGITS, **_place(text, match.start()))


def _place(text: str, offset: int) -> dict[str, int]:
    return {"line": text.count("\n", 0, offset) + 1, "column": offset - text.rfind("\n", 0, offset)}


def load_attestations(path: str | Path, rulebook: ReadinessRulebook) -> dict[str, Attestation]:
    file = Path(path)
    check_regular_file(file, file.name)
    try:
        # Non-blocking, and checked again on the open file: a FIFO swapped in after the check
        # must not hang the command.
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise LogError("not_regular_device", file=file.name)
            raw = handle.read(MAX_ATTESTATION_BYTES + 1)
    except OSError as exc:
        raise LogError("unreadable", file=file.name, detail=exc.strerror or "") from None
    return parse_attestations(raw, rulebook, file.name)
