"""web/storytext.py and web/mapview.py: text segmentation for the highlighted article text,
and the map HTML."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from markupsafe import Markup

from web.mapview import MAP_VAR, OSM_TILES, csp_script_hashes, own_modules, render_map
from web.settings import parse_tiles
from web.storytext import story_text, text_segments


def M(start, end, **kw):
    return dict(start=start, end=end, **kw)


@dataclass(frozen=True)
class Obj:
    start: int
    end: int


def plain(segments):
    """Segments as (text, (start, end) | None) for easy comparison."""
    return [(s, None if m is None else (m["start"], m["end"]) if isinstance(m, dict)
             else (m.start, m.end)) for s, m in segments]


SEGMENT_CASES = [
    pytest.param("", [], [], id="empty-text"),
    pytest.param("no places here", [], [("no places here", None)], id="no-mentions"),
    pytest.param("Homs is", [M(0, 4)], [("Homs", (0, 4)), (" is", None)], id="at-start"),
    pytest.param("to Homs", [M(3, 7)], [("to ", None), ("Homs", (3, 7))], id="at-end"),
    pytest.param("Homs", [M(0, 4)], [("Homs", (0, 4))], id="whole-text"),
    pytest.param(
        "Homs, Qusair and Lebanon",
        [M(17, 24), M(0, 4), M(6, 12)],  # unsorted input
        [("Homs", (0, 4)), (", ", None), ("Qusair", (6, 12)), (" and ", None),
         ("Lebanon", (17, 24))],
        id="several-unsorted",
    ),
    pytest.param(
        "SyriaLebanon",
        [M(0, 5), M(5, 12)],
        [("Syria", (0, 5)), ("Lebanon", (5, 12))],
        id="adjacent",
    ),
    pytest.param(
        "New York City",
        [M(0, 8), M(4, 13)],
        [("New York", (0, 8)), (" City", None)],
        id="overlap-keeps-first",
    ),
    pytest.param(
        "New York City",
        [M(0, 8), M(0, 13)],
        [("New York City", (0, 13))],
        id="same-start-prefers-longer",
    ),
    pytest.param(
        "in Paris",
        [M(3, 8), M(3, 8)],
        [("in ", None), ("Paris", (3, 8))],
        id="duplicate",
    ),
    pytest.param(
        "abc",
        [M(2, 2), M(-1, 2), M(1, 9), M(2, 1), M("0", 1), M(None, 1), M(True, 2)],
        [("abc", None)],
        id="invalid-spans-ignored",
    ),
    pytest.param(
        "Zürich — São Paulo 🌍 Kraków",
        [M(0, 6), M(9, 18), M(21, 27)],
        [("Zürich", (0, 6)), (" — ", None), ("São Paulo", (9, 18)), (" 🌍 ", None),
         ("Kraków", (21, 27))],
        id="unicode-code-points",
    ),
    pytest.param(
        "<b>Gaza</b> & co",
        [M(3, 7)],
        [("<b>", None), ("Gaza", (3, 7)), ("</b> & co", None)],
        id="markup-is-just-text",
    ),
]


@pytest.mark.parametrize("text, mentions, expected", SEGMENT_CASES)
def test_text_segments(text, mentions, expected):
    segments = text_segments(text, mentions)
    assert plain(segments) == expected
    assert "".join(s for s, _ in segments) == text
    for seg, m in segments:
        assert seg  # no empty segments
        if m is not None:
            assert text[m["start"]:m["end"]] == seg


def test_text_segments_accepts_objects_and_returns_the_same_mention():
    mention = Obj(3, 8)
    segments = text_segments("in Paris!", [mention])
    assert segments[1][1] is mention
    assert plain(segments) == [("in ", None), ("Paris", (3, 8)), ("!", None)]


def test_text_segments_none_text_and_mentions():
    assert text_segments(None, None) == []


def static_url(path):
    return "/static/" + path


URL_ATTR = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.I)


def test_render_map_offline_has_only_local_assets():
    html = render_map(None, static_url)
    assert isinstance(html, Markup)
    assert "http://" not in html and "https://" not in html
    assert "//cdn" not in html
    urls = URL_ATTR.findall(html)
    assert urls, "expected link/script tags"
    assert all(u.startswith("/static/") for u in urls), urls
    for needed in ("vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css",
                   "vendor/leaflet.markercluster/leaflet.markercluster.js",
                   "vendor/leaflet.markercluster/MarkerCluster.css",
                   "vendor/topojson-client/topojson-client.min.js", "js/story.js"):
        assert "/static/" + needed in html
    for unwanted in ("jquery", "bootstrap", "awesome", "fontawesome", "glyphicons"):
        assert unwanted not in html.lower()
    # The hook story.js uses to find folium's Leaflet map.
    assert f'data-map-var="{MAP_VAR}"' in html
    assert f"var {MAP_VAR} = L.map(" in html
    assert 'data-basemap-url="/static/vendor/world-atlas/countries-50m.json"' in html
    assert "tile.openstreetmap.org" not in html
    # story.js must load after the map script that creates the map.
    assert html.index(f"var {MAP_VAR}") < html.index("js/story.js")
    # The cluster plugin extends Leaflet: after leaflet.js, before our script.
    assert html.index("leaflet/leaflet.js") < html.index("leaflet.markercluster.js") < html.index("js/story.js")


def test_render_map_preloads_every_module_story_js_imports():
    """The browser fetches the modules together (<link rel=modulepreload>), not one import level
    at a time: every module any of our scripts imports is preloaded, before story.js."""
    html = render_map(None, static_url)
    preloaded = re.findall(r'<link rel="modulepreload" href="/static/([^"]+)">', html)
    assert preloaded == list(own_modules()) and len(preloaded) >= 10
    static = Path(__file__).resolve().parent.parent / "static"
    imported = set()
    for script in [static / "js" / "story.js", *(static / p for p in preloaded)]:
        for name in re.findall(r'from "\./(?:story/)?([a-z]+\.js)"', script.read_text(encoding="utf-8")):
            imported.add(f"js/story/{name}")
    assert imported and imported <= set(preloaded)
    assert max(html.index(p) for p in preloaded) < html.index('src="/static/js/story.js"')


@pytest.mark.parametrize("tiles", [None, "", "none", "off"])
def test_render_map_offline_spellings(tiles):
    assert "openstreetmap" not in render_map(parse_tiles(tiles), static_url).lower()


@pytest.mark.parametrize("tiles", ["osm", "OSM", "openstreetmap"])
def test_render_map_osm_tiles(tiles):
    html = render_map(parse_tiles(tiles), static_url)
    assert OSM_TILES in html
    assert "OpenStreetMap" in html  # attribution
    assert 'data-tiles="osm"' in html
    # The only remote URL is the tile template; every asset is still local.
    assert all(u.startswith("/static/") for u in URL_ATTR.findall(html))


def test_render_map_rejects_unknown_tiles():
    with pytest.raises(ValueError):
        render_map("https://evil.example/{z}/{x}/{y}.png", static_url)
    with pytest.raises(ValueError):
        parse_tiles("https://evil.example/{z}/{x}/{y}.png")


def test_render_map_uses_static_url_and_escapes_it():
    html = render_map(None, lambda p: '/app/static/' + p + '?v="1"')
    assert '/app/static/vendor/leaflet/leaflet.js?v=&#34;1&#34;' in html


def test_render_map_does_not_mutate_folium_defaults():
    import folium

    before = list(folium.Map.default_js), list(folium.Map.default_css)
    render_map(None, static_url)
    render_map("osm", static_url)
    assert (list(folium.Map.default_js), list(folium.Map.default_css)) == before


@pytest.mark.parametrize("tiles", [None, "osm"])
def test_inline_script_is_constant_so_a_csp_hash_can_allow_it(tiles):
    a = render_map(tiles, static_url)
    b = render_map(tiles, lambda p: "/other/" + p)
    hashes = csp_script_hashes(a)
    assert len(hashes) == 1
    assert hashes == csp_script_hashes(b)
    assert hashes[0].startswith("'sha256-") and hashes[0].endswith("='")


def test_csp_script_hashes_ignores_external_scripts():
    assert csp_script_hashes('<script src="/a.js"></script>') == []
    assert len(csp_script_hashes("<script>x=1</script><script type='module'>y</script>")) == 2


# --------------------------------------------------------------------------- article.html

def _render_article(text, mentions, places=()):
    import html
    from pathlib import Path

    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(Path(__file__).resolve().parent.parent / "templates")),
        autoescape=select_autoescape(["html"]),
    )
    env.globals["url_for"] = lambda endpoint, **kw: "/" + endpoint + "".join(
        f"/{v}" for v in kw.values())
    page = env.get_template("article.html").render(
        article=dict(id=1, title="<T>", source="s", text=text, created_at=None, status="done"),
        mentions=list(mentions), places=list(places), geojson_url="/1.geojson",
        map_html=Markup("<div id=map></div>"),
        story=story_text(text, mentions, places, {}),
    )
    body = re.search(r'<div class="article-text" id="article-text">(.*?)</div>', page, re.S).group(1)
    spans = [(int(a), int(b), html.unescape(s)) for a, b, s in re.findall(
        r'<button [^>]*data-start="(\d+)" data-end="(\d+)"[^>]*>(.*?)</button>', body, re.S)]
    plain_text = html.unescape(re.sub(r"<[^>]+>", "", body))
    return page, body, spans, plain_text


@pytest.mark.parametrize("text, mentions, expected", SEGMENT_CASES)
def test_article_template_highlights_like_text_segments(text, mentions, expected):
    mentions = [dict(m, id=i, surface="", kind="literal", confidence=1.0, place_key=None)
                for i, m in enumerate(mentions)]
    _, _, spans, plain_text = _render_article(text, mentions)
    want = [(m["start"], m["end"], s) for s, m in text_segments(text, mentions) if m is not None]
    assert spans == want
    assert plain_text == text


def test_article_template_escapes_user_text():
    text = 'Go to <script>alert("x")</script> Gaza & "Rafah"'
    start = text.index("Gaza")
    mentions = [dict(id=1, start=start, end=start + 4, surface="Gaza", kind="literal",
                     confidence=0.9, place_key="gn:281133")]
    places = [dict(place_key="gn:281133", name='Gaza <b>', country_code="PS", lat=31.5,
                   lon=34.47, count=1)]
    page, body, spans, plain_text = _render_article(text, mentions, places)
    assert "<script>alert" not in page and "<b>" not in page
    assert "&lt;script&gt;" in body
    assert 'class="mention mention-resolved' in body
    assert spans == [(start, start + 4, "Gaza")]
    assert plain_text == text


def test_article_template_marks_unresolved_mentions():
    text = "From Quillmoor to Paris"
    mentions = [dict(id=1, start=5, end=14, surface="Quillmoor", kind="literal", confidence=0.0,
                     place_key="unresolved:Quillmoor"),
                dict(id=2, start=18, end=23, surface="Paris", kind="literal", confidence=0.9,
                     place_key="gn:2988507")]
    places = [dict(place_key="unresolved:Quillmoor", name="Quillmoor", country_code=None,
                   lat=None, lon=None, count=1),
              dict(place_key="gn:2988507", name="Paris", country_code="FR", lat=48.85,
                   lon=2.35, count=1)]
    page, body, _, _ = _render_article(text, mentions, places)
    assert re.search(r'class="mention mention-unresolved[^"]*" data-mention-id="1"', body)
    assert re.search(r'class="mention mention-resolved[^"]*" data-mention-id="2"', body)
    assert 'class="unresolved-button" data-start="5"' in page


def test_article_template_keeps_carriage_returns_as_references():
    """Browsers send form text with CRLF; a literal CR would vanish from the DOM and shift
    every offset the page's script computes after it."""
    text = "Paris\r\nand\r\nLyon"
    mentions = [dict(id=1, start=12, end=16, surface="Lyon", kind="literal", confidence=0.9,
                     place_key=None)]
    page, body, spans, plain_text = _render_article(text, mentions)
    assert "\r" not in body and body.count("&#13;") == 2
    assert plain_text == text and spans == [(12, 16, "Lyon")]


# --------------------------------------------------------------------------- story_text data

REVIEWED = {"review": "changed", "reviewed_by": "Ana", "uncertain": False}


@pytest.mark.parametrize(
    ("place", "review", "cls", "title"),
    [
        (dict(name="Paris", country_code="FR"), {},
         "mention mention-resolved mention-kind-literal", "Paris (FR), 80% sure: show on the map"),
        (dict(name="Paris", country_code=None), {"uncertain": True},
         "mention mention-resolved mention-kind-literal mention-uncertain",
         "Paris, 80% sure (uncertain): show on the map"),
        (dict(name="Paris", country_code="FR"), REVIEWED,
         "mention mention-resolved mention-kind-literal mention-reviewed",
         "Paris (FR), reviewed by Ana: show on the map"),
        (dict(name="Baba Amr", country_code="SY"), {"approximate": True, "uncertain": True},
         "mention mention-resolved mention-kind-literal mention-uncertain mention-approximate",
         "Baba Amr (SY), approximate placement (uncertain): show on the map"),
        (None, {"uncertain": True},
         "mention mention-unresolved mention-kind-literal mention-uncertain", "Not found on the map"),
    ],
)
def test_story_text_mention_classes_and_titles(place, review, cls, title):
    text = "In Paris."
    mention = dict(id=7, start=3, end=8, kind="literal", confidence=0.8, place_key="k")
    places = [dict(place_key="k", lat=1.0, lon=2.0, **place)] if place else []
    story = story_text(text, [mention], places, {7: review})
    (button,) = [s for s in story.segments if s.cls]
    assert (button.cls, button.title) == (cls, title)
    assert (button.id, button.start, button.end, button.place_key, button.conf) == (7, 3, 8, "k", 80)
    assert [(u.start, u.end, u.label) for u in story.unresolved] == ([] if place else [(3, 8, "Paris")])


@pytest.mark.parametrize(
    ("confidence", "kind", "conf", "cls_part"),
    [(0.125, "demonym", 12, "mention-kind-demonym"), (None, None, None, "mention-kind-literal"),
     (1.0, "literal", 100, "mention-kind-literal")],
)
def test_story_text_confidence_and_kind(confidence, kind, conf, cls_part):
    mention = dict(id=1, start=0, end=5, kind=kind, confidence=confidence, place_key=None)
    (segment,) = story_text("Paris", [mention]).segments
    assert segment.conf == conf and cls_part in segment.cls.split()


def _review_list_html(items):
    from datetime import datetime, timezone
    from pathlib import Path

    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from web.review import ReviewItem

    env = Environment(
        loader=FileSystemLoader(str(Path(__file__).resolve().parent.parent / "templates")),
        autoescape=select_autoescape(["html"]),
    )
    base = dict(id=1, start=0, end=5, surface="<Paris>", place_name="Paris", country_code="FR",
                place_id="gn:1", uncertain=False, review=None, reviewed_by=None, reviewed_at=None,
                approximate=False, confidence=0.8, percent=80)
    at = datetime(2024, 5, 1, 12, 30, tzinfo=timezone.utc)
    rows = [ReviewItem(**{**base, **({"reviewed_at": at} if i.pop("at", False) else {}), **i})
            for i in items]
    return str(env.get_template("_story.html").module.review_items(rows))


@pytest.mark.parametrize(
    ("item", "state", "cls"),
    [
        ({}, "80% sure", "review-item"),
        ({"uncertain": True, "percent": 30}, "? 30% sure", "review-item is-uncertain"),
        ({"uncertain": True, "place_name": None}, "? not found", "review-item is-uncertain"),
        ({"uncertain": True, "approximate": True}, "? approximate", "review-item is-uncertain"),
        ({"review": "confirmed"}, "✓ confirmed", "review-item is-reviewed"),
        ({"review": "changed", "reviewed_by": "A<b>", "at": True},
         '✓ changed by A&lt;b&gt; <time datetime="2024-05-01T12:30:00+00:00">2024-05-01 12:30</time>',
         "review-item is-reviewed"),
    ],
)
def test_review_items_macro(item, state, cls):
    html = _review_list_html([item])
    assert f'<li class="{cls}" data-mention-id="1">' in html
    assert f'<span class="review-state">{state}</span>' in html
    assert '<span class="review-surface">&lt;Paris&gt;</span>' in html
    place = "not found" if item.get("place_name", "Paris") is None else "Paris FR"
    assert f'<span class="review-place">{place}</span>' in html
