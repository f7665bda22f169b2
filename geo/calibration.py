"""Calibration: a monotone map from a ranker score to the probability that the choice is right.

``fit_isotonic`` fits it (pool-adjacent-violators), ``Calibration`` applies it (linear between its
points), ``reliability`` and ``expected_calibration_error`` judge it on held-out choices.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Sequence

__all__ = ["Bin", "Calibration", "expected_calibration_error", "fit_isotonic", "reliability"]


@dataclass(frozen=True)
class Calibration:
    """Points (score, probability), scores increasing and probabilities not decreasing."""

    scores: tuple[float, ...]
    probabilities: tuple[float, ...]

    def __call__(self, score: float) -> float:
        """The probability for a score: linear between the points, flat beyond the ends."""
        xs, ys = self.scores, self.probabilities
        if not xs:
            return 0.5
        if score <= xs[0]:
            return ys[0]
        if score >= xs[-1]:
            return ys[-1]
        j = bisect_right(xs, score)
        x0, x1, y0, y1 = xs[j - 1], xs[j], ys[j - 1], ys[j]
        return y0 + (y1 - y0) * (score - x0) / (x1 - x0) if x1 > x0 else y1


def fit_isotonic(scores: Sequence[float], labels: Sequence[float], min_count: int = 20) -> Calibration:
    """The isotonic (non-decreasing) fit of labels on scores, its blocks holding min_count or more."""
    pairs = sorted(zip(scores, labels))
    blocks: list[list[float]] = []  # [sum of labels, count, sum of scores]
    for x, y in pairs:
        blocks.append([y, 1.0, x])
        while len(blocks) > 1 and (
                blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1] or blocks[-2][1] < min_count):
            total, count, xsum = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
            blocks[-1][2] += xsum
    if len(blocks) > 1 and blocks[-1][1] < min_count:
        total, count, xsum = blocks.pop()
        blocks[-1] = [blocks[-1][0] + total, blocks[-1][1] + count, blocks[-1][2] + xsum]
    return Calibration(tuple(round(b[2] / b[1], 6) for b in blocks), tuple(round(b[0] / b[1], 6) for b in blocks))


@dataclass(frozen=True)
class Bin:
    """One row of a reliability table: confidences in [low, high), their mean, the share right."""

    low: float
    high: float
    count: int
    mean_confidence: float
    accuracy: float


def reliability(confidences: Sequence[float], right: Sequence[bool], bins: int = 10) -> list[Bin]:
    """The reliability table: equal-width confidence bins with their mean confidence and accuracy."""
    table = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [(c, r) for c, r in zip(confidences, right) if low <= c < high or (b == bins - 1 and c == high)]
        if inside:
            table.append(Bin(low, high, len(inside), sum(c for c, _ in inside) / len(inside),
                             sum(r for _, r in inside) / len(inside)))
    return table


def expected_calibration_error(confidences: Sequence[float], right: Sequence[bool], bins: int = 10) -> float:
    """The count-weighted mean gap between confidence and accuracy over the reliability bins."""
    n = len(confidences)
    return sum(b.count * abs(b.mean_confidence - b.accuracy) for b in reliability(confidences, right, bins)) / max(1, n)
