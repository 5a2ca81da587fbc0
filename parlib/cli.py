"""The `parlib` command: build, check, validate, verify.

Exit codes: 0 success; 1 a published figure does not match (check) or a build step failed;
2 bad input (one clear line: file, row, column, what is wrong, what to do).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn

from parlib import __version__
from parlib.errors import EXIT_BAD_INPUT, DataError


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage mistake reported like any other bad input: one line, exit code 2."""

    def error(self, message: str) -> NoReturn:
        from parlib.errors import shorten
        print(f"parlib: error: {shorten(' '.join(message.split()), 200)} — see '{self.prog} --help'", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="parlib", description=(
        "Turn a PAR Index (Chỉ số CCHC) table as a publisher printed it into verified totals, ranks, "
        "bands and a bilingual annual report."))
    p.add_argument("--version", action="version", version=f"parlib {__version__}")
    p.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", help="score a dataset and write tables, figures.json and the report per year")
    b.add_argument("dataset", nargs="*", help="embedded dataset id (under data/raw/) or a dataset folder")
    b.add_argument("--all", action="store_true", help="every embedded dataset, every year, both languages")
    b.add_argument("--year", type=int, action="append", help="year to build (repeatable; default every year)")
    b.add_argument("--lang", choices=["vi", "en"], action="append",
                   help="report language (repeatable; default vi, or both with --all)")
    b.add_argument("--out", type=Path, default=None, help="output folder (default outputs/)")
    b.add_argument("--processed", type=Path, default=None, help="folder for tidy tables (default data/processed/)")
    b.add_argument("--no-report", action="store_true", help="write tables and figures.json only, no notebook report")
    b.add_argument("--force", action="store_true", help="rebuild even when the outputs are up to date")

    c = sub.add_parser("check", help="recompute every published figure and compare it with the printed value")
    c.add_argument("dataset")
    c.add_argument("--year", type=int, action="append")

    r = sub.add_parser("verify", help="rebuild a report in a temporary folder and compare it with its manifest")
    r.add_argument("manifest", type=Path, help="the manifest.json beside a report")

    v = sub.add_parser("validate", help="check a dataset folder and its tables without writing anything")
    v.add_argument("path")
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
            from parlib.build.runner import verify
            return verify(args.manifest)
    except DataError as exc:
        if args.debug:
            raise
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
    except KeyboardInterrupt:
        print("parlib: interrupted; outputs already in place were left as they were", file=sys.stderr)
        return 130
    return 0


def _check(args) -> int:
    import pandas as pd

    from parlib.check.published import check_printed_columns, check_published
    from parlib.data.load import load_dataset
    from parlib.data.published import load_published
    from parlib.model.analysis import analyse_years
    from parlib.model.scoring import score_dataset
    ds = load_dataset(args.dataset)
    figures = load_published(ds)
    years = [y for y in ds.years if not args.year or y in args.year]
    figures = [f for f in figures if f.args.get("year") in years]
    analyses = analyse_years(ds, years, score_dataset(ds, strict=False))
    table = pd.concat([check_published(analyses, figures)] + [check_printed_columns(a) for a in analyses.values()],
                      ignore_index=True)
    if table.empty:
        print(f"{ds.id}: no published figure to check (add a published.yml)")
        return 0
    w_id = max(len("figure"), table["id"].str.len().max())
    w_p = max(len("printed"), table["printed"].str.len().max())
    w_c = max(len("computed"), table["computed"].str.len().max())
    print(f"{'figure':<{w_id}}  {'printed':>{w_p}}  {'computed':>{w_c}}  match")
    for r in table.itertuples(index=False):
        print(f"{r.id:<{w_id}}  {r.printed:>{w_p}}  {r.computed:>{w_c}}  {'yes' if r.match else 'NO'}")
    n_ok = int(table["match"].sum())
    print(f"{ds.id}: {n_ok} of {len(table)} figures match at the printed precision")
    if ds.is_illustrative():
        print(f"{ds.id}: note: some rows of this dataset are illustrative, not published; see its dataset.yml")
    return 0 if n_ok == len(table) else 1


def _validate(args) -> int:
    from parlib.data.load import load_dataset
    from parlib.data.published import load_published
    from parlib.model.scoring import score_dataset
    ds = load_dataset(args.path)
    scores = score_dataset(ds)
    figures = load_published(ds)
    n_units = len(scores.units)
    print(f"{ds.id}: valid — {len(ds.tables)} table(s), {len(ds.years)} year(s), {n_units} unit-years, "
          f"{len(figures)} published figure(s)")
    for (year, level), gran in sorted(scores.granularity.items()):
        print(f"  {year} {level}: {len(scores.level_units(year, level))} units, granularity {gran}")
    return 0
