"""Property tests whose oracle is independent of parlib's code (issue 15): half-up rounding from
Python's ``decimal``, totals from a hand-rolled sum of the printed parts, and ranks from a
brute-force count ("1 + the number of units with a higher rounded total"), every one through
score_dataset on a table written as a publisher would print it."""

from __future__ import annotations

import hashlib
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parlib.data.load import load_dataset
from parlib.data.numbers import round_half_up, round_half_up_series
from parlib.model.scoring import score_dataset

FAST = settings(max_examples=300, deadline=None)
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _half_up(text: str, decimals: int) -> Decimal:
    return Decimal(text).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


# "123,4567" style values with up to 4 decimals, as text (the exact decimal value)
printed_values = st.builds(lambda n, k: str(Decimal(n).scaleb(-k)), st.integers(-(10**7), 10**7), st.integers(0, 4))


@FAST
@given(st.lists(printed_values, min_size=1, max_size=20), st.integers(0, 3))
def test_half_up_rounding_agrees_with_decimal(values, decimals):
    expected = [float(_half_up(v, decimals)) for v in values]
    assert round_half_up_series(pd.Series([float(v) for v in values]), decimals).tolist() == expected
    assert [round_half_up(float(v), decimals) for v in values] == expected


def _folder(root: Path, header: list[str], rows: list[list[str]], fields: list[tuple[str, int]], decimals: int) -> Path:
    table = root / "2023" / "t.csv"
    table.parent.mkdir(parents=True)
    table.write_text("\n".join(";".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    meth: dict = {
        "id": "m",
        "title": {"vi": "m", "en": "m"},
        "max_total": sum(m for _, m in fields) if fields else 100,
        "decimals": decimals,
        "bands": [
            {"id": "tot", "name": {"vi": "Tốt", "en": "Good"}, "min_pct": 80},
            {"id": "kha", "name": {"vi": "Khá", "en": "Fair"}, "min_total": 0},
        ],
    }
    if fields:
        meth["fields"] = [{"id": f, "name": {"vi": f"Lĩnh vực {f}", "en": f"Field {f}"}, "max": m} for f, m in fields]
    doc = {
        "id": "oracle",
        "title": {"vi": "Thử", "en": "Test"},
        "publisher": {"vi": "Thử", "en": "Test"},
        "date_published": "2024-01-01",
        "levels": [
            {
                "id": "departments",
                "name": {"vi": "Cấp sở", "en": "Departments"},
                "noun": {"vi": "sở", "en": "departments"},
                "units": [
                    {"id": f"u{i}", "name": {"vi": f"Đơn vị số {i}", "en": f"Unit {i}"}} for i in range(len(rows))
                ],
            }
        ],
        "methodologies": [meth],
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


@SLOW
@given(st.lists(st.integers(0, 100_000), min_size=1, max_size=12), st.integers(0, 2), st.data())
def test_ranks_and_bands_from_a_brute_force_count(thousandths, decimals, data):
    """Totals printed with 3 decimals under a methodology printing ``decimals``: each unit's rank is
    1 + the number of units whose total, rounded half up (decimal) to the printed decimals, is
    higher; its band is Tốt when that rounded total is at least 80 % of 100."""
    # near-ties and exact halves are the interesting cases: draw some totals from the others ± 5
    values = [data.draw(st.sampled_from([t, *[max(0, min(100_000, t + d)) for d in (-5, 5)]])) for t in thousandths]
    texts = [f"{v // 1000},{v % 1000:03d}" for v in values]
    rows = [[f"Đơn vị số {i}", t] for i, t in enumerate(texts)]
    with tempfile.TemporaryDirectory() as tmp:
        s = score_dataset(load_dataset(_folder(Path(tmp), ["Tên đơn vị", "Tổng điểm"], rows, [], decimals)))
    u = s.units.set_index("unit_id")
    rounded = [_half_up(t.replace(",", "."), decimals) for t in texts]
    for i, r in enumerate(rounded):
        assert u.loc[f"u{i}", "rank"] == 1 + sum(other > r for other in rounded)
        assert u.loc[f"u{i}", "band"] == ("tot" if r >= 80 else "kha")
        assert u.loc[f"u{i}", "total_printed"] == float(r)


@SLOW
@given(st.lists(st.integers(1, 40), min_size=1, max_size=5), st.integers(1, 10), st.data())
def test_totals_are_a_hand_rolled_sum_of_the_printed_parts(maxima, n_units, data):
    """Field points printed with 2 decimals: a unit's total is the exact decimal sum of its parts."""
    fields = [(f"f{i}", m) for i, m in enumerate(maxima)]
    points = [[data.draw(st.integers(0, m * 100)) for _, m in fields] for _ in range(n_units)]
    rows = [[f"Đơn vị số {i}"] + [f"{p // 100},{p % 100:02d}" for p in pts] for i, pts in enumerate(points)]
    with tempfile.TemporaryDirectory() as tmp:
        s = score_dataset(load_dataset(_folder(Path(tmp), ["Tên đơn vị"] + [f for f, _ in fields], rows, fields, 2)))
    u = s.units.set_index("unit_id")
    for i, pts in enumerate(points):
        total = Decimal(0)
        for p in pts:
            total += Decimal(p) / 100
        assert u.loc[f"u{i}", "total"] == float(total)
        assert u.loc[f"u{i}", "pct"] == float(total) / sum(maxima) * 100
