"""`assessor readiness LOG...`: the duties of sections 一 to 三, measured from the insurer's logs.

Each LOG is `path` (kind read from the header columns), `kind=path`, or `kind@Zone=path` where
Zone is the time zone of the file's times that carry no offset (Asia/Shanghai by default).
"""

from __future__ import annotations

import argparse
import sys

from ..cli import EXIT_INVALID, EXIT_MISMATCH, UsageError, add_lang, parse_as_of
from ..i18n import t


def register(subparsers, lang: str) -> None:
    parser = subparsers.add_parser(
        "readiness", help=t("readiness.cli.help", lang), description=t("readiness.cli.help", lang),
        epilog=t("readiness.cli.exit_codes", lang), formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("logs", nargs="+", metavar="LOG", help=t("readiness.cli.logs", lang))
    parser.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD", help=t("cli.help.as_of", lang))
    parser.add_argument("--attestations", metavar="FILE", help=t("readiness.cli.attestations", lang))
    parser.add_argument("--bulk-min", dest="bulk_min", metavar="N", help=t("readiness.cli.bulk_min", lang))
    parser.add_argument("--rulebook", help=t("readiness.cli.rulebook", lang))
    parser.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.help.format", lang))
    parser.add_argument("--fail-on-not-met", dest="fail_on", action="store_true", help=t("readiness.cli.fail_on", lang))
    add_lang(parser, lang)
    parser.set_defaults(run=run)


def _bulk_min(text: str | None, lang: str) -> int | None:
    if text is None:
        return None
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 2:
        raise UsageError(t("readiness.cli.bulk_min_invalid", lang))
    return value


def run(args) -> int:
    # imported here: other commands should not pay for openpyxl and DuckDB at start-up
    from ..readiness import LogError, ReadinessRulebookError, check_readiness, load_attestations, load_readiness_rulebook, parse_log_spec
    from ..readiness.report import DutyStatus
    from ..readiness.view import render_text
    lang = args.lang
    as_of = parse_as_of(args.as_of, lang)
    bulk_min = _bulk_min(args.bulk_min, lang)
    try:
        rulebook = load_readiness_rulebook(args.rulebook)
    except ReadinessRulebookError as exc:
        raise UsageError(str(exc)) from None
    try:
        specs = [parse_log_spec(text) for text in args.logs]
        missing = [str(spec.path) for spec in specs if not spec.path.exists()]
        if len(missing) == len(specs):  # as in screening: one bad file never sinks the rest, but with none there is nothing to report
            raise UsageError("\n".join(t("readiness.errors.not_found", lang, file=name) for name in missing))
        attestations = load_attestations(args.attestations, rulebook) if args.attestations else None
    except LogError as exc:
        raise UsageError(exc.message(lang)) from None
    try:
        report = check_readiness(specs, as_of, attestations, rulebook, bulk_min, lang=lang)
    except LogError as exc:
        raise UsageError(exc.message(lang)) from None
    if args.format == "json":
        sys.stdout.write(report.to_json_text())
    else:
        sys.stdout.write(render_text(report, lang))
    # The report lists a file it could not use; stderr says so too, for whoever reads only that.
    for log in report.logs:
        if not log.used:
            print(log.error(lang), file=sys.stderr)
    if not any(log.used for log in report.logs):
        return EXIT_INVALID
    if args.fail_on and any(d.status is DutyStatus.NOT_MET for d in report.duties):
        return EXIT_MISMATCH
    return 0
