"""geo/features.py: the feature row of a (name, candidate) pair, checked feature by feature."""
from __future__ import annotations

import math

import pytest

from geo.features import ArticleEvidence, Choice, NameEvidence, candidate_rows, code_groups, feature_names
from geo.types import Place

PARIS_FR = Place("gn:2988507", "Paris", 48.85341, 2.3488, 2988507, "FR", "P", "PPLC", 2_138_551, "Île-de-France", "geonames")
PARIS_TX = Place("gn:4717560", "Paris", 33.66094, -95.55551, 4717560, "US", "P", "PPL", 24_782, "Texas", "geonames")
TEXAS = Place("gn:4736286", "Texas", 31.25044, -99.25061, 4736286, "US", "A", "ADM1", 22_875_689, "Texas", "geonames")
DALLAS = Place("gn:4684888", "Dallas", 32.78306, -96.80667, 4684888, "US", "P", "PPL", 1_300_092, "Texas", "geonames")


def _name(**changes: object) -> NameEvidence:
    fields = dict(key="paris", places=(PARIS_FR, PARIS_TX), hand=(5.0, 3.0), mentions=2, first_position=0.25,
                  key_differs=False, demonym=False, abbreviation=False, state_form=False, regions=frozenset())
    fields.update(changes)
    return NameEvidence(**fields)  # type: ignore[arg-type]


ARTICLE = ArticleEvidence(names=3, choices=(Choice("dallas", DALLAS, 0.9, 3), Choice("texas", TEXAS, 0.4, 1)),
                          anchor_confidence=0.5)


def _rows(name: NameEvidence = _name(), article: ArticleEvidence = ARTICLE) -> dict[str, list[float]]:
    """feature -> [value for Paris, France; value for Paris, Texas]."""
    rows = candidate_rows(name, article, [0, 1])
    return {f: [row[i] for row in rows] for i, f in enumerate(feature_names())}


@pytest.mark.parametrize(
    ("feature", "expected"),
    [
        ("hand_score", [5.0, 3.0]),
        ("hand_margin", [0.0, -2.0]),
        ("hand_rank", [0.0, 1.0]),
        ("hand_share", [1 / (1 + math.exp(-2)), math.exp(-2) / (1 + math.exp(-2))]),
        ("log_population", [math.log10(2_138_552), math.log10(24_783)]),
        ("log_population_gap", [0.0, math.log10(2_138_552) - math.log10(24_783)]),
        ("population_rank", [0.0, 1.0]),
        ("class_p", [1.0, 1.0]),
        ("exact_name", [1.0, 1.0]),
        ("mentions", [2.0, 2.0]),
        ("first_position", [0.25, 0.25]),
        ("log_candidates", [1.0, 1.0]),
        ("country_share", [0.0, 1.0]),
        ("admin_share", [0.0, 1.0]),
        ("top_country", [0.0, 1.0]),
        ("top_admin", [0.0, 1.0]),
        ("inside_share", [0.0, 0.0]),
        ("qualifier", [0.0, 0.0]),
        ("qualifier_match", [0.0, 0.0]),
        ("code_capital", [1.0, 0.0]),
        ("code_town", [0.0, 1.0]),
    ],
)
def test_feature_values(feature: str, expected: list[float]) -> None:
    assert _rows()[feature] == pytest.approx(expected)


def test_distances_to_other_choices() -> None:
    rows = _rows()
    near_km, far_km = rows["log_km_nearest"]
    assert 10 ** near_km - 1 > 7000  # Paris, France: an ocean away from Dallas and Texas
    assert 10 ** far_km - 1 == pytest.approx(150, abs=20)  # Paris, Texas to Dallas
    assert rows["near_share"] == [0.0, 0.75]  # Dallas (3 mentions) of 4 within 300 km


def test_only_confident_choices_count_as_anchors() -> None:
    unsure = ArticleEvidence(3, (Choice("dallas", DALLAS, 0.1, 3),), anchor_confidence=0.5)
    assert _rows(article=unsure)["log_km_nearest_confident"] == [math.log10(20001)] * 2


@pytest.mark.parametrize(
    ("regions", "expected"),
    [
        (frozenset({("US", "Texas")}), [-1.0, 1.0]),
        (frozenset({("FR", None)}), [1.0, -1.0]),
        (frozenset({("US", "Ohio")}), [-1.0, -1.0]),
    ],
)
def test_qualifier_match(regions: frozenset, expected: list[float]) -> None:
    rows = _rows(_name(regions=regions))
    assert rows["qualifier"] == [1.0, 1.0]
    assert rows["qualifier_match"] == expected


def test_a_state_contains_the_other_choices() -> None:
    name = _name(key="texas", places=(TEXAS,), hand=(4.0,))
    rows = candidate_rows(name, ARTICLE, [0])
    inside = feature_names().index("inside_share")
    assert rows[0][inside] == 1.0  # Dallas (3 of 3 other mentions, Texas itself excluded) lies inside


def test_rows_follow_the_requested_indices_and_feature_order() -> None:
    rows = candidate_rows(_name(), ARTICLE, [1])
    assert len(rows) == 1 and len(rows[0]) == len(feature_names())
    assert feature_names()[-len(code_groups()):] == tuple(name for name, _ in code_groups())
    assert len(set(feature_names())) == len(feature_names())


def _brute_context(place: Place, key: str, article: ArticleEvidence) -> list[float]:
    """The context features measured by a pass over every other choice (the indexes must agree exactly)."""
    from collections import Counter

    from geo.geomath import great_circle_km

    others = [c for c in article.choices if c.key != key]
    countries: Counter = Counter()
    admins: Counter = Counter()
    for c in others:
        if c.place.country_code:
            countries[c.place.country_code] += c.mentions
            if c.place.admin1:
                admins[(c.place.country_code, c.place.admin1)] += c.mentions
    total = max(1, sum(c.mentions for c in others))
    top = countries.most_common(1)[0][0] if countries else None
    top_admin = admins.most_common(1)[0][0] if admins else None
    cc, adm = place.country_code, place.admin1
    inside = sum(c.mentions for c in others if place.feature_code in ("PCLI", "ADM1") and c.place.country_code == cc
                 and c.place is not place and (place.feature_code == "PCLI" or c.place.admin1 == adm))
    kms = [(great_circle_km(place.lat, place.lon, c.place.lat, c.place.lon), c) for c in others]
    nearest = min((km for km, _ in kms), default=None)
    confident = min((km for km, c in kms if c.confidence >= article.anchor_confidence), default=None)
    return [
        countries[cc] / total if cc else 0.0, admins[(cc, adm)] / total if cc and adm else 0.0,
        1.0 if cc and cc == top else 0.0, 1.0 if cc and adm and (cc, adm) == top_admin else 0.0, inside / total,
        math.log10(1 + (nearest if nearest is not None else 20000.0)),
        math.log10(1 + (confident if confident is not None else 20000.0)),
        sum(c.mentions for km, c in kms if km < 300.0) / total,
    ]


@pytest.mark.parametrize("seed", range(6))
def test_context_features_match_a_pass_over_every_choice(seed: int) -> None:
    """Shares, most common country and region (ties to the first counted), containment and distances."""
    import random

    rng = random.Random(seed)
    kinds = [("P", "PPL"), ("A", "ADM1"), ("A", "PCLI"), ("P", "PPLC")]
    places = [Place(f"gn:{i}", f"p{i}", rng.uniform(30, 50), rng.uniform(-10, 20), i, rng.choice(["US", "FR", None]),
                    *rng.choice(kinds), rng.randint(0, 10**6), rng.choice(["a", "b", None]), "geonames")
              for i in range(60)]
    choices = tuple(Choice(f"k{i}", places[i], rng.choice([0.2, 0.7]), rng.randint(1, 3)) for i in range(20))
    article = ArticleEvidence(20, choices, anchor_confidence=0.5)
    context = feature_names().index("country_share")
    for i in range(0, 25, 2):
        name = _name(key=f"k{i}", places=tuple(places[i:i + 8]), hand=tuple(range(8)))
        for row, place in zip(candidate_rows(name, article, range(8)), places[i:i + 8]):
            assert row[context:context + 8] == _brute_context(place, f"k{i}", article)
