"""A story's page pieces and GeoJSON kept per article revision, and 304 for what a browser has.

The story page's costly part is the same for every visitor until the article changes: its text
with a button per mention (tens of thousands of escaped values) and its review list. They are
rendered once per revision (``geo.store.article_revision``: title, analysis state, mentions,
reviews, corrections) by the macros of templates/_story.html and kept in a small per-process
cache bounded in characters (``PAGE_CACHE_CHARS``, 0 turns it off); a correction, a
re-analysis or a rename gives a new revision, so nothing stale is served and nothing needs
to be told. The library map's area answers (``/map/places.geojson``) are kept the same way
per library revision (``geo.store.library_revision``: articles, their states, mentions and
corrections), so every visitor's first view of /map is one aggregate query per change.
Every process (gunicorn worker) keeps its own copy.

Responses carry an ETag and ``Cache-Control: no-cache`` (a browser asks again each time, and
gets ``304 Not Modified`` when it has the current version): the GeoJSON's tag is the revision
(answered before anything is built), the page's is its body's hash (it holds per-visitor parts).
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable, TypeVar

from flask import Response, current_app, g, get_template_attribute, request
from markupsafe import Markup

from geo import store
from web.extensions import db
from web.storytext import StoryText

__all__ = [
    "DEFAULT_CACHE_CHARS",
    "RevisionCache",
    "revision",
    "library_revision",
    "cached",
    "library_cached",
    "prerendered",
    "etag",
    "library_etag",
    "not_modified",
    "conditional",
    "tagged",
]

DEFAULT_CACHE_CHARS = 30_000_000  # about 60-120 MB of str per process at most
T = TypeVar("T")


class RevisionCache:
    """A thread-safe least-recently-used map whose values together weigh at most ``max_chars``."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self.chars = 0
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable, build: Callable[[], T], weigh: Callable[[T], int]) -> T:
        """The value kept under ``key``, else ``build()`` kept (if it fits) and returned."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key][0]
        value = build()  # outside the lock: two first requests may both build, one is kept
        self._put(key, value, weigh(value))
        return value

    def _put(self, key: Hashable, value: Any, weight: int) -> None:
        if weight > self.max_chars:
            return
        with self._lock:
            if key in self._items:
                self.chars -= self._items.pop(key)[1]
            self._items[key] = (value, weight)
            self.chars += weight
            while self.chars > self.max_chars:
                self.chars -= self._items.popitem(last=False)[1][1]


def _cache() -> RevisionCache:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    cache = app.extensions.get("pagecache")
    if cache is None:
        cache = app.extensions.setdefault(
            "pagecache", RevisionCache(int(app.config.get("PAGE_CACHE_CHARS", DEFAULT_CACHE_CHARS))))
    return cache


def revision(article_id: int) -> str | None:
    """The article's revision (read once per request); None if there is no such article."""
    known: dict[int, str | None] = g.setdefault("_article_revisions", {})
    if article_id not in known:
        known[article_id] = store.article_revision(db.session, article_id)
    return known[article_id]


def library_revision() -> str:
    """The library's revision (read once per request): what the map of all stories shows."""
    if "_library_revision" not in g:
        g._library_revision = store.library_revision(db.session)
    return str(g._library_revision)


def _kept(key: Hashable, build: Callable[[], T], weigh: Callable[[T], int]) -> T:
    cache = _cache()
    return build() if cache.max_chars <= 0 else cache.get(key, build, weigh)


def cached(kind: str, article_id: int, build: Callable[[], T], weigh: Callable[[T], int] = len) -> T:
    """``build()`` for this article, kept per (kind, article, revision) in this process."""
    rev = revision(article_id)
    if rev is None:
        return build()
    return _kept((kind, article_id, rev), build, weigh)


def library_cached(kind: str, key: Hashable, build: Callable[[], T], weigh: Callable[[T], int] = len) -> T:
    """``build()`` for ``key`` (e.g. a map area), kept per library revision in this process."""
    return _kept((kind, key, library_revision()), build, weigh)


def prerendered(parts: dict[str, Any]) -> dict[str, Any]:
    """A story page's parts (web.stories.page_parts) with the story text's segments, the review
    list and the place lists as the HTML their macros in _story.html and _reader.html give (the
    macros pass HTML through), so that the page renders them once per revision."""
    story: StoryText = parts["story"]
    text_html = get_template_attribute("_story.html", "story_text")(story.segments)
    queue = parts["review"].get("queue") or []
    if queue:
        queue = get_template_attribute("_story.html", "review_items")(queue)
    lists = get_template_attribute("_reader.html", "place_lists")(parts["places"], story.unresolved)
    return {**parts, "story": StoryText(Markup(text_html), story.unresolved),
            "review": {**parts["review"], "queue": queue}, "place_lists": Markup(lists)}


def _tag(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]


def etag(kind: str, article_id: int, *extra: Any) -> str | None:
    """An entity tag for a response built only from the article's revision (and ``extra``)."""
    rev = revision(article_id)
    return None if rev is None else _tag(kind, article_id, rev, extra)


def library_etag(kind: str, *extra: Any) -> str:
    """An entity tag for a response built only from the library's revision (and ``extra``)."""
    return _tag(kind, library_revision(), extra)


def not_modified(tag: str | None) -> Response | None:
    """A 304 when the request's If-None-Match holds ``tag``, else None."""
    if tag is None or not request.if_none_match.contains(tag):
        return None
    response = Response(status=304)
    response.set_etag(tag)
    response.headers["Cache-Control"] = "no-cache"
    return response


def conditional(response: Response, tag: str | None = None) -> Response:
    """The response with an ETag (``tag``, else its body's hash), ``no-cache``, and 304 if it matches."""
    if tag is None:
        response.add_etag()
    else:
        response.set_etag(tag)
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)


def tagged(tag: str | None, body: Callable[[], str], mimetype: str) -> Response:
    """A 304 when the browser has ``tag``; else ``body()`` (called only then) under that tag."""
    unchanged = not_modified(tag)
    if unchanged is not None:
        return unchanged
    return conditional(Response(body(), mimetype=mimetype), tag)
