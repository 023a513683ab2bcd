"""A first page: assess an uploaded or example application (the full app replaces it)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from assessor.engine import assess
from assessor.intake import ApplicationError, parse_application
from assessor.report import render_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def render() -> None:
    st.title("电销职场增设评估")
    upload = st.file_uploader("申请文件（JSON）", type=["json"])
    examples = sorted(p.name for p in EXAMPLES.glob("*.json"))
    choice = st.selectbox("或选择示例", [""] + examples)
    raw = upload.getvalue() if upload else (EXAMPLES / choice).read_bytes() if choice else None
    if raw is None:
        return
    try:
        application = parse_application(raw)
    except ApplicationError as exc:
        for line in exc.lines("zh"):
            st.error(line)
        return
    st.code(render_text(assess(application), application.applicant.name, "zh"))
