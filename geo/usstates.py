"""The US states and their abbreviations, read from the one table ``geo/data/lexicon/us_states.tsv``."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from geo import lexicon

__all__ = ["UsState", "qualifier_abbreviations", "text_abbreviations", "us_states"]


@dataclass(frozen=True)
class UsState:
    """A state: its name, postal code, AP forms written in text, and forms accepted as a qualifier."""

    name: str
    postal: str
    text_forms: tuple[str, ...]
    qualifier_forms: tuple[str, ...]


@cache
def us_states() -> tuple[UsState, ...]:
    """Every row of the table, in its order."""
    states = []
    for row in lexicon.table("us_states"):
        name, postal, text_forms, qualifier_forms = (*row, "", "")[:4]
        states.append(UsState(
            name=name,
            postal=postal,
            text_forms=tuple(f for f in text_forms.split("|") if f),
            qualifier_forms=tuple(qualifier_forms.split()),
        ))
    return tuple(states)


@cache
def qualifier_abbreviations() -> dict[str, str]:
    """Qualifier forms and postal codes, without a final period, to the state name ("Pa" -> "Pennsylvania")."""
    return {form: s.name for s in us_states() for form in (*s.qualifier_forms, s.postal)}


@cache
def text_abbreviations() -> dict[str, str]:
    """AP forms as written in running text, with their periods, to the state name ("Calif." -> "California")."""
    return {form: s.name for s in us_states() for form in s.text_forms}
