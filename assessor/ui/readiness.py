"""Page 运营合规自查 / Operating readiness: logs in, every duty of sections 一 to 三 out.

Uploads are written to a temporary folder only while DuckDB reads them, then deleted. The
check is cached on the files' digests and the settings, so a rerun redraws without recounting.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from ..charts import date_axis
from ..i18n import DEFAULT_LANG, LANGS, t
from ..core.model import Attestation, Evidence
from ..readiness import LogError, LogSpec, check_readiness, load_readiness_rulebook, parse_attestations
from ..readiness.report import ReadinessReport
from ..readiness.rules import ShareWithinHours
from ..readiness.view import duty_row, issue_lines, log_lines
from ..labels import day_text

URL = "readiness"
TITLE = "readiness"  # key under app.nav.
ICON = ":material/checklist:"

DEFAULT_UPLOAD_MB = 200  # Streamlit's own default, when no configuration says otherwise
SAMPLES = Path(__file__).resolve().parents[2] / "examples" / "logs"
KEY = "readiness."  # every widget and value of this page lives under this prefix in session_state
STATE_ICONS = {"met": "✅", "not_met": "❌", "review": "🔎", "reported": "ℹ️", "not_measured": "⚪", "insufficient_evidence": "⚠️"}


def _lang() -> str:
    value = st.session_state.get("lang", DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def upload_limit_mb() -> int:
    """The upload limit the server enforces (`server.maxUploadSize` in .streamlit/config.toml),
    so the page states the limit that applies. The CLI reads logs of any size in place."""
    try:
        value = st.get_option("server.maxUploadSize")
    except RuntimeError:  # not configured at all
        return DEFAULT_UPLOAD_MB
    return int(value) if isinstance(value, (int, float)) and value > 0 else DEFAULT_UPLOAD_MB


def tr(key: str, /, **values) -> str:
    return t(f"readiness.page.{key}", _lang(), **values)


@st.cache_data(show_spinner=False, max_entries=8)
def _check(files_key: tuple[tuple[str, str], ...], _files: tuple[bytes, ...], sample_names: tuple[str, ...], as_of: date, bulk_min: int, attestations_json: str, lang: str) -> ReadinessReport:
    rulebook = load_readiness_rulebook()
    attestations = parse_attestations(attestations_json, rulebook) if attestations_json else None
    with tempfile.TemporaryDirectory(prefix="assessor-readiness-") as folder:
        specs = []
        for index, ((name, _digest), data) in enumerate(zip(files_key, _files, strict=True)):
            path = Path(folder) / f"{index}{Path(name).suffix.lower()}"
            path.write_bytes(data)
            specs.append(LogSpec(path, name=name))
        specs += [LogSpec(SAMPLES / name) for name in sample_names]
        return check_readiness(specs, as_of, attestations, rulebook, bulk_min, lang=lang)


def _attestations_json() -> str:
    """The attestations the user entered on this page, as the JSON the core reads."""
    rulebook = load_readiness_rulebook()
    out = {}
    for duty in rulebook.attested():
        choice = st.session_state.get(f"{KEY}att.{duty.id}.state", "unknown")
        docs = [line.strip() for line in st.session_state.get(f"{KEY}att.{duty.id}.evidence", "").splitlines() if line.strip()]
        description = st.session_state.get(f"{KEY}att.{duty.id}.description", "")
        if choice == "unknown" and not docs and not description:
            continue
        attested = {"yes": True, "no": False}.get(choice)
        out[duty.id] = Attestation(attested=attested, description=description[:2000], evidence=[Evidence(document=d[:200]) for d in docs]).model_dump(mode="json")
    return json.dumps(out, ensure_ascii=False, sort_keys=True)


def _load_attestation_file(raw: bytes) -> None:
    lang = _lang()
    try:
        loaded = parse_attestations(raw, load_readiness_rulebook(), "attestations.json")
    except LogError as exc:
        st.error(exc.message(lang))
        return
    for duty_id, a in loaded.items():
        st.session_state[f"{KEY}att.{duty_id}.state"] = {True: "yes", False: "no", None: "unknown"}[a.attested]
        st.session_state[f"{KEY}att.{duty_id}.description"] = a.description
        st.session_state[f"{KEY}att.{duty_id}.evidence"] = "\n".join(e.document for e in a.evidence)


def _attestation_form() -> None:
    lang = _lang()
    rulebook = load_readiness_rulebook()
    with st.expander(tr("attest"), expanded=False):
        upload = st.file_uploader(tr("attest_upload"), type=["json"], key=f"{KEY}att_file")
        if upload is not None and st.session_state.get(f"{KEY}att_file_seen") != upload.file_id:
            st.session_state[f"{KEY}att_file_seen"] = upload.file_id
            _load_attestation_file(upload.getvalue())
        labels = {"unknown": tr("attest_unknown"), "yes": tr("attest_yes"), "no": tr("attest_no")}
        for duty in rulebook.attested():
            st.markdown(f"**{duty.clause} {duty.title(lang)}**")
            st.caption(duty.text)
            st.session_state.setdefault(f"{KEY}att.{duty.id}.state", "unknown")
            st.radio(tr("attest_state"), list(labels), format_func=labels.get, horizontal=True, key=f"{KEY}att.{duty.id}.state")
            st.text_input(tr("attest_description"), key=f"{KEY}att.{duty.id}.description", max_chars=2000)
            st.text_area(tr("attest_evidence"), key=f"{KEY}att.{duty.id}.evidence", height=68)


def _templates() -> None:
    with st.expander(tr("templates")):
        for path in sorted((SAMPLES / "templates").glob("*.csv")):
            st.download_button(path.name, path.read_bytes(), file_name=path.name, mime="text/csv", key=f"{KEY}tpl.{path.name}")


def _share_chart(report: ReadinessReport, title: str, within: str, late: str, target: float) -> go.Figure | None:
    months = [m for m in report.months if getattr(m, within) + getattr(m, late)]
    if not months:
        return None
    x = [m.month for m in months]
    y = [100 * getattr(m, within) / (getattr(m, within) + getattr(m, late)) for m in months]
    fig = go.Figure(go.Bar(x=x, y=y, name=tr("chart_share")))
    fig.add_trace(go.Scatter(x=x, y=[target * 100] * len(x), mode="lines", name=tr("chart_target")))
    fig.update_layout(title=title, xaxis_title=tr("chart_month"), yaxis_title=tr("chart_share"), yaxis_range=[0, 105], height=320, margin=dict(t=50, b=30), xaxis=date_axis(_lang()))
    return fig


def _charts(report: ReadinessReport) -> None:
    import pandas  # noqa: F401  (waits for the warm-up thread's import before plotly looks for it)

    rulebook = load_readiness_rulebook()
    figures = []
    for duty in rulebook.measured():
        m = duty.measure
        if isinstance(m, ShareWithinHours):
            prefix = "delivered" if m.to_column == "delivery_time" else "called"
            key = "chart_delivery" if prefix == "delivered" else "chart_callback"
            fig = _share_chart(report, tr(key, hours=m.within_hours), f"{prefix}_within", f"{prefix}_late", float(m.target_share))
            if fig:
                figures.append(fig)
    rates = [m for m in report.months if m.complaints_per_10k is not None]
    if rates:
        fig = go.Figure(go.Scatter(x=[m.month for m in rates], y=[float(m.complaints_per_10k) for m in rates], mode="lines+markers"))
        fig.update_layout(title=tr("chart_complaints"), xaxis_title=tr("chart_month"), yaxis_title=tr("chart_rate"), height=320, margin=dict(t=50, b=30), xaxis=date_axis(_lang()))
        figures.append(fig)
    if figures:
        st.subheader(tr("charts"))
        columns = st.columns(min(len(figures), 2))
        for i, fig in enumerate(figures):
            columns[i % len(columns)].plotly_chart(fig, width="stretch", key=f"{KEY}chart.{i}")


def _zone(name: str, lang: str) -> str:
    """The report's time zone as a reader says it: 北京时间 rather than Asia/Shanghai."""
    return t("labels.beijing_time", lang) if lang == "zh" and name in ("Asia/Shanghai", "Asia/Chongqing", "PRC") else name


def _results(report: ReadinessReport) -> None:
    lang = _lang()
    st.caption(tr("rulebook", id=report.rulebook_id, version=report.rulebook_version, as_of=day_text(report.as_of, lang), zone=_zone(report.timezone, lang)))
    st.subheader(tr("summary"))
    tally = report.tally()
    columns = st.columns(len(tally))
    for column, (status, n) in zip(columns, tally.items(), strict=True):
        column.metric(t(f"readiness.status.{status}", lang), n)
    st.subheader(tr("duties"))
    rows = []
    for duty in report.duties:
        row = duty_row(duty, lang)
        rows.append({
            tr("col_clause"): row.clause,
            tr("col_duty"): row.title,
            tr("col_kind"): row.kind,
            tr("col_status"): f"{STATE_ICONS.get(row.status, '')} {row.status_label}",
            tr("col_measured"): row.measured,
            tr("col_threshold"): row.threshold,
            tr("col_gap"): row.gap,
            tr("col_explanation"): row.explanation,
        })
    st.dataframe(rows, hide_index=True, width="stretch", placeholder="")
    _charts(report)
    st.subheader(tr("bulk"))
    if report.bulk_groups:
        if report.bulk_groups_total > len(report.bulk_groups):
            st.caption(tr("bulk_more", total=f"{report.bulk_groups_total:,}", shown=len(report.bulk_groups)))
        st.dataframe(
            [{tr("col_field"): t(f"readiness.fields.{g.field}", lang), tr("col_value"): g.value, tr("col_policies"): g.policies,
              tr("col_first"): g.first_sale, tr("col_last"): g.last_sale, tr("col_ids"): ", ".join(g.policy_ids)} for g in report.bulk_groups],
            hide_index=True, width="stretch", placeholder="",
        )
    else:
        st.info(tr("bulk_none"))
    if report.refusal_hits:
        st.subheader(tr("refusals"))
        st.dataframe(
            [{tr("col_phone"): h.phone, tr("col_refused"): h.refused_time, tr("col_called"): h.call_time} for h in report.refusal_hits],
            hide_index=True, width="stretch", placeholder="",
        )
    st.subheader(tr("issues"))
    issues = issue_lines(report, lang)
    if issues:
        for line in issues:
            st.warning(line)
    else:
        st.success(tr("no_issues"))
    st.subheader(tr("logs"))
    for log, line in zip(report.logs, log_lines(report, lang), strict=True):
        (st.write if log.used else st.error)(line)
    with st.expander(tr("conventions")):
        for c in report.conventions.values():
            st.markdown(f"- {c[lang]}")
    st.download_button(tr("download_json"), report.to_json_text().encode("utf-8"), file_name=f"readiness-{report.as_of.isoformat()}.json",
                       mime="application/json", key=f"{KEY}download")


def render() -> None:
    lang = _lang()
    rulebook = load_readiness_rulebook()
    st.title(tr("title"))
    st.write(tr("intro"))
    _templates()
    default_bulk = next((d.measure.min_policies for d in rulebook.measured() if d.measure.metric == "bulk_shared_fields"), 20)
    with st.form(f"{KEY}form"):
        limit = upload_limit_mb()
        uploads = st.file_uploader(tr("upload", limit=limit), type=["csv", "parquet"], accept_multiple_files=True, help=tr("upload_help"), key=f"{KEY}uploads")
        samples = st.checkbox(tr("use_samples"), key=f"{KEY}samples")
        left, right = st.columns(2)
        as_of = left.date_input(tr("as_of"), value=date.today(), key=f"{KEY}as_of", format="YYYY-MM-DD")
        bulk_min = right.number_input(tr("bulk_min"), min_value=2, max_value=100_000, value=default_bulk, step=1, key=f"{KEY}bulk_min")
        st.form_submit_button(tr("run"), type="primary")
    _attestation_form()
    files = []
    for upload in uploads or []:
        if upload.size > limit * 1024 * 1024:
            st.error(tr("too_large", file=upload.name, limit=limit))
            continue
        data = upload.getvalue()
        files.append((upload.name, hashlib.sha256(data).hexdigest(), data))
    sample_names = tuple(sorted(p.name for p in SAMPLES.glob("*.csv"))) if samples else ()
    if not files and not sample_names:
        st.info(tr("no_logs"))
    try:
        report = _check(tuple((name, digest) for name, digest, _ in files), tuple(data for *_, data in files), sample_names, as_of, int(bulk_min), _attestations_json(), lang)
    except LogError as exc:
        st.error(exc.message(lang))
        return
    _results(report)
