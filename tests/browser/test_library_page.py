"""The library page in chromium (issue 12 item 5, issue 10 leftovers): it fits at 1,400 px and
on a phone (cards, no sideways scroll), titles shortened with the full title kept, the percent of
a story being analysed kept up to date, and the byte progress of an upload."""
from __future__ import annotations

import re

import pytest

from geo import store
from web.extensions import db
from testkit import LiveServer, make_app
from storydata import STORY_TEXT, StoryGeoparser

LONG_TITLE = ("Syrian government forces pounded the rebel-held district of Baba Amr in Homs for a "
              "third day on Sunday, activists said, as the death toll rose and rose again")
TITLES = [LONG_TITLE, "Short one", "A river journey from Vienna to the Black Sea",
          "Beirut_blast:what_we_know_about_the_explosion_in_Lebanon's_capital_city_and_its_port"]
VIEWPORTS = {"desktop": (1400, 900), "phone": (390, 844)}


def queued_app(tmp_path):  # type: ignore[no-untyped-def]
    """An app on a real (SQLite) queue with no worker: what is stored waits, queued."""
    return make_app(tmp_path, GEOPARSER=StoryGeoparser(), TILES=None,
                    QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite'}")


def seed(app) -> None:  # type: ignore[no-untyped-def]
    parser = StoryGeoparser()
    with app.app_context():
        for k, title in enumerate(TITLES):
            text = STORY_TEXT + f"\n\nVersion {k}."
            store.save_story(db.session, title, "https://www.example.com/news/" + "x" * 120, parser.parse(text))


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=str)
def test_the_library_fits(browser, tmp_path, viewport):
    width, height = VIEWPORTS[viewport]
    app = make_app(tmp_path, GEOPARSER=StoryGeoparser(), TILES=None)
    seed(app)
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        with LiveServer(app) as live:
            page.goto(live.url + "/")
            page.wait_for_load_state("load")
            assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
            rows = page.locator(".library-table tbody tr")
            assert rows.count() == len(TITLES)
            for k in range(rows.count()):
                row = rows.nth(k)
                row.scroll_into_view_if_needed()
                for control in (row.locator("summary"), row.get_by_role("button", name=re.compile("^Delete"))):
                    box = control.bounding_box()
                    assert control.is_visible() and box is not None
                    assert 0 <= box["x"] and box["x"] + box["width"] <= width, (viewport, k, box)
                    # nothing (a sideways-scrolled box) hides it: it is the element at its centre
                    assert control.evaluate(
                        "el => { const r = el.getBoundingClientRect();"
                        " const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);"
                        " return el === hit || el.contains(hit); }")
            link = page.locator("a.story-link", has_text="Syrian government")
            assert link.get_attribute("title") == LONG_TITLE
            assert link.inner_text() == LONG_TITLE  # the whole title for screen readers
            shown = link.evaluate("el => el.getBoundingClientRect().height")
            assert shown < 3.2 * float(link.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)"))
            display = rows.first.evaluate("el => getComputedStyle(el).display")
            assert display == ("grid" if viewport == "phone" else "table-row")
            page.screenshot(path=str(tmp_path / f"library-{viewport}.png"), full_page=True)
    finally:
        context.close()


def test_an_analysing_storys_percent_is_shown_and_kept_up_to_date(page, tmp_path):
    app = queued_app(tmp_path)
    with app.app_context():
        article, _created = store.add_text(db.session, "Being analysed", "test", STORY_TEXT)
        article_id = article.id
        token = store.claim(db.session, article_id, 600)
        assert token and store.record_progress(db.session, article_id, token, "places", 40, 600)
    with LiveServer(app) as live:
        page.goto(live.url + "/")
        row = page.locator(f'tr[data-article-id="{article_id}"]')
        percent = row.locator(".job-percent")
        percent.get_by_text(re.compile(r"40%")).wait_for()
        assert row.locator(".cell-status .status").inner_text() == "analysing"
        assert percent.locator("progress").evaluate("el => el.value") == 40
        with app.app_context():
            assert store.record_progress(db.session, article_id, token, "passages", 70, 600)
        percent.get_by_text(re.compile(r"70%")).wait_for(timeout=20_000)  # no reload
        with app.app_context():
            assert store.finish(db.session, article_id, token, StoryGeoparser().parse(STORY_TEXT))
        page.wait_for_function(
            f"""() => document.querySelector('tr[data-article-id="{article_id}"] .cell-status .status')
                      .textContent === 'done'""", timeout=20_000)
        assert not percent.is_visible()
        assert "analysed" in page.locator("#library-live").text_content()
    assert page.recorder.errors == []


def slow_uploads(app):  # type: ignore[no-untyped-def]
    """Hold each upload for a moment before reading it, so the page's progress can be seen."""
    import time

    from flask import request

    @app.before_request
    def _hold() -> None:
        if request.path == "/upload":
            time.sleep(1.5)


def test_a_file_upload_shows_its_byte_progress(page, tmp_path):
    app = queued_app(tmp_path)
    slow_uploads(app)
    body = ("Paris is far from Lyon. " * 36_000).encode()  # ~860 KB
    with LiveServer(app) as live:
        page.goto(live.url + "/")
        page.wait_for_load_state("load")
        page.set_input_files("#upload-file", files=[
            {"name": "big.txt", "mimeType": "text/plain", "buffer": body}])
        page.click("#upload-submit")
        assert page.locator("#upload-submit").is_disabled()
        assert page.locator("#upload-submit").inner_text() == "Sending…"
        bar = page.locator(".upload-progress")
        assert bar.is_visible()
        page.wait_for_function(
            "() => { const b = document.querySelector('.upload-progress'); return b.value > 0; }")
        assert len(body) <= bar.evaluate("el => el.max") <= len(body) + 4096  # the form's bytes
        status = page.locator("#upload-status")
        assert re.search(r"(bytes|KB) of 84\d\.\d KB sent \(\d+%\)", status.inner_text())
        page.wait_for_url(re.compile(r"/articles/\d+$"), timeout=30_000)
        assert page.locator("#job-state").count() == 1  # the stored story, queued
    assert page.recorder.errors == []


def test_a_refused_file_upload_says_why_and_can_be_sent_again(page, tmp_path):
    app = queued_app(tmp_path)
    with LiveServer(app) as live:
        page.goto(live.url + "/")
        page.wait_for_load_state("load")
        page.set_input_files("#upload-file", files=[
            {"name": "photo.txt", "mimeType": "text/plain", "buffer": b"%PDF-1.4 binary"}])
        page.click("#upload-submit")
        alert = page.locator(".upload-failure")
        alert.wait_for()
        assert "PDF" in alert.inner_text()
        assert page.locator("#upload-submit").is_enabled()
        assert page.locator("#upload-submit").inner_text() == "Map this story"
        assert page.url == live.url + "/"
    assert [e for e in page.recorder.errors if "status of 415" not in e] == []
