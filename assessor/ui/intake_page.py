"""申请信息: every fact section 四 asks about, in sections, with messages beside each field."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import streamlit as st

from ..i18n import t
from ..intake import ApplicationError
from ..core.model import Applicant, ApplicationType, Company, ComplaintStatus, ExistingSite, InsurerType, ProposedSite, Unit, Violation, field_help, field_label
from ..core.rulebook import load_rulebook
from . import cases, compute, documents, shell, sources, state
from .draft import UNIFICATION_ITEMS, blank_draft, changes
from .fields import Board, escape, Col, answer, choice, count, day, flag, get, lines, put, refresh_table, table, text
from .state import lang, tr

URL = "intake"
TITLE = "intake"
ICON = ":material/edit_note:"

log = logging.getLogger(__name__)

UNITS = tuple(u.value for u in Unit)
UPLOADS_DONE = "uploads.done"
SECTIONS = ("applicant", "premiums", "sites", "proposed", "records", "unifications")
SECTION_KEY = "intake.section"


def render() -> None:
    st.title(tr("intake.title"))
    st.caption(tr("intake.intro"))
    _toolbar()
    # Drawn last, into this place: the files must hold what the sections below copy into the
    # draft in this very run (the edit just made), not what the previous run left there.
    downloads = st.container()
    drafts = st.container()
    status = st.container()
    board = Board()
    # Only the open section runs: the page stays quick to load, and the other sections'
    # messages appear in the summary above, each with its path.
    labels = [tr(f"intake.tab.{name}") for name in SECTIONS]
    key = f"{SECTION_KEY}.{lang()}"
    last = state.settings().get("section")
    if key not in st.session_state and last in SECTIONS:
        st.session_state[key] = labels[SECTIONS.index(last)]  # reopen the section left last
    tabs = st.tabs(labels, key=key, on_change="rerun")
    for name, tab, draw in zip(SECTIONS, tabs, (_applicant, _selling_and_premiums, _existing_sites, _proposed_site, _complaints_and_violations, _unifications), strict=True):
        if tab.open:
            state.settings()["section"] = name
            with tab:
                draw(board)
    checked = compute.checked(state.draft())
    with status:
        if checked.application is not None:
            st.success(tr("intake.valid"), icon=":material/check_circle:")
            shell.link("assessment", tr("intake.to_assessment"), ":material/arrow_forward:")
        else:
            st.warning(tr("intake.invalid", n=len(checked.problems)), icon=":material/warning:")
        summary = st.empty()
    board.fill(checked.problems, summary)
    with downloads:
        _downloads()
    # Saved before the history is drawn, so the trail includes the change just made; a failure
    # here is reported by the page guard, which saves again after the page.
    try:
        cases.autosave()
    except Exception:
        log.exception("autosave before history failed")
    with drafts:
        _drafts_panel()


# ---------------------------------------------------------------- load and save


def _start_blank() -> None:
    state.replace_draft(blank_draft())
    st.query_params.pop("draft", None)  # a reload now starts blank too, until something is typed


def _load_example() -> None:
    name = st.session_state.get("example.choice")
    if not name:
        return
    state.replace_draft(sources.example_draft(name))
    example = next(e for e in sources.examples() if e.file == name)
    if example.as_of is not None:
        state.settings()["as_of"] = example.as_of
    st.session_state["flash"] = ("success", tr("intake.loaded_example", file=name))


def _toolbar() -> None:
    flash = st.session_state.pop("flash", None)
    if flash:
        getattr(st, flash[0])(flash[1])
    left, middle, right = st.columns([1, 2, 2], gap="medium")
    with left:
        st.markdown(f"**{tr('intake.start')}**")
        st.button(tr("intake.blank"), on_click=_start_blank, icon=":material/note_add:", key="btn.blank")
    with middle:
        st.markdown(f"**{tr('intake.example')}**")
        options = [e.file for e in sources.examples()]
        descriptions = {e.file: e.description for e in sources.examples()}
        choice_ = st.selectbox(tr("intake.example_choice"), options, key="example.choice", index=None, placeholder=tr("intake.example_placeholder"), label_visibility="collapsed")
        if choice_:
            st.caption(descriptions[choice_][lang()])
        st.button(tr("intake.load_example"), on_click=_load_example, disabled=not choice_, icon=":material/science:", key="btn.example")
    with right:
        st.markdown(f"**{tr('intake.upload')}**")
        # No `type=` filter: Streamlit would reject other files before this page could explain why.
        upload = st.file_uploader(tr("intake.upload_label"), key="upload.application", label_visibility="collapsed", help=tr("intake.upload_help"))
        _take_upload(upload)


def _take_upload(upload: Any) -> None:
    if upload is None or st.session_state.get("upload.last") == upload.file_id:
        return
    st.session_state["upload.last"] = upload.file_id
    suffix = Path(upload.name).suffix.lower()
    if suffix not in {".json", ".xlsx"} or (suffix == ".xlsx" and not sources.excel_available()):
        st.error(tr("intake.upload_unsupported", file=upload.name))
        return
    if upload.size > sources.MAX_UPLOAD_BYTES:
        st.error(tr("intake.upload_too_large", file=upload.name, limit=sources.MAX_UPLOAD_BYTES // (1024 * 1024)))
        return
    try:
        data = sources.read_upload(upload.name, upload.getvalue())
    except ApplicationError as exc:
        st.error(tr("intake.upload_failed", file=upload.name) + "\n\n" + "\n\n".join(f"- {escape(line)}" for line in exc.lines(lang())))
        return
    except Exception:
        log.exception("upload %s unreadable", upload.name)
        st.error(tr("intake.upload_unreadable", file=upload.name))
        return
    state.replace_draft(data)
    st.success(tr("intake.uploaded", file=upload.name))


def _downloads() -> None:
    """JSON, Excel and the blank template, from the draft as this run leaves it (after every
    section has copied its widgets in). The workbooks are made when clicked (deferred), so
    drawing the page never pays for a workbook nobody downloads."""
    checked = compute.checked(state.draft())
    code = lang()
    cols = st.columns(3)
    name = (get(("applicant", "name"), "") or "application").strip() or "application"
    payload = sources.json_bytes(state.draft(), checked.application)
    cols[0].download_button(
        tr("intake.download_json"),
        payload,
        file_name=f"{name}.json",
        mime="application/json",
        icon=":material/download:",
        key="dl.json",
        on_click="ignore",
    )
    if not sources.excel_available():
        return
    application = checked.application
    if application is not None:
        cols[1].download_button(
            tr("intake.download_excel"),
            lambda: sources.excel_bytes(application, code),
            file_name=f"{name}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/table_view:",
            key="dl.xlsx",
            on_click="ignore",
        )
    else:
        cols[1].button(tr("intake.download_excel"), disabled=True, help=tr("intake.excel_needs_valid"), icon=":material/table_view:", key="dl.xlsx.off")
    cols[2].download_button(
        tr("intake.download_template"),
        lambda: sources.template_bytes(code),
        file_name=tr("intake.template_file"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/grid_on:",
        key="dl.template",
        on_click="ignore",
    )


# ---------------------------------------------------------------- drafts and their history


def _resume(draft_id: str) -> None:
    if cases.resume(draft_id):
        st.session_state["flash"] = ("success", tr("drafts.resumed"))
    else:
        st.session_state["flash"] = ("error", tr("drafts.missing"))


def _drafts_panel() -> None:
    register = cases.store()
    with st.expander(tr("drafts.title"), icon=":material/history:"):
        if register is None:
            st.info(tr("sidebar.no_register"))
            return
        drafts = register.list_drafts()
        if not drafts:
            st.caption(tr("drafts.none"))
        else:
            ids = [d.id for d in drafts]
            by_id = {d.id: d for d in drafts}

            code = lang()

            def label(draft_id: str) -> str:
                d = by_id[draft_id]
                return t(
                    "app.drafts.item",
                    code,
                    title=d.title or t("app.drafts.untitled", code),
                    time=d.updated_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                    user=d.user or t("app.drafts.anonymous", code),
                    versions=d.versions,
                )

            current = st.session_state.get(state.DRAFT_ID)
            picked = st.selectbox(tr("drafts.pick"), ids, index=ids.index(current) if current in ids else 0, format_func=label, key=f"drafts.pick.{lang()}")
            st.button(tr("drafts.resume"), on_click=_resume, args=(picked,), disabled=picked == current, icon=":material/restore:", key="btn.resume")
        current = st.session_state.get(state.DRAFT_ID)
        if current:
            _history(register, current)


def _history(register: Any, draft_id: str) -> None:
    st.markdown(f"**{tr('drafts.history')}**")
    versions = register.history(draft_id)
    rows = []
    for info in reversed(versions[-50:]):
        rows.append(
            {
                tr("drafts.col.version"): info.version,
                tr("drafts.col.time"): info.saved_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                tr("drafts.col.user"): info.user or tr("drafts.anonymous"),
                tr("drafts.col.changed"): info.summary(lang()),
            }
        )
    st.dataframe(rows, hide_index=True, width="stretch")
    numbers = [v.version for v in versions]
    if len(numbers) > 1:
        picked = st.selectbox(tr("drafts.detail"), numbers[1:][::-1], key=f"drafts.detail.{lang()}", format_func=lambda n, code=lang(): t("app.drafts.version", code, n=n))
        before = register.load_version(draft_id, picked - 1).data
        after = register.load_version(draft_id, picked).data
        diff = changes(before, after)[:200]
        if diff:
            st.dataframe(
                [{tr("drafts.col.field"): c.path, tr("drafts.col.before"): _shown(c.before), tr("drafts.col.after"): _shown(c.after)} for c in diff],
                hide_index=True,
                width="stretch",
            )


def _shown(value: Any) -> str:
    return "—" if value is None else str(value)


# ---------------------------------------------------------------- sections


def _options(kind: str):
    # Bound to the language now: a widget may format its options outside this run.
    code = lang()
    return lambda value: t(f"app.option.{kind}.{value}", code)


def _applicant(board: Board) -> None:
    st.subheader(tr("intake.tab.applicant"))
    board.slot("applicant", exact=True)
    a, b = st.columns(2)
    with a:
        text(("applicant", "name"), tr("field.applicant.name"), board)
        choice(("applicant", "insurer_type"), tr("field.applicant.insurer_type"), [k.value for k in InsurerType], board, labels=_options("insurer_type"))
        flag(("applicant", "telemarketing_approved"), tr("field.applicant.telemarketing_approved"), board)
        text(("applicant", "contact_person"), tr("field.applicant.contact_person"), board)
    with b:
        text(("applicant", "credit_code"), tr("field.applicant.credit_code"), board, help=tr("field.applicant.credit_code_help"))
        choice(("applicant", "application_type"), tr("field.applicant.application_type"), [k.value for k in ApplicationType], board, labels=_options("application_type"))
        text(("applicant", "telemarketing_approval_ref"), tr("field.applicant.telemarketing_approval_ref"), board, placeholder=tr("field.applicant.approval_ref_placeholder"))
        text(("applicant", "contact_phone"), tr("field.applicant.contact_phone"), board)
    if get(("applicant", "application_type")) == ApplicationType.RELOCATION.value:
        text(("applicant", "relocating_site"), _label(Applicant, "relocating_site"), board, help=field_help(Applicant, "relocating_site", lang()))


def _label(model: type, name: str) -> str:
    """A field's label from the model's declaration of it, in the page's language."""
    return field_label(model, name, lang())


def _evidence_cols() -> list[Col]:
    return [Col("document", "text", tr("col.document"), required=True), Col("sha256", "text", tr("col.sha256"), help=tr("col.sha256_help"))]


def _evidence(path: tuple[str, ...], board: Board) -> None:
    """Evidence documents of one claim: upload to record name and SHA-256, or type a name."""
    key = ".".join(path)
    up, keep = st.columns([3, 1], vertical_alignment="bottom")
    files = up.file_uploader(tr("evidence.upload"), accept_multiple_files=True, key=f"u.{key}", help=tr("evidence.upload_help"))
    kept = keep.checkbox(tr("evidence.keep"), key=f"keep.{key}", help=tr("evidence.keep_help"))
    done: set[str] = st.session_state.setdefault(UPLOADS_DONE, set())
    fresh = [f for f in files or [] if f.file_id not in done]
    if fresh:
        rows = list(get(path + ("evidence",), []))
        for upload in fresh:
            done.add(upload.file_id)
            if upload.size > documents.MAX_DOCUMENT_BYTES:
                st.error(tr("evidence.too_large", file=upload.name, limit=documents.MAX_DOCUMENT_BYTES // (1024 * 1024)))
                continue
            recorded = documents.record(upload.name, upload.getvalue(), kept)
            entry = {"document": recorded.document, "sha256": recorded.sha256}
            if entry not in rows:
                rows.append(entry)
        put(path + ("evidence",), rows)
        refresh_table(path + ("evidence",))
    table(path + ("evidence",), _evidence_cols(), board)


def _selling_and_premiums(board: Board) -> None:
    st.subheader(tr("intake.selling"))
    board.slot("centralized_selling", exact=True)
    day(("centralized_selling", "since"), tr("field.selling.since"), board, help=tr("field.selling.since_help"))
    st.caption(tr("intake.selling_evidence"))
    _evidence(("centralized_selling",), board)

    st.subheader(tr("intake.ledger"))
    st.caption(tr("intake.ledger_help"))
    board.slot("premiums", exact=True)
    unit = st.selectbox(tr("field.ledger.default_unit"), UNITS, index=UNITS.index("万元"), key="ledger.default_unit", help=tr("field.ledger.default_unit_help"))
    table(
        ("premiums", "ledger"),
        [
            Col("month", "text", tr("col.month"), required=True, help=tr("col.month_help")),
            Col("product_code", "text", tr("col.product_code"), required=True),
            Col("telemarketing_exclusive", "bool", tr("col.telemarketing_exclusive"), default=True),
            Col("premium", "money", tr("col.premium"), required=True, help=tr("col.premium_help")),
            Col("unit", "select", tr("col.unit"), options=UNITS, default=unit, required=True),
        ],
        board,
        height=300,
    )

    st.subheader(tr("intake.declared"))
    st.caption(tr("intake.declared_help"))
    board.slot("premiums.declared_total", exact=True)
    a, b, c = st.columns(3)
    with a:
        text(("premiums", "declared_total", "amount"), tr("field.declared.amount"), board)
    with b:
        choice(("premiums", "declared_total", "unit"), tr("field.declared.unit"), UNITS, board, labels=str)
    with c:
        day(("premiums", "declared_total", "as_of"), tr("field.declared.as_of"), board)
    _evidence(("premiums", "declared_total"), board)


def _existing_sites(board: Board) -> None:
    st.subheader(tr("intake.tab.sites"))
    st.caption(tr("intake.sites_help"))
    table(
        ("existing_sites",),
        [
            Col("id", "text", tr("col.site_id"), required=True),
            Col("name", "text", tr("col.site_name"), required=True),
            Col("city", "text", tr("col.city"), required=True),
            Col("address", "text", tr("col.address"), required=True),
            Col("approval_ref", "text", tr("col.approval_ref")),
            Col("approval_date", "date", tr("col.approval_date")),
            Col("seats", "int", tr("col.seats"), required=True, help=tr("col.seats_help")),
            Col("business_system", "text", _label(ExistingSite, "business_system"), help=field_help(ExistingSite, "business_system", lang())),
        ],
        board,
    )


def _proposed_site(board: Board) -> None:
    st.subheader(tr("intake.tab.proposed"))
    board.slot("proposed_site", exact=True)
    a, b = st.columns(2)
    with a:
        text(("proposed_site", "city"), tr("field.proposed.city"), board)
        count(("proposed_site", "planned_seats"), tr("field.proposed.planned_seats"), board, help=tr("field.proposed.planned_seats_help"))
        text(("proposed_site", "business_system"), _label(ProposedSite, "business_system"), board)
        lines(("proposed_site", "inbound_numbers"), tr("field.proposed.inbound_numbers"), board, help=tr("field.lines_help"))
    with b:
        text(("proposed_site", "address"), tr("field.proposed.address"), board)
        day(("proposed_site", "planned_opening"), tr("field.proposed.planned_opening"), board)
        lines(("proposed_site", "products"), tr("field.proposed.products"), board, help=tr("field.lines_help"))
        lines(("proposed_site", "outbound_numbers"), tr("field.proposed.outbound_numbers"), board, help=tr("field.lines_help"))
    st.markdown(f"**{tr('intake.team')}**")
    st.caption(tr("intake.team_help"))
    table(
        ("proposed_site", "management_team"),
        [
            Col("name", "text", tr("col.person"), required=True),
            Col("role", "text", tr("col.role"), required=True),
            Col("employing_unit", "text", tr("col.employing_unit"), required=True),
        ],
        board,
    )
    st.subheader(tr("intake.company"))
    board.slot("company", exact=True)
    a, b = st.columns(2)
    with a:
        text(("company", "head_office_unit"), _label(Company, "head_office_unit"), board, help=field_help(Company, "head_office_unit", lang()))
    with b:
        text(("company", "business_system"), _label(Company, "business_system"), board, help=field_help(Company, "business_system", lang()))
    lines(("company", "nationwide_numbers"), tr("field.company.nationwide_numbers"), board, help=tr("field.lines_help"))
    st.markdown(f"**{tr('intake.approved_products')}**")
    table(
        ("company", "approved_products"),
        [
            Col("code", "text", tr("col.product_code"), required=True),
            Col("name", "text", tr("col.product_name")),
            Col("approval_ref", "text", tr("col.approval_ref")),
        ],
        board,
    )


def _complaints_and_violations(board: Board) -> None:
    st.subheader(tr("intake.complaints"))
    st.caption(tr("intake.complaints_help"))
    board.slot("complaints", exact=True)
    table(
        ("complaints", "incidents"),
        [
            Col("date", "date", tr("col.date"), required=True),
            Col("summary", "text", tr("col.summary"), required=True),
            Col("seriously_harmed_consumers", "bool", tr("col.seriously_harmed"), default=False),
            Col("major_social_impact", "bool", tr("col.major_impact"), default=False),
            Col("status", "select", tr("col.status"), options=tuple(s.value for s in ComplaintStatus), default="open", labels=_options("complaint_status")),
            Col("resolved_on", "date", tr("col.resolved_on")),
            Col("source", "text", tr("col.source")),
        ],
        board,
    )
    flag(("complaints", "attested_complete"), tr("field.complaints.attested_complete"), board)

    st.subheader(tr("intake.violations"))
    st.caption(tr("intake.violations_help"))
    board.slot("violations", exact=True)
    table(
        ("violations", "records"),
        [
            Col("conduct_date", "date", _label(Violation, "conduct_date"), required=True),
            Col("decision_date", "date", _label(Violation, "decision_date"), help=field_help(Violation, "decision_date", lang())),
            Col("authority", "text", tr("col.authority"), required=True),
            Col("decision_number", "text", tr("col.decision_number")),
            Col("kind", "text", tr("col.kind"), required=True),
            Col("summary", "text", tr("col.summary"), required=True),
        ],
        board,
    )
    flag(("violations", "attested_complete"), tr("field.violations.attested_complete"), board)


def _unifications(board: Board) -> None:
    rulebook = load_rulebook()
    titles = {c.params.group: c for c in rulebook.criteria if hasattr(c.params, "group")}
    st.caption(tr("intake.unifications_help"))
    board.slot("unifications", exact=True)
    for group, items in UNIFICATION_ITEMS.items():
        criterion = titles.get(group)
        heading = criterion.title(lang()) if criterion else group
        answers = [get(("unifications", group, item, "attested")) for item in items]
        tally = tr("intake.unification_tally", total=len(items), yes=answers.count(True), no=answers.count(False), open=sum(a is None for a in answers))
        with st.expander(f"{heading} · {tally}", expanded=False):
            if criterion:
                st.caption(criterion.text)
            for item in items:
                path = ("unifications", group, item)
                label = rulebook.items.get(group, {}).get(item)
                st.markdown(f"**{label.in_(lang()) if label else item}**")
                answer(path + ("attested",), tr("field.unification.attested"), board)
                text(path + ("description",), tr("field.unification.description"), board, area=True)
                _evidence(path, board)
                st.divider()
