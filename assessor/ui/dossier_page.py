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
CC_KEY = FIELD_PREFIX + "cc"
EVIDENCE_KEY = "dossier.evidence"

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
    if CC_KEY not in st.session_state:
        st.session_state[CC_KEY] = settings.get("cc", "")
    cc = st.text_input(t("dossier.banji.app_cc", lang()), key=CC_KEY, help=t("dossier.banji.app_cc_help", lang())).strip()
    settings["cc"] = cc
    result = compute.assessment(application, as_of, readings)
    st.caption(tr("dossier.basis", as_of=as_of, verdict=t(f"verdict.{result.verdict.value}", lang())))
    shell.link("assessment", tr("dossier.change_basis"), ":material/tune:")
    evidence, evidence_key = _evidence_uploads(result)

    wanted = (result.fingerprint, lang(), addressee.strip(), cc, evidence_key)
    blocked = _blocked(application, addressee.strip(), cc, result, evidence)
    if blocked:
        st.error(escape(blocked), icon=":material/block:")
        return
    name = application.applicant.name
    current_lang, chosen = lang(), addressee.strip() or None

    def make() -> bytes:
        # Runs when the button is pressed, in Streamlit's download thread: no session here,
        # only the cached builders (the same PDF as the preview's, made once per draft).
        if cc or evidence:
            return _bound(canonical_application_json(application), as_of, tuple(sorted(readings.items())), current_lang, chosen, cc, evidence_key, evidence)
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
        _generate(application, make, wanted)
    made = st.session_state.get(RESULT)
    if made and made["for"] == wanted:
        if made.get("png"):
            st.image(made["png"], caption=tr("dossier.preview"), width=560)
        else:
            st.caption(tr("dossier.no_preview"))
    elif made:
        st.caption(tr("dossier.stale"))
    _signing(make, wanted, name, as_of)


def _blocked(application, addressee: str, cc: str, assessment, evidence: dict[str, bytes]) -> str | None:
    """What stops the dossier before it is made (no Chinese font; a character the fonts cannot
    draw; an uploaded file whose SHA-256 differs from the application's), in the user's words,
    so the one-click button is never offered for a file that fails."""
    from ..dossier import DossierError
    from ..dossier.evidence import EvidenceProblem, bind
    from ..dossier.fonts import DossierFontError, require_cjk_fonts
    from ..dossier.glyphs import UndrawableText, check_application

    try:
        require_cjk_fonts()
        check_application(application, {"addressee": addressee or None, "doc_number": None, "signer": None, "cc": cc or None})
        bind(assessment, evidence)
    except DossierFontError as exc:
        return exc.message(lang())
    except UndrawableText as exc:
        return DossierError(f"dossier.errors.undrawable_{exc.why}", **exc.values()).message(lang())
    except EvidenceProblem as exc:
        return t(exc.key, lang(), **exc.values)
    return None


def _evidence_uploads(assessment) -> tuple[dict[str, bytes], tuple]:
    """The evidence files uploaded here, by the document names the application cites; the key
    (name, upload id, size) stands for their content in the cache."""
    from ..dossier.evidence import documents_of

    current = lang()
    names = [name for name, _ in documents_of(assessment)]
    uploads = st.file_uploader(
        t("dossier.evidence.app_upload", current), accept_multiple_files=True, key=EVIDENCE_KEY, help=t("dossier.evidence.app_help", current)
    ) or []
    files = {u.name: u for u in uploads if u.name in names}
    if names:
        unmatched = [u.name for u in uploads if u.name not in names]
        st.caption(escape(t("dossier.evidence.app_matched", current, n=len(files), total=len(names))))
        if unmatched:
            st.caption(escape(t("dossier.evidence.app_unmatched", current, names="、".join(unmatched))))
    evidence = {name: upload.getvalue() for name, upload in files.items()}
    key = tuple(sorted((name, upload.file_id, upload.size) for name, upload in files.items()))
    return evidence, key


@st.cache_data(show_spinner=False, max_entries=4)
def _bound(application_json: str, as_of, readings: tuple, lang_: str, addressee: str | None, cc: str, evidence_key: tuple, _evidence: dict[str, bytes]) -> bytes:
    """The dossier with 抄送 or uploaded evidence, once per draft, options and uploads."""
    from ..core.rulebook import load_rulebook
    from ..dossier import build_dossier

    return build_dossier(
        compute._application(application_json), rulebook=load_rulebook(), as_of=as_of, readings=dict(readings), lang=lang_, addressee=addressee,
        cc=cc or None, evidence=_evidence or None,
    )


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


def _generate(application, make, wanted: tuple) -> None:
    with st.status(tr("dossier.working"), expanded=True) as status:
        progress = st.progress(0, text=tr("dossier.step.assess"))
        try:
            progress.progress(30, text=tr("dossier.step.render"))
            pdf = make()
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
