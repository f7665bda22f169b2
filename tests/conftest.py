"""Shared fixtures: an app on a fresh, migrated SQLite database, its client and CLI runner.

The helpers they use live in tests/testkit.py."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from testkit import GAZETTEER, FakeGeoparser, make_app

# Apps the tests create (and their subprocesses) run each analysis job where it is queued;
# tests/test_jobs.py starts real workers on a real queue instead.
os.environ["QUEUE_URL"] = "immediate"


@pytest.fixture
def fake_geoparser() -> FakeGeoparser:
    return FakeGeoparser()


@pytest.fixture
def app(tmp_path: Path, fake_geoparser: FakeGeoparser) -> Iterator[Flask]:
    """An app whose geoparser is the fast, deterministic FakeGeoparser."""
    yield make_app(tmp_path, GEOPARSER=fake_geoparser)


@pytest.fixture(scope="session")
def real_geoparser():  # type: ignore[no-untyped-def]
    """The real geoparser (spaCy + the built gazetteer), loaded once for the session."""
    if not GAZETTEER.is_file():
        pytest.fail(f"{GAZETTEER} is missing: run `make install` (or `make gazetteer`) first")
    from geo.pipeline import load_geoparser

    return load_geoparser(GAZETTEER)


@pytest.fixture
def real_app(tmp_path: Path, real_geoparser) -> Flask:  # type: ignore[no-untyped-def]
    """An app using the real geoparser."""
    return make_app(tmp_path, GEOPARSER=real_geoparser)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()
