"""Texts in, stored articles out: store a text first (queued), then queue its analysis."""
from __future__ import annotations

from flask import current_app

from geo import store
from web.extensions import db
from web.jobs import enqueue

__all__ = ["ingest", "reanalyse", "check_analysable"]


def check_analysable() -> None:
    """Raise GazetteerMissing when no analysis could run (no gazetteer, none injected)."""
    current_app.extensions["geoparser"].check()


def ingest(title: str, source: str, text: str) -> tuple[store.Article, bool]:
    """Store a text and queue its analysis, unless the same text is stored: (article, created)."""
    check_analysable()
    article, created = store.add_text(db.session, title, source, text)
    if created:
        enqueue(article.id)
    return article, created


def reanalyse(article_id: int) -> bool:
    """Queue a stored article's analysis again (its corrections are applied again); False if
    there is no such article."""
    if not store.requeue(db.session, article_id):
        return False
    enqueue(article_id)
    return True
