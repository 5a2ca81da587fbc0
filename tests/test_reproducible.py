"""Issue 4: manifests, `parlib verify`, checksums of raw files, incremental builds.

These tests build without the notebook report (tables, figures.json, manifest) so that they stay
fast; tests/test_determinism.py builds whole reports twice and compares every byte.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def parlib(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "parlib", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def build(dataset: str | Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return parlib(
        "build",
        str(dataset),
        "--year",
        "2023",
        "--no-report",
        "--out",
        str(out / "out"),
        "--processed",
        str(out / "processed"),
        *extra,
    )


@pytest.fixture
def backan_copy(tmp_path: Path) -> Path:
    """A private copy of the embedded backan dataset, which tests may edit (data/raw is read-only)."""
    dst = tmp_path / "backan-copy"
    shutil.copytree(ROOT / "data" / "raw" / "backan", dst)
    return dst


def test_manifest_records_inputs_outputs_environment_and_no_clock(tmp_path):
    r = build("vn-ministries", tmp_path)
    assert r.returncode == 0, r.stderr
    m = json.loads((tmp_path / "out" / "vn-ministries" / "2023" / "manifest.json").read_text(encoding="utf-8"))
    assert "data/raw/vn-ministries/2023/par-index-2023-ministries.csv" in m["inputs"]
    assert "data/raw/vn-ministries/dataset.yml" in m["inputs"]
    assert "parlib/model/scoring.py" in m["inputs"]
    # sha256 recorded in dataset.yml for the raw table, by hand, equals the manifest's
    assert (
        m["inputs"]["data/raw/vn-ministries/2023/par-index-2023-ministries.csv"]
        == "f532002cb703badc6f51f1fca1e16c2d9fe0e896f6681b055f71168713a75e45"
    )
    assert set(m["outputs"]) >= {"report/figures.json", "processed/units.csv"}
    assert m["environment"]["python"].startswith("3.11")
    assert m["environment"]["packages"]["pandas"]
    assert m["parameters"] == {"langs": [], "report": False}  # the report languages present: none
    # No wall-clock field: exactly these keys, no date-time text anywhere, and the one timestamp is
    # the dataset's publication date (dataset.yml), never the build's time.
    assert set(m) == {
        "manifest_version",
        "dataset",
        "dataset_path",
        "year",
        "parameters",
        "source_date_epoch",
        "inputs",
        "outputs",
        "processed_dir",
        "environment",
        "git",
    }
    # issue 11: the lock, pyproject.toml and the generator of illustrative rows are inputs too
    assert {"requirements.lock", "pyproject.toml", "scripts/make_backan_illustrative.py"} <= set(m["inputs"])
    assert set(m["environment"]["system_libraries"]) == {"pango", "harfbuzz", "fontconfig"}
    assert all(m["environment"]["system_libraries"].values())
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    fonts = {f["file"]: f for f in m["environment"]["fonts"]}
    assert fonts[dejavu.as_posix()]["sha256"] == hashlib.sha256(dejavu.read_bytes()).hexdigest()
    assert fonts[dejavu.as_posix()]["version"].startswith("Version 2.")
    assert set(m["git"]) == {"commit", "clean"}
    manifest = tmp_path / "out" / "vn-ministries" / "2023" / "manifest.json"
    assert (manifest.parent / "manifest.json.sha256").read_text(
        encoding="utf-8"
    ) == f"{hashlib.sha256(manifest.read_bytes()).hexdigest()}  manifest.json\n"
    text = json.dumps(m)
    assert not re.search(r"\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}", text)
    published = yaml.safe_load((ROOT / "data" / "raw" / "vn-ministries" / "dataset.yml").read_text(encoding="utf-8"))
    y, mo, d = (int(x) for x in str(published["date_published"]).split("-"))
    assert m["source_date_epoch"] == calendar.timegm((y, mo, d, 0, 0, 0))

    def numbers(v):
        if isinstance(v, dict):
            return [n for x in v.values() for n in numbers(x)]
        return [v] if isinstance(v, (int, float)) and not isinstance(v, bool) else []

    # apart from the publication date, no number that could be a timestamp (2001 to 2033)
    assert [n for n in numbers(m) if 1e9 <= n < 2e9] == [m["source_date_epoch"]]


def test_verify_ok_on_untouched_build(tmp_path):
    assert build("vn-ministries", tmp_path).returncode == 0
    r = parlib("verify", str(tmp_path / "out" / "vn-ministries" / "2023" / "manifest.json"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[-1].startswith("OK")


def test_verify_detects_tampered_output(tmp_path):
    assert build("vn-ministries", tmp_path).returncode == 0
    fig = tmp_path / "out" / "vn-ministries" / "2023" / "figures.json"
    fig.write_text(fig.read_text(encoding="utf-8").replace("89.95", "99.95"), encoding="utf-8")
    r = parlib("verify", str(fig.parent / "manifest.json"))
    assert r.returncode == 5
    out = r.stdout.split("rebuild:")
    assert "differs: report/figures.json" in out[0]
    assert re.search(r"all \d+ outputs rebuilt byte for byte", out[1])  # the rebuild itself matches the manifest
    assert r.stdout.splitlines()[-1] == "outputs differ: on disk: report/figures.json"


def test_verify_detects_changed_input(tmp_path, backan_copy):
    assert build(backan_copy, tmp_path).returncode == 0
    raw = backan_copy / "2023" / "districts.csv"
    raw.write_text(raw.read_text(encoding="utf-8").replace("12,071", "12,070"), encoding="utf-8")
    r = parlib("verify", str(tmp_path / "out" / "backan" / "2023" / "manifest.json"))
    assert r.returncode == 5, r.stdout + r.stderr
    assert (
        f"changed: {raw.as_posix()} (dataset.yml records another sha256: NOT recorded as a deliberate change)"
        in r.stdout
    )
    assert "notebook" not in r.stdout + r.stderr
    assert r.stdout.splitlines()[-1].startswith("outputs differ: rebuilt: ")
    assert "report/figures.json" in r.stdout.splitlines()[-1]


def test_edited_raw_file_stops_the_build(tmp_path, backan_copy):
    raw = backan_copy / "2023" / "departments.csv"
    raw.write_text(raw.read_text(encoding="utf-8").replace("95", "96", 1), encoding="utf-8")
    r = build(backan_copy, tmp_path)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr
    assert "departments.csv" in lines[0] and "changed" in lines[0] and "sha256" in lines[0]
    assert not (tmp_path / "out" / "backan" / "2023").exists()


def test_second_build_is_up_to_date_and_force_rebuilds(tmp_path):
    assert build("vn-ministries", tmp_path).returncode == 0
    fig = tmp_path / "out" / "vn-ministries" / "2023" / "figures.json"
    before = fig.stat().st_mtime_ns
    r = build("vn-ministries", tmp_path)
    assert r.returncode == 0 and "up to date" in r.stderr
    assert fig.stat().st_mtime_ns == before
    r = build("vn-ministries", tmp_path, "--force")
    assert r.returncode == 0 and "up to date" not in r.stderr
    assert fig.stat().st_mtime_ns != before


def test_tampered_output_is_rebuilt_not_skipped(tmp_path):
    assert build("vn-ministries", tmp_path).returncode == 0
    fig = tmp_path / "out" / "vn-ministries" / "2023" / "figures.json"
    original = fig.read_bytes()
    fig.write_bytes(b"{}")
    r = build("vn-ministries", tmp_path)
    assert "up to date" not in r.stderr
    assert fig.read_bytes() == original


def test_builds_into_two_folders_are_identical(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert build("backan", a).returncode == 0 and build("backan", b).returncode == 0
    for sub in (
        "out/backan/2023/figures.json",
        "processed/backan/2023/units.csv",
        "processed/backan/2023/fields.csv",
        "processed/backan/2023/year_on_year.csv",
    ):
        assert (a / sub).read_bytes() == (b / sub).read_bytes(), sub


def test_builds_never_write_raw_data(tmp_path):
    raw = ROOT / "data" / "raw"
    before = {p: p.read_bytes() for p in raw.rglob("*") if p.is_file()}
    assert build("backan", tmp_path).returncode == 0
    after = {p: p.read_bytes() for p in raw.rglob("*") if p.is_file()}
    assert before == after


def test_concurrent_builds_leave_one_whole_output(tmp_path):
    """Two builds of the same reports (notebook, HTML, PDF) started at once: the lock serialises
    them; the result is whole and verifies against its manifest."""
    cmd = [
        sys.executable,
        "-m",
        "parlib",
        "build",
        "vn-ministries",
        "--force",
        "--out",
        str(tmp_path / "out"),
        "--processed",
        str(tmp_path / "processed"),
    ]
    procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    for p in procs:
        p.communicate(timeout=600)
        assert p.returncode == 0
    for year in ("2022", "2023"):
        assert (tmp_path / "out" / "vn-ministries" / year / "report.vi.pdf").is_file()
        r = parlib("verify", str(tmp_path / "out" / "vn-ministries" / year / "manifest.json"))
        assert r.returncode == 0, r.stdout
    leftovers = [
        p.name
        for p in (tmp_path / "out" / "vn-ministries").iterdir()
        if p.name.startswith((".staging", ".old")) or p.name.endswith(".lock")
    ]
    assert leftovers == []


def test_failed_build_keeps_previous_outputs(tmp_path, backan_copy):
    """A data error past the checksum (the edit is recorded in dataset.yml, as a deliberate change
    would be): the build stops on the bad cell and the previous report stays as it was."""
    import hashlib

    assert build(backan_copy, tmp_path).returncode == 0
    report = tmp_path / "out" / "backan" / "2023"
    before = {p.name: p.read_bytes() for p in report.iterdir()}
    raw = backan_copy / "2023" / "districts.csv"
    old_sha = hashlib.sha256(raw.read_bytes()).hexdigest()
    raw.write_text(raw.read_text(encoding="utf-8").replace("12,071", "x"), encoding="utf-8")
    yml = backan_copy / "dataset.yml"
    yml.write_text(
        yml.read_text(encoding="utf-8").replace(old_sha, hashlib.sha256(raw.read_bytes()).hexdigest()), encoding="utf-8"
    )
    r = build(backan_copy, tmp_path, "--force")
    assert r.returncode == 2
    assert "districts.csv" in r.stderr and "'x' is missing or not a number" in r.stderr
    assert {p.name: p.read_bytes() for p in report.iterdir()} == before


def test_failed_report_keeps_previous_outputs_and_the_failed_notebook(tmp_path, monkeypatch, capsys):
    """A notebook that fails: the previous report stays whole, the failed notebook is kept in failed/,
    and the message says where."""
    from parlib.build import runner
    from parlib.data.load import load_dataset
    from parlib.model.analysis import analyse
    from parlib.report import render

    ds = load_dataset("vn-ministries")
    analysis = analyse(ds, 2023)
    out, proc = tmp_path / "out", tmp_path / "processed"
    runner.build_year(analysis, ["vi"], out, proc, report=False, force=True)
    report = out / "vn-ministries" / "2023"
    before = {p.name: p.read_bytes() for p in report.iterdir()}

    def failing_render(ds, year, lang, out_dir, analysis=None):
        (out_dir / f"report.{lang}.ipynb").write_text('{"cells": []}', encoding="utf-8")
        raise render.ReportError("report vn-ministries 2023 vi: notebook cell 'setup' failed: ValueError: boom")

    monkeypatch.setattr(render, "render_report", failing_render)
    with pytest.raises(
        render.ReportError, match=r"cell 'setup' failed: ValueError: boom — the failed notebook is kept in .*failed"
    ):
        runner.build_year(analysis, ["vi"], out, proc, report=True, force=True)
    after = {p.name: p.read_bytes() for p in report.iterdir() if p.is_file()}
    assert after == before
    assert (report / "failed" / "report.vi.ipynb").read_text(encoding="utf-8") == '{"cells": []}'
    assert [p.name for p in report.parent.iterdir() if p.name.startswith(".staging") or p.name.endswith(".lock")] == []
    # the kept notebook is not an output: the untouched report still verifies against its manifest
    assert parlib("verify", str(report / "manifest.json")).returncode == 0


def test_interrupted_build_keeps_previous_outputs(tmp_path):
    """Ctrl-C while the notebook runs: exit 130, the previous report untouched, no staging left."""
    import signal
    import time

    out = ["--out", str(tmp_path / "out"), "--processed", str(tmp_path / "processed")]
    r = parlib("build", "vn-ministries", "--year", "2023", *out)
    assert r.returncode == 0, r.stderr
    report = tmp_path / "out" / "vn-ministries" / "2023"
    before = {p.name: p.read_bytes() for p in report.iterdir()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "parlib", "build", "vn-ministries", "--year", "2023", "--force", *out],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(
        p.name.startswith("report.vi.ipynb") for p in report.parent.glob(".staging-*/*")
    ):
        time.sleep(0.05)  # wait until the notebook is being executed into the staging folder
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    # the partly executed notebook may be kept in failed/ for debugging, and the message then says so;
    # the report itself is untouched
    assert ("the notebook it was running is kept in" in err) == (report / "failed").is_dir(), err
    assert {p.name: p.read_bytes() for p in report.iterdir() if p.is_file()} == before
    assert [
        p.name for p in report.parent.iterdir() if p.name.startswith((".staging", ".old")) or p.name.endswith(".lock")
    ] == []
