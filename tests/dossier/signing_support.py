"""A throwaway certificate authority and signer, made at run time (no key is kept in the
repository), and edits made to a signed file the way a PDF editor would: an incremental update."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSWORD = "试用-口令-1"
COMPANY = "华安信达财产保险股份有限公司"


@dataclass(frozen=True)
class Credentials:
    p12: bytes  # signer key + certificate + CA certificate, encrypted with PASSWORD
    ca_pem: bytes
    other_ca_pem: bytes  # a root the signer does not chain to
    signer_name: str


def _name(common: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, COMPANY),
        x509.NameAttribute(NameOID.COMMON_NAME, common),
    ])


def _usage(ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True, content_commitment=not ca, key_encipherment=False, data_encipherment=False, key_agreement=False,
        key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False,
    )


def _ca(common: str, now: dt.datetime):
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder().subject_name(_name(common)).issuer_name(_name(common)).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True).add_extension(_usage(True), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def make_credentials(signer_name: str = "张建国", rsa_key: bool = False) -> Credentials:
    now = dt.datetime.now(dt.timezone.utc)
    ca_key, ca_cert = _ca("试用根证书 Test Root", now)
    _, other = _ca("另一根证书 Other Root", now)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if rsa_key else ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder().subject_name(_name(signer_name)).issuer_name(ca_cert.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True).add_extension(_usage(False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    p12 = pkcs12.serialize_key_and_certificates(
        b"signer", key, cert, [ca_cert], serialization.BestAvailableEncryption(PASSWORD.encode("utf-8"))
    )
    pem = serialization.Encoding.PEM
    return Credentials(p12, ca_cert.public_bytes(pem), other.public_bytes(pem), signer_name)


def add_text_after_signing(pdf: bytes, text: bytes = b"APPROVED") -> bytes:
    """What a PDF editor does to a signed file: an incremental update drawing on page 1."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    stream = generic.StreamObject(stream_data=b"BT /Helv 24 Tf 100 700 Td (" + text + b") Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
