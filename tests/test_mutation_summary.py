"""scripts/mutation_summary.py counts mutmut's results per module and layer, from `mutmut results`
or from mutmut's .meta files; counts by hand on the listings below."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import mutation_mypy  # noqa: E402
import mutation_summary  # noqa: E402


def test_counts_per_module_and_layer_from_a_results_listing(tmp_path):
    listing = tmp_path / "mutation-results.txt"
    listing.write_text(
        "    parlib.data.xlsx.x_read__mutmut_1: killed\n"
        "    parlib.data.xlsx.x_read__mutmut_2: survived\n"
        "    parlib.data.xlsx.x_read__mutmut_3: not checked\n"
        "    parlib.data.text.x_f__mutmut_1: timeout\n"
        "    parlib.model.robustness.xǁNoiseSpecǁ__post_init____mutmut_1: no tests\n"
        "    parlib.model.robustness.x_g__mutmut_7: suspicious\n",
        encoding="utf-8",
    )
    rows = dict(mutation_summary.summary(mutation_summary.read_results(listing)))
    # xlsx: 3 made, 1 not run: 2 run, 1 killed, 1 survived → 50 %
    assert rows["parlib.data.xlsx"] == {
        "made": 3,
        "run": 2,
        "killed": 1,
        "survived": 1,
        "no tests": 0,
        "other": 0,
        "killed %": "50.0",
    }
    # the data layer: xlsx and text (a timeout is a kill): 3 run, 2 killed → 66,7 %
    assert rows["parlib.data (layer)"]["killed"] == 2 and rows["parlib.data (layer)"]["killed %"] == "66.7"
    # robustness: a class method's mutant is in its module; no tests and suspicious count as not killed
    assert rows["parlib.model.robustness"] == {
        "made": 2,
        "run": 2,
        "killed": 0,
        "survived": 0,
        "no tests": 1,
        "other": 1,
        "killed %": "0.0",
    }
    assert rows["total"]["made"] == 6 and rows["total"]["run"] == 5 and rows["total"]["killed"] == 2


def test_reads_mutmuts_meta_files_during_a_run(tmp_path):
    meta = tmp_path / "mutants" / "parlib" / "model" / "compare.py.meta"
    meta.parent.mkdir(parents=True)
    codes = {"parlib.model.compare.x_f__mutmut_1": 1, "parlib.model.compare.x_f__mutmut_2": 0}
    meta.write_text(json.dumps({"exit_code_by_key": {**codes, "parlib.model.compare.x_f__mutmut_3": None}}))
    assert mutation_summary.read_results(tmp_path / "mutants") == {
        "parlib.model.compare.x_f__mutmut_1": "killed",
        "parlib.model.compare.x_f__mutmut_2": "survived",
        "parlib.model.compare.x_f__mutmut_3": "not checked",
    }


def test_pending_names_only_the_mutants_not_run_and_a_whole_function_as_one_glob():
    results = {
        "parlib.data.numbers.x_a__mutmut_1": "killed",
        "parlib.data.numbers.x_a__mutmut_2": "not checked",
        "parlib.data.numbers.x_a__mutmut_10": "caught by type check",
        "parlib.data.numbers.x_b__mutmut_1": "not checked",
        "parlib.data.numbers.x_b__mutmut_2": "not checked",
        "parlib.data.text.x_c__mutmut_1": "not checked",
        "parlib.check.published.x_d__mutmut_1": "not checked",
    }
    got = mutation_summary.pending(results, ["parlib.data.numbers.*", "parlib.check.*"])
    assert got == [
        "parlib.check.published.x_d__mutmut_*",
        "parlib.data.numbers.x_a__mutmut_2",
        "parlib.data.numbers.x_b__mutmut_*",
    ]
    assert mutation_summary.pending(results, ["parlib.model.*"]) == ["parlib.model.*"]  # nothing made yet
    done = {k: "killed" for k in results}
    assert mutation_summary.pending(done, ["parlib.data.numbers.*", "parlib.check.*"]) == []


def test_the_type_check_drops_mutmuts_own_errors_and_keeps_the_modules_of_the_run():
    def line(file, code):
        return json.dumps({"file": file, "line": 3, "message": "m", "code": code, "severity": "error"})

    assert mutation_mypy.keep(line("parlib/data/numbers.py", "arg-type"))
    assert not mutation_mypy.keep(line("parlib/data/numbers.py", "unused-ignore"))
    assert not mutation_mypy.keep(line("parlib/data/yaml_io.py", "no-untyped-def"))
    assert not mutation_mypy.keep("  ")
    run = ["parlib.check.*", "parlib.data.numbers.*", "parlib.model.robustness.x\u01c1NoiseSpec\u01c1f__mutmut_*"]
    assert mutation_mypy.keep(line("parlib/check/published.py", "arg-type"), run)
    assert mutation_mypy.keep(line("parlib/data/numbers.py", "arg-type"), run)
    assert mutation_mypy.keep(line("parlib/model/robustness.py", "arg-type"), run)
    assert not mutation_mypy.keep(line("parlib/data/tables.py", "arg-type"), run)
    assert not mutation_mypy.keep(line("parlib/data/numbers2.py", "arg-type"), run)
    assert mutation_mypy.module_of("parlib/data/schema/__init__.py") == "parlib.data.schema"
    assert mutation_mypy.keep(line("parlib/data/schema/__init__.py", "arg-type"), ["parlib.data.schema.x_f__mutmut_2"])


def test_the_type_check_gives_mypy_only_the_modules_of_the_run(tmp_path):
    for f in ["__init__.py", "data/__init__.py", "data/numbers.py", "data/schema/__init__.py", "build/runner.py"]:
        (tmp_path / "parlib" / f).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "parlib" / f).write_text("")
    root = tmp_path / "parlib"
    command = mutation_mypy.mypy_command(["parlib.data.numbers.*", "parlib.data.schema.x_f__mutmut_2"], root)
    assert command[1:] == [
        "-m", "mypy", "--output", "json", "--no-warn-unused-configs",
        "-m", "parlib.data.numbers", "-m", "parlib.data.schema",
    ]  # fmt: skip
    command = mutation_mypy.mypy_command(["parlib.data.*"], root)
    assert command[6:] == ["-m", "parlib.data", "-m", "parlib.data.numbers", "-m", "parlib.data.schema"]
    assert mutation_mypy.mypy_command(None, root)[1:] == ["-m", "mypy", "--output", "json"]  # parlib, as configured
