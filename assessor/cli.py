"""The command line: `assessor COMMAND ...` (also `python -m assessor`).

Each command lives in `assessor/commands/<name>.py` with `register(subparsers, lang)`; this
module finds them, parses the arguments and turns every expected failure into a plain message
and an exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence
from datetime import date

from . import commands
from .engine import ReadingError
from .i18n import DEFAULT_LANG, LANGS, t
from .intake import ApplicationError
from .rulebook import RulebookError

EXIT_OK, EXIT_MISMATCH, EXIT_INVALID = 0, 1, 2


class UsageError(Exception):
    """A command line that cannot be carried out; the message is already translated."""


def _lang_from(argv: Sequence[str]) -> str:
    # The parser's own help must be in the user's language, so --lang is read before parsing.
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGS:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg.split("=", 1)[1] in LANGS:
            return arg.split("=", 1)[1]
    return DEFAULT_LANG


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 as well; keep its message short
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: {message}\n")
        raise SystemExit(EXIT_INVALID)


def add_lang(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG, help=t("cli.help.lang", lang))


def add_assessment_options(parser: argparse.ArgumentParser, lang: str) -> None:
    """--as-of, --reading and --lang, shared by every command that assesses."""
    parser.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD", help=t("cli.help.as_of", lang))
    parser.add_argument("--reading", action="append", default=[], metavar="KEY=VALUE", help=t("cli.help.reading", lang))
    add_lang(parser, lang)


def parse_as_of(text: str | None, lang: str) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(t("cli.bad_as_of", lang, value=text)) from None


def require_suffix(path: str, suffix: str, lang: str) -> None:
    """Refuse an output name whose extension would mislabel the file (a PDF called x.txt)."""
    if not path.lower().endswith(suffix):
        raise UsageError(t("cli.bad_suffix", lang, file=path, suffix=suffix))


def parse_readings(pairs: list[str], lang: str) -> dict[str, str]:
    readings = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key or not value:
            raise UsageError(t("cli.bad_reading", lang, value=pair))
        readings[key.strip()] = value.strip()
    return readings


def build_parser(lang: str) -> argparse.ArgumentParser:
    parser = _Parser(prog="assessor", description=t("cli.help.description", lang))
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"{commands.__name__}.{info.name}").register(subparsers, lang)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _lang_from(argv)
    parser = build_parser(lang)
    args = parser.parse_args(argv)
    lang = getattr(args, "lang", lang)
    try:
        return int(args.run(args) or 0)
    except ApplicationError as exc:
        print(t("cli.invalid_input", lang, source=exc.source or "-"), file=sys.stderr)
        for line in exc.lines(lang):
            print(f"  {line}", file=sys.stderr)
        return EXIT_INVALID
    except ReadingError as exc:
        print(exc.message(lang), file=sys.stderr)
        return EXIT_INVALID
    except (UsageError, RulebookError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
