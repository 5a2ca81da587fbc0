"""Malformed inputs give one clear line and exit code 2, and nothing is written (issue 5, part 1).

Each folder under tests/bad_inputs/ is a tiny dataset with one thing wrong (made by
tests/bad_inputs/make_corpus.py, described by the comment at the top of its dataset.yml) and an
``expected.txt`` listing the substrings the error line must contain. For each case:

- ``python -m parlib validate <case>`` exits 2 with exactly one line on stderr, holding every
  expected substring and no traceback;
- with ``--debug`` the traceback is shown;
- ``python -m parlib build <case> --no-report --out <tmp>`` exits 2 and writes nothing into <tmp>
  (nor into data/processed/);
- the case folder is byte-identical afterwards (sha256 of every file, and no file added).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parent / "bad_inputs"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and (p / "expected.txt").is_file())
PROCESSED = ROOT / "data" / "processed"


def _tree_digest(folder: Path) -> dict[str, str]:
    """Every file's sha256, and every symbolic link's target as written (a case may hold a link that
    loops or leads out of its folder)."""
    return {
        str(p.relative_to(folder)): ("link to " + os.readlink(p))
        if p.is_symlink()
        else hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_symlink() or p.is_file()
    }


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"}
    return subprocess.run(
        [sys.executable, "-m", "parlib", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env=env,
    )


def _run_case(name: str) -> dict:
    folder = CORPUS / name
    before = _tree_digest(folder)
    processed_before = sorted(p.name for p in PROCESSED.iterdir()) if PROCESSED.is_dir() else []
    plain = _run("validate", str(folder))
    debug = _run("--debug", "validate", str(folder))
    with tempfile.TemporaryDirectory(prefix="parlib-bad-") as tmp:
        out = Path(tmp) / "out"
        out.mkdir()
        build = _run("build", str(folder), "--no-report", "--out", str(out))
        written = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
    processed_after = sorted(p.name for p in PROCESSED.iterdir()) if PROCESSED.is_dir() else []
    return {
        "plain": plain,
        "debug": debug,
        "build": build,
        "written": written,
        "before": before,
        "after": _tree_digest(folder),
        "processed_new": sorted(set(processed_after) - set(processed_before)),
    }


@lru_cache(maxsize=1)
def _results() -> dict[str, dict]:
    """Every case run once, two at a time (each run starts a Python process)."""
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        return dict(zip(CASES, pool.map(_run_case, CASES)))


def _expected(name: str) -> list[str]:
    lines = (CORPUS / name / "expected.txt").read_text(encoding="utf-8").splitlines()
    return [x for x in lines if x.strip()]


def test_corpus_is_large_enough():
    assert len(CASES) >= 30, CASES


def _error_lines(stderr: str) -> list[str]:
    """The error lines of a failed command: one line, or one line per problem then "N problems"."""
    lines = stderr.splitlines()
    if len(lines) > 1:
        assert lines[-1] == f"parlib: {len(lines) - 1} problems", stderr
        lines = lines[:-1]
    assert all(line.startswith("parlib: error: ") for line in lines), stderr
    return lines


@pytest.mark.parametrize("case", CASES)
def test_validate_gives_one_clear_line(case):
    """One clear line per problem (a case has one mistake, which may show in two rows, e.g. two
    swapped ranks)."""
    r = _results()[case]["plain"]
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = _error_lines(r.stderr)
    assert 1 <= len(lines) <= 2, r.stderr
    for text in _expected(case):
        assert text in lines[0], f"{text!r} not in the error line: {lines[0]}"


@pytest.mark.parametrize("case", CASES)
def test_debug_shows_traceback(case):
    r = _results()[case]["debug"]
    assert r.returncode != 0
    assert "Traceback" in r.stderr
    assert "DataError" in r.stderr


@pytest.mark.parametrize("case", CASES)
def test_build_writes_nothing(case):
    res = _results()[case]
    b = res["build"]
    assert b.returncode == 2, (b.returncode, b.stderr)
    assert 1 <= len(_error_lines(b.stderr)) <= 2 and "Traceback" not in b.stderr, b.stderr
    assert res["written"] == [], res["written"]
    assert res["processed_new"] == [], res["processed_new"]


@pytest.mark.parametrize("case", CASES)
def test_case_folder_unchanged(case):
    res = _results()[case]
    assert res["after"] == res["before"]


def test_corpus_is_reproducible(tmp_path):
    """make_corpus.py regenerates exactly the committed files."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    made = mod.cases()
    assert sorted(c.name for c in made) == CASES
    for c in made:
        c.write(tmp_path / c.name)
        assert _tree_digest(tmp_path / c.name) == _tree_digest(CORPUS / c.name), c.name


def bad_input_counts() -> tuple[int, int]:
    """(cases tried, cases that gave one clear line with exit code 2) — for the session summary;
    (0, 0) when the corpus has not been run in this session."""
    if _results.cache_info().currsize == 0:
        return 0, 0
    res = _results()
    clear = sum(
        1
        for name, r in res.items()
        if r["plain"].returncode == 2
        and len(r["plain"].stderr.splitlines()) == 1
        and "Traceback" not in r["plain"].stderr
        and all(t in r["plain"].stderr for t in _expected(name))
    )
    return len(res), clear


# --- issue 13: command-line mistakes, which no dataset folder can hold ------------------------------


@pytest.mark.parametrize(
    "args, expected",
    [
        (["build", "backan", "--lang", "fr"], ["argument --lang", "invalid choice: 'fr'", "parlib build --help"]),
        (["biuld", "backan"], ["invalid choice: 'biuld'"]),
        (["check"], ["the following arguments are required: dataset"]),
        (["build", "backan", "--year", "hai"], ["argument --year", "invalid int value: 'hai'"]),
    ],
)
def test_usage_mistake_is_one_line_exit_2(args, expected):
    r = _run(*args)
    assert r.returncode == 2, r
    assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith("parlib: error: "), r.stderr
    assert len(r.stderr.strip()) <= 300
    for text in expected:
        assert text in r.stderr


@pytest.mark.parametrize("option", ["--out", "--processed"])
def test_output_folder_that_is_a_file_is_refused_and_nothing_is_left(tmp_path, option):
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    other = tmp_path / "other"
    args = [
        "build",
        str(ROOT / "docs" / "example-dataset"),
        "--no-report",
        option,
        str(a_file),
        "--out" if option == "--processed" else "--processed",
        str(other),
    ]
    r = _run(*args)
    assert r.returncode == 2, r
    assert len(r.stderr.splitlines()) == 1 and "Traceback" not in r.stderr, r.stderr
    assert f"{option} " in r.stderr and "is a file, not a folder" in r.stderr
    assert a_file.read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]  # no lock, no folder left


def test_output_folders_are_created_and_no_lock_is_left(tmp_path):
    out, processed = tmp_path / "a" / "out", tmp_path / "b" / "processed"
    r = _run(
        "build", str(ROOT / "docs" / "example-dataset"), "--no-report", "--out", str(out), "--processed", str(processed)
    )
    assert r.returncode == 0, r.stderr
    assert (out / "example-province").is_dir() and (processed / "example-province").is_dir()
    assert [p.name for p in out.rglob(".*.lock")] == []
