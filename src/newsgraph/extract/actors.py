"""Actors: people, organisations, countries and groups, one entity each with every mention merged.

spaCy's small NER is noisy (it tags "Kiev" PERSON, "Blinken" GPE, "UAVs" ORG), so its entities
are one input among several: lexicons (``newsgraph/lexicon``) and patterns over the text and the
parse do the rest. Every step is linear in the text and costs about 1% of spaCy's parse.

1. One trie regex finds lexicon names: countries (names, adjectives, plural demonyms, capitals),
   known organisations, a few well-known people, and names that hide a country word ("Latin
   America"). spaCy's entities are cleaned (leading "the", possessive "'s", a hyphenated given
   name cut off: "Yoon Suk" + "-yeol") and dropped when they are noise ("Thursday", "Videos").
2. People (type PERSON): the title written before the name ("US Secretary of State Antony
   Blinken") or after it ("Maria Lopez, Spain's foreign minister") gives ``title``, ``country``
   and ``sector``; an organisation before the title gives its own ("Kremlin spokesman" RUS GOV,
   "Hamas leader" PSE REB). Later surnames ("Blinken", "Blinken’s", "Yoon" for "Yoon Suk-yeol"),
   mislabelled ones included, and title references ("the defense secretary", role ``title``)
   join the person. A name spaCy missed counts when a title introduces it. The people lexicon
   only fills in what the article leaves unsaid.
3. Organisations (ORG): known ones from the lexicon, aliases merged ("Tories" = "Conservative
   Party"); others from spaCy, with the country of a nationality word in or before the name and
   the sector of words in it ("Russian Defense Ministry" RUS MIL); acronyms join the name whose
   initials they are.
4. Groups: a nationality and a group noun. Plural people nouns make a NORP entity ("North Korean
   troops" PRK MIL, "US officials" USA GOV), singular bodies an ORG ("the South Korean
   legislature" KOR LEG); so does a group before "in/from" + a country ("opposition leaders in
   Seoul" KOR OPP). One entity per country, sector and type ("Ukrainian forces" = "Ukrainian
   troops"). "these troops" refers back to the latest group with that noun; "the government",
   "police", "protesters" alone make a group without country.
5. Countries (GPE, sector GOV: the state as an actor), mentioned by name ("US" = "U.S." =
   "United States"), by a capital standing for its government ("Pyongyang said", "Seoul's
   laws", "support of Pyongyang"; not "in Seoul", role ``alias``) and by an adjective that names
   no larger actor ("Russian uniforms", role ``demonym``). Plural demonyms ("Russians") are a
   NORP entity without sector. Other places spaCy finds are GPE/LOC/FAC entities without sector
   (a capital read as a place keeps its country).

Sector choices: defence ministries, defence secretaries and the Pentagon are MIL (as ICEWS and
CAMEO code them); an office held "former"ly is ELI, a "shadow" one OPP; news media JRN;
international organisations IGO; non-governmental and research bodies NGO; armed men of unknown
side UAF. Pronouns are left to the claims extractor.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, insort
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Callable, Iterable, Optional

import numpy
from spacy.attrs import ENT_IOB, IDX, IS_STOP, LENGTH, LOWER, ORTH, POS
from spacy.parts_of_speech import PROPN
from spacy.strings import get_string_id
from spacy.tokens import Doc

from ..record import Entity, Mention
from . import Context, registry

# --- lexicons -------------------------------------------------------------------------------


def trie_pattern(forms: Iterable[str]) -> str:
    """A regex alternation of ``forms`` shaped as a trie, so matching costs one branch per
    character instead of one try per form; optional tails are greedy, so the longest form wins."""
    trie: dict = {}
    for form in forms:
        node = trie
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


def _read(name: str) -> str:
    return resources.files("newsgraph.lexicon").joinpath(name).read_text(encoding="utf-8")


def _split(cell: str) -> list[str]:
    return [x.strip() for x in cell.split("|") if x.strip()]


@dataclass(frozen=True)
class Known:
    """A lexicon organisation or person."""

    name: str
    country: Optional[str]
    sector: Optional[str]
    title: Optional[str] = None


@dataclass
class Lexicon:
    """The lexicon files, compiled. ``forms`` maps each name to what it is: ``country``,
    ``adj`` (adjective), ``plural`` (demonym), ``capital`` (each with a country code), ``org``,
    ``person`` (each with a :class:`Known`) or ``block`` (no actor: "Latin America")."""

    forms: dict[str, list[tuple[str, object]]]
    names: re.Pattern
    country_name: dict[str, str]
    name_rank: dict[str, int]  # a country's forms: its usual name first, then other names
    titles: dict[str, Optional[str]]  # title -> sector
    part_sectors: dict[str, str]
    generic_titles: frozenset[str]
    needs_holder: frozenset[str]
    decorations: re.Pattern
    title_before: re.Pattern
    title_after: re.Pattern
    title_lead: re.Pattern
    title_only: re.Pattern
    title_ref: re.Pattern
    people_nouns: dict[str, str]  # in the lexicon's order: the usual noun of a sector first
    institutions: dict[str, str]
    group_modifiers: dict[str, str]
    noun_rank: dict[str, int]
    group_after: re.Pattern
    group_before: re.Pattern
    part_before: re.Pattern
    bare_heads: dict[int, list[str]]  # hash of a group noun's last word -> bare group nouns
    bare_lead: re.Pattern
    org_sector: re.Pattern
    org_sector_of: dict[str, str]
    people: dict[str, Known]
    surname_first: frozenset[str]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Everything the extractor reads, loaded and compiled once per process."""
    forms: dict[str, list[tuple[str, object]]] = {}

    def add(form: str, kind: str, value: object) -> None:
        entry = forms.setdefault(form, [])
        if (kind, value) not in entry:
            entry.append((kind, value))

    country_name: dict[str, str] = {}
    name_rank: dict[str, int] = {}
    for line in _read("countries.tsv").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, name, others, adjectives, plurals, capitals = (line.split("\t") + [""] * 6)[:6]
        country_name[code] = name
        for rank, form in enumerate([name, *_split(others)]):
            add(form, "country", code)
            name_rank.setdefault(form, rank)
        for form in _split(adjectives):
            add(form, "adj", code)
        for form in _split(plurals):
            add(form, "plural", code)
        for form in _split(capitals):
            add(form, "capital", code)

    orgs = json.loads(_read("organisations.json"))
    for row in orgs["known"]:
        known = Known(row["name"], row.get("country"), row.get("sector"))
        for form in [row["name"], *row.get("aliases", [])]:
            add(form, "org", known)

    people_data = json.loads(_read("people.json"))
    people: dict[str, Known] = {}
    for row in people_data["people"]:
        known = Known(row["name"], row.get("country"), row.get("sector"), row.get("title"))
        for form in [row["name"], *row.get("aliases", [])]:
            add(form, "person", known)
            people[form] = known

    for line in _read("not_actors.txt").splitlines():
        if line.strip() and not line.startswith("#"):
            add(line.strip(), "block", None)

    names = re.compile(r"(?<![\w-])(?:" + trie_pattern(forms) + r")(?!\w)")

    tdata = json.loads(_read("titles.json"))
    titles: dict[str, str] = tdata["titles"]
    title_re = "(?i:" + trie_pattern(titles) + ")"
    parts_re = "(?i:(?:" + trie_pattern(tdata["parts"]) + r")[\s-]*)*"
    full_title = rf"(?P<title>{parts_re}{title_re})"
    decor_re = "(?i:" + trie_pattern(tdata["decorations"]) + ")"
    honor_re = trie_pattern(tdata["honorifics"])
    cap_word = r"[A-Z][\w.’'-]*"
    cap_name = rf"{cap_word}(?:\s+(?:(?:of|and|for|the|on)\s+)*{cap_word}){{0,4}}"
    # "... for the Family", "... of Defence": the remit written after a title.
    remit = rf"(?:\s+(?:for|of)\s+(?:the\s+)?{cap_name})?"

    gdata = json.loads(_read("groups.json"))
    people_nouns: dict[str, str] = gdata["people"]
    institutions: dict[str, str] = gdata["institutions"]
    modifiers: dict[str, str] = gdata["modifiers"]
    nouns_re = "(?i:" + trie_pattern([*people_nouns, *institutions]) + ")"
    people_re = "(?i:" + trie_pattern(people_nouns) + ")"
    mods_re = "(?i:" + trie_pattern([*modifiers, *tdata["decorations"]]) + ")"

    sector_words = orgs["sector_words"]
    bare_heads: dict[int, list[str]] = {}
    for noun in sorted(gdata["bare"], key=len, reverse=True):
        bare_heads.setdefault(get_string_id(noun.split()[-1]), []).append(noun)
    return Lexicon(
        forms=forms,
        names=names,
        country_name=country_name,
        name_rank=name_rank,
        titles={k.lower(): v for k, v in titles.items()},
        part_sectors=tdata["part_sectors"],
        generic_titles=frozenset(tdata["generic"]),
        needs_holder=frozenset(tdata["needs_holder"]),
        decorations=re.compile(rf"(?:{decor_re}\s+)+"),
        # A title ending just before a name: "... US Secretary of State |Antony Blinken".
        title_before=re.compile(rf"(?<![\w-]){full_title}(?![\w-]){remit}\s*,?\s*$"),
        # An apposition after a name: "|, Russia's foreign minister," / ", the head of the UN".
        title_after=re.compile(
            rf"\s*,\s+(?:(?i:the|a|an)\s+)?(?P<pre>(?:{cap_word}\s+){{0,3}}?)"
            rf"(?:{decor_re}\s+)*{full_title}(?![\w-])"
            rf"(?:\s+(?:of|for|at|in)\s+(?:the\s+)?(?P<of>{cap_name}))?"
            r"(?!\s*[A-Z][a-z])"),
        # Courtesy words and titles at the start of a name span: "President Putin", "Mr Blair".
        title_lead=re.compile(rf"(?:(?:{honor_re})\s+|{parts_re}{title_re}\s+)+"),
        title_only=re.compile(rf"(?:(?:{honor_re})\s+|{parts_re}{title_re}\s*)+"),
        # "the defense secretary", "the Russian leader": a title standing for its holder.
        title_ref=re.compile(
            rf"(?:the|The)(?<![\w-]...)\s+(?:(?P<pre>{cap_word}(?:\s+{cap_word})?)\s+)?"
            rf"(?:{decor_re}\s+)*{full_title}(?![\w-])(?!\s+[A-Z])"),
        people_nouns={k.lower(): v for k, v in people_nouns.items()},
        institutions={k.lower(): v for k, v in institutions.items()},
        group_modifiers=modifiers,
        noun_rank={n.lower(): i for i, n in enumerate([*people_nouns, *institutions])},
        # After a nationality: "|(’s)? (special)? forces".
        group_after=re.compile(
            rf"(?:['’]s)?(?P<mods>(?:\s+[a-z][a-z-]*){{0,2}}?)\s+(?P<head>{nouns_re})(?![\w-])"),
        # Before "in/from" + a country: "opposition leaders in |Seoul".
        group_before=re.compile(
            rf"(?<![\w-])(?P<phrase>(?:{mods_re}\s+){{0,2}}(?P<head>{people_re}))"
            r"\s+(?P<prep>in|from)\s+(?:the\s+)?$"),
        part_before=re.compile(
            rf"(?<![\w-])(?P<part>(?i:{trie_pattern(tdata['part_sectors'])}))(?:\s+|(?<=-))$"),
        bare_heads=bare_heads,
        # The words before a bare group noun: "|these |military |officials".
        bare_lead=re.compile(
            rf"(?<![\w-])(?:(?P<det>(?i:the|these|those))\s+)?(?P<mods>(?:{mods_re}\s+){{0,2}})$"),
        org_sector=re.compile(r"\b(?:" + trie_pattern([w for w, _ in sector_words]) + r")\b"),
        org_sector_of={w: s for w, s in sector_words},
        people=people,
        surname_first=frozenset(people_data["surname_first"]),
    )


# --- small text helpers ------------------------------------------------------------------------

_HYPHEN_TAIL = re.compile(r"(?:-[^\W\d_]+)+")
# A name starting with a digit, holding a year, or a plural acronym ("UAVs") is no actor.
_DIGIT = re.compile(r"\d")
_JUNK_NAME = re.compile(r"^\d|\b\d{4}\b|^[A-Z]{2,}s$")
_ACRONYM_WORD = re.compile(r"\b(?!(?:II|III|IV|VI|VII|VIII|JR|SR)\b)[A-Z]{2,}\b")

_JUNK_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december today yesterday tomorrow".split())
_SPEECH_NOUNS = frozenset(
    "statement comment remark response reaction word message warning signal pressure support "
    "demand request claim threat criticism condemnation protest denial approval order call "
    "offer proposal".split())
# Prepositions after which a capital is a place ("in Seoul"), not its government.
_LOCATIVE = frozenset(
    "in at to into near outside inside around across toward towards through via within over "
    "throughout between from on off beyond".split())
_NAME_PARTICLES = frozenset("al el bin ben von van der de da di du la le dos das ibn abu".split())
_ORG_STOP = frozenset("of the for and on in at to".split())
_NER_ACTOR = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
_NOMINAL = {"NOUN", "PROPN", "ADJ", "CCONJ"}
_TOKEN_ATTRS = [ORTH, LOWER, POS, ENT_IOB, IDX, LENGTH, IS_STOP]
_WORD_BEFORE = re.compile(r"[\w’'.&-]+\s+$")


def clean_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Name bounds without a leading "the", a possessive or stray punctuation, and with a
    hyphenated tail the tokenizer split off ("Yoon Suk" + "-yeol")."""
    if text.startswith(("the ", "The ", "THE "), start) and start + 4 < end:
        start += 4
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in ".)"):
        end -= 1
    if text[end - 2:end] in ("'s", "’s") and end - 2 > start:
        end -= 2
    if text[end:end + 1] == "-":
        tail = _HYPHEN_TAIL.match(text, end)
        if tail:
            end = tail.end()
    while end > start and text[end - 1] in "-,;:'’":
        end -= 1
    return start, end


def norm(name: str) -> str:
    return " ".join(name.split())


# --- working records ---------------------------------------------------------------------------


@dataclass(slots=True)
class Hit:
    """A lexicon name found in the text."""

    start: int
    end: int
    kinds: list[tuple[str, object]]

    def code(self, *kinds: str) -> Optional[str]:
        """The country code of the first of ``kinds`` this name is ("US": country and adj)."""
        for kind, value in self.kinds:
            if kind in kinds and isinstance(value, str):
                return value
        return None

    def known(self, kind: str) -> Optional[Known]:
        for k, value in self.kinds:
            if k == kind:
                return value  # type: ignore[return-value]
        return None

    def has(self, *kinds: str) -> bool:
        return any(k in kinds for k, _ in self.kinds)


@dataclass(slots=True)
class Ent:
    """A spaCy entity, cleaned."""

    start: int
    end: int
    label: str
    tokens: int
    propn: bool  # has a proper-noun token (single common words are NER noise)


@dataclass(slots=True)
class Actor:
    """An entity being built: its mentions and what is known about it."""

    type: str
    mentions: list[tuple[int, int, str]] = field(default_factory=list)
    title: Optional[str] = None
    country: Optional[str] = None
    sector: Optional[str] = None
    fallback_name: Optional[str] = None
    group: bool = False  # named by a nationality and a group noun
    heads: set[str] = field(default_factory=set)  # a group's nouns: "troops", "soldiers"
    forms: set[str] = field(default_factory=set)  # person: names and surnames it answers to
    names: set[str] = field(default_factory=set)  # person: the full names written
    starts: list[int] = field(default_factory=list)  # mention starts, sorted
    merged_into: Optional["Actor"] = None

    def add(self, start: int, end: int, role: str) -> None:
        self.mentions.append((start, end, role))
        insort(self.starts, start)

    def learn(self, title: Optional[str], country: Optional[str], sector: Optional[str]) -> None:
        self.title = self.title or title
        self.country = self.country or country
        self.sector = self.sector or sector

    def absorb(self, other: "Actor") -> None:
        """Take over another actor found to be this one."""
        for mention in other.mentions:
            self.add(*mention)
        self.learn(other.title, other.country, other.sector)
        other.merged_into = self

    def latest_before(self, pos: int) -> int:
        """Where this actor was last mentioned before ``pos`` (-1: not before it)."""
        i = bisect_left(self.starts, pos)
        return self.starts[i - 1] if i else -1


# --- the extractor ------------------------------------------------------------------------------


class ActorFinder:
    def __init__(self, ctx: Context, lex: Lexicon):
        self.ctx = ctx
        self.lex = lex
        self.text = ctx.text
        self.doc: Doc = ctx.doc
        self.claimed = bytearray(len(self.text))
        # Token attributes as one array (columns as in _TOKEN_ATTRS), read without Token objects.
        self.tokens = self.doc.to_array(_TOKEN_ATTRS)
        self.hits = self.find_hits()
        self.hit_at = {(h.start, h.end): h for h in self.hits}
        self.hit_by_end = {h.end: h for h in self.hits}
        self.hit_starts = [h.start for h in self.hits]
        self.ents = self.find_ents()
        self.ent_by_end = {e.end: e for e in self.ents}
        self.persons: list[Actor] = []
        self.keyed: dict[tuple, Actor] = {}
        self.orgs: list[tuple[str, Actor]] = []  # (core name, actor)
        self.org_by_core: dict[str, list[Actor]] = {}
        self.groups_by_head: dict[str, list[Actor]] = {}  # nationality groups by noun

    # -- inputs --

    def find_hits(self) -> list[Hit]:
        forms = self.lex.forms
        return [Hit(m.start(), m.end(), forms[m.group()])
                for m in self.lex.names.finditer(self.text)]

    def find_ents(self) -> list[Ent]:
        text = self.text
        pos, stop = self.tokens[:, 2].tolist(), self.tokens[:, 6].tolist()
        out = []
        for e in self.doc.ents:
            label = e.label_
            if label not in _NER_ACTOR:
                continue
            start, end = clean_bounds(text, e.start_char, e.end_char)
            name = text[start:end]
            if (end - start < 2 or "\n" in name or name == name.lower()
                    or name.lower() in _JUNK_WORDS or _JUNK_NAME.search(name)):
                continue  # "Thursday", "UAVs", "Jul 2016 Opposition"
            if label == "PERSON" and (stop[e.start] or _ACRONYM_WORD.search(name)):
                continue  # "Across Wales", "Subscribe TRT World": not a person's name
            tokens = name.count(" ") + 1
            # A lone common word tagged as a name ("Videos", "Make") is noise.
            propn = (tokens > 1 or name.isupper() or pos[e.start] == PROPN
                     or pos[e.end - 1] == PROPN)
            out.append(Ent(start, end, label, tokens, propn))
        return out

    # -- helpers --

    def free(self, start: int, end: int) -> bool:
        return self.claimed.find(1, start, end) == -1

    def claim(self, start: int, end: int) -> None:
        self.claimed[start:end] = b"\x01" * (end - start)

    def sentence_start(self, pos: int) -> int:
        s = self.ctx.sentences
        return s.starts[s.index(pos)]

    def hits_within(self, start: int, end: int) -> list[Hit]:
        i = bisect_left(self.hit_starts, start)
        out = []
        while i < len(self.hits) and self.hits[i].start < end:
            if self.hits[i].end <= end:
                out.append(self.hits[i])
            i += 1
        return out

    def country_before(self, pos: int, floor: int, possessive: bool = True
                       ) -> tuple[Optional[str], Optional[Known], int]:
        """The country (or known organisation) named just before ``pos``: "US |", "Russia's |",
        "the Kremlin |". Returns (country, organisation, start of the naming words)."""
        end = pos
        while end > floor and self.text[end - 1].isspace():
            end -= 1
        if possessive and self.text[end - 2:end] in ("'s", "’s"):
            end -= 2
        hit = self.hit_by_end.get(end)
        if hit is not None and hit.start >= floor:
            org = hit.known("org")
            if org is not None:
                return org.country, org, hit.start
            code = hit.code("country", "adj", "capital")
            if code:
                return code, None, hit.start
        ent = self.ent_by_end.get(end)
        if ent is not None and ent.start >= floor and ent.label in ("ORG", "FAC"):
            org = Known(self.text[ent.start:ent.end], self.country_in(ent.start, ent.end),
                        self.org_sector(self.text[ent.start:ent.end]))
            return org.country, org, ent.start
        return None, None, pos

    def country_in(self, start: int, end: int) -> Optional[str]:
        for h in self.hits_within(start, end):
            code = h.code("country", "adj")
            if code:
                return code
        return None

    def org_sector(self, name: str) -> Optional[str]:
        m = self.lex.org_sector.search(name.lower())
        return self.lex.org_sector_of.get(m.group()) if m else None

    def title_sector(self, title: str) -> Optional[str]:
        words = title.lower().replace("ex-", "ex ").split()
        for word in words[:-1]:
            if word in self.lex.part_sectors:
                return self.lex.part_sectors[word]  # "former President" ELI, "Shadow ..." OPP
        # Strip parts and portfolios ("deputy", "education") until a known title remains.
        key = " ".join(title.lower().split())
        while key and key not in self.lex.titles:
            key = key.partition(" ")[2]
        return self.lex.titles.get(key)

    def is_generic(self, title: str) -> bool:
        return title.lower().split()[-1] in self.lex.generic_titles or \
            title.lower() in self.lex.generic_titles

    def office_holder(self, t0: int, floor: int
                      ) -> tuple[Optional[str], Optional[Known], int, int]:
        """Who the title before a name belongs to, looking back over up to three words:
        "US |Defense Secretary", "Liberal Democrat |education spokesman", "Russia's top
        |diplomat". Returns (country, organisation, start of their name, start of the title);
        with no holder, a capitalised portfolio joins the title ("Trade and Industry
        |Secretary")."""
        text = self.text
        pos, title_start = t0, t0
        for _ in range(4):
            country, org, c0 = self.country_before(pos, floor)
            if org is not None and not (org.sector or org.country) and text[t0].isupper():
                return None, None, t0, c0  # "Trade and Industry |Secretary": a portfolio
            if country or org:
                return country, org, c0, pos
            m = _WORD_BEFORE.search(text, max(floor, pos - 30), pos)
            if m is None or not self.nominal(m.start(), m.end()):
                break
            pos = m.start()
            if text[pos].isupper() and self.text[t0:t0 + 1].isupper():
                title_start = pos
        return None, None, t0, title_start

    def nominal(self, start: int, end: int) -> bool:
        """Whether the words are nouns, adjectives or "and" (a portfolio, not "said")."""
        span = self.ctx.char_span(start, end, alignment_mode="expand")
        return span is not None and all(t.pos_ in _NOMINAL for t in span)

    # -- step 1: people --

    def person_mentions(self) -> list[tuple[int, int]]:
        """Where people are named: spaCy's PERSON entities (cleaned of titles and parties),
        untagged names after a title, and well-known names spaCy missed."""
        text = self.text
        found: list[tuple[int, int]] = []
        for ent in self.ents:
            if ent.label != "PERSON":
                continue
            hits = self.hits_within(ent.start, ent.end)
            if any(h.has("org", "country", "capital", "adj", "plural", "block")
                   and not h.has("person") and (h.end - h.start) * 2 > ent.end - ent.start
                   for h in hits):
                continue  # "Kiev" tagged PERSON, "Hamas" tagged PERSON
            if ent.tokens == 1 and not ent.propn or _DIGIT.search(text, ent.start, ent.end):
                continue
            start = ent.start
            # Not a country name: "Jordan Peterson" is one name.
            if hits and hits[0].start == start and hits[0].has("org", "adj"):
                start = hits[0].end + 1  # "Tory Liam Fox": the party is no part of the name
                if start >= ent.end or not text[start].isupper():
                    continue
            if self.lex.title_only.fullmatch(text, start, ent.end):
                continue  # "Lt. Gen." alone
            lead = self.lex.title_lead.match(text, start, ent.end)
            if lead and lead.end() < ent.end and text[lead.end()].isupper():
                start = lead.end()
            found.append((start, ent.end))
        found += self.titled_names()
        taken = bytearray(len(text))
        for s, e in found:
            taken[s:e] = b"\x01" * (e - s)
        for h in self.hits:
            if h.has("person") and taken.find(1, h.start, h.end) == -1:
                found.append((h.start, h.end))  # "Putin" tagged GPE
        found.sort()
        return found

    def titled_names(self) -> list[tuple[int, int]]:
        """Names spaCy left untagged but a title introduces: "The Shadow Secretary of State for
        the Family, |Theresa May|, said". Runs of proper nouns outside entities, read off arrays."""
        arr = self.tokens[:, 2:6]  # POS, ENT_IOB, IDX, LENGTH
        loose = numpy.flatnonzero((arr[:, 0] == PROPN) & (arr[:, 1] == 2))
        found: list[tuple[int, int]] = []
        run_start = prev = -2
        for i in [*loose.tolist(), -1]:
            if i != prev + 1:
                if run_start >= 0:
                    start, end = int(arr[run_start, 2]), int(arr[prev, 2] + arr[prev, 3])
                    floor = self.sentence_start(start)
                    if (prev > run_start and start > floor and (start, end) not in self.hit_at
                            and self.lex.title_before.search(self.text, max(floor, start - 90),
                                                             start)):
                        found.append((start, end))
                run_start = i
            prev = i
        return found

    def person_context(self, start: int, end: int) -> tuple[Optional[str], Optional[str],
                                                            Optional[str], int, int]:
        """Title, country and sector written around a name, and the span those words cover."""
        text, lex = self.text, self.lex
        floor = self.sentence_start(start)
        lo, hi = start, end
        base = max(floor, start - 90)
        m = lex.title_before.search(text, base, start)
        holder = self.office_holder(m.start("title"), floor) if m else None
        if m and holder and not (holder[0] is None and holder[1] is None
                                 and m.group("title").lower() in lex.needs_holder):
            country, org, c0, t0 = holder  # not "market leader Diageo"
            decor = lex.decorations.match(text, t0, m.end("title"))
            title = norm(text[decor.end() if decor else t0:m.end("title")])
            if country:
                # "Former Italian Prime Minister": the part stands before the country.
                part = lex.part_before.search(text, max(floor, c0 - 20), c0)
                if part:
                    title, c0 = f"{norm(part.group('part'))} {title}", part.start()
            sector = self.title_sector(title)
            if org is not None:
                if org.sector and (sector is None or self.is_generic(title)):
                    sector = org.sector  # "Kremlin spokesman", "Hamas leader"
                lo = t0  # the organisation stays a mention of its own
            else:
                lo = c0 if country else t0
            return title, country, sector, lo, hi
        m = lex.title_after.match(text, end)
        if m and self.sentence_start(m.end()) == floor:
            title = norm(m.group("title"))
            sector = self.title_sector(title)
            country = None
            for group in ("of", "pre"):  # ", head of the UN", ", Russia's foreign minister"
                if m.group(group):
                    c, org, _ = self.country_before(m.end(group), m.start(group))
                    country = country or c
                    if org is not None and org.sector and (
                            sector is None or self.is_generic(title)):
                        sector = org.sector
            return title, country, sector, lo, m.end()
        # No title: "Russia's Lavrov", "American Paul Whelan", "Tory Liam Fox".
        country, org, c0 = self.country_before(start, floor)
        if org is not None:
            return None, country, org.sector, lo, hi
        if country:
            return None, country, None, c0, hi
        return None, None, None, lo, hi

    def person_forms(self, name: str) -> set[str]:
        tokens = name.split()
        if len(tokens) == 1:
            return {name}
        forms = {name}
        if tokens[0] in self.lex.surname_first or re.fullmatch(r"[A-Z][a-z]+-[a-z]+", tokens[-1]):
            forms.add(tokens[0])  # "Yoon" for "Yoon Suk-yeol", "Xi" for "Xi Jinping"
            return forms
        last = tokens[-1]
        forms.add(last)
        if re.match(r"(?:al|el|Al|El)-", last):
            forms.add(last[3:])  # "Assad" for "Bashar al-Assad"
        i = len(tokens) - 1
        while i > 1 and tokens[i - 1].lower() in _NAME_PARTICLES:
            i -= 1
        if i < len(tokens) - 1:
            forms.add(" ".join(tokens[i:]))  # "von der Leyen"
        return forms

    def find_persons(self) -> None:
        text = self.text
        by_form: dict[str, list[Actor]] = {}
        for start, end in self.person_mentions():
            if not self.free(start, end):
                continue
            name = norm(text[start:end])
            title, country, sector, lo, hi = self.person_context(start, end)
            actor = self.match_person(name, by_form)
            if actor is None:
                actor = Actor("PERSON")
                self.persons.append(actor)
            actor.add(start, end, "name")
            actor.names.add(name)
            actor.learn(title, country, sector)
            for form in self.person_forms(name) - actor.forms:
                actor.forms.add(form)
                by_form.setdefault(form, []).append(actor)
            self.claim(min(lo, start), max(hi, end))
        self.merge_headline_persons()
        self.scan_surnames()
        # The people lexicon only fills in what the article leaves unsaid.
        for actor in self.persons:
            if actor.merged_into is None and (actor.country is None or actor.sector is None):
                known = next((self.lex.people[f] for f in sorted(actor.forms, key=len, reverse=True)
                              if f in self.lex.people), None)
                if known is not None:
                    actor.learn(known.title, known.country, known.sector)

    def match_person(self, name: str, by_form: dict[str, list[Actor]]) -> Optional[Actor]:
        candidates = [a for a in by_form.get(name, []) if a.merged_into is None]
        if not candidates:
            return None
        full = [a for a in candidates if name in a.names]
        if len(name.split()) > 1 and not full:
            return None  # another person with the same surname
        return max(full or candidates, key=lambda a: a.starts[-1])

    def merge_headline_persons(self) -> None:
        """A surname met before the full name ("Blinken says ..." then "Antony Blinken")."""
        for actor in self.persons:
            if actor.merged_into is not None or len(actor.forms) != 1:
                continue
            (form,) = actor.forms
            if " " in form:
                continue
            owners = [a for a in self.persons if a is not actor and a.merged_into is None
                      and form in a.forms and len(a.forms) > 1]
            if len(owners) == 1:
                owners[0].absorb(actor)

    def scan_surnames(self) -> None:
        """Mentions spaCy missed or mislabelled: every later "Blinken" is Antony Blinken."""
        owners: dict[str, list[Actor]] = {}
        for actor in self.persons:
            if actor.merged_into is None:
                for form in actor.forms:
                    if form not in self.lex.forms or any(
                            kind == "person" for kind, _ in self.lex.forms[form]):
                        owners.setdefault(form, []).append(actor)
        by_id = {get_string_id(form): actors for form, actors in owners.items()
                 if " " not in form and form.lower() not in _JUNK_WORDS}
        orth, idx, length = (self.tokens[:, c].tolist() for c in (0, 4, 5))
        for i in [i for i, word in enumerate(orth) if word in by_id]:
            start, end = idx[i], idx[i] + length[i]
            if not self.free(start, end):
                continue
            actors = by_id[orth[i]]
            actor = max(actors, key=lambda a: a.latest_before(start))
            actor.add(start, end, "alias")
            self.claim(start, end)

    # -- step 2: organisations --

    def find_orgs(self) -> None:
        text = self.text
        known_orgs: dict[str, Actor] = {}
        for h in self.hits:
            org = h.known("org")
            if org is None or not self.free(h.start, h.end):
                continue
            start, country = h.start, org.country
            if country is None and org.sector != "IGO":
                c, corg, c0 = self.country_before(h.start, self.sentence_start(h.start), False)
                if c and corg is None:
                    country, start = c, c0  # "the US |National Security Council"
            actor = known_orgs.get(org.name)
            if actor is None:
                actor = known_orgs[org.name] = Actor(
                    "ORG", country=country, sector=org.sector, fallback_name=org.name)
                self.orgs.append((org.name.lower(), actor))
            actor.add(start, h.end, "name")
            self.claim(start, h.end)
        for ent in self.ents:
            if ent.label != "ORG" or not self.free(ent.start, ent.end):
                continue
            hit = self.hit_at.get((ent.start, ent.end))
            if hit is not None or (ent.tokens == 1 and not ent.propn):
                continue  # a country or capital tagged ORG: the country step takes it
            start, end = ent.start, ent.end
            name = text[start:end]
            if self.title_sector(name) and ent.tokens <= 2:
                continue  # "State", "Defense": pieces of a title spaCy cut out
            country = self.country_in(start, end)
            floor = self.sentence_start(start)
            c, corg, c0 = self.country_before(start, floor, possessive=False)
            if country is None and c and corg is None:
                country, start = c, c0  # "Russian |Defense Ministry"
            elif country is None:
                country = self.country_before(start, floor)[0]  # "Russia's Defense Ministry"
            self.add_org(start, end, country, self.org_sector(name))

    def add_org(self, start: int, end: int, country: Optional[str], sector: Optional[str]) -> None:
        core = self.org_core(start, end)
        same = self.org_by_core.setdefault(core, [])
        actor = next((a for a in same if not a.country or not country or a.country == country),
                     None)
        if actor is None:
            actor = Actor("ORG")
            same.append(actor)
            self.orgs.append((core, actor))
        actor.add(start, end, "name")
        actor.learn(None, country, sector)
        self.claim(start, end)

    def org_core(self, start: int, end: int) -> str:
        """The organisation's name without its nationality: "Russian Defense Ministry" ->
        "defense ministry", so "the Defense Ministry" later is the same body."""
        for h in self.hits_within(start, end):
            if h.start == start and h.code("country", "adj"):
                rest = self.text[h.end:end].lstrip("'’s ").strip()
                if rest:
                    return rest.lower()
        return norm(self.text[start:end]).lower()

    def merge_acronyms(self) -> None:
        """"CAR" is "Conflict Armament Research" when its letters are the name's initials."""
        by_initials: dict[str, Actor] = {}
        for core, actor in self.orgs:
            words = [w for w in re.split(r"[\s-]+", core) if w and w not in _ORG_STOP]
            if len(words) >= 2:
                by_initials.setdefault("".join(w[0] for w in words).upper(), actor)
        for core, actor in list(self.orgs):
            target = by_initials.get(core.upper()) if core.isalpha() and len(core) <= 6 else None
            if target is not None and target is not actor and actor.merged_into is None:
                name = self.text[actor.mentions[0][0]:actor.mentions[0][1]]
                if name.isupper():
                    target.absorb(actor)

    # -- step 3: groups --

    def find_groups(self) -> None:
        lex, text = self.lex, self.text
        starts: list[tuple[int, int, Optional[str], str]] = []  # (start, end, country, label)
        for h in self.hits:
            code = h.code("adj", "country")
            if code and self.free(h.start, h.end):
                starts.append((h.start, h.end, code, text[h.start:h.end]))
        for ent in self.ents:
            if ent.label == "NORP" and not self.hits_within(ent.start, ent.end):
                starts.append((ent.start, ent.end, None, text[ent.start:ent.end]))
        for start, end, code, label in sorted(starts):
            if not self.free(start, end):
                continue
            m = lex.group_after.match(text, end)
            if m is None or "\n" in m.group():
                continue
            if m.group("mods").strip() and not self.governs(m.start("head"), m.end("head"), start):
                continue
            head = norm(m.group("head")).lower()
            sector = self.group_sector(m.group("mods"), head)
            kind = "NORP" if head in lex.people_nouns else "ORG"
            self.add_group(kind, code or label.lower(), sector, start, m.end(), head)
        for h in self.hits:
            code = h.code("country", "adj", "capital")
            if not code or not self.free(h.start, h.end) or h.code("adj") and not h.code("country"):
                continue
            before = text[max(0, h.start - 10):h.start]
            if "in " not in before and "from " not in before:
                continue
            floor = max(self.sentence_start(h.start), h.start - 60)
            m = lex.group_before.search(text, floor, h.start)
            if m is None or not self.free(m.start(), m.end()):
                continue
            head = m.group("head").lower()
            sector = self.group_sector(m.group("phrase")[: m.start("head") - m.start()], head)
            if m.group("prep") == "in" and sector in ("MIL", "REB", "UAF", "PRM"):
                continue  # "troops in Ukraine" are seldom Ukraine's
            self.add_group("NORP", code, sector, m.start("phrase"), h.end, head)

    def governs(self, head_start: int, head_end: int, start: int) -> bool:
        """Whether the group noun's phrase reaches back to the nationality word (so "Russian
        missiles hit civilians" is no group of Russian civilians)."""
        span = self.ctx.char_span(head_start, head_end, alignment_mode="expand")
        return span is not None and span.root.left_edge.idx <= start

    def group_sector(self, mods: str, head: str) -> Optional[str]:
        for word in mods.lower().split():
            if word in self.lex.group_modifiers:
                return self.lex.group_modifiers[word]
        return self.lex.people_nouns.get(head) or self.lex.institutions.get(head)

    def add_group(self, kind: str, country_or_label: str, sector: Optional[str], start: int,
                  end: int, head: str) -> None:
        is_code = country_or_label in self.lex.country_name
        key = ("group", kind, country_or_label, sector)
        actor = self.keyed.get(key)
        if actor is None:
            actor = self.keyed[key] = Actor(kind, country=country_or_label if is_code else None,
                                            sector=sector, group=True)
        actor.add(start, end, "name")
        actor.heads.add(head)
        self.claim(start, end)

    def find_bare_groups(self) -> None:
        """Groups named without nationality. "these troops" after "North Korean troops" is
        that group; "Yoon's administration" is South Korea's; "the government", "police",
        "protesters" alone make a group without country. Not "military" in "military targets"."""
        lex, text, doc = self.lex, self.text, self.doc
        heads = lex.bare_heads
        lower = self.tokens[:, 1].tolist()
        owners = None
        for key, actor in self.keyed.items():
            if key[0] == "group" and actor.country:
                for noun in actor.heads:
                    self.groups_by_head.setdefault(noun, []).append(actor)
        for i in [i for i, word in enumerate(lower) if word in heads]:
            tok = doc[i]
            end = tok.idx + len(tok)
            head = next((n for n in heads[lower[i]] if text[end - len(n):end].lower() == n), None)
            if head is None or tok.dep_ in ("amod", "compound", "nmod"):
                continue  # "forces" alone is no bare group; "security forces" is
            head_start = end - len(head)
            m = lex.bare_lead.search(text, max(0, head_start - 40), head_start)
            start = m.start("mods") if m else head_start
            if not self.free(m.start() if m else head_start, end):
                continue
            if m and m.group("det"):
                antecedent = self.latest_group(head, start)
                if antecedent is not None:
                    antecedent.add(start, end, "alias")
                    self.claim(start, end)
                    continue
            sector = self.group_sector(text[start:head_start], head)
            kind = "NORP" if head in lex.people_nouns else "ORG"
            country = None
            if start == head_start and text[start - 3:start - 1] in ("'s", "’s"):
                if owners is None:
                    owners = {e: a for a in [*self.persons, *(a for _, a in self.orgs)]
                              for _, e, _ in a.mentions}
                owner = owners.get(start - 3)
                country = owner.country if owner is not None else None
            self.add_group(kind, country or head, sector, start, end, head)

    def latest_group(self, head: str, pos: int) -> Optional[Actor]:
        """The nationality group with this noun mentioned last before ``pos``."""
        best, best_at = None, -1
        for actor in self.groups_by_head.get(head, ()):
            at = actor.latest_before(pos)
            if at > best_at:
                best, best_at = actor, at
        return best

    # -- step 4: countries, capitals, demonyms and places --

    def find_countries(self) -> None:
        for h in self.hits:
            if not self.free(h.start, h.end) or h.has("block", "org", "person"):
                continue
            code = h.code("country")
            if code:
                self.country(code).add(h.start, h.end, "name")
            elif h.code("capital"):
                code = h.code("capital")
                if self.metonymic(h):
                    self.country(code).add(h.start, h.end, "alias")
                else:
                    self.place("GPE", self.text[h.start:h.end], code).add(h.start, h.end, "name")
            elif h.code("plural"):
                code = h.code("plural")
                key = ("group", "NORP", code, None)
                actor = self.keyed.get(key) or self.keyed.setdefault(
                    key, Actor("NORP", country=code, group=True))
                actor.add(h.start, h.end, "name")
            elif h.code("adj"):
                self.country(h.code("adj")).add(h.start, h.end, "demonym")
            self.claim(h.start, h.end)

    def country(self, code: str) -> Actor:
        key = ("country", code)
        actor = self.keyed.get(key)
        if actor is None:
            actor = self.keyed[key] = Actor("GPE", country=code, sector="GOV",
                                            fallback_name=self.lex.country_name[code])
        return actor

    def place(self, label: str, name: str, code: Optional[str] = None) -> Actor:
        key = ("place", norm(name))
        actor = self.keyed.get(key)
        if actor is None:
            actor = self.keyed[key] = Actor(label, country=code)
        return actor

    def metonymic(self, h: Hit) -> bool:
        """Whether a capital stands for its government: "Pyongyang sent", "Seoul's laws",
        "support of Pyongyang", "statements from Washington" - not "in Seoul"."""
        if self.text[h.end:h.end + 2] in ("'s", "’s"):
            return True
        span = self.ctx.char_span(h.start, h.end, alignment_mode="expand")
        if span is None:
            return False
        tok = span.root
        while tok.dep_ == "conj" and tok.head is not tok:
            tok = tok.head
        if tok.dep_ in ("nsubj", "nsubjpass", "poss", "agent"):
            return True
        if tok.dep_ == "pobj":
            prep = tok.head.lower_
            if prep == "from":
                return tok.head.head.lemma_.lower() in _SPEECH_NOUNS
            return prep not in _LOCATIVE
        return False

    def find_other_ents(self) -> None:
        text = self.text
        for ent in self.ents:
            if not self.free(ent.start, ent.end) or any(
                    not h.has("block") for h in self.hits_within(ent.start, ent.end)):
                continue
            if ent.tokens == 1 and not ent.propn:
                continue
            name = text[ent.start:ent.end]
            if ent.label in ("GPE", "LOC", "FAC"):
                self.place(ent.label, name).add(ent.start, ent.end, "name")
            elif ent.label == "NORP" and name.endswith("s") and not name.endswith("ss"):
                key = ("group", "NORP", name.lower(), None)
                actor = self.keyed.get(key) or self.keyed.setdefault(key, Actor("NORP", group=True))
                actor.add(ent.start, ent.end, "name")  # "Kurds", "Palestinians"
            else:
                continue
            self.claim(ent.start, ent.end)

    def merge_relabelled(self) -> None:
        """spaCy may tag one name ORG in one sentence and GPE in the next ("Nestle"): one
        organisation."""
        orgs = {norm(self.text[s:e]): actor for _, actor in self.orgs if actor.merged_into is None
                for s, e, _ in actor.mentions}
        for key, actor in list(self.keyed.items()):
            if key[0] == "place" and actor.country is None and key[1] in orgs:
                orgs[key[1]].absorb(actor)

    # -- step 5: titles standing for people --

    def find_title_refs(self) -> None:
        holders = [a for a in self.persons if a.merged_into is None and a.title]
        if not holders:
            return
        for m in self.lex.title_ref.finditer(self.text):
            start = m.start("pre") if m.group("pre") else m.start("title")
            if not self.free(start, m.end()):
                continue
            title = norm(m.group("title")).lower()
            pre_country = self.country_in(*m.span("pre")) if m.group("pre") else None
            if m.group("pre") and pre_country is None:
                continue
            candidates = [a for a in holders if a.title.lower() == title
                          and (pre_country is None or a.country == pre_country)
                          and a.starts[0] < start]
            if not candidates:
                continue
            actor = max(candidates, key=lambda a: a.latest_before(start))
            actor.add(start, m.end(), "title")
            self.claim(start, m.end())

    # -- output --

    def run(self) -> list[Entity]:
        self.find_persons()
        self.find_orgs()
        self.merge_acronyms()
        self.find_groups()
        self.find_bare_groups()
        self.find_countries()
        self.find_other_ents()
        self.merge_relabelled()
        self.find_title_refs()
        actors = [*self.persons, *(a for _, a in self.orgs), *self.keyed.values()]
        return [self.entity(a) for a in actors if a.merged_into is None and a.mentions]

    def canonical(self, actor: Actor) -> str:
        """The longest name used; for a group the form used most ("North Korean troops");
        for a country its usual name among those used ("United States" over "US"), else the
        lexicon's ("North Korea" when only "Pyongyang" is written)."""
        names = [norm(self.text[s:e]) for s, e, role in actor.mentions if role == "name"]
        if actor.type == "GPE" and actor.fallback_name:  # a country
            ranked = [n for n in names if n in self.lex.name_rank]
            return min(ranked, key=self.lex.name_rank.__getitem__,
                       default=actor.fallback_name or "")
        if actor.group and names:
            # The form used most; on a tie the usual noun ("troops" before "forces").
            counts = Counter(names)
            return max(counts, key=lambda n: (counts[n], -self.noun_rank(n), len(n)))
        if names:
            return max(names, key=len)
        s, e, _ = actor.mentions[0]
        return actor.fallback_name or norm(self.text[s:e])

    def noun_rank(self, name: str) -> int:
        words = name.lower().split()
        for size in (2, 1):
            rank = self.lex.noun_rank.get(" ".join(words[-size:]))
            if rank is not None:
                return rank
        return len(self.lex.noun_rank)

    def entity(self, actor: Actor) -> Entity:
        ctx = self.ctx
        mentions = sorted(set(actor.mentions))
        name = self.canonical(actor)
        out = []
        last_end = -1
        for s, e, role in mentions:
            if s < last_end:
                continue  # the same words found twice
            last_end = e
            if role == "name" and norm(self.text[s:e]) != name:
                role = "alias"
            out.append(Mention(**ctx.span(s, e), role=role))
        first = out[0]
        return Entity(text=first.text, start=first.start, end=first.end, sentence=first.sentence,
                      name=name, type=actor.type, title=actor.title, country=actor.country,
                      sector=actor.sector, mentions=out)


def extract_actors(ctx: Context) -> list[Entity]:
    """Every actor the article names, one entity each, with all its mentions."""
    return ActorFinder(ctx, lexicon()).run()


@registry.register("actors")
def make_actors(settings) -> Callable[[Context], list[Entity]]:
    lexicon()  # compile the lexicons now, not on the first article
    return extract_actors
