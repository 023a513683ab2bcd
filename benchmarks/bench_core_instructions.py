"""Core cost in machine instructions, counted by valgrind: figures that do not move with the load.

This machine's wall clock wanders by ±40% from one run to the next (other tenants share the
host), so a small gain or loss is lost in the noise. callgrind counts the instructions executed
instead, which repeats to about 1%. It is slow (about a minute per figure) and needs valgrind;
without it the script says so and stops.

    .venv/bin/python benchmarks/bench_core_instructions.py [--n 150]
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

MODES = ("setup", "parse", "assess", "canonical", "reassess")


def work(mode: str, n: int) -> None:
    """Run in the measured child: set up, then do `mode` once per application."""
    import bench_core as core

    from assessor import assess, load_rulebook, parse_application

    rulebook = load_rulebook()
    documents = core.generate(n, 11)
    assess(parse_application(documents[0], today=core.TODAY), rulebook, core.AS_OF)  # warm every path
    applications = [parse_application(raw, today=core.TODAY) for raw in documents]  # every mode, so "setup" subtracts it
    example = parse_application(core.largest_example().read_bytes(), today=core.TODAY)
    dates = [core.AS_OF - timedelta(days=i) for i in range(n)]
    for day in dates:
        assess(example, rulebook, day)
    gc.disable()
    if mode == "parse":
        for raw in documents:
            parse_application(raw, today=core.TODAY)
    elif mode == "assess":
        for application in applications:
            assess(application, rulebook, core.AS_OF)
    elif mode == "canonical":
        for application in applications:
            application.canonical_json_bytes()
    elif mode == "reassess":
        for day in dates:
            assess(example, rulebook, day + timedelta(days=n))  # dates not seen before


def count(mode: str, n: int) -> int:
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__, "--child", mode, "--n", str(n)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(re.search(r"Collected : (\d+)", out.stderr)[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=150)
    parser.add_argument("--child", choices=MODES)
    parser.add_argument("--parse-only", action="store_true", help="count parse+validate alone (two runs, not five)")
    args = parser.parse_args()
    if args.child:
        work(args.child, args.n)
        return
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind); instruction counts skipped")
        return
    load = os.getloadavg()
    if args.parse_only:
        setup, parse = count("setup", args.n), count("parse", args.n)
        print(f"parse+validate: {(parse - setup) / args.n / 1000:,.0f}k instructions per generated application ({args.n}); load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        return
    counts = {mode: count(mode, args.n) for mode in MODES}
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (instruction counts do not move with it)")
    per = {mode: (counts[mode] - counts["setup"]) / args.n / 1000 for mode in MODES[1:]}
    print(f"instructions per application, {args.n} generated applications (thousands):")
    print(f"  parse+validate {per['parse']:,.0f}k; first assess {per['assess']:,.0f}k, of which canonical JSON {per['canonical']:,.0f}k")
    print(f"  ratio (parse+validate+assess) / parse+validate: {(per['parse'] + per['assess']) / per['parse']:.2f} [target <= 1.5]")
    floor = (per["parse"] + per["canonical"]) / per["parse"]
    budget = 0.5 * per["parse"] - per["canonical"]
    print(f"  ratio with the fingerprint alone (canonical JSON, no findings): {floor:.2f}")
    print(f"  left under 1.5 for the 11 findings: {budget:,.0f}k, {budget / 11:,.0f}k each; now {(per['assess'] - per['canonical']) / 11:,.0f}k each")
    print(f"  re-assess the largest example on a new date: {per['reassess']:,.0f}k")


if __name__ == "__main__":
    main()
