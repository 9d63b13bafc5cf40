"""The stand-ins for spaCy's attribute ruler and lemmatizer annotate exactly as the stock ones."""

from __future__ import annotations

import json

import numpy as np
import pytest
import spacy
from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, ORTH, POS, TAG

from newsgraph.config import model_name
from newsgraph.spacy_speedups import ArrayAttributeRuler, CachedLemmatizer, speed_up

from conftest import ROOT, SHARED

ATTRS = [ORTH, POS, TAG, MORPH, LEMMA, DEP, HEAD, ENT_TYPE, ENT_IOB]

# Words the stock patterns single out: contractions, negations, auxiliaries, "y'all",
# "nothin'", subordinators, determiners; lemma exceptions and unknown words.
TRICKY = [
    "I'm sure they'd've known, wouldn't they? Y'all ain't seen nothin' yet, he said.",
    "She doesn't think it's over; we're told they've gone and that's that.",
    "Whether or not the geese were fed, the mice ran while the oxen slept.",
    "Tho he'd said he'd come, coz it rained he didn't. Nt sure why.",
    "The better-known Gen. Smith's forces were re-deployed; 8,000 troops, U.S. officials say.",
    "Was it the children's or the women's shelters that were hit? Neither, the UN said.",
    "gonna wanna lemme    spaces\n\nand\tTabs",
    "",
    "“Quotation” — dashes – and ‘single’ marks’ ...",
]


def _texts() -> list[str]:
    texts = list(TRICKY)
    for line in (ROOT / "examples" / "conflict-sample.jsonl").read_text().splitlines():
        texts.append(json.loads(line)["text"])
    texts.append((ROOT / "examples" / "mosul-2016-10-20.txt").read_text())
    bbc = sorted((SHARED / "data" / "news").rglob("bbc/*/*.txt"))[:40] if SHARED.is_dir() else []
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in bbc]
    return texts


@pytest.fixture(scope="module")
def both():
    stock = spacy.load(model_name())
    fast = spacy.load(model_name())
    replaced = speed_up(fast)
    return stock, fast, replaced


def test_takes_over_both_components(both):
    _stock, fast, replaced = both
    assert replaced == ["attribute_ruler", "lemmatizer"]
    assert isinstance(fast.get_pipe("attribute_ruler"), ArrayAttributeRuler)
    assert isinstance(fast.get_pipe("lemmatizer"), CachedLemmatizer)
    assert fast.pipe_names == spacy.load(model_name()).pipe_names


def test_same_annotations_as_stock(both):
    stock, fast, _ = both
    texts = _texts()
    # twice through the fast pipeline: the second pass is served from its caches
    for passes in range(2):
        for text, a, b in zip(texts, stock.pipe(texts), fast.pipe(texts)):
            if not np.array_equal(a.to_array(ATTRS), b.to_array(ATTRS)):
                diff = [(t.text, t.pos_, str(t.morph), t.lemma_, u.pos_, str(u.morph), u.lemma_)
                        for t, u in zip(a, b)
                        if (t.pos_, str(t.morph), t.lemma_) != (u.pos_, str(u.morph), u.lemma_)]
                pytest.fail(f"pass {passes}: {text[:60]!r} differs: {diff[:5]}")


def test_same_matches_as_stock_matcher(both):
    stock, fast, _ = both
    ruler = fast.get_pipe("attribute_ruler")
    stock_ruler = stock.get_pipe("attribute_ruler")
    # match on a doc parsed up to the ruler, as the pipeline does
    with stock.select_pipes(enable=["tok2vec", "tagger", "parser"]):
        doc = stock(TRICKY[0] + " " + TRICKY[1] + " " + TRICKY[3])
    expected = sorted({(a, s, e) for a, _m, s, e in stock_ruler.match(doc)})
    assert sorted({(a, s, e) for a, _m, s, e in ruler.match(doc)}) == expected
    assert any(e - s == 2 for _a, s, e in expected)  # the two-token patterns are exercised


def test_unsupported_patterns_keep_the_stock_component():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "a", "OP": "+"}]], {"TAG": "DT"})
    assert ArrayAttributeRuler.from_stock(ruler) is None
    ruler2 = nlp.add_pipe("attribute_ruler", name="second")
    ruler2.add([[{"LOWER": {"IN": ["a", "an"]}}, {"TEXT": {"REGEX": "^[A-Z]"}}]],
               {"TAG": "DT"}, index=0)
    fast = ArrayAttributeRuler.from_stock(ruler2)
    assert fast is not None
    doc = fast(nlp.make_doc("an Apple and a pear"))
    assert [t.tag_ for t in doc] == ["DT", "", "", "", ""]


def test_switched_off_by_environment(monkeypatch):
    monkeypatch.setenv("NEWSGRAPH_STOCK_SPACY", "1")
    nlp = spacy.load(model_name())
    assert speed_up(nlp) == []
    assert type(nlp.get_pipe("lemmatizer")).__name__ == "EnglishLemmatizer"


def test_caches_are_bounded(both, monkeypatch):
    import newsgraph.spacy_speedups as S

    _stock, fast, _ = both
    lemmatizer = fast.get_pipe("lemmatizer")
    monkeypatch.setattr(S, "CACHE_LIMIT", 5)
    fast("Troops were deployed to the region, officials said on Monday.")
    assert 5 < len(lemmatizer.cache)
    doc = fast("The talks resumed.")
    assert len(lemmatizer.cache) <= len(doc)  # started again, then filled by this doc only
    assert [t.lemma_ for t in doc] == ["the", "talk", "resume", "."]
