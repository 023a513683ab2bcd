"""`assessor screen PATH... -o OUT.(xlsx|csv|json)`: many submissions at once, recomputed,
cross-checked for red flags and ranked. One bad file never stops the batch: it becomes an
error row. Exit 0 when at least one file was screened, 2 when none could be."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..cli import EXIT_INVALID, EXIT_OK, UsageError, add_assessment_options, parse_as_of, parse_readings
from ..core.engine import check_as_of, resolve_readings
from ..i18n import os_error_text, t
from ..core.rulebook import load_rulebook

if TYPE_CHECKING:
    from ..screening.run import Screening


def register(subparsers, lang: str) -> None:
    parser = subparsers.add_parser("screen", help=t("screening.cli.help", lang), description=t("screening.cli.help", lang))
    parser.add_argument("paths", nargs="+", metavar="PATH", help=t("screening.cli.paths", lang))
    parser.add_argument("-o", "--output", required=True, metavar="OUT.xlsx|csv|json", help=t("screening.cli.output", lang))
    parser.add_argument("--rulebook", help=t("cli.help.rulebook", lang))
    parser.add_argument("--workers", type=int, default=None, help=t("screening.cli.workers", lang))
    parser.add_argument("--register", nargs="?", const="", default=None, metavar="DATABASE_URL", help=t("screening.cli.register", lang))
    parser.add_argument("--no-register", action="store_true", help=t("screening.cli.no_register", lang))
    parser.add_argument("--own-dates", action="store_true", help=t("screening.cli.own_dates", lang))
    parser.add_argument("--seconds-per-file", type=float, default=120.0, metavar="SECONDS", help=t("screening.cli.seconds_per_file", lang))
    add_assessment_options(parser, lang)
    parser.set_defaults(run=run)


def register_url(args) -> str | None:
    """Where to record the run, or None: `--register [URL]`, else the case register's own
    environment variables, unless `--no-register`."""
    if args.no_register:
        return None
    if args.register is not None:
        return args.register
    if os.environ.get("ASSESSOR_DATABASE_URL") or os.environ.get("ASSESSOR_DATA_DIR"):
        return ""
    return None


def run(args) -> int:
    # imported here: other commands should not pay for openpyxl and DuckDB at start-up
    from ..screening import Settings, collect_paths, export, export_format, screen
    lang = args.lang
    fmt = export_format(args.output)
    if fmt is None:
        raise UsageError(t("screening.cli.bad_output", lang, file=args.output))
    as_of = parse_as_of(args.as_of, lang)
    rulebook = load_rulebook(args.rulebook)
    check_as_of(rulebook, as_of)  # one date for every file: refused once (exit 2), not as an error row per file
    readings = resolve_readings(rulebook, parse_readings(args.reading, lang))
    settings = Settings(as_of=as_of, readings=readings, rulebook_path=args.rulebook, lang=lang, seconds_per_file=args.seconds_per_file)
    sources, refused = collect_paths(args.paths)
    screening = screen(sources, settings, refused, workers=args.workers, own_dates=args.own_dates)
    for record in screening.errors:
        print(t("screening.cli.error_line", lang, file=record.label, reason=record.reason_text(lang)), file=sys.stderr)
    counts = screening.counts()
    if counts["screened"]:  # with nothing screened there is no table worth writing or recording
        output = Path(args.output)
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_bytes(export(screening, fmt, lang))
        except OSError as exc:
            raise UsageError(t("screening.cli.cannot_write", lang, file=args.output, detail=os_error_text(exc, lang))) from None
        print(t("screening.cli.wrote", lang, file=str(output)))
        url = register_url(args)
        if url is not None:
            _record(screening, url or None, lang)
    # Just above the counts (the last line): a table read without its date is easily misread.
    print(used_date_line(screening, given=args.as_of is not None, lang=lang))
    print(t("screening.cli.counts", lang, **counts))
    return EXIT_OK if counts["screened"] else EXIT_INVALID


def used_date_line(screening: Screening, given: bool, lang: str) -> str:
    from ..screening.export import as_of_text

    how = t("screening.cli.as_of_given" if given else "screening.cli.as_of_today", lang)
    return t("screening.cli.as_of_line", lang, used=as_of_text(screening, lang), how=how)


def _record(screening: Screening, url: str | None, lang: str) -> None:
    from ..store import CaseStore

    try:
        with CaseStore(url) as store:
            run_id = store.record_screening(screening.register_entry())
    except Exception as exc:  # noqa: BLE001 - the table is written; a register failure must not hide it
        print(t("screening.cli.register_failed", lang, detail=f"{type(exc).__name__}: {exc}"), file=sys.stderr)
        return
    print(t("screening.cli.registered", lang, id=run_id))
