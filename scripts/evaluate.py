"""Geoparse the development corpora with `flask geoparse`, score them, and guard the figures.

Prints F1 and acc161 (strict) for GeoWebNews and LGL and the words per second of the run.
With --check FILE, exits 1 when a figure is more than --tolerance below the recorded one;
with --record FILE, writes the figures there.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "app"]


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


def run_corpus(corpus: Corpus, eval_dir: Path, workdir: Path) -> dict:
    """Geoparse one corpus through the CLI and score it; returns the scorer's figures."""
    gold = eval_dir / corpus.filename
    with gold.open(encoding="utf-8") as f:  # not splitlines(): U+2028 may sit inside a string
        docs = [json.loads(line) for line in f if line.strip()]
    inp = workdir / f"{corpus.key}-in.jsonl"
    out = workdir / f"{corpus.key}-pred.jsonl"
    with inp.open("w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps({"id": d["id"], "text": d["text"]}) + "\n")
    t0 = time.perf_counter()
    subprocess.run([*FLASK, "geoparse", str(inp), "-o", str(out)], cwd=ROOT, check=True)
    seconds = time.perf_counter() - t0
    proc = subprocess.run(
        [sys.executable, str(eval_dir / "score.py"), str(gold), str(out), *corpus.score_args],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    figures = json.loads(proc.stdout[: proc.stdout.rindex("}") + 1])
    words = sum(len(d["text"].split()) for d in docs)
    figures["words"] = words
    figures["seconds"] = round(seconds, 2)
    figures["words_per_second"] = round(words / seconds)
    return figures


def headline(results: dict[str, dict]) -> dict[str, float]:
    """The four guarded figures."""
    return {
        f"{key}_{metric}": results[key][field]
        for key in results
        for metric, field in (("f1", "f1"), ("acc161", "acc161_strict"))
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"), help="the shared/ folder")
    ap.add_argument("--check", help="recorded figures to compare against")
    ap.add_argument("--record", help="write the figures to this file")
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
        results = {c.key: run_corpus(c, eval_dir, workdir) for c in CORPORA}
    for key, r in results.items():
        print(
            f"{key}: P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f} | "
            f"acc161 {r['acc161']:.3f} strict {r['acc161_strict']:.3f} AUC {r['auc']:.3f} | "
            f"{r['words']} words in {r['seconds']} s = {r['words_per_second']} words/s (model load included)"
        )
    figures = headline(results)
    print(json.dumps(figures))
    if a.record:
        Path(a.record).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    if a.check:
        recorded = json.loads(Path(a.check).read_text(encoding="utf-8"))
        drops = {
            k: (recorded[k], figures.get(k, 0.0))
            for k in recorded
            if figures.get(k, 0.0) < recorded[k] - a.tolerance
        }
        for k, (was, now) in drops.items():
            print(f"QUALITY REGRESSION {k}: recorded {was:.4f}, now {now:.4f}", file=sys.stderr)
        if drops:
            return 1
        print(f"quality gate: all figures within {a.tolerance} of {a.check}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
