"""Publishers' tables reproduced as printed (issue 8): rank rules, partial tables, bands optional,
units from the table, the index named in the data, printed numbers in published.yml.

Each case is a small dataset written here, shaped like a real publication; expected values are read
off the printed table or computed by hand in the comments.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from parlib.cli import main
from parlib.data.dataset import unit_id_from_name
from parlib.data.load import load_dataset
from parlib.errors import DataError, DataErrors
from parlib.model.scoring import score_dataset

GROUPS = """    bands:
      - {id: a, name: {vi: Nhóm A, en: Group A}, min_pct: 90}
      - {id: b, name: {vi: Nhóm B, en: Group B}, min_pct: 80}
      - {id: c, name: {vi: Nhóm C, en: Group C}, min_pct: 70}
      - {id: d, name: {vi: Dưới 70%, en: Below 70%}, min_pct: 0}
"""


def make(
    tmp_path: Path,
    tables: dict[str, str],
    *,
    units: str | None = None,
    level_extra: str = "",
    meth_extra: str = "",
    bands: str = GROUPS,
    partial: dict[str, bool] | None = None,
    published: str | None = None,
    top: str = "",
) -> Path:
    """A dataset folder: one level 'provinces', one methodology, one table per year ("2022": csv text)."""
    root = tmp_path / "ds"
    root.mkdir(parents=True)
    years = []
    for year, text in sorted(tables.items()):
        (root / year).mkdir()
        f = root / year / "bang.csv"
        f.write_text(text, encoding="utf-8")
        digest = hashlib.sha256(f.read_bytes()).hexdigest()
        years.append(f"""  - year: {year}
    tables:
      - {{file: {year}/bang.csv, level: provinces, methodology: m, source: s, sha256: {digest},
         partial: {str((partial or {}).get(year, False)).lower()}}}
""")
    units_block = f"    units:\n{units}" if units is not None else ""
    (root / "dataset.yml").write_text(
        f"""id: test-publisher
title: {{vi: Bảng thử, en: Test table}}
publisher: {{vi: Bộ Nội vụ (thử), en: Test publisher}}
date_published: "2024-04-17"
{top}levels:
  - id: provinces
    name: {{vi: Cấp tỉnh, en: Provinces}}
    noun: {{vi: "tỉnh, thành phố", en: provinces}}
{level_extra}{units_block}methodologies:
  - id: m
    title: {{vi: Bộ chỉ số thử, en: Test index}}
    max_total: 100
    decimals: 2
{meth_extra}{bands}sources:
  - {{id: s, title: Test, url: https://example.invalid/t, publisher: test, date_published: "2024-04-17",
     date_accessed: "2024-04-17", provenance: illustrative}}
years:
{"".join(years)}""",
        encoding="utf-8",
    )
    if published is not None:
        (root / "published.yml").write_text(published, encoding="utf-8")
    return root


# --- Rank rules -----------------------------------------------------------------------------

# A publisher that breaks ties on unrounded scores: two totals printed 64,56 ranked 2 and 3.
TIE_BROKEN = (
    'Tên đơn vị,Tổng điểm,Xếp hạng\nSóc Trăng,"70,12",1\nBình Thuận,"64,56",2\nAn Giang,"64,56",3\nCà Mau,"60,00",4\n'
)


def test_printed_rank_rule_keeps_a_tie_broken_by_the_publisher(tmp_path):
    ds = load_dataset(make(tmp_path, {"2023": TIE_BROKEN}, meth_extra="    rank_ties: printed\n"))
    u = score_dataset(ds).units.set_index("unit_id")
    assert u["rank"].to_dict() == {"soc-trang": 1, "binh-thuan": 2, "an-giang": 3, "ca-mau": 4}


def test_printed_rank_rule_accepts_the_tie_in_either_order(tmp_path):
    text = (
        TIE_BROKEN.replace('"64,56",2', '"64,56",X').replace('"64,56",3', '"64,56",2').replace('"64,56",X', '"64,56",3')
    )
    ds = load_dataset(make(tmp_path, {"2023": text}, meth_extra="    rank_ties: printed\n"))
    assert score_dataset(ds).units.set_index("unit_id")["rank"].to_dict()["an-giang"] == 2


def test_min_rank_rule_refuses_a_broken_tie_and_says_what_to_write(tmp_path):
    ds = load_dataset(make(tmp_path, {"2023": TIE_BROKEN}))
    with pytest.raises(DataError) as e:
        score_dataset(ds)
    assert "row 4" in str(e.value) and "printed rank 3 but the totals give rank 2" in str(e.value)
    assert "rank_ties: printed" in str(e.value)


def test_default_min_rule_shares_ranks(tmp_path):
    text = 'Tên đơn vị,Tổng điểm\nSóc Trăng,"70,12"\nBình Thuận,"64,56"\nAn Giang,"64,56"\nCà Mau,"60,00"\n'
    ds = load_dataset(make(tmp_path, {"2023": text}))
    assert score_dataset(ds).units["rank"].tolist() == [1, 2, 2, 4]


def test_printed_rule_refuses_a_lower_total_above_a_higher_one_naming_both_rows(tmp_path):
    # Cà Mau 60,00 printed 3rd above An Giang 64,56 printed 4th
    text = TIE_BROKEN.replace('"64,56",3', '"64,56",4').replace('"60,00",4', '"60,00",3')
    ds = load_dataset(make(tmp_path, {"2023": text}, meth_extra="    rank_ties: printed\n"))
    with pytest.raises(DataError) as e:
        score_dataset(ds)
    msg = str(e.value)
    assert "row 5 (Cà Mau, 60.00, rank 3) is ranked above row 4 (An Giang, 64.56, rank 4)" in msg


def test_printed_rule_refuses_a_rank_its_total_cannot_have(tmp_path):
    # 70,12 is the highest total: it can only be 1st; printed 2nd with nobody 1st
    text = 'Tên đơn vị,Tổng điểm,Xếp hạng\nSóc Trăng,"70,12",2\nBình Thuận,"64,56",3\nAn Giang,"64,56",4\n'
    ds = load_dataset(make(tmp_path, {"2023": text}, meth_extra="    rank_ties: printed\n"))
    with pytest.raises(DataError) as e:
        score_dataset(ds)
    assert "printed rank 2 but total 70.12 can only be ranked 1" in str(e.value)


# --- Partial tables -------------------------------------------------------------------------

# A news report of the national index: top three, Bắc Kạn, and the last; ranks of 63.
NATIONAL_2023 = (
    'Tỉnh,Xếp hạng,Chỉ số (%)\nQuảng Ninh,1,"92,18"\nHải Phòng,2,"91,87"\nHà Nội,3,"91,43"\n'
    'Bắc Kạn,57,"84,24"\nSóc Trăng,,"81,70"\nAn Giang,63,"81,32"\n'
)
NATIONAL_2022 = 'Tỉnh,Xếp hạng,Chỉ số (%)\nQuảng Ninh,1,"90,10"\nHải Phòng,2,"90,09"\nBắc Kạn,61,"79,35"\n'
NATIONAL_PUBLISHED = """source: s
figures:
  - {id: mean-2023, measure: mean_pct, level: provinces, year: 2023, printed: "86,98"}
  - {id: n-2023, measure: count_band, level: provinces, year: 2023, band: Nhóm A, printed: "7"}
  - {id: top-2023, measure: top_unit, level: provinces, year: 2023, printed: Quảng Ninh}
  - {id: bottom-2023, measure: bottom_unit, level: provinces, year: 2023, printed: An Giang}
  - {id: bk-2023, measure: unit_pct, unit: bac-kan, year: 2023, printed: "84,24"}
  - {id: bk-rank-2023, measure: unit_rank, unit: bac-kan, year: 2023, printed: "57"}
  - {id: bk-change, measure: unit_change, unit: bac-kan, year: 2023, printed: "+4,89"}
  - {id: bk-rank-change, measure: unit_rank_change, unit: bac-kan, year: 2023, printed: "4"}
"""


def _national(tmp_path, **kw):
    return make(
        tmp_path,
        {"2022": NATIONAL_2022, "2023": NATIONAL_2023},
        partial={"2022": True, "2023": True},
        level_extra="    size: 63\n",
        **kw,
    )


def test_partial_table_ranks_are_the_printed_ranks_of_the_full_level(tmp_path):
    ds = load_dataset(_national(tmp_path))
    assert ds.level("provinces").size == 63
    u = score_dataset(ds).level_units(2023, "provinces").set_index("unit_id")
    assert u["rank"].dropna().astype(int).to_dict() == {
        "quang-ninh": 1,
        "hai-phong": 2,
        "ha-noi": 3,
        "bac-kan": 57,
        "an-giang": 63,
    }


def test_partial_table_with_a_contradicting_rank_is_refused(tmp_path):
    # Bắc Kạn 84,24 printed 2nd, above Hải Phòng 91,87 printed... swapped with Hải Phòng
    text = NATIONAL_2023.replace("Hải Phòng,2,", "Hải Phòng,57,").replace("Bắc Kạn,57,", "Bắc Kạn,2,")
    root = make(tmp_path, {"2023": text}, partial={"2023": True}, level_extra="    size: 63\n")
    with pytest.raises(DataErrors) as e:
        score_dataset(load_dataset(root))
    msg = str(e.value)
    assert "row 5 (Bắc Kạn, 84.24, rank 2) is ranked above row 4 (Hà Nội, 91.43, rank 3)" in msg


def test_partial_table_rank_beyond_the_level_size(tmp_path):
    root = make(
        tmp_path,
        {"2023": NATIONAL_2023.replace("An Giang,63", "An Giang,64")},
        partial={"2023": True},
        level_extra="    size: 63\n",
    )
    with pytest.raises(DataError, match="printed rank 64 is beyond the level's 63 units"):
        score_dataset(load_dataset(root))


def test_check_of_a_partial_table(tmp_path, capsys):
    root = _national(tmp_path, published=NATIONAL_PUBLISHED)
    assert main(["check", str(root)]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines() if line and not line.startswith("test-publisher")}
    assert "cannot be checked (partial table)" in lines["mean-2023"] and lines["mean-2023"].endswith("—")
    assert "cannot be checked (partial table)" in lines["n-2023"]
    assert lines["top-2023"].endswith("yes") and lines["bottom-2023"].endswith("yes")
    # 84,24 − 79,35 = +4,89; 61 → 57 is up 4 places
    assert lines["bk-change"].endswith("yes") and lines["bk-rank-change"].endswith("yes")
    assert "test-publisher: 6 match, 0 differ, 2 cannot be checked" in out


def test_check_exits_1_when_a_figure_differs_even_with_unchecked_ones(tmp_path, capsys):
    root = _national(tmp_path, published=NATIONAL_PUBLISHED.replace('printed: "+4,89"', 'printed: "+4,90"'))
    assert main(["check", str(root)]) == 1
    assert "5 match, 1 differ, 2 cannot be checked" in capsys.readouterr().out


# --- Units from the table -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, uid",
    [
        ("Bắc Kạn", "bac-kan"),
        ("Thừa Thiên Huế", "thua-thien-hue"),
        ("Bà Rịa - Vũng Tàu", "ba-ria-vung-tau"),
        ("Thành phố Hồ Chí Minh", "thanh-pho-ho-chi-minh"),
        ("Đắk Lắk", "dak-lak"),
        ("TP. Hồ Chí Minh", "tp-ho-chi-minh"),
        ("Bắc Kạn", "bac-kan"),
        ("Quận 1", "quan-1"),
    ],
)
def test_unit_ids_from_names(name, uid):
    import unicodedata

    assert unit_id_from_name(name) == uid
    assert unit_id_from_name(unicodedata.normalize("NFD", name)) == uid  # an NFD export gives the same id


def test_level_without_units_takes_them_from_its_tables(tmp_path):
    ds = load_dataset(_national(tmp_path))
    units = ds.level("provinces").units
    # names of 2022 then the new ones of 2023, in file order
    assert [u.id for u in units] == ["quang-ninh", "hai-phong", "bac-kan", "ha-noi", "soc-trang", "an-giang"]
    assert ds.units()["bac-kan"].name == {"vi": "Bắc Kạn", "en": "Bắc Kạn"}  # English defaults to Vietnamese


def test_units_from_table_aliases_fold_spellings(tmp_path):
    root = make(
        tmp_path,
        {"2022": NATIONAL_2022.replace("Bắc Kạn,61", "Bắc Cạn,61"), "2023": NATIONAL_2023},
        partial={"2022": True, "2023": True},
        level_extra="    size: 63\n    aliases: {Bắc Kạn: [Bắc Cạn]}\n",
    )
    ds = load_dataset(root)
    assert "bac-can" not in ds.units() and ds.units()["bac-kan"].aliases == ("Bắc Cạn",)
    s = score_dataset(ds)
    assert set(s.units[s.units["unit_id"] == "bac-kan"]["year"]) == {2022, 2023}


def test_units_from_table_clash_names_both(tmp_path):
    root = make(
        tmp_path,
        {"2022": NATIONAL_2022.replace("Bắc Kạn,61", "Bac Kan,61"), "2023": NATIONAL_2023},
        partial={"2022": True, "2023": True},
        level_extra="    size: 63\n",
    )
    with pytest.raises(DataError) as e:
        load_dataset(root)
    assert "'Bac Kan' and 'Bắc Kạn'" in str(e.value) and "'bac-kan'" in str(e.value)
    assert "aliases" in str(e.value)


# --- Bands optional -------------------------------------------------------------------------


def test_methodology_without_bands(tmp_path):
    text = 'Tên đơn vị,Tổng điểm\nSóc Trăng,"70,12"\nBình Thuận,"64,56"\nAn Giang,"64,56"\nCà Mau,"60,00"\n'
    ds = load_dataset(make(tmp_path, {"2023": text}, bands=""))
    m = ds.methodologies["m"]
    assert m.bands == () and not m.has_bands and m.threshold() is None
    s = score_dataset(ds)
    assert s.units["band"].isna().all() and s.units["rank"].tolist() == [1, 2, 2, 4]


def test_band_measure_for_a_methodology_without_bands_is_refused_at_load(tmp_path):
    pub = "source: s\nfigures:\n  - {id: b, measure: unit_band, unit: soc-trang, year: 2023, printed: Tốt}\n"
    root = make(tmp_path, {"2023": TIE_BROKEN}, bands="", meth_extra="    rank_ties: printed\n", published=pub)
    with pytest.raises(DataError, match="no band rule"):
        load_dataset(root)


def test_threshold_comes_from_the_band_rule_or_highlight_threshold(tmp_path):
    ds = load_dataset(make(tmp_path, {"2023": TIE_BROKEN}, meth_extra="    rank_ties: printed\n"))
    assert ds.methodologies["m"].threshold() == 80.0  # Nhóm B from 80 % of 100, the band below the best
    ds2 = load_dataset(
        make(tmp_path / "x", {"2023": TIE_BROKEN}, meth_extra="    rank_ties: printed\n    highlight_threshold: 85\n")
    )
    assert ds2.methodologies["m"].threshold() == 85.0


# --- The index is named in the data ---------------------------------------------------------


def test_index_defaults_to_the_par_index_and_can_be_named(tmp_path):
    ds = load_dataset(make(tmp_path, {"2023": TIE_BROKEN}, meth_extra="    rank_ties: printed\n"))
    assert ds.index == {"vi": "Chỉ số CCHC", "en": "PAR Index"}
    ds2 = load_dataset(
        make(
            tmp_path / "x",
            {"2023": TIE_BROKEN},
            meth_extra="    rank_ties: printed\n",
            top="index: {vi: Chỉ số SIPAS, en: SIPAS}\n",
        )
    )
    assert ds2.index == {"vi": "Chỉ số SIPAS", "en": "SIPAS"}


# --- Numbers in published.yml ---------------------------------------------------------------


def test_published_number_with_a_decimal_point(tmp_path, capsys):
    # A table printed with decimal points (three decimals): "97.685" is 97,685 under decimals: 3.
    table = "unit,total\nSở Tư pháp,97.685\nSở Y tế,88.250\n"
    pub = (
        'source: s\nfigures:\n  - {id: t, measure: unit_total, unit: so-tu-phap, year: 2023, printed: "97.685"}\n'
        '  - {id: m, measure: mean_total, level: provinces, year: 2023, printed: "92.97"}\n'
    )
    root = make(tmp_path, {"2023": table}, meth_extra="", bands="", published=pub)
    root.joinpath("dataset.yml").write_text(
        root.joinpath("dataset.yml").read_text().replace("decimals: 2", "decimals: 3")
    )
    assert main(["check", str(root)]) == 0
    out = capsys.readouterr().out
    assert "97.685" in out.splitlines()[1].split()[-2]  # shown in the printed style, with a point
    assert "2 match, 0 differ, 0 cannot be checked" in out  # (97,685 + 88,25) / 2 = 92,9675 → 92,97


def test_published_unquoted_number_is_refused(tmp_path):
    pub = "source: s\nfigures:\n  - {id: t, measure: unit_total, unit: soc-trang, year: 2023, printed: 70.12}\n"
    root = make(tmp_path, {"2023": TIE_BROKEN}, meth_extra="    rank_ties: printed\n", published=pub)
    with pytest.raises(DataError, match="not in quotes, so YAML read it as a number"):
        load_dataset(root)


def test_units_from_table_an_alias_of_a_name_no_table_prints(tmp_path):
    """An alias given for a name the tables do not print is a mistake in dataset.yml, reported there."""
    root = make(
        tmp_path,
        {"2022": NATIONAL_2022, "2023": NATIONAL_2023},
        partial={"2022": True, "2023": True},
        level_extra="    size: 63\n    aliases: {Bắc Kan: [Bắc Cạn]}\n",
    )
    with pytest.raises(DataError) as e:
        load_dataset(root)
    assert (e.value.what, e.value.todo, e.value.file, e.value.column) == (
        "aliases of level 'provinces' are given for 'Bắc Kan', a name no table prints",
        "use the name as the tables print it",
        root / "dataset.yml",
        "levels.provinces.aliases",
    )
