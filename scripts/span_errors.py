"""Split recognition errors into false positives, misses and boundary errors, and sort them into general classes.

A boundary error is a predicted span that overlaps a gold span without matching it (one error, not a false
positive plus a miss). Every error gets the first class that fits its span (for a boundary error, the pair):

- boundary classes: "the X" (one span is the other with "the" before it), cut short (the prediction lies
  inside the gold), too long (the gold lies inside the prediction), other boundary;
- span classes: demonym or adjective, street or building, all-caps, abbreviation, lower-case word, inside a
  person's name, inside an organisation's name, the model's whole organisation, other.

``recognize_eval.py`` prints the table (``make errors``); the word lists are lexicon data
(``street_words.txt``, the demonym tables).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal, Sequence

from geo import lexicon
from geo.demonyms import demonym_place

__all__ = ["BOUNDARY_CLASSES", "SPAN_CLASSES", "Span", "SpanError", "boundary_class", "print_split",
           "span_class", "split_errors"]

Side = Literal["false positive", "miss", "boundary"]
SIDES: tuple[Side, ...] = ("false positive", "miss", "boundary")
_SHORT = {"false positive": "fp", "miss": "miss", "boundary": "bound"}
BOUNDARY_CLASSES = ("boundary: the X", "boundary: cut short", "boundary: too long", "boundary: other")
SPAN_CLASSES = ("demonym or adjective", "street or building", "all-caps", "abbreviation", "lower-case word",
                "inside a person's name", "inside an organisation's name", "organisation (whole)", "other")


@dataclass(frozen=True)
class Span:
    """A character span, with the label of the model's entity around it ("" when none)."""

    start: int
    end: int
    label: str = ""
    whole: bool = False  # the entity is exactly this span
    kind: str = ""  # the mention kind of a prediction ("demonym", "literal")


@dataclass(frozen=True)
class SpanError:
    """One recognition error: its side, its class and the text it is about."""

    side: Side
    label: str
    surface: str


def split_errors(text: str, gold: Sequence[Span], pred: Sequence[Span], matched_gold: set[int],
                 matched_pred: set[int]) -> list[SpanError]:
    """The errors of one document, given which gold and predicted spans the scorer matched."""
    free_gold = [g for k, g in enumerate(gold) if k not in matched_gold]
    out, paired = [], set()
    for k, p in enumerate(pred):
        if k in matched_pred:
            continue
        g = next((g for n, g in enumerate(free_gold) if n not in paired and g.start < p.end and p.start < g.end),
                 None)
        if g is None:
            out.append(SpanError("false positive", span_class(text, p), text[p.start:p.end]))
        else:
            paired.add(free_gold.index(g))
            out.append(SpanError("boundary", boundary_class(text, g, p),
                                 f"{text[p.start:p.end]} / {text[g.start:g.end]}"))
    out += [SpanError("miss", span_class(text, g), text[g.start:g.end])
            for n, g in enumerate(free_gold) if n not in paired]
    return out


def boundary_class(text: str, gold: Span, pred: Span) -> str:
    """The class of a predicted span that overlaps a gold span without matching it."""
    outer, inner = (gold, pred) if gold.start <= pred.start and pred.end <= gold.end else (pred, gold)
    if text[outer.start:inner.start].lower().strip() == "the" and outer.end == inner.end:
        return BOUNDARY_CLASSES[0]
    if outer is gold:
        return BOUNDARY_CLASSES[1]
    if inner.start >= outer.start and inner.end <= outer.end:
        return BOUNDARY_CLASSES[2]
    return BOUNDARY_CLASSES[3]


def span_class(text: str, span: Span) -> str:
    """The general class of a false positive or a miss, the first that fits."""
    surface = text[span.start:span.end]
    words = surface.split()
    if span.kind == "demonym" or demonym_place(surface) is not None:
        return SPAN_CLASSES[0]
    if words and words[-1].lower().rstrip(".") in lexicon.words("street_words") or _street_follows(text, span.end):
        return SPAN_CLASSES[1]
    if surface.isupper() and len(surface) > 3:
        return SPAN_CLASSES[2]
    if "." in surface or surface.isupper():
        return SPAN_CLASSES[3]
    if surface[:1].islower():
        return SPAN_CLASSES[4]
    if span.label == "PERSON":
        return SPAN_CLASSES[5]
    if span.label in ("ORG", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART"):
        return SPAN_CLASSES[7] if span.whole else SPAN_CLASSES[6]
    return SPAN_CLASSES[8]


def _street_follows(text: str, end: int) -> bool:
    """Whether a street or building word follows the span ("Main" in "Main Street")."""
    after = text[end:end + 20].split(maxsplit=1)
    return bool(after) and text[end:end + 1] == " " and after[0].lower().rstrip(".,") in lexicon.words("street_words")


def print_split(tallies: dict[str, Counter[tuple[str, str]]]) -> None:
    """One line per class: false positives, misses and boundary errors per corpus."""
    keys = list(tallies)
    head = "".join(f"{k + ' ' + _SHORT[s]:>12s}" for k in keys for s in SIDES)
    print(f"{'recognition error class':32s}{head}")
    for label in BOUNDARY_CLASSES + SPAN_CLASSES:
        cells = [tallies[k][(s, label)] for k in keys for s in SIDES]
        if any(cells):
            print(f"{label:32s}" + "".join(f"{c:12d}" for c in cells))
    totals = [sum(n for (s, _), n in tallies[k].items() if s == side) for k in keys for side in SIDES]
    print(f"{'total':32s}" + "".join(f"{c:12d}" for c in totals))
