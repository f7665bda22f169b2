"""A page of the library from the query string (``?q=``, ``?page=``, ``?per=``), bounded,
and the links to the pages beside it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from flask import abort, url_for

from geo import store

__all__ = ["DEFAULT_PER", "MAX_PER", "MAX_QUERY", "PageRequest", "page_request", "library_page_of",
           "page_links"]

DEFAULT_PER = 50
MAX_PER = 100  # a larger ?per= is capped to this
MAX_QUERY = 200  # characters of ?q= searched (titles are at most 200)
MAX_PAGE = 2**31 - 1


@dataclass(frozen=True)
class PageRequest:
    """What the query string asks for: a search and a page of it."""

    q: str
    page: int
    per: int


def _positive(args: Mapping[str, str], name: str, default: int, top: int) -> int:
    raw = args.get(name, "")
    if raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10 or not 1 <= int(raw) <= MAX_PAGE:
        abort(400, f"?{name}= must be a whole number from 1.")
    return min(int(raw), top)


def page_request(args: Mapping[str, str]) -> PageRequest:
    """The search and page asked for; 400 for a page or size that is not a positive number."""
    q = " ".join(args.get("q", "").split())[:MAX_QUERY]
    if "\x00" in q:
        abort(400, "The search cannot contain a NUL character.")
    return PageRequest(q, _positive(args, "page", 1, MAX_PAGE), _positive(args, "per", DEFAULT_PER, MAX_PER))


def library_page_of(session: Any, req: PageRequest) -> store.ArticlePage:
    """The page of the library the request asks for."""
    return store.article_page(session, req.q, req.page, req.per)


def _args(req: PageRequest, page: int) -> dict[str, Any]:
    args: dict[str, Any] = {"page": page}
    if req.q:
        args["q"] = req.q
    if req.per != DEFAULT_PER:
        args["per"] = req.per
    return args


def page_links(endpoint: str, req: PageRequest, result: store.ArticlePage,
               external: bool = False) -> dict[str, str | None]:
    """URLs of the previous and next pages of the same search (None where there is none)."""
    last = max(1, -(-result.total // result.per))
    prev = min(req.page - 1, last) if req.page > 1 else None
    return {
        "previous": url_for(endpoint, **_args(req, prev), _external=external) if prev else None,
        "next": (url_for(endpoint, **_args(req, req.page + 1), _external=external)
                 if result.has_next else None),
    }
