"""The library: articles with their counts, all of them or a page matching a search."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import distinct, func, select, true
from sqlalchemy.orm import Session

from geo.store.clock import as_utc
from geo.store.models import Article, Mention

__all__ = ["ArticleSummary", "list_articles", "ArticlePage", "article_page"]


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
