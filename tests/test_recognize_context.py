"""geo.recognize.context and geo.recognize.rules: the shared reading of a document, as tables."""
from __future__ import annotations

import dataclasses

import pytest
from recognize_kit import FakeIndex, read

from geo import lexicon
from geo.nlp import load_nlp
from geo.recognize.context import build_context
from geo.recognize.rules import rules
from geo.types import NameInfo


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The senator flew to Springfield, Ohio, on Friday.", {"Springfield": "place", "Ohio": "place"}),
        ("The crash closed Highway 19 near Exit 6 for hours.", {"Highway 19": "numbered", "Exit 6": "numbered"}),
        ("Donations to the United Way rose, United Way officials said.", {"United Way": "unplaced"}),
        ("Growth returned to Asia-Pacific markets this year.", {"Asia-Pacific": "compound"}),
        # a one-word name the gazetteer lacks, with no locative word before it
        ("Tom Kelly spoke. Kelly, Texas, is small.", {"Texas": "rejected"}),
        ("Volunteers cleaned the shore of Lake Quillmoor on Sunday.", {"Lake Quillmoor": "place"}),
        # an unknown one-word LOC, unlocated, is rejected like an unknown GPE
        ("Without the right to remain, Guhdar and his family now face deportation.", {"Guhdar": "rejected"}),
        # two capitals that abbreviate no place ("AI", "OT"); a place abbreviation stays
        ("The show features the first AI-composed song.", {"AI": "rejected"}),
        ("Louisville won in OT to earn a title.", {"Louisville": "place", "OT": "rejected"}),
        # a hamlet's name the model takes for a place, with nothing locating it, is rejected; located, it stays
        ("Supporters believe Titan will keep its promises.", {"Titan": "rejected"}),
        ("The storm hit homes in Titan on Monday.", {"Titan": "place"}),
        # a place entity naming an institution of a known place is cut to the place
        ("He was held at the Anderson County Courthouse on Monday.", {"Anderson County": "place"}),
        ("He was held at the Anderson County Sheriff's Office on Monday.", {"Anderson County": "place"}),
        ("He was held at the Anderson County Jail on Monday.", {"Anderson County": "place"}),
    ],
)
def test_verdicts_on_the_models_places(text, expected):
    ctx = read(text)
    assert {ctx.grams[s]: v for s, v in ctx.verdicts.items()} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rethinking Egypt-US relations is overdue.", {"Egypt": ("glued", True)}),
        ("We walked along the Varnow until dusk.", {"Varnow": ("free", True)}),  # "the X" for a river
        ("The night ferry left Lisbon an hour late.", {"Lisbon": ("person", False)}),
        ("We drove to Lisbon Airport at dawn.", {"Lisbon": ("place", True)}),  # "drove to" locates it
        ("Fighting raged around Zabrovka for a week.", {"Zabrovka": ("exact", True)}),
        ("He wrote a column for the Washington Post about taxes.", {"Washington": ("embedded", False)}),
        ("The Green 4 board met on Monday.", {}),  # a number after a minor name
        # a seat of power stands for its institution, and no word inside it is read as a place
        ("Aides met White House staff on Monday.", {}),
    ],
)
def test_readings_and_their_situations(text, expected):
    assert {r.surface: (r.situation, r.located) for r in read(text).readings} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fighting raged around Zabrovka for a week.", {"zabrovka"}),  # a located reading
        ("Fighting raged around Zabrovka. Zabrovka Rangers lost.", set()),  # ... but a person's forename here
        ("The U.S. and Damascus agreed.", {"u s", "damascus"}),  # an abbreviation, a model's place
        ("They toured the quarter of Jean Moulin.", {"jean moulin"}),
        ("Coach Anna Springfield resigned in Springfield.", {"springfield"}),  # the model's place
        ("Syrian troops moved.", set()),  # a demonym vouches for nothing
    ],
)
def test_confirmed_keys(text, expected):
    assert read(text).confirmed == expected


def test_built_once_with_one_gazetteer_question():
    index = FakeIndex()
    ctx = build_context(load_nlp()("Refugees left Zabrovka for Damascus and then Paris."), index)
    assert index.calls == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.text = "changed"  # type: ignore[misc]


def test_name_tokens_skip_people_numbers_and_boilerplate():
    ctx = read("Anna Kelly met Syrians on Monday.\nCopyright Paris Media.")
    assert [ctx.doc[i].text for i in ctx.name_tokens] == ["Syrians"]


@pytest.mark.parametrize(
    ("info", "prominent", "major", "significant", "feature"),
    [
        (NameInfo("syria", 1, 17_000_000, frozenset({"PCLI"})), True, True, True, False),
        (NameInfo("springfield", 20, 170_000, frozenset({"PPL"})), True, False, True, False),
        (NameInfo("zabrovka", 1, 30_000, frozenset({"PPL"})), False, False, True, False),
        (NameInfo("green", 5, 500, frozenset({"PPL"})), False, False, False, False),
        (NameInfo("varnow", 2, 0, frozenset({"STM"})), False, False, True, True),
        (NameInfo("porto", 10, 90_000, frozenset({"PPLA"})), False, False, True, False),
    ],
)
def test_rules_on_gazetteer_names(info, prominent, major, significant, feature):
    r = rules()
    assert (r.prominent(info), r.major(info), r.significant(info), r.the_feature(info)) == (
        prominent, major, significant, feature)


def test_rules_read_every_list_from_the_lexicon():
    r = rules()
    assert r is rules()
    assert "tuesday" in r.not_places and "mass" in r.not_places  # name keys
    assert "white house" in r.not_places and "kremlin" in r.not_places  # the seats of power join them
    assert "of" in r.connectors and "-" in r.connectors
    assert "U.S." in r.always_abbreviations
    assert r.prominent_population == 100_000 and r.major_population == 1_000_000
    for field in dataclasses.fields(r):
        value = getattr(r, field.name)
        assert value, field.name
    assert r.titles == lexicon.words("titles")
