"""Features of one (name, candidate place) pair, the input of the learned ranker (geo.ranker).

``geo.resolve`` fills a ``NameEvidence`` per name of the article (what is written around it and the
hand-weighted scores of its candidates) and one ``ArticleEvidence`` (the other names' current
choices); ``candidate_rows`` turns them into one row of numbers per candidate, in ``feature_names()`` order.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any, Iterable, Iterator, Mapping, Sequence

from geo import lexicon
from geo.geomath import NearestPoints
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

    @cached_property
    def others(self) -> "_Others":
        """The choices indexed once for every name's context features (choice keys are unique)."""
        return _Others(self.choices, self.anchor_confidence)

    @cached_property
    def region_counts(self) -> Counter[tuple[str, str]]:
        """How many names have a best candidate in each country and region (counted once, for _support)."""
        return Counter(region for regions in self.regions.values() for region in regions)


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

    countries: Mapping[str, int]
    admins: Mapping[tuple[str, str], int]
    total: int
    top_country: str | None
    top_admin: tuple[str, str] | None


@dataclass(frozen=True)
class _Ranked:
    """Mention counts by key over every choice, and where each key was counted first and second (for
    the most common key of all choices but one, ties going to the first counted, as Counter.most_common)."""

    counts: Counter[Any]
    ranking: tuple[Any, ...]  # keys by count (largest first), then by first appearance
    first: dict[Any, int]  # key -> position of the first choice counted under it
    second: dict[Any, int]  # key -> position of the second one

    def without(self, key: Any, position: int, amount: int) -> Any:
        """The most common key once the choice at position (counted under key, amount mentions; key None:
        not counted) is taken out."""
        entries = [(-self.counts[k], self.first[k], k) for k in self.ranking[:2] if k != key][:1]
        left = self.counts[key] - amount
        if left > 0:
            entries.append((-left, self.second[key] if self.first[key] == position else self.first[key], key))
        return min(entries, key=lambda e: e[:2])[2] if entries else None


def _ranked(keyed: Sequence[tuple[Any, int]]) -> _Ranked:
    """_Ranked over (key, mentions) per choice position; a key of None is not counted."""
    counts: Counter[Any] = Counter()
    first: dict[Any, int] = {}
    second: dict[Any, int] = {}
    for position, (key, mentions) in enumerate(keyed):
        if key is None:
            continue
        counts[key] += mentions
        if key in first:
            second.setdefault(key, position)
        else:
            first[key] = position
    ranking = tuple(sorted(counts, key=lambda k: (-counts[k], first[k])))
    return _Ranked(counts, ranking, first, second)


class _Others:
    """The other names' choices as seen from one name: counts by country and region, containment
    and distances, each answered from indexes built once per article (not by a pass over every choice)."""

    def __init__(self, choices: Sequence[Choice], anchor: float) -> None:
        self.choices = choices
        self.position = {c.key: i for i, c in enumerate(choices)}
        self.total = sum(c.mentions for c in choices)
        self.countries = _ranked([(c.place.country_code or None, c.mentions) for c in choices])
        self.admins = _ranked([((c.place.country_code, c.place.admin1) if c.place.country_code and c.place.admin1
                                else None, c.mentions) for c in choices])
        self.in_country: Counter[str | None] = Counter()
        self.in_admin: Counter[tuple[str | None, str | None]] = Counter()
        self.same_place: dict[int, list[Choice]] = defaultdict(list)
        for c in choices:
            self.in_country[c.place.country_code] += c.mentions
            self.in_admin[(c.place.country_code, c.place.admin1)] += c.mentions
            self.same_place[id(c.place)].append(c)
        self.mentions = {c.key: c.mentions for c in choices}
        self.points = NearestPoints((c.place.lat, c.place.lon, c.key) for c in choices)
        self.confident = NearestPoints((c.place.lat, c.place.lon, c.key) for c in choices if c.confidence >= anchor)

    def tally(self, key: str) -> _Tally:
        """The counts of every choice but key's."""
        i = self.position.get(key, -1)
        own = self.choices[i] if i >= 0 else None
        cc = (own.place.country_code or None) if own else None
        region = (cc, own.place.admin1) if own and cc and own.place.admin1 else None
        m = own.mentions if own else 0
        return _Tally(_Minus(self.countries.counts, cc, m), _Minus(self.admins.counts, region, m), self.total - m,
                      self.countries.without(cc, i, m), self.admins.without(region, i, m))

    def inside(self, place: Place, key: str) -> int:
        """Mentions of the other choices inside a country or first-level region place (not place itself)."""
        cc, adm = place.country_code, place.admin1
        pcli = place.feature_code == "PCLI"
        inside = self.in_country[cc] if pcli else self.in_admin[(cc, adm)]
        i = self.position.get(key)
        if i is not None:
            own = self.choices[i].place
            inside -= self.choices[i].mentions if own.country_code == cc and (pcli or own.admin1 == adm) else 0
        return inside - sum(c.mentions for c in self.same_place.get(id(place), ()) if c.key != key)

    def near(self, place: Place, key: str) -> int:
        """Mentions of the other choices less than _NEAR_KM from place."""
        return sum(self.mentions[k] for k in self.points.labels_within_km(place.lat, place.lon, _NEAR_KM, skip=key))


class _Minus(Mapping[Any, int]):
    """counts with amount taken off key (a read-only view)."""

    def __init__(self, counts: Counter[Any], key: Any, amount: int) -> None:
        self.counts, self.key, self.amount = counts, key, amount

    def __getitem__(self, k: Any) -> int:
        """The count of k, less the amount when k is the key taken off."""
        return self.counts[k] - (self.amount if k == self.key and k is not None else 0)

    def __iter__(self) -> Iterator[Any]:
        """The counted keys."""
        return iter(self.counts)

    def __len__(self) -> int:
        """How many keys are counted."""
        return len(self.counts)


def _context(place: Place, key: str, others: _Others, tally: _Tally) -> list[float]:
    """Country and region shares, containment and distances to the other names' choices."""
    total = max(1, tally.total)
    cc, adm = place.country_code, place.admin1
    inside = others.inside(place, key) if place.feature_code in ("PCLI", "ADM1") else 0
    nearest = others.points.nearest_km(place.lat, place.lon, skip=key)
    confident = others.confident.nearest_km(place.lat, place.lon, skip=key)
    return [
        tally.countries[cc] / total if cc else 0.0,
        tally.admins[(cc, adm)] / total if cc and adm else 0.0,
        1.0 if cc and cc == tally.top_country else 0.0,
        1.0 if cc and adm and (cc, adm) == tally.top_admin else 0.0,
        inside / total,
        _log_km(nearest), _log_km(confident), others.near(place, key) / total,
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
    own = article.regions.get(key, frozenset())
    others = len(article.regions) - (key in article.regions)
    if not others or not place.country_code:
        return [0.0, 0.0]
    country = (place.country_code, "")
    region = (place.country_code, place.admin1 or "")
    counts = article.region_counts
    return [(counts[country] - (country in own)) / others,
            (counts[region] - (region in own)) / others if place.admin1 else 0.0]


def candidate_rows(name: NameEvidence, article: ArticleEvidence, indices: Sequence[int]) -> list[list[float]]:
    """One row of feature_names() per candidate name.places[i] for i in indices."""
    best = max(name.hand)
    norm = sum(math.exp(h - best) for h in name.hand)
    order = sorted(range(len(name.hand)), key=lambda i: -name.hand[i])
    rank = {i: r for r, i in enumerate(order)}
    pops = sorted((p.population for p in name.places), reverse=True)
    log_max = math.log10(pops[0] + 1)
    others = article.others
    tally = others.tally(name.key)
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
            *_context(place, name.key, others, tally), *_support(place, name.key, article),
            *(1.0 if (place.feature_code or "") in group else 0.0 for _, group in codes),
        ])
    return rows
