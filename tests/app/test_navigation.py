"""The workshop, screening and readiness pages, mounted in the real app.py: each opens in both
languages, and the address and icon app.py gives each lazily imported page are the module's own."""

from __future__ import annotations

import ast
import importlib

import pytest

from assessor.i18n import t

from .conftest import APP

LAZY = ("scenarios", "screening", "readiness")


def lazy_entries() -> dict[str, dict[str, str]]:
    """The lazy_page(...) calls in app.py, read from its source."""
    entries = {}
    for node in ast.walk(ast.parse(APP.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "lazy_page":
            module = node.args[0].value
            entries[module] = {kw.arg: kw.value.value for kw in node.keywords}
    return entries


def test_lazy_pages_match_their_modules():
    entries = lazy_entries()
    assert {m.rsplit(".", 1)[1] for m in entries} == set(LAZY)
    for module_name, declared in entries.items():
        module = importlib.import_module(module_name)
        assert declared == {"url": module.URL, "icon": module.ICON}, module_name
        assert module.TITLE == module.URL


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_workshop_screening_and_readiness_pages_open(app, ui, lang):
    if lang != "zh":
        app.radio(key="lang").set_value(lang).run()
    for page in LAZY:
        ui.goto(app, page)
        assert not app.exception, (page, app.exception)
        assert not ui.unexpected_errors(app), page
        assert app.title[0].value == t(f"app.nav.{page}", lang), page  # the page itself drew, in the chosen language
