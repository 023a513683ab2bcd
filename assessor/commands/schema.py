"""`assessor schema`: the JSON Schema of an application file."""

from __future__ import annotations

import json
import sys

from ..cli import add_lang
from ..i18n import t
from ..core.model import Application


def register(subparsers, lang: str) -> None:
    parser = subparsers.add_parser("schema", help=t("cli.help.schema", lang), description=t("cli.help.schema", lang))
    add_lang(parser, lang)  # the schema itself is language-neutral; accepted like on every command
    parser.set_defaults(run=run)


def run(args) -> int:
    sys.stdout.write(json.dumps(Application.model_json_schema(), ensure_ascii=False, indent=2) + "\n")
    return 0
