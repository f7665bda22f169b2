"""Errors become a JSON body (the API and GeoJSON) or a page, in this one place."""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, SecurityError

from geo.errors import GazetteerMissing, GeoError
from web.library import library_page

__all__ = ["FORM_ENDPOINTS", "GAZETTEER_MISSING_MESSAGE", "UNTRUSTED_HOST_MESSAGE",
           "error_response", "init_app"]

#: Where an error shows the library page again with the form's text (not an error page).
FORM_ENDPOINTS = frozenset({"library.upload", "library.load_sample"})


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith(".geojson")


def _form_echo(status: int) -> dict[str, str]:
    if status == 413:  # the body was never read; do not try now
        return {"title": "", "text": "", "setting": ""}
    return {key: request.form.get(key, "") for key in ("title", "text", "setting")}


def error_response(status: int, message: str) -> Response:
    """The one place where errors become a JSON body or a page."""
    if _wants_json():
        body: Any = jsonify(error=message, status=status)
    elif request.endpoint in FORM_ENDPOINTS:
        body = library_page(error=message, form=_form_echo(status))
    else:
        body = render_template("error.html", status=status, message=message)
    response = make_response(body)
    response.status_code = status
    return response


#: What a visitor reads when the gazetteer is missing: the server's paths go to the log only.
GAZETTEER_MISSING_MESSAGE = (
    "The place gazetteer is not available on this server yet: its administrator must build it"
    " (`make install`)."
)


#: The answer to a request whose Host header is not in TRUSTED_HOSTS.
UNTRUSTED_HOST_MESSAGE = "This server does not answer for that host name."


def _handle_geo_error(exc: GeoError) -> Response:
    if isinstance(exc, GazetteerMissing):
        current_app.logger.error("%s", exc)
        return error_response(exc.status_code, GAZETTEER_MISSING_MESSAGE)
    return error_response(exc.status_code, str(exc))


def _untrusted_host(_exc: SecurityError) -> Response:
    """An untrusted Host header: plain text (no page can build its links), the host not echoed."""
    return Response(UNTRUSTED_HOST_MESSAGE, 400, mimetype="text/plain")


def _handle_http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        message = f"The upload is too large: the limit is {limit / (1024 * 1024):g} MB."
    else:
        message = exc.description or exc.name
    response = error_response(status, message)
    for name, value in exc.get_headers():
        if name.lower() != "content-type":  # e.g. Allow on 405
            response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    """Geo errors and HTTP errors through :func:`error_response`."""
    app.register_error_handler(GeoError, _handle_geo_error)
    app.register_error_handler(SecurityError, _untrusted_host)
    app.register_error_handler(HTTPException, _handle_http_error)
