"""scripts/build_postal_places.py: GeoNames postal codes grouped into localities."""
from __future__ import annotations

import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from build_postal_places import localities, main  # noqa: E402

DUMP = [
    "US\t37880\tTen Mile\tTennessee\tTN\tMeigs\t121\t\t\t35.6862\t-84.6548\t4\n",
    "US\t62701\tSpringfield\tIllinois\tIL\tSangamon\t167\t\t\t39.80\t-89.64\t4\n",
    "US\t62702\tSPRINGFIELD\tIllinois\tIL\tSangamon\t167\t\t\t39.82\t-89.66\t4\n",
    "US\t62703\tSpringfield\tIllinois\tIL\tSangamon\t167\t\t\t39.78\t-89.62\t4\n",
    "US\t09001\tAPO AE\t\t\t\t\t\t\t50.1\t8.6\t1\n",  # the forces' mail: no region
    "US\t00000\tNowhere\tTexas\tTX\t\t\t\t\t\t\t\n",  # no point
    "GB\tLA1\tLancaster\tEngland\tENG\t\t\t\t\t54.05\t-2.8\t4\n",  # another country
]


def test_localities_group_codes_by_region_and_name() -> None:
    assert localities(DUMP, frozenset({"US"})) == [
        ("US", "IL", "Illinois", "Springfield", 39.8, -89.64, 3),  # mean point, the spelling most codes use
        ("US", "TN", "Tennessee", "Ten Mile", 35.6862, -84.6548, 1),
    ]


def test_main_writes_a_gzipped_table(tmp_path: Path) -> None:
    source, out = tmp_path / "dump.tsv", tmp_path / "out.tsv.gz"
    source.write_text("".join(DUMP), encoding="utf-8")
    assert main(["--source", str(source), "--countries", "US,GB", "--out", str(out)]) == 0
    rows = [line.split("\t") for line in gzip.open(out, "rt", encoding="utf-8") if not line.startswith("#")]
    assert [(r[0], r[3]) for r in rows] == [("GB", "Lancaster"), ("US", "Springfield"), ("US", "Ten Mile")]
