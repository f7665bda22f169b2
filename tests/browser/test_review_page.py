"""The review tools in chromium, with the built gazetteer: search by other names and "Town,
State", candidates labelled on the map, click-to-place, undo, and updates in place."""
from __future__ import annotations

import json

import pytest

from storydata import LISBON
from test_story_mode import marker_keys, open_review
from test_story_page import assert_offline, upload_story, wait_map_still

pytestmark = pytest.mark.browser


def review_quillmoor(page) -> None:  # type: ignore[no-untyped-def]
    """Open the review tools of the unresolved mention (listed first: uncertain)."""
    first = page.locator(".review-list .review-open").first
    assert first.locator(".review-surface").inner_text() == "Quillmoor"
    open_review(page, first)


FIRST_RESULT = "() => { const b = document.querySelector('#search-results .candidate-button'); return b && b.textContent; }"
FIRST_PIN = "() => { const t = document.querySelector('.leaflet-tooltip.candidate-label'); return t && t.textContent; }"


def search(page, query: str) -> None:  # type: ignore[no-untyped-def]
    """Search the gazetteer and wait for this search's results, in the list and on the map (an
    earlier search's results stay shown until then)."""
    before = page.evaluate(FIRST_RESULT), page.evaluate(FIRST_PIN)
    page.get_by_label("Search the gazetteer").fill(query)
    page.locator("#review-tools").get_by_role("button", name="Search").click()
    page.wait_for_function(f"([r, p]) => ({FIRST_RESULT})() && ({FIRST_RESULT})() !== r && ({FIRST_PIN})() !== p",
                           arg=list(before))


def wait_notice(page, text: str) -> str:  # type: ignore[no-untyped-def]
    page.wait_for_function(
        "t => document.getElementById('review-notice-text').textContent.includes(t)", arg=text
    )
    return page.locator("#review-notice-text").inner_text()


def geojson(page) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(page.request.get(page.url.split("#")[0] + ".geojson").text())


def map_view(page) -> list:  # type: ignore[no-untyped-def]
    return page.evaluate(
        "() => { const m = window.storyMap.map, c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }"
    )


def test_search_by_alternate_name_and_town_state(page, gazetteer_live_server):
    base = gazetteer_live_server.url
    upload_story(page, base)
    review_quillmoor(page)
    # "Beqaa": no gazetteer row spells it so; a transliteration of Al Biqā‘'s alternate name.
    search(page, "Beqaa")
    first = page.locator("#search-results .candidate-button").first
    assert first.inner_text().startswith("1. Al Biqā‘, Lebanon")
    assert "region (admin-1)" in first.inner_text()
    # On the map: numbered pins labelled with name, admin-1 and country, and a legend.
    pin = page.locator(".candidate-pin-icon[data-place-id='gn:280282']")
    assert pin.count() == 1 and page.locator("path.candidate-marker").count() == 0
    assert "Al Biqā‘, Lebanon" in pin.get_attribute("title")
    # Many results (worldwide variants): the best one's label still stays shown.
    assert page.locator(".candidate-pin-icon").count() > 6
    assert page.locator(".leaflet-tooltip.candidate-label").first.inner_text().startswith(
        "1. Al Biqā‘, Lebanon")
    assert page.locator(".candidate-legend").is_visible()
    # The view fits the best result and its neighbours, not the far namesakes (still pinned).
    page.wait_for_function("() => window.storyMap.map.getBounds().contains([33.674, 35.801])")
    page.wait_for_function("() => window.storyMap.map.getZoom() >= 4")
    assert "further away" in page.locator(".candidate-legend").inner_text()
    # "Town, State": Illinois's Springfield first, labelled with the state and the country.
    search(page, "Springfield, IL")
    first = page.locator("#search-results .candidate-button").first
    assert first.inner_text().startswith("1. Springfield, Illinois, United States")
    assert page.locator(".leaflet-tooltip.candidate-label").first.inner_text().startswith(
        "1. Springfield, Illinois, United States")
    first.click()
    notice = wait_notice(page, "Moved")
    assert notice == "Moved “Quillmoor” to Springfield, Illinois, United States (city)."
    assert page.locator(".candidate-pin-icon").count() == 0  # the candidates are gone
    assert "gn:4250542" in marker_keys(page)
    assert_offline(page, base)


def test_click_to_place_then_undo_step_by_step(page, gazetteer_live_server):
    base = gazetteer_live_server.url
    upload_story(page, base)
    page.get_by_label("Your name").fill("Ana")
    # Step 1: confirm Lisbon.
    open_review(page, page.locator(".review-open", has_text="Lisbon"))
    page.get_by_role("button", name="Confirm").click()
    wait_notice(page, "Confirmed “Lisbon”")
    assert page.locator("#review-undo").is_visible()
    # Step 2: place Quillmoor by clicking the map.
    review_quillmoor(page)
    page.get_by_label("Name for a point on the map").fill("Quillmoor village")
    page.get_by_role("button", name="Place on map").click()
    wait_notice(page, "Click the map")
    wait_map_still(page)
    container = page.locator(".story-map .leaflet-container, .story-map.leaflet-container").first
    box = container.bounding_box()
    x, y = 40, box["height"] - 60  # the lower left: sea, away from the places and controls
    container.click(position={"x": x, "y": y})
    wait_notice(page, "Placed “Quillmoor” on the map as Quillmoor village")
    manual = [k for k in marker_keys(page) if k.startswith("manual:")]
    assert len(manual) == 1
    feature = next(f for f in geojson(page)["features"] if f["properties"]["place_key"] == manual[0])
    assert feature["properties"]["source"] == "manual"
    assert feature["properties"]["name"] == "Quillmoor village"
    lon, lat = feature["geometry"]["coordinates"]
    at = page.evaluate("([lat, lon]) => window.storyMap.map.latLngToContainerPoint([lat, lon])", [lat, lon])
    assert abs(at["x"] - x) <= 2 and abs(at["y"] - y) <= 2  # where the reviewer clicked
    (m,) = feature["properties"]["mentions"]
    assert m["text"] == "Quillmoor" and m["reviewed_by"] == "Ana" and m["reviewed_at"]
    quillmoor = page.locator(".mention", has_text="Quillmoor")
    assert "mention-reviewed" in quillmoor.get_attribute("class")
    assert quillmoor.get_attribute("data-place-key") == manual[0]
    # Undo, twice: back to the story as it was, one step at a time.
    page.get_by_role("button", name="Undo").click()
    wait_notice(page, "Undone: change “Quillmoor”")
    assert not [k for k in marker_keys(page) if k.startswith("manual:")]
    quillmoor = page.locator(".mention", has_text="Quillmoor")
    assert "mention-uncertain" in quillmoor.get_attribute("class")
    assert "mention-reviewed" in page.locator(".mention", has_text="Lisbon").first.get_attribute("class")
    page.get_by_role("button", name="Undo").click()
    wait_notice(page, "Undone: confirm “Lisbon”")
    assert "mention-reviewed" not in page.locator(".mention", has_text="Lisbon").first.get_attribute("class")
    assert page.locator("#review-undo").is_hidden()
    assert not any(m.get("reviewed") for f in geojson(page)["features"] for m in f["properties"]["mentions"])
    assert_offline(page, base)


def test_a_correction_keeps_the_map_view_and_the_step(page, gazetteer_live_server):
    base = gazetteer_live_server.url
    upload_story(page, base)
    page.locator("#step-next").click()
    page.locator("#step-next").click()
    wait_map_still(page)
    step = page.locator("#step-label").inner_text()
    open_review(page, page.locator(".review-open", has_text="Lisbon"))
    wait_map_still(page)
    page.evaluate("() => { window.__sameDocument = true; }")
    before, url = map_view(page), page.url
    # (Lisbon may lie outside the step's view, where the cluster group draws no marker: ask the marker)
    assert "place-marker-reviewed" not in page.evaluate("(k) => window.storyMap.markers[k].options.className", LISBON.place_id)
    page.get_by_role("button", name="Confirm").click()
    assert wait_notice(page, "Confirmed") == "Confirmed “Lisbon”."
    wait_map_still(page)
    assert page.evaluate("() => window.__sameDocument === true") and page.url == url  # no reload
    assert map_view(page) == before
    assert page.locator("#step-label").inner_text() == step
    # The marker, the text and the review list changed in place.
    assert "place-marker-reviewed" in page.evaluate("(k) => window.storyMap.markers[k].options.className", LISBON.place_id)
    assert "mention-reviewed" in page.locator(".mention", has_text="Lisbon").first.get_attribute("class")
    assert "confirmed" in page.locator(".review-item", has_text="Lisbon").first.inner_text()
    # "Not a place" takes Madrid off the map and out of the counts, still without a reload.
    assert page.locator("#story-counts").inner_text() == "4 places, 5 mentions"
    open_review(page, page.locator(".review-open", has_text="Madrid"))
    page.get_by_role("button", name="Not a place").click()
    wait_notice(page, "no longer marked as a place")
    assert page.locator("#story-counts").inner_text() == "3 places, 4 mentions"
    assert page.evaluate("() => window.__sameDocument === true")
    assert_offline(page, base)
