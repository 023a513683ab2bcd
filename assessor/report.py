"""Plain-text rendering of an assessment, for terminals and logs, in zh or en."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_UP

from .core.engine import Assessment, Finding, Quantity, Status
from .i18n import format_decimal, format_yuan, t

STATUS_MARK = {Status.MET: "✔", Status.NOT_MET: "✘", Status.INSUFFICIENT_EVIDENCE: "?", Status.NOT_APPLICABLE: "–"}


def format_quantity(q: Quantity | None, lang: str = "zh", rounding: str = ROUND_DOWN) -> str:
    if q is None:
        return "—"
    if q.unit == "yuan":
        return format_yuan(q.value, lang, rounding)
    number = format_decimal(q.value) if not isinstance(q.value, int) else f"{q.value:,}"
    unit = t(f"units.{q.unit}_one" if q.value == 1 else f"units.{q.unit}", lang)
    return f"{number}{unit}" if lang == "zh" else f"{number} {unit}"


def format_gap(finding: Finding, lang: str = "zh") -> str:
    gap = finding.gap
    if gap is None:
        return "—"
    pieces = []
    if gap.amount is not None:
        pieces.append(format_quantity(gap.amount, lang, ROUND_UP))  # what is missing, never understated
    if gap.closes_on is not None:
        pieces.append(t("report.closes_on", lang, date=gap.closes_on))
    return "; ".join(pieces) or "—"


def readings_line(assessment: Assessment) -> str:
    return ", ".join(f"{k}={v}" for k, v in assessment.readings.items())


def render_text(assessment: Assessment, applicant: str, lang: str = "zh") -> str:
    lines = [
        t("report.verdict", lang, verdict=t(f"verdict.{assessment.verdict.value}", lang)),
        t("report.applicant", lang, name=applicant, as_of=assessment.as_of),
        t("report.rulebook", lang, id=assessment.rulebook_id, version=assessment.rulebook_version),
        t("report.readings", lang, readings=readings_line(assessment)),
        t("report.fingerprint", lang, fingerprint=assessment.fingerprint),
    ]
    for note in assessment.notes:
        lines.append(f"! {note.text(lang)}")
    for f in assessment.findings:
        lines += [
            "",
            f"{STATUS_MARK[f.status]} {f.criterion}  {f.clause}  {f.title[lang]}: {t(f'status.{f.status.value}', lang)}",
            "   " + t("report.clause_text", lang, text=f.clause_text),
            "   "
            + t(
                "report.figures",
                lang,
                measured=format_quantity(f.measured, lang),
                threshold=format_quantity(f.threshold, lang),
                gap=format_gap(f, lang),
            ),
            "   " + f.explanation.text(lang),
        ]
        if f.readings:
            lines.append("   " + t("report.reading_used", lang, readings=", ".join(f"{k}={v}" for k, v in f.readings.items())))
        if f.evidence:
            lines.append("   " + t("report.evidence", lang, documents="; ".join(e.document for e in f.evidence)))
        lines += ["   * " + note.text(lang) for note in f.notes]
    if assessment.conventions:
        lines += ["", t("report.conventions", lang)]
        lines += ["   - " + text["en" if lang == "en" else "zh"] for text in assessment.conventions.values()]
    lines += ["", t("report.confirm_current", lang)]
    return "\n".join(lines) + "\n"
