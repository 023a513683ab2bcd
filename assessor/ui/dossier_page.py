"""申请材料: download the dossier PDF in one click (made when the button is pressed, cached per
draft fingerprint, language and addressee), preview its first page, sign it with an uploaded
PKCS#12 certificate (the certificate and password are used once and never kept in the session)."""

from __future__ import annotations

import logging

import streamlit as st

from ..core.engine import canonical_application_json
from ..i18n import t
from . import compute, shell, state
from .fields import escape
from .state import FIELD_PREFIX, lang, tr

URL = "dossier"
TITLE = "dossier"
ICON = ":material/picture_as_pdf:"

ADDRESSEE_KEY = FIELD_PREFIX + "addressee"
RESULT = "dossier"
SIGNED = "dossier.signed"  # the signed PDF and its signer, for the draft it was made from
SIGN_PROBLEM = "dossier.sign_problem"  # what the last signing attempt said went wrong, shown once
P12_KEY, PASSWORD_KEY = "sign.p12", "sign.password"

log = logging.getLogger(__name__)


def dossier_available() -> bool:
    try:
        from ..dossier import build_dossier, preview_png  # noqa: F401
    except ImportError:
        return False
    return True


def render() -> None:
    st.title(tr("dossier.title"))
    st.caption(tr("dossier.intro"))
    if not dossier_available():
        st.info(tr("dossier.unavailable"), icon=":material/construction:")
        return
    checked = compute.checked(state.draft())
    if checked.application is None:
        st.warning(tr("assessment.invalid", n=len(checked.problems)), icon=":material/warning:")
        shell.link("intake", tr("assessment.to_intake"), ":material/edit_note:")
        return
    application = checked.application
    settings = state.settings()
    as_of = state.as_of()
    readings = dict(settings.get("readings") or {})
    if ADDRESSEE_KEY not in st.session_state:
        st.session_state[ADDRESSEE_KEY] = settings.get("addressee", "")
    addressee = st.text_input(tr("dossier.addressee"), key=ADDRESSEE_KEY, placeholder=tr("dossier.addressee_placeholder"), help=tr("dossier.addressee_help"))
    settings["addressee"] = addressee
    result = compute.assessment(application, as_of, readings)
    st.caption(tr("dossier.basis", as_of=as_of.isoformat(), verdict=t(f"verdict.{result.verdict.value}", lang())))
    shell.link("assessment", tr("dossier.change_basis"), ":material/tune:")

    wanted = (result.fingerprint, lang(), addressee.strip())
    blocked = _blocked(application, addressee.strip())
    if blocked:
        st.error(escape(blocked), icon=":material/block:")
        return
    name = application.applicant.name
    current_lang, chosen = lang(), addressee.strip() or None

    def make() -> bytes:
        # Runs when the button is pressed, in Streamlit's download thread: no session here,
        # only the cached builder (the same PDF as the preview's, made once per draft).
        return compute.dossier(application, as_of, readings, current_lang, chosen)

    # One click: the PDF is made when the button is pressed and downloads at once.
    st.download_button(
        tr("dossier.download"),
        data=make,
        file_name=tr("dossier.file_name", name=name, as_of=as_of.isoformat()),
        mime="application/pdf",
        icon=":material/download:",
        key="dl.dossier",
        on_click="ignore",
        type="primary",
    )
    st.caption(t("sign.app.one_click", current_lang))
    if st.button(tr("dossier.generate"), icon=":material/description:", key="btn.dossier"):
        _generate(application, as_of, readings, addressee.strip(), wanted)
    made = st.session_state.get(RESULT)
    if made and made["for"] == wanted:
        if made.get("png"):
            st.image(made["png"], caption=tr("dossier.preview"), width=560)
        else:
            st.caption(tr("dossier.no_preview"))
    elif made:
        st.caption(tr("dossier.stale"))
    _signing(make, wanted, name, as_of)


def _blocked(application, addressee: str) -> str | None:
    """What stops the dossier before it is made (no Chinese font; a character the fonts cannot
    draw), in the user's words, so the one-click button is never offered for a file that fails."""
    from ..dossier import DossierError
    from ..dossier.fonts import DossierFontError, require_cjk_fonts
    from ..dossier.glyphs import UndrawableText, check_application

    try:
        require_cjk_fonts()
        check_application(application, {"addressee": addressee or None, "doc_number": None, "signer": None})
    except DossierFontError as exc:
        return exc.message(lang())
    except UndrawableText as exc:
        return DossierError(f"dossier.errors.undrawable_{exc.why}", **exc.values()).message(lang())
    return None


def _signing(make, wanted: tuple, name: str, as_of) -> None:
    """Sign the dossier with an uploaded .p12. The signing runs in the form's callback, which
    takes the upload and the password out of the session before it signs: neither is kept."""
    current = lang()
    st.subheader(t("sign.app.title", current))
    st.caption(t("sign.app.intro", current))
    with st.form("form.sign", clear_on_submit=True, border=True):
        st.file_uploader(t("sign.app.p12", current), type=["p12", "pfx"], key=P12_KEY)
        st.text_input(t("sign.app.password", current), type="password", key=PASSWORD_KEY)
        st.form_submit_button(t("sign.app.button", current), icon=":material/signature:", on_click=_on_sign, args=(make, wanted))
    problem = st.session_state.pop(SIGN_PROBLEM, None)
    if problem:
        st.error(escape(problem), icon=":material/error:")
    signed = st.session_state.get(SIGNED)
    if signed and signed["for"] == wanted:
        st.success(t("sign.app.signed", current, subject=escape(signed["subject"])), icon=":material/verified:")
        st.download_button(
            t("sign.app.download", current),
            signed["pdf"],
            file_name=t("sign.app.file_name", current, name=name, as_of=as_of.isoformat()),
            mime="application/pdf",
            icon=":material/download:",
            key="dl.signed",
            on_click="ignore",
        )


def _on_sign(make, wanted: tuple) -> None:
    upload = st.session_state.pop(P12_KEY, None)
    password = st.session_state.pop(PASSWORD_KEY, None) or None
    st.session_state.pop(SIGNED, None)
    p12 = upload.getvalue() if upload is not None else None
    if not p12:
        st.session_state[SIGN_PROBLEM] = t("sign.app.need_p12", lang())
        return
    from ..dossier.signing import SigningError, check_signatures, sign_dossier

    try:
        signed = sign_dossier(make(), p12, password)
        checks = check_signatures(signed)
    except SigningError as exc:
        st.session_state[SIGN_PROBLEM] = exc.message(lang())
        return
    except Exception:  # the page never shows a traceback; the log keeps the kind
        log.exception("signing failed")
        st.session_state[SIGN_PROBLEM] = t("sign.errors.failed", lang(), detail="?")
        return
    finally:
        del password, p12, upload
    st.session_state[SIGNED] = {"for": wanted, "pdf": signed, "subject": checks[-1].subject if checks else "?"}


def _generate(application, as_of, readings, addressee: str, wanted: tuple) -> None:
    with st.status(tr("dossier.working"), expanded=True) as status:
        progress = st.progress(0, text=tr("dossier.step.assess"))
        try:
            compute.assessment(application, as_of, readings)
            progress.progress(30, text=tr("dossier.step.render"))
            pdf = compute.dossier(application, as_of, readings, lang(), addressee or None)
            progress.progress(80, text=tr("dossier.step.preview"))
            try:
                png = compute.preview(pdf)
            except Exception:  # a missing preview must not cost the user the PDF itself
                log.exception("dossier preview failed")
                png = None
            progress.progress(100, text=tr("dossier.step.done"))
        except Exception as exc:
            log.exception("dossier failed for %s", canonical_application_json(application)[:200])
            status.update(label=tr("dossier.failed"), state="error")
            st.error(tr("dossier.failed_detail"))
            explain = getattr(exc, "message", None)
            if callable(explain):  # the dossier's own errors say what is missing, in the user's language
                try:
                    st.caption(escape(explain(lang())))
                except Exception:
                    pass
            return
        status.update(label=tr("dossier.ready", pages=_pages(pdf)), state="complete", expanded=False)
    st.session_state[RESULT] = {"for": wanted, "pdf": pdf, "png": png}


def _pages(pdf: bytes) -> int:
    try:
        from io import BytesIO

        from pypdf import PdfReader

        return len(PdfReader(BytesIO(pdf)).pages)
    except Exception:
        return 0
