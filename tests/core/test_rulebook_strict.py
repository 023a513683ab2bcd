"""The strict loader refuses what would otherwise fail later, or with a traceback: a params path
the application does not have, an unreadable or non-UTF-8 file, an id other than the stable ones.
Each error names the file and the exact key path the author wrote."""

from __future__ import annotations

from pathlib import Path

import pytest
from core_support import AS_OF, EXAMPLES, base, validate

from assessor import assess
from assessor.cli import EXIT_INVALID, main
from assessor.core.rulebook import DEFAULT_RULEBOOK, RulebookError, application_path_error, load_rule_file, load_rulebook, parse_rulebook

TEXT = DEFAULT_RULEBOOK.read_text(encoding="utf-8")
EXAMPLE = EXAMPLES / "01-eligible-two-sites.json"


def variant(tmp_path: Path, old: str, new: str, name: str = "variant.toml") -> Path:
    """A copy of the real rulebook with one substitution (its first occurrence)."""
    assert TEXT.count(old) >= 1, f"{old!r} is not in the real rulebook"
    file = tmp_path / name
    file.write_text(TEXT.replace(old, new, 1), encoding="utf-8")
    return file


def lines_of(file: Path) -> list[str]:
    with pytest.raises(RulebookError) as info:
        load_rulebook(file)
    lines = str(info.value).splitlines()
    assert lines, "an error with no message"
    for line in lines:
        assert line.startswith(f"{file}: "), line
    return lines


# ---------------------------------------------------------------- the real rulebook


def test_the_real_rulebook_loads_with_the_eleven_ids_of_section_four():
    rulebook = load_rulebook()
    ids = [c.id for c in rulebook.criteria]
    assert len(ids) == len(set(ids)) == 11
    assert all(i.split(".")[0] == "4" for i in ids)
    # parsed afresh (not from the cache), it is accepted as well
    assert parse_rulebook(TEXT, "notice-2010.toml").criterion("4.1.tenure").params.start == "centralized_selling.since"


def test_every_path_of_the_real_rulebook_is_a_field_of_an_application():
    assert application_path_error("centralized_selling.since") is None
    assert application_path_error("existing_sites.seats") is None  # over a list, every element's field
    assert application_path_error("centralized_selling.sinc") == "'centralized_selling.sinc' is not a field of an application (no field 'sinc' in centralized_selling)"
    assert application_path_error("applicant.name.first") == "'applicant.name.first' is not a field of an application (applicant.name has no fields)"
    assert application_path_error("nothing") == "'nothing' is not a field of an application (no field 'nothing' in an application)"


# ---------------------------------------------------------------- 1. paths in params


def test_min_duration_start_must_be_a_field(tmp_path):
    file = variant(tmp_path, 'start = "centralized_selling.since"', 'start = "centralized_selling.sinc"')
    assert lines_of(file) == [
        f"{file}: criteria[0].params.start: 'centralized_selling.sinc' is not a field of an application (no field 'sinc' in centralized_selling)"
    ]


def test_contained_in_items_naming_a_missing_field_are_named(tmp_path):
    file = variant(tmp_path, 'items = ["existing_sites.business_system", "proposed_site.business_system"]', 'items = ["existing_sites.business_system", "proposed_site.core_sys"]')
    assert lines_of(file) == [
        f"{file}: criteria[7].params.items[1]: 'proposed_site.core_sys' is not a field of an application (no field 'core_sys' in proposed_site)"
    ]


def test_contained_in_items_and_within_must_be_fields(tmp_path):
    file = variant(tmp_path, '"proposed_site.outbound_numbers"', '"proposed_site.outbound_number"')
    file.write_text(file.read_text(encoding="utf-8").replace('within = "company.approved_products"', 'within = "company.approved.code"', 1), encoding="utf-8")
    lines = lines_of(file)
    assert lines == [
        f"{file}: criteria[8].params.items[3]: 'proposed_site.outbound_number' is not a field of an application (no field 'outbound_number' in proposed_site)",
        f"{file}: criteria[9].params.within: 'company.approved.code' is not a field of an application (no field 'approved' in company)",
    ]


def test_a_path_through_a_list_is_followed_into_its_elements(tmp_path):
    file = variant(tmp_path, 'within = "company.approved_products"', 'within = "company.approved_products.cod"')
    assert lines_of(file) == [
        f"{file}: criteria[9].params.within: 'company.approved_products.cod' is not a field of an application (no field 'cod' in company.approved_products)"
    ]


def test_group_must_be_a_unification_of_the_application(tmp_path):
    file = variant(tmp_path, 'group = "staff"', 'group = "staf"')
    lines = lines_of(file)
    assert lines[0].startswith(f"{file}: criteria[6].params.attested[0]: 'unifications.staf.head_office_team' is not a field of an application"), lines


def test_attested_items_must_be_attestations_of_the_group(tmp_path):
    file = variant(tmp_path, 'attested = ["head_office_team"]', 'attested = ["head_office"]')
    lines = lines_of(file)
    assert lines[0].startswith(f"{file}: criteria[6].params.attested[0]: 'unifications.staff.head_office' is not a field of an application"), lines


def test_items_are_still_checked_against_the_rulebooks_own_table(tmp_path):
    # a real attestation of the application, but with no label in the rulebook's [items] table
    file = variant(tmp_path, "[items.staff.head_office_team]", "[items.staff.head_office_tea]")
    assert lines_of(file) == [f"{file}: criteria[6].params.attested[0]: criterion 4.4.staff names unknown item staff.head_office_team"]


def test_a_bad_path_no_longer_reaches_the_engine(tmp_path):
    file = variant(tmp_path, 'start = "centralized_selling.since"', 'start = "centralized_selling.sinc"')
    with pytest.raises(RulebookError):
        assess(validate(base()), load_rulebook(file), AS_OF)


# ---------------------------------------------------------------- 2. a file that cannot be read


def test_a_directory_is_refused_with_its_name(tmp_path):
    folder = tmp_path / "rules.toml"
    folder.mkdir()
    assert lines_of(folder) == [f"{folder}: cannot be read: Is a directory"]


def test_a_file_that_is_not_utf8_is_refused_with_its_name(tmp_path):
    file = tmp_path / "gbk.toml"
    file.write_bytes(TEXT.encode("gb18030"))
    (line,) = lines_of(file)
    assert line.startswith(f"{file}: not UTF-8 text"), line


def test_read_errors_take_the_callers_error_class(tmp_path):
    class OtherError(Exception):
        pass

    file = tmp_path / "latin1.toml"
    file.write_bytes(b"title = \"caf\xe9\"\n")
    with pytest.raises(OtherError, match=r"latin1\.toml: not UTF-8 text"):
        load_rule_file(file, DEFAULT_RULEBOOK, parse_rulebook, OtherError)
    with pytest.raises(OtherError, match=r": cannot be read: "):
        load_rule_file(tmp_path, DEFAULT_RULEBOOK, parse_rulebook, OtherError)


def test_the_readiness_rulebook_reports_a_directory_with_its_own_error(tmp_path):
    from assessor.readiness import ReadinessRulebookError, load_readiness_rulebook

    with pytest.raises(ReadinessRulebookError) as info:
        load_readiness_rulebook(tmp_path)
    assert str(info.value) == f"{tmp_path}: cannot be read: Is a directory"


# ---------------------------------------------------------------- 3. error paths keep params


def test_a_bad_param_is_named_under_params(tmp_path):
    file = variant(tmp_path, "years = 1", "years = 0")
    assert lines_of(file) == [f"{file}: criteria[0].params.years: Input should be greater than or equal to 1"]


def test_an_unknown_param_is_named_under_params_with_the_keys_of_its_kind(tmp_path):
    file = variant(tmp_path, 'threshold = "1000000000"', 'threshold = "1000000000"\nthreshhold = 5')
    assert lines_of(file) == [f"{file}: criteria[1].params.threshhold: Extra inputs are not permitted"]


def test_a_missing_param_is_named_under_params(tmp_path):
    file = variant(tmp_path, 'within = "company.nationwide_numbers"\n', "")
    assert lines_of(file) == [f"{file}: criteria[8].params.within: Field required"]


# ---------------------------------------------------------------- 4. criterion ids


def test_a_malformed_criterion_id_is_named(tmp_path):
    file = variant(tmp_path, 'id = "4.1.tenure"', 'id = "tenure 4.1"')
    assert lines_of(file) == [f"{file}: criteria[0].id: criterion id 'tenure 4.1' must be the clause and a name, such as 4.1.premium"]


def test_an_unknown_kind_is_named(tmp_path):
    file = variant(tmp_path, 'kind = "min_duration"', 'kind = "max_duration"')
    assert lines_of(file)[0].startswith(f"{file}: criteria[0].kind: unknown kind 'max_duration'")


def test_a_criterion_left_out_is_a_smaller_rulebook(tmp_path):
    start = TEXT.index('[[criteria]]\nid = "4.4.operations"')
    end = TEXT.index("# Labels of the attested sub-items", start)  # the last criterion ends there
    file = tmp_path / "fewer.toml"
    file.write_text(TEXT[:start] + TEXT[end:], encoding="utf-8")
    assert [c.id for c in load_rulebook(file).criteria][-1] == "4.4.products"


def test_a_criterion_id_twice_is_named_at_its_key(tmp_path):
    file = variant(tmp_path, 'id = "4.2.new_seats"', 'id = "4.2.original_seats"')
    assert lines_of(file) == [f"{file}: criteria[3].id: criterion id '4.2.original_seats' appears twice"]


def test_a_reading_option_that_does_not_fit_a_criterion_is_named(tmp_path):
    file = variant(tmp_path, 'params = { select = "earliest" }', 'params = { select = "latest" }')
    assert lines_of(file)[0].startswith(f"{file}: readings.original_seats.options.original.params: does not fit criterion 4.2.original_seats")


# ---------------------------------------------------------------- the command line


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('"proposed_site.business_system"]', '"proposed_site.core_sys"]', "criteria[7].params.items[1]"),
        ('start = "centralized_selling.since"', 'start = "centralized_selling.sinc"', "criteria[0].params.start"),
        ("years = 1", "years = 0", "criteria[0].params.years"),
        ('id = "4.1.tenure"', 'id = "tenure"', "criteria[0].id"),
    ],
)
def test_cli_reports_a_bad_rulebook_without_a_traceback(tmp_path, capsys, old, new, key):
    file = variant(tmp_path, old, new)
    code = main(["assess", str(EXAMPLE), "--as-of", "2026-06-30", "--rulebook", str(file)])
    out, err = capsys.readouterr()
    assert code == EXIT_INVALID == 2
    assert f"{file}: {key}: " in err, err
    assert "Traceback" not in err and "Traceback" not in out


@pytest.mark.parametrize("kind", ["directory", "not_utf8"])
def test_cli_reports_an_unreadable_rulebook_without_a_traceback(tmp_path, capsys, kind):
    file = tmp_path / "bad.toml"
    if kind == "directory":
        file.mkdir()
    else:
        file.write_bytes(b"\xff\xfe" + TEXT.encode("utf-8"))
    code = main(["assess", str(EXAMPLE), "--as-of", "2026-06-30", "--rulebook", str(file)])
    out, err = capsys.readouterr()
    assert code == 2
    assert err.startswith(f"{file}: "), err
    assert ("cannot be read" if kind == "directory" else "not UTF-8 text") in err
    assert "Traceback" not in err


def test_a_start_must_name_a_single_date(tmp_path):
    for wrong in ("applicant.name", "existing_sites.approval_date"):
        file = variant(tmp_path, 'start = "centralized_selling.since"', f'start = "{wrong}"')
        assert lines_of(file) == [f"{file}: criteria[0].params.start: {wrong!r} must name a date of an application (a start date), not a field of another kind"]


def test_a_set_must_be_gathered_from_lists_and_checked_against_a_list_of_codes(tmp_path):
    file = variant(tmp_path, 'within = "company.approved_products"', 'within = "existing_sites"')
    (line,) = lines_of(file)
    assert line.startswith(f"{file}: criteria[9].params.within: 'existing_sites' must name text, or a list of objects with a code"), line
    file = variant(tmp_path, '"proposed_site.outbound_numbers"', '"existing_sites"')
    (line,) = lines_of(file)
    assert line.startswith(f"{file}: criteria[8].params.items[3]: 'existing_sites' must name text"), line
