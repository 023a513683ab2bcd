"""Sessions share nothing; drafts autosave to the real SQLite register, resume, and keep history."""

from __future__ import annotations

from assessor.store import CaseStore


def test_two_sessions_share_no_state(new_app, ui):
    first, second = new_app(), new_app()
    ui.load_example(first, "01-eligible-two-sites.json")
    first.radio(key="lang").set_value("en").run()
    first.text_input(key="user").input("Alice").run()
    second.run()
    assert second.radio(key="lang").value == "zh"
    assert second.text_input(key="user").value == ""
    assert second.text_input(key="f.applicant.name").value == ""
    assert second.session_state["draft_id"] is None
    second.text_input(key="f.applicant.name").input("乙公司").run()
    first.run()
    assert first.text_input(key="f.applicant.name").value != "乙公司"
    assert first.session_state["draft_id"] != second.session_state["draft_id"]


def test_every_change_is_saved_with_its_user_and_listed_in_the_history(app, ui, data_dir):
    app.text_input(key="user").input("张三").run()
    app.text_input(key="f.applicant.name").input("甲财产保险股份有限公司").run()
    draft_id = app.session_state["draft_id"]
    assert draft_id
    app.text_input(key="user").input("李四").run()
    app.text_input(key="f.applicant.credit_code").input("911100001000176006").run()
    with CaseStore() as register:  # the same SQLite file, opened afresh as another process would
        history = register.history(draft_id)
        latest = register.load_draft(draft_id)
    assert [v.user for v in history] == ["张三", "李四"]
    assert latest.data["applicant"]["credit_code"] == "911100001000176006"
    assert latest.data["applicant"]["name"] == "甲财产保险股份有限公司"
    # The page shows the trail: who saved which version.
    tables = [df.value for df in app.dataframe]
    shown = [t for t in tables if "填写人" in t.columns]
    assert shown and list(shown[0]["填写人"]) == ["李四", "张三"]


def test_an_untouched_blank_form_saves_nothing(app, ui, data_dir):
    app.run()
    with CaseStore() as register:
        assert register.list_drafts() == []


def test_a_new_session_finds_and_resumes_the_draft(new_app, ui):
    first = new_app()
    ui.load_example(first, "04-small-second-site.json")
    first.text_input(key="f.applicant.contact_person").input("王五").run()
    draft_id = first.session_state["draft_id"]

    later = new_app()  # a browser closed and opened again: a new session
    ids = later.selectbox(key="drafts.pick.zh").options
    assert len(ids) == 1
    later.button(key="btn.resume").click().run()
    assert later.session_state["draft_id"] == draft_id
    assert later.text_input(key="f.applicant.contact_person").value == "王五"
    assert later.session_state["draft"]["existing_sites"] == first.session_state["draft"]["existing_sites"]


def test_a_reload_with_the_draft_in_the_address_resumes_it(new_app, ui, data_dir):
    from streamlit.testing.v1 import AppTest

    first = new_app()
    first.text_input(key="f.applicant.name").input("丙财产保险股份有限公司").run()
    draft_id = first.session_state["draft_id"]
    assert first.query_params["draft"] == [draft_id] or first.query_params["draft"] == draft_id
    reloaded = AppTest.from_file(first._script_path, default_timeout=60)
    reloaded.query_params["draft"] = draft_id
    reloaded.run()
    assert reloaded.text_input(key="f.applicant.name").value == "丙财产保险股份有限公司"


def test_a_draft_is_kept_even_while_invalid(app, ui, data_dir):
    app.text_input(key="f.applicant.credit_code").input("bad code").run()
    with CaseStore() as register:
        (summary,) = register.list_drafts()
        assert register.load_draft(summary.id).data["applicant"]["credit_code"] == "bad code"


def test_starting_blank_leaves_the_saved_draft_in_the_register(app, ui, data_dir):
    ui.load_example(app, "02-premium-short.json")
    kept = app.session_state["draft_id"]
    app.button(key="btn.blank").click().run()
    assert app.session_state["draft_id"] is None
    assert app.text_input(key="f.applicant.name").value == ""
    with CaseStore() as register:
        assert [d.id for d in register.list_drafts()] == [kept]


def test_opening_every_section_of_a_loaded_example_writes_no_version(app, ui, data_dir):
    ui.load_example(app, "01-eligible-two-sites.json")
    draft_id = app.session_state["draft_id"]
    for name in ("premiums", "unifications", "sites", "proposed", "records", "applicant"):
        ui.section(app, name)
    with CaseStore(f"sqlite:///{data_dir / 'cases.sqlite3'}") as register:
        assert [v.version for v in register.history(draft_id)] == [1]
