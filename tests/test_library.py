"""The library page and its routes (issue 12 item 5): titles shortened for display with the full
title kept, cells labelled for the phone's cards, notices after delete, rename and re-analyse,
the state of stories being analysed, the upload form's progress, the sample story's heading and
the title rule of the command line."""
from __future__ import annotations

import html
import io
import re

import pytest

from geo import store
from geo.sources import TITLE_CHARS
from testkit import PARIS_UPLOAD, make_app, upload, FakeGeoparser
from web.extensions import db

LONG_TITLE = "A very long title about Paris " * 6


def page(client) -> str:  # type: ignore[no-untyped-def]
    return client.get("/").get_data(as_text=True)


def test_the_full_title_is_the_links_text_and_tooltip(client):
    upload(client, title=LONG_TITLE, text=PARIS_UPLOAD)
    body = page(client)
    full = html.escape(LONG_TITLE.strip())
    assert f'title="{full}">{full}</a>' in body
    assert 'href="/static/css/library.css' in body or "css/library.css" in body


def test_cells_are_labelled_for_the_cards(client):
    upload(client, title="Paris", text=PARIS_UPLOAD)
    body = page(client)
    for label in ("Places", "Mentions", "Status", "Review", "Added"):
        assert f'<span class="cell-label">{label}</span>' in body


@pytest.mark.parametrize(
    ("action", "data", "notice"),
    [
        ("delete", {}, "Deleted “Trip to Paris”."),
        ("rename", {"title": "  Paris <again> "}, "Renamed to “Paris &lt;again&gt;”."),
    ],
)
def test_library_forms_leave_a_notice(client, action, data, notice):
    upload(client, title="Trip to Paris", text=PARIS_UPLOAD)
    response = client.post(f"/articles/1/{action}", data=data)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    body = client.get("/").get_data(as_text=True)
    assert re.search(r'<ul class="notices" role="status" aria-live="polite">\s*<li class="notice">'
                     + re.escape(notice) + "</li>", body)
    assert "notice" not in client.get("/").get_data(as_text=True).split("<main", 1)[1].split("<h1", 1)[0]


def test_a_rename_from_the_story_page_shows_its_notice_there(client):
    upload(client, title="Trip", text=PARIS_UPLOAD)
    response = client.post("/articles/1/rename", data={"title": "Trip two", "next": "article"})
    assert response.headers["Location"] == "/articles/1"
    assert "Renamed to “Trip two”." in client.get("/articles/1").get_data(as_text=True)


def test_reanalyse_leaves_a_notice(client):
    upload(client, title="Trip", text=PARIS_UPLOAD)
    response = client.post("/articles/1/reanalyze")
    assert response.status_code == 303
    body = client.get("/articles/1").get_data(as_text=True)
    assert '<li class="notice">Analysis queued again: your corrections will be applied again.</li>' in body


def test_a_missing_article_leaves_no_notice(client):
    assert client.post("/articles/9/delete").status_code == 404
    assert 'class="notice"' not in page(client)


def test_stories_being_analysed_are_polled_and_done_ones_are_not(tmp_path):
    app = make_app(tmp_path, GEOPARSER=FakeGeoparser(), QUEUE_URL=f"sqlite:///{tmp_path / 'q.sqlite'}")
    client = app.test_client()
    upload(client, title="Queued", text=PARIS_UPLOAD)  # nothing works the queue: it stays queued
    with app.app_context():
        done = store.save_story(db.session, "Done", "t", FakeGeoparser().parse("Paris again.")).id
    body = page(client)
    assert 'data-article-id="1" data-status-url="/api/articles/1"' in body
    assert f'data-article-id="{done}">' in body  # no status URL
    assert '<span class="job-percent" hidden><progress max="100" value="0"' in body
    assert body.count('class="job-percent"') == 1


def test_the_upload_form_has_its_progress_bar_and_status(client):
    body = page(client)
    assert '<progress class="upload-progress" hidden' in body
    assert '<p class="upload-status" id="upload-status" role="status" hidden></p>' in body
    assert 'enctype="multipart/form-data"' in body  # the form still posts without JavaScript


def test_the_sample_story_shows_no_markdown_heading(app, client):
    client.post("/sample")
    with app.app_context():
        article = store.get_article(db.session, 1)
        assert article.title == "A river journey from Vienna to the Black Sea"
        assert not re.search(r"(?m)^#", article.text)
        assert article.text.startswith("A river journey from Vienna to the Black Sea\n")
    assert "# A river" not in client.get("/articles/1").get_data(as_text=True)


def test_cli_titles_are_not_whole_first_sentences(app, runner, tmp_path):
    path = tmp_path / "news.txt"
    first = ("Syrian government forces pounded the rebel-held district of Baba Amr in Homs for a third "
             "day on Sunday, activists said, as the death toll rose in Paris.")
    path.write_text("More Middle East stories\n\n" + first + "\n\nParis and France.\n\nShare this article\n")
    result = runner.invoke(args=["ingest", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        article = store.get_article(db.session, 1)
        assert len(article.title) <= TITLE_CHARS and article.title.endswith("…")
        assert article.title.startswith("Syrian government forces")
        assert article.text == first + "\n\nParis and France.\n"  # the furniture lines dropped


def test_every_upload_path_gives_the_same_title(app, client, runner, tmp_path):
    text = ("Storms battered Manila overnight and the rivers rose across the whole of Luzon, "
            "officials said on Monday. Paris sent help.\n")
    path = tmp_path / "manila.txt"
    path.write_text(text + "(cli)\n")
    upload(client, text=text + "(form)")
    upload(client, file=(io.BytesIO((text + "(file)").encode()), "m.txt"))
    client.post("/api/articles", json={"text": text + "(api)"})
    assert runner.invoke(args=["ingest", str(path)]).exit_code == 0
    with app.app_context():
        titles = [store.get_article(db.session, k).title for k in range(1, 5)]
    assert titles == ["Storms battered Manila overnight and the rivers rose across the whole of Luzon…"] * 4
