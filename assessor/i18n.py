"""The one translation layer: every user-facing string, in zh (default) and en.

Wording lives in `locales/<lang>/*.toml`, one file per part of the product, merged into one
flat table of dotted keys (`engine.status.met`). Code asks for a key and never spells a sentence.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
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
    text = catalog(lang if lang in LANGS else DEFAULT_LANG)[key]
    return text.format(**values) if values else text


def both(key: str, /, **values: Any) -> dict[str, str]:
    """The text for `key` in every language, for results that carry both."""
    return {lang: t(key, lang, **values) for lang in LANGS}


def has(key: str, lang: str = DEFAULT_LANG) -> bool:
    return key in catalog(lang)


def format_decimal(value: Decimal, places: int | None = None) -> str:
    """Digits with thousands separators; exact unless `places` asks for rounding."""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
    text = format(value, ",f")
    if places is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_yuan(amount: Decimal, lang: str = DEFAULT_LANG) -> str:
    """A yuan amount as a reader expects it: 亿元 first in Chinese, with the exact 元 figure."""
    yi = format_decimal(amount / Decimal(100_000_000), 2)
    exact = format_decimal(amount)
    return t("units.yuan_amount", lang, yi=yi, yuan=exact)
