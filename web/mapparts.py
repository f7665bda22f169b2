"""The parts of the rendered story map (web/mapview.py, templates/_map.html), read back in order.

A page that cannot link to our static files (the downloaded story, web/takeaway.py) renders
the same map from these parts with every asset inline. Reading the map's own HTML keeps that
page in step with _map.html: whatever stylesheet, script or ``data-*-url`` layer it names
is carried along without a second list to maintain.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["MapPart", "MapParts", "map_parts"]


@dataclass(frozen=True)
class MapPart:
    """One piece of the map's HTML: ``kind`` is "stylesheet", "script" or "module" (``url``),
    "inline" (a classic script's ``text``) or "map" (the container's and its child's ``attrs``)."""

    kind: str
    url: str = ""
    text: str = ""
    attrs: tuple[tuple[str, str], ...] = ()
    inner: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class MapParts:
    """The map's pieces in document order."""

    parts: tuple[MapPart, ...] = field(default_factory=tuple)

    def container(self) -> MapPart:
        """The ``.story-map`` container (ValueError when the HTML had none)."""
        for part in self.parts:
            if part.kind == "map":
                return part
        raise ValueError("the map HTML has no .story-map container")

    def data_urls(self) -> dict[str, str]:
        """The container's ``data-*-url`` attributes (the layers the page fetches), by name."""
        return {k: v for k, v in self.container().attrs if k.startswith("data-") and k.endswith("-url") and v}


class _Reader(HTMLParser):
    """Collects the parts; only the shapes _map.html writes are understood."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[MapPart] = []
        self.inline: list[str] | None = None
        self.map_attrs: tuple[tuple[str, str], ...] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        pairs = tuple((k, v or "") for k, v in attrs)
        if tag == "link" and a.get("rel") == "stylesheet":
            self.parts.append(MapPart("stylesheet", url=a.get("href", "")))
        elif tag == "script" and "src" in a:
            self.parts.append(MapPart("module" if a.get("type") == "module" else "script", url=a["src"]))
        elif tag == "script":
            self.inline = []
        elif tag == "div" and "story-map" in a.get("class", "").split():
            self.map_attrs = pairs
        elif tag == "div" and self.map_attrs is not None:
            self.parts.append(MapPart("map", attrs=self.map_attrs, inner=pairs))
            self.map_attrs = None

    def handle_data(self, data: str) -> None:
        if self.inline is not None:
            self.inline.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.inline is not None:
            self.parts.append(MapPart("inline", text="".join(self.inline)))
            self.inline = None


def map_parts(html: str) -> MapParts:
    """The parts of ``html`` as web.mapview.render_map writes it."""
    reader = _Reader()
    reader.feed(str(html))
    reader.close()
    return MapParts(tuple(reader.parts))
