"""Signing a dossier (PAdES baseline B-B, pyHanko) and checking its signatures.

The signature is written as an incremental update: the dossier's own bytes stay as they were
made, first in the signed file, so `verify` can still make the pages again and compare them
with that prefix. The update keeps what PDF/A-3 asks of it: the PDF version stays 1.7 (an
ECDSA key would otherwise raise the file to PDF 2.0), the XMP packet keeps its PDF/A
identification and the document information says the same as it, and the signature field is
an invisible, printable widget.

    signed = sign_dossier(pdf, p12_bytes, "password")
    [check] = check_signatures(signed)
    check.intact, check.subject, check.changed_after
"""

from __future__ import annotations

import io
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

FIELD_NAME = "Signature"
PASSWORD_ENV = "ASSESSOR_P12_PASSWORD"
MAX_P12_BYTES = 1024 * 1024  # a PKCS#12 file holds a key and a few certificates: some kilobytes


class SigningError(Exception):
    """Signing or reading a signature failed; `key` and `values` name the translated message."""

    def __init__(self, key: str, **values: Any):
        self.key, self.values = key, values
        super().__init__(f"{key}: {values}")

    def message(self, lang: str = "zh") -> str:
        from ..i18n import t

        return t(self.key, lang, **self.values)


@contextmanager
def _quiet() -> Iterator[None]:
    """pyHanko and its certificate validator log failures with tracebacks (a path to no trust
    anchor, a broken signature); the outcome is reported in the user's words instead."""
    loggers = [logging.getLogger(name) for name in ("pyhanko", "pyhanko_certvalidator")]
    sink = logging.NullHandler()
    before = [lg.propagate for lg in loggers]
    for lg in loggers:  # their records (from child loggers too) stop here, unseen
        lg.addHandler(sink)
        lg.propagate = False
    try:
        yield
    finally:
        for lg, propagate in zip(loggers, before):
            lg.removeHandler(sink)
            lg.propagate = propagate


def _import_pyhanko():
    import warnings

    with warnings.catch_warnings():  # cryptography warns about DSA on import; nothing to tell a user
        warnings.simplefilter("ignore")
        from pyhanko.sign import signers  # noqa: F401
        from pyhanko.sign import validation  # noqa: F401


def load_signer(p12: bytes, password: str | None):
    """A pyHanko signer from PKCS#12 bytes; SigningError names what is wrong with them."""
    from asn1crypto import pkcs12 as asn1_pkcs12
    from cryptography.hazmat.primitives.serialization import pkcs12

    _import_pyhanko()
    from pyhanko.sign import signers

    if len(p12) > MAX_P12_BYTES:
        raise SigningError("sign.errors.not_p12")
    try:  # the structure first, so a wrong password is told apart from a file that is no PKCS#12
        pfx = asn1_pkcs12.Pfx.load(p12, strict=True)
        if pfx["version"].native != "v3":
            raise ValueError("not a PKCS#12 v3 file")
        pfx["auth_safe"]["content_type"].native  # noqa: B018 - parses the content
    except Exception:  # noqa: BLE001 - asn1crypto raises many kinds for bytes that are not DER
        raise SigningError("sign.errors.not_p12") from None
    secret = password.encode("utf-8") if password else None
    try:
        key, cert, _ = pkcs12.load_key_and_certificates(p12, secret)
    except Exception:  # noqa: BLE001 - cryptography says "invalid password or PKCS12 data"
        raise SigningError("sign.errors.wrong_password") from None
    if key is None or cert is None:
        raise SigningError("sign.errors.no_key")
    with _quiet():
        try:
            return signers.SimpleSigner.load_pkcs12_data(p12, other_certs=None, passphrase=secret)
        except ValueError:
            raise SigningError("sign.errors.no_key") from None


def _writer_class():
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.metadata import model

    class PdfA3Writer(IncrementalPdfFileWriter):
        """An incremental writer that keeps a PDF/A-3 file what it was."""

        def ensure_output_version(self, version):
            # PDF/A-3 is built on PDF 1.7: the ISO 32002 marker for ECDSA would raise the file
            # to 2.0. Readers check ECDSA signatures in 1.7 files all the same.
            if version > (1, 7):
                return
            super().ensure_output_version(version)

        def register_extension(self, ext):
            if getattr(ext, "extension_level", None) in (32001, 32002):
                return  # developer extensions of PDF 2.0 (see above)
            super().register_extension(ext)

        def _update_meta(self):
            super()._update_meta()
            # pyHanko writes its own name as the producer in the XMP packet and appends it to
            # the information dictionary's; PDF/A wants both to say the same.
            if self._info is not None:
                info = self._info.get_object()
                info["/Producer"] = generic.TextStringObject(model.VENDOR)
                self.mark_update(self._info)

    return PdfA3Writer


def is_signed(pdf: bytes) -> bool:
    """Whether the file may hold a signature (a form or a signed byte range anywhere in it).
    A signature hidden in a compressed object stream is not seen here, but `verify` compares
    the whole file with the pages made again, so what it adds is found all the same."""
    return b"/ByteRange" in pdf or b"/AcroForm" in pdf


def sign_dossier(pdf: bytes, p12: bytes, password: str | None) -> bytes:
    """The dossier with a PAdES B-B signature added as an incremental update."""
    from .pdfa import APPLICATION_FILE, ASSESSMENT_FILE, NotAPdf, read_embedded

    try:
        embedded = read_embedded(pdf)
    except (NotAPdf, Exception):  # noqa: BLE001 - pypdf on a hostile file
        raise SigningError("sign.errors.not_pdf") from None
    if APPLICATION_FILE not in embedded.files or ASSESSMENT_FILE not in embedded.files:
        raise SigningError("sign.errors.not_dossier")
    signer = load_signer(p12, password)
    from pyhanko.sign import fields, signers

    with _quiet():
        try:
            writer = _writer_class()(io.BytesIO(pdf), strict=False)
            existing = {name for name, _, _ in fields.enumerate_sig_fields(writer)}
        except Exception:  # noqa: BLE001 - pyHanko's reader on a file pypdf read
            raise SigningError("sign.errors.not_pdf") from None
        name = FIELD_NAME if FIELD_NAME not in existing else next(f"{FIELD_NAME}{n}" for n in range(2, 1000) if f"{FIELD_NAME}{n}" not in existing)
        meta = signers.PdfSignatureMetadata(field_name=name, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256")
        try:
            out = signers.sign_pdf(writer, meta, signer=signer)
        except Exception as exc:  # noqa: BLE001 - a key pyHanko cannot use, a damaged file
            raise SigningError("sign.errors.failed", detail=type(exc).__name__) from None
    return out.getvalue()


@dataclass(frozen=True)
class SignatureCheck:
    """One signature of a file, as `verify` reports it."""

    field: str
    subject: str  # the signer certificate's subject, RFC 4514 (CN=…,O=…,C=…)
    intact: bool  # the signed bytes hash to the signed digest and the signature verifies
    trusted: bool | None  # chains to a given trust root; None: no roots were given
    changed_after: bool  # the file was changed after this signature beyond what signing adds
    signed_revision: int
    signing_time: str | None
    not_after: str | None  # the certificate's last day of validity

    @property
    def ok(self) -> bool:
        return self.intact and not self.changed_after


def check_signatures(pdf: bytes, trust_roots: list | None = None) -> list[SignatureCheck]:
    """Every signature of the file, checked by pyHanko: integrity, what changed after it
    (its difference analysis), and, with `trust_roots` (from `load_certificate`), trust.
    SigningError("sign.errors.unreadable_signature") when the file's signatures cannot be read."""
    _import_pyhanko()
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    roots = list(trust_roots or [])
    checks = []
    with _quiet():
        try:
            reader = PdfFileReader(io.BytesIO(pdf), strict=False)
            signatures = list(reader.embedded_signatures)
            total = reader.xrefs.total_revisions
        except Exception:  # noqa: BLE001 - a file pyHanko cannot read holds no signature it can check
            raise SigningError("sign.errors.unreadable_signature") from None
        signed_revisions = {s.signed_revision for s in signatures}
        for sig in signatures:
            context = ValidationContext(trust_roots=roots, allow_fetching=False)
            # An edit that is not itself a signature is a change after signing, whatever it
            # changed: no need for pyHanko's difference analysis (which reads every object of
            # every revision, half a minute on a dossier). Only when every later revision is
            # another signature is it asked whether those signatures changed anything else.
            only_signatures_after = all(r in signed_revisions for r in range(sig.signed_revision + 1, total))
            try:
                status = validate_pdf_signature(sig, context, skip_diff=not only_signatures_after)
            except Exception:  # noqa: BLE001 - a signature that cannot be evaluated is not intact
                checks.append(SignatureCheck(sig.field_name or "?", _subject(sig), False, None if not roots else False, True, sig.signed_revision, None, None))
                continue
            intact = bool(status.intact and status.valid)
            checks.append(SignatureCheck(
                field=sig.field_name or "?",
                subject=_subject(sig),
                intact=intact,
                trusted=bool(status.trusted) if roots else None,
                changed_after=_changed_after(status, only_signatures_after),
                signed_revision=sig.signed_revision,
                signing_time=status.signer_reported_dt.isoformat() if status.signer_reported_dt else None,
                not_after=_not_after(sig),
            ))
    return checks


def _changed_after(status, only_signatures_after: bool) -> bool:
    """Whether anything but another signature (or validation data) was added after this one."""
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return False
    if status.coverage != SignatureCoverageLevel.ENTIRE_REVISION or not only_signatures_after:
        return True
    # A co-signer's signature is a form field being filled; pyHanko's analysis says whether
    # those later revisions changed anything else.
    return status.modification_level not in (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING)


def _subject(sig) -> str:
    try:
        from cryptography import x509

        return x509.load_der_x509_certificate(sig.signer_cert.dump()).subject.rfc4514_string()
    except Exception:  # noqa: BLE001
        try:
            return str(sig.signer_cert.subject.human_friendly)
        except Exception:  # noqa: BLE001
            return "?"


def _not_after(sig) -> str | None:
    try:
        return sig.signer_cert.not_valid_after.date().isoformat()
    except Exception:  # noqa: BLE001
        return None


def load_certificate(data: bytes):
    """A trust root from PEM or DER bytes; SigningError when they hold no certificate."""
    from asn1crypto import pem, x509

    try:
        if pem.detect(data):
            _, _, data = pem.unarmor(data)
        cert = x509.Certificate.load(data, strict=True)
        cert.subject  # noqa: B018 - parses it
        return cert
    except Exception:  # noqa: BLE001
        raise SigningError("sign.errors.not_certificate") from None
