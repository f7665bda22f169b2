"""Input: an uploaded file or pasted text -> (title, text), the text exactly as it will be analysed.

Text is kept exactly as given (only decoded) apart from one newline normalisation, applied here
once for every way in (form paste, file upload, JSON API, CLI): CRLF and lone CR become LF, so
mention offsets index the stored text. A .txt or .md file also loses the page furniture lines at
its start and end (geo.furniture: the stored text is a slice of the file), and a .md file its
heading markers ("# "). HTML is reduced to its main text with trafilatura. No Flask here.

Hostile or broken input is refused with a GeoError whose message the user sees: known binary
formats (PDF, images, archives, office files, ...) by their signature, other binary data by its
control bytes, texts over MAX_TEXT_CHARS characters (the NLP model's own limit), and text that is
not valid Unicode (lone surrogates, which only JSON escapes can produce). Titles, sources and
file names are cleaned instead (control characters dropped, whitespace folded, truncated): a
10,000-character title is stored as its first MAX_TITLE_CHARS - 1 characters and "…".
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import PurePosixPath
from typing import NamedTuple

from charset_normalizer import from_bytes

from geo import furniture
from geo.errors import EmptyText, TooLarge, UnreadableInput

__all__ = [
    "SourceText",
    "TEXT_EXTENSIONS",
    "MARKDOWN_EXTENSIONS",
    "HTML_EXTENSIONS",
    "MAX_TITLE_CHARS",
    "TITLE_CHARS",
    "normalize_newlines",
    "strip_markdown_headings",
    "short_title",
    "MAX_TEXT_CHARS",
    "MAX_FILENAME_CHARS",
    "MAX_SOURCE_CHARS",
    "safe_filename",
    "clean_source",
    "sniff_binary",
    "decode_bytes",
    "clean_title",
    "default_title",
    "html_to_text",
    "read_upload",
    "read_pasted",
    "read_html",
    "check_markup",
    "MAX_HTML_TAGS",
    "MAX_HTML_ATTRIBUTES",
    "MAX_HTML_TAG_ATTRIBUTES",
]

TEXT_EXTENSIONS = frozenset({".txt", ".md"})
HTML_EXTENSIONS = frozenset({".html", ".htm"})
MAX_TITLE_CHARS = 200
#: A title taken from the text is at most about this long (its first line or first sentence).
TITLE_CHARS = 90
MARKDOWN_EXTENSIONS = frozenset({".md"})
#: The most characters one text may have: spaCy's default ``nlp.max_length`` (a memory guard).
MAX_TEXT_CHARS = 1_000_000
MAX_FILENAME_CHARS = 255
MAX_SOURCE_CHARS = 2000  # the articles.source column
#: HTML with more markup than this is refused before parsing: the HTML parser's cost grows with the
#: number of tags and attributes (quadratically with the attributes of one tag: 30,000 in one tag took
#: over a minute). Counted with str.count and one linear scan of the tags.
MAX_HTML_TAGS = 50_000
MAX_HTML_ATTRIBUTES = 100_000
MAX_HTML_TAG_ATTRIBUTES = 200
_MIN_HTML_WORDS = 3
_CHAOS_MARGIN = 0.06

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^<>]*")  # a tag's opening and its attributes, up to the next angle bracket
# C0 controls other than tab, newline, carriage return and form feed: a sign of binary data.
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
# What a title, source or file name may not keep: every C0/C1 control, DEL, lone surrogates,
# and the bidirectional overrides that can make a name display as something else.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_NEWLINES = re.compile(r"\r\n?")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}[ \t]+", re.MULTILINE)
# A sentence end: . ! or ? (and a closing quote or bracket) before white space.
_SENTENCE_END = re.compile(r"[.!?][\"”’)]?(?=\s)")
_MIN_SENTENCE = 20  # "U.S. troops ..." is not a sentence of its own

# Leading bytes of binary formats people upload by mistake, with a name to show them.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"PK\x03\x04", "a ZIP archive (or a Word, Excel or EPUB file)"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office file"),
    (b"{\\rtf", "an RTF document"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "a program"),
    (b"OggS", "an Ogg media file"),
    (b"fLaC", "a FLAC audio file"),
    (b"\x00\x00\x01\x00", "an icon"),
)


class SourceText(NamedTuple):
    """A title and the text to analyse."""

    title: str
    text: str


def safe_filename(filename: str | None) -> str:
    """The base name of an uploaded file's name; never a path (both / and \\ are separators).

    Control characters and bidirectional overrides are dropped and the name is cut to
    MAX_FILENAME_CHARS characters, keeping its extension.
    """
    name = re.split(r"[\\/]", filename or "")[-1]
    name = _WHITESPACE.sub(" ", _UNPRINTABLE.sub("", name)).strip()
    if len(name) > MAX_FILENAME_CHARS:
        suffix = PurePosixPath(name).suffix
        suffix = suffix if len(suffix) <= 16 else ""
        name = name[: MAX_FILENAME_CHARS - len(suffix)].rstrip() + suffix
    return name


def clean_source(source: str | None, default: str = "") -> str:
    """A source label or URL as given by the user: cleaned like a title, up to 2,000 characters."""
    if not isinstance(source, str):
        return default
    cleaned = _WHITESPACE.sub(" ", _UNPRINTABLE.sub(_unprintable_to_space, source))
    cleaned = cleaned.strip()[:MAX_SOURCE_CHARS]
    return cleaned or default


def sniff_binary(data: bytes) -> str | None:
    """What known binary format ``data`` starts with ("a PDF document", ...), or None."""
    head = data[:64]
    if head[4:8] == b"ftyp":
        return "a video or HEIC image"
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            return what
    return None


def _check_size(size: int, max_bytes: int | None) -> None:
    if max_bytes is not None and size > max_bytes:
        raise TooLarge(f"The text is too large ({size:,} bytes; the limit is {max_bytes:,} bytes).")


def _check_unicode(text: str) -> None:
    if _SURROGATES.search(text):
        raise UnreadableInput(
            "The text is not valid Unicode (it contains unpaired surrogate escapes)."
        )


def _check_text(text: str) -> None:
    """Refuse text the geoparser cannot take: invalid Unicode, or too long."""
    _check_unicode(text)
    if len(text) > MAX_TEXT_CHARS:
        raise TooLarge(
            f"The text is too long to analyse ({len(text):,} characters;"
            f" the limit is {MAX_TEXT_CHARS:,})."
        )


def decode_bytes(data: bytes, *, html: bool = False) -> str:
    """Decode bytes to text: BOM first, then strict UTF-8, a declared HTML charset, then detection.

    Raises UnreadableInput for binary data or bytes in no encoding we can recognise.
    """
    kind = sniff_binary(data)
    if kind is not None:
        raise UnreadableInput(
            f"This is {kind}, not text. Upload a .txt, .md or .html file, or paste the text."
        )
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise UnreadableInput(f"The file claims to be {encoding} but is not.") from exc
    if b"\x00" in data:
        text16 = _utf16_without_bom(data)
        if text16 is not None:
            return text16
        raise UnreadableInput("This looks like a binary file, not text.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _decode_legacy(data, html=html)
    if _BINARY_CONTROLS.search(text):
        raise UnreadableInput("This looks like a binary file, not text.")
    return text


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte order mark: mostly-ASCII text with every other byte 0."""
    if len(data) < 4 or len(data) % 2:
        return None
    for encoding, zeros in (("utf-16-le", data[1::2]), ("utf-16-be", data[0::2])):
        if zeros.count(0) >= 0.6 * len(zeros):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if not _BINARY_CONTROLS.search(text):
                return text
    return None


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
    # Short texts often fit several single-byte code pages about equally well (a French text in
    # Latin-1 "fits" mac_latin2 a little better; Polish in cp1250 "fits" cp1252 as "Za¿ó³æ").
    # Among the readings within _CHAOS_MARGIN of the best, take the one with the fewest symbols
    # glued to the end of a letter, then Windows-1252 (the commonest legacy encoding of news).
    close = [m for m in matches if m.chaos <= best.chaos + _CHAOS_MARGIN]
    ranked = sorted(
        enumerate(close),
        key=lambda im: (_oddities(str(im[1])), im[1].encoding != "cp1252", im[0]),
    )
    return str(ranked[0][1]) if ranked else str(best)


def _oddities(text: str, sample: int = 20_000) -> int:
    """How many Latin-1/Latin Extended non-letters (¿ ³ ¹ ...) directly follow a letter: the
    mark of a wrong single-byte code page."""
    text = text[:sample]
    return sum(
        1
        for prev, ch in zip(text, text[1:])
        if "\x7f" < ch < "\u0300" and ch not in "\xa0\xab\xad\xb7\xbb" and prev.isalpha()
        and not ch.isalpha()
        and not unicodedata.category(ch).startswith("M")
    )


def clean_title(title: str) -> str:
    """Whitespace folded to single spaces, control characters dropped, truncated to
    MAX_TITLE_CHARS (the last kept character then is "…")."""
    title = _WHITESPACE.sub(" ", _UNPRINTABLE.sub(_unprintable_to_space, title)).strip()
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1].rstrip() + "…"
    return title


def _unprintable_to_space(match: re.Match[str]) -> str:
    return " " if match.group() in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85" else ""


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR as LF: the one change made to a text as given."""
    return _NEWLINES.sub("\n", text)


def strip_markdown_headings(text: str) -> str:
    """Markdown heading markers ("# ", "## ", ...) removed from the starts of lines."""
    return _MARKDOWN_HEADING.sub("", text)


def short_title(line: str) -> str:
    """A title from a text's first line: the line if short, else its first sentence if short,
    else its start cut at a word boundary with "…" (at most TITLE_CHARS characters)."""
    if len(line) <= TITLE_CHARS:
        return line
    end = _SENTENCE_END.search(line, _MIN_SENTENCE, TITLE_CHARS + 1)
    if end is not None:
        return line[: end.end()]
    cut = line[: TITLE_CHARS - 1]
    space = cut.rfind(" ")
    if space > TITLE_CHARS // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + "…"


def default_title(text: str, fallback: str = "Untitled") -> str:
    """The title rule of every upload path: :func:`short_title` of the first non-empty line
    (Markdown heading marks removed), whitespace folded."""
    for line in text.splitlines():
        title = clean_title(line[: MAX_TITLE_CHARS * 4].strip().lstrip("#"))
        if title:
            return short_title(title)
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


def check_markup(html: str) -> None:
    """Refuse HTML with an absurd number of tags or attributes (TooLarge), before any parsing."""
    tags = html.count("<")
    if tags > MAX_HTML_TAGS:
        raise TooLarge(f"The page has too much markup to read ({tags:,} tags; the limit is {MAX_HTML_TAGS:,}).")
    if html.count("=") <= MAX_HTML_TAG_ATTRIBUTES:
        return
    per_tag = [m.group().count("=") for m in _TAG.finditer(html)]
    if sum(per_tag) > MAX_HTML_ATTRIBUTES:
        raise TooLarge(f"The page has too much markup to read ({sum(per_tag):,} attributes;"
                       f" the limit is {MAX_HTML_ATTRIBUTES:,}).")
    if max(per_tag, default=0) > MAX_HTML_TAG_ATTRIBUTES:
        raise TooLarge(f"The page has too much markup to read (a tag with {max(per_tag):,} attributes;"
                       f" the limit is {MAX_HTML_TAG_ATTRIBUTES:,}).")


def read_html(html: str, fallback_title: str = "Untitled") -> SourceText:
    """Reduce an HTML page to (title, main text); page furniture is dropped (absurd markup refused first)."""
    _require_text(html)
    check_markup(html)
    extracted = html_to_text(html)
    if extracted is None:
        raise EmptyText("The page has no main text to analyse.")
    _check_text(extracted.text)
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
        return read_html(normalize_newlines(decode_bytes(data, html=True)), fallback_title=stem)
    text = normalize_newlines(decode_bytes(data))
    if extension in MARKDOWN_EXTENSIONS:
        text = strip_markdown_headings(text)
    _require_text(text)
    start, end = furniture.article_span(text)
    text = text[start:end]
    _check_text(text)
    return SourceText(title=default_title(text, stem), text=text)


def read_pasted(
    title: str | None, text: str, *, max_bytes: int | None = None, html: bool = False
) -> SourceText:
    """(title, text) from pasted text (kept as given, newlines normalised) or pasted HTML."""
    if not isinstance(text, str):
        raise UnreadableInput("The text must be a string.")
    _check_size(len(text.encode("utf-8", "surrogatepass")), max_bytes)
    text = normalize_newlines(text)
    if _BINARY_CONTROLS.search(text):
        raise UnreadableInput("The text contains control characters; is it binary data?")
    _check_unicode(text)
    given = clean_title(title or "") if isinstance(title, str) else ""
    if html:
        source = read_html(text)
        return SourceText(title=given or source.title, text=source.text)
    _require_text(text)
    _check_text(text)
    return SourceText(title=given or default_title(text), text=text)
