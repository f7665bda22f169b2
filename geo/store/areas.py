"""Map areas: the mapped places in an area grouped by grid cells, their articles and bounds."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, cast, distinct, func, select
from sqlalchemy.orm import Session

from geo.store.models import Article, Mention, Place

__all__ = [
    "WIDE_AREA",
    "Area",
    "PlaceCell",
    "places_in_area_statement",
    "places_in_area",
    "area_articles",
    "places_bounds",
]


@dataclass(frozen=True)
class Area:
    """A map area in degrees; ``west > east`` when it crosses the antimeridian."""

    west: float
    south: float
    east: float
    north: float


@dataclass(frozen=True)
class PlaceCell:
    """A grid cell of the map holding one place (``place_id`` set) or several (a cluster)."""

    lat: float  # the mean of its mentions' places
    lon: float
    mentions: int
    articles: int | None  # how many articles name the place (None for a cluster)
    place_id: str | None
    name: str | None
    country_code: str | None


def _in_area(area: Area) -> Any:
    lat = Place.lat.between(area.south, area.north)
    if area.west <= area.east:
        return lat & Place.lon.between(area.west, area.east)
    return lat & ((Place.lon >= area.west) | (Place.lon <= area.east))


def _mapped(stmt: Any, area: Area | None, article_id: int | None) -> Any:
    """``stmt`` over the mentions with a place, of done articles (in the area, of the article).

    The articles are excluded by the (few) ids not done, not joined: every column then comes
    from the indexes on places (lat, lon) and mentions (place_id, article_id)."""
    not_done = select(Article.id).where(Article.status != "done")
    stmt = stmt.join(Mention, Mention.place_id == Place.id).where(
        Mention.article_id.not_in(not_done))
    if area is not None:
        stmt = stmt.where(_in_area(area))
    if article_id is not None:
        stmt = stmt.where(Mention.article_id == article_id)
    return stmt


def _cell_index(session: Session, offset_degrees: Any, cell: float) -> Any:
    """floor(offset / cell) for a non-negative offset (SQLite's CAST truncates; PostgreSQL's
    rounds, and SQLite may lack floor())."""
    if session.get_bind().dialect.name == "sqlite":
        return cast(offset_degrees / cell, Integer)
    return func.floor(offset_degrees / cell)


#: Above this share of the globe, reading every place in id order beats the (lat, lon) index.
WIDE_AREA = 0.25


def _is_wide(area: Area) -> bool:
    width = (area.east - area.west) % 360 or (360.0 if area.east != area.west else 0.0)
    return width * (area.north - area.south) > WIDE_AREA * 360 * 180


def _place_group(area: Area) -> Any:
    """Group per place by the mention's column (SQLite then reads places through the (lat, lon)
    index) or, for a wide area, by the place's id (a plain scan in id order, no sorting)."""
    return Place.id if _is_wide(area) else Mention.place_id


def places_in_area_statement(
    session: Session, area: Area, cell: float | None, article_id: int | None, limit: int,
) -> Any:
    """The query :func:`places_in_area` runs (tests look at its plan): mentions counted per
    grid cell (or per place), its first and last place telling whether it holds one."""
    if cell is None:
        key: tuple[Any, ...] = (_place_group(area),)
    else:
        key = (_cell_index(session, Place.lon + 180.0, cell),
               _cell_index(session, Place.lat + 90.0, cell))
    mentions = func.count(Mention.id)
    return _mapped(select(
        func.avg(Place.lat), func.avg(Place.lon), mentions, func.min(Place.id), func.max(Place.id),
    ).select_from(Place), area, article_id).group_by(*key).order_by(mentions.desc()).limit(limit)


def _lone_places(session: Session, ids: list[int], article_id: int | None
                 ) -> dict[int, tuple[int, str, str, str | None]]:
    """place row id -> (articles naming it, place id, name, country) for the cells' lone places."""
    if not ids:
        return {}
    articles = dict(session.execute(_mapped(
        select(Mention.place_id, func.count(distinct(Mention.article_id))).select_from(Place),
        None, article_id).where(Place.id.in_(ids)).group_by(Mention.place_id)).all())
    rows = session.execute(select(Place.id, Place.place_id, Place.name, Place.country_code)
                           .where(Place.id.in_(ids)))
    return {pid: (int(articles.get(pid, 0)), place_id, name, cc) for pid, place_id, name, cc in rows}


def places_in_area(
    session: Session, area: Area, cell: float | None, article_id: int | None = None,
    limit: int = 2000,
) -> list[PlaceCell]:
    """The mapped places in an area, grouped by grid cells of ``cell`` degrees (each place
    alone when None), most mentioned first, at most ``limit``: one indexed, aggregated query,
    and two for the places alone in their cell (their names and article counts)."""
    rows = session.execute(places_in_area_statement(session, area, cell, article_id, limit)).all()
    lone = _lone_places(session, [first for *_, first, last in rows if first == last], article_id)
    out = []
    for lat, lon, n_mentions, first, last in rows:
        articles, place_id, name, cc = lone[first] if first == last else (None, None, None, None)
        out.append(PlaceCell(float(lat), float(lon), int(n_mentions), articles, place_id, name, cc))
    return out


def area_articles(session: Session, area: Area) -> int:
    """How many done articles name a place in the area (the map's status line): their
    distinct ids in a narrow area, one indexed EXISTS per article in a wide one."""
    if not _is_wide(area):
        stmt = _mapped(select(func.count(distinct(Mention.article_id))).select_from(Place),
                       area, None)
        return int(session.scalar(stmt) or 0)
    named = _mapped(select(Mention.id).select_from(Place), area, None).where(
        Mention.article_id == Article.id)
    stmt = select(func.count(Article.id)).where(Article.status == "done", named.exists())
    return int(session.scalar(stmt) or 0)


def places_bounds(session: Session, article_id: int | None = None) -> Area | None:
    """The smallest area holding every mapped place (of one article), or None."""
    stmt = _mapped(select(func.min(Place.lon), func.min(Place.lat), func.max(Place.lon),
                          func.max(Place.lat)).select_from(Place), None, article_id)
    west, south, east, north = session.execute(stmt).one()
    if west is None:
        return None
    return Area(float(west), float(south), float(east), float(north))
