"""Only the right requests change data; untrusted text stays text; every response is hardened.

See web/auth.py for the rules. Each refusal also checks that the database did not change.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import partial
from pathlib import Path

import flask
import pytest
from flask import Flask
from werkzeug.exceptions import HTTPException

import app as app_module
from app import create_app
from web.extensions import db
from web.settings import settings_from_env
from testkit import PARIS_UPLOAD, FakeGeoparser, make_app, n_articles, upload
from test_hostile import assert_still_serves, snapshot

TOKEN = "editor-token-for-tests"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


@pytest.fixture
def seeded(tmp_path: Path) -> Flask:
    app = make_app(tmp_path, GEOPARSER=FakeGeoparser())
    app.testing = False
    upload(app.test_client(), title="Seed", text=PARIS_UPLOAD)
    return app


@pytest.fixture
def editor_app(tmp_path: Path) -> Flask:
    app = make_app(tmp_path, GEOPARSER=FakeGeoparser(), EDITOR_TOKEN=TOKEN)
    app.testing = False
    response = app.test_client().post(
        "/api/articles", json={"title": "Seed", "text": PARIS_UPLOAD},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 202
    return app


def page_token(client, path: str = "/") -> str:
    body = client.get(path).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', body).group(1)


def fill(rule) -> str:
    """A URL for a rule, every variable filled with 1 (an existing article/mention) or 'x'."""
    values = {}
    for arg in rule.arguments:
        values[arg] = 1 if type(rule._converters[arg]).__name__.endswith("IntConverter") else "gn:1"
    return rule.build(values, append_unknown=False)[1]


def routes(app: Flask, methods: tuple[str, ...]):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(set(rule.methods or ()) & set(methods)):
            yield method, fill(rule), rule


# --------------------------------------------------------------------------- CSRF on forms


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/upload", {"title": "x", "text": "Paris again"}),
        ("/sample", {}),
        ("/articles/1/delete", {}),
        ("/articles/1/rename", {"title": "Renamed"}),
        ("/articles/1/reanalyze", {}),
    ],
)
@pytest.mark.parametrize("token", [None, "", "wrong", "x" * 43])
def test_form_posts_without_the_right_token_are_refused(seeded, path, data, token):
    client = seeded.test_client(send_csrf=False)
    page_token(client)  # the session has a token; the request does not carry it
    before = snapshot(seeded)
    if token is not None:
        data = {**data, "csrf_token": token}
    response = client.post(path, data=data, content_type="multipart/form-data")
    assert response.status_code == 403 and response.mimetype == "text/html"
    assert "did not come from this site" in response.get_data(as_text=True)
    assert snapshot(seeded) == before
    assert_still_serves(client)


def test_the_pages_token_in_the_hidden_field_is_accepted(seeded):
    client = seeded.test_client(send_csrf=False)
    token = page_token(client)
    response = upload(client, title="Second", text="Paris, second story", csrf_token=token)
    assert response.status_code == 303 and n_articles(seeded) == 2
    assert client.post("/articles/2/delete", data={"csrf_token": token}).status_code == 303
    assert n_articles(seeded) == 1


def test_a_token_from_another_session_is_refused(seeded):
    mine, theirs = seeded.test_client(send_csrf=False), seeded.test_client(send_csrf=False)
    page_token(mine)
    stolen = page_token(theirs)
    assert stolen != page_token(mine)
    response = upload(mine, text="Paris forged", csrf_token=stolen)
    assert response.status_code == 403 and n_articles(seeded) == 1


def test_the_token_is_stable_within_a_session(seeded):
    client = seeded.test_client()
    assert page_token(client, "/") == page_token(client, "/articles/1") == page_token(client, "/map")


#: The POST forms each page must have: the library's rename, delete and upload forms; the
#: story's re-analyse form; none on the map and place pages (a missing form fails the test).
POST_FORMS = {"/": 3, "/articles/1": 1, "/map": 0, "/places/gn:2988507": 0}


def test_every_form_on_every_page_carries_the_token(seeded):
    client = seeded.test_client()
    for path, expected in POST_FORMS.items():
        body = client.get(path).get_data(as_text=True)
        token = page_token(client, path)
        forms = re.findall(r"<form\b[^>]*>.*?</form>", body, re.S | re.I)
        posts = [form for form in forms if re.search(r'method="post"', form, re.I)]
        assert len(posts) == expected, (path, len(posts))
        for form in posts:
            assert f'name="csrf_token" value="{token}"' in form, (path, form[:200])


def test_the_empty_library_and_the_signin_page_forms_carry_the_token(tmp_path):
    app = make_app(tmp_path, GEOPARSER=FakeGeoparser(), EDITOR_TOKEN=TOKEN)
    client = app.test_client()
    # The library shows its editing forms to editors only (issue 10): sign in first.
    assert client.post("/signin", data={"token": TOKEN}).status_code == 303
    for path, expected in (("/", 2), ("/signin", 1)):  # sample + upload; sign out
        body = client.get(path).get_data(as_text=True)
        token = page_token(client, path)
        posts = [form for form in re.findall(r"<form\b[^>]*>.*?</form>", body, re.S | re.I)
                 if re.search(r'method="post"', form, re.I)]
        assert len(posts) == expected, (path, len(posts))
        for form in posts:
            assert f'name="csrf_token" value="{token}"' in form, (path, form[:200])


def test_cross_site_origin_is_refused_even_with_a_token(seeded):
    client = seeded.test_client()
    before = snapshot(seeded)
    response = client.post("/articles/1/delete", headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert snapshot(seeded) == before


# --------------------------------------------------------------------------- CSRF on the API


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", json.dumps({"text": "Paris forged"})),
        ("application/x-www-form-urlencoded", "text=Paris+forged"),
        ("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nParis\r\n--x--\r\n"),
        (None, json.dumps({"text": "Paris forged"})),
    ],
)
@pytest.mark.parametrize("path", ["/api/articles", "/api/articles/1/corrections", "/api/reviewer"])
def test_simple_cross_site_requests_to_the_api_are_refused(seeded, content_type, body, path):
    """What a hostile page can send without a CORS preflight needs the token."""
    client = seeded.test_client(send_csrf=False)
    before = snapshot(seeded)
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post(path, data=body, headers=headers)
    assert response.status_code == 403 and response.is_json
    assert "CSRF" in response.get_json()["error"]
    assert snapshot(seeded) == before


def test_json_api_requests_need_no_token(seeded):
    """application/json cannot be sent cross-site without a preflight: scripts and curl just work."""
    client = seeded.test_client(send_csrf=False)
    response = client.post("/api/articles", json={"text": "Paris, by API"})
    assert response.status_code == 202
    response = client.post("/api/articles", data=json.dumps({"text": "Paris, v2"}),
                           content_type="application/json; charset=utf-8")
    assert response.status_code == 202


def test_the_header_token_works_for_any_content_type(seeded):
    client = seeded.test_client(send_csrf=False)
    token = page_token(client)
    response = client.post("/api/articles", data="text=x", content_type="text/plain",
                           headers={"X-CSRF-Token": token})
    assert response.status_code == 400  # past the CSRF check: the route itself wants JSON
    response = client.post("/api/articles", data="text=x", content_type="text/plain",
                           headers={"X-CSRF-Token": "wrong"})
    assert response.status_code == 403


def test_state_changes_only_by_post_put_patch_delete(seeded):
    """No GET (or HEAD) changes anything, and no route that changes data answers GET."""
    client = seeded.test_client()
    before = snapshot(seeded)
    for method, url, rule in routes(seeded, ("GET", "HEAD")):
        response = client.open(url, method=method)
        assert response.status_code < 500, (method, url)
        assert snapshot(seeded) == before, (method, url)
    adapter = seeded.url_map.bind("localhost")
    for method, url, rule in routes(seeded, UNSAFE):
        try:
            endpoint, _ = adapter.match(url, method="GET")
        except HTTPException:  # 405: this URL only takes state changes
            continue
        assert endpoint != rule.endpoint or rule.endpoint == "auth.signin", url  # GET is another view
    assert snapshot(seeded) == before


# --------------------------------------------------------------------------- the editor token


def test_without_the_editor_token_reading_is_public(editor_app):
    client = editor_app.test_client()
    for path in ("/", "/articles/1", "/articles/1.geojson", "/export.geojson", "/api/articles",
                 "/map", "/signin"):
        assert client.get(path).status_code == 200, path
    assert "Sign in" in client.get("/").get_data(as_text=True)
    signin = client.get("/signin")
    csp = signin.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    token = page_token(client, "/signin")
    assert signin.get_data(as_text=True).count(f'name="csrf_token" value="{token}"') == 1


def test_every_state_changing_route_needs_the_editor_token(editor_app):
    """Checked centrally: each POST/PUT/PATCH/DELETE rule of the app, blueprints included."""
    client = editor_app.test_client()  # with a valid CSRF token, but not signed in
    before = snapshot(editor_app)
    seen = []
    for method, url, rule in routes(editor_app, UNSAFE):
        if rule.endpoint == "auth.signin_submit":
            continue
        seen.append(rule.endpoint)
        response = client.open(url, method=method, json={"text": "Paris by an intruder"})
        if url.startswith("/api/"):
            assert response.status_code == 401, url
            assert response.is_json and response.headers["WWW-Authenticate"].startswith("Bearer")
        else:
            assert response.status_code == 403, url
            assert "Sign in with the editor token" in response.get_data(as_text=True)
        assert snapshot(editor_app) == before, url
    assert {"library.upload", "library.load_sample", "library.delete_article",
            "api.create_article"} <= set(seen)
    assert any(e.startswith("review.") for e in seen)
    assert_still_serves(client)


@pytest.mark.parametrize("auth", ["", "Bearer", "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x"])
def test_the_api_refuses_a_missing_or_wrong_bearer_token(editor_app, auth):
    client = editor_app.test_client()
    before = snapshot(editor_app)
    response = client.post("/api/articles", json={"text": "Paris"}, headers={"Authorization": auth})
    assert response.status_code == 401
    assert snapshot(editor_app) == before


def test_the_api_accepts_the_bearer_token(editor_app):
    client = editor_app.test_client(send_csrf=False)
    response = client.post("/api/articles", json={"text": "Paris, by the editor"},
                           headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 202 and n_articles(editor_app) == 2


def test_browser_sign_in_then_edit_then_sign_out(editor_app):
    client = editor_app.test_client(send_csrf=False)
    token = page_token(client, "/signin")
    wrong = client.post("/signin", data={"token": "nope", "csrf_token": token})
    assert wrong.status_code == 403 and "not the editor token" in wrong.get_data(as_text=True)
    assert upload(client, text="Paris 2", csrf_token=token).status_code == 403
    # Signing in needs the CSRF token too (no login CSRF).
    assert client.post("/signin", data={"token": TOKEN}).status_code == 403
    response = client.post("/signin", data={"token": TOKEN, "csrf_token": token, "next": "/articles/1"})
    assert response.status_code == 303 and response.headers["Location"] == "/articles/1"
    fresh = page_token(client)
    assert fresh != token  # a new session on sign-in
    assert upload(client, text="Paris 2", csrf_token=token).status_code == 403  # old token is dead
    assert upload(client, text="Paris 2", csrf_token=fresh).status_code == 303
    assert n_articles(editor_app) == 2
    assert "Editor" in client.get("/").get_data(as_text=True)
    assert client.post("/signout", data={"csrf_token": fresh}).status_code == 303
    token = page_token(client)
    assert upload(client, text="Paris 3", csrf_token=token).status_code == 403
    assert n_articles(editor_app) == 2


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example",
                                    "javascript:alert(1)", "", None])
def test_sign_in_never_redirects_off_site(editor_app, target):
    client = editor_app.test_client()
    data = {"token": TOKEN} | ({"next": target} if target is not None else {})
    response = client.post("/signin", data=data)
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_a_changed_editor_token_signs_everyone_out(tmp_path, editor_app):
    client = editor_app.test_client()
    client.post("/signin", data={"token": TOKEN})
    assert upload(client, text="Paris 2").status_code == 303
    editor_app.config["EDITOR_TOKEN"] = "a-new-token"
    assert upload(client, text="Paris 3").status_code == 403


def test_a_session_signed_with_another_key_is_not_trusted(tmp_path, editor_app):
    (tmp_path / "other").mkdir()
    other = make_app(tmp_path / "other", GEOPARSER=FakeGeoparser(), EDITOR_TOKEN=TOKEN, SECRET_KEY="other")
    forged = other.test_client()
    forged.post("/signin", data={"token": TOKEN})
    cookie = forged.get_cookie("session").value
    client = editor_app.test_client()
    client.set_cookie("session", cookie)
    assert upload(client, text="Paris forged").status_code == 403
    assert n_articles(editor_app) == 1


def test_without_an_editor_token_there_is_no_sign_in(seeded):
    client = seeded.test_client()
    assert client.get("/signin").status_code == 404
    assert "Sign in" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(("env", "expected"), [({}, None), ({"EDITOR_TOKEN": "  "}, None),
                                               ({"EDITOR_TOKEN": " t0k "}, "t0k")])
def test_editor_token_from_the_environment(env, expected):
    assert settings_from_env("/inst", env).get("EDITOR_TOKEN") == expected


# --------------------------------------------------------------------------- secret key


def test_a_secret_key_is_generated_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(app_module, "Flask", partial(flask.Flask, instance_path=str(tmp_path)))
    config = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    first = create_app(config)
    key_file = tmp_path / "secret_key"
    assert first.secret_key == key_file.read_text().strip() and len(first.secret_key) >= 64
    assert key_file.stat().st_mode & 0o077 == 0
    assert create_app(config).secret_key == first.secret_key  # kept across restarts


def test_no_secret_key_constant_in_the_code():
    root = Path(app_module.__file__).parent
    for path in [root / "app.py", *root.glob("*.py"), *(root / "web").glob("*.py"),
                 *(root / "geo").rglob("*.py")]:
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"""SECRET_KEY["']?\s*[\]:=]\s*["'][^"']+["']""", source), path


# --------------------------------------------------------------------------- headers


def _html_pages(client) -> list[str]:
    return ["/", "/articles/1", "/map", "/places/gn:2988507", "/nope", "/articles/99"]


def test_every_page_has_a_strict_csp_that_allows_exactly_its_inline_scripts(seeded):
    client = seeded.test_client()
    for path in _html_pages(client):
        response = client.get(path)
        assert response.mimetype == "text/html", path
        csp = response.headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        script_src = directives["script-src"].split()
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        assert "*" not in script_src and "data:" not in script_src and "https:" not in script_src
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
        body = response.get_data(as_text=True)
        allowed = {s for s in script_src if s.startswith("'sha256-")}
        inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", body, re.S | re.I)
        for script in inline:
            digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in allowed, path
        # No inline event handlers or javascript: URLs: CSP would block them anyway.
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", body, re.I), path
        assert "javascript:" not in body.lower(), path


@pytest.mark.parametrize("path", ["/", "/articles/1", "/articles/1.geojson", "/export.geojson",
                                  "/api/articles", "/static/js/story.js", "/nope", "/api/nope"])
def test_every_response_is_hardened(seeded, path):
    response = seeded.test_client().get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_the_session_cookie_is_httponly_and_samesite(seeded):
    response = seeded.test_client().get("/")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(seeded):
    with seeded.app_context():
        connection = db.engine.raw_connection()
        try:
            cursor = connection.cursor()
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
            assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        finally:
            connection.close()


# --------------------------------------------------------------------------- untrusted text


HOSTILE_TITLE = """<script>window.pwned=1</script>"><img src=x onerror=alert(1)>'"`${x}{{7*7}}"""
HOSTILE_TEXT = (
    "Paris <script>alert('text')</script> and <img src=x onerror=\"alert(2)\"> in France.\n"
    "<a href=\"javascript:alert(3)\">click</a> \"quoted' Atlantis\" & &amp; </textarea></div>\n"
    "<b onmouseover=alert(4)>Paris</b> <!-- comment --> <![CDATA[ x ]]> </script><svg/onload=alert(5)>"
)


def test_hostile_text_stays_text_in_pages_exports_and_the_api(seeded):
    client = seeded.test_client()
    response = client.post("/api/articles", json={"title": HOSTILE_TITLE, "text": HOSTILE_TEXT,
                                                  "source": "<i>src</i> javascript:alert(6)"})
    assert response.status_code == 202
    article_id = response.get_json()["id"]
    for path in ("/", f"/articles/{article_id}", "/map", "/places/gn:2988507"):
        body = client.get(path).get_data(as_text=True)
        for fragment in ("<script>alert", "<img src=x", "<svg/onload", "<b onmouseover",
                         'href="javascript:', "<script>window.pwned"):
            assert fragment not in body, (path, fragment)
    page = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in page or "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in page
    for path in (f"/articles/{article_id}.geojson", "/export.geojson"):
        response = client.get(path)
        assert response.mimetype == "application/geo+json"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        fc = json.loads(response.get_data(as_text=True))
        passages = [m["passage"] for f in fc["features"] for m in f["properties"]["mentions"]]
        assert any("<script>alert('text')</script>" in p for p in passages)  # literal, unchanged
    listed = {a["id"]: a for a in client.get("/api/articles").get_json()["articles"]}
    assert listed[article_id]["title"] == HOSTILE_TITLE
