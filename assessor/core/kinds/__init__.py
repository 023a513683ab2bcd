"""The criterion kinds, by the name a rulebook gives them."""

from __future__ import annotations

from .base import Kind, Outcome, add_years, leaves_window, resolve, window_start
from .checklist import Checklist
from .contained import ContainedIn
from .count import MinCountPerSite
from .duration import MinDuration
from .total import MinSum
from .window import NoEventInWindow

KINDS: dict[str, Kind] = {kind.name: kind for kind in (MinDuration(), MinSum(), MinCountPerSite(), NoEventInWindow(), Checklist(), ContainedIn())}

__all__ = ["KINDS", "Kind", "Outcome", "add_years", "leaves_window", "resolve", "window_start"]
