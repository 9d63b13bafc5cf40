"""Events: who did what to whom, where, when, how many, according to whom, and how firmly.

PLOVER events read off the dependency parse of one clause at a time, never a bag of words over
the article:

* a **trigger** is a verb or noun lemma of ``lexicon/events.json`` (PLOVER type, mode and CAMEO
  root); a light verb takes its event from its object ("launched an attack", "signed an
  agreement"), a participation verb from a noun after in/into ("go into battle"), a verb+object
  or verb+particle pair can override both ("lift sanctions", "call for");
* the **actor** is the trigger's subject, its passive agent, or the subject it shares with the
  verb it hangs off ("agreed to cooperate", "are expected to go"); a passive movement of forces
  with no agent has the forces themselves as actor ("troops were deployed");
* the **recipient** is the object, "against/on/with X", or the destination entity of what is
  sent ("sent troops to Russia"); coordinated phrases give several; pronouns resolve to the
  nearest compatible earlier entity (the claims extractor's resolution, reused);
* **place**, **time**, **size/dead/injured** come from the places, times and quantities the
  earlier extractors found inside the clause; time falls back on the reporting claim's date and
  then the publication date, and says which;
* **modality** is :func:`newsgraph.modality.of_head` on the trigger's clause and the verbs that
  govern it ("expected to", "have not seen ... deployed"), an if-clause makes it conditional,
  the reporting claim's modality is inherited when the event's own clause is the claim's head,
  and an asserted event dated more than a year before publication is ``historical``;
* a speaker's conditional warning ("If they ..., they would make themselves targets") is a
  THREATEN event of the speaker against the if-clause's subject.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from importlib import resources

import numpy as np
from spacy.attrs import LEMMA
from spacy.strings import hash_string
from spacy.tokens import Doc, Span, Token

from .. import modality
from . import event_model
from ..record import Claim, Entity, Event, Place, Quantity, Time
from . import Context, registry
from .claims import ClaimFinder, ItemsByOffset, MentionIndex

# CAMEO root -> ConfliBERT pentaclass (0 statement, 1 verbal coop, 2 material coop,
# 3 verbal conflict, 4 material conflict), as the CAMEO quad classes group the roots.
PENTACLASS = {f"{n:02d}": (0 if n <= 2 else 1 if n <= 5 else 2 if n <= 8 else 3 if n <= 13
                            else 4) for n in range(1, 21)}
# The classes as the cameo_class sentences the classifier learns from are labelled: there,
# CAMEO 16 (reduce relations: sanctions, expulsions, cut ties) is verbal conflict (55 of the
# 67 sentences whose rule event is 16 are labelled so). The classifier reads, and the rules
# are compared with it, in that scheme; the record keeps the PLOVER type (SANCTION).
CLASSIFIER_CLASS = {**PENTACLASS, "16": 3}
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
OBJECT_DEPS = ("dobj", "dative", "attr", "oprd")
RECIPIENT_PREPS = frozenset({"against", "on", "at", "with", "to", "toward", "towards", "into",
                             "upon", "from", "of", "for", "over", "onto"})
PLACE_PREPS = frozenset({"in", "to", "near", "into", "at", "across", "outside", "inside",
                         "around", "throughout", "toward", "towards", "from", "on"})
# Prepositions that say where an act happened, never to whom ("to" and "on" can say either).
LOCATIVE_PREPS = frozenset({"in", "near", "at", "across", "outside", "inside", "around",
                            "throughout"})
PERCEPTION = frozenset({"see", "witness", "observe", "notice", "detect", "confirm", "hear"})
# Verbal acts whose to-clause is their content ("threatened to strike", "agreed to talk"):
# the inner event is not reported on its own.
VERBAL_TYPES = frozenset({"THREATEN", "AGREE", "REQUEST", "REJECT"})
DEAD_WORDS = frozenset({"kill", "die", "dead", "death", "slay", "murder", "behead", "execute",
                        "massacre", "fatality", "casualty", "body"})
INJURED_WORDS = frozenset({"wound", "injure", "injury", "hurt", "maim"})
PERSONAL = {"he": "PERSON", "him": "PERSON", "she": "PERSON", "her": "PERSON", "they": "GROUP",
            "them": "GROUP", "it": "THING", "its": "THING", "their": "GROUP", "his": "PERSON"}
HISTORICAL_DAYS = 365
# PLOVER codes an actor's own commitment to a future act as the promise or the threat of it:
# "will provide aid", "is ready to contribute troops" are AGREE; "will boycott", "is prepared
# to impose martial law" are THREATEN. A prediction by others ("are expected to") is not.
INTENT_AUX = frozenset({"will", "would", "shall"})
INTENT_HEADS = frozenset({"ready", "prepared", "willing", "plan", "intend", "vow", "pledge",
                          "promise", "offer", "decide", "determined", "swear", "resolve",
                          "prepare", "commit", "committed", "undertake"})
PROMISE_TYPES = frozenset({"SUPPORT", "CONSULT", "COOPERATE", "AID", "CONCEDE", "RETREAT"})
COOPERATIVE_TYPES = PROMISE_TYPES | {"AGREE"}
REFUSING = frozenset({"fail", "refuse", "decline"})
# Words whose content clause is what a speaker says: "X said that Y must ..." is X's demand.
SPEECH_HEADS = frozenset({"say", "tell", "announce", "declare", "insist", "reiterate", "state",
                          "conclude", "stress", "add", "argue", "write", "remind", "reminder",
                          "emphasize", "emphasise", "note", "maintain", "repeat", "believe",
                          "think", "told", "statement"})
_DEMAND_AUX_HASHES = np.array(sorted(hash_string(w) for w in ("must", "should")),
                              dtype=np.uint64)
THREAT_TYPES = frozenset({"SANCTION", "MOBILIZE", "COERCE", "ASSAULT", "PROTEST"})
# A strike noun is an armed attack when its modifier says so, a stoppage when its modifier
# says that ("hunger strike", "general strike").
ARMED_STRIKE = frozenset({"air", "missile", "drone", "rocket", "artillery", "aerial", "military",
                          "precision", "nuclear", "preemptive", "retaliatory", "naval", "deadly"})
STOPPAGE_STRIKE = frozenset({"hunger", "general", "labor", "labour", "national", "nationwide",
                             "indefinite", "open", "token", "rail", "teacher", "worker", "doctor",
                             "day", "hour", "week", "ended", "warning", "solidarity", "union",
                             "student", "transport", "wildcat", "sympathy", "sit", "strike"})
ASPECTUAL = frozenset({"continue", "resume", "begin", "start", "escalate", "intensify"})
OBSTRUCTING = frozenset({"block", "barricade", "blockade"})
CIVILIANS = frozenset({"protester", "demonstrator", "people", "supporter", "activist", "resident",
                       "villager", "crowd", "youth", "opponent", "citizen", "inhabitant", "local",
                       "refugee", "thousand", "hundred", "dozen", "voter", "family", "mob"})
ALLEGING = frozenset({"accuse", "allege", "suspect", "claim", "rumor", "rumour", "blame"})
# Types whose "with X" is a party ("met with", "fought with"), not an instrument ("equipped with").
WITH_TYPES = frozenset({"CONSULT", "COOPERATE", "AGREE", "ASSAULT", "SUPPORT", "REJECT"})
# Dependencies that open a clause of its own: places, times and numbers beyond them belong to
# that clause, not to the trigger's.
CLAUSAL = frozenset({"ccomp", "advcl", "relcl", "acl", "xcomp", "csubj", "parataxis", "pcomp"})


# --- the lexicon ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sense:
    """What a trigger word means: PLOVER type and mode, and its CAMEO root."""

    type: str
    mode: str | None
    cameo: str


# The sense a trigger takes when the learned classifier puts it in a class its words do not
# name: the broadest PLOVER type of each class.
CLASS_SENSES = {1: Sense("SUPPORT", None, "05"), 2: Sense("COOPERATE", None, "06"),
                3: Sense("ACCUSE", None, "11"), 4: Sense("ASSAULT", None, "18")}
# The classifier reads the class of a trigger's clause better than the lexicon does (5-fold
# cross-validated on cameo_class: classifier alone 0.874 macro-F1, lexicon alone 0.641), so
# where the two disagree the classifier's class stands when it is at least even odds; below
# that the lexicon's word stands. 0.5 is a round figure, not tuned: simulated on the
# out-of-fold probabilities, 0 .. 0.5 change macro-F1 by under 0.01 and a lower bar lets
# doubtful readings rewrite the record's events.
REREAD_CONFIDENCE = 0.5
PROPOSE_CONFIDENCE = 0.6  # fixed, not tuned: a record should not fill with guessed events
EXCLUDE_REPORTER = True  # the reporter of a claim is never the actor of what it reports
RULE_FALLBACK = True  # rule arguments that are names fill roles the tagger left empty


@dataclass
class Lexicon:
    verbs: dict[str, Sense]
    nouns: dict[str, Sense]
    light: frozenset[str]
    join: frozenset[str]
    theme: frozenset[str]
    recipient_object: frozenset[str]
    forces: frozenset[str]
    force_verbs: dict[str, Sense]
    verb_objects: dict[tuple[str, str], Sense]
    verb_preps: dict[tuple[str, str], Sense | None]
    needs_object: frozenset[str]
    needs_animate: frozenset[str]
    labor: frozenset[str]
    consequences: frozenset[str]
    contexts: dict[str, str]  # lemma -> context
    statements: frozenset[tuple[str, str]]  # verb+object pairs that only state ("deny charges")
    considering: frozenset[str]  # verbs that make what they govern an option, not an event
    hashes: np.ndarray  # lemma hashes of every trigger word, for a vectorised first pass


def _sense(spec: str, default_type: str, cameo_of: dict[str, str]) -> Sense:
    """'TYPE:mode|CC', 'mode|CC' or 'mode' -> Sense."""
    typ = default_type
    if ":" in spec:
        typ, spec = spec.split(":", 1)
    mode, _, cameo = spec.partition("|")
    return Sense(typ, mode or None, cameo or cameo_of[typ])


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data = json.loads(resources.files("newsgraph.lexicon").joinpath("events.json")
                      .read_text(encoding="utf-8"))
    cameo_of = {t: v["cameo"] for t, v in data["types"].items()}
    verbs: dict[str, Sense] = {}
    nouns: dict[str, Sense] = {}
    for typ, entry in data["types"].items():
        for lemma, spec in entry["verbs"].items():
            verbs[lemma] = _sense(spec, typ, cameo_of)
        for lemma, spec in entry["nouns"].items():
            nouns[lemma] = _sense(spec, typ, cameo_of)

    def pairs(table: dict[str, str]) -> dict[tuple[str, str], Sense | None]:
        out: dict[tuple[str, str], Sense | None] = {}
        for key, spec in table.items():
            a, b = key.split(" ", 1)
            typ = spec.split(":")[0].split("|")[0]
            out[(a, b)] = (_sense(spec if ":" in spec else f"{typ}:", typ, cameo_of)
                           if spec else None)
        return out

    force_verbs = {k: _sense(v, v.split(":")[0], cameo_of) for k, v in data["force_verbs"].items()}
    words = set(verbs) | set(nouns) | set(force_verbs) | set(data["light_verbs"]) | \
        set(data["join_verbs"]) | {a for a, _ in pairs(data["verb_preps"])} | \
        {k.split(" ")[0] for k in data["verb_objects"]}
    contexts = {w: ctx for ctx, ws in data["contexts"].items() for w in ws}
    return Lexicon(
        verbs=verbs, nouns=nouns, light=frozenset(data["light_verbs"]),
        join=frozenset(data["join_verbs"]), theme=frozenset(data["theme_verbs"]),
        recipient_object=frozenset(data["recipient_object_verbs"]),
        forces=frozenset(data["forces"]), force_verbs=force_verbs,
        verb_objects=pairs(data["verb_objects"]), verb_preps=pairs(data["verb_preps"]),
        needs_object=frozenset(data["needs_object"]),
        needs_animate=frozenset(data["needs_animate_object"]),
        labor=frozenset(data["labor_subjects"]), consequences=frozenset(data["threat_consequences"]),
        contexts=contexts,
        statements=frozenset(tuple(k.split(" ", 1)) for k in data["statements"]),
        considering=frozenset(data["considering"]),
        hashes=np.array(sorted(hash_string(w) for w in words), dtype=np.uint64))


# --- finding triggers -----------------------------------------------------------------------


@dataclass
class Trigger:
    """One event before it becomes an Event: its sense, the word it is read from, and the verb
    whose arguments it takes (the light verb of "launched an attack", else itself)."""

    sense: Sense
    word: Token
    clause: Token
    nominal: bool = False
    absorbed: set[int] = field(default_factory=set)  # token indexes used by this trigger
    # why the rules re-typed it from what its words name: "refusal" ("will not accept"),
    # "demand" ("X must return it", said by the speaker ``governor``'s subject)
    recast: str | None = None
    governor: Token | None = None


def _objects(tok: Token) -> list[Token]:
    return [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass", "attr", "oprd")]


def _prep_objects(tok: Token, preps: frozenset[str] | None = None) -> list[Token]:
    out = []
    for c in tok.children:
        if c.dep_ in ("prep", "agent", "dative") and (preps is None or c.lower_ in preps):
            out.extend(g for g in c.children if g.dep_ in ("pobj", "pcomp"))
    return out


_CONJOINED_POS = frozenset({"PROPN", "NOUN", "PRON"})


def _with_conjuncts(tok: Token) -> list[Token]:
    """``tok`` and the words conjoined with it, before it ("Libya" of "Libya and Iraq") or
    after it."""
    return [tok, *tok.conjuncts]


def _is_force(tok: Token, lex: Lexicon) -> bool:
    return tok.lemma_.lower() in lex.forces or (
        tok.ent_type_ == "NORP" and tok.pos_ in ("PROPN", "NOUN") and tok.tag_.endswith("S"))


def _animate(tok: Token) -> bool:
    """A person, group or place standing for one (not a deal, a record or a ball)."""
    lemma = tok.lemma_.lower()
    return tok.ent_type_ in ("PERSON", "NORP", "ORG", "GPE") or tok.lower_ in PERSONAL or \
        lemma in ANIMATE or lemma.endswith(PERSON_ENDINGS) or (
            tok.ent_type_ in ("CARDINAL", "") and tok.pos_ == "NUM")


ANIMATE = frozenset("people person civilian man woman child soldier troop fighter militant rebel "
                    "protester demonstrator police officer journalist activist official leader "
                    "worker student force village town city base convoy position army "
                    "government insurgent gunman prisoner member supporter opponent refugee "
                    "crowd family resident patient worshipper pilgrim guard target dozen hundred "
                    "thousand score chief deputy commander head general minister president "
                    "guerrilla hostage victim diplomat envoy mayor governor judge priest monk "
                    "villager settler detainee captive migrant immigrant boy girl teenager "
                    "youth adult infant baby sailor pilot marine militia unit squad team "
                    "personnel staff crew agent spy suspect bystander passenger tourist "
                    "farmer peasant candidate lawmaker legislator politician".split())
# Word endings of nouns for people ("serviceman", "separatist", "Iraqi civilian")
PERSON_ENDINGS = ("man", "men", "ist", "ists", "ier", "iers")


def find_triggers(doc: Doc, lex: Lexicon, lemmas: np.ndarray | None = None) -> list[Trigger]:
    """The triggers of a doc (``lemmas``: its lemma array, when already read)."""
    if lemmas is None:
        lemmas = doc.to_array([LEMMA]).astype(np.uint64).ravel()
    candidates = np.nonzero(np.isin(lemmas, lex.hashes))[0]
    triggers: list[Trigger] = []
    taken: set[int] = set()
    for i in candidates.tolist():
        if i in taken:
            continue
        tok = doc[i]
        trig = verb_trigger(tok, lex) if tok.pos_ == "VERB" else \
            noun_trigger(tok, lex) if tok.pos_ in ("NOUN", "PROPN") else None
        if trig is not None:
            triggers.append(trig)
            taken |= trig.absorbed
    # A noun trigger already absorbed by a later verb (object before verb in passives) goes.
    used = set().union(*(t.absorbed - {t.word.i} for t in triggers)) if triggers else set()
    return [t for t in triggers if t.word.i not in used or t.word.i == t.clause.i]


def verb_trigger(tok: Token, lex: Lexicon) -> Trigger | None:
    lemma = tok.lemma_.lower()
    children = list(tok.children)
    objects = [c for c in children if c.dep_ in ("dobj", "nsubjpass")]
    obj_lemmas = {c.lemma_.lower() for c in objects}
    # verb + particle or preposition ("call for", "pull out", "crack down")
    for c in children:
        if c.dep_ in ("prt", "prep") and (lemma, c.lower_) in lex.verb_preps:
            sense = lex.verb_preps[(lemma, c.lower_)]
            if sense is None:
                return None  # "strike down a law", "come out": not the event the verb names
            return Trigger(sense, tok, tok, absorbed={tok.i, c.i})
    # statements about an event are no event ("rejected the accusations", "declined to comment")
    if any((lemma, c.lemma_.lower()) in lex.statements for c in children
           if c.dep_ in ("dobj", "nsubjpass", "xcomp")):
        return None
    # verb + object ("sign an agreement", "lift sanctions", "open fire")
    for obj in objects:
        sense = lex.verb_objects.get((lemma, obj.lemma_.lower()))
        if sense is not None:
            return Trigger(sense, tok, tok, absorbed={tok.i, obj.i})
    # light verb + event noun ("launched an assault", "held talks", "imposed a curfew")
    if lemma in lex.light:
        for obj in objects:
            sense = noun_sense(obj, lex)
            if sense is not None:
                return Trigger(sense, obj, tok, nominal=True, absorbed={tok.i, obj.i})
    # an event noun as subject of an aspect verb ("riots continued", "fighting resumed")
    if lemma in ASPECTUAL and not objects:
        for subj in children:
            sense = noun_sense(subj, lex) if subj.dep_ == "nsubj" and subj.pos_ == "NOUN" \
                else None
            if sense is not None:
                return Trigger(sense, subj, tok, nominal=True, absorbed={tok.i, subj.i})
    # participation + in/into + event noun ("go into battle", "deployed in combat")
    if lemma in lex.join:
        for pobj in _prep_objects(tok, frozenset({"in", "into"})):
            sense = noun_sense(pobj, lex)
            if sense is not None and pobj.pos_ == "NOUN":
                return Trigger(sense, pobj, tok, nominal=True, absorbed={tok.i, pobj.i})
    # movements of forces ("troops have been moved to Kursk")
    if lemma in lex.force_verbs and any(_is_force(o, lex) for o in objects) and not (
            lemma in lex.verbs and _destination_entity(tok)):
        return Trigger(lex.force_verbs[lemma], tok, tok, absorbed={tok.i})
    sense = lex.verbs.get(lemma)
    if sense is None:
        return None
    if lemma in lex.needs_object and not objects:
        return None
    if lemma in lex.needs_animate and objects and not any(_animate(o) for o in objects):
        return None
    if lemma == "strike" and any(s.lemma_.lower() in lex.labor for s in children
                                 if s.dep_ == "nsubj"):
        sense = Sense("PROTEST", "strike", "14")
    if lemma in OBSTRUCTING and any(_civilians(c, lex) for c in children if c.dep_ == "nsubj"):
        sense = Sense("PROTEST", "obstruct", "14")  # people blocking roads protest
    if sense.type == "AID" and lemma in lex.theme and objects and all(
            _is_force(o, lex) for o in objects) and not _destination_entity(tok):
        sense = Sense("MOBILIZE", "troops", "15")  # troops sent to a place, not to someone
    return Trigger(sense, tok, tok, absorbed={tok.i})


def _civilians(tok: Token, lex: Lexicon) -> bool:
    """People who are no state or armed force: "protesters", "workers", "young Algerians"."""
    lemma = tok.lemma_.lower()
    return lemma in CIVILIANS or lemma in lex.labor or (
        tok.ent_type_ == "NORP" and tok.tag_ in ("NNPS", "NNS"))


def _destination_entity(tok: Token) -> bool:
    return any(p.ent_type_ in ("GPE", "NORP", "ORG") or p.pos_ == "PROPN"
               for p in _prep_objects(tok, frozenset({"to"})))


def noun_sense(tok: Token, lex: Lexicon) -> Sense | None:
    """The sense of an event noun, its modifiers read: a "hunger/general strike" is a
    stoppage (PROTEST), an "air strike" an attack."""
    sense = lex.nouns.get(tok.lemma_.lower())
    if sense is not None and tok.lemma_.lower() == "strike":
        mods = {c.lemma_.lower() for c in tok.children if c.dep_ in ("amod", "compound", "nmod")}
        doers = {c.lemma_.lower() for c in tok.head.children if c.dep_ == "nsubj"} \
            if tok.dep_ == "dobj" else set()
        if (mods & STOPPAGE_STRIKE or doers & lex.labor) and not mods & ARMED_STRIKE:
            return Sense("PROTEST", "hunger" if "hunger" in mods else "strike", "14")
    return sense


def noun_trigger(tok: Token, lex: Lexicon) -> Trigger | None:
    lemma = tok.lemma_.lower()
    sense = noun_sense(tok, lex)
    if sense is None:
        return None
    if tok.dep_ in ("compound", "amod", "nmod", "poss") and tok.head.pos_ in ("NOUN", "PROPN"):
        return None  # "combat support operations", "aid workers": a modifier, not an event
    if lemma == "call":
        if any(c.dep_ == "prep" and c.lower_ in ("for", "on") for c in tok.children):
            sense = Sense("REQUEST", None, "02")
        elif not any(c.lower_ in ("phone", "telephone", "video") for c in tok.children):
            return None
    head = tok.head
    # An argument of a verb that is itself an event ("the attack killed 5") is no event of its
    # own; the verb's event covers it.
    if tok.dep_ in SUBJECT_DEPS + OBJECT_DEPS and head.pos_ == "VERB" and (
            head.lemma_.lower() in lex.verbs or head.lemma_.lower() in lex.light):
        return None
    return Trigger(sense, tok, tok, nominal=True, absorbed={tok.i})


# --- arguments ------------------------------------------------------------------------------

SYMMETRIC = frozenset({"CONSULT", "AGREE", "COOPERATE"})
# Dependants that end an argument phrase: clauses, appositions, and prepositions other than "of".
_PHRASE_STOP = frozenset({"relcl", "acl", "appos", "punct", "cc", "conj", "advcl", "prep",
                          "parataxis"})


def phrase(head: Token) -> tuple[int, int]:
    """The noun phrase an argument head stands for (token range): its left part, and right
    dependants other than clauses and prepositions ("of" phrases stay)."""
    end = head.i + 1
    for c in head.rights:
        if c.dep_ in _PHRASE_STOP and not (c.dep_ == "prep" and c.lower_ == "of"):
            break
        end = c.right_edge.i + 1
    return head.left_edge.i, end


def _closed(doc, start: int, end: int) -> int:
    """``end``, moved past the closing bracket when the phrase [start, end) opens one it does
    not close ("the Central African Republic ( CAR" -> "... ( CAR )")."""
    opened = sum(1 for t in doc[start:end] if t.text == "(") - \
        sum(1 for t in doc[start:end] if t.text == ")")
    if opened > 0 and end < len(doc) and doc[end].text == ")":
        return end + 1
    return end


@dataclass
class Arguments:
    """An event's argument phrases as token ranges, kept for scoring: ``spans`` holds (role,
    start, end) with role S (actor), T (recipient) or R (a party of a symmetric event);
    ``rule_actors``/``rule_recipients`` the heads the rules chose."""

    spans: list[tuple[str, int, int]]
    clause: Token
    word: Token
    type: str
    rule_actors: list[Token]
    rule_recipients: list[Token]
    tagged: list[tuple[str, int, int]] = field(default_factory=list)  # the tagger's own picks


def is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def subject_of(verb: Token, depth: int = 0) -> list[Token]:
    """Who does what ``verb`` says: its subject, its passive agent, or the subject it shares
    with the verb it hangs off."""
    if depth > 4:
        return []
    children = list(verb.children)
    agent = [g for c in children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    if agent:
        return agent
    subj = [c for c in children if c.dep_ == "nsubj"]
    if subj:
        if subj[0].lower_ in ("which", "who", "that") and verb.dep_ == "relcl":
            return [verb.head]
        return subj
    if any(c.dep_ == "nsubjpass" for c in children):
        return []
    head = verb.head
    if verb.dep_ == "conj":
        shared = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")]
        if shared and shared[0].dep_ == "nsubjpass" and not is_passive(verb) and \
                not any(c.dep_ == "xcomp" for c in verb.children):
            return []  # "X was attacked and fought back": not the attacker
        return shared or subject_of(head, depth + 1)
    if verb.dep_ in ("xcomp", "advcl") and verb.i > head.i:
        # "agreed to cooperate": the agreer; "accused Russia of providing": the accused
        if head.lemma_.lower() in OBJECT_CONTROL:
            objs = [c for c in head.children if c.dep_ in ("dobj", "nsubjpass")]
            if objs:
                return objs
        return subject_of(head, depth + 1) or [c for c in head.children
                                                if c.dep_ == "nsubjpass"]
    if verb.dep_ == "pcomp" and head.head.pos_ == "VERB":
        governor = head.head
        objs = [c for c in governor.children if c.dep_ in ("dobj", "nsubjpass")]
        return objs if governor.lemma_.lower() in OBJECT_CONTROL else subject_of(governor,
                                                                                   depth + 1)
    if verb.dep_ == "acl" and head.pos_ in ("NOUN", "PROPN"):
        return [head]
    return []


OBJECT_CONTROL = frozenset({"accuse", "urge", "ask", "order", "force", "allow", "help", "train",
                            "encourage", "invite", "persuade", "tell", "blame", "charge",
                            "suspect", "see", "convict", "pressure", "press", "call"})


def noun_actor(noun: Token) -> list[Token]:
    """The actor of a nominal event: its possessor, "by X", or a demonym or name modifier."""
    out = [c for c in noun.children if c.dep_ == "poss"]
    out += _prep_objects(noun, frozenset({"by"}))
    if not out:
        out = [c for c in noun.children if c.dep_ in ("amod", "compound") and
               c.ent_type_ in ("NORP", "GPE", "ORG")]
    return out


def recipients_of(trig: Trigger, lex: Lexicon) -> tuple[list[Token], list[Token]]:
    """The phrases naming who is acted on: (any mention in the phrase counts, only a mention
    of the phrase's head counts). A destination ("sent troops to Russia") is the second kind,
    so "deployed to the Russian territory" names no recipient."""
    verb, word = trig.clause, trig.word
    lemma = verb.lemma_.lower()
    out: list[Token] = []
    if trig.nominal:
        out += _prep_objects(word, RECIPIENT_PREPS - {"of", "from", "for"})
        if word.i != verb.i:
            out += _prep_objects(verb, frozenset({"against", "on", "with", "to", "at"}))
        if not out and word.i == verb.i:
            out += _prep_objects(word, frozenset({"of"}))
        return out, []
    passive = is_passive(verb)
    theme = lemma in lex.theme or trig.sense.type in ("MOBILIZE",)
    for c in verb.children:
        if c.dep_ == "dative":
            out += [g for g in c.children if g.dep_ == "pobj"] or [c]
        elif c.dep_ == "dobj" and not passive and not theme:
            out.append(c)
        elif c.dep_ == "nsubjpass" and not (trig.sense.type == "MOBILIZE" and _is_force(c, lex)) \
                and not theme:
            out.append(c)
    preps = frozenset({"against", "on", "at", "upon", "toward", "towards", "onto"})
    if trig.sense.type in WITH_TYPES:
        preps = preps | {"with"}
    if trig.sense.type == "COOPERATE":
        preps = preps | {"from"}
    out += _prep_objects(verb, preps)
    destinations = []
    if theme or trig.sense.type in ("AID", "MOBILIZE", "COOPERATE", "SUPPORT", "CONSULT"):
        destinations = _prep_objects(verb, frozenset({"to"}))
    return out, destinations


# --- the extractor ------------------------------------------------------------------------


@dataclass
class RuleReading:
    """A trigger read by the rules: the claim reporting it, its argument heads (actor, any
    mention counts, only the head's mention counts) and their entities, and the claim whose
    reporter may not be its actor."""

    trig: Trigger
    claim: Claim | None
    actor_heads: list[Token]
    loose: list[Token]
    strict: list[Token]
    rule_actors: list[Entity]
    rule_recipients: list[Entity]
    reporter: Claim | None


class EventFinder:
    def __init__(self, ctx: Context, lex: Lexicon, keep_bare: bool = False):
        self.ctx = ctx
        self.keep_bare = keep_bare  # keep events with neither actor nor recipient (for scoring)
        self.lex = lex
        self.doc = ctx.doc
        rec = ctx.record
        self.mentions = MentionIndex(rec.entities)
        self.entity_by_id = {e.id: e for e in rec.entities}
        places = [p for p in (getattr(rec, "places", None) or []) if p.reading == "place"]
        self.places = ItemsByOffset(places)
        self.gov_places = ItemsByOffset([p for p in (getattr(rec, "places", None) or [])
                                         if p.reading != "place" and p.entity])
        self.times = ItemsByOffset([t for t in rec.times if t.type in ("DATE", "TIME")])
        self.quantities = ItemsByOffset(rec.quantities)
        self.claims = sorted(rec.claims, key=lambda c: (c.start, -c.end))
        self._claim_finder: ClaimFinder | None = None
        # per event returned: (actor heads, recipient heads, the trigger's clause token), for
        # scoring argument spans
        self.arguments: list[Arguments] = []
        self._candidates: dict[int, event_model.DocCandidates] = {}  # by sentence start
        self._arrays: event_model.DocArrays | None = None
        # clauses of triggers the classifier read as statements (for scoring the main clause)
        self.statement_clauses: list[Token] = []
        self._sents: list[Span] | None = None
        self._sent_starts: list[int] = []
        self._contexts: dict[int, set[str]] = {}  # by sentence start
        self._lemmas: list[str | None] | None = None
        self._clause_features: dict[tuple[int, int], list[str]] = {}

    def doc_arrays(self) -> event_model.DocArrays:
        """The doc's token arrays, read once for the classifier and the tagger."""
        if self._arrays is None:
            self._arrays = event_model.DocArrays(self.doc)
        return self._arrays

    def sent_of(self, tok: Token) -> Span:
        """The sentence of a token (``Token.sent`` searches the doc each time)."""
        if self._sents is None:
            self._sents = list(self.doc.sents)
            self._sent_starts = [s.start for s in self._sents]
        return self._sents[bisect_right(self._sent_starts, tok.i) - 1]

    # -- entities --

    def claim_finder(self) -> ClaimFinder:
        if self._claim_finder is None:
            self._claim_finder = ClaimFinder(self.ctx)
        return self._claim_finder

    def entities(self, heads: list[Token], claim: Claim | None, strict: bool = False
                 ) -> list[Entity]:
        out: list[Entity] = []
        for head in heads:
            for tok in _with_conjuncts(head):
                ent = self.entity(tok, claim, strict)
                if ent is not None and ent not in out:
                    out.append(ent)
        return out

    def entity(self, head: Token, claim: Claim | None, strict: bool = False) -> Entity | None:
        """The entity an argument phrase names: the mention holding its head, else one inside
        the words before the head, else one in its "of" phrase ("forces of X")."""
        low = head.lower_
        if low in ("we", "us", "our", "i", "me") and claim is not None and claim.source:
            return self.entity_by_id.get(claim.source)
        if low in PERSONAL:
            return self.claim_finder().antecedent(PERSONAL[low], head.idx, head)
        start, end = head.left_edge.idx, head.idx + len(head)
        right = head.right_edge.idx + len(head.right_edge)
        for s, e, ent in self.mentions.within(start, right):
            if s <= head.idx < e:
                return ent
        if strict:
            return None
        rows = self.mentions.within(start, end)
        if rows:
            return rows[-1][2]
        for p in self.gov_places.within(start, end):
            return self.entity_by_id.get(p.entity)
        for pobj in _prep_objects(head, frozenset({"of"})):
            rows = self.mentions.within(pobj.left_edge.idx, pobj.idx + len(pobj))
            if rows:
                return rows[-1][2]
        if head.lemma_.lower() in self.lex.forces and any(
                c.lower_ in ("these", "those", "the") for c in head.children):
            # "these troops": the latest force named before
            for _s, _e, ent in self.mentions.before(head.idx, max(0, head.idx - 2000)):
                if ent.sector in ("MIL", "REB") and ent.type in ("NORP", "ORG"):
                    return ent
        return None

    # -- the clause's items --

    def clause_extent(self, trig: Trigger) -> tuple[int, int]:
        verb = trig.clause
        lo = min(verb.left_edge.i, trig.word.left_edge.i)
        hi = max(verb.right_edge.i, trig.word.right_edge.i)
        return self.doc[lo].idx, self.doc[hi].idx + len(self.doc[hi])

    def place_of(self, trig: Trigger, lo: int, hi: int, parties: list[Entity]) -> Place | None:
        """Where it happened: a place after in/to/near... on the trigger, else one in its own
        clause; never a place that names one of the parties ("to North Korea" as recipient)."""
        named = {(m.start, m.end) for e in parties for m in e.mentions}
        ok = [p for p in self.places.within(lo, hi) if (p.start, p.end) not in named
              and self.in_clause(p.start, p.end, trig)]
        for head in (trig.word, trig.clause):
            for c in head.children:
                if c.dep_ == "prep" and c.lower_ in PLACE_PREPS:
                    end = c.right_edge.idx + len(c.right_edge)
                    for p in ok:
                        if c.idx <= p.start < end:
                            return p
        return ok[0] if ok else None

    def located_places(self, trig: Trigger, lo: int, hi: int) -> set[tuple[int, int]]:
        """Spans of the places (read as places, not governments) that a locative preposition
        on the trigger governs ("in Kyiv", "near the border town of X")."""
        out = set()
        for p in self.places.within(lo, hi):
            if (p.reading or "place") != "place":
                continue
            span = self.ctx.char_span(p.start, p.end)
            if span is None:
                continue
            prep = span.root.head
            if span.root.dep_ == "pobj" and prep.lower_ in LOCATIVE_PREPS and \
                    prep.head in (trig.word, trig.clause):
                out.add((p.start, p.end))
        return out

    def in_clause(self, start: int, end: int, trig: Trigger) -> bool:
        """Whether text[start:end] belongs to the trigger's clause, not to a clause inside it."""
        span = self.ctx.char_span(start, end)
        if span is None:
            return False
        tok = span.root
        stops = {trig.word.i, trig.clause.i}
        for _ in range(12):
            if tok.i in stops:
                return True
            if tok.dep_ in CLAUSAL or tok.head.i == tok.i:
                return False
            tok = tok.head
        return False

    def time_of(self, trig: Trigger, lo: int, hi: int) -> Time | None:
        inside = [t for t in self.times.within(lo, hi) if self.in_clause(t.start, t.end, trig)]
        if not inside:
            return None
        for t in inside:  # one attached to the trigger itself first
            span = self.ctx.char_span(t.start, t.end)
            if span is not None and span.root.head in (trig.clause, trig.word) or (
                    span is not None and span.root.head.head in (trig.clause, trig.word)):
                return t
        return inside[0]

    def amounts(self, trig: Trigger, lo: int, hi: int
                ) -> tuple[Quantity | None, Quantity | None, Quantity | None]:
        size = dead = injured = None
        for q in self.quantities.within(lo, hi):
            if q.kind != "count" or not self.in_clause(q.start, q.end, trig):
                continue
            span = self.ctx.char_span(q.start, q.end)
            if span is None:
                continue
            root = span.root
            words = {root.lemma_.lower(), root.head.lemma_.lower()}
            if words & DEAD_WORDS:
                dead = dead or q
            elif words & INJURED_WORDS:
                injured = injured or q
            elif _is_force(root, self.lex) or root.lemma_.lower() in (
                    "protester", "demonstrator", "people", "fighter", "militant", "rebel"):
                size = size or q
        return size, dead, injured

    def claim_of(self, pos: int) -> Claim | None:
        best = None
        for c in self.claims:
            if c.start > pos:
                break
            if c.start <= pos < c.end and (best is None or c.end - c.start < best.end - best.start):
                best = c
        return best

    # -- modality --

    def modality_of(self, trig: Trigger, claim: Claim | None) -> str:
        if trig.recast:  # the refusal or the demand is made, as the claim reports it
            return modality.ASSERTED if claim is None or not self.heads_claim(
                trig.governor or trig.clause, claim) else claim.modality
        verb = trig.clause
        mod = modality.of_head(verb)
        node = verb
        for _ in range(4):  # the verbs that govern the clause: "expected to", "have not seen"
            if mod != modality.ASSERTED or node.dep_ not in ("xcomp", "ccomp", "advcl", "conj",
                                                             "pcomp", "acl"):
                break
            head = node.head if node.dep_ != "pcomp" else node.head.head
            if node.dep_ == "conj" or (node.dep_ == "ccomp" and head.lemma_.lower()
                                       not in PERCEPTION):
                if node.dep_ == "conj":
                    node = head
                    continue
                break  # speech verbs: the claim says how firmly it is reported
            mod = modality.of_head(head)
            if mod == modality.ASSERTED and head.lemma_.lower() in self.lex.considering:
                mod = modality.HEDGED  # "is considering sending aid": an option, not an act
            if mod == modality.ASSERTED and head.lemma_.lower() in ALLEGING:
                mod = modality.HEDGED  # "accused Russia of providing ...": alleged, not shown
            if mod == modality.DENIED and _expects_it_yet(head):
                mod = modality.EXPECTED  # "not yet seen X, but we expect that to happen"
            node = head
        if mod == modality.ASSERTED and claim is not None and claim.modality != "asserted" \
                and self.heads_claim(verb, claim):
            mod = claim.modality
        return mod

    def heads_claim(self, verb: Token, claim: Claim) -> bool:
        span = self.ctx.char_span(claim.start, claim.end)
        if span is None:
            return False
        heads = [t for t in modality.roots(span) if t.pos_ in ("VERB", "AUX")]
        node = verb
        while span.start <= node.head.i < span.end and node.head.i != node.i:
            node = node.head
        return bool(heads) and node == heads[0]

    # -- building events --

    def run(self) -> list[Event]:
        lemmas = self.doc.to_array([LEMMA]).astype(np.uint64).ravel()
        triggers = find_triggers(self.doc, self.lex, lemmas)
        triggers = self.drop_verbal_contents(triggers)
        # refusals and demands are read off the grammar first: the classifier reads them so
        triggers = self.demands([self.as_refusal(t) for t in triggers], lemmas)
        # so is an actor's own commitment: the classifier was trained on clauses read so
        triggers = [self.as_intent(t) for t in triggers]
        model = event_model.current()
        if model is not None:
            triggers = self.reread(triggers, model)
        readings = [self.read_rules(t) for t in triggers]
        tagged = self.tag_all([(r.trig, r.actor_heads, r.loose + r.strict, r.reporter)
                               for r in readings])
        events = [e for r, tg in zip(readings, tagged) if (e := self.event(r, tg)) is not None]
        events += self.conditional_threats(events)
        return events

    def as_refusal(self, trig: Trigger) -> Trigger:
        """A cooperative act its actor says it will not do ("will not accept refugees") or
        fails to do ("failed to reach agreement"): PLOVER codes the refusal, REJECT."""
        if trig.sense.type not in COOPERATIVE_TYPES or not refused(trig.clause):
            return trig
        return replace(trig, sense=Sense("REJECT", None, "12"), recast="refusal")

    def demands(self, triggers: list[Trigger], lemmas: np.ndarray) -> list[Trigger]:
        """What a speaker says another party must or should do ("X said Sudan must return
        the helicopter"): the speaker's demand (REQUEST) of that party, whether or not the
        demanded act has a trigger of its own."""
        found = np.nonzero(np.isin(lemmas, _DEMAND_AUX_HASHES))[0]
        if not len(found):
            return triggers
        by_clause = {t.clause.i: k for k, t in enumerate(triggers)}
        out = list(triggers)
        for i in found.tolist():
            aux = self.doc[i]
            verb = aux.head
            if aux.dep_ != "aux" or verb.pos_ not in ("VERB", "AUX"):
                continue
            governor = demanded_by(verb)
            if governor is None:
                continue
            k = by_clause.get(verb.i)
            if k is not None:
                if out[k].sense.type in ("REQUEST", "THREATEN", "REJECT", "ACCUSE"):
                    continue  # already verbal: "must reject", "should condemn"
                out[k] = replace(out[k], sense=Sense("REQUEST", None, "10"), recast="demand",
                                 governor=governor)
            elif not any(t.clause.i == governor.i for t in out):
                out.append(Trigger(Sense("REQUEST", None, "10"), verb, verb, absorbed={verb.i},
                                   recast="demand", governor=governor))
        return sorted(out, key=lambda t: t.word.i)

    def as_intent(self, trig: Trigger) -> Trigger:
        """An act its own actor says it will do, is ready to do, or plans: a promise (AGREE)
        of a cooperative act, a threat (THREATEN) of a hostile one. On a condition: an act
        held out "unless" the other side gives way is a threat whatever the act (PLOVER
        codes threats to withdraw or halt involvement as THREATEN); "if" keeps the rule."""
        typ = trig.sense.type
        if trig.recast or typ not in PROMISE_TYPES and typ not in THREAT_TYPES:
            return trig
        verb = trig.clause
        if trig.nominal and verb.i == trig.word.i and verb.dep_ == "dobj":
            verb = verb.head  # "would tighten the blockade", "plans to impose a curfew"
        condition = conditional_commitment(verb)
        if condition is None and not stated_intent(verb):
            return trig
        threat = typ in THREAT_TYPES or condition == "unless"
        sense = Sense("THREATEN", trig.sense.mode if typ == "SANCTION" else None, "13") \
            if threat else Sense("AGREE", None, "03")
        return Trigger(sense, trig.word, trig.clause, trig.nominal, trig.absorbed)

    def drop_verbal_contents(self, triggers: list[Trigger]) -> list[Trigger]:
        """"threatened to strike", "agreed to cooperate": the to-clause is the content of the
        verbal act and no event of its own."""
        verbal = {t.clause.i for t in triggers if t.sense.type in VERBAL_TYPES}
        return [t for t in triggers if not (t.clause.dep_ == "xcomp" and t.clause.head.i in verbal)]

    def reread(self, triggers: list[Trigger], model: event_model.ClassModel) -> list[Trigger]:
        """The learned classifier's reading of each trigger's clause: where it puts the
        clause in another CAMEO class than the rule sense's, the trigger is re-read in the
        classifier's class (when it is at least even odds); a clause it reads as a statement
        is no event (its clause is kept in ``self.statement_clauses``, so the sentence's main
        clause reads as a statement). A denied act stays the act its words name, reported as
        denied. A
        sentence the rules find nothing in gets its root verb as trigger when the classifier
        is confident it is an act."""
        out: list[Trigger] = []
        lemmas = self.lemmas()
        for trig in triggers:
            rule_class = CLASSIFIER_CLASS.get(trig.sense.cameo, 0)
            probs = model.probabilities(self.trigger_features(trig))
            best = max(probs, key=probs.get)
            if best == rule_class or probs[best] < REREAD_CONFIDENCE or any(
                    c.dep_ == "neg" for c in trig.clause.children) or (
                    best == 2 and trig.sense.type == "MOBILIZE"
                    and not _destination_entity(trig.clause)):
                # a denied act stays the act its words name, reported as denied; forces
                # moved to a place (not to a party they help) are a show of force
                out.append(trig)
                continue
            sense = self.sense_in_class(trig, best)
            if sense is not None:
                out.append(Trigger(sense, trig.word, trig.clause, trig.nominal, trig.absorbed))
            else:
                self.statement_clauses.append(trig.clause)
        seen = {self.sent_of(t.word).start for t in triggers}
        for sent in self.doc.sents:
            root = sent.root
            if sent.start in seen or root.pos_ != "VERB" or len(sent) < 4 or any(
                    c.dep_ == "ccomp" for c in root.children):
                continue  # a report of speech states; what it reports has its own triggers
            probs = model.probabilities(event_model.clause_features(root, sent, None, None,
                                                                    lemmas))
            best = max(probs, key=probs.get)
            if best != 0 and probs[best] >= PROPOSE_CONFIDENCE:
                sense = self.sense_in_class(Trigger(CLASS_SENSES[best], root, root), best)
                out.append(Trigger(sense or CLASS_SENSES[best], root, root, absorbed={root.i}))
        return sorted(out, key=lambda t: t.word.i)

    def lemmas(self) -> list[str | None]:
        if self._lemmas is None:
            self._lemmas = event_model.content_lemmas(self.doc, self.doc_arrays())
        return self._lemmas

    def trigger_features(self, trig: Trigger) -> list[str]:
        """The classifier's features of a trigger's clause (the clause's own read once, the
        rule's type and class added)."""
        key = (trig.clause.i, trig.word.i)
        base = self._clause_features.get(key)
        if base is None:
            feats = event_model.clause_features(trig.clause, self.sent_of(trig.word), None,
                                                trig.word, self.lemmas())
            base = self._clause_features[key] = feats[:2] + feats[3:]  # less "rt=NONE"
        return [f"rt={trig.sense.type}",
                f"rc={CLASSIFIER_CLASS.get(trig.sense.cameo, 0)}"] + base

    def sense_in_class(self, trig: Trigger, cls: int) -> Sense | None:
        """A sense of class ``cls`` for a re-read trigger: a trigger word of that class in its
        clause (nearest first), else the class's default; None for a statement."""
        if trig.sense.type == "REQUEST" and cls in (0, 3):
            # an appeal (CAMEO 02) or a demand (10): a request either way
            return Sense("REQUEST", trig.sense.mode, "02" if cls == 0 else "10")
        if cls == 0:
            return None
        if cls == 2 and trig.sense.type == "MOBILIZE":
            return Sense("AID", trig.sense.mode, "07")  # forces sent to help: military aid
        anchor = trig.clause
        near = self.doc[max(anchor.left_edge.i, trig.word.i - 8):
                        min(anchor.right_edge.i + 1, trig.word.i + 9)]
        words = sorted(near, key=lambda t: abs(t.i - trig.word.i))
        for tok in words:
            lemma = tok.lemma_.lower()
            table = self.lex.verbs if tok.pos_ == "VERB" else self.lex.nouns \
                if tok.pos_ == "NOUN" else None
            sense = table.get(lemma) if table is not None else None
            if sense is not None and CLASSIFIER_CLASS.get(sense.cameo) == cls:
                return sense
        return CLASS_SENSES[cls]

    def read_rules(self, trig: Trigger) -> RuleReading:
        """The rules' arguments of a trigger, and the claim reporting it."""
        claim = self.claim_of(trig.word.idx)
        verb = trig.clause
        if trig.nominal and trig.word.i == verb.i:
            actor_heads = noun_actor(trig.word)
            if not actor_heads and verb.dep_ in ("dobj", "pobj"):
                actor_heads = []
        else:
            actor_heads = subject_of(verb)
            if not actor_heads and trig.sense.type == "MOBILIZE" and is_passive(verb):
                actor_heads = [c for c in verb.children if c.dep_ == "nsubjpass"]
        loose, strict = recipients_of(trig, self.lex)
        if trig.recast == "demand" and trig.governor is not None:
            # the speaker demands; who must act is the demand's recipient
            loose, strict = [h for h in actor_heads if h.lower_ not in ("we", "i")], []
            actor_heads = subject_of(trig.governor)
        rule_actors = self.entities(actor_heads, claim)
        rule_recipients = [e for e in self.entities(loose, claim)
                           + self.entities(strict, claim, True) if e not in rule_actors]
        # the reporter of a claim is not the actor of the event it reports, unless the
        # reported clause's own subject is the reporter ("X says it has seized ...")
        reporter = claim if claim is not None and not any(
            e.id == claim.source for e in rule_actors) and not self.reporter_acts(
                trig, claim) else None
        return RuleReading(trig, claim, actor_heads, loose, strict, rule_actors,
                           rule_recipients, reporter)

    def event(self, reading: RuleReading, tagged: list[tuple[str, event_model.Candidate]] | None
              ) -> Event | None:
        """The event of a trigger from the rules' reading and the tagger's phrases (None: no
        tagger in use)."""
        trig, claim, actor_heads = reading.trig, reading.claim, reading.actor_heads
        loose, strict = reading.loose, reading.strict
        rule_actors, rule_recipients = reading.rule_actors, reading.rule_recipients
        fallback: dict[str, list[Token]] = {"S": [], "T": []}
        if tagged is None:
            actors, recipients = rule_actors, rule_recipients
        else:
            # the tagger reads the rules' picks as features and decides which roles are
            # filled (cross-validated, its picks are right far more often than the rules'
            # where it leaves a role empty); a phrase of it naming no entity takes the
            # rules' entity whose head it holds. Where it leaves a role empty, a rule
            # argument whose head is itself a name still fills it.
            actors = self.tagged_entities(tagged, "SR", actor_heads, claim)
            recipients = [e for e in self.tagged_entities(tagged, "T", loose + strict, claim)
                          if e not in actors]
            if RULE_FALLBACK and not actors:
                # a rule argument that is a name, or the actor of an event noun ("riots by
                # Kurdish students": the tagger, trained mostly on verbs, seldom reads it)
                named = [h for h in actor_heads if self.entity(h, claim, True)]
                agents = [h for h in noun_actor(trig.word) if h not in named] \
                    if trig.nominal else []
                fallback["S"] = named + agents
                actors = self.entities(named, claim, True)
                actors += [e for e in self.entities(agents, claim) if e not in actors]
            if RULE_FALLBACK and not recipients:
                fallback["T"] = [h for h in loose + strict if self.entity(h, claim, True)
                                 and self.entity(h, claim, True) not in actors]
                recipients = [e for e in self.entities(fallback["T"], claim, True)
                              if e not in actors]
        recipients = [e for i, e in enumerate(recipients) if e not in recipients[:i]]
        lo, hi = self.clause_extent(trig)
        located = self.located_places(trig, lo, hi)
        if located:  # "marched in Tbilisi": where it happened, not whom it was done to
            recipients = [e for e in recipients
                          if not any((m.start, m.end) in located for m in e.mentions)]
        if trig.sense.type == "PROTEST" and trig.sense.mode == "demo" and not trig.nominal and \
                any(a.sector == "GOV" for a in actors):
            trig = Trigger(Sense("ACCUSE", "disapprove", "11"), trig.word, trig.clause, False)
        if not actors and not recipients and not self.keep_bare:
            return None  # an event with nobody attached says too little to count
        place = self.place_of(trig, lo, hi, actors + recipients)
        time = self.time_of(trig, lo, hi)
        size, dead, injured = self.amounts(trig, lo, hi)
        mod = self.modality_of(trig, claim)
        time_value, basis = self.when(time, claim)
        if mod == modality.ASSERTED and self.is_historical(time):
            mod = "historical"
        word = trig.word
        sent = self.sent_of(word)
        self.arguments.append(self.argument_spans(trig, actor_heads, loose + strict, tagged,
                                                  claim, fallback))
        found = sum(bool(x) for x in (actors, recipients, place, time))
        return Event(
            **self.ctx.span(word.idx, word.idx + len(word)),
            type=trig.sense.type, mode=trig.sense.mode, contexts=self.contexts(sent, actors),
            cameo=trig.sense.cameo, actors=[e.id for e in actors],
            recipients=[e.id for e in recipients], place=place.id if place else None,
            time=time.id if time else None, time_value=time_value, time_basis=basis,
            size=size.id if size else None, dead=dead.id if dead else None,
            injured=injured.id if injured else None, modality=mod,
            claim=claim.id if claim else None, sentence_text=sent.text.strip(),
            confidence=round(min(0.95, 0.35 + 0.2 * bool(actors) + 0.15 * bool(recipients)
                                 + 0.05 * found + (0.05 if not trig.nominal else 0)), 2))

    def reporter_acts(self, trig: Trigger, claim: Claim) -> bool:
        """Whether the claim's source acts in the event it reports: the nearest subject on
        the way from the trigger's clause up through the claim's content is the source itself
        or a personal pronoun ("X says it has seized ...", "X said they will not end the
        strike"), or no clause of the content on that way has a subject of its own (the
        source's own statement or decision: "X issued a statement calling on ...", "X declared
        a state of siege")."""
        node = trig.clause
        for _ in range(4):
            inside = claim.start <= node.idx < claim.end
            if not inside and node.i != trig.clause.i:
                return True  # left the content with no subject met
            subjects = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subjects:  # the trigger's own clause may be the cue's: "X declared a ceasefire"
                return any(_speaker_pronoun(s) or _in_source(s, claim) for s in subjects) or (
                    claim.source is not None and any(
                        e.id == claim.source for e in self.entities(subjects, claim)))
            if not inside or node.head.i == node.i:
                return inside
            node = node.head
        return False

    def tagged_entities(self, tagged: list[tuple[str, event_model.Candidate]], roles: str,
                        rule_heads: list[Token], claim: Claim | None) -> list[Entity]:
        out: list[Entity] = []
        for role, cand in tagged:
            if role not in roles:
                continue
            found = self.entities([cand.head], claim) or self.entities(
                [h for h in rule_heads if cand.start <= h.i < cand.end], claim)
            out += [e for e in found if e not in out]
        return out

    def tag_arguments(self, trig: Trigger, actor_heads: list[Token],
                      recipient_heads: list[Token], reporter: Claim | None = None
                      ) -> list[tuple[str, event_model.Candidate]] | None:
        """The learned tagger's source/target/reciprocal phrases of the trigger's sentence, or
        None when no tagger is in use (:meth:`tag_all` for one trigger)."""
        return self.tag_all([(trig, actor_heads, recipient_heads, reporter)])[0]

    def tag_all(self, jobs: list[tuple[Trigger, list[Token], list[Token], Claim | None]]
                ) -> list[list[tuple[str, event_model.Candidate]] | None]:
        """Per (trigger, rule actor heads, rule recipient heads, reporter): the tagger's
        phrases, or None when no tagger is in use. All the triggers of a doc are scored in
        one pass; the candidates of a sentence are built once. Never the words naming who
        reports the event or the reporting verb: the reporter of an event is not its actor
        ("Pyongyang sent troops, the Pentagon said")."""
        model = event_model.current_args()
        if model is None or not jobs:
            return [None] * len(jobs)
        self.doc_arrays()
        sents = {(s := self.sent_of(t.word)).start: s for t, *_ in jobs}
        new = [s for start, s in sents.items() if start not in self._candidates]
        if new:  # the candidates of all these sentences, found together
            found = event_model.DocCandidates(self._arrays, new)
            self._candidates.update((s.start, found) for s in new)
        out: list[list[tuple[str, event_model.Candidate]] | None] = [None] * len(jobs)
        by_batch: dict[int, list[int]] = {}
        for k, (trig, *_rest) in enumerate(jobs):
            by_batch.setdefault(id(self._candidates[self.sent_of(trig.word).start]),
                                []).append(k)
        for ks in by_batch.values():
            batch = self._candidates[self.sent_of(jobs[ks[0]][0].word).start]
            todo = []
            for k in ks:
                trig, actor_heads, recipient_heads, reporter = jobs[k]
                blocked = [] if not EXCLUDE_REPORTER or reporter is None else [
                    (s, e) for s, e in ((reporter.source_start, reporter.source_end),
                                        (reporter.cue_start, reporter.cue_end))
                    if s is not None and e is not None]
                todo.append((self.sent_of(trig.word).start, event_model.EventView.of(
                    trig.clause, trig.word, trig.sense.type, {h.i for h in actor_heads},
                    {h.i for h in recipient_heads}), blocked))
            for k, picked in zip(ks, event_model.tag_events(model, self._arrays, batch, todo)):
                out[k] = picked
        return out

    def statement_arguments(self, sent: Span) -> Arguments | None:
        """Who speaks to or of whom in a sentence with no event (read as a statement): the
        tagger's phrases around the root verb; None without a tagger. Scoring only: a
        statement is no PLOVER event, and the claims extractor reports who said it."""
        root = sent.root
        trig = Trigger(Sense("NONE", None, "01"), root, root)
        tagged = self.tag_arguments(trig, [], [])
        if tagged is None:
            return None
        spans = [(r, c.start, c.end) for r, c in tagged]
        return Arguments(spans, root, root, "NONE", [], [], spans)

    def argument_spans(self, trig: Trigger, actor_heads: list[Token],
                       recipient_heads: list[Token], tagged, claim: Claim | None,
                       fallback: dict[str, list[Token]] | None = None) -> Arguments:
        """The phrases the event's actors and recipients were read from: the tagger's when
        it is in use (and the rules' names that fill a role it left empty), else the
        rules'."""
        doc = trig.word.doc
        own = [(r, c.start, _closed(doc, c.start, c.end)) for r, c in tagged or []]
        if tagged is not None:
            # a phrase that leaves out its head's conjuncts ("the UK" of "the UK and France",
            # "Iraq" of "Libya and Iraq") stands for each of them: the event's actors are
            # read so (``entities``)
            conjoined = [(r, *phrase(t)) for r, c in tagged or []
                         for t in _with_conjuncts(c.head)[1:]
                         if (t.i >= c.end or t.i < c.start) and t.pos_ in _CONJOINED_POS]
            extra = [x for x in conjoined if x not in own] + \
                [("S", *phrase(h)) for h in (fallback or {}).get("S", [])] + \
                [("T", *phrase(h)) for h in (fallback or {}).get("T", [])]
            return Arguments(own + extra, trig.clause, trig.word, trig.sense.type, actor_heads,
                             recipient_heads, own)
        heads = [h for h in actor_heads if self.entity(h, claim) is not None] or actor_heads
        role = "R" if trig.sense.type in SYMMETRIC and len(heads) > 1 and \
            not recipient_heads else "S"
        spans = [(role, *phrase(h)) for h in heads] + [("T", *phrase(h))
                                                       for h in recipient_heads]
        return Arguments(spans, trig.clause, trig.word, trig.sense.type, actor_heads,
                         recipient_heads, own)

    def when(self, time: Time | None, claim: Claim | None) -> tuple[str | None, str | None]:
        if time is not None:
            return time.value, "text"
        if claim is not None and claim.said_on:
            return claim.said_on, "claim"
        if self.ctx.published:
            return self.ctx.published.isoformat(), "published"
        return None, None

    def is_historical(self, time: Time | None) -> bool:
        if time is None or self.ctx.published is None:
            return False
        until = time.until
        if until is None and time.value[:4].isdigit():
            until = f"{int(time.value[:4]) + 1}-01-01"
        try:
            return until is not None and (self.ctx.published
                                          - date.fromisoformat(until[:10])).days > HISTORICAL_DAYS
        except ValueError:
            return False

    def contexts(self, sent: Span, actors: list[Entity]) -> list[str]:
        found = self._contexts.get(sent.start)
        if found is None:
            found = self._contexts[sent.start] = {
                self.lex.contexts[t.lemma_.lower()] for t in sent
                if t.lemma_.lower() in self.lex.contexts}
        found = set(found)
        if any(a.sector == "MIL" for a in actors):
            found.add("military")
        return sorted(found)

    def conditional_threats(self, events: list[Event]) -> list[Event]:
        """A speaker's "if you do X, Y will happen to you" where Y is force or a consequence:
        a THREATEN event of the speaker against the if-clause's subject."""
        out: list[Event] = []
        have = {(e.start, e.type) for e in events}
        for claim in self.claims:
            if claim.modality != modality.CONDITIONAL or not claim.source:
                continue
            span = self.ctx.char_span(claim.start, claim.end)
            if span is None:
                continue
            for head in modality.roots(span):
                cond = [c for c in head.children if c.dep_ == "advcl" and any(
                    g.dep_ == "mark" and g.lower_ in ("if", "unless") for g in c.children)]
                if not cond:
                    continue
                words = [head, *[c for c in head.children if c.dep_ in OBJECT_DEPS + ("xcomp",)]]
                word = next((w for w in words if w.lemma_.lower() in self.lex.consequences), None)
                if word is None or (word.idx, "THREATEN") in have:
                    continue
                speaker = self.entity_by_id.get(claim.source)
                targets = self.entities([c for c in cond[0].children
                                         if c.dep_ in ("nsubj", "nsubjpass")], claim)
                trig = Trigger(Sense("THREATEN", None, "13"), word, head)
                time_value, basis = self.when(None, claim)
                cond_subjects = [c for c in cond[0].children if c.dep_ in ("nsubj", "nsubjpass")]
                self.arguments.append(Arguments([("T", *phrase(c)) for c in cond_subjects],
                                                head, word, "THREATEN", [], cond_subjects))
                out.append(Event(
                    **self.ctx.span(word.idx, word.idx + len(word)), type="THREATEN",
                    cameo="13", actors=[speaker.id] if speaker else [],
                    recipients=[e.id for e in targets if e is not speaker],
                    place=None, time=None, time_value=time_value, time_basis=basis,
                    modality=modality.CONDITIONAL, claim=claim.id,
                    sentence_text=self.sent_of(word).text.strip(),
                    contexts=self.contexts(self.sent_of(word), [speaker] if speaker else []),
                    confidence=0.6 if targets else 0.45))
        return out


SPEAKER_PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i", "his", "her", "its",
                              "their", "our", "my"})


def _speaker_pronoun(subject: Token) -> bool:
    """A subject that is a personal pronoun or an NP it owns ("his country", "its forces"):
    said of the speaker's own side, the speaker is one of its parties."""
    return subject.lower_ in SPEAKER_PRONOUNS or any(
        c.dep_ == "poss" and c.lower_ in SPEAKER_PRONOUNS for c in subject.children)


def _in_source(tok: Token, claim: Claim) -> bool:
    return claim.source_start is not None and claim.source_end is not None and \
        claim.source_start <= tok.idx < claim.source_end


def refused(verb: Token) -> bool:
    """Whether ``verb``'s clause says its subject will not do it ("will not accept", "won't
    meet") or failed or refused to ("failed to reach agreement")."""
    children = list(verb.children)
    if any(c.dep_ == "neg" for c in children) and any(
            c.dep_ == "aux" and c.lower_ in INTENT_AUX | {"wo"} for c in children):
        return True
    return verb.dep_ == "xcomp" and verb.head.lemma_.lower() in REFUSING


def demanded_by(verb: Token) -> Token | None:
    """The speech verb (or noun: "a reminder that") whose content says that ``verb``'s
    subject must or should act, when the speaker is not that subject; else None."""
    if verb.dep_ not in ("ccomp", "acl", "conj") or any(
            c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in verb.children):
        return None
    head = verb.head
    if verb.dep_ == "conj":
        return None
    if head.lemma_.lower() not in SPEECH_HEADS:
        return None
    doer = {c.lower_ for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")}
    if not doer or doer & {"we", "i", "he", "she"}:
        return None  # no one named, or the speaker's own duty ("he said he must go")
    return head


def stated_intent(verb: Token) -> bool:
    """Whether ``verb``'s clause states its subject's intent: "will/would X" (not inside an
    if-clause or one with an if-clause), or "is ready/prepared/willing to X", "plans/vows to
    X" with the same subject."""
    if verb.pos_ != "VERB" or modality.of_head(verb) == modality.CONDITIONAL:
        return False
    if any(c.dep_ == "aux" and c.lower_ in INTENT_AUX for c in verb.children) and \
            any(c.dep_ in ("nsubj",) for c in verb.children):
        return True
    if verb.dep_ == "xcomp" or verb.dep_ == "advcl" and any(
            c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        head = verb.head
        if head.lemma_.lower() in INTENT_HEADS and modality.of_head(head) != \
                modality.CONDITIONAL:
            return True
    return False


CONDITIONAL_AUX = INTENT_AUX | {"may", "might", "could"}


def conditional_commitment(verb: Token) -> str | None:
    """"unless" or "if" where ``verb``'s clause is its subject's future act on a condition
    ("will withdraw its force unless ...", "may halt mediation if ...", "would meet him if
    ...", "is willing to send aid if ..."): the condition's word, else None. The act inside
    the condition is no commitment."""
    if verb.pos_ != "VERB":
        return None
    heads = [verb]
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in INTENT_HEADS:
        heads.append(verb.head)
    elif not any(c.dep_ == "aux" and c.lower_ in CONDITIONAL_AUX for c in verb.children):
        return None
    for head in heads:
        for c in head.children:
            if c.dep_ != "advcl":
                continue
            mark = next((g.lower_ for g in c.children if g.dep_ == "mark"
                         and g.lower_ in ("if", "unless")), None)
            if mark is not None:
                return mark
    return None


def _expects_it_yet(head: Token) -> bool:
    """"We have not yet seen X, but we expect that to happen": not yet, and expected."""
    if not any(c.lower_ == "yet" for c in head.children):
        return False
    return any(c.dep_ == "conj" and c.lemma_.lower() in ("expect", "anticipate", "predict")
               for c in head.children)


def extract_events(ctx: Context) -> list[Event]:
    return EventFinder(ctx, lexicon()).run()


@registry.register("events")
def make_events(settings) -> "callable":
    lexicon()
    # the learned models are read (and the tagger keyed) here, once, not by the first article
    event_model.shipped_model()
    args = event_model.shipped_args()
    if args is not None:
        event_model.compiled(args)
    return extract_events
