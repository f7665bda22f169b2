"""The library: the list of stories, adding (upload, paste, sample), renaming and deleting
them, the map of every story's places and the page of one place across the library."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Mapping

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.exceptions import NotFound
from werkzeug.wrappers.response import Response as BaseResponse

from geo import sources, store
from web import pagecache
from web.areamap import parse_article
from web.extensions import db
from web.ingest import checked_setting, ingest
from web.mapview import page_map
from web.paging import library_page_of, page_links, page_request
from web.review import review_states
from web.settings import max_upload_bytes

__all__ = ["bp", "SAMPLE_STORY", "library_page"]

bp = Blueprint("library", __name__)

SAMPLE_STORY = Path(__file__).resolve().parent.parent / "geo" / "data" / "sample_story.md"


def library_page(error: str | None = None, form: Mapping[str, str] | None = None) -> str:
    """A page of the library (``?q=``, ``?page=``, ``?per=``), with an error and the form's
    text echoed back when given."""
    req = page_request(request.args if request.method == "GET" else {})
    result = library_page_of(db.session, req)
    articles = [dataclasses.asdict(a) for a in result.articles]
    return render_template(
        "index.html",
        articles=articles,
        review_states=review_states([a["id"] for a in articles]),
        library=result,
        search=req.q,
        links=page_links("library.index", req, result),
        error=error,
        form=dict(form or {"title": "", "text": "", "setting": ""}),
    )


def _story_page(article: store.Article) -> BaseResponse:
    return redirect(url_for("stories.article", article_id=article.id), code=303)


@bp.get("/")
def index() -> str:
    """The library page."""
    return library_page()


@bp.post("/upload")
def upload() -> BaseResponse:
    """Add a story from an uploaded file or pasted text (and where it is set, if said), then show it."""
    setting = checked_setting(request.form.get("setting"))
    upload_file = request.files.get("file")
    if upload_file is not None and upload_file.filename:
        name = sources.safe_filename(upload_file.filename)
        title, text = sources.read_upload(name, upload_file.read(), max_bytes=max_upload_bytes())
        title = sources.clean_title(request.form.get("title", "")) or title
        source = name
    else:
        title, text = sources.read_pasted(
            request.form.get("title"), request.form.get("text", ""), max_bytes=max_upload_bytes()
        )
        source = sources.clean_source(request.form.get("source"), "pasted text")
    article, _created = ingest(title, source, text, setting)
    return _story_page(article)


@bp.post("/sample")
def load_sample() -> BaseResponse:
    """Add the sample story, then show it."""
    title, text = sources.read_upload(SAMPLE_STORY.name, SAMPLE_STORY.read_bytes())
    article, _created = ingest(title, "sample story", text)
    return _story_page(article)


@bp.post("/articles/<int:article_id>/delete")
def delete_article(article_id: int) -> BaseResponse:
    """Delete a story and go back to the library (with a notice)."""
    article = store.get_article(db.session, article_id)
    title = article.title if article is not None else ""
    if not store.delete_article(db.session, article_id):
        raise NotFound(f"There is no article {article_id}.")
    flash(f"Deleted “{title or 'Untitled story'}”.")
    return redirect(url_for("library.index"), code=303)


@bp.post("/articles/<int:article_id>/rename")
def rename(article_id: int) -> BaseResponse:
    """Give an article a new title (cleaned like an upload's title)."""
    title = sources.clean_title(request.form.get("title", ""))
    if not title:
        abort(400, "A title cannot be empty.")
    if not store.rename_article(db.session, article_id, title):
        raise NotFound(f"There is no article {article_id}.")
    flash(f"Renamed to “{title}”.")
    if request.form.get("next", "") != "article":
        return redirect(url_for("library.index"), code=303)
    return redirect(url_for("stories.article", article_id=article_id), code=303)


@bp.get("/map")
def library_map() -> str:
    """Every article's places on one map (or one article's: ``?article=``); the stories to
    filter by are searched (``?q=``), a page at a time."""
    article_id = parse_article(request.args.get("article"))
    chosen = store.get_article(db.session, article_id) if article_id is not None else None
    if article_id is not None and chosen is None:
        raise NotFound(f"There is no article {article_id}.")
    req = page_request(request.args)
    result = library_page_of(db.session, req)
    return render_template(
        "library_map.html",
        articles=[a for a in result.articles if a.status == "done"],
        library=result,
        search=req.q,
        chosen=chosen,
        bounds=pagecache.library_cached("bounds", article_id, lambda: store.places_bounds(db.session, article_id),
                                        weigh=lambda _: 1),
        links=page_links("library.library_map", req, result),
        geojson_url=url_for("areamap.area_places"),
        export_url=url_for("stories.export_geojson"),
        map_html=page_map(),
    )


def _passage_parts(p: store.PlacePassage) -> dict[str, Any]:
    quote_start = max(0, p.start - p.passage_start)
    quote_end = max(0, p.end - p.passage_start)
    return {
        "mention_id": p.mention_id,
        "passage": p.passage,
        "before": p.passage[:quote_start],
        "quote": p.passage[quote_start:quote_end],
        "after": p.passage[quote_end:],
        "confidence": p.confidence,
        "review": p.review,
    }


@bp.get("/places/<path:place_id>")
def place_page(place_id: str) -> str:
    """Every passage in the library that mentions a place, newest article first."""
    row = store.get_place(db.session, place_id)
    if row is None:
        raise NotFound(f"No story mentions the place {place_id!r}.")
    passages = store.place_passages(db.session, place_id)
    articles: list[dict[str, Any]] = []
    for p in passages:
        if not articles or articles[-1]["id"] != p.article_id:
            articles.append({"id": p.article_id, "title": p.article_title,
                             "created_at": p.article_created_at, "passages": []})
        articles[-1]["passages"].append(_passage_parts(p))
    return render_template(
        "place.html", place=store.to_place(row), articles=articles, count=len(passages)
    )
