"""Input: an uploaded file or pasted text -> (title, text), the text exactly as it will be analysed.

Plain text and Markdown are kept exactly as given (only decoded), so mention offsets stay valid
against what the user supplied. HTML is reduced to its main text with trafilatura. No Flask here.
"""
from __future__ import annotations

import codecs
import re
from pathlib import PurePosixPath
from typing import NamedTuple

from charset_normalizer import from_bytes

from geo.errors import EmptyText, TooLarge, UnreadableInput

__all__ = [
    "SourceText",
    "TEXT_EXTENSIONS",
    "HTML_EXTENSIONS",
    "MAX_TITLE_CHARS",
    "safe_filename",
    "decode_bytes",
    "clean_title",
    "default_title",
    "html_to_text",
    "read_upload",
    "read_pasted",
    "read_html",
]

TEXT_EXTENSIONS = frozenset({".txt", ".md"})
HTML_EXTENSIONS = frozenset({".html", ".htm"})
MAX_TITLE_CHARS = 200
_MIN_HTML_WORDS = 3

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
# C0 controls other than tab, newline, carriage return and form feed: a sign of binary data.
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


class SourceText(NamedTuple):
    """A title and the text to analyse."""

    title: str
    text: str


def safe_filename(filename: str | None) -> str:
    """The base name of an uploaded file's name; never a path (both / and \\ are separators)."""
    name = re.split(r"[\\/]", filename or "")[-1]
    return name.strip().replace("\x00", "")


def _check_size(size: int, max_bytes: int | None) -> None:
    if max_bytes is not None and size > max_bytes:
        raise TooLarge(f"The text is too large ({size:,} bytes; the limit is {max_bytes:,} bytes).")


def decode_bytes(data: bytes, *, html: bool = False) -> str:
    """Decode bytes to text: BOM first, then strict UTF-8, a declared HTML charset, then detection.

    Raises UnreadableInput for binary data or bytes in no encoding we can recognise.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise UnreadableInput(f"The file claims to be {encoding} but is not.") from exc
    if b"\x00" in data:
        raise UnreadableInput("This looks like a binary file, not text.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _decode_legacy(data, html=html)
    if _BINARY_CONTROLS.search(text):
        raise UnreadableInput("This looks like a binary file, not text.")
    return text


def _decode_legacy(data: bytes, *, html: bool) -> str:
    if html:
        declared = _META_CHARSET.search(data[:4096])
        if declared:
            try:
                return data.decode(declared.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong or unknown declaration: fall back to detection
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise UnreadableInput("Could not tell which text encoding this file uses.")
    # Short texts often fit several single-byte code pages equally well; on a tie prefer
    # Windows-1252, the commonest legacy encoding of English-language news.
    for match in matches:
        if (match.encoding == "cp1252" and match.chaos == best.chaos
                and match.coherence == best.coherence):
            return str(match)
    return str(best)


def clean_title(title: str) -> str:
    """Whitespace folded to single spaces, truncated to MAX_TITLE_CHARS."""
    title = _WHITESPACE.sub(" ", title).strip()
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1].rstrip() + "…"
    return title


def default_title(text: str, fallback: str = "Untitled") -> str:
    """The first non-empty line (Markdown heading marks removed), whitespace folded, truncated."""
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return clean_title(line)
    return clean_title(fallback) or "Untitled"


def _require_text(text: str) -> None:
    if not text.strip():
        raise EmptyText("There is no text to analyse.")


def html_to_text(html: str) -> SourceText | None:
    """The main text of an HTML page and its title (empty if none); None if there is no text."""
    import trafilatura  # heavy: imported on first use only

    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False
    )
    if doc is None or not (doc.text or "").strip():
        return None
    if len(doc.text.split()) < _MIN_HTML_WORDS:  # a menu or a link list, not an article
        return None
    return SourceText(title=doc.title or "", text=doc.text)


def read_html(html: str, fallback_title: str = "Untitled") -> SourceText:
    """Reduce an HTML page to (title, main text); page furniture is dropped."""
    _require_text(html)
    extracted = html_to_text(html)
    if extracted is None:
        raise EmptyText("The page has no main text to analyse.")
    title = clean_title(extracted.title) or default_title(extracted.text, fallback_title)
    return SourceText(title=title, text=extracted.text)


def read_upload(filename: str | None, data: bytes, *, max_bytes: int | None = None) -> SourceText:
    """(title, text) from an uploaded .txt, .md, .html or .htm file's name and bytes."""
    name = safe_filename(filename)
    path = PurePosixPath(name)
    extension = path.suffix.lower()
    if extension not in TEXT_EXTENSIONS | HTML_EXTENSIONS:
        shown = extension or "no extension"
        raise UnreadableInput(f"Unsupported file type ({shown}); upload .txt, .md, .html or .htm.")
    _check_size(len(data), max_bytes)
    stem = path.stem or "Untitled"
    if extension in HTML_EXTENSIONS:
        return read_html(decode_bytes(data, html=True), fallback_title=stem)
    text = decode_bytes(data)
    _require_text(text)
    return SourceText(title=default_title(text, stem), text=text)


def read_pasted(
    title: str | None, text: str, *, max_bytes: int | None = None, html: bool = False
) -> SourceText:
    """(title, text) from pasted text (kept exactly as given) or pasted HTML."""
    if not isinstance(text, str):
        raise UnreadableInput("The text must be a string.")
    _check_size(len(text.encode("utf-8", "surrogatepass")), max_bytes)
    if _BINARY_CONTROLS.search(text):
        raise UnreadableInput("The text contains control characters; is it binary data?")
    given = clean_title(title or "")
    if html:
        source = read_html(text)
        return SourceText(title=given or source.title, text=source.text)
    _require_text(text)
    return SourceText(title=given or default_title(text), text=text)
