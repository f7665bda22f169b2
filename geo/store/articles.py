"""Articles: a text stored once (by its hash), queued or with its analysis, renamed, deleted."""
from __future__ import annotations

import hashlib
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from geo import types
from geo.home import source_domain
from geo.store.mentions import add_mentions
from geo.store.models import Article, ArticleStatus
from geo.store.retry import retrying
from geo.store.transactions import committing, dialect_insert

__all__ = [
    "content_hash",
    "find_by_hash",
    "store_text",
    "add_text",
    "save_story",
    "get_article",
    "delete_article",
    "rename_article",
]


def content_hash(text: str) -> str:
    """sha256 of the text exactly as analysed (UTF-8), in hex."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def find_by_hash(session: Session, text: str) -> Article | None:
    """The stored article with exactly this text, if any."""
    return session.scalar(select(Article).where(Article.content_hash == content_hash(text)))


def store_text(session: Session, title: str, source: str, text: str, status: ArticleStatus,
               fill: Callable[[Article], None] | None = None, setting: str | None = None) -> tuple[Article, bool]:
    """Store a text unless the same text is stored: (article, created). ``fill`` completes a
    new article (its mentions) in the same transaction; ``setting``: where its uploader says it is set.

    Insert-or-fetch in one statement (ON CONFLICT DO NOTHING on the text's hash): of many
    writers racing with the same text exactly one creates it, the others get that article.
    On any error the transaction is rolled back: no half-stored article is ever visible;
    transient errors (deadlocks) are retried.
    """
    digest = content_hash(text)

    def attempt() -> tuple[Article, bool]:
        stmt = dialect_insert(session)(Article.__table__).values(
            title=title, source=source, source_domain=source_domain(source)[:255], text=text, content_hash=digest,
            status=status, progress=100 if status == "done" else 0, attempts=0, setting=setting or None,
        ).on_conflict_do_nothing(index_elements=["content_hash"]).returning(Article.__table__.c.id)
        with committing(session):
            new_id = session.execute(stmt).scalar()  # no row back: it was there
            if new_id is not None and fill is not None:
                new = session.get(Article, new_id)
                assert new is not None
                fill(new)
        article = session.scalar(select(Article).where(Article.content_hash == digest))
        assert article is not None
        return article, new_id is not None

    return retrying(session, attempt)


def add_text(session: Session, title: str, source: str, text: str, setting: str | None = None
             ) -> tuple[Article, bool]:
    """Store a text to analyse (queued) unless the same text is stored: (article, created); ``setting``:
    where its uploader says it is set (geo.setting), read by each analysis."""
    return store_text(session, title[:200], source, text, "queued", setting=setting)


def save_story(session: Session, title: str, source: str, story: types.Story) -> Article:
    """Store a geoparsed story (done) in one transaction and return its Article.

    If an article with the same text is already stored, that article is returned and
    nothing is written. On any error the transaction is rolled back: the database is left
    as it was and no half-stored article is ever visible.
    """
    def fill(article: Article) -> None:
        add_mentions(session, article, story)

    return store_text(session, title, source, story.text, "done", fill)[0]


def get_article(session: Session, article_id: int) -> Article | None:
    """The article with this id, or None."""
    return session.get(Article, article_id)


def delete_article(session: Session, article_id: int) -> bool:
    """Delete an article with its mentions; False if there was no such article."""
    article = session.get(Article, article_id)
    if article is None:
        return False
    with committing(session):
        session.delete(article)
    return True


def set_setting(session: Session, article_id: int, setting: str | None) -> bool:
    """Say where an article is set (geo.setting; None: nowhere said); False if there is no such article.
    The next analysis reads it."""
    return _set_field(session, article_id, "setting", setting or None)


def rename_article(session: Session, article_id: int, title: str) -> bool:
    """Give an article a new title; False if there is no such article."""
    return _set_field(session, article_id, "title", title[:200])


def _set_field(session: Session, article_id: int, name: str, value: str | None) -> bool:
    """Set one column of an article in its own transaction; False if there is no such article."""
    article = session.get(Article, article_id)
    if article is None:
        return False
    with committing(session):
        setattr(article, name, value)
    return True
