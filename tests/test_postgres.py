"""The same schema and storage on PostgreSQL (runs when TEST_POSTGRES_URL names a server).

`.ci/run` starts a throwaway PostgreSQL server (scripts/postgres_test_server.sh) and sets the URL,
so CI always runs these; locally they are skipped without a server.
"""
from __future__ import annotations

import json
import os
import uuid
from typing import Iterator

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from app import create_app
from web.extensions import MIGRATIONS_DIR, db
from geo import store
from testkit import PARIS_TEXT, paris_story

SERVER_URL = os.environ.get("TEST_POSTGRES_URL")

pytestmark = pytest.mark.skipif(
    not SERVER_URL, reason="TEST_POSTGRES_URL is not set (.ci/run starts a server and sets it)"
)


@pytest.fixture
def pg_app(tmp_path) -> Iterator[Flask]:
    """An app on a new, empty PostgreSQL database, dropped afterwards."""
    assert SERVER_URL
    name = f"storymap_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(SERVER_URL).set(database=name)
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "t",
        "DATABASE_URL": url.render_as_string(hide_password=False),
    })
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migrations_build_the_schema_without_drift(pg_app: Flask) -> None:
    with pg_app.app_context():
        assert db.engine.dialect.name == "postgresql"
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        assert set(store.Base.metadata.tables) <= set(inspect(db.engine).get_table_names())
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, store.Base.metadata) == []
        flask_migrate.downgrade(directory=str(MIGRATIONS_DIR), revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}


def test_store_export_and_delete_round_trip(pg_app: Flask) -> None:
    with pg_app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        article = store.save_story(db.session, "Paris <b>story</b>", "test", paris_story())
        again = store.save_story(db.session, "Paris again", "test", paris_story())
        assert again.id == article.id, "the same text is stored once"
        assert article.text == PARIS_TEXT
        article_id = article.id

    client = pg_app.test_client()
    resp = client.get(f"/articles/{article_id}.geojson")
    assert resp.status_code == 200
    assert resp.mimetype == "application/geo+json"
    features = json.loads(resp.data)["features"]
    paris = next(f for f in features if f["properties"]["name"] == "Paris")
    assert paris["geometry"]["coordinates"] == pytest.approx([2.3488, 48.85341])
    assert len(paris["properties"]["mentions"]) == 2
    unresolved = [f for f in features if f["geometry"] is None]
    assert [f["properties"]["name"] for f in unresolved] == ["Atlantis"]

    export = json.loads(client.get("/export.geojson").data)
    assert {f["properties"]["article_id"] for f in export["features"]} == {article_id}

    page = client.get(f"/articles/{article_id}")
    assert page.status_code == 200
    assert b"Paris &lt;b&gt;story&lt;/b&gt;" in page.data

    with pg_app.app_context():
        assert store.delete_article(db.session, article_id)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(store.Mention)) == 0
        assert db.session.scalar(select(func.count()).select_from(store.Article)) == 0


def test_library_pages_and_map_areas(pg_app: Flask) -> None:
    """Issue 10 on PostgreSQL: the search (ILIKE, % literal), the grid cells (floor, not the
    rounding CAST) and the antimeridian."""
    from test_scale import FIJI, SAMOA, story

    with pg_app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        for k, title in enumerate(["100% sure", "Plain", "Pacific"]):
            store.save_story(db.session, title, "t", story(k, (FIJI, SAMOA) if k == 2 else
                                                            (store.to_place(store.place_row(
                                                                db.session, FIJI)),)))
        assert [a.title for a in store.article_page(db.session, "%").articles] == ["100% sure"]
        assert store.article_page(db.session, "", 2, 2).total == 3
        world = store.Area(-180, -90, 180, 90)
        cells = store.places_in_area(db.session, world, 45.0)
        assert sorted(c.name for c in cells) == ["Apia", "Suva"]  # 7 and 0: apart
        suva = next(c for c in cells if c.name == "Suva")
        assert (suva.mentions, suva.articles) == (3, 3)
        across = store.places_in_area(db.session, store.Area(170, -30, -160, 0), None)
        assert len(across) == 2 and store.area_articles(db.session, world) == 3
    client = pg_app.test_client()
    fc = client.get("/map/places.geojson?bbox=170,-30,-160,0&zoom=5").get_json()
    assert {f["properties"]["name"] for f in fc["features"]} == {"Suva", "Apia"}
    assert client.get("/?q=100%25").status_code == 200


def test_source_regions_on_postgresql(pg_app: Flask) -> None:
    """The source's other articles (by their indexed source_domain: "axb" is another host) and their regions."""
    from sqlalchemy import update

    with pg_app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        for k, source in enumerate(["https://a_b.example/1", "https://www.a_b.example/2", "https://axb.example/3"]):
            store.save_story(db.session, f"S{k}", source, paris_story(f"{PARIS_TEXT} {k}"))
        db.session.execute(update(store.Place).values(admin1="Île-de-France"))
        db.session.commit()
        regions = store.source_regions(db.session, "a_b.example", None, 0.5)
        assert regions == [{("FR", "Île-de-France")}] * 2


def test_undo_of_a_rejection_on_postgresql(pg_app: Flask) -> None:
    """Undo puts a deleted mention back with its id and alternatives; the id sequence goes on."""
    with pg_app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        article = store.save_story(db.session, "Paris", "t", paris_story())
        paris = store.article_mentions(db.session, article.id)[0]
        before = (paris.id, paris.place_id, [(a.rank, a.place_id, a.score) for a in paris.alternatives])
        store.add_correction(db.session, article, "reject", start=paris.start, end=paris.end)
        store.undo_last(db.session, article)
        again = store.article_mentions(db.session, article.id)[0]
        assert (again.id, again.place_id, [(a.rank, a.place_id, a.score) for a in again.alternatives]) == before
        start = PARIS_TEXT.index("Then")
        store.add_correction(db.session, article, "add", start=start, end=start + 4,
                             place=store.to_place(again.place))
        assert len(store.article_mentions(db.session, article.id)) == len(paris_story().mentions) + 1


def test_the_export_streams_titles_beside_mentions(pg_app: Flask, monkeypatch) -> None:
    """Issue 12: the export's title batches run while the mentions' server-side cursor is open."""
    from web import stories

    real = store.article_heads
    monkeypatch.setattr(stories.store, "article_heads",
                        lambda session, after_id=0, limit=500: real(session, after_id, 2))
    with pg_app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        ids = [store.save_story(db.session, f"Story {k}", "test", paris_story(PARIS_TEXT + f" {k}")).id
               for k in range(5)]
    client = pg_app.test_client()
    for shape in ("places", "mentions"):
        export = json.loads(client.get("/export.geojson", query_string={"shape": shape}).data)
        pairs = {(f["properties"]["article_id"], f["properties"]["article_title"]) for f in export["features"]}
        assert pairs == {(aid, f"Story {k}") for k, aid in enumerate(ids)}
        assert len({f["id"] for f in export["features"]}) == len(export["features"])
