"""Streamlit entry: page setup and navigation only."""

import streamlit as st

from assessor.ui import first_page

st.set_page_config(page_title="电销职场增设评估", layout="wide")
st.navigation([st.Page(first_page.render, title="评估", url_path="assess")]).run()
