"""The one-page screening summary PDF: counts by verdict, the most common failing criteria as
a chart, red flags by kind and the highest-ranked applications.

Rendered with the dossier's own machinery (its autoescaping Jinja2 environment over
templates/, its WeasyPrint call whose URL fetcher serves only project assets and in-memory
charts) and the CJK font its charts use.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from .rank import VERDICTS
from ..i18n import t
from ..core.rulebook import load_rulebook
from .flags import INFO_CODES, RED_FLAG_CODES, red_flags
from .run import Screening

TEMPLATE = "screening_summary.html"
CHART_FILE = "failing.svg"
TOP_CRITERIA = 11
TOP_APPLICATIONS = 10


@dataclass(frozen=True, slots=True)
class SummaryView:
    lang: str
    title: str
    generated: str
    counts: list[tuple[str, int]]
    verdicts: list[tuple[str, int]]
    failing: list[tuple[str, str, int, int]]  # id, title, not met, lacking evidence
    flags: list[tuple[str, int]]
    top: list[tuple[int, str, str, str, int]]  # rank, file, applicant, verdict/status, flags
    has_chart: bool


def summary_view(screening: Screening, lang: str = "zh", total: int | None = None) -> SummaryView:
    """`total`: how many files the run had, when `screening` is a filtered part of it."""
    rulebook = load_rulebook(screening.settings.rulebook_path)
    titles = {c.id: (c.title_en if lang == "en" else c.title_zh) for c in rulebook.criteria}
    counts = screening.counts()
    flag_counts = Counter(f.code for r in screening.records for f in r.flags)
    failing = [(cid, titles.get(cid, cid), not_met, lacking) for cid, not_met, lacking in screening.failing_criteria()[:TOP_CRITERIA]]
    top = []
    for rank, record in enumerate(screening.records[:TOP_APPLICATIONS], start=1):
        outcome = t(f"verdict.{record.verdict}", lang) if record.screened else t("screening.status.error", lang)
        top.append((rank, _short(record.label), record.applicant, outcome, len(red_flags(record))))
    from .export import as_of_text

    generated = t("screening.summary.generated", lang, as_of=as_of_text(screening, lang), rulebook=screening.rulebook_id, version=screening.rulebook_version, files=counts["files"])
    if total is not None and total != counts["files"]:
        generated += t("screening.summary.filtered", lang, shown=counts["files"], total=total)
    # Information (evidence without a hash) after the red flags, marked as such.
    flags = [(t(f"screening.flag.{code}.chip", lang), flag_counts[code]) for code in RED_FLAG_CODES if flag_counts[code]]
    flags += [(t("screening.summary.info", lang, chip=t(f"screening.flag.{code}.chip", lang)), flag_counts[code]) for code in sorted(INFO_CODES) if flag_counts[code]]
    return SummaryView(
        lang=lang,
        title=t("screening.summary.title", lang),
        generated=generated,
        counts=[(t(f"screening.count.{k}", lang), counts[k]) for k in ("files", "screened", "errors", "flagged", "tampered")],
        verdicts=[(t(f"verdict.{v}", lang), counts[v]) for v in VERDICTS],
        failing=failing,
        flags=flags,
        top=top,
        has_chart=bool(failing),
    )


def _short(label: str, width: int = 48) -> str:
    return label if len(label) <= width else "…" + label[-(width - 1) :]


def failing_chart_svg(failing: list[tuple[str, str, int, int]], lang: str) -> str:
    """The chart as SVG, text kept as text in the font the dossier's charts use."""
    import io
    import re

    import matplotlib

    with _LOCK, matplotlib.rc_context(_rc()):
        fig = failing_chart(failing, lang)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return re.sub(r"^.*?(<svg\b)", r"\1", buffer.getvalue(), count=1, flags=re.S)


def _rc() -> dict:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib import font_manager

    from ..dossier.fonts import chart_font

    font = chart_font()
    font_manager.fontManager.addfont(font.path)
    return {"font.family": [font.family], "font.size": 8, "svg.fonttype": "none", "svg.hashsalt": "assessor-screening", "axes.spines.top": False, "axes.spines.right": False}


def failing_chart(failing: list[tuple[str, str, int, int]], lang: str):
    """Horizontal stacked bars, one per criterion (most common on top): not met, then lacking
    evidence. Horizontal, so the criterion's name fits beside its bar in either language.
    The legend sits above the plotting area, where no bar can reach. Call under `_rc()`."""
    from matplotlib.figure import Figure

    rows = list(reversed(failing))
    labels = [f"{cid}  {title}".replace("$", r"\$") for cid, title, _, _ in rows]
    not_met = [n for _, _, n, _ in rows]
    lacking = [n for _, _, _, n in rows]
    fig = Figure(figsize=(6.6, 0.26 * len(rows) + 1.0))
    ax = fig.add_subplot()
    ax.barh(labels, not_met, color="#b03a2e", height=0.6, label=t("screening.summary.not_met", lang))
    more = ax.barh(labels, lacking, left=not_met, color="#e5a33d", height=0.6, label=t("screening.summary.insufficient", lang))
    totals = [a + b for a, b in zip(not_met, lacking, strict=True)]
    for bar, total, a, b in zip(more, totals, not_met, lacking, strict=True):
        ax.text(bar.get_x() + bar.get_width() + max(totals) * 0.01, bar.get_y() + bar.get_height() / 2, f"{total:,} ({a:,} + {b:,})", va="center", fontsize=7)
    ax.set_xlim(0, max(totals) * 1.25 or 1)
    ax.xaxis.get_major_locator().set_params(integer=True)
    # Anchored to the axes' top edge from outside: the longest bar can never run under it.
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncols=2, fontsize=7.5, frameon=False, borderaxespad=0)
    fig.tight_layout()
    return fig


_LOCK = threading.Lock()  # matplotlib rc settings are process-wide


def summary_html(screening: Screening, lang: str = "zh", total: int | None = None) -> tuple[str, dict[str, bytes]]:
    from ..dossier.render import environment

    view = summary_view(screening, lang, total)
    charts = {CHART_FILE: failing_chart_svg(view.failing, lang).encode("utf-8")} if view.has_chart else {}

    def tr(key: str, **values) -> str:
        return t(key, lang, **values)

    html = environment().get_template(TEMPLATE).render(view=view, tr=tr, chart=f"charts/{CHART_FILE}")
    return html, charts


def summary_pdf(screening: Screening, lang: str = "zh", generated_at: datetime | None = None, total: int | None = None) -> bytes:
    """The summary as PDF bytes; raises DossierFontError when no Chinese font is installed."""
    from ..dossier.fonts import require_cjk_fonts
    from ..dossier.render import html_to_pdf

    require_cjk_fonts()
    html, charts = summary_html(screening, lang, total)
    return html_to_pdf(html, charts, [], generated_at or datetime.now().astimezone(), pdf_variant=None).pdf
