"""web/review.py and web/library.py: corrections (JSON), gazetteer search, re-analysis,
rename, the library map and the place page, and how corrections flow into the GeoJSON export."""
from __future__ import annotations

import json
import re

import pytest

from web.extensions import db
from geo import store
from geo.types import Place
from web.review import place_json
from testkit import FRANCE, PARIS, PARIS_TEXT, PARIS_TX, make_app, paris_story

LYON = Place("gn:2996944", "Lyon", 45.74846, 4.84671, 2996944, "FR", "P", "PPLA", 472317)


class FakeIndex:
    """A tiny gazetteer: candidates by name, and place by id."""

    PLACES = (PARIS, PARIS_TX, FRANCE, LYON)

    def candidates(self, name: str, limit: int = 25) -> list[Place]:
        return [p for p in self.PLACES if p.name.lower() == name.strip().lower()][:limit]

    def place(self, place_id: str) -> Place | None:
        return next((p for p in self.PLACES if p.place_id == place_id), None)


@pytest.fixture
def app(tmp_path, fake_geoparser):  # type: ignore[no-untyped-def]
    return make_app(tmp_path, GEOPARSER=fake_geoparser, GAZETTEER_INDEX=FakeIndex())


@pytest.fixture
def article_id(app) -> int:
    with app.app_context():
        return store.save_story(db.session, "Paris", "test", paris_story()).id


def mention_ids(app, article_id: int) -> dict[tuple[str, int], int]:
    """(surface, n-th occurrence) -> mention id."""
    out: dict[tuple[str, int], int] = {}
    with app.app_context():
        for m in store.article_mentions(db.session, article_id):
            n = sum(1 for k in out if k[0] == m.surface)
            out[(m.surface, n)] = m.id
    return out


def post(client, article_id: int, **body):  # type: ignore[no-untyped-def]
    return client.post(f"/api/articles/{article_id}/corrections", json=body)


def export_mentions(client, article_id: int | None = None) -> dict[int, dict]:
    """start -> mention properties (with the feature's place_key), from the GeoJSON."""
    url = f"/articles/{article_id}.geojson" if article_id else "/export.geojson"
    fc = json.loads(client.get(url).data)
    out = {}
    for f in fc["features"]:
        for m in f["properties"]["mentions"]:
            out[m["start"]] = dict(m, place_key=f["properties"]["place_key"], feature=f)
    return out


def test_export_marks_uncertain_and_unreviewed_mentions(client, article_id):
    by_start = export_mentions(client, article_id)
    atlantis = by_start[PARIS_TEXT.index("Atlantis")]
    assert atlantis["uncertain"] is True and atlantis["reviewed"] is False
    paris = by_start[0]
    assert paris["uncertain"] is False and paris["reviewed"] is False
    assert "alternatives" not in paris  # only reviewed mentions carry them
    assert paris["feature"]["properties"]["reviewed"] is False


def test_confirm_shows_who_and_when_and_survives_in_the_export(app, client, article_id):
    client.post("/api/reviewer", json={"name": "  Ana   Lima "})
    ids = mention_ids(app, article_id)
    response = post(client, article_id, action="confirm", mention_id=ids[("Paris", 0)])
    assert response.status_code == 200
    body = response.get_json()
    assert body["touched"] == 1 and body["reviewer"] == "Ana Lima" and body["scope"] == "mention"
    paris = export_mentions(client, article_id)[0]
    assert paris["reviewed"] is True and paris["review"] == "confirmed"
    assert paris["reviewed_by"] == "Ana Lima" and paris["reviewed_at"]
    # The rejected candidate (Paris, Texas) is kept as an alternative.
    assert [a["place_id"] for a in paris["alternatives"]] == [PARIS_TX.place_id]
    page = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "confirmed by Ana Lima" in page
    assert "mention-reviewed" in page


def test_change_to_a_stored_alternative_for_every_identical_mention(app, client, article_id):
    ids = mention_ids(app, article_id)
    alts = client.get(f"/api/articles/{article_id}/mentions/{ids[('Paris', 0)]}/alternatives")
    data = alts.get_json()
    assert data["same_text"] == 2 and data["current"]["place_id"] == PARIS.place_id
    assert [c["place_id"] for c in data["candidates"]] == [PARIS_TX.place_id]
    response = post(client, article_id, action="change", mention_id=ids[("Paris", 0)],
                    place_id=PARIS_TX.place_id, apply_all=True)
    assert response.get_json()["touched"] == 2
    by_start = export_mentions(client, article_id)
    for start in (0, PARIS_TEXT.index("Paris", 1)):
        m = by_start[start]
        assert m["place_key"] == PARIS_TX.place_id and m["review"] == "changed"
        assert PARIS.place_id in [a["place_id"] for a in m["alternatives"]]
    # Every export of the library carries the same review.
    assert export_mentions(client)[0]["review"] == "changed"


def test_change_to_a_gazetteer_search_result(app, client, article_id):
    found = client.get("/api/gazetteer?q=lyon").get_json()
    assert [c["place_id"] for c in found["candidates"]] == [LYON.place_id]
    assert found["candidates"][0]["label"] == "Lyon, France"  # names from geo.countries, as in exports
    ids = mention_ids(app, article_id)
    post(client, article_id, action="change", mention_id=ids[("Atlantis", 0)],
         place_id=LYON.place_id)
    atlantis = export_mentions(client, article_id)[PARIS_TEXT.index("Atlantis")]
    assert atlantis["place_key"] == LYON.place_id and atlantis["uncertain"] is False
    assert atlantis["feature"]["geometry"]["coordinates"] == [4.84671, 45.74846]


def test_not_a_place_removes_the_mention_and_is_recorded(app, client, article_id):
    ids = mention_ids(app, article_id)
    post(client, article_id, action="reject", mention_id=ids[("French", 0)])
    by_start = export_mentions(client, article_id)
    assert PARIS_TEXT.index("French") not in by_start
    with app.app_context():
        states = store.review_states(db.session)
    assert states[article_id].corrections == 1
    assert states[article_id].to_review == 1  # Atlantis is still uncertain


def test_add_place_on_selected_text(app, client, article_id):
    start = PARIS_TEXT.index("The French")
    response = post(client, article_id, action="add", start=start, end=start + 3,
                    place_id=LYON.place_id)
    assert response.status_code == 200 and response.get_json()["touched"] == 1
    m = export_mentions(client, article_id)[start]
    assert m["text"] == "The" and m["review"] == "added" and m["place_key"] == LYON.place_id
    assert m["passage"] == "The French love Paris."


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"action": "explode", "mention_id": 1}, 400),
        ({"action": "change", "mention_id": 1}, 400),  # no place
        ({"action": "change", "mention_id": 1, "place_id": "gn:0"}, 400),  # unknown place
        ({"action": "confirm", "mention_id": 999}, 404),
        ({"action": "confirm"}, 400),  # no target
        ({"action": "confirm", "start": 0, "end": 9999}, 400),  # outside the text
        ({"action": "add", "start": 5, "end": 6, "place_id": LYON.place_id}, 400),  # a space
        ({"action": "confirm", "mention_id": "1"}, 400),
    ],
)
def test_bad_corrections_are_refused_with_json(client, article_id, body, status):
    response = post(client, article_id, **body)
    assert response.status_code == status
    assert response.mimetype == "application/json" and response.get_json()["error"]


def test_corrections_need_the_csrf_token_or_json(app, article_id):
    bare = app.test_client(send_csrf=False)
    form = bare.post(f"/api/articles/{article_id}/corrections", data={"action": "confirm"})
    assert form.status_code == 403


def test_corrections_survive_reanalysis(app, client, runner, fake_geoparser):
    article_id = client.post("/api/articles", json={"title": "P", "text": PARIS_TEXT}).get_json()["id"]
    ids = mention_ids(app, article_id)
    post(client, article_id, action="change", mention_id=ids[("Paris", 1)], place_id=LYON.place_id)
    post(client, article_id, action="reject", mention_id=ids[("Atlantis", 0)])
    post(client, article_id, action="confirm", mention_id=ids[("France", 0)])
    start = PARIS_TEXT.index("Then")
    post(client, article_id, action="add", start=start, end=start + 4, place_id=PARIS.place_id)
    before = {s: (m["place_key"], m.get("review")) for s, m in export_mentions(client, article_id).items()}

    result = runner.invoke(args=["reanalyze", str(article_id)])
    assert result.exit_code == 0, result.output
    assert fake_geoparser.calls[-1] == PARIS_TEXT
    after = {s: (m["place_key"], m.get("review")) for s, m in export_mentions(client, article_id).items()}
    assert after == before
    assert after[PARIS_TEXT.index("Paris", 1)] == (LYON.place_id, "changed")
    assert PARIS_TEXT.index("Atlantis") not in after
    # The button on the page does the same.
    response = client.post(f"/articles/{article_id}/reanalyze")
    assert response.status_code == 303
    assert {s: (m["place_key"], m.get("review"))
            for s, m in export_mentions(client, article_id).items()} == before


def test_rename_article(app, client, article_id):
    response = client.post(f"/articles/{article_id}/rename", data={"title": "  A <new>  name "})
    assert response.status_code == 303
    page = client.get("/").get_data(as_text=True)
    assert "A &lt;new&gt; name" in page
    assert client.post(f"/articles/{article_id}/rename", data={"title": " "}).status_code == 400
    assert client.post("/articles/999/rename", data={"title": "x"}).status_code == 404


def test_library_shows_review_state(app, client, article_id):
    page = client.get("/").get_data(as_text=True)
    assert "1 to review" in page and "Map of all stories" in page
    ids = mention_ids(app, article_id)
    post(client, article_id, action="reject", mention_id=ids[("Atlantis", 0)])
    page = client.get("/").get_data(as_text=True)
    assert "nothing uncertain" in page and "1 correction" in page


def test_article_page_lists_uncertain_mentions_first(client, article_id):
    page = client.get(f"/articles/{article_id}").get_data(as_text=True)
    queue = re.findall(r'<span class="review-surface">([^<]+)</span>', page)
    assert queue[0] == "Atlantis" and sorted(queue) == sorted(["Paris", "France", "French", "Paris", "Atlantis"])
    assert re.search(r'class="mention mention-unresolved[^"]*mention-uncertain', page)
    for control in ('id="step-prev"', 'id="step-next"', 'id="step-status"', 'aria-live="polite"',
                    'for="reviewer-name"', 'for="place-search-input"'):
        assert control in page


def test_library_map_page(client, article_id):
    response = client.get("/map")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # Issue 10: the map loads its area's places, and filters by one story through a link.
    assert 'data-mode="library"' in page and 'data-geojson-url="/map/places.geojson"' in page
    assert f'href="/map?article={article_id}"' in page
    assert 'href="/export.geojson"' in page and "data-bounds=" in page
    assert "js/story.js" in page


def test_place_page_lists_passages_newest_first(app, client, article_id):
    with app.app_context():
        newer = store.save_story(db.session, "Later", "t", paris_story(PARIS_TEXT + "\nParis again.")).id
    response = client.get("/places/" + PARIS.place_id)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.index("Later") < page.index(">Paris</a>")
    assert page.count('<mark class="quote">Paris</mark>') == 4  # two in each story
    assert f"/articles/{newer}#mention-" in page
    assert client.get("/places/gn:404").status_code == 404


def test_gazetteer_search_empty_and_comma_queries(client):
    assert client.get("/api/gazetteer?q=").get_json()["candidates"] == []
    assert [c["place_id"] for c in client.get("/api/gazetteer?q=Paris, France").get_json()["candidates"]] \
        == [PARIS.place_id, PARIS_TX.place_id]  # an index without geocode(): the name part only


def test_reanalyze_command_unknown_article(runner):
    result = runner.invoke(args=["reanalyze", "42"])
    assert result.exit_code != 0 and "no article 42" in result.output


def test_read_only_without_the_editor_token(tmp_path, fake_geoparser):
    app = make_app(tmp_path, GEOPARSER=fake_geoparser, GAZETTEER_INDEX=FakeIndex(),
                   EDITOR_TOKEN="s3cret")
    with app.app_context():
        article_id = store.save_story(db.session, "Paris", "test", paris_story()).id
    client = app.test_client()
    page = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "data-corrections-url" not in page and 'id="review-tools"' not in page
    assert "Sign in as an editor" in page
    assert "Rename to" not in client.get("/").get_data(as_text=True)
    assert post(client, article_id, action="confirm", mention_id=1).status_code == 401
    assert client.get("/api/gazetteer?q=paris").status_code == 200  # reading stays public


def test_approximate_placements_are_uncertain_until_reviewed(app, client):
    from geo.types import Story
    from testkit import mention

    text = "Fighting in Baba Amr, a quarter of Paris."
    host = Place("approx:baba-amr@gn:2988507", "Baba Amr", 48.85, 2.35, None, "FR", None, None,
                 0, None, "approximate")
    story = Story(text, (mention(text, "Baba Amr", host, confidence=0.9),
                         mention(text, "Paris", PARIS, confidence=0.9)))
    with app.app_context():
        article_id = store.save_story(db.session, "Approx", "t", story).id
    by_start = export_mentions(client, article_id)
    baba = by_start[text.index("Baba")]
    assert baba["uncertain"] is True and baba["feature"]["properties"]["approximate"] is True
    assert by_start[text.index("Paris")]["uncertain"] is False
    page = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "approximate" in page and "1 uncertain" in page
    post(client, article_id, action="confirm", start=text.index("Baba"), end=text.index("Baba") + 8)
    baba = export_mentions(client, article_id)[text.index("Baba")]
    assert baba["uncertain"] is False and baba["reviewed"] is True


def test_deleting_an_article_deletes_its_corrections(app, client, article_id):
    ids = mention_ids(app, article_id)
    post(client, article_id, action="confirm", mention_id=ids[("Paris", 0)])
    assert client.post(f"/articles/{article_id}/delete").status_code == 303
    with app.app_context():
        assert store.article_corrections(db.session, article_id) == []
        assert store.review_states(db.session) == {}


@pytest.mark.parametrize(("source", "population", "kind"), [
    ("postal", None, "locality (US postal code)"),  # the 300 the resolver assumes is no figure to show
    ("geonames", 300, "town"),
])
def test_candidate_population_shown_only_when_known(source, population, kind):
    place = Place("pc:US.TN.ten-mile", "Ten Mile", 35.69, -84.65, None, "US", "P", "PPL", 300, "Tennessee", source)
    found = place_json(place)
    assert (found["population"], found["kind"]) == (population, kind)
    assert found["label"] == "Ten Mile, Tennessee, United States"
