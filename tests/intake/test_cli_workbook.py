"""The CLI takes a filled Excel template wherever it takes an application file."""

from __future__ import annotations

from pathlib import Path

from assessor.cli import main
from assessor.intake.excel import application_to_workbook, template_workbook
from assessor.intake import load_application

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_assess_reads_a_filled_workbook_like_its_json(tmp_path, capsys):
    source = EXAMPLES / "04-small-second-site.json"
    workbook = tmp_path / "application.xlsx"
    workbook.write_bytes(application_to_workbook(load_application(source), "zh"))
    assert main(["assess", str(workbook), "--as-of", "2026-09-30", "--format", "json"]) == 0
    from_workbook = capsys.readouterr().out
    assert main(["assess", str(source), "--as-of", "2026-09-30", "--format", "json"]) == 0
    assert from_workbook == capsys.readouterr().out  # same facts, same fingerprint, same findings


def test_a_blank_workbook_names_its_empty_cells(tmp_path, capsys):
    workbook = tmp_path / "blank.xlsx"
    workbook.write_bytes(template_workbook("en"))
    assert main(["assess", str(workbook), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "Applicant!B2" in err and "required" in err and "Traceback" not in err
