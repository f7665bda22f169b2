"""scripts/build_admin1_points.py and the gazetteer build's use of its points."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from build_admin1_points import centroid, decode_arcs, main, outline_points, rings  # noqa: E402

from geo.gazetteer import OfflineGazetteer  # noqa: E402
from geo.gazetteer_build import admin1_points, iter_subdivisions  # noqa: E402
from geo.geomath import great_circle_km  # noqa: E402

REAL_INDEX = ROOT / "instance" / "gazetteer.sqlite"


def _square(x0: float, y0: float, size: float) -> list[tuple[float, float]]:
    return [(x0, y0), (x0, y0 + size), (x0 + size, y0 + size), (x0 + size, y0), (x0, y0)]


def _topology(shapes: list[tuple[str, int, list[list[tuple[float, float]]]]]) -> dict:
    """A topology (scale 1, no quantization loss) with one arc per ring, delta-encoded as TopoJSON does."""
    arcs, geometries = [], []
    for name, gid, polygon_rings in shapes:
        refs = []
        for ring in polygon_rings:
            deltas, last = [], (0, 0)
            for x, y in ring:
                deltas.append([x - last[0], y - last[1]])
                last = (x, y)
            refs.append([len(arcs)])
            arcs.append(deltas)
        geometries.append({"type": "MultiPolygon", "arcs": [[r] for r in refs],
                           "properties": {"name": name, "gn_id": gid}})
    return {"type": "Topology", "transform": {"scale": [1, 1], "translate": [0, 0]}, "arcs": arcs,
            "objects": {"admin1": {"type": "GeometryCollection", "geometries": geometries}}}


@pytest.mark.parametrize(
    ("ring_sets", "expected"),
    [
        ([_square(0, 0, 2)], (1.0, 1.0)),
        ([_square(0, 0, 2)[::-1]], (1.0, 1.0)),  # winding does not matter
        ([_square(0, 0, 2), _square(10, 0, 2)], (6.0, 1.0)),  # two equal parts: between them
        ([], None),
    ],
)
def test_centroid(ring_sets, expected) -> None:
    got = centroid(ring_sets)
    assert got == expected if expected is None else got == pytest.approx(expected, abs=0.01)


def test_centroid_weighs_area_not_points() -> None:
    big, small = _square(0, 0, 4), _square(40, 0, 0.1)
    lon, lat = centroid([big, small])
    assert 2.0 < lon < 2.2 and lat == pytest.approx(2.0, abs=0.01)  # an islet barely moves it


def test_centroid_equal_area_at_high_latitude() -> None:
    """A unit spanning 50-80 degrees north: its area lies mostly in the south, so the centroid does too."""
    lon, lat = centroid([_square(0, 50, 30)])
    assert lat < 65


def test_decode_arcs_and_rings() -> None:
    topo = _topology([("A", 1, [_square(0, 0, 2)])])
    arcs = decode_arcs(topo)
    assert arcs[0] == _square(0, 0, 2)
    assert list(rings(topo["objects"]["admin1"]["geometries"][0], arcs)) == [_square(0, 0, 2)]


def test_outline_points_skip_an_id_shared_by_different_names() -> None:
    topo = _topology([("Alpha", 1, [_square(0, 0, 2)]), ("Alpha", 1, [_square(10, 0, 2)]),
                      ("Kent", 2, [_square(0, 20, 2)]), ("Surrey", 2, [_square(4, 20, 2)])])
    points = outline_points(topo)
    assert list(points) == [1] and points[1][0] == "Alpha"
    assert points[1][1:] == pytest.approx((1.0, 6.0), abs=0.01)


def test_main_writes_a_table_the_build_reads(tmp_path: Path) -> None:
    topo_path, out = tmp_path / "admin1.json", tmp_path / "points.tsv"
    topo_path.write_text(json.dumps(_topology([("Alpha", 7, [_square(0, 0, 2)])])), encoding="utf-8")
    assert main(["--topology", str(topo_path), "--out", str(out)]) == 0
    table = admin1_points(out)
    assert list(table) == [7] and table[7][0] == "Alpha" and table[7][1:] == pytest.approx((1.0, 1.0), abs=0.01)


def test_committed_table_is_current() -> None:
    """geo/data/admin1_points.tsv is what the script makes from the committed basemap."""
    topo = json.loads((ROOT / "static" / "basemap" / "admin1.json").read_text(encoding="utf-8"))
    table = admin1_points()
    assert table == {gid: (name, lat, lon) for gid, (name, lat, lon) in outline_points(topo).items()}


def test_subdivisions_take_the_outline_point_only_under_their_own_name() -> None:
    units = {e.place.geonameid: e.place for e in iter_subdivisions(outline_points={
        6254928: ("Virginia", 37.5, -78.9),  # Virginia's own outline
        6269131: ("Staffordshire", 52.8, -2.0),  # a county the basemap matched to England's id
    }) if e.place.feature_code == "ADM1"}
    assert (units[6254928].lat, units[6254928].lon) == (37.5, -78.9)
    assert (units[6269131].lat, units[6269131].lon) != (52.8, -2.0)


@pytest.mark.skipif(not REAL_INDEX.exists(), reason="gazetteer not built")
@pytest.mark.parametrize(
    ("name", "cc", "point"),
    # GeoNames' own points for these units, which the benchmarks use: within 161 km now (the middle of
    # the towns' extent was 174-260 km off)
    [("Virginia", "US", (37.55, -77.45)), ("Ontario", "CA", (49.25, -84.5)), ("Alaska", "US", (64.0, -150.0)),
     ("Quebec", "CA", (52.0, -72.0)), ("Texas", "US", (31.25, -99.25))],
)
def test_real_admin1_near_geonames_point(name: str, cc: str, point: tuple[float, float]) -> None:
    unit = next(p for p in OfflineGazetteer(str(REAL_INDEX)).candidates(name, limit=60)
                if p.country_code == cc and p.feature_code == "ADM1")
    assert great_circle_km(unit.lat, unit.lon, *point) < 161
