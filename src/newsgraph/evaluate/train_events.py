"""Train the events classifier (``lexicon/event_model.json``) on CAMEO pentaclass sentences.

    python -m newsgraph.evaluate.train_events --data ../shared/data/events \
        --out src/newsgraph/lexicon/event_model.json        (``make train-events``)

Each ``cameo/cameo_class`` sentence is parsed, the rule lexicon's main event is found (rules
only), and the features of its clause (:func:`newsgraph.extract.event_model.clause_features`;
the sentence root's when the rules find no event) are paired with the sentence's label. A
multinomial logistic regression (scikit-learn, L2) learns one weight per feature and class;
features seen in fewer than ``MIN_COUNT`` sentences are left out and near-zero weights are
pruned, so the file stays small. Only weights are written, never the sentences.

The script also prints 5-fold cross-validated macro-F1 of the classifier alone (the events
evaluation reports the cross-validated figures of the whole extractor).
"""

from __future__ import annotations

import argparse
import json
import zlib
from collections import Counter
from pathlib import Path
from typing import Optional, Sequence

from ..extract.event_model import ARG_ROLES, ARGS_FILE, ArgModel, ClassModel, clause_features

C = 1.0  # inverse L2 strength: the held-out sibling set is what counts, so regularise
C_ARGS = 1.0  # the same for the argument tagger
MIN_COUNT = 2
PRUNE = 0.02
FOLDS = 5


def letters(text: str) -> str:
    """A sentence's letters and digits, lower case: the same sentence tokenised differently
    (cameo_class and cameo_ner) gives the same key."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def fold_of(text: str, folds: int = FOLDS) -> int:
    """A sentence's cross-validation fold, from its letters alone."""
    return zlib.crc32(letters(text).encode("utf-8")) % folds


def main_clause_features(main, doc) -> list[str]:
    """Features of a sentence's main event clause (rules only), or of its root."""
    from ..extract.events import CLASSIFIER_CLASS

    sent = main.anchor.sent if main.anchor is not None else next(iter(doc.sents))
    anchor = main.anchor if main.anchor is not None else sent.root
    rule = (main.type, CLASSIFIER_CLASS.get(main.cameo or "01", 0)) if main.type else None
    return clause_features(anchor, sent, rule, main.word)


def train(features: Sequence[list[str]], labels: Sequence[int], c: float = C,
          min_count: int = MIN_COUNT, prune: float = PRUNE) -> ClassModel:
    from sklearn.linear_model import LogisticRegression

    x, index = _matrix(features, min_count)
    clf = LogisticRegression(C=c, max_iter=3000)
    clf.fit(x, list(labels))
    classes = [int(k) for k in clf.classes_]
    coef, bias = clf.coef_.tolist(), clf.intercept_.tolist()
    if len(classes) == 2:  # binary: one row of weights = the second class against the first
        coef, bias = [[0.0] * len(coef[0]), coef[0]], [0.0, bias[0]]
    weights = {}
    for f, k in index.items():
        w = [coef[j][k] for j in range(len(classes))]
        if max(abs(v) for v in w) >= prune:
            weights[f] = w
    return ClassModel(classes, [float(b) for b in bias], weights)


def _matrix(features: Sequence[list[str]], min_count: int):
    from scipy.sparse import csr_matrix

    counts = Counter(f for fs in features for f in set(fs))
    vocab = sorted(f for f, n in counts.items() if n >= min_count)
    index = {f: k for k, f in enumerate(vocab)}
    rows, cols = [], []
    for r, fs in enumerate(features):
        for f in set(fs):
            if f in index:
                rows.append(r)
                cols.append(index[f])
    return csr_matrix(([1.0] * len(rows), (rows, cols)), shape=(len(features), len(vocab))), index


def arg_examples(mains: Sequence, tagged: Sequence) -> tuple[list[list[str]], list[str], list[int]]:
    """(features, role, sentence number) of every argument candidate of the cameo_ner
    sentences, read against each sentence's main event (its root when the extractor
    finds none); a candidate's role is the gold role of the span it covers exactly, else O."""
    from ..extract import event_model as M
    from . import events as E

    feats: list[list[str]] = []
    roles: list[str] = []
    sentence: list[int] = []
    for n, (main, gold) in enumerate(zip(mains, tagged)):
        doc = main.doc
        sent = main.anchor.sent if main.anchor is not None else next(iter(doc.sents))
        clause = main.anchor if main.anchor is not None else sent.root
        word = main.word if main.word is not None else clause
        tmap = gold.token_map(doc)
        gold_roles = {(a, b): r for r, a, b in gold.spans()}
        cands = M.sentence_candidates(sent)
        feats += M.event_features(cands, clause, word, main.type or "NONE",
                                  {t.i for t in main.rule_actors},
                                  {t.i for t in main.rule_recipients})
        roles += [gold_roles.get(tmap.span(c.start, c.end), "O") for c in cands.items]
        sentence += [n] * len(cands.items)
    return feats, roles, sentence


def train_args(features: Sequence[list[str]], roles: Sequence[str], c: float = C_ARGS,
               min_count: int = MIN_COUNT, prune: float = PRUNE) -> ArgModel:
    """A multinomial logistic model over ARG_ROLES (scikit-learn, L2)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x, index = _matrix(features, min_count)
    y = [ARG_ROLES.index(r) for r in roles]
    clf = LogisticRegression(C=c, max_iter=3000)
    clf.fit(x, y)
    coef = np.zeros((len(ARG_ROLES), x.shape[1]))
    bias = np.zeros(len(ARG_ROLES))
    for row, k in enumerate(clf.classes_):
        coef[int(k)] = clf.coef_[row] if len(clf.classes_) > 2 else (
            clf.coef_[0] if row == 1 else 0.0)
        bias[int(k)] = clf.intercept_[row] if len(clf.classes_) > 2 else (
            clf.intercept_[0] if row == 1 else 0.0)
    for k in range(len(ARG_ROLES)):  # roles never seen in training: never predicted
        if k not in set(int(c) for c in clf.classes_):
            bias[k] = -30.0
    keep = sorted(f for f, k in index.items() if np.abs(coef[:, k]).max() >= prune)
    matrix = np.zeros((len(keep) + 1, len(ARG_ROLES)))
    for n, f in enumerate(keep):
        matrix[n] = coef[:, index[f]]
    return ArgModel({f: n for n, f in enumerate(keep)}, matrix, bias)


def cameo_ner_examples(data: Path, limit: Optional[int] = None,
                       classifier: Optional[ClassModel] = None):
    """(texts, features, roles, sentence numbers) of the cameo_ner sentences, each read against
    its main event as the extractor finds it with ``classifier`` (None: the rules alone)."""
    from ..extract import event_model
    from . import events as E

    tagged = E.read_cameo_ner(Path(data) / "cameo" / "cameo_ner")[:limit]
    texts = [t.text() for t in tagged]
    with event_model.using(classifier, None):
        mains, _ = E.run_newsgraph(texts)
    feats, roles, sentence = arg_examples(mains, tagged)
    return texts, feats, roles, sentence


def cross_validate(features: Sequence[list[str]], labels: Sequence[int], texts: Sequence[str]
                   ) -> list[int]:
    """Out-of-fold predictions of the classifier alone."""
    pred = [0] * len(labels)
    folds = [fold_of(t) for t in texts]
    for k in range(FOLDS):
        model = train([f for f, g in zip(features, folds) if g != k],
                      [y for y, g in zip(labels, folds) if g != k])
        for i, g in enumerate(folds):
            if g == k:
                p = model.probabilities(features[i])
                pred[i] = max(p, key=p.get)
    return pred


def cameo_class_features(data: Path, limit: Optional[int] = None
                         ) -> tuple[list[str], list[int], list[list[str]]]:
    """(texts, labels, features) of the cameo_class sentences, from the rules-only parse."""
    from ..extract import event_model
    from . import events as E

    rows = E.read_cameo_class(Path(data) / "cameo" / "cameo_class")[:limit]
    texts = [t for t, _ in rows]
    with event_model.using(None):
        mains, _ = E.run_newsgraph(texts)
    return texts, [y for _, y in rows], [main_clause_features(m, m.doc) for m in mains]


def main(argv: Optional[list[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data/events"))
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).resolve().parents[1] / "lexicon" / "event_model.json")
    ap.add_argument("--args-out", type=Path, default=None,
                    help="the argument tagger's file (default: event_args.json beside --out)")
    args = ap.parse_args(argv)
    from . import events as E

    texts, labels, features = cameo_class_features(args.data)
    oof = cross_validate(features, labels, texts)
    macro, _ = E.macro_f1(labels, oof)
    print(f"classifier alone, {FOLDS}-fold cross-validated pentaclass macro-F1: {macro:.3f} "
          f"({len(texts)} sentences)")
    model = train(features, labels)
    args.out.write_text(json.dumps({
        "_doc": "CAMEO pentaclass weights over clause features; written by "
                "newsgraph.evaluate.train_events from cameo/cameo_class (weights only)",
        "trained_on": {"set": "cameo/cameo_class", "sentences": len(texts), "C": C,
                       "min_count": MIN_COUNT, "prune": PRUNE},
        "pentaclass": model.to_json()}, separators=(",", ":")), encoding="utf-8")
    print(f"{args.out}: {len(model.weights)} features, {args.out.stat().st_size // 1024} KB")
    texts, feats, roles, sentence = cameo_ner_examples(args.data, classifier=model)
    tagger = train_args(feats, roles)
    out = args.args_out or args.out.with_name(ARGS_FILE)
    out.write_text(json.dumps({
        "_doc": "Argument tagger: source/target/reciprocal weights over candidate phrase "
                "features; written by newsgraph.evaluate.train_events from cameo/cameo_ner "
                "(weights only)",
        "trained_on": {"set": "cameo/cameo_ner", "sentences": len(texts),
                       "candidates": len(roles), "C": C_ARGS, "min_count": MIN_COUNT,
                       "prune": PRUNE},
        "arguments": tagger.to_json()}, separators=(",", ":")), encoding="utf-8")
    print(f"{out}: {len(tagger.index)} features, {out.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
