"""A premium chart from a declared total alone has one dated point: the app's figure must still
show a readable time axis around it, not a sub-second zoom."""

from __future__ import annotations

from datetime import date, timedelta

from assessor import assess, load_application, load_rulebook
from assessor.charts import plotly_figure, premium_chart

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_declared_total_alone_gets_a_year_of_axis():
    rulebook = load_rulebook()
    application = load_application(EXAMPLES / "10-relocation-xian.json", today=date(2026, 10, 31))
    chart = premium_chart(application, assess(application, rulebook, date(2026, 10, 31)), rulebook)
    points = [p.x for s in chart.series for p in s.points]
    assert len(set(points)) == 1
    low, high = plotly_figure(chart, "zh").layout.xaxis.range
    assert (date.fromisoformat(str(high)[:10]) - date.fromisoformat(str(low)[:10])) >= timedelta(days=300)


def test_a_ledger_chart_keeps_plotly_s_own_range():
    rulebook = load_rulebook()
    application = load_application(EXAMPLES / "01-eligible-two-sites.json", today=date(2026, 6, 30))
    chart = premium_chart(application, assess(application, rulebook, date(2026, 6, 30)), rulebook)
    assert plotly_figure(chart, "zh").layout.xaxis.range is None
