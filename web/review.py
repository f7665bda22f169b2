"""Review and correction: a Flask blueprint, and the review state for pages and GeoJSON.

Routes
------
* ``POST /api/articles/<id>/corrections`` (JSON): confirm, change, reject ("not a place") or add
  a mention; ``apply_all`` extends a decision to every identical mention in the article.
* ``GET /api/articles/<id>/mentions/<mid>/alternatives``: the places the resolver considered.
* ``GET /api/gazetteer?q=``: search the offline gazetteer (for "Change" and "Add place").
* ``POST /api/reviewer`` (JSON): the reviewer's name, kept in the session.
* ``POST /articles/<id>/reanalyze`` (form): geoparse an article again (also ``flask reanalyze``,
  web/cli.py); its corrections are applied again.

Corrections are stored (geo.store.Correction) by span and surface, so that a re-analysis of
the same text re-applies them; they flow into the GeoJSON through :func:`annotate`.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, NamedTuple

from flask import Blueprint, abort, flash, g, jsonify, redirect, request, session, url_for
from werkzeug.exceptions import NotFound
from werkzeug.wrappers.response import Response as BaseResponse

from geopy.exc import GeocoderQueryError

from geo import store, types
from geo.countries import country_name
from geo.errors import GazetteerMissing
from geo.gazetteer import COUNTRY_CODES
from geo.geojson import key_for
from geo.resolve import is_approximate
from geo.search import feature_kind, search
from web.extensions import db, gazetteer
from web.ingest import checked_setting, reanalyse
from web.storytext import story_text
from web.validation import MAX_PATH_ARG_CHARS, json_int, json_object, json_str

__all__ = [
    "bp",
    "SESSION_REVIEWER",
    "SEARCH_LIMIT",
    "MAX_SPAN_CHARS",
    "reviewer_name",
    "article_or_404",
    "search_places",
    "place_json",
    "annotate",
    "ReviewItem",
    "article_review",
    "review_states",
    "page_state",
]

bp = Blueprint("review", __name__)

SESSION_REVIEWER = "reviewer"
SEARCH_LIMIT = 12
#: The longest span a correction may target: what the stored surface column holds.
MAX_SPAN_CHARS: int = store.Correction.__table__.c.surface.type.length


def reviewer_name() -> str:
    """The reviewer's name kept in the session ("" if none was given)."""
    name = session.get(SESSION_REVIEWER)
    return name if isinstance(name, str) else ""


def _set_reviewer(name: Any) -> str:
    if isinstance(name, str):
        session[SESSION_REVIEWER] = " ".join(name.split())[:100]
    return reviewer_name()


def article_or_404(article_id: int) -> store.Article:
    """The stored article, or 404."""
    article = store.get_article(db.session, article_id)
    if article is None:
        raise NotFound(f"There is no article {article_id}.")
    return article


# --------------------------------------------------------------------------- the gazetteer


def search_places(query: str, limit: int = SEARCH_LIMIT) -> list[types.Place]:
    """Places for a name, "Name, Region" or "Name, Country", best first (see geo.search)."""
    index = gazetteer()
    if hasattr(index, "name_matches"):
        return [r.place for r in search(index, query, limit)]
    if "," in query and hasattr(index, "geocode"):
        found = index.geocode(query, exactly_one=False, limit=limit) or []
        return [types.Place(**loc.raw) for loc in found]
    return list(index.candidates(query.split(",")[0].strip(), limit=limit))


def _find_place(place_id: str) -> types.Place | None:
    row = store.get_place(db.session, place_id)
    if row is not None:
        return store.to_place(row)
    index = gazetteer()
    lookup = getattr(index, "place", None)
    return lookup(place_id) if lookup is not None else None


def place_json(place: types.Place, score: float | None = None) -> dict[str, Any]:
    """A place for the review tools: its label "name, admin-1, country", its kind and position."""
    code = place.country_code
    full_country = country_name(code) or code
    admin1 = place.admin1 if place.admin1 not in (place.name, full_country) else None
    is_itself = place.feature_code in COUNTRY_CODES and full_country == place.name
    country = None if is_itself else full_country  # (a country's label does not name it twice)
    out: dict[str, Any] = {
        "place_id": place.place_id,
        "name": place.name,
        "label": ", ".join(p for p in (place.name, admin1, country) if p),
        "lat": round(place.lat, 6),
        "lon": round(place.lon, 6),
        "country_code": code,
        "country": full_country,
        "admin1": place.admin1,
        "feature_code": place.feature_code,
        "kind": feature_kind(place),
        "population": None if place.source == types.POSTAL_SOURCE else place.population,  # (assumed, not known)
        "approximate": place.source == store.APPROXIMATE_SOURCE,
        "source": place.source or None,
    }
    if score is not None:
        out["score"] = round(score, 3)
    return out


# --------------------------------------------------------------------------- GeoJSON


def _reviewed_articles() -> set[int]:
    """Ids of the articles with any reviewed mention, once per request (or CLI command)."""
    cached = g.get("_reviewed_articles")
    if cached is None:
        cached = g._reviewed_articles = store.reviewed_article_ids(db.session)
    return cached


def annotate(features: list[dict[str, Any]], article_id: int) -> list[dict[str, Any]]:
    """Add the review to an article's features (in place; returns them).

    Every mention gets ``uncertain`` and ``reviewed``; reviewed ones also ``review``
    ("confirmed", "changed", "added"), ``reviewed_by``, ``reviewed_at`` and ``alternatives``
    (the candidates the reviewer did not choose). Each feature gets ``reviewed`` (all its
    mentions are), ``uncertain`` (any is), ``approximate`` (a rough placement) and ``source``
    ("gazetteer", "manual" for a point a reviewer placed on the map, None when unresolved).
    The database is asked only about articles someone reviewed, so a streamed export of a
    library stays about as fast as before.
    """
    reviews: dict[tuple[int, int], store.MentionReview] = {}
    if article_id in _reviewed_articles():
        reviews = store.mention_reviews(db.session, article_id)
    for feature in features:
        props = feature["properties"]
        mentions = props.get("mentions") or []
        approximate = is_approximate(str(props.get("place_key") or ""))
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
        # Where the point comes from: the gazetteer, or a reviewer's click on the map.
        manual = str(props.get("place_key") or "").startswith(store.MANUAL_SOURCE + ":")
        props["source"] = store.MANUAL_SOURCE if manual else "gazetteer" if resolved else None
    return features


# --------------------------------------------------------------------------- page context


class ReviewItem(NamedTuple):
    """One mention in the story page's review list. templates/_story.html unpacks it in its
    loop (in this field order) instead of looking up each attribute: the page's speed."""

    id: int
    start: int
    end: int
    surface: str
    place_name: str | None
    country_code: str | None
    place_id: str | None
    uncertain: bool
    review: str | None
    reviewed_by: str | None
    reviewed_at: datetime | None
    approximate: bool
    confidence: float
    percent: int


def _review_item(m: store.Mention, r: store.MentionReview) -> ReviewItem:
    place = m.place
    return ReviewItem(
        id=m.id, start=m.start, end=m.end, surface=m.surface,
        place_name=place.name if place is not None else None,
        country_code=place.country_code if place is not None else None,
        place_id=place.place_id if place is not None else None,
        uncertain=r.uncertain, review=r.review, reviewed_by=r.reviewed_by,
        reviewed_at=r.reviewed_at, approximate=r.place_source == store.APPROXIMATE_SOURCE,
        confidence=m.confidence, percent=int(round(m.confidence * 100, 0)),
    )


def article_review(
    article_id: int, mentions: list[store.Mention] | None = None
) -> dict[str, Any]:
    """What article.html needs for review: per-mention state and the review list.

    ``mentions``: the article's mentions as ``store.article_mentions`` returns them, when
    the caller has already loaded them (the story page); else they are loaded here.
    """
    session_ = db.session
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
        item = _review_item(m, r)
        by_id[m.id] = {"uncertain": item.uncertain, "review": item.review,
                       "reviewed_by": item.reviewed_by, "reviewed_at": item.reviewed_at,
                       "approximate": item.approximate, "confidence": item.confidence}
        items.append(item)
    # Uncertain first, then the rest still to review, then reviewed; reading order within.
    items.sort(key=lambda i: (0 if i.uncertain else 2 if i.review else 1, i.start))
    corrections = store.article_corrections(session_, article_id)
    return {
        "undo_depth": store.undo_depth(session_, article_id),
        "reviewer": reviewer_name(),
        "by_id": by_id,
        "queue": items,
        "to_review": sum(1 for i in items if i.uncertain),
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


def _page_rows(mentions: list[store.Mention]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The mentions and their places as web.storytext.story_text reads them."""
    rows, places = [], {}
    for m in mentions:
        key = key_for(m.place.place_id if m.place is not None else None, m.name)
        rows.append({"id": m.id, "start": m.start, "end": m.end, "kind": m.kind,
                     "confidence": m.confidence, "place_key": key})
        if m.place is not None:
            places[key] = {"place_key": key, "name": m.place.name, "lat": m.place.lat,
                           "lon": m.place.lon, "country_code": m.place.country_code}
    return rows, list(places.values())


def page_state(article: store.Article) -> dict[str, Any]:
    """What the story page redraws after a correction, without a reload: the mention buttons
    (classes, titles, place keys), the review list, the counts and how many steps undo has."""
    mentions = store.article_mentions(db.session, article.id)
    rv = article_review(article.id, mentions)
    rows, places = _page_rows(mentions)
    segments = story_text(article.text, rows, places, rv["by_id"]).segments
    return {
        "mentions": [
            {"id": s.id, "start": s.start, "end": s.end, "class": s.cls, "place_key": s.place_key,
             "confidence": s.conf, "title": s.title}
            for s in segments if s.cls
        ],
        "queue": [
            dict(item._asdict(), reviewed_at=item.reviewed_at.isoformat() if item.reviewed_at else None)
            for item in rv["queue"]
        ],
        "to_review": rv["to_review"],
        "undo_depth": rv["undo_depth"],
        "place_count": len({row["place_key"] for row in rows}),
        "mention_count": len(mentions),
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


# --------------------------------------------------------------------------- JSON API


def _span(payload: dict[str, Any], article: store.Article) -> tuple[int, int]:
    """The [start, end) a correction targets: its mention's, or a span of the article's text."""
    mention_id = json_int(payload, "mention_id")
    if mention_id is not None:
        mention = db.session.get(store.Mention, mention_id)
        if mention is None or mention.article_id != article.id:
            raise NotFound(f"Article {article.id} has no mention {mention_id}.")
        return mention.start, mention.end
    start = json_int(payload, "start", high=len(article.text))
    end = json_int(payload, "end", high=len(article.text))
    if start is None or end is None:
        abort(400, 'Send "mention_id", or "start" and "end" for a span of the text.')
    if not 0 < end - start <= MAX_SPAN_CHARS:
        abort(400, f"A span must hold 1 to {MAX_SPAN_CHARS} characters of the text.")
    return start, end


def _number(point: dict[str, Any], key: str, bound: float) -> float:
    value = point.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not -bound <= value <= bound:
        abort(400, f'"point" needs a "{key}" between {-bound:g} and {bound:g}.')
    return float(value)


def _manual_place(payload: dict[str, Any], surface: str) -> types.Place:
    """A point the reviewer placed on the map ({"lat", "lon", "name"}), stored as a manual place."""
    point = payload.get("point")
    if not isinstance(point, dict):
        abort(400, '"point" must be an object: {"lat": ..., "lon": ..., "name": ...}.')
    lat, lon = _number(point, "lat", 90), _number(point, "lon", 180)
    name = " ".join((json_str(point, "name", 200) or "").split()) or " ".join(surface.split())
    near = _nearest(lat, lon)
    return store.add_manual_place(db.session, name, lat, lon,
                                  near.country_code if near else None, near.admin1 if near else None)


def _nearest(lat: float, lon: float) -> types.Place | None:
    """The nearest populated place (for a manual point's country and admin-1), if the index knows."""
    reverse = getattr(gazetteer(), "reverse", None)
    try:
        found = reverse((lat, lon), exactly_one=True) if reverse is not None else None
    except (GazetteerMissing, GeocoderQueryError):
        return None
    return types.Place(**found.raw) if found is not None else None


def _chosen_place(payload: dict[str, Any], action: str, surface: str) -> types.Place | None:
    """The place a "change" or "add" moves the mention to: a gazetteer id, or a point on the map."""
    if action not in ("change", "add"):
        return None
    place_id = json_str(payload, "place_id", MAX_PATH_ARG_CHARS)
    if not place_id and "point" not in payload:
        abort(400, f'"{action}" needs a "place_id" or a "point".')
    if not place_id:
        return _manual_place(payload, surface)
    place = _find_place(place_id)
    if place is None:
        abort(400, f"There is no place {place_id!r} in the gazetteer.")
    return place


@bp.post("/api/articles/<int:article_id>/corrections")
def correct(article_id: int) -> Any:
    """Confirm, change, reject or add a mention (see geo.store.add_correction); a "change" or
    "add" takes a gazetteer ``place_id`` or a ``point`` the reviewer placed on the map."""
    article = article_or_404(article_id)
    payload = json_object()
    action = json_str(payload, "action")
    if action not in store.CORRECTION_ACTIONS:
        abort(400, f'"action" must be one of {", ".join(store.CORRECTION_ACTIONS)}.')
    if "reviewer" in payload:
        _set_reviewer(json_str(payload, "reviewer"))
    start, end = _span(payload, article)
    if action == "add" and not article.text[start:end].strip():
        abort(400, "Select some text to add as a place.")
    place = _chosen_place(payload, action, article.text[start:end])
    try:
        corr, touched = store.add_correction(
            db.session, article, action, start=start, end=end, place=place,
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
        place=place_json(place) if place is not None else None,
        geojson=url_for("stories.article_geojson", article_id=article.id),
        page=page_state(article),
    )


@bp.post("/api/articles/<int:article_id>/corrections/undo")
def undo(article_id: int) -> Any:
    """Undo the story's latest correction (again for the one before): mentions as they were."""
    article = article_or_404(article_id)
    try:
        corr = store.undo_last(db.session, article)
    except store.NothingToUndo as exc:
        abort(409, str(exc))
    return jsonify(
        ok=True,
        undone={"action": corr.action, "surface": corr.surface, "scope": corr.scope},
        geojson=url_for("stories.article_geojson", article_id=article.id),
        page=page_state(article),
    )


@bp.get("/api/articles/<int:article_id>/review")
def review_page(article_id: int) -> Any:
    """The story page's review state as JSON (what a correction answers with)."""
    return jsonify(page_state(article_or_404(article_id)))


@bp.get("/api/articles/<int:article_id>/mentions/<int:mention_id>/alternatives")
def alternatives(article_id: int, mention_id: int) -> Any:
    """The places the resolver considered for a mention, and how many mentions share its text."""
    article_or_404(article_id)
    mention = db.session.get(store.Mention, mention_id)
    if mention is None or mention.article_id != article_id:
        raise NotFound(f"Article {article_id} has no mention {mention_id}.")
    same = sum(1 for m in store.article_mentions(db.session, article_id)
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
            for c in store.mention_alternatives(db.session, mention)
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
    return jsonify(reviewer=_set_reviewer(json_str(json_object(), "name")))


# --------------------------------------------------------------------------- forms


@bp.post("/articles/<int:article_id>/reanalyze")
def reanalyze(article_id: int) -> BaseResponse:
    """Queue the article's analysis again (its corrections are applied again) and show it; a ``setting``
    field first says where the story is set (empty: nowhere), checked against the gazetteer."""
    if "setting" in request.form:
        setting = checked_setting(request.form.get("setting"))
        if not store.set_setting(db.session, article_id, setting):
            raise NotFound(f"There is no article {article_id}.")
    if not reanalyse(article_id):
        raise NotFound(f"There is no article {article_id}.")
    flash("Analysis queued again: your corrections will be applied again.")
    return redirect(url_for("stories.article", article_id=article_id), code=303)


def review_states(article_ids: Iterable[int] | None = None) -> dict[int, store.ReviewState]:
    """article id -> review state (the library page: only its page's articles)."""
    return store.review_states(db.session, article_ids)
