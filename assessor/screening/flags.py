"""Red flags that only show when applications are read side by side.

Each is indexed by a key (a site, an address, a number, a name, a fingerprint) in one pass, so
comparing thousands of applications costs a dictionary per flag, never a pair loop.
Addresses, numbers and names are compared normalized (see `worker.address_key` and friends).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from .record import Flag, Record, SiteFact

# Stable codes, in the order a screening officer reads them.
FLAG_CODES = (
    "dossier_verdict_differs",
    "duplicate_submission",
    "site_seats_conflict",
    "shared_proposed_address",
    "shared_phone",
    "shared_manager",
    "declared_total_mismatch",
    "ledger_before_start",
    "ledger_after_as_of",
    "evidence_without_hash",
)
# Shown to the officer but not a red flag: almost every real submission leaves some evidence
# unhashed, so counting it would drown the flags that point at a false statement.
INFO_CODES = frozenset({"evidence_without_hash"})
RED_FLAG_CODES = tuple(code for code in FLAG_CODES if code not in INFO_CODES)


def red_flags(record: Record) -> list[Flag]:
    return [flag for flag in record.flags if flag.code not in INFO_CODES]


def info_flags(record: Record) -> list[Flag]:
    return [flag for flag in record.flags if flag.code in INFO_CODES]


def add_cross_flags(records: list[Record]) -> None:
    """Add to each screened record the flags that involve another record."""
    screened = [r for r in records if r.screened and r.facts is not None]
    _duplicates(screened)
    _site_seats(screened)
    _shared(screened, "shared_proposed_address", lambda r: [(r.facts.proposed_address_key, r.facts.proposed_address)])
    _shared(screened, "shared_phone", lambda r: list(r.facts.phones))
    _shared(screened, "shared_manager", lambda r: list(r.facts.managers))


def _duplicates(records: list[Record]) -> None:
    by_print: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        # The fingerprint hashes the canonical application JSON with the (shared) as-of date,
        # readings and rulebook, so equal fingerprints mean identical applications.
        by_print[record.fingerprint].append(record)
    for group in by_print.values():
        if len(group) > 1:
            head = group[: MAX_RELATED + 1]
            for record in group:
                others = tuple(r.label for r in head if r is not record)[:MAX_RELATED]
                record.flags.append(Flag("duplicate_submission", {"n": len(group) - 1}, others))


def _site_seats(records: list[Record]) -> None:
    """The same existing site, told with different seat counts by two applications. A site is
    the same when the insurer and site id match, or when the (normalized) address does."""
    groups: dict[tuple[str, ...], list[tuple[Record, SiteFact]]] = defaultdict(list)
    for record in records:
        for site in record.facts.existing_sites:
            groups[("id", record.facts.credit_code, site.site_id)].append((record, site))
            if site.address_key:
                groups[("address", site.address_key)].append((record, site))
    flagged: set[tuple[int, str]] = set()
    for entries in groups.values():
        if len({site.seats for _, site in entries}) < 2:
            continue
        counts = "/".join(str(n) for n in sorted({site.seats for _, site in entries}))
        for record, site in entries:
            mark = (id(record), site.site_id)
            others = _first(r.label for r, s in entries if r is not record and s.seats != site.seats)
            if mark in flagged or not others:
                continue
            flagged.add(mark)
            record.flags.append(Flag("site_seats_conflict", {"site": site.name, "seats": site.seats, "counts": counts}, others))


def _shared(records: list[Record], code: str, keys_of: Callable[[Record], Iterable[tuple[str, str]]]) -> None:
    """A key held by applications of two or more different insurers (credit codes): one insurer
    reusing its own address, numbers and managers across its applications is expected."""
    holders: dict[str, list[tuple[Record, str]]] = defaultdict(list)
    for record in records:
        for key, shown in keys_of(record):
            if key:
                holders[key].append((record, shown))
    for entries in holders.values():
        if len({r.facts.credit_code for r, _ in entries}) < 2:
            continue
        by_insurer = Counter(r.facts.credit_code for r, _ in entries)
        named: dict[str, tuple[str, ...]] = {}
        for record, shown in entries:
            code_ = record.facts.credit_code
            if code_ not in named:
                named[code_] = _first(r.label for r, _ in entries if r.facts.credit_code != code_)
            n = len(entries) - by_insurer[code_]
            record.flags.append(Flag(code, {"value": shown, "n": n}, named[code_]))


# A flag names at most this many other files; its count says how many there are in all.
MAX_RELATED = 20


def _first(labels: Iterable[str]) -> tuple[str, ...]:
    """The first MAX_RELATED distinct labels, without walking a long group to its end."""
    seen: dict[str, None] = {}
    for label in labels:
        seen[label] = None
        if len(seen) == MAX_RELATED:
            break
    return tuple(seen)
