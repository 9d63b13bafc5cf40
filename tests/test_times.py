"""The times extractor: time expressions normalised against the publication date.

The sentences are written for these tests; the example article is the only outside text."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXPECTED, needs_example
from newsgraph.extract.times import find_times
from newsgraph.record import Time

PUBLISHED = date(2024, 10, 31)  # a Thursday


def times(text: str, published=PUBLISHED) -> list[Time]:
    return find_times(text, published)


def one(text: str, published=PUBLISHED) -> Time:
    found = times(text, published)
    assert len(found) == 1, [(t.text, t.value) for t in found]
    return found[0]


def value_of(text: str, phrase: str, published=PUBLISHED) -> str:
    """The value of the expression found at ``phrase``."""
    at = text.index(phrase)
    hits = [t for t in times(text, published) if t.start <= at < t.end]
    assert hits, f"nothing found at {phrase!r} in {text!r}"
    return hits[0].value


# --- weekdays ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("The defence ministry said Thursday that the strikes had stopped.", "2024-10-31"),
    ("Rebels shelled the port on Monday, residents said.", "2024-10-28"),
    ("The convoy was ambushed Friday near the border.", "2024-10-25"),
    ("Aid workers reached the village on Sunday.", "2024-10-27"),
])
def test_bare_weekday_is_the_most_recent_one_publication_day_included(text, value):
    t = one(text)
    assert (t.value, t.type, t.anchor) == (value, "DATE", "published")
    next_day = (date.fromisoformat(value) + timedelta(days=1)).isoformat()
    assert (t.begin, t.until) == (value, next_day)


@pytest.mark.parametrize("text, value", [
    ("The two presidents will meet on Friday in Geneva.", "2024-11-01"),
    ("The ceasefire is expected to take effect Monday.", "2024-11-04"),
    ("Parliament is scheduled to vote on Thursday, a spokesman said.", "2024-10-31"),
    ("Officials said Tuesday that talks will resume.", "2024-10-29"),
])
def test_weekday_reads_forward_when_its_clause_does(text, value):
    weekday = next(w for w in ("Monday", "Tuesday", "Thursday", "Friday") if w in text)
    assert value_of(text, weekday) == value


def test_said_weekday_after_a_forward_quote_stays_in_the_past():
    text = "\u201cWe will not retreat,\u201d the commander said Monday."
    assert value_of(text, "Monday") == "2024-10-28"


def test_last_and_next_weekday():
    assert value_of("The talks collapsed last Friday.", "Friday") == "2024-10-25"
    assert value_of("The envoy arrives next Tuesday.", "Tuesday") == "2024-11-05"


def test_weekday_with_part_of_day_is_a_time():
    t = one("The drones struck Monday night, the governor said.")
    assert (t.text, t.value, t.type) == ("Monday night", "2024-10-28TNI", "TIME")


# --- months, seasons, years --------------------------------------------------------------------

def test_month_without_year_is_the_most_recent_not_a_day():
    t = one("The two countries signed a defence pact in June.")
    assert (t.text, t.value, t.begin, t.until) == ("June", "2024-06", "2024-06-01", "2024-07-01")


def test_month_of_publication_is_this_one():
    assert one("Fighting intensified in October.").value == "2024-10"


def test_month_reads_forward_when_the_sentence_looks_forward():
    assert one("The new brigade is expected to deploy in March.").value == "2025-03"
    assert one("The brigade deployed in March.").value == "2024-03"
    assert one("A decision is expected next month.").value == "2024-11"


@pytest.mark.parametrize("text, phrase, value, mod", [
    ("Fighting flared again in mid-October.", "mid-October", "2024-10", "MID"),
    ("The offensive began in early 2024.", "early 2024", "2024", "START"),
    ("Prices rose late last year.", "late last year", "2023", "END"),
    ("Casualties mounted earlier this month.", "earlier this month", "2024-10", "START"),
    ("The troops withdrew at the end of September.", "the end of September", "2024-09", "END"),
    ("The mid-1990s saw the first clashes.", "The mid-1990s", "199", "MID"),
])
def test_start_mid_end_modifiers(text, phrase, value, mod):
    t = one(text)
    assert (t.text, t.value, t.mod) == (phrase, value, mod)


@pytest.mark.parametrize("text, phrase, value", [
    ("Kyiv launched its counteroffensive this summer.", "this summer", "2024-SU"),
    ("Supplies ran short last winter.", "last winter", "2023-WI"),
    ("The harvest failed in the spring of 2022.", "the spring of 2022", "2022-SP"),
])
def test_seasons(text, phrase, value):
    t = one(text)
    assert (t.text, t.value) == (phrase, value)


@pytest.mark.parametrize("text, phrase, value", [
    ("The country was included in March 2024.", "March 2024", "2024-03"),
    ("Poland signed the deal in November 2023.", "November 2023", "2023-11"),
    ("The missiles were made this year.", "this year", "2024"),
    ("Exports doubled last year.", "last year", "2023"),
    ("Elections are due next year.", "next year", "2025"),
    ("The treaty has held since 2015.", "2015", "2015"),
    ("The army wants 50 brigades by 2030.", "2030", "2030"),
    ("The border was redrawn in 2022.", "2022", "2022"),
    ("The conflict has its roots in the 1990s.", "the 1990s", "199"),
    ("The pact was signed on Oct. 5.", "Oct. 5", "2024-10-05"),
    ("The pact was signed on October 5, 2023.", "October 5, 2023", "2023-10-05"),
    ("The pact was signed on 5 October 2023.", "5 October 2023", "2023-10-05"),
    ("The pact was signed on 2023-10-05.", "2023-10-05", "2023-10-05"),
    ("The pact was signed on 10/05/2023.", "10/05/2023", "2023-10-05"),
    ("The ministry reported results for the third quarter.", "the third quarter", "2024-Q3"),
    ("Output fell in Q2 2023.", "Q2 2023", "2023-Q2"),
])
def test_dates_and_periods(text, phrase, value):
    t = one(text)
    assert (t.text, t.value) == (phrase, value)


def test_explicit_dates_are_not_anchored():
    t = one("The pact was signed on October 5, 2023.")
    assert t.anchor is None and (t.begin, t.until) == ("2023-10-05", "2023-10-06")


@pytest.mark.parametrize("text", [
    "Officials may announce new sanctions.",
    "Theresa May said the decision was final.",
    "Veterans may march to the square.",
    "As many as 8,000 North Korean troops were sent.",
    "The country was the 10th largest arms exporter.",
    "A total of 2,022 soldiers were wounded.",
    "More than 2000 troops crossed the border.",
    "A 25-year-old soldier was killed.",
    "The rebels fired 1500 rockets.",
    "Flight 1549 landed safely.",
    "They paid $2024 for the permit.",
])
def test_no_time_in_numbers_names_and_verbs(text):
    assert times(text) == []


def test_ambiguous_may_and_march_as_months():
    assert one("The offensive stalled in May.").value == "2024-05"
    assert one("The offensive stalled on May 5.").value == "2024-05-05"
    assert one("Protests grew through March 2024.").value == "2024-03"


# --- relative days, weeks and references -------------------------------------------------------

@pytest.mark.parametrize("text, phrase, value, type_", [
    ("The strike happened yesterday.", "yesterday", "2024-10-30", "DATE"),
    ("The president speaks today.", "today", "2024-10-31", "DATE"),
    ("The envoy arrives tomorrow.", "tomorrow", "2024-11-01", "DATE"),
    ("The city was shelled this morning.", "this morning", "2024-10-31TMO", "TIME"),
    ("The bridge fell two days ago.", "two days ago", "2024-10-29", "DATE"),
    ("Talks stalled last week.", "last week", "2024-W43", "DATE"),
    ("Aid will arrive next week.", "next week", "2024-W45", "DATE"),
    ("Troops are now in Kursk.", "now", "PRESENT_REF", "DATE"),
    ("The unit is currently deployed.", "currently", "PRESENT_REF", "DATE"),
    ("The front has recently shifted.", "recently", "PAST_REF", "DATE"),
    ("They expect to fight in the coming days.", "the coming days", "FUTURE_REF", "DATE"),
    ("The ceasefire was signed at 2 p.m.", "2 p.m.", "2024-10-31T14:00", "TIME"),
])
def test_relative_expressions(text, phrase, value, type_):
    t = one(text)
    assert (t.text, t.value, t.type) == (phrase, value, type_)


def test_expressions_read_against_a_date_the_text_set():
    text = "The assault began on Oct. 5, 2023. The next day, the army shelled the city."
    found = times(text)
    nxt = next(t for t in found if t.text == "The next day")
    assert (nxt.value, nxt.anchor) == ("2023-10-06", "text")


def test_weekday_read_against_the_day_the_text_set():
    text = "Markets fell on Oct. 14, 2024, down 3% from the previous Friday."
    prev = next(t for t in times(text) if t.text == "the previous Friday")
    assert (prev.value, prev.anchor) == ("2024-10-11", "text")


def test_year_ago_keeps_the_quarter_the_text_is_about():
    text = "Profit rose in the third quarter to $5 million from $3 million a year earlier."
    found = {t.text: t.value for t in times(text)}
    assert found == {"the third quarter": "2024-Q3", "a year earlier": "2023-Q3"}


@pytest.mark.parametrize("text, phrase, value", [
    ("Fighting peaked in the last week of March 2023.", "the last week of March 2023",
     "2023-W13"),
    ("The report is dated 28-08-2016.", "28-08-2016", "2016-08-28"),
    ("The talks ended a day-long meeting.", "day-long", "P1D"),
    ("It was bombed in nineteen ninety-six.", "nineteen ninety-six", "1996"),
    ("The sale should close by year-end.", "year-end", "2024"),
    ("Officials had earlier denied the report.", "earlier", "PAST_REF"),
    ("Earlier Sunday, the army withdrew.", "Earlier Sunday", "2024-10-27"),
])
def test_more_forms(text, phrase, value):
    t = one(text)
    assert (t.text, t.value) == (phrase, value)


@pytest.mark.parametrize("text", [
    "According to the Halab Today television station, the bombs fell.",
    "Markets crashed on what is known as Black Monday.",
    "He was 25 years old.",
    "The 60 Minutes programme aired the report.",
])
def test_names_and_ages_are_no_times(text):
    assert times(text) == []


def test_a_clock_time_takes_the_day_of_its_sentence():
    t = [t for t in times("The drone hit at 3 a.m. Tuesday, officials said.")][0]
    assert (t.text, t.value) == ("3 a.m. Tuesday", "2024-10-29T03:00")


# --- durations and sets -------------------------------------------------------------------------

@pytest.mark.parametrize("text, phrase, value, mod", [
    ("The siege lasted three days.", "three days", "P3D", None),
    ("The siege lasted 3 days.", "3 days", "P3D", None),
    ("The talks went on for two years.", "two years", "P2Y", None),
    ("The battle lasted three weeks.", "three weeks", "P3W", None),
    ("The blackout lasted two hours.", "two hours", "PT2H", None),
    ("A five-year plan was adopted.", "five-year", "P5Y", None),
    ("He was held for more than two years.", "more than two years", "P2Y", "MORE_THAN"),
    ("The ship waited about six months.", "about six months", "P6M", "APPROX"),
    ("The region has been contested for years.", "years", "PXY", None),
])
def test_durations(text, phrase, value, mod):
    t = one(text)
    assert (t.text, t.value, t.type, t.mod) == (phrase, value, "DURATION", mod)


def test_the_past_three_years_is_a_duration_ending_on_publication():
    t = one("Prices tripled over the past three years.")
    assert (t.text, t.value, t.type) == ("the past three years", "P3Y", "DURATION")
    assert (t.begin, t.until, t.anchor) == ("2021-11-01", "2024-11-01", "published")


@pytest.mark.parametrize("text, phrase, value", [
    ("Convoys cross the border every week.", "every week", "P1W"),
    ("The ministry briefs reporters daily.", "daily", "P1D"),
    ("The summit is held annually.", "annually", "P1Y"),
    ("Shipments arrive weekly.", "weekly", "P1W"),
    ("Inspectors visit twice a month.", "twice a month", "P1M"),
    ("Markets close on Sundays.", "Sundays", "XXXX-WXX-7"),
])
def test_sets(text, phrase, value):
    t = one(text)
    assert (t.text, t.value, t.type) == (phrase, value, "SET")


# --- without a publication date ------------------------------------------------------------------

def test_without_publication_date_relative_values_stay_unresolved():
    found = {t.text: t for t in times("On Monday, in June 2023 and last week.", None)}
    assert found["Monday"].value == "XXXX-WXX-1" and found["Monday"].begin is None
    assert found["June 2023"].value == "2023-06"
    assert found["last week"].value == "XXXX-WXX"


@pytest.mark.parametrize("published", [date(1, 1, 1), date(9999, 12, 31), None])
def test_dates_at_the_ends_of_the_calendar_never_crash(published):
    text = ("It happened 1000000 days ago, 9000 years ago, last year, next Monday, "
            "in the spring and in 1999 and tomorrow.")
    for t in find_times(text, published):
        assert text[t.start:t.end] == t.text


def test_published_as_string():
    assert one("Rebels attacked on Monday.", "2024-10-31").value == "2024-10-28"


# --- the example article -----------------------------------------------------------------------

def _check_expected(items: list[Time]) -> list[str]:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))["times"]
    missing = []
    for e in expected:
        if not any(t.start <= e["at"] < t.end and t.value == e["value"]
                   and ("mod" not in e or t.mod == e["mod"]) for t in items):
            missing.append(f"{e['text']} -> {e['value']}")
    return missing


@needs_example
def test_example_article_times_from_text_alone(example_text):
    assert _check_expected(find_times(example_text, PUBLISHED)) == []


@needs_example
def test_example_article_times_through_the_pipeline(example_text):
    from newsgraph.config import Settings
    from newsgraph.pipeline import Pipeline

    record = Pipeline(Settings(extractors=("times",))).analyze(example_text, "2024-10-31")
    assert _check_expected(record.times) == []
    assert [t.id for t in record.times] == [f"t{i}" for i in range(1, len(record.times) + 1)]
    for t in record.times:
        assert example_text[t.start:t.end] == t.text
    # the adjective in "an earlier estimate" is no time
    assert not any(t.text.lower() == "earlier" for t in record.times)


# --- properties ------------------------------------------------------------------------------------

WORDS = ["the", "in", "on", "last", "next", "this", "early", "mid-", "late", "May", "March",
         "June", "Oct.", "Monday", "Friday", "week", "weeks", "year", "years", "days", "ago",
         "2024", "1990s", "5", "31", ",", ".", "will", "said", "more", "than", "three", "a",
         "every", "daily", "now", "today", "yesterday", "p.m.", "3", "12:30", "GMT", "the past",
         "summer", "quarter", "third", "fiscal", "2,022", "troops", "'90s", "\n", "\n\n",
         "nineteen", "ninety-six", "-", "/", "10/05/2023", "2023-10-05", "later", "earlier",
         "that", "day", "night", "morning", "Christmas", "year-end", "\u2019", "\u00a0"]
SNIPPETS = st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join)
TEXTS = st.one_of(SNIPPETS, st.text(max_size=200), st.tuples(SNIPPETS, st.text(max_size=40))
                  .map(lambda p: p[0] + p[1]))
DATES = st.one_of(st.none(), st.dates(min_value=date(1900, 3, 1), max_value=date(2090, 10, 1)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, DATES)
def test_find_times_never_crashes_and_spans_point_into_the_text(text, published):
    found = find_times(text, published)
    last_end = 0
    for t in found:
        assert 0 <= t.start < t.end <= len(text)
        assert text[t.start:t.end] == t.text
        assert t.start >= last_end  # in order, no overlaps
        last_end = t.end
        assert t.value and t.type in ("DATE", "TIME", "DURATION", "SET")
        if t.begin and t.until:
            assert t.begin < t.until
        assert t.text == t.text.strip()


@settings(max_examples=100, deadline=None)
@given(SNIPPETS, DATES, st.lists(st.integers(0, 400), max_size=5))
def test_sentence_starts_only_set_sentence_indexes(text, published, cuts):
    starts = sorted({0, *[c for c in cuts if c < len(text)]})
    found = find_times(text, published, starts)
    for t in found:
        assert t.sentence == max(i for i, s in enumerate(starts) if s <= t.start)
