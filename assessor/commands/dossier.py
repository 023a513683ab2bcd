"""`assessor dossier FILE -o OUT.pdf`: the application dossier as a verifiable PDF."""

from __future__ import annotations

import sys
from pathlib import Path

from ..cli import EXIT_INVALID, add_assessment_options, parse_as_of, parse_readings, require_suffix
from ..i18n import os_error_text, t
from ..intake import load_application
from ..core.rulebook import load_rulebook


def register(subparsers, lang: str) -> None:
    help_text = t("dossier.cli.dossier", lang)
    parser = subparsers.add_parser("dossier", help=help_text, description=help_text)
    parser.add_argument("file", help=t("cli.help.file", lang))
    parser.add_argument("-o", "--output", required=True, metavar="OUT.pdf", help=t("dossier.cli.output", lang))
    parser.add_argument("--addressee", help=t("dossier.cli.addressee", lang))
    parser.add_argument("--doc-number", metavar="文号", help=t("dossier.cli.doc_number", lang))
    parser.add_argument("--signer", help=t("dossier.cli.signer", lang))
    parser.add_argument("--rulebook", help=t("cli.help.rulebook", lang))
    add_assessment_options(parser, lang)
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..dossier import DossierError, DossierFontError, build_dossier
    from ..dossier.pdfa import page_count
    from ..core.engine import assess

    lang = args.lang
    require_suffix(args.output, ".pdf", lang)
    as_of = parse_as_of(args.as_of, lang)
    readings = parse_readings(args.reading, lang)
    rulebook = load_rulebook(args.rulebook)
    application = load_application(args.file)
    try:
        pdf = build_dossier(application, rulebook, as_of, readings, lang=lang, addressee=args.addressee, doc_number=args.doc_number, signer=args.signer)
    except DossierFontError as exc:
        print(exc.message(lang), file=sys.stderr)
        return EXIT_INVALID
    except DossierError as exc:
        print(exc.message(lang), file=sys.stderr)
        return EXIT_INVALID
    out = Path(args.output)
    try:
        out.write_bytes(pdf)
    except OSError as exc:
        print(t("dossier.errors.write_failed", lang, file=str(out), detail=os_error_text(exc, lang)), file=sys.stderr)
        return EXIT_INVALID
    verdict = assess(application, rulebook, as_of, readings).verdict
    print(t("dossier.cli.written", lang, file=str(out), pages=page_count(pdf), verdict=t(f"verdict.{verdict.value}", lang)))
    return 0
