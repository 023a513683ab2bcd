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
    assert "华安信达财产保险股份有限公司关于申请增设电话营销专用产品销售职场的请示" in text
    assert "国家金融监督管理总局：" in text
    assert "妥否，请批示。" in text
    assert "现将有关情况请示如下" in text and "报告如下" not in text
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
    assert "证明材料目录" in text
    app, as_of = example("01-eligible-two-sites.json")
    assessment = assess(app, as_of=as_of)
    documents = {e.document for f in assessment.findings for e in (*f.evidence, *(e for p in f.parts for e in p.evidence))}
    assert len(documents) >= 5
    for document in documents:
        assert squash(document) in text


def test_fonts_are_embedded_cjk_fonts_and_nothing_was_missing(zh_dossier):
    pdf, warnings = zh_dossier
    fonts = base_fonts(pdf)
    # The text is set in the 仿宋/楷/黑/宋 faces GB/T 9704 asks for (Fandol); the charts in a
    # CJK sans. Nothing falls back to a face without Chinese.
    assert {"FandolFang", "FandolKai", "FandolHei", "FandolSong", "FandolSong-Bold"} <= fonts, fonts
    assert all(name.startswith("Fandol") or "CJK" in name for name in fonts), fonts
    # WeasyPrint logs fallback, subsetting and fetch failures here; a clean run logs nothing.
    assert warnings == []




def test_preview_png_of_page_one_has_ink(zh_dossier):
    png = preview_png(zh_dossier[0], page=1)
    assert png.startswith(b"\x89PNG")
    assert ink_ratio(png) > 0.005
    letter = preview_png(zh_dossier[0], page=2)
    assert ink_ratio(letter) > 0.02


def test_english_dossier_renders(en_dossier):
    pdf, warnings = en_dossier
    text = squash(pdftotext(pdf))
    assert squash("Request for approval to open an additional telemarketing-exclusive product sales site") in text
    assert "NationalFinancialRegulatoryAdministration" in text
    for criterion in ("4.1.tenure", "4.2.new_seats", "4.4.operations"):
        assert criterion in text
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert f"—{pages}—" in text
    assert warnings == []


def test_relocation_has_its_own_title(relocation_dossier):
    text = squash(pdftotext(relocation_dossier))
    assert "关于申请变更电话营销专用产品销售职场的请示" in text
    assert "关于申请增设" not in text
    assert "本评估" not in text.split("妥否")[0]  # the tool's voice stays out of the letter


def test_running_header_and_page_x_of_y(zh_dossier, zh_text):
    pages = len(PdfReader(io.BytesIO(zh_dossier[0])).pages)
    text = zh_text
    assert f"—{pages}—" in text and "第" + str(pages) + "页" not in text  # 「— N —」 throughout
    assert "—2—" in text  # the letter's page number after GB/T 9704


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dossier_is_deterministic_given_generated_at(lang):
    from assessor.dossier import dossier_html
    from dossier_support import GENERATED_AT

    app, as_of = example("02-premium-short.json")
    first = dossier_html(app, as_of=as_of, lang=lang, generated_at=GENERATED_AT)
    second = dossier_html(app, as_of=as_of, lang=lang, generated_at=GENERATED_AT)
    assert first == second
