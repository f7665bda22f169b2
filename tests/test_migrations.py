"""The schema comes from the Alembic migrations only, and they match the models."""
from __future__ import annotations

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from app import create_app
from web.extensions import MIGRATIONS_DIR, db
from geo.store import Base


@pytest.fixture
def empty_app(tmp_path):
    return create_app({"TESTING": True, "SECRET_KEY": "t",
                       "DATABASE_URL": f"sqlite:///{tmp_path / 'm.sqlite'}"})


def test_app_creates_no_tables_by_itself(empty_app):
    with empty_app.app_context():
        assert inspect(db.engine).get_table_names() == []


def test_upgrade_creates_every_model_table(empty_app):
    with empty_app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_models_and_migrations_do_not_drift(empty_app):
    with empty_app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = compare_metadata(context, Base.metadata)
    assert diffs == []


def test_downgrade_to_base_and_up_again(empty_app):
    with empty_app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        flask_migrate.downgrade(directory=str(MIGRATIONS_DIR), revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        assert set(Base.metadata.tables) <= set(inspect(db.engine).get_table_names())


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [("journal_mode", "wal"), ("busy_timeout", 5000), ("foreign_keys", 1)],
)
def test_sqlite_connections_are_configured(empty_app, pragma, expected):
    with empty_app.app_context(), db.engine.connect() as conn:
        assert conn.execute(text(f"PRAGMA {pragma}")).scalar() == expected


def test_a_plain_engine_without_the_listener_would_differ(tmp_path):
    """The pragma test can fail: a bare engine is not in WAL mode."""
    engine = create_engine(f"sqlite:///{tmp_path / 'bare.sqlite'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() != "wal"


def test_the_jobs_migration_queues_articles_left_processing(empty_app):
    """b10a0b5jobs01: the old transient 'processing' state becomes 'queued', and back."""
    with empty_app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR), revision="c02c1dca7431")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO articles (id, title, source, text, content_hash, created_at, status)"
                " VALUES (1, 't', '', 'x', 'h1', '2026-01-01 00:00:00', 'processing'),"
                " (2, 'u', '', 'y', 'h2', '2026-01-01 00:00:00', 'done')"))
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        with db.engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT id, status, progress, attempts, lease_until FROM articles ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, "queued", 0, 0, None), (2, "done", 0, 0, None)]
        flask_migrate.downgrade(directory=str(MIGRATIONS_DIR), revision="c02c1dca7431")
        with db.engine.connect() as conn:
            statuses = conn.execute(text("SELECT status FROM articles ORDER BY id")).scalars().all()
        assert statuses == ["processing", "done"]


def test_the_source_domain_migration_gives_stored_articles_their_publication(empty_app):
    """f18domain01: each stored article's source_domain from its source (geo.home.source_domain), indexed."""
    with empty_app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR), revision="e17setting01")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO articles (id, title, source, text, content_hash, created_at, status)"
                " VALUES (1, 't', 'https://www.Paper.example/a?b=1', 'x', 'h1', '2026-01-01 00:00:00', 'done'),"
                " (2, 'u', 'notes.txt', 'y', 'h2', '2026-01-01 00:00:00', 'done'),"
                " (3, 'v', 'http://paper.example:8080/b', 'z', 'h3', '2026-01-01 00:00:00', 'queued')"))
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, source_domain FROM articles ORDER BY id")).all()
        indexes = {ix["name"] for ix in inspect(db.engine).get_indexes("articles")}
    assert rows == [(1, "paper.example"), (2, ""), (3, "paper.example")]
    assert "ix_articles_source_domain" in indexes
