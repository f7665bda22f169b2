"""The ``flask`` commands: ingest (with a pool of geoparsing processes), export, geoparse
(corpus mode), reanalyze and gazetteer build."""
from __future__ import annotations

import collections
import itertools
import json
import os
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from geo import geojson, sources, store
from geo.errors import GeoError
from geo.types import Story
from web.atomicfile import atomic_writer
from web.extensions import GeoparserLike, db, get_geoparser
from web.ingest import ingest, store_parsed
from web.review import reanalyze_article
from web.settings import max_upload_bytes
from web.stories import article_collection, export_chunks

__all__ = ["read_jsonl", "ingest_paths", "init_app"]

_OUT = click.File("w", encoding="utf-8")


def read_jsonl(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(id, text) of each ``{"id": ..., "text": ...}`` line; blank lines are skipped."""
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


def _read_source(path: str) -> tuple[str, str]:
    return sources.read_upload(path, Path(path).read_bytes(), max_bytes=max_upload_bytes())


# --------------------------------------------------------------------------- the ingest pool

_worker_geoparser: GeoparserLike | None = None


def _init_parse_worker(gazetteer: str) -> None:
    """Start of an `ingest --jobs` worker process: its geoparser, loaded once for its lifetime."""
    global _worker_geoparser
    from geo.pipeline import load_geoparser

    _worker_geoparser = load_geoparser(gazetteer)


def _parse_in_worker(text: str) -> Story:
    assert _worker_geoparser is not None, "not an ingest worker"
    return _worker_geoparser.parse(text)


def _ingest_in_process(paths: Iterable[str]) -> Iterator[tuple[str, Any]]:
    for path in paths:
        try:
            title, text = _read_source(path)
            yield path, ingest(title, os.path.basename(path), text)
        except GeoError as exc:
            yield path, exc


def _settle(path: str, title: str, job: Any) -> tuple[str, Any]:
    if isinstance(job, (GeoError, tuple)):
        return path, job
    try:
        story = job.result()
    except GeoError as exc:
        return path, exc
    return path, store_parsed(title, os.path.basename(path), story)


def _ingest_in_pool(paths: Iterable[str], jobs: int, gazetteer: Path) -> Iterator[tuple[str, Any]]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

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
                yield _settle(*window.popleft())
        while window:
            yield _settle(*window.popleft())


def ingest_paths(paths: Iterable[str], jobs: int = 1) -> Iterator[tuple[str, Any]]:
    """(path, (article, created) or the GeoError) for each file, in order.

    With jobs > 1 the geoparsing runs in that many worker processes while this process reads
    the files and stores the stories (one writer); a few files are in flight at a time. An
    injected geoparser (tests) and a missing gazetteer (reported file by file) stay in-process.
    """
    gazetteer = Path(current_app.config["GAZETTEER_PATH"])
    if jobs <= 1 or current_app.config.get("GEOPARSER") is not None or not gazetteer.is_file():
        return _ingest_in_process(paths)
    return _ingest_in_pool(paths, jobs, gazetteer)


# --------------------------------------------------------------------------- commands


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "-j", "--jobs", type=click.IntRange(min=0), default=1, show_default=True,
    help="Geoparse in this many worker processes, each loading the model once (0: one per CPU).",
)
@with_appcontext
def ingest_command(paths: tuple[str, ...], jobs: int) -> None:
    """Geoparse and store files (.txt, .md, .html); print each article's id and place count."""
    failed = 0
    for path, outcome in ingest_paths(paths, jobs or os.cpu_count() or 1):
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


def _write_export(article_id: int | None, output: IO[str]) -> None:
    if article_id is not None:
        output.write(json.dumps(article_collection(article_id), ensure_ascii=False) + "\n")
    else:
        output.writelines(export_chunks())


@click.command("export")
@click.option("--article", "article_id", type=int, help="Only this article.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
    help="Output file (default: stdout); written whole or not at all.",
)
@with_appcontext
def export_command(article_id: int | None, output: str) -> None:
    """Write stored articles as one GeoJSON FeatureCollection."""
    if article_id is not None and store.get_article(db.session, article_id) is None:
        raise click.ClickException(f"There is no article {article_id}.")
    if output == "-":
        with click.open_file("-", "w", encoding="utf-8") as stdout:
            _write_export(article_id, stdout)
        return
    with atomic_writer(output) as f:  # a failure leaves no partial file behind
        _write_export(article_id, f)


@click.command("geoparse")
@click.argument("infile", type=click.File("r", encoding="utf-8"))
@click.option("-o", "--output", type=_OUT, default="-", help="Output JSONL (default: stdout).")
@click.option("--batch-size", type=int, default=32, show_default=True)
@with_appcontext
def geoparse_command(infile: IO[str], output: IO[str], batch_size: int) -> None:
    """Corpus mode: {"id","text"} JSONL in, one FeatureCollection per line out; stores nothing."""
    geoparser = get_geoparser()
    docs = read_jsonl(infile)
    while batch := list(itertools.islice(docs, batch_size)):
        stories = geoparser.parse_many([text for _, text in batch], batch_size=batch_size)
        for (doc_id, _), story in zip(batch, stories, strict=True):
            fc = geojson.story_collection(story, doc_id=doc_id)
            output.write(json.dumps(fc, ensure_ascii=False) + "\n")


@click.command("reanalyze")
@click.argument("article_ids", nargs=-1, type=int, required=True)
@with_appcontext
def reanalyze_command(article_ids: Iterable[int]) -> None:
    """Geoparse stored articles again; their corrections are applied again."""
    for article_id in article_ids:
        article = store.get_article(db.session, article_id)
        if article is None:
            raise click.ClickException(f"There is no article {article_id}.")
        touched = reanalyze_article(article)
        click.echo(f"{article_id}\t{len(article.mentions)} mentions\t{touched} corrected")


gazetteer_group = AppGroup("gazetteer", help="The offline place gazetteer.")


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


def init_app(app: Flask) -> None:
    """Add the commands to ``flask --app app``."""
    for command in (ingest_command, export_command, geoparse_command, reanalyze_command,
                    gazetteer_group):
        app.cli.add_command(command)
