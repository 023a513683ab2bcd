"""Chart data from the core, drawn by plotly (the app) and by matplotlib as SVG (the dossier)."""

from __future__ import annotations

import logging
import warnings
from datetime import date
from decimal import Decimal

from dossier_support import example

from assessor import assess, load_rulebook, parse_application
from assessor.charts import incidents_chart, plotly_figure, premium_chart, seats_chart, svg
from assessor.core.engine import add_years
from assessor.core.model import month_end

RULEBOOK = load_rulebook()


def _chart(fn, name):
    app, as_of = example(name)
    assessment = assess(app, RULEBOOK, as_of)
    return fn(app, assessment, RULEBOOK), app, assessment


def test_premium_chart_crossing_is_the_first_month_end_at_or_over_the_threshold():
    chart, app, assessment = _chart(premium_chart, "01-eligible-two-sites.json")
    threshold = RULEBOOK.criterion("4.1.premium").params.threshold
    assert chart.threshold == threshold
    # Recount by hand: exclusive rows from the start month, month by month.
    start = app.centralized_selling.since.replace(day=1)
    by_month: dict[date, Decimal] = {}
    for row in app.premiums.ledger:
        if row.telemarketing_exclusive and row.month >= start and month_end(row.month) <= assessment.as_of:
            by_month[row.month] = by_month.get(row.month, Decimal(0)) + row.premium_yuan
    running, crossing = Decimal(0), None
    for month in sorted(by_month):
        running += by_month[month]
        if crossing is None and running >= threshold:
            crossing = month_end(month)
    assert chart.crossing == crossing is not None
    points = chart.series[0].points
    assert points[-1].y == running == assessment.finding("4.1.premium").measured.value
    assert all(a.y <= b.y for a, b in zip(points, points[1:]))


def test_premium_chart_without_crossing_when_short():
    chart, _, assessment = _chart(premium_chart, "02-premium-short.json")
    assert chart.crossing is None
    assert assessment.finding("4.1.premium").status.value == "not_met"


def test_seats_chart_marks_sites_under_the_threshold():
    chart, app, _ = _chart(seats_chart, "04-small-second-site.json")
    assert chart.threshold == RULEBOOK.criterion("4.2.original_seats").params.threshold
    existing = chart.series[0].points
    assert [p.y for p in existing] == [s.seats for s in app.existing_sites]
    assert [p.highlighted for p in existing] == [s.seats < chart.threshold for s in app.existing_sites]
    assert any(p.highlighted for p in existing)


def test_incidents_chart_window_and_counted_complaint():
    chart, app, assessment = _chart(incidents_chart, "06-serious-complaint.json")
    assert chart.window == (add_years(assessment.as_of, -1), assessment.as_of)
    complaints = chart.series[0].points
    assert len(complaints) == len(app.complaints.incidents)
    assert any(p.highlighted for p in complaints)
    assert all(chart.window[0] <= p.x <= chart.window[1] for p in complaints if p.highlighted)


def test_svg_draws_chinese_labels_with_the_cjk_font():
    chart, _, _ = _chart(premium_chart, "01-eligible-two-sites.json")
    caught: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: caught.append(record.getMessage())
    logging.getLogger("matplotlib").addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as warned:
            warnings.simplefilter("always")
            text = svg(chart, "zh")
    finally:
        logging.getLogger("matplotlib").removeHandler(handler)
    assert text.startswith("<svg")
    assert "电销专用产品累计保费" in text
    assert "CJK" in text  # the font family named on the text
    missing = [str(w.message) for w in warned if "missing from font" in str(w.message)] + [m for m in caught if "missing" in m]
    assert missing == []


def test_svg_is_deterministic_and_english_works():
    chart, _, _ = _chart(incidents_chart, "06-serious-complaint.json")
    assert svg(chart, "en") == svg(chart, "en")
    assert "Complaints" in svg(chart, "en")


def test_dollar_signs_in_names_are_not_math():
    app, as_of = example("01-eligible-two-sites.json")
    data = app.model_dump(mode="json")
    data["existing_sites"][0]["name"] = "$x^2$ 中心 $"
    app = parse_application(data, today=as_of)
    chart = seats_chart(app, assess(app, RULEBOOK, as_of), RULEBOOK)
    assert "中心" in svg(chart, "zh")


def test_plotly_figure_uses_the_same_data_and_labels():
    chart, _, _ = _chart(premium_chart, "01-eligible-two-sites.json")
    figure = plotly_figure(chart, "zh")
    assert figure.layout.title.text == "电销专用产品累计保费"
    assert len(figure.data[0].y) == len(chart.series[0].points)
    assert figure.data[0].y[-1] == float(chart.series[0].points[-1].y / chart.y_scale)
    seats, _, _ = _chart(seats_chart, "04-small-second-site.json")
    assert plotly_figure(seats, "en").layout.yaxis.title.text == "Seats"
    incidents, _, _ = _chart(incidents_chart, "06-serious-complaint.json")
    # a lane per window criterion, named by its title in the rulebook, the first on top
    windows = [c.title_zh for c in load_rulebook().criteria if c.kind == "no_event_in_window"]
    assert list(plotly_figure(incidents, "zh").layout.yaxis.ticktext) == windows[::-1]
