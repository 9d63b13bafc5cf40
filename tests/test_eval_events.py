"""The events evaluation: readers, scorers and a small run on data written here."""

from pathlib import Path

import pytest

from conftest import SHARED
from newsgraph.evaluate import events as E


def test_bio_spans_and_reader(tmp_path: Path):
    folder = tmp_path / "cameo_ner"
    folder.mkdir()
    (folder / "train.txt").write_text(
        "Rebels B-S\nattacked O\nthe B-T\ntown I-T\n. O\n\nLeaders B-R\nmet O\n. O\n",
        encoding="utf-8")
    sents = E.read_cameo_ner(folder)
    assert len(sents) == 2
    assert sents[0].spans() == {("S", 0, 1), ("T", 2, 4)}
    assert sents[1].spans() == {("R", 0, 1)}


def test_tokenized_sentence_is_parsed_as_written_and_mapped_back(pipeline):
    tokens = "Myanmar ’ s Supreme Court and the U . S . rejected Mr . Li ' s appeal .".split()
    gold = E.Tagged(tokens, ["B-S", "I-S", "I-S", "I-S", "I-S", "O", "B-S", "I-S", "I-S", "I-S",
                             "I-S", "O", "O", "O", "O", "O", "O", "O", "O"])
    assert gold.text() == "Myanmar’s Supreme Court and the U.S. rejected Mr. Li's appeal ."
    doc = pipeline.nlp(gold.text())
    tmap = gold.token_map(doc)
    court = next(t for t in doc if t.text == "Court")
    us = next(t for t in doc if t.text == "U.S.")
    assert tmap.span(court.left_edge.i, court.i + 1) == (0, 5)  # "Myanmar ’ s Supreme Court"
    assert tmap.span(us.i - 1, us.i + 1) == (6, 11)  # "the U . S ."
    assert gold.spans() == {("S", 0, 5), ("S", 6, 11)}
    numbers = "In 2015 , Germany gave $ 6 . 3 million ( USD ) , or 88 , 550 , 000 , to 3 , 4 or 5 % ."
    assert E.Tagged(numbers.split(), []).text() == \
        "In 2015 , Germany gave $6.3 million (USD) , or 88,550,000 , to 3 , 4 or 5% ."


def test_class_reader_handles_crlf(tmp_path: Path):
    folder = tmp_path / "cameo_class"
    folder.mkdir()
    (folder / "train.tsv").write_bytes(b"Troops shelled the city.\t4\r\nThey met.\t1\r\n")
    assert E.read_cameo_class(folder) == [("Troops shelled the city.", 4), ("They met.", 1)]


def test_gsr_markup_spans():
    text, src, tar = E._unmark("(SRC: Chile) has (EVT: expelled) diplomats of (TAR: Peru).")
    assert text == "Chile has expelled diplomats of Peru."
    assert [text[a:b] for a, b in src] == ["Chile"]
    assert [text[a:b] for a, b in tar] == ["Peru"]


def test_macro_f1_and_span_scores():
    macro, per = E.macro_f1([0, 1, 1, 4], [0, 1, 4, 4], classes=(0, 1, 4))
    assert per[0] == 1.0 and round(per[1], 3) == 0.667 and round(per[4], 3) == 0.667
    sc = E.span_scores([({("S", 0, 1), ("T", 2, 4)}, {("S", 0, 1), ("S", 2, 4)})])
    assert sc["typed"] == 0.5 and sc["untyped"] == 1.0


def test_run_on_tiny_sets_written_here(tmp_path: Path):
    (tmp_path / "cameo" / "cameo_class").mkdir(parents=True)
    (tmp_path / "cameo" / "cameo_class" / "train.tsv").write_text(
        "Syrian jets bombed rebel positions near Idlib.\t4\n"
        "The two presidents met in Geneva on Monday.\t1\n"
        "The minister said the weather was fine.\t0\n", encoding="utf-8")
    report = E.run(tmp_path)
    row = [r for r in report.rows if r[2] == "pentaclass macro-F1, rules only"][0]
    assert row[1] == 3 and 0.0 <= row[3] <= 1.0
    assert "pentaclass macro-F1" in report.markdown()


@pytest.mark.skipif(not (SHARED / "data" / "events" / "plover-gsr").is_dir(),
                    reason="../shared/data/events is absent")
def test_gsr_reader_maps_old_names():
    gold = E.read_plover(SHARED / "data" / "events" / "plover-gsr" / "PLOVER_GSR_CAMEO.json")
    assert len(gold) == 322
    assert not {g.type for g in gold} & set(E.OLD_NAMES)
