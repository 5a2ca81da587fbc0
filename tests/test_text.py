"""parlib.text: NFC, whitespace, case-folded keys for names."""

import unicodedata

import pandas as pd

from parlib.data.text import clean_codes, clean_name, clean_names, name_key, near_miss, spread

GTVT = "Sở Giao thông vận tải"


def test_nfd_becomes_nfc():
    nfd = unicodedata.normalize("NFD", GTVT)
    assert nfd != GTVT  # the test means something only if the two differ byte-wise
    assert clean_name(nfd) == GTVT
    assert unicodedata.is_normalized("NFC", clean_name(nfd))


def test_whitespace_trimmed_and_collapsed():
    assert clean_name("  Sở  Giao\tthông\n vận tải ") == GTVT
    assert clean_name("Sở\u00a0Y tế") == "Sở Y tế"


def test_name_key_ignores_case_and_normal_form():
    # "Sở Giao thông Vận tải" with a capital V is the same unit (domain notes)
    assert name_key("Sở Giao thông Vận tải") == name_key(GTVT)
    assert name_key(unicodedata.normalize("NFD", "SỞ GIAO THÔNG VẬN TẢI")) == name_key(GTVT)
    assert name_key("Sở Y tế") != name_key("Sở Tư pháp")


def test_clean_name_of_non_text():
    assert clean_name(2022) == "2022"


def test_clean_names_series():
    s = pd.Series([unicodedata.normalize("NFD", " Sở Y tế "), None, "Bộ  Tư pháp"])
    assert clean_names(s).tolist() == ["Sở Y tế", "", "Bộ Tư pháp"]


def test_clean_names_agree_with_clean_name_on_every_kind_of_space():
    # the column version splits on str.isspace(), clean_name on the regex \s: the same characters
    spaces = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
    texts = [f"{c}Sở{c}{c}Y tế{c}" for c in spaces] + ["Sở\u200bY tế", 1.5, None]
    assert clean_names(pd.Series(texts, dtype=object)).tolist() == [
        *(["Sở Y tế"] * len(spaces)),
        "Sở\u200bY tế",  # a zero-width space is not a space: kept (and reported as invisible elsewhere)
        "1.5",
        "",
    ]


def test_clean_codes_factorise_once_and_spread_back():
    raw = pd.Series(["Sở Y tế", " Sở  Y tế", "Sở Tư pháp", "Sở Y tế", None], index=[10, 11, 12, 13, 14])
    codes, uniques = clean_codes(raw)
    # four distinct raw values (two spellings of one name), each cleaned
    assert codes.tolist() == [0, 1, 2, 0, 3]
    assert uniques.tolist() == ["Sở Y tế", "Sở Y tế", "Sở Tư pháp", ""]
    names = spread(uniques, codes, raw.index)
    assert names.tolist() == ["Sở Y tế", "Sở Y tế", "Sở Tư pháp", "Sở Y tế", ""]
    assert names.index.tolist() == [10, 11, 12, 13, 14]
    assert spread(uniques == "", codes, raw.index).tolist() == [False, False, False, False, True]


def test_near_miss_names_invisible_characters_by_code_point():
    # Unicode's names: U+200B ZERO WIDTH SPACE, U+00A0 NO-BREAK SPACE; a control character has none
    assert near_miss("Sở Tư\u200bpháp", ["Sở Tư pháp"]) == "it holds invisible characters (U+200B ZERO WIDTH SPACE)"
    assert near_miss("\u200bSở\u00a0Y tế\u200b", []) == (
        "it holds invisible characters (U+00A0 NO-BREAK SPACE, U+200B ZERO WIDTH SPACE)"
    )
    assert near_miss("Sở\x07Y tế", ["Sở Y tế"]) == "it holds invisible characters (U+0007 control character)"
    assert near_miss("Sở\tY tế", ["Sở Y tế"]) == "it holds invisible characters (U+0009 control character)"
    assert near_miss("Sở Y tế", ["Sở Y tế"]) == ""  # a plain space is not hidden


def test_near_miss_names_look_alike_letters():
    # Ð (U+00D0, Icelandic eth) typed for Đ (U+0110, Vietnamese D with stroke)
    assert near_miss("Ðiện Biên", ["Lai Châu", "Điện Biên"]) == "Ð (U+00D0) where Đ (U+0110) is expected"
    # two letters off: both named; three: not close
    assert near_miss("ÐiỆn Biên", ["Điện Biên"]) == "Ð (U+00D0) where Đ (U+0110) is expected"  # case is no difference
    assert near_miss("Ðiện Biêm", ["Điện Biên"]) == (
        "Ð (U+00D0) where Đ (U+0110) is expected; m (U+006D) where n (U+006E) is expected"
    )
    assert near_miss("Ðiện Biêmm", ["Điện Biênn"]) == ""
    assert near_miss("Ðiện Biêm", ["Điện Biên "]) != ""  # names are compared clean
    assert near_miss(" Ðiện  Biên", ["Điện Biên"]) == "Ð (U+00D0) where Đ (U+0110) is expected"
    # another length: not close; the first close name in the list is the one named
    assert near_miss("Ðiện Biênx", ["Điện Biên"]) == ""
    assert near_miss("abc", ["xyz", "abx", "aby"]) == "c (U+0063) where x (U+0078) is expected"
    assert near_miss("ab", ["AB"]) == ""  # the same name but for case: nothing to explain
    assert near_miss("ab", ["AB", "ax"]) == "b (U+0062) where x (U+0078) is expected"
    assert near_miss("ab", []) == ""


def test_clean_names_are_text_even_when_there_are_none():
    empty = pd.Series([], dtype=object)
    assert clean_names(empty).dtype == "str"
    assert clean_codes(empty)[1].dtype == "str"
    assert clean_names(pd.Series(["Sở Y tế", None])).dtype == "str"


def test_clean_name_collapses_exactly_what_the_regex_whitespace_class_matches():
    """clean_name splits on str.isspace(); the oracle is the rule it replaced, re.sub(r"\\s+", " ", …)
    then strip(), tried with every code point that either of them takes for a space."""
    import re
    import sys

    spaces = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() or re.fullmatch(r"\s", c)]
    assert len(spaces) == 29  # as listed in test_clean_names_agree_with_clean_name_on_every_kind_of_space
    for c in spaces + ["\u200b", "x"]:
        text = f"{c}Sở{c}{c}Y tế{c}"
        assert clean_name(text) == re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
