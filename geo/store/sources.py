"""The other articles of a publication: where their places are, for the source's home area (geo.home)."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from geo.home import Region, place_regions
from geo.store.models import Article, Mention, Place

__all__ = ["SOURCE_ARTICLES", "source_regions"]

SOURCE_ARTICLES = 200  # the latest this many done articles of a source are read: a bounded query


def source_regions(session: Session, domain: str, exclude_id: int | None, min_confidence: float,
                   limit: int = SOURCE_ARTICLES) -> list[set[Region]]:
    """For each other done article from the publication ``domain`` (a URL host: geo.home.source_domain),
    the first-level regions of its resolved towns and units; a person's review counts as certain."""
    if not domain:
        return []
    ids = list(session.scalars(
        select(Article.id)
        .where(Article.source_domain == domain, Article.status == "done", Article.id != (exclude_id or 0))
        .order_by(Article.id.desc())
        .limit(limit)
    ))
    if not ids:
        return []
    rows: dict[int, list[tuple[str | None, str | None, str | None, float]]] = defaultdict(list)
    for article_id, cc, admin1, feature_class, confidence, review in session.execute(
        select(Mention.article_id, Place.country_code, Place.admin1, Place.feature_class, Mention.confidence,
               Mention.review)
        .join(Place, Mention.place_id == Place.id)
        .where(Mention.article_id.in_(ids))
    ):
        rows[article_id].append((cc, admin1, feature_class, 1.0 if review else confidence))
    return [place_regions(rows.get(i, []), min_confidence) for i in ids]
