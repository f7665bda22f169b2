"""Demonyms, language names and postal abbreviations that stand for a place, with the place's name.

The tables are data files under ``geo/data/lexicon/`` (``demonyms.tsv``, ``demonym_plurals.tsv``,
``demonym_no_plural.txt``, ``place_abbreviations.tsv``; the US states' forms come from ``us_states.tsv``).
"""
from __future__ import annotations

from functools import cache

from geo import lexicon
from geo.usstates import text_abbreviations

__all__ = ["abbreviation_place", "abbreviations", "demonym_place", "demonyms"]


@cache
def demonyms() -> dict[str, str]:
    """Singular demonyms as written in title case -> place name looked up in the gazetteer."""
    return {form: place for form, place in lexicon.table("demonyms")}


@cache
def abbreviations() -> dict[str, str]:
    """Abbreviations of places other than the US states, with their periods -> place name."""
    return {form: place for form, place in lexicon.table("place_abbreviations")}


@cache
def _demonym_table() -> dict[str, str]:
    """Singular and plural demonyms, keyed exactly as written in title case."""
    singular = demonyms()
    no_plural = tuple(lexicon.words("demonym_no_plural"))
    table = dict(singular)
    for form, place in singular.items():
        if not form.endswith(no_plural):
            table.setdefault(form + "s", place)
    table.update(lexicon.table("demonym_plurals"))
    return table


def demonym_place(word: str) -> str | None:
    """The place name a demonym ("Syrian", "Iraqis", "South Koreans") stands for, or None."""
    table = _demonym_table()
    if word in table:
        return table[word]
    if word.isupper() and len(word) > 3:
        return table.get(" ".join(w.capitalize() for w in word.split()))
    return None


def abbreviation_place(word: str) -> str | None:
    """The place name an abbreviation ("Calif.", "U.S.", "UK") stands for, or None."""
    return abbreviations().get(word) or text_abbreviations().get(word)
