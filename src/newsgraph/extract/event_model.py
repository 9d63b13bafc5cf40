"""A small learned event classifier: sparse linear weights over parse features of one clause.

The rules of :mod:`newsgraph.extract.events` find a trigger and its sense; this model reads the
trigger's clause (its words, the trigger's object and prepositions, the verbs governing it) and
scores the five CAMEO classes (0 statement, 1 verbal cooperation, 2 material cooperation,
3 verbal conflict, 4 material conflict). The events extractor uses it where the rules are
unsure: a trigger whose class the model contradicts with confidence is re-read in the model's
class.

The weights live in ``lexicon/event_model.json``, written by
``python -m newsgraph.evaluate.train_events`` (``make train-events``). Inference is a sparse dot
product in pure Python: no numerical library is needed at run time.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Optional

from spacy.attrs import IS_ALPHA, LEMMA, POS
from spacy.symbols import IDS
from spacy.tokens import Doc, Span, Token

MODEL_FILE = "event_model.json"
CONTENT_POS = frozenset({"NOUN", "VERB", "ADJ", "PROPN", "ADV", "ADP", "PART"})
_SKIP_LEMMAS = frozenset({"be", "have", "do", "the", "a", "an", "-PRON-"})
GOVERNING_DEPS = frozenset({"xcomp", "ccomp", "advcl", "conj", "pcomp", "acl", "relcl"})


@dataclass
class ClassModel:
    """Weights of a multinomial logistic model: feature -> one weight per class."""

    classes: list[int]
    bias: list[float]
    weights: dict[str, list[float]]

    def scores(self, features: Iterable[str]) -> list[float]:
        total = list(self.bias)
        for f in set(features):
            w = self.weights.get(f)
            if w is not None:
                for k, v in enumerate(w):
                    total[k] += v
        return total

    def probabilities(self, features: Iterable[str]) -> dict[int, float]:
        s = self.scores(features)
        top = max(s)
        exp = [math.exp(v - top) for v in s]
        norm = sum(exp)
        return {c: e / norm for c, e in zip(self.classes, exp)}

    def to_json(self) -> dict:
        return {"classes": self.classes, "bias": [round(b, 4) for b in self.bias],
                "weights": {f: [round(v, 3) for v in w] for f, w in sorted(self.weights.items())}}

    @classmethod
    def from_json(cls, data: dict) -> "ClassModel":
        return cls(list(data["classes"]), list(data["bias"]),
                   {f: list(w) for f, w in data["weights"].items()})


@lru_cache(maxsize=1)
def shipped_model() -> Optional[ClassModel]:
    """The model shipped with the package, or None when it is absent (rules work alone)."""
    path = resources.files("newsgraph.lexicon").joinpath(MODEL_FILE)
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return ClassModel.from_json(data["pentaclass"])


# The model in use; evaluation swaps in fold models (trained without the scored fold).
_override: list[Optional[ClassModel]] = []


def current() -> Optional[ClassModel]:
    return _override[-1] if _override else shipped_model()


class using:
    """``with using(model): ...`` runs the events extractor with ``model`` (None: rules only)."""

    def __init__(self, model: Optional[ClassModel]):
        self.model = model

    def __enter__(self) -> None:
        _override.append(self.model)

    def __exit__(self, *exc) -> None:
        _override.pop()


def _lemma(tok: Token) -> str:
    return tok.lemma_.lower()


_CONTENT_POS_IDS = frozenset(IDS[p] for p in CONTENT_POS)
_lower_lemma: dict[int, str] = {}


def content_lemmas(doc: Doc) -> list[Optional[str]]:
    """Per token of ``doc``: its lower-case lemma when it is an alphabetic content word, else
    None. Read from the doc's arrays once, so features of many clauses cost little."""
    arr = doc.to_array([LEMMA, POS, IS_ALPHA])
    strings = doc.vocab.strings
    out: list[Optional[str]] = []
    for lemma, pos, alpha in arr.tolist():
        if not alpha or pos not in _CONTENT_POS_IDS:
            out.append(None)
            continue
        low = _lower_lemma.get(lemma)
        if low is None:
            low = _lower_lemma[lemma] = strings[lemma].lower()
        out.append(None if low in _SKIP_LEMMAS else low)
    return out


def clause_features(anchor: Token, sent: Span, rule: Optional[tuple[str, int]] = None,
                    word: Optional[Token] = None, lemmas: Optional[list[Optional[str]]] = None
                    ) -> list[str]:
    """Features of the clause headed by ``anchor`` in ``sent``: the anchor's lemma, its objects
    and prepositions, negation, the verbs that govern it, the clause's content lemmas and
    lemma bigrams, and the sentence's other content lemmas (weaker, own prefix). ``rule`` is
    the rule lexicon's (PLOVER type, class) for the clause, when it has a trigger; ``word`` the
    trigger word when it is not the anchor ("launched an attack"); ``lemmas`` the doc's
    :func:`content_lemmas`, computed here when not given."""
    feats = [f"a={_lemma(anchor)}", f"ap={anchor.pos_}"]
    if rule is not None:
        feats += [f"rt={rule[0]}", f"rc={rule[1]}"]
    else:
        feats.append("rt=NONE")
    if word is not None and word.i != anchor.i:
        feats.append(f"w={_lemma(word)}")
    for c in anchor.children:
        dep = c.dep_
        if dep in ("dobj", "nsubjpass", "attr", "xcomp", "ccomp", "dative", "prt", "acomp"):
            feats.append(f"{dep}={_lemma(c)}")
            feats.append(f"a_{dep}={_lemma(anchor)}_{_lemma(c)}")
        elif dep in ("prep", "agent"):
            feats.append(f"p={c.lower_}")
            feats.append(f"a_p={_lemma(anchor)}_{c.lower_}")
            for g in c.children:
                if g.dep_ == "pobj":
                    feats.append(f"p_o={c.lower_}_{_lemma(g)}")
        elif dep == "neg":
            feats.append("neg")
        elif dep == "aux" and _lemma(c) in ("will", "would", "could", "may", "might", "should"):
            feats.append(f"modal={_lemma(c)}")
        elif dep == "nsubj":
            feats.append(f"subj_ent={c.ent_type_ or c.pos_}")
    node, hops = anchor, 0
    while node.dep_ in GOVERNING_DEPS and node.head.i != node.i and hops < 3:
        node, hops = node.head, hops + 1
        feats.append(f"gov={_lemma(node)}")
    if lemmas is None:
        lemmas = content_lemmas(sent.doc)
    lo, hi = anchor.left_edge.i, anchor.right_edge.i + 1
    feats += [f"s={lem}" for lem in lemmas[sent.start:lo] if lem is not None]
    feats += [f"s={lem}" for lem in lemmas[hi:sent.end] if lem is not None]
    prev = None
    for lem in lemmas[lo:hi]:
        if lem is not None:
            feats.append(f"c={lem}")
            if prev is not None:
                feats.append(f"cb={prev}_{lem}")
            prev = lem
    return feats


def sentence_anchor(sent: Span) -> Token:
    return sent.root
