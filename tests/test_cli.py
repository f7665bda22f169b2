"""CLI commands: ingest, export, geoparse (corpus mode) and gazetteer build."""
from __future__ import annotations

import importlib.util
import json
import os
import sys
import types
from pathlib import Path

import pytest

from geo.home import HomeArea
from testkit import IDF, PARIS, PARIS_UPLOAD, ROOT, RegionalGeoparser, located, make_app, n_articles, near


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


def test_ingest_prints_id_and_place_count(app, runner, tmp_path):
    a = write(tmp_path, "a.txt", PARIS_UPLOAD)
    b = write(tmp_path, "b.md", "# Only Atlantis\n\nAtlantis.")
    result = runner.invoke(args=["ingest", str(a), str(b)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("1\t2 places\t") and lines[1].startswith("2\t0 places\t")
    assert n_articles(app) == 2


def test_ingest_twice_reports_the_existing_article(app, runner, tmp_path):
    a = write(tmp_path, "a.txt", PARIS_UPLOAD)
    runner.invoke(args=["ingest", str(a)])
    result = runner.invoke(args=["ingest", str(a)])
    assert "already stored" in result.output and n_articles(app) == 1


def test_ingest_reports_bad_files_and_continues(app, runner, tmp_path):
    bad = write(tmp_path, "x.png", b"\x89PNG\x00")
    good = write(tmp_path, "a.txt", PARIS_UPLOAD)
    result = runner.invoke(args=["ingest", str(bad), str(good)])
    assert result.exit_code == 1
    assert "Unsupported file type" in result.output
    assert n_articles(app) == 1


def test_export_all_and_one(app, runner, tmp_path):
    runner.invoke(args=["ingest", str(write(tmp_path, "a.txt", PARIS_UPLOAD))])
    runner.invoke(args=["ingest", str(write(tmp_path, "b.txt", "France. " + PARIS_UPLOAD))])
    out = tmp_path / "all.geojson"
    assert runner.invoke(args=["export", "-o", str(out)]).exit_code == 0
    fc = json.loads(out.read_text())
    assert {f["properties"]["article_id"] for f in fc["features"]} == {1, 2}
    result = runner.invoke(args=["export", "--article", "2"])
    one = json.loads(result.output)
    assert {f["properties"]["article_id"] for f in one["features"]} == {2}


def test_export_unknown_article_fails(runner):
    result = runner.invoke(args=["export", "--article", "9"])
    assert result.exit_code != 0 and "no article 9" in result.output


def test_geoparse_corpus_mode_writes_one_collection_per_line_and_stores_nothing(app, runner, tmp_path):
    docs = [{"id": "d1", "text": "Paris is big."}, {"id": 2, "text": "Nothing here."},
            {"id": "d3", "text": "Atlantis and France."}]
    infile = write(tmp_path, "in.jsonl", "\n".join(json.dumps(d) for d in docs) + "\n\n")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(args=["geoparse", str(infile), "-o", str(out), "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [fc["id"] for fc in lines] == ["d1", "2", "d3"]
    assert all(fc["type"] == "FeatureCollection" for fc in lines)
    (paris,) = lines[0]["features"]
    assert paris["geometry"]["coordinates"] == [PARIS.lon, PARIS.lat]
    assert paris["properties"]["mentions"][0]["start"] == 0
    assert lines[1]["features"] == []
    assert [f["geometry"] is None for f in lines[2]["features"]] == [True, False]
    assert n_articles(app) == 0


@pytest.mark.parametrize(("flags", "homes"), [([], [None] * 3 + [HomeArea({IDF: 1.0}, 1, "a.example")] * 2),
                                               (["--no-sources"], [None] * 3)])
def test_geoparse_gives_documents_from_one_publication_its_home_area(tmp_path, flags, homes):
    """Documents sharing a URL host ("url", "source" or "meta": {"url"}) are parsed again with the home
    area the others give (geo.corpus), unless --no-sources."""
    geoparser = RegionalGeoparser()
    runner = make_app(tmp_path, GEOPARSER=geoparser).test_cli_runner()
    docs = [{"id": "a", "text": "Paris one.", "meta": {"url": "https://www.a.example/1"}},
            {"id": "b", "text": "Paris two.", "url": "http://a.example/2"},
            {"id": "c", "text": "Paris three.", "source": "https://c.example/1"}]
    infile = write(tmp_path, "in.jsonl", "\n".join(json.dumps(d) for d in docs) + "\n")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(args=["geoparse", str(infile), "-o", str(out), *flags])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["a", "b", "c"]
    assert geoparser.homes == homes


@pytest.mark.parametrize("flags", [[], ["--no-sources"]])
def test_geoparse_reads_every_document_where_the_setting_says(tmp_path, flags):
    from settingkit import setting_index

    geoparser = RegionalGeoparser()
    runner = make_app(tmp_path, GEOPARSER=geoparser, GAZETTEER_INDEX=setting_index()).test_cli_runner()
    infile = write(tmp_path, "in.jsonl", '{"id": "a", "text": "Jordan one."}\n{"id": "b", "text": "Jordan two."}\n')
    result = runner.invoke(args=["geoparse", str(infile), "-o", str(tmp_path / "o"), "--setting", "Jordan, MN", *flags])
    assert result.exit_code == 0, result.output
    assert [h.setting for h in geoparser.homes] == ["Jordan, Minnesota, United States"] * 2
    assert all(h.share("US", "Minnesota") == 1.0 for h in geoparser.homes)


@pytest.mark.parametrize("flags", [[], ["--no-sources"]])
def test_a_documents_own_setting_overrides_the_commands(tmp_path, flags):
    from settingkit import setting_index

    geoparser = RegionalGeoparser()
    runner = make_app(tmp_path, GEOPARSER=geoparser, GAZETTEER_INDEX=setting_index()).test_cli_runner()
    docs = [{"id": "a", "text": "Jordan one.", "setting": "Jordan, MN"}, {"id": "b", "text": "Jordan two."},
            {"id": "c", "text": "Jordan three.", "setting": "  "},
            {"id": "d", "text": "Jordan four.", "setting": "Jordan"}]
    infile = write(tmp_path, "in.jsonl", "\n".join(json.dumps(d) for d in docs) + "\n")
    result = runner.invoke(args=["geoparse", str(infile), "-o", str(tmp_path / "o"), "--setting", "Minnesota",
                                 *flags])
    assert result.exit_code == 0, result.output
    assert [h.setting for h in geoparser.homes] == ["Jordan, Minnesota, United States", "Minnesota, United States",
                                                    "Minnesota, United States", "Jordan"]
    assert [json.loads(line)["id"] for line in (tmp_path / "o").read_text().splitlines()] == ["a", "b", "c", "d"]


def test_a_documents_setting_the_gazetteer_lacks_names_the_document(tmp_path):
    from settingkit import setting_index

    runner = make_app(tmp_path, GEOPARSER=RegionalGeoparser(), GAZETTEER_INDEX=setting_index()).test_cli_runner()
    infile = write(tmp_path, "in.jsonl",
                   '{"id": "a", "text": "Paris."}\n{"id": "b7", "text": "x", "setting": "Atlantis"}\n')
    result = runner.invoke(args=["geoparse", str(infile), "-o", str(tmp_path / "o")])
    assert result.exit_code != 0 and "document b7" in result.output and "no place the gazetteer knows" in result.output


@pytest.mark.parametrize("command", ["geoparse", "ingest"])
def test_a_setting_the_gazetteer_lacks_stops_the_command(tmp_path, command):
    from settingkit import setting_index

    app = make_app(tmp_path, GEOPARSER=RegionalGeoparser(), GAZETTEER_INDEX=setting_index())
    infile = write(tmp_path, "in.jsonl" if command == "geoparse" else "story.txt",
                   '{"id": "a", "text": "Paris."}' if command == "geoparse" else "Paris is big.")
    result = app.test_cli_runner().invoke(args=[command, str(infile), "--setting", "Atlantis"])
    assert result.exit_code != 0 and "no place the gazetteer knows" in result.output
    assert n_articles(app) == 0


def test_ingest_keeps_the_setting_with_each_article(tmp_path):
    from settingkit import setting_index

    geoparser = RegionalGeoparser()
    app = make_app(tmp_path, GEOPARSER=geoparser, GAZETTEER_INDEX=setting_index())
    result = app.test_cli_runner().invoke(args=["ingest", str(write(tmp_path, "s.txt", "Paris is big.")),
                                                "--setting", "Minnesota"])
    assert result.exit_code == 0, result.output
    assert geoparser.homes[-1].setting == "Minnesota, United States"


@pytest.mark.parametrize("line", ['{"id": 1}', "not json", '{"id": 1, "text": 5}',
                                  '{"id": 1, "text": "x", "setting": 5}'])
def test_geoparse_rejects_bad_lines(runner, tmp_path, line):
    result = runner.invoke(args=["geoparse", str(write(tmp_path, "in.jsonl", line)), "-o", str(tmp_path / "o")])
    assert result.exit_code != 0 and "line 1" in result.output


def scorer() -> types.ModuleType:
    """The shared evaluation scorer, found as scripts/evaluate.py finds it (SHARED_DIR, else
    ../shared beside the checkout); a missing scorer fails the test, it never skips it."""
    shared = Path(os.environ.get("SHARED_DIR") or ROOT.parent / "shared")
    path = shared / "eval" / "score.py"
    if not path.is_file():
        pytest.fail(f"{path} is missing: set SHARED_DIR to the shared/ folder")
    spec = importlib.util.spec_from_file_location("shared_eval_score", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_geoparse_output_is_what_the_scorer_reads(runner, tmp_path):
    score = scorer()
    text = "Paris, then Atlantis."
    gold = write(tmp_path, "gold.jsonl", json.dumps({"id": "g", "text": text, "toponyms": [
        {"start": 0, "end": 5, "name": "Paris", "lat": PARIS.lat, "lon": PARIS.lon}]}) + "\n")
    infile = write(tmp_path, "in.jsonl", json.dumps({"id": "g", "text": text}) + "\n")
    result = runner.invoke(args=["geoparse", str(infile), "-o", str(tmp_path / "pred.jsonl")])
    assert result.exit_code == 0, result.output
    preds = score.load_predictions(str(tmp_path / "pred.jsonl"))
    assert [(m["start"], m["end"]) for m in preds["g"]] == [(0, 5), (12, 20)]
    assert preds["g"][0]["lat"] == pytest.approx(PARIS.lat)
    assert gold.exists()


def test_gazetteer_build_calls_the_builder(runner, tmp_path, monkeypatch):
    calls = []
    fake = types.ModuleType("geo.gazetteer_build")
    fake.build = lambda out_path: calls.append(out_path) or "stats"
    monkeypatch.setitem(sys.modules, "geo.gazetteer_build", fake)
    result = runner.invoke(args=["gazetteer", "build", "--out", str(tmp_path / "g.sqlite")])
    assert result.exit_code == 0, result.output
    assert calls == [str(tmp_path / "g.sqlite")]


def test_gazetteer_build_defaults_to_the_configured_path(app, runner, monkeypatch):
    calls = []
    fake = types.ModuleType("geo.gazetteer_build")
    fake.build = lambda out_path: calls.append(out_path)
    monkeypatch.setitem(sys.modules, "geo.gazetteer_build", fake)
    runner.invoke(args=["gazetteer", "build"])
    assert calls == [app.config["GAZETTEER_PATH"]]


def test_geoparse_with_the_real_geoparser(real_app, tmp_path):
    runner = real_app.test_cli_runner()
    text = "Protests spread from Cairo to Alexandria, Egypt's second city."
    infile = write(tmp_path, "in.jsonl", json.dumps({"id": "eg", "text": text}) + "\n")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(args=["geoparse", str(infile), "-o", str(out)])
    assert result.exit_code == 0, result.output
    (fc,) = [json.loads(line) for line in out.read_text().splitlines()]
    where = located(fc)
    assert near(where.get("Cairo"), 30.04, 31.24)
    assert near(where.get("Alexandria"), 31.20, 29.92)
    assert fc["id"] == "eg"


def test_ingest_of_many_files_waits_then_prints_a_line_per_file(app, runner, tmp_path):
    """From PROGRESS_BAR_FROM files on a progress bar (stderr, on a terminal) comes first."""
    from web.cli import PROGRESS_BAR_FROM

    paths = [str(write(tmp_path, f"f{n}.txt", f"Story {n}: Paris.")) for n in range(PROGRESS_BAR_FROM + 2)]
    result = runner.invoke(args=["ingest", *paths])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert [line.split("\t")[2] for line in lines if "\t" in line] == paths
    assert all(line.split("\t")[1] == "1 places" for line in lines if "\t" in line)


def test_ingest_exits_1_when_an_analysis_fails(tmp_path):
    from testkit import FakeGeoparser, make_app

    app = make_app(tmp_path, GEOPARSER=FakeGeoparser(fail=True))
    result = app.test_cli_runner().invoke(args=["ingest", str(write(tmp_path, "a.txt", PARIS_UPLOAD))])
    assert result.exit_code == 1
    assert "analysis failed" in result.output and "RuntimeError" in result.output
