"""Find the places a text names: one frozen Context per document, named candidate sources, then selection.

- ``rules``: the word lists, feature-code groups and thresholds (data files under ``geo/data/lexicon/``);
- ``text``: character-level readings (boilerplate, datelines); ``tokens``: token-level readings;
- ``context``: ``build_context`` reads a parsed document once into a frozen ``Context`` (facts and evidence);
- ``sources``: the candidate sources, in the order of ``SOURCES``, each ``(ctx) -> candidates``;
- ``recognizer``: ``recognize`` runs them and selects the non-overlapping spans.
"""
from __future__ import annotations

from geo.recognize.context import PLACE_LABELS
from geo.recognize.recognizer import recognize
from geo.recognize.tokens import MAX_NGRAM

__all__ = ["MAX_NGRAM", "PLACE_LABELS", "recognize"]
