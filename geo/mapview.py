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
import functools
import hashlib
import numbers
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
    "story_text",
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
    key = tiles.strip().lower() if isinstance(tiles, str) else tiles
    if key in _OFFLINE:
        key = None
    elif key in ("osm", "openstreetmap"):
        key = "osm"
    else:
        raise ValueError(f"unknown tiles setting {tiles!r}: use None (offline) or 'osm'")
    urls = tuple(static_url(path) for path in (*VENDOR_CSS, *VENDOR_JS, BASEMAP, *OWN_JS))
    return _map_html(key, urls)


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
    url = dict(zip((*VENDOR_CSS, *VENDOR_JS, BASEMAP, *OWN_JS), urls))
    static_url = url.__getitem__
    parts: list[str] = []
    for path in VENDOR_CSS:
        parts.append(f'<link rel="stylesheet" href="{escape(static_url(path))}">')
    for path in VENDOR_JS:
        parts.append(f'<script src="{escape(static_url(path))}"></script>')
    parts.append(
        '<div class="story-map" id="story-map"'
        f' data-map-var="{MAP_VAR}"'
        f' data-basemap-url="{escape(static_url(BASEMAP))}"'
        f' data-tiles="{"osm" if has_layer else "none"}">'
        f"{div.strip()}</div>"
    )
    parts.append(_normalise_script(script))
    for path in OWN_JS:  # ES modules: deferred, so they run after the map script
        parts.append(f'<script type="module" src="{escape(static_url(path))}"></script>')
    return Markup("\n".join(parts))


def _normalise_script(script: str) -> str:
    """folium's ``<script>`` block with blank lines trimmed (the text stays constant)."""
    lines = [line.rstrip() for line in script.strip().splitlines()]
    body = "\n".join(line for line in lines if line.strip())
    return f"<script>\n{body}\n</script>"


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


def _get(mention: Any, key: str) -> Any:
    if type(mention) is dict or isinstance(mention, Mapping):
        return mention.get(key)
    return getattr(mention, key, None)


def text_segments(text: str, mentions: Iterable[Any]) -> list[tuple[str, Any]]:
    """Split ``text`` into ``(segment, mention_or_None)`` pairs covering it exactly.

    ``mentions`` are dicts or objects with integer ``start``/``end`` offsets into
    ``text`` (Python str indices, i.e. code points). They are taken in order of start;
    a mention that is empty, out of range, or overlaps one already taken is skipped
    (its text stays plain), so ``"".join(s for s, _ in segments) == text`` always.
    The template escapes every segment; nothing here produces markup.

    The story page renders these segments through :func:`story_text`;
    tests/test_mapview.py checks the rendered template against this function.
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



def _text_html(piece: str) -> Markup:
    """A piece of the article text, escaped, with each carriage return as ``&#13;`` (the
    HTML parser would drop a literal one; the page's script counts offsets exactly)."""
    return Markup(str(escape(piece)).replace("\r", "&#13;"))


def _attr(value: Any) -> str:
    """An attribute value's text, escaped (ints, the usual case, need none)."""
    return str(value) if type(value) is int else escape(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def story_text(
    text: str,
    mentions: Iterable[Any],
    places: Iterable[Any] = (),
    review_by_id: Mapping[Any, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """What templates/article.html needs to show the story text, built in one pass.

    ``segments``: ``(html, attrs)`` pairs from :func:`text_segments`; ``html`` is the
    piece of text escaped (carriage returns as ``&#13;``), ``attrs`` is ``None`` for plain
    text, else the mention's button attributes as plain strings (the template escapes
    them): ``id``, ``start``, ``end``, ``cls``, ``place_key``, ``conf`` (percent or
    ``None``) and ``title``.
    ``html``: the segments as the page's HTML (text pieces, and a ``<button>`` for each
    mention with every attribute escaped).
    ``unresolved``: the mentions whose place is unknown or has no coordinates, in the
    given order, as dicts with ``start``, ``end`` and ``label`` (their text).

    A mention is on the map when its ``place_key`` names one of ``places`` with both
    ``lat`` and ``lon``. ``review_by_id`` maps a mention id to its review state
    (``uncertain``, ``review``, ``reviewed_by``, ``approximate``).
    """
    text = text or ""
    mentions = list(mentions or ())
    by_key: dict[Any, Any] = {}
    for p in places or ():
        by_key[_get(p, "place_key")] = p
    review_by_id = review_by_id or {}

    def on_map_place(m: Any) -> Any:
        key = _get(m, "place_key")
        p = by_key.get(key) if key is not None else None
        if p is None or _get(p, "lat") is None or _get(p, "lon") is None:
            return None
        return p

    segments: list[tuple[Markup, dict[str, Any] | None]] = []
    for piece, m in text_segments(text, mentions):
        if m is None:
            segments.append((_text_html(piece), None))
            continue
        p = on_map_place(m)
        r = review_by_id.get(_get(m, "id")) or {}
        confidence = _get(m, "confidence")
        conf = int(round(confidence * 100, 0)) if isinstance(confidence, numbers.Number) else None
        cls = ["mention", "mention-resolved" if p is not None else "mention-unresolved",
               f"mention-kind-{_get(m, 'kind') or 'literal'}"]
        if r.get("uncertain"):
            cls.append("mention-uncertain")
        if r.get("review"):
            cls.append("mention-reviewed")
        if r.get("approximate"):
            cls.append("mention-approximate")
        if p is not None:
            title = str(_get(p, "name"))
            if _get(p, "country_code"):
                title += f" ({_get(p, 'country_code')})"
            if r.get("review"):
                title += ", reviewed"
                if r.get("reviewed_by"):
                    title += f" by {r.get('reviewed_by')}"
            elif r.get("approximate"):
                title += ", approximate placement"
            elif conf is not None:
                title += f", {conf}% sure"
            if r.get("uncertain"):
                title += " (uncertain)"
            title += ": show on the map"
        else:
            title = "Not found on the map"
        key = _get(m, "place_key")
        segments.append((_text_html(piece), {
            "id": _get(m, "id"),
            "start": _get(m, "start"),
            "end": _get(m, "end"),
            "cls": " ".join(cls),
            "place_key": key if key is not None else "",
            "conf": conf,
            "title": title,
        }))

    html: list[str] = []
    for piece, a in segments:
        if a is None:
            html.append(piece)
            continue
        # Every value escaped, as the template's autoescape would (an int's text needs none).
        conf_attr = f' data-confidence="{a["conf"]}"' if a["conf"] is not None else ""
        html.append(
            f'<button type="button" class="{escape(a["cls"])}" data-mention-id="{_attr(a["id"])}"'
            f' data-start="{_attr(a["start"])}" data-end="{_attr(a["end"])}"'
            f' data-place-key="{escape(a["place_key"])}"{conf_attr}'
            f' title="{escape(a["title"])}">{piece}</button>'
        )

    unresolved = []
    for m in mentions:
        if on_map_place(m) is None:
            start, end = _get(m, "start"), _get(m, "end")
            label = text[start:end] if _is_int(start) and _is_int(end) else _get(m, "surface")
            unresolved.append({"start": start, "end": end, "label": label})
    return {"segments": segments, "html": Markup("".join(html)), "unresolved": unresolved}
