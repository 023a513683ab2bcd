"""Shared pieces for the core tests: a compact, eligible application as a plain dict, and
helpers to change it, validate it (with a fixed "today") and assess it through the public API.

Plain functions (not fixtures), so hypothesis tests can call them too; conftest.py puts this
folder on sys.path under a name no other test folder uses.
"""

from __future__ import annotations

import copy
import tomllib
from datetime import date
from pathlib import Path

from assessor import assess, load_rulebook, parse_application
from assessor.core.model import credit_code_check_char

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
AS_OF = date(2026, 6, 30)


def _code(first17: str) -> str:
    return first17 + credit_code_check_char(first17)


def _att(doc: str = "说明.pdf") -> dict:
    return {"attested": True, "description": "与总公司统一", "evidence": [{"document": doc}]}


BASE = {
    "applicant": {
        "name": "测试财产保险股份有限公司",
        "credit_code": _code("91110000100017600"),
        "insurer_type": "property_casualty",
        "telemarketing_approved": True,
        "telemarketing_approval_ref": "保监产险〔2012〕1号",
        "application_type": "new_site",
    },
    "centralized_selling": {"since": "2024-01-15", "evidence": [{"document": "启动文件.pdf"}]},
    "premiums": {"declared_total": {"amount": "12", "unit": "亿元", "as_of": "2025-12-31", "evidence": [{"document": "审计报告.pdf"}]}},
    "existing_sites": [
        {
            "id": "A",
            "name": "北京电销中心",
            "city": "北京",
            "address": "北京市朝阳区1号",
            "approval_date": "2012-05-01",
            "seats": 800,
            "business_system": "全国集中电销系统",
            "inbound_numbers": ["95510"],
            "outbound_numbers": ["4008-095-510"],
            "management_team": [{"name": "李明", "role": "总经理", "employing_unit": "总公司电销运营管理部"}],
            "evidence": [{"document": "北京职场批复及坐席台账.pdf"}],
        },
    ],
    "proposed_site": {
        "city": "武汉",
        "address": "武汉市洪山区2号",
        "planned_seats": 600,
        "inbound_numbers": ["95510"],
        "outbound_numbers": ["4008-095-510"],
        "management_team": [{"name": "王强", "role": "总经理", "employing_unit": "总公司电销运营管理部"}],
        "business_system": "全国集中电销系统",
        "products": ["P1", "P2"],
        "evidence": [{"document": "武汉职场建设方案.pdf"}],
    },
    "company": {"head_office_unit": "总公司电销运营管理部", "business_system": "全国集中电销系统", "nationwide_numbers": ["95510", "4008095510"], "approved_products": [{"code": "P1"}, {"code": "P2"}, {"code": "P3"}]},
    "complaints": {"incidents": [], "attested_complete": True},
    "violations": {"records": [], "attested_complete": True},
    "unifications": {
        "staff": {"head_office_team": _att()},
        "systems": {k: _att() for k in ("call_access", "equipment", "data_storage", "process_control")},
        "numbers": {"nationwide_numbers": _att()},
        "products": {"approved_products_only": _att()},
        "operations": {
            k: _att()
            for k in (
                "process_and_customer_info",
                "underwriting_risk_control",
                "sales_service_scripts",
                "quality_monitoring",
                "accounting_finance",
                "recruitment_training",
            )
        },
    },
}


def site_facts(i: int = 0) -> dict:
    """What an existing site needs beyond its seats for the five unifications and the seat
    evidence: one system, the nationwide numbers, a head-office team, an approval document."""
    return {
        "business_system": "全国集中电销系统",
        "inbound_numbers": ["95510"],
        "outbound_numbers": ["4008-095-510"],
        "management_team": [{"name": f"经理{i}", "role": "总经理", "employing_unit": "总公司电销运营管理部"}],
        "evidence": [{"document": f"职场{i}批复及坐席台账.pdf"}],
    }


def base() -> dict:
    """A fresh copy of an application that is eligible on AS_OF."""
    return copy.deepcopy(BASE)


def validate(data: dict | str | bytes, today: date = AS_OF):
    return parse_application(data, today=today)


def run(data: dict, as_of: date = AS_OF, readings: dict | None = None, today: date | None = None):
    """Validate and assess with the default rulebook, on a fixed "today" (as_of unless given),
    so no test depends on the clock."""
    return assess(validate(data, today or as_of), load_rulebook(), as_of, readings, today=today or as_of)


def status(data: dict, criterion: str, as_of: date = AS_OF, readings: dict | None = None) -> str:
    return run(data, as_of, readings).finding(criterion).status.value


def load_expected() -> dict:
    return tomllib.loads((EXAMPLES / "expected.toml").read_text(encoding="utf-8"))

