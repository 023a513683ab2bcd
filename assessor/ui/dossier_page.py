"""申请材料: generate the dossier PDF with progress, preview its first page, download it."""

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
    if st.button(tr("dossier.generate"), type="primary", icon=":material/description:", key="btn.dossier"):
        _generate(application, as_of, readings, addressee.strip(), wanted)
    made = st.session_state.get(RESULT)
    if not made or made["for"] != wanted:
        if made:
            st.caption(tr("dossier.stale"))
        return
    name = application.applicant.name
    st.download_button(
        tr("dossier.download"),
        made["pdf"],
        file_name=tr("dossier.file_name", name=name, as_of=as_of.isoformat()),
        mime="application/pdf",
        icon=":material/download:",
        key="dl.dossier",
        on_click="ignore",
    )
    if made.get("png"):
        st.image(made["png"], caption=tr("dossier.preview"), width=560)
    else:
        st.caption(tr("dossier.no_preview"))


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
