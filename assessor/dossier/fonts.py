"""Finding the CJK fonts the dossier and its charts are set in.

A PDF whose Chinese glyphs fall back to a font without them prints empty boxes and still
passes text extraction, so the dossier refuses to render at all when fontconfig knows no
Chinese font; the error says how to install one.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from ..i18n import t


class DossierFontError(RuntimeError):
    """No font that covers Chinese is installed; carries the translated advice."""

    def message(self, lang: str = "zh") -> str:
        return t("dossier.errors.no_cjk_font", lang)


@dataclass(frozen=True, slots=True)
class CJKFont:
    path: str
    family: str
    style: str


# Preferred families, in order: the dossier's serif body and sans headings, then others.
PREFERRED_SANS = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei")
PREFERRED_SERIF = ("Noto Serif CJK SC", "Source Han Serif SC", "Noto Serif SC", "AR PL UMing CN")


@lru_cache(maxsize=1)
def cjk_fonts() -> tuple[CJKFont, ...]:
    """Every font fontconfig says covers Chinese (`fc-list :lang=zh`)."""
    if shutil.which("fc-list") is None:
        return ()
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh", "file", "family", "style"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ()
    fonts = []
    for line in out.splitlines():
        path, _, rest = line.partition(": ")
        if not rest:
            continue
        family, _, style = rest.partition(":style=")
        for name in family.split(","):
            fonts.append(CJKFont(path.strip(), name.strip(), style.split(",")[0].strip()))
    return tuple(sorted(set(fonts), key=lambda f: (f.family, f.style, f.path)))


def require_cjk_fonts() -> tuple[CJKFont, ...]:
    fonts = cjk_fonts()
    if not fonts:
        raise DossierFontError("no CJK font found (fc-list :lang=zh lists none)")
    return fonts


def chart_font() -> CJKFont:
    """The sans CJK font the charts use: the first preferred family installed, else any."""
    fonts = require_cjk_fonts()
    regular = [f for f in fonts if f.style.lower() in {"regular", "book", "normal", ""}] or list(fonts)
    for family in PREFERRED_SANS + PREFERRED_SERIF:
        for font in regular:
            if font.family == family:
                return font
    return regular[0]
