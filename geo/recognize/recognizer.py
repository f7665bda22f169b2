"""recognize(doc, index): build the Context, run every candidate source, keep the best non-overlapping spans."""
from __future__ import annotations

import re
from dataclasses import replace

from spacy.tokens import Doc

from geo.names import name_key
from geo.recognize.context import Context, build_context
from geo.recognize.rules import rules
from geo.recognize.sources import FOLLOW_UPS, SOURCES, SpanCandidate
from geo.types import Mention, PlaceIndex

__all__ = ["names_a_facility", "recognize", "roads", "select"]

_NEXT_CAPITALISED = re.compile(r" ([A-Z][a-z]+)\b")
_FACILITY_REACH = 30
_ROAD_WORD = re.compile(r" ([A-Z][a-z]+)\b(?! [A-Z])(\.(?! [A-Z]))?")  # " Street", " St.": not before a capital


def roads(text: str, chosen: list[SpanCandidate]) -> list[SpanCandidate]:
    """The chosen literal names with a road word right after them taken in: "Memphis St." of "2517 Memphis
    St., Alexandria" names a street, not the city (its own name, placed as the gazetteer allows). A full
    word is read before a sentence's end too ("Green Oaks Boulevard. Titan"), not before a capitalised word
    ("Florida Highway Patrol"); an abbreviation takes its period, and is not read before a capitalised word
    after it either ("Memphis St. Jude")."""
    out = []
    for k, c in enumerate(chosen):
        limit = chosen[k + 1].start if k + 1 < len(chosen) else len(text)
        end = _road_end(text, c.end, min(limit, c.end + _FACILITY_REACH)) if c.kind == "literal" else None
        if end is not None:
            c = replace(c, end=end, name=text[c.start:end])
        out.append(c)
    return out


def _road_end(text: str, start: int, limit: int) -> int | None:
    """Where a road word written right after a name ending at start ends (with an abbreviation's period)."""
    match = _ROAD_WORD.match(text, start, limit)
    if not match:
        return None
    word = match.group(1).lower()
    if word in rules().road_abbreviations:
        return match.end() if match.group(2) or text[match.end() : match.end() + 1] != "." else None
    return match.end(1) if word in rules().road_words else None


def select(cands: list[SpanCandidate]) -> list[SpanCandidate]:
    """Non-overlapping candidates: longest first, then strongest; returned in text order.

    Taken characters are marked in a bytearray, so each candidate costs its own length.
    """
    chosen: list[SpanCandidate] = []
    taken = bytearray(max((c.end for c in cands), default=0))
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), -c.strength, c.start)):
        if c.start >= c.end or taken.find(1, c.start, c.end) != -1:
            continue
        chosen.append(c)
        taken[c.start:c.end] = b"\x01" * (c.end - c.start)
    return sorted(chosen, key=lambda c: c.start)


def names_a_facility(ctx: Context, c: SpanCandidate) -> bool:
    """Whether a minor place name stands right before an institution word ("Webb Center", "Lee Academy")."""
    if c.kind != "literal":
        return False
    match = _NEXT_CAPITALISED.match(ctx.text, c.end, min(len(ctx.text), c.end + _FACILITY_REACH))
    if not match or name_key(match.group(1)) not in ctx.rules.facility_words:
        return False
    info = ctx.info.get(ctx.text[c.start:c.end])
    return info is None or not ctx.rules.major(info)


def recognize(doc: Doc, index: PlaceIndex) -> list[Mention]:
    """Place mentions in a parsed text, sorted by start and non-overlapping."""
    ctx = build_context(doc, index)
    found = [c for source in SOURCES for c in source(ctx)]
    for follow_up in FOLLOW_UPS:
        found.extend(list(follow_up(ctx, found)))
    out = []
    for c in roads(ctx.text, select(found)):
        surface = ctx.text[c.start:c.end]
        if surface.strip() and not names_a_facility(ctx, c):
            out.append(Mention(c.start, c.end, surface, c.name, c.kind, c.source, c.label))
    return out
