"""申请信息: every fact section 四 asks about, in sections, with messages beside each field."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from ..i18n import has, t
from ..intake import ApplicationError
from ..core.model import Evidence, Unit
from ..core.rulebook import load_rulebook
from ..intake import shape
from . import cases, compute, documents, shell, sources, state
from .draft import blank_draft, canonical, changes, remove_field, unknown_fields
from .fields import Board, Col, answer, choice, count, date_text, day, escape, flag, get, lines, path_scope, path_text, put, read_only, refresh_table, scope, table, text, where
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
    unknown = st.container()
    board = Board()
    # Only the open section runs: the page stays quick to load, and the other sections'
    # messages appear in the summary above, each named by its labels.
    labels = [tr(f"intake.tab.{name}") for name in SECTIONS]
    key = f"{SECTION_KEY}.{lang()}"
    last = state.settings().get("section")
    if key not in st.session_state and last in SECTIONS:
        st.session_state[key] = labels[SECTIONS.index(last)]  # reopen the section left last
    tabs = st.tabs(labels, key=key, on_change="rerun")
    for name, tab in zip(SECTIONS, tabs, strict=True):
        if tab.open:
            state.settings()["section"] = name
            with tab:
                _tab(name)(board)
    checked = compute.checked(state.draft())
    with status:
        if checked.application is not None:
            st.success(tr("intake.valid"), icon=":material/check_circle:")
            shell.link("assessment", tr("intake.to_assessment"), ":material/arrow_forward:")
        else:
            st.warning(tr("intake.invalid", n=len(checked.problems)), icon=":material/warning:")
        summary = st.empty()
    board.fill(checked.problems, summary)
    with unknown:
        _unknown_fields()
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
    if read_only():
        return  # a reviewer starts nothing new: no blank form, example or upload
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


# ---------------------------------------------------------------- fields the application does not have


def _remove_unknown(path: tuple[str | int, ...]) -> None:
    remove_field(state.draft(), path)
    rows = [i for i, part in enumerate(path) if isinstance(part, int)]
    if rows:  # inside a table's row: the table carries its rows, so it is drawn afresh
        refresh_table(path[: rows[0]])
    st.session_state["flash"] = ("success", tr("intake.unknown_removed", field=where(path)))


def _unknown_fields() -> None:
    """Keys an uploaded file holds that the application has no field for (a misspelt
    `planed_seats`): each shown where it is, with what it holds, and a button to remove it."""
    found = unknown_fields(state.draft())
    if not found:
        return
    with st.container(border=True):
        st.markdown(f"**:orange[:material/help: {escape(tr('intake.unknown_title', n=len(found)))}]**")
        st.caption(tr("intake.unknown_help"))
        for path, value in found[:50]:
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
            left, right = st.columns([5, 1], vertical_alignment="center")
            left.text(f"{where(path)}  =  {shown[:200]}")
            right.button(tr("intake.unknown_remove"), key=f"unknown.remove.{path_text(path)}", on_click=_remove_unknown, args=(path,), icon=":material/delete:", disabled=read_only())


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
                    time=_when(d.updated_at, code),
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
                tr("drafts.col.time"): _when(info.saved_at, lang(), seconds=True),
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
                [{tr("drafts.col.field"): where(c.path), tr("drafts.col.before"): _shown(c.before), tr("drafts.col.after"): _shown(c.after)} for c in diff],
                hide_index=True,
                width="stretch",
            )


def _when(moment: Any, code: str, *, seconds: bool = False) -> str:
    """A saved time in the page's one date form: 2026年12月5日 14:03 (zh), 2026-12-05 14:03 (en)."""
    local = moment.astimezone()
    return f"{date_text(local.date(), code)} {local.strftime('%H:%M:%S' if seconds else '%H:%M')}"


def _shown(value: Any) -> str:
    return "—" if value is None else str(value)


# ---------------------------------------------------------------- inputs


def _options(kind: str):
    # Bound to the language now: a widget may format its options outside this run.
    code = lang()
    return lambda value: t(f"app.option.{kind}.{value}", code) if has(f"app.option.{kind}.{value}", code) else str(value)


def _evidence(path: tuple, board: Board, node: shape.Node | None = None) -> None:
    """Evidence documents of one claim: upload to record name and SHA-256, or type a name."""
    key = ".".join(str(p) for p in path) + path_scope()
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
    table(path + ("evidence",), _columns(Evidence), board)


# ---------------------------------------------------------------- sections, laid out from the model
#
# What each tab holds is chosen here (which sections of the application go together); what a
# section shows is read from the model's declarations (`intake.shape`): a single value becomes
# an input, a list of values a box of lines, evidence an upload and a table, a list of records
# an editable table whose columns are the record's fields; what a table's rows hold beyond their
# columns (a site's numbers, team and documents) is edited below it, one row at a time.

TABS: dict[str, tuple[str, ...]] = {
    "applicant": ("applicant",),
    "premiums": ("centralized_selling", "premiums"),
    "sites": ("existing_sites",),
    "proposed": ("proposed_site", "company"),
    "records": ("complaints", "violations"),
    "unifications": ("unifications",),
}

# Headings and explanations of parts of the page (wording about the page, not about a field).
HEADINGS: dict[str, tuple[str | None, str | None]] = {
    "applicant": ("intake.tab.applicant", None),
    "centralized_selling": ("intake.selling", None),
    "centralized_selling.evidence": (None, "intake.selling_evidence"),
    "premiums": (None, None),
    "premiums.ledger": ("intake.ledger", "intake.ledger_help"),
    "premiums.declared_total": ("intake.declared", "intake.declared_help"),
    "existing_sites": ("intake.tab.sites", "intake.sites_help"),
    "proposed_site": ("intake.tab.proposed", None),
    "proposed_site.management_team": ("intake.team", "intake.team_help"),
    "company": ("intake.company", None),
    "company.approved_products": ("intake.approved_products", None),
    "complaints": ("intake.complaints", "intake.complaints_help"),
    "violations": ("intake.violations", "intake.violations_help"),
}

# Column defaults a table takes from the page (the ledger's unit from its selector).
LEDGER = ("premiums", "ledger")


def _tab(name: str) -> Callable[[Board], None]:
    sections = TABS[name]
    if name == SECTIONS[0]:  # a section no tab names is shown on the first tab
        sections = sections + tuple(n.name for n in shape.fields(shape.root()) if not any(n.name in held for held in TABS.values()))

    def draw(board: Board) -> None:
        for section in sections:
            node = next(n for n in shape.fields(shape.root()) if n.name == section)
            if node.hint("layout") == "rows":
                _rows_group((section,), node, board)
            else:
                _part((section,), node, board, level=0)

    return draw


def _heading(path: Path_, node: shape.Node, level: int) -> None:
    heading, caption = HEADINGS.get(_dotted(path), (None, None))
    if heading or _dotted(path) not in HEADINGS:
        title = tr(heading) if heading else node.label(lang())
        # A section's own heading, and the parts of one that has none (the ledger), are subheaders.
        if level == 0 or node.kind == "group" or HEADINGS.get(_dotted(path[:-1]), ("",))[0] is None:
            st.subheader(title)
        else:
            st.markdown(f"**{title}**")
    if caption:
        st.caption(tr(caption))


Path_ = tuple[str | int, ...]


def _dotted(path: Path_) -> str:
    return ".".join(str(p) for p in path if not isinstance(p, int))


def _part(path: Path_, node: shape.Node, board: Board, level: int) -> None:
    if node.kind == "group":
        _heading(path, node, level)
        _record(path, node.model, board, level)
    elif node.kind == "table":
        _heading(path, node, level)
        _table(path, node, board)


def _record(path: Path_, model: type, board: Board, level: int = 0) -> None:
    """A record: its single values in two columns, then its documents, tables and groups."""
    board.slot(path_text(path), exact=True)
    nodes = shape.fields(model)
    inputs = [n for n in nodes if (n.scalar or n.kind == "list") and _shown_when(path, n)]
    if inputs:
        columns = st.columns(2)
        for index, node in enumerate(inputs):
            with columns[index % 2]:
                _input(path + (node.name,), node, board)
    for node in nodes:
        if node.kind == "evidence":
            _caption_of(path + (node.name,), node)
            _evidence(path, board, node)
        elif node.kind in ("table", "group"):
            _part(path + (node.name,), node, board, level + 1)


def _caption_of(path: Path_, node: shape.Node) -> None:
    caption = HEADINGS.get(_dotted(path), (None, None))[1]
    st.caption(tr(caption) if caption else node.label(lang()))


def _shown_when(path: Path_, node: shape.Node) -> bool:
    """A field shown only when a sibling holds a value (`when` hint), such as the site that moves."""
    when = node.hint("when") or {}
    return all(get(path + (name,)) == value for name, value in when.items())


def _input(path: Path_, node: shape.Node, board: Board) -> None:
    code = lang()
    label, help_ = node.shown(code), node.helptext(code)
    if node.kind == "bool":
        if node.required or isinstance(node.default, bool):
            flag(path, label, board, help=help_)
        else:
            answer(path, label, board)  # yes, no, or not yet answered
    elif node.kind == "int":
        count(path, label, board, help=help_)
    elif node.kind == "date":
        day(path, label, board, help=help_)
    elif node.kind == "choice":
        choice(path, label, list(node.choices), board, labels=_options(node.choice_name), help=help_)
    elif node.kind == "list":
        lines(path, label, board, help=help_ or tr("field.lines_help"))
    else:
        text(path, label, board, help=help_, area=bool(node.hint("area")), placeholder=node.hint("placeholder", code))


def _columns(model: type, defaults: dict[str, Any] | None = None) -> list[Col]:
    """A table's columns: the record's single values, labelled from the model."""
    code = lang()
    out = []
    for node in shape.fields(model):
        if not node.scalar:
            continue
        kind = {"int": "int", "date": "date", "bool": "bool", "choice": "select"}.get(node.kind, "text")
        default = (defaults or {}).get(node.name, node.default if node.default is not None else (False if node.kind == "bool" else None))
        out.append(
            Col(
                node.name,
                kind,
                node.shown(code),
                options=tuple(node.choices),
                default=default,
                required=node.required,
                help=node.helptext(code),
                labels=_options(node.choice_name) if node.kind == "choice" else None,
            )
        )
    return out


def _table(path: Path_, node: shape.Node, board: Board) -> None:
    defaults = None
    if path == LEDGER:
        unit = st.selectbox(tr("field.ledger.default_unit"), UNITS, index=UNITS.index("万元"), key="ledger.default_unit", help=tr("field.ledger.default_unit_help"))
        defaults = {"unit": unit, "telemarketing_exclusive": True}
    rows = table(path, _columns(node.model, defaults), board, height=300 if path == LEDGER else None)
    if any(not n.scalar for n in shape.fields(node.model)):
        _row_details(path, node, rows, board)


def _row_details(path: Path_, node: shape.Node, rows: list[dict[str, Any]], board: Board) -> None:
    """What a row holds beyond the table's columns (numbers, a team, documents), one row at a time."""
    if not rows:
        return
    key = shape.key_field(node.model).name
    code = lang()

    def name(index: int) -> str:
        row = rows[index]
        shown = " · ".join(str(row.get(k)) for k in (key, "name") if row.get(k))
        return t("app.fields.row", code, row=index + 1) + (f"：{shown}" if code == "zh" and shown else f": {shown}" if shown else "")

    with st.container(border=True):
        picked = st.selectbox(tr("intake.row_details", what=node.label(code)), range(len(rows)), format_func=name, key=f"details.{_dotted(path)}.{code}")
        picked = picked if isinstance(picked, int) and picked < len(rows) else 0
        row_path = path + (picked,)
        before = canonical(get(row_path, {}))
        # Keyed by the row and what names it: once rows above it are added or removed, the
        # widgets are drawn afresh from the draft, never carried over to another row.
        with scope(f"{picked}.{rows[picked].get(key)}.{len(rows)}"):
            nested = [n for n in shape.fields(node.model) if not n.scalar]
            lists = [n for n in nested if n.kind == "list"]
            if lists:
                columns = st.columns(len(lists))
                for column, child in zip(columns, lists, strict=True):
                    with column:
                        _input(row_path + (child.name,), child, board)
            for child in nested:
                if child.kind == "table":
                    st.markdown(f"**{child.label(code)}**")
                    table(row_path + (child.name,), _columns(child.model), board)
                elif child.kind == "evidence":
                    st.caption(child.label(code))
                    _evidence(row_path, board, child)
        if canonical(get(row_path, {})) != before:
            # The table above was drawn with the row as it was: draw the page again at once, the
            # table from the draft, so that its next edit is made against what the row now holds.
            refresh_table(path)
            st.rerun()


def _rows_group(path: Path_, node: shape.Node, board: Board) -> None:
    """The five unifications: a group of like records, each under its wording in the rulebook."""
    rulebook = load_rulebook()
    titles = {c.params.group: c for c in rulebook.criteria if hasattr(c.params, "group")}
    st.caption(tr("intake.unifications_help"))
    board.slot(path_text(path), exact=True)
    for group in node.children():
        items = group.children()
        criterion = titles.get(group.name)
        heading = criterion.title(lang()) if criterion else group.label(lang())
        answers = [get(path + (group.name, item.name, "attested")) for item in items]
        tally = tr("intake.unification_tally", total=len(items), yes=answers.count(True), no=answers.count(False), open=sum(a is None for a in answers))
        with st.expander(f"{heading} · {tally}", expanded=False):
            if criterion:
                st.caption(criterion.text)
            for item in items:
                label = rulebook.items.get(group.name, {}).get(item.name)
                st.markdown(f"**{label.in_(lang()) if label else item.label(lang())}**")
                _record(path + (group.name, item.name), item.model, board, level=2)
                st.divider()
