"""Drafts in the case register: autosave on every change, resume, and the audit trail.

The register is one shared resource per database URL (st.cache_resource); what a session is
working on lives in its own st.session_state only.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import streamlit as st

from . import state
from .draft import application_data, blank_draft, canonical, merge_into_blank, plain, tidy, title_of

log = logging.getLogger(__name__)


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


def store() -> Any | None:
    """The case register, or None when it cannot be opened (the app then works without drafts)."""
    try:
        data_dir = str(Path(os.environ.get("ASSESSOR_DATA_DIR", "data")).resolve())
        return _open(database_url(), data_dir)
    except Exception:
        log.exception("case register unavailable")
        return None


def autosave() -> bool:
    """Save the session's draft as a new version if it changed since the last save."""
    text = canonical(state.draft())
    if text == st.session_state.get(state.SAVED):
        return False
    cases = store()
    if cases is None:
        return False
    if st.session_state.get(state.DRAFT_ID) is None and application_data(state.draft()) == application_data(blank_draft()):
        return False  # an untouched blank form is not worth a draft
    version = cases.save_draft(
        st.session_state.get(state.DRAFT_ID),
        title_of(state.draft()) or state.tr("drafts.untitled"),
        plain(tidy(state.draft())),  # what it says, so each version's diff shows a real change
        st.session_state.get(state.USER) or "",
    )
    st.session_state[state.DRAFT_ID] = version.draft_id
    st.session_state[state.SAVED] = text
    st.session_state["saved_version"] = (version.version, version.saved_at)
    st.query_params["draft"] = str(version.draft_id)
    return True


def resume(draft_id: str) -> bool:
    """Make a saved draft the session's draft; False if the register does not have it."""
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
    st.session_state["saved_version"] = (version.version, version.saved_at)
    st.query_params["draft"] = str(version.draft_id)
    return True


def resume_from_url() -> None:
    """After a browser reload the URL still names the draft: pick it up once per session."""
    if st.session_state.get("url_checked"):
        return
    st.session_state["url_checked"] = True
    wanted = st.query_params.get("draft")
    if wanted and st.session_state.get(state.DRAFT_ID) is None:
        resume(wanted)
