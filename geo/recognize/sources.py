"""The candidate sources: small named rules, each reading the shared Context and proposing place spans."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Sequence

from geo.demonyms import abbreviation_place
from geo.doctext import token_texts
from geo.names import name_key
from geo.recognize.context import NON_NAME_LABELS, Context, Reading, Situation
from geo.recognize.tokens import (
    commercial, hometown_after, initials, is_washington_dc, listed_names, named_for_owner, sentence_initial, shouting, speaker,
    titled,
)
from geo.recognize.text import in_ranges
from geo.types import MentionKind

__all__ = [
    "FOLLOW_UPS",
    "SOURCES",
    "FollowUp",
    "Source",
    "SpanCandidate",
    "abbreviations",
    "demonyms",
    "exact_organisation_names",
    "free_gazetteer_names",
    "glued_places",
    "hometowns",
    "coordinated_names",
    "initialisms",
    "listed_before_plural_nouns",
    "named_after_geo_noun",
    "names_in_organisations",
    "names_in_places",
    "ner_places",
    "party_state_tags",
    "person_tagged_places",
    "qualified_datelines",
    "residents",
    "washington_dc",
]

_PARTY_STATE = re.compile(r"\b[DRI]-([A-Z][A-Za-z]*\.?(?:[A-Z][a-z]?\.)*(?: [A-Z][a-z]+)?)")
_JOINS = frozenset({",", "and", "or"})  # words that coordinate two names ("Gainesville and Lindsay")
_COORDINATED_SITUATIONS = frozenset({"free", "person", "exact"})
_RESIDENT_SITUATIONS = frozenset({"free", "exact"})  # alone, or the whole of an entity ("Crafton" as ORG)
_ORG_WITH_PLACE_NAMES = ("ORG", "NORP", "PRODUCT")  # entity labels a prominent place's exact name may carry


@dataclass(frozen=True)
class SpanCandidate:
    """A candidate span with what it would become and how strongly it is supported."""

    start: int
    end: int
    name: str
    kind: MentionKind
    source: str
    label: str
    strength: int  # 4 = a name the text says the kind of ("Otoe and Washington counties"), 3 = NER place /
    # demonym / pattern, 2 = gazetteer with context, 1 = gazetteer alone


Source = Callable[[Context], Iterable[SpanCandidate]]
FollowUp = Callable[[Context, Sequence[SpanCandidate]], Iterable[SpanCandidate]]


def _gazetteer(ctx: Context, r: Reading, strength: int) -> SpanCandidate:
    """The candidate for a gazetteer reading, labelled with its entity's label if any."""
    label = r.ent.label_ if r.ent is not None else ""
    return SpanCandidate(ctx.doc[r.i].idx, ctx.end(r.j), r.surface, "literal", "gazetteer", label, strength)


def _situated(ctx: Context, situation: Situation) -> Iterator[Reading]:
    """The gazetteer readings in one situation."""
    return (r for r in ctx.readings if r.situation == situation)


def _notable(ctx: Context, r: Reading) -> bool:
    """A one-word name must be prominent, a longer one significant."""
    return ctx.rules.prominent(r.info) if r.j - r.i == 1 else ctx.rules.significant(r.info)


def ner_places(ctx: Context) -> Iterator[SpanCandidate]:
    """The model's place entities that the verdicts accept ("in Lisbon", "Springfield, Ohio")."""
    doc = ctx.doc
    for (i, j), e in ctx.ner_spans.items():
        if ctx.verdicts[(i, j)] == "place":
            surface = ctx.grams[(i, j)]
            name = abbreviation_place(surface) or surface
            yield SpanCandidate(doc[i].idx, ctx.end(j), name, "literal", "ner", e.label_, 3)


def named_after_geo_noun(ctx: Context) -> Iterator[SpanCandidate]:
    """Names the model took for people after "the city of", "the quarter of", ..."""
    doc = ctx.doc
    for i, j in ctx.after_geo_nouns:
        start, end = doc[i].idx, ctx.end(j)
        yield SpanCandidate(start, end, ctx.text[start:end], "literal", "ner", "PERSON", 2)


def demonyms(ctx: Context) -> Iterator[SpanCandidate]:
    """Demonyms ("Syrian", "Iraqis", "South Africans"), unless inside a business's name."""
    doc = ctx.doc
    for i, (j, place) in ctx.demonyms.items():
        ent = ctx.cover[i]
        if ent is not None and ent.label_ == "ORG" and commercial(ent):
            continue
        end = doc[j - 1].idx + len(doc[j - 1].text)
        yield SpanCandidate(doc[i].idx, end, place, "demonym", "demonym", ent.label_ if ent is not None else "", 3)


def washington_dc(ctx: Context) -> Iterator[SpanCandidate]:
    """ "Washington, D.C." as one name."""
    doc = ctx.doc
    for i in ctx.name_tokens:
        if i not in ctx.demonyms and is_washington_dc(doc, i):
            end = doc[i].idx + len(doc[i].text)
            yield SpanCandidate(doc[i - 2].idx, end, "Washington, D.C.", "literal", "pattern", "", 3)


def abbreviations(ctx: Context) -> Iterator[SpanCandidate]:
    """Place abbreviations ("U.S.", "UK", "Lebanon, Pa.") found by the context's evidence."""
    doc = ctx.doc
    for i in ctx.abbreviations:
        tok = doc[i]
        place = abbreviation_place(tok.text) or tok.text
        yield SpanCandidate(tok.idx, tok.idx + len(tok.text), place, "literal", "pattern", "", 3)


def party_state_tags(ctx: Context) -> Iterator[SpanCandidate]:
    """The state or town in a politician's party tag ("D-S.C.", "R-Charleston")."""
    tags = list(_PARTY_STATE.finditer(ctx.text))
    known = ctx.index.known_names({m.group(1) for m in tags if abbreviation_place(m.group(1)) is None}) if tags else {}
    for m in tags:  # the gazetteer asked once for all tags
        s, e = m.span(1)
        place = abbreviation_place(m.group(1)) or (m.group(1) if m.group(1) in known else None)
        if place is not None:
            yield SpanCandidate(s, e, place, "literal", "pattern", "", 3)


def glued_places(ctx: Context) -> Iterator[SpanCandidate]:
    """Prominent names glued by a hyphen or slash to another known name ("Egypt-US"), whatever the tag."""
    return (_gazetteer(ctx, r, 2) for r in _situated(ctx, "glued"))


def free_gazetteer_names(ctx: Context) -> Iterator[SpanCandidate]:
    """Gazetteer names outside every entity: vouched for, or notable and not a person's surname here."""
    for r in _situated(ctx, "free"):
        strong = ctx.strong(r)
        if strong or _notable(ctx, r) and r.key not in ctx.surnames:
            yield _gazetteer(ctx, r, 2 if strong else 1)


def person_tagged_places(ctx: Context) -> Iterator[SpanCandidate]:
    """Places the model tagged as a whole PERSON ("left Lisbon an hour late"), unless a person's name here."""
    # vouched for and nobody's name here, or one word, nobody's name, no title before, no verb of saying
    # after, and prominent at a sentence start or major anywhere
    doc, r_ = ctx.doc, ctx.rules
    for r in _situated(ctx, "person"):
        nobody = r.key not in ctx.surnames and r.key not in ctx.forenames
        lone = (r.j - r.i == 1 and nobody and not titled(doc, r.i) and not speaker(doc, r.j)
                and (r_.prominent(r.info) and sentence_initial(doc, r.i) or r_.major(r.info)))
        if r.exact and (ctx.strong(r) and nobody or lone):
            yield _gazetteer(ctx, r, 2)


def names_in_places(ctx: Context) -> Iterator[SpanCandidate]:
    """A known name inside a longer place entity ("Lisbon" in "Lisbon Airport")."""
    # inside an unknown entity with no place reading ("Webb" in "Webb Center") only when vouched for or
    # notable ("Mississippi" in "Mississippi State")
    for r in _situated(ctx, "place"):
        notable = ctx.rules.prominent(r.info) or r.j - r.i > 1 and ctx.rules.significant(r.info)
        if (r.ent.start, r.ent.end) not in ctx.unplaced or ctx.strong(r) or notable:
            yield _gazetteer(ctx, r, 1)


def exact_organisation_names(ctx: Context) -> Iterator[SpanCandidate]:
    """A known name the model tagged whole as an organisation, group or product ("around Zabrovka")."""
    # vouched for, or prominent under an ORG, NORP or PRODUCT tag
    for r in _situated(ctx, "exact"):
        if ctx.strong(r) or ctx.rules.prominent(r.info) and r.ent.label_ in _ORG_WITH_PLACE_NAMES:
            yield _gazetteer(ctx, r, 2)


def names_in_organisations(ctx: Context) -> Iterator[SpanCandidate]:
    """A known name inside an organisation's name ("Texas Rangers"), unless a minor place in a business's."""
    # a major place counts, as the benchmarks count embedded toponyms; not in "Bank of X", "X Hilton"
    for r in _situated(ctx, "embedded"):
        if commercial(r.ent) and not r.located and (not ctx.rules.major(r.info) or named_for_owner(r.ent)):
            continue
        if _heads_of_phrase(ctx, r) and not ctx.rules.major(r.info):
            continue  # "Summit" of "the Summit of the Americas": the organisation's own noun
        if ctx.strong(r) or _notable(ctx, r):
            yield _gazetteer(ctx, r, 1)


def _heads_of_phrase(ctx: Context, r: Reading) -> bool:
    """Whether the reading opens its entity (after "the") and "of" follows it inside ("the Summit of the Americas")."""
    first = r.ent.start + (ctx.doc[r.ent.start].lower_ == "the")
    return r.i == first and r.j < r.ent.end and ctx.doc[r.j].lower_ == "of"


def listed_before_plural_nouns(ctx: Context) -> Iterator[SpanCandidate]:
    """Names listed before a plural geographic noun ("Jackson and Barrow counties", "Bourbon and Dauphine
    streets"), each named with the singular noun after it ("Jackson County"); for the units the gazetteer
    names so (typed_plural_nouns) before the model's bare span of the same name ("Washington" of "Dakota,
    Otoe and Washington counties" is no capital)."""
    doc, nouns = ctx.doc, ctx.rules.plural_geo_nouns
    if ctx.lower_words.isdisjoint(nouns):
        return
    texts, offsets = token_texts(doc)
    for k, (word, idx) in enumerate(zip(texts, offsets)):
        singular = nouns.get(word)
        if singular is None or in_ranges(idx, ctx.bad):
            continue
        for i, j in listed_names(doc, k):
            start, end = doc[i].idx, ctx.end(j)
            surface = ctx.text[start:end]
            strength = 4 if word in ctx.rules.typed_plural_nouns else 3
            yield SpanCandidate(start, end, f"{surface} {singular}", "literal", "pattern", "", strength)


def hometowns(ctx: Context) -> Iterator[SpanCandidate]:
    """A known name after a person's name and "of" or "from" ("Rebecca Sears, 41, of Grovetown")."""
    doc = ctx.doc
    for e in doc.ents:
        span = hometown_after(doc, e.end) if e.label_ == "PERSON" else None
        surface = ctx.grams.get(span) if span is not None else None
        if surface is not None and surface in ctx.info and not in_ranges(e.start_char, ctx.bad) \
                and name_key(surface) not in ctx.rules.not_places:
            start = doc[span[0]].idx
            yield SpanCandidate(start, start + len(surface), surface, "literal", "pattern", "", 2)


def residents(ctx: Context) -> Iterator[SpanCandidate]:
    """A known name right before a noun for a person from there ("a Crafton man", "Lebanon residents"),
    unless it ends a person's name here or sits inside a longer name."""
    # not the end of a longer capitalised name ("Meadow Grove man": Grove), nor a team ("Duke women's coach")
    doc, nouns = ctx.doc, ctx.rules.resident_nouns
    for r in ctx.readings:
        if r.j < len(doc) and doc[r.j].lower_ in nouns and doc[r.j].text.islower() \
                and r.key not in ctx.surnames and r.situation in _RESIDENT_SITUATIONS \
                and (sentence_initial(doc, r.i) or not doc[r.i - 1].text[:1].isupper() or doc[r.i - 1].is_stop) \
                and not (r.j + 1 < len(doc) and doc[r.j + 1].text in ("'s", "’s")):
            yield _gazetteer(ctx, r, 2)


def qualified_datelines(ctx: Context) -> Iterator[SpanCandidate]:
    """Datelines the gazetteer lacks but a state abbreviation vouches for ("CAMP MURRAY, Wash. -")."""
    doc = ctx.doc
    for (i, j), qualified in ctx.dateline_tokens.items():
        if qualified and ctx.grams[(i, j)] not in ctx.info and not in_ranges(doc[i].idx, ctx.bad):
            yield SpanCandidate(doc[i].idx, ctx.end(j), ctx.grams[(i, j)], "literal", "pattern", "", 2)


def initialisms(ctx: Context, found: Sequence[SpanCandidate]) -> Iterator[SpanCandidate]:
    """Upper-case initials of a multi-word place the text names ("SA" after "South Africans")."""
    # not an organisation's name, a bracketed acronym ("Sheriff's Office (TCSO)") or shouting; of two names
    # with the same initials ("New Jersey", "NEW JERSEY") the first found wins
    doc, text, r = ctx.doc, ctx.text, ctx.rules
    long_names = [c.name for c in found if " " in c.name and (" " in text[c.start:c.end] or c.kind == "demonym")]
    long_names += [g for (i, j), g in ctx.grams.items() if j - i > 1 and g in ctx.info and r.significant(ctx.info[g])]
    by_initials: dict[str, str] = {}
    for name in long_names:  # the first name with these initials, in the order found
        if len(initials(name)) >= 2:
            by_initials.setdefault(initials(name), name)
    taken = {c.start for c in found}
    texts, offsets = token_texts(doc)
    for i, (word, idx) in enumerate(zip(texts, offsets)):
        place = by_initials.get(word)
        if place is None or idx in taken or in_ranges(idx, ctx.bad):
            continue
        tok = doc[i]
        ent = ctx.cover[i]
        if ent is not None and (ent.label_ in NON_NAME_LABELS or ent.label_ == "ORG" and len(ent) > 1) \
                or shouting(doc, i) or 0 < i < len(doc) - 1 and doc[i - 1].text == "(" and doc[i + 1].text == ")":
            continue
        yield SpanCandidate(tok.idx, tok.idx + len(tok.text), place, "literal", "pattern", "", 2)


def coordinated_names(ctx: Context, found: Sequence[SpanCandidate]) -> Iterator[SpanCandidate]:
    """A gazetteer name coordinated with a found place ("Gainesville and Lindsay", "Sioux Falls, S.D.")."""
    # standing alone, as a whole entity or as a person's whole name, but nobody's name here and not after
    # a title; read in text order, so a list's names vouch for each other
    doc = ctx.doc
    starts = {c.start for c in found if c.kind == "literal"}
    ends = {c.end for c in found if c.kind == "literal"}
    for r in sorted(ctx.readings, key=lambda r: r.i):
        if r.situation not in _COORDINATED_SITUATIONS or r.key in ctx.surnames or r.key in ctx.forenames \
                or titled(doc, r.i) or r.ent is not None and not r.exact:
            continue
        before = r.i >= 2 and doc[r.i - 1].lower_ in _JOINS and doc[r.i - 2].idx + len(doc[r.i - 2].text) in ends
        after = r.j + 1 < len(doc) and doc[r.j].lower_ in _JOINS and doc[r.j + 1].idx in starts
        if before or after:
            c = _gazetteer(ctx, r, 2)
            starts.add(c.start)
            ends.add(c.end)
            yield c


# The sources in the order their candidates are listed (ties in selection keep this order).
SOURCES: tuple[Source, ...] = (
    ner_places,
    named_after_geo_noun,
    demonyms,
    washington_dc,
    abbreviations,
    party_state_tags,
    glued_places,
    free_gazetteer_names,
    person_tagged_places,
    names_in_places,
    exact_organisation_names,
    names_in_organisations,
    qualified_datelines,
    residents,
    listed_before_plural_nouns,
    hometowns,
)
# Sources that read what the sources above found.
FOLLOW_UPS: tuple[FollowUp, ...] = (coordinated_names, initialisms)
