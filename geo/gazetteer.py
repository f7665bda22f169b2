"""OfflineGazetteer: the read-only SQLite place index, as a PlaceIndex and a geopy Geocoder."""
from __future__ import annotations

import sqlite3
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Iterable, NamedTuple

from geopy.exc import GeocoderQueryError
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from geo.errors import GazetteerMissing
from geo.geomath import box_around, great_circle_km
from geo.names import name_key
from geo.types import NameInfo, Place

__all__ = ["ATTRIBUTION", "ATTRIBUTION_HTML", "COUNTRY_CODES", "NameMatch", "OfflineGazetteer", "SCHEMA_VERSION",
           "place_from_row"]

ATTRIBUTION = (
    "Place data: GeoNames (geonames.org), CC BY 4.0; "
    "Natural Earth (naturalearthdata.com), public domain"
)
ATTRIBUTION_HTML = (
    'Place data: <a href="https://www.geonames.org/">GeoNames</a> '
    '(<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>); '
    '<a href="https://www.naturalearthdata.com/">Natural Earth</a> (public domain)'
)

#: The index layout this reader expects (geo.gazetteer_build stamps it in the meta table).
SCHEMA_VERSION = "2"
_PLACE_COLUMNS = (
    "p.place_id, p.name, p.lat, p.lon, p.geonameid, p.country_code, "
    "p.feature_class, p.feature_code, p.population, p.admin1, p.source, p.renown"
)
# Most important kinds first, then by population; populated places last among equals.
_ORDER = (
    "CASE p.feature_code WHEN 'PCLI' THEN 0 WHEN 'CONT' THEN 0 WHEN 'ADM1' THEN 1 "
    "WHEN 'PPLC' THEN 1 ELSE 2 END, p.population DESC, p.id"
)
_BATCH = 500
#: Feature codes of the places whose names are the countries' names (sovereign first).
COUNTRY_CODES: tuple[str, ...] = ("PCLI", "PCLD", "PCLS", "PCLF", "PCL", "TERR")


class NameMatch(NamedTuple):
    """A place found by one of its names: the name key that matched, and whether it is the primary name."""

    place: Place
    key: str
    primary: bool


def place_from_row(row: tuple) -> Place:
    """A Place from a row of the _PLACE_COLUMNS columns."""
    return Place(
        place_id=row[0], name=row[1], lat=row[2], lon=row[3], geonameid=row[4],
        country_code=row[5], feature_class=row[6], feature_code=row[7],
        population=row[8] or 0, admin1=row[9], source=row[10], renown=row[11],
    )


class OfflineGazetteer(Geocoder):
    """The offline gazetteer: name lookups for the geoparser and a geopy-compatible geocoder."""

    def __init__(self, path: str | Path, **geocoder_kwargs) -> None:
        super().__init__(**geocoder_kwargs)
        self.path = Path(path)
        self._local = threading.local()

    def _con(self) -> sqlite3.Connection:
        """This thread's read-only connection, opened on first use."""
        con = getattr(self._local, "con", None)
        if con is None:
            if not self.path.is_file():
                raise GazetteerMissing(
                    f"The gazetteer index {self.path} does not exist; build it with "
                    "`make gazetteer` (python -m geo.gazetteer_build --out instance/gazetteer.sqlite)."
                )
            try:
                con = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
                con.execute("SELECT 1 FROM keys LIMIT 1")
                schema = con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            except sqlite3.Error as err:
                raise GazetteerMissing(f"The gazetteer index {self.path} is unreadable: {err}") from err
            if schema is None or schema[0] != SCHEMA_VERSION:
                con.close()
                raise GazetteerMissing(
                    f"The gazetteer index {self.path} has an older layout; rebuild it with `make gazetteer`."
                )
            self._local.con = con
        return con

    def candidates(self, name: str, limit: int = 25) -> list[Place]:
        """Places whose primary or alternate name has the same key as name, most important first."""
        key = name_key(name)
        if not key:
            return []
        rows = self._con().execute(
            f"SELECT {_PLACE_COLUMNS} FROM names n JOIN places p ON p.id = n.place "
            f"WHERE n.key = ? ORDER BY {_ORDER} LIMIT ?",
            (key, limit),
        ).fetchall()
        return [place_from_row(r) for r in rows]

    def name_matches(self, keys: Iterable[str], limit: int = 50) -> list[NameMatch]:
        """Places having any of these name keys (primary or alternate), most important first."""
        wanted = list(dict.fromkeys(k for k in keys if k))[:_BATCH]
        if not wanted:
            return []
        rows = self._con().execute(
            f"SELECT {_PLACE_COLUMNS}, n.key, n.is_primary FROM names n JOIN places p ON p.id = n.place "
            f"WHERE n.key IN ({','.join('?' * len(wanted))}) ORDER BY {_ORDER} LIMIT ?",
            (*wanted, limit),
        ).fetchall()
        return [NameMatch(place_from_row(r), r[-2], bool(r[-1])) for r in rows]

    def prefix_matches(self, prefix: str, limit: int = 50) -> list[NameMatch]:
        """Places with a name key starting with ``prefix`` (a name key), most important first."""
        if not prefix:
            return []
        rows = self._con().execute(
            f"SELECT {_PLACE_COLUMNS}, n.key, n.is_primary FROM names n JOIN places p ON p.id = n.place "
            f"WHERE n.key >= ? AND n.key < ? ORDER BY {_ORDER} LIMIT ?",
            (prefix, prefix + "\x7f", limit),
        ).fetchall()
        return [NameMatch(place_from_row(r), r[-2], bool(r[-1])) for r in rows]

    def known_names(self, names: Iterable[str]) -> dict[str, NameInfo]:
        """NameInfo for each of names the gazetteer knows, keyed by the name as given."""
        by_key: dict[str, list[str]] = {}
        for name in names:
            key = name_key(name)
            if key:
                by_key.setdefault(key, []).append(name)
        result: dict[str, NameInfo] = {}
        keys = list(by_key)
        con = self._con()
        for i in range(0, len(keys), _BATCH):
            chunk = keys[i : i + _BATCH]
            rows = con.execute(
                "SELECT key, places, max_population, feature_codes FROM keys "
                f"WHERE key IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
            for key, places, max_pop, codes in rows:
                info = NameInfo(
                    key=key,
                    places=places,
                    max_population=max_pop or 0,
                    feature_codes=frozenset(c for c in (codes or "").split(",") if c),
                )
                for name in by_key[key]:
                    result[name] = info
        return result

    def place(self, place_id: str) -> Place | None:
        """The place with this gazetteer id ("gn:292223", "ne:1159104365"), if any."""
        row = self._con().execute(
            f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.place_id = ? LIMIT 1", (place_id,)
        ).fetchone()
        return place_from_row(row) if row else None

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        timeout: float | None = None,
        country_codes: str | Iterable[str] | None = None,
        limit: int = 10,
    ) -> Location | list[Location] | None:
        """geopy-style lookup: "Damascus", "Damascus, Syria", "Lebanon, Pennsylvania"."""
        if not isinstance(query, str) or not query.strip():
            raise GeocoderQueryError("geocode() needs a non-empty place name")
        head, _, tail = query.partition(",")
        places = self.candidates(head, limit=max(limit, 50))
        if isinstance(country_codes, str):
            country_codes = [country_codes]
        if country_codes:
            wanted = {c.upper() for c in country_codes}
            places = [p for p in places if p.country_code in wanted]
        if tail.strip():
            places = self._within(places, tail)
        locations = [_location(p) for p in places[:limit]]
        if not locations:
            return None
        return locations[0] if exactly_one else locations

    def _within(self, places: list[Place], tail: str) -> list[Place]:
        """Keep places lying in the region or country named by tail, when any do."""
        for part in (t.strip() for t in tail.split(",")):
            regions = [r for r in self.candidates(part, limit=10) if r.feature_code in ("PCLI", "ADM1")]
            keep = [
                p for p in places
                if any(
                    p.country_code == r.country_code
                    and (r.feature_code == "PCLI" or (p.admin1 is not None and p.admin1 == r.admin1))
                    for r in regions
                )
            ]
            if keep:
                places = keep
        return places

    def reverse(
        self,
        query: tuple[float, float] | str,
        *,
        exactly_one: bool = True,
        timeout: float | None = None,
        limit: int = 5,
    ) -> Location | list[Location] | None:
        """The nearest populated places to a (lat, lon) point or "lat, lon" string."""
        try:
            if isinstance(query, str):
                lat_s, lon_s = query.split(",")
                lat, lon = float(lat_s), float(lon_s)
            else:
                lat, lon = float(query[0]), float(query[1])
        except (ValueError, TypeError, IndexError) as err:
            raise GeocoderQueryError(f"reverse() needs a (lat, lon) point, got {query!r}") from err
        con = self._con()
        for radius in (0.25, 1.0, 4.0):
            box = box_around(lat, lon, radius, radius * 2)
            rows = con.execute(
                f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.feature_class = 'P' "
                "AND p.lat BETWEEN ? AND ? AND p.lon BETWEEN ? AND ?",
                box,
            ).fetchall()
            if rows:
                places = sorted((place_from_row(r) for r in rows),
                                key=lambda p: great_circle_km(lat, lon, p.lat, p.lon))
                locations = [_location(p) for p in places[:limit]]
                return locations[0] if exactly_one else locations
        return None

    def close(self) -> None:
        """Close this thread's connection, if open."""
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None


def _location(place: Place) -> Location:
    """A geopy Location for a place, its fields as raw."""
    parts = [place.name]
    if place.admin1 and place.admin1 != place.name:
        parts.append(place.admin1)
    if place.country_code and place.feature_code != "PCLI":
        parts.append(place.country_code)
    return Location(", ".join(parts), (place.lat, place.lon), asdict(place))
