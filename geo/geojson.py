"""Resolved mentions -> RFC 7946 GeoJSON: one code path for the map, the export and corpus mode.

Input is an iterable of ``ResolvedMention`` (from a fresh ``Story`` or rebuilt from stored
rows). Output is one Feature per place (per article): a Point [lon, lat], or null geometry for
mentions that could not be resolved, grouped by their name, so nothing the text names is dropped.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Iterable, Iterator, TypeVar

from geo.types import ResolvedMention, Story

__all__ = [
    "MEDIA_TYPE",
    "ATTRIBUTION",
    "OSM_ATTRIBUTION",
    "attribution",
    "COORD_DIGITS",
    "key_for",
    "place_key",
    "group_by_place",
    "features",
    "feature_collection",
    "story_collection",
    "stream_collection",
]

T = TypeVar("T")

MEDIA_TYPE = "application/geo+json"
ATTRIBUTION: tuple[str, ...] = (
    "Place data © GeoNames (geonames.org), licensed under CC BY 4.0",
    "Made with Natural Earth: free vector and raster map data @ naturalearthdata.com",
)
OSM_ATTRIBUTION = "Map tiles © OpenStreetMap contributors (openstreetmap.org/copyright), ODbL"

COORD_DIGITS = 6  # ~0.1 m; RFC 7946 section 11.2 recommends not to pretend more
_CONFIDENCE_DIGITS = 3


def attribution(tiles: bool = False) -> list[str]:
    """Credits for the data behind the features (and the tiles, when web tiles are shown)."""
    return [*ATTRIBUTION, OSM_ATTRIBUTION] if tiles else list(ATTRIBUTION)


def key_for(place_id: str | None, name: str) -> str:
    """A stable per-article place key: the gazetteer place id, or "unresolved:<name>"."""
    return place_id if place_id is not None else f"unresolved:{name}"


def place_key(rm: ResolvedMention) -> str:
    """The place key of a resolved mention."""
    return key_for(rm.place.place_id if rm.place is not None else None, rm.mention.name)


def _mention_properties(rm: ResolvedMention) -> dict[str, Any]:
    m = rm.mention
    return {
        "start": m.start,
        "end": m.end,
        "text": m.surface,
        "name": m.name,
        "kind": m.kind,
        "confidence": round(rm.confidence, _CONFIDENCE_DIGITS),
        "passage": rm.passage.text,
        "passage_start": rm.passage.start,
        "passage_end": rm.passage.end,
    }


def _feature(key: str, group: list[ResolvedMention], article_id: int | None) -> dict[str, Any]:
    place = group[0].place
    confidence = round(sum(rm.confidence for rm in group) / len(group), _CONFIDENCE_DIGITS)
    mentions = [_mention_properties(rm) for rm in sorted(group, key=lambda rm: rm.mention.start)]
    if place is None:
        geometry = None
        properties: dict[str, Any] = {
            "place_key": key,
            "name": group[0].mention.name,
            "geonameid": None,
            "country_code": None,
            "feature_class": None,
            "feature_code": None,
            "resolved": False,
        }
    else:
        geometry = {
            "type": "Point",
            "coordinates": [round(place.lon, COORD_DIGITS), round(place.lat, COORD_DIGITS)],
        }
        properties = {
            "place_key": key,
            "name": place.name,
            "geonameid": place.geonameid,
            "country_code": place.country_code,
            "feature_class": place.feature_class,
            "feature_code": place.feature_code,
            "resolved": True,
        }
    properties.update(
        confidence=confidence, article_id=article_id, mention_count=len(group), mentions=mentions
    )
    return {"type": "Feature", "id": key, "geometry": geometry, "properties": properties}


def group_by_place(items: Iterable[T], key: Callable[[T], str]) -> dict[str, list[T]]:
    """Items (in reading order) grouped by their place key, in order of first mention: the
    features' grouping, one Feature per group. ``key`` gives an item's :func:`key_for`."""
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


def features(
    mentions: Iterable[ResolvedMention], article_id: int | None = None
) -> list[dict[str, Any]]:
    """One Feature per place (or per unresolved name), in order of first mention."""
    ordered = sorted(mentions, key=lambda rm: (rm.mention.start, rm.mention.end))
    return [_feature(key, group, article_id)
            for key, group in group_by_place(ordered, place_key).items()]


def feature_collection(
    feats: Iterable[dict[str, Any]], *, doc_id: str | None = None, tiles: bool = False
) -> dict[str, Any]:
    """A FeatureCollection; ``doc_id`` (corpus mode) becomes the "id" foreign member."""
    collection: dict[str, Any] = {"type": "FeatureCollection"}
    if doc_id is not None:
        collection["id"] = doc_id
    collection["attribution"] = attribution(tiles)
    collection["features"] = list(feats)
    return collection


def story_collection(
    story: Story, *, doc_id: str | None = None, article_id: int | None = None, tiles: bool = False
) -> dict[str, Any]:
    """The FeatureCollection for one geoparsed Story."""
    return feature_collection(features(story.mentions, article_id), doc_id=doc_id, tiles=tiles)


def stream_collection(
    feats: Iterable[dict[str, Any]], *, tiles: bool = False
) -> Iterator[str]:
    """The same FeatureCollection as JSON text, in chunks: one feature in memory at a time."""
    head = json.dumps(
        {"type": "FeatureCollection", "attribution": attribution(tiles)}, ensure_ascii=False
    )
    yield head[:-1] + ', "features": ['
    for n, feat in enumerate(feats):
        yield ("," if n else "") + "\n" + json.dumps(feat, ensure_ascii=False)
    yield "\n]}\n"
