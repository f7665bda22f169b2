"""Token-level readings of a parsed text: name-like tokens, runs of them, and the words around a span."""
from __future__ import annotations

from collections import Counter
from typing import Callable

from spacy.tokens import Doc, Span, Token

from geo.demonyms import abbreviation_place, demonym_place
from geo.doctext import doc_text, token_texts
from geo.names import name_key
from geo.recognize.rules import rules

__all__ = [
    "GLUE",
    "MAX_NGRAM",
    "commercial",
    "demonym_at",
    "ent_index",
    "initials",
    "is_cap",
    "hometown_after",
    "is_washington_dc",
    "listed_names",
    "locative_context",
    "named_for_owner",
    "ngrams",
    "numbered",
    "paired",
    "person_forenames",
    "person_surnames",
    "runs",
    "sentence_initial",
    "shouting",
    "speaker",
    "state_follows",
    "surface_end",
    "titled",
    "trim",
    "wordlike",
]

MAX_NGRAM = 6
GLUE = frozenset({"-", "/", "–"})  # marks that join two names into one word ("Egypt-US", "Vienna/Fairfax")
_POSSESSIVES = ("'s", "’s")
_LIST_JOINS = frozenset({",", "and", "or", "&"})
_MAX_LISTED = 8  # names read back from a plural noun
_MAX_NAME_TOKENS = 3
_HOMETOWN_WORDS = frozenset({"of", "from"})


def is_cap(tok: Token) -> bool:
    """A token that can be part of a proper name: starts with a capital letter (or a digit-free abbreviation)."""
    return is_cap_text(tok.text)


def is_cap_text(t: str) -> bool:
    """is_cap of a token's text."""
    return t[:1].isupper() and (t[0].isalpha() or any(c.isalpha() for c in t))


def trim(doc: Doc, i: int, j: int) -> tuple[int, int]:
    """Shrink a token span: drop a leading 'the'/lower-case words, trailing possessives and punctuation."""
    while i < j and (doc[i].lower_ in ("the", "a", "an") or doc[i].text[:1].islower() or doc[i].is_punct):
        i += 1
    if j - i > 2 and doc[i].lower_ in rules().admin_prefixes and doc[i + 1].lower_ == "of":
        i += 2
    while j > i and doc[j - 1].text[:1].islower() and doc[j - 1].text not in _POSSESSIVES:
        j -= 1
    while j > i and (doc[j - 1].lower_ in ("'s", "’s", "'", "’") or doc[j - 1].is_punct and doc[j - 1].text != "."
                     or doc[j - 1].is_space):
        j -= 1
    return i, j


def surface_end(doc: Doc, j: int) -> int:
    """Character end of token j-1, with a possessive glued into the token ("Istanbul’s") cut off."""
    texts, offsets = token_texts(doc)
    word = texts[j - 1]
    end = offsets[j - 1] + len(word)
    for suffix in _POSSESSIVES:
        if word.endswith(suffix) and len(word) > 2:
            return end - 2
    return end


def runs(doc: Doc) -> list[tuple[int, int]]:
    """Maximal token runs of capitalised words (with inner connectors), not crossing sentences."""
    connectors = rules().connectors
    texts, _offsets = token_texts(doc)
    caps = [is_cap_text(t) for t in texts]
    out, i, n = [], 0, len(doc)
    while i < n:
        if not caps[i]:
            i += 1
            continue
        j = i + 1
        while j < n and not doc[j].is_sent_start:
            if caps[j]:
                j += 1
            elif texts[j].lower() in connectors and j + 1 < n and caps[j + 1] and not doc[j].whitespace_ == "\n":
                j += 2
            else:
                break
        out.append((i, j))
        i = j
    return out


def ngrams(doc: Doc, spans: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """Every sub-span of the runs up to MAX_NGRAM tokens that starts and ends on a capitalised word."""
    # each token of a run is read once (spaCy builds a new Token object on every doc[i])
    admin_prefixes = rules().admin_prefixes
    out = {}
    text = doc_text(doc)
    texts, offsets = token_texts(doc)
    for a, b in spans:
        caps = [is_cap_text(t) for t in texts[a:b]]
        lower = [t.lower() for t in texts[a:b]]
        starts = offsets[a:b]
        ends = [surface_end(doc, j) for j in range(a + 1, b + 1)]
        for i in range(b - a):
            if not caps[i] or lower[i] == "the" or lower[i] in admin_prefixes and i + 1 < b - a and lower[i + 1] == "of":
                continue
            for j in range(i + 1, min(b - a, i + MAX_NGRAM) + 1):
                if caps[j - 1]:
                    out[(a + i, a + j)] = text[starts[i]:ends[j - 1]]
    return out


def ent_index(doc: Doc) -> list[Span | None]:
    """The entity covering each token, or None."""
    cover: list[Span | None] = [None] * len(doc)
    for e in doc.ents:
        for k in range(e.start, e.end):
            cover[k] = e
    return cover


def person_surnames(doc: Doc, major: Callable[[str], bool] = lambda _word: False) -> frozenset[str]:
    """Keys of words that end a multi-word PERSON entity here ("Farrin" in "John Farrin"), unless the word
    is a major place (``major``: a country, first-level region or capital) that the model tags alone as
    a place more often than it ends a person's name (the headline "Rethinking Egypt" read as a person,
    Egypt a place six times after it; "Michael Jordan ... Jordan smiled" stays a surname)."""
    ends = Counter((name_key(e[-1].text), e[-1].text) for e in doc.ents
                   if e.label_ == "PERSON" and len(e) > 1 and not e[-1].is_upper)
    alone = Counter(name_key(e.text) for e in doc.ents if e.label_ in ("GPE", "LOC") and len(e) == 1)
    return frozenset(key for (key, word), n in ends.items() if alone[key] <= n or not major(word))


def person_forenames(doc: Doc) -> frozenset[str]:
    """Keys of words that start a multi-word PERSON entity here ("Jordan" in "Jordan Peele")."""
    return frozenset(name_key(e[0].text) for e in doc.ents if e.label_ == "PERSON" and len(e) > 1)


def locative_context(doc: Doc, i: int, j: int) -> bool:
    """A preposition or geographic noun next to the token span that makes a place reading likely."""
    r = rules()
    k = i - 1
    while k >= 0 and doc[k].lower_ == "the":
        k -= 1
    if k >= 0 and doc[k].lower_ in r.locatives and doc[k].text[:1].islower():
        return True
    if k >= 1 and doc[k].lower_ == "to" and _moves_before(doc, k):
        return True
    if k >= 1 and doc[k].lower_ == "of" and doc[k - 1].lower_ in r.geo_nouns:
        return True
    return j < len(doc) and doc[j].lower_ in r.geo_nouns and doc[j].text[:1].islower()


def _moves_before(doc: Doc, k: int) -> bool:
    """Whether a verb of motion stands before token k, perhaps with a particle between ("heading on")."""
    r = rules()
    if doc[k - 1].lower_ in r.motion_verbs:
        return True
    return k >= 2 and doc[k - 1].lower_ in r.motion_particles and doc[k - 2].lower_ in r.motion_verbs


def sentence_initial(doc: Doc, i: int) -> bool:
    """Whether token i starts a sentence or a line (where capitalisation says nothing)."""
    if i == 0 or doc[i].is_sent_start:
        return True
    prev = doc[i - 1]
    return prev.is_space and "\n" in prev.text or prev.text in ('"', "“", "‘", "(", "-", "—", ":")


def wordlike(doc: Doc, i: int, j: int, lower_words: frozenset[str]) -> bool:
    """Whether a one-token span looks like an ordinary word or a title rather than a name."""
    if j - i != 1:
        return False
    tok = doc[i]
    if tok.is_stop or tok.lower_ in lower_words or tok.text.endswith("."):
        return abbreviation_place(tok.text) is None
    return tok.is_upper and len(tok.text) <= 3 and abbreviation_place(tok.text) is None


def numbered(doc: Doc, i: int, j: int, followed: bool) -> bool:
    """Whether a span holds a number or (if asked) is followed by a short one ("Highway 19", "Region 1")."""
    if any(any(c.isdigit() for c in t.text) for t in doc[i:j]):
        return True
    return followed and j < len(doc) and doc[j].is_digit and len(doc[j].text) <= 3


def state_follows(doc: Doc, j: int) -> bool:
    """Whether ", <state or country abbreviation>" follows token j-1 ("CAMP MURRAY, Wash.")."""
    return j + 1 < len(doc) and doc[j].text == "," and abbreviation_place(doc[j + 1].text) is not None


def paired(doc: Doc, i: int, j: int, known_starts: frozenset[int], known_ends: frozenset[int]) -> bool:
    """Whether tokens i..j are glued by a hyphen or slash to another known name ("Egypt-US")."""
    if j + 1 < len(doc) and doc[j].text in GLUE and not doc[j - 1].whitespace_ \
            and not doc[j].whitespace_ and j + 1 in known_starts:
        return True
    return (i >= 2 and doc[i - 1].text in GLUE and not doc[i - 1].whitespace_
            and not doc[i - 2].whitespace_ and i - 1 in known_ends)


def titled(doc: Doc, i: int) -> bool:
    """Whether token i follows a personal title ("Mr.", "Dr.", "Gov.")."""
    return i > 0 and doc[i - 1].text.rstrip(".").lower() in rules().titles


def speaker(doc: Doc, j: int) -> bool:
    """Whether the token after a name is a verb of saying ("Jordan said"), marking a person."""
    return j < len(doc) and doc[j].lower_ in rules().speech_verbs


def shouting(doc: Doc, i: int) -> bool:
    """Whether token i sits in an all-capitals stretch (where "US" may be the pronoun)."""
    window = [t for t in doc[max(0, i - 3):i + 4] if t.is_alpha and t.i != i]
    return bool(window) and all(t.is_upper for t in window)


def commercial(ent: Span) -> bool:
    """Whether an organisation entity is a business or media outlet ("Washington Post", "Bank of America")."""
    words = rules().commercial_words
    return any(name_key(t.text) in words for t in ent)


def named_for_owner(ent: Span) -> bool:
    """Whether a business's name reads "Bank of X" or "X Hilton": a place there names no place."""
    words = rules().owner_words
    return any(name_key(t.text) in words for t in ent)


def demonym_at(doc: Doc, i: int) -> tuple[int, str] | None:
    """A one- or two-word demonym starting at token i: (end token, place name)."""
    texts, offsets = token_texts(doc)
    word = texts[i]
    # token i has trailing white space when the next token does not start right where it ends
    if i + 1 < len(texts) and is_cap_text(texts[i + 1]) and offsets[i] + len(word) < offsets[i + 1]:
        place = demonym_place(f"{word} {texts[i + 1]}")
        if place:
            return i + 2, place
    place = demonym_place(word)
    return (i + 1, place) if place else None


def initials(name: str) -> str:
    """The capital initials of a multi-word name: "South Africa" -> "SA"."""
    return "".join(w[0] for w in name.replace("-", " ").split() if w[:1].isupper())


def is_washington_dc(doc: Doc, i: int) -> bool:
    """Whether token i is the "D.C." of "Washington, D.C."."""
    return doc[i].text == "D.C." and i >= 2 and doc[i - 1].text == "," and doc[i - 2].text == "Washington"


def listed_names(doc: Doc, k: int) -> list[tuple[int, int]]:
    """The names listed right before token k, in text order ("Jackson", "Barrow" before "counties").

    Capitalised runs of at most three tokens joined by commas, "and", "or" or "&", read back at most eight
    names; fewer than two names is no list (an empty result).
    """
    out: list[tuple[int, int]] = []
    j = k
    while len(out) < _MAX_LISTED and j > 0 and is_cap(doc[j - 1]):
        i = j - 1
        while i > 0 and j - i < _MAX_NAME_TOKENS and is_cap(doc[i - 1]) and not doc[i].is_sent_start:
            i -= 1
        out.append((i, j))
        joins = 0
        while i > 0 and doc[i - 1].lower_ in _LIST_JOINS and joins < 2:
            i, joins = i - 1, joins + 1
        if joins == 0 or doc[i].is_sent_start:
            break
        j = i
    return out[::-1] if len(out) > 1 else []


def hometown_after(doc: Doc, k: int) -> tuple[int, int] | None:
    """The name after a person's name ending before token k, written "Jeremy Watson, 30, of Ten Mile" or
    "Mindy Miller of Ravenel": a capitalised run of at most three tokens after "of" or "from"."""
    n = len(doc)
    if k < n and doc[k].text == ",":
        k += 1
        if k + 1 < n and doc[k].like_num and doc[k + 1].text == ",":
            k += 2
    if k + 1 >= n or doc[k].lower_ not in _HOMETOWN_WORDS or not is_cap(doc[k + 1]):
        return None
    i = j = k + 1
    while j < n and j - i < _MAX_NAME_TOKENS and is_cap(doc[j]) and not (j > i and doc[j].is_sent_start):
        j += 1
    return None if j < n and is_cap(doc[j]) else (i, j)
