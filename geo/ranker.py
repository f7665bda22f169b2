"""The learned candidate ranker: boosted trees read from a small JSON file, scored in pure Python.

``scripts/train.py`` (``make train``) fits the trees with LightGBM on the development corpora and
writes ``geo/data/ranker.json``; scoring needs no training library. ``default_ranker`` loads that
file once, on first use.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Mapping, Sequence

from geo.calibration import Calibration

__all__ = ["MODEL_PATH", "Ranker", "Tree", "default_ranker", "load_ranker"]

MODEL_PATH = Path(__file__).parent / "data" / "ranker.json"


@dataclass(frozen=True)
class Tree:
    """One regression tree: node i splits on features[i] <= thresholds[i]; a child < 0 is leaf ~child."""

    features: tuple[int, ...]
    thresholds: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    leaves: tuple[float, ...]

    def __call__(self, row: Sequence[float]) -> float:
        """The tree's value for one feature row."""
        if not self.features:
            return self.leaves[0]
        node = 0
        while node >= 0:
            node = self.left[node] if row[self.features[node]] <= self.thresholds[node] else self.right[node]
        return self.leaves[~node]


@dataclass(frozen=True)
class Ranker:
    """Boosted trees over geo.features rows, and the calibration of the best candidate's score."""

    features: tuple[str, ...]
    top: int  # candidates ranked per name: the best this many by hand score
    trees: tuple[Tree, ...]
    calibration: Calibration
    review_below: float  # confidence under which a choice is marked uncertain (chosen by train.py)
    chooses: bool = True  # False: the hand score keeps choosing (it won out of fold); the ranker calibrates

    def score(self, row: Sequence[float]) -> float:
        """The raw score (log-odds that the candidate is right) of one feature row."""
        return sum(tree(row) for tree in self.trees)

    def confidence(self, score: float) -> float:
        """The calibrated probability that a chosen candidate with this score is right within 161 km."""
        return self.calibration(score)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Ranker":
        """A Ranker from the JSON document train.py writes."""
        trees = tuple(
            Tree(tuple(t["features"]), tuple(t["thresholds"]), tuple(t["left"]), tuple(t["right"]), tuple(t["leaves"]))
            for t in data["trees"]
        )
        cal = data["calibration"]
        return cls(tuple(data["features"]), int(data["top"]), trees,
                   Calibration(tuple(cal["scores"]), tuple(cal["probabilities"])), float(data["review_below"]),
                   bool(data.get("chooses", True)))


@cache
def load_ranker(path: str | Path) -> Ranker:
    """The ranker stored at path, read once per process."""
    return Ranker.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def default_ranker() -> Ranker | None:
    """The project's trained ranker (geo/data/ranker.json), or None when it is absent."""
    return load_ranker(MODEL_PATH) if MODEL_PATH.exists() else None
