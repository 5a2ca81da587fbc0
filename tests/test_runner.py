"""`parlib build`'s runner, function by function (issue 15: the mutation run of the build layer): the
output folder checks, moving a folder into place, the languages kept or rebuilt, the progress lines,
the failed notebooks, the command line's mistakes. Fast: reports are "rendered" by a stand-in that
writes two small files per language (the real rendering is tested in test_reproducible/test_audit)."""

from __future__ import annotations

import argparse
import hashlib
import json
import locale
import os
import pickle
from pathlib import Path
from types import SimpleNamespace

import pytest
from handmade import load, variant

from parlib.build import runner
from parlib.build.manifest import MANIFEST, read_manifest, write_manifest
from parlib.build.runner import (
    _JobProgress,
    _keep_failed_notebooks,
    _rel,
    build_year,
    build_years,
    check_output_folder,
    default_jobs,
    languages_present,
    replace_dir,
    report_mismatches,
    reusable_languages,
    run_build,
)
from parlib.errors import DataError
from parlib.model.analysis import analyse
from parlib.report.workers import PROCESSES_ENV, stop_pool


def test_an_output_folder_that_is_absent_or_a_folder_is_accepted(tmp_path, monkeypatch):
    assert check_output_folder(tmp_path / "a" / "b", "--out") == tmp_path / "a" / "b"
    assert not (tmp_path / "a").exists()  # made by the build when it writes, not here
    assert check_output_folder(tmp_path, "--out") == tmp_path
    monkeypatch.setenv("HOME", str(tmp_path))
    assert check_output_folder(Path("~/out"), "--processed") == tmp_path / "out"
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert check_output_folder(tmp_path / "link" / "x", "--out") == tmp_path / "real" / "x"


def test_an_output_folder_that_is_a_file_or_under_one_is_refused(tmp_path):
    f = tmp_path / "f.txt"
    f.write_text("x", encoding="utf-8")
    with pytest.raises(DataError) as e:
        check_output_folder(f, "--out")
    assert str(e.value) == f"--out '{f}' is a file, not a folder — give --out a folder (it is created if absent)"
    with pytest.raises(DataError) as e:
        check_output_folder(f / "sub" / "x", "--processed")
    assert str(e.value) == (
        f"--processed '{f}/sub/x' lies under '{f}', which is a file — give --processed a folder (it is created if absent)"
    )


def test_an_output_folder_in_a_symbolic_link_loop_is_refused(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(DataError) as e:
        check_output_folder(tmp_path / "a" / "x", "--out")
    assert str(e.value) == f"--out '{tmp_path}/a/x' cannot be resolved (a symbolic link loop?) — give --out a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_output_folder_without_permission_is_refused(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        with pytest.raises(DataError) as e:
            check_output_folder(locked / "x", "--out")
        assert str(e.value) == (
            f"--out '{locked}/x': no permission to write in '{locked}' — give --out a folder you can write to"
        )
    finally:
        locked.chmod(0o755)


def test_an_output_folder_without_permission_is_refused_as_seen_by_access(tmp_path, monkeypatch):
    """The same as above on a machine where the tests run as root (who may write anywhere): the
    folder's permission as os.access answers it."""
    locked = tmp_path / "locked"
    locked.mkdir()
    asked = []

    def access(path, mode):
        asked.append((Path(path), mode))
        return Path(path) != locked

    monkeypatch.setattr(runner.os, "access", access)
    with pytest.raises(DataError) as e:
        check_output_folder(locked / "x", "--out")
    assert str(e.value) == (
        f"--out '{locked}/x': no permission to write in '{locked}' — give --out a folder you can write to"
    )
    assert asked == [(locked, os.W_OK | os.X_OK)]  # the nearest existing folder only


def test_replace_dir_puts_the_staging_folder_in_place_whole(tmp_path):
    stage = tmp_path / "stage"
    stage.mkdir()
    (stage / "new.txt").write_text("new", encoding="utf-8")
    target = tmp_path / "deep" / "er" / "target"  # two folders that do not exist yet
    replace_dir(stage, target)
    assert sorted(p.name for p in target.iterdir()) == ["new.txt"] and not stage.exists()
    stage.mkdir()
    (stage / "newer.txt").write_text("newer", encoding="utf-8")
    replace_dir(stage, target)
    assert sorted(p.name for p in target.iterdir()) == ["newer.txt"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["target"]  # the old one is gone


def test_an_old_folder_that_cannot_be_removed_is_left_hidden_beside_the_target(tmp_path, monkeypatch):
    """The old target is moved aside into a hidden folder beside it (".old-target-…") before it is
    removed: if the removal does nothing, that is what is left, never a visible folder elsewhere."""
    stage, target = tmp_path / "stage", tmp_path / "out" / "target"
    target.mkdir(parents=True)
    (target / "old.txt").write_text("old", encoding="utf-8")
    stage.mkdir()
    (stage / "new.txt").write_text("new", encoding="utf-8")
    monkeypatch.setattr(runner.shutil, "rmtree", lambda path, **kw: None)
    replace_dir(stage, target)
    assert [p.name for p in target.iterdir()] == ["new.txt"]
    (left,) = [p for p in target.parent.iterdir() if p.name != "target"]
    assert left.name.startswith(".old-target-")
    assert [p.read_text(encoding="utf-8") for p in left.rglob("*.txt")] == ["old"]


def test_an_old_folder_whose_removal_fails_does_not_fail_the_replacement(tmp_path, monkeypatch):
    """The old copy gone before it is removed (as when another process took it): the new one is in
    place and nothing is raised."""
    stage, target = tmp_path / "stage", tmp_path / "target"
    target.mkdir()
    stage.mkdir()
    (stage / "new.txt").write_text("new", encoding="utf-8")
    real = runner.shutil.rmtree

    def gone_first(path, **kw):
        real(path)
        real(path, **kw)  # the folder no longer exists: an error unless errors are ignored

    monkeypatch.setattr(runner.shutil, "rmtree", gone_first)
    replace_dir(stage, target)
    assert [p.name for p in target.iterdir()] == ["new.txt"]


def test_a_quiet_build_year_names_no_output_folder(tmp_path, capsys):
    a = analyse(load("three-years"), 2023)
    _b(a, tmp_path, [], report=False, quiet=True)
    assert "written to" not in capsys.readouterr().err
    _b(a, tmp_path, [], report=False)
    assert "three-years 2023: written to " in capsys.readouterr().err


def test_report_mismatches_prints_each_then_the_count(capsys):
    ds = SimpleNamespace(id="tiny")
    figures = [
        {"id": "mean", "printed": "72,15", "computed": "72,14"},
        {"id": "rank-x", "printed": "3", "computed": None},
        {"id": "band", "printed": "Tốt", "computed": ""},
    ]
    report_mismatches(ds, 2023, figures, 5)
    assert capsys.readouterr().err.splitlines() == [
        "parlib: tiny 2023: published figure mean does not match: printed 72,15, computed 72,14",
        "parlib: tiny 2023: published figure rank-x does not match: printed 3, computed —",
        "parlib: tiny 2023: published figure band does not match: printed Tốt, computed —",
        "parlib: tiny 2023: 3 of 5 published figures do not match",
    ]


def test_default_jobs_is_the_cores_this_process_may_use(monkeypatch):
    monkeypatch.setattr(runner.os, "sched_getaffinity", lambda pid: {0, 2, 5}, raising=False)
    assert default_jobs() == 3
    monkeypatch.setattr(runner.os, "sched_getaffinity", lambda pid: set(), raising=False)
    assert default_jobs() == 1
    monkeypatch.delattr(runner.os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(runner.os, "cpu_count", lambda: 6)
    assert default_jobs() == 6
    monkeypatch.setattr(runner.os, "cpu_count", lambda: None)
    assert default_jobs() == 1


def test_languages_present_are_those_with_report_files(tmp_path):
    assert languages_present(tmp_path / "absent") == []
    for name in [
        "report.vi.pdf",
        "report.en.html",
        "report.vi.ipynb",
        "report.fr.txt",
        "report.VI.pdf",
        "old-report.de.pdf",
        "report.de.pdf.bak",
        "figures.json",
    ]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert languages_present(tmp_path) == ["en", "vi"]


def test_progress_lines_count_reports_written(capsys, monkeypatch):
    monkeypatch.setattr(runner.sys.stderr, "isatty", lambda: False, raising=False)
    p = _JobProgress(2)
    assert p.bar is None and (p.total, p.count) == (2, 0)
    p.done("tiny 2023 vi")
    p.grow(0)
    p.grow(-1)
    assert p.total == 2
    p.grow(2)
    p.skip(1)
    p.done("tiny 2023 en")
    p.close()
    assert capsys.readouterr().err.splitlines() == [
        "parlib: tiny 2023 vi: report written (1/2)",
        "parlib: tiny 2023 en: report written (3/4)",
    ]


def test_failed_notebooks_are_moved_to_failed(tmp_path):
    stage, failed = tmp_path / "stage", tmp_path / "t" / "failed"
    assert _keep_failed_notebooks(stage, failed) is None  # no staging folder
    stage.mkdir()
    (stage / "report.vi.html").write_text("h", encoding="utf-8")
    assert _keep_failed_notebooks(stage, failed) is None and not failed.exists()
    (stage / "report.vi.ipynb").write_text("vi", encoding="utf-8")
    (stage / "report.en.ipynb").write_text("en", encoding="utf-8")
    failed.mkdir(parents=True)
    (failed / "report.vi.ipynb").write_text("older", encoding="utf-8")
    assert _keep_failed_notebooks(stage, failed) == failed
    assert sorted(p.name for p in failed.iterdir()) == ["report.en.ipynb", "report.vi.ipynb"]
    assert (failed / "report.vi.ipynb").read_text(encoding="utf-8") == "vi"
    assert sorted(p.name for p in stage.iterdir()) == ["report.vi.html"]


def test_rel_is_relative_to_the_working_folder_when_inside_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _rel(tmp_path / "out" / "x") == "out/x"
    assert _rel(Path("/somewhere/else")) == "/somewhere/else"


# --- languages kept, rebuilt or removed (reports "rendered" by a stand-in) ---------------------------


@pytest.fixture
def fake_render(monkeypatch):
    """render_report replaced by one that writes report.<lang>.html and .pdf (bytes that depend on the
    language only), recording each call."""
    from parlib.report import render

    calls: list[str] = []

    def fake(ds, year, lang, folder, analysis=None):
        calls.append(lang)
        # the timestamp the renderer writes: the dataset's date (2024-03-01 for the hand-made ones), never the clock
        assert os.environ.get("SOURCE_DATE_EPOCH") == "1709251200"
        assert render.SHOW_PROGRESS is False  # the build's own progress line covers it
        for ext in ("html", "pdf"):
            (Path(folder) / f"report.{lang}.{ext}").write_text(f"{lang} {ext}\n", encoding="utf-8")

    monkeypatch.setattr(render, "render_report", fake)
    return calls


def _b(analysis, tmp_path, langs, **kw):
    return build_year(
        analysis,
        langs,
        tmp_path / "out",
        tmp_path / "proc",
        report=kw.pop("report", True),
        force=kw.pop("force", True),
        **kw,
    )


def test_one_language_after_the_other_keeps_both_unless_clean(tmp_path, fake_render, capsys):
    a = analyse(load("three-years"), 2023)
    target = _b(a, tmp_path, ["vi"])
    _b(a, tmp_path, ["en"])
    err = capsys.readouterr().err
    assert "three-years 2023: keeping report vi" in err.splitlines()
    assert fake_render == ["vi", "en"]
    assert languages_present(target) == ["en", "vi"]
    assert read_manifest(target / MANIFEST)["parameters"] == {"langs": ["en", "vi"], "report": True}
    proc = tmp_path / "proc" / "three-years" / "2023"
    assert reusable_languages(target, proc, a.dataset, ["vi"]) == (["en"], [])
    assert reusable_languages(target, proc, a.dataset, ["vi", "en"]) == ([], [])
    _b(a, tmp_path, ["en"], clean=True)
    assert languages_present(target) == ["en"]
    assert "keeping" not in capsys.readouterr().err


def test_a_language_whose_files_changed_is_rebuilt_or_removed(tmp_path, fake_render, capsys):
    a = analyse(load("three-years"), 2023)
    target = _b(a, tmp_path, ["vi", "en"])
    proc = tmp_path / "proc" / "three-years" / "2023"
    (target / "report.en.pdf").write_text("tampered\n", encoding="utf-8")
    assert reusable_languages(target, proc, a.dataset, ["vi"]) == ([], ["en"])
    fake_render.clear()
    capsys.readouterr()
    _b(a, tmp_path, ["vi"])
    assert sorted(fake_render) == ["en", "vi"]  # rebuilt too
    assert capsys.readouterr().err.splitlines()[0] == (
        "three-years 2023: report en was built from other inputs or environment (or changed since): rebuilding it too"
    )
    assert (target / "report.en.pdf").read_text(encoding="utf-8") == "en pdf\n"
    (target / "report.en.pdf").write_text("tampered\n", encoding="utf-8")
    _b(a, tmp_path, ["vi"], report=False)
    assert capsys.readouterr().err.splitlines()[0] == (
        "three-years 2023: report en was built from other inputs or environment (or changed since) and is removed; "
        "rebuild it with --lang"
    )
    assert languages_present(target) == ["vi"]  # no report asked for: the stale one is removed, vi kept


def test_a_report_file_in_a_subfolder_of_the_report_counts_for_its_language(tmp_path, fake_render):
    """An older copy of the English PDF left in report/old/, which the manifest does not list: en is
    stale, as for a file beside the others."""
    a = analyse(load("three-years"), 2023)
    target = _b(a, tmp_path, ["vi", "en"])
    (target / "old").mkdir()
    (target / "old" / "report.en.pdf").write_text("an older copy\n", encoding="utf-8")
    assert reusable_languages(target, tmp_path / "proc" / "three-years" / "2023", a.dataset, ["vi"]) == ([], ["en"])


def test_a_language_is_stale_when_inputs_environment_or_manifest_changed(tmp_path, fake_render, monkeypatch):
    a = analyse(load("three-years"), 2023)
    target = _b(a, tmp_path, ["vi", "en"])
    proc = tmp_path / "proc" / "three-years" / "2023"
    assert reusable_languages(target, proc, a.dataset, ["vi"]) == (["en"], [])
    assert reusable_languages(target, proc, a.dataset, []) == (["en", "vi"], [])
    m = read_manifest(target / MANIFEST)
    env, inputs = runner.get_environment(), runner.get_input_hashes(a.dataset)
    monkeypatch.setattr(runner, "get_environment", lambda: {**env, "python": "0"})
    assert reusable_languages(target, proc, a.dataset, ["vi"]) == ([], ["en"])
    monkeypatch.setattr(runner, "get_environment", lambda: env)
    monkeypatch.setattr(runner, "get_input_hashes", lambda ds: {**inputs, "new.csv": "0"})
    assert reusable_languages(target, proc, a.dataset, ["vi"]) == ([], ["en"])
    monkeypatch.setattr(runner, "get_input_hashes", lambda ds: inputs)
    # an en file the manifest does not list (another build's leftover): stale
    write_manifest(
        target / MANIFEST, {**m, "outputs": {k: v for k, v in m["outputs"].items() if "report.en.pdf" not in k}}
    )
    assert reusable_languages(target, proc, a.dataset, ["vi"]) == ([], ["en"])
    # the manifest lists en files that are gone
    write_manifest(target / MANIFEST, m)
    (target / "report.en.pdf").unlink()
    assert reusable_languages(target, proc, a.dataset, ["vi"]) == ([], ["en"])
    (target / MANIFEST).write_text("not json", encoding="utf-8")
    assert reusable_languages(target, proc, a.dataset, ["vi"]) == ([], ["en"])
    (target / MANIFEST).unlink()
    assert reusable_languages(target, proc, a.dataset, ["vi"]) == ([], ["en"])


def test_no_other_language_nothing_to_keep(tmp_path, fake_render):
    a = analyse(load("three-years"), 2023)
    target = _b(a, tmp_path, ["vi"])
    proc = tmp_path / "proc" / "three-years" / "2023"
    (target / MANIFEST).write_text("not json", encoding="utf-8")  # not even read: vi is asked for
    assert reusable_languages(target, proc, a.dataset, ["vi"]) == ([], [])
    assert reusable_languages(tmp_path / "none", proc, a.dataset, ["vi"]) == ([], [])


def test_the_manifest_of_a_report_build_names_its_languages_and_no_staging_is_left(tmp_path, fake_render):
    a = analyse(load("three-years"), 2023)
    target = _b(a, tmp_path, ["en", "vi"])
    m = read_manifest(target / MANIFEST)
    assert m["parameters"] == {"langs": ["en", "vi"], "report": True}
    assert {"report/report.en.html", "report/report.en.pdf", "report/report.vi.html", "report/report.vi.pdf"} <= set(
        m["outputs"]
    )
    assert m["processed_dir"] == (tmp_path / "proc" / "three-years" / "2023").as_posix()
    assert fake_render == ["en", "vi"]
    assert not list(tmp_path.rglob(".staging-*")) and not list(tmp_path.rglob(".old-*"))
    assert oct((tmp_path / "proc" / "three-years" / "2023").stat().st_mode & 0o777) == "0o755"
    assert oct(target.stat().st_mode & 0o777) == "0o755"
    from parlib.report import render

    assert render.SHOW_PROGRESS is True  # set back after rendering


def _handed(path: str | None) -> tuple[dict, object]:
    """What a hand-over file holds: its header line and the analysis."""
    assert path is not None
    folder = Path(path).parent
    assert folder.stat().st_mode & 0o777 == 0o700  # take_analysis reads only from such a folder
    line, _, pickled = Path(path).read_bytes().partition(b"\n")
    return json.loads(line), pickle.loads(pickled)


def test_a_report_rendered_in_the_build_process_is_handed_the_year_s_analysis(tmp_path, monkeypatch):
    """Each report of the year (here vi and en, --jobs 1) gets a file of its own holding the build's
    analysis, for its kernel; the folder is gone when the build ends."""
    from parlib.report import render

    handed: list[tuple[str, dict, object]] = []

    def fake(ds, year, lang, folder, analysis=None):
        handed.append((analysis, *_handed(analysis)))

    monkeypatch.setattr(render, "render_report", fake)
    a = analyse(load("three-years"), 2022)
    build_years([a], ["vi", "en"], tmp_path / "o", tmp_path / "p", report=True, force=True, jobs=1)
    assert len(handed) == 2 and handed[0][0] != handed[1][0]  # a kernel removes the file it reads
    for path, header, taken in handed:
        assert header == {"root": str(a.dataset.root), "year": 2022}
        assert (taken.year, taken.previous_year) == (2022, 2021) and taken.scores.units.equals(a.scores.units)
        assert not Path(path).parent.exists()


def test_the_hand_over_folder_goes_when_a_report_fails_and_a_build_without_reports_pickles_nothing(
    tmp_path, monkeypatch
):
    from parlib.report import kernel, render
    from parlib.report.render import ReportError

    paths: list[str] = []

    def failing(ds, year, lang, folder, analysis=None):
        paths.append(analysis)
        raise ReportError("cell 3 failed")

    monkeypatch.setattr(render, "render_report", failing)
    a = analyse(load("three-years"), 2023)
    with pytest.raises(ReportError):
        build_years([a], ["vi"], tmp_path / "o", tmp_path / "p", report=True, force=True, jobs=1, keep_failed=False)
    assert len(paths) == 1 and Path(paths[0]).name.endswith(".pickle")
    assert not Path(paths[0]).parent.exists()

    def no_pickling(analysis):
        raise AssertionError("pickled for no report")

    monkeypatch.setattr(kernel, "pickled_analysis", no_pickling)
    build_years([a], ["vi"], tmp_path / "o", tmp_path / "p", report=False, force=True, jobs=1)


def test_an_analysis_that_cannot_be_pickled_is_not_handed_and_the_report_is_still_built(tmp_path, monkeypatch):
    from parlib.report import kernel, render

    handed: list[str | None] = []
    monkeypatch.setattr(render, "render_report", lambda ds, y, lang, folder, analysis=None: handed.append(analysis))

    def unpicklable(analysis):
        raise TypeError("cannot pickle")

    monkeypatch.setattr(kernel, "pickled_analysis", unpicklable)
    a = analyse(load("three-years"), 2023)
    build_years([a], ["vi"], tmp_path / "o", tmp_path / "p", report=True, force=True, jobs=1)
    assert handed == [None]


def test_a_failed_report_keeps_its_notebook_and_says_where(tmp_path, monkeypatch, capsys):
    from parlib.report import render
    from parlib.report.render import ReportError

    def failing(ds, year, lang, folder, analysis=None):
        (Path(folder) / f"report.{lang}.ipynb").write_text("{}", encoding="utf-8")
        raise ReportError("cell 3 failed")

    monkeypatch.setattr(render, "render_report", failing)
    monkeypatch.chdir(tmp_path)
    a = analyse(load("three-years"), 2023)
    with pytest.raises(ReportError) as e:
        _b(a, tmp_path, ["vi"])
    assert str(e.value) == (
        "cell 3 failed — the failed notebook is kept in out/three-years/2023/failed; previous outputs were left in place"
    )
    assert (tmp_path / "out" / "three-years" / "2023" / "failed" / "report.vi.ipynb").is_file()
    with pytest.raises(ReportError) as e:
        _b(a, tmp_path, ["vi"], keep_failed=False)
    assert str(e.value) == "cell 3 failed"
    assert not list(tmp_path.rglob(".staging-*"))
    assert not (tmp_path / "out" / "three-years" / ".2023.lock").exists()


# --- the command line's mistakes ---------------------------------------------------------------------


def _args(**kw) -> argparse.Namespace:
    base = {
        "all": False,
        "dataset": [],
        "year": None,
        "lang": None,
        "out": None,
        "processed": None,
        "no_report": True,
        "force": False,
        "jobs": None,
    }
    return argparse.Namespace(**{**base, **kw})


def test_run_build_refuses_a_build_of_nothing_and_bad_jobs(tmp_path):
    with pytest.raises(DataError) as e:
        run_build(_args())
    assert str(e.value) == "no dataset given — name a dataset (e.g. `parlib build backan`) or use --all"
    for jobs in (0, -1):
        with pytest.raises(DataError) as e:
            run_build(_args(dataset=["three-years"], jobs=jobs))
        assert str(e.value) == (
            f"--jobs {jobs}: the number of reports built at once must be 1 or more — "
            "give --jobs 1 (one after another) or more, or leave it out (one per core)"
        )


def test_run_build_refuses_a_year_the_dataset_does_not_have(tmp_path):
    folder = variant(tmp_path, "three-years")
    out, proc = tmp_path / "out", tmp_path / "proc"
    with pytest.raises(DataError) as e:
        run_build(_args(dataset=[str(folder)], year=[2023, 2020], out=out, processed=proc))
    assert str(e.value) == "dataset 'three-years' has no year 2020 — choose among 2021, 2022, 2023"
    assert not out.exists() and not proc.exists()  # nothing written


def test_run_build_of_some_years_builds_those_only(tmp_path, capsys):
    folder = variant(tmp_path, "three-years")
    out, proc = tmp_path / "out", tmp_path / "proc"
    assert run_build(_args(dataset=[str(folder)], year=[2022], out=out, processed=proc, jobs=1)) == 0
    assert sorted(p.name for p in (out / "three-years").iterdir() if not p.name.startswith(".")) == ["2022"]
    assert sorted(p.name for p in (proc / "three-years").iterdir() if not p.name.startswith(".")) == ["2022"]
    assert read_manifest(out / "three-years" / "2022" / MANIFEST)["parameters"] == {"langs": [], "report": False}


class _Bar:
    """A stand-in for tqdm's bar (shown on a terminal only): records what it is told."""

    def __init__(self):
        self.calls: list[tuple[str, object]] = []
        self.total = 0

    def set_postfix_str(self, s):
        self.calls.append(("postfix", s))

    def update(self, n):
        self.calls.append(("update", n))

    def refresh(self):
        self.calls.append(("refresh", None))

    def close(self):
        self.calls.append(("close", None))


def test_progress_on_a_terminal_moves_one_bar():
    p = _JobProgress(0)
    p.bar, p.total = _Bar(), 2
    p.done("tiny 2023 vi")
    p.grow(1)  # one more report than counted
    assert p.total == 3 and p.bar.total == 3
    p.skip(0)
    p.skip(2)
    p.close()
    assert p.bar.calls == [
        ("postfix", "tiny 2023 vi"),
        ("update", 1),
        ("refresh", None),
        ("update", 2),
        ("close", None),
    ]


def test_a_year_is_current_only_when_no_other_language_must_be_rebuilt(tmp_path, fake_render):
    a = analyse(load("three-years"), 2023)
    target = _b(a, tmp_path, ["vi", "en"])
    proc = tmp_path / "proc" / "three-years" / "2023"
    # vi asked for, en kept as it is: the manifest (langs en, vi; report) matches
    assert runner.is_current(a.dataset, 2023, ["vi"], True, False, target, proc)
    assert runner.is_current(a.dataset, 2023, ["en", "vi"], True, False, target, proc)
    assert not runner.is_current(a.dataset, 2023, ["vi"], True, True, target, proc)  # --clean: en must go
    (target / "report.en.pdf").write_text("tampered\n", encoding="utf-8")
    assert not runner.is_current(a.dataset, 2023, ["vi"], True, False, target, proc)  # en must be rebuilt


@pytest.fixture
def analysed(monkeypatch) -> list[list[int]]:
    """The years each call of the runner's analyse_years was given, in call order."""
    calls: list[list[int]] = []
    real = runner.analyse_years
    monkeypatch.setattr(runner, "analyse_years", lambda ds, years, *x, **k: calls.append(years) or real(ds, years))
    return calls


def test_years_already_built_are_not_analysed_again_whatever_comes_first(tmp_path, analysed):
    folder = variant(tmp_path, "three-years")
    out, proc = tmp_path / "out", tmp_path / "proc"
    assert run_build(_args(dataset=[str(folder)], year=[2022, 2023], out=out, processed=proc, jobs=1)) == 0
    analysed.clear()
    # 2021 has no manifest yet: it alone is analysed; 2022 and 2023 after it are still read as current
    assert run_build(_args(dataset=[str(folder)], out=out, processed=proc, jobs=1)) == 0
    assert analysed == [[2021]]


def test_a_build_without_lang_renders_vietnamese(tmp_path, fake_render):
    folder = variant(tmp_path, "three-years")
    args = _args(dataset=[str(folder)], year=[2023], out=tmp_path / "out", processed=tmp_path / "proc", jobs=1)
    assert run_build(argparse.Namespace(**{**vars(args), "no_report": False})) == 0
    assert fake_render == ["vi"]


def test_run_build_names_the_option_whose_folder_is_a_file(tmp_path):
    f = tmp_path / "f.txt"
    f.write_text("x", encoding="utf-8")
    for option, kw in (
        ("--out", {"out": f, "processed": tmp_path / "p"}),
        ("--processed", {"out": tmp_path / "o", "processed": f}),
    ):
        with pytest.raises(DataError) as e:
            run_build(_args(dataset=["three-years"], **kw))
        assert (
            str(e.value) == f"{option} '{f}' is a file, not a folder — give {option} a folder (it is created if absent)"
        )


def test_a_current_year_whose_figures_cannot_be_read_is_built_again_alone(tmp_path, analysed):
    """2021's figures.json replaced by JSON of another shape, the manifest rewritten to vouch for it:
    2021 is analysed again; 2022 and 2023 after it are still read as current."""
    folder = variant(tmp_path, "three-years")
    out, proc = tmp_path / "out", tmp_path / "proc"
    assert run_build(_args(dataset=[str(folder)], out=out, processed=proc, jobs=1)) == 0
    y21 = out / "three-years" / "2021"
    (y21 / "figures.json").write_text("[]\n", encoding="utf-8")
    m = read_manifest(y21 / MANIFEST)
    m["outputs"]["report/figures.json"] = hashlib.sha256(b"[]\n").hexdigest()
    write_manifest(y21 / MANIFEST, m)
    analysed.clear()
    assert run_build(_args(dataset=[str(folder)], out=out, processed=proc, jobs=1)) == 0
    assert analysed == [[2021]]


def test_clean_on_the_command_line_removes_the_other_languages(tmp_path, fake_render):
    folder = variant(tmp_path, "three-years")
    base = {
        **vars(_args(dataset=[str(folder)], year=[2023], out=tmp_path / "out", processed=tmp_path / "proc", jobs=1))
    }
    base.update(no_report=False, allow_mismatch=False)
    assert run_build(argparse.Namespace(**{**base, "lang": ["vi", "en"], "clean": False})) == 0
    assert run_build(argparse.Namespace(**{**base, "lang": ["vi"], "clean": True})) == 0
    assert languages_present(tmp_path / "out" / "three-years" / "2023") == ["vi"]


# The functions below run in the worker processes of `parlib build --jobs`: called here in-process, so
# that what each does is tested (a build with several jobs runs them where no test can see them).


def test_render_in_process_sets_the_build_date_then_renders(tmp_path, monkeypatch):
    from parlib.report import render

    calls = []
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # restored after the test
    monkeypatch.setattr(
        render, "render_report", lambda *args: calls.append((*args, os.environ.get("SOURCE_DATE_EPOCH")))
    )
    ds = SimpleNamespace(id="three-years")
    runner.render_in_process(ds, 2023, "en", tmp_path, "1700000000")
    runner.render_in_process(ds, 2023, "vi", tmp_path, "1700000000", "/the/analysis.pickle")
    assert calls == [
        (ds, 2023, "en", tmp_path, None, "1700000000"),
        (ds, 2023, "vi", tmp_path, "/the/analysis.pickle", "1700000000"),  # handed on to the report
    ]


def test_a_quiet_worker_shows_no_progress_and_leaves_ctrl_c_to_the_parent(monkeypatch):
    import signal

    from parlib.report import render

    monkeypatch.setattr(render, "SHOW_PROGRESS", True)
    before = signal.getsignal(signal.SIGINT)
    monkeypatch.delenv(PROCESSES_ENV, raising=False)  # restored after the test
    try:
        runner._quiet_worker()
        assert render.SHOW_PROGRESS is False
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        assert os.environ[PROCESSES_ENV] == "1"
        runner._quiet_worker(3)
        assert os.environ[PROCESSES_ENV] == "3"  # what its reports' kernels inherit
    finally:
        signal.signal(signal.SIGINT, before)


@pytest.mark.parametrize(
    ("jobs", "reports", "each"),
    [
        (1, 1, 1),  # --jobs 1: one process, whatever the build
        (1, 8, 1),
        (2, 1, 2),  # one report, two cores: its sections in two processes
        (2, 8, 1),  # eight reports fill two cores already
        (2, 2, 1),
        (4, 2, 2),  # two reports at once, two processes each
        (3, 2, 1),  # 3 // 2
        (4, 1, 4),
        (2, 0, 2),  # nothing to render: no division by zero
    ],
)
def test_the_processes_of_a_report_are_the_jobs_left_over(jobs, reports, each):
    assert runner.processes_per_report(jobs, reports) == each


def test_a_report_rendered_in_the_build_process_gets_its_processes_then_the_environment_is_restored(
    tmp_path, monkeypatch
):
    from parlib.report import render

    seen = []
    monkeypatch.setenv(PROCESSES_ENV, "before")
    monkeypatch.setattr(
        render, "render_report", lambda ds, y, lang, folder, analysis=None: seen.append(os.environ[PROCESSES_ENV])
    )
    a = analyse(load("three-years"), 2023)
    build_years([a], ["vi"], tmp_path / "o1", tmp_path / "p1", report=True, force=True, jobs=2)
    build_years([a], ["vi", "en"], tmp_path / "o2", tmp_path / "p2", report=True, force=True, jobs=1)
    # one report with two jobs: two processes; two reports with --jobs 1: one each
    assert seen == ["2", "1", "1"]
    assert os.environ[PROCESSES_ENV] == "before"


class _Proc:
    def __init__(self, alive: bool, log: list):
        self.alive, self.log = alive, log

    def is_alive(self) -> bool:
        return self.alive

    def terminate(self) -> None:
        self.log.append(("terminate", self))
        self.alive = False

    def join(self, timeout=None) -> None:
        self.log.append(("join", self, timeout))

    @property
    def exitcode(self) -> int | None:
        return None if self.alive else 0


def test_stop_pool_cancels_terminates_the_live_workers_and_waits_for_each(monkeypatch):
    log: list = []
    running, finished = _Proc(True, log), _Proc(False, log)

    class Pool:
        _processes = {11: running, 12: finished}

        def shutdown(self, **kwargs):
            log.append(("shutdown", kwargs))

    stop_pool(Pool())  # type: ignore[arg-type]
    assert log == [
        ("shutdown", {"wait": False, "cancel_futures": True}),
        ("terminate", running),
        ("join", running, 10),
        ("join", finished, 10),
    ]


def test_stop_pool_of_a_pool_without_workers(monkeypatch):
    log: list = []

    class Pool:  # no _processes: a pool that never started one
        def shutdown(self, **kwargs):
            log.append(kwargs)

    stop_pool(Pool())  # type: ignore[arg-type]
    assert log == [{"wait": False, "cancel_futures": True}]


def test_stop_pool_of_a_real_pool_stops_a_worker_that_would_run_long():
    import time
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=1)
    pool.submit(time.sleep, 60)
    time.sleep(0.5)  # the worker has started
    procs = list(pool._processes.values())  # type: ignore[attr-defined]
    start = time.monotonic()
    stop_pool(pool)
    assert time.monotonic() - start < 10
    assert procs and not any(p.is_alive() for p in procs)


def test_figures_that_cannot_be_checked_do_not_stop_the_build(tmp_path, capsys):
    """vn-ministries printed 2022 in part: its largest rise and fall of 2023 cannot be checked (status
    "unchecked", match False). Such a figure is not a mismatch: the build goes on."""
    out, proc = tmp_path / "out", tmp_path / "proc"
    assert run_build(_args(dataset=["vn-ministries"], year=[2023], out=out, processed=proc, jobs=1)) == 0
    assert "do not match" not in capsys.readouterr().err
    assert (out / "vn-ministries" / "2023" / MANIFEST).is_file()


def test_all_builds_every_embedded_dataset_in_both_languages(tmp_path, fake_render, monkeypatch):
    folder = variant(tmp_path, "three-years")
    monkeypatch.setattr(runner, "embedded_datasets", lambda: [str(folder)])  # one, for speed
    out, proc = tmp_path / "out", tmp_path / "proc"
    assert run_build(_args(all=True, year=[2023], out=out, processed=proc, no_report=False, jobs=1)) == 0
    assert fake_render == ["vi", "en"]
    assert run_build(_args(all=True, year=[2023], lang=["en"], out=out, processed=proc, no_report=False, jobs=1)) == 0
    assert fake_render == ["vi", "en"]  # en is current: nothing rendered again
    assert languages_present(out / "three-years" / "2023") == ["en", "vi"]  # vi kept


def test_current_years_reads_a_year_under_the_lock_its_build_takes(tmp_path, fake_render, monkeypatch):
    """The test that a year is up to date is made under the same per-year lock as build_years takes (a
    build of that year running at the same time is waited for)."""
    a = analyse(load("three-years"), 2023)
    _b(a, tmp_path, ["vi"])
    locks: list[tuple[Path, str]] = []
    real = runner.report_lock

    def spy(folder, name):
        locks.append((Path(folder), name))
        return real(folder, name)

    monkeypatch.setattr(runner, "report_lock", spy)
    current = runner.current_years(a.dataset, [2022, 2023], ["vi"], tmp_path / "out", tmp_path / "proc", True, False)
    assert list(current) == [2023]  # 2022 was never built: no lock taken for it
    assert locks == [(tmp_path / "out" / "three-years", "2023")]
    # and build_years takes the lock of that name
    locks.clear()
    runner.build_years([a], ["vi"], tmp_path / "out", tmp_path / "proc", report=True, force=True, jobs=1)
    assert (tmp_path / "out" / "three-years", "2023") in locks


def test_mismatches_of_every_year_are_counted_and_stop_the_build_unless_allowed(tmp_path, capsys):
    """three-years with one figure of 2022 (beta-change, +10,00 by hand) printed +11,00 and one of 2023
    (mean-2023, 72,14) printed 72,15: 2 mismatches in all. A Namespace without jobs, clean or
    allow_mismatch (the command line always gives them) takes their defaults: one job per core, no
    clean, and mismatches stop the build."""
    folder = variant(tmp_path, "three-years")
    pub = folder / "published.yml"
    text = pub.read_text(encoding="utf-8")
    text = text.replace('printed: "72,14"', 'printed: "72,15"').replace(
        'unit: u-b, year: 2022, printed: "+10,00"', 'unit: u-b, year: 2022, printed: "+11,00"'
    )
    pub.write_text(text, encoding="utf-8")
    out, proc = tmp_path / "out", tmp_path / "proc"
    bare = {k: v for k, v in vars(_args(dataset=[str(folder)], out=out, processed=proc)).items() if k != "jobs"}
    assert run_build(argparse.Namespace(**bare)) == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        "parlib: error: 2 published figure(s) do not match; nothing was built — correct the table or "
        "published.yml, or build anyway with --allow-mismatch (the report will say so)"
    )
    assert not out.exists() and not proc.exists()
    assert run_build(argparse.Namespace(**bare, jobs=1, allow_mismatch=True)) == 0
    assert (
        "parlib: warning: building anyway (--allow-mismatch): 2 published figure(s) do not match, as each "
        "report's banner and check section say"
    ) in capsys.readouterr().err.splitlines()


def test_years_up_to_date_are_named_for_every_dataset_of_the_build(tmp_path, capsys):
    """Two datasets built, then asked again: each one's 2023 is up to date and said so."""
    two, three = variant(tmp_path, "two-years"), variant(tmp_path, "three-years")
    args = _args(dataset=[str(two), str(three)], year=[2023], out=tmp_path / "out", processed=tmp_path / "p", jobs=1)
    assert run_build(args) == 0
    capsys.readouterr()
    assert run_build(args) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if "up to date" in line]
    assert [line.split(":")[0] for line in lines] == ["three-years 2023", "two-years 2023"]


def test_a_current_year_is_read_back_whatever_the_locale_s_encoding(tmp_path, analysed):
    """figures.json is UTF-8 (three-years' names: Huyện Một, Phòng Gamma): under the C locale, whose
    encoding is ASCII, the year built is still read back as current, not analysed again."""
    folder = variant(tmp_path, "three-years")
    args = _args(dataset=[str(folder)], year=[2023], out=tmp_path / "out", processed=tmp_path / "p", jobs=1)
    assert run_build(args) == 0
    analysed.clear()
    before = locale.setlocale(locale.LC_CTYPE)
    try:
        locale.setlocale(locale.LC_CTYPE, "C")
        assert run_build(args) == 0
    finally:
        locale.setlocale(locale.LC_CTYPE, before)
    assert analysed == []


def test_build_years_by_default_keeps_the_other_languages_and_names_the_folder(tmp_path, fake_render, capsys):
    a = analyse(load("three-years"), 2023)
    target = _b(a, tmp_path, ["vi", "en"])
    capsys.readouterr()
    runner.build_years([a], ["vi"], tmp_path / "out", tmp_path / "proc", report=True, force=True, jobs=1)
    assert languages_present(target) == ["en", "vi"]  # not cleaned
    assert f"three-years 2023: written to {_rel(target)}" in capsys.readouterr().err.splitlines()  # not quiet


def test_build_years_by_default_keeps_a_failed_notebook(tmp_path, monkeypatch):
    from parlib.report import render
    from parlib.report.render import ReportError

    def failing(ds, year, lang, folder, analysis=None):
        (Path(folder) / f"report.{lang}.ipynb").write_text("{}", encoding="utf-8")
        raise ReportError("cell 3 failed")

    monkeypatch.setattr(render, "render_report", failing)
    a = analyse(load("three-years"), 2023)
    with pytest.raises(ReportError):
        runner.build_years([a], ["vi"], tmp_path / "out", tmp_path / "proc", report=True, force=True, jobs=1)
    assert (tmp_path / "out" / "three-years" / "2023" / "failed" / "report.vi.ipynb").is_file()


def test_the_progress_counts_the_reports_of_every_year_and_none_without_reports(
    tmp_path, fake_render, capsys, monkeypatch
):
    """Two years × two languages: 4 reports, each line says how many of 4; without reports there is no
    progress at all, not even a bar on a terminal."""
    ds = load("three-years")
    two = [analyse(ds, 2022), analyse(ds, 2023)]
    capsys.readouterr()
    runner.build_years(two, ["vi", "en"], tmp_path / "out", tmp_path / "proc", report=True, force=True, jobs=1)
    lines = [line for line in capsys.readouterr().err.splitlines() if "report written" in line]
    assert [line.rsplit(" ", 1)[1] for line in lines] == ["(1/4)", "(2/4)", "(3/4)", "(4/4)"]
    monkeypatch.setattr(runner.sys.stderr, "isatty", lambda: True, raising=False)
    runner.build_years(two, ["vi"], tmp_path / "out", tmp_path / "proc", report=False, force=True, jobs=1)
    assert "parlib build" not in capsys.readouterr().err  # tqdm's bar is named "parlib build"


def test_every_stale_language_is_named_in_one_line(tmp_path, fake_render, monkeypatch, capsys):
    """vi and en built, then the environment changes: both are stale, named together, rebuilt when
    reports are built and removed when they are not."""
    a = analyse(load("three-years"), 2023)
    _b(a, tmp_path, ["vi", "en"])
    env = runner.get_environment()
    monkeypatch.setattr(runner, "get_environment", lambda: {**env, "python": "0"})
    capsys.readouterr()
    _b(a, tmp_path, [])
    assert capsys.readouterr().err.splitlines()[0] == (
        "three-years 2023: report en, vi was built from other inputs or environment (or changed since): "
        "rebuilding it too"
    )
    # vi asked for, en stale: en is rendered too, and the progress counts 2 reports, not 1
    monkeypatch.setattr(runner.sys.stderr, "isatty", lambda: False, raising=False)
    _b(a, tmp_path, ["vi"])
    assert [line for line in capsys.readouterr().err.splitlines() if "report written" in line] == [
        "parlib: three-years 2023 en: report written (1/2)",
        "parlib: three-years 2023 vi: report written (2/2)",
    ]
    _b(a, tmp_path, [], report=False)
    assert capsys.readouterr().err.splitlines()[0] == (
        "three-years 2023: report en, vi was built from other inputs or environment (or changed since) and is "
        "removed; rebuild it with --lang"
    )


def test_while_a_year_renders_its_staging_folders_are_hidden_beside_their_targets(tmp_path, monkeypatch):
    """What a reader listing the dataset's folders sees while 2023's report renders: only hidden
    names (the lock, one ".staging-2023-…" folder in each), and the report renders into the one
    beside its target."""
    from parlib.report import render

    seen: dict[str, object] = {}

    def fake(ds, year, lang, folder, analysis=None):
        for key in ("out", "proc"):
            seen[key] = sorted(p.name for p in (tmp_path / key / "three-years").iterdir())
        seen["folder"] = Path(folder)
        for ext in ("html", "pdf"):
            (Path(folder) / f"report.{lang}.{ext}").write_text(lang, encoding="utf-8")

    monkeypatch.setattr(render, "render_report", fake)
    _b(analyse(load("three-years"), 2023), tmp_path, ["vi"])
    for key in ("out", "proc"):
        names = seen[key]
        assert all(n.startswith(".") for n in names), names
        assert len([n for n in names if n.startswith(".staging-2023-")]) == 1, names
    folder = seen["folder"]
    assert folder.parent == tmp_path / "out" / "three-years" and folder.name.startswith(".staging-2023-")


def test_a_report_year_built_again_unchanged_is_up_to_date(tmp_path, fake_render, capsys):
    a = analyse(load("three-years"), 2023)
    _b(a, tmp_path, ["vi"], force=False)
    capsys.readouterr()
    _b(a, tmp_path, ["vi"], force=False)
    assert fake_render == ["vi"]  # not rendered again
    assert "three-years 2023: up to date" in capsys.readouterr().err


def test_a_year_up_to_date_does_not_stop_the_years_after_it(tmp_path, fake_render):
    ds = load("three-years")
    a22, a23 = analyse(ds, 2022), analyse(ds, 2023)
    out, proc = tmp_path / "out", tmp_path / "proc"
    runner.build_years([a22], [], out, proc, report=False, force=False, jobs=1)
    done = runner.build_years([a22, a23], [], out, proc, report=False, force=False, jobs=1)
    assert done == [out / "three-years" / "2022", out / "three-years" / "2023"]
    assert (out / "three-years" / "2023" / MANIFEST).is_file()


def test_with_several_jobs_the_reports_go_to_a_pool_of_spawned_quiet_workers(tmp_path, fake_render, monkeypatch):
    """--jobs 3 and two reports (vi, en of 2023): a pool of min(3, 2) = 2 workers, started by "spawn"
    and made quiet, is handed each report with the dataset's date (2024-03-01: 1709251200); none is
    rendered here. With one job, or one report, they are rendered here, without a pool."""
    from concurrent.futures import Future

    pools: list[tuple] = []
    submitted: list[tuple] = []

    class Pool:
        def __init__(self, workers, mp_context=None, initializer=None, initargs=()):
            pools.append((workers, mp_context.get_start_method(), initializer, initargs))

        def submit(self, fn, *args):
            submitted.append((fn, *args[:-1], _handed(args[-1])))  # read now: the folder goes with the build
            done: Future = Future()
            done.set_result(None)
            return done

        def shutdown(self, wait=True, cancel_futures=False):
            pass

    monkeypatch.setattr(runner, "ProcessPoolExecutor", Pool)
    a = analyse(load("three-years"), 2023)
    out, proc = tmp_path / "out", tmp_path / "proc"
    runner.build_years([a], ["vi", "en"], out, proc, report=True, force=True, jobs=3)
    assert pools == [(2, "spawn", runner._quiet_worker, (1,))]  # 3 // 2 = 1 process for each report's sections
    assert [(fn, ds, year, lang, epoch) for fn, ds, year, lang, _, epoch, _ in submitted] == [
        (runner.render_in_process, a.dataset, 2023, "vi", "1709251200"),
        (runner.render_in_process, a.dataset, 2023, "en", "1709251200"),
    ]
    assert all(folder.name.startswith(".staging-2023-") for *_, folder, _, _ in submitted)
    # each report is handed the year's analysis for its kernel: the one the build made, pickled
    for *_, (header, taken) in submitted:
        assert header == {"root": str(a.dataset.root), "year": 2023}
        assert taken.scores.units.equals(a.scores.units)
    assert fake_render == []
    pools.clear()
    runner.build_years([a], ["vi", "en"], out, proc, report=True, force=True, jobs=2)  # 2 jobs: a pool too
    assert pools == [(2, "spawn", runner._quiet_worker, (1,))]
    pools.clear()
    runner.build_years([a], ["vi", "en"], out, proc, report=True, force=True, jobs=1)  # 1 job: no pool
    assert (pools, fake_render) == ([], ["vi", "en"])
    runner.build_years([a], ["vi"], out, proc, report=True, force=True, jobs=3)  # 1 report: no pool
    assert (pools, fake_render) == ([], ["vi", "en", "vi"])


def test_the_processed_tables_of_a_build_come_with_their_datapackage(tmp_path):
    """three-years' 2023 tables: datapackage.json names the dataset, the year and its one source (its
    English title, its URL), as dataset.yml gives them."""
    import json

    _b(analyse(load("three-years"), 2023), tmp_path, [], report=False)
    doc = json.loads((tmp_path / "proc" / "three-years" / "2023" / "datapackage.json").read_text(encoding="utf-8"))
    assert (doc["name"], doc["title"]) == ("parlib-three-years-2023", "Test tables of three years — 2023")
    assert doc["sources"] == [
        {"title": "Hand-made test table (illustrative, not published)", "path": "https://example.invalid/parlib-tests"}
    ]


def test_only_a_year_whose_tables_are_illustrative_has_an_illustrative_data_package(tmp_path):
    """three-years with its 2023 tables marked published (2021 and 2022 keep their source's
    "illustrative"): 2022's datapackage.json says its rows are made up, 2023's does not."""
    import json

    from parlib.data.load import load_dataset

    folder = variant(
        tmp_path,
        "three-years",
        yml=[
            (
                "{file: 2023/districts-2023.csv, level: districts, methodology: m3, source: hand,",
                "{file: 2023/districts-2023.csv, level: districts, methodology: m3, source: hand, provenance: published,",
            ),
            (
                "{file: 2023/departments-2023.csv, level: departments, methodology: m3, source: hand,",
                "{file: 2023/departments-2023.csv, level: departments, methodology: m3, source: hand, provenance: published,",
            ),
        ],
    )
    ds = load_dataset(folder)
    for year in (2022, 2023):
        _b(analyse(ds, year), tmp_path, [], report=False)
    desc = {
        year: json.loads(
            (tmp_path / "proc" / "three-years" / str(year) / "datapackage.json").read_text(encoding="utf-8")
        )["description"]
        for year in (2022, 2023)
    }
    assert desc[2022] == (
        "Tidy tables computed by parlib from the three-years dataset for 2022. ILLUSTRATIVE: some rows are made up"
        " (see the dataset's dataset.yml), not published figures. / Bảng thử ba năm — 2022: bảng dữ liệu do parlib tính."
    )
    assert desc[2023] == (
        "Tidy tables computed by parlib from the three-years dataset for 2023. / Bảng thử ba năm — 2023: bảng dữ liệu do"
        " parlib tính."
    )
