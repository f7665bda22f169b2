"""The offline basemap in chromium: admin-1 borders, rivers and place labels at country and
city zoom over Syria, at desktop and phone widths, with no request leaving the app."""
from __future__ import annotations

import pytest

from test_story_page import assert_offline, upload_story

pytestmark = pytest.mark.browser

#: (lat, lon, zoom) of the views: Syria at country zoom, Homs at city zoom.
COUNTRY = (35.0, 38.5, 6)
CITY = (34.73, 36.71, 11)
#: The rivers' stroke colour in basemap.js (#6f9fcf), give or take anti-aliasing.
RIVER_RGB = (111, 159, 207)


def show(page, view: tuple[float, float, int]) -> None:  # type: ignore[no-untyped-def]
    """Set the map's view and wait until the labels are drawn for it."""
    lat, lon, zoom = view
    page.evaluate(
        "([lat, lon, zoom]) => { const c = document.querySelector('.leaflet-container');"
        " c.removeAttribute('data-basemap-labels');"
        " window.storyMap.map.setView([lat, lon], zoom, { animate: false }); }",
        [lat, lon, zoom],
    )
    page.wait_for_selector(".leaflet-container[data-basemap-labels]", state="attached")


def labels(page) -> list[str]:  # type: ignore[no-untyped-def]
    return (page.locator("canvas.basemap-labels").get_attribute("data-labels") or "").split("|")


def painted(page, pane: str, rgb: tuple[int, int, int] | None = None) -> int:  # type: ignore[no-untyped-def]
    """How many pixels of a pane's canvas are painted (of the colour, within 30 per channel)."""
    return page.evaluate(
        """([pane, rgb]) => {
          const c = document.querySelector('.leaflet-' + pane + '-pane canvas');
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) {
            if (d[i + 3] === 0) continue;
            if (!rgb || (Math.abs(d[i] - rgb[0]) < 30 && Math.abs(d[i + 1] - rgb[1]) < 30
                && Math.abs(d[i + 2] - rgb[2]) < 30)) n++;
          }
          return n;
        }""",
        [pane, list(rgb) if rgb else None],
    )


def wait_layers(page, *names: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(
        "names => { const c = document.querySelector('.leaflet-container');"
        " const have = (c.getAttribute('data-basemap-layers') || '').split(' ');"
        " return names.every(n => have.includes(n)); }",
        arg=list(names),
    )


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_basemap_at_country_and_city_zoom(page, live_server, tmp_path, width: int):
    base = live_server.url
    page.set_viewport_size({"width": width, "height": 800})
    upload_story(page, base)
    assert page.locator(".story-map").get_attribute("data-admin1-url").endswith("/static/basemap/admin1.json")

    show(page, COUNTRY)
    wait_layers(page, "land", "borders", "water", "admin1")
    show(page, COUNTRY)  # labels drawn once every layer is in
    page.locator(".story-map").screenshot(path=str(tmp_path / f"country-{width}.png"))
    names = labels(page)
    assert {"Damascus", "Aleppo"} <= set(names)
    assert 10 <= len(names) <= 250
    assert painted(page, "basemap-admin1") > 200  # the governorates' dashed borders
    assert painted(page, "basemap-borders") > 200  # Syria's borders with its neighbours
    assert painted(page, "basemap-water", RIVER_RGB) > 50  # the Euphrates
    assert painted(page, "basemap") > 1000  # the land
    attribution = page.locator(".leaflet-control-attribution").inner_text()
    assert "Natural Earth" in attribution and "GeoNames" in attribution
    # The scale bar stays clear of the credits (they span most of the narrow map's width).
    scale = page.locator(".leaflet-control-scale").bounding_box()
    credits = page.locator(".leaflet-control-attribution").bounding_box()
    assert scale["y"] + scale["height"] <= credits["y"] or scale["x"] + scale["width"] <= credits["x"]

    show(page, CITY)
    page.locator(".story-map").screenshot(path=str(tmp_path / f"city-{width}.png"))
    assert "Homs" in labels(page)
    assert painted(page, "labels") > 100
    assert_offline(page, base)


def test_labels_do_not_overlap(page, live_server):
    upload_story(page, live_server.url)
    show(page, (34.8, 36.6, 8))  # Homs, Hama, Tartus, Tripoli and the towns between
    boxes = page.evaluate(
        "() => { const c = document.querySelector('canvas.basemap-labels');"
        " return c.getAttribute('data-labels').split('|').length; }"
    )
    assert boxes >= 10
    # Labels are placed on a collision grid: no two drawn labels share a box.
    overlaps = page.evaluate(
        """async () => {
          const { placeLabels } = await import('/static/js/story/labels.js');
          const rows = [['A', 0, 0, 0], ['B', 0.001, 0, 0], ['C', 10, 0, 0], ['D', 0, 0.001, 1]];
          const project = (lat, lon) => ({ x: 100 + lon * 10, y: 100 - lat * 10 });
          const placed = placeLabels(rows, project, () => 40, () => true, { x: 400, y: 400 });
          return placed.map(p => p.name);
        }"""
    )
    assert overlaps == ["A", "C"]  # B and D sit on A: they do not fit left or right of it
    assert_offline(page, live_server.url)


def test_no_labels_over_web_tiles(page, osm_live_server):
    upload_story(page, osm_live_server.url)
    wait_layers(page, "land", "borders")  # the labels would have been added with the borders
    assert page.locator("canvas.basemap-labels").count() == 0
    assert page.locator(".leaflet-basemap-admin1-pane").count() == 1
