"""Property: a lower run-rate never brings a forecast date earlier.

Lowering any month of the ledger lowers both what is counted and the trailing average, so the
premium date, and the overall date, may only stay or move later ("never" being the latest)."""

from __future__ import annotations

from datetime import date

from forecast_support import app, ledger
from hypothesis import given, settings
from hypothesis import strategies as st

from assessor.forecast import forecast

AS_OF = date(2025, 12, 15)
NEVER = date.max


def _dates(amounts: list[int], basis: int) -> tuple[date, date]:
    fc = forecast(app(premiums={"ledger": ledger("2025-01", amounts)}), as_of=AS_OF, basis=basis)
    return fc.criterion("4.1.premium").met_on or NEVER, fc.eligible_on or NEVER


amounts = st.lists(st.integers(min_value=0, max_value=150_000_000), min_size=11, max_size=11)
cuts = st.lists(st.integers(min_value=0, max_value=100), min_size=11, max_size=11)


@settings(max_examples=30, deadline=None)
@given(amounts=amounts, cuts=cuts, basis=st.sampled_from([3, 6, 12]))
def test_lower_premium_never_moves_dates_earlier(amounts, cuts, basis):
    lower = [a * (100 - c) // 100 for a, c in zip(amounts, cuts, strict=True)]
    premium, overall = _dates(amounts, basis)
    premium_low, overall_low = _dates(lower, basis)
    assert premium_low >= premium
    assert overall_low >= overall


@settings(max_examples=20, deadline=None)
@given(monthly=st.integers(min_value=1, max_value=90_000_000), drop=st.integers(min_value=1, max_value=89_999_999), basis=st.sampled_from([3, 6, 12]))
def test_a_falling_recent_rate_never_moves_dates_earlier(monthly, drop, basis):
    # The same history, but the last three months sell less: the run-rate falls.
    steady = [monthly] * 11
    falling = [monthly] * 8 + [max(monthly - drop, 0)] * 3
    premium, overall = _dates(steady, basis)
    premium_low, overall_low = _dates(falling, basis)
    assert premium_low >= premium and overall_low >= overall
