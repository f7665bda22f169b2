"""Character-level readings of the raw text: boilerplate and promotion blocks to skip, upper-case datelines."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import islice
from typing import Iterable

from geo import lexicon

__all__ = ["Ranges", "bad_ranges", "covered", "dateline_spans", "in_ranges", "merge_ranges"]

Ranges = tuple[tuple[int, int], ...]
_END = float("inf")  # sorts after every range end in a binary search

_BOILERPLATE = re.compile(  # tried only where no letter comes before and a phrase's first character stands
    r"(?i)(?<![a-z])(?=[acmrsftpeb©(])(?:copyright|©|\(c\) \d{4}|all rights reserved|more on this story"
    r"|related stories|share this|follow us|sign up|subscribe|read more|click here|terms of (use|service)"
    r"|privacy policy|elsewhere on the|best viewed|cookies)"
)
# A line with a boilerplate phrase is dropped whole only when it is this short; in a longer line
# (a whole article pasted as one paragraph) only the sentence holding the phrase goes.
_BOILERPLATE_LINE_WORDS = 12
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")
_WORD = re.compile(r"\S+")
_PROMO_HEADER = re.compile(
    r"(?im)^[ \t]*(elsewhere on (the )?\w+|from around the web|sponsored( stories| content)?|promoted stories"
    r"|you may also like|recommended for you)[ \t]*$"
)
_PARAGRAPH = re.compile(r"[^\n]+")
_PROMO_MAX_WORDS = 25
# "WASHINGTON (AP) —", "CAMP MURRAY, Wash. -": an upper-case place (and a qualifier) before a dash or bracket.
# The place, its qualifier and the blanks after them have a length limit, so that no try backtracks over a
# whole line (a long all-capitals text would otherwise take quadratic time).
_DATELINE = re.compile(
    r"(?:^|\n|[.!?] |\b(?:1[89]|20)\d\d )[ \t]{0,20}([A-Z][A-Z.'\- ]{0,80}[A-Z.])"
    r"(?:,[ \t]*[A-Z][A-Za-z0-9. ]{1,40}?)?[ \t]{0,20}(?:\(|—|–|--| - |:)"
)
# "(NEW YORK) —": an upper-case place in brackets at a line's start, before a dash or colon.
_BRACKET_DATELINE = re.compile(r"(?:^|\n)[ \t]{0,20}\(([A-Z][A-Z.'\- ]{1,60}[A-Z.])\)[ \t]{0,5}(?:—|–|--| - |:)")
# After a year ("March 30, 2009 NEWARK --": a byline's date) and with a date after the comma
# ("SOUTH WAZIRISTAN, April 5 (APP):") too. Anywhere in a line before a wire service's tag
# (wire_services.txt): "Associated Press WASHINGTON (AP) —".


@cache
def _wire_dateline() -> re.Pattern[str]:
    """Upper-case words right before a news agency's bracketed tag."""
    tags = "|".join(sorted(map(re.escape, lexicon.words("wire_services"))))
    return re.compile(r"\b([A-Z][A-Z.'\- ]{1,60}[A-Z.])[ \t]{0,5}\((?:" + tags + r")\)")


@dataclass(frozen=True)
class _Line:
    """One line of the text: its bounds, whether it is long, and where its sentences end."""

    lo: int
    hi: int
    long: bool
    sentence_ends: list[int]


def _line_at(text: str, pos: int) -> _Line:
    """The line holding pos, read once: bounds, length in words and sentence ends."""
    lo = text.rfind("\n", 0, pos) + 1
    hi = text.find("\n", pos)
    hi = len(text) if hi == -1 else hi
    long = _has_words(text, lo, hi, _BOILERPLATE_LINE_WORDS + 1)
    ends = [e.end() for e in _SENTENCE_END.finditer(text, lo, hi)] if long else []
    return _Line(lo, hi, long, ends)


def _has_words(text: str, lo: int, hi: int, count: int) -> bool:
    """Whether text[lo:hi] holds at least ``count`` words, reading no further than the count-th."""
    return next(islice(_WORD.finditer(text, lo, hi), count - 1, None), None) is not None


def _boilerplate_ranges(text: str) -> list[tuple[int, int]]:
    """Short lines holding a boilerplate phrase, or the phrase's sentence in a long line."""
    ranges: list[tuple[int, int]] = []
    line = _Line(0, -1, False, [])
    for m in _BOILERPLATE.finditer(text):
        if ranges and m.start() < ranges[-1][1]:
            continue
        if m.start() > line.hi:
            line = _line_at(text, m.start())
        lo, hi = line.lo, line.hi
        if line.long:  # the sentence around the phrase: after the last end before it, to the next end after it
            before = bisect_left(line.sentence_ends, m.start()) - 1
            lo = line.sentence_ends[before] if before >= 0 else lo
            after = bisect_right(line.sentence_ends, m.end())
            hi = line.sentence_ends[after] if after < len(line.sentence_ends) else hi
        ranges.append((lo, hi))
    return ranges


def _promotion_ranges(text: str) -> list[tuple[int, int]]:
    """Cross-promotion blocks: a header ("Elsewhere on the BBC") and the short paragraphs after it."""
    ranges: list[tuple[int, int]] = []
    for m in _PROMO_HEADER.finditer(text):
        if ranges and m.end() <= ranges[-1][1]:  # inside the block before: its short paragraphs end there too
            ranges.append((m.start(), ranges[-1][1]))
            continue
        end = m.end()
        for para in _PARAGRAPH.finditer(text, end):
            if _has_words(text, para.start(), para.end(), _PROMO_MAX_WORDS):
                break
            end = para.end()
        ranges.append((m.start(), end))
    return ranges


def bad_ranges(text: str) -> Ranges:
    """Character ranges where no place is looked for: boilerplate and cross-promotion blocks."""
    return (*_boilerplate_ranges(text), *_promotion_ranges(text))


def merge_ranges(ranges: Iterable[tuple[int, int]]) -> Ranges:
    """The same characters as sorted, disjoint ranges (what in_ranges and covered search)."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        elif a < b:
            out.append((a, b))
    return tuple(out)


def in_ranges(pos: int, ranges: Ranges) -> bool:
    """Whether pos falls inside one of the sorted, disjoint ranges (a binary search)."""
    k = bisect_right(ranges, (pos, _END)) - 1
    return k >= 0 and ranges[k][0] <= pos < ranges[k][1]


def covered(start: int, end: int, ranges: Ranges) -> bool:
    """Whether [start, end) lies within one of the sorted, disjoint ranges (a binary search)."""
    k = bisect_right(ranges, (start, _END)) - 1
    return k >= 0 and ranges[k][0] <= start and end <= ranges[k][1]


@lru_cache(maxsize=8)  # recognition and resolution both read a text's datelines
def dateline_spans(text: str) -> frozenset[tuple[int, int]]:
    """Character spans of upper-case datelines at a line start ("WASHINGTON (AP) —")."""
    out = set()
    wires = lexicon.words("wire_services")
    for m in (*_DATELINE.finditer(text), *_BRACKET_DATELINE.finditer(text), *_wire_dateline().finditer(text)):
        s, e = m.span(1)
        if e - s >= 3 and not text[s:e].strip().endswith(("AP", "UPI")) and text[s:e] not in wires:
            out.add((s, s + len(text[s:e].rstrip())))
    return frozenset(out)
