"""The home area an analysis read (geo.home), as the story page and the API show it."""
from __future__ import annotations

from typing import Any

from geo.countries import country_name
from geo.home import HomeArea

__all__ = ["home_info"]


def home_info(stored: str | None) -> dict[str, Any] | None:
    """The stored home area (articles.home_area) for people: the publication, how many of its
    other stories it was read from, the country its domain names (or the setting's), the setting its
    uploader gave (geo.setting), and each region's name ("Louisiana, United States") and share."""
    if not stored:
        return None
    home = HomeArea.from_json(stored)
    regions = sorted(home.regions.items(), key=lambda rs: (-rs[1], rs[0]))
    return {"source": home.source, "articles": home.articles, "country": country_name(home.country),
            "setting": home.setting or None,
            "regions": [{"name": ", ".join(n for n in (admin1, country_name(cc) or cc) if n), "share": share}
                        for (cc, admin1), share in regions]}
