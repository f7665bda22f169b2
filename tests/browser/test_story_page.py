"""The story page in chromium: upload through the form, the map, text <-> map links, offline."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from storydata import STORY_TEXT, STORY_TITLE

pytestmark = pytest.mark.browser


def upload_story(page, base_url: str, title: str = STORY_TITLE, text: str = STORY_TEXT) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Article text").fill(text)
    page.get_by_role("button", name="Map this story").click()
    page.wait_for_url(re.compile(r".*/articles/\d+$"))
    page.wait_for_selector("#story[data-map-state=ready]")


def in_viewport(locator) -> bool:
    return locator.evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }"
    )


def wait_map_still(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until no pan, zoom or flight is under way (a moving map moves its popups and
    markers under the pointer): story.js keeps .story-map[data-map-motion] up to date."""
    page.wait_for_selector(".story-map[data-map-motion=still]", state="attached")


def open_popup(page):  # type: ignore[no-untyped-def]
    """The open popup, once it is the only one (Leaflet fades a closing popup out for 200 ms)
    and the map has stopped moving it (its auto-pan)."""
    from playwright.sync_api import expect

    popups = page.locator(".leaflet-popup")
    expect(popups).to_have_count(1)
    wait_map_still(page)
    return popups


def assert_offline(page, base_url: str, expect_http_error: bool = False) -> None:
    foreign = page.recorder.foreign_requests(base_url)
    assert foreign == [], f"requests left the app: {foreign}"
    errors = page.recorder.errors
    if expect_http_error:  # chromium logs the 4xx page load itself as a console error
        errors = [e for e in errors if "Failed to load resource" not in e]
    assert errors == []


def test_upload_map_and_links_both_ways(page, live_server):
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 640})
    upload_story(page, base)

    # Title is text, not markup.
    assert page.locator("h1").inner_text() == STORY_TITLE

    # One circle marker per resolved place; the made-up village is highlighted but not mapped.
    markers = page.locator("path.place-marker")
    assert markers.count() == 3
    assert page.locator(".mention-resolved").count() == 4  # Lisbon, Porto x2, Madrid
    unresolved = page.locator(".mention-unresolved")
    assert unresolved.count() == 1 and unresolved.inner_text() == "Quillmoor"
    assert page.locator(".unresolved-list").get_by_role("button", name="Quillmoor").is_visible()
    assert page.locator("path.place-marker[data-place-key='gn:2735943']").count() == 1  # Porto

    # The basemap and the credits are on the map.
    attribution = page.locator(".leaflet-control-attribution").inner_text()
    assert "GeoNames" in attribution and "Natural Earth" in attribution
    assert "OpenStreetMap" not in attribution
    assert page.locator(".leaflet-basemap-pane canvas").count() == 1

    # Text -> map: clicking the first Porto opens Porto's popup with its passage.
    porto = page.locator(".mention-resolved", has_text="Porto")
    assert porto.count() == 2
    porto.first.click()
    popup = open_popup(page)
    assert popup.locator(".popup-title").inner_text().startswith("Porto")
    passages = popup.locator(".passage")
    assert passages.count() == 1  # one passage at a time: "1 of N passages" with arrows
    assert popup.locator(".pager-pos").inner_text() == "1 of 2 passages"
    assert "By morning it had reached Porto, where the fog" in passages.first.inner_text()
    assert popup.locator(".passage .quote").first.inner_text() == "Porto"
    assert popup.locator(".popup-passage.is-current").count() == 1
    assert porto.first.get_attribute("aria-current") == "true"

    # Map -> text: the next passage, then "Show in text" scrolls to and flashes that mention.
    second = porto.nth(1)
    page.evaluate("window.scrollTo(0, 0)")
    popup.get_by_role("button", name="Next passage").click()
    assert popup.locator(".pager-pos").inner_text() == "2 of 2 passages"
    assert "From Porto the travellers" in passages.first.inner_text()
    popup.get_by_role("button", name="Show this passage in the text").click()
    page.wait_for_function(
        "el => el.classList.contains('flash')", arg=second.element_handle()
    )
    page.wait_for_function(
        "el => { const r = el.getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }",
        arg=second.element_handle(),
    )
    assert second.evaluate("el => document.activeElement === el")

    # Keyboard: Enter on a highlighted mention opens its place's popup.
    madrid = page.locator(".mention-resolved", has_text="Madrid")
    madrid.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => { const t = document.querySelector('.leaflet-popup .popup-title');"
        " return t && t.textContent.startsWith('Madrid'); }"
    )

    # The places list opens popups too.
    page.locator(".place-button", has_text="Lisbon").click()
    page.wait_for_function(
        "() => { const t = document.querySelector('.leaflet-popup .popup-title');"
        " return t && t.textContent.startsWith('Lisbon'); }"
    )

    # An unresolved mention says so instead of opening a popup.
    unresolved.click()
    assert "could not be placed" in page.locator("#map-status").inner_text()

    assert_offline(page, base)


def test_marker_click_selects_mentions_in_text(page, live_server):
    upload_story(page, live_server.url)
    page.locator("path.place-marker[data-place-key='gn:2735943']").click(force=True)
    open_popup(page)
    assert page.locator(".mention.is-selected").count() == 2
    page.locator(".leaflet-popup-close-button").click()
    page.wait_for_function("() => !document.querySelector('.mention.is-selected')")
    assert_offline(page, live_server.url)


def test_library_lists_and_deletes(page, live_server):
    base = live_server.url
    page.goto(base + "/")
    # Empty library: the sample story button is offered.
    assert page.get_by_role("button", name="Load a sample story").is_visible()
    upload_story(page, base)
    page.goto(base + "/")
    row = page.locator("tr", has_text=STORY_TITLE)
    assert row.count() == 1
    cells = row.locator("td.num")
    assert cells.nth(0).inner_text() == "3"  # places on the map: Lisbon, Porto, Madrid
    page.once("dialog", lambda d: d.accept())
    row.get_by_role("button", name=re.compile("^Delete")).click()
    page.wait_for_load_state()
    assert page.locator("tr", has_text=STORY_TITLE).count() == 0
    assert_offline(page, base)


def test_upload_error_keeps_the_form(page, live_server):
    base = live_server.url
    page.goto(base + "/")
    page.get_by_label("Title").fill("Only a title")
    page.get_by_role("button", name="Map this story").click()
    page.locator("[role=alert]").wait_for()
    assert page.get_by_label("Title").input_value() == "Only a title"
    assert_offline(page, base, expect_http_error=True)


def test_narrow_screen_stacks_map_above_text(page, live_server):
    page.set_viewport_size({"width": 420, "height": 800})
    upload_story(page, live_server.url)
    map_box = page.locator("#story-map").bounding_box()
    text_box = page.locator("#article-text").bounding_box()
    assert map_box["y"] + map_box["height"] <= text_box["y"]
    page.set_viewport_size({"width": 1280, "height": 800})
    map_box = page.locator("#story-map").bounding_box()
    text_box = page.locator("#article-text").bounding_box()
    assert text_box["x"] + text_box["width"] <= map_box["x"]  # side by side, text first


def test_osm_tiles_only_when_configured(page, osm_live_server):
    """With TILES=osm the only foreign requests are OSM tiles (aborted here), credited."""
    base = osm_live_server.url
    upload_story(page, base)
    attribution = page.locator(".leaflet-control-attribution").inner_text()
    assert "OpenStreetMap" in attribution and "GeoNames" in attribution
    hosts = {urlsplit(u).netloc for u in page.recorder.foreign_requests(base)}
    assert hosts <= {"tile.openstreetmap.org"}
    assert page.locator("path.place-marker").count() == 3


def test_real_geoparser_story(page, real_live_server):
    """End to end with spaCy and the built gazetteer: the places show and link to the text."""
    base = real_live_server.url
    upload_story(page, base)
    assert page.locator("path.place-marker").count() >= 1
    first = page.locator(".mention-resolved").first
    first.click()
    popup = open_popup(page)
    assert popup.locator(".quote").count() >= 1
    assert_offline(page, base)
