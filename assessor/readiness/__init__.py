"""Operating readiness: the duties of sections 一 to 三 of the 2010 notice, from the insurer's logs.

    from assessor.readiness import check_readiness, parse_log_spec
    report = check_readiness([parse_log_spec("policies.csv")], as_of=date(2026, 11, 30))

Measured duties are computed by DuckDB over CSV or Parquet files in place; attested duties take
an `Attestation` per duty id. The rulebook is `assessor/rulebook/readiness-2010.toml`.
"""

from .attest import load_attestations, parse_attestations
from .check import check_readiness
from .logs import LOG_COLUMNS, LOG_KINDS, LogError, LogSpec, parse_log_spec
from .report import BulkGroup, DutyResult, DutyStatus, LogIssue, LogSummary, MonthRow, Quantity, ReadinessReport
from .rules import ReadinessRulebook, ReadinessRulebookError, load_readiness_rulebook, parse_readiness_rulebook

__all__ = [
    "LOG_COLUMNS",
    "LOG_KINDS",
    "BulkGroup",
    "DutyResult",
    "DutyStatus",
    "LogError",
    "LogIssue",
    "LogSpec",
    "LogSummary",
    "MonthRow",
    "Quantity",
    "ReadinessReport",
    "ReadinessRulebook",
    "ReadinessRulebookError",
    "check_readiness",
    "load_attestations",
    "load_readiness_rulebook",
    "parse_attestations",
    "parse_log_spec",
    "parse_readiness_rulebook",
]
