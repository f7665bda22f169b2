"""geo.lexicon: word lists and tables read from data files."""
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


def test_missing_file_is_an_error(lexdir):
    with pytest.raises(FileNotFoundError):
        lexicon.words("absent")
