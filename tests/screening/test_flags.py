"""Each red flag fires on a case crafted for it, names the other file, and stays silent on
the examples screened together."""

from __future__ import annotations

import copy
import json
import tomllib
from datetime import date

from assessor.screening import FLAG_CODES, Settings, collect_paths, screen

from .conftest import AS_OF, EXAMPLES, another_insurer, example, write


def run(folder, as_of=AS_OF):
    sources, refused = collect_paths(folder if isinstance(folder, list) else [folder])
    return screen(sources, Settings(as_of=as_of, today=date(2026, 11, 25)), refused)


def flags_by_file(screening):
    return {r.label.rsplit("/", 1)[-1]: sorted(f.code for f in r.flags) for r in screening.records}


def flag(screening, file, code):
    record = next(r for r in screening.records if r.label.endswith(file))
    return next(f for f in record.flags if f.code == code)


def test_a_clean_application_with_hashed_evidence_has_no_flag(tmp_path, base):
    write(tmp_path, "a.json", base)
    assert flags_by_file(run(tmp_path)) == {"a.json": []}


def test_declared_total_differs_from_ledger(tmp_path, base):
    app = copy.deepcopy(base)
    declared = app["premiums"]["declared_total"]
    declared["amount"] = str(int(float(declared["amount"])) + 1)
    write(tmp_path, "a.json", app)
    screening = run(tmp_path)
    assert flags_by_file(screening) == {"a.json": ["declared_total_mismatch"]}
    assert "differs" in flag(screening, "a.json", "declared_total_mismatch").text("en")


def test_ledger_months_before_selling_began(tmp_path, base):
    app = copy.deepcopy(base)
    since = date.fromisoformat(app["centralized_selling"]["since"])
    early = f"{since.year - 1}-{since.month:02d}"
    app["premiums"]["ledger"].append({"month": early, "product_code": "X-1", "telemarketing_exclusive": True, "premium": "1", "unit": "元"})
    write(tmp_path, "a.json", app)
    screening = run(tmp_path)
    assert "ledger_before_start" in flags_by_file(screening)["a.json"]
    assert "1" in flag(screening, "a.json", "ledger_before_start").text("en")


def test_ledger_months_after_as_of(tmp_path, base):
    app = copy.deepcopy(base)
    app["premiums"]["ledger"].append({"month": "2026-08", "product_code": "X-1", "telemarketing_exclusive": True, "premium": "1", "unit": "元"})
    write(tmp_path, "a.json", app)
    assert flags_by_file(run(tmp_path, as_of=date(2026, 6, 30)))["a.json"] == ["ledger_after_as_of"]
    # Assessed once that month has ended, the same row is in range.
    assert flags_by_file(run(tmp_path, as_of=date(2026, 8, 31)))["a.json"] == []


def test_same_existing_site_with_different_seats(tmp_path, base):
    second = copy.deepcopy(base)
    second["proposed_site"]["address"] = "北京市朝阳区另一条路1号"
    second["existing_sites"][0]["seats"] += 37
    write(tmp_path, "a.json", base)
    write(tmp_path, "b.json", second)
    screening = run(tmp_path)
    assert flags_by_file(screening) == {"a.json": ["site_seats_conflict"], "b.json": ["site_seats_conflict"]}
    assert flag(screening, "a.json", "site_seats_conflict").related[0].endswith("b.json")


def test_same_existing_address_of_another_insurer_with_different_seats(tmp_path, base):
    other = another_insurer(base, 11, "测试财产保险股份有限公司")
    other["existing_sites"][0]["address"] = " " + base["existing_sites"][0]["address"].replace("号", " 号") + " "
    other["existing_sites"][0]["seats"] = base["existing_sites"][0]["seats"] - 1
    write(tmp_path, "a.json", base)
    write(tmp_path, "b.json", other)
    assert flags_by_file(run(tmp_path)) == {"a.json": ["site_seats_conflict"], "b.json": ["site_seats_conflict"]}


def test_same_proposed_address_at_two_insurers(tmp_path, base):
    other = another_insurer(base, 12, "测试财产保险股份有限公司")
    # The same address written with full-width digits and spaces still matches.
    address = base["proposed_site"]["address"]
    other["proposed_site"]["address"] = " ".join(address.translate(str.maketrans("0123456789", "０１２３４５６７８９")))
    write(tmp_path, "a.json", base)
    write(tmp_path, "b.json", other)
    screening = run(tmp_path)
    assert flags_by_file(screening) == {"a.json": ["shared_proposed_address"], "b.json": ["shared_proposed_address"]}


def test_one_insurer_proposing_the_same_address_twice_is_not_flagged(tmp_path, base):
    second = copy.deepcopy(base)
    second["proposed_site"]["planned_seats"] += 1
    write(tmp_path, "a.json", base)
    write(tmp_path, "b.json", second)
    assert flags_by_file(run(tmp_path)) == {"a.json": [], "b.json": []}


def test_same_telephone_number_at_two_insurers(tmp_path, base):
    other = another_insurer(base, 13, "测试财产保险股份有限公司")
    phone = base["applicant"]["contact_phone"]  # 010-6688 1234
    digits = "".join(c for c in phone if c.isdigit())
    other["applicant"]["contact_phone"] = "+86 " + digits[1:3] + " " + digits[3:]
    write(tmp_path, "a.json", base)
    write(tmp_path, "b.json", other)
    screening = run(tmp_path)
    assert flags_by_file(screening) == {"a.json": ["shared_phone"], "b.json": ["shared_phone"]}
    assert phone in flag(screening, "a.json", "shared_phone").text("zh")


def test_one_manager_at_two_insurers(tmp_path, base):
    other = another_insurer(base, 14, "测试财产保险股份有限公司")
    other["proposed_site"]["management_team"][0]["name"] = base["proposed_site"]["management_team"][0]["name"]
    write(tmp_path, "a.json", base)
    write(tmp_path, "b.json", other)
    assert flags_by_file(run(tmp_path)) == {"a.json": ["shared_manager"], "b.json": ["shared_manager"]}


def test_duplicate_submission_in_different_formatting(tmp_path, base):
    write(tmp_path, "a.json", base)
    write(tmp_path, "sub/copy.json", json.dumps(base, ensure_ascii=True))
    screening = run(tmp_path)
    assert flags_by_file(screening) == {"a.json": ["duplicate_submission"], "copy.json": ["duplicate_submission"]}
    assert flag(screening, "a.json", "duplicate_submission").related[0].endswith("copy.json")


def test_evidence_without_hash(tmp_path, base):
    app = copy.deepcopy(base)
    del app["centralized_selling"]["evidence"][0]["sha256"]
    write(tmp_path, "a.json", app)
    screening = run(tmp_path)
    assert flags_by_file(screening) == {"a.json": ["evidence_without_hash"]}
    document = app["centralized_selling"]["evidence"][0]["document"]
    assert document in flag(screening, "a.json", "evidence_without_hash").text("en")


def test_every_flag_code_has_wording_in_both_languages():
    from assessor.i18n import has

    for code in FLAG_CODES:
        for lang in ("zh", "en"):
            assert has(f"screening.flag.{code}.chip", lang) and has(f"screening.flag.{code}.text", lang)


def _unhashed(node) -> bool:
    if isinstance(node, dict):
        return ("document" in node and not node.get("sha256")) or any(_unhashed(v) for v in node.values())
    if isinstance(node, list):
        return any(_unhashed(v) for v in node)
    return False


def test_examples_screened_together_raise_no_false_flag(tmp_path):
    """Each example at the latest as-of of them all: no cross-application flag fires; the
    only per-file flags are the facts the examples state on purpose."""
    raw = (EXAMPLES / "expected.toml").read_text(encoding="utf-8")
    expected = tomllib.loads(raw)
    latest = max(entry["as_of"] for entry in expected.values())
    files = sorted(EXAMPLES.glob("*.json"))
    screening = run(files, as_of=latest)
    assert len(screening.records) == len(files) == len(expected)
    for record in screening.records:
        name = record.label.rsplit("/", 1)[-1]
        codes = {f.code for f in record.flags}
        data = example(name)
        # A declared total that differs from the ledger is stated in expected.toml where intended.
        section = raw.split(f'["{name}"]', 1)[-1].split('\n["', 1)[0]
        declared_differs = "differs from the ledger" in section
        want = set()
        if _unhashed(data):
            want.add("evidence_without_hash")
        if declared_differs and data.get("premiums", {}).get("ledger") and data["premiums"].get("declared_total"):
            want.add("declared_total_mismatch")
        assert codes == want, name
