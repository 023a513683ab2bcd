"""Which date a screening assesses on, said wherever its results are read; and the ranking,
where evidence without a hash is information that never outranks a red flag."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from assessor.cli import main
from assessor.screening import Settings, collect_paths, export, screen
from assessor.screening.flags import info_flags, red_flags

from .conftest import AS_OF, EXAMPLES, another_insurer, example, with_hashes, write

SIX = EXAMPLES / "06-serious-complaint.json"


def run_cli(args: list[str], capsys) -> tuple[int, list[str]]:
    code = main(["screen", *args, "--no-register"])
    return code, capsys.readouterr().out.strip().splitlines()


def test_example_06_fails_on_its_own_stated_date_and_the_cli_names_it(tmp_path, capsys):
    out = tmp_path / "o.json"
    code, lines = run_cli([str(SIX), "-o", str(out), "--own-dates", "--as-of", "2026-12-01", "--lang", "en"], capsys)
    assert code == 0
    [row] = json.loads(out.read_text(encoding="utf-8"))["rows"]
    # The file states 2025-12-31 as the date its declared total runs up to; on that date the
    # serious complaint of 2025-11-18 lies within the year.
    assert (row["verdict_code"], row["as_of"], row["as_of_origin_code"]) == ("not_eligible", "2025-12-31", "declared_total")
    assert "4.3.complaints" in row["not_met"]
    assert lines[-2] == "Assessment date: 1 files on the date they state themselves; 0 stating no date on 2026-12-01; given by --as-of."
    assert lines[-1].startswith("1 files: 1 screened")


def test_without_as_of_the_cli_says_it_used_today(tmp_path, capsys):
    code, lines = run_cli([str(SIX), "-o", str(tmp_path / "o.csv")], capsys)
    assert code == 0
    assert lines[-2] == f"评估日：{date.today().isoformat()}（所有文件均按此日评估）；未给出--as-of，按今天。"


def test_the_entered_date_is_used_and_written_into_every_row(tmp_path, capsys):
    out = tmp_path / "o.csv"
    code, lines = run_cli([str(SIX), "-o", str(out), "--as-of", "2026-09-30"], capsys)
    assert code == 0 and lines[-2] == "评估日：2026-09-30（所有文件均按此日评估）；由--as-of指定。"
    [row] = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert (row["结论"], row["评估日"], row["评估日来源"]) == ("不符合条件", "2026-09-30", "输入的评估日")


def test_a_dossier_is_assessed_on_its_own_date_and_a_file_stating_none_on_the_entered_one(tmp_path, dossier_pdf):
    write(tmp_path, "dossier.pdf", dossier_pdf)
    undated = with_hashes(example())
    del undated["premiums"]["declared_total"]
    write(tmp_path, "undated.json", undated)
    sources, refused = collect_paths([tmp_path])
    screening = screen(sources, Settings(as_of=date(2026, 11, 30)), refused, own_dates=True)
    used = {r.label.rsplit("/", 1)[-1]: (screening.date_of(r).day, screening.date_of(r).origin, r.as_of) for r in screening.records}
    assert used == {"dossier.pdf": (AS_OF, "dossier", AS_OF), "undated.json": (date(2026, 11, 30), "entered", date(2026, 11, 30))}
    entry = screening.register_entry()
    assert entry["own_dates"] is True and {f["as_of_origin"] for f in entry["files"]} == {"dossier", "entered"}
    from openpyxl import load_workbook

    run_sheet = dict(load_workbook(io.BytesIO(export(screening, "xlsx", "zh")))["运行信息"].iter_rows(values_only=True))
    assert run_sheet["评估日"] == "评估日：1个文件按其自身载明的日期评估；1个文件未载明日期，按2026-11-30评估"


def test_a_file_whose_own_date_the_rulebook_cannot_speak_to_is_an_error_row_not_a_failed_run(tmp_path, base):
    early = json.loads(json.dumps(base))
    early["premiums"]["declared_total"]["as_of"] = "2009-12-31"  # before the 2010 notice took effect
    write(tmp_path, "early.json", early)
    write(tmp_path, "fine.json", another_insurer(base, 5, "另一财产保险股份有限公司"))
    sources, refused = collect_paths([tmp_path])
    screening = screen(sources, Settings(as_of=AS_OF), refused, own_dates=True)
    by_name = {r.label.rsplit("/", 1)[-1]: r for r in screening.records}
    assert not by_name["early.json"].screened and "2009-12-31" in by_name["early.json"].reason_text("en")
    assert by_name["fine.json"].screened
    assert screening.records[0] is by_name["early.json"]  # errors first


@pytest.fixture
def ranked(tmp_path):
    """Two not-eligible applications of two insurers sharing a proposed address (one red flag
    each, every document hashed) and an eligible one with no hash on any evidence."""
    short = with_hashes(example("02-premium-short.json"))
    rival = another_insurer(short, 41, "另一财产保险股份有限公司")
    rival["proposed_site"]["address"] = short["proposed_site"]["address"]
    write(tmp_path, "short.json", short)
    write(tmp_path, "rival.json", rival)
    write(tmp_path, "unhashed.json", example())
    sources, refused = collect_paths([tmp_path])
    return screen(sources, Settings(as_of=date(2026, 8, 31)), refused)


def test_evidence_without_hash_is_information_and_does_not_outrank_a_red_flag(ranked):
    names = [r.label.rsplit("/", 1)[-1] for r in ranked.records]
    assert names == ["rival.json", "short.json", "unhashed.json"]
    unhashed = ranked.records[-1]
    assert unhashed.verdict == "eligible"
    assert [f.code for f in info_flags(unhashed)] == ["evidence_without_hash"] and red_flags(unhashed) == []
    assert all(r.verdict == "not_eligible" and [f.code for f in red_flags(r)] == ["shared_proposed_address"] for r in ranked.records[:2])
    assert ranked.counts()["flagged"] == 2


def test_the_table_puts_flags_after_applicant_and_verdict_and_information_apart(ranked):
    table = list(csv.DictReader(io.StringIO(export(ranked, "csv", "en").decode("utf-8-sig"))))
    assert list(table[0])[:6] == ["Rank", "Applicant", "Verdict", "Flags", "Information", "File"]
    last = table[-1]
    assert (last["Flags"], last["Information"], last["Red flags"]) == ("", "Evidence without hash", "0")
    assert (table[0]["Flags"], table[0]["Information"], table[0]["Red flags"]) == ("Proposed address shared", "", "1")
