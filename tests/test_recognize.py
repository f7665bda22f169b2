"""geo.recognize: whole-pipeline table tests on self-written sentences with the real model and a fake index."""
from __future__ import annotations

import pytest
from recognize_kit import FakeIndex

from geo.nlp import load_nlp
from geo.recognize import recognize


@pytest.fixture(scope="session")
def nlp():
    return load_nlp()


@pytest.fixture()
def index() -> FakeIndex:
    return FakeIndex()


def found(nlp, index, text: str) -> list[tuple[str, str, str]]:
    doc = nlp(text)
    mentions = recognize(doc, index)
    for m in mentions:
        assert text[m.start:m.end] == m.surface
    return [(m.surface, m.name, m.kind) for m in mentions]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Protesters gathered in Lebanon's capital on Tuesday.", [("Lebanon", "Lebanon", "literal")]),
        # "the X" for a river, sea or region the gazetteer knows: a place even when tagged a person
        ("We walked along the Varnow until dusk, and the Varnow was calm.",
         [("Varnow", "Varnow", "literal"), ("Varnow", "Varnow", "literal")]),
        ("Varnow said he would stay.", []),
        ("The Istanbul-based group met again.", [("Istanbul", "Istanbul", "literal")]),
        ("Syrian troops moved north overnight.", [("Syrian", "Syria", "demonym")]),
        ("Two Iraqis and a Russian diplomat were held.",
         [("Iraqis", "Iraq", "demonym"), ("Russian", "Russia", "demonym")]),
        ("Fighting raged around Zabrovka for a week.", [("Zabrovka", "Zabrovka", "literal")]),
        ("Farmers in the Qeshlaq Valley lost their crops.",
         [("Qeshlaq Valley", "Qeshlaq Valley", "literal")]),
        ("She sued the Bank of America last year.", []),
        ("Paris Hilton arrived late to the party.", []),
        # names listed before "counties" are counties, even where the model tags one bare ("Washington")
        ("Dakota, Otoe and Washington counties saw their populations fall.",
         [("Dakota", "Dakota County", "literal"), ("Otoe", "Otoe County", "literal"),
          ("Washington", "Washington County", "literal")]),
        ("Mines in the North West and Limpopo provinces closed.",  # a province keeps the model's span
         [("North West", "North West", "literal"), ("Limpopo", "Limpopo Province", "literal")]),
        ("He wrote a column for the Zabrovka Post about taxes.", []),
        ("He wrote a column for the Washington Post about taxes.", [("Washington", "Washington", "literal")]),
        # a major place in a team's or company's name counts (GeoWebNews' embedded toponyms)
        ("He homered as the Ohio Rangers beat the visitors.", [("Ohio", "Ohio", "literal")]),
        ("Zabrovka Rangers lost again.", []),
        # numbered roads, exits and districts are not places, nor the names inside them
        ("The crash closed Highway 19 near Exit 6 for hours.", []),
        ("Firefighters investigated the March 7 fire at 6016 Dublin Road that led to the arrest.", []),
        ("The Green 4 board met on Monday.", []),
        # an unknown multi-word name the model calls a place needs a place reading ...
        ("Donations to the United Way rose this year, United Way officials said.", []),
        # ... from its context, a geographic head word or a prominent place it qualifies
        ("Volunteers cleaned the shore of Lake Quillmoor on Sunday.", [("Lake Quillmoor", "Lake Quillmoor", "literal")]),
        ("He compared the regime to Nazi Germany in a speech.", [("Nazi Germany", "Nazi Germany", "literal")]),
        # ... but a major place before a number stays
        ("The court approved a deal to sell Syria 180 artillery systems.", [("Syria", "Syria", "literal")]),
        ("The senator flew to Springfield, Ohio, on Friday.",
         [("Springfield", "Springfield", "literal"), ("Ohio", "Ohio", "literal")]),
        ("Rep. Dana Morrow, D-Calif., voted against it.", [("Calif.", "California", "literal")]),
        ("Copyright 2021 Paris Media Group. All rights reserved.", []),
        ("The committee approved a Green initiative for schools.", []),
        # a place the model tags as a person, mid-sentence (the browser test's story)
        ("The night ferry left Lisbon an hour late, its deck crowded with students.",
         [("Lisbon", "Lisbon", "literal")]),
        # ... but not when the text itself uses it as a person's name
        ("Jordan said the ferry left an hour late.", []),
        ("Michael Jordan scored again. Fans cheered as Jordan smiled.", []),
        # a surname after a locative word does not make every mention of it a place
        ("Senator Tom Kelly spoke first. Aides grumbled at Kelly's rules. Kelly left early.", []),
        # places glued by a hyphen are each found, even inside another entity
        ("Rethinking Egypt-US relations is overdue.",
         [("Egypt", "Egypt", "literal"), ("US", "United States", "literal")]),
        ("Growth returned to Asia-Pacific markets this year.",
         [("Asia", "Asia", "literal"), ("Pacific", "Pacific Ocean", "demonym")]),
        # ... but not a hyphenated personal name
        ("Lin-Manuel Miranda said the show would go on.", []),
        # two countries the model merged into one entity
        ("Jobless rates are high in countries such as Greece Italy or Spain.",
         [("Greece", "Greece", "literal"), ("Italy", "Italy", "literal")]),
        # Washington, D.C. is one name
        ("The delegates flew to Washington, D.C., for the talks.",
         [("Washington, D.C.", "Washington, D.C.", "literal")]),
        # an initialism of a place the text names stands for it
        ("Millions of South Africans vote today. Many in SA expect a close race.",
         [("South Africans", "South Africa", "demonym"), ("SA", "South Africa", "literal")]),
        # ... but not a bracketed acronym of an organisation
        ("She joined the South Africa Wine Board (SAWB) last year.", [("South Africa", "South Africa", "literal")]),
        # an all-capitals word the model glued to a name is not a surname
        ("The ministry said the US measures were unfair, Henry Lazenby US wrote.",
         [("US", "United States", "literal")]),
        # a province's abbreviation, but not an era
        ("The new FrontCounter BC office opened on Monday.", [("BC", "British Columbia", "literal")]),
        ("The temple was built in 500 BC and rebuilt in the fifth century BC.", []),
        # an unknown facility needs a facility's word or a locative: not an operation, a team
        ("Soldiers marched at the headquarters of Operation Lafiya Dole in Damascus.",
         [("Damascus", "Damascus", "literal")]),
        ("The fans cheered for the Buffalo Bisons all night.", []),
        ("Crowds walked along Royal Street and the Marigny Canal in Paris.",
         [("Royal Street", "Royal Street", "literal"), ("Marigny Canal", "Marigny Canal", "literal"),
          ("Paris", "Paris", "literal")]),
        # a people the model tagged a date is still a demonym; a singular one it calls a person is not
        ("It will help it win votes from rural ethnic Malays, the bedrock of support.",
         [("Malays", "Malaysia", "demonym")]),
        ("Finn said the plan would pass.", []),
        # demonyms of peoples, and plurals not made by adding "s" to a word ending in "ch"
        ("Many in the ethnic Sinhalese majority agree. The Czechs are the current president of the union.",
         [("Sinhalese", "Sri Lanka", "demonym"), ("Czechs", "Czech Republic", "demonym")]),
        # a known name before a noun for a person from there, but not the end of a longer name
        ("A Zabrovka man is suing the station over a photo.", [("Zabrovka", "Zabrovka", "literal")]),
        ("The Meadow Green man was happy to have his name cleared.", []),
        # a state abbreviation whose final period the tokenizer split off
        ("W.Va. Democrat volunteer Holroyd dies at 74.", [("W.Va.", "West Virginia", "literal")]),
        # a weather phenomenon named like a town
        ("What about El Niño/La Niña? A strong El Niño warms the sea near Lisbon.",
         [("Lisbon", "Lisbon", "literal")]),
        # a country the model read once as a person's name and more often as a place stays a place
        ("Rethinking Egypt-US relations. Since Obama took office, hopes spread over the Middle East. Egypt, "
         "which often had trouble, is now hoping for ties. Egypt needs also to embrace democracy. The advice of "
         "Egypt was ignored.",
         [("Egypt", "Egypt", "literal"), ("US", "United States", "literal"), ("Egypt", "Egypt", "literal"),
          ("Egypt", "Egypt", "literal"), ("Egypt", "Egypt", "literal")]),
    ],
)
def test_recognize_table(nlp, index, text, expected):
    assert found(nlp, index, text) == expected


def test_mentions_sorted_and_disjoint(nlp, index):
    doc = nlp("Syrian officials in Damascus said Lebanon and Syria talked. Paris agreed.")
    mentions = recognize(doc, index)
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))
    assert {m.surface for m in mentions} >= {"Syrian", "Damascus", "Lebanon", "Syria"}


def test_known_names_asked_once_per_doc(nlp, index):
    recognize(nlp("Refugees left Zabrovka for Damascus and then Paris."), index)
    assert index.calls == 1


def test_weekday_never_a_place_even_if_gazetteer_knows_it(nlp, index):
    assert all(m.surface != "Tuesday" for m in recognize(nlp("They met on Tuesday in Paris."), index))


def test_surname_of_a_person_is_not_a_place(nlp, index):
    text = "Coach Anna Springfield resigned. Springfield said the team needs rest."
    assert [m.surface for m in recognize(nlp(text), index)] == []


_FILLER = "The council met for hours and the members argued about the budget for the next year. "


@pytest.mark.parametrize("phrase", ["read more about the plan", "subscribe to the newsletter", "cookies"])
def test_boilerplate_phrase_in_a_long_one_line_text_drops_only_its_sentence(nlp, index, phrase):
    text = f"Refugees arrived in Zabrovka in May. {_FILLER * 4}You can {phrase} online. {_FILLER}They left for Damascus."
    assert "\n" not in text
    assert [m.surface for m in recognize(nlp(text), index)] == ["Zabrovka", "Damascus"]


@pytest.mark.parametrize(
    "text, expected",
    [
        # a dateline the tokenizer splits is looked up whole
        ("ST. PARIS — Four children were hurt in a fire on Monday.", ["ST. PARIS"]),
        # a dateline the gazetteer lacks counts when a state abbreviation vouches for it
        ("CAMP QUILLMOOR, Wash. - The guard unit trained all week.", ["CAMP QUILLMOOR", "Wash."]),
        # ... but an upper-case header is no dateline place
        ("BREAKING NEWS: The guard unit trained all week.", []),
        # a dateline after a byline's date
        ("BY KENT MALLETT Advocate Reporter March 30, 2009 ZABROVKA -- The surge in home sales went on.",
         ["ZABROVKA"]),
        # a state abbreviation the tokenizer splits is no unknown multi-word name
        ("He was held in the jail in Greenwood, W. Va., on a parole violation.", ["Greenwood", "W. Va."]),
    ],
)
def test_datelines(nlp, index, text, expected):
    assert [m.surface for m in recognize(nlp(text), index)] == expected


def test_entity_cut_at_a_line_break(nlp, index):
    text = "A weekend in Lisbon\n\nLast summer we flew there."
    assert [m.surface for m in recognize(nlp(text), index)] == ["Lisbon"]


def test_boilerplate_short_line_still_dropped(nlp, index):
    text = "Refugees arrived in Zabrovka in May.\nCopyright 2021 Damascus Media. All rights reserved.\n"
    assert [m.surface for m in recognize(nlp(text), index)] == ["Zabrovka"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Funding for the Springfield Center ran out in Ohio.", ["Ohio"]),
        ("Children at Springfield Academy wrote to Ohio.", ["Ohio"]),
        ("Protesters filled the Washington Museum in Paris.", ["Washington", "Paris"]),  # a major place stays
        ("He moved to Springfield last year.", ["Springfield"]),
    ],
)
def test_a_minor_name_before_an_institution_word_is_not_the_place(nlp, index, text, expected):
    assert [surface for surface, _name, _kind in found(nlp, index, text)] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The fire was at 2517 Paris St., Alexandria, on Sunday.", ["Paris St."]),
        ("Police went to his Paris Street home in Ohio.", ["Paris Street", "Ohio"]),
        ("Traffic on Lebanon Road and in Paris was slow.", ["Lebanon Road", "Paris"]),
        ("He drove to Paris Street Bridge in Ohio.", ["Paris Street Bridge", "Ohio"]),  # a bridge, as the model read it
        ("The Paris St. Louis flight left.", ["Paris"]),  # "St." before a capitalised word is a saint's
        ("He lives in Paris. Street lights were out.", ["Paris"]),
        ("The farm lies on Paris Boulevard. Crews arrived.", ["Paris Boulevard"]),  # a full word ends a sentence
        ("The Ohio Highway Patrol closed Paris Road.", ["Ohio", "Paris Road"]),  # not before a capitalised word
    ],
)
def test_a_place_name_before_a_road_word_names_the_road(nlp, index, text, expected):
    assert [surface for surface, _name, _kind in found(nlp, index, text)] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # a town named by an everyday word is a place only where the text locates it
        ("Police in Reading arrested two men.", ["Reading"]),
        ("Two men were arrested in Reading, Berkshire, on Monday.", ["Reading", "Berkshire"]),
        ("NICE, France (AP) — The promenade reopened.", ["NICE", "France"]),
        ("The mayor of Mobile, Ohio, resigned.", ["Mobile", "Ohio"]),
        ("Reading was his favourite pastime.", []),
        ("Nice work, said the coach.", []),
        ("Mobile phones were banned at the meeting.", []),
        ("Police in Reading said the meter reading was wrong.", ["Reading"]),  # also a word here: still located
    ],
)
def test_word_towns_need_a_locating_context(nlp, index, text: str, expected: list[str]) -> None:
    assert [surface for surface, _name, _kind in found(nlp, index, text)] == expected



@pytest.mark.parametrize(
    "text, expected",
    [
        # a known place's name right after a geographic noun, though the model tagged it a person
        ("The Bolivian capital La Paz and the city of Santa Cruz saw protests.", ["Bolivian", "La Paz", "Santa Cruz"]),
        ("The capital Ivan Petrov ran the race.", []),  # an unknown name stays a person
    ],
)
def test_known_names_after_a_geographic_noun(nlp, index, text: str, expected: list[str]) -> None:
    assert [surface for surface, _name, _kind in found(nlp, index, text)] == expected
