"""Jobs: an article's analysis under a lease (claim, progress, finish, fail), requeued or swept."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from geo import types
from geo.home import HomeArea
from geo.store.clock import utcnow
from geo.store.corrections import apply_corrections
from geo.store.mentions import add_mentions
from geo.store.models import Article, Correction
from geo.store.retry import retrying
from geo.store.transactions import committing, update_committed

__all__ = [
    "claim",
    "record_progress",
    "finish",
    "fail",
    "requeue",
    "sweep_leases",
    "queued_ids",
    "reanalyze",
]


def _lease(seconds: float) -> datetime:
    return utcnow() + timedelta(seconds=seconds)


def claim(session: Session, article_id: int, lease_s: float) -> str | None:
    """Take the lease on a queued article (or one whose lease expired): the job's token, or
    None when it is not this job's to analyse (done, failed, gone or under a live lease)."""
    now, token = utcnow(), secrets.token_hex(16)
    stmt = (
        update(Article)
        .where(Article.id == article_id,
               (Article.status == "queued")
               | ((Article.status == "analysing") & (Article.lease_until < now)))
        .values(status="analysing", stage="starting", progress=0, error=None, job_token=token,
                lease_until=now + timedelta(seconds=lease_s), attempts=Article.attempts + 1)
    )
    return token if update_committed(session, stmt) == 1 else None


def _held(article_id: int, token: str) -> Any:
    return (Article.id == article_id) & (Article.status == "analysing") & (Article.job_token == token)


def record_progress(session: Session, article_id: int, token: str, stage: str, percent: int,
                    lease_s: float) -> bool:
    """Note the job's stage and percent and renew its lease; False if the lease was lost."""
    stmt = update(Article).where(_held(article_id, token)).values(
        stage=stage[:32], progress=max(0, min(100, percent)), lease_until=_lease(lease_s))
    return update_committed(session, stmt) == 1


def _replace_mentions(session: Session, article: Article, story: types.Story) -> int:
    if story.text != article.text:
        raise ValueError("the story's text differs from the article's")
    article.mentions.clear()
    session.flush()
    # The new mentions have new ids: the corrections' undo states no longer fit them.
    session.execute(update(Correction).where(Correction.article_id == article.id).values(undo=None))
    add_mentions(session, article, story)
    session.flush()
    touched = apply_corrections(session, article)
    article.status, article.stage, article.progress, article.error = "done", None, 100, None
    article.lease_until = article.job_token = None
    return touched


def finish(session: Session, article_id: int, token: str, story: types.Story, home: HomeArea | None = None) -> bool:
    """Store the job's analysis (corrections applied again) and the home area it read, and mark the
    article done, in one transaction, only while the job still holds its lease: False (nothing
    written) if not."""
    def attempt() -> bool:
        with committing(session):
            article = session.get(Article, article_id, with_for_update=True, populate_existing=True)
            if article is None or article.status != "analysing" or article.job_token != token:
                return False
            _replace_mentions(session, article, story)
            article.home_area = home.to_json() if home is not None else None
        return True
    return retrying(session, attempt)


def fail(session: Session, article_id: int, token: str | None, message: str) -> bool:
    """Mark the article failed with a reason (its text stays stored); with a token, only
    while that job holds the lease."""
    where = _held(article_id, token) if token is not None else (Article.id == article_id)
    stmt = update(Article).where(where).values(
        status="failed", error=message[:2000], stage=None, lease_until=None, job_token=None)
    return update_committed(session, stmt) == 1


def requeue(session: Session, article_id: int) -> bool:
    """Queue an article for analysis again (re-analysis); a running job loses its lease."""
    stmt = update(Article).where(Article.id == article_id).values(
        status="queued", stage=None, progress=0, error=None, lease_until=None, job_token=None,
        attempts=0)
    return update_committed(session, stmt) == 1


def sweep_leases(session: Session, max_attempts: int) -> list[int]:
    """Articles whose worker died (lease expired): queued again, their ids to queue; those
    taken ``max_attempts`` times already are marked failed instead."""
    now = utcnow()
    expired = (Article.status == "analysing") & (Article.lease_until < now)
    update_committed(session, update(Article).where(expired, Article.attempts >= max_attempts).values(
        status="failed", stage=None, lease_until=None, job_token=None,
        error=f"The analysis stopped {max_attempts} times without finishing (its worker "
              "died, perhaps out of memory); the text is kept: try re-analysing it."))
    ids = list(session.scalars(select(Article.id).where(expired).order_by(Article.id)))
    if ids:
        update_committed(session, update(Article).where(expired, Article.id.in_(ids)).values(
            status="queued", stage=None, job_token=None))
    session.commit()
    return ids


def queued_ids(session: Session) -> list[int]:
    """Ids of the queued articles, oldest first (queued again when a consumer starts)."""
    ids = list(session.scalars(select(Article.id).where(Article.status == "queued").order_by(Article.id)))
    session.commit()
    return ids


def reanalyze(session: Session, article: Article, story: types.Story) -> int:
    """Replace an article's mentions with a fresh geoparse of the same text, then re-apply
    the article's corrections; returns how many mentions the corrections touched."""
    with committing(session):
        touched = _replace_mentions(session, article, story)
    return touched
