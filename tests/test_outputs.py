"""figures.json and the processed tables, function by function (issue 15: the mutation run of the
build layer). The expected values come from the hand computations in the hand-made datasets'
dataset.yml (tests/data/two-years, three-years) or from small frames written here; fast (no
report is rendered)."""

from __future__ import annotations

import hashlib
import json
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from handmade import load

from parlib.build.datapackage import field_type, make_datapackage, table_schema
from parlib.build.outputs import (
    _clean,
    get_coherence_figures,
    get_figures,
    get_level_year,
    get_processed_tables,
    get_robustness_figures,
    get_robustness_tables,
    save_processed,
    without_float_noise,
    write_json,
)
from parlib.model.analysis import analyse
from parlib.model.coherence import Coherence
from parlib.model.robustness import NoiseSpec, RankUncertainty


def test_clean_makes_json_safe_stable_values():
    value = {
        1: float("nan"),
        "a": (1, 2.0000001, [np.float64(0.1) + np.float64(0.2)]),
        "b": None,
        "c": pd.NA,
        "d": np.int64(3),
        "e": np.float64("nan"),
        "f": "s",
        "g": -0.0000001,
        "h": np.bool_(True),
        "i": 1.23456749,
    }
    got = _clean(value)
    assert got == {
        "1": None,
        "a": [1, 2.0, [0.3]],
        "b": None,
        "c": None,
        "d": 3,
        "e": None,
        "f": "s",
        "g": 0.0,
        "h": True,
        "i": 1.234567,
    }
    assert type(got["d"]) is int and type(got["h"]) is bool
    assert math.copysign(1.0, got["g"]) == 1.0  # no "-0.0" in figures.json
    assert json.dumps(got, allow_nan=False)


def _two_years(year: int):
    return analyse(load("two-years"), year)


def test_a_level_of_a_year_with_a_previous_year():
    """two-years 2023 against 2022 (dataset.yml: VHTTDL 62 + 27,5 = 89,50, +9,50, rank 2 → 1; Ban Dân
    tộc new; Sở Ngoại vụ missing; Sở Du lịch merged; mean 70 → 79,625)."""
    a = _two_years(2023)
    la = a.level("departments")
    doc = _clean(get_level_year(la, a.dataset.units()))
    units = {u["unit_id"]: u for u in doc["units"]}
    assert [u["unit_id"] for u in doc["units"]] == ["so-vh", "so-gtvt", "ban-dt", "so-khcn"]
    assert units["so-vh"] == {
        "unit_id": "so-vh",
        "name_vi": "Sở Văn hóa, Thể thao và Du lịch",
        "name_en": "Department of Culture, Sports and Tourism",
        "total": 89.5,
        "pct": 89.5,
        "rank": 1,
        "band": "tot",
        "appraised": 62.0,
        "survey": 27.5,
        "self_assessed": None,
        "provenance": "illustrative",
        "change": 9.5,
        "rank_change": 1,
        "status_vs_previous": "both",
    }
    assert (units["so-gtvt"]["change"], units["so-gtvt"]["rank_change"]) == (-2.0, -1)
    assert (units["ban-dt"]["change"], units["ban-dt"]["rank_change"], units["ban-dt"]["status_vs_previous"]) == (
        None,
        None,
        "new",
    )
    assert (doc["level"], doc["methodology"], doc["max_total"], doc["decimals"]) == ("departments", "m2", 100.0, 2)
    assert doc["granularity"] == "components"
    assert doc["summary"]["mean"] == 79.625 and doc["summary"]["n_units"] == 4
    assert doc["previous_year"] == 2022
    assert doc["previous_summary"]["mean"] == 70.0 and doc["previous_summary"]["n_units"] == 5
    assert doc["mean_change"] == 9.625
    assert doc["change_counts"]["new"] == 1 and doc["change_counts"]["missing"] == 2
    assert doc["movers"] == {
        "up": [
            {"unit_id": "so-vh", "change": 9.5, "rank_change": 1},
            {"unit_id": "so-khcn", "change": 6.0, "rank_change": 0},
        ],
        "down": [{"unit_id": "so-gtvt", "change": -2.0, "rank_change": -1}],
    }
    assert sorted(doc["missing_units"]) == ["so-dl", "so-ngv"]  # missing, and merged into VHTTDL
    assert doc["new_units"] == ["ban-dt"]
    assert doc["coherence"] == {"computed": False, "reason": "no_fields"}
    assert doc["robustness"]["computed"] is True


def test_a_level_of_the_first_year_has_no_comparison():
    a = _two_years(2022)
    doc = _clean(get_level_year(a.level("departments"), a.dataset.units()))
    for key in (
        "previous_year",
        "previous_summary",
        "mean_change",
        "change_counts",
        "movers",
        "missing_units",
        "new_units",
    ):
        assert key not in doc
    assert {(u["change"], u["rank_change"], u["status_vs_previous"]) for u in doc["units"]} == {(None, None, None)}
    assert {u["unit_id"]: u["total"] for u in doc["units"]} == {
        "so-gtvt": 90.0,
        "so-vh": 80.0,
        "so-ngv": 70.0,
        "so-kh": 60.0,
        "so-dl": 50.0,
    }


def _ru() -> RankUncertainty:
    spec = NoiseSpec(draws=10, seed=7, weights=0.1, survey=0.2, rounding=False, sensitivity_draws=5)
    return RankUncertainty(
        kind="fields",
        spec=spec,
        varied={"weights": 0.1},
        not_varied={"survey": "no_survey", "rounding": "off"},
        units=pd.DataFrame({"unit_id": ["a", "b"], "p5": [1, 1], "p95": [1, 2]}),
        level={"n_units": 2, "wide": 3, "kind": "fields", "draws": 10, "seed": 7, "varied": {}, "not_varied": {}},
        groups=pd.DataFrame({"group": [1], "unit_ids": ["a|b"]}),
        sensitivity=pd.DataFrame({"input": ["weights"], "first_order": [0.5], "total_effect": [0.75]}),
        survey_max_assumed=True,
        survey_share=0.3,
    )


def test_robustness_figures_say_what_varied_and_each_unit_s_interval():
    assert get_robustness_figures(None, "partial") == {"computed": False, "reason": "partial"}
    assert get_robustness_figures(None) == {"computed": False, "reason": ""}
    assert get_robustness_figures(_ru()) == {
        "computed": True,
        "reason": "",
        "kind": "fields",
        "draws": 10,
        "seed": 7,
        "noise": {"weights": 0.1, "survey": 0.2, "rounding": False, "sensitivity_draws": 5},
        "varied": {"weights": 0.1},
        "not_varied": {"survey": "no_survey", "rounding": "off"},
        "survey_share": 0.3,
        "survey_max_assumed": True,
        "level": {"n_units": 2, "wide": 3},  # the options are said once, above
        "units": [{"unit_id": "a", "p5": 1, "p95": 1}, {"unit_id": "b", "p5": 1, "p95": 2}],
        "groups": [{"group": 1, "unit_ids": "a|b"}],
        "sensitivity": [{"input": "weights", "first_order": 0.5, "total_effect": 0.75}],
    }


def _coherence(reason: str = "") -> Coherence:
    fields = ["f1", "f2"]
    return Coherence(
        reason=reason,
        n_units=5,
        n_fields=2,
        correlations=pd.DataFrame([[1.0, 0.4], [0.6, 1.0]], index=fields, columns=fields),  # not symmetric: row, column
        field_vs_rest=pd.Series({"f1": 0.2, "f2": 0.3}),
        alpha=0.8,
        field_stats=pd.DataFrame({"field_id": fields, "sd": [1.5, 2.5]}),
        unit_outliers=pd.DataFrame({"unit_id": ["u1"], "field_id": ["f2"], "z": [4.0]}),
    )


def test_coherence_figures_or_why_there_are_none():
    assert get_coherence_figures(None) == {"computed": False, "reason": "no_fields"}
    assert get_coherence_figures(_coherence("too_few_units")) == {"computed": False, "reason": "too_few_units"}
    assert get_coherence_figures(_coherence()) == {
        "computed": True,
        "reason": "",
        "n_units": 5,
        "n_fields": 2,
        "cronbach_alpha": 0.8,
        "correlations": {"f1": {"f1": 1.0, "f2": 0.4}, "f2": {"f1": 0.6, "f2": 1.0}},
        "field_vs_rest": {"f1": 0.2, "f2": 0.3},
        "fields": [{"field_id": "f1", "sd": 1.5}, {"field_id": "f2", "sd": 2.5}],
        "unit_outliers": [{"unit_id": "u1", "field_id": "f2", "z": 4.0}],
    }


def test_figures_of_a_year_name_the_dataset_its_levels_and_the_checks():
    a = analyse(load("three-years"), 2023)
    checks = pd.DataFrame([{"id": "mean-2023", "printed": "72,14", "computed": 72.142857142, "match": True}])
    doc = get_figures(a, checks)
    assert set(doc) == {"dataset", "year", "illustrative", "dataset_folder", "levels", "published_figures"}
    assert (doc["dataset"], doc["year"], doc["illustrative"]) == ("three-years", 2023, True)
    assert doc["dataset_folder"] == "three-years"  # kept outside data/raw: built by its folder's name
    assert list(doc["levels"]) == ["districts", "departments"]
    assert doc["published_figures"] == [{"id": "mean-2023", "printed": "72,14", "computed": 72.142857, "match": True}]
    units = {u["unit_id"]: u for u in doc["levels"]["districts"]["units"]}
    assert (units["u-c"]["name_vi"], units["u-c"]["total"], units["u-c"]["change"]) == ("Phòng Gamma", 80.0, 10.0)
    assert json.dumps(doc, allow_nan=False)


def test_an_embedded_dataset_has_no_folder_name():
    from parlib.data.load import load_dataset

    doc = get_figures(analyse(load_dataset("vn-ministries"), 2022), pd.DataFrame())
    assert "dataset_folder" not in doc and doc["dataset"] == "vn-ministries" and doc["published_figures"] == []


def test_processed_tables_of_a_year_with_and_without_a_previous_year():
    a = _two_years(2023)
    tables = get_processed_tables(a)
    assert {"units", "fields", "year_on_year", "rank_uncertainty"} <= set(tables)
    yoy = tables["year_on_year"]
    assert sorted(yoy["unit_id"]) == sorted(["so-vh", "so-gtvt", "so-khcn", "ban-dt", "so-ngv", "so-dl"])
    assert set(yoy["level"]) == {"departments"} and set(yoy["year"]) == {2023}
    tables["units"].loc[:, "total"] = 0.0  # a copy: the analysis is not changed
    assert a.units["total"].max() == 89.5
    assert "year_on_year" not in get_processed_tables(_two_years(2022))


def _frame(**cols) -> pd.DataFrame:
    return pd.DataFrame(cols)


def test_processed_tables_gather_every_level_with_its_name_and_year():
    sw = _frame(unit_id=["u1"], field_id=["f1"], kind=["strength"])
    cuts = _frame(unit_id=["u1"], field_id=["f1"], cut=[1.5])
    changes = _frame(unit_id=["u1"], change=[2.0])
    units = _frame(unit_id=["u1", "u2"], total=[1.0, 2.0])
    fields = _frame(unit_id=["u1"], field_id=["f1"], points=[3.0])
    lv = {
        "a": SimpleNamespace(
            changes=changes, strengths_weaknesses=sw, appraisal_cuts=cuts, robustness=None, coherence=None
        ),
        "b": SimpleNamespace(
            changes=changes.assign(change=[3.0]),
            strengths_weaknesses=sw.assign(kind=["weakness"]),
            appraisal_cuts=cuts.assign(cut=[2.5]),
            robustness=None,
            coherence=None,
        ),
    }
    fake = SimpleNamespace(year=2023, units=units, fields=fields, levels=lv)
    tables = get_processed_tables(fake)
    assert set(tables) == {"units", "fields", "year_on_year", "strengths_weaknesses", "appraisal"}
    pd.testing.assert_frame_equal(tables["units"], units)
    pd.testing.assert_frame_equal(tables["fields"], fields)
    pd.testing.assert_frame_equal(
        tables["year_on_year"], _frame(unit_id=["u1", "u1"], change=[2.0, 3.0], level=["a", "b"], year=[2023, 2023])
    )
    pd.testing.assert_frame_equal(
        tables["strengths_weaknesses"],
        _frame(
            unit_id=["u1", "u1"],
            field_id=["f1", "f1"],
            kind=["strength", "weakness"],
            level=["a", "b"],
            year=[2023, 2023],
        ),
    )
    pd.testing.assert_frame_equal(
        tables["appraisal"],
        _frame(unit_id=["u1", "u1"], field_id=["f1", "f1"], cut=[1.5, 2.5], level=["a", "b"], year=[2023, 2023]),
    )
    none = {
        "changes": None,
        "strengths_weaknesses": None,
        "appraisal_cuts": None,
        "robustness": None,
        "coherence": None,
    }
    bare = SimpleNamespace(year=2023, units=units, fields=fields, levels={"a": SimpleNamespace(**none)})
    assert set(get_processed_tables(bare)) == {"units", "fields"}


def test_robustness_and_coherence_tables_year_and_level_first():
    ru, c = _ru(), _coherence()
    no_sens = RankUncertainty(**{**ru.__dict__, "sensitivity": pd.DataFrame(), "units": ru.units.iloc[:1]})
    lv = {
        "a": SimpleNamespace(robustness=ru, coherence=c),
        "b": SimpleNamespace(robustness=no_sens, coherence=_coherence("too_few_fields")),
        "c": SimpleNamespace(robustness=None, coherence=None),
    }
    out = get_robustness_tables(SimpleNamespace(year=2023, levels=lv))
    assert list(out) == [
        "rank_uncertainty",
        "rank_sensitivity",
        "field_coherence",
        "field_correlations",
        "field_outliers",
    ]
    pd.testing.assert_frame_equal(
        out["rank_uncertainty"],
        _frame(
            year=[2023] * 3,
            level=["a", "a", "b"],
            unit_id=["a", "b", "a"],
            p5=[1, 1, 1],
            p95=[1, 2, 1],
            draws=[10] * 3,
            seed=[7] * 3,
        ),
    )
    pd.testing.assert_frame_equal(
        out["rank_sensitivity"],
        _frame(
            year=[2023], level=["a"], input=["weights"], first_order=[0.5], total_effect=[0.75], draws=[5], seed=[7]
        ),
    )
    pd.testing.assert_frame_equal(
        out["field_coherence"],
        _frame(
            year=[2023, 2023],
            level=["a", "a"],
            field_id=["f1", "f2"],
            sd=[1.5, 2.5],
            field_vs_rest=[0.2, 0.3],
            cronbach_alpha=[0.8, 0.8],
        ),
    )
    pd.testing.assert_frame_equal(
        out["field_correlations"],
        _frame(
            year=[2023] * 4,
            level=["a"] * 4,
            field_a=["f1", "f2", "f1", "f2"],
            field_b=["f1", "f1", "f2", "f2"],
            spearman=[1.0, 0.6, 0.4, 1.0],  # column f1 (1.0 from f1, 0.6 from f2), then column f2
        ),
    )
    pd.testing.assert_frame_equal(
        out["field_outliers"], _frame(year=[2023], level=["a"], unit_id=["u1"], field_id=["f2"], z=[4.0])
    )
    # a level whose outlier table is empty adds no outlier table
    calm = Coherence(**{**c.__dict__, "unit_outliers": pd.DataFrame()})
    out = get_robustness_tables(
        SimpleNamespace(year=2023, levels={"a": SimpleNamespace(robustness=None, coherence=calm)})
    )
    assert list(out) == ["field_coherence", "field_correlations"]
    assert (
        get_robustness_tables(
            SimpleNamespace(year=2023, levels={"c": SimpleNamespace(robustness=None, coherence=None)})
        )
        == {}
    )


def test_write_json_is_sorted_utf8_with_a_final_newline(tmp_path):
    write_json(tmp_path / "x.json", {"b": "Bắc Kạn", "a": [1, None]})
    assert (tmp_path / "x.json").read_bytes() == '{\n  "a": [\n    1,\n    null\n  ],\n  "b": "Bắc Kạn"\n}\n'.encode()


def test_float_columns_lose_their_binary_noise_only():
    frame = _frame(x=[0.1 + 0.2, -0.0000001, 1.23456789], n=[1, 2, 3], s=["a", "b", "c"])
    out = without_float_noise(frame)
    assert out["x"].tolist() == [0.3, 0.0, 1.234568]
    assert math.copysign(1.0, out["x"].iloc[1]) == 1.0
    assert out["n"].dtype == frame["n"].dtype and out["s"].tolist() == ["a", "b", "c"]
    assert without_float_noise(frame, 2)["x"].tolist() == [0.3, 0.0, 1.23]
    assert frame["x"].iloc[0] != 0.3  # the frame given is not changed
    ints = _frame(n=[1, 2])
    assert without_float_noise(ints) is ints


def test_save_processed_writes_each_table_as_csv_in_name_order(tmp_path):
    folder = tmp_path / "a" / "b"
    paths = save_processed({"units": _frame(x=[86.91999999999999], s=["Bắc"]), "fields": _frame(n=[1, 2])}, folder)
    assert paths == [folder / "fields.csv", folder / "units.csv"]
    assert (folder / "units.csv").read_bytes() == "x,s\n86.92,Bắc\n".encode()
    assert (folder / "fields.csv").read_bytes() == b"n\n1\n2\n"


@pytest.mark.parametrize("year", [2022, 2023])
def test_figures_json_is_valid_json_without_nan(year):
    doc = get_figures(_two_years(year), pd.DataFrame())
    assert json.loads(json.dumps(doc, allow_nan=False)) == doc


def test_a_year_is_illustrative_by_its_own_tables(tmp_path):
    """two-years with its 2022 table from a published source and its 2023 table illustrative: each
    year's figures.json says so of that year alone."""
    from handmade import load_unverified, variant

    source = (
        "  - id: paper\n    title: A printed table\n    url: https://example.invalid/paper\n    publisher: parlib tests\n"
        '    date_published: "2023-03-01"\n    date_accessed: "2024-03-01"\n    provenance: published\n'
    )
    folder = variant(
        tmp_path,
        "two-years",
        yml=[
            ("years:\n", source + "years:\n"),
            ("2022/ket-qua-2022.csv\n        level: departments\n        methodology: m2\n        source: hand",
             "2022/ket-qua-2022.csv\n        level: departments\n        methodology: m2\n        source: paper"),
        ],
    )  # fmt: skip
    ds = load_unverified(folder)
    assert [ds.is_illustrative(y) for y in (2022, 2023)] == [False, True]
    assert get_figures(analyse(ds, 2022), pd.DataFrame())["illustrative"] is False
    assert get_figures(analyse(ds, 2023), pd.DataFrame())["illustrative"] is True


def test_field_types_as_pandas_writes_each_column():
    assert field_type(pd.Series([True, False])) == "boolean"
    assert field_type(pd.Series([1, 2])) == "integer"
    assert field_type(pd.Series([1.5, None])) == "number"
    assert field_type(pd.Series([True, None, False], dtype=object)) == "boolean"  # a flag with a gap
    assert field_type(pd.Series([True, "x"], dtype=object)) == "string"
    assert field_type(pd.Series(["a", None])) == "string"
    assert field_type(pd.Series([], dtype=object)) == "string"  # nothing says it is a flag


def test_a_table_schema_types_and_describes_every_column():
    frame = pd.DataFrame(
        {
            "year": [2023, 2023],
            "total": [81.5, 77.25],
            "printed_rank": [None, None],  # no value: typed by its unit (rank), a number
            "printed_band": pd.Series([None, None], dtype=object),  # no value and no unit: text
            "mystery": ["a", "b"],
        }
    )
    assert table_schema(frame) == {
        "fields": [
            {"name": "year", "type": "integer", "description": "Year of the index / Năm đánh giá",
             "description_vi": "Năm đánh giá", "unit": "year"},
            {"name": "total", "type": "number", "description": "Total points / Tổng điểm",
             "description_vi": "Tổng điểm", "unit": "points"},
            {"name": "printed_rank", "type": "number",
             "description": "Rank as printed, if any / Thứ hạng như in (nếu có)",
             "description_vi": "Thứ hạng như in (nếu có)", "unit": "rank"},
            {"name": "printed_band", "type": "string",
             "description": "Band as printed, if any / Xếp loại như in (nếu có)",
             "description_vi": "Xếp loại như in (nếu có)"},
            {"name": "mystery", "type": "string", "description": "(not described yet) / (chưa có mô tả)",
             "description_vi": "(chưa có mô tả)"},
        ],
        "missingValues": [""],
    }  # fmt: skip


@pytest.mark.parametrize("illustrative", [False, True])
def test_a_datapackage_lists_each_table_written_with_its_hash_size_and_schema(tmp_path, illustrative):
    units = pd.DataFrame({"unit_id": ["a"], "total": [81.5]})
    other = pd.DataFrame({"kind": ["strength"]})
    (tmp_path / "units.csv").write_bytes(b"unit_id,total\na,81.5\n")
    (tmp_path / "zz_extra.csv").write_bytes(b"kind\nstrength\n")
    package = make_datapackage(
        "Demo",
        {"en": "Demo index", "vi": "Chỉ số thử"},
        2023,
        [{"title": "Report 2023", "path": "sources/report.pdf", "note": "left out"}],
        {"zz_extra": other, "units": units},
        tmp_path,
        illustrative,
    )
    note = " ILLUSTRATIVE: some rows are made up (see the dataset's dataset.yml), not published figures."
    described = "One row per unit: scores as loaded, total, % of maximum, rank and band."
    described_vi = "Mỗi dòng một đơn vị: điểm như đã nhập, tổng điểm, % điểm tối đa, thứ hạng và xếp loại."

    def resource(name, path, title, description, description_vi, data, frame):
        return {
            "name": name, "path": path, "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "title": title, "description": description,
            "description_vi": description_vi, "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            "bytes": len(data), "schema": table_schema(frame),
        }  # fmt: skip

    assert package == {
        "profile": "tabular-data-package",
        "name": "parlib-demo-2023",
        "title": "Demo index — 2023",
        "description": f"Tidy tables computed by parlib from the Demo dataset for 2023.{note if illustrative else ''}"
        " / Chỉ số thử — 2023: bảng dữ liệu do parlib tính.",
        "sources": [{"title": "Report 2023", "path": "sources/report.pdf"}],
        "resources": [
            resource("units", "units.csv", described, f"{described} / {described_vi}", described_vi,
                     b"unit_id,total\na,81.5\n", units),
            resource("zz-extra", "zz_extra.csv", "(not described yet)", "(not described yet) / (chưa có mô tả)",
                     "(chưa có mô tả)", b"kind\nstrength\n", other),
        ],
    }  # fmt: skip
