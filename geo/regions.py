"""Relative regional names ("West Coast", "the Gulf", "the South") read as a region of the article's country.

Such a name means a different place in each country: "West Coast" is the Pacific coast in an
American article and a New Zealand region in a New Zealand one; "the Gulf" is the Persian Gulf in
a Gulf-state article. ``geo/data/lexicon/relative_regions.tsv`` lists, per name and country, the
place meant (a gazetteer entry when there is one, else a point with its source). ``relative_regions``
re-reads the resolver's answers: a mention of a listed name in an article whose other places lie
mostly in one listed country is put at that row's place; any other mention keeps its resolution.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Sequence

from geo import lexicon
from geo.names import name_key
from geo.types import Candidate, Mention, Place, PlaceIndex, Resolution

__all__ = ["REGION_PREFIX", "REGION_SOURCE", "RegionRow", "dominant_country", "region_key", "region_rows",
           "relative_regions"]

# Place.source and place_id prefix of a listed region the gazetteer lacks ("rgn:west-coast@US").
REGION_SOURCE = "relative region"
REGION_PREFIX = "rgn:"
_LIMIT = 60  # candidates looked at when finding a row's gazetteer entry by its name


@dataclass(frozen=True)
class RegionRow:
    """One row of the table: the place a name means in an article about ``country``."""

    name: str
    country: str
    place_name: str
    place_id: str
    lat: float
    lon: float


def region_key(name: str) -> str:
    """The table key of a name: its name key without a leading "the" ("the Gulf" -> "gulf")."""
    key = name_key(name)
    return key[4:] if key.startswith("the ") else key


@cache
def region_rows() -> dict[tuple[str, str], RegionRow]:
    """(name key, country code) -> the row of ``relative_regions.tsv`` for it."""
    rows: dict[tuple[str, str], RegionRow] = {}
    for names, countries, place_name, place_id, lat, lon, *_source in lexicon.table("relative_regions"):
        for country in countries.split("|"):
            for name in names.split("|"):
                rows[(region_key(name), country)] = RegionRow(name, country, place_name, place_id,
                                                              float(lat), float(lon))
    return rows


def dominant_country(resolutions: Sequence[Resolution], skip: set[int]) -> tuple[str, float] | None:
    """The country most of the resolved mentions (those not in skip) lie in, and its share of them;
    None when there is none or two countries tie. Approximate placements and relative regions do
    not count (they take a country from the others)."""
    countries: Counter[str] = Counter()
    for i, resolution in enumerate(resolutions):
        place = resolution.place
        if i in skip or place is None or not place.country_code or place.feature_class is None:
            continue
        countries[place.country_code] += 1
    ranked = countries.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0], ranked[0][1] / sum(countries.values())


def _row_place(row: RegionRow, index: PlaceIndex) -> Place:
    """The row's gazetteer entry, or a stand-in Place at the row's point."""
    if row.place_id:
        for place in index.candidates(row.place_name, limit=_LIMIT):
            if place.place_id == row.place_id:
                return place
    slug = region_key(row.name).replace(" ", "-")
    return Place(place_id=f"{REGION_PREFIX}{slug}@{row.country}", name=row.place_name, lat=row.lat, lon=row.lon,
                 country_code=row.country, feature_class="L", feature_code="RGN", source=REGION_SOURCE)


def relative_regions(mentions: Sequence[Mention], resolutions: Sequence[Resolution],
                     index: PlaceIndex) -> list[Resolution]:
    """The resolutions with each listed relative name put at its region of the article's dominant country.

    The confidence of such a placement is the dominant country's share of the other resolved
    mentions; the resolver's own choice stays as the alternative.
    """
    rows = region_rows()
    names = {key for key, _cc in rows}
    listed = {i for i, m in enumerate(mentions) if region_key(m.name) in names}
    out = list(resolutions)
    if not listed:
        return out
    found = dominant_country(resolutions, listed)
    if found is None:
        return out
    country, share = found
    for i in listed:
        row = rows.get((region_key(mentions[i].name), country))
        if row is None:
            continue
        own = resolutions[i].place
        alternatives = (Candidate(place=own, score=round(1.0 - share, 4)),) if own is not None else ()
        out[i] = Resolution(place=_row_place(row, index), confidence=round(share, 4), alternatives=alternatives)
    return out
