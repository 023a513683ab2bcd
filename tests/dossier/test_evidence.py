"""The applicant's evidence files bound to the dossier: found by name inside the folder given
(never outside it), embedded as PDF/A-3 associated files with their SHA-256, size and pages,
listed by title in 附件说明, the missing ones listed as 未附 in the internal annex; a file whose
SHA-256 differs from the application's is refused, naming it."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys

import pytest
from dossier_support import EXAMPLES, EXPECTED, GENERATED_AT, ROOT, pdftotext, plain_pdf, squash
from pypdf import PdfReader

from assessor.dossier import DossierError, build_dossier, verify_dossier
from assessor.dossier.evidence import read_folder
from assessor.intake import parse_application

START = "电销专用产品集中销售启动文件.pdf"
AUDIT = "2025年度电销保费专项审计报告.pdf"
LEASE = "武汉职场建设方案及租赁合同.pdf"
AUDIT_TEXT = "审计报告正文（试验用）".encode("utf-8")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("evidence")
    (root / START).write_bytes(plain_pdf())
    (root / AUDIT).write_bytes(AUDIT_TEXT)
    outside = tmp_path_factory.mktemp("outside") / LEASE
    outside.write_bytes(b"outside the folder")
    (root / LEASE).symlink_to(outside)  # a link that leads out of the folder is not followed
    return root


def _application(change=None):
    data = json.loads((EXAMPLES / "01-eligible-two-sites.json").read_text(encoding="utf-8"))
    if change:
        change(data)
    as_of = EXPECTED["01-eligible-two-sites.json"]["as_of"]
    return parse_application(data, today=as_of), as_of


@pytest.fixture(scope="module")
def bound(folder):
    app, as_of = _application()
    files = read_folder(folder, [START, AUDIT, LEASE, "../" + AUDIT])
    assert set(files) == {START, AUDIT}
    return build_dossier(app, as_of=as_of, generated_at=GENERATED_AT, evidence=files)


def test_files_are_embedded_as_associated_files(bound):
    reader = PdfReader(io.BytesIO(bound))
    specs = {str(f.get_object()["/F"]): f.get_object() for f in reader.trailer["/Root"]["/AF"]}
    by_desc = {str(spec["/Desc"]): spec for spec in specs.values() if spec["/AFRelationship"] == "/Supplement"}
    assert set(by_desc) == {f"附件4 {START}", f"附件5 {AUDIT}"}
    stored = {name: data[0] for name, data in reader.attachments.items()}
    assert stored[str(by_desc[f"附件5 {AUDIT}"]["/F"])] == AUDIT_TEXT
    assert stored[str(by_desc[f"附件4 {START}"]["/F"])] == plain_pdf()
    assert {str(s["/AFRelationship"]) for n, s in specs.items() if n.endswith(".json")} == {"/Source"}


def test_letter_lists_the_files_by_title_and_the_list_gives_hash_size_pages(bound):
    text = squash(pdftotext(bound))
    assert "4.电销专用产品集中销售启动文件" in text and "5.2025年度电销保费专项审计报告" in text
    assert "附件4：1KB，1页" in text and "附件5：1KB" in text
    assert hashlib.sha256(AUDIT_TEXT).hexdigest() in text
    # named but not provided (and the link out of the folder): 未附, in the internal annex
    assert f"{LEASE}：未附" in text and "未附的证明材料" in text


def test_bound_dossier_verifies_with_its_pages(bound):
    result = verify_dossier(bound)
    assert result.status == "ok" and result.pages_checked, result.differences


def test_filing_copy_leaves_the_missing_list_out(folder):
    app, as_of = _application()
    filing = build_dossier(app, as_of=as_of, generated_at=GENERATED_AT, evidence=read_folder(folder, [START]), internal_annex=False)
    text = squash(pdftotext(filing))
    assert "未附" not in text and "附件4：1KB，1页" in text


def test_a_file_that_differs_from_its_declared_hash_is_refused_by_name(folder):
    def declare(data):
        data["centralized_selling"]["evidence"][0]["sha256"] = "0" * 64

    app, as_of = _application(declare)
    with pytest.raises(DossierError) as refused:
        build_dossier(app, as_of=as_of, generated_at=GENERATED_AT, evidence={START: plain_pdf()})
    message = refused.value.message("zh")
    assert START in message and "SHA-256" in message and "0" * 64 in message


def test_names_never_leave_the_folder(folder, tmp_path):
    (tmp_path / "secret.pdf").write_bytes(b"secret")
    found = read_folder(folder, ["../secret.pdf", str(tmp_path / "secret.pdf"), ".", "..", "application.json", LEASE])
    assert found == {}


def test_cli_evidence_dir_that_is_not_a_folder(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "assessor", "dossier", "examples/01-eligible-two-sites.json", "-o", str(tmp_path / "o.pdf"), "--as-of", "2026-06-30", "--evidence-dir", str(tmp_path / "none")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2 and "不存在或不是文件夹" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "o.pdf").exists()
