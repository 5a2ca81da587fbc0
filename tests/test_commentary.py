"""parlib.data.commentary: a researcher's Markdown split into the report's sections by marker lines.

Fast: tiny Markdown texts written here, the expected parts by hand (docs/data-format.md, "Commentary").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from parlib.data.commentary import commentary_files, commentary_path, read_commentary, split_commentary
from parlib.errors import DataError

KNOWN = ["intro", "summary", "ranking"]


def test_where_a_commentary_is_kept(tmp_path):
    assert commentary_path(tmp_path, 2023, "vi") == tmp_path / "commentary" / "2023.vi.md"
    assert commentary_path(str(tmp_path), "2024", "en") == tmp_path / "commentary" / "2024.en.md"


def test_commentary_files_are_the_markdown_files_sorted(tmp_path):
    assert commentary_files(tmp_path) == []  # no commentary folder
    folder = tmp_path / "commentary"
    folder.mkdir()
    assert commentary_files(tmp_path) == []
    for name in ("2023.vi.md", "2022.en.md", "2023.en.md", "notes.txt"):
        (folder / name).write_text("x", encoding="utf-8")
    (folder / "old.md").mkdir()  # a folder named like a file is not one
    assert commentary_files(str(tmp_path)) == [folder / "2022.en.md", folder / "2023.en.md", folder / "2023.vi.md"]
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "commentary").write_text("a file, not a folder", encoding="utf-8")
    assert commentary_files(tmp_path / "other") == []


def test_text_before_the_first_marker_is_the_intro():
    text = "Lời mở đầu.\n\n<!-- section: summary -->\nTóm tắt *một*.\nHai.\n<!-- section: ranking -->\nXếp hạng.\n"
    assert split_commentary(text, KNOWN) == {
        "intro": "Lời mở đầu.",
        "summary": "Tóm tắt *một*.\nHai.",
        "ranking": "Xếp hạng.",
    }


def test_parts_keep_the_order_of_the_file_and_a_section_named_twice_is_joined():
    text = "<!-- section: ranking -->\nR1\n<!-- section: summary -->\nS\n<!-- section: ranking -->\nR2\n"
    parts = split_commentary(text, iter(KNOWN))  # any iterable of ids
    assert list(parts) == ["ranking", "summary"]
    assert parts == {"ranking": "R1\nR2", "summary": "S"}


def test_markers_are_written_loosely_and_empty_parts_are_left_out():
    text = "\n  \n<!--section:summary-->\n\n  Một dòng.  \n\n   <!--  section :  ranking  -->   \n \n"
    assert split_commentary(text, KNOWN) == {"summary": "Một dòng."}
    assert split_commentary("", KNOWN) == {}


def test_editors_notes_are_dropped_and_lines_still_counted(tmp_path):
    text = "A <!-- a note\nover\nthree lines --> B\n<!-- another -->C\n<!-- section: nowhere -->\n"
    with pytest.raises(DataError) as e:
        split_commentary(text, KNOWN, tmp_path / "2023.vi.md")
    assert (e.value.what, e.value.todo, e.value.file, e.value.row) == (
        "the marker names section 'nowhere', which the report does not have",
        "use one of: intro, summary, ranking",
        tmp_path / "2023.vi.md",
        5,
    )
    assert split_commentary("A <!-- a\nnote --> B\n<!--x-->C\n", KNOWN) == {"intro": "A \n B\nC"}


def test_a_marker_naming_no_section():
    with pytest.raises(DataError) as e:
        split_commentary("x\n<!-- section: -->\ny\n", KNOWN)
    assert (e.value.what, e.value.file, e.value.row) == (
        "the marker names section '', which the report does not have",
        "commentary",
        2,
    )
    with pytest.raises(DataError) as e:
        split_commentary("<!-- section: Summary -->\n", KNOWN)  # ids are matched as written
    assert e.value.what == "the marker names section 'Summary', which the report does not have"


def test_read_commentary(tmp_path):
    assert read_commentary(tmp_path, 2023, "vi", KNOWN) == {}
    folder = tmp_path / "commentary"
    folder.mkdir()
    (folder / "2023.vi.md").write_text("Mở đầu\n<!-- section: summary -->\nTóm tắt\n", encoding="utf-8")
    (folder / "2023.en.md").mkdir()  # not a file: no commentary
    assert read_commentary(tmp_path, 2023, "vi", KNOWN) == {"intro": "Mở đầu", "summary": "Tóm tắt"}
    assert read_commentary(tmp_path, 2023, "en", KNOWN) == {}
    with pytest.raises(DataError) as e:
        read_commentary(tmp_path, 2023, "vi", ["intro"])
    assert (e.value.file, e.value.row) == (folder / "2023.vi.md", 2)


def test_a_commentary_not_in_utf8(tmp_path):
    folder = tmp_path / "commentary"
    folder.mkdir()
    path: Path = folder / "2022.vi.md"
    path.write_bytes("Tài chính".encode("cp1258"))  # b"T\xe0i ch\xednh"
    with pytest.raises(DataError) as e:
        read_commentary(tmp_path, 2022, "vi", KNOWN)
    assert (e.value.what, e.value.todo, e.value.file, e.value.row) == (
        "is not UTF-8 text",
        "save the file as UTF-8",
        path,
        None,
    )
