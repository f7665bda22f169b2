"""Analysis as background jobs on a Huey task queue.

The queue comes from one setting, ``QUEUE_URL``: a SQLite file (the default, in instance/),
a PostgreSQL server (workers on many machines share it) or ``immediate`` (tests: a job runs
inside the call that queues it). The Huey object is built lazily, once per app. A job takes a
lease on its article, geoparses it in a worker process (the model is loaded once per process)
under a time and a memory limit, and stores the result only while it still holds the lease.
"""
from __future__ import annotations

import logging
import os
import resource
import threading
import time
from typing import Any

import click
import psycopg
from flask import Flask, current_app
from flask.cli import with_appcontext
from huey import Huey, MemoryHuey, PostgresHuey, SqliteHuey
from huey.consumer import Consumer
from huey.exceptions import TaskTimeout

from geo import store
from geo.errors import GeoError
from geo.home import HomeArea, home_area, source_domain, with_source
from geo.setting import SettingNotFound, find_setting, with_setting
from geo.weights import DEFAULT_WEIGHTS
from web.extensions import db, gazetteer, get_geoparser

__all__ = [
    "WORKER_NICE",
    "make_huey",
    "get_huey",
    "enqueue",
    "waiting_ids",
    "run_job",
    "sweep",
    "JobConsumer",
    "start_consumer",
    "worker_command",
    "init_app",
]

QUEUE_NAME = "story-mapper"
WORKER_NICE = 10  # how much lower a worker process's CPU priority is: pages stay quick while texts are analysed
_log = logging.getLogger(__name__)
_BUILDING = threading.Lock()


class LeaseLost(Exception):
    """The job's lease ran out or was taken (a re-analysis, another worker): it stops quietly."""


def make_huey(url: str, name: str = QUEUE_NAME) -> Huey:
    """The Huey queue a ``QUEUE_URL`` names: ``immediate``, ``sqlite:///file`` or ``postgresql://``."""
    if url == "immediate":
        return MemoryHuey(name, immediate=True)
    if url.startswith("sqlite:///"):
        return SqliteHuey(name, filename=url[len("sqlite:///"):])
    scheme, sep, rest = url.partition("://")
    if sep and scheme in ("postgres", "postgresql", "postgresql+psycopg"):
        return _postgres_huey(name, "postgresql://" + rest)
    raise ValueError(f"QUEUE_URL must be 'immediate', sqlite:///... or postgresql://..., not {url!r}")


def _postgres_huey(name: str, dsn: str, attempts: int = 5) -> Huey:
    """PostgresHuey; its CREATE TABLE IF NOT EXISTS races when workers start together
    (a unique violation in the catalog), so build it again after a short pause."""
    for n in range(attempts):
        try:
            return PostgresHuey(name, dsn=dsn)
        except psycopg.errors.UniqueViolation:
            if n == attempts - 1:
                raise
            time.sleep(0.1 * (n + 1))
    raise AssertionError("unreachable")  # pragma: no cover


class _Jobs:
    """One app's queue and its registered tasks (built on first use)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.in_worker = False
        self.huey = make_huey(app.config["QUEUE_URL"])
        self.analyse = self.huey.task(name="analyse", timeout=app.config["JOB_TIMEOUT_S"])(
            self._analyse)
        self.huey.on_startup(name="worker process")(self._worker_startup)

    def _analyse(self, article_id: int) -> str:
        with self.app.app_context():
            if self.in_worker:
                _cpu_backstop(self.app.config["JOB_TIMEOUT_S"])
            return run_job(article_id)

    def _worker_startup(self) -> None:
        """A new worker process: its own database connections, a lower CPU priority and its memory limit."""
        self.in_worker = True  # (this process's copy: the parent never runs a job)
        os.nice(WORKER_NICE)  # the web server on the same machine gets the CPU first
        with self.app.app_context():
            db.engine.dispose(close=False)  # forked: the parent's pooled connections are not ours
        limit_mb = self.app.config.get("JOB_MEMORY_MB") or 0
        if limit_mb > 0:
            limit = int(limit_mb) * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _cpu_backstop(timeout_s: float) -> None:
    """Let this worker process use at most twice the job's time limit in CPU from now (plus 5 s).

    The SIGALRM timer stops a job only when Python code runs; C code that does not return
    (a long loop inside one builtin call) is ended by SIGXCPU instead: the process dies, Huey starts
    another, and the lease sweep queues the article again or, after JOB_MAX_ATTEMPTS, fails it.
    """
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(usage.ru_utime + usage.ru_stime + 2 * timeout_s + 5)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _jobs(app: Flask | None = None) -> _Jobs:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    with _BUILDING:  # one queue per app, even when two requests come first together
        jobs = app.extensions.get("jobs")
        if jobs is None:
            jobs = app.extensions["jobs"] = _Jobs(app)
    return jobs


def get_huey(app: Flask | None = None) -> Huey:
    """The app's Huey queue (built from ``QUEUE_URL`` on first use)."""
    return _jobs(app).huey


def enqueue(article_id: int) -> None:
    """Queue the analysis of a stored article (in immediate mode: run it now)."""
    _jobs().analyse(article_id)
    if current_app.config["QUEUE_URL"] == "immediate":
        db.session.expire_all()  # the job wrote in its own session


def waiting_ids(app: Flask | None = None) -> set[int]:
    """The articles with an analysis entry waiting in the queue (read without taking it)."""
    jobs = _jobs(app)
    return {task.args[0] for task in jobs.huey.pending() if task.name == jobs.analyse.name and task.args}


def _stage(article_id: int, token: str, stage: str, percent: int) -> None:
    config = current_app.config
    if not store.record_progress(db.session, article_id, token, stage, percent, config["JOB_LEASE_S"]):
        raise LeaseLost(article_id)
    if config.get("JOB_STAGE_DELAY_S"):  # tests only: a slow job, deterministically
        time.sleep(config["JOB_STAGE_DELAY_S"])


def _analysis(article_id: int, token: str) -> bool:
    article = store.get_article(db.session, article_id)
    if article is None:
        raise LeaseLost(article_id)
    text, home = article.text, _home(article)
    db.session.commit()
    _stage(article_id, token, "loading the model", 5)
    geoparser = get_geoparser()
    _stage(article_id, token, "finding places", 20)
    story = geoparser.parse(text, home=home)
    _stage(article_id, token, "storing", 90)
    return store.finish(db.session, article_id, token, story, home)


def _home(article: store.Article) -> HomeArea | None:
    """The context an analysis reads beside the text: the source's home area, with the setting its
    uploader gave over it (geo.setting; one the gazetteer no longer knows is left out)."""
    home = _source_home(article)
    if not article.setting:
        return home
    try:
        place = find_setting(gazetteer(), article.setting)
    except SettingNotFound:
        return home
    return with_setting(home, place)


def _source_home(article: store.Article) -> HomeArea | None:
    """Where the other articles of the same publication are (geo.home): weak context for this one."""
    w, domain = DEFAULT_WEIGHTS, source_domain(article.source)
    regions = store.source_regions(db.session, domain, article.id, w.home_min_confidence)
    return with_source(home_area(regions, w.home_min_articles, w.home_min_share), domain)


def _failure_message(exc: BaseException) -> str:
    config = current_app.config
    if isinstance(exc, TaskTimeout):
        return (f"The analysis took longer than {config['JOB_TIMEOUT_S']:g} s and was stopped "
                "(JOB_TIMEOUT_S). The text is kept.")
    if isinstance(exc, MemoryError):
        return (f"The analysis needed more than {config['JOB_MEMORY_MB']} MB of memory and was "
                "stopped (JOB_MEMORY_MB). The text is kept.")
    if isinstance(exc, GeoError):
        return str(exc)
    return f"The analysis failed ({type(exc).__name__}). The text is kept."


def run_job(article_id: int) -> str:
    """Analyse one article if it is this job's to take: "done", "failed", "skipped" or "lost"."""
    token = store.claim(db.session, article_id, current_app.config["JOB_LEASE_S"])
    if token is None:
        return "skipped"
    try:
        return "done" if _analysis(article_id, token) else "lost"
    except LeaseLost:
        db.session.rollback()
        return "lost"
    except Exception as exc:  # the job's boundary (TaskTimeout, MemoryError too): reported, not raised
        db.session.rollback()
        if not isinstance(exc, (TaskTimeout, MemoryError, GeoError)):
            _log.exception("analysis of article %s failed", article_id)
        store.fail(db.session, article_id, token, _failure_message(exc))
        return "failed"


def sweep(startup: bool = False) -> list[int]:
    """Queue again the articles whose worker died (lease expired); at startup, every queued one.

    An article that already has an entry waiting in the queue is not queued twice (a consumer
    that starts beside a backlog, or again after a restart, adds nothing the queue holds)."""
    config = current_app.config
    ids = store.sweep_leases(db.session, config["JOB_MAX_ATTEMPTS"])
    if startup:
        ids = sorted(set(ids) | set(store.queued_ids(db.session)))
    if ids:
        waiting = waiting_ids()
        ids = [article_id for article_id in ids if article_id not in waiting]
    for article_id in ids:
        enqueue(article_id)
    db.session.remove()
    return ids


class JobConsumer(Consumer):
    """Huey's consumer (process workers) that also sweeps expired leases: at startup, then at
    every health check."""

    def __init__(self, app: Flask, workers: int, **options: Any) -> None:
        self.app = app
        interval = max(1.0, min(10.0, app.config["JOB_LEASE_S"] / 2))
        # An idle worker looks at a SQLite queue at least every second (PostgreSQL wakes it).
        options.setdefault("max_delay", 1.0)
        super().__init__(get_huey(app), workers=workers, worker_type="process",
                         health_check_interval=interval, scheduler_interval=1, **options)

    def _sweep(self, startup: bool = False) -> None:
        try:
            with self.app.app_context():
                requeued = sweep(startup)
        except Exception:  # a database hiccup must not stop the consumer: next sweep
            _log.exception("lease sweep failed")
            return
        if requeued:
            _log.info("queued again: articles %s", requeued)

    def start(self) -> None:
        """Sweep once, then start the worker processes."""
        self._sweep(startup=True)
        super().start()

    def check_worker_health(self) -> bool:
        """Restart dead workers (Huey) and queue again what a dead worker held."""
        self._sweep()
        return bool(super().check_worker_health())


def start_consumer(app: Flask, workers: int) -> JobConsumer:
    """Start ``workers`` worker processes in the background (``stop(graceful=True)`` ends them)."""
    consumer = JobConsumer(app, workers)
    consumer.start()
    return consumer


@click.command("worker")
@click.option("-w", "--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes; each loads the NLP model once and analyses one text at a time.")
@with_appcontext
def worker_command(workers: int) -> None:
    """Analyse queued articles (a Huey consumer) until stopped with Ctrl-C or SIGTERM."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config["QUEUE_URL"] == "immediate":
        raise click.ClickException("QUEUE_URL is 'immediate': jobs run where they are queued.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(processName)s %(message)s")
    JobConsumer(app, workers).run()


def init_app(app: Flask) -> None:
    """The ``flask worker`` command; the queue itself is built on first use."""
    app.cli.add_command(worker_command)

