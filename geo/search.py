"""Gazetteer search for reviewers: alternate names, transliterations and "Town, State" qualifiers.

``search(index, "Beqaa")`` finds Al Biqā‘ (a spelling variant of its alternate name "Bekaa");
``search(index, "Springfield, IL")`` the Illinois one first. Results are ranked: places inside
the qualifier's region, then by how the name matched (primary name, alternate name, spelling
variant, prefix), then by the feature's importance and population. The rule tables are data:
``geo/data/lexicon/search_kinds.tsv``, ``search_spellings.tsv`` and ``search_articles.txt``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Iterable, Protocol

from geo import lexicon
from geo.countries import country_name
from geo.gazetteer import COUNTRY_CODES, NameMatch
from geo.names import name_key
from geo.types import Place
from geo.usstates import qualifier_abbreviations

__all__ = [
    "MATCH_TIERS",
    "MAX_VARIANTS",
    "SearchIndex",
    "SearchResult",
    "Region",
    "feature_kind",
    "feature_rank",
    "spelling_variants",
    "search",
]

#: How a name matched, best first (the first key of a result's rank after the qualifier).
MATCH_TIERS: tuple[str, ...] = ("name", "alternate", "variant", "prefix")
#: The most spelling variants tried for one name (breadth first: the closest ones).
MAX_VARIANTS = 400
_VARIANT_STEPS = 3
_MIN_PREFIX = 3
_CITY_POPULATION = 100_000
_REGION_CODES = frozenset((*COUNTRY_CODES, "ADM1"))


class SearchIndex(Protocol):
    """What search needs of a gazetteer (geo.gazetteer.OfflineGazetteer)."""

    def name_matches(self, keys: Iterable[str], limit: int = 50) -> list[NameMatch]: ...

    def prefix_matches(self, prefix: str, limit: int = 50) -> list[NameMatch]: ...


@dataclass(frozen=True)
class Region:
    """A qualifier's region: a country, or a first-level region of one."""

    country_code: str
    admin1: str | None


@dataclass(frozen=True)
class SearchResult:
    """One place found, how its name matched, and what a reviewer needs to tell namesakes apart."""

    place: Place
    match: str  # one of MATCH_TIERS
    in_region: bool  # inside the qualifier's region (True when there is no qualifier)
    country: str | None  # the country's name
    kind: str  # "country", "region (admin-1)", "city", ...


@cache
def _kinds() -> dict[str, tuple[int, str]]:
    return {code: (int(rank), kind) for code, rank, kind in lexicon.table("search_kinds")}


def _kind_row(place: Place) -> tuple[int, str] | None:
    """The place's row of search_kinds.tsv: its source's (postal, manual, approximate), else its feature
    code's, else its feature class's; None when none is listed."""
    kinds = _kinds()
    return kinds.get(place.source) or kinds.get(place.feature_code or "") or kinds.get(f"class:{place.feature_class}")


def feature_rank(place: Place) -> int:
    """How important a place's kind is (0: continents and countries; larger: less)."""
    found = _kind_row(place)
    return found[0] if found else 6


def feature_kind(place: Place) -> str:
    """The place's kind in words ("country", "region (admin-1)", "city", "town", "river", ...)."""
    found = _kind_row(place)
    kind = found[1] if found else "place"
    if kind == "populated place":
        return "city" if place.population >= _CITY_POPULATION else "town"
    return kind


@cache
def _spelling_rules() -> tuple[tuple[str, str], ...]:
    pairs = [(a, b) for a, b in lexicon.table("search_spellings")]
    return tuple(pairs + [(b, a) for a, b in pairs])


@cache
def _articles() -> tuple[str, ...]:
    order = ("al", "el", "ad", "an", "ar", "as", "ash", "at", "az", "ath")
    known = lexicon.words("search_articles")
    return tuple(a for a in order if a in known) + tuple(sorted(known - set(order)))


def _one_step(key: str) -> Iterable[str]:
    """Keys one rule away: one substitution at one place, or an article dropped or added."""
    head, _, rest = key.partition(" ")
    if rest and head in _articles():
        yield rest
    elif " " not in key:
        yield from (f"{a} {key}" for a in _articles()[:2])
    for old, new in _spelling_rules():
        at = key.find(old)
        while at >= 0:
            yield key[:at] + new + key[at + len(old):]
            at = key.find(old, at + 1)


def spelling_variants(key: str, limit: int = MAX_VARIANTS) -> dict[str, int]:
    """Other spellings of a name key (not the key itself) -> how many rules away, closest first."""
    out: dict[str, int] = {}
    frontier = [key]
    for steps in range(1, _VARIANT_STEPS + 1):
        following = []
        for k in frontier:
            for v in _one_step(k):
                if v and v != key and v not in out:
                    out[v] = steps
                    following.append(v)
                    if len(out) >= limit:
                        return out
        frontier = following
    return out


def _regions(index: SearchIndex, qualifier: str) -> list[Region]:
    """The countries or first-level regions a qualifier names ("IL", "Pa.", "Texas", "Syria")."""
    text = qualifier.strip().rstrip(".")
    states = qualifier_abbreviations()
    state = states.get(text) or states.get(text.upper()) or states.get(text.title())
    keys = [name_key(state)] if state else [name_key(text)]
    regions = []
    for m in index.name_matches(keys, limit=20):
        p = m.place
        if p.feature_code in _REGION_CODES and p.country_code:
            admin1 = p.admin1 or p.name if p.feature_code == "ADM1" else None
            regions.append(Region(p.country_code, admin1))
    return regions


def _inside(place: Place, regions: list[Region]) -> bool:
    return any(
        place.country_code == r.country_code and (r.admin1 is None or place.admin1 == r.admin1)
        for r in regions
    )


def _matches(index: SearchIndex, key: str, limit: int) -> list[tuple[NameMatch, str, int]]:
    """(match, tier, steps) for a name key: exact names, then spelling variants, then prefixes."""
    found = [(m, "name" if m.primary else "alternate", 0) for m in index.name_matches([key], limit)]
    if len(found) < limit:
        variants = spelling_variants(key)
        found += [(m, "variant", variants.get(m.key, 0)) for m in index.name_matches(variants, limit)]
    if len(found) < limit and len(key) >= _MIN_PREFIX:
        found += [(m, "prefix", 0) for m in index.prefix_matches(key, limit) if m.key != key]
    return found


def _tier(match: NameMatch, tier: str) -> int:
    # A country or continent known by another name ("Burma") counts as found by its name.
    if tier == "alternate" and feature_rank(match.place) == 0:
        tier = "name"
    return MATCH_TIERS.index(tier)


def _rank(match: NameMatch, tier: str, steps: int, regions: list[Region]) -> tuple[int, ...]:
    """The sort key: inside the qualifier, how the name matched, how far a variant, importance."""
    p = match.place
    inside = not regions or _inside(p, regions)
    return (0 if inside else 1, _tier(match, tier), steps, feature_rank(p), -p.population)


def search(index: SearchIndex, query: str, limit: int = 12) -> list[SearchResult]:
    """Places for "Name", "Name, Region" or "Name, Country" (qualifiers narrow and rank), best first."""
    head, *qualifiers = [part.strip() for part in query.split(",")]
    key = name_key(head)
    if not key:
        return []
    pool = max(limit * 4, 50)
    best: dict[str, tuple[tuple[int, ...], NameMatch]] = {}
    regions = [r for q in qualifiers if q for r in _regions(index, q)]
    for match, tier, steps in _matches(index, key, pool):
        rank = _rank(match, tier, steps, regions)
        known = best.get(match.place.place_id)
        if known is None or rank < known[0]:
            best[match.place.place_id] = (rank, match)
    ranked = sorted(best.values(), key=lambda item: item[0])
    if regions and any(rank[0] == 0 for rank, _m in ranked):
        ranked = [r for r in ranked if r[0][0] == 0]  # the qualifier narrows when it can
    return [
        SearchResult(m.place, MATCH_TIERS[rank[1]], rank[0] == 0,
                     country_name(m.place.country_code), feature_kind(m.place))
        for rank, m in ranked[:limit]
    ]
