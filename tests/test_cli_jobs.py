"""`flask ingest --jobs N`: worker processes geoparse, this process stores; same results as one process."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from web.extensions import db
from geo.store import Article
from geo.store import Mention as MentionRow
from testkit import PARIS_UPLOAD, make_app, n_articles

GAZETTEER = Path(__file__).resolve().parent.parent / "instance" / "gazetteer.sqlite"
SHARED_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "gwn-dev.jsonl"

TEXTS = [
    "Fighting spread from Homs towards the Lebanese border on Monday.",
    "The minister flew from Nairobi to Kampala, then on to Kigali for talks.",
    "Floods hit Lebanon, Pennsylvania, and farms near Harrisburg were evacuated.",
    "Protesters gathered in Istanbul and Ankara as Turkey's parliament met.",
]


def write(folder: Path, name: str, text: str | bytes) -> str:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return str(path)


def stored(app) -> list[tuple[str, list[tuple[int, int, str, int | None]]]]:
    """Each article's text with its mentions (start, end, surface, place row id is not compared)."""
    with app.app_context():
        out = []
        for article in db.session.scalars(select(Article).order_by(Article.id)):
            rows = db.session.scalars(
                select(MentionRow).where(MentionRow.article_id == article.id).order_by(MentionRow.start)
            )
            out.append((article.text, [(m.start, m.end, m.surface, m.passage, round(m.confidence, 6),
                                        m.place.place_id if m.place else None) for m in rows]))
        return out


def test_jobs_option_with_an_injected_geoparser_runs_in_process(app, runner, tmp_path):
    a = write(tmp_path, "a.txt", PARIS_UPLOAD)
    b = write(tmp_path, "b.md", "# Only Atlantis\n\nAtlantis.")
    result = runner.invoke(args=["ingest", "--jobs", "2", a, b, a])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("1\t2 places\t") and lines[1].startswith("2\t0 places\t")
    assert lines[2].endswith("(already stored)")
    assert n_articles(app) == 2


def test_jobs_must_not_be_negative(runner, tmp_path):
    result = runner.invoke(args=["ingest", "-j", "-1", write(tmp_path, "a.txt", PARIS_UPLOAD)])
    assert result.exit_code == 2


@pytest.mark.skipif(not GAZETTEER.exists(), reason="the gazetteer index is built by `make install`")
def test_two_worker_processes_store_what_one_process_stores(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    texts = list(TEXTS)
    if SHARED_EVAL.exists():  # a few real news articles too
        with SHARED_EVAL.open(encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for _, line in zip(range(3), f)]
    paths = [write(docs, f"doc{n}.txt", t) for n, t in enumerate(texts)]
    paths.insert(2, write(docs, "bad.png", b"\x89PNG\x00"))
    paths.append(paths[0])  # the same file again: already stored
    outputs, contents = [], []
    for jobs in ("1", "2"):
        one = tmp_path / f"jobs{jobs}"
        one.mkdir()
        app = make_app(one, GAZETTEER_PATH=str(GAZETTEER))
        result = app.test_cli_runner().invoke(args=["ingest", "--jobs", jobs, *paths])
        assert result.exit_code == 1  # the .png
        outputs.append(result.output.replace(str(one), ""))
        contents.append(stored(app))
    assert outputs[0] == outputs[1]
    assert "Unsupported file type" in outputs[1] and outputs[1].rstrip().endswith("(already stored)")
    assert contents[0] == contents[1] and len(contents[1]) == len(texts)
    assert sum(len(m) for _, m in contents[1]) >= len(TEXTS)
