"""How firmly a clause states what it says: asserted, expected, conditional, hedged or denied.

Shared by claims and events. Written here because no library does it: it reads the verb chain of
the clause's head in the dependency parse (its auxiliaries, negation, adverbs and the verbs it
governs), not a bag of words over the sentence, so "We have not seen X, but we expect Y" gives
the first clause `denied` and the second `expected`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from spacy.tokens import Span, Token

ASSERTED, EXPECTED, CONDITIONAL, HEDGED, DENIED = (
    "asserted", "expected", "conditional", "hedged", "denied")


@lru_cache(maxsize=1)
def lexicon_data() -> dict:
    """lexicon/cues.json as written (some lists are maps: a word to its prepositions)."""
    return json.loads(resources.files("newsgraph.lexicon").joinpath("cues.json")
                      .read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def lexicon() -> dict[str, frozenset[str]]:
    """Each word list of lexicon/cues.json as a set (of a map: its words)."""
    return {k: frozenset(v) for k, v in lexicon_data().items() if not k.startswith("_")}


_MODAL_HEDGES = frozenset({"may", "might", "could"})
_FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})  # "wo" is spaCy's token for won't
_FUTURE_VERBS = frozenset({"expect", "plan", "intend", "aim", "prepare", "schedule", "set",
                           "poise", "due", "go", "threaten", "vow", "pledge", "promise"})
_HEDGE_VERBS = frozenset({"appear", "seem"})
_NEG_DETS = frozenset({"no", "neither"})
_NEG_SUBJECTS = frozenset({"nobody", "none", "noone", "nothing", "neither"})


def cue_negated(verb: Token) -> bool:
    """Whether a speech verb is negated: by "not"/"never" ("did not say") or by a subject
    that names nobody ("No group has claimed responsibility", "Nobody said that ...")."""
    for child in verb.children:
        if child.dep_ == "neg" or child.lower_ == "never":
            return True
        if child.dep_ in ("nsubj", "nsubjpass") and (
                child.lower_ in _NEG_SUBJECTS
                or any(g.dep_ == "det" and g.lower_ in _NEG_DETS for g in child.children)):
            return True
    return False


def chain(head: Token) -> list[Token]:
    """The head verb, its auxiliaries and adverbs, and those of an xcomp it governs
    ("is likely to be approved", "expects to go")."""
    out = [head]
    for child in head.children:
        if child.dep_ in ("aux", "auxpass", "neg", "advmod", "acomp", "prt"):
            out.append(child)
        elif child.dep_ == "xcomp":
            out.append(child)
            out.extend(c for c in child.children if c.dep_ in ("aux", "auxpass", "neg",
                                                               "advmod"))
    return out


def of_head(head: Token, within: Span | None = None) -> str:
    """The modality of the clause headed by ``head``."""
    lex = lexicon()
    words = chain(head)
    lowers = {t.lower_ for t in words}
    # conditional: an if/unless clause hanging off the head, or an inverted "should"
    for child in head.children:
        if child.dep_ == "advcl" and any(
                g.dep_ == "mark" and g.lower_ in ("if", "unless") for g in child.children):
            return CONDITIONAL
    if head.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ in ("if", "unless")
                                    for g in head.children):
        return CONDITIONAL
    # denied: negation of the head itself, or "no"/"neither" determining its subject or object
    if any(t.dep_ == "neg" and t.head in (head, *[w for w in words if w.dep_ == "xcomp"])
           for t in words) or "never" in lowers:
        return DENIED
    imperative = head.tag_ == "VB" and not any(c.dep_ in ("nsubj", "nsubjpass", "aux")
                                               for c in head.children)
    for child in head.children:
        if imperative:
            break  # "Make no mistake" asserts
        if child.dep_ in ("nsubj", "nsubjpass", "dobj") and any(
                g.dep_ == "det" and g.lower_ in _NEG_DETS for g in child.children):
            return DENIED
    # hedged: modal may/might/could, hedging adverbs and adjectives, appear/seem
    if (lowers & _MODAL_HEDGES or lowers & lex["hedges"] - {"reported"}
            or head.lemma_ in _HEDGE_VERBS):
        return HEDGED
    # expected: future auxiliaries, "expected to", "going to", "plans to"
    if lowers & _FUTURE_AUX or (head.lemma_ in _FUTURE_VERBS and any(
            c.dep_ == "xcomp" for c in head.children)):
        return EXPECTED
    if head.lemma_ == "expect" or "would" in lowers:
        return EXPECTED
    return ASSERTED


def roots(span: Span) -> list[Token]:
    """The heads of the clauses in a span: tokens whose head lies outside it (or is itself)."""
    start, end = span.start, span.end
    return [t for t in span if t.head.i == t.i or not (start <= t.head.i < end)]


def of_span(span: Span) -> str:
    """The modality of a span of text (a quote, a clause): that of its first verbal head."""
    heads = [t for t in roots(span) if t.pos_ in ("VERB", "AUX")] or roots(span)
    for head in heads:
        return of_head(head, span)
    return ASSERTED
