"""geo/setting.py: where an uploader says a story is set, found in the gazetteer and read as context."""
from __future__ import annotations

import pytest

from geo.home import HomeArea
from geo.setting import MAX_SETTING_CHARS, SettingNotFound, find_setting, read_setting, setting_label, with_setting
from settingkit import JORDAN_JO, JORDAN_MN, MINNESOTA, SPRINGFIELD_IL, SPRINGFIELD_MO, setting_index

INDEX = setting_index()


@pytest.mark.parametrize(("written", "expected"), [
    ("Minnesota", MINNESOTA),
    ("Jordan", JORDAN_JO),  # a country before a small town
    ("Jordan, Minnesota", JORDAN_MN),
    ("Jordan, MN", JORDAN_MN),
    ("Springfield", SPRINGFIELD_MO),  # the likeliest town; never the river
    ("Springfield, Mo.", SPRINGFIELD_MO),
    ("Springfield, United States", SPRINGFIELD_MO),
])
def test_find_setting(written, expected):
    assert find_setting(INDEX, written) == expected


@pytest.mark.parametrize("written", ["Atlantis", "Jordan, Missouri", "Springfield, Jordan", ", Minnesota", ""])
def test_a_setting_the_gazetteer_lacks_is_a_clear_error(written):
    with pytest.raises(SettingNotFound, match="no place the gazetteer knows"):
        find_setting(INDEX, written)


@pytest.mark.parametrize(("written", "expected"), [
    (None, ""), ("", ""), ("  Jordan,\n  Minnesota ", "Jordan, Minnesota"), ("x" * MAX_SETTING_CHARS, "x" * 200),
])
def test_read_setting(written, expected):
    assert read_setting(written) == expected


@pytest.mark.parametrize("written", [5, ["Jordan"], "x" * (MAX_SETTING_CHARS + 1)])
def test_read_setting_refuses_what_is_no_place_name(written):
    with pytest.raises(SettingNotFound):
        read_setting(written)


@pytest.mark.parametrize(("place", "label"), [
    (JORDAN_MN, "Jordan, Minnesota, United States"), (MINNESOTA, "Minnesota, United States"),
    (JORDAN_JO, "Jordan"), (SPRINGFIELD_IL, "Springfield, Illinois, United States"),
])
def test_setting_label(place, label):
    assert setting_label(place) == label


def test_a_town_setting_counts_as_its_whole_region_and_country():
    home = with_setting(None, JORDAN_MN)
    assert home.setting == "Jordan, Minnesota, United States"
    assert home.share("US", "Minnesota") == 1.0 and home.share("US", "Iowa") == 0.0
    assert home.at_home("US") and not home.at_home("JO") and not home.at_home(None)


def test_a_country_setting_names_no_region():
    home = with_setting(None, JORDAN_JO)
    assert home.setting_region is None and home.share("JO", "Amman") == 0.0 and home.at_home("JO")


def test_the_setting_sits_over_the_publications_home_area():
    source = HomeArea({("US", "Iowa"): 0.6}, 10, "paper.example", "")
    home = with_setting(source, JORDAN_MN)
    assert (home.source, home.articles, home.regions) == ("paper.example", 10, {("US", "Iowa"): 0.6})
    assert home.share("US", "Iowa") == 0.6 and home.share("US", "Minnesota") == 1.0
    assert HomeArea.from_json(home.to_json()) == home


@pytest.mark.parametrize(("text", "name", "setting", "expected"), [
    ("The Jordan boys team will start the game in Jordan on Saturday.", "Jordan",
     "Jordan, Minnesota", ("US", "Minnesota")),
    ("Police in Athens said the fire started at a home on Main Street.", "Athens", "Tennessee", ("US", "Tennessee")),
    ("London police arrested a man after a crash in London on Sunday.", "London", "Ontario", ("CA", "Ontario")),
    ("Georgia's newest utility regulator could face fines for state ethics violations.", "Georgia", "Georgia, USA",
     ("US", "Georgia")),
])
def test_the_setting_decides_a_one_place_local_story_on_the_real_index(text, name, setting, expected):
    """Without a setting the famous place wins; with one, the namesake there (the text says nothing)."""
    from geo.gazetteer import OfflineGazetteer
    from geo.resolve import resolve
    from test_resolve import REAL_INDEX, _mentions

    index = OfflineGazetteer(REAL_INDEX)
    mentions = _mentions(text, [name])
    alone = resolve(text, mentions, index)[0].place
    placed = resolve(text, mentions, index, home=with_setting(None, find_setting(index, setting)))[0].place
    assert (alone.country_code, alone.admin1) != expected
    assert (placed.country_code, placed.admin1) == expected
