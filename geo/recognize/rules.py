"""The recogniser's word lists, feature-code groups and population thresholds, read once from geo/data/lexicon/."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Mapping

from geo import lexicon
from geo.names import name_key
from geo.types import NameInfo

__all__ = ["Rules", "rules"]

# Lists compared as written (or in lower case), and lists compared by name key (geo.names.name_key).
_WORD_LISTS = ("connectors", "locatives", "geo_nouns", "titles", "admin_prefixes", "speech_verbs", "geo_heads",
               "directions", "always_abbreviations", "motion_verbs", "motion_particles", "era_words", "street_words",
               "resident_nouns")
_KEY_LISTS = ("not_places", "word_towns", "commercial_words", "owner_words")


@dataclass(frozen=True)
class Rules:
    """Every word list and threshold recognition consults; each file's header says what it is for."""

    connectors: frozenset[str]
    locatives: frozenset[str]
    geo_nouns: frozenset[str]
    not_places: frozenset[str]  # name keys, with the seats of power and not_place_names.tsv
    word_towns: frozenset[str]  # name keys: "Reading", "Nice": places only where the text locates them
    commercial_words: frozenset[str]  # name keys
    owner_words: frozenset[str]  # name keys
    titles: frozenset[str]
    admin_prefixes: frozenset[str]
    speech_verbs: frozenset[str]
    geo_heads: frozenset[str]
    directions: frozenset[str]
    always_abbreviations: frozenset[str]
    resident_nouns: frozenset[str]  # lower case: "man", "residents": a known name before one is a hometown
    street_words: frozenset[str]  # lower case: "street", "stadium", "canal": a name holding one names a facility
    road_words: frozenset[str]  # lower case: "street", "st": a name right before one names the road (roads)
    road_abbreviations: frozenset[str]  # lower case, no period: "st", "ave": road words written with a period
    era_words: frozenset[str]  # "BC" and "century": such an abbreviation after a number or one is an era
    motion_verbs: frozenset[str]  # lemmas: "to" after one is a locative ("drove to Castlegar")
    motion_particles: frozenset[str]  # "on", "back": between a motion verb and "to" ("heading on to Sherman")
    facility_words: frozenset[str]  # name keys: "X Center", "X Academy" name an institution
    institution_ends: frozenset[str]  # "Courthouse", "Airport": a place entity ending so names an institution
    institution_between: frozenset[str]  # words between the place and that end ("International", "City")
    plural_geo_nouns: Mapping[str, str]  # "counties" -> "County": names listed before one are places of that kind
    typed_plural_nouns: frozenset[str]  # "counties": the listed names' typed form outranks the model's bare span
    prominent_codes: frozenset[str]
    major_codes: frozenset[str]
    significant_codes: frozenset[str]
    minor_settlement_codes: frozenset[str]
    the_feature_codes: frozenset[str]
    qualifying_codes: frozenset[str]
    significant_population: int
    prominent_population: int
    major_population: int

    def prominent(self, info: NameInfo) -> bool:
        """A country, first-level region, continent, capital or a place of 100,000 people or more."""
        return bool(info.feature_codes & self.prominent_codes) or info.max_population >= self.prominent_population

    def major(self, info: NameInfo) -> bool:
        """A country, first-level region or capital, or a place of a million people or more."""
        return bool(info.feature_codes & self.major_codes) or info.max_population >= self.major_population

    def significant(self, info: NameInfo | None) -> bool:
        """Whether a gazetteer name is notable enough to be trusted without the model's agreement."""
        if info is None:
            return False
        codes = info.feature_codes
        if codes & self.significant_codes:
            return True
        return info.max_population >= self.significant_population or bool(codes - self.minor_settlement_codes)

    def qualifying(self, info: NameInfo | None) -> bool:
        """Whether a gazetteer name may qualify a town written before it: a country or a region."""
        return info is not None and bool(info.feature_codes & self.qualifying_codes)

    def the_feature(self, info: NameInfo) -> bool:
        """Whether the gazetteer knows the name as a river, sea, range or region (written "the X")."""
        return bool(info.feature_codes & self.the_feature_codes)


@cache
def rules() -> Rules:
    """The rules, read from the lexicon files on first use (each list's file is named like its field)."""
    codes = {f"{row[0]}_codes": frozenset(row[1].split()) for row in lexicon.table("feature_codes")}
    people = {f"{row[0]}_population": int(row[1]) for row in lexicon.table("populations")}
    lists = {name: lexicon.keys(name) for name in _KEY_LISTS}
    roads = lexicon.words("road_words")
    lists["not_places"] |= frozenset(name_key(row[0]) for table in ("institution_seats", "not_place_names")
                                     for row in lexicon.table(table))
    return Rules(
        **{name: lexicon.words(name) for name in _WORD_LISTS},
        **lists,
        road_words=frozenset(w.lower().rstrip(".") for w in roads),
        road_abbreviations=frozenset(w.lower().rstrip(".") for w in roads if w.endswith(".")),
        **codes,
        **people,
        facility_words=_cue_words("facility"),
        plural_geo_nouns={row[0]: row[1] for row in lexicon.table("plural_geo_nouns")},
        typed_plural_nouns=frozenset(row[0] for row in lexicon.table("plural_geo_nouns") if row[2:] == ("typed",)),
        **{f"institution_{row[0]}": frozenset(row[1].split()) for row in lexicon.table("institution_tails")},
    )


def _cue_words(kind: str) -> frozenset[str]:
    """The name keys of the words written after a name that make it a kind of not-a-place (not_place_cues.tsv)."""
    return next(frozenset(name_key(w) for w in row[2].split())
                for row in lexicon.table("not_place_cues") if row[:2] == (kind, "after"))
