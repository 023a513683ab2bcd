"""四(四), the five unifications: attested sub-items with evidence, and sets within approved sets."""

from __future__ import annotations

import pytest
from core_support import base, run, status

from assessor import Status, Verdict

GROUPS = {
    "4.4.staff": ("staff", ["head_office_team"]),
    "4.4.systems": ("systems", ["call_access", "equipment", "data_storage", "process_control"]),
    "4.4.numbers": ("numbers", ["nationwide_numbers"]),
    "4.4.products": ("products", ["approved_products_only"]),
    "4.4.operations": (
        "operations",
        ["process_and_customer_info", "underwriting_risk_control", "sales_service_scripts", "quality_monitoring", "accounting_finance", "recruitment_training"],
    ),
}
SUB_ITEMS = [(criterion, group, item) for criterion, (group, items) in GROUPS.items() for item in items]


@pytest.mark.parametrize(("criterion", "group", "item"), SUB_ITEMS)
@pytest.mark.parametrize(
    ("attestation", "expected"),
    [
        ({"attested": False, "description": "未落实", "evidence": [{"document": "x.pdf"}]}, "not_met"),
        ({"attested": False, "description": "未落实", "evidence": []}, "not_met"),
        ({"attested": None, "description": "", "evidence": []}, "insufficient_evidence"),
        ({"attested": None, "description": "", "evidence": [{"document": "x.pdf"}]}, "insufficient_evidence"),
        ({"attested": True, "description": "已落实", "evidence": []}, "insufficient_evidence"),  # a claim with no evidence
        ({"attested": True, "description": "已落实", "evidence": [{"document": "x.pdf", "sha256": "a" * 64}]}, "met"),
    ],
)
def test_each_sub_item_decides_its_unification(criterion, group, item, attestation, expected):
    app = base()
    app["unifications"][group][item] = attestation
    a = run(app)
    assert a.finding(criterion).status.value == expected
    part = next(p for p in a.finding(criterion).parts if p.key == f"{group}.{item}")
    assert part.status.value == expected
    others = [f for f in a.findings if f.criterion != criterion]
    assert all(f.status is Status.MET for f in others)
    assert a.verdict.value == {"met": "eligible", "not_met": "not_eligible", "insufficient_evidence": "incomplete"}[expected]


@pytest.mark.parametrize(("criterion", "group", "item"), SUB_ITEMS)
def test_omitted_sub_item_is_unanswered(criterion, group, item):
    app = base()
    del app["unifications"][group][item]
    assert status(app, criterion) == "insufficient_evidence"


def test_not_met_outweighs_unanswered_within_one_unification():
    app = base()
    app["unifications"]["systems"]["equipment"] = {"attested": False}
    app["unifications"]["systems"]["data_storage"] = {"attested": None}
    finding = run(app).finding("4.4.systems")
    assert finding.status is Status.NOT_MET
    assert finding.gap.amount.value == 2
    assert "systems.data_storage" in finding.missing_evidence


def test_staff_needs_a_management_team():
    app = base()
    app["proposed_site"]["management_team"] = []
    finding = run(app).finding("4.4.staff")
    assert finding.status is Status.INSUFFICIENT_EVIDENCE
    assert any(m.startswith("proposed_site.management_team") for m in finding.missing_evidence)


def test_systems_needs_a_business_system():
    app = base()
    del app["proposed_site"]["business_system"]
    assert status(app, "4.4.systems") == "insufficient_evidence"


def test_evidence_is_carried_to_the_finding():
    app = base()
    app["unifications"]["staff"]["head_office_team"]["evidence"] = [{"document": "派驻文件.pdf", "sha256": "b" * 64}]
    finding = run(app).finding("4.4.staff")
    assert [(e.document, e.sha256) for e in finding.evidence] == [("派驻文件.pdf", "b" * 64)]


# ---------------------------------------------------------------- numbers and products: sets


@pytest.mark.parametrize("field", ["inbound_numbers", "outbound_numbers"])
def test_number_outside_the_nationwide_list_is_not_met(field):
    app = base()
    app["proposed_site"][field].append("027-8765 4321")
    finding = run(app).finding("4.4.numbers")
    assert finding.status is Status.NOT_MET
    assert "027-8765 4321" in finding.explanation.text("en")


def test_numbers_compare_without_separators():
    app = base()
    app["company"]["nationwide_numbers"] = ["95510", "4008 095 510"]
    app["proposed_site"]["outbound_numbers"] = ["4008-095-510", "4008095510"]
    assert status(app, "4.4.numbers") == "met"


def test_no_nationwide_numbers_is_insufficient():
    app = base()
    app["company"]["nationwide_numbers"] = []
    assert status(app, "4.4.numbers") == "insufficient_evidence"


def test_no_numbers_for_the_new_site_is_insufficient():
    app = base()
    app["proposed_site"]["inbound_numbers"] = []
    app["proposed_site"]["outbound_numbers"] = []
    assert status(app, "4.4.numbers") == "insufficient_evidence"


def test_product_outside_the_approved_set_is_not_met():
    app = base()
    app["proposed_site"]["products"] = ["P1", "P9"]
    a = run(app)
    finding = a.finding("4.4.products")
    assert finding.status is Status.NOT_MET
    assert "P9" in finding.explanation.text("zh")
    assert a.verdict is Verdict.NOT_ELIGIBLE


def test_product_subset_of_approved_set_is_met():
    app = base()
    app["proposed_site"]["products"] = ["P3"]
    assert status(app, "4.4.products") == "met"


def test_no_approved_products_is_insufficient():
    app = base()
    app["company"]["approved_products"] = []
    assert status(app, "4.4.products") == "insufficient_evidence"


def test_listed_numbers_inside_but_attestation_false_is_not_met():
    app = base()
    app["unifications"]["numbers"]["nationwide_numbers"]["attested"] = False
    assert status(app, "4.4.numbers") == "not_met"
