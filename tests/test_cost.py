"""Bounded cost (issue 10): each fixed function on table rows and on the pathological inputs, no clocks.

The inputs are the shapes that were super-linear (repeated initials, hyphen chains, many names in a
row, absurd HTML, one huge line); the tests check that results stay right and that work is done
once per text (counted calls, bounded pieces), never how long anything takes.
"""
from __future__ import annotations

import importlib.util
import random
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import spacy

from geo.chunks import PIECE_CHARS, WHOLE_CHARS, batches, chunks, parse_texts, pieces
from geo.doctext import doc_text, token_texts
from geo.errors import TooLarge
from geo.passages import paragraph_breaks, passage_in_text, passages_for
from geo.recognize.recognizer import select
from geo.recognize import sources
from geo.recognize.sources import SpanCandidate
from geo.recognize.text import covered, dateline_spans, in_ranges, merge_ranges
from geo.sources import MAX_HTML_TAG_ATTRIBUTES, MAX_HTML_TAGS, check_markup, read_html
from recognize_kit import FakeIndex, read

ROOT = Path(__file__).resolve().parent.parent
table = pytest.mark.parametrize


# --------------------------------------------------------------------------- geo.chunks

@table(
    ("text", "limit", "expected"),
    [
        ("", 10, [""]),
        ("short", 10, ["short"]),
        ("aaaaaaa\n\nbb cc. dd\neeee", 12, ["aaaaaaa\n\n", "bb cc. dd\n", "eeee"]),  # blank line, then line break
        ("one two. three four five", 12, ["one two. ", "three four ", "five"]),  # sentence end, then a space
        ("x" * 25, 10, ["x" * 10, "x" * 10, "x" * 5]),  # no break anywhere: cut at the limit
        ("ab\n\n" + "y" * 20, 10, ["ab\n\nyyyyyy", "y" * 10, "yyyy"]),  # a break in the first half is too early
    ],
)
def test_chunks(text, limit, expected):
    pieces = chunks(text, limit)
    assert pieces == expected
    assert "".join(pieces) == text and all(len(p) <= limit for p in pieces)


def test_chunks_of_a_huge_line_are_bounded():
    text = "Floods hit Lisbon. " * 60_000  # one 1.1M-character line
    pieces = chunks(text)
    assert "".join(pieces) == text
    assert max(map(len, pieces)) <= 100_000 and len(pieces) <= 12
    assert all(p.endswith(". ") for p in pieces[:-1])  # cut at sentence ends


@table(
    ("text", "piece", "whole", "expected"),
    [
        ("aaaa bbbb cccc", 5, 20, ["aaaa bbbb cccc"]),  # up to ``whole``: one piece
        ("aaaa bbbb cccc", 5, 10, ["aaaa ", "bbbb ", "cccc"]),  # longer: pieces of at most ``piece``
        ("aa\n\nbbbb\n\ncc", 7, 5, ["aa\n\n", "bbbb\n\n", "cc"]),  # cut after blank lines
    ],
)
def test_pieces(text, piece, whole, expected):
    assert pieces(text, piece=piece, whole=whole) == expected


def test_long_texts_reach_spacy_in_short_pieces_and_eval_sized_ones_whole():
    """A 50 kB text goes in pieces spaCy's NER steps together; a 10,000-character one stays whole."""
    assert pieces("word " * (WHOLE_CHARS // 5)) == ["word " * (WHOLE_CHARS // 5)]
    parts = pieces("A. " * 16_667)
    assert "".join(parts) == "A. " * 16_667
    assert max(map(len, parts)) <= PIECE_CHARS and len(parts) >= 50_000 // PIECE_CHARS
    assert all(p.endswith(". ") for p in parts[:-1])


@table(
    ("texts", "size", "budget", "expected"),
    [
        (["a", "b", "c"], 2, 100, [[(0, True, "a"), (1, True, "b")], [(2, True, "c")]]),
        (["aaaa", "bbbb"], 5, 6, [[(0, True, "aaaa")], [(1, True, "bbbb")]]),  # the character budget
        (["aaaaaaaa"], 5, 100, [[(0, False, "aaaa"), (0, True, "aaaa")]]),  # pieces of one text, last marked
    ],
)
def test_batches(texts, size, budget, expected):
    assert list(batches(texts, size, limit=4, budget=budget)) == expected


def test_parse_texts_joins_the_pieces_back():
    nlp = spacy.blank("en")
    texts = ["First story about Lisbon.\n\nSecond paragraph, Porto.\n\nThird one.", "", "Tiny."]
    docs = list(parse_texts(nlp, texts, limit=30, budget=40))
    assert [d.text for d in docs] == texts
    assert [doc_text(d) for d in docs] == texts  # the text each Doc keeps (geo.doctext) is its own
    whole = nlp(texts[0])
    assert [(t.idx, t.text) for t in docs[0]] == [(t.idx, t.text) for t in whole]


def test_parse_texts_never_gives_spacy_a_long_piece():
    seen: list[int] = []
    nlp = spacy.blank("en")
    pipe = nlp.pipe

    def counting_pipe(pieces, **kwargs):
        pieces = list(pieces)
        seen.append(sum(map(len, pieces)))
        return pipe(pieces, **kwargs)

    nlp.pipe = counting_pipe  # type: ignore[method-assign]
    text = "Floods hit Lisbon.\n\n" * 200
    (doc,) = parse_texts(nlp, [text], limit=500, budget=1000)
    assert doc.text == text and max(seen) <= 1000 and len(seen) >= 4


# --------------------------------------------------------------------------- selection and ranges

def _cand(start: int, end: int, strength: int = 1) -> SpanCandidate:
    return SpanCandidate(start, end, f"{start}-{end}", "literal", "test", "", strength)


def _select_pairwise(cands: list[SpanCandidate]) -> list[SpanCandidate]:
    """The definition: longest first, then strongest, skipping any overlap with one already chosen."""
    chosen: list[SpanCandidate] = []
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), -c.strength, c.start)):
        if c.start < c.end and not any(c.start < o.end and o.start < c.end for o in chosen):
            chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)


@table(
    ("cands", "expected"),
    [
        ([], []),
        ([_cand(0, 5), _cand(2, 4, 3)], [(0, 5)]),  # longer wins over stronger
        ([_cand(0, 4, 1), _cand(1, 5, 3)], [(1, 5)]),  # same length: stronger wins
        ([_cand(0, 4), _cand(4, 8)], [(0, 4), (4, 8)]),  # touching spans both stay
        ([_cand(3, 3), _cand(0, 2)], [(0, 2)]),  # an empty span is never chosen
    ],
)
def test_select(cands, expected):
    assert [(c.start, c.end) for c in select(cands)] == expected


def test_select_matches_its_definition_on_many_candidates():
    rng = random.Random(10)
    cands = [_cand(s, s + rng.randint(1, 30), rng.randint(1, 3)) for s in (rng.randint(0, 5000) for _ in range(2000))]
    assert select(cands) == _select_pairwise(cands)


@table(
    ("ranges", "merged"),
    [
        ([], ()),
        ([(5, 9), (0, 2)], ((0, 2), (5, 9))),
        ([(0, 5), (3, 8), (8, 9), (12, 12)], ((0, 9),)),  # overlapping and touching merge, empty goes
    ],
)
def test_merge_ranges(ranges, merged):
    assert merge_ranges(ranges) == merged


@table(
    ("start", "end", "inside"),
    [(0, 2, True), (1, 3, False), (5, 9, True), (6, 7, True), (4, 6, False), (9, 10, False)],
)
def test_covered(start, end, inside):
    assert covered(start, end, ((0, 2), (5, 9))) is inside


def test_in_ranges_agrees_with_a_scan():
    ranges = merge_ranges((k * 7, k * 7 + 3) for k in range(500))
    assert all(in_ranges(p, ranges) is any(a <= p < b for a, b in ranges) for p in range(3600))


# --------------------------------------------------------------------------- regexes and pathological text

@table(
    ("text", "expected"),
    [
        ("A. " * 20_000, set()),  # repeated initials: no dateline, and no backtracking over the whole text
        ("A. " * 20_000 + "\nWASHINGTON (AP) — Talks.", {"WASHINGTON"}),
        ("-".join(["Paris"] * 10_000), set()),  # a hyphen chain
        ("\n" + " " * 50 + "LONDON — Rain.", set()),  # blanks before a dateline are bounded too
        ("\n" + " " * 5 + "LONDON — Rain.", {"LONDON"}),
    ],
)
def test_dateline_spans_on_pathological_text(text, expected):
    assert {text[s:e] for s, e in dateline_spans(text)} == expected


def test_party_state_tags_ask_the_gazetteer_once():
    ctx = read("Sen. Ann Lee, R-Springfield, and Rep. Bo Kay, D-Quillmoor, and Rep. Cy Fox, D-Paris, spoke.")
    index = FakeIndex()
    found = [(ctx.text[c.start:c.end], c.name)
             for c in sources.party_state_tags(replace(ctx, index=index))]
    assert found == [("Springfield", "Springfield"), ("Paris", "Paris")]
    assert index.calls == 1


# --------------------------------------------------------------------------- passages

def test_passage_in_text_with_breaks_matches_the_scan():
    rng = random.Random(3)
    words = ["Lisbon", "Porto.", "rain", "\n\n", "\n \n", "and", "the", "city", "floods."]
    text = " ".join(rng.choice(words) for _ in range(3000))
    breaks = paragraph_breaks(text)
    for start in range(0, len(text) - 10, 97):
        end = start + 6
        for lo, hi in ((0, len(text)), (max(0, start - 50), min(len(text), end + 900))):
            assert passage_in_text(text, start, end, lo, hi, breaks) == passage_in_text(text, start, end, lo, hi)


def test_passages_for_many_mentions_in_one_long_sentence():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    text = " ".join(["Lisbon"] * 5000)  # one sentence of 35,000 characters
    doc = nlp(text)
    found = passages_for(doc, [(t.idx, t.idx + 6) for t in doc])
    assert len(found) == 5000
    assert all(len(p.text) <= 400 and p.start <= t.idx and t.idx + 6 <= p.end for p, t in zip(found, doc))


# --------------------------------------------------------------------------- HTML markup limits

_PAGE = "<p>Floods hit Lisbon and Porto this week, officials said.</p>"


@table(
    ("html", "refused"),
    [
        (f"<html><body>{_PAGE}</body></html>", None),
        ('<a href="https://x.org/?a=1&b=2&c=3">link</a>' * 100 + _PAGE, None),  # ordinary attributes
        ("<b>x</b>" * (MAX_HTML_TAGS // 2 + 1) + _PAGE, "tags"),
        ("<div " + " ".join(f'a{k}="v"' for k in range(MAX_HTML_TAG_ATTRIBUTES + 1)) + ">" + _PAGE, "a tag with"),
        ("<html><div " + " ".join(f'a{k}="v"' for k in range(100_000)) + ">" + _PAGE, "attributes"),
        ("".join(f'<i a="1" b="2" c="3" d="4" e="5">w</i>' for _ in range(20_001)), "attributes"),
    ],
)
def test_check_markup(html, refused):
    if refused is None:
        check_markup(html)
        return
    with pytest.raises(TooLarge, match=refused) as info:
        check_markup(html)
    assert "too much markup" in str(info.value) and info.value.status_code == 413


def test_read_html_refuses_absurd_markup_before_parsing(monkeypatch):
    import trafilatura

    def never(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(trafilatura, "bare_extraction", never)
    with pytest.raises(TooLarge):
        read_html("<div " + " ".join(f'a{k}="v"' for k in range(100_000)) + ">" + _PAGE)


# --------------------------------------------------------------------------- the bench inputs

def _bench():
    spec = importlib.util.spec_from_file_location("mapper_bench_cost", ROOT / "scripts" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["mapper_bench_cost"] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_bench_cost_inputs():
    inputs = _bench().cost_inputs(["Floods hit Lisbon.\n\nThen Porto, officials said."])
    assert [len(inputs[f"prose {k}k"]) // 1000 for k in (10, 100, 1000)] == [9, 99, 999]
    assert inputs["initials 'A. ' 50 kB"].startswith("A. A. ") and len(inputs["initials 'A. ' 50 kB"]) == 50_001
    assert len(inputs["hyphen chains 50 kB"]) == 50_000 and "-well-known-" in inputs["hyphen chains 50 kB"]
    assert len(inputs["10k place names in a row"].split()) == 10_000
    assert inputs["html 100k attributes"].count('="v"') == 100_000
    assert "\n" not in inputs["one 1M-character line"] and len(inputs["one 1M-character line"]) > 990_000


def test_token_texts_are_the_tokens():
    doc = spacy.blank("en")("Vandals in Oxford’s West Street, again.")
    assert token_texts(doc) == ([t.text for t in doc], [t.idx for t in doc])
