"""`verify` on a file it cannot read says "not a dossier" (exit 2) or "cannot check" (exit 3),
never "altered" (exit 1) after a crash; what a file states is printed safely, whatever it holds."""

from __future__ import annotations

import functools
import json

import pytest
from hostile_support import assert_clean, canonical_application, make_fifo, many_bad_items, nested, pdf_with, peak_bound_mb, run_cli, stated_assessment
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessor.dossier import verify_dossier
from assessor.i18n import t


@functools.cache
def _stated() -> dict:
    return stated_assessment()


@functools.cache
def _application() -> bytes:
    return canonical_application()


def _dossier(tmp_path, application: bytes | None = None, stated: dict | bytes | None = None):
    stated = _stated() if stated is None else stated
    file = tmp_path / "dossier.pdf"
    data = stated if isinstance(stated, bytes) else json.dumps(stated, ensure_ascii=True).encode()
    file.write_bytes(pdf_with({"application.json": _application() if application is None else application, "assessment.json": data}))
    return file


def _cannot_check(reason: str, lang: str = "en") -> str:
    return t("input.verify.cannot_check", lang, reason=t(f"input.verify.{reason}", lang))


@pytest.mark.parametrize("which", ["application", "assessment"])
def test_embedded_json_nested_100000_deep_cannot_be_checked(tmp_path, which):
    deep = nested(100_000)
    file = _dossier(tmp_path, application=deep) if which == "application" else _dossier(tmp_path, stated=deep)
    run = run_cli("verify", str(file), "--lang", "en")
    assert_clean(run, 3)
    assert _cannot_check("too_deep") in run.stderr


@pytest.mark.parametrize("readings", [{"original_seats": ["strict"]}, ["original_seats"], {"original_seats": {"a": 1}}])
def test_readings_that_are_not_text_cannot_be_checked(tmp_path, readings):
    file = _dossier(tmp_path, stated=_stated() | {"readings": readings})
    run = run_cli("verify", str(file), "--lang", "zh")
    assert_clean(run, 3)
    assert _cannot_check("readings", "zh") in run.stderr


def test_the_unaltered_data_of_a_rebuilt_file_verifies(tmp_path):
    # The control for the cases above: the same construction, unchanged, is not refused.
    result = verify_dossier(_dossier(tmp_path).read_bytes(), rerender=False)
    assert result.status == "ok", result.differences


def test_a_lone_surrogate_stated_in_the_file_is_printed_as_an_escape(tmp_path):
    file = _dossier(tmp_path, stated=_stated() | {"verdict": "\udfff", "fingerprint": "\ud800"})
    run = run_cli("verify", str(file), "--lang", "en")
    assert_clean(run, 1)  # a verdict the tool never writes: altered
    assert "\\udfff" in run.stderr and "\\ud800" in run.stderr


def test_an_embedded_application_of_a_million_bad_items_is_altered_within_bounds(tmp_path):
    base = run_cli("verify", str(_dossier(tmp_path)), "--lang", "en")
    # a hand-made file records no rendition, so it is consistent on its data only: exit 5
    assert_clean(base, 5)
    application = many_bad_items(2**20)
    run = run_cli("verify", str(_dossier(tmp_path, application=application)), "--lang", "en")
    assert_clean(run, 1)
    assert t("errors.input.more_problems", "en", n=2**19 - 50) in run.stderr
    assert run.peak_mb <= peak_bound_mb(base.peak_mb, len(application)), (run.peak_mb, base.peak_mb)


@pytest.mark.parametrize("content", [b"", b"%PDF-1.7\n" + b"[" * 50_000, b"%PDF-" + bytes(range(256)) * 40, b"PK\x03\x04 not a pdf"])
def test_a_file_that_is_no_pdf_or_a_broken_one_is_not_a_dossier(tmp_path, content):
    file = tmp_path / "broken.pdf"
    file.write_bytes(content)
    run = run_cli("verify", str(file), "--lang", "en")
    assert_clean(run, 2)


def test_a_pipe_is_not_read_by_verify(tmp_path):
    run = run_cli("verify", str(make_fifo(tmp_path / "d.pdf")), "--lang", "en", timeout=30)
    assert_clean(run, 2)
    assert t("errors.os.ESPIPE", "en") in run.stderr


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.sampled_from(["\udfff", "2026-06-30", "eligible"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)
_keys = st.sampled_from(["as_of", "readings", "verdict", "fingerprint", "findings", "rulebook", "rendition"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_keys, _json, max_size=3))
def test_any_stated_assessment_gives_one_of_the_four_answers(changes):
    stated = json.dumps(_stated() | changes, ensure_ascii=True).encode()
    result = verify_dossier(pdf_with({"application.json": _application(), "assessment.json": stated}), lang="en", rerender=False)
    assert result.status in {"ok", "mismatch", "cannot_check"}
    for line in [result.summary("en"), *result.differences]:
        line.encode("utf-8")
    if result.status == "ok":  # only what the check ignores or reads as the default may change
        assert all(_stated().get(key) == value for key, value in changes.items() if key != "rendition" and not (key == "readings" and not value))
