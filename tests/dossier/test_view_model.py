"""The view model alone: what the dossier says, checked without rendering a PDF."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from dossier_support import EXPECTED, GENERATED_AT, ROOT, example

import assessor
from assessor import assess, load_rulebook
from assessor.dossier.view_model import build_view, cn_number, gb_punct, heading_number, letter_date

RULEBOOK = load_rulebook()


def view_of(name: str, lang: str = "zh", **kwargs):
    app, as_of = example(name)
    readings = kwargs.pop("readings", None)
    assessment = assess(app, RULEBOOK, as_of, readings)
    return build_view(app, assessment, RULEBOOK, lang, generated_at=GENERATED_AT, **kwargs), app, assessment


@pytest.mark.parametrize("n, text", [(1, "一"), (4, "四"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三")])
def test_chinese_numerals(n, text):
    assert cn_number(n) == text


def test_heading_levels_follow_gbt_9704():
    assert [heading_number(level, 2, "zh") for level in (1, 2, 3, 4)] == ["二、", "（二）", "2.", "（2）"]


def test_letter_date_in_arabic_numerals_without_leading_zeros():
    assert letter_date(date(2026, 7, 1), "zh") == "2026年7月1日"
    assert letter_date(date(2026, 11, 25), "zh") == "2026年11月25日"
    assert letter_date(date(2026, 7, 1), "en") == "2026-07-01"


def test_new_site_letter_title_addressee_and_closing():
    view, app, _ = view_of("01-eligible-two-sites.json")
    letter = view.letter
    assert letter.title == f"{app.applicant.name}关于申请增设电话营销专用产品销售职场的请示"
    assert letter.title_lines[-1].endswith("的请示") and letter.title_lines[-1] != "的请示"
    assert letter.issuer_mark == f"{app.applicant.name}文件"
    assert letter.addressee == RULEBOOK.successor_authority_zh == "国家金融监督管理总局"
    assert letter.closing == "妥否，请批示。"
    assert letter.signer == app.applicant.name
    assert letter.date == "2026年7月1日"
    assert app.applicant.contact_person in letter.contact and app.applicant.contact_phone in letter.contact
    assert [s.number for s in letter.sections] == ["一、", "二、", "三、", "四、"]
    unifications = letter.sections[-1].paragraphs
    assert [p.heading[:3] for p in unifications] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    assert app.proposed_site.city in letter.request


def test_letter_states_the_facts():
    view, app, assessment = view_of("01-eligible-two-sites.json")
    body = " ".join(p.text for s in view.letter.sections for p in s.paragraphs) + view.letter.opening
    assert f"{app.proposed_site.planned_seats:,}" in body
    for site in app.existing_sites:
        assert site.name in body and f"{site.seats:,}" in body
    from assessor.i18n import format_yuan

    assert format_yuan(assessment.finding("4.1.premium").measured.value, "zh") in body
    for member in app.proposed_site.management_team:
        assert member.name in body
    for number in app.proposed_site.inbound_numbers:
        assert number in body


def test_configurable_addressee():
    view, _, _ = view_of("01-eligible-two-sites.json", addressee="国家金融监督管理总局湖北监管局")
    assert view.letter.addressee == "国家金融监督管理总局湖北监管局"


def test_relocation_has_its_own_title_and_says_no_thresholds_apply():
    view, app, _ = view_of("10-relocation-xian.json")
    assert view.letter.title == f"{app.applicant.name}关于申请变更电话营销专用产品销售职场的请示"
    text = " ".join(p.text for s in view.letter.sections for p in s.paragraphs)
    assert "变更" in text and "本评估" not in text and RULEBOOK.scope.relocation_note_zh not in text
    assert view.cover.subtitle == "变更电话营销专用产品销售职场"


@pytest.mark.parametrize("name", [n for n, e in EXPECTED.items() if e["verdict"] not in ("eligible", "no_obstacle")])
def test_not_eligible_yields_a_gap_report_not_a_letter(name):
    view, _, assessment = view_of(name)
    assert view.letter is None and view.gap is not None
    assert view.gap.mark == "内部资料，不得报送" and "差距分析报告" in view.gap.title
    failing = [f.title["zh"] for f in assessment.findings if f.status.value in ("not_met", "insufficient_evidence")]
    assert [row.cells[0] for row in view.gap.shortfalls.rows] == [gb_punct(t) for t in failing]
    assert view.gap.overall


@pytest.mark.parametrize("name", [n for n, e in EXPECTED.items() if e["verdict"] in ("eligible", "no_obstacle")])
def test_letter_speaks_in_the_company_voice(name):
    import re

    view, _, assessment = view_of(name)
    if assessment.projected:
        assert view.letter is None
        return
    letter = view.letter
    text = " ".join([letter.title, letter.opening, letter.request, *(p.heading + p.text for s in letter.sections for p in s.paragraphs)])
    assert not re.search(r"\b4\.\d\.[a-z_]+", text), text  # no criterion id
    assert not re.search(r"\w=\w", text)  # no key=value
    for phrase in ("本评估", "不作推定", "申请人未声明", "报告如下", "「", "」", "(", ")"):
        assert phrase not in text, phrase


def test_projected_result_yields_no_letter():
    app, _ = example("17-projected-date.json")
    assessment = assess(app, RULEBOOK, date(2027, 1, 31), today=GENERATED_AT.date())
    assert assessment.projected
    view = build_view(app, assessment, RULEBOOK, "zh", generated_at=GENERATED_AT)
    assert view.letter is None and view.gap.projected


def test_declared_total_is_stated_as_of_its_own_cut_off():
    from assessor.dossier.view_model import _letter

    view, app, assessment = view_of("01-eligible-two-sites.json")
    finding = assessment.finding("4.1.premium")
    on = finding.explanation.values.get("on")
    text = " ".join(p.text for s in view.letter.sections for p in s.paragraphs)
    if on:
        assert letter_date(date.fromisoformat(on), "zh") in text


def test_gb_punctuation():
    assert gb_punct("四(一)「五个统一」") == "四（一）“五个统一”"
    assert gb_punct("see (a) and (b)") == "see (a) and (b)"


def test_summary_has_one_row_per_criterion_with_clause():
    view, _, assessment = view_of("02-premium-short.json")
    assert len(view.summary.rows) == len(RULEBOOK.criteria)
    for row, finding in zip(view.summary.rows, assessment.findings, strict=True):
        # the company's own pages name a condition by its title, never by the tool's id
        assert row.cells[0] == gb_punct(finding.title["zh"]) and finding.criterion not in row.cells[0]
        assert row.cells[1] == gb_punct(finding.clause)
    premium = next(r for r, f in zip(view.summary.rows, assessment.findings) if f.criterion == "4.1.premium")
    assert premium.css == "not-met" and premium.cells[2] == "不满足"
    assert "8,500万" in premium.cells[5] or "0.85亿元" in premium.cells[5]


def test_criterion_sections_carry_clause_text_reading_and_evidence():
    view, app, assessment = view_of("04-small-second-site.json")
    seats = next(c for c in view.criteria if c.criterion == "4.2.original_seats")
    assert seats.clause_text == RULEBOOK.criterion("4.2.original_seats").text
    assert seats.readings and RULEBOOK.readings["original_seats"].options["strict"].zh in seats.readings[0]
    assert seats.parts is not None and len(seats.parts.rows) == len(app.existing_sites)
    lenient, _, _ = view_of("04-small-second-site.json", readings={"original_seats": "original"})
    seats = next(c for c in lenient.criteria if c.criterion == "4.2.original_seats")
    assert RULEBOOK.readings["original_seats"].options["original"].zh in seats.readings[0]


def test_attachments_list_has_evidence_and_missing_per_criterion():
    view, _, assessment = view_of("12-incomplete-unattested.json")
    assert [e.criterion for e in view.attachments] == [f.criterion for f in assessment.findings]
    for entry, finding in zip(view.attachments, assessment.findings, strict=True):
        assert len(entry.missing) == len(finding.missing_evidence)
        for document in finding.evidence:
            assert document.document in [name for name, _ in entry.documents]
    incomplete = [e for e in view.attachments if e.missing]
    assert incomplete, "example 12 lacks evidence somewhere"
    # Missing items are named for a reader, not as internal keys.
    for entry in incomplete:
        for item in entry.missing:
            assert not item.isascii(), item


def test_method_page_names_everything_a_reviewer_needs():
    view, _, assessment = view_of("01-eligible-two-sites.json")
    fields = dict(view.method.fields)
    assert fields["规则编号"] == RULEBOOK.id
    assert fields["规则版本"] == str(RULEBOOK.version)
    assert fields["版本日期"] == RULEBOOK.version_date.isoformat()
    assert fields["评估日"] == assessment.as_of.isoformat()
    assert fields["生成时间"] == "2026-07-01T09:30:00+08:00"
    assert fields["软件版本"] == f"assessor {assessor.__version__}"
    assert fields["文号"].startswith("未经确认")  # the document number is unknown, not invented
    assert view.method.fingerprint == assessment.fingerprint
    assert view.method.currency_notice == RULEBOOK.currency_notice_zh
    assert len(view.method.readings.rows) == len(RULEBOOK.readings)
    assert len(view.method.conventions) == len(RULEBOOK.conventions)


def test_english_view():
    view, _, _ = view_of("01-eligible-two-sites.json", lang="en")
    assert "Request for approval to open" in view.letter.title
    assert view.letter.addressee == RULEBOOK.successor_authority_en
    assert view.letter.sections[0].number == "1. "
    assert dict(view.method.fields)["Rulebook id"] == RULEBOOK.id


def test_tables_mark_counted_events():
    view, app, _ = view_of("06-serious-complaint.json")
    complaints = next(t for t in view.tables if t.caption == "客户投诉事件")
    assert len(complaints.rows) == len(app.complaints.incidents)
    assert any(row.css == "not-met" for row in complaints.rows)


def test_view_model_needs_no_pdf_library():
    code = (
        "import sys; from assessor.dossier.view_model import build_view; "
        "from assessor import assess, load_application, load_rulebook; from datetime import date; "
        "app = load_application('examples/01-eligible-two-sites.json', today=date(2026, 6, 30)); rb = load_rulebook(); "
        "build_view(app, assess(app, rb, date(2026, 6, 30)), rb); "
        "assert 'weasyprint' not in sys.modules and 'matplotlib' not in sys.modules, sorted(m for m in sys.modules if 'weasy' in m or 'matplotlib' in m)"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)


def test_readiness_appendix_is_included_when_given():
    from datetime import date as _date

    from assessor.dossier import dossier_html
    from assessor.readiness import check_readiness, parse_log_spec

    logs = sorted((ROOT / "examples" / "logs").glob("*.csv"))
    report = check_readiness([parse_log_spec(str(p)) for p in logs], as_of=_date(2026, 11, 30))
    app, as_of = example("01-eligible-two-sites.json")
    html, _ = dossier_html(app, as_of=as_of, generated_at=GENERATED_AT, readiness=report, lang="en")
    assert 'class="readiness-appendix"' in html and 'lang="en"' in html
    assert f"4. {report.in_lang('en').appendix.title}" in html  # 附件说明: the fourth attachment
    without, _ = dossier_html(app, as_of=as_of, generated_at=GENERATED_AT)
    assert "readiness-appendix" not in without
