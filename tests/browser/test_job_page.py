"""A story whose analysis is queued: its page shows the state and turns into the map by itself
(static/js/job.js), in chromium."""
from __future__ import annotations

from geo import store
from web.extensions import db
from web.jobs import run_job
from testkit import LiveServer, make_app
from storydata import STORY_TEXT, StoryGeoparser


def test_a_queued_story_turns_into_its_map_when_analysed(page, tmp_path):
    # A real (SQLite) queue with no worker: the text waits, queued, until the test runs the job.
    app = make_app(tmp_path, GEOPARSER=StoryGeoparser(), TILES=None,
                   QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite'}")
    with LiveServer(app) as live:
        with app.app_context():
            article, created = store.add_text(db.session, "Waiting", "test", STORY_TEXT)
            article_id = article.id
        assert created
        page.goto(f"{live.url}/articles/{article_id}")
        state = page.locator("#job-state")
        assert "Queued" in state.inner_text()
        assert page.locator("path.place-marker").count() == 0
        with app.app_context():
            assert run_job(article_id) == "done"
        page.wait_for_selector("path.place-marker", timeout=20_000)  # reloaded by itself
        assert page.locator("#job-state").count() == 0
        assert page.locator("path.place-marker").count() == 3
    assert page.recorder.errors == []


def test_the_upload_button_is_busy_while_sending(page, tmp_path):
    app = make_app(tmp_path, GEOPARSER=StoryGeoparser(), TILES=None,
                   QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite'}")
    with LiveServer(app) as live:
        page.goto(live.url + "/")
        page.wait_for_load_state("load")  # library.js (a module) is listening
        # A listener added after the page's own: the form is not really sent, so the page stays.
        page.evaluate("document.addEventListener('submit', (e) => e.preventDefault())")
        page.fill("#upload-text", STORY_TEXT)
        page.click("#upload-submit")
        assert page.locator("#upload-submit").is_disabled()
        assert page.locator("#upload-submit").inner_text() == "Sending…"
        assert page.locator(".upload-progress").is_visible()
    assert page.recorder.errors == []


def test_a_story_uploaded_with_its_setting_says_where_it_was_read(page, tmp_path):
    """The optional setting field goes with the upload; the story page names the setting found."""
    from settingkit import setting_index

    app = make_app(tmp_path, GEOPARSER=StoryGeoparser(), TILES=None, GAZETTEER_INDEX=setting_index())
    with LiveServer(app) as live:
        page.goto(live.url + "/")
        page.wait_for_load_state("load")
        page.fill("#upload-text", STORY_TEXT)
        page.fill("#upload-setting", "Jordan, Minnesota")
        page.click("#upload-submit")
        page.wait_for_selector(".home-area.setting", timeout=20_000)
        setting_line = page.locator(".home-area.setting").inner_text()
        assert setting_line == "Read as a story set in Jordan, Minnesota, United States"
        page.goto(live.url + "/")
        page.wait_for_load_state("load")
        page.fill("#upload-text", STORY_TEXT + " Again.")
        page.fill("#upload-setting", "Atlantis")
        page.click("#upload-submit")
        page.wait_for_selector("#upload-error", timeout=20_000)
        assert "is no place the gazetteer knows" in page.locator("#upload-error").inner_text()
        assert page.locator("#upload-setting").input_value() == "Atlantis"
    assert [e for e in page.recorder.errors if "status of 400" not in e] == []  # only the refused upload
