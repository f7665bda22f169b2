"""Who may change data, and what the browser may run: CSRF, the editor token, security headers.

``init_app(app)`` wires everything below and registers the sign-in blueprint.

Rules
-----
* Reading (GET, HEAD, OPTIONS) is always public and never changes data.
* Every state-changing request (POST, PUT, PATCH, DELETE) passes three checks, in this order,
  centrally in one ``before_request`` (so routes and blueprints added later are covered too):

  1. **Editor token** (only when ``EDITOR_TOKEN`` is configured): the request must come from a
     browser session that signed in at ``/signin`` with the token, or carry
     ``Authorization: Bearer <token>``. Otherwise: 401 (API, with ``WWW-Authenticate``) or 403
     (pages). ``POST /signin`` itself is exempt (it is how one gets in).
  2. **Origin** (forms only, i.e. outside ``/api/``): a request whose ``Origin`` header names
     another site is refused (403).
  3. **CSRF token**: a per-session random token (``session["_csrf"]``), offered to templates
     as ``csrf_token()`` and to scripts as ``<meta name="csrf-token">``. Forms send it as the
     hidden field ``csrf_token``; scripts send it as the ``X-CSRF-Token`` header. A form request
     without a matching token is refused (403).

     The JSON API (paths under ``/api/``) also accepts a request *without* the token when it
     cannot be a "simple" cross-origin request -- that is, when its ``Content-Type`` is
     ``application/json`` (or ``+json``), or its method is PUT, PATCH or DELETE. A browser can
     only send those cross-site after a CORS preflight, which this app never grants, so a
     hostile page cannot forge them; scripts and command-line clients can use the API without
     first fetching a token. A form-encoded, multipart or text/plain POST to the API needs the
     token like any form.

* Responses carry a Content-Security-Policy without ``'unsafe-inline'`` for scripts (each page
  may allow its own constant inline scripts by hash through ``g.script_hashes``),
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``, and frame protection
  (``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``), but for a page that sets
  ``g.frame_ancestors`` (the embed page: ``EMBED_FRAME_ANCESTORS``, no X-Frame-Options).
* The session cookie is HttpOnly and SameSite=Lax (Secure when ``SESSION_COOKIE_SECURE``).
* Sign-in: ``POST /signin`` allows ``SIGNIN_ATTEMPTS`` wrong tokens per client IP in
  ``SIGNIN_WINDOW_SECONDS`` (refilled evenly; counted per process, web/ratelimit.py), then
  answers 429 with ``Retry-After``. A signed-in session holds an HMAC of the token and the
  server-side session epoch (web/session_epoch.py): signing out starts a new epoch, so that
  session cookie (and every other editor session) no longer counts, even replayed; changing
  ``EDITOR_TOKEN`` ends every sign-in too.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Forbidden, NotFound, TooManyRequests, Unauthorized
from werkzeug.wrappers.response import Response as BaseResponse

from web.ratelimit import TokenBucket
from web.session_epoch import current_epoch, new_epoch
from web.settings import osm_tiles

__all__ = [
    "bp",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "UNSAFE_METHODS",
    "csrf_token",
    "csp",
    "editor_required",
    "is_editor",
    "init_app",
]

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_NON_SIMPLE_METHODS = frozenset({"PUT", "PATCH", "DELETE"})
_SESSION_CSRF = "_csrf"
_SESSION_EDITOR = "_editor"
_SIGNIN_SUBMIT = "auth.signin_submit"

bp = Blueprint("auth", __name__)


# --------------------------------------------------------------------------- CSRF


def csrf_token() -> str:
    """This session's CSRF token (created on first use)."""
    token = session.get(_SESSION_CSRF)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        session[_SESSION_CSRF] = token
    return token


def _same(given: object, expected: object) -> bool:
    return (
        isinstance(given, str)
        and isinstance(expected, str)
        and bool(expected)
        and hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8"))
    )


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _cannot_be_simple_cross_site() -> bool:
    """True for requests a browser only sends cross-site after a CORS preflight."""
    if request.method in _NON_SIMPLE_METHODS:
        return True
    mimetype = request.mimetype or ""
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


def _check_csrf() -> None:
    expected = session.get(_SESSION_CSRF)
    header = request.headers.get(CSRF_HEADER)
    if header is not None:
        if _same(header, expected):
            return
    elif _is_api() and _cannot_be_simple_cross_site():
        return
    elif _same(request.form.get(CSRF_FIELD), expected):  # may raise 413: the body is too large
        return
    if _is_api():
        raise Forbidden(
            "A CSRF token is missing or wrong: send JSON (Content-Type: application/json)"
            f" or the {CSRF_HEADER} header."
        )
    raise Forbidden(
        "This form has expired or did not come from this site. Reload the page and try again."
    )


def _check_origin() -> None:
    if _is_api():
        return
    origin = request.headers.get("Origin")
    if origin and origin != request.host_url.rstrip("/"):
        raise Forbidden("Cross-site form submissions are not accepted.")


# --------------------------------------------------------------------------- editor token


def editor_required() -> bool:
    """Whether this deployment is read-only for anyone without the editor token."""
    return bool(current_app.config.get("EDITOR_TOKEN"))


def _epoch() -> str:
    """The current editor-session epoch (read once per request)."""
    if "_editor_epoch" not in g:
        g._editor_epoch = current_epoch(current_app.config["SESSION_EPOCH_PATH"])
    return str(g._editor_epoch)


def _editor_mark(token: str) -> str:
    """What a signed-in session holds: an HMAC of the token and the session epoch, never the
    token itself. A new token or a new epoch (any sign-out) makes older marks worthless."""
    key = str(current_app.secret_key).encode("utf-8")
    message = f"editor:{_epoch()}:{token}".encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _bearer() -> str | None:
    auth = request.headers.get("Authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def is_editor() -> bool:
    """Whether this request may change data (always, when no editor token is configured)."""
    token = current_app.config.get("EDITOR_TOKEN")
    if not token:
        return True
    bearer = _bearer()
    if bearer is not None and _same(bearer, token):
        return True
    return _same(session.get(_SESSION_EDITOR), _editor_mark(token))


def _check_editor() -> None:
    if is_editor():
        return
    if _is_api():
        raise Unauthorized(
            "This library is read-only without the editor token:"
            " send it as 'Authorization: Bearer <token>'.",
            www_authenticate=WWWAuthenticate("Bearer", {"realm": "story mapper"}),
        )
    raise Forbidden("This library is read-only. Sign in with the editor token to change it.")


# --------------------------------------------------------------------------- headers


def csp(script_hashes: list[str], tiles: bool, frame_ancestors: str = "'none'") -> str:
    """The Content-Security-Policy: our own scripts, plus the given inline ones by hash;
    ``frame_ancestors``: who may frame the page (nobody, but for the embed page)."""
    img = "'self' data:" + (" https://tile.openstreetmap.org" if tiles else "")
    return "; ".join(
        [
            "default-src 'self'",
            " ".join(["script-src 'self'", *script_hashes]),
            "style-src 'self' 'unsafe-inline'",
            f"img-src {img}",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            f"frame-ancestors {frame_ancestors}",
            "form-action 'self'",
        ]
    )


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    ancestors = g.get("frame_ancestors")  # set by a page that may be framed (the embed)
    if ancestors is None:
        headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault(
        "Content-Security-Policy",
        csp(g.get("script_hashes", []), osm_tiles(), ancestors or "'none'"),
    )
    return response


# --------------------------------------------------------------------------- sign-in


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never another host, never a scheme)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("library.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return url_for("library.index")
    return target


@bp.get("/signin")
def signin() -> Any:
    """The sign-in form (or the sign-out button, when signed in)."""
    if not editor_required():
        raise NotFound("This library has no editor token: anyone can edit it.")
    return render_template(
        "signin.html", next=_safe_next(request.args.get("next")), error=None,
        signed_in=is_editor(),
    )


@bp.post("/signin")
def signin_submit() -> Any:
    """Sign in with the editor token: a fresh session that holds its HMAC."""
    if not editor_required():
        raise NotFound("This library has no editor token: anyone can edit it.")
    token = current_app.config["EDITOR_TOKEN"]
    target = _safe_next(request.form.get("next"))
    limiter: TokenBucket = current_app.extensions["signin_limiter"]
    client = request.remote_addr or ""
    wait = limiter.retry_after(client)
    if wait:
        raise TooManyRequests("Too many sign-in attempts: wait a little and try again.",
                              retry_after=wait)
    if not _same(request.form.get("token", ""), token):
        limiter.take(client)
        page = render_template(
            "signin.html", next=target, error="That is not the editor token.", signed_in=False
        )
        return page, 403
    session.clear()  # a fresh session (and CSRF token) on every sign-in
    session[_SESSION_EDITOR] = _editor_mark(token)
    return redirect(target, code=303)


@bp.post("/signout")
def signout() -> BaseResponse:
    """Forget the session and end every editor sign-in (a new session epoch)."""
    if session.get(_SESSION_EDITOR) and is_editor():
        g._editor_epoch = new_epoch(current_app.config["SESSION_EPOCH_PATH"])
    session.clear()
    return redirect(url_for("library.index"), code=303)


def _guard_state_changes() -> None:
    if request.method not in UNSAFE_METHODS:
        return
    if request.endpoint != _SIGNIN_SUBMIT:
        _check_editor()
    _check_origin()
    _check_csrf()


# --------------------------------------------------------------------------- wiring


def init_app(app: Flask) -> None:
    """Register the checks, the headers, the Jinja globals and the sign-in blueprint."""
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if not app.config.get("SESSION_COOKIE_SAMESITE"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config.setdefault("EDITOR_TOKEN", None)
    app.extensions["signin_limiter"] = TokenBucket(
        app.config["SIGNIN_ATTEMPTS"], app.config["SIGNIN_WINDOW_SECONDS"]
    )
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["editor_required"] = editor_required
    app.jinja_env.globals["is_editor"] = is_editor
    app.before_request(_guard_state_changes)
    app.after_request(_security_headers)
    app.register_blueprint(bp)
