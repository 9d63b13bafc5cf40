"""The time evaluation: gold readers, TempEval-3 scoring, peer output parsing, and a short run."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from conftest import SHARED, needs_shared
from newsgraph.evaluate import Report
from newsgraph.evaluate.time import (Tally, Unavailable, _dateparser_value, heideltime_home,
                                     heideltime_timexes, match, run, run_heideltime, same_value,
                                     score)
from newsgraph.evaluate.timeml import CAT, TIMEML, Timex, detect_format, read_cat, read_folder, \
    read_timeml

TML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>TEST-0001</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2019-06-12" functionInDocument="CREATION_TIME">20190612</TIMEX3></DCT>
<TITLE>Harbour talks</TITLE>
<TEXT>
The ferry strike ended <TIMEX3 tid="t1" type="DATE" value="2019-06-11">yesterday</TIMEX3> after <TIMEX3 tid="t2" type="DURATION" value="P3W" mod="APPROX">about three weeks</TIMEX3> &amp; the unions <EVENT eid="e1">met</EVENT> <TIMEX3 tid="t3" type="TIME" value="2019-06-11TNI">that night</TIMEX3>.

Talks resume <TIMEX3 tid="t4" type="DATE" value="">soon</TIMEX3>.
</TEXT>
</TimeML>
"""

CAT_XML = """<?xml version="1.0" ?><Document doc_id="77" doc_name="77_Test" lang="en">
<token number="0" sentence="0" t_id="1">Storm</token>
<token number="1" sentence="0" t_id="2">closes</token>
<token number="2" sentence="0" t_id="3">port</token>
<token number="3" sentence="1" t_id="4">May</token>
<token number="4" sentence="1" t_id="5">4</token>
<token number="5" sentence="1" t_id="6">,</token>
<token number="6" sentence="1" t_id="7">2016</token>
<token number="7" sentence="2" t_id="8">The</token>
<token number="8" sentence="2" t_id="9">port</token>
<token number="9" sentence="2" t_id="10">(</token>
<token number="10" sentence="2" t_id="11">east</token>
<token number="11" sentence="2" t_id="12">)</token>
<token number="12" sentence="2" t_id="13">shut</token>
<token number="13" sentence="2" t_id="14">on</token>
<token number="14" sentence="2" t_id="15">Tuesday</token>
<token number="15" sentence="2" t_id="16">,</token>
<token number="16" sentence="2" t_id="17">costing</token>
<token number="17" sentence="2" t_id="18">$</token>
<token number="18" sentence="2" t_id="19">5</token>
<token number="19" sentence="2" t_id="20">million</token>
<token number="20" sentence="2" t_id="21">.</token>
<token number="21" sentence="3" t_id="22">``</token>
<token number="22" sentence="3" t_id="23">It</token>
<token number="23" sentence="3" t_id="24">is</token>
<token number="24" sentence="3" t_id="25">n't</token>
<token number="25" sentence="3" t_id="26">over</token>
<token number="26" sentence="3" t_id="27">''</token>
<token number="27" sentence="3" t_id="28">.</token>
<token number="28" sentence="4" t_id="29">Next</token>
<token number="29" sentence="4" t_id="30">week</token>
<token number="30" sentence="4" t_id="31">is</token>
<token number="31" sentence="4" t_id="32">unannotated</token>
<token number="32" sentence="4" t_id="33">.</token>
<Markables>
<TIMEX3 m_id="1" type="DATE" value="2016-05-04" functionInDocument="CREATION_TIME">
<token_anchor t_id="4"/><token_anchor t_id="5"/><token_anchor t_id="6"/><token_anchor t_id="7"/>
</TIMEX3>
<TIMEX3 m_id="2" type="DATE" value="2016-05-03" functionInDocument="NONE">
<token_anchor t_id="15"/>
</TIMEX3>
<TIMEX3 m_id="3" type="DATE" value="2016-05" functionInDocument="NONE" anchorTimeID="1"/>
<ENTITY_MENTION m_id="4"><token_anchor t_id="23"/></ENTITY_MENTION>
</Markables>
</Document>
"""


def test_detect_format():
    assert detect_format(TML[:300]) == TIMEML
    assert detect_format(CAT_XML[:300]) == CAT
    assert detect_format("<rss><item/></rss>") is None


def test_read_timeml_body_offsets_and_skips():
    tally = Counter()
    doc = read_timeml(TML, "x.tml", "demo", tally)
    assert doc.id == "TEST-0001" and doc.corpus == "demo" and doc.dct == "2019-06-12"
    assert doc.text.startswith("The ferry strike") and doc.text.endswith("Talks resume soon.")
    assert "Harbour" not in doc.text and "20190612" not in doc.text  # header is not text
    assert "& the unions met that night." in doc.text
    spans = [(doc.text[t.start:t.end], t.type, t.value, t.mod) for t in doc.gold]
    assert spans == [("yesterday", "DATE", "2019-06-11", None),
                     ("about three weeks", "DURATION", "P3W", "APPROX"),
                     ("that night", "TIME", "2019-06-11TNI", None)]
    assert tally == {"timexes without a value": 1}


def test_read_cat_rebuilds_text():
    tally = Counter()
    doc = read_cat(CAT_XML, "77_Test.xml", "demo", tally)
    assert doc.id == "77_Test" and doc.dct == "2016-05-04"
    # headline, then the body; the dateline and the unannotated last sentence are left out
    assert doc.text == ('Storm closes port\n\nThe port (east) shut on Tuesday, costing $5 '
                        'million. "It isn\'t over".')
    assert [(doc.text[t.start:t.end], t.value) for t in doc.gold] == [("Tuesday", "2016-05-03")]
    assert tally["timexes without text"] == 1
    assert tally["CAT sentences after the annotated part left out"] == 1


def test_read_cat_unmarked_dateline_and_day_first_date():
    xml = CAT_XML.replace('functionInDocument="CREATION_TIME"', 'functionInDocument="NONE"')
    xml = xml.replace('value="2016-05-04"', 'value="04-05-2016"')
    tally = Counter()
    doc = read_cat(xml, "", CAT, tally)
    assert doc.dct == "2016-05-04" and "2016" not in doc.text
    assert tally["creation dates taken from an unmarked dateline"] == 1
    assert tally["creation dates written DD-MM-YYYY"] == 1


def test_read_folder_recursive_and_deduplicated(tmp_path: Path):
    (tmp_path / "a" / "deep").mkdir(parents=True)
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deep" / "one.tml").write_text(TML, encoding="utf-8")
    (tmp_path / "b" / "copy.tml").write_text(TML, encoding="utf-8")
    (tmp_path / "b" / "two.xml").write_text(CAT_XML, encoding="utf-8")
    (tmp_path / "b" / "other.xml").write_text("<rss/>", encoding="utf-8")
    tally = Counter()
    docs = read_folder(tmp_path, tally)
    assert [(d.id, d.corpus) for d in docs] == [("TEST-0001", "a"), ("77_Test", "b")]
    assert tally["documents read twice (same id)"] == 1


def t(start, end, value="2020", type_="DATE"):
    return Timex(start, end, type_, value)


def test_match_is_one_to_one_by_overlap():
    gold = [t(0, 10), t(20, 25)]
    pred = [t(2, 10), t(0, 12), t(30, 35)]
    assert match(gold, pred) == [(0, 1)]  # both overlap gold 0; the larger overlap wins
    assert match([t(0, 5)], [t(0, 6), t(0, 5)]) == [(0, 1)]  # exact wins a tie


def test_score_strict_relaxed_value_and_type():
    gold = [t(0, 9, "2020-01-01"), t(20, 30, "P2D", "DURATION"), t(40, 45, "2020-02")]
    pred = [t(0, 9, "2020-01-01"), t(18, 30, "P2D", "DATE"), t(40, 45, "2020-02-01"),
            t(60, 62, "2021")]
    tally = score(gold, pred)
    assert (tally.gold, tally.pred, tally.strict, tally.relaxed) == (3, 4, 2, 3)
    assert (tally.value, tally.type) == (2, 2)
    docs, n_gold, n_found, sp, sr, sf, rp, rr, rf, value_f1, type_acc, speed = tally.row()
    assert (docs, n_gold, n_found) == (1, 3, 4)
    assert (sp, sr) == (0.5, pytest.approx(2 / 3))
    assert (rp, rr) == (0.75, 1.0)
    assert value_f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    assert type_acc == pytest.approx(2 / 3) and speed is None


def test_tally_sums_and_empty_rows():
    total = Tally()
    total.add(score([t(0, 4)], [t(0, 4)]))
    total.add(score([t(0, 4)], []))
    assert (total.docs, total.gold, total.pred, total.strict) == (2, 2, 1, 1)
    assert Tally().row()[3:11] == [0.0] * 8


def test_same_value_is_strict():
    assert same_value("XXXX-XX-XX", "xxxx-xx-xx ")
    assert not same_value("2024-10", "2024-10-01")
    assert not same_value("XXXX-10", "2024-10")


def test_heideltime_output_to_offsets():
    text = 'Rain fell on Monday & "then" <b> two days later.'
    out = ('<?xml version="1.0"?>\n<!DOCTYPE TimeML SYSTEM "TimeML.dtd">\n<TimeML>\n'
           'Rain fell on <TIMEX3 tid="t1" type="DATE" value="2021-03-08">Monday</TIMEX3> & '
           '"then" <b> <TIMEX3 tid="t2" type="DURATION" value="P2D" mod="APPROX">two days'
           '</TIMEX3> later.\n\n</TimeML>\n')
    times, moved = heideltime_timexes(out, text)
    assert not moved
    assert [(text[x.start:x.end], x.type, x.value, x.mod) for x in times] == [
        ("Monday", "DATE", "2021-03-08", None), ("two days", "DURATION", "P2D", "APPROX")]
    # text that came back changed: the expressions are found by search instead
    times, moved = heideltime_timexes(out.replace("Rain", "Snow"), text)
    assert moved and [text[x.start:x.end] for x in times] == ["Monday", "two days"]


def test_dateparser_values_keep_granularity():
    when = datetime(2021, 3, 8, 15, 30)
    assert _dateparser_value(when, "year") == "2021"
    assert _dateparser_value(when, "month") == "2021-03"
    assert _dateparser_value(when, "week") == "2021-W10"
    assert _dateparser_value(when, "day") == "2021-03-08"
    assert _dateparser_value(when, "time") == "2021-03-08T15:30"


def _heideltime_missing() -> str | None:
    try:
        heideltime_home()
    except Unavailable as why:
        return str(why)
    return None


@pytest.mark.skipif(_heideltime_missing() is not None, reason=str(_heideltime_missing()))
def test_heideltime_runs_offline():
    doc = read_timeml(TML)
    out = run_heideltime([doc])
    found = {doc.text[x.start:x.end]: x.value for x in out.found[0]}
    assert found.get("yesterday") == "2019-06-11"
    assert len(out.seconds) == 1 and out.seconds[0] > 0


def _check_report(report: Report, docs: int) -> None:
    assert report.columns[0] == "system"
    names = [row[0] for row in report.rows]
    assert "newsgraph" in names or any(n.startswith("newsgraph: not available")
                                       for n in report.notes)
    corpora = {row[1] for row in report.rows}
    for row in report.rows:
        assert row[2] == docs if row[1] == "all" or len(corpora) == 1 else 0 < row[2] < docs
        assert row[3] >= 0 and row[4] >= 0
        assert all(0.0 <= v <= 1.0 for v in row[5:13])
        assert row[13] is None or row[13] > 0
    assert "| system |" in report.markdown("newsgraph eval time --data DIR")


def test_run_on_own_snippets(tmp_path: Path):
    (tmp_path / "one.tml").write_text(TML, encoding="utf-8")
    (tmp_path / "two.xml").write_text(CAT_XML, encoding="utf-8")
    report = run(tmp_path, peers=("dateparser", "nonesuch"))
    _check_report(report, 2)
    assert ("dateparser", "all") in [(row[0], row[1]) for row in report.rows]
    assert any("nonesuch: not a known peer" in n for n in report.notes)
    assert any(n.startswith("Data: 2 documents") for n in report.notes)


@needs_shared
@pytest.mark.skipif(not (SHARED / "data" / "time").is_dir(), reason="../shared/data/time absent")
def test_run_on_shared_data_first_three():
    report = run(SHARED / "data" / "time", peers=(), limit=3)
    _check_report(report, 3)
    assert any("the first 3 by path" in n for n in report.notes)
