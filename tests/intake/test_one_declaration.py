"""One declaration of the application's shape: a field declared in the model, with its label,
appears in the blank draft, in the Excel template and on the intake page, with no other change.

The model used here is the real one with two more fields (a site's floor area in a table row, a
fire-inspection reference among the proposed site's single values), stood in as the shape every
face reads (`shape.ROOT`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from intake_support import open_workbook
from pydantic import Field, create_model
from streamlit.testing.v1 import AppTest

from assessor.core.model import Application, ExistingSite, ProposedSite, Seats, ShortText, label
from assessor.i18n import t
from assessor.intake import shape
from assessor.intake.excel import template_workbook

APP = Path(__file__).resolve().parents[2] / "app.py"
AREA = ("职场面积", "Floor area")
PERMIT = ("消防验收文号", "Fire inspection reference")


def _grown() -> type:
    site = create_model(
        "ExistingSite",
        __base__=ExistingSite,
        floor_area=(Seats | None, Field(None, json_schema_extra=label(*AREA, unit=("平方米", "m²")))),
    )
    proposed = create_model("ProposedSite", __base__=ProposedSite, fire_permit=(ShortText | None, Field(None, json_schema_extra=label(*PERMIT))))
    extra = {name: info.json_schema_extra for name, info in Application.model_fields.items()}
    return create_model(
        "Application",
        __base__=Application,
        existing_sites=(list[site], Field([], json_schema_extra=extra["existing_sites"])),
        proposed_site=(proposed, Field(json_schema_extra=extra["proposed_site"])),
    )


@pytest.fixture
def grown(monkeypatch):
    monkeypatch.setattr(shape, "ROOT", _grown())


def test_a_new_field_has_its_place_in_the_blank_draft(grown):
    from assessor.ui.draft import blank_draft

    draft = blank_draft()
    assert "fire_permit" in draft["proposed_site"] and draft["proposed_site"]["fire_permit"] is None
    node = shape.field_of(shape.root(), ("existing_sites", 0, "floor_area"))
    assert node.kind == "int" and node.shown("zh") == "职场面积（平方米）"


def test_a_new_field_is_a_column_or_a_row_of_the_excel_template_with_its_label_and_check(grown):
    book = open_workbook(template_workbook("zh"))
    sites = book["现有职场 Existing sites"]
    headers = [c.value for c in sites[1]]
    assert "职场面积 / Floor area" in headers
    column = sites.cell(1, headers.index("职场面积 / Floor area") + 1).column_letter
    assert any(dv.type == "whole" and f"{column}3" in dv.sqref for dv in sites.data_validations.dataValidation)
    assert "平方米" in sites[f"{column}2"].value  # the hint row says its unit
    assert "消防验收文号 / Fire inspection reference" in [row[0].value for row in book["拟设职场 Proposed site"].iter_rows()]


def test_the_real_template_has_neither_field():
    book = open_workbook(template_workbook("zh"))
    assert "职场面积 / Floor area" not in [c.value for c in book["现有职场 Existing sites"][1]]


def test_a_new_field_is_a_column_of_the_intake_pages_table_and_an_input(grown, tmp_path, monkeypatch):
    monkeypatch.setenv("ASSESSOR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ASSESSOR_DATABASE_URL", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.session_state["intake.section.zh"] = t("app.intake.tab.sites", "zh")
    at.run()
    assert not at.exception, at.exception
    (editor,) = [e for e in at.data_editor if e.key and e.key.startswith("f.existing_sites#")]
    assert "floor_area" in editor.value.columns
    at.session_state["intake.section.zh"] = t("app.intake.tab.proposed", "zh")
    at.run()
    assert at.text_input(key="f.proposed_site.fire_permit").label == PERMIT[0]


def test_every_label_on_a_sheet_names_one_field_so_cells_are_found_again():
    from assessor.intake import excel

    for sheet in excel.sheets():
        blocks = [f for part in sheet.parts if isinstance(part, excel.KeyValue) for f in part.fields if f.kind != "sha"]
        for part in [p for p in sheet.parts if isinstance(p, excel.Table)] + [excel.KeyValue((), tuple(blocks))]:
            fields = [f for f in part.fields if f.kind != "sha"]
            for i, field in enumerate(fields):
                for other in fields[i + 1 :]:
                    assert not excel._names(field) & excel._names(other), (sheet.name(), field.key, other.key)
