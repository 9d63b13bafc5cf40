"""Train the attribution layer of the claims extractor (``lexicon/claim_model.json``) on the
training split of a BRAT attribution corpus (PolNeAR's layout).

    python -m newsgraph.evaluate.train_claims --data ../shared/data/quotes/polnear \
        --out src/newsgraph/lexicon/claim_model.json        (``make train-claims``)

Only ``<data>/train`` is read. Each text is parsed once; gold cue, source and content spans
become token labels:

* cue: every token whose lemma the model lists (lemmas found inside gold cues at least
  ``MIN_LEMMA`` times, and inside one in at least ``MIN_RATE`` of their uses) is an example,
  positive when it lies in a gold cue;
* source: for each gold cue, the nouns and pronouns near it (:func:`claim_model.source_candidates`),
  positive for the head of the gold source phrase;
* content: for each gold cue, its dependents' subtrees and the clause around it
  (:func:`claim_model.content_units`), positive when most of their words are gold content.

Three L2 logistic regressions (scikit-learn, at training time only) learn the weights;
features seen fewer than ``MIN_COUNT`` times and near-zero weights are left out. Only lemma
lists and weights are written, never text.

Before writing, the script trains on the first ``HELD_OUT_FROM`` texts of the training split,
runs the whole extractor (rules + model) on the rest and prints the attribution measures of
that held-out part, beside the rules alone.
"""

from __future__ import annotations

import argparse
import json
import time
from bisect import bisect_right
from collections import Counter
from pathlib import Path
from typing import Optional, Sequence

from spacy.tokens import Doc, Token

from ..extract import claim_model as M
from .brat import AttributionDoc, read_folder

MIN_LEMMA = 3
MIN_RATE = 0.04
MIN_COUNT = 3
PRUNE = 0.05
C_CUE, C_SOURCE, C_CONTENT = 0.5, 0.5, 0.5
# Decision thresholds (logits), chosen on the held-out part of the training split.
THRESHOLDS = {"cue": 0.0, "source": 0.0, "content": 0.0}
# A rule cue scoring below this is dropped (held-out part: source P up, R about even).
VETO = -2.0
HELD_OUT_FROM = 700
CONTENT_SHARE = 0.5


def cue_classes() -> dict[str, str]:
    """The rule lexicon's class of each cue lemma (a feature that carries to lemmas the
    corpus has few examples of)."""
    from ..extract.claims import CUE_CLASSES

    return CUE_CLASSES


class Labelled:
    """A parsed text with its gold spans as token sets."""

    def __init__(self, gold: AttributionDoc, doc: Doc):
        from ..extract.claims import find_quotes

        self.gold, self.doc = gold, doc
        starts = [t.idx for t in doc]
        self.starts = starts

        def tokens(spans) -> set[int]:
            out: set[int] = set()
            for s, e in spans:
                i = max(0, bisect_right(starts, s) - 1)
                while i < len(doc) and doc[i].idx < e:
                    if doc[i].idx + len(doc[i]) > s and not doc[i].is_space:
                        out.add(i)
                    i += 1
            return out

        self.attributions = [(tokens(a.cue), tokens(a.source), tokens(a.content))
                             for a in gold.gold]
        # a gold cue's head is a positive example; its other words ("has", "also",
        # "jokingly" in "has also jokingly said") are no example either way
        self.cue_words = set().union(*(c for c, _, _ in self.attributions)) \
            if self.attributions else set()
        heads = (main_cue_token(doc, c) for c, _, _ in self.attributions)
        self.cue_tokens = {t.i for t in heads if t is not None}
        quotes = find_quotes(gold.text)
        self.quote_spans = [(q.open_mark, q.end) for q in quotes]
        self.quote_starts = [q.open_mark for q in quotes]

    def in_quote(self, char: int) -> bool:
        i = bisect_right(self.quote_starts, char) - 1
        return i >= 0 and self.quote_spans[i][0] <= char <= self.quote_spans[i][1]


def cue_lemmas(texts: Sequence[Labelled]) -> frozenset[str]:
    inside: Counter = Counter()
    total: Counter = Counter()
    for lt in texts:
        for t in lt.doc:
            if t.pos_ not in M.CUE_POS:
                continue
            lemma = M.lemma_of(t)
            total[lemma] += 1
            if t.i in lt.cue_words:
                inside[lemma] += 1
    return frozenset(w for w, n in inside.items()
                     if n >= MIN_LEMMA and n >= MIN_RATE * total[w])


def main_cue_token(doc: Doc, cue: set[int]) -> Optional[Token]:
    """The token a gold cue hangs from: the first whose head lies outside the cue."""
    tokens = [doc[i] for i in sorted(cue) if doc[i].pos_ in M.CUE_POS]
    for t in tokens:
        if t.head.i not in cue or t.head is t:
            return t
    return tokens[0] if tokens else None


def examples(texts: Sequence[Labelled], lemmas: frozenset[str], classes: dict[str, str]):
    """(cue, source, content) example lists, each a list of (features, label)."""
    cue_ex, src_ex, con_ex = [], [], []
    for lt in texts:
        doc = lt.doc
        for t in doc:
            if t.pos_ in M.CUE_POS and M.lemma_of(t) in lemmas and (
                    t.i in lt.cue_tokens or t.i not in lt.cue_words):
                cue_ex.append((M.cue_features(t, lt.in_quote(t.idx), classes),
                               t.i in lt.cue_tokens))
        for cue_toks, src, content in lt.attributions:
            cue = main_cue_token(doc, cue_toks)
            if cue is None:
                continue
            cls = M.cue_class(M.lemma_of(cue), classes)
            gold_head = None
            for cand, path in M.source_candidates(cue):
                pos = cand.i in src and (cand.head.i not in src or cand.head is cand)
                if pos and gold_head is None:
                    gold_head = cand
                src_ex.append((M.source_features(cand, path, cue, cls), pos))
            source = M.source_span(gold_head, cue) if gold_head is not None else None
            first_after = True
            for u in M.content_units(cue, source):
                after = u.lo > cue.i
                words = [i for i in range(u.lo, u.hi) if not doc[i].is_punct]
                share = sum(i in content for i in words) / len(words) if words else 0.0
                con_ex.append((M.content_features(u, cue, cls, after and first_after),
                               share >= CONTENT_SHARE))
                if after:
                    first_after = False
    return cue_ex, src_ex, con_ex


def fit(rows, c: float, threshold: float) -> M.Linear:
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    counts = Counter(f for fs, _ in rows for f in set(fs))
    vocab = sorted(f for f, n in counts.items() if n >= MIN_COUNT)
    index = {f: k for k, f in enumerate(vocab)}
    r, cols = [], []
    for n, (fs, _) in enumerate(rows):
        for f in set(fs):
            if f in index:
                r.append(n)
                cols.append(index[f])
    x = csr_matrix(([1.0] * len(r), (r, cols)), shape=(len(rows), len(vocab)))
    y = [int(lab) for _, lab in rows]
    clf = LogisticRegression(C=c, max_iter=3000)
    clf.fit(x, y)
    weights = {f: float(clf.coef_[0][k]) for f, k in index.items()
               if abs(clf.coef_[0][k]) >= PRUNE}
    return M.Linear(float(clf.intercept_[0]), weights, threshold)


def train(texts: Sequence[Labelled], thresholds: Optional[dict] = None) -> M.ClaimModel:
    thresholds = thresholds or THRESHOLDS
    classes = cue_classes()
    lemmas = cue_lemmas(texts)
    cue_ex, src_ex, con_ex = examples(texts, lemmas, classes)
    return M.ClaimModel(lemmas, fit(cue_ex, C_CUE, thresholds["cue"]),
                        fit(src_ex, C_SOURCE, thresholds["source"]),
                        fit(con_ex, C_CONTENT, thresholds["content"]), VETO)


def parse(docs: Sequence[AttributionDoc]):
    """Each text parsed, with the records the claims extractor reads, by the pipeline."""
    from ..config import Settings
    from ..pipeline import Pipeline, first_line_title, parse_date
    from ..record import Article, text_id
    from .attribution import BEFORE_CLAIMS

    pipeline = Pipeline(Settings(extractors=BEFORE_CLAIMS), memory_zone=False)
    out = []
    for d in docs:
        published = parse_date(d.published)
        article = Article(id=text_id(d.text), text=d.text,
                          published=published.isoformat() if published else None,
                          title=first_line_title(d.text))
        doc = pipeline.nlp(d.text)
        out.append((doc, pipeline.extract(doc, article, published), published))
    return out


def held_out_score(docs: Sequence[AttributionDoc], parsed, model: Optional[M.ClaimModel]):
    """The attribution tally of the claims extractor (with ``model``) on parsed texts."""
    import copy

    from .. import nlp
    from ..extract import Context
    from ..extract.claims import extract_claims
    from . import attribution as A

    total = A.Tally()
    with M.using(model):
        for d, (doc, record, published) in zip(docs, parsed):
            ctx = Context(doc=doc, article=record.article, published=published,
                          sentences=nlp.Sentences(doc), record=copy.copy(record))
            total.add(A.score(d, A.claim_attributions(extract_claims(ctx))))
    return total


def describe(total) -> str:
    from . import attribution as A

    row = dict(zip(A.COLUMNS[1:], total.row()))
    parts = []
    for role in ("source", "cue", "content"):
        parts.append(f"{role} overlap P {row[f'{role} overlap P']:.3f} "
                     f"R {row[f'{role} overlap R']:.3f} F1 {row[f'{role} overlap F1']:.3f}")
    pron = row["pronoun source acc"]
    parts.append(f"pronoun acc {pron:.3f}" if pron is not None else "pronoun acc -")
    return "; ".join(parts)


def main(argv: Optional[list[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data/quotes/polnear"))
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).resolve().parents[1] / "lexicon" / M.MODEL_FILE)
    ap.add_argument("--limit", type=int, default=None, help="read only the first N texts")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    docs = read_folder(args.data / "train")[:args.limit]
    parsed = parse(docs)
    texts = [Labelled(d, doc) for d, (doc, _r, _p) in zip(docs, parsed)]
    print(f"parsed {len(docs)} training texts in {time.perf_counter() - started:.0f} s")
    cut = min(HELD_OUT_FROM, len(docs) * 5 // 6)
    model = train(texts[:cut])
    rest, rest_parsed = docs[cut:], parsed[cut:]
    print(f"held out: train[{cut}:] ({len(rest)} texts), trained on train[:{cut}]")
    print("  rules alone:   " + describe(held_out_score(rest, rest_parsed, None)))
    print("  rules + model: " + describe(held_out_score(rest, rest_parsed, model)))
    model = train(texts)
    data = {"_doc": "Attribution cue/source/content weights over parse features; written by "
                    "newsgraph.evaluate.train_claims from the training split of an attribution "
                    "corpus (lemma lists and weights only)",
            "trained_on": {"set": str(args.data.name) + "/train", "texts": len(texts),
                           "C": [C_CUE, C_SOURCE, C_CONTENT], "min_count": MIN_COUNT,
                           "prune": PRUNE, "min_lemma": MIN_LEMMA, "min_rate": MIN_RATE},
            **model.to_json()}
    args.out.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False),
                        encoding="utf-8")
    print(f"{args.out}: {len(model.lemmas)} cue lemmas, "
          f"{sum(len(m.weights) for m in (model.cue, model.source, model.content))} weights, "
          f"{args.out.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
