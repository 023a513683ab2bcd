"""The screening table: one row per file, columns named by stable keys, headers translated.

Who, what came out and what looks wrong come first, so a reader sees the red flags of a row
without scrolling; the date each file was assessed on comes next, then the details."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..i18n import t
from .flags import INFO_CODES, info_flags, red_flags
from .record import Record
from .run import Screening, UsedDate

COLUMNS = (
    "rank",
    "applicant",
    "verdict",
    "flags",
    "info",
    "file",
    "status",
    "as_of",
    "as_of_origin",
    "credit_code",
    "not_met",
    "insufficient",
    "premium_margin",
    "site_surplus",
    "lowest_site_surplus",
    "proposed_surplus",
    "tenure_days",
    "flag_count",
    "flag_codes",
    "verify",
    "reason",
    "kind",
    "sha256",
    "fingerprint",
)
# Columns holding numbers, for exports that type their cells.
NUMERIC = {"rank", "premium_margin", "lowest_site_surplus", "proposed_surplus", "tenure_days", "flag_count"}


def header(column: str, lang: str) -> str:
    return t(f"screening.column.{column}", lang)


def status_text(record: Record, lang: str) -> str:
    return t(f"screening.status.{record.status}", lang)


def verdict_text(verdict: str, lang: str) -> str:
    return t(f"verdict.{verdict}", lang) if verdict else ""


def verify_text(record: Record, lang: str) -> str:
    return t(f"screening.verify.{record.verify}", lang) if record.verify else ""


def row(record: Record, position: int, lang: str, used: UsedDate) -> dict[str, Any]:
    separator = "；" if lang == "zh" else "; "
    lowest = min((surplus for _, surplus in record.site_surplus), default=None)
    red = red_flags(record)
    return {
        "rank": position,
        "applicant": record.applicant,
        "verdict": verdict_text(record.verdict, lang),
        "flags": separator.join(flag.chip(lang) for flag in red),
        "info": separator.join(flag.chip(lang) for flag in info_flags(record)),
        "file": record.label,
        "status": status_text(record, lang),
        "as_of": used.day.isoformat(),
        "as_of_origin": t(f"screening.as_of_origin.{used.origin}", lang),
        "credit_code": record.credit_code,
        "not_met": ", ".join(record.not_met),
        "insufficient": ", ".join(record.insufficient),
        "premium_margin": record.premium_margin,
        "site_surplus": separator.join(f"{site}: {surplus:+d}" for site, surplus in record.site_surplus),
        "lowest_site_surplus": lowest,
        "proposed_surplus": record.proposed_surplus,
        "tenure_days": record.tenure_days,
        "flag_count": len(red),
        "flag_codes": " ".join(flag.code for flag in record.flags),
        "verify": verify_text(record, lang),
        "reason": record.reason_text(lang),
        "kind": t(f"screening.kind.{record.kind}", lang) if record.kind else "",
        "sha256": record.sha256,
        "fingerprint": record.fingerprint,
    }


def rows(screening: Screening, lang: str = "zh") -> list[dict[str, Any]]:
    return [row(record, i, lang, screening.date_of(record)) for i, record in enumerate(screening.records, start=1)]


def flag_rows(screening: Screening, lang: str = "zh") -> list[dict[str, Any]]:
    """One row per red flag or piece of information, with the sentence that explains it and the
    other files involved."""
    out = []
    for record in screening.records:
        for flag in record.flags:
            out.append(
                {
                    "file": record.label,
                    "applicant": record.applicant,
                    "code": flag.code,
                    "level": t(f"screening.level.{'info' if flag.code in INFO_CODES else 'red'}", lang),
                    "flag": flag.chip(lang),
                    "explanation": flag.text(lang),
                    "related": "\n".join(flag.related),
                }
            )
    return out


def frame(screening: Screening, lang: str = "zh"):
    """The table as a pandas DataFrame with translated headers; money stays exact until shown."""
    import pandas as pd

    data = rows(screening, lang)
    df = pd.DataFrame(data, columns=list(COLUMNS))
    # A float column sorts and filters in st.dataframe; the exact Decimal stays in the exports.
    df["premium_margin"] = [float(v) if isinstance(v, Decimal) else None for v in df["premium_margin"]]
    for column in ("lowest_site_surplus", "proposed_surplus", "tenure_days"):
        df[column] = df[column].astype("Int64")
    return df.rename(columns={c: header(c, lang) for c in COLUMNS})
