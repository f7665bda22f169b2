"""scripts/build_country_ids.py and its output static/data/country-ids.json (alpha-2 -> world-atlas id)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "static" / "data" / "country-ids.json"


def load_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_country_ids", ROOT / "scripts" / "build_country_ids.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


ATLAS = {"objects": {"countries": {"geometries": [
    {"id": "760", "properties": {"name": "Syria"}},
    {"id": "004", "properties": {"name": "Afghanistan"}},
    {"properties": {"name": "Kosovo"}},
]}}}


@pytest.mark.parametrize(
    ("countries", "expected"),
    [
        ({"SY": {"isonumeric": 760, "name": "Syria"}}, {"SY": "760"}),
        ({"AF": {"isonumeric": 4, "name": "Afghanistan"}}, {"AF": "004"}),  # zero-padded like the atlas
        ({"XK": {"isonumeric": 0, "name": "Kosovo"}}, {"XK": "name:Kosovo"}),  # no numeric id: by name
        ({"ZZ": {"isonumeric": 999, "name": "Nowhere"}}, {}),  # no outline: left out
    ],
)
def test_country_ids_table(countries: dict, expected: dict):
    assert load_script().country_ids(ATLAS, countries) == expected


def test_the_committed_table_is_small_and_knows_the_seed_countries():
    table = json.loads(DATA.read_text(encoding="utf-8"))
    assert DATA.stat().st_size < 4096
    assert {table[c] for c in ("SY", "LB", "IQ", "RU", "US", "IR")} == {"760", "422", "368", "643", "840", "364"}
