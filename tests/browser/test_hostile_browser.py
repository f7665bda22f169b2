"""A hostile article in chromium: markup in the title, the text, a place name and a passage is
shown literally everywhere (page, popups, tooltips, review panel, library views) and runs nothing:
no dialog, no global flag set, no element injected, no Content-Security-Policy violation."""
from __future__ import annotations

import re

import pytest

from geo.home import HomeArea
from geo.types import Mention, Passage, Place, ResolvedMention, Story
from test_story_page import open_popup, upload_story

pytestmark = pytest.mark.browser

PAYLOAD = "window.__pwned = (window.__pwned || 0) + 1"
TITLE = f"""<script>{PAYLOAD}</script>"><img src=x onerror="{PAYLOAD}">'`${{7*7}}"""
EVIL_NAME = f"""Evil "Town' <img src=x onerror="{PAYLOAD}"> & <b>bold</b>"""
EVIL_SPAN = f"""<svg onload="{PAYLOAD}">"""
TEXT = (
    f"The ferry left Lisbon at dawn. <script>{PAYLOAD}</script> It carried "
    f"<img src=x onerror=\"{PAYLOAD}\"> and <a href=\"javascript:{PAYLOAD}\">a link</a>.\n\n"
    f"By noon it reached Porto, where {EVIL_SPAN} was painted on a wall, "
    f"and \"quotes' </textarea></div> ]]> --> {{{{7*7}}}} & &amp; were everywhere.\n\n"
    "From Porto the travellers went on by train."
)

HOSTILE_PLACE = Place("gn:2267057", EVIL_NAME, 38.71667, -9.13333, 2267057, "PT", "P", "PPLC", 517802)
PORTO = Place("gn:2735943", "Porto", 41.14961, -8.61099, 2735943, "PT", "P", "PPLA", 249633)


class HostileGeoparser:
    """Lisbon resolves to a place whose *name* is markup; the <svg> span is an unresolved mention."""

    def parse(self, text: str, home: HomeArea | None = None) -> Story:
        found = []
        for surface, place in (("Lisbon", HOSTILE_PLACE), ("Porto", PORTO), (EVIL_SPAN, None)):
            for m in re.finditer(re.escape(surface), text):
                left = text.rfind("\n", 0, m.start()) + 1
                right = text.find("\n", m.end())
                right = len(text) if right == -1 else right
                found.append(ResolvedMention(
                    mention=Mention(m.start(), m.end(), surface, surface, "literal"),
                    place=place,
                    confidence=0.9 if place else 0.0,
                    passage=Passage(left, right, text[left:right]),
                ))
        return Story(text=text, mentions=tuple(sorted(found, key=lambda r: r.mention.start)))

    def parse_many(self, texts, batch_size: int = 16):  # type: ignore[no-untyped-def]
        for text in texts:
            yield self.parse(text)


WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber);
});
"""


def assert_nothing_ran(page, dialogs: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert dialogs == []
    assert page.evaluate("() => window.__pwned") is None
    assert page.evaluate("() => window.__csp") == []
    injected = page.evaluate(
        """() => ({
          img: document.querySelectorAll('img[src="x"], img[onerror]').length,
          svg: document.querySelectorAll('svg[onload]').length,
          js: document.querySelectorAll('a[href^="javascript:"]').length,
          bold: [...document.querySelectorAll('b')].filter(b => b.textContent === 'bold').length,
          scripts: [...document.scripts].filter(s => s.textContent.includes('__pwned')).length,
        })"""
    )
    assert injected == {"img": 0, "svg": 0, "js": 0, "bold": 0, "scripts": 0}
    assert [e for e in page.recorder.errors if "Failed to load resource" not in e] == []


def test_a_hostile_article_runs_nothing_anywhere(browser, live_server):
    live_server.server.app.config["GEOPARSER"] = HostileGeoparser()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(WATCH)
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]).*"), lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(15_000)
    from conftest import PageRecorder  # tests/browser/conftest.py (on sys.path for this folder)

    page.recorder = PageRecorder(page)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        base = live_server.url
        upload_story(page, base, title=TITLE, text=TEXT)
        assert_nothing_ran(page, dialogs)

        # The title and the text are shown literally.
        assert page.locator("h1").first.inner_text() == TITLE
        assert TITLE in page.title()
        body_text = page.locator("#article-text").inner_text()
        assert f"<script>{PAYLOAD}</script>" in body_text and EVIL_SPAN in body_text
        assert 'href="javascript:' in body_text

        # Text -> map: the hostile place's popup shows its name as text.
        page.locator(".mention", has_text="Lisbon").first.click()
        popup = open_popup(page)
        assert popup.locator(".popup-title").inner_text().startswith(EVIL_NAME)
        assert f"<script>{PAYLOAD}</script>" in popup.inner_text()  # the passage, literally
        assert_nothing_ran(page, dialogs)

        # Porto's popup: its passage holds the <svg onload> span and the quote soup.
        page.locator(".mention", has_text="Porto").first.click()
        page.wait_for_function(
            "() => { const t = document.querySelector('.leaflet-popup .popup-title');"
            " return t && t.textContent.startsWith('Porto'); }"
        )
        assert EVIL_SPAN in open_popup(page).inner_text()
        assert_nothing_ran(page, dialogs)

        # The unresolved hostile span: a button whose label is the markup, as text.
        unresolved = page.locator(".mention-unresolved").first
        assert unresolved.inner_text() == EVIL_SPAN
        unresolved.click()
        assert_nothing_ran(page, dialogs)

        # Tooltips: hover every marker (their labels are place names).
        page.keyboard.press("Escape")
        page.locator("path.place-marker[data-place-key='gn:2267057']").dispatch_event("mouseover")
        tooltip = page.locator(".leaflet-tooltip")
        tooltip.first.wait_for()
        assert EVIL_NAME in tooltip.first.inner_text()
        assert_nothing_ran(page, dialogs)

        # The review panel, when there is one, lists the names as text.
        review = page.locator(".review-list .review-open")
        if review.count():
            review.first.click()
            assert_nothing_ran(page, dialogs)

        # The library, the library map, the place page and the exports.
        for path in ("/", "/map", f"/places/{HOSTILE_PLACE.place_id}",
                     "/articles/1.geojson", "/api/articles"):
            page.goto(base + path)
            page.wait_for_load_state("load")
            if path in ("/map",):
                page.wait_for_timeout(300)
            assert_nothing_ran(page, dialogs)
        page.goto(base + "/")
        assert TITLE in page.locator("a.story-link").first.inner_text()
        # Control: the watchers work, and the CSP blocks an inline script that got in anyway.
        page.goto(base + "/articles/1")
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.__pwned = 99'; document.body.appendChild(s); }"
        )
        page.wait_for_function("() => window.__csp.length > 0")
        assert page.evaluate("() => window.__pwned") is None
        assert "script-src" in page.evaluate("() => window.__csp[0]")
        export = page.request.get(base + "/export.geojson")  # an attachment: fetched, not shown
        assert export.headers["x-content-type-options"] == "nosniff"
        names = [f["properties"]["name"] for f in export.json()["features"]]
        assert EVIL_NAME in names and EVIL_SPAN in names  # exported literally
    finally:
        context.close()
