"""The learned candidate ranker: boosted trees read from a small JSON file, scored in pure Python.

``scripts/train.py`` (``make train``) fits the trees with LightGBM on the development corpora and
writes ``geo/data/ranker.json``; scoring needs no training library. ``default_ranker`` loads that
file once, on first use.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy

from geo.calibration import Calibration

__all__ = ["MODEL_PATH", "Forest", "Ranker", "Tree", "default_ranker", "load_ranker"]

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


class Forest:
    """Trees as arrays, scored for many rows at once: each step moves every (tree, row) one node down."""

    def __init__(self, trees: Sequence[Tree]) -> None:
        width = max((len(t.features) for t in trees), default=0) or 1
        leaves = max(len(t.leaves) for t in trees) if trees else 1
        shape = (len(trees), width)
        self.features = numpy.zeros(shape, dtype=numpy.intp)
        self.thresholds = numpy.zeros(shape)
        self.left = numpy.full(shape, -1, dtype=numpy.intp)  # a tree without splits: node 0 is leaf 0
        self.right = numpy.full(shape, -1, dtype=numpy.intp)
        self.leaves = numpy.zeros((len(trees), leaves))
        for k, t in enumerate(trees):
            n = len(t.features)
            self.features[k, :n], self.thresholds[k, :n] = t.features, t.thresholds
            self.left[k, :n], self.right[k, :n] = t.left, t.right
            self.leaves[k, : len(t.leaves)] = t.leaves
        self.has_splits = numpy.array([bool(t.features) for t in trees], dtype=bool)

    def __call__(self, rows: Sequence[Sequence[float]]) -> list[float]:
        """The summed tree values of each row (as Tree.__call__ gives them one at a time)."""
        if not rows:
            return []
        x = numpy.asarray(rows, dtype=float)
        trees = numpy.arange(len(self.features))[:, None]
        node = numpy.where(self.has_splits[:, None], 0, -1) * numpy.ones((1, len(x)), dtype=numpy.intp)
        columns = numpy.arange(len(x))[None, :]
        while (inner := node >= 0).any():
            at = numpy.where(inner, node, 0)
            goes_left = x[columns, self.features[trees, at]] <= self.thresholds[trees, at]
            node = numpy.where(inner, numpy.where(goes_left, self.left[trees, at], self.right[trees, at]), node)
        return self.leaves[trees, ~node].sum(axis=0).tolist()


@dataclass(frozen=True)
class Ranker:
    """Boosted trees over geo.features rows, and the calibration of the best candidate's score."""

    features: tuple[str, ...]
    top: int  # candidates ranked per name: the best this many by hand score
    trees: tuple[Tree, ...]
    calibration: Calibration
    review_below: float  # confidence under which a choice is marked uncertain (chosen by train.py)
    chooses: bool = True  # False: the hand score keeps choosing (it won out of fold); the ranker calibrates

    forest: Forest = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "forest", Forest(self.trees))

    def score(self, row: Sequence[float]) -> float:
        """The raw score (log-odds that the candidate is right) of one feature row."""
        return sum(tree(row) for tree in self.trees)

    def scores(self, rows: Sequence[Sequence[float]]) -> list[float]:
        """The raw scores of many rows at once (the same as score, row by row)."""
        return self.forest(rows)

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
