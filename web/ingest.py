"""Texts in, stored articles out: geoparse a text unless the same text is already stored."""
from __future__ import annotations

from geo import store
from geo.types import Story
from web.extensions import db, get_geoparser

__all__ = ["ingest", "store_parsed"]


def ingest(title: str, source: str, text: str) -> tuple[store.Article, bool]:
    """Geoparse and store a text (unless the same text is stored): (article, created)."""
    existing = store.find_by_hash(db.session, text)
    if existing is not None:
        return existing, False
    story = get_geoparser().parse(text)
    return store.save_story(db.session, title, source, story), True


def store_parsed(title: str, source: str, story: Story) -> tuple[store.Article, bool]:
    """Store a story parsed elsewhere (unless the same text came already): (article, created)."""
    existing = store.find_by_hash(db.session, story.text)
    if existing is not None:  # the same text came twice in one batch
        return existing, False
    return store.save_story(db.session, title, source, story), True
