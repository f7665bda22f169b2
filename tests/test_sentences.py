"""geo/sentences.py: sentence boundaries by rule, on a blank English tokenizer."""
from __future__ import annotations

import pytest
import spacy

from geo.sentences import mark_sentences, register


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


@pytest.mark.parametrize(("text", "sentences"), [
    ("He left. She stayed.", ["He left.", "She stayed."]),
    ("Was it Homs? Yes! Then Aleppo.", ["Was it Homs?", "Yes!", "Then Aleppo."]),
    ('He said: "We left." Then we stayed.', ['He said: "We left."', "Then we stayed."]),
    ('He left. "We stayed," she said.', ["He left.", '"We stayed," she said.']),
    ("(See the map.) Troops moved.", ["(See the map.)", "Troops moved."]),
    ("Gov. Brown of Calif. met Sen. Lee in St. Louis.", ["Gov. Brown of Calif. met Sen. Lee in St. Louis."]),
    ("It was about 3.5 km. Then rain.", ["It was about 3.5 km.", "Then rain."]),
    ("They waited... and left.", ["They waited... and left."]),
    ("The Marth Co., Gainesville, won.", ["The Marth Co., Gainesville, won."]),
    ("Qusair\nBy Jim Muir\nHoms", ["Qusair", "By Jim Muir", "Homs"]),
    ("Talks ended.\n\nTroops left Homs.", ["Talks ended.", "Troops left Homs."]),
    ("One.  Two spaces.", ["One.", "Two spaces."]),
    ("", []),
])
def test_sentences(nlp, text, sentences):
    doc = mark_sentences(nlp(text))
    assert [s.text.strip() for s in doc.sents] == sentences


def test_every_token_is_decided(nlp):
    doc = mark_sentences(nlp("A b c. D e f.\nG h."))
    assert doc.has_annotation("SENT_START", require_complete=True)


def test_registered_once_by_name():
    assert register() == register() == "rule_sentences"
