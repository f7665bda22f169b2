"""Retrying a transaction that failed for a transient reason (deadlock, serialization, lock)."""
from __future__ import annotations

import random
import time
from typing import Callable, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

__all__ = ["RETRY_SQLSTATES", "is_transient", "retrying"]

#: PostgreSQL's deadlock_detected and serialization_failure: the transaction may simply be retried.
RETRY_SQLSTATES = frozenset({"40P01", "40001"})

T = TypeVar("T")


def is_transient(exc: DBAPIError) -> bool:
    """Whether a database error is a deadlock, a serialization failure or a locked SQLite file."""
    orig = exc.orig
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return code in RETRY_SQLSTATES or "database is locked" in str(orig)


def retrying(session: Session, work: Callable[[], T], attempts: int = 6,
             base_delay: float = 0.05) -> T:
    """``work()`` (one transaction), again after a rollback and a growing, jittered pause when
    it fails with a transient error (:func:`is_transient`); other errors are raised at once."""
    for n in range(attempts):
        try:
            return work()
        except DBAPIError as exc:
            session.rollback()
            if n == attempts - 1 or not is_transient(exc):
                raise
            time.sleep(base_delay * 2 ** n * (1 + random.random()))
    raise AssertionError("unreachable")  # pragma: no cover
