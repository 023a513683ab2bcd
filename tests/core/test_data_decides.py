"""The application's own data decides: an attestation can support a fact, never outweigh what
the data says; a figure the notice turns on needs evidence; violations are dated by their
conduct; a relocation, a projection and an out-of-scope applicant each read as what they are.
One test per legal point, each through the public API on the eligible base of core_support."""

from __future__ import annotations

from datetime import date

import pytest
from core_support import AS_OF, base, run, site_facts, status

from assessor.core.results import Status, Verdict
from assessor.core.rulebook import load_rulebook
from assessor.intake import ApplicationError, parse_application


def two_sites() -> dict:
    app = base()
    app["existing_sites"].append({"id": "B", "name": "成都电销中心", "city": "成都", "address": "成都市1号", "seats": 600, **site_facts(1)})
    return app


def failing_labels(finding) -> list[str]:
    return [part.label["zh"] for part in finding.parts if part.status is Status.NOT_MET]


# ---------------------------------------------------------------- 人员统一: every site's team


def test_a_proposed_manager_employed_by_a_branch_fails_staff_though_the_box_is_ticked():
    app = base()
    app["proposed_site"]["management_team"].append({"name": "赵敏", "role": "质检主管", "employing_unit": "湖北分公司"})
    assert app["unifications"]["staff"]["head_office_team"]["attested"] is True
    finding = run(app).finding("4.4.staff")
    assert finding.status is Status.NOT_MET
    assert failing_labels(finding) == ["拟设职场（武汉）：赵敏：湖北分公司"]  # which site, which member, which unit
    assert "赵敏" in finding.explanation.text("zh") and "赵敏" in finding.explanation.text("en")


def test_an_existing_sites_manager_employed_elsewhere_fails_staff_too():
    # 各职场: the rule speaks of every site, not only the new one
    app = two_sites()
    app["existing_sites"][1]["management_team"] = [{"name": "钱进", "role": "总经理", "employing_unit": "四川分公司"}]
    finding = run(app).finding("4.4.staff")
    assert finding.status is Status.NOT_MET
    assert failing_labels(finding) == ["成都电销中心（成都）：钱进：四川分公司"]


def test_a_site_with_no_management_team_listed_is_missing_data_not_met():
    app = two_sites()
    app["existing_sites"][1]["management_team"] = []
    finding = run(app).finding("4.4.staff")
    assert finding.status is Status.INSUFFICIENT_EVIDENCE
    assert "existing_sites.management_team.employing_unit" in finding.missing_evidence
    assert any("成都电销中心" in part.label["zh"] for part in finding.parts if part.status is Status.INSUFFICIENT_EVIDENCE)


def test_the_head_office_unit_compares_without_spaces_and_case():
    app = base()
    app["company"]["head_office_unit"] = " 总公司电销运营管理部 "
    assert status(app, "4.4.staff") == "met"


# ---------------------------------------------------------------- 系统统一: one nationwide system


def test_an_existing_site_on_another_business_system_fails_systems():
    app = two_sites()
    app["existing_sites"][1]["business_system"] = "成都本地呼叫系统"
    finding = run(app).finding("4.4.systems")
    assert finding.status is Status.NOT_MET
    assert failing_labels(finding) == ["成都电销中心（成都）：成都本地呼叫系统"]


def test_the_new_site_on_another_system_fails_systems_though_all_four_items_are_attested():
    app = base()
    app["proposed_site"]["business_system"] = "武汉自建系统"
    assert status(app, "4.4.systems") == "not_met"


def test_an_existing_site_with_no_system_stated_is_insufficient():
    app = base()
    del app["existing_sites"][0]["business_system"]
    assert status(app, "4.4.systems") == "insufficient_evidence"


# ---------------------------------------------------------------- 号码统一: every site's numbers


def test_an_existing_sites_local_number_fails_numbers():
    app = two_sites()
    app["existing_sites"][1]["outbound_numbers"] = ["028-8123 4567"]
    finding = run(app).finding("4.4.numbers")
    assert finding.status is Status.NOT_MET
    assert failing_labels(finding) == ["成都电销中心（成都）：028-8123 4567"]


# ---------------------------------------------------------------- seats need evidence


@pytest.mark.parametrize("criterion, where", [("4.2.original_seats", "existing_sites"), ("4.2.new_seats", "proposed_site")])
def test_seats_without_evidence_are_insufficient_and_with_it_met(criterion, where):
    app = base()
    site = app["existing_sites"][0] if where == "existing_sites" else app["proposed_site"]
    site["evidence"] = []
    finding = run(app).finding(criterion)
    assert finding.status is Status.INSUFFICIENT_EVIDENCE
    assert finding.missing_evidence == (f"{where}.evidence",)
    site["evidence"] = [{"document": "坐席台账.pdf"}]
    assert status(app, criterion) == "met"


def test_too_few_seats_fail_whether_or_not_they_have_evidence():
    app = base()
    app["existing_sites"][0]["seats"] = 499
    app["existing_sites"][0]["evidence"] = []
    assert status(app, "4.2.original_seats") == "not_met"


def test_exactly_500_seats_with_evidence_pass():
    app = base()
    app["existing_sites"][0]["seats"] = 500
    app["proposed_site"]["planned_seats"] = 500
    assert status(app, "4.2.original_seats") == status(app, "4.2.new_seats") == "met"


# ---------------------------------------------------------------- violations: conduct and decision


def violation(conduct: str, decided: str | None = None) -> dict:
    record = {"conduct_date": conduct, "authority": "某监管局", "kind": "行政处罚", "summary": "欺骗投保人"}
    if decided:
        record["decision_date"] = decided
    return record


@pytest.mark.parametrize(
    "conduct, decided, by_conduct, by_decision",
    [
        ("2025-12-01", "2026-03-01", "not_met", "not_met"),  # both inside the year to 2026-06-30
        ("2025-03-01", "2025-09-01", "met", "not_met"),  # conduct before the window, decided inside: it counts only by decision
        ("2025-06-30", "2025-06-30", "not_met", "not_met"),  # exactly one year before: inside
        ("2025-06-29", "2025-06-29", "met", "met"),  # a day more: outside
        ("2026-05-01", None, "not_met", "not_met"),  # under investigation, conduct inside: counts
        ("2024-01-01", None, "met", "not_met"),  # under investigation, conduct long ago: only the decision reading still counts it (no decision yet)
    ],
)
def test_a_violation_is_dated_by_its_conduct_unless_the_decision_reading_is_chosen(conduct, decided, by_conduct, by_decision):
    app = base()
    app["violations"]["records"] = [violation(conduct, decided)]
    assert status(app, "4.3.violations") == by_conduct
    assert status(app, "4.3.violations", readings={"violations_dated_by": "decision"}) == by_decision


def test_an_undecided_violation_never_leaves_the_window_by_waiting():
    app = base()
    app["violations"]["records"] = [violation("2026-05-01")]
    finding = run(app).finding("4.3.violations")
    assert finding.gap.closes_on == date(2027, 5, 2)  # dated by conduct, it leaves a year on
    finding = run(app, readings={"violations_dated_by": "decision"}).finding("4.3.violations")
    assert finding.status is Status.NOT_MET and finding.gap.closes_on is None


def test_a_decision_before_its_conduct_is_refused_by_field():
    app = base()
    app["violations"]["records"] = [violation("2026-03-01", "2026-01-01")]
    with pytest.raises(ApplicationError) as info:
        parse_application(app, today=AS_OF)
    assert "violations.records[0].decision_date" in info.value.lines("en")[0]


# ---------------------------------------------------------------- what a verdict says


def test_a_relocation_reads_no_obstacle_never_eligible_and_names_the_site_that_moves():
    app = base()
    app["applicant"]["application_type"] = "relocation"
    app["applicant"]["relocating_site"] = "A"
    assessment = run(app)
    assert assessment.verdict is Verdict.NO_OBSTACLE
    from assessor.i18n import t

    for lang in ("zh", "en"):
        text = t(f"verdict.{assessment.verdict.value}", lang)
        assert "增设" not in text and "open the new site" not in text.lower()


@pytest.mark.parametrize("site, key", [(None, "relocating_site_missing"), ("Z", "relocating_site_unknown")])
def test_a_relocation_must_name_an_existing_site(site, key):
    app = base()
    app["applicant"]["application_type"] = "relocation"
    if site:
        app["applicant"]["relocating_site"] = site
    with pytest.raises(ApplicationError) as info:
        parse_application(app, today=AS_OF)
    assert [p.key for p in info.value.problems] == [key]


def test_an_assessment_date_after_today_is_a_projection():
    later = date(2026, 9, 30)
    projected = run(base(), as_of=later, today=AS_OF)
    assert projected.projected and projected.to_json()["projected"] is True
    assert any(note.key == "engine.projected" for note in projected.notes)
    assert not run(base(), as_of=AS_OF, today=AS_OF).projected


def test_an_out_of_scope_applicants_findings_cannot_be_read_as_met():
    app = base()
    app["applicant"]["insurer_type"] = "life"
    assessment = run(app)
    assert assessment.verdict is Verdict.OUT_OF_SCOPE
    assert {f.status for f in assessment.findings} == {Status.NOT_APPLICABLE}
    # what each would have come to is kept, for information only
    assert {f.for_information for f in assessment.findings} == {Status.MET}


# ---------------------------------------------------------------- the conventions cite the law as it is


def test_the_conventions_say_which_readings_are_ours():
    conventions = load_rulebook().conventions
    inclusive = conventions["inclusive_bounds"].zh
    assert "不少于」不在该条所列之中" in inclusive and "本评估的理解" in inclusive
    assert "到期月的对应日" in conventions["year_counting"].zh
    assert "到期年" not in conventions["year_counting"].zh
