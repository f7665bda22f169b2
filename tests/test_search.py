"""geo.search: the reviewers' gazetteer search (alternate names, transliterations, qualifiers)."""
from __future__ import annotations

import pytest

from geo.gazetteer import OfflineGazetteer
from geo.search import MATCH_TIERS, feature_kind, search, spelling_variants
from geo.types import Place
from testkit import GAZETTEER


@pytest.fixture(scope="module")
def index() -> OfflineGazetteer:
    if not GAZETTEER.is_file():
        pytest.fail(f"{GAZETTEER} is missing: run `make install` (or `make gazetteer`) first")
    return OfflineGazetteer(GAZETTEER)


# query -> (place id of the first result, its match tier, label parts: admin-1, country, kind)
RANKING = [
    # an alternate name, and transliterations of it (no gazetteer row spells "Beqaa" or "Biqa")
    ("Bekaa", "gn:280282", "alternate", ("Al Biqā‘", "Lebanon", "region (admin-1)")),
    ("Beqaa", "gn:280282", "variant", ("Al Biqā‘", "Lebanon", "region (admin-1)")),
    ("Biqa", "gn:280282", "variant", ("Al Biqā‘", "Lebanon", "region (admin-1)")),
    ("Kiev", "gn:703448", "alternate", ("Kyiv", "Ukraine", "capital city")),
    # ASCII folding: with or without accents, the same places in the same order
    ("Sao Paulo", "gn:3448433", "name", ("São Paulo", "Brazil", "region (admin-1)")),
    ("São Paulo", "gn:3448433", "name", ("São Paulo", "Brazil", "region (admin-1)")),
    # "Town, State" (name, postal code, AP abbreviation) and "Town, Country"
    ("Lebanon, Pennsylvania", "gn:5197517", "name", ("Pennsylvania", "United States", "town")),
    ("Paris, Texas", "gn:4717560", "name", ("Texas", "United States", "town")),
    ("Springfield, IL", "gn:4250542", "name", ("Illinois", "United States", "city")),
    ("Springfield, Ill.", "gn:4250542", "name", ("Illinois", "United States", "city")),
    ("Homs, Syria", "gn:169577", "name", ("Ḩimş", "Syria", "city")),
    # no qualifier: the exact name first, then the most important kind
    ("Lebanon", "gn:272103", "name", (None, "Lebanon", "country")),
    ("Homs", "gn:169577", "name", ("Ḩimş", "Syria", "city")),
    ("Burma", "gn:1327865", "name", (None, "Myanmar", "country")),  # a country's other name
]


@pytest.mark.parametrize(("query", "place_id", "tier", "label"), RANKING)
def test_search_ranking(index, query, place_id, tier, label):
    results = search(index, query)
    assert results, query
    first = results[0]
    assert (first.place.place_id, first.match) == (place_id, tier)
    assert (first.place.admin1, first.country, first.kind) == label


def test_qualifiers_narrow_the_results(index):
    for query, admin1 in (("Lebanon, Pennsylvania", "Pennsylvania"), ("Springfield, IL", "Illinois")):
        results = search(index, query)
        assert results and all(r.place.admin1 == admin1 and r.in_region for r in results)
    assert {r.place.country_code for r in search(index, "Homs, Syria")} == {"SY"}
    # A qualifier that names nothing leaves the results as they were.
    assert [r.place.place_id for r in search(index, "Lebanon, Nowhereland")][:3] \
        == [r.place.place_id for r in search(index, "Lebanon")][:3]


def test_results_are_ranked_by_tier_then_importance(index):
    results = search(index, "Lebanon", limit=30)
    tiers = [MATCH_TIERS.index(r.match) for r in results]
    assert tiers == sorted(tiers)
    towns = [r.place.population for r in results if r.match == "name" and r.kind in ("town", "city")]
    assert towns == sorted(towns, reverse=True) and len(towns) >= 3


def test_empty_and_unknown_queries(index):
    assert search(index, "") == [] and search(index, " , Texas") == []
    assert search(index, "Xqzzkvv") == []


@pytest.mark.parametrize(("key", "variant", "steps"), [
    ("beqaa", "bekaa", 1),        # q -> k
    ("biqa", "al biqa", 1),       # an article added
    ("al biqa", "biqa", 1),       # an article dropped
    ("kiev", "kyiv", 2),          # i -> y, e -> i
    ("beqaa", "biqa", 2),         # e -> i, aa -> a
])
def test_spelling_variants(key, variant, steps):
    variants = spelling_variants(key)
    assert key not in variants
    assert variants[variant] <= steps


@pytest.mark.parametrize(("place", "kind"), [
    (Place("x", "Syria", 0, 0, None, "SY", "A", "PCLI", 1), "country"),
    (Place("x", "Homs", 0, 0, None, "SY", "P", "PPL", 775404), "city"),
    (Place("x", "Qusayr", 0, 0, None, "SY", "P", "PPL", 30000), "town"),
    (Place("x", "Orontes", 0, 0, None, "SY", "H", "STM", 0), "river"),
    (Place("x", "Somewhere", 0, 0, None, "SY", "H", "XYZ", 0), "water feature"),
    (Place("manual:1", "Farm", 0, 0, None, None, None, None, 0, None, "manual"), "point placed by hand"),
    (Place("pc:US.TN.ten-mile", "Ten Mile", 0, 0, None, "US", "P", "PPL", 300, "Tennessee", "postal"),
     "locality (US postal code)"),
    (Place("x", "Thing", 0, 0, None, None, None, None, 0), "place"),
])
def test_feature_kind(place, kind):
    assert feature_kind(place) == kind
