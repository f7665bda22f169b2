"""What a newsroom that names where each story is set gets (geo.setting), on the development corpora.

Each document is geoparsed with a setting: the first-level region most of its gold places lie in,
standing in for what the uploader knows (so the figures say what the setting is worth, not what the
geoparser finds alone). Scored by the shared scorer like scripts/evaluate.py; the shipped ranker gives
the confidences. Usage: scripts/setting_eval.py --shared ../shared
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from tempfile import TemporaryDirectory

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def gold_setting(doc: dict, index) -> tuple[str, str] | None:  # type: ignore[no-untyped-def]
    """(country code, first-level region) most of the document's gold places lie in, by their GeoNames ids."""
    regions: Counter[tuple[str, str]] = Counter()
    for toponym in doc["toponyms"]:
        place = index.place(f"gn:{toponym['geonameid']}") if toponym.get("geonameid") else None
        if place is not None and place.country_code and place.admin1:
            regions[(place.country_code, place.admin1)] += 1
    return regions.most_common(1)[0][0] if regions else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    args = ap.parse_args(argv)
    import evaluate
    from geo import geojson
    from geo.gazetteer import OfflineGazetteer
    from geo.pipeline import Geoparser
    from geo.ranker import default_ranker
    from geo.setting import with_setting
    from geo.types import Place

    eval_dir = Path(args.shared) / "eval"
    index = OfflineGazetteer(ROOT / "instance" / "gazetteer.sqlite")
    geoparser = Geoparser(evaluate.parse_all(eval_dir), index, default_ranker())
    with TemporaryDirectory() as tmp:
        for corpus in evaluate.CORPORA:
            out = Path(tmp) / f"{corpus.key}.jsonl"
            with out.open("w", encoding="utf-8") as f:
                for doc in evaluate.read_jsonl(eval_dir / corpus.filename):
                    region = gold_setting(doc, index)
                    home = None if region is None else with_setting(
                        None, Place("setting", region[1], 0.0, 0.0, None, region[0], "A", "ADM1", 0, region[1]))
                    story = geoparser.parse(doc["text"], home=home)
                    f.write(json.dumps(geojson.story_collection(story, doc_id=doc["id"]), ensure_ascii=False) + "\n")
            figures = {**evaluate.score_file(corpus, eval_dir, out), **evaluate.mention_errors(corpus, eval_dir, out)}
            print(f"{corpus.key} with each story's setting: F1 {figures['f1']:.4f}  acc161 (strict) "
                  f"{figures['acc161_strict']:.4f}  > 1,000 km {figures['far1000']:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
