"""Crafted applications for the forecast tests: an eligible base with a monthly ledger in 元,
and helpers to change it and validate it with a fixed, far "today".

Plain functions rather than fixtures, so hypothesis tests can call them too.
"""

from __future__ import annotations

import copy
import tomllib
from datetime import date
from pathlib import Path

from assessor.intake import parse_application
from assessor.core.model import Application, credit_code_check_char

ROOT = Path(__file__).resolve().parents[2]
WORKSHOP = ROOT / "examples" / "workshop"
EXAMPLES = ROOT / "examples"
TODAY = date(2030, 12, 31)
YI = 100_000_000


def _att() -> dict:
    return {"attested": True, "description": "与总公司统一", "evidence": [{"document": "说明.pdf"}]}


def month_list(first: str, n: int) -> list[str]:
    year, month = map(int, first.split("-"))
    out = []
    for _ in range(n):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def ledger(first: str, amounts: list[int]) -> list[dict]:
    """One telemarketing-exclusive row per month, amounts in 元."""
    return [
        {"month": m, "product_code": "P1", "telemarketing_exclusive": True, "premium": str(a), "unit": "元"}
        for m, a in zip(month_list(first, len(amounts)), amounts, strict=True)
    ]


BASE = {
    "applicant": {
        "name": "预测测试财产保险股份有限公司",
        "credit_code": "91110000100017600" + credit_code_check_char("91110000100017600"),
        "insurer_type": "property_casualty",
        "telemarketing_approved": True,
        "telemarketing_approval_ref": "保监产险〔2012〕1号",
        "application_type": "new_site",
    },
    "centralized_selling": {"since": "2025-01-01", "evidence": [{"document": "启动文件.pdf"}]},
    "premiums": {"ledger": ledger("2025-01", [50_000_000] * 10)},
    "existing_sites": [
        {"id": "A", "name": "北京电销中心", "city": "北京", "address": "北京市朝阳区1号", "approval_date": "2012-05-01", "seats": 800, "business_system": "全国集中电销系统", "inbound_numbers": ["95510"], "outbound_numbers": ["4008-095-510"], "management_team": [{"name": "李明", "role": "总经理", "employing_unit": "总公司电销运营管理部"}], "evidence": [{"document": "批复及坐席台账.pdf"}]},
        {"id": "B", "name": "成都电销中心", "city": "成都", "address": "成都市高新区2号", "approval_date": "2018-05-01", "seats": 600, "business_system": "全国集中电销系统", "inbound_numbers": ["95510"], "outbound_numbers": ["4008-095-510"], "management_team": [{"name": "李明", "role": "总经理", "employing_unit": "总公司电销运营管理部"}], "evidence": [{"document": "批复及坐席台账.pdf"}]},
    ],
    "proposed_site": {
        "city": "武汉",
        "address": "武汉市洪山区2号",
        "planned_seats": 600,
        "planned_opening": "2026-09-01",
        "inbound_numbers": ["95510"],
        "outbound_numbers": ["4008-095-510"],
        "management_team": [{"name": "王强", "role": "总经理", "employing_unit": "总公司电销运营管理部"}],
        "business_system": "全国集中电销系统",
        "products": ["P1", "P2"],
        "evidence": [{"document": "武汉职场建设方案.pdf"}],
    },
    "company": {"head_office_unit": "总公司电销运营管理部", "business_system": "全国集中电销系统", "nationwide_numbers": ["95510", "4008-095-510"], "approved_products": [{"code": "P1"}, {"code": "P2"}]},
    "complaints": {"incidents": [], "attested_complete": True},
    "violations": {"records": [], "attested_complete": True},
    "unifications": {
        "staff": {"head_office_team": _att()},
        "systems": {k: _att() for k in ("call_access", "equipment", "data_storage", "process_control")},
        "numbers": {"nationwide_numbers": _att()},
        "products": {"approved_products_only": _att()},
        "operations": {
            k: _att()
            for k in ("process_and_customer_info", "underwriting_risk_control", "sales_service_scripts", "quality_monitoring", "accounting_finance", "recruitment_training")
        },
    },
}


def data(**top) -> dict:
    out = copy.deepcopy(BASE)
    out.update(copy.deepcopy(top))
    return out


def build(raw: dict) -> Application:
    return parse_application(raw, today=TODAY)


def app(**top) -> Application:
    return build(data(**top))


def complaint(day: str, serious: bool = True, social: bool = False) -> dict:
    return {"date": day, "summary": "投诉", "seriously_harmed_consumers": serious, "major_social_impact": social}


def violation(day: str) -> dict:
    return {"conduct_date": day, "authority": "某监管局", "kind": "行政处罚", "summary": "违规"}


def workshop_index() -> list[dict]:
    return tomllib.loads((WORKSHOP / "index.toml").read_text(encoding="utf-8"))["insurers"]


def example_cases() -> list[tuple[str, date]]:
    expected = tomllib.loads((EXAMPLES / "expected.toml").read_text(encoding="utf-8"))
    return [(name, entry["as_of"]) for name, entry in expected.items()]
