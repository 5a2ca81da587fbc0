"""The build at its edges (issue 15), on the hand-made three-year dataset, without rendering reports
(fast): `verify` with an output deleted and one added, a report that fails after its tables were
computed leaves the old tables and the old report, and the per-report lock serialises two builds
(made deterministic by holding the lock in the test)."""

from __future__ import annotations

import fcntl
import json
import threading
from pathlib import Path

import pytest
from handmade import load, load_unverified, variant

from parlib.build import runner
from parlib.build.manifest import MANIFEST, diff_hashes, display_path, resolve_display_path
from parlib.build.runner import build_year, report_lock
from parlib.build.verify import EXIT_OUTPUTS_DIFFER, verify
from parlib.model.analysis import analyse


@pytest.fixture
def a2023():  # function-scoped so that mutmut credits the analysis to each test
    return analyse(load("three-years"), 2023)


def _build(analysis, tmp_path: Path, **kw) -> Path:
    return build_year(
        analysis,
        ["vi"],
        tmp_path / "out",
        tmp_path / "proc",
        report=kw.pop("report", False),
        force=kw.pop("force", True),
    )


def _snapshot(*folders: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for f in folders for p in sorted(f.rglob("*")) if p.is_file()}


def test_build_writes_tables_figures_and_a_manifest_of_them(a2023, tmp_path):
    target = _build(a2023, tmp_path)
    assert target == tmp_path / "out" / "three-years" / "2023"
    proc = tmp_path / "proc" / "three-years" / "2023"
    m = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    # the tables and figures of this build (other tables, e.g. robustness, may be added beside them)
    assert {"processed/fields.csv", "processed/units.csv", "processed/year_on_year.csv", "report/figures.json"} <= set(
        m["outputs"]
    )
    assert all(k.startswith(("processed/", "report/")) and not k.endswith(MANIFEST) for k in m["outputs"])
    # no report rendered: no report language present (issue 11: langs lists the languages present)
    assert m["year"] == 2023 and m["parameters"] == {"langs": [], "report": False}
    assert m["dataset_path"] == "tests/data/three-years"
    assert resolve_display_path(m["processed_dir"]) == proc
    figures = json.loads((target / "figures.json").read_text(encoding="utf-8"))
    units = {u["unit_id"]: u for u in figures["levels"]["districts"]["units"]}
    assert units["u-c"]["change"] == 10.0 and units["u-c"]["rank"] == 3  # against 2022, by hand
    assert [f["match"] for f in figures["published_figures"]].count(False) == 0
    # the nine 2023 figures of published.yml and the printed rank column of the districts (7 of 7)
    assert sorted(f["id"] for f in figures["published_figures"]) == sorted(
        [
            "mean-2023",
            "at-least-80",
            "fair",
            "pct-75",
            "good",
            "gamma-change",
            "gamma-rank-change",
            "gamma-rank",
            "fall-2023-dep",
            "ranks-districts-2023",
        ]
    )
    ranks = next(f for f in figures["published_figures"] if f["id"] == "ranks-districts-2023")
    assert (ranks["printed"], ranks["computed"]) == ("7", "7")
    assert sorted(p.name for p in (target.parent).iterdir() if not p.name.startswith(".")) == ["2023"]
    assert not [p for p in tmp_path.rglob(".staging-*")]


def test_verify_ok_then_an_output_deleted_then_one_added(a2023, tmp_path, capsys):
    target = _build(a2023, tmp_path)
    assert verify(target / MANIFEST) == 0
    out = capsys.readouterr().out
    assert out.startswith("verify: three-years 2023") and out.splitlines()[-1].startswith("OK: ")

    def on_disk(out: str) -> list[str]:  # the lines of verify's "outputs on disk" section
        return [ln.strip() for ln in out.split("outputs on disk:\n")[1].split("rebuild:")[0].splitlines()]

    figures = target / "figures.json"
    saved = figures.read_bytes()
    figures.unlink()
    assert verify(target / MANIFEST) == EXIT_OUTPUTS_DIFFER
    out = capsys.readouterr().out
    assert on_disk(out) == ["missing: report/figures.json"]
    assert out.splitlines()[-1] == "outputs differ: on disk: report/figures.json"
    figures.write_bytes(saved)
    (target / "extra.txt").write_text("not built by parlib\n", encoding="utf-8")
    assert verify(target / MANIFEST) == EXIT_OUTPUTS_DIFFER
    out = capsys.readouterr().out
    assert on_disk(out) == ["extra: report/extra.txt"]
    (target / "extra.txt").unlink()
    proc_units = tmp_path / "proc" / "three-years" / "2023" / "units.csv"
    proc_units.write_bytes(proc_units.read_bytes() + b"x\n")
    assert verify(target / MANIFEST) == EXIT_OUTPUTS_DIFFER
    assert on_disk(capsys.readouterr().out) == ["differs: processed/units.csv"]


def test_diff_hashes_names_each_kind_of_difference():
    assert diff_hashes({"a": "1", "b": "2", "c": "3"}, {"a": "1", "b": "9", "d": "4"}) == [
        "differs: b",
        "missing: c",
        "extra: d",
    ]
    assert diff_hashes({"a": "1"}, {"a": "1"}) == []


def test_display_path_inside_and_outside_the_project(tmp_path):
    assert display_path(Path("tests/data/three-years").resolve()) == "tests/data/three-years"
    assert display_path(tmp_path) == tmp_path.as_posix()
    assert resolve_display_path(tmp_path.as_posix()) == tmp_path


def test_up_to_date_build_is_skipped_unless_forced(a2023, tmp_path, capsys):
    target = _build(a2023, tmp_path)
    before = _snapshot(target)
    (target / "figures.json").touch()
    _build(a2023, tmp_path, force=False)
    assert "up to date" in capsys.readouterr().err
    assert _snapshot(target) == before
    (target / "figures.json").write_text("{}", encoding="utf-8")  # tampered: no longer up to date
    _build(a2023, tmp_path, force=False)
    assert "up to date" not in capsys.readouterr().err
    assert _snapshot(target) == before


def test_a_report_failing_after_its_tables_leaves_old_tables_and_old_report(a2023, tmp_path, monkeypatch):
    """New data (Huyện Một 90 → 99) whose report fails to render: the tables it computed must not
    replace the old ones beside the old report, and the old report stays whole."""
    _build(a2023, tmp_path)
    out, proc = tmp_path / "out" / "three-years" / "2023", tmp_path / "proc" / "three-years" / "2023"
    before = _snapshot(out, proc)
    changed = variant(
        tmp_path / "v",
        "three-years",
        edits={
            "2023/districts-2023.csv": [
                ('Huyện Một,"90,00",1', 'Huyện Một,"99,00",1'),
                ('Huyện Hai,"90,00",1', 'Huyện Hai,"90,00",2'),
            ]
        },
    )
    new = analyse(load_unverified(changed), 2023)
    assert new.units.set_index("unit_id").loc["d1", "total"] == 99.0

    from parlib.report import render

    def failing_render(ds, year, lang, folder, analysis=None):
        (Path(folder) / f"report.{lang}.html").write_text("half", encoding="utf-8")
        raise RuntimeError("the report failed")

    monkeypatch.setattr(render, "render_report", failing_render)
    with pytest.raises(RuntimeError, match="the report failed"):
        _build(new, tmp_path, report=True)
    assert _snapshot(out, proc) == before
    assert not [p for p in tmp_path.rglob(".staging-*")]
    # the same data without a report builds, and replaces both
    _build(new, tmp_path)
    assert b"99.0" in (proc / "units.csv").read_bytes()


def test_the_lock_serialises_two_builds(a2023, tmp_path, monkeypatch):
    """The test holds the report's lock; a build of the same report must wait at the lock, writing
    nothing, until the test lets go; then it finishes."""
    reached, acquired = threading.Event(), threading.Event()
    real_flock = fcntl.flock
    builder: list[threading.Thread] = []

    def spy(fd, op):
        mine = threading.current_thread() in builder
        if mine and op == fcntl.LOCK_EX:
            reached.set()
        real_flock(fd, op)
        if mine and op == fcntl.LOCK_EX:
            acquired.set()

    target = tmp_path / "out" / "three-years" / "2023"
    errors: list[BaseException] = []

    def build():
        try:
            _build(a2023, tmp_path)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    with report_lock(target.parent, "2023"):
        monkeypatch.setattr(runner.fcntl, "flock", spy)
        t = threading.Thread(target=build)
        builder.append(t)
        t.start()
        assert reached.wait(120), "the build never asked for the report's lock"
        assert not acquired.wait(1.0), "the build went past a lock the test holds"
        assert not target.exists() and not list(tmp_path.rglob(".staging-*"))
    t.join(120)
    assert not t.is_alive() and not errors, errors
    assert acquired.is_set() and (target / MANIFEST).is_file()
    # the lock file is removed when the build ends: none is left behind (issues 11 and 13)
    assert not (target.parent / ".2023.lock").exists()


def _cli_build(folder: Path, tmp_path: Path, *extra: str) -> int:
    from parlib.cli import main

    return main(
        ["build", str(folder), "--no-report", "--out", str(tmp_path / "out"), "--processed", str(tmp_path / "proc")]
        + list(extra)
    )


def test_an_up_to_date_year_is_not_analysed_again(tmp_path, monkeypatch, capsys):
    """Issue 14: a build with nothing changed reads each year's checks from the figures.json its
    manifest vouches for; it does not score and analyse the years again."""
    folder = variant(tmp_path, "three-years")
    assert _cli_build(folder, tmp_path) == 0
    capsys.readouterr()
    analysed: list[list[int]] = []
    real = runner.analyse_years
    monkeypatch.setattr(runner, "analyse_years", lambda ds, years, *a, **k: analysed.append(years) or real(ds, years))
    assert _cli_build(folder, tmp_path) == 0
    err = capsys.readouterr().err
    assert analysed == []
    assert [line for line in err.splitlines() if "up to date" in line] == [
        f"three-years {y}: up to date ({display_path(tmp_path / 'out' / 'three-years' / str(y))}); use --force to rebuild"
        for y in (2021, 2022, 2023)
    ]
    # one year's output changed: that year alone is analysed and built again
    (tmp_path / "out" / "three-years" / "2022" / "figures.json").write_text("{}", encoding="utf-8")
    assert _cli_build(folder, tmp_path) == 0
    assert analysed == [[2022]]
    # --force analyses every year
    assert _cli_build(folder, tmp_path, "--force") == 0
    assert analysed == [[2022], [2021, 2022, 2023]]


def test_an_up_to_date_year_built_with_mismatches_still_stops_the_build(tmp_path, capsys):
    """Built with --allow-mismatch, then asked again without it: the year is up to date, and its
    mismatch (read back from figures.json) still stops the build with exit 1 and the same lines."""
    folder = variant(tmp_path, "three-years")
    pub = folder / "published.yml"
    pub.write_text(pub.read_text(encoding="utf-8").replace('printed: "72,14"', 'printed: "72,15"'), encoding="utf-8")
    assert _cli_build(folder, tmp_path) == 1
    first = capsys.readouterr().err
    assert "published figure mean-2023 does not match: printed 72,15, computed 72,14" in first
    assert _cli_build(folder, tmp_path, "--allow-mismatch") == 0
    capsys.readouterr()
    assert _cli_build(folder, tmp_path) == 1
    again = capsys.readouterr().err
    mismatch_lines = [line for line in first.splitlines() if "does not match" in line]
    assert mismatch_lines and [line for line in again.splitlines() if "does not match" in line] == mismatch_lines
    assert "nothing was built" in again
