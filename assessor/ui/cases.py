"""Drafts in the case register: autosave on every change, resume, the audit trail, comments.

The register is one shared resource per database URL (st.cache_resource); what a session is
working on lives in its own st.session_state only. Pages reach the register through `store()`,
which hands out a view bound to the session's user (`Register`): it lists, opens and saves the
drafts of that user's organisations only, records the user's identity in every version, and
refuses a save from anyone who is not a preparer.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import streamlit as st

from . import auth, state
from ..labels import moment_text
from .draft import application_data, blank_draft, canonical, merge_into_blank, plain, tidy, title_of

log = logging.getLogger(__name__)

REFUSED = "auth.edit_refused"  # the last run put the saved draft back over a refused edit


def database_url() -> str | None:
    """ASSESSOR_DATABASE_URL, else `database_url` in .streamlit/secrets.toml, else None (SQLite)."""
    url = os.environ.get("ASSESSOR_DATABASE_URL")
    if url:
        return url
    try:
        return st.secrets.get("database_url")
    except Exception:  # no secrets file at all is the normal case
        return None


@st.cache_resource(show_spinner=False)
def _open(url: str | None, data_dir: str) -> Any:
    from ..store import CaseStore

    return CaseStore(url)


class Register:
    """The case register as one user may use it: their organisations' drafts, nothing else.

    A draft of another organisation is exactly as absent as one that never existed (the same
    DraftNotFound, the same empty list), so nothing of it (title, data, author) can leak."""

    def __init__(self, cases: Any, who: auth.Identity):
        self._cases = cases
        self.who = who

    def _orgs(self, draft_id: str) -> list[str]:
        from ..store import DraftNotFound

        if not self.who.can_read:
            raise DraftNotFound(draft_id)
        return list(self.who.organisations)

    def list_drafts(self) -> list[Any]:
        if not self.who.can_read:
            return []
        return self._cases.list_drafts(organisations=list(self.who.organisations))

    def load_draft(self, draft_id: str) -> Any:
        return self._cases.load_draft(draft_id, organisations=self._orgs(draft_id))

    def load_version(self, draft_id: str, version: int) -> Any:
        return self._cases.load_version(draft_id, version, organisations=self._orgs(draft_id))

    def history(self, draft_id: str) -> list[Any]:
        return self._cases.history(draft_id, organisations=self._orgs(draft_id))

    def comments(self, draft_id: str) -> list[Any]:
        return self._cases.comments(draft_id, organisations=self._orgs(draft_id))

    def add_comment(self, draft_id: str, version: int, text: str) -> Any:
        if not self.who.can_comment:
            raise PermissionError("this user may not comment")
        return self._cases.add_comment(draft_id, version, self.who.audit, text, organisations=self._orgs(draft_id))

    def save_draft(self, draft_id: str | None, title: str, data: dict[str, Any], organisation: str | None = None) -> Any:
        """Save as this user. A new draft goes to `organisation` (one of theirs; the first by
        default); an existing one stays in its own, which the register checks against the one
        given (a draft of another organisation is not found, and never written to)."""
        if not self.who.can_edit:
            raise PermissionError("this user may not edit drafts")
        if draft_id is not None and organisation not in self.who.organisations:
            organisation = self.load_draft(draft_id).organisation  # a foreign draft is not found
        elif draft_id is None and organisation not in self.who.organisations:
            organisation = self.who.organisations[0]
        return self._cases.save_draft(draft_id, title, data, self.who.audit, organisation=organisation)

    def delete_draft(self, draft_id: str) -> None:
        if not self.who.can_edit:
            raise PermissionError("this user may not delete drafts")
        self._cases.delete_draft(draft_id, organisations=self._orgs(draft_id))

    def __getattr__(self, name: str) -> Any:  # screening runs and the rest: not per organisation
        return getattr(self._cases, name)


def store() -> Register | None:
    """The case register as this session's user sees it, or None when it cannot be opened (the
    app then works without drafts) or nobody is signed in."""
    who = state.identity()
    if who is None:
        return None
    try:
        data_dir = str(Path(os.environ.get("ASSESSOR_DATA_DIR", "data")).resolve())
        return Register(_open(database_url(), data_dir), who)
    except Exception:
        log.exception("case register unavailable")
        return None


def _organisation_for_save() -> str | None:
    """The open draft's own organisation, or for a new draft the one picked in the sidebar."""
    if st.session_state.get(state.DRAFT_ID) is not None:
        return st.session_state.get(state.DRAFT_ORG)
    return st.session_state.get(state.NEW_DRAFT_ORG)


def autosave() -> bool:
    """Save the session's draft as a new version if it changed since the last save.

    A user who may not edit (a reviewer) gets the saved draft back, with the reason above the
    page: what is on screen stays what the register holds."""
    text = canonical(state.draft())
    if text == st.session_state.get(state.SAVED):
        st.session_state.pop(REFUSED, None)
        return False
    if st.session_state.get(state.DRAFT_ID) is None and application_data(state.draft()) == application_data(blank_draft()):
        return False  # an untouched blank form is not worth a draft
    who = state.identity()
    if who is not None and not who.can_edit:
        if st.session_state.pop(REFUSED, None):
            st.session_state[state.SAVED] = text  # still differs after a revert: drawing, not editing
            return False
        _refuse_edit()
    cases = store()
    if cases is None:
        return False
    version = cases.save_draft(
        st.session_state.get(state.DRAFT_ID),
        title_of(state.draft()) or state.tr("drafts.untitled"),
        plain(tidy(state.draft())),  # what it says, so each version's diff shows a real change
        organisation=_organisation_for_save(),
    )
    st.session_state[state.DRAFT_ID] = version.draft_id
    st.session_state[state.DRAFT_ORG] = getattr(version, "organisation", None)
    st.session_state[state.SAVED] = text
    st.session_state["saved_version"] = (version.version, version.saved_at)
    st.query_params["draft"] = str(version.draft_id)
    return True


def _refuse_edit() -> None:
    """Put the saved draft (or a blank form) back, say why, and draw the page again."""
    import json

    saved = st.session_state.get(state.SAVED)
    if saved is not None:
        data = merge_into_blank(json.loads(saved))
        state.replace_draft(data, st.session_state.get(state.DRAFT_ID), canonical(data))
    else:
        state.replace_draft(blank_draft(), None, canonical(blank_draft()))
    st.session_state[state.NOTICE] = state.tr("auth.edit_refused")
    st.session_state[REFUSED] = True
    st.rerun()


def resume(draft_id: str) -> bool:
    """Make a saved draft the session's draft; False if the register does not have it (or it
    belongs to another organisation: the two cannot be told apart)."""
    cases = store()
    if cases is None:
        return False
    try:
        version = cases.load_draft(draft_id)
    except (KeyError, LookupError, ValueError):
        return False
    if version is None:
        return False
    data = merge_into_blank(dict(version.data))
    state.replace_draft(data, version.draft_id, canonical(data))
    st.session_state[state.DRAFT_ORG] = getattr(version, "organisation", None)
    st.session_state["saved_version"] = (version.version, version.saved_at)
    st.query_params["draft"] = str(version.draft_id)
    return True


def resume_from_url() -> None:
    """After a browser reload the URL still names the draft: pick it up once per session.

    A draft this user may not see gets the same neutral message as one that does not exist,
    and its id leaves the address."""
    if st.session_state.get("url_checked"):
        return
    st.session_state["url_checked"] = True
    wanted = st.query_params.get("draft")
    if wanted and st.session_state.get(state.DRAFT_ID) is None and not resume(wanted):
        st.session_state[state.NOTICE] = state.tr("drafts.missing")
        del st.query_params["draft"]


# ---------------------------------------------------------------- comments


def _add_comment(draft_id: str) -> None:
    text = (st.session_state.get("comment.text") or "").strip()
    cases = store()
    if not text or cases is None:
        return
    saved = st.session_state.get("saved_version")
    version = saved[0] if saved else cases.history(draft_id)[-1].version
    cases.add_comment(draft_id, version, text)
    st.session_state["comment.text"] = ""


def comments_panel() -> None:
    """In the sidebar, for the open draft: its comments, and a box to add one (reviewers and
    preparers). Every comment is shown as plain text, never as Markdown."""
    draft_id = st.session_state.get(state.DRAFT_ID)
    who = state.identity()
    if not draft_id or who is None or not who.can_read:
        return
    cases = store()
    if cases is None:
        return
    try:
        notes = cases.comments(draft_id)
    except (KeyError, LookupError):
        return
    with st.expander(state.tr("auth.comments.title", n=len(notes)), icon=":material/comment:", expanded=bool(notes) or not who.can_edit):
        for note in notes:
            when = getattr(note, "created_at", None) or getattr(note, "saved_at", None)
            stamp = moment_text(when.astimezone(), state.lang()) if when else ""
            # Plain text: Markdown would turn an e-mail address into a link, whatever the escaping.
            st.text(state.tr("auth.comments.meta", user=note.user or state.tr("drafts.anonymous"), version=note.version, time=stamp))
            st.text(note.text)
        if not notes:
            st.caption(state.tr("auth.comments.none"))
        if who.can_comment:
            st.text_area(state.tr("auth.comments.add_label"), key="comment.text", max_chars=4000)
            st.button(state.tr("auth.comments.add"), on_click=_add_comment, args=(draft_id,), icon=":material/add_comment:", key="btn.comment")
