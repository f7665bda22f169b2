"""geo.demonyms: demonyms and place abbreviations read from the lexicon tables."""
from __future__ import annotations

import pytest

from geo import demonyms


@pytest.mark.parametrize(
    ("word", "place"),
    [
        ("Syrian", "Syria"),
        ("Syrians", "Syria"),  # a derived plural
        ("South Koreans", "South Korea"),
        ("Chinese", "China"),
        ("Chineses", None),  # no plural for "-ese"
        ("Swiss", "Switzerland"),
        ("Swisss", None),
        ("Frenchmen", "France"),  # an irregular plural
        ("IRAQI", "Iraq"),  # all capitals, longer than three letters
        ("THAI", "Thailand"),
        ("Martian", None),
    ],
)
def test_demonym_place(word, place):
    assert demonyms.demonym_place(word) == place


@pytest.mark.parametrize(
    ("word", "place"),
    [("U.K.", "United Kingdom"), ("DPRK", "North Korea"), ("Calif.", "California"), ("NYC", "New York City"),
     ("Calif", None)],
)
def test_abbreviation_place(word, place):
    assert demonyms.abbreviation_place(word) == place


def test_tables_are_read_once():
    assert demonyms.demonyms() is demonyms.demonyms()
    assert demonyms.demonyms()["British"] == "United Kingdom"
    assert demonyms.abbreviations()["UN"] == "United Nations"
