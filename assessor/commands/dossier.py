"""`assessor dossier FILE -o OUT.pdf`: the application dossier as a verifiable PDF."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from ..cli import EXIT_INVALID, add_assessment_options, parse_as_of, parse_readings, require_suffix
from ..i18n import t
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
    parser.add_argument("--date", metavar="YYYY-MM-DD", help=t("dossier.cli.date", lang))
    parser.add_argument("--filing-copy", action="store_true", help=t("dossier.cli.filing_copy", lang))
    parser.add_argument("--cc", metavar="抄送", help=t("dossier.banji.cli_cc", lang))
    parser.add_argument("--evidence-dir", metavar="DIR", help=t("dossier.evidence.cli_dir", lang))
    parser.add_argument("--rulebook", help=t("cli.help.rulebook", lang))
    add_assessment_options(parser, lang)
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..dossier import DossierError, DossierFontError, build_dossier, last_page_count, write_pdf
    from ..core.engine import assess
    from ..dossier.view_model import beijing_day, is_request

    lang = args.lang
    require_suffix(args.output, ".pdf", lang)
    as_of = parse_as_of(args.as_of, lang)
    letter_day = parse_as_of(args.date, lang) if args.date else None
    readings = parse_readings(args.reading, lang)
    rulebook = load_rulebook(args.rulebook)
    application = load_application(args.file)
    from ..dossier.evidence import EvidenceProblem, read_folder

    evidence = None
    try:
        if args.evidence_dir is not None:
            evidence = read_folder(args.evidence_dir, _document_names(application))
        pdf = build_dossier(
            application, rulebook, as_of, readings, lang=lang, addressee=args.addressee, doc_number=args.doc_number, signer=args.signer,
            letter_day=letter_day, internal_annex=not args.filing_copy, evidence=evidence, cc=args.cc,
        )
    except EvidenceProblem as exc:
        print(t(exc.key, lang, **exc.values), file=sys.stderr)
        return EXIT_INVALID
    except DossierFontError as exc:
        print(exc.message(lang), file=sys.stderr)
        return EXIT_INVALID
    except DossierError as exc:
        print(exc.message(lang), file=sys.stderr)
        return EXIT_INVALID
    out = Path(args.output)
    if not write_pdf(out, pdf, lang):
        return EXIT_INVALID
    today = beijing_day(datetime.now().astimezone())
    assessment = assess(application, rulebook, as_of, readings, today=today)
    print(t("dossier.cli.written", lang, file=str(out), pages=last_page_count(), verdict=t(f"verdict.{assessment.verdict.value}", lang)))
    if is_request(assessment, application, letter_day or today):
        print(t("dossier.cli.made_letter", lang))
        # The defaults a user may not have meant, said once so they can be changed.
        for option, given in (("doc_number", args.doc_number), ("signer", args.signer), ("date", args.date)):
            if not given:
                print(t(f"dossier.cli.default_{option}", lang))
    elif is_request(assessment):
        print(t("dossier.cli.made_gap_opening", lang))
    else:
        print(t("dossier.cli.made_gap", lang))
    if evidence is not None:
        from ..dossier.evidence import documents_of

        names = [name for name, _ in documents_of(assessment)]
        attached = sum(1 for name in names if name in evidence)
        print(t("dossier.evidence.cli_attached", lang, n=attached, m=len(names) - attached))
    return 0


def _document_names(application) -> list[str]:
    """Every document name the application cites, wherever it sits."""
    from ..core.model import Evidence

    names: dict[str, None] = {}

    def walk(value) -> None:
        if isinstance(value, Evidence):
            names.setdefault(value.document)
        elif hasattr(value, "__pydantic_fields__"):
            for key in type(value).model_fields:
                walk(getattr(value, key))
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(application)
    return list(names)
