"""Online geocoders plug in through geopy: parsing their answers, the index seam, failures."""
from __future__ import annotations

import socket
from pathlib import Path

import pytest
from geopy.geocoders import Nominatim
from geopy.location import Location

from geo.gazetteer import OfflineGazetteer
from geo.geocoders import GeocoderIndex, make_geocoder, place_from_location
from geo.pipeline import Geoparser
from geo.types import NameInfo, Place

GAZETTEER = Path(__file__).resolve().parent.parent / "instance" / "gazetteer.sqlite"
needs_index = pytest.mark.skipif(not GAZETTEER.exists(), reason="built by `make install`")

DAMASCUS = Place("gn:170654", "Damascus", 33.5102, 36.29128, 170654, "SY", "P", "PPLC", 1569394,
                 "Damascus", "geonames")
# The shape of a Nominatim answer (jsonv2 with addressdetails and extratags), written for this test.
NOMINATIM_RAW = {
    "place_id": 12345, "osm_type": "relation", "osm_id": 1909, "lat": "33.5130", "lon": "36.2920",
    "class": "boundary", "type": "administrative", "name": "Damascus",
    "display_name": "Damascus, Damascus Governorate, Syria",
    "address": {"city": "Damascus", "state": "Damascus Governorate", "country": "Syria",
                "country_code": "sy"},
    "extratags": {"population": "2,079,000"},
}


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        (Location("Damascus, SY", (33.5102, 36.29128), {**DAMASCUS.__dict__}), DAMASCUS),
        (
            Location(NOMINATIM_RAW["display_name"], (33.513, 36.292), NOMINATIM_RAW),
            Place("osm:r1909", "Damascus", 33.513, 36.292, None, "SY", "A", None, 2079000,
                  "Damascus Governorate", "nominatim"),
        ),
        (
            Location("Nowhere Street, Somewhere", (1.5, 2.25), {}),
            Place("geo:1.50000,2.25000", "Nowhere Street", 1.5, 2.25, source="location"),
        ),
    ],
)
def test_place_from_location(location: Location, expected: Place) -> None:
    assert place_from_location(location) == expected


def test_make_geocoder() -> None:
    geocoder = make_geocoder("nominatim", domain="nominatim.example.org")
    assert isinstance(geocoder, Nominatim)
    assert geocoder.domain == "nominatim.example.org"
    with pytest.raises(ValueError, match="unknown geocoder"):
        make_geocoder("offline")


class OneNameIndex:
    """A PlaceIndex that knows one name: where a failing geocoder's look-ups must fall back."""

    def candidates(self, name: str, limit: int = 25) -> list[Place]:
        return [DAMASCUS] if name.lower() == "damascus" else []

    def known_names(self, names):
        return {n: NameInfo("damascus", 1, DAMASCUS.population) for n in names if n.lower() == "damascus"}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_failing_geocoder_falls_back_to_the_offline_index() -> None:
    dead = make_geocoder("nominatim", domain=f"127.0.0.1:{closed_port()}", scheme="http", timeout=2)
    index = GeocoderIndex(dead, OneNameIndex())
    assert index.candidates("Damascus") == [DAMASCUS]
    assert index.candidates("Atlantis") == []
    assert set(index.known_names(["Damascus", "Atlantis"])) == {"Damascus"}


@needs_index
def test_any_geopy_geocoder_supplies_candidates() -> None:
    """Our own gazetteer, used through geopy's geocode() alone, gives back the same places."""
    offline = OfflineGazetteer(GAZETTEER)
    index = GeocoderIndex(offline, offline, limit=5)
    via_geopy = index.candidates("Damascus")
    assert via_geopy == offline.candidates("Damascus", limit=5)
    assert index.candidates("Damascus") is not via_geopy  # cached copy, same answer
    assert index.candidates("damascus") == via_geopy


@needs_index
def test_geoparser_resolves_through_a_geocoder_index() -> None:
    from geo.nlp import load_nlp

    offline = OfflineGazetteer(GAZETTEER)
    story = Geoparser(load_nlp(), GeocoderIndex(offline, offline)).parse(
        "Shelling hit Damascus and Aleppo, Syrian media said.")
    places = {rm.mention.surface: rm.place for rm in story.mentions}
    assert places["Damascus"] is not None and places["Damascus"].country_code == "SY"
    assert places["Aleppo"] is not None and places["Aleppo"].country_code == "SY"


@pytest.mark.parametrize(
    ("env", "geocoder", "url"),
    [
        ({}, "offline", "https://nominatim.openstreetmap.org"),
        ({"GEOCODER": "Nominatim", "NOMINATIM_URL": "http://127.0.0.1:8080/nominatim/"},
         "nominatim", "http://127.0.0.1:8080/nominatim/"),
    ],
)
def test_geocoder_settings(tmp_path, env: dict, geocoder: str, url: str) -> None:
    from app import settings_from_env

    settings = settings_from_env(str(tmp_path), env)
    assert (settings["GEOCODER"], settings["NOMINATIM_URL"]) == (geocoder, url)


def test_unknown_geocoder_setting_is_refused(tmp_path) -> None:
    from app import settings_from_env

    with pytest.raises(RuntimeError, match="GEOCODER must be one of"):
        settings_from_env(str(tmp_path), {"GEOCODER": "google"})


@pytest.mark.parametrize(
    ("url", "domain", "scheme", "delay"),
    [
        ("https://nominatim.openstreetmap.org", "nominatim.openstreetmap.org", "https", 1.0),
        ("http://127.0.0.1:8080/nominatim/", "127.0.0.1:8080/nominatim", "http", 0.0),
    ],
)
def test_app_builds_the_configured_geocoder(tmp_path, url: str, domain: str, scheme: str,
                                            delay: float) -> None:
    from app import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "t", "GEOCODER": "nominatim",
                      "NOMINATIM_URL": url, "DATABASE_URL": f"sqlite:///{tmp_path / 'g.sqlite'}"})
    geocoder, min_delay = app.extensions["geoparser"].online_geocoder()
    assert isinstance(geocoder, Nominatim)
    assert (geocoder.domain, geocoder.scheme, min_delay) == (domain, scheme, delay)
    assert app.extensions["geoparser"].online_geocoder()[0] is geocoder


def test_offline_app_has_no_online_geocoder(tmp_path) -> None:
    from app import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "t",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'g.sqlite'}"})
    assert app.extensions["geoparser"].online_geocoder() == (None, 0.0)
