"""Time as the store keeps it: aware UTC datetimes."""
from __future__ import annotations

from datetime import datetime, timezone

__all__ = ["utcnow", "as_utc"]


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime (SQLite hands back naive ones; they were stored as UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
