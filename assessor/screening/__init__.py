"""Regulator screening: many applications, workbooks and dossiers at once, each recomputed,
all cross-checked for red flags, ranked for review.

    sources, refused = collect_paths(["submissions/"])
    screening = screen(sources, Settings(as_of=date(2026, 6, 30)), refused)
    export(screening, "xlsx", lang="zh")
"""

from .collect import Refused, Source, ZipLimits, collect_paths, collect_uploads, open_zip
from .export import FORMATS, export, export_format
from .flags import FLAG_CODES
from .record import Flag, Record
from .run import Screening, screen
from .worker import Settings, address_key, phone_key

__all__ = [
    "FLAG_CODES",
    "FORMATS",
    "Flag",
    "Record",
    "Refused",
    "Screening",
    "Settings",
    "Source",
    "ZipLimits",
    "address_key",
    "collect_paths",
    "collect_uploads",
    "export",
    "export_format",
    "open_zip",
    "phone_key",
    "screen",
]
