"""Storage: SQLAlchemy 2 models for articles, places and mentions, and the functions that use them.

The only package that talks to the database. Functions take a ``Session`` and know nothing of
Flask. The schema itself is created by the Alembic migrations in migrations/, never by
``create_all``. Callers use ``from geo import store`` and the names re-exported here; the
modules each hold one concept (models, articles, jobs, corrections, undo, library, areas...).
"""
from __future__ import annotations

from geo.resolve import APPROXIMATE_SOURCE
from geo.store.areas import (
    Area,
    PlaceCell,
    area_articles,
    places_bounds,
    places_in_area,
    places_in_area_statement,
)
from geo.store.articles import (
    add_text,
    content_hash,
    delete_article,
    find_by_hash,
    get_article,
    rename_article,
    save_story,
    set_setting,
)
from geo.store.clock import as_utc
from geo.store.corrections import add_correction, apply_corrections, article_corrections
from geo.store.export import article_heads, iter_resolved
from geo.store.jobs import (
    claim,
    fail,
    finish,
    queued_ids,
    reanalyze,
    record_progress,
    requeue,
    sweep_leases,
)
from geo.store.library import ArticlePage, ArticleSummary, article_page, list_articles
from geo.store.mentions import article_mentions, to_resolved
from geo.store.models import (
    ARTICLE_STATES,
    CORRECTION_ACTIONS,
    Article,
    ArticleStatus,
    Base,
    Correction,
    Mention,
    MentionAlternative,
    Place,
)
from geo.store.places import (
    MANUAL_SOURCE,
    PlacePassage,
    add_manual_place,
    get_place,
    place_passages,
    place_row,
    to_place,
)
from geo.store.retry import RETRY_SQLSTATES, is_transient, retrying
from geo.store.reviews import (
    UNCERTAIN_BELOW,
    MentionReview,
    ReviewState,
    is_uncertain,
    mention_alternatives,
    mention_reviews,
    review_states,
    reviewed_article_ids,
)
from geo.store.revisions import article_revision, library_revision
from geo.store.sources import SOURCE_ARTICLES, source_regions
from geo.store.undo import NothingToUndo, undo_depth, undo_last

__all__ = [
    "add_correction",
    "add_manual_place",
    "add_text",
    "apply_corrections",
    "APPROXIMATE_SOURCE",
    "Area",
    "area_articles",
    "Article",
    "article_corrections",
    "article_mentions",
    "article_page",
    "article_revision",
    "ARTICLE_STATES",
    "article_heads",
    "ArticlePage",
    "ArticleStatus",
    "ArticleSummary",
    "as_utc",
    "Base",
    "claim",
    "content_hash",
    "Correction",
    "CORRECTION_ACTIONS",
    "delete_article",
    "fail",
    "find_by_hash",
    "finish",
    "get_article",
    "get_place",
    "is_transient",
    "is_uncertain",
    "iter_resolved",
    "library_revision",
    "list_articles",
    "MANUAL_SOURCE",
    "Mention",
    "mention_alternatives",
    "mention_reviews",
    "MentionAlternative",
    "MentionReview",
    "NothingToUndo",
    "Place",
    "place_passages",
    "place_row",
    "PlaceCell",
    "PlacePassage",
    "places_bounds",
    "places_in_area",
    "places_in_area_statement",
    "queued_ids",
    "reanalyze",
    "record_progress",
    "rename_article",
    "set_setting",
    "SOURCE_ARTICLES",
    "source_regions",
    "requeue",
    "RETRY_SQLSTATES",
    "retrying",
    "review_states",
    "reviewed_article_ids",
    "ReviewState",
    "save_story",
    "sweep_leases",
    "to_place",
    "to_resolved",
    "UNCERTAIN_BELOW",
    "undo_depth",
    "undo_last",
]
