"""The translation layer: zh and en say the same things with the same placeholders.

This guards every helper's locale files, not only the core's: a key added in one language and
forgotten in the other, or a placeholder renamed in one, fails here with the offending keys listed.
"""

from __future__ import annotations

import string
from decimal import Decimal

import pytest

from assessor.i18n import LANGS, LOCALE_DIR, catalog, format_yuan, t


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_every_language_has_the_same_locale_files():
    files = {lang: sorted(p.name for p in (LOCALE_DIR / lang).glob("*.toml")) for lang in LANGS}
    assert files["zh"] == files["en"], f"locale files differ: only zh {sorted(set(files['zh']) - set(files['en']))}, only en {sorted(set(files['en']) - set(files['zh']))}"


def test_zh_and_en_have_exactly_the_same_keys():
    zh, en = set(catalog("zh")), set(catalog("en"))
    only_zh, only_en = sorted(zh - en), sorted(en - zh)
    assert not only_zh and not only_en, f"keys only in zh: {only_zh}; keys only in en: {only_en}"


def test_zh_and_en_use_the_same_placeholders():
    zh, en = catalog("zh"), catalog("en")
    differ = {key: (sorted(placeholders(zh[key])), sorted(placeholders(en[key]))) for key in sorted(set(zh) & set(en)) if placeholders(zh[key]) != placeholders(en[key])}
    assert not differ, "placeholders differ (key: zh, en): " + "; ".join(f"{k}: {z} vs {e}" for k, (z, e) in differ.items())


def test_every_placeholder_is_a_plain_name():
    # `{0}` or `{a.b}` would make t() depend on argument order or objects; keys must be names
    odd = sorted(
        f"{lang}:{key}:{field}"
        for lang in LANGS
        for key, text in catalog(lang).items()
        for field in placeholders(text)
        if not field.isidentifier()
    )
    assert not odd, f"placeholders that are not plain names: {odd}"


def test_t_fills_placeholders_in_both_languages():
    assert "2026-01-01" in t("cli.bad_as_of", "en", value="2026-01-01")
    assert "2026-01-01" in t("cli.bad_as_of", "zh", value="2026-01-01")
    assert t("cli.bad_as_of", "zh", value="x") != t("cli.bad_as_of", "en", value="x")


def test_yuan_amounts_are_exact_and_shown_in_yi():
    assert "1,000,000,000" in format_yuan(Decimal(1_000_000_000), "en")
    assert "10.00亿元" in format_yuan(Decimal(1_000_000_000), "zh")
    assert "999,999,999.99" in format_yuan(Decimal("999999999.99"), "en")



@pytest.mark.parametrize(
    ("amount", "zh", "en"),
    [
        ("999999999.99", "9.99亿元（999,999,999.99元）", "999,999,999.99 yuan (9.99亿元)"),  # never shown as reaching 10亿
        ("1000000000", "10.00亿元（1,000,000,000元）", "1,000,000,000 yuan (10.00亿元)"),
        ("1000000", "0.01亿元（1,000,000元）", "1,000,000 yuan (0.01亿元)"),
        ("999999.99", "999,999.99元", "999,999.99 yuan"),  # under 0.01亿元 the 亿元 figure would read 0.00
        ("0.01", "0.01元", "0.01 yuan"),
    ],
)
def test_a_yuan_amount_never_reads_larger_than_it_is(amount, zh, en):
    assert format_yuan(Decimal(amount), "zh") == zh
    assert format_yuan(Decimal(amount), "en") == en


def test_a_shortfall_never_reads_smaller_than_it_is():
    from assessor.report import format_gap
    from assessor.core.results import Finding, Gap, Message, Quantity, Shortfall, Status

    short = Decimal("85999999")  # 0.85999999亿元: cut it would read 0.85, which is not enough
    text = Message("engine.min_sum.not_met", {"basis": "-", "on": "2026-06-30", "noun": {"zh": "累计保费", "en": "premium"}, "amount": Decimal("914000001"), "threshold": Decimal("1000000000"), "short": Shortfall(short)})
    assert "9.14亿元（914,000,001元）" in text.text("zh") and "0.86亿元（85,999,999元）" in text.text("zh")
    finding = Finding("4.1.premium", Status.NOT_MET, "四(一)", "", {}, None, None, Gap(Quantity(short, "yuan")), {}, (), (), text)
    assert format_gap(finding, "zh") == "0.86亿元（85,999,999元）"
    assert format_gap(finding, "en") == "85,999,999 yuan (0.86亿元)"
