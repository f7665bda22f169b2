"""geoparse(text) -> Story: recognition, resolution and passages wired together."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Iterable, Iterator

from geo.passages import passage_for
from geo.recognize import recognize
from geo.resolve import resolve
from geo.types import PlaceIndex, ResolvedMention, Story

__all__ = ["Geoparser", "load_geoparser"]


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
        return Story(
            text=text,
            mentions=tuple(
                ResolvedMention(
                    mention=m,
                    place=r.place,
                    confidence=r.confidence,
                    passage=passage_for(doc, m.start, m.end),
                    alternatives=r.alternatives,
                )
                for m, r in zip(mentions, resolutions)
            ),
        )


_lock = threading.Lock()
_cache: dict[str, Geoparser] = {}


def load_geoparser(gazetteer_path: str | Path) -> Geoparser:
    """The process-wide Geoparser for this gazetteer file, loaded once on first use."""
    key = str(Path(gazetteer_path).resolve())
    with _lock:
        if key not in _cache:
            from geo.gazetteer import OfflineGazetteer
            from geo.nlp import load_nlp

            _cache[key] = Geoparser(load_nlp(), OfflineGazetteer(key))
        return _cache[key]
