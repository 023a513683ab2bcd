"""The readiness report in words: a view model (for the dossier appendix) and plain text (CLI).

Everything here is already translated, so the Jinja2 fragment only places strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import t
from .report import DutyResult, ReadinessReport


@dataclass(frozen=True)
class DutyRow:
    id: str
    clause: str
    title: str
    text: str
    kind: str
    status: str
    status_label: str
    measured: str
    threshold: str
    gap: str
    explanation: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class BulkRow:
    field: str
    value: str
    policies: str
    first_sale: str
    last_sale: str
    policy_ids: str


@dataclass(frozen=True)
class ReadinessView:
    lang: str
    title: str
    intro: str
    tally: str
    headers: dict[str, str]
    duties: tuple[DutyRow, ...]
    bulk_title: str
    bulk: tuple[BulkRow, ...]
    bulk_more: str
    issues_title: str
    issues: tuple[str, ...]
    logs_title: str
    logs: tuple[str, ...]
    conventions_title: str
    conventions: tuple[str, ...] = field(default_factory=tuple)


def duty_row(duty: DutyResult, lang: str) -> DutyRow:
    return DutyRow(
        id=duty.id,
        clause=duty.clause,
        title=duty.title(lang),
        text=duty.text,
        kind=t(f"readiness.kind.{duty.kind}", lang),
        status=duty.status.value,
        status_label=t(f"readiness.status.{duty.status.value}", lang),
        measured=duty.measured.text(lang) if duty.measured else "—",
        threshold=duty.threshold.text(lang) if duty.threshold else "—",
        gap=duty.gap.text(lang) if duty.gap else "—",
        explanation=duty.explanation(lang),
        evidence=tuple(e.document + (f" (SHA-256 {e.sha256[:12]}…)" if e.sha256 else "") for e in duty.evidence),
    )


def log_lines(report: ReadinessReport, lang: str) -> tuple[str, ...]:
    lines = []
    for log in report.logs:
        if log.used:
            lines.append(
                t("readiness.text.log_line", lang, file=log.file, kind=t(f"readiness.log_kinds.{log.kind}", lang),
                  format=log.format, rows=f"{log.rows:,}", zone=log.timezone)
            )
        else:
            lines.append(t("readiness.text.log_failed", lang, file=log.file, error=log.error(lang)))
    return tuple(lines)


def issue_lines(report: ReadinessReport, lang: str) -> tuple[str, ...]:
    return tuple(f"{t(f'readiness.log_kinds.{i.kind}', lang)}: {i.text(lang)}" for i in report.issues)


def build_view(report: ReadinessReport, lang: str) -> ReadinessView:
    sep = "、" if lang == "zh" else ", "
    more = report.bulk_groups_total - len(report.bulk_groups)
    return ReadinessView(
        lang=lang,
        title=t("readiness.appendix.title", lang),
        intro=t("readiness.appendix.intro", lang, rulebook=report.rulebook_id, version=report.rulebook_version, as_of=report.as_of),
        tally=t("readiness.text.tally", lang, **report.tally()),
        headers={key: t(f"readiness.appendix.{key}", lang) for key in ("col_clause", "col_duty", "col_status", "col_explanation")}
        | {"value": t("readiness.page.col_value", lang), "policies": t("readiness.page.col_policies", lang),
           "field": t("readiness.page.col_field", lang), "first": t("readiness.page.col_first", lang),
           "last": t("readiness.page.col_last", lang), "ids": t("readiness.page.col_ids", lang)},
        duties=tuple(duty_row(d, lang) for d in report.duties),
        bulk_title=t("readiness.appendix.bulk", lang, n=report.bulk_min_policies, basis=t(f"readiness.bulk_basis.{report.bulk_min_basis}", lang)),
        bulk=tuple(
            BulkRow(t(f"readiness.fields.{g.field}", lang), g.value, f"{g.policies:,}", g.first_sale, g.last_sale, sep.join(g.policy_ids))
            for g in report.bulk_groups
        ),
        bulk_more=t("readiness.text.bulk_more", lang, n=f"{more:,}") if more > 0 else "",
        issues_title=t("readiness.appendix.issues", lang),
        issues=issue_lines(report, lang),
        logs_title=t("readiness.appendix.logs", lang),
        logs=log_lines(report, lang),
        conventions_title=t("readiness.text.conventions", lang),
        conventions=tuple(c[lang] for c in report.conventions.values()),
    )


def render_text(report: ReadinessReport, lang: str = "zh") -> str:
    """The report as plain text, duty by duty, then the rows to look at."""
    out = [
        t("readiness.text.title", lang),
        t("readiness.text.rulebook", lang, id=report.rulebook_id, version=report.rulebook_version),
        t("readiness.text.as_of", lang, as_of=report.as_of, cutoff=report.cutoff, zone=report.timezone),
        t("readiness.text.tally", lang, **report.tally()),
        "",
        f"== {t('readiness.text.logs', lang)}",
        *(f"  {line}" for line in log_lines(report, lang)),
        "",
        f"== {t('readiness.text.duties', lang)}",
    ]
    for duty in report.duties:
        row = duty_row(duty, lang)
        out.append(f"[{row.status_label}] {row.clause} {row.id} {row.title}")
        out.append(f"    {row.explanation}")
        if duty.description:
            out.append(f"    {duty.description}")
        for doc in row.evidence:
            out.append(f"    {t('readiness.text.evidence', lang)}: {doc}")
    out += ["", f"== {t('readiness.text.issues', lang)}"]
    issues = issue_lines(report, lang)
    out += [f"  {line}" for line in issues] or [f"  {t('readiness.text.no_issues', lang)}"]
    if report.bulk_groups:
        sep = "、" if lang == "zh" else ", "
        out += ["", f"== {t('readiness.text.bulk', lang, field='/'.join(t(f'readiness.fields.{f}', lang) for f in ('delivery_address', 'recipient', 'recipient_phone')), n=report.bulk_min_policies, basis=t(f'readiness.bulk_basis.{report.bulk_min_basis}', lang))}"]
        for g in report.bulk_groups:
            out.append("  " + t("readiness.text.bulk_line", lang, field=t(f"readiness.fields.{g.field}", lang), value=g.value,
                                policies=f"{g.policies:,}", first=g.first_sale, last=g.last_sale, ids=sep.join(g.policy_ids)))
        more = report.bulk_groups_total - len(report.bulk_groups)
        if more > 0:
            out.append("  " + t("readiness.text.bulk_more", lang, n=f"{more:,}"))
    if report.refusal_hits:
        out += ["", f"== {t('readiness.text.refusals', lang, n=len(report.refusal_hits))}"]
        out += ["  " + t("readiness.text.refusal_line", lang, phone=h.phone, refused=h.refused_time, called=h.call_time) for h in report.refusal_hits]
    if report.months:
        out += ["", f"== {t('readiness.text.months', lang)}"]
        for m in report.months:
            out.append("  " + t("readiness.text.month_line", lang, month=m.month, policies=f"{m.policies:,}", dw=m.delivered_within, dl=m.delivered_late,
                                cw=m.called_within, cl=m.called_late, complaints=m.complaints,
                                rate="—" if m.complaints_per_10k is None else str(m.complaints_per_10k)))
    out += ["", f"== {t('readiness.text.conventions', lang)}"]
    out += [f"  - {c[lang]}" for c in report.conventions.values()]
    return "\n".join(out) + "\n"
