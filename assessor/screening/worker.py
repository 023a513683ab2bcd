"""The work done for one file: read it, validate it, assess it, note what other files are
compared on. Runs in a worker process for large batches, so it takes and returns plain data.

Nothing here may raise: every failure becomes a record with status `error` and its reason.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from ..batch import assess_document
from ..budget import TimeBudgetExceeded, time_budget
from ..core.engine import Assessment, Status
from ..i18n import os_error_values
from ..intake import ApplicationError, parse_application
from ..core.model import Application, Evidence
from ..core.rulebook import Rulebook, load_rulebook
from .collect import FileTooLarge, Source
from .reasons import Reason
from .record import SCREENED, Facts, Flag, Record, SiteFact

_log = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True, slots=True)
class Settings:
    """What every file of one run is assessed with."""

    as_of: date
    readings: dict[str, str] = field(default_factory=dict)
    rulebook_path: str | None = None
    # Dates of past events are checked against this day; it is at least `as_of`, so a ledger
    # month after `as_of` is read (and flagged) rather than refused.
    today: date | None = None
    # The language a dossier's differences are written in.
    lang: str = "zh"
    # Wall time one file may take to be read, checked and assessed (a dossier's page check
    # renders it again: a few seconds here); past it the file's row says so and the batch goes on.
    seconds_per_file: float = 120.0

    @property
    def validation_day(self) -> date:
        return max(self.today or date.today(), self.as_of)


def kind_of(source: Source, data: bytes) -> str:
    """json, excel or pdf: by content first, the name only where content cannot tell."""
    if data.startswith(PDF_MAGIC):
        return "pdf"
    if source.suffix in (".xlsx", ".xlsm"):
        return "excel"
    if data.startswith(ZIP_MAGIC):
        return "excel"
    if source.suffix == ".pdf":
        return "pdf"
    return "json"


def screen_source(source: Source, settings: Settings, rulebook: Rulebook | None = None) -> Record:
    return screen_in_full(source, settings, rulebook)[0]


def screen_in_full(source: Source, settings: Settings, rulebook: Rulebook | None = None) -> tuple[Record, Application | None, Assessment | None]:
    """The record, and for a drill-down the application and its full assessment."""
    record = Record(source.label, kind="")
    try:
        data = source.read()
    except FileTooLarge as exc:
        record.reasons = (Reason("screening.error.too_large", {"mb": exc.size // 2**20}),)
        return record, None, None
    except OSError as exc:
        record.reasons = (Reason("screening.error.unreadable", os_error_values(exc)),)
        return record, None, None
    except Exception:  # noqa: BLE001 - a damaged zip member (bad CRC, bad header)
        # The row names the file in fixed words; the library's own text stays out of it.
        _log.debug("reading %s failed", source.label, exc_info=True)
        record.reasons = (Reason("screening.error.member_unreadable", {"file": source.label}),)
        return record, None, None
    record.sha256 = hashlib.sha256(data).hexdigest()
    record.kind = kind_of(source, data)
    try:
        with time_budget(settings.seconds_per_file):
            # A JSON file goes to the batch path as it is; a workbook or dossier is read here first.
            document = data if record.kind == "json" else _application(record, data, settings)
            if document is None:
                return record, None, None
            rulebook = rulebook or load_rulebook(settings.rulebook_path)
            application, assessment = assess_document(document, rulebook, settings.as_of, settings.readings, settings.validation_day, record.label)
    except TimeBudgetExceeded as exc:
        record.reasons = (Reason("screening.error.time_budget", {"file": source.label, "seconds": f"{exc.seconds:g}"}),)
        return record, None, None
    except ApplicationError as exc:
        record.reasons = tuple(Reason.from_problem(p) for p in exc.problems) or (Reason("screening.error.invalid", {}),)
        return record, None, None
    except Exception:  # noqa: BLE001 - one broken file must never stop the batch
        # Fixed words naming the file: an exception's text is for a developer (logged at debug
        # level), not for the reader of a screening table.
        _log.debug("screening %s failed", source.label, exc_info=True)
        record.reasons = (Reason("screening.error.failed", {"file": source.label}),)
        return record, None, None
    _fill(record, application, assessment)
    return record, application, assessment


def screen_chunk(sources: Sequence[Source], settings: Settings) -> list[Record]:
    """Every source screened with the same settings."""
    return screen_items([(source, settings) for source in sources])


def screen_items(items: Sequence[tuple[Source, Settings]], _shared: object = None) -> list[Record]:
    """Each source screened with its own settings (its own assessment date): the work
    `batch.run_batch` gives each worker. Settings are resolved once per distinct value."""
    rulebooks: dict[str | None, Rulebook] = {}
    fixed: dict[int, Settings] = {}  # by identity: a run shares one Settings per date
    records = []
    for source, settings in items:
        ready = fixed.get(id(settings))
        if ready is None:  # "today" read once per chunk, not once per file
            ready = fixed[id(settings)] = replace(settings, today=settings.validation_day)
        rulebook = rulebooks.get(settings.rulebook_path)
        if rulebook is None:
            rulebook = rulebooks[settings.rulebook_path] = load_rulebook(settings.rulebook_path)
        records.append(screen_in_full(source, ready, rulebook)[0])
    return records


def _application(record: Record, data: bytes, settings: Settings) -> Application | None:
    today = settings.validation_day
    if record.kind == "json":
        return parse_application(data, today=today, source=record.label)
    if record.kind == "excel":
        if not data.startswith(ZIP_MAGIC):
            record.reasons = (Reason("screening.error.not_workbook", {}),)
            return None
        from ..intake.excel import application_from_workbook

        return application_from_workbook(data, today=today)
    return _from_dossier(record, data, settings)


def _from_dossier(record: Record, data: bytes, settings: Settings) -> Application | None:
    """The application a dossier embeds, with the dossier's own check: the stated assessment
    recomputed at the dossier's as-of date and readings, every difference named."""
    from ..dossier import verify_dossier

    result = verify_dossier(data, lang=settings.lang)
    record.verify = result.status
    record.verify_differences = tuple(result.differences)
    stated = result.stated if isinstance(result.stated, dict) else {}
    record.stated_verdict = str(stated.get("verdict") or "")
    if result.recomputed is not None:
        record.dossier_verdict = result.recomputed.verdict.value
    if result.application is None:
        key = "screening.error.not_dossier" if result.status == "not_dossier" else "screening.error.dossier_invalid"
        record.reasons = (Reason(key, {"detail": "; ".join(result.differences)[:500]}),)
        return None
    return result.application


# ---------------------------------------------------------------- what a record keeps


def _fill(record: Record, app: Application, assessment: Assessment) -> None:
    record.status = SCREENED
    record.applicant = app.applicant.name
    record.credit_code = app.applicant.credit_code
    record.verdict = assessment.verdict.value
    record.as_of = assessment.as_of
    record.fingerprint = assessment.fingerprint
    record.not_met = tuple(f.criterion for f in assessment.findings if f.status is Status.NOT_MET)
    record.insufficient = tuple(f.criterion for f in assessment.findings if f.status is Status.INSUFFICIENT_EVIDENCE)
    _margins(record, app, assessment)
    record.facts = facts_of(app)
    record.flags = own_flags(app, assessment, record)


def _of_kind(assessment: Assessment, kind: str) -> list:
    return [f for f in assessment.findings if f.kind == kind and f.status is not Status.NOT_APPLICABLE]


def _margins(record: Record, app: Application, assessment: Assessment) -> None:
    """How far each figure lies above (positive) or below (negative) its threshold, read from
    the findings by their kind: the sum that binds (the highest threshold), each counted site,
    the duration."""
    sums = [f for f in _of_kind(assessment, "min_sum") if f.measured is not None and f.threshold is not None]
    if sums:
        binding = max(sums, key=lambda f: f.threshold.value)
        record.premium_margin = binding.measured.value - binding.threshold.value
    for finding in _of_kind(assessment, "min_count_per_site"):
        if finding.threshold is None:
            continue
        surplus = tuple((part.key, int(part.measured.value) - int(finding.threshold.value)) for part in finding.parts if part.measured is not None)
        sites = {site.id for site in app.existing_sites}
        if surplus and all(key in sites for key, _ in surplus):
            record.site_surplus = surplus
        elif len(surplus) == 1:
            record.proposed_surplus = surplus[0][1]
    for finding in _of_kind(assessment, "min_duration"):
        met_on = finding.explanation.values.get("met_on")
        if met_on:
            record.tenure_days = (assessment.as_of - date.fromisoformat(met_on)).days


_ADDRESS_NOISE = re.compile(r"[\s,，.。、;；:：()（）\[\]【】\-—_/#·'\"“”‘’]+")


def address_key(address: str) -> str:
    """An address as compared: full-width folded, spaces and punctuation dropped, case folded."""
    return _ADDRESS_NOISE.sub("", unicodedata.normalize("NFKC", address)).casefold()


def phone_key(number: str) -> str:
    """A telephone number as compared: digits only, without +86/0086, with the trunk 0."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", number))
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) >= 12:
            rest = digits[len(prefix) :]
            digits = rest if (len(rest) == 11 and rest.startswith("1")) else "0" + rest.lstrip("0")
            break
    return digits


def name_key(name: str) -> str:
    return re.sub(r"[\s·•.]+", "", unicodedata.normalize("NFKC", name)).casefold()


def facts_of(app: Application) -> Facts:
    site = app.proposed_site
    numbers = [*site.inbound_numbers, *site.outbound_numbers, *app.company.nationwide_numbers]
    if app.applicant.contact_phone:
        numbers.append(app.applicant.contact_phone)
    phones = tuple(dict.fromkeys(pair for pair in ((phone_key(n), n) for n in numbers) if pair[0]))
    managers = tuple(dict.fromkeys(pair for pair in ((name_key(m.name), m.name) for m in site.management_team) if pair[0]))
    existing = tuple(SiteFact(s.id, s.name, s.address, address_key(s.address), s.seats) for s in app.existing_sites)
    return Facts(app.applicant.credit_code, existing, site.address, address_key(site.address), phones, managers)


# ---------------------------------------------------------------- flags one file shows alone


def own_flags(app: Application, assessment: Assessment, record: Record) -> list[Flag]:
    flags: list[Flag] = []
    # The engine already compares the declared total with the ledger and counts ledger months
    # outside the window; its notes are the one place those rules live.
    for note in (n for f in _of_kind(assessment, "min_sum") for n in f.notes):
        if note.key.endswith("note_mismatch"):
            flags.append(Flag("declared_total_mismatch", {k: str(v) for k, v in note.values.items()}))
        elif note.key.endswith("note_before_start"):
            since = app.centralized_selling.since.isoformat() if app.centralized_selling else ""
            flags.append(Flag("ledger_before_start", {"n": note.values.get("n", 0), "since": since}))
        elif note.key.endswith("note_after_as_of"):
            flags.append(Flag("ledger_after_as_of", {"n": note.values.get("n", 0), "as_of": assessment.as_of.isoformat()}))
    unhashed = sorted({e.document for e in _all_evidence(app) if not e.sha256})
    if unhashed:
        flags.append(Flag("evidence_without_hash", {"n": len(unhashed), "documents": "、".join(unhashed[:5]) + ("…" if len(unhashed) > 5 else "")}))
    # Compared at the dossier's own as-of date: a verdict that changed only because time passed
    # is not a red flag.
    if record.kind == "pdf" and record.dossier_verdict and record.stated_verdict != record.dossier_verdict:
        flags.append(Flag("dossier_verdict_differs", {"stated_verdict": record.stated_verdict, "recomputed_verdict": record.dossier_verdict}))
    return flags


def _all_evidence(app: Application) -> list[Evidence]:
    evidence: list[Evidence] = []
    if app.centralized_selling:
        evidence += app.centralized_selling.evidence
    if app.premiums.declared_total:
        evidence += app.premiums.declared_total.evidence
    for site in app.existing_sites:
        evidence += site.evidence
    evidence += app.proposed_site.evidence
    unifications = app.unifications
    for group in (unifications.staff, unifications.systems, unifications.numbers, unifications.products, unifications.operations):
        for name in type(group).model_fields:
            evidence += getattr(group, name).evidence
    return evidence
