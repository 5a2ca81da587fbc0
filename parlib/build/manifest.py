"""manifest.json: what a report rests on and what it produced, so that it can be verified.

A manifest records the sha256 of every input (raw tables, dataset.yml, published.yml, the local
copies of the sources, the commentary files, the notebook, parlib's sources and templates,
requirements.lock, pyproject.toml and the generator of illustrative rows) and of every output (the
report folder's files and the processed tables), the build parameters, the environment that shapes
the bytes (Python, every installed package, Pango, HarfBuzz, fontconfig and each font file used:
see :mod:`parlib.build.environment`), and the git commit with whether the working tree was clean.
It holds no wall-clock time: two builds of the same inputs give the same manifest except for the
git commit. Its own sha256 is written beside it (``manifest.json.sha256``, the format of
``sha256sum``) so that a manifest rewritten by hand is noticed by `parlib verify`.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

from parlib.build.environment import get_environment
from parlib.data.commentary import commentary_files
from parlib.data.dataset import PROJECT_ROOT, Dataset, sha256_of
from parlib.data.load import load_dataset

MANIFEST = "manifest.json"
SIDECAR = MANIFEST + ".sha256"
NOTEBOOK = PROJECT_ROOT / "notebooks" / "annual_report.ipynb"
PARLIB_DIR = PROJECT_ROOT / "parlib"
# Project files every report rests on besides parlib's code: the pinned environment and the
# generator of the illustrative rows.
PROJECT_INPUTS = ("requirements.lock", "pyproject.toml", "scripts/make_backan_illustrative.py")
# A folder of a dataset whose files are inputs too (besides the commentary files): the local copies of the sources.
DATASET_INPUT_DIRS_EXTRA = ("sources",)


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
    for sub in DATASET_INPUT_DIRS_EXTRA:
        files += sorted(p for p in (ds.root / sub).rglob("*") if p.is_file()) if (ds.root / sub).is_dir() else []
    if NOTEBOOK.is_file():
        files.append(NOTEBOOK)
    files += sorted(
        p for p in PARLIB_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )
    files += [PROJECT_ROOT / rel for rel in PROJECT_INPUTS if (PROJECT_ROOT / rel).is_file()]
    return files


def get_input_hashes(ds: Dataset) -> dict[str, str]:
    """sha256 of every input, keyed by display path."""
    return {display_path(p): sha256_of(p) for p in get_input_files(ds)}


def get_output_hashes(report_dir: Path, processed_dir: Path) -> dict[str, str]:
    """sha256 of every output of one report: its folder's files (not the manifest) and the processed tables."""
    out = {}
    for p in sorted(report_dir.rglob("*")):
        if p.is_file() and p.name not in (MANIFEST, SIDECAR) and "failed" not in p.relative_to(report_dir).parts:
            out[f"report/{p.relative_to(report_dir).as_posix()}"] = sha256_of(p)
    for p in sorted(processed_dir.rglob("*")):
        if p.is_file():
            out[f"processed/{p.relative_to(processed_dir).as_posix()}"] = sha256_of(p)
    return out


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), *args], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None


def get_git_commit() -> str | None:
    """The project's current git commit, or None outside a git checkout."""
    out = _git("rev-parse", "HEAD")
    return (out or "").strip() or None


def get_git_state() -> dict[str, Any]:
    """The commit and whether the working tree was clean (no change to a tracked file, no new file
    that git does not ignore); both None outside a git checkout."""
    commit = get_git_commit()
    status = _git("status", "--porcelain") if commit else None
    return {"commit": commit, "clean": None if status is None else status.strip() == ""}


def source_date_epoch(ds: Dataset) -> int:
    """The timestamp written into outputs that need one: the dataset's publication date, never the clock."""
    y, m, d = (int(x) for x in ds.date_published.split("-"))
    return calendar.timegm(date(y, m, d).timetuple())


def make_manifest(
    ds: Dataset, year: int, langs: list[str], report: bool, report_dir: Path, processed_dir: Path
) -> dict[str, Any]:
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
        "git": get_git_state(),
    }


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Write a manifest deterministically (sorted keys, UTF-8, final newline), and its sha256 in the
    sidecar file beside it."""
    data = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
    path.write_bytes(data)
    sidecar_path(path).write_text(f"{hashlib.sha256(data).hexdigest()}  {path.name}\n", encoding="utf-8")


def sidecar_path(manifest_path: Path) -> Path:
    """Where a manifest's own sha256 is kept."""
    return manifest_path.with_name(manifest_path.name + ".sha256")


def check_sidecar(manifest_path: Path) -> str | None:
    """None when the manifest's bytes match the sha256 written beside it, else what is wrong."""
    side = sidecar_path(manifest_path)
    if not side.is_file():
        return f"{side.name} is missing: the manifest cannot be shown to be the one the build wrote"
    recorded = (side.read_text(encoding="utf-8").split() or [""])[0]
    if recorded != sha256_of(manifest_path):
        return (
            f"{manifest_path.name} does not match the sha256 in {side.name}: "
            "the manifest was changed after the build wrote it"
        )
    return None


def read_manifest(path: Path) -> dict[str, Any]:
    """Read a manifest written by :func:`write_manifest`."""
    with open(path, encoding="utf-8") as fh:
        manifest: dict[str, Any] = json.load(fh)
    return manifest


def is_up_to_date(
    manifest_path: Path, ds: Dataset, year: int, langs: list[str], report: bool, report_dir: Path, processed_dir: Path
) -> bool:
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
    if (
        old.get("inputs") != get_input_hashes(ds)
        or old.get("environment") != get_environment()
        or check_sidecar(manifest_path) is not None
    ):
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
