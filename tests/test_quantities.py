"""The quantities extractor: numbers, scales, currencies, units, bounds, ranges, vague amounts,
changes, counted nouns, and the numbers that are not quantities. Sentences written for these
tests; the example article is used for the acceptance check."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXPECTED, check_expected, needs_example
from newsgraph.config import Settings
from newsgraph.extract.quantities import find_quantities, parse_number
from newsgraph.errors import DocumentError
from newsgraph.pipeline import Document, Pipeline


@pytest.fixture(scope="module")
def qpipe():
    return Pipeline(Settings(extractors=("quantities",)))


def found(qpipe, text):
    return qpipe.analyze(text).quantities


def one(qpipe, text, containing):
    """The quantity whose number text contains ``containing``."""
    hits = [q for q in found(qpipe, text) if containing in q.text]
    assert len(hits) == 1, (text, [q.text for q in found(qpipe, text)])
    return hits[0]


# --- numbers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("8,000", 8000), ("8000", 8000), ("eight thousand", 8000), ("a dozen", 12),
    ("1.5m", 1_500_000), ("1.5 million", 1_500_000), ("2.3bn", 2_300_000_000),
    ("half a million", 500_000), ("two and a half million", 2_500_000),
    ("twenty-five", 25), ("one hundred and twenty", 120), ("4 hundred million", 400_000_000),
    ("two-thirds", 2 / 3), ("a third", 1 / 3), ("1/16", 0.0625), ("minus 5", -5),
    ("three hundred", 300), (".5", 0.5), ("10k", 10_000),
])
def test_parse_number(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "abc", "five twenty", "1,2", "$5", "two two", "a"])
def test_parse_number_refuses_what_is_not_a_number(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("sentence, number, value", [
    ("Officials counted eight thousand displaced families.", "eight thousand", 8000),
    ("The ministry sent a dozen ambulances.", "a dozen", 12),
    ("The fund raised $1.5m for the clinic.", "$1.5m", 1_500_000),
    ("Around 1.5m people have left the region.", "1.5m", 1_500_000),
    ("Half a million refugees crossed the border.", "Half a million", 500_000),
    ("The army lost 4 hundred million dollars of equipment.", "4 hundred million", 400_000_000),
    ("Fifty-two villages were shelled.", "Fifty-two", 52),
])
def test_numbers_in_digits_and_words(qpipe, sentence, number, value):
    assert one(qpipe, sentence, number).value == pytest.approx(value)


# --- money, percent, measures -----------------------------------------------------------------

@pytest.mark.parametrize("sentence, number, value, unit", [
    ("Washington approved a $22 billion arms package.", "$22 billion", 22e9, "USD"),
    ("The loan is worth USD 400 million.", "USD 400 million", 400e6, "USD"),
    ("The drones cost US$1.2m each.", "US$1.2m", 1.2e6, "USD"),
    ("Kyiv received 50 million euros in aid.", "50 million euros", 50e6, "EUR"),
    ("Brussels pledged €3bn on Monday.", "€3bn", 3e9, "EUR"),
    ("London will spend £2.5 billion on shells.", "£2.5 billion", 2.5e9, "GBP"),
    ("The contract was worth 12 million pounds.", "12 million pounds", 12e6, "GBP"),
    ("Moscow paid 9 billion roubles for the fuel.", "9 billion roubles", 9e9, "RUB"),
    ("The fine was RUB 300,000.", "RUB 300,000", 300_000, "RUB"),
    ("Tokyo offered ¥40 billion in credit.", "¥40 billion", 40e9, "JPY"),
    ("The text was folded to ASCII: PS8.1bn in damages.", "PS8.1bn", 8.1e9, "GBP"),
    ("The prize was worth pounds 250 this year.", "pounds 250", 250, "GBP"),
    ("Profits rose to £198m from £130m.", "£198m", 198e6, "GBP"),
    ("Debt fell to 160m from 610m.", "160m", 160e6, None),
])
def test_currencies(qpipe, sentence, number, value, unit):
    q = one(qpipe, sentence, number)
    assert (q.value, q.unit) == (pytest.approx(value), unit)
    assert q.kind == ("money" if unit else "count")


@pytest.mark.parametrize("sentence, number", [
    ("Turnout fell to 19 per cent.", "19 per cent"),
    ("Turnout reached 19%.", "19%"),
    ("Turnout reached 19 percent in the east.", "19 percent"),
])
def test_percent(qpipe, sentence, number):
    q = one(qpipe, sentence, number)
    assert (q.value, q.unit, q.kind) == (19, "percent", "percent")


@pytest.mark.parametrize("sentence, number, value, unit, kind", [
    ("The column stretched for 12 km along the road.", "12 km", 12, "km", "length"),
    ("They walked 40 miles to the border.", "40 miles", 40, "mi", "length"),
    ("Police seized 3 kg of explosives.", "3 kg", 3, "kg", "mass"),
    ("The ship carried 5,000 tonnes of grain.", "5,000 tonnes", 5000, "t", "mass"),
    ("Each family gets 200 litres of water.", "200 litres", 200, "l", "volume"),
    ("Winds reached 30 mph overnight.", "30 mph", 30, "mph", "speed"),
    ("It was 25°C in the shade.", "25°C", 25, "degC", "temperature"),
    ("The wall is 12m high.", "12m", 12, "m", "length"),
    ("Fires burned 100 sq km of forest.", "100 sq km", 100, "km2", "area"),
    ("The talks lasted three days.", "three days", 3, "day", "duration"),
    ("Oil traded at $80 a barrel.", "$80 a barrel", 80, "USD per bbl", "money"),
])
def test_measures(qpipe, sentence, number, value, unit, kind):
    q = one(qpipe, sentence, number)
    assert (q.value, q.unit, q.kind) == (pytest.approx(value), unit, kind)


# --- bounds and hedges ---------------------------------------------------------------------------

@pytest.mark.parametrize("phrase, low, high, low_inclusive, high_inclusive", [
    ("as many as", None, 500, True, True),
    ("up to", None, 500, True, True),
    ("at most", None, 500, True, True),
    ("no more than", None, 500, True, True),
    ("fewer than", None, 500, True, False),
    ("less than", None, 500, True, False),
    ("under", None, 500, True, False),
    ("at least", 500, None, True, True),
    ("no fewer than", 500, None, True, True),
    ("more than", 500, None, False, True),
    ("over", 500, None, False, True),
    ("in excess of", 500, None, False, True),
    ("upwards of", 500, None, False, True),
    ("just shy of", None, 500, True, False),
])
def test_bound_phrases(qpipe, phrase, low, high, low_inclusive, high_inclusive):
    q = one(qpipe, f"The patrol counted {phrase} 500 soldiers near the river.", "500")
    assert q.text == f"{phrase} 500 soldiers"
    assert (q.value, q.low, q.high) == (500, low, high)
    assert (q.low_inclusive, q.high_inclusive) == (low_inclusive, high_inclusive)


@pytest.mark.parametrize("sentence, number, low, high", [
    ("Monitors saw 500 or more trucks.", "500", 500, None),
    ("Monitors saw 500-plus trucks.", "500", 500, None),
    ("Monitors saw 500 or fewer trucks.", "500", None, 500),
])
def test_bounds_after_the_number(qpipe, sentence, number, low, high):
    q = one(qpipe, sentence, number)
    assert (q.low, q.high) == (low, high)


@pytest.mark.parametrize("hedge", ["about", "around", "nearly", "almost", "some", "roughly",
                                   "approximately", "an estimated"])
def test_hedges_keep_the_value_and_mark_it_approximate(qpipe, hedge):
    q = one(qpipe, f"Aid workers said {hedge} 300 families had fled.", "300")
    assert q.approximate and q.low == q.high == q.value == 300
    assert q.text.startswith(hedge)


def test_exact_count_with_its_noun_phrase(qpipe):
    q = one(qpipe, "Officials said 8,000 North Korean troops had arrived.", "8,000")
    assert (q.value, q.low, q.high, q.approximate) == (8000, 8000, 8000, False)
    assert (q.unit, q.counted, q.kind) == ("troops", "North Korean troops", "count")
    assert q.text == "8,000 North Korean troops"
    assert q.number_text == "8,000"


# --- ranges and vague magnitudes -------------------------------------------------------------

@pytest.mark.parametrize("sentence, number, low, high, unit", [
    ("Between 5 and 10 drones were shot down.", "5 and 10", 5, 10, "drones"),
    ("Officials expect 5-10 casualties.", "5-10", 5, 10, "casualties"),
    ("The front moved 5 to 10 km west.", "5 to 10 km", 5, 10, "km"),
    ("Salaries range from 300 to 500 dollars.", "300 to 500", 300, 500, "USD"),
    ("Estimates put it at $3 billion to $5 billion.", "$3 billion to $5 billion", 3e9, 5e9, "USD"),
    ("Witnesses saw 1 to 2 thousand protesters.", "1 to 2 thousand", 1000, 2000, "protesters"),
    ("Prices rose between 4% and 6%.", "4% and 6%", 4, 6, "percent"),
])
def test_ranges(qpipe, sentence, number, low, high, unit):
    q = one(qpipe, sentence, number)
    assert (q.value, q.low, q.high, q.unit) == (low, low, high, unit)


@pytest.mark.parametrize("sentence, word, low, high", [
    ("Thousands of civilians fled the city.", "Thousands", 1000, 10000),
    ("Hundreds of homes were destroyed.", "Hundreds", 100, 1000),
    ("Dozens of soldiers were wounded.", "Dozens", 12, 120),
    ("Tens of thousands of people marched.", "Tens of thousands", 10000, 100000),
    ("Hundreds of thousands of people marched.", "Hundreds of thousands", 100000, 1000000),
    ("Millions of dollars were lost.", "Millions", 1e6, 1e7),
])
def test_vague_magnitudes_span_their_order_of_magnitude(qpipe, sentence, word, low, high):
    q = one(qpipe, sentence, word)
    assert (q.value, q.low, q.high, q.high_inclusive) == (low, low, high, False)


def test_vague_magnitude_takes_the_counted_noun(qpipe):
    q = one(qpipe, "Thousands of North Korean troops have been moved.", "Thousands")
    assert q.text == "Thousands of North Korean troops"
    assert (q.unit, q.counted) == ("troops", "North Korean troops")


def test_vague_magnitude_of_a_currency(qpipe):
    q = one(qpipe, "The war has cost tens of millions of dollars.", "tens of millions")
    assert (q.low, q.unit, q.kind) == (1e7, "USD", "money")


# --- changes -------------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, number, change", [
    ("Food prices rose 5% in March.", "5%", "up"),
    ("Exports fell by 200 tonnes.", "200 tonnes", "down"),
    ("The index was up 3.2% on Friday.", "3.2%", "up"),
    ("The index ended down 2.1%.", "2.1%", "down"),
    ("Shares closed 4% higher.", "4%", "up"),
    ("The currency weakened by 7 per cent.", "7 per cent", "down"),
    ("Markets: Dow +0.4%.", "0.4%", "up"),
    ("Defence spending will grow by 12 percent.", "12 percent", "up"),
    ("The bank trimmed its forecast by 0.3 percentage points.", "0.3", "down"),
    ("Lake levels fell by 2 to 3 metres (6.5 to 10 feet) over summer.", "6.5 to 10", "down"),
])
def test_changes(qpipe, sentence, number, change):
    assert one(qpipe, sentence, number).change == change


@pytest.mark.parametrize("sentence, number", [
    ("Prices rose to $80 a barrel.", "$80"),          # a level reached, not the change
    ("The army cut 200 jobs.", "200"),                 # jobs cut are counted, not a change
    ("Engineers set up 5 camps.", "5"),
    ("The firm trimmed 200 jobs.", "200"),
])
def test_not_changes(qpipe, sentence, number):
    assert one(qpipe, sentence, number).change is None


def test_a_change_and_the_level_it_reached_stay_apart(qpipe):
    qs = found(qpipe, "The deficit increased by $43 billion to $419 billion.")
    assert [(q.value, q.change) for q in qs] == [(43e9, "up"), (419e9, None)]


def test_the_bare_end_of_a_move_takes_the_unit_of_the_other_end(qpipe):
    qs = found(qpipe, "His weight went from 90 kilograms in May to 84 by the end of summer.")
    assert [(q.value, q.unit) for q in qs] == [(90, "kg"), (84, "kg")]
    qs = found(qpipe, "Inflation eased from 6.2 to 5.9 percent last quarter.")
    assert [(q.value, q.unit) for q in qs] == [(6.2, "percent"), (5.9, "percent")]


def test_a_number_going_to_a_count_does_not_take_the_unit(qpipe):
    qs = found(qpipe, "The convoy moved from 20 km north to 3 villages near the coast.")
    assert [q.unit for q in qs] == ["km", "villages"]


def test_suspended_hyphens_share_the_counted_word(qpipe):
    qs = found(qpipe, "The estate offers two-, three- and four-bedroom houses.")
    assert [(q.value, q.unit) for q in qs] == [(2, "bedroom"), (3, "bedroom"), (4, "bedroom")]


# --- numbers that are not quantities -------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "The talks began in 2024 and ended in March 2024.",
    "The offensive started on October 5 and paused on 5 October.",
    "Kazakhstan became the 10th largest exporter.",
    "The meeting opened at 10:30 pm local time.",
    "Music of the 1990s was played.",
    "One of the reasons is the cost.",
    "No one was hurt and each one of them left.",
    "He bought Windows 10 and an iPhone 11.",
    "An F-16 and a Su-35 were seen; COVID-19 spread.",
    "The council passed Resolution 2231 under Article 5.",
    "Call 555-123-4567 for details.",
    "The home side won 3-1 on Sunday.",
    "He lives at No. 10.",
    "The embassy moved to 12 Harbour View Road last year.",
    "Her studio at 7 Rue Lepic was sold.",
])
def test_not_quantities(qpipe, sentence):
    assert found(qpipe, sentence) == [], [q.text for q in found(qpipe, sentence)]


def test_list_numbering_and_ages_in_apposition_are_not_quantities(qpipe):
    text = "Notes\n1. Joe Biden, 81, spoke first.\n2. The minister spoke next."
    assert found(qpipe, text) == []


def test_a_designation_inside_the_counted_phrase_is_not_a_number(qpipe):
    qs = found(qpipe, "Two F-16 jets landed.")
    assert [(q.value, q.unit) for q in qs] == [(2, "jets")]


def test_one_counting_a_noun_is_a_quantity(qpipe):
    q = one(qpipe, "Only one soldier survived the attack.", "one")
    assert (q.value, q.counted) == (1, "soldier")


def test_a_year_is_not_a_count_but_a_number_with_a_comma_is(qpipe):
    assert [q.value for q in found(qpipe, "In 2016 the army had 2,016 tanks.")] == [2016]
    assert [q.text for q in found(qpipe, "In 2016 the army had 2,016 tanks.")] == ["2,016 tanks"]


def test_spans_point_into_the_text(qpipe):
    text = "As many as 8,000 North Korean troops, $22 billion and about 5% more."
    for q in found(qpipe, text):
        assert text[q.start:q.end] == q.text


# --- the text layer, without spaCy ---------------------------------------------------------------

def test_find_quantities_without_a_parse():
    text = "As many as 8,000 troops, up 5% to $22 billion, in 2024."
    got = [(text[f.start:f.end], f.value, f.low, f.high, f.unit, f.change)
           for f in find_quantities(text)]
    assert got == [("As many as 8,000", 8000, None, 8000, None, None),
                   ("5%", 5, 5, 5, "percent", "up"),
                   ("$22 billion", 22e9, 22e9, 22e9, "USD", None)]


_PIECES = ["8,000", "1.5m", "$", "US$", "£", "PS", "Y=", "-", " to ", " and ", "between ",
           "from ", "as many as ", "more than ", "about ", "%", " per cent", " km", "bn",
           " billion", " thousand", "one", "a dozen", "half a", "two-thirds", " of ",
           "thousands", "tens of ", "(", ")", "/", ":", ".", ",", " ", "\n", "1990", "October",
           "5", "10th", "rose ", "fell by ", "+", "minus ", "×10−3", "½", "1/16", " a month",
           " per ", "sub-", "F-", "No. ", "’", "İ", "\t", "0", ".5", "1,2", "or more", "-plus"]
_numbery = st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=25).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=80), _numbery))
def test_text_layer_never_fails_and_spans_lie_in_the_text(text):
    assert parse_number(text) is None or isinstance(parse_number(text), float)
    for f in find_quantities(text):
        assert 0 <= f.start <= f.num_start < f.num_end <= f.end <= len(text)
        assert f.low is None or f.high is None or f.low <= f.high


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_numbers_with_thousands_separators_read_back(n):
    assert parse_number(f"{n:,}") == n
    found_ = find_quantities(f"Officials counted {n:,} soldiers.")
    if n < 1900 or n > 2100 or n >= 10000:
        assert [f.value for f in found_] == [n]


_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen " \
        "fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def _words(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10 - 2] + ("-" + _ONES[n % 10] if n % 10 else "")
    if n < 1000:
        return _ONES[n // 100] + " hundred" + (" and " + _words(n % 100) if n % 100 else "")
    return _words(n // 1000) + " thousand" + (" " + _words(n % 1000) if n % 1000 else "")


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=999_999))
def test_numbers_in_words_read_back(n):
    assert parse_number(_words(n)) == n


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_numbery)
def test_extractor_spans_lie_in_the_text(qpipe, text):
    text = "The ministry said " + text + " soldiers."
    (result,) = qpipe.analyze_batch([Document(text)])
    if isinstance(result, DocumentError):
        assert result.stage != "extract", result     # refused as input is fine; a crash is not
        return
    for q in result.quantities:
        assert text[q.start:q.end] == q.text and q.start < q.end


# --- the example article -----------------------------------------------------------------------

@needs_example
def test_example_article_quantities(qpipe, example_text, tmp_path):
    record = qpipe.analyze(example_text, "2024-10-31")
    proc = check_expected(record, tmp_path, "quantities")
    assert proc.returncode == 0, proc.stdout
    for phrase in ("10th largest", "March 2024", "November 2023", "One of the reasons"):
        at = example_text.index(phrase)
        assert not [q for q in record.quantities if q.start < at + len(phrase) and q.end > at], \
            phrase
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))["quantities"]
    assert len(record.quantities) <= len(expected) + 1   # plus "Thousands of ... troops"
