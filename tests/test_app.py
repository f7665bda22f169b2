"""Flask client tests for every page route: status, content type, body, database state."""
from __future__ import annotations

import io
import json

import pytest
from app import create_app
from geo.store import Article
from web.extensions import db
from web.settings import load_or_create_secret_key, parse_tiles, settings_from_env
from testkit import (
    PARIS_UPLOAD,
    FakeGeoparser,
    located,
    make_app,
    n_articles,
    n_mentions,
    near,
    upload,
)


# ---------------------------------------------------------------- configuration


@pytest.mark.parametrize(
    ("env", "key", "expected"),
    [
        ({}, "TILES", None),
        ({"TILES": "osm"}, "TILES", "osm"),
        ({"TILES": "off"}, "TILES", None),
        ({}, "MAX_CONTENT_LENGTH", 5 * 1024 * 1024),
        ({"MAX_UPLOAD_MB": "1"}, "MAX_CONTENT_LENGTH", 1024 * 1024),
        ({"DATABASE_URL": "postgres://u@h/d"}, "DATABASE_URL", "postgresql://u@h/d"),
        ({}, "DATABASE_URL", "sqlite:////inst/app.sqlite"),
        ({}, "GAZETTEER_PATH", "/inst/gazetteer.sqlite"),
        ({"GAZETTEER_PATH": "/g.sqlite"}, "GAZETTEER_PATH", "/g.sqlite"),
        ({"SECRET_KEY": "s3"}, "SECRET_KEY", "s3"),
    ],
)
def test_settings_from_env(env, key, expected):
    assert settings_from_env("/inst", env)[key] == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("", None), ("off", None), (" None ", None), ("offline", None),
     ("osm", "osm"), ("OSM", "osm"), ("openstreetmap", "osm")],
)
def test_parse_tiles(value, expected):
    assert parse_tiles(value) == expected


@pytest.mark.parametrize("value", ["google", "https://evil.example/{z}/{x}/{y}.png", "osm2"])
def test_parse_tiles_refuses_anything_else(value):
    with pytest.raises(ValueError):
        parse_tiles(value)


@pytest.mark.parametrize("env", [{"TILES": "google"}, {"MAX_UPLOAD_MB": "lots"}])
def test_bad_settings_fail_loudly(env):
    with pytest.raises(RuntimeError):
        settings_from_env("/inst", env)


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = load_or_create_secret_key(tmp_path)
    assert len(first) >= 32
    assert load_or_create_secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_secret_keys_differ_between_instances(tmp_path):
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    assert load_or_create_secret_key(tmp_path / "a") != load_or_create_secret_key(tmp_path / "b")


def test_testing_config_is_applied(app):
    assert app.testing and app.config["SECRET_KEY"] == "test"
    assert not create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://"}).testing


def test_missing_gazetteer_is_a_503_page(tmp_path):
    app = make_app(tmp_path)  # no injected geoparser, no gazetteer file
    response = upload(app.test_client(), text="Paris")
    assert response.status_code == 503
    assert b"gazetteer" in response.data
    assert n_articles(app) == 0


# ---------------------------------------------------------------- library


def test_empty_library_offers_the_sample(client):
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert b'action="/sample"' in response.data
    assert b'action="/upload"' in response.data


def test_library_lists_articles_with_counts(client):
    upload(client, title="Trip to Paris", text=PARIS_UPLOAD)
    body = client.get("/").get_data(as_text=True)
    assert "Trip to Paris" in body
    assert 'action="/sample"' not in body
    assert 'action="/articles/1/delete"' in body


@pytest.mark.parametrize("title", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>'])
def test_titles_are_escaped(client, title):
    upload(client, title=title, text=PARIS_UPLOAD)
    for page in ("/", "/articles/1"):
        body = client.get(page).get_data(as_text=True)
        assert title not in body
        assert "&lt;" in body


def test_article_text_is_escaped(client):
    upload(client, title="t", text="<b>Paris</b> in France")
    body = client.get("/articles/1").get_data(as_text=True)
    assert "<b>Paris</b>" not in body and "&lt;b&gt;" in body


def test_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]


# ---------------------------------------------------------------- upload


def test_paste_upload_redirects_to_the_article(app, client):
    response = upload(client, title="Paste", text=PARIS_UPLOAD)
    assert response.status_code == 303
    assert response.headers["Location"] == "/articles/1"
    assert n_articles(app) == 1 and n_mentions(app) == 3


@pytest.mark.parametrize(
    ("filename", "data", "title"),
    [
        ("paris.txt", PARIS_UPLOAD.encode(), "Paris in France."),
        ("paris.md", b"# Paris notes\n\nParis in France.", "Paris notes"),
        ("../../evil/paris.txt", b"Paris", "Paris"),
        ("paris.html", b"<html><head><title>Paris page</title></head><body><article><p>"
                       b"Paris is the capital city of France and its largest city.</p></article></body></html>",
         "Paris page"),
    ],
)
def test_file_upload(app, client, filename, data, title):
    response = upload(client, file=(io.BytesIO(data), filename))
    assert response.status_code == 303
    with app.app_context():
        article = db.session.get(Article, 1)
        assert article.title == title
        assert article.source == filename.rsplit("/", 1)[-1]


def test_uploaded_text_is_stored_exactly(app, client):
    text = "  Paris\r\nin France  \n\n"
    upload(client, file=(io.BytesIO(text.encode()), "x.txt"))
    with app.app_context():  # issue 12: exactly, apart from the one newline normalisation
        assert db.session.get(Article, 1).text == "  Paris\nin France  \n\n"


def test_the_same_text_twice_is_stored_once(app, client, fake_geoparser):
    first = upload(client, title="a", text=PARIS_UPLOAD)
    second = upload(client, title="b", text=PARIS_UPLOAD)
    assert first.headers["Location"] == second.headers["Location"]
    assert n_articles(app) == 1
    assert len(fake_geoparser.calls) == 1  # the duplicate was not even parsed


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"title": "x", "text": ""}, 400, "no text"),
        ({"title": "x", "text": "  \n\t "}, 400, "no text"),
        ({"file": (io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00"), "photo.png")}, 415, "Unsupported file type"),
        ({"file": (io.BytesIO(b"\x00\x01\x02binary"), "fake.txt")}, 415, "binary"),
        ({"file": (io.BytesIO(b""), "empty.txt")}, 400, "no text"),
    ],
)
def test_bad_uploads_show_the_form_with_a_message_and_store_nothing(app, client, data, status, message):
    response = upload(client, **data)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert message in body and 'action="/upload"' in body
    assert n_articles(app) == 0


def test_a_failed_upload_keeps_what_was_typed(client):
    response = upload(client, title="My <title>", text="   ")
    assert 'value="My &lt;title&gt;"' in response.get_data(as_text=True)


def test_too_large_upload_is_a_readable_413(tmp_path):
    app = make_app(tmp_path, GEOPARSER=FakeGeoparser(), MAX_CONTENT_LENGTH=1024)
    response = upload(app.test_client(), file=(io.BytesIO(b"Paris " * 1000), "big.txt"))
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    assert "too large" in response.get_data(as_text=True)
    assert n_articles(app) == 0


def test_a_geoparser_failure_keeps_the_text_marked_failed(tmp_path):
    """Issue 10: the text is stored first; an analysis that fails marks it failed, no mentions."""
    app = make_app(tmp_path, GEOPARSER=FakeGeoparser(fail=True))
    app.testing = False
    client = app.test_client()
    response = upload(client, title="t", text=PARIS_UPLOAD)
    assert response.status_code == 303
    assert n_articles(app) == 1 and n_mentions(app) == 0
    state = client.get("/api/articles/1").get_json()
    assert state["status"] == "failed" and "RuntimeError" in state["error"]
    assert "failed" in client.get("/articles/1").get_data(as_text=True)


def test_cross_site_form_posts_are_refused(app, client):
    response = client.post("/upload", data={"text": PARIS_UPLOAD}, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert n_articles(app) == 0


def test_same_origin_form_posts_are_accepted(client):
    response = client.post("/upload", data={"text": PARIS_UPLOAD}, headers={"Origin": "http://localhost"})
    assert response.status_code == 303


@pytest.mark.parametrize("path", ["/upload", "/sample", "/articles/1/delete"])
def test_post_only_routes_refuse_get(client, path):
    response = client.get(path)
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


# ---------------------------------------------------------------- sample


def test_load_sample_stores_it_once(app, client):
    response = client.post("/sample")
    assert response.status_code == 303 and response.headers["Location"] == "/articles/1"
    again = client.post("/sample")
    assert again.headers["Location"] == "/articles/1"
    assert n_articles(app) == 1
    assert "Vienna" in client.get("/articles/1").get_data(as_text=True)


# ---------------------------------------------------------------- story page


def test_article_page(client):
    upload(client, title="Trip", text=PARIS_UPLOAD)
    response = client.get("/articles/1")
    assert response.status_code == 200 and response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert "Trip" in body
    assert 'data-geojson-url="/articles/1.geojson"' in body
    assert 'data-place-key="gn:2988507"' in body  # Paris, linked to its GeoJSON feature
    assert 'data-place-key="unresolved:Atlantis"' in body
    assert "/static/vendor/leaflet/leaflet.js" in body


def test_article_page_csp_allows_exactly_the_map_script(client):
    upload(client, title="Trip", text=PARIS_UPLOAD)
    csp = client.get("/articles/1").headers["Content-Security-Policy"]
    assert "'sha256-" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]


@pytest.mark.parametrize(("tiles", "osm_in_csp"), [(None, False), ("osm", True)])
def test_tiles_setting_reaches_the_page(tmp_path, tiles, osm_in_csp):
    app = make_app(tmp_path, GEOPARSER=FakeGeoparser(), TILES=tiles)
    client = app.test_client()
    upload(client, text=PARIS_UPLOAD)
    response = client.get("/articles/1")
    assert ("tile.openstreetmap.org" in response.headers["Content-Security-Policy"]) is osm_in_csp
    assert ("OpenStreetMap" in client.get("/articles/1.geojson").get_data(as_text=True)) is osm_in_csp


@pytest.mark.parametrize("path", ["/articles/1", "/articles/999", "/nope"])
def test_unknown_pages_are_404_pages(client, path):
    response = client.get(path)
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "404" in response.get_data(as_text=True)


# ---------------------------------------------------------------- GeoJSON


def test_article_geojson(client):
    upload(client, text=PARIS_UPLOAD)
    response = client.get("/articles/1.geojson")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    fc = response.get_json(force=True)
    assert fc["type"] == "FeatureCollection"
    names = [(f["properties"]["name"], f["geometry"] is None) for f in fc["features"]]
    assert names == [("Paris", False), ("France", False), ("Atlantis", True)]
    assert {f["properties"]["article_id"] for f in fc["features"]} == {1}
    assert "GeoNames" in " ".join(fc["attribution"])


def test_unknown_article_geojson_is_a_json_404(client):
    response = client.get("/articles/5.geojson")
    assert response.status_code == 404 and response.is_json
    assert "error" in response.get_json()


@pytest.mark.parametrize("n", [0, 1, 3])
def test_export_geojson_holds_every_article(client, n):
    for i in range(n):
        upload(client, text=f"Story {i}: {PARIS_UPLOAD}")
    response = client.get("/export.geojson")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    assert response.is_streamed
    fc = json.loads(response.get_data(as_text=True))
    assert sorted({f["properties"]["article_id"] for f in fc["features"]}) == list(range(1, n + 1))
    assert len(fc["features"]) == 3 * n


# ---------------------------------------------------------------- delete


def test_delete_article(app, client):
    upload(client, text=PARIS_UPLOAD)
    response = client.post("/articles/1/delete")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert n_articles(app) == 0 and n_mentions(app) == 0
    assert client.get("/articles/1").status_code == 404


def test_delete_unknown_article_is_404_and_touches_nothing(app, client):
    upload(client, text=PARIS_UPLOAD)
    assert client.post("/articles/2/delete").status_code == 404
    assert n_articles(app) == 1


# ---------------------------------------------------------------- the real geoparser


def test_real_geoparser_upload_maps_the_places(real_app):
    client = real_app.test_client()
    text = "Flooding hit Bangladesh on Monday. Officials in Dhaka said rivers near Chittagong had burst their banks."
    response = upload(client, title="Floods", text=text)
    assert response.status_code == 303
    fc = client.get(response.headers["Location"] + ".geojson").get_json(force=True)
    where = located(fc)
    assert near(where.get("Dhaka"), 23.71, 90.41)
    assert near(where.get("Bangladesh"), 24.0, 90.0, degrees=3)
    assert near(where.get("Chittagong"), 22.34, 91.83)
    for f in fc["features"]:
        for m in f["properties"]["mentions"]:
            assert text[m["start"]:m["end"]] == m["text"]


def test_real_geoparser_sample_story(real_app):
    client = real_app.test_client()
    client.post("/sample")
    fc = client.get("/articles/1.geojson").get_json(force=True)
    where = located(fc)
    assert near(where.get("Vienna"), 48.21, 16.37)
    assert near(where.get("Budapest"), 47.50, 19.04)
    assert near(where.get("Belgrade"), 44.80, 20.47)
    assert near(where.get("Bucharest"), 44.43, 26.10)


@pytest.mark.parametrize(
    ("title", "expected"),
    [("", "Paris in France."), ("  Given \n title ", "Given title"), ("x" * 300, "x" * 199 + "…")],
)
def test_a_title_typed_next_to_a_file_wins(app, client, title, expected):
    upload(client, title=title, file=(io.BytesIO(PARIS_UPLOAD.encode()), "paris.txt"))
    with app.app_context():
        assert db.session.get(Article, 1).title == expected


def test_the_story_pages_places_are_the_geojson_features(app, client):
    """The page groups its places as geo.geojson does: same keys, order, names, points, counts."""
    from geo import store
    from web.stories import article_collection, place_rows

    upload(client, title="Two", text="Paris in France.\nParis again, Atlantis and France.")
    with app.test_request_context():
        places = place_rows(store.article_mentions(db.session, 1))
        feats = article_collection(1)["features"]
    expected = []
    for f in feats:
        lon, lat = f["geometry"]["coordinates"] if f["geometry"] else (None, None)
        p = f["properties"]
        expected.append({"place_key": p["place_key"], "name": p["name"],
                         "country_code": p["country_code"], "lat": lat, "lon": lon,
                         "count": p["mention_count"]})
    assert places == expected
    assert [p["count"] for p in places] == [2, 2, 1]
