"""The ``flask`` commands: ingest (store, queue, wait; with worker processes of its own),
export, geoparse (corpus mode), reanalyze and gazetteer build."""
from __future__ import annotations

import itertools
import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, NamedTuple, Sequence

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from geo import geojson, sources, store
from geo.corpus import parse_with_sources
from geo.errors import GeoError
from geo.setting import SettingNotFound, with_setting
from geo.types import Place, Story
from web.atomicfile import atomic_writer
from web.extensions import db, get_geoparser
from web.ingest import found_setting, ingest, reanalyse
from web.jobs import start_consumer
from web.settings import max_upload_bytes
from web.stories import SHAPES, article_collection, export_chunks

__all__ = ["CorpusDoc", "read_jsonl", "wait_for", "init_app"]

#: From this many files on, `flask ingest` shows a progress bar while it waits.
PROGRESS_BAR_FROM = 10

_OUT = click.File("w", encoding="utf-8")


class CorpusDoc(NamedTuple):
    """One line of a corpus: its id, text, where it came from ("" if it does not say) and where it is set."""

    id: str
    text: str
    source: str
    setting: str


def read_jsonl(lines: Iterable[str]) -> Iterator[CorpusDoc]:
    """Each ``{"id": ..., "text": ...}`` line (the source: its "url", "source" or "meta": {"url"}, else "";
    the setting: its "setting", else ""); blank lines are skipped."""
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
        setting = doc.get("setting") or ""
        if not isinstance(setting, str):
            raise click.ClickException(f"line {n}: \"setting\" must be a string")
        yield CorpusDoc(str(doc_id), text, _doc_source(doc), setting)


def _doc_source(doc: dict) -> str:
    """Where a corpus document came from, if it says (a URL gives its publication: geo.home)."""
    meta = doc.get("meta") if isinstance(doc.get("meta"), dict) else {}
    for value in (doc.get("url"), doc.get("source"), meta.get("url")):
        if isinstance(value, str) and value:
            return value
    return ""


def _read_source(path: str) -> tuple[str, str]:
    return sources.read_upload(path, Path(path).read_bytes(), max_bytes=max_upload_bytes())


# --------------------------------------------------------------------------- waiting for jobs

FINISHED = ("done", "failed")


def _store_files(paths: Iterable[str], setting: str = "") -> Iterator[tuple[str, Any]]:
    """(path, (article, created) or the GeoError) for each file: stored and queued (with the setting)."""
    for path in paths:
        try:
            title, text = _read_source(path)
            yield path, ingest(title, os.path.basename(path), text, setting)
        except GeoError as exc:
            yield path, exc


def wait_for(article_id: int) -> store.Article | None:
    """The article once its analysis is done or failed (None if it was deleted meanwhile)."""
    delay = 0.05
    while True:
        db.session.expire_all()
        article = store.get_article(db.session, article_id)
        if article is None or article.status in FINISHED:
            return article
        db.session.rollback()  # end the read: the next one sees the workers' commits
        time.sleep(delay)
        delay = min(delay * 1.5, 1.0)


@contextmanager
def _workers(jobs: int, external: bool) -> Iterator[None]:
    """``jobs`` worker processes of this process for the block (none in immediate mode or
    with ``external``: the running ``flask worker``s do the work)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if external or app.config["QUEUE_URL"] == "immediate":
        yield
        return
    consumer = start_consumer(app, jobs or os.cpu_count() or 1)
    try:
        yield
    finally:
        consumer.stop(graceful=True)


def _outcome_line(path: str, article: store.Article | None, created: bool) -> tuple[str, bool]:
    """The line to print for a file (and whether it is an error)."""
    if article is None:
        return f"{path}: the article was deleted before its analysis finished", True
    if article.status == "failed":
        return f"{path}: analysis failed: {article.error}", True
    places = len({m.place_id for m in article.mentions if m.place_id is not None})
    note = "" if created else "\t(already stored)"
    return f"{article.id}\t{places} places\t{path}{note}", False


def _settled(outcomes: list[tuple[str, Any]]) -> Iterator[tuple[str, bool]]:
    for path, outcome in outcomes:
        if isinstance(outcome, GeoError):
            yield f"{path}: {outcome}", True
        else:
            yield _outcome_line(path, wait_for(outcome[0].id), outcome[1])


# --------------------------------------------------------------------------- commands

_JOBS = click.option(
    "-j", "--jobs", type=click.IntRange(min=0), default=1, show_default=True,
    help="Analyse in this many worker processes of this command while it waits, each loading "
         "the model once (0: one per CPU).",
)
_EXTERNAL = click.option(
    "--external", is_flag=True, help="Start no worker here: the running `flask worker`s analyse.")
_SETTING = click.option(
    "--setting", default="", metavar="PLACE",
    help='Where the texts are set ("Jordan, Minnesota", "Ohio", "Ireland"; geo.setting): read as context.')


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@_JOBS
@_EXTERNAL
@_SETTING
@with_appcontext
def ingest_command(paths: tuple[str, ...], jobs: int, external: bool, setting: str) -> None:
    """Store files (.txt, .md, .html), queue their analysis and wait for it; print each
    article's id and place count, one line per file as it finishes (after a progress bar
    for many files). Exit status 1 if any file could not be stored or analysed."""
    failed = False
    written, _place = _setting(setting)  # a setting the gazetteer lacks stores nothing
    with _workers(jobs, external):
        outcomes = list(_store_files(paths, written))
        settled: Iterable[tuple[str, bool]] = _settled(outcomes)
        if len(outcomes) >= PROGRESS_BAR_FROM:
            with click.progressbar(settled, length=len(outcomes), label="analysing",
                                   file=sys.stderr) as bar:
                settled = list(bar)
        for line, is_error in settled:
            failed = failed or is_error
            click.echo(line, err=is_error)
    if failed:
        raise click.exceptions.Exit(1)


def _write_export(article_id: int | None, shape: str, output: IO[str]) -> None:
    if article_id is not None:
        output.write(json.dumps(article_collection(article_id, shape), ensure_ascii=False) + "\n")
    else:
        output.writelines(export_chunks(shape=shape))


@click.command("export")
@click.option("--article", "article_id", type=int, help="Only this article.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
    help="Output file (default: stdout); written whole or not at all.",
)
@click.option(
    "--shape", type=click.Choice(SHAPES), default=SHAPES[0], show_default=True,
    help="One Feature per place (mentions nested) or per mention (flat properties), "
         "as /export.geojson?shape=.",
)
@with_appcontext
def export_command(article_id: int | None, output: str, shape: str) -> None:
    """Write stored articles as one GeoJSON FeatureCollection."""
    if article_id is not None and store.get_article(db.session, article_id) is None:
        raise click.ClickException(f"There is no article {article_id}.")
    if output == "-":
        with click.open_file("-", "w", encoding="utf-8") as stdout:
            _write_export(article_id, shape, stdout)
        return
    with atomic_writer(output) as f:  # a failure leaves no partial file behind
        _write_export(article_id, shape, f)


@click.command("geoparse")
@click.argument("infile", type=click.File("r", encoding="utf-8"))
@click.option("-o", "--output", type=_OUT, default="-", help="Output JSONL (default: stdout).")
@click.option("--batch-size", type=int, default=32, show_default=True)
@click.option("--sources/--no-sources", "by_source", default=True, show_default=True,
              help="Give documents from one publication (a shared URL host) its home area (geo.home); "
                   "this reads the whole input first.")
@_SETTING
@with_appcontext
def geoparse_command(infile: IO[str], output: IO[str], batch_size: int, by_source: bool, setting: str) -> None:
    """Corpus mode: {"id","text"} JSONL in, one FeatureCollection per line out; stores nothing. A line's own
    "setting" ("Jordan, Minnesota") overrides --setting for that document."""
    settings = _Settings(setting)
    geoparser = get_geoparser()
    docs = read_jsonl(infile)
    if by_source:
        docs_list = list(docs)
        stories = parse_with_sources(geoparser, [d.text for d in docs_list], [d.source for d in docs_list],
                                     batch_size=batch_size, settings=[settings.place(d) for d in docs_list])
        _write_collections(output, [d.id for d in docs_list], stories)
        return
    while batch := list(itertools.islice(docs, batch_size)):
        homes = [with_setting(None, place) if (place := settings.place(d)) is not None else None for d in batch]
        stories = geoparser.parse_many([d.text for d in batch], batch_size=batch_size, homes=homes)
        _write_collections(output, [d.id for d in batch], stories)


class _Settings:
    """The places of a corpus's settings, each looked up once: a document's own, else the command's."""

    def __init__(self, default: str) -> None:
        self._default = _setting(default)[1]
        self._found: dict[str, Place | None] = {}

    def place(self, doc: CorpusDoc) -> Place | None:
        """Where the document is set (None: nowhere said); a clear error naming it when the gazetteer lacks it."""
        if not doc.setting.strip():
            return self._default
        if doc.setting not in self._found:
            try:
                self._found[doc.setting] = _setting(doc.setting)[1]
            except click.ClickException as exc:
                raise click.ClickException(f"document {doc.id}: {exc.message}") from exc
        return self._found[doc.setting]


def _setting(setting: str) -> tuple[str, Place | None]:
    """A --setting as written and the place it names ("" and None for none: web.ingest.found_setting);
    a clear error when the gazetteer lacks it."""
    try:
        return found_setting(setting)
    except SettingNotFound as exc:
        raise click.ClickException(str(exc)) from exc


def _write_collections(output: IO[str], doc_ids: Sequence[str], stories: Iterable[Story]) -> None:
    """One FeatureCollection line per story, with its document's id."""
    for doc_id, story in zip(doc_ids, stories, strict=True):
        output.write(json.dumps(geojson.story_collection(story, doc_id=doc_id), ensure_ascii=False) + "\n")


@click.command("reanalyze")
@click.argument("article_ids", nargs=-1, type=int, required=True)
@_JOBS
@_EXTERNAL
@with_appcontext
def reanalyze_command(article_ids: Iterable[int], jobs: int, external: bool) -> None:
    """Queue stored articles' analysis again and wait for it; their corrections are applied again."""
    with _workers(jobs, external):
        for article_id in article_ids:
            if not reanalyse(article_id):
                raise click.ClickException(f"There is no article {article_id}.")
        for article_id in article_ids:
            article = wait_for(article_id)
            if article is None or article.status == "failed":
                raise click.ClickException(
                    f"article {article_id}: " + (article.error or "failed" if article else "deleted"))
            click.echo(f"{article_id}\t{len(article.mentions)} mentions\t{article.status}")


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
