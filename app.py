"""The geographic story mapper: create_app(), the routes, the JSON API and the CLI commands.

Every subsystem is wired with an ``init_*(app)`` function; nothing heavy happens at import
time. The geoparser (spaCy and the gazetteer) is loaded lazily, once per process, on the first
request that needs it.
"""
from __future__ import annotations

import dataclasses
import itertools
import json
import os
import secrets
import sqlite3
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator, Mapping, Protocol
from urllib.parse import urlsplit

import click
from flask import (
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.wrappers.response import Response as BaseResponse

import review
import security
from geo import geojson, sources, store
from geo.errors import GazetteerMissing, GeoError
from geo.geocoders import GEOCODERS, PUBLIC_NOMINATIM, make_geocoder
from geo.types import Story

__all__ = [
    "create_app",
    "db",
    "migrate",
    "GeoparserLike",
    "get_geoparser",
    "load_or_create_secret_key",
    "settings_from_env",
]

ROOT = Path(__file__).resolve().parent
MIGRATIONS_DIR = ROOT / "migrations"
SAMPLE_STORY = ROOT / "geo" / "data" / "sample_story.md"
TILE_CHOICES = {"": None, "off": None, "none": None, "osm": "osm"}
BUSY_TIMEOUT_MS = 5000

db = SQLAlchemy(metadata=store.Base.metadata)
migrate = Migrate()


class GeoparserLike(Protocol):
    """What the app needs from geo.pipeline.Geoparser (tests may inject their own)."""

    def parse(self, text: str) -> Story: ...

    def parse_many(self, texts: Iterable[str], batch_size: int = 16) -> Iterator[Story]: ...


# --------------------------------------------------------------------------- configuration


def load_or_create_secret_key(instance_path: str | os.PathLike[str]) -> str:
    """The secret key kept in the instance folder, generated (once) if it does not exist yet."""
    path = Path(instance_path) / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if not key:
            raise RuntimeError(f"{path} is empty; delete it to generate a new secret key")
        return key
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key + "\n")
    return key


def settings_from_env(instance_path: str, environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Settings from environment variables, with defaults inside the instance folder."""
    url = environ.get("DATABASE_URL") or "sqlite:///" + os.path.join(instance_path, "app.sqlite")
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    tiles = environ.get("TILES", "").strip().lower()
    if tiles not in TILE_CHOICES:
        raise RuntimeError(f"TILES must be empty, 'off' or 'osm', not {tiles!r}")
    try:
        upload_mb = float(environ.get("MAX_UPLOAD_MB", "5"))
    except ValueError as exc:
        raise RuntimeError("MAX_UPLOAD_MB must be a number of megabytes") from exc
    settings: dict[str, Any] = {
        "DATABASE_URL": url,
        "MAX_CONTENT_LENGTH": int(upload_mb * 1024 * 1024),
        # A pasted text is a form field: Werkzeug's own 500 kB cap on fields would refuse a
        # long article well under the upload limit (with a misleading "limit is 5 MB" page).
        "MAX_FORM_MEMORY_SIZE": int(upload_mb * 1024 * 1024),
        "GAZETTEER_PATH": environ.get("GAZETTEER_PATH")
        or os.path.join(instance_path, "gazetteer.sqlite"),
        "TILES": TILE_CHOICES[tiles],
    }
    geocoder = environ.get("GEOCODER", "offline").strip().lower() or "offline"
    if geocoder not in GEOCODERS:
        raise RuntimeError(f"GEOCODER must be one of {', '.join(GEOCODERS)}, not {geocoder!r}")
    settings["GEOCODER"] = geocoder
    settings["NOMINATIM_URL"] = environ.get("NOMINATIM_URL", "").strip() or f"https://{PUBLIC_NOMINATIM}"
    if environ.get("SECRET_KEY"):
        settings["SECRET_KEY"] = environ["SECRET_KEY"]
    if environ.get("EDITOR_TOKEN", "").strip():  # optional: read-only without it (security.py)
        settings["EDITOR_TOKEN"] = environ["EDITOR_TOKEN"].strip()
    return settings


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure the app; ``test_config`` overrides the environment's settings."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(settings_from_env(app.instance_path))
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret_key(app.instance_path)
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", app.config["DATABASE_URL"])
    app.json.sort_keys = False

    init_db(app)
    init_geoparser(app)
    init_errors(app)
    security.init_app(app)  # before the routes: it bounds the <int:> converter
    init_routes(app)
    init_api(app)
    init_cli(app)
    app.register_blueprint(review.bp)  # review, correction and library-wide views
    return app


# --------------------------------------------------------------------------- database


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()


def init_db(app: Flask) -> None:
    """SQLAlchemy (WAL, busy timeout and foreign keys on SQLite) and Flask-Migrate."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite" and not event.contains(
            engine, "connect", _sqlite_pragmas
        ):
            event.listen(engine, "connect", _sqlite_pragmas)


# --------------------------------------------------------------------------- geoparser


class GeoparserFactory:
    """Loads the geoparser on first use: an injected one (tests) or geo.pipeline's."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._geocoder: Any = None

    def online_geocoder(self) -> tuple[Any, float]:
        """The configured online geopy geocoder (None when offline) and its minimum delay."""
        if self.app.config.get("GEOCODER", "offline") == "offline":
            return None, 0.0
        url = urlsplit(self.app.config["NOMINATIM_URL"])
        if self._geocoder is None:
            self._geocoder = make_geocoder(self.app.config["GEOCODER"], scheme=url.scheme or "https",
                                           domain=(url.netloc + url.path.rstrip("/")) or None)
        # The public Nominatim server allows one request a second; your own server, any rate.
        return self._geocoder, 1.0 if url.netloc == PUBLIC_NOMINATIM else 0.0

    def __call__(self) -> GeoparserLike:
        injected = self.app.config.get("GEOPARSER")
        if injected is not None:
            return injected
        path = Path(self.app.config["GAZETTEER_PATH"])
        if not path.is_file():
            raise GazetteerMissing(
                f"The place gazetteer has not been built ({path} is missing): run `make install`."
            )
        from geo.pipeline import load_geoparser  # heavy (spaCy): first use only

        geocoder, delay = self.online_geocoder()
        return load_geoparser(path, geocoder, min_delay_seconds=delay)


def init_geoparser(app: Flask) -> None:
    app.extensions["geoparser"] = GeoparserFactory(app)


def get_geoparser() -> GeoparserLike:
    """The current app's geoparser."""
    factory: Callable[[], GeoparserLike] = current_app.extensions["geoparser"]
    return factory()


# --------------------------------------------------------------------------- errors


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith(".geojson")


def _error_response(status: int, message: str) -> Response:
    """The one place where errors become a JSON body or a page."""
    if _wants_json():
        body: Any = jsonify(error=message, status=status)
    elif request.endpoint in ("upload", "load_sample"):
        body = _library_page(error=message, form=_form_echo(status))
    else:
        body = render_template("error.html", status=status, message=message)
    response = make_response(body)
    response.status_code = status
    return response


def _form_echo(status: int) -> dict[str, str]:
    if status == 413:  # the body was never read; do not try now
        return {"title": "", "text": ""}
    return {"title": request.form.get("title", ""), "text": request.form.get("text", "")}


def init_errors(app: Flask) -> None:
    @app.errorhandler(GeoError)
    def handle_geo_error(exc: GeoError) -> Any:
        return _error_response(exc.status_code, str(exc))

    @app.errorhandler(HTTPException)
    def handle_http_error(exc: HTTPException) -> Any:
        status = exc.code or 500
        if status == 413:
            limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
            message = f"The upload is too large: the limit is {limit / (1024 * 1024):g} MB."
        else:
            message = exc.description or exc.name
        response = _error_response(status, message)
        for name, value in exc.get_headers():
            if name.lower() != "content-type":  # e.g. Allow on 405
                response.headers[name] = value
        return response


# --------------------------------------------------------------------------- ingestion


def ingest(title: str, source: str, text: str) -> tuple[store.Article, bool]:
    """Geoparse and store a text (unless the same text is stored): (article, created)."""
    existing = store.find_by_hash(db.session, text)
    if existing is not None:
        return existing, False
    story = get_geoparser().parse(text)
    return store.save_story(db.session, title, source, story), True


def _max_bytes() -> int | None:
    return current_app.config.get("MAX_CONTENT_LENGTH")


def _article_or_404(article_id: int) -> store.Article:
    article = store.get_article(db.session, article_id)
    if article is None:
        raise NotFound(f"There is no article {article_id}.")
    return article


def _geojson_response(body: Any) -> Response:
    if isinstance(body, dict):
        body = json.dumps(body, ensure_ascii=False)
    return Response(body, mimetype=geojson.MEDIA_TYPE)


def _tiles_on() -> bool:
    return current_app.config.get("TILES") == "osm"


def article_collection(article_id: int) -> dict[str, Any]:
    """The stored article's FeatureCollection (the same builder as corpus mode)."""
    mentions = [store.to_resolved(m) for m in store.article_mentions(db.session, article_id)]
    feats = review.annotate(geojson.features(mentions, article_id=article_id), article_id)
    return geojson.feature_collection(feats, tiles=_tiles_on())


def export_chunks(article_id: int | None = None) -> Iterator[str]:
    """The library (or one article) as one FeatureCollection, streamed article by article."""
    feats = itertools.chain.from_iterable(
        review.annotate(geojson.features(mentions, article_id=aid), aid)
        for aid, mentions in store.iter_resolved(db.session, article_id)
    )
    return geojson.stream_collection(feats, tiles=_tiles_on())


# --------------------------------------------------------------------------- pages


def _library_page(error: str | None = None, form: Mapping[str, str] | None = None) -> str:
    articles = [dataclasses.asdict(a) for a in _summaries()]
    return render_template(
        "index.html",
        articles=articles,
        review_states=review.review_states(),
        error=error,
        form=dict(form or {"title": "", "text": ""}),
    )


def _summaries() -> list[store.ArticleSummary]:
    return store.list_articles(db.session)


def _render_map_html() -> Any:
    try:
        from geo import mapview
    except ModuleNotFoundError as exc:  # the front end's module: fail loudly, never blank
        raise RuntimeError("geo/mapview.py (render_map) is missing; the story page needs it") from exc
    html = mapview.render_map(
        tiles=current_app.config["TILES"],
        static_url=lambda path: url_for("static", filename=path),
    )
    g.script_hashes = mapview.csp_script_hashes(str(html))
    return html


def init_routes(app: Flask) -> None:
    @app.get("/", endpoint="index")
    def index() -> str:
        return _library_page()

    @app.post("/upload", endpoint="upload")
    def upload() -> BaseResponse:
        upload_file = request.files.get("file")
        if upload_file is not None and upload_file.filename:
            name = sources.safe_filename(upload_file.filename)
            title, text = sources.read_upload(name, upload_file.read(), max_bytes=_max_bytes())
            title = sources.clean_title(request.form.get("title", "")) or title
            source = name
        else:
            title, text = sources.read_pasted(
                request.form.get("title"), request.form.get("text", ""), max_bytes=_max_bytes()
            )
            source = sources.clean_source(request.form.get("source"), "pasted text")
        article, _created = ingest(title, source, text)
        return redirect(url_for("article", article_id=article.id), code=303)

    @app.post("/sample", endpoint="load_sample")
    def load_sample() -> BaseResponse:
        title, text = sources.read_upload(SAMPLE_STORY.name, SAMPLE_STORY.read_bytes())
        article, _created = ingest(title, "sample story", text)
        return redirect(url_for("article", article_id=article.id), code=303)

    @app.get("/articles/<int:article_id>", endpoint="article")
    def article(article_id: int) -> str:
        row = _article_or_404(article_id)
        mentions = store.article_mentions(db.session, article_id)
        # The places as geojson.features groups them (one per place key, in order of first
        # mention: article_mentions comes ordered by (start, end); coordinates rounded alike),
        # straight from the rows.
        groups: dict[str, dict[str, Any]] = {}
        mention_rows = []
        for m in mentions:
            p = m.place
            key = geojson.key_for(p.place_id if p is not None else None, m.name)
            group = groups.get(key)
            if group is None:
                groups[key] = group = {
                    "place_key": key,
                    "name": p.name if p is not None else m.name,
                    "country_code": p.country_code if p is not None else None,
                    "lat": round(p.lat, geojson.COORD_DIGITS) if p is not None else None,
                    "lon": round(p.lon, geojson.COORD_DIGITS) if p is not None else None,
                    "count": 0,
                }
            group["count"] += 1
            mention_rows.append({
                "id": m.id,
                "start": m.start,
                "end": m.end,
                "surface": m.surface,
                "kind": m.kind,
                "confidence": m.confidence,
                "place_key": key,
            })
        places = list(groups.values())
        from geo import mapview

        rv = review.article_review(article_id, mentions)
        return render_template(
            "article.html",
            article={
                "id": row.id,
                "title": row.title,
                "source": row.source,
                "text": row.text,
                "created_at": store.as_utc(row.created_at),
                "status": row.status,
            },
            mentions=mention_rows,
            places=places,
            story=mapview.story_text(row.text, mention_rows, places, rv.get("by_id")),
            geojson_url=url_for("article_geojson", article_id=article_id),
            map_html=_render_map_html(),
            review=rv,
        )

    @app.get("/articles/<int:article_id>.geojson", endpoint="article_geojson")
    def article_geojson(article_id: int) -> Response:
        _article_or_404(article_id)
        return _geojson_response(article_collection(article_id))

    @app.get("/export.geojson", endpoint="export_geojson")
    def export_geojson() -> Response:
        response = Response(
            stream_with_context(export_chunks()), mimetype=geojson.MEDIA_TYPE
        )
        response.headers["Content-Disposition"] = 'attachment; filename="export.geojson"'
        return response

    @app.post("/articles/<int:article_id>/delete", endpoint="delete_article")
    def delete_article(article_id: int) -> BaseResponse:
        if not store.delete_article(db.session, article_id):
            raise NotFound(f"There is no article {article_id}.")
        return redirect(url_for("index"), code=303)


# --------------------------------------------------------------------------- JSON API


def _api_article(summary: store.ArticleSummary) -> dict[str, Any]:
    return {
        "id": summary.id,
        "title": summary.title,
        "source": summary.source,
        "created_at": summary.created_at.isoformat(),
        "status": summary.status,
        "place_count": summary.place_count,
        "mention_count": summary.mention_count,
        "url": url_for("article", article_id=summary.id, _external=True),
        "geojson": url_for("article_geojson", article_id=summary.id, _external=True),
    }


def init_api(app: Flask) -> None:
    @app.post("/api/articles", endpoint="api_create_article")
    def api_create_article() -> Any:
        try:
            payload = request.get_json(silent=True)
        except RecursionError:  # absurdly nested JSON: as malformed as any other
            payload = None
        if not isinstance(payload, dict):
            return _error_response(
                400, 'Send a JSON object: {"title": ..., "text": ...} or {"title": ..., "html": ...}.'
            )
        title = payload.get("title")
        if title is not None and not isinstance(title, str):
            return _error_response(400, '"title" must be a string.')
        has_text, has_html = "text" in payload, "html" in payload
        if has_text == has_html:
            return _error_response(400, 'Send exactly one of "text" or "html".')
        body = payload["text"] if has_text else payload["html"]
        if not isinstance(body, str):
            return _error_response(400, f'"{"text" if has_text else "html"}" must be a string.')
        source = sources.clean_source(payload.get("source"), "api")
        title, text = sources.read_pasted(title, body, max_bytes=_max_bytes(), html=has_html)
        article, created = ingest(title, source, text)
        url = url_for("article", article_id=article.id, _external=True)
        return (
            jsonify(
                id=article.id,
                url=url,
                geojson=url_for("article_geojson", article_id=article.id, _external=True),
                created=created,
            ),
            201 if created else 200,
            {"Location": url},
        )

    @app.get("/api/articles", endpoint="api_list_articles")
    def api_list_articles() -> Any:
        return jsonify(articles=[_api_article(a) for a in _summaries()])


# --------------------------------------------------------------------------- CLI


def _write_chunks(chunks: Iterable[str], out: IO[str]) -> None:
    for chunk in chunks:
        out.write(chunk)


def _read_jsonl(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
            doc_id, text = doc["id"], doc["text"]
        except (ValueError, KeyError, TypeError) as exc:
            raise click.ClickException(f"line {n}: expected {{\"id\": ..., \"text\": ...}} ({exc})") from exc
        if not isinstance(text, str):
            raise click.ClickException(f"line {n}: \"text\" must be a string")
        yield str(doc_id), text


_OUT = click.File("w", encoding="utf-8")


def _read_source(path: str) -> tuple[str, str]:
    title, text = sources.read_upload(path, Path(path).read_bytes(), max_bytes=_max_bytes())
    return title, text


def _store_parsed(title: str, source: str, story: Story) -> tuple[store.Article, bool]:
    existing = store.find_by_hash(db.session, story.text)
    if existing is not None:  # the same text came twice in one batch
        return existing, False
    return store.save_story(db.session, title, source, story), True


_worker_geoparser: GeoparserLike | None = None


def _init_parse_worker(gazetteer: str) -> None:
    """Start of an `ingest --jobs` worker process: its geoparser, loaded once for its lifetime."""
    global _worker_geoparser
    from geo.pipeline import load_geoparser

    _worker_geoparser = load_geoparser(gazetteer)


def _parse_in_worker(text: str) -> Story:
    assert _worker_geoparser is not None, "not an ingest worker"
    return _worker_geoparser.parse(text)


def _ingest_paths(paths: Iterable[str], jobs: int = 1) -> Iterator[tuple[str, Any]]:
    """(path, (article, created) or the GeoError) for each file, in order.

    With jobs > 1 the geoparsing runs in that many worker processes while this process reads
    the files and stores the stories (one writer); a few files are in flight at a time. An
    injected geoparser (tests) and a missing gazetteer (reported file by file) stay in-process.
    """
    gazetteer = Path(current_app.config["GAZETTEER_PATH"])
    if jobs <= 1 or current_app.config.get("GEOPARSER") is not None or not gazetteer.is_file():
        for path in paths:
            try:
                title, text = _read_source(path)
                yield path, ingest(title, os.path.basename(path), text)
            except GeoError as exc:
                yield path, exc
        return
    import collections
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    def settle(path: str, title: str, job: Any) -> tuple[str, Any]:
        if isinstance(job, (GeoError, tuple)):
            return path, job
        try:
            story = job.result()
        except GeoError as exc:
            return path, exc
        return path, _store_parsed(title, os.path.basename(path), story)

    window: collections.deque[tuple[str, str, Any]] = collections.deque()
    with ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_parse_worker, initargs=(str(gazetteer),),
    ) as pool:
        for path in paths:
            try:
                title, text = _read_source(path)
            except GeoError as exc:
                window.append((path, "", exc))
            else:
                existing = store.find_by_hash(db.session, text)
                job = (existing, False) if existing is not None else pool.submit(_parse_in_worker, text)
                window.append((path, title, job))
            while len(window) > 2 * jobs:
                yield settle(*window.popleft())
        while window:
            yield settle(*window.popleft())


def init_cli(app: Flask) -> None:
    @app.cli.command("ingest")
    @click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
    @click.option(
        "-j", "--jobs", type=click.IntRange(min=0), default=1, show_default=True,
        help="Geoparse in this many worker processes, each loading the model once (0: one per CPU).",
    )
    def ingest_command(paths: tuple[str, ...], jobs: int) -> None:
        """Geoparse and store files (.txt, .md, .html); print each article's id and place count."""
        failed = 0
        for path, outcome in _ingest_paths(paths, jobs or os.cpu_count() or 1):
            if isinstance(outcome, GeoError):
                failed += 1
                click.echo(f"{path}: {outcome}", err=True)
                continue
            article, created = outcome
            places = len({m.place_id for m in article.mentions if m.place_id is not None})
            note = "" if created else "\t(already stored)"
            click.echo(f"{article.id}\t{places} places\t{path}{note}")
        if failed:
            raise click.exceptions.Exit(1)

    @app.cli.command("export")
    @click.option("--article", "article_id", type=int, help="Only this article.")
    @click.option("-o", "--output", type=_OUT, default="-", help="Output file (default: stdout).")
    def export_command(article_id: int | None, output: IO[str]) -> None:
        """Write stored articles as one GeoJSON FeatureCollection."""
        if article_id is not None and store.get_article(db.session, article_id) is None:
            raise click.ClickException(f"There is no article {article_id}.")
        if article_id is not None:
            output.write(json.dumps(article_collection(article_id), ensure_ascii=False) + "\n")
        else:
            _write_chunks(export_chunks(), output)

    @app.cli.command("geoparse")
    @click.argument("infile", type=click.File("r", encoding="utf-8"))
    @click.option("-o", "--output", type=_OUT, default="-", help="Output JSONL (default: stdout).")
    @click.option("--batch-size", type=int, default=32, show_default=True)
    def geoparse_command(infile: IO[str], output: IO[str], batch_size: int) -> None:
        """Corpus mode: {"id","text"} JSONL in, one FeatureCollection per line out; stores nothing."""
        geoparser = get_geoparser()
        docs = _read_jsonl(infile)
        while batch := list(itertools.islice(docs, batch_size)):
            stories = geoparser.parse_many([text for _, text in batch], batch_size=batch_size)
            for (doc_id, _), story in zip(batch, stories, strict=True):
                fc = geojson.story_collection(story, doc_id=doc_id)
                output.write(json.dumps(fc, ensure_ascii=False) + "\n")

    @app.cli.group("gazetteer")
    def gazetteer_group() -> None:
        """The offline place gazetteer."""

    @gazetteer_group.command("build")
    @click.option(
        "--out", "out_path", type=click.Path(dir_okay=False), help="Default: GAZETTEER_PATH."
    )
    def gazetteer_build_command(out_path: str | None) -> None:
        """Build the SQLite gazetteer from the installed packages' data."""
        from geo.gazetteer_build import build  # another module's heavy work: on demand only

        target = out_path or current_app.config["GAZETTEER_PATH"]
        stats = build(target)
        click.echo(f"gazetteer written to {target}: {stats}")
