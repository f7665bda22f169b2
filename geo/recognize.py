"""Find the places a text names: spaCy entities + a gazetteer matcher + demonyms, with context filters."""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from geo.demonyms import abbreviation_place, demonym_place
from geo.names import name_key
from geo.types import Mention, MentionKind, NameInfo, PlaceIndex

__all__ = ["MAX_NGRAM", "PLACE_LABELS", "recognize"]

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
MAX_NGRAM = 6
_NON_NAME_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
_ORG_LIKE = frozenset({"ORG", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW", "NORP", "LANGUAGE"})

# Words inside a run of capitalised tokens that may join one name ("Isle of Man", "Gilgit-Baltistan").
_CONNECTORS = frozenset({"of", "de", "del", "la", "le", "du", "des", "upon", "on", "and", "-", "&", "el", "al"})
# Lower-case words before a span that make a place reading likely ("in Qusair", "near Homs").
_LOCATIVE = frozenset({
    "in", "at", "near", "outside", "inside", "into", "across", "around", "throughout",
    "toward", "towards", "via", "nearby", "downtown", "north", "south", "east", "west",
    "northern", "southern", "eastern", "western", "central", "suburban",
})
# Geographic nouns: "the city of X", "X province" make X a place.
_GEO_NOUNS = frozenset({
    "city", "town", "village", "province", "region", "district", "county", "state", "country",
    "capital", "suburb", "suburbs", "neighbourhood", "neighborhood", "quarter", "island", "islands",
    "valley", "river", "lake", "mountains", "borough", "township", "parish", "governorate",
    "municipality", "area", "port", "border", "countryside", "outskirts", "coast", "peninsula",
    "republic", "territory", "kingdom", "emirate", "prefecture", "oblast", "enclave", "camp",
    "residents", "airport", "streets", "crossing",
})
# Capitalised words that are names of places somewhere but are almost never meant as places.
_NOT_PLACES = frozenset(name_key(w) for w in """
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June
July August September October November December Christmas Easter God Jesus Allah Mr Mrs Ms Dr
Sir President Minister Senator Governor Mayor Police Army Navy Government Parliament Congress
Senate Court Church Hezbollah Hamas Taliban Fatah Sunni Shia Shiite Sunnis Shiites Alawite Alawites
Muslim Muslims Islam Islamic Christian Christians Catholic Jewish Jews Arab Arabs Democrat Democrats
Republican Republicans Labour Tory Tories Communist Twitter Facebook Google Apple Amazon Reuters AP
AFP BBC CNN Internet Web Online News Media Copyright Read More Story Features Analysis Home Top
Related Share Email Print Video Photo Photos Comments Advertisement Menu Search Login Subscribe
Click Follow Like Tweet Watch Listen Live Breaking Update Updated Published Posted Story Stories
Mobile Reading Bath Nice Hope Enterprise Independence Liberty Union Commerce Industry Energy
Victory Unity Progress Friendship Harmony Justice Freedom Paradise Eden Zion Sale Deal Best Early
Man Woman Boy Girl Day Week Year Time Health Education Media Fire Rescue City Town County State
North South East West Central Northern Southern Eastern Western Upper Lower New Old Great Little
Street Road Avenue Park Lake River Mount Island Beach Bay Hill Valley Point Center Centre Airport Highway Route
I You He She We They It This That These Those There Here Will Can May Must Shall
Northwest Northeast Southwest Southeast University College Institute School Academy Hospital Metro
Forest National International Federal Royal Junior Senior Human General Central Grand Union
Mass Miss Ind Ore La Wash Pa Mo Me Oh Ok Hi In Id Or Co Al
""".split())
# A place name inside an organisation name is dropped when the organisation is a business or outlet.
_OWNER_WORDS = frozenset({"bank", "bancorp", "hilton"})
_COMMERCIAL = frozenset(name_key(w) for w in """
Post Times Bank Bancorp Hilton Star Journal Herald Tribune Chronicle Gazette Globe Express Mail
Telegraph Inquirer Observer Examiner Courier Sentinel Register Dispatch Record Review Magazine
Inc Corp Corporation Company Co Ltd Limited LLC PLC Group Holdings Airlines Airways Motors
Hotel Hotels Resort Casino Records Pictures Studios Capital Partners Brands Foods Stores Mart
Insurance Energy Oil Petroleum Pharmaceuticals Rangers FC Chrome
""".split())
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
_DATELINE = re.compile(r"(?:^|\n|[.!?] )[ \t]*([A-Z][A-Z.'\- ]*[A-Z.])(?:,[ \t]*[A-Z][A-Za-z. ]+?)?[ \t]*(?:\(|—|–|--| - |:)")
_MIN_POPULATION = 1000
_TITLES = frozenset("mr mrs ms dr sir gov sen rep president minister judge officer sgt lt capt coach".split())
_ADMIN_PREFIXES = frozenset({"state", "city", "town", "village", "county", "commonwealth", "borough", "township"})
_PARTY_STATE = re.compile(r"\b[DRI]-([A-Z][A-Za-z]*\.?(?:[A-Z][a-z]?\.)*(?: [A-Z][a-z]+)?)")
_PROMINENT_POPULATION = 100_000
_PROMINENT_CODES = frozenset({"PCLI", "PCLD", "PCLS", "PCLF", "PCL", "ADM1", "CONT", "RGN", "TERR", "PPLC"})
_MAJOR_POPULATION = 1_000_000
_MAJOR_CODES = frozenset({"PCLI", "PCLD", "PCLS", "PCLF", "PCL", "ADM1", "PPLC"})
# Physical and regional features: written "the X" ("the Danube", "the Sahel"), unlike people.
_FEATURE_CODES = frozenset({"STM", "SEA", "OCN", "GULF", "BAY", "STRT", "LK", "LKS", "RSV", "MTS",
                            "MT", "ISL", "ISLS", "PEN", "DSRT", "VAL", "PLAT", "DLTA", "CHN", "RGN"})
_SPEECH_VERBS = frozenset("""said says say told tells asked asks added adds wrote writes replied explained
insisted noted argued claimed recalled stated warned admitted""".split())
_GEO_HEADS = frozenset("""
lake lakes island islands isle mountains mountain mount mt mt. river valley county state city bay sea ocean coast
peninsula desert union republic kingdom gulf strait canyon forest hills creek beach sound falls heights plains
""".split())
_DIRECTIONS = frozenset("""
north south east west northern southern eastern western central northeast northwest southeast southwest
northeastern northwestern southeastern southwestern upper lower greater
""".split())
_GLUE = frozenset({"-", "/", "–"})
_WORD = re.compile(r"\b[a-z]+\b")
_ALWAYS_ABBREVIATIONS = frozenset({"U.S.", "U.S.A.", "U.K.", "D.C.", "L.A.", "UK", "UAE", "EU", "DPRK", "NYC", "USA"})


@dataclass
class _Cand:
    """A candidate span with what it would become and how strongly it is supported."""

    start: int
    end: int
    name: str
    kind: MentionKind
    source: str
    label: str
    strength: int  # 3 = NER place / demonym, 2 = gazetteer with context, 1 = gazetteer alone


def _is_cap(tok: Token) -> bool:
    """A token that can be part of a proper name: starts with a capital letter (or a digit-free abbreviation)."""
    t = tok.text
    return t[:1].isupper() and any(c.isalpha() for c in t)


def _trim(doc: Doc, i: int, j: int) -> tuple[int, int]:
    """Shrink a token span: drop a leading 'the'/lower-case words, trailing possessives and punctuation."""
    while i < j and (doc[i].lower_ in ("the", "a", "an") or doc[i].text[:1].islower() or doc[i].is_punct):
        i += 1
    if j - i > 2 and doc[i].lower_ in _ADMIN_PREFIXES and doc[i + 1].lower_ == "of":
        i += 2
    while j > i and doc[j - 1].text[:1].islower() and doc[j - 1].text not in ("'s", "’s"):
        j -= 1
    while j > i and (doc[j - 1].lower_ in ("'s", "’s", "'", "’") or doc[j - 1].is_punct and doc[j - 1].text != "."
                     or doc[j - 1].is_space):
        j -= 1
    return i, j


def _surface_end(doc: Doc, j: int) -> int:
    """Character end of token j-1, with a possessive glued into the token ("Istanbul’s") cut off."""
    tok = doc[j - 1]
    end = tok.idx + len(tok.text)
    for suffix in ("'s", "’s"):
        if tok.text.endswith(suffix) and len(tok.text) > 2:
            return end - 2
    return end


def _bad_lines(text: str) -> list[tuple[int, int]]:
    """Character ranges of boilerplate (short lines, or the sentence in a long line) and of
    cross-promotion blocks ("Elsewhere on the BBC")."""
    ranges = []
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
    for m in _PROMO_HEADER.finditer(text):
        end = m.end()
        for para in _PARAGRAPH.finditer(text, end):
            if len(para.group().split()) >= _PROMO_MAX_WORDS:
                break
            end = para.end()
        ranges.append((m.start(), end))
    return ranges


def _in_ranges(pos: int, ranges: list[tuple[int, int]]) -> bool:
    """Whether pos falls inside one of the ranges."""
    return any(a <= pos < b for a, b in ranges)


def _dateline_spans(text: str) -> set[tuple[int, int]]:
    """Character spans of upper-case datelines at a line start ("WASHINGTON (AP) —")."""
    out = set()
    for m in _DATELINE.finditer(text):
        s, e = m.span(1)
        if e - s >= 3 and not text[s:e].strip().endswith(("AP", "UPI")):
            out.add((s, s + len(text[s:e].rstrip())))
    return out


def _locative_context(doc: Doc, i: int, j: int) -> bool:
    """A preposition or geographic noun next to the token span that makes a place reading likely."""
    k = i - 1
    while k >= 0 and doc[k].lower_ == "the":
        k -= 1
    if k >= 0 and doc[k].lower_ in _LOCATIVE and doc[k].text[:1].islower():
        return True
    if k >= 1 and doc[k].lower_ == "of" and doc[k - 1].lower_ in _GEO_NOUNS:
        return True
    return j < len(doc) and doc[j].lower_ in _GEO_NOUNS and doc[j].text[:1].islower()


def _the_feature(doc: Doc, i: int, info: NameInfo) -> bool:
    """"the X" where the gazetteer knows X as a river, sea, range or region: never a person."""
    return i > 0 and doc[i - 1].lower_ == "the" and bool(info.feature_codes & _FEATURE_CODES)


def _sentence_initial(doc: Doc, i: int) -> bool:
    """Whether token i starts a sentence or a line (where capitalisation says nothing)."""
    if i == 0 or doc[i].is_sent_start:
        return True
    prev = doc[i - 1]
    return prev.is_space and "\n" in prev.text or prev.text in ('"', "“", "‘", "(", "-", "—", ":")


def _prominent(info: NameInfo) -> bool:
    """A country, first-level region, continent, capital or a place of 100,000 people or more."""
    return bool(info.feature_codes & _PROMINENT_CODES) or info.max_population >= _PROMINENT_POPULATION


def _wordlike(doc: Doc, i: int, j: int, lower_words: set[str]) -> bool:
    """Whether a one-token span looks like an ordinary word or a title rather than a name."""
    if j - i != 1:
        return False
    tok = doc[i]
    if tok.is_stop or tok.lower_ in lower_words or tok.text.endswith("."):
        return abbreviation_place(tok.text) is None
    return tok.is_upper and len(tok.text) <= 3 and abbreviation_place(tok.text) is None


def _significant(info: NameInfo | None) -> bool:
    """Whether a gazetteer name is notable enough to be trusted without the model's agreement."""
    if info is None:
        return False
    codes = info.feature_codes
    if codes & {"PCLI", "PCLD", "PCLS", "PCLF", "PCL", "ADM1", "CONT", "RGN", "TERR", "PPLC", "PPLA"}:
        return True
    return info.max_population >= _MIN_POPULATION or bool(codes - {"PPL", "PPLX", "PPLL", "PPLQ", "PPLH"})


def _runs(doc: Doc) -> list[tuple[int, int]]:
    """Maximal token runs of capitalised words (with inner connectors), not crossing sentences."""
    runs, i, n = [], 0, len(doc)
    while i < n:
        if not _is_cap(doc[i]):
            i += 1
            continue
        j = i + 1
        while j < n and not doc[j].is_sent_start:
            if _is_cap(doc[j]):
                j += 1
            elif doc[j].lower_ in _CONNECTORS and j + 1 < n and _is_cap(doc[j + 1]) and not doc[j].whitespace_ == "\n":
                j += 2
            else:
                break
        runs.append((i, j))
        i = j
    return runs


def _ngrams(doc: Doc, runs: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """Every sub-span of the runs up to MAX_NGRAM tokens that starts and ends on a capitalised word."""
    out = {}
    text = doc.text
    for a, b in runs:
        for i in range(a, b):
            if not _is_cap(doc[i]) or doc[i].lower_ == "the":
                continue
            if doc[i].lower_ in _ADMIN_PREFIXES and i + 1 < b and doc[i + 1].lower_ == "of":
                continue
            for j in range(i + 1, min(b, i + MAX_NGRAM) + 1):
                if _is_cap(doc[j - 1]):
                    out[(i, j)] = text[doc[i].idx:_surface_end(doc, j)]
    return out


def _demonym_at(doc: Doc, i: int) -> tuple[int, str] | None:
    """A one- or two-word demonym starting at token i: (end token, place name)."""
    if i + 1 < len(doc) and _is_cap(doc[i + 1]) and doc[i].whitespace_:
        place = demonym_place(f"{doc[i].text} {doc[i + 1].text}")
        if place:
            return i + 2, place
    place = demonym_place(doc[i].text)
    return (i + 1, place) if place else None


def _person_surnames(doc: Doc) -> set[str]:
    """Keys of words that end a multi-word PERSON entity here ("Farrin" in "John Farrin")."""
    return {name_key(e[-1].text) for e in doc.ents if e.label_ == "PERSON" and len(e) > 1 and not e[-1].is_upper}


def _person_forenames(doc: Doc) -> set[str]:
    """Keys of words that start a multi-word PERSON entity here ("Jordan" in "Jordan Peele")."""
    return {name_key(e[0].text) for e in doc.ents if e.label_ == "PERSON" and len(e) > 1}


def _ent_index(doc: Doc) -> list[Span | None]:
    """The entity covering each token, or None."""
    cover: list[Span | None] = [None] * len(doc)
    for e in doc.ents:
        for k in range(e.start, e.end):
            cover[k] = e
    return cover


def _collect(doc: Doc, index: PlaceIndex) -> list[_Cand]:
    """All accepted candidates, possibly overlapping."""
    text = doc.text
    bad = _bad_lines(text)
    datelines = _dateline_spans(text)
    cover = _ent_index(doc)
    runs = _runs(doc)
    grams = _ngrams(doc, runs)
    ner_spans: dict[tuple[int, int], Span] = {}
    for e in doc.ents:
        if e.label_ in PLACE_LABELS:
            end = next((k for k in range(e.start, e.end) if "\n" in doc[k].text), e.end)
            i, j = _trim(doc, e.start, end)
            if i < j:
                ner_spans[(i, j)] = e
                grams.setdefault((i, j), text[doc[i].idx:_surface_end(doc, j)])
    dateline_tokens: dict[tuple[int, int], bool] = {}
    for s, e in datelines:  # whole datelines, even where the tokenizer split them ("ST. LOUIS")
        span = doc.char_span(s, e, alignment_mode="contract")
        if span is not None and len(span):
            grams.setdefault((span.start, span.end), text[s:e])
            dateline_tokens[(span.start, span.end)] = _state_follows(doc, span.end)
    info = index.known_names(set(grams.values()))
    surnames = _person_surnames(doc)
    forenames = _person_forenames(doc)
    cands: list[_Cand] = []
    confirmed: set[str] = set()

    def upper_ok(i: int, j: int) -> bool:
        span_text = text[doc[i].idx:_surface_end(doc, j)]
        if not span_text.isupper() or len(span_text) <= 3:
            return True
        return any(s <= doc[i].idx and _surface_end(doc, j) <= e for s, e in datelines)

    numbered: set[tuple[int, int]] = set()
    unplaced: set[tuple[int, int]] = set()  # unknown entity names with no place reading: only major names inside

    # 1. the model's place entities
    for (i, j), e in ner_spans.items():
        surface = grams[(i, j)]
        key = name_key(surface)
        if not key or key in _NOT_PLACES or _in_ranges(doc[i].idx, bad):
            continue
        abbreviated = abbreviation_place(surface) is not None  # "W.Va.", "S.C. 6" (the state of a road)
        if _numbered(doc, i, j, False) and not abbreviated:
            numbered.add((e.start, e.end))  # nor any name inside it ("6016 Dublin Road")
            continue
        known = info.get(surface)
        if known is None and _place_compound(doc, i, j, grams, info):
            continue  # "Asia-Pacific", "Greece Italy": the pieces are found in step 3
        if j - i > 1 and known is None and not abbreviated and e.label_ in ("GPE", "LOC") \
                and not _locative_context(doc, i, j) \
                and (doc[i].idx, _surface_end(doc, j)) not in datelines and not _geo_headed(doc, i, j, grams, info):
            # "United Way", "Webb Center": an unknown name needs a place reading from its context
            unplaced.add((e.start, e.end))
            continue
        if j - i == 1 and known is None and not _locative_context(doc, i, j):
            if key in surnames or e.label_ == "GPE" and abbreviation_place(surface) is None:
                continue
        if j - i == 1 and key in surnames and not _locative_context(doc, i, j):
            continue
        name = abbreviation_place(surface) or surface
        cands.append(_Cand(doc[i].idx, _surface_end(doc, j), name, "literal", "ner", e.label_, 3))
        confirmed.add(key)

    # 1b. names the model took for people but that follow "the city of", "the quarter of", ...
    for e in doc.ents:
        if e.label_ == "PERSON" and e.start >= 2 and doc[e.start - 1].lower_ == "of" \
                and doc[e.start - 2].lower_ in _GEO_NOUNS and not _in_ranges(e.start_char, bad):
            i, j = _trim(doc, e.start, e.end)
            if i < j:
                cands.append(_Cand(doc[i].idx, _surface_end(doc, j), text[doc[i].idx:_surface_end(doc, j)],
                                   "literal", "ner", e.label_, 2))
                confirmed.add(name_key(text[doc[i].idx:_surface_end(doc, j)]))

    # 2. demonyms and abbreviations, token by token
    for i, tok in enumerate(doc):
        if not _is_cap(tok) or _in_ranges(tok.idx, bad):
            continue
        ent = cover[i]
        if ent is not None and (ent.label_ == "PERSON" or ent.label_ in _NON_NAME_LABELS):
            continue
        dem = _demonym_at(doc, i)
        if dem is not None and upper_ok(i, dem[0]):
            j, place = dem
            if ent is not None and ent.label_ == "ORG" and _commercial(ent):
                continue
            cands.append(_Cand(tok.idx, doc[j - 1].idx + len(doc[j - 1].text), place, "demonym", "demonym",
                               ent.label_ if ent is not None else "", 3))
            continue
        if tok.text == "D.C." and i >= 2 and doc[i - 1].text == "," and doc[i - 2].text == "Washington":
            cands.append(_Cand(doc[i - 2].idx, tok.idx + len(tok.text), "Washington, D.C.", "literal", "pattern",
                               "", 3))
            continue
        place = abbreviation_place(tok.text)
        if place and (tok.text in _ALWAYS_ABBREVIATIONS and not _shouting(doc, i)
                      or i >= 2 and doc[i - 1].text == "," and _is_cap(doc[i - 2])):
            cands.append(_Cand(tok.idx, tok.idx + len(tok.text), place, "literal", "pattern", "", 3))
            confirmed.add(name_key(tok.text))

    # 2b. party-and-state tags of politicians ("D-S.C.", "R-Charleston")
    for m in _PARTY_STATE.finditer(text):
        s, e = m.span(1)
        place = abbreviation_place(m.group(1))
        if place is None and index.known_names([m.group(1)]):
            place = m.group(1)
        if place is not None:
            cands.append(_Cand(s, e, place, "literal", "pattern", "", 3))

    # 3. gazetteer names the model missed or mislabelled
    pending: list[tuple[int, int, str, bool]] = []
    known_starts = {i for (i, j), g in grams.items() if g in info and _prominent(info[g])}
    known_ends = {j for (i, j), g in grams.items() if g in info and _prominent(info[g])}
    lower_words = set(_WORD.findall(text))
    for (i, j), surface in grams.items():
        if (i, j) in ner_spans or surface not in info or _wordlike(doc, i, j, lower_words) \
                or _numbered(doc, i, j, not _prominent(info[surface])):
            continue
        key = name_key(surface)
        if key in _NOT_PLACES or _in_ranges(doc[i].idx, bad) or not upper_ok(i, j):
            continue
        ents = {id(cover[k]): cover[k] for k in range(i, j) if cover[k] is not None}
        if any(e.label_ in _NON_NAME_LABELS for e in ents.values()) or any((e.start, e.end) in numbered for e in ents.values()):
            continue
        located = (_locative_context(doc, i, j) or (doc[i].idx, _surface_end(doc, j)) in datelines
                   or _the_feature(doc, i, info[surface])
                   or _paired(doc, i, j, known_starts, known_ends) and _prominent(info[surface]))
        if located and key not in surnames and key not in forenames:
            confirmed.add(key)
        pending.append((i, j, surface, located))
    for i, j, surface, located in pending:
        key = name_key(surface)
        cover_ents = [cover[k] for k in range(i, j) if cover[k] is not None]
        ent = cover_ents[0] if cover_ents else None
        strong = located or key in confirmed
        if ent is not None and _paired(doc, i, j, known_starts, known_ends) and _prominent(info[surface]) \
                and not (ent.label_ == "PERSON" and ent.start < i and j < ent.end or _speaker(doc, j + 2)):
            # "Egypt-US relations", "Armenia-Italy group": a place joined to a place, whatever the tag
            cands.append(_Cand(doc[i].idx, _surface_end(doc, j), surface, "literal", "gazetteer", ent.label_, 2))
            continue
        if ent is None:
            if not strong and not (_prominent(info[surface]) if j - i == 1 else _significant(info[surface])):
                continue
            if key in surnames and not strong:
                continue
            cands.append(_Cand(doc[i].idx, _surface_end(doc, j), surface, "literal", "gazetteer", "", 2 if strong else 1))
            continue
        exact = ent.start == i and ent.end == j or _trim(doc, ent.start, ent.end) == (i, j)
        if ent.label_ == "PERSON":
            lone = (j - i == 1 and key not in surnames and key not in forenames and not _titled(doc, i)
                    and not _speaker(doc, j)
                    and (_prominent(info[surface]) and _sentence_initial(doc, i) or _major(info[surface])))
            if exact and (strong and key not in surnames and key not in forenames or lone):
                cands.append(_Cand(doc[i].idx, _surface_end(doc, j), surface, "literal", "gazetteer", ent.label_, 2))
            continue
        if ent.label_ in PLACE_LABELS:
            if (ent.start, ent.end) in unplaced and not strong and not (
                    _prominent(info[surface]) or j - i > 1 and _significant(info[surface])):
                continue  # "Webb" in "Webb Center"; but "Mississippi" in "Mississippi State" stays
            # a known name inside a longer place entity ("Washington" in "Washington, D.C.")
            cands.append(_Cand(doc[i].idx, _surface_end(doc, j), surface, "literal", "gazetteer", ent.label_, 1))
            continue
        if exact:
            if strong or (_prominent(info[surface]) and ent.label_ in ("ORG", "NORP", "PRODUCT")):
                cands.append(_Cand(doc[i].idx, _surface_end(doc, j), surface, "literal", "gazetteer", ent.label_, 2))
            continue
        if _commercial(ent) and not located and (not _major(info[surface]) or _named_for_owner(ent)):
            # a minor place in a business's name is dropped; a major one counts, as the benchmarks count
            # embedded toponyms ("Texas Rangers", "Suffolk Times")
            continue
        if strong or (_prominent(info[surface]) if j - i == 1 else _significant(info[surface])):
            cands.append(_Cand(doc[i].idx, _surface_end(doc, j), surface, "literal", "gazetteer", ent.label_, 1))
    # 3b. datelines the gazetteer lacks but a state abbreviation vouches for ("CAMP MURRAY, Wash. -")
    for (i, j), qualified in dateline_tokens.items():
        if qualified and grams[(i, j)] not in info and not _in_ranges(doc[i].idx, bad):
            cands.append(_Cand(doc[i].idx, _surface_end(doc, j), grams[(i, j)], "literal", "pattern", "", 2))

    # 4. upper-case initials of a multi-word place the text names ("SA" after "South Africa(ns)")
    long_names = {c.name for c in cands if " " in c.name and (" " in text[c.start:c.end] or c.kind == "demonym")}
    long_names |= {g for (i, j), g in grams.items() if j - i > 1 and g in info and _significant(info[g])}
    initials = {_initials(n): n for n in long_names if len(_initials(n)) >= 2}
    taken = {c.start for c in cands}
    for i, tok in enumerate(doc):
        place = initials.get(tok.text)
        if place is None or tok.idx in taken or _in_ranges(tok.idx, bad):
            continue
        ent = cover[i]
        if ent is not None and (ent.label_ in _NON_NAME_LABELS or ent.label_ == "ORG" and len(ent) > 1) \
                or _shouting(doc, i) or 0 < i < len(doc) - 1 and doc[i - 1].text == "(" and doc[i + 1].text == ")":
            # an organisation's name or a bracketed acronym ("Sheriff's Office (TCSO)")
            continue
        cands.append(_Cand(tok.idx, tok.idx + len(tok.text), place, "literal", "pattern", "", 2))
    return cands


def _initials(name: str) -> str:
    """The capital initials of a multi-word name: "South Africa" -> "SA"."""
    return "".join(w[0] for w in name.replace("-", " ").split() if w[:1].isupper())


def _paired(doc: Doc, i: int, j: int, known_starts: set[int], known_ends: set[int]) -> bool:
    """Whether tokens i..j are glued by a hyphen or slash to another known name ("Egypt-US")."""
    if j + 1 < len(doc) and doc[j].text in _GLUE and not doc[j - 1].whitespace_ \
            and not doc[j].whitespace_ and j + 1 in known_starts:
        return True
    return (i >= 2 and doc[i - 1].text in _GLUE and not doc[i - 1].whitespace_
            and not doc[i - 2].whitespace_ and i - 1 in known_ends)


def _place_compound(doc: Doc, i: int, j: int, grams: dict[tuple[int, int], str], info: dict[str, NameInfo]) -> bool:
    """Whether an unknown entity span is two or more known places glued together: "Asia-Pacific",
    "Vienna/Fairfax" (hyphen or slash), or major places side by side ("Greece Italy")."""
    if j - i < 2:
        return False
    glued = any(doc[m].text in _GLUE for m in range(i, j))
    if glued:
        pieces, k = [], i
        for m in range(i, j + 1):
            if m == j or doc[m].text in _GLUE:
                if m > k:
                    pieces.append((k, m))
                k = m + 1
    else:
        pieces = [(m, m + 1) for m in range(i, j)]
    if len(pieces) < 2:
        return False
    for a, b in pieces:
        name = grams.get((a, b))
        if name is None or name not in info or name_key(name) in _NOT_PLACES or not (_significant(info[name]) if glued else _prominent(info[name])):
            return False
    return True


def _major(info: NameInfo) -> bool:
    """A country, first-level region or capital, or a place of a million people or more."""
    return bool(info.feature_codes & _MAJOR_CODES) or info.max_population >= _MAJOR_POPULATION


def _speaker(doc: Doc, j: int) -> bool:
    """Whether the token after a name is a verb of saying ("Jordan said"), marking a person."""
    return j < len(doc) and doc[j].lower_ in _SPEECH_VERBS


def _numbered(doc: Doc, i: int, j: int, followed: bool) -> bool:
    """Whether a span holds a number, or (if asked) is followed by a short one: a road, exit or district
    designation ("Highway 19", "Route 128", "Exit 6", "Region 1") rather than a place name."""
    if any(any(c.isdigit() for c in t.text) for t in doc[i:j]):
        return True
    return followed and j < len(doc) and doc[j].is_digit and len(doc[j].text) <= 3


def _state_follows(doc: Doc, j: int) -> bool:
    """Whether ", <state or country abbreviation>" follows token j-1 ("CAMP MURRAY, Wash.")."""
    return j + 1 < len(doc) and doc[j].text == "," and abbreviation_place(doc[j + 1].text) is not None


def _geo_headed(doc: Doc, i: int, j: int, grams: dict[tuple[int, int], str], info: dict[str, NameInfo]) -> bool:
    """Whether an unknown multi-word name reads as a place by its form: a geographic head word
    ("Lake Manassas", "Fire Island", "Oaxaca State") or a prominent place after a qualifier ("Nazi Germany")."""
    if doc[i].lower_ in _GEO_HEADS or doc[j - 1].lower_ in _GEO_HEADS:
        return True
    last = grams.get((j - 1, j))
    return (last is not None and last in info and _prominent(info[last]) and doc[i].lower_ not in _DIRECTIONS
            and name_key(last) not in _NOT_PLACES)


def _titled(doc: Doc, i: int) -> bool:
    """Whether token i follows a personal title ("Mr.", "Dr.", "Gov.")."""
    return i > 0 and doc[i - 1].text.rstrip(".").lower() in _TITLES


def _shouting(doc: Doc, i: int) -> bool:
    """Whether token i sits in an all-capitals stretch (where "US" may be the pronoun)."""
    window = [t for t in doc[max(0, i - 3):i + 4] if t.is_alpha and t.i != i]
    return bool(window) and all(t.is_upper for t in window)


def _commercial(ent: Span) -> bool:
    """Whether an organisation entity is a business or media outlet ("Washington Post", "Bank of America")."""
    return any(name_key(t.text) in _COMMERCIAL for t in ent)


def _named_for_owner(ent: Span) -> bool:
    """Whether a business's name reads "Bank of X" or "X Hilton": a place there names no place."""
    return any(name_key(t.text) in _OWNER_WORDS for t in ent)


def _select(cands: list[_Cand]) -> list[_Cand]:
    """Non-overlapping candidates: longest first, then strongest; returned in text order."""
    chosen: list[_Cand] = []
    taken: list[tuple[int, int]] = []
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), -c.strength, c.start)):
        if any(c.start < e and s < c.end for s, e in taken):
            continue
        chosen.append(c)
        taken.append((c.start, c.end))
    return sorted(chosen, key=lambda c: c.start)


def recognize(doc: Doc, index: PlaceIndex) -> list[Mention]:
    """Place mentions in a parsed text, sorted by start and non-overlapping."""
    text = doc.text
    out = []
    for c in _select(_collect(doc, index)):
        surface = text[c.start:c.end]
        if not surface.strip():
            continue
        out.append(Mention(c.start, c.end, surface, c.name, c.kind, c.source, c.label))
    return out
