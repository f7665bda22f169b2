"""The story and library pages' map: folium, served entirely from our own static files.

:func:`render_map` is pure (the caller passes ``static_url``); :func:`page_map` is the same
for the current request, and records the CSP hashes of the map's inline script.

How the page's JavaScript finds the map
---------------------------------------
folium writes ``var map_story = L.map("map_story", ...)`` in a classic script, so the
Leaflet map is the global ``window.map_story``. :func:`render_map` wraps folium's div in
``<div class="story-map" data-map-var="map_story" data-basemap-url="..." ...>``;
``static/js/story.js`` reads ``data-map-var`` to get the map object, then draws the
offline basemap from ``data-basemap-url`` and the places from the page's GeoJSON URL.

Content-Security-Policy
-----------------------
The map's own inline script contains nothing derived from the article or the user, and
its element id is fixed, so for a given ``tiles`` setting the script text is constant:
:func:`csp_script_hashes` gives the ``'sha256-...'`` source expressions that let a strict
``script-src`` (no ``'unsafe-inline'``) allow exactly that script. All page logic lives in
``static/js/story.js``.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import re
from pathlib import Path
from typing import Callable

import folium
import jinja2
from flask import current_app, g, url_for
from markupsafe import Markup

__all__ = [
    "MAP_VAR",
    "OSM_TILES",
    "OSM_ATTRIBUTION",
    "VENDOR_JS",
    "VENDOR_CSS",
    "BASEMAP",
    "COUNTRY_IDS",
    "BASEMAP_LAYERS",
    "own_modules",
    "render_map",
    "page_map",
    "csp_script_hashes",
]

#: The fixed folium element id: the Leaflet map is ``window[MAP_VAR]`` in the page.
MAP_ID = "story"
MAP_VAR = f"map_{MAP_ID}"

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)

#: Paths under static/ (copied there from node_modules by scripts/vendor_assets.sh),
#: then our own files. Only what the page needs: no jQuery, Bootstrap or font icons.
VENDOR_CSS: tuple[str, ...] = (
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet.markercluster/MarkerCluster.css",
    "vendor/leaflet.markercluster/MarkerCluster.Default.css",
)
VENDOR_JS: tuple[str, ...] = (
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet.markercluster/leaflet.markercluster.js",
    "vendor/topojson-client/topojson-client.min.js",
)
OWN_JS: tuple[str, ...] = ("js/story.js",)
BASEMAP = "vendor/world-atlas/countries-50m.json"
#: alpha-2 -> world-atlas id, for shading country mentions (scripts/build_country_ids.py).
COUNTRY_IDS = "data/country-ids.json"
#: The basemap's other layers (built by scripts/build_basemap.py), by template name:
#: Natural Earth admin-1 outlines and rivers/lakes, and the gazetteer's place labels.
BASEMAP_LAYERS: dict[str, str] = {
    "admin1": "basemap/admin1.json",
    "water": "basemap/water.json",
    "labels": "basemap/labels/index.json",
}
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
STATIC = TEMPLATES.parent / "static"


@functools.cache
def own_modules() -> tuple[str, ...]:
    """The ES modules story.js imports (static/js/story/*.js): the page preloads them all at once
    (``<link rel=modulepreload>``) instead of finding them import by import."""
    return tuple(sorted(p.relative_to(STATIC).as_posix() for p in (STATIC / "js" / "story").glob("*.js")))



def _tile_layer(tiles: str | None) -> folium.TileLayer | None:
    if tiles is None:
        return None
    layer = folium.TileLayer(
        tiles=OSM_TILES,
        attr=OSM_ATTRIBUTION,
        name="OpenStreetMap",
        max_zoom=19,
    )
    layer._id = "osm"  # fixed id: constant script text (see csp_script_hashes)
    return layer


def render_map(tiles: str | None, static_url: Callable[[str], str]) -> Markup:
    """The map's HTML for embedding in article.html.

    Returns the ``<link>``/``<script src>`` tags for Leaflet (all via ``static_url``),
    a ``.story-map`` container holding folium's map div, folium's map script (which
    creates ``window.map_story``), and the ``<script src>`` for ``js/story.js`` (which
    must come after the map script). ``static_url(path)`` maps a path under static/
    to its URL, e.g. ``lambda p: url_for("static", filename=p)``.

    ``tiles``: the setting as ``web.settings.parse_tiles`` gives it: ``None`` for the offline
    Natural Earth basemap only, or ``"osm"`` to add OpenStreetMap web tiles under it (the only
    case where the browser leaves our server).
    """
    if tiles not in (None, "osm"):
        raise ValueError(f"unknown tiles setting {tiles!r}: use None (offline) or 'osm'")
    urls = tuple(static_url(path) for path in _asset_paths())
    return _map_html(tiles, urls)


def page_map() -> Markup:
    """The current app's map for a page; the page's CSP allows its inline script by hash."""
    html = render_map(
        tiles=current_app.config["TILES"],
        static_url=lambda path: url_for("static", filename=path),
    )
    g.script_hashes = csp_script_hashes(str(html))
    return html


@functools.lru_cache(maxsize=64)
def _folium_parts(tiles: str | None) -> tuple[str, str, bool]:
    """folium's map div and script for a normalised ``tiles`` key (built once per key:
    nothing in them depends on the article or the request)."""
    layer = _tile_layer(tiles)
    m = folium.Map(
        location=[20.0, 10.0],
        zoom_start=2,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
        world_copy_jump=True,
    )
    m._id = MAP_ID
    m.options["min_zoom"] = 1
    m.options["max_zoom"] = 19 if layer is not None else 12
    # Never let folium put its CDN links anywhere (instance-level, the class lists stay).
    m.default_js = []
    m.default_css = []
    if layer is not None:
        m.add_child(layer, name="osm")

    figure = m.get_root()
    figure.render()  # renders children into figure.html / figure.script
    div = figure.html.render()
    script = figure.script.render()

    return div, script, layer is not None


@functools.lru_cache(maxsize=64)
def _map_html(tiles: str | None, urls: tuple[str, ...]) -> Markup:
    """The page's map HTML for a tiles key and the static URLs of its assets (cached)."""
    div, script, has_layer = _folium_parts(tiles)
    url = dict(zip(_asset_paths(), urls))
    return Markup(_templates().get_template("_map.html").render(
        css=[url[p] for p in VENDOR_CSS],
        vendor_js=[url[p] for p in VENDOR_JS],
        own_js=[url[p] for p in OWN_JS],
        modules=[url[p] for p in own_modules()],
        map_var=MAP_VAR,
        basemap=url[BASEMAP],
        country_ids=url[COUNTRY_IDS],
        layers={name: url[path] for name, path in BASEMAP_LAYERS.items()},
        has_layer=has_layer,
        div=Markup(div.strip()),
        script=Markup(_normalise_script(script)),
    ))


def _asset_paths() -> tuple[str, ...]:
    """Every static path the map's HTML refers to, in a fixed order."""
    return (*VENDOR_CSS, *VENDOR_JS, BASEMAP, COUNTRY_IDS, *BASEMAP_LAYERS.values(), *OWN_JS, *own_modules())


@functools.cache
def _templates() -> jinja2.Environment:
    """The templates folder, autoescaped (render_map needs no app, so not Flask's loader)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, auto_reload=False
    )


def _normalise_script(script: str) -> str:
    """folium's map script with blank lines and trailing spaces trimmed (the text stays
    constant, so its CSP hash does)."""
    lines = [line.rstrip() for line in script.strip().splitlines()]
    return "\n".join(line for line in lines if line.strip())


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def csp_script_hashes(html: str) -> list[str]:
    """``'sha256-...'`` CSP source expressions for every inline ``<script>`` in ``html``."""
    return list(_csp_script_hashes(str(html)))


@functools.lru_cache(maxsize=64)
def _csp_script_hashes(html: str) -> tuple[str, ...]:
    out = []
    for body in _INLINE_SCRIPT.findall(html):
        digest = hashlib.sha256(body.encode("utf-8")).digest()
        out.append("'sha256-" + base64.b64encode(digest).decode("ascii") + "'")
    return tuple(out)
