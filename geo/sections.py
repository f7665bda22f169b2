"""Sections of a long text: the stories of a many-story upload, each with its own sense per name.

A section ends at a run of two or more blank lines or at a rule line ("---", "***", "==="); a
section shorter than MIN_SECTION_CHARS joins the one before it (a list, a byline, a caption).
"""
from __future__ import annotations

import re

__all__ = ["MIN_SECTION_CHARS", "section_starts"]

MIN_SECTION_CHARS = 200
"""Sections shorter than this many characters join the previous one."""

_BREAK = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+|^[ \t]*(?:-{3,}|\*{3,}|={3,}|_{3,})[ \t]*$", re.MULTILINE)


def section_starts(text: str) -> list[int]:
    """The character offsets where the text's sections start (always [0] for one section)."""
    starts = [0]
    for match in _BREAK.finditer(text):
        if match.end() - starts[-1] >= MIN_SECTION_CHARS and match.end() < len(text):
            starts.append(match.end())
    if len(starts) > 1 and len(text) - starts[-1] < MIN_SECTION_CHARS:
        starts.pop()  # a short tail joins the section before it
    return starts
