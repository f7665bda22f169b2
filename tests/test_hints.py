"""Tests for geo.hints (evidence in the text that is no place mention) and its use by geo.resolve."""
from __future__ import annotations

from dataclasses import replace

import pytest

from geo.hints import (
    TextHints,
    address_countries,
    currency_countries,
    shape_countries,
    phrase_countries,
    phrase_regions,
    text_hints,
    unit_names,
)
from geo.resolve import resolve
from geo.types import Mention, Place
from geo.weights import DEFAULT_WEIGHTS
from testkit import PlacesIndex as FakeIndex

ADDRESS_COUNTRIES = frozenset({"US", "CA", "GB", "AU", "NZ", "IE"})


def _p(pid: str, name: str, lat: float, lon: float, cc: str, code: str, pop: int, admin1: str) -> Place:
    cls = "A" if code.startswith(("ADM", "PCL")) else "P"
    return Place(pid, name, lat, lon, int(pid[3:]), cc, cls, code, pop, admin1, "geonames")


ATHENS_GR = _p("gn:264371", "Athens", 37.98376, 23.72784, "GR", "PPLC", 664_046, "Attikí")
ATHENS_TX = _p("gn:4673353", "Athens", 32.20487, -95.85552, "US", "PPL", 12_788, "Texas")
ATHENS_GA = _p("gn:4180386", "Athens", 33.96095, -83.37794, "US", "PPL", 127_315, "Georgia")
HENDERSON_TX = _p("gn:4696202", "Henderson County", 32.21189, -95.85336, "US", "ADM2", 33_765, "Texas")
HENDERSON_NC = _p("gn:4469998", "Henderson County", 35.33629, -82.47992, "US", "ADM2", 65_391, "North Carolina")
ALEXANDRIA_EG = _p("gn:361058", "Alexandria", 31.20176, 29.91582, "EG", "PPL", 5_263_542, "Al Iskandarīyah")
ALEXANDRIA_LA = _p("gn:4314550", "Alexandria", 31.31129, -92.44514, "US", "PPL", 47_889, "Louisiana")
RAPIDES = _p("gn:4338012", "Rapides Parish", 31.19862, -92.53320, "US", "ADM2", 131_613, "Louisiana")


INDEX = FakeIndex([ATHENS_GR, ATHENS_TX, ATHENS_GA, HENDERSON_TX, HENDERSON_NC, ALEXANDRIA_EG, ALEXANDRIA_LA,
                   RAPIDES])


@pytest.mark.parametrize(("text", "expected"), [
    ("the Rapides Parish Fire District 2", [(("Rapides Parish",), "Parish")]),
    ("The Henderson County Sheriff's Office", [(("The Henderson County", "Henderson County"), "County")]),
    ("St. Landry Parish and Palm Beach County", [(("St. Landry Parish", "Landry Parish"), "Parish"),
                                                 (("Palm Beach County", "Beach County"), "County")]),
    ("a county road in the parish", []),
    ("County officials", []),
])
def test_unit_names(text: str, expected: list) -> None:
    assert unit_names(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("the Henderson County Sheriff's Office said", frozenset({"US"})),
    ("the SHERIFF'S DEPARTMENT and the state police", frozenset({"US"})),
    ("the sheriff’s office said", frozenset({"US"})),
    ("the ZIP code 71301", frozenset({"US"})),
    ("the police said", frozenset()),
    ("the zip codes", frozenset()),
    ("a grand jury indicted him on a felony charge", frozenset({"US"})),
    ("the junior-varsity game before Memorial Day", frozenset({"US"})),
    ("the school board met", frozenset({"US", "CA"})),
    ("the RCMP said", frozenset({"CA"})),
    ("gardaí were called", frozenset({"IE"})),
    ("a hotel on Lake Garda", frozenset()),
    ("at Crown Court, after his GCSEs", frozenset({"GB"})),
    ("the neighbouring town centre", frozenset({"GB", "IE", "AU", "NZ", "CA", "ZA", "IN"})),  # British spelling
    ("the neighboring town center", frozenset()),
])
def test_phrase_countries(text: str, expected: frozenset[str]) -> None:
    assert phrase_countries(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Smith, of 1935 Orchard St., Alexandria, died", ADDRESS_COUNTRIES),
    ("at 2517 Memphis Street, Alexandria", ADDRESS_COUNTRIES),
    ("at 10 N. Main Ave., Athens", ADDRESS_COUNTRIES),
    ("in 1935 Orchard St. was built", frozenset()),  # no ", Town" after it
    ("in 2009 Cairo, Egypt", frozenset()),  # a year and a place, no street word
    ("at 12 Rue Royale, Paris", frozenset()),  # no street word of the table
])
def test_address_countries(text: str, expected: frozenset[str]) -> None:
    assert address_countries(text) == expected


def test_text_hints_units_and_countries() -> None:
    hints = text_hints("Deputies of the Henderson County Sheriff's Office in Athens.", INDEX)
    assert hints == TextHints({"US": 2}, (HENDERSON_NC, HENDERSON_TX))  # the unit and "Sheriff's Office"
    assert hints.countries == {"US"}


def test_text_hints_common_unit_names_give_only_their_country() -> None:
    hints = text_hints("the Henderson County jail", INDEX, limit=2)
    assert hints == TextHints({"US": 2}, ())  # the unit and "county jail"


def test_text_hints_nothing() -> None:
    assert text_hints("Talks in Athens on Monday.", INDEX) == TextHints({}, ())


@pytest.mark.parametrize(("text", "cues"), [
    ("the sheriff's office said; the Sheriff's Office added", {"US": 1}),  # one phrase, twice
    ("on Memorial Day the VFW and the American Legion met at 6:30 p.m.", {"US": 4, "CA": 1}),
    ("the neighbouring colour TV, £400", {cc: 2 for cc in ("GB", "IE", "AU", "NZ", "CA", "ZA", "IN")} | {"GB": 3}),
    ("Smith, of 1935 Orchard St., Alexandria, on Memorial Day", {cc: 1 for cc in ADDRESS_COUNTRIES} | {"US": 2}),
])
def test_text_hints_count_distinct_cues(text: str, cues: dict[str, int]) -> None:
    assert text_hints(text, INDEX).cues == cues


def _choice(text: str, name: str, weights=DEFAULT_WEIGHTS) -> Place | None:
    start = text.index(name)
    return resolve(text, [Mention(start, start + len(name), name, name)], INDEX, weights=weights)[0].place


@pytest.mark.parametrize(("text", "name", "expected"), [
    ("Talks in Athens on Monday.", "Athens", ATHENS_GR),
    ("A fire in Athens on Monday, the Henderson County Sheriff's Office said.", "Athens", ATHENS_TX),
    ("Talks in Alexandria on Monday.", "Alexandria", ALEXANDRIA_EG),
    ("Smith, of 2517 Memphis St., Alexandria, and the Rapides Parish Fire District 2.", "Alexandria",
     ALEXANDRIA_LA),
])
def test_resolve_reads_the_hints(text: str, name: str, expected: Place) -> None:
    assert _choice(text, name) == expected


TORONTO_ON = _p("gn:6167865", "Toronto", 43.70011, -79.4163, "CA", "PPLC", 2_600_000, "Ontario")
TORONTO_OH = _p("gn:5174095", "Toronto", 40.46423, -80.60091, "US", "PPL", 5_091, "Ohio")
ONTARIO = _p("gn:6093943", "Ontario", 49.25014, -84.49983, "CA", "ADM1", 12_861_940, "Ontario")


@pytest.mark.parametrize(("cues", "expected"), [
    ("the council met on Memorial Day.", ATHENS_GR),
    ("the council met on Memorial Day; the VFW, the American Legion and a fire chief came at 6:30 p.m.", ATHENS_GA),
])
def test_distinct_cues_add_up(cues: str, expected: Place) -> None:
    """One American phrase leaves Athens the capital; several distinct ones make it the Georgia city."""
    text = f"In Athens {cues}"
    index = FakeIndex([ATHENS_GR, ATHENS_GA])
    assert resolve(text, [Mention(3, 9, "Athens", "Athens")], index)[0].place == expected
    if expected == ATHENS_GA:
        flat = replace(DEFAULT_WEIGHTS, hint_cue_bonus=0.0)
        assert resolve(text, [Mention(3, 9, "Athens", "Athens")], index, weights=flat)[0].place == ATHENS_GR


def test_a_hint_never_speaks_against_the_region_written_after_a_name() -> None:
    """"Toronto, Ontario, Canada" in an Ohio story full of American cues stays in Canada."""
    text = ("A firm of Toronto, Ontario, Canada won the bid on Memorial Day; the VFW, the American Legion and the "
            "sheriff's office came.")
    names = ("Toronto", "Ontario")
    mentions = [Mention(text.index(n), text.index(n) + len(n), n, n) for n in names]
    strong = replace(DEFAULT_WEIGHTS, hint_country_bonus=50.0)
    found = resolve(text, mentions, FakeIndex([TORONTO_ON, TORONTO_OH, ONTARIO]), weights=strong)
    assert [r.place for r in found] == [TORONTO_ON, ONTARIO]


def test_resolve_without_hint_weights_keeps_the_famous_place() -> None:
    off = replace(DEFAULT_WEIGHTS, hint_country_bonus=0.0, hint_near_bonus=0.0)
    text = "A fire in Athens on Monday, the Henderson County Sheriff's Office said."
    assert _choice(text, "Athens", off) == ATHENS_GR


JORDAN_JO = _p("gn:248816", "Jordan", 31.0, 36.0, "JO", "PCLI", 9_702_353, "")
JORDAN_MN = _p("gn:5030005", "Jordan", 44.66691, -93.62635, "US", "PPL", 6_076, "Minnesota")


def test_the_country_hint_never_speaks_against_a_country() -> None:
    index = FakeIndex([JORDAN_JO, JORDAN_MN, ALEXANDRIA_EG, ALEXANDRIA_LA])
    strong = replace(DEFAULT_WEIGHTS, hint_country_bonus=50.0)
    for name, expected in (("Jordan", JORDAN_JO), ("Alexandria", ALEXANDRIA_LA)):
        text = f"Talks about {name} on Monday, the Sheriff's Office said."
        start = text.index(name)
        found = resolve(text, [Mention(start, start + len(name), name, name)], index, weights=strong)
        assert found[0].place == expected, name


def test_the_country_hint_speaks_once_the_text_has_ruled_the_country_out() -> None:
    """"The Jordan boys" names no country (a noun for its people follows), so the junior-varsity hint decides."""
    jordan_hk = _p("gn:1819609", "Jordan", 22.30, 114.17, "HK", "PPL", 41_537, "Yau Tsim Mong District")
    index = FakeIndex([JORDAN_JO, JORDAN_MN, jordan_hk])
    text = "The Jordan boys junior-varsity team will start the game at 3:30 p.m."
    start = text.index("Jordan")
    found = resolve(text, [Mention(start, start + 6, "Jordan", "Jordan")], index)
    assert found[0].place == JORDAN_MN


def test_a_hint_never_speaks_for_a_demonym() -> None:
    """A "Roman" church in a story with an American telephone number is still Rome's."""
    rome_it = _p("gn:3169070", "Rome", 41.89193, 12.51133, "IT", "PPLC", 2_318_895, "Lazio")
    rome_ny = _p("gn:5134295", "Rome", 43.21285, -75.45573, "US", "PPL", 32_689, "New York")
    index = FakeIndex([rome_it, rome_ny])
    strong = replace(DEFAULT_WEIGHTS, hint_country_bonus=50.0)
    text = "The Roman Catholic church holds a fair; call (315) 555-0123."
    start = text.index("Roman")
    found = resolve(text, [Mention(start, start + 5, "Roman", "Rome", kind="demonym", source="demonym")], index,
                    weights=strong)
    assert found[0].place == rome_it
    literal = resolve(text.replace("Roman", "Rome "), [Mention(start, start + 4, "Rome", "Rome")], index,
                      weights=strong)
    assert literal[0].place == rome_ny  # the same hint speaks for the town's own name


def test_a_mentioned_unit_is_no_hint() -> None:
    """Henderson County as a mention is the resolver's own choice, not a nearness hint for Athens."""
    text = "Talks in Athens on Monday, the Henderson County Sheriff's Office said."
    mentions = [Mention(text.index(n), text.index(n) + len(n), n, n) for n in ("Athens", "Henderson County")]
    strong, none = (replace(DEFAULT_WEIGHTS, hint_country_bonus=0.0, hint_near_bonus=bonus) for bonus in (50.0, 0.0))
    assert resolve(text, mentions[:1], INDEX, weights=strong)[0].place == ATHENS_TX  # a hint when not a mention
    with_mention = resolve(text, mentions, INDEX, weights=strong)[0].place
    assert with_mention == resolve(text, mentions, INDEX, weights=none)[0].place
    assert with_mention != ATHENS_TX


def test_hints_hold_within_their_section() -> None:
    filler = " The council met again on Tuesday to hear the residents." * 5
    first = "A fire in Athens on Monday, the Henderson County Sheriff's Office said." + filler
    second = "Talks in Athens on Wednesday." + filler
    text = f"{first}\n\n\n{second}"
    mentions = [Mention(k, k + 6, "Athens", "Athens") for k in (text.index("Athens"), text.rindex("Athens"))]
    found = resolve(text, mentions, INDEX)
    assert [r.place for r in found] == [ATHENS_TX, ATHENS_GR]


NEW_ENGLAND = {("US", r) for r in ("Connecticut", "Maine", "Massachusetts", "New Hampshire", "Vermont")}


@pytest.mark.parametrize(("text", "expected"), [
    ("The Board of Selectmen hired a lawyer.", NEW_ENGLAND),
    ("the Rapides Parish Police Jury", {("US", "Louisiana")}),
    ("the DFL caucus", {("US", "Minnesota")}),
    ("the select committee", set()),
])
def test_phrase_regions(text: str, expected: set) -> None:
    assert phrase_regions(text) == expected


def test_a_regional_phrase_also_names_its_country() -> None:
    hints = text_hints("The selectmen met.", FakeIndex([]))
    assert hints.countries == {"US"} and hints.regions == NEW_ENGLAND


@pytest.mark.parametrize(("text", "expected"), [
    ("a new £25,000 Isuzu", {"GB"}), ("a £4.2m scheme", {"GB"}), ("(£ 5)", {"GB"}), ("₹500 crore", {"IN"}),
    ("₱5 million", {"PH"}), ("₦60 million", {"NG"}), ("E£5 million", set()), ("the £ sign", set()),
    ("$5 million", set()), ("€5 million", set()),
])
def test_currency_countries(text: str, expected: set[str]) -> None:
    assert currency_countries(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("contact police on 01524 63333", {"GB"}), ("call him on 01524-63333", {"GB"}),
    ("call 020 7946 0018", {"GB"}), ("Crimestoppers on 0800 555 111", {"GB", "NZ"}),
    ("call (513) 868-5811.", {"US", "CA"}), ("at 903-675-8477 or", {"US", "CA"}), ("at 555.555.0123", {"US", "CA"}),
    ("call (02) 9876 5432", {"AU"}), ("on 1800 123 456", {"AU"}),
    ("ISBN 978-0-306-40615-7", set()), ("in 1999 2000 people came", set()), ("ref 123-456-78901", set()),
    ("code A555-555-0123", set()), ("no 01524 6333311 here", set()),
    ("at 10 p.m. Tuesday", {"US", "CA"}), ("from 9 a.m. to 1 p.m.", {"US", "CA"}), ("at 10:30 a.m.", {"US", "CA"}),
    ("between 4am and 4.15am", {"GB", "IE", "AU", "NZ"}), ("at 9pm.", {"GB", "IE", "AU", "NZ"}),
    ("in 1999 a.m. radio", set()), ("on Saturday, Feb. 9", set()),
])
def test_shape_countries(text: str, expected: set[str]) -> None:
    assert shape_countries(text) == expected


def test_every_shape_finds_its_own_countries() -> None:
    """Each row of hint_shapes.tsv, written out with 5 for every digit, points to its countries (and no row
    is shadowed by a shorter one)."""
    from geo import lexicon

    for shape, countries in lexicon.table("hint_shapes"):
        example = f"call {shape.replace('d', '5')} now"
        assert set(countries.split()) <= shape_countries(example), shape


@pytest.mark.parametrize(("text", "names", "country", "uncertain"), [
    ("The RCMP said the man from Richmond was arrested.", ["Richmond"], "CA", True),
    ("The man from Richmond was arrested.", ["Richmond"], "US", True),
    ("A grand jury in Athens indicted the man on a felony charge.", ["Athens"], "GR", True),  # asks for review
    ("A court in Athens charged the man.", ["Athens"], "GR", False),
    # the hint holds a town already in its country against the pull of the other names' namesakes (sure
    # enough of the best-known American Athens, Georgia, to need no review)
    ("The county sheriff's office in Athens said the suspect fled to Sparta and Corinth.",
     ["Athens", "Sparta", "Corinth"], "US", False),
    ("The police in Athens said the suspect fled to Sparta and Corinth.", ["Athens", "Sparta", "Corinth"], "GR", False),
    # telephone numbers: a British one for Lancaster, England; without it, Lancaster, California
    ("Detectives in Lancaster ask anyone with information to call police on 01524 63333.", ["Lancaster"], "GB",
     True),
    ("Detectives in Lancaster ask anyone with information to call the police.", ["Lancaster"], "US", True),
    # times of day as American papers write them (and without: the English city)
    ("City of Oxford residents may drop off yard waste from 9 a.m. to 1 p.m. at the garage.", ["Oxford"], "US", True),
    ("City of Oxford residents may drop off yard waste at the garage.", ["Oxford"], "GB", True),
    # Commonwealth spellings point away from the US
    ("The councillor said the Richmond scheme will fulfil its aims.", ["Richmond"], "CA", True),
])
def test_local_news_phrases_on_the_real_index(text: str, names: list[str], country: str, uncertain: bool) -> None:
    """A phrase only some countries' news writes speaks for their namesakes (of the first name here):
    enough to choose among towns, and against a capital enough to ask a person to check."""
    from geo.gazetteer import OfflineGazetteer
    from geo.store import UNCERTAIN_BELOW
    from test_resolve import REAL_INDEX, _mentions

    mentions = _mentions(text, names)
    found = dict(zip((m.name for m in mentions), resolve(text, mentions, OfflineGazetteer(REAL_INDEX))))[names[0]]
    assert found.place.country_code == country
    assert (found.confidence < UNCERTAIN_BELOW) is uncertain


@pytest.mark.parametrize(("text", "regions"), [
    ("The Portland selectmen hired a lawyer for the town.", {r for _cc, r in NEW_ENGLAND}),
    ("A Portland man hired a lawyer for the town.", {"Oregon"}),
])
def test_local_government_words_on_the_real_index(text: str, regions: set[str]) -> None:
    from geo.gazetteer import OfflineGazetteer
    from test_resolve import REAL_INDEX, _mentions

    found = resolve(text, _mentions(text, ["Portland"]), OfflineGazetteer(REAL_INDEX))[0]
    assert found.place.admin1 in regions
