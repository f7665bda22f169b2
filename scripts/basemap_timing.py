"""Time to first draw of the story page and the /map page in chromium (median of runs).

    python scripts/basemap_timing.py [--runs 5]

Stores the sample story with the real geoparser (as scripts/screenshots.py does) and prints,
per page, the milliseconds from navigation start to the map being ready
(``#story[data-map-state=ready]``: basemap and places drawn) and, when the page has them, to
the first drawn place labels (``.leaflet-container[data-basemap-labels]`` above zero).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screenshots import CHROMIUM, CHROMIUM_ARGS, make_app, store_story  # noqa: E402

__all__ = ["main", "measure"]

READY = "() => document.querySelector('#story[data-map-state=ready]') ? performance.now() : null"
LABELS = ("() => { const c = document.querySelector('.leaflet-container[data-basemap-labels]');"
          " return c && +c.getAttribute('data-basemap-labels') > 0 ? performance.now() : null; }")


def measure(page, url: str) -> tuple[float, float | None]:  # type: ignore[no-untyped-def]
    """(ms to map ready, ms to first labels or None) for one fresh load of url."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(url)
    ready = page.wait_for_function(READY, polling=10).json_value()
    try:
        labels = page.wait_for_function(LABELS, polling=10, timeout=5000).json_value()
    except PlaywrightTimeout:  # a page without labels (as before the basemap work)
        labels = None
    return ready, labels


def main(argv: list[str] | None = None) -> int:
    """Serve the app, load each page --runs times in a fresh context, print medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp))
        article_id = store_story(app, None)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        base = f"http://127.0.0.1:{server.server_port}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for name, url in (("story", f"{base}/articles/{article_id}"), ("map", f"{base}/map")):
                    times = []
                    for _ in range(args.runs):
                        context = browser.new_context(viewport={"width": 1280, "height": 800})
                        times.append(measure(context.new_page(), url))
                        context.close()
                    ready = statistics.median(t[0] for t in times)
                    labels = [t[1] for t in times if t[1] is not None]
                    shown = f"{statistics.median(labels):.0f} ms" if labels else "none"
                    print(f"{name}: map ready {ready:.0f} ms, labels {shown} (median of {args.runs})")
                browser.close()
        finally:
            server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
