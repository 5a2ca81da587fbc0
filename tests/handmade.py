"""Helpers for the tests: the hand-made datasets under tests/data/ and variants of them."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import yaml

from parlib.data.load import load_dataset

DATA = Path(__file__).resolve().parent / "data"


def load(name: str):
    """A hand-made dataset of tests/data/, checksums verified."""
    return load_dataset(DATA / name)


def variant(
    tmp_path: Path,
    name: str,
    *,
    yml: list[tuple[str, str]] = (),
    files: dict[str, str] | None = None,
    edits: dict[str, list[tuple[str, str]]] | None = None,
) -> Path:
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


def one_year(
    root: Path,
    rows: list[str],
    header: str,
    *,
    decimals: int = 2,
    max_total: float = 100,
    bands: tuple[float, ...] = (80, 0),
) -> Path:
    """A one-year dataset (id 'tiny') of units u0, u1, ... named 'Đơn vị 0', ..., with the table given as
    CSV lines and bands 'tot' (at least ``bands[0]`` points), 'kha' (at least ``bands[1]``)."""
    table = root / "2023" / "t.csv"
    table.parent.mkdir(parents=True)
    table.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    doc = {
        "id": "tiny",
        "title": {"vi": "Thử", "en": "Test"},
        "publisher": {"vi": "Thử", "en": "Test"},
        "date_published": "2024-01-01",
        "levels": [
            {
                "id": "departments",
                "name": {"vi": "Cấp sở", "en": "Departments"},
                "noun": {"vi": "sở", "en": "departments"},
                "units": [{"id": f"u{i}", "name": {"vi": f"Đơn vị {i}", "en": f"Unit {i}"}} for i in range(len(rows))],
            }
        ],
        "methodologies": [
            {
                "id": "m",
                "title": {"vi": "m", "en": "m"},
                "max_total": max_total,
                "decimals": decimals,
                "bands": [
                    {"id": "tot", "name": {"vi": "Tốt", "en": "Good"}, "min_total": bands[0]},
                    {"id": "kha", "name": {"vi": "Khá", "en": "Fair"}, "min_total": bands[1]},
                ],
            }
        ],
        "sources": [
            {
                "id": "s",
                "title": "t",
                "url": "https://example.invalid",
                "publisher": "p",
                "date_published": "2024-01-01",
                "date_accessed": "2024-01-01",
                "provenance": "illustrative",
            }
        ],
        "years": [
            {
                "year": 2023,
                "tables": [
                    {
                        "file": "2023/t.csv",
                        "level": "departments",
                        "methodology": "m",
                        "source": "s",
                        "sha256": hashlib.sha256(table.read_bytes()).hexdigest(),
                    }
                ],
            }
        ],
    }
    (root / "dataset.yml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return root
