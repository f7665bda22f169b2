"""geoparse(text) -> Story: recognition, resolution and passages wired together."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Iterable, Iterator

from geopy.geocoders.base import Geocoder

from geo.geocoders import GeocoderIndex
from geo.passages import passage_in_text
from geo.recognize import recognize
from geo.resolve import resolve
from geo.types import Mention, Passage, PlaceIndex, ResolvedMention, Story

__all__ = ["Geoparser", "load_geoparser", "passages"]


def passages(doc, text: str, mentions: list[Mention]) -> list[Passage]:
    """geo.passages.passage_for(doc, m.start, m.end) for each mention, with doc.text read once.

    spaCy rebuilds ``doc.text`` from the tokens on every access, and passage_for reads it per
    mention: on news text that was a tenth of the whole geoparse. Same bounds, same passages.
    """
    if not mentions:
        return []
    if not doc.has_annotation("SENT_START"):
        return [passage_in_text(text, m.start, m.end, 0, len(text)) for m in mentions]
    out = []
    for m in mentions:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            lo, hi = 0, len(text)
        else:
            lo, hi = span[0].sent.start_char, span[-1].sent.end_char
        out.append(passage_in_text(text, m.start, m.end, lo, hi))
    return out


class Geoparser:
    """Turns texts into Stories with an injected spaCy pipeline and place index."""

    def __init__(self, nlp, index: PlaceIndex) -> None:
        self.nlp = nlp
        self.index = index

    def parse(self, text: str) -> Story:
        """Geoparse one text."""
        return next(self.parse_many([text]))

    def parse_many(self, texts: Iterable[str], batch_size: int = 16) -> Iterator[Story]:
        """Geoparse many texts, batching the NLP model's work."""
        texts = list(texts)
        for text, doc in zip(texts, self.nlp.pipe(texts, batch_size=batch_size)):
            yield self._story(text, doc)

    def _story(self, text: str, doc) -> Story:
        mentions = recognize(doc, self.index)
        resolutions = resolve(text, mentions, self.index)
        found = passages(doc, text, mentions)
        return Story(
            text=text,
            mentions=tuple(
                ResolvedMention(
                    mention=m,
                    place=r.place,
                    confidence=r.confidence,
                    passage=p,
                    alternatives=r.alternatives,
                )
                for m, r, p in zip(mentions, resolutions, found)
            ),
        )


_lock = threading.Lock()
_cache: dict[tuple[str, Geocoder | None], Geoparser] = {}


def load_geoparser(gazetteer_path: str | Path, geocoder: Geocoder | None = None,
                   *, min_delay_seconds: float = 0.0) -> Geoparser:
    """The process-wide Geoparser for this gazetteer file, loaded once on first use.

    With a geopy ``geocoder`` (e.g. geo.geocoders.make_geocoder("nominatim")), resolution takes
    its candidates from it; recognition still uses the offline gazetteer's names.
    """
    path = str(Path(gazetteer_path).resolve())
    key = (path, geocoder)
    with _lock:
        if key not in _cache:
            from geo.gazetteer import OfflineGazetteer
            from geo.nlp import load_nlp

            index: PlaceIndex = OfflineGazetteer(path)
            if geocoder is not None:
                index = GeocoderIndex(geocoder, index, min_delay_seconds=min_delay_seconds)
            _cache[key] = Geoparser(load_nlp(), index)
        return _cache[key]
