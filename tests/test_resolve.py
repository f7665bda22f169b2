"""Tests for geo.resolve: table cases over a small in-memory PlaceIndex, plus seed-article checks."""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Iterable

import pytest

from geo.home import HomeArea
from geo.names import name_key
from geo.resolve import (
    APPROXIMATE_CONFIDENCE,
    APPROXIMATE_PREFIX,
    APPROXIMATE_SOURCE,
    abbreviations,
    approximate_place,
    definite_alone,
    direction_compounds,
    full_form,
    own_name,
    generic_suffixes,
    institution_countries,
    is_approximate,
    landform_suffixes,
    lookup_keys,
    prior,
    listed_qualifier,
    qualifier_after,
    resident_before,
    resolve,
    team_region,
    written_as_state,
    written_as_water,
)
from geo.types import POSTAL_SOURCE, Candidate, Mention, NameInfo, Place
from geo.weights import DEFAULT_WEIGHTS

ROOT = Path(__file__).resolve().parent.parent
REAL_INDEX = ROOT / "instance" / "gazetteer.sqlite"
SEED = ROOT.parent / "shared" / "seeds" / "000_0ccbed5b938370f4.txt"


def _p(pid: str, name: str, lat: float, lon: float, cc: str, code: str, pop: int,
       admin1: str | None = None) -> Place:
    cls = "A" if code in ("PCLI", "ADM1", "ADM2") else "P"
    return Place(pid, name, lat, lon, int(pid[3:]), cc, cls, code, pop, admin1, "geonames")


LEBANON_LB = _p("gn:272103", "Lebanon", 33.83333, 35.83333, "LB", "PCLI", 6_848_925)
LEBANON_PA = _p("gn:5197079", "Lebanon", 40.34093, -76.41135, "US", "PPL", 25_534, "Pennsylvania")
LEBANON_TN = _p("gn:4636045", "Lebanon", 36.20811, -86.2911, "US", "PPL", 30_262, "Tennessee")
HOMS_SY = _p("gn:169577", "Homs", 34.72682, 36.72339, "SY", "PPL", 775_404, "Homs")
KHUMS_LY = _p("gn:2219905", "Al Khums", 32.64861, 14.26191, "LY", "PPL", 201_943, "Al Marqab")
DAMASCUS_SY = _p("gn:170654", "Damascus", 33.5102, 36.29128, "SY", "PPLC", 1_569_394, "Dimashq")
DAMASCUS_MD = _p("gn:4352681", "Damascus", 39.28844, -77.20387, "US", "PPL", 15_257, "Maryland")
SYRIA = _p("gn:163843", "Syria", 35.0, 38.0, "SY", "PCLI", 16_906_283)
LIBYA = _p("gn:2215636", "Libya", 28.0, 17.0, "LY", "PCLI", 6_678_567)
PENNSYLVANIA = _p("gn:6254927", "Pennsylvania", 40.9, -77.7, "US", "ADM1", 12_700_000, "Pennsylvania")
MARYLAND = _p("gn:4361885", "Maryland", 39.0, -76.8, "US", "ADM1", 6_000_000, "Maryland")
HARRISBURG = _p("gn:5192726", "Harrisburg", 40.27370, -76.88442, "US", "PPL", 49_192, "Pennsylvania")
QUSAYR = _p("gn:169304", "Al Quşayr", 34.50887, 36.5797, "SY", "PPL", 41_062, "Homs")

ALIASES = {"homs": [HOMS_SY, KHUMS_LY], "pa": [PENNSYLVANIA], "qusair": [QUSAYR], "al qusayr": [QUSAYR]}


class FakeIndex:
    """An in-memory PlaceIndex over the places above."""

    def __init__(self, places: Iterable[Place]) -> None:
        self.by_key: dict[str, list[Place]] = {}
        for place in places:
            self.by_key.setdefault(name_key(place.name), []).append(place)
        for key, extra in ALIASES.items():
            for place in extra:
                if place not in self.by_key.setdefault(key, []):
                    self.by_key[key].append(place)

    def candidates(self, name: str, limit: int = 25) -> list[Place]:
        return sorted(self.by_key.get(name_key(name), []), key=lambda p: -p.population)[:limit]

    def known_names(self, names: Iterable[str]) -> dict[str, NameInfo]:
        return {n: NameInfo(name_key(n), len(self.by_key[name_key(n)]), 0) for n in names if name_key(n) in self.by_key}


INDEX = FakeIndex([LEBANON_LB, LEBANON_PA, LEBANON_TN, HOMS_SY, KHUMS_LY, DAMASCUS_SY, DAMASCUS_MD,
                   SYRIA, LIBYA, PENNSYLVANIA, MARYLAND, HARRISBURG, QUSAYR])


def _mentions(text: str, names: list[str]) -> list[Mention]:
    """Mentions for each occurrence of each name in text (name looked up as written)."""
    found = []
    for name in names:
        for m in re.finditer(re.escape(name), text):
            found.append(Mention(m.start(), m.end(), name, name))
    return sorted(found, key=lambda m: m.start)


def _gazetteer_choices(text: str, names: list[str], index: FakeIndex) -> dict[str, Place | None]:
    """The gazetteer place resolve() chooses for each name (as _mentions finds them); None when it places the
    name approximately or not at all."""
    mentions = _mentions(text, names)
    return {m.name: None if r.place is None or r.place.source == APPROXIMATE_SOURCE else r.place
            for m, r in zip(mentions, resolve(text, mentions, index))}


def _real_choices(text: str, names: list[str]) -> dict[str, Place]:
    """The place resolve() chooses for each name (as _mentions finds them) with the real gazetteer index."""
    from geo.gazetteer import OfflineGazetteer

    mentions = _mentions(text, names)
    return {m.name: r.place for m, r in zip(mentions, resolve(text, mentions, OfflineGazetteer(REAL_INDEX)))}


@pytest.mark.parametrize(
    ("text", "names", "target", "expected"),
    [
        ("Lebanon braced for refugees.", ["Lebanon"], "Lebanon", LEBANON_LB),
        ("Fighting spread from Syria into Lebanon.", ["Syria", "Lebanon"], "Lebanon", LEBANON_LB),
        ("The fair in Lebanon, Pennsylvania opened.", ["Lebanon"], "Lebanon", LEBANON_PA),
        ("The fair in Lebanon, Pa., opened.", ["Lebanon"], "Lebanon", LEBANON_PA),
        ("From Harrisburg we drove to Lebanon.", ["Harrisburg", "Lebanon"], "Lebanon", LEBANON_PA),
        ("Shelling hit Homs overnight.", ["Homs"], "Homs", HOMS_SY),
        ("Rebels in Homs, Syria, withdrew.", ["Homs", "Syria"], "Homs", HOMS_SY),
        ("Ships left Homs for Libya and Tripoli.", ["Homs", "Libya"], "Homs", KHUMS_LY),
        ("Talks in Damascus stalled.", ["Damascus"], "Damascus", DAMASCUS_SY),
        ("Damascus, Maryland, held a parade.", ["Damascus"], "Damascus", DAMASCUS_MD),
        ("Maryland towns such as Damascus voted.", ["Maryland", "Damascus"], "Damascus", DAMASCUS_MD),
        ("A Lebanon woman was charged.", ["Lebanon"], "Lebanon", LEBANON_TN),  # no country's people
        ("The Lebanon residents voted.", ["Lebanon"], "Lebanon", LEBANON_TN),
        ("Lebanon women voted.", ["Lebanon"], "Lebanon", LEBANON_TN),
        ("Lebanon welcomed women voters.", ["Lebanon"], "Lebanon", LEBANON_LB),
    ],
)
def test_resolve_in_context(text: str, names: list[str], target: str, expected: Place) -> None:
    mentions = _mentions(text, names)
    results = resolve(text, mentions, INDEX)
    assert len(results) == len(mentions)
    chosen = {m.name: r.place for m, r in zip(mentions, results)}
    assert chosen[target] == expected


def test_one_meaning_per_name() -> None:
    text = "Lebanon, Pa. is small. Later, Lebanon held a vote."
    results = resolve(text, _mentions(text, ["Lebanon"]), INDEX)
    assert [r.place for r in results] == [LEBANON_PA, LEBANON_PA]


def test_confidence_and_alternatives() -> None:
    text = "Talks in Damascus stalled."
    (result,) = resolve(text, _mentions(text, ["Damascus"]), INDEX)
    assert 0.5 < result.confidence <= 1.0
    assert [c.place for c in result.alternatives] == [DAMASCUS_MD]
    assert all(0.0 <= c.score < result.confidence for c in result.alternatives)


def test_unknown_name_is_placed_approximately_or_not_at_all() -> None:
    text = "Baba Amr in Homs was shelled."
    results = resolve(text, _mentions(text, ["Baba Amr", "Homs"]), INDEX)
    approx = results[0].place
    assert approx is not None and results[0].confidence == APPROXIMATE_CONFIDENCE
    # A place of its own (not a mention of Homs) at Homs' point, with Homs as the first alternative.
    assert approx.place_id == "approx:baba-amr@gn:169577" != HOMS_SY.place_id
    assert approx.name == "Baba Amr" and approx.source == APPROXIMATE_SOURCE
    assert (approx.lat, approx.lon, approx.country_code, approx.admin1) == (
        HOMS_SY.lat, HOMS_SY.lon, "SY", "Homs")
    assert approx.geonameid is None and approx.feature_class is None and approx.feature_code is None
    assert results[0].alternatives == (Candidate(HOMS_SY, APPROXIMATE_CONFIDENCE),)
    assert results[1].place == HOMS_SY
    (alone,) = resolve("Baba Amr", [Mention(0, 8, "Baba Amr", "Baba Amr")], INDEX)
    assert alone.place is None and alone.confidence == 0.0 and alone.alternatives == ()


@pytest.mark.parametrize(
    ("text", "names", "unknown", "host"),
    [
        ("Harrisburg police closed Zed Lane. Homs was quiet. Later Qux Road in Damascus burned.",
         ["Harrisburg", "Zed Lane", "Homs", "Qux Road", "Damascus"], "Zed Lane", HOMS_SY),  # main country first
        ("Harrisburg police closed Zed Lane. Homs was quiet. Later Qux Road in Damascus burned.",
         ["Harrisburg", "Zed Lane", "Homs", "Qux Road", "Damascus"], "Qux Road", DAMASCUS_SY),  # then nearest
        ("Homs,     Zed Lane, Damascus.", ["Homs", "Zed Lane", "Damascus"], "Zed Lane", HOMS_SY),  # 10 chars each way
        ("Zed Lane was shut. Qux Road too.", ["Zed Lane", "Qux Road"], "Qux Road", None),  # no host at all
        ("Harrisburg, Pennsylvania: state police from Pennsylvania closed Zed Lane near Damascus, Maryland.",
         ["Harrisburg", "Pennsylvania", "Zed Lane", "Damascus", "Maryland"], "Zed Lane", HARRISBURG),  # main region
    ],
)
def test_unknown_name_host(text: str, names: list[str], unknown: str, host: Place | None) -> None:
    """A name the gazetteer lacks goes to a confident town of the article's main country (and there of
    its main first-level region), nearest in the text."""
    mentions = _mentions(text, names)
    (result,) = [r for m, r in zip(mentions, resolve(text, mentions, INDEX)) if m.name == unknown]
    assert (result.alternatives[0].place if result.place else None) == host


def test_approximate_place_ids_are_stable_and_short() -> None:
    assert approximate_place("Royal Street", HOMS_SY).place_id == approximate_place("Royal  street", HOMS_SY).place_id
    long_a = approximate_place("New Orleans Railways and Light Company Claiborne Power House", HOMS_SY)
    long_b = approximate_place("New Orleans Railways and Light Company Claiborne Power Station", HOMS_SY)
    assert len(long_a.place_id) <= 64 and long_a.place_id.endswith("@gn:169577")
    assert long_a.place_id != long_b.place_id
    assert long_a.name.startswith("New Orleans Railways")


def test_empty_mentions() -> None:
    assert resolve("No places here.", [], INDEX) == []


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [("Lebanon, Pa., fair", 7, "Pa"), ("Lebanon, Pennsylvania.", 7, "Pennsylvania"),
     ("Lebanon, New York", 7, "New York"), ("Lebanon, and then", 7, None), ("Lebanon is", 7, None)],
)
def test_qualifier_after(text: str, end: int, expected: str | None) -> None:
    assert qualifier_after(text, end) == expected


@pytest.mark.parametrize(
    ("name", "keys"),
    [("Lebanon", [("lebanon", True)]),
     ("the Netherlands", [("the netherlands", True), ("netherlands", True)]),
     ("Bekaa Valley", [("bekaa valley", True), ("bekaa", False)]),
     ("Quebec City", [("quebec city", True), ("quebec", True)])],
)
def test_lookup_keys(name: str, keys: list[tuple[str, bool]]) -> None:
    assert lookup_keys(name) == keys


@pytest.mark.parametrize(
    ("better", "worse", "key"),
    [(LEBANON_LB, LEBANON_PA, "lebanon"), (DAMASCUS_SY, DAMASCUS_MD, "damascus"),
     (HOMS_SY, KHUMS_LY, "homs"), (PENNSYLVANIA, HARRISBURG, "pennsylvania")],
)
def test_prior_order(better: Place, worse: Place, key: str) -> None:
    assert prior(better, key) > prior(worse, key)


class CountingIndex:
    """A PlaceIndex that counts the look-ups made through it."""

    def __init__(self, inner: FakeIndex) -> None:
        self.inner = inner
        self.calls = 0

    def candidates(self, name: str, limit: int = 25) -> list[Place]:
        self.calls += 1
        return self.inner.candidates(name, limit)

    def known_names(self, names: Iterable[str]) -> dict[str, NameInfo]:
        return self.inner.known_names(names)


def _count_distances(monkeypatch) -> list[int]:
    """A one-item list counting the great-circle distances the resolver and geomath compute from now on
    (one per point of an array the resolver measures at once)."""
    import geo.geomath
    import geo.resolve

    distances = [0]
    real_km, real_km_from = geo.geomath.great_circle_km, geo.geomath.km_from

    def counting_km(*args: float) -> float:
        distances[0] += 1
        return real_km(*args)

    def counting_km_from(lat: float, lon: float, vectors):
        distances[0] += len(vectors)
        return real_km_from(lat, lon, vectors)

    monkeypatch.setattr(geo.geomath, "great_circle_km", counting_km)
    monkeypatch.setattr(geo.resolve, "km_from", counting_km_from)
    return distances


def _work(repeats: int, monkeypatch) -> tuple[int, int]:
    """(index look-ups, distances computed) to resolve "Lebanon and Damascus and Homs." repeated."""
    distances = _count_distances(monkeypatch)
    text = " ".join(["Lebanon and Damascus and Homs."] * repeats)
    mentions = _mentions(text, ["Lebanon", "Damascus", "Homs"])
    index = CountingIndex(INDEX)
    results = resolve(text, mentions, index)
    assert len(mentions) == 3 * repeats and len(results) == len(mentions)
    assert {r.place for r in results} == {LEBANON_LB, DAMASCUS_SY, HOMS_SY}
    return index.calls, distances[0]


def test_work_does_not_grow_with_repeated_mentions(monkeypatch) -> None:
    """A hundred mentions of three names cost what three mentions do: each name is looked up
    once and each pair of candidates measured a bounded number of times (timing is left to the
    benchmark)."""
    calls, distances = _work(1, monkeypatch)
    assert calls == 3 and 0 < distances
    assert _work(34, monkeypatch) == (calls, distances)
    assert _work(68, monkeypatch) == (calls, distances)


def _far_apart_places(names: int) -> FakeIndex:
    """An index of names "Zq0000".., each with two towns scattered over the globe (poles and antimeridian too)."""
    places = []
    for i in range(names):
        for j in range(2):
            n = 2 * i + j
            lat, lon = (n * 37.3) % 178.0 - 89.0, (n * 97.7) % 360.0 - 180.0
            places.append(_p(f"gn:{900_000 + n}", f"Zq{i:04d}", lat, lon, "ZZ", "PPL", 1000 * (2 - j)))
    return FakeIndex(places)


def _distances_for_names(names: int, monkeypatch) -> int:
    """Great-circle distances computed (by the resolver and geomath) to resolve a text of distinct names."""
    distances = _count_distances(monkeypatch)
    text = " and ".join(f"Zq{i:04d}" for i in range(names)) + "."
    mentions = _mentions(text, [f"Zq{i:04d}" for i in range(names)])
    assert len(resolve(text, mentions, _far_apart_places(names))) == names
    return distances[0]


def test_distances_grow_linearly_with_distinct_names(monkeypatch) -> None:
    """Twice and four times the distinct far-apart names cost about twice and four times the
    distances (n log n: the nearness step looks the nearest anchor up in a k-d tree), not four and
    sixteen times as when every candidate was measured against every anchor (issue 10)."""
    counts = [_distances_for_names(n, monkeypatch) for n in (100, 200, 400)]
    assert counts[0] > 0
    assert counts[1] < 3 * counts[0] and counts[2] < 6 * counts[0], counts


@pytest.mark.skipif(not (REAL_INDEX.is_file() and SEED.is_file()), reason="real index or seed missing")
def test_seed_article_on_real_index() -> None:
    from geo.gazetteer import OfflineGazetteer

    text = SEED.read_text(encoding="utf-8")
    names = ["Qusair", "Homs", "Lebanon", "Syria", "Damascus", "Aleppo", "Istanbul"]
    mentions = _mentions(text, names)
    results = resolve(text, mentions, OfflineGazetteer(REAL_INDEX))
    assert {m.name for m in mentions} == set(names)  # the seed names every one of them
    for m, r in zip(mentions, results):
        assert r.place is not None, m.name
        assert r.place.country_code == {"Lebanon": "LB", "Istanbul": "TR"}.get(m.name, "SY"), m.name
    chosen = {m.name: r.place for m, r in zip(mentions, results)}
    assert chosen["Lebanon"].feature_code == "PCLI"
    assert chosen["Homs"].feature_class == "P"
    # Cities, not the provinces named after them.
    assert chosen["Aleppo"].feature_class == "P" and chosen["Istanbul"].feature_class == "P"


WASHINGTON_DC = _p("gn:4140963", "Washington", 38.89511, -77.03637, "US", "PPLC", 689_545, "District of Columbia")
WASHINGTON_ST = _p("gn:5815135", "Washington", 47.50012, -120.50147, "US", "ADM1", 6_544_495, "Washington")
SEATTLE = _p("gn:5809844", "Seattle", 47.60621, -122.33207, "US", "PPL", 737_015, "Washington")
BRITISH_COLUMBIA = _p("gn:5909050", "British Columbia", 53.99983, -125.0032, "CA", "ADM1", 4_648_055,
                      "British Columbia")
SOUTH_AFRICA = _p("gn:953987", "South Africa", -29.0, 24.0, "ZA", "PCLI", 49_000_000)
CAPITALS = FakeIndex([WASHINGTON_DC, WASHINGTON_ST, SEATTLE, BRITISH_COLUMBIA, SOUTH_AFRICA])


@pytest.mark.parametrize(
    ("text", "mentions", "expected"),
    [
        ("Talks in Washington stalled.", [("Washington", "Washington")], WASHINGTON_DC),
        ("Camp Murray, Wash. - Rain again in Washington.", [("Wash.", "Washington"), ("Washington", "Washington")],
         WASHINGTON_ST),
        ("Wildfires in BC spread.", [("BC", "BC")], BRITISH_COLUMBIA),
        ("Mines in SA closed.", [("SA", "SA")], SOUTH_AFRICA),
    ],
)
def test_capitals_states_and_abbreviations(text: str, mentions: list[tuple[str, str]], expected: Place) -> None:
    ms = []
    for surface, name in mentions:
        start = text.index(surface, ms[-1].end if ms else 0)
        ms.append(Mention(start, start + len(surface), surface, name))
    results = resolve(text, ms, CAPITALS)
    assert all(r.place == expected for r in results)


def test_abbreviation_names_need_capitals() -> None:
    from geo.resolve import abbreviation_names

    assert abbreviation_names("BC")[0][0] == "British Columbia"
    assert abbreviation_names("B.C.")[0][0] == "British Columbia"
    assert {n for n, _ in abbreviation_names("SA")} == {"South Africa", "South Australia"}
    assert abbreviation_names("bc") == () and abbreviation_names("Sask") == ()


def _ne(pid: str, name: str, lat: float, lon: float, cc: str | None, cls: str, code: str, rank: int) -> Place:
    return Place(pid, name, lat, lon, None, cc, cls, code, 0, None, f"naturalearth:{rank}")


SAVA_MG = _p("gn:7670846", "Sava", -14.12516, 49.96438, "MG", "ADM1", 255_910, "Sava")
SAVA_RIVER = _ne("ne:1159121461", "Sava", 45.08137, 17.91066, "BA", "H", "STM", 7)
DANUBE = _ne("ne:1159115307", "Danube", 45.26427, 19.4909, None, "H", "STM", 2)
BELGRADE = _p("gn:792680", "Belgrade", 44.80401, 20.46513, "RS", "PPLC", 1_273_651, "Central Serbia")
BUDAPEST = _p("gn:3054643", "Budapest", 47.49835, 19.04045, "HU", "PPLC", 1_741_041, "Budapest")
ANTANANARIVO = _p("gn:1070940", "Antananarivo", -18.91368, 47.53613, "MG", "PPLC", 1_391_433, "Analamanga")
WHITE_HOUSE = replace(_ne("ne:row8510", "White House", 38.89562, -77.03628, "US", "L", "PRK", 8),
                      admin1="District of Columbia")
WHITE_HOUSE_TN = _p("gn:4667282", "White House", 36.47032, -86.65138, "US", "PPL", 11_226, "Tennessee")
RIVERS = FakeIndex([SAVA_MG, SAVA_RIVER, DANUBE, BELGRADE, BUDAPEST, ANTANANARIVO, WASHINGTON_DC,
                    WHITE_HOUSE, WHITE_HOUSE_TN])


@pytest.mark.parametrize(
    ("text", "names", "target", "expected"),
    [
        ("We dined in Belgrade, where the Sava joins the Danube.", ["Belgrade", "Sava", "Danube"], "Sava",
         SAVA_RIVER),
        ("Vanilla growers in Sava sold their crop.", ["Sava"], "Sava", SAVA_MG),
        ("Cyclone damage in Sava reached Antananarivo.", ["Sava", "Antananarivo"], "Sava", SAVA_MG),
        ("Officials at the White House in Washington denied it.", ["White House", "Washington"], "White House",
         WHITE_HOUSE),
    ],
)
def test_physical_features_take_context(text: str, names: list[str], target: str, expected: Place) -> None:
    mentions = _mentions(text, names)
    chosen = {m.name: r.place for m, r in zip(mentions, resolve(text, mentions, RIVERS))}
    assert chosen[target] == expected


@pytest.mark.parametrize(
    ("abbreviation", "expected"),
    [
        ("BC", (("British Columbia", "CA"),)),
        ("NSW", (("New South Wales", "AU"),)),
        ("SA", (("South Africa", None), ("South Australia", "AU"))),
        ("WA", (("Washington", "US"), ("Western Australia", "AU"))),
        ("DC", (("Washington, D.C.", "US"), ("District of Columbia", "US"))),
        ("LA", (("Los Angeles", "US"),)),
        ("TX", (("Texas", "US"),)),  # US postal codes come from the one US-state table
        ("PRC", (("China", None),)),
    ],
)
def test_abbreviations_table(abbreviation: str, expected: tuple) -> None:
    assert abbreviations()[abbreviation] == expected


def test_generic_suffixes_table() -> None:
    assert {"valley", "province", "governorate", "oblast", "parish"} <= generic_suffixes()
    assert "city" not in generic_suffixes()  # "Quebec City" keeps its towns (lookup_keys)


@pytest.mark.parametrize(
    ("place_id", "expected"),
    [("approx:baba-amr@gn:169577", True), ("gn:169577", False), ("ne:approx", False), ("", False)],
)
def test_is_approximate(place_id: str, expected: bool) -> None:
    assert is_approximate(place_id) is expected
    assert is_approximate(approximate_place("Baba Amr", HOMS_SY).place_id)
    assert APPROXIMATE_PREFIX == "approx:"


def test_weights_are_passed_through() -> None:
    """resolve(..., weights=) and prior(..., weights) score with the given weights: without the
    article's context Lebanon is the country again."""
    text = "From Harrisburg we drove to Lebanon."
    mentions = _mentions(text, ["Harrisburg", "Lebanon"])
    assert resolve(text, mentions, INDEX)[1].place == LEBANON_PA
    no_context = replace(DEFAULT_WEIGHTS, rescore_rounds=0, support_scale=0.0)
    assert resolve(text, mentions, INDEX, weights=no_context)[1].place == LEBANON_LB
    assert prior(LEBANON_LB, "lebanon", replace(DEFAULT_WEIGHTS, population_log=0.0)) < prior(
        LEBANON_LB, "lebanon")


def test_each_section_has_its_own_sense_per_name() -> None:
    """Two stories in one upload: "Lebanon" near Harrisburg in the first, near Syria in the second."""
    filler = " The council met again on Tuesday to hear more residents speak." * 4
    first = "From Harrisburg we drove to Lebanon." + filler
    second = "Fighting spread from Syria into Lebanon." + filler
    text = f"{first}\n\n\n{second}"
    mentions = _mentions(text, ["Harrisburg", "Lebanon", "Syria"])
    chosen = [(m.name, r.place) for m, r in zip(mentions, resolve(text, mentions, INDEX))]
    assert chosen == [("Harrisburg", HARRISBURG), ("Lebanon", LEBANON_PA), ("Syria", SYRIA), ("Lebanon", LEBANON_LB)]
    whole = text.replace("\n\n\n", " ")
    one = [r.place for m, r in zip(_mentions(whole, ["Lebanon"]), resolve(whole, _mentions(whole, ["Lebanon"]), INDEX))]
    assert one[0] == one[1]  # without the section break, one sense for the whole text


@pytest.mark.parametrize(
    ("key", "expected"),
    [("mt pleasant", "mount pleasant"), ("ft worth", "fort worth"), ("st paul", "saint paul"),
     ("mt", None), ("mount pleasant", None), ("pleasant mt", None), ("", None)],
)
def test_full_form(key: str, expected: str | None) -> None:
    assert full_form(key) == expected


PLEASANT_SC = _p("gn:4589368", "Mount Pleasant", 32.79, -79.86, "US", "PPL", 81_317, "South Carolina")
PLEASANT_IA = _p("gn:4867740", "Mount Pleasant", 40.96, -91.56, "US", "PPL", 8_668, "Iowa")
PLEASANT_BC = _p("gn:6084999", "Mt Pleasant", 49.26, -123.10, "CA", "PPL", 32_955, "British Columbia")
PAUL_AG = _p("gn:3576022", "Saint Paul", 17.1, -61.8, "AG", "ADM1", 13_922, "Saint Paul")
IOWA = _p("gn:4862182", "Iowa", 42.0, -93.5, "US", "ADM1", 3_000_000, "Iowa")


def test_abbreviated_first_word_adds_the_full_forms_towns() -> None:
    """"Mt. Pleasant" finds the towns indexed only as "Mount Pleasant" too, but not regions."""
    index = FakeIndex([PLEASANT_SC, PLEASANT_IA, PLEASANT_BC, PAUL_AG, IOWA])
    index.by_key["mt pleasant"] = [PLEASANT_SC, PLEASANT_BC]
    text = "Mt. Pleasant, Iowa, and Mt. Pleasant voted. St. Paul too."
    mentions = _mentions(text, ["Mt. Pleasant", "Iowa", "St. Paul"])
    chosen = [r.place for r in resolve(text, mentions, index)]
    assert chosen[0] == chosen[2] == PLEASANT_IA
    assert PAUL_AG not in chosen


LUCIA_LC = _p("gn:3576468", "Saint Lucia", 13.88, -60.97, "LC", "PCLI", 181_889, "")
LUCIA_ZA = _p("gn:954955", "Saint Lucia", -28.37, 32.41, "ZA", "PPL", 1_322, "Kwazulu-Natal")


def test_an_abbreviated_first_word_finds_a_country_under_its_full_form() -> None:
    """"St. Lucia" is the country, which the gazetteer indexes only as "Saint Lucia", not a village whose
    alternate name it is; its own name read in full gives it the exact-name bonus."""
    index = FakeIndex([LUCIA_LC, LUCIA_ZA])
    index.by_key["st lucia"] = [LUCIA_ZA]
    text = "Hurricane winds hit St. Lucia on Monday."
    assert resolve(text, _mentions(text, ["St. Lucia"]), index)[0].place == LUCIA_LC


@pytest.mark.parametrize(("key", "name", "expected"), [
    ("st petersburg", "Saint Petersburg", True), ("st petersburg", "St. Petersburg", True),
    ("mt pleasant", "Mount Pleasant", True), ("saint paul", "St. Paul", False), ("leningrad", "Saint Petersburg", False),
])
def test_own_name(key: str, name: str, expected: bool) -> None:
    assert own_name(replace(PLEASANT_SC, name=name), key) is expected


@pytest.mark.parametrize(("name", "country"), [
    ("St. Petersburg", "RU"), ("St. Louis", "US"), ("St. Paul", "US"), ("St. Lucia", "LC"), ("St. Helena", "SH"),
])
def test_saint_names_on_the_real_index(name: str, country: str) -> None:
    """A bare "St. X" is the famous place: St. Petersburg is Russia's city of five million, not Florida's."""
    text = f"Officials in {name} said on Monday that the plan would go ahead."
    assert _real_choices(text, [name])[name].country_code == country


# --------------------------------------------------------------------------- the source's home area (geo.home)

TENNESSEE = HomeArea({("US", "Tennessee"): 1.0}, 5)
RICHMOND_GB = _p("gn:2639389", "Richmond", 51.46, -0.30, "GB", "PPL", 21_469, "England")
RICHMOND_AU = _p("gn:2151475", "Richmond", -37.82, 145.0, "AU", "PPL", 27_000, "Victoria")


@pytest.mark.parametrize(("text", "names", "home", "expected"), [
    ("Lebanon police said.", ["Lebanon"], None, [LEBANON_LB]),
    ("Lebanon police said.", ["Lebanon"], TENNESSEE, [LEBANON_TN]),  # a Tennessee paper's Lebanon
    ("Lebanon police said.", ["Lebanon"], HomeArea({("US", "Tennessee"): 0.5}, 2), [LEBANON_LB]),  # half: too weak
    ("Lebanon police said.", ["Lebanon"], HomeArea({("US", "Ohio"): 1.0}, 5), [LEBANON_LB]),  # no namesake there
    ("Lebanon, Syria and Damascus.", ["Lebanon", "Syria", "Damascus"], TENNESSEE,
     [LEBANON_LB, SYRIA, DAMASCUS_SY]),  # the article's own context wins
    ("Lebanon, Pa. police said.", ["Lebanon", "Pa"], TENNESSEE, [LEBANON_PA, PENNSYLVANIA]),  # so does a qualifier
    ("Richmond police said.", ["Richmond"], None, [RICHMOND_AU]),
    ("Richmond police said.", ["Richmond"], HomeArea(country="GB"), [RICHMOND_GB]),  # a .co.uk paper's Richmond
    ("Damascus police said.", ["Damascus"], HomeArea(country="US"), [DAMASCUS_SY]),  # a capital holds
    ("Lebanon police said.", ["Lebanon"], HomeArea(country="US"), [LEBANON_LB]),  # never against a country
])
def test_the_source_home_area_is_weak_context(text, names, home, expected):
    index = FakeIndex([LEBANON_LB, LEBANON_PA, LEBANON_TN, SYRIA, DAMASCUS_SY, DAMASCUS_MD, PENNSYLVANIA,
                       RICHMOND_GB, RICHMOND_AU])
    assert [r.place for r in resolve(text, _mentions(text, names), index, home=home)] == expected


@pytest.mark.parametrize(
    ("before_totals", "now_choice", "expected"),
    [
        ([14.6, 9.7], 1, 0),  # flipped to Alabama, but Texas leads over the last two rounds
        ([9.0, 13.0], 1, 1),  # flipped, and the new choice leads on average too
    ],
)
def test_settle_flips_by_mean_totals(before_totals, now_choice, expected) -> None:
    """A name whose choice still changed in the last context round settles on its mean totals of the
    last two rounds (two names can swap their choices every round)."""
    from geo.resolve import _choose, _Group, _settle_flips

    texas = _p("gn:4739526", "Walker County", 30.7, -95.5, "US", "ADM2", 71_000, "Texas")
    alabama = _p("gn:4096770", "Walker County", 33.8, -87.3, "US", "ADM2", 64_000, "Alabama")
    group = _Group("walker county", places=[texas, alabama], base=[5.0, 5.0])
    previous = group.places[1 - now_choice]
    _choose(group, [10.4 - 5.0, 13.2 - 5.0] if now_choice == 1 else [13.2 - 5.0, 10.4 - 5.0])
    assert group.choice is group.places[now_choice]
    _settle_flips({"walker county": group}, {"walker county": (previous, before_totals)})
    assert group.choice is group.places[expected]


def test_settle_flips_leaves_a_settled_choice() -> None:
    from geo.resolve import _choose, _Group, _settle_flips

    group = _Group("lebanon", places=[LEBANON_LB, LEBANON_PA], base=[9.0, 4.0])
    _choose(group, [0.0, 0.0])
    _settle_flips({"lebanon": group}, {"lebanon": (LEBANON_LB, [1.0, 50.0])})
    assert group.choice is LEBANON_LB and group.totals == [9.0, 4.0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("a Lebanon woman", True), ("the Jordan resident", True), ("Athens residents'", True), ("Jordan boys", True),
     ("Jordan said", False), ("Jordan Man", False), ("Jordan manages", False), ("Jordan, man", False),
     ("Jordan", False)],
)
def test_resident_before(text: str, expected: bool) -> None:
    name = next(w for w in ("Lebanon", "Jordan", "Athens") if w in text)
    assert resident_before(text, text.index(name) + len(name)) is expected


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("across the Neches to Beaumont", "Neches", True), ("along the upper Neches", "Neches", True),
        ("the Williams and Cranberry rivers", "Cranberry", True), ("the Neches River", "Neches River", True),
        ("fishing on Lake Erie", "Lake Erie", True), ("the Wild Neches Act", "Neches", True),
        ("A Columbia woman was sentenced", "Columbia", False), ("Columbia's First Methodist Church", "Columbia", False),
        ("Columbia", "Columbia", False), ("in Columbia, the", "Columbia", False),
        ("theory of Columbia", "Columbia", False),
    ],
)
def test_written_as_water(text: str, name: str, expected: bool) -> None:
    start = text.index(name)
    assert written_as_water(text, start, start + len(name), name_key(name)) is expected


@pytest.mark.parametrize(("text", "name", "expected"), [
    ("across Washington state on Monday", "Washington", True), ("Georgia state officials said", "Georgia", True),
    ("the state of Washington said", "Washington", True), ("the State of Georgia v. Smith", "Georgia", True),
    ("the former Soviet state of Georgia", "Georgia", False), ("Washington State University", "Washington", False),
    ("Georgia statewide", "Georgia", False), ("the states of Washington and Oregon", "Washington", False),
    ("Washington said", "Washington", False),
])
def test_written_as_state(text: str, name: str, expected: bool) -> None:
    start = text.index(name)
    assert written_as_state(text, start, start + len(name)) is expected


@pytest.mark.parametrize(("text", "name", "code", "admin1"), [
    ("Wildfires burned across Washington state on Monday.", "Washington", "ADM1", "Washington"),
    ("Officials in the state of Washington said the plan would go ahead.", "Washington", "ADM1", "Washington"),
    ("Officials in Washington said the plan would go ahead.", "Washington", "PPLC", "District of Columbia"),
    ("Georgia state officials said the plan would go ahead.", "Georgia", "ADM1", "Georgia"),
    ("Troops entered the former Soviet state of Georgia.", "Georgia", "PCLI", None),
])
def test_a_name_written_as_a_state_is_the_state_on_the_real_index(text: str, name: str, code: str,
                                                                 admin1: str | None) -> None:
    chosen = _real_choices(text, [name])[name]
    assert (chosen.feature_code, chosen.admin1) == (code, admin1)


@pytest.mark.parametrize(("name", "country", "code"), [
    ("Portland", "US", "PPL"),  # not the parish of Jamaica (the gazetteer counts 22,000 people there)
    ("Manchester", "GB", "PPL"),
    ("Ontario", "CA", "ADM1"),  # a big unit keeps its bonus
    ("Tasman", "NZ", "ADM1"),  # and a small one still wins where no town is named so
    ("Hamilton", "CA", "PPL"),  # not the capital of Bermuda, of 900 people
    ("Philadelphia", "US", "PPL"),  # not Amman, whose old name it is
    ("Salem", "IN", "PPL"),  # nor Jerusalem
    ("Salvador", "BR", "PPL"),  # the city of 2.7 million, not El Salvador, which carries it as an alternate name
    ("El Salvador", "SV", "PCLI"),
    ("Fontana", "US", "PPL"),  # not a village of Malta that is its own first-level unit
    ("Safi", "MA", "PPL"),
    ("Aleppo", "SY", "PPL"),  # a city that dominates its governorate keeps the capital bonus
])
def test_a_small_first_level_unit_does_not_outrank_a_city_on_the_real_index(name: str, country: str,
                                                                             code: str) -> None:
    """A bare famous name in a neutral sentence (the prior alone) is the famous place."""
    text = f"Officials in {name} said on Monday that the plan would go ahead."
    chosen = _real_choices(text, [name])[name]
    assert (chosen.country_code, chosen.feature_code) == (country, code)


def test_a_bare_name_is_no_river_on_the_real_index() -> None:
    """"A Columbia woman" lives in a town, not on the river; "the Columbia" may be the river."""
    bare = _real_choices("A Columbia woman was sentenced to prison on Monday.", ["Columbia"])["Columbia"]
    assert bare.feature_class == "P"
    river = _real_choices("Salmon returned to the Columbia this spring.", ["Columbia"])["Columbia"]
    assert river.feature_code == "STM"


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ('progress in the Middle East."', "Middle East", True),
        ("ships in the Gulf were hit", "Gulf", True),
        ("the Gulf is calm", "Gulf", True),
        ("the Paris attacks", "Paris", False),  # modifies a noun
        ("the Gainesville and Lindsay communities", "Gainesville", False),  # a list
        ("in the Gulf, Qatar", "Gulf", False),
        ("in Paris.", "Paris", False),  # no article
        ("bathe Mesa.", "Mesa", False),  # "the" inside a word
    ],
)
def test_definite_alone(text: str, name: str, expected: bool) -> None:
    start = text.index(name)
    assert definite_alone(text, start, start + len(name)) is expected


def test_a_name_written_the_x_alone_is_no_town() -> None:
    """"in the Middle East." means the region, even beside a town of that name near a named capital."""
    region = Place("x:middle-east", "Middle East", 33.14, 35.86, None, None, "L", "RGN", 0, None, "curated")
    town = _p("gn:11980025", "Middle East", 39.30151, -76.58982, "US", "PPL", 1_872, "Maryland")
    index = FakeIndex([region, town, WASHINGTON_DC])
    for text, expected in [("Officials in Washington spoke of stability in the Middle East.", region),
                           ("Officials in Washington spoke of Middle East residents.", town)]:
        mentions = _mentions(text, ["Washington", "Middle East"])
        chosen = {m.name: r.place for m, r in zip(mentions, resolve(text, mentions, index))}
        assert chosen["Middle East"] == expected, text


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("the Portland Trail Blazers won", "Portland", ("US", "Oregon")),
        ("Manchester United fans", "Manchester", ("GB", "England")),
        ("the New York Jets.", "New York", ("US", "New York")),
        ("Manchester Unitedly", "Manchester", None),  # not the whole nickname
        ("Portland Timber yards", "Portland", None),
        ("Springfield Trail Blazers", "Springfield", None),  # no such team
    ],
)
def test_team_region(text: str, name: str, expected: tuple[str, str] | None) -> None:
    start = text.index(name)
    assert team_region(text, name, start + len(name)) == expected


def test_a_team_places_its_city_whatever_the_article_names() -> None:
    """In a Texas sports round-up, "Portland Trail Blazers" and a later bare "Portland" are in Oregon, even
    beside towns of Portland, Texas's scale."""
    oregon = _p("gn:5746545", "Portland", 45.52345, -122.67621, "US", "PPL", 652_503, "Oregon")
    texas = _p("gn:4720039", "Portland", 27.87725, -97.32388, "US", "PPL", 16_116, "Texas")
    corpus_christi = _p("gn:4683416", "Corpus Christi", 27.80058, -97.39638, "US", "PPL", 325_733, "Texas")
    aransas_pass = _p("gn:4672731", "Aransas Pass", 27.90947, -97.14999, "US", "PPL", 8_204, "Texas")
    index = FakeIndex([oregon, texas, corpus_christi, aransas_pass])
    for text, expected in [
        ("Corpus Christi beat the Portland Trail Blazers. Aransas Pass lost. Corpus Christi swept the series "
         "with Portland.", oregon),
        # without a team, a story of its region and scale keeps the Texas town
        ("Corpus Christi and Aransas Pass voted. Portland and Corpus Christi signed.", texas),
    ]:
        mentions = _mentions(text, ["Portland", "Corpus Christi", "Aransas Pass"])
        chosen = {m.name: r.place for m, r in zip(mentions, resolve(text, mentions, index))}
        assert chosen["Portland"] == expected, text


def test_a_state_name_means_the_state_unless_qualified() -> None:
    """"a man in Florida" in a New York story is the state; "Florida, N.Y." is the village."""
    state = _p("gn:4155751", "Florida", 28.75054, -82.5001, "US", "ADM1", 16_383_160, "Florida")
    village = _p("gn:5117575", "Florida", 41.33176, -74.35682, "US", "PPL", 2_899, "New York")
    new_york = _p("gn:5128581", "New York City", 40.71427, -74.00597, "US", "PPL", 8_175_133, "New York")
    new_york_state = _p("gn:5128638", "New York", 43.00035, -75.4999, "US", "ADM1", 19_274_244, "New York")
    warwick = _p("gn:5144600", "Warwick", 41.25648, -74.35988, "US", "PPL", 6_700, "New York")
    goshen = _p("gn:5118226", "Goshen", 41.40204, -74.32432, "US", "PPL", 5_400, "New York")
    index = FakeIndex([state, village, new_york, new_york_state, warwick, goshen])
    index.by_key["new york"] = [new_york, new_york_state]
    for text, expected in [
        ("Tickets sold in Warwick and Goshen, New York, won; a man in Florida won in January.", state),
        ("Tickets sold in Warwick and Goshen, New York, won; a man from Florida, N.Y., won too.", village),
    ]:
        mentions = _mentions(text, ["New York", "Florida", "Warwick", "Goshen"])
        chosen = {m.name: r.place for m, r in zip(mentions, resolve(text, mentions, index))}
        assert chosen["Florida"] == expected, text


def test_a_dateline_names_a_town() -> None:
    """"(NEW YORK) —" opening a story is the city; on its own "New York" is likelier the state."""
    from geo.gazetteer import OfflineGazetteer

    index = OfflineGazetteer(REAL_INDEX)
    for text, expected in [("(NEW YORK) — Police shot a man.", "P"), ("Police in NEW YORK shot a man.", "A")]:
        start = text.index("NEW YORK")
        mentions = [Mention(start, start + 8, "NEW YORK", "New York")]
        assert resolve(text, mentions, index)[0].place.feature_class == expected, text


def test_a_stray_small_town_in_a_local_story_is_placed_in_the_storys_region() -> None:
    """In a Minnesota story, "Nelson" whose only entry is a Georgia village is likelier a local place the
    gazetteer lacks: it is placed approximately at the nearest Minnesota town, Nelson, Ga. the runner-up.
    A village abroad (another country) keeps its own place."""
    alexandria = _p("gn:5016374", "Alexandria", 45.88524, -95.37754, "US", "PPL", 13_000, "Minnesota")
    st_cloud = _p("gn:5044407", "Saint Cloud", 45.5608, -94.16249, "US", "PPL", 68_000, "Minnesota")
    douglas = _p("gn:5025219", "Douglas County", 45.93, -95.45, "US", "ADM2", 37_000, "Minnesota")
    nelson_ga = _p("gn:4212685", "Nelson", 34.38232, -84.37103, "US", "PPL", 1_347, "Georgia")
    flumeri = _p("gn:3176958", "Flumeri", 41.07611, 15.15032, "IT", "PPL", 3_000, "Campania")
    index = FakeIndex([alexandria, st_cloud, douglas, nelson_ga, flumeri])
    text = "Alexandria police and Douglas County deputies near St. Cloud said a Nelson man and a Flumeri woman fled."
    mentions = _mentions(text, ["Alexandria", "Douglas County", "St. Cloud", "Nelson", "Flumeri"])
    index.by_key["st cloud"] = [st_cloud]
    chosen = {m.name: r for m, r in zip(mentions, resolve(text, mentions, index))}
    nelson = chosen["Nelson"]
    assert is_approximate(nelson.place.place_id) and nelson.place.admin1 == "Minnesota"
    assert [c.place for c in nelson.alternatives][1] == nelson_ga
    assert chosen["Flumeri"].place == flumeri


def test_an_airport_in_a_london_story() -> None:
    """"Heathrow" beside London is the airport, not Heathrow, Florida (the larger entry by population)."""
    text = "Flights from London were grounded and Heathrow closed a runway."
    chosen = _real_choices(text, ["London", "Heathrow"])
    assert chosen["Heathrow"].feature_code == "AIRP" and chosen["Heathrow"].country_code == "GB"


def test_an_unknown_name_opening_with_a_country_is_placed_there() -> None:
    """"Vatican Gardens" in an Armenian story goes to the Vatican, not to the story's town; "Jordan High
    School" stays at the story's town, since "Jordan" is also a town's name."""
    vatican = Place("gn:3164670", "Vatican City", 41.90268, 12.45414, 3164670, "VA", "A", "PCLI", 921, None, "geonames")
    armenia = _p("gn:174982", "Armenia", 40.25, 45.0, "AM", "PCLI", 2_968_000)
    town = _p("gn:616062", "Vagharshapat", 40.16557, 44.29462, "AM", "PPL", 46_540, "Armavir")
    jordan = _p("gn:248816", "Jordan", 31.0, 36.0, "JO", "PCLI", 9_956_011)
    jordan_town = _p("gn:5030005", "Jordan", 44.66691, -93.62635, "US", "PPL", 6_076, "Minnesota")
    index = FakeIndex([vatican, armenia, town, jordan, jordan_town])
    index.by_key["vatican"] = [vatican]
    text = "In Vagharshapat, Armenia, a copy of a statue from the Vatican Gardens stands near Jordan High School."
    names = ["Vagharshapat", "Armenia", "Vatican Gardens", "Jordan High School"]
    chosen = {m.name: r.place for m, r in zip(_mentions(text, names), resolve(text, _mentions(text, names), index))}
    assert chosen["Vatican Gardens"].country_code == "VA" and is_approximate(chosen["Vatican Gardens"].place_id)
    assert chosen["Jordan High School"].country_code == "AM"


def test_the_dateline_region_raises_the_storys_towns() -> None:
    """"HELENA, Mont. (AP) —" puts the story in Montana: its "Shelby" is the Montana town, not the
    Tennessee county the company's home state suggests."""
    from geo.gazetteer import OfflineGazetteer

    text = ("HELENA, Mont. (AP) - Montana and CoreCivic are at an impasse over the prison in Shelby. "
            "CoreCivic, of Nashville, Tennessee, runs it.")
    written = {"HELENA": "Helena", "Mont.": "Montana", "Montana": "Montana", "Shelby": "Shelby",
               "Nashville": "Nashville", "Tennessee": "Tennessee"}
    mentions = [replace(m, name=written[m.surface]) for m in _mentions(text, list(written))]
    chosen = {m.surface: r.place for m, r in zip(mentions, resolve(text, mentions, OfflineGazetteer(REAL_INDEX)))}
    assert (chosen["Shelby"].admin1, chosen["Shelby"].feature_class) == ("Montana", "P")


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("the Delta Police Department said", "Delta", {"US", "CA"}),
        ("Palestine Independent School District", "Palestine", {"US"}),
        ("Paris High School.", "Paris", {"US", "CA"}),
        ("Paris Highlands", "Paris", set()),  # not the whole words
        ("Paris police said", "Paris", set()),  # lower case: no institution's name
    ],
)
def test_institution_countries(text: str, name: str, expected: set[str]) -> None:
    assert institution_countries(text, text.index(name) + len(name)) == expected


def test_a_local_institution_places_its_town_in_its_countries() -> None:
    """"Palestine Independent School District" is in Palestine, Texas, not the Palestinian territories."""
    territory = _p("gn:6254930", "Palestinian Territory", 32.0, 35.25, "PS", "PCLI", 4_569_087)
    texas = _p("gn:4716805", "Palestine", 31.76212, -95.63079, "US", "PPL", 18_288, "Texas")
    index = FakeIndex([territory, texas])
    index.by_key["palestine"] = [territory, texas]
    for text, expected in [("The Palestine Independent School District board met.", texas),
                           ("Talks on Palestine resumed.", territory)]:
        mentions = _mentions(text, ["Palestine"])
        assert resolve(text, mentions, index)[0].place == expected, text


TOYOTA_JP = _p("gn:1850144", "Toyota", 35.08333, 137.15, "JP", "PPL", 426_162, "Aichi")
TOKYO_JP = _p("gn:1850147", "Tokyo", 35.6895, 139.69171, "JP", "PPLC", 8_336_599, "Tokyo")
NAGOYA_JP = _p("gn:1856057", "Nagoya", 35.18147, 136.90641, "JP", "PPL", 2_191_279, "Aichi")
DALLAS_TX = _p("gn:4684888", "Dallas", 32.78306, -96.80667, "US", "PPL", 1_300_092, "Texas")
HOUSTON_TX = _p("gn:4699066", "Houston", 29.76328, -95.36327, "US", "PPL", 2_296_224, "Texas")


@pytest.mark.parametrize(
    ("text", "lone", "gazetteer_only", "is_place"),
    [
        # a word the model did not tag, alone in Japan in a Texas story: a car, not the city
        ("Police in Dallas and Houston said the driver of a Toyota fled.", "Toyota", {"Toyota"}, False),
        ("Police in Dallas and Houston said the driver of a Toyota fled.", "Toyota", set(), True),  # the model's
        ("Police in Dallas and Houston said a man from Tokyo fled.", "Tokyo", {"Tokyo"}, True),  # a capital
        ("Police in Dallas and Houston said a man from Nagoya fled.", "Nagoya", {"Nagoya"}, True),  # millions
        ("Police in Dallas said the driver of a Toyota fled.", "Toyota", {"Toyota"}, True),  # one other mention
        ("Police in Dallas, Houston and Nagoya said the Toyota plant closed.", "Toyota", {"Toyota"}, True),  # Japan
        ("TOYOTA (AP) — Police in Dallas and Houston said the plant closed.", "TOYOTA", {"TOYOTA"}, True),  # dateline
        # the model tagged one of three mentions a place: still mostly a word; one of two: a place
        ("Dallas and Houston police saw a Toyota, a Toyota and a Toyota.", "Toyota", {"Toyota#1", "Toyota#2"}, False),
        ("Dallas and Houston police saw a Toyota and a Toyota.", "Toyota", {"Toyota#1"}, True),
    ],
)
def test_a_lone_foreign_place_the_model_did_not_tag_is_no_place(text: str, lone: str, gazetteer_only: set[str],
                                                                   is_place: bool) -> None:
    """gazetteer_only: the mentions read from the gazetteer alone, by surface or "surface#n" (the n-th)."""
    index = FakeIndex([TOYOTA_JP, TOKYO_JP, NAGOYA_JP, DALLAS_TX, HOUSTON_TX])
    index.by_key["toyota"] = [TOYOTA_JP]
    mentions = _mentions(text, ["Dallas", "Houston", "Nagoya", "Tokyo", "Toyota", "TOYOTA"])
    nth = {m.start: f"{m.surface}#{n}" for n, m in enumerate((m for m in mentions if m.surface == lone), 1)}
    mentions = [replace(m, source="gazetteer" if {m.surface, nth.get(m.start)} & gazetteer_only else "ner",
                        name=m.surface.title()) for m in mentions]
    found = [r for m, r in zip(mentions, resolve(text, mentions, index)) if m.surface == lone]
    assert found and all(r.is_place is is_place and (r.place is None) is not is_place for r in found)


def test_a_name_that_is_no_place_hosts_no_unknown_name() -> None:
    """"Toyota", no place in this Texas story, does not put the unknown "Smith Chapel" in Japan."""
    texas = _p("gn:4736286", "Texas", 31.25044, -99.25061, "US", "ADM1", 25_145_561, "Texas")
    oklahoma = _p("gn:4544379", "Oklahoma", 35.49209, -97.50328, "US", "ADM1", 3_751_351, "Oklahoma")
    index = FakeIndex([TOYOTA_JP, texas, oklahoma])
    text = "Texas and Oklahoma police said the driver of a Toyota hit the Smith Chapel."
    mentions = [replace(m, source="gazetteer" if m.name == "Toyota" else "ner")
                for m in _mentions(text, ["Texas", "Oklahoma", "Toyota", "Smith Chapel"])]
    chosen = {m.name: r for m, r in zip(mentions, resolve(text, mentions, index))}
    assert chosen["Toyota"].is_place is False
    assert chosen["Smith Chapel"].place is None


@pytest.mark.parametrize(
    ("text", "first", "expected"),
    [
        ("Vancouver and Victoria, British Columbia, saw record heat.", "Vancouver", "British Columbia"),
        ("Dallas or Fort Worth, Texas, will host it.", "Dallas", "Texas"),
        ("Vancouver, Victoria, British Columbia", "Vancouver", None),  # a comma list: no pair
        ("Vancouver and Victoria saw record heat.", "Vancouver", None),  # no qualifier after the pair
        ("Vancouver and then Victoria, British Columbia", "Vancouver", None),
    ],
)
def test_listed_qualifier(text: str, first: str, expected: str | None) -> None:
    mentions = _mentions(text, [first, "Victoria", "Fort Worth"])
    assert listed_qualifier(text, mentions, 0) == expected


def test_a_qualifier_after_a_pair_of_names_qualifies_both() -> None:
    """"Vancouver and Victoria, British Columbia" beside Portland and Seattle: Vancouver is in British
    Columbia, not Washington state (where Seattle's context would pull it)."""
    text = ("Vancouver and Victoria, British Columbia, saw record heat, while Portland, Oregon, and Seattle "
            "broke records too.")
    chosen = _real_choices(text, ["Vancouver", "Victoria", "British Columbia", "Portland", "Oregon", "Seattle"])
    assert (chosen["Vancouver"].country_code, chosen["Vancouver"].admin1) == ("CA", "British Columbia")


@pytest.mark.parametrize(
    ("text", "names", "target", "expected"),
    [
        ("Floodwaters rose along the Mississippi River in St. Louis and Memphis, and crested at Kansas City.",
         ["Mississippi River", "St. Louis", "Memphis", "Kansas City"], "Memphis", ("US", "Tennessee")),
        ("Stocks rose in New York, London and Frankfurt, while Tokyo and Shanghai closed lower.",
         ["New York", "London", "Frankfurt", "Tokyo", "Shanghai"], "Frankfurt", ("DE", "Hessen")),
        ("Richmond and Twickenham town centres get new cycle routes, London said.",  # no population: not judged
         ["Richmond", "Twickenham", "London"], "Twickenham", ("GB", "England")),
    ],
)
def test_a_place_of_the_storys_scale_beats_a_village_its_region_favours(
        text: str, names: list[str], target: str, expected: tuple[str, str]) -> None:
    """"Memphis" beside St. Louis and Kansas City is the Tennessee city, not the Missouri village;
    "Frankfurt" beside New York and London is Frankfurt am Main, not Frankfort, N.Y."""
    chosen = _real_choices(text, names)
    assert (chosen[target].country_code, chosen[target].admin1) == expected


@pytest.mark.parametrize(
    ("text", "names", "target", "expected"),
    [
        ("Cape Town and Johannesburg were hit by power cuts; Durban and Pretoria were spared.",
         ["Cape Town", "Johannesburg", "Durban", "Pretoria"], "Durban", "ZA"),
        ("In Kashmir, militants attacked a camp near Srinagar, while in Jammu police made arrests. Delhi "
         "blamed Islamabad.", ["Kashmir", "Srinagar", "Jammu", "Delhi", "Islamabad"], "Islamabad", "PK"),
    ],
)
def test_a_city_beats_a_town_that_has_its_name_only_as_an_alias(text: str, names: list[str], target: str,
                                                                  expected: str) -> None:
    """"Durban" beside Cape Town is the city of three million, not Durbanville; "Islamabad" beside Srinagar
    is Pakistan's capital, not Anantnag (each has the name as an alternate name)."""
    chosen = _real_choices(text, names)
    assert (chosen[target].name, chosen[target].country_code) == (target, expected)


DARLINGTON_GB = _p("gn:2651654", "Darlington", 54.52429, -1.55039, "GB", "PPL", 92_363, "England")
DARLINGTON_SC = _p("gn:4575352", "Darlington", 34.29988, -79.87617, "US", "PPL", 6_155, "South Carolina")
PENNSYLVANIA = _p("gn:6254927", "Pennsylvania", 40.27245, -76.90567, "US", "ADM1", 12_702_379, "Pennsylvania")
ALASKA = _p("gn:5879092", "Alaska", 64.00028, -150.00028, "US", "ADM1", 710_231, "Alaska")
HAWAII = _p("gn:5855797", "Hawaii", 20.75028, -156.50028, "US", "ADM1", 1_360_301, "Hawaii")


@pytest.mark.parametrize(
    ("text", "target", "approximate_in"),
    [
        # the gazetteer knows no Darlington in Pennsylvania: placed there approximately, not in Carolina
        ("Residents of Darlington, Pennsylvania, were told to stay indoors.", "Darlington", "Pennsylvania"),
        # a comma list of states qualifies nothing
        ("Troops trained in Darlington, Alaska, Hawaii and abroad.", "Darlington", None),
        ("Troops trained in Alaska, Pennsylvania and abroad.", "Alaska", None),  # a state takes no qualifier
        ("Residents of Darlington, were told to stay indoors, Pennsylvania said.", "Darlington", None),
    ],
)
def test_a_qualifier_no_candidate_lies_in_places_the_name_there(text: str, target: str,
                                                                 approximate_in: str | None) -> None:
    index = FakeIndex([DARLINGTON_GB, DARLINGTON_SC, PENNSYLVANIA, ALASKA, HAWAII])
    mentions = _mentions(text, ["Darlington", "Pennsylvania", "Alaska", "Hawaii"])
    chosen = {m.name: r for m, r in zip(mentions, resolve(text, mentions, index))}[target]
    if approximate_in is None:
        assert not is_approximate(chosen.place.place_id)
    else:
        assert is_approximate(chosen.place.place_id) and chosen.place.admin1 == approximate_in
        assert chosen.alternatives[0].place == PENNSYLVANIA and chosen.alternatives[1].place.name == "Darlington"


def _postal(name: str, lat: float, lon: float, admin1: str) -> Place:
    return Place(f"pc:US.{name_key(name)}", name, lat, lon, None, "US", "P", "PPL", 300, admin1, POSTAL_SOURCE)


RENO = _p("gn:5511077", "Reno", 39.52963, -119.8138, "US", "PPL", 241_445, "Nevada")
DENVER = _p("gn:5419384", "Denver", 39.73915, -104.9847, "US", "PPLC", 682_545, "Colorado")
SILVERADO_NV = _postal("Silverado", 39.6, -119.7, "Nevada")
MISSISSIPPI = _p("gn:4436296", "Mississippi", 32.75041, -89.75036, "US", "ADM1", 2_967_297, "Mississippi")
MISSISSIPPI_STATE = _postal("Mississippi State", 33.4504, -88.7934, "Mississippi")
HOLBROOK_AU = _p("gn:2176031", "Holbrook", -35.72, 147.31, "AU", "PPL", 1_688, "New South Wales")
TEN_MILE_TN = _postal("Ten Mile", 35.6862, -84.6548, "Tennessee")
POSTAL_INDEX = FakeIndex([RENO, DENVER, SILVERADO_NV, MISSISSIPPI, MISSISSIPPI_STATE, HOLBROOK_AU, TEN_MILE_TN])
POSTAL_INDEX.by_key["ten mile"].append(HOLBROOK_AU)  # an alternate name of the Australian town


@pytest.mark.parametrize(
    ("text", "names", "target", "expected"),
    [
        ("Reno police said Silverado residents left.", ["Reno", "Silverado"], "Silverado", SILVERADO_NV),
        ("Denver police said Silverado residents left.", ["Denver", "Silverado"], "Silverado", None),
        ("Silverado said she would go.", ["Silverado"], "Silverado", None),
        ("Mississippi State won in overtime.", ["Mississippi State"], "Mississippi State", MISSISSIPPI),
        ("Jeremy Watson, 30, of Ten Mile, said he rode by.", ["Ten Mile"], "Ten Mile", TEN_MILE_TN),
    ],
)
def test_postal_localities(text: str, names: list[str], target: str, expected: Place | None) -> None:
    """A name known only as a postal locality means it only in a state the article points to; a generic
    suffix's region comes first ("Mississippi State"); a hamlet's own name beats another town's alias."""
    assert _gazetteer_choices(text, names, POSTAL_INDEX)[target] == expected


ARLINGTON_TX = _p("gn:4671240", "Arlington", 32.73569, -97.10807, "US", "PPL", 388_125, "Texas")
ARLINGTON_VA = _p("gn:4744709", "Arlington", 38.88101, -77.10428, "US", "PPL", 207_627, "Virginia")
NORTH_ARLINGTON_NJ = _p("gn:5101873", "North Arlington", 40.78843, -74.13320, "US", "PPL", 15_904, "New Jersey")
HAMPTON_VA = _p("gn:4764826", "City of Hampton", 37.06, -76.35, "US", "ADM2", 137_148, "Virginia")
BEKAA = _p("gn:280282", "Bekaa", 33.9, 36.1, "LB", "ADM1", 500_000, "Beqaa")
COMPOUND_INDEX = FakeIndex([ARLINGTON_TX, ARLINGTON_VA, NORTH_ARLINGTON_NJ, HAMPTON_VA, BEKAA])
COMPOUND_INDEX.by_key["hampton"] = COMPOUND_INDEX.by_key.pop("city of hampton")


@pytest.mark.parametrize(
    ("text", "names", "target", "expected"),
    [
        ("ARLINGTON — The council met. Residents of the North Arlington Neighbors association spoke, and "
         "Arlington voted.", ["ARLINGTON", "North Arlington", "Arlington"], "Arlington", ARLINGTON_TX),
        ("Arlington residents fought the plan for the Hampton Hills apartments.", ["Arlington", "Hampton Hills"],
         "Arlington", ARLINGTON_TX),
        ("Arlington residents fought the plan for the Hampton Hills apartments.", ["Arlington", "Hampton Hills"],
         "Hampton Hills", None),
        ("Arlington and Hampton signed the pact.", ["Arlington", "Hampton"], "Arlington", ARLINGTON_VA),
        ("Farmers in the Bekaa Valley waited.", ["Bekaa Valley"], "Bekaa Valley", BEKAA),
    ],
)
def test_names_made_from_other_names(text: str, names: list[str], target: str, expected: Place | None) -> None:
    """A direction compound of another name ("North Arlington" beside "Arlington") lends it no evidence; a
    land form's name without its generic word stands for no second-level unit ("Hampton Hills" is not the
    City of Hampton), but still for a first-level region ("Bekaa Valley")."""
    assert _gazetteer_choices(text, names, COMPOUND_INDEX)[target] == expected


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["arlington", "north arlington"], {"north arlington"}),
        (["oxford", "east oxford", "west cambridge"], {"east oxford"}),
        (["north arlington"], set()),  # alone it is a place of its own
        (["arlington", "arlington heights"], set()),
        (["virginia", "west virginia"], {"west virginia"}),
    ],
)
def test_direction_compounds(keys: list[str], expected: set[str]) -> None:
    assert direction_compounds(keys) == expected


def test_landform_suffixes_are_generic_suffixes() -> None:
    assert {"hills", "valley"} <= landform_suffixes() <= generic_suffixes()
    assert "county" not in landform_suffixes()


SPRINGFIELD_MA = replace(_p("gn:4951788", "Springfield", 42.10148, -72.58981, "US", "PPL", 154_341, "Massachusetts"),
                         renown=11)
SPRINGFIELD_MO = replace(_p("gn:4409896", "Springfield", 37.21533, -93.29824, "US", "PPL", 170_188, "Missouri"),
                         renown=4)
LEBANON_KNOWN = replace(LEBANON_PA, renown=40)
MISSOURI = _p("gn:4398678", "Missouri", 38.25031, -92.50046, "US", "ADM1", 5_988_927, "Missouri")
SAKATA = replace(_p("gn:1853140", "Sakata", 38.91667, 139.855, "JP", "PPL", 100_273, "Yamagata"), renown=20)
JAKARTA = replace(_p("gn:1642911", "Jakarta", -6.21462, 106.84513, "ID", "PPLC", 8_540_121, "Jakarta Raya"),
                  renown=300)


def _with_alias(places: list[Place], key: str, alias: Place) -> FakeIndex:
    """A FakeIndex over places in which alias also carries the name key."""
    index = FakeIndex([*places, alias])
    index.by_key.setdefault(key, []).append(alias)
    return index


@pytest.mark.parametrize(
    ("places", "text", "name", "expected"),
    [
        ([SPRINGFIELD_MA, SPRINGFIELD_MO], "Springfield voted on Monday.", "Springfield", SPRINGFIELD_MA),
        ([replace(SPRINGFIELD_MA, renown=None), SPRINGFIELD_MO], "Springfield voted on Monday.", "Springfield",
         SPRINGFIELD_MO),  # renown unknown: population decides
        ([SPRINGFIELD_MA, SPRINGFIELD_MO, MISSOURI], "Springfield, Missouri, voted.", "Springfield", SPRINGFIELD_MO),
        ([LEBANON_LB, LEBANON_KNOWN], "Lebanon voted on Monday.", "Lebanon", LEBANON_LB),  # no town's rival
    ],
)
def test_a_better_known_town_wins_a_bare_name(places: list[Place], text: str, name: str, expected: Place) -> None:
    """Among a name's towns, one GeoNames knows by few names loses to the best-known one by renown_weight per
    order of magnitude; a qualifier still decides, and units and countries (renown unknown) keep their prior."""
    mentions = _mentions(text, [name])
    assert resolve(text, mentions, FakeIndex(places))[0].place == expected


def test_a_town_known_by_the_name_only_as_an_alias_sets_no_renown_bar() -> None:
    """"Sakata" is the Japanese city, though Jakarta, which carries the name as an old alternate name, is far
    better known."""
    text = "Sakata voted on Monday."
    assert resolve(text, _mentions(text, ["Sakata"]), _with_alias([SAKATA], "sakata", JAKARTA))[0].place == SAKATA


SALEM_IN = replace(_p("gn:1257629", "Salem", 11.65117, 78.15867, "IN", "PPL", 917_414, "Tamil Nadu"), renown=28)
SALEM_DISTRICT = _p("gn:1257628", "Salem", 11.5, 78.0, "IN", "ADM2", 1_862_392, "Tamil Nadu")
SALEM_OR = replace(_p("gn:5750162", "Salem", 44.9429, -123.0351, "US", "PPL", 175_535, "Oregon"), renown=45)
DISTRICT_FAR = replace(SALEM_DISTRICT, lat=13.5, lon=80.0)  # 300 km off: not the town's own unit


@pytest.mark.parametrize(
    ("places", "expected"),
    [
        ([SALEM_IN, SALEM_DISTRICT, SALEM_OR], SALEM_IN),  # the city, not the district around it
        ([SALEM_IN, DISTRICT_FAR, SALEM_OR], DISTRICT_FAR),
        ([SALEM_DISTRICT, SALEM_OR], SALEM_DISTRICT),  # no town of its own: the unit keeps its prior
    ],
)
def test_a_town_outranks_the_unit_of_its_name_around_it(places: list[Place], expected: Place) -> None:
    text = "Salem voted on Monday."
    assert resolve(text, _mentions(text, ["Salem"]), FakeIndex(places))[0].place == expected


def test_an_unsure_choice_in_the_storys_region_hosts_its_unknown_names() -> None:
    """Streets of an Arlington story are placed at its Arlington, however unsure, not at a confident New Jersey
    town the story names once."""
    arlington_ma = _p("gn:4929180", "Arlington", 42.41537, -71.15644, "US", "PPL", 42_844, "Massachusetts")
    index = FakeIndex([ARLINGTON_TX, ARLINGTON_VA, arlington_ma, NORTH_ARLINGTON_NJ])
    text = ("ARLINGTON — Arlington voted on the Arlington plan, and North Arlington wrote. "
            "Crews closed Cooper Street.")
    mentions = _mentions(text, ["ARLINGTON", "Arlington", "North Arlington", "Cooper Street"])
    chosen = dict(zip((m.name for m in mentions), resolve(text, mentions, index)))
    assert chosen["Arlington"].confidence < DEFAULT_WEIGHTS.host_min_confidence
    street = chosen["Cooper Street"].place
    assert street is not None and street.source == APPROXIMATE_SOURCE
    assert (street.lat, street.lon) == (chosen["Arlington"].place.lat, chosen["Arlington"].place.lon)
