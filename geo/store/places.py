"""Places: the gazetteer entries articles mention, stored once, and the points reviewers add."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from geo import types
from geo.store.clock import as_utc
from geo.store.models import Article, Mention, Place
from geo.store.transactions import committing, dialect_insert

__all__ = [
    "MANUAL_SOURCE",
    "PlacePassage",
    "upsert_places",
    "place_row",
    "get_place",
    "to_place",
    "add_manual_place",
    "place_passages",
]

#: The source of a point a reviewer placed on the map (no gazetteer entry): place ids "manual:<n>".
MANUAL_SOURCE = "manual"


@dataclass(frozen=True)
class PlacePassage:
    """One passage of one article that mentions a place (the place page)."""

    article_id: int
    article_title: str
    article_created_at: datetime
    mention_id: int
    start: int
    end: int
    surface: str
    passage: str
    passage_start: int
    confidence: float
    review: str | None


def _place_values(place: types.Place) -> dict[str, Any]:
    return {
        "place_id": place.place_id, "geonameid": place.geonameid, "name": place.name,
        "country_code": place.country_code, "feature_class": place.feature_class,
        "feature_code": place.feature_code, "lat": place.lat, "lon": place.lon,
        "population": place.population, "admin1": place.admin1, "source": place.source,
    }


def upsert_places(session: Session, places: Iterable[types.Place]) -> dict[str, Place]:
    """The rows of these places, inserted if new (ON CONFLICT DO NOTHING), by place id.

    They are inserted in place-id order, so two transactions storing the same new places
    take their row locks in the same order and cannot deadlock each other.
    """
    by_id = {p.place_id: p for p in places}
    if not by_id:
        return {}
    ids = sorted(by_id)
    stmt = dialect_insert(session)(Place.__table__).on_conflict_do_nothing(index_elements=["place_id"])
    session.execute(stmt, [_place_values(by_id[pid]) for pid in ids])
    rows: dict[str, Place] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows.update((r.place_id, r) for r in session.scalars(select(Place).where(Place.place_id.in_(chunk))))
    return rows


def place_row(session: Session, place: types.Place) -> Place:
    """The stored row for a gazetteer place, inserted (ON CONFLICT DO NOTHING) if it is new."""
    return upsert_places(session, [place])[place.place_id]


def get_place(session: Session, place_id: str) -> Place | None:
    """The stored place with this gazetteer id ("gn:2735943"), if any article uses it."""
    return session.scalar(select(Place).where(Place.place_id == place_id))


def to_place(row: Place) -> types.Place:
    """A stored place as the geoparser's value type."""
    return types.Place(
        place_id=row.place_id,
        name=row.name,
        lat=row.lat,
        lon=row.lon,
        geonameid=row.geonameid,
        country_code=row.country_code,
        feature_class=row.feature_class,
        feature_code=row.feature_code,
        population=row.population or 0,
        admin1=row.admin1,
        source=row.source or "",
    )


def add_manual_place(session: Session, name: str, lat: float, lon: float,
                     country_code: str | None = None, admin1: str | None = None) -> types.Place:
    """Store a point a reviewer placed by hand as a Place "manual:<row id>" (committed)."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("the point is outside the map")
    with committing(session):
        row = Place(place_id=f"{MANUAL_SOURCE}:new:{secrets.token_hex(8)}", name=name[:200],
                    lat=lat, lon=lon, country_code=country_code, admin1=admin1,
                    population=0, source=MANUAL_SOURCE)
        session.add(row)
        session.flush()
        row.place_id = f"{MANUAL_SOURCE}:{row.id}"
    return to_place(row)


def place_passages(session: Session, place_id: str) -> list[PlacePassage]:
    """Every passage in the library that mentions a place: newest article first, then in
    reading order."""
    stmt = (
        select(
            Article.id, Article.title, Article.created_at, Mention.id, Mention.start, Mention.end,
            Mention.surface, Mention.passage, Mention.passage_start, Mention.confidence,
            Mention.review,
        )
        .join(Mention, Mention.article_id == Article.id)
        .join(Place, Place.id == Mention.place_id)
        .where(Place.place_id == place_id, Article.status == "done")
        .order_by(Article.created_at.desc(), Article.id.desc(), Mention.start, Mention.id)
    )
    return [
        PlacePassage(aid, title, as_utc(created), mid, start, end, surface, passage, p_start,
                     confidence, review)
        for aid, title, created, mid, start, end, surface, passage, p_start, confidence, review
        in session.execute(stmt)
    ]
