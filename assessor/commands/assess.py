"""`assessor assess FILE`: the verdict and every finding, cited."""

from __future__ import annotations

import sys

from ..cli import add_assessment_options, note_future_as_of, parse_as_of, parse_readings, regular_or_missing
from ..core.engine import assess
from ..i18n import t
from ..intake import load_application
from ..report import render_text
from ..core.rulebook import load_rulebook


def register(subparsers, lang: str) -> None:
    parser = subparsers.add_parser("assess", help=t("cli.help.assess", lang), description=t("cli.help.assess", lang))
    parser.add_argument("file", help=t("cli.help.file", lang))
    parser.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.help.format", lang))
    parser.add_argument("--rulebook", help=t("cli.help.rulebook", lang))
    add_assessment_options(parser, lang)
    parser.set_defaults(run=run)


def run(args) -> int:
    as_of = parse_as_of(args.as_of, args.lang)
    readings = parse_readings(args.reading, args.lang)
    rulebook = load_rulebook(regular_or_missing(args.rulebook, args.lang))
    application = load_application(args.file)
    assessment = assess(application, rulebook, as_of, readings)
    note_future_as_of(as_of, args.lang)
    if args.format == "json":
        sys.stdout.write(assessment.to_json_text())
    else:
        sys.stdout.write(render_text(assessment, application.applicant.name, args.lang))
    return 0
