"""geo/ranker.py: trees score in pure Python; the shipped model loads and ranks known cases."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from geo.calibration import Calibration
from geo.features import feature_names
from geo.ranker import MODEL_PATH, Ranker, Tree, default_ranker, load_ranker
from geo.resolve import resolve
from geo.types import Mention

REAL_INDEX = Path(__file__).resolve().parent.parent / "instance" / "gazetteer.sqlite"

# x0 <= 1 ? (x1 <= 0 ? 0.1 : 0.2) : 0.5
TREE = Tree(features=(0, 1), thresholds=(1.0, 0.0), left=(1, ~0), right=(~2, ~1), leaves=(0.1, 0.2, 0.5))


@pytest.mark.parametrize(("row", "value"), [((0.0, 0.0), 0.1), ((1.0, 0.0), 0.1), ((0.0, 3.0), 0.2), ((2.0, 0.0), 0.5)])
def test_tree_follows_its_splits(row: tuple[float, float], value: float) -> None:
    assert TREE(row) == value


def test_a_stump_is_its_one_leaf() -> None:
    assert Tree((), (), (), (), (0.7,))((1.0,)) == 0.7


def test_ranker_sums_its_trees_and_calibrates() -> None:
    ranker = Ranker(("a", "b"), 10, (TREE, TREE), Calibration((0.0, 1.0), (0.1, 0.9)), 0.5)
    assert ranker.score((2.0, 0.0)) == pytest.approx(1.0)
    assert ranker.confidence(0.5) == pytest.approx(0.5)


def test_model_file_is_small_text_and_matches_the_features() -> None:
    assert MODEL_PATH.stat().st_size < 1_000_000
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert tuple(data["features"]) == feature_names()
    ranker = default_ranker()
    assert ranker is load_ranker(MODEL_PATH)  # read once
    assert ranker is not None and ranker.trees and 0.0 < ranker.review_below < 1.0
    assert all(max(t.features, default=0) < len(feature_names()) for t in ranker.trees)


def _mentions(text: str, names: list[str]) -> list[Mention]:
    found = [Mention(m.start(), m.end(), n, n) for n in names for m in re.finditer(re.escape(n), text)]
    return sorted(found, key=lambda m: m.start)


@pytest.mark.skipif(not REAL_INDEX.exists(), reason="needs the built gazetteer")
@pytest.mark.parametrize(
    ("text", "names", "target", "country", "admin1"),
    [
        ("The fair in Paris, Texas, drew crowds from Dallas.", ["Paris", "Texas", "Dallas"], "Paris", "US", "Texas"),
        ("Protesters marched in Paris and Lyon, France.", ["Paris", "Lyon", "France"], "Paris", "FR", None),
        ("Ministers met in London before flying to Manchester.", ["London", "Manchester"], "London", "GB", None),
    ],
)
def test_shipped_ranker_resolves_known_cases(text: str, names: list[str], target: str, country: str,
                                             admin1: str | None) -> None:
    from geo.gazetteer import OfflineGazetteer

    mentions = _mentions(text, names)
    results = resolve(text, mentions, OfflineGazetteer(str(REAL_INDEX)), ranker=default_ranker())
    chosen = {m.name: r for m, r in zip(mentions, results)}[target]
    assert chosen.place is not None and chosen.place.country_code == country
    assert admin1 is None or chosen.place.admin1 == admin1
    assert 0.5 < chosen.confidence <= 1.0
    assert all(0.0 <= a.score <= 1.0 for a in chosen.alternatives)


def test_review_threshold_is_the_trained_one() -> None:
    from geo.store import UNCERTAIN_BELOW

    ranker = default_ranker()
    assert ranker is not None and UNCERTAIN_BELOW == ranker.review_below


@pytest.mark.skipif(not REAL_INDEX.exists(), reason="needs the built gazetteer")
def test_a_calibrating_ranker_keeps_the_hand_choices() -> None:
    """A ranker that did not win out of fold (chooses False) changes confidences, never choices."""
    from dataclasses import replace

    from geo.gazetteer import OfflineGazetteer

    ranker = default_ranker()
    assert ranker is not None
    index = OfflineGazetteer(str(REAL_INDEX))
    text = "Flooding in Alexandria and Pineville closed roads; Paris, Texas, and Athens sent crews."
    mentions = _mentions(text, ["Alexandria", "Pineville", "Paris", "Texas", "Athens"])
    hand = resolve(text, mentions, index)
    calibrating = resolve(text, mentions, index, ranker=replace(ranker, chooses=False))
    assert [r.place for r in calibrating] == [r.place for r in hand]
    assert [[a.place for a in r.alternatives] for r in calibrating] == [[a.place for a in r.alternatives] for r in hand]


def test_the_forest_scores_many_rows_as_the_trees_score_each() -> None:
    """Ranker.scores (arrays, all rows at once) equals Ranker.score row by row, on the shipped model."""
    import random

    from geo.ranker import default_ranker

    ranker = default_ranker()
    assert ranker is not None
    rng = random.Random(7)
    rows = [[rng.choice([0.0, 1.0, -1.0, rng.uniform(-5, 50)]) for _ in ranker.features] for _ in range(300)]
    assert ranker.scores(rows) == pytest.approx([ranker.score(row) for row in rows], abs=1e-12)
    assert ranker.scores([]) == []


def test_the_forest_lays_out_uneven_trees_and_reads_nan_as_the_trees_do() -> None:
    """A leaf-only tree, a stump and an uneven tree (one side three splits deep) give the same sums as
    Tree.__call__, NaN features included (they go right)."""
    from geo.ranker import Forest, Tree

    trees = [
        Tree((), (), (), (), (0.5,)),
        Tree((0,), (1.0,), (-1,), (-2,), (-1.0, 2.0)),
        Tree((1, 0, 1), (0.0, 3.0, 5.0), (-1, 2, -3), (1, -2, -4), (10.0, 20.0, 30.0, 40.0)),
    ]
    nan = float("nan")
    rows = [[0.0, -1.0], [2.0, 1.0], [4.0, 6.0], [4.0, 4.0], [nan, nan], [1.0, 0.0], [nan, 2.0]]
    assert Forest(trees)(rows) == [sum(t(row) for t in trees) for row in rows]
    assert Forest([trees[0]])(rows[:2]) == [0.5, 0.5]
