"""Snapshots of mentions as JSON values, to put them back exactly as they were (undo)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from geo.store.clock import as_utc
from geo.store.models import Article, Mention, MentionAlternative

__all__ = ["mention_state", "restore_mention"]

_MENTION_FIELDS = ("id", "place_id", "start", "end", "surface", "name", "passage", "passage_start",
                   "passage_end", "kind", "confidence", "source", "review", "reviewed_by")


def mention_state(m: Mention) -> dict[str, Any]:
    """A mention's columns and alternatives as JSON values, to restore it exactly."""
    state = {f: getattr(m, f) for f in _MENTION_FIELDS}
    state["reviewed_at"] = as_utc(m.reviewed_at).isoformat() if m.reviewed_at else None
    state["alternatives"] = [[a.rank, a.place_id, a.score] for a in m.alternatives]
    return state


def restore_mention(session: Session, article: Article, state: dict[str, Any]) -> None:
    """Put a mention back as mention_state saw it (the same id; re-created if it was deleted)."""
    m = session.get(Mention, state["id"])
    if m is None:
        m = Mention(id=state["id"], article_id=article.id)
        session.add(m)
    for f in _MENTION_FIELDS:
        setattr(m, f, state[f])
    at = state["reviewed_at"]
    m.reviewed_at = datetime.fromisoformat(at) if at else None
    m.alternatives = [MentionAlternative(rank=r, place_id=pid, score=score)
                      for r, pid, score in state["alternatives"]]
