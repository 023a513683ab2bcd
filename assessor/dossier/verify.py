"""`verify`: read a dossier's embedded files back, recompute with the core and compare.

The dossier states a verdict, findings and an input fingerprint (assessment.json) and carries
the application they were computed from (application.json). Verification re-validates the
application, assesses it again with the stated as_of and readings, and names every difference.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..core.engine import Assessment, ReadingError, assess
from ..i18n import t
from ..intake import ApplicationError, parse_application
from ..core.model import Application
from ..core.rulebook import Rulebook, load_rulebook
from .pdfa import APPLICATION_FILE, ASSESSMENT_FILE, NotAPdf, read_embedded

OK, MISMATCH, NOT_DOSSIER = "ok", "mismatch", "not_dossier"

# The finding fields compared, in the order a reader checks them.
FINDING_FIELDS = ("status", "measured", "threshold", "gap", "evidence", "missing_evidence", "readings", "clause", "clause_text", "title", "parts", "explanation", "notes")


@dataclass
class VerifyResult:
    status: str  # "ok" | "mismatch" | "not_dossier"
    differences: list[str] = field(default_factory=list)
    application: Application | None = None
    stated: dict[str, Any] | None = None
    recomputed: Assessment | None = None
    pages_checked: bool = False  # the pages were rendered again from the embedded data and matched

    @property
    def ok(self) -> bool:
        return self.status == OK

    def summary(self, lang: str = "zh") -> str:
        if self.status == OK:
            return t("dossier.verify.ok", lang)
        if self.status == MISMATCH:
            return t("dossier.verify.mismatch", lang)
        return self.differences[0] if self.differences else t("dossier.verify.not_dossier", lang, reason="?")


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True) if not isinstance(value, str) else value
    return text if len(text) <= 120 else text[:117] + "…"


def _compare_findings(stated: list[dict], actual: list[dict], lang: str) -> list[str]:
    differences = []
    stated_by_id = {f.get("criterion"): f for f in stated if isinstance(f, dict)}
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


def verify_dossier(pdf_bytes: bytes, lang: str = "zh", rulebook: Rulebook | None = None, rerender: bool = True) -> VerifyResult:
    """Recompute a dossier from what it embeds and, with `rerender`, make its pages again and
    compare; `differences` are sentences in `lang`."""

    def not_dossier(reason_key: str, **values) -> VerifyResult:
        reason = t(f"dossier.verify.{reason_key}", lang, **values)
        return VerifyResult(NOT_DOSSIER, [t("dossier.verify.not_dossier", lang, reason=reason)])

    try:
        embedded = read_embedded(pdf_bytes)
    except NotAPdf:
        return not_dossier("not_pdf")
    if APPLICATION_FILE not in embedded.files or ASSESSMENT_FILE not in embedded.files:
        return not_dossier("no_attachments")
    # The two files are there, so this is a dossier: anything wrong inside them is an alteration.
    try:
        stated = json.loads(embedded.files[ASSESSMENT_FILE].decode("utf-8"))
        if not isinstance(stated, dict):
            raise ValueError
    except (ValueError, UnicodeDecodeError):
        return VerifyResult(MISMATCH, [t("dossier.verify.bad_json", lang, name=ASSESSMENT_FILE)])
    try:
        raw_application = json.loads(embedded.files[APPLICATION_FILE].decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return VerifyResult(MISMATCH, [t("dossier.verify.bad_json", lang, name=APPLICATION_FILE)], None, stated)

    result = VerifyResult(MISMATCH, [], None, stated)
    try:
        as_of = date.fromisoformat(str(stated.get("as_of")))
    except ValueError:
        result.differences.append(t("dossier.verify.diff_as_of", lang, value=_short(stated.get("as_of"))))
        return result
    try:
        # Dates in the application were checked against the day it was assessed or later.
        application = parse_application(embedded.files[APPLICATION_FILE], today=max(date.today(), as_of))
    except ApplicationError as exc:
        result.differences.append(t("dossier.verify.diff_application", lang, problems="; ".join(exc.lines(lang))))
        return result
    result.application = application
    del raw_application

    rulebook = rulebook or load_rulebook()
    stated_rulebook = stated.get("rulebook") or {}
    if stated_rulebook != {"id": rulebook.id, "version": rulebook.version}:
        result.differences.append(
            t("dossier.verify.diff_rulebook", lang, stated=_short(stated_rulebook), actual=_short({"id": rulebook.id, "version": rulebook.version}))
        )
    readings = stated.get("readings") or {}
    try:
        recomputed = assess(application, rulebook, as_of, readings if isinstance(readings, dict) else {})
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
    if not result.differences and rerender:
        result.differences += _compare_pages(pdf_bytes, application, rulebook, as_of, readings, stated.get("rendition"), lang, result)
    if not result.differences:
        result.status = OK
    return result


def _compare_pages(pdf_bytes: bytes, application: Application, rulebook: Rulebook, as_of: date, readings: dict, rendition: Any, lang: str, result: VerifyResult) -> list[str]:
    """Render the dossier again from its embedded data and compare the files byte for byte.

    The data can be consistent while the printed pages were edited; rendering is deterministic
    for the same software, so any other byte means the file changed after it was made. A
    dossier from another software version, or one with a readiness appendix (whose logs it does
    not embed), cannot be re-rendered: it passes on its data, with `pages_checked` false."""
    from .. import __version__
    from . import build_dossier

    if not isinstance(rendition, dict) or rendition.get("software") != __version__ or rendition.get("readiness"):
        return []
    try:
        generated_at = datetime.fromisoformat(str(rendition.get("generated_at")))
        again = build_dossier(application, rulebook, as_of, readings, str(rendition.get("lang") or "zh"), rendition.get("addressee"), generated_at)
    except (ValueError, TypeError):
        return [t("dossier.verify.diff_pages", lang)]
    if again != pdf_bytes:
        return [t("dossier.verify.diff_pages", lang)]
    result.pages_checked = True
    return []


def _verdict_text(value: Any, lang: str) -> str:
    from ..i18n import has

    return t(f"verdict.{value}", lang) if isinstance(value, str) and has(f"verdict.{value}", lang) else _short(value)
