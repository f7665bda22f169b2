"""geo/corpus.py: a corpus's texts from one publication lend each other its home area."""
from __future__ import annotations

from geo.corpus import parse_with_sources, story_regions
from geo.home import HomeArea
from testkit import IDF, RegionalGeoparser, paris_story


def test_story_regions():
    story = next(RegionalGeoparser().parse_many(["Paris in France."]))
    assert story_regions(story, 0.5) == {IDF}  # France is a country: no first-level region
    assert story_regions(story, 0.95) == set()  # Paris at 0.9
    assert story_regions(paris_story(), 0.5) == set()  # no admin1 known


def test_texts_from_one_publication_are_parsed_again_with_its_home_area():
    geoparser = RegionalGeoparser()
    texts = ["Paris one.", "Nothing here.", "Paris two.", "Paris three."]
    sources = ["https://a.example/1", "https://b.example/1", "http://www.a.example/2", "https://b.example/2"]
    stories = parse_with_sources(geoparser, texts, sources)
    assert [s.text for s in stories] == texts
    # "Paris three." is not parsed again: the other b.example text names no place
    assert geoparser.calls == texts + ["Paris one.", "Nothing here.", "Paris two."]
    assert geoparser.homes == [None] * 4 + [HomeArea({IDF: 1.0}, 1, "a.example"), HomeArea({IDF: 1.0}, 1, "b.example"),
                                            HomeArea({IDF: 1.0}, 1, "a.example")]


def test_without_shared_sources_each_text_is_parsed_once():
    geoparser = RegionalGeoparser()
    texts = ["Paris one.", "Paris two.", "Paris three."]
    stories = parse_with_sources(geoparser, texts, ["https://a.example/1", "", "notes.txt"])
    assert [s.text for s in stories] == texts and geoparser.calls == texts
    assert geoparser.homes == [None, None, None]


def test_a_country_domain_alone_gives_a_home_area():
    geoparser = RegionalGeoparser()
    stories = parse_with_sources(geoparser, ["Paris one.", "Paris two."], ["https://www.lemonde.fr/1", ""])
    assert [s.text for s in stories] == ["Paris one.", "Paris two."]
    assert geoparser.calls == ["Paris one.", "Paris two.", "Paris one."]
    assert geoparser.homes[2:] == [HomeArea(source="lemonde.fr", country="FR")]
