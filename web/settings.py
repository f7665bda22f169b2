"""Settings from the environment (with defaults in the instance folder) and the secret key."""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any, Mapping

from flask import current_app

from geo.geocoders import GEOCODERS, PUBLIC_NOMINATIM
from web.pagecache import DEFAULT_CACHE_CHARS

__all__ = [
    "TILES",
    "parse_tiles",
    "osm_tiles",
    "max_upload_bytes",
    "load_or_create_secret_key",
    "deployment_settings",
    "settings_from_env",
    "job_settings",
    "FRAME_SOURCE",
    "parse_frame_ancestors",
]

#: The spellings of the tiles setting: None is the offline Natural Earth basemap only,
#: "osm" adds OpenStreetMap web tiles under it.
TILES: Mapping[str, str | None] = {
    "": None, "off": None, "none": None, "offline": None, "osm": "osm", "openstreetmap": "osm",
}


def parse_tiles(value: str | None) -> str | None:
    """The tiles setting as None (offline) or "osm"; ValueError for anything else."""
    key = value.strip().lower() if isinstance(value, str) else value
    if key is None:
        return None
    if key not in TILES:
        raise ValueError(f"unknown tiles setting {value!r}: use None (offline) or 'osm'")
    return TILES[key]


#: One source in a CSP frame-ancestors list: 'self', 'none', *, a scheme ("https:") or a host
#: with optional scheme, "*." prefix, port and path (no quotes, commas, semicolons or spaces).
FRAME_SOURCE = re.compile(
    r"'self'|'none'|\*|[a-z][a-z0-9+.-]*:|"
    r"(?:[a-z][a-z0-9+.-]*://)?(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::(?:[0-9]{1,5}|\*))?(?:/[\w./~-]*)?",
    re.I,
)


def parse_frame_ancestors(value: str | None) -> str:
    """The EMBED_FRAME_ANCESTORS setting as a CSP source list ("'self'" when empty);
    ValueError for anything that is not a list of frame sources."""
    sources = (value or "").split() or ["'self'"]
    bad = [s for s in sources if not FRAME_SOURCE.fullmatch(s)]
    if bad or ("'none'" in sources and len(sources) > 1):
        raise ValueError(f"not a list of frame-ancestors sources: {value!r}")
    return " ".join(sources)


def osm_tiles() -> bool:
    """Whether the current app shows OpenStreetMap web tiles."""
    return current_app.config.get("TILES") == "osm"


def max_upload_bytes() -> int | None:
    """The current app's upload limit in bytes (None: no limit)."""
    return current_app.config.get("MAX_CONTENT_LENGTH")


def load_or_create_secret_key(instance_path: str | os.PathLike[str]) -> str:
    """The secret key kept in the instance folder, generated (once) if it does not exist yet."""
    path = Path(instance_path) / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if not key:
            raise RuntimeError(f"{path} is empty; delete it to generate a new secret key")
        return key
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key + "\n")
    return key


def _upload_bytes(environ: Mapping[str, str]) -> int:
    try:
        upload_mb = float(environ.get("MAX_UPLOAD_MB", "5"))
    except ValueError as exc:
        raise RuntimeError("MAX_UPLOAD_MB must be a number of megabytes") from exc
    return int(upload_mb * 1024 * 1024)


def _database_url(instance_path: str, environ: Mapping[str, str]) -> str:
    url = environ.get("DATABASE_URL") or "sqlite:///" + os.path.join(instance_path, "app.sqlite")
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    return url


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


def _flag(environ: Mapping[str, str], name: str) -> bool:
    value = environ.get(name, "").strip().lower()
    if value not in _TRUE | _FALSE:
        raise RuntimeError(f"{name} must be 1/true/yes/on or 0/false/no/off, not {value!r}")
    return value in _TRUE


def _count(environ: Mapping[str, str], name: str, default: int) -> int:
    value = environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise RuntimeError(f"{name} must be a whole number, not {value!r}")
    return int(value)


def deployment_settings(instance_path: str, environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """The settings for running behind a proxy, on several machines, over HTTPS."""
    hosts = [h.strip() for h in environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()]
    return {
        "TRUSTED_HOSTS": hosts or None,  # Flask: any other Host header is a 400
        "SESSION_COOKIE_SECURE": _flag(environ, "SESSION_COOKIE_SECURE"),
        "PROXY_COUNT": _count(environ, "PROXY_COUNT", 0),
        "SIGNIN_ATTEMPTS": _count(environ, "SIGNIN_ATTEMPTS", 10),
        "SIGNIN_WINDOW_SECONDS": _count(environ, "SIGNIN_WINDOW_SECONDS", 60),
        "SESSION_EPOCH_PATH": environ.get("SESSION_EPOCH_PATH")
        or os.path.join(instance_path, "session_epoch"),
        "PAGE_CACHE_CHARS": _count(environ, "PAGE_CACHE_CHARS", DEFAULT_CACHE_CHARS),
    }


def _number(environ: Mapping[str, str], name: str, default: float) -> float:
    try:
        value = float(environ.get(name, "") or default)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a number") from exc
    if value < 0:
        raise RuntimeError(f"{name} cannot be negative")
    return value


def _default_queue(instance_path: str, database_url: str) -> str:
    """A SQLite queue file beside a SQLite database (so two databases never share one queue's
    article ids), else in the instance folder."""
    if database_url.startswith("sqlite:///") and database_url != "sqlite:///":
        db_file = Path(database_url[len("sqlite:///"):])
        if db_file != Path(instance_path) / "app.sqlite":
            return f"sqlite:///{db_file.with_name(db_file.stem + '-queue.sqlite')}"
    return "sqlite:///" + os.path.join(instance_path, "queue.sqlite")


def job_settings(instance_path: str, environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """The job queue's settings (web/jobs.py): where the queue lives and each job's limits."""
    url = environ.get("QUEUE_URL", "").strip() or _default_queue(
        instance_path, _database_url(instance_path, environ))
    return {
        "QUEUE_URL": url,
        "JOB_TIMEOUT_S": _number(environ, "JOB_TIMEOUT_S", 300),
        "JOB_MEMORY_MB": int(_number(environ, "JOB_MEMORY_MB", 4096)),
        "JOB_LEASE_S": _number(environ, "JOB_LEASE_S", 600),
        "JOB_MAX_ATTEMPTS": int(_number(environ, "JOB_MAX_ATTEMPTS", 3)) or 1,
    }


def settings_from_env(instance_path: str, environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Settings from environment variables, with defaults inside the instance folder."""
    try:
        tiles = parse_tiles(environ.get("TILES", ""))
    except ValueError as exc:
        raise RuntimeError(
            f"TILES must be empty, 'off' or 'osm', not {environ.get('TILES')!r}"
        ) from exc
    upload_bytes = _upload_bytes(environ)
    settings: dict[str, Any] = {
        "DATABASE_URL": _database_url(instance_path, environ),
        "MAX_CONTENT_LENGTH": upload_bytes,
        # A pasted text is a form field: Werkzeug's own 500 kB cap on fields would refuse a
        # long article well under the upload limit (with a misleading "limit is 5 MB" page).
        "MAX_FORM_MEMORY_SIZE": upload_bytes,
        "GAZETTEER_PATH": environ.get("GAZETTEER_PATH")
        or os.path.join(instance_path, "gazetteer.sqlite"),
        "TILES": tiles,
    }
    geocoder = environ.get("GEOCODER", "offline").strip().lower() or "offline"
    if geocoder not in GEOCODERS:
        raise RuntimeError(f"GEOCODER must be one of {', '.join(GEOCODERS)}, not {geocoder!r}")
    settings["GEOCODER"] = geocoder
    settings.update(job_settings(instance_path, environ))
    settings["NOMINATIM_URL"] = environ.get("NOMINATIM_URL", "").strip() or f"https://{PUBLIC_NOMINATIM}"
    if environ.get("SECRET_KEY"):
        settings["SECRET_KEY"] = environ["SECRET_KEY"]
    if environ.get("EDITOR_TOKEN", "").strip():  # optional: read-only without it (web/auth.py)
        settings["EDITOR_TOKEN"] = environ["EDITOR_TOKEN"].strip()
    settings.update(deployment_settings(instance_path, environ))
    try:  # who may frame /articles/<id>/embed (web/takeaway.py): a CSP frame-ancestors list
        settings["EMBED_FRAME_ANCESTORS"] = parse_frame_ancestors(environ.get("EMBED_FRAME_ANCESTORS"))
    except ValueError as exc:
        raise RuntimeError(f"EMBED_FRAME_ANCESTORS: {exc}") from exc
    return settings
