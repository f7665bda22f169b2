"""geo.recognize.text and geo.recognize.tokens: character- and token-level readings, as tables."""
from __future__ import annotations

import pytest

from geo.nlp import load_nlp
from geo.recognize import text as rtext
from geo.recognize import tokens

_LONG = "One two three four five six seven eight nine ten eleven twelve."


@pytest.fixture(scope="session")
def nlp():
    return load_nlp()


def _cut(text: str, ranges) -> list[str]:
    return [text[a:b] for a, b in ranges]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Refugees arrived.\nCopyright 2021 Damascus Media. All rights reserved.\nThey left.",
         ["Copyright 2021 Damascus Media. All rights reserved."]),
        # in a long line only the sentence with the phrase goes
        (f"{_LONG} You can read more online. They left.", [" You can read more online."]),
        (f"{_LONG} Cookies help. {_LONG} Subscribe now. {_LONG}", [" Cookies help.", " Subscribe now."]),
        # a promotion header and the short paragraphs after it, up to a long one
        ("Story.\nElsewhere on the BBC\nShort link one\nShort link two\n" + "word " * 30,
         ["Elsewhere on the BBC", "Elsewhere on the BBC\nShort link one\nShort link two"]),
        ("You may also like\nOne\nYou may also like\nTwo\n" + "word " * 30,
         ["You may also like\nOne\nYou may also like\nTwo", "You may also like\nTwo"]),
        ("Nothing to drop here.", []),
        ("Story.\n(c) 2009 Gazette\nMore.", ["(c) 2009 Gazette"]), ("Story.\n© Gazette\nMore.", ["© Gazette"]),
        # a phrase starts a word: an oversubscribed share sale is news, not a subscription box
        ("The share sale in Paris was oversubscribed.", []),
    ],
)
def test_bad_ranges(text, expected):
    assert _cut(text, rtext.bad_ranges(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("WASHINGTON (AP) — The talks resumed.", ["WASHINGTON"]),
        ("CAMP MURRAY, Wash. - The unit trained.", ["CAMP MURRAY"]),
        ("BAGHDAD, Iraq (Reuters) - Blasts shook the city.", ["BAGHDAD"]),
        ("LONDON — Rain. PARIS: Sun.", ["LONDON", "PARIS"]),
        ("Read the AP - report.", []),
        ("NEW YORK (AP) — x", ["NEW YORK"]),
        # after a byline's year, with a date after the comma, and before a wire tag anywhere in a line
        ("Reporter March 30, 2009 NEWARK -- The sales rose.", ["NEWARK"]),
        ("SOUTH WAZIRISTAN, April 5 (APP): The army chief visited.", ["SOUTH WAZIRISTAN"]),
        ("By JILL COLVIN, Associated Press WASHINGTON (AP) — China vowed to fight.", ["WASHINGTON"]),
        ("The 2009 BUDGET is late.", []),
        ("(NEW YORK) — Police officers responded.", ["NEW YORK"]),  # in brackets at a line's start
        ("(CNN) — The talks resumed. WASHINGTON (CNN) — x", ["WASHINGTON"]),  # a broadcaster's tag is none
        ("He said (MORE) — it was late.", []),  # brackets inside a line
        ("X. " * 200, []),  # no terminator: the limited pattern gives up quickly
    ],
)
def test_dateline_spans(text, expected):
    assert sorted(_cut(text, rtext.dateline_spans(text))) == sorted(expected)


@pytest.mark.parametrize(
    ("pos", "ranges", "inside"),
    [(5, ((0, 5),), False), (4, ((0, 5),), True), (7, ((0, 2), (6, 9)), True), (3, (), False)],
)
def test_in_ranges(pos, ranges, inside):
    assert rtext.in_ranges(pos, ranges) is inside


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He flew to the Isle of Man and then to Gilgit-Baltistan.", ["He", "Isle of Man", "Gilgit-Baltistan"]),
        ("Trinidad and Tobago won. New York lost.", ["Trinidad and Tobago", "New York"]),
        ("the city of lights", []),
    ],
)
def test_runs(nlp, text, expected):
    doc = nlp(text)
    assert [doc[i:j].text for i, j in tokens.runs(doc)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in the State of Ohio", {"Ohio"}),  # an administrative prefix with "of" starts no n-gram
        ("in Greater New York", {"Greater", "Greater New", "Greater New York", "New", "New York", "York"}),
        ("in Istanbul's old town", {"Istanbul"}),  # the possessive is cut off
    ],
)
def test_ngrams(nlp, text, expected):
    doc = nlp(text)
    assert set(tokens.ngrams(doc, tokens.runs(doc)).values()) == expected


@pytest.mark.parametrize(
    ("text", "span", "expected"),
    [
        ("the State of Ohio is big", (0, 4), "Ohio"),
        ("Lebanon's capital", (0, 2), "Lebanon"),
        ("the Varnow, said he", (0, 3), "Varnow"),
        ("St. Paris.", (0, 3), "St. Paris."),  # a final period stays
    ],
)
def test_trim(nlp, text, span, expected):
    doc = nlp(text)
    i, j = tokens.trim(doc, *span)
    assert doc[i:j].text == expected


@pytest.mark.parametrize(
    ("text", "i", "j", "located"),
    [
        ("Fighting near Homs went on.", 2, 3, True),
        ("They toured the city of Homs.", 5, 6, True),
        ("Homs province was shelled.", 0, 1, True),
        ("Homs said no.", 0, 1, False),
        ("North Homs is calm.", 1, 2, False),  # a capitalised direction is part of a name, not a locative
        ("Instead of driving to Castlegar, people came.", 4, 5, True),  # "to" after a verb of motion
        ("They moved to Thornhill in May.", 3, 4, True),
        ("They wrote to Thornhill in May.", 3, 4, False),  # "to" after another verb
        ("He was heading on to Sherman for the night.", 5, 6, True),  # a particle between
        ("They moved back to Thornhill in May.", 4, 5, True),
        ("They came on time to Thornhill's party.", 5, 6, False),  # two words between
        ("They wrote back to Thornhill in May.", 4, 5, False),
    ],
)
def test_locative_context(nlp, text, i, j, located):
    assert tokens.locative_context(nlp(text), i, j) is located


@pytest.mark.parametrize(
    ("text", "k", "expected"),
    [
        ("in Jackson and Barrow counties", 4, ["Jackson", "Barrow"]),
        ("in Douglas, Sarpy and Lancaster counties", 6, ["Douglas", "Sarpy", "Lancaster"]),
        ("in Prince William and Fairfax counties", 5, ["Prince William", "Fairfax"]),
        ("in Barrow counties", 2, []),  # one name is no list
        ("in the counties", 2, []),
        ("Smith said. Barrow and Hall counties", 6, ["Barrow", "Hall"]),  # not across a sentence
    ],
)
def test_listed_names(nlp, text, k, expected):
    doc = nlp(text)
    assert [doc[i:j].text for i, j in tokens.listed_names(doc, k)] == expected


@pytest.mark.parametrize(
    ("text", "k", "expected"),
    [
        ("Jeremy Watson, 30, of Ten Mile, said", 2, "Ten Mile"),
        ("Mindy Miller of Ravenel said", 2, "Ravenel"),
        ("Anna Winstanley, 25, from Marston, came", 2, "Marston"),
        ("Mindy Miller of the city said", 2, None),  # no capitalised name after "of"
        ("Ann Lee of Big Sky Land Trust Co said", 2, None),  # a longer name is no town
        ("Mindy Miller said", 2, None),
    ],
)
def test_hometown_after(nlp, text, k, expected):
    doc = nlp(text)
    span = tokens.hometown_after(doc, k)
    assert (doc[span[0]:span[1]].text if span else None) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("South Africa", "SA"), ("Bosnia and Herzegovina", "BH"), ("Guinea-Bissau", "GB"), ("Paris", "P")],
)
def test_initials(name, expected):
    assert tokens.initials(name) == expected


@pytest.mark.parametrize(
    ("text", "i", "expected"),
    [
        ("Two South Koreans left.", 1, (3, "South Korea")),
        ("The Syrians left.", 1, (2, "Syria")),
        ("The Chinese left.", 1, (2, "China")),
        ("The Martians left.", 1, None),
    ],
)
def test_demonym_at(nlp, text, i, expected):
    assert tokens.demonym_at(nlp(text), i) == expected


@pytest.mark.parametrize(
    ("text", "i", "expected"),
    [("Mr. Jordan left.", 1, True), ("Gov Kelly spoke.", 1, True), ("In Jordan, rain.", 1, False)],
)
def test_titled(nlp, text, i, expected):
    assert tokens.titled(nlp(text), i) is expected


@pytest.mark.parametrize(
    ("text", "i", "j", "followed", "expected"),
    [
        ("Highway 19 closed.", 0, 2, False, True),
        ("Region 1 voted.", 0, 1, True, True),
        ("Region 1 voted.", 0, 1, False, False),
        ("Paris 2024 bid.", 0, 1, True, False),  # a four-digit number is no designation
    ],
)
def test_numbered(nlp, text, i, j, followed, expected):
    assert tokens.numbered(nlp(text), i, j, followed) is expected
