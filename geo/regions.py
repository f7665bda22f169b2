"""Relative regional names ("West Coast", "the Gulf", "the South") read as a region of the article's country.

Such a name means a different place in each country: "West Coast" is the Pacific coast in an
American article and a New Zealand region in a New Zealand one; "the Gulf" is the Persian Gulf in
a Gulf-state article. ``geo/data/lexicon/relative_regions.tsv`` lists, per name and country, the
place meant (a gazetteer entry when there is one, else a point with its source). ``relative_regions``
re-reads the resolver's answers: a mention of a listed name in an article whose other places lie
mostly in one row's country (or group of countries: the Gulf states) is put at that row's place;
any other mention keeps its resolution.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Sequence

from geo import lexicon
from geo.names import name_key
from geo.types import Candidate, Mention, Place, PlaceIndex, Resolution

__all__ = ["REGION_PREFIX", "REGION_SOURCE", "RegionRow", "area_row", "country_places", "region_key", "region_rows",
           "relative_regions"]

# Place.source and place_id prefix of a listed region the gazetteer lacks ("rgn:west-coast@US").
REGION_SOURCE = "relative region"
REGION_PREFIX = "rgn:"
_LIMIT = 60  # candidates looked at when finding a row's gazetteer entry by its name


@dataclass(frozen=True)
class RegionRow:
    """One row of the table: the place a name means in an article about one of ``countries``."""

    name: str
    countries: frozenset[str]
    place_name: str
    place_id: str
    lat: float
    lon: float


def region_key(name: str) -> str:
    """The table key of a name: its name key without a leading "the" ("the Gulf" -> "gulf")."""
    key = name_key(name)
    return key[4:] if key.startswith("the ") else key


@cache
def region_rows() -> dict[str, tuple[RegionRow, ...]]:
    """Name key -> the rows of ``relative_regions.tsv`` for it, one per area (set of countries)."""
    rows: dict[str, tuple[RegionRow, ...]] = {}
    for names, countries, place_name, place_id, lat, lon, *_source in lexicon.table("relative_regions"):
        for name in names.split("|"):
            row = RegionRow(name, frozenset(countries.split("|")), place_name, place_id, float(lat), float(lon))
            rows[region_key(name)] = (*rows.get(region_key(name), ()), row)
    return rows


def country_places(resolutions: Sequence[Resolution], skip: set[int]) -> Counter[str]:
    """Country -> how many different places the resolved mentions (those not in skip) chose there.

    Approximate placements and relative regions do not count (they take a country from the others).
    """
    seen: dict[str, str] = {}
    for i, resolution in enumerate(resolutions):
        place = resolution.place
        if i not in skip and place is not None and place.country_code and place.feature_class is not None:
            seen[place.place_id] = place.country_code
    return Counter(seen.values())


def area_row(rows: Sequence[RegionRow], countries: Counter[str]) -> tuple[RegionRow, float] | None:
    """The row whose area holds most of the article's places, and its share of them; None when no
    row's area holds any, two rows tie, or a country outside the chosen area holds more."""
    held = sorted(((sum(countries[c] for c in row.countries), k) for k, row in enumerate(rows)), reverse=True)
    best, k = held[0]
    if best == 0 or (len(held) > 1 and held[1][0] == best):
        return None
    row = rows[k]
    if any(n > best for c, n in countries.items() if c not in row.countries):
        return None
    return row, best / sum(countries.values())


def _row_place(row: RegionRow, index: PlaceIndex) -> Place:
    """The row's gazetteer entry, or a stand-in Place at the row's point."""
    if row.place_id:
        for place in index.candidates(row.place_name, limit=_LIMIT):
            if place.place_id == row.place_id:
                return place
    slug = region_key(row.name).replace(" ", "-")
    area = "-".join(sorted(row.countries))
    country = area if len(row.countries) == 1 else None
    return Place(place_id=f"{REGION_PREFIX}{slug}@{area}", name=row.place_name, lat=row.lat, lon=row.lon,
                 country_code=country, feature_class="L", feature_code="RGN", source=REGION_SOURCE)


def relative_regions(mentions: Sequence[Mention], resolutions: Sequence[Resolution],
                     index: PlaceIndex) -> list[Resolution]:
    """The resolutions with each listed relative name put at its region of the article's area.

    The area is the row's country or countries holding most of the article's other places
    (``area_row``); the confidence of such a placement is their share, and the resolver's own
    choice stays as the alternative.
    """
    rows = region_rows()
    listed = {i for i, m in enumerate(mentions) if region_key(m.name) in rows}
    out = list(resolutions)
    if not listed:
        return out
    countries = country_places(resolutions, listed)
    for i in listed:
        found = area_row(rows[region_key(mentions[i].name)], countries)
        if found is None:
            continue
        row, share = found
        own = resolutions[i].place
        alternatives = (Candidate(place=own, score=round(1.0 - share, 4)),) if own is not None else ()
        out[i] = Resolution(place=_row_place(row, index), confidence=round(share, 4), alternatives=alternatives)
    return out
