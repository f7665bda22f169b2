"""The places of a map area as GeoJSON (``/map/places.geojson?bbox=w,s,e,n&zoom=z``): one
Feature per grid cell of the zoom (or per place when it is alone or zoomed in), with its
mention and article counts, aggregated by the database."""
from __future__ import annotations

import json
import math
from typing import Any, Mapping

from flask import Blueprint, Response, abort, request, url_for

from geo import geojson, store
from web import pagecache
from web.extensions import db
from web.settings import osm_tiles

__all__ = ["bp", "CELLS_PER_TILE", "PLACE_ZOOM", "MAX_ZOOM", "MAX_CELLS", "parse_area",
           "parse_zoom", "parse_article", "cell_degrees"]

bp = Blueprint("areamap", __name__)

CELLS_PER_TILE = 8  # a 256-pixel tile holds 8 x 8 cells: places closer than 32 px are grouped
PLACE_ZOOM = 14  # from this zoom on, every place is its own feature
MAX_ZOOM = 22
MAX_CELLS = 2000  # the most features one answer carries (most mentioned first)
MAX_ID = 2**31 - 1


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        abort(400, "bbox must be four numbers: west,south,east,north.")
    if not math.isfinite(value):
        abort(400, "bbox must be four finite numbers.")
    return value


def parse_area(raw: str | None) -> store.Area:
    """``west,south,east,north`` in degrees (west > east crosses the antimeridian); 400 if not."""
    parts = (raw or "").split(",")
    if len(parts) != 4 or any(len(p) > 32 for p in parts):
        abort(400, "bbox must be four numbers: west,south,east,north.")
    west, south, east, north = (_number(p) for p in parts)
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        abort(400, "bbox longitudes must be within -180 and 180.")
    if not -90 <= south <= north <= 90:
        abort(400, "bbox latitudes must be within -90 and 90, south first.")
    return store.Area(west, south, east, north)


def _whole(raw: str | None, name: str, low: int, high: int) -> int:
    if raw is None or not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        abort(400, f"{name} must be a whole number from {low} to {high}.")
    value = int(raw)
    if not low <= value <= high:
        abort(400, f"{name} must be a whole number from {low} to {high}.")
    return value


def parse_zoom(raw: str | None) -> int:
    """The map's zoom level (0 to MAX_ZOOM); 400 if not."""
    return _whole(raw, "zoom", 0, MAX_ZOOM)


def parse_article(raw: str | None) -> int | None:
    """The article filter (an id), None when absent; 400 if not an id."""
    return None if raw in (None, "") else _whole(raw, "article", 1, MAX_ID)


def cell_degrees(zoom: int) -> float | None:
    """The grid cell's size in degrees at a zoom, or None where each place stands alone."""
    return None if zoom >= PLACE_ZOOM else 360.0 / (2**zoom * CELLS_PER_TILE)


def _feature(cell: store.PlaceCell) -> dict[str, Any]:
    point = [round(cell.lon, geojson.COORD_DIGITS), round(cell.lat, geojson.COORD_DIGITS)]
    if cell.place_id is not None:
        props = {"kind": "place", "place_key": cell.place_id, "name": cell.name,
                 "country_code": cell.country_code, "mention_count": cell.mentions,
                 "article_count": cell.articles,
                 "url": url_for("library.place_page", place_id=cell.place_id)}
    else:  # several places: zoom in for each one's counts
        props = {"kind": "cluster", "mention_count": cell.mentions}
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": point},
            "properties": props}


def area_collection(args: Mapping[str, str]) -> dict[str, Any]:
    """The FeatureCollection of the area, zoom and article the query string names."""
    area = parse_area(args.get("bbox"))
    zoom = parse_zoom(args.get("zoom"))
    article_id = parse_article(args.get("article"))
    cells = store.places_in_area(db.session, area, cell_degrees(zoom), article_id,
                                 limit=MAX_CELLS + 1)
    shown = cells[:MAX_CELLS]
    if article_id is not None:
        articles = 1 if cells else 0
    else:
        articles = store.area_articles(db.session, area) if cells else 0
    collection = geojson.feature_collection((), tiles=osm_tiles())
    collection.update(bbox=[area.west, area.south, area.east, area.north], zoom=zoom,
                      counts={"mentions": sum(c.mentions for c in shown), "articles": articles},
                      truncated=len(cells) > MAX_CELLS,
                      features=[_feature(c) for c in shown])
    return collection


@bp.get("/map/places.geojson")
def area_places() -> Response:
    """The places of the map's visible area at its zoom (optionally of one article), kept per
    library revision (web/pagecache.py); 304 when the browser has them."""
    args = request.args
    key = (parse_area(args.get("bbox")), parse_zoom(args.get("zoom")), parse_article(args.get("article")))
    return pagecache.tagged(pagecache.library_etag("area", key, osm_tiles()), lambda: pagecache.library_cached(
        "area", key, lambda: json.dumps(area_collection(args), ensure_ascii=False)), geojson.MEDIA_TYPE)
