"""The passage around a mention: its sentence, kept within one paragraph and a sane length."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable

from geo.types import Passage

if TYPE_CHECKING:  # only annotations: importing geo.passages does not load spaCy
    from spacy.tokens import Doc

__all__ = ["MAX_PASSAGE_CHARS", "passage_around", "passage_for", "passage_in_text", "passages_for", "sentence_bounds"]

MAX_PASSAGE_CHARS = 400
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")
# The end of a sentence in plain text: a stop with any closing quotes or brackets, then space; or a line end.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+|\n")


def passage_in_text(text: str, start: int, end: int, lo: int = 0, hi: int | None = None) -> Passage:
    """The passage for [start, end) within text[lo:hi]: cut at paragraph breaks, capped, trimmed."""
    hi = len(text) if hi is None else hi
    lo, hi = min(lo, start), max(hi, end)
    for brk in _PARAGRAPH_BREAK.finditer(text, lo, hi):
        if brk.end() <= start:
            lo = brk.end()
        elif brk.start() >= end:
            hi = brk.start()
            break
    if hi - lo > MAX_PASSAGE_CHARS:
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
        lo, hi = new_lo, new_hi
    while lo < start and text[lo].isspace():
        lo += 1
    while hi > end and text[hi - 1].isspace():
        hi -= 1
    return Passage(start=lo, end=hi, text=text[lo:hi])


def passages_for(doc: Doc, spans: Iterable[tuple[int, int]]) -> list[Passage]:
    """The sentence around each [start, end) of doc.text, with offsets into that text.

    doc.text and the sentence annotation are read once for all spans: spaCy rebuilds doc.text
    from the tokens on every access. Without sentence boundaries, the whole text bounds them.
    """
    text = doc.text
    split = doc.has_annotation("SENT_START")
    out = []
    for start, end in spans:
        lo, hi = 0, len(text)
        span = doc.char_span(start, end, alignment_mode="expand") if split else None
        if span is not None:
            lo, hi = span[0].sent.start_char, span[-1].sent.end_char
        out.append(passage_in_text(text, start, end, lo, hi))
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
