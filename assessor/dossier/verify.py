"""`verify`: read a dossier's embedded files back, recompute with the core and compare.

The dossier states a verdict, findings and an input fingerprint (assessment.json) and carries
the application they were computed from (application.json). Verification re-validates the
application, assesses it again with the stated as_of and readings, and names every difference.

Three outcomes, never a crash: ok; mismatch (the file states what recomputing does not give: it
was altered); not a dossier. A fourth, cannot check, is for a dossier whose embedded data lies
beyond what the reader takes (nested too deep, too large, readings that are not text): the tool
cannot tell whether it was altered, so it does not say so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..core.engine import Assessment, AsOfError, ReadingError, assess
from ..i18n import t
from ..intake import ApplicationError, parse_application
from ..intake.json_file import check_shape
from ..core.model import Application
from ..core.rulebook import Rulebook, load_rulebook
from .pdfa import APPLICATION_FILE, ASSESSMENT_FILE, NotAPdf, read_embedded

OK, MISMATCH, NOT_DOSSIER, CANNOT_CHECK = "ok", "mismatch", "not_dossier", "cannot_check"
# The data recompute to what the file states, but its pages could not be made again to compare
# (another software version, a readiness appendix, a file without a rendition digest): the
# tool cannot say the file was not altered, and says so with its own status and exit code.
DATA_ONLY = "data_only"
MAX_EMBEDDED_BYTES = 20 * 1024 * 1024  # as an application file; a dossier's are some kilobytes
# Problems of the JSON reader that mean "beyond the limits", not "not what the tool wrote".
_LIMIT_PROBLEMS = frozenset({"too_deep", "too_large", "too_many_keys"})

# The finding fields compared, in the order a reader checks them.
FINDING_FIELDS = ("status", "measured", "threshold", "gap", "evidence", "missing_evidence", "readings", "clause", "clause_text", "title", "parts", "explanation", "notes")


@dataclass
class VerifyResult:
    status: str  # "ok" | "mismatch" | "not_dossier" | "cannot_check" | "data_only"
    differences: list[str] = field(default_factory=list)
    application: Application | None = None
    stated: dict[str, Any] | None = None
    recomputed: Assessment | None = None
    pages_checked: bool = False  # the pages were rendered again from the embedded data and matched
    signatures: list = field(default_factory=list)  # signing.SignatureCheck, one per signature
    trust_checked: bool = False  # trust roots were given, so each signature's `trusted` is known

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    @property
    def untrusted(self) -> bool:
        """Trust roots were given and some signer does not chain to one."""
        return self.trust_checked and any(s.trusted is False for s in self.signatures)

    def signature_lines(self, lang: str = "zh") -> list[str]:
        """What the file's signatures say, beside the summary; a broken signature or a change
        after signing is among `differences` instead (it makes the file altered)."""
        if not self.signatures:
            return [t("sign.verify.none", lang)]
        lines = []
        for check in self.signatures:
            if check.ok:
                lines.append(t("sign.verify.valid", lang, subject=check.subject, time=_signing_time(check.signing_time, lang)))
        if not self.trust_checked:
            lines.append(t("sign.verify.trust_unchecked", lang))
        elif all(s.trusted for s in self.signatures):
            lines.append(t("sign.verify.trusted", lang))
        else:
            lines.append(t("sign.verify.untrusted", lang))
        return lines

    @property
    def ok(self) -> bool:
        return self.status == OK

    def summary(self, lang: str = "zh") -> str:
        if self.status == OK:
            # Unaltered only when the pages were made again and matched byte for byte.
            return t("dossier.verify.ok" if self.pages_checked else "dossier.verify.ok_data", lang)
        if self.status == DATA_ONLY:
            return t("dossier.verify.data_only", lang)
        if self.status == MISMATCH:
            return t("dossier.verify.mismatch", lang)
        return self.differences[0] if self.differences else t("dossier.verify.not_dossier", lang, reason="?")


def _short(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True) if not isinstance(value, str) else value
    except (TypeError, ValueError, RecursionError):
        text = type(value).__name__
    text = text if len(text) <= 120 else text[:117] + "…"
    # A lone surrogate in the file would stop the print of the difference that names it.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _compare_findings(stated: list[dict], actual: list[dict], lang: str) -> list[str]:
    differences = []
    stated_by_id = {f.get("criterion"): f for f in stated if isinstance(f, dict) and isinstance(f.get("criterion"), str)}
    actual_by_id = {f["criterion"]: f for f in actual}
    for criterion, recomputed in actual_by_id.items():
        claim = stated_by_id.get(criterion)
        if claim is None:
            differences.append(t("dossier.verify.diff_finding_missing", lang, criterion=criterion))
            continue
        for name in FINDING_FIELDS:
            if claim.get(name) != recomputed.get(name):
                differences.append(
                    t(
                        "dossier.verify.diff_finding",
                        lang,
                        criterion=criterion,
                        field=t(f"dossier.verify.field_{name}", lang),
                        stated=_short(claim.get(name)),
                        actual=_short(recomputed.get(name)),
                    )
                )
    for criterion in stated_by_id.keys() - actual_by_id.keys():
        differences.append(t("dossier.verify.diff_finding_extra", lang, criterion=criterion))
    return differences


def verify_dossier(pdf_bytes: bytes, lang: str = "zh", rulebook: Rulebook | None = None, rerender: bool = True, trust_roots: list | None = None) -> VerifyResult:
    """Recompute a dossier from what it embeds and, with `rerender`, make its pages again and
    compare; `differences` are sentences in `lang`. Never raises for what the file holds.

    A signed dossier's signatures are checked too (signing.check_signatures): a signature that
    does not match the file, or a change after signing, makes it altered; its pages are compared
    with the bytes the first signature signed on top of. `trust_roots` (signing.load_certificate)
    also says whether each signer chains to one of them."""

    def not_dossier(reason_key: str, **values) -> VerifyResult:
        reason = t(f"dossier.verify.{reason_key}", lang, **values)
        return VerifyResult(NOT_DOSSIER, [t("dossier.verify.not_dossier", lang, reason=reason)])

    try:
        embedded = read_embedded(pdf_bytes)
    except NotAPdf:
        return not_dossier("not_pdf")
    except Exception:  # noqa: BLE001 - pypdf on a hostile file (deep trees, loops): not readable as a PDF
        return not_dossier("not_pdf")
    if APPLICATION_FILE not in embedded.files or ASSESSMENT_FILE not in embedded.files:
        return not_dossier("no_attachments")
    signatures, problems = _signatures(pdf_bytes, trust_roots, lang)
    if problems:  # already altered: making the pages again would add nothing to that
        rerender = False
    try:
        result = _verify_embedded(pdf_bytes, embedded.files, lang, rulebook, rerender, signatures)
    except AsOfError:  # a date its rulebook cannot assess: the caller words it as an alteration
        raise
    except (RecursionError, MemoryError):
        result = _cannot_check(lang, "too_deep")
    except Exception:  # noqa: BLE001 - whatever else the data leads to, it is not proof of an alteration
        result = _cannot_check(lang, "unexpected")
    result.signatures, result.trust_checked = signatures, bool(trust_roots)
    if problems:  # a signature that does not hold is proof enough that the file was altered
        result.status = MISMATCH
        result.pages_checked = False
        result.differences = problems + [d for d in result.differences if d not in problems]
    return result


def _signatures(pdf_bytes: bytes, trust_roots: list | None, lang: str) -> tuple[list, list[str]]:
    """The file's signatures and the sentences of those that do not hold."""
    from .signing import SigningError, check_signatures, is_signed

    if not is_signed(pdf_bytes):
        return [], []
    try:
        checks = check_signatures(pdf_bytes, trust_roots)
    except SigningError as exc:
        return [], [exc.message(lang)]
    problems = []
    for check in checks:
        if not check.intact:
            problems.append(t("sign.verify.broken", lang, subject=check.subject))
        elif check.changed_after:
            problems.append(t("sign.verify.changed_after", lang, subject=check.subject))
    return checks, problems


def _signing_time(value: str | None, lang: str) -> str:
    if not value:
        return t("sign.verify.unknown_time", lang)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    from datetime import timedelta, timezone

    beijing = moment.astimezone(timezone(timedelta(hours=8)))
    return t("sign.verify.time", lang, y=beijing.year, m=beijing.month, d=beijing.day, hm=f"{beijing:%H:%M}")


def _cannot_check(lang: str, reason: str, stated: dict[str, Any] | None = None) -> VerifyResult:
    return VerifyResult(CANNOT_CHECK, [t("input.verify.cannot_check", lang, reason=t(f"input.verify.{reason}", lang))], None, stated)


def _read_embedded_json(data: bytes) -> Any:
    """An embedded file's JSON; ValueError if it is not JSON, _Beyond if it lies beyond the limits."""
    if len(data) > MAX_EMBEDDED_BYTES:
        raise _Beyond("too_large")
    try:
        return json.loads(data.decode("utf-8"))
    except RecursionError:
        raise _Beyond("too_deep") from None


class _Beyond(Exception):
    def __init__(self, reason: str):
        self.reason = reason


def _text_mapping(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _verify_embedded(pdf_bytes: bytes, files: dict[str, bytes], lang: str, rulebook: Rulebook | None, rerender: bool, signatures: list) -> VerifyResult:
    # The two files are there, so this is a dossier: anything wrong inside them is an alteration,
    # unless it lies beyond what can be read at all.
    try:
        stated = _read_embedded_json(files[ASSESSMENT_FILE])
        if not isinstance(stated, dict):
            raise ValueError
        check_shape(stated, ASSESSMENT_FILE)
    except _Beyond as exc:
        return _cannot_check(lang, exc.reason)
    except ApplicationError as exc:
        if any(p.key in _LIMIT_PROBLEMS for p in exc.problems):
            return _cannot_check(lang, "too_deep")
        # Only lone surrogates are left: they differ from anything recomputed, and are named so.
    except (ValueError, UnicodeDecodeError):
        return VerifyResult(MISMATCH, [t("dossier.verify.bad_json", lang, name=ASSESSMENT_FILE)])
    try:
        _read_embedded_json(files[APPLICATION_FILE])
    except _Beyond as exc:
        return _cannot_check(lang, exc.reason, stated)
    except (ValueError, UnicodeDecodeError):
        return VerifyResult(MISMATCH, [t("dossier.verify.bad_json", lang, name=APPLICATION_FILE)], None, stated)

    result = VerifyResult(MISMATCH, [], None, stated)
    try:
        as_of = date.fromisoformat(str(stated.get("as_of")))
    except ValueError:
        result.differences.append(t("dossier.verify.diff_as_of", lang, value=_short(stated.get("as_of"))))
        return result
    readings = stated.get("readings") or {}
    if not _text_mapping(readings):
        # The assessment cannot be recomputed under readings it cannot name.
        return _cannot_check(lang, "readings", stated)
    try:
        # Dates in the application were checked against the day it was assessed or later.
        application = parse_application(files[APPLICATION_FILE], today=max(date.today(), as_of))
    except ApplicationError as exc:
        if any(p.key in _LIMIT_PROBLEMS for p in exc.problems):
            return _cannot_check(lang, "too_deep", stated)
        result.differences.append(t("dossier.verify.diff_application", lang, problems="; ".join(exc.lines(lang))))
        return result
    result.application = application

    rulebook = rulebook or load_rulebook()
    stated_rulebook = stated.get("rulebook") or {}
    if stated_rulebook != {"id": rulebook.id, "version": rulebook.version}:
        result.differences.append(
            t("dossier.verify.diff_rulebook", lang, stated=_short(stated_rulebook), actual=_short({"id": rulebook.id, "version": rulebook.version}))
        )
    try:
        recomputed = assess(application, rulebook, as_of, readings)
    except ReadingError as exc:
        result.differences.append(t("dossier.verify.diff_readings", lang, detail=exc.message(lang)))
        return result
    result.recomputed = recomputed
    actual = json.loads(json.dumps(recomputed.to_json(), ensure_ascii=False))  # the shape the file holds
    if stated.get("verdict") != actual["verdict"]:
        result.differences.append(
            t("dossier.verify.diff_verdict", lang, stated=_verdict_text(stated.get("verdict"), lang), actual=_verdict_text(actual["verdict"], lang))
        )
    if stated.get("fingerprint") != actual["fingerprint"]:
        result.differences.append(t("dossier.verify.diff_fingerprint", lang, stated=_short(stated.get("fingerprint")), actual=actual["fingerprint"]))
    stated_findings = stated.get("findings")
    result.differences += _compare_findings(stated_findings if isinstance(stated_findings, list) else [], actual["findings"], lang)
    if result.differences:
        return result
    if not rerender:  # the caller asked for the data alone; summary() does not say unaltered
        result.status = OK
        return result
    reason = _rendition_problem(pdf_bytes, stated, actual["fingerprint"], lang)
    if reason is not None:
        result.differences.append(reason)
        return result
    reproducible = _reproducible(stated.get("rendition"))
    if reproducible is not None:
        result.status = DATA_ONLY
        result.differences.append(t(f"dossier.verify.data_only_{reproducible}", lang))
        return result
    result.differences += _compare_pages(pdf_bytes, application, rulebook, as_of, readings, stated.get("rendition"), lang, result, signatures, files)
    if not result.differences:
        result.status = OK
    return result


def _rendition_problem(pdf_bytes: bytes, stated: dict, fingerprint: str, lang: str) -> str | None:
    """Everything that decides how the file is checked (its rendition block) is covered by the
    rendition digest, which the file states and carries as its PDF /ID: an edited rendition
    no longer hashes to either."""
    from . import rendition_digest

    rendition, digest = stated.get("rendition"), stated.get("rendition_digest")
    if rendition is None and digest is None:
        return None  # an older file without one: checked on its data only (see _reproducible)
    if not isinstance(rendition, dict) or not isinstance(digest, str):
        return t("dossier.verify.diff_rendition", lang)
    try:
        expected = rendition_digest(rendition, fingerprint)
    except (TypeError, ValueError):
        return t("dossier.verify.diff_rendition", lang)
    if digest != expected or _pdf_identifier(pdf_bytes) != expected[:32]:
        return t("dossier.verify.diff_rendition", lang)
    return None


def _pdf_identifier(pdf_bytes: bytes) -> str | None:
    import io

    from pypdf import PdfReader

    try:
        ids = PdfReader(io.BytesIO(pdf_bytes), strict=False).trailer.get("/ID")
        first = ids[0] if ids else None
        if isinstance(first, bytes):
            return first.decode("ascii", "replace")
        return str(first) if first is not None else None
    except Exception:  # noqa: BLE001 - an unreadable /ID is simply not the stated one
        return None


def _reproducible(rendition: Any) -> str | None:
    """None when this software can make the pages again; else why not (a locale key suffix)."""
    from .. import __version__

    if not isinstance(rendition, dict):
        return "no_rendition"
    if rendition.get("software") != __version__:
        return "software"
    if rendition.get("readiness"):
        return "readiness"
    return None


def _compare_pages(pdf_bytes: bytes, application: Application, rulebook: Rulebook, as_of: date, readings: dict, rendition: Any, lang: str, result: VerifyResult,
                   signatures: list = (), files: dict[str, bytes] | None = None) -> list[str]:
    """Render the dossier again from its embedded data and compare the files byte for byte.

    The data can be consistent while the printed pages were edited; rendering is deterministic
    for the same software, so any other byte means the file changed after it was made. A
    dossier from another software version, or one with a readiness appendix (whose logs it does
    not embed), cannot be re-rendered: `_reproducible` sends it to DATA_ONLY before this."""
    from . import DossierError, build_dossier

    try:
        generated_at = datetime.fromisoformat(str(rendition.get("generated_at")))
        letter_day = rendition.get("letter_day")
        # The applicant's files are made again from the copies the dossier carries.
        pairs = rendition.get("evidence") or []
        evidence = {str(document): (files or {})[stored] for stored, document in pairs}
        again = build_dossier(
            application, rulebook, as_of, readings, str(rendition.get("lang") or "zh"), _opt_str(rendition.get("addressee")), generated_at,
            doc_number=_opt_str(rendition.get("doc_number")), signer=_opt_str(rendition.get("signer")),
            letter_day=date.fromisoformat(letter_day) if isinstance(letter_day, str) else None,
            internal_annex=rendition.get("internal_annex") is not False, evidence=evidence or None,
            cc=_opt_str(rendition.get("cc")),
        )
    except (ValueError, TypeError, KeyError, DossierError):
        return [t("dossier.verify.diff_pages", lang)]
    if again != pdf_bytes:
        # A signed file is the file as made, then the signatures' incremental updates: the first
        # signature must sign the revision right after it, or something came in between.
        if not signatures or not pdf_bytes.startswith(again):
            return [t("dossier.verify.diff_pages", lang)]
        if min(s.signed_revision for s in signatures) != 1:
            return [t("sign.verify.edited_before_signing", lang)]
    result.pages_checked = True
    return []


def _verdict_text(value: Any, lang: str) -> str:
    from ..i18n import has

    return t(f"verdict.{value}", lang) if isinstance(value, str) and has(f"verdict.{value}", lang) else _short(value)


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
