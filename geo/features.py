"""Features of one (name, candidate place) pair, the input of the learned ranker (geo.ranker).

``geo.resolve`` fills a ``NameEvidence`` per name of the article (what is written around it and the
hand-weighted scores of its candidates) and one ``ArticleEvidence`` (the other names' current
choices); ``candidate_rows`` turns them into one row of numbers per candidate, in ``feature_names()`` order.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Iterable, Mapping, Sequence

from geo import lexicon
from geo.geomath import great_circle_km
from geo.names import name_key
from geo.types import Place

__all__ = ["ArticleEvidence", "Choice", "NameEvidence", "candidate_regions", "candidate_rows", "code_groups", "feature_names"]

_NEAR_KM = 300.0  # other choices nearer than this count for the near_share feature
Region = tuple[str, "str | None"]  # (country code, admin1 or None for the whole country)

_BASE = (
    "hand_score", "hand_margin", "hand_rank", "hand_share",
    "log_population", "log_population_gap", "population_rank",
    "class_p", "class_a", "class_physical", "natural_earth", "curated",
    "exact_name", "key_differs", "demonym", "abbreviation", "state_form",
    "qualifier", "qualifier_match",
    "mentions", "first_position", "log_candidates", "log_names",
    "country_share", "admin_share", "top_country", "top_admin", "inside_share",
    "log_km_nearest", "log_km_nearest_confident", "near_share", "country_support", "admin_support",
)


@cache
def code_groups() -> tuple[tuple[str, frozenset[str]], ...]:
    """The feature-code indicator features of ``ranker_feature_codes.tsv``: (feature, codes)."""
    return tuple((name, frozenset(codes.split())) for name, codes in lexicon.table("ranker_feature_codes"))


@cache
def feature_names() -> tuple[str, ...]:
    """Every feature name, in row order."""
    return _BASE + tuple(name for name, _ in code_groups())


@dataclass(frozen=True)
class NameEvidence:
    """One name of the article: its mentions, what is written around them and its candidates' hand scores."""

    key: str
    places: tuple[Place, ...]
    hand: tuple[float, ...]  # hand-weighted score per place (geo.resolve)
    mentions: int
    first_position: float  # first mention's offset / text length, 0..1
    key_differs: bool  # looked up under another key than the written name ("the", "City", a suffix)
    demonym: bool
    abbreviation: bool
    state_form: bool
    regions: frozenset[Region]  # named by qualifiers right after its mentions


@dataclass(frozen=True)
class Choice:
    """Another name's current choice: its key, place, confidence and mention count."""

    key: str
    place: Place
    confidence: float
    mentions: int


@dataclass(frozen=True)
class ArticleEvidence:
    """The names of the article and their current choices."""

    names: int
    choices: tuple[Choice, ...]
    anchor_confidence: float  # choices at least this confident count as "confident"
    # name key -> the countries ("US", "") and regions ("US", "Texas") of its best candidates
    regions: Mapping[str, frozenset[tuple[str, str]]] = field(default_factory=dict)


def _log_km(km: float | None) -> float:
    """log10(1 + km), with a far stand-in (20,000 km) when there is no other place."""
    return math.log10(1.0 + (km if km is not None else 20000.0))


def _in_regions(place: Place, regions: frozenset[Region]) -> float:
    """1 inside a qualifier's region, -1 outside all of them, 0 without a qualifier."""
    if not regions:
        return 0.0
    for cc, admin1 in regions:
        if place.country_code == cc and (admin1 is None or place.admin1 == admin1):
            return 1.0
    return -1.0


@dataclass(frozen=True)
class _Tally:
    """The other names' choices, weighted by mentions: by country, by region, in total."""

    countries: Counter[str]
    admins: Counter[tuple[str, str]]
    total: int
    top_country: str | None
    top_admin: tuple[str, str] | None


def _tally(choices: Sequence[Choice]) -> _Tally:
    """Count the choices by country and first-level region."""
    countries: Counter[str] = Counter()
    admins: Counter[tuple[str, str]] = Counter()
    for c in choices:
        if c.place.country_code:
            countries[c.place.country_code] += c.mentions
            if c.place.admin1:
                admins[(c.place.country_code, c.place.admin1)] += c.mentions
    top, top_admin = countries.most_common(1), admins.most_common(1)
    return _Tally(countries, admins, sum(c.mentions for c in choices), top[0][0] if top else None,
                  top_admin[0][0] if top_admin else None)


def _context(place: Place, others: Sequence[Choice], tally: _Tally, anchor: float) -> list[float]:
    """Country and region shares, containment and distances to the other names' choices."""
    total = max(1, tally.total)
    cc, adm = place.country_code, place.admin1
    inside = 0
    nearest: float | None = None
    confident: float | None = None
    near = 0
    for c in others:
        if place.feature_code in ("PCLI", "ADM1") and c.place.country_code == cc and c.place is not place and (
                place.feature_code == "PCLI" or c.place.admin1 == adm):
            inside += c.mentions
        km = great_circle_km(place.lat, place.lon, c.place.lat, c.place.lon)
        nearest = km if nearest is None else min(nearest, km)
        if c.confidence >= anchor:
            confident = km if confident is None else min(confident, km)
        near += c.mentions if km < _NEAR_KM else 0
    return [
        tally.countries[cc] / total if cc else 0.0,
        tally.admins[(cc, adm)] / total if cc and adm else 0.0,
        1.0 if cc and cc == tally.top_country else 0.0,
        1.0 if cc and adm and (cc, adm) == tally.top_admin else 0.0,
        inside / total,
        _log_km(nearest), _log_km(confident), near / total,
    ]


def _own(place: Place, name: NameEvidence) -> list[float]:
    """What the place is and how it matches the name as written."""
    cls = place.feature_class or ""
    return [
        1.0 if cls == "P" else 0.0, 1.0 if cls == "A" else 0.0, 1.0 if cls not in ("", "P", "A") else 0.0,
        1.0 if place.source.startswith("naturalearth") else 0.0, 1.0 if place.source == "curated" else 0.0,
        1.0 if name_key(place.name) == name.key else 0.0, float(name.key_differs), float(name.demonym),
        float(name.abbreviation), float(name.state_form),
        1.0 if name.regions else 0.0, _in_regions(place, name.regions),
    ]


def candidate_regions(places: Iterable[Place]) -> frozenset[tuple[str, str]]:
    """The countries (cc, "") and first-level regions (cc, admin1) of places (ArticleEvidence.regions)."""
    out: set[tuple[str, str]] = set()
    for p in places:
        if p.country_code:
            out.add((p.country_code, ""))
            if p.admin1:
                out.add((p.country_code, p.admin1))
    return frozenset(out)


def _support(place: Place, key: str, article: ArticleEvidence) -> list[float]:
    """The shares of the other names with a candidate in this place's country, and in its region."""
    others = [regions for other, regions in article.regions.items() if other != key]
    if not others or not place.country_code:
        return [0.0, 0.0]
    country = (place.country_code, "")
    region = (place.country_code, place.admin1 or "")
    return [sum(country in r for r in others) / len(others),
            sum(region in r for r in others) / len(others) if place.admin1 else 0.0]


def candidate_rows(name: NameEvidence, article: ArticleEvidence, indices: Sequence[int]) -> list[list[float]]:
    """One row of feature_names() per candidate name.places[i] for i in indices."""
    best = max(name.hand)
    norm = sum(math.exp(h - best) for h in name.hand)
    order = sorted(range(len(name.hand)), key=lambda i: -name.hand[i])
    rank = {i: r for r, i in enumerate(order)}
    pops = sorted((p.population for p in name.places), reverse=True)
    log_max = math.log10(pops[0] + 1)
    others = [c for c in article.choices if c.key != name.key]
    tally = _tally(others)
    codes = code_groups()
    rows = []
    for i in indices:
        place = name.places[i]
        log_pop = math.log10(place.population + 1)
        rows.append([
            name.hand[i], name.hand[i] - best, float(rank[i]), math.exp(name.hand[i] - best) / norm,
            log_pop, log_max - log_pop, float(pops.index(place.population)),
            *_own(place, name),
            float(name.mentions), name.first_position, math.log2(len(name.places)), math.log2(max(1, article.names)),
            *_context(place, others, tally, article.anchor_confidence), *_support(place, name.key, article),
            *(1.0 if (place.feature_code or "") in group else 0.0 for _, group in codes),
        ])
    return rows
