"""Tests for geo.regions: relative regional names read as a region of the article's dominant country."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from geo.regions import (REGION_PREFIX, REGION_SOURCE, area_row, country_places, region_key, region_rows,
                         relative_regions)
from geo.resolve import resolve
from geo.types import Mention, Place, Resolution

ROOT = Path(__file__).resolve().parent.parent
REAL_INDEX = ROOT / "instance" / "gazetteer.sqlite"

LOS_ANGELES = Place("gn:5368361", "Los Angeles", 34.05, -118.24, 5368361, "US", "P", "PPLA2", 3_971_883, "California")
SEATTLE = Place("gn:5809844", "Seattle", 47.61, -122.33, 5809844, "US", "P", "PPLA2", 737_015, "Washington")
DUBAI = Place("gn:292223", "Dubai", 25.07, 55.17, 292223, "AE", "P", "PPLA", 3_478_300, "Dubayy")
PARIS = Place("gn:2988507", "Paris", 48.85, 2.35, 2988507, "FR", "P", "PPLC", 2_138_551, "Île-de-France")
WESTERN_AUSTRALIA = Place("gn:2058645", "Western Australia", -25.28, 121.14, 2058645, "AU", "A", "ADM1", 2_600_000)
GULF_PG = Place("gn:2096633", "Gulf", -8.05, 145.84, 2096633, "PG", "A", "ADM1", 14_248)
PERSIAN_GULF = Place("ne:1159115597", "Persian Gulf", 26.82, 51.99, None, None, "H", "GULF", 0, None, "naturalearth")
APPROX_US = Place("approx:main-street@gn:5368361", "Main Street", 34.05, -118.24, None, "US", None, None)


class FakeIndex:
    """A PlaceIndex over a handful of places, looked up by name."""

    def __init__(self, places: list[Place], aliases: dict[str, list[Place]] | None = None) -> None:
        self.by_name: dict[str, list[Place]] = {}
        for place in places:
            self.by_name.setdefault(place.name.lower(), []).append(place)
        for alias, found in (aliases or {}).items():
            self.by_name.setdefault(alias.lower(), []).extend(found)

    def candidates(self, name: str, limit: int = 25) -> list[Place]:
        return self.by_name.get(name.lower(), [])[:limit]

    def known_names(self, names):  # noqa: ANN001, ANN201
        return {}


INDEX = FakeIndex([LOS_ANGELES, SEATTLE, DUBAI, PARIS, PERSIAN_GULF, GULF_PG],
                  {"West Coast": [WESTERN_AUSTRALIA]})


def _mentions(*names: str) -> list[Mention]:
    out, at = [], 0
    for name in names:
        out.append(Mention(at, at + len(name), name, name))
        at += len(name) + 2
    return out


def _resolved(*places: Place | None) -> list[Resolution]:
    return [Resolution(place=p, confidence=0.9) for p in places]


@pytest.mark.parametrize("name, key", [
    ("the Gulf", "gulf"),
    ("The South", "south"),
    ("West Coast", "west coast"),
    ("Thessaloniki", "thessaloniki"),  # "the" only as a word of its own
])
def test_region_key(name: str, key: str) -> None:
    assert region_key(name) == key


@pytest.mark.parametrize("places, skip, expected", [
    ((LOS_ANGELES, SEATTLE, DUBAI), set(), {"US": 2, "AE": 1}),
    ((DUBAI, DUBAI, DUBAI, SEATTLE), set(), {"AE": 1, "US": 1}),  # different places, not mentions
    ((LOS_ANGELES, SEATTLE, DUBAI), {1}, {"US": 1, "AE": 1}),  # skipped mentions do not count
    ((LOS_ANGELES, APPROX_US, APPROX_US), set(), {"US": 1}),  # nor approximate placements
    ((PERSIAN_GULF, None), set(), {}),  # nor places without a country
])
def test_country_places(places: tuple[Place | None, ...], skip: set[int], expected: dict[str, int]) -> None:
    assert country_places(_resolved(*places), skip) == expected


GULF_ROWS = region_rows()["gulf"]  # the Gulf of Mexico (US, MX) and the Persian Gulf (the Gulf states)


@pytest.mark.parametrize("countries, expected", [
    ({"US": 3, "AE": 2}, ("Gulf of Mexico", 0.6)),
    ({"SA": 2, "QA": 1, "YE": 1, "US": 2}, ("Persian Gulf", 4 / 6)),  # an area of several countries
    ({"SA": 1, "US": 1}, None),  # a tie between rows
    ({"FR": 5, "US": 2}, None),  # a country outside the area holds more
    ({"FR": 5}, None),  # no row's area holds any
    ({}, None),
])
def test_area_row(countries: dict[str, int], expected: tuple[str, float] | None) -> None:
    found = area_row(GULF_ROWS, Counter(countries))
    assert (found and (found[0].place_name, pytest.approx(found[1]))) == (expected and (expected[0], expected[1]))


@pytest.mark.parametrize("names, chosen, expected_id, expected_point", [
    # an American article: the Pacific coast, a point the gazetteer lacks
    (("Los Angeles", "Seattle", "West Coast"), (LOS_ANGELES, SEATTLE, WESTERN_AUSTRALIA),
     f"{REGION_PREFIX}west-coast@US", (40.4, -124.2)),
    # a Gulf-state article: the Persian Gulf, a gazetteer entry
    (("Dubai", "the Gulf"), (DUBAI, GULF_PG), PERSIAN_GULF.place_id, (26.82, 51.99)),
    # a French article: no row for France, the resolver's choice stays
    (("Paris", "West Coast"), (PARIS, WESTERN_AUSTRALIA), WESTERN_AUSTRALIA.place_id, (-25.28, 121.14)),
    # a tie between the rows' areas: the choice stays
    (("Los Angeles", "Dubai", "Gulf"), (LOS_ANGELES, DUBAI, GULF_PG), GULF_PG.place_id, (-8.05, 145.84)),
    # the area the article's places lie in, though Dubai is mentioned more often
    (("Dubai", "Dubai", "Dubai", "Los Angeles", "Seattle", "West Coast"),
     (DUBAI, DUBAI, DUBAI, LOS_ANGELES, SEATTLE, None), f"{REGION_PREFIX}west-coast@US", (40.4, -124.2)),
    # a listed name the resolver left without a place gets one too
    (("Los Angeles", "West Coast"), (LOS_ANGELES, None), f"{REGION_PREFIX}west-coast@US", (40.4, -124.2)),
    # names not in the table are never touched
    (("Los Angeles", "Dubai", "Dubai"), (LOS_ANGELES, DUBAI, DUBAI), DUBAI.place_id, (25.07, 55.17)),
])
def test_relative_regions(names: tuple[str, ...], chosen: tuple[Place | None, ...], expected_id: str,
                          expected_point: tuple[float, float]) -> None:
    out = relative_regions(_mentions(*names), _resolved(*chosen), INDEX)
    last = out[-1].place
    assert last is not None and last.place_id == expected_id
    assert (last.lat, last.lon) == expected_point
    assert [r.place for r in out[:-1]] == list(chosen[:-1])  # the other mentions keep their places


def test_relative_region_place_and_confidence() -> None:
    out = relative_regions(_mentions("Los Angeles", "Seattle", "Dubai", "West Coast"),
                           _resolved(LOS_ANGELES, SEATTLE, DUBAI, WESTERN_AUSTRALIA), INDEX)
    region = out[-1]
    assert region.place is not None
    assert region.place.source == REGION_SOURCE and region.place.country_code == "US"
    assert region.place.name == "West Coast of the United States"
    assert region.confidence == pytest.approx(2 / 3, abs=1e-4)  # the US share of the other places
    assert [c.place for c in region.alternatives] == [WESTERN_AUSTRALIA]  # the resolver's own choice


def test_resolve_reads_relative_regions() -> None:
    text = "Fires near Los Angeles and Seattle spread along the West Coast."
    mentions = [Mention(text.index(n), text.index(n) + len(n), n, n) for n in ("Los Angeles", "Seattle", "West Coast")]
    out = resolve(text, mentions, INDEX)
    assert out[-1].place is not None and out[-1].place.place_id == f"{REGION_PREFIX}west-coast@US"
    assert out[0].place == LOS_ANGELES


def test_table_rows_are_sound() -> None:
    rows = region_rows()
    assert rows, "relative_regions.tsv has rows"
    for key, found in rows.items():
        assert key == region_key(key) and key
        for row in found:
            assert row.countries and all(len(c) == 2 and c.isupper() for c in row.countries)
            assert -90 <= row.lat <= 90 and -180 <= row.lon <= 180
            assert row.place_name
        assert not any(a.countries & b.countries for a in found for b in found if a is not b), key


@pytest.mark.skipif(not REAL_INDEX.exists(), reason="gazetteer not built")
def test_table_place_ids_are_in_the_gazetteer() -> None:
    from geo.gazetteer import OfflineGazetteer

    gazetteer = OfflineGazetteer(REAL_INDEX)
    for row in (row for found in region_rows().values() for row in found):
        if row.place_id:
            place = gazetteer.place(row.place_id)
            assert place is not None, row
            assert abs(place.lat - row.lat) < 0.1 and abs(place.lon - row.lon) < 0.1, row
            assert any(p.place_id == row.place_id for p in gazetteer.candidates(row.place_name, limit=60)), row
