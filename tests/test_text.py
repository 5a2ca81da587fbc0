"""parlib.text: NFC, whitespace, case-folded keys for names."""

import unicodedata

import pandas as pd

from parlib.data.text import clean_name, clean_names, name_key

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
