"""What the system and the JSON parser say in English reaches a zh reader in Chinese."""

from __future__ import annotations

import pytest
from core_support import EXAMPLES

from assessor.cli import main
from assessor.i18n import t


def _stderr(capsys, *argv: str) -> str:
    assert main(list(argv)) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(
    ("text", "key"),
    [('{"a": }', "expecting_value"), ('{"a" 1}', "expecting_colon"), ('{"a": 1 "b": 2}', "expecting_comma"), ('{"a": 1} x', "extra_data"), ('{"a": "b', "unterminated_string")],
)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_json_syntax_error_is_worded_in_the_readers_language(tmp_path, capsys, text, key, lang):
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    err = _stderr(capsys, "assess", str(bad), "--lang", lang)
    assert t(f"errors.json.{key}", lang) in err and t("errors.where.file", lang) in err
    if lang == "zh":
        assert "Expecting" not in err and "Extra data" not in err and "Unterminated" not in err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_missing_file_and_a_folder_are_named_in_the_readers_language(tmp_path, capsys, lang):
    missing = _stderr(capsys, "assess", str(tmp_path / "nowhere.json"), "--lang", lang)
    assert t("errors.os.ENOENT", lang) in missing
    folder = _stderr(capsys, "assess", str(tmp_path), "--lang", lang)
    assert t("errors.os.EISDIR", lang) in folder
    if lang == "zh":
        assert "No such file" not in missing and "Is a directory" not in folder


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_out_of_scope_insurer_type_is_named_in_words(capsys, lang):
    assert main(["assess", str(EXAMPLES / "11-life-insurer.json"), "--as-of", "2026-08-31", "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert t("engine.insurer_type.life", lang) in out
    assert "「life」" not in out and "'life'" not in out


def test_a_json_file_uploaded_in_the_app_is_read_by_the_same_reader():
    # The app's upload goes through intake's reader: the same problems, worded the same way.
    from assessor.intake import ApplicationError
    from assessor.ui.draft import from_json_bytes

    with pytest.raises(ApplicationError) as caught:
        from_json_bytes(b'{"a" 1}')
    (line,) = caught.value.lines("zh")
    assert t("errors.json.expecting_colon", "zh") in line and "Expecting" not in line
    with pytest.raises(ApplicationError) as caught:
        from_json_bytes(b"[1, 2]")
    assert caught.value.problems[0].key == "not_object"
