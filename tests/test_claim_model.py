"""The learned attribution layer of the claims extractor (claim_model): its file format, a
hand-made model read through the extractor, and the shipped model's size and behaviour."""

from importlib import resources

import pytest

from newsgraph.config import Settings
from newsgraph.extract import claim_model as M
from newsgraph.pipeline import Pipeline

SENTENCE = "The mayor lampooned the plan to close the harbour."


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline(Settings(extractors=("actors", "times", "quantities", "claims")))


def attributed(pipeline, text):
    rec = pipeline.analyze(text, "2023-03-15")
    return [c for c in rec.claims if c.kind != "unattributed"]


def hand_model(veto: float = -99.0) -> M.ClaimModel:
    """A model that takes "lampoon" as a cue, its subject as the source and its object as
    the content."""
    return M.ClaimModel(
        lemmas=frozenset({"lampoon", "ponder"}),
        cue=M.Linear(-1.0, {"l=lampoon": 3.0}),
        source=M.Linear(-2.0, {"p=vnsubj": 4.0}),
        content=M.Linear(-2.0, {"u=dobj": 4.0}),
        veto=veto)


def test_linear_scores_are_bias_plus_known_weights():
    lin = M.Linear(0.5, {"a": 1.0, "b": -2.0}, threshold=0.2)
    assert lin.score(["a", "b", "unknown"]) == pytest.approx(-0.5)
    assert M.Linear.from_json(lin.to_json()) == lin


def test_model_round_trips_through_json():
    model = hand_model(veto=-1.5)
    back = M.ClaimModel.from_json(model.to_json())
    assert back.lemmas == model.lemmas and back.veto == -1.5
    assert back.cue == model.cue and back.source == model.source


def test_rules_alone_do_not_read_an_unknown_verb(pipeline):
    with M.using(None):
        assert attributed(pipeline, SENTENCE) == []


def test_model_adds_a_claim_with_source_and_content(pipeline, monkeypatch):
    from newsgraph.extract import claims as C

    monkeypatch.setitem(C.CUE_CLASSES, "lampoon", "stance")  # as if the lexicon had it
    with M.using(hand_model()):
        claims = attributed(pipeline, SENTENCE)
    assert len(claims) == 1
    c = claims[0]
    assert (c.kind, c.cue, c.source_text) == ("reported", "lampooned", "The mayor")
    assert c.text == "the plan to close the harbour"


def test_model_adds_no_claim_for_a_verb_outside_the_cue_lexicon(pipeline):
    # corpora mark verbs of action and stance as cues; for an analyst they are events
    with M.using(hand_model()):
        assert attributed(pipeline, SENTENCE) == []


def test_model_adds_no_claim_without_a_speaker(pipeline, monkeypatch):
    from newsgraph.extract import claims as C

    monkeypatch.setitem(C.CUE_CLASSES, "lampoon", "stance")
    model = hand_model()
    model.source = M.Linear(-9.0, {})  # never finds a source
    with M.using(model):
        assert attributed(pipeline, SENTENCE) == []


def test_model_leaves_a_verb_it_does_not_score_as_cue(pipeline):
    with M.using(hand_model()):
        assert attributed(pipeline, SENTENCE.replace("lampooned", "pondered")) == []


def test_apposition_source_keeps_no_trailing_comma(pipeline):
    claims = attributed(pipeline, "Jane Roe, the group's director, said the vote was fair.")
    assert claims and claims[0].source_text == "Jane Roe, the group's director"


def test_shipped_model_is_small_and_loads():
    path = resources.files("newsgraph.lexicon").joinpath(M.MODEL_FILE)
    assert path.is_file() and len(path.read_bytes()) < 1_000_000
    model = M.shipped()
    assert model is not None and "say" in model.lemmas
    assert model.cue.weights and model.source.weights and model.content.weights


def test_shipped_model_keeps_plain_reported_speech(pipeline):
    claims = attributed(pipeline, "The minister said on Monday that the bridge would reopen.")
    assert [(c.cue, c.source_text) for c in claims] == [("said", "The minister")]
    assert "the bridge would reopen" in claims[0].text
