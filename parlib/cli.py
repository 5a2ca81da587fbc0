"""The `parlib` command: build, check, validate, verify, robustness.

Exit codes: 0 success; 1 a published figure does not match (check, and build without
--allow-mismatch: nothing is written), a value is not in its source's local copy (check --sources)
or a build step failed; 2 bad input (one clear line: file, row, column, what is wrong, what to do);
130 interrupted. `parlib verify` ends with one verdict line and its own exit code: 0 OK; 3 inputs
changed, outputs reproduced; 4 environment differs, cannot vouch for byte identity; 5 outputs
differ; 6 manifest rewritten (see parlib.build.verify).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from parlib import __version__
from parlib.errors import EXIT_BAD_INPUT, DataError, DataErrors

if TYPE_CHECKING:
    from parlib.data.dataset import Dataset
    from parlib.data.published import Figure


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage mistake reported like any other bad input: one line, exit code 2."""

    def error(self, message: str) -> NoReturn:
        from parlib.errors import shorten

        print(f"parlib: error: {shorten(' '.join(message.split()), 200)} — see '{self.prog} --help'", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="parlib",
        description=(
            "Turn a PAR Index (Chỉ số CCHC) table as a publisher printed it into verified totals, ranks, "
            "bands and a bilingual annual report."
        ),
    )
    p.add_argument("--version", action="version", version=f"parlib {__version__}")
    p.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", help="score a dataset and write tables, figures.json and the report per year")
    b.add_argument("dataset", nargs="*", help="embedded dataset id (under data/raw/) or a dataset folder")
    b.add_argument("--all", action="store_true", help="every embedded dataset, every year, both languages")
    b.add_argument("--year", type=int, action="append", help="year to build (repeatable; default every year)")
    b.add_argument(
        "--lang",
        choices=["vi", "en"],
        action="append",
        help="report language (repeatable; default vi, or both with --all)",
    )
    b.add_argument("--out", type=Path, default=None, help="output folder (default outputs/)")
    b.add_argument("--processed", type=Path, default=None, help="folder for tidy tables (default data/processed/)")
    b.add_argument("--no-report", action="store_true", help="write tables and figures.json only, no notebook report")
    b.add_argument("--force", action="store_true", help="rebuild even when the outputs are up to date")
    b.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        metavar="N",
        help="reports rendered at once, each in its own process (default: the number of cores)",
    )
    b.add_argument(
        "--clean",
        action="store_true",
        help="remove the report files of languages not asked for (by default they are kept)",
    )
    b.add_argument(
        "--allow-mismatch",
        action="store_true",
        help="build even when published figures do not match (the report's banner says so)",
    )

    c = sub.add_parser("check", help="recompute every published figure and compare it with the printed value")
    c.add_argument("dataset")
    c.add_argument("--year", type=int, action="append")
    c.add_argument(
        "--sources",
        action="store_true",
        help="also show, per figure, the sentence found in the local copy of its source "
        "(exit 1 if a printed value is not in it)",
    )

    r = sub.add_parser(
        "verify",
        help=(
            "check a report's inputs, environment and outputs against its manifest, rebuild it in a temporary "
            "folder and compare; exit 0 OK, 3 inputs changed but outputs reproduced, 4 environment differs, "
            "5 outputs differ, 6 manifest rewritten"
        ),
    )
    r.add_argument("manifest", type=Path, help="the manifest.json beside a report")

    v = sub.add_parser("validate", help="check a dataset folder and its tables without writing anything")
    v.add_argument("path")

    from parlib.model.robustness import NoiseSpec

    d = NoiseSpec()
    u = sub.add_parser(
        "robustness",
        help="how sure each rank is: rank intervals under noisy weights, survey share "
        "and rounding (seeded Monte Carlo), per unit and per level",
    )
    u.add_argument("dataset", help="embedded dataset id (under data/raw/) or a dataset folder")
    u.add_argument("--year", type=int, help="year (default the latest)")
    u.add_argument("--draws", type=int, default=d.draws, help=f"Monte Carlo draws (default {d.draws})")
    u.add_argument("--seed", type=int, default=d.seed, help=f"seed of every random number (default {d.seed})")
    u.add_argument(
        "--weights",
        type=float,
        default=d.weights,
        help=f"each field's maximum scaled by a factor in 1 ± this (default {d.weights}; 0: fixed)",
    )
    u.add_argument(
        "--survey",
        type=float,
        default=d.survey,
        help=f"the survey's share scaled by a factor in 1 ± this (default {d.survey}; 0: fixed)",
    )
    u.add_argument(
        "--no-rounding",
        action="store_true",
        help="do not vary printed values within half a printed digit (varied by default)",
    )
    u.add_argument(
        "--sensitivity-draws",
        type=int,
        default=d.sensitivity_draws,
        help=f"size of each sample of the sensitivity analysis (default {d.sensitivity_draws}; 0: none)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help and --version exit 0; a usage mistake was printed on one line
        return int(exc.code or 0) if isinstance(exc.code, int) or exc.code is None else EXIT_BAD_INPUT
    try:
        if args.command == "build":
            from parlib.build.runner import run_build

            return run_build(args)
        if args.command == "check":
            return _check(args)
        if args.command == "validate":
            return _validate(args)
        if args.command == "verify":
            from parlib.build.verify import verify

            return verify(args.manifest)
        if args.command == "robustness":
            return _robustness(args)
    except DataError as exc:
        if args.debug:
            raise
        if isinstance(exc, DataErrors):  # every independent problem, one line each, sorted
            for line in exc.lines():
                print(f"parlib: error: {line}" if not line.startswith("and ") else f"parlib: {line}", file=sys.stderr)
            print(f"parlib: {len(exc.errors)} problems", file=sys.stderr)
        else:
            print(f"parlib: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # `parlib check x | head`: the reader left before the end; no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:
        from parlib.report.render import ReportError

        if not isinstance(exc, ReportError) or args.debug:
            raise
        print(f"parlib: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        said = "; ".join(["outputs already in place were left as they were", *getattr(exc, "__notes__", [])])
        print(f"parlib: interrupted; {said}", file=sys.stderr)
        return 130
    return 0


def _check(args: argparse.Namespace) -> int:
    import pandas as pd

    from parlib.check.published import check_printed_columns, check_published, summary_line
    from parlib.data.load import load_dataset
    from parlib.data.published import load_published
    from parlib.model.analysis import analyse_years
    from parlib.model.scoring import score_dataset

    ds = load_dataset(args.dataset)
    figures = load_published(ds)
    years = [y for y in ds.years if not args.year or y in args.year]
    figures = [f for f in figures if f.args.get("year") in years]
    analyses = analyse_years(ds, years, score_dataset(ds, strict=False))
    table = pd.concat(
        [check_published(analyses, figures)] + [check_printed_columns(a) for a in analyses.values()], ignore_index=True
    )
    if table.empty:
        print(f"{ds.id}: no published figure to check (add a published.yml)")
        return 0
    w_id = max(len("figure"), table["id"].str.len().max())
    w_p = max(len("printed"), table["printed"].str.len().max())
    w_c = max(len("computed"), table["computed"].str.len().max())
    print(f"{'figure':<{w_id}}  {'printed':>{w_p}}  {'computed':>{w_c}}  match")
    shown = {"match": "yes", "differ": "NO", "unchecked": "—"}
    for r in table.to_dict("records"):
        print(f"{r['id']:<{w_id}}  {r['printed']:>{w_p}}  {r['computed']:>{w_c}}  {shown[r['status']]}")
    print(f"{ds.id}: {summary_line(table)} (at the printed precision)")
    if ds.is_illustrative():
        print(f"{ds.id}: note: some rows of this dataset are illustrative, not published; see its dataset.yml")
    sources_ok = _check_sources(ds, figures) if getattr(args, "sources", False) else True
    return 1 if (table["status"] == "differ").any() or not sources_ok else 0


def _check_sources(ds: Dataset, figures: list[Figure]) -> bool:
    """Print, per figure, the sentence found in the local copy of its source; True when every
    printed value was found."""
    from parlib.check.sources import check_sources

    print()
    print("in the sources' local copies:")
    matches = check_sources(ds, figures)
    for m in matches:
        if m.copy is None:
            print(
                f"{m.figure}  {m.printed}  NOT CHECKED: source {m.source!r} has no local copy "
                "(add copy: and copy_sha256: to it in dataset.yml)"
            )
        elif not m.found:
            print(f"{m.figure}  {m.printed}  NOT FOUND in {m.copy}" + (f": {m.sentence}" if m.sentence else ""))
        else:
            print(f"{m.figure}  {m.printed}  found in {m.copy}: \u201c{m.sentence}\u201d")
    n_ok = sum(m.found for m in matches)
    print(f"{ds.id}: {n_ok} of {len(matches)} printed values found in their source's local copy")
    return n_ok == len(matches)


def _validate(args: argparse.Namespace) -> int:
    from parlib.data.load import load_dataset
    from parlib.data.published import load_published
    from parlib.model.scoring import score_dataset

    ds = load_dataset(args.path)
    scores = score_dataset(ds)
    figures = load_published(ds)
    n_units = len(scores.units)
    print(
        f"{ds.id}: valid — {len(ds.tables)} table(s), {len(ds.years)} year(s), {n_units} unit-years, "
        f"{len(figures)} published figure(s)"
    )
    for (year, level), gran in sorted(scores.granularity.items()):
        print(f"  {year} {level}: {len(scores.level_units(year, level))} units, granularity {gran}")
    return 0


def _robustness(args: argparse.Namespace) -> int:
    from parlib.data.load import load_dataset
    from parlib.model.analysis import analyse
    from parlib.model.robustness import NoiseSpec

    try:
        spec = NoiseSpec(
            draws=args.draws,
            seed=args.seed,
            weights=args.weights,
            survey=args.survey,
            rounding=not args.no_rounding,
            sensitivity_draws=args.sensitivity_draws,
        )
    except ValueError as exc:
        raise DataError(f"option: {exc}", "see parlib robustness --help") from None
    ds = load_dataset(args.dataset)
    year = args.year if args.year is not None else ds.years[-1]
    if year not in ds.years:
        raise DataError(f"dataset {ds.id!r} has no year {year}", f"choose among {', '.join(map(str, ds.years))}")
    analysis = analyse(ds, year, noise=spec)
    units = ds.units()
    for lv, la in analysis.levels.items():
        print(f"{ds.id} {year} {lv}: {len(la.units)} units")
        ru = la.robustness
        if ru is None:
            why = {
                "partial": "the publisher printed only some units, so their ranks are the printed ones",
                "too_few_units": "fewer than 2 units to rank",
            }.get(la.robustness_reason, la.robustness_reason)
            print(f"  rank uncertainty not computed: {why}\n")
            continue
        varied = ", ".join(f"{k} ±{v:g}" + (" digit" if k == "rounding" else "") for k, v in ru.varied.items())
        fixed = ", ".join(f"{k} ({v.replace('_', ' ')})" for k, v in ru.not_varied.items())
        print(
            f"  {spec.draws} draws, seed {spec.seed}; varied: {varied or 'nothing'}"
            + (f"; fixed: {fixed}" if fixed else "")
        )
        if ru.survey_max_assumed and ru.survey_share is not None:  # an assumed maximum has its share
            print(
                f"  the survey's maximum is not given: its share is taken as its share of the mean total, "
                f"{ru.survey_share * 100:.1f}%"
            )
        t = ru.units
        dec = la.methodology.decimals
        names = [units[u].name["vi"] for u in t["unit_id"]]
        w = max(len("unit"), *(len(n) for n in names))
        print(f"  {'unit':<{w}}  {'total':>8}  rank  median  5-95%     p(band)  p(first)  p(last)")
        for name, r in zip(names, t.to_dict("records")):
            interval = f"{r['p5']}-{r['p95']}"
            print(
                f"  {name:<{w}}  {r['total']:>8.{dec}f}  {r['nominal_rank']:>4}  {r['median_rank']:>6}  {interval:<8}  "
                f"{r['p_band'] * 100:>6.1f}%  {r['p_first'] * 100:>7.1f}%  {r['p_last'] * 100:>6.1f}%"
            )
        lvl = ru.level
        print(
            f"  intervals wider than {lvl['wide']} places: {lvl['n_wide']} of {lvl['n_units']}; "
            f"mean absolute rank shift: {lvl['mean_abs_shift']:.3f}; every unit keeps its band in "
            f"{lvl['p_band_all'] * 100:.1f}% of the draws"
        )
        for g in ru.groups.to_dict("records"):
            print(f"  cannot be told apart: ranks {g['first_rank']} to {g['last_rank']} ({g['n_units']} units)")
        if not ru.sensitivity.empty:
            parts = [
                f"{r['input']} {r['first_order']:.2f}/{r['total_effect']:.2f}"
                for r in ru.sensitivity.to_dict("records")
            ]
            print(f"  sensitivity of the rank shift (first-order/total effect): {', '.join(parts)}")
        c = la.coherence
        if c is not None and not c.reason:
            flat = c.field_stats[c.field_stats["non_discriminating"]]["field_id"].tolist()
            print(
                f"  coherence: Cronbach's alpha {c.alpha:.2f}; fields that barely separate the units: "
                f"{', '.join(flat) or 'none'}; unit outliers (robust z > 3.5): {len(c.unit_outliers)}"
            )
        print()
    return 0
