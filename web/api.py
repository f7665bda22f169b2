"""The JSON API: add a story (``POST /api/articles``), its analysis state and the library."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request, url_for

from geo import sources, store
from web.errors import error_response
from web.extensions import db
from web.homearea import home_info
from web.ingest import checked_setting, ingest
from web.paging import library_page_of, page_links, page_request
from web.settings import max_upload_bytes
from web.validation import json_payload

__all__ = ["bp", "article_json", "job_json"]

bp = Blueprint("api", __name__)


def article_json(summary: store.ArticleSummary) -> dict[str, Any]:
    """An article of the library as the API lists it."""
    return {
        "id": summary.id,
        "title": summary.title,
        "source": summary.source,
        "created_at": summary.created_at.isoformat(),
        "status": summary.status,
        "place_count": summary.place_count,
        "mention_count": summary.mention_count,
        "url": url_for("stories.article", article_id=summary.id, _external=True),
        "geojson": url_for("stories.article_geojson", article_id=summary.id, _external=True),
    }


def _payload_problem(payload: Any) -> str | None:
    """What is wrong with a create request's JSON, or None."""
    if not isinstance(payload, dict):
        return 'Send a JSON object: {"title": ..., "text": ...} or {"title": ..., "html": ...}.'
    title = payload.get("title")
    if title is not None and not isinstance(title, str):
        return '"title" must be a string.'
    has_text, has_html = "text" in payload, "html" in payload
    if has_text == has_html:
        return 'Send exactly one of "text" or "html".'
    if not isinstance(payload["text" if has_text else "html"], str):
        return f'"{"text" if has_text else "html"}" must be a string.'
    return None


@bp.post("/api/articles")
def create_article() -> Any:
    """Store a text or an HTML page and queue its analysis: 202 (new) or 200 (already stored)."""
    payload = json_payload()
    problem = _payload_problem(payload)
    if problem is not None:
        return error_response(400, problem)
    has_html = "html" in payload
    source = sources.clean_source(payload.get("source"), "api")
    title, text = sources.read_pasted(
        payload.get("title"), payload["html" if has_html else "text"],
        max_bytes=max_upload_bytes(), html=has_html,
    )
    article, created = ingest(title, source, text, checked_setting(payload.get("setting")))
    url = url_for("stories.article", article_id=article.id, _external=True)
    body = {"id": article.id, "status": article.status, "url": url,
            "geojson": url_for("stories.article_geojson", article_id=article.id, _external=True),
            "status_url": url_for("api.article_status", article_id=article.id, _external=True),
            "created": created}
    if not created:
        body["message"] = "already stored: this text was added before"
    return jsonify(body), 202 if created else 200, {"Location": url}


def job_json(article: store.Article) -> dict[str, Any]:
    """An article's analysis state: status, stage, progress (percent), error and the home area read."""
    return {"id": article.id, "status": article.status, "stage": article.stage,
            "progress": article.progress, "error": article.error, "home_area": home_info(article.home_area),
            "url": url_for("stories.article", article_id=article.id, _external=True)}


@bp.get("/api/articles/<int:article_id>")
def article_status(article_id: int) -> Any:
    """One article's analysis state (the story page polls it until done or failed)."""
    article = store.get_article(db.session, article_id)
    if article is None:
        return error_response(404, f"There is no article {article_id}.")
    return jsonify(job_json(article)), 200, {"Cache-Control": "no-store"}


@bp.get("/api/articles")
def list_articles() -> Any:
    """A page of the library (``?q=``, ``?page=``, ``?per=`` as the library page), newest first."""
    req = page_request(request.args)
    result = library_page_of(db.session, req)
    links = page_links("api.list_articles", req, result, external=True)
    return jsonify(articles=[article_json(a) for a in result.articles], next=links["next"],
                   previous=links["previous"], total=result.total, page=result.page,
                   per=result.per)
