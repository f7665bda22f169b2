"""The geographic story mapper: ``create_app()`` wires the web layer's parts together.

Each part has an ``init_app(app)`` or a blueprint (see ``web/``); nothing heavy happens at
import time. The geoparser (spaCy and the gazetteer) is loaded lazily, once per process, on
the first request that needs it. ``flask --app app ...`` runs the commands in web/cli.py.
"""
from __future__ import annotations

import os
from typing import Any, Mapping

from flask import Flask

from web import api, areamap, auth, cli, errors, extensions, jobs, library, review, stories, takeaway, validation
from web.extensions import MIGRATIONS_DIR, db
from web.settings import load_or_create_secret_key, settings_from_env

# db, MIGRATIONS_DIR and settings_from_env stay importable from here for older callers.
__all__ = ["create_app", "db", "MIGRATIONS_DIR", "settings_from_env"]


def _configure(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    """The environment's settings, then ``test_config``, then a secret key if none was given."""
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(settings_from_env(app.instance_path))
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret_key(app.instance_path)
    app.json.sort_keys = False


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure the app; ``test_config`` overrides the environment's settings."""
    app = Flask(__name__, instance_relative_config=True)
    _configure(app, test_config)
    extensions.init_app(app)
    errors.init_app(app)
    validation.init_app(app)  # before the blueprints: it bounds the <int:> converter
    auth.init_app(app)
    for part in (library, stories, api, review, areamap, takeaway):
        app.register_blueprint(part.bp)
    cli.init_app(app)
    jobs.init_app(app)
    return app
