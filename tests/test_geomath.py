"""geo/geomath.py: the one great-circle distance, the degree box and the nearest-point index."""
from __future__ import annotations

import math

import pytest

from geo.geomath import EARTH_RADIUS_KM, Box, NearestPoints, box_around, great_circle_km, km_from, unit_vectors


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


def test_km_from_measures_many_points_as_the_haversine_does():
    """The array form the resolver's nearness support uses agrees with great_circle_km to a millimetre."""
    points = [(0.0, 0.0), (0.0, 180.0), (90.0, 0.0), (-90.0, 12.0), (0.0, -179.5), (51.5074, -0.1278),
              (34.72682, 36.72339), (40.34093, -76.41135), (33.5102, 36.29128)]
    vectors = unit_vectors(points)
    for lat, lon in points:
        expected = [great_circle_km(lat, lon, *p) for p in points]
        assert km_from(lat, lon, vectors).tolist() == pytest.approx(expected, abs=1e-6)


def test_unit_vectors_of_no_points_is_empty():
    assert unit_vectors([]).shape == (0, 3)


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


POINTS = [
    (0.0, 179.9, "east"), (0.0, -179.9, "west"), (89.9, 0.0, "north"), (89.9, 180.0, "north-far"),
    (-89.99, 45.0, "south"), (48.8566, 2.3522, "paris"), (51.5074, -0.1278, "london"), (35.0, 38.0, "syria"),
]


@pytest.mark.parametrize(
    ("query", "skip", "nearest"),
    [
        ((0.0, 180.0), None, "east"),  # across the antimeridian: both are 0.1 degrees away
        ((0.0, -179.95), None, "west"),
        ((0.0, -179.95), "west", "east"),
        ((90.0, -90.0), None, "north"),  # at the pole every longitude meets
        ((90.0, -90.0), "north", "north-far"),
        ((-90.0, 0.0), None, "south"),
        ((50.0, 1.0), "paris", "london"),
        ((33.5, 36.3), None, "syria"),
    ],
)
def test_nearest_points(query, skip, nearest):
    """The distance to the nearest point not labelled skip, exactly the haversine to it."""
    index = NearestPoints(POINTS)
    lat, lon, _ = next(p for p in POINTS if p[2] == nearest)
    assert index.nearest_km(*query, skip=skip) == great_circle_km(*query, lat, lon)


def test_nearest_points_matches_measuring_every_point():
    """Over a lattice covering the globe, the index finds exactly the brute-force minimum."""
    points = [((n * 37.3) % 180.0 - 90.0, (n * 97.7) % 360.0 - 180.0, f"p{n % 7}") for n in range(300)]
    index = NearestPoints(points)
    for q in range(0, 400, 7):
        lat, lon, skip = (q * 13.1) % 180.0 - 90.0, (q * 29.9) % 360.0 - 180.0, f"p{q % 7}"
        expected = min(great_circle_km(lat, lon, a, b) for a, b, label in points if label != skip)
        assert index.nearest_km(lat, lon, skip=skip) == expected


@pytest.mark.parametrize(("points", "skip"), [([], None), ([(1.0, 2.0, "only")], "only")])
def test_nearest_points_none_when_nothing_counts(points, skip):
    assert NearestPoints(points).nearest_km(0.0, 0.0, skip=skip) is None


@pytest.mark.parametrize("km", [0.0, 300.0, 2500.0, 20040.0])
def test_labels_within_km_match_measuring_every_point(km):
    """The labels of the points strictly nearer than km, exactly those the brute force finds (one per point)."""
    points = [((n * 37.3) % 180.0 - 90.0, (n * 97.7) % 360.0 - 180.0, f"p{n % 7}") for n in range(300)]
    index = NearestPoints(points)
    for q in range(0, 400, 7):
        lat, lon, skip = (q * 13.1) % 180.0 - 90.0, (q * 29.9) % 360.0 - 180.0, f"p{q % 7}"
        expected = sorted(label for a, b, label in points if label != skip and great_circle_km(lat, lon, a, b) < km)
        assert sorted(index.labels_within_km(lat, lon, km, skip=skip)) == expected


def test_labels_within_km_across_the_antimeridian():
    assert sorted(NearestPoints(POINTS).labels_within_km(0.0, 180.0, 20.0)) == ["east", "west"]
