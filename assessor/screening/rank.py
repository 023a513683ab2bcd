"""The default order of a screening table, most in need of a human first.

1. files that could not be screened (someone must chase them);
2. dossiers whose embedded data no longer matches what they state (tampered);
3. more red flags first (information such as evidence without a hash is not counted);
4. verdict: eligible first, then incomplete, not eligible, out of scope: an approval is the
   decision that rests on the data being true, so eligible applications come under the
   closest scrutiny;
5. thinnest premium margin first (borderline cases), unknown margins last;
6. the file name, so the order is stable.
"""

from __future__ import annotations

from decimal import Decimal

from .flags import red_flags
from .record import Record

# Every verdict, in the order the ranking puts them: clear first.
VERDICT_ORDER = {"eligible": 0, "no_obstacle": 0, "incomplete": 1, "not_eligible": 2, "out_of_scope": 3}
_NO_MARGIN = Decimal("Infinity")


def rank_key(record: Record) -> tuple:
    return (
        0 if not record.screened else 1,
        0 if record.tampered else 1,
        -len(red_flags(record)),
        VERDICT_ORDER.get(record.verdict, 9),
        abs(record.premium_margin) if record.premium_margin is not None else _NO_MARGIN,
        record.label,
    )


def rank(records: list[Record]) -> list[Record]:
    return sorted(records, key=rank_key)


VERDICTS = tuple(VERDICT_ORDER)
