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
    """Trees as arrays, scored for many rows at once. Each tree is laid out as a complete binary tree of the
    forest's depth (node k's children at 2k+1 and 2k+2; a leaf above that depth fills every leaf under it),
    so every (tree, row) takes the same number of steps down and no step needs to ask which have ended."""

    def __init__(self, trees: Sequence[Tree]) -> None:
        self.depth = max((_depth(t, 0) for t in trees), default=0)
        inner = 2 ** self.depth - 1
        self.features = numpy.zeros((len(trees), max(inner, 1)), dtype=numpy.intp)
        self.thresholds = numpy.full((len(trees), max(inner, 1)), numpy.inf)
        self.leaves = numpy.zeros((len(trees), 2 ** self.depth))
        for k, tree in enumerate(trees):
            self._lay_out(k, tree, 0 if tree.features else ~0, 0, 0)

    def _lay_out(self, k: int, tree: Tree, node: int, at: int, level: int) -> None:
        """Place tree k's node (a leaf when < 0) at position ``at`` of the complete tree, ``level`` steps down."""
        if level == self.depth:
            self.leaves[k, at - (2 ** self.depth - 1)] = tree.leaves[~node]
            return
        if node >= 0:
            self.features[k, at], self.thresholds[k, at] = tree.features[node], tree.thresholds[node]
            children = (tree.left[node], tree.right[node])
        else:  # a leaf above the full depth: both ways lead to it (the threshold stays +inf)
            children = (node, node)
        self._lay_out(k, tree, children[0], 2 * at + 1, level + 1)
        self._lay_out(k, tree, children[1], 2 * at + 2, level + 1)

    def __call__(self, rows: Sequence[Sequence[float]]) -> list[float]:
        """The summed tree values of each row (as Tree.__call__ gives them one at a time)."""
        if not rows:
            return []
        x = numpy.asarray(rows, dtype=float)
        trees = numpy.arange(len(self.leaves))[:, None]
        columns = numpy.arange(len(x))[None, :]
        node = numpy.zeros((len(self.leaves), len(x)), dtype=numpy.intp)
        for _ in range(self.depth):  # right unless feature <= threshold (NaN goes right, as in Tree)
            node = 2 * node + 1 + ~(x[columns, self.features[trees, node]] <= self.thresholds[trees, node])
        return self.leaves[trees, node - (2 ** self.depth - 1)].sum(axis=0).tolist()


def _depth(tree: Tree, node: int) -> int:
    """The number of splits on the longest path down from node (0 for a tree without splits)."""
    if node < 0 or not tree.features:
        return 0
    return 1 + max(_depth(tree, tree.left[node]), _depth(tree, tree.right[node]))


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
