"""Where candidate places come from: the offline gazetteer, or any geopy geocoder by configuration.

Recognition always asks the offline index which names exist (that needs thousands of look-ups an
article); resolution can take its candidates from an online geocoder such as a Nominatim server.
An online geocoder that fails never fails an article: its names fall back to the offline index.
"""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import fields
from typing import Any, Iterable

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from geo.names import name_key
from geo.types import NameInfo, Place, PlaceIndex

__all__ = ["GEOCODERS", "PUBLIC_NOMINATIM", "GeocoderIndex", "make_geocoder", "place_from_location"]

log = logging.getLogger(__name__)

GEOCODERS = ("offline", "nominatim")
PUBLIC_NOMINATIM = "nominatim.openstreetmap.org"
USER_AGENT = "geographic-story-mapper/1.0"
_PLACE_FIELDS = tuple(f.name for f in fields(Place))
# Nominatim's OSM class -> the nearest GeoNames feature class.
_OSM_CLASS = {"boundary": "A", "place": "P", "natural": "T", "waterway": "H", "water": "H",
              "highway": "R", "railway": "R", "amenity": "S", "building": "S", "tourism": "S",
              "leisure": "L", "landuse": "L"}


def make_geocoder(name: str, *, domain: str | None = None, scheme: str = "https",
                  timeout: float = 10.0) -> Geocoder:
    """An online geopy geocoder by name; "offline" is not one (the gazetteer is built in)."""
    if name != "nominatim":
        raise ValueError(f"unknown geocoder {name!r}; choose one of {', '.join(GEOCODERS)}")
    return Nominatim(domain=domain or PUBLIC_NOMINATIM, scheme=scheme, timeout=timeout,
                     user_agent=USER_AGENT)


def place_from_location(location: Location) -> Place:
    """Parse a geopy Location (ours, Nominatim's, or any other geocoder's) into a Place."""
    raw: dict[str, Any] = location.raw if isinstance(location.raw, dict) else {}
    lat, lon = float(location.latitude), float(location.longitude)
    if "place_id" in raw and "feature_code" in raw:  # the offline gazetteer: raw is a Place
        return Place(**{k: raw[k] for k in _PLACE_FIELDS if k in raw})
    first = (location.address or "").split(",")[0].strip()
    if "osm_id" in raw:
        address = raw.get("address") or {}
        population = str((raw.get("extratags") or {}).get("population", "")).replace(",", "")
        return Place(
            place_id=f"osm:{str(raw.get('osm_type', '?'))[:1]}{raw['osm_id']}",
            name=raw.get("name") or first,
            lat=lat,
            lon=lon,
            country_code=(address.get("country_code") or "").upper() or None,
            feature_class=_OSM_CLASS.get(str(raw.get("class", ""))),
            feature_code=None,
            population=int(population) if population.isdigit() else 0,
            admin1=address.get("state"),
            source="nominatim",
        )
    return Place(place_id=f"geo:{lat:.5f},{lon:.5f}", name=first, lat=lat, lon=lon,
                 source=type(location).__name__.lower())


class GeocoderIndex:
    """A PlaceIndex whose candidates come from a geopy geocoder; known names stay offline."""

    def __init__(self, geocoder: Geocoder, names: PlaceIndex, *, limit: int = 10,
                 min_delay_seconds: float = 0.0, cache_size: int = 4096) -> None:
        self.geocoder = geocoder
        self.names = names
        self.limit = limit
        self._geocode = (RateLimiter(geocoder.geocode, min_delay_seconds=min_delay_seconds,
                                     max_retries=0, swallow_exceptions=False)
                         if min_delay_seconds > 0 else geocoder.geocode)
        self._cache: OrderedDict[str, list[Place]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def known_names(self, names: Iterable[str]) -> dict[str, NameInfo]:
        """The offline index's NameInfo for the names it knows."""
        return self.names.known_names(names)

    def candidates(self, name: str, limit: int = 25) -> list[Place]:
        """The geocoder's places for name (cached); the offline index's when the geocoder fails."""
        key = name_key(name)
        if not key:
            return []
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key][:limit]
        try:
            found = self._geocode(name, exactly_one=False, limit=min(limit, self.limit))
        except GeopyError as err:
            log.warning("geocoder %s failed for %r, using the offline index: %s",
                        type(self.geocoder).__name__, name, err)
            return self.names.candidates(name, limit)
        places = [place_from_location(loc) for loc in (found or [])]
        with self._lock:
            self._cache[key] = places
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return places[:limit]
