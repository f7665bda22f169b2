"""Story mode, review and correction, and the library views, in chromium."""
from __future__ import annotations

import json
import re
import pytest

from geo.types import Place
from storydata import LISBON, MADRID, PORTO
from test_story_page import assert_offline, open_popup, upload_story, wait_map_still

pytestmark = pytest.mark.browser

BRAGA = Place("gn:2742032", "Braga", 41.55032, -8.42005, 2742032, "PT", "P", "PPLA", 121394)
#: Reading order of the story's mentions: the steps.
STEPS = ["Lisbon", "Porto", "Quillmoor", "Porto", "Madrid"]
SECOND_TEXT = "Madrid and Lisbon traded insults.\n\nLater, Lisbon won the match in Madrid."


class FakeIndex:
    """The gazetteer for these tests: names starting with the query."""

    PLACES = (LISBON, PORTO, MADRID, BRAGA)

    def candidates(self, name: str, limit: int = 25) -> list[Place]:
        q = name.strip().lower()
        return [p for p in self.PLACES if p.name.lower().startswith(q)][:limit]

    def place(self, place_id: str) -> Place | None:
        return next((p for p in self.PLACES if p.place_id == place_id), None)


@pytest.fixture
def server(live_server):  # type: ignore[no-untyped-def]
    """The live app with FakeIndex as its gazetteer (for "Change" and "Add place")."""
    live_server.server.app.config["GAZETTEER_INDEX"] = FakeIndex()
    return live_server


def label(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("#step-label").inner_text()


def wait_popup_title(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(
        "name => { const t = document.querySelector('.leaflet-popup .popup-title');"
        " return t && t.textContent.startsWith(name); }",
        arg=name,
    )


def open_review(page, opener) -> None:  # type: ignore[no-untyped-def]
    """Click what opens the review tools, once the map stands still, and wait until the
    tools have loaded their mention."""
    wait_map_still(page)
    opener.click()
    page.wait_for_function(
        "() => { const t = document.getElementById('review-tools');"
        " const c = document.getElementById('review-current');"
        " return t && !t.hidden && c && !c.textContent.startsWith('Loading'); }"
    )


def marker_keys(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.evaluate("() => Object.keys(window.storyMap.markers)")


def geojson(page, url: str) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(page.request.get(url).text())


def test_keyboard_stepping_back_button_and_deep_link(page, server):
    base = server.url
    upload_story(page, base)
    article_url = page.url
    assert label(page).startswith("Overview")
    page.locator("h1").click()  # focus on the page, not in a field or the map

    page.keyboard.press("ArrowRight")
    assert label(page) == "Step 1 of 5: Lisbon"
    assert page.url.endswith("#step-1")
    wait_popup_title(page, "Lisbon")
    assert page.locator(".mention.is-active").inner_text() == "Lisbon"
    assert "Step 1 of 5: Lisbon, PT" in page.locator("#step-status").inner_text()

    page.keyboard.press("ArrowRight")
    assert label(page) == "Step 2 of 5: Porto"
    wait_popup_title(page, "Porto")
    assert page.locator(".leaflet-popup .pager-pos").inner_text() == "1 of 2 passages"

    # An unresolved mention is a step too: the text, no marker.
    page.keyboard.press("ArrowRight")
    assert label(page) == "Step 3 of 5: Quillmoor"
    assert "not on the map" in page.locator("#step-status").inner_text()

    page.keyboard.press("ArrowRight")  # the second Porto: its own passage in the popup
    wait_popup_title(page, "Porto")
    page.wait_for_function(
        "() => { const p = document.querySelector('.leaflet-popup .pager-pos');"
        " return p && p.textContent === '2 of 2 passages'; }"
    )
    active = page.locator(".mention.is-active")
    second = page.locator(".mention", has_text="Porto").nth(1)
    assert active.get_attribute("data-start") == second.get_attribute("data-start")

    page.keyboard.press("ArrowLeft")
    assert label(page) == "Step 3 of 5: Quillmoor"

    # The browser's back button walks the steps back.
    page.go_back()
    page.wait_for_function("() => location.hash === '#step-4'")
    assert label(page) == "Step 4 of 5: Porto"
    page.go_back()
    page.wait_for_function("() => location.hash === '#step-3'")
    assert label(page) == "Step 3 of 5: Quillmoor"

    # The buttons do the same as the keys.
    page.get_by_role("button", name="Previous step").click()
    assert label(page) == "Step 2 of 5: Porto"
    page.get_by_role("button", name="Next step").click()
    assert label(page) == "Step 3 of 5: Quillmoor"

    # A deep link opens its step, with reduced motion the map jumps there.
    page.emulate_media(reduced_motion="reduce")
    page.goto(base + "/")
    page.goto(article_url + "#step-5")
    page.wait_for_selector("#story[data-map-state=ready]")
    assert label(page) == "Step 5 of 5: Madrid"
    wait_popup_title(page, "Madrid")
    center = page.evaluate("() => { const c = window.storyMap.map.getCenter(); return [c.lat, c.lng]; }")
    assert abs(center[0] - MADRID.lat) < 3 and abs(center[1] - MADRID.lon) < 3
    assert page.locator(".mention.is-active").inner_text() == "Madrid"

    # Step 0 is the overview of every place.
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    assert label(page).startswith("Overview")
    assert page.url.endswith("#step-0")
    assert_offline(page, base)


def test_hover_links_a_mention_and_its_marker(page, server):
    upload_story(page, server.url)
    page.locator(".mention", has_text="Madrid").hover()
    assert page.locator("path.place-marker.is-hover").get_attribute("data-place-key") == MADRID.place_id
    page.locator("h1").hover()
    assert page.locator("path.place-marker.is-hover").count() == 0
    page.locator(f"path.place-marker[data-place-key='{LISBON.place_id}']").hover(force=True)
    assert page.locator(".mention.is-hover").inner_text() == "Lisbon"
    assert_offline(page, server.url)


def test_change_via_gazetteer_search_survives_reload_and_is_exported(page, server):
    base = server.url
    upload_story(page, base)
    article_url = page.url
    # The unresolved, uncertain mention is marked in the text and listed first for review.
    quillmoor = page.locator(".mention", has_text="Quillmoor")
    assert "mention-uncertain" in quillmoor.get_attribute("class")
    first = page.locator(".review-list .review-open").first
    assert first.locator(".review-surface").inner_text() == "Quillmoor"

    page.get_by_label("Your name").fill("Ana")
    open_review(page, first)
    tools = page.locator("#review-tools")
    assert "not found" in page.locator("#review-current").inner_text()
    page.get_by_label("Search the gazetteer").fill("Bra")
    tools.get_by_role("button", name="Search").click()
    choice = tools.get_by_role("button", name="Change to Braga, Portugal")
    choice.wait_for()
    # The candidates are shown on the map too (numbered pins, not circles).
    assert page.locator(".candidate-pin-icon").count() == 1
    choice.click()  # the page updates in place (no reload)
    page.wait_for_function("() => document.getElementById('review-notice-text').textContent.includes('Moved')")
    assert "Moved “Quillmoor” to Braga, Portugal" in page.locator("#map-status").inner_text()

    page.reload()
    page.wait_for_selector("#story[data-map-state=ready]")
    quillmoor = page.locator(".mention", has_text="Quillmoor")
    assert "mention-reviewed" in quillmoor.get_attribute("class")
    assert "mention-uncertain" not in quillmoor.get_attribute("class")
    assert BRAGA.place_id in marker_keys(page)  # may sit in a cluster with Porto
    assert "changed by Ana" in page.locator(".review-list").inner_text()

    fc = geojson(page, article_url + ".geojson")
    braga = next(f for f in fc["features"] if f["properties"]["place_key"] == BRAGA.place_id)
    (m,) = braga["properties"]["mentions"]
    assert m["text"] == "Quillmoor" and m["reviewed"] is True and m["reviewed_by"] == "Ana"
    assert braga["properties"]["reviewed"] is True
    assert geojson(page, base + "/export.geojson")["features"]  # the library export too
    assert_offline(page, base)


def test_not_a_place_removes_the_marker(page, server):
    base = server.url
    upload_story(page, base)
    assert page.locator("path.place-marker").count() == 3
    page.locator(".mention", has_text="Madrid").click()
    wait_popup_title(page, "Madrid")
    open_review(page, open_popup(page).get_by_role("button", name="Review this match"))
    page.get_by_role("button", name="Not a place").click()  # the page updates in place
    page.wait_for_function("() => document.querySelectorAll('path.place-marker').length === 2")
    assert page.locator("path.place-marker").count() == 2
    assert page.locator(f"path.place-marker[data-place-key='{MADRID.place_id}']").count() == 0
    assert page.locator(".mention", has_text="Madrid").count() == 0
    assert "no longer marked as a place" in page.locator("#map-status").inner_text()
    assert_offline(page, base)


def test_add_place_on_selected_text(page, server):
    base = server.url
    upload_story(page, base)
    # Select "bridges" in the text as a person would, then add it as a place (test data).
    # (The form sent the text with CRLF line breaks: the DOM keeps them, so look it up there.)
    page.evaluate(
        """(word) => {
          const root = document.getElementById('article-text');
          const start = root.textContent.indexOf(word), end = start + word.length;
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          let seen = 0, node, a, b;
          while ((node = walker.nextNode())) {
            const len = node.nodeValue.length;
            if (!a && start < seen + len) a = [node, start - seen];
            if (!b && end <= seen + len) b = [node, end - seen];
            seen += len;
          }
          const r = document.createRange(); r.setStart(a[0], a[1]); r.setEnd(b[0], b[1]);
          const s = getSelection(); s.removeAllRanges(); s.addRange(r);
          root.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        }""",
        "bridges",
    )
    page.locator("#selection-bar").wait_for()
    assert page.locator("#selection-text").inner_text() == "bridges"
    page.get_by_role("button", name="Add place").click()
    page.get_by_label("Search the gazetteer").fill("Braga")
    page.locator("#review-tools").get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Change to Braga, Portugal").click()  # the page updates in place
    page.wait_for_function("() => document.getElementById('review-notice-text').textContent.includes('Added')")
    added = page.locator(".mention", has_text="bridges")
    assert "mention-reviewed" in added.get_attribute("class")
    assert BRAGA.place_id in marker_keys(page)
    assert_offline(page, base)


def test_combined_map_filters_by_article_and_links_to_place_pages(page, server):
    base = server.url
    upload_story(page, base)
    upload_story(page, base, title="Derby day", text=SECOND_TEXT)
    page.goto(base + "/map")
    page.wait_for_selector("#story[data-map-state=ready]")
    assert page.locator("path.place-marker").count() == 3
    assert page.locator("#library-places .place-button").count() == 3
    assert "3 places from 2 stories" in page.locator("#map-status").inner_text()

    # Issue 10: the filter shows one story's places (a link per story, searchable).
    page.locator(".article-filter").get_by_role("link", name="Derby day").click()
    page.wait_for_selector("#story[data-map-state=ready]")
    page.wait_for_function("() => document.querySelectorAll('#library-places .place-button').length === 2")
    assert page.locator("path.place-marker").count() == 2
    assert page.locator(f"path.place-marker[data-place-key='{PORTO.place_id}']").count() == 0

    page.locator(".article-filter").get_by_role("link", name="All stories").click()
    page.wait_for_selector("#story[data-map-state=ready]")
    page.wait_for_function("() => document.querySelectorAll('#library-places .place-button').length === 3")

    # The keyboard-navigable list opens the marker's popup: its counts over both stories
    # (issue 10: the map no longer downloads every passage; the place page has them).
    page.locator("#library-places .place-button", has_text="Lisbon").focus()
    page.keyboard.press("Enter")
    wait_popup_title(page, "Lisbon")
    popup = open_popup(page)
    assert popup.locator(".popup-meta").inner_text() == "3 mentions in 2 stories"
    popup.get_by_role("link", name="Every passage about Lisbon").click()
    page.wait_for_url(re.compile(r".*/places/gn:2267057$"))
    sections = page.locator(".place-article h2")
    assert sections.count() == 2
    assert sections.first.inner_text().startswith("Derby day")
    assert page.locator(".place-passages li").count() == 3
    assert_offline(page, base)


def places_loads(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.locator("#story").get_attribute("data-places-loads") or 0)


def test_panning_the_combined_map_fetches_the_new_area(page, server):
    base = server.url
    upload_story(page, base)
    page.goto(base + "/map")
    page.wait_for_selector("#story[data-map-state=ready]")
    assert page.locator("path.place-marker").count() == 3
    loads = places_loads(page)
    with page.expect_request(re.compile(r".*/map/places\.geojson\?.*")) as request:
        page.evaluate("() => { window.storyMap.map.setView([-18, 178], 6, {animate: false}); }")
    url = request.value.url
    assert "zoom=6" in url and "bbox=1" in url  # the new view's west edge, near 170 E
    page.wait_for_function("n => Number(document.getElementById('story')"
                           ".getAttribute('data-places-loads')) > n", arg=loads)
    assert page.locator("path.place-marker").count() == 0
    assert "0 places from 0 stories" in page.locator("#map-status").inner_text()
    # Many quick moves: one request for where the map stopped (debounced).
    loads = places_loads(page)
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/map/places.geojson" in r.url else None)
    page.evaluate("""() => { const m = window.storyMap.map;
        [[10, 10], [20, 20], [30, 0], [40.5, -6]].forEach(c => m.setView(c, 6, {animate: false})); }""")
    page.wait_for_function("n => Number(document.getElementById('story')"
                           ".getAttribute('data-places-loads')) > n", arg=loads)
    assert len(asked) == 1
    assert page.locator(f"path.place-marker[data-place-key='{LISBON.place_id}']").count() == 1
    assert_offline(page, base)


def test_no_page_requests_another_host(page, server):
    """Every page of the app, used end to end, asks only the app itself for anything."""
    base = server.url
    upload_story(page, base)
    for _ in STEPS:
        page.keyboard.press("ArrowRight")
    page.get_by_role("checkbox", name="Line in reading order").check()
    assert page.locator("path.story-route").count() == 1
    open_review(page, page.locator(".review-list .review-open").first)
    page.get_by_label("Search the gazetteer").fill("Lis")
    page.locator("#review-tools").get_by_role("button", name="Search").click()
    page.locator("#search-results .candidate-button").first.wait_for()
    for path in ("/", "/map", f"/places/{PORTO.place_id}", "/articles/1.geojson"):
        page.goto(base + path)
        page.wait_for_load_state("load")
    hosts = {re.sub(r"^\w+://([^/]+).*$", r"\1", u) for u in page.recorder.requests}
    assert hosts == {base.split("//", 1)[1]}
    assert_offline(page, base)


def test_place_list_follows_the_story_and_takes_arrow_keys(page, server):
    upload_story(page, server.url)
    page.locator("h1").click()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # Porto
    item = page.locator(f".place-button[data-place-key='{PORTO.place_id}']")
    assert item.get_attribute("aria-current") == "true"
    first = page.locator(".place-list .place-button").first
    first.focus()
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("() => document.activeElement.getAttribute('data-place-key')")
    assert focused == page.locator(".place-list .place-button").nth(1).get_attribute("data-place-key")
    page.keyboard.press("Enter")  # opens that place's popup
    open_popup(page)
    assert_offline(page, server.url)
