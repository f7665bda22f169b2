"""One frozen reading of a parsed document, built once and shared by every candidate source."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Iterator, Literal, Mapping, Sequence

from spacy.tokens import Doc, Span

from geo.demonyms import abbreviation_place, demonyms as singular_demonyms
from geo.doctext import doc_text, token_texts
from geo.names import name_key
from geo.recognize.rules import Rules, rules
from geo.recognize.text import Ranges, bad_ranges, covered, dateline_spans, in_ranges, merge_ranges
from geo.recognize.tokens import (
    GLUE, demonym_at, ent_index, is_cap, is_cap_text, is_washington_dc, locative_context, ngrams, numbered, paired,
    person_forenames, person_surnames, runs, shouting, speaker, state_follows, surface_end, trim, wordlike,
)
from geo.types import NameInfo, PlaceIndex

__all__ = [
    "NON_NAME_LABELS", "PLACE_LABELS", "Context", "Reading", "Situation", "TokenSpan", "Verdict", "build_context",
]

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
NON_NAME_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})

# What becomes of one of the model's place entities: a place, a numbered road or district (and no name inside
# it is a place), an unknown name with no place reading (only major names inside it count), a compound of
# known places (the pieces are found as gazetteer names), or nothing.
Verdict = Literal["place", "numbered", "unplaced", "compound", "rejected"]
# Where a gazetteer name stands: glued to another known name ("Egypt-US"), outside every entity, inside a
# PERSON, inside a place entity, exactly an organisation-like entity, or embedded in one.
Situation = Literal["glued", "free", "person", "place", "exact", "embedded"]
TokenSpan = tuple[int, int]  # token offsets i..j of a span, j exclusive
_LOWER_WORD = re.compile(r"\b[a-z]+\b")


@dataclass(frozen=True)
class Reading:
    """A gazetteer name among the n-grams (tokens i..j) that passed the filters, with where it stands."""

    i: int
    j: int
    surface: str
    key: str
    info: NameInfo
    located: bool  # a locative word, a dateline, "the X" feature or a glued prominent name says "place"
    ent: Span | None  # the first entity covering it
    exact: bool  # the entity is exactly this name (after trimming)
    situation: Situation


@dataclass(frozen=True)
class Context:
    """What every candidate source may read about one document: facts first, then shared evidence."""

    doc: Doc
    text: str
    index: PlaceIndex
    rules: Rules
    bad: Ranges  # boilerplate and promotion blocks, sorted and disjoint
    datelines: frozenset[tuple[int, int]]  # character spans
    dateline_ranges: Ranges  # the same spans, sorted (for a binary search)
    dateline_tokens: Mapping[TokenSpan, bool]  # token spans, and whether a state abbreviation follows
    cover: Sequence[Span | None]  # the entity over each token
    grams: Mapping[TokenSpan, str]  # token span -> surface, every name-like span looked up in the gazetteer
    ner_spans: Mapping[TokenSpan, Span]  # the model's place entities, trimmed
    info: Mapping[str, NameInfo]  # what the gazetteer knows of each gram's surface
    surnames: frozenset[str]
    forenames: frozenset[str]
    lower_words: frozenset[str]  # lower-case words the text uses
    known_starts: frozenset[int]  # token starts of prominent known grams
    known_ends: frozenset[int]
    capitals: tuple[int, ...]  # capitalised tokens outside boilerplate
    name_tokens: tuple[int, ...]  # capitalised tokens outside boilerplate, people and numbers
    demonyms: Mapping[int, tuple[int, str]] = field(default_factory=dict)  # token -> (end token, place)
    verdicts: Mapping[TokenSpan, Verdict] = field(default_factory=dict)  # per ner_spans key
    numbered: frozenset[TokenSpan] = frozenset()  # entity spans with a verdict "numbered"
    unplaced: frozenset[TokenSpan] = frozenset()  # entity spans with a verdict "unplaced"
    after_geo_nouns: tuple[TokenSpan, ...] = ()  # PERSON entities after "the city of"
    abbreviations: tuple[int, ...] = ()  # tokens that stand for a place ("U.S.", "Lebanon, Pa.")
    readings: tuple[Reading, ...] = ()
    confirmed: frozenset[str] = frozenset()  # keys of names the text itself vouches for as places

    def end(self, j: int) -> int:
        """Character end of a span ending before token j (possessive cut off)."""
        return surface_end(self.doc, j)

    def upper_ok(self, i: int, j: int) -> bool:
        """An all-capitals span longer than three letters counts only inside a dateline."""
        span_text = self.text[self.doc[i].idx:self.end(j)]
        if not span_text.isupper() or len(span_text) <= 3:
            return True
        return covered(self.doc[i].idx, self.end(j), self.dateline_ranges)

    def strong(self, r: Reading) -> bool:
        """Whether the context or another mention vouches for a gazetteer reading."""
        return r.located or r.key in self.confirmed


def build_context(doc: Doc, index: PlaceIndex) -> Context:
    """Read a parsed document once: its facts, then the evidence the candidate sources share."""
    ctx = _facts(doc, index)
    ctx = replace(ctx, demonyms=_demonyms(ctx), verdicts=_verdicts(ctx), after_geo_nouns=_after_geo_nouns(ctx))
    ctx = replace(ctx, numbered=_judged(ctx, "numbered"), unplaced=_judged(ctx, "unplaced"),
                  abbreviations=_abbreviations(ctx))
    ctx = replace(ctx, readings=_readings(ctx))
    return replace(ctx, confirmed=_confirmed(ctx))


def _facts(doc: Doc, index: PlaceIndex) -> Context:
    """The document's facts: bad ranges, datelines, entities, n-grams and what the gazetteer knows of them."""
    r = rules()
    text = doc_text(doc)
    bad = merge_ranges(bad_ranges(text))
    datelines = dateline_spans(text)
    cover = ent_index(doc)
    grams = ngrams(doc, runs(doc))
    ner_spans = _ner_spans(doc, text, grams)
    dateline_tokens = _dateline_tokens(doc, text, datelines, grams)
    info = index.known_names(set(grams.values()))
    ner_spans = _institution_heads(doc, ner_spans, grams, info, r)
    prominent = {s for s, g in grams.items() if g in info and r.prominent(info[g])}
    return Context(
        doc=doc, text=text, index=index, rules=r, bad=bad, datelines=datelines,
        dateline_ranges=merge_ranges(datelines), dateline_tokens=dateline_tokens,
        cover=cover, grams=grams, ner_spans=ner_spans, info=info,
        surnames=person_surnames(doc, lambda word: word in info and r.major(info[word])),
        forenames=person_forenames(doc),
        lower_words=frozenset(_LOWER_WORD.findall(text)),
        known_starts=frozenset(i for i, _ in prominent), known_ends=frozenset(j for _, j in prominent),
        capitals=(capitals := tuple(_capitalised(doc, bad))),
        name_tokens=tuple(i for i in capitals if not _person_or_number(cover[i])),
    )


def _capitalised(doc: Doc, bad: Ranges) -> Iterator[int]:
    """The capitalised tokens outside boilerplate."""
    texts, offsets = token_texts(doc)
    return (i for i, (t, idx) in enumerate(zip(texts, offsets)) if is_cap_text(t) and not in_ranges(idx, bad))


def _person_or_number(ent: Span | None) -> bool:
    """Whether a covering entity is a person or a date, time, amount or number."""
    return ent is not None and (ent.label_ == "PERSON" or ent.label_ in NON_NAME_LABELS)


def _ner_spans(doc: Doc, text: str, grams: dict[TokenSpan, str]) -> dict[TokenSpan, Span]:
    """The model's place entities, cut at a line break and trimmed; their surfaces join the grams."""
    out: dict[TokenSpan, Span] = {}
    for e in doc.ents:
        if e.label_ in PLACE_LABELS:
            end = next((k for k in range(e.start, e.end) if "\n" in doc[k].text), e.end)
            i, j = trim(doc, e.start, end)
            if i < j < len(doc) and doc[j].text == "." and doc[j].idx == doc[j - 1].idx + len(doc[j - 1].text) \
                    and abbreviation_place(text[doc[i].idx:doc[j].idx + 1]) is not None:
                j += 1  # the period the tokenizer split off an abbreviation ("W.Va" + ".")
            if i < j:
                out[(i, j)] = e
                grams.setdefault((i, j), text[doc[i].idx:surface_end(doc, j)])
    return out


def _institution_heads(doc: Doc, ner_spans: dict[TokenSpan, Span], grams: Mapping[TokenSpan, str],
                       info: Mapping[str, NameInfo], r: Rules) -> dict[TokenSpan, Span]:
    """The model's places that name an institution of a known place ("Anderson County Courthouse"), cut to
    the place ("Anderson County")."""
    out: dict[TokenSpan, Span] = {}
    for (i, j), e in ner_spans.items():
        h = j - 1
        if j - i > 1 and doc[h].lower_ in r.institution_ends:
            while h > i + 1 and doc[h - 1].lower_ in r.institution_between:
                h -= 1
            head = grams.get((i, h))
            if head in info and name_key(head) not in r.not_places:
                j = h
        out[(i, j)] = e
    return out


def _dateline_tokens(doc: Doc, text: str, datelines: frozenset[tuple[int, int]],
                     grams: dict[TokenSpan, str]) -> dict[TokenSpan, bool]:
    """Whole datelines as token spans, even where the tokenizer split them ("ST. LOUIS"); they join the grams."""
    out: dict[TokenSpan, bool] = {}
    for s, e in sorted(datelines):
        span = doc.char_span(s, e, alignment_mode="contract")
        if span is not None and len(span):
            grams.setdefault((span.start, span.end), text[s:e])
            out[(span.start, span.end)] = state_follows(doc, span.end)
    return out


def _demonyms(ctx: Context) -> dict[int, tuple[int, str]]:
    """Name tokens that start a demonym ("Syrian", "South Koreans"), unless shouted outside a dateline; a
    person, date or number tag counts when it covers more than the demonym ("8,000 Egyptian pounds") or
    names one person ("Finn"), not when the model put it on a people ("ethnic Malays" as a date, "for
    Africans" as a person)."""
    doc, out = ctx.doc, {}
    for i in ctx.capitals:
        dem = demonym_at(doc, i)
        if dem is None or not ctx.upper_ok(i, dem[0]):
            continue
        ent = ctx.cover[i]
        if not _person_or_number(ent) or _misread_people(doc, ent, i, dem[0]):
            out[i] = dem
    return out


def _misread_people(doc: Doc, ent: Span, i: int, j: int) -> bool:
    """Whether a person, date or number tag sits on the demonym i..j alone and the demonym is no single
    person's ("Malays" as a date; not "Finn", a singular demonym the model calls a person)."""
    return (ent.start, ent.end) == (i, j) and not (ent.label_ == "PERSON" and doc[i:j].text in singular_demonyms())


def _verdicts(ctx: Context) -> dict[TokenSpan, Verdict]:
    """What becomes of each of the model's place entities."""
    return {(i, j): _verdict(ctx, i, j, e) for (i, j), e in ctx.ner_spans.items()}


def _judged(ctx: Context, verdict: Verdict) -> frozenset[TokenSpan]:
    """The whole entity spans of the model's places that got this verdict."""
    return frozenset((e.start, e.end) for s, e in ctx.ner_spans.items() if ctx.verdicts[s] == verdict)


def _verdict(ctx: Context, i: int, j: int, e: Span) -> Verdict:
    """The verdict on one place entity (tokens i..j after trimming)."""
    doc, surface = ctx.doc, ctx.grams[(i, j)]
    key = name_key(surface)
    if not key or key in ctx.rules.not_places or in_ranges(doc[i].idx, ctx.bad):
        return "rejected"
    if key in ctx.rules.word_towns and not _locates(ctx, i, j):
        return "rejected"  # "Reading" the word, not the town
    abbreviated = abbreviation_place(surface) is not None  # "W.Va.", "S.C. 6" (the state of a road)
    if numbered(doc, i, j, False) and not abbreviated:
        return "numbered"  # nor any name inside it ("6016 Dublin Road")
    known = ctx.info.get(surface)
    if known is None and _place_compound(ctx, i, j):
        return "compound"  # "Asia-Pacific", "Greece Italy": the pieces are found as gazetteer names
    located = locative_context(doc, i, j)
    if j - i > 1 and known is None and not abbreviated and e.label_ in ("GPE", "LOC") and not located \
            and (doc[i].idx, ctx.end(j)) not in ctx.datelines and not _geo_headed(ctx, i, j):
        return "unplaced"  # "United Way", "Webb Center": an unknown name needs a place reading from its context
    if known is None and not abbreviated and e.label_ == "FAC" and not located \
            and (doc[i].idx, ctx.end(j)) not in ctx.datelines and not _facility_worded(ctx, i, j):
        return "unplaced"  # an unknown facility without a facility's word: a team, an event, a law, a person
    if j - i == 1 and not located and (
            key in ctx.surnames or known is None and e.label_ in ("GPE", "LOC") and not abbreviated):
        return "rejected"  # a surname here, or an unknown one-word name ("Guhdar" said)
    if j - i == 1 and not located and known is not None and not ctx.rules.significant(known) \
            and e.label_ in ("GPE", "LOC") and (doc[i].idx, ctx.end(j)) not in ctx.datelines:
        return "rejected"  # a hamlet's name with nothing locating it ("Titan, which has not drilled")
    if j - i == 1 and len(surface) == 2 and surface.isupper() and not abbreviated:
        return "rejected"  # two capitals that abbreviate no place ("AI", "OT")
    return "place"


def _place_compound(ctx: Context, i: int, j: int) -> bool:
    """Whether an unknown entity span is known places glued together ("Asia-Pacific", "Greece Italy")."""
    # glued by a hyphen or slash, each piece significant; side by side, each piece prominent
    if j - i < 2:
        return False
    doc, r = ctx.doc, ctx.rules
    glued = any(doc[m].text in GLUE for m in range(i, j))
    if glued:
        pieces, k = [], i
        for m in range(i, j + 1):
            if m == j or doc[m].text in GLUE:
                if m > k:
                    pieces.append((k, m))
                k = m + 1
    else:
        pieces = [(m, m + 1) for m in range(i, j)]
    if len(pieces) < 2:
        return False
    for piece in pieces:
        name = ctx.grams.get(piece)
        if name is None or name not in ctx.info or name_key(name) in r.not_places \
                or not (r.significant(ctx.info[name]) if glued else r.prominent(ctx.info[name])):
            return False
    return True


def _facility_worded(ctx: Context, i: int, j: int) -> bool:
    """Whether a name holds a street, building or geographic word ("Royal Street", "Marigny Canal")."""
    r = ctx.rules
    return any(w in r.street_words or w in r.geo_heads or w in r.geo_nouns
               for w in (ctx.doc[m].lower_.rstrip(".") for m in range(i, j)))


def _geo_headed(ctx: Context, i: int, j: int) -> bool:
    """Whether an unknown multi-word name reads as a place by its form ("Lake Manassas", "Nazi Germany")."""
    # a geographic head word first or last, or a prominent place after a qualifier that is no direction
    doc, r = ctx.doc, ctx.rules
    if doc[i].lower_ in r.geo_heads or doc[j - 1].lower_ in r.geo_heads:
        return True
    last = ctx.grams.get((j - 1, j))
    return (last is not None and last in ctx.info and r.prominent(ctx.info[last]) and doc[i].lower_ not in r.directions
            and name_key(last) not in r.not_places)


def _after_geo_nouns(ctx: Context) -> tuple[TokenSpan, ...]:
    """Names the model took for people but that follow "the city of", "the quarter of", ... or stand right
    after such a noun as a known place's name ("the Bolivian capital La Paz") (trimmed)."""
    doc, nouns, out = ctx.doc, ctx.rules.geo_nouns, []
    for e in doc.ents:
        if e.label_ != "PERSON" or e.start < 2 or in_ranges(e.start_char, ctx.bad):
            continue
        i, j = trim(doc, e.start, e.end)
        if i < j and (doc[e.start - 1].lower_ == "of" and doc[e.start - 2].lower_ in nouns
                      or doc[e.start - 1].text in nouns and ctx.grams.get((i, j)) in ctx.info):
            out.append((i, j))
    return tuple(out)


def _abbreviations(ctx: Context) -> tuple[int, ...]:
    """Name tokens that stand for a place as an abbreviation ("U.S.", "Lebanon, Pa.")."""
    # an always-abbreviation outside shouting and not an era ("500 BC"), or any place
    # abbreviation after "<Name>,"; a demonym or the "D.C." of "Washington, D.C." is another source's
    doc, out = ctx.doc, []
    for i in ctx.name_tokens:
        if i in ctx.demonyms or is_washington_dc(doc, i):
            continue
        tok = doc[i]
        if abbreviation_place(tok.text) and (
                tok.text in ctx.rules.always_abbreviations and not shouting(doc, i)
                and not (i and tok.text in ctx.rules.era_words
                         and (doc[i - 1].like_num or doc[i - 1].lower_ in ctx.rules.era_words))
                or i >= 2 and doc[i - 1].text == "," and is_cap(doc[i - 2])):
            out.append(i)
    return tuple(out)


def _readings(ctx: Context) -> tuple[Reading, ...]:
    """The gazetteer names among the grams that the model did not tag as places, with where they stand."""
    # skipped: ordinary words, numbered names, not-places, boilerplate, shouting, numbered or non-name entities
    doc, r, out = ctx.doc, ctx.rules, []
    blocked = _inside_not_places(ctx)
    for (i, j), surface in ctx.grams.items():
        info = ctx.info.get(surface)
        if (i, j) in ctx.ner_spans or info is None or i in blocked or numbered(doc, i, j, not r.prominent(info)):
            continue
        key = name_key(surface)
        if not _locates(ctx, i, j) if key in r.word_towns else wordlike(doc, i, j, ctx.lower_words):
            continue
        if key in r.not_places or in_ranges(doc[i].idx, ctx.bad) or not ctx.upper_ok(i, j):
            continue
        ents = list({id(ctx.cover[k]): ctx.cover[k] for k in range(i, j) if ctx.cover[k] is not None}.values())
        if any(e.label_ in NON_NAME_LABELS or (e.start, e.end) in ctx.numbered for e in ents):
            continue
        glued = paired(doc, i, j, ctx.known_starts, ctx.known_ends) and r.prominent(info)
        located = (locative_context(doc, i, j) or (doc[i].idx, ctx.end(j)) in ctx.datelines
                   or i > 0 and doc[i - 1].lower_ == "the" and r.the_feature(info) or glued)
        ent = ents[0] if ents else None
        exact = ent is not None and (ent.start == i and ent.end == j or trim(doc, ent.start, ent.end) == (i, j))
        out.append(Reading(i, j, surface, key, info, located, ent, exact, _situation(ctx, i, j, ent, exact, glued)))
    return tuple(out)


def _locates(ctx: Context, i: int, j: int) -> bool:
    """Whether the text locates tokens i..j: a locative word before them, a dateline, or a qualifier after
    them (", Ala.", ", Missouri", ", France")."""
    doc = ctx.doc
    if locative_context(doc, i, j) or (doc[i].idx, ctx.end(j)) in ctx.datelines or state_follows(doc, j):
        return True
    if not (j + 1 < len(doc) and doc[j].text == ","):
        return False
    return any(ctx.rules.qualifying(ctx.info.get(ctx.grams.get((j + 1, k), ""))) for k in range(j + 2, j + 5))


def _inside_not_places(ctx: Context) -> frozenset[int]:
    """Tokens inside a multi-word known name that is never a place ("White" of "White House")."""
    return frozenset(k for (i, j), surface in ctx.grams.items()
                     if j - i > 1 and surface in ctx.info and name_key(surface) in ctx.rules.not_places
                     for k in range(i, j))


def _situation(ctx: Context, i: int, j: int, ent: Span | None, exact: bool, glued: bool) -> Situation:
    """Where a gazetteer name stands relative to the entity around it."""
    if ent is None:
        return "free"
    if glued and not (ent.label_ == "PERSON" and ent.start < i and j < ent.end or speaker(ctx.doc, j + 2)):
        return "glued"  # "Egypt-US relations", "Armenia-Italy group": a place joined to a place, whatever the tag
    if ent.label_ == "PERSON":
        return "person"
    if ent.label_ in PLACE_LABELS:
        return "place"
    return "exact" if exact else "embedded"


def _confirmed(ctx: Context) -> frozenset[str]:
    """Keys of names the text itself vouches for as places somewhere in it."""
    # the model's accepted places, names after "the city of", place abbreviations, and gazetteer names in a
    # locating context unless a person here bears the name
    doc = ctx.doc
    keys = {name_key(ctx.grams[s]) for s, verdict in ctx.verdicts.items() if verdict == "place"}
    keys |= {name_key(ctx.text[doc[i].idx:ctx.end(j)]) for i, j in ctx.after_geo_nouns}
    keys |= {name_key(doc[i].text) for i in ctx.abbreviations}
    keys |= {r.key for r in ctx.readings if r.located and r.key not in ctx.surnames and r.key not in ctx.forenames}
    return frozenset(keys)
