"""Speed of forecasts, what-if changes and scenario comparisons; prints figures, asserts nothing.

Run: .venv/bin/python benchmarks/bench_forecast.py  (or `make bench`)
"""

from __future__ import annotations

import statistics
import sys
import time
import tomllib
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assessor.forecast import forecast  # noqa: E402
from assessor.intake import load_application, parse_application  # noqa: E402
from assessor.core.rulebook import load_rulebook  # noqa: E402
from assessor.scenarios import Edit, Scenario, compare, minimal_changes  # noqa: E402

WORKSHOP = ROOT / "examples" / "workshop"


def timed(fn, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000


def long_ledger_application(years: int, products: int, monthly_yuan: int) -> dict:
    base = load_application(WORKSHOP / "04-new-entrant.json", today=date(2026, 11, 25)).model_dump(mode="json")
    rows = []
    for i in range(years * 12):
        year, month = 2026 - years + (i + 1) // 12, (i + 1) % 12 + 1
        for p in range(products):
            rows.append({"month": f"{year:04d}-{month:02d}", "product_code": f"DX-{p}", "telemarketing_exclusive": True, "premium": str(monthly_yuan), "unit": "元"})
    base["premiums"]["ledger"] = rows
    base["centralized_selling"]["since"] = rows[0]["month"] + "-01"
    return base


def main() -> None:
    rulebook = load_rulebook()
    index = tomllib.loads((WORKSHOP / "index.toml").read_text(encoding="utf-8"))["insurers"]
    print("forecast + what-if per workshop insurer (median of 5, ms):")
    for entry in index:
        app = load_application(WORKSHOP / entry["file"], today=entry["as_of"])
        rows = len(app.premiums.ledger)
        f_ms = timed(lambda: forecast(app, rulebook, entry["as_of"]))
        w_ms = timed(lambda: minimal_changes(app, rulebook, entry["as_of"]))
        print(f"  {entry['file']:<32} ledger rows {rows:>4}  forecast {f_ms:7.1f}  what-if {w_ms:7.1f}")

    app = load_application(WORKSHOP / "05-clean-case.json", today=date(2026, 11, 25))
    scenarios = [
        Scenario("as is"),
        Scenario("small site", (Edit("/proposed_site/planned_seats", 450),)),
        Scenario("late start", (Edit("/centralized_selling/since", "2026-01-01"),)),
        Scenario("small branch", (Edit("/existing_sites/1/seats", 420),)),
    ]
    print(f"compare 4 scenarios of 05-clean-case (median of 5): {timed(lambda: compare(app, scenarios, rulebook, date(2026, 11, 25))):.1f} ms")

    for years, products, monthly in ((10, 5, 1_500_000), (20, 10, 400_000)):
        raw = long_ledger_application(years, products, monthly)
        big = parse_application(raw, today=date(2026, 11, 25))
        ms = timed(lambda: forecast(big, rulebook, date(2026, 11, 25)), repeat=3)
        fc = forecast(big, rulebook, date(2026, 11, 25))
        print(f"forecast, {len(big.premiums.ledger)} ledger rows ({years} years x {products} products), premium {fc.criterion('4.1.premium').outlook.value} {fc.eligible_on}: {ms:.1f} ms")


if __name__ == "__main__":
    main()
