"""Loading a dataset whole: dataset.yml, the table files it names, and published.yml, each validated."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from parlib.data.dataset import Dataset, read_dataset, units_from_names
from parlib.data.published import load_published
from parlib.data.tables import printed_unit_names


def load_dataset(dataset: str | Path, *, verify_checksums: bool | None = None) -> Dataset:
    """Load and validate a dataset (an embedded id or a folder): its dataset.yml, that every table file
    exists and, unless told not to, that its sha256 matches the one recorded, and its published.yml.
    A level that lists no units gets the units its tables print (see :func:`units_from_names`).

    A bad published.yml is bad input like any other: it is reported here, before anything is built or written.
    """
    ds = read_dataset(dataset, verify_checksums=verify_checksums)
    ds = complete_units(ds)
    if ds.published_path is not None:
        load_published(ds)
    return ds


def complete_units(ds: Dataset) -> Dataset:
    """The dataset with every level that lists no units given the units its tables print."""
    if not any(lv.from_table for lv in ds.levels):
        return ds
    levels = []
    for lv in ds.levels:
        if lv.from_table:
            names = [(n, spec.path) for spec in ds.tables if spec.level == lv.id for n in printed_unit_names(spec, ds)]
            lv = units_from_names(lv, names, ds.root / "dataset.yml")
        levels.append(lv)
    return replace(ds, levels=tuple(levels))
