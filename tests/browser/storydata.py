"""A tiny self-written story for the browser tests, and a deterministic geoparser for it."""
from __future__ import annotations

import re

from geo.home import HomeArea
from geo.types import Mention, Passage, Place, ResolvedMention, Story

#: Self-written for these tests. Quillmoor is made up: it stays unresolved.
STORY_TITLE = "Harbour lights & <fog>"
STORY_PARAGRAPHS = [
    "The night ferry left Lisbon an hour late, its deck crowded with students.",
    "By morning it had reached Porto, where the fog was thick enough to hide the bridges.",
    "Most passengers stayed for coffee; a few walked up the hill to watch the river boats.",
    "The harbour master said the delay came from a broken winch, not from the weather.",
    "Later that week the same crew sailed again, and the gulls followed them out past the breakwater.",
    "Nobody on board had heard of Quillmoor, the village a passenger kept asking about.",
    "From Porto the travellers took the slow train towards Madrid and arrived after dark.",
]
STORY_TEXT = "\n\n".join(STORY_PARAGRAPHS)

LISBON = Place("gn:2267057", "Lisbon", 38.71667, -9.13333, 2267057, "PT", "P", "PPLC", 517802)
PORTO = Place("gn:2735943", "Porto", 41.14961, -8.61099, 2735943, "PT", "P", "PPLA", 249633)
MADRID = Place("gn:3117735", "Madrid", 40.4165, -3.70256, 3117735, "ES", "P", "PPLC", 3255944)
STORY_PLACES = {"Lisbon": LISBON, "Porto": PORTO, "Madrid": MADRID, "Quillmoor": None}


def _sentence(text: str, start: int, end: int) -> Passage:
    """The paragraph around a span (each paragraph here is one sentence)."""
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    right = len(text) if right == -1 else right
    return Passage(left, right, text[left:right])


class StoryGeoparser:
    """A deterministic stand-in for the geoparser: finds the names in STORY_PLACES."""

    def parse(self, text: str, home: HomeArea | None = None) -> Story:
        found = []
        for name, place in STORY_PLACES.items():
            for m in re.finditer(r"\b%s\b" % re.escape(name), text):
                found.append(
                    ResolvedMention(
                        mention=Mention(m.start(), m.end(), name, name, "literal"),
                        place=place,
                        confidence=0.9 if place else 0.0,
                        passage=_sentence(text, m.start(), m.end()),
                    )
                )
        return Story(text=text, mentions=tuple(sorted(found, key=lambda r: r.mention.start)))

    def parse_many(self, texts, batch_size: int = 16):  # type: ignore[no-untyped-def]
        for text in texts:
            yield self.parse(text)


