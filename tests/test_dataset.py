"""parlib.dataset: dataset.yml parsed and validated; every mistake a located DataError."""

import unicodedata

import pytest
from handmade import DATA, load, variant

from parlib.data.dataset import embedded_datasets, resolve_dataset_path, sha256_of
from parlib.data.load import load_dataset
from parlib.errors import DataError


def test_embedded_ministries_dataset():
    ds = load_dataset("vn-ministries")
    assert "vn-ministries" in embedded_datasets()
    assert ds.years == [2022, 2023]
    assert len(ds.level("ministries").units) == 17  # 17 ministries and ministry-level agencies
    meth = ds.methodology_for(2023, "ministries")
    assert meth.max_total == 100 and meth.decimals == 2
    assert [b.min_pct for b in meth.bands] == [90, 80, 70, 0]  # groups A ≥ 90 %, B 80–<90 %, C 70–<80 %
    t2022 = next(t for t in ds.tables if t.year == 2022)
    assert t2022.partial and t2022.filter == {"year": "2022"}
    assert t2022.columns["unit"] == "ministry_vi"
    assert ds.previous_year(2023) == 2022 and ds.previous_year(2022) is None
    assert not ds.is_illustrative()
    assert ds.published_path is not None


def test_handmade_dataset_units_and_links():
    ds = load("two-years")
    units = ds.units()
    assert units["so-kh"].renamed_to == "so-khcn"
    assert units["so-dl"].merged_into == "so-vh"
    assert units["so-gtvt"].aliases == ("Sở GTVT",)
    assert units["ban-dt"].since == 2023
    assert units["so-vh"].name["vi"] == "Sở Văn hóa, Thể thao và Du lịch"
    assert ds.levels_in(2022) == ["departments"]
    assert ds.is_illustrative(2023)
    assert ds.sources["hand"].provenance == "illustrative"


def test_field_methodology():
    meth = load("fields-wide").methodologies["mf"]
    assert meth.field_ids() == ["f1", "f2", "xhh"]
    assert [f.max for f in meth.fields] == [40, 30, 30]
    assert [f.component for f in meth.fields] == ["appraisal", "appraisal", "survey"]
    assert meth.band("xuat-sac").min_field_pct == 80
    with pytest.raises(KeyError):
        meth.band("nope")


def test_resolve_path_and_unknown_dataset(tmp_path):
    assert resolve_dataset_path(DATA / "totals-vi") == (DATA / "totals-vi").resolve()
    with pytest.raises(DataError, match="no dataset"):
        resolve_dataset_path(tmp_path / "nothing-here")


def test_names_in_dataset_yml_are_nfc(tmp_path):
    nfd = unicodedata.normalize("NFD", "Sở Y tế")
    p = variant(tmp_path, "totals-vi", yml=[("name: {vi: Sở Y tế,", f"name: {{vi: {nfd},")])
    assert load_dataset(p).units()["so-yt"].name["vi"] == "Sở Y tế"


def test_changed_raw_file_is_detected(tmp_path):
    p = variant(tmp_path, "totals-vi", edits={"2023/bang-diem-2023.csv": [("79,999", "79,998")]})
    with pytest.raises(DataError, match="has changed") as e:
        load_dataset(p)
    assert sha256_of(p / "2023/bang-diem-2023.csv") in str(e.value)
    load_dataset(p, verify_checksums=False)  # an explicit opt-out reads it


def test_missing_checksum_is_an_error(tmp_path):
    ds = load("totals-vi")
    sha = ds.tables[0].sha256
    p = variant(tmp_path, "totals-vi", yml=[(f"sha256: {sha}", "")])
    with pytest.raises(DataError, match="no checksum"):
        load_dataset(p)


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("id: so-tc,", "id: so-gtvt,", "appears twice"),
        (
            "{id: so-tc, name: {vi: Sở Tài chính,",
            "{id: so-tc, aliases: [Sở GTVT], name: {vi: Sở Tài chính,",
            "given to both",
        ),
        ("min_total: 80}", "min_total: 95}", "overlap or are out of order"),
        ("min_total: 0}", "min_total: 10}", "threshold 0"),
        ("min_total: 80}", "min_total: 80, min_pct: 80}", "not both"),
        ("provenance: illustrative", "provenance: guessed", "not a provenance"),
        ("decimals: 3", "decimals: two", "not a number of decimals"),
        ("level: departments\n", "level: districts\n", "unknown level"),
        ("methodology: m3\n", "methodology: m9\n", "no methodology"),
        ("source: hand\n", "source: nobody\n", "unknown source"),
        ("file: 2023/bang-diem-2023.csv", "file: 2023/missing.csv", "not found"),
        ("file: 2023/bang-diem-2023.csv", "file: ../components/2023/diem-thanh-phan.csv", "outside the dataset"),
        ('date_published: "2024-03-01"\nlevels', "date_published: March 2024\nlevels", "not a date"),
        (
            "title: {vi: Bảng thử tổng điểm, en: Test table of totals}",
            "title: {vi: Bảng thử tổng điểm}",
            "Vietnamese and in English",
        ),
        ("max_total: 100", "max_total: -100", "negative"),
    ],
)
def test_dataset_yml_mistakes(tmp_path, old, new, message):
    p = variant(tmp_path, "totals-vi", yml=[(old, new)])
    with pytest.raises(DataError, match=message) as e:
        load_dataset(p)
    assert "dataset.yml" in str(e.value)


def test_unknown_rank_rule(tmp_path):
    p = variant(tmp_path, "totals-vi", yml=[("decimals: 3", "decimals: 3\n    rank_ties: dense")])
    with pytest.raises(DataError, match="rank rule"):
        load_dataset(p)


def test_field_maxima_must_sum_to_max_total(tmp_path):
    p = variant(tmp_path, "fields-wide", yml=[("max: 40}", "max: 45}")])
    with pytest.raises(DataError, match="sum to 105"):
        load_dataset(p)


def test_unknown_field_component(tmp_path):
    p = variant(tmp_path, "fields-wide", yml=[("component: survey", "component: interview")])
    with pytest.raises(DataError, match="not a component"):
        load_dataset(p)


def test_rename_to_unknown_unit(tmp_path):
    p = variant(tmp_path, "two-years", yml=[("renamed_to: so-khcn", "renamed_to: so-nowhere")])
    with pytest.raises(DataError, match="unknown unit 'so-nowhere'"):
        load_dataset(p)


def test_year_folder_without_entry(tmp_path):
    p = variant(tmp_path, "totals-vi", files={"2021/old.csv": "unit,total\nSở Y tế,50\n"})
    with pytest.raises(DataError, match="year folder 2021/"):
        load_dataset(p)


def test_two_tables_for_one_year_and_level(tmp_path):
    sha = load("totals-vi").tables[0].sha256
    extra = (
        f"      - file: 2023/bang-diem-2023.csv\n        level: departments\n        methodology: m3\n"
        f"        source: hand\n        sha256: {sha}\n"
    )
    p = variant(tmp_path, "totals-vi", yml=[(f"sha256: {sha}\n", f"sha256: {sha}\n" + extra)])
    with pytest.raises(DataError, match="two tables for 2023 departments"):
        load_dataset(p)


def test_yaml_syntax_error_names_the_line(tmp_path):
    p = variant(tmp_path, "totals-vi", yml=[("id: totals-vi", "id: [totals-vi")])
    with pytest.raises(DataError, match="YAML syntax error") as e:
        load_dataset(p)
    assert e.value.row is not None


def test_a_dataset_whose_tables_were_read_still_pickles():
    # --jobs N sends the dataset to the report processes by pickling it, after its tables were read
    # (which caches each level's name lookup): a read-only mapping proxy there broke every parallel build
    import pickle

    from parlib.model.scoring import score_dataset

    ds = load("totals-vi")
    score_dataset(ds)
    copy = pickle.loads(pickle.dumps(ds))
    level = ds.levels[0].id
    assert copy.level(level).unit_names() == ds.level(level).unit_names()
    assert copy.level(level).unit_names()["sở gtvt"] == "so-gtvt"  # an alias, case-folded


def test_a_levels_name_lookup_is_made_while_reading_and_equals_the_one_made_from_its_units():
    """read_dataset keeps the name keys it makes to find a name given to two units as the level's
    lookup; a copy of the level (dataclasses.replace: nothing cached) makes it again from its units."""
    import dataclasses

    ds = load("two-years")
    lv = ds.level("departments")
    assert "_unit_names" in lv.__dict__  # made by the reader, not on first use
    fresh = dataclasses.replace(lv)
    assert "_unit_names" not in fresh.__dict__
    assert lv.unit_names() == fresh.unit_names()
    # by hand: the alias "Sở GTVT" and the name, case-folded, both lead to so-gtvt
    assert lv.unit_names()["sở gtvt"] == "so-gtvt"
    assert lv.unit_names()["sở văn hóa, thể thao và du lịch"] == "so-vh"
