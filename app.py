"""Streamlit entry: page setup and navigation only. Add a page with one line in PAGES."""

import streamlit as st

from assessor.ui import assessment_page, dossier_page, intake_page, shell

st.set_page_config(page_title=shell.title(), page_icon=":material/support_agent:", layout="wide")

PAGES = [
    shell.page(intake_page, default=True),
    shell.page(assessment_page),
    shell.page(dossier_page),
    shell.lazy_page("assessor.ui.scenarios", url="scenarios", icon=":material/insights:"),
    shell.lazy_page("assessor.ui.screening", url="screening", icon=":material/policy:"),
    shell.lazy_page("assessor.ui.readiness", url="readiness", icon=":material/checklist:"),
]

shell.navigation(PAGES)
