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
