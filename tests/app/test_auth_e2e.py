"""Sign-in and organisations, end to end: a real OpenID provider on 127.0.0.1 (oidc-provider-mock),
`streamlit run app.py` with an `[auth]` secrets file of the test's own, and headless Chromium with
one browser context per user.

The users, as the provider vouches for them (ID token claims `assessor_orgs`, `assessor_roles`):
alice prepares for org-a, bob prepares for org-b, carol reviews for org-a, dora is a screening
officer (and preparer) of org-b. One provider and one app server serve the whole module.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import artifacts, draft_in_address, free_port, needs_chromium, open_page, settle, streamlit_server

EXAMPLE = "01-eligible-two-sites.json"
APPLICANT = "华安信达财产保险股份有限公司"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),  # the test provider's use of Authlib
    needs_chromium,
]

USERS = {
    "alice": {"email": "alice@org-a.example", "name": "Alice", "assessor_orgs": ["org-a"], "assessor_roles": ["preparer"]},
    "bob": {"email": "bob@org-b.example", "name": "Bob", "assessor_orgs": ["org-b"], "assessor_roles": ["preparer"]},
    "carol": {"email": "carol@org-a.example", "name": "Carol", "assessor_orgs": ["org-a"], "assessor_roles": ["reviewer"]},
    "dora": {"email": "dora@org-b.example", "name": "Dora", "assessor_orgs": "org-b", "assessor_roles": "preparer screening_officer"},
}


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """A real OpenID Connect provider on 127.0.0.1, in a thread of this process."""
    import warnings

    import werkzeug.serving

    with warnings.catch_warnings():  # the test provider's own use of deprecated Authlib modules
        warnings.simplefilter("ignore", DeprecationWarning)
        from oidc_provider_mock import User, app

    users = [User(sub=sub, claims=claims) for sub, claims in USERS.items()]
    server = werkzeug.serving.make_server("127.0.0.1", 0, app(user_claims=users, require_nonce=True), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="oidc-provider", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def app_server(provider: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`streamlit run app.py` with sign-in configured by a secrets file written here."""
    tmp = tmp_path_factory.mktemp("auth-e2e")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    secrets_file = tmp / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "{url}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "assessor-e2e"\n'
        f'client_secret = "{secrets.token_hex(16)}"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    with streamlit_server(tmp / "server.log", data_dir=tmp / "data", args=("--secrets.files", str(secrets_file)), port=port):
        yield url, tmp


def _t(key: str, **values) -> str:
    from assessor.i18n import t

    return t(key, "zh", **values)


def sign_in(browser, app_url: str, sub: str):
    """A fresh browser context (its own cookies) whose user signs in at the provider as `sub`."""
    from playwright.sync_api import expect

    page = open_page(browser, own_context=True)
    page.goto(app_url)
    page.get_by_role("button", name=_t("app.auth.sign_in.button")).click()
    page.get_by_role("button", name=sub, exact=True).click()  # the provider's form: one button per known user
    page.wait_for_url(re.compile(re.escape(app_url)))
    expect(page.get_by_text(_t("app.auth.signed_in_as"))).to_be_visible()
    expect(page.get_by_text(USERS[sub]["email"]).first).to_be_visible()
    settle(page)
    return page



def _register(tmp: Path):
    from assessor.store import CaseStore

    return CaseStore(f"sqlite:///{tmp / 'data' / 'cases.sqlite3'}")


@pytest.fixture(scope="module")
def alices_draft(app_server, shared_chromium) -> str:
    """alice (preparer, org-a) signs in and loads an example: a draft of org-a, saved as alice."""
    from playwright.sync_api import expect

    url, tmp = app_server
    page = sign_in(shared_chromium, url, "alice")
    expect(page.get_by_text(_t("app.auth.local.mode"))).to_have_count(0)
    page.get_by_label(_t("app.intake.example_choice")).click()
    page.get_by_role("option", name=EXAMPLE).click()
    page.get_by_role("button", name=_t("app.intake.load_example")).click()
    expect(page.get_by_label(_t("app.field.applicant.name"))).to_have_value(APPLICANT)
    settle(page)
    draft_id = draft_in_address(page)
    # The drafts list names the signed-in identity as the author, not a typed name.
    page.get_by_text(_t("app.drafts.title")).click()
    expect(page.get_by_label(_t("app.drafts.pick"))).to_have_value(re.compile(rf"^{APPLICANT} · .* · alice@org-a\.example · "))
    page.screenshot(path=str(artifacts() / "e2e-auth-alice.png"))

    # A reload keeps the signed-in user and the draft; the next edit is hers too.
    page.reload()
    expect(page.get_by_text(USERS["alice"]["email"]).first).to_be_visible()
    expect(page.get_by_label(_t("app.field.applicant.name"))).to_have_value(APPLICANT)
    page.get_by_label(_t("app.field.applicant.contact_person")).fill("王五")
    page.keyboard.press("Enter")
    settle(page)
    assert draft_in_address(page) == draft_id
    page.context.close()
    return draft_id


def test_the_audit_trail_records_the_signed_in_identity(app_server, alices_draft):
    _, tmp = app_server
    with _register(tmp) as register:
        history = register.history(alices_draft)
        assert [v.user for v in history] == ["alice@org-a.example", "alice@org-a.example"]  # before and after a reload
        assert register.load_draft(alices_draft).organisation == "org-a"


def test_another_organisation_sees_nothing_of_the_draft_not_even_by_its_address(app_server, browser, alices_draft):
    from playwright.sync_api import expect

    url, tmp = app_server
    page = sign_in(browser, url, "bob")
    page.get_by_text(_t("app.drafts.title")).click()
    expect(page.get_by_text(_t("app.drafts.none"))).to_be_visible()
    assert APPLICANT not in page.content()

    # alice's address, typed by bob: a neutral message, and nothing of the draft.
    page.goto(f"{url}/?draft={alices_draft}")
    expect(page.get_by_text(_t("app.drafts.missing"))).to_be_visible()
    expect(page.get_by_label(_t("app.field.applicant.name"))).to_have_value("")
    settle(page)
    body = page.content()
    assert APPLICANT not in body and "alice" not in body and "武汉" not in body
    assert alices_draft not in page.url  # the foreign id leaves the address
    page.screenshot(path=str(artifacts() / "e2e-auth-foreign-draft.png"))

    # bob's own typing makes a draft of org-b, which alice's organisation does not see.
    page.get_by_label(_t("app.field.applicant.name")).fill("乙财产保险股份有限公司")
    page.keyboard.press("Enter")
    settle(page)
    own = draft_in_address(page)
    with _register(tmp) as register:
        assert register.load_draft(own).organisation == "org-b"
        assert [d.id for d in register.list_drafts(organisations=["org-a"])] == [alices_draft]
        assert [v.user for v in register.history(own)] == ["bob@org-b.example"]
        assert len(register.history(alices_draft)) == 2  # bob wrote nothing to it
    page.context.close()


def test_a_reviewer_reads_and_comments_but_cannot_edit(app_server, browser, alices_draft):
    from playwright.sync_api import expect

    url, tmp = app_server
    page = sign_in(browser, url, "carol")
    page.goto(f"{url}/?draft={alices_draft}")
    field = page.get_by_label(_t("app.field.applicant.name"))
    expect(field).to_have_value(APPLICANT)
    expect(page.get_by_text(_t("app.auth.read_only"))).to_be_visible()

    # The screen offers no edit: the reviewer's inputs are disabled, and nothing new can be started.
    expect(field).to_be_disabled()
    expect(page.get_by_role("button", name=_t("app.intake.blank"))).to_have_count(0)

    # A comment, kept as plain text with the reviewer's identity.
    remark = "请补充**坐席登记表** [link](http://127.0.0.1:9/x)"
    page.get_by_label(_t("app.auth.comments.add_label")).fill(remark)
    page.get_by_role("button", name=_t("app.auth.comments.add")).click()
    settle(page)
    expect(page.get_by_text(remark, exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^carol@org-a\.example · 第2版 · "))).to_be_visible()
    expect(page.locator("[data-testid=stSidebarUserContent] a")).to_have_count(0)  # neither the remark nor the e-mail became a link
    page.screenshot(path=str(artifacts() / "e2e-auth-reviewer.png"))
    with _register(tmp) as register:
        assert [v.user for v in register.history(alices_draft)] == ["alice@org-a.example"] * 2
        (note,) = register.comments(alices_draft)
        assert (note.user, note.version, note.text) == ("carol@org-a.example", 2, remark)
    page.context.close()


def test_only_a_screening_officer_sees_the_screening_page(app_server, browser):
    from playwright.sync_api import expect

    url, _ = app_server
    screening = _t("app.nav.screening")
    officer = sign_in(browser, url, "dora")
    expect(officer.get_by_role("link", name=screening)).to_be_visible()
    officer.get_by_role("link", name=screening).click()
    expect(officer.get_by_role("heading", name=screening).first).to_be_visible()
    officer.context.close()

    preparer = sign_in(browser, url, "alice")
    expect(preparer.get_by_role("link", name=_t("app.nav.assessment"))).to_be_visible()
    expect(preparer.get_by_role("link", name=screening)).to_have_count(0)
    preparer.goto(f"{url}/screening")  # typed by hand: the page is not there for her
    settle(preparer)
    expect(preparer.get_by_role("heading", name=screening)).to_have_count(0)
    preparer.context.close()
