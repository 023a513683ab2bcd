"""监管筛查 / Screening: many submissions at once, recomputed, cross-checked and ranked.

Uploads (files, a folder or zips) are screened when the user presses the button; the result
lives in st.session_state, so sorting, filtering and drilling down never screen again.
"""

from __future__ import annotations

from datetime import date
from html import escape as html_escape

import streamlit as st

from ..i18n import LANGS, t
from ..core.rulebook import load_rulebook
from ..screening import FLAG_CODES, Screening, Settings, ZipLimits, collect_uploads, export, screen
from ..screening.collect import Refused, Source
from ..screening.reasons import Reason
from ..screening.table import frame, header
from ..screening.worker import screen_in_full
from .fields import LATEST

URL = "screening"
TITLE = "screening"
ICON = ":material/policy:"

MAX_UPLOAD_MB = 200  # per uploaded file; a zip may hold many submissions
LIMITS = ZipLimits()
RESULT = "screening.result"
SOURCES = "screening.sources"
SUMMARY = "screening.summary_pdf"
REGISTERED = "screening.register_id"
FRAME = "screening.frame"
VERDICTS = ("eligible", "not_eligible", "incomplete", "out_of_scope")


def _lang() -> str:
    value = st.session_state.get("lang", "zh")
    return value if value in LANGS else "zh"


def s(key: str, /, **values) -> str:
    return t(f"screening.{key}", _lang(), **values)


def render() -> None:
    st.title(s("title"))
    st.caption(s("subtitle"))
    _form()
    screening: Screening | None = st.session_state.get(RESULT)
    if screening is None:
        st.info(s("page.empty"), icon=":material/upload_file:")
        return
    _counts(screening)
    shown = _table(screening)
    _downloads(screening)
    _drill_down(screening, shown)


# ---------------------------------------------------------------- upload and run


def _form() -> None:
    with st.form("screening.form"):
        files = st.file_uploader(
            s("page.upload"),
            type=["json", "xlsx", "xlsm", "pdf", "zip"],
            accept_multiple_files=True,
            key="screening.files",
            max_upload_size=MAX_UPLOAD_MB,
            help=s("page.upload_help", mb=MAX_UPLOAD_MB, members=LIMITS.max_members, total=LIMITS.max_total_bytes // 2**20),
        )
        earliest = load_rulebook().effective_from  # the first day the rulebook speaks to
        as_of = st.date_input(
            s("page.as_of"), value=st.session_state.get("screening.as_of_value") or date.today(), key="screening.as_of", min_value=earliest, max_value=LATEST
        )
        submitted = st.form_submit_button(s("page.run"), type="primary", icon=":material/play_arrow:")
    if submitted and files:
        st.session_state["screening.as_of_value"] = as_of
        _run([(f.name, f.getvalue()) for f in files], as_of)


def _run(uploads: list[tuple[str, bytes]], as_of: date) -> None:
    too_large = [Refused(name, Reason("screening.error.upload_too_large", {"file": name, "mb": MAX_UPLOAD_MB})) for name, data in uploads if len(data) > MAX_UPLOAD_MB * 2**20]
    kept = [(name, data) for name, data in uploads if len(data) <= MAX_UPLOAD_MB * 2**20]
    sources, refused = collect_uploads(kept, LIMITS)
    readings = (st.session_state.get("settings") or {}).get("readings") or {}
    bar = st.progress(0.0, text=s("page.progress", done=0, total=len(sources)))

    def progress(done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=s("page.progress", done=done, total=total))

    screening = screen(sources, Settings(as_of=as_of, readings=dict(readings), lang=_lang()), too_large + refused, progress=progress)
    bar.empty()
    st.session_state[RESULT] = screening
    st.session_state[SOURCES] = {source.label: source for source in sources}
    st.session_state.pop(SUMMARY, None)
    st.session_state[REGISTERED] = _record(screening)


def _record(screening: Screening) -> int | None:
    """Keep the run, with the fingerprints of what it read, in the app's case register."""
    from . import cases

    register = cases.store()
    if register is None:
        return None
    try:
        return register.record_screening(screening.register_entry())
    except Exception:  # noqa: BLE001 - the table is made; a register failure must not hide it
        return None


# ---------------------------------------------------------------- counts, table, filters


def _counts(screening: Screening) -> None:
    counts = screening.counts()
    st.success(s("page.done", screened=counts["screened"], files=counts["files"], seconds=f"{screening.seconds:.1f}"), icon=":material/task_alt:")
    keys = ("files", "screened", "errors", "flagged", "tampered", *VERDICTS)
    for row in (keys[:5], keys[5:]):
        for column, key in zip(st.columns(len(row)), row, strict=True):
            column.metric(s(f"count.{key}"), counts[key])
    run_id = st.session_state.get(REGISTERED)
    if run_id is not None:
        st.caption(s("cli.registered", id=run_id))


def _table(screening: Screening) -> list[str]:
    """The filtered, sortable table; returns the files shown, in order."""
    lang = _lang()
    left, middle, right, search_col = st.columns(4)
    verdicts = left.multiselect(s("page.filter_verdict"), VERDICTS, format_func=lambda v: t(f"verdict.{v}", lang), key="screening.filter.verdict")
    flags = middle.multiselect(s("page.filter_flag"), FLAG_CODES, format_func=lambda c: t(f"screening.flag.{c}.chip", lang), key="screening.filter.flag")
    statuses = right.multiselect(s("page.filter_status"), ("screened", "error"), format_func=lambda v: t(f"screening.status.{v}", lang), key="screening.filter.status")
    search = search_col.text_input(s("page.search"), key="screening.filter.search").strip().casefold()

    def keep(record) -> bool:
        if verdicts and record.verdict not in verdicts:
            return False
        if flags and not {f.code for f in record.flags} & set(flags):
            return False
        if statuses and record.status not in statuses:
            return False
        return not search or search in record.label.casefold() or search in record.applicant.casefold()

    positions = [i for i, record in enumerate(screening.records) if keep(record)]
    table = _frame(screening, lang).iloc[positions].copy()
    # Flags as chips: a list column draws each item as a chip.
    table[header("flags", lang)] = [[f.chip(lang) for f in screening.records[i].flags] for i in positions]
    hidden = {header(c, lang) for c in ("flag_codes", "sha256", "fingerprint", "credit_code")}
    st.dataframe(
        table,
        hide_index=True,
        column_order=[c for c in table.columns if c not in hidden],
        column_config={
            header("flags", lang): st.column_config.ListColumn(header("flags", lang), width="large"),
            header("premium_margin", lang): st.column_config.NumberColumn(header("premium_margin", lang), format="localized"),
            header("file", lang): st.column_config.TextColumn(header("file", lang), width="medium"),
        },
        key="screening.table",
    )
    return [screening.records[i].label for i in positions]


def _frame(screening: Screening, lang: str):
    """The whole table, made once per run and language: filtering and sorting reuse it."""
    cached = st.session_state.get(FRAME)
    if cached is None or cached[0] is not screening or cached[1] != lang:
        cached = (screening, lang, frame(screening, lang))
        st.session_state[FRAME] = cached
    return cached[2]


# ---------------------------------------------------------------- exports


def _downloads(screening: Screening) -> None:
    lang = _lang()
    stamp = screening.settings.as_of.isoformat()
    xlsx, csv, pdf = st.columns(3)
    # Callables: the files are made only when asked for, off the page's own rerun.
    xlsx.download_button(
        s("page.download_xlsx"), lambda: export(screening, "xlsx", lang), f"screening-{stamp}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/table_view:", key="screening.dl.xlsx",
    )
    csv.download_button(s("page.download_csv"), lambda: export(screening, "csv", lang), f"screening-{stamp}.csv", "text/csv", icon=":material/csv:", key="screening.dl.csv")
    cached = st.session_state.get(SUMMARY)
    if cached is None or cached[0] != lang:
        if pdf.button(s("page.download_pdf"), icon=":material/picture_as_pdf:", key="screening.make_pdf"):
            try:
                from ..screening.summary_pdf import summary_pdf

                st.session_state[SUMMARY] = (lang, summary_pdf(screening, lang))
                st.rerun()
            except Exception as exc:  # noqa: BLE001 - fonts or WeasyPrint missing: say so, keep the page
                pdf.error(s("page.summary_failed", detail=type(exc).__name__))
    else:
        pdf.download_button(s("page.download_pdf"), cached[1], f"screening-summary-{stamp}.pdf", "application/pdf", icon=":material/download:", key="screening.dl.pdf")


# ---------------------------------------------------------------- one application


def _go_to(label: str) -> None:
    # The target may be filtered out of the table: clear the filters so it can be shown.
    for key in ("screening.filter.verdict", "screening.filter.flag", "screening.filter.status"):
        st.session_state[key] = []
    st.session_state["screening.filter.search"] = ""
    st.session_state["screening.drill"] = label


def _drill_down(screening: Screening, shown: list[str]) -> None:
    st.subheader(s("page.drill"))
    label = st.selectbox(s("page.drill"), shown, index=None, placeholder=s("page.drill_none"), key="screening.drill", label_visibility="collapsed")
    if not label:
        return
    record = next(r for r in screening.records if r.label == label)
    lang = _lang()
    st.markdown(f"**{html_escape(record.applicant or record.label)}** · `{html_escape(record.label)}`")
    if not record.screened:
        st.error(f"{s('page.reason_heading')}: {html_escape(record.reason_text(lang))}", icon=":material/error:")
    if record.verify:
        with st.container(border=True):
            st.markdown(f"**{s('page.verify_heading')}**: {s(f'verify.{record.verify}')}")
            for line in record.verify_differences[:20]:
                st.caption(html_escape(line))
    st.markdown(f"**{s('page.flags_heading')}**")
    if not record.flags:
        st.caption(s("page.no_flags"))
    for i, flag in enumerate(record.flags):
        st.warning(f"**{html_escape(flag.chip(lang))}** — {html_escape(flag.text(lang))}", icon=":material/flag:")
        # Each other file a flag names opens with one click, for its own evidence.
        related = [other for other in flag.related if any(r.label == other for r in screening.records)][:6]
        for column, other in zip(st.columns(max(len(related), 1)), related, strict=False):
            column.button(other, key=f"screening.goto.{i}.{other}", on_click=_go_to, args=(other,), icon=":material/arrow_forward:")
    source: Source | None = (st.session_state.get(SOURCES) or {}).get(label)
    if source is None or not record.screened:
        return
    _, application, assessment = screen_in_full(source, screening.settings)
    if assessment is None:
        return
    st.markdown(f"### {s('page.findings')}: {t(f'verdict.{assessment.verdict.value}', lang)}")
    from .assessment_page import card  # the assessment page's own finding card: one look everywhere

    rulebook = load_rulebook(screening.settings.rulebook_path)
    for finding in assessment.findings:
        card(finding, rulebook)
