"""`make bench`: the speed and memory of the story mapper, each figure beside a reference.

Every figure is printed next to a reference measured in the same run (the machines are shared
and noisy, so ratios say more than absolute numbers) and next to its target from issue #6:

- geoparse throughput over both dev corpora vs spaCy NER-only (the same model, only ``ner``)
  on the same texts, in interleaved rounds; peak RSS of each in a fresh process;
- cold start: process start -> first analysed article (POST /api/articles), split into
  imports, model loading and gazetteer loading, vs a process that only loads NER and runs it;
- ingest latency of ~1,000-word articles through POST /api/articles (50 distinct texts) vs
  NER-only on the same texts;
- server time of the map page and the GeoJSON of a stored 500-place article vs reading its
  mentions from the database; /export.geojson over 1,000 stored articles vs a raw SQL scan of
  the same rows, and its RSS growth vs the same export over 100 articles;
- gunicorn (several workers) on 127.0.0.1 under `wrk` for a bounded time: requests/s and p99 of
  the map page and the GeoJSON of a stored article vs a static file on the same server;
- the same server while four ~400k-character analyses run in `flask worker -w 4` (a SQLite
  queue): p50/p99 of the library, a story page and its GeoJSON vs the same with no jobs running;
- batch ingest of the dev documents with `flask ingest --jobs 2` vs NER-only words/s.

Everything runs on temporary databases in a temporary folder (never the instance database);
the read-only gazetteer is the only shared file. Synthetic stored articles are built with
geo.store.save_story. ``--quick`` runs a small version of each part (for a smoke run).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import re
import resource
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MODEL_COMPONENTS = ("tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer", "ner")
CORPORA = ("gwn-dev.jsonl", "lgl-dev.jsonl")
BENCH_TOKEN = "bench-editor-token"

# --------------------------------------------------------------------------- small helpers


def words(text: str) -> int:
    """Words as scripts/evaluate.py counts them (whitespace-separated)."""
    return len(text.split())


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) with linear interpolation between closest ranks."""
    if not values:
        raise ValueError("percentile of nothing")
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def rss_mb() -> float:
    """This process's current resident set size in MB (Linux /proc)."""
    with open("/proc/self/statm", encoding="ascii") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB: VmHWM of its own memory map where Linux gives it
    (ru_maxrss is kept across exec, so a child started by a large bench process would report at
    least the parent's size when it forked), else ru_maxrss."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        status = ""
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1e3  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3  # KB on Linux


def read_corpora(shared: Path, names: Iterable[str] = CORPORA) -> list[str]:
    """The texts of the dev corpora, in file order."""
    texts = []
    for name in names:
        with (shared / "eval" / name).open(encoding="utf-8") as f:  # by lines: U+2028 in strings
            texts += [json.loads(line)["text"] for line in f if line.strip()]
    return texts


def article_texts(docs: Sequence[str], n: int, size: int = 1000) -> list[str]:
    """n distinct texts of about ``size`` words, made of consecutive corpus lines (paragraphs kept)."""
    out: list[str] = []
    seen: set[str] = set()
    lines = [line for doc in docs for line in doc.splitlines() if line.strip()]
    if not lines:
        raise ValueError("no text to build articles from")
    at = 0
    while len(out) < n:
        chosen: list[str] = []
        count = 0
        while count < size:
            line = lines[at % len(lines)]
            at += 1
            parts = line.split()
            if count + len(parts) > size:
                line = " ".join(parts[: size - count])
                parts = line.split()
            chosen.append(line)
            count += len(parts)
        text = "\n\n".join(chosen)
        if text in seen:  # only when the corpus is smaller than n * size words
            text = f"Dispatch {len(out) + 1}.\n\n{text}"
        seen.add(text)
        out.append(text)
    return out


WRK_SOCKET_ERRORS = ("connect", "read", "write", "timeout")
WRK_ERRORS = WRK_SOCKET_ERRORS + ("non2xx",)


def parse_duration_ms(value: str) -> float:
    """A wrk duration ("812.00us", "4.93ms", "1.02s", "1.50m") in milliseconds."""
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value.strip())
    if not m:
        raise ValueError(f"not a wrk duration: {value!r}")
    scale = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}[m.group(2)]
    return float(m.group(1)) * scale


def parse_wrk(output: str) -> dict[str, float]:
    """Requests/s, latency percentiles (ms), request count and errors from `wrk --latency` output."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in ", output)
    if not rps or not total:
        raise ValueError("no wrk summary in:\n" + output)
    result: dict[str, float] = {"rps": float(rps.group(1)), "requests": int(total.group(1))}
    for pct, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.M):
        result[f"p{pct}_ms"] = parse_duration_ms(value)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    for kind, count in zip(WRK_SOCKET_ERRORS, sock.groups() if sock else (0,) * len(WRK_SOCKET_ERRORS)):
        result[kind] = int(count)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["non2xx"] = int(non2xx.group(1)) if non2xx else 0
    result["errors"] = sum(result[kind] for kind in WRK_ERRORS)
    return result


def wrk_errors(result: dict[str, float]) -> str:
    """The kinds of a wrk run's errors ("timeout 2, non2xx 1"), or "none"."""
    return ", ".join(f"{kind} {result[kind]:.0f}" for kind in WRK_ERRORS if result.get(kind)) or "none"


# --------------------------------------------------------------------------- synthetic stories

_COUNTRIES = ("FR", "DE", "SY", "LB", "US", "GB", "KE", "IN", "BR", "JP", "AU", "CA", "EG", "TR")


def synthetic_place(i: int):
    """A made-up gazetteer place, spread over the globe."""
    from geo.types import Place

    return Place(
        place_id=f"bench:{i}",
        name=f"Benchford {i}",
        lat=round(-60 + (i * 7919 % 12000) / 100, 5),
        lon=round(-179 + (i * 104729 % 35800) / 100, 5),
        geonameid=None,
        country_code=_COUNTRIES[i % len(_COUNTRIES)],
        feature_class="P",
        feature_code="PPL",
        population=1000 + i,
        admin1=None,
        source="bench",
    )


def synthetic_story(
    place_ids: Sequence[int], mentions_per_place: int = 2, tag: str = "", filler_words: int = 0
):
    """A Story whose text mentions each place ``mentions_per_place`` times, one sentence a mention.

    Offsets, surfaces and passages are consistent with the text, as the geoparser makes them;
    each mention has its place and one runner-up as alternatives. ``tag`` makes texts distinct.
    """
    from geo.types import Candidate, Mention, Passage, ResolvedMention, Story

    places = {i: synthetic_place(i) for i in place_ids}
    lines: list[str] = []
    mentions = []
    pos = 0
    n = 0
    for round_ in range(mentions_per_place):
        for i in place_ids:
            place = places[i]
            n += 1
            line = f"{tag}Day {n}: the convoy reached {place.name} before nightfall, round {round_ + 1}."
            start = pos + line.index(place.name)
            end = start + len(place.name)
            runner_up = synthetic_place(i + 1_000_000)
            mentions.append(
                ResolvedMention(
                    mention=Mention(start, end, place.name, place.name, "literal", "gazetteer", "GPE"),
                    place=place,
                    confidence=0.8,
                    passage=Passage(pos, pos + len(line), line),
                    alternatives=(Candidate(place, 0.8), Candidate(runner_up, 0.1)),
                )
            )
            lines.append(line)
            pos += len(line) + 2  # "\n\n"
    filler = "The talks went on late into the night while the delegates waited for news."
    while filler_words > 0:
        lines.append(filler)
        filler_words -= words(filler)
    return Story(text="\n\n".join(lines), mentions=tuple(mentions))


def library_story(k: int, places_per_article: int = 8, pool: int = 2000, filler_words: int = 300):
    """The k-th article of a synthetic library: places drawn from a shared pool, distinct text."""
    first = (k * 37) % pool
    ids = [(first + j * 211) % pool for j in range(places_per_article)]
    return synthetic_story(ids, 2, tag=f"Report {k}. ", filler_words=filler_words)


def store_stories(session, stories: Iterable[Any], title: str = "Bench article") -> list[int]:
    """Save stories with geo.store.save_story; their article ids."""
    from geo import store

    return [store.save_story(session, f"{title} {n}", "bench", s).id for n, s in enumerate(stories)]


# --------------------------------------------------------------------------- apps and processes


def bench_config(db_path: Path, gazetteer: Path) -> dict[str, Any]:
    """App settings for a temporary database (never the instance one)."""
    return {
        "TESTING": False,
        "SECRET_KEY": "bench-secret",
        "DATABASE_URL": f"sqlite:///{db_path}",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
        "GAZETTEER_PATH": str(gazetteer),
        "EDITOR_TOKEN": BENCH_TOKEN,
        "TILES": None,
        # In-process figures include the analysis, as before jobs (a worker would add queueing).
        "QUEUE_URL": "immediate",
    }


def bench_env(db_path: Path, gazetteer: Path) -> dict[str, str]:
    """The same settings as environment variables, for `flask` and gunicorn processes."""
    env = {k: v for k, v in os.environ.items() if k not in ("TILES", "DATABASE_URL")}
    env.update(
        SECRET_KEY="bench-secret",
        DATABASE_URL=f"sqlite:///{db_path}",
        GAZETTEER_PATH=str(gazetteer),
        EDITOR_TOKEN=BENCH_TOKEN,
        PYTHONPATH=str(ROOT),
    )
    return env


def make_app(db_path: Path, gazetteer: Path):
    """An app on a new, migrated SQLite database."""
    import flask_migrate

    from app import create_app
    from web.extensions import MIGRATIONS_DIR

    app = create_app(bench_config(db_path, gazetteer))
    logging.disable(logging.INFO)  # alembic's progress lines
    try:
        with app.app_context():
            flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
    finally:
        logging.disable(logging.NOTSET)
    return app


API_HEADERS = {"Authorization": f"Bearer {BENCH_TOKEN}"}


def post_article(client, title: str, text: str):
    """POST /api/articles as a script would (JSON, bearer token)."""
    return client.post("/api/articles", json={"title": title, "text": text}, headers=API_HEADERS)


def run_child(args: list[str], timeout: float = 600) -> dict[str, Any]:
    """Run this script in a child mode; its JSON result plus the spawn time and its peak RSS."""
    t0 = time.time()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    if proc.returncode != 0:
        raise RuntimeError(f"child {args[0]} failed with exit code {proc.returncode}")
    result = json.loads(out.strip().splitlines()[-1])
    result["spawned_at"] = t0
    return result


def ner_only(model: str | None = None):
    """The same spaCy model with only its 'ner' component (it carries its own tok2vec)."""
    import spacy

    from geo.nlp import MODEL_NAME

    return spacy.load(model or MODEL_NAME, exclude=[c for c in MODEL_COMPONENTS if c != "ner"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- child modes


def child_cold(a: argparse.Namespace) -> dict[str, Any]:
    """From process start: app import, model load, gazetteer load, first article through the API."""
    stamps = {"main": time.time()}
    text = Path(a.text_file).read_text(encoding="utf-8")
    import app as app_module  # noqa: F401  (what any server process imports first)

    app = app_module.create_app(bench_config(Path(a.db), Path(a.gazetteer)))
    stamps["app"] = time.time()
    lazy = "spacy" not in sys.modules
    from geo.nlp import load_nlp

    load_nlp()
    stamps["model"] = time.time()
    from geo.pipeline import load_geoparser

    geoparser = load_geoparser(a.gazetteer)
    geoparser.index.known_names(["London"])  # opens the index and reads it once
    stamps["gazetteer"] = time.time()
    client = app.test_client()
    resp = post_article(client, "Cold start", text)
    stamps["first_article"] = time.time()
    cpu_first = time.process_time()  # this process's own CPU seconds, interpreter start included
    if resp.status_code != 202:
        raise SystemExit(f"first article: HTTP {resp.status_code} {resp.get_data(as_text=True)[:300]}")
    resp2 = post_article(client, "Cold start 2", text + "\n\nA second, different text.")
    once = load_nlp.cache_info().misses == 1 and resp2.status_code == 202
    result: dict[str, Any] = {"stamps": stamps, "lazy": lazy, "once": once, "cpu_first": cpu_first}
    if a.corpus:
        from geo import geojson

        texts = read_corpora(Path(a.corpus))
        t = time.perf_counter()
        for n, story in enumerate(geoparser.parse_many(texts, batch_size=32)):
            json.dumps(geojson.story_collection(story, doc_id=str(n)), ensure_ascii=False)
        result["corpus_seconds"] = time.perf_counter() - t
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def child_cold_ner(a: argparse.Namespace) -> dict[str, Any]:
    """The reference: from process start, load the NER-only model and run it on the same text."""
    stamps = {"main": time.time()}
    text = Path(a.text_file).read_text(encoding="utf-8")
    nlp = ner_only()
    stamps["model"] = time.time()
    nlp(text)
    stamps["first_article"] = time.time()
    result: dict[str, Any] = {"stamps": stamps, "cpu_first": time.process_time()}
    if a.corpus:
        texts = read_corpora(Path(a.corpus))
        t = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=32):
            pass
        result["corpus_seconds"] = time.perf_counter() - t
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def child_export(a: argparse.Namespace) -> dict[str, Any]:
    """Stream /export.geojson through the app; seconds, bytes and RSS growth while streaming."""
    app = __import__("app").create_app(bench_config(Path(a.db), Path(a.gazetteer)))
    client = app.test_client()
    warm = client.get("/articles/1.geojson")  # imports and first-request set-up, not measured
    warm.close()
    base = rss_mb()
    peak = base
    t = time.perf_counter()
    resp = client.get("/export.geojson", buffered=False)
    size = 0
    for n, chunk in enumerate(resp.response):
        size += len(chunk)
        if n % 25 == 0:
            peak = max(peak, rss_mb())
    resp.close()
    seconds = time.perf_counter() - t
    peak = max(peak, rss_mb())
    return {
        "status": resp.status_code,
        "seconds": seconds,
        "bytes": size,
        "rss_base_mb": base,
        "rss_growth_mb": peak - base,
    }


# The "cost versus size" inputs: ordinary prose of three sizes and the pathological shapes of issue #10.
COST_PROSE_SIZES = (10_000, 100_000, 1_000_000)
_COST_NAMES = ("Paris", "London", "Berlin", "Madrid", "Rome", "Vienna", "Cairo", "Damascus", "Beirut", "Baghdad",
               "Tokyo", "Nairobi", "Lagos", "Lima", "Quito", "Oslo", "Kabul", "Delhi", "Texas", "Ohio")


def cost_prose(docs: Sequence[str], size: int) -> str:
    """About ``size`` characters of ordinary prose: corpus documents one after another, cut at a paragraph."""
    pool = "\n\n".join(docs) or (ROOT / "geo" / "data" / "sample_story.md").read_text(encoding="utf-8")
    text = (pool + "\n\n") * (size // len(pool) + 1)
    cut = text.rfind("\n\n", 0, size)
    return text[:cut if cut > size // 2 else size]


def cost_inputs(docs: Sequence[str]) -> dict[str, str]:
    """Each cost input by name: prose sizes, then the pathological ones (HTML goes through geo.sources)."""
    inputs = {f"prose {size // 1000}k": cost_prose(docs, size) for size in COST_PROSE_SIZES}
    chains = " ".join("-".join(f"{_COST_NAMES[(k + m) % 20]}-well-known" for m in range(8)) for k in range(400))
    inputs["initials 'A. ' 50 kB"] = "A. " * 16_667
    inputs["hyphen chains 50 kB"] = chains[:50_000]
    inputs["10k place names in a row"] = " ".join(_COST_NAMES[k % 20] for k in range(10_000)) + "."
    inputs["html 100k attributes"] = ("<html><body><div " + " ".join(f'a{k}="v"' for k in range(100_000))
                                      + "><p>Floods hit Lisbon and Porto this week, officials said.</p></div></body></html>")
    inputs["one 1M-character line"] = cost_prose(docs, 1_000_000).replace("\n", " ")
    return inputs


def child_cost(a: argparse.Namespace) -> dict[str, Any]:
    """Geoparse one cost input in a fresh process (model loaded and warmed first): seconds and peak RSS."""
    from geo.errors import GeoError
    from geo.pipeline import load_geoparser
    from geo.sources import read_html

    text = Path(a.text_file).read_text(encoding="utf-8")
    geoparser = load_geoparser(a.gazetteer)
    geoparser.parse("Warm-up: floods in Lisbon.")
    result: dict[str, Any] = {"refused": ""}
    t, cpu = time.perf_counter(), time.process_time()
    try:
        if text.startswith("<html>"):
            text = read_html(text).text
        result["mentions"] = len(geoparser.parse(text).mentions)
    except GeoError as exc:
        result["refused"] = str(exc)
    result["seconds"], result["cpu_seconds"] = time.perf_counter() - t, time.process_time() - cpu
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def child_cost_ner(a: argparse.Namespace) -> dict[str, Any]:
    """The reference: the NER-only model over the same text (in the pieces the geoparser gives spaCy)."""
    from geo.chunks import pieces

    text = Path(a.text_file).read_text(encoding="utf-8")
    nlp = ner_only()
    nlp.max_length = max(nlp.max_length, len(text) + 1)
    nlp("Warm-up: floods in Lisbon.")
    t, cpu = time.perf_counter(), time.process_time()
    for _doc in nlp.pipe(pieces(text), batch_size=16):
        pass
    return {"seconds": time.perf_counter() - t, "cpu_seconds": time.process_time() - cpu, "peak_rss_mb": peak_rss_mb()}



CHILDREN: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "cold": child_cold,
    "cold-ner": child_cold_ner,
    "export": child_export,
    "cost": child_cost,
    "cost-ner": child_cost_ner,
}


# --------------------------------------------------------------------------- the report


@dataclass
class Figure:
    """One printed line: a figure, its reference from the same run, their ratio, and the target."""

    name: str
    value: float
    unit: str
    reference: float | None = None
    ref_name: str = ""
    target: str = ""
    ok: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.reference in (None, 0):
            return None
        return self.value / self.reference

    def line(self) -> str:
        ratio = f"{self.ratio:6.2f}x" if self.ratio is not None else "    -  "
        ref = f"{_fmt(self.reference)} {self.unit} {self.ref_name}" if self.reference is not None else ""
        verdict = {True: "ok", False: "BELOW TARGET", None: ""}[self.ok]
        out = f"  {self.name:<44} {_fmt(self.value):>10} {self.unit:<6} | ref {ref:<52} | {ratio} | {self.target:<22} {verdict}"
        return out + (f"\n      {self.note}" if self.note else "")


def _fmt(x: float | None) -> str:
    if x is None:
        return "-"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}"


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)
    section: str = ""

    def start(self, title: str) -> None:
        self.section = title
        print(f"\n== {title}", flush=True)

    def add(self, fig: Figure) -> Figure:
        self.figures.append(fig)
        print(fig.line(), flush=True)
        return fig

    def summary(self) -> str:
        below = [f for f in self.figures if f.ok is False]
        lines = ["", "== summary: " + (f"{len(below)} figure(s) below target" if below else "every target met")]
        lines += [f.line() for f in below]
        return "\n".join(lines)


# --------------------------------------------------------------------------- the parts


@dataclass
class Ctx:
    shared: Path
    gazetteer: Path
    tmp: Path
    quick: bool
    rounds: int
    texts: list[str]
    report: Report
    ner_wps: float | None = None
    results: dict[str, Any] = field(default_factory=dict)


def part_cold_and_memory(c: Ctx) -> None:
    """Cold start (twice each) and peak RSS over the corpora, each in a fresh process."""
    c.report.start("cold start (process start -> first analysed article) and peak memory")
    text_file = c.tmp / "cold.txt"
    text_file.write_text(article_texts(c.texts, 1)[0], encoding="utf-8")
    colds, refs = [], []
    for n in range(1 if c.quick else 2):
        db = c.tmp / f"cold-{n}.sqlite"
        make_app(db, c.gazetteer)  # the schema, in this process: not part of the cold start
        common = ["--db", str(db), "--gazetteer", str(c.gazetteer), "--text-file", str(text_file)]
        colds.append(run_child(["cold", *common]))
        refs.append(run_child(["cold-ner", *common]))

    def since(r: dict[str, Any], stamp: str) -> float:
        return r["stamps"][stamp] - r["spawned_at"]

    best = min(colds, key=lambda r: since(r, "first_article"))
    ref = min(refs, key=lambda r: since(r, "first_article"))
    total = since(best, "first_article")
    st = best["stamps"]
    c.report.add(Figure(
        "cold start: first analysed article", total, "s", since(ref, "first_article"),
        "(NER-only: load + first doc)", "<= 3 s", total <= 3.0,
        f"runs {', '.join('%.2f' % since(r, 'first_article') for r in colds)} s; "
        f"python+app {st['app'] - best['spawned_at']:.2f} s, model {st['model'] - st['app']:.2f} s, "
        f"gazetteer {st['gazetteer'] - st['model']:.3f} s, first article {st['first_article'] - st['gazetteer']:.2f} s; "
        f"lazy (no spaCy at create_app): {best['lazy']}; loaded once per process: {best['once']}",
    ))
    cpu_first = min(r["cpu_first"] for r in colds)
    c.report.add(Figure("cold start: CPU seconds to first article", cpu_first, "s",
                        min(r["cpu_first"] for r in refs), "(NER-only)", "<= 3 s", cpu_first <= 3.0,
                        "the same path counted in this process's own CPU time (not inflated by other load)"))
    c.report.add(Figure("  of which model loading", st["model"] - st["app"], "s",
                        ref["stamps"]["model"] - ref["spawned_at"], "(NER-only spacy.load from start)"))
    c.report.add(Figure("  of which gazetteer loading", st["gazetteer"] - st["model"], "s"))
    # peak memory: one more process of each kind, which also geoparses both corpora
    db = c.tmp / "memory.sqlite"
    make_app(db, c.gazetteer)
    common = ["--db", str(db), "--gazetteer", str(c.gazetteer), "--text-file", str(text_file),
              "--corpus", str(c.shared)]
    if c.quick:
        common[-2:] = []
    geo_mem = run_child(["cold", *common])
    ner_mem = run_child(["cold-ner", *common])
    c.report.add(Figure("peak RSS: app + geoparse of both corpora", geo_mem["peak_rss_mb"], "MB",
                        ner_mem["peak_rss_mb"], "(NER-only over the same texts)", "reported"))


def part_throughput(c: Ctx) -> None:
    """Geoparse (recognise, resolve, passages, GeoJSON) vs NER-only, interleaved rounds."""
    from geo import geojson
    from geo.pipeline import load_geoparser

    c.report.start(f"geoparse throughput over {len(c.texts)} dev documents ({c.rounds} interleaved rounds)")
    n_words = sum(words(t) for t in c.texts)
    ner = ner_only()
    geoparser = load_geoparser(c.gazetteer)
    warm = c.texts[:8]
    list(ner.pipe(warm))
    list(geoparser.parse_many(warm))

    # Short slices, each run by both back to back (alternating which goes first), so that both
    # see the same load from whatever else runs on the machine.
    slices = [c.texts[i:i + 40] for i in range(0, len(c.texts), 40)]

    def run_ner(texts: list[str]) -> None:
        for _doc in ner.pipe(texts, batch_size=32):
            pass

    def run_geoparse(texts: list[str]) -> None:
        for n, story in enumerate(geoparser.parse_many(texts, batch_size=32)):
            json.dumps(geojson.story_collection(story, doc_id=str(n)), ensure_ascii=False)

    wall = {"ner": [0.0] * c.rounds, "geo": [0.0] * c.rounds}
    cpu = {"ner": [0.0] * c.rounds, "geo": [0.0] * c.rounds}
    for r in range(c.rounds):
        for k, chunk in enumerate(slices):
            order = [("ner", run_ner), ("geo", run_geoparse)]
            for key, fn in order if (r + k) % 2 == 0 else order[::-1]:
                t, p = time.perf_counter(), time.process_time()
                fn(chunk)
                wall[key][r] += time.perf_counter() - t
                cpu[key][r] += time.process_time() - p
    ratios = [n / g for n, g in zip(wall["ner"], wall["geo"])]
    cpu_ratios = [n / g for n, g in zip(cpu["ner"], cpu["geo"])]
    ner_wps = n_words / statistics.median(wall["ner"])
    geo_wps = n_words / statistics.median(wall["geo"])
    c.ner_wps = ner_wps
    ratio = statistics.median(ratios)
    cpu_ratio = statistics.median(cpu_ratios)
    c.report.add(Figure(
        "geoparse throughput (wall clock)", geo_wps, "w/s", ner_wps, "(NER-only, nlp.pipe)",
        ">= 0.75x NER-only", None,
        f"{n_words:,} words; per-round ratios {', '.join(f'{x:.3f}' for x in ratios)} (median {ratio:.3f})",
    ))
    c.report.add(Figure(
        "geoparse throughput (per CPU-second)", n_words / statistics.median(cpu["geo"]), "w/s",
        n_words / statistics.median(cpu["ner"]), "(NER-only per CPU-second)", ">= 0.75x NER-only",
        cpu_ratio >= 0.75,
        f"per-round ratios {', '.join(f'{x:.3f}' for x in cpu_ratios)} (median {cpu_ratio:.3f}); the "
        "gated ratio: this process's own CPU time is not inflated by other load on the machine",
    ))
    c.results["ner_wps"] = ner_wps


def part_ingest_and_pages(c: Ctx) -> Path:
    """Ingest latency through the API; map page / GeoJSON of a 500-place article. Returns the DB."""
    from web.extensions import db
    from geo import store
    from geo.pipeline import load_geoparser

    n = 10 if c.quick else 50
    c.report.start(f"ingest latency: POST /api/articles, {n} distinct ~1,000-word texts")
    db_path = c.tmp / "app.sqlite"
    app = make_app(db_path, c.gazetteer)
    client = app.test_client()
    load_geoparser(c.gazetteer)  # loaded once per process, like a running server
    ner = ner_only()
    texts = article_texts(c.texts, n + 2)
    for k, text in enumerate(texts[:2]):  # warm-up, not measured
        post_article(client, f"warm-up {k}", text)
    times, refs, cpus, ref_cpus = [], [], [], []
    for k, text in enumerate(texts[2:]):
        t, p = time.perf_counter(), time.process_time()
        ner(text)
        refs.append(time.perf_counter() - t)
        ref_cpus.append(time.process_time() - p)
        t, p = time.perf_counter(), time.process_time()
        resp = post_article(client, f"Bench ingest {k}", text)
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - p)
        if resp.status_code != 202:
            raise RuntimeError(f"POST /api/articles: HTTP {resp.status_code} {resp.get_data(as_text=True)[:300]}")
    c.results["stored_article"] = resp.get_json()["id"]
    med, p95 = statistics.median(times) * 1e3, percentile(times, 95) * 1e3
    c.report.add(Figure("ingest latency, median", med, "ms", statistics.median(refs) * 1e3,
                        "(NER-only on the same texts)", "<= 400 ms", med <= 400))
    c.report.add(Figure("ingest latency, p95", p95, "ms", percentile(refs, 95) * 1e3,
                        "(NER-only p95)", "reported"))
    cpu_med = statistics.median(cpus) * 1e3
    c.report.add(Figure("ingest server CPU per article, median", cpu_med, "ms",
                        statistics.median(ref_cpus) * 1e3, "(NER-only CPU)", "<= 400 ms", cpu_med <= 400,
                        "this process's CPU time for the request (not inflated by other load on the machine)"))

    c.report.start("map page and GeoJSON of a stored article with 500 places (server time)")
    with app.app_context():
        big = store_stories(db.session, [synthetic_story(range(500), 2, tag="")], "Five hundred places")[0]
    c.results["big_article"] = big
    reps = 5 if c.quick else 30

    def timed(fn: Callable[[], Any]) -> list[float]:
        fn()
        out = []
        for _ in range(reps):
            t = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t)
        return out

    def get(url: str) -> Callable[[], None]:
        def fn() -> None:
            resp = client.get(url)
            if resp.status_code != 200:
                raise RuntimeError(f"GET {url}: HTTP {resp.status_code}")
            resp.get_data()
        return fn

    def read_mentions() -> None:
        with app.app_context():
            store.article_mentions(db.session, big)

    ref = statistics.median(timed(read_mentions)) * 1e3
    page = timed(get(f"/articles/{big}"))
    gj = timed(get(f"/articles/{big}.geojson"))
    with app.app_context():
        n_feats = len(json.loads(client.get(f"/articles/{big}.geojson").get_data())["features"])
    med = statistics.median(page) * 1e3
    c.report.add(Figure("map page, 500 places, median", med, "ms", ref,
                        "(store.article_mentions)", "<= 100 ms", med <= 100,
                        f"p95 {percentile(page, 95) * 1e3:.1f} ms; {n_feats} features, 1,000 mentions"))
    med = statistics.median(gj) * 1e3
    c.report.add(Figure("article GeoJSON, 500 places, median", med, "ms", ref,
                        "(store.article_mentions)", "reported", None,
                        f"p95 {percentile(gj, 95) * 1e3:.1f} ms"))
    return db_path


def _raw_scan(db_path: Path) -> float:
    """Seconds to read every exported mention row with plain sqlite3 (the floor of the export)."""
    con = sqlite3.connect(db_path)
    t = time.perf_counter()
    for _row in con.execute(
        "SELECT m.*, p.* FROM mentions m JOIN articles a ON a.id = m.article_id "
        "LEFT JOIN places p ON p.id = m.place_id WHERE a.status = 'done' "
        "ORDER BY m.article_id, m.start, m.\"end\", m.id"
    ):
        pass
    seconds = time.perf_counter() - t
    con.close()
    return seconds


def part_export(c: Ctx) -> None:
    """/export.geojson over 100 and then 1,000 synthetic stored articles, in fresh processes."""
    from web.extensions import db

    total = 100 if c.quick else 1000
    c.report.start(f"/export.geojson over {total:,} stored articles (streamed)")
    db_path = c.tmp / "library.sqlite"
    app = make_app(db_path, c.gazetteer)
    args = ["export", "--db", str(db_path), "--gazetteer", str(c.gazetteer)]
    with app.app_context():
        store_stories(db.session, (library_story(k) for k in range(100)))
    small = run_child(args)
    with app.app_context():
        store_stories(db.session, (library_story(k) for k in range(100, total)))
    runs = [run_child(args) for _ in range(1 if c.quick else 3)]
    big = min(runs, key=lambda r: r["seconds"])
    raw = min(_raw_scan(db_path) for _ in range(3))
    if any(r["status"] != 200 for r in [small, *runs]):
        raise RuntimeError("/export.geojson did not answer 200")
    c.report.add(Figure(f"export {total:,} articles: time to last byte", big["seconds"], "s", raw,
                        "(raw sqlite3 scan of the rows)", "<= 2 s", big["seconds"] <= 2.0,
                        f"runs {', '.join('%.2f' % r['seconds'] for r in runs)} s; "
                        f"{big['bytes'] / 1e6:.1f} MB streamed"))
    growth = max(r["rss_growth_mb"] for r in runs)
    flat = growth <= max(2 * small["rss_growth_mb"], 10.0)
    c.report.add(Figure(f"export {total:,} articles: RSS growth", growth, "MB", small["rss_growth_mb"],
                        "(the same export over 100 articles)", "flat (<= 2x or 10 MB)", flat,
                        f"{big['bytes'] / 1e6:.1f} MB of GeoJSON streamed from a {big['rss_base_mb']:.0f} MB process"))


def _wait_http(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited early")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout} s")


def gunicorn_command(port: int, workers: int) -> list[str]:
    """The production server (gunicorn.conf.py: threaded workers) with ``workers`` processes on a
    loopback port; its access log goes to standard output."""
    return [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py"), "--workers", str(workers),
            "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]


def gunicorn_label(workers: int) -> str:
    """How the report names that server."""
    return f"gunicorn (gunicorn.conf.py, {workers} workers x {os.environ.get('THREADS', '4')} threads)"


def wrk(url: str, seconds: int, connections: int, threads: int = 1) -> dict[str, float]:
    """One bounded wrk run against a loopback URL."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("load only 127.0.0.1")
    exe = shutil.which("wrk")
    if exe is None:
        raise RuntimeError("wrk is not installed (make bench installs it: apt-get install -y wrk)")
    out = subprocess.run(
        [exe, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "2s", "--latency", url],
        capture_output=True, text=True, timeout=seconds + 30, check=True,
    ).stdout
    return parse_wrk(out)


def _static_path() -> str:
    for rel in ("css/story.css", "css/favicon.svg"):
        if (ROOT / "static" / rel).is_file():
            return rel
    raise RuntimeError("no static file to use as the reference")


def part_load(c: Ctx, db_path: Path, workers: int, seconds: int, connections: int) -> None:
    """gunicorn on 127.0.0.1 under wrk: a static file (reference), the map page, the GeoJSON."""
    c.report.start(f"under load: {gunicorn_label(workers)} on 127.0.0.1, wrk {seconds} s x {connections} connections")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(gunicorn_command(port, workers), cwd=ROOT, env=bench_env(db_path, c.gazetteer),
                            stdout=subprocess.DEVNULL)
    try:
        article = c.results["stored_article"]
        _wait_http(f"{base}/articles/{article}", proc)
        runs = 1 if c.quick else 2
        for path in (f"/articles/{article}", f"/articles/{article}.geojson"):  # every worker warm
            wrk(base + path, 2, connections)
        static = max((wrk(f"{base}/static/{_static_path()}", seconds, connections) for _ in range(runs)),
                     key=lambda r: r["rps"])
        for label, path, gate in (("map page", f"/articles/{article}", True),
                                  ("article GeoJSON", f"/articles/{article}.geojson", False)):
            results = [wrk(base + path, seconds, connections) for _ in range(runs)]
            best = max(results, key=lambda r: r["rps"])
            ok = best["rps"] >= 300 and best["p99_ms"] <= 100 and best["errors"] == 0
            c.report.add(Figure(
                f"{label}: requests/s", best["rps"], "req/s", static["rps"], "(static file, same server)",
                ">= 300 req/s" if gate else "reported", ok if gate else None,
                "runs " + "; ".join(f"{r['rps']:.0f} req/s p99 {r['p99_ms']:.1f} ms errors {r['errors']}"
                                    for r in results),
            ))
            c.report.add(Figure(
                f"{label}: p99 latency", best["p99_ms"], "ms", static["p99_ms"], "(static file p99)",
                "<= 100 ms, 0 errors" if gate else "reported",
                (best["p99_ms"] <= 100 and best["errors"] == 0) if gate else None,
                f"errors {best['errors']} of {best['requests']:.0f} requests; p50 {best['p50_ms']:.1f} ms",
            ))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _ingest_supports_jobs(env: dict[str, str]) -> bool:
    out = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "ingest", "--help"],
                         cwd=ROOT, env=env, capture_output=True, text=True).stdout
    return "--jobs" in out


def _batch_run(c: Ctx, paths: list[str], name: str, jobs_args: list[str]) -> tuple[float, float, str]:
    """One `flask ingest` into a fresh database: (wall seconds, CPU seconds of it and its workers, stdout)."""
    db_path = c.tmp / f"{name}.sqlite"
    make_app(db_path, c.gazetteer)
    env = bench_env(db_path, c.gazetteer)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "ingest", *jobs_args, *paths],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"flask ingest failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, proc.stdout


def part_batch(c: Ctx, jobs: int) -> None:
    """`flask ingest --jobs N` over the dev documents (as .txt files), beside `--jobs 1`."""
    texts = c.texts[:20] if c.quick else c.texts
    c.report.start(f"batch ingest of {len(texts)} dev documents: `flask ingest --jobs {jobs}` vs `--jobs 1`")
    folder = c.tmp / "docs"
    folder.mkdir()
    paths = []
    for n, text in enumerate(texts):
        path = folder / f"doc-{n:03d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    probe = c.tmp / "probe.sqlite"
    if not _ingest_supports_jobs(bench_env(probe, c.gazetteer)):
        raise RuntimeError("`flask ingest` has no --jobs option")
    par_s, par_cpu, out = _batch_run(c, paths, "batch-parallel", ["--jobs", str(jobs)])
    one_s, one_cpu, _ = _batch_run(c, paths, "batch-one", ["--jobs", "1"])
    stored = len([line for line in out.splitlines() if "\t" in line])
    n_words = sum(words(t) for t in texts)
    speedup = one_s / par_s
    c.report.add(Figure(
        f"batch ingest --jobs {jobs}", n_words / par_s, "w/s", n_words / one_s, "(--jobs 1, same run)",
        "uses both cores", speedup >= 1.4,
        f"{stored} articles, {n_words:,} words in {par_s:.1f} s vs {one_s:.1f} s (model loading included); "
        f"CPU {par_cpu:.1f} s = {par_cpu / par_s:.2f} cores busy vs {one_cpu / one_s:.2f}; NER-only one "
        f"process {_fmt(c.ner_wps)} w/s",
    ))


# --------------------------------------------------------------------------- many articles (issue 10)

SCALE_UNIQUE, SCALE_POPULAR, SCALE_POPULAR_POOL = 8, 2, 500  # places per article, shared pool


def _scale_rows(k: int, base: datetime) -> tuple[dict[str, Any], list[tuple[int, dict[str, Any]]]]:
    """Article k of the bulk library: its row, and (place number, mention row) per mention."""
    from geo.store import content_hash

    nums = [k * SCALE_UNIQUE + j for j in range(SCALE_UNIQUE)]
    nums += [1_000_000 + (k * 7 + j * 131) % SCALE_POPULAR_POOL for j in range(SCALE_POPULAR)]
    lines, mentions, pos = [], [], 0
    for n, i in enumerate(nums):
        name = synthetic_place(i).name
        line = f"Report {k}, day {n}: the convoy reached {name} before nightfall."
        start = pos + line.index(name)
        mentions.append((i, {"article_id": k + 1, "start": start, "end": start + len(name),
                             "surface": name, "name": name, "passage": line, "passage_start": pos,
                             "passage_end": pos + len(line), "kind": "literal", "confidence": 0.9,
                             "source": "gazetteer"}))
        lines.append(line)
        pos += len(line) + 2
    lines.append("The talks went on late into the night while the delegates waited for news. " * 8)
    text = "\n\n".join(lines)
    row = {"id": k + 1, "title": f"Bench story {k}: {synthetic_place(nums[0]).name}",
           "source": f"https://wire-{k % 50}.example/story/{k}", "source_domain": f"wire-{k % 50}.example",
           "text": text, "content_hash": content_hash(text),
           "created_at": base + timedelta(seconds=k), "status": "done", "error": None}
    return row, mentions


def bulk_library(db_path: Path, gazetteer: Path, n_articles: int) -> dict[str, int]:
    """A migrated database holding n synthetic articles, written with SQLAlchemy core inserts
    (not the geoparser, not the ORM): 8 places of its own and 2 of a shared pool per article."""
    from sqlalchemy import create_engine, insert

    from geo import store

    make_app(db_path, gazetteer)
    base = datetime(2026, 1, 1, tzinfo=timezone.utc)
    place_ids: dict[int, int] = {}
    articles, mentions, places = [], [], []
    for k in range(n_articles):
        row, rows = _scale_rows(k, base)
        articles.append(row)
        for i, mention in rows:
            if i not in place_ids:
                place_ids[i] = len(place_ids) + 1
                places.append({"id": place_ids[i], **dataclasses.asdict(synthetic_place(i))})
            mentions.append({**mention, "place_id": place_ids[i]})
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.begin() as conn:
        for table, rows_ in ((store.Article, articles), (store.Place, places), (store.Mention, mentions)):
            for at in range(0, len(rows_), 5000):
                conn.execute(insert(table.__table__), rows_[at:at + 5000])
    engine.dispose()
    return {"articles": len(articles), "places": len(places), "mentions": len(mentions)}


def _server_ms(client, url: str, reps: int) -> list[float]:
    """Milliseconds per GET through the app (in process: server time, no network)."""
    client.get(url).close()  # first-request set-up, not measured
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        resp = client.get(url)
        resp.get_data()
        times.append((time.perf_counter() - t) * 1e3)
        if resp.status_code != 200:
            raise RuntimeError(f"GET {url}: HTTP {resp.status_code}")
    return times


def map_first_view_ms(app, runs: int) -> list[float]:
    """Milliseconds from navigation start to the first markers of /map, in Debian's chromium
    (a fresh browser context each run: nothing cached)."""
    import threading

    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/map"
    out = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                         args=["--no-sandbox", "--disable-gpu"])
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                pg = context.new_page()
                pg.goto(url, wait_until="commit")
                pg.wait_for_function("() => document.querySelector('#story[data-places-state=ready]')"
                                     " && document.querySelectorAll('path.place-marker, path.place-cluster').length",
                                     timeout=30_000)
                out.append(pg.evaluate("() => performance.now()"))
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return out


def part_scale(c: Ctx) -> None:
    """10,000 stored articles (~100k mentions): library page, /map first view, streamed export."""
    n = 1000 if c.quick else 10_000
    reps = 5 if c.quick else 20
    c.report.start(f"many articles: {n:,} stored articles written in bulk (issue 10)")
    t = time.perf_counter()
    db_path = c.tmp / "scale.sqlite"
    sizes = bulk_library(db_path, c.gazetteer, n)
    print(f"  generated {sizes['articles']:,} articles, {sizes['places']:,} places, "
          f"{sizes['mentions']:,} mentions in {time.perf_counter() - t:.1f} s", flush=True)
    app = __import__("app").create_app(bench_config(db_path, c.gazetteer))
    client = app.test_client()
    pages = {"library page 1": "/", "library page 150": "/?page=150",
             "library search 'Benchford 4242'": "/?q=Benchford%204242", "API page 1": "/api/articles",
             "map page (HTML)": "/map",
             "map area, world, zoom 2": "/map/places.geojson?bbox=-180,-85,180,85&zoom=2",
             "map area, zoom 8": "/map/places.geojson?bbox=2,45,8,49&zoom=8"}
    floor = statistics.median(_server_ms(client, "/static/css/story.css", reps))
    for name, url in pages.items():
        if url.startswith("/map/places"):  # the first answer is built, later ones are kept (web/pagecache.py)
            t = time.perf_counter()
            client.get(url).close()
            c.report.add(Figure(f"{name}: first request (built)", (time.perf_counter() - t) * 1e3, "ms", floor,
                                "(a static file, same process)", "reported", None,
                                "the aggregate query; kept per library revision for the requests below"))
        times = _server_ms(client, url, reps)
        med = statistics.median(times)
        library = name.startswith(("library", "API"))
        c.report.add(Figure(f"{name}: server time, median", med, "ms", floor,
                            "(a static file, same process)", "<= 100 ms" if library else "reported",
                            med <= 100 if library else None,
                            f"p95 {percentile(times, 95):.1f} ms over {reps} requests"))
    _scale_home_area(c, app, reps)
    views = map_first_view_ms(app, 2 if c.quick else 5)
    first = statistics.median(views)
    c.report.add(Figure("/map first view to markers (chromium)", first, "ms", None, "", "<= 1,000 ms",
                        first <= 1000, "runs " + ", ".join(f"{v:.0f}" for v in views) +
                        " ms from navigation start (threaded werkzeug server, fresh context)"))
    _scale_export(c, db_path, n)


def _scale_home_area(c: Ctx, app, reps: int) -> None:  # type: ignore[no-untyped-def]
    """A publication's other articles and their regions (what each analysis of one of its stories reads)."""
    from geo import store
    from web.extensions import db

    with app.app_context():
        times = []
        for _ in range(reps):
            t = time.perf_counter()
            found = store.source_regions(db.session, "wire-7.example", None, 0.5)
            times.append((time.perf_counter() - t) * 1e3)
    med = statistics.median(times)
    c.report.add(Figure("a publication's home area (source_regions)", med, "ms", None, "", "<= 50 ms", med <= 50,
                        f"{len(found)} of its articles read (the latest {store.SOURCE_ARTICLES}); p95 "
                        f"{percentile(times, 95):.1f} ms over {reps} calls"))


def _scale_export(c: Ctx, db_path: Path, n: int) -> None:
    """/export.geojson over the bulk library vs over a tenth of it: RSS growth while streaming."""
    small_db = c.tmp / "scale-small.sqlite"
    bulk_library(small_db, c.gazetteer, n // 10)
    small = run_child(["export", "--db", str(small_db), "--gazetteer", str(c.gazetteer)])
    big = run_child(["export", "--db", str(db_path), "--gazetteer", str(c.gazetteer)])
    growth = big["rss_growth_mb"]
    c.report.add(Figure(f"export {n:,} articles: RSS growth", growth, "MB", small["rss_growth_mb"],
                        f"(the same export over {n // 10:,} articles)", "flat (<= 2x or 10 MB)",
                        growth <= max(2 * small["rss_growth_mb"], 10.0),
                        f"{big['bytes'] / 1e6:.1f} MB streamed in {big['seconds']:.1f} s"))

# --------------------------------------------------------------------------- cost versus size (issue 10)


def part_cost(c: Ctx) -> None:
    """Cost versus size: each input geoparsed in a fresh process, beside spaCy NER-only on the same text."""
    c.report.start("cost versus size (fresh process per input, model loaded before timing; ref = spaCy NER-only)")
    runs: dict[str, dict[str, Any]] = {}
    for name, text in cost_inputs(c.texts).items():
        path = c.tmp / "cost.txt"
        path.write_text(text, encoding="utf-8")
        r = runs[name] = run_child(["cost", "--text-file", str(path), "--gazetteer", str(c.gazetteer)], timeout=1800)
        ner = None if r["refused"] else run_child(["cost-ner", "--text-file", str(path)], timeout=1800)
        r["ner_seconds"], r["ner_cpu"] = (ner["seconds"], ner["cpu_seconds"]) if ner else (None, None)
        prose = name.startswith("prose")
        note = f"{len(text):,} characters; " + (f"refused: {r['refused']}" if r["refused"] else f"{r['mentions']:,} mentions")
        note += f"; CPU seconds {r['cpu_seconds']:.2f}" + (f" vs NER-only {r['ner_cpu']:.2f}" if ner else "")
        small = not prose and "1M" not in name  # the 50 kB-scale pathological inputs; a 1M line is judged like prose
        c.report.add(Figure(f"{name}: seconds", r["seconds"], "s", r["ner_seconds"], "NER-only",
                            "<= 2 s" if small else "", r["seconds"] <= 2 if small else None, note))
        c.report.add(Figure(f"{name}: peak RSS", r["peak_rss_mb"], "MB", ner and ner["peak_rss_mb"], "NER-only"))
    big, mid = runs["prose 1000k"], runs["prose 100k"]
    c.report.add(Figure("prose 1M: geoparse vs spaCy NER-only", big["seconds"], "s", big["ner_seconds"], "NER-only",
                        "<= 1.3x", big["seconds"] <= 1.3 * big["ner_seconds"]))
    c.report.add(Figure("prose 1M: geoparse vs NER-only, CPU seconds", big["cpu_seconds"], "s", big["ner_cpu"],
                        "NER-only", "<= 1.3x", big["cpu_seconds"] <= 1.3 * big["ner_cpu"],
                        "CPU time: the machine is shared, so wall time also counts other processes' turns"))
    c.report.add(Figure("prose 1M: peak RSS", big["peak_rss_mb"], "MB", target="<= 1024 MB", ok=big["peak_rss_mb"] <= 1024))
    c.report.add(Figure("prose time(1M) / time(100k)", big["seconds"] / mid["seconds"], "x", target="<= 12",
                        ok=big["seconds"] / mid["seconds"] <= 12))
    c.report.add(Figure("prose CPU time(1M) / CPU time(100k)", big["cpu_seconds"] / mid["cpu_seconds"], "x",
                        target="<= 12", ok=big["cpu_seconds"] / mid["cpu_seconds"] <= 12))


# --------------------------------------------------------------------------- pages while jobs run

JOBS_LOAD_WORKERS = 4
JOBS_LOAD_CHARS = 400_000  # long enough that the four jobs outlast a run on an idle machine
JOBS_LOAD_P99_MS = 200.0


def _api(base: str, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
    """A JSON GET (or POST when ``payload`` is given) to the bench server, with the bench token."""
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(base + path, data=data, method="GET" if data is None else "POST",
                                 headers={**API_HEADERS, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def spawn_logged(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """A child process in its own session (so its own children can be stopped with it), output to ``log``."""
    with log.open("ab") as out:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def stop_group(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
    """Stop a child started by spawn_logged and its process group: ``sig``, then SIGKILL after ``timeout`` s."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGCONT)  # (a paused group would not act on ``sig``)
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # what is left of the group (worker processes)
    except ProcessLookupError:
        pass
    proc.wait()


def _job_states(base: str, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    return {i: _api(base, f"/api/articles/{i}") for i in ids}


def _keep_jobs_running(base: str, ids: list[int], texts: Iterator[str], timeout: float = 300) -> list[int]:
    """Post texts until JOBS_LOAD_WORKERS jobs are in flight; wait until each is past loading the model."""
    live = [i for i, s in _job_states(base, ids).items() if s["status"] in ("queued", "analysing")]
    while len(live) < JOBS_LOAD_WORKERS:
        k = len(ids)
        body = _api(base, "/api/articles", {"title": f"Bench job {k}", "text": next(texts)})
        ids.append(body["id"])
        live.append(body["id"])
    deadline = time.time() + timeout
    while time.time() < deadline:
        states = _job_states(base, live)
        if all(s["status"] == "analysing" and (s["progress"] or 0) >= 20 for s in states.values()):
            return live
        if any(s["status"] not in ("queued", "analysing") for s in states.values()):
            return _keep_jobs_running(base, ids, texts, max(1.0, deadline - time.time()))
        time.sleep(0.5)
    raise RuntimeError(f"the jobs {live} did not all start analysing within {timeout:.0f} s")


def _analysing(base: str, live: list[int]) -> int:
    return sum(s["status"] == "analysing" for s in _job_states(base, live).values())


def _paused_wrk(worker: subprocess.Popen, url: str, seconds: int, connections: int) -> dict[str, float]:
    """wrk while the worker processes are paused (SIGSTOP): a reference taken beside the loaded run,
    so that the other load on a shared machine weighs on both alike."""
    os.killpg(worker.pid, signal.SIGSTOP)
    try:
        return wrk(url, seconds, connections)
    finally:
        os.killpg(worker.pid, signal.SIGCONT)


def job_texts(docs: Sequence[str]) -> Iterator[str]:
    """Distinct ~JOBS_LOAD_CHARS-character prose texts from the corpora, without end."""
    prose = cost_prose(docs, JOBS_LOAD_CHARS)
    k = 0
    while True:
        yield f"Bench job text {k}.\n\n{prose}"
        k += 1


def part_jobs_load(c: Ctx, web_workers: int, seconds: int, connections: int) -> None:
    """Library, story page and GeoJSON under wrk while four large analyses run in `flask worker -w 4`."""
    c.report.start(f"pages while {JOBS_LOAD_WORKERS} jobs run: {gunicorn_label(web_workers)} + "
                   f"`flask worker -w {JOBS_LOAD_WORKERS}`, wrk {seconds} s x {connections} connections")
    from web.extensions import db

    db_path = c.tmp / "jobs.sqlite"
    app = make_app(db_path, c.gazetteer)
    with app.app_context():
        article = store_stories(db.session, [synthetic_story(range(50), 2, tag="")], "Stored story")[0]
    env = bench_env(db_path, c.gazetteer) | {"QUEUE_URL": f"sqlite:///{c.tmp / 'jobs-queue.sqlite'}"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    web = spawn_logged(gunicorn_command(port, web_workers), env, c.tmp / "jobs-web.log")
    worker = None
    try:
        _wait_http(f"{base}/articles/{article}", web)
        pages = (("library", "/"), ("story page", f"/articles/{article}"),
                 ("story GeoJSON", f"/articles/{article}.geojson"))
        for _, path in pages:  # every web worker warm
            wrk(base + path, 2, connections)
        idle = {label: wrk(base + path, seconds, connections) for label, path in pages}  # no worker yet
        worker = spawn_logged([sys.executable, "-m", "flask", "--app", "app", "worker", "-w", str(JOBS_LOAD_WORKERS)],
                              env, c.tmp / "jobs-worker.log")
        ids: list[int] = []
        texts = job_texts(c.texts)
        for label, path in pages:
            live = _keep_jobs_running(base, ids, texts)
            if worker.poll() is not None:
                raise RuntimeError("flask worker exited early")
            paused = _paused_wrk(worker, base + path, seconds, connections)
            r = wrk(base + path, seconds, connections)
            after = _analysing(base, live)
            ok = r["p99_ms"] <= JOBS_LOAD_P99_MS and r["errors"] == 0 and after == JOBS_LOAD_WORKERS
            c.report.add(Figure(
                f"{label} while {JOBS_LOAD_WORKERS} jobs run: p99", r["p99_ms"], "ms", idle[label]["p99_ms"],
                "(no jobs running)", f"<= {JOBS_LOAD_P99_MS:.0f} ms, 0 errors", ok,
                f"p50 {r['p50_ms']:.1f} ms (no jobs {idle[label]['p50_ms']:.1f}); {r['rps']:.0f} req/s "
                f"(no jobs {idle[label]['rps']:.0f}); errors {r['errors']} of {r['requests']:.0f} ({wrk_errors(r)}); "
                f"just before, workers paused: p99 {paused['p99_ms']:.1f} ms, p50 {paused['p50_ms']:.1f} ms; "
                f"jobs analysing at the start {len(live)}, at the end {after}"))
        c.results["jobs_load_posted"] = len(ids)
    finally:
        if worker is not None:
            stop_group(worker)
        stop_group(web)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"), help="the shared/ folder")
    ap.add_argument("--gazetteer", default=os.environ.get("GAZETTEER_PATH") or str(ROOT / "instance" / "gazetteer.sqlite"))
    ap.add_argument("--rounds", type=int, default=3, help="interleaved throughput rounds")
    ap.add_argument("--quick", action="store_true", help="small inputs, one run each (a smoke run)")
    ap.add_argument("--only", default="", help="comma-separated parts: cold,throughput,ingest,export,load,jobs-load,batch,cost,scale")
    ap.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    ap.add_argument("--seconds", type=int, default=10, help="seconds of each wrk run")
    ap.add_argument("--connections", type=int, default=8, help="wrk connections")
    ap.add_argument("--jobs", type=int, default=2, help="flask ingest --jobs")
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    # child modes (this script in a fresh process)
    ap.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--text-file", help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        print(json.dumps(CHILDREN[a.child](a)), flush=True)
        return 0

    shared, gazetteer = Path(a.shared), Path(a.gazetteer).resolve()
    if not gazetteer.is_file():
        print(f"{gazetteer} is missing: run `make install`", file=sys.stderr)
        return 2
    texts = read_corpora(shared)
    if a.quick:
        texts = texts[:40]
    parts = set(filter(None, a.only.split(","))) or {"cold", "throughput", "ingest", "export", "load", "jobs-load",
                                                      "batch", "cost", "scale"}
    tmp = Path(tempfile.mkdtemp(prefix="mapper-bench-"))
    report = Report()
    print(f"bench: {len(texts)} documents, {sum(words(t) for t in texts):,} words; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; temporary folder {tmp}")
    c = Ctx(shared, gazetteer, tmp, a.quick, 1 if a.quick else a.rounds, texts, report)
    failed: list[str] = []

    def run(name: str, fn: Callable[[], Any]) -> Any:
        """One part; a failure is reported and the other parts still run."""
        try:
            return fn()
        except Exception as exc:  # noqa: BLE001 (reported, and the exit status says so)
            failed.append(name)
            print(f"  PART FAILED ({name}): {type(exc).__name__}: {exc}", flush=True)
            return None

    try:
        if "cold" in parts:
            run("cold", lambda: part_cold_and_memory(c))
        if parts & {"throughput", "batch"}:
            run("throughput", lambda: part_throughput(c))
        if parts & {"ingest", "load"}:
            db_path = run("ingest", lambda: part_ingest_and_pages(c))
            if "load" in parts and db_path is not None:
                run("load", lambda: part_load(c, db_path, a.workers, 3 if a.quick else a.seconds, a.connections))
        if "jobs-load" in parts:
            run("jobs-load", lambda: part_jobs_load(c, a.workers, 3 if a.quick else a.seconds, a.connections))
        if "export" in parts:
            run("export", lambda: part_export(c))
        if "batch" in parts:
            run("batch", lambda: part_batch(c, a.jobs))
        if "cost" in parts:
            run("cost", lambda: part_cost(c))
        if "scale" in parts:
            run("scale", lambda: part_scale(c))
    finally:
        if a.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(report.summary())
    print(f"load average at the end {os.getloadavg()[0]:.2f} (2 cores, shared: ratios are the figures to trust)")
    if a.json:
        Path(a.json).write_text(json.dumps([f.__dict__ | {"ratio": f.ratio} for f in report.figures], indent=1))
    if failed:
        print(f"parts that failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
