"""geo.pipeline.passages: the same passages as geo.passages.passage_for, with doc.text read once."""
from __future__ import annotations

import re

from geo.nlp import load_nlp
from geo.passages import passage_for
from geo.pipeline import passages
from geo.types import Mention

TEXT = (
    "BEIRUT (Reuters) - Fighting spread from Homs towards the Lebanese border on Monday. "
    "Damascus said the road to Aleppo was open again.\n\n"
    "In Istanbul, analysts said   the talks would resume. " + "Words go on and on here. " * 30
    + "Finally Ankara spoke.\n\nTurkey"
)


def spans(text: str) -> list[Mention]:
    out = [Mention(m.start(), m.end(), m.group(), m.group())
           for m in re.finditer(r"BEIRUT|Homs|Lebanese|Damascus|Aleppo|Istanbul|Ankara|Turkey", text)]
    out.append(Mention(text.index("talks") + 2, text.index("talks") + 4, "lk", "lk"))  # inside a token
    return out


def test_same_passages_as_passage_for():
    doc = load_nlp()(TEXT)
    mentions = spans(TEXT)
    assert passages(doc, TEXT, mentions) == [passage_for(doc, m.start, m.end) for m in mentions]


def test_no_sentences_and_no_mentions():
    doc = load_nlp().make_doc(TEXT)  # tokenised only: no sentence boundaries
    mentions = spans(TEXT)
    assert passages(doc, TEXT, mentions) == [passage_for(doc, m.start, m.end) for m in mentions]
    assert passages(doc, TEXT, []) == []
