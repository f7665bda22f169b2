"""The passage around a mention: its sentence, kept within one paragraph and a sane length."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING, Iterable, Sequence

from geo.doctext import doc_text
from geo.types import Passage

if TYPE_CHECKING:  # only annotations: importing geo.passages does not load spaCy
    from spacy.tokens import Doc

__all__ = [
    "MAX_PASSAGE_CHARS", "paragraph_breaks", "passage_around", "passage_for", "passage_in_text", "passages_for",
    "sentence_bounds",
]

MAX_PASSAGE_CHARS = 400
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")
_END = float("inf")  # sorts after every offset in a binary search
# The end of a sentence in plain text: a stop with any closing quotes or brackets, then space; or a line end.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+|\n")


def paragraph_breaks(text: str) -> list[tuple[int, int]]:
    """Every paragraph break (a blank line) of text, in order: read once for many passages."""
    return [m.span() for m in _PARAGRAPH_BREAK.finditer(text)]


def passage_in_text(text: str, start: int, end: int, lo: int = 0, hi: int | None = None,
                    breaks: Sequence[tuple[int, int]] | None = None) -> Passage:
    """The passage for [start, end) within text[lo:hi]: cut at paragraph breaks, capped, trimmed.

    ``breaks`` are text's paragraph_breaks when many passages are cut from one text (two binary
    searches then replace a scan of the whole sentence).
    """
    hi = len(text) if hi is None else hi
    lo, hi = min(lo, start), max(hi, end)
    if breaks is None:
        breaks = [m.span() for m in _PARAGRAPH_BREAK.finditer(text, lo, hi)]
    before = bisect_right(breaks, start, key=_end_of) - 1
    if before >= 0 and breaks[before][0] >= lo:
        lo = breaks[before][1]
    after = bisect_left(breaks, end, key=_start_of)
    if after < len(breaks) and breaks[after][1] <= hi:
        hi = breaks[after][0]
    if hi - lo > MAX_PASSAGE_CHARS:
        lo, hi = _capped(text, start, end, lo, hi)
    while lo < start and text[lo].isspace():
        lo += 1
    while hi > end and text[hi - 1].isspace():
        hi -= 1
    return Passage(start=lo, end=hi, text=text[lo:hi])


def _capped(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """A window of MAX_PASSAGE_CHARS around [start, end) within [lo, hi), cut at spaces."""
    half = max(0, (MAX_PASSAGE_CHARS - (end - start)) // 2)
    new_lo = max(lo, start - half)
    new_hi = min(hi, new_lo + max(MAX_PASSAGE_CHARS, end - new_lo))
    new_lo = max(lo, min(new_lo, new_hi - MAX_PASSAGE_CHARS, start))
    if new_lo > lo:
        space = text.find(" ", new_lo, start)
        new_lo = space + 1 if space != -1 else new_lo
    if new_hi < hi:
        space = text.rfind(" ", end, new_hi)
        new_hi = space if space != -1 else new_hi
    return new_lo, new_hi


def _start_of(span: tuple[int, int]) -> int:
    return span[0]


def _end_of(span: tuple[int, int]) -> int:
    return span[1]


def passages_for(doc: Doc, spans: Iterable[tuple[int, int]]) -> list[Passage]:
    """The sentence around each [start, end) of doc.text, with offsets into that text.

    doc.text, its sentences and its paragraph breaks are read once for all spans (spaCy rebuilds
    doc.text on every access, and a token's .sent walks its whole sentence); each span then costs
    binary searches. Without sentence boundaries, the whole text bounds them.
    """
    text = doc_text(doc)
    breaks = paragraph_breaks(text)
    sents = [(s.start_char, s.end_char) for s in doc.sents] if doc.has_annotation("SENT_START") else []
    out = []
    for start, end in spans:
        lo, hi = 0, len(text)
        span = doc.char_span(start, end, alignment_mode="expand") if sents else None
        if span is not None:
            lo = sents[bisect_right(sents, (span[0].idx, _END)) - 1][0]
            hi = sents[bisect_right(sents, (span[-1].idx, _END)) - 1][1]
        out.append(passage_in_text(text, start, end, lo, hi, breaks))
    return out


def passage_for(doc: Doc, start: int, end: int) -> Passage:
    """The sentence around the mention [start, end) of doc.text, with offsets into that text."""
    return passages_for(doc, [(start, end)])[0]


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the sentence (within its line) around [start, end) of plain text begins and ends."""
    lo = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        lo = m.end()
    nxt = _SENTENCE_END.search(text, end)
    hi = nxt.start() + (1 if nxt.group(0)[0] in ".!?" else 0) if nxt else len(text)
    return max(0, min(lo, start)), max(hi, end)


def passage_around(text: str, start: int, end: int) -> Passage:
    """The passage for [start, end) of plain text, without a parsed doc (mentions a person adds)."""
    return passage_in_text(text, start, end, *sentence_bounds(text, start, end))
