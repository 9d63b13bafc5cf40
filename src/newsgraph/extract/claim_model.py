"""A small learned attribution layer: which words are cues, and for a cue, who and what.

The rules of :mod:`newsgraph.extract.claims` know the common cues ("said", "according to")
and read their source and content off the parse in fixed ways. Attribution corpora also mark
many verbs of action, cognition and stance as cues ("blasted", "remembers", "is demanding"),
and subjects of raising verbs as sources. This module scores, with three sparse linear models
over parse features:

* ``cue``: whether a token whose lemma the model knows is an attribution cue;
* ``source``: which nearby noun or pronoun heads the source phrase (the best one, or none);
* ``content``: which dependents of the cue (and, for a cue set inside its clause, the clause
  around it) belong to the content; the content is the hull of those chosen.

The weights live in ``lexicon/claim_model.json``, written by
``python -m newsgraph.evaluate.train_claims`` from an attribution corpus's training split
(weights and lemma lists only, never text). Scoring is a sum of dictionary lookups; features
are made only for candidate cues (tokens whose lemma the model lists), found with one array
lookup, so the rest of the text costs nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Optional

import numpy as np
from spacy.strings import hash_string
from spacy.tokens import Token

MODEL_FILE = "claim_model.json"
# Parts of speech a cue candidate may have (the lemma list decides the rest).
CUE_POS = frozenset({"VERB", "AUX", "NOUN", "ADJ", "ADV"})
# Heads of a source phrase.
SOURCE_POS = frozenset({"NOUN", "PROPN", "PRON"})
# How far (dependency edges) a source may be from its cue.
SOURCE_REACH = 3
# Dependents that never start a content unit.
_NOT_CONTENT = frozenset({"punct", "aux", "auxpass", "neg", "prt", "cc", "nsubj", "nsubjpass",
                          "csubj", "expl", "agent", "mark", "case", "det", "poss"})
_QUOTES = frozenset('"“”‘’«»')


@dataclass
class Linear:
    """A logistic model: a bias, one weight per feature string, and the decision threshold
    (in the same logit units)."""

    bias: float
    weights: dict[str, float]
    threshold: float = 0.0

    def score(self, features: Iterable[str]) -> float:
        get = self.weights.get
        return self.bias + sum(get(f, 0.0) for f in features)

    def to_json(self) -> dict:
        return {"bias": round(self.bias, 4), "threshold": round(self.threshold, 4),
                "weights": {f: round(w, 3) for f, w in sorted(self.weights.items())}}

    @classmethod
    def from_json(cls, data: dict) -> "Linear":
        return cls(float(data["bias"]), {f: float(w) for f, w in data["weights"].items()},
                   float(data.get("threshold", 0.0)))


@dataclass
class ClaimModel:
    lemmas: frozenset[str]  # lemmas (lower case) of the tokens that may be cues
    cue: Linear
    source: Linear
    content: Linear
    # a rule cue whose cue score falls below this is dropped (the corpus does not read it
    # as an attribution)
    veto: float = -99.0

    def __post_init__(self) -> None:
        self.hashes = np.array(sorted(hash_string(w) for w in self.lemmas), dtype=np.uint64)

    def to_json(self) -> dict:
        return {"lemmas": sorted(self.lemmas), "cue": self.cue.to_json(),
                "source": self.source.to_json(), "content": self.content.to_json(),
                "veto": self.veto}

    @classmethod
    def from_json(cls, data: dict) -> "ClaimModel":
        return cls(frozenset(data["lemmas"]), Linear.from_json(data["cue"]),
                   Linear.from_json(data["source"]), Linear.from_json(data["content"]),
                   float(data.get("veto", -99.0)))


@lru_cache(maxsize=1)
def shipped() -> Optional[ClaimModel]:
    """The model in the package (None where it has not been trained)."""
    path = resources.files("newsgraph.lexicon").joinpath(MODEL_FILE)
    if not path.is_file():
        return None
    return ClaimModel.from_json(json.loads(path.read_text(encoding="utf-8")))


_override: list[Optional[ClaimModel]] = []


def current() -> Optional[ClaimModel]:
    """The model in use: the shipped one, unless :class:`using` put another in place."""
    return _override[-1] if _override else shipped()


class using:
    """``with using(model): ...`` scores with ``model`` (None: the rules alone)."""

    def __init__(self, model: Optional[ClaimModel]):
        self.model = model

    def __enter__(self) -> None:
        _override.append(self.model)

    def __exit__(self, *exc) -> None:
        _override.pop()


# --- features ------------------------------------------------------------------------------------


def lemma_of(tok: Token) -> str:
    return tok.lemma_.lower()


def cue_class(lemma: str, classes: dict[str, str]) -> str:
    return classes.get(lemma, "-")


def _subject(cue: Token) -> Optional[Token]:
    for c in cue.children:
        if c.dep_ in ("nsubj", "nsubjpass", "csubj"):
            return c
    return None


def _kind(tok: Token) -> str:
    """A coarse class of a noun phrase's head: its entity type, a pronoun, or its POS."""
    if tok.ent_type_:
        return tok.ent_type_
    if tok.pos_ == "PRON":
        return "PRON:" + tok.lower_
    return tok.pos_


def cue_features(tok: Token, in_quote: bool, classes: dict[str, str]) -> list[str]:
    """What says whether a token is an attribution cue: its word, form and place in the
    parse, the kinds of its dependents and subject."""
    lemma = lemma_of(tok)
    cls = cue_class(lemma, classes)
    tag, dep = tok.tag_, tok.dep_
    feats = ["l=" + lemma, "t=" + tag, "d=" + dep, "k=" + cls, "lt=" + lemma + tag,
             "ld=" + lemma + dep, "kt=" + cls + tag, "kd=" + cls + dep,
             "hp=" + tok.head.pos_ + dep]
    deps = set()
    for c in tok.children:
        cd = c.dep_
        if cd == "prep":
            cd = "prep:" + c.lower_
        deps.add(cd)
    for cd in deps:
        feats.append("c=" + cd)
        feats.append("lc=" + lemma + cd)
        feats.append("kc=" + cls + cd)
    subj = _subject(tok)
    if subj is not None:
        kind = _kind(subj)
        feats.append("s=" + kind)
        feats.append("ls=" + lemma + ("P" if kind in ("PERSON", "ORG", "NORP", "GPE") or
                                      kind.startswith("PRON") else "N"))
    doc = tok.doc
    if tok.i + 1 < len(doc):
        nxt = doc[tok.i + 1]
        if nxt.is_punct:
            feats.append("n=" + nxt.text)
    if tok.i > 0 and doc[tok.i - 1].is_punct:
        feats.append("p=" + doc[tok.i - 1].text)
    if in_quote:
        feats.append("inq")
    return feats


def source_candidates(cue: Token) -> list[tuple[Token, str]]:
    """Nouns and pronouns within SOURCE_REACH edges of the cue in its sentence, with the
    dependency path that leads there (^ up to a head, v down to a dependent)."""
    found: list[tuple[Token, str]] = []
    seen = {cue.i}
    frontier = [(cue, "")]
    sent_start, sent_end = cue.sent.start, cue.sent.end
    for _ in range(SOURCE_REACH):
        nxt = []
        for tok, path in frontier:
            steps = [(c, "v" + c.dep_) for c in tok.children]
            if tok.head is not tok:
                steps.append((tok.head, "^" + tok.dep_))
            for t, step in steps:
                if t.i in seen or not sent_start <= t.i < sent_end or t.is_punct:
                    continue
                seen.add(t.i)
                p = path + step
                nxt.append((t, p))
                if t.pos_ in SOURCE_POS:
                    found.append((t, p))
        frontier = nxt
    return found


def source_features(cand: Token, path: str, cue: Token, cls: str) -> list[str]:
    side = "B" if cand.i < cue.i else "A"
    kind = _kind(cand)
    lemma = lemma_of(cue)
    return ["p=" + path, "pk=" + path + cls, "pt=" + path + cue.tag_, "ps=" + path + side,
            "k=" + kind, "pK=" + path + kind, "d=" + cand.dep_, "s=" + side,
            "pl=" + path + lemma, "cd=" + cue.dep_ + path,
            "dist=" + str(min(abs(cand.i - cue.i), 8)) + side]


_SET_OFF = frozenset({",", "—", "–", "-", "--", "("})
_NOUN_MODIFIERS = frozenset({"compound", "amod", "appos", "prep", "nummod", "flat"})


def set_off_end(head: Token, right: int) -> int:
    """The last token of a source phrase headed by ``head`` (ending at ``right``) without a
    participle clause set off by a comma or dash ("The survey, conducted for X,"), which
    attribution corpora mostly leave out (a relative clause, "Jane Roe, who runs the group,"
    they keep about as often as not, so it stays)."""
    doc = head.doc
    heads = [head] + [c for c in head.children if c.dep_ == "appos" and c.i > head.i]
    for h in heads:
        for child in h.children:
            if child.i > h.i and child.dep_ == "acl" and child.left_edge.i > 0 \
                    and doc[child.left_edge.i - 1].text in _SET_OFF:
                right = min(right, child.left_edge.i - 2)
    return right


def source_span(cand: Token, cue: Token) -> tuple[int, int]:
    """Token range [lo, hi) of the source phrase headed by ``cand``: its subtree less a
    set-off participle clause, cut short of the cue where the cue hangs inside it ("voters
    saying ...": the head with its modifiers before the cue), without edge punctuation."""
    lo, hi = cand.left_edge.i, set_off_end(cand, cand.right_edge.i) + 1
    if lo <= cue.i < hi:
        if cue.i > cand.i:
            hi = cand.i + 1
            for c in cand.children:
                if cand.i < c.i and c.right_edge.i < cue.i and c.dep_ in _NOUN_MODIFIERS:
                    hi = max(hi, c.right_edge.i + 1)
        else:
            lo = cand.i
    doc = cand.doc
    # a closing bracket stays when its opening one is in the phrase
    while hi - 1 > cand.i and (doc[hi - 1].is_punct or doc[hi - 1].is_space) and \
            doc[hi - 1].text != ")":
        hi -= 1
    while lo < cand.i and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    return lo, hi


@dataclass
class Unit:
    """A candidate piece of content: a dependent's subtree, or the clause around the cue."""

    lo: int  # token range [lo, hi)
    hi: int
    anchor: Token
    label: str  # the dependency that makes it a unit (HEAD for the clause around the cue)


def content_units(cue: Token, source: Optional[tuple[int, int]]) -> list[Unit]:
    units = []
    s_lo, s_hi = source if source else (-1, -1)
    for c in cue.children:
        if c.dep_ in _NOT_CONTENT or c.is_punct or s_lo <= c.i < s_hi:
            continue
        label = c.dep_ + (":" + c.lower_ if c.dep_ == "prep" else "")
        units.append(Unit(c.left_edge.i, c.right_edge.i + 1, c, label))
    head = cue.head
    if head is not cue and cue.dep_ != "ROOT":
        # the clause the cue hangs off, without the cue's own subtree
        lo, hi = head.left_edge.i, head.right_edge.i + 1
        sent = cue.sent
        lo, hi = max(lo, sent.start), min(hi, sent.end)
        c_lo, c_hi = cue.left_edge.i, cue.right_edge.i + 1
        if c_lo - lo >= hi - c_hi:
            hi = c_lo
        else:
            lo = c_hi
        if hi > lo:
            units.append(Unit(lo, hi, head, "HEAD:" + cue.dep_))
    return units


def content_features(unit: Unit, cue: Token, cls: str, first_after: bool) -> list[str]:
    side = "B" if unit.anchor.i < cue.i else "A"
    lemma = lemma_of(cue)
    a = unit.anchor
    marks = [c.lower_ for c in a.children if c.dep_ == "mark"]
    n = unit.hi - unit.lo
    size = "1" if n == 1 else "s" if n <= 3 else "m" if n <= 8 else "l"
    feats = ["u=" + unit.label, "uk=" + unit.label + cls, "ul=" + unit.label + lemma,
             "us=" + unit.label + side, "ut=" + unit.label + cue.tag_, "ap=" + a.pos_ + side,
             "n=" + size, "un=" + unit.label + size, "cd=" + cue.dep_ + unit.label]
    if marks:
        feats.append("m=" + marks[0])
    if first_after:
        feats.append("first")
    doc = cue.doc
    if any(doc[i].text in _QUOTES for i in (unit.lo, unit.hi - 1)):
        feats.append("q")
    return feats


# --- predicting ----------------------------------------------------------------------------------


@dataclass
class Found:
    """One attribution the model reads: cue token, source token range (or None), content
    token range, and the content's head (for its modality)."""

    cue: Token
    source: Optional[tuple[int, int]]
    content: tuple[int, int]
    head: Token


def candidate_indexes(model: ClaimModel, lemmas: np.ndarray) -> list[int]:
    """Indexes of the tokens whose lemma hash is one of the model's."""
    return np.flatnonzero(np.isin(lemmas, model.hashes)).tolist()


def best_source(model: ClaimModel, cue: Token, cls: str) -> Optional[Token]:
    best, best_score = None, model.source.threshold
    for cand, path in source_candidates(cue):
        s = model.source.score(source_features(cand, path, cue, cls))
        if s > best_score:
            best, best_score = cand, s
    return best


def read_cue(model: ClaimModel, cue: Token, cls: str) -> Optional[Found]:
    """Source and content of a token taken as a cue; None when no content is found."""
    src_tok = best_source(model, cue, cls)
    source = source_span(src_tok, cue) if src_tok is not None else None
    units = content_units(cue, source)
    chosen = []
    first_after = True
    for u in units:
        after = u.lo > cue.i
        s = model.content.score(content_features(u, cue, cls, after and first_after))
        if after:
            first_after = False
        if s > model.content.threshold:
            chosen.append(u)
    if not chosen:
        return None
    lo = min(u.lo for u in chosen)
    hi = max(u.hi for u in chosen)
    return Found(cue, source, (lo, hi), chosen[0].anchor)


def is_cue(model: ClaimModel, tok: Token, in_quote: bool, classes: dict[str, str]) -> bool:
    return model.cue.score(cue_features(tok, in_quote, classes)) > model.cue.threshold


def vetoes(model: ClaimModel, tok: Token, in_quote: bool, classes: dict[str, str]) -> bool:
    """Whether the model is confident a rule cue is no attribution cue (only for lemmas it
    has seen)."""
    if model.veto <= -99.0 or lemma_of(tok) not in model.lemmas:
        return False
    return model.cue.score(cue_features(tok, in_quote, classes)) < model.veto
