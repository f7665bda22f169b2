"""The test kit: hand-made places and stories, a fake geoparser, a CSRF-sending client, an app
on a fresh migrated database, and a live server. Tests import it as ``testkit`` (pytest puts
tests/ on sys.path); the fixtures are in conftest.py."""
from __future__ import annotations

import secrets
import threading
from pathlib import Path
from dataclasses import replace
from typing import Any, Iterable, Iterator

import flask_migrate
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app import create_app
from geo.home import HomeArea
from geo.names import name_key
from geo.store import UNCERTAIN_BELOW, Article
from geo.store import Mention as MentionRow
from geo.types import Candidate, Mention, NameInfo, Passage, Place, ResolvedMention, Story
from web.extensions import MIGRATIONS_DIR, db

ROOT = Path(__file__).resolve().parent.parent
GAZETTEER = ROOT / "instance" / "gazetteer.sqlite"


class PlacesIndex:
    """An in-memory PlaceIndex over the places given (each under its own name's key)."""

    def __init__(self, places: Iterable[Place]) -> None:
        self.by_key: dict[str, list[Place]] = {}
        for place in places:
            self.by_key.setdefault(name_key(place.name), []).append(place)

    def candidates(self, name: str, limit: int = 25) -> list[Place]:
        return sorted(self.by_key.get(name_key(name), []), key=lambda p: -p.population)[:limit]

    def known_names(self, names: Iterable[str]) -> dict[str, NameInfo]:
        return {n: NameInfo(name_key(n), len(self.by_key[name_key(n)]), 0) for n in names if name_key(n) in self.by_key}

PARIS = Place("gn:2988507", "Paris", 48.85341, 2.3488, 2988507, "FR", "P", "PPLC", 2138551)
PARIS_TX = Place("gn:4717560", "Paris", 33.66094, -95.55551, 4717560, "US", "P", "PPLA2", 24782)
FRANCE = Place("gn:3017382", "France", 46.0, 2.0, 3017382, "FR", "A", "PCLI", 66987244)


def passage(text: str, start: int, end: int) -> Passage:
    """The line around a span, as the geoparser's passages would give it."""
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    right = len(text) if right == -1 else right
    return Passage(left, right, text[left:right])


def mention(
    text: str,
    surface: str,
    place: Place | None,
    *,
    occurrence: int = 0,
    name: str | None = None,
    kind: str = "literal",
    confidence: float = 0.9,
    alternatives: tuple[Candidate, ...] = (),
) -> ResolvedMention:
    """A ResolvedMention for the ``occurrence``-th ``surface`` in ``text``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(surface, start + 1)
    end = start + len(surface)
    return ResolvedMention(
        mention=Mention(start, end, surface, name or surface, kind),  # type: ignore[arg-type]
        place=place,
        confidence=confidence,
        passage=passage(text, start, end),
        alternatives=alternatives,
    )


PARIS_TEXT = "Paris in France.\nThe French love Paris.\nThen Atlantis sank."


def paris_story(text: str = PARIS_TEXT) -> Story:
    """A hand-made Story: two Paris mentions, France (literal and demonym), unresolved Atlantis."""
    return Story(
        text=text,
        mentions=(
            mention(text, "Paris", PARIS, confidence=0.8,
                    alternatives=(Candidate(PARIS, 0.8), Candidate(PARIS_TX, 0.1))),
            mention(text, "France", FRANCE, confidence=1.0),
            # exactly at the review threshold: not uncertain
            mention(text, "French", FRANCE, name="France", kind="demonym", confidence=UNCERTAIN_BELOW),
            mention(text, "Paris", PARIS, occurrence=1, confidence=0.9),
            mention(text, "Atlantis", None, confidence=0.0),
        ),
    )


class FakeGeoparser:
    """Finds the words "Paris", "France" and "Atlantis"; records what it was asked."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.calls: list[str] = []
        self.homes: list[HomeArea | None] = []  # the home area (geo.home) each text was given
        self._home: HomeArea | None = None

    def parse(self, text: str, home: HomeArea | None = None) -> Story:
        self._home = home  # read by parse_many, which subclasses may override without homes
        return next(self.parse_many([text]))

    def parse_many(self, texts: Iterable[str], batch_size: int = 16,
                   homes: Iterable[HomeArea | None] | None = None) -> Iterator[Story]:
        texts = list(texts)
        if homes is None:
            homes, self._home = [self._home] * len(texts), None
        for text, home in zip(texts, homes):
            self.calls.append(text)
            self.homes.append(home)
            if self.fail:
                raise RuntimeError("geoparser exploded")
            found = []
            for surface, place in (("Paris", PARIS), ("France", FRANCE), ("Atlantis", None)):
                at = text.find(surface)
                while at != -1:
                    found.append(mention(text, surface, place, occurrence=text.count(surface, 0, at)))
                    at = text.find(surface, at + 1)
            yield Story(text=text, mentions=tuple(sorted(found, key=lambda rm: rm.mention.start)))


IDF = ("FR", "Île-de-France")


class RegionalGeoparser(FakeGeoparser):
    """The FakeGeoparser, its Paris placed in the first-level region Île-de-France (IDF)."""

    def parse_many(self, texts: Iterable[str], batch_size: int = 16,
                   homes: Iterable[HomeArea | None] | None = None) -> Iterator[Story]:
        for story in super().parse_many(texts, batch_size, homes):
            yield replace(story, mentions=tuple(
                replace(m, place=replace(m.place, admin1=IDF[1])) if m.place == PARIS else m
                for m in story.mentions))


PARIS_UPLOAD = "Paris in France.\nAtlantis is lost."


def n_articles(app: Flask) -> int:
    """How many articles the app's database holds."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Article)) or 0


def n_mentions(app: Flask) -> int:
    """How many mentions the app's database holds."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(MentionRow)) or 0


def upload(client: FlaskClient, **data: Any) -> Any:
    """POST the upload form (multipart, as a browser sends it)."""
    return client.post("/upload", data=data, content_type="multipart/form-data")


def located(fc: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Each mention's text -> its feature's (lat, lon), for the resolved mentions of a collection."""
    out = {}
    for f in fc["features"]:
        if f["geometry"] is not None:
            lon, lat = f["geometry"]["coordinates"]
            for m in f["properties"]["mentions"]:
                out[m["text"]] = (lat, lon)
    return out


def near(point: tuple[float, float] | None, lat: float, lon: float, degrees: float = 1.0) -> bool:
    """Whether point lies within ``degrees`` of (lat, lon) on both axes."""
    return point is not None and abs(point[0] - lat) <= degrees and abs(point[1] - lon) <= degrees


class CsrfClient(FlaskClient):
    """A test client that sends its session's CSRF token (``X-CSRF-Token``) with every
    POST/PUT/PATCH/DELETE, as the app's forms and scripts do. ``app.test_client(send_csrf=False)``
    sends none (tests/test_security.py checks the refusals)."""

    def __init__(self, *args: Any, send_csrf: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.send_csrf = send_csrf

    def open(self, *args: Any, **kwargs: Any) -> Any:
        method = str(kwargs.get("method", "GET")).upper()
        if self.send_csrf and method in ("POST", "PUT", "PATCH", "DELETE"):
            with self.session_transaction() as sess:
                token = sess.setdefault("_csrf", secrets.token_urlsafe(32))
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRF-Token", token)
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)


def make_app(tmp_path: Path, **config: object) -> Flask:
    """An app on a new SQLite file in tmp_path with the migrations applied."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite'}",
            "GAZETTEER_PATH": str(tmp_path / "no-gazetteer.sqlite"),
            "SESSION_EPOCH_PATH": str(tmp_path / "session_epoch"),
            "QUEUE_URL": "immediate",  # a job runs where it is queued; tests/test_jobs.py uses workers
            **config,
        }
    )
    app.test_client_class = CsrfClient
    with app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
    return app


class LiveServer:
    """The app served on a free port of 127.0.0.1 by a threaded server, for the block's length."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
