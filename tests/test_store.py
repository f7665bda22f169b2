"""geo/store/: saving a Story in one transaction, listing, deleting, reading back."""
from __future__ import annotations

from datetime import timezone
from pathlib import Path
from typing import get_args

import pytest
from sqlalchemy import CheckConstraint, func, select

from app import db
from testkit import FRANCE, PARIS, PARIS_TEXT, paris_story
from geo import store
from geo.store import Article, Mention, MentionAlternative, Place
from geo.store.articles import store_text
from geo.store.mentions import add_mentions
from geo.types import Story


@pytest.fixture
def session(app):
    with app.app_context():
        yield db.session


def counts(session) -> dict[str, int]:
    return {
        model.__tablename__: session.scalar(select(func.count()).select_from(model))
        for model in (Article, Place, Mention, MentionAlternative)
    }


def test_save_story_stores_everything(session):
    article = store.save_story(session, "Paris", "test", paris_story())
    assert article.id is not None and article.status == "done" and article.error is None
    assert article.text == PARIS_TEXT
    assert article.content_hash == store.content_hash(PARIS_TEXT)
    assert counts(session) == {"articles": 1, "places": 3, "mentions": 5, "mention_alternatives": 2}


def test_saved_mentions_read_back_as_the_same_resolved_mentions(session):
    story = paris_story()
    article = store.save_story(session, "Paris", "test", story)
    session.expire_all()
    rows = store.article_mentions(session, article.id)
    assert [r.start for r in rows] == sorted(r.start for r in rows)
    back = [store.to_resolved(r) for r in rows]
    expected = sorted(story.mentions, key=lambda rm: rm.mention.start)
    assert [(b.mention, b.place, b.confidence, b.passage) for b in back] == [
        (e.mention, e.place, e.confidence, e.passage) for e in expected]


def test_same_text_returns_the_existing_article(session):
    first = store.save_story(session, "One", "a", paris_story())
    second = store.save_story(session, "Two", "b", paris_story())
    assert second.id == first.id and second.title == "One"
    assert counts(session)["articles"] == 1


def test_places_are_shared_between_articles(session):
    store.save_story(session, "A", "", paris_story())
    store.save_story(session, "B", "", paris_story(PARIS_TEXT + " Again."))
    assert counts(session)["places"] == 3
    assert counts(session)["mentions"] == 10


class Boom(Exception):
    pass


class ExplodingStory(Story):
    """A Story whose mentions fail half way through being stored."""

    @property  # type: ignore[override]
    def mentions(self):
        good = paris_story().mentions
        yield good[0]
        yield good[1]
        raise Boom("failed half way")

    @mentions.setter
    def mentions(self, value):
        pass


def test_a_failing_save_leaves_the_database_as_it_was(session):
    store.save_story(session, "Kept", "", paris_story("Kept. " + PARIS_TEXT))
    before = counts(session)
    with pytest.raises(Boom):
        store.save_story(session, "Lost", "", ExplodingStory(PARIS_TEXT, ()))
    assert counts(session) == before
    assert [a.title for a in store.list_articles(session)] == ["Kept"]


def test_list_articles_counts_places_and_mentions(session):
    a = store.save_story(session, "Paris", "src", paris_story())
    b = store.save_story(session, "Empty", "", Story("No places here.", ()))
    summaries = {s.id: s for s in store.list_articles(session)}
    assert (summaries[a.id].place_count, summaries[a.id].mention_count) == (2, 5)
    assert (summaries[b.id].place_count, summaries[b.id].mention_count) == (0, 0)
    assert summaries[a.id].status == "done" and summaries[a.id].source == "src"
    assert summaries[a.id].created_at.tzinfo == timezone.utc
    assert [s.id for s in store.list_articles(session)] == [b.id, a.id]  # newest first


def test_delete_article_cascades_to_mentions_but_keeps_places(session):
    a = store.save_story(session, "Paris", "", paris_story())
    assert store.delete_article(session, a.id) is True
    assert counts(session) == {"articles": 0, "places": 3, "mentions": 0, "mention_alternatives": 0}
    assert store.delete_article(session, a.id) is False


@pytest.mark.parametrize(("article_id", "found"), [(1, True), (2, False), (0, False)])
def test_get_article(session, article_id, found):
    store.save_story(session, "Paris", "", paris_story())
    assert (store.get_article(session, article_id) is not None) is found


def test_iter_resolved_streams_each_article_once(session):
    a = store.save_story(session, "A", "", paris_story())
    b = store.save_story(session, "B", "", paris_story("In short: " + PARIS_TEXT))
    got = [(aid, [rm.mention.surface for rm in mentions])
           for aid, mentions in store.iter_resolved(session, batch_size=2)]
    assert got == [(a.id, ["Paris", "France", "French", "Paris", "Atlantis"]),
                   (b.id, ["Paris", "France", "French", "Paris", "Atlantis"])]
    assert [aid for aid, _ in store.iter_resolved(session, b.id)] == [b.id]


def test_iter_resolved_skips_articles_not_done(session):
    a = store.save_story(session, "A", "", paris_story())
    a.status = "failed"
    session.commit()
    assert list(store.iter_resolved(session)) == []


def test_place_rows_keep_gazetteer_fields(session):
    store.save_story(session, "Paris", "", paris_story())
    row = session.scalar(select(Place).where(Place.place_id == PARIS.place_id))
    assert (row.geonameid, row.country_code, row.feature_code, row.lat, row.lon, row.population) == (
        PARIS.geonameid, "FR", "PPLC", PARIS.lat, PARIS.lon, PARIS.population)
    assert session.scalar(select(Place).where(Place.place_id == FRANCE.place_id)).feature_class == "A"


# --------------------------------------------------------------------------- review


@pytest.mark.parametrize(
    ("confidence", "source", "resolved", "review", "expected"),
    [
        (0.9, "geonames", True, None, False),
        (0.3, "geonames", True, None, True),  # weak match
        (0.9, "approximate", True, None, True),  # a rough placement at its host's point
        (0.0, None, False, None, True),  # not found at all
        (0.1, "approximate", True, "confirmed", False),  # a person looked at it
    ],
)
def test_is_uncertain(confidence, source, resolved, review, expected):
    assert store.is_uncertain(confidence, source, resolved, review) is expected


def test_review_states_count_uncertain_reviewed_and_corrections(session):
    article = store.save_story(session, "Paris", "test", paris_story())
    assert store.review_states(session)[article.id] == store.ReviewState(1, 0, 0)
    french = next(m for m in article.mentions if m.surface == "French")
    atlantis = next(m for m in article.mentions if m.surface == "Atlantis")
    store.add_correction(session, article, "confirm", start=french.start, end=french.end,
                         reviewer="Ana")
    store.add_correction(session, article, "reject", start=atlantis.start, end=atlantis.end)
    assert store.review_states(session)[article.id] == store.ReviewState(0, 1, 2)
    assert [c.action for c in store.article_corrections(session, article.id)] == ["confirm", "reject"]


def test_add_correction_rejects_bad_input(session):
    article = store.save_story(session, "Paris", "test", paris_story())
    with pytest.raises(ValueError):
        store.add_correction(session, article, "change", start=0, end=5)  # no place
    with pytest.raises(ValueError):
        store.add_correction(session, article, "confirm", start=3, end=2)
    with pytest.raises(ValueError):
        store.add_correction(session, article, "shrug", start=0, end=5)
    assert store.article_corrections(session, article.id) == []


def test_apply_all_matches_by_surface_after_reanalysis(session):
    article = store.save_story(session, "Paris", "test", paris_story())
    store.add_correction(session, article, "change", start=0, end=5, place=FRANCE, apply_all=True)
    store.reanalyze(session, article, paris_story())
    paris = [m for m in store.article_mentions(session, article.id) if m.surface == "Paris"]
    assert [m.place.place_id for m in paris] == [FRANCE.place_id] * 2
    assert {m.review for m in paris} == {"changed"}
    with pytest.raises(ValueError):
        store.reanalyze(session, article, paris_story(PARIS_TEXT + "!"))


def test_rename_and_place_passages(session):
    article = store.save_story(session, "Paris", "test", paris_story())
    assert store.rename_article(session, article.id, "Renamed") is True
    assert store.rename_article(session, 999, "x") is False
    rows = store.place_passages(session, PARIS.place_id)
    assert [(r.article_title, r.surface) for r in rows] == [("Renamed", "Paris")] * 2
    assert rows[0].start < rows[1].start


# --------------------------------------------------------------------------- one source for the states

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"


def check_text(table, column: str) -> str:
    return next(str(c.sqltext) for c in table.constraints
                if isinstance(c, CheckConstraint) and str(c.sqltext).startswith(f"{column} IN"))


@pytest.mark.parametrize(
    ("table", "column", "values", "migration"),
    [
        (Article.__table__, "status", store.ARTICLE_STATES, "b10a0b5jobs01_article_jobs.py"),
        (store.Correction.__table__, "action", store.CORRECTION_ACTIONS,
         "c02c1dca7431_corrections_and_mention_review.py"),
    ],
)
def test_check_constraints_derive_from_the_values_and_match_the_migration(table, column, values,
                                                                         migration):
    text = check_text(table, column)
    assert text == f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"
    assert text in (MIGRATIONS / migration).read_text(encoding="utf-8")


def test_the_article_states_are_the_status_literal():
    assert store.ARTICLE_STATES == get_args(store.ArticleStatus)
    assert set(store.ARTICLE_STATES) == {"queued", "analysing", "failed", "done"}


# --------------------------------------------------------------------------- one insert-or-fetch


@pytest.mark.parametrize("first", ["add_text", "save_story"])
def test_add_text_and_save_story_share_one_dedupe(session, first):
    """Whichever stores a text first, the other finds that article and writes nothing."""
    if first == "add_text":
        stored, created = store.add_text(session, "Queued", "s", PARIS_TEXT)
        assert created and stored.status == "queued"
        before = counts(session)
        assert store.save_story(session, "Done", "s", paris_story()).id == stored.id
    else:
        stored = store.save_story(session, "Done", "s", paris_story())
        assert stored.status == "done" and stored.progress == 100
        before = counts(session)
        again, created = store.add_text(session, "Queued", "s", PARIS_TEXT)
        assert (again.id, created) == (stored.id, False)
    assert counts(session) == before
    assert store.get_article(session, stored.id).title == ("Queued" if first == "add_text" else "Done")


@pytest.mark.parametrize(
    ("status", "fill", "progress", "mentions"),
    [("queued", False, 0, 0), ("done", True, 100, 5)],
)
def test_store_text_creates_with_its_status_and_fill(session, status, fill, progress, mentions):
    def add(article):
        add_mentions(session, article, paris_story())

    article, created = store_text(session, "T", "s", PARIS_TEXT, status, add if fill else None)
    assert created and (article.status, article.progress) == (status, progress)
    assert len(store.article_mentions(session, article.id)) == mentions
    assert store_text(session, "T2", "s", PARIS_TEXT, status)[1] is False
