"""The strict application model: nothing is coerced, every refusal is named by its path.

Yes/no fields take only JSON true/false, seats only whole JSON numbers, dates only YYYY-MM-DD,
every amount states its unit, text may not be blank, cross-field errors name their field, and an
input file is never read past the size limit. Each rule is checked on JSON text (the way a file
comes in) and on an already-parsed dict (the Python API), and a few through the command line.
"""

from __future__ import annotations

import copy
import json
import os
import re
import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from core_support import EXAMPLES

from assessor import Application, ApplicationError, load_application, parse_application
from assessor.cli import EXIT_INVALID, main
from assessor.i18n import t
from assessor.intake.json_file import MAX_APPLICATION_BYTES, Problem

TODAY = date(2026, 11, 25)
EXAMPLE = EXAMPLES / "02-premium-short.json"
_EXAMPLE_DATA: dict = json.loads(EXAMPLE.read_text(encoding="utf-8"))

LEDGER_ROW = {"month": "2025-01", "product_code": "HT-DX-AUTO", "telemarketing_exclusive": True, "premium": "1.5", "unit": "万元"}
INCIDENT = {
    "date": "2025-03-10",
    "summary": "客户投诉回访话术不当",
    "seriously_harmed_consumers": False,
    "major_social_impact": False,
    "status": "resolved",
    "resolved_on": "2025-03-20",
}


def example() -> dict:
    """Example 02 (a real application file) with one ledger row and one complaint added, so
    that every field these tests touch exists; valid on TODAY."""
    app = copy.deepcopy(_EXAMPLE_DATA)
    app["premiums"]["ledger"] = [dict(LEDGER_ROW)]
    app["complaints"]["incidents"] = [dict(INCIDENT)]
    return app


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _steps(path: str) -> list[str | int]:
    return [name if name else int(index) for name, index in _STEP.findall(path)]


def set_at(app: dict, path: str, value: Any) -> dict:
    """Set the field at a problem path such as `premiums.ledger[0].unit`."""
    *parents, last = _steps(path)
    node: Any = app
    for step in parents:
        node = node[step]
    node[last] = value
    return app


def delete_at(app: dict, path: str) -> dict:
    *parents, last = _steps(path)
    node: Any = app
    for step in parents:
        node = node[step]
    del node[last]
    return app


def get_at(obj: Any, path: str) -> Any:
    """Read the field at a path from a parsed Application (attributes and list indexes)."""
    for step in _steps(path):
        obj = obj[step] if isinstance(step, int) else getattr(obj, step)
    return obj


def json_with(app: dict, path: str, literal: str) -> bytes:
    """The application as JSON text with the value at `path` written as the raw JSON `literal`."""
    app = set_at(copy.deepcopy(app), path, "@@placeholder@@")
    text = json.dumps(app, ensure_ascii=False)
    assert text.count('"@@placeholder@@"') == 1
    return text.replace('"@@placeholder@@"', literal).encode("utf-8")


def problems(data: dict | str | bytes) -> list[Problem]:
    with pytest.raises(ApplicationError) as info:
        parse_application(data, today=TODAY)
    found = info.value.problems
    assert found, "an ApplicationError must carry at least one problem"
    return found


def only(data: dict | str | bytes) -> Problem:
    found = problems(data)
    assert len(found) == 1, [p.line("en") for p in found]
    return found[0]


def accepted(data: dict | str | bytes) -> Application:
    return parse_application(data, today=TODAY)


def test_the_starting_application_is_valid_as_dict_and_as_text():
    app = example()
    assert accepted(app) == accepted(json.dumps(app, ensure_ascii=False).encode("utf-8"))


# ---------------------------------------------------------------- 1. yes/no is true or false

BOOL_FIELDS = [
    "complaints.attested_complete",
    "violations.attested_complete",
    "unifications.staff.head_office_team.attested",
    "applicant.telemarketing_approved",
    "premiums.ledger[0].telemarketing_exclusive",
    "complaints.incidents[0].seriously_harmed_consumers",
]
NOT_BOOLS = ["yes", "true", 1, 0, "no"]


@pytest.mark.parametrize("value", NOT_BOOLS, ids=repr)
@pytest.mark.parametrize("path", BOOL_FIELDS)
@pytest.mark.parametrize("form", ["dict", "json"])
def test_a_yes_no_field_takes_only_true_or_false(form, path, value):
    app = set_at(example(), path, value)
    data = app if form == "dict" else json.dumps(app, ensure_ascii=False).encode("utf-8")
    problem = only(data)
    assert (problem.path, problem.key) == (path, "bool_type")
    assert f"'{value}'" in problem.message("en")
    assert f"「{value}」" in problem.message("zh")
    assert problem.message("zh") != problem.message("en")


@pytest.mark.parametrize("value", [True, False])
@pytest.mark.parametrize("path", BOOL_FIELDS)
def test_a_yes_no_field_takes_true_and_false(path, value):
    app = set_at(example(), path, value)
    if path == "applicant.telemarketing_approved" and not value:
        app["applicant"].pop("telemarketing_approval_ref")
    parsed = accepted(app)
    assert get_at(parsed, path) is value
    assert accepted(json.dumps(app, ensure_ascii=False)) == parsed


@pytest.mark.parametrize("form", ["dict", "json"])
def test_an_attestation_not_yet_answered_may_be_null(form):
    app = set_at(example(), "unifications.staff.head_office_team.attested", None)
    parsed = accepted(app if form == "dict" else json.dumps(app, ensure_ascii=False))
    assert parsed.unifications.staff.head_office_team.attested is None


# ---------------------------------------------------------------- 2. seats are whole JSON numbers

SEAT_FIELDS = ["existing_sites[0].seats", "proposed_site.planned_seats"]
_QUOTED = re.compile(r"'(.*)'")


def _shown(problem: Problem) -> str:
    """The input as the English message quotes it."""
    match = _QUOTED.search(problem.message("en"))
    assert match, problem.message("en")
    shown = match[1]
    assert f"「{shown}」" in problem.message("zh")
    assert "Decimal" not in shown and "float" not in shown and "bool" not in shown
    return shown


@pytest.mark.parametrize("path", SEAT_FIELDS)
@pytest.mark.parametrize("literal", ["true", '"820"', "820.0", "8.2e2", "820.5"])
def test_seats_in_json_text_must_be_a_whole_number(path, literal):
    problem = only(json_with(example(), path, literal))
    assert (problem.path, problem.key) == (path, "int_type")
    shown = _shown(problem)
    if literal == "true":
        assert shown.lower() == "true"
    elif literal.startswith('"'):
        assert shown == literal.strip('"')
    else:  # the same number as written, whatever its notation
        assert Decimal(shown) == Decimal(literal)


@pytest.mark.parametrize("path", SEAT_FIELDS)
def test_fractional_seats_in_json_text_show_the_number_as_written(path):
    problem = only(json_with(example(), path, "820.5"))
    for lang in ("zh", "en"):
        assert "820.5" in problem.message(lang)
        assert "Decimal" not in problem.message(lang)


@pytest.mark.parametrize("path", SEAT_FIELDS)
@pytest.mark.parametrize("value", [True, "820", 820.0, 820.5, Decimal("820"), Decimal("820.5")], ids=repr)
def test_seats_in_a_dict_must_be_a_whole_number(path, value):
    problem = only(set_at(example(), path, value))
    assert (problem.path, problem.key) == (path, "int_type")
    shown = _shown(problem)
    if isinstance(value, bool):
        assert shown.lower() == "true"
    elif isinstance(value, str):
        assert shown == value
    else:
        assert Decimal(shown) == Decimal(str(value))


@pytest.mark.parametrize("path", SEAT_FIELDS)
def test_whole_seats_are_accepted(path):
    from_text = accepted(json_with(example(), path, "820"))
    from_dict = accepted(set_at(example(), path, 820))
    for parsed in (from_text, from_dict):
        seats = get_at(parsed, path)
        assert seats == 820 and type(seats) is int
    assert from_text == from_dict


# ---------------------------------------------------------------- 3. dates are YYYY-MM-DD

DATE_FIELDS = ["centralized_selling.since", "complaints.incidents[0].date"]


@pytest.mark.parametrize("path", DATE_FIELDS)
@pytest.mark.parametrize("text", ["2024-10-08T00:00:00", "2024-10-08 00:00", "2024/10/08"])
@pytest.mark.parametrize("form", ["dict", "json"])
def test_a_date_with_a_time_or_slashes_is_refused(form, path, text):
    app = set_at(example(), path, text)
    data = app if form == "dict" else json.dumps(app, ensure_ascii=False)
    problem = only(data)
    assert (problem.path, problem.key) == (path, "date_format")
    assert text in problem.message("en") and text in problem.message("zh")


@pytest.mark.parametrize("path", DATE_FIELDS)
@pytest.mark.parametrize("form", ["dict", "json"])
def test_a_date_written_as_a_number_keeps_its_own_key(form, path):
    data = set_at(example(), path, 20241008) if form == "dict" else json_with(example(), path, "20241008")
    problem = only(data)
    assert (problem.path, problem.key) == (path, "date_number")
    assert "20241008" in problem.message("en") and "20241008" in problem.message("zh")


@pytest.mark.parametrize("path", DATE_FIELDS)
def test_a_date_written_yyyy_mm_dd_is_accepted(path):
    parsed = accepted(set_at(example(), path, "2024-10-08"))
    assert get_at(parsed, path) == date(2024, 10, 8)


# ---------------------------------------------------------------- 4. every amount states its unit


@pytest.mark.parametrize("form", ["dict", "json"])
@pytest.mark.parametrize("path", ["premiums.ledger[0].unit", "premiums.declared_total.unit"])
def test_an_amount_without_a_unit_is_refused(form, path):
    app = delete_at(example(), path)
    problem = only(app if form == "dict" else json.dumps(app, ensure_ascii=False))
    assert (problem.path, problem.key) == (path, "missing")


@pytest.mark.parametrize(
    ("premium", "unit", "yuan"),
    [
        ("1.5", "万元", Decimal("15000")),
        ("12345.6789", "万元", Decimal("123456789")),
        ("0.0001", "万元", Decimal("1")),
        ("9.15", "亿元", Decimal("915000000")),
        ("0.00000001", "亿元", Decimal("1")),
        ("1050000000.50", "元", Decimal("1050000000.50")),
    ],
)
def test_a_ledger_row_with_a_unit_comes_out_in_exact_yuan(premium, unit, yuan):
    app = set_at(example(), "premiums.ledger[0].premium", premium)
    app["premiums"]["ledger"][0]["unit"] = unit
    for data in (app, json.dumps(app, ensure_ascii=False), json_with(app, "premiums.ledger[0].premium", premium)):
        row = accepted(data).premiums.ledger[0]
        assert isinstance(row.premium_yuan, Decimal)
        assert row.premium_yuan == yuan


@pytest.mark.parametrize(
    ("amount", "unit", "yuan"),
    [
        ("9.15", "亿元", Decimal("915000000")),
        ("10.00000001", "亿元", Decimal("1000000001")),
        ("91500.01", "万元", Decimal("915000100")),
        ("915000000", "元", Decimal("915000000")),
    ],
)
def test_a_declared_total_with_a_unit_comes_out_in_exact_yuan(amount, unit, yuan):
    app = set_at(example(), "premiums.declared_total.amount", amount)
    app["premiums"]["declared_total"]["unit"] = unit
    # as text, as a dict, and as a JSON number read exactly (never through a binary float)
    for data in (app, json.dumps(app, ensure_ascii=False), json_with(app, "premiums.declared_total.amount", amount)):
        declared = accepted(data).premiums.declared_total
        assert declared.unit == unit
        assert isinstance(declared.amount_yuan, Decimal)
        assert declared.amount_yuan == yuan
        assert isinstance(declared.amount_yuan, Decimal)
        assert declared.amount_yuan == yuan


# ---------------------------------------------------------------- 5. text is never blank


@pytest.mark.parametrize("path", ["applicant.name", "existing_sites[0].address", "complaints.incidents[0].summary"])
@pytest.mark.parametrize("blank", ["   ", "\t", " \n "])
@pytest.mark.parametrize("form", ["dict", "json"])
def test_blank_text_is_refused(form, path, blank):
    app = set_at(example(), path, blank)
    problem = only(app if form == "dict" else json.dumps(app, ensure_ascii=False))
    assert (problem.path, problem.key) == (path, "blank")
    assert problem.message("zh") == t("errors.input.blank", "zh")
    assert problem.message("en") == t("errors.input.blank", "en")
    assert problem.line("zh") == f"{path}: {t('errors.input.blank', 'zh')}"


def test_the_blank_messages_say_so():
    # the catalogue holds the wording the product promises
    assert "不能为空白" in t("errors.input.blank", "zh")
    assert "must not be blank" in t("errors.input.blank", "en")


# ---------------------------------------------------------------- 6. cross-field errors name their field


@pytest.mark.parametrize("form", ["dict", "json"])
def test_resolution_before_the_incident_names_resolved_on(form):
    app = set_at(example(), "complaints.incidents[0].resolved_on", "2025-03-01")  # incident on 2025-03-10
    problem = only(app if form == "dict" else json.dumps(app, ensure_ascii=False))
    assert (problem.path, problem.key) == ("complaints.incidents[0].resolved_on", "end_before_start")
    for lang in ("zh", "en"):
        assert "2025-03-01" in problem.message(lang) and "2025-03-10" in problem.message(lang)


@pytest.mark.parametrize("form", ["dict", "json"])
@pytest.mark.parametrize("how", ["absent", "null"])
def test_an_approval_without_its_reference_names_the_reference(form, how):
    app = example()
    if how == "absent":
        del app["applicant"]["telemarketing_approval_ref"]
    else:
        app["applicant"]["telemarketing_approval_ref"] = None
    problem = only(app if form == "dict" else json.dumps(app, ensure_ascii=False))
    assert (problem.path, problem.key) == ("applicant.telemarketing_approval_ref", "approval_ref_missing")
    assert problem.message("zh") == t("errors.input.approval_ref_missing", "zh")


@pytest.mark.parametrize("form", ["dict", "json"])
def test_a_declared_total_before_selling_began_names_its_as_of(form):
    app = set_at(example(), "premiums.declared_total.as_of", "2024-09-30")  # selling began 2024-10-08
    problem = only(app if form == "dict" else json.dumps(app, ensure_ascii=False))
    assert (problem.path, problem.key) == ("premiums.declared_total.as_of", "end_before_start")
    for lang in ("zh", "en"):
        assert "2024-09-30" in problem.message(lang) and "2024-10-08" in problem.message(lang)


# ---------------------------------------------------------------- 7. evidence hashes

SHA_PATH = "centralized_selling.evidence[0].sha256"
HEX64 = "0123456789abcdef" * 4


@pytest.mark.parametrize("digest", [HEX64, HEX64.upper(), "Ab" * 32], ids=["lower", "upper", "mixed"])
def test_a_sha256_in_either_case_is_accepted_and_held_in_lower_case(digest):
    app = set_at(example(), SHA_PATH, digest)
    lower = set_at(example(), SHA_PATH, digest.lower())
    for data in (app, json.dumps(app, ensure_ascii=False)):
        read = accepted(data)
        assert get_at(read, SHA_PATH) == digest.lower()
        assert read.canonical_json() == accepted(lower).canonical_json()  # one document, one fingerprint


@pytest.mark.parametrize(
    "digest",
    [HEX64[:63], HEX64.upper()[:63], HEX64 + "0", HEX64[:63] + "g", HEX64[:63] + "G", "z" + HEX64[1:], HEX64[:32] + " " + HEX64[33:]],
    ids=["63-lower", "63-upper", "65", "non-hex-g", "non-hex-G", "non-hex-first", "space"],
)
@pytest.mark.parametrize("form", ["dict", "json"])
def test_a_malformed_sha256_is_refused(form, digest):
    app = set_at(example(), SHA_PATH, digest)
    problem = only(app if form == "dict" else json.dumps(app, ensure_ascii=False))
    assert problem.path == SHA_PATH
    assert problem.message("zh") and problem.message("en")


# ---------------------------------------------------------------- 8. the size limit


def test_a_file_one_byte_over_the_limit_is_too_large(tmp_path: Path):
    big = tmp_path / "big.json"
    with big.open("wb") as out:
        out.write(b" " * (MAX_APPLICATION_BYTES + 1))
    with pytest.raises(ApplicationError) as info:
        load_application(big, today=TODAY)
    assert [p.key for p in info.value.problems] == ["too_large"]
    assert "20" in info.value.problems[0].message("zh") and "20" in info.value.problems[0].message("en")


def test_a_sparse_file_over_the_limit_is_too_large(tmp_path: Path):
    sparse = tmp_path / "sparse.json"
    with sparse.open("wb") as out:
        out.truncate(MAX_APPLICATION_BYTES * 4)
    with pytest.raises(ApplicationError) as info:
        load_application(sparse, today=TODAY)
    assert [p.key for p in info.value.problems] == ["too_large"]


def test_a_file_exactly_at_the_limit_is_read(tmp_path: Path):
    # 20 MB of spaces is within the limit: read, and refused for what it holds, not for its size
    edge = tmp_path / "edge.json"
    edge.write_bytes(b" " * MAX_APPLICATION_BYTES)
    with pytest.raises(ApplicationError) as info:
        load_application(edge, today=TODAY)
    assert [p.key for p in info.value.problems] == ["not_json"]


def test_the_limit_is_twenty_megabytes():
    assert MAX_APPLICATION_BYTES == 20 * 1024 * 1024


def test_text_over_the_limit_is_too_large_through_the_api():
    with pytest.raises(ApplicationError) as info:
        parse_application(b" " * (MAX_APPLICATION_BYTES + 1), today=TODAY)
    assert [p.key for p in info.value.problems] == ["too_large"]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero on this system")
def test_an_endless_device_is_too_large_without_reading_it_all():
    tracemalloc.start()
    try:
        with pytest.raises(ApplicationError) as info:
            load_application("/dev/zero", today=TODAY)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # a device is not a file: refused before anything is read from it
    assert [p.key for p in info.value.problems] == ["not_regular_file"]
    # at most about one buffer of the limit is ever held; an unbounded read would be far more
    assert peak < 3 * MAX_APPLICATION_BYTES, peak


# ---------------------------------------------------------------- 9. the command line


def _seats_as_text_file(tmp_path: Path) -> Path:
    app = copy.deepcopy(_EXAMPLE_DATA)
    app["existing_sites"][0]["seats"] = "820"
    file = tmp_path / "seats-as-text.json"
    file.write_text(json.dumps(app, ensure_ascii=False, indent=2), encoding="utf-8")
    return file


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cli_refuses_seats_written_as_text(tmp_path: Path, capsys, lang):
    file = _seats_as_text_file(tmp_path)
    code = main(["assess", str(file), "--as-of", TODAY.isoformat(), "--lang", lang])
    out, err = capsys.readouterr()
    assert code == EXIT_INVALID == 2
    assert "Traceback" not in err and "Traceback" not in out
    assert t("cli.invalid_input", lang, source=str(file)) in err
    expected = f"existing_sites[0].seats: {t('errors.input.int_type', lang, input='820')}"
    assert expected in err
    other = "en" if lang == "zh" else "zh"
    assert t("errors.input.int_type", other, input="820") not in err
    assert out == ""


def test_cli_default_language_is_zh(tmp_path: Path, capsys):
    file = _seats_as_text_file(tmp_path)
    code = main(["assess", str(file), "--as-of", TODAY.isoformat()])
    _, err = capsys.readouterr()
    assert code == 2
    assert "existing_sites[0].seats" in err
    assert t("errors.input.int_type", "zh", input="820") in err
    assert "Traceback" not in err


def test_cli_lists_every_strict_problem_at_once(tmp_path: Path, capsys):
    app = copy.deepcopy(_EXAMPLE_DATA)
    app["existing_sites"][0]["seats"] = 820.0
    app["complaints"]["attested_complete"] = "yes"
    app["centralized_selling"]["since"] = "2024/10/08"
    app["applicant"]["name"] = "   "
    del app["premiums"]["declared_total"]["unit"]
    file = tmp_path / "many.json"
    file.write_text(json.dumps(app, ensure_ascii=False), encoding="utf-8")
    code = main(["assess", str(file), "--as-of", TODAY.isoformat(), "--lang", "en"])
    _, err = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in err
    for path in (
        "existing_sites[0].seats",
        "complaints.attested_complete",
        "centralized_selling.since",
        "applicant.name",
        "premiums.declared_total.unit",
    ):
        assert f"  {path}: " in err, (path, err)


# ---------------------------------------------------------------- 10. digits are 0-9, text is characters

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

# Every field that is written in digits, with a valid value in ASCII digits.
DIGIT_FIELDS = [
    ("premiums.ledger[0].premium", "6127.20"),
    ("premiums.declared_total.amount", "6127.20"),
    ("premiums.ledger[0].month", "2025-01"),
    ("premiums.ledger[0].month", "2025-01-01"),
    ("complaints.incidents[0].date", "2025-03-10"),
    ("centralized_selling.since", "2024-10-08"),
    ("proposed_site.planned_opening", "2026-12-01"),
    ("existing_sites[0].seats", "820"),
    ("proposed_site.planned_seats", "300"),
    ("applicant.contact_phone", "0571-8765 4321"),
    ("proposed_site.inbound_numbers[0]", "0571-8765 4321"),
    ("applicant.credit_code", "91330100253104780C"),
]


@pytest.mark.parametrize("digits", [FULL_WIDTH, ARABIC_INDIC], ids=["full-width", "arabic-indic"])
@pytest.mark.parametrize(("path", "ascii_value"), DIGIT_FIELDS, ids=[f"{p}={v}" for p, v in DIGIT_FIELDS])
@pytest.mark.parametrize("form", ["dict", "json", "json-escaped"])
def test_digits_other_than_0_to_9_are_refused_naming_the_field(form, path, ascii_value, digits):
    value = ascii_value.translate(digits)
    app = set_at(example(), path, value)
    data = app if form == "dict" else json.dumps(app, ensure_ascii=form == "json-escaped").encode("utf-8")
    problem = only(data)
    assert (problem.path, problem.key) == (path, "digits_not_ascii")
    assert problem.line("en") == f"{path}: {t('errors.input.digits_not_ascii', 'en', input=value)}"
    assert problem.line("zh") == f"{path}: {t('errors.input.digits_not_ascii', 'zh', input=value)}"
    assert f"「{value}」" in problem.message("zh") and f"'{value}'" in problem.message("en")


def test_full_width_money_no_longer_passes_for_the_same_amount():
    """"６１２７.２０" was read as 6127.20 and gave the same fingerprint: it is refused now."""
    app = set_at(example(), "premiums.ledger[0].premium", "6127.20")
    assert accepted(app).premiums.ledger[0].premium == Decimal("6127.20")
    assert only(set_at(app, "premiums.ledger[0].premium", "６１２７.２０")).key == "digits_not_ascii"


@pytest.mark.parametrize(
    ("path", "value"),
    [("premiums.ledger[0].month", "٢٠٢٥-٠١"), ("premiums.ledger[0].premium", "６１２７.２０"), ("centralized_selling.since", "２０２４-１０-０８"), ("applicant.credit_code", "９1330100253104780C")],
)
def test_the_model_itself_refuses_other_digits_at_the_field(path, value):
    """Application.model_validate on a dict (no reader in between) refuses them at the field,
    and the refusal is worded as the digits being the wrong kind."""
    from pydantic import ValidationError

    from assessor.intake.json_file import problems_from

    app = set_at(example(), path, value)
    with pytest.raises(ValidationError) as info:
        Application.model_validate(app, context={"today": TODAY})
    assert [(p.path, p.key) for p in problems_from(info.value)] == [(path, "digits_not_ascii")]


def test_the_digits_message_differs_by_language():
    assert t("errors.input.digits_not_ascii", "zh", input="x") != t("errors.input.digits_not_ascii", "en", input="x")


SURROGATE_FIELDS = [
    ("complaints.incidents[0].date", "2025-03-1\udfff"),
    ("complaints.incidents[0].resolved_on", "\udfff"),
    ("centralized_selling.since", "2024-10-0\udfff"),
    ("premiums.ledger[0].month", "2025-0\udfff"),
    ("premiums.ledger[0].premium", "6127.2\udfff"),
    ("applicant.credit_code", "91330100253104780\udfff"),
    ("applicant.contact_phone", "0571\udfff"),
    ("applicant.name", "\udfff"),
    ("proposed_site.address", "杭州\ud800"),
]


@pytest.mark.parametrize(("path", "value"), SURROGATE_FIELDS, ids=[p for p, _ in SURROGATE_FIELDS])
@pytest.mark.parametrize("form", ["dict", "json-escaped"])
def test_a_lone_surrogate_in_any_string_is_refused_naming_the_field(form, path, value):
    app = set_at(example(), path, value)
    data = app if form == "dict" else json.dumps(app, ensure_ascii=True).encode("ascii")
    try:
        problem = only(data)
    except UnicodeEncodeError as exc:  # pragma: no cover - the failure this test guards against
        pytest.fail(f"UnicodeEncodeError: {exc}")
    assert (problem.path, problem.key) == (path, "lone_surrogate")
    for lang in ("zh", "en"):
        line = problem.line(lang)
        line.encode("utf-8")  # printable: no UnicodeEncodeError on the way out
        assert line.startswith(f"{path}: ")
        assert "\\udfff" in line or "\\ud800" in line


def test_a_lone_surrogate_in_a_key_is_refused_without_a_traceback():
    app = example()
    app["applicant"]["na\udfffme"] = "x"
    for problem in problems(app):
        problem.line("zh").encode("utf-8")
        problem.line("en").encode("utf-8")


@pytest.mark.parametrize(("path", "value"), SURROGATE_FIELDS, ids=[p for p, _ in SURROGATE_FIELDS])
def test_the_model_itself_refuses_a_lone_surrogate_at_its_field_without_an_encoding_error(path, value):
    """Application.model_validate on a Python dict, with no reader in between: a ValidationError
    at the field that can be printed, never a UnicodeEncodeError."""
    from pydantic import ValidationError

    from assessor.intake.json_file import problems_from

    with pytest.raises(ValidationError) as info:
        Application.model_validate(set_at(example(), path, value), context={"today": TODAY})
    str(info.value).encode("utf-8")
    found = problems_from(info.value)
    assert [(p.path, p.key) for p in found] == [(path, "lone_surrogate")]
    for lang in ("zh", "en"):
        found[0].line(lang).encode("utf-8")


# ---------------------------------------------------------------- 11. every problem at once, the ledger's too


@pytest.mark.parametrize("form", ["dict", "json"])
def test_a_future_ledger_month_is_listed_beside_other_rows_problems(form):
    """Ledger months are checked once per ledger; when another row fails, the months after
    today are still listed, each at its row, in row order."""
    app = example()
    app["premiums"]["ledger"] = [
        dict(LEDGER_ROW, month="2027-01"),
        dict(LEDGER_ROW, premium="-5"),
        dict(LEDGER_ROW, month="2027-02", unit="斤"),
    ]
    app["applicant"]["credit_code"] = app["applicant"]["credit_code"][:17] + ("0" if app["applicant"]["credit_code"][17] != "0" else "1")
    found = problems(app if form == "dict" else json.dumps(app, ensure_ascii=False))
    assert [(p.path, p.key) for p in found] == [
        ("applicant.credit_code", "credit_code_check"),
        ("premiums.ledger[0].month", "date_in_future"),
        ("premiums.ledger[1].premium", "money_negative"),
        ("premiums.ledger[2].month", "date_in_future"),
        ("premiums.ledger[2].unit", "literal_error"),
    ]
    assert "2027-02-01" in found[3].message("en") and TODAY.isoformat() in found[3].message("zh")


def test_only_the_ledger_months_after_today_are_refused():
    app = example()
    app["premiums"]["ledger"] = [dict(LEDGER_ROW, month=m) for m in ("2026-10", "2026-11-01", "2026-12")]
    assert [(p.path, p.key) for p in problems(app)] == [("premiums.ledger[2].month", "date_in_future")]
