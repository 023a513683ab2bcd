"""Who is using the app: the signed-in identity, its organisations and its roles.

Two modes, chosen by `.streamlit/secrets.toml`:

- **Signed in** (an `[auth]` section is present): users sign in with Streamlit's built-in OpenID
  Connect login (`st.login`). The audit trail records the identity the provider vouches for
  (the `email` claim, else `sub`), never a typed name. Organisations and roles come from two
  claims of the ID token, `assessor_orgs` and `assessor_roles` (a list, or one text separated by
  commas or spaces); an optional `[assessor_access."<email or sub>"]` table in secrets.toml adds
  organisations and roles for providers that cannot issue custom claims.
- **Local** (no `[auth]`): one local user, organisation `local`, every role; the server listens
  on 127.0.0.1 only, and the name typed in the sidebar is what the audit trail records.

Roles: `preparer` edits drafts (and comments); `reviewer` reads and comments; `screening_officer`
is the only role that sees the 监管筛查 screening page. A user sees the drafts of their own
organisations only, and only with the preparer or reviewer role.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

LOCAL_ORG = "local"
PREPARER, REVIEWER, SCREENING_OFFICER = "preparer", "reviewer", "screening_officer"
ROLES = (PREPARER, REVIEWER, SCREENING_OFFICER)
ORGS_CLAIM = "assessor_orgs"
ROLES_CLAIM = "assessor_roles"
ACCESS_SECTION = "assessor_access"
SCREENING_URL = "screening"

_SPLIT = re.compile(r"[,\s]+")


@dataclass(frozen=True, slots=True)
class Identity:
    """One user as the app treats them. `audit` is what each saved version records."""

    audit: str
    display: str
    organisations: tuple[str, ...]
    roles: frozenset[str] = field(default_factory=frozenset)
    local: bool = False

    @property
    def can_edit(self) -> bool:
        return PREPARER in self.roles and bool(self.organisations)

    @property
    def can_read(self) -> bool:
        return bool(self.organisations) and bool(self.roles & {PREPARER, REVIEWER})

    @property
    def can_comment(self) -> bool:
        return self.can_read

    @property
    def can_screen(self) -> bool:
        return SCREENING_OFFICER in self.roles

    def sees_page(self, url_path: str) -> bool:
        return url_path != SCREENING_URL or self.can_screen


def _values(raw: Any) -> list[str]:
    """A claim's values: a list of texts, or one text separated by commas or spaces."""
    if raw is None:
        return []
    if isinstance(raw, str):
        items: Iterable[Any] = _SPLIT.split(raw)
    elif isinstance(raw, Iterable) and not isinstance(raw, Mapping):
        items = raw
    else:
        items = [raw]
    out: list[str] = []
    for item in items:
        text = str(item).strip()
        if text and text not in out:
            out.append(text)
    return out


def _role(name: str) -> str | None:
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    return key if key in ROLES else None


def identity_from_claims(claims: Mapping[str, Any], access: Mapping[str, Any] | None = None) -> Identity:
    """The identity an ID token's claims describe (plus the secrets' access table, if any).

    Unknown roles are ignored; an organisation named `local` is refused from a provider, so a
    signed-in user can never reach the drafts of the single-user mode."""
    email = str(claims.get("email") or "").strip()
    sub = str(claims.get("sub") or "").strip()
    audit = email or sub
    name = str(claims.get("name") or "").strip()
    organisations = _values(claims.get(ORGS_CLAIM))
    roles = [r for r in (_role(v) for v in _values(claims.get(ROLES_CLAIM))) if r]
    for key in (email, sub):
        extra = (access or {}).get(key) if key else None
        if isinstance(extra, Mapping):
            organisations += [o for o in _values(extra.get("organisations")) if o not in organisations]
            roles += [r for r in (_role(v) for v in _values(extra.get("roles"))) if r and r not in roles]
    organisations = [o for o in organisations if o != LOCAL_ORG]
    display = f"{name} <{audit}>" if name and name != audit else audit
    return Identity(audit=audit, display=display, organisations=tuple(organisations), roles=frozenset(roles))


def local_identity(name: str) -> Identity:
    """The single local user: organisation `local`, every role, the typed name in the trail."""
    name = (name or "").strip()
    return Identity(audit=name, display=name, organisations=(LOCAL_ORG,), roles=frozenset(ROLES), local=True)


# ---------------------------------------------------------------- what Streamlit says


class SecretsUnreadable(RuntimeError):
    """A secrets file exists but cannot be read: whether sign-in is wanted is unknown."""


def configured() -> bool:
    """True when `.streamlit/secrets.toml` has an `[auth]` section: users must sign in.

    A secrets file that exists but does not parse raises SecretsUnreadable rather than falling
    back to the single local user: a typo must not switch sign-in off."""
    try:
        return "auth" in st.secrets
    except Exception:
        try:
            files = [Path(p) for p in (st.get_option("secrets.files") or [])]
        except Exception:
            files = []
        if any(f.is_file() for f in files):
            raise SecretsUnreadable from None
        return False  # no secrets file at all: the single local user


def providers() -> list[str]:
    """The named providers (`[auth.<name>]` sections), when `[auth]` itself names none."""
    try:
        section = st.secrets["auth"]
    except Exception:
        return []
    if section.get("client_id"):
        return []
    return [name for name, value in section.items() if isinstance(value, Mapping) and value.get("client_id")]


def _access_table() -> Mapping[str, Any]:
    try:
        table = st.secrets.get(ACCESS_SECTION)
    except Exception:
        return {}
    return table.to_dict() if hasattr(table, "to_dict") else (table or {})


def signed_in() -> bool:
    try:
        return bool(st.user.get("is_logged_in"))
    except Exception:
        return False


def current(typed_name: str = "") -> Identity | None:
    """This session's user; None when sign-in is configured and nobody is signed in yet."""
    if not configured():
        return local_identity(typed_name)
    if not signed_in():
        return None
    claims = st.user.to_dict() if hasattr(st.user, "to_dict") else dict(st.user)
    return identity_from_claims(claims, _access_table())


def is_loopback(address: str | None) -> bool:
    """Whether a server address accepts connections from this machine only."""
    text = (address or "").strip().strip("[]")
    if text == "localhost":
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


def server_address() -> str:
    try:
        return str(st.get_option("server.address") or "")
    except Exception:
        return ""
