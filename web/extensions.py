"""The app's shared services: the database, migrations, the geoparser and the gazetteer.

Each is set up by :func:`init_app` and reached through the current app; the geoparser (spaCy
and the gazetteer) and the gazetteer index load lazily, once per process, on first use.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Protocol, Sequence
from urllib.parse import urlsplit

from flask import Flask, current_app
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from geo import store
from geo.errors import GazetteerMissing
from geo.geocoders import PUBLIC_NOMINATIM, make_geocoder
from geo.home import HomeArea
from geo.types import Story

__all__ = [
    "MIGRATIONS_DIR",
    "BUSY_TIMEOUT_MS",
    "db",
    "migrate",
    "GeoparserLike",
    "GeoparserFactory",
    "get_geoparser",
    "gazetteer",
    "init_app",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
BUSY_TIMEOUT_MS = 5000

db = SQLAlchemy(metadata=store.Base.metadata)
migrate = Migrate()


class GeoparserLike(Protocol):
    """What the app needs from geo.pipeline.Geoparser (tests may inject their own)."""

    def parse(self, text: str, home: HomeArea | None = None) -> Story: ...

    def parse_many(self, texts: Iterable[str], batch_size: int = 16,
                   homes: Sequence[HomeArea | None] | None = None) -> Iterator[Story]: ...


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()


def _init_db(app: Flask) -> None:
    """SQLAlchemy (WAL, busy timeout and foreign keys on SQLite) and Flask-Migrate."""
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", app.config["DATABASE_URL"])
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite" and not event.contains(
            engine, "connect", _sqlite_pragmas
        ):
            event.listen(engine, "connect", _sqlite_pragmas)


class GeoparserFactory:
    """Loads the geoparser on first use: an injected one (tests) or geo.pipeline's."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._geocoder: Any = None

    def online_geocoder(self) -> tuple[Any, float]:
        """The configured online geopy geocoder (None when offline) and its minimum delay."""
        if self.app.config.get("GEOCODER", "offline") == "offline":
            return None, 0.0
        url = urlsplit(self.app.config["NOMINATIM_URL"])
        if self._geocoder is None:
            self._geocoder = make_geocoder(self.app.config["GEOCODER"], scheme=url.scheme or "https",
                                           domain=(url.netloc + url.path.rstrip("/")) or None)
        # The public Nominatim server allows one request a second; your own server, any rate.
        return self._geocoder, 1.0 if url.netloc == PUBLIC_NOMINATIM else 0.0

    def check(self) -> Path | None:
        """The gazetteer file (None for an injected geoparser); GazetteerMissing if it is absent."""
        if self.app.config.get("GEOPARSER") is not None:
            return None
        path = Path(self.app.config["GAZETTEER_PATH"])
        if not path.is_file():
            raise GazetteerMissing(
                f"The place gazetteer has not been built ({path} is missing): run `make install`."
            )
        return path

    def __call__(self) -> GeoparserLike:
        path = self.check()
        if path is None:
            return self.app.config["GEOPARSER"]
        from geo.pipeline import load_geoparser  # heavy (spaCy): first use only

        geocoder, delay = self.online_geocoder()
        return load_geoparser(path, geocoder, min_delay_seconds=delay)


def get_geoparser() -> GeoparserLike:
    """The current app's geoparser."""
    factory: Callable[[], GeoparserLike] = current_app.extensions["geoparser"]
    return factory()


def gazetteer() -> Any:
    """The place index to search: an injected one (``GAZETTEER_INDEX``), else the offline file."""
    injected = current_app.config.get("GAZETTEER_INDEX")
    if injected is not None:
        return injected
    cached = current_app.extensions.get("review_gazetteer")
    if cached is None:
        from geo.gazetteer import OfflineGazetteer

        cached = OfflineGazetteer(Path(current_app.config["GAZETTEER_PATH"]))
        current_app.extensions["review_gazetteer"] = cached
    return cached


def _trust_proxies(app: Flask) -> None:
    """Behind ``PROXY_COUNT`` proxies, take the client address and scheme from their headers."""
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


def init_app(app: Flask) -> None:
    """The database, migrations, the (lazy) geoparser factory and the proxies to trust."""
    _init_db(app)
    _trust_proxies(app)
    app.extensions["geoparser"] = GeoparserFactory(app)
