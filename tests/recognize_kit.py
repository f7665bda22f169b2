"""Shared by the recognition tests: a fake PlaceIndex that knows a few names, and a helper to run one source."""
from __future__ import annotations

from typing import Iterable

from geo.names import name_key
from geo.nlp import load_nlp
from geo.recognize.context import Context, build_context
from geo.recognize.sources import Source
from geo.types import NameInfo, Place

__all__ = ["FakeIndex", "read", "spans"]

_KNOWN = {
    # name: (places, max_population, feature codes)
    "Lebanon": (3, 6_000_000, {"PCLI", "PPL"}),
    "Syria": (1, 17_000_000, {"PCLI"}),
    "Damascus": (2, 2_500_000, {"PPLC"}),
    "Paris": (20, 2_100_000, {"PPLC", "PPL"}),
    "Istanbul": (1, 15_000_000, {"ADM1", "PPL"}),
    "Zabrovka": (1, 30_000, {"PPL"}),
    "Qeshlaq Valley": (1, 0, {"VAL"}),
    "Washington": (30, 700_000, {"PPLC", "ADM1"}),
    "America": (1, 300_000_000, {"CONT"}),
    "Ohio": (1, 11_000_000, {"ADM1"}),
    "Tuesday": (1, 500, {"PPL"}),
    "Green": (5, 20_000, {"PPL"}),
    "Springfield": (20, 170_000, {"PPL"}),
    "Lisbon": (11, 2_900_000, {"PPLC", "ADM1"}),
    "Porto": (10, 2_100_000, {"PPLA", "ADM1"}),
    "Jordan": (12, 10_000_000, {"PCLI", "PPL"}),
    "Kelly": (3, 5_000, {"PPL"}),
    "Egypt": (6, 98_000_000, {"PCLI"}),
    "US": (2, 327_000_000, {"PCLI"}),
    "Asia": (3, 3_800_000_000, {"CONT"}),
    "Pacific": (5, 8_000, {"OCN", "PPL"}),
    "Greece": (1, 10_000_000, {"PCLI"}),
    "Italy": (1, 60_000_000, {"PCLI"}),
    "South Africa": (1, 57_000_000, {"PCLI"}),
    "Lin": (30, 400_000, {"PPL"}),
    "Manuel": (3, 2_000, {"PPL"}),
    "Highway": (2, 1_500, {"PPL"}),
    "Dublin": (10, 1_000_000, {"PPLC"}),
    "Germany": (1, 83_000_000, {"PCLI"}),
    "St. Paris": (1, 2_000, {"PPL"}),
    "Varnow": (2, 0, {"STM"}),
    "White House": (7, 3_600_000, {"PPL", "PRK"}),
    "White": (5, 20_000, {"PPL"}),
    "Louisville": (10, 600_000, {"PPLA2", "PPL"}),
    "Gainesville": (12, 130_000, {"PPLA2", "PPL"}),
    "Lindsay": (6, 20_000, {"PPL"}),
    "Kidlington": (1, 13_000, {"PPL"}),
    "Grovetown": (1, 15_000, {"PPL"}),
    "Ravenel": (1, 2_500, {"PPL"}),
    "Anderson County": (5, 200_000, {"ADM2"}),
    "Titan": (1, 0, {"PPL"}),
    "El Niño": (2, 5_000, {"PPL"}),
    "La Niña": (1, 2_000, {"PPL"}),
    "Summit": (30, 20_000, {"PPL", "ADM2"}),
    "Americas": (1, 0, {"RGN"}),
    "Reading": (9, 318_000, {"ADM2", "PPL"}),
    "Nice": (4, 343_000, {"PPL"}),
    "Mobile": (5, 278_000, {"ADM2", "PPL"}),
    "Berkshire": (2, 900_000, {"ADM2"}),
    "France": (1, 67_000_000, {"PCLI"}),
    "La Paz": (20, 2_300_000, {"ADM1", "PPL"}),
    "Santa Cruz": (40, 1_500_000, {"ADM1", "PPL"}),
    "Bolivia": (1, 11_000_000, {"PCLI"}),
}


class FakeIndex:
    """A PlaceIndex that knows only the names above."""

    def __init__(self) -> None:
        self.calls = 0
        self._info = {name_key(n): NameInfo(name_key(n), p, pop, frozenset(c)) for n, (p, pop, c) in _KNOWN.items()}

    def candidates(self, name: str, limit: int = 25) -> list[Place]:
        return []

    def known_names(self, names: Iterable[str]) -> dict[str, NameInfo]:
        self.calls += 1
        return {n: self._info[name_key(n)] for n in names if name_key(n) in self._info}


def spans(ctx: Context, source: Source) -> list[tuple[str, str]]:
    """What one source proposes for a document: (surface, place name) in the order proposed."""
    return [(ctx.text[c.start:c.end], c.name) for c in source(ctx)]


def read(text: str) -> Context:
    """The Context of a text parsed by the real model, over a fresh fake index."""
    return build_context(load_nlp()(text), FakeIndex())
