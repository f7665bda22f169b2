"""Take a story with you: download it as one self-contained HTML file, or embed it in a frame.

``GET /articles/<id>/story.html`` is the story's map, text and steps in one file that opens
from disk with no server: Leaflet, its plugins, our CSS and our script bundle are inline, and
the page's data (the GeoJSON and every basemap layer the map's ``data-*-url`` attributes
name) are JSON data islands that static/js/story/api.js reads instead of fetching. Its own
Content-Security-Policy (a meta tag) allows exactly its inline scripts and no connection.

``GET /articles/<id>/embed`` is the story without the site around it, read-only, for an
``<iframe>``: the one page that others may frame, as ``EMBED_FRAME_ANCESTORS`` allows.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from flask import Blueprint, Response, g, current_app, render_template, url_for
from markupsafe import Markup

from geo import geojson, store
from web.inlining import (
    csp_hash,
    inline_stylesheet,
    json_for_script,
    json_island,
    script_for_html,
    static_path,
    static_text,
)
from web.mapparts import MapParts, map_parts
from web.mapview import page_map, render_map
from web.review import article_or_404
from web.settings import osm_tiles
from web.stories import article_collection, page_parts

__all__ = ["bp", "Inline", "story_filename", "standalone_policy", "BUNDLES", "OWN_CSS"]

bp = Blueprint("takeaway", __name__)

#: Where scripts/vendor_assets.sh puts the one-script bundle of the ES module static/P.
BUNDLES = "vendor/bundle/"
#: Our stylesheet, inlined before the map's own.
OWN_CSS = "css/story.css"
#: The downloaded file's policy: its inline scripts by hash, inline styles, data: images,
#: and nothing fetched from anywhere.
POLICY = ("default-src 'none'", "style-src 'unsafe-inline'", "img-src data: blob:",
          "font-src data:", "connect-src 'none'", "base-uri 'none'", "form-action 'none'")
_SLUG_GAP = re.compile(r"[^a-z0-9]+")
SLUG_MAX = 60


@dataclass(frozen=True)
class Inline:
    """One inlined piece of the page: "style" or "script" (``text``, escaped for its element),
    "island" (``url`` and its JSON ``text``) or "map" (the container's attributes)."""

    kind: str
    text: Markup = Markup("")
    url: str = ""
    attrs: tuple[tuple[str, str], ...] = ()
    inner: tuple[tuple[str, str], ...] = ()


def story_filename(title: str | None, article_id: int) -> str:
    """A plain ASCII file name from the title, e.g. ``harbour-lights-fog.html``."""
    ascii_title = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode()
    slug = _SLUG_GAP.sub("-", ascii_title.lower()).strip("-")[:SLUG_MAX].rstrip("-")
    return (slug or f"story-{article_id}") + ".html"


def standalone_policy(scripts: list[str]) -> str:
    """The downloaded page's Content-Security-Policy for these inline scripts."""
    return "; ".join([POLICY[0], " ".join(["script-src", *map(csp_hash, scripts)]), *POLICY[1:]])


def _bundle_url(module_url: str) -> str:
    prefix = url_for("static", filename="")
    return url_for("static", filename=BUNDLES + module_url[len(prefix):])


def _inline_part(kind: str, url: str, text: str) -> Inline:
    if kind == "stylesheet":
        return Inline("style", Markup(inline_stylesheet(static_path(url))))
    if kind == "inline":
        return Inline("script", Markup(script_for_html(text)))
    if kind == "module":  # ES modules cannot be imported from a file: their bundle
        url = _bundle_url(url)
    return Inline("script", Markup(script_for_html(static_text(static_path(url)))))


def _inline_assets(parts: MapParts) -> list[Inline]:
    """Our CSS, then the map's parts, every one inline."""
    out = [Inline("style", Markup(inline_stylesheet(static_path(url_for("static", filename=OWN_CSS)))))]
    for part in parts.parts:
        if part.kind == "map":
            out.append(Inline("map", attrs=part.attrs, inner=part.inner))
        else:
            out.append(_inline_part(part.kind, part.url, part.text))
    return out


#: Files beside a layer that its script reads too (as static/js/story/labels.js names them):
#: the labels' world file travels; their per-cell town files (3 MB) stay behind.
COMPANIONS: dict[str, tuple[str, ...]] = {"data-labels-url": ("world.json",)}


def _layer_urls(data_urls: dict[str, str]) -> list[str]:
    """The layer URLs of the map's data-*-url attributes, each followed by its companions."""
    out = []
    for attr, url in data_urls.items():
        out.append(url)
        out.extend(urlsplit(urljoin(url, name)).path for name in COMPANIONS.get(attr, ()))
    return out


def _islands(parts: MapParts, geojson_url: str, collection: dict[str, Any]) -> list[Inline]:
    """The story's GeoJSON and every layer of our static data the map's data-*-url
    attributes name (one that is not a static file is left out: the page draws without it)."""
    out = [Inline("island", Markup(json_island(collection)), url=geojson_url)]
    for url in dict.fromkeys(_layer_urls(parts.data_urls())):
        try:
            path = static_path(url)
        except ValueError:
            current_app.logger.warning("story download: %s is not a static file, left out", url)
            continue
        out.append(Inline("island", Markup(json_for_script(static_text(path))), url=url))
    return out


def _reader(article_id: int) -> dict[str, Any]:
    """What both reader pages show: the article, its places, its text, its GeoJSON URL."""
    row = article_or_404(article_id)
    parts = page_parts(article_id, row.text)
    return {
        "article": row,
        "created_at": store.as_utc(row.created_at),
        "places": parts["places"],
        "mentions": parts["mentions"],
        "story": parts["story"],
        "geojson_url": url_for("stories.article_geojson", article_id=article_id),
        "story_url": url_for("stories.article", article_id=article_id, _external=True),
    }


@bp.get("/articles/<int:article_id>/story.html")
def download(article_id: int) -> Response:
    """The story as one HTML file that works offline, from disk (a download)."""
    context = _reader(article_id)
    parts = map_parts(render_map(None, lambda path: url_for("static", filename=path)))
    assets = _inline_assets(parts)
    collection = article_collection(article_id)
    collection["attribution"] = geojson.attribution(tiles=False)  # the download never shows web tiles
    islands = _islands(parts, context["geojson_url"], collection)
    policy = standalone_policy([str(a.text) for a in assets if a.kind == "script"])
    html = render_template("standalone.html", assets=assets, islands=islands, policy=policy,
                           osm_credit=False, **context)
    response = Response(html, mimetype="text/html")
    name = story_filename(context["article"].title, article_id)
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response


@bp.get("/articles/<int:article_id>/embed")
def embed(article_id: int) -> str:
    """The story's map and text without the site around it, for a frame (read-only)."""
    context = _reader(article_id)
    g.frame_ancestors = current_app.config.get("EMBED_FRAME_ANCESTORS", "'self'")
    return render_template("embed.html", map_html=page_map(), osm_credit=osm_tiles(), **context)
