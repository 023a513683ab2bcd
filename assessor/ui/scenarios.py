"""情景推演 / Scenarios: when the insurer becomes eligible, what flips the verdict, and
scenarios side by side, with a presenter mode for workshops.

The application comes from the intake page's draft (session key `draft`) or from a sample
insurer in examples/workshop; everything this page keeps lives under `scenarios.` in
st.session_state. The forecast, what-if and comparison are the pure core's
(`assessor.forecast`, `assessor.scenarios`); this module only asks and draws.
"""

from __future__ import annotations

import json
import tomllib
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ..charts import date_axis
from ..core.engine import Status, canonical_application_json
from ..forecast import BASES, DEFAULT_BASIS, Forecast, Outcome, Outlook, check_text, forecast
from ..i18n import DEFAULT_LANG, LANGS, format_yuan, t
from ..intake import load_application
from ..core.model import Application, Unit
from ..core.rulebook import load_rulebook
from ..scenarios import Change, Comparison, Edit, Scenario, ScenarioError, compare, extra_premium_edits, format_edits, minimal_changes, parse_edits
from .fields import LATEST, date_box
from .compute import digest
from ..labels import dates_in, day_text, field_name, problem_line
from .fields import escape as _escape  # names and edits are what the user typed

URL = "scenarios"
TITLE = "scenarios"
ICON = ":material/insights:"

WORKSHOP = Path(__file__).resolve().parents[2] / "examples" / "workshop"
_ANY_DAY = {"today": date.max}
_YI = Decimal(100_000_000)
_EXTRA_SCENARIOS = 3

# Session keys this page owns.
K = "scenarios."
SOURCE, AS_OF, BASIS, PRESENTER, DEFS, READINGS, RESULT = (K + n for n in ("source", "as_of", "basis", "presenter", "defs", "readings", "result"))
DRAFT_SOURCE = "draft"

# Plain symbols rather than emoji: projectors and locked-down PCs often lack an emoji font.
_STATUS_MARK = {Status.MET: "√", Status.NOT_MET: "×", Status.INSUFFICIENT_EVIDENCE: "?", Status.NOT_APPLICABLE: "–"}
_OUTLOOK_MARK = {Outlook.MET_NOW: "√", Outlook.ON_DATE: "→", Outlook.NEVER: "×", Outlook.BLOCKED: "×", Outlook.NOT_APPLICABLE: "–"}
_SAMPLES_PER_ROW = 4
_UNIT_YUAN = {unit.value: unit.yuan for unit in Unit}

_PRESENTER_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], footer { display: none !important; }
.block-container { padding-top: 1.2rem !important; max-width: 100% !important; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li,
[data-testid="stTable"] td, [data-testid="stTable"] th, [data-testid="stAlert"] p { font-size: 1.45rem !important; line-height: 1.5 !important; }
h1 { font-size: 3.2rem !important; } h2, h3 { font-size: 2.2rem !important; }
[data-testid="stCaptionContainer"], [data-testid="stExpander"] { display: none !important; }
</style>
"""


# ---------------------------------------------------------------- session and wording


def _lang() -> str:
    value = st.session_state.get("lang", DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def _t(key: str, /, **values: Any) -> str:
    return t(f"forecast.page.{key}", _lang(), **values)


def _init() -> None:
    _restore_from_url()
    state = st.session_state
    state.setdefault(PRESENTER, False)
    state.setdefault(BASIS, DEFAULT_BASIS)
    state.setdefault(DEFS, [])


# The URL keeps the chosen insurer, date, basis and scenarios, so a browser reload (or a link
# sent to a colleague) comes back to the same comparison. The app's own `draft` parameter is
# left alone.
_URL = {"source": "sc_source", "as_of": "sc_as_of", "basis": "sc_basis", "defs": "sc_defs"}
_URL_MAX = 4000


def _restore_from_url() -> None:
    state = st.session_state
    if state.get(K + "url_checked"):
        return
    state[K + "url_checked"] = True
    params = st.query_params
    source = params.get(_URL["source"])
    if source == DRAFT_SOURCE or (source and _sample(source)):
        state[SOURCE] = source
    try:
        if params.get(_URL["as_of"]):
            state[AS_OF] = date.fromisoformat(params[_URL["as_of"]])
    except ValueError:
        pass
    if params.get(_URL["basis"]) in {str(b) for b in BASES}:
        state[BASIS] = int(params[_URL["basis"]])
    state[DEFS] = _defs_from(params.get(_URL["defs"]))


def _defs_from(text: str | None) -> list[dict[str, Any]]:
    """Scenario definitions from the URL, keeping only well-formed ones: the URL is input too."""
    if not text or len(text) > _URL_MAX:
        return []
    try:
        raw = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return []
    defs = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        seats = item.get("seats")
        defs.append(
            {
                "name": str(item.get("name") or "")[:40],
                "seats": seats if isinstance(seats, int) and not isinstance(seats, bool) and 0 <= seats <= 100_000 else None,
                "premium": str(item.get("premium") or "")[:40],
                "edits": str(item.get("edits") or "")[:_URL_MAX],
            }
        )
    return defs[:_EXTRA_SCENARIOS]


def _save_to_url(as_of: date, basis: int) -> None:
    state = st.session_state
    defs = json.dumps(state.get(DEFS) or [], ensure_ascii=False, separators=(",", ":"))
    wanted = {
        _URL["source"]: state.get(SOURCE) or "",
        _URL["as_of"]: as_of.isoformat(),
        _URL["basis"]: str(basis),
        _URL["defs"]: defs if defs != "[]" and len(defs) <= _URL_MAX else "",
    }
    params = st.query_params
    for key, value in wanted.items():
        if not value:
            if key in params:
                del params[key]
        elif params.get(key) != value:
            params[key] = value


@cache
def samples() -> tuple[dict[str, Any], ...]:
    """The workshop's sample insurers, as listed in examples/workshop/index.toml."""
    index = tomllib.loads((WORKSHOP / "index.toml").read_text(encoding="utf-8"))
    return tuple(index["insurers"])


def _sample(file: str) -> dict[str, Any] | None:
    return next((s for s in samples() if s["file"] == file), None)


@st.cache_data(show_spinner=False, max_entries=32)
def _sample_json(file: str, as_of: date) -> str:
    return canonical_application_json(load_application(WORKSHOP / file, today=max(as_of, date.today())))


def _draft_application() -> Application | None:
    """The intake page's application, when it has one that validates."""
    draft = st.session_state.get("draft")
    if not isinstance(draft, dict) or not (draft.get("applicant") or {}).get("name"):
        return None
    from .draft import check  # the intake's own reading of its draft

    return check(draft).application


def _application() -> tuple[Application | None, str]:
    source = st.session_state.get(SOURCE)
    if source == DRAFT_SOURCE:
        application = _draft_application()
        return application, application.applicant.name if application else ""
    sample = _sample(source) if source else None
    if sample is None:
        return None, ""
    as_of = st.session_state.get(AS_OF) or sample["as_of"]
    application = Application.model_validate_json(_sample_json(sample["file"], as_of), context=_ANY_DAY)
    return application, application.applicant.name


def _load_sample(file: str) -> None:
    sample = _sample(file)
    st.session_state[SOURCE] = file
    st.session_state[AS_OF] = sample["as_of"]
    st.session_state[DEFS] = []
    st.session_state.pop(RESULT, None)


def _use_draft() -> None:
    st.session_state[SOURCE] = DRAFT_SOURCE
    st.session_state[DEFS] = []
    st.session_state.pop(RESULT, None)
    settings = st.session_state.get("settings") or {}
    st.session_state[AS_OF] = settings.get("as_of") or date.today()


# ---------------------------------------------------------------- cached core calls


def _forecast(application_json: str, as_of: date, readings: tuple[tuple[str, str], ...], basis: int) -> tuple[Forecast, tuple[Change, ...]]:
    # Keyed by the application's digest: a large application is hashed once, never kept as a key.
    return _forecast_cached(digest(application_json), as_of, readings, basis, application_json)


@st.cache_data(show_spinner=False, max_entries=64)
def _forecast_cached(key: str, as_of: date, readings: tuple[tuple[str, str], ...], basis: int, _application_json: str) -> tuple[Forecast, tuple[Change, ...]]:
    application = Application.model_validate_json(_application_json, context=_ANY_DAY)
    rulebook = load_rulebook()
    fc = forecast(application, rulebook, as_of, dict(readings), basis)
    return fc, minimal_changes(application, rulebook, as_of, dict(readings), basis, forecast_result=fc)


def _scenarios_json(scenarios: list[Scenario]) -> str:
    return json.dumps([{"name": s.name, "edits": [e.to_json() for e in s.edits]} for s in scenarios], ensure_ascii=False)


def _compare(application_json: str, scenarios_json: str, as_of: date, readings: tuple[tuple[str, str], ...], basis: int) -> Comparison:
    return _compare_cached(digest(application_json), scenarios_json, as_of, readings, basis, application_json)


@st.cache_data(show_spinner=False, max_entries=32)
def _compare_cached(key: str, scenarios_json: str, as_of: date, readings: tuple[tuple[str, str], ...], basis: int, _application_json: str) -> Comparison:
    application = Application.model_validate_json(_application_json, context=_ANY_DAY)
    specs = json.loads(scenarios_json, parse_float=Decimal)
    scenarios = [Scenario(s["name"], tuple(Edit(e["path"], e["value"]) for e in s["edits"])) for s in specs]
    return compare(application, scenarios, load_rulebook(), as_of, dict(readings), basis)


# ---------------------------------------------------------------- the page


def render() -> None:
    _init()
    lang = _lang()
    head, toggle = st.columns([4, 1], vertical_alignment="bottom")
    with head:
        st.title(_t("title"))
    with toggle:
        presenter = st.toggle(_t("presenter"), key=PRESENTER, help=_t("presenter_help"))
    if presenter:
        st.markdown(_PRESENTER_CSS, unsafe_allow_html=True)  # fixed CSS, no user text
    else:
        st.caption(_t("caption"))

    _source_picker()
    application, name = _application()
    if application is None:
        st.info(_t("none_loaded"), icon=":material/info:")
        return
    as_of, basis, readings = _controls()
    fc, changes = _forecast(canonical_application_json(application), as_of, tuple(sorted(readings.items())), basis)

    _overall(fc, name, lang)
    st.subheader(_t("criteria"))
    st.table(_criteria_table(fc, lang))
    for note in fc.notes:
        st.caption(dates_in(note.text(lang), lang))
    st.subheader(_t("chart_premium"))
    figure = premium_figure(fc, lang)
    if figure is None:
        st.caption(_t("no_premium_chart"))
    else:
        st.plotly_chart(figure, key="scenarios.chart.premium")
    _whatif(changes, lang, _titles(fc, lang))
    _scenarios(application, as_of, basis, readings, lang)
    rulebook_line = _t("rulebook", id=fc.rulebook_id, version=fc.rulebook_version, readings=_readings_text(fc.readings, lang))
    st.caption(rulebook_line)
    st.caption(t("report.confirm_current", lang))
    _save_to_url(as_of, basis)


def _readings_text(readings: dict[str, str], lang: str) -> str:
    """The readings used, each by its wording in the rulebook (never its key)."""
    rulebook = load_rulebook()
    words = []
    for key, value in readings.items():
        reading = rulebook.readings.get(key)
        words.append(reading.options[value].in_(lang) if reading is not None and value in reading.options else f"{key}={value}")
    return ("；" if lang == "zh" else "; ").join(words)


def _titles(fc: Forecast, lang: str) -> dict[str, str]:
    """Each criterion's title by its id, for text that would otherwise show the id alone."""
    return {item.criterion: item.title[lang] for item in fc.criteria}


def _blocked(fc: Forecast, lang: str) -> str:
    titles = _titles(fc, lang)
    return ("、" if lang == "zh" else ", ").join(titles.get(c, c) for c in fc.blocked_by)


def _source_picker() -> None:
    lang = _lang()
    draft_ready = _draft_application() is not None
    st.markdown(f"**{_t('samples')}**")
    entries = list(samples()) + ([None] if draft_ready else [])
    columns = [column for start in range(0, len(entries), _SAMPLES_PER_ROW) for column in st.columns(_SAMPLES_PER_ROW)]
    for column, sample in zip(columns, samples(), strict=False):
        with column:
            st.button(
                sample[f"name_{lang}"],
                key=f"{K}sample.{sample['file']}",
                on_click=_load_sample,
                args=(sample["file"],),
                type="primary" if st.session_state.get(SOURCE) == sample["file"] else "secondary",
                width="stretch",
            )
    if draft_ready:
        with columns[len(entries) - 1]:
            st.button(_t("source_current"), key=f"{K}use_draft", on_click=_use_draft, width="stretch",
                      type="primary" if st.session_state.get(SOURCE) == DRAFT_SOURCE else "secondary")
    sample = _sample(st.session_state.get(SOURCE) or "")
    if sample is not None:
        st.info(f"**{sample[f'name_{lang}']}** — {sample[f'story_{lang}']}", icon=":material/record_voice_over:")


def _controls() -> tuple[date, int, dict[str, str]]:
    lang = _lang()
    rulebook = load_rulebook()
    state = st.session_state
    earliest, latest = rulebook.effective_from, LATEST  # dates the rulebook speaks to, up to the app's latest
    if not isinstance(state.get(AS_OF), date) or not earliest <= state[AS_OF] <= latest:
        state[AS_OF] = date.today()
    settings_readings = (state.get("settings") or {}).get("readings") or {}
    chosen: dict[str, str] = {}
    date_col, basis_col, readings_col = st.columns([1, 1, 3])
    with date_col:
        as_of = date_box(_t("as_of"), AS_OF, date.today(), earliest=earliest, latest=latest)
    with basis_col:
        basis = st.radio(_t("basis"), BASES, key=BASIS, horizontal=True, format_func=lambda n: t("forecast.page.basis_option", lang, n=n))
    with readings_col:
        columns = st.columns(len(rulebook.readings))
        for column, (key, reading) in zip(columns, rulebook.readings.items(), strict=True):
            widget = f"{READINGS}.{key}"
            if widget not in state:
                saved = settings_readings.get(key)
                state[widget] = saved if saved in reading.options else reading.default
            with column:
                chosen[key] = st.selectbox(
                    reading.en if lang == "en" else reading.zh,
                    list(reading.options),
                    key=widget,
                    format_func=lambda option, r=reading: r.options[option].in_(lang),
                )
    return as_of, int(basis), chosen


def _overall(fc: Forecast, name: str, lang: str) -> None:
    st.subheader(_t("overall"))
    body = f"### {dates_in(fc.summary().text(lang), lang)}\n\n{_escape(name)} · {t('verdict.' + fc.verdict_now.value, lang)}（{day_text(fc.as_of, lang)}）"
    if fc.check is not None:
        body += f"\n\n{dates_in(check_text(fc, lang), lang)}"
    if fc.outcome is Outcome.ELIGIBLE_NOW:
        st.success(body, icon=":material/verified:")
    elif fc.outcome is Outcome.ELIGIBLE_ON:
        st.info(body, icon=":material/event_available:")
    elif fc.outcome is Outcome.BLOCKED:
        st.error(body, icon=":material/block:")
    else:
        st.warning(body, icon=":material/info:")


def _criteria_table(fc: Forecast, lang: str) -> Any:
    rows, colours = [], []
    for item in fc.criteria:
        shown = day_text(item.met_on, lang) if item.met_on and item.outlook is Outlook.ON_DATE else "—"
        reason = item.reason.text(lang)
        if item.notes:
            reason += " " + " ".join(note.text(lang) for note in item.notes)
        reason = dates_in(reason, lang)
        rows.append(
            {
                _t("col_criterion"): f"{item.criterion} {item.title[lang]}",
                _t("col_clause"): item.clause,
                _t("col_now"): f"{_STATUS_MARK[item.status_now]} {t('status.' + item.status_now.value, lang)}",
                _t("col_outlook"): f"{_OUTLOOK_MARK[item.outlook]} {t('forecast.outlook.' + item.outlook.value, lang)}",
                _t("col_date"): shown,
                _t("col_reason"): reason,
            }
        )
        outlook = _STATUS_COLOUR[Status.MET] if item.outlook in (Outlook.MET_NOW, Outlook.NOT_APPLICABLE) else "color: #1f618d" if item.outlook is Outlook.ON_DATE else _STATUS_COLOUR[Status.NOT_MET]
        colours.append({_t("col_clause"): "", _t("col_now"): _STATUS_COLOUR[item.status_now], _t("col_outlook"): outlook, _t("col_date"): outlook, _t("col_reason"): ""})
    frame = pd.DataFrame(rows).set_index(_t("col_criterion"))
    styles = pd.DataFrame(colours, index=frame.index)
    return frame.style.apply(lambda _: styles, axis=None)


def premium_figure(fc: Forecast, lang: str) -> go.Figure | None:
    """Cumulative premium in 亿元: the ledger as recorded, the projection dashed, the threshold."""
    points = fc.premium_path
    if not points or fc.threshold is None:
        return None
    recorded = [p for p in points if not p.projected]
    projected = [p for p in points if p.projected]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(x=[p.on for p in recorded], y=[float(p.cumulative / _YI) for p in recorded], mode="lines+markers", name=_t("chart_recorded"), line={"width": 3})
    )
    if projected:
        joined = recorded[-1:] + projected
        figure.add_trace(
            go.Scatter(x=[p.on for p in joined], y=[float(p.cumulative / _YI) for p in joined], mode="lines", name=_t("chart_projected"), line={"dash": "dash", "width": 3})
        )
    threshold = float(fc.threshold / _YI)
    figure.add_hline(y=threshold, line={"color": "#c0392b", "width": 2}, annotation_text=_t("chart_threshold", threshold=format_yuan(fc.threshold, lang)), annotation_position="top left")
    crossing = fc.premium_crossing
    if crossing is not None:
        figure.add_trace(
            go.Scatter(x=[crossing], y=[threshold], mode="markers+text", marker={"size": 14, "color": "#c0392b"}, text=[_t("chart_crossing", date=day_text(crossing, lang))], textposition="bottom right", showlegend=False)
        )
    figure.add_vline(x=fc.as_of.isoformat(), line={"color": "#7f8c8d", "dash": "dot"})
    figure.update_layout(
        xaxis_title=_t("chart_month"), yaxis_title=_t("chart_yi"), height=420, margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend={"orientation": "h", "y": 1.08}, font={"size": 15},
        xaxis=date_axis(lang),
    )
    return figure


def _whatif(changes: tuple[Change, ...], lang: str, titles: dict[str, str]) -> None:
    st.subheader(_t("whatif"))
    if not changes:
        st.success(_t("whatif_none"), icon=":material/check_circle:")
        return
    rows = [
        {
            _t("col_criterion"): titles.get(change.criterion, change.criterion),
            _t("col_change"): dates_in(change.text(lang), lang),
            _t("col_flips"): ("√ " + _t("flips_yes")) if change.flips else ("× " + _t("flips_no")) if change.flips is False else "—",
        }
        for change in changes
    ]
    st.table(pd.DataFrame(rows))
    addable = [(i, c) for i, c in enumerate(changes) if c.edits and c.wait_until is None]
    if addable and len(st.session_state[DEFS]) < _EXTRA_SCENARIOS:
        columns = st.columns(min(len(addable), 4))
        for (i, change), column in zip(addable, columns * 4, strict=False):
            with column:
                title = titles.get(change.criterion, change.criterion)
                st.button(title, icon=":material/add:", key=f"{K}adopt.{i}", on_click=_adopt, args=(title, format_edits(change.edits)), help=dates_in(change.text(lang), lang))


def _adopt(name: str, edits: str) -> None:
    defs = st.session_state[DEFS]
    if len(defs) < _EXTRA_SCENARIOS:
        defs.append({"name": name, "seats": None, "premium": "", "edits": edits})
    st.session_state.pop(RESULT, None)


def _add_scenario() -> None:
    defs = st.session_state[DEFS]
    if len(defs) < _EXTRA_SCENARIOS:
        defs.append({"name": t("forecast.scenario.default_name", _lang(), n=len(defs) + 1), "seats": None, "premium": "", "edits": ""})


def _remove_scenario() -> None:
    defs = st.session_state[DEFS]
    if defs:
        defs.pop()
        # The next scenario at this place starts from its own values, not the removed one's.
        for field in ("name", "seats", "premium", "edits"):
            st.session_state.pop(f"{K}{field}.{len(defs)}", None)
    st.session_state.pop(RESULT, None)


def _scenarios(application: Application, as_of: date, basis: int, readings: dict[str, str], lang: str) -> None:
    st.subheader(_t("scenarios"))
    st.caption(_t("scenarios_help"))
    defs: list[dict[str, Any]] = st.session_state[DEFS]
    add, remove = st.columns(2)
    with add:
        st.button(_t("scenario_add"), key=f"{K}add", on_click=_add_scenario, disabled=len(defs) >= _EXTRA_SCENARIOS, icon=":material/add:")
    with remove:
        st.button(_t("scenario_remove"), key=f"{K}remove", on_click=_remove_scenario, disabled=not defs, icon=":material/remove:")
    if defs:
        with st.form(f"{K}form", border=True):
            columns = st.columns(len(defs))
            for i, (column, spec) in enumerate(zip(columns, defs, strict=True)):
                with column:
                    spec["name"] = st.text_input(_t("scenario_name"), value=spec["name"], key=f"{K}name.{i}", max_chars=40)
                    seats = st.number_input(
                        _t("quick_new_seats"), min_value=0, max_value=100_000, step=10, key=f"{K}seats.{i}",
                        value=spec["seats"] if spec["seats"] is not None else application.proposed_site.planned_seats,
                    )
                    spec["seats"] = int(seats)
                    spec["premium"] = st.text_input(_t("quick_extra_premium"), value=spec["premium"], key=f"{K}premium.{i}", placeholder="0.3")
                    spec["edits"] = st.text_area(_t("scenario_edits"), value=spec["edits"], key=f"{K}edits.{i}", height=120, placeholder="/existing_sites/0/seats = 520")
            submitted = st.form_submit_button(_t("scenario_apply"), type="primary", icon=":material/compare_arrows:")
        if submitted:
            st.session_state.pop(RESULT, None)
    built, problems = _build_scenarios(application, as_of, defs, lang)
    for line in problems:
        st.error(_escape(line), icon=":material/error:")
    comparison = _compare(canonical_application_json(application), _scenarios_json(built), as_of, tuple(sorted(readings.items())), basis)
    st.session_state[RESULT] = comparison.to_json()
    st.table(comparison_table(comparison, lang))
    for result in comparison.results:
        for problem in result.problems:
            st.error(_escape(f"{result.name}：{problem_line(problem, lang)}" if lang == "zh" else f"{result.name}: {problem_line(problem, lang)}"), icon=":material/error:")
    if len(comparison.results) > 1:
        st.plotly_chart(scenario_figure(comparison, lang), key="scenarios.chart.compare")


def _build_scenarios(application: Application, as_of: date, defs: list[dict[str, Any]], lang: str) -> tuple[list[Scenario], list[str]]:
    """The baseline plus each defined scenario; a scenario whose text cannot be read keeps what
    the user typed and is reported, never dropped silently."""
    built = [Scenario(t("forecast.scenario.baseline", lang))]
    problems: list[str] = []
    seen = {built[0].name}
    for i, spec in enumerate(defs):
        name = (spec.get("name") or "").strip() or t("forecast.scenario.default_name", lang, n=i + 1)
        while name in seen:
            name += "′"
        seen.add(name)
        edits = []
        seats = spec.get("seats")
        if seats is not None and seats != application.proposed_site.planned_seats:
            edits += list(parse_edits(f"/proposed_site/planned_seats = {int(seats)}"))
        premium = (spec.get("premium") or "").strip()
        if premium:
            try:
                edits += list(extra_premium_edits(application, as_of, Decimal(premium) * _YI))
            except InvalidOperation:
                problems.append(f"{name}: {_t('quick_extra_premium')}: {premium}")
        try:
            edits += list(parse_edits(spec.get("edits") or ""))
        except ScenarioError as exc:
            problems += [f"{name}{'：' if lang == 'zh' else ': '}{problem_line(p, lang)}" for p in exc.problems]
        built.append(Scenario(name, tuple(edits)))
    return built, problems


def _cell(value: Any, lang: str = DEFAULT_LANG) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict) and "month" in value and "premium" in value:
        try:
            amount = format_yuan(Decimal(str(value["premium"])) * _UNIT_YUAN[value.get("unit", "元")], lang)
        except (InvalidOperation, KeyError):
            amount = str(value["premium"])
        return f"{str(value['month'])[:7]} +{amount}"
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


_STATUS_COLOUR = {
    Status.MET: "color: #1e8449",
    Status.NOT_MET: "color: #c0392b",
    Status.INSUFFICIENT_EVIDENCE: "color: #b9770e",
    Status.NOT_APPLICABLE: "color: #7f8c8d",
}
_DIFFERS = "background-color: #fdebd0; font-weight: 600"
_CHANGED = "background-color: #eaf2f8"


def comparison_frame(comparison: Comparison, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The comparison as text (rows: verdict, forecast date, changed fields, each criterion;
    one column per scenario) and a frame of the same shape holding each cell's CSS: rows where
    the scenarios disagree, and the changed inputs, are highlighted."""
    names = [r.name for r in comparison.results]
    verdict_row, date_row, changed_row = _t("col_verdict"), _t("col_eligible_on"), _t("col_changed")
    criteria_rows = {cid: f"{cid} {title[lang]}" for cid, _, title in comparison.criteria}
    text: dict[str, list[str]] = {label: [] for label in (verdict_row, date_row, changed_row, *criteria_rows.values())}
    css: dict[str, list[str]] = {label: [] for label in text}
    for result in comparison.results:
        if not result.ok:
            for label in text:
                text[label].append("⚠ " + _cell(problem_line(result.problems[0], lang)) if label == changed_row else "—")
                css[label].append("color: #c0392b" if label == changed_row else "")
            continue
        fc = result.forecast
        text[verdict_row].append(t(f"verdict.{result.verdict.value}", lang))
        css[verdict_row].append("color: #1e8449" if result.verdict.value in ("eligible", "no_obstacle") else "color: #c0392b")
        if fc.eligible_on is not None:
            text[date_row].append(day_text(fc.eligible_on, lang))
        elif fc.outcome is Outcome.BLOCKED:
            text[date_row].append(_t("blocked_cell", criteria=_blocked(fc, lang)))
        else:
            text[date_row].append(t(f"forecast.outcome.{fc.outcome.value}", lang, date=day_text(fc.as_of, lang)))
        css[date_row].append("")
        text[changed_row].append(("；" if lang == "zh" else "; ").join(f"{field_name(c.path, lang)}{'：' if lang == 'zh' else ': '}{_cell(c.before, lang)} → {_cell(c.after, lang)}" for c in result.changes) or _t("changed_none"))
        css[changed_row].append("")
        for cid, label in criteria_rows.items():
            status = result.statuses[cid]
            met_on = next((c.met_on for c in fc.criteria if c.criterion == cid), None)
            suffix = f" → {day_text(met_on, lang)}" if status is not Status.MET and met_on else ""
            text[label].append(f"{_STATUS_MARK[status]} {t('status.' + status.value, lang)}{suffix}")
            css[label].append(_STATUS_COLOUR[status])
    ok = [r.ok for r in comparison.results]

    def disagree(label: str) -> bool:
        return len({v for v, good in zip(text[label], ok, strict=True) if good}) > 1

    highlighted = {label for label in (verdict_row, date_row) if disagree(label)}
    highlighted |= {label for cid, label in criteria_rows.items() if comparison.differs(cid)}
    for label in css:
        extra = _CHANGED if label == changed_row else _DIFFERS if label in highlighted else ""
        css[label] = [f"{extra}; {cell}".strip("; ") for cell in css[label]]
    frame = pd.DataFrame.from_dict(text, orient="index", columns=names)
    styles = pd.DataFrame.from_dict(css, orient="index", columns=names)
    return frame, styles


def comparison_table(comparison: Comparison, lang: str) -> Any:
    frame, styles = comparison_frame(comparison, lang)
    return frame.style.apply(lambda _: styles, axis=None)


def scenario_figure(comparison: Comparison, lang: str) -> go.Figure:
    """Each scenario's forecast eligibility date on one time axis; blocked ones marked at the end."""
    as_of = comparison.as_of
    ok = [r for r in comparison.results if r.ok]
    dated = [r.forecast.eligible_on for r in ok if r.forecast.eligible_on]
    end = max(dated + [as_of]) + timedelta(days=60)
    figure = go.Figure()
    for result in ok:
        fc = result.forecast
        if fc.eligible_on is not None:
            figure.add_trace(
                go.Scatter(
                    x=[as_of, fc.eligible_on], y=[result.name, result.name], mode="lines+markers+text",
                    text=["", day_text(fc.eligible_on, lang)], textposition="middle right", line={"width": 10}, marker={"size": 14}, showlegend=False,
                )
            )
        else:
            label = _t("blocked_cell", criteria=_blocked(fc, lang)) if fc.outcome is Outcome.BLOCKED else t(f"forecast.outcome.{fc.outcome.value}", lang, date=day_text(as_of, lang))
            figure.add_trace(
                go.Scatter(x=[as_of, end], y=[result.name, result.name], mode="lines+text", text=["", label], textposition="top left", line={"width": 10, "color": "#c0392b", "dash": "dot"}, showlegend=False)
            )
    figure.add_vline(x=as_of.isoformat(), line={"color": "#7f8c8d", "dash": "dot"})
    figure.update_layout(
        title=_t("chart_scenarios"), xaxis_title=_t("chart_date"), yaxis_title=_t("chart_scenario"), height=120 + 70 * len(ok), margin={"l": 10, "r": 10, "t": 50, "b": 10}, font={"size": 15},
        yaxis={"autorange": "reversed"}, xaxis=date_axis(lang),
    )
    return figure
