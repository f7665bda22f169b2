"""geo/passages.py: the sentence around a mention, cut at paragraph breaks and capped."""
from __future__ import annotations

import pytest

from geo.nlp import load_nlp
from geo.passages import MAX_PASSAGE_CHARS, passage_for


@pytest.fixture(scope="session")
def nlp():
    return load_nlp()


@pytest.mark.parametrize(
    "text, word, expected",
    [
        ("Rain fell on Oslo. Then the sun came out over Bergen. Nobody minded.", "Bergen",
         "Then the sun came out over Bergen."),
        ("Heading about Lima\n\nA paragraph that follows it.", "Lima", "Heading about Lima"),
        ("  Leading spaces before Quito arrive.  ", "Quito", "Leading spaces before Quito arrive."),
    ],
)
def test_passage_is_the_sentence(nlp, text, word, expected):
    start = text.index(word)
    p = passage_for(nlp(text), start, start + len(word))
    assert p.text == expected
    assert text[p.start:p.end] == p.text


def test_passage_never_crosses_a_blank_line(nlp):
    text = "Byline text here without a stop\n\nMoved to Accra last spring and stayed"
    start = text.index("Accra")
    p = passage_for(nlp(text), start, start + 5)
    assert "Byline" not in p.text and "Accra" in p.text


def test_huge_run_on_line_is_capped_around_the_mention(nlp):
    text = "word " * 400 + "Tbilisi " + "word " * 400
    start = text.index("Tbilisi")
    p = passage_for(nlp(text), start, start + 7)
    assert len(p.text) <= MAX_PASSAGE_CHARS
    assert "Tbilisi" in p.text and text[p.start:p.end] == p.text
