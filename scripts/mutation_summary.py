"""Count mutmut's results per module: mutants made, run, killed (a timeout counts as killed), survived.

Reads the output of `mutmut results --all true` (lines "parlib.model.compare.x_f__mutmut_3: killed").
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict

KILLED = {"killed", "timeout"}  # a mutant that hangs the tests is caught by them


def main(path: str) -> None:
    per: dict[str, Counter] = defaultdict(Counter)
    for line in open(path, encoding="utf-8"):
        name, sep, status = line.strip().rpartition(": ")
        if not sep or "__mutmut_" not in name:
            continue
        per[name.split(".x", 1)[0]][status.strip()] += 1  # "parlib.model.compare.x_f__mutmut_3"
    total = Counter()
    print(f"{'module':32} {'made':>6} {'run':>6} {'killed':>7} {'survived':>9} {'killed % of run':>16}")
    for module in sorted(per):
        c = per[module]
        total.update(c)
        _row(module, c)
    _row("total", total)


def _row(name: str, c: Counter) -> None:
    made = sum(c.values())
    killed = sum(c[s] for s in KILLED)
    survived = c["survived"]
    run = made - c["not checked"] - c["skipped"]
    pct = f"{100 * killed / run:.1f}" if run else "-"
    print(f"{name:32} {made:>6} {run:>6} {killed:>7} {survived:>9} {pct:>16}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "mutation-results.txt")
