"""Many articles (issue 10): the library a page at a time, searched by title and source, and
the map's places by area and zoom, aggregated by the database through its index."""
from __future__ import annotations

import pytest
from sqlalchemy import text as sql

from geo import store
from geo.types import Place, Story
from testkit import FRANCE, PARIS, mention, paris_story
from web.areamap import cell_degrees
from web.extensions import db

FIJI = Place("gn:2198148", "Suva", -18.14161, 178.44149, 2198148, "FJ", "P", "PPLC", 77366)
SAMOA = Place("gn:4035413", "Apia", -13.83333, -171.76666, 4035413, "WS", "P", "PPLC", 40407)
TITLES = ["Harbour lights", "Derby day", "100% sure", "snake_case story", "Quiet <b>night</b>",
          "Another harbour", "Last"]


def story(k: int, places: tuple[Place, ...] = (PARIS, FRANCE)) -> Story:
    """A story naming each place once (its text differs by ``k``)."""
    text = " and ".join(p.name for p in places) + f" (story {k})."
    return Story(text=text, mentions=tuple(mention(text, p.name, p) for p in places))


@pytest.fixture
def library(app) -> list[int]:
    """Seven stories, oldest first (ids 1..7); the third and fourth have tricky titles."""
    with app.app_context():
        return [store.save_story(db.session, t, f"source-{k}", story(k)).id
                for k, t in enumerate(TITLES)]


def story_titles(page: str) -> list[str]:
    return [t for t in TITLES[::-1] if f">{t.replace('<', '&lt;').replace('>', '&gt;')}</a>" in page]


# --------------------------------------------------------------------------- the library page


@pytest.mark.parametrize(("query", "expected"), [
    ("", TITLES[::-1]),
    ("harbour", ["Another harbour", "Harbour lights"]),  # case-insensitive
    ("source-1", ["Derby day"]),  # the source too
    ("%", ["100% sure"]),  # LIKE's wildcards are literal
    ("_", ["snake_case story"]),
    ("<b>", ["Quiet <b>night</b>"]),
    ("nothing like it", []),
])
def test_api_search(client, library, query, expected):
    body = client.get("/api/articles", query_string={"q": query}).get_json()
    assert [a["title"] for a in body["articles"]] == expected
    assert body["total"] == len(expected) and body["next"] is None


def test_pages_walk_the_library_newest_first(client, library):
    seen, url = [], "/api/articles?per=3"
    while url:
        body = client.get(url).get_json()
        assert len(body["articles"]) <= 3 and body["total"] == 7
        seen += [a["id"] for a in body["articles"]]
        url = body["next"]
        assert url is None or url.startswith("http://localhost/api/articles?")
    assert seen == library[::-1]
    last = client.get("/api/articles?per=3&page=3").get_json()
    assert last["next"] is None and last["previous"].endswith("page=2&per=3")


@pytest.mark.parametrize(("args", "status", "count"), [
    ("page=1", 200, 7), ("page=4", 200, 0), ("per=1", 200, 1), ("per=1000", 200, 7),
    ("page=0", 400, None), ("page=-1", 400, None), ("page=x", 400, None), ("per=0", 400, None),
    ("page=99999999999", 400, None), ("page=%EF%BC%91", 400, None), ("q=a%00b", 400, None),
])
def test_page_bounds(client, library, args, status, count):
    response = client.get("/api/articles?" + args)
    assert response.status_code == status and response.is_json
    if count is not None:
        assert len(response.get_json()["articles"]) == count
    assert client.get("/?" + args).status_code == status


def test_per_is_capped(client, library):
    assert client.get("/api/articles?per=1000").get_json()["per"] == 100


def test_library_page_searches_counts_and_links(client, library):
    page = client.get("/?q=harbour&per=1").get_data(as_text=True)
    assert story_titles(page) == ["Another harbour"]
    assert 'name="q" value="harbour"' in page and "Stories 1–1 of 2" in page
    assert 'rel="next" href="/?page=2&amp;q=harbour&amp;per=1"' in page and 'rel="prev"' not in page
    page2 = client.get("/?q=harbour&per=1&page=2").get_data(as_text=True)
    assert story_titles(page2) == ["Harbour lights"] and 'rel="prev"' in page2
    assert 'rel="next"' not in page2


def test_library_page_escapes_the_search(client, library):
    page = client.get('/?q="><script>alert(1)</script>').get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert 'id="no-match"' in page and "Load a sample story" not in page


def test_an_empty_library_still_offers_the_sample(client):
    page = client.get("/").get_data(as_text=True)
    assert "Load a sample story" in page and 'id="library-q"' not in page


def test_review_states_only_for_the_page(app, library):
    with app.app_context():
        states = store.review_states(db.session, library[:2])
    assert set(states) == set(library[:2])


# --------------------------------------------------------------------------- the map's places


@pytest.fixture
def world(app) -> dict[str, int]:
    """Paris and France (two stories), Suva and Apia on either side of the antimeridian."""
    with app.app_context():
        ids = {"a": store.save_story(db.session, "A", "t", story(1)).id,
               "b": store.save_story(db.session, "B", "t", story(2, (PARIS,))).id,
               "pacific": store.save_story(db.session, "P", "t", story(3, (FIJI, SAMOA))).id}
        store.save_story(db.session, "Paris", "t", paris_story())  # with an unresolved name
    return ids


def places_at(client, bbox: str, zoom: int, article: int | None = None):
    query = {"bbox": bbox, "zoom": zoom, **({"article": article} if article else {})}
    return client.get("/map/places.geojson", query_string=query)


@pytest.mark.parametrize(("bbox", "zoom", "names", "clusters"), [
    ("-180,-90,180,90", 14, {"Paris", "France", "Suva", "Apia"}, 0),  # every place alone
    ("-180,-90,180,90", 0, {"Suva", "Apia"}, 1),  # 45-degree cells: Paris and France share one
    ("0,40,10,50", 8, {"Paris", "France"}, 0),
    ("170,-30,-160,0", 5, {"Suva", "Apia"}, 0),  # across the antimeridian
    ("-160,-30,170,0", 5, set(), 0),  # the complement: neither
    ("178,-19,179,-18", 10, {"Suva"}, 0),
    ("10,10,20,20", 3, set(), 0),  # nothing there
])
def test_places_by_area_and_zoom(client, world, bbox, zoom, names, clusters):
    response = places_at(client, bbox, zoom)
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    fc = response.get_json()
    assert fc["type"] == "FeatureCollection" and any("GeoNames" in a for a in fc["attribution"])
    found = {f["properties"]["name"] for f in fc["features"] if f["properties"]["kind"] == "place"}
    assert found == names
    assert sum(f["properties"]["kind"] == "cluster" for f in fc["features"]) == clusters
    for f in fc["features"]:
        lon, lat = f["geometry"]["coordinates"]  # RFC 7946: [lon, lat]
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_place_features_count_mentions_and_stories(client, world):
    fc = places_at(client, "0,40,10,50", 10).get_json()
    paris = next(f for f in fc["features"] if f["properties"]["name"] == "Paris")
    assert paris["geometry"]["coordinates"] == [PARIS.lon, PARIS.lat]
    assert paris["properties"]["mention_count"] == 4  # 1 + 1 + 2 (paris_story)
    assert paris["properties"]["article_count"] == 3
    assert paris["properties"]["url"] == "/places/gn:2988507"
    assert fc["counts"] == {"mentions": 7, "articles": 3}


def test_a_cluster_sums_its_places(client, world):
    (cell,) = [f for f in places_at(client, "-180,-90,180,90", 0).get_json()["features"]
               if f["properties"]["kind"] == "cluster"]
    assert cell["properties"]["mention_count"] == 7
    assert "article_count" not in cell["properties"]  # zoom in for each place's


def test_places_of_one_article(client, world):
    fc = places_at(client, "-180,-90,180,90", 14, article=world["b"]).get_json()
    assert [f["properties"]["name"] for f in fc["features"]] == ["Paris"]
    assert fc["counts"]["articles"] == 1


@pytest.mark.parametrize("query", [
    {}, {"bbox": "1,2,3", "zoom": 3}, {"bbox": "a,b,c,d", "zoom": 3},
    {"bbox": "0,0,nan,1", "zoom": 3}, {"bbox": "0,0,inf,1", "zoom": 3},
    {"bbox": "-181,0,10,10", "zoom": 3}, {"bbox": "0,10,10,0", "zoom": 3},
    {"bbox": "0,-91,10,10", "zoom": 3}, {"bbox": "0,0,10,10"}, {"bbox": "0,0,10,10", "zoom": 23},
    {"bbox": "0,0,10,10", "zoom": "2.5"}, {"bbox": "0,0,10,10", "zoom": 3, "article": "0"},
    {"bbox": "0,0,10,10", "zoom": 3, "article": str(2**31)},
])
def test_invalid_area_requests_are_400(client, query):
    response = client.get("/map/places.geojson", query_string=query)
    assert response.status_code == 400 and response.is_json


@pytest.mark.parametrize(("zoom", "degrees"), [(0, 45.0), (1, 22.5), (13, 360 / 2**16), (14, None)])
def test_cell_degrees(zoom, degrees):
    assert cell_degrees(zoom) == degrees


def test_the_map_page_filters_by_article(client, world):
    page = client.get(f"/map?article={world['b']}").get_data(as_text=True)
    assert f'data-article="{world["b"]}"' in page and "Map of “B”" in page
    assert client.get("/map?article=999").status_code == 404
    assert client.get("/map?article=x").status_code == 400


def test_the_area_query_uses_the_place_index(app, world):
    with app.app_context():
        area = store.Area(0, 40, 10, 50)
        stmt = store.places_in_area_statement(db.session, area, 1.0, None, 100)
        compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = " | ".join(row[-1] for row in db.session.execute(sql(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "USING INDEX ix_places_lat_lon" in plan or "USING COVERING INDEX ix_places_lat_lon" in plan, plan
    assert "SCAN places" not in plan and "SCAN mentions" not in plan, plan


@pytest.mark.parametrize(("area", "expected"), [
    (store.Area(-180, -90, 180, 90), 4),  # wide: EXISTS per article
    (store.Area(-100, -90, 100, 90), 3),  # wide, without the Pacific
    (store.Area(0, 40, 10, 50), 3),  # narrow: distinct ids
    (store.Area(170, -30, -160, 0), 1),
    (store.Area(10, 10, 20, 20), 0),
])
def test_area_articles_wide_or_narrow(app, world, area, expected):
    with app.app_context():
        assert store.area_articles(db.session, area) == expected
