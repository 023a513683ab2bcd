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
    _load_example(at, "01-eligible-two-sites.json")
    _open(at, "dossier")
    assert not at.exception, at.exception
    return at


def _open(at: AppTest, page: str) -> None:
    at._page_hash = calc_hash(page)
    at.run()


def _load_example(at: AppTest, name: str) -> None:
    """From the intake page, with its selector and button, as a user loads an example."""
    _open(at, "intake")
    at.selectbox(key="example.choice").set_value(name).run()
    at.button(key="btn.example").click().run()


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


def test_cc_and_uploaded_evidence_reach_the_pdf(app):
    import io

    from dossier_support import pdftotext, plain_pdf, squash
    from pypdf import PdfReader

    from datetime import date

    start = "电销专用产品集中销售启动文件.pdf"
    # example 06 is eligible today and opens on 2027-04-01: until then the app (whose 成文日期
    # is today) writes a 请示, which carries the 版记; a gap report never does
    _load_example(app, "06-serious-complaint.json")
    _open(app, "assessment")
    app.text_input(key="f.as_of.text@zh").input(date.today().isoformat()).run()
    _open(app, "dossier")
    app.text_input(key="f.cc").input("中国保险行业协会").run()
    app.file_uploader(key="dossier.evidence").set_value([(start, plain_pdf(), "application/pdf"), ("其他.pdf", b"x", "application/pdf")]).run()
    captions = "\n".join(c.value for c in app.caption).replace("\\", "")
    assert "已匹配证明材料 1 份" in captions and "其他.pdf" in captions
    app.button(key="btn.dossier").click().run()
    assert not app.exception, app.exception
    pdf = app.session_state["dossier"]["pdf"]
    text = squash(pdftotext(pdf))
    assert "附件4：1KB，1页" in text
    if date.today() < date(2027, 4, 1):
        assert "抄送：中国保险行业协会。" in text and "印发" in text
    else:
        assert "抄送" not in text
    reader = PdfReader(io.BytesIO(pdf))
    assert {name: data[0] for name, data in reader.attachments.items()}["attachment-4.pdf"] == plain_pdf()
