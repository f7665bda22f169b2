"""Property-based tests (hypothesis): whatever the text, the real geoparser never crashes, every
mention's offsets point at its text, and the GeoJSON is valid RFC 7946. Input reading never
fails with anything but a GeoError.

The real model is loaded once per session (``real_geoparser``); examples stay few and small so
the whole file runs in seconds.
"""
from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import geojson
from geo.errors import GeoError
from geo.sources import decode_bytes, normalize_newlines, read_pasted, read_upload, safe_filename

PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,  # the same examples on every run: a red build is reproducible
)

# Pieces real news is made of, and pieces that break naive code.
WORDS = st.sampled_from([
    "Paris", "France", "New York", "Washington, D.C.", "São Paulo", "Kraków", "Côte d'Ivoire",
    "the", "in", "of", "said", "U.S.", "UK", "EU", "Mr.", "St.", "Gaza", "Kyiv", "Kiev", "Congo",
    "Georgia", "Jordan", "Chad", "Nice", "Reading", "Mobile", "French", "Syrian", "Paris-based",
    "Lebanon's", "Springfield", "Atlantis", "東京", "القاهرة", "Москва", "🙂", "é", "\u0301",
    "\u200b", "\u00a0", "\r\n", "\n\n", "\t", " ", ",", ".", "—", "\"", "'", "(", ")", "#", "*",
    "<script>", "&amp;", "ＰＡＲＩＳ", "PARIS", "paris", "ﬁ", "İstanbul", "\u2028", "\x0c",
])
TEXTS = st.one_of(
    st.lists(WORDS, max_size=60).map(" ".join),
    st.lists(WORDS, max_size=60).map("".join),
    st.text(max_size=300),
    st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=40).map(" ".join),
)


def check_collection(fc: dict) -> None:
    """RFC 7946: a FeatureCollection of Features with null or Point [lon, lat] geometries."""
    text = json.dumps(fc, allow_nan=False, ensure_ascii=False)  # NaN/Infinity are not JSON
    assert json.loads(text) == fc
    assert fc["type"] == "FeatureCollection" and isinstance(fc["features"], list)
    assert "crs" not in fc  # RFC 7946 dropped it: WGS 84 only
    for feature in fc["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature["properties"], dict)
        assert isinstance(feature.get("id", ""), (str, int, float))
        geometry = feature["geometry"]
        if geometry is None:
            continue
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]  # exactly two positions: [longitude, latitude]
        assert all(isinstance(v, (int, float)) and math.isfinite(v) for v in (lon, lat))
        assert -180 <= lon <= 180 and -90 <= lat <= 90


@pytest.fixture(scope="module")
def geoparser(real_geoparser):  # type: ignore[no-untyped-def]
    return real_geoparser


@PROPERTY_SETTINGS
@given(text=TEXTS)
def test_the_geoparser_never_crashes_and_offsets_point_at_the_mentions(geoparser, text):
    story = geoparser.parse(text)
    assert story.text == text
    previous_start = -1
    for rm in story.mentions:
        m = rm.mention
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.surface
        assert m.start >= previous_start  # in reading order
        previous_start = m.start
        assert m.kind in ("literal", "demonym") and m.name
        p = rm.passage
        assert 0 <= p.start <= m.start and m.end <= p.end <= len(text)
        assert text[p.start:p.end] == p.text
        assert 0.0 <= rm.confidence <= 1.0
        if rm.place is not None:
            assert -90 <= rm.place.lat <= 90 and -180 <= rm.place.lon <= 180
    check_collection(geojson.story_collection(story, doc_id="x"))


@PROPERTY_SETTINGS
@given(texts=st.lists(TEXTS, min_size=1, max_size=5))
def test_batches_give_the_same_stories_as_one_by_one(geoparser, texts):
    batched = list(geoparser.parse_many(texts, batch_size=2))
    assert [s.text for s in batched] == texts
    for text, story in zip(texts, batched):
        single = geoparser.parse(text)
        assert [rm.mention for rm in story.mentions] == [rm.mention for rm in single.mentions]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(data=st.binary(max_size=400))
def test_any_bytes_decode_to_clean_text_or_a_geoerror(data):
    try:
        text = decode_bytes(data)
    except GeoError:
        return
    assert isinstance(text, str)
    assert not any(c in text for c in "\x00\x01\x02\x03\x04\x05\x06\x07\x08")


@settings(max_examples=200, deadline=None, derandomize=True)
@given(name=st.text(max_size=60), data=st.binary(max_size=200))
def test_any_upload_reads_or_fails_with_a_geoerror(name, data):
    try:
        title, text = read_upload(name, data, max_bytes=1000)
    except GeoError:
        return
    assert text.strip() and len(title) <= 200 and "\x00" not in title


@settings(max_examples=200, deadline=None, derandomize=True)
@given(title=st.one_of(st.none(), st.text(max_size=300)), text=st.text(max_size=300))
def test_any_paste_reads_or_fails_with_a_geoerror(title, text):
    try:
        got_title, got_text = read_pasted(title, text, max_bytes=2000)
    except GeoError:
        return
    # pasted text is kept exactly, apart from the one newline normalisation (issue 12)
    assert got_text == normalize_newlines(text) and "\r" not in got_text
    assert 0 < len(got_title) <= 200 and got_title == got_title.strip()


@settings(max_examples=300, deadline=None, derandomize=True)
@given(name=st.text(max_size=400))
def test_a_safe_filename_is_never_a_path(name):
    safe = safe_filename(name)
    assert "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert len(safe) <= 255
