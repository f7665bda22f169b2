"""The JSON API: POST/GET /api/articles."""
from __future__ import annotations

import pytest

from testkit import PARIS_UPLOAD, FakeGeoparser, make_app, n_articles

HTML = ("<html><head><title>Paris news</title></head><body><nav>Home | Sport</nav><article>"
        "<p>Paris is the capital of France and the largest city in the country.</p>"
        "</article><footer>Cookie policy</footer></body></html>")


def test_create_from_text(app, client):
    response = client.post("/api/articles", json={"title": "Paste", "text": PARIS_UPLOAD})
    assert response.status_code == 202 and response.is_json
    body = response.get_json()
    assert body["id"] == 1
    assert body["url"].endswith("/articles/1")
    assert body["geojson"].endswith("/articles/1.geojson")
    assert body["status"] in ("queued", "done")  # immediate mode in tests: done by now
    assert response.headers["Location"] == body["url"]
    assert n_articles(app) == 1


def test_create_from_html_keeps_the_main_text(app, client):
    response = client.post("/api/articles", json={"html": HTML})
    assert response.status_code == 202
    listed = client.get("/api/articles").get_json()["articles"]
    assert listed[0]["title"] == "Paris news"
    page = client.get("/articles/1").get_data(as_text=True)
    assert "Cookie policy" not in page


def test_create_the_same_text_twice_returns_the_existing_article(app, client):
    first = client.post("/api/articles", json={"title": "a", "text": PARIS_UPLOAD})
    second = client.post("/api/articles", json={"title": "b", "text": PARIS_UPLOAD})
    assert (first.status_code, second.status_code) == (202, 200)
    assert first.get_json()["id"] == second.get_json()["id"]
    assert second.get_json()["message"].startswith("already stored")
    assert n_articles(app) == 1


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"data": "{not json", "content_type": "application/json"}, 400),
        ({"data": "title=x", "content_type": "application/x-www-form-urlencoded"}, 400),
        ({"json": ["a", "list"]}, 400),
        ({"json": {"title": "no body"}}, 400),
        ({"json": {"text": "Paris", "html": "<p>Paris</p>"}}, 400),
        ({"json": {"text": 42}}, 400),
        ({"json": {"title": 7, "text": "Paris"}}, 400),
        ({"json": {"text": "   "}}, 400),
        ({"json": {"html": "<html><body></body></html>"}}, 400),
        ({"json": {"text": "a\x00b"}}, 415),
    ],
)
def test_bad_requests_are_json_errors_and_store_nothing(app, client, kwargs, status):
    response = client.post("/api/articles", **kwargs)
    assert response.status_code == status
    assert response.is_json and response.get_json()["error"]
    assert n_articles(app) == 0


def test_too_large_json_is_a_json_413(tmp_path):
    app = make_app(tmp_path, GEOPARSER=FakeGeoparser(), MAX_CONTENT_LENGTH=200)
    response = app.test_client().post("/api/articles", json={"text": "Paris " * 100})
    assert response.status_code == 413 and response.is_json
    assert n_articles(app) == 0


def test_list_articles(client):
    assert client.get("/api/articles").get_json() == {  # a page of the library (issue 10)
        "articles": [], "next": None, "previous": None, "total": 0, "page": 1, "per": 50}
    client.post("/api/articles", json={"title": "One <b>", "text": PARIS_UPLOAD})
    response = client.get("/api/articles")
    assert response.status_code == 200 and response.is_json
    (article,) = response.get_json()["articles"]
    assert article["title"] == "One <b>"
    assert (article["place_count"], article["mention_count"], article["status"]) == (2, 3, "done")
    assert article["created_at"].endswith("+00:00")
    assert article["geojson"].endswith("/articles/1.geojson")


@pytest.mark.parametrize(("method", "path"), [("get", "/api/nothing"), ("delete", "/api/articles")])
def test_api_errors_are_json(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code in (404, 405) and response.is_json


def test_api_posts_are_not_subject_to_the_form_origin_check(client):
    response = client.post("/api/articles", json={"text": PARIS_UPLOAD}, headers={"Origin": "https://other.example"})
    assert response.status_code == 202
