"""A folder mixing good, invalid, corrupt and tampered files gives exactly the right rows,
through the CLI and the API; exports read back with pandas and openpyxl."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from datetime import date

import openpyxl
import pandas as pd
import pytest

from assessor.cli import main
from assessor.intake import parse_application
from assessor.intake.excel import application_to_workbook
from assessor.screening import Settings, collect_paths, export, screen

from .conftest import AS_OF, another_insurer, example, tamper, with_hashes, write

TODAY = date(2026, 11, 25)


@pytest.fixture
def mixed(tmp_path, dossier_pdf):
    folder = tmp_path / "in"
    good = with_hashes(example())
    write(folder, "good.json", good)
    second = another_insurer(good, 21, "第二财产保险股份有限公司")
    second["proposed_site"]["planned_seats"] = 480  # not eligible: new site too small
    workbook = application_to_workbook(parse_application(second, today=AS_OF), "zh")
    write(folder, "sheets/second.xlsx", workbook)
    bad = copy.deepcopy(good)
    bad["existing_sites"][1]["seats"] = "many"
    write(folder, "invalid.json", bad)
    write(folder, "truncated.json", json.dumps(good)[:500])
    write(folder, "random.xlsx", bytes(range(256)) * 8)
    write(folder, "broken.pdf", b"%PDF-1.7\n1 0 obj <<\n" + b"\x00" * 64)
    write(folder, "dossiers/ok.pdf", dossier_pdf)
    # Tampered: the second site's seats cut below 500 after the dossier stated "eligible".
    write(folder, "dossiers/tampered.pdf", tamper(dossier_pdf, lambda a: a["existing_sites"][1].update(seats=450)))
    write(folder, "notes.txt", "not a submission")  # skipped: not a screened type
    return folder


def by_name(screening):
    return {r.label.rsplit("/", 1)[-1]: r for r in screening.records}


def test_mixed_folder_gives_exactly_the_right_rows(mixed):
    sources, refused = collect_paths([mixed])
    screening = screen(sources, Settings(as_of=AS_OF, today=TODAY, lang="en"), refused)
    rows = by_name(screening)
    assert sorted(rows) == sorted(["good.json", "second.xlsx", "invalid.json", "truncated.json", "random.xlsx", "broken.pdf", "ok.pdf", "tampered.pdf"])
    summary = {name: (r.status, r.verdict, r.verify) for name, r in rows.items()}
    assert summary == {
        "good.json": ("screened", "eligible", ""),
        "second.xlsx": ("screened", "not_eligible", ""),
        "ok.pdf": ("screened", "eligible", "ok"),
        "tampered.pdf": ("screened", "not_eligible", "mismatch"),
        "invalid.json": ("error", "", ""),
        "truncated.json": ("error", "", ""),
        "random.xlsx": ("error", "", ""),
        "broken.pdf": ("error", "", "not_dossier"),
    }
    # Each error names what is wrong, in the language asked for.
    assert "existing_sites[1].seats" in rows["invalid.json"].reason_text("en")
    assert "JSON" in rows["truncated.json"].reason_text("en")
    assert "Excel" in rows["random.xlsx"].reason_text("en")
    assert "dossier" in rows["broken.pdf"].reason_text("en")
    assert "Excel" not in rows["random.xlsx"].reason_text("zh") or "工作簿" in rows["random.xlsx"].reason_text("zh")
    # The tampered dossier: its stated verdict differs from its recomputed one, and it is ranked
    # first among the screened rows; the untouched dossier is a duplicate of good.json.
    assert [f.code for f in rows["tampered.pdf"].flags if f.code == "dossier_verdict_differs"] == ["dossier_verdict_differs"]
    assert rows["tampered.pdf"].verify_differences
    assert "duplicate_submission" in {f.code for f in rows["ok.pdf"].flags}
    assert "dossier_verdict_differs" not in {f.code for f in rows["ok.pdf"].flags}
    order = [r.label.rsplit("/", 1)[-1] for r in screening.records]
    assert set(order[:4]) == {"invalid.json", "truncated.json", "random.xlsx", "broken.pdf"}
    assert order[4] == "tampered.pdf"
    # Margins: premium over the threshold, seat surplus per site, days since tenure was met.
    good = rows["good.json"]
    assert good.premium_margin is not None and good.premium_margin > 0
    data = with_hashes(example())
    assert dict(good.site_surplus) == {s["id"]: s["seats"] - 500 for s in data["existing_sites"]}
    assert good.proposed_surplus == data["proposed_site"]["planned_seats"] - 500
    since = date.fromisoformat(data["centralized_selling"]["since"])
    assert good.tenure_days == (AS_OF - since.replace(year=since.year + 1)).days
    assert rows["second.xlsx"].proposed_surplus == -20


def test_cli_writes_every_format_and_ends_with_the_counts(mixed, tmp_path, capsys):
    for fmt in ("xlsx", "csv", "json"):
        out = tmp_path / f"out.{fmt}"
        code = main(["screen", str(mixed), "-o", str(out), "--as-of", AS_OF.isoformat(), "--lang", "en", "--no-register"])
        captured = capsys.readouterr()
        assert code == 0
        last = captured.out.strip().splitlines()[-1]
        assert last.startswith("8 files: 4 screened, 4 errors")
        assert "1 altered dossiers" in last
        assert "invalid.json" in captured.err
    table = pd.read_csv(tmp_path / "out.csv", encoding="utf-8-sig")
    assert len(table) == 8
    assert list(table["Status"]).count("Error") == 4
    assert table.loc[table["File"].str.endswith("tampered.pdf"), "Dossier check"].item() == "Altered"
    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert sheet.max_row == 9 and "Premium over threshold (yuan)" in header
    margin = header.index("Premium over threshold (yuan)")
    files = header.index("File")
    good_row = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[files].endswith("good.json"))
    assert good_row[margin] > 0
    frame = pd.read_excel(tmp_path / "out.xlsx", sheet_name=None)
    assert set(frame) == {"Screening", "Red flags", "Run"}
    assert "dossier_verdict_differs" in set(frame["Red flags"]["Flag code"])
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert data["counts"]["screened"] == 4 and len(data["rows"]) == 8
    assert all(len(f["sha256"]) == 64 for f in data["rows"])


def test_chinese_is_the_default(mixed, tmp_path, capsys):
    out = tmp_path / "out.csv"
    assert main(["screen", str(mixed), "-o", str(out), "--as-of", AS_OF.isoformat(), "--no-register"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("共8个文件")
    assert "状态" in pd.read_csv(out, encoding="utf-8-sig").columns


def test_nothing_screenable_exits_2(tmp_path, capsys):
    write(tmp_path, "a.json", "{")
    code = main(["screen", str(tmp_path), str(tmp_path / "missing"), "-o", str(tmp_path / "o.csv"), "--lang", "en", "--no-register"])
    out = capsys.readouterr()
    assert code == 2
    assert out.out.strip().splitlines()[-1].startswith("2 files: 0 screened, 2 errors")
    assert "does not exist" in out.err


def test_bad_output_suffix_is_a_usage_error(tmp_path, capsys):
    assert main(["screen", str(tmp_path), "-o", str(tmp_path / "o.txt"), "--lang", "en"]) == 2
    assert ".xlsx, .csv or .json" in capsys.readouterr().err


def test_run_is_recorded_in_the_case_register(tmp_path, capsys):
    from assessor.store import CaseStore

    write(tmp_path / "in", "a.json", with_hashes(example()))
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    assert main(["screen", str(tmp_path / "in"), "-o", str(tmp_path / "o.json"), "--as-of", AS_OF.isoformat(), "--register", url, "--lang", "en"]) == 0
    assert "Recorded in the case register" in capsys.readouterr().out
    with CaseStore(url) as store:
        [run] = store.list_screenings()
    entry = run.run
    assert entry["as_of"] == AS_OF.isoformat()
    [file] = entry["files"]
    assert len(file["sha256"]) == 64 and len(file["fingerprint"]) == 64 and file["verdict"] == "eligible"


def test_zip_of_submissions_is_screened_member_by_member(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("batch/a.json", json.dumps(with_hashes(example()), ensure_ascii=False))
        archive.writestr("batch/b.json", "{ not json")
        archive.writestr("__MACOSX/batch/._a.json", "resource fork")
    write(tmp_path, "upload.zip", buffer.getvalue())
    sources, refused = collect_paths([tmp_path])
    screening = screen(sources, Settings(as_of=AS_OF, today=TODAY), refused)
    assert sorted((r.label.rsplit("!", 1)[-1], r.status) for r in screening.records) == [("batch/a.json", "screened"), ("batch/b.json", "error")]


def test_export_json_keeps_money_exact(tmp_path):
    app = with_hashes(example())
    write(tmp_path, "a.json", app)
    sources, refused = collect_paths([tmp_path])
    screening = screen(sources, Settings(as_of=AS_OF, today=TODAY), refused)
    data = json.loads(export(screening, "json", "en"))
    margin = data["rows"][0]["premium_margin"]
    assert isinstance(margin, str) and str(screening.records[0].premium_margin) == margin


# ---------------------------------------------------------------- a failure inside the worker


SECRET = "internal detail /srv/secret/path: KeyError('x')"


@pytest.fixture
def poison(tmp_path, monkeypatch):
    """A folder of a good file and one whose assessment fails inside the worker with an
    exception whose text must never reach a row."""
    from assessor import batch

    folder = tmp_path / "in"
    good = with_hashes(example())
    write(folder, "good.json", good)
    write(folder, "poison.json", another_insurer(good, 31, "毒丸保险股份有限公司"))
    real = batch.assess  # what screening's one batch path (batch.assess_document) calls

    def assess(application, *args, **kwargs):
        if application.applicant.name == "毒丸保险股份有限公司":
            raise RuntimeError(SECRET)
        return real(application, *args, **kwargs)

    monkeypatch.setattr(batch, "assess", assess)
    return folder


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_file_that_makes_the_worker_fail_shows_fixed_words_naming_it(poison, lang):
    from assessor.i18n import t

    sources, refused = collect_paths([poison])
    screening = screen(sources, Settings(as_of=AS_OF, today=TODAY, lang=lang), refused, pool_threshold=10**6)
    rows = by_name(screening)
    assert rows["good.json"].status == "screened"
    failed = rows["poison.json"]
    assert failed.status != "screened"
    label = failed.label
    assert [r.text(lang) for r in failed.reasons] == [t("screening.error.failed", lang, file=label)]
    assert label in failed.reasons[0].text(lang)
    assert all(SECRET not in r.text(other) and "RuntimeError" not in r.text(other) for r in failed.reasons for other in ("zh", "en"))


def test_the_cli_and_its_exports_never_show_the_exception_text(poison, tmp_path, capsys):
    out = tmp_path / "out.csv"
    main(["screen", str(poison), "-o", str(out), "--as-of", AS_OF.isoformat(), "--lang", "en", "--no-register"])
    captured = capsys.readouterr()
    written = out.read_text(encoding="utf-8-sig")
    for text in (captured.out, captured.err, written):
        assert "secret" not in text and "RuntimeError" not in text and "Traceback" not in text
    assert "poison.json" in captured.err and "internal error" in captured.err
    assert "internal error" in written


def test_a_zip_member_that_fails_to_read_shows_fixed_words_naming_it(tmp_path):
    from assessor.i18n import t
    from assessor.screening.collect import Source
    from assessor.screening.worker import screen_source

    class Failing(Source):
        def read(self) -> bytes:
            raise ValueError(SECRET)

    source = Failing("bundle.zip!inner/app.json", path=str(tmp_path / "bundle.zip"), member="inner/app.json")
    record = screen_source(source, Settings(as_of=AS_OF, today=TODAY))
    for lang in ("zh", "en"):
        assert [r.text(lang) for r in record.reasons] == [t("screening.error.member_unreadable", lang, file="bundle.zip!inner/app.json")]
        assert SECRET not in record.reasons[0].text(lang)
