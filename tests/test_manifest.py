"""The manifest, `verify` and the recorded environment, function by function (issue 15: the mutation
run of the build layer). Fast: no report is rendered; a build writes only tables and figures.json.
Expected values are written by hand (sha256 of known bytes from hashlib, dates by calendar
arithmetic, versions from fontconfig's own command line), never copied from the code's output."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from handmade import DATA, load, load_unverified, variant

from parlib.build import environment, manifest, verify
from parlib.build.environment import (
    _chart_font_file,
    _font_label,
    _fontconfig_file,
    _load,
    _version_string,
    diff_environment,
    font_version,
)
from parlib.build.manifest import (
    MANIFEST,
    PROJECT_ROOT,
    check_sidecar,
    get_git_state,
    get_input_files,
    get_output_hashes,
    is_up_to_date,
    make_manifest,
    read_manifest,
    source_date_epoch,
    write_manifest,
)
from parlib.build.runner import build_year
from parlib.build.verify import Findings, describe_input_changes, rebuild, recorded_checksums, verdict
from parlib.data.dataset import SKIP_CHECKSUMS_ENV
from parlib.errors import DataError
from parlib.model.analysis import analyse


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


SHA_A = "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"  # sha256 of b"a", as published widely


def _built(tmp_path: Path) -> tuple[Path, Path]:
    """three-years 2023 built without a report into tmp_path: (report folder, processed folder)."""
    target = build_year(
        analyse(load("three-years"), 2023), ["vi"], tmp_path / "out", tmp_path / "proc", report=False, force=True
    )
    return target, tmp_path / "proc" / "three-years" / "2023"


# --- manifest.py ---------------------------------------------------------------------------------


def test_sha_of_a_is_the_known_value():
    assert sha(b"a") == SHA_A


def test_output_hashes_cover_report_and_processed_files_but_not_the_manifest_or_failed(tmp_path):
    rep, proc = tmp_path / "rep", tmp_path / "proc"
    for rel, data in {
        "a.txt": b"a",
        "sub/b.txt": b"b",
        MANIFEST: b"{}",
        MANIFEST + ".sha256": b"x",
        "failed/report.vi.ipynb": b"nb",
        "sub/failed/x.txt": b"x",
        "notfailed.txt": b"c",
    }.items():
        (rep / rel).parent.mkdir(parents=True, exist_ok=True)
        (rep / rel).write_bytes(data)
    (proc / "nested").mkdir(parents=True)
    (proc / "p.csv").write_bytes(b"a")
    (proc / "nested" / "q.csv").write_bytes(b"q")
    (proc / MANIFEST).write_bytes(b"m")  # in the processed folder a file of that name is an output
    assert get_output_hashes(rep, proc) == {
        "report/a.txt": SHA_A,
        "report/sub/b.txt": sha(b"b"),
        "report/notfailed.txt": sha(b"c"),
        "processed/p.csv": SHA_A,
        "processed/nested/q.csv": sha(b"q"),
        f"processed/{MANIFEST}": sha(b"m"),
    }
    assert get_output_hashes(tmp_path / "none", tmp_path / "none2") == {}


def test_write_manifest_writes_sorted_utf8_json_and_its_sha256_beside_it(tmp_path):
    path = tmp_path / MANIFEST
    write_manifest(path, {"b": "Bắc Kạn", "a": [1, {"d": None, "c": 2.5}]})
    expected = '{\n  "a": [\n    1,\n    {\n      "c": 2.5,\n      "d": null\n    }\n  ],\n  "b": "Bắc Kạn"\n}\n'
    assert path.read_bytes() == expected.encode("utf-8")
    side = tmp_path / (MANIFEST + ".sha256")
    assert side.read_text(encoding="utf-8") == f"{sha(expected.encode('utf-8'))}  {MANIFEST}\n"
    assert check_sidecar(path) is None
    assert read_manifest(path) == {"b": "Bắc Kạn", "a": [1, {"d": None, "c": 2.5}]}


def test_check_sidecar_names_a_missing_an_empty_and_a_wrong_sidecar(tmp_path):
    path = tmp_path / MANIFEST
    write_manifest(path, {"year": 2023})
    side = tmp_path / (MANIFEST + ".sha256")
    path.write_bytes(path.read_bytes().replace(b"2023", b"2024"))
    assert check_sidecar(path) == (
        "manifest.json does not match the sha256 in manifest.json.sha256: the manifest was changed after the build wrote it"
    )
    side.write_text("", encoding="utf-8")
    assert check_sidecar(path) == (
        "manifest.json does not match the sha256 in manifest.json.sha256: the manifest was changed after the build wrote it"
    )
    side.write_text(f"{sha(path.read_bytes())}  whatever-name\n", encoding="utf-8")  # only the hash counts
    assert check_sidecar(path) is None
    side.unlink()
    assert check_sidecar(path) == (
        "manifest.json.sha256 is missing: the manifest cannot be shown to be the one the build wrote"
    )


def test_source_date_epoch_is_the_publication_date_at_midnight_utc():
    # three-years: date_published 2024-03-01. 2024-01-01 00:00 UTC is 1,704,067,200 s; January (31
    # days) and February of a leap year (29) add 60 days of 86,400 s.
    assert source_date_epoch(load("three-years")) == 1_704_067_200 + 60 * 86_400


def test_input_files_in_their_order(tmp_path):
    ds = load("three-years")
    files = get_input_files(ds)
    root = DATA / "three-years"
    tables = sorted(root / f"{y}/{lv}-{y}.csv" for y in (2021, 2022, 2023) for lv in ("departments", "districts"))
    assert files[:8] == [root / "dataset.yml", root / "published.yml", *tables]
    assert files[-3:] == [PROJECT_ROOT / "requirements.lock", PROJECT_ROOT / "pyproject.toml",
                          PROJECT_ROOT / "scripts" / "make_backan_illustrative.py"]  # fmt: skip
    assert PROJECT_ROOT / "notebooks" / "annual_report.ipynb" in files
    parlib_files = [p for p in files if p.is_relative_to(PROJECT_ROOT / "parlib")]
    assert PROJECT_ROOT / "parlib" / "build" / "manifest.py" in parlib_files
    assert parlib_files == sorted(parlib_files)
    assert not [p for p in parlib_files if "__pycache__" in p.parts or p.suffix == ".pyc"]
    assert all(p.is_file() for p in files) and len(set(files)) == len(files)


def test_commentary_and_source_copies_are_inputs_after_the_tables(tmp_path):
    folder = variant(
        tmp_path,
        "three-years",
        files={
            "commentary/2023.vi.md": "# x\n",
            "commentary/notes.txt": "not a commentary file\n",
            "sources/b.txt": "b\n",
            "sources/a/c.txt": "c\n",
        },
    )
    (folder / "sources" / "empty-dir").mkdir()
    files = get_input_files(load_unverified(folder))
    assert files[8:12] == [
        folder / "commentary" / "2023.vi.md",
        folder / "sources" / "a" / "c.txt",
        folder / "sources" / "b.txt",
        PROJECT_ROOT / "notebooks" / "annual_report.ipynb",
    ]
    assert folder / "commentary" / "notes.txt" not in files


def test_the_context_dataset_s_own_files_are_inputs_once():
    ds = load("three-years")
    assert ds.context is None
    from parlib.data.load import load_dataset

    backan = load_dataset("backan")
    assert backan.context is not None and backan.context.dataset == "vn-provinces"
    files = get_input_files(backan)
    provinces = load_dataset("vn-provinces").root
    assert provinces / "dataset.yml" in files
    assert backan.root / "dataset.yml" in files and files[0] == backan.root / "dataset.yml"  # its own files too
    assert len(set(files)) == len(files)  # parlib's files are not listed a second time for the context


def test_git_state_outside_a_checkout_and_without_git(tmp_path, monkeypatch):
    here = subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    status = subprocess.run(["git", "-C", str(PROJECT_ROOT), "status", "--porcelain"], capture_output=True, text=True)
    state = get_git_state()
    assert state == {"commit": here.stdout.strip(), "clean": status.stdout.strip() == ""}
    assert len(state["commit"]) == 40
    monkeypatch.setattr(manifest, "PROJECT_ROOT", tmp_path)  # /tmp: not inside a git checkout
    assert get_git_state() == {"commit": None, "clean": None}

    def no_git(*a, **k):
        raise FileNotFoundError("git")

    monkeypatch.setattr(manifest, "PROJECT_ROOT", PROJECT_ROOT)
    monkeypatch.setattr(manifest.subprocess, "run", no_git)
    assert get_git_state() == {"commit": None, "clean": None}


def test_make_manifest_records_what_the_report_rests_on(tmp_path):
    ds = load("three-years")
    (tmp_path / "rep").mkdir()
    (tmp_path / "rep" / "a.txt").write_bytes(b"a")
    m = make_manifest(ds, 2023, ["vi", "en"], True, tmp_path / "rep", tmp_path / "proc")
    assert set(m) == {
        "manifest_version", "dataset", "dataset_path", "year", "parameters", "source_date_epoch",
        "inputs", "outputs", "processed_dir", "environment", "git",
    }  # fmt: skip
    assert m["manifest_version"] == 1 and m["dataset"] == "three-years" and m["year"] == 2023
    assert m["dataset_path"] == "tests/data/three-years"
    assert m["parameters"] == {"langs": ["en", "vi"], "report": True}
    assert m["source_date_epoch"] == 1_709_251_200
    assert m["outputs"] == {"report/a.txt": SHA_A}
    assert m["processed_dir"] == (tmp_path / "proc").as_posix()
    assert m["inputs"]["tests/data/three-years/2023/districts-2023.csv"] == sha(
        (DATA / "three-years" / "2023" / "districts-2023.csv").read_bytes()
    )
    assert set(m["environment"]) == {"python", "packages", "system_libraries", "fonts"}


def test_up_to_date_only_when_every_part_matches(tmp_path, monkeypatch):
    target, proc = _built(tmp_path)
    ds = load("three-years")
    path = target / MANIFEST

    def up(year=2023, langs=(), report=False, where=path):
        return is_up_to_date(where, ds, year, list(langs), report, target, proc)

    assert up()
    assert not up(where=target / "no-such.json")
    assert not up(year=2022)
    assert not up(langs=["vi"])
    assert not up(report=True)
    # the parameters are compared with the languages sorted
    m = read_manifest(path)
    write_manifest(path, {**m, "parameters": {"langs": ["en", "vi"], "report": True}})
    assert up(langs=["vi", "en"], report=True)
    assert not up(langs=["vi", "en"], report=False)
    write_manifest(path, m)
    assert up()
    real_env, real_inputs = manifest.get_environment(), manifest.get_input_hashes(ds)
    monkeypatch.setattr(manifest, "get_environment", lambda: {**real_env, "python": "0.0.0"})
    assert not up()
    monkeypatch.setattr(manifest, "get_environment", lambda: real_env)
    monkeypatch.setattr(manifest, "get_input_hashes", lambda d: {**real_inputs, "x": "0"})
    assert not up()
    monkeypatch.setattr(manifest, "get_input_hashes", lambda d: real_inputs)
    assert up()
    side = target / (MANIFEST + ".sha256")
    saved = side.read_bytes()
    side.write_text("0" * 64 + "  manifest.json\n", encoding="utf-8")
    assert not up()  # a sidecar that does not vouch for the manifest: not up to date
    side.write_bytes(saved)
    (proc / "units.csv").write_bytes((proc / "units.csv").read_bytes() + b"\n")
    assert not up()
    path.write_text("not json", encoding="utf-8")
    assert not up()


# --- verify.py -----------------------------------------------------------------------------------


def test_verdict_of_each_combination_of_findings():
    assert verdict(Findings(n_outputs=7)) == (
        0,
        "OK: inputs and environment as recorded, all 7 outputs on disk and rebuilt match",
    )
    assert verdict(Findings(inputs=["changed: a", "new: b"], n_outputs=7)) == (
        3,
        "inputs changed, outputs reproduced: 2 input(s) changed, all 7 outputs rebuilt byte for byte",
    )
    assert verdict(Findings(inputs=["changed: a"], rebuilt=["differs: report/x.pdf"])) == (
        5,
        "outputs differ: rebuilt: report/x.pdf",
    )
    assert verdict(Findings(inputs=["changed: a"], rebuild_error="no table")) == (
        5,
        "outputs differ: the rebuild failed: no table",
    )
    env = ["Python: built with 3.10.1, here 3.11.2", "package numpy: built with 1, here 2"]
    assert verdict(Findings(environment=env, inputs=["changed: a"], n_outputs=7)) == (
        4,
        "environment differs, cannot vouch for byte identity: Python: built with 3.10.1, here 3.11.2; "
        "package numpy: built with 1, here 2 — the rebuild here reproduced all 7 outputs",
    )
    assert verdict(Findings(environment=env[:1], rebuilt=["differs: report/a: b.pdf", "missing: processed/c"])) == (
        4,
        "environment differs, cannot vouch for byte identity: Python: built with 3.10.1, here 3.11.2 — "
        "rebuilt outputs that differ: report/a: b.pdf, processed/c",
    )
    assert verdict(Findings(environment=env[:1], rebuilt=["differs: x"], rebuild_error="boom")) == (
        4,
        "environment differs, cannot vouch for byte identity: Python: built with 3.10.1, here 3.11.2 — "
        "the rebuild here failed (boom)",
    )
    assert verdict(Findings(on_disk=["missing: report/a", "differs: processed/b"], environment=env)) == (
        5,
        "outputs differ: on disk: report/a, processed/b",
    )
    assert verdict(Findings(on_disk=["extra: report/e"], rebuilt=["differs: report/f"])) == (
        5,
        "outputs differ: on disk: report/e; rebuilt: report/f",
    )
    assert verdict(Findings(manifest="the manifest was changed", on_disk=["missing: a"])) == (
        6,
        "manifest rewritten: the manifest was changed",
    )


def _three_years_with_a_source_copy(tmp_path: Path) -> Path:
    copy = "the hand-made table, as read\n"
    return variant(
        tmp_path,
        "three-years",
        yml=[("    provenance: illustrative\n", f"    provenance: illustrative\n    copy: sources/hand.txt\n"
                                                f"    copy_sha256: {sha(copy.encode())}\n")],
        files={"sources/hand.txt": copy, "sources/other.txt": "o\n"},
    )  # fmt: skip


def test_recorded_checksums_are_the_tables_and_the_source_copies(tmp_path):
    folder = _three_years_with_a_source_copy(tmp_path)
    ds = load_unverified(folder)
    rec = recorded_checksums(ds)
    assert rec[folder / "sources" / "hand.txt"] == sha(b"the hand-made table, as read\n")
    assert rec[folder / "2021" / "districts-2021.csv"] == (
        "5452225b677b348ba33f71937c201319f6317ee6195114e5667464f70235fb1c"  # dataset.yml's
    )
    assert len(rec) == 7  # six tables and one copy


def test_input_changes_say_whether_dataset_yml_records_the_new_sha256(tmp_path):
    folder = _three_years_with_a_source_copy(tmp_path)
    before = manifest.get_input_hashes(load_unverified(folder))
    # a table changed and its new sha256 recorded; another changed without; the source copy changed
    # and recorded; a source file gone, another new
    t23 = folder / "2023" / "districts-2023.csv"
    old23 = sha(t23.read_bytes())
    t23.write_bytes(t23.read_bytes().replace(b'"90,00"', b'"91,00"', 1))
    t22 = folder / "2022" / "districts-2022.csv"
    t22.write_bytes(t22.read_bytes() + b"\n")
    hand = folder / "sources" / "hand.txt"
    old_hand = sha(hand.read_bytes())
    hand.write_text("the hand-made table, read again\n", encoding="utf-8")
    yml = folder / "dataset.yml"
    text = yml.read_text(encoding="utf-8")
    assert old23 in text and old_hand in text
    text = text.replace(old23, sha(t23.read_bytes())).replace(old_hand, sha(hand.read_bytes()))
    yml.write_text(text, encoding="utf-8")
    (folder / "sources" / "other.txt").unlink()
    (folder / "sources" / "new.txt").write_text("n\n", encoding="utf-8")
    (folder / "sources" / "odd: name.txt").write_text("o\n", encoding="utf-8")  # ": " in a file name
    f = folder.as_posix()
    assert describe_input_changes(before, load_unverified(folder)) == [
        f"changed: {f}/2022/districts-2022.csv (dataset.yml records another sha256: NOT recorded as a deliberate change)",
        f"changed: {f}/2023/districts-2023.csv (its new sha256 is recorded in dataset.yml: a deliberate change)",
        f"changed: {f}/dataset.yml",
        f"changed: {f}/sources/hand.txt (its new sha256 is recorded in dataset.yml: a deliberate change)",
        f"new: {f}/sources/new.txt",
        f"new: {f}/sources/odd: name.txt",
        f"gone: {f}/sources/other.txt",
    ]


def test_rebuild_reads_unrecorded_tables_and_restores_the_environment(tmp_path, monkeypatch):
    seen = []

    def fake_build_year(analysis, langs, out, proc, **kw):
        import os

        seen.append((os.environ.get(SKIP_CHECKSUMS_ENV), analysis.year, langs, kw))
        folders.append((out.relative_to(out.parent.parent), proc.relative_to(proc.parent.parent)))
        (out / "three-years" / "2023").mkdir(parents=True)
        (out / "three-years" / "2023" / "figures.json").write_bytes(b"a")
        (proc / "three-years" / "2023").mkdir(parents=True)
        (proc / "three-years" / "2023" / "units.csv").write_bytes(b"b")
        return out / "three-years" / "2023"

    import parlib.build.runner as runner
    import parlib.model.analysis as analysis_module

    folders: list[tuple[Path, Path]] = []
    analysed: list[list[int]] = []
    real_analyse_years = analysis_module.analyse_years

    def spy_analyse_years(ds, years=None, *a, **k):
        analysed.append(years)
        return real_analyse_years(ds, years, *a, **k)

    monkeypatch.setattr(runner, "build_year", fake_build_year)
    monkeypatch.setattr(analysis_module, "analyse_years", spy_analyse_years)
    ds = load("three-years")
    monkeypatch.delenv(SKIP_CHECKSUMS_ENV, raising=False)
    (tmp_path / "1").mkdir()
    got = rebuild(ds, 2023, {"langs": [], "report": True}, tmp_path / "1")
    assert got == {"report/figures.json": SHA_A, "processed/units.csv": sha(b"b")}
    import os

    assert SKIP_CHECKSUMS_ENV not in os.environ
    common = {"force": True, "clean": True, "quiet": True, "keep_failed": False}
    assert seen[-1] == ("1", 2023, ["vi"], {"report": False, **common})
    # into two folders of the temporary folder; the year rebuilt is the only one analysed
    assert folders == [(Path("1/out"), Path("1/processed"))] and analysed == [[2023]]
    monkeypatch.setenv(SKIP_CHECKSUMS_ENV, "0")
    (tmp_path / "2").mkdir()
    rebuild(ds, 2023, {"langs": ["en", "vi"], "report": True}, tmp_path / "2")
    assert os.environ[SKIP_CHECKSUMS_ENV] == "0"
    assert seen[-1] == ("1", 2023, ["en", "vi"], {"report": True, **common})
    (tmp_path / "3").mkdir()
    rebuild(ds, 2023, {"langs": ["vi"], "report": False}, tmp_path / "3")
    assert seen[-1] == ("1", 2023, ["vi"], {"report": False, **common})


def test_verify_refuses_a_missing_or_foreign_manifest(tmp_path):
    """... and one without its processed folder (a bug: an empty path was the project's root, so
    verify read every file of the project, .git and .venv included, as a processed table)."""
    with pytest.raises(DataError) as e:
        verify.verify(tmp_path / "nothing.json")
    assert str(e.value) == (
        f"{tmp_path}/nothing.json: manifest not found — give the path of a manifest.json written by `parlib build`"
    )
    path = tmp_path / "m.json"
    for text in ("not json", "[1, 2]", "{}", '{"dataset_path": "x", "year": "twenty", "parameters": {}}',
                 '{"dataset_path": "x", "year": 2023, "parameters": {}, "inputs": {}}',
                 '{"dataset_path": "x", "year": 2023, "parameters": {}, "inputs": {}, "outputs": {}}',
                 '{"dataset_path": "x", "year": 2023, "parameters": {}, "inputs": {}, "outputs": {}, "processed_dir": ""}',
                 '{"dataset_path": "x", "year": 2023, "parameters": {}, "inputs": {}, "outputs": {}, "processed_dir": 1}'):  # fmt: skip
        path.write_text(text, encoding="utf-8")
        with pytest.raises(DataError) as e:
            verify.verify(path)
        assert str(e.value) == f"{path}: not a parlib manifest — give the manifest.json written beside a report"


def _verify_lines(path: Path, capsys) -> tuple[int, list[str]]:
    code = verify.verify(path)
    return code, capsys.readouterr().out.splitlines()


def test_verify_prints_each_section_and_the_git_line(tmp_path, monkeypatch, capsys):
    target, proc = _built(tmp_path)
    path = target / MANIFEST
    m = read_manifest(path)
    n_in, n_out = len(m["inputs"]), len(m["outputs"])
    monkeypatch.setattr(verify, "get_git_state", lambda: {"commit": "abc123", "clean": True})
    write_manifest(path, {**m, "git": {"commit": "def456", "clean": True}})
    code, lines = _verify_lines(path, capsys)
    assert code == 0
    assert lines == [
        "verify: three-years 2023, manifest.json",
        "manifest:",
        "  matches the sha256 written beside it",
        "inputs:",
        f"  all {n_in} as recorded",
        "environment:",
        "  git: built at def456 (working tree clean), here abc123 (clean) — inputs are compared file by file above",
        "outputs on disk:",
        f"  all {n_out} match the manifest",
        "rebuild:",
        f"  all {n_out} outputs rebuilt byte for byte",
        f"OK: inputs and environment as recorded, all {n_out} outputs on disk and rebuilt match",
    ]
    monkeypatch.setattr(verify, "rebuild", lambda ds, year, params, tmp: dict(m["outputs"]))  # fast from here
    for then, now, line in [
        ({"commit": "d", "clean": False}, {"commit": "a", "clean": False},
         "git: built at d (working tree NOT clean), here a (not clean)"),
        ({"commit": None, "clean": None}, {"commit": None, "clean": None}, "git: built at no commit, here no commit"),
    ]:  # fmt: skip
        monkeypatch.setattr(verify, "get_git_state", lambda now=now: now)
        write_manifest(path, {**m, "git": then})
        code, lines = _verify_lines(path, capsys)
        assert code == 0 and lines[6] == f"  {line} — inputs are compared file by file above"
    # a manifest of an older parlib: the commit alone, under "git_commit"
    old = {k: v for k, v in m.items() if k != "git"}
    write_manifest(path, {**old, "git_commit": "0ld"})
    code, lines = _verify_lines(path, capsys)
    assert lines[6] == "  git: built at 0ld, here no commit — inputs are compared file by file above"


def test_verify_names_each_kind_of_finding(tmp_path, monkeypatch, capsys):
    target, proc = _built(tmp_path)
    path = target / MANIFEST
    m = read_manifest(path)
    n_out = len(m["outputs"])
    monkeypatch.setattr(verify, "get_git_state", lambda: {"commit": "abc", "clean": True})
    monkeypatch.setattr(verify, "rebuild", lambda ds, year, params, tmp: dict(m["outputs"]))
    # an input recorded that is not there any more, and one that was not recorded
    key = "tests/data/three-years/published.yml"
    inputs = {**{k: v for k, v in m["inputs"].items() if k != key}, "tests/data/three-years/gone.csv": "0" * 64}
    write_manifest(path, {**m, "inputs": inputs})
    code, lines = _verify_lines(path, capsys)
    assert code == 3
    assert lines[3:6] == [
        "inputs changed since the build:",
        "  gone: tests/data/three-years/gone.csv",
        f"  new: {key}",
    ]
    assert (
        lines[-1]
        == f"inputs changed, outputs reproduced: 2 input(s) changed, all {n_out} outputs rebuilt byte for byte"
    )
    # the environment: another Python
    env = {**m["environment"], "python": "2.7.18"}
    write_manifest(path, {**m, "environment": env})
    code, lines = _verify_lines(path, capsys)
    here = environment.get_environment()["python"]
    assert code == 4
    assert lines[5:7] == ["environment:", f"  Python: built with 2.7.18, here {here}"]
    assert lines[-1] == (
        f"environment differs, cannot vouch for byte identity: Python: built with 2.7.18, here {here} — "
        f"the rebuild here reproduced all {n_out} outputs"
    )
    # a manifest without an environment at all
    write_manifest(path, {k: v for k, v in m.items() if k != "environment"})
    code, lines = _verify_lines(path, capsys)
    assert code == 4 and lines[6].startswith("  Python: built with None, here ")
    # the rebuild fails: the temporary folder is not named
    write_manifest(path, m)

    def failing(ds, year, params, tmp):
        raise DataError("a table is bad", "fix it", tmp / "processed" / "t.csv")

    monkeypatch.setattr(verify, "rebuild", failing)
    code, lines = _verify_lines(path, capsys)
    assert code == 5
    assert lines[-2:] == [
        "  failed: <temporary folder>/processed/t.csv: a table is bad — fix it",
        "outputs differ: the rebuild failed: <temporary folder>/processed/t.csv: a table is bad — fix it",
    ]
    # the rebuild gives other bytes
    monkeypatch.setattr(verify, "rebuild", lambda ds, year, params, tmp: {**m["outputs"], "report/figures.json": "0"})
    code, lines = _verify_lines(path, capsys)
    assert code == 5
    assert lines[-2:] == ["  differs: report/figures.json", "outputs differ: rebuilt: report/figures.json"]
    # the manifest itself rewritten: that comes first
    path.write_bytes(path.read_bytes().replace(b'"year": 2023', b'"year":  2023'))
    code, lines = _verify_lines(path, capsys)
    assert code == 6
    assert lines[1:3] == [
        "manifest:",
        "  manifest.json does not match the sha256 in manifest.json.sha256: the manifest was changed after the build wrote it",
    ]
    assert lines[-1] == (
        "manifest rewritten: manifest.json does not match the sha256 in manifest.json.sha256: "
        "the manifest was changed after the build wrote it"
    )


def test_verify_reads_the_processed_folder_the_manifest_names(tmp_path, monkeypatch, capsys):
    target, proc = _built(tmp_path)
    path = target / MANIFEST
    m = read_manifest(path)
    monkeypatch.setattr(verify, "rebuild", lambda ds, year, params, tmp: dict(m["outputs"]))
    moved = tmp_path / "elsewhere"
    shutil.move(proc, moved)
    code, lines = _verify_lines(path, capsys)
    assert code == 5 and "  missing: processed/units.csv" in lines
    write_manifest(path, {**m, "processed_dir": moved.as_posix()})
    code, lines = _verify_lines(path, capsys)
    assert code == 0


# --- environment.py ------------------------------------------------------------------------------


def test_diff_environment_names_each_difference():
    fonts = [{"use": "DejaVu Sans", "file": "a.ttf", "version": "V1", "sha256": "0123456789abcdef"}]
    base = {"python": "3.11.2", "packages": {"numpy": "1.0"}, "system_libraries": {"pango": "1.50"}, "fonts": fonts}
    assert diff_environment(base, json.loads(json.dumps(base))) == []
    here = {
        "python": "3.12.0",
        "packages": {"numpy": "1.1", "scipy": "1.0"},
        "system_libraries": {"pango": None, "harfbuzz": "6.0.0"},
        "fonts": [
            {"use": "DejaVu Sans", "file": "a.ttf", "version": "V2", "sha256": "fedcba9876543210"},
            {"use": "DejaVu Sans Mono", "file": None, "version": None, "sha256": None},
        ],
    }
    recorded = {**base, "packages": {"numpy": "1.0", "pandas": "2.0"}}
    recorded["fonts"] = fonts + [{"use": "chart: DejaVu Sans", "file": "b.ttf", "version": "V", "sha256": "1" * 64}]
    assert diff_environment(recorded, here) == [
        "Python: built with 3.11.2, here 3.12.0",
        "package numpy: built with 1.0, here 1.1",
        "package pandas: built with 2.0, here none",
        "package scipy: built with none, here 1.0",
        "system library harfbuzz: built with none, here 6.0.0",
        "system library pango: built with 1.50, here none",
        "font DejaVu Sans Mono: not used when built",
        "font a.ttf: built with V1 sha256 0123456789ab…, here V2 sha256 fedcba987654…",
        "font b.ttf: not found here",
    ]
    # the same file and sha256 but another version is a difference too; nothing recorded at all
    same_sha = [{**fonts[0], "version": "V9"}]
    assert diff_environment(base, {**base, "fonts": same_sha}) == [
        "font a.ttf: built with V1 sha256 0123456789ab…, here V9 sha256 0123456789ab…"
    ]
    assert diff_environment({}, {"python": "3.11.2", "packages": {"a": "1"}, "fonts": []}) == [
        "Python: built with None, here 3.11.2",
        "package a: built with none, here 1",
        "fonts: the manifest records none (written by an older parlib)",
    ]
    assert diff_environment({"fonts": None}, {"fonts": fonts}) == ["font a.ttf: not used when built"]


def test_font_label_keeps_a_packaged_font_from_the_package_down():
    venv = "/home/x/.venv/lib/python3.11/site-packages/matplotlib/mpl-data/fonts/ttf/DejaVuSans.ttf"
    assert _font_label(Path(venv)) == "matplotlib/mpl-data/fonts/ttf/DejaVuSans.ttf"
    assert _font_label(Path("/a/site-packages/b/site-packages/c.ttf")) == "b/site-packages/c.ttf"
    system = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    assert _font_label(Path(system)) == system


def test_font_version_of_a_font_and_of_something_else(tmp_path):
    (tmp_path / "x.ttf").write_bytes(b"not a font")
    assert font_version(tmp_path / "x.ttf") is None
    assert font_version(tmp_path / "absent.ttf") is None
    font = (
        shutil.which("fc-match")
        and subprocess.run(["fc-match", "-f", "%{file}", "DejaVu Sans"], capture_output=True, text=True).stdout
    )
    if not font:
        pytest.skip("fontconfig's fc-match is not installed")
    version = font_version(Path(font))
    assert version is not None and version.startswith("Version ") and version == version.strip()


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig's fc-match is not installed")
def test_the_font_files_are_the_ones_fontconfig_picks():
    for pattern in environment.CSS_FONT_PATTERNS:
        expected = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True).stdout
        assert environment._fontconfig_file(pattern) == expected, pattern
    assert environment._fontconfig_file("DejaVu Sans:bold").endswith("DejaVuSans-Bold.ttf")
    # fc-match --version prints "fontconfig version 2.14.1": the library's own version, written the same way
    out = subprocess.run(["fc-match", "--version"], capture_output=True, text=True)
    printed = (out.stdout + out.stderr).split("version")[-1].strip()
    assert environment.get_system_libraries()["fontconfig"] == printed


def test_libraries_that_are_not_there_give_none():
    assert _load("no-such-library-parlib") is None
    assert _version_string(None, "hb_version_string") is None
    lib = _load("harfbuzz")
    if lib is None:
        pytest.skip("HarfBuzz is not installed")
    assert _version_string(lib, "no_such_function_parlib") is None
    version = _version_string(lib, "hb_version_string")
    assert version is not None and [p.isdigit() for p in version.split(".")] == [True, True, True]


def test_packages_are_lower_case_sorted_and_without_parlib():
    import pandas
    import yaml

    packages = environment.get_packages()
    assert packages["pandas"] == pandas.__version__
    assert packages["pyyaml"] == yaml.__version__  # the distribution is "PyYAML": written lower-case
    assert "parlib" not in packages
    assert list(packages) == sorted(packages) and all(k == k.lower() for k in packages)
    env = environment.get_environment()
    assert env["packages"] == packages and env["python"] == ".".join(map(str, __import__("sys").version_info[:3]))


def test_verify_of_a_dataset_whose_table_changed_since_says_so(tmp_path, monkeypatch, capsys):
    """A table edited after the build, its new sha256 not recorded: verify still reads the dataset
    (it does not stop at the checksum, as a build would) and names the change."""
    folder = variant(tmp_path, "three-years")
    target = build_year(
        analyse(load_unverified(folder), 2023), ["vi"], tmp_path / "out", tmp_path / "proc", report=False, force=True
    )
    m = read_manifest(target / MANIFEST)
    monkeypatch.setattr(verify, "rebuild", lambda ds, year, params, tmp: dict(m["outputs"]))
    table = folder / "2022" / "departments-2022.csv"
    table.write_bytes(table.read_bytes() + b"\n")
    code, lines = _verify_lines(target / MANIFEST, capsys)
    assert code == 3
    assert lines[3:5] == [
        "inputs changed since the build:",
        f"  changed: {table.as_posix()} (dataset.yml records another sha256: NOT recorded as a deliberate change)",
    ]


def test_a_display_path_relative_to_the_project_is_read_from_the_project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # not from the working folder
    assert manifest.resolve_display_path("tests/data/three-years") == PROJECT_ROOT / "tests" / "data" / "three-years"
    assert manifest.resolve_display_path(tmp_path.as_posix()) == tmp_path


def test_a_git_that_never_answers_gives_no_commit(monkeypatch):
    """git waiting for ever (a lock, a prompt): the build does not wait with it; it records no commit."""

    def hanging_git(cmd, **kw):
        if kw.get("timeout") is None:
            raise AssertionError("git would be waited for for ever")
        raise subprocess.TimeoutExpired(cmd, kw["timeout"])

    monkeypatch.setattr(manifest.subprocess, "run", hanging_git)
    assert get_git_state() == {"commit": None, "clean": None}


def test_a_repository_without_a_commit_gives_no_commit_and_no_clean_state(tmp_path, monkeypatch):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "new.txt").write_text("x", encoding="utf-8")
    monkeypatch.setattr(manifest, "PROJECT_ROOT", tmp_path)
    assert get_git_state() == {"commit": None, "clean": None}  # nothing to be clean against


def test_the_chart_font_is_dejavu_sans_whatever_matplotlib_s_default_family(monkeypatch):
    """The charts are drawn in DejaVu Sans (parlib.report.charts.FONT), the file matplotlib ships as
    DejaVuSans.ttf, even where matplotlib's default family is another."""
    import matplotlib

    monkeypatch.setitem(matplotlib.rcParams, "font.family", ["serif"])
    assert Path(_chart_font_file()).name == "DejaVuSans.ttf"


def test_fontconfig_is_loaded_once_then_its_configuration_kept(monkeypatch):
    """The first lookup in a process loads fontconfig's configuration; DejaVu Sans is a file named
    DejaVuSans.ttf (as `fc-match "DejaVu Sans" file` says)."""
    monkeypatch.setattr(environment, "_FC_CONFIG", [])
    assert Path(_fontconfig_file("DejaVu Sans")).name == "DejaVuSans.ttf"
    assert len(environment._FC_CONFIG) == 1
    # the configuration kept is the one loaded (a pointer), not None: with None (NULL) fontconfig would
    # fall back at each call to its own current configuration, loaded again behind the code's back
    assert isinstance(environment._FC_CONFIG[0], int) and environment._FC_CONFIG[0] != 0
    assert Path(_fontconfig_file("DejaVu Sans")).name == "DejaVuSans.ttf"


def test_a_font_missing_in_both_environments_is_no_difference():
    missing = {"use": "DejaVu Sans Mono", "file": None, "version": None, "sha256": None}
    env = {"python": "3.11.7", "packages": {}, "system_libraries": {}, "fonts": [missing]}
    assert diff_environment(env, json.loads(json.dumps(env))) == []
