"""The resolver's scoring weights and thresholds, in one frozen, documented value (geo.resolve reads it)."""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

__all__ = ["DEFAULT_WEIGHTS", "ResolveWeights"]


def _default_code_bonus() -> Mapping[str, float]:
    """Prior bonus per GeoNames feature code (see ResolveWeights.code_bonus)."""
    return MappingProxyType({
        "CONT": 9.0, "OCN": 8.0, "PCLI": 4.5, "PCLH": 4.5, "TERR": 5.0, "RGN": 6.5, "SEA": 6.5, "GULF": 5.0,
        "ADM1": 2.3, "PPLC": 2.5, "ADM2": -0.3, "PPL": 0.0,
    })


@dataclass(frozen=True)
class ResolveWeights:
    """Every number the resolver scores with; scores are log-odds-like and add up per candidate.

    ``resolve(..., weights=...)`` takes another instance (a tuning script, a learned ranker);
    ``DEFAULT_WEIGHTS`` gives the published evaluation figures.
    """

    # --- prior(): how plausible a place is for a name, before any context -------------------
    population_log: float = 0.9
    """Times log10(population + 1) of the place (prior)."""
    code_bonus: Mapping[str, float] = field(default_factory=_default_code_bonus)
    """Added per feature code: continents, oceans and countries outrank towns (prior)."""
    adm1_least_population: float = 30_000.0
    """A first-level unit of this many people or fewer takes none of the ADM1 code_bonus (prior: the
    gazetteer counts a unit's people as those of its towns), nor does its dominant town take the capital
    bonus (_favour_capitals: in Malta or Puerto Rico every village is its own first-level unit)."""
    adm1_full_population: float = 1_000_000.0
    """A first-level unit of this many people or more takes all of the ADM1 code_bonus (prior)."""
    ne_default_rank: int = 10
    """Natural Earth scale rank assumed when the source gives none (prior)."""
    ne_rank_base: float = 6.5
    """Natural Earth feature bonus at rank 0, falling by ne_rank_step per rank (prior)."""
    ne_rank_step: float = 0.5
    """Bonus lost per Natural Earth scale rank (prior)."""
    ne_min_bonus: float = 1.0
    """Least bonus of any Natural Earth feature (prior)."""
    ne_code_bonus_max_rank: int = 3
    """Natural Earth features up to this rank may take their code_bonus instead (prior)."""
    curated_bonus: float = 3.0
    """Added to places of the hand-curated extra list (prior)."""
    exact_name_bonus: float = 1.5
    """Added when the place's own name, not an alternate name, has the mention's key (prior)."""
    alias_penalty: float = -3.0
    """Added to a town that has the name only as an alternate name when a place whose own name it is has at
    least alias_min_population people and alias_ratio times the town's (_shun_aliases): "Durban" beside Cape
    Town is not Durbanville. No development figure moves (ranker noise aside); raising exact_name_bonus
    instead, for every alternate name, cost both corpora (2.5: GWN acc161 .9580 -> .9554, LGL .9216 -> .9186);
    a ratio of 3 cost GWN (.9563). Any ratio when the name's own bearer is a national capital ("Islamabad" is
    not Anantnag): LGL with source home areas acc161 .9600 -> .9610, nothing lost."""
    alias_min_population: int = 100_000
    """See alias_penalty."""
    alias_ratio: float = 10.0
    """See alias_penalty."""
    seat_unit_km: float = 50.0
    """A town this near a second- or third-level unit of its name in its region outranks it (_favour_seats).
    50 and 150 gave the same development figures (GWN Barcelona and Saskatoon, as their cities, nearer)."""
    seat_margin: float = 0.1
    """How far below such a town the unit's base is capped."""
    renown_weight: float = 0.5
    """Taken per order of magnitude by which a town's GeoNames alternate names (its names in other languages:
    how widely it is known) fall short of the best-known town of the name (_weigh_renown): "Springfield" with
    no cue is the Massachusetts or Illinois city, not the one of a few names; "Granada" is Spain's. Chosen
    fold by fold from 0-1 (four folds 0.5, one 0.4): LGL acc161 .9421 -> .9471, > 1,000 km .0160 -> .0140;
    GWN unchanged. At 1 it costs LGL (.9416, .0200): renown is no population."""

    # --- per-name evidence written in the article ----------------------------------------------
    capital_over_region: float = 1.5
    """A national capital over a first-level region of its name and country (_favour_capitals)."""
    dominant_city_share: float = 0.25
    """Share of its region's population from which a city of the region's name outranks it."""
    dominant_city_extra: float = 1.0
    """Added to capital_over_region for such a city: the region's population counts its towns."""
    demonym_bonus: float = 3.0
    """Countries, continents and regions for names written as demonyms ("Syrian")."""
    qualifier_inside_bonus: float = 6.0
    """A place inside the region named right after it ("Lebanon, Pa.") (_qualifier_bonus)."""
    qualifier_region_bonus: float = 2.0
    """A country or first-level region inside that region (_qualifier_bonus)."""
    qualifier_outside_penalty: float = -2.0
    """Any place outside every region named after it (_qualifier_bonus)."""
    definite_town_penalty: float = -3.0
    """Towns for a name written "the X" standing alone ("in the Middle East."): a region or sea, not
    the town of its name (_written_evidence)."""
    dateline_region_penalty: float = -6.0
    """Anything but a town for a name opening a dateline ("NEW YORK (AP) —" is the city, not the state)."""
    resident_country_penalty: float = -8.0
    """Countries for a name written before a noun for its people ("a Lebanon woman", "the Jordan resident"):
    a country's people go by its demonym, so the name is a town's (_written_evidence). In both corpora every
    gold name so written is a town, county or state, never a country. -4, -6, -8, -12 score alike (LGL > 1,000 km
    .0375 -> .0370); -8 outweighs the prior of a country of 10 million over a town of 6,000 ("Jordan")."""
    bare_water_penalty: float = -3.0
    """A river or lake for a name never written as one ("the X", "X River", "Lake X"): "A Columbia woman". In
    LGL every gold river is written so. -1.5, -3 and -6 score alike (LGL > 1,000 km .0330 -> .0325, GWN F1
    .8760 -> .8763): a plateau."""
    dateline_region_bonus: float = 2.0
    """Towns and units in the first-level region of the story's dateline town (_dateline_context). 2 and 4
    give the same figures on both corpora (GWN: "Shelby" in a "HELENA, Mont." story; LGL has few such datelines)."""
    state_name_town_penalty: float = -6.0
    """A small town named like a US state ("Florida", New York), unless a qualifier names its region:
    in both benchmarks a state's name means the state, the capital or another country, never such a town."""
    state_name_town_population: int = 100_000
    """Towns of at least this many people are no "small town" for state_name_town_penalty (New York City)."""
    region_lookup_limit: int = 10
    """Candidates read for a qualifier or an abbreviation's full name."""
    state_bonus: float = 4.0
    """A US state for a name written as a state abbreviation ("Wash.") or as a state ("Washington state", "the
    state of Washington": written_as_state)."""
    container_holds_bonus: float = 3.0
    """A country/region holding a meaning of the name written just before it ("Camp Murray, Wash.")."""
    container_unknown_bonus: float = 1.5
    """A country/region after a name the gazetteer lacks (_container_bonus)."""

    # --- _add_support(): other names' candidates lying near, inside or around -----------------
    support_top: int = 12
    """Best candidates of each name that lend support."""
    support_margin: float = 1.5
    """Candidates within this much of their name's best score lend full weight."""
    support_decay: float = 1.5
    """Below that, a candidate's weight falls by e per this much score."""
    support_cell_degrees: float = 2.0
    """Grid cell size, in degrees, for finding nearby candidates."""
    support_country_of_place: float = 0.5
    """A country supported by a name's candidate inside it (times that weight)."""
    support_place_in_country: float = 0.7
    """A place supported by a name's candidate country holding it."""
    support_place_in_admin: float = 1.0
    """A place supported by a name's candidate first-level region holding it."""
    support_admin_of_place: float = 0.8
    """A first-level region supported by a name's candidate inside it."""
    support_near_km: float = 60.0
    """Candidates nearer than this support each other fully."""
    support_near_decay_km: float = 150.0
    """Beyond support_near_km, nearness support falls by e per this many km."""
    support_linear_reach: int = 2
    """Grid cells searched around a river or canal (others: one)."""
    support_cap: float = 3.0
    """Most total support one candidate takes."""
    support_scale: float = 1.5
    """Times the capped support, added to the candidate's score."""
    linear_slack_km: float = 150.0
    """Distance subtracted when either point is a river's or canal's (_slack_km)."""

    # --- _rescore(): the other names' current choices as article context -----------------------
    rescore_rounds: int = 3
    """Times every name is re-chosen with the others' choices as context."""
    country_bonus: float = 1.0
    """A place in a country other names were resolved into."""
    country_share: float = 2.5
    """Plus this times the share of the other mentions in that country."""
    admin_bonus: float = 0.8
    """A place in a first-level region other names were resolved into."""
    admin_share: float = 1.5
    """Plus this times the (capped) share of the other mentions in that region."""
    admin_share_cap: float = 1.0
    """Cap of that share."""
    anchor_min_confidence: float = 0.5
    """Choices at least this confident are anchors for nearness."""
    nearness_bonus: float = 2.0
    """A place at an anchor's point; falls by e per nearness_km."""
    nearness_km: float = 250.0
    """Distance scale of the nearness bonus."""

    # --- _hint_context(): evidence in the text that is no place mention (geo.hints) ---------------
    hint_country_bonus: float = 2.0
    """A town in a country the text's admin units, addresses, local-news phrases or money point to, when the
    name's best candidate so far is a town or unit, not a country (_hint_speaks_for). Swept again with
    telephone and time shapes (out of fold, LGL acc161 / > 1,000 km): 2 and 3 .9330/.0265, 4 .9365/.0230,
    5 .9375/.0220, 6 .9365/.0220; GWN one more far error from 5. Chosen fold by fold (on the other four folds,
    GWN and LGL resolved-right less far shares summed), four folds pick 5 and the fifth 2, and the pooled
    held-out figures equal those of 2 (LGL .9339/.0265 of resolved) with GWN worse: the gain lives in one
    fold's few stories, so 2 stays."""
    hint_cue_bonus: float = 0.5
    """Plus this for each distinct cue of that country beyond the first (a phrase, a telephone or time shape,
    a currency sign, a unit name, the address form), up to hint_cue_cap of them: "Memorial Day", "Veterans
    Day", the VFW, the American Legion and "6:30 p.m." together put Dublin City Council in Ohio. Out of fold
    (LGL acc161 / > 1,000 km): 0 .9340/.0240; 0.5, 1 and 2 .9375/.0205 (GWN .9589 -> .9598, Charleston,
    W.Va.); chosen fold by fold, four folds pick 0.5 and one 1, pooled as in-sample."""
    hint_cue_cap: int = 3
    """At most this many further cues count."""
    hint_region_bonus: float = 2.0
    """Besides hint_country_bonus, a town in a first-level region the text's local-government words point to
    ("selectmen": New England; hint_region_phrases.tsv)."""
    hint_near_bonus: float = 6.0
    """A place at the point of an admin unit named in the text outside any mention ("Rapides Parish
    Fire District 2"); falls by e per hint_near_km."""
    hint_near_km: float = 60.0
    """Distance scale of hint_near_bonus."""
    hint_unit_limit: int = 8
    """Unit names with this many namesakes or more ("Washington County") give only their country."""

    # --- _home_context(): the source's other articles (geo.home) ---------------------------------
    home_region_bonus: float = 8.0
    """A town or unit in a first-level region the source's other articles name, times their share.
    Strong: out of fold on LGL it beats the article's own weak evidence more often than not (bonus
    4: acc161 .938, 6: .940, 8: .940, 10: .939; skipping names other names already support lost
    up to .02), though then a name near another named town in a different region ("Lebanon and
    Harrisburg" from a Tennessee paper) goes to the home region; a qualifier ("Lebanon, Pa.") still wins."""
    home_country_bonus: float = 2.0
    """A town or unit in the country the publication's top-level domain names (".ie", ".co.uk"). Out of
    fold on LGL with source home areas: 0 -> 1, 2 or 3 all give acc161 .9397 -> .9408, > 1,000 km
    .0152 -> .0142 (GWN unchanged: its ccTLD documents had no such error)."""
    home_min_articles: int = 1
    """A home area needs at least this many other articles from the same source."""
    home_min_share: float = 0.5
    """A region is home when at least this share of those articles name a place in it."""
    home_min_confidence: float = 0.5
    """Only places chosen with at least this confidence count as where an article is."""

    scale_gap: float = 2.0
    """A town more than this many orders of magnitude smaller than the median of the story's other chosen
    towns is out of the story's scale (_scale_penalties) when the name has a candidate within that many
    orders of it. 1.5 cost GWN (> 1,000 km .0146 -> .0155); 2 and 3 score alike."""
    scale_penalty: float = -3.0
    """Added in each context round to such a town, and as much again per order of magnitude further below.
    Out of fold: LGL acc161 .9211 -> .9216 ("New York and Atlanta" beside Chicago and Moscow is Georgia's
    Atlanta, not the Illinois village of 842), GWN unchanged; a flat -3 or -6 scored the same but left
    "Frankfurt" beside New York, London and Tokyo at Frankfort, N.Y."""

    # --- output ----------------------------------------------------------------------------------
    host_min_confidence: float = 0.5
    """A name the gazetteer lacks is placed only at a town chosen with this confidence (_nearest_host)."""
    approximate_confidence: float = 0.05
    """Confidence of such an approximate placement."""
    stray_min_mentions: int = 3
    """A story is local when at least this many of its towns and units lie in its most named first-level
    region (_strays)."""
    stray_min_share: float = 0.3
    """... and at least this share of them. Swept with stray_max_population 20,000: share .6 GWN/LGL acc161
    .9520/.9191, .5 the same, .4 .9529/.9191, .3 .9537/.9191, 0 the same as .3; at share .3, 2 towns
    .9537/.9196, 3 .9537/.9191, 4 or 5 .9529/.9191 (no loss at any setting: the wrong "story regions" hold
    few strays)."""
    stray_max_population: int = 20_000
    """A town chosen outside that region with fewer people than this is placed approximately in it instead.
    Swept on both corpora (LGL acc161 / GWN acc161): 2,000 .9146/.9494, 5,000 .9156/.9494, 10,000 .9186/.9494,
    20,000 .9191/.9520, 50,000 .9181/.9520, 100,000 .9176/.9529: a plateau from 20,000 (Norfolk, Nebraska,
    24,000 people, in an Iowa story, is the first loss above it)."""
    outlier_min_others: int = 2
    """A name the model did not tag (in most of its mentions), chosen as a place in a country no other name
    of the story is in, is no place when at least this many mentions of other names place the story
    elsewhere (_foreign_outliers). Swept (GWN / LGL F1; acc161 moved by at most .0003): off .8723/.8264,
    1 .8763/.8333, 2 .8760/.8340, 3 .8760/.8335, 5 .8757/.8330: a plateau."""
    outlier_keep_population: int = 1_000_000
    """... unless the name is a town's own and it has at least this many people ("Istanbul" is a place
    even where the model missed it). No development mention is such a case: a guard, not a tuned figure."""
    alternatives: int = 5
    """Runners-up reported per mention."""


DEFAULT_WEIGHTS = ResolveWeights()
