"""`assessor verify FILE.pdf`: recompute a dossier from what it embeds and compare.

Exit 0 only when the recomputed verdict, findings and fingerprint match what the PDF states
and its pages, made again from the embedded data, match byte for byte; 1 on any mismatch (each
difference named, an edited rendition block included); 2 when the file is not a dossier (or
cannot be read); 3 when its embedded data lies beyond what the reader takes; 5 when the data
check out but the pages cannot be made again here (another software version, a readiness
appendix): whether it was altered cannot be said, and it is not called unaltered.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..cli import EXIT_CANNOT_CHECK, EXIT_INVALID, EXIT_MISMATCH, EXIT_OK, add_lang, regular_or_missing
from ..core.engine import AsOfError
from ..i18n import os_error_text, t
from ..intake.json_file import read_regular_file
from ..core.rulebook import load_rulebook

MAX_PDF_BYTES = 200 * 1024 * 1024
EXIT_DATA_ONLY = 5  # the data check out, the pages could not be compared


def register(subparsers, lang: str) -> None:
    help_text = t("dossier.cli.verify", lang)
    parser = subparsers.add_parser("verify", help=help_text, description=help_text)
    parser.add_argument("pdf", help=t("dossier.cli.pdf", lang))
    parser.add_argument("--rulebook", help=t("cli.help.rulebook", lang))
    add_lang(parser, lang)
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..dossier import verify_dossier

    lang = args.lang
    file = Path(args.pdf)
    try:
        data = read_regular_file(file, MAX_PDF_BYTES)
        if len(data) > MAX_PDF_BYTES:
            raise OSError(0, t("dossier.verify.not_pdf", lang))
    except OSError as exc:
        print(t("dossier.errors.not_readable", lang, file=str(file), detail=os_error_text(exc, lang)), file=sys.stderr)
        return EXIT_INVALID
    try:
        result = verify_dossier(data, lang=lang, rulebook=load_rulebook(regular_or_missing(args.rulebook, lang)))
    except AsOfError as exc:
        # The tool makes no dossier for a date its rulebook cannot assess, so a file that states
        # one was changed after it was made: an alteration (exit 1), like an unreadable date.
        print(t("dossier.verify.mismatch", lang), file=sys.stderr)
        print(f"  - {exc.message(lang)}", file=sys.stderr)
        return EXIT_MISMATCH
    if result.status == "ok" and result.pages_checked:
        print(result.summary(lang))
        return EXIT_OK
    if result.status in ("ok", "data_only"):
        print(t("dossier.verify.data_only", lang))
        for line in result.differences:
            print(f"  - {line}")
        return EXIT_DATA_ONLY
    if result.status == "mismatch":
        print(result.summary(lang), file=sys.stderr)
        for line in result.differences:
            print(f"  - {line}", file=sys.stderr)
        return EXIT_MISMATCH
    if result.status == "cannot_check":
        for line in result.differences:
            print(line, file=sys.stderr)
        return EXIT_CANNOT_CHECK
    for line in result.differences:
        print(line, file=sys.stderr)
    return EXIT_INVALID
