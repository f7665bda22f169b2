"""A small gazetteer for the setting tests (geo.setting): namesakes of Jordan and Springfield."""
from __future__ import annotations

from geo.types import Place
from testkit import PlacesIndex

JORDAN_JO = Place("gn:248816", "Jordan", 31.0, 36.0, 248816, "JO", "A", "PCLI", 9956011)
JORDAN_MN = Place("gn:5030005", "Jordan", 44.6669, -93.6269, 5030005, "US", "P", "PPL", 6076, "Minnesota")
MINNESOTA = Place("gn:5037779", "Minnesota", 46.25, -94.25, 5037779, "US", "A", "ADM1", 5303925, "Minnesota")
MISSOURI = Place("gn:4398678", "Missouri", 38.25, -92.5, 4398678, "US", "A", "ADM1", 5988927, "Missouri")
SPRINGFIELD_MO = Place("gn:4409896", "Springfield", 37.21533, -93.29824, 4409896, "US", "P", "PPL", 170188,
                       "Missouri")
SPRINGFIELD_IL = Place("gn:4250542", "Springfield", 39.80172, -89.64371, 4250542, "US", "P", "PPLA", 114394,
                       "Illinois")
UNITED_STATES = Place("gn:6252001", "United States", 39.76, -98.5, 6252001, "US", "A", "PCLI", 327167434)
SPRINGFIELD_RIVER = Place("gn:1", "Springfield", 40.0, -90.0, 1, "US", "H", "STM", 0)


def setting_index() -> PlacesIndex:
    """An in-memory PlaceIndex over the places above."""
    return PlacesIndex((JORDAN_JO, JORDAN_MN, MINNESOTA, MISSOURI, SPRINGFIELD_MO, SPRINGFIELD_IL, SPRINGFIELD_RIVER,
                        UNITED_STATES))
