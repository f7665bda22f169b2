"""Geoparse the development corpora, score them in-sample and out of fold, and guard the figures.

Three runs over GeoWebNews and LGL (../shared/eval): the production build through
`flask geoparse` (in-sample: the shipped ranker was trained on these documents), the hand-weighted
score alone, and out of fold (each document resolved by a ranker trained, by scripts/train.py, on
the folds it is not in). Each prints F1, acc161 (strict) and the share of resolved places more than
1,000 km off, side by side; then the out-of-fold calibration: expected calibration error and the
reliability table of the confidences. With --check FILE, exits 1 when an out-of-fold figure is
more than --tolerance worse than the recorded one; with --record FILE, writes them there.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
FLASK = [sys.executable, "-m", "flask", "--app", "app"]
FAR_KM = 1000.0
RIGHT_KM = 161.0
LOWER_IS_BETTER = ("far1000",)


@dataclass(frozen=True)
class Corpus:
    """A gold corpus and the scorer options it is published with."""

    key: str
    filename: str
    score_args: tuple[str, ...]


CORPORA = (
    Corpus("gwn", "gwn-dev.jsonl", ("--match", "exact")),
    Corpus("lgl", "lgl-dev.jsonl", ("--match", "gritta", "--gold-coords-only")),
)


def read_jsonl(path: Path) -> list[dict]:
    """The objects of a JSONL file (not splitlines(): U+2028 may sit inside a string)."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def score_file(corpus: Corpus, eval_dir: Path, pred: Path) -> dict:
    """The published scorer's figures for one prediction file."""
    proc = subprocess.run(
        [sys.executable, str(eval_dir / "score.py"), str(eval_dir / corpus.filename), str(pred), *corpus.score_args],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    return json.loads(proc.stdout[: proc.stdout.rindex("}") + 1])


def run_cli(corpus: Corpus, eval_dir: Path, workdir: Path) -> dict:
    """Geoparse one corpus through the CLI (the production build) and score it."""
    docs = read_jsonl(eval_dir / corpus.filename)
    inp = workdir / f"{corpus.key}-in.jsonl"
    out = workdir / f"{corpus.key}-pred.jsonl"
    inp.write_text("".join(json.dumps({"id": d["id"], "text": d["text"]}) + "\n" for d in docs), encoding="utf-8")
    t0 = time.perf_counter()
    subprocess.run([*FLASK, "geoparse", str(inp), "-o", str(out)], cwd=ROOT, check=True)
    seconds = time.perf_counter() - t0
    figures = score_file(corpus, eval_dir, out)
    words = sum(len(d["text"].split()) for d in docs)
    figures.update(words=words, seconds=round(seconds, 2), words_per_second=round(words / seconds),
                   **mention_errors(corpus, eval_dir, out))
    return figures


def load_scorer(eval_dir: Path) -> Any:
    """The published scorer as a module (for its span matching)."""
    spec = importlib.util.spec_from_file_location("score", eval_dir / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def predicted_mentions(path: Path) -> dict[str, list[dict]]:
    """Document id -> predicted mentions with their point, confidence, whether it is approximate and
    the place's own properties (under "place": name, geonameid, country and feature codes)."""
    from geo.resolve import is_approximate

    out: dict[str, list[dict]] = {}
    for fc in read_jsonl(path):
        mentions = out.setdefault(str(fc["id"]), [])
        for feature in fc.get("features", []):
            coords = (feature.get("geometry") or {}).get("coordinates")
            for m in feature["properties"].get("mentions", []):
                mentions.append({**m, "lat": coords[1] if coords else None, "lon": coords[0] if coords else None,
                                 "approximate": is_approximate(str(feature.get("id", ""))),
                                 "place": feature["properties"]})
    return out


def mention_errors(corpus: Corpus, eval_dir: Path, pred: Path) -> dict[str, Any]:
    """Over matched gold mentions with coordinates: the share of resolved ones more than FAR_KM off,
    and (confidence, right within 161 km) per resolved one, approximate placements apart (they
    are always marked for review, whatever their confidence)."""
    scorer, preds = load_scorer(eval_dir), predicted_mentions(pred)
    far = resolved = 0
    judged: list[tuple[float, bool]] = []
    approximate: list[bool] = []
    mode = corpus.score_args[1]
    for doc in read_jsonl(eval_dir / corpus.filename):
        gold = [t for t in doc["toponyms"] if t.get("lat") is not None]
        for g, p in scorer.match(gold, preds.get(str(doc["id"]), []), doc["text"], mode):
            if p["lat"] is None:
                continue
            km = scorer.great_circle_km(g["lat"], g["lon"], p["lat"], p["lon"])
            resolved += 1
            far += km > FAR_KM
            if p["approximate"]:
                approximate.append(km <= RIGHT_KM)
            else:
                judged.append((float(p.get("confidence", 0.0)), km <= RIGHT_KM))
    return {"far1000": round(far / max(1, resolved), 4), "judged": judged, "approximate": approximate}


class _ParsedNLP:
    """Stands in for the spaCy pipeline with documents parsed once (the runs differ only in resolution)."""

    def __init__(self, docs: dict[str, Any]) -> None:
        self.docs = docs

    def pipe(self, texts: Iterable[str], batch_size: int = 16) -> Iterator[Any]:
        """The stored parse of every text."""
        return (self.docs[t] for t in texts)


def run_in_process(corpus: Corpus, eval_dir: Path, workdir: Path, label: str, nlp: _ParsedNLP,
                   geoparser_for: Callable[[str], Any]) -> dict:
    """Geoparse one corpus in this process, each document by geoparser_for(its id), and score it."""
    from geo import geojson

    out = workdir / f"{corpus.key}-{label}.jsonl"
    with out.open("w", encoding="utf-8") as f:
        for d in read_jsonl(eval_dir / corpus.filename):
            story = geoparser_for(str(d["id"]))(nlp).parse(d["text"])
            f.write(json.dumps(geojson.story_collection(story, doc_id=d["id"]), ensure_ascii=False) + "\n")
    return {**score_file(corpus, eval_dir, out), **mention_errors(corpus, eval_dir, out)}


def parse_all(eval_dir: Path) -> _ParsedNLP:
    """Every development text parsed once by the spaCy pipeline."""
    from geo.nlp import load_nlp

    texts = [d["text"] for c in CORPORA for d in read_jsonl(eval_dir / c.filename)]
    return _ParsedNLP(dict(zip(texts, load_nlp().pipe(texts, batch_size=32))))


def out_of_fold_geoparsers(eval_dir: Path, index: Any) -> Callable[[str], Callable[[Any], Any]]:
    """Document id -> a Geoparser factory with the ranker trained without that document's fold."""
    import train
    from geo.pipeline import Geoparser

    docs = train.load_docs(eval_dir)
    folds = train.assign_folds(d.id for d in docs)
    records = [r for d in docs for r in train.records_for(d, index)]
    result = train.fold_rankers(records, folds)
    return lambda doc_id: (lambda nlp: Geoparser(nlp, index, result.rankers[folds[doc_id]]))


class _WithHome:
    """A Geoparser that gives every text the same source home area (geo.home)."""

    def __init__(self, geoparser: Any, home: Any) -> None:
        self.geoparser, self.home = geoparser, home

    def parse(self, text: str) -> Any:
        """Geoparse text with the home area."""
        return self.geoparser.parse(text, home=self.home)


def source_homes(corpus: Corpus, eval_dir: Path, pred: Path) -> dict[str, Any]:
    """Document id -> the home area (geo.home) from the predictions for the *other* documents of the
    same source (URL host): what a library holding those articles would know, never a gold answer."""
    from geo.home import place_regions, source_domain, source_homes
    from geo.weights import DEFAULT_WEIGHTS as w

    regions: dict[str, set] = {}
    for fc in read_jsonl(pred):
        rows = [(p.get("country_code"), p.get("admin1"), p.get("feature_class"), float(p.get("confidence") or 0.0))
                for p in (f["properties"] for f in fc["features"]) if p.get("resolved")]
        regions[str(fc["id"])] = place_regions(rows, w.home_min_confidence)
    docs = [(str(d["id"]), source_domain((d.get("meta") or {}).get("url", ""))) for d in read_jsonl(eval_dir / corpus.filename)]
    homes = source_homes([domain for _, domain in docs], [regions.get(doc_id, set()) for doc_id, _ in docs],
                         w.home_min_articles, w.home_min_share)
    return {doc_id: home for (doc_id, _), home in zip(docs, homes)}


def headline(results: dict[str, dict]) -> dict[str, float]:
    """The guarded figures: F1, strict acc161 and the share more than 1,000 km off, per corpus."""
    return {
        f"{key}_{metric}": results[key][field]
        for key in results
        for metric, field in (("f1", "f1"), ("acc161", "acc161_strict"), ("far1000", "far1000"))
    }


def print_side_by_side(runs: dict[str, dict[str, dict]]) -> None:
    """One line per corpus and figure, one column per run."""
    names = list(runs)
    print(f"{'figure':18s}" + "".join(f"{n:>14s}" for n in names))
    for figure in headline(next(iter(runs.values()))):
        print(f"{figure:18s}" + "".join(f"{headline(runs[n])[figure]:14.4f}" for n in names))


def print_calibration(label: str, results: dict[str, dict]) -> None:
    """Expected calibration error and the reliability table of the resolved mentions' confidences."""
    from geo.calibration import expected_calibration_error, reliability

    judged = [j for r in results.values() for j in r["judged"]]
    confidences, right = [c for c, _ in judged], [ok for _, ok in judged]
    approximate = [ok for r in results.values() for ok in r["approximate"]]
    print(f"calibration {label}, {len(judged)} resolved mentions (and {len(approximate)} approximate "
          f"placements, {sum(approximate) / max(1, len(approximate)):.0%} within 161 km): "
          f"ECE {expected_calibration_error(confidences, right):.4f}")
    print("  confidence  count  mean conf  right within 161 km")
    for b in reliability(confidences, right):
        print(f"  {b.low:.1f}-{b.high:.1f}  {b.count:6d}  {b.mean_confidence:9.3f}  {b.accuracy:9.3f}")


def check(figures: dict[str, float], recorded_path: Path, tolerance: float) -> int:
    """1 (and a message per figure) when a figure is more than tolerance worse than recorded."""
    recorded = json.loads(recorded_path.read_text(encoding="utf-8"))
    drops = {}
    for k, was in recorded.items():
        now = figures.get(k, 0.0)
        worse = now - was if k.endswith(LOWER_IS_BETTER) else was - now
        if worse > tolerance:
            drops[k] = (was, now)
    for k, (was, now) in drops.items():
        print(f"QUALITY REGRESSION {k}: recorded {was:.4f}, now {now:.4f}", file=sys.stderr)
    if drops:
        return 1
    print(f"quality gate: out-of-fold figures within {tolerance} of {recorded_path}")
    return 0


def run_all(eval_dir: Path, workdir: Path, gazetteer: Path) -> dict[str, dict[str, dict]]:
    """The three runs: in-sample (CLI), hand score alone, out of fold."""
    from geo.gazetteer import OfflineGazetteer
    from geo.pipeline import Geoparser

    runs = {"in-sample": {c.key: run_cli(c, eval_dir, workdir) for c in CORPORA}}
    for c in CORPORA:
        r = runs["in-sample"][c.key]
        print(f"{c.key}: {r['words']} words in {r['seconds']} s = {r['words_per_second']} words/s "
              "(CLI, model load included)")
    index, nlp = OfflineGazetteer(str(gazetteer)), parse_all(eval_dir)
    hand = lambda _doc_id: (lambda n: Geoparser(n, index, None))  # noqa: E731
    runs["hand"] = {c.key: run_in_process(c, eval_dir, workdir, "hand", nlp, hand) for c in CORPORA}
    oof = out_of_fold_geoparsers(eval_dir, index)
    runs["out-of-fold"] = {c.key: run_in_process(c, eval_dir, workdir, "oof", nlp, oof) for c in CORPORA}
    runs["+ source"] = {}
    for c in CORPORA:
        homes = source_homes(c, eval_dir, workdir / f"{c.key}-oof.jsonl")
        with_home = lambda doc_id, homes=homes: (lambda n: _WithHome(oof(doc_id)(n), homes[doc_id]))  # noqa: E731
        runs["+ source"][c.key] = run_in_process(c, eval_dir, workdir, "src", nlp, with_home)
        print(f"{c.key}: {sum(h is not None for h in homes.values())} of {len(homes)} documents have a source home area")
    return runs


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"), help="the shared/ folder")
    ap.add_argument("--gazetteer", default=str(ROOT / "instance" / "gazetteer.sqlite"))
    ap.add_argument("--check", help="recorded out-of-fold figures to compare against")
    ap.add_argument("--record", help="write the out-of-fold figures to this file")
    ap.add_argument("--tolerance", type=float, default=0.02)
    ap.add_argument("--keep", help="keep predictions in this folder")
    a = ap.parse_args(argv)
    eval_dir = Path(a.shared) / "eval"
    if not (eval_dir / "score.py").exists():
        print(f"evaluate: no corpora at {eval_dir}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(a.keep) if a.keep else Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        runs = run_all(eval_dir, workdir, Path(a.gazetteer))
    print_side_by_side(runs)
    print_calibration("of the hand score's softmax (before)", runs["hand"])
    print_calibration("out of fold", runs["out-of-fold"])
    print_calibration("out of fold, with source home areas", runs["+ source"])
    figures = {**headline(runs["out-of-fold"]), **{f"src_{k}": v for k, v in headline(runs["+ source"]).items()}}
    print(json.dumps(figures))
    if a.record:
        Path(a.record).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return check(figures, Path(a.check), a.tolerance) if a.check else 0


if __name__ == "__main__":
    sys.exit(main())
