"""Helpers for the tests: the hand-made datasets under tests/data/ and variants of them."""
from __future__ import annotations

import shutil
from pathlib import Path

from parlib.data.load import load_dataset

DATA = Path(__file__).resolve().parent / "data"


def load(name: str):
    """A hand-made dataset of tests/data/, checksums verified."""
    return load_dataset(DATA / name)


def variant(tmp_path: Path, name: str, *, yml: list[tuple[str, str]] = (), files: dict[str, str] | None = None,
            edits: dict[str, list[tuple[str, str]]] | None = None) -> Path:
    """A copy of a hand-made dataset in tmp_path with text replaced in dataset.yml (``yml``), in
    table files (``edits``: path → replacements) or files written whole (``files``). Each
    replacement must apply, so a variant cannot silently equal the original."""
    dst = tmp_path / name
    shutil.copytree(DATA / name, dst)
    _replace(dst / "dataset.yml", yml)
    for rel, pairs in (edits or {}).items():
        _replace(dst / rel, pairs)
    for rel, text in (files or {}).items():
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        (dst / rel).write_text(text, encoding="utf-8")
    return dst


def _replace(path: Path, pairs) -> None:
    if not pairs:
        return
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, f"{old!r} not in {path}"
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def load_unverified(path: Path):
    """A dataset whose table files were edited (checksums no longer match)."""
    return load_dataset(path, verify_checksums=False)
