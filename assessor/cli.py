"""The command line: `assessor COMMAND ...` (also `python -m assessor`).

Each command lives in `assessor/commands/<name>.py` with `register(subparsers, lang)`; this
module finds them, parses the arguments and turns every expected failure into a plain message
and an exit code, never a traceback: anything else becomes one line in the user's language and
exit 4 (set ASSESSOR_DEBUG=1 to see the traceback instead).
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import pkgutil
import re
import stat
import sys
from collections.abc import Sequence
from datetime import date

from . import commands
from .core.engine import AsOfError, ReadingError
from .i18n import DEFAULT_LANG, LANGS, t
from .intake import ApplicationError
from .core.rulebook import RulebookError

EXIT_OK, EXIT_MISMATCH, EXIT_INVALID = 0, 1, 2
EXIT_CANNOT_CHECK = 3  # verify: a dossier whose embedded data lies beyond the reader's limits
EXIT_UNEXPECTED = 4  # a failure no command foresaw: one line, never a traceback


class UsageError(Exception):
    """A command line that cannot be carried out; the message is already translated."""


def _lang_from(argv: Sequence[str]) -> str:
    # The parser's own help must be in the user's language, so --lang is read before parsing.
    # The last one wins, as it does when argparse reads them (before and after the command).
    found = DEFAULT_LANG
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGS:
            found = argv[i + 1]
        elif arg.startswith("--lang=") and arg.split("=", 1)[1] in LANGS:
            found = arg.split("=", 1)[1]
    return found


# argparse's own messages (Python 3.11), each with the key of its translation; the names and
# values it quotes are kept as they are. A message not listed here is printed as argparse wrote it.
_ARGPARSE_MESSAGES = tuple(
    (re.compile(pattern, re.DOTALL), key)
    for pattern, key in (
        (r"argument (?P<name>.+?): (?P<message>.+)", "argument"),
        (r"the following arguments are required: (?P<names>.+)", "required"),
        (r"invalid choice: (?P<value>.+?) \(choose from (?P<choices>.*)\)", "invalid_choice"),
        (r"unrecognized arguments: (?P<args>.*)", "unrecognized"),
        (r"expected one argument", "expected_one"),
        (r"expected at most one argument", "expected_at_most_one"),
        (r"expected at least one argument", "expected_at_least_one"),
        (r"expected (?P<n>\d+) arguments?", "expected_n"),
        (r"invalid (?P<type>\S+) value: (?P<value>.+)", "invalid_value"),
        (r"not allowed with argument (?P<name>.+)", "not_allowed_with"),
        (r"ambiguous option: (?P<option>.+?) could match (?P<matches>.+)", "ambiguous"),
        (r"one of the arguments (?P<names>.+) is required", "one_of_required"),
        (r"ignored explicit argument (?P<value>.+)", "ignored_explicit"),
        (r"can't open '(?P<file>.*)': (?P<error>.*)", "cannot_open"),
    )
)


def translate_argparse(message: str, lang: str) -> str:
    """argparse's English error message in `lang`; unknown messages are returned unchanged."""
    for pattern, key in _ARGPARSE_MESSAGES:
        match = pattern.fullmatch(message)
        if match:
            values = match.groupdict()
            if key == "argument":
                values["message"] = translate_argparse(values["message"], lang)
            return t(f"cli.argparse.{key}", lang, **values)
    return message


class _Formatter(argparse.HelpFormatter):
    def __init__(self, prog: str, *args, lang: str = DEFAULT_LANG, **kwargs) -> None:
        super().__init__(prog, *args, **kwargs)
        self._usage_prefix = t("cli.argparse.usage", lang)

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, self._usage_prefix if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse in the user's language: its headings, its -h help and its error messages."""

    def __init__(self, *args, lang: str = DEFAULT_LANG, **kwargs) -> None:
        self.lang = lang
        add_help = kwargs.pop("add_help", True)
        kwargs.setdefault("formatter_class", functools.partial(_Formatter, lang=lang))
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = t("cli.argparse.positionals", lang)
        self._optionals.title = t("cli.argparse.options", lang)
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=t("cli.argparse.help", lang))

    def error(self, message: str) -> None:  # argparse exits 2 as well; keep its message short
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: {translate_argparse(message, self.lang)}\n")
        raise SystemExit(EXIT_INVALID)


def add_lang(parser: argparse.ArgumentParser, lang: str) -> None:
    # No default here: `assessor --lang en COMMAND` sets it on the main parser, and a default on
    # the command's parser would overwrite it. main() reads DEFAULT_LANG when neither is given.
    parser.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help=t("cli.help.lang", lang))


def add_assessment_options(parser: argparse.ArgumentParser, lang: str) -> None:
    """--as-of, --reading and --lang, shared by every command that assesses."""
    parser.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD", help=t("cli.help.as_of", lang))
    parser.add_argument("--reading", action="append", default=[], metavar="KEY=VALUE", help=t("cli.help.reading", lang))
    add_lang(parser, lang)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_as_of(text: str | None, lang: str) -> date:
    """The assessment date: today when not given, else exactly YYYY-MM-DD and a real date
    (date.fromisoformat alone would also take 20260831, 2026-W35-1 and other ISO forms)."""
    if text is None:
        return date.today()
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise UsageError(t("cli.bad_as_of", lang, value=text))


def note_future_as_of(as_of: date, lang: str) -> None:
    """A one-line note on stderr when the assessment date lies after today."""
    if as_of > date.today():
        print(t("cli.future_as_of", lang, as_of=as_of), file=sys.stderr)


def require_suffix(path: str, suffix: str, lang: str) -> None:
    """Refuse an output name whose extension would mislabel the file (a PDF called x.txt)."""
    if not path.lower().endswith(suffix):
        raise UsageError(t("cli.bad_suffix", lang, file=path, suffix=suffix))


def regular_or_missing(path: str | None, lang: str) -> str | None:
    """Refuse a pipe, device or socket given as an input file before a reader blocks on it; a
    missing or unreadable file is left to the reader, which says so in its own words."""
    if path is None:
        return None
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return path
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise UsageError(t("errors.input.not_regular_file", lang, file=path))
    return path


def parse_readings(pairs: list[str], lang: str) -> dict[str, str]:
    readings = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key or not value:
            raise UsageError(t("cli.bad_reading", lang, value=pair))
        key = key.strip()
        if key in readings:
            raise UsageError(t("cli.repeated_reading", lang, key=key))
        readings[key] = value.strip()
    return readings


def build_parser(lang: str) -> argparse.ArgumentParser:
    parser = _Parser(prog="assessor", description=t("cli.help.description", lang), lang=lang)
    parser.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG, help=t("cli.help.lang", lang))
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=functools.partial(_Parser, lang=lang))
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"{commands.__name__}.{info.name}").register(subparsers, lang)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _lang_from(argv)
    for stream in (sys.stdout, sys.stderr):
        # Text from a file (a lone surrogate, say) must never stop a print half way.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        return _run(argv, lang)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the one place a failure nothing foresaw is caught
        if os.environ.get("ASSESSOR_DEBUG"):
            raise
        # The exception's own text may quote the input and is in English: only its kind is kept,
        # in a form a report can quote, and the user is told what to do in their language.
        try:
            print(t("cli.unexpected", lang, code_name=_kind(exc), code=EXIT_UNEXPECTED), file=sys.stderr)
        except Exception:  # noqa: BLE001 - stderr itself is gone
            pass
        return EXIT_UNEXPECTED


def _kind(exc: BaseException) -> str:
    # A short code a bug report can quote without the message: E- and the exception's name in lower case.
    return "E-" + re.sub(r"(?<!^)(?=[A-Z])", "-", type(exc).__name__).lower()


def _run(argv: list[str], lang: str) -> int:
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
    except (ReadingError, AsOfError) as exc:
        print(exc.message(lang), file=sys.stderr)
        return EXIT_INVALID
    except (UsageError, RulebookError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
