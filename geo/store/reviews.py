"""Review: which mentions need a person's look, and what people decided, per mention and article."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from sqlalchemy import case, distinct, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from geo import types
from geo.resolve import APPROXIMATE_SOURCE
from geo.store.clock import as_utc
from geo.store.models import Correction, Mention, MentionAlternative, Place
from geo.store.places import to_place

__all__ = [
    "UNCERTAIN_BELOW",
    "is_uncertain",
    "MentionReview",
    "ReviewState",
    "mention_reviews",
    "reviewed_article_ids",
    "mention_alternatives",
    "review_states",
]

#: Below this confidence an automatic match counts as uncertain (so do approximate placements
#: and names that were not found at all) until a person reviews it. Confidences are calibrated
#: (geo.ranker): the value is the ranker's ``review_below``, the top of the highest confidence
#: bin whose out-of-fold accuracy stays under 80% in the reliability table scripts/train.py prints.
UNCERTAIN_BELOW = 0.8


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


def _reviewed_alternatives(session: Session, article_id: int) -> dict[int, list[types.Candidate]]:
    """mention id -> the candidates not chosen, for the article's reviewed mentions (one query)."""
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
    alternatives: dict[int, list[types.Candidate]] = {}
    for mention_id, score, place in session.execute(stmt):
        alternatives.setdefault(mention_id, []).append(types.Candidate(to_place(place), score))
    return alternatives


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
    alternatives = _reviewed_alternatives(session, article_id) if any(r[3] for r in rows) else {}
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
    return [types.Candidate(to_place(a.place), a.score) for a in session.scalars(stmt)]


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
