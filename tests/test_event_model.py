"""The learned event classifier: pure-Python inference, the shipped weights, and how the events
extractor uses it (re-reading a trigger's class, proposing a root verb), with modality kept."""

import json
from importlib import resources

import pytest

from newsgraph.config import Settings
from newsgraph.extract import event_model as M
from newsgraph.pipeline import Pipeline

EXTRACTORS = ("actors", "times", "quantities", "claims", "events")


@pytest.fixture(scope="module")
def events_pipeline():
    return Pipeline(Settings(extractors=EXTRACTORS))


def model_towards(feature: str, cls: int) -> M.ClassModel:
    """A hand-made model: ``feature`` pushes hard to class ``cls``; the bias favours 0."""
    weights = {feature: [10.0 if k == cls else 0.0 for k in range(5)]}
    return M.ClassModel(list(range(5)), [1.0, 0.0, 0.0, 0.0, 0.0], weights)


def events(pipeline, text):
    return pipeline.analyze(text, "2023-03-15").events


def test_probabilities_are_a_softmax_of_sparse_sums():
    m = M.ClassModel([0, 1], [0.0, 0.0], {"a=x": [0.0, 2.0], "c=y": [1.0, 0.0]})
    p = m.probabilities(["a=x", "c=y", "unknown", "a=x"])  # repeats count once
    assert round(p[1], 4) == round(1 / (1 + 2.718281828 ** -1), 4)
    again = M.ClassModel.from_json(json.loads(json.dumps(m.to_json())))
    assert again.probabilities(["a=x"]) == pytest.approx(m.probabilities(["a=x"]), abs=1e-3)


def test_shipped_model_is_small_and_has_five_classes():
    path = resources.files("newsgraph.lexicon").joinpath(M.MODEL_FILE)
    assert path.is_file()
    assert len(path.read_bytes()) < 400_000
    model = M.shipped_model()
    assert model.classes == [0, 1, 2, 3, 4]
    assert len(model.weights) > 100


def test_clause_features_read_the_trigger_clause(events_pipeline):
    doc = events_pipeline.nlp("Turkish jets bombed Kurdish positions near the border.")
    sent = next(iter(doc.sents))
    feats = M.clause_features(sent.root, sent, ("ASSAULT", 4))
    assert {"a=bomb", "rt=ASSAULT", "rc=4", "dobj=position", "c=kurdish"} <= set(feats)


def test_without_a_model_the_rules_decide(events_pipeline):
    with M.using(None):
        evs = events(events_pipeline, "The Turkish president praised the Russian government.")
    assert [e.type for e in evs] == ["SUPPORT"]


def test_confident_model_rereads_the_class_but_not_a_denied_act(events_pipeline):
    with M.using(model_towards("rt=SUPPORT", 4)):
        evs = events(events_pipeline, "The Turkish president praised the Russian government.")
        denied = events(events_pipeline,
                        "The Turkish president did not praise the Russian government.")
    assert [(e.type, e.cameo) for e in evs] == [("ASSAULT", "18")]
    assert [(e.type, e.modality) for e in denied] == [("SUPPORT", "denied")]


def test_confident_statement_reading_drops_the_event(events_pipeline):
    with M.using(model_towards("rt=SUPPORT", 0)):
        evs = events(events_pipeline, "The Turkish president praised the Russian government.")
    assert evs == []


def test_model_proposes_a_root_verb_the_lexicon_lacks(events_pipeline):
    text = "The Turkish president lauded the Russian government on Monday."
    with M.using(None):
        assert events(events_pipeline, text) == []
    with M.using(model_towards("a=laud", 1)):
        evs = events(events_pipeline, text)
        negated = events(events_pipeline,
                         "The Turkish president would not laud the Russian government.")
    assert [(e.type, e.text) for e in evs] == [("SUPPORT", "lauded")]
    assert evs[0].modality == "asserted"
    assert all(e.modality != "asserted" for e in negated)


def test_folds_ignore_tokenisation():
    from newsgraph.evaluate.train_events import fold_of

    assert fold_of("Iraq's army attacked.") == fold_of("Iraq 's army attacked .")


def test_training_separates_two_hand_made_classes():
    pytest.importorskip("sklearn")
    from newsgraph.evaluate.train_events import train

    feats = [["a=bomb", "c=town"], ["a=shell", "c=city"], ["a=praise", "c=minister"],
             ["a=hail", "c=leader"]] * 3
    labels = [4, 4, 1, 1] * 3
    model = train(feats, labels, c=10.0)
    p = model.probabilities(["a=bomb"])
    assert max(p, key=p.get) == 4
