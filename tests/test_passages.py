"""geo/passages.py: the sentence around a mention, cut at paragraph breaks and capped."""
from __future__ import annotations

import re

import pytest

from geo.nlp import load_nlp
from geo.passages import (
    MAX_PASSAGE_CHARS,
    passage_around,
    passage_for,
    passage_in_text,
    passages_for,
    sentence_bounds,
)


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


BATCH_TEXT = (
    "BEIRUT (Reuters) - Fighting spread from Homs towards the Lebanese border on Monday. "
    "Damascus said the road to Aleppo was open again.\n\n"
    "In Istanbul, analysts said   the talks would resume. " + "Words go on and on here. " * 30
    + "Finally Ankara spoke.\n\nTurkey"
)
BATCH_WORDS = ("BEIRUT", "Homs", "Lebanese", "Damascus", "Aleppo", "Istanbul", "Ankara", "Turkey")


def batch_spans(text: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in re.finditer("|".join(BATCH_WORDS), text)]
    spans.append((text.index("talks") + 2, text.index("talks") + 4))  # inside a token
    return spans


def test_passages_for_many_spans_match_passage_for(nlp):
    doc = nlp(BATCH_TEXT)
    spans = batch_spans(BATCH_TEXT)
    found = passages_for(doc, spans)
    assert found == [passage_for(doc, s, e) for s, e in spans]
    by_word = dict(zip(BATCH_WORDS, found))
    assert by_word["Damascus"].text == "Damascus said the road to Aleppo was open again."
    assert by_word["Aleppo"] == by_word["Damascus"]
    assert by_word["Turkey"].text == "Turkey"
    for (s, e), p in zip(spans, found):
        assert p.start <= s and e <= p.end and BATCH_TEXT[p.start:p.end] == p.text
        assert len(p.text) <= MAX_PASSAGE_CHARS


def test_passages_for_without_sentences_or_spans(nlp):
    doc = nlp.make_doc(BATCH_TEXT)  # tokenised only: no sentence boundaries
    spans = batch_spans(BATCH_TEXT)
    found = passages_for(doc, spans)
    assert found == [passage_for(doc, s, e) for s, e in spans]
    damascus = found[BATCH_WORDS.index("Damascus")]
    assert damascus.text.startswith("BEIRUT") and "\n" not in damascus.text  # the paragraph
    assert passages_for(doc, []) == []


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("The French love Paris. Lyon is calm.", "The", "The French love Paris."),
        ("Rain in Oslo. Then Bergen! Nobody minded.", "Bergen", "Then Bergen!"),
        ("Heading about Lima\nA line that follows it.", "Lima", "Heading about Lima"),
        ("First line\nMoved to Accra last spring", "Accra", "Moved to Accra last spring"),
        ("  Leading spaces before Quito arrive.  ", "Quito", "Leading spaces before Quito arrive."),
        ("No stop at all around Tbilisi", "Tbilisi", "No stop at all around Tbilisi"),
    ],
)
def test_passage_around_plain_text(text, word, expected):
    """Without a parsed doc (mentions a person adds): the sentence within its line."""
    start = text.index(word)
    p = passage_around(text, start, start + len(word))
    assert p.text == expected and text[p.start:p.end] == p.text
    lo, hi = sentence_bounds(text, start, start + len(word))
    assert lo <= p.start <= start and start + len(word) <= p.end <= hi


def test_passage_around_caps_a_run_on_sentence_like_the_geoparser():
    text = "word " * 400 + "Tbilisi " + "word " * 400
    start = text.index("Tbilisi")
    p = passage_around(text, start, start + 7)
    assert len(p.text) <= MAX_PASSAGE_CHARS and "Tbilisi" in p.text and text[p.start:p.end] == p.text
    assert p == passage_in_text(text, start, start + 7)  # one capping rule for both
