"""One story: its page (map, highlighted text, review) and its GeoJSON; and the GeoJSON export
of the whole library."""
from __future__ import annotations

import itertools
import json
from typing import Any, Iterator

from flask import Blueprint, Response, render_template, stream_with_context, url_for

from geo import geojson, store
from web.extensions import db
from web.mapview import page_map
from web.review import annotate, article_or_404, article_review
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


def place_rows(feats: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The page's places, one per geojson feature (in order of first mention)."""
    rows = []
    for f in feats:
        props, geometry = f["properties"], f["geometry"]
        lon, lat = geometry["coordinates"] if geometry is not None else (None, None)
        rows.append({"place_key": props["place_key"], "name": props["name"],
                     "country_code": props["country_code"], "lat": lat, "lon": lon,
                     "count": props["mention_count"]})
    return rows


def _mention_row(m: store.Mention, key: str) -> dict[str, Any]:
    return {"id": m.id, "start": m.start, "end": m.end, "surface": m.surface, "kind": m.kind,
            "confidence": m.confidence, "place_key": key}


def _article_info(row: store.Article) -> dict[str, Any]:
    return {"id": row.id, "title": row.title, "source": row.source, "text": row.text,
            "created_at": store.as_utc(row.created_at), "status": row.status}


@bp.get("/articles/<int:article_id>")
def article(article_id: int) -> str:
    """The story page: the map, the places, the text with its mentions, the review."""
    row = article_or_404(article_id)
    mentions = store.article_mentions(db.session, article_id)
    resolved = [store.to_resolved(m) for m in mentions]
    places = place_rows(geojson.features(resolved, article_id=article_id))
    mention_rows = [_mention_row(m, geojson.place_key(rm)) for m, rm in zip(mentions, resolved)]
    rv = article_review(article_id, mentions)
    return render_template(
        "article.html",
        article=_article_info(row),
        mentions=mention_rows,
        places=places,
        story=story_text(row.text, mention_rows, places, rv.get("by_id")),
        geojson_url=url_for("stories.article_geojson", article_id=article_id),
        map_html=page_map(),
        review=rv,
    )


@bp.get("/articles/<int:article_id>.geojson")
def article_geojson(article_id: int) -> Response:
    """The article's places as a GeoJSON FeatureCollection."""
    article_or_404(article_id)
    body = json.dumps(article_collection(article_id), ensure_ascii=False)
    return Response(body, mimetype=geojson.MEDIA_TYPE)


@bp.get("/export.geojson")
def export_geojson() -> Response:
    """Every story's places as one GeoJSON FeatureCollection (streamed, as a download)."""
    response = Response(stream_with_context(export_chunks()), mimetype=geojson.MEDIA_TYPE)
    response.headers["Content-Disposition"] = 'attachment; filename="export.geojson"'
    return response
