"""Review and correction, and the library-wide views: a Flask blueprint.

Routes
------
* ``POST /api/articles/<id>/corrections`` (JSON): confirm, change, reject ("not a place") or add
  a mention; ``apply_all`` extends a decision to every identical mention in the article.
* ``GET /api/articles/<id>/mentions/<mid>/alternatives``: the places the resolver considered.
* ``GET /api/gazetteer?q=``: search the offline gazetteer (for "Change" and "Add place").
* ``POST /api/reviewer`` (JSON): the reviewer's name, kept in the session.
* ``POST /articles/<id>/rename`` and ``POST /articles/<id>/reanalyze`` (forms).
* ``GET /map``: every article's places on one map; ``GET /places/<place id>``: every passage
  in the library that mentions a place, newest first.
* ``flask reanalyze ID``: geoparse an article again; its corrections are applied again.

Corrections are stored (geo.store.Correction) by span and surface, so that a re-analysis of
the same text re-applies them; they flow into the GeoJSON through :func:`annotate`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import click
from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from markupsafe import Markup, escape
from werkzeug.exceptions import NotFound
from werkzeug.wrappers.response import Response as BaseResponse

from geo import sources, store, types

bp = Blueprint("review", __name__, cli_group=None)

SESSION_REVIEWER = "reviewer"
SEARCH_LIMIT = 12
#: The resolver's approximate placements have ids "approx:<name>@<host place id>".
APPROXIMATE_PREFIX = "approx:"


def _db():  # type: ignore[no-untyped-def]
    from app import db  # app imports this module inside create_app (no cycle at import time)

    return db


def reviewer_name() -> str:
    """The reviewer's name kept in the session ("" if none was given)."""
    name = session.get(SESSION_REVIEWER)
    return name if isinstance(name, str) else ""


def _set_reviewer(name: Any) -> str:
    if isinstance(name, str):
        session[SESSION_REVIEWER] = " ".join(name.split())[:100]
    return reviewer_name()


def _article(article_id: int) -> store.Article:
    article = store.get_article(_db().session, article_id)
    if article is None:
        raise NotFound(f"There is no article {article_id}.")
    return article


# --------------------------------------------------------------------------- the gazetteer


def gazetteer() -> Any:
    """The place index to search: an injected one (``GAZETTEER_INDEX``), else the offline file."""
    injected = current_app.config.get("GAZETTEER_INDEX")
    if injected is not None:
        return injected
    cached = current_app.extensions.get("review_gazetteer")
    if cached is None:
        from geo.gazetteer import OfflineGazetteer

        cached = OfflineGazetteer(Path(current_app.config["GAZETTEER_PATH"]))
        current_app.extensions["review_gazetteer"] = cached
    return cached


def search_places(query: str, limit: int = SEARCH_LIMIT) -> list[types.Place]:
    """Places for a name, "Name, Region" or "Name, Country" (geopy-style when supported)."""
    index = gazetteer()
    if "," in query and hasattr(index, "geocode"):
        found = index.geocode(query, exactly_one=False, limit=limit) or []
        return [types.Place(**loc.raw) for loc in found]
    return list(index.candidates(query.split(",")[0].strip(), limit=limit))


def _find_place(place_id: str) -> types.Place | None:
    row = store.get_place(_db().session, place_id)
    if row is not None:
        return store.to_place(row)
    index = gazetteer()
    lookup = getattr(index, "place", None)
    return lookup(place_id) if lookup is not None else None


def place_json(place: types.Place, score: float | None = None) -> dict[str, Any]:
    label = ", ".join(p for p in (place.name, place.admin1 if place.admin1 != place.name else None,
                                  place.country_code) if p)
    out: dict[str, Any] = {
        "place_id": place.place_id,
        "name": place.name,
        "label": label,
        "lat": round(place.lat, 6),
        "lon": round(place.lon, 6),
        "country_code": place.country_code,
        "admin1": place.admin1,
        "feature_code": place.feature_code,
        "population": place.population,
        "approximate": place.source == store.APPROXIMATE_SOURCE,
    }
    if score is not None:
        out["score"] = round(score, 3)
    return out


# --------------------------------------------------------------------------- GeoJSON


def _reviewed_articles() -> set[int]:
    """Ids of the articles with any reviewed mention, once per request (or CLI command)."""
    cached = g.get("_reviewed_articles")
    if cached is None:
        cached = g._reviewed_articles = store.reviewed_article_ids(_db().session)
    return cached


def annotate(features: list[dict[str, Any]], article_id: int) -> list[dict[str, Any]]:
    """Add the review to an article's features (in place; returns them).

    Every mention gets ``uncertain`` and ``reviewed``; reviewed ones also ``review``
    ("confirmed", "changed", "added"), ``reviewed_by``, ``reviewed_at`` and ``alternatives``
    (the candidates the reviewer did not choose). Each feature gets ``reviewed`` (all its
    mentions are), ``uncertain`` (any is) and ``approximate`` (a rough placement).
    The database is asked only about articles someone reviewed, so a streamed export of a
    library stays about as fast as before.
    """
    reviews: dict[tuple[int, int], store.MentionReview] = {}
    if article_id in _reviewed_articles():
        reviews = store.mention_reviews(_db().session, article_id)
    for feature in features:
        props = feature["properties"]
        mentions = props.get("mentions") or []
        approximate = str(props.get("place_key") or "").startswith(APPROXIMATE_PREFIX)
        resolved = bool(props.get("resolved"))
        for m in mentions:
            r = reviews.get((m["start"], m["end"]))
            if r is None or not r.review:
                m["reviewed"] = False
                m["uncertain"] = store.is_uncertain(
                    m["confidence"], store.APPROXIMATE_SOURCE if approximate else None, resolved, None
                )
                continue
            m["reviewed"], m["uncertain"] = True, False
            m["review"] = r.review
            m["reviewed_by"] = r.reviewed_by
            m["reviewed_at"] = r.reviewed_at.isoformat() if r.reviewed_at else None
            m["alternatives"] = [place_json(c.place, c.score) for c in r.alternatives]
        props["reviewed"] = bool(mentions) and all(m["reviewed"] for m in mentions)
        props["uncertain"] = any(m["uncertain"] for m in mentions)
        props["approximate"] = approximate
    return features


# --------------------------------------------------------------------------- page context


def article_review(
    article_id: int, mentions: list[store.Mention] | None = None
) -> dict[str, Any]:
    """What article.html needs for review: per-mention state and the review list.

    ``mentions``: the article's mentions as ``store.article_mentions`` returns them, when
    the caller has already loaded them (the story page); else they are loaded here.
    """
    session_ = _db().session
    if mentions is None:
        reviews = store.mention_reviews(session_, article_id)
        mentions = store.article_mentions(session_, article_id)
    else:
        reviews = _mention_reviews(mentions)
    by_id: dict[int, dict[str, Any]] = {}
    items = []
    for m in mentions:
        r = reviews.get((m.start, m.end))
        if r is None:
            continue
        info = {
            "uncertain": r.uncertain,
            "review": r.review,
            "reviewed_by": r.reviewed_by,
            "reviewed_at": r.reviewed_at,
            "approximate": r.place_source == store.APPROXIMATE_SOURCE,
            "confidence": m.confidence,
        }
        by_id[m.id] = info
        items.append({
            "id": m.id,
            "start": m.start,
            "end": m.end,
            "surface": m.surface,
            "place_name": m.place.name if m.place is not None else None,
            "country_code": m.place.country_code if m.place is not None else None,
            "place_id": m.place.place_id if m.place is not None else None,
            **info,
        })
    # Uncertain first, then the rest still to review, then reviewed; reading order within.
    items.sort(key=lambda i: (0 if i["uncertain"] else 2 if i["review"] else 1, i["start"]))
    corrections = store.article_corrections(session_, article_id)
    return {
        "reviewer": reviewer_name(),
        "by_id": by_id,
        "queue": items,
        "queue_html": Markup("".join(_queue_item_html(i) for i in items)),
        "to_review": sum(1 for i in items if i["uncertain"]),
        "corrections": [
            {
                "action": c.action,
                "scope": c.scope,
                "surface": c.surface,
                "place_name": c.place.name if c.place is not None else None,
                "reviewer": c.reviewer,
                "created_at": store.as_utc(c.created_at),
            }
            for c in reversed(corrections)
        ],
    }


def _mention_reviews(mentions: list[store.Mention]) -> dict[tuple[int, int], store.MentionReview]:
    """store.mention_reviews from mentions already loaded with their places (no query;
    without the alternatives, which the page does not show). In id order, as the query
    reads them, so that of two mentions on one span the later one's state counts."""
    out: dict[tuple[int, int], store.MentionReview] = {}
    for m in sorted(mentions, key=lambda m: m.id):
        source = m.place.source if m.place is not None else None
        out[(m.start, m.end)] = store.MentionReview(
            mention_id=m.id,
            review=m.review,
            reviewed_by=m.reviewed_by,
            reviewed_at=store.as_utc(m.reviewed_at) if m.reviewed_at is not None else None,
            place_source=source,
            uncertain=store.is_uncertain(m.confidence, source, m.place_id is not None, m.review),
            alternatives=(),
        )
    return out


def _queue_item_html(i: dict[str, Any]) -> str:
    """One ``<li>`` of article.html's review list (every value escaped), with the
    whitespace the template's loop around it gives."""
    if i["review"]:
        state = f"✓ {escape(i['review'])}"
        if i["reviewed_by"]:
            state += f" by {escape(i['reviewed_by'])}"
        if i["reviewed_at"]:
            at = i["reviewed_at"]
            state += (f' <time datetime="{escape(at.isoformat())}">'
                      f"{escape(at.strftime('%Y-%m-%d %H:%M'))}</time>")
    elif i["approximate"]:
        state = "? approximate"
    elif i["uncertain"] and not i["place_name"]:
        state = "? not found"
    else:
        state = ("? " if i["uncertain"] else "") + f"{int(round(i['confidence'] * 100, 0))}% sure"
    if i["place_name"]:
        place = str(escape(i["place_name"]))
        if i["country_code"]:
            place += f" {escape(i['country_code'])}"
    else:
        place = "not found"
    cls = "review-item" + (" is-uncertain" if i["uncertain"] else "") + (
        " is-reviewed" if i["review"] else "")
    mid = escape(i["id"])
    return (
        f'\n          <li class="{cls}" data-mention-id="{mid}">'
        f'\n            <button type="button" class="review-open" data-mention-id="{mid}"'
        f' data-start="{escape(i["start"])}">'
        f'\n              <span class="review-surface">{escape(i["surface"])}</span>'
        '\n              <span class="review-arrow" aria-hidden="true">&rarr;</span>'
        f'\n              <span class="review-place">{place}</span>'
        f'\n              <span class="review-state">{state}</span>'
        "\n            </button>"
        "\n          </li>"
        "\n          "
    )


# --------------------------------------------------------------------------- JSON API


def _json_body() -> dict[str, Any]:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        abort(400, "Send a JSON object.")
    return payload


def _int(payload: dict[str, Any], key: str) -> int | None:
    value = payload.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        abort(400, f'"{key}" must be an integer.')
    return value


@bp.post("/api/articles/<int:article_id>/corrections")
def correct(article_id: int) -> Any:
    """Confirm, change, reject or add a mention (see geo.store.add_correction)."""
    article = _article(article_id)
    payload = _json_body()
    action = payload.get("action")
    if action not in store.CORRECTION_ACTIONS:
        abort(400, f'"action" must be one of {", ".join(store.CORRECTION_ACTIONS)}.')
    if "reviewer" in payload:
        _set_reviewer(payload["reviewer"])
    mention_id = _int(payload, "mention_id")
    if mention_id is not None:
        mention = _db().session.get(store.Mention, mention_id)
        if mention is None or mention.article_id != article.id:
            raise NotFound(f"Article {article_id} has no mention {mention_id}.")
        start, end = mention.start, mention.end
    else:
        start, end = _int(payload, "start"), _int(payload, "end")
        if start is None or end is None:
            abort(400, 'Send "mention_id", or "start" and "end" for a span of the text.')
    place = None
    place_id = payload.get("place_id")
    if action in ("change", "add"):
        if not isinstance(place_id, str) or not place_id:
            abort(400, f'"{action}" needs a "place_id".')
        place = _find_place(place_id)
        if place is None:
            abort(400, f"There is no place {place_id!r} in the gazetteer.")
    if action == "add" and not article.text[start:end].strip():
        abort(400, "Select some text to add as a place.")
    try:
        corr, touched = store.add_correction(
            _db().session, article, action, start=start, end=end, place=place,
            reviewer=reviewer_name(), apply_all=bool(payload.get("apply_all")),
        )
    except ValueError as exc:
        abort(400, str(exc))
    return jsonify(
        ok=True,
        action=corr.action,
        scope=corr.scope,
        surface=corr.surface,
        touched=touched,
        reviewer=corr.reviewer,
        created_at=store.as_utc(corr.created_at).isoformat(),
        geojson=url_for("article_geojson", article_id=article.id),
    )


@bp.get("/api/articles/<int:article_id>/mentions/<int:mention_id>/alternatives")
def alternatives(article_id: int, mention_id: int) -> Any:
    """The places the resolver considered for a mention, and how many mentions share its text."""
    _article(article_id)
    mention = _db().session.get(store.Mention, mention_id)
    if mention is None or mention.article_id != article_id:
        raise NotFound(f"Article {article_id} has no mention {mention_id}.")
    same = sum(1 for m in store.article_mentions(_db().session, article_id)
               if m.surface == mention.surface)
    current = mention.place.place_id if mention.place is not None else None
    return jsonify(
        mention_id=mention.id,
        surface=mention.surface,
        name=mention.name,
        current=place_json(store.to_place(mention.place)) if mention.place is not None else None,
        same_text=same,
        candidates=[
            place_json(c.place, c.score)
            for c in store.mention_alternatives(_db().session, mention)
            if c.place.place_id != current
        ],
    )


@bp.get("/api/gazetteer")
def gazetteer_search() -> Any:
    """Search the offline gazetteer: ``?q=Porto`` or ``?q=Paris, Texas``."""
    query = " ".join(request.args.get("q", "").split())[:200]
    if not query:
        return jsonify(query="", candidates=[])
    return jsonify(query=query, candidates=[place_json(p) for p in search_places(query)])


@bp.post("/api/reviewer")
def set_reviewer() -> Any:
    """Keep the reviewer's name in the session: ``{"name": "Ana"}``."""
    return jsonify(reviewer=_set_reviewer(_json_body().get("name")))


# --------------------------------------------------------------------------- forms


@bp.post("/articles/<int:article_id>/rename")
def rename(article_id: int) -> BaseResponse:
    """Give an article a new title (cleaned like an upload's title)."""
    title = sources.clean_title(request.form.get("title", ""))
    if not title:
        abort(400, "A title cannot be empty.")
    if not store.rename_article(_db().session, article_id, title):
        raise NotFound(f"There is no article {article_id}.")
    target = request.form.get("next", "")
    if target != "article":
        return redirect(url_for("index"), code=303)
    return redirect(url_for("article", article_id=article_id), code=303)


def reanalyze_article(article: store.Article) -> int:
    """Geoparse the article's text again and re-apply its corrections."""
    from app import get_geoparser

    story = get_geoparser().parse(article.text)
    return store.reanalyze(_db().session, article, story)


@bp.post("/articles/<int:article_id>/reanalyze")
def reanalyze(article_id: int) -> BaseResponse:
    reanalyze_article(_article(article_id))
    return redirect(url_for("article", article_id=article_id), code=303)


# --------------------------------------------------------------------------- library views


@bp.get("/map")
def library_map() -> str:
    """Every article's places on one map, filterable by article."""
    from app import _render_map_html

    articles = [a for a in store.list_articles(_db().session) if a.status == "done"]
    return render_template(
        "library_map.html",
        articles=articles,
        geojson_url=url_for("export_geojson"),
        map_html=_render_map_html(),
    )


@bp.get("/places/<path:place_id>")
def place_page(place_id: str) -> str:
    """Every passage in the library that mentions a place, newest article first."""
    row = store.get_place(_db().session, place_id)
    if row is None:
        raise NotFound(f"No story mentions the place {place_id!r}.")
    passages = store.place_passages(_db().session, place_id)
    articles: list[dict[str, Any]] = []
    for p in passages:
        if not articles or articles[-1]["id"] != p.article_id:
            articles.append({"id": p.article_id, "title": p.article_title,
                             "created_at": p.article_created_at, "passages": []})
        articles[-1]["passages"].append({
            "mention_id": p.mention_id,
            "passage": p.passage,
            "before": p.passage[: max(0, p.start - p.passage_start)],
            "quote": p.passage[max(0, p.start - p.passage_start): max(0, p.end - p.passage_start)],
            "after": p.passage[max(0, p.end - p.passage_start):],
            "confidence": p.confidence,
            "review": p.review,
        })
    return render_template(
        "place.html", place=store.to_place(row), articles=articles, count=len(passages)
    )


def review_states() -> dict[int, store.ReviewState]:
    """article id -> review state (the library page)."""
    return store.review_states(_db().session)


# --------------------------------------------------------------------------- CLI


@bp.cli.command("reanalyze")
@click.argument("article_ids", nargs=-1, type=int, required=True)
def reanalyze_command(article_ids: Iterable[int]) -> None:
    """Geoparse stored articles again; their corrections are applied again."""
    for article_id in article_ids:
        article = store.get_article(_db().session, article_id)
        if article is None:
            raise click.ClickException(f"There is no article {article_id}.")
        touched = reanalyze_article(article)
        click.echo(f"{article_id}\t{len(article.mentions)} mentions\t{touched} corrected")
