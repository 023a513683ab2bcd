"""The 运营合规自查 page under Streamlit AppTest: the real page, the real check, the sample logs."""

from streamlit.testing.v1 import AppTest


def _page():
    from assessor.ui import readiness

    readiness.render()


def _app(lang: str = "zh") -> AppTest:
    at = AppTest.from_function(_page, default_timeout=60)
    at.session_state["lang"] = lang
    return at.run()


def _duty_table(at: AppTest):
    return at.dataframe[0].value


def test_page_without_logs_lists_every_duty_to_attest():
    at = _app()
    assert not at.exception
    assert at.title[0].value == "运营合规自查"
    assert any("尚未上传日志" in e.value for e in at.info)
    table = _duty_table(at)
    assert len(table) == 31
    assert set(table["结论"].str.split().str[-1]) == {"证据不足", "未能计量"}


def test_sample_logs_give_figures_charts_and_the_bulk_list():
    at = _app()
    at.checkbox(key="readiness.samples").check()
    at.button[0].click()
    at.run()
    assert not at.exception
    table = _duty_table(at)
    delivery = table[table["条款"] == "二(三)"].iloc[0]
    # 7 late deliveries, 2 explained in the sample log: 113 of 120 in time or explained, 5 to review.
    assert "需复核" in delivery["结论"] and delivery["计量值"] == "95.83%"
    bulk = at.dataframe[1].value
    assert bulk.iloc[0]["保单数"] == 22
    assert len(at.get("plotly_chart")) == 3
    assert at.get("download_button")  # templates and the JSON result


def test_attesting_with_evidence_meets_the_duty_and_survives_a_rerun():
    at = _app("en")
    at.radio(key="readiness.att.1.1.numbers.state").set_value("yes")
    at.text_area(key="readiness.att.1.1.numbers.evidence").input("website-screenshot.pdf")
    at.run()
    at.run()
    table = _duty_table(at)
    row = table[table["Clause"] == "一(一)"].iloc[0]
    assert "Met" in row["Result"] and "1 evidence document" in row["Explanation"]
    at.radio(key="readiness.att.1.1.numbers.state").set_value("no")
    at.run()
    row = _duty_table(at)[lambda t: t["Clause"] == "一(一)"].iloc[0]
    assert "Not met" in row["Result"]


def test_the_upload_limit_stated_is_the_configured_one():
    from streamlit import config

    from assessor.i18n import t

    before = config.get_option("server.maxUploadSize")
    try:
        config.set_option("server.maxUploadSize", 37)
        at = _app()
        label = at.get("file_uploader")[0].proto.label
        assert label == t("readiness.page.upload", "zh", limit=37)
    finally:
        config.set_option("server.maxUploadSize", before)
    # The project's own configuration, as `make run` starts the app: 20 MB, not Streamlit's 200.
    import tomllib
    from pathlib import Path

    configured = tomllib.loads((Path(__file__).parents[2] / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["server"]["maxUploadSize"]
    config.set_option("server.maxUploadSize", configured)
    try:
        at = _app()
        assert at.get("file_uploader")[0].proto.label == t("readiness.page.upload", "zh", limit=configured)
        assert "200" not in at.get("file_uploader")[0].proto.label
    finally:
        config.set_option("server.maxUploadSize", before)
