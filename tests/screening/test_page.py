"""The screening page under Streamlit's AppTest: upload, screen, filter, drill down, export."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from streamlit.testing.v1 import AppTest

from .conftest import EXAMPLES, another_insurer, example, with_hashes

# The page as the shell hands it over in single-user mode: the language and the local user settled.
SCRIPT = """
import streamlit as st
from assessor.ui import auth, state
st.session_state.setdefault("lang", LANG)
st.session_state.setdefault(state.IDENTITY, auth.local_identity(""))
from assessor.ui.screening import render
render()
"""


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """The app's case register in a temporary folder, never the working tree's data/."""
    monkeypatch.setenv("ASSESSOR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ASSESSOR_DATABASE_URL", raising=False)
    return tmp_path


def unescaped(markdown: str) -> str:
    """What a reader sees of Markdown whose file text was backslash-escaped."""
    return re.sub(r"\\(.)", r"\1", markdown)


def start(lang: str = "zh") -> AppTest:
    at = AppTest.from_string(SCRIPT.replace("LANG", repr(lang)), default_timeout=60)
    return at.run()


def uploads() -> list[tuple[str, bytes, str]]:
    good = with_hashes(example())
    other = another_insurer(good, 31, "另一财产保险股份有限公司")
    other["proposed_site"]["address"] = good["proposed_site"]["address"]  # shared address: a flag
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("more/other.json", json.dumps(other, ensure_ascii=False))
        archive.writestr("more/broken.json", '{"applicant": ')
    return [
        ("good.json", json.dumps(good, ensure_ascii=False).encode("utf-8"), "application/json"),
        ("batch.zip", buffer.getvalue(), "application/zip"),
    ]


def screened(lang: str = "zh") -> AppTest:
    at = start(lang)
    at.file_uploader[0].set_value(uploads())
    at.date_input[0].set_value("2026-06-30")
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def test_empty_page_invites_an_upload():
    at = start("en")
    assert not at.exception
    assert at.title[0].value == "Screening"
    assert "Upload files" in at.info[0].value


def test_upload_screens_ranks_and_drills_down():
    at = screened("en")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Files"] == "3" and metrics["Screened"] == "2" and metrics["Errors"] == "1"
    assert metrics["With red flags"] == "2"
    table = at.dataframe[0].value
    assert list(table["File"])[0] == "batch.zip!more/broken.json"  # errors first
    assert set(table["Status"]) == {"Screened", "Error"}
    # Filter on a red flag: only the two applications sharing the address remain.
    at.multiselect(key="screening.filter.flag").set_value(["shared_proposed_address"]).run()
    assert sorted(at.dataframe[0].value["File"]) == ["batch.zip!more/other.json", "good.json"]
    # Drill down: the flag's explanation and every finding of the full assessment.
    at.selectbox(key="screening.drill").set_value("good.json").run()
    assert not at.exception
    assert any("batch.zip!more/other.json" in unescaped(w.value) for w in at.warning)
    texts = " ".join(m.value for m in at.markdown)
    assert "4.1.premium" in texts and "4.4.operations" in texts
    # The flag names the other file; one click opens it, even though filters were set.
    at.button(key="screening.goto.0.batch.zip!more/other.json").click().run()
    assert not at.exception
    assert at.selectbox(key="screening.drill").value == "batch.zip!more/other.json"
    assert at.multiselect(key="screening.filter.flag").value == []
    assert {b.label for b in at.get("download_button")} >= {"Download table (xlsx)", "Download table (csv)"}


def test_each_run_is_recorded_in_the_case_register(data_dir):
    from assessor.store import CaseStore

    at = screened("en")
    assert any("Recorded in the case register" in c.value for c in at.caption)
    with CaseStore() as store:
        [run] = store.list_screenings()
    files = {f["file"]: f for f in run.run["files"]}
    assert set(files) == {"good.json", "batch.zip!more/other.json", "batch.zip!more/broken.json"}
    assert len(files["good.json"]["fingerprint"]) == 64 and len(files["batch.zip!more/broken.json"]["sha256"]) == 64


def test_error_row_explains_itself_in_chinese():
    at = screened("zh")
    at.selectbox(key="screening.drill").set_value("batch.zip!more/broken.json").run()
    assert any("该文件未能筛查的原因" in e.value and "JSON" in e.value for e in at.error)
    assert any("评估日：2026年6月30日（输入的评估日）" in c.value for c in at.caption)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_label_is_translated(lang):
    at = screened(lang)
    labels = [m.label for m in at.metric]
    assert all(not label.startswith("screening.") for label in labels)
    # Streamlit's own "Choose options" would be English on the Chinese page.
    from assessor.i18n import t

    assert [m.proto.placeholder for m in at.multiselect] == [t("screening.page.filter_all", lang)] * 3


def test_no_run_without_a_chosen_date():
    at = start("zh")
    assert at.date_input[0].value is None  # never today by default
    at.file_uploader[0].set_value(uploads())
    at.button[0].click().run()
    assert not at.exception
    assert any("请选择评估日" in e.value for e in at.error)
    assert "screening.result" not in at.session_state


def test_each_file_on_its_own_stated_date_is_a_choice_and_the_table_says_which_date():
    six = (EXAMPLES / "06-serious-complaint.json").read_bytes()
    at = start("zh")
    at.file_uploader[0].set_value([("06.json", six, "application/json")])
    at.date_input[0].set_value("2026-11-30")  # on this date example 06 would pass
    at.radio(key="screening.date_source").set_value("own")
    at.button[0].click().run()
    assert not at.exception
    row = at.dataframe[0].value.iloc[0]
    assert (row["结论"], row["评估日"], row["评估日来源"]) == ("不符合条件", "2025年12月31日", "申报累计保费的截止日")
    assert any("1个文件按其自身载明的日期评估" in i.value for i in at.info)
    at.selectbox(key="screening.drill").set_value("06.json").run()
    assert any(c.value == "评估日：2025年12月31日（申报累计保费的截止日）" for c in at.caption)
    assert any("4.3.complaints" in m.value and ":red[" in m.value for m in at.markdown)


def test_flags_come_right_after_applicant_and_verdict():
    at = screened("zh")
    order = list(at.dataframe[0].proto.column_order)
    assert order[:5] == ["排序", "申请人", "结论", "风险提示", "信息"]
