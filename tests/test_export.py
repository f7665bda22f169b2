"""Issue 12: the export's Feature ids, article title and URL, the flat ?shape=mentions, and
offsets that index the stored text whatever newlines a paste came with."""
from __future__ import annotations

import io
import json

import pytest

from geo import store
from testkit import FakeGeoparser, make_app, upload
from web.extensions import db

LF = "Paris in France.\nAtlantis is lost.\nParis again.\n"
CRLF = LF.replace("\n", "\r\n")


def export(client, **query):
    response = client.get("/export.geojson", query_string=query)
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    return json.loads(response.get_data(as_text=True))


@pytest.fixture
def two_stories(client):
    upload(client, title="First story", text=LF)
    upload(client, title="Second story", text="Paris and Atlantis, then France.")
    return client


def test_feature_ids_are_unique_across_the_export(two_stories):
    fc = export(two_stories)
    ids = [f["id"] for f in fc["features"]]
    assert len(ids) == 6 and len(set(ids)) == len(ids)
    assert "1:gn:2988507" in ids and "2:gn:2988507" in ids
    keys = [f["properties"]["place_key"] for f in fc["features"]]
    assert keys.count("gn:2988507") == 2  # the place key stays, for the page's links


def test_features_carry_the_article_title_and_absolute_url(two_stories):
    fc = export(two_stories)
    by_article = {f["properties"]["article_id"]: f["properties"] for f in fc["features"]}
    assert by_article[1]["article_title"] == "First story"
    assert by_article[2]["article_title"] == "Second story"
    assert by_article[2]["article_url"] == "http://localhost/articles/2"
    one = two_stories.get("/articles/1.geojson").get_json(force=True)
    assert {f["properties"]["article_url"] for f in one["features"]} == {"http://localhost/articles/1"}
    assert {f["properties"]["article_title"] for f in one["features"]} == {"First story"}


@pytest.mark.parametrize("shape", ["places", "mentions"])
def test_features_say_where_their_article_is_set(app, two_stories, shape):
    """The setting an uploader gave (read by the analysis as context) rides on each of its article's Features,
    in the whole export and in the article's own; null where none was given."""
    with app.app_context():
        store.set_setting(db.session, 2, "Jordan, Minnesota")
    settings = {(f["properties"]["article_id"], f["properties"]["article_setting"])
                for f in export(two_stories, shape=shape)["features"]}
    assert settings == {(1, None), (2, "Jordan, Minnesota")}
    own = two_stories.get("/articles/2.geojson", query_string={"shape": shape}).get_json(force=True)
    assert {f["properties"]["article_setting"] for f in own["features"]} == {"Jordan, Minnesota"}


def test_resolved_features_name_their_country(two_stories):
    fc = export(two_stories)
    paris = next(f for f in fc["features"] if f["properties"]["place_key"] == "gn:2988507")
    assert paris["properties"]["country"] == "France"
    assert "admin1" in paris["properties"]
    atlantis = next(f for f in fc["features"] if not f["properties"]["resolved"])
    assert atlantis["properties"]["country"] is None


@pytest.mark.parametrize("path", ["/export.geojson", "/articles/1.geojson"])
def test_shape_mentions_is_one_flat_feature_per_mention(two_stories, path):
    nested = two_stories.get(path).get_json(force=True)
    flat = two_stories.get(path, query_string={"shape": "mentions"}).get_json(force=True)
    assert len(flat["features"]) == sum(len(f["properties"]["mentions"]) for f in nested["features"])
    assert len({f["id"] for f in flat["features"]}) == len(flat["features"])
    for f in flat["features"]:
        assert all(not isinstance(v, (list, dict)) for v in f["properties"].values())
        assert {"start", "end", "text", "passage", "article_title", "article_url"} <= f["properties"].keys()
    places = two_stories.get(path, query_string={"shape": "places"}).get_json(force=True)
    assert places == nested


@pytest.mark.parametrize("path", ["/export.geojson", "/articles/1.geojson"])
def test_an_unknown_shape_is_a_400(two_stories, path):
    response = two_stories.get(path, query_string={"shape": "points"})
    assert response.status_code == 400
    assert "shape" in response.get_json(force=True)["error"]


@pytest.mark.parametrize(("how", "text"), [("LF paste", LF), ("CRLF paste", CRLF),
                                            ("CR paste", LF.replace("\n", "\r"))])
def test_export_offsets_index_the_stored_text(app, client, how, text):
    upload(client, title=how, text=text)
    with app.app_context():
        stored = store.get_article(db.session, 1).text
    assert stored == LF  # exactly as given apart from the one newline normalisation
    for shape in ("places", "mentions"):
        fc = export(client, shape=shape)
        spans = ([(m["start"], m["end"], m["text"]) for f in fc["features"] for m in f["properties"]["mentions"]]
                 if shape == "places" else
                 [(f["properties"]["start"], f["properties"]["end"], f["properties"]["text"]) for f in fc["features"]])
        assert len(spans) == 4
        for start, end, surface in spans:
            assert stored[start:end] == surface


def test_crlf_and_lf_pastes_of_one_text_are_one_article(app, client):
    upload(client, text=LF)
    response = upload(client, text=CRLF)
    assert response.headers["Location"] == "/articles/1"
    api = client.post("/api/articles", json={"text": CRLF})
    assert api.status_code == 200 and api.get_json()["id"] == 1


def test_the_api_and_a_file_normalise_too(app, client):
    client.post("/api/articles", json={"title": "api", "text": CRLF.replace("Paris again", "Paris once more")})
    upload(client, file=(io.BytesIO(CRLF.encode()), "crlf.txt"))
    with app.app_context():
        assert "\r" not in store.get_article(db.session, 1).text
        assert store.get_article(db.session, 2).text == LF


def test_the_article_url_honours_trusted_hosts(tmp_path):
    app = make_app(tmp_path, GEOPARSER=FakeGeoparser(), TRUSTED_HOSTS=["maps.example"])
    client = app.test_client(send_csrf=False)  # JSON needs no CSRF token (and no session)
    host = {"Host": "maps.example"}
    assert client.post("/api/articles", json={"text": LF}, headers=host).status_code == 202
    for path in ("/export.geojson", "/articles/1.geojson", "/export.geojson?shape=mentions"):
        fc = client.get(path, headers=host).get_json(force=True)
        assert {f["properties"]["article_url"] for f in fc["features"]} == {"http://maps.example/articles/1"}
        evil = client.get(path, headers={"Host": "evil.example"})
        assert evil.status_code == 400 and b"evil.example" not in evil.data


def test_cli_export_without_a_server_name_has_no_url(app, client, runner):
    upload(client, title="Cli", text=LF)
    result = runner.invoke(args=["export"])
    assert result.exit_code == 0, result.output
    fc = json.loads(result.output)
    assert {f["properties"]["article_url"] for f in fc["features"]} == {None}
    assert {f["properties"]["article_title"] for f in fc["features"]} == {"Cli"}


def test_cli_export_with_a_server_name_has_absolute_urls(app, client, runner):
    upload(client, title="Cli", text=LF)
    app.config["SERVER_NAME"] = "maps.example"
    result = runner.invoke(args=["export", "--article", "1"])
    assert result.exit_code == 0, result.output
    fc = json.loads(result.output)
    assert {f["properties"]["article_url"] for f in fc["features"]} == {"http://maps.example/articles/1"}


def test_the_export_titles_follow_their_articles_over_batches(app, client, monkeypatch):
    """Titles come in keyset batches beside the streamed mentions: batches of 2 over 5 articles,
    one of them not analysed, still pair each article with its own title."""
    from web import stories

    real = store.article_heads
    monkeypatch.setattr(stories.store, "article_heads",
                        lambda session, after_id=0, limit=500: real(session, after_id, 2))
    for k in range(5):
        upload(client, title=f"Story {k + 1}", text=f"Paris, story {k}.")
    with app.app_context():
        store.requeue(db.session, 3)
    fc = export(client)
    assert [(f["properties"]["article_id"], f["properties"]["article_title"]) for f in fc["features"]] == [
        (1, "Story 1"), (2, "Story 2"), (4, "Story 4"), (5, "Story 5")]


@pytest.mark.parametrize("article", [[], ["--article", "1"]])
def test_cli_export_shape_mentions_matches_the_web_export(two_stories, runner, article):
    path = "/articles/1.geojson" if article else "/export.geojson"
    web = two_stories.get(path, query_string={"shape": "mentions"}).get_json(force=True)
    result = runner.invoke(args=["export", "--shape", "mentions", *article])
    assert result.exit_code == 0, result.output
    flat = json.loads(result.output)
    assert [f["id"] for f in flat["features"]] == [f["id"] for f in web["features"]]
    assert all(not isinstance(v, (list, dict)) for f in flat["features"] for v in f["properties"].values())
    nested = json.loads(runner.invoke(args=["export", "--shape", "places", *article]).output)
    assert nested == json.loads(runner.invoke(args=["export", *article]).output)
    assert len(flat["features"]) == sum(len(f["properties"]["mentions"]) for f in nested["features"])


def test_cli_export_refuses_an_unknown_shape(two_stories, runner):
    result = runner.invoke(args=["export", "--shape", "points"])
    assert result.exit_code != 0 and "points" in result.output
