"""scripts/error_classes.py: each error lands in the class of issue 11 it belongs to."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import error_classes as ec  # noqa: E402
from geo.types import Place  # noqa: E402

ATHENS_GR = Place("gn:264371", "Athens", 37.98, 23.73, 264371, "GR", "P", "PPLC", 664_046, "Attica", "geonames")
ATHENS_TX = Place("gn:4672731", "Athens", 32.20, -95.85, 4672731, "US", "P", "PPL", 12_710, "Texas", "geonames")
GEORGIA_US = Place("gn:4197000", "Georgia", 32.75, -83.50, 4197000, "US", "A", "ADM1", 9_919_945, "Georgia", "geonames")
GEORGIA_TOWN = Place("gn:1", "Georgia", 44.7, -73.1, 1, "US", "P", "PPL", 4_500, "Vermont", "geonames")


class _Index:
    """A gazetteer of a few places."""

    def __init__(self, *places: Place) -> None:
        self.places = places

    def candidates(self, name: str, limit: int = 25) -> list[Place]:
        return [p for p in self.places if p.name.lower() == name][:limit]

    def place(self, place_id: str) -> Place | None:
        return next((p for p in self.places if p.place_id == place_id), None)


def _pred(place: Place, name: str) -> dict:
    return {"lat": place.lat, "lon": place.lon, "name": name, "kind": "literal",
            "place": {"name": place.name, "geonameid": place.geonameid, "feature_code": place.feature_code}}


@pytest.mark.parametrize(("a", "b", "d"), [("", "", 0), ("paris", "paris", 0), ("paris", "parris", 1),
                                          ("cookville", "cookeville", 1), ("abc", "xyz", 3), ("", "abc", 3)])
def test_edit_distance(a: str, b: str, d: int) -> None:
    assert ec.edit_distance(a, b) == d == ec.edit_distance(b, a)


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("He studied at Harvard University last year.", "organisation", True),
        ("She met Mr Lincoln there.", "person", True),
        ("He went to Lincoln on Monday.", "person", False),
        ("Cases of Zika virus rose.", "disease", True),
        ("The Canada Day parade.", "holiday", True),
        ("in Madison County, officials said", "cue", True),
    ],
)
def test_cue_class(text: str, kind: str, expected: bool) -> None:
    word = {"organisation": "Harvard", "person": "Lincoln", "disease": "Zika", "holiday": "Canada",
            "cue": "Madison"}[kind]
    start = text.index(word)
    assert ec.cue_class(text, start, start + len(word), kind) is expected


@pytest.mark.parametrize(
    ("text", "gold", "chosen", "others", "expected"),
    [
        ("Protests in Georgia and Alabama.", GEORGIA_US, GEORGIA_TOWN, (), "US state read as a town"),
        ("The Athens Police Department said.", ATHENS_TX, ATHENS_GR, (), "local namesake read as the famous place"),
        ("Ministers met in Athens today.", ATHENS_GR, ATHENS_TX, (), "famous place dragged to a namesake"),
        ("He lives in Athens, Texas.", ATHENS_TX, ATHENS_GR, (), "county/state cue ignored"),
    ],
)
def test_resolution_class(text: str, gold: Place, chosen: Place, others: tuple, expected: str) -> None:
    name = gold.name
    start = text.index(name)
    toponym = {"start": start, "end": start + len(name), "name": name, "lat": gold.lat, "lon": gold.lon}
    index = _Index(ATHENS_GR, ATHENS_TX, GEORGIA_US, GEORGIA_TOWN)
    assert ec.resolution_class(ec.Gold(text, toponym, others), _pred(chosen, name), index) == expected


def test_one_sense_across_a_long_text() -> None:
    text = "Athens voted. " + "x " * 100 + "Athens, Greece, too."
    first = {"start": 0, "end": 6, "name": "Athens", "lat": ATHENS_TX.lat, "lon": ATHENS_TX.lon}
    other = {"start": 214, "end": 220, "name": "Athens", "lat": ATHENS_GR.lat, "lon": ATHENS_GR.lon}
    small = Place("gn:2", "Athens", 10.0, 10.0, 2, "XX", "P", "PPL", 100, None, "geonames")
    index = _Index(small, ATHENS_TX)
    got = ec.resolution_class(ec.Gold(text, first, (first, other)), _pred(small, "Athens"), index)
    assert got == "one sense across a long text"


def test_unmatched_spans_by_their_cue_words() -> None:
    text = "Shares of Boston Scientific and the Boston Globe fell; Zika virus spread."
    globe = {"start": text.index("Boston Globe"), "end": text.index("Boston Globe") + 6, "text": "Boston"}
    zika = {"start": text.index("Zika"), "end": text.index("Zika") + 4, "text": "Zika"}
    assert ec.recognition_class(text, globe) == "not a place: organisation"
    assert ec.recognition_class(text, zika) == "not a place: disease"
