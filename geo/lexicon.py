"""Word lists and rule tables kept as data files under ``geo/data/lexicon/``, loaded once each.

Two formats, both UTF-8 with ``#`` starting a comment:

- ``<name>.txt``: words separated by white space (``words("titles")``, or ``keys("not_places")`` folded
  by ``geo.names.name_key``);
- ``<name>.tsv``: rows of tab-separated fields (``table("us_states")``).
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from geo.names import name_key

__all__ = ["LEXICON_DIR", "keys", "sets", "table", "words"]

LEXICON_DIR = Path(__file__).parent / "data" / "lexicon"


def _lines(path: Path) -> list[str]:
    """The file's lines with comments and trailing white space removed, blank lines dropped."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.partition("#")[0].rstrip()
        if line.strip():
            out.append(line)
    return out


@cache
def words(name: str) -> frozenset[str]:
    """The set of words in ``<name>.txt`` (exactly as written; callers fold case if they need to)."""
    return frozenset(w for line in _lines(LEXICON_DIR / f"{name}.txt") for w in line.split())


@cache
def keys(name: str) -> frozenset[str]:
    """The name keys (``geo.names.name_key``) of the words in ``<name>.txt``."""
    return frozenset(name_key(w) for w in words(name))


def sets(name: str) -> dict[str, frozenset[str]]:
    """The rows of ``<name>.tsv`` as name -> the set of its space-separated words ("areal" -> PCLI PCLH ...)."""
    return {key: frozenset(members.split()) for key, members in table(name)}


@cache
def table(name: str) -> tuple[tuple[str, ...], ...]:
    """The rows of ``<name>.tsv``, each a tuple of its stripped tab-separated fields."""
    return tuple(tuple(f.strip() for f in line.split("\t")) for line in _lines(LEXICON_DIR / f"{name}.tsv"))
