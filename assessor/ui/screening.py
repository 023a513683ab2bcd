"""监管筛查 / Screening: many submissions at once, recomputed, cross-checked and ranked.

Uploads (files, a folder or zips) are screened when the user presses the button; the result
lives in st.session_state, so sorting, filtering and drilling down never screen again.

Everything a submitted file says (names, file names, addresses, echoed bad values) is shown
through `plain`, never as Markdown or HTML: a hostile name must not make the officer's browser
fetch or link anything.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import streamlit as st

from ..core.engine import Finding, Status
from ..screening.rank import VERDICT_ORDER
from ..i18n import LANGS, t
from ..report import format_gap, format_quantity
from ..core.rulebook import load_rulebook
from ..screening import FLAG_CODES, Screening, Settings, ZipLimits, collect_uploads, export, screen
from ..screening.collect import Refused, Source
from ..screening.export import as_of_text
from ..screening.flags import INFO_CODES, info_flags, red_flags
from ..screening.reasons import Reason
from ..screening.table import frame, header
from ..screening.worker import screen_in_full
from .fields import LATEST
from ..labels import dates_in, day_text, leading_date, missing_name, problem_line

URL = "screening"
TITLE = "screening"
ICON = ":material/policy:"

MAX_UPLOAD_MB = 200  # per uploaded file; a zip may hold many submissions
LIMITS = ZipLimits()
RESULT = "screening.result"
SOURCES = "screening.sources"
REGISTERED = "screening.register_id"
FRAME = "screening.frame"
VERDICTS = tuple(VERDICT_ORDER)


def _lang() -> str:
    value = st.session_state.get("lang", "zh")
    return value if value in LANGS else "zh"


def s(key: str, /, **values) -> str:
    return t(f"screening.{key}", _lang(), **values)


# Every ASCII punctuation mark: CommonMark shows any of them literally once backslash-escaped,
# so no link, image, HTML tag, emphasis, directive or math can start inside file text.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# Autolinks (http://, www., a@b.c) and :shortcodes: are found in the text after escapes are
# resolved, so escaping cannot stop them; an invisible word joiner after each colon and @ and
# before the dot of www. breaks every such pattern without changing what the officer reads.
_LINK_BREAK = re.compile(r"(?<=[:@])|(?i:(?<=www)(?=\.))")
WORD_JOINER = "\u2060"


def plain(text: object) -> str:
    """File text for a Markdown element, shown exactly as written (line breaks as spaces, so
    no heading, list or quote can begin)."""
    flat = _LINK_BREAK.sub(WORD_JOINER, " ".join(str(text).split()))
    return _PUNCTUATION.sub(r"\\\1", flat)


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
    _downloads(screening, shown)
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
        left, right = st.columns(2)
        # No default: a date the officer did not choose (today) once passed an example meant to fail.
        as_of = left.date_input(
            s("page.as_of"), value=st.session_state.get("screening.as_of_value"), key="screening.as_of",
            min_value=earliest, max_value=LATEST, format="YYYY-MM-DD", help=s("page.as_of_help"),
        )  # fmt: skip
        lang = _lang()  # bound now: the format function is also called outside the script run
        source = right.radio(s("page.date_source"), ("entered", "own"), format_func=lambda v: t(f"screening.page.date_source_{v}", lang), key="screening.date_source")
        submitted = st.form_submit_button(s("page.run"), type="primary", icon=":material/play_arrow:")
    if not submitted:
        return
    if not files:
        st.warning(s("page.no_files"), icon=":material/upload_file:")
    elif as_of is None:
        st.error(s("page.as_of_missing"), icon=":material/event:")
    else:
        st.session_state["screening.as_of_value"] = as_of
        _run([(f.name, f.getvalue()) for f in files], as_of, own_dates=source == "own")


def _run(uploads: list[tuple[str, bytes]], as_of: date, own_dates: bool = False) -> None:
    too_large = [Refused(name, Reason("screening.error.upload_too_large", {"file": name, "mb": MAX_UPLOAD_MB})) for name, data in uploads if len(data) > MAX_UPLOAD_MB * 2**20]
    kept = [(name, data) for name, data in uploads if len(data) <= MAX_UPLOAD_MB * 2**20]
    sources, refused = collect_uploads(kept, LIMITS)
    readings = (st.session_state.get("settings") or {}).get("readings") or {}
    bar = st.progress(0.0, text=s("page.progress", done=0, total=len(sources)))

    def progress(done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=s("page.progress", done=done, total=total))

    settings = Settings(as_of=as_of, readings=dict(readings), lang=_lang())
    screening = screen(sources, settings, too_large + refused, progress=progress, own_dates=own_dates)
    bar.empty()
    st.session_state[RESULT] = screening
    st.session_state[SOURCES] = {source.label: source for source in sources}
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
    st.info(dates_in(as_of_text(screening, _lang()), _lang()), icon=":material/event:")
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
    verdicts = left.multiselect(s("page.filter_verdict"), VERDICTS, format_func=lambda v: t(f"verdict.{v}", lang), key="screening.filter.verdict", placeholder=s("page.filter_all"))
    flags = middle.multiselect(s("page.filter_flag"), FLAG_CODES, format_func=lambda c: t(f"screening.flag.{c}.chip", lang), key="screening.filter.flag", placeholder=s("page.filter_all"))
    statuses = right.multiselect(s("page.filter_status"), ("screened", "error"), format_func=lambda v: t(f"screening.status.{v}", lang), key="screening.filter.status", placeholder=s("page.filter_all"))
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
    # Chips: a list column draws each item as a chip. Information sits apart from red flags.
    table[header("flags", lang)] = [[f.chip(lang) for f in red_flags(screening.records[i])] for i in positions]
    table[header("info", lang)] = [[f.chip(lang) for f in info_flags(screening.records[i])] for i in positions]
    hidden = {header(c, lang) for c in ("flag_codes", "sha256", "fingerprint", "credit_code")}
    st.dataframe(
        table,
        hide_index=True,
        column_order=[c for c in table.columns if c not in hidden],
        column_config={
            header("rank", lang): st.column_config.NumberColumn(header("rank", lang), width="small", pinned=True),
            header("applicant", lang): st.column_config.TextColumn(header("applicant", lang), width="medium", pinned=True),
            header("flags", lang): st.column_config.ListColumn(header("flags", lang), width="large"),
            header("info", lang): st.column_config.ListColumn(header("info", lang), width="medium"),
            header("premium_margin", lang): st.column_config.NumberColumn(header("premium_margin", lang), format="localized"),
            header("file", lang): st.column_config.TextColumn(header("file", lang), width="medium"),
        },
        key="screening.table",
        placeholder="",  # an empty cell stays empty, never "None"
    )
    return [screening.records[i].label for i in positions]


def _frame(screening: Screening, lang: str):
    """The whole table, made once per run and language: filtering and sorting reuse it."""
    cached = st.session_state.get(FRAME)
    if cached is None or cached[0] is not screening or cached[1] != lang:
        table = frame(screening, lang)
        # Fields named by their labels, dates written as the app writes them everywhere.
        table[header("reason", lang)] = [reason_text(record, lang) for record in screening.records]
        table[header("as_of", lang)] = [day_text(screening.date_of(record).day, lang) for record in screening.records]
        cached = (screening, lang, table)
        st.session_state[FRAME] = cached
    return cached[2]


# ---------------------------------------------------------------- exports


def _downloads(screening: Screening, shown: list[str]) -> None:
    lang = _lang()
    stamp = screening.settings.as_of.isoformat()
    xlsx, csv, pdf = st.columns(3)
    # Callables: the files are made only when asked for, off the page's own rerun.
    xlsx.download_button(
        s("page.download_xlsx"), lambda: export(screening, "xlsx", lang), f"screening-{stamp}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/table_view:", key="screening.dl.xlsx",
    )
    csv.download_button(s("page.download_csv"), lambda: export(screening, "csv", lang), f"screening-{stamp}.csv", "text/csv", icon=":material/csv:", key="screening.dl.csv")
    from ..dossier.fonts import DossierFontError, require_cjk_fonts
    from ..screening.summary_pdf import summary_pdf

    try:
        require_cjk_fonts()  # the one thing that stops a summary: say so before the click
    except DossierFontError as exc:
        pdf.error(s("page.summary_failed", detail=type(exc).__name__))
        return
    # One click: the summary is built from the table as it is filtered now, when clicked.
    current = screening.only(shown) if len(shown) != len(screening.records) else screening
    pdf.download_button(
        s("page.download_pdf"), lambda: summary_pdf(current, lang, total=len(screening.records)), f"screening-summary-{stamp}.pdf", "application/pdf",
        icon=":material/picture_as_pdf:", key="screening.dl.pdf",
    )  # fmt: skip


# ---------------------------------------------------------------- one application


def reason_text(record, lang: str) -> str:
    """Why a file could not be screened, each field named by its label (not its path)."""
    separator = "；" if lang == "zh" else "; "
    return separator.join(problem_line(r.problem, lang) if r.problem is not None else r.text(lang) for r in record.reasons)


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
    used = screening.date_of(record)
    st.markdown(f"**{plain(record.applicant or record.label)}** · {plain(record.label)}")
    st.caption(s("page.drill_as_of", as_of=day_text(used.day, lang), origin=s(f"as_of_origin.{used.origin}")))
    if not record.screened:
        st.error(f"{s('page.reason_heading')}{'：' if lang == 'zh' else ': '}{plain(reason_text(record, lang))}", icon=":material/error:")
    if record.verify:
        with st.container(border=True):
            st.markdown(f"**{s('page.verify_heading')}**: {s(f'verify.{record.verify}')}")
            for line in record.verify_differences[:20]:
                st.caption(plain(line))
    st.markdown(f"**{s('page.flags_heading')}**")
    if not red_flags(record):
        st.caption(s("page.no_flags"))
    for i, flag in enumerate(record.flags):
        info = flag.code in INFO_CODES
        body = f"**{flag.chip(lang)}** — {plain(flag.text(lang))}"
        if info:
            st.info(body, icon=":material/info:")
        else:
            st.warning(body, icon=":material/flag:")
        # Each other file a flag names opens with one click, for its own evidence.
        related = [other for other in flag.related if any(r.label == other for r in screening.records)][:6]
        for column, other in zip(st.columns(max(len(related), 1)), related, strict=False):
            column.button(plain(other), key=f"screening.goto.{i}.{other}", on_click=_go_to, args=(other,), icon=":material/arrow_forward:")
    source: Source | None = (st.session_state.get(SOURCES) or {}).get(label)
    if source is None or not record.screened:
        return
    _, application, assessment = screen_in_full(source, replace(screening.settings, as_of=used.day))
    if assessment is None:
        return
    st.markdown(f"### {s('page.findings')}: {t(f'verdict.{assessment.verdict.value}', lang)}")
    rulebook = load_rulebook(screening.settings.rulebook_path)
    left, right = st.columns(2, gap="medium")
    for i, finding in enumerate(assessment.findings):
        with left if i % 2 == 0 else right:
            _card(finding, rulebook, lang)


_STATUS_STYLE = {
    Status.MET: ("green", ":material/check_circle:"),
    Status.NOT_MET: ("red", ":material/cancel:"),
    Status.INSUFFICIENT_EVIDENCE: ("orange", ":material/help:"),
    Status.NOT_APPLICABLE: ("gray", ":material/remove_circle_outline:"),
}


def _card(finding: Finding, rulebook, lang: str) -> None:
    """One criterion as the assessment page shows it, but with every piece of file text passed
    through `plain` (the assessment page's escaping leaves shortcodes and autolinks alive)."""
    colour, icon = _STATUS_STYLE[finding.status]
    a = lambda key, **values: t(f"app.assessment.{key}", lang, **values)  # noqa: E731
    body = [
        f"#### :{colour}[{icon}] {finding.title[lang]}",
        f":{colour}-badge[{t(f'status.{finding.status.value}', lang)}] &nbsp; `{finding.criterion}` · {finding.clause}",
    ]
    if finding.status is not Status.NOT_APPLICABLE:
        figures = (("measured", format_quantity(finding.measured, lang)), ("threshold", format_quantity(finding.threshold, lang)), ("gap", dates_in(format_gap(finding, lang), lang)))
        body.append(" &nbsp;·&nbsp; ".join(f"{a(key)} **{plain(value)}**" for key, value in figures))
    body.append(plain(dates_in(finding.explanation.text(lang), lang)))
    if finding.parts:
        body.append("\n".join(f"- :{_STATUS_STYLE[p.status][0]}[{_STATUS_STYLE[p.status][1]}] {plain(leading_date(p.label[lang], lang))}" for p in finding.parts))
    small = [plain(dates_in(note.text(lang), lang)) for note in finding.notes]
    separator = "；" if lang == "zh" else "; "
    if finding.evidence:
        small.append(a("evidence", documents=plain(separator.join(e.document for e in finding.evidence))))
    if finding.missing_evidence:
        small.append(a("missing", items=plain(separator.join(missing_name(key, lang, rulebook=rulebook) for key in finding.missing_evidence))))
    body += [f":gray[:small[{line}]]" for line in small]
    with st.container(border=True):
        st.markdown("\n\n".join(body))
        with st.expander(a("clause", clause=finding.clause)):
            st.markdown(f"> {finding.clause_text}")
