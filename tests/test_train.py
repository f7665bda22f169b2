"""scripts/train.py: folds are by document and the same every run; training is deterministic."""
from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import train  # noqa: E402
from geo.calibration import Calibration  # noqa: E402
from geo.features import feature_names  # noqa: E402
from geo.ranker import Ranker, Tree  # noqa: E402

DOCS = [f"doc-{i}" for i in range(23)]


def test_folds_cover_every_document_once_and_are_balanced() -> None:
    folds = train.assign_folds(DOCS)
    assert set(folds) == set(DOCS)
    assert sorted(Counter(folds.values()).values()) == [4, 4, 5, 5, 5]


def test_folds_do_not_depend_on_input_order_or_repeats() -> None:
    shuffled = DOCS[:]
    random.Random(3).shuffle(shuffled)
    assert train.assign_folds(shuffled + DOCS) == train.assign_folds(DOCS)


def test_folds_change_with_the_seed_only() -> None:
    assert train.assign_folds(DOCS, seed=1) == train.assign_folds(DOCS, seed=1)
    assert train.assign_folds(DOCS, seed=1) != train.assign_folds(DOCS, seed=2)


def _synthetic_records(n_docs: int = 10) -> list[train.NameRecord]:
    """Names of 3 candidates each; the right one has the largest first feature."""
    rng = random.Random(0)
    width = len(feature_names())
    records = []
    for d in range(n_docs):
        for _ in range(8):
            right = rng.randrange(3)
            rows = tuple(tuple([rng.random() + (2.0 if c == right else 0.0)] + [rng.random() for _ in range(width - 1)])
                         for c in range(3))
            records.append(train.NameRecord(f"doc-{d}", rows, tuple((c == right,) for c in range(3)), 0.5))
    return records


def test_fold_models_score_only_documents_they_did_not_see() -> None:
    pytest.importorskip("lightgbm")
    records = _synthetic_records()
    folds = train.assign_folds(r.doc for r in records)
    result = train.fold_rankers(records, folds)
    outcomes = result.outcomes
    assert len(result.rankers) == train.FOLDS and len(outcomes) == len(records) == len(result.confidences)
    by_fold = Counter(folds[o.doc] for o in outcomes)
    assert by_fold == Counter(folds[r.doc] for r in records)  # every mention scored once, in its own fold
    assert sum(o.right for o in outcomes) / len(outcomes) > 0.9  # the signal is learned out of fold
    assert result.chooses  # the hand score (candidate 0) is right a third of the time only
    assert all(r.chooses for r in result.rankers)
    assert all(0.0 <= c <= 1.0 for c in result.confidences)


def test_training_is_deterministic() -> None:
    pytest.importorskip("lightgbm")
    records = _synthetic_records(4)
    assert train.fit_trees(records) == train.fit_trees(records)


def test_fitted_trees_load_as_a_ranker() -> None:
    pytest.importorskip("lightgbm")
    trees = train.fit_trees(_synthetic_records(4))
    ranker = Ranker(tuple(feature_names()), train.TOP,
                    tuple(Tree(tuple(t["features"]), tuple(t["thresholds"]), tuple(t["left"]), tuple(t["right"]),
                               tuple(t["leaves"])) for t in trees), Calibration((), ()), 0.5)
    good = [2.5] + [0.5] * (len(feature_names()) - 1)
    bad = [0.5] * len(feature_names())
    assert ranker.score(good) > ranker.score(bad)


def test_review_threshold_is_the_top_of_the_last_unreliable_bin() -> None:
    confidences = [0.15] * 10 + [0.65] * 10 + [0.95] * 10
    right = [False] * 10 + [True] * 6 + [False] * 4 + [True] * 10
    assert train.choose_review_below(confidences, right) == 0.7
    assert train.choose_review_below([0.95] * 3, [True] * 3) == 0.0


def _outcomes(doc: str, ranker_right: int, hand_right: int, n: int = 100) -> list[train.Outcome]:
    """n mentions of one document, the first ranker_right right for the ranker, hand_right for the hand score."""
    return [train.Outcome(doc, 1.0, i < ranker_right, 0.5, i < hand_right, 0.9) for i in range(n)]


@pytest.mark.parametrize(
    ("gwn", "lgl", "wins"),
    [
        ((95, 90), (95, 90), True),  # better on both
        ((95, 90), (89, 90), False),  # a big gain on one corpus does not pay for a loss on the other
        ((90, 90), (99, 90), False),  # nor for no gain
        ((91, 90), (91, 90), True),  # a gain of MIN_GAIN (1 in 100 >= 0.005) on each
    ],
)
def test_the_ranker_chooses_only_when_it_wins_on_every_corpus(gwn: tuple, lgl: tuple, wins: bool) -> None:
    assert train.ranker_wins(_outcomes("gwn-1", *gwn) + _outcomes("lgl-7", *lgl)) is wins


def test_corpus_of() -> None:
    assert [train.corpus_of(d) for d in ("gwn-12", "lgl-40450848", "x")] == ["gwn", "lgl", "x"]
