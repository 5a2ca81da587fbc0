"""Issue 4: whole reports are byte-identical across builds into different folders (one rendering its
two reports in parallel processes, the other one after the other: issue 14) and across two freshly
built environments (the second made here from requirements.lock)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def _build(python: str, out: Path, jobs: int = 2) -> None:
    r = subprocess.run(
        [
            python,
            "-m",
            "parlib",
            "build",
            "vn-ministries",
            "--year",
            "2023",
            "--lang",
            "vi",
            "--lang",
            "en",
            "--jobs",
            str(jobs),
            "--out",
            str(out / "out"),
            "--processed",
            str(out / "processed"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert r.returncode == 0, r.stderr


def _comparable(h: dict[str, str]) -> dict[str, str]:
    # The manifest holds the environment's package list, the git commit and the processed tables' folder
    # (outside the project here, so an absolute path): compared separately, and so is its sha256 beside it.
    return {k: v for k, v in h.items() if not k.endswith(("manifest.json", "manifest.json.sha256"))}


@pytest.fixture(scope="module")
def first_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("first")
    _build(sys.executable, out)
    return out


def test_two_folders_give_identical_bytes(first_build, tmp_path):
    """The first build renders its two reports in two processes at once, this one one after the
    other (issue 14: a parallel build writes the same bytes as a serial one)."""
    _build(sys.executable, tmp_path, jobs=1)
    a, b = _hashes(first_build), _hashes(tmp_path)
    assert any(k.endswith("report.vi.pdf") for k in a) and any(k.endswith("report.en.html") for k in a)
    assert any(k.endswith("report.vi.ipynb") for k in a)
    assert _comparable(a) == _comparable(b)


@pytest.mark.skipif(os.environ.get("PARLIB_SKIP_SECOND_VENV") == "1", reason="explicitly skipped by the caller")
def test_fresh_environment_gives_identical_bytes(first_build, tmp_path):
    """A second virtual environment, built from the lock like `make` does, rebuilds the same bytes."""
    env_dir = tmp_path / "venv2"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = str(env_dir / "bin" / "python")
    pip = [py, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    for args in (["-r", "requirements.lock"], ["--no-deps", "--no-build-isolation", "-e", "."]):
        r = subprocess.run(pip + args, cwd=ROOT, capture_output=True, text=True, timeout=1800)
        assert r.returncode == 0, r.stderr[-2000:]
    out = tmp_path / "second"
    _build(py, out)
    assert _comparable(_hashes(first_build)) == _comparable(_hashes(out))
