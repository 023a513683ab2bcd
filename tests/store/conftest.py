"""Fixtures for the case-register tests: real SQLite files in a temporary folder."""

from __future__ import annotations

import pytest

from assessor.store import CaseStore


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cases.sqlite3'}"


@pytest.fixture
def store(url):
    with CaseStore(url) as opened:
        yield opened
