"""Analysis jobs (issue 10): the queue from QUEUE_URL, leases, limits, and real worker processes
on SQLite and (when TEST_POSTGRES_URL is set, as in CI) on PostgreSQL."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest
from flask import Flask
from huey import MemoryHuey, SqliteHuey
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.engine import make_url

from geo import store
from geo.home import HomeArea
from web.extensions import db
from web.jobs import WORKER_NICE, get_huey, make_huey, run_job, sweep, waiting_ids
from testkit import GAZETTEER, PARIS_TEXT, FakeGeoparser, make_app, paris_story

ROOT = Path(__file__).resolve().parent.parent
SERVER_URL = os.environ.get("TEST_POSTGRES_URL")
needs_postgres = pytest.mark.skipif(
    not SERVER_URL, reason="TEST_POSTGRES_URL is not set (.ci/run starts a server and sets it)")


# ---------------------------------------------------------------------------------- units


@pytest.mark.parametrize(("url", "kind"), [
    ("immediate", MemoryHuey),
    ("sqlite:///{tmp}/q.sqlite", SqliteHuey),
])
def test_make_huey_reads_the_queue_url(tmp_path, url, kind):
    huey = make_huey(url.format(tmp=tmp_path))
    assert isinstance(huey, kind)
    assert huey.immediate == (url == "immediate")


@pytest.mark.parametrize("url", ["redis://localhost", "", "sqlite://relative.sqlite", "mysql://x/y"])
def test_make_huey_refuses_other_urls(url):
    with pytest.raises(ValueError, match="QUEUE_URL"):
        make_huey(url)


def test_settings_give_a_sqlite_queue_in_the_instance_folder(tmp_path):
    from web.settings import job_settings

    settings = job_settings(str(tmp_path), {})
    assert settings["QUEUE_URL"] == f"sqlite:///{tmp_path}/queue.sqlite"
    assert settings["JOB_TIMEOUT_S"] < settings["JOB_LEASE_S"]  # a live job never loses its lease
    assert job_settings(str(tmp_path), {"QUEUE_URL": " immediate "})["QUEUE_URL"] == "immediate"
    beside = job_settings(str(tmp_path), {"DATABASE_URL": "sqlite:////data/bench.sqlite"})
    assert beside["QUEUE_URL"] == "sqlite:////data/bench-queue.sqlite"  # one queue per database
    with pytest.raises(RuntimeError, match="JOB_TIMEOUT_S"):
        job_settings(str(tmp_path), {"JOB_TIMEOUT_S": "soon"})


@pytest.fixture
def session(app) -> Iterator[Any]:
    with app.app_context():
        yield db.session


def test_add_text_creates_once_then_finds(session):
    first, created = store.add_text(session, "A", "s", PARIS_TEXT)
    again, created_again = store.add_text(session, "B", "s", PARIS_TEXT)
    assert (created, created_again) == (True, False)
    assert first.id == again.id and again.title == "A" and again.status == "queued"


def test_a_lease_is_taken_once_and_lost_when_it_expires(session):
    article, _ = store.add_text(session, "A", "s", PARIS_TEXT)
    token = store.claim(session, article.id, lease_s=60)
    assert token is not None
    assert store.claim(session, article.id, lease_s=60) is None  # held: no second job
    assert store.record_progress(session, article.id, token, "finding places", 40, lease_s=-1)
    other = store.claim(session, article.id, lease_s=60)  # expired: another job takes it
    assert other is not None and other != token
    assert not store.record_progress(session, article.id, token, "storing", 90, lease_s=60)
    assert not store.finish(session, article.id, token, paris_story())  # the old job writes nothing
    assert store.finish(session, article.id, other, paris_story())
    session.expire_all()
    done = store.get_article(session, article.id)
    assert (done.status, done.progress, done.attempts) == ("done", 100, 2)
    assert len(done.mentions) == len(paris_story().mentions)  # stored once
    assert store.claim(session, article.id, lease_s=60) is None  # done: nothing to take


@pytest.mark.parametrize(("attempts", "status"), [(1, "queued"), (2, "queued"), (3, "failed")])
def test_the_sweep_queues_expired_leases_again_up_to_max_attempts(session, attempts, status):
    article, _ = store.add_text(session, "A", "s", PARIS_TEXT)
    for _ in range(attempts):
        store.claim(session, article.id, lease_s=-1)  # each taken, each worker "died"
    ids = store.sweep_leases(session, max_attempts=3)
    assert ids == ([article.id] if status == "queued" else [])
    session.expire_all()
    swept = store.get_article(session, article.id)
    assert swept.status == status
    if status == "failed":
        assert "stopped 3 times" in swept.error


def test_requeue_keeps_the_text_and_a_running_job_loses_its_lease(session):
    article, _ = store.add_text(session, "A", "s", PARIS_TEXT)
    token = store.claim(session, article.id, lease_s=60)
    assert store.requeue(session, article.id)
    assert not store.finish(session, article.id, token, paris_story())
    assert not store.requeue(session, 999)


class Raising(FakeGeoparser):
    def __init__(self, exc: BaseException) -> None:
        super().__init__()
        self.exc = exc

    def parse(self, text: str, home=None):  # type: ignore[no-untyped-def]
        raise self.exc


@pytest.mark.parametrize(("exc", "message"), [
    (MemoryError(), "more than 64 MB of memory"),
    (RuntimeError("boom"), "failed (RuntimeError)"),
])
def test_a_failed_job_marks_the_article_failed_with_the_reason(tmp_path, exc, message):
    app = make_app(tmp_path, GEOPARSER=Raising(exc), JOB_MEMORY_MB=64)
    client = app.test_client()
    assert client.post("/api/articles", json={"text": PARIS_TEXT}).status_code == 202
    state = client.get("/api/articles/1").get_json()
    assert state["status"] == "failed" and message in state["error"]
    page = client.get("/articles/1").get_data(as_text=True)
    assert message in page and 'data-status="failed"' in page


def test_a_job_for_a_deleted_or_done_article_does_nothing(app):
    with app.app_context():
        assert run_job(12345) == "skipped"


def test_the_story_page_of_a_queued_article_shows_its_state(tmp_path):
    app = make_app(tmp_path, GEOPARSER=FakeGeoparser())
    with app.app_context():
        article, _ = store.add_text(db.session, "Waiting", "s", PARIS_TEXT)  # stored, not run
    page = app.test_client().get(f"/articles/{article.id}").get_data(as_text=True)
    assert 'data-status="queued"' in page and "/static/js/job.js" in page
    assert "Queued" in page
    listed = app.test_client().get("/").get_data(as_text=True)
    assert "queued" in listed


def test_a_job_reads_the_home_area_of_the_articles_source(tmp_path):
    """The analysis is given where the publication's other done articles are (geo.home): their
    places' first-level regions, a person's review counting as certain; other sources say nothing."""
    geoparser = FakeGeoparser()
    app = make_app(tmp_path, GEOPARSER=geoparser)
    client = app.test_client()

    def upload(text: str, source: str) -> None:
        assert client.post("/api/articles", json={"text": text, "source": source}).status_code == 202

    upload(PARIS_TEXT, "https://www.paper.example/2024/1")
    assert geoparser.homes[-1] is None  # the source's first article
    with app.app_context():
        db.session.execute(update(store.Place).values(admin1="Île-de-France"))
        db.session.commit()
    upload(PARIS_TEXT + " Again.", "http://paper.example/2024/2")
    assert geoparser.homes[-1] == HomeArea({("FR", "Île-de-France"): 1.0}, 1, "paper.example")
    page = client.get("/articles/2").get_data(as_text=True)  # the reader sees what was read
    assert "Read as a paper.example story: Île-de-France, France (100% of its stories)" in page
    assert "home-area" not in client.get("/articles/1").get_data(as_text=True)
    assert client.get("/api/articles/2").get_json()["home_area"] == {
        "source": "paper.example", "articles": 1, "country": None, "setting": None,
        "regions": [{"name": "Île-de-France, France", "share": 1.0}]}
    assert client.get("/api/articles/1").get_json()["home_area"] is None
    assert client.get("/articles/2.geojson").get_json()["home_area"]["source"] == "paper.example"
    assert "home_area" not in client.get("/articles/1.geojson").get_json()
    upload(PARIS_TEXT + " Elsewhere.", "https://other.example/1")
    assert geoparser.homes[-1] is None
    upload(PARIS_TEXT + " Pasted.", "")
    assert geoparser.homes[-1] is None
    upload(PARIS_TEXT + " Dublin.", "https://www.irishtimes.ie/news/1")  # a country domain, no stories yet
    assert geoparser.homes[-1] == HomeArea(source="irishtimes.ie", country="IE")
    assert "Read as a irishtimes.ie story: a publication in Ireland" in client.get("/articles/5").get_data(as_text=True)


def test_the_home_area_line_escapes_the_publication(tmp_path):
    app = make_app(tmp_path, GEOPARSER=FakeGeoparser())
    client = app.test_client()
    client.post("/api/articles", json={"text": PARIS_TEXT, "source": 'https://a<i>"b.example/1'})
    with app.app_context():
        db.session.execute(update(store.Place).values(admin1="<b>Île</b>"))
        db.session.commit()
    client.post("/api/articles", json={"text": PARIS_TEXT + " 2", "source": 'https://a<i>"b.example/2'})
    page = client.get("/articles/2").get_data(as_text=True)
    assert "Read as a a&lt;i&gt;&#34;b.example story: &lt;b&gt;Île&lt;/b&gt;, France" in page
    assert "<i>" not in page and "<b>Île" not in page


def test_source_regions_reads_only_done_articles_of_the_same_host(tmp_path):
    app = make_app(tmp_path, GEOPARSER=FakeGeoparser())
    client = app.test_client()
    for k, source in enumerate(["https://a.example/1", "https://a.example/2", "https://b.example/a.example"]):
        client.post("/api/articles", json={"text": f"{PARIS_TEXT} {k}", "source": source})
    with app.app_context():
        db.session.execute(update(store.Place).values(admin1="Île-de-France"))
        db.session.execute(update(store.Mention).values(confidence=0.1))  # too unsure to count...
        db.session.execute(update(store.Mention).where(store.Mention.article_id == 1).values(review="confirmed"))
        db.session.commit()  # ...unless a person confirmed it
        regions = store.source_regions(db.session, "a.example", None, 0.5)
        assert regions == [set(), {("FR", "Île-de-France")}]  # newest first; b.example is another host
        assert store.source_regions(db.session, "a.example", 1, 0.5) == [set()]  # not itself
        store.add_text(db.session, "Waiting", "https://a.example/4", "Paris waits.")  # queued: not read
        assert len(store.source_regions(db.session, "a.example", None, 0.5)) == 2


# ------------------------------------------------------------------- real workers (SQLite)


def worker(env: dict[str, str], app_spec: str = "jobs_app:create()", workers: int = 1) -> subprocess.Popen:
    """``flask worker`` in its own process group (killed as a whole by the tests)."""
    full = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")]),
            "SECRET_KEY": "t", **env}
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", app_spec, "worker", "-w", str(workers)],
        cwd=str(ROOT), env=full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        start_new_session=True)


def stop(proc: subprocess.Popen, sig: int = signal.SIGINT) -> None:
    """Stop a worker and its process group (SIGINT: a graceful stop; then SIGKILL)."""
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)


def wait_status(client: Any, article_id: int, wanted: tuple[str, ...], seconds: float = 40) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        state = client.get(f"/api/articles/{article_id}").get_json()
        if state["status"] in wanted or time.monotonic() > deadline:
            return state
        time.sleep(0.1)


def sqlite_env(tmp_path: Path, **extra: Any) -> tuple[dict[str, str], dict[str, Any]]:
    db_url, queue_url = f"sqlite:///{tmp_path / 'test.sqlite'}", f"sqlite:///{tmp_path / 'queue.sqlite'}"
    env = {"DATABASE_URL": db_url, "QUEUE_URL": queue_url, **{k: str(v) for k, v in extra.items()}}
    return env, {"QUEUE_URL": queue_url, **extra}


@pytest.mark.skipif(not GAZETTEER.is_file(), reason="the gazetteer index is built by `make install`")
def test_a_real_worker_process_analyses_an_api_upload(tmp_path):
    env, config = sqlite_env(tmp_path)
    app = make_app(tmp_path, GAZETTEER_PATH=str(GAZETTEER), **config)
    client = app.test_client()
    response = client.post("/api/articles", json={"text": "Floods hit Dhaka and Lagos on Monday."})
    assert response.status_code == 202 and response.get_json()["status"] == "queued"
    assert client.get("/api/articles/1").get_json()["status"] == "queued"  # the web ran nothing
    proc = worker({**env, "GAZETTEER_PATH": str(GAZETTEER)}, app_spec="app")
    try:
        state = wait_status(client, 1, ("done", "failed"), seconds=50)
    finally:
        stop(proc)
    assert state["status"] == "done", (state, proc.stderr.read()[-2000:])
    names = {f["properties"]["name"] for f in client.get("/articles/1.geojson").get_json(force=True)["features"]}
    assert {"Dhaka", "Lagos"} <= names


def worker_nices(group: int, workers: int, seconds: float = 30) -> list[int]:
    """The CPU priorities (nice values) of a worker group's processes but its main one (the process
    workers and Huey's scheduler), once ``workers`` of them are niced."""
    deadline = time.monotonic() + seconds
    while True:
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) != group]
        nices = []
        for pid in pids:
            try:
                if os.getpgid(pid) == group:
                    nices.append(os.getpriority(os.PRIO_PROCESS, pid))
            except (ProcessLookupError, PermissionError):
                continue
        if sum(n > os.nice(0) for n in nices) == workers or time.monotonic() > deadline:
            return nices
        time.sleep(0.2)


def test_worker_processes_lower_their_cpu_priority(tmp_path):
    """Pages stay quick while analyses run: each worker process is niced by WORKER_NICE."""
    env, _ = sqlite_env(tmp_path)
    proc = worker(env, workers=2)
    try:
        nices = worker_nices(proc.pid, 2)
    finally:
        stop(proc)
    assert nices.count(min(19, os.nice(0) + WORKER_NICE)) == 2  # the scheduler process keeps its priority


def queue_then_work(tmp_path: Path, texts: list[str], **settings: Any) -> list[dict[str, Any]]:
    """Upload the texts (queued), then one real worker with these settings: their end states."""
    env, config = sqlite_env(tmp_path, **settings)
    app = make_app(tmp_path, GEOPARSER=FakeGeoparser(), **config)
    client = app.test_client()
    ids = [client.post("/api/articles", json={"text": t}).get_json()["id"] for t in texts]
    proc = worker(env)
    try:
        return [wait_status(client, article_id, ("done", "failed")) for article_id in ids]
    finally:
        stop(proc)


def test_a_job_over_its_time_limit_is_stopped_and_marked_failed(tmp_path):
    slow, fast = queue_then_work(tmp_path, [PARIS_TEXT, "Quick: Paris."],
                                 JOB_TIMEOUT_S=1, JOB_STAGE_DELAY_S=3)
    assert slow["status"] == "failed" and "longer than 1 s" in slow["error"], slow
    assert fast["status"] == "failed"  # the same limit: the worker was not hung by the first


def test_a_job_over_its_memory_limit_is_stopped_and_marked_failed(tmp_path):
    hungry, modest = queue_then_work(tmp_path, ["HUNGRY 4000 Paris", "HUNGRY 10 Paris"],
                                     JOB_MEMORY_MB=1500)
    assert hungry["status"] == "failed" and "more than 1500 MB" in hungry["error"], hungry
    assert modest["status"] == "done"  # the same worker goes on with the next job


def test_a_job_stuck_in_c_code_kills_its_worker_and_fails_after_its_attempts(tmp_path):
    """SIGALRM cannot stop a long C loop; the CPU limit (SIGXCPU) does, the
    consumer starts a new worker, and the lease sweep marks the article failed."""
    spin, after = queue_then_work(tmp_path, ["SPIN Paris", "After: Paris."], JOB_TIMEOUT_S=1,
                                  JOB_LEASE_S=2, JOB_MAX_ATTEMPTS=1)
    assert spin["status"] == "failed" and "stopped 1 times" in spin["error"], spin
    assert after["status"] == "done"  # the restarted worker went on


def test_consumer_starts_queue_an_article_once(tmp_path):
    """A consumer start (here twice in process, then twice as real workers stopped mid-backlog)
    queues only what the queue does not hold: one job per article, none "skipped"."""
    env, config = sqlite_env(tmp_path, JOB_STAGE_DELAY_S=0.4)
    app = make_app(tmp_path, GEOPARSER=FakeGeoparser(), **config)
    client = app.test_client()
    ids = [client.post("/api/articles", json={"text": f"Story {k}: Paris."}).get_json()["id"] for k in range(4)]
    with app.app_context():
        assert sweep(startup=True) == [] and sweep(startup=True) == []
        assert waiting_ids() == set(ids) and len(get_huey().pending()) == 4
    proc = worker(env)
    try:
        assert wait_status(client, ids[0], ("done",))["status"] == "done"
    finally:
        stop(proc)  # graceful: the job in hand is finished, the rest stay queued
    proc = worker(env)
    try:
        states = [wait_status(client, article_id, ("done", "failed")) for article_id in ids]
    finally:
        stop(proc)
    assert [s["status"] for s in states] == ["done"] * 4
    huey = get_huey(app)
    assert huey.pending() == [] and huey.result_count() == 4  # four jobs ran, none twice
    assert sorted(huey.get(key, peek=True) for key in huey.all_results()) == ["done"] * 4


# --------------------------------------------------------------- real workers (PostgreSQL)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new, empty, migrated PostgreSQL database (dropped afterwards): its URL."""
    assert SERVER_URL
    import flask_migrate

    from app import create_app
    from web.extensions import MIGRATIONS_DIR

    name = f"storymap_jobs_{uuid.uuid4().hex[:12]}"
    admin = create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": url})
    with app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        db.engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def pg_app(url: str, **config: Any) -> Flask:
    from app import create_app
    from testkit import CsrfClient

    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": url, "QUEUE_URL": url,
                      "GEOPARSER": FakeGeoparser(), **config})
    app.test_client_class = CsrfClient
    return app


def pg_env(url: str, **extra: Any) -> dict[str, str]:
    return {"DATABASE_URL": url, "QUEUE_URL": url, **{k: str(v) for k, v in extra.items()}}


@needs_postgres
def test_a_worker_killed_mid_job_loses_nothing_and_another_finishes_it(pg_url):
    app = pg_app(pg_url, JOB_LEASE_S=2)
    client = app.test_client()
    env = pg_env(pg_url, JOB_LEASE_S=2, JOB_STAGE_DELAY_S=1.5)
    first = worker(env)
    second = None
    try:
        assert client.post("/api/articles", json={"text": PARIS_TEXT}).status_code == 202
        assert wait_status(client, 1, ("analysing",))["status"] == "analysing"
        second = worker(env)  # started after the first took the job
        time.sleep(1)
        stop(first, signal.SIGKILL)  # killed mid-job: the lease is left to expire
        mid = client.get("/api/articles/1").get_json()
        assert mid["status"] in ("analysing", "queued")  # never "done" half-stored
        state = wait_status(client, 1, ("done", "failed"), seconds=45)
    finally:
        stop(first, signal.SIGKILL)
        if second is not None:
            stop(second)
    assert state["status"] == "done", state
    with app.app_context():
        article = store.get_article(db.session, 1)
        assert article.attempts == 2  # taken by the killed worker, then by the other
        assert len(article.mentions) == 4  # finished once: no mention twice
        db.session.remove()
        db.engine.dispose()


@needs_postgres
def test_twenty_parallel_uploads_with_two_workers(pg_url):
    from testkit import LiveServer
    from test_concurrency import in_parallel, post_json

    app = pg_app(pg_url)
    distinct = [f"Report {n}: Paris in France, near Atlantis." for n in range(15)]
    texts = distinct + [distinct[0]] * 5  # 5 racers with the same text as another upload
    workers = [worker(pg_env(pg_url)), worker(pg_env(pg_url))]
    try:
        with LiveServer(app) as live:
            results = in_parallel(lambda t: post_json(live.url + "/api/articles", {"text": t}),
                                  [(t,) for t in texts])
            client = app.test_client()
            states = [wait_status(client, body["id"], ("done", "failed")) for _, body in results]
    finally:
        for proc in workers:
            stop(proc)
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * 5 + [202] * 15  # 0 errors; one created per text, the rest honest
    assert {s["status"] for s in states} == {"done"}
    with app.app_context():
        assert db.session.scalar(select(func.count(store.Article.id))) == 15  # each stored once
        assert db.session.scalar(select(func.count(store.Place.id))) == 2  # Paris, France: once each
        assert db.session.scalar(select(func.count(store.Mention.id))) == 15 * 3
        db.session.remove()
        db.engine.dispose()


# ------------------------------------------------------------------------- retries


class FakeDriverError(Exception):
    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(("orig", "transient"), [
    (FakeDriverError("deadlock detected", "40P01"), True),
    (FakeDriverError("could not serialize access", "40001"), True),
    (FakeDriverError("database is locked"), True),
    (FakeDriverError("duplicate key value", "23505"), False),
    (FakeDriverError("no such table: articles"), False),
])
def test_is_transient(orig, transient):
    from sqlalchemy.exc import DBAPIError

    assert store.is_transient(DBAPIError("stmt", {}, orig)) is transient


def test_retrying_retries_transient_errors_only(session):
    from sqlalchemy.exc import DBAPIError

    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise DBAPIError("stmt", {}, FakeDriverError("deadlock detected", "40P01"))
        return "stored"

    assert store.retrying(session, flaky, base_delay=0.001) == "stored" and len(calls) == 3

    def broken() -> str:
        calls.append(1)
        raise DBAPIError("stmt", {}, FakeDriverError("duplicate key value", "23505"))

    calls.clear()
    with pytest.raises(DBAPIError):
        store.retrying(session, broken, base_delay=0.001)
    assert len(calls) == 1  # not retried
