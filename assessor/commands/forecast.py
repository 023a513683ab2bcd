"""`assessor forecast FILE`: when each criterion is met, the overall date, and what flips it."""

from __future__ import annotations

import json
import sys

from ..cli import add_assessment_options, parse_as_of, parse_readings
from ..forecast import BASES, DEFAULT_BASIS, Forecast, Outlook, check_text
from ..forecast import forecast as make_forecast
from ..i18n import format_month, format_yuan, t
from ..intake import load_application
from ..core.rulebook import load_rulebook
from ..scenarios import Change, minimal_changes

_MARK = {Outlook.MET_NOW: "✔", Outlook.ON_DATE: "◷", Outlook.NEVER: "✘", Outlook.BLOCKED: "✘", Outlook.NOT_APPLICABLE: "–"}


def register(subparsers, lang: str) -> None:
    parser = subparsers.add_parser("forecast", help=t("forecast.cli.help", lang), description=t("forecast.cli.help", lang))
    parser.add_argument("file", help=t("cli.help.file", lang))
    parser.add_argument("--basis", type=int, choices=BASES, default=DEFAULT_BASIS, help=t("forecast.cli.basis", lang))
    parser.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.help.format", lang))
    parser.add_argument("--rulebook", help=t("cli.help.rulebook", lang))
    add_assessment_options(parser, lang)
    parser.set_defaults(run=run)


def render_forecast(fc: Forecast, changes: tuple[Change, ...], name: str, lang: str) -> str:
    lines = [
        t("forecast.text.title", lang, name=name),
        t("forecast.text.header", lang, as_of=fc.as_of, basis=fc.basis, rulebook=fc.rulebook_id, version=fc.rulebook_version),
        t("forecast.text.readings", lang, readings=", ".join(f"{k}={v}" for k, v in fc.readings.items())),
        t("forecast.text.now", lang, verdict=t(f"verdict.{fc.verdict_now.value}", lang)),
    ]
    rate = fc.run_rate
    if rate is not None and rate.months:
        lines.append(
            t(
                "forecast.text.run_rate",
                lang,
                rate=format_yuan(rate.per_month, lang),
                first=format_month(rate.months[0].year, rate.months[0].month, lang),
                last=format_month(rate.months[-1].year, rate.months[-1].month, lang),
                n=len(rate.months),
            )
        )
    lines.append("")
    for item in fc.criteria:
        shown = item.met_on if item.outlook is Outlook.ON_DATE else None
        date_text = t("forecast.text.date_suffix", lang, date=shown) if shown else ""
        lines.append(
            t(
                "forecast.text.criterion",
                lang,
                mark=_MARK[item.outlook],
                id=item.criterion,
                clause=item.clause,
                title=item.title[lang],
                outlook=t(f"forecast.outlook.{item.outlook.value}", lang),
                date=date_text,
            )
        )
        lines.append("   " + item.reason.text(lang))
        lines += ["   * " + note.text(lang) for note in item.notes]
    lines += ["", t("forecast.text.overall", lang) + fc.summary().text(lang)]
    if fc.check is not None:
        lines.append(check_text(fc, lang))
    lines += ["* " + note.text(lang) for note in fc.notes]
    lines += ["", t("forecast.text.changes", lang)]
    if not changes:
        lines.append(t("forecast.text.no_changes", lang))
    for change in changes:
        mark = t("forecast.text.change_flips", lang) if change.flips else t("forecast.text.change_fails", lang) if change.flips is False else "·"
        lines.append(t("forecast.text.change_line", lang, mark=mark, id=change.criterion, text=change.text(lang)))
    lines += ["", t("report.confirm_current", lang)]
    return "\n".join(lines) + "\n"


def run(args) -> int:
    as_of = parse_as_of(args.as_of, args.lang)
    readings = parse_readings(args.reading, args.lang)
    rulebook = load_rulebook(args.rulebook)
    application = load_application(args.file)
    fc = make_forecast(application, rulebook, as_of, readings, args.basis)
    changes = minimal_changes(application, rulebook, as_of, readings, args.basis, args.lang, forecast_result=fc)
    if args.format == "json":
        payload = fc.to_json() | {"changes": [c.to_json() for c in changes]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_forecast(fc, changes, application.applicant.name, args.lang))
    return 0
