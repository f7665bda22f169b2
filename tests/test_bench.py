"""scripts/bench.py: its helpers on tiny inputs (a smoke test, no timing)."""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
from pathlib import Path

import pytest

from web.extensions import db
from testkit import make_app

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("mapper_bench", ROOT / "scripts" / "bench.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules["mapper_bench"] = bench  # dataclasses look their module up
_spec.loader.exec_module(bench)  # type: ignore[union-attr]

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8123/articles/1
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.03ms    1.20ms  20.00ms   80.00%
    Req/Sec     1.60k   100.00     1.80k    70.00%
  Latency Distribution
     50%  812.00us
     75%    5.50ms
     90%    6.20ms
     99%    1.02s
  16000 requests in 10.00s, 50.00MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 5
Requests/sec:   1600.50
Transfer/sec:      5.00MB
"""


def test_words_and_percentiles():
    assert bench.words(" one two\nthree ") == 3
    assert bench.percentile([3, 1, 2], 50) == 2
    assert bench.percentile([0, 10], 95) == pytest.approx(9.5)
    with pytest.raises(ValueError):
        bench.percentile([], 50)


def test_parse_wrk():
    r = bench.parse_wrk(WRK_OUTPUT)
    assert r["rps"] == 1600.5 and r["requests"] == 16000
    assert r["p50_ms"] == pytest.approx(0.812) and r["p99_ms"] == pytest.approx(1020)
    assert r["errors"] == 8
    assert (r["read"], r["timeout"], r["non2xx"], r["connect"]) == (1, 2, 5, 0)
    assert bench.wrk_errors(r) == "read 1, timeout 2, non2xx 5"
    clean = bench.parse_wrk(WRK_OUTPUT.replace("read 1, write 0, timeout 2", "read 0, write 0, timeout 0")
                            .replace("  Non-2xx or 3xx responses: 5\n", ""))
    assert clean["errors"] == 0 and bench.wrk_errors(clean) == "none"
    with pytest.raises(ValueError):
        bench.parse_wrk("wrk: connection refused")


def test_wrk_loads_only_loopback():
    with pytest.raises(ValueError):
        bench.wrk("http://example.org/", 1, 1)


def test_article_texts_are_distinct_and_sized(tmp_path):
    docs = ["Homs is in Syria.\nThe road to Aleppo was open.", "Nairobi and Kampala.\n\nKigali too."]
    texts = bench.article_texts(docs, 5, size=7)
    assert len(set(texts)) == 5
    assert all(abs(bench.words(t) - 7) <= 2 for t in texts)


def test_read_corpora(tmp_path):
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "x.jsonl").write_text(
        json.dumps({"id": "1", "text": "a\u2028b"}) + "\n\n" + json.dumps({"id": "2", "text": "c"}) + "\n"
    )
    assert bench.read_corpora(tmp_path, ["x.jsonl"]) == ["a\u2028b", "c"]


def test_synthetic_story_is_consistent():
    story = bench.synthetic_story(range(3), 2, tag="T. ", filler_words=20)
    assert len(story.mentions) == 6 and len(story.places()) == 3
    for rm in story.mentions:
        m = rm.mention
        assert story.text[m.start:m.end] == m.surface == rm.place.name
        assert story.text[rm.passage.start:rm.passage.end] == rm.passage.text
    assert bench.words(story.text) > 20
    assert bench.library_story(1).text != bench.library_story(2).text


def test_stored_synthetic_articles_serve_and_export(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        big = bench.store_stories(db.session, [bench.synthetic_story(range(12), 2)])[0]
        ids = bench.store_stories(db.session, (bench.library_story(k, places_per_article=3) for k in range(4)))
    assert len(ids) == 4
    client = app.test_client()
    assert client.get(f"/articles/{big}").status_code == 200
    fc = client.get(f"/articles/{big}.geojson").get_json()
    assert len(fc["features"]) == 12
    # the export child mode, run in this process on the same database
    result = bench.child_export(argparse.Namespace(db=str(tmp_path / "test.sqlite"), gazetteer=str(tmp_path / "none")))
    assert result["status"] == 200 and result["bytes"] > 1000 and result["rss_growth_mb"] >= 0
    assert bench._raw_scan(tmp_path / "test.sqlite") >= 0


def test_figures_and_report(capsys):
    report = bench.Report()
    report.start("part")
    fig = report.add(bench.Figure("speed", 3.0, "w/s", 4.0, "(ref)", ">= 0.75x", True))
    low = report.add(bench.Figure("latency", 500, "ms", None, "", "<= 400 ms", False, "a note"))
    assert fig.ratio == 0.75 and low.ratio is None
    out = capsys.readouterr().out
    assert "speed" in out and "0.75x" in out and "a note" in out
    assert "1 figure(s) below target" in report.summary() and "latency" in report.summary()
    assert bench.rss_mb() > 0 and bench.peak_rss_mb() >= bench.rss_mb() * 0.5


def test_bulk_library_is_a_browsable_library(tmp_path):
    """The many-articles part's bulk insert: a library the pages and the map areas read."""
    db_path = tmp_path / "bulk.sqlite"
    sizes = bench.bulk_library(db_path, tmp_path / "no-gazetteer.sqlite", 30)
    assert (sizes["articles"], sizes["mentions"]) == (30, 300)
    assert 30 * bench.SCALE_UNIQUE < sizes["places"] <= 300  # plus some of the shared pool
    app = bench.make_app(db_path, tmp_path / "no-gazetteer.sqlite")
    client = app.test_client()
    body = client.get("/api/articles?per=10&q=Bench story 2").get_json()
    assert body["total"] == 11 and body["next"] is not None  # 2, 20..29
    assert body["articles"][0]["place_count"] == 10 and body["articles"][0]["mention_count"] == 10
    fc = client.get("/map/places.geojson?bbox=-180,-90,180,90&zoom=14").get_json()
    assert fc["counts"]["mentions"] == 300 and fc["counts"]["articles"] == 30
    assert sum(f["properties"]["mention_count"] for f in fc["features"]) == 300
    assert client.get("/articles/30.geojson").get_json()["features"]


def test_job_texts_are_distinct_and_about_the_jobs_load_size():
    texts = bench.job_texts(["Homs is in Syria.\n\nThe road to Aleppo was open.", "Nairobi and Kampala."])
    first = [next(texts) for _ in range(3)]
    assert len(set(first)) == 3
    assert all(bench.JOBS_LOAD_CHARS // 2 <= len(t) <= bench.JOBS_LOAD_CHARS + 100 for t in first)


def test_a_spawned_process_group_is_stopped_with_its_children(tmp_path):
    log = tmp_path / "child.log"
    proc = bench.spawn_logged(["sh", "-c", "echo started; trap '' TERM; sleep 60 & sleep 60"], {}, log)
    time.sleep(0.3)
    started = time.monotonic()
    bench.stop_group(proc, timeout=1)
    assert proc.returncode is not None and time.monotonic() - started < 5
    assert _group_gone(proc.pid, seconds=3)  # no process of the group is left (once init reaps it)
    assert "started" in log.read_text()


def _group_gone(pgid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False
