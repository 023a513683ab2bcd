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


def _notice_path() -> Path:
    notice = Path(__file__).resolve().parents[3] / "shared" / "regulation" / "notice-2010.md"
    if not notice.exists():  # the shared folder sits beside the work tree on the team machine
        notice = Path("/work/shared/regulation/notice-2010.md")
    return notice


def _reference() -> str:
    """The notice's paragraphs as they are, joined by one newline: the only liberty a quote may take.

    The leading HTML comment is the file's own note, not the notice, so a quote must not match in it.
    """
    raw = _notice_path().read_text(encoding="utf-8")
    body = re.sub(r"<!--.*?-->", "", raw, flags=re.S)
    return "\n".join(p for p in body.split("\n") if p != "")


REFERENCE = _reference()

# 「…」 in the rulebook that are not the notice's words: a Civil Code term and our own status names.
NOT_FROM_THE_NOTICE = {"以内", "未到期", "需复核"}


def quote_problem(quote: str, reference: str = REFERENCE) -> str | None:
    """Why `quote` is not a whole-sentence passage of the notice, character for character; None if it is.

    Whole sentences, because a substring alone would let a quote lose its first character or
    gain the next one unnoticed.
    """
    if not quote.endswith("。"):
        return "does not end a sentence with 。"
    at = reference.find(quote)
    if at < 0:
        return "is not in the notice"
    while at >= 0:
        if at == 0 or reference[at - 1] in "。\n":
            return None
        at = reference.find(quote, at + 1)
    return "does not start a sentence of the notice"


def test_the_reference_is_the_official_text():
    # A guard on the reference itself: an ASCII copy would make every exact comparison vacuous.
    assert "（含发票等，下同）。" in REFERENCE and "," not in REFERENCE and "(" not in REFERENCE
    assert "full-width" not in REFERENCE  # the file's comment is not part of the reference


def test_clause_texts_are_quoted_from_the_notice_exactly():
    problems = [(d.id, quote_problem(d.text)) for d in load_readiness_rulebook().duties]
    assert [p for p in problems if p[1]] == []


@pytest.mark.parametrize(
    "drift",
    [
        lambda q: q[1:],  # loses its first character
        lambda q: q[:-1],  # loses its 。
        lambda q: q + "四",  # gains one
        lambda q: q.replace("，", ",", 1),  # an old web copy's comma
        lambda q: q[: len(q) // 2] + q[len(q) // 2 + 1 :],  # loses one in the middle
        lambda q: q.replace("（", "(", 1).replace("）", ")", 1),
    ],
)
def test_a_quote_one_character_off_is_caught(drift):
    for duty in load_readiness_rulebook().duties:
        drifted = drift(duty.text)
        if drifted != duty.text:
            assert quote_problem(drifted) is not None, (duty.id, drifted)


def test_a_quote_across_paragraphs_keeps_them_as_they_are():
    joined = load_readiness_rulebook().duty("2.4.delivery_team").text
    assert "\n" in joined and quote_problem(joined) is None
    assert quote_problem(joined.replace("\n", "")) is not None
    assert quote_problem(joined.replace("\n", "\n\n")) is not None


def test_corner_bracket_quotes_are_the_notices_words():
    found = re.findall(r"「([^」]*)」", TEXT)
    assert found
    assert [q for q in found if q not in NOT_FROM_THE_NOTICE and q not in REFERENCE] == []


def test_measured_thresholds_are_the_notices():
    rb = load_readiness_rulebook()
    assert rb.duty("2.3.delivery_within_48h").measure.within_hours == 48
    assert rb.duty("2.6.callback_within_72h").measure.within_hours == 72
    assert rb.duty("2.6.callback_within_72h").measure.target_share == Decimal(1)
    assert rb.duty("2.6.recording_retention").measure.kept_years == 1
    assert rb.duty("2.2.no_recall_within_year").measure.within_years == 1
    assert rb.duty("2.2.no_recall_within_year").measure.max_calls == 0
    assert rb.duty("1.3.annual_retraining").measure.within_months == 12
    assert rb.default_timezone == "Asia/Shanghai"
    assert all(d.kind in ("attested", "measured") for d in rb.duties)


def test_the_bulk_threshold_is_labelled_ours_not_the_notices():
    rb = load_readiness_rulebook()
    assert rb.duty("2.9.bulk_policy_monitoring").measure.min_policies == 20
    assert "批量保单" in rb.duty("2.9.bulk_policy_monitoring").text and "20" not in rb.duty("2.9.bulk_policy_monitoring").text
    label = rb.conventions["bulk_threshold"]
    assert "20" in label.zh and "不是通知规定的数字" in label.zh
    assert "20" in label.en and "not a figure of the notice" in label.en


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
