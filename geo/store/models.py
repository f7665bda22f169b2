"""SQLAlchemy 2 models: articles, the places they mention, mentions, alternatives, corrections.

The schema itself is created by the Alembic migrations in migrations/, never by ``create_all``.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from geo.store.clock import utcnow

__all__ = [
    "ArticleStatus",
    "ARTICLE_STATES",
    "CORRECTION_ACTIONS",
    "NAMING_CONVENTION",
    "Base",
    "Article",
    "Place",
    "Mention",
    "MentionAlternative",
    "Correction",
]

#: An article's states: its text is stored first (queued), then a job analyses it. The one
#: source of the states: ARTICLE_STATES and the table's CHECK constraint derive from it.
ArticleStatus = Literal["queued", "analysing", "failed", "done"]
ARTICLE_STATES: tuple[str, ...] = get_args(ArticleStatus)

CORRECTION_ACTIONS = ("confirm", "change", "reject", "add")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _sql_list(values: tuple[str, ...]) -> str:
    """SQL literals for an IN list: ('a', 'b')."""
    return ", ".join(f"'{v}'" for v in values)


def _children(back_populates: str, order_by: str) -> Any:
    """A one-to-many relationship whose children go with their parent (the foreign keys cascade)."""
    return relationship(back_populates=back_populates, cascade="all, delete-orphan",
                        passive_deletes=True, order_by=order_by)


class Base(DeclarativeBase):
    """Declarative base with constraint names Alembic can diff and migrate."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Article(Base):
    """One text and the state of its analysis (queued, analysing, failed or done)."""

    __tablename__ = "articles"
    __table_args__ = (
        CheckConstraint(f"status IN ({_sql_list(ARTICLE_STATES)})", name="status"),
        Index("ix_articles_created_at_id", "created_at", "id"),  # the library's order
        Index("ix_articles_source_domain", "source_domain", "status", "id"),  # a publication's latest done articles
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(2000), default="")
    #: The publication the source names (geo.home.source_domain: its URL's host without "www."; "" for
    #: files and pastes), kept so that a publication's other articles are found by an index, not a scan.
    source_domain: Mapped[str] = mapped_column(String(255), default="", server_default="")
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    error: Mapped[str | None] = mapped_column(Text)
    #: The running analysis: its stage, percent done, the lease a worker holds on it (expires
    #: if the worker dies), the holder's token and how many times it was taken since queued.
    stage: Mapped[str | None] = mapped_column(String(32))
    progress: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    job_token: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The source's home area the last analysis read (geo.home.HomeArea.to_json), None without one.
    home_area: Mapped[str | None] = mapped_column(Text)
    #: Where the uploader says the story is set ("Jordan, Minnesota": geo.setting), None if not said.
    setting: Mapped[str | None] = mapped_column(String(200))

    mentions: Mapped[list[Mention]] = _children("article", "Mention.start")


class Place(Base):
    """A gazetteer entry some article mentions; shared between articles."""

    __tablename__ = "places"
    __table_args__ = (Index("ix_places_lat_lon", "lat", "lon"),)  # places by map area

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
        # A place's mentions and their articles without reading the rows (the map's counts).
        Index("ix_mentions_place_id_article_id", "place_id", "article_id"),
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
    #: Set by a person's correction: None (automatic), "confirmed", "changed" or "added".
    review: Mapped[str | None] = mapped_column(String(16))
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    article: Mapped[Article] = relationship(back_populates="mentions")
    place: Mapped[Place | None] = relationship()
    alternatives: Mapped[list[MentionAlternative]] = _children("mention", "MentionAlternative.rank")


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



class Correction(Base):
    """A person's decision about a mention, kept so that a re-analysis can apply it again.

    It targets one span (``scope`` "mention": same start, end and surface) or every mention
    with the same surface in the article (``scope`` "all"). "add" creates a mention for a span
    the geoparser missed; "reject" (not a place) removes the mentions it targets.
    """

    __tablename__ = "corrections"
    __table_args__ = (
        CheckConstraint(f"action IN ({_sql_list(CORRECTION_ACTIONS)})", name="action"),
        CheckConstraint("scope IN ('mention', 'all')", name="scope"),
        CheckConstraint('"start" >= 0 AND "end" > "start"', name="span"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(16), default="mention")
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    surface: Mapped[str] = mapped_column(String(500))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id", ondelete="SET NULL"))
    reviewer: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: How to undo it (JSON): the mentions it touched as they were before, and the ids of those
    #: it created. None when it cannot be undone (made before this column, or the article was
    #: analysed again since).
    undo: Mapped[str | None] = mapped_column(Text)

    place: Mapped[Place | None] = relationship()

