"""geo/nlp.py: the pipeline is loaded once, runs only what recognition needs, and still works."""
from __future__ import annotations

from geo.nlp import load_nlp


def test_loaded_once_per_process():
    assert load_nlp() is load_nlp()


def test_only_the_rule_sentences_and_ner_run():
    assert load_nlp().pipe_names == ["rule_sentences", "ner"]


def test_sentences_and_entities_are_still_good():
    doc = load_nlp()("The minister flew to Nairobi on Monday. Talks with Kenya resume today.")
    assert len(list(doc.sents)) == 2
    assert ("Nairobi", "GPE") in {(e.text, e.label_) for e in doc.ents}
