"""Fixtures for screening: applications crafted from the examples, written to real files."""

from __future__ import annotations

import copy
import json
import random
from datetime import date
from pathlib import Path

import pytest

from assessor.core.model import credit_code_check_char

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
AS_OF = date(2026, 6, 30)


def example(name: str = "01-eligible-two-sites.json") -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def credit_code(seed: int) -> str:
    rng = random.Random(seed)
    head = "91" + "".join(rng.choice("0123456789") for _ in range(15))
    return head + credit_code_check_char(head)


def another_insurer(app: dict, seed: int, name: str) -> dict:
    """The same application told by a different insurer: new name, credit code, sites and numbers."""
    other = copy.deepcopy(app)
    other["applicant"]["name"] = name
    other["applicant"]["credit_code"] = credit_code(seed)
    other["applicant"]["contact_phone"] = f"021-{5000_0000 + seed}"
    for i, site in enumerate(other["existing_sites"]):
        site["address"] = f"测试市第{seed}大街{i + 1}号"
    proposed = other["proposed_site"]
    proposed["address"] = f"测试市新区第{seed}路8号"
    numbers = [f"9{5600 + seed}", f"400-{seed:03d}-0000"]
    proposed["inbound_numbers"], proposed["outbound_numbers"] = numbers[:1], numbers[1:]
    other["company"]["nationwide_numbers"] = numbers
    for member in proposed["management_team"]:
        member["name"] = f"{member['name']}{seed}"
    return other


def write(folder: Path, name: str, data: dict | bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, dict):
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    elif isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def with_hashes(app: dict) -> dict:
    """Every evidence document pinned by a SHA-256, as a careful applicant sends it."""
    app = copy.deepcopy(app)

    def walk(node):
        if isinstance(node, dict):
            if "document" in node and "sha256" not in node:
                node["sha256"] = "ab" * 32
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(app)
    return app


@pytest.fixture
def base() -> dict:
    return with_hashes(example())


def tamper(pdf: bytes, change) -> bytes:
    """A dossier whose embedded application was edited after it was made: the same pages and
    the same stated assessment, with `change(application_dict)` applied to the data."""
    import io

    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(pdf))
    files = {name: contents[0] for name, contents in reader.attachments.items()}
    data = json.loads(files["application.json"])
    change(data)
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.add_attachment("application.json", json.dumps(data, ensure_ascii=False).encode("utf-8"))
    writer.add_attachment("assessment.json", files["assessment.json"])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="session")
def dossier_pdf() -> bytes:
    """One real dossier of example 01 (hashed evidence), made once: building takes seconds."""
    from assessor.dossier import build_dossier
    from assessor.intake import parse_application

    application = parse_application(with_hashes(example()), today=AS_OF)
    return build_dossier(application, as_of=AS_OF, lang="en")
