"""`verify` recomputes a dossier from its embedded files and names every difference."""

from __future__ import annotations

import json

import pytest
from dossier_support import edit_json, embedded, plain_pdf, replace_embedded

from assessor.cli import main
from assessor.dossier import verify_dossier


def _run(tmp_path, pdf: bytes, *args: str) -> int:
    file = tmp_path / "dossier.pdf"
    file.write_bytes(pdf)
    return main(["verify", str(file), *args])


def test_fresh_dossier_verifies(zh_dossier, tmp_path, capsys):
    result = verify_dossier(zh_dossier[0])
    assert result.status == "ok" and result.differences == []
    assert result.application is not None and result.application.applicant.name == "华安信达财产保险股份有限公司"
    assert result.stated["verdict"] == "eligible"
    assert _run(tmp_path, zh_dossier[0]) == 0
    assert "核对通过" in capsys.readouterr().out


def test_changed_figure_in_embedded_application_fails_naming_it(zh_dossier, tmp_path, capsys):
    def fewer_seats(app):
        app["proposed_site"]["planned_seats"] = 450

    tampered = edit_json(zh_dossier[0], "application.json", fewer_seats)
    result = verify_dossier(tampered)
    assert result.status == "mismatch"
    text = "\n".join(result.differences)
    assert "4.2.new_seats" in text and "450" in text
    assert "输入指纹不一致" in text
    assert "结论不一致" in text  # 450 seats fall short of 500, so the verdict changes too
    assert _run(tmp_path, tampered) == 1
    err = capsys.readouterr().err
    assert "4.2.new_seats" in err and "核对不通过" in err


def test_changed_figure_that_keeps_the_verdict_is_still_caught(zh_dossier):
    def more_seats(app):
        app["existing_sites"][0]["seats"] += 1

    result = verify_dossier(edit_json(zh_dossier[0], "application.json", more_seats))
    assert result.status == "mismatch"
    assert any("输入指纹" in d for d in result.differences)
    assert not any("结论不一致" in d for d in result.differences)


def test_changed_stated_verdict_fails_naming_it(zh_dossier, tmp_path, capsys):
    def flip(assessment):
        assessment["verdict"] = "not_eligible"

    tampered = edit_json(zh_dossier[0], "assessment.json", flip)
    result = verify_dossier(tampered, lang="en")
    assert result.status == "mismatch"
    assert result.differences == ["verdict differs: the file states “not eligible”, recomputed “eligible”"] or any(
        d.startswith("verdict differs") for d in result.differences
    )
    assert _run(tmp_path, tampered, "--lang", "en") == 1
    assert "verdict differs" in capsys.readouterr().err


def test_changed_stated_finding_figure_fails_naming_the_criterion(zh_dossier):
    def inflate(assessment):
        for finding in assessment["findings"]:
            if finding["criterion"] == "4.1.premium":
                finding["measured"]["value"] = "9999999999"

    result = verify_dossier(edit_json(zh_dossier[0], "assessment.json", inflate))
    assert result.status == "mismatch"
    assert any("4.1.premium" in d and "实测" in d for d in result.differences)


def test_stated_as_of_and_readings_are_used_for_recomputing(zh_dossier):
    def other_reading(assessment):
        assessment["readings"]["original_seats"] = "original"

    result = verify_dossier(edit_json(zh_dossier[0], "assessment.json", other_reading))
    # Same verdict under the lenient reading, but the fingerprint covers the readings.
    assert result.status == "mismatch"
    assert any("输入指纹" in d for d in result.differences)


def test_invalid_embedded_application_is_a_mismatch(zh_dossier):
    def negative(app):
        app["proposed_site"]["planned_seats"] = -1

    result = verify_dossier(edit_json(zh_dossier[0], "application.json", negative))
    assert result.status == "mismatch"
    assert "proposed_site.planned_seats" in result.differences[0]


def test_untouched_rebuild_keeps_its_data_but_not_its_pages(zh_dossier):
    # Rewriting the file with pypdf leaves the embedded data consistent, but the file is no longer
    # the one that was generated: the data check passes, the page check does not.
    files = embedded(zh_dossier[0])
    rebuilt = replace_embedded(zh_dossier[0], "assessment.json", files["assessment.json"])
    assert verify_dossier(rebuilt, rerender=False).status == "ok"
    assert verify_dossier(rebuilt).status == "mismatch"


def test_pdf_without_embedded_files_is_not_a_dossier(tmp_path, capsys):
    result = verify_dossier(plain_pdf())
    assert result.status == "not_dossier" and result.application is None and result.stated is None
    assert _run(tmp_path, plain_pdf()) == 2
    assert "不是本工具生成的申请材料" in capsys.readouterr().err


@pytest.mark.parametrize("data", [b"not a pdf at all", b"", "申请".encode(), b"%PDF-1.7\ngarbage"])
def test_non_pdf_is_not_a_dossier(tmp_path, data):
    assert verify_dossier(data).status == "not_dossier"
    assert _run(tmp_path, data) == 2


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["verify", str(tmp_path / "nope.pdf")]) == 2
    assert "nope.pdf" in capsys.readouterr().err


def test_embedded_json_that_is_not_json_is_an_alteration(zh_dossier):
    # Both embedded files are there, so it is a dossier; a damaged one was altered (exit 1, not 2).
    result = verify_dossier(replace_embedded(zh_dossier[0], "assessment.json", b"{broken"))
    assert result.status == "mismatch"
    assert json.dumps("assessment.json")[1:-1] in result.differences[0]


# ---------------------------------------------------------------- the rendition block has no back door


def _restated(pdf: bytes, change) -> bytes:
    stated = json.loads(embedded(pdf)["assessment.json"])
    change(stated)
    return replace_embedded(pdf, "assessment.json", json.dumps(stated, ensure_ascii=False, indent=1).encode("utf-8"))


@pytest.mark.parametrize(
    "field, value",
    [("software", "0.0.1"), ("readiness", True), ("lang", "en"), ("generated_at", "2026-07-02T09:30:00+08:00"), ("internal_annex", False), ("pdf_variant", "pdf/a-3b")],
)
def test_an_edited_rendition_field_is_an_alteration_not_a_skipped_check(zh_dossier, tmp_path, capsys, field, value):
    edited = _restated(zh_dossier[0], lambda s: s["rendition"].__setitem__(field, value))
    result = verify_dossier(edited)
    assert result.status == "mismatch" and not result.pages_checked
    assert any("生成方式" in line for line in result.differences), result.differences
    assert _run(tmp_path, edited) == 1
    captured = capsys.readouterr()
    assert "核对通过" not in captured.out and "未被改动" not in captured.out


def test_a_recomputed_rendition_digest_still_does_not_match_the_pdf_identifier(zh_dossier):
    from assessor.dossier import rendition_digest

    def forge(stated):
        stated["rendition"]["software"] = "0.0.1"
        stated["rendition_digest"] = rendition_digest(stated["rendition"], stated["fingerprint"])

    result = verify_dossier(_restated(zh_dossier[0], forge))
    assert result.status == "mismatch" and any("PDF" in line for line in result.differences)


def test_a_removed_rendition_block_is_checked_on_data_only_never_called_unaltered(zh_dossier, tmp_path, capsys):
    def strip(stated):
        del stated["rendition"], stated["rendition_digest"]

    edited = _restated(zh_dossier[0], strip)
    result = verify_dossier(edited)
    assert result.status == "data_only" and not result.pages_checked
    assert _run(tmp_path, edited) == 5
    out = capsys.readouterr().out
    assert "仅数据一致，页面未能核对" in out and "未被改动" not in out.replace("不能确认文件未被改动", "")


def test_a_letter_edited_on_the_page_is_caught(zh_dossier):
    pdf = zh_dossier[0]
    # "edit the letter": replace the closing formula's bytes anywhere they occur in a content stream
    import io as _io

    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(_io.BytesIO(pdf)))
    writer.pages[0].merge_transformed_page(writer.pages[1], pypdf.Transformation().translate(0, 0))
    out = _io.BytesIO()
    writer.write(out)
    result = verify_dossier(out.getvalue())
    assert result.status == "mismatch"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_verify_status_has_its_screening_wording(lang):
    from assessor.dossier import verify as verify_module
    from assessor.i18n import has, t

    statuses = {verify_module.OK, verify_module.MISMATCH, verify_module.NOT_DOSSIER, verify_module.CANNOT_CHECK, verify_module.DATA_ONLY}
    assert all(has(f"screening.verify.{status}", lang) for status in statuses)
    # a file checked on its data only never reads like an unaltered one
    assert t("screening.verify.data_only", lang) != t("screening.verify.ok", lang)
