"""Places: toponyms found in the article, resolved to GeoNames offline, with metonymy.

Detection. Toponyms come from the actors extractor's place and country entities (their
mentions: "Kursk", "Ukraine", a capital standing for its government), spaCy's GPE/LOC/FAC
entities the actors left alone, spaCy ORGs that are well-known places by name ("Edmonton"),
adjectival demonyms read as their country ("Russian forces", also as the first word of a group:
"Syrian army"), and capitalised words that are well-known gazetteer names spaCy missed.
Organisations named like places (NATO, the Kremlin) and bare compass words are never places.

Resolution. Each toponym's candidates come from the gazetteer (:mod:`newsgraph.gazetteer`) by
its name, its name without a division word ("Kursk Oblast"), or a US state abbreviation. A
candidate's score adds up its population (log), its kind (countries, curated regions and capitals
first; a division named like its capital city yields to the city unless "region", "oblast" ...
is written), whether its name is the main name or only an alias, the countries the article is
about (actors' countries and places resolved without doubt, each name's own mentions left out so
that a name never votes for itself), the first-level divisions of the article's other places,
containment ("Kursk, Russia", "Austin, Texas") and closeness to the article's other places. Two
passes: the second uses the places the first resolved.

Metonymy. A country or capital reads as ``government`` (and links to the country's GOV entity)
when it acts: the subject of a verb that is not a place verb ("Kiev launched", "Moscow is
feeling"), a possessive before a government noun ("Seoul's laws"), speech "from Washington";
a country acted upon ("Britain accuses Russia", unless visited, left, crossed ...) or after
"with", "between", "against", "by" ("talks with Vietnam");
the same rule as the actors extractor's for capitals, whose decision it follows. Otherwise, and
after "in", "to", "near" ..., it reads as ``place``.
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
from .actors import _LOCATIVE, _SPEECH_NOUNS

_PLACE_TYPES = {"GPE", "LOC", "FAC"}
_CAP_SEQ = re.compile(r"(?<![\w'’-])[A-Z][\w’'-]*(?:\s+(?:of\s+|de\s+|the\s+)?[A-Z][\w’'-]*){0,3}")
_DATELINE_AT = re.compile(r"[A-Z][\w.]*(?:\s[A-Z][\w.]*){0,2}(?:,\s+[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)?"
                          r"\s*(?:\([^)\n]{1,20}\)\s*)?(?:[-–—]|:\s)")
# The first word of a group named by its country's adjective ("Russian troops", "Syrian army").
_DEMONYM_LEAD = re.compile(r"(?:the\s+)?([A-Z][a-z]+(?:an|ese|ish|i|ic|ch))\s+[a-z]")
_FEATURE_PRIOR = {"country": 3.0, "continent": 3.0, "region": 2.0, "water": 2.0,
                  "admin1": 0.6, "admin2": -0.3, "city": 0.0}
ADMIN1_PULL = 0.5  # other places of the article in the same first-level division
OBJECT_DEPS = ("dobj", "dative")
HINT_BONUS = 1.5
CONTAINER_BONUS = 3.0  # "Tacoma, Washington": the second name holds one reading of the first  # the country the actors extractor gave the name
# Seas and oceans have no population: rank them like a large place ("the Atlantic").
_WATER_POPULATION = 10_000_000


@dataclass(frozen=True)
class PlaceLexicon:
    not_places: frozenset[str]
    us_states: dict[str, str]
    division_words: re.Pattern
    government_nouns: frozenset[str]
    place_verbs: frozenset[str]
    place_parts: frozenset[str]
    place_object_verbs: frozenset[str]
    participant_preps: frozenset[str]
    state_after_comma: re.Pattern  # "Edmonton, Ky.": a US state abbreviation after a place


@lru_cache(maxsize=1)
def lexicon() -> PlaceLexicon:
    data = json.loads(resources.files("newsgraph.lexicon").joinpath("places.json")
                      .read_text(encoding="utf-8"))
    words = "|".join(sorted(data["division_words"], key=len, reverse=True))
    return PlaceLexicon(
        not_places=frozenset(norm(n) for n in data["not_places"]),
        us_states=data["us_states"],
        division_words=re.compile(rf"\s+(?:{words})s?\b", re.IGNORECASE),
        government_nouns=frozenset(data["government_nouns"]),
        place_verbs=frozenset(data["place_verbs"]),
        place_parts=frozenset(data["place_parts"]),
        place_object_verbs=frozenset(data["place_object_verbs"]),
        participant_preps=frozenset(data["participant_preps"]),
        state_after_comma=re.compile(r",\s{1,2}(%s)(?![\w.])" % "|".join(
            re.escape(k) for k in sorted(data["us_states"], key=len, reverse=True))))


@dataclass
class Toponym:
    """A place name found in the text, before and after resolution."""

    start: int
    end: int
    name: str
    division: bool = False  # "Kursk region": a first-level division is meant
    country_hint: Optional[str] = None  # the country the actors extractor gave it
    government: Optional[bool] = None  # the actors extractor's reading, where it gave one
    candidates: list[tuple[Entry, bool]] = field(default_factory=list)
    within: Optional[int] = None  # index of the toponym after a comma that contains this one
    scores: list[tuple[float, Entry]] = field(default_factory=list)


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
            candidates: Optional[list[tuple[Entry, bool]]] = None) -> None:
        s, e = clean(text, s, e)
        if e <= s or not free(s, e) or norm(text[s:e]) in lex.not_places:
            return
        top = Toponym(s, e, text[s:e], country_hint=hint, government=government)
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
                            add(m.start, m.end, ent.country, False, [(country, False)])
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
                if ent.country and lead and not gaz.has(lead.group(1)):
                    country = gaz.country(ent.country)  # "Russian troops": Russia
                    if country is not None:
                        add(m.start, m.start + lead.end(1), ent.country, False, [(country, False)])
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
    """Candidates for a name: as written, then without a division word, then as a US state."""
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
            for m in ent.mentions:
                countries.append((norm(m.text), ent.country, 1))
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
          outer: Optional[Entry], same_name_city: set[str]) -> float:
    people = max(entry.population, _WATER_POPULATION) if entry.feature == "water" else \
        entry.population
    s = math.log10(people + 10) / 2 + _FEATURE_PRIOR.get(entry.feature, 0.0)
    if entry.capital:
        s += 3.0 if top.government else 0.8  # the actors read it as a capital's government
    if alias:
        s -= 1.0
    if entry.feature in ("admin1", "admin2"):
        if top.division:
            s += 3.0
        elif entry.country in same_name_city:
            s -= 2.5  # "Moscow" is the city, not the federal city or the oblast
    elif top.division and entry.feature == "city":
        s -= 1.0
    countries, admin1s, points = art
    total = sum(countries.values()) or 1
    if entry.country and countries.get(entry.country):
        s += 2.0 * countries[entry.country] / total + 0.5
    if entry.admin1 and entry.feature != "admin1" and admin1s.get((entry.country, entry.admin1)):
        s += ADMIN1_PULL  # other places of the article lie in the same division
    if top.country_hint and entry.country == top.country_hint:
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
        scored = [(score(top, e, a, about, outer, same_name_city)
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
    resolve(tops, article_context(ctx))
    firm = [(norm(t.name), t.scores[0][1]) for t in tops
            if t.scores and confidence(t.scores) >= 0.8]
    # Containers first, so "Kursk, Russia" sees Russia resolved.
    resolve(tops, article_context(ctx, firm))


# --- metonymy -------------------------------------------------------------------------------


def government_reading(ctx: Context, top: Toponym, lex: PlaceLexicon, country: bool) -> bool:
    """Whether a country or capital stands for its government here (see the module doc)."""
    text = ctx.text
    span = ctx.char_span(top.start, top.end, alignment_mode="expand")
    if span is None:
        return False
    tok = span.root
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    if text[top.end:top.end + 2] in ("'s", "’s") or tok.dep_ == "poss":
        head = tok.head
        if head.lower_ in lex.government_nouns or head.lemma_.lower() in lex.government_nouns:
            return True
        # A country's own doings ("Iran's imports"), not its parts ("Ukraine's east").
        return country and head.lemma_.lower() not in lex.place_parts
    if tok.dep_ in ("nsubj", "agent"):
        verb = tok.head
        return verb.lemma_.lower() not in lex.place_verbs and verb.pos_ in ("VERB", "AUX")
    if country and tok.dep_ in OBJECT_DEPS:
        # A country acted upon is the state ("Britain accuses Russia", "told Britain to"),
        # unless the verb goes to or through the place ("visited France").
        verb = tok.head
        return verb.pos_ == "VERB" and verb.lemma_.lower() not in lex.place_object_verbs
    if tok.dep_ == "pobj":
        prep = tok.head.lower_
        if prep == "from":
            return tok.head.head.lemma_.lower() in _SPEECH_NOUNS
        if prep in lex.participant_preps:
            return country or prep == "by"
        return prep == "of" and tok.head.head.lemma_.lower() in _SPEECH_NOUNS
    return False


def in_dateline(text: str, top: Toponym) -> bool:
    """Where the story was filed, at the start of a line or sentence ("MANILA, Philippines -",
    "Hanoi (VNA) -", "Muscat: ", "Moscow, SANA-"): a place, whatever follows."""
    stop = text.rfind(". ", 0, top.start)
    begin = max(text.rfind("\n", 0, top.start) + 1, stop + 2 if stop >= 0 else 0)
    if top.start - begin > 40:
        return False
    while begin < top.start and text[begin].isspace():
        begin += 1
    found = _DATELINE_AT.match(text, begin)
    return found is not None and found.end() >= top.end


def gov_entity(ctx: Context, country: Optional[str]) -> Optional[str]:
    for ent in ctx.record.entities:
        if ent.type == "GPE" and ent.sector == "GOV" and ent.country == country:
            return ent.id
    return None


# --- the extractor ----------------------------------------------------------------------------


def to_place(ctx: Context, top: Toponym, lex: PlaceLexicon) -> Optional[Place]:
    if not top.scores:
        return None
    best = top.scores[0][1]
    reading = "place"
    if (best.feature == "country" or best.capital) and not in_dateline(ctx.text, top):
        gov = top.government if top.government is not None else government_reading(
            ctx, top, lex, best.feature == "country")
        reading = "government" if gov and not top.division else "place"
    end = top.end
    return Place(**ctx.span(top.start, end), geonameid=best.geonameid, name=best.name,
                 feature=best.feature, country=best.country, admin1=best.admin1,
                 lat=round(best.lat, 5), lon=round(best.lon, 5), confidence=confidence(top.scores),
                 reading=reading,
                 entity=gov_entity(ctx, best.country) if reading == "government" else None,
                 alternatives=[{"geonameid": e.geonameid, "name": e.name, "country": e.country,
                                "score": round(s, 3)} for s, e in top.scores[1:4]])


def extract_places(ctx: Context, gaz: Optional[Gazetteer] = None) -> list[Place]:
    gaz = gaz or gazetteer.default()
    lex = lexicon()
    tops = detect(ctx, gaz, lex)
    resolve_all(ctx, tops)
    return [p for p in (to_place(ctx, t, lex) for t in tops) if p is not None]


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
    return [to_place(ctx, t, lex) for t in tops]


@registry.register("places")
def make_places(settings) -> Callable[[Context], list[Place]]:
    lexicon()
    gazetteer.default()  # open (or build) the index now, not on the first article
    return extract_places
