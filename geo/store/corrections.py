"""Corrections: a person's decisions about mentions, recorded, applied, and applied again."""
from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from geo import types
from geo.passages import passage_around
from geo.store.clock import utcnow
from geo.store.mentions import loaded_mentions
from geo.store.models import CORRECTION_ACTIONS, Article, Correction, Mention, MentionAlternative
from geo.store.places import place_row
from geo.store.snapshots import mention_state
from geo.store.transactions import committing

__all__ = ["add_correction", "apply_corrections", "article_corrections"]


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


def _add_span(session: Session, article: Article, corr: Correction, mentions: list[Mention]) -> int:
    """Apply an "add": the mentions of exactly its span changed, or a new mention replacing those
    overlapping it; how many mentions it touched."""
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


def _apply(session: Session, article: Article, corr: Correction, mentions: list[Mention]) -> int:
    """Apply one correction to the article's (loaded) mentions; how many mentions it touched."""
    if corr.action == "add":
        return _add_span(session, article, corr, mentions)
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
    _check(article, action, start, end, place)
    with committing(session):
        corr = Correction(
            article_id=article.id,
            action=action,
            scope="all" if apply_all and action != "add" else "mention",
            start=start,
            end=end,
            surface=article.text[start:end],
            place=place_row(session, place) if place is not None else None,
            reviewer=(reviewer or "")[:100],
            created_at=utcnow(),
        )
        session.add(corr)
        session.flush()
        touched = _apply_undoably(session, article, corr)
    return corr, touched


def _check(article: Article, action: str, start: int, end: int, place: types.Place | None) -> None:
    """Raise ValueError for an unknown action, a span outside the text, or a change without a place."""
    if action not in CORRECTION_ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if not (0 <= start < end <= len(article.text)):
        raise ValueError("the span is outside the article's text")
    if action in ("change", "add") and place is None:
        raise ValueError(f"{action!r} needs a place")


def _apply_undoably(session: Session, article: Article, corr: Correction) -> int:
    """Apply a new correction, noting in it how to undo it; how many mentions it touched."""
    mentions = loaded_mentions(session, article.id)
    before = [mention_state(m) for m in _affected(corr, mentions)]
    known = {m.id for m in mentions}
    touched = _apply(session, article, corr, mentions)
    session.flush()
    created = [m.id for m in mentions if m.id not in known]
    corr.undo = json.dumps({"before": before, "created": created})
    return touched


def _affected(corr: Correction, mentions: list[Mention]) -> list[Mention]:
    """The mentions a correction may change or delete (an "add": every one overlapping its span)."""
    if corr.action == "add":
        return [m for m in mentions if m.start < corr.end and corr.start < m.end]
    return _targets(corr, mentions)



def apply_corrections(session: Session, article: Article) -> int:
    """Apply every stored correction of an article again, oldest first (no commit)."""
    mentions = loaded_mentions(session, article.id)
    touched = 0
    for corr in article_corrections(session, article.id):
        touched += _apply(session, article, corr, mentions)
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

