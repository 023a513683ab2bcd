"""The rulebook file and its strict loader: errors name the file and the key."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from core_support import AS_OF, base, validate

from assessor import assess
from assessor.core.rulebook import DEFAULT_RULEBOOK, RulebookError, load_rulebook

TEXT = DEFAULT_RULEBOOK.read_text(encoding="utf-8")
DOMAIN_IDS = [
    "4.1.tenure", "4.1.premium", "4.2.original_seats", "4.2.new_seats", "4.3.complaints", "4.3.violations",
    "4.4.staff", "4.4.systems", "4.4.numbers", "4.4.products", "4.4.operations",
]


def variant(tmp_path: Path, text: str, name: str = "variant.toml") -> Path:
    assert text != TEXT, "the variant must differ from the real rulebook"
    file = tmp_path / name
    file.write_text(text, encoding="utf-8")
    return file


def error_of(file: Path) -> str:
    with pytest.raises(RulebookError) as info:
        load_rulebook(file)
    message = str(info.value)
    assert str(file) in message, message
    return message


def test_default_rulebook_holds_the_notice():
    rb = load_rulebook()
    assert [c.id for c in rb.criteria] == DOMAIN_IDS
    assert rb.document_number == ""  # not confirmed by any source: never invented
    assert rb.version >= 1
    assert set(rb.readings) == {"original_seats", "violations_window", "violations_dated_by", "complaint_attributes"}
    assert rb.default_readings() == {"original_seats": "strict", "violations_window": "item", "violations_dated_by": "conduct", "complaint_attributes": "either"}
    assert set(rb.readings["violations_dated_by"].options) == {"conduct", "decision"}
    assert set(rb.readings["original_seats"].options) == {"strict", "original"}
    assert set(rb.readings["violations_window"].options) == {"item", "none"}
    assert set(rb.readings["complaint_attributes"].options) == {"either", "both"}
    assert rb.criterion("4.1.premium").params.threshold == Decimal(1_000_000_000)
    assert rb.criterion("4.2.new_seats").params.threshold == 500
    assert rb.criterion("4.1.tenure").params.years == 1
    assert rb.criterion("4.3.complaints").params.window_years == 1


def _notice_text() -> str:
    # the notice's text lives beside the work tree (../shared), not in the repository
    notice = Path(__file__).resolve().parents[3] / "shared" / "regulation" / "notice-2010.md"
    if not notice.exists():
        pytest.skip(f"the notice's text is not at {notice} on this machine")
    return notice.read_text(encoding="utf-8")


def test_clause_texts_are_quoted_from_the_notice_character_for_character():
    # Exactly: full-width punctuation and all. Only the line breaks between paragraphs are the
    # reference file's layout, not the notice's text, so a quote may not span one.
    law = _notice_text()
    rulebook = load_rulebook()
    for criterion in rulebook.criteria:
        assert criterion.text in law, criterion.id
    assert rulebook.scope.text in law


def test_the_exact_comparison_catches_a_half_width_comma():
    law = _notice_text()
    quoted = load_rulebook().criterion("4.2.new_seats").text
    assert quoted in law
    assert quoted.replace("，", ",") not in law


def test_unknown_key_names_file_and_key(tmp_path):
    text = TEXT.replace('kind = "min_sum"', 'kind = "min_sum"\ncolour = "red"', 1)
    message = error_of(variant(tmp_path, text))
    assert "colour" in message
    assert "criteria[1]" in message


def test_unknown_param_names_file_and_key(tmp_path):
    text = TEXT.replace('threshold = "1000000000"', 'threshold = "1000000000"\nthreshhold = 5', 1)
    message = error_of(variant(tmp_path, text))
    assert "threshhold" in message


def test_missing_key_names_file_and_key(tmp_path):
    text = TEXT.replace("version = 2\n", "", 1)
    message = error_of(variant(tmp_path, text))
    assert "version" in message


def test_missing_criterion_key_names_file_and_key(tmp_path):
    text = TEXT.replace('title_en = "Proposed site with 500 seats or more"\n', "", 1)
    message = error_of(variant(tmp_path, text))
    assert "criteria[3].title_en" in message


def test_duplicate_key_names_file_and_key(tmp_path):
    text = TEXT.replace("version = 2\n", "version = 2\nversion = 3\n", 1)
    message = error_of(variant(tmp_path, text))
    assert "version" in message


def test_duplicate_criterion_id(tmp_path):
    text = TEXT.replace('id = "4.2.new_seats"', 'id = "4.2.original_seats"', 1)
    message = error_of(variant(tmp_path, text))
    assert "4.2.original_seats" in message


def test_criterion_with_unknown_reading_names_file_and_key(tmp_path):
    text = TEXT.replace('readings = ["original_seats"]', 'readings = ["original_sites"]', 1)
    message = error_of(variant(tmp_path, text))
    assert "original_sites" in message and "4.2.original_seats" in message


def test_reading_default_must_be_one_of_its_options(tmp_path):
    text = TEXT.replace('default = "strict"', 'default = "loose"', 1)
    message = error_of(variant(tmp_path, text))
    assert "loose" in message and "original_seats" in message


def test_unknown_kind(tmp_path):
    text = TEXT.replace('kind = "min_sum"', 'kind = "max_sum"', 1)
    message = error_of(variant(tmp_path, text))
    assert "criteria[1].kind" in message


def test_not_toml(tmp_path):
    error_of(variant(tmp_path, TEXT + "\n[[criteria]\n"))


def test_missing_file(tmp_path):
    error_of(tmp_path / "absent.toml")


def test_a_changed_threshold_changes_the_verdict_without_code(tmp_path):
    # rules are data: the same engine applies whatever threshold the file holds
    strict = TEXT.replace("threshold = 500", "threshold = 700")
    rb = load_rulebook(variant(tmp_path, strict))
    a = assess(validate(base()), rb, AS_OF)
    assert a.finding("4.2.new_seats").status.value == "not_met"  # 600 planned < 700
    assert a.finding("4.2.original_seats").status.value == "met"  # 800 >= 700


def test_a_changed_copy_of_the_rulebook_is_assessed_by_its_own_rules():
    rulebook = load_rulebook()
    app = validate(base())
    before = assess(app, rulebook, AS_OF).finding("4.2.new_seats").status.value  # caches what it derived
    criteria = [
        c.model_copy(update={"params": c.params.model_copy(update={"threshold": 100_000})}) if c.id == "4.2.new_seats" else c
        for c in rulebook.criteria
    ]
    stricter = rulebook.model_copy(update={"criteria": criteria, "version": rulebook.version + 1})
    assert assess(app, stricter, AS_OF).finding("4.2.new_seats").status.value == "not_met"
    assert assess(app, rulebook, AS_OF).finding("4.2.new_seats").status.value == before == "met"
