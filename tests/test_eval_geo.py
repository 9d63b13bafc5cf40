"""The geoparsing evaluation: readers of the three formats, matching and the error metrics."""

import xml.etree.ElementTree as ET

import pytest

from conftest import SHARED
from newsgraph.evaluate import Report
from newsgraph.evaluate.geo import (GoldToponym, auc, km, match, read_geovirus, read_gwn,
                                    read_lgl, realign, run)

GWN_XML = """<articles><article file="0"><title>t</title><text>Troops left Ankara for Oslo.</text>
<toponyms><toponym><extractedName>Ankara</extractedName><type>Metonymic</type><start>12</start>
<end>18</end><geonamesID>323786</geonamesID><latitude>39.9</latitude><longitude>32.8</longitude>
</toponym><toponym><extractedName>troops</extractedName><type>Non_Lit_Expression</type>
<start>0</start><end>6</end></toponym></toponyms></article></articles>"""

LGL_XML = """<articles><article docid="7"><text>We met in  Lima today.</text><toponyms><toponym>
<phrase>Lima</phrase><start>9</start><end>13</end><gaztag geonameid="3936456"><name>Lima</name>
<lat>-12.04</lat><lon>-77.03</lon></gaztag></toponym></toponyms></article></articles>"""

GV_XML = """<articles><article><source>x</source><text>Cases rose in Hanoi.</text><locations>
<location><name>Hanoi</name><start>14</start><end>19</end><lat>21.0</lat><lon>105.8</lon>
</location></locations></article></articles>"""


def test_read_gwn_keeps_toponyms_with_points():
    (doc,) = read_gwn(ET.fromstring(GWN_XML))
    assert len(doc.toponyms) == 1
    t = doc.toponyms[0]
    assert doc.text[t.start:t.end] == "Ankara" and t.metonymic and t.geonameid == 323786


def test_read_lgl_realigns_shifted_offsets():
    (doc,) = read_lgl(ET.fromstring(LGL_XML))
    t = doc.toponyms[0]
    assert doc.text[t.start:t.end] == "Lima" and t.geonameid == 3936456


def test_read_geovirus():
    (doc,) = read_geovirus(ET.fromstring(GV_XML))
    assert doc.text[doc.toponyms[0].start:doc.toponyms[0].end] == "Hanoi"


def test_realign():
    assert realign("a Lima b Lima", "Lima", 8) == 9
    assert realign("abc", "Lima", 0) is None


def test_auc_bounds():
    assert auc([0.0, 0.0]) == 0.0
    assert auc([20039.0, 20039.0]) == pytest.approx(1.0, abs=1e-4)
    assert 0 < auc([1.0, 100.0, 1000.0]) < 1


def test_km():
    assert km(0, 0, 0, 1) == pytest.approx(111.2, abs=0.5)


def test_match_is_one_to_one():
    golds = [GoldToponym(0, 5, 0, 0), GoldToponym(10, 15, 0, 0)]

    class P:
        def __init__(self, s, e):
            self.start, self.end = s, e
    assert sorted(match(golds, [P(0, 3), P(2, 5), P(11, 20)])) == [(0, 0), (1, 2)] or \
        sorted(match(golds, [P(0, 3), P(2, 5), P(11, 20)])) == [(0, 1), (1, 2)]


def test_run_on_a_tiny_folder(tmp_path):
    (tmp_path / "gwn.xml").write_text(GWN_XML)
    (tmp_path / "lgl.xml").write_text(LGL_XML)
    report = run(tmp_path)
    assert isinstance(report, Report)
    assert {row[0] for row in report.rows} == {"gwn (GeoWebNews)", "lgl (LGL)"}
    assert len(report.rows) == 8


@pytest.mark.skipif(not (SHARED / "data" / "geo").is_dir(), reason="../shared/data/geo absent")
def test_run_on_dev_data_sample():
    report = run(SHARED / "data" / "geo", limit=3)
    assert report.rows and all(r[3] > 0 for r in report.rows)
