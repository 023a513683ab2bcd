"""`assessor template -o FILE.xlsx`: the Excel application template, blank or filled from JSON."""

from __future__ import annotations

from pathlib import Path

from ..cli import UsageError, add_lang, require_suffix
from ..i18n import os_error_text, t
from ..intake import load_application


def register(subparsers, lang: str) -> None:
    parser = subparsers.add_parser("template", help=t("excel.cli.help", lang), description=t("excel.cli.help", lang))
    parser.add_argument("-o", "--output", required=True, metavar="FILE.xlsx", help=t("excel.cli.output", lang))
    parser.add_argument("--from", dest="source", metavar="APPLICATION.json", help=t("excel.cli.from_json", lang))
    add_lang(parser, lang)
    parser.set_defaults(run=run)


def run(args) -> int:
    # imported here: other commands should not pay for openpyxl and DuckDB at start-up
    from ..intake.excel import application_to_workbook, template_workbook

    require_suffix(args.output, ".xlsx", args.lang)
    if args.source:
        data = application_to_workbook(load_application(args.source), args.lang)
    else:
        data = template_workbook(args.lang)
    target = Path(args.output)
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise UsageError(t("excel.cli.cannot_write", args.lang, file=str(target), detail=os_error_text(exc, args.lang))) from None
    print(t("excel.cli.written", args.lang, file=str(target)))
    return 0
