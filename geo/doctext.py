"""The text of a parsed Doc, built once: spaCy joins every token again on each ``doc.text``."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only annotations: importing geo.doctext does not load spaCy
    from spacy.tokens import Doc

__all__ = ["doc_text", "remember_text", "token_texts"]

_KEY = "geo.doctext"


def remember_text(doc: Doc, text: str) -> Doc:
    """The Doc, knowing its text without rebuilding it: the string spaCy parsed it from (which its
    ``doc.text`` always equals), or the pieces' joined for a Doc joined from pieces."""
    doc.user_data[_KEY] = text
    return doc


def doc_text(doc: Doc) -> str:
    """doc.text, kept in the Doc's user data after its first reading."""
    text = doc.user_data.get(_KEY)
    if text is None:
        text = doc.user_data[_KEY] = doc.text
    return text


_TOKENS_KEY = "geo.doctext.tokens"


def token_texts(doc: Doc) -> tuple[list[str], list[int]]:
    """Each token's text and character offset, read in one pass and kept with the Doc (spaCy builds a new
    Token object on every ``doc[i]`` and every step of ``for tok in doc``)."""
    found = doc.user_data.get(_TOKENS_KEY)
    if found is None:
        texts, offsets = [], []
        for tok in doc:
            texts.append(tok.text)
            offsets.append(tok.idx)
        found = doc.user_data[_TOKENS_KEY] = (texts, offsets)
    return found
