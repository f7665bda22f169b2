"""Distances and boxes on the globe: the one great-circle formula every part of the project uses,
and an index of labelled points answering "how far is the nearest one" exactly."""
from __future__ import annotations

import math
from typing import Iterable, NamedTuple, Sequence

import numpy

__all__ = ["EARTH_RADIUS_KM", "Box", "NearestPoints", "box_around", "great_circle_km", "km_from", "unit_vectors"]

EARTH_RADIUS_KM = 6371.0
# Slack on the chord bound when pruning, far above the rounding of the haversine and unit vectors.
_CHORD_SLACK = 1e-9


class Box(NamedTuple):
    """A latitude/longitude box in degrees: south <= lat <= north, west <= lon <= east."""

    south: float
    north: float
    west: float
    east: float


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in km between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def unit_vectors(points: Sequence[tuple[float, float]]) -> numpy.ndarray:
    """The (lat, lon) points in degrees as rows of unit vectors: an n x 3 array for :func:`km_from`."""
    rad = numpy.radians(numpy.asarray(points, dtype=float).reshape(-1, 2))
    cos_lat = numpy.cos(rad[:, 0])
    return numpy.column_stack((cos_lat * numpy.cos(rad[:, 1]), cos_lat * numpy.sin(rad[:, 1]), numpy.sin(rad[:, 0])))


def km_from(lat: float, lon: float, vectors: numpy.ndarray) -> numpy.ndarray:
    """Great-circle km from one point to each row of :func:`unit_vectors`: 2R asin(chord / 2), as the
    haversine gives, in one array operation."""
    chord = numpy.sqrt(((vectors - numpy.asarray(_unit_vector(lat, lon))) ** 2).sum(axis=1))
    return 2 * EARTH_RADIUS_KM * numpy.arcsin(numpy.minimum(1.0, chord / 2))


def box_around(lat: float, lon: float, lat_degrees: float, lon_degrees: float) -> Box:
    """The box reaching lat_degrees north and south and lon_degrees east and west of a point."""
    return Box(lat - lat_degrees, lat + lat_degrees, lon - lon_degrees, lon + lon_degrees)


Vector = tuple[float, float, float]


def _unit_vector(lat: float, lon: float) -> Vector:
    """The point on the unit sphere at lat, lon degrees (no longitude wrap, no poles to special-case)."""
    p, l = math.radians(lat), math.radians(lon)
    return math.cos(p) * math.cos(l), math.cos(p) * math.sin(l), math.sin(p)


def _chord(km: float) -> float:
    """The straight-line distance on the unit sphere between points km apart on the globe."""
    return 2 * math.sin(min(math.pi, km / EARTH_RADIUS_KM) / 2)


class _Node(NamedTuple):
    """A k-d tree node: one point, splitting the others by one coordinate of the unit vector."""

    axis: int
    vector: Vector
    lat: float
    lon: float
    label: str
    low: "_Node | None"
    high: "_Node | None"


def _build(points: list[tuple[Vector, float, float, str]]) -> _Node | None:
    """The k-d tree over points (vector, lat, lon, label), split at the median of the widest coordinate."""
    if not points:
        return None
    axis = max(range(3), key=lambda a: max(p[0][a] for p in points) - min(p[0][a] for p in points))
    points.sort(key=lambda point: point[0][axis])
    mid = len(points) // 2
    vector, lat, lon, label = points[mid]
    return _Node(axis, vector, lat, lon, label, _build(points[:mid]), _build(points[mid + 1:]))


class NearestPoints:
    """Labelled points on the globe; ``nearest_km`` finds the great-circle distance to the nearest
    one in about log(n) distance computations (a k-d tree over unit vectors: exact, the chord
    between unit vectors grows with the great-circle distance)."""

    def __init__(self, points: Iterable[tuple[float, float, str]]) -> None:
        self._root = _build([(_unit_vector(lat, lon), lat, lon, label) for lat, lon, label in points])

    def nearest_km(self, lat: float, lon: float, skip: str | None = None) -> float | None:
        """The great_circle_km from lat, lon to the nearest point not labelled skip (None: no such point)."""
        best: list = [math.inf, None]  # the squared chord to the nearest node so far, and that node
        self._search(self._root, _unit_vector(lat, lon), skip, best)
        node = best[1]
        return None if node is None else great_circle_km(lat, lon, node.lat, node.lon)

    def labels_within_km(self, lat: float, lon: float, km: float, skip: str | None = None) -> list[str]:
        """The labels of the points less than km away from lat, lon (one per point), except those labelled skip."""
        found: list[str] = []
        self._collect(self._root, _unit_vector(lat, lon), (lat, lon, km), skip, found)
        return found

    def _collect(self, node: _Node | None, q: Vector, circle: tuple[float, float, float], skip: str | None,
                 found: list[str]) -> None:
        """Add to found the labels under node within the circle (lat, lon, km), skipping subtrees beyond it."""
        if node is None:
            return
        lat, lon, km = circle
        if node.label != skip and great_circle_km(lat, lon, node.lat, node.lon) < km:
            found.append(node.label)
        diff = q[node.axis] - node.vector[node.axis]
        near, far = (node.low, node.high) if diff < 0 else (node.high, node.low)
        self._collect(near, q, circle, skip, found)
        if abs(diff) <= _chord(km) + _CHORD_SLACK:
            self._collect(far, q, circle, skip, found)

    def _search(self, node: _Node | None, q: Vector, skip: str | None, best: list) -> None:
        """Lower best (squared chord, node) to the nearest node under node, skipping subtrees beyond
        the best chord: chords, which grow with great-circle distance, cost no trigonometry."""
        if node is None:
            return
        v = node.vector
        if node.label != skip:
            d2 = (q[0] - v[0]) ** 2 + (q[1] - v[1]) ** 2 + (q[2] - v[2]) ** 2
            if d2 < best[0]:
                best[0], best[1] = d2, node
        diff = q[node.axis] - v[node.axis]
        near, far = (node.low, node.high) if diff < 0 else (node.high, node.low)
        self._search(near, q, skip, best)
        if abs(diff) <= math.sqrt(best[0]) + _CHORD_SLACK:
            self._search(far, q, skip, best)
