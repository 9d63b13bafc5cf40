"""The attribution evaluation: BRAT reading and pairing, the Citron-style scorer, the peer's
span mapping, and a short run on PolNeAR when ../shared is present."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from conftest import SHARED, needs_shared
from newsgraph.evaluate import Report
from newsgraph.evaluate.attribution import (COLUMNS, CUE_KINDS, Tokens, choose_split,
                                            claim_attributions, gold_cue_kinds,
                                            is_pronoun_source, run, score, token_spans,
                                            trimmed_hull)
from newsgraph.evaluate.brat import Attribution, AttributionDoc, pair_files, parse_ann, \
    read_folder
from newsgraph.record import Claim

POLNEAR = SHARED / "data" / "quotes" / "polnear"

TEXT = ("Harbour strike ends\n\n"
        "\"The talks are finished,\" the port director said on Monday, \"and the boats stay "
        "in.\"\n\n"
        "She added that ferries would sail again.\n\n"
        "It was reported that the union will vote.")


def at(words: str, nth: int = 0) -> tuple[int, int]:
    """The span of the nth occurrence of ``words`` in TEXT."""
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(words, start + 1)
    return start, start + len(words)


def brat(label: str, *spans: tuple[int, int]) -> str:
    offsets = ";".join(f"{s} {e}" for s, e in spans)
    return f"{label} {offsets}\t" + " ".join(TEXT[s:e] for s, e in spans)


def annotation() -> str:
    q1, q2 = at('"The talks are finished,"'), at('"and the boats stay in."')
    lines = [
        "T1\t" + brat("Source", at("the port director")),
        "T2\t" + brat("Cue", at("said")),
        "T3\t" + brat("Content", q2, q1),  # parts written out of order, as PolNeAR has some
        "T4\t" + brat("Attribution", at("said")),
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        "T5\t" + brat("Source", at("She")),
        "T6\t" + brat("Cue", at("added")),
        "T7\t" + brat("Content", at("that ferries would sail again")),
        "T8\t" + brat("Attribution", at("added")),
        "E2\tAttribution:T8 Source:T5 Cue:T6 Content:T7",
        "T9\t" + brat("Cue", at("It was reported")),
        "T10\t" + brat("Content", at("that the union will vote")),
        "T11\t" + brat("Attribution-no-source", at("It was reported")),
        "E3\tAttribution-no-source:T11 Cue:T9 Content:T10",
        "T12\t" + brat("Discard", at("Harbour strike ends")),
        "#1\tAnnotatorNotes T12\ta headline",
        "E4\tAttribution:T12",  # no cue, no content: left out
    ]
    return "\n".join(lines) + "\n"


# --- reading ---------------------------------------------------------------------------------


def test_parse_ann_roles_and_discontinuous_spans():
    skipped: Counter = Counter()
    gold = parse_ann(annotation(), TEXT, skipped)
    assert [a.id for a in gold] == ["E1", "E2", "E3"]
    first = gold[0]
    assert first.source == [at("the port director")]
    assert first.cue == [at("said")]
    assert first.content == sorted([at('"The talks are finished,"'),
                                    at('"and the boats stay in."')])
    assert gold[2].source == [] and gold[2].cue == [at("It was reported")]
    assert skipped["events without cue or content"] == 1
    assert not skipped["spans whose text differs from the file (kept)"]


def test_parse_ann_skips_the_tail_of_a_span_that_runs_over_lines():
    text = "The mayor said\nthe bridge opens.\nNothing else."
    ann = ("T1\tSource 0 9\tThe mayor\nT2\tCue 10 14\tsaid\n"
           "T3\tContent 15 32\tthe bridge\nopens.\n"
           "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n")
    (only,) = parse_ann(ann, text)
    assert text[only.content[0][0]:only.content[0][1]] == "the bridge opens."


def test_parse_ann_numbered_roles_join_and_bad_offsets_are_counted():
    text = "Aides said one thing. Later, another."
    ann = ("T1\tCue 6 10\tsaid\nT2\tContent 11 21\tone thing\nT3\tContent 29 36\tanother\n"
           "T4\tSource 0 99\tAides\nE1\tAttribution:T1 Cue:T1 Content:T2 Content2:T3 Source:T4\n")
    skipped: Counter = Counter()
    (only,) = parse_ann(ann, text, skipped)
    assert only.content == [(11, 21), (29, 36)]
    assert only.source == []
    assert skipped["span parts outside the text"] == 1


def _polnear_layout(root: Path) -> None:
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    (root / "text" / "harbour_2019-06-12_strike-ends.txt").write_text(TEXT, encoding="utf-8")
    (root / "text" / "unread_2019-06-13_x.txt").write_text("Nobody annotated this.",
                                                           encoding="utf-8")
    for annotator in ("ab12", "cd34"):
        (root / "attributions" / f"harbour_2019-06-12_strike-ends_{annotator}.ann").write_text(
            annotation(), encoding="utf-8")


def test_read_folder_pairs_suffixed_annotations_and_plain_brat(tmp_path):
    _polnear_layout(tmp_path / "corpus" / "dev")
    plain = tmp_path / "corpus" / "extra"
    plain.mkdir()
    (plain / "harbour.txt").write_text(TEXT, encoding="utf-8")
    (plain / "harbour.ann").write_text(annotation(), encoding="utf-8")
    (plain / "orphan.ann").write_text("", encoding="utf-8")
    skipped: Counter = Counter()
    docs = read_folder(tmp_path / "corpus", skipped)
    assert [d.id for d in docs] == ["harbour_2019-06-12_strike-ends", "harbour"]
    assert docs[0].ann.endswith("_ab12.ann")
    assert docs[0].published == "2019-06-12" and docs[1].published is None
    assert len(docs[0].gold) == len(docs[1].gold) == 3
    assert skipped["further annotators' files of a text already read"] == 1
    assert skipped["annotation files without a text"] == 1
    assert skipped["texts without an annotation file"] == 1


def test_metadata_date_wins_and_dev_split_is_chosen(tmp_path):
    _polnear_layout(tmp_path / "dev")
    (tmp_path / "train").mkdir()
    (tmp_path / "metadata.tsv").write_text(
        "compartment\tfilename\tpublication_date\n"
        "dev\tharbour_2019-06-12_strike-ends\t2019-06-11\n", encoding="utf-8")
    folder, note = choose_split(tmp_path)
    assert folder == tmp_path / "dev" and "dev split" in note
    assert choose_split(tmp_path / "dev") == (tmp_path / "dev", None)
    assert read_folder(folder)[0].published == "2019-06-11"


def test_pair_files_prefers_the_nearer_text(tmp_path):
    for split in ("a", "b"):
        (tmp_path / split).mkdir()
        (tmp_path / split / "story.txt").write_text(TEXT, encoding="utf-8")
        (tmp_path / split / "story_0001.ann").write_text("", encoding="utf-8")
    assert [(t.parent.name, a.parent.name) for t, a in pair_files(tmp_path)] == [("a", "a"),
                                                                                ("b", "b")]


# --- scoring ---------------------------------------------------------------------------------


def doc_with(gold: list[Attribution]) -> AttributionDoc:
    return AttributionDoc("t", "t.txt", "t.ann", TEXT, None, gold)


def gold_attributions() -> list[Attribution]:
    return parse_ann(annotation(), TEXT)


def row(pred: list[Attribution], gold: list[Attribution] | None = None) -> dict[str, float]:
    return dict(zip(COLUMNS[1:], score(doc_with(gold or gold_attributions()), pred).row()))


def test_gold_against_itself_is_perfect():
    cells = row(gold_attributions())
    assert all(cells[c] == 1.0 for c in COLUMNS
               if (" P" in c or " R" in c or "F1" in c) and "R:" not in c)
    assert cells["pronoun source acc"] == 1.0
    # recall by kind of cue only where the kinds are given
    assert all(cells[f"source overlap R: {kind}"] is None for kind in CUE_KINDS)


def test_source_recall_by_kind_of_cue():
    text = ("The minister said the port stays shut. Rebels opposed the decision. "
            "The army hired two hundred guards.")

    def span(words):
        start = text.index(words)
        return [(start, start + len(words))]

    gold = [Attribution(source=span(src), cue=span(cue), content=span(content))
            for src, cue, content in [("The minister", "said", "the port stays shut"),
                                      ("Rebels", "opposed", "the decision"),
                                      ("The army", "hired", "two hundred guards")]]
    doc = AttributionDoc("k", "k.txt", "k.ann", text, None, gold)
    kinds = gold_cue_kinds([doc])
    assert kinds == [["speech & thought", "stance & intent", "other"]]
    pred = [gold[0], Attribution(source=span("Rebels"), cue=span("opposed"),
                                 content=span("the decision"))]
    cells = dict(zip(COLUMNS[1:], score(doc, pred, kinds=kinds[0]).row()))
    assert cells["source overlap R: speech & thought"] == 1.0
    assert cells["source overlap R: stance & intent"] == 1.0
    assert cells["source overlap R: other"] == 0.0
    assert cells["source overlap R"] == pytest.approx(3 / 5)


def test_exact_forgives_punctuation_and_quotes_overlap_counts_tokens():
    said = at("said")
    pred = [Attribution(source=[at("director")], cue=[(said[0], said[1] + 1)],  # "said "
                        content=[at("The talks are finished")])]
    cells = row(pred)
    assert cells["cue exact P"] == 1.0 and cells["cue exact R"] == pytest.approx(1 / 3)
    # "director" is one token of "the port director": no exact hit, a third of its tokens
    assert cells["source exact P"] == 0.0
    assert cells["source overlap P"] == 1.0
    assert cells["source overlap R"] == pytest.approx(1 / 4)  # 1 of 3 + 1 ("She") gold tokens
    # the predicted content is one part of a discontinuous gold content: not exact, overlapping
    assert cells["content exact P"] == 0.0
    assert cells["content overlap P"] == 1.0
    assert 0 < cells["content overlap R"] < 0.5


def test_discontinuous_gold_content_matches_its_hull():
    start, end = at('"The talks are finished,"')[0], at('"and the boats stay in."')[1]
    pred = [Attribution(source=[at("the port director")], cue=[at("said")],
                        content=[(start + 1, end - 1)])]  # without the outer quote marks
    cells = row(pred)
    assert cells["content exact P"] == 1.0 and cells["source exact P"] == 1.0
    assert cells["content exact R"] == pytest.approx(1 / 3)
    # the hull also covers "the port director said on Monday,", which is no gold content
    assert cells["content overlap P"] < 1.0 and cells["content overlap R"] > 0.5


def test_source_and_content_need_an_overlapping_cue():
    pred = [Attribution(source=[at("She")], cue=[at("Monday")],
                        content=[at("that ferries would sail again")])]
    cells = row(pred)
    assert cells["source exact P"] == 0.0 and cells["content exact P"] == 0.0
    assert cells["content overlap P"] == 1.0  # overlap has no cue gate
    # the pronoun source is found by a prediction whose content overlaps the gold one
    assert cells["pronoun source acc"] == 1.0


def test_attributions_without_a_source_count_for_cue_and_content_only():
    gold = gold_attributions()
    pred = [Attribution(cue=[at("It was reported")], content=[at("that the union will vote.")])]
    cells = row(pred, gold)
    assert cells["cue exact P"] == 1.0 and cells["content exact P"] == 1.0
    assert cells["source exact P"] == 0.0 and cells["source exact R"] == 0.0
    assert cells["predicted"] == 1


def test_nothing_predicted_scores_zero_not_an_error():
    cells = row([])
    assert cells["cue exact P"] == 0.0 and cells["content overlap R"] == 0.0
    assert cells["pronoun source acc"] == 0.0


def test_helpers():
    assert trimmed_hull(TEXT, [at('"The talks are finished,"')]) == at("The talks are finished")
    assert trimmed_hull(TEXT, []) is None
    colon = "Mayor: no."
    assert trimmed_hull(colon, [(5, 7)]) == (5, 6)  # a cue that is only punctuation stays
    tokens = Tokens("A b, c.")
    assert tokens.ranges([(0, 3)]) == [(0, 2)]  # "A b" touches tokens 0-1
    assert tokens.ranges([(2, 3), (3, 4)]) == [(1, 3)]
    gold = gold_attributions()
    assert [is_pronoun_source(TEXT, g) for g in gold] == [False, True, False]


def test_claims_map_to_attributions():
    claims = [
        Claim(text="x", start=30, end=40, sentence=1, id="c1", kind="quote", cue="said",
              cue_start=50, cue_end=54, source="e1", source_text="he", source_start=45,
              source_end=47),
        Claim(text="y", start=60, end=70, sentence=1, id="c2", kind="reported", cue="said",
              cue_start=55, cue_end=59),
        Claim(text="z", start=80, end=90, sentence=2, id="c3", kind="unattributed"),
    ]
    found = claim_attributions(claims)
    assert [a.id for a in found] == ["c1", "c2"]
    assert found[0].source == [(45, 47)] and found[0].cue == [(50, 54)]
    assert found[0].content == [(30, 40)]
    assert found[1].source == []


def test_textacy_speaker_tokens_become_spans():
    spacy = pytest.importorskip("spacy")
    doc = spacy.blank("en")("The port director and the mayor said so")
    spans = token_spans([doc[4], doc[2], doc[5], doc[1]])
    assert [doc.text[s:e] for s, e in spans] == ["port director", "the mayor"]


# --- running ---------------------------------------------------------------------------------


def test_run_on_a_tiny_corpus_with_the_gold_peer(tmp_path):
    _polnear_layout(tmp_path / "dev")
    report = run(tmp_path, peers=("gold", "nosuch"))
    assert isinstance(report, Report) and report.columns == COLUMNS
    names = [r[0] for r in report.rows]
    assert names == ["newsgraph", "gold (sanity check)"]
    gold = dict(zip(COLUMNS, report.rows[1]))
    assert gold["docs"] == 1 and gold["content exact F1"] == 1.0
    assert any("nosuch" in n for n in report.notes)
    assert any("dev split" in n for n in report.notes)


@needs_shared
@pytest.mark.skipif(not POLNEAR.is_dir(), reason="PolNeAR is not in ../shared/data")
def test_run_on_polnear_dev_limit_2():
    report = run(POLNEAR, peers=(), limit=2)
    (newsgraph,) = report.rows
    assert newsgraph[0] == "newsgraph"
    if newsgraph[1] == "not available":  # the claims extractor is not there (yet)
        assert any("newsgraph: not available" in n for n in report.notes)
    else:
        cells = dict(zip(COLUMNS, newsgraph))
        assert cells["docs"] == 2
        assert all(0.0 <= cells[c] <= 1.0 for c in COLUMNS[3:-2] if "R:" not in c)
        assert all(cells[c] is None or 0.0 <= cells[c] <= 1.0 for c in COLUMNS if "R:" in c)
    assert any(n.startswith("Gold source words by kind of cue") for n in report.notes)
    assert report.notes[0].startswith("Data: the dev split")


def test_content_around_an_inner_cue_is_two_parts():
    from newsgraph.evaluate.attribution import _less

    text = "Their numbers, he said, are growing."
    parts = _less(0, len(text) - 1, [(15, 17), (18, 22)])
    assert [text[s:e] for s, e in parts] == ["Their numbers, ", ", are growing"]
    assert _less(0, 10, [(12, 15)]) == [(0, 10)]  # a cue outside leaves it whole
