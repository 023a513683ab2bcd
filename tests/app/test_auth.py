"""Who the app thinks the user is: the single local user without `[auth]`, and under AppTest a
signed-in user whose organisations and roles come from the ID token's claims.

The sign-in itself (a real provider, two browsers) is in test_auth_e2e.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assessor.i18n import t
from assessor.store import CaseStore
from assessor.ui.auth import LOCAL_ORG, PREPARER, REVIEWER, SCREENING_OFFICER, identity_from_claims, is_loopback, local_identity

ROOT = Path(__file__).resolve().parents[2]
AUTH = {
    "auth": {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "assessor",
        "client_secret": "secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
}


def _register(data_dir) -> CaseStore:
    return CaseStore(f"sqlite:///{data_dir / 'cases.sqlite3'}")


# ---------------------------------------------------------------- claims


def test_organisations_and_roles_come_from_the_id_token_claims():
    who = identity_from_claims({"sub": "u1", "email": "a@x.example", "name": "A", "assessor_orgs": ["org-a", "org-b"], "assessor_roles": ["reviewer", "Screening-Officer", "admin"]})
    assert who.audit == "a@x.example"
    assert who.display == "A <a@x.example>"
    assert who.organisations == ("org-a", "org-b")
    assert who.roles == {REVIEWER, SCREENING_OFFICER}  # an unknown role is ignored
    assert (who.can_edit, who.can_read, who.can_comment, who.can_screen) == (False, True, True, True)
    assert not who.local


def test_a_claim_may_be_one_text_and_the_secrets_table_adds_to_it():
    access = {"u2": {"organisations": ["org-c"], "roles": ["preparer"]}}
    who = identity_from_claims({"sub": "u2", "assessor_orgs": "org-a, org-b", "assessor_roles": "reviewer"}, access)
    assert who.audit == "u2"  # no email: the subject
    assert who.organisations == ("org-a", "org-b", "org-c")
    assert who.roles == {REVIEWER, PREPARER}
    assert who.can_edit and not who.can_screen and not who.sees_page("screening") and who.sees_page("intake")


def test_a_provider_cannot_grant_the_local_organisation_and_no_claims_grant_nothing():
    who = identity_from_claims({"sub": "u3", "email": "c@x.example", "assessor_orgs": ["local"], "assessor_roles": ["preparer"]})
    assert who.organisations == ()
    assert not who.can_edit and not who.can_read
    bare = identity_from_claims({"sub": "u4"})
    assert (bare.organisations, bare.roles) == ((), frozenset())


def test_the_local_user_has_every_role_in_the_local_organisation():
    who = local_identity(" 张三 ")
    assert (who.audit, who.organisations, who.local) == ("张三", (LOCAL_ORG,), True)
    assert who.can_edit and who.can_comment and who.can_screen


@pytest.mark.parametrize(("address", "loopback"), [("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True), ("0.0.0.0", False), ("192.168.1.2", False), ("", False)])
def test_loopback_addresses(address, loopback):
    assert is_loopback(address) is loopback


def test_the_project_config_listens_on_this_machine_only():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert is_loopback(config["server"]["address"])


# ---------------------------------------------------------------- the single local user


def test_without_sign_in_the_sidebar_says_single_local_user(app):
    captions = [c.value for c in app.sidebar.caption]
    assert t("app.auth.local.mode", "zh") in captions
    assert app.text_input(key="user").value == ""
    assert not [b for b in app.sidebar.button if b.key == "btn.logout"]


def test_the_local_name_survives_a_reload_and_signs_the_next_edit(app, data_dir):
    app.text_input(key="user").input("张三").run()
    app.text_input(key="f.applicant.name").input("甲财产保险股份有限公司").run()
    draft_id = app.session_state["draft_id"]
    assert app.query_params["user"] in ("张三", ["张三"])

    # A browser reload: a new session with the same address.
    reloaded = AppTest.from_file(app._script_path, default_timeout=60)
    for key, value in app.query_params.items():
        reloaded.query_params[key] = value
    reloaded.run()
    assert not reloaded.exception, reloaded.exception
    assert reloaded.text_input(key="user").value == "张三"
    reloaded.text_input(key="f.applicant.contact_person").input("王五").run()
    with _register(data_dir) as register:
        history = register.history(draft_id)
        assert [v.user for v in history] == ["张三", "张三"]
        assert register.load_draft(draft_id).organisation == LOCAL_ORG


def test_clearing_the_name_takes_it_out_of_the_address(app):
    app.text_input(key="user").input("张三").run()
    app.text_input(key="f.applicant.name").input("甲").run()
    assert "user" in app.query_params
    app.text_input(key="user").input("").run()
    assert "user" not in app.query_params


# ---------------------------------------------------------------- signed in (AppTest's st.user)


def _session(claims: dict | None, **params: str) -> AppTest:
    """A browser session of the app with `[auth]` configured: signed out when `claims` is None."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets.update(AUTH)
    at.user = {"is_logged_in": False} if claims is None else {"is_logged_in": True, **claims}
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


ALICE = {"sub": "alice", "email": "alice@org-a.example", "name": "Alice", "assessor_orgs": ["org-a"], "assessor_roles": ["preparer"]}
BOB = {"sub": "bob", "email": "bob@org-b.example", "assessor_orgs": ["org-b"], "assessor_roles": ["preparer"]}
CAROL = {"sub": "carol", "email": "carol@org-a.example", "assessor_orgs": ["org-a"], "assessor_roles": ["reviewer"]}


def test_signed_out_sees_only_the_sign_in_screen(data_dir):
    at = _session(None, draft="0" * 32, user="mallory")
    assert [b.label for b in at.button] == [t("app.auth.sign_in.button", "zh")]
    assert not at.text_input  # no form, no name box, nothing of the draft the address names
    assert t("app.drafts.missing", "zh") not in [w.value for w in at.warning]


def test_signed_in_user_saves_under_their_identity_not_a_name_from_the_address(data_dir):
    at = _session(ALICE, user="mallory")
    assert not [w for w in at.sidebar.text_input if w.key == "user"]
    assert "Alice <alice@org-a.example>" in [x.value for x in at.sidebar.text]
    at.text_input(key="f.applicant.name").input("甲财产保险股份有限公司").run()
    draft_id = at.session_state["draft_id"]
    assert "user" not in at.query_params
    with _register(data_dir) as register:
        assert [v.user for v in register.history(draft_id)] == ["alice@org-a.example"]
        assert register.load_draft(draft_id).organisation == "org-a"


def test_a_foreign_draft_address_shows_a_neutral_message_and_nothing_of_it(data_dir):
    alice = _session(ALICE)
    alice.text_input(key="f.applicant.name").input("甲财产保险股份有限公司").run()
    draft_id = alice.session_state["draft_id"]

    bob = _session(BOB, draft=draft_id)
    assert bob.session_state["draft_id"] is None
    assert bob.text_input(key="f.applicant.name").value == ""
    assert t("app.drafts.missing", "zh") in [w.value for w in bob.warning]
    assert "draft" not in bob.query_params
    shown = " ".join(str(e.value) for kind in (bob.markdown, bob.caption, bob.text, bob.warning, bob.info, bob.success) for e in kind)
    assert "甲财产" not in shown and "alice" not in shown

    nobody = _session(BOB, draft="f" * 32)  # a draft that never existed reads the same
    assert t("app.drafts.missing", "zh") in [w.value for w in nobody.warning]


def test_a_reviewer_gets_the_saved_draft_back_and_may_comment(data_dir):
    alice = _session(ALICE)
    alice.text_input(key="f.applicant.name").input("甲财产保险股份有限公司").run()
    draft_id = alice.session_state["draft_id"]

    carol = _session(CAROL, draft=draft_id)
    assert carol.text_input(key="f.applicant.name").value == "甲财产保险股份有限公司"
    assert t("app.auth.read_only", "zh") in [i.value for i in carol.info]
    # The screen offers no edit: inputs are shown disabled, and nothing new can be started.
    assert carol.text_input(key="f.applicant.name").disabled
    assert not [b for b in carol.button if b.key in ("btn.blank", "btn.example")]
    assert not carol.file_uploader
    carol.sidebar.text_area(key="comment.text").input("请补充坐席登记表").run()
    carol.sidebar.button(key="btn.comment").click().run()
    assert "请补充坐席登记表" in [x.value for x in carol.sidebar.text]
    with _register(data_dir) as register:
        assert [v.user for v in register.history(draft_id)] == ["alice@org-a.example"]
        assert [(c.user, c.text) for c in register.comments(draft_id)] == [("carol@org-a.example", "请补充坐席登记表")]


def test_an_edit_that_reaches_the_server_past_the_disabled_inputs_is_refused(data_dir, monkeypatch):
    # Disabled inputs are the browser's side only: a crafted client can still send a value.
    # The register refuses it, and the saved draft comes back with the reason.
    from assessor.ui import fields, intake_page

    alice = _session(ALICE)
    alice.text_input(key="f.applicant.name").input("甲财产保险股份有限公司").run()
    draft_id = alice.session_state["draft_id"]
    monkeypatch.setattr(fields, "read_only", lambda: False)
    monkeypatch.setattr(intake_page, "read_only", lambda: False)
    carol = _session(CAROL, draft=draft_id)
    carol.text_input(key="f.applicant.name").input("改掉").run()
    assert carol.text_input(key="f.applicant.name").value == "甲财产保险股份有限公司"
    assert t("app.auth.edit_refused", "zh") in [w.value for w in carol.warning]
    with _register(data_dir) as register:
        assert [v.user for v in register.history(draft_id)] == ["alice@org-a.example"]


def test_a_user_of_two_organisations_picks_where_a_new_draft_belongs(data_dir):
    both = {"sub": "erin", "email": "erin@x.example", "assessor_orgs": ["org-a", "org-b"], "assessor_roles": ["preparer"]}
    at = _session(both)
    at.sidebar.selectbox(key="auth.new_draft_org").select("org-b").run()
    at.text_input(key="f.applicant.name").input("乙财产保险股份有限公司").run()
    draft_id = at.session_state["draft_id"]
    with _register(data_dir) as register:
        assert register.load_draft(draft_id).organisation == "org-b"
    at.sidebar.selectbox(key="auth.new_draft_org").select("org-a").run()
    at.text_input(key="f.applicant.contact_person").input("王五").run()  # the open draft stays where it is
    with _register(data_dir) as register:
        assert register.load_draft(draft_id).organisation == "org-b"
        assert len(register.history(draft_id)) == 2


def test_without_sign_in_the_app_refuses_to_listen_beyond_this_machine(data_dir, monkeypatch):
    from assessor.ui import auth

    monkeypatch.setattr(auth, "server_address", lambda: "0.0.0.0")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert [e.value for e in at.error] == [t("app.auth.local.not_loopback", "zh", address="0.0.0.0")]
    assert not at.text_input


def test_a_user_without_a_role_sees_no_drafts_and_saves_nothing(data_dir):
    alice = _session(ALICE)
    alice.text_input(key="f.applicant.name").input("甲财产保险股份有限公司").run()
    stranger = _session({"sub": "zed", "email": "zed@org-a.example", "assessor_orgs": ["org-a"]})
    assert t("app.auth.no_access", "zh") in [w.value for w in stranger.sidebar.warning]
    assert stranger.text_input(key="f.applicant.name").disabled
    stranger.session_state["draft"]["applicant"]["name"] = "乱改"  # forced past the disabled input
    stranger.run()
    with _register(data_dir) as register:
        assert len(register.list_drafts()) == 1


def test_named_providers_get_a_sign_in_button_each(data_dir):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "keycloak": {"client_id": "a", "client_secret": "b", "server_metadata_url": "http://127.0.0.1:9/k"},
        "entra": {"client_id": "c", "client_secret": "d", "server_metadata_url": "http://127.0.0.1:9/e"},
    }
    at.user = {"is_logged_in": False}
    at.run()
    assert [b.label for b in at.button] == [t("app.auth.sign_in.with", "zh", provider=p) for p in ("keycloak", "entra")]


def test_an_unreadable_secrets_file_stops_the_app_instead_of_dropping_sign_in(data_dir, tmp_path):
    from streamlit import config

    broken = tmp_path / "secrets.toml"
    broken.write_text('[auth\nredirect_uri = "http://127.0.0.1:8501/oauth2callback"\n', encoding="utf-8")
    before = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(broken)])
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.run()
    finally:
        config.set_option("secrets.files", before)
    assert [e.value for e in at.error] == [t("app.auth.secrets_unreadable", "zh")]
    assert not at.text_input
