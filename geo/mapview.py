"""The story page's map (folium, served entirely from our own static files) and the
highlighted-text segmentation. No Flask import: the caller passes ``static_url``.

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
import hashlib
import re
from typing import Any, Callable, Iterable, Mapping, Sequence

import folium
from markupsafe import Markup, escape

__all__ = [
    "MAP_VAR",
    "OSM_TILES",
    "OSM_ATTRIBUTION",
    "VENDOR_JS",
    "VENDOR_CSS",
    "BASEMAP",
    "render_map",
    "text_segments",
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

_OFFLINE = {None, "", "none", "off", "offline"}


def _tile_layer(tiles: str | None) -> folium.TileLayer | None:
    key = tiles.strip().lower() if isinstance(tiles, str) else tiles
    if key in _OFFLINE:
        return None
    if key in ("osm", "openstreetmap"):
        layer = folium.TileLayer(
            tiles=OSM_TILES,
            attr=OSM_ATTRIBUTION,
            name="OpenStreetMap",
            max_zoom=19,
        )
        layer._id = "osm"  # fixed id: constant script text (see csp_script_hashes)
        return layer
    raise ValueError(f"unknown tiles setting {tiles!r}: use None (offline) or 'osm'")


def render_map(tiles: str | None, static_url: Callable[[str], str]) -> Markup:
    """The map's HTML for embedding in article.html.

    Returns the ``<link>``/``<script src>`` tags for Leaflet (all via ``static_url``),
    a ``.story-map`` container holding folium's map div, folium's map script (which
    creates ``window.map_story``), and the ``<script src>`` for ``js/story.js`` (which
    must come after the map script). ``static_url(path)`` maps a path under static/
    to its URL, e.g. ``lambda p: url_for("static", filename=p)``.

    ``tiles``: ``None`` for the offline Natural Earth basemap only, or ``"osm"`` to add
    OpenStreetMap web tiles under it (the only case where the browser leaves our server).
    """
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

    parts: list[str] = []
    for path in VENDOR_CSS:
        parts.append(f'<link rel="stylesheet" href="{escape(static_url(path))}">')
    for path in VENDOR_JS:
        parts.append(f'<script src="{escape(static_url(path))}"></script>')
    parts.append(
        '<div class="story-map" id="story-map"'
        f' data-map-var="{MAP_VAR}"'
        f' data-basemap-url="{escape(static_url(BASEMAP))}"'
        f' data-tiles="{"osm" if layer is not None else "none"}">'
        f"{div.strip()}</div>"
    )
    parts.append(_normalise_script(script))
    for path in OWN_JS:
        parts.append(f'<script src="{escape(static_url(path))}"></script>')
    return Markup("\n".join(parts))


def _normalise_script(script: str) -> str:
    """folium's ``<script>`` block with blank lines trimmed (the text stays constant)."""
    lines = [line.rstrip() for line in script.strip().splitlines()]
    body = "\n".join(line for line in lines if line.strip())
    return f"<script>\n{body}\n</script>"


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def csp_script_hashes(html: str) -> list[str]:
    """``'sha256-...'`` CSP source expressions for every inline ``<script>`` in ``html``."""
    out = []
    for body in _INLINE_SCRIPT.findall(str(html)):
        digest = hashlib.sha256(body.encode("utf-8")).digest()
        out.append("'sha256-" + base64.b64encode(digest).decode("ascii") + "'")
    return out


def _get(mention: Any, key: str) -> Any:
    if isinstance(mention, Mapping):
        return mention.get(key)
    return getattr(mention, key, None)


def text_segments(text: str, mentions: Iterable[Any]) -> list[tuple[str, Any]]:
    """Split ``text`` into ``(segment, mention_or_None)`` pairs covering it exactly.

    ``mentions`` are dicts or objects with integer ``start``/``end`` offsets into
    ``text`` (Python str indices, i.e. code points). They are taken in order of start;
    a mention that is empty, out of range, or overlaps one already taken is skipped
    (its text stays plain), so ``"".join(s for s, _ in segments) == text`` always.
    The template escapes every segment; nothing here produces markup.

    templates/article.html applies the same rule in a Jinja macro (so the page needs no
    extra context); tests/test_mapview.py checks that both agree.
    """
    text = text or ""
    spans: list[tuple[int, int, Any]] = []
    for m in mentions or ():
        start, end = _get(m, "start"), _get(m, "end")
        if not isinstance(start, int) or not isinstance(end, int):
            continue
        if isinstance(start, bool) or isinstance(end, bool):
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

