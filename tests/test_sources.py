"""geo/sources.py: bytes or pasted text -> (title, text), as tables of cases."""
from __future__ import annotations

import codecs

import pytest

from geo.errors import EmptyText, TooLarge, UnreadableInput
from geo.sources import MAX_TITLE_CHARS, decode_bytes, read_pasted, read_upload, safe_filename

ARTICLE_HTML = """<!doctype html><html><head><meta charset="utf-8">
<title>Flood hits Dhaka | Daily Bugle</title></head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | Subscribe now</nav>
<article><h1>Flood hits Dhaka</h1>
<p>Heavy rain flooded large parts of Dhaka on Monday, officials in Bangladesh said, after days of
monsoon storms across the whole region and the north of the country.</p>
<p>Residents of Chittagong were also told to move to higher ground as rivers rose, and the
government opened shelters for families who had lost their homes.</p></article>
<footer>Copyright Daily Bugle. Cookie policy. Advertise with us.</footer></body></html>"""


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("story.txt", "story.txt"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\me\\news.md", "news.md"),
        ("/abs/path/page.html", "page.html"),
        ("", ""),
        (None, ""),
    ],
)
def test_safe_filename_keeps_the_base_name_only(filename, expected):
    assert safe_filename(filename) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Zürich and Kraków".encode("utf-8"), "Zürich and Kraków"),
        (codecs.BOM_UTF8 + "Zürich".encode("utf-8"), "Zürich"),
        (codecs.BOM_UTF16_LE + "Zürich".encode("utf-16-le"), "Zürich"),
        (codecs.BOM_UTF16_BE + "Zürich".encode("utf-16-be"), "Zürich"),
        (codecs.BOM_UTF32_LE + "Zürich".encode("utf-32-le"), "Zürich"),
        ("Crowds gathered in Zürich and Genève on Saturday, and the café owners in Zürich were delighted with the weather.".encode("cp1252"),
         "Crowds gathered in Zürich and Genève on Saturday, and the café owners in Zürich were delighted with the weather."),
        ("Line one\r\nLine two\r\n".encode(), "Line one\r\nLine two\r\n"),
    ],
)
def test_decode_bytes(data, expected):
    assert decode_bytes(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        b"%PDF-1.4\x00\x01\x02\x03binary",
        bytes(range(0, 32)) * 4,
    ],
)
def test_binary_is_unreadable(data):
    with pytest.raises(UnreadableInput):
        decode_bytes(data)


def test_html_declared_charset_is_used():
    html = '<html><head><meta charset="windows-1251"></head><body>Москва</body></html>'
    assert "Москва" in decode_bytes(html.encode("cp1251"), html=True)


@pytest.mark.parametrize(
    ("filename", "data", "title", "text"),
    [
        ("notes.txt", b"Lagos flooded.\nAbuja was dry.", "Lagos flooded.", "Lagos flooded.\nAbuja was dry."),
        ("notes.txt", b"\n\n   \nLagos\n", "Lagos", "\n\n   \nLagos\n"),
        # Issue 12: Markdown heading markers go (the reader never sees a raw "# ")...
        ("story.md", b"# Rain in Lima\n\nLima got wet.\n", "Rain in Lima", "Rain in Lima\n\nLima got wet.\n"),
        # ... and CRLF becomes LF (the one newline normalisation).
        ("CRLF.TXT", b"Oslo\r\nBergen\r\n", "Oslo", "Oslo\nBergen\n"),
        ("dir/../x.txt", b"  Quito  ", "Quito", "  Quito  "),
    ],
)
def test_read_upload_plain_text_is_kept_exactly(filename, data, title, text):
    assert read_upload(filename, data) == (title, text)


def test_read_upload_title_is_truncated():
    title, text = read_upload("long.txt", ("Word " * 200).encode())
    assert len(title) <= MAX_TITLE_CHARS and title.endswith("…")
    assert text == "Word " * 200


@pytest.mark.parametrize("filename", ["page.html", "PAGE.HTM"])
def test_read_upload_html_keeps_main_text_only(filename):
    title, text = read_upload(filename, ARTICLE_HTML.encode())
    assert title == "Flood hits Dhaka"
    assert "Heavy rain flooded large parts of Dhaka" in text
    assert "Chittagong" in text
    for furniture in ("Subscribe", "Cookie policy", "Advertise"):
        assert furniture not in text


def test_read_upload_html_without_title_uses_first_line():
    html = "<html><body><article><p>" + "Storms battered Manila overnight. " * 5 + "</p></article></body></html>"
    title, text = read_upload("manila.html", html.encode())
    assert title.startswith("Storms battered Manila")
    assert "<" not in text


@pytest.mark.parametrize(
    ("filename", "data", "error"),
    [
        ("photo.png", b"\x89PNG\r\n", UnreadableInput),
        ("archive.zip", b"PK\x03\x04", UnreadableInput),
        ("noextension", b"Paris", UnreadableInput),
        ("binary.txt", b"\x00\x01\x02\x03", UnreadableInput),
        ("empty.txt", b"", EmptyText),
        ("blank.md", b" \n\t\r\n ", EmptyText),
        ("empty.html", b"<html><body><nav>Home</nav></body></html>", EmptyText),
        ("big.txt", b"x" * 101, TooLarge),
    ],
)
def test_read_upload_errors(filename, data, error):
    with pytest.raises(error):
        read_upload(filename, data, max_bytes=100)


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("My title", "Accra is hot.", ("My title", "Accra is hot.")),
        ("", "Accra is hot.\nKumasi too.", ("Accra is hot.", "Accra is hot.\nKumasi too.")),
        (None, "  Accra  \r\n", ("Accra", "  Accra  \n")),  # issue 12: CRLF -> LF
        ("  Spaced \n  title ", "Accra", ("Spaced title", "Accra")),
    ],
)
def test_read_pasted(title, text, expected):
    assert read_pasted(title, text) == expected


@pytest.mark.parametrize(
    ("text", "error"),
    [("", EmptyText), ("   \n\t", EmptyText), ("x" * 11, TooLarge), ("a\x00b", UnreadableInput), (42, UnreadableInput)],
)
def test_read_pasted_errors(text, error):
    with pytest.raises(error):
        read_pasted("t", text, max_bytes=10)


def test_read_pasted_html():
    title, text = read_pasted(None, ARTICLE_HTML, html=True)
    assert title == "Flood hits Dhaka"
    assert "Subscribe" not in text and "Dhaka" in text


def test_sources_does_not_import_flask():
    import geo.sources as module

    assert "flask" not in module.__dict__ and "Flask" not in module.__dict__
    source = open(module.__file__, encoding="utf-8").read()
    assert "import flask" not in source and "from flask" not in source


@pytest.mark.parametrize(
    ("title", "expected"),
    [("Plain", "Plain"), (" a\n\tb  c ", "a b c"), ("", ""), ("y" * 201, "y" * 199 + "…"), ("y" * 200, "y" * 200)],
)
def test_clean_title(title, expected):
    from geo.sources import clean_title

    assert clean_title(title) == expected


# ---------------------------------------------------------------- hostile input (issue #5)


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n1 0 obj", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"PK\x03\x04\x14\x00", "a ZIP archive (or a Word, Excel or EPUB file)"),
        (b"\x1f\x8b\x08\x00", "a gzip archive"),
        (b"{\\rtf1\\ansi Paris}", "an RTF document"),
        (b"\x00\x00\x00\x18ftypheic", "a video or HEIC image"),
        (b"Paris in France", None),
        (b"", None),
    ],
)
def test_sniff_binary(data, what):
    from geo.sources import sniff_binary

    assert sniff_binary(data) == what


def test_utf16_without_bom_is_decoded():
    assert decode_bytes("Paris, Zürich".encode("utf-16-le")) == "Paris, Zürich"
    assert decode_bytes("Paris, Zürich".encode("utf-16-be")) == "Paris, Zürich"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Genève et Paris, à côté du lac Léman, où l'été est doux.", "latin-1"),
        ("Zażółć gęślą jaźń: w Krakowie i Łodzi padał śnieg.", "cp1250"),
        ("It cost £5 in London – and €6 in Paris.", "cp1252"),
    ],
)
def test_legacy_code_pages_read_as_written(text, encoding):
    assert decode_bytes(text.encode(encoding)) == text


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("a\x00b\x1f\x7fc.txt", "abc.txt"),
        ("evil\u202etxt.md", "eviltxt.md"),
        ("  spaced \t name .txt ", "spaced name .txt"),
        ("n" * 1000 + ".html", "n" * 250 + ".html"),
        ("..", ".."),
    ],
)
def test_safe_filename_drops_controls_and_caps_length(filename, expected):
    assert safe_filename(filename) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [(None, "d"), (42, "d"), ("  ", "d"), ("a\x00\nb", "a b"), ("s" * 3000, "s" * 2000), ("x\ud800", "x")],
)
def test_clean_source(source, expected):
    from geo.sources import clean_source

    assert clean_source(source, "d") == expected


def test_lone_surrogates_and_overlong_texts_are_refused():
    from geo.sources import MAX_TEXT_CHARS

    with pytest.raises(UnreadableInput):
        read_pasted("t", "Paris \ud800")
    with pytest.raises(UnreadableInput):
        read_pasted("t", "<p>Paris \udc00</p>", html=True)
    with pytest.raises(TooLarge):
        read_pasted("t", "a" * (MAX_TEXT_CHARS + 1))
    with pytest.raises(TooLarge):
        read_upload("a.txt", b"a" * (MAX_TEXT_CHARS + 1))
    assert read_pasted("t", "a" * MAX_TEXT_CHARS).text == "a" * MAX_TEXT_CHARS


# ---------------------------------------------------------------- issue 12: newlines and titles

from geo.sources import TITLE_CHARS, default_title, normalize_newlines, short_title  # noqa: E402

LONG_SENTENCE = ("Syrian government forces pounded the rebel-held district of Baba Amr in Homs for a "
                 "third day on Sunday, activists said, as the death toll rose.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\r\r\nb", "a\n\nb"),
        ("a\n\rb", "a\n\nb"),
        ("a\nb\n", "a\nb\n"),
        ("\r\n\r\n", "\n\n"),
        ("no newline", "no newline"),
    ],
)
def test_normalize_newlines(text, expected):
    assert normalize_newlines(text) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Rain in Lima", "Rain in Lima"),
        ("x" * TITLE_CHARS, "x" * TITLE_CHARS),
        # a long first line: its first sentence when that is short
        ("Homs was shelled again on Sunday. " + LONG_SENTENCE, "Homs was shelled again on Sunday."),
        ('He said "Homs is burning tonight!" and left the room, and then many other things were said too.',
         'He said "Homs is burning tonight!"'),
        # an abbreviation near the start is no sentence end
        ("U.S. envoy arrives in Damascus. " + LONG_SENTENCE, "U.S. envoy arrives in Damascus."),
        # a long first sentence: cut at a word boundary
        (LONG_SENTENCE, "Syrian government forces pounded the rebel-held district of Baba Amr in Homs for a third…"),
    ],
)
def test_short_title(line, expected):
    title = short_title(line)
    assert title == expected
    assert len(title) <= TITLE_CHARS


def test_short_title_of_one_long_word_is_cut():
    assert short_title("x" * 500) == "x" * (TITLE_CHARS - 1) + "…"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\n\n## Rain in Lima\nLima got wet.", "Rain in Lima"),
        (LONG_SENTENCE + "\nMore text.", short_title(LONG_SENTENCE)),
        ("   \n\t\n", "Untitled"),
    ],
)
def test_default_title(text, expected):
    assert default_title(text) == expected


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_way_in_normalises_newlines_alike(newline):
    text = newline.join(["Oslo is cold.", "Bergen is wet.", ""])
    assert read_pasted(None, text).text == "Oslo is cold.\nBergen is wet.\n"
    assert read_upload("a.txt", text.encode()).text == "Oslo is cold.\nBergen is wet.\n"
    assert read_upload("a.md", text.encode()).text == "Oslo is cold.\nBergen is wet.\n"


def test_a_cli_style_title_is_not_a_whole_first_sentence():
    title, _text = read_upload("news.txt", (LONG_SENTENCE + "\n\nMore.\n").encode())
    assert len(title) <= TITLE_CHARS and title.endswith("…")
