"""`assessor template`: the template written by the command line, read back with openpyxl."""

from __future__ import annotations

import json

from intake_support import EXAMPLES, expected_dates, open_workbook

from assessor.cli import EXIT_INVALID, EXIT_OK, main
from assessor.i18n import t
from assessor.intake import load_application
from assessor.intake.excel import application_from_workbook


def test_template_command_writes_the_blank_template(tmp_path, capsys):
    target = tmp_path / "模板.xlsx"
    assert main(["template", "-o", str(target)]) == EXIT_OK
    assert capsys.readouterr().out.strip() == t("excel.cli.written", "zh", file=str(target))
    book = open_workbook(target.read_bytes())
    assert book.sheetnames[0] == "说明 Instructions"
    assert book["申请人 Applicant"]["A2"].value == "公司名称 / Company name"
    assert book["申请人 Applicant"]["B2"].value is None


def test_template_command_in_english_fills_from_a_json_application(tmp_path, capsys):
    name = "04-small-second-site.json"
    today = expected_dates()[name]
    target = tmp_path / "filled.xlsx"
    assert main(["template", "-o", str(target), "--lang", "en", "--from", str(EXAMPLES / name)]) == EXIT_OK
    assert "written to" in capsys.readouterr().out
    book = open_workbook(target.read_bytes())
    assert book["申请人 Applicant"]["B5"].value in ("yes", "no")  # dropdown wording follows --lang
    assert application_from_workbook(target.read_bytes(), today=today) == load_application(EXAMPLES / name, today=today)


def test_template_command_reports_an_invalid_json_source_without_a_traceback(tmp_path, capsys):
    source = tmp_path / "bad.json"
    source.write_text(json.dumps({"applicant": {}}), encoding="utf-8")
    assert main(["template", "-o", str(tmp_path / "x.xlsx"), "--from", str(source)]) == EXIT_INVALID
    err = capsys.readouterr().err
    assert "applicant.name" in err and "Traceback" not in err
    assert not (tmp_path / "x.xlsx").exists()


def test_template_command_reports_an_unwritable_target(tmp_path, capsys):
    target = tmp_path / "no-such-folder" / "x.xlsx"
    assert main(["template", "-o", str(target), "--lang", "en"]) == EXIT_INVALID
    assert capsys.readouterr().err.strip().startswith("cannot write")
