"""Loading a dataset whole: dataset.yml, the table files it names, and published.yml, each validated."""
from __future__ import annotations

from pathlib import Path

from parlib.data.dataset import Dataset, read_dataset
from parlib.data.published import load_published


def load_dataset(dataset: str | Path, *, verify_checksums: bool = True) -> Dataset:
    """Load and validate a dataset (an embedded id or a folder): its dataset.yml, that every table file
    exists and, unless told not to, that its sha256 matches the one recorded, and its published.yml.

    A bad published.yml is bad input like any other: it is reported here, before anything is built or written.
    """
    ds = read_dataset(dataset, verify_checksums=verify_checksums)
    if ds.published_path is not None:
        load_published(ds)
    return ds
