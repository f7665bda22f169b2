"""Where a story is set (geo.setting) through the upload form, the API, the job and the story page."""
from __future__ import annotations

import pytest

from geo import store
from web.extensions import db
from settingkit import setting_index
from testkit import PARIS_TEXT, FakeGeoparser, make_app


@pytest.fixture
def geoparser() -> FakeGeoparser:
    return FakeGeoparser()


@pytest.fixture
def client(tmp_path, geoparser):
    return make_app(tmp_path, GEOPARSER=geoparser, GAZETTEER_INDEX=setting_index()).test_client()


def test_an_upload_with_a_setting_is_read_there_and_says_so(client, geoparser):
    response = client.post("/upload", data={"text": PARIS_TEXT, "setting": "  Jordan,  MN "})
    assert response.status_code in (200, 303)
    assert geoparser.homes[-1].setting == "Jordan, Minnesota, United States"
    assert geoparser.homes[-1].share("US", "Minnesota") == 1.0
    page = client.get("/articles/1").get_data(as_text=True)
    assert "Read as a story set in Jordan, Minnesota, United States" in page
    assert client.get("/api/articles/1").get_json()["home_area"]["setting"] == "Jordan, Minnesota, United States"
    assert client.post("/articles/1/reanalyze").status_code == 303  # every analysis reads it again
    assert len(geoparser.homes) == 2 and geoparser.homes[-1].setting == "Jordan, Minnesota, United States"


def test_an_upload_without_a_setting_has_none(client, geoparser):
    client.post("/upload", data={"text": PARIS_TEXT, "setting": ""})
    assert geoparser.homes[-1] is None
    assert "Read as a story set in" not in client.get("/articles/1").get_data(as_text=True)


def test_an_unknown_setting_stores_nothing_and_keeps_the_form(client, geoparser):
    response = client.post("/upload", data={"title": "Trip", "text": PARIS_TEXT, "setting": "Atlantis <b>"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "“Atlantis &lt;b&gt;” is no place the gazetteer knows" in body
    assert 'value="Atlantis &lt;b&gt;"' in body and "Paris" in body  # what was typed is kept
    assert geoparser.calls == []
    with client.application.app_context():
        assert db.session.query(store.Article).count() == 0


@pytest.mark.parametrize(("setting", "message"), [
    ("Atlantis", "no place the gazetteer knows"), (7, "written as text"), ("x" * 201, "at most 200 characters"),
])
def test_the_api_checks_the_setting_before_storing(client, setting, message):
    response = client.post("/api/articles", json={"text": PARIS_TEXT, "setting": setting})
    assert response.status_code == 400 and message in response.get_json()["error"]
    with client.application.app_context():
        assert db.session.query(store.Article).count() == 0


def test_the_api_takes_a_setting(client, geoparser):
    response = client.post("/api/articles", json={"text": PARIS_TEXT, "setting": "Springfield, Mo."})
    assert response.status_code == 202
    assert geoparser.homes[-1].setting == "Springfield, Missouri, United States"
    with client.application.app_context():
        assert store.get_article(db.session, 1).setting == "Springfield, Mo."


def test_re_analysing_with_a_setting_keeps_it_and_reads_it(client, geoparser):
    client.post("/upload", data={"text": PARIS_TEXT})
    assert geoparser.homes[-1] is None
    page = client.get("/articles/1").get_data(as_text=True)
    assert 'id="reanalyze-setting" name="setting" value=""' in page
    response = client.post("/articles/1/reanalyze", data={"setting": "Jordan, MN"})
    assert response.status_code == 303
    assert geoparser.homes[-1].setting == "Jordan, Minnesota, United States"
    page = client.get("/articles/1").get_data(as_text=True)
    assert 'value="Jordan, MN"' in page and "Read as a story set in Jordan, Minnesota, United States" in page
    client.post("/articles/1/reanalyze")  # the plain button keeps the setting
    assert geoparser.homes[-1].setting == "Jordan, Minnesota, United States"
    client.post("/articles/1/reanalyze", data={"setting": ""})  # an empty one clears it
    assert geoparser.homes[-1] is None
    assert "Read as a story set in" not in client.get("/articles/1").get_data(as_text=True)


def test_re_analysing_with_an_unknown_setting_changes_nothing(client, geoparser):
    client.post("/upload", data={"text": PARIS_TEXT, "setting": "Minnesota"})
    calls = len(geoparser.calls)
    response = client.post("/articles/1/reanalyze", data={"setting": "Atlantis"})
    assert response.status_code == 400 and "no place the gazetteer knows" in response.get_data(as_text=True)
    assert len(geoparser.calls) == calls
    with client.application.app_context():
        assert store.get_article(db.session, 1).setting == "Minnesota"
    assert client.post("/articles/9/reanalyze", data={"setting": "Minnesota"}).status_code == 404
