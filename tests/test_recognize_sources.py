"""geo.recognize.sources: one table per candidate source, with the real model and a fake index.

Each row is a short text and what that source alone proposes (surface, place name), before selection.
"""
from __future__ import annotations

import pytest
from recognize_kit import read, spans

from geo.recognize import sources


def table(*rows):
    """Parametrize a source's table."""
    return pytest.mark.parametrize(("text", "expected"), rows)


@table(
    ("The senator flew to Springfield, Ohio, on Friday.", [("Springfield", "Springfield"), ("Ohio", "Ohio")]),
    ("Volunteers cleaned the shore of Lake Quillmoor on Sunday.", [("Lake Quillmoor", "Lake Quillmoor")]),
    ("He was held in Greenwood, W. Va., on Monday.", [("Greenwood", "Greenwood"), ("W. Va.", "West Virginia")]),
    ("We drove to Lisbon Airport at dawn.", [("Lisbon Airport", "Lisbon Airport")]),
    # numbered roads, unknown names with no place reading, compounds of known places: not here
    ("The crash closed Highway 19 near Exit 6 for hours.", []),
    ("Donations to the United Way rose, United Way officials said.", []),
    ("Growth returned to Asia-Pacific markets this year.", []),
    # a person's surname the model calls a place, with no locative word before it
    ("Senator Tom Kelly spoke first. Kelly left early.", []),
)
def test_ner_places(text, expected):
    assert spans(read(text), sources.ner_places) == expected


@table(
    ("They toured the quarter of Jean Moulin.", [("Jean Moulin", "Jean Moulin")]),
    ("They met the wife of Jean Moulin.", []),
)
def test_named_after_geo_noun(text, expected):
    assert spans(read(text), sources.named_after_geo_noun) == expected


@table(
    ("Syrian troops moved north overnight.", [("Syrian", "Syria")]),
    ("Two Iraqis and a Russian diplomat were held.", [("Iraqis", "Iraq"), ("Russian", "Russia")]),
    # both readings are proposed; selection keeps the longer
    ("Millions of South Africans vote today.", [("South Africans", "South Africa"), ("Africans", "Africa")]),
    ("He reads the French Times every day.", []),  # inside a business's name
    ("SYRIAN TROOPS MOVED NORTH", []),  # shouting outside a dateline
)
def test_demonyms(text, expected):
    assert spans(read(text), sources.demonyms) == expected


@table(
    ("The delegates flew to Washington, D.C., for the talks.", [("Washington, D.C.", "Washington, D.C.")]),
    ("He lives in D.C. now.", []),
)
def test_washington_dc(text, expected):
    assert spans(read(text), sources.washington_dc) == expected


@table(
    ("The U.S. and the UK agreed.", [("U.S.", "United States"), ("UK", "United Kingdom")]),
    ("He grew up in Lebanon, Pa., and left.", [("Pa.", "Pennsylvania")]),
    ("Calif. is big.", []),  # a state's abbreviation counts only after "<Name>,"
    ("WE WANT US TO WIN THE CUP", []),  # "US" in shouting may be the pronoun
    ("The delegates flew to Washington, D.C., for the talks.", []),  # the whole name is another source's
)
def test_abbreviations(text, expected):
    assert spans(read(text), sources.abbreviations) == expected


@table(
    ("Rep. Dana Morrow, D-Calif., voted against it.", [("Calif.", "California")]),
    ("Sen. Joe Bloggs, R-Springfield, spoke.", [("Springfield", "Springfield")]),
    ("Sen. Joe Bloggs, R-Quillmoor, spoke.", []),  # neither an abbreviation nor a known name
)
def test_party_state_tags(text, expected):
    assert spans(read(text), sources.party_state_tags) == expected


@table(
    ("Rethinking Egypt-US relations is overdue.", [("Egypt", "Egypt")]),
    ("Lin-Manuel Miranda said the show would go on.", []),
)
def test_glued_places(text, expected):
    assert spans(read(text), sources.glued_places) == expected


@table(
    ("We walked along the Varnow until dusk.", [("Varnow", "Varnow")]),  # "the X" for a river
    ("Coach Anna Springfield resigned. Springfield said the team needs rest.", []),
)
def test_free_gazetteer_names(text, expected):
    assert spans(read(text), sources.free_gazetteer_names) == expected


@table(
    ("The night ferry left Lisbon an hour late, its deck crowded with students.", [("Lisbon", "Lisbon")]),
    ("Jordan said the ferry left an hour late.", []),
    ("Mr. Jordan arrived.", []),
    ("Zabrovka won the cup again.", []),  # neither prominent nor vouched for
    ("Dublin Road was closed.", []),  # not the whole entity
)
def test_person_tagged_places(text, expected):
    assert spans(read(text), sources.person_tagged_places) == expected


@table(
    ("We drove to Lisbon Airport at dawn.", [("Lisbon", "Lisbon")]),
    ("They walked through Damascus Old City.", [("Damascus", "Damascus")]),
    ("Talks between Syria and Egypt resumed.", []),  # the entities themselves are the model's places
)
def test_names_in_places(text, expected):
    assert spans(read(text), sources.names_in_places) == expected


@table(
    ("Fighting raged around Zabrovka for a week.", [("Zabrovka", "Zabrovka")]),  # tagged ORG, but "around"
    ("Paris Hilton arrived.", []),
)
def test_exact_organisation_names(text, expected):
    assert spans(read(text), sources.exact_organisation_names) == expected


@table(
    ("He wrote a column for the Washington Post about taxes.", [("Washington", "Washington")]),
    ("He homered as the Ohio Rangers beat the visitors.", [("Ohio", "Ohio")]),
    ("She joined the South Africa Wine Board last year.", [("South Africa", "South Africa")]),
    ("She sued the Bank of America last year.", []),  # named for its owner
    ("He wrote a column for the Zabrovka Post about taxes.", []),  # a minor place in a business's name
    # the organisation's own noun before "of" is no place; the place after it is
    ("Trump said he would like to announce an agreement at the Summit of the Americas in Peru.",
     [("Americas", "Americas")]),
)
def test_names_in_organisations(text, expected):
    assert spans(read(text), sources.names_in_organisations) == expected


@table(
    ("CAMP QUILLMOOR, Wash. - The guard unit trained all week.", [("CAMP QUILLMOOR", "CAMP QUILLMOOR")]),
    ("ST. PARIS — Four children were hurt.", []),  # known to the gazetteer: another source's
    ("BREAKING NEWS: The guard unit trained.", []),
)
def test_qualified_datelines(text, expected):
    assert spans(read(text), sources.qualified_datelines) == expected


@table(
    ("Millions of South Africans vote today. Many in SA expect a close race.", [("SA", "South Africa")]),
    ("She joined the South Africa Wine Board (SAWB) last year.", []),
    ("The ministry said the US measures were unfair.", []),
)
def test_initialisms(text, expected):
    ctx = read(text)
    found = [c for source in sources.SOURCES for c in source(ctx)]
    assert [(text[c.start:c.end], c.name) for c in sources.initialisms(ctx, found)] == expected


@table(
    ("Enrollment slowed in Jackson and Barrow counties last year.",
     [("Jackson", "Jackson County"), ("Barrow", "Barrow County")]),
    ("Damage was reported in Harvey, Harper and Kingman counties.",
     [("Harvey", "Harvey County"), ("Harper", "Harper County"), ("Kingman", "Kingman County")]),
    ("The acres lie between the Williams and Cranberry rivers.",
     [("Williams", "Williams River"), ("Cranberry", "Cranberry River")]),
    ("It rolled down Bourbon and Dauphine streets to the river.",
     [("Bourbon", "Bourbon Street"), ("Dauphine", "Dauphine Street")]),
    ("Crews cleared Harper County roads on Monday.", []),  # one name is no list
    ("Smith praised the counties for their work.", []),
    ("Jackson and Barrow Counties Board met.", []),  # the plural noun must be a common noun
)
def test_listed_before_plural_nouns(text, expected):
    assert spans(read(text), sources.listed_before_plural_nouns) == expected


@table(
    # the model reads the gazetteer name as a person; the place beside it vouches for it
    ("Trade grew between Gainesville and Lindsay last year.", [("Gainesville", "Gainesville")]),
    ("Lindsay and Damascus grew fast.", [("Lindsay", "Lindsay")]),
    ("The plan would damage Paris and Kidlington, critics said.", [("Kidlington", "Kidlington")]),
    ("Tom Lindsay spoke. Trade grew between Paris and Lindsay.", []),  # a person's name here
    ("Trade grew after Lindsay joined the board.", []),  # no place beside it
)
def test_coordinated_names(text, expected):
    ctx = read(text)
    found = [c for source in sources.SOURCES for c in source(ctx)]
    assert [(text[c.start:c.end], c.name) for c in sources.coordinated_names(ctx, found)] == expected


@table(
    ("Authorities said Rebecca Sears, 41, of Grovetown, planned the theft.", [("Grovetown", "Grovetown")]),
    ("No one knows that better than Mindy Miller of Ravenel, whose son is eight.", [("Ravenel", "Ravenel")]),
    ("Mindy Miller of Acme Widgets said no.", []),  # unknown to the gazetteer
    ("The mayor of Ravenel said no.", []),  # no person before it: another source's
)
def test_hometowns(text, expected):
    assert spans(read(text), sources.hometowns) == expected


@table(
    ("A Zabrovka man is suing the station over a photo.", [("Zabrovka", "Zabrovka")]),
    ("Ravenel residents met on Monday to discuss it.", [("Ravenel", "Ravenel")]),
    ("The Meadow Green man was happy to have his name cleared.", []),  # the end of a longer name
    ("Green women's head coach spoke after the game.", []),  # a team
    ("The Zabrovka Man is a sculpture.", []),  # not a lower-case noun
)
def test_residents(text, expected):
    assert spans(read(text), sources.residents) == expected


def test_every_source_has_a_table():
    tested = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    named = {s.__name__ for s in (*sources.SOURCES, *sources.FOLLOW_UPS)}
    assert named <= tested
