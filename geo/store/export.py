"""Export rows: every analysed article's mentions streamed as value types, and their titles."""
from __future__ import annotations

import itertools
from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from geo import types
from geo.store.models import Article, Mention, Place

__all__ = ["article_heads", "iter_resolved"]

_STREAM_COLUMNS = (
    Mention.article_id,
    Mention.start,
    Mention.end,
    Mention.surface,
    Mention.name,
    Mention.kind,
    Mention.source,
    Mention.confidence,
    Mention.passage,
    Mention.passage_start,
    Mention.passage_end,
    Place.place_id,
    Place.name,
    Place.lat,
    Place.lon,
    Place.geonameid,
    Place.country_code,
    Place.feature_class,
    Place.feature_code,
    Place.population,
    Place.admin1,
    Place.source,
)


def _resolved_from_columns(row: Any) -> types.ResolvedMention:
    (_aid, start, end, surface, name, kind, source, confidence, passage, p_start, p_end,
     place_id, p_name, lat, lon, geonameid, cc, fclass, fcode, population, admin1, p_source) = row
    place = None
    if place_id is not None:
        place = types.Place(place_id, p_name, lat, lon, geonameid, cc, fclass, fcode,
                            population or 0, admin1, p_source or "")
    return types.ResolvedMention(
        mention=types.Mention(start, end, surface, name,
                              "demonym" if kind == "demonym" else "literal", source or ""),
        place=place,
        confidence=confidence,
        passage=types.Passage(p_start, p_end, passage),
    )


def iter_resolved(
    session: Session, article_id: int | None = None, batch_size: int = 500
) -> Iterator[tuple[int, list[types.ResolvedMention]]]:
    """(article id, its mentions) for one or every article, streamed in batches.

    Plain column rows (no ORM identity map) are fetched ``batch_size`` at a time and only
    one article's mentions are held at once, so exporting a large library keeps memory
    flat. Articles that are not 'done' are skipped.
    """
    stmt = (
        select(*_STREAM_COLUMNS)
        .join(Article, Article.id == Mention.article_id)
        .outerjoin(Place, Place.id == Mention.place_id)
        .where(Article.status == "done")
        .order_by(Mention.article_id, Mention.start, Mention.end, Mention.id)
        .execution_options(yield_per=batch_size)
    )
    if article_id is not None:
        stmt = stmt.where(Mention.article_id == article_id)
    for aid, group in itertools.groupby(session.execute(stmt), key=lambda row: row[0]):
        yield aid, [_resolved_from_columns(row) for row in group]


def article_heads(session: Session, after_id: int = 0, limit: int = 500) -> list[tuple[int, str, str | None]]:
    """(id, title, setting) of up to ``limit`` analysed articles with ids above ``after_id``, in id order:
    what the export writes of each article beside its places, a batch at a time beside :func:`iter_resolved`."""
    stmt = (select(Article.id, Article.title, Article.setting).where(Article.status == "done", Article.id > after_id)
            .order_by(Article.id).limit(limit))
    return [(aid, title, setting) for aid, title, setting in session.execute(stmt)]
