"""Fixtures for the intake tests; makes `intake_support` importable (pytest runs with --import-mode=importlib)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from intake_support import EXAMPLES, expected_dates  # noqa: E402

from assessor.intake import load_application  # noqa: E402


@pytest.fixture(scope="session")
def eligible():
    """The eligible two-site example and the day it is read on."""
    today = expected_dates()["01-eligible-two-sites.json"]
    return load_application(EXAMPLES / "01-eligible-two-sites.json", today=today), today
