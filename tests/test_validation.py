"""web/validation.py: hostile input on every JSON route and URL is a 4xx with a clear message,
never a 500, and the database is left exactly as it was (issue 10, item 3)."""
from __future__ import annotations

from typing import Any

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.exceptions import BadRequest

from geo import store
from geo.types import Place
from testkit import FakeGeoparser, make_app, upload
from test_hostile import assert_still_serves, snapshot
from test_postgres import SERVER_URL, pg_app  # noqa: F401 (pg_app is a fixture)
from web.extensions import MIGRATIONS_DIR, db
from web.validation import MAX_ID, MAX_JSON_DEPTH, MAX_PATH_ARG_CHARS, json_int, json_str

LONG_TEXT = "Paris in France is a city. " * 40  # over 1,000 characters: room for over-long spans
LYON = Place("gn:2996944", "Lyon", 45.74846, 4.84671, 2996944, "FR", "P", "PPLA", 472317)


class OneCityIndex:
    """A gazetteer that knows Lyon only."""

    def candidates(self, name: str, limit: int = 25) -> list[Place]:
        return [LYON] if name.strip().lower() == "lyon" else []

    def place(self, place_id: str) -> Place | None:
        return LYON if place_id == LYON.place_id else None


def deep(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


@pytest.fixture
def seeded(tmp_path) -> Flask:  # type: ignore[no-untyped-def]
    app = make_app(tmp_path, GEOPARSER=FakeGeoparser(), GAZETTEER_INDEX=OneCityIndex())
    app.testing = False  # a bug answers 500 here instead of raising inside the test
    assert upload(app.test_client(), title="Seed", text=LONG_TEXT).status_code == 303
    return app


def first_mention(app: Flask) -> int:
    with app.app_context():
        return store.article_mentions(db.session, 1)[0].id


TOO_BIG = [MAX_ID + 1, 2**63, 10**30]
NOT_INTS = [-1, 1.5, 1.0, True, False, "1", [1], {"id": 1}]
CORRECTIONS = "/api/articles/1/corrections"
MENTION = "the seed's first mention"  # replaced by its id in the test

#: (case, path, JSON body): every one must answer 4xx and change nothing.
HOSTILE_JSON: list[tuple[str, str, Any]] = [
    *[(f"mention_id {v!r}", CORRECTIONS, {"action": "confirm", "mention_id": v})
      for v in TOO_BIG + NOT_INTS],
    *[(f"start {v!r}", CORRECTIONS, {"action": "confirm", "start": v, "end": 5})
      for v in TOO_BIG + NOT_INTS],
    *[(f"end {v!r}", CORRECTIONS, {"action": "confirm", "start": 0, "end": v})
      for v in TOO_BIG + NOT_INTS],
    ("end before start", CORRECTIONS, {"action": "confirm", "start": 9, "end": 3}),
    ("empty span", CORRECTIONS, {"action": "confirm", "start": 3, "end": 3}),
    ("span over 500 characters", CORRECTIONS,
     {"action": "add", "start": 0, "end": 900, "place_id": LYON.place_id}),
    ("action with NUL", CORRECTIONS, {"action": "confirm\x00", "mention_id": MENTION}),
    ("action 1 MB", CORRECTIONS, {"action": "c" * 1_000_000, "mention_id": MENTION}),
    ("action a number", CORRECTIONS, {"action": 5, "mention_id": MENTION}),
    ("action a list", CORRECTIONS, {"action": ["confirm"], "mention_id": MENTION}),
    ("place_id with NUL", CORRECTIONS,
     {"action": "change", "mention_id": MENTION, "place_id": "gn:2996944\x00"}),
    ("place_id 10,000 chars", CORRECTIONS,
     {"action": "change", "mention_id": MENTION, "place_id": "g" * 10_000}),
    ("place_id a number", CORRECTIONS, {"action": "change", "mention_id": MENTION, "place_id": 7}),
    ("reviewer with NUL", CORRECTIONS, {"action": "confirm", "mention_id": MENTION, "reviewer": "A\x00"}),
    ("reviewer 100,000 chars", CORRECTIONS,
     {"action": "confirm", "mention_id": MENTION, "reviewer": "A" * 100_000}),
    ("deep JSON in a correction", CORRECTIONS,
     {"action": "confirm", "mention_id": MENTION, "x": deep(MAX_JSON_DEPTH + 5)}),
    ("correction not an object", CORRECTIONS, ["confirm", 1]),
    ("reviewer name with NUL", "/api/reviewer", {"name": "Ana\x00"}),
    ("reviewer name 100,000 chars", "/api/reviewer", {"name": "A" * 100_000}),
    ("reviewer name a number", "/api/reviewer", {"name": 5}),
    ("deep JSON as reviewer", "/api/reviewer", {"name": deep(MAX_JSON_DEPTH + 1)}),
    ("article text with NUL", "/api/articles", {"title": "t", "text": "Paris\x00"}),
    ("article text a bool", "/api/articles", {"text": True}),
    ("article text a number", "/api/articles", {"text": 12}),
    ("article title a number", "/api/articles", {"title": 1, "text": "Paris"}),
    ("deep JSON article", "/api/articles", {"text": "Paris", "x": deep(MAX_JSON_DEPTH + 5)}),
    ("deep JSON article text", "/api/articles", {"text": deep(500)}),
]


@pytest.mark.parametrize(("case", "path", "body"), HOSTILE_JSON, ids=[c[0] for c in HOSTILE_JSON])
def test_hostile_json_is_a_4xx_and_changes_nothing(seeded, case, path, body):
    client = seeded.test_client()
    if isinstance(body, dict) and body.get("mention_id") == MENTION:
        body = {**body, "mention_id": first_mention(seeded)}
    before = snapshot(seeded)
    response = client.post(path, json=body)
    assert 400 <= response.status_code < 500, (case, response.status_code)
    assert response.is_json and response.get_json()["error"]
    assert snapshot(seeded) == before
    assert_still_serves(client)


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"a": ' + b"[" * 5_000, b'{"a": {"b": ' * 30])
@pytest.mark.parametrize("path", [CORRECTIONS, "/api/reviewer", "/api/articles"])
def test_raw_deep_json_is_a_400(seeded, path, body):
    client = seeded.test_client()
    before = snapshot(seeded)
    response = client.post(path, data=body, content_type="application/json")
    assert response.status_code == 400 and response.is_json
    assert snapshot(seeded) == before


#: (case, method, path, expected status): URLs with ids out of range, NUL, over-long parts.
HOSTILE_URLS = [
    ("article id 2^31", "get", f"/articles/{MAX_ID + 1}", 404),
    ("article GeoJSON id 2^31", "get", f"/articles/{MAX_ID + 1}.geojson", 404),
    ("delete id 2^31", "post", f"/articles/{MAX_ID + 1}/delete", 404),
    ("rename id 2^31", "post", f"/articles/{MAX_ID + 1}/rename", 404),
    ("reanalyze id 2^31", "post", f"/articles/{MAX_ID + 1}/reanalyze", 404),
    ("corrections id 2^31", "post", f"/api/articles/{MAX_ID + 1}/corrections", 404),
    ("mention id 2^31", "get", f"/api/articles/1/mentions/{MAX_ID + 1}/alternatives", 404),
    ("mention id 10^30", "get", f"/api/articles/1/mentions/{10**30}/alternatives", 404),
    ("negative mention id", "get", "/api/articles/1/mentions/-1/alternatives", 404),
    ("place id 201 chars", "get", "/places/" + "g" * (MAX_PATH_ARG_CHARS + 1), 404),
    ("place id 100,000 chars", "get", "/places/" + "g" * 100_000, 404),
    ("place id with NUL", "get", "/places/gn:1%00", 400),
    ("gazetteer query with NUL", "get", "/api/gazetteer?q=Lyon%00", 400),
    ("query key with NUL", "get", "/?a%00=1", 400),
]


@pytest.mark.parametrize(("case", "method", "path", "status"), HOSTILE_URLS,
                         ids=[c[0] for c in HOSTILE_URLS])
def test_hostile_urls_are_a_4xx_and_change_nothing(seeded, case, method, path, status):
    client = seeded.test_client()
    before = snapshot(seeded)
    response = getattr(client, method)(path)
    assert response.status_code == status, case
    assert snapshot(seeded) == before


def test_the_largest_id_is_still_routed(seeded):
    client = seeded.test_client()
    assert client.get(f"/articles/{MAX_ID}").status_code == 404  # routed, and not stored
    assert client.get("/places/" + "g" * MAX_PATH_ARG_CHARS).status_code == 404


def test_valid_corrections_still_work(seeded):
    client = seeded.test_client()
    response = client.post(CORRECTIONS, json={"action": "add", "start": 0, "end": 5,
                                              "place_id": LYON.place_id, "reviewer": "Ana"})
    assert response.status_code == 200 and response.get_json()["reviewer"] == "Ana"


@pytest.mark.parametrize(
    ("payload", "args", "expected"),
    [
        ({}, {}, None),
        ({"n": 0}, {}, 0),
        ({"n": MAX_ID}, {}, MAX_ID),
        ({"n": 5}, {"low": 5, "high": 5}, 5),
        ({"n": MAX_ID + 1}, {}, BadRequest),
        ({"n": -1}, {}, BadRequest),
        ({"n": 6}, {"high": 5}, BadRequest),
        ({"n": True}, {}, BadRequest),
        ({"n": 2.0}, {}, BadRequest),
        ({"n": "2"}, {}, BadRequest),
    ],
)
def test_json_int(payload, args, expected):
    if expected is BadRequest:
        with pytest.raises(BadRequest):
            json_int(payload, "n", **args)
    else:
        assert json_int(payload, "n", **args) == expected


@pytest.mark.parametrize(
    ("payload", "max_chars", "expected"),
    [
        ({}, 10, None),
        ({"s": ""}, 10, ""),
        ({"s": "x" * 10}, 10, "x" * 10),
        ({"s": "x" * 11}, 10, BadRequest),
        ({"s": "a\x00b"}, 10, BadRequest),
        ({"s": 1}, 10, BadRequest),
        ({"s": ["x"]}, 10, BadRequest),
    ],
)
def test_json_str(payload, max_chars, expected):
    if expected is BadRequest:
        with pytest.raises(BadRequest):
            json_str(payload, "s", max_chars)
    else:
        assert json_str(payload, "s", max_chars) == expected


# --------------------------------------------------------------------------- on PostgreSQL

#: Where PostgreSQL itself refuses what SQLite accepts: 4-byte integers, NUL in text, varchar(500).
PG_CASES = [
    ("get", f"/articles/{MAX_ID + 1}", None, 404),
    ("get", f"/api/articles/1/mentions/{MAX_ID + 1}/alternatives", None, 404),
    ("post", CORRECTIONS, {"action": "confirm", "mention_id": MAX_ID + 1}, 400),
    ("post", CORRECTIONS, {"action": "add", "start": 0, "end": 900, "place_id": LYON.place_id}, 400),
    ("post", CORRECTIONS, {"action": "change", "mention_id": MENTION, "place_id": "gn:1\x00"}, 400),
    ("get", "/places/gn:1%00", None, 400),
    ("get", "/api/gazetteer?q=Lyon%00", None, 400),
]


@pytest.mark.skipif(not SERVER_URL, reason="TEST_POSTGRES_URL is not set")
def test_hostile_input_on_postgresql(pg_app):  # noqa: F811 (the fixture)
    pg_app.testing = False
    pg_app.config.update(GEOPARSER=FakeGeoparser(), GAZETTEER_INDEX=OneCityIndex())
    with pg_app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
    client = pg_app.test_client()
    assert client.post("/api/articles", json={"text": LONG_TEXT}).status_code == 202
    mention = first_mention(pg_app)
    for method, path, body, status in PG_CASES:
        if body is not None and body.get("mention_id") == MENTION:
            body = {**body, "mention_id": mention}
        response = getattr(client, method)(path, **({"json": body} if body is not None else {}))
        assert response.status_code == status, (path, body)
    with pg_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(store.Correction)) == 0
    assert client.get("/api/articles").status_code == 200
