"""`make bench`: parlib's speed and memory goals, measured in one run, printed as one table.

Usage: ``python scripts/bench.py [--repeat N] [--heavy-repeat N] [--only CASE ...] [--smoke]``

Every figure is measured in a fresh process (``subprocess``), timed with ``time.perf_counter``;
peak memory is the largest resident set size (``resource.getrusage`` ``ru_maxrss``) of the process
and of the processes it started (the notebook's kernel). Each row shows the goal, the median of the
runs, and the ratio of the measured value to the goal's reference. Synthetic datasets come from
``scripts/bench_data.py`` (seeded) and are cached under ``--work`` (default ``.bench/``).

Cases (issue 14):
- engine: load → score → rank → band → compare (year on year) of 1,000, 10,000 and 100,000 units
  × 40 criteria × 2 years, per-criterion tables: time, peak memory, growth per 10× units;
- report: one report (backan 2023, vi: tables, notebook, HTML, PDF) against the floor, papermill
  running a notebook that only imports pandas, matplotlib and seaborn; built as a user builds it
  (``--jobs`` left to its default, one per core: the report's sections are drawn on every core),
  and with ``--jobs 1`` (one process at a time) for comparison;
- reports of a 63-unit and a 500-unit level (synthetic, 2023, vi, default ``--jobs``): time and
  peak memory;
- job: a cold ``parlib build --all`` (what ``make report`` runs, one job per core) against one with
  nothing changed, and ``--jobs 2`` against ``--jobs 1`` on its 16 reports (8 years in two languages, ``--force``);
- robustness: the rank-robustness analysis (``rank_robustness``) at 10,000 units.

``--smoke`` runs the smallest case only (engine at 200 units, one run) to check that the benchmark
works; ``make test`` does this (tests/test_bench.py), with no assertion on time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from bench_data import make_dataset  # noqa: E402

PY = sys.executable
PARLIB = [PY, "-m", "parlib"]
# The synthetic datasets are far above the limits that bound a hostile file (issue 13; 10,000 units
# × 40 criteria make a 400,000-row table): a genuinely large dataset raises them per run, as a
# user's would (docs/data-format.md, "Limits"). Set only where the caller has not set them.
LARGE_DATASET_LIMITS = {
    "PARLIB_MAX_ROWS": "10000000",
    "PARLIB_MAX_CELLS": "100000000",
    "PARLIB_MAX_TABLE_BYTES": "2000000000",
    "PARLIB_MAX_YAML_BYTES": "200000000",
    "PARLIB_MAX_YAML_ITEMS": "20000000",
}
ENV = {**LARGE_DATASET_LIMITS, **os.environ, "PYTHONHASHSEED": "0"}


# --- what a child process measures ------------------------------------------------------------


def child_engine(folder: str) -> None:
    """Time load → score → rank → band → compare of one dataset in this process; print JSON."""
    from parlib.data.load import load_dataset
    from parlib.model.compare import year_on_year
    from parlib.model.scoring import score_dataset

    t0 = time.perf_counter()
    ds = load_dataset(folder)
    scores = score_dataset(ds)
    for year in ds.years:
        prev = ds.previous_year(year)
        if prev is not None:
            for lv in ds.levels_in(year):
                year_on_year(scores.level_units(year, lv), scores.level_units(prev, lv), ds)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb(resource.RUSAGE_SELF)}))


def child_robustness(folder: str, sensitivity_draws: str) -> None:
    """Time the rank-robustness analysis of one dataset's first level in its last year
    (:func:`parlib.model.robustness.rank_robustness`, 1,000 draws, after scoring, which is not
    timed), with the sensitivity analysis's samples of ``sensitivity_draws`` (0: none)."""
    from parlib.data.load import load_dataset
    from parlib.model.robustness import NoiseSpec, rank_robustness
    from parlib.model.scoring import score_dataset

    ds = load_dataset(folder)
    scores = score_dataset(ds)
    year = ds.years[-1]
    spec = NoiseSpec(draws=1000, sensitivity_draws=int(sensitivity_draws))
    t0 = time.perf_counter()
    rank_robustness(scores, year, ds.levels_in(year)[0], spec)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb(resource.RUSAGE_SELF)}))


def child_command(argv: list[str]) -> None:
    """Run a command; print its wall time and the peak RSS of it and its descendants."""
    t0 = time.perf_counter()
    proc = subprocess.run(argv, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-3000:])
        sys.exit(proc.returncode)
    print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb(resource.RUSAGE_CHILDREN)}))


def _peak_mb(who: int) -> float:
    """Peak resident memory in MB. For this process, Linux's VmHWM (reset by exec): a process started
    by a large parent can report the parent's size in ``ru_maxrss`` (a run of this benchmark gave
    1,144 MB for a case that peaks at 302 MB when started alone)."""
    if who == resource.RUSAGE_SELF:
        try:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
        except OSError:
            pass
    return resource.getrusage(who).ru_maxrss / 1024.0  # Linux: kilobytes


# --- the parent: runs, medians, the table ----------------------------------------------------


@dataclass
class Measure:
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)

    @property
    def t(self) -> float:
        return statistics.median(self.seconds)

    @property
    def mb(self) -> float:
        return statistics.median(self.peak_mb)

    @property
    def n(self) -> int:
        return len(self.seconds)


def measure(kind: str, args: list[str], runs: int, before=None) -> Measure:
    """Run ``scripts/bench.py --child kind args`` ``runs`` times (``before()`` ahead of each run)."""
    m = Measure()
    for _ in range(runs):
        if before is not None:
            before()
        proc = subprocess.run([PY, __file__, "--child", kind, *args], env=ENV, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"benchmark case {kind} {args} failed:\n{proc.stderr[-3000:]}")
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        label = " ".join(x if len(x) < 40 else "…" + x[-30:] for x in args[:9])
        print(f"bench: {kind} {label}: {r['seconds']:.2f} s, {r['peak_mb']:,.0f} MB", file=sys.stderr, flush=True)
        m.seconds.append(r["seconds"])
        m.peak_mb.append(r["peak_mb"])
    return m


@dataclass
class Row:
    case: str
    figure: str
    goal: str
    measured: str
    ratio: str
    met: str


def fmt_s(x: float) -> str:
    return f"{x:.2f} s"


def fmt_mb(x: float) -> str:
    return f"{x:,.0f} MB"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("yes" if ok else "NO")


def print_table(rows: list[Row]) -> str:
    head = Row("case", "figure", "goal", "measured (median)", "ratio", "met")
    cols = list(Row.__dataclass_fields__)
    widths = {c: max(len(getattr(r, c)) for r in [head, *rows]) for c in cols}
    lines = []
    for i, r in enumerate([head, *rows]):
        lines.append("| " + " | ".join(getattr(r, c).ljust(widths[c]) for c in cols) + " |")
        if i == 0:
            lines.append("|" + "|".join("-" * (widths[c] + 2) for c in cols) + "|")
    text = "\n".join(lines)
    print(text, flush=True)
    return text


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(
            next(ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")).split()[1]
        )
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def load_average() -> str:
    """The 1-minute load average: other work on the machine slows every figure of the table."""
    try:
        return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    except OSError:
        return "load average unknown"


def engine_rows(work: Path, sizes: list[int], runs: dict[int, int]) -> list[Row]:
    rows, got = [], {}
    for n in sizes:
        folder = make_dataset(work / f"units-{n}", n)
        m = measure("engine", [str(folder)], runs[n])
        got[n] = m
        goal_t = 3.0 if n == 10_000 else None
        rows.append(
            Row(
                f"engine {n:,} units × 40 criteria × 2 years",
                f"time (n={m.n})",
                "≤ 3 s" if goal_t else "—",
                fmt_s(m.t),
                f"{m.t / goal_t:.2f}" if goal_t else "—",
                verdict(m.t <= goal_t) if goal_t else "n/a",
            )
        )
        goal_m = 1024.0 if n == 10_000 else None
        rows.append(
            Row(
                f"engine {n:,} units",
                "peak memory (RSS)",
                "≤ 1,024 MB" if goal_m else "—",
                fmt_mb(m.mb),
                f"{m.mb / goal_m:.2f}" if goal_m else "—",
                verdict(m.mb <= goal_m) if goal_m else "n/a",
            )
        )
    for a, b in zip(sizes, sizes[1:]):
        if b == 10 * a:
            g = got[b].t / got[a].t
            rows.append(
                Row(f"engine growth {a:,} → {b:,}", "time ×", "≤ 12×", f"{g:.1f}×", f"{g / 12:.2f}", verdict(g <= 12))
            )
            gm = got[b].mb / got[a].mb
            rows.append(Row(f"engine growth {a:,} → {b:,}", "peak memory ×", "—", f"{gm:.1f}×", "—", "n/a"))
    return rows


FLOOR_NB = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "imports",
            "metadata": {},
            "outputs": [],
            "source": "import pandas\nimport matplotlib\nimport seaborn",
        }
    ],
    "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


def report_rows(work: Path, runs: int, heavy: int) -> list[Row]:
    rows = []
    floor_nb = work / "floor.ipynb"
    floor_nb.write_text(json.dumps(FLOOR_NB))
    floor = measure(
        "command",
        [
            PY,
            "-c",
            "import papermill, sys; papermill.execute_notebook(sys.argv[1], sys.argv[2], "
            "kernel_name='python3', progress_bar=False)",
            str(floor_nb),
            str(work / "floor.out.ipynb"),
        ],
        runs,
    )
    out = work / "out-report"
    # As a user runs it: --jobs left to its default (one per core), so that one report's sections are
    # drawn on every core (parlib.report.workers); with --jobs 1 for comparison, one process at a time.
    one = [*PARLIB, "build", "backan", "--year", "2023", "--lang", "vi", "--force"]
    one += ["--out", str(out), "--processed", str(out / "_processed")]
    rep = measure("command", one, runs)
    rep1 = measure("command", [*one, "--jobs", "1"], runs)
    rows.append(
        Row(
            "floor: papermill, notebook importing pandas, matplotlib, seaborn",
            f"time (n={floor.n})",
            "—",
            fmt_s(floor.t),
            "—",
            "n/a",
        )
    )
    ratio = rep.t / floor.t
    rows.append(
        Row(
            "one report (backan 2023 vi: tables, notebook, HTML, PDF)",
            f"time (n={rep.n})",
            "≤ 2.5× floor",
            f"{fmt_s(rep.t)} = {ratio:.2f}× floor",
            f"{ratio / 2.5:.2f}",
            verdict(ratio <= 2.5),
        )
    )
    rows.append(
        Row(
            "the same report, --jobs 1 (one process at a time)",
            f"time (n={rep1.n})",
            "—",
            f"{fmt_s(rep1.t)} = {rep1.t / floor.t:.2f}× floor",
            "—",
            "n/a",
        )
    )
    for n, k in ((63, runs), (500, heavy)):
        folder = make_dataset(work / f"units-{n}", n)
        out = work / f"out-{n}"
        m = measure(
            "command",
            [
                *PARLIB,
                "build",
                str(folder),
                "--year",
                "2023",
                "--lang",
                "vi",
                "--force",
                "--out",
                str(out),
                "--processed",
                str(out / "_processed"),
            ],
            k,
        )
        goal_t = 30.0 if n == 500 else None
        rows.append(
            Row(
                f"report of a {n}-unit level (synthetic 2023 vi)",
                f"time (n={m.n})",
                "< 30 s" if goal_t else "—",
                fmt_s(m.t),
                f"{m.t / goal_t:.2f}" if goal_t else "—",
                verdict(m.t < goal_t) if goal_t else "n/a",
            )
        )
        rows.append(
            Row(
                f"report of a {n}-unit level",
                "peak memory (RSS, any process)",
                "< 1,024 MB" if goal_t else "—",
                fmt_mb(m.mb),
                f"{m.mb / 1024:.2f}" if goal_t else "—",
                verdict(m.mb < 1024) if goal_t else "n/a",
            )
        )
    return rows


def job_rows(work: Path, runs: int) -> list[Row]:
    rows = []
    out = work / "out-all"

    def wipe():
        shutil.rmtree(out, ignore_errors=True)

    build = [*PARLIB, "build", "--all", "--out", str(out), "--processed", str(out / "_processed")]
    cold = measure("command", build, runs, before=wipe)
    same = measure("command", build, runs)
    share = same.t / cold.t
    rows.append(
        Row(
            "make report (parlib build --all: 16 reports of 8 years), cold",
            f"time (n={cold.n})",
            "—",
            fmt_s(cold.t),
            "—",
            "n/a",
        )
    )
    rows.append(
        Row(
            "make report with nothing changed",
            f"time (n={same.n})",
            "≤ 5% of cold",
            f"{fmt_s(same.t)} = {share:.1%}",
            f"{share / 0.05:.2f}",
            verdict(share <= 0.05),
        )
    )
    j1 = measure("command", [*build, "--force", "--jobs", "1"], runs)
    j2 = measure("command", [*build, "--force", "--jobs", "2"], runs)
    speedup = j1.t / j2.t
    rows.append(Row("16 reports --jobs 1", f"time (n={j1.n})", "—", fmt_s(j1.t), "—", "n/a"))
    rows.append(
        Row(
            "16 reports --jobs 2",
            f"time (n={j2.n})",
            "≥ 1.6× faster than --jobs 1",
            f"{fmt_s(j2.t)} = {speedup:.2f}× faster",
            f"{speedup / 1.6:.2f}",
            verdict(speedup >= 1.6),
        )
    )
    return rows


def robustness_rows(work: Path, runs: int) -> list[Row]:
    """Issue 9's goal: 1,000 draws over 10,000 units of 8 fields in under 5 s and under 1 GB (the
    rank intervals alone); then the report's whole analysis, with the sensitivity samples (250),
    against no goal of its own."""
    folder = make_dataset(work / "units-10000", 10_000)
    rows = []
    for label, sens in (
        ("rank intervals, 1,000 draws, 10,000 units", "0"),
        ("… with the sensitivity samples (B, AB_i: 4 × 250 draws)", "250"),
    ):
        try:
            m = measure("robustness", [str(folder), sens], runs)
        except RuntimeError as exc:
            print(f"bench: robustness: {str(exc).strip().splitlines()[-1]}", file=sys.stderr)
            rows.append(Row(label, "time", "—", "failed (see stderr)", "—", "n/a"))
            continue
        goal = sens == "0"
        rows.append(
            Row(
                label,
                f"time (n={m.n})",
                "< 5 s" if goal else "—",
                fmt_s(m.t),
                f"{m.t / 5:.2f}" if goal else "—",
                verdict(m.t < 5) if goal else "n/a",
            )
        )
        rows.append(
            Row(
                label,
                "peak memory (RSS)",
                "< 1,024 MB" if goal else "—",
                fmt_mb(m.mb),
                f"{m.mb / 1024:.2f}" if goal else "—",
                verdict(m.mb < 1024) if goal else "n/a",
            )
        )
    return rows


CASES = ("engine", "report", "job", "robustness")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=3, help="runs per case; the median is shown (default 3)")
    p.add_argument(
        "--heavy-repeat",
        type=int,
        default=1,
        help="runs of the heavy cases: 100,000-unit engine, 500-unit report, whole builds (default 1)",
    )
    p.add_argument("--only", choices=CASES, action="append", help="run only these groups of cases")
    p.add_argument("--smoke", action="store_true", help="the smallest case only (engine at 200 units, one run)")
    p.add_argument("--work", type=Path, default=ROOT / ".bench", help="folder for generated data and outputs")
    p.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        kind, rest = args.child[0], args.child[1:]
        {
            "engine": lambda: child_engine(rest[0]),
            "robustness": lambda: child_robustness(rest[0], rest[1]),
            "command": lambda: child_command(rest),
        }[kind]()
        return 0
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}; {load_average()} at the start", flush=True)
    if args.smoke:
        rows = engine_rows(work, [200], {200: 1})
        print_table(rows)
        return 0
    cases = args.only or list(CASES)
    started = time.perf_counter()
    rows: list[Row] = []
    if "engine" in cases:
        rows += engine_rows(
            work, [1_000, 10_000, 100_000], {1_000: args.repeat, 10_000: args.repeat, 100_000: args.heavy_repeat}
        )
    if "report" in cases:
        rows += report_rows(work, args.repeat, args.heavy_repeat)
    if "job" in cases:
        rows += job_rows(work, args.heavy_repeat)
    if "robustness" in cases:
        rows += robustness_rows(work, args.repeat)
    print()
    print_table(rows)
    print(
        f"\n{len(rows)} rows, measured in one run of {time.perf_counter() - started:.0f} s "
        f"(--repeat {args.repeat}, --heavy-repeat {args.heavy_repeat}); {load_average()} at the end"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
