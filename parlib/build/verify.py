"""`parlib verify`: does a report still stand on what its manifest says, and can it be rebuilt byte for byte?

It prints four sections, in this order, then one verdict line:

1. the manifest: its bytes against the sha256 written beside it (a rewritten manifest is noticed);
2. inputs: each file that changed since the build, and for a raw table or a source copy whether
   its new sha256 is recorded in dataset.yml (a deliberate change) or not;
3. environment: Python, every installed package, the system libraries and the font files that shape
   the PDF (see :mod:`parlib.build.environment`), and the git commit;
4. outputs on disk, against the manifest;
5. the rebuild, in a temporary folder that is never named (it is gone when verify ends), against
   the manifest.

Verdicts and exit codes (:data:`VERDICTS`): 0 OK; 3 inputs changed, outputs reproduced (a cosmetic
change); 4 environment differs, cannot vouch for byte identity; 5 outputs differ; 6 manifest
rewritten; 2 the manifest cannot be read (bad input, as everywhere in parlib).
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parlib.build.environment import diff_environment, get_environment
from parlib.build.manifest import (
    check_sidecar,
    diff_hashes,
    get_git_state,
    get_input_hashes,
    get_output_hashes,
    read_manifest,
    resolve_display_path,
)
from parlib.data.dataset import SKIP_CHECKSUMS_ENV, Dataset, sha256_of
from parlib.data.load import load_dataset
from parlib.errors import DataError

EXIT_OK = 0
EXIT_INPUTS_CHANGED = 3
EXIT_ENVIRONMENT = 4
EXIT_OUTPUTS_DIFFER = 5
EXIT_MANIFEST_REWRITTEN = 6
VERDICTS = {
    EXIT_OK: "OK",
    EXIT_INPUTS_CHANGED: "inputs changed, outputs reproduced",
    EXIT_ENVIRONMENT: "environment differs, cannot vouch for byte identity",
    EXIT_OUTPUTS_DIFFER: "outputs differ",
    EXIT_MANIFEST_REWRITTEN: "manifest rewritten",
}


@dataclass
class Findings:
    """What each section found."""

    manifest: str | None = None
    inputs: list[str] = field(default_factory=list)
    environment: list[str] = field(default_factory=list)
    on_disk: list[str] = field(default_factory=list)
    rebuilt: list[str] = field(default_factory=list)
    rebuild_error: str | None = None
    n_outputs: int = 0


def recorded_checksums(ds: Dataset) -> dict[Path, str]:
    """The sha256 dataset.yml records for each raw table and source copy, by resolved path."""
    out = {t.path: t.sha256 for t in ds.tables}
    out.update({s.copy: s.copy_sha256 for s in ds.sources.values() if s.copy is not None})
    return out


def describe_input_changes(expected: dict[str, str], ds: Dataset) -> list[str]:
    """One line per input that was added, removed or changed, saying for a raw table or source copy
    whether its new sha256 is recorded in dataset.yml (a deliberate change)."""
    actual = get_input_hashes(ds)
    recorded = {p.resolve(): sha for p, sha in recorded_checksums(ds).items()}
    lines = []
    for line in diff_hashes(expected, actual):
        kind, name = line.split(": ", 1)
        if kind == "differs":
            path = resolve_display_path(name).resolve()
            note = ""
            if path in recorded:
                note = (
                    " (its new sha256 is recorded in dataset.yml: a deliberate change)"
                    if recorded[path] == sha256_of(path)
                    else " (dataset.yml records another sha256: NOT recorded as a deliberate change)"
                )
            lines.append(f"changed: {name}{note}")
        elif kind == "missing":
            lines.append(f"gone: {name}")
        else:
            lines.append(f"new: {name}")
    return lines


def rebuild(ds: Dataset, year: int, params: dict[str, Any], tmp: Path) -> dict[str, str]:
    """Rebuild one report into ``tmp`` (published figures that disagree do not stop it, raw files
    whose sha256 is not recorded are read: both are reported by the other sections); its output hashes."""
    from parlib.build.runner import build_year
    from parlib.model.analysis import analyse_years
    from parlib.report.kernel import environ_set

    with environ_set(SKIP_CHECKSUMS_ENV, "1"):
        out, proc = tmp / "out", tmp / "processed"
        langs = params.get("langs") or []
        build_year(
            analyse_years(ds, [year])[year],
            langs or ["vi"],
            out,
            proc,
            report=bool(params.get("report")) and bool(langs),
            force=True,
            clean=True,
            quiet=True,
            keep_failed=False,
        )
        return get_output_hashes(out / ds.id / str(year), proc / ds.id / str(year))


def verdict(f: Findings) -> tuple[int, str]:
    """The exit code and the verdict line for what the sections found."""
    if f.manifest is not None:
        return EXIT_MANIFEST_REWRITTEN, f"{VERDICTS[EXIT_MANIFEST_REWRITTEN]}: {f.manifest}"
    if f.on_disk:
        return EXIT_OUTPUTS_DIFFER, f"{VERDICTS[EXIT_OUTPUTS_DIFFER]}: on disk: {_names(f.on_disk)}" + (
            f"; rebuilt: {_names(f.rebuilt)}" if f.rebuilt else ""
        )
    if f.environment:
        tail = (
            f"the rebuild here failed ({f.rebuild_error})"
            if f.rebuild_error
            else f"rebuilt outputs that differ: {_names(f.rebuilt)}"
            if f.rebuilt
            else f"the rebuild here reproduced all {f.n_outputs} outputs"
        )
        return EXIT_ENVIRONMENT, (f"{VERDICTS[EXIT_ENVIRONMENT]}: {'; '.join(f.environment)} — {tail}")
    if f.rebuild_error:
        return EXIT_OUTPUTS_DIFFER, f"{VERDICTS[EXIT_OUTPUTS_DIFFER]}: the rebuild failed: {f.rebuild_error}"
    if f.rebuilt:
        return EXIT_OUTPUTS_DIFFER, f"{VERDICTS[EXIT_OUTPUTS_DIFFER]}: rebuilt: {_names(f.rebuilt)}"
    if f.inputs:
        return EXIT_INPUTS_CHANGED, (
            f"{VERDICTS[EXIT_INPUTS_CHANGED]}: {len(f.inputs)} input(s) changed, "
            f"all {f.n_outputs} outputs rebuilt byte for byte"
        )
    return EXIT_OK, f"OK: inputs and environment as recorded, all {f.n_outputs} outputs on disk and rebuilt match"


def _names(lines: list[str]) -> str:
    return ", ".join(line.split(": ", 1)[-1] for line in lines)


def _say(section: str, lines: list[str], ok: str) -> None:
    print(f"{section}:")
    for line in lines or ([ok] if ok else []):
        print(f"  {line}")


def verify(manifest_path: Path) -> int:
    """Check a report against its manifest, section by section (see the module's docstring); prints
    each finding and one verdict line, and returns the verdict's exit code."""
    manifest_path = Path(manifest_path).resolve()
    if not manifest_path.is_file():
        raise DataError(
            "manifest not found", "give the path of a manifest.json written by `parlib build`", manifest_path
        )
    try:
        m = read_manifest(manifest_path)
        ds_path, year = resolve_display_path(m["dataset_path"]), int(m["year"])
        params = m["parameters"]
        recorded_inputs, recorded_outputs = m["inputs"], m["outputs"]
        # a manifest without its processed folder is not one a build wrote (an empty path would be
        # the project's root: every file of the project would be read as a processed table)
        if not isinstance(m["processed_dir"], str) or not m["processed_dir"]:
            raise ValueError("no processed folder")
        processed = resolve_display_path(m["processed_dir"])
    except (ValueError, KeyError, TypeError):
        raise DataError(
            "not a parlib manifest", "give the manifest.json written beside a report", manifest_path
        ) from None
    f = Findings()
    f.manifest = check_sidecar(manifest_path)
    print(f"verify: {m.get('dataset')} {year}, {manifest_path.name}")
    _say("manifest", [f.manifest] if f.manifest else [], "matches the sha256 written beside it")

    ds = load_dataset(ds_path, verify_checksums=False)
    f.inputs = describe_input_changes(recorded_inputs, ds)
    _say(
        "inputs changed since the build" if f.inputs else "inputs", f.inputs, f"all {len(recorded_inputs)} as recorded"
    )

    f.environment = diff_environment(m.get("environment") or {}, get_environment())
    git_now, git_then = get_git_state(), m.get("git") or {"commit": m.get("git_commit"), "clean": None}
    git_line = (
        f"git: built at {git_then.get('commit') or 'no commit'}"
        f"{' (working tree clean)' if git_then.get('clean') else ' (working tree NOT clean)' if git_then.get('clean') is False else ''}"
        f", here {git_now.get('commit') or 'no commit'}"
        f"{' (clean)' if git_now.get('clean') else ' (not clean)' if git_now.get('clean') is False else ''}"
        " — inputs are compared file by file above"
    )
    _say("environment", f.environment + [git_line], "")

    f.on_disk = diff_hashes(recorded_outputs, get_output_hashes(manifest_path.parent, processed))
    _say("outputs on disk", f.on_disk, f"all {len(recorded_outputs)} match the manifest")

    print("rebuild:", flush=True)
    from parlib.report.render import ReportError

    with tempfile.TemporaryDirectory(prefix="parlib-verify-") as tmp:
        try:
            rebuilt = rebuild(ds, year, params, Path(tmp))
        except (DataError, ReportError) as exc:
            f.rebuild_error = str(exc).replace(tmp, "<temporary folder>")
            rebuilt = {}
    if f.rebuild_error is None:
        f.rebuilt = diff_hashes(recorded_outputs, rebuilt)
        f.n_outputs = len(rebuilt)
    for line in ([f"failed: {f.rebuild_error}"] if f.rebuild_error else f.rebuilt) or [
        f"all {len(rebuilt)} outputs rebuilt byte for byte"
    ]:
        print(f"  {line}")
    code, line = verdict(f)
    print(line)
    sys.stdout.flush()
    return code
