"""A small learned event classifier: sparse linear weights over parse features of one clause.

The rules of :mod:`newsgraph.extract.events` find a trigger and its sense; this model reads the
trigger's clause (its words, the trigger's object and prepositions, the verbs governing it) and
scores the five CAMEO classes (0 statement, 1 verbal cooperation, 2 material cooperation,
3 verbal conflict, 4 material conflict). The events extractor uses it where the rules are
unsure: a trigger whose class the model contradicts with confidence is re-read in the model's
class.

The weights live in ``lexicon/event_model.json``, written by
``python -m newsgraph.evaluate.train_events`` (``make train-events``). Inference is a sparse dot
product (a gather and a sum over a weight matrix).

The argument tagger below is trained on feature strings; a doc is scored without making
them: its candidates and their features are computed with array operations over the whole
doc, all of its events in one pass (:func:`tag_events`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Iterable, Optional

import numpy as np

from spacy.attrs import DEP, ENT_TYPE, HEAD, IDX, IS_ALPHA, LEMMA, LENGTH, LOWER, POS, TAG
from spacy.symbols import IDS
from spacy.strings import get_string_id, hash_string
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

    def __post_init__(self) -> None:
        # the weights as one matrix (the last row zeros, for unknown features): a clause's
        # scores are one gather and one sum
        self.index = {f: k for k, f in enumerate(self.weights)}
        self.matrix = np.zeros((len(self.weights) + 1, len(self.classes)))
        if self.weights:
            self.matrix[:-1] = np.asarray(list(self.weights.values()), dtype=np.float64)
        self.bias_row = np.asarray(self.bias, dtype=np.float64)

    def scores(self, features: Iterable[str]) -> list[float]:
        unknown = len(self.index)
        get = self.index.get
        ids = [get(f, unknown) for f in set(features)]
        return (self.bias_row + self.matrix[ids].sum(axis=0)).tolist()

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


def content_lemmas(doc: Doc, arrays: Optional["DocArrays"] = None) -> list[Optional[str]]:
    """Per token of ``doc``: its lower-case lemma when it is an alphabetic content word, else
    None. Read from the doc's arrays once (``arrays`` when already read), so features of
    many clauses cost little."""
    if arrays is not None:
        keep = arrays.alpha & _isin(arrays.value["pos"], _CONTENT_POS_IDS) & ~_isin(
            arrays.value["lemma"], _SKIP_VALUES)
        name = arrays.name
        return [name(v) if k else None
                for v, k in zip(arrays.value["lemma"].tolist(), keep.tolist())]
    arr = doc.to_array([LEMMA, POS, IS_ALPHA])
    strings = doc.vocab.strings
    if len(_lower_lemma) > _CACHE_LIMIT:
        _lower_lemma.clear()  # every new word of a corpus lands here: keep memory flat
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
        if not feature_lists:
            return np.zeros((0, len(ARG_ROLES)))
        return _softmax(self.sums(feature_lists) + self.bias)

    def sums(self, feature_lists: list[list[str]]) -> "np.ndarray":
        """Each list's summed weights (no bias): one row per list."""
        unknown = len(self.index)
        get = self.index.get
        flat: list[int] = []
        offsets: list[int] = []
        for feats in feature_lists:
            offsets.append(len(flat))
            flat.extend(get(f, unknown) for f in feats)
            if len(flat) == offsets[-1]:
                flat.append(unknown)  # an empty list weighs nothing
        if not flat:
            return np.zeros((0, len(ARG_ROLES)))
        return np.add.reduceat(self.matrix[flat], offsets, axis=0)

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


def _edges(head: "np.ndarray") -> tuple["np.ndarray", "np.ndarray"]:
    """Each token's leftmost and rightmost descendant (itself included): every word widens
    its head's edges, repeated until no edge moves (as many rounds as the tree is deep)."""
    left = np.arange(len(head))
    right = left.copy()
    for _ in range(64):
        new_left, new_right = left.copy(), right.copy()
        np.minimum.at(new_left, head, left)
        np.maximum.at(new_right, head, right)
        if np.array_equal(new_left, left) and np.array_equal(new_right, right):
            break
        left, right = new_left, new_right
    return left, right


# Token attributes are read as spaCy stores them: an attribute value is the id of a string
# (a symbol's number, else the string's hash: spacy.strings.get_string_id). Strings are made
# from values only where a feature needs the text (a dependency path), once per value.
_TEXT: dict[int, str] = {0: ""}  # value -> string
_VALUE: dict[str, int] = {"": 0}  # string -> value
_LOW_VALUE: dict[int, int] = {0: 0}  # a lemma's value -> its lower case's value
# The caches fill with every new word of a corpus: emptied past this size so that a long run's
# memory stays flat (each value is cheap to read again).
_CACHE_LIMIT = 200_000


def _bound_caches() -> None:
    if len(_TEXT) + len(_VALUE) + len(_LOW_VALUE) > _CACHE_LIMIT:
        for cache in (_TEXT, _VALUE, _LOW_VALUE):
            cache.clear()
        _TEXT[0], _VALUE[""], _LOW_VALUE[0] = "", 0, 0


def _value(text: str) -> int:
    out = _VALUE.get(text)
    if out is None:
        out = _VALUE[text] = get_string_id(text)
        _TEXT.setdefault(out, text)
    return out


def _values(texts: Iterable[str]) -> "np.ndarray":
    return np.fromiter((_value(t) for t in texts), dtype=np.uint64)


def _sets(*names: str) -> frozenset[int]:
    return frozenset(_value(n) for n in names)


_NOMINAL_V, _ARG_DEPS_V = _sets(*_NOMINAL), _sets(*_ARG_DEPS)
_SKIP_VALUES = _sets(*_SKIP_LEMMAS)
_NP_STOPS_V, _LIST_STOPS_V = _sets(*_NP_STOPS), _sets(*_LIST_STOPS)
_OBJ_OF_PREP_V = _sets("pobj", "pcomp")
_PREP_V, _OF_V, _DET_V = _value("prep"), _value("of"), _value("DET")
_DOBJ_V = _value("dobj")


class DocArrays:
    """A doc's token attributes as plain lists and arrays by token index, read in one array
    pass, so that candidates and features of every sentence and event cost no spaCy object
    access."""

    def __init__(self, doc: Doc):
        _bound_caches()
        n = len(doc)
        arr = doc.to_array([HEAD, DEP, POS, TAG, ENT_TYPE, LOWER, LEMMA, IDX, LENGTH, IS_ALPHA])
        head = np.arange(n, dtype=np.int64) + arr[:, 0].astype(np.int64)  # relative, may be < 0
        self.doc = doc
        self.alpha = arr[:, 9].astype(bool)
        self.strings = doc.vocab.strings
        self.n = n
        self.head: list[int] = head.tolist()
        self.value: dict[str, "np.ndarray"] = {
            name: arr[:, k] for k, name in enumerate(("dep", "pos", "tag", "ent", "lower"), 1)}
        self.value["lemma"] = self._lowered(arr[:, 6])
        self.dep_v: list[int] = arr[:, 1].tolist()
        self.pos_v: list[int] = arr[:, 2].tolist()
        self.lower_v: list[int] = arr[:, 5].tolist()
        self.idx: list[int] = arr[:, 7].tolist()  # character offsets: start, end
        self.idx_end: list[int] = (arr[:, 7] + arr[:, 8]).tolist()
        self.head_array = head
        self.left_array, self.right_array = _edges(head)
        self.left: list[int] = self.left_array.tolist()
        self.right: list[int] = self.right_array.tolist()
        self._rights: Optional[list[list[int]]] = None
        self._steps: Optional["np.ndarray"] = None
        self._table: Optional["np.ndarray"] = None
        self._texts: dict[str, list[str]] = {}

    def _lowered(self, lemmas: "np.ndarray") -> "np.ndarray":
        """The values of the lower-cased lemmas (each distinct lemma lowered once)."""
        if not len(lemmas):
            return lemmas
        uniq, inv = np.unique(lemmas, return_inverse=True)
        low = []
        for v in uniq.tolist():
            out = _LOW_VALUE.get(v)
            if out is None:
                out = _LOW_VALUE[v] = _value(self.name(v).lower())
            low.append(out)
        return np.array(low, dtype=np.uint64)[inv.ravel()]

    @property
    def rights(self) -> list[list[int]]:
        """Each token's right dependants, in order."""
        if self._rights is None:
            self._rights = [[] for _ in range(self.n)]
            for k, h in enumerate(self.head):
                if k > h:
                    self._rights[h].append(k)
        return self._rights

    def path(self, tok: int, target: int, limit: int = 4) -> str:
        """The dependency labels from ``tok`` up to ``target`` ("nsubj", "pobj:against<prep"),
        or FAR when ``target`` is not among its nearest heads."""
        head = self.head
        node = tok
        for _ in range(limit):  # first whether it gets there at all (most paths do not)
            if node == target:
                break
            node = head[node]
        if node != target:
            return "FAR"
        steps: list[str] = []
        node = tok
        while node != target:
            dep = self.dep_v[node]
            steps.append(f"{self.name(dep)}:{self.name(self.lower_v[head[node]])}"
                         if dep in _OBJ_OF_PREP_V else self.name(dep))
            node = head[node]
        return "<".join(steps) or "SELF"

    def path_values(self, tokens: "np.ndarray", targets: "np.ndarray", limit: int = 4
                    ) -> "np.ndarray":
        """The values (:func:`_path_value`) of the paths :meth:`path` reads, for arrays of
        tokens and targets, with array operations."""
        head = self.head_array
        if self._steps is None:
            dep, lower = self.value["dep"], self.value["lower"]
            word = np.where(_isin(dep, _OBJ_OF_PREP_V), lower[head], np.uint64(0))
            self._steps = (dep * _M[0]) ^ (word * _M[1])
        node = np.asarray(tokens, dtype=np.int64)
        targets = np.asarray(targets, dtype=np.int64)
        value = np.full(len(node), _PATH_SEED, dtype=np.uint64)
        done = node == targets
        self_path = done.copy()
        step = np.uint64(_PATH_STEP)
        for _ in range(limit):
            value = np.where(done, value, value * step + self._steps[node])
            node = np.where(done, node, head[node])
            done |= node == targets
        return np.where(self_path, np.uint64(_value("SELF")),
                        np.where(done, value, np.uint64(_value("FAR"))))

    def name(self, value: int) -> str:
        out = _TEXT.get(value)
        if out is None:
            out = _TEXT[value] = self.strings[value]
        return out

    def texts(self, column: str) -> list[str]:
        """A column as strings (for the string features training reads)."""
        out = self._texts.get(column)
        if out is None:
            out = self._texts[column] = [self.name(v) for v in self.value[column].tolist()]
        return out

    def table(self) -> "np.ndarray":
        """Per token (and a last row of zeros): the values the compiled tagger's keys read,
        in the columns of :data:`_COLUMNS`."""
        if self._table is None:
            v = self.value
            small = np.isin(v["pos"], np.array(sorted(_sets(*_NEIGHBOUR_POS)), dtype=np.uint64))
            cols = [v["dep"], v["pos"], v["tag"], v["ent"], v["lower"], v["lemma"],
                    np.where(small, v["lower"], v["pos"]),  # what a neighbour reads as
                    np.where(v["ent"] == np.uint64(0), v["pos"], v["ent"]),  # entity label, else POS
                    np.zeros(self.n, dtype=np.uint64)]
            self._table = np.vstack([np.stack(cols, axis=1).astype(np.uint64),
                                     np.zeros((1, len(cols)), dtype=np.uint64)])
        return self._table


_COLUMNS = ("dep", "pos", "tag", "ent", "lower", "lemma", "neighbour", "ent_or_pos", "zero")
_COL = {c: k for k, c in enumerate(_COLUMNS)}


class SentenceArrays:
    """One sentence's view of :class:`DocArrays` (token indexes are the doc's)."""

    def __init__(self, sent: Span, doc_arrays: Optional[DocArrays] = None):
        d = self.doc_arrays = doc_arrays if doc_arrays is not None else DocArrays(sent.doc)
        self.start, self.end = sent.start, sent.end
        self.root = sent.root.i
        self.doc = d.doc
        self.head, self.dep_v, self.pos_v, self.lower_v = d.head, d.dep_v, d.pos_v, d.lower_v
        self.left, self.right, self.rights = d.left, d.right, d.rights
        self.idx, self.idx_end = d.idx, d.idx_end

    def __getattr__(self, column: str) -> list[str]:
        """``dep``, ``pos``, ``tag``, ``ent``, ``lower``, ``lemma``: a column as strings."""
        if column in ("dep", "pos", "tag", "ent", "lower", "lemma"):
            return self.doc_arrays.texts(column)
        raise AttributeError(column)

    def path(self, tok: int, target: int, limit: int = 4) -> str:
        return self.doc_arrays.path(tok, target, limit)

    def cut(self, head: int, stops: frozenset[int], keep_of: bool) -> int:
        end = head + 1
        for c in self.rights[head]:
            dep = self.dep_v[c]
            if dep in stops and not (keep_of and dep == _PREP_V and self.lower_v[c] == _OF_V):
                break
            end = self.right[c] + 1
        return end

    def cuts(self, head: int) -> dict[tuple[int, int], str]:
        """The ways a phrase headed by ``head`` may be cut: the whole subtree, the noun
        phrase, up to the head, without coordination, without the article, and with its
        preposition."""
        lo = self.left[head]
        np_end = self.cut(head, _NP_STOPS_V, True)
        out = {(lo, self.right[head] + 1): "full"}
        out.setdefault((lo, np_end), "np")
        out.setdefault((lo, head + 1), "head")
        out.setdefault((lo, self.cut(head, _LIST_STOPS_V, False)), "noconj")
        if self.pos_v[lo] == _DET_V and lo < head:
            out.setdefault((lo + 1, np_end), "nodet")
        if self.dep_v[head] == _value("pobj") and self.head[head] == lo - 1:
            out.setdefault((lo - 1, self.right[head] + 1), "pfull")
            out.setdefault((lo - 1, np_end), "pnp")
        after = self.right[head] + 1
        if self.dep_v[head] == _DOBJ_V and after < self.end and self.dep_v[after] == _PREP_V \
                and self.head[after] == self.head[head]:
            # "stormed a police headquarters | in eastern Afghanistan": the parser often
            # hangs an object's place or owner on the verb
            out.setdefault((lo, self.right[after] + 1), "vpp")
        return out

    def neighbour(self, i: int, edge: str) -> str:
        if not self.start <= i < self.end:
            return edge
        return self.lower[i] if self.pos[i] in _NEIGHBOUR_POS else self.pos[i]


def path_to(tok: Token, target: Token, limit: int = 4) -> str:
    """:meth:`SentenceArrays.path` for two tokens of one sentence."""
    return SentenceArrays(tok.sent).path(tok.i, target.i, limit)


@dataclass
class Candidates:
    """A sentence's argument candidates and its arrays."""

    items: list[Candidate]
    arrays: SentenceArrays


def candidates(sent: Span) -> list[Candidate]:
    return sentence_candidates(sent).items


def sentence_candidates(sent: Span, doc_arrays: Optional[DocArrays] = None) -> Candidates:
    """The argument candidates of a sentence, with their trigger-independent features as
    strings (training reads them; scoring a doc finds the same candidates and keys the same
    features from arrays: :class:`DocCandidates`, :func:`static_weights`). ``doc_arrays``:
    the doc's arrays when already read."""
    arr = SentenceArrays(sent, doc_arrays)
    o, end_of_sent = arr.start, arr.end
    out: list[Candidate] = []
    seen: set[tuple[int, int]] = set()
    for h in range(o, end_of_sent):
        if arr.pos_v[h] not in _NOMINAL_V or arr.dep_v[h] not in _ARG_DEPS_V:
            continue
        dep = arr.dep[h]
        gov = arr.head[h]
        common = [f"hd={dep}", f"hp={arr.pos[h]}", f"he={arr.ent[h]}", f"hl={arr.lemma[h]}",
                  f"gov={arr.lemma[gov]}|{dep}", f"rootpath={arr.path(h, arr.root, 5)}",
                  f"hd_govd={dep}|{arr.dep[gov]}"]
        if dep in ("pobj", "pcomp"):
            common += [f"prep={arr.lower[gov]}",
                       f"prep_gov={arr.lower[gov]}|{arr.pos[arr.head[gov]]}",
                       f"prep_govl={arr.lower[gov]}|{arr.lemma[arr.head[gov]]}",
                       f"prep_govd={arr.lower[gov]}|{arr.dep[arr.head[gov]]}"]
        for (a, b), cut in arr.cuts(h).items():
            if (a, b) in seen or a < o or b > end_of_sent:
                continue
            seen.add((a, b))
            ents = set(arr.ent[a:b])
            ents.discard("")
            feats = common + [
                f"v={cut}", f"len={min(b - a, 8)}", f"first={arr.tag[a]}",
                f"last={arr.tag[b - 1]}", f"firstw={arr.lower[a]}",
                f"next={arr.neighbour(b, 'END')}", f"prev={arr.neighbour(a - 1, 'BEG')}",
                f"hasent={bool(ents)}|{cut}"]
            feats += [f"ent={e}" for e in ents] or ["ent=NONE"]
            inner = arr.dep[a:h] + arr.dep[h + 1:b]
            feats += [f"has{d}" for d in ("relcl", "appos", "conj") if d in inner]
            if any(arr.head[c] == h for c in arr.rights[h] if c < b and arr.dep[c] == "prep"):
                feats.append("hasprep")
            out.append(Candidate(a, b, h, cut, feats, sent.doc))
    return Candidates(out, arr)


@dataclass
class EventView:
    """What the event-dependent features read of one event: its clause's verb, voice and
    dependency, the trigger word's position, the event type and the rules' argument heads."""

    clause: int
    word: int
    verb: str
    passive: bool
    vroot: str
    event_type: str
    rule_actors: set[int]
    rule_recipients: set[int]

    @classmethod
    def of(cls, clause: Token, word: Token, event_type: str, rule_actors: set[int],
           rule_recipients: set[int]) -> "EventView":
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in clause.children)
        return cls(clause.i, word.i, clause.lemma_.lower(), passive, clause.dep_, event_type,
                   rule_actors, rule_recipients)


def _head_features(arr: SentenceArrays, h: int, ev: EventView) -> tuple[str, list[str]]:
    """A candidate head's path to the event's clause, and the features of that path."""
    path = arr.path(h, ev.clause)
    dep = arr.dep[h]
    return path, [
        f"path={path}", f"path_t={path}|{ev.event_type}", f"path_l={path}|{ev.verb}",
        f"path_pass={path}|{ev.passive}", f"path_e={path}|{arr.ent[h] or arr.pos[h]}",
        f"hl_path={arr.lemma[h]}|{path}", f"Vl_hd={ev.verb}|{dep}|{ev.passive}",
        f"hd_side={dep}|{'L' if h < ev.word else 'R'}", f"wpath={arr.path(h, ev.word)}",
        f"Wl_hd={arr.lemma[ev.word]}|{dep}"]


def event_features(cands: "list[Candidate] | Candidates", clause: Token, word: Token,
                   event_type: str, rule_actors: set[int], rule_recipients: set[int],
                   static: bool = True) -> list[list[str]]:
    """Features of each candidate for one event: its own (``static``) and those that depend
    on the event: its path to the trigger's clause (with the verb, its voice, the event type),
    its side of the trigger, and whether the rules picked its head as actor or recipient.
    (Training reads these strings; :func:`tag_events` keys the same features from arrays.)"""
    if not isinstance(cands, Candidates):
        cands = Candidates(list(cands), SentenceArrays(word.sent))
    arr = cands.arrays
    ev = EventView.of(clause, word, event_type, rule_actors, rule_recipients)
    typ = f"typ={event_type}"
    paths: dict[int, tuple[str, list[str]]] = {}
    out = []
    for c in cands.items:
        h = c.head_i
        if h not in paths:
            paths[h] = _head_features(arr, h, ev)
        path, per_head = paths[h]
        side = "L" if c.end <= word.i else "R" if c.start > word.i else "IN"
        feats = (c.features if static else []) + per_head + [
            f"path_v={path}|{c.cut}", f"side={side}", typ, f"vroot={ev.vroot}"]
        if h in rule_actors:
            feats += ["ruleA", f"ruleA|{c.cut}"]
        if h in rule_recipients:
            feats += ["ruleR", f"ruleR|{c.cut}"]
        out.append(feats)
    return out


def _softmax(scores: "np.ndarray") -> "np.ndarray":
    scores = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(scores)
    return exp / exp.sum(axis=1, keepdims=True)


# --- the argument tagger compiled to arrays ---------------------------------------------------
#
# The features above are strings, for training. Scoring a doc reads the same features without
# making a string: a feature is a template and up to three values ("gov=attack|nsubj":
# template gov, values attack and nsubj); its key mixes a code of the template with the
# values as spaCy stores them (a string's id). A model's features are keyed once, when it is
# first used; a doc's candidates and events are keyed with array arithmetic over the doc's
# token values and looked up by binary search: a few dozen array operations per doc,
# however many events it has.

_MASK = (1 << 64) - 1
_MULTIPLIERS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9)
_M = tuple(np.uint64(m) for m in _MULTIPLIERS)
# values per template; the others have one (a flag has none, "ruleA|np" is a flag and one)
_ARITY = {"gov": 2, "prep_gov": 2, "prep_govl": 2, "prep_govd": 2, "hasent": 2, "path_t": 2,
          "path_l": 2, "path_pass": 2, "path_e": 2, "hl_path": 2, "Vl_hd": 3, "Wl_hd": 2,
          "hd_govd": 2, "hd_side": 2, "path_v": 2}


def _code(template: str) -> int:
    return hash_string("template:" + template)


def feature_key(feature: str) -> Optional[int]:
    """The key of a feature string; None when its values cannot be told apart (a value
    holding the separator '|')."""
    if "=" in feature:
        name, _, value = feature.partition("=")
        arity = _ARITY.get(name, 1)
        parts = value.split("|") if arity > 1 else [value]
        if len(parts) != arity:
            return None
    else:
        name, _, value = feature.partition("|")
        parts = [value] if value else []
    key = _code(name)
    at_path = _PATH_PART.get(name)
    for k, (part, m) in enumerate(zip(parts, _MULTIPLIERS)):
        key ^= ((_path_value(part) if k == at_path else _value(part)) * m) & _MASK
    return key


# Which value of a template is a dependency path: a path's value is not its string's id but
# a rolling hash of its steps, which arrays compute for many paths at once (path_values).
_PATH_PART = {"rootpath": 0, "path": 0, "path_t": 0, "path_l": 0, "path_pass": 0, "path_e": 0,
              "hl_path": 1, "path_v": 0, "wpath": 0}
_PATH_SEED, _PATH_STEP = 0x84222325CBF29CE4, 0x100000001B3


def _path_value(path: str) -> int:
    """The value of a path string ("pobj:against<prep", "SELF", "FAR")."""
    if path in ("FAR", "SELF"):
        return _value(path)
    out = _PATH_SEED
    for step in path.split("<"):
        dep, _, word = step.partition(":")
        out = (out * _PATH_STEP + ((_value(dep) * _MULTIPLIERS[0]) & _MASK
                                   ^ (_value(word) * _MULTIPLIERS[1]) & _MASK)) & _MASK
    return out


class CompiledArgs:
    """An :class:`ArgModel`'s features by key, in a two-choice (cuckoo) hash table: a key's
    feature is in one of two slots, so a lookup is two array gathers."""

    def __init__(self, model: ArgModel):
        pairs = [(k, i) for f, i in model.index.items() if (k := feature_key(f)) is not None]
        self.unknown = len(model.index)
        self.columns = [np.ascontiguousarray(model.matrix[:, r]) for r in range(len(ARG_ROLES))]
        self.bias = model.bias
        bits = max(10, (4 * len(pairs)).bit_length())
        while not self._build(pairs, bits):
            bits += 1

    def _slots(self, key: int) -> tuple[int, int]:
        return key >> self.shift, ((key * _SECOND) & _MASK) >> self.shift

    def _build(self, pairs: list[tuple[int, int]], bits: int) -> bool:
        self.shift = 64 - bits
        keys, ids = [0] * (1 << bits), [self.unknown] * (1 << bits)
        for key, i in pairs:
            one, two = self._slots(key)
            for _ in range(500):
                if keys[one] in (0, key):
                    keys[one], ids[one] = key, i
                    break
                if keys[two] in (0, key):
                    keys[two], ids[two] = key, i
                    break
                keys[one], key = key, keys[one]  # take the slot, move its key to its other
                ids[one], i = i, ids[one]
                a, b = self._slots(key)
                one, two = (b, a) if a == one else (a, b)
            else:
                return False
        self.keys = np.array(keys, dtype=np.uint64)
        self.ids = np.array(ids, dtype=np.int64)
        self.np_shift = np.uint64(self.shift)
        return True

    def weights(self, keys: "np.ndarray") -> "np.ndarray":
        """Summed weights of each row of keys (a key no feature has weighs nothing)."""
        one = keys >> self.np_shift
        two = (keys * np.uint64(_SECOND)) >> self.np_shift
        ids = np.where(self.keys[one] == keys, self.ids[one],
                       np.where(self.keys[two] == keys, self.ids[two], self.unknown))
        return np.stack([w[ids].sum(axis=-1) for w in self.columns], axis=-1)


_SECOND = 0xD6E8FEB86659FD93  # the multiplier of a key's second slot


def compiled(model: ArgModel) -> CompiledArgs:
    out = getattr(model, "_compiled", None)
    if out is None:
        out = model._compiled = CompiledArgs(model)
    return out


class _Keys:
    """Columns of feature keys under construction: per column a template and up to three
    value arrays (or scalars), and where the feature is present."""

    def __init__(self, n: int):
        self.n = n
        self.codes: list[int] = []
        self.values: tuple[list, list, list] = ([], [], [])
        self.present: list = []

    def add(self, template: str, *values, present=True) -> None:
        self.codes.append(_code(template))
        for k in range(3):
            self.values[k].append(values[k] if k < len(values) else 0)
        self.present.append(present)

    def keys(self) -> "np.ndarray":
        shape = (self.n, len(self.codes))
        out = np.broadcast_to(np.array(self.codes, dtype=np.uint64), shape).copy()
        for vals, m in zip(self.values, _M):
            if any(not (isinstance(v, int) and v == 0) for v in vals):
                cols = np.empty(shape, dtype=np.uint64)
                for j, v in enumerate(vals):
                    cols[:, j] = v
                out ^= cols * m
        mask = np.empty(shape, dtype=bool)
        for j, p in enumerate(self.present):
            mask[:, j] = p
        out[~mask] = 0  # an absent feature: a key no feature has
        return out


class DocCandidates:
    """The argument candidates of some sentences of a doc as arrays, one row per candidate
    (sentence after sentence, head after head, in the order of :meth:`SentenceArrays.cuts`),
    found with array operations over the whole doc: the same phrases as
    :func:`sentence_candidates`, without a Python loop per word."""

    def __init__(self, d: DocArrays, sentences: list[Span]):
        sentences = sorted(sentences, key=lambda s: s.start)
        self.doc_arrays = d
        self.sent_start = np.array([s.start for s in sentences], dtype=np.int64)
        self.sent_end = np.array([s.end for s in sentences], dtype=np.int64)
        self.sent_root = [s.root.i for s in sentences]
        self.sent_of_start = {s.start: k for k, s in enumerate(sentences)}
        n = d.n
        tok = np.arange(n, dtype=np.int64)
        head, left, right = d.head_array, d.left_array, d.right_array
        dep, pos, lower = d.value["dep"], d.value["pos"], d.value["lower"]
        sent_of = np.full(n + 1, -1, dtype=np.int64)
        for k, s in enumerate(sentences):
            sent_of[s.start:s.end] = k
        right_child = tok > head
        prep = dep == np.uint64(_PREP_V)
        np_stop = right_child & _isin(dep, _NP_STOPS_V) & ~(prep & (lower == np.uint64(_OF_V)))
        list_stop = right_child & _isin(dep, _LIST_STOPS_V)
        np_end = _phrase_end(tok, head, right, right_child, np_stop, n)
        list_end = _phrase_end(tok, head, right, right_child, list_stop, n)
        first_prep = np.full(n, 1 << 40, dtype=np.int64)
        np.minimum.at(first_prep, head[right_child & prep], tok[right_child & prep])
        heads = np.nonzero((sent_of[:n] >= 0) & _isin(pos, _NOMINAL_V)
                           & _isin(dep, _ARG_DEPS_V))[0]
        lo, hi, h1 = left[heads], right[heads] + 1, heads + 1
        ne, le = np_end[heads], list_end[heads]
        det = (pos[lo] == np.uint64(_DET_V)) & (lo < heads)
        with_prep = (dep[heads] == np.uint64(_value("pobj"))) & (head[heads] == lo - 1)
        after = np.minimum(hi, n - 1)
        verb_pp = (dep[heads] == np.uint64(_DOBJ_V)) & (hi < n) \
            & (dep[after] == np.uint64(_PREP_V)) & (head[after] == head[heads])
        true = np.ones(len(heads), dtype=bool)
        # the cuts of each head, in the order of SentenceArrays.cuts
        starts = np.stack([lo, lo, lo, lo, lo + 1, lo - 1, lo - 1, lo], axis=1)
        ends = np.stack([hi, ne, h1, le, ne, hi, ne, right[after] + 1], axis=1)
        valid = np.stack([true, true, true, true, det, with_prep, with_prep, verb_pp], axis=1)
        sent = np.repeat(sent_of[heads], 8).reshape(-1, 8)
        valid &= (starts >= self.sent_start[sent]) & (ends <= self.sent_end[sent])
        starts, ends, sent = starts[valid], ends[valid], sent[valid]
        cut = np.broadcast_to(np.arange(8), valid.shape)[valid]
        head_row = np.broadcast_to(np.arange(len(heads))[:, None], valid.shape)[valid]
        _, first = np.unique(starts * (n + 1) + ends, return_index=True)
        keep = np.sort(first)  # a phrase cut twice is kept where it was first cut
        self.starts, self.ends, self.sent = starts[keep], ends[keep], sent[keep]
        self.cut_code = cut[keep]
        self.head_row = head_row[keep]  # the row of its head in self.head_list
        self.heads = heads[self.head_row]
        self.cuts = _CUT_ARRAY[self.cut_code]
        self.head_list: list[int] = heads.tolist()
        self.head_sent = sent_of[heads]
        self.rootpath = d.path_values(heads, np.array(self.sent_root, dtype=np.int64)[
            self.head_sent], limit=5)
        self.first_prep = first_prep[heads]
        self.row_start = np.searchsorted(self.sent, np.arange(len(sentences) + 1))
        self.head_start = np.searchsorted(self.head_sent, np.arange(len(sentences) + 1))
        self.static: dict[int, "np.ndarray"] = {}  # id(model) -> weights per row

    def rows(self, sent_start: int) -> tuple[int, int]:
        k = self.sent_of_start[sent_start]
        return int(self.row_start[k]), int(self.row_start[k + 1])

    def heads_of(self, sent_start: int) -> tuple[int, int]:
        k = self.sent_of_start[sent_start]
        return int(self.head_start[k]), int(self.head_start[k + 1])

    def candidate(self, row: int) -> Candidate:
        return Candidate(int(self.starts[row]), int(self.ends[row]), int(self.heads[row]),
                         _CUT_NAMES[int(self.cut_code[row])], [], self.doc_arrays.doc)


_CUT_NAMES = ("full", "np", "head", "noconj", "nodet", "pfull", "pnp", "vpp")
_CUT_ARRAY = np.array([_value(c) for c in _CUT_NAMES], dtype=np.uint64)


def _isin(values: "np.ndarray", wanted: frozenset[int]) -> "np.ndarray":
    """``np.isin`` for a few wanted values (one comparison each, no sort)."""
    out = np.zeros(values.shape, dtype=bool)
    for v in wanted:
        out |= values == np.uint64(v)
    return out


def _phrase_end(tok, head, right, right_child, stop, n: int) -> "np.ndarray":
    """Per head: the end of its phrase when its right dependants stop at the first ``stop``
    one (the right edge of the last dependant before it, else the head itself)."""
    first_stop = np.full(n, n + 1, dtype=np.int64)
    np.minimum.at(first_stop, head[stop], tok[stop])
    before = right_child & (tok < first_stop[head])
    end = tok + 1
    np.maximum.at(end, head[before], right[before] + 1)
    return end


def static_weights(model: CompiledArgs, d: DocArrays, dc: DocCandidates) -> "np.ndarray":
    """The summed weights of each candidate's own features (those of
    :func:`sentence_candidates` with ``features=True``), one row per candidate."""
    a, b, h, cut = dc.starts, dc.ends, dc.heads, dc.cuts
    if not len(a):
        return np.zeros((0, len(ARG_ROLES)))
    start, end = dc.sent_start[dc.sent], dc.sent_end[dc.sent]
    rootpath, first_prep = dc.rootpath[dc.head_row], dc.first_prep[dc.head_row]
    table = d.table()
    heads = d.head_array
    gov = heads[h]
    outside = len(table) - 1  # the row of zeros
    at = table[np.stack([h, gov, heads[gov], a, b - 1, np.where(b < end, b, outside),
                         np.where(a > start, a - 1, outside)], axis=1)]  # (n, 7, columns)
    H, GOV, GOV2, FIRST, LAST, NEXT, PREV = range(7)

    def col(where: int, column: str) -> "np.ndarray":
        return at[:, where, _COL[column]]

    of_prep = _isin(col(H, "dep"), _OBJ_OF_PREP_V)
    k = _Keys(len(a))
    k.add("hd", col(H, "dep"))
    k.add("hp", col(H, "pos"))
    k.add("he", col(H, "ent"))
    k.add("hl", col(H, "lemma"))
    k.add("gov", col(GOV, "lemma"), col(H, "dep"))
    k.add("hd_govd", col(H, "dep"), col(GOV, "dep"))
    k.add("rootpath", rootpath)
    k.add("prep", col(GOV, "lower"), present=of_prep)
    k.add("prep_gov", col(GOV, "lower"), col(GOV2, "pos"), present=of_prep)
    k.add("prep_govl", col(GOV, "lower"), col(GOV2, "lemma"), present=of_prep)
    k.add("prep_govd", col(GOV, "lower"), col(GOV2, "dep"), present=of_prep)
    k.add("v", cut)
    k.add("len", _LENGTHS[np.minimum(b - a, 8)])
    k.add("first", col(FIRST, "tag"))
    k.add("last", col(LAST, "tag"))
    k.add("firstw", col(FIRST, "lower"))
    k.add("next", np.where(b < end, col(NEXT, "neighbour"), np.uint64(_value("END"))))
    k.add("prev", np.where(a > start, col(PREV, "neighbour"), np.uint64(_value("BEG"))))
    ents = table[:-1, _COL["ent"]]
    has_ent = np.zeros(len(a), dtype=bool)
    for label in np.unique(ents).tolist():
        if label:
            counts = np.concatenate(([0], np.cumsum(ents == np.uint64(label))))
            present = counts[b] - counts[a] > 0
            has_ent |= present
            k.add("ent", label, present=present)
    k.add("ent", _value("NONE"), present=~has_ent)
    k.add("hasent", np.where(has_ent, np.uint64(_value("True")), np.uint64(_value("False"))),
          cut)
    deps = table[:-1, _COL["dep"]]
    for x in ("relcl", "appos", "conj"):
        counts = np.concatenate(([0], np.cumsum(deps == np.uint64(_value(x)))))
        inside = counts[b] - counts[a] - (col(H, "dep") == np.uint64(_value(x)))
        k.add("has" + x, present=inside > 0)
    k.add("hasprep", present=first_prep < b)
    return model.weights(k.keys())


_LENGTHS = np.array([_value(str(n)) for n in range(9)], dtype=np.uint64)


def event_weights(model: CompiledArgs, d: DocArrays, dc: DocCandidates,
                  jobs: list[tuple[int, EventView]]) -> tuple["np.ndarray", "np.ndarray"]:
    """For each (sentence start, event): the summed weights of the event's features of each
    candidate of the sentence (those of :func:`event_features` with ``static=False``); the
    rows of all the events, event after event, and the candidate row each stands for."""
    spans = [dc.rows(s) for s, _ in jobs]
    head_spans = [dc.heads_of(s) for s, _ in jobs]
    sizes = np.array([r1 - r0 for r0, r1 in spans], dtype=np.int64)
    rows = np.concatenate([np.arange(r0, r1) for r0, r1 in spans])
    job = np.repeat(np.arange(len(jobs)), sizes)
    # each event's path from each head of its sentence to its clause
    pair_job = np.repeat(np.arange(len(jobs)), [h1 - h0 for h0, h1 in head_spans])
    pair_head = np.concatenate([np.arange(h0, h1) for h0, h1 in head_spans])
    clause = np.array([ev.clause for _, ev in jobs], dtype=np.int64)
    pair_tok = np.asarray(dc.head_list, dtype=np.int64)[pair_head]
    head_paths = d.path_values(pair_tok, clause[pair_job])
    word_of = np.array([ev.word for _, ev in jobs], dtype=np.int64)
    word_paths = d.path_values(pair_tok, word_of[pair_job])
    offsets = np.cumsum([0] + [h1 - h0 for h0, h1 in head_spans[:-1]]) - \
        np.array([h0 for h0, _ in head_spans], dtype=np.int64)
    path_v = head_paths[offsets[job] + dc.head_row[rows]]
    wpath_v = word_paths[offsets[job] + dc.head_row[rows]]
    a, b, h, cut = dc.starts[rows], dc.ends[rows], dc.heads[rows], dc.cuts[rows]
    per_event = np.array([(_value(ev.event_type), _value(ev.verb), _value(str(ev.passive)),
                           _value(ev.vroot), ev.word) for _, ev in jobs], dtype=np.uint64)
    typ, verb, passive, vroot = per_event[job, :4].T
    word = per_event[job, 4].astype(np.int64)
    span = d.n + 1  # rule heads as (event, token) numbers
    rule_a = np.array([j * span + x for j, (_, ev) in enumerate(jobs) for x in ev.rule_actors],
                      dtype=np.int64)
    rule_r = np.array([j * span + x for j, (_, ev) in enumerate(jobs)
                       for x in ev.rule_recipients], dtype=np.int64)
    row_key = job * span + h
    at = d.table()[h]
    dep, lemma, ent_or_pos = at[:, _COL["dep"]], at[:, _COL["lemma"]], at[:, _COL["ent_or_pos"]]
    left, right = np.uint64(_value("L")), np.uint64(_value("R"))
    side = np.where(b <= word, left, np.where(a > word, right, np.uint64(_value("IN"))))
    by_actor, by_recipient = np.isin(row_key, rule_a), np.isin(row_key, rule_r)
    k = _Keys(len(rows))
    k.add("path", path_v)
    k.add("path_t", path_v, typ)
    k.add("path_l", path_v, verb)
    k.add("path_pass", path_v, passive)
    k.add("path_e", path_v, ent_or_pos)
    k.add("hl_path", lemma, path_v)
    k.add("Vl_hd", verb, dep, passive)
    k.add("hd_side", dep, np.where(h < word, left, right))
    k.add("path_v", path_v, cut)
    k.add("wpath", wpath_v)
    k.add("Wl_hd", d.table()[word][:, _COL["lemma"]], dep)
    k.add("side", side)
    k.add("typ", typ)
    k.add("vroot", vroot)
    k.add("ruleA", present=by_actor)
    k.add("ruleA", cut, present=by_actor)
    k.add("ruleR", present=by_recipient)
    k.add("ruleR", cut, present=by_recipient)
    return model.weights(k.keys()), rows


def tag_events(model: ArgModel, d: DocArrays, dc: DocCandidates,
               jobs: list[tuple[int, EventView, list[tuple[int, int]]]]
               ) -> list[list[tuple[str, Candidate]]]:
    """For each (sentence start, event, character spans no argument may touch): the tagger's
    phrases (:func:`pick_arguments` over ``model.probabilities(event_features(...))``, the
    weights keyed from arrays); all the events of a doc in one pass."""
    if not jobs:
        return []
    comp = compiled(model)
    static = dc.static.get(id(model))
    if static is None:
        static = dc.static[id(model)] = static_weights(comp, d, dc)
    dynamic, rows = event_weights(comp, d, dc, [(s, ev) for s, ev, _ in jobs])
    probs = _softmax(static[rows] + dynamic + comp.bias)
    idx, idx_end = np.asarray(d.idx), np.asarray(d.idx_end)
    out = []
    at = 0
    for sent_start, _ev, blocked in jobs:
        r0, r1 = dc.rows(sent_start)
        p = probs[at:at + r1 - r0]
        at += r1 - r0
        if blocked:  # the reporter's words: never an argument of what it reports
            lo, hi = idx[dc.starts[r0:r1]], idx[dc.ends[r0:r1] - 1] + 1
            for s, e in blocked:
                p[(lo < e) & (s < hi), 1:] = 0.0
        out.append([(role, dc.candidate(r0 + k))
                    for role, k in _pick(dc.starts[r0:r1], dc.ends[r0:r1], p)])
    return out


def pick_arguments(cands: list[Candidate], probs: "np.ndarray",
                   threshold: float = ARG_THRESHOLD) -> list[tuple[str, Candidate]]:
    """The best non-overlapping candidates by their likeliest role other than O, most
    probable first: at most one source, one target and two reciprocal parties."""
    starts = np.array([c.start for c in cands], dtype=np.int64)
    ends = np.array([c.end for c in cands], dtype=np.int64)
    return [(role, cands[k]) for role, k in _pick(starts, ends, probs, threshold)]


def _pick(starts: "np.ndarray", ends: "np.ndarray", probs: "np.ndarray",
          threshold: float = ARG_THRESHOLD) -> list[tuple[str, int]]:
    """:func:`pick_arguments` over phrase bounds: (role, candidate number)."""
    if not len(starts):
        return []
    roles = probs[:, 1:]
    best = roles.argmax(axis=1)
    score = roles.max(axis=1)
    order = np.argsort(-score, kind="stable")
    order = order[score[order] >= threshold].tolist()
    taken: list[tuple[int, int]] = []
    counts = {"S": 0, "T": 0, "R": 0}
    out: list[tuple[str, int]] = []
    for k in order:
        role = ARG_ROLES[1 + int(best[k])]
        s, e = int(starts[k]), int(ends[k])
        if counts[role] >= (2 if role == "R" else 1) or any(
                s < te and ts < e for ts, te in taken):
            continue
        taken.append((s, e))
        counts[role] += 1
        out.append((role, k))
    return out
