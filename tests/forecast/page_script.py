"""A tiny app that shows only the Scenarios page, for Streamlit's AppTest."""

from assessor.ui.scenarios import render

render()
