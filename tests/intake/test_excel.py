"""The Excel template and workbook intake, through real .xlsx files written and read by openpyxl."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from datetime import date, datetime
from decimal import Decimal

import pytest
from intake_support import EXAMPLES, example_names, expected_dates, open_workbook, to_bytes

from assessor.i18n import t
from assessor.intake import ApplicationError, load_application, parse_application
from assessor.intake import excel
from assessor.intake.excel import application_from_workbook, application_to_workbook, template_workbook

SHA = "ab" * 32
TODAY = date(2026, 6, 30)

APPLICANT = "申请人 Applicant"
SELLING = "集中销售与累计保费 Selling & total"
LEDGER = "保费台账 Premium ledger"
SITES = "现有职场 Existing sites"
PROPOSED = "拟设职场 Proposed site"
COMPANY = "公司号码与产品 Company"
COMPLAINTS = "投诉 Complaints"
VIOLATIONS = "违规记录 Violations"
UNIFICATIONS = "五统一 Unifications"
TEAMS = "现有职场管理团队 Site teams"


def problems(data: bytes, lang: str, today: date = TODAY) -> dict[str, str]:
    """Every problem of a workbook as {path: message in lang}."""
    with pytest.raises(ApplicationError) as caught:
        application_from_workbook(data, today=today)
    return {p.path: p.message(lang) for p in caught.value.problems}


# ---------------------------------------------------------------- the blank template


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_template_has_instructions_and_one_sheet_per_section_with_bilingual_headers(lang):
    book = open_workbook(template_workbook(lang))
    assert book.sheetnames == ["说明 Instructions", APPLICANT, SELLING, LEDGER, SITES, TEAMS, PROPOSED, COMPANY, COMPLAINTS, VIOLATIONS, UNIFICATIONS]
    assert book[SITES]["E1"].value == "坐席数 / Seats"
    assert [c.value for c in book[TEAMS][1]] == ["职场编号 / Site id", "姓名 / Name", "职务 / Role", "劳动关系所在单位 / Employing unit"]
    assert book[APPLICANT]["A3"].value == "统一社会信用代码 / Unified social credit code"
    assert book[LEDGER]["E1"].value == "单位 / Unit"
    instructions = [c.value for row in book["说明 Instructions"].iter_rows() for c in row if c.value]
    assert t("excel.instructions.title", lang) in instructions
    assert t("excel.instructions.units", lang) in instructions
    for name in book.sheetnames[1:]:  # every data sheet is explained
        assert name in instructions


def _validations(sheet) -> list[tuple[str, str, str]]:
    return [(dv.type, dv.formula1 or "", str(dv.sqref)) for dv in sheet.data_validations.dataValidation]


def _covers(sheet, cell: str, kind: str, formula: str | None = None) -> bool:
    return any(
        dv.type == kind and (formula is None or dv.formula1 == formula) and cell in dv.sqref for dv in sheet.data_validations.dataValidation
    )


def test_template_dropdowns_for_yes_no_insurer_type_application_type_units_and_status():
    book = open_workbook(template_workbook("zh"))
    assert _covers(book[APPLICANT], "B5", "list", '"是,否"')  # approved for telemarketing products
    assert _covers(book[APPLICANT], "B4", "list", '"财产保险公司,人身保险公司,其他"')
    assert _covers(book[APPLICANT], "B7", "list", '"新设职场,职场迁址"')
    assert _covers(book[LEDGER], "E3", "list", '"元,万元,亿元"')
    assert _covers(book[LEDGER], "E400", "list", '"元,万元,亿元"')
    assert _covers(book[LEDGER], "C3", "list", '"是,否"')
    assert _covers(book[SELLING], "B8", "list", '"元,万元,亿元"')
    assert _covers(book[COMPLAINTS], "E7", "list", '"处理中,已办结"')
    assert _covers(book[COMPLAINTS], "B2", "list", '"是,否"')
    assert _covers(book[UNIFICATIONS], "D3", "list", '"是,否"')
    assert _covers(book[SITES], "E3", "whole")
    assert _covers(book[PROPOSED], "B4", "whole")


def test_template_dropdowns_follow_the_language():
    book = open_workbook(template_workbook("en"))
    assert _covers(book[APPLICANT], "B5", "list", '"yes,no"')
    assert _covers(book[COMPLAINTS], "E7", "list", '"open,resolved"')


def test_template_date_cells_are_formatted_and_validated_as_dates(eligible):
    book = open_workbook(template_workbook("zh"))
    # Table columns carry the format as a column style, which every row typed into takes.
    assert book[SITES].column_dimensions["G"].number_format == "yyyy-mm-dd"
    assert book[LEDGER].column_dimensions["A"].number_format == "yyyy-mm"
    assert book[COMPLAINTS].column_dimensions["A"].number_format == "yyyy-mm-dd"
    assert book[SELLING]["B2"].number_format == "yyyy-mm-dd"
    assert book[PROPOSED]["B5"].number_format == "yyyy-mm-dd"
    assert _covers(book[SITES], "G3", "date")
    assert _covers(book[PROPOSED], "B5", "date")
    # Codes keep leading zeros: text format.
    assert book[APPLICANT]["B3"].number_format == "@"
    assert book[SITES].column_dimensions["A"].number_format == "@"
    filled = open_workbook(application_to_workbook(eligible[0]))
    assert filled[SITES]["G3"].number_format == "yyyy-mm-dd" and filled[SITES]["G3"].is_date
    assert filled[LEDGER]["A3"].number_format == "yyyy-mm" and filled[LEDGER]["A3"].is_date


def test_template_lists_every_unification_sub_item_with_its_rulebook_label():
    book = open_workbook(template_workbook("zh"))
    sheet = book[UNIFICATIONS]
    rows = [(r[0].value, r[1].value, r[2].value) for r in sheet.iter_rows(min_row=3) if r[0].value]
    assert len(rows) == 13
    assert ("systems", "call_access", "电话的集中接入 / Centralized call access") in rows
    assert rows[0][:2] == ("staff", "head_office_team")


def test_blank_template_reads_back_as_missing_required_fields_named_by_cell():
    found = problems(template_workbook("zh"), "zh")
    assert found[f"{APPLICANT}!B2 (公司名称 / Company name)"] == t("errors.input.missing", "zh")
    assert f"{PROPOSED}!B4 (计划坐席数 / Planned seats)" in found


# ---------------------------------------------------------------- filling the template as a user would


def _fill_like_a_user() -> bytes:
    book = open_workbook(template_workbook("zh"))
    a = book[APPLICANT]
    a["B2"], a["B3"], a["B4"], a["B5"] = "华安信达财产保险股份有限公司", "911100001000176006", "财产保险公司", "是"
    a["B6"], a["B7"], a["B9"], a["B10"] = "保监产险〔2009〕118号", "新设职场", "李明", "010-6688 1234"
    s = book[SELLING]
    s["B2"], s["B3"], s["B4"] = datetime(2021, 3, 1), "启动批复.pdf\n会议纪要.pdf", SHA
    s["B7"], s["B8"], s["B9"], s["B10"] = 1050000000.5, "元", "2025年12月31日", "审计报告.pdf"
    ledger = book[LEDGER]
    ledger.append([])  # nothing: appended rows land after the formatted ones; the table is filled by cell below
    rows = [
        (datetime(2024, 1, 1), "DX-01", "是", 2150.5, "万元"),
        ("2024-02", "DX-01", "yes", "1,234.56", "元"),
        (None, None, None, None, None),  # a blank row in the middle is skipped
        ("2024/03", "CX-05", "否", 0.1, "亿元"),
        ("  ", "", None, "", None),  # trailing rows with nothing but spaces are ignored
    ]
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            ledger.cell(3 + offset, column, value)
    sites = book[SITES]
    for column, value in enumerate(("BJ-01", "北京电销中心", "北京", "北京市朝阳区东三环中路1号", 1200, "京保监复〔2010〕55号", datetime(2010, 8, 20)), 1):
        sites.cell(3, column, value)
    for column, value in enumerate(("CD-01", "成都电销中心", "成都", "成都市高新区天府大道北段28号", 650.0, None, "2015-05-11"), 1):
        sites.cell(4, column, value)
    p = book[PROPOSED]
    p["B2"], p["B3"], p["B4"], p["B5"] = "武汉", "武汉市东湖高新区光谷大道77号", 600, datetime(2026, 9, 1)
    p["B6"], p["B7"], p["B8"], p["B9"] = 95510, "4008-095-510\n95510", "全国集中电销核心系统 V5", "DX-01，DX-02"
    p["B10"] = "武汉职场建设方案.pdf"
    p["A16"], p["B16"], p["C16"] = "王强", "职场总经理", "总公司电销运营管理部"
    c = book[COMPANY]
    c["B2"], c["B3"] = "总公司电销运营管理部", "全国集中电销核心系统 V5"
    c["A8"], c["A9"] = 95510, "4008-095-510"
    c["C8"], c["D8"], c["C9"] = "DX-01", "电销专用机动车商业保险", "DX-02"
    complaints = book[COMPLAINTS]
    complaints["B2"] = "是"
    for column, value in enumerate((datetime(2025, 3, 2), "客户投诉保单配送延迟", "否", "否", "已办结", datetime(2025, 3, 20), "12378热线"), 1):
        complaints.cell(7, column, value)
    book[VIOLATIONS]["B2"] = "否"
    teams = book[TEAMS]
    for column, value in enumerate(("BJ-01", "赵敏", "职场负责人", "总公司电销运营管理部"), 1):
        teams.cell(3, column, value)
    u = book[UNIFICATIONS]
    u["D3"], u["E3"], u["F3"], u["G3"] = "是", "由总公司派出", "派驻文件.pdf\n任命书.pdf", f"\n{SHA}"
    u["D4"] = "否"
    return to_bytes(book)


def test_a_template_filled_in_with_openpyxl_reads_as_the_application_typed():
    application = application_from_workbook(_fill_like_a_user(), today=TODAY)
    expected = parse_application(
        {
            "applicant": {
                "name": "华安信达财产保险股份有限公司",
                "credit_code": "911100001000176006",
                "insurer_type": "property_casualty",
                "telemarketing_approved": True,
                "telemarketing_approval_ref": "保监产险〔2009〕118号",
                "application_type": "new_site",
                "contact_person": "李明",
                "contact_phone": "010-6688 1234",
            },
            "centralized_selling": {"since": "2021-03-01", "evidence": [{"document": "启动批复.pdf", "sha256": SHA}, {"document": "会议纪要.pdf"}]},
            "premiums": {
                "ledger": [
                    {"month": "2024-01", "product_code": "DX-01", "telemarketing_exclusive": True, "premium": "2150.5", "unit": "万元"},
                    {"month": "2024-02", "product_code": "DX-01", "telemarketing_exclusive": True, "premium": "1234.56", "unit": "元"},
                    {"month": "2024-03", "product_code": "CX-05", "telemarketing_exclusive": False, "premium": "0.1", "unit": "亿元"},
                ],
                "declared_total": {"amount": "1050000000.5", "unit": "元", "as_of": "2025-12-31", "evidence": [{"document": "审计报告.pdf"}]},
            },
            "existing_sites": [
                {
                    "id": "BJ-01",
                    "name": "北京电销中心",
                    "city": "北京",
                    "address": "北京市朝阳区东三环中路1号",
                    "approval_ref": "京保监复〔2010〕55号",
                    "approval_date": "2010-08-20",
                    "seats": 1200,
                    "management_team": [{"name": "赵敏", "role": "职场负责人", "employing_unit": "总公司电销运营管理部"}],
                },
                {"id": "CD-01", "name": "成都电销中心", "city": "成都", "address": "成都市高新区天府大道北段28号", "approval_date": "2015-05-11", "seats": 650},
            ],
            "proposed_site": {
                "city": "武汉",
                "address": "武汉市东湖高新区光谷大道77号",
                "planned_seats": 600,
                "planned_opening": "2026-09-01",
                "inbound_numbers": ["95510"],
                "outbound_numbers": ["4008-095-510", "95510"],
                "management_team": [{"name": "王强", "role": "职场总经理", "employing_unit": "总公司电销运营管理部"}],
                "business_system": "全国集中电销核心系统 V5",
                "products": ["DX-01", "DX-02"],
                "evidence": [{"document": "武汉职场建设方案.pdf"}],
            },
            "company": {
                "head_office_unit": "总公司电销运营管理部",
                "business_system": "全国集中电销核心系统 V5",
                "nationwide_numbers": ["95510", "4008-095-510"],
                "approved_products": [{"code": "DX-01", "name": "电销专用机动车商业保险"}, {"code": "DX-02"}],
            },
            "complaints": {
                "incidents": [
                    {
                        "date": "2025-03-02",
                        "summary": "客户投诉保单配送延迟",
                        "seriously_harmed_consumers": False,
                        "major_social_impact": False,
                        "status": "resolved",
                        "resolved_on": "2025-03-20",
                        "source": "12378热线",
                    }
                ],
                "attested_complete": True,
            },
            "violations": {"records": [], "attested_complete": False},
            "unifications": {
                "staff": {
                    "head_office_team": {
                        "attested": True,
                        "description": "由总公司派出",
                        "evidence": [{"document": "派驻文件.pdf"}, {"document": "任命书.pdf", "sha256": SHA}],
                    }
                },
                "systems": {"call_access": {"attested": False}},
            },
        },
        today=TODAY,
    )
    assert application == expected
    # Exact money, not merely equal as numbers: the float cell kept every digit typed.
    assert str(application.premiums.declared_total.amount) == "1050000000.5"
    assert str(application.premiums.ledger[2].premium) == "0.1"
    assert application.unifications.systems.equipment.attested is None  # left empty: not answered


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("name", example_names())
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_example_round_trips_through_a_workbook(name, lang):
    today = expected_dates().get(name, date.today())
    application = load_application(EXAMPLES / name, today=today)  # every example is valid on its date
    back = application_from_workbook(application_to_workbook(application, lang), today=today)
    assert back == application
    assert back.model_dump(mode="json") == application.model_dump(mode="json")


def test_amounts_a_double_cannot_hold_are_written_as_text_and_read_back_exactly(eligible):
    application, today = eligible
    data = application.model_dump(mode="json")
    data["premiums"]["ledger"][0]["premium"] = "123456789012345.678"
    data["premiums"]["ledger"][1]["premium"] = "9999999999.9999999999"
    data["unifications"]["staff"]["head_office_team"]["description"] = "=HYPERLINK(\"http://x\")"
    application = parse_application(data, today=today)
    workbook = application_to_workbook(application)
    cell = open_workbook(workbook)[LEDGER]["D3"]
    assert cell.value == "123456789012345.678" and cell.data_type == "s"
    assert open_workbook(workbook)[UNIFICATIONS]["E3"].data_type == "s"  # text, never a formula
    back = application_from_workbook(workbook, today=today)
    assert back.premiums.ledger[0].premium == Decimal("123456789012345.678")
    assert back.premiums.ledger[1].premium == Decimal("9999999999.9999999999")
    assert back.unifications.staff.head_office_team.description == "=HYPERLINK(\"http://x\")"


@pytest.mark.parametrize(
    "value, exact",
    [(2150.5, "2150.5"), (0.1, "0.1"), (1e20, "100000000000000000000"), (1234567.891, "1234567.891"), (5, "5"), (3.0, "3")],
)
def test_money_from_a_number_cell_is_its_shortest_exact_decimal(value, exact):
    assert excel.number_text(value) == exact


# ---------------------------------------------------------------- errors by sheet, row and column


def _broken(eligible, edits) -> bytes:
    application, _ = eligible
    book = open_workbook(application_to_workbook(application))
    for sheet, cell, value in edits:
        book[sheet][cell] = value
    return to_bytes(book)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_seat_count_bad_date_unknown_unit_and_malformed_credit_code_are_named_by_cell(eligible, lang):
    _, today = eligible
    data = _broken(
        eligible,
        [
            (SITES, "E4", "六百五"),
            (SITES, "G3", "2010-02-30"),
            (LEDGER, "E5", "千元"),
            (APPLICANT, "B3", "91110000100017600"),
        ],
    )
    found = problems(data, lang, today)
    assert found == {
        f"{SITES}!E4 (坐席数 / Seats)": t("errors.input.int_parsing", lang, input="六百五"),
        f"{SITES}!G3 (批准日期 / Approval date)": t("errors.input.date_from_datetime_parsing", lang, input="2010-02-30"),
        f"{LEDGER}!E5 (单位 / Unit)": t("excel.problem.bad_choice", lang, input="千元", choices=t("excel.hint.separator", lang).join(["元", "万元", "亿元"])),
        f"{APPLICANT}!B3 (统一社会信用代码 / Unified social credit code)": t("errors.input.credit_code_length", lang, n=17),
    }


def test_a_wrong_check_digit_and_a_negative_premium_and_a_bad_yes_no(eligible):
    _, today = eligible
    found = problems(_broken(eligible, [(APPLICANT, "B3", "91110000100017600X"), (LEDGER, "D6", -5), (UNIFICATIONS, "D3", "也许")]), "zh", today)
    assert found[f"{APPLICANT}!B3 (统一社会信用代码 / Unified social credit code)"] == t("errors.input.credit_code_check", "zh", expected="6", actual="X")
    assert found[f"{LEDGER}!D6 (保费 / Premium)"] == t("errors.input.money_negative", "zh")
    assert found[f"{UNIFICATIONS}!D3 (已落实 / In place)"] == t("errors.input.bool_parsing", "zh", input="也许")


def test_a_future_date_a_date_with_a_time_and_a_bare_number_for_a_date(eligible):
    application, today = eligible
    book = open_workbook(application_to_workbook(application))
    book[SITES]["G3"] = datetime(2099, 1, 1)
    book[SITES]["G4"] = datetime(2015, 5, 11, 9, 30)
    book[SELLING]["B2"] = "2022"  # digits only: neither a date serial nor a Unix timestamp
    book[SELLING]["B2"].number_format = "@"
    book[LEDGER]["A3"] = 202204
    book[LEDGER]["A3"].number_format = "General"  # a number in a cell not formatted as a date
    found = problems(to_bytes(book), "en", today)
    assert found == {
        f"{SITES}!G3 (批准日期 / Approval date)": t("errors.input.date_in_future", "en", value="2099-01-01", today=today.isoformat()),
        f"{SITES}!G4 (批准日期 / Approval date)": t("errors.input.date_from_datetime_inexact", "en"),
        f"{SELLING}!B2 (集中销售电销专用产品起始日 / Centralized selling began on)": t("errors.input.date_parsing", "en", input="2022"),
        f"{LEDGER}!A3 (月份 / Month)": t("errors.input.month_format", "en", input="202204"),
    }


def test_dates_typed_as_text_in_common_chinese_forms_are_read(eligible):
    application, today = eligible
    book = open_workbook(application_to_workbook(application))
    book[SITES]["G3"], book[SITES]["G4"], book[LEDGER]["A3"] = "2010/8/20", "2015年5月11日", "2022年4月"
    back = application_from_workbook(to_bytes(book), today=today)
    assert back.existing_sites[0].approval_date == date(2010, 8, 20)
    assert back.existing_sites[1].approval_date == date(2015, 5, 11)
    assert back.premiums.ledger[0].month == date(2022, 4, 1)


def test_a_money_cell_keeps_the_decimals_its_format_shows_and_never_rounds(eligible):
    application, today = eligible
    book = open_workbook(application_to_workbook(application))
    book[LEDGER]["D3"], book[LEDGER]["D3"].number_format = 2150.5, "#,##0.00"
    book[LEDGER]["D4"], book[LEDGER]["D4"].number_format = 480.125, "#,##0.00"
    book[LEDGER]["D5"], book[LEDGER]["D5"].number_format = "1,050,000,000.50", "@"
    back = application_from_workbook(to_bytes(book), today=today)
    assert [str(r.premium) for r in back.premiums.ledger[:3]] == ["2150.50", "480.125", "1050000000.50"]


def test_an_unknown_insurer_type_lists_the_dropdown_choices_in_the_users_language(eligible):
    _, today = eligible
    data = _broken(eligible, [(APPLICANT, "B4", "寿险")])
    assert problems(data, "zh", today) == {f"{APPLICANT}!B4 (公司类型 / Insurer type)": "取值「寿险」无效，可选：财产保险公司、人身保险公司、其他"}
    assert problems(data, "en", today) == {f"{APPLICANT}!B4 (公司类型 / Insurer type)": "'寿险' is not allowed; choose one of: property & casualty, life, other"}


def test_a_record_level_rule_names_its_cell_and_a_list_rule_names_its_sheet(eligible):
    _, today = eligible
    edits = [(COMPLAINTS, "A7", datetime(2025, 3, 2)), (COMPLAINTS, "F7", datetime(2025, 3, 1)), (SITES, "A4", "BJ-01")]
    found = problems(_broken(eligible, edits), "zh", today)
    assert found[f"{COMPLAINTS}!F7 (办结日期 / Resolved on)"] == t("errors.input.end_before_start", "zh", end="2025-03-01", start="2025-03-02")
    assert found[SITES] == t("errors.input.duplicate_site_id", "zh", id="BJ-01")


def test_a_missing_cell_in_a_table_row_is_named_by_its_column(eligible):
    _, today = eligible
    found = problems(_broken(eligible, [(LEDGER, "B3", None)]), "zh", today)
    assert found == {f"{LEDGER}!B3 (产品代码 / Product code)": t("errors.input.missing", "zh")}


def test_an_unknown_unification_row_is_reported(eligible):
    _, today = eligible
    found = problems(_broken(eligible, [(UNIFICATIONS, "A20", "systems"), (UNIFICATIONS, "B20", "coffee_machine"), (UNIFICATIONS, "D20", "是")]), "en", today)
    assert found == {f"{UNIFICATIONS}!B20": t("excel.problem.unknown_item", "en", group="systems", item="coffee_machine")}


# ---------------------------------------------------------------- files that are not a filled template


def _xlsx_without(sheet_name: str, eligible) -> bytes:
    application, _ = eligible
    book = open_workbook(application_to_workbook(application))
    del book[sheet_name]
    return to_bytes(book)


def test_a_missing_applicant_sheet_is_named(eligible):
    assert problems(_xlsx_without(APPLICANT, eligible), "zh") == {APPLICANT: t("excel.problem.missing_sheet", "zh", sheet=APPLICANT)}


def test_an_optional_sheet_may_be_left_out(eligible):
    application, today = eligible
    back = application_from_workbook(_xlsx_without(VIOLATIONS, eligible), today=today)
    assert back.violations.records == [] and back.applicant == application.applicant


def _zip_with(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [b"", b"not a spreadsheet at all", b"PK\x03\x04broken zip", _zip_with("hello.txt", b"hello"), "申请人,名称\n".encode()],
    ids=["empty", "text", "broken-zip", "zip-not-xlsx", "csv"],
)
def test_a_file_that_is_not_xlsx_is_one_clear_problem(data):
    for lang in ("zh", "en"):
        found = problems(data, lang)
        assert list(found) == ["(file)"]
        assert found["(file)"].startswith(t("excel.problem.not_xlsx", lang, detail="").split("(")[0].split("（")[0])


def test_a_truncated_workbook_is_a_clear_problem(eligible):
    application, _ = eligible
    data = application_to_workbook(application)
    assert list(problems(data[: len(data) // 2], "en")) == ["(file)"]


def test_an_old_xls_file_is_told_to_be_saved_as_xlsx():
    assert problems(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "zh") == {"(file)": t("excel.problem.old_xls", "zh")}


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened():
    assert problems(b"PK" + b"\0" * (excel.MAX_WORKBOOK_BYTES + 1), "en") == {"(file)": t("excel.problem.too_large", "en", limit=10)}


def test_a_zip_that_would_inflate_past_the_limit_is_refused():
    data = _zip_with("xl/worksheets/sheet1.xml", b"\0" * (excel.MAX_UNPACKED_BYTES + 1024))
    assert len(data) < excel.MAX_WORKBOOK_BYTES
    assert problems(data, "zh") == {"(file)": t("excel.problem.too_large", "zh", limit=10)}


def test_a_sheet_with_more_rows_than_allowed_is_refused(eligible, monkeypatch):
    monkeypatch.setattr(excel, "MAX_ROWS_PER_SHEET", 30)
    found = problems(_broken(eligible, [(LEDGER, "A60", "2024-01")]), "en")
    assert found == {LEDGER: t("excel.problem.too_many_rows", "en", limit=30)}


def test_a_stray_cell_far_below_a_table_is_refused_quickly(eligible):
    found = problems(_broken(eligible, [(LEDGER, "A1048576", "x")]), "zh")
    assert found == {LEDGER: t("excel.problem.too_many_rows", "zh", limit=excel.MAX_ROWS_PER_SHEET)}


def test_an_inserted_column_of_notes_is_left_alone_and_columns_are_found_by_their_labels(eligible):
    application, today = eligible
    book = open_workbook(application_to_workbook(application))
    book[SITES].insert_cols(3)
    book[SITES]["C1"], book[SITES]["C3"] = "备注 / Notes", "我们自己的备注"
    assert application_from_workbook(to_bytes(book), today=today) == application


def test_a_required_column_whose_label_is_gone_is_named_not_read_from_another_column(eligible):
    application, today = eligible
    book = open_workbook(application_to_workbook(application))
    book[SITES]["E1"] = "人数"
    found = problems(to_bytes(book), "en", today)
    assert found == {f"{SITES}!E1": t("excel.problem.missing_label", "en", expected="坐席数 / Seats")}


def test_a_value_beside_a_label_the_template_does_not_have_is_named_not_dropped(eligible):
    application, today = eligible
    book = open_workbook(application_to_workbook(application))
    book[PROPOSED]["A8"] = "核心系统版本"  # business_system's row, relabelled
    found = problems(to_bytes(book), "zh", today)
    assert found == {f"{PROPOSED}!A8": t("excel.problem.unknown_label", "zh", label="核心系统版本")}


def test_a_team_member_of_a_site_not_listed_is_named_by_its_cell(eligible):
    application, today = eligible
    book = open_workbook(application_to_workbook(application))
    book[TEAMS]["A3"] = "SH-09"
    found = problems(to_bytes(book), "zh", today)
    assert found == {f"{TEAMS}!A3 (职场编号 / Site id)": t("excel.problem.unknown_parent", "zh", key="SH-09", label="职场编号 / Site id")}


def test_each_existing_sites_team_is_its_own_rows_and_a_bad_member_is_named_by_cell(eligible):
    application, today = eligible
    book = open_workbook(application_to_workbook(application))
    rows = [[c.value for c in row] for row in book[TEAMS].iter_rows(min_row=3)]
    assert rows == [[site.id, m.name, m.role, m.employing_unit] for site in application.existing_sites for m in site.management_team]
    book[TEAMS]["D3"] = "  "
    found = problems(to_bytes(book), "zh", today)
    assert found == {f"{TEAMS}!D3 (劳动关系所在单位 / Employing unit)": t("errors.input.missing", "zh")}


def test_a_workbook_the_earlier_template_wrote_still_reads_as_its_application(eligible):
    # Written on 2026-12-05 by the template before the layout was derived from the model: each
    # site's team in one cell (姓名 / 职务 / 所在单位), other wordings for a few labels.
    application, today = eligible
    data = (Path(__file__).parent / "data" / "01-eligible-two-sites.template-2026-12-05.xlsx").read_bytes()
    assert application_from_workbook(data, today=today) == application


def test_headers_reworded_in_one_language_still_read(eligible):
    application, today = eligible
    book = open_workbook(application_to_workbook(application))
    book[SITES]["E1"] = "Seats"
    book[APPLICANT]["A2"] = "公司名称"
    assert application_from_workbook(to_bytes(book), today=today) == application


def test_a_malformed_sha256_is_named_by_its_evidence_cell(eligible):
    _, today = eligible
    found = problems(_broken(eligible, [(UNIFICATIONS, "F4", "架构.pdf\n说明.pdf"), (UNIFICATIONS, "G4", f"{SHA}\nnot-a-digest")]), "en", today)
    assert found == {f"{UNIFICATIONS}!G4 (证明材料SHA-256 / Evidence documents SHA-256)": t("errors.input.string_pattern_mismatch", "en", input="not-a-digest")}


@pytest.mark.parametrize("value, shown, exact", [(1e30, "#,##0.00", "1" + "0" * 30 + ".00"), (123456789012345.6, "0.000", "123456789012345.600"), (0.5, "0%", "0.5")])
def test_padding_a_money_cell_to_its_shown_decimals_never_rounds_or_fails(value, shown, exact):
    assert excel.money_text(value, shown) == exact


def test_a_workbook_with_one_damaged_sheet_is_a_clear_problem(eligible):
    application, _ = eligible
    source = zipfile.ZipFile(io.BytesIO(application_to_workbook(application)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as damaged:
        for info in source.infolist():
            content = source.read(info.filename)
            damaged.writestr(info, b"<worksheet><sheetData><row r='1'><c r='A1' t='s'>" if info.filename == "xl/worksheets/sheet5.xml" else content)
    found = problems(buffer.getvalue(), "en")
    assert list(found) == ["(file)"] and found["(file)"].startswith("not a valid Excel")
