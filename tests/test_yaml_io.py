"""parlib.data.yaml_io: dataset.yml and published.yml read strictly, each refusal one located line.

Fast (no dataset is built): each test writes a few lines of YAML to a temporary file and reads it with
``read_yaml``. The limits are lowered for the test (the module reads them once, at import) so that a
file exactly at a limit and one just over it stay a few bytes long. Expected values are written by hand
or are PyYAML's own (its values and its error texts: parlib passes them through).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml

from parlib.data import yaml_io
from parlib.data.yaml_io import read_yaml
from parlib.errors import DataError


def _write(tmp_path: Path, content: str | bytes, name: str = "dataset.yml") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def _refused(path: Path) -> DataError:
    with pytest.raises(DataError) as e:
        read_yaml(path)
    return e.value


def test_plain_values_lists_and_mappings(tmp_path):
    text = (
        "id: backan\n"
        "years: [2022, 2023]\n"
        "name: {vi: Bắc Kạn, en: Bac Kan}\n"
        "levels:\n"
        "  - id: so\n"
        "    units: [a, b]\n"
        "quoted: '1'\n"
        "tagged: !!str 2\n"
        "number: 1.5\n"
        "flag: true\n"
        "nothing: null\n"
        "day: 2024-01-02\n"
    )
    assert read_yaml(_write(tmp_path, text)) == {
        "id": "backan",
        "years": [2022, 2023],
        "name": {"vi": "Bắc Kạn", "en": "Bac Kan"},
        "levels": [{"id": "so", "units": ["a", "b"]}],
        "quoted": "1",
        "tagged": "2",
        "number": 1.5,
        "flag": True,
        "nothing": None,
        "day": datetime.date(2024, 1, 2),
    }


def test_an_empty_file_is_nothing(tmp_path):
    assert read_yaml(_write(tmp_path, "")) is None
    assert read_yaml(_write(tmp_path, "# only a comment\n")) is None


def test_a_byte_order_mark_is_accepted(tmp_path):
    assert read_yaml(_write(tmp_path, b"\xef\xbb\xbfa: 1\n")) == {"a": 1}


def test_what_pyyaml_builds_itself_is_pyyamls(tmp_path):
    """Merge keys, "=" keys and other tags are left to PyYAML's constructor: the values are PyYAML's."""
    assert read_yaml(_write(tmp_path, "<<: {a: 1, c: {d: [x]}}\nb: 2\n")) == {"a": 1, "c": {"d": ["x"]}, "b": 2}
    assert read_yaml(_write(tmp_path, "=: 1\n")) == {"=": 1}
    assert read_yaml(_write(tmp_path, "!!omap [a: 1, b: 2]\n")) == [("a", 1), ("b", 2)]
    assert read_yaml(_write(tmp_path, "s: !!set {a, b}\n")) == {"s": {"a", "b"}}
    assert read_yaml(_write(tmp_path, "!!set {a, b}\n")) == {"a", "b"}  # a tagged mapping at the top too
    # a mapping under a merge key is built whole (its items too, not left for later)
    assert read_yaml(_write(tmp_path, "x:\n  <<: {a: {b: 1}}\n")) == {"x": {"a": {"b": 1}}}


def test_keys_differ_by_tag(tmp_path):
    """The number 1 and the text '1' are two keys, not one given twice."""
    assert read_yaml(_write(tmp_path, "1: a\n'1': b\n")) == {1: "a", "1": "b"}


def test_a_key_given_twice(tmp_path):
    path = _write(tmp_path, "a: 1\nb: 2\na: 3\n")
    e = _refused(path)
    assert (e.what, e.todo, e.file, e.row) == (
        "the key 'a' is given twice in one mapping (first at line 1); YAML would silently keep the last",
        "keep one of them",
        path,
        3,
    )


def test_a_key_given_twice_in_a_nested_mapping(tmp_path):
    path = _write(tmp_path, "levels:\n  - id: so\n    name: x\n    id: tinh\n")
    e = _refused(path)
    assert e.what == "the key 'id' is given twice in one mapping (first at line 2); YAML would silently keep the last"
    assert e.row == 4


def test_a_key_that_is_a_list_is_pyyamls_error(tmp_path):
    path = _write(tmp_path, "? [a, b]\n: 1\n")
    e = _refused(path)
    assert (e.what, e.todo, e.row) == (
        "YAML syntax error: found unhashable key",
        "fix the YAML syntax at that line",
        1,
    )


def test_an_alias_is_refused_with_its_line(tmp_path):
    path = _write(tmp_path, "a: 1\nb: &x 2\nc: *x\n")
    e = _refused(path)
    # the line is the anchor's: PyYAML gives the alias as the anchored node itself
    assert (e.what, e.todo, e.file, e.row) == (
        "YAML anchors and aliases (&name, *name) are not accepted: a few of them can expand into gigabytes",
        "write the value out in full where the alias is",
        path,
        2,
    )
    # an alias of a list in a list
    e = _refused(_write(tmp_path, "- 3\n- &l [1, 2]\n- *l\n"))
    assert e.what.startswith("YAML anchors and aliases") and e.row == 2


def test_an_anchor_without_alias_is_accepted(tmp_path):
    assert read_yaml(_write(tmp_path, "a: &x 1\nb: 2\n")) == {"a": 1, "b": 2}


def test_depth_at_the_limit_and_one_over(tmp_path, monkeypatch):
    monkeypatch.setattr(yaml_io, "MAX_YAML_DEPTH", 3)
    # the document is depth 0, the values of its keys depth 1, and so on
    assert read_yaml(_write(tmp_path, "a:\n  b:\n    c: 1\n")) == {"a": {"b": {"c": 1}}}
    assert read_yaml(_write(tmp_path, "- - - 1\n")) == [[[1]]]
    path = _write(tmp_path, "a:\n  b:\n    c:\n      d: 1\n")
    e = _refused(path)
    assert (e.what, e.todo, e.file, e.row) == (
        "the YAML is nested more than 3 levels deep",
        "flatten the structure as docs/data-format.md shows",
        path,
        4,
    )
    e = _refused(_write(tmp_path, "- 1\n- - - - 2\n"))
    assert (e.what, e.row) == ("the YAML is nested more than 3 levels deep", 2)


def test_refusals_come_in_document_order(tmp_path, monkeypatch):
    """The first problem of the file is the one reported, whatever its kind."""
    monkeypatch.setattr(yaml_io, "MAX_YAML_DEPTH", 2)
    alias_first = "- &x 1\n- *x\n- [[[deep]]]\n"
    assert _refused(_write(tmp_path, alias_first)).what.startswith("YAML anchors")
    deep_first = "- &x 1\n- [[[deep]]]\n- *x\n"
    assert _refused(_write(tmp_path, deep_first)).what.startswith("the YAML is nested")
    # within a mapping: a key before its value, a value before the next key
    assert _refused(_write(tmp_path, "a: &x 1\nb:\n  - [[deep]]\nc: *x\n")).what.startswith("the YAML is nested")
    assert _refused(_write(tmp_path, "a: &x 1\nb: *x\nc: [[[deep]]]\n")).what.startswith("YAML anchors")


def test_size_at_the_limit_and_one_byte_over(tmp_path, monkeypatch):
    text = "a: 1\nb: 23"  # 10 bytes, the last one part of a value
    monkeypatch.setattr(yaml_io, "MAX_YAML_BYTES", 10)
    # read whole: its last value is 23, not 2
    assert read_yaml(_write(tmp_path, text)) == {"a": 1, "b": 23}
    path = _write(tmp_path, text + "\n")
    e = _refused(path)
    assert (e.what, e.todo, e.file, e.row) == (
        "the file is 11 bytes; parlib reads YAML files of at most 10",
        "is this the right file? a dataset.yml of thousands of units is well under 1 MB",
        path,
        None,
    )


def test_size_is_written_with_thousands_separators(tmp_path, monkeypatch):
    monkeypatch.setattr(yaml_io, "MAX_YAML_BYTES", 1000)
    e = _refused(_write(tmp_path, "#" * 1233 + "\n"))
    assert e.what == "the file is 1,234 bytes; parlib reads YAML files of at most 1,000"


def test_values_counted_by_their_separators(tmp_path, monkeypatch):
    # every one of , : - newline [ { counts; other characters (here X) do not
    text = "XX: [a, b]\nc: {d: -1}\n"  # separators: : [ , \n : { : - \n = 9
    monkeypatch.setattr(yaml_io, "MAX_YAML_ITEMS", 9)
    assert read_yaml(_write(tmp_path, text)) == {"XX": ["a", "b"], "c": {"d": -1}}
    monkeypatch.setattr(yaml_io, "MAX_YAML_ITEMS", 8)
    path = _write(tmp_path, text)
    e = _refused(path)
    assert (e.what, e.todo, e.file, e.row) == (
        "the file holds about 9 values; parlib reads YAML files of at most 8",
        "is this the right file? split it or remove what is not needed",
        path,
        None,
    )
    for sep in ",:-\n[{":
        monkeypatch.setattr(yaml_io, "MAX_YAML_ITEMS", 0)
        assert _refused(_write(tmp_path, "#" + sep)).what.startswith("the file holds about 1 values")


def test_value_count_with_thousands_separators(tmp_path, monkeypatch):
    monkeypatch.setattr(yaml_io, "MAX_YAML_ITEMS", 1000)
    e = _refused(_write(tmp_path, "#" + "," * 1233 + "\n"))
    assert e.what == "the file holds about 1,234 values; parlib reads YAML files of at most 1,000"


def test_not_utf8_is_reported_with_its_line_and_byte(tmp_path):
    path = _write(tmp_path, "a: 1\nb: Sở\n".encode() + b"c: \xe0 x\n")
    e = _refused(path)
    assert (e.what, e.todo, e.file, e.row) == (
        "not UTF-8 text (byte 0xe0; perhaps Windows-1258 or another legacy encoding)",
        "save the file as UTF-8, e.g. iconv -f CP1258 -t UTF-8",
        path,
        3,
    )
    assert _refused(_write(tmp_path, b"\x05\xff")).what.startswith("not UTF-8 text (byte 0xff;")
    assert _refused(_write(tmp_path, b"\xff")).row == 1


def test_a_missing_file_a_folder_and_an_unreadable_path(tmp_path):
    missing = tmp_path / "dataset.yml"
    e = _refused(missing)
    assert (e.what, e.todo, e.file, e.row) == (
        "file not found",
        "create it as docs/data-format.md describes",
        missing,
        None,
    )
    e = _refused(tmp_path)
    assert (e.what, e.todo, e.file) == ("is a folder, not a file", "give the YAML file", tmp_path)
    under_a_file = _write(tmp_path, "a: 1\n") / "published.yml"  # a file is not a folder
    e = _refused(under_a_file)
    assert (e.what, e.todo, e.file) == ("cannot be read (Not a directory)", "check the file", under_a_file)


def test_a_control_character_is_reported_with_its_line(tmp_path):
    path = _write(tmp_path, "a: 1\nb: x\x07y\n")
    e = _refused(path)
    assert (e.what, e.todo, e.file, e.row) == (
        "a character YAML does not allow (U+0007, a control character)",
        "remove it; save the file as plain UTF-8 text",
        path,
        2,
    )


def test_syntax_errors_are_pyyamls_with_their_line(tmp_path):
    path = _write(tmp_path, "a: 1\nb: [1, 2\nc: 3\n")
    e = _refused(path)
    assert (e.what, e.todo, e.file, e.row) == (
        "YAML syntax error: did not find expected ',' or ']'",
        "fix the YAML syntax at that line",
        path,
        3,
    )
    e = _refused(_write(tmp_path, "a: 1\n b: 2\n"))
    assert (e.what, e.row) == ("YAML syntax error: mapping values are not allowed in this context", 2)
    e = _refused(_write(tmp_path, "a: 1\n---\nb: 2\n"))
    assert (e.what, e.row) == ("YAML syntax error: but found another document", 2)
    e = _refused(_write(tmp_path, "a: !!python/name:os.system x\n"))
    assert (
        e.what
        == "YAML syntax error: could not determine a constructor for the tag 'tag:yaml.org,2002:python/name:os.system'"
    )
    assert e.row == 1


def test_nesting_past_libyamls_own_limit(tmp_path):
    e = _refused(_write(tmp_path, "[" * 1001 + "]" * 1001 + "\n"))
    assert (e.what, e.row) == ("YAML syntax error: exceeded maximum nesting depth (more than 1000 levels)", 1)


def test_an_ampersand_in_a_value_is_not_an_anchor(tmp_path):
    """A "&" anywhere in the text makes the reader look for aliases node by node; a name holding one
    is read as it is written."""
    text = 'levels:\n  - id: so\n    name: {vi: "Sở Tài nguyên & Môi trường", en: Natural Resources & Environment}\n'
    assert read_yaml(_write(tmp_path, text)) == {
        "levels": [{"id": "so", "name": {"vi": "Sở Tài nguyên & Môi trường", "en": "Natural Resources & Environment"}}]
    }
    e = _refused(_write(tmp_path, "a: R&D\nb: &x 1\nc: *x\n"))
    assert e.what.startswith("YAML anchors and aliases") and e.row == 2


def test_the_first_node_too_deep_is_reported_without_an_anchor_in_the_file(tmp_path, monkeypatch):
    """Without "&" only lists and mappings are walked: the node reported is still the first too deep
    in document order, a key or a scalar as well as a list."""
    monkeypatch.setattr(yaml_io, "MAX_YAML_DEPTH", 2)
    # a (1) → list (1) → [y] (2) → y (3): line 3, before the deeper list of line 4
    e = _refused(_write(tmp_path, "a:\n  - x\n  - [y]\nb: [[[z]]]\n"))
    assert (e.what, e.row) == ("the YAML is nested more than 2 levels deep", 3)
    # the first child too deep is a mapping's key
    assert _refused(_write(tmp_path, "- 1\n- - {k: v}\n")).row == 2
    # a scalar too deep after a list that is not
    assert _refused(_write(tmp_path, "- - 1\n  - 2\n- - [3]\n")).row == 3
    assert read_yaml(_write(tmp_path, "- - 1\n  - 2\n- - 3\n")) == [[1, 2], [3]]
    # the first of a list's children, not its last
    assert _refused(_write(tmp_path, "- - - a\n    - b\n")).row == 1


def test_a_key_twice_at_the_depth_limit_is_reported_before_the_depth(tmp_path, monkeypatch):
    """A mapping's keys are checked when the mapping is met, before its children's depth."""
    monkeypatch.setattr(yaml_io, "MAX_YAML_DEPTH", 2)
    e = _refused(_write(tmp_path, "- - {k: 1, k: 2}\n"))
    assert e.what.startswith("the key 'k' is given twice") and e.row == 1


def test_a_text_tagged_as_a_mapping_or_a_list_is_pyyamls_error(tmp_path):
    """PyYAML builds a tagged mapping or list in two steps (the empty container, then its items): both
    are made here, so a text tagged !!map is refused as PyYAML refuses it, not read as an empty mapping."""
    path = _write(tmp_path, "a: 1\nb: !!map text\n")
    e = _refused(path)
    assert (e.what, e.todo, e.file, e.row) == (
        "YAML syntax error: expected a mapping node, but found scalar",
        "fix the YAML syntax at that line",
        path,
        2,
    )
    assert (
        _refused(_write(tmp_path, "- !!seq text\n")).what
        == "YAML syntax error: expected a sequence node, but found scalar"
    )


def test_an_os_error_without_a_message_is_named_by_its_type(tmp_path):
    class Unreadable(type(tmp_path)):  # a path whose stat fails without saying why
        def stat(self, **kwargs):
            raise PermissionError()

    path = Unreadable(tmp_path / "dataset.yml")
    e = _refused(path)
    assert (e.what, e.todo, e.file) == ("cannot be read (PermissionError)", "check the file", path)


@pytest.mark.parametrize(
    ("raised", "what", "todo"),
    [
        (yaml.YAMLError("an error of its own\nsecond line"), "YAML error: an error of its own", "fix the YAML syntax"),
        (RecursionError(), "the YAML is nested too deeply", "flatten the structure as docs/data-format.md shows"),
    ],
)
def test_any_other_error_of_the_parser_is_one_line(tmp_path, monkeypatch, raised, what, todo):
    """What PyYAML's loaders do not raise today (a bare YAMLError, a recursion too deep in a pure-Python
    parser) is still one line naming the file."""

    class Loader:
        def __init__(self, text):
            pass

        def get_single_node(self):
            raise raised

        def dispose(self):
            pass

    monkeypatch.setattr(yaml_io, "_Loader", Loader)
    path = _write(tmp_path, "a: 1\n")
    e = _refused(path)
    assert (e.what, e.todo, e.file, e.row) == (what, todo, path, None)


def test_a_key_counts_its_depth_as_a_value_does(tmp_path, monkeypatch):
    monkeypatch.setattr(yaml_io, "MAX_YAML_DEPTH", 2)
    # the document is depth 0, its key (a list) 1, the list in it 2, the text in that 3
    path = _write(tmp_path, "? [[deep]]\n: 1\n")
    e = _refused(path)
    assert (e.what, e.row) == ("the YAML is nested more than 2 levels deep", 1)


# Plain scalars whose first character PyYAML looks up among its implicit resolvers: every kind of
# value (bool, int in each base, float, null, timestamp, merge "<<", value "=", the "yaml" tag's
# "!"/"&"/"*" when quoted) and texts that start like them.
_SCALARS = [
    "",
    "~",
    "null",
    "Null",
    "NULL",
    "nULL",
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "Y",
    "true",
    "False",
    "0",
    "-0",
    "+12",
    "012",
    "0o17",
    "0x1F",
    "0b101",
    "1_000",
    "190:20:30",
    "1.5",
    "-.5",
    "+1.5e3",
    "1.5e3",
    "6.8523015e+5",
    ".inf",
    "-.Inf",
    ".NaN",
    ".nan",
    "2024-01-31",
    "2024-1-3 10:20:30.5 +07:00",
    "2024-13-45",
    "'<<'",
    "'='",
    "'!'",
    "'&'",
    "'*'",
    "Xã Hòa Bình",
    "Điểm 12,5",
    "12,5",
    "1 000",
    "- x",
    "no way",
    "yesterday",
    "nullable",
    "0xZZ",
    "1e",
    ".",
    "-",
    "+",
    "'yes'",
    '"12"',
]


@pytest.mark.parametrize("scalar", _SCALARS)
def test_a_plain_scalar_gets_the_value_pyyaml_gives_it(tmp_path, scalar):
    """parlib's loader resolves a scalar's tag its own (faster) way; PyYAML's own safe loader, unchanged,
    is the oracle: the same value and the same type, as a key and as a value; an error where it fails."""
    text = f"k: {scalar}\nl: [{scalar}]\n"
    if scalar and scalar[0] not in "'\"-":
        text += f"{scalar}: 1\n"
    try:
        expected = yaml.load(text, Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, ValueError):  # "2024-13-45" is a timestamp with no such date
        _refused(_write(tmp_path, text))
        return
    got = read_yaml(_write(tmp_path, text))
    assert got == expected or (got != got and expected != expected)
    assert [type(v) for v in got.values()] == [type(v) for v in expected.values()]
    assert [type(v) for v in got] == [type(v) for v in expected]


@pytest.mark.parametrize("text", ["a: 1\n", "a: [1\n"])
def test_the_cyclic_collector_is_on_again_after_reading(tmp_path, text):
    """read_yaml turns Python's cyclic garbage collector off while it builds the node tree; it is on
    again afterwards, whether the file was read or refused, and stays off if the caller had it off."""
    import gc

    path = _write(tmp_path, text)
    try:
        for before in (True, False):
            (gc.enable if before else gc.disable)()
            try:
                read_yaml(path)
            except DataError:
                pass
            assert gc.isenabled() is before
    finally:
        gc.enable()


@pytest.mark.parametrize(
    "value, why",
    [
        ("2024-02-30", "day is out of range for month"),
        ("2024-13-01", "month must be in 1..12"),
        ("0000-01-01", "year 0 is out of range"),
        ("2024-01-01 24:00:00", "hour must be in 0..23"),
        ("!!timestamp 2023-02-29", "day is out of range for month"),
    ],
)
def test_a_date_with_no_such_day_is_refused_at_its_line(tmp_path, value, why):
    """An unquoted value shaped like a date is a date to YAML; one that names no real day made PyYAML's
    constructor raise a bare ValueError (a traceback, exit 1) until this was fixed."""
    path = _write(tmp_path, f"id: x\nyears:\n  - year: 2023\n    date_published: {value}\n")
    e = _refused(path)
    shown = value.removeprefix("!!timestamp ")
    assert (e.what, e.todo, e.file, e.row) == (
        f"'{shown}' is written as a date but is not one ({why})",
        "write a real date as YYYY-MM-DD, or put the value in quotes to keep it as text",
        path,
        4,
    )


def test_a_real_date_and_a_quoted_impossible_one_are_read(tmp_path):
    path = _write(tmp_path, "a: 2024-02-29\nb: '2024-02-30'\n")
    assert read_yaml(path) == {"a": datetime.date(2024, 2, 29), "b": "2024-02-30"}


@pytest.mark.parametrize(
    "text, row",
    [
        ("a: 1\nb: !!int 12x\n", 2),  # a tagged scalar PyYAML cannot make
        ("a: 1\nb: !!set\n  ? 2024-02-30\n", 2),  # inside a node PyYAML builds whole: the node's line
        ("a: 1\n\nb: !!bool maybe\n", 3),  # PyYAML's KeyError
        ('a: !!int ""\n', 1),  # PyYAML's IndexError
    ],
)
def test_any_other_value_pyyaml_cannot_make_is_refused_at_its_line(tmp_path, text, row):
    path = _write(tmp_path, text)
    e = _refused(path)
    assert e.what.startswith("a value YAML cannot make (")
    assert (e.todo, e.row) == ("correct it, or put it in quotes to keep it as text", row)


def test_a_text_tagged_as_a_date_is_refused_at_its_line(tmp_path):
    """``!!timestamp foo``: PyYAML's constructor raised an AttributeError (its pattern did not match)."""
    e = _refused(_write(tmp_path, "a: 1\nb: !!timestamp foo\n"))
    assert (e.what, e.row) == ("'foo' is written as a date but is not one", 2)
