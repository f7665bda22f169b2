"""geo.lexicon: word lists and tables read from data files."""
import pytest

from geo import lexicon


@pytest.fixture
def lexdir(tmp_path, monkeypatch):
    monkeypatch.setattr(lexicon, "LEXICON_DIR", tmp_path)
    lexicon.words.cache_clear()
    lexicon.table.cache_clear()
    yield tmp_path
    lexicon.words.cache_clear()
    lexicon.table.cache_clear()


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


def test_table(lexdir):
    (lexdir / "t.tsv").write_text("# name\tcode\nAlabama\tAL \n\nNew York\tNY\t# note\n", encoding="utf-8")
    assert lexicon.table("t") == (("Alabama", "AL"), ("New York", "NY"))


def test_missing_file_is_an_error(lexdir):
    with pytest.raises(FileNotFoundError):
        lexicon.words("absent")
