"""Places: detection, resolution in context and metonymy, on sentences written for the tests."""

import pytest

from conftest import needs_example
from newsgraph.gazetteer import haversine


@pytest.fixture(scope="module")
def places(pipeline):
    def run(text):
        return pipeline.analyze(text, "2024-05-02").places
    return run


def only(places, text):
    found = [p for p in places if p.text == text]
    assert found, f"{text!r} not found in {[p.text for p in places]}"
    return found[0]


def test_capital_acting_reads_as_government(places):
    got = places("Kiev launched a new drone attack on Tuesday, officials said.")
    kiev = only(got, "Kiev")
    assert kiev.country == "UKR" and kiev.reading == "government"
    assert haversine(kiev.lat, kiev.lon, 50.45, 30.52) < 50


def test_locative_capital_reads_as_place(places):
    got = places("Opposition leaders in Seoul criticised the budget on Monday.")
    seoul = only(got, "Seoul")
    assert seoul.country == "KOR" and seoul.reading == "place" and seoul.entity is None


def test_possessive_with_institution_noun(places):
    got = places("Seoul's new export rules worry arms makers. Seoul's policy has changed.")
    assert any(p.text == "Seoul" and p.reading == "government" for p in got)


def test_government_reading_links_the_gov_entity(pipeline):
    record = pipeline.analyze("Moscow rejected the proposal, and Russia recalled its envoy.")
    moscow = only(record.places, "Moscow")
    assert moscow.reading == "government"
    ent = record.by_id()[moscow.entity]
    assert ent.type == "GPE" and ent.sector == "GOV" and ent.country == "RUS"


def test_division_word_prefers_the_division(places):
    got = places("Shelling continued overnight in the Belgorod region, the governor said.")
    p = [p for p in got if p.text.startswith("Belgorod")][0]
    assert p.feature == "admin1" and p.country == "RUS"


def test_containment_picks_the_namesake_inside(places):
    got = places("The conference was held in Paris, Texas, last week.")
    paris = only(got, "Paris")
    assert paris.country == "USA"


def test_article_countries_rank_candidates(places):
    got = places("Canadian police said the crash happened near London, Ontario, "
                 "on a highway in Canada.")
    assert only(got, "London").country == "CAN"


def test_organisations_are_not_places(places):
    got = places("NATO and the EU met the UN envoy in Brussels.")
    assert [p.text for p in got] == ["Brussels"]


def test_place_fields(places):
    p = only(places("Floods hit Kenya in April."), "Kenya")
    assert p.feature == "country" and p.geonameid and 0 < p.confidence <= 1
    assert isinstance(p.alternatives, list)


@needs_example
def test_example_places(pipeline, example_text):
    record = pipeline.analyze(example_text, "2024-10-31")
    by_start = {p.start: p for p in record.places}
    kursk = by_start[example_text.index("Kursk")]
    assert kursk.country == "RUS" and haversine(kursk.lat, kursk.lon, 51.73, 36.19) < 161
    washington = by_start[example_text.index("Washington")]
    assert washington.reading == "government" and washington.country == "USA"
    seoul_place = by_start[example_text.index("Seoul have")]
    assert seoul_place.reading == "place"


def test_country_acted_upon_reads_as_government(places):
    got = places("Britain accuses Russia of the poisoning and held talks with France.")
    assert only(got, "Russia").reading == "government"
    assert only(got, "France").reading == "government"


def test_country_visited_stays_a_place(places):
    got = places("The minister visited France last week.")
    assert only(got, "France").reading == "place"


def test_adjectival_demonym_is_its_country(places):
    got = places("Russian troops crossed the border on Monday.")
    assert only(got, "Russian").country == "RUS"


def test_new_york_is_the_city_and_the_atlantic_the_ocean(places):
    got = places("Flights from New York across the Atlantic were cancelled.")
    assert only(got, "New York").feature == "city"
    assert only(got, "Atlantic").feature == "water"


def test_bare_compass_word_is_no_place(places):
    got = places("West and South traded goals before the break.")
    assert not any(p.text in ("West", "South") for p in got)


# --- metonymy: what a possessive, a subject or a preposition makes of a place ---------------


def test_possessive_person_or_property_is_a_modifier(places):
    got = places("Russia's foreign minister arrived on Monday. Brazil's economy grew by 2 percent.")
    assert only(got, "Russia").reading == "place"
    assert only(got, "Brazil").reading == "place"


def test_possessive_decision_is_the_government(places):
    got = places("Norway's decision to expel the diplomats surprised Oslo's allies.")
    assert only(got, "Norway").reading == "government"
    assert only(got, "Oslo").reading == "government"


def test_state_acting_reads_as_government(places):
    got = places("Montana offered the company $60 a day, officials said.")
    montana = only(got, "Montana")
    assert montana.feature == "admin1" and montana.reading == "government"
    assert montana.entity is None  # a state government is not the country's GOV actor


def test_hyphenated_backing_is_the_state(places):
    got = places("The Iran-backed militia fired rockets at the base.")
    assert only(got, "Iran").reading == "government"


def test_border_with_a_country_stays_a_place(places):
    got = places("Soldiers patrolled the border with Mexico for weeks.")
    assert only(got, "Mexico").reading == "place"


def test_relations_between_capitals_are_governments(places):
    got = places("Relations between Ankara and Athens have improved this year.")
    assert only(got, "Ankara").reading == "government"
    assert only(got, "Athens").reading == "government"


def test_agent_predicate_after_be(places):
    got = places("Officials said Japan is concerned about the missile tests.")
    assert only(got, "Japan").reading == "government"


def test_catenative_verb_is_judged_by_the_verb_it_introduces(places):
    got = places("Chile continued to be the largest copper producer.")
    assert only(got, "Chile").reading == "place"


def test_dateline_with_agency_stays_a_place(places):
    got = places("CAIRO (AP) Egyptian officials opened the new bridge on Sunday.")
    assert only(got, "CAIRO").reading == "place"


def test_goods_from_a_country_are_no_state(places):
    got = places("Tariffs were raised on steel imports from Vietnam.")
    assert only(got, "Vietnam").reading == "place"


# --- resolution --------------------------------------------------------------------------------


def test_qualifier_before_a_name_joins_it(places):
    got = places("Storms hit Western Australia on Monday, cutting power to thousands.")
    p = [p for p in got if p.text.endswith("Australia")][0]
    assert p.text == "Western Australia" and p.feature == "admin1" and p.country == "AUS"


def test_region_demonym_is_not_a_country(places):
    got = places("The Central American migrants waited at the crossing.")
    assert not any(p.country == "USA" for p in got)


def test_list_of_states_makes_a_state(places):
    got = places("Firms moved jobs from states such as Oregon or Washington last year.")
    assert only(got, "Washington").feature == "admin1"


def test_compass_adjective_asks_for_the_area(places):
    got = places("Wildfires spread across central Washington overnight.")
    assert only(got, "Washington").feature == "admin1"


def test_the_gulf_is_the_sea(places):
    got = places("Tankers waited in the Gulf as the talks went on.")
    assert only(got, "Gulf").feature == "water"


def test_dotted_state_abbreviation_is_the_state(places):
    got = places("COLUMBIA, Mo. - The city council met on Tuesday.")
    mo = only(got, "Mo.")
    assert mo.feature == "admin1" and mo.country == "USA"


def test_name_continued_by_capitalised_words(places):
    got = places("Ferries to the U.S. Virgin Islands were cancelled.")
    assert only(got, "U.S. Virgin Islands").country == "VIR"


def test_village_named_like_a_world_city_needs_local_evidence(places):
    got = places("Prices in London rose again, a report from the United States said.")
    assert only(got, "London").country == "GBR"
