"""A batch of articles geoparsed together: those from one publication lend each other its home area.

The same context a library gives an upload (geo.home, geo.store.sources), for a corpus that is never
stored: every text is parsed once; a text whose source (URL host) another text shares, or whose host
is under a country-code domain, is parsed again with the home area the other texts' first-pass
places (and the domain's country) give. Only predictions are read.
"""
from __future__ import annotations

from typing import Iterator, Protocol, Sequence

from geo.home import HomeArea, Region, place_regions, source_domain, source_homes
from geo.setting import with_setting
from geo.types import Place, Story
from geo.weights import DEFAULT_WEIGHTS, ResolveWeights

__all__ = ["parse_with_sources", "story_regions"]


class _Parser(Protocol):
    def parse_many(self, texts: Sequence[str], batch_size: int = 16,
                   homes: Sequence[HomeArea | None] | None = None) -> Iterator[Story]: ...


def story_regions(story: Story, min_confidence: float) -> set[Region]:
    """The first-level regions of a story's resolved towns and units (geo.home.place_regions)."""
    return place_regions(((m.place.country_code, m.place.admin1, m.place.feature_class, m.confidence)
                          for m in story.mentions if m.place is not None), min_confidence)


def parse_with_sources(geoparser: _Parser, texts: Sequence[str], sources: Sequence[str], batch_size: int = 16,
                       weights: ResolveWeights = DEFAULT_WEIGHTS,
                       settings: Sequence[Place | None] | None = None) -> list[Story]:
    """One Story per text, in order; texts with a home area (geo.home) are resolved with it, and each text
    with its setting, when ``settings`` gives one (geo.setting: where that text is set)."""
    own = list(settings) if settings is not None else [None] * len(texts)
    first = [with_setting(None, place) if place is not None else None for place in own]
    stories = list(geoparser.parse_many(texts, batch_size=batch_size, homes=first if any(own) else None))
    homes = source_homes([source_domain(s) for s in sources],
                         [story_regions(s, weights.home_min_confidence) for s in stories],
                         weights.home_min_articles, weights.home_min_share)
    homes = [with_setting(home, place) if home is not None and place is not None else home
             for home, place in zip(homes, own)]
    again = [i for i, home in enumerate(homes) if home is not None]
    for i, story in zip(again, geoparser.parse_many([texts[i] for i in again], batch_size=batch_size,
                                                    homes=[homes[i] for i in again])):
        stories[i] = story
    return stories
