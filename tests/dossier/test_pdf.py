"""The dossier as a reader gets it: the real PDF read back with pypdf, pdftotext and pdftoppm."""

from __future__ import annotations

import io
import re

import pytest
from dossier_support import base_fonts, embedded, example, ink_ratio, pdftotext, squash
from pypdf import PdfReader

from assessor import assess, load_rulebook
from assessor.dossier import preview_png
from assessor.i18n import format_yuan
from assessor.report import format_quantity


def test_title_letter_and_closing_are_printed(zh_text):
    text = zh_text
    assert "关于申请增设电话营销专用产品销售职场的请示" in text
    assert "国家金融监督管理总局：" in text
    assert "妥否，请批复。" in text
    assert "华安信达财产保险股份有限公司" in text
    # 成文日期 in Arabic numerals, month and day without a leading zero (GB/T 9704-2012 §7.3.5.3)
    assert "2026年7月1日" in text
    app, _ = example("01-eligible-two-sites.json")
    assert f"联系人：{app.applicant.contact_person}" in text


def test_every_criterion_id_clause_and_key_figure_is_printed(zh_text):
    text = zh_text
    app, as_of = example("01-eligible-two-sites.json")
    assessment = assess(app, as_of=as_of)
    for finding in assessment.findings:
        assert finding.criterion in text
        assert squash(finding.clause) in text
        assert squash(finding.clause_text) in text
        if finding.measured is not None:
            assert squash(format_quantity(finding.measured, "zh")) in text
    premium = assessment.finding("4.1.premium").measured.value
    assert squash(format_yuan(premium, "zh")) in text
    assert assessment.fingerprint in text
    for site in app.existing_sites:
        assert site.name in text and f"{site.seats:,}" in text


def test_method_page_names_rulebook_readings_and_software(zh_text):
    text = zh_text
    rulebook = load_rulebook()
    import assessor

    assert rulebook.id in text
    assert f"版本日期{rulebook.version_date.isoformat()}" in text
    assert squash(rulebook.currency_notice_zh) in text
    for reading in rulebook.readings.values():
        assert squash(reading.options[reading.default].zh) in text
    for convention in rulebook.conventions.values():
        assert squash(convention.zh)[:30] in text
    assert f"assessor{assessor.__version__}" in text
    assert "2026-07-01T09:30:00+08:00" in text


def test_attachments_list_names_every_document(zh_text):
    text = zh_text
    assert "附件清单" in text
    app, as_of = example("01-eligible-two-sites.json")
    assessment = assess(app, as_of=as_of)
    documents = {e.document for f in assessment.findings for e in (*f.evidence, *(e for p in f.parts for e in p.evidence))}
    assert len(documents) >= 5
    for document in documents:
        assert squash(document) in text


def test_fonts_are_embedded_cjk_fonts_and_nothing_was_missing(zh_dossier):
    pdf, warnings = zh_dossier
    fonts = base_fonts(pdf)
    assert any("CJK" in name for name in fonts), fonts
    # Every font is a CJK font except the monospace one used for hashes and criterion ids.
    assert all("CJK" in name or "Mono" in name for name in fonts), fonts
    # WeasyPrint logs fallback, subsetting and fetch failures here; a clean run logs nothing.
    assert warnings == []




def test_preview_png_of_page_one_has_ink(zh_dossier):
    png = preview_png(zh_dossier[0], page=1)
    assert png.startswith(b"\x89PNG")
    assert ink_ratio(png) > 0.005
    letter = preview_png(zh_dossier[0], page=2)
    assert ink_ratio(letter) > 0.02


def test_pdfa_3b_markers_and_both_embedded_files(zh_dossier):
    pdf = zh_dossier[0]
    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.xmp_metadata.stream.get_data().decode("utf-8")
    assert re.search(r'pdfaid:part="?3', xmp) and re.search(r'pdfaid:conformance="?B', xmp)
    root = reader.trailer["/Root"]
    assert "/OutputIntents" in root
    assert len(root["/AF"]) == 2
    files = embedded(pdf)
    assert set(files) == {"application.json", "assessment.json"}
    app, as_of = example("01-eligible-two-sites.json")
    assert files["application.json"].decode("utf-8") == app.model_dump_json()
    assert b'"verdict": "eligible"' in files["assessment.json"]


def test_english_dossier_renders(en_dossier):
    pdf, warnings = en_dossier
    text = squash(pdftotext(pdf))
    assert squash("Request for approval to open an additional telemarketing-exclusive product sales site") in text
    assert "NationalFinancialRegulatoryAdministration" in text
    for criterion in ("4.1.tenure", "4.2.new_seats", "4.4.operations"):
        assert criterion in text
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert f"Page{pages}of{pages}" in text
    assert warnings == []


def test_relocation_has_its_own_title(relocation_dossier):
    text = squash(pdftotext(relocation_dossier))
    assert "关于申请变更电话营销专用产品销售职场的请示" in text
    assert "关于申请增设" not in text


def test_running_header_and_page_x_of_y(zh_dossier, zh_text):
    pages = len(PdfReader(io.BytesIO(zh_dossier[0])).pages)
    text = zh_text
    assert f"第{pages}页共{pages}页" in text
    assert "华安信达财产保险股份有限公司电销职场申请材料" in text
    assert "—2—" in text  # the letter's page number after GB/T 9704


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dossier_is_deterministic_given_generated_at(lang):
    from assessor.dossier import dossier_html
    from dossier_support import GENERATED_AT

    app, as_of = example("02-premium-short.json")
    first = dossier_html(app, as_of=as_of, lang=lang, generated_at=GENERATED_AT)
    second = dossier_html(app, as_of=as_of, lang=lang, generated_at=GENERATED_AT)
    assert first == second


@pytest.mark.parametrize("fixture, title", [("zh_dossier", "关于申请增设电话营销专用产品销售职场的请示"), ("en_dossier", "Request for approval to open")])
def test_cover_is_one_page_and_the_letter_starts_page_two(request, fixture, title):
    import subprocess

    pdf = request.getfixturevalue(fixture)[0]
    page_two = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60).stdout.decode()
    assert squash(page_two).startswith(squash(title))
