"""Distances and boxes on the globe: the one great-circle formula every part of the project uses."""
from __future__ import annotations

import math
from typing import NamedTuple

__all__ = ["EARTH_RADIUS_KM", "Box", "box_around", "great_circle_km"]

EARTH_RADIUS_KM = 6371.0


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


def box_around(lat: float, lon: float, lat_degrees: float, lon_degrees: float) -> Box:
    """The box reaching lat_degrees north and south and lon_degrees east and west of a point."""
    return Box(lat - lat_degrees, lat + lat_degrees, lon - lon_degrees, lon + lon_degrees)
