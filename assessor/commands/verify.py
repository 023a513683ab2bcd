"""`assessor verify FILE.pdf`: recompute a dossier from what it embeds and compare.

Exit 0 only when the recomputed verdict, findings and fingerprint match what the PDF states
and its pages, made again from the embedded data, match byte for byte; 1 on any mismatch (each
difference named, an edited rendition block included); 2 when the file is not a dossier (or
cannot be read); 3 when its embedded data lies beyond what the reader takes; 5 when the data
check out but the pages cannot be made again here (another software version, a readiness
appendix): whether it was altered cannot be said, and it is not called unaltered.

A signed dossier is also checked for its signatures: a signature that does not match the file,
or a change after signing, is an alteration (1); each valid signature names its signer. With
`--trust ROOT.pem` the signers must chain to a given root: a file otherwise unaltered whose
signer does not exits 6.
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
EXIT_UNTRUSTED = 6  # unaltered, but a signer does not chain to the roots given with --trust


def register(subparsers, lang: str) -> None:
    help_text = t("sign.cli.verify_help", lang)
    parser = subparsers.add_parser("verify", help=help_text, description=help_text)
    parser.add_argument("pdf", help=t("dossier.cli.pdf", lang))
    parser.add_argument("--rulebook", help=t("cli.help.rulebook", lang))
    parser.add_argument("--trust", action="append", default=[], metavar="ROOT.pem", help=t("sign.cli.trust", lang))
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
    roots = _trust_roots(args.trust, lang)
    if roots is None:
        return EXIT_INVALID
    try:
        result = verify_dossier(data, lang=lang, rulebook=load_rulebook(regular_or_missing(args.rulebook, lang)), trust_roots=roots)
    except AsOfError as exc:
        # The tool makes no dossier for a date its rulebook cannot assess, so a file that states
        # one was changed after it was made: an alteration (exit 1), like an unreadable date.
        print(t("dossier.verify.mismatch", lang), file=sys.stderr)
        print(f"  - {exc.message(lang)}", file=sys.stderr)
        return EXIT_MISMATCH
    if result.status == "ok" and result.pages_checked:
        print(result.summary(lang))
        _print_signatures(result, lang, sys.stdout)
        return EXIT_UNTRUSTED if result.untrusted else EXIT_OK
    if result.status in ("ok", "data_only"):
        print(t("dossier.verify.data_only", lang))
        for line in result.differences:
            print(f"  - {line}")
        _print_signatures(result, lang, sys.stdout)
        return EXIT_DATA_ONLY
    if result.status == "mismatch":
        print(result.summary(lang), file=sys.stderr)
        for line in result.differences:
            print(f"  - {line}", file=sys.stderr)
        if result.signed:
            _print_signatures(result, lang, sys.stderr)
        return EXIT_MISMATCH
    if result.status == "cannot_check":
        for line in result.differences:
            print(line, file=sys.stderr)
        return EXIT_CANNOT_CHECK
    for line in result.differences:
        print(line, file=sys.stderr)
    return EXIT_INVALID


def _print_signatures(result, lang: str, stream) -> None:
    for line in result.signature_lines(lang):
        print(line, file=stream)


def _trust_roots(paths: list[str], lang: str) -> list | None:
    """The certificates given with --trust; None (after saying why) when one cannot be read."""
    if not paths:
        return []
    from ..dossier.signing import SigningError, load_certificate

    roots = []
    for path in paths:
        file = Path(regular_or_missing(path, lang))
        try:
            roots.append(load_certificate(read_regular_file(file, 1024 * 1024)))
        except OSError as exc:
            print(t("sign.errors.read_failed", lang, file=str(file), detail=os_error_text(exc, lang)), file=sys.stderr)
            return None
        except SigningError:
            print(t("sign.errors.not_certificate", lang, file=str(file)), file=sys.stderr)
            return None
    return roots
