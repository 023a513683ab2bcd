"""The dossier's view model: every figure and sentence the templates print, built in Python.

Templates only lay out what this module hands them, so what the dossier says can be tested
without rendering a PDF. Fixed labels come from the locale files through `tr` in the
templates; everything that depends on the facts is composed here, in the chosen language.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from .. import __version__
from ..core.engine import Assessment, Finding, Status, Verdict, add_years, window_start
from ..i18n import format_yuan, has, t
from ..core.model import Application, ApplicationType, Attestation
from ..report import format_quantity
from ..core.rulebook import Rulebook

ATTACHMENT_NAMES = ("application.json", "assessment.json")
HEADINGS_ZH = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二: the numerals of 一、/（一） headings (up to 99)."""
    if n <= 10:
        return HEADINGS_ZH[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else HEADINGS_ZH[tens - 1]) + "十" + (HEADINGS_ZH[ones - 1] if ones else "")


def heading_number(level: int, n: int, lang: str) -> str:
    """GB/T 9704-2012 heading numbers: 一、 / （一） / 1. / （1）; plain numbers in English."""
    if lang != "zh":
        return {1: f"{n}. ", 2: f"({chr(96 + n)}) ", 3: f"{n}. ", 4: f"({n}) "}[level]
    return {1: f"{cn_number(n)}、", 2: f"（{cn_number(n)}）", 3: f"{n}.", 4: f"（{n}）"}[level]


def letter_date(day: date, lang: str) -> str:
    """成文日期 in Arabic numerals, year in full, month and day without a leading zero."""
    return t("dossier.letter.date", lang, year=day.year, month=day.month, day=day.day)


def _d(value: date | None, lang: str) -> str:
    if value is None:
        return "—"
    return letter_date(value, lang) if lang == "zh" else value.isoformat()


_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def gb_punct(text: str, lang: str = "zh") -> str:
    """GB/T 15834-2011 marks in Chinese text: “” and ‘’ for 「」 and 『』, and full-width
    parentheses where a bracket or its contents touch Chinese (四(一) → 四（一）)."""
    if lang != "zh" or not text:
        return text
    text = text.translate(str.maketrans({"「": "“", "」": "”", "『": "‘", "』": "’"}))

    def paren(m: re.Match) -> str:
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if _CJK.search(m.group(0)) or _CJK.match(before or " ") or _CJK.match(after or " "):
            return f"（{m.group(1)}）"
        return m.group(0)

    return re.sub(r"\(([^()]*)\)", paren, text)


def beijing_day(moment: datetime) -> date:
    """The calendar day in Beijing (UTC+8) at `moment`; a naive moment is taken as Beijing time."""
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(timezone(timedelta(hours=8))).date()


TITLE_CHARS = 20  # 二号 (22 pt) characters in the 156 mm text block


def break_title(pieces: list[str], lang: str, width: int = TITLE_CHARS) -> tuple[str, ...]:
    """The title's lines from its `pieces`, the places a line may break (never inside a word,
    never before a lone 的请示), packed greedily into lines of `width` characters. English
    titles are one line, wrapped by the layout."""
    pieces = [piece for piece in pieces if piece]
    if lang != "zh":
        return (" ".join(pieces),)
    lines: list[str] = []
    for piece in pieces:
        if lines and len(lines[-1]) + len(piece) <= width:
            lines[-1] += piece
        else:
            lines.append(piece)
    return tuple(lines)


def gap_text(finding: Finding, lang: str) -> str:
    """How far a finding is from being met: the amount short (never understated) and, for
    anything time-bound, the day it closes, in the letter's date form."""
    from decimal import ROUND_UP

    gap = finding.gap
    if gap is None:
        return "—"
    pieces = []
    if gap.amount is not None:
        pieces.append(format_quantity(gap.amount, lang, ROUND_UP))
    if gap.closes_on is not None:
        pieces.append(t("dossier.gap.closes_on", lang, date=_d(gap.closes_on, lang)))
    return _sentence_join(pieces, lang) or "—"


def _join(items: list[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(items)


def _sentence_join(items: list[str], lang: str) -> str:
    return ("；" if lang == "zh" else "; ").join(items)


# ---------------------------------------------------------------- view types


@dataclass(frozen=True, slots=True)
class Row:
    cells: tuple[str, ...]
    css: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    numeric: tuple[int, ...] = ()  # columns to right-align
    note: str = ""
    kind: str = ""  # names the table for the stylesheet's column widths


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    heading: str = ""  # a run-in heading such as （一）人员统一。


@dataclass(frozen=True, slots=True)
class LetterSection:
    number: str
    heading: str
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True, slots=True)
class Letter:
    """The 请示 (GB/T 9704-2012), in the company's voice: made only for an eligible (or, for a
    relocation, no-obstacle) result that is not projected."""

    issuer_mark: str  # 发文机关标志, printed red
    mark_size: float  # its size in points, so that it fits the text block on one line
    doc_number: str  # 发文字号; a visible placeholder when not given
    signers: str  # 签发人 names; blank space for a hand-written name when not given
    title: str
    title_lines: tuple[str, ...]  # broken only where the words stay whole
    addressee: str
    opening: str
    sections: tuple[LetterSection, ...]
    request: str
    closing: str
    attachments: tuple[str, ...]
    signer: str  # 发文机关署名
    date: str
    contact: str
    pads: tuple[float, float] = (0.0, 0.0)  # right padding of 署名 and 成文日期, in points
    banji: Banji | None = None  # 版记, printed only when 抄送 is given


@dataclass(frozen=True, slots=True)
class Banji:
    """版记 (GB/T 9704-2012 §7.4) at the foot of the document's last page: 抄送, then
    印发机关 and 印发日期 between a thick, a thin and a thick rule."""

    cc: str  # 抄送：…。
    office: str  # 印发机关
    printed: str  # 2026年7月1日印发


@dataclass(frozen=True, slots=True)
class GapReport:
    """The internal 差距分析报告 made instead of a 请示 when there is nothing to ask for."""

    mark: str  # 内部资料，不得报送
    title: str
    title_lines: tuple[str, ...]
    intro: str
    projected: str  # why a projection is no 请示, "" otherwise
    shortfalls: Table
    overall: str
    changes: tuple[str, ...]
    changes_none: str
    company: str
    date: str
    pads: tuple[float, float] = (0.0, 0.0)


@dataclass(frozen=True, slots=True)
class Cover:
    title: str
    mark: str
    subtitle: str
    fields: tuple[tuple[str, str], ...]
    verdict: str
    verdict_css: str


@dataclass(frozen=True, slots=True)
class CriterionSection:
    number: str
    criterion: str
    clause: str
    title: str
    status: str
    status_css: str
    clause_text: str
    explanation: str
    figures: tuple[tuple[str, str], ...]
    parts: Table | None
    evidence: tuple[str, ...]
    missing: tuple[str, ...]
    readings: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ChartView:
    number: int
    id: str
    caption: str
    svg: str  # filled in by the renderer; the view model stays free of drawing


@dataclass(frozen=True, slots=True)
class AttachmentEntry:
    criterion: str
    title: str
    documents: tuple[tuple[str, str], ...]  # (name, sha256 or "")
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EvidenceEntry:
    """One document the application cites: its name, SHA-256 (or ""), and the conditions it
    supports, by title."""

    document: str
    sha256: str
    supports: str
    attachment: str = ""  # 附件N when the file itself is bound to the dossier
    detail: str = ""  # its size and, for a PDF, its pages


@dataclass(frozen=True, slots=True)
class Method:
    fields: tuple[tuple[str, str], ...]
    readings: Table
    conventions: tuple[str, ...]
    notes: tuple[str, ...]
    currency_notice: str
    fingerprint: str
    fingerprint_note: str


@dataclass(frozen=True, slots=True)
class DossierView:
    lang: str
    html_lang: str
    document_title: str
    running_header: str
    applicant: str
    generated_at: str
    generated_w3c: str
    fingerprint: str
    verdict: str
    verdict_css: str
    cover: Cover
    letter: Letter | None
    gap: GapReport | None
    section_numbers: dict[str, str]
    summary: Table
    summary_notes: tuple[str, ...]
    criteria: tuple[CriterionSection, ...]
    charts: tuple[ChartView, ...]
    tables: tuple[Table, ...]
    attachments: tuple[AttachmentEntry, ...]
    method: Method
    readiness: Any = None
    attachment_titles: tuple[str, ...] = ()
    evidence: tuple[EvidenceEntry, ...] = ()
    internal_annex: bool = True
    internal_mark: str = ""
    missing_files: tuple[str, ...] = ()  # documents the application names that were not provided (未附)
    extra: dict[str, Any] = field(default_factory=dict)


STATUS_CSS = {
    Status.MET: "met",
    Status.NOT_MET: "not-met",
    Status.INSUFFICIENT_EVIDENCE: "insufficient",
    Status.NOT_APPLICABLE: "na",
}
VERDICT_CSS = {
    Verdict.ELIGIBLE: "met",
    Verdict.NO_OBSTACLE: "met",
    Verdict.NOT_ELIGIBLE: "not-met",
    Verdict.INCOMPLETE: "insufficient",
    Verdict.OUT_OF_SCOPE: "na",
}


# ---------------------------------------------------------------- pieces


def missing_label(key: str, rulebook: Rulebook, lang: str) -> str:
    """A human name for an entry of Finding.missing_evidence (a fact path or a sub-item key)."""
    group, _, name = key.partition(".")
    if name and group in rulebook.items and name in rulebook.items[group]:
        return rulebook.items[group][name].in_(lang)
    if has(f"dossier.missing.{key}", lang):
        return t(f"dossier.missing.{key}", lang)
    return key


def _reading_lines(finding: Finding, rulebook: Rulebook, lang: str) -> tuple[str, ...]:
    lines = []
    for key, value in finding.readings.items():
        reading = rulebook.readings[key]
        label = reading.en if lang == "en" else reading.zh
        lines.append(f"{label}：{reading.options[value].in_(lang)}" if lang == "zh" else f"{label}: {reading.options[value].in_(lang)}")
    return tuple(lines)


def _evidence_names(evidence) -> tuple[str, ...]:
    return tuple(dict.fromkeys(e.document for e in evidence))


def _criterion_section(n: int, finding: Finding, rulebook: Rulebook, lang: str) -> CriterionSection:
    figures = (
        (t("dossier.summary.measured", lang), format_quantity(finding.measured, lang)),
        (t("dossier.summary.threshold", lang), format_quantity(finding.threshold, lang)),
        (t("dossier.summary.gap", lang), gap_text(finding, lang)),
    )
    parts = None
    if finding.parts:
        rows = tuple(
            Row(
                (
                    gb_punct(part.label[lang], lang),
                    t(f"status.{part.status.value}", lang),
                    format_quantity(part.measured, lang) if part.measured else "—",
                    _join(list(_evidence_names(part.evidence)), lang) or "—",
                ),
                STATUS_CSS[part.status],
            )
            for part in finding.parts
        )
        parts = Table(
            t("dossier.criterion.parts", lang),
            (t("dossier.criterion.part", lang), t("dossier.summary.status", lang), t("dossier.summary.measured", lang), t("dossier.criterion.evidence", lang)),
            rows,
            (2,),
            kind="parts",
        )
    return CriterionSection(
        number=heading_number(2, n, lang),
        criterion=finding.criterion,
        clause=gb_punct(finding.clause, lang),
        title=gb_punct(finding.title[lang], lang),
        status=t(f"status.{finding.status.value}", lang),
        status_css=STATUS_CSS[finding.status],
        clause_text=gb_punct(finding.clause_text, lang),
        explanation=gb_punct(finding.explanation.text(lang), lang),
        figures=figures,
        parts=parts,
        evidence=_evidence_names(finding.evidence),
        missing=tuple(missing_label(k, rulebook, lang) for k in finding.missing_evidence),
        readings=_reading_lines(finding, rulebook, lang),
        notes=tuple(gb_punct(note.text(lang), lang) for note in finding.notes),
    )


def _summary(assessment: Assessment, lang: str) -> Table:
    rows = tuple(
        Row(
            (
                gb_punct(f.title[lang], lang),
                gb_punct(f.clause, lang),
                t(f"status.{f.status.value}", lang),
                format_quantity(f.measured, lang),
                format_quantity(f.threshold, lang),
                gap_text(f, lang),
            ),
            STATUS_CSS[f.status],
        )
        for f in assessment.findings
    )
    header = tuple(t(f"dossier.summary.{k}", lang) for k in ("criterion", "clause", "status", "measured", "threshold", "gap"))
    return Table(t("dossier.summary.table_heading", lang), header, rows, (3, 4, 5), kind="summary")


# ---------------------------------------------------------------- the letter


def _attested_labels(app: Application, rulebook: Rulebook, group: str, lang: str) -> tuple[list[str], list[str]]:
    """Labels of a unification's sub-items that are attested with evidence, and the rest."""
    done, pending = [], []
    attestations = getattr(app.unifications, group)
    for name, label in rulebook.items.get(group, {}).items():
        a: Attestation = getattr(attestations, name)
        (done if a.attested is True and a.evidence else pending).append(label.in_(lang))
    return done, pending


def _unification_paragraphs(app: Application, assessment: Assessment, rulebook: Rulebook, lang: str) -> tuple[Paragraph, ...]:
    site = app.proposed_site
    paragraphs = []
    by_group = {c.params.group: c for c in rulebook.criteria if hasattr(c.params, "group")}
    for n, (group, criterion) in enumerate(by_group.items(), start=1):
        finding = assessment.finding(criterion.id)
        done, pending = _attested_labels(app, rulebook, group, lang)
        if group == "staff":
            members = _join([t("dossier.letter.unif_member", lang, name=m.name, role=m.role, unit=m.employing_unit) for m in site.management_team], lang)
            team = t("dossier.letter.unif_team", lang, members=members) if members else ""
            text = t("dossier.letter.unif_staff", lang, team=team)
        elif group == "systems":
            system = t("dossier.letter.unif_system_name", lang, name=site.business_system) if site.business_system else ""
            text = t("dossier.letter.unif_systems", lang, system=system, items=_join(done, lang) or t("dossier.letter.none_listed", lang))
        elif group == "numbers":
            numbers = ""
            if site.inbound_numbers or site.outbound_numbers:
                none = t("dossier.letter.none_listed", lang)
                numbers = t(
                    "dossier.letter.unif_numbers_list",
                    lang,
                    inbound=_join(site.inbound_numbers, lang) or none,
                    outbound=_join(site.outbound_numbers, lang) or none,
                )
            text = t("dossier.letter.unif_numbers", lang, numbers=numbers)
        elif group == "products":
            names = {p.code: p.name for p in app.company.approved_products}
            listed = _join([f"{code} {names[code]}" if names.get(code) else code for code in site.products], lang)
            products = t("dossier.letter.unif_products_list", lang, list=listed) if listed else ""
            text = t("dossier.letter.unif_products", lang, products=products)
        else:
            text = t("dossier.letter.unif_operations", lang, items=_join(done, lang) or t("dossier.letter.none_listed", lang))
        if finding.status is not Status.MET:
            problems = [part.label[lang] for part in finding.parts if part.status is not Status.MET]
            problems += [missing_label(k, rulebook, lang) for k in finding.missing_evidence if "." in k and k.split(".")[0] not in rulebook.items]
            text += t("dossier.letter.unif_pending", lang, items=_join(list(dict.fromkeys(problems)), lang) or finding.explanation.text(lang))
        heading = f"{heading_number(2, n, lang)}{finding.title[lang]}{'。' if lang == 'zh' else '. '}"
        paragraphs.append(Paragraph(text, heading))
    return tuple(paragraphs)


def _letter(
    app: Application, assessment: Assessment, rulebook: Rulebook, lang: str, addressee: str, day: date, readiness: Any = None, doc_number: str = "", signers: str = "",
    documents: tuple[str, ...] = (),
    cc: str = "",
) -> Letter:
    applicant = app.applicant
    relocation = applicant.application_type is ApplicationType.RELOCATION
    kind = "relocation" if relocation else "new_site"
    site = app.proposed_site
    notice = rulebook.title(lang)
    as_of = _d(assessment.as_of, lang)
    since = _d(app.centralized_selling.since, lang) if app.centralized_selling else t("dossier.letter.since_unknown", lang)
    approved = (
        t("dossier.letter.approved_ref", lang, ref=applicant.telemarketing_approval_ref)
        if applicant.telemarketing_approval_ref
        else t("dossier.letter.approved_no_ref", lang)
    )
    opening_date = t("dossier.letter.opening_date", lang, date=_d(site.planned_opening, lang)) if site.planned_opening else ""
    opening = t(f"dossier.letter.opening_{kind}", lang, approved=approved, since=since, notice=notice, city=site.city, address=site.address, seats=f"{site.planned_seats:,}", opening=opening_date)

    findings = {f.criterion: f for f in assessment.findings}
    kinds = {c.id: c.kind for c in rulebook.criteria}

    def of_kind(kind_name: str) -> list[Finding]:
        return [findings[cid] for cid, k in kinds.items() if k == kind_name]

    sections: list[LetterSection] = []

    # 一、 centralized selling and premium
    selling: list[Paragraph] = []
    for f in of_kind("min_duration"):
        if f.status is Status.NOT_APPLICABLE:
            continue
        if app.centralized_selling is None:
            selling.append(Paragraph(t("dossier.letter.tenure_unknown", lang)))
            continue
        years = rulebook.criterion(f.criterion).params.years
        met_on = add_years(app.centralized_selling.since, years)
        key = "tenure_met" if assessment.as_of >= met_on else "tenure_not_met"
        selling.append(Paragraph(t(f"dossier.letter.{key}", lang, as_of=as_of, since=since, years=years, days=f.measured.value if f.measured else 0, met_on=_d(met_on, lang))))
    for f in of_kind("min_sum"):
        if f.status is Status.NOT_APPLICABLE:
            continue
        if f.measured is None:
            selling.append(Paragraph(t("dossier.letter.premium_unknown", lang)))
        else:
            # A figure is stated as of its own cut-off date (a declared total's own as_of).
            on = f.explanation.values.get("on") if f.explanation else None
            cut_off = _d(date.fromisoformat(on), lang) if isinstance(on, str) else as_of
            key = "premium_ledger" if app.premiums.ledger else "premium_declared"
            selling.append(Paragraph(t(f"dossier.letter.{key}", lang, as_of=cut_off, amount=format_yuan(f.measured.value, lang))))
    # 二、 seats
    seats: list[Paragraph] = []
    if app.existing_sites:
        items = [
            t("dossier.letter.site_item" if s.approval_ref else "dossier.letter.site_item_no_ref", lang, name=s.name, city=s.city, ref=s.approval_ref or "", seats=f"{s.seats:,}")
            for s in app.existing_sites
        ]
        seats.append(Paragraph(t("dossier.letter.sites", lang, n=len(app.existing_sites), list=_sentence_join(items, lang))))
    else:
        seats.append(Paragraph(t("dossier.letter.no_sites", lang)))
    seats.append(Paragraph(t("dossier.letter.new_site", lang, seats=f"{site.planned_seats:,}")))
    # 三、 complaints and violations
    record: list[Paragraph] = []
    for f in of_kind("no_event_in_window"):
        if f.status is Status.NOT_APPLICABLE:
            continue
        params = rulebook.params_for(rulebook.criterion(f.criterion), dict(assessment.readings))
        start = _d(window_start(assessment.as_of, params.window_years), lang)
        if f.status is Status.MET:
            key = "window_met" if params.bounded else "window_met_unbounded"
            noun = params.noun.get(lang, params.noun.get("zh", "")) if params.noun else f.title[lang]
            record.append(Paragraph(t(f"dossier.letter.{key}", lang, start=start, end=as_of, noun=noun)))
        else:
            record.append(Paragraph(f.explanation.text(lang)))

    if relocation:
        seats.insert(0, Paragraph(t("dossier.letter.relocation_intro", lang)))
    n = 0
    for heading, paragraphs in (("h_selling", selling), ("h_seats", seats), ("h_record", record)):
        if paragraphs:
            n += 1
            sections.append(LetterSection(heading_number(1, n, lang), t(f"dossier.letter.{heading}", lang), tuple(paragraphs)))
    n += 1
    sections.append(LetterSection(heading_number(1, n, lang), t("dossier.letter.h_unifications", lang), _unification_paragraphs(app, assessment, rulebook, lang)))

    if relocation:
        request = t("dossier.letter.request_relocation", lang, city=site.city, address=site.address)
    else:
        request = t("dossier.letter.request_eligible", lang, notice=notice, city=site.city)
    if applicant.contact_person and applicant.contact_phone:
        contact = t("dossier.letter.contact", lang, person=applicant.contact_person, phone=applicant.contact_phone)
    else:
        contact = t("dossier.letter.contact_missing", lang)
    names = attachment_titles(lang, readiness) + documents  # the applicant's own files follow, by title
    # 附件说明: numbered 1. 2. …, no punctuation after a title (GB/T 9704-2012 §7.3.4).
    attachments = tuple(f"{i}. {name}" for i, name in enumerate(names, start=1)) if len(names) > 1 else tuple(names)
    p = lambda text: gb_punct(text, lang)  # noqa: E731
    lines = title_lines(f"dossier.letter.title_{kind}", lang, applicant.name)
    mark = p(t("dossier.letter.issuer_mark", lang, company=applicant.name))
    return Letter(
        issuer_mark=mark,
        mark_size=mark_size(mark),
        doc_number=p(doc_number or t("dossier.letter.doc_number_default", lang, year=day.year)),
        signers=p(signers or "\u3000" * 4),
        title="".join(lines) if lang == "zh" else " ".join(lines),
        title_lines=lines,
        addressee=p(addressee),
        opening=p(opening),
        sections=tuple(
            LetterSection(s.number, p(s.heading), tuple(Paragraph(p(x.text), p(x.heading)) for x in s.paragraphs)) for s in sections
        ),
        request=p(request),
        closing=t("dossier.letter.closing", lang),
        attachments=tuple(p(a) for a in attachments),
        signer=p(applicant.name),
        date=letter_date(day, lang),
        contact=p(contact),
        pads=signature_pads(p(applicant.name), letter_date(day, lang)),
        banji=_banji(cc, applicant.name, day, lang) if cc.strip() else None,
    )


def _banji(cc: str, company: str, day: date, lang: str) -> Banji:
    """抄送 recipients as the user wrote them, separated by 、 or ，, closed with 。 (§7.4.2)."""
    text = gb_punct(cc.strip(), lang).rstrip("。.；;，,、 ")
    return Banji(
        cc=t("dossier.banji.cc", lang, recipients=text),
        office=gb_punct(t("dossier.banji.office", lang, company=company), lang),
        printed=t("dossier.banji.printed", lang, date=letter_date(day, lang)),
    )


ATTACHMENTS = ("review", "data", "evidence")
TEXT_BLOCK_PT = 156 / 25.4 * 72  # GB/T 9704-2012: the text block is 156 mm wide


CHAR_PT = TEXT_BLOCK_PT / 28  # one 3号 character of the 28-character line


def _width(text: str) -> float:
    """A text's width in body characters: CJK and full-width marks 1, anything else ½."""
    return sum(1.0 if ord(c) > 0x2E80 else 0.55 for c in text)


def signature_pads(name: str, day: str) -> tuple[float, float]:
    """Right padding (points) of the 署名 and the 成文日期 for a sealed document: the date ends
    four characters from the right, the name is centred above the date (GB/T 9704 §7.3.5.1)."""
    date_pad = 4.0
    centre = date_pad + _width(day) / 2
    name_pad = max(0.0, centre - _width(name) / 2)
    return round(name_pad * CHAR_PT, 1), round(date_pad * CHAR_PT, 1)


def mark_size(mark: str, largest: float = 36.0) -> float:
    """The 发文机关标志's size: as large as `largest` points, small enough to fit one line."""
    width = _width(mark) or 1.0
    return round(min(largest, TEXT_BLOCK_PT * 0.94 / width), 1)


def attachment_titles(lang: str, readiness: Any = None) -> tuple[str, ...]:
    """The titles of the documents bound after the letter, as 附件说明 lists them and as each
    附件 page is headed."""
    names = [t(f"dossier.attach.{key}", lang) for key in ATTACHMENTS]
    appendix_title = getattr(getattr(readiness, "appendix", None), "title", None)
    if appendix_title:
        names.append(gb_punct(str(appendix_title), lang))
    return tuple(names)


def title_lines(key: str, lang: str, company: str) -> tuple[str, ...]:
    """A title's lines: the locale text's "|" marks are split before the company's name is
    put in, so a "|" the applicant typed is only text."""
    pieces = [gb_punct(piece.format(company=company), lang) for piece in t(key, lang).split("|")]
    return break_title(pieces, lang)


def is_request(assessment: Assessment, application: Application | None = None, day: date | None = None) -> bool:
    """A 请示 is made only when there is something to ask for: eligible (no obstacle, for a
    relocation) on a date that is not in the future, for a site whose planned opening still
    lies after the 成文日期 `day`."""
    if assessment.verdict not in (Verdict.ELIGIBLE, Verdict.NO_OBSTACLE) or assessment.projected:
        return False
    return application is None or day is None or not opening_passed(application, day)


def opening_passed(application: Application, day: date) -> bool:
    """The planned opening is not after the 成文日期: a 请示 cannot propose it."""
    opening = application.proposed_site.planned_opening
    return opening is not None and opening <= day


def _gap_report(app: Application, assessment: Assessment, rulebook: Rulebook, lang: str, day: date) -> GapReport:
    from ..forecast import Outcome, forecast
    from ..scenarios import minimal_changes

    p = lambda text: gb_punct(text, lang)  # noqa: E731
    readings = dict(assessment.readings)
    fc = forecast(app, rulebook, assessment.as_of, readings)
    changes = minimal_changes(app, rulebook, assessment.as_of, readings, lang=lang, forecast_result=fc)
    met_on = {item.criterion: item for item in fc.criteria}
    rows = []
    for f in assessment.findings:
        if f.status in (Status.MET, Status.NOT_APPLICABLE):
            continue
        item = met_on.get(f.criterion)
        when = _d(item.met_on, lang) if item is not None and item.met_on else (p(item.reason.text(lang)) if item is not None else "—")
        rows.append(
            Row(
                (p(f.title[lang]), t(f"status.{f.status.value}", lang), format_quantity(f.measured, lang), format_quantity(f.threshold, lang), p(gap_text(f, lang)), when),
                STATUS_CSS[f.status],
            )
        )
    header = tuple(t(f"dossier.gap.{k}", lang) for k in ("criterion", "status", "measured", "threshold", "gap", "met_on"))
    table = Table("", header, tuple(rows), (2, 3, 4), note="" if rows else t("dossier.gap.nothing_short", lang), kind="gap")
    if fc.outcome is Outcome.ELIGIBLE_ON and fc.eligible_on:
        overall = t("dossier.gap.overall_on", lang, date=_d(fc.eligible_on, lang))
    elif fc.outcome is Outcome.ELIGIBLE_NOW:
        overall = t("dossier.gap.overall_now", lang, date=_d(fc.as_of, lang))
    elif fc.outcome is Outcome.BLOCKED:
        titles = {item.criterion: item.title[lang] for item in fc.criteria}
        overall = t("dossier.gap.overall_blocked", lang, items=_join([titles.get(c, c) for c in fc.blocked_by], lang) or "—")
    else:
        overall = t("dossier.gap.overall_out_of_scope", lang)
    relocation = app.applicant.application_type is ApplicationType.RELOCATION
    kind = "relocation" if relocation else "new_site"
    lines = title_lines(f"dossier.gap.title_{kind}", lang, app.applicant.name)
    verdict = t(f"verdict.{assessment.verdict.value}", lang)
    if assessment.projected:
        projected = t("dossier.gap.projected", lang, as_of=_d(assessment.as_of, lang), verdict=verdict)
    elif opening_passed(app, day):
        opening = _d(app.proposed_site.planned_opening, lang)
        projected = t("dossier.gap.opening_passed", lang, opening=opening, day=_d(day, lang))
    else:
        projected = ""
    return GapReport(
        mark=t("dossier.gap.mark", lang),
        title="".join(lines) if lang == "zh" else " ".join(lines),
        title_lines=lines,
        intro=p(t("dossier.gap.intro", lang, as_of=_d(assessment.as_of, lang), verdict=verdict)),
        projected=p(projected),
        shortfalls=table,
        overall=p(overall),
        changes=tuple(p(c.text(lang)) for c in changes),
        changes_none=t("dossier.gap.changes_none", lang),
        company=p(app.applicant.name),
        date=letter_date(day, lang),
        pads=signature_pads(p(app.applicant.name), letter_date(day, lang)),
    )


# ---------------------------------------------------------------- data tables


def _tables(app: Application, assessment: Assessment, lang: str) -> tuple[Table, ...]:
    yes, no = t("dossier.tables.yes", lang), t("dossier.tables.no", lang)
    site_rows = [
        Row((s.id, s.name, s.city, s.address, s.approval_ref or "—", s.approval_date.isoformat() if s.approval_date else "—", f"{s.seats:,}"))
        for s in app.existing_sites
    ]
    p = app.proposed_site
    site_rows.append(Row((t("dossier.tables.proposed", lang), "—", p.city, p.address, "—", p.planned_opening.isoformat() if p.planned_opening else "—", f"{p.planned_seats:,}"), "proposed"))
    sites = Table(
        t("dossier.tables.sites", lang),
        tuple(t(f"dossier.tables.{k}", lang) for k in ("site_id", "site_name", "city", "address", "approval", "approval_date", "seats")),
        tuple(site_rows),
        (6,),
        kind="sites",
    )

    exclusive: dict[int, Decimal] = defaultdict(Decimal)
    other: dict[int, Decimal] = defaultdict(Decimal)
    months: dict[int, set] = defaultdict(set)
    for row in app.premiums.ledger:
        (exclusive if row.telemarketing_exclusive else other)[row.month.year] += row.premium_yuan
        months[row.month.year].add(row.month)
    years = sorted(months)
    premium_rows = tuple(
        Row((str(y), format_yuan(exclusive[y], lang), format_yuan(other[y], lang) if other[y] else "—", str(len(months[y])))) for y in years
    )
    notes = []
    if not app.premiums.ledger:
        notes.append(t("dossier.tables.no_ledger", lang))
    if app.premiums.declared_total is not None:
        d = app.premiums.declared_total
        notes.append(t("dossier.tables.declared", lang, amount=format_yuan(d.amount_yuan, lang), as_of=d.as_of.isoformat()))
    premium = Table(
        t("dossier.tables.premium_by_year", lang),
        tuple(t(f"dossier.tables.{k}", lang) for k in ("year", "exclusive", "other_products", "months")),
        premium_rows,
        (1, 2, 3),
        " ".join(notes),
        kind="premium",
    )

    # The parts of a no-event finding are the events it counted, labelled "<date> <record>".
    counted = {part.label["zh"] for f in assessment.findings if f.kind == "no_event_in_window" for part in f.parts}

    def was_counted(day: date | None, record: Any) -> bool:
        return f"{day.isoformat() if day else '—'} {record.label()['zh']}" in counted

    def dated_by(record: Any) -> date | None:
        # the date the reading in force places a violation by: its conduct, or its decision
        field = "decision_date" if assessment.readings.get("violations_dated_by") == "decision" else "conduct_date"
        return getattr(record, field)

    complaints = Table(
        t("dossier.tables.complaints", lang),
        tuple(t(f"dossier.tables.{k}", lang) for k in ("date", "summary", "serious", "social", "complaint_status", "source", "in_window")),
        tuple(
            Row(
                (
                    c.date.isoformat(),
                    c.summary,
                    yes if c.seriously_harmed_consumers else no,
                    yes if c.major_social_impact else no,
                    t(f"dossier.tables.{c.status.value}", lang) + (f" {c.resolved_on.isoformat()}" if c.resolved_on else ""),
                    c.source or "—",
                    yes if was_counted(c.date, c) else no,
                ),
                "not-met" if was_counted(c.date, c) else "",
            )
            for c in sorted(app.complaints.incidents, key=lambda c: c.date)
        ),
        note=(t("dossier.tables.none", lang) + " " if not app.complaints.incidents else "")
        + t("dossier.tables.attested" if app.complaints.attested_complete else "dossier.tables.not_attested", lang),
        kind="complaints",
    )
    violations = Table(
        t("dossier.tables.violations", lang),
        tuple(t(f"dossier.tables.{k}", lang) for k in ("conduct_date", "decision_date", "authority", "decision_number", "kind", "summary", "in_window")),
        tuple(
            Row(
                (
                    v.conduct_date.isoformat(),
                    v.decision_date.isoformat() if v.decision_date else t("dossier.tables.under_investigation", lang),
                    v.authority,
                    v.decision_number or "—",
                    v.kind,
                    v.summary,
                    yes if was_counted(dated_by(v), v) else no,
                ),
                "not-met" if was_counted(dated_by(v), v) else "",
            )
            for v in sorted(app.violations.records, key=lambda v: v.conduct_date)
        ),
        note=(t("dossier.tables.none", lang) + " " if not app.violations.records else "")
        + t("dossier.tables.attested" if app.violations.attested_complete else "dossier.tables.not_attested", lang),
        kind="violations",
    )
    return sites, premium, complaints, violations


# ---------------------------------------------------------------- attachments and method


def _attachments(assessment: Assessment, rulebook: Rulebook, lang: str) -> tuple[AttachmentEntry, ...]:
    entries = []
    for f in assessment.findings:
        evidence = list(f.evidence) + [e for part in f.parts for e in part.evidence]
        documents = tuple(dict.fromkeys((e.document, e.sha256 or "") for e in evidence))
        entries.append(AttachmentEntry(f.criterion, f.title[lang], documents, tuple(missing_label(k, rulebook, lang) for k in f.missing_evidence)))
    return tuple(entries)


def document_title(name: str) -> str:
    """A bound file's title in 附件说明: its name without the extension."""
    stem, dot, ext = name.rpartition(".")
    return stem if dot and stem and 1 <= len(ext) <= 5 and ext.isascii() and ext.isalnum() else name


def file_detail(size: int, pages: int | None, lang: str) -> str:
    kb = max(1, round(size / 1024))
    key = "dossier.evidence.detail_pages" if pages is not None else "dossier.evidence.detail"
    return t(key, lang, kb=f"{kb:,}", pages=pages)


def _evidence_list(assessment: Assessment, lang: str, bound: dict[str, tuple[str, str, str]] | None = None) -> tuple[EvidenceEntry, ...]:
    bound = bound or {}
    documents: dict[tuple[str, str], list[str]] = {}
    for f in assessment.findings:
        for e in (*f.evidence, *(e for part in f.parts for e in part.evidence)):
            titles = documents.setdefault((e.document, e.sha256 or ""), [])
            title = gb_punct(f.title[lang], lang)
            if title not in titles:
                titles.append(title)
    entries = []
    for (name, sha), titles in documents.items():
        label, detail, actual = bound.get(name, ("", "", ""))
        entries.append(EvidenceEntry(gb_punct(name, lang), actual or sha, _join(titles, lang), label, detail))
    return tuple(entries)


def _method(assessment: Assessment, rulebook: Rulebook, lang: str, generated: str) -> Method:
    fields = (
        (t("dossier.method.rulebook", lang), rulebook.title(lang)),
        (t("dossier.method.issuer", lang), rulebook.issuer_en if lang == "en" else rulebook.issuer_zh),
        (t("dossier.method.issued", lang), rulebook.issued_on.isoformat()),
        (t("dossier.method.document_number", lang), rulebook.document_number or t("dossier.method.document_number_unknown", lang)),
        (t("dossier.method.successor", lang), rulebook.successor_authority_en if lang == "en" else rulebook.successor_authority_zh),
        (t("dossier.method.rulebook_id", lang), assessment.rulebook_id),
        (t("dossier.method.rulebook_version", lang), str(assessment.rulebook_version)),
        (t("dossier.method.rulebook_date", lang), rulebook.version_date.isoformat()),
        (t("dossier.method.as_of", lang), assessment.as_of.isoformat()),
        (t("dossier.method.generated", lang), generated),
        (t("dossier.method.software", lang), f"assessor {__version__}"),
        (t("dossier.method.embedded", lang), ", ".join(ATTACHMENT_NAMES)),
    )
    rows = []
    for key, value in assessment.readings.items():
        reading = rulebook.readings[key]
        rows.append(Row((f"{reading.en if lang == 'en' else reading.zh}", reading.clause, f"{key}={value}", reading.options[value].in_(lang))))
    readings = Table(
        t("dossier.method.readings", lang),
        (t("dossier.method.readings", lang), t("dossier.method.reading_clause", lang), "key=value", t("dossier.method.reading_choice", lang)),
        tuple(rows),
        kind="readings",
    )
    conventions = tuple(c["en" if lang == "en" else "zh"] for c in assessment.conventions.values())
    notes = tuple(note.text(lang) for note in assessment.notes)
    return Method(
        fields=fields,
        readings=readings,
        conventions=conventions,
        notes=notes,
        currency_notice=rulebook.currency_notice_en if lang == "en" else rulebook.currency_notice_zh,
        fingerprint=assessment.fingerprint,
        fingerprint_note=t("dossier.method.fingerprint_note", lang),
    )


# ---------------------------------------------------------------- the whole


def build_view(
    application: Application,
    assessment: Assessment,
    rulebook: Rulebook,
    lang: str = "zh",
    addressee: str | None = None,
    generated_at: datetime | None = None,
    readiness: Any = None,
    chart_ids: tuple[str, ...] = ("premium", "seats", "incidents"),
    chart_titles: dict[str, str] | None = None,
    doc_number: str | None = None,
    signers: str | None = None,
    letter_day: date | None = None,
    internal_annex: bool = True,
    evidence_files: tuple = (),
    missing_files: tuple[str, ...] = (),
    cc: str | None = None,
) -> DossierView:
    """Everything the dossier prints, in `lang`. Pure: the clock is passed in. `letter_day` is
    the 成文日期 (default: the day in Beijing at `generated_at`); `internal_annex` adds the
    method page, marked internal, which the filing copy leaves out."""
    generated_at = generated_at or datetime.now().astimezone()
    generated = generated_at.isoformat(timespec="seconds")
    day = letter_day or beijing_day(generated_at)  # 成文日期
    request = is_request(assessment, application, day)
    applicant = application.applicant
    relocation = applicant.application_type is ApplicationType.RELOCATION
    kind = "relocation" if relocation else "new_site"
    addressee = addressee or (rulebook.successor_authority_en if lang == "en" else rulebook.successor_authority_zh)
    verdict = t(f"verdict.{assessment.verdict.value}", lang)
    verdict_css = VERDICT_CSS[assessment.verdict]
    site = application.proposed_site

    cover = Cover(
        title=t("dossier.cover.title" if request else "dossier.cover.title_gap", lang),
        mark="" if request else t("dossier.gap.mark", lang),
        subtitle=t(f"dossier.cover.subtitle_{kind}", lang),
        fields=(
            (t("dossier.cover.applicant", lang), applicant.name),
            (t("dossier.cover.credit_code", lang), applicant.credit_code),
            (t("dossier.cover.proposed_site_relocation" if relocation else "dossier.cover.proposed_site", lang), f"{site.city} {site.address}"),
            (t("dossier.cover.planned_seats", lang), f"{site.planned_seats:,}"),
            (t("dossier.cover.as_of", lang), _d(assessment.as_of, lang)),
            (
                t("dossier.cover.rulebook", lang),
                t("dossier.cover.rulebook_value", lang, title=rulebook.title(lang), id=assessment.rulebook_id, version=assessment.rulebook_version),
            ),
            (t("dossier.cover.generated", lang), _d(day, lang)),
        ),
        verdict=verdict,
        verdict_css=verdict_css,
    )
    # The applicant's files follow the dossier's own attachments: 附件4 (or 5 after a readiness
    # appendix) onwards, each listed by title in 附件说明 and embedded as an associated file.
    first = len(attachment_titles(lang, readiness)) + 1
    bound = {f.name: (t("dossier.attach.label", lang, n=first + i), file_detail(f.size, f.pages, lang), f.sha256) for i, f in enumerate(evidence_files)}
    document_titles = tuple(gb_punct(document_title(f.name), lang) for f in evidence_files)
    letter = _letter(application, assessment, rulebook, lang, addressee, day, readiness, doc_number or "", signers or "", document_titles, cc or "") if request else None
    gap = None if request else _gap_report(application, assessment, rulebook, lang, day)
    # The dossier's own parts are numbered 一、二、…; the letter's attachments list names them.
    parts = ("summary", "charts", "tables", "attachments", "method") + (("readiness",) if readiness is not None else ())
    section_numbers = {name: heading_number(1, i, lang) for i, name in enumerate(parts, start=1)}
    titles = chart_titles or {}
    charts = tuple(
        ChartView(i, cid, t("dossier.charts.caption", lang, n=i, title=titles.get(cid, t(f"charts.{cid}.title", lang))), "")
        for i, cid in enumerate(chart_ids, start=1)
    )
    return DossierView(
        lang=lang,
        html_lang="zh-CN" if lang == "zh" else "en",
        document_title=(letter.title if letter else gap.title),
        running_header=t("dossier.running_header", lang, applicant=applicant.name),
        applicant=applicant.name,
        generated_at=generated,
        generated_w3c=generated_at.isoformat(timespec="seconds"),
        fingerprint=assessment.fingerprint,
        verdict=verdict,
        verdict_css=verdict_css,
        cover=cover,
        letter=letter,
        gap=gap,
        section_numbers=section_numbers,
        summary=_summary(assessment, lang),
        summary_notes=tuple(note.text(lang) for note in assessment.notes),
        criteria=tuple(_criterion_section(i, f, rulebook, lang) for i, f in enumerate(assessment.findings, start=1)),
        charts=charts,
        tables=_tables(application, assessment, lang),
        attachments=_attachments(assessment, rulebook, lang),
        method=_method(assessment, rulebook, lang, generated),
        readiness=readiness,
        attachment_titles=attachment_titles(lang, readiness),
        evidence=_evidence_list(assessment, lang, bound),
        internal_annex=internal_annex,
        missing_files=tuple(gb_punct(name, lang) for name in missing_files),
        internal_mark=t("dossier.method.internal_mark", lang),
    )
