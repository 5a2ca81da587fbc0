"""`parlib build`: per dataset and year, tidy tables, figures.json, reports, manifest
(`parlib verify` is in :mod:`parlib.build.verify`).

Outputs of one report are written to staging folders beside their targets and moved into place
whole, under a lock, so a failed, interrupted or concurrent build never leaves a half-written or
mixed report, and the previous outputs stay as they were; no lock or staging file is left behind.
Reports are kept per language: building one language adds or replaces that language's files and
keeps the others when they were built from the same inputs and environment (else they are rebuilt
too); ``--clean`` removes the languages not asked for. A report whose manifest matches the current
inputs, parameters and environment is skipped as up to date unless forced.

A build whose published figures do not all match prints each mismatch and the count on stderr and
writes nothing (exit 1), unless ``--allow-mismatch`` is given: then the report says so in its
banner and check section.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import shutil
import signal
import sys
import tempfile
from collections.abc import Hashable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from parlib.build.datapackage import DATAPACKAGE, make_datapackage
from parlib.build.environment import get_environment
from parlib.build.manifest import (
    MANIFEST,
    display_path,
    get_input_hashes,
    get_output_hashes,
    is_up_to_date,
    make_manifest,
    read_manifest,
    source_date_epoch,
    write_manifest,
)
from parlib.build.outputs import (
    OUTPUTS_ROOT,
    PROCESSED_ROOT,
    get_figures,
    get_processed_tables,
    save_processed,
    write_json,
)
from parlib.check.published import get_checks
from parlib.data.commentary import SECTION_IDS, read_commentary
from parlib.data.dataset import Dataset, embedded_datasets
from parlib.data.load import load_dataset
from parlib.data.published import load_published
from parlib.errors import DataError
from parlib.model.analysis import Analysis, analyse_years
from parlib.report.kernel import HandOver, environ_set, pickled_or_none
from parlib.report.workers import PROCESSES_ENV, stop_pool


def log(message: str) -> None:
    """One progress line on stderr."""
    print(message, file=sys.stderr, flush=True)


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


REPORT_FILE = re.compile(r"^report\.([a-z]{2})\.(ipynb|html|pdf)$")


@contextmanager
def report_lock(folder: Path, name: str) -> Iterator[None]:
    """An exclusive lock on one report while it is built: a second build of the same report waits.

    The lock file is removed by its holder before it lets go, so none is left behind; a waiter that
    then holds a lock on a removed file (its inode is no longer the path's) tries again.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f".{name}.lock"
    while True:
        fh = open(path, "a")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                same = os.stat(path).st_ino == os.fstat(fh.fileno()).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
        except BaseException:
            fh.close()
            raise
        fh.close()
    try:
        yield
    finally:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


def check_output_folder(path: Path, option: str) -> Path:
    """``path`` resolved, when it is a folder or can be made one (it is created when the build writes);
    a DataError, before anything is read or written, when it names a file or lies under one."""
    try:
        resolved = path.expanduser().resolve()
    except (OSError, RuntimeError):
        raise DataError(
            f"{option} {str(path)!r} cannot be resolved (a symbolic link loop?)", f"give {option} a folder"
        ) from None
    for p in (resolved, *resolved.parents):
        if p.exists():
            if not p.is_dir():
                what = "is a file, not a folder" if p == resolved else f"lies under {str(p)!r}, which is a file"
                raise DataError(f"{option} {str(path)!r} {what}", f"give {option} a folder (it is created if absent)")
            if not os.access(p, os.W_OK | os.X_OK):
                raise DataError(
                    f"{option} {str(path)!r}: no permission to write in {str(p)!r}",
                    f"give {option} a folder you can write to",
                )
            break
    return resolved


def report_mismatches(ds: Dataset, year: int, mismatches: list[dict[Hashable, Any]], n_figures: int) -> None:
    """Each mismatch of one year on stderr, then the count."""
    for f in mismatches:
        log(
            f"parlib: {ds.id} {year}: published figure {f['id']} does not match: printed {f['printed']}, "
            f"computed {f['computed'] or '—'}"
        )
    log(f"parlib: {ds.id} {year}: {len(mismatches)} of {n_figures} published figures do not match")


def year_checks(analysis: Analysis) -> list[dict[Hashable, Any]]:
    """The published figures of one year (and the printed rank and band columns), each checked."""
    return get_checks(analysis, load_published(analysis.dataset)).to_dict("records")


def run_build(args: argparse.Namespace) -> int:
    """Build what the command line asks for; returns the exit code."""
    try:
        return _run_build(args)
    finally:
        if "parlib.report.kernel" in sys.modules:  # a kernel started ahead that no report took
            sys.modules["parlib.report.kernel"].discard()


def _run_build(args: argparse.Namespace) -> int:
    if args.all:
        targets = embedded_datasets()
    elif args.dataset:
        targets = args.dataset
    else:
        raise DataError("no dataset given", "name a dataset (e.g. `parlib build backan`) or use --all")
    jobs = default_jobs() if getattr(args, "jobs", None) is None else args.jobs
    if jobs < 1:
        raise DataError(
            f"--jobs {jobs}: the number of reports built at once must be 1 or more",
            "give --jobs 1 (one after another) or more, or leave it out (one per core)",
        )
    langs = args.lang or (["vi", "en"] if args.all else ["vi"])
    out_root = check_output_folder(args.out or OUTPUTS_ROOT, "--out")
    processed_root = check_output_folder(args.processed or PROCESSED_ROOT, "--processed")
    allow = getattr(args, "allow_mismatch", False)
    clean = getattr(args, "clean", False)
    loaded, n_mismatch = [], 0
    prestarted = False
    skipped: list[tuple[str, int]] = []
    for ref in targets:  # validate everything first: a bad dataset stops the build before any write
        ds = load_dataset(ref)
        years = args.year or ds.years
        for y in years:
            if y not in ds.years:
                raise DataError(f"dataset {ds.id!r} has no year {y}", f"choose among {', '.join(map(str, ds.years))}")
            for lang in langs:  # a commentary file that names no section of the report
                read_commentary(ds.root, y, lang, SECTION_IDS)
        # A year built from these inputs, in this environment, whose outputs are as recorded is not
        # analysed again (the rank-uncertainty draws alone take seconds): its checks are read back
        # from the figures.json its manifest vouches for.
        current = (
            {} if args.force else current_years(ds, years, langs, out_root, processed_root, not args.no_report, clean)
        )
        reports = 0 if args.no_report else (len(years) - len(current)) * len(langs)
        if reports and not prestarted and (jobs == 1 or (len(targets) == 1 and reports == 1)):
            # This report will be rendered in this process: its kernel boots and imports on the
            # other core while the data are analysed and the tables written (parlib.report.kernel).
            from parlib.report import kernel

            epoch = str(source_date_epoch(ds))
            kernel.prestart({"SOURCE_DATE_EPOCH": epoch, PROCESSES_ENV: str(processes_per_report(jobs, reports))})
            prestarted = True
            get_environment()  # what the manifest records (kept): found now, while the kernel boots, not after the PDF
        analyses = analyse_years(ds, [y for y in years if y not in current]) if len(current) < len(years) else {}
        by_year = {y: current[y] if y in current else year_checks(analyses[y]) for y in years}
        for y, checks in sorted(by_year.items()):  # published figures that disagree stop the build before any write
            bad = [f for f in checks if f.get("status", "match" if f["match"] else "differ") == "differ"]
            if bad:
                report_mismatches(ds, y, bad, len(checks))
                n_mismatch += len(bad)
        loaded.append(analyses)
        skipped += [(ds.id, y) for y in current]
    if n_mismatch and not allow:
        log(
            f"parlib: error: {n_mismatch} published figure(s) do not match; nothing was built — correct the "
            "table or published.yml, or build anyway with --allow-mismatch (the report will say so)"
        )
        return 1
    if n_mismatch:
        log(
            f"parlib: warning: building anyway (--allow-mismatch): {n_mismatch} published figure(s) do not match, "
            "as each report's banner and check section say"
        )
    # In one order (dataset, year) whatever the command line's: a year's lock is held until it is in
    # place, so two builds taking locks in different orders could wait for each other for ever.
    todo = sorted((a for analyses in loaded for a in analyses.values()), key=lambda a: (a.dataset.id, a.year))
    if prestarted and todo:  # prestarted only when a report is rendered
        from parlib.report import kernel

        # The first report rendered here takes the kernel started ahead when its environment is the
        # kernel's (started for the first dataset on the command line): its notebook then takes this
        # analysis instead of making it again. A report of another dataset folder or year ignores it.
        kernel.hand_over(todo[0])
    for ds_id, y in sorted(skipped):
        log(f"{ds_id} {y}: up to date ({_rel(out_root / ds_id / str(y))}); use --force to rebuild")
    build_years(
        todo,
        langs,
        out_root,
        processed_root,
        report=not args.no_report,
        force=args.force,
        jobs=jobs,
        clean=clean,
    )
    return 0


def current_years(
    ds: Dataset, years: list[int], langs: list[str], out_root: Path, processed_root: Path, report: bool, clean: bool
) -> dict[int, list[dict[Hashable, Any]]]:
    """The years of ``ds`` that a build would skip as up to date (the test :func:`build_years` makes,
    under the same lock), each with the published-figure checks its figures.json recorded."""
    out: dict[int, list[dict[Hashable, Any]]] = {}
    for year in years:
        target, processed = out_root / ds.id / str(year), processed_root / ds.id / str(year)
        if not (target / MANIFEST).is_file():
            continue
        with report_lock(target.parent, str(year)):
            if not is_current(ds, year, langs, report, clean, target, processed):
                continue
            try:
                with open(target / "figures.json", encoding="utf-8") as fh:
                    checks = json.load(fh)["published_figures"]
            except (OSError, ValueError, KeyError, TypeError):
                continue  # not as a build writes it: analysed and built again
        if isinstance(checks, list):
            out[year] = checks
    return out


def is_current(
    ds: Dataset, year: int, langs: list[str], report: bool, clean: bool, target: Path, processed: Path
) -> bool:
    """Whether one year's outputs are up to date for a build of ``langs``: no other language's
    report to rebuild or remove, and the manifest matching inputs, parameters, environment and
    every output's bytes."""
    year_langs = list(langs) if report else []
    keep, stale = ([], []) if clean else reusable_languages(target, processed, ds, year_langs)
    if stale:
        return False
    all_langs = sorted(set(year_langs) | set(keep))
    return is_up_to_date(target / MANIFEST, ds, year, all_langs, bool(all_langs), target, processed)


def default_jobs() -> int:
    """How many reports ``parlib build`` renders at once by default: one per core it may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def build_year(
    analysis: Analysis,
    langs: list[str],
    out_root: Path,
    processed_root: Path,
    *,
    report: bool,
    force: bool,
    clean: bool = False,
    quiet: bool = False,
    keep_failed: bool = True,
) -> Path:
    """Write <processed_root>/<ds>/<year>/ and <out_root>/<ds>/<year>/ for the year of ``analysis``, its
    reports one after another in this process; returns the report folder. See :func:`build_years`."""
    return build_years(
        [analysis],
        langs,
        out_root,
        processed_root,
        report=report,
        force=force,
        jobs=1,
        clean=clean,
        quiet=quiet,
        keep_failed=keep_failed,
    )[0]


def languages_present(target: Path) -> list[str]:
    """The report languages that have files in a report folder."""
    if not target.is_dir():
        return []
    return sorted({m.group(1) for p in target.iterdir() if (m := REPORT_FILE.match(p.name))})


def reusable_languages(target: Path, processed: Path, ds: Dataset, langs: list[str]) -> tuple[list[str], list[str]]:
    """Of the languages present in ``target`` and not asked for: those that can be kept as they are
    (built from the current inputs and environment, bytes as their manifest records) and those
    that cannot (stale or tampered)."""
    others = [lg for lg in languages_present(target) if lg not in langs]
    if not others:
        return [], []
    try:
        old = read_manifest(target / MANIFEST)
    except (OSError, ValueError):
        return [], others
    if old.get("inputs") != get_input_hashes(ds) or old.get("environment") != get_environment():
        return [], others
    on_disk, recorded = get_output_hashes(target, processed), old.get("outputs", {})
    keep: list[str] = []
    stale: list[str] = []
    for lg in others:
        keys = [
            k
            for k in set(on_disk) | set(recorded)
            if (m := REPORT_FILE.match(k.rsplit("/", 1)[-1])) and m.group(1) == lg
        ]
        (keep if keys and all(on_disk.get(k) == recorded.get(k) for k in keys) else stale).append(lg)
    return keep, stale


@dataclass
class _YearBuild:
    """One year being built: its folders, its lock, its staging folders and its reports in flight."""

    analysis: Analysis
    target: Path
    processed: Path
    lock: ExitStack
    langs: list[str] = field(default_factory=list)  # the languages rendered
    keep: list[str] = field(default_factory=list)  # the languages whose files are kept as they are
    stage_p: Path | None = None
    stage_o: Path | None = None
    # for each report: its language, its future when a worker renders it, and the file handing
    # the year's analysis to its kernel (which then need not make it again)
    reports: list[tuple[str, Future[None] | None, str | None]] = field(default_factory=list)


def build_years(
    analyses: list[Analysis],
    langs: list[str],
    out_root: Path,
    processed_root: Path,
    *,
    report: bool,
    force: bool,
    jobs: int,
    clean: bool = False,
    quiet: bool = False,
    keep_failed: bool = True,
) -> list[Path]:
    """Build the years of ``analyses``, rendering up to ``jobs`` reports at once in separate processes;
    returns the report folders.

    Each year is written to staging folders and moved into place whole, in the order given, once
    all its reports are rendered; a year whose manifest matches its inputs is skipped unless
    ``force``. A report renders to the same bytes whichever process renders it.

    The report files of languages not in ``langs`` are kept when they were built from the same
    inputs and environment, rebuilt when not (removed, with a line, when ``report`` is false), and
    removed with ``clean``. A notebook that fails is kept in <out_root>/<ds>/<year>/failed/ for
    debugging (unless ``keep_failed`` is false); everything else of the years not yet in place is
    discarded and their previous outputs stay. One progress bar covers the job. ``quiet`` leaves
    out the lines that name the output folder (verify's rebuild, in a folder that will be gone).
    """
    done_paths: list[Path] = []
    builds: list[_YearBuild] = []
    total = len(analyses) * len(langs) if report else 0
    progress = _JobProgress(total)
    pool: ProcessPoolExecutor | None = None
    current: _YearBuild | None = None
    handover = HandOver()
    try:
        for analysis in analyses:
            ds, year = analysis.dataset, analysis.year
            processed = processed_root / ds.id / str(year)
            target = out_root / ds.id / str(year)
            # Computed before any folder is made, so that an error in the data writes nothing.
            tables = get_processed_tables(analysis)
            figures = get_figures(analysis, get_checks(analysis, load_published(ds)))
            lock = ExitStack()
            lock.enter_context(report_lock(target.parent, str(year)))
            year_langs = list(langs) if report else []
            keep, stale = ([], []) if clean else reusable_languages(target, processed, ds, year_langs)
            if stale and report:
                log(
                    f"{ds.id} {year}: report {', '.join(stale)} was built from other inputs or environment "
                    "(or changed since): rebuilding it too"
                )
                year_langs = sorted(set(year_langs) | set(stale))
                progress.grow(len(year_langs) - len(langs))
            elif stale:
                log(
                    f"{ds.id} {year}: report {', '.join(stale)} was built from other inputs or environment "
                    "(or changed since) and is removed; rebuild it with --lang"
                )
            all_langs = sorted(set(year_langs) | set(keep))
            if not force and is_up_to_date(target / MANIFEST, ds, year, all_langs, bool(all_langs), target, processed):
                lock.close()
                if not quiet:
                    log(f"{ds.id} {year}: up to date ({_rel(target)}); use --force to rebuild")
                progress.skip(len(year_langs))
                done_paths.append(target)
                continue
            b = _YearBuild(analysis, target, processed, lock, year_langs, keep)
            builds.append(b)
            processed.parent.mkdir(parents=True, exist_ok=True)
            b.stage_p = Path(tempfile.mkdtemp(prefix=f".staging-{year}-", dir=processed.parent))
            b.stage_o = Path(tempfile.mkdtemp(prefix=f".staging-{year}-", dir=target.parent))
            for stage in (b.stage_p, b.stage_o):  # mkdtemp makes 0700 folders; outputs are for everyone to read
                stage.chmod(0o755)
            log(f"{ds.id} {year}: tables")
            save_processed(tables, b.stage_p)
            write_json(
                b.stage_p / DATAPACKAGE,
                make_datapackage(
                    ds.id,
                    ds.title,
                    year,
                    [
                        {
                            "title": src.title.get("en", "") if isinstance(src.title, dict) else src.title,
                            "path": src.url,
                        }
                        for src in ds.sources.values()
                    ],
                    tables,
                    b.stage_p,
                    ds.is_illustrative(year),
                ),
            )
            write_json(b.stage_o / "figures.json", {**figures, "report_languages": all_langs})
            if year_langs:
                epoch = str(source_date_epoch(ds))
                handed = pickled_or_none(analysis)
                for lang in year_langs:
                    path = handover.file_for(handed)
                    future = None
                    if jobs > 1 and progress.total > 1:
                        if pool is None:
                            pool = ProcessPoolExecutor(
                                min(jobs, progress.total),
                                mp_context=get_context("spawn"),
                                initializer=_quiet_worker,
                                initargs=(processes_per_report(jobs, progress.total),),
                            )
                        future = pool.submit(render_in_process, ds, year, lang, b.stage_o, epoch, path)
                    b.reports.append((lang, future, path))
        for b in builds:
            current = b
            ds, year = b.analysis.dataset, b.analysis.year
            assert b.stage_o is not None and b.stage_p is not None
            for lang, future, path in b.reports:
                if future is None:
                    from parlib.report import render  # only when a report is rendered here: a no-change build skips it

                    os.environ["SOURCE_DATE_EPOCH"] = str(source_date_epoch(ds))
                    render.SHOW_PROGRESS = False
                    try:
                        with environ_set(PROCESSES_ENV, str(processes_per_report(jobs, progress.total))):
                            render.render_report(ds, year, lang, b.stage_o, path)
                    finally:
                        render.SHOW_PROGRESS = True
                else:
                    future.result()
                progress.done(f"{ds.id} {year} {lang}")
            for lang in b.keep:  # the other languages' files, as they were
                log(f"{ds.id} {year}: keeping report {lang}")
                for p in sorted(b.target.iterdir()):
                    m = REPORT_FILE.match(p.name)
                    if m and m.group(1) == lang:
                        shutil.copy2(p, b.stage_o / p.name)
            all_langs = sorted(set(b.langs) | set(b.keep))
            manifest = make_manifest(ds, year, all_langs, bool(all_langs), b.stage_o, b.stage_p)
            manifest["processed_dir"] = display_path(b.processed)
            write_manifest(b.stage_o / MANIFEST, manifest)
            replace_dir(b.stage_p, b.processed)
            replace_dir(b.stage_o, b.target)
            b.stage_p = b.stage_o = None
            b.lock.close()
            if not quiet:
                log(f"{ds.id} {year}: written to {_rel(b.target)}")
            done_paths.append(b.target)
        current = None
    except BaseException as exc:
        if pool is not None:
            stop_pool(pool)
            pool = None
        kept: Path | None = None
        for b in builds:
            if b.stage_o is not None and b is current and keep_failed:
                kept = _keep_failed_notebooks(b.stage_o, b.target / "failed")
            for staging in (b.stage_p, b.stage_o):
                if staging is not None:
                    shutil.rmtree(staging, ignore_errors=True)
            b.lock.close()
        if kept and isinstance(exc, KeyboardInterrupt):
            exc.add_note(f"the notebook it was running is kept in {_rel(kept)}")
        if kept and type(exc).__name__ == "ReportError":
            raise type(exc)(
                f"{exc} — the failed notebook is kept in {_rel(kept)}; previous outputs were left in place"
            ) from None
        raise
    finally:
        if pool is not None:
            pool.shutdown()
        handover.remove()  # after the workers are gone: what no kernel read, even a stopped worker's
        progress.close()
    return done_paths


def render_in_process(
    ds: Dataset, year: int, lang: str, out_dir: Path, source_date: str, analysis: str | None = None
) -> None:
    """Render one report (in a worker process of ``parlib build --jobs``); ``analysis``: the file
    handing the build's analysis of the year to the report's kernel."""
    from parlib.report import render

    os.environ["SOURCE_DATE_EPOCH"] = source_date
    render.render_report(ds, year, lang, out_dir, analysis)


def _quiet_worker(processes: int = 1) -> None:
    """A worker shows no progress of its own (the parent's bar covers the job); Ctrl-C is the parent's.
    Its reports' sections are drawn in ``processes`` processes (see :func:`processes_per_report`)."""
    from parlib.report import render

    render.SHOW_PROGRESS = False
    os.environ[PROCESSES_ENV] = str(processes)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def processes_per_report(jobs: int, reports: int) -> int:
    """How many processes each report may draw its sections in, when ``reports`` reports are built
    with ``--jobs jobs``: the jobs left once every report rendered at the same time has one (one
    report with ``--jobs 2``: 2; eight reports with ``--jobs 2``: 1 each; ``--jobs 1``: 1)."""
    at_once = max(1, min(jobs, reports))
    return max(1, jobs // at_once)


class _JobProgress:
    """One progress bar (tqdm) for all the reports of a build on a terminal; a line per report otherwise."""

    def __init__(self, total: int):
        self.total, self.count = total, 0
        self.bar = None
        if total and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc="parlib build", unit="report", file=sys.stderr)

    def done(self, label: str) -> None:
        self.count += 1
        if self.bar is not None:
            self.bar.set_postfix_str(label)
            self.bar.update(1)
        else:
            log(f"parlib: {label}: report written ({self.count}/{self.total})")

    def grow(self, n: int) -> None:
        """``n`` more reports to render than counted at the start (stale languages rebuilt too)."""
        if n <= 0:
            return
        self.total += n
        if self.bar is not None:
            self.bar.total = self.total
            self.bar.refresh()

    def skip(self, n: int) -> None:
        self.count += n
        if self.bar is not None and n:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _keep_failed_notebooks(stage: Path, failed: Path) -> Path | None:
    """Move the executed notebooks of a failed build into ``failed/`` (replacing older ones)."""
    notebooks = sorted(stage.glob("report.*.ipynb")) if stage.is_dir() else []
    if not notebooks:
        return None
    failed.mkdir(parents=True, exist_ok=True)
    for nb in notebooks:
        os.replace(nb, failed / nb.name)
    return failed


def _rel(p: Path) -> str:
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        return str(p)
