"""Places: toponyms found in the article, resolved to GeoNames offline, with metonymy.

Detection. Toponyms come from the actors extractor's place and country entities (their
mentions: "Kursk", "Ukraine", a capital standing for its government), spaCy's GPE/LOC/FAC
entities the actors left alone, spaCy ORGs that are well-known places by name ("Edmonton"),
adjectival demonyms read as their country ("Russian forces", also as the first word of a group:
"Syrian army"; not after a region word: "Central American"), and capitalised words that are
well-known gazetteer names spaCy missed. A capitalised word just before or after a name joins it
when the longer name is in the gazetteer ("Western Australia", "U.S. Virgin Islands").
Organisations named like places (NATO, the Kremlin) and bare compass words are never places.

Resolution. Each toponym's candidates come from the gazetteer (:mod:`newsgraph.gazetteer`) by
its name, its name without a division word ("Kursk Oblast"), or a US state abbreviation ("Mo."
is Missouri). A candidate's score adds up its population (log; a town with under a hundredth of
its namesake's people needs local evidence), its kind (countries, curated regions and capitals
first; a division named like its capital city yields to the city unless "region", "oblast" ...
is written, or the text asks for the area: "central Washington", "New York Gov.", a list whose
other names are states), whether its name is the main name or only an alias, the countries the
article is about (actors' countries and places resolved without doubt, each name's own mentions
left out so that a name never votes for itself), the first-level divisions of the article's
other places, containment ("Kursk, Russia", "Austin, Texas") and closeness to the article's
other places. Two passes: the second uses the places the first resolved.

Metonymy. A country, a capital or a state/county reads as ``government`` when it acts; a
country or capital then links to the country's GOV entity. It acts as the subject of a verb
that is not a place verb ("Kiev launched", "Montana offered"; "China continued to lead" is
judged by "lead"; with a place verb only before an agent's predicate: "Russia is concerned",
"Dubai has goals"); before a possessive head that names what an agent does, wants or says
("Seoul's laws", "Moscow's response"), not a person, body or property, which it only
modifies ("Russia's foreign minister", "China's economy"); as "X-led"/"X-backed"; after "by",
speech or support "from", "of" an agent noun ("the interests of China"), "to" a recipient
("sold arms to Saudi Arabia"), "on" after pressure words, "towards"; a country also as an
object acted upon ("Britain accuses Russia", unless visited, left, crossed ...) or after
"with", "between", "against" ("talks with Vietnam", not "the border with Mexico"). Datelines,
containers ("Tacoma, Washington"), names inside organisations and "Kursk region" read as place.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Callable, Iterable, Optional

from .. import gazetteer
from ..gazetteer import Entry, Gazetteer, haversine, norm
from ..record import Place
from . import Context, registry
from .actors import _SPEECH_NOUNS

_PLACE_TYPES = {"GPE", "LOC", "FAC"}
_CAP_SEQ = re.compile(r"(?<![\w'’-])[A-Z][\w’'-]*(?:\s+(?:of\s+|de\s+|the\s+)?[A-Z][\w’'-]*){0,3}")
_DATELINE_AT = re.compile(r"[A-Z][\w.]*(?:\s[A-Z][\w.]*){0,2}(?:,\s+[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)?"
                          r"\s*(?:\([^)\n]{1,20}\)\s*(?:[-–—]|:\s)?|[-–—](?![a-z])|:\s)")
# The first word of a group named by its country's adjective ("Russian troops", "Syrian army").
_DEMONYM_LEAD = re.compile(r"(?:the\s+)?([A-Z][a-z]+(?:an|ese|ish|i|ic|ch))\s+[a-z]")
_POSSESSIVE = re.compile(r"['’]s?$")
_FLOWS = frozenset({"import", "export", "trade", "shipment", "arrival"})
# A capitalised word just before a name, on the same line: "Western" in "Western Australia".
_LEAD_WORD = re.compile(r"(?<![\w'’-])([A-Z][\w'’-]*) (?=[^ ]*$)")
# "central Washington", "southern Alberta": part of a larger area.
_PART_BEFORE = re.compile(
    r"\b(?:central|(?:north|south)?(?:-?east|-?west)ern|northern|southern)\s$")
# "New York Gov. Andrew Cuomo", "the Montana Legislature": a state's own bodies.
_DIVISION_BODY_AFTER = re.compile(r"\s(?:Gov\.|Governor|Lt\. Gov|Legislature|legislature|General "
                                  r"Assembly|Attorney General|attorney general|State Senate|"
                                  r"state senate|state legislature|court)\b")
# One or two capitalised words just after a name: "Virgin Islands" in "U.S. Virgin Islands".
_TAIL_WORDS = re.compile(r" ([A-Z][\w'’-]*)(?: [A-Z][\w'’-]*)?")
_REGION_QUALIFIERS = frozenset({"Central", "Latin", "North", "South", "East", "West", "Northern",
                                "Southern", "Eastern", "Western", "Middle"})
_FEATURE_PRIOR = {"country": 3.0, "continent": 3.0, "region": 2.0, "water": 2.0,
                  "admin1": 0.6, "admin2": -0.3, "city": 0.0}
ADMIN1_PULL = 0.5  # other places of the article in the same first-level division
OBJECT_DEPS = ("dobj", "dative")
OBSCURE_RATIO = 100  # a candidate with under 1/100 of the people of its largest namesake ...
OBSCURE_PENALTY = 1.0  # ... loses this much
HINT_BONUS = 1.5  # the country the actors extractor gave the name (a demonym's, a country's)
CONTAINER_BONUS = 3.0  # "Tacoma, Washington": the second name holds one reading of the first
# Seas and oceans have no population: rank them like a large place ("the Atlantic").
_WATER_POPULATION = 10_000_000


@dataclass(frozen=True)
class PlaceLexicon:
    not_places: frozenset[str]
    us_states: dict[str, str]
    division_words: re.Pattern
    agent_nouns: frozenset[str]
    territory_events: frozenset[str]
    agent_predicates: frozenset[str]
    catenative_verbs: frozenset[str]
    place_verbs: frozenset[str]
    place_object_verbs: frozenset[str]
    participant_preps: frozenset[str]
    place_relation_nouns: frozenset[str]
    recipient_verbs: frozenset[str]
    recipient_nouns: frozenset[str]
    pressure_words: frozenset[str]
    state_hyphen: re.Pattern  # "US-led", "Iran-backed": the state acting
    state_after_comma: re.Pattern  # "Edmonton, Ky.": a US state abbreviation after a place


@lru_cache(maxsize=1)
def lexicon() -> PlaceLexicon:
    data = json.loads(resources.files("newsgraph.lexicon").joinpath("places.json")
                      .read_text(encoding="utf-8"))
    words = "|".join(sorted(data["division_words"], key=len, reverse=True))
    sets = {k: frozenset(data[k]) for k in (
        "agent_nouns", "territory_events", "agent_predicates", "catenative_verbs", "place_verbs",
        "place_object_verbs", "participant_preps", "place_relation_nouns", "recipient_verbs",
        "recipient_nouns", "pressure_words")}
    return PlaceLexicon(
        not_places=frozenset(norm(n) for n in data["not_places"]),
        us_states=data["us_states"],
        division_words=re.compile(rf"\s+(?:{words})s?\b", re.IGNORECASE),
        state_hyphen=re.compile(r"[-\u2010\u2013](?:%s)\b" % "|".join(data["state_hyphen_words"])),
        state_after_comma=re.compile(r",\s{1,2}(%s)(?![\w.])" % "|".join(
            re.escape(k) for k in sorted(data["us_states"], key=len, reverse=True))),
        **sets)


@dataclass
class Toponym:
    """A place name found in the text, before and after resolution."""

    start: int
    end: int
    name: str
    division: bool = False  # "Kursk region": a first-level division is meant
    country_hint: Optional[str] = None  # the country the actors extractor gave it
    government: Optional[bool] = None  # the actors extractor's reading, where it gave one
    demonym: bool = False  # "Russian forces": an adjective, never a government by itself
    candidates: list[tuple[Entry, bool]] = field(default_factory=list)
    within: Optional[int] = None  # index of the toponym after a comma that contains this one
    scores: list[tuple[float, Entry]] = field(default_factory=list)
    acting: bool = False  # in a position where a capital stands for its government
    hint_from_name: bool = False  # the hint is only the country of a capital so named
    # A division is meant though not named so: "central Washington", "the New York Legislature",
    # "states such as California or Washington".
    division_hint: bool = False


# --- detection ------------------------------------------------------------------------------


def clean(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading "the" and a trailing possessive."""
    if text[start:start + 4].lower() == "the ":
        start += 4
    if text[end - 2:end] in ("'s", "’s"):
        end -= 2
    return start, end


def detect(ctx: Context, gaz: Gazetteer, lex: PlaceLexicon) -> list[Toponym]:
    text = ctx.text
    taken: list[tuple[int, int]] = []
    out: list[Toponym] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    def add(s: int, e: int, hint: Optional[str] = None, government: Optional[bool] = None,
            candidates: Optional[list[tuple[Entry, bool]]] = None, demonym: bool = False) -> None:
        s, e = clean(text, s, e)
        if e <= s or not free(s, e) or norm(text[s:e]) in lex.not_places:
            return
        lead = _LEAD_WORD.search(text, max(0, s - 20), s)
        if lead and free(lead.start(1), s):
            if demonym and lead.group(1) in _REGION_QUALIFIERS:
                return  # "Central American migrants": a region's people, not the US
            longer = lookup(gaz, lex, text[lead.start(1):e])
            if longer and not demonym:  # "Western Australia", "Baja California", "Boa Vista"
                s, hint, candidates = lead.start(1), None, longer
        tail = _TAIL_WORDS.match(text, e)
        if tail and not demonym:  # "the U.S. Virgin Islands", "Jersey City"
            for end in (tail.end(), tail.end(1)):
                longer = gaz.candidates(text[s:end]) if end > e and free(e, end) else []
                if any(not alias for _, alias in longer):
                    e, hint, candidates = end, None, longer
                    break
        top = Toponym(s, e, text[s:e], country_hint=hint, government=government, demonym=demonym)
        after = lex.division_words.match(text, e)
        if after and candidates is None:  # "Kursk region": the division word joins the span
            top.division = True
            top.end = e = after.end()
        top.candidates = candidates if candidates is not None else lookup(gaz, lex, top.name)
        if not top.candidates:
            return
        taken.append((s, e))
        out.append(top)

    non_places: list[tuple[int, int]] = []
    for ent in ctx.record.entities:
        if ent.type in _PLACE_TYPES:
            gov = ent.type == "GPE" and ent.sector == "GOV"
            # A capital the actors read as a place keeps that reading ("in Seoul").
            reading = None if gov or not ent.country else False
            for m in ent.mentions:
                if m.role == "demonym":
                    if ent.country and adjectival(ctx, m.start, m.end):
                        country = gaz.country(ent.country)  # "Russian forces": Russia
                        if country is not None:
                            add(m.start, m.end, ent.country, False, [(country, False)], True)
                    continue
                capital_alias = gov and not any(
                    e.feature == "country" for e, _ in gaz.candidates(m.text))
                add(m.start, m.end, ent.country, True if capital_alias else reading)
        elif ent.type == "ORG" and well_known(gaz, ent.text):
            # spaCy's ORG that is a well-known place by name ("Edmonton" tagged ORG) is
            # a place; "Edmonton Oilers" is not matched whole and stays taken.
            for m in ent.mentions:
                add(m.start, m.end)
        else:  # a group "in Seoul" leaves its place free
            for m in ent.mentions:
                lead = _DEMONYM_LEAD.match(m.text)
                if ent.country and lead and not well_known(gaz, lead.group(1)):
                    country = gaz.country(ent.country)  # "Russian troops": Russia
                    if country is not None:
                        add(m.start, m.start + lead.end(1), ent.country, False,
                            [(country, False)], True)
                cut = max(m.text.rfind(" in "), m.text.rfind(" from "))
                non_places.append((m.start, m.start + cut if cut > 0 else m.end))
    taken += non_places
    for ent in ctx.doc.ents:
        if ent.label_ in _PLACE_TYPES:
            add(ent.start_char, ent.end_char)
    # Capitalised names spaCy missed: only well-known places (countries, divisions, regions,
    # large cities), and not a sentence's first word unless it is such a place by main name.
    for m in _CAP_SEQ.finditer(text):
        s, e = m.span()
        if not free(s, e):
            continue
        span = ctx.char_span(s, e)
        if span is None or any(t.pos_ != "PROPN" for t in span):
            continue
        cands = gaz.candidates(text[s:e])
        if any(not alias and (c.feature != "city" or c.population >= 100_000)
               for c, alias in cands):
            add(s, e)
    for top in list(out):  # "EDMONTON, Ky.", "Tacoma, WA": the state the place lies in
        state = lex.state_after_comma.match(text, top.end)
        if state:
            cands = [(e, False) for e, _ in gaz.candidates(lex.us_states[state.group(1)])
                     if e.feature == "admin1" and e.country == "USA"]
            if cands:
                add(state.start(1), state.end(1), "USA", False, cands)
    out.sort(key=lambda t: t.start)
    link_containment(text, out, gaz, lex)
    return out


def adjectival(ctx: Context, start: int, end: int) -> bool:
    """A demonym used as an adjective ("Russian forces"), not people ("Russians")."""
    span = ctx.char_span(start, end)
    return span is not None and span.root.tag_ not in ("NNS", "NNPS") and \
        not ctx.text[start:end].endswith("s")


def well_known(gaz: Gazetteer, name: str) -> bool:
    """A country, division or region by its main name, or a city of 100,000 people."""
    return any(not alias and (e.feature not in ("city", "admin2") or e.population >= 100_000)
               for e, alias in gaz.candidates(name))


def lookup(gaz: Gazetteer, lex: PlaceLexicon, name: str) -> list[tuple[Entry, bool]]:
    """Candidates for a name: as written, then without a division word, then as a US state.
    A dotted state abbreviation ("Mo.", "Ky.") is the state, not a town called "Mo"."""
    if name.endswith(".") and name in lex.us_states:
        cands = [(e, False) for e, _ in gaz.candidates(lex.us_states[name])
                 if e.feature == "admin1" and e.country == "USA"]
        if cands:
            return cands
    cands = gaz.candidates(name)
    if not cands:
        stripped = lex.division_words.sub("", name)
        if stripped != name:
            cands = [(e, a) for e, a in gaz.candidates(stripped) if e.feature != "city"] or \
                gaz.candidates(stripped)
    if not cands and name in lex.us_states:
        cands = [(e, False) for e, _ in gaz.candidates(lex.us_states[name])
                 if e.feature == "admin1" and e.country == "USA"]
    return cands


def link_containment(text: str, tops: list[Toponym], gaz: Gazetteer, lex: PlaceLexicon) -> None:
    """"Kursk, Russia", "Austin, Texas", "Austin, TX": the second name contains the first."""
    for i, top in enumerate(tops[:-1]):
        nxt = tops[i + 1]
        gap = text[top.end:nxt.start]
        if gap.strip() == "," and len(gap) <= 3 and not in_list(text, tops, i + 1):
            top.within = i + 1


def lists(text: str, tops: list[Toponym]) -> list[list[Toponym]]:
    """Runs of names joined by commas, "and", "or" ("California, Oregon or Washington"), not
    a place and its container ("Tacoma, Washington")."""
    groups: list[list[Toponym]] = []
    for i, top in enumerate(tops):
        joined = i > 0 and tops[i - 1].within is None and text[tops[i - 1].end:top.start].strip() \
            in (",", "and", "or", ", and", ", or")
        if joined:
            groups[-1].append(top)
        else:
            groups.append([top])
    return [g for g in groups if len(g) > 1]


def in_list(text: str, tops: list[Toponym], i: int) -> bool:
    """Whether the i-th toponym goes on a list ("Washington, New York and Boston"): followed by
    another name that no container follows."""
    if i + 1 >= len(tops):
        return False
    if text[tops[i].end:tops[i + 1].start].strip() not in (",", "and", ", and", "or", ", or"):
        return False
    nxt = i + 2 < len(tops) and text[tops[i + 1].end:tops[i + 2].start].strip() == ","
    return not nxt


# --- resolution -----------------------------------------------------------------------------


@dataclass
class ArticleContext:
    """What the article is about, for ranking candidates. Each piece of evidence keeps the
    folded name it came from, so that a name never votes for its own reading ("London" alone
    must not make the article British)."""

    countries: list[tuple[str, str, int]]  # (name, country, weight)
    admin1s: list[tuple[str, tuple[str, str]]]  # (name, (country, division))
    points: list[tuple[str, float, float]]

    def about(self, name: str) -> tuple[Counter, Counter, list[tuple[float, float]]]:
        """Countries, divisions and points of the article, leaving out the name's own."""
        countries: Counter = Counter()
        for n, code, w in self.countries:
            if n != name:
                countries[code] += w
        admin1s = Counter(a for n, a in self.admin1s if n != name)
        return countries, admin1s, [(a, b) for n, a, b in self.points if n != name]


def article_context(ctx: Context, resolved: Iterable[tuple[str, Entry]] = ()) -> ArticleContext:
    countries = []
    for ent in ctx.record.entities:
        if ent.country:
            for m in ent.mentions:  # "London's" is London's own mention too
                countries.append((norm(_POSSESSIVE.sub("", m.text)), ent.country, 1))
    admin1s, points = [], []
    for name, e in resolved:
        if e.country:
            countries.append((name, e.country, 2))
        if e.admin1 and e.feature in ("city", "admin1", "admin2"):
            admin1s.append((name, (e.country, e.admin1)))
        if e.feature in ("city", "admin1", "admin2"):
            points.append((name, e.lat, e.lon))
    return ArticleContext(countries, admin1s, points)


def contains(outer: Entry, inner: Entry) -> bool:
    if outer.feature == "country":
        return inner.country == outer.country
    if outer.feature == "admin1":
        return inner.country == outer.country and inner.admin1 == outer.name
    return haversine(outer.lat, outer.lon, inner.lat, inner.lon) < 300


def score(top: Toponym, entry: Entry, alias: bool,
          art: tuple[Counter, Counter, list[tuple[float, float]]],
          outer: Optional[Entry], same_name_city: set[str], largest: int = 0) -> float:
    people = max(entry.population, _WATER_POPULATION) if entry.feature == "water" else \
        entry.population
    s = math.log10(people + 10) / 2 + _FEATURE_PRIOR.get(entry.feature, 0.0)
    if entry.population * OBSCURE_RATIO < largest:
        s -= OBSCURE_PENALTY  # a village named like a world city ("London, Ohio") needs evidence
    if entry.capital:
        s += 3.0 if top.acting else 0.8  # a capital acting as its government ("Kiev launched")
    if alias:
        s -= 1.0
    division = top.division or top.division_hint
    if entry.feature in ("admin1", "admin2"):
        if division:
            s += 3.0
        elif entry.country in same_name_city:
            s -= 2.5  # "Moscow" is the city, not the federal city or the oblast
    elif division and entry.feature == "city":
        s -= 1.0
    countries, admin1s, points = art
    total = sum(countries.values()) or 1
    if entry.country and countries.get(entry.country):
        s += 2.0 * countries[entry.country] / total + 0.5
    if entry.admin1 and entry.feature != "admin1" and admin1s.get((entry.country, entry.admin1)):
        s += ADMIN1_PULL  # other places of the article lie in the same division
    if top.country_hint and entry.country == top.country_hint and not top.hint_from_name:
        s += HINT_BONUS
    if outer is not None and contains(outer, entry):
        s += 6.0  # written containment is the strongest evidence
    if points and entry.feature in ("city", "admin2"):
        near = min(haversine(entry.lat, entry.lon, a, b) for a, b in points)
        s += 0.8 if near < 150 else 0.4 if near < 500 else 0.0
    return s


def dominates(city: Entry, division: Optional[Entry]) -> bool:
    """Whether a city is what its division's shared name means: its largest city ("New York",
    "Kursk"), or a large share of its people."""
    if division is None:
        return True
    return city.population >= max(division.largest, 0.3 * division.population) * 0.95


def resolve(tops: list[Toponym], art: ArticleContext) -> None:
    # A name written once with its container ("Edmonton, Ky.") means the same place where the
    # article repeats it alone (one sense per discourse).
    outers: dict[str, Entry] = {}
    inners: dict[int, list[Toponym]] = {}
    for top in tops:
        if top.within is not None:
            inners.setdefault(top.within, []).append(top)
            if tops[top.within].scores:
                outers.setdefault(norm(top.name), tops[top.within].scores[0][1])
    for i, top in enumerate(tops):
        outer = None
        if top.within is not None and tops[top.within].scores:
            outer = tops[top.within].scores[0][1]
        key = norm(top.name)
        if outer is None and outers:
            outer = outers.get(key)
        holds = [c for t in inners.get(i, ()) for c, alias in t.candidates
                 if c.feature == "city" and not alias]
        # A division that its city of the same name dominates ("Moscow", "Seoul", "Kursk") is
        # meant as the city; a large province named like a small city ("Quebec") is not.
        divisions = {e.country: e for e, _ in top.candidates if e.feature == "admin1"}
        same_name_city = {e.country for e, alias in top.candidates
                          if e.feature == "city" and e.population >= 15000
                          and (e.capital or dominates(e, divisions.get(e.country)))}
        about = art.about(key)
        largest = max((e.population for e, _ in top.candidates), default=0)
        scored = [(score(top, e, a, about, outer, same_name_city, largest)
                   + (CONTAINER_BONUS if holds and e.feature in ("admin1", "country")
                      and any(contains(e, c) for c in holds) else 0.0), e)
                  for e, a in top.candidates]
        scored.sort(key=lambda x: -x[0])
        top.scores = scored


def confidence(scores: list[tuple[float, Entry]]) -> float:
    if len(scores) == 1:
        return 0.95
    gap = scores[0][0] - scores[1][0]
    return round(min(0.95, 1 / (1 + math.exp(-2 * gap))), 3)


def resolve_all(ctx: Context, tops: list[Toponym]) -> None:
    """Two passes: the second knows where the places resolved first lie."""
    lex = lexicon()
    for top in tops:
        if any(e.capital for e, _ in top.candidates):
            top.hint_from_name = any(e.capital and e.country == top.country_hint
                                     for e, _ in top.candidates)
            top.acting = not in_dateline(ctx.text, top) and government_reading(
                ctx, top, lex, "capital")
        # "central Washington", "New York Gov.": unless a country is so named ("southern Mexico")
        top.division_hint = bool(
            _PART_BEFORE.search(ctx.text, max(0, top.start - 16), top.start)
            or _DIVISION_BODY_AFTER.match(ctx.text, top.end)) and not any(
            e.feature == "country" for e, _ in top.candidates)
    resolve(tops, article_context(ctx))
    # Places written with their container ("Cordova, Tennessee") settle their own level.
    linked = {id(t) for t in tops if t.within is not None} | {
        id(tops[t.within]) for t in tops if t.within is not None}
    for group in lists(ctx.text, tops):
        group = [t for t in group if id(t) not in linked]
        for top in group:  # the others of a list are divisions: so is this one
            kinds = {t.scores[0][1].feature for t in group
                     if t is not top and t.scores and norm(t.name) != norm(top.name)}
            if kinds == {"admin1"}:
                top.division_hint = True
    firm = [(norm(t.name), t.scores[0][1]) for t in tops
            if t.scores and confidence(t.scores) >= 0.8]
    # Containers first, so "Kursk, Russia" sees Russia resolved.
    resolve(tops, article_context(ctx, firm))


# --- metonymy -------------------------------------------------------------------------------


def government_reading(ctx: Context, top: Toponym, lex: PlaceLexicon, kind: str) -> bool:
    """Whether a place stands for its government here (see the module doc). ``kind``: "state"
    (a country), "capital" or "division" (a first- or second-level division)."""
    text = ctx.text
    if lex.state_hyphen.match(text, top.end):
        return True  # "US-led coalition", "Iran-backed militias"
    span = ctx.char_span(top.start, top.end, alignment_mode="expand")
    if span is None:
        return False
    tok = span.root
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    if text[top.end:top.end + 2] in ("'s", "’s") or tok.dep_ == "poss":
        # What an agent does, wants or says ("Seoul's policy"); its people, bodies and
        # properties ("Russia's foreign minister", "China's economy") only modify.
        return among(tok.head, lex.agent_nouns)
    if tok.dep_ in ("nsubj", "agent", "nsubjpass"):
        return acting_subject(tok, lex, kind)
    if kind == "state" and tok.dep_ in OBJECT_DEPS:
        # A country acted upon is the state ("Britain accuses Russia", "told Britain to"),
        # unless the verb goes to or through the place ("visited France").
        verb = tok.head
        return verb.pos_ == "VERB" and lemma(verb) not in lex.place_object_verbs
    if tok.dep_ == "pobj":
        return participant_object(tok, lex, kind)
    return False


def lemma(tok) -> str:
    return tok.lemma_.lower()


def among(tok, words: frozenset[str]) -> bool:
    """The word or its lemma is listed ("relations" and "relation", "ties" and "tie")."""
    return tok.lower_ in words or tok.lemma_.lower() in words


def agent_noun(tok, lex: "PlaceLexicon", of: bool = False) -> bool:
    """What an agent does, wants or says; with ``of``, not an event whose "of" object is the
    territory acted on ("the invasion of Ukraine")."""
    return tok.pos_ in ("NOUN", "PROPN") and among(tok, lex.agent_nouns) and not (
        of and among(tok, lex.territory_events))


def acting_subject(tok, lex: PlaceLexicon, kind: str) -> bool:
    """The subject of a verb that a place cannot do ("Kiev launched", "Moscow is feeling",
    "Russia is concerned"), not of a place verb ("Syria lies", "Texas has ...")."""
    verb = tok.head
    if verb.pos_ not in ("VERB", "AUX"):
        return False
    # "China continued to lead", "Russia is alleged to have done": the verb introduced counts.
    for _ in range(2):
        if lemma(verb) not in lex.catenative_verbs and tok.dep_ != "nsubjpass":
            break
        nxt = next((c for c in verb.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")),
                   None)
        if nxt is None:
            break
        verb = nxt
    if tok.dep_ == "nsubjpass" and verb is tok.head:
        # "Russia was accused": acted upon, as an object; "The US is engaged in".
        return lemma(verb) in lex.agent_predicates or (
            kind == "state" and lemma(verb) not in lex.place_object_verbs)
    if lemma(verb) in lex.place_verbs:
        # "Russia is concerned", "Europe was a reliable ally", "Vietnam sees Russia as ...".
        # "Dubai has strategic goals", "Malta had lost a valuable ally".
        for c in verb.children:
            if c.dep_ in ("acomp", "attr", "oprd") and among(c, lex.agent_predicates):
                return True
            if c.dep_ == "dobj" and agent_noun(c, lex, of=True):
                return True
        return lemma(verb) == "see" and any(c.dep_ == "prep" and c.lower_ == "as"
                                            for c in verb.children)
    return True


def participant_object(tok, lex: PlaceLexicon, kind: str) -> bool:
    """A place after a preposition that makes it a party ("talks with Vietnam", "statements
    from Washington", "the interests of China", "sold arms to Saudi Arabia")."""
    prep = tok.head
    word, head = prep.lower_, prep.head
    noun = head.pos_ in ("NOUN", "PROPN")
    # The verb's object stands in for it: "received strong backing from", "puts pressure on".
    objects = [c for c in head.children if c.dep_ == "dobj"] if head.pos_ == "VERB" else []
    if word == "from":
        # Not goods or people coming from it ("imports from China").
        return any(lemma(h) in _SPEECH_NOUNS or (agent_noun(h, lex) and lemma(h) not in _FLOWS)
                   for h in [head, *objects])
    if word in lex.participant_preps:
        if noun and among(head, lex.place_relation_nouns):
            return False  # "the border with Mexico", "flights between London and Paris"
        if word == "by":
            return True
        if kind == "state":
            return True
        return kind == "capital" and agent_noun(head, lex)  # "relations between Harare and London"
    if word == "of":
        return lemma(head) in _SPEECH_NOUNS or agent_noun(head, lex, of=True)
    if word == "to":
        return (head.pos_ == "VERB" and among(head, lex.recipient_verbs)) or (
            noun and among(head, lex.recipient_nouns))
    if word == "on":
        return any(among(h, lex.pressure_words) for h in [head, *objects])
    if word in ("towards", "toward"):
        return noun and not among(head, lex.place_relation_nouns)  # "its policy towards Iran"
    return False


def in_dateline(text: str, top: Toponym) -> bool:
    """Where the story was filed, at the start of a line or sentence ("MANILA, Philippines -",
    "Hanoi (VNA) -", "Muscat: ", "Moscow, SANA-", "CAIRO (AP) "): a place, whatever follows."""
    stop = text.rfind(". ", 0, top.start)
    begin = max(text.rfind("\n", 0, top.start) + 1, stop + 2 if stop >= 0 else 0)
    if top.start - begin > 40:
        return False
    while begin < top.start and text[begin].isspace():
        begin += 1
    found = _DATELINE_AT.match(text, begin)
    if found is None or found.end() < top.end:
        return False
    # An agency in brackets with no dash after it only in capitals ("CAIRO (AP) The ..."), not
    # "Kiev (Kyiv) launched".
    dashed = found.group().rstrip().endswith(("-", "–", "—", ":"))
    return dashed or text[begin:top.end].isupper()


def gov_entity(ctx: Context, country: Optional[str]) -> Optional[str]:
    for ent in ctx.record.entities:
        if ent.type == "GPE" and ent.sector == "GOV" and ent.country == country:
            return ent.id
    return None


# --- the extractor ----------------------------------------------------------------------------


def reading_kind(best: Entry) -> Optional[str]:
    """Which places can stand for a government: countries, capitals, and divisions (a state
    or a county acting through its own government)."""
    if best.feature == "country":
        return "state"
    if best.capital:
        return "capital"
    if best.feature in ("admin1", "admin2"):
        return "division"
    return None


def in_organisation(ctx: Context, top: Toponym) -> bool:
    """A place inside an organisation's name ("Air Zimbabwe", "Local Ireland")."""
    return any(e.label_ == "ORG" and e.start_char <= top.start and top.end <= e.end_char
               and (e.start_char, e.end_char) != (top.start, top.end) for e in ctx.doc.ents)


def to_place(ctx: Context, top: Toponym, lex: PlaceLexicon,
             container: bool = False) -> Optional[Place]:
    if not top.scores:
        return None
    best = top.scores[0][1]
    reading = "place"
    kind = reading_kind(best)
    if kind and not (top.demonym or top.division or container) \
            and not in_dateline(ctx.text, top) and not in_organisation(ctx, top) \
            and government_reading(ctx, top, lex, kind):
        reading = "government"
    end = top.end
    return Place(**ctx.span(top.start, end), geonameid=best.geonameid, name=best.name,
                 feature=best.feature, country=best.country, admin1=best.admin1,
                 lat=round(best.lat, 5), lon=round(best.lon, 5), confidence=confidence(top.scores),
                 reading=reading,
                 entity=gov_entity(ctx, best.country)
                 if reading == "government" and kind != "division" else None,
                 alternatives=[{"geonameid": e.geonameid, "name": e.name, "country": e.country,
                                "score": round(s, 3)} for s, e in top.scores[1:4]])


def extract_places(ctx: Context, gaz: Optional[Gazetteer] = None) -> list[Place]:
    gaz = gaz or gazetteer.default()
    lex = lexicon()
    tops = detect(ctx, gaz, lex)
    resolve_all(ctx, tops)
    containers = {t.within for t in tops if t.within is not None}
    return [p for p in (to_place(ctx, t, lex, i in containers) for i, t in enumerate(tops))
            if p is not None]


def resolve_spans(ctx: Context, spans: Iterable[tuple[int, int]],
                  gaz: Optional[Gazetteer] = None) -> list[Optional[Place]]:
    """Resolve given toponym spans (gold spans in evaluation), one place or None each."""
    gaz = gaz or gazetteer.default()
    lex = lexicon()
    tops = []
    for s, e in spans:
        top = Toponym(s, e, ctx.text[s:e])
        top.candidates = lookup(gaz, lex, top.name)
        tops.append(top)
    order = sorted(range(len(tops)), key=lambda i: tops[i].start)
    ordered = [tops[i] for i in order]
    link_containment(ctx.text, ordered, gaz, lex)
    resolve_all(ctx, ordered)
    containers = {id(ordered[t.within]) for t in ordered if t.within is not None}
    return [to_place(ctx, t, lex, id(t) in containers) for t in tops]


@registry.register("places")
def make_places(settings) -> Callable[[Context], list[Place]]:
    lexicon()
    gazetteer.default()  # open (or build) the index now, not on the first article
    return extract_places
