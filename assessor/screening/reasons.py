"""Why a file could not be screened, kept as a locale key until someone reads it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..i18n import t, with_detail
from ..intake import Problem


@dataclass(frozen=True, slots=True)
class Reason:
    """A screening error (`screening.error.*`) or an input problem found by intake (`problem`)."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)
    problem: Problem | None = None

    @classmethod
    def from_problem(cls, problem: Problem) -> Reason:
        return cls("", {}, problem)

    def text(self, lang: str = "zh") -> str:
        if self.problem is not None:
            return self.problem.line(lang)
        try:
            return t(self.key, lang, **with_detail(self.values, lang))
        except KeyError:  # a value the wording names but the code did not supply
            return t(self.key, lang, **{k: "?" for k in _placeholders(self.key, lang)} | self.values)


def _placeholders(key: str, lang: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(t(key, lang)) if name]
