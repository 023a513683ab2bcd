"""`assessor sign DOSSIER.pdf --p12 CERT.p12 -o SIGNED.pdf`: sign a dossier (PAdES B-B).

The certificate's password is never an argument (it would sit in the shell's history and in
the process list): it comes from the environment variable ASSESSOR_P12_PASSWORD, or is asked
for on the terminal. Exit 0 signed, 2 for a file that cannot be read or signed, a wrong
password or a certificate file that is not PKCS#12, each said in one line.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..cli import EXIT_INVALID, add_lang, regular_or_missing, require_suffix
from ..i18n import os_error_text, t
from ..intake.json_file import read_regular_file

MAX_PDF_BYTES = 200 * 1024 * 1024


def register(subparsers, lang: str) -> None:
    help_text = t("sign.cli.sign", lang)
    parser = subparsers.add_parser("sign", help=help_text, description=help_text)
    parser.add_argument("pdf", help=t("sign.cli.pdf", lang))
    parser.add_argument("--p12", required=True, metavar="CERT.p12", help=t("sign.cli.p12", lang))
    parser.add_argument("-o", "--output", required=True, metavar="SIGNED.pdf", help=t("sign.cli.output", lang))
    add_lang(parser, lang)
    parser.set_defaults(run=run)


def password_from_user(lang: str) -> str | None:
    """ASSESSOR_P12_PASSWORD if set (empty: no password), else a prompt on the terminal."""
    from ..dossier.signing import PASSWORD_ENV, SigningError

    if PASSWORD_ENV in os.environ:
        return os.environ[PASSWORD_ENV] or None
    if not sys.stdin.isatty():
        raise SigningError("sign.errors.no_password")
    import getpass

    try:
        return getpass.getpass(t("sign.cli.prompt", lang)) or None
    except EOFError:
        raise SigningError("sign.errors.no_password") from None


def _read(path: str, limit: int, lang: str) -> bytes | None:
    """The file's bytes (one past `limit` at most: the signer refuses what is larger)."""
    file = Path(regular_or_missing(path, lang))
    try:
        return read_regular_file(file, limit)
    except OSError as exc:
        print(t("sign.errors.read_failed", lang, file=str(file), detail=os_error_text(exc, lang)), file=sys.stderr)
        return None


def run(args) -> int:
    from ..dossier import write_pdf
    from ..dossier.signing import MAX_P12_BYTES, SigningError, check_signatures, sign_dossier

    lang = args.lang
    require_suffix(args.output, ".pdf", lang)
    pdf = _read(args.pdf, MAX_PDF_BYTES, lang)
    if pdf is None:
        return EXIT_INVALID
    if len(pdf) > MAX_PDF_BYTES:
        print(t("sign.errors.not_pdf", lang), file=sys.stderr)
        return EXIT_INVALID
    p12 = _read(args.p12, MAX_P12_BYTES, lang)
    if p12 is None:
        return EXIT_INVALID
    try:
        password = password_from_user(lang)
        signed = sign_dossier(pdf, p12, password)
        del password
        checks = check_signatures(signed)
    except SigningError as exc:
        print(exc.message(lang), file=sys.stderr)
        return EXIT_INVALID
    out = Path(args.output)
    if not write_pdf(out, signed, lang):
        return EXIT_INVALID
    print(t("sign.cli.written", lang, file=str(out), subject=checks[-1].subject if checks else "?"))
    return 0
