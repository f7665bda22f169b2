"""A story's setting: the area its uploader says it is set in ("Jordan, Minnesota"), read as a home area.

A one-place local story ("The Jordan boys' team plays at 3:30 p.m.") says nothing of which Jordan it
means; its newsroom knows. The setting is context of the same kind as a publication's home area
(geo.home): towns and units in its first-level region (and country) are raised, and text evidence
still outweighs it. The Edinburgh Geoparser's locality option does the same.
"""
from __future__ import annotations

from dataclasses import replace
from functools import cache

from geo import lexicon
from geo.countries import country_name
from geo.errors import GeoError
from geo.home import HomeArea
from geo.names import name_key
from geo.resolve import inside, prior, qualifier_regions
from geo.types import Place, PlaceIndex

__all__ = ["MAX_SETTING_CHARS", "SettingNotFound", "find_setting", "read_setting", "setting_label", "with_setting"]

#: The longest setting an uploader may write.
MAX_SETTING_CHARS = 200
_LOOKUP_LIMIT = 60


class SettingNotFound(GeoError):
    """The setting names no country, region or town the gazetteer knows."""

    status_code = 400


@cache
def _codes() -> dict[str, frozenset[str]]:
    return lexicon.sets("resolve_feature_codes")


def _is_country(place: Place) -> bool:
    return place.feature_code in _codes()["setting_countries"] and bool(place.country_code)


def _is_unit(place: Place) -> bool:
    """A town or an administrative unit inside a first-level region."""
    local = place.feature_class == "P" or place.feature_code in _codes()["setting_units"]
    return local and bool(place.country_code and place.admin1)


def read_setting(written: object) -> str:
    """A setting as written in a form or a JSON body: its words with single spaces ("" when none);
    SettingNotFound when it is no text or too long to be a place."""
    if written is None:
        return ""
    if not isinstance(written, str):
        raise SettingNotFound("The setting must be a place name, written as text.")
    setting = " ".join(written.split())
    if len(setting) > MAX_SETTING_CHARS:
        raise SettingNotFound(f"The setting is a place name of at most {MAX_SETTING_CHARS} characters.")
    return setting


def find_setting(index: PlaceIndex, written: str) -> Place:
    """The place a setting names: "Minnesota", "Ireland", or a town with its region or country after a
    comma ("Jordan, Minnesota"); the likeliest by the resolver's prior. SettingNotFound otherwise."""
    name, _comma, qualifier = written.strip().partition(",")
    key = name_key(name)
    places = [p for p in index.candidates(name.strip(), limit=_LOOKUP_LIMIT) if _is_country(p) or _is_unit(p)]
    if qualifier.strip():
        regions = qualifier_regions(index, qualifier.strip())  # as the resolver reads "Jordan, Minn."
        places = [p for p in places if inside(p, regions)]
    if not key or not places:
        raise SettingNotFound(
            f"“{written.strip()}” is no place the gazetteer knows: name a country, a state or province, "
            "or a town with its state or country (“Jordan, Minnesota”)."
        )
    return max(places, key=lambda p: prior(p, key))


def setting_label(place: Place) -> str:
    """How the story page names a setting: "Jordan, Minnesota, United States", "Ireland"."""
    country = country_name(place.country_code) or place.country_code or ""
    if _is_country(place):
        return country or place.name
    parts = [place.name] if place.name != place.admin1 else []
    return ", ".join(part for part in (*parts, place.admin1, country) if part)


def with_setting(home: HomeArea | None, place: Place) -> HomeArea:
    """The publication's home area (or none) with the setting found at ``place``: its first-level region
    (a town's or a unit's) and its country."""
    region = (place.country_code or "", place.admin1 or "") if _is_unit(place) else None
    return replace(home or HomeArea(), setting=setting_label(place), setting_region=region,
                   setting_country=place.country_code or "")
