"""The charts, defined once: their data come from the core; the app draws them with plotly,
the dossier as SVG with matplotlib (no browser involved).

- `premium_chart`: cumulative telemarketing-exclusive premium against the rulebook's threshold,
  with the date it was crossed;
- `seats_chart`: seats of every site against the per-site threshold;
- `incidents_chart`: complaints and violations on a timeline, the window shaded.

Thresholds and windows are read from the rulebook (by criterion kind), never written here.
Every label is a `{"zh": ..., "en": ...}` pair from the locale files.
"""

from __future__ import annotations

import io
import re
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .core.engine import Assessment, Status, window_start
from .i18n import both, format_decimal, t
from .core.model import Application, first_uncounted_month, month_end
from .core.kinds import resolve
from .core.rulebook import Rulebook

if TYPE_CHECKING:
    import plotly.graph_objects as go

Label = dict[str, str]

YI = Decimal(100_000_000)


@dataclass(frozen=True, slots=True)
class Point:
    x: date | str
    y: Decimal | int
    label: Label | None = None
    highlighted: bool = False


@dataclass(frozen=True, slots=True)
class Series:
    key: str
    label: Label
    kind: str  # "line", "bar" or "events"
    points: tuple[Point, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """What a chart shows, independent of how it is drawn."""

    id: str
    title: Label
    x_label: Label
    y_label: Label
    series: tuple[Series, ...]
    y_scale: Decimal | int = 1  # plotted value = y / y_scale (premium is drawn in 亿元)
    threshold: Decimal | int | None = None
    threshold_label: Label | None = None
    crossing: date | None = None
    crossing_label: Label | None = None
    window: tuple[date, date] | None = None
    window_label: Label | None = None
    lanes: tuple[Label, ...] = ()  # for timelines: the label of each y lane, bottom up
    note: Label | None = None

    @property
    def empty(self) -> bool:
        return not any(s.points for s in self.series)


def _criterion_params(rulebook: Rulebook, kind: str, readings: dict[str, str] | None = None) -> list[tuple[str, Any]]:
    """The id and params (under the readings, where given) of every criterion of a kind."""
    return [(c.id, rulebook.params_for(c, readings) if readings else c.params) for c in rulebook.criteria if c.kind == kind]


# ---------------------------------------------------------------- data


def premium_chart(application: Application, assessment: Assessment, rulebook: Rulebook) -> Chart:
    """Cumulative exclusive premium at each month's end, counted as the engine counts it."""
    # With several sums in a rulebook, the chart draws the one with the highest threshold: the
    # one that binds.
    sums = _criterion_params(rulebook, "min_sum")
    _, params = max(sums, key=lambda pair: pair[1].threshold)
    threshold = params.threshold
    as_of = assessment.as_of
    selling = application.centralized_selling
    first = selling.since.replace(day=1) if selling else None
    premiums = application.premiums
    months = sorted({r.month for r in premiums.ledger if r.telemarketing_exclusive and (first is None or r.month >= first)})
    points: list[Point] = []
    crossing = None
    for month in months:
        if month_end(month) > as_of:
            break
        total = premiums.exclusive_between(first, first_uncounted_month(month_end(month)))[0]
        points.append(Point(month_end(month), total))
        if crossing is None and total >= threshold:
            crossing = month_end(month)
    note = None
    if not points and premiums.declared_total is not None and premiums.declared_total.as_of <= as_of:
        declared = premiums.declared_total
        points.append(Point(declared.as_of, declared.amount_yuan))
        note = both("charts.premium.declared_only")
        if declared.amount_yuan >= threshold:
            crossing = None
    series = (Series("cumulative", both("charts.premium.series"), "line", tuple(points)),)
    return Chart(
        id="premium",
        title=both("charts.premium.title"),
        x_label=both("charts.premium.x"),
        y_label=both("charts.premium.y"),
        series=series,
        y_scale=YI,
        threshold=threshold,
        threshold_label=both("charts.premium.threshold", amount=format_decimal(threshold / YI)),
        crossing=crossing,
        crossing_label=both("charts.premium.crossing", date=crossing.isoformat()) if crossing else None,
        note=note,
    )


def seats_chart(application: Application, assessment: Assessment, rulebook: Rulebook) -> Chart:
    """Seats of every existing site and of the proposed site against the per-site threshold."""
    thresholds = {p.threshold for _, p in _criterion_params(rulebook, "min_count_per_site")}
    threshold = max(thresholds) if thresholds else None
    points = [
        Point(site.name, site.seats, {"zh": f"{site.name}（{site.city}）", "en": f"{site.name} ({site.city})"}, threshold is not None and site.seats < threshold)
        for site in application.existing_sites
    ]
    proposed = application.proposed_site
    proposed_label = both("charts.seats.proposed", city=proposed.city)
    new = Point(proposed_label["zh"], proposed.planned_seats, proposed_label, threshold is not None and proposed.planned_seats < threshold)
    return Chart(
        id="seats",
        title=both("charts.seats.title"),
        x_label=both("charts.seats.x"),
        y_label=both("charts.seats.y"),
        series=(
            Series("existing", both("charts.seats.existing"), "bar", tuple(points)),
            Series("proposed", both("charts.seats.proposed_series"), "bar", (new,)),
        ),
        threshold=threshold,
        threshold_label=both("charts.seats.threshold", n=threshold) if threshold is not None else None,
    )


def incidents_chart(application: Application, assessment: Assessment, rulebook: Rulebook) -> Chart:
    """Complaints and violations on one timeline; those the finding counted are highlighted."""
    windows = _criterion_params(rulebook, "no_event_in_window", dict(assessment.readings))
    as_of = assessment.as_of
    years = max((p.window_years for _, p in windows), default=1)
    window = (window_start(as_of, years), as_of)
    series = []
    for cid, params in windows:
        finding = assessment.finding(cid)
        counted = set() if finding.status is Status.NOT_APPLICABLE else {part.label["zh"] for part in finding.parts}
        points = []
        for record in resolve(application, params.events) or []:
            day = getattr(record, params.date) or getattr(record, "conduct_date", None) or as_of
            label = record.label()
            text = {"zh": f"{day.isoformat()} {label['zh']}", "en": f"{day.isoformat()} {label['en']}"}
            dated = getattr(record, params.date)
            key = f"{dated.isoformat() if dated else '—'} {label['zh']}"
            points.append(Point(day, len(windows) - 1 - len(series), text, key in counted))
        points.sort(key=lambda point: point.x)
        criterion = rulebook.criterion(cid)
        series.append(Series(cid, {"zh": criterion.title_zh, "en": criterion.title_en}, "events", tuple(points)))
    return Chart(
        id="incidents",
        title=both("charts.incidents.title"),
        x_label=both("charts.incidents.x"),
        y_label=both("charts.incidents.y"),
        series=tuple(series),
        window=window,
        window_label=both("charts.incidents.window", start=window[0].isoformat(), end=window[1].isoformat()),
        lanes=tuple(s.label for s in reversed(series)),
        note=None if any(s.points for s in series) else both("charts.incidents.none"),
    )


def all_charts(application: Application, assessment: Assessment, rulebook: Rulebook) -> tuple[Chart, ...]:
    return (
        premium_chart(application, assessment, rulebook),
        seats_chart(application, assessment, rulebook),
        incidents_chart(application, assessment, rulebook),
    )


def _plotted(point: Point, chart: Chart) -> float:
    # Drawing is the one place a float is right: a pixel position, not money.
    return float(Decimal(point.y) / Decimal(chart.y_scale))


# ---------------------------------------------------------------- plotly (the app)


def plotly_figure(chart: Chart, lang: str = "zh") -> go.Figure:
    import plotly.graph_objects as go

    from .labels import dates_in

    fig = go.Figure()
    for series in chart.series:
        xs = [p.x for p in series.points]
        ys = [_plotted(p, chart) for p in series.points]
        names = [dates_in((p.label or {}).get(lang, str(p.x)), lang) for p in series.points]
        if series.kind == "line":
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines+markers", name=series.label[lang], line={"color": "#1f4e8c"}))
        elif series.kind == "bar":
            colors = ["#b03a2e" if p.highlighted else ("#1f4e8c" if series.key == "existing" else "#4a8f4a") for p in series.points]
            fig.add_trace(go.Bar(x=names, y=ys, name=series.label[lang], marker={"color": colors}))
        else:
            colors = ["#b03a2e" if p.highlighted else "#7f8c8d" for p in series.points]
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="markers", name=series.label[lang], text=names, hoverinfo="text", marker={"size": 11, "color": colors}))
    if chart.threshold is not None:
        level = float(Decimal(chart.threshold) / Decimal(chart.y_scale))
        fig.add_shape(type="line", xref="paper", x0=0, x1=1, y0=level, y1=level, line={"color": "#b03a2e", "dash": "dash"})
        fig.add_annotation(xref="paper", x=0, y=level, text=chart.threshold_label[lang], showarrow=False, yshift=10, xanchor="left")
    if chart.crossing is not None:
        fig.add_shape(type="line", yref="paper", x0=chart.crossing, x1=chart.crossing, y0=0, y1=1, line={"color": "#4a8f4a", "dash": "dot"})
        fig.add_annotation(yref="paper", x=chart.crossing, y=1, text=dates_in(chart.crossing_label[lang], lang), showarrow=False, yshift=10)
    if chart.window is not None:
        fig.add_shape(type="rect", yref="paper", x0=chart.window[0], x1=chart.window[1], y0=0, y1=1, fillcolor="#f5d76e", opacity=0.3, line={"width": 0}, layer="below")
        fig.add_annotation(yref="paper", x=chart.window[0], y=1, text=dates_in(chart.window_label[lang], lang), showarrow=False, xanchor="left", yshift=10)
    layout: dict[str, Any] = {
        "title": {"text": chart.title[lang]},
        "xaxis": {"title": {"text": chart.x_label[lang]}},
        "yaxis": {"title": {"text": chart.y_label[lang]}},
        "margin": {"l": 60, "r": 20, "t": 60, "b": 50},
        "legend": {"orientation": "h", "y": -0.2},
    }
    dated = [p.x for series in chart.series if series.kind != "bar" for p in series.points if isinstance(p.x, date)]
    if dated and min(dated) == max(dated):
        # One dated point (a declared total): give the axis a year around it rather than let
        # plotly zoom to a sub-second span.
        layout["xaxis"]["range"] = [dated[0] - timedelta(days=183), dated[0] + timedelta(days=183)]
    if chart.lanes:
        layout["yaxis"] = {"tickvals": list(range(len(chart.lanes))), "ticktext": [lane[lang] for lane in chart.lanes], "range": [-0.7, len(chart.lanes) - 0.3]}
        if chart.window is not None:
            layout["xaxis"]["range"] = [_timeline_start(chart), chart.window[1] + timedelta(days=15)]
    if dated or chart.window is not None:
        layout["xaxis"] |= date_axis(lang)
    fig.update_layout(**layout)
    return fig


def date_axis(lang: str) -> dict[str, Any]:
    """Dates on a plotly axis as the reader writes them: 2025年7月 in Chinese (plotly's own
    default would say "Jul 2025"), 2025-07 in English; the day in full when hovered. The forms
    are the locale's own (`units.axis_month`, `units.axis_day`), in d3's time-format codes."""
    return {"tickformat": t("units.axis_month", lang), "hoverformat": t("units.axis_day", lang)}


# ---------------------------------------------------------------- SVG (the dossier)

_MPL_LOCK = threading.Lock()
_MPL_FAMILY: list[str] = []


def _mpl_family() -> str:
    """Register the CJK font file with matplotlib once, by path: no guessing by name."""
    if not _MPL_FAMILY:
        from matplotlib import font_manager

        from .dossier.fonts import chart_font

        font = chart_font()
        font_manager.fontManager.addfont(font.path)
        _MPL_FAMILY.append(font.family)
    return _MPL_FAMILY[0]


def _plain(text: str) -> str:
    # A `$` in a site name would otherwise start matplotlib's mathtext.
    return text.replace("$", r"\$")


def _timeline_start(chart: Chart) -> date:
    dates = [p.x for s in chart.series for p in s.points if isinstance(p.x, date)]
    start = min(dates + [chart.window[0]]) if chart.window else min(dates)
    return start - timedelta(days=30)


_SVG_CACHE: dict[str, str] = {}
_SVG_CACHE_SIZE = 64


def svg(chart: Chart, lang: str = "zh") -> str:
    """The chart as a self-contained SVG document, its text set in the CJK font. Drawing is
    deterministic, so a chart already drawn (the app re-renders the same case often) is reused."""
    key = f"{lang}|{chart!r}"
    cached = _SVG_CACHE.get(key)
    if cached is None:
        cached = _draw_svg(chart, lang)
        if len(_SVG_CACHE) >= _SVG_CACHE_SIZE:
            _SVG_CACHE.pop(next(iter(_SVG_CACHE)))
        _SVG_CACHE[key] = cached
    return cached


def clear_svg_cache() -> None:
    _SVG_CACHE.clear()


def _draw_svg(chart: Chart, lang: str) -> str:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure

    family = _mpl_family()
    rc = {
        "font.family": [family],
        "font.size": 9,
        "svg.fonttype": "none",
        "svg.hashsalt": f"assessor-{chart.id}",
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    with _MPL_LOCK, matplotlib.rc_context(rc):
        fig = Figure(figsize=(6.2, 2.75))
        ax = fig.add_subplot()
        _draw(ax, chart, lang, mdates)
        fig.suptitle(_plain(chart.title[lang]), fontsize=10.5, x=0.01, y=0.985, ha="left", va="top")
        ax.set_xlabel(_plain(chart.x_label[lang]))
        ax.set_ylabel(_plain(chart.y_label[lang]))
        if chart.empty and chart.note is None:
            ax.text(0.5, 0.5, _plain(chart.title[lang]), transform=ax.transAxes, ha="center", color="#7f8c8d")
        if chart.note is not None:
            ax.text(0.5, 0.5, _plain(chart.note[lang]), transform=ax.transAxes, ha="center", va="center", color="#555555")
        handles, labels = ax.get_legend_handles_labels()
        if handles:
            # Above the plot, under the title: never over a bar or a point.
            ax.legend(handles, labels, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=min(len(handles), 3), fontsize=8, frameon=False, borderaxespad=0.2)
        # Fixed margins rather than tight_layout(), which draws the whole figure a second time.
        fig.subplots_adjust(left=0.11, right=0.98, top=0.80, bottom=0.17)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    # Drop the XML prolog and DOCTYPE so the SVG can also sit inline in HTML.
    return re.sub(r"^.*?(<svg\b)", r"\1", text, count=1, flags=re.S)


def _draw(ax, chart: Chart, lang: str, mdates) -> None:
    for series in chart.series:
        if not series.points:
            continue
        ys = [_plotted(p, chart) for p in series.points]
        if series.kind == "line":
            ax.plot([p.x for p in series.points], ys, color="#1f4e8c", linewidth=1.6, marker="o", markersize=2.2, label=_plain(series.label[lang]))
        elif series.kind == "bar":
            names = [_plain((p.label or {}).get(lang, str(p.x))) for p in series.points]
            colors = ["#b03a2e" if p.highlighted else ("#1f4e8c" if series.key == "existing" else "#4a8f4a") for p in series.points]
            bars = ax.bar(names, ys, color=colors, width=0.55, label=_plain(series.label[lang]))
            ax.bar_label(bars, labels=[f"{int(y):,}" for y in ys], fontsize=8, padding=2)
        else:
            colors = ["#b03a2e" if p.highlighted else "#7f8c8d" for p in series.points]
            ax.scatter([p.x for p in series.points], ys, c=colors, s=28, zorder=3, label=_plain(series.label[lang]))
    if chart.threshold is not None:
        level = float(Decimal(chart.threshold) / Decimal(chart.y_scale))
        ax.axhline(level, color="#b03a2e", linestyle="--", linewidth=1.1, label=_plain(chart.threshold_label[lang]))
        top = max([level] + [_plotted(p, chart) for s in chart.series for p in s.points])
        ax.set_ylim(0, top * 1.18)
    if chart.crossing is not None:
        ax.axvline(chart.crossing, color="#4a8f4a", linestyle=":", linewidth=1.3, label=_plain(chart.crossing_label[lang]))
    if chart.window is not None:
        ax.axvspan(chart.window[0], chart.window[1], color="#f5d76e", alpha=0.35, label=_plain(chart.window_label[lang]))
    if chart.lanes:
        ax.set_yticks(range(len(chart.lanes)), labels=[_plain(lane[lang]) for lane in chart.lanes])
        ax.set_ylim(-0.7, len(chart.lanes) - 0.3 + 0.6)
        ax.set_xlim(_timeline_start(chart), chart.window[1] + timedelta(days=20))
    if any(s.kind in {"line", "events"} and s.points for s in chart.series) or chart.window is not None:
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
        for label in ax.get_xticklabels():
            label.set_rotation(0)
