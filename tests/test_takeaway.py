"""Take the story with you: the downloaded one-file story and the embed page (web/takeaway.py),
their escaping and headers, and the units they are built from (web/inlining.py, web/mapparts.py,
the EMBED_FRAME_ANCESTORS setting)."""
from __future__ import annotations

import base64
import html as html_module
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from testkit import PARIS_UPLOAD, make_app, upload
from web.inlining import json_for_script, script_for_html, static_path, style_for_html
from web.mapparts import map_parts
from web.mapview import render_map
from web.settings import parse_frame_ancestors, settings_from_env
from web.takeaway import BUNDLES, story_filename

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
HOSTILE_TITLE = "</script><script>alert(1)</script> <!-- & \u2028\u2029 \"quoted\" 'single'"
HOSTILE_TEXT = "Paris in France.\n</script><img src=x onerror=alert(2)> <!-- Atlantis is lost. &amp; \u2028"


class Page(HTMLParser):
    """The scripts (attributes and text), links and meta tags of a page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict[str, str], str]] = []
        self.tags: list[tuple[str, dict[str, str]]] = []
        self._open: dict[str, str] | None = None
        self._text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if tag == "script":
            self._open, self._text = a, []

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "script" and self._open is not None:
            self.scripts.append((self._open, "".join(self._text)))
            self._open = None

    def islands(self) -> dict[str, object]:
        return {a["data-island-for"]: json.loads(t) for a, t in self.scripts if "data-island-for" in a}

    def code(self) -> list[str]:
        return [t for a, t in self.scripts if a.get("type", "") not in ("application/json",)]

    def meta_policy(self) -> str:
        return next(a["content"] for t, a in self.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.fixture
def story(client):  # type: ignore[no-untyped-def]
    assert upload(client, title="Paris & <friends>", text=PARIS_UPLOAD).status_code == 303
    return client


# --------------------------------------------------------------------------- the download


def test_download_is_an_attachment_named_from_the_title(story):
    r = story.get("/articles/1/story.html")
    assert r.status_code == 200
    assert r.mimetype == "text/html"
    assert r.headers["Content-Disposition"] == "attachment; filename=paris-friends.html"


def test_download_carries_everything_inline(story):
    html = story.get("/articles/1/story.html").get_data(as_text=True)
    page = Page(html)
    # Nothing to load: no script or stylesheet by URL, no module (file:// cannot import them).
    assert [a for a, _ in page.scripts if "src" in a or a.get("type") == "module"] == []
    assert [a for t, a in page.tags if t == "link" and a.get("rel") != "icon"] == []
    assert [a["href"] for t, a in page.tags if t == "link"] == ["data:,"]
    assert [a for t, a in page.tags if t in ("img", "iframe", "object", "embed")] == []
    # The data islands: the article's GeoJSON as the app serves it, and every data-*-url layer.
    islands = page.islands()
    assert islands["/articles/1.geojson"] == story.get("/articles/1.geojson").get_json()
    (container,) = [a for t, a in page.tags if t == "div" and "story-map" in a.get("class", "")]
    layers = {v for k, v in container.items() if k.startswith("data-") and k.endswith("-url")}
    assert layers and layers <= set(islands)
    for url in layers:
        assert islands[url] == json.loads((STATIC / url.removeprefix("/static/")).read_text("utf-8"))
    # Leaflet, its plugins, topojson, folium's map script and our bundle, in that order.
    code = page.code()
    assert len(code) == 5
    assert "L.map(" in code[3] and "data-island-for" in code[4]
    assert "url(images/" not in html and "data:image/png;base64," in html  # Leaflet's CSS images


def test_download_carries_every_static_layer_the_map_names(story, monkeypatch):
    """Whatever data-*-url layers _map.html adds: our static ones travel as islands (by the
    URL as written), others are left out and the download still works."""
    import web.takeaway

    real = web.takeaway.render_map
    extra = ('data-labels-url="/static/vendor/world-atlas/countries-50m.json?v=2" '
             'data-remote-url="/elsewhere/rivers.json" data-tiles=')
    monkeypatch.setattr(web.takeaway, "render_map", lambda *a: str(real(*a)).replace("data-tiles=", extra, 1))
    r = story.get("/articles/1/story.html")
    assert r.status_code == 200
    islands = Page(r.get_data(as_text=True)).islands()
    assert set(islands) == {"/articles/1.geojson", "/static/vendor/world-atlas/countries-50m.json",
                            "/static/vendor/world-atlas/countries-50m.json?v=2",
                            "/static/data/country-ids.json", "/static/basemap/admin1.json",
                            "/static/basemap/water.json"}


def test_download_carries_the_labels_world_file_but_not_their_cells(story):
    """labels.js reads world.json beside the index (a path, as the index is written); the
    per-cell town files stay behind, and the page marks itself offline so none is fetched."""
    html = story.get("/articles/1/story.html").get_data(as_text=True)
    islands = Page(html).islands()
    assert {"/static/basemap/labels/index.json", "/static/basemap/labels/world.json"} <= set(islands)
    assert not [url for url in islands if url.startswith("/static/basemap/labels/") and url.count("/") > 4]
    assert "<html lang=\"en\" data-offline>" in html
    assert "data-offline" not in story.get("/articles/1/embed").get_data(as_text=True)


def test_download_stays_offline_when_the_app_shows_web_tiles(tmp_path, fake_geoparser):
    app = make_app(tmp_path, GEOPARSER=fake_geoparser, TILES="osm")
    client = app.test_client()
    upload(client, title="t", text=PARIS_UPLOAD)
    assert "tile.openstreetmap.org" in client.get("/articles/1").get_data(as_text=True)
    html = client.get("/articles/1/story.html").get_data(as_text=True)
    assert "tile.openstreetmap.org" not in html and "OpenStreetMap" not in html
    assert 'data-tiles="none"' in html


def test_download_is_read_only_and_credits_the_data(story):
    html = story.get("/articles/1/story.html").get_data(as_text=True)
    page = Page(html)
    ids = {a.get("id") for _, a in page.tags}
    attrs = {k for _, a in page.tags for k in a}
    assert not ids & {"review-panel", "review-tools", "reviewer-name", "selection-bar"}
    assert not attrs & {"data-corrections-url", "data-search-url", "data-alternatives-url", "data-place-url"}
    fields = [a for t, a in page.tags if t in ("form", "input", "textarea") or a.get("name") == "csrf-token"]
    assert fields == [{"type": "checkbox", "id": "route-toggle"}]  # the reading-order line only
    assert "GeoNames" in html and "CC BY 4.0" in html and "Natural Earth" in html
    assert 'id="step-next"' in html and 'id="article-text"' in html


def test_download_policy_allows_exactly_its_scripts(story):
    page = Page(story.get("/articles/1/story.html").get_data(as_text=True))
    policy = dict(d.strip().split(" ", 1) for d in page.meta_policy().split(";"))
    assert sorted(policy["script-src"].split()) == sorted(sha256_source(t) for t in page.code())
    assert policy["connect-src"] == "'none'" and policy["default-src"] == "'none'"


def test_hostile_title_and_text_stay_text(client):
    assert upload(client, title=HOSTILE_TITLE, text=HOSTILE_TEXT).status_code == 303
    r = client.get("/articles/1/story.html")
    html = r.get_data(as_text=True)
    page = Page(html)
    assert len(page.code()) == 5  # nothing injected
    assert "<script>alert" not in html and "<img src=x" not in html and "<!-- Atlantis" not in html
    for _, text in page.scripts:
        assert "</script" not in text.lower() and "\u2028" not in text and "\u2029" not in text
    fc = page.islands()["/articles/1.geojson"]
    assert fc == client.get("/articles/1.geojson").get_json()
    assert "</script><img src=x onerror=alert(2)>" in json.dumps(fc, ensure_ascii=False)
    title = re.search(r"<title>(.*?)</title>", html).group(1)
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in title
    assert r.headers["Content-Disposition"] == "attachment; filename=script-script-alert-1-script-quoted-single.html"


@pytest.mark.parametrize("path", ["/articles/99/story.html", "/articles/99/embed"])
def test_missing_story_is_404(client, path):
    assert client.get(path).status_code == 404


def test_story_page_offers_the_download_and_the_embed_code(story):
    html = story.get("/articles/1").get_data(as_text=True)
    assert 'href="/articles/1/story.html" download>Download story (HTML)</a>' in html
    textarea = re.search(r'<textarea id="embed-snippet"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    snippet = html_module.unescape(textarea)  # what the reader sees and copies
    assert snippet.startswith('<iframe src="http://localhost/articles/1/embed" title="Paris &amp; &lt;friends&gt;"')
    assert snippet.endswith("></iframe>")


# --------------------------------------------------------------------------- the embed page


def test_embed_may_be_framed_by_self_by_default(story):
    r = story.get("/articles/1/embed")
    assert r.status_code == 200
    assert "frame-ancestors 'self'" in r.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in r.headers
    html = r.get_data(as_text=True)
    assert 'class="site-header"' not in html and "review-panel" not in html
    assert 'id="story"' in html and 'type="module"' in html and "Open the full story" in html


def test_embed_is_read_only_even_for_an_editor(tmp_path, fake_geoparser):
    app = make_app(tmp_path, GEOPARSER=fake_geoparser, EDITOR_TOKEN="secret")
    client = app.test_client()
    auth = {"Authorization": "Bearer secret"}
    assert client.post("/upload", data={"title": "t", "text": PARIS_UPLOAD}, headers=auth).status_code == 303
    assert "data-corrections-url" in client.get("/articles/1", headers=auth).get_data(as_text=True)
    assert "data-corrections-url" not in client.get("/articles/1/embed", headers=auth).get_data(as_text=True)


def test_embed_frame_ancestors_is_a_setting_and_other_pages_refuse_framing(tmp_path, fake_geoparser):
    app = make_app(tmp_path, GEOPARSER=fake_geoparser, EMBED_FRAME_ANCESTORS="https://news.example.org")
    client = app.test_client()
    upload(client, title="t", text=PARIS_UPLOAD)
    csp = client.get("/articles/1/embed").headers["Content-Security-Policy"]
    assert "frame-ancestors https://news.example.org;" in csp
    for path in ("/", "/articles/1", "/articles/1/story.html", "/map", "/articles/1.geojson"):
        r = client.get(path)
        assert r.headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"], path


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "'self'"),
        ("", "'self'"),
        ("'none'", "'none'"),
        ("'self' https://news.example.org", "'self' https://news.example.org"),
        ("*.example.com:8443 https:", "*.example.com:8443 https:"),
        ("http://127.0.0.1:5001/path", "http://127.0.0.1:5001/path"),
    ],
)
def test_frame_ancestors_table(value, expected):
    assert parse_frame_ancestors(value) == expected


@pytest.mark.parametrize("value", ["'self'; script-src *", "a,b", "'none' 'self'", "self'", "https://a b\nc:d"])
def test_frame_ancestors_refuses_what_is_not_a_source_list(value):
    with pytest.raises(ValueError):
        parse_frame_ancestors(value)


def test_frame_ancestors_setting_from_the_environment(tmp_path):
    assert settings_from_env(str(tmp_path), {})["EMBED_FRAME_ANCESTORS"] == "'self'"
    env = {"EMBED_FRAME_ANCESTORS": "https://a.example https://b.example"}
    assert settings_from_env(str(tmp_path), env)["EMBED_FRAME_ANCESTORS"] == "https://a.example https://b.example"
    with pytest.raises(RuntimeError, match="EMBED_FRAME_ANCESTORS"):
        settings_from_env(str(tmp_path), {"EMBED_FRAME_ANCESTORS": "'self'; sandbox"})


# --------------------------------------------------------------------------- the units


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Harbour lights & <fog>", "harbour-lights-fog.html"),
        ("Zürich, São Paulo — Łódź", "zurich-sao-paulo-odz.html"),
        ("", "story-7.html"),
        (None, "story-7.html"),
        ("日本語", "story-7.html"),
        ("../../etc/passwd", "etc-passwd.html"),
        ("a" * 80, "a" * 60 + ".html"),
    ],
)
def test_story_filename_table(title, expected):
    assert story_filename(title, 7) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a":"</script>"}', '{"a":"\\u003c/script\\u003e"}'),
        ('{"a":"<!--"}', '{"a":"\\u003c!--"}'),
        ('{"a":"&amp;"}', '{"a":"\\u0026amp;"}'),
        ('{"a":"\u2028\u2029"}', '{"a":"\\u2028\\u2029"}'),
        ('{"a":"plain é"}', '{"a":"plain é"}'),
    ],
)
def test_json_for_script_table(text, expected):
    assert json_for_script(text) == expected
    assert json.loads(json_for_script(text)) == json.loads(text)


@pytest.mark.parametrize(
    ("js", "expected"),
    [
        ('x = "</script>";', 'x = "<\\/script>";'),
        ('x = "</SCRIPT >";', 'x = "<\\/SCRIPT >";'),
        ('x = "<!-- y";', 'x = "<\\!-- y";'),
        ("a < b && c > d", "a < b && c > d"),
    ],
)
def test_script_for_html_table(js, expected):
    assert script_for_html(js) == expected


def test_style_for_html():
    assert style_for_html('a::after { content: "</style>"; }') == 'a::after { content: "<\\/style>"; }'


@pytest.mark.parametrize(
    "url",
    ["/static/../app.py", "/static/vendor/../../app.py", "/elsewhere/x.js", "/static/", "/static//etc/passwd",
     "/static/js\\..\\..\\app.py", "/static/no-such-file.js"],
)
def test_static_path_refuses_what_is_not_a_static_file(app, url):
    with app.test_request_context():
        with pytest.raises(ValueError):
            static_path(url)


def test_static_path_finds_a_static_file(app):
    with app.test_request_context():
        assert static_path("/static/js/story.js") == Path(app.static_folder) / "js" / "story.js"


def test_map_parts_reads_the_map_in_order():
    html = render_map(None, lambda p: "/static/" + p)
    parts = map_parts(html)
    kinds = [p.kind for p in parts.parts]
    assert kinds[-3:] == ["map", "inline", "module"]
    assert kinds.count("stylesheet") >= 1 and kinds.count("script") >= 1
    assert dict(parts.container().attrs)["data-map-var"] == "map_story"
    assert dict(parts.container().inner)["id"] == "map_story"
    assert parts.data_urls()["data-basemap-url"].startswith("/static/")
    assert "L.map(" in parts.parts[kinds.index("inline")].text
    with pytest.raises(ValueError):
        map_parts("<p>no map</p>").container()


def test_the_bundle_is_built_from_the_current_modules():
    """scripts/vendor_assets.sh bundles static/js/story.js (`make install` reruns it when a
    module changes): every module is in it, and none is newer than it."""
    bundle = STATIC / BUNDLES / "js" / "story.js"
    assert bundle.is_file(), "run `make install` (scripts/vendor_assets.sh builds the bundle)"
    text = bundle.read_text("utf-8")
    modules = sorted((STATIC / "js" / "story").glob("*.js"))
    assert [m.name for m in modules if f"// static/js/story/{m.name}" not in text] == []
    stale = [m.name for m in (*modules, STATIC / "js" / "story.js") if m.stat().st_mtime > bundle.stat().st_mtime]
    assert stale == [], "the bundle is older than these modules: rerun scripts/vendor_assets.sh"
