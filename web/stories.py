"""One story: its page (map, highlighted text, review) and its GeoJSON; and the GeoJSON export
of the whole library."""
from __future__ import annotations

import itertools
import json
from typing import Any, Iterable, Iterator

from flask import (Blueprint, Response, abort, current_app, has_request_context, make_response,
                   render_template, request, stream_with_context, url_for)

from geo import geojson, store
from web import pagecache
from web.extensions import db
from web.homearea import home_info
from web.mapview import page_map
from web.review import annotate, article_or_404, article_review, reviewer_name
from web.settings import osm_tiles
from web.storytext import story_text

__all__ = ["bp", "SHAPES", "article_collection", "export_chunks", "place_rows", "article_url",
           "export_shape", "mention_rows", "page_parts"]

bp = Blueprint("stories", __name__)

#: The export's shapes (``?shape=``): one Feature per place (nested mentions), or per mention.
SHAPES = ("places", "mentions")


def export_shape() -> str:
    """The ``?shape=`` asked for ("places" when none); 400 for another."""
    shape = request.args.get("shape") or "places"
    if shape not in SHAPES:
        abort(400, "?shape= must be places or mentions.")
    return shape


def article_url(article_id: int) -> str | None:
    """The story page's absolute URL (the request's host, which TRUSTED_HOSTS vets; SERVER_NAME
    outside a request), or None when there is no host to name (``flask export`` without it)."""
    if not has_request_context() and not current_app.config.get("SERVER_NAME"):
        return None
    return url_for("stories.article", article_id=article_id, _external=True)


def _article_features(aid: int, head: tuple[str | None, str | None], mentions: list[Any], shape: str
                      ) -> Iterable[dict[str, Any]]:
    title, setting = head
    ref = geojson.ArticleRef(aid, title, article_url(aid), setting)
    feats = annotate(geojson.features(mentions, article=ref), aid)
    return geojson.mention_features(feats) if shape == "mentions" else feats


def article_collection(article_id: int, shape: str = "places") -> dict[str, Any]:
    """The stored article's FeatureCollection (the same builder as corpus mode), with the home area
    its analysis read as a foreign member ("home_area", RFC 7946 section 6.1) when there was one."""
    row = store.get_article(db.session, article_id)
    mentions = [store.to_resolved(m) for m in store.article_mentions(db.session, article_id)]
    feats = _article_features(article_id, (row.title, row.setting) if row else (None, None), mentions, shape)
    fc = geojson.feature_collection(feats, tiles=osm_tiles())
    home = home_info(row.home_area) if row else None
    return {**fc, "home_area": home} if home else fc


def _heads(article_id: int | None) -> Iterator[tuple[int, str, str | None]]:
    """(id, title, setting) of the analysed articles (or the one) in id order, a batch at a time."""
    if article_id is not None:
        yield from store.article_heads(db.session, article_id - 1, limit=1)
        return
    after = 0
    while batch := store.article_heads(db.session, after):
        yield from batch
        after = batch[-1][0]


def export_chunks(article_id: int | None = None, shape: str = "places") -> Iterator[str]:
    """The library (or one article) as one FeatureCollection, streamed article by article."""
    heads = _heads(article_id)
    pending = next(heads, None)

    def head_of(aid: int) -> tuple[str | None, str | None]:
        nonlocal pending
        while pending is not None and pending[0] < aid:
            pending = next(heads, None)
        return (pending[1], pending[2]) if pending is not None and pending[0] == aid else (None, None)

    feats = itertools.chain.from_iterable(
        _article_features(aid, head_of(aid), mentions, shape)
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


def mention_rows(mentions: list[store.Mention]) -> list[dict[str, Any]]:
    """The page's mentions as the story text needs them (web.storytext.story_text)."""
    return [_mention_row(m) for m in mentions]


def _article_info(row: store.Article) -> dict[str, Any]:
    return {"id": row.id, "title": row.title, "source": row.source, "text": row.text,
            "created_at": store.as_utc(row.created_at), "status": row.status,
            "stage": row.stage, "progress": row.progress, "error": row.error,
            "home": home_info(row.home_area), "setting": row.setting}


def page_parts(article_id: int, text: str) -> dict[str, Any]:
    """What a story page shows the same to every visitor: its mentions, places, text and review."""
    mentions = store.article_mentions(db.session, article_id)
    places = place_rows(mentions)
    rows = mention_rows(mentions)
    rv = article_review(article_id, mentions)
    return {"mentions": rows, "places": places, "review": rv,
            "story": story_text(text, rows, places, rv.get("by_id"))}


def _page_parts(article_id: int, text: str) -> dict[str, Any]:
    """page_parts with the text, the review list and the place lists rendered once (kept per
    revision)."""
    return pagecache.prerendered(page_parts(article_id, text))


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
        place_lists=parts.get("place_lists"),  # prerendered (pagecache.prerendered)
        geojson_url=url_for("stories.article_geojson", article_id=article_id),
        map_html=page_map(),
        review={**parts["review"], "reviewer": reviewer_name()},
    )))


@bp.get("/articles/<int:article_id>.geojson")
def article_geojson(article_id: int) -> Response:
    """The article's places as a GeoJSON FeatureCollection (``?shape=mentions``: a Feature per
    mention; 304 when the browser has it)."""
    article_or_404(article_id)
    shape = export_shape()
    # article_url in the properties is absolute: the host is part of what is kept.
    kind = f"geojson:{shape}:{request.host_url}"
    return pagecache.tagged(pagecache.etag(kind, article_id, osm_tiles()), lambda: pagecache.cached(
        kind, article_id, lambda: json.dumps(article_collection(article_id, shape), ensure_ascii=False)),
        geojson.MEDIA_TYPE)


@bp.get("/export.geojson")
def export_geojson() -> Response:
    """Every story's places as one GeoJSON FeatureCollection (streamed, as a download;
    ``?shape=mentions``: a Feature per mention)."""
    chunks = export_chunks(shape=export_shape())
    response = Response(stream_with_context(chunks), mimetype=geojson.MEDIA_TYPE)
    response.headers["Content-Disposition"] = 'attachment; filename="export.geojson"'
    return response
