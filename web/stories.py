"""One story: its page (map, highlighted text, review) and its GeoJSON; and the GeoJSON export
of the whole library."""
from __future__ import annotations

import itertools
import json
from typing import Any, Iterator

from flask import Blueprint, Response, make_response, render_template, stream_with_context, url_for

from geo import geojson, store
from web import pagecache
from web.extensions import db
from web.mapview import page_map
from web.review import annotate, article_or_404, article_review, reviewer_name
from web.settings import osm_tiles
from web.storytext import story_text

__all__ = ["bp", "article_collection", "export_chunks", "place_rows"]

bp = Blueprint("stories", __name__)


def article_collection(article_id: int) -> dict[str, Any]:
    """The stored article's FeatureCollection (the same builder as corpus mode)."""
    mentions = [store.to_resolved(m) for m in store.article_mentions(db.session, article_id)]
    feats = annotate(geojson.features(mentions, article_id=article_id), article_id)
    return geojson.feature_collection(feats, tiles=osm_tiles())


def export_chunks(article_id: int | None = None) -> Iterator[str]:
    """The library (or one article) as one FeatureCollection, streamed article by article."""
    feats = itertools.chain.from_iterable(
        annotate(geojson.features(mentions, article_id=aid), aid)
        for aid, mentions in store.iter_resolved(db.session, article_id)
    )
    return geojson.stream_collection(feats, tiles=osm_tiles())


def _place_key(m: store.Mention) -> str:
    return geojson.key_for(m.place.place_id if m.place is not None else None, m.name)


def place_rows(mentions: list[store.Mention]) -> list[dict[str, Any]]:
    """The page's places: the article's mentions (in reading order, as store.article_mentions
    gives them) grouped as geojson.features groups them, coordinates rounded alike."""
    rows = []
    for key, group in geojson.group_by_place(mentions, _place_key).items():
        m, p = group[0], group[0].place
        rows.append({
            "place_key": key,
            "name": p.name if p is not None else m.name,
            "country_code": p.country_code if p is not None else None,
            "lat": round(p.lat, geojson.COORD_DIGITS) if p is not None else None,
            "lon": round(p.lon, geojson.COORD_DIGITS) if p is not None else None,
            "count": len(group),
        })
    return rows


def _mention_row(m: store.Mention) -> dict[str, Any]:
    return {"id": m.id, "start": m.start, "end": m.end, "surface": m.surface, "kind": m.kind,
            "confidence": m.confidence, "place_key": _place_key(m)}


def _article_info(row: store.Article) -> dict[str, Any]:
    return {"id": row.id, "title": row.title, "source": row.source, "text": row.text,
            "created_at": store.as_utc(row.created_at), "status": row.status,
            "stage": row.stage, "progress": row.progress, "error": row.error}


def _page_parts(article_id: int, text: str) -> dict[str, Any]:
    """What the story page shows the same to every visitor, its text and review list rendered."""
    mentions = store.article_mentions(db.session, article_id)
    places = place_rows(mentions)
    mention_rows = [_mention_row(m) for m in mentions]
    rv = article_review(article_id, mentions)
    story, rv = pagecache.prerendered(story_text(text, mention_rows, places, rv.get("by_id")), rv)
    return {"mentions": mention_rows, "places": places, "story": story, "review": rv}


def _weight(parts: dict[str, Any]) -> int:
    return len(parts["story"].segments) + len(parts["review"]["queue"]) + 200 * len(parts["mentions"])


@bp.get("/articles/<int:article_id>")
def article(article_id: int) -> Response:
    """The story page: the map, the places, the text with its mentions, the review."""
    row = article_or_404(article_id)
    parts = pagecache.cached("page", article_id, lambda: _page_parts(article_id, row.text), _weight)
    return pagecache.conditional(make_response(render_template(
        "article.html",
        article=_article_info(row),
        mentions=parts["mentions"],
        places=parts["places"],
        story=parts["story"],
        geojson_url=url_for("stories.article_geojson", article_id=article_id),
        map_html=page_map(),
        review={**parts["review"], "reviewer": reviewer_name()},
    )))


@bp.get("/articles/<int:article_id>.geojson")
def article_geojson(article_id: int) -> Response:
    """The article's places as a GeoJSON FeatureCollection (304 when the browser has it)."""
    article_or_404(article_id)
    return pagecache.tagged(pagecache.etag("geojson", article_id, osm_tiles()), lambda: pagecache.cached(
        "geojson", article_id, lambda: json.dumps(article_collection(article_id), ensure_ascii=False)),
        geojson.MEDIA_TYPE)


@bp.get("/export.geojson")
def export_geojson() -> Response:
    """Every story's places as one GeoJSON FeatureCollection (streamed, as a download)."""
    response = Response(stream_with_context(export_chunks()), mimetype=geojson.MEDIA_TYPE)
    response.headers["Content-Disposition"] = 'attachment; filename="export.geojson"'
    return response
