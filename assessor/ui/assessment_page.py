"""评估结果: the verdict, one card per criterion, the readings as switches, and the charts."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from ..core.engine import Assessment, Finding, Status, Verdict
from ..i18n import has, t
from ..core.model import Application
from ..report import format_gap, format_quantity
from ..core.rulebook import Rulebook, load_rulebook
from . import compute, shell, state
from .fields import LATEST, date_box, escape
from ..labels import dates_in, day_text, leading_date, missing_name, problem_line
from .state import FIELD_PREFIX, lang, tr

URL = "assessment"
TITLE = "assessment"
ICON = ":material/fact_check:"

AS_OF_KEY = FIELD_PREFIX + "as_of"
READING_PREFIX = FIELD_PREFIX + "reading."
CHART_KEY = FIELD_PREFIX + "chart"

STATUS_STYLE = {
    Status.MET: ("green", ":material/check_circle:"),
    Status.NOT_MET: ("red", ":material/cancel:"),
    Status.INSUFFICIENT_EVIDENCE: ("orange", ":material/help:"),
    Status.NOT_APPLICABLE: ("gray", ":material/remove_circle_outline:"),
}
VERDICT_STYLE = {
    Verdict.ELIGIBLE: ("success", ":material/verified:"),
    Verdict.NO_OBSTACLE: ("success", ":material/verified:"),
    Verdict.NOT_ELIGIBLE: ("error", ":material/block:"),
    Verdict.INCOMPLETE: ("warning", ":material/pending:"),
    Verdict.OUT_OF_SCOPE: ("info", ":material/info:"),
}


def render() -> None:
    st.title(tr("assessment.title"))
    checked = compute.checked(state.draft())
    if checked.application is None:
        st.warning(tr("assessment.invalid", n=len(checked.problems)), icon=":material/warning:")
        st.markdown("\n".join(f"- {escape(problem_line(p, lang()))}" for p in checked.problems[:30]))
        shell.link("intake", tr("assessment.to_intake"), ":material/edit_note:")
        return
    application = checked.application
    rulebook = load_rulebook()
    as_of, readings = controls(rulebook)
    result = compute.assessment(application, as_of, readings)
    banner(result, application, rulebook)
    charts(application, result)
    st.subheader(tr("assessment.findings"))
    left, right = st.columns(2, gap="medium")
    for i, finding in enumerate(result.findings):
        with left if i % 2 == 0 else right:
            card(finding, rulebook)
    with st.expander(tr("assessment.conventions"), icon=":material/menu_book:"):
        for convention in result.conventions.values():
            st.markdown(f"- {convention[lang()]}")


def controls(rulebook: Rulebook) -> tuple[date, dict[str, str]]:
    """The assessment date and the readings, kept in the session's settings across pages."""
    settings = state.settings()
    with st.container(border=True):
        date_col, readings_col = st.columns([1, 3], gap="large")
        with date_col:
            # An assessment date the rulebook speaks to: from the day it took effect.
            earliest = rulebook.effective_from
            if AS_OF_KEY not in st.session_state:
                st.session_state[AS_OF_KEY] = settings.get("as_of") or date.today()
            as_of = date_box(tr("assessment.as_of"), AS_OF_KEY, date.today(), earliest=earliest, latest=LATEST, help=tr("assessment.as_of_help"))
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


def banner(result: Assessment, application: Application, rulebook: Rulebook) -> None:
    if result.projected:
        st.warning(tr("assessment.projected_banner", as_of=day_text(result.as_of, lang()), today=day_text(date.today(), lang())), icon=":material/update:")
    kind, icon = VERDICT_STYLE[result.verdict]
    verdict = t(f"verdict.{result.verdict.value}", lang())
    getattr(st, kind)(f"### {verdict}\n\n{tr('assessment.banner_detail', name=escape(application.applicant.name), as_of=day_text(result.as_of, lang()))}", icon=icon)
    counts = {s: sum(1 for f in result.findings if f.status is s) for s in Status}
    st.markdown(
        "  ".join(
            f":{STATUS_STYLE[s][0]}-badge[{STATUS_STYLE[s][1]} {t(f'status.{s.value}', lang())} {counts[s]}]" for s in Status if counts[s]
        )
    )
    for note in result.notes:
        if result.projected and note.key == "engine.projected":
            continue  # said by the banner above
        st.info(dates_in(escape(note.text(lang())), lang()), icon=":material/info:")
    readings = "; ".join(_reading_label(rulebook, name, value) for name, value in result.readings.items())
    st.caption(
        tr(
            "assessment.meta",
            rulebook=result.rulebook_id,
            version=result.rulebook_version,
            as_of=day_text(result.as_of, lang()),
            readings=readings,
            fingerprint=result.fingerprint[:16],
        )
    )
    st.caption(rulebook.currency_notice_en if lang() == "en" else rulebook.currency_notice_zh)


def _reading_label(rulebook: Rulebook, name: str, value: str) -> str:
    reading = rulebook.readings.get(name)
    if reading is None or value not in reading.options:
        return f"{name}={value}"
    return reading.options[value].in_(lang())


def charts(application: Application, result: Assessment) -> None:
    """One chart at a time, chosen by the user: building a figure is the slow part of a rerun."""
    try:
        available = compute.charts(application, result)
    except ImportError:
        return
    by_id = {chart.id: chart for chart in available}
    ids = list(by_id)
    key = CHART_KEY
    if key not in st.session_state or st.session_state[key] not in ids:
        saved = state.settings().get("chart")
        st.session_state[key] = saved if saved in ids else ids[0]
    code = lang()
    chosen = st.segmented_control(
        tr("assessment.charts"),
        ids,
        key=key,
        format_func=lambda chart_id: t(f"app.assessment.chart.{chart_id}", code) if has(f"app.assessment.chart.{chart_id}", code) else chart_id,
        label_visibility="collapsed",
    ) or ids[0]
    state.settings()["chart"] = chosen
    chart = by_id[chosen]
    if chart.empty:
        st.caption(tr("assessment.chart_empty"))
        return
    st.plotly_chart(compute.figure(result, chart, code), key=f"chart.{chosen}", config={"displaylogo": False})


def card(finding: Finding, rulebook: Rulebook) -> None:
    """One criterion: status, figures, explanation, parts and evidence in one block of text,
    the clause behind an expander. Few elements per card keep a rerun fast."""
    code = lang()
    colour, icon = STATUS_STYLE[finding.status]
    status = t(f"status.{finding.status.value}", code)
    body = [
        f"#### :{colour}[{icon}] {finding.title[code]}",
        f":{colour}-badge[{status}] &nbsp; `{finding.criterion}` · {finding.clause}",
    ]
    informative = finding.for_information
    if informative is not None:
        # Out of scope: the criterion does not apply, but what it would have come to is shown, marked as such.
        body.append(f":gray-badge[:material/info: {tr('assessment.for_information', status=t(f'status.{informative.value}', code))}]")
    if finding.status is not Status.NOT_APPLICABLE or informative is not None:
        body.append(
            " &nbsp;·&nbsp; ".join(
                f"{tr(label)} **{value}**"
                for label, value in (
                    ("assessment.measured", format_quantity(finding.measured, code)),
                    ("assessment.threshold", format_quantity(finding.threshold, code)),
                    ("assessment.gap", dates_in(format_gap(finding, code), code)),
                )
            )
        )
    body.append(dates_in(escape(finding.explanation.text(code)), code))
    if finding.parts:
        body.append("\n".join(_part_line(part) for part in finding.parts))
    small = [f"\\* {dates_in(escape(note.text(code)), code)}" for note in finding.notes]
    if finding.evidence:
        small.append(tr("assessment.evidence", documents=escape(("；" if code == "zh" else "; ").join(e.document for e in finding.evidence))))
    if finding.missing_evidence:
        small.append(tr("assessment.missing", items=escape(("；" if code == "zh" else "; ").join(missing_name(key, code, rulebook=rulebook) for key in finding.missing_evidence))))
    body += [f":gray[:small[{line}]]" for line in small]
    with st.container(border=True):
        st.markdown("\n\n".join(body))
        with st.expander(tr("assessment.clause", clause=finding.clause)):
            used = [f":gray[:small[{tr('assessment.reading_used', reading=_reading_label(rulebook, name, value))}]]" for name, value in finding.readings.items()]
            st.markdown("\n\n".join([f"> {finding.clause_text}", *used]))


def _part_line(part: Any) -> str:
    colour, icon = STATUS_STYLE[part.status]
    measured = f" — {format_quantity(part.measured, lang())}" if part.measured is not None else ""
    return f"- :{colour}[{icon}] {escape(leading_date(part.label[lang()], lang()))}{measured}"
