"""Shared by every test folder: this folder is on the import path, so `browser_support` (the app
server and Chromium for end-to-end tests) is imported the same way from each of them; and each
test worker launches Chromium once, for every browser test it runs."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

if str(Path(__file__).parent) not in sys.path:
    sys.path.append(str(Path(__file__).parent))  # appended: the project's own modules come first


@pytest.fixture(scope="session")
def shared_chromium() -> Iterator:
    from browser_support import chromium

    with chromium() as browser:
        yield browser


@pytest.fixture
def browser(shared_chromium) -> Iterator:
    """Headless Chromium, shared by the worker's tests; the pages and contexts a test opens are
    closed when it ends, so no page of one test talks to a server while another runs."""
    before = set(shared_chromium.contexts)
    yield shared_chromium
    for context in shared_chromium.contexts:
        if context not in before:
            context.close()
