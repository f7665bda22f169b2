"""geo.usstates: the one table of US states and their abbreviations."""
import pytest

from geo import demonyms, usstates


def test_every_state_once():
    states = usstates.us_states()
    assert len(states) == 51  # 50 states and D.C.
    assert len({s.name for s in states}) == len({s.postal for s in states}) == 51


@pytest.mark.parametrize(
    ("form", "state"),
    [("Pa", "Pennsylvania"), ("Penn", "Pennsylvania"), ("PA", "Pennsylvania"), ("Calif", "California"),
     ("Cal", "California"), ("W.Va", "West Virginia"), ("D.C", "District of Columbia"), ("WY", "Wyoming")],
)
def test_qualifier_forms(form, state):
    assert usstates.qualifier_abbreviations()[form] == state


@pytest.mark.parametrize(
    ("written", "place"),
    [("Pa.", "Pennsylvania"), ("W. Va.", "West Virginia"), ("Kans.", "Kansas"), ("D.C.", "Washington, D.C."),
     ("U.S.", "United States"), ("Penn.", None), ("Pa", None), ("Alaska.", None)],
)
def test_abbreviation_place(written, place):
    assert demonyms.abbreviation_place(written) == place
