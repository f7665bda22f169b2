"""A view for every step and the overview, on the seed story with the real geoparser (issue 12).

The seed (../shared/seeds, or SHARED_DIR/seeds) is a news text about Qusair: most of its
places are in Syria and Lebanon, a few far away (Russia, the United States), Baba Amr sits
on the same point as Homs, and Syria is a country drawn as an outline.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from test_story_page import assert_offline, open_popup, upload_story, wait_map_still

pytestmark = pytest.mark.browser

SEED_NAME = "000_0ccbed5b938370f4.txt"
ROOT = Path(__file__).resolve().parents[2]
SYRIA = "gn:163843"
DAMASCUS = "gn:170654"
HOMS = (34.72405, 36.72559)


def seed_text() -> str:
    shared = Path(os.environ.get("SHARED_DIR") or ROOT.parent / "shared")
    path = shared / "seeds" / SEED_NAME
    if not path.is_file():
        pytest.fail(f"{path} is missing: set SHARED_DIR to the shared/ folder")
    return path.read_text(encoding="utf-8")


@pytest.fixture
def seed(page, real_live_server):  # type: ignore[no-untyped-def]
    """The seed story's page, loaded; returns (base url, article url, its GeoJSON)."""
    base = real_live_server.url
    upload_story(page, base, title="Qusair", text=seed_text())
    article = page.url
    collection = json.loads(page.request.get(article + ".geojson").text())
    return base, article, collection


def mention_step(page, surface: str, nth: int = 0) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(step number, start) of the nth mention whose text is `surface`."""
    found = page.evaluate(
        """([surface, nth]) => {
          const b = window.storyMap.state.steps.buttons;
          const hits = b.map((x, i) => [x.textContent, i]).filter(h => h[0] === surface);
          const i = hits[nth][1];
          return [i + 1, Number(b[i].getAttribute('data-start'))];
        }""",
        [surface, nth],
    )
    return found[0], found[1]


def go_step(page, k: int) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("k => { location.hash = '#step-' + k; }", k)
    page.wait_for_function("k => document.getElementById('step-label').textContent.startsWith('Step ' + k + ' ')", arg=k)
    page.wait_for_function("() => document.getElementById('map-status').textContent.startsWith('Showing ')")
    open_popup(page)


def zoom(page) -> float:  # type: ignore[no-untyped-def]
    return page.evaluate("() => window.storyMap.map.getZoom()")


def passage_of(collection: dict, start: int) -> str:
    for f in collection["features"]:
        for m in f["properties"]["mentions"]:
            if m["start"] == start:
                return m["passage"]
    raise AssertionError(f"no mention at {start}")


def squash(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def assert_popup_quotes(page, collection: dict, start: int, surface: str) -> None:  # type: ignore[no-untyped-def]
    popup = open_popup(page)
    assert squash(popup.locator(".passage").inner_text()) == squash(passage_of(collection, start))
    assert surface in [q.inner_text() for q in popup.locator(".passage .quote").all()]


def visible_marker(page, key: str):  # type: ignore[no-untyped-def]
    """The marker (or outline) of a place, drawn on the map itself (not inside a cluster icon)."""
    path = page.locator(f".leaflet-pane path[data-place-key='{key}']")
    assert path.count() == 1 and path.is_visible()
    return path


def assert_on_top(page, key: str) -> None:  # type: ignore[no-untyped-def]
    """Nothing (a cluster icon, another marker) covers the lower half of the place's marker."""
    hit = page.evaluate(
        """key => { const p = document.querySelector(`.leaflet-pane path[data-place-key="${key}"]`);
          const r = p.getBoundingClientRect();
          const e = document.elementFromPoint(r.x + r.width / 2, r.y + r.height * 0.8);
          return e && e.getAttribute('data-place-key'); }""",
        key,
    )
    assert hit == key


def test_country_city_and_shared_point_steps(page, seed):
    base, _article, collection = seed
    # A city step, on its second mention: the popup quotes that passage, not the first one.
    k, start = mention_step(page, "Damascus", 1)
    go_step(page, k)
    assert 7 <= zoom(page) <= 9
    visible_marker(page, DAMASCUS)
    assert_on_top(page, DAMASCUS)
    assert_popup_quotes(page, collection, start, "Damascus")
    assert page.locator("#map-status").inner_text() == "Showing Damascus on the map."

    # A country step after it zooms out to the country's outline (a shaded area, not a dot).
    k, start = mention_step(page, "Syria", 0)
    go_step(page, k)
    assert 4 <= zoom(page) <= 7
    area = visible_marker(page, SYRIA)
    assert "place-area" in area.get_attribute("class")
    assert page.locator(f"path.place-marker[data-place-key='{SYRIA}']").count() == 0
    assert_popup_quotes(page, collection, start, "Syria")
    bounds = page.evaluate("() => window.storyMap.map.getBounds().toBBoxString()")
    west, south, east, north = map(float, bounds.split(","))
    assert west < 35.7 and east > 42.4 and south < 32.3 and north > 37.3  # all of Syria in view
    assert east - west < 25  # and not much more

    # Baba Amr sits on Homs's point: spread apart, its marker shows with its popup open.
    k, start = mention_step(page, "Baba Amr", 0)
    go_step(page, k)
    assert 8 <= zoom(page) <= 11
    key = page.evaluate("s => window.storyMap.state.places.keyByStart[s]", str(start))
    visible_marker(page, key)
    assert_on_top(page, key)
    assert_popup_quotes(page, collection, start, "Baba Amr")
    assert page.locator(".leaflet-popup .popup-title").inner_text().startswith("Baba Amr")
    assert page.locator("#map-status").inner_text() == "Showing Baba Amr on the map."
    assert_offline(page, base)


def test_arrow_keys_step_after_clicking_the_map(page, seed):
    base, _article, _collection = seed
    k, _start = mention_step(page, "Damascus", 0)
    go_step(page, k)
    box = page.locator("#story-map").bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + box["height"] - 40)  # the map, away from its controls
    assert page.evaluate("() => !!document.activeElement.closest('.leaflet-container')")
    center = page.evaluate("() => window.storyMap.map.getCenter()")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("k => document.getElementById('step-label').textContent.startsWith('Step ' + k + ' ')",
                           arg=k + 1)
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("k => document.getElementById('step-label').textContent.startsWith('Step ' + k + ' ')",
                           arg=k)
    wait_map_still(page)
    # Back at Damascus: the view is the step's, not one the arrow keys panned.
    after = page.evaluate("() => window.storyMap.map.getCenter()")
    assert abs(after["lat"] - center["lat"]) < 0.5 and abs(after["lng"] - center["lng"]) < 0.5
    assert_offline(page, base)


def test_overview_fits_the_levant_and_offers_the_far_places(page, seed):
    base, _article, _collection = seed
    page.wait_for_selector(".further-button")
    wait_map_still(page)

    def bbox() -> tuple[float, float, float, float]:
        b = page.evaluate("() => window.storyMap.map.getBounds().toBBoxString()")
        return tuple(map(float, b.split(",")))  # type: ignore[return-value]

    west, south, east, north = bbox()
    assert west < HOMS[1] < east and south < HOMS[0] < north
    assert west < 36.29 < east and south < 33.51 < north  # Damascus
    assert east - west < 30 and north - south < 20  # the Levant, not the world
    assert not (west < 100 < east and south < 60 < north)  # no dot in Siberia
    further = page.locator(".further-button")
    assert re.fullmatch(r"\+\d+ further away", further.inner_text())
    n = int(further.inner_text()[1:].split()[0])
    assert 2 <= n <= 6
    assert "Russia" in further.get_attribute("title")

    further.click()
    wait_map_still(page)
    west, south, east, north = bbox()
    assert west < -98.5 and east > 100  # the United States and Russia are in view now
    assert further.inner_text() == "Show the main group"
    further.click()
    wait_map_still(page)
    west, south, east, north = bbox()
    assert east - west < 30
    assert_offline(page, base)


# --------------------------------------------------------------------------- views.js, a table


def page_eval(page, base: str, module: str, expr: str, arg=None):  # type: ignore[no-untyped-def]
    """Evaluate `expr` (a function of an ES module and `arg`) in the page."""
    if not page.url.startswith(base):
        page.goto(base + "/")
    return page.evaluate(
        "async (arg) => { const m = await import('%s'); return (%s)(m, arg); }" % (module, expr), arg)


def views(page, base: str, expr: str, arg=None):  # type: ignore[no-untyped-def]
    """Evaluate `expr` (a function of the module views.js and `arg`) in the page."""
    return page_eval(page, base, "/static/js/story/views.js", expr, arg)


KINDS = [
    ({"feature_class": "A", "feature_code": "PCLI"}, "country"),
    ({"feature_class": "A", "feature_code": "TERR"}, "country"),
    ({"feature_class": "A", "feature_code": "ADM1"}, "admin1"),
    ({"feature_class": "A", "feature_code": "ADM2"}, "district"),
    ({"feature_class": "L", "feature_code": "RGN"}, "region"),
    ({"feature_class": "L", "feature_code": "CONT"}, "continent"),
    ({"feature_class": "H", "feature_code": "SEA"}, "sea"),
    ({"feature_class": "P", "feature_code": "PPLC"}, "city"),
    ({"feature_class": "P", "feature_code": "PPL"}, "town"),
    ({"feature_class": "P", "feature_code": "PPL", "population": 250000}, "city"),
    ({"feature_class": "P", "feature_code": "PPLX"}, "quarter"),
    ({"feature_class": None, "place_key": "approx:baba-amr@gn:169577"}, "quarter"),
    ({"feature_class": None, "place_key": "x:atlantis"}, "spot"),
]


def test_views_table(page, live_server):
    """Kinds, zooms and the main group, as pure functions (one page load for the table)."""
    got = views(page, live_server.url, "(v, rows) => rows.map(p => v.placeKind(p))", [p for p, _ in KINDS])
    assert got == [kind for _, kind in KINDS]
    zooms = views(page, live_server.url,
                  "v => ['country', 'city', 'town', 'quarter'].map(k => [v.stepZoom(k, false), v.stepZoom(k, true)])")
    assert all(offline <= tiles for offline, tiles in zooms)
    assert [z for z, _ in zooms] == sorted(z for z, _ in zooms)  # closer for smaller places
    assert max(z for z, _ in zooms) <= 10  # never street scale offline

    # The seed's places: Syria counted by its outline's vertices, Russia and the US far away.
    items = [
        {"key": "homs", "anchor": [34.72, 36.72], "points": [[34.72, 36.72]]},
        {"key": "damascus", "anchor": [33.51, 36.29], "points": [[33.51, 36.29]]},
        {"key": "qusair", "anchor": [34.51, 36.58], "points": [[34.51, 36.58]]},
        {"key": "aleppo", "anchor": [36.2, 37.16], "points": [[36.2, 37.16]]},
        {"key": "syria", "anchor": [35.0, 38.0], "points": [[32.3, 35.7], [37.3, 42.4], [35.0, 35.9]]},
        {"key": "russia", "anchor": [60.0, 100.0], "points": [[43.4, 40.0], [70.0, 100.0]]},
        {"key": "usa", "anchor": [39.76, -98.5], "points": [[39.76, -98.5]]},
    ]
    group = views(page, live_server.url, "(v, items) => v.mainGroup(items)", items)
    assert group["near"] == ["homs", "damascus", "qusair", "aleppo", "syria"]
    assert group["far"] == ["russia", "usa"]
    assert 300 <= group["radiusKm"] <= 1500
    assert views(page, live_server.url, "v => v.mainGroup([])")["near"] == []
    # The overview fits all of an outline that holds the centre or is small, else its nearest point.
    iraq = {"key": "iraq", "anchor": [33.0, 44.0], "points": [[29.1, 47.0], [37.4, 42.0], [33.4, 38.8], [30.0, 48.6]]}
    lebanon = {"key": "lebanon", "anchor": [33.8, 35.8], "points": [[33.1, 35.2], [34.7, 36.6], [33.3, 35.9]]}
    group = {"center": [34.7, 37.0], "radiusKm": 480}
    fits = views(page, live_server.url, "(v, a) => a.items.map(i => v.overviewPoints(i, a.group))",
                 {"items": [items[4], iraq, lebanon, items[0]], "group": group})
    assert fits == [items[4]["points"], [[33.4, 38.8]], lebanon["points"], items[0]["points"]]
    assert views(page, live_server.url, "v => Math.round(v.distanceKm([33.51, 36.29], [34.72, 36.72]))") in range(135, 145)


# --------------------------------------------------------------------------- outlines and popups

#: A tiny admin-1 TopoJSON as the basemap's will be (object "admin1"; name, iso_a2, gn_id).
ADMIN1_TOPOLOGY = {
    "type": "Topology",
    "objects": {"admin1": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[0]], "properties": {"name": "Béqaa", "iso_a2": "LB", "gn_id": 280282}},
        {"type": "Polygon", "arcs": [[1]], "properties": {"name": "Homs", "iso_a2": "SY", "gn_id": None}},
    ]}},
    "arcs": [
        [[35.5, 33.5], [36.5, 33.5], [36.5, 34.5], [35.5, 34.5], [35.5, 33.5]],
        [[36.0, 34.0], [39.0, 34.0], [39.0, 35.5], [36.0, 35.5], [36.0, 34.0]],
    ],
}

OUTLINE_CASES = [
    # matched by GeoNames id, whatever the name's spelling
    ({"feature_class": "A", "feature_code": "ADM1", "geonameid": 280282, "name": "Al Biqā‘",
      "country_code": "LB"}, [[33.5, 35.5], [34.5, 36.5]]),
    # no id on the outline: by name (accents and case aside) and country
    ({"feature_class": "A", "feature_code": "ADM1", "geonameid": 1, "name": "HOMS", "country_code": "SY"},
     [[34.0, 36.0], [35.5, 39.0]]),
    ({"feature_class": "A", "feature_code": "ADM1", "geonameid": 1, "name": "Homs", "country_code": "LB"}, None),
    # a city of the same name is a point
    ({"feature_class": "P", "feature_code": "PPLA", "geonameid": 169577, "name": "Homs", "country_code": "SY"}, None),
    # countries: the world-atlas outline's main part (Syria's bounds)
    ({"feature_class": "A", "feature_code": "PCLI", "geonameid": 163843, "name": "Syria", "country_code": "SY"},
     [[32.3, 35.7], [37.3, 42.4]]),
]


def test_outlines_match_countries_and_admin1_regions(page, live_server):
    page.route("**/test-admin1.json", lambda route: route.fulfill(json=ADMIN1_TOPOLOGY))
    upload_story(page, live_server.url)
    got = page.evaluate(
        """async (rows) => {
          const o = await import('/static/js/story/outlines.js');
          const box = document.createElement('div');
          const real = document.querySelector('.story-map');
          box.setAttribute('data-basemap-url', real.getAttribute('data-basemap-url'));
          box.setAttribute('data-country-ids-url', real.getAttribute('data-country-ids-url'));
          box.setAttribute('data-admin1-url', '/test-admin1.json');
          const outlines = await o.loadOutlines(box, rows.map(p => ({properties: p})));
          return rows.map(p => { const x = outlines.outline(p); return x && x.bounds; });
        }""",
        [p for p, _ in OUTLINE_CASES],
    )
    for (props, expected), bounds in zip(OUTLINE_CASES, got):
        if expected is None:
            assert bounds is None, props["name"]
        else:
            assert bounds == [[pytest.approx(v, abs=0.3) for v in corner] for corner in expected], props["name"]


def test_popup_names_admin1_and_country(page, live_server):
    """Namesakes told apart: the popup says the admin-1 region and the country (as text)."""
    def add_where(route):  # type: ignore[no-untyped-def]
        fc = route.fetch().json()
        for f in fc["features"]:
            f["properties"]["admin1"] = "<b>Porto</b> district" if f["properties"]["name"] == "Porto" else None
            f["properties"]["country"] = "Portugal" if f["properties"]["country_code"] == "PT" else None
        route.fulfill(json=fc)

    page.route(re.compile(r".*/articles/\d+\.geojson$"), add_where)
    upload_story(page, live_server.url)
    page.locator(".mention", has_text="Porto").first.click()
    popup = open_popup(page)
    assert popup.locator(".popup-where").inner_text() == "<b>Porto</b> district, Portugal"
    page.locator(".mention", has_text="Madrid").click()
    page.wait_for_function("() => document.querySelector('.leaflet-popup .popup-title').textContent.startsWith('Madrid')")
    assert page.locator(".leaflet-popup .popup-where").count() == 0  # nothing known: no line
    assert_offline(page, live_server.url)


WORDS = " ".join(f"w{i:03d}" for i in range(120))  # 599 characters: "w000 w001 ... w119"
EXCERPTS = [  # (passage, quote start, quote end) -> (text shown, the quote's text in it)
    (("Short passage about Homs.", 20, 24), ("Short passage about Homs.", "Homs")),
    ((WORDS, 500, 504), ("… " + WORDS[400:], "w100")),  # near the end: the last 200 characters
    ((WORDS, 0, 4), (WORDS[:199] + " …", "w000")),  # cut at a word's end
    ((WORDS, 250, 254), ("… " + WORDS[185:384] + " …", "w050")),  # a third of the room before it
]


@pytest.mark.parametrize(("given", "expected"), EXCERPTS)
def test_a_step_tooltip_shows_the_part_of_a_long_passage_around_its_mention(page, live_server, given, expected):
    passage, a, b = given
    got = page_eval(page, live_server.url, "/static/js/story/popup.js", """(m, arg) => {
        const g = { passage: arg.passage, passageStart: 1000, mentions: [],
                    ranges: [[arg.a, arg.b]] };
        const cut = m.excerpt(g, 1000 + arg.a, m.TOOLTIP_CHARS);
        return [cut.passage, cut.ranges.map(r => cut.passage.slice(r[0], r[1]))];
      }""", {"passage": passage, "a": a, "b": b})
    assert got == [expected[0], [expected[1]]]
    assert len(got[0]) <= 200 + 4


def test_a_phone_step_quotes_its_passage_in_a_tooltip(page, seed):
    """At phone width the step's tooltip (no popup over the small map) quotes the step's passage."""
    base, _article, collection = seed
    page.set_viewport_size({"width": 390, "height": 844})
    k, start = mention_step(page, "Damascus", 1)
    page.evaluate("k => { location.hash = '#step-' + k; }", k)
    page.wait_for_function("() => document.getElementById('map-status').textContent === 'Showing Damascus on the map.'")
    tip = page.locator(".leaflet-tooltip .step-tooltip")
    assert tip.locator(".step-tooltip-name").inner_text() == "Damascus"
    shown, passage = squash(tip.locator(".passage").inner_text()), squash(passage_of(collection, start))
    assert shown == passage if len(passage) <= 200 else shown.strip("… ") in passage and len(shown) <= 205
    assert tip.locator(".quote").inner_text() == "Damascus"
    assert page.locator(".leaflet-popup").count() == 0
    # A long passage is cut after six lines with an ellipsis, not mid-line without a sign.
    clamp = tip.locator(".passage").evaluate("q => getComputedStyle(q).webkitLineClamp")
    assert clamp == "6"
    # The zoom buttons are out of the tooltip's way (bottom right on a phone).
    assert page.locator(".leaflet-bottom.leaflet-right .leaflet-control-zoom").count() == 1
    assert_offline(page, base)


def test_the_world_atlas_is_read_once_for_the_basemap_and_the_outlines(page, seed):
    """Both draw from the same file (countries and Syria's outline): one request, one parse."""
    base, _article, collection = seed
    assert any(f["properties"].get("feature_code") == "PCLI" for f in collection["features"])
    atlas = page.locator(".story-map").get_attribute("data-basemap-url")
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if r.url.endswith(atlas) else None)
    page.reload()
    page.wait_for_selector("#story[data-map-state=ready]")
    assert len(seen) == 1
    assert_offline(page, base)
