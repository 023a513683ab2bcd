"""The one-page screening summary, read back from a real PDF."""

from __future__ import annotations

import io

from pypdf import PdfReader

from assessor.screening import Settings, collect_paths, screen
from assessor.screening.summary_pdf import summary_html, summary_pdf, summary_view

from .conftest import AS_OF, EXAMPLES


def examples_screening():
    sources, refused = collect_paths(sorted(EXAMPLES.glob("*.json")))
    return screen(sources, Settings(as_of=AS_OF), refused)


def test_summary_is_one_page_with_counts_and_failing_criteria():
    screening = examples_screening()
    reader = PdfReader(io.BytesIO(summary_pdf(screening, "zh")))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "监管筛查摘要" in text
    counts = screening.counts()
    view = summary_view(screening, "zh")
    assert ("不符合条件", counts["not_eligible"]) in view.verdicts
    most_common, title, not_met, lacking = view.failing[0]
    assert most_common in text and title in text
    # The chart's bars follow the same counts as the table beside it, most common first.
    totals = [n + m for _, _, n, m in view.failing]
    assert totals == sorted(totals, reverse=True)
    assert sum(1 for r in screening.screened if most_common in r.not_met or most_common in r.insufficient) == not_met + lacking


def test_applicant_text_is_escaped_and_fetches_nothing(tmp_path):
    import json

    from .conftest import example, with_hashes, write

    app = with_hashes(example())
    app["applicant"]["name"] = '<img src="http://example.com/x.png">恶意公司'
    write(tmp_path, "a.json", json.dumps(app, ensure_ascii=False))
    sources, refused = collect_paths([tmp_path])
    screening = screen(sources, Settings(as_of=AS_OF), refused)
    html, charts = summary_html(screening, "en")
    assert "<img src=\"http://" not in html and "&lt;img" in html
    assert set(charts) == {"failing.svg"} or charts == {}


def test_the_chart_legend_sits_above_the_bars_and_covers_none_of_them():
    import matplotlib

    from assessor.screening.summary_pdf import _LOCK, _rc, failing_chart

    view = summary_view(examples_screening(), "zh")
    with _LOCK, matplotlib.rc_context(_rc()):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        fig = failing_chart(view.failing, "zh")
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
        [ax] = fig.axes
        legend = ax.get_legend().get_window_extent(renderer)
        bars = [patch.get_window_extent(renderer) for patch in ax.patches]
        labels = [text.get_window_extent(renderer) for text in ax.texts]
    assert len(bars) == 2 * len(view.failing)
    for box in bars + labels:
        assert not legend.overlaps(box)
    assert legend.y0 >= ax.get_window_extent(renderer).y1  # above the plotting area
    assert legend.y1 <= fig.bbox.y1  # and still on the figure


def test_a_summary_of_a_filtered_table_says_so():
    screening = examples_screening()
    eligible = [r.label for r in screening.records if r.verdict == "eligible"]
    view = summary_view(screening.only(eligible), "en", total=len(screening.records))
    assert view.generated.endswith(f" · {len(eligible)} of {len(screening.records)} files, as filtered")
    assert view.verdicts[0] == ("Eligible to open the new site", len(eligible)) and sum(n for _, n in view.verdicts) == len(eligible)
    # Evidence without a hash is counted as information, after the red flags.
    assert view.flags[-1][0] == "Evidence without hash (information)"
