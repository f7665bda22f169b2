"""scripts/span_errors.py: recognition errors split into false positives, misses and boundary errors, by class."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import span_errors as se  # noqa: E402
from span_errors import Span  # noqa: E402


def _at(text: str, surface: str, label: str = "", whole: bool = False, kind: str = "") -> Span:
    start = text.index(surface)
    return Span(start, start + len(surface), label, whole, kind)


@pytest.mark.parametrize(("text", "gold", "pred", "label"), [
    ("He swam the Danube today.", "the Danube", "Danube", "boundary: the X"),
    ("at Colorado State University today", "Colorado State University", "Colorado", "boundary: cut short"),
    ("Henderson County Jail held him", "Henderson County", "Henderson County Jail", "boundary: too long"),
    ("in New Londoners land", "New London", "Londoners", "boundary: other"),
])
def test_boundary_class(text: str, gold: str, pred: str, label: str) -> None:
    assert se.boundary_class(text, _at(text, gold), _at(text, pred)) == label


@pytest.mark.parametrize(("text", "surface", "label", "whole", "kind", "cls"), [
    ("French students sang", "French", "NORP", False, "demonym", "demonym or adjective"),
    ("the Syrians left", "Syrians", "NORP", False, "", "demonym or adjective"),
    ("a fire on Main Street today", "Main Street", "FAC", True, "", "street or building"),
    ("on Darby St. in town", "Darby St.", "FAC", True, "", "street or building"),
    ("at Anfield Stadium", "Anfield", "FAC", False, "", "street or building"),
    ("NEWARK -- The surge", "NEWARK", "GPE", True, "", "all-caps"),
    ("Bronx County, N.Y, which", "N.Y", "GPE", True, "", "abbreviation"),
    ("the BC office", "BC", "ORG", False, "", "abbreviation"),
    ("near the ocean shore", "ocean", "", False, "", "lower-case word"),
    ("said Kristina Jones", "Kristina", "PERSON", False, "", "inside a person's name"),
    ("at Madison Central High", "Madison", "ORG", False, "", "inside an organisation's name"),
    ("Toyota said", "Toyota", "ORG", True, "", "organisation (whole)"),
    ("in Lisbon today", "Lisbon", "GPE", True, "", "other"),
])
def test_span_class(text: str, surface: str, label: str, whole: bool, kind: str, cls: str) -> None:
    assert se.span_class(text, _at(text, surface, label, whole, kind)) == cls


def test_split_errors_pairs_overlaps_once() -> None:
    text = "Colorado State University and Paris and Main Street"
    gold = [_at(text, "Colorado State University"), _at(text, "Paris")]
    pred = [_at(text, "Colorado"), _at(text, "Paris"), _at(text, "Main Street", "FAC", True)]
    errors = se.split_errors(text, gold, pred, matched_gold={1}, matched_pred={1})
    assert [(e.side, e.label, e.surface) for e in errors] == [
        ("boundary", "boundary: cut short", "Colorado / Colorado State University"),
        ("false positive", "street or building", "Main Street"),
    ]


def test_split_errors_counts_unpaired_gold_as_misses() -> None:
    text = "in Lisbon and Porto"
    errors = se.split_errors(text, [_at(text, "Lisbon"), _at(text, "Porto")], [_at(text, "Lisbon")], {0}, {0})
    assert [(e.side, e.surface) for e in errors] == [("miss", "Porto")]


def test_print_split_prints_each_side(capsys: pytest.CaptureFixture[str]) -> None:
    from collections import Counter

    se.print_split({"gwn": Counter({("boundary", "boundary: cut short"): 3, ("miss", "other"): 2}),
                    "lgl": Counter({("false positive", "other"): 5})})
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[-12:] == ["gwn", "fp", "gwn", "miss", "gwn", "bound", "lgl", "fp", "lgl", "miss", "lgl",
                                      "bound"]
    assert lines[1].startswith("boundary: cut short") and lines[1].split()[-6:] == ["0", "0", "3", "0", "0", "0"]
    assert any(line.startswith("other") and line.split()[-6:] == ["0", "2", "0", "5", "0", "0"] for line in lines)
    assert lines[-1].split()[-6:] == ["0", "2", "3", "5", "0", "0"]
