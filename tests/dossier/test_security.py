"""Hostile text in any field prints literally; the renderer fetches no URL and reads no file
outside the project's assets."""

from __future__ import annotations

import time

import pytest
from dossier_support import CanaryServer, pdftotext, squash

from assessor.dossier.render import AssetRefused, TEMPLATES_DIR, _make_fetcher, css_string, environment


def test_hostile_applicant_and_address_print_as_literal_text(hostile_dossier, canary_server):
    pdf, warnings, strings = hostile_dossier
    text = squash(pdftotext(pdf))
    assert squash(strings["img"]) in text
    assert squash(strings["link"]) in text
    assert squash(f'@import "{canary_server.url}/style"') in text
    time.sleep(0.2)  # let any stray request reach the server before looking
    assert canary_server.requests == []
    assert not any("passwd" in w or "127.0.0.1" in w for w in warnings)


def test_hostile_dossier_still_verifies(hostile_dossier):
    from assessor.dossier import verify_dossier

    assert verify_dossier(hostile_dossier[0]).status == "ok"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///etc/hostname",
        "ftp://127.0.0.1/x",
        "data:text/css,body{}",
        (TEMPLATES_DIR / ".." / "pyproject.toml").resolve().as_uri(),
        (TEMPLATES_DIR / "charts" / "nope.svg").as_uri(),
    ],
)
def test_fetcher_refuses_anything_but_project_assets(url):
    refused: list[str] = []
    fetcher = _make_fetcher({}, refused)
    with pytest.raises(AssetRefused):
        fetcher.fetch(url)
    assert refused == [url]


def test_fetcher_refuses_http_and_no_request_is_sent():
    with CanaryServer() as server:
        refused: list[str] = []
        fetcher = _make_fetcher({}, refused)
        for url in (f"{server.url}/x", f"{server.url.replace('http', 'https')}/y"):
            with pytest.raises(AssetRefused):
                fetcher.fetch(url)
        time.sleep(0.2)
        assert server.requests == []
    assert len(refused) == 2


def test_fetcher_serves_the_stylesheet_and_this_documents_charts():
    fetcher = _make_fetcher({"charts/premium.svg": b"<svg/>"}, [])
    assert b"@page" in fetcher.fetch((TEMPLATES_DIR / "dossier.css").as_uri()).read()
    assert fetcher.fetch((TEMPLATES_DIR / "charts" / "premium.svg").as_uri()).read() == b"<svg/>"


def test_templates_autoescape_and_css_strings_cannot_break_out():
    env = environment()
    assert env.autoescape is True
    rendered = env.from_string("{{ x }}").render(x="<script>")
    assert rendered == "&lt;script&gt;"
    hostile = '"; } </style><script>alert(1)</script>'
    quoted = str(css_string(hostile))
    assert quoted.startswith('"') and quoted.endswith('"')
    assert not any(c in quoted[1:-1] for c in '"<>;{}')
