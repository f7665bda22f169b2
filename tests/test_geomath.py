"""geo/geomath.py: the one great-circle distance and the degree box."""
from __future__ import annotations

import math

import pytest

from geo.geomath import EARTH_RADIUS_KM, Box, box_around, great_circle_km


@pytest.mark.parametrize(
    ("a", "b", "km", "tolerance"),
    [
        ((0.0, 0.0), (0.0, 0.0), 0.0, 0.0),
        ((0.0, 0.0), (0.0, 1.0), 2 * math.pi * EARTH_RADIUS_KM / 360, 1e-9),  # a degree of the equator
        ((0.0, 0.0), (1.0, 0.0), 2 * math.pi * EARTH_RADIUS_KM / 360, 1e-9),  # a degree of a meridian
        ((90.0, 0.0), (-90.0, 0.0), math.pi * EARTH_RADIUS_KM, 1e-6),  # pole to pole
        ((0.0, 0.0), (0.0, 180.0), math.pi * EARTH_RADIUS_KM, 1e-6),  # antipodes on the equator
        ((0.0, 179.5), (0.0, -179.5), 2 * math.pi * EARTH_RADIUS_KM / 360, 1e-6),  # across the antimeridian
        ((48.8566, 2.3522), (51.5074, -0.1278), 343.5, 1.0),  # Paris - London
        ((33.5102, 36.29128), (34.72682, 36.72339), 140.7, 1.0),  # Damascus - Homs
    ],
)
def test_great_circle_km(a, b, km, tolerance):
    assert great_circle_km(*a, *b) == pytest.approx(km, abs=tolerance)
    assert great_circle_km(*b, *a) == pytest.approx(km, abs=tolerance)


def test_great_circle_km_is_the_formula_the_figures_were_made_with():
    """Bit for bit the haversine the resolver, the gazetteer and the scripts each wrote before."""
    lat1, lon1, lat2, lon2 = 40.34093, -76.41135, 36.20811, -86.2911
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    assert great_circle_km(lat1, lon1, lat2, lon2) == 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def test_great_circle_km_clamps_rounding_above_one():
    assert great_circle_km(0.0, 0.0, -0.0, 180.0) == pytest.approx(math.pi * EARTH_RADIUS_KM)


@pytest.mark.parametrize(
    ("point", "reach", "expected"),
    [
        ((10.0, 20.0), (1.0, 2.0), Box(9.0, 11.0, 18.0, 22.0)),
        ((0.0, 0.0), (0.25, 0.5), Box(-0.25, 0.25, -0.5, 0.5)),
        ((-33.9, 151.2), (0.0, 0.0), Box(-33.9, -33.9, 151.2, 151.2)),
    ],
)
def test_box_around(point, reach, expected):
    box = box_around(*point, *reach)
    assert box == expected
    assert box.south <= point[0] <= box.north and box.west <= point[1] <= box.east
