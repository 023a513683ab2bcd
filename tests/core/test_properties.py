"""Properties that must hold for every application, checked on random ones (hypothesis).

- more premium, seats or tenure never turns a `met` into `not_met`;
- an incident outside the one-year window never changes a verdict;
- dump_application -> parse_application is lossless;
- the same input gives byte-identical output.
"""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from decimal import Decimal

from core_support import base, site_facts, validate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessor import assess, load_rulebook
from assessor.core.engine import window_start
from assessor.intake import dump_application, parse_application

TODAY = date(2026, 6, 30)
RULEBOOK = load_rulebook()
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

UNITS = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
NUMBERS = ["95510", "4008-095-510", "95511", "027-8765 4321"]
PRODUCTS = ["P1", "P2", "P3", "P9"]
READINGS = st.fixed_dictionaries(
    {
        "original_seats": st.sampled_from(["strict", "original"]),
        "violations_window": st.sampled_from(["item", "none"]),
        "complaint_attributes": st.sampled_from(["either", "both"]),
    }
)

text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=24).filter(lambda s: s.strip() == s and s)
dates = st.dates(min_value=date(2015, 1, 1), max_value=TODAY)
as_of_dates = st.dates(min_value=date(2023, 1, 1), max_value=TODAY)


def money(unit: str):
    top = Decimal(3_000_000_000) / UNITS[unit]
    exact = st.decimals(min_value=0, max_value=top, places=2, allow_nan=False, allow_infinity=False)
    round_sums = st.integers(0, 30).map(lambda n: Decimal(n) * 10**8 / UNITS[unit])  # 0 to 30亿元 in whole 亿
    return exact | round_sums


@st.composite
def ledger_rows(draw):
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        unit = draw(st.sampled_from(list(UNITS)))
        month = draw(dates).replace(day=1)
        rows.append(
            {
                "month": month.strftime("%Y-%m"),
                "product_code": draw(st.sampled_from(PRODUCTS)),
                "telemarketing_exclusive": draw(st.booleans()),
                "premium": format(draw(money(unit)), "f"),
                "unit": unit,
            }
        )
    return rows


@st.composite
def attestation(draw):
    attested = draw(st.sampled_from([True, True, True, False, None]))
    evidence = draw(st.lists(st.builds(lambda d, h: {"document": d, **({"sha256": h} if h else {})}, text, st.none() | st.text("0123456789abcdef", min_size=64, max_size=64)), max_size=2))
    return {"attested": attested, "description": draw(st.text(max_size=10)), "evidence": evidence}


@st.composite
def applications(draw) -> dict:
    """A random application as a plain dict, valid on TODAY."""
    app = base()
    a = app["applicant"]
    a["name"] = draw(text)
    a["insurer_type"] = draw(st.sampled_from(["property_casualty"] * 4 + ["life", "other"]))
    a["application_type"] = draw(st.sampled_from(["new_site", "new_site", "relocation"]))
    if draw(st.integers(0, 9)) == 0:
        a["telemarketing_approved"] = False
        a.pop("telemarketing_approval_ref")
    since = draw(dates)
    if draw(st.integers(0, 9)) == 0:
        del app["centralized_selling"]
    else:
        app["centralized_selling"] = {"since": since.isoformat(), "evidence": draw(st.lists(st.fixed_dictionaries({"document": text}), max_size=1))}
    premiums: dict = {}
    if draw(st.booleans()):
        premiums["ledger"] = draw(ledger_rows())
    if draw(st.booleans()):
        unit = draw(st.sampled_from(list(UNITS)))
        premiums["declared_total"] = {
            "amount": format(draw(money(unit)), "f"),
            "unit": unit,
            "as_of": draw(st.dates(min_value=since, max_value=TODAY)).isoformat(),
            "evidence": draw(st.lists(st.fixed_dictionaries({"document": text}), max_size=1)),
        }
    app["premiums"] = premiums
    app["existing_sites"] = [
        {
            "id": f"S{i}",
            "name": draw(text),
            "city": draw(text),
            "address": draw(text),
            "approval_date": draw(st.none() | dates.map(date.isoformat)),
            "seats": draw(st.integers(0, 3000)),
            **site_facts(i),
        }
        for i in range(draw(st.integers(0, 4)))
    ]
    if a["application_type"] == "relocation":
        if not app["existing_sites"]:
            app["existing_sites"] = [{"id": "S0", "name": "原职场", "city": "西安", "address": "西安市", "seats": 600, **site_facts(0)}]
        app["applicant"]["relocating_site"] = app["existing_sites"][0]["id"]
    p = app["proposed_site"]
    p["planned_seats"] = draw(st.integers(0, 3000))
    p["inbound_numbers"] = draw(st.lists(st.sampled_from(NUMBERS), max_size=2))
    p["outbound_numbers"] = draw(st.lists(st.sampled_from(NUMBERS), max_size=2))
    p["products"] = draw(st.lists(st.sampled_from(PRODUCTS), max_size=3))
    if draw(st.integers(0, 5)) == 0:
        p["management_team"] = []
    app["company"] = {
        "nationwide_numbers": draw(st.lists(st.sampled_from(NUMBERS[:3]), max_size=3)),
        "approved_products": [{"code": c} for c in draw(st.lists(st.sampled_from(PRODUCTS[:3]), max_size=3, unique=True))],
    }
    app["complaints"] = {
        "incidents": [
            {"date": draw(dates).isoformat(), "summary": draw(text), "seriously_harmed_consumers": draw(st.booleans()), "major_social_impact": draw(st.booleans())}
            for _ in range(draw(st.integers(0, 3)))
        ],
        "attested_complete": draw(st.booleans()),
    }
    app["violations"] = {
        "records": [
            {"conduct_date": draw(dates).isoformat(), "authority": draw(text), "kind": "行政处罚", "summary": draw(text)}
            for _ in range(draw(st.integers(0, 2)))
        ],
        "attested_complete": draw(st.booleans()),
    }
    for group, items in app["unifications"].items():
        for item in items:
            if draw(st.integers(0, 3)) == 0:
                items[item] = draw(attestation())
    return app


def statuses(app: dict, as_of: date, readings: dict) -> dict[str, str]:
    a = assess(validate(app, TODAY), RULEBOOK, as_of, readings)
    return {f.criterion: f.status.value for f in a.findings} | {"verdict": a.verdict.value}


def no_met_turned_not_met(before: dict[str, str], after: dict[str, str]) -> None:
    for key, was in before.items():
        if key == "verdict":
            if was == "eligible":
                assert after[key] != "not_eligible", (before, after)
        elif was == "met":
            assert after[key] != "not_met", (key, before, after)


# ---------------------------------------------------------------- monotonicity


@SETTINGS
@given(applications(), as_of_dates, READINGS, st.decimals(min_value=0, max_value=Decimal(2_000_000_000), places=2), st.data())
def test_more_premium_never_turns_met_into_not_met(app, as_of, readings, more, data):
    before = statuses(app, as_of, readings)
    richer = copy.deepcopy(app)
    premiums = richer["premiums"]
    rows = premiums.get("ledger") or []
    if rows and data.draw(st.booleans()):
        row = data.draw(st.sampled_from(rows))
        row["premium"] = format(Decimal(row["premium"]) + more / UNITS[row["unit"]], "f")
    elif premiums.get("declared_total"):
        total = premiums["declared_total"]
        total["amount"] = format(Decimal(total["amount"]) + more / UNITS[total["unit"]], "f")
    else:
        premiums["declared_total"] = {"amount": format(more, "f"), "unit": "元", "as_of": TODAY.isoformat(), "evidence": [{"document": "a.pdf"}]}
    no_met_turned_not_met(before, statuses(richer, as_of, readings))


@SETTINGS
@given(applications(), as_of_dates, READINGS, st.integers(0, 2000), st.data())
def test_more_seats_never_turn_met_into_not_met(app, as_of, readings, more, data):
    before = statuses(app, as_of, readings)
    bigger = copy.deepcopy(app)
    targets = ["proposed"] + [i for i in range(len(bigger["existing_sites"]))]
    for target in data.draw(st.lists(st.sampled_from(targets), min_size=1, unique=True)):
        if target == "proposed":
            bigger["proposed_site"]["planned_seats"] += more
        else:
            bigger["existing_sites"][target]["seats"] += more
    no_met_turned_not_met(before, statuses(bigger, as_of, readings))


@SETTINGS
@given(applications(), as_of_dates, READINGS, st.integers(1, 2000))
def test_more_tenure_never_turns_met_into_not_met(app, as_of, readings, days):
    if "centralized_selling" not in app:
        app["centralized_selling"] = {"since": "2024-06-01", "evidence": [{"document": "a.pdf"}]}
        total = app["premiums"].get("declared_total")
        if total and total["as_of"] < "2024-06-01":
            total["as_of"] = "2024-06-01"
    before = statuses(app, as_of, readings)
    longer = copy.deepcopy(app)
    since = date.fromisoformat(longer["centralized_selling"]["since"])
    longer["centralized_selling"]["since"] = max(since - timedelta(days=days), date(2000, 1, 1)).isoformat()
    no_met_turned_not_met(before, statuses(longer, as_of, readings))


# ---------------------------------------------------------------- the window


@SETTINGS
@given(applications(), as_of_dates, READINGS, st.booleans(), st.booleans(), st.data())
def test_an_incident_outside_the_window_never_changes_the_verdict(app, as_of, readings, harmed, impact, data):
    first = window_start(as_of, 1)
    outside = st.dates(min_value=date(2010, 1, 1), max_value=first - timedelta(days=1))
    if as_of < TODAY:  # after the assessment date but not after today: also outside
        outside = outside | st.dates(min_value=as_of + timedelta(days=1), max_value=TODAY)
    day = data.draw(outside)
    before = statuses(app, as_of, readings)
    more = copy.deepcopy(app)
    more["complaints"]["incidents"].append(
        {"date": day.isoformat(), "summary": "窗口外事件", "seriously_harmed_consumers": harmed, "major_social_impact": impact}
    )
    after = statuses(more, as_of, readings)
    assert after == before
    if readings["violations_window"] == "item" or day > as_of:
        more["violations"]["records"].append({"conduct_date": day.isoformat(), "authority": "某局", "kind": "行政处罚", "summary": "窗口外"})
        assert statuses(more, as_of, readings) == before


# ---------------------------------------------------------------- round trip and determinism


@SETTINGS
@given(applications())
def test_json_round_trip_is_lossless(app):
    parsed = validate(app, TODAY)
    text = dump_application(parsed)
    again = parse_application(text, today=TODAY)
    assert again == parsed
    assert dump_application(again) == text


def _number_literal(value: Decimal, style: int) -> str:
    if style == 0:
        return format(value, "f")
    if style == 1:
        return format(value, "E")  # 1.2345E+9: a JSON number too
    return format(value.normalize(), "e")


@SETTINGS
@given(applications(), st.integers(0, 2))
def test_json_round_trip_with_money_written_as_json_numbers(app, style):
    # money may be written as a JSON number in any notation JSON allows; it stays exact both ways
    marks = {}
    for i, row in enumerate(app["premiums"].get("ledger") or []):
        marks[f"@m{i}@"] = Decimal(row["premium"])
        row["premium"] = f"@m{i}@"
    text = json.dumps(app, ensure_ascii=False)
    for mark, value in marks.items():
        text = text.replace(f'"{mark}"', _number_literal(value, style))
    parsed = parse_application(text, today=TODAY)
    assert [r.premium for r in parsed.premiums.ledger] == list(marks.values())
    assert parse_application(dump_application(parsed), today=TODAY) == parsed


@SETTINGS
@given(applications(), as_of_dates, READINGS)
def test_same_input_gives_byte_identical_output(app, as_of, readings):
    one = assess(validate(app, TODAY), RULEBOOK, as_of, readings).to_json_text()
    two = assess(validate(copy.deepcopy(app), TODAY), RULEBOOK, as_of, dict(reversed(list(readings.items())))).to_json_text()
    assert one == two
    reparsed = parse_application(dump_application(validate(app, TODAY)), today=TODAY)
    assert assess(reparsed, RULEBOOK, as_of, readings).to_json_text() == one
