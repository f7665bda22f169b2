"""Page furniture in plain text: the share, related-stories and navigation lines at the start or
end of a copied web page ("More Middle East stories", "Share this article"), found by a linear
line classifier whose word list and weights are data (geo/data/lexicon/furniture_*)."""
from __future__ import annotations

import re
from functools import cache
from typing import Mapping

from geo import lexicon

__all__ = ["EDGE_LINES", "line_features", "furniture_score", "is_furniture", "article_span"]

#: At most this many lines are looked at from each end of a text (the work stays bounded).
EDGE_LINES = 15
#: Only the start of a line is read: a longer line is prose, not furniture.
_LINE_HEAD = 400
_WORD = re.compile(r"[^\W\d_]+")
_SEPARATORS = ("|", "•", "»", "›", " · ")
_SENTENCE_ENDS = tuple('.!?"”’)')
_SHORT_WORDS = 6
_LONG_WORDS = 25


@cache
def _weights() -> Mapping[str, float]:
    return {name: float(weight) for name, weight in lexicon.table("furniture_weights")}


def line_features(line: str) -> dict[str, float]:
    """The classifier's features of one line (see furniture_weights.tsv)."""
    head = line[:_LINE_HEAD].strip()
    words = _WORD.findall(head.lower())
    known = lexicon.words("furniture_words")
    hits = sum(1 for w in words if w in known)
    return {
        "bias": 1.0,
        "furniture_share": hits / len(words) if words else 0.0,
        "first_word": float(bool(words) and words[0] in known),
        "first_two": float(len(words) > 1 and words[0] in known and words[1] in known),
        "short": float(len(words) <= _SHORT_WORDS),
        "no_end": float(not head.endswith(_SENTENCE_ENDS)),
        "separators": float(any(s in head for s in _SEPARATORS)),
        "link": float("http" in head or "www." in head),
        "no_words": float(not words),
        "long": float(len(words) > _LONG_WORDS or len(line) > _LINE_HEAD),
    }


def furniture_score(line: str) -> float:
    """The weighted sum of the line's features: above zero means furniture."""
    weights = _weights()
    return sum(weights.get(name, 0.0) * value for name, value in line_features(line).items())


def is_furniture(line: str) -> bool:
    """Whether a (non-blank) line is page furniture rather than the article's own text."""
    return bool(line.strip()) and furniture_score(line) > 0


def _edge_cut(lines: list[str]) -> int:
    """How many of ``lines`` (read from the edge inwards) are furniture or the blanks around it."""
    cut = 0
    for n, line in enumerate(lines[:EDGE_LINES], 1):
        if not line.strip():
            if cut:
                cut = n  # blank lines after furniture go with it
            continue
        if not is_furniture(line):
            break
        cut = n
    return cut


def article_span(text: str) -> tuple[int, int]:
    """(start, end) of the text without the furniture lines at its start and end; (0, len)
    when there are none, or when nothing but furniture would be left."""
    lines = text.splitlines(keepends=True)
    top = _edge_cut(lines)
    bottom = _edge_cut(lines[top:][::-1])
    kept = lines[top:len(lines) - bottom]
    if not any(line.strip() for line in kept):
        return 0, len(text)
    start = sum(len(line) for line in lines[:top])
    end = len(text) - sum(len(line) for line in lines[len(lines) - bottom:])
    return start, end
