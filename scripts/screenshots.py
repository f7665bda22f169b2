"""Screenshots of the story page at phone and desktop widths, for a person to look at.

    python scripts/screenshots.py [--out build/screenshots] [--story FILE]

Serves the app on 127.0.0.1 (a fresh database in a temporary folder), stores the seed
story (../shared/seeds, else the sample story; or --story FILE) with the real geoparser, and
drives Debian's chromium through Playwright. Writes PNGs of the story page (the overview, a
country step, an admin-1 region step, a city step, a step on a point another place shares,
the review tools, the review search for "Beqaa" with its labelled candidate pins), the
downloaded story opened from a file:// URL, the embed page, the library and the map of all
stories, each at phone and desktop width. Fails if any request leaves the app.
"""
from __future__ import annotations

import argparse
import logging
import re
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
              "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1400, "height": 900}, "device_scale_factor": 1},
}
SEED = ROOT.parent / "shared" / "seeds" / "000_0ccbed5b938370f4.txt"
SAMPLE = ROOT / "geo" / "data" / "sample_story.md"
#: What the review search shot looks for: another spelling of the seed story's Al Biqā‘.
SEARCH_QUERY = "Beqaa"

#: The first step of each kind the screenshots show: (label, JS predicate over a step's
#: place {kind, shared}); `kind` as static/js/story/views.js names it.
STEP_SHOTS = (
    ("story-step-country", "s => s.kind === 'country'"),
    ("story-step-region", "s => s.kind === 'admin1'"),
    ("story-step-city", "s => s.kind === 'city' || s.kind === 'town'"),
    ("story-step-shared", "s => s.shared"),
)
#: Every step's place: its kind and whether another place sits at the same point.
STEP_PLACES_JS = """async () => {
  const views = await import('/static/js/story/views.js');
  const st = window.storyMap.state;
  const at = {};
  Object.values(st.places.features).forEach(f => {
    if (f.geometry) { const k = f.geometry.coordinates.join(','); at[k] = (at[k] || 0) + 1; }
  });
  return st.steps.buttons.map(b => {
    const f = st.places.features[st.places.keyByStart[b.getAttribute('data-start')]];
    if (!f || !f.geometry) return {kind: null, shared: false};
    return {kind: views.placeKind(f.properties), shared: at[f.geometry.coordinates.join(',')] > 1};
  });
}"""


def make_app(instance: Path):  # type: ignore[no-untyped-def]
    import flask_migrate

    from app import create_app
    from web.extensions import MIGRATIONS_DIR

    config = {
        "SECRET_KEY": "screenshots",
        "DATABASE_URL": f"sqlite:///{instance / 'app.sqlite'}",
        "TILES": None,
        "QUEUE_URL": "immediate",  # analyse the story as it is stored: the pictures need its map
    }
    gazetteer = ROOT / "instance" / "gazetteer.sqlite"
    if not gazetteer.is_file():
        raise SystemExit(f"{gazetteer} is missing: run `make install`")
    config["GAZETTEER_PATH"] = str(gazetteer)
    app = create_app(config)
    with app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
    return app


def store_story(app, path: Path | None) -> int:  # type: ignore[no-untyped-def]
    from web.ingest import ingest
    from geo import sources

    path = path or (SEED if SEED.is_file() else SAMPLE)
    title, text = sources.read_upload(path.name, path.read_bytes())
    source = path.name
    with app.test_request_context():
        article, _ = ingest(title, source, text)
        return article.id


def main(argv: list[str] | None = None) -> int:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "screenshots")
    parser.add_argument("--story", type=Path, help="a .txt/.md/.html file (default: the sample)")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp))
        article_id = store_story(app, args.story)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        base = f"http://127.0.0.1:{server.server_port}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        written: list[Path] = []
        foreign: list[str] = []
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for name, options in VIEWPORTS.items():
                    context = browser.new_context(**options)
                    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]).*"),
                                  lambda route: route.abort())
                    page = context.new_page()
                    page.on("request", lambda r: foreign.append(r.url)
                            if urlsplit(r.url).netloc not in ("", urlsplit(base).netloc)
                            and urlsplit(r.url).scheme not in ("data", "blob") else None)
                    written += shoot(page, base, article_id, name, args.out)
                    context.close()
                browser.close()
        finally:
            server.shutdown()
            thread.join(timeout=5)
    for path in written:
        print(path)
    if foreign:
        print("requests left the app:", *sorted(set(foreign)), sep="\n  ", file=sys.stderr)
        return 1
    return 0


def _ready(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector("#story[data-map-state=ready]")
    page.wait_for_timeout(400)  # let the map settle (tiles of the basemap, fly-to)


def shoot_steps(page, url: str, snap) -> None:  # type: ignore[no-untyped-def]
    """A deep link to the first step of each kind in STEP_SHOTS, as a person would open it."""
    kinds = page.evaluate(STEP_PLACES_JS)
    for label, predicate in STEP_SHOTS:
        k = page.evaluate(f"kinds => kinds.findIndex({predicate})", kinds) + 1
        if not k:
            print(f"{label}: no such step in this story", file=sys.stderr)
            continue
        page.goto(url + f"#step-{k}")
        page.reload()
        _ready(page)
        page.wait_for_selector(".leaflet-popup, .leaflet-tooltip .step-tooltip")
        page.wait_for_timeout(300)
        snap(label)


def shoot_search(page, snap, query: str = SEARCH_QUERY) -> None:  # type: ignore[no-untyped-def]
    """The open review tools' gazetteer search, its results listed and pinned on the map."""
    page.get_by_label("Search the gazetteer").fill(query)
    page.locator("#review-tools").get_by_role("button", name="Search").click()
    page.wait_for_selector("#search-results .candidate-button")
    page.wait_for_selector(".candidate-pin-icon")
    page.wait_for_timeout(400)
    snap("story-review-search")


def shoot_takeaway(page, base: str, article_id: int, snap) -> None:  # type: ignore[no-untyped-def]
    """The downloaded story opened from disk (file://, no server), then the embed page."""
    html = page.request.get(f"{base}/articles/{article_id}/story.html").body()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "story.html"
        path.write_bytes(html)
        page.goto(path.as_uri())
        _ready(page)
        snap("story-download")
    page.goto(f"{base}/articles/{article_id}/embed")
    _ready(page)
    snap("story-embed")


def shoot(page, base: str, article_id: int, name: str, out: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    shots: list[Path] = []

    def snap(label: str, full_page: bool = False) -> None:
        path = out / f"{label}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        shots.append(path)

    page.emulate_media(reduced_motion="reduce")  # steps jump: stable pictures
    url = f"{base}/articles/{article_id}"
    page.goto(url)
    _ready(page)
    snap("story")
    if name == "phone":
        snap("story-full", full_page=True)
    shoot_steps(page, url, snap)
    first = page.locator(".review-list .review-open").first
    if first.count():
        first.click()
        page.wait_for_function(
            "() => !document.getElementById('review-current').textContent.startsWith('Loading')"
        )
        page.wait_for_timeout(400)
        snap("story-review")
        shoot_search(page, snap)
    shoot_takeaway(page, base, article_id, snap)
    page.goto(base + "/")
    page.wait_for_load_state("load")
    snap("library")
    page.goto(base + "/map")
    _ready(page)
    snap("library-map")
    return shots


if __name__ == "__main__":
    raise SystemExit(main())
