"""The whole geoparser on self-written stories: the real model and the real gazetteer index."""
from __future__ import annotations

from pathlib import Path

import pytest

from geo.geomath import great_circle_km
from geo.pipeline import Geoparser, load_geoparser
from geo.types import Story

GAZETTEER = Path(__file__).resolve().parent.parent / "instance" / "gazetteer.sqlite"

pytestmark = pytest.mark.skipif(
    not GAZETTEER.exists(), reason="the gazetteer index is built by `make install`"
)

# Written for these tests: a conflict story whose places all have famous namesakes.
LEVANT = (
    "Fighting spread from Homs towards the Lebanese border on Monday.\n\n"
    "Hezbollah sent fighters from Lebanon's Bekaa Valley, while Damascus said the road to "
    "Aleppo was open again. Syria's allies Russia and Iran condemned the strikes.\n\n"
    "Mark Harper, a Syrian-born analyst in Istanbul, said the Iraqi militias would stay."
)

# name -> (country code, lat, lon) of the intended place; any point within 100 km passes.
LEVANT_PLACES = {
    "Homs": ("SY", 34.73, 36.72),
    "Lebanon": ("LB", 33.83, 35.83),
    "Damascus": ("SY", 33.51, 36.29),
    "Aleppo": ("SY", 36.20, 37.16),
    "Syria": ("SY", 35.0, 38.0),
    "Russia": ("RU", 60.0, 100.0),
    "Iran": ("IR", 32.0, 53.0),
    "Istanbul": ("TR", 41.01, 28.95),
    "Bekaa Valley": ("LB", 33.85, 35.90),
}


@pytest.fixture(scope="module")
def geoparser() -> Geoparser:
    return load_geoparser(GAZETTEER)


@pytest.fixture(scope="module")
def levant(geoparser: Geoparser) -> Story:
    return geoparser.parse(LEVANT)


def by_surface(story: Story) -> dict[str, list]:
    out: dict[str, list] = {}
    for rm in story.mentions:
        out.setdefault(rm.mention.surface, []).append(rm)
    return out


@pytest.mark.parametrize("surface", sorted(LEVANT_PLACES))
def test_places_resolve_to_the_intended_namesake(levant: Story, surface: str) -> None:
    found = by_surface(levant)
    assert surface in found, f"{surface!r} not recognised"
    cc, lat, lon = LEVANT_PLACES[surface]
    for rm in found[surface]:
        assert rm.place is not None, f"{surface!r} left unresolved"
        assert rm.place.country_code == cc
        assert great_circle_km(rm.place.lat, rm.place.lon, lat, lon) < 100, (surface, rm.place)


@pytest.mark.parametrize("word", ["Hezbollah", "Monday", "Mark", "Harper", "Mark Harper"])
def test_organisations_people_and_weekdays_are_not_places(levant: Story, word: str) -> None:
    assert word not in by_surface(levant)


@pytest.mark.parametrize(
    ("surface", "country"), [("Lebanese", "LB"), ("Syrian", "SY"), ("Iraqi", "IQ")]
)
def test_demonyms_are_kept_as_their_country(levant: Story, surface: str, country: str) -> None:
    rms = by_surface(levant).get(surface)
    assert rms, f"demonym {surface!r} not found"
    assert all(rm.mention.kind == "demonym" for rm in rms)
    assert all(rm.place is not None and rm.place.country_code == country for rm in rms)


def test_possessive_span_excludes_the_s(levant: Story) -> None:
    spans = [(rm.mention.start, rm.mention.end) for rm in levant.mentions if rm.mention.surface == "Lebanon"]
    assert spans and all(LEVANT[e:e + 2] == "'s" for _, e in spans)


def test_offsets_passages_and_confidence_are_consistent(levant: Story) -> None:
    assert levant.text == LEVANT
    previous_end = 0
    for rm in levant.mentions:
        m = rm.mention
        assert LEVANT[m.start:m.end] == m.surface
        assert m.start >= previous_end, "mentions overlap or are out of order"
        previous_end = m.end
        p = rm.passage
        assert p.start <= m.start and m.end <= p.end
        assert LEVANT[p.start:p.end] == p.text
        assert "\n\n" not in p.text
        assert 0.0 <= rm.confidence <= 1.0
        assert all(c.place != rm.place for c in rm.alternatives)


def test_parse_many_matches_parse(geoparser: Geoparser) -> None:
    texts = ["Floods hit Dhaka and Chittagong.", "", "No places here at all."]
    many = list(geoparser.parse_many(texts))
    assert [s.text for s in many] == texts
    assert [s.mentions for s in many] == [geoparser.parse(t).mentions for t in texts]
    assert {rm.place.country_code for rm in many[0].mentions if rm.place} == {"BD"}
    assert many[1].mentions == () and many[2].mentions == ()


def test_loader_is_cached_per_gazetteer(geoparser: Geoparser) -> None:
    assert load_geoparser(GAZETTEER) is geoparser


def test_a_word_matching_a_lone_foreign_town_is_no_mention(geoparser: Geoparser) -> None:
    """"Toyota" (the model: an organisation) in a Texas story is the car maker, not Toyota, Japan."""
    story = geoparser.parse("Police in Dallas and Houston said the driver of a Toyota fled north on Interstate 45.")
    assert sorted(rm.mention.surface for rm in story.mentions) == ["Dallas", "Houston"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Police in Reading arrested two men after a robbery in Bath.", {"Reading": "GB", "Bath": "GB"}),
        ("NICE, France (AP) — A truck plowed into crowds on the promenade.", {"NICE": "FR", "France": "FR"}),
        ("Police in Mobile, Ala., said the suspect fled.", {"Mobile": "US", "Ala.": "US"}),
    ],
)
def test_towns_named_by_everyday_words(geoparser: Geoparser, text: str, expected: dict[str, str]) -> None:
    """"Reading", "Nice", "Mobile" are towns where the text locates them (word_towns.txt)."""
    story = geoparser.parse(text)
    assert {rm.mention.surface: rm.place.country_code for rm in story.mentions if rm.place} == expected


def test_english_regions_and_metropolitan_counties(geoparser: Geoparser) -> None:
    """Regions no source carried (geo/data/extra_places.tsv): "the West Midlands", and "Yorkshire", not
    the US towns."""
    story = geoparser.parse("Birmingham City Council cut services across the West Midlands, and floods hit "
                            "towns in Yorkshire.")
    found = {rm.mention.surface: rm.place for rm in story.mentions if rm.place}
    assert found["West Midlands"].country_code == "GB" and found["Yorkshire"].country_code == "GB"
