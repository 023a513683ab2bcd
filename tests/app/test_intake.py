"""The intake page: messages beside the field, tables, uploads, evidence, what survives."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from assessor.core.model import Application
from assessor.i18n import t
from assessor.intake import load_application, shape
from assessor.labels import field_name

EXAMPLES = Path(__file__).parents[2] / "examples"


def _plain(message: str) -> str:
    return message.replace("\\", "")


def _editor_key(app, prefix: str) -> str:
    keys = [e.key for e in app.data_editor if e.key and e.key.startswith(prefix + "#")]
    assert len(keys) == 1, keys
    return keys[0]


def test_an_invalid_value_shows_its_error_beside_the_field_and_is_kept(app, ui):
    app.text_input(key="f.applicant.credit_code").input("91110000100017600X").run()
    expected = t("errors.input.credit_code_check", "zh", expected="6", actual="X")
    messages = [_plain(m) for m in ui.field_messages(app)]
    assert any(expected in m for m in messages), messages
    # The message sits right under the field it is about.
    items = list(app.main)
    flat = [e for e in _walk(app.main)]
    index = next(i for i, e in enumerate(flat) if getattr(e, "key", None) == "f.applicant.credit_code")
    assert expected in _plain(getattr(flat[index + 1], "value", ""))
    # What the user typed survives, in the field and in the saved draft.
    assert app.text_input(key="f.applicant.credit_code").value == "91110000100017600X"
    assert app.session_state["draft"]["applicant"]["credit_code"] == "91110000100017600X"
    app.text_input(key="f.applicant.credit_code").input("911100001000176006").run()
    assert not any("credit_code" in _plain(m) or "校验位" in m for m in ui.field_messages(app))
    assert items


def _walk(block):
    for child in block.children.values() if hasattr(block, "children") else []:
        if hasattr(child, "children") and child.children and type(child).__name__ not in {"Markdown"}:
            if getattr(child, "type", None) in {"text_input", "selectbox"}:
                yield child
            yield from _walk(child)
        else:
            yield child


def test_a_bad_cell_in_a_table_is_named_by_row_and_column(app, ui):
    ui.load_example(app, "01-eligible-two-sites.json")
    ui.section(app, "sites")
    key = _editor_key(app, "f.existing_sites")
    app.session_state[key] = {"edited_rows": {1: {"seats": 200000}}, "added_rows": [], "deleted_rows": []}
    app.run()
    where = t("labels.row", "zh", n=2) + " · " + shape.field_of(Application, ("existing_sites", 0, "seats")).label("zh")
    limit = t("errors.input.less_than_equal", "zh", le=100000)
    assert any(where in _plain(m) and limit in _plain(m) for m in ui.field_messages(app)), ui.field_messages(app)
    assert app.session_state["draft"]["existing_sites"][1]["seats"] == 200000


def test_editing_a_table_changes_the_assessment(app, ui):
    ui.load_example(app, "01-eligible-two-sites.json")
    ui.section(app, "sites")
    key = _editor_key(app, "f.existing_sites")
    app.session_state[key] = {"edited_rows": {1: {"seats": 499}}, "added_rows": [], "deleted_rows": []}
    app.run()
    assert app.session_state["draft"]["existing_sites"][1]["seats"] == 499
    ui.goto(app, "assessment")
    ui.set_as_of(app, __import__("datetime").date(2026, 6, 30))
    assert f"[{t('status.not_met', 'zh')}]" in ui.finding_status_line(app, "4.2.original_seats")
    # Back on the intake page, the same section is open and shows the edited value.
    ui.goto(app, "intake")
    key = _editor_key(app, "f.existing_sites")
    assert int(next(e for e in app.data_editor if e.key == key).value["seats"].iloc[1]) == 499


def test_a_premium_typed_as_text_that_is_not_a_number_is_refused_with_its_row(app, ui):
    ui.load_example(app, "01-eligible-two-sites.json")
    ui.section(app, "premiums")
    key = _editor_key(app, "f.premiums.ledger")
    app.session_state[key] = {"edited_rows": {0: {"premium": "12,5"}}, "added_rows": [], "deleted_rows": []}
    app.run()
    where = t("labels.row", "zh", n=1) + " · " + shape.field_of(Application, ("premiums", "ledger", 0, "premium")).label("zh")
    assert any(where in _plain(m) for m in ui.field_messages(app)), ui.field_messages(app)


def test_json_upload_loads_the_application(app, ui):
    name = "05-new-site-too-small.json"
    app.file_uploader(key="upload.application").upload(name, (EXAMPLES / name).read_bytes(), "application/json").run()
    assert not app.exception
    expected = load_application(EXAMPLES / name, today=__import__("datetime").date(2100, 1, 1))
    assert app.text_input(key="f.applicant.name").value == expected.applicant.name
    assert app.session_state["draft"]["proposed_site"]["planned_seats"] == expected.proposed_site.planned_seats
    assert any(t("app.intake.uploaded", "zh", file=name) == s.value for s in app.success)


@pytest.mark.parametrize(
    ("name", "content", "key"),
    [
        ("broken.json", b'{"applicant": {', "app.intake.upload_failed"),
        ("list.json", b"[1, 2]", "app.intake.upload_failed"),
        ("broken.xlsx", b"PK\x03\x04 not really a workbook", None),
        ("notes.txt", b"hello", "app.intake.upload_unsupported"),
    ],
)
def test_a_bad_upload_gets_a_message_and_keeps_what_was_typed(app, ui, name, content, key):
    app.text_input(key="f.applicant.name").input("已填写的公司").run()
    app.file_uploader(key="upload.application").upload(name, content, "application/octet-stream").run()
    assert not app.exception
    assert not ui.unexpected_errors(app)
    errors = [e.value for e in app.error]
    assert errors, "a bad upload must be answered with a message"
    if key:
        assert any(e.startswith(t(key, "zh", file=name).split("：")[0]) for e in errors), errors
    assert app.text_input(key="f.applicant.name").value == "已填写的公司"


def test_an_upload_over_the_limit_is_refused(app, ui):
    from assessor.ui.sources import MAX_UPLOAD_BYTES

    app.file_uploader(key="upload.application").upload("big.json", b" " * (MAX_UPLOAD_BYTES + 1), "application/json").run()
    assert any(e.value == t("app.intake.upload_too_large", "zh", file="big.json", limit=MAX_UPLOAD_BYTES // (1024 * 1024)) for e in app.error)


def test_excel_round_trip_through_the_uploader(app, ui):
    from assessor.intake.excel import application_to_workbook

    name = "04-small-second-site.json"
    original = load_application(EXAMPLES / name, today=__import__("datetime").date(2100, 1, 1))
    workbook = application_to_workbook(original, "zh")
    app.file_uploader(key="upload.application").upload("filled.xlsx", workbook, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").run()
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    assert app.text_input(key="f.applicant.name").value == original.applicant.name
    assert [s["seats"] for s in app.session_state["draft"]["existing_sites"]] == [s.seats for s in original.existing_sites]


def test_an_excel_workbook_with_a_bad_cell_names_sheet_row_and_column(app, ui):
    from io import BytesIO

    from openpyxl import load_workbook

    from assessor.intake.excel import application_to_workbook

    original = load_application(EXAMPLES / "01-eligible-two-sites.json", today=__import__("datetime").date(2100, 1, 1))
    book = load_workbook(BytesIO(application_to_workbook(original, "zh")))
    sheet = next(ws for ws in book.worksheets if "Existing sites" in ws.title)
    column = next(c.column for c in sheet[1] if "Seats" in str(c.value))
    last = sheet.max_row
    sheet.cell(row=last, column=column, value="很多")
    out = BytesIO()
    book.save(out)
    app.text_input(key="f.applicant.name").input("已填写的公司").run()
    app.file_uploader(key="upload.application").upload("bad.xlsx", out.getvalue(), "application/octet-stream").run()
    errors = " ".join(e.value for e in app.error).replace("\\", "")
    assert sheet.title in errors and str(last) in errors, errors
    assert app.text_input(key="f.applicant.name").value == "已填写的公司"


def test_download_json_is_what_was_typed(app, ui):
    ui.load_example(app, "01-eligible-two-sites.json")
    data = app.get("download_button")
    assert data  # the JSON, Excel and template buttons
    assert app.session_state["draft"]["applicant"]["name"] == json.loads((EXAMPLES / "01-eligible-two-sites.json").read_text(encoding="utf-8"))["applicant"]["name"]


def test_uploading_evidence_records_name_and_hash_and_keeps_content_only_when_asked(app, ui, data_dir):
    content = b"%PDF-1.4 management team letter"
    digest = hashlib.sha256(content).hexdigest()
    path = "unifications.staff.head_office_team"
    ui.section(app, "unifications")
    app.file_uploader(key=f"u.{path}").upload("派驻文件.pdf", content, "application/pdf").run()
    evidence = app.session_state["draft"]["unifications"]["staff"]["head_office_team"]["evidence"]
    assert evidence == [{"document": "派驻文件.pdf", "sha256": digest}]
    assert not (data_dir / "documents" / digest).exists()
    other = b"%PDF-1.4 systems architecture"
    app.checkbox(key="keep.unifications.systems.call_access").check().run()
    app.file_uploader(key="u.unifications.systems.call_access").upload("架构.pdf", other, "application/pdf").run()
    kept = data_dir / "documents" / hashlib.sha256(other).hexdigest()
    assert kept.read_bytes() == other
    # The evidence table shows the recorded document.
    key = _editor_key(app, "f.unifications.systems.call_access.evidence")
    table = next(e for e in app.data_editor if e.key == key).value
    assert list(table["document"]) == ["架构.pdf"]


def test_a_file_written_before_units_were_required_loads_and_says_what_is_missing(app, ui):
    # A file from before the reader became strict: no unit on the declared total, and a
    # complaint list attested with "yes". The page takes it, keeps it, and names each problem.
    import json

    doc = json.loads((EXAMPLES / "02-premium-short.json").read_text(encoding="utf-8"))
    del doc["premiums"]["declared_total"]["unit"]
    doc["complaints"]["attested_complete"] = "yes"
    app.file_uploader(key="upload.application").upload("old.json", json.dumps(doc, ensure_ascii=False).encode("utf-8"), "application/json").run()
    assert not app.exception and not ui.unexpected_errors(app)
    assert app.session_state["draft"]["premiums"]["declared_total"]["amount"] == doc["premiums"]["declared_total"]["amount"]
    messages = " ".join(ui.field_messages(app) + [e.value for e in app.error] + [w.value for w in app.warning])
    assert t("errors.input.missing", "zh") in messages, messages


def test_empty_text_cells_are_empty_not_none():
    from assessor.ui.fields import Col, frame, rows_of

    columns = [Col("document", "text", "文件"), Col("sha256", "text", "哈希"), Col("premium", "money", "保费")]
    df = frame([{"document": "a.pdf", "extra": 1}], columns)
    assert df.loc[0, "sha256"] == "" and df.loc[0, "premium"] == ""
    assert rows_of(df, columns) == [{"extra": 1, "document": "a.pdf", "sha256": None, "premium": None}]


def test_text_columns_of_an_empty_table_are_text_so_typed_cells_are_kept():
    import pyarrow as pa

    from assessor.ui.fields import Col, frame, rows_of

    columns = [Col("month", "text", "月份"), Col("premium", "money", "保费"), Col("seats", "int", "坐席")]
    df = frame([], columns)
    schema = pa.Schema.from_pandas(df)
    for name in ("month", "premium", "_hidden"):
        assert pa.types.is_string(schema.field(name).type) or pa.types.is_large_string(schema.field(name).type), schema
    df.loc[0] = ["2024-8", "2,300", None, "{}"]
    assert rows_of(df, columns) == [{"month": "2024-8", "premium": "2,300", "seats": None}]


def test_each_existing_sites_management_team_is_edited_on_its_own(app, ui):
    ui.load_example(app, "01-eligible-two-sites.json")
    ui.section(app, "sites")
    before = [list(site["management_team"]) for site in app.session_state["draft"]["existing_sites"]]
    app.selectbox(key="details.existing_sites.zh").set_value(1).run()
    key = _editor_key(app, "f.existing_sites[1].management_team")
    member = {"name": "刘洋", "role": "副经理", "employing_unit": "四川分公司"}
    app.session_state[key] = {"edited_rows": {}, "added_rows": [member], "deleted_rows": []}
    app.run()
    assert not app.exception
    sites = app.session_state["draft"]["existing_sites"]
    assert sites[1]["management_team"] == before[1] + [member]
    assert sites[0]["management_team"] == before[0]
    # An edit of the sites table afterwards keeps the team just typed.
    key = _editor_key(app, "f.existing_sites")
    app.session_state[key] = {"edited_rows": {1: {"seats": 660}}, "added_rows": [], "deleted_rows": []}
    app.run()
    sites = app.session_state["draft"]["existing_sites"]
    assert sites[1]["seats"] == 660 and sites[1]["management_team"] == before[1] + [member]
    # The member counts: the site's team is no longer all from head office.
    ui.goto(app, "assessment")
    ui.set_as_of(app, __import__("datetime").date(2026, 6, 30))
    assert f"[{t('status.not_met', 'zh')}]" in ui.finding_status_line(app, "4.4.staff")


def test_a_field_the_app_does_not_know_is_shown_and_can_be_removed(app, ui):
    doc = json.loads((EXAMPLES / "01-eligible-two-sites.json").read_text(encoding="utf-8"))
    doc["proposed_site"]["planed_seats"] = 600
    doc["existing_sites"][1]["floor"] = "3F"
    app.file_uploader(key="upload.application").upload("typo.json", json.dumps(doc, ensure_ascii=False).encode("utf-8"), "application/json").run()
    assert not app.exception
    extra = t("errors.input.extra_forbidden", "zh")
    shown = [e.value for e in app.text]
    assert f"{field_name('proposed_site.planed_seats', 'zh')}  =  600" in shown, shown
    assert f"{field_name('existing_sites[1].floor', 'zh')}  =  3F" in shown, shown
    assert field_name("proposed_site.planed_seats", "zh") == "拟设职场 · 「planed_seats」"
    summary = " ".join(e.value for e in app.error).replace("\\", "")
    assert f"拟设职场 · 「planed_seats」: {extra}" in summary and "proposed_site" not in summary, summary
    app.button(key="unknown.remove.proposed_site.planed_seats").click().run()
    app.button(key="unknown.remove.existing_sites[1].floor").click().run()
    assert not app.exception
    assert "planed_seats" not in app.session_state["draft"]["proposed_site"]
    assert "floor" not in app.session_state["draft"]["existing_sites"][1]
    assert not [e.value for e in app.text if "  =  " in e.value]
    assert any(s.value == t("app.intake.valid", "zh") for s in app.success)
    ui.goto(app, "assessment")
    ui.set_as_of(app, __import__("datetime").date(2026, 6, 30))
    assert t("verdict.eligible", "zh") in ui.banner(app)


def test_a_date_is_typed_applied_as_text_is_and_shown_in_one_form(app, ui):
    ui.load_example(app, "01-eligible-two-sites.json")
    ui.section(app, "premiums")
    since = app.session_state["draft"]["centralized_selling"]["since"]
    year, month, day = (int(x) for x in since.split("-"))
    field = app.text_input(key="f.centralized_selling.since@zh")
    assert field.value == f"{year}年{month}月{day}日"
    field.input("2021/3/5").run()  # a text input applies on Enter, as any typed text does
    assert app.session_state["draft"]["centralized_selling"]["since"] == "2021-03-05"
    app.text_input(key="f.centralized_selling.since@zh").input("2021年2月30日").run()
    # Kept as typed, and refused beside the field with the reason.
    assert app.session_state["draft"]["centralized_selling"]["since"] == "2021年2月30日"
    assert app.text_input(key="f.centralized_selling.since@zh").value == "2021年2月30日"
    assert any("2021年2月30日" in _plain(m) for m in ui.field_messages(app)), ui.field_messages(app)
    # In English the same date reads as ISO; an empty date is empty, never "None".
    app.button(key="btn.blank").click().run()
    ui.section(app, "proposed")
    assert app.text_input(key="f.proposed_site.planned_opening@zh").value == ""
    assert app.text_input(key="f.proposed_site.planned_opening@zh").placeholder == t("app.fields.date_placeholder", "zh")


def test_a_value_a_widget_cannot_show_is_kept_and_refused_beside_its_field_until_changed(app, ui):
    doc = json.loads((EXAMPLES / "01-eligible-two-sites.json").read_text(encoding="utf-8"))
    doc["complaints"]["attested_complete"] = "yes"
    doc["proposed_site"]["planned_seats"] = "820"
    doc["applicant"]["insurer_type"] = "mutual"
    app.file_uploader(key="upload.application").upload("loose.json", json.dumps(doc, ensure_ascii=False).encode("utf-8"), "application/json").run()
    for section, typed in (("applicant", "mutual"), ("proposed", "820"), ("records", "yes")):
        ui.section(app, section)  # drawing the section's widgets changes nothing
        messages = " ".join(_plain(m) for m in ui.field_messages(app))
        assert typed in messages, messages
    draft = app.session_state["draft"]
    assert draft["complaints"]["attested_complete"] == "yes"
    assert draft["proposed_site"]["planned_seats"] == "820"
    assert draft["applicant"]["insurer_type"] == "mutual"
    # Once the user sets the field, what they set is taken.
    app.checkbox(key="f.complaints.attested_complete").check().run()
    assert app.session_state["draft"]["complaints"]["attested_complete"] is True


def test_saved_times_are_shown_in_the_pages_one_date_form(app, ui):
    import re

    app.text_input(key="f.applicant.name").input("甲财产保险股份有限公司").run()
    app.run()
    (label,) = app.selectbox(key="drafts.pick.zh").options
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", label), label
    assert not re.search(r"\d{4}-\d{2}-\d{2}", label), label


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_section_draws_its_fields_with_their_labels_and_no_none(app, ui, lang):
    from assessor.core.model import ProposedSite

    if lang != "zh":
        app.radio(key="lang").set_value(lang).run()
    ui.load_example(app, "04-small-second-site.json")
    for section in ("applicant", "premiums", "sites", "proposed", "records", "unifications"):
        app.session_state[f"intake.section.{lang}"] = t(f"app.intake.tab.{section}", lang)
        app.run()
        assert not app.exception, (section, app.exception)
        shown = [w.value for w in app.text_input] + [w.value for w in app.text_area]
        assert "None" not in shown, (section, shown)
        if section == "proposed":
            labels = {w.label for w in app.text_input} | {w.label for w in app.number_input} | {w.label for w in app.text_area}
            for name in ("city", "planned_seats", "business_system", "products"):
                assert shape.field_of(ProposedSite, (name,)).shown(lang) in labels, (name, labels)
