"""Digits are 0-9 and text is characters, through the real command line: a full-width or
Arabic-Indic figure, or a lone surrogate escape, in any field is refused with a message naming
the field, in zh and en, exit 2, never a traceback (issue 15: "６１２７.２０" used to give the
same fingerprint as "6127.20", while full-width dates were refused)."""

from __future__ import annotations

import json

import pytest
from hostile_support import AS_OF, assert_clean, example, run_cli

from assessor.i18n import t

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _document(path: tuple, value) -> dict:
    document = example()
    node = document
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return document


CASES = [
    (("premiums", "ledger", 0, "premium"), "premiums.ledger[0].premium", "6127.20", FULL_WIDTH),
    (("premiums", "ledger", 0, "month"), "premiums.ledger[0].month", "2022-04", ARABIC_INDIC),
    (("premiums", "declared_total", "as_of"), "premiums.declared_total.as_of", "2025-12-31", FULL_WIDTH),
    (("existing_sites", 0, "seats"), "existing_sites[0].seats", "820", FULL_WIDTH),
    (("applicant", "credit_code"), "applicant.credit_code", "911100001000176006", ARABIC_INDIC),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("steps", "path", "ascii_value", "digits"), CASES, ids=[c[1] for c in CASES])
def test_other_digits_are_refused_through_the_cli_naming_the_field(tmp_path, steps, path, ascii_value, digits, lang):
    value = ascii_value.translate(digits)
    file = tmp_path / "digits.json"
    file.write_text(json.dumps(_document(steps, value), ensure_ascii=False), encoding="utf-8")
    run = run_cli("assess", str(file), "--as-of", AS_OF, "--lang", lang)
    assert_clean(run, 2)
    assert f"{path}: {t('errors.input.digits_not_ascii', lang, input=value)}" in run.stderr


SURROGATES = [
    (("centralized_selling", "since"), "centralized_selling.since", "2022-04-0\udfff"),
    (("premiums", "declared_total", "as_of"), "premiums.declared_total.as_of", "\udfff"),
    (("applicant", "credit_code"), "applicant.credit_code", "91110000100017600\udfff"),
    (("premiums", "ledger", 0, "premium"), "premiums.ledger[0].premium", "6127.2\udfff"),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("steps", "path", "value"), SURROGATES, ids=[c[1] for c in SURROGATES])
def test_a_lone_surrogate_in_a_date_money_or_credit_code_is_refused_through_the_cli(tmp_path, steps, path, value, lang):
    file = tmp_path / "surrogate.json"
    file.write_text(json.dumps(_document(steps, value), ensure_ascii=True), encoding="ascii")
    run = run_cli("assess", str(file), "--as-of", AS_OF, "--lang", lang)
    assert_clean(run, 2)
    shown = value.encode("utf-8", "backslashreplace").decode("utf-8")
    assert f"{path}: {t('errors.input.lone_surrogate', lang, input=shown)}" in run.stderr
