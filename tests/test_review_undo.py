"""web/review.py: undo of corrections, points placed on the map, the page's review state, and
the gazetteer search's labels; bad input answers 4xx and leaves the database as it was."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from geo import store
from geo.types import Place
from testkit import PARIS, PARIS_TEXT, PARIS_TX, make_app, paris_story
from web.extensions import db

LYON = Place("gn:2996944", "Lyon", 45.74846, 4.84671, 2996944, "FR", "P", "PPLA", 472317, "Auvergne-Rhône-Alpes")


class FakeIndex:
    """A tiny gazetteer: candidates by name, place by id, country names, and reverse lookups."""

    PLACES = (PARIS, PARIS_TX, LYON)

    def candidates(self, name: str, limit: int = 25) -> list[Place]:
        return [p for p in self.PLACES if p.name.lower() == name.strip().lower()][:limit]

    def place(self, place_id: str) -> Place | None:
        return next((p for p in self.PLACES if p.place_id == place_id), None)


def saved_story(folder, geoparser, **config) -> tuple:  # type: ignore[no-untyped-def]
    """An app over this fake gazetteer and the id of the Paris story stored in it."""
    folder.mkdir(exist_ok=True)
    app = make_app(folder, GEOPARSER=geoparser, GAZETTEER_INDEX=FakeIndex(), **config)
    with app.app_context():
        return app, store.save_story(db.session, "Paris", "test", paris_story()).id


@pytest.fixture
def story(tmp_path, fake_geoparser) -> tuple:  # type: ignore[no-untyped-def]
    return saved_story(tmp_path, fake_geoparser)


@pytest.fixture
def app(story):  # type: ignore[no-untyped-def]
    return story[0]


@pytest.fixture
def article_id(story) -> int:  # type: ignore[no-untyped-def]
    return story[1]


def db_state(app, article_id: int) -> dict:
    """Every stored fact the review can change: mentions (all columns, alternatives), corrections, places."""
    with app.app_context():
        db.session.expire_all()
        mentions = {}
        for m in db.session.scalars(select(store.Mention).where(store.Mention.article_id == article_id)):
            cols = {c.name: getattr(m, c.key) for c in store.Mention.__table__.columns}
            cols["reviewed_at"] = store.as_utc(m.reviewed_at) if m.reviewed_at else None
            cols["alternatives"] = [(a.rank, a.place_id, a.score) for a in m.alternatives]
            mentions[m.id] = cols
        corrections = [(c.id, c.action) for c in store.article_corrections(db.session, article_id)]
        places = sorted(db.session.scalars(select(store.Place.place_id)))
        return {"mentions": mentions, "corrections": corrections, "places": places}


def mention_id(app, article_id: int, surface: str, n: int = 0) -> int:
    with app.app_context():
        return [m.id for m in store.article_mentions(db.session, article_id) if m.surface == surface][n]


def post(client, article_id: int, **body):  # type: ignore[no-untyped-def]
    return client.post(f"/api/articles/{article_id}/corrections", json=body)


def undo(client, article_id: int):  # type: ignore[no-untyped-def]
    return client.post(f"/api/articles/{article_id}/corrections/undo", json={})


def test_undo_restores_each_step_exactly(app, client, article_id):
    paris0, paris1 = mention_id(app, article_id, "Paris"), mention_id(app, article_id, "Paris", 1)
    atlantis = mention_id(app, article_id, "Atlantis")
    states = [db_state(app, article_id)]
    steps = [
        dict(action="confirm", mention_id=mention_id(app, article_id, "France")),
        dict(action="change", mention_id=paris0, place_id=PARIS_TX.place_id, apply_all=True),
        dict(action="reject", mention_id=atlantis),
        dict(action="change", mention_id=paris1, place_id=LYON.place_id),
        dict(action="add", start=PARIS_TEXT.index("Then"), end=PARIS_TEXT.index("Then") + 4,
             place_id=PARIS.place_id),
    ]
    for body in steps:
        response = post(client, article_id, **body)
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["page"]["undo_depth"] == len(states)
        states.append(db_state(app, article_id))
    assert states[-1] != states[0]
    for depth in range(len(steps), 0, -1):
        response = undo(client, article_id)
        assert response.status_code == 200
        assert response.get_json()["undone"]["action"] == steps[depth - 1]["action"]
        assert response.get_json()["page"]["undo_depth"] == depth - 1
        after = db_state(app, article_id)
        # Mentions (ids, places, review, alternatives) exactly as before that step.
        assert after["mentions"] == states[depth - 1]["mentions"]
        assert after["corrections"] == states[depth - 1]["corrections"]
    response = undo(client, article_id)
    assert response.status_code == 409 and "no correction to undo" in response.get_json()["error"]


def test_an_undone_correction_is_not_applied_again_by_a_reanalysis(app, client, runner, article_id):
    post(client, article_id, action="reject", mention_id=mention_id(app, article_id, "Atlantis"))
    assert undo(client, article_id).status_code == 200
    assert runner.invoke(args=["reanalyze", str(article_id)]).exit_code == 0
    assert "Atlantis" in [m["surface"] for m in json_page(client, article_id)["queue"]]


def json_page(client, article_id: int) -> dict:
    response = client.get(f"/api/articles/{article_id}/review")
    assert response.status_code == 200
    return response.get_json()


def test_a_reanalysis_ends_undo_for_older_corrections(app, client, runner, article_id):
    post(client, article_id, action="confirm", mention_id=mention_id(app, article_id, "France"))
    assert json_page(client, article_id)["undo_depth"] == 1
    assert runner.invoke(args=["reanalyze", str(article_id)]).exit_code == 0
    assert json_page(client, article_id)["undo_depth"] == 0
    before = db_state(app, article_id)
    response = undo(client, article_id)
    assert response.status_code == 409 and "analysed again" in response.get_json()["error"]
    assert db_state(app, article_id) == before


def test_place_a_mention_by_clicking_the_map(app, client, article_id):
    client.post("/api/reviewer", json={"name": "Ana"})
    atlantis = mention_id(app, article_id, "Atlantis")
    response = post(client, article_id, action="change", mention_id=atlantis,
                    point={"lat": 36.4, "lon": 25.4, "name": "  Thera   caldera "})
    assert response.status_code == 200, response.get_json()
    place = response.get_json()["place"]
    assert place["place_id"].startswith("manual:") and place["name"] == "Thera caldera"
    assert place["source"] == "manual" and place["kind"] == "point placed by hand"
    fc = json.loads(client.get(f"/articles/{article_id}.geojson").data)
    feature = next(f for f in fc["features"] if f["properties"]["place_key"] == place["place_id"])
    assert feature["geometry"]["coordinates"] == [25.4, 36.4]
    assert feature["properties"]["source"] == "manual"
    m = feature["properties"]["mentions"][0]
    assert m["review"] == "changed" and m["reviewed_by"] == "Ana" and m["reviewed_at"]
    paris = next(f for f in fc["features"] if f["properties"]["place_key"] == PARIS.place_id)
    assert paris["properties"]["source"] == "gazetteer"
    # Also "add" on selected text; the name defaults to the text.
    start = PARIS_TEXT.index("Then")
    added = post(client, article_id, action="add", start=start, end=start + 4, point={"lat": 1, "lon": 2})
    assert added.status_code == 200 and added.get_json()["place"]["name"] == "Then"
    # Undo drops the point no one uses any more (no gazetteer write, no orphan row).
    assert undo(client, article_id).status_code == 200
    assert undo(client, article_id).status_code == 200
    assert not [p for p in db_state(app, article_id)["places"] if p.startswith("manual:")]


@pytest.mark.parametrize(("body", "message"), [
    ({"action": "change", "point": {"lat": 91, "lon": 0}}, '"lat" between -90 and 90'),
    ({"action": "change", "point": {"lat": 0, "lon": -181}}, '"lon" between -180 and 180'),
    ({"action": "change", "point": {"lat": "1", "lon": 0}}, '"lat" between'),
    ({"action": "change", "point": {"lat": True, "lon": 0}}, '"lat" between'),
    ({"action": "change", "point": [1, 2]}, '"point" must be an object'),
    ({"action": "change", "point": {"lat": 1, "lon": 2, "name": 7}}, '"name" must be a string'),
    ({"action": "change", "point": {"lat": 1, "lon": 2, "name": "x" * 201}}, '"name" is too long'),
    ({"action": "change"}, 'needs a "place_id" or a "point"'),
    ({"action": "change", "place_id": "gn:404"}, "There is no place"),
])
def test_bad_corrections_are_refused_and_change_nothing(app, client, article_id, body, message):
    before = db_state(app, article_id)
    response = post(client, article_id, mention_id=mention_id(app, article_id, "Atlantis"), **body)
    assert response.status_code == 400
    assert message in response.get_json()["error"]
    assert db_state(app, article_id) == before


def test_undo_and_review_routes_check_ids_and_editors(app, client, article_id, tmp_path, fake_geoparser):
    assert undo(client, 999).status_code == 404
    assert client.post("/api/articles/2147483648/corrections/undo", json={}).status_code == 404
    assert client.get("/api/articles/999/review").status_code == 404
    assert client.get("/api/articles/1/review\x00").status_code in (400, 404)
    locked, aid = saved_story(tmp_path / "locked", fake_geoparser, EDITOR_TOKEN="s3cret")
    with locked.app_context():
        store.add_correction(db.session, store.get_article(db.session, aid), "confirm", start=0, end=5)
    other = locked.test_client()
    assert other.post(f"/api/articles/{aid}/corrections/undo", json={}).status_code == 401
    assert other.post(f"/api/articles/{aid}/corrections", json={
        "action": "change", "start": 0, "end": 5, "point": {"lat": 1, "lon": 1}}).status_code == 401
    form = other.post(f"/api/articles/{aid}/corrections/undo", data={})
    assert form.status_code in (401, 403)
    assert db_state(locked, aid)["corrections"] != []


def test_page_state_after_a_change(app, client, article_id):
    paris0 = mention_id(app, article_id, "Paris")
    body = post(client, article_id, action="change", mention_id=paris0, place_id=LYON.place_id).get_json()
    page = body["page"]
    button = next(m for m in page["mentions"] if m["id"] == paris0)
    assert button["place_key"] == LYON.place_id and "mention-reviewed" in button["class"]
    assert button["title"].startswith("Lyon (FR), reviewed")
    item = next(i for i in page["queue"] if i["id"] == paris0)
    assert item["review"] == "changed" and item["place_name"] == "Lyon"
    assert page["to_review"] == 1  # Atlantis
    assert (page["place_count"], page["mention_count"]) == (4, 5)  # Lyon, Paris, France, Atlantis
    assert body["place"]["label"] == "Lyon, Auvergne-Rhône-Alpes, France"


def test_search_results_are_labelled_with_country_names_and_kinds(client):
    found = client.get("/api/gazetteer?q=Paris").get_json()["candidates"]
    assert [c["label"] for c in found] == ["Paris, France", "Paris, United States"]  # no admin-1 here
    assert [c["kind"] for c in found] == ["capital city", "town"]
    assert found[0]["country"] == "France"
