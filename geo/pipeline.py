"""geoparse(text) -> Story: recognition, resolution and passages wired together."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from geopy.geocoders.base import Geocoder

from geo.chunks import parse_texts
from geo.geocoders import GeocoderIndex
from geo.home import HomeArea
from geo.passages import passages_for
from geo.ranker import Ranker, default_ranker
from geo.recognize import recognize
from geo.resolve import resolve
from geo.types import PlaceIndex, ResolvedMention, Story

__all__ = ["Geoparser", "load_geoparser"]


class Geoparser:
    """Turns texts into Stories with an injected spaCy pipeline, place index and (optional) ranker."""

    def __init__(self, nlp, index: PlaceIndex, ranker: Ranker | None = None) -> None:
        self.nlp = nlp
        self.index = index
        self.ranker = ranker

    def parse(self, text: str, home: HomeArea | None = None) -> Story:
        """Geoparse one text (``home``: where its source's other articles are, geo.home)."""
        return next(self.parse_many([text], homes=[home]))

    def parse_many(self, texts: Iterable[str], batch_size: int = 16,
                   homes: Sequence[HomeArea | None] | None = None) -> Iterator[Story]:
        """Geoparse many texts, batching the NLP model's work (long texts in bounded pieces, geo.chunks)."""
        texts = list(texts)
        homes = list(homes) if homes is not None else [None] * len(texts)
        for text, home, doc in zip(texts, homes, parse_texts(self.nlp, texts, batch_size=batch_size)):
            yield self._story(text, doc, home)

    def _story(self, text: str, doc, home: HomeArea | None = None) -> Story:
        mentions = recognize(doc, self.index)
        resolved = resolve(text, mentions, self.index, ranker=self.ranker, home=home)
        kept = [(m, r) for m, r in zip(mentions, resolved) if r.is_place]
        mentions, resolutions = [m for m, _r in kept], [r for _m, r in kept]
        found = passages_for(doc, [(m.start, m.end) for m in mentions])
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

    Resolution uses the project's trained ranker (geo/data/ranker.json) when it is present.
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
            _cache[key] = Geoparser(load_nlp(), index, default_ranker())
        return _cache[key]
