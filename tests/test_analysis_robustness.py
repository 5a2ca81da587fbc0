"""The ranks' uncertainty and the fields' coherence are computed once, in the Analysis, and read
by figures.json and the processed tables (not recomputed by each view)."""

import json

import pandas as pd
from handmade import load

from parlib.build.outputs import get_figures, get_processed_tables
from parlib.data.load import load_dataset
from parlib.model.analysis import analyse
from parlib.model.robustness import NoiseSpec


def test_the_analysis_keeps_its_options_and_the_views_read_it():
    spec = NoiseSpec(draws=200, seed=5, sensitivity_draws=50)
    a = analyse(load("criteria-long"), 2023, noise=spec)
    la = a.level("departments")
    assert a.noise == spec and la.robustness is not None and la.robustness.spec == spec
    doc = json.loads(json.dumps(get_figures(a, pd.DataFrame())))
    rob = doc["levels"]["departments"]["robustness"]
    assert rob["computed"] and rob["draws"] == 200 and rob["seed"] == 5
    assert [u["unit_id"] for u in rob["units"]] == la.robustness.units["unit_id"].tolist()
    assert rob["units"][0]["p5"] == int(la.robustness.units["p5"].iloc[0])
    tables = get_processed_tables(a)
    assert tables["rank_uncertainty"]["unit_id"].tolist() == la.robustness.units["unit_id"].tolist()
    assert (tables["rank_uncertainty"]["seed"] == 5).all()


def test_a_partial_year_has_no_uncertainty_and_says_why():
    a = analyse(load_dataset("vn-ministries"), 2022)
    la = a.level("ministries")
    assert la.robustness is None and la.robustness_reason == "partial"
    doc = get_figures(a, pd.DataFrame())
    assert doc["levels"]["ministries"]["robustness"] == {"computed": False, "reason": "partial"}
    assert doc["levels"]["ministries"]["coherence"] == {"computed": False, "reason": "no_fields"}
    assert "rank_uncertainty" not in get_processed_tables(a)


def test_coherence_reaches_figures_json_where_fields_exist():
    a = analyse(load_dataset("backan"), 2023)
    doc = get_figures(a, pd.DataFrame())
    coh = doc["levels"]["departments"]["coherence"]
    assert coh["computed"] and coh["n_units"] == 19 and coh["n_fields"] == 8
    assert coh["correlations"]["f1"]["f1"] == 1.0
    assert round(coh["cronbach_alpha"], 6) == round(a.level("departments").coherence.alpha, 6)
