"""The one translation layer: every user-facing string, in zh (default) and en.

Wording lives in `locales/<lang>/*.toml`, one file per part of the product, merged into one
flat table of dotted keys (`engine.status.met`). Code asks for a key and never spells a sentence.
"""

from __future__ import annotations

import errno
import tomllib
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal
from functools import cache
from pathlib import Path
from typing import Any

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LOCALE_DIR = Path(__file__).parent / "locales"


def _flatten(table: dict[str, Any], prefix: str, out: dict[str, str], source: Path) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(value, full, out, source)
        elif isinstance(value, str):
            if full in out:
                raise ValueError(f"{source}: key {full} is defined twice")
            out[full] = value
        else:
            raise ValueError(f"{source}: key {full} must be text")


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every string of one language, keyed by dotted name."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    out: dict[str, str] = {}
    for file in sorted((LOCALE_DIR / lang).glob("*.toml")):
        _flatten(tomllib.loads(file.read_text(encoding="utf-8")), "", out, file)
    return out


def t(key: str, lang: str = DEFAULT_LANG, /, **values: Any) -> str:
    """The text for `key` in `lang`, with `{name}` placeholders filled from `values`."""
    lang = lang if lang in LANGS else DEFAULT_LANG
    text = catalog(lang)[key]
    if not values:
        return text
    return text.format(**{name: format_date(v, lang) if isinstance(v, date) and not isinstance(v, datetime) else v for name, v in values.items()})


def format_date(day: date, lang: str = DEFAULT_LANG) -> str:
    """A date as every text shows it: 2026年6月30日 in Chinese, 2026-06-30 in English.

    `t` applies it to every date it is given, so a sentence never prints a date another way."""
    return t("units.date", lang, year=day.year, month=day.month, day=day.day)


def format_month(year: int, month: int, lang: str = DEFAULT_LANG) -> str:
    """A calendar month: 2026年10月 in Chinese, 2026-10 in English."""
    return t("units.month", lang, year=year, month=month)


def both(key: str, /, **values: Any) -> dict[str, str]:
    """The text for `key` in every language, for results that carry both."""
    return {lang: t(key, lang, **values) for lang in LANGS}


def has(key: str, lang: str = DEFAULT_LANG) -> bool:
    return key in catalog(lang)


# ---------------------------------------------------------------- what the system and parsers say

# The operating system and the JSON parser word their errors in English. Where a message keeps
# such a detail for later, it keeps beside it the key of its translation (`detail_key`).


def os_error_key(exc: OSError) -> str:
    """The locale key for an operating-system error, such as errors.os.ENOENT."""
    return f"errors.os.{errno.errorcode.get(exc.errno or 0, 'other')}"


def os_error_text(exc: OSError, lang: str = DEFAULT_LANG) -> str:
    key = os_error_key(exc)
    return t(key, lang) if has(key, lang) else (exc.strerror or type(exc).__name__)


def os_error_values(exc: OSError) -> dict[str, str]:
    """The detail of an operating-system error, to be worded later in the reader's language."""
    return {"detail": exc.strerror or type(exc).__name__, "detail_key": os_error_key(exc)}


_JSON_DETAILS = (
    ("Expecting value", "expecting_value"),
    ("Expecting property name", "expecting_property_name"),
    ("Expecting ',' delimiter", "expecting_comma"),
    ("Expecting ':' delimiter", "expecting_colon"),
    ("Unterminated string", "unterminated_string"),
    ("Invalid control character", "control_character"),
    ("Invalid \\escape", "invalid_escape"),
    ("Invalid \\u", "invalid_escape"),
    ("Extra data", "extra_data"),
    ("nested too deeply", "nested_too_deeply"),
)


def json_error_values(detail: str) -> dict[str, str]:
    """The detail of a JSON parser's error, to be worded later in the reader's language."""
    for start, name in _JSON_DETAILS:
        if detail.startswith(start):
            return {"detail": detail, "detail_key": f"errors.json.{name}"}
    return {"detail": detail}


def with_detail(values: dict[str, Any], lang: str) -> dict[str, Any]:
    """`values` with its English `detail` replaced by its translation, where there is one."""
    key = values.get("detail_key")
    if key and has(key, lang):
        return values | {"detail": t(key, lang)}
    return values


def format_decimal(value: Decimal, places: int | None = None, rounding: str | None = None) -> str:
    """Digits with thousands separators; exact unless `places` asks for rounding."""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=rounding)
    text = format(value, ",f")
    if places is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


_ONE_HUNDREDTH_YI = Decimal(1_000_000)


def format_yuan(amount: Decimal, lang: str = DEFAULT_LANG, rounding: str = ROUND_DOWN) -> str:
    """A yuan amount as a reader expects it: 亿元 first in Chinese, with the exact 元 figure.

    The 亿元 figure is cut, never rounded up, so an amount just short of a threshold never reads
    as reaching it (999,999,999.99元 is 9.99亿元, not 10.00); a shortfall passes ROUND_UP, so it
    never reads smaller than it is. Under 0.01亿元 only yuan are shown."""
    exact = format_decimal(amount)
    if abs(amount) < _ONE_HUNDREDTH_YI:
        return t("units.yuan_only", lang, yuan=exact)
    yi = format_decimal(amount / Decimal(100_000_000), 2, rounding)
    return t("units.yuan_amount", lang, yi=yi, yuan=exact)
