"""Each example in examples/ against the expectation written beside it in examples/expected.toml."""

from __future__ import annotations

import json
from datetime import date

import pytest
from core_support import EXAMPLES, load_expected, run, validate

from assessor import Verdict
from assessor.core.rulebook import load_rulebook

EXPECTED = load_expected()
CRITERIA = {c.id for c in load_rulebook().criteria}
STATUSES = {"met", "not_met", "insufficient_evidence", "not_applicable"}


def _app(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def test_every_example_has_an_expectation_and_every_expectation_a_file():
    files = sorted(p.name for p in EXAMPLES.glob("*.json"))
    assert files == sorted(EXPECTED), (sorted(set(files) - set(EXPECTED)), sorted(set(EXPECTED) - set(files)))
    assert len(files) >= 8


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_expectation_is_well_formed(name):
    entry = EXPECTED[name]
    assert entry["zh"].strip() and entry["en"].strip()
    assert entry["verdict"] in {v.value for v in Verdict}
    assert set(entry.get("criteria", {})) <= CRITERIA
    assert set(entry.get("criteria", {}).values()) <= STATUSES
    # examples never lie in the future, unless one is there to show a projection
    assert entry["as_of"] <= date(2026, 11, 25) or entry.get("projected")
    assert entry.get("projected", False) == (entry["as_of"] > entry.get("today", entry["as_of"]))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_verdict_and_criteria(name):
    entry = EXPECTED[name]
    assessment = run(_app(name), entry["as_of"], today=entry.get("today"))
    assert assessment.verdict.value == entry["verdict"]
    assert assessment.projected == entry.get("projected", False)
    got = {c: assessment.finding(c).status.value for c in entry.get("criteria", {})}
    assert got == entry.get("criteria", {})
    variant = entry.get("with_readings")
    if variant:
        other = run(_app(name), entry["as_of"], variant["readings"], today=entry.get("today"))
        assert other.verdict.value == variant["verdict"]
        assert {c: other.finding(c).status.value for c in variant.get("criteria", {})} == variant.get("criteria", {})
        assert {k: other.readings[k] for k in variant["readings"]} == variant["readings"]


def test_examples_cover_every_verdict_and_every_criterion_failing():
    verdicts = {entry["verdict"] for entry in EXPECTED.values()}
    assert verdicts == {v.value for v in Verdict}
    failing = {c for entry in EXPECTED.values() for c, s in entry.get("criteria", {}).items() if s == "not_met"}
    assert failing == CRITERIA, sorted(CRITERIA - failing)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_examples_are_realistic(name):
    app = validate(_app(name), EXPECTED[name]["as_of"])
    assert app.applicant.name.endswith("保险股份有限公司")
    for site in app.existing_sites:
        assert 300 <= site.seats <= 3000
    assert 400 <= app.proposed_site.planned_seats <= 3000
    # premium per seat per month across the existing sites, over the months reported, 3.5–9.6万元
    premiums, selling = app.premiums, app.centralized_selling
    if premiums.ledger:
        months = {r.month for r in premiums.ledger if r.telemarketing_exclusive}
        total = sum(r.premium_yuan for r in premiums.ledger if r.telemarketing_exclusive)
    else:
        total = premiums.declared_total.amount_yuan
        end, start = premiums.declared_total.as_of, selling.since
        months = range((end.year - start.year) * 12 + end.month - start.month + 1)
    seats = sum(s.seats for s in app.existing_sites)
    per_seat_month_wan = total / len(months) / seats / 10_000
    assert 3.5 <= per_seat_month_wan <= 9.6, per_seat_month_wan


def test_examples_use_ledgers_and_declared_totals_in_every_unit():
    units, kinds = set(), set()
    for name in EXPECTED:
        premiums = _app(name)["premiums"]
        if premiums.get("ledger"):
            kinds.add("ledger")
            units |= {r["unit"] for r in premiums["ledger"]}
        if premiums.get("declared_total"):
            kinds.add("declared")
            units.add(premiums["declared_total"]["unit"])
    assert kinds == {"ledger", "declared"}
    assert units == {"元", "万元", "亿元"}


def test_a_relocation_is_among_the_examples():
    assert any(_app(name)["applicant"]["application_type"] == "relocation" for name in EXPECTED)


def test_python_api_reads_and_assesses_an_example():
    from assessor import assess, load_application, load_rulebook

    entry = EXPECTED["01-eligible-two-sites.json"]
    application = load_application(EXAMPLES / "01-eligible-two-sites.json", today=entry["as_of"])
    assessment = assess(application, load_rulebook(), as_of=entry["as_of"])
    assert assessment.verdict.value == entry["verdict"]
    assert assessment.rulebook_version == load_rulebook().version
    assert assessment.as_of == entry["as_of"]
