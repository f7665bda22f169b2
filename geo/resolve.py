"""Toponym resolution: choose each mention's place from its candidates using the whole article."""
from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Sequence

from geo.names import name_key
from geo.types import Candidate, Mention, Place, PlaceIndex, Resolution
from geo.usstates import qualifier_abbreviations, us_states

__all__ = [
    "APPROXIMATE_CONFIDENCE",
    "APPROXIMATE_SOURCE",
    "approximate_place",
    "GENERIC_SUFFIXES",
    "prior",
    "lookup_keys",
    "qualifier_after",
    "km",
    "resolve",
]

# Abbreviations written in capitals (or with dots) that the gazetteer does not index, each with the
# names (and optionally the country) it may stand for; context picks among several ("SA").
_CANADA_AU = {
    "BC": (("British Columbia", "CA"),), "AB": (("Alberta", "CA"),), "ALTA": (("Alberta", "CA"),),
    "SK": (("Saskatchewan", "CA"),), "SASK": (("Saskatchewan", "CA"),), "MB": (("Manitoba", "CA"),),
    "ONT": (("Ontario", "CA"),), "QC": (("Quebec", "CA"),), "QUE": (("Quebec", "CA"),),
    "NS": (("Nova Scotia", "CA"),), "NB": (("New Brunswick", "CA"),), "PEI": (("Prince Edward Island", "CA"),),
    "NL": (("Newfoundland and Labrador", "CA"),), "NFLD": (("Newfoundland and Labrador", "CA"),),
    "NWT": (("Northwest Territories", "CA"),), "NSW": (("New South Wales", "AU"),),
    "QLD": (("Queensland", "AU"),), "NT": (("Northern Territory", "AU"),),
    "ACT": (("Australian Capital Territory", "AU"),), "TAS": (("Tasmania", "AU"),),
    "VIC": (("Victoria", "AU"),),
}
ABBREVIATIONS: dict[str, tuple[tuple[str, str | None], ...]] = {
    **{s.postal: ((s.name, "US"),) for s in us_states() if s.postal not in ("LA", "WA", "DC")},
    **_CANADA_AU,
    "SA": (("South Africa", None), ("South Australia", "AU")),
    "WA": (("Washington", "US"), ("Western Australia", "AU")),
    "LA": (("Los Angeles", "US"),), "DC": (("Washington, D.C.", "US"), ("District of Columbia", "US")),
    "NYC": (("New York City", "US"),), "SF": (("San Francisco", "US"),), "HK": (("Hong Kong", None),),
    "NZ": (("New Zealand", None),), "KSA": (("Saudi Arabia", None),), "PRC": (("China", None),),
    "ROK": (("South Korea", None),), "PNG": (("Papua New Guinea", None),), "BIH": (("Bosnia and Herzegovina", None),),
}

# Generic words whose removal may find the named thing ("Bekaa Valley" -> "Bekaa"); the shorter
# name then only counts for regions, units and physical features, never for towns.
GENERIC_SUFFIXES: tuple[str, ...] = (
    "valley", "heights", "region", "province", "governorate", "state", "county", "district",
    "mountains", "hills", "plain", "plains", "area", "territory", "oblast", "prefecture", "parish",
)

_CODE_BONUS: dict[str, float] = {
    "CONT": 9.0, "OCN": 8.0, "PCLI": 4.5, "TERR": 5.0, "RGN": 6.5, "SEA": 6.5, "GULF": 5.0,
    "ADM1": 2.3, "PPLC": 2.5, "ADM2": -0.3, "PPL": 0.0,
}
# Confidence given to a mention placed at the town mentioned nearest to it because the gazetteer
# lacks its own name ("Royal Street" -> New Orleans): a rough, marked-as-approximate placement.
APPROXIMATE_CONFIDENCE = 0.05
# Place.source of such a placement; its place_id is "approx:<name key>@<host place_id>".
APPROXIMATE_SOURCE = "approximate"
_PLACE_ID_MAX = 64  # the store's place_id column
_QUALIFIER = re.compile(r"\s*,\s*((?:[A-Z][\w.'’-]*\.?)(?:\s+(?:of\s+)?[A-Z][\w.'’-]*\.?){0,3})")
_EARTH_KM = 6371.0
CAPITAL_OVER_REGION = 1.5
_COMMA_ONLY = re.compile(r"[ \t]*,[ \t]*")


def km(a: Place, b: Place) -> float:
    """Great-circle distance between two places in km."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def prior(place: Place, key: str) -> float:
    """Context-free plausibility of place as the meaning of name key (bigger is likelier)."""
    code = place.feature_code or ""
    score = 0.9 * math.log10(place.population + 1)
    if place.source.startswith("naturalearth"):
        rank = int(place.source.partition(":")[2] or 10)
        score += max(1.0, 6.5 - 0.5 * rank, _CODE_BONUS.get(code, 0.0) if rank <= 3 else 0.0)
    else:
        score += _CODE_BONUS.get(code, 0.0)
    if place.source == "curated":
        score += 3.0
    if name_key(place.name) == key:
        score += 1.5
    return score


def approximate_place(name: str, host: Place) -> Place:
    """A stand-in Place for a name the gazetteer lacks, put at the point of the place hosting it.

    It keeps the mention's own name, so "Baba Amr" stays a feature of its own instead of being
    counted as a mention of Homs; it has no GeoNames id and no feature class or code (it is not a
    gazetteer entry), and takes the host's point, country and admin-1. The id is stable across
    articles: "approx:baba-amr@gn:169577" (a hash replaces the tail of over-long names).
    """
    slug = name_key(name).replace(" ", "-") or "unnamed"
    suffix = f"@{host.place_id}"
    room = _PLACE_ID_MAX - len("approx:") - len(suffix)
    if len(slug) > room:
        digest = hashlib.sha1(slug.encode("utf-8")).hexdigest()[:8]
        slug = f"{slug[: max(1, room - 9)]}~{digest}"
    return Place(
        place_id=f"approx:{slug}{suffix}",
        name=name,
        lat=host.lat,
        lon=host.lon,
        geonameid=None,
        country_code=host.country_code,
        feature_class=None,
        feature_code=None,
        population=0,
        admin1=host.admin1,
        source=APPROXIMATE_SOURCE,
    )


def lookup_keys(name: str) -> list[tuple[str, bool]]:
    """Keys to try for a mention name, in order, each with whether towns may match it."""
    key = name_key(name)
    keys = [(key, True)]
    if key.startswith("the "):
        keys.append((key[4:], True))
    if key.endswith(" s") and len(key) > 3:
        keys.append((key[:-2], True))
    words = key.split()
    if len(words) > 1 and words[-1] == "city":
        keys.append((" ".join(words[:-1]), True))
    elif len(words) > 1 and words[-1] in GENERIC_SUFFIXES:
        keys.append((" ".join(words[:-1]), False))
    return keys


def qualifier_after(text: str, end: int) -> str | None:
    """The "Pennsylvania" of "Lebanon, Pennsylvania" right after a mention ending at end, if any."""
    match = _QUALIFIER.match(text, end, min(len(text), end + 40))
    if not match:
        return None
    return match.group(1).rstrip(".,")


@dataclass
class _Group:
    """All mentions of one name in the article: they share one meaning."""

    key: str
    demonym: bool = False
    indices: list[int] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    base: list[float] = field(default_factory=list)
    regions: set[tuple[str, str | None]] = field(default_factory=set)  # qualifiers: (cc, admin1|None)
    state: bool = False  # written as a US state abbreviation somewhere
    qualifies: list["_Group | None"] = field(default_factory=list)  # mentions this one qualifies
    choice: Place | None = None
    confidence: float = 0.0


def abbreviation_names(name: str) -> tuple[tuple[str, str | None], ...]:
    """What a capitalised abbreviation ("BC", "B.C.", "NSW", "SA") may stand for: (name, country)."""
    letters = name.replace(".", "").replace(" ", "")
    if not (1 < len(letters) <= 4 and letters.isalpha()):
        return ()
    if not (letters.isupper() or ("." in name and letters[0].isupper())):
        return ()
    return ABBREVIATIONS.get(letters.upper(), ())


def _candidates(index: PlaceIndex, name: str, limit: int) -> tuple[str, list[Place]]:
    """The first lookup key with places, and those places (towns dropped for generic-stripped keys).

    Capitalised abbreviations add the places they stand for ("BC" -> British Columbia).
    """
    expansions = abbreviation_names(name)
    if expansions:
        places: list[Place] = []
        for full, cc in expansions:
            for place in index.candidates(full, limit=10):
                if cc is not None and place.country_code != cc:
                    continue
                if place.feature_class == "P" and name_key(place.name) != name_key(full):
                    continue  # towns only under the full name itself, not as its namesakes' alias
                if place not in places:
                    places.append(place)
        if places:
            key = name_key(expansions[0][0]) if len(expansions) == 1 else name_key(name)
            return key, places
    for key, towns_ok in lookup_keys(name):
        places = index.candidates(key, limit=limit)
        if not towns_ok:
            places = [p for p in places if p.feature_class != "P"]
        if places:
            return key, places
    return name_key(name), []


def _qualifier_regions(index: PlaceIndex, qualifier: str, cache: dict) -> set[tuple[str, str | None]]:
    """(country, admin1) pairs a qualifier like "Pa." / "Texas" / "Syria" names."""
    if qualifier in cache:
        return cache[qualifier]
    name = qualifier_abbreviations().get(qualifier.rstrip("."), qualifier)
    regions: set[tuple[str, str | None]] = set()
    for place in index.candidates(name, limit=10):
        if place.feature_code == "PCLI" and place.country_code:
            regions.add((place.country_code, None))
        elif place.feature_code == "ADM1" and place.country_code:
            regions.add((place.country_code, place.admin1 or place.name))
    cache[qualifier] = regions
    return regions


def _softmax_top(scores: list[float]) -> float:
    """Probability mass of the best score under a softmax."""
    best = max(scores)
    return 1.0 / sum(math.exp(s - best) for s in scores)


def _choose(group: _Group, extra: list[float]) -> None:
    """Set the group's choice and confidence from base plus extra scores."""
    totals = [b + e for b, e in zip(group.base, extra)]
    best = max(range(len(totals)), key=totals.__getitem__)
    group.choice = group.places[best]
    group.confidence = _softmax_top(totals)
    group.base_totals = totals  # type: ignore[attr-defined]


def resolve(text: str, mentions: Sequence[Mention], index: PlaceIndex, limit: int = 60) -> list[Resolution]:
    """One Resolution per mention (same order): the chosen place, a confidence and alternatives."""
    groups: dict[str, _Group] = {}
    order: list[_Group | None] = []
    qualifier_cache: dict = {}
    retrieved: dict[str, tuple[str, list[Place]]] = {}
    for i, mention in enumerate(mentions):
        if mention.name not in retrieved:
            retrieved[mention.name] = _candidates(index, mention.name, limit)
        key, places = retrieved[mention.name]
        if not places:
            order.append(None)
            continue
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(key=key, places=places)
            group.base = [prior(p, key) for p in places]
            _favour_capitals(group)
        group.indices.append(i)
        group.demonym = group.demonym or mention.kind == "demonym"
        qualifier = qualifier_after(text, mention.end)
        if qualifier:
            group.regions |= _qualifier_regions(index, qualifier, qualifier_cache)
        if mention.surface != mention.name and qualifier_abbreviations().get(mention.surface.rstrip(".")) == mention.name:
            group.state = True  # "Wash." is the state, never the capital
        if i > 0 and _COMMA_ONLY.fullmatch(text, mentions[i - 1].end, mention.start):
            group.qualifies.append(order[i - 1])  # "Wash." in "Camp Murray, Wash."
        order.append(group)

    _add_support(groups)
    for group in groups.values():
        if group.demonym:
            group.base = [b + (3.0 if p.feature_code in ("PCLI", "CONT", "RGN") else 0.0)
                          for b, p in zip(group.base, group.places)]
        if group.regions:
            group.base = [b + _qualifier_bonus(p, group.regions) for b, p in zip(group.base, group.places)]
        if group.state:
            group.base = [b + (4.0 if p.feature_code == "ADM1" and p.country_code == "US" else 0.0)
                          for b, p in zip(group.base, group.places)]
        if group.qualifies:
            group.base = [b + _container_bonus(p, group.qualifies) for b, p in zip(group.base, group.places)]
        _choose(group, [0.0] * len(group.places))

    for _ in range(3):
        _rescore(groups)

    results: list[Resolution] = []
    for i, group in enumerate(order):
        if group is None:
            host = _nearest_host(mentions, order, i)
            if host is None:
                results.append(Resolution(place=None, confidence=0.0))
            else:
                results.append(Resolution(
                    place=approximate_place(mentions[i].name, host),
                    confidence=APPROXIMATE_CONFIDENCE,
                    alternatives=(Candidate(place=host, score=APPROXIMATE_CONFIDENCE),),
                ))
            continue
        totals: list[float] = group.base_totals  # type: ignore[attr-defined]
        best = max(totals)
        norm = sum(math.exp(t - best) for t in totals)
        ranked = sorted(zip(totals, group.places), key=lambda tp: -tp[0])
        alternatives = tuple(
            Candidate(place=p, score=round(math.exp(t - best) / norm, 4))
            for t, p in ranked[1:6]
        )
        results.append(Resolution(place=group.choice, confidence=round(group.confidence, 4),
                                  alternatives=alternatives))
    return results


_SUPPORT_K = 12
_CELL = 2.0
_AREAL = frozenset({"PCLI", "CONT", "OCN", "RGN", "SEA", "TERR"})
# Physical features whose point stands for a wide area (a gulf, a range, a desert, a peninsula):
# nearness to their point says little, so unlike local features (a river, a lake, a peak, a park)
# they get no bonus for lying near the article's other places (_rescore) and count as inside no
# country (_add_support).
_BROAD = _AREAL | frozenset({
    "GULF", "BAY", "STRT", "CHN", "SD", "ISHF", "GLCR", "MTS", "DSRT", "PLAT", "PLN", "BSN", "LWLD",
    "DPR", "PEN", "ISLS", "CST", "DLTA", "VAL",
})
_PHYSICAL_CLASSES = frozenset("HTLSVU")
# Rivers and canals: their point is one spot on a line hundreds of km long, so places that far
# from it may still lie on it.
_LINEAR = frozenset({"STM", "STMI", "CNL"})
_LINEAR_KM = 150.0


def _cell(place: Place) -> tuple[int, int]:
    """The coarse grid cell of a place."""
    return int(math.floor(place.lat / _CELL)), int(math.floor(place.lon / _CELL))


def _is_local_feature(place: Place) -> bool:
    """A physical feature with a meaningful point (a river, lake, peak, park), not a wide area."""
    return place.feature_class in _PHYSICAL_CLASSES and place.feature_code not in _BROAD


def _takes_context(place: Place) -> bool:
    """Whether spatial and country context applies: towns and units, and local physical features."""
    return place.feature_class in ("P", "A") or _is_local_feature(place)


def _slack_km(a: Place, b: Place) -> float:
    """Distance below which two points count as together: more when either is a river's point."""
    return _LINEAR_KM if a.feature_code in _LINEAR or b.feature_code in _LINEAR else 0.0


def _add_support(groups: dict[str, _Group]) -> None:
    """Raise candidates that other names' plausible candidates lie near or inside (or contain)."""
    if len(groups) < 2:
        return
    cells: dict[tuple[int, int], list[tuple[str, Place, float]]] = defaultdict(list)
    countries: dict[str, dict[str, float]] = defaultdict(dict)  # cc -> group -> weight (PCLI there)
    admins: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)  # ADM1 candidates
    inside_cc: dict[str, dict[str, float]] = defaultdict(dict)  # cc -> group -> weight (place in cc)
    inside_adm: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    tops: dict[str, list[tuple[Place, float]]] = {}
    for key, group in groups.items():
        best = max(group.base)
        ranked = sorted(zip(group.places, group.base), key=lambda pb: -pb[1])[:_SUPPORT_K]
        top = [(p, min(1.0, math.exp(-(best - b - 1.5) / 1.5))) for p, b in ranked]
        tops[key] = top
        for place, weight in top:
            cc = place.country_code
            if place.feature_code == "PCLI" and cc:
                _keep_max(countries[cc], key, weight)
                continue
            if place.feature_code == "ADM1" and cc and place.admin1:
                _keep_max(admins[(cc, place.admin1)], key, weight)
            elif cc and _takes_context(place):
                _keep_max(inside_cc[cc], key, weight)
                if place.admin1:
                    _keep_max(inside_adm[(cc, place.admin1)], key, weight)
            if place.feature_code not in _AREAL:
                cells[_cell(place)].append((key, place, weight))
    for key, group in groups.items():
        extra = []
        for place, base in zip(group.places, group.base):
            support: dict[str, float] = {}
            cc = place.country_code
            if cc and place.feature_code == "PCLI":
                for other, w in inside_cc[cc].items():
                    _keep_max(support, other, 0.5 * w)
            elif cc:
                for other, w in countries[cc].items():
                    _keep_max(support, other, 0.7 * w)
                if place.admin1 and place.feature_code != "ADM1":
                    for other, w in admins[(cc, place.admin1)].items():
                        _keep_max(support, other, w)
                if place.feature_code == "ADM1" and place.admin1:
                    for other, w in inside_adm[(cc, place.admin1)].items():
                        _keep_max(support, other, 0.8 * w)
            if place.feature_code not in _AREAL:
                ci, cj = _cell(place)
                reach = 2 if place.feature_code in _LINEAR else 1
                for di in range(-reach, reach + 1):
                    for dj in range(-reach, reach + 1):
                        for other, near, w in cells.get((ci + di, cj + dj), ()):
                            if other != key:
                                d = km(place, near) - _slack_km(place, near)
                                _keep_max(support, other, w * (1.0 if d < 60 else math.exp(-(d - 60) / 150)))
            support.pop(key, None)
            extra.append(1.5 * min(3.0, sum(support.values())))
        group.base = [b + e for b, e in zip(group.base, extra)]


def _keep_max(table: dict[str, float], key: str, value: float) -> None:
    """table[key] = max(table[key], value)."""
    if value > table.get(key, 0.0):
        table[key] = value


def _nearest_host(mentions: Sequence[Mention], order: list[_Group | None], i: int) -> Place | None:
    """For a name the gazetteer lacks: a confident town of the article's main country, nearest in the text."""
    countries: Counter[str] = Counter()
    for group in order:
        if group is not None and group.choice is not None and group.choice.country_code:
            countries[group.choice.country_code] += 1
    best: tuple[int, int, Place] | None = None
    for j, group in enumerate(order):
        if group is None or group.choice is None or group.confidence < 0.5:
            continue
        if group.choice.feature_class != "P" and group.choice.feature_code not in ("ADM2", "ADM3"):
            continue
        rank = (-countries[group.choice.country_code or ""], abs(mentions[j].start - mentions[i].start))
        if best is None or rank < best[:2]:
            best = (*rank, group.choice)
    return best[2] if best else None


def _qualifier_bonus(place: Place, regions: set[tuple[str, str | None]]) -> float:
    """Reward places inside a region named right after the mention; penalise the others."""
    for cc, admin1 in regions:
        if place.country_code == cc and (admin1 is None or place.admin1 == admin1):
            return 6.0 if place.feature_code not in ("PCLI", "ADM1") else 2.0
    return -2.0


def _favour_capitals(group: _Group) -> None:
    """A national capital outranks a first-level region of its own name and country: on its
    own, "Washington" (like "Mexico City" or "Brussels") in the news is the capital. So does a
    city that holds a good share of the region named after it."""
    regions = {(p.country_code, p.admin1): p.population for p in group.places if p.feature_code == "ADM1"}
    if not regions:
        return
    adm1_ccs = {cc for cc, _ in regions}

    def bonus(p: Place) -> float:
        if p.feature_code == "PPLC" and p.country_code in adm1_ccs:
            return CAPITAL_OVER_REGION
        # A city that dominates the region named after it ("Istanbul", "Aleppo"), not a
        # provincial capital in a large province ("Quebec").
        held = regions.get((p.country_code, p.admin1))
        if (p.feature_class == "P" and held is not None and name_key(p.name) == group.key
                and p.population >= 0.25 * held):
            return CAPITAL_OVER_REGION + 1.0  # the region's population double-counts its towns
        return 0.0

    group.base = [b + bonus(p) for b, p in zip(group.base, group.places)]


def _container_bonus(place: Place, qualified: list[_Group | None]) -> float:
    """For a mention written right after another one ("Camp Murray, Wash."): favour the country
    or first-level region that holds a meaning of the other name (any region if it has none)."""
    if place.feature_code not in ("PCLI", "ADM1") or not place.country_code:
        return 0.0
    for other in qualified:
        if other is None:
            return 1.5
        for inner in other.places:
            if inner.country_code == place.country_code and inner is not place and (
                    place.feature_code == "PCLI" or (inner.admin1 and inner.admin1 == place.admin1)):
                return 3.0
    return 0.0


def _rescore(groups: dict[str, _Group]) -> None:
    """Re-choose every group with article context taken from the other groups' current choices."""
    chosen = [(g.key, g.choice, g.confidence, len(g.indices)) for g in groups.values() if g.choice]
    total = sum(w for *_, w in chosen) or 1
    countries: Counter[str] = Counter()
    admins: Counter[tuple[str, str]] = Counter()
    for _key, place, _conf, weight in chosen:
        if place.country_code:
            countries[place.country_code] += weight
        if place.country_code and place.admin1:
            admins[(place.country_code, place.admin1)] += weight
    anchors = [(key, place, weight) for key, place, conf, weight in chosen
               if conf >= 0.5 and place.feature_code not in ("CONT", "OCN", "RGN")]
    for group in groups.values():
        own = len(group.indices)
        extra: list[float] = []
        for place, base in zip(group.places, group.base):
            bonus = 0.0
            cc = place.country_code
            if cc:
                same = countries[cc] - (own if group.choice and group.choice.country_code == cc else 0)
                others = total - own
                if same > 0 and others > 0:
                    bonus += 1.0 + 2.5 * same / others
            if cc and place.admin1 and place.feature_code != "ADM1":
                same_admin = admins[(cc, place.admin1)] - (
                    own if group.choice and (group.choice.country_code, group.choice.admin1) == (cc, place.admin1) else 0
                )
                if same_admin > 0:
                    bonus += 0.8 + 1.5 * min(1.0, same_admin / max(1, total - own))
            if anchors and _takes_context(place):
                nearest = min((max(0.0, km(place, other) - _slack_km(place, other))
                               for key, other, _w in anchors if key != group.key), default=None)
                if nearest is not None:
                    bonus += 2.0 * math.exp(-nearest / 250.0)
            extra.append(bonus)
        _choose(group, extra)
