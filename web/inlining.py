"""Our static files as text that can sit inside an HTML page: scripts, stylesheets (their
images as ``data:`` URLs) and JSON data islands, each escaped for the element it goes in.

Only files under the app's static folder are read (a URL outside it is a ValueError), each
once per modification time.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import json
import mimetypes
import re
from pathlib import Path
from typing import Any

from flask import current_app, url_for

__all__ = [
    "JSON_ESCAPES",
    "json_for_script",
    "json_island",
    "script_for_html",
    "style_for_html",
    "csp_hash",
    "static_path",
    "static_text",
    "inline_stylesheet",
]

#: Characters that must not appear literally in JSON inside <script>: "<" and ">" could close
#: the element or open a comment, "&" is escaped for older parsers, and U+2028/U+2029 end a
#: line in older JavaScript. In JSON they can only stand inside strings, where \\uXXXX is the
#: same character.
JSON_ESCAPES: dict[str, str] = {
    "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029",
}
_JSON_ESCAPE = re.compile("[<>&\u2028\u2029]")
#: In a classic script, "</script" would end the element and "<!--" change how it is parsed;
#: "<\/" and "<\!" mean the same inside the strings, regexes and comments they can stand in.
_SCRIPT_END = re.compile(r"<(/script|!--)", re.I)
_STYLE_END = re.compile(r"</(style)", re.I)
#: url(...) in CSS, quoted or not: the target is a run of characters without quotes,
#: parentheses or spaces, so the match cannot backtrack over long text.
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'"()\s]+)\1\s*\)""")


def json_for_script(text: str) -> str:
    """JSON text made safe to stand inside a ``<script type="application/json">``."""
    return _JSON_ESCAPE.sub(lambda m: JSON_ESCAPES[m.group(0)], text)


def json_island(value: Any) -> str:
    """``value`` as compact JSON made safe for a data island."""
    return json_for_script(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def script_for_html(js: str) -> str:
    """JavaScript that may stand inside a classic ``<script>`` element."""
    return _SCRIPT_END.sub(lambda m: "<\\" + m.group(1), js)


def style_for_html(css: str) -> str:
    """CSS that may stand inside a ``<style>`` element."""
    return _STYLE_END.sub(lambda m: "<\\/" + m.group(1), css)


def csp_hash(script: str) -> str:
    """The ``'sha256-...'`` CSP source expression that allows this inline script."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def static_path(url: str) -> Path:
    """The file under the static folder that a static URL (as url_for gives it) names."""
    prefix = url_for("static", filename="")
    rel = url[len(prefix):].split("?", 1)[0] if url.startswith(prefix) else ""
    parts = rel.split("/")
    path = Path(current_app.static_folder or "static", *parts)
    if not rel or ".." in parts or "" in parts or "\\" in rel or not path.is_file():
        raise ValueError(f"{url!r} is not one of our static files")
    return path


@functools.lru_cache(maxsize=32)
def _read(path: Path, mtime_ns: int) -> str:
    return path.read_text(encoding="utf-8")


def static_text(path: Path) -> str:
    """A static file's text (cached until the file changes)."""
    return _read(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _data_url(path: Path, mtime_ns: int) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _css_url(folder: Path, match: re.Match[str]) -> str:
    target = match.group(2)
    if ":" in target or target.startswith(("/", "#")):
        return match.group(0)  # already data:, absolute or a fragment: left as it is
    path = (folder / target).resolve()
    if not path.is_file():
        return match.group(0)
    return 'url("' + _data_url(path, path.stat().st_mtime_ns) + '")'


def inline_stylesheet(path: Path) -> str:
    """A stylesheet's text with the files it refers to as data: URLs, ready for <style>."""
    css = _CSS_URL.sub(lambda m: _css_url(path.parent, m), static_text(path))
    return style_for_html(css)
