"""Bad input: each problem named by its path, in zh and en; money exact; nothing coerced silently."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from core_support import AS_OF, BASE, base, validate
from pydantic import ValidationError

from assessor import Application, ApplicationError
from assessor.intake import dump_application
from assessor.i18n import t
from assessor.intake.json_file import problems_from
from assessor.core.model import credit_code_check_char


def problems(data) -> list:
    with pytest.raises(ApplicationError) as info:
        validate(data)
    found = info.value.problems
    assert found, "an ApplicationError must carry at least one problem"
    markers = {"(file)": "errors.where.file", "(top level)": "errors.where.top_level"}
    for p in found:  # every problem reads in both languages and names its path (or, in words, the file)
        for lang in ("zh", "en"):
            where = t(markers[p.path], lang) if p.path in markers else p.path
            assert p.line(lang) == f"{where}: {p.message(lang)}"
        assert p.message("zh") and p.message("en")
    return found


def only(data) -> tuple[str, str]:
    found = problems(data)
    assert len(found) == 1, [p.line("en") for p in found]
    return found[0].path, found[0].key


def test_base_validates():
    app = validate(base())
    assert isinstance(app, Application)


# ---------------------------------------------------------------- types and ranges


def test_wrong_type_for_seats_names_the_row():
    app = base()
    app["existing_sites"].append(dict(app["existing_sites"][0], id="B", seats="许多"))
    path, key = only(app)
    assert path == "existing_sites[1].seats"
    assert key == "int_type"


def test_fractional_seats_are_refused_not_rounded():
    app = base()
    app["proposed_site"]["planned_seats"] = 500.5
    path, key = only(app)
    assert path == "proposed_site.planned_seats"


def test_wrong_type_for_a_yes_no_field():
    app = base()
    app["complaints"]["attested_complete"] = "也许"
    assert only(app)[0] == "complaints.attested_complete"


def test_negative_seats():
    app = base()
    app["existing_sites"].append(dict(app["existing_sites"][0], id="B", seats=-1))
    path, key = only(app)
    assert (path, key) == ("existing_sites[1].seats", "greater_than_equal")
    line = problems(app)[0]
    assert "0" in line.message("en") and "0" in line.message("zh")


def test_negative_money():
    app = base()
    app["premiums"]["declared_total"]["amount"] = "-5"
    assert only(app) == ("premiums.declared_total.amount", "money_negative")


def test_negative_money_in_ledger_names_the_row():
    app = base()
    app["premiums"]["ledger"] = [
        {"month": "2024-02", "product_code": "P1", "telemarketing_exclusive": True, "premium": "10", "unit": "元"},
        {"month": "2024-03", "product_code": "P1", "telemarketing_exclusive": True, "premium": -3, "unit": "元"},
    ]
    assert only(app) == ("premiums.ledger[1].premium", "money_negative")


@pytest.mark.parametrize("text", ["1,000", "12亿", "abc", "1e9", "", " . "])
def test_money_written_with_anything_but_digits_is_refused(text):
    app = base()
    app["premiums"]["declared_total"]["amount"] = text
    assert only(app)[0] == "premiums.declared_total.amount"


def test_unknown_unit():
    app = base()
    app["premiums"]["declared_total"]["unit"] = "千元"
    path, key = only(app)
    assert path == "premiums.declared_total.unit"
    assert "千元" in problems(app)[0].message("zh")


def test_unknown_field_is_refused():
    app = base()
    app["applicant"]["nickname"] = "x"
    assert only(app) == ("applicant.nickname", "extra_forbidden")


def test_unknown_top_level_field_is_refused():
    app = base()
    app["remarks"] = "x"
    assert only(app) == ("remarks", "extra_forbidden")


def test_missing_required_field():
    app = base()
    del app["proposed_site"]["planned_seats"]
    assert only(app) == ("proposed_site.planned_seats", "missing")


def test_every_problem_is_listed_at_once():
    app = base()
    app["existing_sites"][0]["seats"] = -5
    app["proposed_site"]["planned_seats"] = "x"
    app["premiums"]["declared_total"]["unit"] = "千元"
    paths = {p.path for p in problems(app)}
    assert paths == {"existing_sites[0].seats", "proposed_site.planned_seats", "premiums.declared_total.unit"}


# ---------------------------------------------------------------- dates


def test_a_date_in_the_future_is_refused():
    app = base()
    app["complaints"]["incidents"] = [
        {"date": "2026-07-01", "summary": "x", "seriously_harmed_consumers": False, "major_social_impact": False}
    ]
    path, key = only(app)
    assert (path, key) == ("complaints.incidents[0].date", "date_in_future")
    assert "2026-07-01" in problems(app)[0].message("en")


def test_today_itself_is_not_the_future():
    app = base()
    app["complaints"]["incidents"] = [
        {"date": AS_OF.isoformat(), "summary": "x", "seriously_harmed_consumers": False, "major_social_impact": False}
    ]
    validate(app)


def test_a_future_ledger_month_is_refused():
    app = base()
    app["premiums"]["ledger"] = [{"month": "2026-07", "product_code": "P1", "telemarketing_exclusive": True, "premium": "1", "unit": "元"}]
    assert only(app) == ("premiums.ledger[0].month", "date_in_future")


@pytest.mark.parametrize("month", ["2024-13", "2024/02", "202402", "2024-02-15"])
def test_badly_written_month(month):
    app = base()
    app["premiums"]["ledger"] = [{"month": month, "product_code": "P1", "telemarketing_exclusive": True, "premium": "1", "unit": "元"}]
    assert only(app)[0] == "premiums.ledger[0].month"


def test_not_a_date():
    app = base()
    app["centralized_selling"]["since"] = "2024-02-30"
    assert only(app)[0] == "centralized_selling.since"


def test_resolution_before_the_incident_is_an_end_before_a_start():
    app = base()
    app["complaints"]["incidents"] = [
        {"date": "2026-03-10", "resolved_on": "2026-03-01", "summary": "x", "seriously_harmed_consumers": False, "major_social_impact": False}
    ]
    path, key = only(app)
    assert key == "end_before_start"
    assert path.startswith("complaints.incidents[0]")


def test_declared_total_before_selling_began_is_an_end_before_a_start():
    app = base()
    app["premiums"]["declared_total"]["as_of"] = "2023-12-31"  # selling began 2024-01-15
    assert only(app)[1] == "end_before_start"


# ---------------------------------------------------------------- credit code (GB 32100-2015)


def _code_with(first17: str) -> str:
    return first17 + credit_code_check_char(first17)


def test_check_character_of_a_published_example():
    # 91350100M000100Y43 is the code GB 32100-2015 itself uses as its example
    assert credit_code_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    ("code", "key"),
    [
        (_code_with("91110000100017600")[:-1], "credit_code_length"),  # 17 characters
        (_code_with("91110000100017600") + "0", "credit_code_length"),  # 19
        ("91110000I00017600" + "0", "credit_code_chars"),  # I is not in the alphabet
        ("91110000O00017600" + "0", "credit_code_chars"),  # nor O
        ("91110000Z00017600" + "0", "credit_code_chars"),  # nor Z
        ("91110000100017600" + ("0" if credit_code_check_char("91110000100017600") != "0" else "1"), "credit_code_check"),
    ],
)
def test_malformed_credit_code(code, key):
    app = base()
    app["applicant"]["credit_code"] = code
    assert only(app) == ("applicant.credit_code", key)


def test_credit_code_is_read_in_capitals():
    app = base()
    app["applicant"]["credit_code"] = "91350100m000100y43"
    assert validate(app).applicant.credit_code == "91350100M000100Y43"


def test_wrong_check_digit_message_says_which_is_expected():
    first17 = "91110000100017600"
    right = credit_code_check_char(first17)
    wrong = "0" if right != "0" else "1"
    app = base()
    app["applicant"]["credit_code"] = first17 + wrong
    problem = problems(app)[0]
    assert right in problem.message("en") and right in problem.message("zh")


# ---------------------------------------------------------------- money exactness


def test_float_money_through_the_python_api_is_refused():
    app = base()
    app["premiums"]["declared_total"]["amount"] = 1000000000.01
    assert only(app) == ("premiums.declared_total.amount", "money_float")


def test_float_money_refused_by_the_model_itself():
    app = base()
    app["premiums"]["declared_total"]["amount"] = 12.5
    with pytest.raises(ValidationError) as info:
        Application.model_validate(app, context={"today": AS_OF})
    assert [p.key for p in problems_from(info.value)] == ["money_float"]


def test_json_number_money_is_read_exactly():
    app = base()
    app["premiums"]["declared_total"].update(amount="@", unit="元")
    text = json.dumps(app, ensure_ascii=False).replace('"@"', "1000000000.01")
    parsed = validate(text)
    assert parsed.premiums.declared_total.amount == Decimal("1000000000.01")
    assert run_text_status(text) == "met"
    below = text.replace("1000000000.01", "999999999.99")
    assert validate(below).premiums.declared_total.amount_yuan == Decimal("999999999.99")
    assert run_text_status(below) == "not_met"


def run_text_status(text: str) -> str:
    from assessor import assess, load_rulebook

    return assess(validate(text), load_rulebook(), AS_OF).finding("4.1.premium").status.value


def test_integer_and_decimal_money_are_accepted():
    app = base()
    app["premiums"]["declared_total"]["amount"] = 12
    assert validate(app).premiums.declared_total.amount == Decimal(12)
    app["premiums"]["declared_total"]["amount"] = Decimal("12.000000001")
    assert validate(app).premiums.declared_total.amount_yuan == Decimal("1200000000.1")


def test_json_number_with_exponent_survives_a_round_trip():
    # JSON allows 1E9 for a number; what is accepted on the way in must be written back readably.
    app = base()
    app["premiums"]["declared_total"].update(amount="@", unit="元")
    text = json.dumps(app, ensure_ascii=False).replace('"@"', "1.2E9")
    parsed = validate(text)
    assert parsed.premiums.declared_total.amount_yuan == Decimal(1_200_000_000)
    assert validate(dump_application(parsed)) == parsed


# ---------------------------------------------------------------- not JSON / not an object


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ("{", "not_json"),
        ("", "not_json"),
        (b"\xff\xfe\x00", "not_utf8"),
        ("[]", "not_object"),
        ("42", "not_object"),
        ("null", "not_object"),
    ],
)
def test_not_an_application_file(data, key):
    assert only(data)[1] == key


def test_messages_are_in_the_chosen_language():
    app = base()
    app["existing_sites"][0]["seats"] = -1
    problem = problems(app)[0]
    zh, en = problem.message("zh"), problem.message("en")
    assert zh != en
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh)
    assert all(not ("\u4e00" <= ch <= "\u9fff") for ch in en)


def test_application_is_frozen():
    app = validate(base())
    with pytest.raises(ValidationError):
        app.proposed_site.planned_seats = 1  # type: ignore[misc]


def test_dump_and_parse_round_trip_of_every_field():
    app = validate(base())
    assert validate(dump_application(app)) == app
    assert json.loads(dump_application(app))["premiums"]["declared_total"]["amount"] == "12"
    assert BASE["premiums"]["declared_total"]["amount"] == "12"  # the shared base is never changed


# ---------------------------------------------------------------- amounts beyond any real ledger


@pytest.mark.parametrize(
    ("literal", "unit"),
    [
        ("1e40", "元"),  # a JSON number with a large exponent
        ("1" + "0" * 40, "元"),  # a 41-digit JSON integer
        ('"123456789012345678901234567890.12"', "万元"),  # 32 significant digits, more than Decimal's default 28
        ("1.5e-30", "亿元"),
    ],
)
def test_extreme_amounts_are_exact_or_refused_never_a_crash(literal, unit):
    import decimal

    from assessor import assess, load_rulebook
    from assessor.report import render_text

    app = base()
    app["premiums"]["declared_total"].update(amount="@", unit=unit)
    text = json.dumps(app, ensure_ascii=False).replace('"@"', literal)
    try:
        parsed = validate(text)
    except ApplicationError as exc:  # refusing is fine, with the field named
        assert [p.path for p in exc.problems] == ["premiums.declared_total.amount"]
        assert all(p.message("zh") and p.message("en") for p in exc.problems)
        return
    written = Decimal(json.loads(text, parse_float=Decimal, parse_int=Decimal)["premiums"]["declared_total"]["amount"])
    with decimal.localcontext() as ctx:
        ctx.prec = 200
        exact = written * {"元": 1, "万元": 10_000, "亿元": 100_000_000}[unit]
    assessment = assess(parsed, load_rulebook(), AS_OF)
    assert assessment.finding("4.1.premium").measured.value == exact  # never silently rounded
    assessment.to_json_text()
    for lang in ("zh", "en"):
        render_text(assessment, parsed.applicant.name, lang)
