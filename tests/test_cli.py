"""The `parlib` command: check, validate and build, with their exit codes."""

import json
import subprocess
import sys

import pytest
from handmade import DATA, variant

import parlib.build.runner
from parlib.cli import main
from parlib.data.dataset import EMBEDDED_ROOT


def test_check_ministries_exit_0(capsys):
    assert main(["check", "vn-ministries"]) == 0
    out = capsys.readouterr().out
    assert "vn-ministries: 9 match, 0 differ, 2 cannot be checked" in out
    assert "84,38" in out and "14/17" in out


def test_check_one_year(capsys):
    assert main(["check", "vn-ministries", "--year", "2022"]) == 0
    out = capsys.readouterr().out
    assert "top-2022" in out and "mean-index-2023" not in out


def test_check_as_a_process():
    r = subprocess.run([sys.executable, "-m", "parlib", "check", "vn-ministries"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_check_mismatch_exit_1(tmp_path, capsys):
    p = variant(tmp_path, "two-years", edits={"published.yml": [('printed: "79,625"', 'printed: "79,626"')]})
    assert main(["check", str(p)]) == 1
    out = capsys.readouterr().out
    assert "mean-total" in out and "NO" in out and "23 match, 1 differ, 0 cannot be checked" in out


def test_validate_handmade_and_embedded(capsys):
    assert main(["validate", str(DATA / "criteria-long")]) == 0
    out = capsys.readouterr().out
    assert "criteria-long: valid" in out and "granularity criteria" in out
    assert main(["validate", str(EMBEDDED_ROOT / "vn-ministries")]) == 0
    out = capsys.readouterr().out
    assert "2022 ministries: 7 units, granularity totals" in out
    assert "2023 ministries: 17 units, granularity components" in out


def test_validate_bad_input_exit_2_one_line(tmp_path, capsys):
    p = variant(tmp_path, "totals-vi", edits={"2023/bang-diem-2023.csv": [("Sở Nội vụ", "Sở Nội Vụ Tỉnh")]})
    assert main(["validate", str(p)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("parlib: error:") and "has changed" in err and "\n" not in err


def test_validate_unknown_dataset_exit_2(capsys):
    assert main(["validate", "no-such-dataset"]) == 2
    assert "no dataset" in capsys.readouterr().err


def test_build_no_report(tmp_path, monkeypatch):
    monkeypatch.setattr(parlib.build.runner, "PROCESSED_ROOT", tmp_path / "processed")
    assert main(["build", str(DATA / "two-years"), "--no-report", "--out", str(tmp_path / "out")]) == 0
    doc = json.loads((tmp_path / "out/two-years/2023/figures.json").read_text(encoding="utf-8"))
    lv = doc["levels"]["departments"]
    assert lv["summary"]["mean"] == pytest.approx(79.625)
    assert lv["mean_change"] == pytest.approx(9.625)
    assert sorted(lv["missing_units"]) == ["so-dl", "so-ngv"] and lv["new_units"] == ["ban-dt"]
    assert [u["unit_id"] for u in lv["units"]] == ["so-vh", "so-gtvt", "ban-dt", "so-khcn"]
    assert doc["illustrative"] is True
    assert all(f["match"] for f in doc["published_figures"])
    assert (tmp_path / "processed/two-years/2023/year_on_year.csv").is_file()
    assert (tmp_path / "processed/two-years/2022/units.csv").is_file()


def test_docs_example_dataset_validates_and_checks(capsys):
    example = EMBEDDED_ROOT.parents[1] / "docs" / "example-dataset"
    assert main(["validate", str(example)]) == 0
    assert "example-province: valid" in capsys.readouterr().out
    assert main(["check", str(example)]) == 0
    out = capsys.readouterr().out
    assert "5 match, 0 differ, 0 cannot be checked" in out and "illustrative" in out


def test_robustness_prints_each_ministrys_interval(capsys):
    assert main(["robustness", "vn-ministries", "--year", "2023", "--draws", "300"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("  Bộ ") or line.startswith("  Ngân hàng")]
    assert len(rows) == 17
    for line in rows:  # rank, median and a 5–95 % interval "a-b" that holds the median
        cells = line.split()
        interval = next(c for c in cells if "-" in c and c.replace("-", "").isdigit())
        lo, hi = map(int, interval.split("-"))
        assert 1 <= lo <= hi <= 17
    assert "300 draws, seed 2024" in out and "weights (no fields)" in out
    assert "the survey's maximum is not given" in out  # its share is assumed, and said so
    # the seed fixes every number; another seed gives other draws
    assert main(["robustness", "vn-ministries", "--year", "2023", "--draws", "300"]) == 0
    assert capsys.readouterr().out == out


def test_robustness_of_a_partial_year_says_why(capsys):
    assert main(["robustness", "vn-ministries", "--year", "2022"]) == 0
    assert "not computed: the publisher printed only some units" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--draws", "0"], "draws must be a whole number of 1 or more"),
        (["--weights", "1.5"], "weights must be at least 0 and below 1"),
        (["--year", "1999"], "has no year 1999"),
    ],
)
def test_robustness_bad_options_exit_2_one_line(argv, message, capsys):
    assert main(["robustness", "vn-ministries", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
