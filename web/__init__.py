"""The web layer: settings, extensions, blueprints (one per concern), error pages and the CLI.

``app.create_app`` wires the parts together; each module here has an ``init_app(app)`` or a
blueprint ``bp``. Nothing in ``geo/`` imports from here.
"""
from __future__ import annotations

__all__: list[str] = []
