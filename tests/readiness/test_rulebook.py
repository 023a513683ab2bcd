"""The readiness rulebook: every duty of sections 一 to 三, cited, with its thresholds as data."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from assessor.readiness import ReadinessRulebookError, load_readiness_rulebook, parse_readiness_rulebook
from assessor.readiness.rules import DEFAULT_READINESS_RULEBOOK

TEXT = DEFAULT_READINESS_RULEBOOK.read_text(encoding="utf-8")

ITEMS = (
    [f"一({n})" for n in "一二三四五六七八"]
    + [f"二({n})" for n in "一二三四五六七八九"]
    + [f"三({n})" for n in "一二三四"]
)


def error_of(text: str) -> str:
    with pytest.raises(ReadinessRulebookError) as caught:
        parse_readiness_rulebook(text, "variant.toml")
    return str(caught.value)


def test_every_item_of_sections_one_to_three_is_covered():
    rulebook = load_readiness_rulebook()
    assert sorted({d.clause for d in rulebook.duties}) == sorted(ITEMS)
    assert rulebook.version >= 1 and rulebook.id


def test_clause_texts_are_quoted_from_the_notice():
    notice = Path(__file__).resolve().parents[3] / "shared" / "regulation" / "notice-2010.md"
    if not notice.exists():  # the shared folder sits beside the work tree on the team machine
        notice = Path("/work/shared/regulation/notice-2010.md")
    law = re.sub(r"\s+", "", notice.read_text(encoding="utf-8"))
    for duty in load_readiness_rulebook().duties:
        for sentence in filter(None, re.split(r"[。]", re.sub(r"\s+", "", duty.text))):
            assert sentence in law, (duty.id, sentence)


def test_measured_thresholds_are_the_notices():
    rb = load_readiness_rulebook()
    assert rb.duty("2.3.delivery_within_48h").measure.within_hours == 48
    assert rb.duty("2.6.callback_within_72h").measure.within_hours == 72
    assert rb.duty("2.6.callback_within_72h").measure.target_share == Decimal(1)
    assert rb.duty("2.6.recording_retention").measure.kept_years == 1
    assert rb.duty("2.2.no_recall_within_year").measure.within_years == 1
    assert rb.duty("2.2.no_recall_within_year").measure.max_calls == 0
    assert rb.duty("1.3.annual_retraining").measure.within_months == 12
    assert rb.duty("2.9.bulk_policy_monitoring").measure.min_policies == 20
    assert rb.default_timezone == "Asia/Shanghai"
    assert all(d.kind in ("attested", "measured") for d in rb.duties)


def test_unknown_key_names_file_key_and_duty():
    message = error_of(TEXT.replace("within_hours = 48", "within_hours = 48\nwithin_days = 2", 1))
    assert "variant.toml" in message and "within_days" in message and "2.3.delivery_within_48h" in message


def test_missing_threshold_is_refused():
    message = error_of(TEXT.replace("min_policies = 20\n", "", 1))
    assert "min_policies" in message and "Field required" in message


def test_attested_duty_with_a_measure_is_refused():
    text = TEXT.replace('id = "1.1.numbers"\nclause = "一(一)"\nkind = "attested"', 'id = "1.1.numbers"\nclause = "一(一)"\nkind = "measured"', 1)
    assert "1.1.numbers" in error_of(text)


def test_duplicate_duty_id_is_refused():
    assert "appear twice" in error_of(TEXT.replace('id = "1.2.operations_structure"', 'id = "1.1.numbers"', 1))


def test_report_zone_must_keep_one_offset():
    assert "UTC offset" in error_of(TEXT.replace('default_timezone = "Asia/Shanghai"', 'default_timezone = "Europe/Berlin"'))
    assert "unknown time zone" in error_of(TEXT.replace('default_timezone = "Asia/Shanghai"', 'default_timezone = "Mars/Base"'))


def test_unreadable_file_names_it(tmp_path):
    with pytest.raises(ReadinessRulebookError) as caught:
        load_readiness_rulebook(tmp_path / "absent.toml")
    assert "absent.toml" in str(caught.value)
