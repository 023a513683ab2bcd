"""Where an application comes from and goes to: blank, examples, JSON and Excel files.

Every reader here returns a draft dict or raises ApplicationError with problems the page
shows; nothing here draws.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from ..intake import ApplicationError, Problem, dump_application
from ..core.model import Application
from .draft import application_data, from_application, from_json_bytes, plain

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Example:
    file: str
    description: dict[str, str]
    as_of: date | None
    verdict: str | None


@cache
def examples() -> tuple[Example, ...]:
    """The example applications, described by examples/expected.toml where it has them."""
    expected: dict[str, Any] = {}
    index = EXAMPLES_DIR / "expected.toml"
    if index.is_file():
        expected = tomllib.loads(index.read_text(encoding="utf-8"))
    found = []
    for path in sorted(EXAMPLES_DIR.glob("*.json")):
        entry = expected.get(path.name, {})
        found.append(
            Example(
                path.name,
                {"zh": entry.get("zh", path.stem), "en": entry.get("en", path.stem)},
                entry.get("as_of"),
                entry.get("verdict"),
            )
        )
    return tuple(found)


def example_draft(name: str) -> dict[str, Any]:
    if name not in {e.file for e in examples()}:
        raise ApplicationError([Problem("(file)", "unreadable", {"file": name, "detail": "not an example"})])
    return from_json_bytes((EXAMPLES_DIR / name).read_bytes())


def excel_available() -> bool:
    # Looked up, not imported: openpyxl is loaded only when a workbook is read or written.
    from importlib.util import find_spec

    return find_spec("assessor.intake.excel") is not None


def _too_large(size: int) -> ApplicationError:
    return ApplicationError([Problem("(file)", "too_large", {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)})])


def read_upload(name: str, data: bytes, today: date | None = None) -> dict[str, Any]:
    """A draft from an uploaded JSON file or Excel workbook."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise _too_large(len(data))
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        from ..intake.excel import application_from_workbook

        return from_application(application_from_workbook(data, today=today))
    if suffix == ".json":
        return from_json_bytes(data)
    raise ApplicationError([Problem("(file)", "unsupported_file", {"file": name, "detail": name})])


def json_bytes(draft: dict[str, Any], application: Application | None) -> bytes:
    """The application as JSON: the validated form when valid, else what was typed (so nothing is lost)."""
    if application is not None:
        return dump_application(application).encode("utf-8")
    return (json.dumps(plain(application_data(draft)), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def excel_bytes(application: Application, lang: str) -> bytes:
    from ..intake.excel import application_to_workbook

    return application_to_workbook(application, lang)


def template_bytes(lang: str) -> bytes:
    from ..intake.excel import template_workbook

    return template_workbook(lang)
