"""Browser tests: the real app served on 127.0.0.1 in a thread, driven by Debian's chromium.

Every test here is marked ``browser``; they are skipped only when /usr/bin/chromium is
missing (``make test`` installs it). Playwright never downloads a browser: it launches
the system chromium through ``executable_path``.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import flask_migrate
import pytest

from app import create_app
from web.extensions import MIGRATIONS_DIR
from testkit import GAZETTEER, LiveServer
from storydata import StoryGeoparser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
HERE = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives the app in chromium via Playwright")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing (`make chromium` installs it)")
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(skip)


# --------------------------------------------------------------------------- server + browser


def _make_app(tmp_path: Path, geoparser, **config):  # type: ignore[no-untyped-def]
    instance = tmp_path / "instance"
    instance.mkdir()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-tests",
            "DATABASE_URL": f"sqlite:///{instance / 'app.sqlite'}",
            "GAZETTEER_PATH": str(instance / "no-gazetteer.sqlite"),
            "TILES": None,
            "GEOPARSER": geoparser,
            **config,
        }
    )
    with app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
    return app


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The real app (fresh SQLite database in tmp_path) with the story geoparser."""
    with LiveServer(_make_app(tmp_path, StoryGeoparser())) as server:
        yield server


@pytest.fixture
def gazetteer_live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """As live_server, with the built gazetteer (instance/gazetteer.sqlite) for the review's search."""
    if not GAZETTEER.is_file():
        pytest.fail(f"{GAZETTEER} is missing: run `make install` (or `make gazetteer`) first")
    with LiveServer(_make_app(tmp_path, StoryGeoparser(), GAZETTEER_PATH=str(GAZETTEER))) as server:
        yield server


@pytest.fixture
def osm_live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """As live_server, with OpenStreetMap web tiles configured (TILES=osm)."""
    with LiveServer(_make_app(tmp_path, StoryGeoparser(), TILES="osm")) as server:
        yield server


@pytest.fixture
def real_live_server(tmp_path: Path, real_geoparser) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    """The real app with the real geoparser (spaCy + the built gazetteer)."""
    with LiveServer(_make_app(tmp_path, real_geoparser)) as server:
        yield server


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class PageRecorder:
    """Every request the page makes, and every script error or console error."""

    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on(
            "console",
            lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
        )

    def foreign_requests(self, base_url: str) -> list[str]:
        own = urlsplit(base_url).netloc
        return [
            u for u in self.requests
            if urlsplit(u).scheme not in ("data", "blob", "about") and urlsplit(u).netloc != own
        ]


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    # Belt and braces: anything not for 127.0.0.1 fails instead of leaving the machine.
    context.route(
        re.compile(r"^https?://(?!127\.0\.0\.1[:/]).*"),
        lambda route: route.abort(),
    )
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.recorder = PageRecorder(pg)
    yield pg
    context.close()
