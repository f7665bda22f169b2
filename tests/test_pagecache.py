"""web/pagecache.py: the story page and its GeoJSON kept per article revision (same bytes as
rendering them afresh, new after a correction, re-analysis or rename) and 304 answers."""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable, Iterator

import pytest

from geo import store
from geo.types import Story
from web import pagecache
from web.extensions import db
from web.pagecache import RevisionCache
from testkit import PARIS_TEXT, FakeGeoparser, make_app


class Changing(FakeGeoparser):
    """The FakeGeoparser; once ``forget`` is set, it no longer finds "France"."""

    forget = False

    def parse_many(self, texts: Iterable[str], batch_size: int = 16) -> Iterator[Story]:
        for story in super().parse_many(texts, batch_size):
            if self.forget:
                story = replace(story, mentions=tuple(m for m in story.mentions if m.mention.surface != "France"))
            yield story


@pytest.fixture
def geoparser() -> Changing:
    return Changing()


@pytest.fixture
def app(tmp_path, geoparser):  # type: ignore[no-untyped-def]
    return make_app(tmp_path, GEOPARSER=geoparser)


@pytest.fixture
def article_id(client) -> int:
    return client.post("/api/articles", json={"title": "Paris", "text": PARIS_TEXT}).get_json()["id"]


# --------------------------------------------------------------------------- the cache itself

@pytest.mark.parametrize(
    ("max_chars", "puts", "kept"),
    [
        (10, [("a", "xxx"), ("b", "yyy")], ["a", "b"]),
        (5, [("a", "xxx"), ("b", "yyy")], ["b"]),  # over the budget: the oldest goes
        (5, [("a", "xxxxxx")], []),  # heavier than the whole budget: never kept
        (6, [("a", "xxx"), ("b", "yyy"), ("a", "zzz"), ("c", "ccc")], ["a", "c"]),  # a was used again
    ],
)
def test_revision_cache_keeps_the_recent_values_within_its_budget(max_chars, puts, kept):
    cache = RevisionCache(max_chars)
    for key, value in puts:
        cache.get(key, lambda value=value: value, len)
    assert sorted(k for k in kept if cache.get(k, lambda: "built", len) != "built") == kept
    assert cache.chars <= max_chars and len(cache) == len(kept)


def test_a_kept_value_is_not_built_again():
    cache, builds = RevisionCache(100), []
    for _ in range(3):
        value = cache.get("k", lambda: builds.append(1) or "v", len)
    assert value == "v" and builds == [1]


# --------------------------------------------------------------------------- the pages

def fresh(app: Any, client: Any, url: str, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """``url`` rendered as before the cache: no cache, the macros run inside the page template."""
    with monkeypatch.context() as m:
        m.setattr(pagecache, "prerendered", lambda parts: parts)
        m.setitem(app.extensions, "pagecache", RevisionCache(0))  # a cache that keeps nothing
        return client.get(url).data


def assert_same_as_fresh(app: Any, client: Any, article_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    client.get("/")  # shows (and so clears) a notice a rename or re-analysis left for the next page
    for url in (f"/articles/{article_id}", f"/articles/{article_id}.geojson"):
        first, again = client.get(url), client.get(url)  # built (or kept), then surely from the cache
        assert first.status_code == again.status_code == 200
        assert first.data == again.data == fresh(app, client, url, monkeypatch), url


def test_pages_from_the_cache_are_the_pages_rendered_afresh(app, client, article_id, geoparser, monkeypatch):
    assert_same_as_fresh(app, client, article_id, monkeypatch)
    with app.app_context():
        ids = {m.surface: m.id for m in store.article_mentions(db.session, article_id)}
    client.post("/api/reviewer", json={"name": "Ana"})
    steps = [
        lambda: client.post(f"/api/articles/{article_id}/corrections", json={"action": "confirm", "mention_id": ids["France"]}),
        lambda: client.post(f"/api/articles/{article_id}/corrections", json={"action": "reject", "mention_id": ids["Atlantis"]}),
        lambda: client.post(f"/articles/{article_id}/rename", data={"title": "A <new> name"}),
        lambda: setattr(geoparser, "forget", True) or client.post(f"/articles/{article_id}/reanalyze"),
    ]
    seen = {client.get(f"/articles/{article_id}.geojson").data}
    for step in steps:
        assert step().status_code in (200, 303)
        assert_same_as_fresh(app, client, article_id, monkeypatch)
        seen.add(client.get(f"/articles/{article_id}.geojson").data)
    page = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "A &lt;new&gt; name" in page and "confirmed by Ana" not in page  # France is gone with its review
    assert len(seen) == 5  # every step changes the GeoJSON too (the rename: its article_title)


def test_the_story_page_reads_the_mentions_once_per_revision(app, client, article_id, monkeypatch):
    calls = []
    read = store.article_mentions
    monkeypatch.setattr(store, "article_mentions", lambda *a: calls.append(a) or read(*a))
    for _ in range(3):
        assert client.get(f"/articles/{article_id}").status_code == 200
    assert len(calls) == 1
    client.post(f"/articles/{article_id}/rename", data={"title": "Renamed"})
    assert "Renamed" in client.get(f"/articles/{article_id}").get_data(as_text=True) and len(calls) == 2


@pytest.mark.parametrize("kind", ["", ".geojson"])
def test_an_unchanged_page_answers_304_and_a_changed_one_200(app, client, article_id, kind):
    url = f"/articles/{article_id}{kind}"
    first = client.get(url)
    tag = first.headers["ETag"]
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache"
    again = client.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == tag
    with app.app_context():
        mention_id = store.article_mentions(db.session, article_id)[0].id
    client.post(f"/api/articles/{article_id}/corrections", json={"action": "confirm", "mention_id": mention_id})
    changed = client.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag and changed.data != first.data


@pytest.mark.parametrize(
    ("change", "same"),
    [
        (lambda s, a: None, True),
        (lambda s, a: store.rename_article(s, a, "Other"), False),
        (lambda s, a: store.requeue(s, a), False),
        (lambda s, a: store.delete_article(s, a), False),
    ],
)
def test_article_revision_follows_what_the_pages_show(app, article_id, change, same):
    with app.app_context():
        before = store.article_revision(db.session, article_id)
        change(db.session, article_id)
        after = store.article_revision(db.session, article_id)
    assert before is not None and (after == before) is same


# --------------------------------------------------------------------------- the library map

AREA = "/map/places.geojson?bbox=-180,-90,180,90&zoom=2"


def test_a_map_area_is_built_once_per_library_revision(app, client, article_id, monkeypatch):
    calls = []
    find = store.places_in_area
    monkeypatch.setattr(store, "places_in_area", lambda *a, **k: calls.append(a) or find(*a, **k))
    first = client.get(AREA)
    assert first.status_code == 200 and client.get(AREA).data == first.data and len(calls) == 1
    assert client.get(AREA, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    client.post("/api/articles", json={"title": "More", "text": "Paris again, and France."})
    second = client.get(AREA, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and second.data != first.data and len(calls) == 2
    with monkeypatch.context() as m:
        m.setitem(app.extensions, "pagecache", RevisionCache(0))
        assert client.get(AREA).data == second.data  # the kept answer is the one built afresh


@pytest.mark.parametrize(
    ("change", "same"),
    [
        (lambda s, a: None, True),
        (lambda s, a: store.rename_article(s, a, "Other"), True),  # titles are not on the map
        (lambda s, a: store.requeue(s, a), False),
        (lambda s, a: store.delete_article(s, a), False),
    ],
)
def test_library_revision_follows_what_the_map_shows(app, article_id, change, same):
    with app.app_context():
        before = store.library_revision(db.session)
        change(db.session, article_id)
        after = store.library_revision(db.session)
    assert (after == before) is same


def test_a_correction_gives_a_new_library_revision(app, client, article_id):
    with app.app_context():
        before = store.library_revision(db.session)
        mention_id = store.article_mentions(db.session, article_id)[0].id
    client.post(f"/api/articles/{article_id}/corrections", json={"action": "reject", "mention_id": mention_id})
    with app.app_context():
        assert store.library_revision(db.session) != before
