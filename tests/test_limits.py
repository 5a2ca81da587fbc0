"""parlib.data.limits: each limit is its default unless PARLIB_<NAME> gives a whole number."""

from __future__ import annotations

import os

import pytest

from parlib.data import limits


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5000000", 5_000_000),  # raised for a genuinely large dataset
        ("12", 12),  # or lowered
        ("0", 0),
        ("", 7),  # unset or not a whole number: the default
        ("-1", 7),
        ("1e6", 7),
        ("1.5", 7),
        ("5_000", 7),
        (" 12", 7),
        ("many", 7),
    ],
)
def test_a_limit_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("PARLIB_MAX_TEST", value)
    assert limits._limit("MAX_TEST", 7) == expected


def test_a_limit_not_set_is_its_default(monkeypatch):
    monkeypatch.delenv("PARLIB_MAX_TEST", raising=False)
    monkeypatch.setenv("MAX_TEST", "12")  # without the PARLIB_ prefix it is not parlib's
    assert limits._limit("MAX_TEST", 7) == 7


def test_the_defaults_are_those_of_docs_data_format():
    if any(name.startswith("PARLIB_MAX_") for name in os.environ):
        pytest.skip("a limit is set in this environment")
    mb = 1024 * 1024
    assert (limits.MAX_YAML_BYTES, limits.MAX_YAML_ITEMS, limits.MAX_YAML_DEPTH) == (5 * mb, 400_000, 100)
    assert (limits.MAX_TABLE_BYTES, limits.MAX_ROWS, limits.MAX_COLUMNS, limits.MAX_CELLS) == (
        20 * mb,
        200_000,
        500,
        1_000_000,
    )
    assert limits.MAX_CELL_CHARS == 10_000
    assert (limits.MAX_XLSX_SHEET_BYTES, limits.MAX_XLSX_CELLS, limits.MAX_XLSX_VALUES) == (
        100 * mb,
        1_000_000,
        500_000,
    )
    assert sorted(limits.__all__) == sorted(n for n in dir(limits) if n.startswith("MAX_"))
