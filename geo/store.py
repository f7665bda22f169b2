"""Storage: SQLAlchemy 2 models for articles, places and mentions, and the functions that use them.

The only module that talks to the database. Functions take a ``Session`` and know nothing of
Flask. The schema itself is created by the Alembic migrations in migrations/, never by
``create_all``.
"""
from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterator, Literal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    distinct,
    func,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, selectinload

from geo import types

__all__ = [
    "Base",
    "Article",
    "Place",
    "Mention",
    "MentionAlternative",
    "ArticleStatus",
    "ArticleSummary",
    "as_utc",
    "content_hash",
    "find_by_hash",
    "save_story",
    "list_articles",
    "get_article",
    "delete_article",
    "article_mentions",
    "to_resolved",
    "iter_resolved",
]

ArticleStatus = Literal["processing", "done", "failed"]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    """Declarative base with constraint names Alembic can diff and migrate."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Article(Base):
    """One analysed text."""

    __tablename__ = "articles"
    __table_args__ = (
        CheckConstraint("status IN ('processing', 'done', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(2000), default="")
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    status: Mapped[str] = mapped_column(String(16), default="processing")
    error: Mapped[str | None] = mapped_column(Text)

    mentions: Mapped[list[Mention]] = relationship(
        back_populates="article",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Mention.start",
    )


class Place(Base):
    """A gazetteer entry some article mentions; shared between articles."""

    __tablename__ = "places"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[str] = mapped_column(String(64), unique=True)
    geonameid: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    country_code: Mapped[str | None] = mapped_column(String(2))
    feature_class: Mapped[str | None] = mapped_column(String(1))
    feature_code: Mapped[str | None] = mapped_column(String(10))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    population: Mapped[int] = mapped_column(BigInteger, default=0)
    admin1: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(32), default="")


class Mention(Base):
    """A span of an article's text that names a place (resolved or not)."""

    __tablename__ = "mentions"
    __table_args__ = (
        CheckConstraint("kind IN ('literal', 'demonym')", name="kind"),
        CheckConstraint('"start" >= 0 AND "end" > "start"', name="span"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    place_id: Mapped[int | None] = mapped_column(
        ForeignKey("places.id", ondelete="SET NULL"), index=True
    )
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    surface: Mapped[str] = mapped_column(String(500))
    name: Mapped[str] = mapped_column(String(500))
    passage: Mapped[str] = mapped_column(Text)
    passage_start: Mapped[int] = mapped_column(Integer)
    passage_end: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), default="literal")
    confidence: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(32), default="")

    article: Mapped[Article] = relationship(back_populates="mentions")
    place: Mapped[Place | None] = relationship()
    alternatives: Mapped[list[MentionAlternative]] = relationship(
        back_populates="mention",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="MentionAlternative.rank",
    )


class MentionAlternative(Base):
    """A place the resolver considered for a mention but did not choose (or did: rank 0)."""

    __tablename__ = "mention_alternatives"

    mention_id: Mapped[int] = mapped_column(
        ForeignKey("mentions.id", ondelete="CASCADE"), primary_key=True
    )
    rank: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)

    mention: Mapped[Mention] = relationship(back_populates="alternatives")
    place: Mapped[Place] = relationship()


@dataclass(frozen=True)
class ArticleSummary:
    """A row of the library: an article and how many places and mentions it has."""

    id: int
    title: str
    source: str
    created_at: datetime
    status: str
    place_count: int
    mention_count: int


def content_hash(text: str) -> str:
    """sha256 of the text exactly as analysed (UTF-8), in hex."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def find_by_hash(session: Session, text: str) -> Article | None:
    """The stored article with exactly this text, if any."""
    return session.scalar(select(Article).where(Article.content_hash == content_hash(text)))


def _place_row(session: Session, place: types.Place, cache: dict[str, Place]) -> Place:
    row = cache.get(place.place_id)
    if row is None:
        row = session.scalar(select(Place).where(Place.place_id == place.place_id))
    if row is None:
        row = Place(
            place_id=place.place_id,
            geonameid=place.geonameid,
            name=place.name,
            country_code=place.country_code,
            feature_class=place.feature_class,
            feature_code=place.feature_code,
            lat=place.lat,
            lon=place.lon,
            population=place.population,
            admin1=place.admin1,
            source=place.source,
        )
        session.add(row)
    cache[place.place_id] = row
    return row


def _insert_story(session: Session, title: str, source: str, story: types.Story) -> Article:
    article = Article(
        title=title,
        source=source,
        text=story.text,
        content_hash=content_hash(story.text),
        status="processing",
    )
    session.add(article)
    places: dict[str, Place] = {}
    for rm in story.mentions:
        m = rm.mention
        mention = Mention(
            place=_place_row(session, rm.place, places) if rm.place is not None else None,
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
            MentionAlternative(rank=rank, place=_place_row(session, c.place, places), score=c.score)
            for rank, c in enumerate(_distinct_candidates(rm.alternatives))
        ]
        article.mentions.append(mention)
    article.status = "done"
    return article


def _distinct_candidates(candidates: tuple[types.Candidate, ...]) -> list[types.Candidate]:
    seen: set[str] = set()
    out = []
    for c in candidates:
        if c.place.place_id not in seen:
            seen.add(c.place.place_id)
            out.append(c)
    return out


def save_story(session: Session, title: str, source: str, story: types.Story) -> Article:
    """Store a geoparsed story in one transaction and return its Article.

    If an article with the same text is already stored, that article is returned and
    nothing is written. On any error the transaction is rolled back: the database is left
    as it was and no half-stored article is ever visible.
    """
    for attempt in range(2):
        existing = find_by_hash(session, story.text)
        if existing is not None:
            return existing
        try:
            article = _insert_story(session, title, source, story)
            session.commit()
            return article
        except IntegrityError:
            # Another writer stored the same text or place between our check and our commit.
            session.rollback()
            if attempt:
                raise
        except BaseException:
            session.rollback()
            raise
    raise AssertionError("unreachable")  # pragma: no cover


def list_articles(session: Session) -> list[ArticleSummary]:
    """All articles, newest first, with their distinct place and mention counts."""
    stmt = (
        select(
            Article.id,
            Article.title,
            Article.source,
            Article.created_at,
            Article.status,
            func.count(distinct(Mention.place_id)),
            func.count(Mention.id),
        )
        .outerjoin(Mention, Mention.article_id == Article.id)
        .group_by(Article.id)
        .order_by(Article.created_at.desc(), Article.id.desc())
    )
    return [
        ArticleSummary(aid, title, source, as_utc(created), status, places, mentions)
        for aid, title, source, created, status, places, mentions in session.execute(stmt)
    ]


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime (SQLite hands back naive ones; they were stored as UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def get_article(session: Session, article_id: int) -> Article | None:
    """The article with this id, or None."""
    return session.get(Article, article_id)


def delete_article(session: Session, article_id: int) -> bool:
    """Delete an article with its mentions; False if there was no such article."""
    article = session.get(Article, article_id)
    if article is None:
        return False
    try:
        session.delete(article)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return True


def article_mentions(session: Session, article_id: int) -> list[Mention]:
    """An article's mentions ordered by where they start, with their places loaded."""
    stmt = (
        select(Mention)
        .where(Mention.article_id == article_id)
        .options(selectinload(Mention.place))
        .order_by(Mention.start, Mention.end, Mention.id)
    )
    return list(session.scalars(stmt))


def _to_place(row: Place) -> types.Place:
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
        place=_to_place(row.place) if row.place is not None else None,
        confidence=row.confidence,
        passage=types.Passage(start=row.passage_start, end=row.passage_end, text=row.passage),
    )


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
