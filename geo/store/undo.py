"""Undo: the latest correction of an article taken back, its mentions as they were before."""
from __future__ import annotations

import itertools
import json

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from geo.store.corrections import article_corrections
from geo.store.models import Article, Correction, Mention, MentionAlternative, Place
from geo.store.places import MANUAL_SOURCE
from geo.store.snapshots import restore_mention
from geo.store.transactions import committing

__all__ = ["NothingToUndo", "undo_last", "undo_depth"]


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
    with committing(session):
        ids = [*undo["created"], *(state["id"] for state in undo["before"])]
        session.execute(delete(MentionAlternative).where(MentionAlternative.mention_id.in_(ids)))
        session.execute(delete(Mention).where(Mention.id.in_(undo["created"])))
        session.expire_all()  # the ORM's copies of what the two statements deleted
        for state in undo["before"]:
            restore_mention(session, article, state)
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

