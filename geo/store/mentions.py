"""Mentions: a geoparsed story's mentions stored under its article, and read back."""
from __future__ import annotations

from typing import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from geo import types
from geo.store.models import Article, Mention, MentionAlternative
from geo.store.places import to_place, upsert_places

__all__ = ["add_mentions", "article_mentions", "loaded_mentions", "to_resolved"]


def _story_places(story: types.Story) -> Iterator[types.Place]:
    for rm in story.mentions:
        if rm.place is not None:
            yield rm.place
        yield from (c.place for c in rm.alternatives)


def _distinct_candidates(candidates: tuple[types.Candidate, ...]) -> list[types.Candidate]:
    seen: set[str] = set()
    out = []
    for c in candidates:
        if c.place.place_id not in seen:
            seen.add(c.place.place_id)
            out.append(c)
    return out


def add_mentions(session: Session, article: Article, story: types.Story) -> None:
    """Add a story's mentions (their places and alternatives upserted) to an article (no commit)."""
    places = upsert_places(session, _story_places(story))
    for rm in story.mentions:
        m = rm.mention
        mention = Mention(
            place=places[rm.place.place_id] if rm.place is not None else None,
            start=m.start,
            end=m.end,
            surface=m.surface,
            name=m.name,
            passage=rm.passage.text,
            passage_start=rm.passage.start,
            passage_end=rm.passage.end,
            kind=m.kind,
            confidence=rm.confidence,
            source=m.source,
        )
        mention.alternatives = [
            MentionAlternative(rank=rank, place=places[c.place.place_id], score=c.score)
            for rank, c in enumerate(_distinct_candidates(rm.alternatives))
        ]
        article.mentions.append(mention)


def article_mentions(session: Session, article_id: int) -> list[Mention]:
    """An article's mentions ordered by where they start, with their places loaded."""
    stmt = (
        select(Mention)
        .where(Mention.article_id == article_id)
        .options(joinedload(Mention.place))
        .order_by(Mention.start, Mention.end, Mention.id)
    )
    return list(session.scalars(stmt))


def loaded_mentions(session: Session, article_id: int) -> list[Mention]:
    """An article's mentions in reading order with their places and alternatives loaded."""
    stmt = (
        select(Mention)
        .where(Mention.article_id == article_id)
        .options(
            selectinload(Mention.place),
            selectinload(Mention.alternatives).selectinload(MentionAlternative.place),
        )
        .order_by(Mention.start, Mention.end, Mention.id)
    )
    return list(session.scalars(stmt))


def to_resolved(row: Mention) -> types.ResolvedMention:
    """A stored mention as the geoparser's value type (alternatives are not loaded)."""
    return types.ResolvedMention(
        mention=types.Mention(
            start=row.start,
            end=row.end,
            surface=row.surface,
            name=row.name,
            kind="demonym" if row.kind == "demonym" else "literal",
            source=row.source or "",
        ),
        place=to_place(row.place) if row.place is not None else None,
        confidence=row.confidence,
        passage=types.Passage(start=row.passage_start, end=row.passage_end, text=row.passage),
    )
