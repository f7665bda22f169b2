"""geo/home.py: a publication's home area from the regions its other articles name."""
from __future__ import annotations

import pytest

from geo.home import HomeArea, home_area, place_regions, source_country, source_domain, source_homes, with_source

LA, TX, VA = ("US", "Louisiana"), ("US", "Texas"), ("US", "Virginia")


@pytest.mark.parametrize(("source", "domain"), [
    ("http://www.thetowntalk.com/article/20090320/NEWS01/1", "thetowntalk.com"),
    ("https://News.Example.co.uk/a?b=c", "news.example.co.uk"),
    ("  https://www.star-telegram.com/x  ", "star-telegram.com"),
    ("report.txt", ""),
    ("", ""),
    ("www.example.com/no-scheme", ""),
])
def test_source_domain(source, domain):
    assert source_domain(source) == domain


@pytest.mark.parametrize(("articles", "min_articles", "min_share", "expected"), [
    ([{LA}, {LA, TX}, {LA}], 1, 0.5, {LA: 1.0}),  # Texas named by a third of them: not home
    ([{LA}, {TX}], 1, 0.5, {LA: 0.5, TX: 0.5}),
    ([{LA}, {TX}, {VA}], 1, 0.5, None),  # no region named by half
    ([{LA}], 2, 0.5, None),  # too few articles
    ([], 1, 0.5, None),
    ([set(), {LA}], 1, 0.5, {LA: 0.5}),  # an article without places still counts
    ([{("US", "")}, {("", "X")}], 1, 0.5, None),  # a region needs a country and a name
])
def test_home_area(articles, min_articles, min_share, expected):
    area = home_area(articles, min_articles, min_share)
    assert (area.regions if area else None) == expected


def test_home_area_counts_its_articles_and_shares_by_place():
    area = home_area([{LA}, {LA}, {TX}, {LA}], 1, 0.5)
    assert area == HomeArea({LA: 0.75}, 4)
    assert area.share("US", "Louisiana") == 0.75
    assert area.share("US", "Texas") == area.share(None, None) == 0.0


@pytest.mark.parametrize(("rows", "expected"), [
    ([("US", "Louisiana", "P", 0.9)], {LA}),
    ([("US", "Louisiana", "A", 0.5)], {LA}),
    ([("US", "Louisiana", "P", 0.49)], set()),  # too unsure to say where the article is
    ([("US", "Louisiana", "H", 0.9)], set()),  # a river or a sea says little
    ([("US", None, "P", 0.9), (None, "Texas", "P", 0.9)], set()),
    ([("US", "Texas", "P", 0.9), ("US", "Texas", "A", 0.8)], {TX}),
])
def test_place_regions(rows, expected):
    assert place_regions(rows, 0.5) == expected


def test_home_area_json_round_trip():
    area = HomeArea({LA: 0.75, TX: 0.5}, 4, "thetowntalk.com", "US")
    assert HomeArea.from_json(area.to_json()) == area
    assert HomeArea.from_json(HomeArea().to_json()) == HomeArea()


@pytest.mark.parametrize(("domain", "country"), [
    ("irishtimes.ie", "IE"), ("thisisoxfordshire.co.uk", "GB"), ("civil.ge", "GE"), ("news.am", "AM"),
    ("example.com", ""), ("example.org", ""), ("bit.ly", ""), ("europa.eu", ""), ("a.zz", ""), ("", ""),
    ("localhost", ""),
])
def test_source_country(domain, country):
    assert source_country(domain) == country


def test_with_source():
    area = HomeArea({LA: 1.0}, 3)
    assert with_source(area, "thetowntalk.com") == HomeArea({LA: 1.0}, 3, "thetowntalk.com", "")
    assert with_source(None, "irishtimes.ie") == HomeArea(source="irishtimes.ie", country="IE")
    assert with_source(None, "thetowntalk.com") is None  # nothing to say


def test_source_homes_reads_each_article_against_the_others_of_its_publication():
    domains = ["a.com", "a.com", "a.com", "b.ie", "", "a.com"]
    regions = [{LA}, {LA, TX}, {TX}, {VA}, {LA}, set()]
    homes = source_homes(domains, regions, 1, 0.5)
    expected = [with_source(home_area([r for j, r in enumerate(regions) if domains[j] == d and j != i], 1, 0.5), d)
                if d else None for i, d in enumerate(domains)]
    assert homes == expected
    assert homes[0] == HomeArea({TX: 2 / 3}, 3, "a.com") and homes[2] == HomeArea({LA: 2 / 3}, 3, "a.com")
    assert homes[3] == HomeArea(source="b.ie", country="IE") and homes[4] is None
