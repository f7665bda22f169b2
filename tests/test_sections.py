"""geo/sections.py: where the sections of a long text start."""
from __future__ import annotations

import pytest

from geo.sections import MIN_SECTION_CHARS, section_starts

STORY = "x" * MIN_SECTION_CHARS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [0]),
        (STORY, [0]),
        (f"{STORY}\n\nSecond paragraph. {STORY}", [0]),  # one blank line: a paragraph, not a section
        (f"{STORY}\n\n\n{STORY}", [0, MIN_SECTION_CHARS + 3]),
        (f"{STORY}\n \n\t\n\n{STORY}", [0, MIN_SECTION_CHARS + 6]),
        (f"{STORY}\n---\n{STORY}", [0, MIN_SECTION_CHARS + 4]),
        (f"{STORY}\n***\n{STORY}\n=====\n{STORY}", [0, MIN_SECTION_CHARS + 4, 2 * MIN_SECTION_CHARS + 11]),
        (f"short\n\n\n{STORY}", [0]),  # a short head stays with what follows
        (f"{STORY}\n\n\nshort tail", [0]),  # a short tail joins the section before
        (f"{STORY}\n\n\n", [0]),
    ],
)
def test_section_starts(text: str, expected: list[int]) -> None:
    assert section_starts(text) == expected


def test_long_runs_of_newlines_are_linear() -> None:
    text = STORY + "\n" * 200_000 + STORY
    assert section_starts(text) == [0, MIN_SECTION_CHARS + 200_000]
