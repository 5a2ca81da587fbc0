"""A unit's place in a wider index (parlib.model.context): Bắc Kạn in the national PAR Index of the
63 provinces, as the Báo Bắc Kạn article prints it (../shared/reference/published-figures.md): 79,35
and 61st in 2022, 84,24 and 57th in 2023."""

from __future__ import annotations

from parlib.data.load import load_dataset
from parlib.model.context import get_unit_context


def test_backan_in_the_national_index_is_as_the_article_prints_it():
    c = get_unit_context(load_dataset("backan"), 2023)
    assert c is not None
    assert (c.dataset_id, c.unit_id, c.size, c.decimals) == ("vn-provinces", "bac-kan", 63, 2)
    assert (c.current.year, c.current.pct, c.current.rank) == (2023, 84.24, 57)
    assert c.previous is not None
    assert (c.previous.year, c.previous.pct, c.previous.rank) == (2022, 79.35, 61)
    assert c.places == 4  # 61st → 57th


def test_a_dataset_without_context_has_none():
    assert get_unit_context(load_dataset("vn-ministries"), 2023) is None
