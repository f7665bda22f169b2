"""Request input checked before it reaches the database: a 4xx with a clear message, never a 500.

* ``<int:...>`` URL parts match only ids a PostgreSQL ``INTEGER`` holds (0 .. 2^31-1), else 404.
* Every other URL part (e.g. ``/places/<path:place_id>``) is at most :data:`MAX_PATH_ARG_CHARS`
  long (else 404); no URL or query string may hold a NUL character (400).
* JSON bodies: :func:`json_payload` refuses nesting deeper than :data:`MAX_JSON_DEPTH` (400);
  :func:`json_int` reads an integer field within a range (no bools, no floats), :func:`json_str`
  a string field of a bounded length without NUL characters (400 otherwise). Long texts are
  checked by geo.sources (size, and NUL as a sign of binary input: 415).
"""
from __future__ import annotations

from typing import Any

from flask import Flask, request
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.routing import IntegerConverter

__all__ = [
    "MAX_ID",
    "MAX_JSON_DEPTH",
    "MAX_PATH_ARG_CHARS",
    "MAX_FIELD_CHARS",
    "BoundedIntConverter",
    "json_payload",
    "json_object",
    "json_int",
    "json_str",
    "init_app",
]

#: The largest id a database ``INTEGER`` column holds (PostgreSQL: 4 bytes, signed).
MAX_ID = 2**31 - 1
#: How deeply JSON arrays and objects may nest (the API's own bodies nest 1 deep).
MAX_JSON_DEPTH = 20
#: The longest string URL part (place ids are a few dozen characters).
MAX_PATH_ARG_CHARS = 200
#: The longest short JSON field (names, place ids, actions); texts have their own limit.
MAX_FIELD_CHARS = 1000

_NUL = "\x00"


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` that only matches ids a database integer can hold (else: 404, not 500)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 (werkzeug's name)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _too_deep(value: Any) -> bool:
    """Whether a parsed JSON value nests arrays or objects deeper than MAX_JSON_DEPTH."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, (dict, list)):
            continue
        if depth > MAX_JSON_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def json_payload() -> Any:
    """The request's JSON (None when it is not JSON); 400 when it nests too deeply."""
    too_deep = BadRequest(f"Send a JSON object nested at most {MAX_JSON_DEPTH} levels deep.")
    try:
        payload = request.get_json(silent=True)
    except RecursionError as exc:  # deeper than the parser goes
        raise too_deep from exc
    if _too_deep(payload):
        raise too_deep
    return payload


def json_object() -> dict[str, Any]:
    """The request's JSON object; 400 for anything else."""
    payload = json_payload()
    if not isinstance(payload, dict):
        raise BadRequest("Send a JSON object.")
    return payload


def json_int(payload: dict[str, Any], key: str, low: int = 0, high: int = MAX_ID) -> int | None:
    """An optional integer field within [low, high]; 400 for a bool, a float or out of range."""
    value = payload.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f'"{key}" must be an integer.')
    if not low <= value <= high:
        raise BadRequest(f'"{key}" must be between {low} and {high}.')
    return value


def json_str(payload: dict[str, Any], key: str, max_chars: int = MAX_FIELD_CHARS) -> str | None:
    """An optional string field of at most ``max_chars`` characters, without NUL; else 400."""
    value = payload.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequest(f'"{key}" must be a string.')
    if len(value) > max_chars:
        raise BadRequest(f'"{key}" is too long (at most {max_chars} characters).')
    if _NUL in value:
        raise BadRequest(f'"{key}" must not hold NUL characters.')
    return value


def _check_url() -> None:
    """No NUL in the path or query; string URL parts of a bounded length."""
    if request.routing_exception is not None:  # no such route: its 404 (or 405) comes first
        return
    if _NUL in request.path or any(_NUL in k or _NUL in v for k, v in request.args.items(multi=True)):
        raise BadRequest("NUL characters are not accepted.")
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and len(value) > MAX_PATH_ARG_CHARS:
            raise NotFound(f"Nothing here has a name that long (at most {MAX_PATH_ARG_CHARS}).")


def init_app(app: Flask) -> None:
    """Bound the ``int`` URL converter and check every request's URL; before any blueprint."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(_check_url)
