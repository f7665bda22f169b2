"""Train the candidate ranker (geo/data/ranker.json) on the development corpora and report it out of fold.

Gold spans of both development halves (../shared/eval) are resolved by the hand weights; every
name's best candidates become feature rows (geo.features), labelled right when within 161 km of
the gold point. Documents are split into 5 folds (a seeded shuffle of their ids): each fold is
scored by trees trained on the other four, and the confidence calibration of each fold is fitted
on the other folds' scores, so every printed figure is out of fold. The saved model is trained on
all documents; its calibration is the isotonic fit of all out-of-fold scores.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from geo.calibration import Calibration, expected_calibration_error, fit_isotonic, reliability  # noqa: E402
from geo.features import feature_names  # noqa: E402
from geo.geomath import great_circle_km  # noqa: E402
from geo.ranker import MODEL_PATH, Ranker  # noqa: E402
from geo.resolve import ranker_inputs  # noqa: E402
from geo.types import Mention  # noqa: E402
from resolve_eval import lookup_name  # noqa: E402

__all__ = ["Doc", "FoldResult", "NameRecord", "Outcome", "assign_folds", "choose_review_below", "corpus_of", "fit_trees",
           "fold_rankers", "load_docs", "main", "ranker_wins", "records_for"]

SEED = 11
FOLDS = 5
TOP = 10  # candidates per name the ranker sees (best by hand score)
RIGHT_KM = 161.0
MIN_GAIN = 0.005  # out-of-fold acc161 the ranker's choices must gain over the hand score's to replace them
CALIBRATION_BLOCK = 50  # least mentions per step of the isotonic calibration (fewer: noisy steps)
REVIEW_ACCURACY = 0.8  # a choice is "uncertain, please review" where out-of-fold accuracy falls below this
CORPORA = ("gwn-dev", "lgl-dev")
PARAMS = {
    "objective": "binary", "learning_rate": 0.08, "num_leaves": 8, "max_depth": 4, "min_data_in_leaf": 20,
    "lambda_l2": 1.0, "feature_fraction": 0.9, "bagging_fraction": 0.9, "bagging_freq": 1,
    "seed": SEED, "deterministic": True, "force_row_wise": True, "num_threads": 1, "verbose": -1,
}
ROUNDS = 250


@dataclass(frozen=True)
class Doc:
    """A gold document: id, text and the toponyms that have coordinates."""

    id: str
    text: str
    toponyms: tuple[dict, ...]


@dataclass(frozen=True)
class NameRecord:
    """One name of a document: its feature rows, per candidate the share of its mentions it gets right."""

    doc: str
    rows: tuple[tuple[float, ...], ...]
    right: tuple[tuple[bool, ...], ...]  # per candidate, per mention: within 161 km of that mention's gold
    hand_confidence: float

    @property
    def mentions(self) -> int:
        """How many gold mentions share this name."""
        return len(self.right[0])


def load_docs(eval_dir: Path) -> list[Doc]:
    """The documents of both development corpora, gold toponyms with coordinates only."""
    docs = []
    for corpus in CORPORA:
        with (eval_dir / f"{corpus}.jsonl").open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    d = json.loads(line)
                    gold = tuple(t for t in d["toponyms"] if t.get("lat") is not None)
                    docs.append(Doc(str(d["id"]), d["text"], gold))
    return docs


def assign_folds(doc_ids: Iterable[str], k: int = FOLDS, seed: int = SEED) -> dict[str, int]:
    """Document id -> fold, from a seeded shuffle of the sorted ids (the same every run)."""
    ids = sorted(set(doc_ids))
    random.Random(seed).shuffle(ids)
    return {doc_id: i % k for i, doc_id in enumerate(ids)}


def records_for(doc: Doc, index: Any) -> list[NameRecord]:
    """The ranker's rows for one document's gold mentions, with what each candidate gets right."""
    mentions = []
    for t in doc.toponyms:
        name, kind = lookup_name(t["name"])
        mentions.append(Mention(t["start"], t["end"], t["name"], name, kind))
    out = []
    for item in ranker_inputs(doc.text, mentions, index, TOP):
        golds = [doc.toponyms[i] for i in item.indices]
        right = tuple(tuple(great_circle_km(g["lat"], g["lon"], p.lat, p.lon) <= RIGHT_KM for g in golds)
                      for p in item.places)
        share = feature_names().index("hand_share")
        out.append(NameRecord(doc.id, item.rows, right, item.rows[0][share]))
    return out


def _label(right: Sequence[bool]) -> int:
    """1 when the candidate is right for at least half of the name's mentions."""
    return int(2 * sum(right) >= len(right))


def fit_trees(records: Sequence[NameRecord]) -> list[dict]:
    """Boosted trees fitted on the records' rows (names with no right candidate left out), as dicts."""
    import lightgbm  # the training library: needed here only, never at inference
    import numpy

    rows, labels, weights = [], [], []
    for r in records:
        if any(any(c) for c in r.right):
            for row, right in zip(r.rows, r.right):
                rows.append(row)
                labels.append(_label(right))
                weights.append(float(r.mentions))
    data = lightgbm.Dataset(numpy.array(rows, dtype=numpy.float64), label=labels, weight=weights, feature_name=list(feature_names()),
                            params={"verbose": -1})
    booster = lightgbm.train(PARAMS, data, num_boost_round=ROUNDS)
    return [_tree_dict(t["tree_structure"]) for t in booster.dump_model()["tree_info"]]


def _tree_dict(root: dict) -> dict:
    """A LightGBM dumped tree as flat arrays (geo.ranker.Tree's layout)."""
    tree: dict[str, list] = {"features": [], "thresholds": [], "left": [], "right": [], "leaves": []}

    def visit(node: dict) -> int:
        if "leaf_value" in node:
            tree["leaves"].append(node["leaf_value"])
            return ~(len(tree["leaves"]) - 1)
        if node.get("decision_type", "<=") != "<=":
            raise ValueError(f"unsupported split {node['decision_type']}")
        i = len(tree["features"])
        tree["features"].append(node["split_feature"])
        tree["thresholds"].append(node["threshold"])
        tree["left"].append(0)
        tree["right"].append(0)
        tree["left"][i] = visit(node["left_child"])
        tree["right"][i] = visit(node["right_child"])
        return i

    visit(root)
    return tree


def _ranker(trees: list[dict], calibration: Calibration, review_below: float = 0.5, chooses: bool = True) -> Ranker:
    """A Ranker from fitted trees and a calibration."""
    return Ranker.from_dict(_model_dict(trees, calibration, review_below, chooses))


def _model_dict(trees: list[dict], calibration: Calibration, review_below: float, chooses: bool) -> dict:
    """The JSON document geo.ranker reads."""
    return {
        "library": "lightgbm 4.7.0", "seed": SEED, "top": TOP, "features": list(feature_names()),
        "chooses": chooses, "review_below": review_below,
        "calibration": {"scores": list(calibration.scores), "probabilities": list(calibration.probabilities)},
        "trees": [{**t, "leaves": [round(x, 6) for x in t["leaves"]]} for t in trees],  # thresholds exact
    }


@dataclass(frozen=True)
class Outcome:
    """One gold mention's result under the ranker's choice and under the hand score's choice:
    the ranker's raw score of each choice and whether it is right within 161 km."""

    doc: str
    score: float
    right: bool
    hand_score: float
    hand_right: bool
    hand_confidence: float  # the hand score's own (softmax) confidence

    def chosen(self, chooses: bool) -> tuple[float, bool]:
        """(raw score, right) of the choice the ranker makes (chooses) or the hand score makes."""
        return (self.score, self.right) if chooses else (self.hand_score, self.hand_right)


def _outcomes(records: Sequence[NameRecord], trees: list[dict]) -> list[Outcome]:
    """Score each name's candidates by the trees; one Outcome per gold mention."""
    ranker = _ranker(trees, Calibration((), ()))
    out = []
    for r in records:
        scores = [ranker.score(row) for row in r.rows]
        best = max(range(len(scores)), key=scores.__getitem__)
        for m in range(r.mentions):
            out.append(Outcome(r.doc, scores[best], r.right[best][m], scores[0], r.right[0][m], r.hand_confidence))
    return out


def corpus_of(doc_id: str) -> str:
    """The corpus a development document belongs to: its id's prefix ("gwn-12" -> "gwn")."""
    return doc_id.partition("-")[0]


def ranker_wins(outcomes: Sequence[Outcome]) -> bool:
    """Whether the ranker's choices beat the hand score's out of fold by at least MIN_GAIN acc161 on
    every corpus (a gain on one must not pay for a loss on another)."""
    corpora: dict[str, list[Outcome]] = {}
    for o in outcomes:
        corpora.setdefault(corpus_of(o.doc), []).append(o)
    return bool(corpora) and all(
        sum(o.right for o in group) - sum(o.hand_right for o in group) >= MIN_GAIN * len(group)
        for group in corpora.values())


@dataclass(frozen=True)
class FoldResult:
    """Out of fold: a ranker per fold, every mention's outcome and calibrated confidence, who chooses."""

    rankers: list[Ranker]
    outcomes: list[Outcome]
    confidences: list[float]
    chooses: bool


def fold_rankers(records: Sequence[NameRecord], folds: dict[str, int]) -> FoldResult:
    """Per fold, a ranker trained on the other folds, its confidence calibrated on the other folds'
    out-of-fold scores of the winning choice (the ranker's or the hand score's)."""
    trees = [fit_trees([r for r in records if folds[r.doc] != k]) for k in range(FOLDS)]
    outcomes: list[Outcome] = []
    for k in range(FOLDS):
        outcomes += _outcomes([r for r in records if folds[r.doc] == k], trees[k])
    chooses = ranker_wins(outcomes)
    chosen = [o.chosen(chooses) for o in outcomes]
    calibrations = [fit_isotonic([sc for o, (sc, _) in zip(outcomes, chosen) if folds[o.doc] != k],
                                 [float(ok) for o, (_, ok) in zip(outcomes, chosen) if folds[o.doc] != k],
                                 CALIBRATION_BLOCK)
                    for k in range(FOLDS)]
    confidences = [calibrations[folds[o.doc]](sc) for o, (sc, _) in zip(outcomes, chosen)]
    rankers = [_ranker(trees[k], calibrations[k], chooses=chooses) for k in range(FOLDS)]
    return FoldResult(rankers, outcomes, confidences, chooses)


def choose_review_below(confidences: Sequence[float], right: Sequence[bool]) -> float:
    """The upper edge of the highest reliability bin whose out-of-fold accuracy is under REVIEW_ACCURACY."""
    low = [b.high for b in reliability(confidences, right) if b.accuracy < REVIEW_ACCURACY]
    return round(max(low), 2) if low else 0.0


def print_report(result: FoldResult, review_below: float) -> None:
    """acc161 of the hand score and of the ranker out of fold, ECE and the reliability table."""
    outcomes, confidences = result.outcomes, result.confidences
    n = len(outcomes)
    right = [o.chosen(result.chooses)[1] for o in outcomes]
    hand = [o.hand_right for o in outcomes]
    print(f"gold mentions {n}: acc161 hand score {sum(hand) / n:.4f} | ranker out of fold "
          f"{sum(o.right for o in outcomes) / n:.4f} -> {'the ranker' if result.chooses else 'the hand score'} chooses")
    for corpus in sorted({corpus_of(o.doc) for o in outcomes}):
        group = [o for o in outcomes if corpus_of(o.doc) == corpus]
        print(f"  {corpus}: {len(group)} mentions, acc161 hand score {sum(o.hand_right for o in group) / len(group):.4f}"
              f" | ranker {sum(o.right for o in group) / len(group):.4f}")
    print(f"ECE out of fold: hand softmax {expected_calibration_error([o.hand_confidence for o in outcomes], hand):.4f}"
          f" | calibrated {expected_calibration_error(confidences, right):.4f}")
    print("confidence bin   count  mean conf  accuracy")
    for b in reliability(confidences, right):
        print(f"  {b.low:.1f}-{b.high:.1f}      {b.count:5d}   {b.mean_confidence:.3f}     {b.accuracy:.3f}")
    flagged = [ok for ok, c in zip(right, confidences) if c < review_below]
    print(f"review below {review_below}: flags {len(flagged) / n:.1%} of mentions, "
          f"{flagged.count(False)} of {right.count(False)} wrong choices")


def main(argv: list[str] | None = None) -> int:
    """Command line: scripts/train.py [--shared ../shared] [--index instance/gazetteer.sqlite] [--out FILE]."""
    from geo.gazetteer import OfflineGazetteer

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--index", default=str(ROOT / "instance" / "gazetteer.sqlite"))
    ap.add_argument("--out", default=str(MODEL_PATH))
    a = ap.parse_args(argv)
    docs = load_docs(Path(a.shared) / "eval")
    index = OfflineGazetteer(a.index)
    records = [r for doc in docs for r in records_for(doc, index)]
    result = fold_rankers(records, assign_folds(d.id for d in docs))
    chosen = [o.chosen(result.chooses) for o in result.outcomes]
    review_below = choose_review_below(result.confidences, [ok for _, ok in chosen])
    print_report(result, review_below)
    calibration = fit_isotonic([sc for sc, _ in chosen], [float(ok) for _, ok in chosen], CALIBRATION_BLOCK)
    model = _model_dict(fit_trees(records), calibration, review_below, result.chooses)
    Path(a.out).write_text(json.dumps(model, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {a.out} ({Path(a.out).stat().st_size} bytes, {len(model['trees'])} trees)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
