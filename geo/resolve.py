"""Toponym resolution: choose each mention's place from its candidates using the whole article.

The steps of ``resolve``: group the mentions by the name they look up (``_build_groups``), score
each group's candidates by prior and by what the article writes around the name
(``_written_evidence``), by the other names' candidates lying near, inside or around them
(``_add_support``), then re-choose every name a few times with the others' choices as context
(``_rescore``). Every number it scores with is a field of ``geo.weights.ResolveWeights``; the rule
tables are data files under ``geo/data/lexicon/resolve_*``. A long text is resolved section by
section (``geo.sections``); a learned ranker (``geo.ranker``) may calibrate the confidence and
re-rank the best candidates.
"""
from __future__ import annotations

import hashlib
import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Callable, Iterable, Mapping, Sequence

import numpy

from geo import lexicon
from geo.features import ArticleEvidence, Choice, NameEvidence, candidate_regions, candidate_rows
from geo.geomath import NearestPoints, great_circle_km, km_from, unit_vectors
from geo.hints import TextHints, text_hints
from geo.home import HomeArea, Region
from geo.names import name_key
from geo.ranker import Ranker
from geo.recognize.rules import rules as recognition_rules
from geo.recognize.text import dateline_spans
from geo.regions import relative_regions
from geo.sections import section_starts
from geo.types import POSTAL_SOURCE, Candidate, Mention, Place, PlaceIndex, Resolution
from geo.usstates import qualifier_abbreviations, us_states
from geo.weights import DEFAULT_WEIGHTS, ResolveWeights

__all__ = [
    "APPROXIMATE_CONFIDENCE",
    "APPROXIMATE_PREFIX",
    "APPROXIMATE_SOURCE",
    "RankerInput",
    "abbreviated_words",
    "abbreviation_names",
    "full_form",
    "own_name",
    "abbreviations",
    "inside",
    "approximate_place",
    "definite_alone",
    "direction_compounds",
    "generic_suffixes",
    "key_candidates",
    "landform_suffixes",
    "is_approximate",
    "lookup_keys",
    "prior",
    "qualifier_after",
    "qualifier_regions",
    "ranker_inputs",
    "resolve",
    "team_region",
    "written_as_state",
    "written_as_water",
]

# Confidence given to a mention placed at the town mentioned nearest to it because the gazetteer
# lacks its own name ("Royal Street" -> New Orleans): a rough, marked-as-approximate placement.
APPROXIMATE_CONFIDENCE = DEFAULT_WEIGHTS.approximate_confidence
# Place.source of such a placement; its place_id is APPROXIMATE_PREFIX + "<name key>@<host place_id>".
APPROXIMATE_SOURCE = "approximate"
APPROXIMATE_PREFIX = "approx:"
_PLACE_ID_MAX = 64  # the store's place_id column
_QUALIFIER_REACH = 40  # characters after a mention searched for its qualifier
_QUALIFIER = re.compile(r"\s*,\s*((?:[A-Z][\w.'’-]*\.?)(?:\s+(?:of\s+)?[A-Z][\w.'’-]*\.?){0,3})")
_COMMA_ONLY = re.compile(r"[ \t]*,[ \t]*")
_PAIR_JOIN = re.compile(r"[ \t]+(?:and|or|&)[ \t]+")  # between two paired names: " and ", " or "
_ARTICLE = "the "
_DEFINITE_AFTER = re.compile(r"([.;:!?)\"”’]|\s+([a-z]+)\b)")  # what follows "the X": punctuation or a word
_WORD_AFTER = re.compile(r" ([a-z]+)\b")  # one lower-case word right after a name
_WORDS_BEFORE = re.compile(r"(\w+)[ \t]+(?:(\w+)[ \t]+)?\Z")  # the one or two words right before a name

Expansion = tuple[str, "str | None"]  # (full name, country code or None for any)
Regions = set[tuple[str, "str | None"]]  # (country code, admin1 or None for the whole country)


@cache
def abbreviations() -> dict[str, tuple[Expansion, ...]]:
    """Capitalised abbreviations the gazetteer does not index and what each may stand for.

    US postal codes stand for their state unless ``resolve_abbreviations.tsv`` lists the code.
    """
    table: dict[str, tuple[Expansion, ...]] = {s.postal: ((s.name, "US"),) for s in us_states()}
    listed: set[str] = set()
    for row in lexicon.table("resolve_abbreviations"):
        abbreviation, name, country = (*row, "")[:3]
        expansion = (name, country or None)
        table[abbreviation] = (*table[abbreviation], expansion) if abbreviation in listed else (expansion,)
        listed.add(abbreviation)
    return table


@cache
def generic_suffixes() -> frozenset[str]:
    """Generic last words whose removal may find the named thing ("Bekaa Valley" -> "Bekaa")."""
    return lexicon.words("resolve_generic_suffixes")


@cache
def landform_suffixes() -> frozenset[str]:
    """The generic suffixes naming a land form ("Hampton Hills" -> no second-level unit "Hampton")."""
    return lexicon.words("resolve_landform_suffixes")


@cache
def abbreviated_words() -> dict[str, str]:
    """Abbreviated first words of place names and their full forms ("mt" -> "mount")."""
    return dict(lexicon.table("resolve_abbreviated_words"))


def full_form(key: str) -> str | None:
    """The key with its abbreviated first word written in full ("mt pleasant" -> "mount pleasant"), or None."""
    first, _, rest = key.partition(" ")
    full = abbreviated_words().get(first) if rest else None
    return f"{full} {rest}" if full else None


@dataclass(frozen=True)
class _Rules:
    """The feature-code sets of ``resolve_feature_codes.tsv`` (see the comments there)."""

    areal: frozenset[str]
    broad: frozenset[str]
    physical_classes: frozenset[str]
    linear: frozenset[str]
    demonym_targets: frozenset[str]
    not_anchors: frozenset[str]
    host_units: frozenset[str]
    countries: frozenset[str]
    renowned: frozenset[str]
    self_standing: frozenset[str]
    waters: frozenset[str]
    short_forms: frozenset[str]
    local_units: frozenset[str]
    seat_units: frozenset[str]


@cache
def _rules() -> _Rules:
    """The feature-code sets, read once."""
    sets = lexicon.sets("resolve_feature_codes")
    return _Rules(
        areal=sets["areal"],
        broad=sets["areal"] | sets["broad"],
        physical_classes=sets["physical_classes"],
        linear=sets["linear"],
        demonym_targets=sets["demonym_targets"],
        not_anchors=sets["not_anchors"],
        host_units=sets["host_units"],
        countries=sets["countries"],
        renowned=sets["renowned"],
        self_standing=sets["self_standing"],
        waters=sets["waters"],
        short_forms=sets["short_forms"],
        local_units=sets["local_units"],
        seat_units=sets["seat_units"],
    )


@dataclass(frozen=True)
class _Scoring:
    """What every scoring step reads: the weights and the rule tables."""

    w: ResolveWeights
    rules: _Rules


def is_approximate(place_id: str) -> bool:
    """Whether a place id is an approximate placement's (see approximate_place)."""
    return place_id.startswith(APPROXIMATE_PREFIX)


def prior(place: Place, key: str, weights: ResolveWeights = DEFAULT_WEIGHTS) -> float:
    """Context-free plausibility of place as the meaning of name key (bigger is likelier)."""
    w = weights
    code = place.feature_code or ""
    score = w.population_log * math.log10(place.population + 1)
    if place.source.startswith("naturalearth"):
        rank = int(place.source.partition(":")[2] or w.ne_default_rank)
        score += max(w.ne_min_bonus, w.ne_rank_base - w.ne_rank_step * rank,
                     w.code_bonus.get(code, 0.0) if rank <= w.ne_code_bonus_max_rank else 0.0)
    else:
        score += w.code_bonus.get(code, 0.0) * _unit_share(place, w)
    if place.source == "curated":
        score += w.curated_bonus
    if own_name(place, key):
        score += w.exact_name_bonus
    return score


def own_name(place: Place, key: str) -> bool:
    """Whether the place's own name, not an alternate name, has the lookup key, its abbreviated first word
    read in full ("St. Petersburg" is Saint Petersburg's own name, as "Mt. Pleasant" is Mount Pleasant's)."""
    own = name_key(place.name)
    return own == key or own == full_form(key)


def _unit_share(place: Place, w: ResolveWeights) -> float:
    """How much of its code's prior bonus a first-level unit or a capital takes. A unit: all from
    adm1_full_population people, none up to adm1_least_population, on a log scale (a parish of Jamaica does
    not outrank Portland, Oregon); a capital: none up to adm1_least_population (the capital of Bermuda, of 900
    people, does not outrank Hamilton, Ontario), else all. Other places take all of it."""
    people = place.population + 1
    if place.feature_code == "PPLC":
        return 1.0 if people > w.adm1_least_population else 0.0
    if place.feature_code != "ADM1":
        return 1.0
    low, high = math.log10(w.adm1_least_population), math.log10(w.adm1_full_population)
    return min(1.0, max(0.0, (math.log10(people) - low) / (high - low)))


def approximate_place(name: str, host: Place) -> Place:
    """A stand-in Place for a name the gazetteer lacks, put at the point of the place hosting it.

    It keeps the mention's own name, so "Baba Amr" stays a feature of its own instead of being
    counted as a mention of Homs; it has no GeoNames id and no feature class or code (it is not a
    gazetteer entry), and takes the host's point, country and admin-1. The id is stable across
    articles: "approx:baba-amr@gn:169577" (a hash replaces the tail of over-long names).
    """
    slug = name_key(name).replace(" ", "-") or "unnamed"
    suffix = f"@{host.place_id}"
    room = _PLACE_ID_MAX - len(APPROXIMATE_PREFIX) - len(suffix)
    if len(slug) > room:
        digest = hashlib.sha1(slug.encode("utf-8")).hexdigest()[:8]
        slug = f"{slug[: max(1, room - 9)]}~{digest}"
    return Place(
        place_id=f"{APPROXIMATE_PREFIX}{slug}{suffix}",
        name=name,
        lat=host.lat,
        lon=host.lon,
        geonameid=None,
        country_code=host.country_code,
        feature_class=None,
        feature_code=None,
        population=0,
        admin1=host.admin1,
        source=APPROXIMATE_SOURCE,
    )


def lookup_keys(name: str) -> list[tuple[str, bool]]:
    """Keys to try for a mention name, in order, each with whether towns may match it."""
    key = name_key(name)
    keys = [(key, True)]
    if key.startswith("the "):
        keys.append((key[4:], True))
    if key.endswith(" s") and len(key) > 3:
        keys.append((key[:-2], True))
    words = key.split()
    if len(words) > 1 and words[-1] == "city":
        keys.append((" ".join(words[:-1]), True))
    elif len(words) > 1 and words[-1] in generic_suffixes():
        keys.append((" ".join(words[:-1]), False))
    return keys


def qualifier_after(text: str, end: int) -> str | None:
    """The "Pennsylvania" of "Lebanon, Pennsylvania" right after a mention ending at end, if any."""
    match = _QUALIFIER.match(text, end, min(len(text), end + _QUALIFIER_REACH))
    if not match:
        return None
    return match.group(1).rstrip(".,")


def listed_qualifier(text: str, mentions: Sequence[Mention], i: int) -> str | None:
    """The qualifier written after the next name when mention i is paired with it by "and" or "or"
    ("British Columbia" for "Vancouver" in "Vancouver and Victoria, British Columbia"), if any."""
    if i + 1 >= len(mentions) or mentions[i + 1].start <= mentions[i].end \
            or not _PAIR_JOIN.fullmatch(text, mentions[i].end, mentions[i + 1].start):
        return None
    return qualifier_after(text, mentions[i + 1].end)


@cache
def _definite_followers() -> frozenset[str]:
    """Words after "the X" that leave X a noun phrase of its own (definite_followers.txt)."""
    return lexicon.words("definite_followers")


def definite_alone(text: str, start: int, end: int) -> bool:
    """Whether the name at text[start:end] is written "the X" standing alone: before a clause's
    punctuation or a preposition, verb or relative word ("in the Middle East.", "the Gulf is"), not
    modifying a noun ("the Paris attacks") or listed ("the Allston and Weston booths")."""
    article = start - len(_ARTICLE)
    if article < 0 or text[article:start].lower() != _ARTICLE or (article > 0 and text[article - 1].isalnum()):
        return False
    after = _DEFINITE_AFTER.match(text, end, min(len(text), end + _QUALIFIER_REACH))
    if after is None:
        return False
    word = after.group(2)
    return word is None or word.lower() in _definite_followers()


@cache
def _resident_nouns() -> frozenset[str]:
    """Nouns for a person from a place ("man", "residents": resident_nouns.txt, lower case)."""
    return frozenset(w.lower() for w in lexicon.words("resident_nouns"))


def resident_before(text: str, end: int) -> bool:
    """Whether a noun for a person from a place follows the name ending at end ("a Lebanon woman", "the
    Jordan resident"): English names a country's people by its demonym ("a Lebanese woman"), so such a
    name is a town's."""
    after = _WORD_AFTER.match(text, end, min(len(text), end + _QUALIFIER_REACH))
    return after is not None and after.group(1) in _resident_nouns()


@cache
def _water_words() -> frozenset[str]:
    return lexicon.words("water_words")


def written_as_water(text: str, start: int, end: int, key: str) -> bool:
    """Whether the name at text[start:end] (name key ``key``) is written as a river's or a lake's: with a
    water word ("Neches River", "Lake Erie", "the Williams and Cranberry rivers") or after "the", perhaps
    with one word between ("the Neches", "the upper Neches"). Rivers and lakes are not written bare
    ("A Columbia woman")."""
    words = _water_words()
    if any(word in words for word in key.split()):
        return True
    after = _WORD_AFTER.match(text, end, min(len(text), end + _QUALIFIER_REACH))
    if after is not None and after.group(1) in words:
        return True
    before = _WORDS_BEFORE.search(text, max(0, start - _QUALIFIER_REACH), start)
    return before is not None and "the" in (before.group(1).lower(), (before.group(2) or "").lower())


def written_as_state(text: str, start: int, end: int) -> bool:
    """Whether the name at text[start:end] is written as a state: "Washington state", "Georgia state
    officials" (a lower-case "state" right after it: "Washington State University" is a name of its own),
    or "the state of Washington" ("the former Soviet state of Georgia" is a country's description)."""
    after = _WORD_AFTER.match(text, end, min(len(text), end + _QUALIFIER_REACH))
    if after is not None and after.group(1) == "state":
        return True
    before = _WORDS_BEFORE.search(text, max(0, start - _QUALIFIER_REACH), start)
    return before is not None and before.group(1).lower() == "state" and (before.group(2) or "") == "of" \
        and text[max(0, before.start() - 4):before.start()].lower() == "the "


@cache
def _teams() -> dict[str, tuple[tuple[str, str, str], ...]]:
    """Place name key -> (team nickname, country, first-level region) of the teams named after it."""
    teams: defaultdict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for place, nickname, country, admin1 in lexicon.table("team_names"):
        teams[name_key(place)].append((nickname, country, admin1))
    return {key: tuple(rows) for key, rows in teams.items()}


def team_region(text: str, name: str, end: int) -> tuple[str, str] | None:
    """The (country, first-level region) of the team whose nickname follows the name ending at end
    ("Portland Trail Blazers" -> Oregon), or None (team_names.tsv)."""
    for nickname, country, admin1 in _teams().get(name_key(name), ()):
        if _followed_by(text, end, nickname):
            return country, admin1
    return None


def _followed_by(text: str, end: int, words: str) -> bool:
    """Whether a space and the whole of words follow position end ("Trail Blazers", not "Trail Blazersville")."""
    after = end + 1 + len(words)
    return text.startswith(f" {words}", end) and (after >= len(text) or not text[after].isalnum())


@cache
def _institutions() -> tuple[tuple[str, frozenset[str]], ...]:
    """(words after a name, the countries whose usage they are) of institution_countries.tsv."""
    return tuple((words, frozenset(countries.split("|"))) for words, countries in lexicon.table("institution_countries"))


def institution_countries(text: str, end: int) -> frozenset[str]:
    """The countries whose local institution is named right after the name ending at end
    ("Delta Police Department": US, CA), or none."""
    for words, countries in _institutions():
        if _followed_by(text, end, words):
            return countries
    return frozenset()


def abbreviation_names(name: str) -> tuple[Expansion, ...]:
    """What a capitalised abbreviation ("BC", "B.C.", "NSW", "SA") may stand for: (name, country)."""
    letters = name.replace(".", "").replace(" ", "")
    if not (1 < len(letters) <= 4 and letters.isalpha()):
        return ()
    if not (letters.isupper() or ("." in name and letters[0].isupper())):
        return ()
    return abbreviations().get(letters.upper(), ())


@dataclass
class _Group:
    """All mentions of one name in the article: they share one meaning."""

    key: str
    demonym: bool = False
    indices: list[int] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    base: list[float] = field(default_factory=list)
    regions: Regions = field(default_factory=set)  # named by qualifiers after its mentions
    state: bool = False  # written as a US state abbreviation somewhere
    definite: bool = False  # written "the X" standing alone somewhere ("in the Middle East.")
    dateline: bool = False  # opens a dateline somewhere ("NEW YORK (AP) —"): a town
    resident: bool = False  # written before a noun for its people somewhere ("a Lebanon woman"): no country
    water: bool = False  # written as a water's name somewhere ("the Neches", "Neches River", "Cranberry rivers")
    qualifies: list["_Group | None"] = field(default_factory=list)  # mentions this one qualifies
    written_in: list[Place] = field(default_factory=list)  # regions its recognised qualifiers name ("Darlington, Pa.")
    choice: Place | None = None
    confidence: float = 0.0
    totals: list[float] = field(default_factory=list)  # base plus the last context bonus


# --------------------------------------------------------------------------- the steps of resolve


def resolve(text: str, mentions: Sequence[Mention], index: PlaceIndex, limit: int = 60,
            weights: ResolveWeights = DEFAULT_WEIGHTS, ranker: Ranker | None = None,
            home: HomeArea | None = None) -> list[Resolution]:
    """One Resolution per mention (same order): the chosen place, a confidence and alternatives.

    Each section of the text (geo.sections: the stories of a many-story upload) is resolved on its
    own: one sense per name and the article context hold within a section. With a ranker, the
    confidence is its calibrated probability that the choice is right, and when the ranker won out
    of fold (``ranker.chooses``) it also re-ranks each name's best candidates by hand score;
    without one, the hand score decides and its softmax share is the confidence. ``home``: where the
    source's other articles are (geo.home), weak context for every section.
    """
    starts = section_starts(text)
    if len(starts) == 1:
        return _resolve_section(text, text, mentions, index, limit, weights, ranker, home)
    sections: dict[int, list[int]] = defaultdict(list)
    for i, mention in enumerate(mentions):
        sections[bisect_right(starts, mention.start)].append(i)
    out: list[Resolution | None] = [None] * len(mentions)
    for k, indices in sections.items():
        found = _resolve_section(text, _section(text, starts, k), [mentions[i] for i in indices], index, limit,
                                 weights, ranker, home)
        for i, resolution in zip(indices, found):
            out[i] = resolution
    return [r for r in out if r is not None]


def _resolve_section(text: str, section: str, mentions: Sequence[Mention], index: PlaceIndex, limit: int,
                     weights: ResolveWeights, ranker: Ranker | None, home: HomeArea | None) -> list[Resolution]:
    """resolve() for the mentions of one section (``section``: its text, where its hints are read)."""
    s, groups, order = _hand_scored(text, section, mentions, index, limit, weights, home)
    ranked: dict[str, Resolution] = {}
    if ranker is not None:
        ranked = _rank_groups(text, mentions, groups, ranker, s)
    strays = _strays(order, s)
    unplaced = _outside_qualifiers(order)
    outliers = _foreign_outliers(text, mentions, order, s)
    hosts = _hosts(mentions, order, outliers, s) if strays or any(g is None for g in order) else _Hosts([], [])
    resolutions = []
    countries: dict[str, Place | None] = {}  # per unknown name (_named_country)
    for i, group in enumerate(order):
        if group is None:
            name = mentions[i].name
            if name not in countries:
                countries[name] = _named_country(index, name, s)
            resolutions.append(_approximate_resolution(mentions[i], hosts, s, country=countries[name]))
            continue
        if group.key in outliers:
            resolutions.append(Resolution(place=None, confidence=0.0, is_place=False))
            continue
        chosen = ranked.get(group.key) or _resolution(group, weights)
        if group.key in strays:
            chosen = _approximate_resolution(mentions[i], hosts, s, chosen)
        elif group.key in unplaced:
            chosen = _approximate_resolution(mentions[i], _Hosts([], []), s, chosen, country=unplaced[group.key])
        resolutions.append(chosen)
    return relative_regions(mentions, resolutions, index)


@dataclass(frozen=True)
class RankerInput:
    """One name of an article as the ranker sees it: its mentions, best candidates and their feature rows."""

    indices: tuple[int, ...]
    places: tuple[Place, ...]
    rows: tuple[tuple[float, ...], ...]


def ranker_inputs(text: str, mentions: Sequence[Mention], index: PlaceIndex, top: int, limit: int = 60,
                  weights: ResolveWeights = DEFAULT_WEIGHTS) -> list[RankerInput]:
    """The ranker's input for every name with candidates (scripts/train.py learns from these)."""
    s, groups, _order = _hand_scored(text, _section_of(text, mentions), mentions, index, limit, weights)
    article = _article_evidence(groups, s)
    out = []
    for group in groups.values():
        best = _top_indices(group, top)
        rows = candidate_rows(_name_evidence(text, mentions, group), article, best)
        out.append(RankerInput(tuple(group.indices), tuple(group.places[i] for i in best), tuple(map(tuple, rows))))
    return out


def _hand_scored(text: str, section: str, mentions: Sequence[Mention], index: PlaceIndex, limit: int,
                 weights: ResolveWeights, home: HomeArea | None = None
                 ) -> tuple[_Scoring, dict[str, _Group], list[_Group | None]]:
    """The groups scored and chosen by the hand weights (prior, what the text writes of each name, hints
    read in ``section``'s text, home area, support, context rounds): hints come after the written
    evidence, so "the Jordan boys" (no country) lets a junior-varsity hint speak."""
    s = _Scoring(weights, _rules())
    groups, order = _build_groups(text, mentions, index, limit, s)
    hints = text_hints(section, index, weights.hint_unit_limit)
    if any(_postal_only(group) for group in groups.values()):
        _drop_unvouched_localities(groups, order, _regions_in_play(groups, hints, home))
    for group in groups.values():
        _written_evidence(group, s)
    _hint_context(groups, hints, s)
    if home is not None:
        _home_context(groups, home, s)
    _add_support(groups, s)
    for group in groups.values():
        _choose(group, [0.0] * len(group.places))
    _dateline_context(groups, s)
    before: dict[str, tuple[Place | None, list[float]]] = {}
    nearness: _NearnessMemo = {}
    for _ in range(weights.rescore_rounds):
        before = {key: (group.choice, group.totals) for key, group in groups.items()}
        _rescore(groups, s, nearness)
    _settle_flips(groups, before)
    return s, groups, order


def _regions_in_play(groups: dict[str, _Group], hints: TextHints, home: HomeArea | None) -> Regions:
    """The first-level regions the article points to before any choice: each name's likeliest place by
    prior (postal localities aside; a state names itself), the regions its qualifiers name, the admin
    units and local-government words of its hints, its home area and setting."""
    regions: Regions = set()
    for group in groups.values():
        known = [k for k, p in enumerate(group.places) if p.source != POSTAL_SOURCE]
        if known:
            regions |= _regions([group.places[max(known, key=group.base.__getitem__)]])
        regions |= group.regions | _regions(group.written_in)
    regions |= _regions(hints.units) | set(hints.regions)
    if home is not None:
        regions |= set(home.regions) | ({home.setting_region} if home.setting_region else set())
    return regions


def _postal_only(group: _Group) -> bool:
    """Whether every place of the group is a postal locality (geo.gazetteer_build.iter_postal)."""
    return all(p.source == POSTAL_SOURCE for p in group.places)


def _drop_unvouched_localities(groups: dict[str, _Group], order: list[_Group | None], regions: Regions) -> None:
    """Keep a name known only as postal localities (geo.gazetteer_build.iter_postal) only in the regions in
    play: a hamlet is the meaning of a name the model tagged ("Silverado", "Brittany") only when the article
    is about its state. A name left without places has no group (as if the gazetteer lacked it)."""
    for key, group in list(groups.items()):
        if not _postal_only(group):
            continue
        keep = [k for k, p in enumerate(group.places) if (p.country_code, p.admin1) in regions]
        if len(keep) == len(group.places):
            continue
        if keep:
            group.places, group.base = [group.places[k] for k in keep], [group.base[k] for k in keep]
            continue
        del groups[key]
        order[:] = [None if g is group else g for g in order]


def _settle_flips(groups: dict[str, _Group], before: dict[str, tuple[Place | None, list[float]]]) -> None:
    """Settle the groups whose choice still changed in the last round by their mean totals over the last
    two rounds: two names that each follow the other's previous choice ("Huntsville" and "Walker
    County", one in Alabama, the other in Texas, swapping every round) would else end on a pair that
    neither round chose together."""
    for key, (choice, totals) in before.items():
        group = groups[key]
        if group.choice is not choice:
            _choose(group, [(t + u) / 2 - b for t, u, b in zip(totals, group.totals, group.base)])


def _top_indices(group: _Group, top: int) -> list[int]:
    """The indices of the group's best candidates by hand score, best first."""
    return sorted(range(len(group.places)), key=lambda i: -group.totals[i])[:top]


def _name_evidence(text: str, mentions: Sequence[Mention], group: _Group) -> NameEvidence:
    """What the features need to know about one name."""
    first = mentions[group.indices[0]]
    return NameEvidence(
        key=group.key, places=tuple(group.places), hand=tuple(group.totals), mentions=len(group.indices),
        first_position=first.start / max(1, len(text)), key_differs=name_key(first.name) != group.key,
        demonym=group.demonym, abbreviation=bool(abbreviation_names(first.name)), state_form=group.state,
        regions=frozenset(group.regions),
    )


def _article_evidence(groups: dict[str, _Group], s: _Scoring) -> ArticleEvidence:
    """The names' hand-scored choices, as the features' article context."""
    choices = tuple(Choice(g.key, g.choice, g.confidence, len(g.indices)) for g in groups.values() if g.choice)
    regions = {g.key: candidate_regions(g.places[i] for i in _top_indices(g, s.w.support_top)) for g in groups.values()}
    return ArticleEvidence(len(groups), choices, s.w.anchor_min_confidence, regions)


def _rank_groups(text: str, mentions: Sequence[Mention], groups: dict[str, _Group], ranker: Ranker,
                 s: _Scoring) -> dict[str, Resolution]:
    """Every name's resolution with the ranker's calibrated confidence (and its choice if it chooses)."""
    article = _article_evidence(groups, s)
    out = {}
    shown = 1 + s.w.alternatives  # a ranker that does not choose scores only what is shown
    bests = [_top_indices(group, ranker.top if ranker.chooses else shown) for group in groups.values()]
    rows = [candidate_rows(_name_evidence(text, mentions, group), article, best)
            for group, best in zip(groups.values(), bests)]
    flat = iter(ranker.scores([row for group_rows in rows for row in group_rows]))  # every name's at once
    for group, best in zip(groups.values(), bests):
        scored = [(next(flat), group.places[i]) for i in best]  # best hand score first
        if ranker.chooses:
            scored.sort(key=lambda sp: -sp[0])
        group.choice, group.confidence = scored[0][1], ranker.confidence(scored[0][0])
        alternatives = tuple(Candidate(place=p, score=round(ranker.confidence(sc), 4))
                             for sc, p in scored[1 : 1 + s.w.alternatives])
        out[group.key] = Resolution(place=group.choice, confidence=round(group.confidence, 4), alternatives=alternatives)
    return out


def _build_groups(text: str, mentions: Sequence[Mention], index: PlaceIndex, limit: int,
                  s: _Scoring) -> tuple[dict[str, _Group], list[_Group | None]]:
    """The groups by lookup key, and each mention's group (None for names without candidates)."""
    groups: dict[str, _Group] = {}
    order: list[_Group | None] = []
    qualifier_cache: dict[str, tuple[Place, ...]] = {}
    retrieved: dict[str, tuple[str, list[Place]]] = {}

    def places_of(qualifier: str) -> tuple[Place, ...]:
        return _qualifier_places(index, qualifier, qualifier_cache, s.w)

    for i, mention in enumerate(mentions):
        if mention.name not in retrieved:
            retrieved[mention.name] = _candidates(index, mention.name, limit, s.w)
        key, places = retrieved[mention.name]
        if not places:
            order.append(None)
            continue
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(key=key, places=places)
            group.base = [prior(p, key, s.w) for p in places]
            _weigh_renown(group, s.w)
            _favour_seats(group, s.w)
            _favour_capitals(group, s.w)
            _shun_aliases(group, s)
        _note_mention(group, text, mentions, i, order, places_of)
        order.append(group)
    return groups, order


def _note_mention(group: _Group, text: str, mentions: Sequence[Mention], i: int,
                  order: list[_Group | None], places_of: Callable[[str], tuple[Place, ...]]) -> None:
    """Record mention i in its group: demonym, qualifier regions, state form, what it qualifies."""
    mention = mentions[i]
    group.indices.append(i)
    group.demonym = group.demonym or mention.kind == "demonym"
    qualifier = qualifier_after(text, mention.end)
    standing = _likeliest(group).feature_code in _rules().self_standing  # a country, state or capital
    if qualifier:
        group.regions |= _regions(places_of(qualifier))
        if _recognised_qualifier(text, mentions, i, qualifier) and not standing:
            group.written_in.extend(places_of(qualifier))
    else:
        listed = listed_qualifier(text, mentions, i)
        regions = _regions(places_of(listed)) if listed else set()
        if not standing and any(inside(p, regions) for p in group.places):
            group.regions |= regions  # "Vancouver and Victoria, British Columbia"; not "Hawaii and Guam, Louisiana"
    team = team_region(text, mention.name, mention.end)
    if team:
        group.regions.add(team)
    group.regions |= {(cc, None) for cc in institution_countries(text, mention.end)}
    group.definite = group.definite or definite_alone(text, mention.start, mention.end)
    group.dateline = group.dateline or mention.start in _dateline_starts(text)
    group.resident = group.resident or (mention.kind == "literal" and resident_before(text, mention.end))
    group.water = group.water or written_as_water(text, mention.start, mention.end, group.key)
    if mention.surface != mention.name and qualifier_abbreviations().get(mention.surface.rstrip(".")) == mention.name:
        group.state = True  # "Wash." is the state, never the capital
    group.state = group.state or written_as_state(text, mention.start, mention.end)  # "Washington state"
    if i > 0 and _COMMA_ONLY.fullmatch(text, mentions[i - 1].end, mention.start):
        group.qualifies.append(order[i - 1])  # "Wash." in "Camp Murray, Wash."


def _likeliest(group: _Group) -> Place:
    """The group's candidate with the highest base score so far (its prior, capitals favoured)."""
    return group.places[max(range(len(group.places)), key=group.base.__getitem__)]


def _recognised_qualifier(text: str, mentions: Sequence[Mention], i: int, qualifier: str) -> bool:
    """Whether the qualifier after mention i is the next mention, written after a comma, and not one item
    of a comma-separated list of names ("Guam, Alaska, Hawaii")."""
    if i + 1 >= len(mentions) or not _COMMA_ONLY.fullmatch(text, mentions[i].end, mentions[i + 1].start) \
            or not qualifier.startswith(mentions[i + 1].surface.rstrip(".")):
        return False
    return not (i + 2 < len(mentions) and _COMMA_ONLY.fullmatch(text, mentions[i + 1].end, mentions[i + 2].start))


def _candidates(index: PlaceIndex, name: str, limit: int, w: ResolveWeights) -> tuple[str, list[Place]]:
    """The first lookup key with places, and those places (towns dropped for generic-stripped keys); after a
    key with postal localities only, a generic-stripped key with places wins.

    Capitalised abbreviations add the places they stand for ("BC" -> British Columbia).
    """
    expansions = abbreviation_names(name)
    if expansions:
        places = _expanded_candidates(index, expansions, w)
        if places:
            key = name_key(expansions[0][0]) if len(expansions) == 1 else name_key(name)
            return key, places
    localities: tuple[str, list[Place]] | None = None
    for key, towns_ok in lookup_keys(name):
        places = key_candidates(index, key, limit)
        if not towns_ok:
            places = _generic_reading(places, name)
        if not places or localities is not None and towns_ok:
            continue
        if localities is None and all(p.source == POSTAL_SOURCE for p in places):
            localities = key, places  # "Mississippi State" is the state before the hamlet by its campus
            continue
        return key, places
    return localities or (name_key(name), [])


def _generic_reading(places: list[Place], name: str) -> list[Place]:
    """The places a name with its generic last word dropped may stand for: no town, and after a land
    form's word no second-level or smaller unit either ("Hampton Hills" is not the City of Hampton)."""
    local = _rules().local_units if name_key(name).rpartition(" ")[2] in landform_suffixes() else frozenset()
    return [p for p in places if p.feature_class != "P" and p.feature_code not in local]


def key_candidates(index: PlaceIndex, key: str, limit: int) -> list[Place]:
    """The places under a lookup key, then the towns, countries and islands of its full form ("mount
    pleasant" for "mt pleasant", "saint lucia" for "st lucia") not among them: the gazetteer indexes few
    short forms of their names (regions are not written so: ``short_forms`` in resolve_feature_codes.tsv)."""
    places = index.candidates(key, limit=limit)
    full = full_form(key)
    if full is None:
        return places
    found, codes = {p.place_id for p in places}, _rules().short_forms
    return places + [p for p in index.candidates(full, limit=limit)
                     if (p.feature_class == "P" or p.feature_code in codes) and p.place_id not in found]


def _expanded_candidates(index: PlaceIndex, expansions: tuple[Expansion, ...], w: ResolveWeights) -> list[Place]:
    """The places an abbreviation's full names stand for, in their countries."""
    places: list[Place] = []
    for full, cc in expansions:
        for place in index.candidates(full, limit=w.region_lookup_limit):
            if cc is not None and place.country_code != cc:
                continue
            if place.feature_class == "P" and name_key(place.name) != name_key(full):
                continue  # towns only under the full name itself, not as its namesakes' alias
            if place not in places:
                places.append(place)
    return places


def _qualifier_places(index: PlaceIndex, qualifier: str, cache: dict[str, tuple[Place, ...]],
                      w: ResolveWeights) -> tuple[Place, ...]:
    """The countries and first-level regions a qualifier like "Pa." / "Texas" / "Syria" names."""
    if qualifier not in cache:
        name = qualifier_abbreviations().get(qualifier.rstrip("."), qualifier)
        cache[qualifier] = tuple(p for p in index.candidates(name, limit=w.region_lookup_limit)
                                 if p.feature_code in ("PCLI", "ADM1") and p.country_code)
    return cache[qualifier]


def qualifier_regions(index: PlaceIndex, qualifier: str, weights: ResolveWeights = DEFAULT_WEIGHTS) -> Regions:
    """The (country, first-level region or None) regions a qualifier like "Mo." / "Texas" / "Syria" names."""
    return _regions(_qualifier_places(index, qualifier, {}, weights))


def _regions(places: Iterable[Place]) -> Regions:
    """(country, admin1) pairs of countries (admin1 None) and first-level regions."""
    return {(p.country_code, None) if p.feature_code == "PCLI" else (p.country_code, p.admin1 or p.name)
            for p in places if p.country_code}


def _written_evidence(group: _Group, s: _Scoring) -> None:
    """Add what the article writes about the name: demonym, qualifier, state form, what it qualifies,
    a state's name, a dateline, "the X" standing alone, a noun for its people after it, never "the X" nor
    a water word (no river nor lake)."""
    w, places = s.w, group.places
    if group.demonym:
        _add_where(group, w.demonym_bonus, lambda p: p.feature_code in s.rules.demonym_targets)
    if group.regions:
        group.base = [b + _qualifier_bonus(p, group.regions, w) for b, p in zip(group.base, places)]
    if group.state:
        _add_where(group, w.state_bonus, lambda p: p.feature_code == "ADM1" and p.country_code == "US")
    if group.qualifies:
        group.base = [b + _container_bonus(p, group.qualifies, w) for b, p in zip(group.base, places)]
    if group.key in _state_keys() and not group.regions:
        _add_where(group, w.state_name_town_penalty, lambda p: _small_town(p, w))
    if group.dateline:
        _add_where(group, w.dateline_region_penalty, lambda p: p.feature_class != "P")
    if group.definite:
        _add_where(group, w.definite_town_penalty, lambda p: p.feature_class == "P")
    if group.resident:
        _add_where(group, w.resident_country_penalty, lambda p: p.feature_code in s.rules.countries)
    if not group.water:
        _add_where(group, w.bare_water_penalty, lambda p: p.feature_code in s.rules.waters)


def _add_where(group: _Group, bonus: float, applies: Callable[[Place], bool]) -> None:
    """Add bonus to the base score of the group's candidates for which applies(place) holds."""
    group.base = [b + (bonus if applies(p) else 0.0) for b, p in zip(group.base, group.places)]


@lru_cache(maxsize=8)
def _dateline_starts(text: str) -> frozenset[int]:
    """Where the text's datelines start (geo.recognize.text), read once per text."""
    return frozenset(start for start, _end in dateline_spans(text))


@cache
def _state_keys() -> frozenset[str]:
    """The name keys of the US states ("florida")."""
    return frozenset(name_key(state.name) for state in us_states())


def _small_town(place: Place, w: ResolveWeights) -> bool:
    """A town, not a capital, of fewer than w.state_name_town_population people."""
    return (place.feature_class == "P" and place.feature_code != "PPLC"
            and place.population < w.state_name_town_population)


def _softmax_top(scores: list[float]) -> float:
    """Probability mass of the best score under a softmax."""
    best = max(scores)
    return 1.0 / sum(math.exp(s - best) for s in scores)


def _choose(group: _Group, extra: list[float]) -> None:
    """Set the group's choice and confidence from base plus extra scores."""
    totals = [b + e for b, e in zip(group.base, extra)]
    best = max(range(len(totals)), key=totals.__getitem__)
    group.choice = group.places[best]
    group.confidence = _softmax_top(totals)
    group.totals = totals


def _resolution(group: _Group, w: ResolveWeights) -> Resolution:
    """The group's choice, its confidence and its best runners-up with their softmax shares."""
    totals = group.totals
    best = max(totals)
    norm = sum(math.exp(t - best) for t in totals)
    ranked = sorted(zip(totals, group.places), key=lambda tp: -tp[0])
    alternatives = tuple(
        Candidate(place=p, score=round(math.exp(t - best) / norm, 4))
        for t, p in ranked[1 : 1 + w.alternatives]
    )
    return Resolution(place=group.choice, confidence=round(group.confidence, 4), alternatives=alternatives)


def _approximate_resolution(mention: Mention, hosts: _Hosts, s: _Scoring,
                            stray: Resolution | None = None, country: Place | None = None) -> Resolution:
    """For a name without candidates, or a stray choice (_strays): an approximate placement at its host
    town, or else nothing (the stray choice itself). A stray choice stays the first runner-up. A name
    that opens with a country's name (_named_country: "Vatican Gardens") is placed in that country
    when the host town is elsewhere."""
    host = _nearest_host(hosts, mention.start)
    if country is not None and (host is None or host.country_code != country.country_code):
        host = country
    if host is None:
        return stray or Resolution(place=None, confidence=0.0)
    confidence = s.w.approximate_confidence
    runners_up = () if stray is None or stray.place is None else (
        Candidate(place=stray.place, score=stray.confidence), *stray.alternatives)
    return Resolution(
        place=approximate_place(mention.name, host),
        confidence=confidence,
        alternatives=(Candidate(place=host, score=confidence), *runners_up[: s.w.alternatives - 1]),
    )


@dataclass(frozen=True)
class _Hosts:
    """The towns a name the gazetteer lacks may be placed at: confident choices of the article's
    main country, as (text position, mention index, place) sorted, and their positions."""

    starts: list[int]
    entries: list[tuple[int, int, Place]]


def _hosts(mentions: Sequence[Mention], order: list[_Group | None], outliers: frozenset[str], s: _Scoring) -> _Hosts:
    """The section's hosts, found once (not once per unknown name): in the article's main country,
    and there in its main first-level region (a namesake town elsewhere hosts nothing, nor a name that is
    no place: _foreign_outliers). A confident choice may host, and so may any choice in the region most
    mentions lie in: an unsure "Arlington" (Texas) still hosts its story's streets, not a New Jersey town
    named in passing."""
    countries: Counter[str] = Counter()
    admins: Counter[tuple[str | None, str | None]] = Counter()
    for group in order:
        if group is not None and group.choice is not None and group.choice.country_code:
            countries[group.choice.country_code] += 1
            admins[(group.choice.country_code, group.choice.admin1)] += 1
    lead = admins.most_common(1)[0][0] if admins else None
    eligible = [(j, group.choice) for j, group in enumerate(order)
                if group is not None and group.choice is not None and group.key not in outliers
                and (group.confidence >= s.w.host_min_confidence
                     or (group.choice.country_code, group.choice.admin1) == lead)
                and (group.choice.feature_class == "P" or group.choice.feature_code in s.rules.host_units)]
    top = max((countries[place.country_code or ""] for _j, place in eligible), default=0)
    entries = sorted((mentions[j].start, j, place) for j, place in eligible
                     if countries[place.country_code or ""] == top)
    main = max((admins[(place.country_code, place.admin1)] for _start, _j, place in entries), default=0)
    entries = [entry for entry in entries if admins[(entry[2].country_code, entry[2].admin1)] == main]
    return _Hosts([start for start, _j, _place in entries], entries)


def _strays(order: list[_Group | None], s: _Scoring) -> frozenset[str]:
    """Names chosen as a small town in another region of a local story's country, with no candidate in its region.

    In a story whose towns and units lie mostly in one first-level region, such a choice is likelier a local
    place the gazetteer lacks ("Logan" near Springfield, Missouri, chosen as Logan, Ohio): it is placed
    approximately at the story's host town instead (see _approximate_resolution).
    """
    w = s.w
    admins: Counter[tuple[str | None, str | None]] = Counter(
        (g.choice.country_code, g.choice.admin1) for g in order
        if g is not None and g.choice is not None and g.choice.admin1 and g.choice.feature_code not in s.rules.broad)
    total = sum(admins.values())
    if not admins:
        return frozenset()
    main, count = admins.most_common(1)[0]
    if count < w.stray_min_mentions or count < w.stray_min_share * total:
        return frozenset()
    return frozenset(
        g.key for g in order
        if g is not None and g.choice is not None and not g.regions and g.choice.feature_class == "P"
        and g.choice.population < w.stray_max_population
        and g.choice.country_code == main[0] and g.choice.admin1 != main[1]
        and not any((p.country_code, p.admin1) == main for p in g.places))


def _outside_qualifiers(order: list[_Group | None]) -> dict[str, Place]:
    """Names whose recognised qualifier names a region none of their candidates lies in ("Darlington,
    Pennsylvania" when the gazetteer knows only the English and Carolina towns), with that region's place
    (a first-level region before a country): they are placed approximately there rather than at a
    namesake elsewhere."""
    out: dict[str, Place] = {}
    for g in order:
        if g is None or not g.written_in or g.key in out:
            continue
        regions = _regions(g.written_in)
        if not any(inside(p, regions) for p in g.places):
            out[g.key] = min(g.written_in, key=lambda p: p.feature_code != "ADM1")
    return out


def _foreign_outliers(text: str, mentions: Sequence[Mention], order: list[_Group | None],
                      s: _Scoring) -> frozenset[str]:
    """Names that are no place: mostly read from the gazetteer alone (the model did not tag most of their
    mentions), never in a dateline, and chosen as a place in a country no other name of the story is in,
    while other names place it elsewhere ("Toyota" in Japan, "Kristina" as Ristiina, Finland, in a Texas
    story). Places known beyond their country are exempt (_known_abroad).
    """
    datelines = _dateline_starts(text)
    names: dict[str, set[str]] = defaultdict(set)  # country -> names chosen there
    mentioned: Counter[str] = Counter()  # country -> mentions of names chosen there
    for group in order:
        if group is not None and group.choice is not None and group.choice.country_code and not is_approximate(
                group.choice.place_id):
            names[group.choice.country_code].add(group.key)
            mentioned[group.choice.country_code] += 1
    total = sum(mentioned.values())
    return frozenset(
        g.key for g in order
        if g is not None and g.choice is not None and g.choice.country_code
        and names[g.choice.country_code] == {g.key}
        and total - mentioned[g.choice.country_code] >= s.w.outlier_min_others
        and not _known_abroad(g.choice, g.key, s) and _mostly_untagged(g, mentions, datelines))


def _known_abroad(place: Place, key: str, s: _Scoring) -> bool:
    """Whether the place chosen for name key is known beyond its country: a country, capital, continent,
    ocean or world region (renowned codes), or a town of millions named by its own name ("Istanbul")."""
    return place.feature_code in s.rules.renowned or (
        place.feature_class == "P" and place.population >= s.w.outlier_keep_population
        and own_name(place, key))


def _mostly_untagged(group: _Group, mentions: Sequence[Mention], datelines: frozenset[int]) -> bool:
    """Whether most of the group's mentions were read from the gazetteer alone (the model tagged no place
    there) and none opens a dateline."""
    found = [mentions[i] for i in group.indices]
    return (not any(m.start in datelines for m in found)
            and 2 * sum(m.source == "gazetteer" for m in found) > len(found))


def _named_country(index: PlaceIndex, name: str, s: _Scoring) -> Place | None:
    """The place of the country whose name opens a longer unknown name ("Vatican" of "Vatican Gardens"),
    when every entry of those words lies in that one country (not "Jordan", "Georgia", "Lebanon")."""
    words = name.split()
    for n in range(len(words) - 1, 0, -1):
        key = name_key(" ".join(words[:n]))
        places = index.candidates(key, limit=s.w.region_lookup_limit)
        if not places:
            continue
        countries = {p.country_code for p in places}
        if len(countries) == 1 and any(p.feature_code in s.rules.countries for p in places):
            return max(places, key=lambda p: prior(p, key, s.w))
        return None
    return None


def _nearest_host(hosts: _Hosts, start: int) -> Place | None:
    """The host nearest in the text to position start (the first mentioned of equally near ones)."""
    if not hosts.entries:
        return None
    at = bisect_left(hosts.starts, start)
    near = min(abs(hosts.starts[k] - start) for k in (at - 1, at) if 0 <= k < len(hosts.starts))
    tied = [entry for edge in {start - near, start + near}
            for entry in hosts.entries[bisect_left(hosts.starts, edge):bisect_right(hosts.starts, edge)]]
    return min(tied, key=lambda entry: entry[1])[2]


# --------------------------------------------------------------------------- per-name bonuses


def _qualifier_bonus(place: Place, regions: Regions, w: ResolveWeights) -> float:
    """Reward places inside a region named right after the mention; penalise the others."""
    if inside(place, regions):
        return w.qualifier_inside_bonus if place.feature_code not in ("PCLI", "ADM1") else w.qualifier_region_bonus
    return w.qualifier_outside_penalty


def inside(place: Place, regions: Regions) -> bool:
    """Whether the place lies in one of the (country, first-level region or None) regions."""
    return any(place.country_code == cc and (admin1 is None or place.admin1 == admin1) for cc, admin1 in regions)


def _shun_aliases(group: _Group, s: _Scoring) -> None:
    """Penalise the towns that carry the name only as an alternate name when a place whose own name it is
    is a city of note and more than alias_ratio times larger, or a national capital: "Durban" is the city
    of three million, not Durbanville, which the Cape Town beside it would favour; "Islamabad" beside
    Srinagar is Pakistan's capital, not Anantnag, whose old name it is. A capital known by the name only
    as an old one loses to any such city: "Philadelphia" is not Amman, "Salem" not Jerusalem. A country
    known by it only as an alternate name loses its rank over towns too, beside a city of note whose own
    name it is: "Salvador" is the city of 2.7 million, not El Salvador."""
    w, countries = s.w, s.rules.countries
    owners = [p for p in group.places if own_name(p, group.key)]
    own = max((p.population for p in owners), default=0)
    if own < w.alias_min_population:
        return
    capital = any(p.feature_code == "PPLC" for p in owners)
    city = any(p.feature_class == "P" and p.population >= w.alias_min_population for p in owners)
    _add_where(group, w.alias_penalty, lambda p: not own_name(p, group.key) and p.feature_class == "P" and (
        capital or p.feature_code == "PPLC" or p.population * w.alias_ratio < own))
    if city:  # nor does the country's name outranking towns (its code_bonus) hold for another place's own name
        group.base = [b + w.alias_penalty - w.code_bonus.get(p.feature_code or "", 0.0)
                      if p.feature_code in countries and not own_name(p, group.key) else b
                      for b, p in zip(group.base, group.places)]


def _weigh_renown(group: _Group, w: ResolveWeights) -> None:
    """Lower each town of known renown (Place.renown: how many alternate names GeoNames lists) by
    renown_weight per order of magnitude below the best-known town whose own name the name is (a town
    known by it only as an alternate name sets no bar: "Sakata" is the Japanese city, not Jakarta);
    places of unknown renown (units, physical features, postal localities) keep their prior."""
    known = [math.log10(1 + p.renown) if p.feature_class == "P" and p.renown is not None else None
             for p in group.places]
    owners = [r for r, p in zip(known, group.places) if r is not None and own_name(p, group.key)]
    top = max(owners or [r for r in known if r is not None], default=0.0)
    group.base = [b if r is None else b - w.renown_weight * max(0.0, top - r) for b, r in zip(group.base, known)]


def _favour_seats(group: _Group, w: ResolveWeights) -> None:
    """A town outranks a second- or third-level unit of its own name around it (within seat_unit_km, in its
    first-level region): "Salem" is the Tamil Nadu city, not its district; "Barcelona" the city, not the
    province. The unit keeps its place just below the town, against the other namesakes."""
    towns = [(p, b) for p, b in zip(group.places, group.base) if p.feature_class == "P" and own_name(p, group.key)]
    if not towns:
        return
    group.base = [_seat_capped(p, b, group.key, towns, w) for p, b in zip(group.places, group.base)]


def _seat_capped(unit: Place, base: float, key: str, towns: list[tuple[Place, float]], w: ResolveWeights) -> float:
    """The base of one candidate, capped below the best town of its name it holds if it is such a unit."""
    if unit.feature_code not in _rules().seat_units or not own_name(unit, key):
        return base
    held = [b for town, b in towns if (town.country_code, town.admin1) == (unit.country_code, unit.admin1)
            and great_circle_km(town.lat, town.lon, unit.lat, unit.lon) < w.seat_unit_km]
    return min(base, max(held) - w.seat_margin) if held else base


def _favour_capitals(group: _Group, w: ResolveWeights) -> None:
    """A national capital outranks a first-level region of its own name and country: on its
    own, "Washington" (like "Mexico City" or "Brussels") in the news is the capital. So does a
    city that holds a good share of the region named after it."""
    regions = {(p.country_code, p.admin1): p.population for p in group.places if p.feature_code == "ADM1"}
    if not regions:
        return
    adm1_ccs = {cc for cc, _ in regions}
    group.base = [b + _capital_bonus(p, group.key, regions, adm1_ccs, w) for b, p in zip(group.base, group.places)]


def _capital_bonus(p: Place, key: str, regions: dict[tuple[str | None, str | None], int],
                   adm1_ccs: set[str | None], w: ResolveWeights) -> float:
    """The _favour_capitals bonus of one candidate."""
    if p.feature_code == "PPLC" and p.country_code in adm1_ccs:
        return w.capital_over_region
    # A city that dominates the region named after it ("Istanbul", "Aleppo"), not a
    # provincial capital in a large province ("Quebec"), nor a village that is its own municipality
    # (the towns of Malta or Puerto Rico: "Fontana", of 900 people, is not the Californian city).
    held = regions.get((p.country_code, p.admin1))
    if (p.feature_class == "P" and held is not None and own_name(p, key)
            and held > w.adm1_least_population and p.population >= w.dominant_city_share * held):
        return w.capital_over_region + w.dominant_city_extra  # the region's population double-counts its towns
    return 0.0


def _container_bonus(place: Place, qualified: list[_Group | None], w: ResolveWeights) -> float:
    """For a mention written right after another one ("Camp Murray, Wash."): favour the country
    or first-level region that holds a meaning of the other name (any region if it has none)."""
    if place.feature_code not in ("PCLI", "ADM1") or not place.country_code:
        return 0.0
    for other in qualified:
        if other is None:
            return w.container_unknown_bonus
        for inner in other.places:
            if inner.country_code == place.country_code and inner is not place and (
                    place.feature_code == "PCLI" or (inner.admin1 and inner.admin1 == place.admin1)):
                return w.container_holds_bonus
    return 0.0


def _section(text: str, starts: Sequence[int], k: int) -> str:
    """The text of section k (1-based, as bisect_right over ``starts`` numbers them)."""
    return text[starts[k - 1]: starts[k] if k < len(starts) else len(text)]


def _section_of(text: str, mentions: Sequence[Mention]) -> str:
    """The text of the section the first mention lies in (the whole text when it has one section)."""
    starts = section_starts(text)
    if len(starts) == 1 or not mentions:
        return text
    return _section(text, starts, bisect_right(starts, mentions[0].start))


def _hint_context(groups: dict[str, _Group], hints: TextHints, s: _Scoring) -> None:
    """Raise towns and units in the countries the text hints at and near the admin units it names
    outside any mention (a mentioned unit's meaning is the resolver's own choice, not a hint)."""
    hints = TextHints(hints.cues, tuple(p for p in hints.units if name_key(p.name) not in groups), hints.regions)
    if not (hints.countries or hints.units):
        return
    units = NearestPoints((p.lat, p.lon, p.place_id) for p in hints.units)
    for group in groups.values():
        speaks = _hint_speaks_for(group, hints.countries, s.rules)
        cues, regions = (hints.cues, hints.regions) if speaks else ({}, frozenset())
        group.base = [b + _hint_bonus(p, cues, regions, units, s) for b, p in zip(group.base, group.places)]


def _home_context(groups: dict[str, _Group], home: HomeArea, s: _Scoring) -> None:
    """Raise towns and units in the first-level regions the source's other articles name, and in the
    country its host's top-level domain names (geo.home); the same for the story's setting (geo.setting)."""
    for group in groups.values():
        group.base = [b + _home_bonus(p, home, s) for b, p in zip(group.base, group.places)]


def _home_bonus(place: Place, home: HomeArea, s: _Scoring) -> float:
    """The _home_context bonus of one candidate (none for wide areas: a country, a region, a sea)."""
    if not _local(place, s.rules):
        return 0.0
    bonus = s.w.home_region_bonus * home.share(place.country_code, place.admin1)
    return bonus + (s.w.home_country_bonus if home.at_home(place.country_code) else 0.0)


def _dateline_context(groups: dict[str, _Group], s: _Scoring) -> None:
    """Raise towns and units in the first-level region of the story's dateline town ("HELENA, Mont. —":
    a "Shelby" in the story is Shelby, Montana), as chosen from the name's own evidence."""
    regions = {(g.choice.country_code, g.choice.admin1) for g in groups.values()
               if g.dateline and g.choice is not None and g.choice.feature_class == "P" and g.choice.admin1}
    if not regions:
        return
    for group in groups.values():
        if not group.dateline:
            _add_where(group, s.w.dateline_region_bonus,
                       lambda p: _local(p, s.rules) and (p.country_code, p.admin1) in regions)


def _hint_speaks_for(group: _Group, countries: frozenset[str], rules: _Rules) -> bool:
    """Whether the country hint speaks for the group: no demonym (a "Roman" church is not in Rome, New
    York), its best candidate so far is a town or unit (never against a country: "Jordan"), a
    candidate lies in a hinted country and none in a region written right after the name (a firm "of
    Toronto, Ontario, Canada" in an Ohio story). It raises them against a
    namesake abroad ("Alexandria", Egypt) and holds one already there against the pull of the other names'
    namesakes ("Oxford" in a story counting in pounds beside an "Isuzu Denver")."""
    best = group.places[max(range(len(group.base)), key=group.base.__getitem__)]
    return (not group.demonym and best.feature_code not in rules.areal
            and any(p.country_code in countries for p in group.places)
            and not any(inside(p, group.regions) for p in group.places))


def _hint_bonus(place: Place, cues: Mapping[str, int], regions: frozenset[Region], units: NearestPoints,
                s: _Scoring) -> float:
    """The _hint_context bonus of one candidate (none for wide areas: a country, a region, a sea): more for
    each further distinct cue of its country, up to a cap."""
    if not _local(place, s.rules):
        return 0.0
    bonus = 0.0
    count = cues.get(place.country_code or "", 0)
    if count:
        bonus = s.w.hint_country_bonus + s.w.hint_cue_bonus * min(count - 1, s.w.hint_cue_cap)
    if (place.country_code, place.admin1) in regions:
        bonus += s.w.hint_region_bonus
    d = units.nearest_km(place.lat, place.lon, skip=place.place_id)
    if d is not None:
        bonus += s.w.hint_near_bonus * math.exp(-d / s.w.hint_near_km)
    return bonus


# --------------------------------------------------------------------------- spatial context


def _cell(place: Place, w: ResolveWeights) -> tuple[int, int]:
    """The coarse grid cell of a place."""
    size = w.support_cell_degrees
    return int(math.floor(place.lat / size)), int(math.floor(place.lon / size))


def _takes_context(place: Place, rules: _Rules) -> bool:
    """Whether spatial and country context applies: towns and units, and local physical features
    (a river, lake, peak, park: a physical feature with a meaningful point, not a wide area)."""
    return place.feature_class in ("P", "A") or (
        place.feature_class in rules.physical_classes and place.feature_code not in rules.broad)


def _local(place: Place, rules: _Rules) -> bool:
    """Whether local evidence (hints, the source's home area) may raise a candidate: a place that
    takes context and is no wide area (a country, a region, a sea)."""
    return _takes_context(place, rules) and place.feature_code not in rules.areal


def _keep_max(table: dict[str, float], key: str, value: float) -> None:
    """table[key] = max(table[key], value)."""
    if value > table.get(key, 0.0):
        table[key] = value


@dataclass
class _SupportTables:
    """Who lends support where: group key -> best weight, per country, region and grid cell."""

    cells: dict[tuple[int, int], list[tuple[str, Place, float]]] = field(default_factory=lambda: defaultdict(list))
    countries: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))  # PCLI there
    admins: dict[tuple[str, str], dict[str, float]] = field(default_factory=lambda: defaultdict(dict))  # ADM1
    inside_cc: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))  # place in cc
    inside_adm: dict[tuple[str, str], dict[str, float]] = field(default_factory=lambda: defaultdict(dict))
    hoods: dict[tuple[int, int, int], _Neighbourhood | None] = field(default_factory=dict)  # built once each

    def neighbourhood(self, cell: tuple[int, int], reach: int, s: _Scoring) -> _Neighbourhood | None:
        """The lenders around ``cell`` (built on first use, once every candidate has lent)."""
        at = (*cell, reach)
        if at not in self.hoods:
            self.hoods[at] = _neighbourhood(self.cells, cell, reach, s)
        return self.hoods[at]


def _add_support(groups: dict[str, _Group], s: _Scoring) -> None:
    """Raise candidates that other names' plausible candidates lie near or inside (or contain)."""
    if len(groups) < 2:
        return
    w = s.w
    tables = _SupportTables()
    compounds = direction_compounds(groups)
    for key, group in groups.items():
        if key in compounds:
            continue
        for place, weight in _lenders(group, w):
            _lend(tables, key, place, weight, s)
    for key, group in groups.items():
        extra = []
        for place in group.places:
            support = _place_support(key, place, tables, s)
            support.pop(key, None)
            extra.append(w.support_scale * min(w.support_cap, sum(support.values())))
        group.base = [b + e for b, e in zip(group.base, extra)]


def direction_compounds(keys: Iterable[str]) -> frozenset[str]:
    """The name keys that are another of the keys after a direction word ("north arlington" beside
    "arlington"): a part of that place, or a namesake's part, so their places lend no support and anchor no
    nearness (a New Jersey town called North Arlington says nothing of which Arlington a story means)."""
    known, directions = set(keys), recognition_rules().directions
    return frozenset(key for key in known
                     if (parts := key.split(" ", 1))[0] in directions and len(parts) == 2 and parts[1] in known)


def _lenders(group: _Group, w: ResolveWeights) -> list[tuple[Place, float]]:
    """The group's best candidates, each with the weight of the support it lends (at most 1)."""
    best = max(group.base)
    ranked = sorted(zip(group.places, group.base), key=lambda pb: -pb[1])[: w.support_top]
    return [(p, min(1.0, math.exp(-(best - b - w.support_margin) / w.support_decay))) for p, b in ranked]


def _lend(tables: _SupportTables, key: str, place: Place, weight: float, s: _Scoring) -> None:
    """Enter one lending candidate in the tables of its country, region and grid cell."""
    cc = place.country_code
    if place.feature_code == "PCLI" and cc:
        _keep_max(tables.countries[cc], key, weight)
        return
    if place.feature_code == "ADM1" and cc and place.admin1:
        _keep_max(tables.admins[(cc, place.admin1)], key, weight)
    elif cc and _takes_context(place, s.rules):
        _keep_max(tables.inside_cc[cc], key, weight)
        if place.admin1:
            _keep_max(tables.inside_adm[(cc, place.admin1)], key, weight)
    if place.feature_code not in s.rules.areal:
        tables.cells[_cell(place, s.w)].append((key, place, weight))


def _place_support(key: str, place: Place, tables: _SupportTables, s: _Scoring) -> dict[str, float]:
    """Other group -> the support it lends this candidate (containment first, then nearness)."""
    support: dict[str, float] = {}
    _containment_support(support, place, tables, s.w)
    if place.feature_code not in s.rules.areal:
        _nearby_support(support, key, place, tables, s)
    return support


def _containment_support(support: dict[str, float], place: Place, tables: _SupportTables,
                         w: ResolveWeights) -> None:
    """Support from candidates inside this country or region, or holding this place."""
    cc = place.country_code
    if cc and place.feature_code == "PCLI":
        for other, v in tables.inside_cc[cc].items():
            _keep_max(support, other, w.support_country_of_place * v)
    elif cc:
        for other, v in tables.countries[cc].items():
            _keep_max(support, other, w.support_place_in_country * v)
        if place.admin1 and place.feature_code != "ADM1":
            for other, v in tables.admins[(cc, place.admin1)].items():
                _keep_max(support, other, w.support_place_in_admin * v)
        if place.feature_code == "ADM1" and place.admin1:
            for other, v in tables.inside_adm[(cc, place.admin1)].items():
                _keep_max(support, other, w.support_admin_of_place * v)


def _nearby_support(support: dict[str, float], key: str, place: Place, tables: _SupportTables,
                    s: _Scoring) -> None:
    """Support from other names' candidates in the surrounding grid cells, falling with distance."""
    w = s.w
    here = place.feature_code in s.rules.linear  # a river's point: others within linear_slack_km count as on it
    hood = tables.neighbourhood(_cell(place, w), w.support_linear_reach if here else 1, s)
    if hood is None:
        return
    km = km_from(place.lat, place.lon, hood.vectors)
    if here:
        km -= w.linear_slack_km
    else:
        km -= hood.slack
    value = hood.weights * numpy.exp(-numpy.maximum(km - w.support_near_km, 0.0) / w.support_near_decay_km)
    own = hood.index.get(key)
    if own is not None:
        value[hood.lenders == own] = 0.0
    best = numpy.zeros(len(hood.keys))
    numpy.maximum.at(best, hood.lenders, value)
    for k in numpy.flatnonzero(best).tolist():
        _keep_max(support, hood.keys[k], float(best[k]))


@dataclass(frozen=True)
class _Neighbourhood:
    """The lending candidates of a block of grid cells, as arrays for one distance computation each."""

    keys: list[str]  # the lending groups, each once
    index: dict[str, int]  # group key -> its position in keys
    lenders: numpy.ndarray  # per candidate: its group's position in keys
    vectors: numpy.ndarray  # per candidate: unit vector (geomath.unit_vectors)
    weights: numpy.ndarray  # per candidate: the support it lends
    slack: numpy.ndarray  # per candidate: km within which it counts as touching (linear features)


def _neighbourhood(cells: dict[tuple[int, int], list[tuple[str, Place, float]]], cell: tuple[int, int],
                   reach: int, s: _Scoring) -> _Neighbourhood | None:
    """The lenders in the cells within ``reach`` of ``cell``, or None when there are none."""
    ci, cj = cell
    entries = [e for di in range(-reach, reach + 1) for dj in range(-reach, reach + 1)
               for e in cells.get((ci + di, cj + dj), ())]
    if not entries:
        return None
    index: dict[str, int] = {}
    for k, _, _ in entries:
        index.setdefault(k, len(index))
    linear, slack_km = s.rules.linear, s.w.linear_slack_km
    return _Neighbourhood(
        keys=list(index), index=index,
        lenders=numpy.fromiter((index[k] for k, _, _ in entries), dtype=numpy.intp, count=len(entries)),
        vectors=unit_vectors([(p.lat, p.lon) for _, p, _ in entries]),
        weights=numpy.fromiter((v for _, _, v in entries), dtype=float, count=len(entries)),
        slack=numpy.fromiter((slack_km if p.feature_code in linear else 0.0 for _, p, _ in entries),
                             dtype=float, count=len(entries)),
    )


# --------------------------------------------------------------------------- article context


@dataclass(frozen=True)
class _Article:
    """The other names' current choices, weighted by their mention counts."""

    total: int
    countries: Counter[str]
    admins: Counter[tuple[str, str]]
    has_anchors: bool  # some choices are confident and not too wide: anchors for nearness
    points: NearestPoints  # the anchors that are points, labelled by group key
    lines: NearestPoints  # the anchors that are rivers or canals (s.rules.linear)
    town_sizes: list[float]  # log10 populations of the chosen towns of known population, sorted (_scale_of)
    anchor_ids: frozenset[tuple[str, str]]  # the anchors as (group key, place id): what nearness depends on


# The nearness bonuses of one group's candidates under one set of anchors (rounds that keep the anchors reuse them)
_NearnessMemo = dict[tuple[frozenset[tuple[str, str]], str], list[float]]


def _article_context(groups: dict[str, _Group], s: _Scoring) -> _Article:
    """Tally the current choices by country and region, and pick the anchors for nearness."""
    chosen = [(g.key, g.choice, g.confidence, len(g.indices)) for g in groups.values() if g.choice]
    countries: Counter[str] = Counter()
    admins: Counter[tuple[str, str]] = Counter()
    for _key, place, _conf, weight in chosen:
        if place.country_code:
            countries[place.country_code] += weight
        if place.country_code and place.admin1:
            admins[(place.country_code, place.admin1)] += weight
    compounds = direction_compounds(groups)
    anchors = [(key, place) for key, place, conf, _weight in chosen
               if conf >= s.w.anchor_min_confidence and place.feature_code not in s.rules.not_anchors
               and key not in compounds]
    lines = [(p.lat, p.lon, key) for key, p in anchors if p.feature_code in s.rules.linear]
    points = [(p.lat, p.lon, key) for key, p in anchors if p.feature_code not in s.rules.linear]
    return _Article(sum(w for *_, w in chosen) or 1, countries, admins, bool(anchors),
                    NearestPoints(points), NearestPoints(lines),
                    sorted(_town_size(place) for _key, place, _conf, _weight in chosen if _town_size(place)),
                    frozenset((key, place.place_id) for key, place in anchors))


def _rescore(groups: dict[str, _Group], s: _Scoring, nearness: _NearnessMemo) -> None:
    """Re-choose every group with article context taken from the other groups' current choices."""
    article = _article_context(groups, s)
    for group in groups.values():
        scale = _scale_penalties(group, article, s)
        near = nearness.get((article.anchor_ids, group.key))
        if near is None:
            near = nearness[(article.anchor_ids, group.key)] = [
                _nearness_bonus(place, group, article, s) for place in group.places]
        _choose(group, [
            _country_bonus(place, group, article, s.w) + _admin_bonus(place, group, article, s.w) + close + penalty
            for place, penalty, close in zip(group.places, scale, near)
        ])


def _town_size(place: Place) -> float:
    """log10 population of a town of known population, else 0 (not a town, or unknown)."""
    return math.log10(place.population + 1) if place.feature_class == "P" and place.population > 0 else 0.0


def _scale_of(article: _Article, group: _Group) -> float | None:
    """The median town size of the other names' choices (at least two of them), the group's own left out."""
    sizes = article.town_sizes
    own = _town_size(group.choice) if group.choice is not None else 0.0
    skip = bisect_left(sizes, own) if own else len(sizes)
    n = len(sizes) - (skip < len(sizes))
    if n < 2:
        return None

    def at(k: int) -> float:
        return sizes[k if k < skip else k + 1]

    return at(n // 2) if n % 2 else (at(n // 2 - 1) + at(n // 2)) / 2


def _scale_penalties(group: _Group, article: _Article, s: _Scoring) -> list[float]:
    """Penalties for the group's towns far smaller than the towns the story names ("Memphis" beside St.
    Louis and Kansas City is the city of 600,000, not the Missouri village of 1,800 that their region's
    context favours; "Frankfurt" beside New York, London and Tokyo is not Frankfort, N.Y.), when the group
    has a candidate of the story's scale. The penalty grows with each order of magnitude below it; a town
    of unknown population (0) is not judged.

    The scale is the median log10 population of the other names' chosen towns (_scale_of).
    """
    scale = _scale_of(article, group)
    if scale is None:
        return [0.0] * len(group.places)
    sizes = [math.log10(p.population + 1) for p in group.places]
    if not any(size >= scale - s.w.scale_gap for size in sizes):
        return [0.0] * len(group.places)
    return [s.w.scale_penalty * (1.0 + scale - s.w.scale_gap - size)
            if p.feature_class == "P" and p.population > 0 and size < scale - s.w.scale_gap else 0.0
            for p, size in zip(group.places, sizes)]


def _country_bonus(place: Place, group: _Group, article: _Article, w: ResolveWeights) -> float:
    """More the more of the other mentions chose a place in this place's country."""
    cc = place.country_code
    if not cc:
        return 0.0
    own = len(group.indices)
    same = article.countries[cc] - (own if group.choice and group.choice.country_code == cc else 0)
    others = article.total - own
    if same > 0 and others > 0:
        return w.country_bonus + w.country_share * same / others
    return 0.0


def _admin_bonus(place: Place, group: _Group, article: _Article, w: ResolveWeights) -> float:
    """More the more of the other mentions chose a place in this place's first-level region."""
    cc = place.country_code
    if not (cc and place.admin1 and place.feature_code != "ADM1"):
        return 0.0
    own = len(group.indices)
    mine = group.choice and (group.choice.country_code, group.choice.admin1) == (cc, place.admin1)
    same_admin = article.admins[(cc, place.admin1)] - (own if mine else 0)
    if same_admin > 0:
        return w.admin_bonus + w.admin_share * min(w.admin_share_cap, same_admin / max(1, article.total - own))
    return 0.0


def _nearness_bonus(place: Place, group: _Group, article: _Article, s: _Scoring) -> float:
    """More the nearer this place lies to another name's confident choice."""
    if not (article.has_anchors and _takes_context(place, s.rules)):
        return 0.0
    slack_km = s.w.linear_slack_km
    here = place.feature_code in s.rules.linear  # a river's point: anchors within slack_km count as on it
    nearest: float | None = None
    for anchors, slack in ((article.points, slack_km if here else 0.0), (article.lines, slack_km)):
        d = anchors.nearest_km(place.lat, place.lon, skip=group.key)
        if d is not None and (nearest is None or d - slack < nearest):
            nearest = max(0.0, d - slack)
    if nearest is None:
        return 0.0
    return s.w.nearness_bonus * math.exp(-nearest / s.w.nearness_km)
