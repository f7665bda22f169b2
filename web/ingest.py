"""Texts in, stored articles out: store a text first (queued), then queue its analysis."""
from __future__ import annotations

from flask import current_app

from geo import store
from geo.setting import find_setting, read_setting
from geo.types import Place
from web.extensions import db, gazetteer
from web.jobs import enqueue

__all__ = ["ingest", "reanalyse", "check_analysable", "checked_setting", "found_setting"]


def check_analysable() -> None:
    """Raise GazetteerMissing when no analysis could run (no gazetteer, none injected)."""
    current_app.extensions["geoparser"].check()


def found_setting(written: object) -> tuple[str, Place | None]:
    """The setting an uploader wrote, as read ("" for none), and the place the gazetteer finds for it (None for
    none); geo.setting's SettingNotFound (a clear 400) when it finds none, before anything is stored."""
    setting = read_setting(written)
    return setting, find_setting(gazetteer(), setting) if setting else None


def checked_setting(written: object) -> str:
    """The setting an uploader wrote ("" for none), once the gazetteer has found it (found_setting)."""
    return found_setting(written)[0]


def ingest(title: str, source: str, text: str, setting: str = "") -> tuple[store.Article, bool]:
    """Store a text and queue its analysis, unless the same text is stored: (article, created).
    ``setting``: where its uploader says it is set (checked_setting)."""
    check_analysable()
    article, created = store.add_text(db.session, title, source, text, setting or None)
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
