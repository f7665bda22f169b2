"""A source's home area: where the other articles of the same publication put their places.

A local paper's "Alexandria" is the Alexandria its other stories are about. The resolver reads the
home area as weak context (``ResolveWeights.home_*``): a candidate town or unit inside a first-level
region that many of the source's other articles name gets a bonus scaled by that share, which text
evidence still outweighs. Only the articles' resolved places are read (what the library stores,
corrections included), never a gold answer.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from geo import lexicon
from geo.countries import country_name

__all__ = ["HomeArea", "Region", "home_area", "place_regions", "source_country", "source_domain", "source_homes",
           "with_source"]

Region = tuple[str, str]  # (country code, first-level region name)


@dataclass(frozen=True)
class HomeArea:
    """First-level regions -> the share of the source's other articles that name a place there; and the
    setting the story's uploader gave (geo.setting), which counts as a region all of them name."""

    regions: Mapping[Region, float] = field(default_factory=dict)
    articles: int = 0  # how many other articles the shares are over
    source: str = ""  # the publication (source_domain), when known
    country: str = ""  # the country its host's top-level domain names (source_country), if any
    setting: str = ""  # the setting as found: "Jordan, Minnesota, United States" ("" without one)
    setting_region: Region | None = None  # its first-level region (None for a country)
    setting_country: str = ""

    def share(self, country_code: str | None, admin1: str | None) -> float:
        """The share for a place's region (0 outside every home region; 1 in the setting's)."""
        region = (country_code or "", admin1 or "")
        return 1.0 if region == self.setting_region else self.regions.get(region, 0.0)

    def at_home(self, country_code: str | None) -> bool:
        """Whether a place's country is the publication's or the setting's."""
        return bool(country_code) and country_code in (self.country, self.setting_country)

    def to_json(self) -> str:
        """The area as JSON (what the store keeps beside an analysed article), regions by share."""
        regions = sorted(self.regions.items(), key=lambda rs: (-rs[1], rs[0]))
        return json.dumps({"source": self.source, "articles": self.articles, "country": self.country,
                           "setting": self.setting, "setting_region": self.setting_region,
                           "setting_country": self.setting_country,
                           "regions": [[cc, admin1, share] for (cc, admin1), share in regions]})

    @classmethod
    def from_json(cls, data: str) -> "HomeArea":
        """The area :meth:`to_json` wrote."""
        doc = json.loads(data)
        region = doc.get("setting_region")
        return cls({(cc, admin1): float(share) for cc, admin1, share in doc["regions"]},
                   int(doc["articles"]), str(doc.get("source", "")), str(doc.get("country", "")),
                   str(doc.get("setting", "")), (str(region[0]), str(region[1])) if region else None,
                   str(doc.get("setting_country", "")))


def place_regions(places: Iterable[tuple[str | None, str | None, str | None, float]],
                  min_confidence: float) -> set[Region]:
    """The first-level regions of an article's resolved towns and units, from (country code, admin1,
    feature class, confidence) rows; choices under ``min_confidence`` say too little to count."""
    return {(cc, admin1) for cc, admin1, feature_class, confidence in places
            if cc and admin1 and feature_class in ("P", "A") and confidence >= min_confidence}


def home_area(articles: Iterable[Iterable[Region]], min_articles: int, min_share: float) -> HomeArea | None:
    """The home area from the regions each other article names (each counted once per article),
    or None with fewer than ``min_articles`` articles or no region named by ``min_share`` of them."""
    counts: Counter[Region] = Counter()
    n = 0
    for regions in articles:
        n += 1
        counts.update({r for r in regions if r[0] and r[1]})
    return _home(counts.items(), n, min_articles, min_share)


def _home(counts: Iterable[tuple[Region, int]], n: int, min_articles: int, min_share: float) -> HomeArea | None:
    """The home area of n articles from how many of them name each region."""
    if n < min_articles or n == 0:
        return None
    shares = {r: c / n for r, c in counts if c / n >= min_share}
    return HomeArea(shares, n) if shares else None


def source_homes(domains: Sequence[str], regions: Sequence[set[Region]], min_articles: int,
                 min_share: float) -> list[HomeArea | None]:
    """Each of many articles' home area (with_source) from the *other* articles of its publication:
    ``domains[i]`` (source_domain, "" for none) and ``regions[i]`` (place_regions) describe article i.
    Linear in the articles: each publication's counts are made once, and an article's own regions
    are taken off them."""
    counts: dict[str, Counter[Region]] = defaultdict(Counter)
    sizes: Counter[str] = Counter()
    for domain, own in zip(domains, regions):
        if domain:
            counts[domain].update({r for r in own if r[0] and r[1]})
            sizes[domain] += 1
    # a region must be named by min_share of the others even before this article's own is taken off
    frequent = {d: [(r, c) for r, c in counts[d].items() if n > 1 and c / (n - 1) >= min_share]
                for d, n in sizes.items()}
    return [with_source(_home(((r, c - (r in own)) for r, c in frequent[domain]), sizes[domain] - 1,
                              min_articles, min_share), domain) if domain else None
            for domain, own in zip(domains, regions)]


def source_country(domain: str) -> str:
    """The country a publication's host names by its top-level domain ("irishtimes.ie" -> "IE";
    "" for .com, .org and the like, and for two-letter domains sold as vanity names: source_tlds.tsv)."""
    tld = domain.rpartition(".")[2].lower()
    if len(tld) != 2 or not tld.isalpha():
        return ""
    country = _tld_exceptions().get(tld, tld.upper())
    return "" if country == "-" or country_name(country) is None else country


@cache
def _tld_exceptions() -> dict[str, str]:
    return {tld: country for tld, country in lexicon.table("source_tlds")}


def with_source(home: HomeArea | None, domain: str) -> HomeArea | None:
    """The home area with its publication (a source_domain) and that publication's country (None when
    neither says anything)."""
    country = source_country(domain)
    if home is None:
        return HomeArea(source=domain, country=country) if country else None
    return replace(home, source=domain, country=country)


def source_domain(source: str) -> str:
    """The publication an article came from: its URL's host without "www." ("" for files and pastes)."""
    if "://" not in source:
        return ""
    host = (urlsplit(source.strip()).hostname or "").lower()
    return host.removeprefix("www.")
