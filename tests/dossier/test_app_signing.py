"""The 申请材料 page under Streamlit's AppTest: the dossier downloads from one button (its data
made on demand), and signing with an uploaded .p12 yields a file that verifies, while neither the
certificate nor the password stays in the session."""

from __future__ import annotations

from pathlib import Path

import pytest
from signing_support import PASSWORD, make_credentials
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from assessor.dossier.signing import check_signatures
from assessor.i18n import t

APP = Path(__file__).resolve().parents[2] / "app.py"


@pytest.fixture
def app(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("ASSESSOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ASSESSOR_DATABASE_URL", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    at._page_hash = calc_hash("intake")
    at.run()
    at.selectbox(key="example.choice").set_value("01-eligible-two-sites.json").run()
    at.button(key="btn.example").click().run()
    at._page_hash = calc_hash("dossier")
    at.run()
    assert not at.exception, at.exception
    return at


def _sign(at: AppTest, p12: bytes, password: str) -> AppTest:
    at.file_uploader(key="sign.p12").set_value(("signer.p12", p12, "application/x-pkcs12"))
    at.text_input(key="sign.password").input(password)
    [submit] = [b for b in at.button if b.label == t("sign.app.button", "zh")]
    submit.click().run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest) -> str:
    # messages are shown with Markdown characters escaped (#, *, …); read them as plain text
    return "\n".join(e.value for e in [*at.success, *at.error, *at.warning]).replace("\\", "")


def test_sign_in_the_app_and_keep_no_secret(app):
    creds = make_credentials("李秀英")
    # the page offers its one download button before anything is generated
    assert len(app.get("download_button")) == 1
    _sign(app, b"not a certificate", PASSWORD)
    assert t("sign.errors.not_p12", "zh") in _texts(app)
    _sign(app, creds.p12, "wrong")
    assert t("sign.errors.wrong_password", "zh") in _texts(app)
    _sign(app, creds.p12, PASSWORD)
    assert "李秀英" in _texts(app)
    signed = app.session_state["dossier.signed"]["pdf"]
    [check] = check_signatures(signed)
    assert check.intact and not check.changed_after and "CN=李秀英" in check.subject
    # the form was cleared when sent: no password, no certificate left in the session
    state = {k: app.session_state[k] for k in ("sign.password", "sign.p12") if k in app.session_state}
    assert not state.get("sign.password")
    assert not state.get("sign.p12")
    assert len(app.get("download_button")) == 2  # the dossier and the signed dossier
