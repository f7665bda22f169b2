"""Resolved mentions -> RFC 7946 GeoJSON: one code path for the map, the export and corpus mode.

Input is an iterable of ``ResolvedMention`` (from a fresh ``Story`` or rebuilt from stored
rows). Output is one Feature per place (per article): a Point [lon, lat], or null geometry for
mentions that could not be resolved, grouped by their name, so nothing the text names is dropped.
A stored article's Feature ids are "<article_id>:<place_key>", unique across a whole export;
:func:`mention_features` gives the flat shape instead (one Feature per mention).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, TypeVar

from geo.countries import country_name
from geo.types import ResolvedMention, Story

__all__ = [
    "MEDIA_TYPE",
    "ATTRIBUTION",
    "OSM_ATTRIBUTION",
    "attribution",
    "COORD_DIGITS",
    "key_for",
    "place_key",
    "feature_id",
    "ArticleRef",
    "mention_features",
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


def feature_id(article_id: int | None, key: str) -> str:
    """A Feature's id: "<article_id>:<place_key>" for a stored article (unique across an
    export), the place key alone in corpus mode."""
    return key if article_id is None else f"{article_id}:{key}"


@dataclass(frozen=True)
class ArticleRef:
    """The stored article a Feature belongs to: its id, title, story page URL and where its uploader says
    it is set (geo.setting; the analysis read it as context)."""

    id: int | None = None
    title: str | None = None
    url: str | None = None
    setting: str | None = None


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


def _place_properties(key: str, group: list[ResolvedMention]) -> dict[str, Any]:
    place = group[0].place
    if place is None:
        return {"place_key": key, "name": group[0].mention.name, "geonameid": None,
                "country_code": None, "country": None, "admin1": None, "feature_class": None,
                "feature_code": None, "resolved": False}
    return {"place_key": key, "name": place.name, "geonameid": place.geonameid,
            "country_code": place.country_code, "country": country_name(place.country_code),
            "admin1": place.admin1, "feature_class": place.feature_class,
            "feature_code": place.feature_code, "resolved": True}


def _feature(key: str, group: list[ResolvedMention], article: ArticleRef) -> dict[str, Any]:
    place = group[0].place
    confidence = round(sum(rm.confidence for rm in group) / len(group), _CONFIDENCE_DIGITS)
    mentions = [_mention_properties(rm) for rm in sorted(group, key=lambda rm: rm.mention.start)]
    geometry = None if place is None else {
        "type": "Point",
        "coordinates": [round(place.lon, COORD_DIGITS), round(place.lat, COORD_DIGITS)],
    }
    properties = _place_properties(key, group)
    properties.update(
        confidence=confidence, article_id=article.id, article_title=article.title,
        article_url=article.url, article_setting=article.setting, mention_count=len(group), mentions=mentions,
    )
    return {"type": "Feature", "id": feature_id(article.id, key), "geometry": geometry,
            "properties": properties}


def group_by_place(items: Iterable[T], key: Callable[[T], str]) -> dict[str, list[T]]:
    """Items (in reading order) grouped by their place key, in order of first mention: the
    features' grouping, one Feature per group. ``key`` gives an item's :func:`key_for`."""
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


def features(
    mentions: Iterable[ResolvedMention], article_id: int | None = None,
    article: ArticleRef | None = None,
) -> list[dict[str, Any]]:
    """One Feature per place (or per unresolved name), in order of first mention; ``article``
    (or just ``article_id``) names the stored article they belong to."""
    ref = article if article is not None else ArticleRef(article_id)
    ordered = sorted(mentions, key=lambda rm: (rm.mention.start, rm.mention.end))
    return [_feature(key, group, ref)
            for key, group in group_by_place(ordered, place_key).items()]


def _flat(value: Any) -> bool:
    return not isinstance(value, (list, dict))


def mention_features(feats: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The flat shape (``?shape=mentions``): one Feature per mention, in the order given, with
    flat properties (the place's, then the mention's: start, end, text, passage, confidence,
    ...; its looked-up name as ``mention_name``); nested values such as ``alternatives`` are
    left out. Ids are "<feature id>:<start>-<end>"."""
    for feat in feats:
        place = {k: v for k, v in feat["properties"].items() if k != "mentions" and _flat(v)}
        for m in feat["properties"].get("mentions") or []:
            props = dict(place)
            props.update((k, v) for k, v in m.items() if k != "name" and _flat(v))
            props["mention_name"] = m.get("name")
            yield {"type": "Feature", "id": f"{feat['id']}:{m['start']}-{m['end']}",
                   "geometry": feat["geometry"], "properties": props}


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
