"""`parlib build`: for each dataset and year, save tidy tables, figures.json and the reports.

Outputs of one report folder are written to a staging folder beside it and moved into place whole,
so a failed or interrupted build never leaves a half-written report, and the previous outputs stay.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from .build import OUTPUTS_ROOT, PROCESSED_ROOT, get_figures, get_processed_tables, save_processed, write_json
from .dataset import embedded_datasets, load_dataset
from .errors import DataError
from .scoring import score_dataset


def replace_dir(staging: Path, target: Path) -> None:
    """Move a fully written staging folder into place, replacing ``target`` whole."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".old-{target.name}-", dir=target.parent))
        os.replace(target, old / "x")
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def run_build(args) -> int:
    """Build what the command line asks for; returns the exit code."""
    if args.all:
        targets = embedded_datasets()
    elif args.dataset:
        targets = args.dataset
    else:
        raise DataError("no dataset given", "name a dataset (e.g. `parlib build backan`) or use --all")
    langs = args.lang or (["vi", "en"] if args.all else ["vi"])
    out_root = (args.out or OUTPUTS_ROOT).resolve()
    status = 0
    for ref in targets:
        ds = load_dataset(ref)
        years = args.year or ds.years
        for y in years:
            if y not in ds.years:
                raise DataError(f"dataset {ds.id!r} has no year {y}",
                                f"choose among {', '.join(map(str, ds.years))}")
        scores = score_dataset(ds)
        for year in years:
            status |= build_year(ds, scores, year, langs, out_root, report=not args.no_report, force=args.force)
    return status


def build_year(ds, scores, year: int, langs: list[str], out_root: Path, *, report: bool, force: bool) -> int:
    """Write data/processed/<ds>/<year>/ and <out>/<ds>/<year>/ for one year; returns 0 or 1."""
    processed = PROCESSED_ROOT / ds.id / str(year)
    target = out_root / ds.id / str(year)
    target.parent.mkdir(parents=True, exist_ok=True)
    processed.parent.mkdir(parents=True, exist_ok=True)
    stage_p = Path(tempfile.mkdtemp(prefix=f".staging-{year}-", dir=processed.parent))
    stage_o = Path(tempfile.mkdtemp(prefix=f".staging-{year}-", dir=target.parent))
    try:
        save_processed(get_processed_tables(scores, year), stage_p)
        write_json(stage_o / "figures.json", get_figures(scores, year))
        if report:
            from .render import render_report
            for lang in langs:
                render_report(ds, year, lang, stage_o)
        replace_dir(stage_p, processed)
        replace_dir(stage_o, target)
    except BaseException:
        shutil.rmtree(stage_p, ignore_errors=True)
        shutil.rmtree(stage_o, ignore_errors=True)
        raise
    print(f"{ds.id} {year}: written to {_rel(target)}", file=sys.stderr)
    return 0


def _rel(p: Path) -> str:
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        return str(p)
