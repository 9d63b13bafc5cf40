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
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Iterable, Optional

import numpy as np

from spacy.attrs import DEP, ENT_TYPE, HEAD, IS_ALPHA, LEMMA, LOWER, POS, TAG
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


# The models in use (class model, argument tagger); evaluation swaps in fold models (trained
# without the scored fold).
_override: list[tuple[Optional[ClassModel], Optional["ArgModel"]]] = []


def current() -> Optional[ClassModel]:
    return _override[-1][0] if _override else shipped_model()


def current_args() -> Optional["ArgModel"]:
    return _override[-1][1] if _override else shipped_args()


class using:
    """``with using(model, args): ...`` runs the events extractor with the class ``model`` and
    the argument tagger ``args`` (None: the rules alone decide)."""

    def __init__(self, model: Optional[ClassModel], args: Optional["ArgModel"] = None):
        self.models = (model, args)

    def __enter__(self) -> None:
        _override.append(self.models)

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


# --- who acts on whom: a learned argument tagger -------------------------------------------
#
# Candidate phrases come from the parse (each noun's subtree, cut a few ways); a linear model
# scores each as the event's Source (actor), Target (recipient), Reciprocal party, or nothing,
# from the candidate's words and its dependency path to the trigger's clause; the best
# non-overlapping phrases are kept (one source, one target, or two reciprocal parties).
# Weights: ``lexicon/event_args.json``, written by ``python -m newsgraph.evaluate.train_events``
# from cameo/cameo_ner.

ARGS_FILE = "event_args.json"
ARG_ROLES = ("O", "S", "T", "R")
ARG_THRESHOLD = 0.25  # the least probability of a role for a phrase to be kept in it
_NOMINAL = frozenset({"NOUN", "PROPN", "PRON", "NUM", "ADJ", "DET", "X", "SYM"})
# Dependencies of the heads of argument phrases; modifiers (compound, amod, det, poss ...)
# head nearly none, so they are not tried (fewer candidates, less time).
_ARG_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "conj", "dative", "oprd", "ROOT",
                       "csubj", "pcomp"})
# Right dependants that end a phrase: the noun phrase proper ("of" phrases stay), or only
# coordination and asides (prepositional phrases stay).
_NP_STOPS = frozenset({"relcl", "acl", "appos", "punct", "cc", "conj", "advcl", "prep",
                       "parataxis"})
_LIST_STOPS = frozenset({"punct", "cc", "conj", "appos", "relcl", "advcl", "parataxis"})
_NEIGHBOUR_POS = frozenset({"ADP", "PUNCT", "CCONJ", "PART", "VERB", "AUX"})


@dataclass
class Candidate:
    """A phrase that may be an argument: token range [start, end), its head (by index; the
    Token is made when asked for), how it was cut, and the features that do not depend on
    the trigger."""

    start: int
    end: int
    head_i: int
    cut: str
    features: list[str]
    doc: Optional[Doc] = None

    @property
    def head(self) -> Token:
        return self.doc[self.head_i]


@dataclass
class ArgModel:
    """Weights of a multinomial logistic model over :data:`ARG_ROLES`, as one matrix."""

    index: dict[str, int]
    matrix: "np.ndarray"  # (features + 1, roles); the last row is zeros (unknown features)
    bias: "np.ndarray"

    def probabilities(self, feature_lists: list[list[str]]) -> "np.ndarray":
        """One row of role probabilities per candidate, in one vectorised pass."""
        unknown = len(self.index)
        flat: list[int] = []
        offsets: list[int] = []
        get = self.index.get
        for feats in feature_lists:
            offsets.append(len(flat))
            flat.extend(get(f, unknown) for f in feats)
        if not flat:
            return np.zeros((0, len(ARG_ROLES)))
        scores = np.add.reduceat(self.matrix[flat], offsets, axis=0) + self.bias
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def for_event(self, cands: "Candidates", dynamic: list[list[str]]) -> "np.ndarray":
        """Role probabilities of a sentence's candidates for one event: the candidates' own
        features are looked up once per sentence, the event's (``dynamic``) each time."""
        unknown = len(self.index)
        get = self.index.get
        static = cands.static_index.get(id(self))
        if static is None:
            static = cands.static_index[id(self)] = [
                [k for k in (get(f, unknown) for f in c.features) if k != unknown]
                for c in cands.items]
        flat: list[int] = []
        offsets: list[int] = []
        for own, feats in zip(static, dynamic):
            offsets.append(len(flat))
            flat.extend(own)
            flat.extend(get(f, unknown) for f in feats)
        if not flat:
            return np.zeros((0, len(ARG_ROLES)))
        scores = np.add.reduceat(self.matrix[flat], offsets, axis=0) + self.bias
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def to_json(self) -> dict:
        names = sorted(self.index, key=self.index.get)
        return {"roles": list(ARG_ROLES), "bias": [round(float(b), 4) for b in self.bias],
                "features": names,
                "weights": [[round(float(v), 3) for v in self.matrix[self.index[f]]]
                            for f in names]}

    @classmethod
    def from_json(cls, data: dict) -> "ArgModel":
        names = data["features"]
        matrix = np.zeros((len(names) + 1, len(ARG_ROLES)), dtype=np.float64)
        if names:
            matrix[:-1] = np.asarray(data["weights"], dtype=np.float64)
        return cls({f: k for k, f in enumerate(names)}, matrix,
                   np.asarray(data["bias"], dtype=np.float64))


@lru_cache(maxsize=1)
def shipped_args() -> Optional[ArgModel]:
    """The argument tagger shipped with the package, or None (the rules pick arguments)."""
    path = resources.files("newsgraph.lexicon").joinpath(ARGS_FILE)
    if not path.is_file():
        return None
    return ArgModel.from_json(json.loads(path.read_text(encoding="utf-8"))["arguments"])


class SentenceArrays:
    """A sentence's token attributes as plain lists (absolute token indexes), read once, so
    that features of many candidates and events cost no spaCy object access."""

    def __init__(self, sent: Span):
        doc = sent.doc
        o = self.offset = sent.start
        n = sent.end - o
        # one array read instead of a Token object per attribute per word
        arr = doc.to_array([HEAD, DEP, POS, TAG, ENT_TYPE, LOWER, LEMMA])[o:sent.end]
        rows = arr.tolist() if n else []  # string hashes (uint64)
        heads = arr[:, 0].astype(np.int64).tolist() if n else []  # relative, may be < 0
        strings = doc.vocab.strings
        name = _string_of(strings)
        self.tokens = _LazyTokens(doc, o, n)
        self.root = sent.root.i
        self.head = [o + k + h for k, h in enumerate(heads)]
        self.dep = [name(r[1]) for r in rows]
        self.pos = [name(r[2]) for r in rows]
        self.tag = [name(r[3]) for r in rows]
        self.ent = [name(r[4]) for r in rows]
        self.lower = [name(r[5]) for r in rows]
        self.lemma = [_lower_of(name(r[6])) for r in rows]
        self.left = list(range(o, o + n))
        self.right = list(range(o, o + n))
        for k in range(n):  # each word widens the edges of the words above it
            i, node = o + k, o + k
            for _ in range(64):
                h = self.head[node - o]
                if h == node:
                    break
                if i < self.left[h - o]:
                    self.left[h - o] = i
                elif i > self.right[h - o]:
                    self.right[h - o] = i
                node = h
        self.rights: list[list[int]] = [[] for _ in range(n)]  # right children, in order
        for k, h in enumerate(self.head):
            if k + o > h:
                self.rights[h - o].append(k + o)

    def at(self, table: list, i: int):
        return table[i - self.offset]

    def path(self, tok: int, target: int, limit: int = 4) -> str:
        """The dependency labels from ``tok`` up to ``target`` ("nsubj", "pobj:against<prep"),
        or FAR when ``target`` is not among its nearest heads."""
        o = self.offset
        steps: list[str] = []
        node = tok
        for _ in range(limit):
            if node == target:
                break
            head = self.head[node - o]
            if head == node:
                return "FAR"
            dep = self.dep[node - o]
            steps.append(f"{dep}:{self.lower[head - o]}" if dep in ("pobj", "pcomp") else dep)
            node = head
        if node != target:
            return "FAR"
        return "<".join(steps) or "SELF"

    def cut(self, head: int, stops: frozenset[str], keep_of: bool) -> int:
        o = self.offset
        end = head + 1
        for c in self.rights[head - o]:
            if self.dep[c - o] in stops and not (keep_of and self.dep[c - o] == "prep"
                                                 and self.lower[c - o] == "of"):
                break
            end = self.right[c - o] + 1
        return end

    def cuts(self, head: int) -> dict[tuple[int, int], str]:
        """The ways a phrase headed by ``head`` may be cut: the whole subtree, the noun
        phrase, up to the head, without coordination, without the article, and with its
        preposition."""
        o = self.offset
        lo = self.left[head - o]
        np_end = self.cut(head, _NP_STOPS, True)
        out = {(lo, self.right[head - o] + 1): "full"}
        out.setdefault((lo, np_end), "np")
        out.setdefault((lo, head + 1), "head")
        out.setdefault((lo, self.cut(head, _LIST_STOPS, False)), "noconj")
        if self.pos[lo - o] == "DET" and lo < head:
            out.setdefault((lo + 1, np_end), "nodet")
        if self.dep[head - o] == "pobj" and self.head[head - o] == lo - 1:
            out.setdefault((lo - 1, self.right[head - o] + 1), "pfull")
            out.setdefault((lo - 1, np_end), "pnp")
        return out

    def neighbour(self, i: int, edge: str) -> str:
        if not self.offset <= i < self.offset + len(self.tokens):
            return edge
        pos = self.pos[i - self.offset]
        return self.lower[i - self.offset] if pos in _NEIGHBOUR_POS else pos


class _LazyTokens:
    """A sentence's tokens, made only when one is asked for (the candidates' heads)."""

    def __init__(self, doc: Doc, offset: int, n: int):
        self.doc, self.offset, self.n = doc, offset, n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, k: int) -> Token:
        return self.doc[self.offset + k]


_STRINGS: dict[int, str] = {}


def _string_of(strings):
    def name(h: int) -> str:
        out = _STRINGS.get(h)
        if out is None:
            out = _STRINGS[h] = strings[h] if h else ""
        return out
    return name


_LOWERED: dict[str, str] = {}


def _lower_of(text: str) -> str:
    out = _LOWERED.get(text)
    if out is None:
        out = _LOWERED[text] = text.lower()
    return out


def path_to(tok: Token, target: Token, limit: int = 4) -> str:
    """:meth:`SentenceArrays.path` for two tokens of one sentence."""
    return SentenceArrays(tok.sent).path(tok.i, target.i, limit)


@dataclass
class Candidates:
    """A sentence's argument candidates and its arrays."""

    items: list[Candidate]
    arrays: SentenceArrays
    static_index: dict = field(default_factory=dict)  # id(model) -> feature indexes


def candidates(sent: Span) -> list[Candidate]:
    return sentence_candidates(sent).items


def sentence_candidates(sent: Span) -> Candidates:
    """The argument candidates of a sentence, with their trigger-independent features."""
    arr = SentenceArrays(sent)
    o = arr.offset
    end_of_sent = o + len(arr.tokens)
    out: list[Candidate] = []
    seen: set[tuple[int, int]] = set()
    for h in range(o, end_of_sent):
        k = h - o
        if arr.pos[k] not in _NOMINAL or arr.dep[k] not in _ARG_DEPS:
            continue
        dep = arr.dep[k]
        gov = arr.head[k] - o
        common = [f"hd={dep}", f"hp={arr.pos[k]}", f"he={arr.ent[k]}", f"hl={arr.lemma[k]}",
                  f"gov={arr.lemma[gov]}|{dep}", f"rootpath={arr.path(h, arr.root, 5)}"]
        if dep in ("pobj", "pcomp"):
            common += [f"prep={arr.lower[gov]}",
                       f"prep_gov={arr.lower[gov]}|{arr.pos[arr.head[gov] - o]}"]
        for (a, b), cut in arr.cuts(h).items():
            if (a, b) in seen or a < o or b > end_of_sent:
                continue
            seen.add((a, b))
            ents = set(arr.ent[a - o:b - o])
            ents.discard("")
            feats = common + [
                f"v={cut}", f"len={min(b - a, 8)}", f"first={arr.tag[a - o]}",
                f"last={arr.tag[b - 1 - o]}", f"firstw={arr.lower[a - o]}",
                f"next={arr.neighbour(b, 'END')}", f"prev={arr.neighbour(a - 1, 'BEG')}",
                f"hasent={bool(ents)}|{cut}"]
            feats += [f"ent={e}" for e in ents] or ["ent=NONE"]
            inner = arr.dep[a - o:k] + arr.dep[k + 1:b - o]
            feats += [f"has{d}" for d in ("relcl", "appos", "conj") if d in inner]
            if any(arr.head[c - o] == h for c in arr.rights[k] if c < b
                   and arr.dep[c - o] == "prep"):
                feats.append("hasprep")
            out.append(Candidate(a, b, h, cut, feats, sent.doc))
    return Candidates(out, arr)


def event_features(cands: "list[Candidate] | Candidates", clause: Token, word: Token,
                   event_type: str, rule_actors: set[int], rule_recipients: set[int],
                   static: bool = True) -> list[list[str]]:
    """Features of each candidate for one event: its own (``static``) and those that depend
    on the event: its path to the trigger's clause (with the verb, its voice, the event type),
    its side of the trigger, and whether the rules picked its head as actor or recipient."""
    if not isinstance(cands, Candidates):
        cands = Candidates(list(cands), SentenceArrays(word.sent))
    arr = cands.arrays
    o = arr.offset
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in clause.children)
    verb = clause.lemma_.lower()
    vroot = f"vroot={clause.dep_}"
    typ = f"typ={event_type}"
    paths: dict[int, list[str]] = {}
    out = []
    for c in cands.items:
        h = c.head_i
        per_head = paths.get(h)
        if per_head is None:
            path = arr.path(h, clause.i)
            dep = arr.dep[h - o]
            per_head = paths[h] = [
                path, f"path={path}", f"path_t={path}|{event_type}", f"path_l={path}|{verb}",
                f"path_pass={path}|{passive}", f"path_e={path}|{arr.ent[h - o] or arr.pos[h - o]}",
                f"hl_path={arr.lemma[h - o]}|{path}", f"Vl_hd={verb}|{dep}|{passive}",
                f"hd_side={dep}|{'L' if h < word.i else 'R'}"]
        side = "L" if c.end <= word.i else "R" if c.start > word.i else "IN"
        feats = (c.features if static else []) + per_head[1:] + [
            f"path_v={per_head[0]}|{c.cut}", f"side={side}", typ, vroot]
        if h in rule_actors:
            feats += ["ruleA", f"ruleA|{c.cut}"]
        if h in rule_recipients:
            feats += ["ruleR", f"ruleR|{c.cut}"]
        out.append(feats)
    return out


def pick_arguments(cands: list[Candidate], probs: "np.ndarray",
                   threshold: float = ARG_THRESHOLD) -> list[tuple[str, Candidate]]:
    """The best non-overlapping candidates by their likeliest role other than O, most
    probable first: at most one source, one target and two reciprocal parties."""
    if not cands:
        return []
    roles = probs[:, 1:]
    best = roles.argmax(axis=1)
    score = roles.max(axis=1)
    taken: list[tuple[int, int]] = []
    counts = {"S": 0, "T": 0, "R": 0}
    out: list[tuple[str, Candidate]] = []
    for k in np.argsort(-score, kind="stable").tolist():
        if score[k] < threshold:
            break
        role = ARG_ROLES[1 + int(best[k])]
        c = cands[k]
        if counts[role] >= (2 if role == "R" else 1) or any(
                c.start < e and s < c.end for s, e in taken):
            continue
        taken.append((c.start, c.end))
        counts[role] += 1
        out.append((role, c))
    return out
