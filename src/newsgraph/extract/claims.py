"""Claims: who says what, when they said it, and how firmly.

Three kinds, in this order of precedence:

* ``quote``: direct speech between quotation marks ("...", “...”, ‘...’), including quotes split
  by their cue ("“Make no mistake,” he added. “If ...”"), quotes running over several paragraphs
  and quotes whose speaker was named earlier (a speaker's turn continues until another speaks);
* ``reported``: indirect speech and attributed findings, read off the dependency parse: a cue verb
  ("said", "found", "accused") with its clausal complement as content and its subject as source,
  "according to X", and "an analysis by X found that ...";
* ``unattributed``: a sentence that nobody is said to say but that predicts, hedges, counts or
  ranks ("This measure is likely to be approved"), which a fact-checker wants sourced.

A small learned layer (:mod:`newsgraph.extract.claim_model`, weights trained on an attribution
corpus's training split) adds reported claims where a cue of the lexicon is used in a way the
rules do not read (only with a speaker it finds: a cue without one says nothing an analyst can
use), picks a source where the rules find none, and drops rule cues it is sure are no
attribution; the rules' claims, quotes and pronoun resolution stay as they are. Corpora also
mark verbs of action as cues; those stay events here, not claims.

Speakers resolve to the entities the actors extractor found; pronouns ("he", "they", "it") to
the nearest compatible earlier speaker or entity (there is no coreference model to install, so
this module does the little resolution claims need). All scans are linear in the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

import numpy as np
from spacy.attrs import HEAD, LEMMA, LOWER, POS, TAG
from spacy.symbols import AUX, VERB
from spacy.strings import hash_string
from spacy.tokens import Doc, Span, Token

from .. import modality
from ..record import Claim, Entity
from . import Context, actors, claim_model, registry

_LEX = modality.lexicon()
SPEECH = _LEX["speech"]
FINDING = _LEX["finding"]
COGNITION = _LEX["cognition"]
# "the ruling rattled investors": the object feels it about the subject (see experiencer)
EMOTION_VERBS = _LEX["emotion_verbs"]
STANCE = _LEX["stance"] | EMOTION_VERBS
INTENT = _LEX["intent"]
CUES = SPEECH | FINDING | COGNITION | STANCE | INTENT
# Children of a stance verb that carry what is held or said ("called the show a joke",
# "called for talks", "accused Russia of supplying").
_OBJECT_DEPS = frozenset({"dobj", "oprd", "xcomp", "ccomp", "dative", "attr"})
_LOOKS_FORWARD = frozenset({"expect", "predict", "forecast", "anticipate", "plan", "intend",
                            "hope", "want", "aim", "vow", "pledge", "promise", "threaten",
                            "prepare", "project"})
# Later children of a cue that continue its content.
_GOES_ON = frozenset({"prep", "advcl", "dobj", "oprd", "xcomp", "ccomp", "attr", "acomp",
                      "dative", "npadvmod", "advmod"})
_OBJECT_PREPS = frozenset({"for", "of", "on", "about", "against", "as", "to", "that"})
NEEDS_CLAUSE = _LEX["needs_clause"]
# Cues whose object is what is said or thought ("announced a ceasefire", "believes the
# story"), and those whose object is who is addressed ("told reporters").
_SAYING = SPEECH | FINDING | COGNITION
_ADDRESSING = frozenset({"tell", "ask", "inform", "brief", "urge", "warn", "call", "see", "hear",
                         "know"})
# Cue verbs whose object is not what is said: "charged the campaign $3.7 million", "boasts a
# 45-point lead", "threatens national security" (said only with a clause: "charged that ...",
# "boasted that ...", "threatened to leave").
_OBJECT_NOT_SAID = frozenset({"charge", "boast", "threaten"})
NOMINAL_SOURCES = _LEX["nominal_sources"]
# Sources that measure a standing, read after the clause too: "leads by nine points in the poll"
STANDING_SOURCES = _LEX["standing_sources"]
STANDING_WORDS = _LEX["standing_words"]  # "leads", "trails", "approval": a standing is read
# Nouns that name something said or held, with its holder ("his claim that", "her view of").
NOMINAL_CUES = _LEX["nominal_cues"]
_NOMINAL_PREPS = frozenset({"of", "about", "on", "against", "for", "to", "behind"})
# Verbs whose subject is what is said, by nobody named: "X seems to ...", "it appears that ...",
# and passives without an agent: "X is expected to ...", "it was revealed that ...".
SOURCELESS = _LEX["sourceless"]
# the verb a noun of that list makes a cue: "made the case that", "took a swipe at"
LIGHT_VERBS = {"make": _LEX["light_verb_nouns"], "take": _LEX["take_nouns"]}
# What a light verb's noun is about when no clause follows: "took a swipe at X"
_LIGHT_PREPS = frozenset({"at", "with", "to", "on", "against", "over", "for", "of", "about"})
FIGURE_VERBS, FIGURE_NOUNS = _LEX["figure_verbs"], _LEX["figure_nouns"]  # "put the toll at 43"
HOLDING_VERBS = _LEX["holding_verbs"]  # "voiced support for": the subject holds the noun's claim
# "issued a statement saying": the subject of the verb that puts out the words is their source
MEDIA_NOUNS, ISSUING_VERBS = _LEX["media_nouns"], _LEX["issuing_verbs"]
# "drew criticism from X", "won the endorsement of X": X holds it, the subject is its object
RECEIVING_VERBS, RECEIVING_NOUNS = _LEX["receiving_verbs"], _LEX["receiving_nouns"]
OCCASION_NOUNS = _LEX["occasion_nouns"]  # "made an attempt ..., writing that": the maker writes
_GIVERS = frozenset({"from", "of", "among", "by"})
# "officials are worried that ...": adjective -> the prepositions that take what it is about
STANCE_ADJECTIVES: dict[str, frozenset[str]] = {
    w: frozenset(preps) for w, preps in modality.lexicon_data()["stance_adjectives"].items()}
# What a phrasal cue is about besides a stance verb's objects: "fired back at", "hit out over"
_PHRASAL_PREPS = frozenset({"at", "over", "against", "into", "in", "with"})
# "fired back at", "lashed out at": verb -> the particles that make it a cue
PHRASAL_CUES: dict[str, frozenset[str]] = {
    w: frozenset(parts) for w, parts in modality.lexicon_data()["phrasal_cues"].items()}
# Verbs that link a subject to an adjective of stance ("is", "remains", "grew", "seems").
_LINKING = frozenset({"be", "remain", "become", "grow", "seem", "appear", "feel", "stay",
                      "sound", "get", "look"})
LINE_LABELS = frozenset(_LEX["line_labels"])
QUOTE_CUES = _LEX["quote_cues"]  # cues only beside a direct quote
# A line "Label: what is said" (the label short, the rest a clause).
# a dash and a capitalised name of at most six words ending its line, right after a quote
_SIGNED = re.compile(r"[ \t\u00a0]*(―|—|–|--)[ \t\u00a0]*([A-Z][^\n―—–]{1,60}?)[ \t\u00a0.]*$",
                     re.M)
# a speaker label as transcripts write it: one to three words in capitals ("WALLACE",
# "MR. PENCE", "SEN. WARREN")
_SPEAKER_LABEL = re.compile(r"[A-Z][A-Z'’.\-]+(?: [A-Z][A-Z'’.\-]+){0,2}")
_LABEL_AT = re.compile(r"(" + _SPEAKER_LABEL.pattern + r"):[ \t]+(?=\S)")
_LABELLED_LINE = re.compile(r"(?m)^[ \t]*([^\n:\"“”]{2,60}?)[ \t]*:[ \t]+([^\n]{10,})$")
SOURCELESS_PASSIVE = _LEX["sourceless_passive"]
_SOURCELESS_COMPLEMENTS = frozenset({"xcomp", "ccomp", "acomp", "oprd", "attr"})

_PERSONAL = {"he": "PERSON", "him": "PERSON", "his": "PERSON", "she": "PERSON",
             "her": "PERSON", "they": "GROUP", "them": "GROUP", "their": "GROUP",
             "it": "THING", "its": "THING"}
_FIRST_PERSON = frozenset({"i", "we", "me", "us", "my", "our"})
# Sentences of an earlier speaker's turn that a cue-less quote may continue.
TURN_SENTENCES = 4
# At most this many words between a quote and its cue for the words alone to name the speaker.
SPEAKER_AFTER_WORDS = 24
SPEAKER_AFTER_NAME = 30  # words of a name with its apposition after "said" (speaker_after_cue)
MAX_NAME_BEFORE = 40  # words of a lost subject's apposition before its cue (name_before)
# Verbs that with "back" answer in words: "“...,” Trump shot back".
_RETORTS = frozenset({"shoot", "fire", "hit", "snap", "push"})
# A name and a colon ending the text before a quote's opening mark, at a line's start, after a
# dash or bullet, or after a sentence's end.
_LABEL_BEFORE = re.compile(
    r"(?:^|[-–—•|]\s+|[.!?]\s+)([A-Z](?:(?!\s[-–—•|]\s)[^\n:“”\"]){0,60}?)\s*:\s*$", re.M)
# Short quotes inside a sentence ("go into battle “in the coming days,”") are part of the
# sentence's reported claim, not direct speech of their own.
MIN_QUOTE_WORDS = 4


@dataclass
class Quote:
    start: int  # first character inside the marks
    end: int  # just before the closing mark (or the paragraph's end when unclosed)
    open_mark: int  # offset of the opening mark
    continues: bool = False  # continues a quote from the previous paragraph


# --- finding quotation marks --------------------------------------------------------------------

# Two apostrophes ('') stand for a double quotation mark in some archives' plain text.
_MARKS = re.compile(r"''|[\"“”„«»]|(?<![\w])‘|’(?![\w])|\n[ \t]*\n")


_CLOSING = frozenset('"”»’')
_QUOTE_MARKS = frozenset(['"', "“", "”", "„", "«", "»", "''", "``"])


def find_quotes(text: str) -> list[Quote]:
    """Quoted passages, in order. Double quotes pair within a paragraph; an unclosed quote
    ends with its paragraph and, when the next paragraph opens with a quotation mark, continues
    there (the news convention for speech over several paragraphs). Single curly quotes count
    only outside double ones, so a quote inside a quote stays part of its outer quote."""
    quotes: list[Quote] = []
    open_at: int | None = None
    single_at: int | None = None
    carry = False  # the previous paragraph ended inside a quote
    for m in _MARKS.finditer(text):
        mark, pos = m.group(), m.start()
        if mark[0] == "\n":  # paragraph break
            if open_at is not None:
                inside = _inside(text, open_at)
                quotes.append(Quote(inside, _rstrip(text, inside, pos), open_at, carry))
                nxt = text[m.end():m.end() + 3].lstrip()
                carry = nxt[:1] in ("“", '"', "«") or nxt.startswith("''")
            else:
                carry = False
            open_at = single_at = None
            continue
        if mark == "“" and open_at is not None and _closes_after_word(text, pos):
            # an opening mark typed for a closing one: “It's unusual,“ said Noble
            quotes.append(Quote(_inside(text, open_at), pos, open_at, carry))
            carry = False
            open_at = None
        elif mark in "“„«":
            if open_at is None:
                open_at = pos
            # a second opening mark inside an open quote: the first was never closed; keep it
        elif mark == "”" and open_at is None and _opens_paragraph(text, pos):
            open_at = pos  # a closing mark typed for an opening one: ”Fear. I am ...
        elif mark in "”»":
            if open_at is not None:
                quotes.append(Quote(_inside(text, open_at), pos, open_at, carry))
                carry = False
                open_at = None
        elif mark in ('"', "''"):
            if open_at is None:
                open_at = pos
            else:
                quotes.append(Quote(_inside(text, open_at), pos, open_at, carry))
                carry = False
                open_at = None
        elif open_at is None:  # single curly quotes
            if mark == "‘":
                single_at = pos
            elif single_at is not None and pos - single_at > 1:
                quotes.append(Quote(single_at + 1, pos, single_at, False))
                single_at = None
    if open_at is not None:
        inside = _inside(text, open_at)
        quotes.append(Quote(inside, _rstrip(text, inside, len(text)), open_at, carry))
    return [q for q in quotes if q.end > q.start]


def _opens_paragraph(text: str, pos: int) -> bool:
    """Whether the mark at ``pos`` starts its line and a word follows it. (Only the blanks
    before it are read: a stray mark deep in a long line costs no scan back to its start.)"""
    k = pos - 1
    while k >= 0 and text[k] in " \t\r\u00a0":
        k -= 1
    return (k < 0 or text[k] == "\n") and text[pos + 1:pos + 2].isalnum()


def _closes_after_word(text: str, pos: int) -> bool:
    """Whether a mark at ``pos`` stands where only a closing one can: right after a word or
    its punctuation, and before a space, a line's end or the text's end."""
    return pos > 0 and not text[pos - 1].isspace() and text[pos - 1] not in "([{—–-" and (
        pos + 1 >= len(text) or text[pos + 1].isspace())


def _inside(text: str, open_mark: int) -> int:
    """The first character inside a quote opened at ``open_mark``."""
    return open_mark + (2 if text.startswith("''", open_mark) else 1)


def closing_end(text: str, q: Quote) -> int:
    """Just past a quote's closing mark, or its end when it has none."""
    if text.startswith("''", q.end):
        return q.end + 2
    return q.end + 1 if q.end < len(text) and text[q.end] in _CLOSING else q.end


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


# --- the entities a claim can be attributed to --------------------------------------------------


class MentionIndex:
    """Entity mentions by offset, to find the entity named by a span of text."""

    def __init__(self, entities: list[Entity]):
        rows = sorted((m.start, m.end, e) for e in entities for m in e.mentions)
        self.starts = [r[0] for r in rows]
        self.rows = rows

    def within(self, start: int, end: int) -> list[tuple[int, int, Entity]]:
        lo = bisect_left(self.starts, start)
        hi = bisect_left(self.starts, end)
        return [r for r in self.rows[lo:hi] if r[1] <= end]

    def before(self, pos: int, floor: int) -> list[tuple[int, int, Entity]]:
        """Mentions that end before ``pos`` and start after ``floor``, nearest first."""
        hi = bisect_right(self.starts, pos)
        lo = bisect_left(self.starts, floor)
        return [r for r in reversed(self.rows[lo:hi]) if r[1] <= pos]


# Tokens a source phrase never reaches back across: a dateline's dash, a quote's close.
_DASHES = frozenset({"—", "–", "--"})
_BREAKS = _DASHES | {"”", "’’", "''", "»", ")"}


def _is_group(e: Entity) -> bool:
    return e.type in ("NORP", "ORG") or (e.type != "PERSON" and e.name.endswith("s"))


def _compatible(e: Entity, kind: str) -> bool:
    if kind == "PERSON":
        return e.type == "PERSON"
    if kind == "GROUP":
        return e.type in ("NORP", "ORG", "GPE")
    return e.type in ("ORG", "GPE", "NORP")


class ItemsByOffset:
    """Items of one record list (times, quantities ...) found by the span they lie in."""

    def __init__(self, items: list):
        self.items = sorted(items, key=lambda it: it.start)
        self.starts = [it.start for it in self.items]

    def within(self, start: int, end: int) -> list:
        lo, hi = bisect_left(self.starts, start), bisect_left(self.starts, end)
        return [it for it in self.items[lo:hi] if it.end <= end]

    def ids(self, start: int, end: int) -> list[str]:
        return [it.id for it in self.within(start, end)]


# --- the extractor ------------------------------------------------------------------------------


@dataclass
class Attribution:
    """A cue with its source, before it becomes a claim."""

    cue: list[Token]
    source: Span | None
    entity: Entity | None

    def __post_init__(self) -> None:
        # Markup left in a text ('<tweet author="X" id="1">...') parses as words, and its
        # tags and attributes as somebody's name; they never name a speaker.
        if self.source is not None and _MARKUP.search(self.source.text):
            self.source, self.entity = None, None


class ClaimFinder:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.doc: Doc = ctx.doc
        self.text = ctx.text
        self.mentions = MentionIndex(ctx.record.entities)
        self.quotes = find_quotes(self.text)
        self.quote_starts = [q.open_mark for q in self.quotes]
        self.speakers: list[tuple[int, Entity]] = []  # (offset, entity) of each resolved source
        self._lemmas: np.ndarray | None = None  # lemma hashes, read with the rule candidates
        self._heads: np.ndarray | None = None  # absolute head index of each token
        self._verbal: np.ndarray | None = None  # whether each token is a VERB or AUX
        self.inside = {name: ItemsByOffset(getattr(ctx.record, name))
                       for name in ("times", "quantities", "places")}

    # -- helpers --

    def quote_at(self, char: int) -> Quote | None:
        i = bisect_right(self.quote_starts, char) - 1
        if i >= 0:
            q = self.quotes[i]
            if q.open_mark <= char <= q.end:
                return q
        return None

    def span_of(self, tokens: list[Token]) -> Span:
        return self.doc[min(t.i for t in tokens):max(t.i for t in tokens) + 1]

    def resolve(self, source: Span, pos: int) -> Entity | None:
        """The entity a source phrase names, or a pronoun refers to."""
        head = source.root
        if head.lower_ in _PERSONAL and len(source) == 1:
            return self.antecedent(_PERSONAL[head.lower_], pos, head)
        if head.lower_ in _RELATIVE and len(source) == 1 and head.head.dep_ == "relcl":
            # "Smith, who backed ...": the noun the relative clause hangs off
            noun = head.head.head
            source = self.doc[noun.left_edge.i:noun.i + 1]
            head = noun
        rows = self.mentions.within(source.start_char, source.end_char)
        if not rows:
            return None
        # The mention holding the phrase's head, else the last one (the head noun comes last).
        for s, e, ent in rows:
            if s <= head.idx < e:
                return ent
        return rows[-1][2]

    def antecedent(self, kind: str, pos: int, pronoun: Token | None = None) -> Entity | None:
        """The entity a pronoun refers to. "it" and "they" in a clause hanging off the
        sentence's main clause ("The ministry ..., which it says ...") first look at that main
        clause's subject; then the latest compatible speaker; then the nearest mention."""
        if pronoun is not None and kind != "PERSON":
            root = pronoun.sent.root
            subj = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subj and subj[0].i < pronoun.i and pronoun.head != root:
                phrase = self.doc[subj[0].left_edge.i:subj[0].i + 1]
                rows = self.mentions.within(phrase.start_char, phrase.end_char)
                for _s, _e, ent in reversed(rows):
                    if _compatible(ent, kind):
                        return ent
        sent = self.ctx.sentences.index(pos)
        floor = self.ctx.sentences[max(0, sent - TURN_SENTENCES)].start_char
        for off, ent in reversed(self.speakers):
            if off < floor:
                break
            if off < pos and _compatible(ent, kind):
                return ent
        for _s, _e, ent in self.mentions.before(pos, floor):
            if _compatible(ent, kind):
                return ent
        return None

    def source_phrase(self, cue: Token, depth: int = 0) -> Span | None:
        """The words naming who says it: the cue's subject (or passive agent) phrase."""
        subj = agent = None
        feeling = lemma_of(cue) in _FEELING and cue.tag_ == "VBN"
        for child in cue.children:
            if child.dep_ in ("nsubj", "csubj") or feeling and child.dep_ == "nsubjpass":
                subj = child
            elif child.dep_ == "agent" and depth == 0 and not feeling:
                # (a verb's agent is its own: "Courted by X and expected to win" is no
                # expectation of X's)
                pobj = [c for c in child.children if c.dep_ == "pobj"]
                if pobj:
                    agent = pobj[0]
        # an active verb with a subject has no agent: "acknowledged as much in an article
        # Monday by Patrick Healy" (the parser hung the byline on the verb)
        subj = subj or agent
        if subj is None and lemma_of(cue) in _EXPERIENCER_OBJECT and cue.tag_ == "VBN":
            # "Not everyone is convinced the issue will ...": the convinced hold the view
            subj = next((c for c in cue.children if c.dep_ == "nsubjpass"), None)
        if subj is None:
            return self.inherited_source(cue, depth)
        if subj.tag_ == "WDT" and cue.dep_ == "relcl":
            # "released data Monday that suggest ...": "that" is the data, put out by someone
            issuer = self.issuer(cue.head, depth)
            if issuer is not None:
                return issuer
        # "An analysis by X found": the phrase stays whole (it is what names the source);
        # resolve() finds X inside it, as the head noun is no entity.
        return self.with_company(self.subject_words(subj, cue), cue)

    def with_company(self, source: Span, cue: Token) -> Span:
        """A source with the others named beside it between commas, which the parser hangs
        on the verb: "Fields, along with Washington Post reporter Ben Terris, say ...",
        "Democratic economists, like their Republican counterparts, say ..."."""
        doc = self.doc
        for child in cue.children:
            if child.dep_ == "prep" and child.lower_ in _COMPANY and child.i < cue.i and \
                    source.end == child.left_edge.i - 1 and doc[source.end].text == ",":
                right = child.right_edge.i
                while right > child.i and doc[right].is_punct:
                    right -= 1
                if right + 1 == cue.i or doc[right + 1].text == "," and right + 2 <= cue.i:
                    return doc[source.start:right + 1]
        return source

    def name_before(self, cue: Token) -> Span | None:
        """The subject the parser lost: "Jeffrey Salkin, a Hollywood, Fla., rabbi helping to
        organize the boycott, said ..." (parsed with "rabbi" as a verb), "As part of his plea,
        Marcel Lazar, 44, said ...", "Campaigning for his wife, former president Bill Clinton
        said ...", "About 4 in 10 say ...". A saying verb with no subject takes the words
        before it (less its own auxiliaries and modifiers, and a comma that sets them off),
        from the sentence's start or its first comma, when they are a noun phrase that names
        someone or counts people: no finite verb outside a relative clause."""
        doc, sent = self.doc, cue.sent
        # a sentence left without a verb: the parser made the cue a relative clause of the
        # name ("Speaker Paul D. Ryan, the ..., on Tuesday called ...")
        fragment = (cue.dep_ == "relcl" or cue.dep_ == "acl" and cue.i > 0 and
                    self.doc[cue.i - 1].text == "," and cue.tag_ in ("VBD", "VBN")) and \
            cue.head.dep_ == "ROOT" and \
            cue.head.pos_ in ("PROPN", "NOUN") and not any(
                c.tag_ in ("WP", "WDT") or c.dep_ == "mark" for c in cue.children)
        if lemma_of(cue) not in _SAYING or not (cue.dep_ in ("ROOT", "dep") or fragment) or \
                cue.tag_ in ("VBG", "VBN", "VB") and not fragment and not any(
                    c.dep_ == "aux" for c in cue.children) or any(
                c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl") for c in cue.children):
            return None
        # "..., said", "... have also said", "..., on Tuesday called"
        end = cue.i
        while end - 1 > sent.start and cue.i - end < 4 and (
                doc[end - 1].head.i == cue.i and doc[end - 1].dep_ in _BEFORE_CUE or
                doc[end - 1].dep_ == "pobj" and doc[end - 1].head.head.i == cue.i):
            end -= 1
        if doc[end - 1].text == ",":
            end -= 1
        starts = [sent.start] + [t.i + 1 for t in doc[sent.start:end] if t.text == ","][:1]
        for first in starts:
            words = doc[first:end]
            if 0 < len(words) <= MAX_NAME_BEFORE and self._names_someone(words):
                return words
        return None

    def _names_someone(self, words: Span) -> bool:
        """Whether words before a cue make a noun phrase for a speaker (see name_before)."""
        if not (words[0].pos_ in ("PROPN", "NOUN", "NUM", "DET", "ADJ") or
                words[0].tag_ == "PRP$" or  # "her senior policy adviser, Jake Sullivan"
                words[0].lower_ in _ROUGHLY) or any(t.text in _BREAKS for t in words):
            return False
        if words[0].pos_ == "PROPN":
            return True  # a name and its apposition (where the tagger may see a verb: "rabbi")
        relative = [t.i for t in words if t.tag_ in ("WP", "WDT")]
        if any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") and not (relative and t.i > relative[0])
               for t in words):
            return False  # a clause of its own: "The deal failed, said ..."
        if any(t.pos_ == "NUM" or t.tag_ == "NNS" for t in words):
            return True  # people counted ("About 4 in 10", "Majorities of Democrats")
        return _someone(words.root) or any(
            ent.type in ("PERSON", "ORG", "NORP")
            for _s, _e, ent in self.mentions.within(words.start_char, words.end_char))

    def before_other_claim(self, clause: Token, lo: int, hi: int) -> int:
        """The end of a content before a clause of it that is somebody else's claim, set off
        by a comma: "said that 15 soldiers were wounded, while state media reported that
        ..." (the parser hangs the while-clause inside the first content)."""
        doc = self.doc
        words = self.text[lo:hi]
        contrast = " while " in words or " as " in words or " whereas " in words
        for mark in (self.ctx.char_span(lo, hi) or ()) if contrast else ():
            verb = mark.head
            if mark.dep_ == "mark" and mark.lower_ in _CONTRASTING and mark.i > clause.i and \
                    verb.dep_ == "advcl" and verb.left_edge.i == mark.i and \
                    self.is_cue(verb) and any(c.dep_ == "nsubj" for c in verb.children):
                # "accuses X of ... while Sanders suggests ...": the other side's claim
                hi = min(hi, _rstrip(self.text, lo, mark.idx))
                break
        for child in clause.children:
            first = child.left_edge
            if child.i > clause.i and first.i > 0 and doc[first.i - 1].text in (",", ";") \
                    and lo < doc[first.i - 1].idx < hi and (
                        child.dep_ in ("advcl", "conj") and self.is_cue(child) and
                        any(c.dep_ == "nsubj" for c in child.children) or
                        # "said the plan failed, according to the Times": the Times reports
                        # the saying; left inside, each claim would hold the other's cue
                        child.dep_ == "prep" and child.lower_ == "according"):
                hi = min(hi, doc[first.i - 1].idx)
        return hi

    def before_own_claim(self, heads: list[Token], right: int) -> int:
        """The end of a source phrase (its last token, at most ``right``) before a relative
        clause that is a claim of its own: "Mr. Kamin, who emphasized that ...,", "according
        to the governor, who said rescuers ..." (its verb a cue) is that claim's, not part of
        this source's name."""
        doc = self.doc
        for head in heads:
            for child in head.children:
                if child.i > head.i and child.dep_ == "relcl" and self.is_cue(child) and \
                        doc[child.left_edge.i - 1].text in (",", "—", "–") and \
                        not self.anonymity(child):
                    right = min(right, child.left_edge.i - 2)
        return right

    def subject_words(self, subj: Token, verb: Token | None = None) -> Span:
        """The subject phrase with its appositions and relative clauses ("Chris Cox, who runs
        the lobbying arm,", "Jane Roe, 32, of Tulsa,": quote corpora mark the whole phrase),
        without a dateline or the end of a quote the parser took in before it ("WASHINGTON
        (AP) — X"), or the punctuation around it."""
        doc = self.doc
        left, right = subj.left_edge.i, subj.right_edge.i
        if verb is not None:
            # never across its verb: a parse may hang words after the verb on the subject
            # ("The lawyers also pointed to ..., Sen. John McCain": McCain an apposition)
            if subj.i < verb.i <= right:
                right = verb.i - 1
                while right > subj.i and not subj.is_ancestor(doc[right]):
                    right -= 1  # "The lawyers also pointed": "also" is the verb's
            elif left <= verb.i < subj.i:
                left = verb.i + 1
                while left < subj.i and not subj.is_ancestor(doc[left]):
                    left += 1
        heads = [subj] + [c for c in subj.children if c.dep_ == "appos" and c.i > subj.i]
        right = self.before_own_claim(heads, claim_model.set_off_end(subj, right))
        for tok in doc[left:right + 1]:
            # a quote's close before the head; a dateline's dash anywhere ("KYIV (AP) — X":
            # the parser may make the city the head)
            if tok.text in _BREAKS and tok.i < subj.i or tok.text in _DASHES and \
                    tok.i < right and all(t.is_punct or t.pos_ == "PROPN"
                                          for t in doc[left:tok.i]):
                left = max(left, tok.i + 1)
        while left < subj.i and (doc[left].is_punct or doc[left].is_space or
                                 # "Ultimately 54.6 percent of the electorate": the verb's
                                 doc[left].tag_ == "RB" and doc[left].lower_ not in _ROUGHLY
                                 and doc[left].lower_ not in _LIMITING):
            left += 1
        while right > subj.i and (doc[right].is_punct or doc[right].is_space) and not (
                doc[right].text == ")" and "(" in doc[left:right].text):
            right -= 1
        return doc[left:right + 1]

    def inherited_source(self, cue: Token, depth: int = 0) -> Span | None:
        """The source of a cue with no subject of its own, from the clause it hangs off:
        "McCain said, citing low growth" (the participle's), "is expected to endorse" (the
        infinitive's), "voters saying they want" (the noun a participle modifies), "the one
        impassioned in blasting me" (a gerund after a preposition)."""
        head = cue.head
        if cue.dep_ == "acl" and head.dep_ == "ROOT" and head.pos_ in ("NOUN", "PROPN") and \
                any(c.dep_ == "ccomp" for c in cue.children):
            # "A poll found last week that ...": with no verb of its own, the noun the parser
            # made the root is the subject
            return self.doc[head.left_edge.i:head.i + 1]
        if depth > 2 or cue.tag_ == "VBN" and cue.dep_ not in ("conj", "acomp"):
            return None  # "Asked what ..., X replied": the asker is not X
        if any(c.dep_ == "nsubjpass" for c in cue.children):
            return None  # "... dropped out and he was expected to ...": expected by nobody named
        head = cue.head
        if cue.dep_ == "pcomp" and head.pos_ == "ADP" and head.head is not head:
            head = head.head
        if cue.dep_ in ("pcomp", "advcl", "xcomp", "ccomp", "oprd") and \
                lemma_of(head) in _WITNESSED:
            # "Braynard is quoted as saying", "Trump was heard telling": the one heard says it
            passive = [c for c in head.children if c.dep_ == "nsubjpass"]
            if passive:
                return self.subject_words(passive[0], head)
        if (cue.dep_ in ("xcomp", "oprd", "ccomp") or cue.dep_ == "advcl" and
                lemma_of(head) in _LEAVING) and head.pos_ == "VERB" and \
                lemma_of(head) not in _SUBJECT_CONTROL:
            # "That prompted Rubio to make a joke", "left many Republicans wondering":
            # the object of the verb the cue completes says or thinks it
            objs = [c for c in head.children if c.dep_ == "dobj" and c.i < cue.i and (
                    not any(t.text in ",;:—–" for t in self.doc[c.right_edge.i + 1:cue.i]) or
                    # "left many Republicans, including his supporters, wondering"
                    self.doc[c.right_edge.i + 1:cue.i].text == "," and
                    "," in self.doc[c.i:c.right_edge.i + 1].text)]
            if objs and objs[0].pos_ in ("NOUN", "PROPN", "PRON", "ADJ", "DET"):
                obj = objs[0]
                return self.doc[obj.left_edge.i:obj.right_edge.i + 1] \
                    if obj.right_edge.i < cue.i else self.doc[obj.left_edge.i:obj.i + 1]
        if cue.dep_ in ("conj", "advcl", "xcomp", "pcomp") and head is not cue or \
                cue.dep_ == "acomp":  # "was quick to point out", "are convinced that"
            if cue.dep_ == "conj" and cue.tag_ in ("VBD", "VBZ", "VBP") and not any(
                    c.dep_ == "nsubj" for c in head.children):
                # "Trump was forced into damage control and said ...": the passive verb's
                # subject is the speaker of the active one joined to it
                passive = [c for c in head.children if c.dep_ == "nsubjpass"]
                if passive:
                    return self.subject_words(passive[0])
            if head.pos_ in ("VERB", "AUX", "ADJ"):
                return self.source_phrase(head, depth + 1)
            if head.pos_ in ("NOUN", "PROPN", "PRON"):
                return self.doc[head.left_edge.i:head.i + 1]
        if cue.dep_ == "acl" and cue.tag_ == "VBG" and head.pos_ in ("NOUN", "PROPN"):
            issuer = self.issuer(head, depth) or self.doer(head, depth)
            if issuer is not None:
                return issuer
            left = head.left_edge.i
            return self.doc[left:head.i + 1]  # "911 calls saying ...", "voters backing X"
        return None

    def doer(self, noun: Token, depth: int = 0) -> Span | None:
        """The subject of the clause a thing a participle hangs off is part of: "Trump made
        a third attempt to deflect the criticism, writing on Twitter that ..." (Trump
        writes, not the attempt), "the former president spent his speech defending ...".
        Only for nouns of an act or a stretch of time (OCCASION_NOUNS): people and findings
        speak for themselves ("voters saying", "a poll showing"). None where no clause holds
        the noun."""
        if noun.pos_ == "PROPN" or noun.ent_type_ or \
                not OCCASION_NOUNS & {noun.lower_, lemma_of(noun)}:
            return None
        owner = [c for c in noun.children if c.dep_ == "poss" and c.pos_ != "PRON"]
        if owner:  # "Hillary Clinton's speech denouncing ...": hers
            return self.doc[owner[0].left_edge.i:owner[0].i + 1]
        tok = noun
        for _ in range(4):
            if tok.dep_ not in ("dobj", "pobj", "prep", "conj", "attr", "npadvmod"):
                return None
            tok = tok.head
            if tok.pos_ in ("VERB", "AUX"):
                found = self.source_phrase(tok, depth + 1)
                return found if found is not None and not found.start <= noun.i < found.end \
                    else None
        return None

    def issuer(self, medium: Token, depth: int = 0) -> Span | None:
        """Who put out the words a cue hangs off: "His office put out a statement saying
        ...", "Greenberg released data that suggest ...": the subject of the verb that issues
        the noun (ISSUING_VERBS, MEDIA_NOUNS). The noun names no one; its issuer is the
        source an analyst needs. None where the noun is not such an object."""
        verb = medium.head
        if medium.dep_ != "dobj" or not MEDIA_NOUNS & {lemma_of(medium), medium.lower_} or \
                lemma_of(verb) not in ISSUING_VERBS or depth > 2:
            return None
        return self.source_phrase(verb, depth + 1)

    def said_on(self, cue: Token, content: tuple[int, int]) -> str | None:
        """When it was said: a time hanging off the cue ("said Monday", "said on Monday"),
        else the publication date when the cue's tense puts it in the reporting present."""
        for child in cue.children:
            if child.dep_ not in ("npadvmod", "prep", "advmod", "tmod", "obl"):
                continue
            lo, hi = child.left_edge.idx, child.right_edge.idx + len(child.right_edge)
            if content[0] <= lo < content[1]:
                continue
            for t in self.inside["times"].within(lo, hi):
                if t.type in ("DATE", "TIME"):
                    return t.value
        if cue.tag_ in ("VBD", "VBZ", "VBP", "VBN", "VBG") and self.ctx.published:
            if not any(c.lower_ in ("will", "would", "'ll") for c in cue.children):
                return self.ctx.published.isoformat()
        return None

    def claim(self, kind: str, start: int, end: int, att: Attribution | None,
              mod: str, said: str | None) -> Claim:
        start, end = _trim(self.text, start, end)
        c = Claim(**self.ctx.span(start, end), kind=kind, modality=mod, said_on=said)
        if att is not None:
            cue = sorted(att.cue, key=lambda t: t.i)
            c.cue = self.text[cue[0].idx:cue[-1].idx + len(cue[-1])]
            c.cue_start, c.cue_end = cue[0].idx, cue[-1].idx + len(cue[-1])
            if att.source is not None:
                c.source_text = att.source.text
                c.source_start, c.source_end = att.source.start_char, att.source.end_char
            if att.entity is not None:
                c.source = att.entity.id
                self.speakers.append((c.cue_start, att.entity))
        c.times = self.inside["times"].ids(start, end)
        c.quantities = self.inside["quantities"].ids(start, end)
        c.places = self.inside["places"].ids(start, end)
        return c

    # -- cues --

    def is_cue(self, tok: Token) -> bool:
        lemma = lemma_of(tok)
        if tok.pos_ not in ("VERB", "AUX"):
            return False
        if lemma not in CUES:
            return lemma in PHRASAL_CUES and _particle(tok) is not None
        return not _aspect(tok)

    def attribution(self, cue: Token) -> Attribution:
        words = [cue] + [c for c in cue.children if c.dep_ == "prt"]
        particle = _particle(cue)
        if particle is not None and all(w.i != particle.i for w in words):
            words.append(particle)  # "fired back", "tore into"
        source = self.source_phrase(cue)
        if source is None:
            source = self.model_source(cue)
        if source is None:
            source = self.name_before(cue)
        entity = self.resolve(source, cue.idx) if source is not None else None
        return Attribution(words, source, entity)

    def content_of(self, cue: Token) -> tuple[int, int, Token] | None:
        """What a cue introduces: (start, end, head) of its clausal complement, of the to-clause
        of an intent verb, or of the objects of a stance verb; None when it has none."""
        comps = [c for c in cue.children if c.dep_ == "ccomp"]
        if comps:
            # one before and one after the cue: the one before is a subject the parser took
            # for a clause ("Jeffrey Salkin, a ... rabbi helping ..., said he ...")
            after = [c for c in comps if c.i > cue.i]
            return self._extent_after(cue, after[:1] if len(comps) > 1 and after else comps[:1])
        lemma = lemma_of(cue)
        children = list(cue.children)
        said_in = self.clause_in_prep(cue)
        if said_in is not None:
            return said_in
        said_as = self.as_clause(cue)
        if said_as is not None:
            return said_as
        # a feeling in the passive: "Tiegen was troubled by Clinton's handling of it": what
        # the agent names is what it is about (the subject feels it; see source_phrase)
        if lemma in _FEELING and cue.tag_ == "VBN":
            about = [p for c in children if c.dep_ == "agent" for p in c.children
                     if p.dep_ == "pobj"]
            if about and any(c.dep_ == "nsubjpass" for c in children):
                return self._extent(about[:1])
        # passive with its agent: "The move was first reported by MSNBC"
        if any(c.dep_ == "agent" for c in children):
            subj = [c for c in children if c.dep_ == "nsubjpass"]
            if subj and lemma in SPEECH | FINDING | STANCE:
                return self._extent(subj)
        # a cue set inside what it introduces ("This campaign, she said, is different"): the
        # parser hangs the cue off the clause, which is the content (cue and source inside)
        if cue.dep_ == "parataxis" and cue.head.pos_ in ("VERB", "AUX") and \
                lemma in _SAYING and any(c.dep_ == "nsubj" for c in children):
            return self._extent([cue.head])
        # a cue in a relative clause holds the noun it hangs off: "a plan the senator has
        # criticized", "the tax, which he once supported"
        if cue.dep_ == "relcl" and cue.head.pos_ in ("NOUN", "PROPN") and lemma in STANCE | \
                _SAYING and any(c.dep_ == "nsubj" and c.tag_ not in ("WP", "WDT") and
                                c.i < cue.i for c in children) and not any(
                c.dep_ in ("ccomp", "xcomp") or c.dep_ == "dobj" and c.tag_ not in ("WP", "WDT")
                for c in children):
            head = cue.head
            return head.left_edge.idx, head.idx + len(head), head
        # the speaker after the cue, what was said before it: "Prices will rise, said the
        # minister." (the parser may hang the cue anywhere: conj, ccomp, ROOT)
        if lemma in _SAYING and cue.i > cue.sent.start + 2 and self.doc[cue.i - 1].text == "," \
                and any(c.dep_ == "nsubj" and c.i > cue.i for c in children) \
                and not any(c.dep_ in ("ccomp", "dobj", "xcomp") and c.i > cue.i
                            for c in children):
            first = cue.sent[0]
            return first.idx, self.doc[cue.i - 1].idx, cue.sent.root
        closing = self.closing_frame(cue) or self.parenthetical(cue)
        if closing is not None:
            return closing
        objects = [c for c in children if c.dep_ == "dobj" and c.i > cue.i
                   and c.lower_ not in ("it", "this", "that", "so")]
        if objects and (lemma in _SAYING and lemma not in _ADDRESSING | _OBJECT_NOT_SAID
                        or objects[0].pos_ in ("VERB", "AUX")):  # "asking how does it look"
            return self._extent_after(cue, objects)
        later = [c for c in children if c.i > cue.i]
        if lemma in INTENT or lemma in SPEECH:  # "wants to build", "told them to leave"
            xcomp = [c for c in later if c.dep_ == "xcomp"]
            if xcomp:
                return self._extent_after(cue, xcomp)
        if lemma in SPEECH:  # "asked whether she would run"
            asked = [c for c in later if c.dep_ == "advcl" and any(
                m.dep_ == "mark" and m.lower_ in ("if", "whether") for m in c.children)]
            if asked:
                return self._extent_after(cue, asked)
        particle = _particle(cue)
        if lemma in STANCE or particle is not None:
            preps = _OBJECT_PREPS if particle is None else _OBJECT_PREPS | _PHRASAL_PREPS
            skip = particle.i if particle is not None else -1
            parts = [c for c in later if c.i != skip and not self.is_time(c) and (
                     c.dep_ in _OBJECT_DEPS or c.dep_ == "prep" and c.lower_ in preps
                     or c.dep_ == "prep" and c.lower_ == "in" and any(  # "in favor of"
                         p.lemma_.lower() in _IN_STANCE for p in c.children)
                     or c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("for", "that")
                                                  for m in c.children))]
            if particle is not None and particle.dep_ == "prep":  # "tore into X": X
                parts += [c for c in particle.children if c.dep_ == "pobj"]
                parts.sort(key=lambda t: t.i)
            if lemma in _OBJECT_NOT_SAID:
                parts = [c for c in parts if c.dep_ != "dobj"]
            if parts:
                return self._extent_after(cue, parts)
            merged = self.object_in_time(cue)
            if merged is not None:
                return merged
        return None

    def object_in_time(self, cue: Token) -> tuple[int, int, Token] | None:
        """The object the parser merged into a time after a stance verb ("Jeb Bush endorsed
        Cruz Wednesday": "Cruz Wednesday" one time phrase): the words of that phrase before
        the time, when they name something."""
        for child in cue.children:
            if child.dep_ != "npadvmod" or child.i < cue.i or child.left_edge.i != cue.i + 1:
                continue
            times = self.inside["times"].within(child.left_edge.idx, child.right_edge.idx +
                                                len(child.right_edge))
            if not times:
                return None
            first_time = min(t.start for t in times)
            words = [t for t in self.doc[child.left_edge.i:child.right_edge.i + 1]
                     if t.idx + len(t) <= first_time]
            if words and words[-1].pos_ in ("PROPN", "NOUN") and words[0].pos_ in (
                    "PROPN", "NOUN", "DET", "ADJ"):
                return words[0].idx, words[-1].idx + len(words[-1]), words[-1]
        return None

    def as_clause(self, cue: Token) -> tuple[int, int, Token] | None:
        """What a cue in an as-clause reports: the clause it hangs off, less the as-clause
        ("As the International Business Times noted, Clinton raised ...", "..., as The New
        York Times reported")."""
        head = cue.head
        if cue.dep_ != "advcl" or not (lemma_of(cue) in _SAYING or _puts_it(cue)) or \
                head.pos_ not in ("VERB", "AUX") or not any(
                    c.dep_ == "mark" and c.lower_ == "as" for c in cue.children) or any(
                c.dep_ in ("ccomp", "xcomp") or c.dep_ == "dobj" and not _puts_it(cue)
                # "as he called for greater ethics": a claim of its own, not "as X said"
                or c.dep_ == "prep" and c.lower_ in ("for", "against", "about")
                for c in cue.children):
            return None
        doc = self.doc
        if cue.left_edge.i <= head.i:  # the as-clause first
            lo, hi = cue.right_edge.i + 1, head.right_edge.i
        else:
            lo, hi = head.left_edge.i, cue.left_edge.i - 1
        while lo <= hi and (doc[lo].is_punct or doc[lo].is_space):
            lo += 1
        while hi >= lo and (doc[hi].is_punct or doc[hi].is_space):
            hi -= 1
        if hi < lo or not (lo <= head.i <= hi):
            return None
        return doc[lo].idx, doc[hi].idx + len(doc[hi]), head

    def clause_in_prep(self, cue: Token) -> tuple[int, int, Token] | None:
        """The that-clause of "said in a statement that ...", "wrote in one of a series of
        messages that ...": the parser hangs it off the noun as a relative clause, but it has
        a subject of its own after "that" (a relative clause's "that" is its subject)."""
        if lemma_of(cue) not in SPEECH | FINDING:
            return None
        for prep in cue.children:
            # "said in a statement that ...", "said before attending the meeting that ..."
            if prep.dep_ not in ("prep", "advcl") or prep.i < cue.i:
                continue
            for tok in prep.subtree:
                if tok.dep_ not in ("acl", "relcl", "ccomp") or tok.pos_ not in ("VERB", "AUX"):
                    continue
                first = tok.left_edge
                if first.lower_ == "that" and first.dep_ == "mark" and any(
                        c.dep_ in ("nsubj", "nsubjpass", "expl") for c in tok.children) and \
                        tok.right_edge.i >= prep.right_edge.i - 1:  # the phrase ends with it
                    last = tok.right_edge
                    return first.idx, last.idx + len(last), tok
        return None

    def anonymity(self, verb: Token) -> bool:
        """Whether a verb only tells how a source asked to be cited ("who asked not to be
        named", "declining to be identified", "speaking on condition of anonymity"): part of
        the source's description, not a claim."""
        return lemma_of(verb) in _ANONYMITY_VERBS and any(
            t.lower_ in _ANONYMITY_WORDS for t in verb.subtree)

    def discourse_marker(self, tok: Token) -> bool:
        """Whether a saying verb is part of a fixed phrase that links sentences and reports
        nothing: "That said, ...", "Having said that, ...", "Needless to say, ...", "Suffice
        it to say ..."."""
        if tok.lower_ not in ("said", "say"):
            return False
        doc, i = self.doc, tok.i
        before = doc[i - 1].lower_ if i > 0 else ""
        after = doc[i + 1].text if i + 1 < len(doc) else ""
        if tok.lower_ == "said":
            if before in ("that", "this") and after == "," and (
                    i - 1 == tok.sent.start or doc[i - 2].is_punct):
                return True  # "That said, ..."
            return before == "having" and i + 2 < len(doc) and \
                doc[i + 1].lower_ in ("that", "this") and doc[i + 2].text == ","
        return before == "to" and i > 1 and doc[i - 2].lower_ in ("needless", "suffice", "it")

    def closing_frame(self, cue: Token) -> tuple[int, int, Token] | None:
        """The clause before "..., police said." or "..., Carter told a Senate panel
        Wednesday.": a saying cue that closes its sentence, its subject set off by a comma,
        reports the clause before that comma. The parser often hangs that clause off the cue
        as anything but a complement (advcl, conj of the clause), so the words decide: the
        cue's subject starts right after a comma, nothing after the cue but its time, place,
        addressee or manner, and the words before the comma make a clause with a subject."""
        if lemma_of(cue) not in _SAYING or cue.i < cue.sent.start + 3 or not _finite(cue):
            return None
        children = list(cue.children)
        if any(c.dep_ in ("ccomp", "xcomp", "csubj") for c in children):
            return None
        subj = [c for c in children if c.dep_ == "nsubj" and c.i < cue.i]
        if not subj or subj[0].lower_ in _RELATIVE:
            return None  # "..., said O'Donnell, who wrote about it": a clause about the name
        comma = subj[0].left_edge.i - 1
        if comma <= cue.sent.start or self.doc[comma].text != ",":
            return None
        if any(t.i > subj[0].right_edge.i and not (
                t.dep_ in ("aux", "neg", "advmod") and t.head.i == cue.i)
                for t in self.doc[subj[0].left_edge.i:cue.i]):
            return None  # only the subject (and "also", "has", "did not") between comma and cue
        end = cue.sent.end
        for t in self.doc[cue.i + 1:end]:
            if t.is_punct and t.i >= end - 1:
                continue
            if t.pos_ in ("VERB", "AUX") or t.dep_ in ("ccomp", "xcomp", "advcl", "conj"):
                return None  # the sentence goes on: the cue frames more than the clause before
        before = self.doc[cue.sent.start:comma]
        clauses = [t for t in before if t.pos_ in ("VERB", "AUX") and any(
            c.dep_ in ("nsubj", "nsubjpass", "expl") for c in t.children)]
        if not clauses:
            return None  # "Asked about it, Smith said." "In a statement, police said."
        # the clause heading the words before the comma, else the first with a subject
        clause = next((t for t in clauses if not before.start <= t.head.i < comma or
                       t.head.i == t.i), clauses[0])
        return before.start_char, before.end_char, clause

    def closing_words(self, cue: Token, claims: list[Claim]) -> bool:
        """"..., records show." / "..., fundraising documents show." where the parse lost the
        frame (the tagger took "records show" for one compound, or hung the cue off
        "fundraising"): a cue that is the last word of its sentence, a short noun phrase
        between it and a comma, a clause with a subject before the comma. Whether a claim
        was added."""
        sent = cue.sent
        end = sent.end
        while end - 1 > cue.i and (self.doc[end - 1].is_punct or self.doc[end - 1].is_space):
            end -= 1
        if end - 1 != cue.i or lemma_of(cue) not in _SAYING:
            return False
        comma = cue.i - 1
        while comma > sent.start and self.doc[comma].text != "," and cue.i - comma <= 8:
            comma -= 1
        words = self.doc[comma + 1:cue.i]
        # the words are a noun phrase naming somebody, maybe with a participle ("leaked
        # documents"): no verb, preposition or conjunction of their own
        if self.doc[comma].text != "," or not len(words) or comma <= sent.start + 2 or any(
                t.pos_ not in _NOUN_PHRASE and t.tag_ not in ("VBG", "VBN", "POS")
                for t in words) or words[-1].pos_ not in ("NOUN", "PROPN", "PRON"):
            return False
        before = self.doc[sent.start:comma]
        clauses = [t for t in before if t.pos_ in ("VERB", "AUX") and any(
            c.dep_ in ("nsubj", "nsubjpass", "expl") for c in t.children)]
        if not clauses:
            return False
        head = clauses[0]
        att = Attribution([cue], words, self.resolve(words, cue.idx))
        if att.source is None:
            return False
        lo, hi = before.start_char, before.end_char
        said = self.said_on(cue, (lo, hi))
        if said is None and cue.pos_ != "VERB" and self.ctx.published:
            said = self.ctx.published.isoformat()  # "records show": present, however tagged
        claims.append(self.claim("reported", lo, hi, att, modality.of_head(head), said))
        return True

    def parenthetical(self, cue: Token) -> tuple[int, int, Token] | None:
        """The sentence around a cue set off by commas in its middle ("This sort of opining,
        CNN claimed, violates its code"), which the parser makes the main verb: the words
        before and after it are what is said (cue and source inside, as in the parataxis
        case of :meth:`content_of`)."""
        doc, sent = self.doc, cue.sent
        if lemma_of(cue) not in _SAYING or not _finite(cue) or any(
                c.dep_ in ("ccomp", "dobj", "xcomp", "csubj") and c.i > cue.i
                for c in cue.children):
            return None
        subj = [c for c in cue.children if c.dep_ == "nsubj" and c.i < cue.i]
        if not subj:
            return None
        before = subj[0].left_edge.i - 1
        after = cue.i + 1
        while after < sent.end and doc[after].head.i == cue.i and doc[after].dep_ in (
                "npadvmod", "advmod", "prt"):
            after += 1  # "CNN claimed Monday,"
        if not (sent.start + 2 <= before and after < sent.end - 2 and
                doc[before].text == "," and doc[after].text == ","):
            return None
        rest = doc[after + 1:sent.end]
        verb = next((t for t in rest if t.pos_ in ("VERB", "AUX")), None)
        if verb is None or any(t.tag_ in ("VBD", "VBZ", "VBP", "MD")
                               for t in doc[sent.start:before]):
            return None  # the words before are a clause of their own, or nothing is said
        end = sent.end - 1
        while end > after and (doc[end].is_punct or doc[end].is_space):
            end -= 1
        return doc[sent.start].idx, doc[end].idx + len(doc[end]), verb

    def is_time(self, tok: Token) -> bool:
        """Whether a dependent's words are a time ("Tuesday", "on Tuesday", "last week"): when
        it was said, not what ("for proposing gun control on Monday" is no time)."""
        first = tok.left_edge
        if first.pos_ == "ADP" and first.i < tok.right_edge.i:
            first = self.doc[first.i + 1]
        end = tok.right_edge.idx + len(tok.right_edge)
        return any(t.start <= first.idx and t.end >= end
                   for t in self.inside["times"].within(first.idx, end))

    def _extent(self, heads: list[Token]) -> tuple[int, int, Token]:
        lo = min(h.left_edge.idx for h in heads)
        last = max(heads, key=lambda h: h.right_edge.i).right_edge
        return lo, last.idx + len(last), heads[0]

    def _extent_after(self, cue: Token, heads: list[Token]) -> tuple[int, int, Token]:
        """The extent of ``heads`` and of the cue's later children that go on with what is
        said ("criticized Obama | for proposing gun control", "called him X | and someone who
        ..."), up to the first that does not: a cue of its own ("..., adding that"), a
        coordinated verb ("and left"), or punctuation that ends the clause. A time is passed
        over (it is when, not what) and stays inside only where later parts follow it."""
        last = max(h.i for h in heads)
        parts = list(heads)
        for child in cue.children:
            if child.i <= last:
                continue
            if child.is_punct:
                if child.text in ",;" and child.i + 1 < len(self.doc) and \
                        self.doc[child.i + 1].dep_ in _GOES_ON:
                    continue
                break
            if self.is_time(child):
                continue  # when, not what: a later part may still go on with what is said
            if child.dep_ not in _GOES_ON or self.is_cue(child) or child.lower_ == "according":
                break
            parts.append(child)
        return self._extent(parts)

    # -- the three kinds --

    def run(self) -> list[Claim]:
        claims: list[Claim] = []
        quoted = self.quote_claims(claims)
        self.reported_claims(claims, quoted)
        self.model_claims(claims)
        self.headline_claims(claims)
        self.viewpoint_claims(claims)
        claims = outermost(claims)
        self.unattributed_claims(claims)
        return claims

    def quote_claims(self, claims: list[Claim]) -> set[int]:
        """Direct speech. Returns the token indexes of the cues used, so reported speech does
        not count them again."""
        used: set[int] = set()
        # the previous quote's cue token, attribution and last sentence
        last: tuple[Token, Attribution, int] | None = None
        for q in self.quotes:
            words = len(self.text[q.start:q.end].split())
            # the sentence of the quote's first word: a parser may hang an opening '' on the
            # sentence before
            first = self.ctx.sentences.index(min(q.start, q.end - 1))
            last_sent = self.ctx.sentences.index(max(q.open_mark, q.end - 1))
            signed = self.signature(q)  # a signed quote is a statement of its own
            # a one-word quote counts where it makes a sentence with its cue ("“Safety,” said
            # Grimm.")
            if not q.continues and signed is None and (
                    words < 1 or not self.stands_alone(q, first)
                    or words < MIN_QUOTE_WORDS and not self.whole_sentence(q)
                    and self.cue_before(q) is None and not self.cue_follows(q)):
                continue
            labelled = self.speaker_label(q)
            att = labelled or self.label_before(q) or self.quote_cue(q, first, last_sent) \
                or self.speaker_after(q) or self.person_before_colon(q)
            start = q.start
            if labelled is not None:  # '"WALLACE: Let's start ...': the turn after the label
                start = labelled.cue[-1].idx + 1
            elif att is not None:
                used.add(att.cue[0].i)
                prev = claims[-1] if claims else None
                if (prev is not None and prev.kind == "quote" and last is not None
                        and last[0].i == att.cue[0].i and last[2] >= first - 1):
                    # "“A,” he said, “B.”": one quote split by its cue
                    start = prev.start
                    claims.pop()
            elif signed is not None:
                att = signed  # "“...” ― Sonya Herridge"
            elif last is not None and first - last[2] <= TURN_SENTENCES:
                att = last[1]  # the speaker's turn goes on
            span = self.ctx.char_span(start, q.end, alignment_mode="expand")
            mod = modality.of_span(span) if span is not None and len(span) else "asserted"
            said = self.said_on(att.cue[0], (start, q.end)) if att else None
            # The content keeps its quotation marks, as quote corpora (PARC, PolNeAR) mark it:
            # they are what says the words are the speaker's own.
            start = start if labelled is not None else min(start, q.open_mark)
            end = closing_end(self.text, q)
            claims.append(self.claim("quote", start, end, att, mod, said))
            if att is not None:
                last = (att.cue[0], att, last_sent)
        return used

    def cue_follows(self, q: Quote) -> bool:
        """Whether a short quote is closed by a comma and followed by its cue: "“We will
        win,” said Manafort", "“Not yet,” she said" (a scare quote has no comma there)."""
        inner = self.text[q.start:q.end].rstrip()
        end = closing_end(self.text, q)
        after = self.text[end:end + 2].lstrip(" ")
        if not (inner.endswith(",") or after.startswith(",")):
            return False
        span = self.ctx.char_span(end, min(len(self.text), end + 40), alignment_mode="expand")
        if span is None:
            return False
        words = [t for t in span if not t.is_punct][:4]
        return any(lemma_of(t) in _SAYING | QUOTE_CUES and t.pos_ in ("VERB", "AUX")
                   for t in words)

    def speaker_label(self, q: Quote) -> Attribution | None:
        """The speaker label that opens a quoted transcript turn ('"PENCE: Well, look ...')."""
        m = _LABEL_AT.match(self.text, q.start)
        if m is None:
            return None
        label = self.ctx.char_span(m.start(1), m.end(1), alignment_mode="expand")
        colon = self.ctx.char_span(m.end(1), m.end(1) + 1, alignment_mode="expand")
        if label is None or colon is None or not len(label) or not len(colon) or \
                any(t.lower_ in LINE_LABELS for t in label):
            return None
        return Attribution([colon[-1]], label, self.resolve(label, label.start_char))

    def signature(self, q: Quote) -> Attribution | None:
        """A name signed after a quote with a dash, the rest of its line ("“...” ― Carla
        Sanchez"), as testimonials, epigraphs and reader comments put it."""
        m = _SIGNED.match(self.text, closing_end(self.text, q))
        if m is None or len(m.group(2).split()) > 6:
            return None
        name = self.ctx.char_span(m.start(2), _rstrip(self.text, m.start(2), m.end(2)),
                                  alignment_mode="expand")
        dash = self.ctx.char_span(m.start(1), m.end(1), alignment_mode="expand")
        if name is None or dash is None or not len(name) or not len(dash) or any(
                t.pos_ in ("VERB", "AUX") or t.lower_ in _PERSONAL for t in name):
            return None
        return Attribution([dash[0]], name, self.resolve(name, name.start_char))

    def speaker_after(self, q: Quote) -> Attribution | None:
        """The speaker and cue written right after a quote on its line ("“...?” Trump said,
        looking at the crowd", "“...,” Flynn, a top Trump surrogate, said Thursday"), read from
        the words when the parse missed them: the quote marks mislead the parser, which may
        end the sentence at the quote's "?" or take the name into the quote."""
        end = closing_end(self.text, q)
        first = self.ctx.char_span(end, min(len(self.text), end + 200), alignment_mode="expand")
        if first is None or not len(first):
            return None
        words: list[Token] = []
        depth = 0  # inside brackets: "Rep. Jim McDermott (D-Wash.) said"
        for tok in first:
            if tok.text == "(":
                depth += 1
            elif tok.text == ")" and depth:
                depth -= 1
                words.append(tok)
                continue
            if tok.is_space and "\n" in tok.text or len(words) > SPEAKER_AFTER_WORDS or \
                    not depth and (tok.text in _BREAKS or tok.text in ("!", "?", ";", ":") or
                                   tok.text == "." and not _abbreviation_dot(tok)):
                break
            if not tok.is_space:
                words.append(tok)
        while words and words[0].text == ",":
            words = words[1:]
        cue_at = next((n for n, t in enumerate(words) if self.says_beside_quote(t)), None)
        if cue_at is None:
            return None
        if cue_at == 0:
            return self.speaker_after_cue(words[0])
        name = words[:cue_at]
        while name and name[-1].text == ",":
            name = name[:-1]
        # a capitalised word is a name even where the tagger made it a verb ("Trump"); a
        # participle or relative clause may describe it ("X, a lawyer then working for Y,")
        relative = [t.i for t in name if t.tag_ in ("WP", "WDT")]
        commas = [t.i for t in name if t.text == ","]
        if not name or any(t.pos_ in ("VERB", "AUX") and not t.is_title and not (
                t.tag_ in ("VBG", "VBN") or
                relative and t.i > relative[0] or
                # "Mr. Daniloff, now 81 and retired in Cambridge, said": an apposition's verb
                t.tag_ == "VBD" and commas and commas[0] < t.i and t.nbor(-1).lower_ == "and"
        ) for t in name) or \
                name[0].pos_ not in ("PROPN", "PRON", "DET", "ADJ", "NOUN") and \
                not name[0].is_title or \
                name[0].pos_ == "PRON" and name[0].lower_ not in _PERSONAL or \
                name[0].lower_ in _FIRST_PERSON:
            return None
        source = self.doc[name[0].i:name[-1].i + 1]
        cue = words[cue_at]
        said = [cue] + [c for c in cue.children if c.dep_ == "prt"]
        if lemma_of(cue) in _RETORTS and cue.i + 1 < len(self.doc) and \
                self.doc[cue.i + 1].lower_ == "back" and self.doc[cue.i + 1] not in said:
            said.append(self.doc[cue.i + 1])  # "shot back"
        return Attribution(said, source, self.resolve(source, cue.idx))

    def speaker_after_cue(self, cue: Token) -> Attribution | None:
        """The speaker named after the cue that follows a quote ("“The risk,” said Edward
        Leamer, an economist, “is that ...”", "“...,” said David Brock, a Clinton confidant who
        heads a super PAC."), when the parse gave the cue no subject: the noun phrase from the
        cue to the next quote mark or the sentence's end, its relative clause included."""
        name: list[Token] = []
        relative = False
        for tok in self.doc[cue.i + 1:min(len(self.doc), cue.i + 2 + SPEAKER_AFTER_NAME)]:
            if tok.is_space and "\n" in tok.text or tok.text in _QUOTE_MARKS or \
                    tok.text in _BREAKS or tok.text in (".", "!", "?", ";", ":") or \
                    tok.sent.start != cue.sent.start and tok.sent.start > cue.i:
                break
            if name and (tok.tag_ in ("WP", "WDT") or tok.lower_ in _RELATIVE and
                         name[-1].text == ","):
                relative = True  # "a Clinton confidant who heads ...": part of the name
            if tok.pos_ in ("VERB", "AUX") and not tok.is_title and not relative:
                if tok.tag_ == "VBG" and len(name) > 1 and name[-1].text == ",":
                    break  # "asked Mr. Manafort, referring to ...": the name ends at the comma
                return None  # "said he would ...": a clause, not a name
            name.append(tok)
        else:
            return None  # longer than a name
        while name and (name[-1].text == "," or name[-1].is_space):
            name.pop()
        if not name or name[0].pos_ not in ("PROPN", "DET", "ADJ", "NOUN", "NUM") or \
                not any(t.pos_ == "PROPN" or t.ent_type_ in ("PERSON", "ORG", "NORP")
                        for t in name) and not (
                    # “Trump is disgusting,” read one / read the email
                    lemma_of(cue) in QUOTE_CUES and name[-1].pos_ in ("NOUN", "NUM", "PROPN")):
            return None
        source = self.doc[name[0].i:name[-1].i + 1]
        return Attribution([cue], source, self.resolve(source, cue.idx))

    def says_beside_quote(self, tok: Token) -> bool:
        """A verb that, right after a quote and its speaker, says the quote was spoken: a
        speech cue, a manner of speaking ("barked", "sighed"), or a retort ("shot back")."""
        lemma = lemma_of(tok)
        if self.is_cue(tok) and lemma in _SAYING:
            return True
        if tok.pos_ != "VERB":
            return False
        return lemma in QUOTE_CUES or lemma in _RETORTS and tok.i + 1 < len(self.doc) and \
            self.doc[tok.i + 1].lower_ == "back"

    def label_before(self, q: Quote) -> Attribution | None:
        """A name and a colon right before a quote ("- Philip Bump: “Two weeks ago ...”",
        "Pew Research: “All the samples ...”"), as newsletters and live blogs cite: the name
        (a run of proper nouns, or the entity named in it) is the source, the colon the cue."""
        # the label is short: look no further back than its longest (linear on one-line texts)
        line_start = max(self.text.rfind("\n", max(0, q.open_mark - 80), q.open_mark) + 1,
                         q.open_mark - 80)
        m = _LABEL_BEFORE.search(self.text, line_start, q.open_mark)
        if m is None:
            return None
        label = self.ctx.char_span(m.start(1), m.end(1), alignment_mode="contract")
        at = self.text.index(":", m.end(1))
        colon = self.ctx.char_span(at, at + 1, alignment_mode="expand")
        if label is None or colon is None or not len(label) or not len(colon) or \
                len(label) > 6 or any(t.pos_ in ("VERB", "AUX") and not t.is_title or
                                      t.pos_ == "PRON" or t.lower_ in LINE_LABELS
                                      for t in label):
            return None
        source: Span | None = label
        if not all(t.pos_ == "PROPN" or t.is_title or t.is_upper or t.is_punct or
                   t.lower_ in ("and", "of", "the") for t in label):
            named = self.mentions.within(label.start_char, label.end_char)
            source = self.ctx.char_span(named[-1][0], named[-1][1],
                                        alignment_mode="expand") if named else None
        if source is None or not len(source):
            return None
        return Attribution([colon[0]], source, self.resolve(source, source.start_char))

    def colon_before(self, q: Quote, across_lines: bool) -> Token | None:
        """The colon right before a quote's opening mark (blanks between, and line breaks
        where ``across_lines``), when a word comes before it; else None."""
        k = q.open_mark - 1
        while k >= 0 and (self.text[k].isspace() if across_lines else self.text[k] in " \t"):
            k -= 1
        if k < 1 or self.text[k] != ":":
            return None
        colon = self.ctx.char_span(k, k + 1)
        if not colon or colon[0].i == 0:
            return None
        return colon[0]

    def person_before_colon(self, q: Quote) -> Attribution | None:
        """A person named last before a colon that opens the quote, where no cue says more:
        "The timing of Sanders' surge doesn't surprise Republican pollster Daron Shaw:
        “Historically, ...”". The name with its title is the source, the colon the cue."""
        colon = self.colon_before(q, across_lines=False)
        if colon is None:
            return None
        name = self.doc[colon.i - 1]
        if name.ent_type_ != "PERSON" or name.ent_iob_ == "B" and name.dep_ == "compound":
            return None
        if name.dep_ not in ("dobj", "nsubj", "attr", "appos") or not any(
                t.pos_ == "VERB" for t in self.doc[name.sent.start:name.i]):
            return None  # only a clause ending in the person ("by Times' Ben Sisario:" cites)
        source = self.doc[name.left_edge.i:name.i + 1]
        return Attribution([colon], source, self.resolve(source, name.idx))

    def stands_alone(self, q: Quote, sent_index: int) -> bool:
        """Whether a quote is direct speech of its own rather than a few quoted words inside a
        reported sentence: it opens its sentence, follows a colon or comma, or follows a cue."""
        sent = self.ctx.sentences[sent_index]
        before = self.text[sent.start_char:q.open_mark].rstrip()
        if not before or before[-1] in ":,;—–-•(.!?":
            return True
        prev = self.ctx.char_span(sent.start_char, len(before) + sent.start_char,
                                  alignment_mode="contract")
        return bool(prev is not None and len(prev) and self.is_cue(prev[-1]))

    def cue_before(self, q: Quote) -> Token | None:
        """The cue right before a quote and its comma or colon ("Wallace then asked, “With
        nukes?”"): a quote after it is direct speech however short."""
        end = len(self.text[:q.open_mark].rstrip())
        if end < 2 or self.text[end - 1] not in ",:":
            return None
        mark = self.ctx.char_span(end - 1, end, alignment_mode="expand")
        if mark is None or not len(mark) or mark[0].i == 0:
            return None
        prev = self.doc[mark[0].i - 1]
        if self.is_cue(prev) or prev.pos_ == "VERB" and lemma_of(prev) in QUOTE_CUES:
            return prev
        return None

    def whole_sentence(self, q: Quote) -> bool:
        """A short quote that makes a sentence with its cue ("“Make no mistake,” he added.")."""
        sent = self.ctx.sentences[self.ctx.sentences.index(min(q.start, q.end - 1))]
        rest = self.text[sent.start_char:q.open_mark] + self.text[q.end:sent.end_char]
        return len(rest.split()) <= 6

    def quote_cue(self, q: Quote, first: int, last: int) -> Attribution | None:
        """The cue of a quote in its own sentences, outside any quotation: nearest first,
        after the quote before before it ("“...,” he added" / "He said: “...”")."""
        sents = self.ctx.sentences
        lo = sents[first].start
        hi = sents[last].end
        # The sentence before, when it ends in a colon ("Cruz said:"), and a short sentence
        # after ("..." \n\n That is what she said.) can hold the cue too.
        if first > 0 and sents[first - 1].text.rstrip().endswith(":"):
            lo = sents[first - 1].start
        if last + 1 < len(sents) and len(sents[last + 1]) <= 8 and \
                self.quote_at(sents[last + 1].start_char) is None:
            hi = sents[last + 1].end
        candidates = []
        for tok in self.doc[lo:hi]:
            quote_only = lemma_of(tok) in QUOTE_CUES and tok.pos_ == "VERB" and \
                sents[first].start <= tok.i < sents[last].end  # not in the sentence after
            according = tok.lower_ == "according" and tok.i + 1 < len(self.doc) and \
                self.doc[tok.i + 1].lower_ == "to"
            if (self.is_cue(tok) or quote_only or according) and self.quote_at(tok.idx) is None:
                distance = tok.idx - q.end if tok.idx >= q.end else (q.open_mark - tok.idx) * 2
                candidates.append((distance, tok))
        issued = self.issued_before(q)
        if issued is not None:
            return issued
        lead = self.cue_before(q)
        for _d, tok in sorted(candidates, key=lambda x: x[0]):
            if tok.lower_ == "according":  # "According to the paper, “...”"
                att = self.according_attribution(tok)
                if att is not None:
                    return att
                continue
            if tok.lemma_ in NEEDS_CLAUSE and self.content_of(tok) is None and not any(
                    c.dep_ in ("ccomp", "dobj") and q.start <= c.idx < q.end
                    for c in tok.children) and tok != lead and not (
                    # right after the closing mark: “...?” asked Mr. Manafort
                    0 <= tok.idx - q.end <= 3 and self.doc[tok.i - 1].text in _QUOTE_MARKS):
                continue
            att = self.attribution(tok)
            if att.source is not None and self.quote_at(att.source.start_char) is None:
                return att  # (a subject inside quotation marks is the parser's mistake)
            if tok.i > 0 and self.doc[tok.i - 1].text in _QUOTE_MARKS:
                after = self.speaker_after_cue(tok)  # '“The risk,” said X, an economist, “is'
                if after is not None:
                    return after
        return None

    def issued_before(self, q: Quote) -> Attribution | None:
        """The words a colon introduces after something put out or spoken ("Sanders delivered
        a snappy retort: “...”", "President Clinton released the following statement:
        “...”"): the quote is the subject's, the verb and its noun the cue."""
        colon = self.colon_before(q, across_lines=True)
        if colon is None:
            return None
        verb = self.doc[colon.i - 1]
        for _ in range(6):  # "adopted the stance common among some Catholics:": up to the verb
            if verb.pos_ == "VERB" or verb.head is verb:
                break
            verb = verb.head
        noun = next((c for c in verb.children if c.dep_ == "dobj" and c.i < colon.i), None)
        if noun is None or verb.pos_ != "VERB" or lemma_of(verb) not in ISSUING_VERBS \
                or not ({lemma_of(noun), noun.lower_} & (MEDIA_NOUNS | _SPOKEN_NOUNS)):
            return None
        source = self.source_phrase(verb)
        if source is None or self.quote_at(source.start_char) is not None or \
                self.doc[verb.i:noun.i + 1].start_char > q.open_mark:
            return None
        return Attribution([verb, noun], source, self.resolve(source, verb.idx))

    def candidates(self) -> list[int]:
        """Indexes of the tokens that may be cues (a cue or nominal-cue lemma, "according"),
        found with one array lookup so the other tokens cost no Python work."""
        if not len(self.doc):
            return []
        arr = self.doc.to_array([LEMMA, LOWER])
        self._lemmas = arr[:, 0]
        mask = np.isin(arr[:, 0], _CUE_HASHES) | np.isin(arr[:, 1], _CUE_HASHES)
        return np.flatnonzero(mask).tolist()

    def lemma_hashes(self) -> np.ndarray:
        """The lemma hash of every token (read once with the rule candidates)."""
        if self._lemmas is None:
            self._lemmas = self.doc.to_array(LEMMA)
        return self._lemmas

    def reported_claims(self, claims: list[Claim], used: set[int]) -> None:
        taken = sorted((c.start, c.end) for c in claims)
        taken_starts = [s for s, _ in taken]
        claimed = {c.start for c in claims if c.kind == "quote"}
        for i in self.candidates():
            tok = self.doc[i]
            if tok.i in used:
                continue
            if tok.lower_ == "according" and tok.i + 1 < len(self.doc) and \
                    self.doc[tok.i + 1].lower_ == "to":
                self.according_to(tok, claims)
                continue
            lemma = tok.lemma_.lower()
            if tok.dep_ == "pobj" and lemma in NOMINAL_SOURCES | STANDING_SOURCES and (
                    tok.head.lower_ == "in" or tok.head.lower_ == "by" and
                    tok.head.i == tok.sent.start and any(c.dep_ == "poss" for c in tok.children)):
                self.in_source(tok, claims)
                continue
            if tok.pos_ == "NOUN" and lemma in RECEIVING_NOUNS and self.received(tok, claims):
                continue
            if tok.pos_ == "NOUN" and lemma in NOMINAL_CUES:
                self.nominal(tok, claims)
                continue
            if tok.pos_ == "ADJ" and tok.lower_ in STANCE_ADJECTIVES:
                self.stance_adjective(tok, claims)
                continue
            if self.quote_at(tok.idx) is not None:
                continue
            if lemma in LIGHT_VERBS and tok.pos_ in ("VERB", "AUX"):
                self.light_verb(tok, claims)
                continue
            if _puts_it(tok):  # "As Amar put it, the Constitution is silent"
                said_as = self.as_clause(tok)
                att = self.attribution(tok) if said_as is not None else None
                if att is not None and att.source is not None:
                    lo, hi, clause = said_as
                    claims.append(self.claim("reported", lo, hi, att, modality.of_head(clause),
                                             self.said_on(tok, (lo, hi))))
                continue
            if lemma in FIGURE_VERBS and tok.pos_ == "VERB":
                self.figure_given(tok, claims)
                continue
            if self.discourse_marker(tok) or self.anonymity(tok):
                continue
            if tok.pos_ in ("NOUN", "PROPN") and lemma in _SAYING:
                self.closing_words(tok, claims)
                continue
            if not self.is_cue(tok):
                if lemma in SOURCELESS and tok.pos_ in ("VERB", "AUX"):
                    self.sourceless(tok, claims)
                continue
            content = self.content_of(tok)
            if content is None:
                if tok.tag_ == "VBN" and lemma in SOURCELESS_PASSIVE:
                    self.sourceless(tok, claims)
                elif not self.vetoed(tok):
                    self.closing_words(tok, claims)
                continue
            lo, hi, clause = content
            hi = self.before_other_claim(clause, lo, hi)
            hi = self.through_quote(lo, hi, claimed)
            k = bisect_right(taken_starts, lo)
            if any(s <= lo and hi <= e for s, e in taken[max(0, k - 3):k]):
                continue  # the content is a quote already attributed
            att = self.attribution(tok)
            moved = self.experiencer(tok)
            if moved is not None:  # "the move worries Gulf capitals": they are worried
                att, (lo, hi, clause) = moved
            elif lemma in EMOTION_VERBS and tok.tag_ != "VBN":
                continue  # "the plan angered" with nobody angered: no one's stance
            if att.source is None:
                if tok.tag_ == "VBN" and lemma in SOURCELESS_PASSIVE:
                    self.sourceless(tok, claims)
                continue
            if self.vetoed(tok):
                continue
            mod = modality.DENIED if tok.lemma_ == "deny" else modality.of_head(clause)
            if mod == modality.ASSERTED and tok.lemma_ in _LOOKS_FORWARD:
                mod = modality.EXPECTED  # "expects to go", "plans to send", "predicted that"
            if mod == modality.ASSERTED and tok.dep_ == "xcomp" and lemma_of(tok.head) in \
                    SOURCELESS:
                mod = modality.HEDGED  # "seemed to acknowledge"
            if modality.cue_negated(tok):
                mod = modality.DENIED  # "did not say that ...", "no group claimed ..."
            claims.append(self.claim("reported", lo, hi, att, mod,
                                     self.said_on(tok, (lo, hi))))

    def experiencer(self, cue: Token) -> tuple[Attribution, tuple[int, int, Token]] | None:
        """The one who holds the view where it is the object of the cue: "Erdogan's
        about-face worries the Gulf capitals" (the capitals worry about the about-face),
        "the attack convinced many Republicans that ..." (they are now convinced; a person
        who convinces others argues it, and stays the source). (attribution, content) or
        None."""
        lemma = lemma_of(cue)
        if lemma not in _EXPERIENCER_OBJECT:
            return None
        subj = [c for c in cue.children if c.dep_ == "nsubj"]
        obj = [c for c in cue.children if c.dep_ == "dobj" and c.i > cue.i]
        if not subj or not obj or obj[0].tag_ in ("WP", "WDT"):
            return None
        said = [c for c in cue.children if c.dep_ == "ccomp" and c.i > obj[0].i] + [
            c for c in obj[0].children if c.dep_ == "relcl" and any(
                m.dep_ == "mark" and m.lower_ == "that" for m in c.children)]  # a misparse
        if lemma in ("worry", "concern") or lemma in EMOTION_VERBS:
            if said:
                return None
            content = self._extent(subj[:1])
        else:
            if not said or _someone(subj[0]):
                return None
            content = self._extent_after(cue, said[:1])
        right = obj[0].right_edge.i + 1
        if said and obj[0].is_ancestor(said[0]):
            right = said[0].left_edge.i
        source = self.doc[obj[0].left_edge.i:right]
        return Attribution([cue], source, self.resolve(source, cue.idx)), content

    def model_source(self, cue: Token) -> Span | None:
        """The source phrase the learned layer picks for a cue the rules find none for."""
        model = claim_model.current()
        if model is None:
            return None
        head = claim_model.best_source(model, cue, claim_model.cue_class(lemma_of(cue),
                                                                          CUE_CLASSES))
        if head is None:
            return None
        lo, hi = claim_model.source_span(head, cue)
        return self.doc[lo:hi]

    def vetoed(self, tok: Token) -> bool:
        """Whether the learned layer is sure a rule cue is no attribution cue."""
        model = claim_model.current()
        return model is not None and claim_model.vetoes(
            model, tok, self.quote_at(tok.idx) is not None, CUE_CLASSES)

    def open_candidates(self, claims: list[Claim], model: claim_model.ClaimModel
                        ) -> list[Token]:
        """The tokens the learned layer may read as new cues: a lemma it knows, not the cue
        of a claim already and not inside what an attributed claim says."""
        spans = sorted((c.start, c.end) for c in claims
                       if c.kind == "quote" or c.source_start is not None)
        starts = [s for s, _ in spans]
        ends = _running_max([e for _, e in spans])
        cues = sorted((c.cue_start, c.cue_end) for c in claims if c.cue_start is not None)
        cue_starts = [s for s, _ in cues]
        found = []
        lemmas = self.lemma_hashes()
        for i in np.flatnonzero(np.isin(lemmas, _new_cue_hashes(model))).tolist():
            tok = self.doc[i]
            if tok.pos_ not in claim_model.CUE_POS or self.discourse_marker(tok) or \
                    self.anonymity(tok) or _aspect(tok):
                continue
            pos = tok.idx
            k = bisect_right(starts, pos) - 1
            if k >= 0 and ends[k] > pos:
                continue  # inside what somebody is said to say
            k = bisect_right(cue_starts, pos) - 1
            if k >= 0 and cues[k][1] > pos:
                continue  # the cue of a claim already
            found.append(tok)
        return found

    def model_claims(self, claims: list[Claim]) -> None:
        """Attributions the rules do not read, from the learned layer (:mod:`claim_model`):
        a cue the model knows that no claim uses yet and that no attributed claim's content
        holds, with the source and content the model picks for it."""
        model = claim_model.current()
        if model is None or not len(self.doc):
            return
        doc = self.doc
        for tok in self.open_candidates(claims, model):
            pos = tok.idx
            if not claim_model.is_cue(model, tok, self.quote_at(pos) is not None, CUE_CLASSES):
                continue
            found = claim_model.read_cue(model, tok, claim_model.cue_class(
                claim_model.lemma_of(tok), CUE_CLASSES))
            if found is None:
                continue
            lo, hi = found.content
            start, end = doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1])
            if not found.source:
                continue  # a cue without a speaker ("known for", "named best film") says nothing
            source = doc[found.source[0]:found.source[1]]
            words = [tok] + [c for c in tok.children if c.dep_ == "prt"]
            att = Attribution(words, source, self.resolve(source, pos))
            if att.source is None:
                continue
            mod = modality.of_head(found.head)
            if mod == modality.ASSERTED and lemma_of(tok) in _LOOKS_FORWARD:
                mod = modality.EXPECTED
            if modality.cue_negated(tok):
                mod = modality.DENIED
            claims.append(self.claim("reported", start, end, att, mod,
                                     self.said_on(tok, (start, end))))

    def light_verb(self, verb: Token, claims: list[Claim]) -> None:
        """A claim made with a light verb and a noun that says what kind of saying it is:
        "made the case that ...", "made the point that ...", "made clear (that) ...", "took a
        swipe at ...". The cue is the verb with that noun; the content the clause that hangs
        off either, or else what follows the noun's preposition."""
        nouns = [c for c in verb.children if c.lemma_.lower() in LIGHT_VERBS[lemma_of(verb)]
                 and c.i > verb.i]
        if not nouns:
            return
        noun = nouns[0]
        clauses = [c for c in list(noun.children) + list(verb.children)
                   if c.i > noun.i and c.dep_ in ("ccomp", "acl", "advcl", "xcomp", "relcl")
                   and c.pos_ in ("VERB", "AUX")]
        cue = [verb, noun]
        if clauses:
            lo, hi, head = self._extent(clauses[:1])
        else:  # "took a swipe at X", "took issue with X", "took responsibility for X"
            preps = [c for c in list(noun.children) + list(verb.children)
                     if c.i > noun.i and c.dep_ == "prep" and c.lower_ in _LIGHT_PREPS]
            objects = [o for o in (preps[0].children if preps else ()) if o.dep_ in
                       ("pobj", "pcomp")]
            if not objects:
                return
            lo, hi, head = self._extent(objects[:1])
            cue.append(preps[0])
        source = self.source_phrase(verb)
        if source is None:
            return
        att = Attribution(cue, source, self.resolve(source, verb.idx))
        mod = modality.DENIED if modality.cue_negated(verb) or any(
            c.dep_ == "det" and c.lower_ == "no" for c in noun.children) \
            else modality.of_head(head)  # "made no mention of"
        claims.append(self.claim("reported", lo, hi, att, mod, self.said_on(verb, (lo, hi))))

    def figure_given(self, verb: Token, claims: list[Claim]) -> None:
        """A figure somebody gives with a verb of placing: "Health authorities put the death
        toll at 43", "officials raised the number of dead to 50". The cue is the verb, the
        content the figure's noun with its "at"/"to" phrase."""
        nouns = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass") and
                 c.lemma_.lower() in FIGURE_NOUNS]
        if not nouns:
            return
        noun = nouns[0]
        value = [c for c in list(verb.children) + list(noun.children)
                 if c.dep_ == "prep" and c.lower_ in ("at", "to") and c.i > noun.i
                 and any(g.dep_ == "pobj" for g in c.children)]
        if not value:
            return
        source = self.source_phrase(verb) if noun.dep_ == "dobj" else None
        if source is None:
            return
        last = max(value[0].right_edge, noun.right_edge, key=lambda t: t.i)
        lo, hi = noun.left_edge.idx, last.idx + len(last)
        att = Attribution([verb], source, self.resolve(source, verb.idx))
        mod = modality.DENIED if modality.cue_negated(verb) else modality.of_head(verb)
        claims.append(self.claim("reported", lo, hi, att, mod, self.said_on(verb, (lo, hi))))

    def headline_claims(self, claims: list[Claim]) -> None:
        """A line whose words before a colon name who says the rest ("Graham: Trump's rhetoric
        is destroying the party"), as headlines and summaries put it. The name must be an
        entity or a source noun, with no verb (else it is a sentence, read elsewhere)."""
        covered = [(c.start, c.end) for c in claims if c.cue_start is not None]
        for m in _LABELLED_LINE.finditer(self.text):
            lo, hi = m.span(2)
            hi = _rstrip(self.text, lo, hi)
            # a transcript's speaker label ("WALLACE: ...", "MR. PENCE: ..."): the whole turn
            # is that speaker's, with whatever claims it reports
            turn = _SPEAKER_LABEL.fullmatch(m.group(1)) is not None
            if len(self.text[lo:hi].split()) < 3 or not turn and \
                    any(s < hi and lo < e for s, e in covered):
                continue
            label = self.ctx.char_span(m.start(1), m.end(1), alignment_mode="expand")
            if label is None or not len(label) or len(label) > 8 or any(
                    t.pos_ in ("AUX", "PRON") or t.pos_ == "VERB" and not turn
                    or t.lower_ in LINE_LABELS for t in label):
                continue
            named = self.mentions.within(label.start_char, label.end_char)
            if not named and not turn and label.root.lemma_.lower() not in NOMINAL_SOURCES:
                continue
            colon = self.ctx.char_span(m.end(1), m.end(1) + 1, alignment_mode="expand")
            if colon is None or not len(colon):
                continue
            entity = self.resolve(label, label.start_char)
            att = Attribution([colon[0]], label, entity)
            content = self.ctx.char_span(lo, hi, alignment_mode="expand")
            mod = modality.of_span(content) if content is not None and len(content) \
                else modality.ASSERTED
            claims.append(self.claim("reported", lo, hi, att, mod, None))

    def nominal(self, noun: Token, claims: list[Claim]) -> None:
        """A claim named by a noun with its holder: "his claim that ...", "Trump's view of
        trade", "the warning by officials that ..."."""
        if self.quote_at(noun.idx) is not None:
            return
        source = None
        content: list[Token] = []
        cue = [noun]
        for child in noun.children:
            if child.dep_ == "poss":
                source = self.doc[child.left_edge.i:child.right_edge.i + 1]
            elif child.dep_ == "prep" and child.lower_ in ("by", "from") and source is None:
                pobj = [c for c in child.children if c.dep_ == "pobj"]
                if pobj:
                    source = self.doc[pobj[0].left_edge.i:pobj[0].right_edge.i + 1]
            elif child.i > noun.i and not content:
                if child.dep_ in ("acl", "ccomp") and any(
                        m.dep_ == "mark" and m.lower_ == "that" for m in child.children):
                    content = [child]
                elif child.dep_ == "acl" and lemma_of(noun) in _INTENT_NOUNS and any(
                        m.dep_ == "aux" and m.lower_ == "to" for m in child.children):
                    content = [child]  # "calls from her opponents to break up the banks"
                elif child.dep_ == "prep" and child.lower_ in _NOMINAL_PREPS and not (
                        lemma_of(noun) == "call" and child.lower_ != "for"):  # a phone call to
                    pobj = [c for c in child.children if c.dep_ in ("pobj", "pcomp")]
                    if pobj:
                        content, cue = pobj, [noun, child]
        if not content and noun.dep_ == "dobj" and lemma_of(noun.head) in HOLDING_VERBS:
            # "have thrown their support behind X": the parser hung the preposition on the verb
            for child in noun.head.children:
                if child.dep_ == "prep" and child.i == noun.right_edge.i + 1 and \
                        child.lower_ in _NOMINAL_PREPS:
                    pobj = [c for c in child.children if c.dep_ in ("pobj", "pcomp")]
                    if pobj:
                        content, cue = pobj, [noun, child]
        if not content:
            return
        holder = self.clause_holder(noun, source)
        if holder is not None:  # "She escalated her attacks on X": she says it
            source, verb = holder
            cue = [verb] + cue
            # the verb read as a cue of its own took the noun for what is said ("voiced |
            # support for X"): this reading replaces it. Claims come in text order, so that
            # one is among the last few (a bounded look back keeps long texts linear).
            for k in range(len(claims) - 1, max(-1, len(claims) - 9), -1):
                c = claims[k]
                if c.cue_start == verb.idx and c.start <= noun.idx < c.end:
                    del claims[k]
                    break
        if source is None:
            return
        lo, hi, head = self._extent(content)
        att = Attribution(cue, source, self.resolve(source, noun.idx))
        mod = modality.of_head(head)
        if mod == modality.ASSERTED and lemma_of(noun) in _INTENT_NOUNS and head.dep_ == "acl":
            mod = modality.EXPECTED  # "his proposal to ban ...": not done yet
        # no date: a claim named by a noun may have been made any time before
        claims.append(self.claim("reported", lo, hi, att, mod, None))

    def received(self, noun: Token, claims: list[Claim]) -> bool:
        """A stance received from someone: "Clinton received support from six in 10
        Democrats", "the plan drew criticism from rights groups", "picked up the endorsement
        of Gov. Walker". Whoever it comes from is the source, the receiving verb's subject
        what the stance is about; the verb and the noun make the cue. Whether it applied."""
        verb = noun.head
        if noun.dep_ != "dobj" or verb.pos_ not in ("VERB", "AUX") or verb.i > noun.i or \
                not RECEIVING_NOUNS & {noun.lower_, lemma_of(noun)} or \
                lemma_of(verb) not in RECEIVING_VERBS or verb.tag_ == "VB" or \
                any(c.tag_ == "MD" for c in verb.children):
            return False  # "needs to win the support of": none is given yet
        giver = [c for c in list(noun.children) + list(verb.children)
                 if c.dep_ == "prep" and c.lower_ in _GIVERS and c.i > noun.i]
        pobj = [c for g in giver[:1] for c in g.children if c.dep_ == "pobj"]
        subject = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not pobj or not subject:
            return False
        source = self.doc[pobj[0].left_edge.i:pobj[0].right_edge.i + 1]
        lo, hi, head = self._extent(subject[:1])
        cue = [verb] + [c for c in verb.children if c.dep_ == "prt"] + [noun, giver[0]]
        att = Attribution(cue, source, self.resolve(source, noun.idx))
        claims.append(self.claim("reported", lo, hi, att, modality.of_head(verb), None))
        return True

    def stance_adjective(self, adj: Token, claims: list[Claim]) -> None:
        """A state of mind the subject of a linking verb is in, about what follows: "Western
        officials are worried that Russia will ...", "analysts remain skeptical of the deal",
        "the senator has been critical of the plan", "Kyiv is confident it can hold". The
        cue is the adjective (with its preposition), the source the subject; none without
        something it is about ("they were confident.")."""
        link = adj.head
        cue = [adj]
        content: list[Token] = []
        before = self.doc[adj.i - 1] if adj.i > 0 else adj
        if adj.dep_ == "amod" and before.pos_ == "AUX" and lemma_of(before) in _LINKING and \
                adj.head.dep_ == "nsubj" and adj.head.head.dep_ == "ccomp" and \
                adj.head.head.head.i == before.i:
            # "Ayres is skeptical Trump can overcome ...": parsed as if "skeptical Trump"
            link, content = before, [adj.head.head]
        elif adj.dep_ != "acomp" or lemma_of(link) not in _LINKING:
            return
        if self.quote_at(adj.idx) is not None:
            return
        for child in adj.children:
            if child.i < adj.i:
                continue
            if child.dep_ in ("ccomp", "xcomp") and child.pos_ in ("VERB", "AUX"):
                content = [child]
            elif child.dep_ == "prep" and child.lower_ in STANCE_ADJECTIVES[adj.lower_]:
                objects = [c for c in child.children if c.dep_ in ("pobj", "pcomp")]
                if objects:
                    content, cue = objects, [adj, child]
            if content:
                break
        if not content:
            return
        source = self.source_phrase(link)
        if source is None or source.root.lower_ in ("it", "there", "this", "that"):
            return  # "it is unclear whether" names nobody
        lo, hi, head = self._extent(content)
        lo = max(lo, adj.idx + len(adj))
        while lo < hi and self.text[lo].isspace():
            lo += 1
        att = Attribution(cue, source, self.resolve(source, adj.idx))
        if att.source is None:
            return
        negated = modality.cue_negated(link) or any(c.dep_ == "neg" for c in adj.children)
        mod = modality.DENIED if negated else modality.of_head(head)
        said = self.said_on(adj, (lo, hi)) or self.said_on(link, (lo, hi))
        claims.append(self.claim("reported", lo, hi, att, mod, said))

    def clause_holder(self, noun: Token, possessor: Span | None) -> tuple[Span, Token] | None:
        """The subject phrase and verb of a clause whose subject holds the claim a noun
        names: through a possessive pronoun ("Fallon expressed his support for ...", "she
        escalated her attacks on ...", "is doubling down on his support for ..."), or as the
        object of a holding verb ("Le Pen voiced support for ...", "took a firm stance
        against ..."). The verb says what the holder does with it and joins the cue. None
        where the possessor is no pronoun, or does not agree with a pronoun subject."""
        if possessor is not None and (len(possessor) != 1 or
                                      possessor[0].lower_ not in _OWN_PRONOUN):
            return None
        verb = noun.head
        if noun.dep_ == "pobj" and verb.dep_ == "prep":
            verb = verb.head
        elif noun.dep_ != "dobj":
            return None
        if verb.pos_ not in ("VERB", "AUX") or verb.i > noun.i:
            return None
        if possessor is None and lemma_of(verb) not in HOLDING_VERBS:
            return None
        subject = self.source_phrase(verb)
        if subject is None:
            return None
        if possessor is not None and len(subject) == 1 and subject[0].pos_ == "PRON" and \
                subject[0].lower_ not in _OWN_PRONOUN[possessor[0].lower_]:
            return None
        return subject, verb

    def sourceless(self, cue: Token, claims: list[Claim]) -> None:
        """A claim nobody is named for, read off a raising verb or an agentless passive: "the
        deal seems to hold", "it appears that ...", "X is expected to win", "it was revealed
        that ...". The content runs from the subject through the complement; no source."""
        children = list(cue.children)
        if any(c.dep_ == "agent" for c in children):
            return
        subj = [c for c in children if c.dep_ in ("nsubj", "nsubjpass", "expl")]
        comp = [c for c in children if c.dep_ in _SOURCELESS_COMPLEMENTS and c.i > cue.i]
        if not subj or not comp or subj[0].i > cue.i:
            return
        if cue.tag_ == "VBN" and not any(c.dep_ in ("auxpass", "nsubjpass") for c in children):
            return
        if comp[0].dep_ == "xcomp" and subj[0].dep_ == "nsubj" and self.is_cue(comp[0]) and \
                _someone(subj[0]):
            return  # "the party seemed to acknowledge X": the party's, hedged (reported_claims)
        if subj[0].dep_ == "expl" or subj[0].lower_ == "it" and comp[0].dep_ == "ccomp":
            lo, hi, head = self._extent_after(cue, comp[:1])  # "it appears that ..."
        else:
            lo = subj[0].left_edge.idx
            _lo, hi, head = self._extent_after(cue, comp[:1])
        mod = modality.of_head(head)
        if mod == modality.ASSERTED:
            mod = modality.EXPECTED if cue.lemma_ in _LOOKS_FORWARD else modality.HEDGED
        att = Attribution([cue], None, None)
        claims.append(self.claim("reported", lo, hi, att, mod, None))

    def viewpoint_claims(self, claims: list[Claim]) -> None:
        """A sentence opened by whose view it gives: "To Frank, the party has moved left",
        "For many evangelical voters, terrorism is the top issue": the opener's person or
        group holds what follows its comma. Only people ("To date, ...", "For years, ..."
        open no view; after "for", only a group), and only a clause with a subject after
        the comma."""
        doc = self.doc
        for sent in self.ctx.sentences:
            first = sent.start
            if first < len(doc) and doc[first].lower_ in ("but", "and", "yet") and \
                    first + 1 < sent.end:
                first += 1
            prep = doc[first]
            if prep.lower_ not in _VIEW_PREPS or self.quote_at(prep.idx) is not None:
                continue
            holder = [c for c in prep.children if c.dep_ == "pobj"]
            if not holder or not (_someone(holder[0]) or prep.lower_ == "to" and
                                  holder[0].pos_ == "PROPN") or \
                    holder[0].lower_ in _VIEWLESS or \
                    any(t.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL")
                        for t in doc[holder[0].left_edge.i:holder[0].i + 1]):
                continue
            if prep.lower_ == "for" and not (holder[0].tag_ == "NNS" or
                                             holder[0].lower_ in _SOME_PEOPLE):
                continue  # "For Trump, the stakes are high": about him, not his view
            source = doc[holder[0].left_edge.i:holder[0].right_edge.i + 1]
            found = self.after_opener(prep)
            if found is None or any(c.start <= found[0] < c.end or
                                    found[0] <= c.start < found[1] for c in claims
                                    if c.kind != "unattributed"):
                continue
            lo, hi, _first_verb = found
            verb = next((t for t in doc[prep.right_edge.i + 1:sent.end] if any(
                c.dep_ in ("nsubj", "nsubjpass", "expl") for c in t.children)), None)
            if verb is None or verb.idx >= hi:
                continue
            att = Attribution([prep], source, self.resolve(source, holder[0].idx))
            claims.append(self.claim("reported", lo, hi, att, modality.of_head(verb), None))

    def in_source(self, noun: Token, claims: list[Claim]) -> None:
        """A finding placed in its source: "In a poll released Monday, 50 percent chose X"."""
        prep = noun.head
        if self.quote_at(noun.idx) is not None:
            return
        source = self.doc[noun.left_edge.i:noun.right_edge.i + 1]
        found = self.finding_clause(prep, source)
        if found is None:
            return
        lo, hi, verb = found
        if lemma_of(noun) in _VEHICLES and (
                any(c.dep_ == "poss" for c in noun.children) or any(
                    lemma_of(t) in _SAYING and t.pos_ == "VERB" and
                    any(c.dep_ == "nsubj" for c in t.children)
                    for t in self.ctx.char_span(lo, hi) or ())):
            return  # "In a statement, the ministry said ...": the words' speaker is the source
        att = Attribution([prep], source, self.resolve(source, noun.idx))
        claims.append(self.claim("reported", lo, hi, att, modality.of_head(verb), None))

    def finding_clause(self, prep: Token, source: Span) -> tuple[int, int, Token] | None:
        """(start, end, verb) of the clause a source phrase opened by ``prep`` is put
        before, or None: only a finding put first ("In a poll, ..."), not "said in a
        statement that"."""
        verb = prep.head
        if prep.i == prep.sent.start and not (
                verb.pos_ in ("VERB", "AUX") and prep.i < verb.i and any(
                    c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children)):
            # the parse lost the clause after the opener ("In an ABC News Poll released
            # Sunday, three of four Americans disapproved ...": a noun made the root; "In the
            # poll, conducted March 11-13, 40 percent ...": the participle made the root)
            return self.after_opener(prep)
        if prep.i > prep.head.i and lemma_of(source.root) in STANDING_SOURCES:
            return self.standing_in(prep, source)
        if prep.dep_ != "prep" or verb.pos_ not in ("VERB", "AUX") or prep.i > verb.i or \
                self.is_cue(verb):
            return None
        parts = [c for c in verb.children if c is not prep and not c.is_punct]
        if not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in parts):
            return None
        lo, hi, _head = self._extent(parts)
        lo = max(min(lo, verb.idx), source.end_char)
        while lo < hi and (self.text[lo].isspace() or self.text[lo] in ",;:—–"):
            lo += 1  # the comma after the source phrase
        if not self.text[lo:hi].strip(" ,.;"):
            return None
        return lo, hi, verb

    def standing_in(self, prep: Token, source: Span) -> tuple[int, int, Token] | None:
        """The clause that a poll or ranking named after it measures: "Trump leads Cruz by
        nine points in the RealClearPolitics average", "Obama's approval rating in the latest
        poll stands at 53%": (start, end, verb) of the clause less the source phrase where it
        ends it; None where the clause is somebody's claim already (a cue verb) or has no
        subject."""
        noun = source.root
        if not (noun.tag_ in ("NN", "NNP") and any(c.dep_ in ("det", "poss") for c in noun.children)
                or any(t.pos_ == "PROPN" or t.tag_ == "VBN" for t in source)):
            return None  # "leads in the polls", "in national polls": no one poll says it
        verb = prep.head
        for _ in range(3):  # "his lead in the poll has evaporated": up from the noun
            if verb.pos_ in ("VERB", "AUX") or verb.dep_ == "ROOT":
                break
            verb = verb.head
        if verb.pos_ not in ("VERB", "AUX") or self.is_cue(verb) or \
                lemma_of(verb) in SOURCELESS or not any(
                    c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children):
            return None
        parts = [c for c in verb.children if not c.is_punct and not (
            c.dep_ in ("cc", "conj") and c.i > prep.i) and c.dep_ != "mark"]
        lo, hi, _head = self._extent(parts)
        lo = min(lo, verb.idx)
        if prep.idx >= lo and source.end_char >= hi - 1:
            hi = prep.idx  # the source closes the clause: what it measures is before it
        hi = _rstrip(self.text, lo, hi)
        while hi > lo and self.text[hi - 1] in ",;:—–":
            hi = _rstrip(self.text, lo, hi - 1)
        words = self.ctx.char_span(lo, hi, alignment_mode="expand") if hi > lo else None
        if not words or not any(t.like_num or t.text == "%" or t.lower_ in STANDING_WORDS or
                                t.lemma_.lower() in STANDING_WORDS for t in words
                                if not source.start <= t.i < source.end):
            return None  # "He took part in the survey": no standing read from it
        return lo, hi, verb

    def after_opener(self, prep: Token) -> tuple[int, int, Token] | None:
        """The rest of a sentence after an opening phrase and its comma, with a participle
        set off after it ("In the new poll, conducted March 11-13, 40 percent back X"):
        (start, end, its root word), or None where no comma closes the opener or no clause
        with a verb follows."""
        doc, sent = self.doc, prep.sent
        i = prep.right_edge.i + 1
        for _ in range(2):
            if i >= sent.end or doc[i].text != ",":
                return None
            i += 1
            if i < sent.end and doc[i].tag_ in ("VBN", "VBG"):
                while i < sent.end and doc[i].text != ",":
                    i += 1
                continue
            break
        words = doc[i:sent.end]
        while len(words) and (words[-1].is_punct or words[-1].is_space):
            words = words[:-1]
        verbs = [t for t in words if t.pos_ in ("VERB", "AUX")]
        if len(words) < 3 or not verbs:
            return None
        return words.start_char, words.end_char, verbs[0]

    def through_quote(self, lo: int, hi: int, claimed: set[int]) -> int:
        """The end of a reported content that opens a quotation without closing it ("said
        that he was the only one “fighting for the Constitution. I'll tell you ...”"): the
        quote's end, unless that quote is a claim of its own."""
        i = bisect_left(self.quote_starts, hi) - 1
        if i < 0:
            return hi
        q = self.quotes[i]
        if lo <= q.open_mark and q.end > hi and q.open_mark not in claimed:
            return closing_end(self.text, q)
        return hi

    def according_attribution(self, tok: Token) -> Attribution | None:
        """Cue ("according to") and source of "according to X"; None without an object."""
        to = self.doc[tok.i + 1]
        pobj = [c for c in to.children if c.dep_ == "pobj"] or \
            [c for c in tok.children if c.dep_ == "pobj"]
        if pobj:
            src = pobj[0]
            heads = [src] + [c for c in src.children if c.dep_ == "appos" and c.i > src.i]
            end = self.before_own_claim(heads, src.right_edge.i) + 1
            while end > src.i + 1 and self.doc[end - 1].is_space:
                end -= 1  # a paragraph break the parse hung on the source's last word
            source = self.doc[src.left_edge.i:end]
        else:
            source = self.words_after(to)
            if source is None:
                return None
        return Attribution([tok, to], source, self.resolve(source, tok.idx))

    def words_after(self, to: Token) -> Span | None:
        """The noun phrase written after "according to" when the parse gives it no object
        (an abbreviation ending the paragraph, "according to the F.A.A.", parses as
        punctuation): the words up to the next comma, semicolon or the sentence's end, when
        they name something."""
        end = to.i + 1
        while end < to.sent.end and not (self.doc[end].is_punct and self.doc[end].text in ",;:.!?"
                                         ) and not self.doc[end].is_space:
            end += 1
        words = self.doc[to.i + 1:end]
        if not len(words) or len(words) > 12 or not any(
                t.pos_ in ("NOUN", "PROPN", "PRON") for t in words):
            return None
        return words

    def according_to(self, tok: Token, claims: list[Claim]) -> None:
        att = self.according_attribution(tok)
        if att is None:
            return
        source = att.source
        sent = tok.sent
        phrase_lo = tok.idx
        # the phrase ends after its object's whole subtree ("according to the governor, who
        # said ...": that clause is neither source nor content)
        last = self.doc[max(self.doc[tok.i + 1].right_edge.i, source[-1].i)]
        phrase_hi = last.idx + len(last) if last.i < tok.sent.end else source.end_char
        lo_bound, hi_bound = sent.start_char, sent.end_char
        q = self.quote_at(tok.idx)
        if q is not None and q.start <= tok.idx:  # '"The driver fired, according to police."'
            lo_bound, hi_bound = max(lo_bound, q.start), min(hi_bound, q.end)
        left = (lo_bound, phrase_lo)
        right = (phrase_hi, max(phrase_hi, hi_bound))
        lo, hi = max(left, right, key=lambda r: len(self.text[r[0]:r[1]].strip(" ,.;")))
        while lo < hi and self.text[lo] in _AROUND_ACCORDING:  # ", Russian forces advanced."
            lo += 1
        while hi > lo and self.text[hi - 1] in _AROUND_ACCORDING:
            hi -= 1
        if lo >= hi:
            return
        span = self.ctx.char_span(lo, hi, alignment_mode="contract")
        mod = modality.of_span(span) if span is not None and len(span) else "asserted"
        published = self.ctx.published.isoformat() if self.ctx.published else None
        claims.append(self.claim("reported", lo, hi, att, mod, published))

    def first_head(self, span: Span) -> Token:
        """The head :func:`modality.of_span` reads: the span's first verbal clause head (a
        token whose head lies outside the span, or itself), else its first head; found on
        arrays of the whole document rather than token by token."""
        if self._heads is None:
            arr = self.doc.to_array([HEAD, POS]).astype(np.int64)
            self._heads = arr[:, 0] + np.arange(len(self.doc))
            self._verbal = np.isin(arr[:, 1], (VERB, AUX))
        lo, hi = span.start, span.end
        heads = self._heads[lo:hi]
        idx = np.arange(lo, hi)
        roots = (heads == idx) | (heads < lo) | (heads >= hi)
        verbal = np.flatnonzero(roots & self._verbal[lo:hi])
        first = verbal[0] if len(verbal) else np.flatnonzero(roots)[0]
        return self.doc[lo + int(first)]

    def unattributed_claims(self, claims: list[Claim]) -> None:
        covered = sorted((c.start, c.end) for c in claims)
        starts = [c[0] for c in covered]
        quantities = sorted(q.start for q in self.ctx.record.quantities)
        published = self.ctx.published.isoformat() if self.ctx.published else None
        # running count of superlatives ("the largest", "most"), read as arrays, not tokens
        superlatives = np.concatenate(([0], np.cumsum(np.isin(
            self.doc.to_array(TAG), _SUPERLATIVE_TAGS)))).tolist()
        for i, sent in enumerate(self.ctx.sentences.spans):
            if i == 0 and self.ctx.article.title and sent.text.strip() == self.ctx.article.title:
                continue  # the headline
            s, e = sent.start_char, sent.end_char
            j = bisect_left(starts, e)
            if any(cs < e and ce > s for cs, ce in covered[max(0, j - 8):j]):
                continue
            if self.quote_at(s + len(sent.text) - len(sent.text.lstrip())) is not None:
                continue
            stripped = sent.text.strip()
            if len(stripped.split()) < 4 or stripped.endswith("?"):
                continue
            if self.is_cue(sent.root):
                continue  # attribution we could not resolve: not the writer's own claim
            mod = modality.of_head(self.first_head(sent), sent)
            k = bisect_left(quantities, s)
            counts = k < len(quantities) and quantities[k] < e
            ranks = bool(superlatives[sent.end] - superlatives[sent.start])
            if mod in (modality.EXPECTED, modality.HEDGED, modality.CONDITIONAL) or counts \
                    or ranks:
                claims.append(self.claim("unattributed", s, e, None, mod, published))


# The rule lexicon's class of each cue lemma, a feature of the learned layer.
CUE_CLASSES: dict[str, str] = {}
for _name in ("speech", "finding", "cognition", "stance", "emotion_verbs", "intent",
              "nominal_cues",
              "nominal_sources", "sourceless", "sourceless_passive", "quote_cues"):
    for _w in sorted(_LEX.get(_name, ())):
        CUE_CLASSES.setdefault(_w, _name)

_NEW_CUES: dict[int, np.ndarray] = {}


def _new_cue_hashes(model: claim_model.ClaimModel) -> np.ndarray:
    """Hashes of the lemmas the learned layer may read as new cues: those it scores that the
    lexicon knows as cues. Attribution corpora also mark verbs of action as cues ("passed the
    plan", "angered the club"): for an analyst those are events, not claims. Quote-only cues
    ("the sign read") are the quote rules' to read. Kept per model: tests swap models in."""
    key = hash((id(model), model.hashes.size, len(CUE_CLASSES)))
    if key not in _NEW_CUES:
        words = sorted(w for w in model.lemmas if w in CUE_CLASSES and w not in QUOTE_CUES)
        _NEW_CUES.clear()
        _NEW_CUES[key] = np.array([hash_string(w) for w in words], dtype=np.uint64)
    return _NEW_CUES[key]


_SUPERLATIVE_TAGS = np.array([hash_string("JJS"), hash_string("RBS")], dtype=np.uint64)

# Verbs of aspect that are also cues ("he continued: ..."), no cue with an infinitive.
_ASPECTUAL = frozenset({"continue", "begin", "start", "keep", "resume"})
# A possessive pronoun and the subject pronouns it agrees with.
_OWN_PRONOUN = {"his": ("he",), "her": ("she",), "its": ("it",), "their": ("they",),
                "our": ("we",), "my": ("i",), "your": ("you",)}
# Parts of speech of a plain noun phrase ("the state's election officials").
_NOUN_PHRASE = frozenset({"DET", "ADJ", "NOUN", "PROPN", "PRON", "NUM"})
# Tags and attributes of markup: '<', '>' or an attribute's '="'.
_MARKUP = re.compile(r'[<>]|=\s*"')
# Relative pronouns: a source that names its speaker through the noun its clause hangs off.
_RELATIVE = frozenset({"who", "which", "that", "whom"})
_COMPANY = frozenset({"along", "alongside", "together", "like"})  # "X, along with Y, said"
# cues whose object holds the view ("X worries Y", "X convinced Y that ..."), and the kinds of
# name that make a subject someone who argues rather than a thing that persuades
_EXPERIENCER_OBJECT = frozenset({"worry", "concern", "convince", "persuade"}) | EMOTION_VERBS
# the verbs of feeling among them: in the passive, the subject feels it about the agent
_FEELING = frozenset({"worry", "concern"}) | EMOTION_VERBS
_AGENT_TYPES = frozenset({"PERSON", "ORG", "NORP", "GPE"})
# Sources that carry somebody's words rather than find anything: "In a statement, the
# ministry said ..." is the ministry's claim, made in a statement.
_VEHICLES = frozenset({"statement", "letter", "memo", "complaint", "filing", "document",
                       "briefing", "indictment"})
# Verbs whose subject, not their object, does what the clause after the object says
# ("promised voters to cut taxes")
_SUBJECT_CONTROL = frozenset({"promise", "vow", "pledge", "threaten"})
# Verbs that leave their object doing something, which the parser may make an adverbial
# clause ("has left many Republicans, including his supporters, wondering what ...")
_LEAVING = frozenset({"leave"})
# Conjunctions that set another side's claim against the first ("..., while X says ...")
_CONTRASTING = frozenset({"while", "whereas", "as"})
# Verbs by which somebody is heard saying something ("is quoted as saying", "was heard
# telling", "was caught on tape saying"): in the passive, their subject is the speaker
_WITNESSED = frozenset({"quote", "hear", "catch", "record", "tape", "film", "overhear",
                        "see", "cite"})
# Nouns of "in favor of", "in support of", "in opposition to": the stance a verb acts in
_IN_STANCE = frozenset({"favor", "favour", "support", "opposition", "defense", "defence",
                        "praise", "protest", "solidarity"})
# Adverbs that limit who is meant and stay in the source ("not all", "only", "nearly half")
_LIMITING = frozenset({"not", "only", "just", "nearly", "almost", "roughly", "about",
                       "barely", "fully", "well", "exactly", "precisely", "at"})
# What is spoken, put out with a verb of issuing before a colon and a quote ("delivered a
# snappy retort: “...”"), beside the lexicon's media nouns (statement, letter, tweet)
_SPOKEN_NOUNS = frozenset({"retort", "response", "answer", "reply", "remark", "remarks",
                           "message", "warning", "plea", "rebuttal", "riposte", "comment",
                           "comments", "words", "line", "explanation", "apology", "defense",
                           "stance", "position", "view", "argument", "case"})
# Nouns of what somebody wants done, read with their to-clause where a holder is named
# ("Trump's proposal to ban Muslims", "calls from her rivals to break up the banks")
_INTENT_NOUNS = frozenset({"call", "demand", "plea", "appeal", "pledge", "promise", "vow",
                           "threat", "proposal", "request", "ultimatum", "offer"})
# Prepositions that open a sentence with whose view it is ("To Frank, ...", "For voters, ...")
_VIEW_PREPS = frozenset({"to", "for"})
# After "for", only a group of people holds the view ("For many voters", "For some"); a name
# is what the sentence is about ("For Trump, the stakes are high").
_SOME_PEOPLE = frozenset({"some", "many", "most", "others", "few", "several"})
# Pronouns after them that hold no view ("For that, ...", "To this, ...", "For it")
_VIEWLESS = frozenset({"that", "this", "it", "these", "those", "which", "what", "all", "one"})
_ANONYMITY_VERBS = frozenset({"ask", "request", "decline", "speak", "refuse", "insist"})
_ANONYMITY_WORDS = frozenset({"named", "identified", "anonymity", "anonymously", "quoted"})
_AROUND_ACCORDING = frozenset(" \t\n,.;:")  # trimmed from what "according to" reports
_BEFORE_CUE = frozenset({"aux", "neg", "advmod", "prep", "npadvmod"})  # "have also said"
_ROUGHLY = frozenset({"about", "nearly", "almost", "some", "over", "more", "most", "fewer",
                      "roughly", "only", "just"})  # "About 4 in 10 say"

# Cue words the lemmatizer gets wrong ("hoping" -> "hop").
_LEMMA_FIXES = {"hoping": "hope", "hopes": "hope", "hoped": "hope"}


# Hashes of every word that can start a cue (lemmas and, for the lemmatizer's slips, forms).
_CUE_HASHES = np.array(sorted({hash_string(w) for w in (
    CUES | NOMINAL_CUES | NOMINAL_SOURCES | STANDING_SOURCES | SOURCELESS | set(LIGHT_VERBS)
    | set(_LEMMA_FIXES)
    | RECEIVING_NOUNS
    | FIGURE_VERBS | set(STANCE_ADJECTIVES) | set(PHRASAL_CUES) | {"according"})}),
    dtype=np.uint64)


def _puts_it(tok: Token) -> bool:
    """Whether a verb is "put it" as a way of saying ("as one diplomat put it")."""
    return lemma_of(tok) == "put" and any(c.dep_ == "dobj" and c.lower_ == "it"
                                          for c in tok.children)


def _finite(verb: Token) -> bool:
    """Whether a verb heads a clause of its own (a tense or an auxiliary), not a participle
    hanging off something ("some of it mentioning Mr. Trump")."""
    return verb.tag_ in ("VBD", "VBZ", "VBP") or any(
        c.dep_ in ("aux", "auxpass") for c in verb.children)


def _abbreviation_dot(tok: Token) -> bool:
    """Whether a full stop token ends an abbreviation rather than a sentence: a comma, a
    bracket or a lowercase word follows ("Cambridge, Mass., said")."""
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    return nxt is not None and (nxt.text in (",", ")") or nxt.text[:1].islower())


def _someone(head: Token) -> bool:
    """Whether a noun phrase's head names a person or a body of people: a pronoun, a name
    the tagger sees as one, or a title or group noun of the actors lexicon ("the minister",
    "officials")."""
    if head.pos_ == "PRON" or head.ent_type_ in _AGENT_TYPES:
        return True
    lex = actors.lexicon()
    return head.lower_ in lex.titles or head.lower_ in lex.people_nouns or \
        head.lemma_.lower() in lex.people_nouns


def lemma_of(tok: Token) -> str:
    low = tok.lower_
    fixed = _LEMMA_FIXES.get(low)
    if fixed is not None:
        return fixed
    if low == "found" and (tok.tag_ in ("VB", "VBP") or tok.i > 0 and
                           tok.nbor(-1).lower_ in ("help", "helps", "helped", "helping",
                                                   "to")):
        return "found"  # "helped found the group": to found, not to find
    return tok.lemma_.lower()


def _particle(tok: Token) -> Token | None:
    """The particle that makes a phrasal verb a cue ("fired back", "lashed out", "tore
    into"), or None."""
    parts = PHRASAL_CUES.get(lemma_of(tok))
    if not parts:
        return None
    for c in tok.children:
        if c.i > tok.i and c.dep_ in ("prt", "advmod", "prep") and c.lower_ in parts:
            return c
    return None


def _aspect(tok: Token) -> bool:
    """A verb of aspect with an infinitive that is no cue ("continues to lead in the polls"):
    it says how long something goes on, not that anybody says so. With a cue ("continued
    to insist that ...") the two read as one cue."""
    if lemma_of(tok) not in _ASPECTUAL:
        return False
    model = claim_model.current()
    known = model.lemmas if model is not None else frozenset()
    return any(c.dep_ == "xcomp" and c.i > tok.i and lemma_of(c) not in CUES and
               lemma_of(c) not in known for c in tok.children)


def outermost(claims: list[Claim]) -> list[Claim]:
    """Claims less those whose cue lies inside another claim's content ("He said Russia
    believes ..."): the inner one is part of what the outer speaker says, not a claim the
    article attributes."""
    # A claim nobody is named for ("X is expected to say that ...") swallows no other.
    holders = sorted((c for c in claims if c.kind == "quote" or c.source_start is not None),
                     key=lambda c: c.start)
    starts = [c.start for c in holders]
    ends = _running_max([c.end for c in holders])
    kept = []
    for c in claims:
        if c.cue_start is not None:
            i = bisect_right(starts, c.cue_start) - 1
            if i >= 0 and ends[i] > c.cue_start and not (c.start <= c.cue_start < c.end) \
                    and not _frames(c, holders[max(0, i - 3):i + 1]):
                continue
        kept.append(c)
    return kept


def _frames(c: Claim, near: list[Claim]) -> bool:
    """Whether a claim whose cue lies in another's content holds that one's cue in its own
    content and comes first ("As BuzzFeed first reported, Trump voiced support for ...",
    "Carson said that his knife was stopped ..., something that Trump mocked"): each holds
    the other, and the first one frames the sentence, so it stays."""
    return any(d is not c and d.start <= c.cue_start < d.end and d.cue_start is not None
               and c.start <= d.cue_start < c.end and c.cue_start < d.cue_start for d in near)


def _running_max(values: list[int]) -> list[int]:
    out, best = [], -1
    for v in values:
        best = max(best, v)
        out.append(best)
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop surrounding whitespace and trailing commas from a content span."""
    while start < end and (text[start].isspace()):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;“‘"):
        end -= 1
    return start, end


def extract_claims(ctx: Context) -> list[Claim]:
    return ClaimFinder(ctx).run()


@registry.register("claims")
def make_claims(settings) -> "callable":
    return extract_claims
