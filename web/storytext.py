"""The story text as data for the page: plain and mention segments, and what is not on the map.

No HTML here: ``templates/_story.html`` renders :class:`StoryText` (its ``story_text`` macro)
with autoescaping.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, NamedTuple

__all__ = ["Segment", "Unresolved", "StoryText", "text_segments", "story_text"]


class Segment(NamedTuple):
    """A piece of the story text: plain (``cls`` empty) or a mention's button, whose
    attributes are plain values (the template escapes them). A flat tuple, so that the
    template unpacks it in its loop instead of looking up each attribute (the page's speed)."""

    text: str
    cls: str = ""
    id: Any = None
    start: Any = None
    end: Any = None
    place_key: str = ""
    conf: int | None = None
    title: str = ""


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A mention whose place is unknown or has no coordinates."""

    start: Any
    end: Any
    label: Any


@dataclass(frozen=True, slots=True)
class StoryText:
    """What templates/article.html needs to show the story text."""

    segments: list[Segment]
    unresolved: list[Unresolved]


def _get(item: Any, key: str) -> Any:
    if type(item) is dict or isinstance(item, Mapping):
        return item.get(key)
    return getattr(item, key, None)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def text_segments(text: str, mentions: Iterable[Any]) -> list[tuple[str, Any]]:
    """Split ``text`` into ``(segment, mention_or_None)`` pairs covering it exactly.

    ``mentions`` are dicts or objects with integer ``start``/``end`` offsets into
    ``text`` (Python str indices, i.e. code points). They are taken in order of start;
    a mention that is empty, out of range, or overlaps one already taken is skipped
    (its text stays plain), so ``"".join(s for s, _ in segments) == text`` always.
    """
    text = text or ""
    spans: list[tuple[int, int, Any]] = []
    for m in mentions or ():
        start, end = _get(m, "start"), _get(m, "end")
        if not _is_int(start) or not _is_int(end):
            continue
        if start < 0 or end > len(text) or start >= end:
            continue
        spans.append((start, end, m))
    spans.sort(key=lambda s: (s[0], -s[1]))  # at equal start, prefer the longer span

    out: list[tuple[str, Any]] = []
    cursor = 0
    for start, end, m in spans:
        if start < cursor:  # overlaps the previous mention: keep the first one
            continue
        if start > cursor:
            out.append((text[cursor:start], None))
        out.append((text[start:end], m))
        cursor = end
    if cursor < len(text):
        out.append((text[cursor:], None))
    return out


def _on_map_place(m: Any, by_key: Mapping[Any, Any]) -> Any:
    """The mention's place when it is on the map (known, with coordinates), else None."""
    key = _get(m, "place_key")
    p = by_key.get(key) if key is not None else None
    if p is None or _get(p, "lat") is None or _get(p, "lon") is None:
        return None
    return p


def _classes(on_map: bool, kind: Any, review: Mapping[str, Any]) -> str:
    cls = ["mention", "mention-resolved" if on_map else "mention-unresolved",
           f"mention-kind-{kind or 'literal'}"]
    for flag, name in (("uncertain", "mention-uncertain"), ("review", "mention-reviewed"),
                       ("approximate", "mention-approximate")):
        if review.get(flag):
            cls.append(name)
    return " ".join(cls)


def _title(place: Any, conf: int | None, review: Mapping[str, Any]) -> str:
    if place is None:
        return "Not found on the map"
    title = str(_get(place, "name"))
    if _get(place, "country_code"):
        title += f" ({_get(place, 'country_code')})"
    if review.get("review"):
        title += ", reviewed"
        if review.get("reviewed_by"):
            title += f" by {review.get('reviewed_by')}"
    elif review.get("approximate"):
        title += ", approximate placement"
    elif conf is not None:
        title += f", {conf}% sure"
    if review.get("uncertain"):
        title += " (uncertain)"
    return title + ": show on the map"


def _button(piece: str, m: Any, place: Any, review: Mapping[str, Any]) -> Segment:
    confidence = _get(m, "confidence")
    conf = int(round(confidence * 100, 0)) if isinstance(confidence, numbers.Number) else None
    key = _get(m, "place_key")
    return Segment(
        piece, cls=_classes(place is not None, _get(m, "kind"), review),
        id=_get(m, "id"), start=_get(m, "start"), end=_get(m, "end"),
        place_key=key if key is not None else "", conf=conf, title=_title(place, conf, review),
    )


def story_text(
    text: str,
    mentions: Iterable[Any],
    places: Iterable[Any] = (),
    review_by_id: Mapping[Any, Mapping[str, Any]] | None = None,
) -> StoryText:
    """The story text's segments (from :func:`text_segments`) and its unresolved mentions.

    A mention is on the map when its ``place_key`` names one of ``places`` with both ``lat``
    and ``lon``. ``review_by_id`` maps a mention id to its review state (``uncertain``,
    ``review``, ``reviewed_by``, ``approximate``).
    """
    text = text or ""
    mentions = list(mentions or ())
    by_key = {_get(p, "place_key"): p for p in places or ()}
    review_by_id = review_by_id or {}
    on_map = {id(m): _on_map_place(m, by_key) for m in mentions}
    segments = [
        Segment(piece) if m is None
        else _button(piece, m, on_map[id(m)], review_by_id.get(_get(m, "id")) or {})
        for piece, m in text_segments(text, mentions)
    ]
    unresolved = []
    for m in mentions:
        if on_map[id(m)] is None:
            start, end = _get(m, "start"), _get(m, "end")
            label = text[start:end] if _is_int(start) and _is_int(end) else _get(m, "surface")
            unresolved.append(Unresolved(start, end, label))
    return StoryText(segments, unresolved)
