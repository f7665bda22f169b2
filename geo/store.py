"""Storage: SQLAlchemy 2 models for articles, places and mentions, and the functions that use them.

The only module that talks to the database. Functions take a ``Session`` and know nothing of
Flask. The schema itself is created by the Alembic migrations in migrations/, never by
``create_all``.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import random
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Iterator, Literal, TypeVar

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    case,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    cast,
    delete,
    distinct,
    func,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    aliased,
    mapped_column,
    joinedload,
    relationship,
    selectinload,
)

from geo import types
from geo.passages import passage_around
from geo.resolve import APPROXIMATE_SOURCE

__all__ = [
    "Base",
    "Article",
    "Place",
    "Mention",
    "MentionAlternative",
    "ArticleStatus",
    "ARTICLE_STATES",
    "RETRY_SQLSTATES",
    "is_transient",
    "retrying",
    "add_text",
    "claim",
    "record_progress",
    "finish",
    "fail",
    "requeue",
    "sweep_leases",
    "queued_ids",
    "ArticleSummary",
    "as_utc",
    "content_hash",
    "find_by_hash",
    "save_story",
    "list_articles",
    "get_article",
    "article_revision",
    "library_revision",
    "delete_article",
    "article_mentions",
    "to_resolved",
    "iter_resolved",
    "article_titles",
    "Correction",
    "CORRECTION_ACTIONS",
    "UNCERTAIN_BELOW",
    "APPROXIMATE_SOURCE",
    "is_uncertain",
    "MentionReview",
    "ReviewState",
    "PlacePassage",
    "place_row",
    "add_correction",
    "MANUAL_SOURCE",
    "add_manual_place",
    "NothingToUndo",
    "undo_last",
    "undo_depth",
    "apply_corrections",
    "reanalyze",
    "article_corrections",
    "mention_reviews",
    "mention_alternatives",
    "reviewed_article_ids",
    "review_states",
    "rename_article",
    "place_passages",
    "get_place",
    "to_place",
    "ArticlePage",
    "article_page",
    "Area",
    "PlaceCell",
    "places_in_area",
    "places_in_area_statement",
    "area_articles",
    "places_bounds",
]

ArticleStatus = Literal["queued", "analysing", "done", "failed"]
#: An article's states: its text is stored first (queued), then a job analyses it.
ARTICLE_STATES: tuple[str, ...] = ("queued", "analysing", "failed", "done")
#: PostgreSQL's deadlock_detected and serialization_failure: the transaction may simply be retried.
RETRY_SQLSTATES = frozenset({"40P01", "40001"})

T = TypeVar("T")

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
    """One text and the state of its analysis (queued, analysing, failed or done)."""

    __tablename__ = "articles"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'analysing', 'failed', 'done')", name="status"),
        Index("ix_articles_created_at_id", "created_at", "id"),  # the library's order
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(2000), default="")
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    error: Mapped[str | None] = mapped_column(Text)
    #: The running analysis: its stage, percent done, the lease a worker holds on it (expires
    #: if the worker dies), the holder's token and how many times it was taken since queued.
    stage: Mapped[str | None] = mapped_column(String(32))
    progress: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    job_token: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    mentions: Mapped[list[Mention]] = relationship(
        back_populates="article",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Mention.start",
    )


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


CORRECTION_ACTIONS = ("confirm", "change", "reject", "add")


class Correction(Base):
    """A person's decision about a mention, kept so that a re-analysis can apply it again.

    It targets one span (``scope`` "mention": same start, end and surface) or every mention
    with the same surface in the article (``scope`` "all"). "add" creates a mention for a span
    the geoparser missed; "reject" (not a place) removes the mentions it targets.
    """

    __tablename__ = "corrections"
    __table_args__ = (
        CheckConstraint("action IN ('confirm', 'change', 'reject', 'add')", name="action"),
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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    #: How to undo it (JSON): the mentions it touched as they were before, and the ids of those
    #: it created. None when it cannot be undone (made before this column, or the article was
    #: analysed again since).
    undo: Mapped[str | None] = mapped_column(Text)

    place: Mapped[Place | None] = relationship()


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


def _insert(session: Session) -> Callable[[Any], Any]:
    """The dialect's INSERT (it has ``on_conflict_do_nothing``): SQLite or PostgreSQL."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert
    if name == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"no upsert for the {name} dialect")


def _place_values(place: types.Place) -> dict[str, Any]:
    return {
        "place_id": place.place_id, "geonameid": place.geonameid, "name": place.name,
        "country_code": place.country_code, "feature_class": place.feature_class,
        "feature_code": place.feature_code, "lat": place.lat, "lon": place.lon,
        "population": place.population, "admin1": place.admin1, "source": place.source,
    }


def _upsert_places(session: Session, places: Iterable[types.Place]) -> dict[str, Place]:
    """The rows of these places, inserted if new (ON CONFLICT DO NOTHING), by place id.

    They are inserted in place-id order, so two transactions storing the same new places
    take their row locks in the same order and cannot deadlock each other.
    """
    by_id = {p.place_id: p for p in places}
    if not by_id:
        return {}
    ids = sorted(by_id)
    stmt = _insert(session)(Place.__table__).on_conflict_do_nothing(index_elements=["place_id"])
    session.execute(stmt, [_place_values(by_id[pid]) for pid in ids])
    rows: dict[str, Place] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows.update((r.place_id, r) for r in session.scalars(select(Place).where(Place.place_id.in_(chunk))))
    return rows


def _insert_story(session: Session, title: str, source: str, story: types.Story) -> Article:
    article = Article(
        title=title,
        source=source,
        text=story.text,
        content_hash=content_hash(story.text),
        status="analysing",
    )
    session.add(article)
    _add_mentions(session, article, story)
    article.status = "done"
    article.progress = 100
    return article


def _story_places(story: types.Story) -> Iterator[types.Place]:
    for rm in story.mentions:
        if rm.place is not None:
            yield rm.place
        yield from (c.place for c in rm.alternatives)


def _add_mentions(session: Session, article: Article, story: types.Story) -> None:
    places = _upsert_places(session, _story_places(story))
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


def _distinct_candidates(candidates: tuple[types.Candidate, ...]) -> list[types.Candidate]:
    seen: set[str] = set()
    out = []
    for c in candidates:
        if c.place.place_id not in seen:
            seen.add(c.place.place_id)
            out.append(c)
    return out


@contextmanager
def _committing(session: Session) -> Iterator[None]:
    """Commit what the block wrote, or roll all of it back on any error and re-raise."""
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


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
            with _committing(session):
                article = _insert_story(session, title, source, story)
            return article
        except IntegrityError:
            # Another writer stored the same text or place between our check and our commit
            # (already rolled back): look again.
            if attempt:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


# --------------------------------------------------------------------------- jobs: text first, then its analysis


def is_transient(exc: DBAPIError) -> bool:
    """Whether a database error is a deadlock, a serialization failure or a locked SQLite file."""
    orig = exc.orig
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return code in RETRY_SQLSTATES or "database is locked" in str(orig)


def retrying(session: Session, work: Callable[[], T], attempts: int = 6,
             base_delay: float = 0.05) -> T:
    """``work()`` (one transaction), again after a rollback and a growing, jittered pause when
    it fails with a transient error (:func:`is_transient`); other errors are raised at once."""
    for n in range(attempts):
        try:
            return work()
        except DBAPIError as exc:
            session.rollback()
            if n == attempts - 1 or not is_transient(exc):
                raise
            time.sleep(base_delay * 2 ** n * (1 + random.random()))
    raise AssertionError("unreachable")  # pragma: no cover


def add_text(session: Session, title: str, source: str, text: str) -> tuple[Article, bool]:
    """Store a text to analyse (queued) unless the same text is stored: (article, created).

    Insert-or-fetch in one statement (ON CONFLICT DO NOTHING on the text's hash): of many
    writers racing with the same text exactly one creates it, the others get that article.
    """
    digest = content_hash(text)

    def attempt() -> tuple[Article, bool]:
        stmt = _insert(session)(Article.__table__).values(
            title=title[:200], source=source, text=text, content_hash=digest, status="queued",
            progress=0, attempts=0,
        ).on_conflict_do_nothing(index_elements=["content_hash"]).returning(Article.__table__.c.id)
        with _committing(session):
            created = session.execute(stmt).scalar() is not None  # no row back: it was there
        article = session.scalar(select(Article).where(Article.content_hash == digest))
        assert article is not None
        return article, created

    return retrying(session, attempt)


def _lease(seconds: float) -> datetime:
    return _utcnow() + timedelta(seconds=seconds)


def _update_committed(session: Session, stmt: Any) -> int:
    """Run one UPDATE in its own transaction (retried when transient): the rows it changed."""
    def attempt() -> int:
        with _committing(session):
            return int(session.execute(stmt.execution_options(synchronize_session=False)).rowcount)
    return retrying(session, attempt)


def claim(session: Session, article_id: int, lease_s: float) -> str | None:
    """Take the lease on a queued article (or one whose lease expired): the job's token, or
    None when it is not this job's to analyse (done, failed, gone or under a live lease)."""
    now, token = _utcnow(), secrets.token_hex(16)
    stmt = (
        update(Article)
        .where(Article.id == article_id,
               (Article.status == "queued")
               | ((Article.status == "analysing") & (Article.lease_until < now)))
        .values(status="analysing", stage="starting", progress=0, error=None, job_token=token,
                lease_until=now + timedelta(seconds=lease_s), attempts=Article.attempts + 1)
    )
    return token if _update_committed(session, stmt) == 1 else None


def _held(article_id: int, token: str) -> Any:
    return (Article.id == article_id) & (Article.status == "analysing") & (Article.job_token == token)


def record_progress(session: Session, article_id: int, token: str, stage: str, percent: int,
                    lease_s: float) -> bool:
    """Note the job's stage and percent and renew its lease; False if the lease was lost."""
    stmt = update(Article).where(_held(article_id, token)).values(
        stage=stage[:32], progress=max(0, min(100, percent)), lease_until=_lease(lease_s))
    return _update_committed(session, stmt) == 1


def _replace_mentions(session: Session, article: Article, story: types.Story) -> int:
    if story.text != article.text:
        raise ValueError("the story's text differs from the article's")
    article.mentions.clear()
    session.flush()
    # The new mentions have new ids: the corrections' undo states no longer fit them.
    session.execute(update(Correction).where(Correction.article_id == article.id).values(undo=None))
    _add_mentions(session, article, story)
    session.flush()
    touched = apply_corrections(session, article)
    article.status, article.stage, article.progress, article.error = "done", None, 100, None
    article.lease_until = article.job_token = None
    return touched


def finish(session: Session, article_id: int, token: str, story: types.Story) -> bool:
    """Store the job's analysis (corrections applied again) and mark the article done, in one
    transaction, only while the job still holds its lease: False (nothing written) if not."""
    def attempt() -> bool:
        with _committing(session):
            article = session.get(Article, article_id, with_for_update=True, populate_existing=True)
            if article is None or article.status != "analysing" or article.job_token != token:
                return False
            _replace_mentions(session, article, story)
        return True
    return retrying(session, attempt)


def fail(session: Session, article_id: int, token: str | None, message: str) -> bool:
    """Mark the article failed with a reason (its text stays stored); with a token, only
    while that job holds the lease."""
    where = _held(article_id, token) if token is not None else (Article.id == article_id)
    stmt = update(Article).where(where).values(
        status="failed", error=message[:2000], stage=None, lease_until=None, job_token=None)
    return _update_committed(session, stmt) == 1


def requeue(session: Session, article_id: int) -> bool:
    """Queue an article for analysis again (re-analysis); a running job loses its lease."""
    stmt = update(Article).where(Article.id == article_id).values(
        status="queued", stage=None, progress=0, error=None, lease_until=None, job_token=None,
        attempts=0)
    return _update_committed(session, stmt) == 1


def sweep_leases(session: Session, max_attempts: int) -> list[int]:
    """Articles whose worker died (lease expired): queued again, their ids to queue; those
    taken ``max_attempts`` times already are marked failed instead."""
    now = _utcnow()
    expired = (Article.status == "analysing") & (Article.lease_until < now)
    _update_committed(session, update(Article).where(expired, Article.attempts >= max_attempts).values(
        status="failed", stage=None, lease_until=None, job_token=None,
        error=f"The analysis stopped {max_attempts} times without finishing (its worker "
              "died, perhaps out of memory); the text is kept: try re-analysing it."))
    ids = list(session.scalars(select(Article.id).where(expired).order_by(Article.id)))
    if ids:
        _update_committed(session, update(Article).where(expired, Article.id.in_(ids)).values(
            status="queued", stage=None, job_token=None))
    session.commit()
    return ids


def queued_ids(session: Session) -> list[int]:
    """Ids of the queued articles, oldest first (queued again when a consumer starts)."""
    ids = list(session.scalars(select(Article.id).where(Article.status == "queued").order_by(Article.id)))
    session.commit()
    return ids


def _summaries(session: Session, articles: Any) -> list[ArticleSummary]:
    """Summaries of the articles whose ids ``articles`` (a subquery with an ``id``) selects."""
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
        .join(articles, articles.c.id == Article.id)
        .outerjoin(Mention, Mention.article_id == Article.id)
        .group_by(Article.id)
        .order_by(Article.created_at.desc(), Article.id.desc())
    )
    return [
        ArticleSummary(aid, title, source, as_utc(created), status, places, mentions)
        for aid, title, source, created, status, places, mentions in session.execute(stmt)
    ]


def list_articles(session: Session) -> list[ArticleSummary]:
    """All articles, newest first, with their distinct place and mention counts."""
    return _summaries(session, select(Article.id).subquery())


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime (SQLite hands back naive ones; they were stored as UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def get_article(session: Session, article_id: int) -> Article | None:
    """The article with this id, or None."""
    return session.get(Article, article_id)


def article_revision(session: Session, article_id: int) -> str | None:
    """A short fingerprint of all an article's page and GeoJSON show (None if there is no such
    article): it changes with its title, analysis state, mentions, reviews and corrections."""
    state = session.execute(select(
        Article.title, Article.source, Article.status, Article.stage, Article.progress, Article.error,
        Article.job_token).where(Article.id == article_id)).first()
    if state is None:
        return None
    mentions = session.execute(select(
        func.count(), func.sum(Mention.id), func.sum(Mention.start), func.sum(Mention.end),
        func.sum(func.coalesce(Mention.place_id, -1)), func.sum(Mention.confidence), func.count(Mention.review),
        func.max(Mention.reviewed_at)).where(Mention.article_id == article_id)).one()
    corrections = session.execute(select(func.count(), func.max(Correction.id))
                                  .where(Correction.article_id == article_id)).one()
    parts = repr((tuple(state), tuple(mentions), tuple(corrections)))
    return hashlib.sha256(parts.encode("utf-8")).hexdigest()[:20]


def library_revision(session: Session) -> str:
    """A short fingerprint of what the library map shows (which articles are done, their
    mentions and corrections): counts and highest ids, one query of index look-ups."""
    parts = session.execute(select(*(
        stmt.scalar_subquery() for stmt in (
            select(func.count()).select_from(Article), select(func.max(Article.id)),
            select(func.count()).select_from(Article).where(Article.status != "done"),
            select(func.count()).select_from(Mention), select(func.max(Mention.id)),
            select(func.count()).select_from(Correction), select(func.max(Correction.id)))))).one()
    return hashlib.sha256(repr(tuple(parts)).encode("utf-8")).hexdigest()[:20]


def delete_article(session: Session, article_id: int) -> bool:
    """Delete an article with its mentions; False if there was no such article."""
    article = session.get(Article, article_id)
    if article is None:
        return False
    with _committing(session):
        session.delete(article)
    return True


def article_mentions(session: Session, article_id: int) -> list[Mention]:
    """An article's mentions ordered by where they start, with their places loaded."""
    stmt = (
        select(Mention)
        .where(Mention.article_id == article_id)
        .options(joinedload(Mention.place))
        .order_by(Mention.start, Mention.end, Mention.id)
    )
    return list(session.scalars(stmt))


def to_place(row: Place) -> types.Place:
    """A stored place as the geoparser's value type."""
    return _to_place(row)


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


def article_titles(session: Session, after_id: int = 0, limit: int = 500) -> list[tuple[int, str]]:
    """(id, title) of up to ``limit`` analysed articles with ids above ``after_id``, in id order:
    the export's titles, a batch at a time beside :func:`iter_resolved`."""
    stmt = (select(Article.id, Article.title).where(Article.status == "done", Article.id > after_id)
            .order_by(Article.id).limit(limit))
    return [(aid, title) for aid, title in session.execute(stmt)]


# --------------------------------------------------------------------------- review and correction

#: Below this confidence an automatic match counts as uncertain (so do approximate placements
#: and names that were not found at all) until a person reviews it. Confidences are calibrated
#: (geo.ranker): the value is the ranker's ``review_below``, the top of the highest confidence
#: bin whose out-of-fold accuracy stays under 80% in the reliability table scripts/train.py prints.
UNCERTAIN_BELOW = 0.7


def is_uncertain(confidence: float, place_source: str | None, resolved: bool,
                 review: str | None) -> bool:
    """Whether a mention needs a person's look: unreviewed and unresolved, approximate or weak."""
    if review:
        return False
    if not resolved:
        return True
    return place_source == APPROXIMATE_SOURCE or confidence < UNCERTAIN_BELOW


@dataclass(frozen=True)
class MentionReview:
    """What the review adds to one stored mention (for the page and the export)."""

    mention_id: int
    review: str | None
    reviewed_by: str | None
    reviewed_at: datetime | None
    place_source: str | None
    uncertain: bool
    alternatives: tuple[types.Candidate, ...]  # the candidates not chosen (reviewed mentions)


@dataclass(frozen=True)
class ReviewState:
    """An article's review state for the library."""

    to_review: int  # uncertain mentions no one has reviewed yet
    reviewed: int  # mentions a person confirmed, changed or added
    corrections: int  # decisions recorded (including "not a place")


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


def place_row(session: Session, place: types.Place) -> Place:
    """The stored row for a gazetteer place, inserted (ON CONFLICT DO NOTHING) if it is new."""
    return _upsert_places(session, [place])[place.place_id]


def get_place(session: Session, place_id: str) -> Place | None:
    """The stored place with this gazetteer id ("gn:2735943"), if any article uses it."""
    return session.scalar(select(Place).where(Place.place_id == place_id))


def _loaded_mentions(session: Session, article_id: int) -> list[Mention]:
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


def _targets(corr: Correction, mentions: list[Mention]) -> list[Mention]:
    if corr.scope == "all":
        return [m for m in mentions if m.surface == corr.surface]
    return [m for m in mentions
            if m.start == corr.start and m.end == corr.end and m.surface == corr.surface]


def _stamp(m: Mention, corr: Correction, review: str) -> None:
    m.review = review
    m.reviewed_by = corr.reviewer or None
    m.reviewed_at = corr.created_at


def _change(m: Mention, corr: Correction) -> None:
    assert corr.place is not None
    previous = m.place
    if previous is not None and previous.id == corr.place.id:
        _stamp(m, corr, m.review if m.review in ("changed", "added") else "confirmed")
        return
    if previous is not None and all(a.place_id != previous.id for a in m.alternatives):
        rank = max((a.rank for a in m.alternatives), default=-1) + 1
        m.alternatives.append(MentionAlternative(rank=rank, place=previous, score=m.confidence))
    m.place = corr.place
    m.confidence = 1.0
    _stamp(m, corr, "added" if m.review == "added" else "changed")


def _apply(session: Session, article: Article, corr: Correction, mentions: list[Mention]) -> int:
    """Apply one correction to the article's (loaded) mentions; how many mentions it touched."""
    if corr.action == "add":
        same = [m for m in mentions if m.start == corr.start and m.end == corr.end]
        if same:
            if corr.place is not None:
                for m in same:
                    _change(m, corr)
            return len(same)
        if article.text[corr.start:corr.end] != corr.surface or corr.place is None:
            return 0
        for m in [m for m in mentions if m.start < corr.end and corr.start < m.end]:
            mentions.remove(m)  # a person's span wins over overlapping automatic ones
            session.delete(m)
        p = passage_around(article.text, corr.start, corr.end)
        new = Mention(
            place=corr.place, start=corr.start, end=corr.end, surface=corr.surface,
            name=corr.surface, passage=p.text, passage_start=p.start, passage_end=p.end,
            kind="literal", confidence=1.0, source="manual",
        )
        _stamp(new, corr, "added")
        article.mentions.append(new)
        mentions.append(new)
        mentions.sort(key=lambda m: (m.start, m.end))
        return 1
    targets = _targets(corr, mentions)
    for m in targets:
        if corr.action == "reject":
            mentions.remove(m)
            session.delete(m)
        elif corr.action == "confirm":
            _stamp(m, corr, m.review if m.review in ("changed", "added") else "confirmed")
        elif corr.action == "change" and corr.place is not None:
            _change(m, corr)
    return len(targets)


def add_correction(
    session: Session,
    article: Article,
    action: str,
    *,
    start: int,
    end: int,
    place: types.Place | None = None,
    reviewer: str = "",
    apply_all: bool = False,
) -> tuple[Correction, int]:
    """Record a decision about the span [start, end) and apply it: (correction, mentions touched).

    ``apply_all`` extends it to every mention with the same text in the article (not for
    "add"). Raises ValueError for an unknown action, a bad span, or a change without a place.
    """
    if action not in CORRECTION_ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if not (0 <= start < end <= len(article.text)):
        raise ValueError("the span is outside the article's text")
    if action in ("change", "add") and place is None:
        raise ValueError(f"{action!r} needs a place")
    with _committing(session):
        corr = Correction(
            article_id=article.id,
            action=action,
            scope="all" if apply_all and action != "add" else "mention",
            start=start,
            end=end,
            surface=article.text[start:end],
            place=place_row(session, place) if place is not None else None,
            reviewer=(reviewer or "")[:100],
            created_at=_utcnow(),
        )
        session.add(corr)
        session.flush()
        mentions = _loaded_mentions(session, article.id)
        before = [_mention_state(m) for m in _affected(corr, mentions)]
        known = {m.id for m in mentions}
        touched = _apply(session, article, corr, mentions)
        session.flush()
        created = [m.id for m in mentions if m.id not in known]
        corr.undo = json.dumps({"before": before, "created": created})
    return corr, touched


def _affected(corr: Correction, mentions: list[Mention]) -> list[Mention]:
    """The mentions a correction may change or delete (an "add": every one overlapping its span)."""
    if corr.action == "add":
        return [m for m in mentions if m.start < corr.end and corr.start < m.end]
    return _targets(corr, mentions)


_MENTION_FIELDS = ("id", "place_id", "start", "end", "surface", "name", "passage", "passage_start",
                   "passage_end", "kind", "confidence", "source", "review", "reviewed_by")


def _mention_state(m: Mention) -> dict[str, Any]:
    """A mention's columns and alternatives as JSON values, to restore it exactly."""
    state = {f: getattr(m, f) for f in _MENTION_FIELDS}
    state["reviewed_at"] = as_utc(m.reviewed_at).isoformat() if m.reviewed_at else None
    state["alternatives"] = [[a.rank, a.place_id, a.score] for a in m.alternatives]
    return state


def _restore(session: Session, article: Article, state: dict[str, Any]) -> None:
    """Put a mention back as _mention_state saw it (the same id; re-created if it was deleted)."""
    m = session.get(Mention, state["id"])
    if m is None:
        m = Mention(id=state["id"], article_id=article.id)
        session.add(m)
    for f in _MENTION_FIELDS:
        setattr(m, f, state[f])
    at = state["reviewed_at"]
    m.reviewed_at = datetime.fromisoformat(at) if at else None
    m.alternatives = [MentionAlternative(rank=r, place_id=pid, score=score)
                      for r, pid, score in state["alternatives"]]


class NothingToUndo(LookupError):
    """The article has no correction, or its latest one cannot be undone."""


def undo_last(session: Session, article: Article) -> Correction:
    """Undo the article's latest correction: its mentions as they were before, the correction
    deleted (so a re-analysis no longer applies it); returns it. Raises NothingToUndo."""
    corrections = article_corrections(session, article.id)
    if not corrections:
        raise NothingToUndo("There is no correction to undo in this story.")
    corr = corrections[-1]
    if corr.undo is None:
        raise NothingToUndo("The latest correction cannot be undone: the story was analysed "
                            "again after it (or it predates undo).")
    undo = json.loads(corr.undo)
    with _committing(session):
        ids = [*undo["created"], *(state["id"] for state in undo["before"])]
        session.execute(delete(MentionAlternative).where(MentionAlternative.mention_id.in_(ids)))
        session.execute(delete(Mention).where(Mention.id.in_(undo["created"])))
        session.expire_all()  # the ORM's copies of what the two statements deleted
        for state in undo["before"]:
            _restore(session, article, state)
        manual = corr.place if corr.place is not None and corr.place.source == MANUAL_SOURCE else None
        session.delete(corr)
        session.flush()
        if manual is not None:
            _drop_unused_place(session, manual)
    session.expire_all()
    return corr


def undo_depth(session: Session, article_id: int) -> int:
    """How many of the article's corrections can be undone, one after another (latest first)."""
    stmt = (
        select(Correction.undo.is_not(None))
        .where(Correction.article_id == article_id)
        .order_by(Correction.created_at.desc(), Correction.id.desc())
    )
    return sum(1 for _ in itertools.takewhile(bool, session.scalars(stmt)))


def _drop_unused_place(session: Session, place: Place) -> None:
    """Delete a hand-placed point no mention, alternative or correction uses any more."""
    used = session.scalar(select(func.count()).select_from(Mention).where(Mention.place_id == place.id))
    used = used or session.scalar(
        select(func.count()).select_from(Correction).where(Correction.place_id == place.id))
    used = used or session.scalar(
        select(func.count()).select_from(MentionAlternative).where(MentionAlternative.place_id == place.id))
    if not used:
        session.delete(place)


#: The source of a point a reviewer placed on the map (no gazetteer entry): place ids "manual:<n>".
MANUAL_SOURCE = "manual"


def add_manual_place(session: Session, name: str, lat: float, lon: float,
                     country_code: str | None = None, admin1: str | None = None) -> types.Place:
    """Store a point a reviewer placed by hand as a Place "manual:<row id>" (committed)."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("the point is outside the map")
    with _committing(session):
        row = Place(place_id=f"{MANUAL_SOURCE}:new:{secrets.token_hex(8)}", name=name[:200],
                    lat=lat, lon=lon, country_code=country_code, admin1=admin1,
                    population=0, source=MANUAL_SOURCE)
        session.add(row)
        session.flush()
        row.place_id = f"{MANUAL_SOURCE}:{row.id}"
    return _to_place(row)


def apply_corrections(session: Session, article: Article) -> int:
    """Apply every stored correction of an article again, oldest first (no commit)."""
    mentions = _loaded_mentions(session, article.id)
    touched = 0
    for corr in article_corrections(session, article.id):
        touched += _apply(session, article, corr, mentions)
    return touched


def reanalyze(session: Session, article: Article, story: types.Story) -> int:
    """Replace an article's mentions with a fresh geoparse of the same text, then re-apply
    the article's corrections; returns how many mentions the corrections touched."""
    with _committing(session):
        touched = _replace_mentions(session, article, story)
    return touched


def article_corrections(session: Session, article_id: int) -> list[Correction]:
    """An article's corrections, oldest first, with their places."""
    stmt = (
        select(Correction)
        .where(Correction.article_id == article_id)
        .options(selectinload(Correction.place))
        .order_by(Correction.created_at, Correction.id)
    )
    return list(session.scalars(stmt))


def mention_reviews(session: Session, article_id: int) -> dict[tuple[int, int], MentionReview]:
    """(start, end) -> the review side of each of an article's mentions.

    Plain column rows (two queries, no ORM objects): the streamed export calls this once
    per article.
    """
    rows = session.execute(
        select(
            Mention.id, Mention.start, Mention.end, Mention.review, Mention.reviewed_by,
            Mention.reviewed_at, Mention.confidence, Mention.place_id, Place.source,
        )
        .outerjoin(Place, Place.id == Mention.place_id)
        .where(Mention.article_id == article_id)
    ).all()
    alternatives: dict[int, list[types.Candidate]] = {}
    if any(r[3] for r in rows):
        alt_place = aliased(Place)
        stmt = (
            select(MentionAlternative.mention_id, MentionAlternative.score, alt_place)
            .join(Mention, Mention.id == MentionAlternative.mention_id)
            .join(alt_place, alt_place.id == MentionAlternative.place_id)
            .where(
                Mention.article_id == article_id,
                Mention.review.is_not(None),
                (Mention.place_id.is_(None)) | (Mention.place_id != MentionAlternative.place_id),
            )
            .order_by(MentionAlternative.mention_id, MentionAlternative.rank)
        )
        for mention_id, score, place in session.execute(stmt):
            alternatives.setdefault(mention_id, []).append(types.Candidate(_to_place(place), score))
    out: dict[tuple[int, int], MentionReview] = {}
    for mid, start, end, review, by, at, confidence, place_id, source in rows:
        out[(start, end)] = MentionReview(
            mention_id=mid,
            review=review,
            reviewed_by=by,
            reviewed_at=as_utc(at) if at is not None else None,
            place_source=source,
            uncertain=is_uncertain(confidence, source, place_id is not None, review),
            alternatives=tuple(alternatives.get(mid, ())) if review else (),
        )
    return out


def reviewed_article_ids(session: Session) -> set[int]:
    """Ids of the articles in which a person reviewed at least one mention."""
    stmt = select(distinct(Mention.article_id)).where(Mention.review.is_not(None))
    return set(session.scalars(stmt))


def mention_alternatives(session: Session, mention: Mention) -> list[types.Candidate]:
    """The places the resolver considered for a mention, best first."""
    stmt = (
        select(MentionAlternative)
        .where(MentionAlternative.mention_id == mention.id)
        .options(selectinload(MentionAlternative.place))
        .order_by(MentionAlternative.rank)
    )
    return [types.Candidate(_to_place(a.place), a.score) for a in session.scalars(stmt)]


def review_states(
    session: Session, article_ids: Iterable[int] | None = None
) -> dict[int, ReviewState]:
    """article id -> its review state, for every article (or each of ``article_ids``, a page
    of the library) with mentions or corrections: two queries however many articles."""
    uncertain = (
        (Mention.review.is_(None))
        & (
            Mention.place_id.is_(None)
            | (Place.source == APPROXIMATE_SOURCE)
            | (Mention.confidence < UNCERTAIN_BELOW)
        )
    )
    stmt = (
        select(
            Mention.article_id,
            func.sum(case((uncertain, 1), else_=0)),
            func.sum(case((Mention.review.is_not(None), 1), else_=0)),
        )
        .outerjoin(Place, Place.id == Mention.place_id)
        .group_by(Mention.article_id)
    )
    corr = select(Correction.article_id, func.count(Correction.id)).group_by(Correction.article_id)
    if article_ids is not None:
        ids = list(article_ids)
        stmt = stmt.where(Mention.article_id.in_(ids))
        corr = corr.where(Correction.article_id.in_(ids))
    counts = {aid: (int(u or 0), int(r or 0)) for aid, u, r in session.execute(stmt)}
    n_corr = dict(session.execute(corr).all())
    return {
        aid: ReviewState(*counts.get(aid, (0, 0)), int(n_corr.get(aid, 0)))
        for aid in set(counts) | set(n_corr)
    }


def rename_article(session: Session, article_id: int, title: str) -> bool:
    """Give an article a new title; False if there is no such article."""
    article = session.get(Article, article_id)
    if article is None:
        return False
    with _committing(session):
        article.title = title[:200]
    return True


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


# --------------------------------------------------------------------------- many articles

@dataclass(frozen=True)
class ArticlePage:
    """One page of the library: its articles, and how many articles match in all."""

    articles: list[ArticleSummary]
    total: int
    page: int
    per: int

    @property
    def has_next(self) -> bool:
        """Whether a later page has articles."""
        return self.page * self.per < self.total


def _like(column: Any, q: str) -> Any:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


def _matching(q: str) -> Any:
    """Articles whose title or source contains ``q`` (case-insensitive; % and _ are literal)."""
    return (_like(Article.title, q) | _like(Article.source, q)) if q else true()


def article_page(session: Session, q: str = "", page: int = 1, per: int = 50) -> ArticlePage:
    """Page ``page`` (from 1) of ``per`` articles, newest first, matching ``q``: two queries,
    the page read in the order of the (created_at, id) index."""
    where = _matching(q)
    total = session.scalar(select(func.count(Article.id)).where(where)) or 0
    ids = (
        select(Article.id)
        .where(where)
        .order_by(Article.created_at.desc(), Article.id.desc())
        .limit(per)
        .offset((page - 1) * per)
        .subquery()
    )
    return ArticlePage(_summaries(session, ids), total, page, per)


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
