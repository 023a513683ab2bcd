"""What every page shares: the navigation, the sidebar, and the guard that keeps tracebacks off the page.

A page is a module with `URL`, `TITLE` (a key under `app.nav.`), `ICON` and `render()`.
`app.py` lists the pages; adding one is one line there.
"""

from __future__ import annotations

import functools
import importlib
import logging
from collections.abc import Callable
from types import ModuleType

import streamlit as st

from ..i18n import LANGS, has, t
from . import auth, cases, state
from .draft import blank_draft
from ..labels import moment_text
from .state import tr

log = logging.getLogger(__name__)


def title() -> str:
    state.init()
    return tr("title")


def page(module: ModuleType, *, default: bool = False) -> st.Page:
    """A navigation entry for a page module, its title in the session's language."""
    state.init()
    return st.Page(
        guarded(module.render, module.URL),
        title=tr(f"nav.{module.TITLE}") if has(f"app.nav.{module.TITLE}", state.lang()) else module.TITLE,
        icon=module.ICON,
        url_path=module.URL,
        default=default,
    )


def lazy_page(module_name: str, *, url: str, icon: str) -> st.Page:
    """A navigation entry whose module is imported only when the page is opened.

    The workshop, screening and readiness pages pull in pandas, plotly and DuckDB; importing
    them up front would add over a second to every cold start of the app. `url` is also the
    title key under `app.nav.`; tests/app checks it and `icon` against the module's own.
    """
    state.init()

    def render() -> None:
        importlib.import_module(module_name).render()

    return st.Page(
        guarded(render, url),
        title=tr(f"nav.{url}") if has(f"app.nav.{url}", state.lang()) else url,
        icon=icon,
        url_path=url,
    )


@functools.cache
def warm_imports() -> None:
    """Import pandas and plotly once per process, in a thread of their own.

    A page's run is stopped by an exception raised inside it when the user acts again; stopped
    in the middle of importing pandas, it left a half-made module that the next run tripped
    over ("partially initialized module 'pandas'"). A thread no rerun can stop does the import;
    a page that needs the module meanwhile waits for it. Cold start is not delayed."""
    import threading

    def load() -> None:
        try:
            import pandas  # noqa: F401
            import plotly.graph_objects  # noqa: F401
        except Exception:  # the pages report a missing package themselves
            log.exception("warming imports failed")

    threading.Thread(target=load, name="assessor-warm-imports", daemon=True).start()


def navigation(pages: list[st.Page]) -> None:
    """Sign-in, navigation, then the sidebar, then the chosen page.

    With `[auth]` in secrets.toml nobody gets past the sign-in screen without signing in; the
    pages offered are those the user's roles allow (the screening page for screening officers
    only). The sidebar is drawn here, outside any page, because a widget drawn inside a page is
    a different widget on every page: the language and the user name would reset on each visit.
    """
    state.init()
    warm_imports()
    who = _who()
    if who is None:
        st.navigation([st.Page(_sign_in, title=tr("auth.sign_in.title"), url_path="signin", default=True)], position="hidden").run()
        return
    current = st.navigation([p for p in pages if who.sees_page(p.url_path)], position="sidebar")
    try:
        cases.resume_from_url()
        sidebar()
    except Exception:
        log.exception("sidebar failed")
        st.sidebar.error(tr("error.unexpected"), icon=":material/error:")
    current.run()


def _who() -> auth.Identity | None:
    """This run's user, kept in the session for the register and the audit trail.

    A session whose signed-in user changes (another account after signing out) starts from a
    blank form, so nothing of the previous user's draft stays on screen."""
    try:
        signing_in = auth.configured()
    except auth.SecretsUnreadable:
        st.error(tr("auth.secrets_unreadable"), icon=":material/key_off:")
        st.stop()
    if not signing_in and not _local_address_ok():
        st.error(tr("auth.local.not_loopback", address=auth.server_address()), icon=":material/lan:")
        st.stop()
    who = auth.current(st.session_state.get(state.USER) or "")
    before = st.session_state.get(state.IDENTITY)
    if who is not None and before is not None and not before.local and before.audit != who.audit:
        state.replace_draft(blank_draft())
        st.query_params.pop("draft", None)
    st.session_state[state.IDENTITY] = who
    if who is not None and not who.local:
        st.session_state[state.USER] = who.audit
    return who


def _local_address_ok() -> bool:
    """Without sign-in the app is one person's: it must not listen beyond this machine.
    An address left unset is taken as the configured default (.streamlit/config.toml)."""
    address = auth.server_address()
    return not address or auth.is_loopback(address)


def _sign_in() -> None:
    st.title(title())
    st.subheader(tr("auth.sign_in.title"))
    st.write(tr("auth.sign_in.why"))
    providers = auth.providers()
    if not providers:
        if st.button(tr("auth.sign_in.button"), icon=":material/login:", type="primary", key="btn.login"):
            st.login()
        return
    for name in providers:  # `[auth.<name>]` sections: one button each
        if st.button(tr("auth.sign_in.with", provider=name), icon=":material/login:", key=f"btn.login.{name}"):
            st.login(name)


def guarded(render: Callable[[], None], name: str) -> Callable[[], None]:
    """Run a page body, then autosave; any failure becomes a translated message, not a traceback."""

    @functools.wraps(render)
    def run() -> None:
        state.init()
        notices()
        try:
            who = state.identity()
            if who is not None and not who.sees_page(name):
                st.warning(tr("auth.page_denied"), icon=":material/block:")  # an address typed by hand
            else:
                render()
        except Exception:  # st.rerun/st.stop are BaseExceptions and pass through untouched
            log.exception("page %s failed", name)
            st.error(tr("error.unexpected"), icon=":material/error:")
        try:
            cases.autosave()
        except Exception:
            log.exception("autosave failed")
            st.warning(tr("error.autosave"), icon=":material/cloud_off:")
        keep_draft_in_address()
        saved_caption()

    run.__name__ = f"page_{name}"
    return run


def _language_changed() -> None:
    # Labels change with the language; the draft already holds every value, so widgets re-seed.
    state.reset_fields()


def sidebar() -> None:
    with st.sidebar:
        st.radio(
            tr("sidebar.language"),
            LANGS,
            key=state.LANG,
            horizontal=True,
            format_func=lambda code: t(f"app.sidebar.language_name.{code}", code),
            on_change=_language_changed,
        )
        who = state.identity()
        if who is None or who.local:
            st.text_input(tr("sidebar.user"), key=state.USER, help=tr("auth.local.user_help"), placeholder=tr("sidebar.user_placeholder"))
            st.caption(tr("auth.local.mode"), help=tr("auth.local.mode_help"))
        else:
            _signed_in_panel(who)
        cases.comments_panel()


def _signed_in_panel(who: auth.Identity) -> None:
    st.markdown(tr("auth.signed_in_as"))
    st.text(who.display)  # plain text: a name from the provider is never read as Markdown
    if who.organisations:
        st.text(tr("auth.organisations", orgs="、".join(who.organisations)))
    roles = [tr(f"auth.role.{role}") for role in auth.ROLES if role in who.roles]
    st.caption(tr("auth.roles", roles="、".join(roles) if roles else tr("auth.role.none")))
    if not who.organisations or not who.can_read:
        st.warning(tr("auth.no_access"), icon=":material/block:")
    if who.can_edit and len(who.organisations) > 1:
        st.selectbox(tr("auth.new_draft_org"), who.organisations, key=state.NEW_DRAFT_ORG)
    if st.button(tr("auth.sign_out"), icon=":material/logout:", key="btn.logout"):
        st.logout()


def notices() -> None:
    """Above every page: a message left by the last run (a draft not found, an edit refused),
    and, for a user who may not edit, that this is a read-only view."""
    notice = st.session_state.pop(state.NOTICE, None)
    if notice:
        st.warning(notice, icon=":material/info:")
    who = state.identity()
    if who is not None and not who.can_edit:
        st.info(tr("auth.read_only" if who.can_comment else "auth.read_only_no_role"), icon=":material/visibility:")


def keep_draft_in_address() -> None:
    """Keep `?draft=<id>` in the address on every page, so a browser reload resumes the draft,
    with the language, assessment date and readings it was looked at under (and the local
    user's name)."""
    draft_id = st.session_state.get(state.DRAFT_ID)
    if draft_id and st.query_params.get("draft") != draft_id:
        st.query_params["draft"] = draft_id
    wanted = state.address_settings()
    for key, value in wanted.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value
    if state.URL_USER not in wanted and state.URL_USER in st.query_params:
        del st.query_params[state.URL_USER]  # a name cleared, or a signed-in user: none in the address


def saved_caption() -> None:
    """Below the sidebar, after the autosave of this run: which version is saved, and when."""
    saved = st.session_state.get("saved_version")
    if st.session_state.get(state.DRAFT_ID) and saved:
        version, saved_at = saved
        st.sidebar.caption(tr("sidebar.saved", version=version, time=moment_text(saved_at.astimezone(), state.lang())))
    elif cases.store() is None:
        st.sidebar.caption(tr("sidebar.no_register"))


def _nowhere() -> None:  # stands in for a page's body where only its address matters
    return None


def link(url: str, label: str, icon: str | None = None) -> None:
    """A link to another page of the app by its URL path (pages are callables, so by address)."""
    st.page_link(st.Page(_nowhere, url_path=url, title=label), label=label, icon=icon)
