"""Deployment and hardening (issue 10, item 5): the gunicorn config, trusted hosts, the secure
cookie setting, the sign-in rate limit, sessions that end on sign-out, the gazetteer 503,
an export that is whole or absent, and editing controls for editors only."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

import web.cli
from testkit import PARIS_UPLOAD, FakeGeoparser, make_app, n_articles, upload
from web.errors import GAZETTEER_MISSING_MESSAGE
from web.ratelimit import TokenBucket
from web.settings import deployment_settings

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "editor-token-for-deploy-tests"


@pytest.fixture
def editor_app(tmp_path: Path) -> Flask:
    app = make_app(tmp_path, GEOPARSER=FakeGeoparser(), EDITOR_TOKEN=TOKEN, SIGNIN_ATTEMPTS=3)
    app.testing = False
    response = app.test_client().post("/api/articles", json={"title": "Seed", "text": PARIS_UPLOAD},
                                      headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 202  # stored and analysed (immediate queue in tests)
    return app


# --------------------------------------------------------------------------- gunicorn


def _gunicorn_config(tmp_path: Path, **environ: str) -> dict[str, str]:
    """gunicorn.conf.py's settings as gunicorn itself reads them (``--print-config``)."""
    env = {k: v for k, v in os.environ.items() if k != "MAX_REQUESTS"}
    env.update(SECRET_KEY="check", DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite'}", **environ)
    gunicorn = Path(sys.executable).parent / "gunicorn"
    result = subprocess.run([str(gunicorn), "--print-config", "--config", "gunicorn.conf.py"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return {key.strip(): value.strip() for key, _, value in
            (line.partition(" = ") for line in result.stdout.splitlines())}


def test_the_gunicorn_config_loads_the_app(tmp_path):
    config = _gunicorn_config(tmp_path)
    assert config["worker_class"] == "gthread" and int(config["threads"]) > 1
    assert 0 < int(config["timeout"]) <= 120 and config["wsgi_app"] == "app:create_app()"


@pytest.mark.parametrize(("environ", "expected"), [({}, (0, 0)), ({"MAX_REQUESTS": "5000"}, (5000, 500))])
def test_gunicorn_recycles_workers_only_when_asked(tmp_path, environ, expected):
    config = _gunicorn_config(tmp_path, **environ)  # recycling resets keep-alive requests (gunicorn #3038)
    assert (int(config["max_requests"]), int(config["max_requests_jitter"])) == expected


# --------------------------------------------------------------------------- settings


@pytest.mark.parametrize(
    ("env", "key", "expected"),
    [
        ({}, "TRUSTED_HOSTS", None),
        ({"TRUSTED_HOSTS": "maps.example, .example.org"}, "TRUSTED_HOSTS",
         ["maps.example", ".example.org"]),
        ({}, "SESSION_COOKIE_SECURE", False),
        ({"SESSION_COOKIE_SECURE": "1"}, "SESSION_COOKIE_SECURE", True),
        ({"SESSION_COOKIE_SECURE": "off"}, "SESSION_COOKIE_SECURE", False),
        ({}, "PROXY_COUNT", 0),
        ({"PROXY_COUNT": "1"}, "PROXY_COUNT", 1),
        ({}, "SIGNIN_ATTEMPTS", 10),
        ({"SIGNIN_ATTEMPTS": "3"}, "SIGNIN_ATTEMPTS", 3),
        ({}, "SESSION_EPOCH_PATH", os.path.join("/inst", "session_epoch")),
        ({"SESSION_EPOCH_PATH": "/shared/epoch"}, "SESSION_EPOCH_PATH", "/shared/epoch"),
        ({}, "PAGE_CACHE_CHARS", 30_000_000),
        ({"PAGE_CACHE_CHARS": "0"}, "PAGE_CACHE_CHARS", 0),
    ],
)
def test_deployment_settings_from_the_environment(env, key, expected):
    assert deployment_settings("/inst", env)[key] == expected


@pytest.mark.parametrize("env", [{"SESSION_COOKIE_SECURE": "maybe"}, {"PROXY_COUNT": "-1"},
                                 {"SIGNIN_ATTEMPTS": "many"}, {"PAGE_CACHE_CHARS": "1e6"}])
def test_bad_deployment_settings_stop_the_start(env):
    with pytest.raises(RuntimeError):
        deployment_settings("/inst", env)


def test_a_forged_host_is_refused_and_never_echoed(tmp_path):
    app = make_app(tmp_path, GEOPARSER=FakeGeoparser(), TRUSTED_HOSTS=["maps.example"])
    client = app.test_client(send_csrf=False)  # JSON needs no CSRF token (and no session)
    created = client.post("/api/articles", json={"text": PARIS_UPLOAD}, headers={"Host": "maps.example"})
    assert created.status_code == 202 and created.headers["Location"].startswith("http://maps.example/")
    forged_post = client.post("/api/articles", json={"text": "Lyon"}, headers={"Host": "evil.example"})
    assert forged_post.status_code == 400 and n_articles(app) == 1
    good = client.get("/api/articles", headers={"Host": "maps.example"})
    assert good.status_code == 200
    assert good.get_json()["articles"][0]["url"].startswith("http://maps.example/")
    forged = client.get("/api/articles", headers={"Host": "evil.example"})
    assert forged.status_code == 400 and b"evil.example" not in forged.data
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_the_session_cookie_is_secure_when_set(tmp_path):
    app = make_app(tmp_path, GEOPARSER=FakeGeoparser(), SESSION_COOKIE_SECURE=True)
    cookie = app.test_client().get("/", base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie
    (tmp_path / "plain").mkdir()
    plain = make_app(tmp_path / "plain", GEOPARSER=FakeGeoparser())  # the default: plain http
    assert "Secure" not in plain.test_client().get("/").headers["Set-Cookie"]


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(tmp_path):
    app = make_app(tmp_path, GEOPARSER=FakeGeoparser(), EDITOR_TOKEN=TOKEN, SIGNIN_ATTEMPTS=1,
                   PROXY_COUNT=1)
    client = app.test_client()
    for ip in ("203.0.113.1", "203.0.113.2"):  # one wrong try each: neither is locked out yet
        response = client.post("/signin", data={"token": "x"}, headers={"X-Forwarded-For": ip})
        assert response.status_code == 403
    locked = client.post("/signin", data={"token": "x"}, headers={"X-Forwarded-For": "203.0.113.1"})
    assert locked.status_code == 429


# --------------------------------------------------------------------------- sign-in


def test_the_sign_in_is_rate_limited_per_client(editor_app):
    client = editor_app.test_client()
    for _ in range(3):  # SIGNIN_ATTEMPTS wrong tokens are answered...
        assert client.post("/signin", data={"token": "guess"}).status_code == 403
    response = client.post("/signin", data={"token": "guess"})  # ...the next is refused
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
    assert client.post("/signin", data={"token": TOKEN}).status_code == 429  # even the right one
    other = editor_app.test_client()
    other_ip = {"REMOTE_ADDR": "192.0.2.7"}
    assert other.post("/signin", data={"token": TOKEN}, environ_base=other_ip).status_code == 303


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        # (seconds to wait before a try, then take it?) ... -> retry_after after the last step
        ([(0, True)], 0),
        ([(0, True), (0, True)], 0),
        ([(0, True), (0, True), (0, True)], 20),  # 3 per 60 s: one back every 20 s
        ([(0, True), (0, True), (0, True), (5, False)], 15),
        ([(0, True), (0, True), (0, True), (20, False)], 0),
        ([(0, True), (0, True), (0, True), (60, True), (0, True), (0, True)], 20),
    ],
)
def test_token_bucket(steps, expected):
    now = [0.0]
    bucket = TokenBucket(3, 60, clock=lambda: now[0])
    for wait, take in steps:
        now[0] += wait
        if take:
            bucket.take("203.0.113.9")
    assert bucket.retry_after("203.0.113.9") == expected
    assert bucket.retry_after("another client") == 0


def test_the_token_bucket_forgets_refilled_clients():
    now = [0.0]
    bucket = TokenBucket(2, 10, clock=lambda: now[0], max_clients=3)
    for n in range(3):
        bucket.take(f"c{n}")
    now[0] += 10
    bucket.take("c3")  # over max_clients: the refilled ones are dropped
    assert set(bucket._buckets) == {"c3"}


def test_a_cookie_replayed_after_sign_out_is_not_an_editor(editor_app):
    client = editor_app.test_client()
    assert client.post("/signin", data={"token": TOKEN}).status_code == 303
    cookie = client.get_cookie("session").value
    assert upload(client, text="Paris 2").status_code == 303
    assert client.post("/signout").status_code == 303
    replay = editor_app.test_client()
    replay.set_cookie("session", cookie)
    assert upload(replay, text="Paris 3").status_code == 403
    assert n_articles(editor_app) == 2
    # Signing in again works, with a new mark.
    assert client.post("/signin", data={"token": TOKEN}).status_code == 303
    assert upload(client, text="Paris 4").status_code == 303


def test_sign_out_ends_the_other_editor_sessions_too(editor_app):
    one, two = editor_app.test_client(), editor_app.test_client()
    for client in (one, two):
        assert client.post("/signin", data={"token": TOKEN}).status_code == 303
    assert one.post("/signout").status_code == 303
    assert upload(two, text="Paris 2").status_code == 403


def test_a_new_editor_token_ends_every_sign_in(editor_app):
    client = editor_app.test_client()
    assert client.post("/signin", data={"token": TOKEN}).status_code == 303
    editor_app.config["EDITOR_TOKEN"] = "another-token"
    assert upload(client, text="Paris 2").status_code == 403
    assert client.post("/signin", data={"token": "another-token"}).status_code == 303
    assert upload(client, text="Paris 2").status_code == 303


# --------------------------------------------------------------------------- errors and export


@pytest.mark.parametrize("path", ["/api/gazetteer?q=Paris", "/sample"])
def test_the_missing_gazetteer_503_names_no_server_path(tmp_path, path):
    app = make_app(tmp_path)  # no injected geoparser or index, no gazetteer file
    app.testing = False
    client = app.test_client()
    response = client.get(path) if "?" in path else client.post(path)
    body = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "gazetteer" in body and str(tmp_path) not in body and "sqlite" not in body
    assert GAZETTEER_MISSING_MESSAGE.split(":")[0] in body.replace("&#39;", "'")


def test_a_failed_export_leaves_no_partial_file(app, runner, tmp_path, monkeypatch):
    upload(app.test_client(), text=PARIS_UPLOAD)
    out = tmp_path / "out" / "all.geojson"
    out.parent.mkdir()

    def failing_chunks():
        yield '{"type": "FeatureCollection", "features": ['
        raise RuntimeError("the database went away mid-stream")

    monkeypatch.setattr(web.cli, "export_chunks", failing_chunks)
    result = runner.invoke(args=["export", "-o", str(out)])
    assert result.exit_code != 0
    assert list(out.parent.iterdir()) == []  # neither the file nor a temporary one
    out.write_text("the previous export\n")
    runner.invoke(args=["export", "-o", str(out)])
    assert out.read_text() == "the previous export\n"  # an old file stays whole too


# --------------------------------------------------------------------------- editing controls


def library_controls(client) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    body = client.get("/").get_data(as_text=True)
    return {name: marker in body for name, marker in (
        ("delete", "/articles/1/delete"), ("rename", "/articles/1/rename"),
        ("upload", 'action="/upload"'))}


def test_editing_controls_only_for_editors(editor_app):
    client = editor_app.test_client()
    assert library_controls(client) == {"delete": False, "rename": False, "upload": False}
    assert "Sign in as an editor" in client.get("/").get_data(as_text=True)
    client.post("/signin", data={"token": TOKEN})
    assert library_controls(client) == {"delete": True, "rename": True, "upload": True}


def test_without_an_editor_token_everyone_sees_the_controls(app, client):
    upload(client, text=PARIS_UPLOAD)
    assert library_controls(client) == {"delete": True, "rename": True, "upload": True}
