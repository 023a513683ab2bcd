"""Fixtures of the dossier tests. Rendering is the slow part, so each dossier the tests read
is made once per session; every test reads the real PDF back with pypdf or poppler."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from dossier_support import GENERATED_AT, example, hostile_application  # noqa: E402

from assessor.dossier import build_dossier  # noqa: E402


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.name}: {record.getMessage()}")


def _build(app, as_of, **kwargs) -> tuple[bytes, list[str]]:
    handler = _Warnings()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        pdf = build_dossier(app, as_of=as_of, generated_at=GENERATED_AT, **kwargs)
    finally:
        logger.removeHandler(handler)
    return pdf, handler.records


@pytest.fixture(scope="session")
def zh_dossier() -> tuple[bytes, list[str]]:
    app, as_of = example("01-eligible-two-sites.json")
    return _build(app, as_of)


@pytest.fixture(scope="session")
def en_dossier() -> tuple[bytes, list[str]]:
    app, as_of = example("01-eligible-two-sites.json")
    return _build(app, as_of, lang="en")


@pytest.fixture(scope="session")
def relocation_dossier() -> bytes:
    app, as_of = example("10-relocation-xian.json")
    return _build(app, as_of)[0]


@pytest.fixture(scope="session")
def canary_server():
    from dossier_support import CanaryServer

    with CanaryServer() as server:
        yield server


@pytest.fixture(scope="session")
def hostile_dossier(canary_server) -> tuple[bytes, list[str], dict]:
    app, as_of, strings = hostile_application(canary_server.url)
    pdf, warnings = _build(app, as_of)
    return pdf, warnings, strings


@pytest.fixture(scope="session")
def zh_text(zh_dossier) -> str:
    """The zh dossier's text as pdftotext reads it, whitespace removed."""
    from dossier_support import pdftotext, squash

    return squash(pdftotext(zh_dossier[0]))


@pytest.fixture(scope="session")
def gap_dossier() -> bytes:
    """A not-eligible example: an internal gap report."""
    app, as_of = example("03-tenure-short.json")
    return _build(app, as_of)[0]


@pytest.fixture(scope="session")
def projected_dossier() -> bytes:
    """Example 17 assessed on 2027-01-31, after the day it was made: a projection."""
    from datetime import date

    app, _ = example("17-projected-date.json")
    return _build(app, date(2027, 1, 31))[0]


@pytest.fixture(scope="session")
def filing_zh() -> bytes:
    """The filing copy of example 01: the 请示 and its 附件, without the internal method annex."""
    app, as_of = example("01-eligible-two-sites.json")
    return _build(app, as_of, internal_annex=False)[0]


@pytest.fixture(scope="session")
def gap_en() -> bytes:
    app, as_of = example("03-tenure-short.json")
    return _build(app, as_of, lang="en")[0]
