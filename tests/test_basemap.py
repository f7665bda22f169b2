"""The offline basemap's derived files (static/basemap/, built by scripts/build_basemap.py):
present, valid TopoJSON with the agreed objects and properties, bounded in size; label
tiers in order with zoom ranges; the build script's pieces; the map HTML names the files."""
from __future__ import annotations

import json
import sqlite3
import struct
import sys
from pathlib import Path

import pytest

from geo.countries import country_area_km2
from testkit import ROOT
from web.mapview import BASEMAP_LAYERS, render_map

sys.path.insert(0, str(ROOT / "scripts"))

import build_basemap  # noqa: E402

BASEMAP = ROOT / "static" / "basemap"
LABELS = BASEMAP / "labels"
#: Upper bounds on the committed files (bytes): small enough to commit and to load.
MAX_BYTES = {"admin1.json": 1_500_000, "water.json": 400_000, "labels/world.json": 400_000}
MAX_TOTAL_BYTES = 6_000_000
MAX_CELL_BYTES = 200_000


def load(path: Path) -> dict | list:
    return json.loads(path.read_text(encoding="utf-8"))


def topology(path: Path) -> dict:
    """A TopoJSON topology, checked for its structure: quantised, arcs indexed within range."""
    topo = load(path)
    assert topo["type"] == "Topology"
    assert set(topo["transform"]) == {"scale", "translate"}
    n_arcs = len(topo["arcs"])
    for obj in topo["objects"].values():
        assert obj["type"] == "GeometryCollection"
        for geometry in obj["geometries"]:
            flat = json.dumps(geometry.get("arcs", []))
            indices = [int(x) for x in flat.replace("[", " ").replace("]", " ").replace(",", " ").split()]
            assert all(-n_arcs <= i < n_arcs for i in indices)
    return topo


@pytest.mark.parametrize("name", sorted(MAX_BYTES))
def test_files_are_there_and_small(name: str):
    path = BASEMAP / name
    assert path.is_file()
    assert 1000 < path.stat().st_size <= MAX_BYTES[name]


def test_total_size_is_bounded():
    files = [p for p in BASEMAP.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) <= MAX_TOTAL_BYTES
    assert max(p.stat().st_size for p in LABELS.rglob("*/*.json")) <= MAX_CELL_BYTES


def test_admin1_topology_has_the_agreed_properties():
    topo = topology(BASEMAP / "admin1.json")
    assert list(topo["objects"]) == ["admin1"]
    geometries = topo["objects"]["admin1"]["geometries"]
    assert len(geometries) > 4000  # Natural Earth 10m: 4,556 admin-1 units
    for g in geometries:
        assert g["type"] in ("Polygon", "MultiPolygon")
        assert set(g["properties"]) == {"name", "iso_a2", "gn_id"}
        assert g["properties"]["gn_id"] is None or isinstance(g["properties"]["gn_id"], int)
    matched = [g for g in geometries if g["properties"]["gn_id"]]
    assert len(matched) / len(geometries) > 0.6
    syria = {g["properties"]["name"]: g["properties"]["gn_id"] for g in geometries
             if g["properties"]["iso_a2"] == "SY"}
    assert syria["Homs (Hims)"] == 169575 and syria["Aleppo"] == 170062  # GeoNames ADM1 ids
    lebanon = {g["properties"]["name"]: g["properties"]["gn_id"] for g in geometries
               if g["properties"]["iso_a2"] == "LB"}
    assert lebanon["Beqaa"] == 280282  # Al Biqā‘ (alternate name Bekaa): the seed story's region


def test_water_topology_has_rivers_and_lakes():
    topo = topology(BASEMAP / "water.json")
    assert set(topo["objects"]) == {"rivers", "lakes"}
    rivers = topo["objects"]["rivers"]["geometries"]
    lakes = topo["objects"]["lakes"]["geometries"]
    assert len(rivers) > 300 and len(lakes) > 200
    assert {g["type"] for g in rivers} <= {"LineString", "MultiLineString"}
    assert {g["type"] for g in lakes} <= {"Polygon", "MultiPolygon"}


def test_label_index_names_tiers_and_existing_cells():
    index = load(LABELS / "index.json")
    tiers = index["tiers"]
    assert [t["name"] for t in tiers][:4] == ["capitals", "countries", "small countries", "large"]
    for tier in tiers:
        assert 0 <= tier["min_zoom"] <= tier["max_zoom"] <= 19
        assert set(tier["style"]) == {"font", "color", "dot", "upper"}
        if tier["tiled"]:
            assert tier["cells"], tier["name"]
            for cell in tier["cells"]:
                assert (LABELS / tier["name"] / f"{cell}.json").is_file()
            on_disk = {p.stem for p in (LABELS / tier["name"]).glob("*.json")}
            assert on_disk == set(tier["cells"])
    assert "GeoNames" in index["attribution"]


def test_world_labels_hold_capitals_first_and_syria():
    index = load(LABELS / "index.json")
    rows = load(LABELS / "world.json")
    assert all(len(r) == 4 and isinstance(r[0], str) and -180 <= r[1] <= 180 and -90 <= r[2] <= 90
               for r in rows)
    assert all(0 <= r[3] < len(index["tiers"]) and not index["tiers"][r[3]]["tiled"] for r in rows)
    tier = {t["name"]: i for i, t in enumerate(index["tiers"])}
    by_name = {(r[0], r[3]) for r in rows}
    assert ("Damascus", tier["capitals"]) in by_name and ("Syria", tier["countries"]) in by_name
    assert ("Aleppo", tier["large"]) in by_name and ("Homs", tier["cities"]) in by_name
    # Small countries and territories wait for a closer zoom: at world zoom they crowd out large ones.
    assert ("Bermuda", tier["small countries"]) in by_name and ("Bermuda", tier["countries"]) not in by_name
    assert ("Greenland", tier["countries"]) in by_name  # large, however few live there
    countries = [r[0] for r in rows if r[3] == tier["countries"]]
    assert countries[:3] == ["Russia", "Canada", "United States"]  # largest first: the collision pass keeps them
    assert index["tiers"][tier["small countries"]]["min_zoom"] > index["tiers"][tier["countries"]]["min_zoom"]


def test_town_cells_hold_towns_near_homs():
    index = load(LABELS / "index.json")
    size = index["cell_degrees"]
    cell = build_basemap.cell_of(36.72, 34.73, size)  # Homs
    towns = load(LABELS / "towns" / f"{cell}.json")
    assert "Tallbīsah" in {r[0] for r in towns} or "Ar Rastan" in {r[0] for r in towns}
    assert all(build_basemap.cell_of(r[1], r[2], size) == cell for r in towns)


@pytest.mark.parametrize(
    ("lon", "lat", "size", "expected"),
    [
        (-180.0, -90.0, 10, "0_0"),
        (180.0, 90.0, 10, "35_17"),  # the last cell holds the edge
        (36.72, 34.73, 10, "21_12"),
        (-0.1, 51.5, 5, "35_28"),
        (0.0, 0.0, 10, "18_9"),
    ],
)
def test_cell_of_table(lon: float, lat: float, size: float, expected: str):
    assert build_basemap.cell_of(lon, lat, size) == expected


TABLE = build_basemap.tiers(build_basemap.load_config())


@pytest.mark.parametrize(
    ("feature_class", "code", "population", "expected"),
    [
        ("P", "PPLC", 1_569_394, "capitals"),
        ("A", "PCLI", 17_000_000, "countries"),  # (area unknown)
        ("P", "PPL", 2_098_210, "large"),
        ("P", "PPL", 775_404, "cities"),
        ("A", "ADM1", 1_063_969, "regions"),
        ("P", "PPL", 38_491, "towns"),
        ("P", "PPL", 9_412, "small"),
        ("P", "PPL", 100, None),
        ("A", "ADM2", 50_000, None),
        ("H", "STM", 0, None),
    ],
)
def test_tier_of_table(feature_class: str, code: str, population: int, expected: str | None):
    tier = build_basemap.tier_of(feature_class, code, population, TABLE)
    assert (None if tier is None else TABLE[tier].name) == expected


@pytest.mark.parametrize(
    ("country", "expected"),
    [("SY", "countries"), ("GL", "countries"), ("BE", "countries"), ("BM", "small countries"),
     ("LB", "small countries"), ("PN", "small countries")],
)
def test_countries_go_to_a_tier_by_area(country: str, expected: str):
    tier = build_basemap.tier_of("A", "PCLI", 0, TABLE, country_area_km2(country))
    assert tier is not None and TABLE[tier].name == expected


def gpkg_blob(envelope: int, wkb: bytes) -> bytes:
    flags = (envelope << 1) | 1
    return b"GP\x00" + bytes([flags]) + struct.pack("<i", 4326) + b"\x00" * {0: 0, 1: 32, 3: 48}[envelope] + wkb


def wkb_polygon(rings: list[list[tuple[float, float]]], order: str = "<") -> bytes:
    out = bytes([1 if order == "<" else 0]) + struct.pack(order + "II", 3, len(rings))
    for ring in rings:
        out += struct.pack(order + "I", len(ring))
        out += b"".join(struct.pack(order + "dd", x, y) for x, y in ring)
    return out


SQUARE = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]


@pytest.mark.parametrize(
    ("blob", "expected"),
    [
        (gpkg_blob(0, wkb_polygon([SQUARE])), {"type": "Polygon", "coordinates": [[list(p) for p in SQUARE]]}),
        (gpkg_blob(1, wkb_polygon([SQUARE], ">")), {"type": "Polygon", "coordinates": [[list(p) for p in SQUARE]]}),
        (gpkg_blob(3, b"\x01" + struct.pack("<II", 6, 2) + wkb_polygon([SQUARE]) + wkb_polygon([SQUARE, SQUARE])),
         {"type": "MultiPolygon", "coordinates": [[[list(p) for p in SQUARE]], [[list(p) for p in SQUARE]] * 2]}),
    ],
    ids=["polygon-no-envelope", "big-endian-xy-envelope", "multipolygon-xyz-envelope"],
)
def test_read_gpkg_geometry_table(blob: bytes, expected: dict):
    assert build_basemap.read_gpkg_geometry(blob) == expected


def test_read_gpkg_geometry_refuses_other_blobs():
    with pytest.raises(ValueError):
        build_basemap.read_gpkg_geometry(b"XX" + b"\x00" * 20)
    with pytest.raises(ValueError):
        build_basemap.read_gpkg_geometry(gpkg_blob(0, b"\x01" + struct.pack("<I", 2) + b"\x00" * 8))


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"name": "Homs (Hims)", "woe_name": "Homs (Hims)", "gn_name": "Muhafazat Hims"}, ["homs", "hims"]),
        ({"name": "Aleppo", "woe_name": "Aleppo (Halab)", "gn_name": "Muhafazat Halab"}, ["aleppo", "halab"]),
        ({"name": "Bayern", "woe_name": None, "gn_name": "Bavaria"}, ["bayern", "bavaria"]),
    ],
)
def test_admin1_names_table(row: dict, expected: list[str]):
    assert build_basemap.admin1_names(row) == expected


def test_gazetteer_admin1_needs_one_match():
    con = sqlite3.connect(":memory:")
    con.executescript(
        "CREATE TABLE places (id INTEGER PRIMARY KEY, geonameid INTEGER, feature_code TEXT, country_code TEXT);"
        "CREATE TABLE names (key TEXT, place INTEGER);"
        "INSERT INTO places VALUES (1, 169575, 'ADM1', 'SY'), (2, 11, 'ADM1', 'XX'), (3, 12, 'ADM1', 'XX');"
        "INSERT INTO names VALUES ('hims', 1), ('twin', 2), ('twin', 3), ('solo', 3);"
    )
    assert build_basemap.gazetteer_admin1(con, "SY", ["homs", "hims"]) == 169575
    assert build_basemap.gazetteer_admin1(con, "LB", ["hims"]) is None
    assert build_basemap.gazetteer_admin1(con, "XX", ["twin"]) is None  # ambiguous
    assert build_basemap.gazetteer_admin1(con, "XX", ["twin", "solo"]) == 12


def test_map_html_names_every_basemap_file():
    html = str(render_map(None, lambda p: "/static/" + p))
    for attribute, name in (("data-admin1-url", "admin1"), ("data-water-url", "water"),
                            ("data-labels-url", "labels")):
        assert f'{attribute}="/static/{BASEMAP_LAYERS[name]}"' in html
        assert (ROOT / "static" / BASEMAP_LAYERS[name]).is_file()


SQUARE_WITH_HOLE = {"type": "Polygon", "coordinates": [
    [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
    [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]],
]}


@pytest.mark.parametrize(
    ("lon", "lat", "geometry", "expected"),
    [
        (1, 1, SQUARE_WITH_HOLE, True),
        (5, 5, SQUARE_WITH_HOLE, False),  # in the hole
        (11, 5, SQUARE_WITH_HOLE, False),
        (21, 1, {"type": "MultiPolygon", "coordinates": [SQUARE_WITH_HOLE["coordinates"],
                                                           [[[20, 0], [22, 0], [22, 2], [20, 0]]]]}, True),
    ],
)
def test_point_in_geometry_table(lon: float, lat: float, geometry: dict, expected: bool):
    assert build_basemap.point_in_geometry(lon, lat, geometry) is expected


@pytest.mark.parametrize(("name", "iso", "taken", "expected"), [
    ("Beqaa", "LB", False, 280282),  # a spelling variant of the alternate name "Bekaa"
    ("Beqaa", "SY", False, None),  # only units of the feature's own country
    ("Beqaa", "LB", True, None),  # 280282 is another polygon's already
    ("Qwertz", "LB", False, None),  # no variant names a unit
    (None, "LB", False, None),  # a nameless polygon
])
def test_match_by_spelling_takes_the_one_unused_unit_a_variant_names(name, iso, taken, expected):
    con = sqlite3.connect(":memory:")
    con.executescript(
        "CREATE TABLE places (id INTEGER, geonameid INTEGER, feature_code TEXT, country_code TEXT);"
        "CREATE TABLE names (place INTEGER, key TEXT);"
        "INSERT INTO places VALUES (1, 280282, 'ADM1', 'LB'), (2, 6201371, 'ADM1', 'LB'),"
        " (3, 163843, 'PCLI', 'SY');"
        "INSERT INTO names VALUES (1, 'al biqa'), (1, 'bekaa'), (2, 'balabak al hirmil'), (3, 'bekaa');"
    )
    features = [{"properties": {"name": name, "iso_a2": iso, "gn_id": None}}]
    if taken:
        features.insert(0, {"properties": {"name": "Al Biqa", "iso_a2": "LB", "gn_id": 280282}})
    matched = build_basemap.match_by_spelling(features, con)
    assert features[-1]["properties"]["gn_id"] == expected
    assert matched == (expected is not None)


def test_match_by_location_takes_the_one_unused_unit_inside():
    con = sqlite3.connect(":memory:")
    con.executescript(
        "CREATE TABLE places (geonameid INTEGER, feature_code TEXT, country_code TEXT, lat REAL, lon REAL);"
        "INSERT INTO places VALUES (1, 'ADM1', 'XX', 1, 1), (2, 'ADM1', 'XX', 2, 2), (3, 'ADM1', 'XX', 8, 8),"
        " (4, 'ADM1', 'YY', 1, 1);"
    )
    square = {"type": "Polygon", "coordinates": [[[0, 0], [3, 0], [3, 3], [0, 3], [0, 0]]]}
    far = {"type": "Polygon", "coordinates": [[[7, 7], [9, 7], [9, 9], [7, 9], [7, 7]]]}
    features = [
        {"properties": {"iso_a2": "XX", "gn_id": 1}, "geometry": square},  # matched by name
        {"properties": {"iso_a2": "XX", "gn_id": None}, "geometry": square},  # 2 is the one left
        {"properties": {"iso_a2": "XX", "gn_id": None}, "geometry": far},
        {"properties": {"iso_a2": "ZZ", "gn_id": None}, "geometry": square},
    ]
    assert build_basemap.match_by_location(features, con) == 2
    assert [f["properties"]["gn_id"] for f in features] == [1, 2, 3, None]
