"""scripts/setting_eval.py: the simulated setting of a development document."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import setting_eval  # noqa: E402
from settingkit import JORDAN_MN, MINNESOTA, SPRINGFIELD_MO  # noqa: E402


class _ById:
    """An index answering place(id) for three places."""

    def place(self, place_id: str):  # type: ignore[no-untyped-def]
        return {p.place_id: p for p in (JORDAN_MN, MINNESOTA, SPRINGFIELD_MO)}.get(place_id)


def test_the_setting_is_the_region_most_gold_places_lie_in() -> None:
    doc = {"toponyms": [{"geonameid": 5030005}, {"geonameid": 5037779}, {"geonameid": 4409896},
                        {"geonameid": None}, {"geonameid": 999}]}
    assert setting_eval.gold_setting(doc, _ById()) == ("US", "Minnesota")
    assert setting_eval.gold_setting({"toponyms": []}, _ById()) is None
