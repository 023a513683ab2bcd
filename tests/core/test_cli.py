"""The command line, in-process (`assessor.cli.main`) and as a real process (`python -m assessor`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from core_support import EXAMPLES, ROOT, base, load_expected

from assessor.cli import EXIT_INVALID, EXIT_OK, main

EXAMPLE = EXAMPLES / "01-eligible-two-sites.json"
FINDING_KEYS = {"criterion", "status", "clause", "measured", "threshold", "gap", "explanation"}


def write(tmp_path: Path, data, name: str = "app.json") -> Path:
    file = tmp_path / name
    if isinstance(data, (bytes, str)):
        file.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    else:
        file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return file


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def proc(*argv: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "assessor", *argv], cwd=ROOT, capture_output=True, text=True, env=env, timeout=60)


# ---------------------------------------------------------------- assess, JSON


def test_assess_json_has_the_documented_keys(capsys):
    code, out, err = cli(capsys, "assess", str(EXAMPLE), "--as-of", "2026-06-30", "--format", "json")
    assert code == EXIT_OK, err
    result = json.loads(out)
    assert {"verdict", "as_of", "rulebook", "readings", "fingerprint", "findings"} <= set(result)
    assert result["as_of"] == "2026-06-30"
    assert set(result["rulebook"]) >= {"id", "version"}
    assert result["rulebook"]["id"] == "cn-circ-2010-telemarketing-sites"
    assert result["readings"] == {"original_seats": "strict", "violations_window": "item", "violations_dated_by": "conduct", "complaint_attributes": "either"}
    assert len(result["fingerprint"]) == 64 and int(result["fingerprint"], 16) >= 0
    assert len(result["findings"]) == 11
    for finding in result["findings"]:
        assert FINDING_KEYS <= set(finding)
        assert set(finding["explanation"]) == {"zh", "en"}
    premium = next(f for f in result["findings"] if f["criterion"] == "4.1.premium")
    assert premium["threshold"] == {"value": "1000000000", "unit": "yuan"}
    assert premium["clause"] == "四（一）"


@pytest.mark.parametrize("name", sorted(load_expected()))
def test_exit_zero_whatever_the_verdict(capsys, name):
    as_of = load_expected()[name]["as_of"].isoformat()
    code, out, err = cli(capsys, "assess", str(EXAMPLES / name), "--as-of", as_of, "--format", "json")
    assert code == EXIT_OK, err
    assert json.loads(out)["verdict"] == load_expected()[name]["verdict"]


def test_readings_are_passed_through(capsys):
    name = "04-small-second-site.json"
    args = ["assess", str(EXAMPLES / name), "--as-of", "2026-09-30", "--format", "json"]
    code, out, _ = cli(capsys, *args, "--reading", "original_seats=original", "--reading", "violations_window=none")
    assert code == 0
    result = json.loads(out)
    assert result["readings"]["original_seats"] == "original"
    assert result["readings"]["violations_window"] == "none"
    seats = next(f for f in result["findings"] if f["criterion"] == "4.2.original_seats")
    assert seats["status"] == "met"


def test_fingerprint_depends_on_as_of_and_readings(capsys):
    def fp(*extra):
        code, out, _ = cli(capsys, "assess", str(EXAMPLE), "--format", "json", *extra)
        assert code == 0
        return json.loads(out)["fingerprint"]

    one = fp("--as-of", "2026-06-30")
    assert one == fp("--as-of", "2026-06-30")
    assert one != fp("--as-of", "2026-07-01")
    assert one != fp("--as-of", "2026-06-30", "--reading", "complaint_attributes=both")


# ---------------------------------------------------------------- assess, text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_text_output_cites_every_finding(capsys, lang):
    code, out, err = cli(capsys, "assess", str(EXAMPLE), "--as-of", "2026-06-30", "--lang", lang)
    assert code == 0, err
    for criterion in ("4.1.tenure", "4.1.premium", "4.2.original_seats", "4.2.new_seats", "4.3.complaints",
                      "4.3.violations", "4.4.staff", "4.4.systems", "4.4.numbers", "4.4.products", "4.4.operations"):
        assert criterion in out
    assert "集中销售电销专用产品1年以上且累计保费规模达到10亿元以上" in out  # the clause text, quoted
    assert ("Verdict" in out) == (lang == "en")


def test_default_language_is_chinese(capsys):
    code, out, _ = cli(capsys, "assess", str(EXAMPLE), "--as-of", "2026-06-30")
    assert code == 0
    assert "Verdict" not in out and any("\u4e00" <= ch <= "\u9fff" for ch in out.splitlines()[0])


# ---------------------------------------------------------------- invalid input: exit 2, a message, no traceback


def _bad_seats(tmp_path):
    app = base()
    app["existing_sites"].append(dict(app["existing_sites"][0], id="B", seats=-3))
    return write(tmp_path, app)


@pytest.mark.parametrize(("lang", "words"), [("en", "must not be less than 0"), ("zh", "existing_sites[1].seats: ")])
def test_invalid_application_lists_the_path_in_the_language(capsys, tmp_path, lang, words):
    code, out, err = cli(capsys, "assess", str(_bad_seats(tmp_path)), "--lang", lang)
    assert code == EXIT_INVALID
    assert out == ""
    assert "existing_sites[1].seats: " in err
    assert words in err
    assert "Traceback" not in err
    if lang == "zh":
        line = next(l for l in err.splitlines() if "existing_sites[1].seats" in l)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in line)


def test_several_problems_are_all_listed(capsys, tmp_path):
    app = base()
    app["existing_sites"][0]["seats"] = -1
    app["applicant"]["credit_code"] = "123"
    app["premiums"]["declared_total"]["unit"] = "千元"
    code, _, err = cli(capsys, "assess", str(write(tmp_path, app)), "--lang", "en")
    assert code == EXIT_INVALID
    for path in ("existing_sites[0].seats: ", "applicant.credit_code: ", "premiums.declared_total.unit: "):
        assert path in err


@pytest.mark.parametrize(
    ("content", "extra"),
    [
        ("{ not json", []),
        (b"\xff\xfe", []),
        ("[1, 2]", []),
        (None, ["--reading", "colour=red"]),
        (None, ["--reading", "original_seats=loose"]),
        (None, ["--reading", "original_seats"]),
        (None, ["--as-of", "2026-02-30"]),
        (None, ["--as-of", "yesterday"]),
    ],
)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_input_exits_2_with_a_message(capsys, tmp_path, content, extra, lang):
    file = write(tmp_path, base() if content is None else content)
    code, out, err = cli(capsys, "assess", str(file), "--lang", lang, *extra)
    assert code == EXIT_INVALID
    assert err.strip() and "Traceback" not in err
    assert out == ""


def test_unknown_reading_names_the_readings(capsys, tmp_path):
    code, _, err = cli(capsys, "assess", str(write(tmp_path, base())), "--lang", "en", "--reading", "colour=red")
    assert code == EXIT_INVALID
    assert "colour" in err and "original_seats" in err


def test_missing_file_exits_2(capsys, tmp_path):
    code, _, err = cli(capsys, "assess", str(tmp_path / "nowhere.json"), "--lang", "en")
    assert code == EXIT_INVALID
    assert "nowhere.json" in err and "Traceback" not in err


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["assess"])
    assert info.value.code == EXIT_INVALID
    with pytest.raises(SystemExit) as info:
        main(["assess", str(EXAMPLE), "--format", "xml"])
    assert info.value.code == EXIT_INVALID
    assert "Traceback" not in capsys.readouterr().err


# ---------------------------------------------------------------- schema


def test_schema_prints_a_json_schema(capsys):
    code, out, _ = cli(capsys, "schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["type"] == "object"
    assert {"applicant", "proposed_site", "premiums", "existing_sites", "unifications"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False
    assert "applicant" in schema["required"] and "proposed_site" in schema["required"]


# ---------------------------------------------------------------- real processes


def test_python_dash_m_assessor_assesses_an_example():
    result = proc("assess", str(EXAMPLE), "--as-of", "2026-06-30", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["verdict"] == "eligible"


def test_process_invalid_input_exit_2_without_traceback(tmp_path):
    result = proc("assess", str(_bad_seats(tmp_path)), "--lang", "en")
    assert result.returncode == 2
    assert "existing_sites[1].seats: " in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("argv", [["assess", "{file}", "--as-of", "31/12/2026"], ["assess", "{file}", "--reading", "x=y"], ["assess", "{notjson}"]])
def test_process_bad_arguments_exit_2(tmp_path, argv):
    file = write(tmp_path, base())
    notjson = write(tmp_path, "not json", "bad.json")
    result = proc(*[a.format(file=file, notjson=notjson) for a in argv])
    assert result.returncode == 2
    assert result.stderr.strip() and "Traceback" not in result.stderr


def test_process_schema():
    result = proc("schema")
    assert result.returncode == 0
    assert json.loads(result.stdout)["title"] == "Application"


def test_installed_console_script():
    script = shutil.which("assessor", path=str(Path(sys.executable).parent))
    assert script, "the `assessor` console script is installed beside the interpreter"
    result = subprocess.run([script, "schema"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and json.loads(result.stdout)["type"] == "object"


def test_same_file_gives_byte_identical_output(capsys):
    args = ("assess", str(EXAMPLES / "06-serious-complaint.json"), "--as-of", "2026-09-30", "--format", "json")
    first = cli(capsys, *args)
    assert first == cli(capsys, *args)
    text = ("assess", str(EXAMPLES / "06-serious-complaint.json"), "--as-of", "2026-09-30", "--lang", "en")
    assert cli(capsys, *text) == cli(capsys, *text)
