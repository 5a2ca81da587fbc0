"""Property-based tests of ranks, bands, year on year and table loading (issue 5, part 3).

Random valid tables with Vietnamese unit names (letters with ă â đ ê ô ơ ư and the five tone
marks, in NFC or NFD):

- ranks do not depend on row order; tied totals share a rank (1, 2, 2, 4); raising one unit's
  score never lowers its rank;
- bands are monotone in score;
- year on year of a year against itself is zero everywhere;
- per-field tables written as CSV with decimal commas and loaded back through parlib.tables have
  totals equal to the sum of their parts;
- a table written and loaded back gives the same frame.

How many examples each test ran is counted in ``EXAMPLES`` and printed at the end of the session
by tests/conftest.py.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
import unicodedata
from collections import Counter
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parlib.data.dataset import Band, Methodology
from parlib.data.load import load_dataset
from parlib.data.tables import read_scores_table
from parlib.data.text import name_key
from parlib.model.compare import year_on_year
from parlib.model.scoring import band_of, rank_units, score_dataset

EXAMPLES: Counter = Counter()

FAST = settings(max_examples=300, deadline=None)
SLOW = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- Vietnamese names -----------------------------------------------------------------------------

_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_VOWELS = "aăâeêioôơuưy"
_VOWELS_TONED = sorted({unicodedata.normalize("NFC", v + t) for v in _VOWELS + _VOWELS.upper() for t in _TONES})
_CONSONANTS = list("bcdđghklmnpqrstvx") + ["ch", "gh", "gi", "kh", "ng", "ngh", "nh", "ph", "qu", "th", "tr"]
_CONSONANTS += [c.capitalize() for c in _CONSONANTS]

syllable = st.builds(
    lambda c, v, e: c + v + e,
    st.sampled_from(_CONSONANTS),
    st.text(st.sampled_from(_VOWELS_TONED), min_size=1, max_size=2),
    st.sampled_from(["", "c", "m", "n", "ng", "nh", "p", "t", "ch", "i", "o", "u"]),
)
vn_name = st.builds(
    lambda prefix, words: prefix + " " + " ".join(words),
    st.sampled_from(["Sở", "Ban", "Huyện", "Thành phố", "Văn phòng", "Thanh tra"]),
    st.lists(syllable, min_size=1, max_size=4),
)


def vn_names(min_size=1, max_size=12):
    """Distinct unit names (distinct once NFC and case-folded, as parlib matches them)."""
    return st.lists(vn_name, min_size=min_size, max_size=max_size, unique_by=name_key)


form = st.sampled_from(["NFC", "NFD"])

# Scores are printed with 2 decimals: draw hundredths of a point.
hundredths = st.integers(min_value=0, max_value=10_000)


def _vn2(cents: int) -> str:
    """A score printed in Vietnamese style with 2 decimals: 9175 → "91,75"."""
    return f"{cents // 100},{cents % 100:02d}"


# --- ranks ----------------------------------------------------------------------------------------


@FAST
@given(st.lists(hundredths, min_size=1, max_size=30), st.randoms(use_true_random=False))
def test_ranks_do_not_depend_on_row_order(cents, rnd):
    EXAMPLES["ranks_do_not_depend_on_row_order"] += 1
    totals = pd.Series([c / 100 for c in cents], index=[f"u{i}" for i in range(len(cents))])
    order = list(totals.index)
    rnd.shuffle(order)
    a = rank_units(totals)
    b = rank_units(totals.loc[order]).loc[totals.index]
    assert a.tolist() == b.tolist()


@FAST
@given(st.lists(st.integers(0, 40), min_size=1, max_size=30))
def test_tied_totals_share_a_rank(cents):
    EXAMPLES["tied_totals_share_a_rank"] += 1
    # few distinct values, so ties are common
    totals = pd.Series([60 + c / 4 for c in cents])
    ranks = rank_units(totals)
    for t in totals.unique():
        tied = ranks[totals == t]
        assert tied.nunique() == 1
        # the shared rank is the best: 1 + how many units have a higher total (1, 2, 2, 4)
        assert int(tied.iloc[0]) == 1 + int((totals > t).sum())


@FAST
@given(st.lists(hundredths, min_size=1, max_size=30), st.data())
def test_raising_a_score_never_lowers_its_rank(cents, data):
    EXAMPLES["raising_a_score_never_lowers_its_rank"] += 1
    i = data.draw(st.integers(0, len(cents) - 1))
    raise_by = data.draw(st.integers(0, 10_000 - cents[i]))
    before = pd.Series(cents, dtype=float) / 100
    after = before.copy()
    after.iloc[i] = (cents[i] + raise_by) / 100
    assert int(rank_units(after).iloc[i]) <= int(rank_units(before).iloc[i])


# --- bands ----------------------------------------------------------------------------------------


def _methodology(thresholds: list[float], max_total: float = 100.0, decimals: int = 2) -> Methodology:
    bands = tuple(Band(f"b{i}", {"vi": f"Loại {i}", "en": f"Band {i}"}, min_total=t) for i, t in enumerate(thresholds))
    return Methodology("m", {"vi": "m", "en": "m"}, max_total, decimals, (), bands)


band_rules = st.lists(st.integers(1, 99), min_size=0, max_size=5, unique=True).map(
    lambda xs: sorted(xs, reverse=True) + [0]
)


@FAST
@given(band_rules, st.lists(hundredths, min_size=2, max_size=30))
def test_bands_are_monotone_in_score(thresholds, cents):
    EXAMPLES["bands_are_monotone_in_score"] += 1
    meth = _methodology([float(t) for t in thresholds])
    totals = pd.Series(sorted(cents), dtype=float) / 100
    order = {f"b{i}": i for i in range(len(thresholds))}  # 0 = best band
    bands = band_of(totals, meth).map(order)
    assert bands.notna().all()
    # totals ascending → band index never increases (never a worse band for a higher score)
    assert (bands.diff().dropna() <= 0).all()
    # and each band is the one its threshold says
    for t, b in zip(totals, bands):
        assert thresholds[b] <= t and (b == 0 or t < thresholds[b - 1])


# --- year on year ---------------------------------------------------------------------------------


@FAST
@given(vn_names(), st.data())
def test_year_on_year_against_itself_is_zero(names, data):
    EXAMPLES["year_on_year_against_itself_is_zero"] += 1
    cents = data.draw(st.lists(hundredths, min_size=len(names), max_size=len(names)))
    meth = _methodology([90.0, 80.0, 70.0, 50.0, 0.0])
    totals = pd.Series(cents, dtype=float) / 100
    frame = pd.DataFrame(
        {
            "unit_id": [f"u{i}" for i in range(len(names))],
            "name": names,
            "total": totals,
            "rank": rank_units(totals),
            "band": band_of(totals, meth),
            "partial": False,
        }
    )
    y = year_on_year(frame, frame.copy())
    assert len(y) == len(frame)
    assert (y["status"] == "both").all()
    assert (y["change"] == 0).all()
    assert (y["rank_change"] == 0).all()
    assert not y["band_changed"].any()


# --- tables written and loaded back ---------------------------------------------------------------


def _dataset_folder(
    root: Path, names_yml: list[str], fields: list[tuple[str, int]] | None, table_text: str, decimals: int = 2
) -> Path:
    """A one-year dataset folder whose units have the given names (ids u0, u1, ...)."""
    table = root / "2023" / "table.csv"
    table.parent.mkdir(parents=True)
    table.write_bytes(table_text.encode("utf-8"))
    meth = {
        "id": "m",
        "title": {"vi": "Bộ tiêu chí", "en": "Criteria"},
        "max_total": 100,
        "decimals": decimals,
        "bands": [
            {"id": "tot", "name": {"vi": "Tốt", "en": "Good"}, "min_total": 80},
            {"id": "kha", "name": {"vi": "Khá", "en": "Fair"}, "min_total": 0},
        ],
    }
    if fields:
        meth["fields"] = [
            {"id": fid, "name": {"vi": f"Lĩnh vực {fid}", "en": f"Field {fid}"}, "max": mx} for fid, mx in fields
        ]
    doc = {
        "id": "prop",
        "title": {"vi": "Thử", "en": "Test"},
        "publisher": {"vi": "Thử", "en": "Test"},
        "date_published": "2024-01-01",
        "levels": [
            {
                "id": "departments",
                "name": {"vi": "Cấp sở", "en": "Departments"},
                "noun": {"vi": "sở", "en": "departments"},
                "units": [{"id": f"u{i}", "name": {"vi": n, "en": f"Unit {i}"}} for i, n in enumerate(names_yml)],
            }
        ],
        "methodologies": [meth],
        "sources": [
            {
                "id": "s",
                "title": "t",
                "url": "https://example.org",
                "publisher": "p",
                "date_published": "2024-01-01",
                "date_accessed": "2024-01-02",
                "provenance": "illustrative",
            }
        ],
        "years": [
            {
                "year": 2023,
                "tables": [
                    {
                        "file": "2023/table.csv",
                        "level": "departments",
                        "methodology": "m",
                        "source": "s",
                        "sha256": hashlib.sha256(table.read_bytes()).hexdigest(),
                    }
                ],
            }
        ],
    }
    (root / "dataset.yml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def _csv(header: list[str], rows: list[list[str]], sep: str) -> str:
    out = io.StringIO()
    w = csv.writer(out, delimiter=sep, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


field_maxima = (
    st.lists(st.integers(1, 60), min_size=2, max_size=6)
    .filter(lambda xs: sum(xs) < 100)
    .map(lambda xs: xs + [100 - sum(xs)])
)


@SLOW
@given(vn_names(max_size=10), form, form, field_maxima, st.sampled_from([",", ";", "\t"]), st.data())
def test_field_totals_equal_sum_of_parts(names, form_yml, form_csv, maxima, sep, data):
    EXAMPLES["field_totals_equal_sum_of_parts"] += 1
    fields = [(f"f{i}", m) for i, m in enumerate(maxima)]
    points = [[data.draw(st.integers(0, m * 100)) for _, m in fields] for _ in names]
    rows = [[unicodedata.normalize(form_csv, n)] + [_vn2(p) for p in pts] for n, pts in zip(names, points)]
    text = _csv(["Tên đơn vị"] + [fid for fid, _ in fields], rows, sep)
    with tempfile.TemporaryDirectory() as tmp:
        folder = _dataset_folder(Path(tmp), [unicodedata.normalize(form_yml, n) for n in names], fields, text)
        ds = load_dataset(folder)
        ts = read_scores_table(ds.tables[0], ds)
        s = score_dataset(ds)
    assert ts.granularity == "fields"
    units = ts.units.set_index("unit_id")
    for i, pts in enumerate(points):
        expected = float(sum(Decimal(p) / 100 for p in pts))
        assert units.loc[f"u{i}", "total"] == expected
        assert units.loc[f"u{i}", "total"] == ts.fields.loc[ts.fields["unit_id"] == f"u{i}", "points"].sum().round(2)
    # the scored frame agrees, and field points are each within their maximum
    assert s.units.set_index("unit_id")["total"].sort_index().tolist() == units["total"].sort_index().tolist()
    assert (ts.fields["points"] <= ts.fields["max"]).all()


@SLOW
@given(vn_names(max_size=12), form, form, st.sampled_from([",", ";"]), st.sampled_from(["comma", "point"]), st.data())
def test_table_round_trip(names, form_yml, form_csv, sep, decimal, data):
    EXAMPLES["table_round_trip"] += 1
    appraised = data.draw(st.lists(st.integers(0, 7000), min_size=len(names), max_size=len(names)))
    survey = data.draw(st.lists(st.integers(0, 3000), min_size=len(names), max_size=len(names)))
    show = _vn2 if decimal == "comma" else (lambda c: _vn2(c).replace(",", "."))
    written = pd.DataFrame(
        {
            "unit_id": [f"u{i}" for i in range(len(names))],
            "name_printed": [unicodedata.normalize("NFC", n) for n in names],
            "appraised": [a / 100 for a in appraised],
            "survey": [s / 100 for s in survey],
            "printed_total": [(a + s) / 100 for a, s in zip(appraised, survey)],
        }
    )
    rows = [
        [unicodedata.normalize(form_csv, n), show(a), show(s), show(a + s)] for n, a, s in zip(names, appraised, survey)
    ]
    text = _csv(["Tên đơn vị", "Điểm thẩm định", "Điểm điều tra XHH", "Tổng điểm"], rows, sep)
    with tempfile.TemporaryDirectory() as tmp:
        folder = _dataset_folder(Path(tmp), [unicodedata.normalize(form_yml, n) for n in names], None, text)
        ds = load_dataset(folder)
        ts = read_scores_table(ds.tables[0], ds)
    loaded = ts.units[list(written.columns)]
    pd.testing.assert_frame_equal(loaded.reset_index(drop=True), written, check_dtype=False)
    assert ts.units["row"].tolist() == list(range(2, len(names) + 2))
    assert np.allclose(ts.units["total"], written["printed_total"])


@SLOW
@given(vn_names(max_size=8), field_maxima, st.sampled_from(["comma", "point"]), st.data())
def test_three_decimal_field_totals(names, maxima, decimal, data):
    """Scores printed with 3 decimals, as Bắc Kạn prints them, with a decimal comma or a decimal point
    ("95.476": resolved as a decimal point by the methodology's 3 printed decimals): totals equal the
    exact sum of the printed parts, and ranks follow the totals."""
    EXAMPLES["three_decimal_field_totals"] += 1
    fields = [(f"f{i}", m) for i, m in enumerate(maxima)]
    points = [[data.draw(st.integers(0, m * 1000)) for _, m in fields] for _ in names]
    sep = "," if decimal == "comma" else "."
    rows = [[n] + [f"{p // 1000}{sep}{p % 1000:03d}" for p in pts] for n, pts in zip(names, points)]
    text = _csv(["Tên đơn vị"] + [fid for fid, _ in fields], rows, ";")
    with tempfile.TemporaryDirectory() as tmp:
        folder = _dataset_folder(Path(tmp), names, fields, text, decimals=3)
        s = score_dataset(load_dataset(folder))
    units = s.units.set_index("unit_id")
    expected = {f"u{i}": float(sum(Decimal(p) / 1000 for p in pts)) for i, pts in enumerate(points)}
    for uid, total in expected.items():
        assert units.loc[uid, "total"] == total
    # rank by brute force: 1 + the number of units with a higher total (printed at 3 decimals, exact)
    for uid, total in expected.items():
        assert units.loc[uid, "rank"] == 1 + sum(other > total for other in expected.values())
