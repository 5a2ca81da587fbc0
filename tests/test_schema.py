"""The JSON Schemas of dataset.yml and published.yml (issue 12 part 3, issue 8 item 6): shipped in
docs/schema/ and in the package, valid schemas, true to every dataset the project has, and used by
`validate` to report every schema error at once, with its path."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import pytest
import yaml
from handmade import DATA
from jsonschema import Draft202012Validator

from parlib.cli import main
from parlib.data.schema import SCHEMA_DIR, SCHEMAS, load_schema, schema_errors

ROOT = Path(__file__).resolve().parents[1]
GOOD = sorted([*ROOT.glob("data/raw/*/*.yml"), *ROOT.glob("docs/example-dataset/*.yml"), *DATA.glob("*/*.yml")])


@pytest.mark.parametrize("name", SCHEMAS)
def test_docs_copy_is_the_package_schema(name):
    """docs/schema/ holds the same bytes as the schema parlib validates with (copy it after a change)."""
    assert (ROOT / "docs" / "schema" / f"{name}.schema.json").read_bytes() == (
        SCHEMA_DIR / f"{name}.schema.json"
    ).read_bytes()


@pytest.mark.parametrize("name", SCHEMAS)
def test_schema_is_a_valid_json_schema(name):
    Draft202012Validator.check_schema(load_schema(name))


@pytest.mark.parametrize("path", GOOD, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_dataset_of_the_project_meets_its_schema(path):
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert schema_errors("dataset" if path.name == "dataset.yml" else "published", doc, path) == []


FIVE_MISTAKES = [
    ('    noun: {vi: "sở, ngành", en: departments}', "    noun: {vi: sở, ngành, en: departments}"),  # unquoted comma
    ("      - {id: so-nv, name:", "      - {id: So-NV, name:"),  # not an id
    ("    decimals: 3", "    decimals: three"),  # not a number
    (
        "      - {id: kha, name: {vi: Khá, en: Fair}, min_total: 70}",
        "      - {id: kha, nmae: {vi: Khá, en: Fair}, min_total: 70}",
    ),  # misspelt key
    ("    provenance: illustrative", "    provenance: guessed"),  # not a provenance
]


def test_five_schema_mistakes_give_five_lines_from_one_validate(tmp_path, capsys):
    folder = tmp_path / "totals-vi"
    shutil.copytree(DATA / "totals-vi", folder)
    text = (folder / "dataset.yml").read_text(encoding="utf-8")
    for old, new in FIVE_MISTAKES:
        assert old in text, old
        text = text.replace(old, new)
    (folder / "dataset.yml").write_text(text, encoding="utf-8")
    assert main(["validate", str(folder)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1] == "parlib: 5 problems", lines
    errors = lines[:-1]
    assert len(errors) == 5 and all(x.startswith("parlib: error: ") and "dataset.yml, column '" in x for x in errors)
    # sorted by path, each naming the place and the mistake
    assert "'levels[0].noun': YAML cut the text at a comma: it read 'ngành' as a key" in errors[0]
    assert "'levels[0].units[3].id': 'So-NV' is not a valid id" in errors[1]
    assert "'methodologies[0].bands[2].nmae': unknown key 'nmae' — did you mean 'name'?" in errors[2]
    assert "'methodologies[0].decimals': 'three' is not a number of decimals" in errors[3]
    assert "'sources[0].provenance': 'guessed' is not a provenance parlib knows" in errors[4]


def test_every_error_then_and_n_more(tmp_path, capsys):
    """At most 50 lines, then "and N more", then the count."""
    folder = tmp_path / "totals-vi"
    shutil.copytree(DATA / "totals-vi", folder)
    doc = yaml.safe_load((folder / "dataset.yml").read_text(encoding="utf-8"))
    doc["levels"][0]["units"] = [{"id": f"U{i}", "name": {"vi": f"Đơn vị {i}", "en": f"Unit {i}"}} for i in range(60)]
    (folder / "dataset.yml").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")  # JSON is YAML
    assert main(["validate", str(folder)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 52 and lines[50] == "parlib: and 10 more" and lines[51] == "parlib: 60 problems"
    assert "units[0].id" in lines[0] and "units[9].id" in lines[9] and "units[10].id" in lines[10]  # natural order


# Units the dataset schema accepts or refuses, to hold the fast path (is_plain_unit) against
# jsonschema itself: a unit it calls plain must be one jsonschema accepts.
UNIT_CASES = [
    {"id": "so-gtvt", "name": "Sở GTVT"},
    {"id": "u000001", "name": {"vi": "Xã A", "en": "Commune A"}},
    {"id": "a_1", "name": "x"},
    {"id": "so-gtvt", "name": ""},
    {"id": "So-GTVT", "name": "x"},
    {"id": "-x", "name": "x"},
    {"id": "x y", "name": "x"},
    {"id": "ok\n", "name": "x"},
    {"id": 5, "name": "x"},
    {"id": "x", "name": 5},
    {"id": "x", "name": {"vi": "A"}},
    {"id": "x", "name": {"vi": "A", "en": ""}},
    {"id": "x", "name": {"vi": "A", "en": "B", "fr": "C"}},
    {"id": "x", "name": {"vi": "A", "en": None}},
    {"id": "x"},
    {"name": "x"},
    {"id": "x", "name": "x", "aliases": ["y"]},
    {"id": "x", "name": "x", "nmae": "y"},
    {"id": "x", "name": "x", "renamed_to": "y"},
    ["x"],
    "x",
    None,
]


@pytest.mark.parametrize("unit", UNIT_CASES, ids=repr)
def test_a_plain_unit_is_one_jsonschema_accepts(unit):
    from parlib.data.schema import _plain_unit_id, is_plain_unit

    item = load_schema("dataset")["properties"]["levels"]["items"]["properties"]["units"]["items"]
    valid = Draft202012Validator(item).is_valid(unit)
    plain = is_plain_unit(unit, _plain_unit_id())
    assert not plain or valid
    # the cases above without aliases or renames are plain exactly when they are valid
    if isinstance(unit, dict) and not set(unit) - {"id", "name"}:
        assert plain == valid


def test_schema_errors_of_a_long_level_keep_their_place(tmp_path):
    """Plain units are left out of jsonschema's run (issue 14: 10,000 units took seconds), so an
    error's path must still give the unit's place in the file: units[2] and units[4] here."""
    units = [
        {"id": "a", "name": "A"},
        {"id": "b", "name": {"vi": "B", "en": "B"}},
        {"id": "Bad Id", "name": "C"},
        {"id": "d", "name": "D"},
        {"id": "e", "name": "E", "nmae": "e"},
    ]
    doc = yaml.safe_load((DATA / "three-years" / "dataset.yml").read_text(encoding="utf-8"))
    doc["levels"][0]["units"] = units
    lines = [str(e) for e in schema_errors("dataset", doc, tmp_path / "dataset.yml")]
    assert len(lines) == 2, lines
    assert "levels[0].units[2].id" in lines[0] and "'Bad Id'" in lines[0]
    assert "levels[0].units[4]" in lines[1] and "nmae" in lines[1]


def test_validating_a_dataset_does_not_import_the_iri_grammar():
    """jsonschema imports rfc3987_syntax when installed, which builds a Lark grammar at import (about
    2.7 s of CPU, issue 14); parlib keeps it out of its processes (parlib/__init__.py)."""
    import subprocess
    import sys

    code = (
        "import sys; from parlib.data.load import load_dataset; import nbformat; load_dataset('backan'); "
        "print(sys.modules.get('rfc3987_syntax'), 'lark' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["None", "False"], out.stdout + out.stderr


def _figure(**keys):
    return {"figures": [{"id": "f1", "measure": "mean_total", "printed": "81,5", **keys}]}


def _one_error(name, document):
    errors = schema_errors(name, document, Path("x.yml"))
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0].column, errors[0].what, errors[0].todo


ALL_FIGURE_KEYS = (
    "band, below, id, level, measure, min, note, printed, provenance, sentence, source, threshold, unit, year"
)
MEASURES = (
    "mean_total, mean_pct, n_units, count_band, count_at_least, count_pct_at_least, count_between, unit_total, "
    "unit_pct, unit_survey, unit_rank, unit_band, unit_change, unit_rank_change, top_unit, top_unit_by_survey, "
    "bottom_unit, largest_rise, largest_fall"
)
LOST = "losing what was printed (82.560 becomes 82.56, 05 becomes 5)"
QUOTE = 'quote it exactly as printed: printed: "82,560"'


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"figures": [{"id": "f1", "measure": "mean_total"}]},
         ("figures[0].printed", "figure 'f1': required key is missing", "add 'printed:' (see docs/data-format.md)")),
        (_figure(levle="districts"),
         ("figures[0].levle", "figure 'f1': unknown key 'levle'", "did you mean 'level'?")),
        (_figure(zzz=1), ("figures[0].zzz", "figure 'f1': unknown key 'zzz'", f"use one of: {ALL_FIGURE_KEYS}")),
        (_figure(measure="mean"),
         ("figures[0].measure", "figure 'f1': unknown measure 'mean'", f"use one of: {MEASURES}")),
        (_figure(printed=82.56),
         ("figures[0].printed", f"figure 'f1': printed value 82.56 is not in quotes, so YAML read it as a number, {LOST}",
          QUOTE)),
        (_figure(printed=5),
         ("figures[0].printed",
          f"figure 'f1': printed value 5 is not in quotes, so YAML read it as a whole number, {LOST}", QUOTE)),
        (_figure(printed=True),
         ("figures[0].printed",
          f"figure 'f1': printed value True is not in quotes, so YAML read it as a true/false value, {LOST}", QUOTE)),
        (_figure(printed=datetime.date(2024, 3, 1)),
         ("figures[0].printed",
          f"figure 'f1': printed value datetime.date(2024, 3, 1) is not in quotes, so YAML read it as a date, {LOST}",
          QUOTE)),
        (_figure(sentence=datetime.date(2024, 3, 1)),
         ("figures[0].sentence", "figure 'f1': 2024-03-01 is read by YAML as a date, not a text",
          'put it in quotes: "2024-03-01"')),
        (_figure(year="2023"),
         ("figures[0].year", "figure 'f1': year '2023' is not a four-digit year", "see docs/data-format.md")),
        (_figure(year=1980),
         ("figures[0].year", "figure 'f1': year 1980 is not a four-digit year", "see docs/data-format.md")),
        (_figure(year=2101),
         ("figures[0].year", "figure 'f1': year 2101 is not a four-digit year", "see docs/data-format.md")),
        ({"figures": [{"id": "", "measure": "mean_total", "printed": "1"}]},  # no id to name the figure by
         ("figures[0].id", "id '' is not a text", "see docs/data-format.md")),
        ({"figures": [{"measure": "mean_total", "printed": "1"}]},
         ("figures[0].id", "required key is missing", "add 'id:' (see docs/data-format.md)")),
        ({"figures": [7]}, ("figures[0]", "7 is not a mapping of keys to values", "see docs/data-format.md")),
        ({"figures": 7}, ("figures", "figures 7 is not a list of figures", "see docs/data-format.md")),
        ([1], (None, "the document must be a mapping of keys to values", "see docs/data-format.md")),
    ],
)  # fmt: skip
def test_each_kind_of_published_yml_mistake_has_its_own_words(document, expected):
    assert _one_error("published", document) == expected


def _dataset(change):
    doc = yaml.safe_load((DATA / "three-years" / "dataset.yml").read_text(encoding="utf-8"))
    change(doc)
    return doc


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(levels=[]), ("levels", "the list is empty", "give at least one item")),
        (lambda d: d["methodologies"][0].update(max_total=-5),
         ("methodologies[0].max_total", "-5 is negative", "write a number of points or a percentage ≥ 0")),
        (lambda d: d["methodologies"][0].update(decimals=9),
         ("methodologies[0].decimals", "9 is not a number of decimals", "see docs/data-format.md")),
        (lambda d: d["methodologies"][0].update(rank_ties="best"),
         ("methodologies[0].rank_ties", "'best' is not a rank rule parlib knows", "use one of: min, printed")),
        (lambda d: d.update(date_published=datetime.date(2024, 3, 1)),
         ("date_published", "2024-03-01 is read by YAML as a date, not a text", 'put it in quotes: "2024-03-01"')),
        (lambda d: d["levels"][1].update(noun={"vi": "sở", "ngành": None, "en": "departments"}),
         ("levels[1].noun", "YAML cut the text at a comma: it read 'ngành' as a key, not as part of the vi text",
          'put the text in quotes: vi: "sở, ngành"')),
        (lambda d: d["levels"][1].update(noun={"vi": "sở", "en": "departments", "agencies": None}),
         ("levels[1].noun", "YAML cut the text at a comma: it read 'agencies' as a key, not as part of the en text",
          'put the text in quotes: en: "departments, agencies"')),
        (lambda d: d["levels"][1].update(noun={"vi": "sở", "ngành": None}),
         ("levels[1].noun", "YAML cut the text at a comma: it read 'ngành' as a key, not as part of the vi text",
          'put the text in quotes: vi: "sở, ngành"')),
        (lambda d: d["levels"][1].update(aliases={"Sở Một": 5}),  # a schema with no words for what it wants
         ("levels[1].aliases.Sở Một", "5 is not valid", "see docs/data-format.md")),
        (lambda d: d["levels"][1].update(noun={"en": "departments", "agencies": None, "vi": "sở"}),
         ("levels[1].noun", "YAML cut the text at a comma: it read 'agencies' as a key, not as part of the en text",
          'put the text in quotes: en: "departments, agencies"')),
    ],
)  # fmt: skip
def test_each_kind_of_dataset_yml_mistake_has_its_own_words(change, expected):
    assert _one_error("dataset", _dataset(change)) == expected


NOT_A_NAME = "is not a text in Vietnamese and in English ({vi: ..., en: ...}), or one text for both"


@pytest.mark.parametrize(
    "noun",
    [{"vi": "sở", "en": "departments", "fr": "services"}, {"vi": None, "en": "departments"}, {"vi": "sở", "en": None}],
)
def test_a_name_with_another_key_or_an_empty_language_is_not_a_cut_text(noun):
    """Only a key without a value beside vi and en is read as a text YAML cut at its comma."""
    expected = ("levels[1].noun", f"{noun!r} {NOT_A_NAME}", "see docs/data-format.md")
    assert _one_error("dataset", _dataset(lambda d: d["levels"][1].update(noun=noun))) == expected


def test_the_cut_key_is_the_one_that_is_neither_vi_nor_en():
    """{vi: , en: Departments, agencies}: vi left empty comes first, the key YAML made of 'agencies' after."""
    noun = {"vi": None, "en": "Departments", "agencies": None}
    assert _one_error("dataset", _dataset(lambda d: d["levels"][1].update(noun=noun))) == (
        "levels[1].noun",
        "YAML cut the text at a comma: it read 'agencies' as a key, not as part of the en text",
        'put the text in quotes: en: "Departments, agencies"',
    )
    noun = {"vi": "sở", "en": None, "agencies": None}
    column, what, _ = _one_error("dataset", _dataset(lambda d: d["levels"][1].update(noun=noun)))
    assert (column, what) == (
        "levels[1].noun",
        "YAML cut the text at a comma: it read 'agencies' as a key, not as part of the en text",
    )
