"""Every field of the application is named by its label, in both languages, never by its path."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel

from assessor.core.model import Application, ExistingSite, ProposedSite, field_label
from assessor.ui.labels import _inner, field_help, field_name, missing_name, names_in, split_path

PATHLIKE = re.compile(r"[a-z_]+\.[a-z_]+")


def _every_path(model: type[BaseModel], prefix: str = "") -> list[str]:
    paths = []
    for name, info in model.model_fields.items():
        inner, is_list = _inner(info.annotation)
        path = f"{prefix}{name}"
        paths.append(path)
        if inner is not None:
            paths.extend(_every_path(inner, f"{path}[0]." if is_list else f"{path}."))
    return paths


ALL_PATHS = _every_path(Application)


def test_the_walk_reaches_the_deep_fields() -> None:
    assert "unifications.operations.quality_monitoring.evidence[0].sha256" in ALL_PATHS
    assert "existing_sites[0].management_team[0].employing_unit" in ALL_PATHS
    assert len(ALL_PATHS) > 120


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_field_of_the_model_has_a_name_in_both_languages(lang: str) -> None:
    unnamed = [p for p in ALL_PATHS if "「" in field_name(p, lang) or "“" in field_name(p, lang) or PATHLIKE.search(field_name(p, lang))]
    assert unnamed == []
    if lang == "zh":
        assert [p for p in ALL_PATHS if re.search(r"[A-Za-z]{3,}", field_name(p, lang).replace("SHA-256", ""))] == []


def test_declared_labels_win_and_rows_count_from_one() -> None:
    assert field_name("proposed_site.planned_seats", "zh") == f"拟设职场 · {field_label(ProposedSite, 'planned_seats', 'zh')}"
    assert field_name("existing_sites[2].business_system", "zh") == f"现有职场 第3行 · {field_label(ExistingSite, 'business_system', 'zh')}"
    assert field_name("existing_sites[2].business_system", "en") == "Existing sites row 3 · Business system"
    assert field_name("centralized_selling", "zh") == "集中销售"
    assert field_name("unifications.operations.quality_monitoring", "zh") == "五个统一 · 运营统一 · 业务质量监控"


@pytest.mark.parametrize("form", ["existing_sites[2].seats", "existing_sites.2.seats", "/existing_sites/2/seats", ("existing_sites", 2, "seats")])
def test_every_form_of_a_path_names_the_same_field(form) -> None:
    assert split_path(form) == ["existing_sites", 2, "seats"]
    assert field_name(form, "zh") == "现有职场 第3行 · 坐席数"


def test_an_unknown_key_is_shown_as_written_not_dropped() -> None:
    assert field_name("proposed_site.planed_seats", "zh") == "拟设职场 · 「planed_seats」"
    assert field_name("proposed_site.planed_seats.x", "en") == "Proposed site · “planed_seats” · “x”"


def test_missing_evidence_and_messages_read_as_names() -> None:
    assert missing_name("operations.quality_monitoring", "zh") == "业务质量监控"
    assert missing_name("proposed_site.evidence", "en") == "Proposed site · Site plan"
    text = names_in("缺少：proposed_site.evidence；existing_sites[1].seats 有误，见 file.json 1.5", "zh")
    assert text == "缺少：拟设职场 · 职场建设方案；现有职场 第2行 · 坐席数 有误，见 file.json 1.5"
    assert field_help("existing_sites[1].business_system", "zh") == "该职场使用的电销业务系统名称"
    assert field_help("proposed_site.city", "zh") is None
