"""Transactions: commit-or-roll-back blocks, single committed UPDATEs, the dialect's upsert INSERT."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from geo.store.retry import retrying

__all__ = ["committing", "dialect_insert", "update_committed"]


@contextmanager
def committing(session: Session) -> Iterator[None]:
    """Commit what the block wrote, or roll all of it back on any error and re-raise."""
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


def dialect_insert(session: Session) -> Callable[[Any], Any]:
    """The dialect's INSERT (it has ``on_conflict_do_nothing``): SQLite or PostgreSQL."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert
    if name == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"no upsert for the {name} dialect")


def update_committed(session: Session, stmt: Any) -> int:
    """Run one UPDATE in its own transaction (retried when transient): the rows it changed."""
    def attempt() -> int:
        with committing(session):
            return int(session.execute(stmt.execution_options(synchronize_session=False)).rowcount)
    return retrying(session, attempt)
