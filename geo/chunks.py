"""Long texts through spaCy in bounded pieces: cut at paragraph breaks, parsed in small batches, joined back.

spaCy's memory grows with the length of what it parses at once (1M characters in one piece: over
3 GB). Each text is cut into pieces of at most CHUNK_CHARS characters, preferably after a blank
line, else after a line break, a sentence end or a space; pieces are parsed in batches of at most
BATCH_CHARS characters, and the pieces of one text are joined back (:func:`join_docs`), so the joined
doc's text and character offsets are exactly those of the original text.

A text longer than WHOLE_CHARS is cut finer, into pieces of at most PIECE_CHARS: spaCy's entity
recogniser takes one transition step per token for all docs of a batch together, so many short
pieces cost less than one long doc (a 50 kB text of "A. " repeated: 2.1 s -> 1.4 s of CPU). Texts
up to WHOLE_CHARS (every document of the evaluation corpora) are parsed whole, as before.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Iterator

from geo.doctext import doc_text, remember_text

if TYPE_CHECKING:  # only annotations: importing geo.chunks does not load spaCy
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["BATCH_CHARS", "CHUNK_CHARS", "PIECE_CHARS", "WHOLE_CHARS", "batches", "chunks", "join_docs", "pieces",
           "parse_texts"]

CHUNK_CHARS = 100_000
BATCH_CHARS = 200_000
WHOLE_CHARS = 10_000  # texts up to this length go to spaCy in one piece (when CHUNK_CHARS allows)
PIECE_CHARS = 3_000  # longer texts: pieces of at most this many characters, parsed together
# Where a piece may end, best first: after a blank line, a line break, a sentence end, a space.
_CUTS = ("\n\n", "\n", ". ", " ")

Piece = tuple[int, bool, str]  # (number of the text, whether its last piece, piece)


def _cut(text: str, lo: int, limit: int) -> int:
    """Where the piece starting at lo ends: after the best break in its second half, else at the limit."""
    hi = lo + limit
    if hi >= len(text):
        return len(text)
    for mark in _CUTS:
        at = text.rfind(mark, lo + limit // 2, hi - len(mark) + 1)
        if at != -1:
            return at + len(mark)
    return hi


def chunks(text: str, limit: int = CHUNK_CHARS) -> list[str]:
    """Consecutive pieces of at most ``limit`` characters whose concatenation is ``text`` (one for short text)."""
    out, lo = [], 0
    while True:
        hi = _cut(text, lo, limit)
        out.append(text[lo:hi])
        if hi >= len(text):
            return out
        lo = hi


def pieces(text: str, limit: int = CHUNK_CHARS, piece: int = PIECE_CHARS, whole: int = WHOLE_CHARS) -> list[str]:
    """The pieces spaCy parses for ``text``: :func:`chunks` of ``limit``, or of ``piece`` if longer than ``whole``."""
    return chunks(text, limit if len(text) <= whole else min(limit, piece))


def batches(texts: Iterable[str], size: int, limit: int = CHUNK_CHARS,
            budget: int = BATCH_CHARS) -> Iterator[list[Piece]]:
    """The pieces (:func:`pieces`) of the texts in order, grouped: at most ``size`` pieces and
    ``budget`` characters a group."""
    batch: list[Piece] = []
    chars = 0
    for n, text in enumerate(texts):
        parts = pieces(text, limit)
        for k, part in enumerate(parts):
            if batch and (len(batch) >= size or chars + len(part) > budget):
                yield batch
                batch, chars = [], 0
            batch.append((n, k == len(parts) - 1, part))
            chars += len(part)
    if batch:
        yield batch


def parse_texts(nlp: Language, texts: Iterable[str], batch_size: int = 16, limit: int = CHUNK_CHARS,
                budget: int = BATCH_CHARS) -> Iterator[Doc]:
    """One parsed Doc per text, in order; long texts parsed piece by piece with bounded memory."""
    pending: list[Doc] = []
    for batch in batches(texts, batch_size, limit, budget):
        parts = [p for _, _, p in batch]
        for (_, last, piece), doc in zip(batch, nlp.pipe(parts, batch_size=len(batch))):
            pending.append(remember_text(doc, piece))
            if last:
                yield pending[0] if len(pending) == 1 else remember_text(join_docs(pending),
                                                                         "".join(doc_text(d) for d in pending))
                pending = []


def join_docs(docs: list[Doc]) -> Doc:
    """The pieces of one text as one Doc: their tokens, entities and sentence starts, in order.

    What Doc.from_docs(docs, ensure_whitespace=False) gives for the columns recognition reads,
    from the pieces' arrays: from_docs also checks every token of every piece for each kind of
    annotation, which took 0.5 s of CPU on 1M characters.
    """
    import numpy
    from spacy.attrs import ENT_IOB, ENT_TYPE, NORM, ORTH, SENT_START, SPACY
    from spacy.tokens import Doc

    cols = numpy.concatenate([d.to_array([ORTH, SPACY, NORM, ENT_IOB, ENT_TYPE, SENT_START]) for d in docs])
    strings = docs[0].vocab.strings
    joined = Doc(docs[0].vocab, words=[strings[o] for o in cols[:, 0].tolist()], spaces=cols[:, 1].astype(bool).tolist())
    joined.from_array([NORM, ENT_IOB, ENT_TYPE, SENT_START], cols[:, 2:])
    return joined
