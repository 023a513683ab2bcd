"""Signing a dossier and checking its signature: a throwaway CA and signer made at run time, a
real PAdES signature by pyHanko, and the edits a PDF editor makes after (and before) signing."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from dossier_support import ROOT, plain_pdf
from signing_support import PASSWORD, add_text_after_signing, make_credentials

from assessor.dossier import verify_dossier
from assessor.dossier.signing import SigningError, check_signatures, load_certificate, sign_dossier


@pytest.fixture(scope="module")
def creds():
    return make_credentials()


@pytest.fixture(scope="module")
def signed(zh_dossier, creds) -> bytes:
    return sign_dossier(zh_dossier[0], creds.p12, PASSWORD)


def test_signature_is_an_incremental_update_that_keeps_pdfa(zh_dossier, signed):
    from pypdf import PdfReader

    original = zh_dossier[0]
    assert signed.startswith(original) and len(signed) > len(original)
    reader = PdfReader(io.BytesIO(signed))
    xmp = reader.xmp_metadata.stream.get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    # PDF/A: the information dictionary and the XMP packet say the same producer; the file
    # stays PDF 1.7 although the key is ECDSA (pyHanko would mark it 2.0)
    producer = str(reader.metadata["/Producer"])
    assert f'pdf:Producer="{producer}"' in xmp
    assert "/Version" not in reader.trailer["/Root"]
    widget = reader.trailer["/Root"]["/AcroForm"]["/Fields"][0].get_object()
    assert widget["/FT"] == "/Sig" and int(widget["/F"]) & 4 and [float(v) for v in widget["/Rect"]] == [0, 0, 0, 0]


def test_signed_dossier_verifies_and_names_the_signer(signed, creds):
    result = verify_dossier(signed, trust_roots=[load_certificate(creds.ca_pem)])
    assert result.status == "ok" and result.pages_checked, result.differences
    [check] = result.signatures
    assert check.intact and not check.changed_after and check.trusted is True
    assert f"CN={creds.signer_name}" in check.subject
    lines = result.signature_lines("zh")
    assert lines[0].startswith("签名有效：") and creds.signer_name in lines[0] and "签名后未被改动" in lines[0]
    assert "可链到所给的信任根" in lines[1]
    assert "Signature valid" in result.signature_lines("en")[0]


def test_another_root_does_not_trust_the_signer(signed, creds):
    [check] = check_signatures(signed, [load_certificate(creds.other_ca_pem)])
    assert check.intact and check.trusted is False
    [check] = check_signatures(signed)
    assert check.intact and check.trusted is None  # no roots: trust not judged


def test_edit_after_signing_is_altered(signed, creds):
    edited = add_text_after_signing(signed)
    [check] = check_signatures(edited)
    assert check.intact and check.changed_after
    result = verify_dossier(edited, rerender=False)
    assert result.status == "mismatch"
    assert any("签名后被改动" in line and creds.signer_name in line for line in result.differences)


def test_bytes_changed_under_the_signature_break_it(signed):
    at = signed.index(b"stream\n", len(signed) // 3) + 40
    flipped = signed[:at] + bytes([signed[at] ^ 0x01]) + signed[at + 1:]
    result = verify_dossier(flipped, rerender=False)
    assert result.status == "mismatch"
    assert any(line.startswith(("签名无效", "文件中的签名无法读取")) for line in result.differences)


def test_edit_before_signing_is_altered(zh_dossier, creds):
    edited_then_signed = sign_dossier(add_text_after_signing(zh_dossier[0], b"EDITED"), creds.p12, PASSWORD)
    result = verify_dossier(edited_then_signed)
    assert result.status == "mismatch"
    assert result.signatures and result.signatures[0].intact  # the signature itself is sound
    assert any("签名之前文件已被改动" in line for line in result.differences)


def test_signing_refusals(zh_dossier, creds):
    with pytest.raises(SigningError) as wrong:
        sign_dossier(zh_dossier[0], creds.p12, "not the password")
    assert wrong.value.key == "sign.errors.wrong_password" and "口令不正确" in wrong.value.message("zh")
    with pytest.raises(SigningError) as not_p12:
        sign_dossier(zh_dossier[0], b"0\x82 not a pkcs12 file", PASSWORD)
    assert not_p12.value.key == "sign.errors.not_p12"
    with pytest.raises(SigningError) as not_dossier:
        sign_dossier(plain_pdf(), creds.p12, PASSWORD)
    assert not_dossier.value.key == "sign.errors.not_dossier"
    with pytest.raises(SigningError) as not_pdf:
        sign_dossier(b"%PDF-1.7 broken", creds.p12, PASSWORD)
    assert not_pdf.value.key == "sign.errors.not_pdf"


def _cli(*args: str, password: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "ASSESSOR_P12_PASSWORD"}
    if password is not None:
        env["ASSESSOR_P12_PASSWORD"] = password
    return subprocess.run([sys.executable, "-m", "assessor", *args], cwd=ROOT, capture_output=True, text=True, timeout=180, env=env, stdin=subprocess.DEVNULL)


def _main(capsys, monkeypatch, *args: str, password: str | None = None) -> tuple[int, str, str]:
    """The same command in this process (`assessor.cli.main`), as `_cli` runs it: no terminal to
    ask for a password, the password only from the environment. Returns (exit code, stdout, stderr)."""
    import io

    from assessor.cli import main

    monkeypatch.delenv("ASSESSOR_P12_PASSWORD", raising=False)
    if password is not None:
        monkeypatch.setenv("ASSESSOR_P12_PASSWORD", password)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_sign_then_verify_with_exit_codes(tmp_path, zh_dossier, creds, capsys, monkeypatch):
    """`sign` and `verify` as a user runs them, each in a real process once; the further
    verifications in this process, through the same entry point."""
    dossier, p12, root, other = tmp_path / "d.pdf", tmp_path / "signer.p12", tmp_path / "root.pem", tmp_path / "other.pem"
    dossier.write_bytes(zh_dossier[0])
    p12.write_bytes(creds.p12)
    root.write_bytes(creds.ca_pem)
    other.write_bytes(creds.other_ca_pem)
    out = tmp_path / "signed.pdf"

    done = _cli("sign", str(dossier), "--p12", str(p12), "-o", str(out), password=PASSWORD)
    assert done.returncode == 0, done.stderr
    assert creds.signer_name in done.stdout and PASSWORD not in done.stdout + done.stderr

    done = _cli("verify", str(out), "--trust", str(root))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "文件未被改动" in done.stdout and "签名有效" in done.stdout and creds.signer_name in done.stdout

    # an untrusted signer of an unaltered file: its own exit code; checked on the data only
    # (no page rendering) would be 5, so this run shows the page check passed too
    code, stdout, stderr = _main(capsys, monkeypatch, "verify", str(out), "--trust", str(other), "--lang", "en")
    assert code == 6, stdout + stderr
    assert "does not chain" in stdout

    edited = tmp_path / "edited.pdf"
    edited.write_bytes(add_text_after_signing(out.read_bytes()))
    code, stdout, stderr = _main(capsys, monkeypatch, "verify", str(edited))
    assert code == 1 and "签名后被改动" in stderr and "Traceback" not in stderr


@pytest.mark.parametrize(
    ("case", "expect"),
    [("wrong_password", "证书口令不正确"), ("not_p12", "不是PKCS#12格式"), ("no_password", "ASSESSOR_P12_PASSWORD"), ("not_pdf", "不是可读取的PDF")],
)
def test_cli_sign_errors_are_messages(tmp_path, zh_dossier, creds, case, expect, capsys, monkeypatch):
    dossier, p12 = tmp_path / "d.pdf", tmp_path / "signer.p12"
    dossier.write_bytes(zh_dossier[0] if case != "not_pdf" else b"not a pdf at all")
    p12.write_bytes(creds.p12 if case != "not_p12" else b"hello")
    password = {"wrong_password": "wrong", "no_password": None}.get(case, PASSWORD)
    code, _, stderr = _main(capsys, monkeypatch, "sign", str(dossier), "--p12", str(p12), "-o", str(tmp_path / "out.pdf"), password=password)
    assert code == 2
    assert expect in stderr and "Traceback" not in stderr
    assert not (tmp_path / "out.pdf").exists()


def test_a_second_signature_is_not_a_change(signed, creds):
    cosigned = sign_dossier(signed, make_credentials("王立新").p12, PASSWORD)
    result = verify_dossier(cosigned, rerender=False)
    assert result.status == "ok", result.differences
    assert [c.ok for c in result.signatures] == [True, True]
    assert {c.subject.split(",")[0] for c in result.signatures} == {f"CN={creds.signer_name}", "CN=王立新"}
    # and an edit after both is caught on each
    assert all(c.changed_after for c in check_signatures(add_text_after_signing(cosigned)))


def test_cli_trust_file_that_is_no_certificate(tmp_path, zh_dossier, capsys, monkeypatch):
    dossier, bad = tmp_path / "d.pdf", tmp_path / "root.pem"
    dossier.write_bytes(zh_dossier[0])
    bad.write_bytes(b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n")
    code, _, stderr = _main(capsys, monkeypatch, "verify", str(dossier), "--trust", str(bad), "--lang", "en")
    assert code == 2 and "is not a certificate" in stderr and "Traceback" not in stderr
