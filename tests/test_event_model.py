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


# --- the argument tagger ---------------------------------------------------------------------


def tagger_towards(feature: str, role: str) -> M.ArgModel:
    """A hand-made tagger: ``feature`` pushes hard to ``role``; the bias favours O."""
    row = [8.0 if r == role else 0.0 for r in M.ARG_ROLES]
    return M.ArgModel.from_json({"roles": list(M.ARG_ROLES), "bias": [2.0, 0.0, 0.0, 0.0],
                                 "features": [feature], "weights": [row]})


def test_arg_model_scores_many_candidates_at_once():
    model = tagger_towards("path=nsubj", "S")
    p = model.probabilities([["path=nsubj", "x"], ["unknown"], ["path=nsubj"]])
    assert p.shape == (3, 4)
    assert p[0].argmax() == 1 and p[1].argmax() == 0
    assert p[0] == pytest.approx(p[2])  # unknown features weigh nothing
    again = M.ArgModel.from_json(json.loads(json.dumps(model.to_json())))
    assert again.probabilities([["path=nsubj"]]) == pytest.approx(p[2:], abs=1e-3)


def test_candidates_cover_subject_and_object_phrases(events_pipeline):
    doc = events_pipeline.nlp("The rebel army of the north shelled the old port on Sunday.")
    sent = next(iter(doc.sents))
    spans = {doc[c.start:c.end].text for c in M.candidates(sent)}
    assert {"The rebel army of the north", "the old port", "the north"} <= spans


def test_pick_arguments_keeps_best_non_overlapping_phrases(events_pipeline):
    import numpy as np

    doc = events_pipeline.nlp("Villagers attacked the police station of the town.")
    cands = M.candidates(next(iter(doc.sents)))
    text = [doc[c.start:c.end].text for c in cands]
    probs = np.full((len(cands), 4), [0.9, 0.04, 0.03, 0.03])
    probs[text.index("Villagers")] = [0.1, 0.8, 0.05, 0.05]
    probs[text.index("the police station of the town")] = [0.2, 0.1, 0.6, 0.1]
    probs[text.index("the town")] = [0.1, 0.1, 0.7, 0.1]  # inside the better-scored phrase
    picked = [(r, doc[c.start:c.end].text) for r, c in M.pick_arguments(cands, probs)]
    assert picked == [("S", "Villagers"), ("T", "the town")]


def test_extractor_takes_arguments_from_the_tagger(events_pipeline):
    from newsgraph.evaluate import events as E

    text = "Syrian troops attacked Turkish positions near the border."
    (ctx,), _ = E.parse([text])
    with M.using(None, tagger_towards("path=dobj", "S")):
        main = E.mains_of([ctx])[0]
    assert main.type == "ASSAULT"
    assert [(r, ctx.doc[a:b].text) for r, a, b in main.tagged] == [("S", "Turkish positions")]
    # the tagger decides which roles are filled and by what; the rules' named object fills
    # the recipient role it left empty
    spans = [(r, ctx.doc[a:b].text) for r, a, b in main.spans]
    assert ("S", "Turkish positions") in spans
    assert ("S", "Syrian troops") not in spans
    with M.using(None):
        rules = E.mains_of([ctx])[0]
    assert rules.tagged == []


def test_shipped_tagger_is_small_and_reads_a_plain_sentence(events_pipeline):
    path = resources.files("newsgraph.lexicon").joinpath(M.ARGS_FILE)
    assert path.is_file() and len(path.read_bytes()) < 2_000_000
    from newsgraph.evaluate import events as E

    (ctx,), _ = E.parse(["Iraqi soldiers attacked the rebels on Monday."])
    main = E.mains_of([ctx])[0]
    spans = {(r, ctx.doc[a:b].text) for r, a, b in main.spans}
    assert spans == {("S", "Iraqi soldiers"), ("T", "the rebels")}


def test_argument_training_separates_hand_made_roles():
    pytest.importorskip("sklearn")
    from newsgraph.evaluate.train_events import train_args

    feats = [["path=nsubj", "x"], ["path=dobj", "x"], ["path=prep", "y"], ["path=conj", "y"]] * 4
    roles = ["S", "T", "O", "O"] * 4
    model = train_args(feats, roles, c=10.0, min_count=1)
    p = model.probabilities([["path=nsubj"], ["path=dobj"], ["path=prep"]])
    assert [M.ARG_ROLES[k] for k in p.argmax(axis=1)] == ["S", "T", "O"]


def test_the_reporter_is_not_the_actor_of_what_it_reports(events_pipeline):
    """A tagger that likes the reporter's words never picks them as the actor of the event
    reported, unless the reported clause's own subject is the reporter."""
    text = "The Iranian ministry said on Monday that Iraq had sent 2,000 troops to Syria."
    with M.using(None, tagger_towards("hl=ministry", "S")):
        rec = events_pipeline.analyze(text, "2023-03-15")
    names = {e.id: e.name for e in rec.entities}
    sent = [e for e in rec.events if e.text == "sent"]
    assert sent, [(e.type, e.text) for e in rec.events]
    actors = [names[a] for a in sent[0].actors]
    assert actors and not any("ministry" in a.lower() or "Iran" == a for a in actors)


# --- the tagger keyed from arrays equals the tagger over feature strings ----------------------

SENTENCES = ("The rebel army of the north, which had crossed the river, shelled the old port "
             "of Tarsa on Sunday and killed 12 civilians, the ministry said.",
             "Officials from both countries met in Geneva to discuss a ceasefire with the UN "
             "envoy, who urged them to talk to the fighters in the hills.")


def test_array_candidates_are_the_string_candidates(events_pipeline):
    doc = events_pipeline.nlp(" ".join(SENTENCES))
    sents = list(doc.sents)
    arrays = M.DocArrays(doc)
    found = M.DocCandidates(arrays, sents)
    for sent in sents:
        r0, r1 = found.rows(sent.start)
        mine = [(c.start, c.end, c.head_i, c.cut)
                for c in (found.candidate(r) for r in range(r0, r1))]
        assert mine == [(c.start, c.end, c.head_i, c.cut) for c in M.candidates(sent)]


def test_keyed_features_score_as_the_feature_strings(events_pipeline):
    """Training reads feature strings; scoring keys the same features from arrays. Both must
    give the same probabilities (the shipped tagger, every verb and noun as a trigger)."""
    import numpy as np

    model = M.shipped_args()
    doc = events_pipeline.nlp(" ".join(SENTENCES))
    arrays = M.DocArrays(doc)
    sents = list(doc.sents)
    found = M.DocCandidates(arrays, sents)
    jobs, expected = [], []
    for sent in sents:
        cands = M.sentence_candidates(sent, arrays)
        heads = [c.head_i for c in cands.items]
        for word in sent:
            if word.pos_ not in ("VERB", "NOUN"):
                continue
            actors, recipients = set(heads[:1]), set(heads[-1:])
            feats = M.event_features(cands, word, word, "ASSAULT", actors, recipients)
            expected.append(model.probabilities(feats))
            jobs.append((sent.start, M.EventView.of(word, word, "ASSAULT", actors, recipients)))
    comp = M.compiled(model)
    static = M.static_weights(comp, arrays, found)
    dynamic, rows = M.event_weights(comp, arrays, found, jobs)
    got = M._softmax(static[rows] + dynamic + comp.bias)
    assert len(jobs) > 10
    assert np.allclose(got, np.concatenate(expected), atol=1e-9)
