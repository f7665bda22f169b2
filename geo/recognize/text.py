"""Character-level readings of the raw text: boilerplate and promotion blocks to skip, upper-case datelines."""
from __future__ import annotations

import re

__all__ = ["Ranges", "bad_ranges", "dateline_spans", "in_ranges"]

Ranges = tuple[tuple[int, int], ...]

_BOILERPLATE = re.compile(
    r"(?i)copyright|©|\(c\) \d{4}|all rights reserved|more on this story|related stories"
    r"|share this|follow us|sign up|subscribe|read more|click here|terms of (use|service)"
    r"|privacy policy|elsewhere on the|best viewed|cookies"
)
# A line with a boilerplate phrase is dropped whole only when it is this short; in a longer line
# (a whole article pasted as one paragraph) only the sentence holding the phrase goes.
_BOILERPLATE_LINE_WORDS = 12
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")
_PROMO_HEADER = re.compile(
    r"(?im)^[ \t]*(elsewhere on (the )?\w+|from around the web|sponsored( stories| content)?|promoted stories"
    r"|you may also like|recommended for you)[ \t]*$"
)
_PARAGRAPH = re.compile(r"[^\n]+")
_PROMO_MAX_WORDS = 25
# "WASHINGTON (AP) —", "CAMP MURRAY, Wash. -": an upper-case place (and a qualifier) before a dash or bracket.
_DATELINE = re.compile(
    r"(?:^|\n|[.!?] )[ \t]*([A-Z][A-Z.'\- ]*[A-Z.])(?:,[ \t]*[A-Z][A-Za-z. ]+?)?[ \t]*(?:\(|—|–|--| - |:)"
)


def _boilerplate_ranges(text: str) -> list[tuple[int, int]]:
    """Short lines holding a boilerplate phrase, or the phrase's sentence in a long line."""
    ranges: list[tuple[int, int]] = []
    for m in _BOILERPLATE.finditer(text):
        if ranges and m.start() < ranges[-1][1]:
            continue
        lo = text.rfind("\n", 0, m.start()) + 1
        hi = text.find("\n", m.end())
        hi = len(text) if hi == -1 else hi
        if len(text[lo:hi].split()) > _BOILERPLATE_LINE_WORDS:
            ends = [e.end() for e in _SENTENCE_END.finditer(text, lo, m.start())]
            lo = ends[-1] if ends else lo
            nxt = _SENTENCE_END.search(text, m.end(), hi)
            hi = nxt.end() if nxt else hi
        ranges.append((lo, hi))
    return ranges


def _promotion_ranges(text: str) -> list[tuple[int, int]]:
    """Cross-promotion blocks: a header ("Elsewhere on the BBC") and the short paragraphs after it."""
    ranges = []
    for m in _PROMO_HEADER.finditer(text):
        end = m.end()
        for para in _PARAGRAPH.finditer(text, end):
            if len(para.group().split()) >= _PROMO_MAX_WORDS:
                break
            end = para.end()
        ranges.append((m.start(), end))
    return ranges


def bad_ranges(text: str) -> Ranges:
    """Character ranges where no place is looked for: boilerplate and cross-promotion blocks."""
    return (*_boilerplate_ranges(text), *_promotion_ranges(text))


def in_ranges(pos: int, ranges: Ranges) -> bool:
    """Whether pos falls inside one of the ranges."""
    return any(a <= pos < b for a, b in ranges)


def dateline_spans(text: str) -> frozenset[tuple[int, int]]:
    """Character spans of upper-case datelines at a line start ("WASHINGTON (AP) —")."""
    out = set()
    for m in _DATELINE.finditer(text):
        s, e = m.span(1)
        if e - s >= 3 and not text[s:e].strip().endswith(("AP", "UPI")):
            out.add((s, s + len(text[s:e].rstrip())))
    return frozenset(out)
