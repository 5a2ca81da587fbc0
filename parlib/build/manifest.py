"""manifest.json: what a report rests on and what it produced, so that it can be verified.

A manifest records the sha256 of every input (raw tables, dataset.yml, published.yml, the notebook,
parlib's sources and templates) and of every output (the report folder's files and the processed
tables), the build parameters, Python's and each installed package's version, and the git commit
when there is one. It holds no wall-clock time: two builds of the same inputs give the same
manifest except for the git commit.
"""
from __future__ import annotations

import calendar
import importlib.metadata
import json
import platform
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

from parlib.data.commentary import commentary_files
from parlib.data.dataset import PROJECT_ROOT, Dataset, sha256_of
from parlib.data.load import load_dataset

MANIFEST = "manifest.json"
NOTEBOOK = PROJECT_ROOT / "notebooks" / "annual_report.ipynb"
PARLIB_DIR = PROJECT_ROOT / "parlib"


def display_path(path: Path) -> str:
    """A path relative to the project root when inside it (so manifests move with the project)."""
    path = Path(path).resolve()
    try:
        return path.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def resolve_display_path(text: str) -> Path:
    """The inverse of :func:`display_path`."""
    p = Path(text)
    return p if p.is_absolute() else PROJECT_ROOT / p


def get_input_files(ds: Dataset) -> list[Path]:
    """Every file a report of ``ds`` is computed from, in a stable order."""
    files = [ds.root / "dataset.yml"]
    if ds.published_path is not None:
        files.append(ds.published_path)
    files += sorted({t.path for t in ds.tables})
    files += commentary_files(ds.root)
    if ds.context is not None:  # the dataset the national context is read from is an input too
        other = load_dataset(ds.context.dataset)
        files += [p for p in get_input_files(other) if p.is_relative_to(other.root)]
    if NOTEBOOK.is_file():
        files.append(NOTEBOOK)
    files += sorted(p for p in PARLIB_DIR.rglob("*")
                    if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
    return files


def get_input_hashes(ds: Dataset) -> dict[str, str]:
    """sha256 of every input, keyed by display path."""
    return {display_path(p): sha256_of(p) for p in get_input_files(ds)}


def get_output_hashes(report_dir: Path, processed_dir: Path) -> dict[str, str]:
    """sha256 of every output of one report: its folder's files (not the manifest) and the processed tables."""
    out = {}
    for p in sorted(report_dir.rglob("*")):
        if p.is_file() and p.name != MANIFEST and "failed" not in p.relative_to(report_dir).parts:
            out[f"report/{p.relative_to(report_dir).as_posix()}"] = sha256_of(p)
    for p in sorted(processed_dir.rglob("*")):
        if p.is_file():
            out[f"processed/{p.relative_to(processed_dir).as_posix()}"] = sha256_of(p)
    return out


def get_environment() -> dict[str, Any]:
    """Python's version and every installed distribution's version (sorted)."""
    packages = {}
    for dist in importlib.metadata.distributions():
        name = (dist.metadata["Name"] or "").lower()
        if name and name != "parlib":
            packages[name] = dist.version
    return {"python": platform.python_version(), "packages": dict(sorted(packages.items()))}


def get_git_commit() -> str | None:
    """The project's current git commit, or None outside a git checkout."""
    try:
        out = subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"], capture_output=True,
                             text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def source_date_epoch(ds: Dataset) -> int:
    """The timestamp written into outputs that need one: the dataset's publication date, never the clock."""
    y, m, d = (int(x) for x in ds.date_published.split("-"))
    return calendar.timegm(date(y, m, d).timetuple())


def make_manifest(ds: Dataset, year: int, langs: list[str], report: bool, report_dir: Path,
                  processed_dir: Path) -> dict[str, Any]:
    """The manifest of one built report."""
    return {
        "manifest_version": 1,
        "dataset": ds.id,
        "dataset_path": display_path(ds.root),
        "year": year,
        "parameters": {"langs": sorted(langs), "report": report},
        "source_date_epoch": source_date_epoch(ds),
        "inputs": get_input_hashes(ds),
        "outputs": get_output_hashes(report_dir, processed_dir),
        "processed_dir": display_path(processed_dir),
        "environment": get_environment(),
        "git_commit": get_git_commit(),
    }


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Write a manifest deterministically (sorted keys, UTF-8, final newline)."""
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def read_manifest(path: Path) -> dict[str, Any]:
    """Read a manifest written by :func:`write_manifest`."""
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def is_up_to_date(manifest_path: Path, ds: Dataset, year: int, langs: list[str], report: bool,
                  report_dir: Path, processed_dir: Path) -> bool:
    """True when a report's manifest matches the current inputs, parameters and environment, and
    every output it lists is still there with the same bytes."""
    if not manifest_path.is_file():
        return False
    try:
        old = read_manifest(manifest_path)
    except (OSError, ValueError):
        return False
    if old.get("year") != year or old.get("parameters") != {"langs": sorted(langs), "report": report}:
        return False
    if old.get("inputs") != get_input_hashes(ds) or old.get("environment") != get_environment():
        return False
    return old.get("outputs") == get_output_hashes(report_dir, processed_dir)


def diff_hashes(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    """Lines naming each entry that was added, removed or changed."""
    lines = []
    for k in sorted(set(expected) | set(actual)):
        if k not in actual:
            lines.append(f"missing: {k}")
        elif k not in expected:
            lines.append(f"extra: {k}")
        elif expected[k] != actual[k]:
            lines.append(f"differs: {k}")
    return lines
