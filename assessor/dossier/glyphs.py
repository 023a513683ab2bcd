"""What the dossier's embedded faces can draw, and the refusal of anything else.

A character the fonts lack prints as a .notdef box (and breaks PDF/A); a bidi control or a
zero-width character in a name can reverse or hide the text around it. Every string of the
application and every option the user typed is checked before anything is laid out, and the
first offender is named with its field and code point.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any, Iterable, Iterator

# Faces of the letter (GB/T 9704-2012 roles), by fontconfig family: 仿宋, 楷体, 黑体, 小标宋.
FANG, KAI, HEI, SONG = "FandolFang", "FandolKai", "FandolHei", "FandolSong"
LETTER_FACES = (FANG, KAI, HEI, SONG)

# Bidi embeddings, overrides and isolates, marks, and the invisible joiners and spaces.
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
INVISIBLE = frozenset("\u00ad\u034f\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff")


class UndrawableText(ValueError):
    """`field` holds `char`, which the dossier cannot print faithfully; `why` says which rule."""

    def __init__(self, field: str, char: str, why: str):
        self.field, self.char, self.why = field, char, why
        super().__init__(f"{field}: U+{ord(char):04X} ({why})")

    def values(self) -> dict[str, str]:
        name = unicodedata.name(self.char, "")
        shown = self.char if self.why == "font" and unicodedata.category(self.char)[0] not in "CZ" else ""
        return {"field": self.field, "code": f"U+{ord(self.char):04X}", "name": name or "?", "char": shown}


@lru_cache(maxsize=1)
def face_paths() -> dict[str, str]:
    """The font file of each letter face, found through fontconfig (family → path)."""
    from .fonts import cjk_fonts

    found: dict[str, str] = {}
    for font in cjk_fonts():
        for face in LETTER_FACES:
            if font.family == face and face not in found:
                found[face] = font.path
    return found


@lru_cache(maxsize=1)
def drawable() -> frozenset[int]:
    """Code points every body face (仿宋, 楷体, 黑体) can draw: text may land in any of them."""
    from fontTools.ttLib import TTFont

    paths = face_paths()
    sets = []
    for face in (FANG, KAI, HEI):
        if face in paths:
            sets.append(set(TTFont(paths[face], lazy=True, fontNumber=0).getBestCmap()))
    if not sets:
        return frozenset()
    return frozenset(set.intersection(*sets))


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key, f"{path}/{key}" if path else str(key))
            yield from _strings(item, f"{path}/{key}" if path else str(key))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}/{i}")


def check_text(fields: Iterable[tuple[str, str]]) -> None:
    """Raise UndrawableText for the first character of `fields` ((name, text) pairs) that is a
    bidi control, an invisible character, or one the letter's faces cannot draw."""
    cover = drawable()
    for name, text in fields:
        for char in text:
            if char in BIDI:
                raise UndrawableText(name, char, "bidi")
            if char in INVISIBLE:
                raise UndrawableText(name, char, "invisible")
            if char in "\n\t":
                continue
            if cover and ord(char) not in cover:
                raise UndrawableText(name, char, "font")


def check_application(application: Any, options: dict[str, str | None]) -> None:
    """Every string of the application (by its JSON path) and of the user's options."""
    data = application.model_dump(mode="json")
    check_text(_strings(data, ""))
    check_text((name, value) for name, value in options.items() if value)
