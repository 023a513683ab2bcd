"""The session: the only place the app keeps anything between reruns is st.session_state.

Field widgets carry keys that start with `f.`; they are seeded from the draft and copied back
into it after they draw. Loading another application (or switching language) drops those keys
so every widget seeds itself again from the new draft.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from ..i18n import DEFAULT_LANG, LANGS, t
from .draft import blank_draft

FIELD_PREFIX = "f."
LANG = "lang"
USER = "user"
DRAFT = "draft"
DRAFT_ID = "draft_id"
SAVED = "saved_canonical"
SETTINGS = "settings"
TABLE_GEN = "table_gen"
IDENTITY = "auth.identity"  # this run's user (auth.Identity), set by the shell before any page
NOTICE = "auth.notice"  # one message for the top of the next page drawn
NEW_DRAFT_ORG = "auth.new_draft_org"  # which of a user's organisations a new draft belongs to
DRAFT_ORG = "draft_org"  # the organisation the open draft belongs to


def init() -> None:
    state = st.session_state
    state.setdefault(LANG, DEFAULT_LANG)
    state.setdefault(USER, "")
    state.setdefault(DRAFT, blank_draft())
    state.setdefault(DRAFT_ID, None)
    state.setdefault(SAVED, None)
    state.setdefault(SETTINGS, {"as_of": None, "readings": {}, "addressee": ""})
    if not state.get(URL_READ):
        state[URL_READ] = True
        restore_from_url()


# The address keeps what a reload must not lose besides the draft itself: the language, the
# assessment date and the readings (`?draft=…&lang=en&as_of=2025-06-30&readings=k:v,k:v`), and,
# for the single local user (no sign-in), the name typed in the sidebar (`&user=张三`), so the
# next edit after a reload is not logged as （未署名）. A signed-in user's name is never put there.
URL_READ = "url_settings_read"
URL_LANG, URL_AS_OF, URL_READINGS, URL_USER = "lang", "as_of", "readings", "user"
USER_MAX = 200  # the register keeps up to 200 characters of a name


def restore_from_url() -> None:
    """Once per browser session: take the language, date and readings the address carries.
    A value the app does not know is ignored (the default stands), never an error."""
    params = st.query_params
    state = st.session_state
    code = params.get(URL_LANG)
    if code in LANGS:
        state[LANG] = code
    name = (params.get(URL_USER) or "").strip()
    if name:
        state[USER] = name[:USER_MAX]  # the shell replaces it with the signed-in identity, if any
    text = params.get(URL_AS_OF)
    if text:
        try:
            state[SETTINGS]["as_of"] = date.fromisoformat(text)
        except ValueError:
            pass
    wanted = params.get(URL_READINGS)
    if wanted:
        from ..core.rulebook import load_rulebook

        readings = load_rulebook().readings
        for pair in wanted.split(","):
            name, _, value = pair.partition(":")
            if name in readings and value in readings[name].options:
                state[SETTINGS]["readings"][name] = value


def address_settings() -> dict[str, str]:
    """What the address should carry for this session's language, date and readings."""
    out = {URL_LANG: lang()}
    as_of_ = settings().get("as_of")
    if isinstance(as_of_, date):
        out[URL_AS_OF] = as_of_.isoformat()
    readings = settings().get("readings") or {}
    if readings:
        out[URL_READINGS] = ",".join(f"{k}:{v}" for k, v in sorted(readings.items()))
    who = identity()
    name = (st.session_state.get(USER) or "").strip()
    if name and who is not None and who.local:
        out[URL_USER] = name[:USER_MAX]
    return out


def identity() -> Any:
    """This run's user (an `auth.Identity`), or None before the shell has settled it."""
    return st.session_state.get(IDENTITY)


def lang() -> str:
    value = st.session_state.get(LANG, DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def tr(key: str, /, **values: Any) -> str:
    """The text for `app.<key>` in the session's language."""
    return t(f"app.{key}", lang(), **values)


def draft() -> dict[str, Any]:
    return st.session_state[DRAFT]


def settings() -> dict[str, Any]:
    return st.session_state[SETTINGS]


def as_of() -> date:
    return settings().get("as_of") or date.today()


def reset_fields() -> None:
    """Forget every field widget so each seeds itself from the draft on the next draw."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(FIELD_PREFIX)]:
        del st.session_state[key]
    st.session_state[TABLE_GEN] = st.session_state.get(TABLE_GEN, 0) + 1


def replace_draft(data: dict[str, Any], draft_id: str | None = None, saved: str | None = None) -> None:
    st.session_state[DRAFT] = data
    st.session_state[DRAFT_ID] = draft_id
    st.session_state[SAVED] = saved
    st.session_state.pop(DRAFT_ORG, None)
    st.session_state.pop("dossier", None)
    reset_fields()
