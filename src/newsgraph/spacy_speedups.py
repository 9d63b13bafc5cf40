"""Faster stand-ins for two of spaCy's pipeline components, with the same annotations.

spaCy's attribute ruler and rule lemmatizer do their work in Python, token by token: in
en_core_web_sm they cost about a seventh of the whole parse (the attribute ruler runs its
179 patterns through the general Matcher at every token; the lemmatizer builds a cache key
from three Cython properties per token). Both are pure functions of a few token attributes,
so here they run on the doc's attribute arrays instead:

- :class:`ArrayAttributeRuler` finds the same pattern matches with one vectorised comparison
  per pattern and hands them to the stock component's ``set_annotations`` (so the precedence
  of later patterns and the way attributes are written stay spaCy's own);
- :class:`CachedLemmatizer` looks each distinct (word, part of speech, morphology) of a doc up
  once, in a cache keyed as the stock rule lemmatizer's own cache is, and asks the stock
  lemmatizer on a miss.

Only patterns and modes whose result provably depends on nothing else are taken over (equality,
IN, NOT_IN and REGEX on token attributes Doc.to_array reads; the "rule" and "lookup" lemmatizer
modes); anything else keeps the stock component. ``tests/test_spacy_speedups.py`` checks token-for-token equality with the
stock pipeline. Switch off with ``NEWSGRAPH_STOCK_SPACY=1``.
"""

from __future__ import annotations

import os
import re
from typing import Any

import numpy as np
from spacy.attrs import IDS, LEMMA, MORPH, ORTH, POS
from spacy.language import Language
from spacy.tokens import Doc

STOCK_ENV = "NEWSGRAPH_STOCK_SPACY"
# Entries kept per cache before it starts again: ~100,000 word forms is a few days of news
# and tens of MB; the stock lemmatizer's own cache is cleared with it (it never is otherwise).
CACHE_LIMIT = 100_000

# Token attributes a pattern may test by plain equality and Doc.to_array can read; the
# matcher's TEXT is ORTH.
_ARRAY_ATTRS = {"ORTH", "TEXT", "LOWER", "NORM", "TAG", "POS", "DEP", "LEMMA", "SHAPE",
                "ENT_TYPE", "ENT_IOB", "PREFIX", "SUFFIX", "LENGTH", "SENT_START"}


def _attr_id(name: str) -> int | None:
    name = "ORTH" if name == "TEXT" else name
    if name in _ARRAY_ATTRS or name.startswith("IS_") or name.startswith("LIKE_"):
        return IDS.get(name)
    return None


class _StandIn:
    """A pipeline component that reads one doc at a time (spaCy calls ``pipe`` when present)."""

    def pipe(self, docs, batch_size: int = 128):
        for doc in docs:
            yield self(doc)


class ArrayAttributeRuler(_StandIn):
    """The stock ``attribute_ruler``'s patterns matched on attribute arrays."""

    def __init__(self, stock: Any, patterns: list[tuple[int, int, list[list[tuple]]]],
                 attrs: list[int]):
        self.stock = stock
        self.name = stock.name
        # (rule number, match key, per token of the pattern [(test, column, argument)])
        self._patterns = patterns
        self._attrs = attrs  # Doc.to_array columns

    @classmethod
    def from_stock(cls, stock: Any) -> ArrayAttributeRuler | None:
        """The stand-in for a stock attribute ruler, or None when one of its patterns needs the
        general Matcher (operators, custom attributes, predicates other than IN, NOT_IN and
        REGEX)."""
        strings = stock.vocab.strings
        columns: dict[int, int] = {}

        def ident(value: Any) -> int | None:
            if isinstance(value, str):
                return strings.add(value)
            return int(value) if isinstance(value, bool | int) else None

        compiled = []
        for number, rule in enumerate(stock.patterns):
            key = strings.add(str(number))
            for pattern in rule["patterns"]:
                tokens = []
                for spec in pattern:
                    tests: list[tuple] = []
                    for name, value in spec.items():
                        attr = _attr_id(name)
                        if attr is None:
                            return None
                        column = columns.setdefault(attr, len(columns))
                        if not isinstance(value, dict):
                            if (v := ident(value)) is None:
                                return None
                            tests.append(("eq", column, np.uint64(v)))
                            continue
                        for op, arg in value.items():
                            if op in ("IN", "NOT_IN") and isinstance(arg, list):
                                ids = [ident(a) for a in arg]
                                if None in ids:
                                    return None
                                tests.append((op, column, np.array(ids, dtype=np.uint64)))
                            elif op == "REGEX" and isinstance(arg, str):
                                tests.append(("REGEX", column, (re.compile(arg), {})))
                            else:
                                return None
                    tokens.append(tests)
                if not tokens:
                    return None
                compiled.append((number, key, tokens))
        return cls(stock, compiled, list(columns))

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """(rule number, match key, start, end) of every match, in the stock ruler's order."""
        n = len(doc)
        if n == 0 or not self._attrs:
            return []
        table = doc.to_array(self._attrs).astype(np.uint64).reshape(n, -1)
        strings = doc.vocab.strings
        found: list[tuple[int, int, int, int]] = []
        for number, key, tokens in self._patterns:
            width = len(tokens)
            if width > n:
                continue
            hits = None
            for offset, tests in enumerate(tokens):
                for op, column, arg in tests:
                    values = table[offset:n - width + 1 + offset, column]
                    if op == "eq":
                        ok = values == arg
                    elif op == "IN":
                        ok = np.isin(values, arg)
                    elif op == "NOT_IN":
                        ok = ~np.isin(values, arg)
                    else:  # REGEX: searched in the attribute's string, as the Matcher does
                        regex, seen = arg
                        if len(seen) > CACHE_LIMIT:
                            seen.clear()
                        for v in np.unique(values).tolist():
                            if v not in seen:
                                seen[v] = regex.search(strings[v]) is not None
                        ok = np.fromiter((seen[v] for v in values.tolist()), dtype=bool,
                                         count=len(values))
                    hits = ok if hits is None else hits & ok
            starts = np.arange(n - width + 1) if hits is None else np.flatnonzero(hits)
            found += [(number, key, s, s + width) for s in starts.tolist()]
        found.sort()
        return found

    def __call__(self, doc: Doc) -> Doc:
        self.stock.set_annotations(doc, self.match(doc))
        return doc


class CachedLemmatizer(_StandIn):
    """The stock rule (or lookup) lemmatizer, asked once per distinct word form."""

    def __init__(self, stock: Any):
        self.stock = stock
        self.name = stock.name
        self.cache: dict[tuple[int, int, int], str] = {}

    @classmethod
    def from_stock(cls, stock: Any) -> CachedLemmatizer | None:
        # rule lemmas depend on the word, its POS and its morphology (the stock cache's key);
        # lookup lemmas on the word alone. Other modes may read more: keep the stock one.
        if getattr(stock, "mode", None) not in ("rule", "lookup"):
            return None
        # The rule lemmatizer asks "form in index" of lists of up to 57,000 words for every
        # new word form; the same words as sets answer the same, at once.
        if stock.lookups.has_table("lemma_index"):
            index = stock.lookups.get_table("lemma_index")
            for pos in list(index.keys()):
                if isinstance(index[pos], list):
                    index[pos] = frozenset(index[pos])
        return cls(stock)

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        if not self.stock._validated:
            self.stock._validate_tables()
        if len(self.cache) > CACHE_LIMIT:  # a long ingest meets ever more word forms
            self.cache.clear()
            if isinstance(getattr(self.stock, "cache", None), dict):
                self.stock.cache.clear()
        table = doc.to_array([ORTH, POS, MORPH, LEMMA]).astype(np.uint64).reshape(n, 4)
        todo = np.arange(n) if self.stock.overwrite else np.flatnonzero(table[:, 3] == 0)
        if not len(todo):
            return doc
        keys, first, inverse = np.unique(table[todo, :3], axis=0, return_index=True,
                                         return_inverse=True)
        strings = doc.vocab.strings
        hashes = np.empty(len(keys), dtype=np.uint64)
        cache = self.cache
        for k, (key, at) in enumerate(zip(map(tuple, keys.tolist()), first.tolist())):
            lemma = cache.get(key)
            if lemma is None:
                lemma = cache[key] = self.stock.lemmatize(doc[int(todo[at])])[0]
            hashes[k] = strings.add(lemma)
        lemmas = table[:, 3].copy()
        lemmas[todo] = hashes[inverse.ravel()]
        doc.from_array([LEMMA], lemmas.reshape(n, 1))
        return doc



def speed_up(nlp: Language) -> list[str]:
    """Swap the stand-ins into a loaded pipeline, in place, where they are exact; returns the
    names of the components taken over. Does nothing when $NEWSGRAPH_STOCK_SPACY is set."""
    if os.environ.get(STOCK_ENV):
        return []
    replaced = []
    for name, component in list(nlp.pipeline):
        kind = type(component).__name__
        faster = ArrayAttributeRuler.from_stock(component) if kind == "AttributeRuler" else \
            CachedLemmatizer.from_stock(component) if hasattr(component, "lemmatize") and \
            hasattr(component, "overwrite") else None
        if faster is not None:
            _swap(nlp, name, faster)
            replaced.append(name)
    return replaced


def _swap(nlp: Language, name: str, component: Any) -> None:
    """Put ``component`` in the place of the pipe called ``name``. spaCy's replace_pipe makes
    a new component from a factory's config; these wrap the loaded one, so the list of
    components is edited instead (its name, position and the factory record stay)."""
    components = nlp._components  # list of (name, component) pairs, spaCy's own store
    for i, (pipe_name, _) in enumerate(components):
        if pipe_name == name:
            components[i] = (name, component)
            return
    raise KeyError(name)
