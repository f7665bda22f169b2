"""geo/furniture.py: page furniture lines at the edges of plain-text uploads, as tables of cases."""
from __future__ import annotations

import pytest

from geo.furniture import EDGE_LINES, article_span, is_furniture
from geo.sources import read_upload

ARTICLE = (
    "Syria: Shelling resumes in Homs\n"
    "\n"
    "More than 100 people were killed in Homs on Monday, activists said.\n"
    "Share prices fell in Beirut as the crisis deepened.\n"
)


@pytest.mark.parametrize(
    "line",
    [
        "More Middle East stories",
        "Share this article",
        "Share",
        "Related",
        "Related stories",
        "Follow us on Twitter",
        "Home | World | Middle East",
        "Image caption",
        "Advertisement",
        "Read more: Syria's war in maps",
        "Sign up for our newsletter",
        "Copyright 2024 Daily Bugle. All rights reserved.",
        "Top stories",
        "https://www.example.com/news/world-middle-east-123",
        "» » »",
        "Facebook  Twitter  WhatsApp  Email",
    ],
)
def test_furniture_lines(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Syria: Shelling resumes in Homs",
        "More than 100 killed in Homs",
        "More than 100 people were killed in Homs on Monday, activists said.",
        "Share prices fell in Beirut as the crisis deepened.",
        "Follow the money: how Beirut's banks collapsed",
        "BEIRUT (Reuters) - Syrian troops shelled the city of Homs on Sunday.",
        "By Jane Smith, Middle East correspondent",
        "Syria: the latest",
        "Middle East",
        "The story of a river: from Vienna to the Black Sea",
        "Read the full report, the minister told reporters in Damascus.",
        "Related talks in Geneva stalled again on Tuesday, and more stories of shelling, share "
        "prices, home searches and related news followed in the week after the vote.",
        "",
        "   ",
    ],
)
def test_article_lines_are_kept(line):
    assert not is_furniture(line)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (ARTICLE, ARTICLE),  # nothing to drop
        ("More Middle East stories\n\n" + ARTICLE, ARTICLE),
        ("Home | World | Middle East\r\nShare\n\n" + ARTICLE, ARTICLE),
        (ARTICLE + "\nShare this article\nRelated stories\nMore Middle East stories\n", ARTICLE),
        ("Share\n" + ARTICLE + "Advertisement", ARTICLE),
        ("\n\n" + ARTICLE, "\n\n" + ARTICLE),  # blank lines alone are kept as given
        ("Share\nRelated\n", "Share\nRelated\n"),  # nothing but furniture: kept whole
        ("", ""),
    ],
)
def test_article_span(text, kept):
    start, end = article_span(text)
    assert text[start:end] == kept


def test_only_the_edges_are_looked_at():
    inner = "Share\n" * (EDGE_LINES + 5)
    text = inner + ARTICLE
    start, end = article_span(text)
    assert text[start:end] == "Share\n" * 5 + ARTICLE


def test_furniture_in_the_middle_stays():
    text = ARTICLE + "Related\n" + ARTICLE
    assert article_span(text) == (0, len(text))


@pytest.mark.parametrize("filename", ["story.txt", "story.md"])
def test_text_uploads_drop_page_furniture(filename):
    data = ("More Middle East stories\n\n" + ARTICLE + "\nShare this article\n").encode()
    title, text = read_upload(filename, data)
    assert text == ARTICLE
    assert title == "Syria: Shelling resumes in Homs"


def test_a_long_single_line_is_read_in_linear_time():
    import time

    text = "Share " * 200_000
    began = time.perf_counter()
    article_span(text + "\n" + ARTICLE)
    assert time.perf_counter() - began < 1.0
