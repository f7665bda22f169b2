"""Take the story with you, in chromium: the downloaded file opened from disk (file://, no
server, no request anywhere but file:/data:/blob:) and the embed page inside another site's frame."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from storydata import LISBON, MADRID, STORY_TITLE
from testkit import LiveServer
from test_story_page import open_popup, upload_story

pytestmark = pytest.mark.browser

LOCAL_SCHEMES = ("file", "data", "blob")


def label(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("#step-label").inner_text()


def download_story(page, base: str, tmp_path):  # type: ignore[no-untyped-def]
    """Upload the test story, then save its download as a person would (the story page's link)."""
    upload_story(page, base)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download story (HTML)").click()
    download = info.value
    assert download.suggested_filename == "harbour-lights-fog.html"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return path


def test_downloaded_story_works_from_a_file_url_without_any_request(browser, page, live_server, tmp_path):
    path = download_story(page, live_server.url, tmp_path)
    live_server.server.shutdown()  # no server from here on

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    reader = context.new_page()
    reader.set_default_timeout(15_000)
    requests: list[str] = []
    errors: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    reader.on("pageerror", lambda e: errors.append(str(e)))
    reader.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    reader.goto(path.as_uri())
    reader.wait_for_selector("#story[data-map-state=ready]")

    # The map draws the markers and the basemap; the text shows; the credits are there.
    assert reader.locator("path.place-marker").count() == 3
    assert reader.locator(".leaflet-basemap-pane canvas").count() == 1
    assert reader.locator("h1").inner_text() == STORY_TITLE
    assert reader.locator(".mention", has_text="Lisbon").is_visible()
    attribution = reader.locator(".leaflet-control-attribution").inner_text()
    assert "GeoNames" in attribution and "Natural Earth" in attribution

    # Stepping works, by the buttons and the keys.
    reader.get_by_role("button", name="Next step").click()
    assert label(reader).startswith("Step 1 of 5: Lisbon")
    assert reader.locator(".mention.is-active").inner_text() == "Lisbon"
    open_popup(reader).locator(f"[data-place-key='{LISBON.place_id}']").wait_for()
    reader.keyboard.press("ArrowRight")
    assert label(reader).startswith("Step 2 of 5: Porto")

    # Clicking a place in the text opens its popup (read-only: no review button).
    reader.locator(".mention", has_text="Madrid").click()
    popup = open_popup(reader)
    popup.locator(f"[data-place-key='{MADRID.place_id}']").wait_for()
    assert popup.get_by_role("button", name="Review this match").count() == 0

    assert requests and [u for u in requests if urlsplit(u).scheme not in LOCAL_SCHEMES] == []
    assert errors == []
    context.close()


def host_site(snippet: str) -> LiveServer:
    """Another site on this machine (its own port: another origin) whose page holds `snippet`.
    (A made-up host name served by Playwright would count as a public site, which chromium
    does not let frame a page on the loopback address at all.)"""
    body = f"<!doctype html><title>host</title>{snippet}".encode()

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(body)))])
        return [body]

    return LiveServer(app)


def iframe(url: str) -> str:
    return f'<iframe src="{url}" width="1000" height="700"></iframe>'


def copied_embed_code(page) -> str:  # type: ignore[no-untyped-def]
    """The story page's embed code, copied with its Copy button as a person would."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_text("Embed", exact=True).click()
    page.get_by_role("button", name="Copy").click()
    page.get_by_role("button", name="Copied").wait_for()
    return page.evaluate("() => navigator.clipboard.readText()")


def framed(page, site: LiveServer):  # type: ignore[no-untyped-def]
    """Open the host site's page; the frame it holds, once loaded (or refused)."""
    with page.expect_event("framenavigated", predicate=lambda f: f.parent_frame is not None):
        page.goto(site.url + "/")
    page.wait_for_load_state("load")
    return page.frame_locator("iframe")


def test_embed_page_in_a_frame_of_an_allowed_site(page, live_server):
    base = live_server.url
    upload_story(page, base)
    snippet = copied_embed_code(page)
    assert snippet.startswith(f'<iframe src="{page.url}/embed" title="Harbour lights &amp; &lt;fog&gt;"')
    with host_site(snippet) as site:
        live_server.server.app.config["EMBED_FRAME_ANCESTORS"] = site.url
        frame = framed(page, site)
        frame.locator("#story[data-map-state=ready]").wait_for()
        assert frame.locator("path.place-marker").count() == 3
        assert frame.locator(".site-header").count() == 0 and frame.locator("#review-panel").count() == 0
        frame.locator(".mention", has_text="Lisbon").click()
        frame.locator(f".leaflet-popup [data-place-key='{LISBON.place_id}']").wait_for()
        hosts = {urlsplit(u).netloc for u in page.recorder.requests if urlsplit(u).scheme not in LOCAL_SCHEMES}
        assert hosts == {urlsplit(base).netloc, urlsplit(site.url).netloc}
    assert page.recorder.errors == []


@pytest.mark.parametrize(("allowed", "path"), [(False, "/embed"), (True, "")])
def test_framing_is_refused_elsewhere(page, live_server, allowed, path):
    """A site the setting does not name cannot frame the embed page; no site, not even an
    allowed one, can frame the story page itself."""
    upload_story(page, live_server.url)
    with host_site(iframe(page.url + path)) as site:
        live_server.server.app.config["EMBED_FRAME_ANCESTORS"] = site.url if allowed else "'self'"
        frame = framed(page, site)
        page.wait_for_timeout(300)
        assert page.frames[1].url.startswith("chrome-error:")  # chromium's refusal page
        assert frame.locator("#story").count() == 0
