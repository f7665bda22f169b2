"""geo/calibration.py: the isotonic fit is monotone, the map interpolates, ECE and the reliability table."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.calibration import Calibration, expected_calibration_error, fit_isotonic, reliability

CAL = Calibration((0.0, 1.0, 3.0), (0.2, 0.4, 0.9))


@pytest.mark.parametrize(
    ("score", "probability"),
    [(-5.0, 0.2), (0.0, 0.2), (0.5, 0.3), (1.0, 0.4), (2.0, 0.65), (3.0, 0.9), (9.0, 0.9)],
)
def test_calibration_interpolates_between_points(score: float, probability: float) -> None:
    assert CAL(score) == pytest.approx(probability)


def test_empty_calibration_says_half() -> None:
    assert Calibration((), ())(1.0) == 0.5


@given(st.lists(st.tuples(st.floats(-10, 10), st.booleans()), min_size=1, max_size=200))
def test_isotonic_fit_is_monotone(pairs: list[tuple[float, bool]]) -> None:
    cal = fit_isotonic([s for s, _ in pairs], [float(r) for _, r in pairs], min_count=5)
    assert list(cal.scores) == sorted(cal.scores)
    assert list(cal.probabilities) == sorted(cal.probabilities)
    assert all(0.0 <= p <= 1.0 for p in cal.probabilities)
    grid = [x / 4 for x in range(-48, 49)]
    values = [cal(x) for x in grid]
    assert values == sorted(values)


def test_isotonic_fit_follows_the_data() -> None:
    scores = [float(i) for i in range(100)]
    labels = [float(i >= 50) for i in range(100)]
    cal = fit_isotonic(scores, labels, min_count=10)
    assert cal(5.0) == 0.0 and cal(95.0) == 1.0


def test_reliability_table_and_ece() -> None:
    confidences = [0.95] * 10 + [0.25] * 4
    right = [True] * 9 + [False] + [True, False, False, False]
    table = reliability(confidences, right)
    assert [(b.low, b.count, b.accuracy) for b in table] == [(0.2, 4, 0.25), (0.9, 10, 0.9)]
    assert expected_calibration_error(confidences, right) == pytest.approx((10 * 0.05 + 4 * 0.0) / 14)
    assert expected_calibration_error([1.0, 1.0], [True, True]) == 0.0
