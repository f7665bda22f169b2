"""scripts/error_classes.py: each error lands in the class of issue 11 it belongs to."""
from __future__ import annotations

import sys
from collections import Counter
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


COLUMBIA_RIVER = Place("gn:3", "Columbia", 46.2, -123.9, 3, "US", "H", "STM", 0, None, "geonames")
COLUMBIA_TN = Place("gn:4", "Columbia", 35.6, -87.0, 4, "US", "P", "PPL", 36_800, "Tennessee", "geonames")
LONDON_ON = Place("gn:5", "London", 42.98, -81.23, 5, "CA", "P", "PPL", 422_324, "Ontario", "geonames")


def _props(place: Place) -> dict:
    return {"name": place.name, "geonameid": place.geonameid, "feature_code": place.feature_code,
            "feature_class": place.feature_class, "country_code": place.country_code}


@pytest.mark.parametrize(
    ("chosen", "near_gold", "expected"),
    [
        ({"name": "Royal Street", "geonameid": None, "feature_code": None, "country_code": "US"}, (),
         "no candidate: placed at a far town"),
        (_props(Place("gn:6", "Pacific Ocean", 0.0, -160.0, 6, None, "H", "OCN", 0, None, "geonames")), (),
         "no candidate: wide or vague area"),
        (_props(ATHENS_TX), (), "no candidate: a namesake town chosen"),
        (_props(COLUMBIA_RIVER), (COLUMBIA_TN,), "ranked lower: another kind of place"),
        (_props(ATHENS_TX), (GEORGIA_TOWN,), "ranked lower: same-country namesake"),
        (_props(LONDON_ON), (ATHENS_TX,), "ranked lower: other-country namesake"),
    ],
)
def test_other_class(chosen: dict, near_gold: tuple, expected: str) -> None:
    assert ec.other_class(chosen, near_gold) == expected
    assert expected in ec.RESOLUTION


def test_presence_split_counts_gazetteer_gaps() -> None:
    text = "Ministers met in Athens today."
    start = text.index("Athens")
    toponym = {"start": start, "end": start + 6, "name": "Athens", "lat": ATHENS_GR.lat, "lon": ATHENS_GR.lon}
    tally = ec.Tally(Counter(), Counter())
    gold, pred = ec.Gold(text, toponym, ()), _pred(ATHENS_TX, "Athens")
    ec.note_candidates(tally, "x", gold, pred, _Index(ATHENS_TX), 9000.0)
    ec.note_candidates(tally, "x", gold, pred, _Index(ATHENS_TX, ATHENS_GR), 9000.0)
    ec.note_candidates(tally, "x", gold, pred, _Index(ATHENS_TX, ATHENS_GR), 500.0)
    assert tally.absent == Counter({"x": 1})
    assert [e.near_gold for e in tally.far_errors] == [(), (ATHENS_GR,)]


def test_presence_table_and_far_error_listing(capsys: pytest.CaptureFixture[str]) -> None:
    text = "Ministers met in Athens today."
    toponym = {"start": 17, "end": 23, "name": "Athens", "lat": ATHENS_GR.lat, "lon": ATHENS_GR.lon}
    tally = ec.Tally(Counter({"famous place dragged to a namesake": 2}), Counter())
    gold = ec.Gold(text, toponym, (), ("Athens|US|Texas|PPL",))
    ec.note_candidates(tally, "famous place dragged to a namesake", gold, _pred(ATHENS_TX, "Athens"),
                       _Index(ATHENS_TX, ATHENS_GR), 9500.0)
    ec.print_presence({"gwn": tally})
    ec.print_far_errors({"gwn": tally}, "famous")
    ec.print_far_errors({"gwn": tally}, "local")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "" and "gwn ranked lower" in lines[1]
    assert lines[5].split()[-2:] == ["2", "0"]  # famous place dragged: both ranked lower
    assert lines[-1].startswith("gwn [famous place dragged to a namesake] 'Athens' 9500 km: chose Athens|None|None|PPL")
    assert "Athens|GR|Attica|PPLC|664046" in lines[-1] and lines[-1].endswith("article: Athens|US|Texas|PPL")
