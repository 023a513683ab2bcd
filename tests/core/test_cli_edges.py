"""Edges of the command line found by an audit: the form of --as-of, dates the rulebook cannot
assess, a future assessment date, the conventions in the text output, argparse's own messages
in the chosen language, a repeated --reading, and --lang before the command."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from core_support import EXAMPLES

from assessor.cli import EXIT_INVALID, EXIT_MISMATCH, EXIT_OK, main, translate_argparse
from assessor.core.engine import assess
from assessor.i18n import t
from assessor.intake import load_application
from assessor.core.rulebook import load_rulebook

EXAMPLE = EXAMPLES / "01-eligible-two-sites.json"
AS_OF = "2026-06-30"
LANGS = ("zh", "en")
OTHER = {"zh": "en", "en": "zh"}
SENTINEL = "\x00"


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def cli_exit(capsys, *argv: str) -> tuple[int, str, str]:
    """A command line argparse itself refuses (or answers, for -h): it exits from main."""
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return info.value.code, out, err


def literal_pieces(key: str, lang: str, *names: str) -> list[str]:
    """The fixed words of a message template, without its placeholders, e.g. ["缺少必需的参数："]."""
    text = t(key, lang, **{name: SENTINEL for name in names})
    return [piece for piece in text.split(SENTINEL) if piece.strip()]


def assert_has_words(text: str, key: str, lang: str, *names: str) -> None:
    pieces = literal_pieces(key, lang, *names)
    assert pieces, key
    for piece in pieces:
        assert piece in text, (piece, text)


# ---------------------------------------------------------------- 1. --as-of is YYYY-MM-DD only


@pytest.mark.parametrize("value", ["20260831", "2026-W35-1", "2026-W35", "2026-243", "", " 2026-08-31", "2026-8-31", "2026-08-31T00:00", "2026-02-30", "0000-01-01"])
@pytest.mark.parametrize("lang", LANGS)
def test_as_of_accepts_only_yyyy_mm_dd(capsys, value, lang):
    code, out, err = cli(capsys, "assess", str(EXAMPLE), "--as-of", value, "--lang", lang)
    assert code == EXIT_INVALID
    assert out == ""
    assert t("cli.bad_as_of", lang, value=value) in err
    assert "YYYY-MM-DD" in err


def test_as_of_in_the_right_form_or_omitted_still_works(capsys):
    code, out, err = cli(capsys, "assess", str(EXAMPLE), "--as-of", "2026-08-31", "--format", "json")
    assert code == EXIT_OK, err
    assert json.loads(out)["as_of"] == "2026-08-31"
    code, out, err = cli(capsys, "assess", str(EXAMPLE), "--format", "json")
    assert code == EXIT_OK, err
    assert json.loads(out)["as_of"] == date.today().isoformat()


# ---------------------------------------------------------------- 2. dates the rulebook cannot assess

OUT_OF_RANGE = [
    ("0001-12-31", "errors.as_of_before_rulebook", {"effective": "2010-11-11"}),
    ("2010-11-10", "errors.as_of_before_rulebook", {"effective": "2010-11-11"}),
    ("9999-12-31", "errors.as_of_too_late", {"latest": "9998-12-31"}),
]


def _command(name: str, tmp_path) -> list[str]:
    return {
        "assess": ["assess", str(EXAMPLE)],
        "assess-json": ["assess", str(EXAMPLE), "--format", "json"],
        "forecast": ["forecast", str(EXAMPLE)],
        "dossier": ["dossier", str(EXAMPLE), "-o", str(tmp_path / "out.pdf")],
        "screen": ["screen", str(EXAMPLE), "-o", str(tmp_path / "out.json"), "--no-register"],
    }[name]


@pytest.mark.parametrize("command", ["assess", "assess-json", "forecast", "dossier", "screen"])
@pytest.mark.parametrize(("as_of", "key", "values"), OUT_OF_RANGE)
@pytest.mark.parametrize("lang", LANGS)
def test_as_of_outside_the_rulebook_exits_2_with_the_message(capsys, tmp_path, command, as_of, key, values, lang):
    code, out, err = cli(capsys, *_command(command, tmp_path), "--as-of", as_of, "--lang", lang)
    assert code == EXIT_INVALID
    assert t(key, lang, as_of=as_of, **values) in err
    assert t(key, OTHER[lang], as_of=as_of, **values) not in err
    assert out == ""
    assert not list(tmp_path.iterdir())  # no dossier, no screening table


def _fake_dossier(as_of: str) -> bytes:
    """A PDF carrying the two files a dossier embeds, its assessment stating `as_of`."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("application.json", EXAMPLE.read_bytes())
    writer.add_attachment("assessment.json", json.dumps({"as_of": as_of, "readings": {}}).encode("utf-8"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(("as_of", "key", "values"), OUT_OF_RANGE)
@pytest.mark.parametrize("lang", LANGS)
def test_verify_a_dossier_stating_a_date_outside_the_rulebook_is_an_alteration(capsys, tmp_path, as_of, key, values, lang):
    pdf = tmp_path / "dossier.pdf"
    pdf.write_bytes(_fake_dossier(as_of))
    code, out, err = cli(capsys, "verify", str(pdf), "--lang", lang)
    assert code == EXIT_MISMATCH
    assert t("dossier.verify.mismatch", lang) in err
    assert t(key, lang, as_of=as_of, **values) in err


# ---------------------------------------------------------------- 3. a future assessment date


class _EarlyToday(date):
    @classmethod
    def today(cls):
        return date(2026, 1, 1)


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("lang", LANGS)
def test_a_future_assessment_date_is_noted_on_stderr_only(capsys, monkeypatch, fmt, lang):
    argv = ("assess", str(EXAMPLE), "--as-of", AS_OF, "--format", fmt, "--lang", lang)
    code, out_now, err_now = cli(capsys, *argv)  # AS_OF lies in the past: no note
    assert code == EXIT_OK
    note = t("cli.future_as_of", lang, as_of=date.fromisoformat(AS_OF))
    assert note not in err_now

    monkeypatch.setattr("assessor.cli.date", _EarlyToday)  # now AS_OF lies after "today"
    code, out_future, err_future = cli(capsys, *argv)
    assert code == EXIT_OK
    assert out_future == out_now
    assert err_future.splitlines() == [note]
    assert t("cli.future_as_of", OTHER[lang], as_of=date.fromisoformat(AS_OF)) not in err_future


def test_a_future_date_really_in_the_future_is_noted(capsys):
    later = (date.today() + timedelta(days=40)).isoformat()
    code, out, err = cli(capsys, "assess", str(EXAMPLE), "--as-of", later, "--lang", "en", "--format", "json")
    assert code == EXIT_OK
    assert json.loads(out)["as_of"] == later
    assert t("cli.future_as_of", "en", as_of=later) in err


# ---------------------------------------------------------------- 4. conventions in the text output


@pytest.mark.parametrize("lang", LANGS)
def test_text_output_prints_the_fixed_conventions(capsys, lang):
    assessment = assess(load_application(EXAMPLE), load_rulebook(), date.fromisoformat(AS_OF))
    assert assessment.conventions
    code, out, err = cli(capsys, "assess", str(EXAMPLE), "--as-of", AS_OF, "--lang", lang)
    assert code == EXIT_OK, err
    heading = t("report.conventions", lang)
    assert heading in out and t("report.conventions", OTHER[lang]) not in out
    after = out.split(heading, 1)[1]
    last_finding = assessment.findings[-1].clause_text
    assert last_finding not in after  # the section follows the findings
    for text in assessment.conventions.values():
        assert text[lang] in after
        assert text[OTHER[lang]] not in out
    assert after.index(t("report.confirm_current", lang)) > max(after.index(text[lang]) for text in assessment.conventions.values())


# ---------------------------------------------------------------- 5. argparse's messages translated


ARGPARSE_CASES = [
    # argv, (key, placeholder names), words argparse quotes that must be kept, English it would print
    ([], ("cli.argparse.required", "names"), ["command"], "the following arguments are required"),
    (["assess"], ("cli.argparse.required", "names"), ["file"], "the following arguments are required"),
    (["assess", str(EXAMPLE), "--format", "xml"], ("cli.argparse.invalid_choice", "value", "choices"), ["--format", "'xml'", "text", "json"], "invalid choice"),
    (["bogus"], ("cli.argparse.invalid_choice", "value", "choices"), ["'bogus'", "assess", "verify"], "invalid choice"),
    (["assess", str(EXAMPLE), "extra"], ("cli.argparse.unrecognized", "args"), ["extra"], "unrecognized arguments"),
    (["assess", str(EXAMPLE), "--as-of"], ("cli.argparse.expected_one",), ["--as-of"], "expected one argument"),
    (["forecast", str(EXAMPLE), "--basis", "x"], ("cli.argparse.invalid_value", "type", "value"), ["--basis", "int", "'x'"], "invalid int value"),
]


@pytest.mark.parametrize(("argv", "template", "kept", "english"), ARGPARSE_CASES)
@pytest.mark.parametrize("lang", LANGS)
def test_argparse_errors_are_in_the_chosen_language(capsys, argv, template, kept, english, lang):
    code, out, err = cli_exit(capsys, *argv, "--lang", lang)
    assert code == EXIT_INVALID
    assert_has_words(err, *template[:1], lang, *template[1:])
    assert_has_words(err, "cli.argparse.usage", lang)
    for word in kept:
        assert word in err
    if lang == "zh":
        assert english not in err
        assert "usage:" not in err


@pytest.mark.parametrize("lang", LANGS)
def test_argparse_help_headings_are_in_the_chosen_language(capsys, lang):
    code, out, _ = cli_exit(capsys, "assess", "-h", "--lang", lang)
    assert code == 0
    for key in ("cli.argparse.usage", "cli.argparse.positionals", "cli.argparse.options", "cli.argparse.help", "cli.help.assess"):
        assert t(key, lang).strip() in out
    assert "--as-of" in out and "--reading" in out  # option names are not translated
    if lang == "zh":
        assert "usage:" not in out and "show this help message" not in out and "positional arguments" not in out


def test_an_unknown_argparse_message_is_kept_as_it_is():
    assert translate_argparse("something argparse never said", "zh") == "something argparse never said"
    assert translate_argparse("argument --x: something new", "zh") == t("cli.argparse.argument", "zh", name="--x", message="something new")


# ---------------------------------------------------------------- 6. a repeated --reading


@pytest.mark.parametrize("values", [("strict", "original"), ("strict", "strict")])
@pytest.mark.parametrize("lang", LANGS)
def test_a_repeated_reading_is_refused_naming_the_key(capsys, values, lang):
    first, second = values
    code, out, err = cli(
        capsys, "assess", str(EXAMPLE), "--as-of", AS_OF, "--lang", lang,
        "--reading", f"original_seats={first}", "--reading", f"original_seats={second}",
    )
    assert code == EXIT_INVALID
    assert out == ""
    assert t("cli.repeated_reading", lang, key="original_seats") in err


def test_different_readings_together_are_still_taken(capsys):
    code, out, err = cli(
        capsys, "assess", str(EXAMPLE), "--as-of", AS_OF, "--format", "json",
        "--reading", "original_seats=original", "--reading", " violations_window = none",
    )
    assert code == EXIT_OK, err
    readings = json.loads(out)["readings"]
    assert readings["original_seats"] == "original" and readings["violations_window"] == "none"


# ---------------------------------------------------------------- 7. --lang before the command


def _verdict_prefix(lang: str) -> str:
    return literal_pieces("report.verdict", lang, "verdict")[0]


@pytest.mark.parametrize(
    ("argv", "lang"),
    [
        (["--lang", "en", "assess", str(EXAMPLE)], "en"),
        (["--lang=en", "assess", str(EXAMPLE)], "en"),
        (["--lang", "zh", "assess", str(EXAMPLE)], "zh"),
        (["assess", str(EXAMPLE), "--lang", "en"], "en"),
        (["assess", str(EXAMPLE)], "zh"),
        (["--lang", "en", "assess", str(EXAMPLE), "--lang", "zh"], "zh"),  # the last one wins
        (["--lang", "zh", "assess", str(EXAMPLE), "--lang", "en"], "en"),
    ],
)
def test_lang_before_or_after_the_command(capsys, argv, lang):
    code, out, err = cli(capsys, *argv, "--as-of", AS_OF)
    assert code == EXIT_OK, err
    assert out.startswith(_verdict_prefix(lang))
    assert not out.startswith(_verdict_prefix(OTHER[lang]))


@pytest.mark.parametrize("lang", LANGS)
def test_lang_before_the_command_sets_the_language_of_errors(capsys, lang):
    code, _, err = cli(capsys, "--lang", lang, "assess", str(EXAMPLE), "--as-of", "20260831")
    assert code == EXIT_INVALID
    assert t("cli.bad_as_of", lang, value="20260831") in err
    code, _, err = cli_exit(capsys, "--lang", lang, "assess")
    assert code == EXIT_INVALID
    assert_has_words(err, "cli.argparse.required", lang, "names")


def test_lang_before_the_command_works_for_every_command(capsys, tmp_path):
    code, out, _ = cli(capsys, "--lang", "en", "assess", str(EXAMPLE), "--as-of", "2026-08-31")
    assert code == EXIT_OK and out.startswith(_verdict_prefix("en")) and not out.startswith(_verdict_prefix("zh"))
    code, out, _ = cli(capsys, "--lang", "en", "schema")
    assert code == EXIT_OK and json.loads(out)["type"] == "object"
    code, out, err = cli(capsys, "--lang", "en", "template", "-o", str(tmp_path / "t.xlsx"))
    assert code == EXIT_OK, err
    assert (tmp_path / "t.xlsx").exists()
