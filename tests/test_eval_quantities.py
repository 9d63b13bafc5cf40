"""The NewsQuant-format evaluation: the CQE-style scorer, the mapping of records to NewsQuant
fields, and run() on a small hand-made file (and, when ../shared is there, on the dev set)."""

import importlib.util
import json

import pytest

from conftest import SHARED
from newsgraph.evaluate import Report
from newsgraph.evaluate.quantities import (COLUMNS, newsquant_change, newsquant_items,
                                           newsquant_unit, newsquant_value, read, run, score,
                                           values_match)
from newsgraph.record import Quantity

NEWSQUANT = SHARED / "data" / "quantities"


def g(value, unit, change="="):
    return {"value": value, "normalized_unit": unit, "change": change, "unit": unit,
            "referred_concepts": "-"}


def p(value, unit, change="="):
    return {"value": value, "normalized_unit": unit, "change": change}


# --- the scorer ----------------------------------------------------------------------------------

def test_values_match_numerically_and_ranges_only_ranges():
    assert values_match(5.0, 5.000001)
    assert not values_match(5.0, 5.1)
    assert values_match((5.0, 10.0), (5.0, 10.0))
    assert not values_match((5.0, 10.0), 7.5)
    assert not values_match(5.0, (5.0, 10.0))


def test_score_counts_hits_per_gold_quantity():
    n = score([([g("5", "kilometre"), g("10", "percentage", "up")],
                [p(5.0, "kilometre"), p(10.0, "percentage", "up"), p(7.0, "-")])])
    assert n == {"gold": 2, "pred": 3, "value": 2, "unit": 2, "change": 2}


def test_value_hits_are_capped_by_the_gold_count_of_the_sentence():
    n = score([([g("5", "mile")], [p(5.0, "-"), p(5.0, "foot")])])
    assert (n["value"], n["unit"], n["pred"]) == (1, 0, 2)


def test_a_prediction_is_used_up_only_by_a_unit_match():
    n = score([([g("5", "mile"), g("5", "mile")], [p(5.0, "mile")])])
    assert (n["value"], n["unit"]) == (1, 1)


def test_gold_ranges_are_pairs_or_averaged():
    pairs = [([g("5-10", "drone")], [p((5.0, 10.0), "drone")])]
    assert score(pairs)["unit"] == 1
    assert score([([g("5-10", "drone")], [p(7.5, "drone")])], average_ranges=True)["value"] == 1
    assert score([([g("-5.0", "yard")], [p(-5.0, "yard")])])["value"] == 1    # negative, not range


def test_units_compare_lower_cased():
    assert score([([g("3", "Americans")], [p(3.0, "americans")])])["unit"] == 1


# --- mapping a record to NewsQuant's fields ----------------------------------------------------

def q(**kw):
    base = {"text": "x", "start": 0, "end": 1, "sentence": 0}
    return Quantity(**base, **kw)


@pytest.mark.parametrize("kw, change", [
    ({"value": 5, "low": None, "high": 5}, "<"),
    ({"value": 5, "low": 5, "high": None, "low_inclusive": False}, ">"),
    ({"value": 5, "low": 5, "high": None}, ">"),
    ({"value": 5, "low": 5, "high": 5, "approximate": True}, "~"),
    ({"value": 5, "low": 5, "high": 5, "change": "up"}, "up"),
    ({"value": 5, "low": 5, "high": 5, "change": "down", "approximate": True}, "~"),
    ({"value": 5, "low": 5, "high": 5}, "="),
    ({"value": 5, "low": 5, "high": 10}, "="),
])
def test_newsquant_change(kw, change):
    assert newsquant_change(q(**kw)) == change


def test_newsquant_value_and_unit():
    assert newsquant_value(q(value=5, low=5, high=10)) == (5, 10)
    assert newsquant_value(q(value=5, low=None, high=5)) == 5
    lemma_of = {"North Korean troops": "north korean troop"}
    assert newsquant_unit(q(value=1, unit="troops", counted="North Korean troops"), lemma_of) \
        == "north korean troop"
    assert newsquant_unit(q(value=1, unit="km", kind="length"), {}) == "kilometre"
    assert newsquant_unit(q(value=1, unit="USD per bbl", kind="money"), {}) == "dollar per barrel"
    assert newsquant_unit(q(value=1, unit="USD", kind="money"), {}) == "dollar"
    assert newsquant_unit(q(value=1), {}) == "-"


def test_from_a_to_b_is_one_newsquant_pair_in_the_order_written():
    text = "Its weight fell from 208 pounds last year to 193 this spring, a 7% drop."
    a = Quantity(text="208 pounds", start=text.index("208"), end=text.index(" last"),
                 sentence=0, value=208, low=208, high=208, unit="lb", kind="mass")
    b = Quantity(text="193", start=text.index("193"), end=text.index("193") + 3, sentence=0,
                 value=193, low=193, high=193, unit="lb", kind="mass")
    c = Quantity(text="7%", start=text.index("7%"), end=text.index("7%") + 2, sentence=0,
                 value=7, low=7, high=7, unit="percent", kind="percent", change="down")
    assert newsquant_items(text, [a, b, c], {}) == [
        {"value": (208, 193), "normalized_unit": "pound-mass", "change": "="},
        {"value": 7, "normalized_unit": "percentage", "change": "down"}]
    # without "from", or in different units, they stay two
    plain = text.replace("from ", "by ")
    assert len(newsquant_items(plain, [a, b], {})) == 2


# --- run() ---------------------------------------------------------------------------------------

SENTENCES = [
    {"text": "The army sent 500 soldiers and 12 tanks to the border.",
     "quantities": [g("500", "soldier"), g("12", "tank")]},
    {"text": "Food prices rose 5% in May.", "quantities": [g("5.0", "percentage", "up")]},
    {"text": "More than 1,000 people fled to a camp about 30 km away.",
     "quantities": [g("1000", "people", ">"), g("30", "kilometre", "~")]},
    {"text": "Between 5 and 10 drones were shot down.", "quantities": [g("5-10", "drone")]},
    {"text": "The ministry gave no further details.", "quantities": []},
]


@pytest.fixture
def newsquant_file(tmp_path):
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(SENTENCES), encoding="utf-8")
    (tmp_path / "other.json").write_text(json.dumps({"not": "newsquant"}), encoding="utf-8")
    return path


def test_read_takes_a_file_or_the_newsquant_files_of_a_folder(newsquant_file):
    assert read(newsquant_file)[0] == SENTENCES
    sentences, used = read(newsquant_file.parent)
    assert sentences == SENTENCES and used == ["tiny.json"]


def test_run_scores_a_small_file(newsquant_file):
    report = run(newsquant_file, peers=())
    assert isinstance(report, Report) and report.columns == COLUMNS
    (row,) = report.rows
    assert row[0] == "newsgraph"
    assert row[1:10] == [1.0] * 9                       # P/R/F1 of value, value+unit, value+bound
    assert row[10] > 0
    assert "5 sentences, 6 gold quantities" in report.notes[0]
    assert "| newsgraph |" in report.markdown("newsgraph eval quantities --data x")


def test_run_names_unknown_peers(newsquant_file):
    report = run(newsquant_file, peers=("nosuchpeer",), limit=2)
    assert len(report.rows) == 1 and any("nosuchpeer" in n for n in report.notes)


@pytest.mark.skipif(not NEWSQUANT.is_dir(), reason="../shared/data/quantities is absent")
def test_run_on_the_dev_set_with_a_limit():
    peers = ("quantulum3",) if importlib.util.find_spec("quantulum3") else ()
    report = run(NEWSQUANT, peers=peers, limit=20)
    assert "20 sentences" in report.notes[0]
    ours = report.rows[0]
    assert ours[0] == "newsgraph" and ours[3] >= 0.8       # value F1
    if peers:
        assert report.rows[1][0] == "quantulum3" and report.rows[1][7] is None
