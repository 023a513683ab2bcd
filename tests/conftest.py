"""Shared by every test folder: this folder is on the import path, so `browser_support` (the app
server and Chromium for end-to-end tests) is imported the same way from each of them; and a
module's browser tests share one Chromium."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

if str(Path(__file__).parent) not in sys.path:
    sys.path.append(str(Path(__file__).parent))  # appended: the project's own modules come first


@pytest.fixture(scope="module")
def shared_chromium() -> Iterator:
    """Per module, not per session: Playwright's event loop, while it runs, is the main thread's,
    and the signing tests' own asyncio must not meet it."""
    from browser_support import chromium

    with chromium() as browser:
        yield browser


@pytest.fixture
def browser(shared_chromium) -> Iterator:
    """Headless Chromium, shared by the module's tests; the pages and contexts a test opens are
    closed when it ends, so no page of one test talks to a server while another runs."""
    before = set(shared_chromium.contexts)
    yield shared_chromium
    for context in shared_chromium.contexts:
        if context not in before:
            context.close()
