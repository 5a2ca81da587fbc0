"""Issue 11: the auditor's promise, end to end on copies.

Languages kept between builds, figures that disagree stop the build, `parlib verify`'s sections and
verdicts (each tamper its own exit code), the manifest's sidecar, no lock or staging file left.
Most builds here are `--no-report` (tables, figures.json, manifest) to stay fast; the language
tests build whole reports.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "parlib", *args], cwd=cwd, capture_output=True, text=True, timeout=900, env=env
    )


def build(dataset: str | Path, tmp: Path, *extra: str, cwd: Path = ROOT, env=None) -> subprocess.CompletedProcess:
    return run(
        "build",
        str(dataset),
        "--year",
        "2023",
        "--no-report",
        "--out",
        str(tmp / "out"),
        "--processed",
        str(tmp / "processed"),
        *extra,
        cwd=cwd,
        env=env,
    )


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    """Lock, staging and half-replaced folders under ``folder``."""
    return sorted(
        p.name for p in folder.rglob("*") if p.name.endswith(".lock") or p.name.startswith((".staging", ".old"))
    )


@pytest.fixture
def backan_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "backan-copy"
    shutil.copytree(ROOT / "data" / "raw" / "backan", dst)
    return dst


def change_table(ds: Path, rel: str, old: str, new: str, record: bool) -> Path:
    """Edit one raw table of a dataset copy; with ``record``, write its new sha256 into dataset.yml
    as a deliberate change would be."""
    raw = ds / rel
    before = sha(raw)
    text = raw.read_text(encoding="utf-8")
    assert old in text
    raw.write_text(text.replace(old, new), encoding="utf-8")
    if record:
        yml = ds / "dataset.yml"
        yml.write_text(yml.read_text(encoding="utf-8").replace(before, sha(raw)), encoding="utf-8")
    return raw


# --- disagreement is loud ------------------------------------------------------------------------


def test_changed_table_with_recorded_checksum_stops_the_build_and_verify_says_inputs_changed(tmp_path, backan_copy):
    assert build(backan_copy, tmp_path).returncode == 0
    report = tmp_path / "out" / "backan" / "2023"
    before = {p.name: p.read_bytes() for p in report.iterdir()}
    # The article prints the city's survey score as 12,071; the edited table gives 12,070.
    raw = change_table(backan_copy, "2023/districts.csv", "12,071", "12,070", record=True)
    r = build(backan_copy, tmp_path, "--force")
    assert r.returncode == 1, r.stderr
    assert "published figure city-survey does not match: printed 12,071, computed 12,070" in r.stderr
    # its total falls by 0,001 too: 87,459 still prints 87,46, but the change 5,651 becomes 5,650
    assert "published figure city-change does not match: printed 5,651, computed 5,650" in r.stderr
    assert re.search(r"backan 2023: 2 of \d+ published figures do not match", r.stderr)
    assert "--allow-mismatch" in r.stderr and "Traceback" not in r.stderr
    assert {p.name: p.read_bytes() for p in report.iterdir()} == before  # nothing was written
    assert leftovers(tmp_path) == []

    v = run("verify", str(report / "manifest.json"))
    assert v.returncode == 5, v.stdout + v.stderr
    inputs = v.stdout.split("inputs changed")[1].split("environment")[0]
    assert f"changed: {raw.as_posix()} (its new sha256 is recorded in dataset.yml: a deliberate change)" in inputs
    assert f"changed: {(backan_copy / 'dataset.yml').as_posix()}" in inputs
    assert "notebook" not in v.stdout + v.stderr
    assert v.stdout.splitlines()[-1].startswith("outputs differ: rebuilt: ")
    assert "report/figures.json" in v.stdout.splitlines()[-1]
    # sections in order: manifest, inputs, environment, outputs on disk, rebuild, verdict
    heads = [line for line in v.stdout.splitlines() if not line.startswith(" ") and line.endswith(":")]
    assert heads == ["manifest:", "inputs changed since the build:", "environment:", "outputs on disk:", "rebuild:"]


def test_allow_mismatch_builds_and_the_report_says_so(tmp_path, backan_copy):
    change_table(backan_copy, "2023/districts.csv", "12,071", "12,070", record=True)
    r = build(backan_copy, tmp_path, "--allow-mismatch")
    assert r.returncode == 0, r.stderr
    assert "city-survey does not match" in r.stderr and "building anyway" in r.stderr
    doc = json.loads((tmp_path / "out" / "backan" / "2023" / "figures.json").read_text(encoding="utf-8"))
    assert [f["id"] for f in doc["published_figures"] if not f["match"]] == ["city-change", "city-survey"]
    from parlib.report import sections

    for lang, words, bad in (
        ("en", "FIGURES DO NOT MATCH (2 of ", "2 figure(s) do not match"),
        ("vi", "SỐ LIỆU KHÔNG KHỚP (02/", "02 số liệu không khớp"),
    ):  # vi counts: 2 digits
        ctx = sections.prepare(str(backan_copy), 2023, lang, ".")
        title = sections.html_title(ctx)
        banner = re.search(r'<div class="parlib-banner">(.*?)</div>', title).group(1)
        # the running banner holds both notices, the mismatch first; the detail block says why
        assert banner.startswith(words) and "--allow-mismatch" in banner
        assert "MINH HỌA" in banner or "ILLUSTRATIVE" in banner
        assert 'class="parlib-banner-detail mismatch"' in title
        published = sections.html_published(ctx)
        assert f'<p class="mismatch">{bad}' in published


def test_untouched_data_has_no_mismatch_banner():
    from parlib.report import sections

    for lang in ("en", "vi"):
        ctx = sections.prepare("backan", 2023, lang, ".")
        title = sections.html_title(ctx)
        assert "DO NOT MATCH" not in title and "KHÔNG KHỚP" not in title
        assert "mismatch" not in title
        assert 'class="mismatch"' not in sections.html_published(ctx)


# --- verify's verdicts ---------------------------------------------------------------------------


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of the project's files a build reads (code, notebook, data, lock), to edit freely."""
    dst = tmp_path / "project"
    for rel in ("parlib", "notebooks", "data/raw", "scripts"):
        shutil.copytree(ROOT / rel, dst / rel, ignore=shutil.ignore_patterns("__pycache__"))
    for rel in ("requirements.lock", "pyproject.toml"):
        shutil.copy2(ROOT / rel, dst / rel)
    return dst


def test_a_comment_in_a_source_file_gives_inputs_changed_outputs_reproduced(tmp_path, project_copy):
    env = {**os.environ, "PYTHONPATH": str(project_copy)}
    assert build("vn-ministries", tmp_path, cwd=project_copy, env=env).returncode == 0
    src = project_copy / "parlib" / "model" / "scoring.py"
    src.write_text(src.read_text(encoding="utf-8") + "# a comment changes no result\n", encoding="utf-8")
    v = run("verify", str(tmp_path / "out" / "vn-ministries" / "2023" / "manifest.json"), cwd=project_copy, env=env)
    assert v.returncode == 3, v.stdout + v.stderr
    assert "changed: parlib/model/scoring.py\n" in v.stdout
    assert v.stdout.splitlines()[-1].startswith("inputs changed, outputs reproduced: 1 input(s) changed, all ")


def _rewrite_as_elsewhere(manifest: Path, edit) -> None:
    """Change a manifest as if it had been written on another machine: its sidecar agrees."""
    m = json.loads(manifest.read_text(encoding="utf-8"))
    edit(m)
    data = (json.dumps(m, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
    manifest.write_bytes(data)
    (manifest.parent / "manifest.json.sha256").write_text(f"{hashlib.sha256(data).hexdigest()}  manifest.json\n")


def test_a_different_package_version_gives_the_environment_verdict(tmp_path):
    assert build("vn-ministries", tmp_path).returncode == 0
    manifest = tmp_path / "out" / "vn-ministries" / "2023" / "manifest.json"
    _rewrite_as_elsewhere(manifest, lambda m: m["environment"]["packages"].update(matplotlib="3.0.0"))
    v = run("verify", str(manifest))
    assert v.returncode == 4, v.stdout + v.stderr
    here = importlib.metadata.version("matplotlib")
    assert f"package matplotlib: built with 3.0.0, here {here}" in v.stdout
    last = v.stdout.splitlines()[-1]
    assert last.startswith("environment differs, cannot vouch for byte identity: package matplotlib")
    assert "the rebuild here reproduced all" in last


def test_a_changed_font_gives_the_environment_verdict(tmp_path):
    """A build, then the same check on a machine whose DejaVu Sans is another file (fontconfig is
    pointed at a folder of our own holding an altered copy)."""
    assert build("vn-ministries", tmp_path).returncode == 0
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf"):
        shutil.copy2(Path("/usr/share/fonts/truetype/dejavu") / name, fonts / name)
    with open(fonts / "DejaVuSans.ttf", "ab") as fh:
        fh.write(b"\0" * 16)  # another file: same name, other bytes
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        f"<?xml version='1.0'?><fontconfig><dir>{fonts}</dir><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    v = run(
        "verify",
        str(tmp_path / "out" / "vn-ministries" / "2023" / "manifest.json"),
        env={**os.environ, "FONTCONFIG_FILE": str(conf)},
    )
    assert v.returncode == 4, v.stdout + v.stderr
    assert f"font {fonts / 'DejaVuSans.ttf'}: not used when built" in v.stdout
    assert "font /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf: not found here" in v.stdout
    assert v.stdout.splitlines()[-1].startswith("environment differs, cannot vouch for byte identity: ")


@pytest.mark.parametrize("tamper", ["edit", "no-sidecar"])
def test_a_rewritten_manifest_is_caught(tmp_path, tamper):
    assert build("vn-ministries", tmp_path).returncode == 0
    manifest = tmp_path / "out" / "vn-ministries" / "2023" / "manifest.json"
    if tamper == "edit":  # the Python version and the commit edited by hand, the sidecar left as it was
        m = json.loads(manifest.read_text(encoding="utf-8"))
        m["environment"]["python"], m["git"]["commit"] = "3.11.0", "0" * 40
        manifest.write_text(json.dumps(m, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    else:
        (manifest.parent / "manifest.json.sha256").unlink()
    v = run("verify", str(manifest))
    assert v.returncode == 6, v.stdout + v.stderr
    assert v.stdout.splitlines()[-1].startswith("manifest rewritten: ")


def test_verify_names_no_temporary_folder(tmp_path):
    assert build("vn-ministries", tmp_path).returncode == 0
    v = run("verify", str(tmp_path / "out" / "vn-ministries" / "2023" / "manifest.json"))
    assert v.returncode == 0, v.stdout + v.stderr
    assert "parlib-verify-" not in v.stdout + v.stderr and "written to" not in v.stderr
    assert "/tmp/" not in v.stderr


def test_verify_exit_codes_are_documented():
    from parlib.build import verify

    text = (ROOT / "README.md").read_text(encoding="utf-8") + (verify.__doc__ or "")
    for code, words in verify.VERDICTS.items():
        assert re.search(rf"\b{code}\b[^\n]*{re.escape(words)}", text), (code, words)


# --- languages -----------------------------------------------------------------------------------


def _report_build(out: Path, *args: str) -> subprocess.CompletedProcess:
    return run(
        "build",
        "vn-ministries",
        "--year",
        "2023",
        *args,
        "--out",
        str(out / "out"),
        "--processed",
        str(out / "processed"),
    )


FOUR = {f"report.{lg}.{ext}" for lg in ("vi", "en") for ext in ("html", "pdf")}


@pytest.fixture(scope="module")
def vi_then_en(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("langs")
    for lang in ("vi", "en"):
        r = _report_build(out, "--lang", lang)
        assert r.returncode == 0, r.stderr
    return out


def test_one_language_after_the_other_keeps_both(vi_then_en):
    report = vi_then_en / "out" / "vn-ministries" / "2023"
    assert FOUR <= {p.name for p in report.iterdir()}
    m = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    assert m["parameters"]["langs"] == ["en", "vi"]
    assert FOUR <= {k.split("/", 1)[1] for k in m["outputs"]}
    assert json.loads((report / "figures.json").read_text(encoding="utf-8"))["report_languages"] == ["en", "vi"]
    assert leftovers(vi_then_en) == []


def test_forced_build_of_one_language_leaves_the_other_as_it_was(vi_then_en):
    report = vi_then_en / "out" / "vn-ministries" / "2023"
    vi = {p.name: p.read_bytes() for p in report.glob("report.vi.*")}
    r = _report_build(vi_then_en, "--lang", "en", "--force")
    assert r.returncode == 0, r.stderr
    assert FOUR <= {p.name for p in report.iterdir()}
    assert {p.name: p.read_bytes() for p in report.glob("report.vi.*")} == vi
    r = _report_build(vi_then_en, "--lang", "en", "--clean")  # removing a language is explicit
    assert r.returncode == 0, r.stderr
    assert not list(report.glob("report.vi.*")) and (report / "report.en.pdf").is_file()
    assert json.loads((report / "manifest.json").read_text(encoding="utf-8"))["parameters"]["langs"] == ["en"]


def test_concurrent_builds_of_two_languages_both_land(tmp_path):
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "parlib",
                "build",
                "vn-ministries",
                "--year",
                "2023",
                "--lang",
                lang,
                "--out",
                str(tmp_path / "out"),
                "--processed",
                str(tmp_path / "processed"),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for lang in ("vi", "en")
    ]
    for p in procs:
        _, err = p.communicate(timeout=900)
        assert p.returncode == 0, err
    report = tmp_path / "out" / "vn-ministries" / "2023"
    assert FOUR <= {p.name for p in report.iterdir()}
    m = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    assert m["parameters"]["langs"] == ["en", "vi"]
    assert leftovers(tmp_path) == []


# --- sources shipped -----------------------------------------------------------------------------


def _published(ds: str) -> list[dict]:
    import yaml

    return yaml.safe_load((ROOT / "data" / "raw" / ds / "published.yml").read_text(encoding="utf-8"))["figures"]


def _flat(text: str) -> str:
    import unicodedata

    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).casefold()


def test_the_article_copy_contains_every_printed_value_and_sentence():
    article = ROOT / "data" / "raw" / "backan" / "sources" / "bao-bac-kan-par-index-2023.txt"
    for shared in (ROOT.parent / "shared", ROOT.parents[1] / "shared"):  # ../shared, where the project reads it
        ref = shared / "reference" / article.name
        if ref.is_file():  # the copy is the reference text, unchanged
            assert article.read_bytes() == ref.read_bytes()
    text = _flat(article.read_text(encoding="utf-8"))
    figures = _published("backan")
    assert len(figures) == 24
    for f in figures:
        assert _flat(f["sentence"]) in text, f["id"]
        assert _flat(f["printed"]) in text, f["id"]


def test_every_published_source_ships_a_copy_with_its_checksum_and_a_license():
    import yaml

    for ds in ("backan", "vn-ministries"):
        doc = yaml.safe_load((ROOT / "data" / "raw" / ds / "dataset.yml").read_text(encoding="utf-8"))
        for src in doc["sources"]:
            if src["provenance"] != "published":
                continue
            copy = ROOT / "data" / "raw" / ds / src["copy"]
            assert copy.is_file(), (ds, src["id"])
            assert src["copy_sha256"] == sha(copy), (ds, src["id"])
            assert "license" in src["license"] or "cite" in src["license"], (ds, src["id"])


@pytest.mark.parametrize("ds", ["backan", "vn-ministries"])
def test_check_sources_finds_every_figure_in_its_copy(ds):
    r = run("check", ds, "--sources")
    assert r.returncode == 0, r.stdout + r.stderr
    lines = [ln for ln in r.stdout.split("in the sources' local copies:")[1].splitlines() if ln.strip()]
    assert len(lines) == len(_published(ds)) + 1
    assert all(" found in sources/" in ln for ln in lines[:-1])
    if ds == "backan":
        assert (
            "city-survey  12,071  found in sources/bao-bac-kan-par-index-2023.txt: “Điểm điều tra xã hội học "
            "của thành phố đạt 12,071, cao nhất trong các đơn vị cấp huyện.”"
        ) in r.stdout


def test_check_sources_fails_when_a_printed_value_is_not_in_the_copy(backan_copy):
    copy = backan_copy / "sources" / "bao-bac-kan-par-index-2023.txt"
    before = sha(copy)
    copy.write_text(copy.read_text(encoding="utf-8").replace("95,476", "95,467"), encoding="utf-8")
    r = run("validate", str(backan_copy))  # an unrecorded change to a source copy is refused like a table's
    assert r.returncode == 2 and "bao-bac-kan-par-index-2023.txt: source copy has changed" in r.stderr
    yml = backan_copy / "dataset.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace(before, sha(copy)), encoding="utf-8")
    r = run("check", str(backan_copy), "--sources")
    assert r.returncode == 1
    assert "gtvt-total-2023  95,476  NOT FOUND in sources/bao-bac-kan-par-index-2023.txt" in r.stdout
    assert "23 of 24 printed values found" in r.stdout


def test_number_patterns_respect_the_number_style():
    from parlib.check.sources import _number_pattern

    p = _number_pattern("89.95")
    assert p.search("1,Bộ Tư pháp,61.86,28.10,89.95,89.95")
    assert not p.search("189.95") and not p.search("89.951") and not p.search("x 89.9")
    c = _number_pattern("12,071")
    assert c.search("đạt 12,071, cao nhất") and not c.search("112,071") and not c.search("12,0712")
    assert _number_pattern("6").search("tăng 6 bậc") and not _number_pattern("6").search("tăng 16 bậc")


# --- a standard data package ---------------------------------------------------------------------


@pytest.mark.parametrize("ds", ["backan", "vn-ministries"])
def test_processed_tables_are_a_valid_frictionless_data_package(tmp_path, ds):
    from frictionless import Package, validate

    r = run("build", ds, "--no-report", "--out", str(tmp_path / "out"), "--processed", str(tmp_path / "processed"))
    assert r.returncode == 0, r.stderr
    for year in ("2022", "2023"):
        folder = tmp_path / "processed" / ds / year
        pkg = folder / "datapackage.json"
        report = validate(str(pkg))
        assert report.valid, report.flatten(["type", "note"])
        doc = json.loads(pkg.read_text(encoding="utf-8"))
        assert {res["path"] for res in doc["resources"]} == {p.name for p in folder.glob("*.csv")}
        for res in doc["resources"]:
            assert res["hash"] == "sha256:" + sha(folder / res["path"])
            assert res["bytes"] == (folder / res["path"]).stat().st_size
            for f in res["schema"]["fields"]:
                assert "not described" not in f["description"] and f["description_vi"], (res["name"], f["name"])
        units = {f["name"]: f for res in doc["resources"] if res["name"] == "units" for f in res["schema"]["fields"]}
        assert units["total"]["type"] == "number" and units["total"]["unit"] == "points"
        assert units["rank"]["type"] == "integer" and units["unit_id"]["type"] == "string"
    if ds == "backan":  # loaded back with frictionless: the city's survey score the article prints
        rows = Package(str(tmp_path / "processed" / ds / "2023" / "datapackage.json")).get_resource("units").read_rows()
        city = next(row for row in rows if row["unit_id"] == "tp-bac-kan")
        assert float(city["survey"]) == pytest.approx(12.071) and city["rank"] == 1
    units_csv = tmp_path / "processed" / ds / "2023" / "units.csv"
    units_csv.write_text(units_csv.read_text(encoding="utf-8").replace(",", ";", 1), encoding="utf-8")
    assert not validate(str(units_csv.parent / "datapackage.json")).valid  # a changed table is caught


def test_commentary_files_and_source_copies_are_manifest_inputs(tmp_path, backan_copy):
    notes = sorted((backan_copy / "commentary").glob("*.md"))
    assert notes  # backan ships its commentary (issue 10)
    assert build(backan_copy, tmp_path).returncode == 0
    m = json.loads((tmp_path / "out" / "backan" / "2023" / "manifest.json").read_text(encoding="utf-8"))
    for note in notes:
        assert m["inputs"][note.as_posix()] == sha(note)
    copy = backan_copy / "sources" / "bao-bac-kan-par-index-2023.txt"
    assert m["inputs"][copy.as_posix()] == sha(copy)
    doc = json.loads((tmp_path / "out" / "backan" / "2023" / "figures.json").read_text(encoding="utf-8"))
    assert doc["report_languages"] == []  # a --no-report build: no report, no language
