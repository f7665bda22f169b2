"""Revisions: short fingerprints of what a page shows, for the page cache's keys and ETags."""
from __future__ import annotations

import hashlib

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from geo.store.models import Article, Correction, Mention

__all__ = ["article_revision", "library_revision"]


def article_revision(session: Session, article_id: int) -> str | None:
    """A short fingerprint of all an article's page and GeoJSON show (None if there is no such
    article): it changes with its title, analysis state, setting and home area, mentions, reviews and corrections. One
    query: the article's row beside aggregates read through the mentions' and corrections'
    article indexes."""
    mentions = select(
        func.count(), func.sum(Mention.id), func.sum(Mention.start), func.sum(Mention.end),
        func.sum(func.coalesce(Mention.place_id, -1)), func.sum(Mention.confidence), func.count(Mention.review),
        func.max(Mention.reviewed_at)).where(Mention.article_id == article_id).subquery()
    corrections = select(func.count(), func.max(Correction.id)).where(
        Correction.article_id == article_id).subquery()  # (an aggregate's one row: joined on true)
    row = session.execute(
        select(Article.title, Article.source, Article.status, Article.stage, Article.progress, Article.error,
               Article.job_token, Article.setting, Article.home_area, *mentions.c, *corrections.c)
        .select_from(Article).join(mentions, true()).join(corrections, true()).where(Article.id == article_id)).first()
    if row is None:
        return None
    parts = repr((tuple(row[:9]), tuple(row[9:17]), tuple(row[17:])))
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
