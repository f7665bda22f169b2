"""geo/geojson.py: the FeatureCollection contract, as tables of cases."""
from __future__ import annotations

import json

import pytest

from testkit import FRANCE, PARIS, PARIS_TEXT, mention, paris_story
from geo.geojson import (
    MEDIA_TYPE,
    attribution,
    feature_collection,
    features,
    place_key,
    story_collection,
    stream_collection,
)
from geo.store import UNCERTAIN_BELOW
from geo.types import Story

MENTION_KEYS = {"start", "end", "text", "passage", "kind"}
FEATURE_KEYS = {"place_key", "name", "geonameid", "country_code", "feature_code", "confidence",
                "article_id", "mentions"}


def by_key(fc):
    return {f["properties"]["place_key"]: f for f in fc["features"]}


def test_media_type():
    assert MEDIA_TYPE == "application/geo+json"


def test_one_feature_per_place_in_order_of_first_mention():
    fc = story_collection(paris_story())
    assert [f["properties"]["place_key"] for f in fc["features"]] == [
        PARIS.place_id, FRANCE.place_id, "unresolved:Atlantis"]


@pytest.mark.parametrize(
    ("key", "coordinates"),
    [(PARIS.place_id, [2.3488, 48.85341]), (FRANCE.place_id, [2.0, 46.0])],
)
def test_points_are_lon_lat(key, coordinates):
    feature = by_key(story_collection(paris_story()))[key]
    assert feature["geometry"] == {"type": "Point", "coordinates": coordinates}


def test_unresolved_mention_is_a_feature_with_null_geometry():
    feature = by_key(story_collection(paris_story()))["unresolved:Atlantis"]
    assert feature["geometry"] is None
    assert feature["properties"]["name"] == "Atlantis"
    assert feature["properties"]["geonameid"] is None
    assert [m["text"] for m in feature["properties"]["mentions"]] == ["Atlantis"]


def test_unresolved_mentions_are_grouped_by_name():
    text = "Atlantis rose. Atlantis fell. Lemuria too."
    story = Story(text, (mention(text, "Atlantis", None), mention(text, "Atlantis", None, occurrence=1),
                         mention(text, "Lemuria", None)))
    fc = story_collection(story)
    assert [(f["properties"]["name"], len(f["properties"]["mentions"])) for f in fc["features"]] == [
        ("Atlantis", 2), ("Lemuria", 1)]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (PARIS.place_id, {"name": "Paris", "geonameid": 2988507, "country_code": "FR",
                          "feature_code": "PPLC", "confidence": 0.85, "article_id": 7}),
        (FRANCE.place_id, {"name": "France", "geonameid": 3017382, "country_code": "FR",
                           "feature_code": "PCLI", "confidence": round((1.0 + UNCERTAIN_BELOW) / 2, 3),
                           "article_id": 7}),  # the mean of its mentions' confidences
        ("unresolved:Atlantis", {"name": "Atlantis", "geonameid": None, "country_code": None,
                                 "feature_code": None, "confidence": 0.0, "article_id": 7}),
    ],
)
def test_feature_properties(key, expected):
    props = by_key(story_collection(paris_story(), article_id=7))[key]["properties"]
    assert FEATURE_KEYS <= props.keys()
    assert {k: props[k] for k in expected} == expected


def test_mentions_carry_offsets_text_passage_and_kind():
    props = by_key(story_collection(paris_story()))[FRANCE.place_id]["properties"]
    assert [m["text"] for m in props["mentions"]] == ["France", "French"]
    for m in props["mentions"]:
        assert MENTION_KEYS <= m.keys()
        assert PARIS_TEXT[m["start"]:m["end"]] == m["text"]
        assert PARIS_TEXT[m["passage_start"]:m["passage_end"]] == m["passage"]
    assert [m["kind"] for m in props["mentions"]] == ["literal", "demonym"]


def test_nothing_named_is_dropped():
    story = paris_story()
    fc = story_collection(story)
    spans = sorted((m["start"], m["end"]) for f in fc["features"] for m in f["properties"]["mentions"])
    assert spans == sorted((rm.mention.start, rm.mention.end) for rm in story.mentions)


@pytest.mark.parametrize(("doc_id", "has_id"), [("doc-1", True), (None, False)])
def test_corpus_mode_id_is_a_foreign_member(doc_id, has_id):
    fc = story_collection(paris_story(), doc_id=doc_id)
    assert fc["type"] == "FeatureCollection"
    assert ("id" in fc) is has_id
    if has_id:
        assert fc["id"] == doc_id


@pytest.mark.parametrize(("tiles", "osm"), [(False, False), (True, True)])
def test_attribution(tiles, osm):
    credits = " ".join(feature_collection([], tiles=tiles)["attribution"])
    assert "GeoNames" in credits and "CC BY 4.0" in credits and "Natural Earth" in credits
    assert ("OpenStreetMap" in credits) is osm
    assert attribution(tiles) == feature_collection([], tiles=tiles)["attribution"]


def test_empty_story_is_an_empty_collection():
    assert story_collection(Story("Nothing here.", ()))["features"] == []


def test_place_key():
    story = paris_story()
    assert [place_key(rm) for rm in story.mentions] == [
        PARIS.place_id, FRANCE.place_id, FRANCE.place_id, PARIS.place_id, "unresolved:Atlantis"]


@pytest.mark.parametrize("n_features", [0, 1, 3])
def test_stream_is_the_same_collection(n_features):
    feats = features(paris_story().mentions, article_id=1)[:n_features]
    streamed = json.loads("".join(stream_collection(iter(feats))))
    assert streamed == feature_collection(feats)


def test_output_is_json_serialisable_and_rfc7946_shaped():
    fc = json.loads(json.dumps(story_collection(paris_story())))
    for f in fc["features"]:
        assert f["type"] == "Feature"
        assert set(f) >= {"type", "geometry", "properties"}
        if f["geometry"] is not None:
            lon, lat = f["geometry"]["coordinates"]
            assert -180 <= lon <= 180 and -90 <= lat <= 90


# --------------------------------------------------------------------------- issue 12: ids, article, flat shape

from geo.countries import country_area_km2, country_name  # noqa: E402
from geo.geojson import ArticleRef, feature_id, mention_features  # noqa: E402
from geo.types import Place  # noqa: E402

HOMS = Place("gn:169577", "Homs", 34.72682, 36.72339, 169577, "SY", "P", "PPLA", 775404, admin1="Homs")


@pytest.mark.parametrize(
    ("article_id", "key", "expected"),
    [(7, PARIS.place_id, "7:gn:2988507"), (12, "unresolved:Atlantis", "12:unresolved:Atlantis"),
     (None, PARIS.place_id, "gn:2988507")],
)
def test_feature_id(article_id, key, expected):
    assert feature_id(article_id, key) == expected


@pytest.mark.parametrize(
    ("code", "name"),
    [("SY", "Syria"), ("sy", "Syria"), ("US", "United States"), ("XK", "Kosovo"), ("ZZ", None),
     ("", None), (None, None)],
)
def test_country_name(code, name):
    assert country_name(code) == name


@pytest.mark.parametrize(("code", "area"), [("GL", 2_166_086.0), ("bm", 53.0), ("ZZ", None), (None, None)])
def test_country_area(code, area):
    assert country_area_km2(code) == area


def test_feature_ids_differ_between_articles_and_keep_the_place_key():
    one = features(paris_story().mentions, article_id=1)
    two = features(paris_story().mentions, article_id=2)
    ids = [f["id"] for f in one + two]
    assert len(set(ids)) == len(ids)
    assert [f["properties"]["place_key"] for f in one] == [f["properties"]["place_key"] for f in two]


def test_article_title_url_country_and_admin1():
    text = "Homs in Syria. Atlantis too."
    story = Story(text, (mention(text, "Homs", HOMS), mention(text, "Atlantis", None)))
    ref = ArticleRef(3, "Shelling in Homs", "http://maps.example/articles/3")
    homs, atlantis = features(story.mentions, article=ref)
    assert homs["id"] == "3:gn:169577"
    assert {k: homs["properties"][k] for k in ("article_id", "article_title", "article_url",
                                                 "country", "admin1", "country_code")} == {
        "article_id": 3, "article_title": "Shelling in Homs",
        "article_url": "http://maps.example/articles/3", "country": "Syria", "admin1": "Homs",
        "country_code": "SY"}
    assert atlantis["properties"]["country"] is None and atlantis["properties"]["admin1"] is None


def test_mention_features_are_flat_one_per_mention():
    feats = features(paris_story().mentions, article_id=5)
    feats[0]["properties"]["mentions"][0]["alternatives"] = [{"name": "Paris, Texas"}]  # as review adds
    flat = list(mention_features(feats))
    assert len(flat) == sum(len(f["properties"]["mentions"]) for f in feats) == 5
    assert len({f["id"] for f in flat}) == 5
    for f in flat:
        props = f["properties"]
        assert "mentions" not in props and "alternatives" not in props
        assert all(not isinstance(v, (list, dict)) for v in props.values())
        assert PARIS_TEXT[props["start"]:props["end"]] == props["text"]
        assert {"start", "end", "text", "passage", "place_key", "article_id", "mention_name"} <= props.keys()
    french = next(f for f in flat if f["properties"]["text"] == "French")
    assert french["properties"]["name"] == "France" and french["properties"]["kind"] == "demonym"
    assert french["properties"]["confidence"] == UNCERTAIN_BELOW  # the mention's own
    assert french["id"] == f"5:{FRANCE.place_id}:{french['properties']['start']}-{french['properties']['end']}"
    assert french["geometry"] == {"type": "Point", "coordinates": [2.0, 46.0]}
    assert [f["properties"]["start"] for f in flat if f["properties"]["place_key"] == PARIS.place_id] == [0, PARIS_TEXT.rindex("Paris")]
