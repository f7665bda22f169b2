"""geo.lexicon: word lists and tables read from data files."""
import subprocess
import sys
from pathlib import Path

import pytest

from geo import lexicon


@pytest.fixture
def lexdir(tmp_path, monkeypatch):
    monkeypatch.setattr(lexicon, "LEXICON_DIR", tmp_path)
    _clear_caches()
    yield tmp_path
    _clear_caches()


def _clear_caches() -> None:
    for loader in (lexicon.words, lexicon.keys, lexicon.table):
        loader.cache_clear()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("a b\nc", {"a", "b", "c"}),
        ("# only a comment\n\n  x  # trailing comment\n", {"x"}),
        ("", set()),
    ],
)
def test_words(lexdir, content, expected):
    (lexdir / "w.txt").write_text(content, encoding="utf-8")
    assert lexicon.words("w") == frozenset(expected)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("Mr São_Paulo Co.", {"mr", "sao paulo", "co"}),
        ("# a comment\nSt. John's", {"st", "johns"}),
    ],
)
def test_keys(lexdir, content, expected):
    (lexdir / "k.txt").write_text(content, encoding="utf-8")
    assert lexicon.keys("k") == frozenset(expected)


def test_table(lexdir):
    (lexdir / "t.tsv").write_text("# name\tcode\nAlabama\tAL \n\nNew York\tNY\t# note\n", encoding="utf-8")
    assert lexicon.table("t") == (("Alabama", "AL"), ("New York", "NY"))


def test_sets(lexdir):
    (lexdir / "s.tsv").write_text("# set\tcodes\nareal\tPCLI  PCLH\nlinear\tSTM\n", encoding="utf-8")
    assert lexicon.sets("s") == {"areal": frozenset({"PCLI", "PCLH"}), "linear": frozenset({"STM"})}


def test_missing_file_is_an_error(lexdir):
    with pytest.raises(FileNotFoundError):
        lexicon.words("absent")


def test_every_shipped_file_says_what_it_is_for():
    files = sorted(lexicon.LEXICON_DIR.glob("*.txt")) + sorted(lexicon.LEXICON_DIR.glob("*.tsv"))
    assert files
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# ") and len(first) > 20, path.name


def test_importing_the_recogniser_reads_no_file():
    code = ("import geo.recognize, geo.demonyms, geo.lexicon; "
            "print(geo.lexicon.words.cache_info().currsize + geo.lexicon.table.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent,
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"
