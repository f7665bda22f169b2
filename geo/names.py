"""Name keys: the one normalisation shared by the gazetteer index and the recogniser."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from unidecode import unidecode

__all__ = ["name_key"]

_APOSTROPHES = re.compile(r"[\u2019\u2018`´']")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=65536)  # the same names recur across a text's candidates and mentions; bounded
def name_key(name: str) -> str:
    """Fold a place name to its lookup key: ASCII, lower case, punctuation to single spaces.

    "São Paulo" -> "sao paulo"; "Al-Qusayr" -> "al qusayr"; "St. John's" -> "st johns".
    """
    text = unicodedata.normalize("NFKC", name)
    text = _APOSTROPHES.sub("", text)
    text = unidecode(text).lower()
    return _NON_ALNUM.sub(" ", text).strip()
