"""评估结果: the verdict, one card per criterion, the readings as switches, and the charts."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from ..engine import Assessment, Finding, Status, Verdict
from ..i18n import t
from ..model import Application
from ..report import format_gap, format_quantity
from ..rulebook import load_rulebook
from . import compute, shell, state
from .draft import check
from .fields import EARLIEST, LATEST, escape
from .state import FIELD_PREFIX, lang, tr

URL = "assessment"
TITLE = "assessment"
ICON = ":material/fact_check:"

AS_OF_KEY = FIELD_PREFIX + "as_of"
READING_PREFIX = FIELD_PREFIX + "reading."

STATUS_STYLE = {
    Status.MET: ("green", ":material/check_circle:"),
    Status.NOT_MET: ("red", ":material/cancel:"),
    Status.INSUFFICIENT_EVIDENCE: ("orange", ":material/help:"),
    Status.NOT_APPLICABLE: ("gray", ":material/remove_circle_outline:"),
}
VERDICT_STYLE = {
    Verdict.ELIGIBLE: ("success", ":material/verified:"),
    Verdict.NOT_ELIGIBLE: ("error", ":material/block:"),
    Verdict.INCOMPLETE: ("warning", ":material/pending:"),
    Verdict.OUT_OF_SCOPE: ("info", ":material/info:"),
}


def render() -> None:
    st.title(tr("assessment.title"))
    checked = check(state.draft())
    if checked.application is None:
        st.warning(tr("assessment.invalid", n=len(checked.problems)), icon=":material/warning:")
        st.markdown("\n".join(f"- {escape(p.line(lang()))}" for p in checked.problems[:30]))
        shell.link("intake", tr("assessment.to_intake"), ":material/edit_note:")
        return
    application = checked.application
    as_of, readings = controls()
    result = compute.assessment(application, as_of, readings)
    banner(result, application)
    charts(application, result)
    st.subheader(tr("assessment.findings"))
    left, right = st.columns(2, gap="medium")
    for i, finding in enumerate(result.findings):
        with left if i % 2 == 0 else right:
            card(finding)
    with st.expander(tr("assessment.conventions"), icon=":material/menu_book:"):
        for convention in result.conventions.values():
            st.markdown(f"- {convention[lang()]}")


def controls() -> tuple[date, dict[str, str]]:
    """The assessment date and the readings, kept in the session's settings across pages."""
    rulebook = load_rulebook()
    settings = state.settings()
    with st.container(border=True):
        date_col, readings_col = st.columns([1, 3], gap="large")
        with date_col:
            if AS_OF_KEY not in st.session_state:
                st.session_state[AS_OF_KEY] = settings.get("as_of") or date.today()
            as_of = st.date_input(tr("assessment.as_of"), key=AS_OF_KEY, min_value=EARLIEST, max_value=LATEST, format="YYYY-MM-DD", help=tr("assessment.as_of_help"))
            as_of = as_of if isinstance(as_of, date) else date.today()
            settings["as_of"] = as_of
        chosen: dict[str, str] = {}
        with readings_col:
            st.markdown(f"**{tr('assessment.readings')}**")
            columns = st.columns(len(rulebook.readings))
            for column, (name, reading) in zip(columns, rulebook.readings.items(), strict=True):
                key = READING_PREFIX + name
                options = list(reading.options)
                if key not in st.session_state:
                    saved = settings["readings"].get(name)
                    st.session_state[key] = saved if saved in options else reading.default
                with column:
                    value = st.radio(
                        f"{reading.zh}（{reading.clause}）" if lang() == "zh" else f"{reading.en} ({reading.clause})",
                        options,
                        key=key,
                        format_func=lambda option, r=reading, code=lang(): r.options[option].in_(code),
                    )
                chosen[name] = value
                settings["readings"][name] = value
    return as_of, chosen


def banner(result: Assessment, application: Application) -> None:
    kind, icon = VERDICT_STYLE[result.verdict]
    verdict = t(f"verdict.{result.verdict.value}", lang())
    getattr(st, kind)(f"### {verdict}\n\n{tr('assessment.banner_detail', name=escape(application.applicant.name), as_of=result.as_of.isoformat())}", icon=icon)
    counts = {s: sum(1 for f in result.findings if f.status is s) for s in Status}
    st.markdown(
        "  ".join(
            f":{STATUS_STYLE[s][0]}-badge[{STATUS_STYLE[s][1]} {t(f'status.{s.value}', lang())} {counts[s]}]" for s in Status if counts[s]
        )
    )
    for note in result.notes:
        st.info(escape(note.text(lang())), icon=":material/info:")
    readings = "; ".join(_reading_label(name, value) for name, value in result.readings.items())
    st.caption(
        tr(
            "assessment.meta",
            rulebook=result.rulebook_id,
            version=result.rulebook_version,
            as_of=result.as_of.isoformat(),
            readings=readings,
            fingerprint=result.fingerprint[:16],
        )
    )
    rulebook = load_rulebook()
    st.caption(rulebook.currency_notice_en if lang() == "en" else rulebook.currency_notice_zh)


def _reading_label(name: str, value: str) -> str:
    reading = load_rulebook().readings.get(name)
    if reading is None or value not in reading.options:
        return f"{name}={value}"
    return reading.options[value].in_(lang())


def charts(application: Application, result: Assessment) -> None:
    try:
        figures = compute.figures(application, result, lang())
    except ImportError:
        return
    tabs = st.tabs([tr(f"assessment.chart.{chart_id}") if _has_chart_label(chart_id) else chart_id for chart_id, _, _ in figures])
    for tab, (chart_id, empty, figure) in zip(tabs, figures, strict=True):
        with tab:
            if empty:
                st.caption(tr("assessment.chart_empty"))
            else:
                st.plotly_chart(figure, key=f"chart.{chart_id}", config={"displaylogo": False})


def _has_chart_label(chart_id: str) -> bool:
    from ..i18n import has

    return has(f"app.assessment.chart.{chart_id}", lang())


def card(finding: Finding) -> None:
    colour, icon = STATUS_STYLE[finding.status]
    status = t(f"status.{finding.status.value}", lang())
    with st.container(border=True):
        st.markdown(f"#### :{colour}[{icon}] {finding.title[lang()]}")
        st.markdown(f":{colour}-badge[{status}] &nbsp; `{finding.criterion}` · {finding.clause}")
        if finding.status is not Status.NOT_APPLICABLE:
            measured, threshold, gap = st.columns(3)
            measured.markdown(f"{tr('assessment.measured')}\n\n**{format_quantity(finding.measured, lang())}**")
            threshold.markdown(f"{tr('assessment.threshold')}\n\n**{format_quantity(finding.threshold, lang())}**")
            gap.markdown(f"{tr('assessment.gap')}\n\n**{format_gap(finding, lang())}**")
        st.markdown(escape(finding.explanation.text(lang())))
        for note in finding.notes:
            st.caption(f"\\* {escape(note.text(lang()))}")
        if finding.parts:
            st.markdown("\n".join(_part_line(part) for part in finding.parts))
        if finding.evidence:
            st.caption(tr("assessment.evidence", documents=escape(("；" if lang() == "zh" else "; ").join(e.document for e in finding.evidence))))
        if finding.missing_evidence:
            st.caption(tr("assessment.missing", items=", ".join(finding.missing_evidence)))
        with st.expander(tr("assessment.clause", clause=finding.clause)):
            st.markdown(f"> {finding.clause_text}")
            for name, value in finding.readings.items():
                st.caption(tr("assessment.reading_used", reading=_reading_label(name, value)))


def _part_line(part: Any) -> str:
    colour, icon = STATUS_STYLE[part.status]
    measured = f" — {format_quantity(part.measured, lang())}" if part.measured is not None else ""
    return f"- :{colour}[{icon}] {escape(part.label[lang()])}{measured}"
