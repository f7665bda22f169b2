"""Hidden local evidence in an article's text: admin units inside any span, street addresses, local-news phrases.

None of it is a place mention (recognition is untouched); the resolver reads it as weak context
(``geo.resolve`` with ``ResolveWeights.hint_*``): "Henderson County Sheriff's Office" points near the
county's seat, "2517 Memphis St., Alexandria" and "Sheriff's Office" point to the countries that
write such things. The rule tables are ``geo/data/lexicon/hint_*.tsv``.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Generic, Hashable, Iterable, Iterator, Mapping, TypeVar

from geo import lexicon
from geo.home import Region
from geo.types import Place, PlaceIndex

__all__ = ["TextHints", "address_countries", "currency_countries", "phrase_countries", "phrase_regions",
           "shape_countries", "text_hints", "unit_names"]

_CAPS = r"[A-Z][\w'’.-]{0,30}"
_ADDRESS = re.compile(rf"\b\d{{1,5}}[ \t]+(?:{_CAPS}[ \t]+){{1,3}}([A-Za-z]{{2,10}})\.?,[ \t]*[A-Z]")


@dataclass(frozen=True)
class TextHints:
    """What an article's text hints at: countries (with how many distinct cues point to each), and admin
    units named anywhere in it."""

    cues: Mapping[str, int]  # country -> how many distinct cues (phrases, shapes, signs, units...) point to it
    units: tuple[Place, ...]  # admin units named in the text, with fewer than the lookup limit of namesakes
    regions: frozenset[Region] = frozenset()  # first-level regions its local-government words point to

    @property
    def countries(self) -> frozenset[str]:
        """The countries hinted at."""
        return frozenset(self.cues)


@cache
def _unit_codes() -> dict[str, frozenset[str]]:
    """Unit word ("County") -> the feature codes such a unit may have."""
    return lexicon.sets("hint_units")


@cache
def _unit_pattern() -> re.Pattern[str]:
    """One to three capitalised words and a unit word: "Rapides Parish", "St. Landry Parish"."""
    words = "|".join(sorted(map(re.escape, _unit_codes()), key=len, reverse=True))
    return re.compile(rf"\b((?:{_CAPS}[ \t]+){{1,3}})({words})\b")


# a word, with its apostrophes and hyphens ("sheriff's", "junior-varsity")
_WORD = re.compile(r"[\w'’]+(?:-[\w'’]+)*")
_SPACED_WORD = re.compile(r"\s+([\w'’]+(?:-[\w'’]+)*)")
_T = TypeVar("_T")


class _PhraseTable(Generic[_T]):
    """Phrases of whole words, matched case-insensitively in one pass over a text's words (a regex of a
    hundred alternatives would try each at every character)."""

    def __init__(self, rows: Iterable[tuple[str, _T]]) -> None:
        self.by_first: dict[str, list[tuple[tuple[str, ...], _T]]] = {}
        for phrase, value in rows:
            words = tuple(w.lower() for w in phrase.split())
            self.by_first.setdefault(words[0], []).append((words, value))

    def find(self, text: str) -> Iterator[tuple[tuple[str, ...], _T]]:
        """Each phrase written in text (its words apart by white space only), as lower-case words, and its value."""
        for match in _WORD.finditer(text):
            for phrase, value in self.by_first.get(match.group(0).lower(), ()):
                if self._rest_follows(text, match.end(), phrase[1:]):
                    yield phrase, value

    @staticmethod
    def _rest_follows(text: str, at: int, rest: tuple[str, ...]) -> bool:
        """Whether the words of rest follow position at, each after white space."""
        for word in rest:
            match = _SPACED_WORD.match(text, at)
            if match is None or match.group(1).lower() != word:
                return False
            at = match.end()
        return True


_Pointed = tuple[frozenset[str], frozenset[Region]]  # the countries and first-level regions a phrase points to


@cache
def _phrases() -> _PhraseTable[_Pointed]:
    """The local-news phrases (hint_phrases.tsv) and local-government words (hint_region_phrases.tsv), each
    with the countries and regions it points to (a region's country too)."""
    countries = [(phrase, (frozenset(ccs.split()), frozenset())) for phrase, ccs in lexicon.table("hint_phrases")]
    regions = [(phrase, (frozenset({cc}), frozenset((cc, region) for region in names.split("|"))))
               for phrase, cc, names in lexicon.table("hint_region_phrases")]
    return _PhraseTable([*countries, *regions])


def _pointed(text: str) -> dict[tuple[str, ...], _Pointed]:
    """Each phrase of the text (lower-case words) -> the countries and regions it points to, in one pass."""
    return dict(_phrases().find(text))


@cache
def _address_rule() -> tuple[frozenset[str], frozenset[str]]:
    """The street words a house-number-first address may end in, and the countries writing them."""
    words: set[str] = set()
    countries: set[str] = set()
    for street_words, ccs in lexicon.table("hint_address"):
        words.update(street_words.split())
        countries.update(ccs.split())
    return frozenset(words), frozenset(countries)


def unit_names(text: str) -> list[tuple[tuple[str, ...], str]]:
    """Each admin-unit name written in text, its forms longest first, and its unit word:
    (("The Rapides Parish", "Rapides Parish"), "Parish")."""
    out = []
    for match in _unit_pattern().finditer(text):
        names, unit = match.group(1).split(), match.group(2)
        out.append((tuple(" ".join([*names[k:], unit]) for k in range(len(names))), unit))
    return out


def phrase_countries(text: str) -> frozenset[str]:
    """The countries the text's local-news phrases point to."""
    return frozenset(cc for countries, _ in _pointed(text).values() for cc in countries)


@cache
def _currencies() -> tuple[re.Pattern[str], dict[str, frozenset[str]]]:
    """The currency signs as one pattern (a sign not right after a letter, then a digit), and their countries."""
    table = lexicon.sets("hint_currencies")
    signs = "|".join(map(re.escape, table))
    return re.compile(rf"(?<![^\W\d_])(?:{signs})[ \t]?\d"), table


def currency_countries(text: str) -> frozenset[str]:
    """The countries whose money the text counts in ("£4.2m": GB; not "E£5", Egyptian pounds)."""
    return frozenset(cc for countries in _currency_cues(text).values() for cc in countries)


def _currency_cues(text: str) -> dict[str, frozenset[str]]:
    """Each currency sign the text counts in -> its countries."""
    pattern, table = _currencies()
    signs = {match.group(0).rstrip("0123456789 \t") for match in pattern.finditer(text)}
    return {sign: table[sign] for sign in signs}


@cache
def _shapes() -> tuple[re.Pattern[str], list[frozenset[str]]]:
    """The telephone-number and time-of-day shapes as one pattern of named alternatives, and each one's countries."""
    table = lexicon.table("hint_shapes")
    shapes = "|".join(f"(?P<s{k}>{''.join(_shape_part(c) for c in shape)})" for k, (shape, _) in enumerate(table))
    starts = "".join(sorted({_shape_part(shape[0]) for shape, _ in table}))  # tried only where a shape can start
    pattern = rf"(?=[{starts}])(?<![\w+-])(?:{shapes})(?![\w+-])" if table else r"(?!)"
    return re.compile(pattern), [frozenset(ccs.split()) for _, ccs in table]


def _shape_part(char: str) -> str:
    """The pattern of one character of a shape ("d": a digit)."""
    return r"\d" if char == "d" else re.escape(char)


def shape_countries(text: str) -> frozenset[str]:
    """The countries whose way of writing a telephone number or a time of day the text follows ("01524 63333",
    "4.15am": GB and others; "(555) 555-0123", "10 p.m.": US, CA)."""
    return frozenset(cc for countries in _shape_cues(text).values() for cc in countries)


def _shape_cues(text: str) -> dict[str, frozenset[str]]:
    """Each telephone-number or time-of-day shape the text follows (its row's group name) -> its countries."""
    pattern, countries = _shapes()
    return {match.lastgroup: countries[int(match.lastgroup[1:])] for match in pattern.finditer(text)}


def phrase_regions(text: str) -> frozenset[Region]:
    """The first-level regions the text's local-government words point to ("selectmen": New England)."""
    return frozenset(region for _, regions in _pointed(text).values() for region in regions)


def address_countries(text: str) -> frozenset[str]:
    """The countries that write a street address the way the text does ("1935 Orchard St., Alexandria")."""
    words, countries = _address_rule()
    for match in _ADDRESS.finditer(text):
        if match.group(1).lower() in words:
            return countries
    return frozenset()


def _units(text: str, index: PlaceIndex, limit: int) -> list[list[Place]]:
    """The admin units the text names: per name, the places of its longest form known as such a unit."""
    codes = _unit_codes()
    out = []
    for forms, unit in unit_names(text):
        for name in forms:
            places = [p for p in index.candidates(name, limit=limit) if p.feature_code in codes[unit]]
            if places:
                out.append(places)
                break
    return out


def text_hints(text: str, index: PlaceIndex, limit: int = 8) -> TextHints:
    """The hints of one article: the admin units it names and the countries of those units, of its
    phrasing and of its money; the first-level regions its local-government words point to. A unit name
    with limit or more namesakes ("Washington County") gives only its countries: nearness to one of its
    many namesakes says little. Telephone numbers and times of day count as phrasing. Each distinct phrase,
    shape, sign, unit name and the address form is one cue for its countries (TextHints.cues)."""
    named = _units(text, index, limit)
    phrases = _pointed(text)
    cues: dict[Hashable, frozenset[str]] = {("phrase", phrase): ccs for phrase, (ccs, _) in phrases.items()}
    cues.update({("shape", shape): ccs for shape, ccs in _shape_cues(text).items()})
    cues.update({("money", sign): ccs for sign, ccs in _currency_cues(text).items()})
    cues.update({("unit", places[0].name): frozenset(p.country_code for p in places if p.country_code)
                 for places in named})
    cues["address"] = address_countries(text)
    counts = Counter(cc for countries in cues.values() for cc in countries)
    units = {p.place_id: p for places in named if len(places) < limit for p in places}
    regions = frozenset(region for _, rs in phrases.values() for region in rs)
    return TextHints(dict(counts), tuple(units.values()), regions)
