"""Measure resolution alone: gold spans as mentions, share of places within 161 km of gold."""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.gazetteer import OfflineGazetteer  # noqa: E402
from geo.geomath import great_circle_km  # noqa: E402
from geo.resolve import resolve  # noqa: E402
from geo.types import Mention  # noqa: E402

__all__ = ["evaluate", "lookup_name", "main"]


def lookup_name(surface: str) -> tuple[str, str]:
    """What the recogniser would look up for a gold surface: demonyms and abbreviations mapped."""
    try:
        from geo.demonyms import abbreviation_place, demonym_place
    except ImportError:
        return surface, "literal"
    if (place := demonym_place(surface)) is not None:
        return place, "demonym"
    return abbreviation_place(surface) or surface, "literal"


def evaluate(path: Path, index: OfflineGazetteer, show: int = 0) -> dict[str, float]:
    """acc@161 km, unresolved share and timing over one gold JSONL file."""
    good = total = missing = 0
    seconds = 0.0
    errors: Counter[str] = Counter()
    for line in path.open(encoding="utf-8"):
        doc = json.loads(line)
        gold = [t for t in doc["toponyms"] if t.get("lat") is not None]
        mentions = []
        for t in gold:
            name, kind = lookup_name(t["name"])
            mentions.append(Mention(t["start"], t["end"], t["name"], name, kind))
        started = time.perf_counter()
        results = resolve(doc["text"], mentions, index)
        seconds += time.perf_counter() - started
        for t, r in zip(gold, results):
            total += 1
            if r.place is None:
                missing += 1
                errors[f"NONE {t['name']}"] += 1
            elif great_circle_km(t["lat"], t["lon"], r.place.lat, r.place.lon) <= 161:
                good += 1
            else:
                errors[f"{t['name']} -> {r.place.name} {r.place.country_code} {r.place.feature_code} "
                       f"(gold {t['lat']:.1f},{t['lon']:.1f})"] += 1
    for err, n in errors.most_common(show):
        print(f"  {n:3d} {err}")
    return {"acc161": good / total, "unresolved": missing / total, "toponyms": total,
            "ms_per_doc": 1000 * seconds / max(1, sum(1 for _ in path.open()))}


def main() -> int:
    """Command line: scripts/resolve_eval.py [--shared ../shared] [--index instance/gazetteer.sqlite]."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", default="../shared")
    parser.add_argument("--index", default="instance/gazetteer.sqlite")
    parser.add_argument("--show", type=int, default=0, help="print the N most frequent errors")
    args = parser.parse_args()
    index = OfflineGazetteer(args.index)
    for corpus in ("gwn-dev", "lgl-dev"):
        stats = evaluate(Path(args.shared) / "eval" / f"{corpus}.jsonl", index, args.show)
        print(f"{corpus}: acc161 {stats['acc161']:.3f}  unresolved {stats['unresolved']:.3f}  "
              f"n={stats['toponyms']}  {stats['ms_per_doc']:.1f} ms/doc")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
