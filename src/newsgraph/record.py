"""The record types: newsgraph's one contract.

A :class:`Record` is the whole truth about one article. The JSON that ``newsgraph analyze``
prints, the documentation in ``docs/record.md`` and (later) the DuckDB tables and Parquet schema
are all derived from the dataclasses below, so a field is added, renamed or documented here and
nowhere else.

Conventions every item follows:

* ``id`` is unique within the record and stable for the same text and settings
  (``e1``, ``t3``, ``q2`` ...), so other items refer to each other by id.
* An item found in text carries ``text``, ``start``, ``end`` (character offsets into the article
  text exactly as read, end exclusive: ``article.text[start:end] == text``) and ``sentence``
  (0-based index of the sentence, paragraph breaks counting as sentence breaks).
* Dates are ISO strings; intervals are half open (``until`` is the first day *after*).

Each field's ``metadata["doc"]`` is the sentence the docs show for it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Optional


def doc(text: str, **kwargs: Any) -> Any:
    """A dataclass field with its documentation attached."""
    return field(metadata={"doc": text}, **kwargs)


def text_id(text: str) -> str:
    """The article id: a short, stable hash of the text as read."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


# --- items found in text ---------------------------------------------------------------------


@dataclass
class Span:
    """Where an item was found. Every item found in text extends this."""

    text: str = doc("The words, exactly as in the article.")
    start: int = doc("Character offset of the first character.")
    end: int = doc("Character offset just past the last character.")
    sentence: int = doc("Index of the sentence (0-based; paragraph breaks are sentence breaks).")


@dataclass
class Mention(Span):
    """One place in the text where an entity is named or referred to."""

    role: str = doc("How it names the entity: `name`, `alias` (a shorter or other form), "
                    "`title` (\"the defense secretary\"), `demonym` (\"North Korean\"), "
                    "`pronoun`.", default="name")


@dataclass
class Entity(Span):
    """An actor: a person, organisation, country or group, with every mention merged.

    ``text``/``start``/``end``/``sentence`` are those of the first mention."""

    id: str = doc("Id unique in the record, e.g. `e3`.", default="")
    name: str = doc("Canonical name: the longest full form used in the article "
                    "(\"Antony Blinken\" for every \"Blinken\").", default="")
    type: str = doc("Entity type: PERSON, ORG, GPE, NORP (a group named by nationality, "
                    "\"North Korean troops\"), LOC, FAC.", default="")
    title: Optional[str] = doc("Title or office held, as written (\"Secretary of State\").",
                               default=None)
    country: Optional[str] = doc("ISO 3166-1 alpha-3 code of the country the actor belongs to.",
                                 default=None)
    sector: Optional[str] = doc("PLOVER sector code: GOV (government), MIL (state military), "
                                "COP (police), JUD, LEG, PTY (party), OPP (opposition), REB, SPY, "
                                "BUS, MED, CVL, EDU, REL, LAB, IGO/NGO organisations ...",
                                default=None)
    mentions: list[Mention] = doc("Every mention, in text order.", default_factory=list)


@dataclass
class Time(Span):
    """A time expression normalised against the publication date (TIMEX3 style)."""

    id: str = doc("Id unique in the record, e.g. `t1`.", default="")
    value: str = doc("TIMEX3 value: `2024-10-28`, `2024-10`, `2024-SU`, `2024-W44`, `2024`, "
                     "`PRESENT_REF`, `PAST_REF`, `FUTURE_REF`, `P3D`, `2024-10-31T14:00` ...", default="")
    type: str = doc("TIMEX3 type: DATE, TIME, DURATION or SET.", default="DATE")
    mod: Optional[str] = doc("TIMEX3 mod: START, MID, END, APPROX, BEFORE, AFTER, "
                             "EQUAL_OR_LESS, EQUAL_OR_MORE, LESS_THAN, MORE_THAN, or null.",
                             default=None)
    begin: Optional[str] = doc("First day of the interval the expression denotes (ISO date); "
                               "null when open or unknown.", default=None)
    until: Optional[str] = doc("First day after that interval (ISO date, exclusive); null when "
                               "open or unknown. (Called `until` because `end` is the span's end.)",
                               default=None)
    anchor: Optional[str] = doc("What the value was resolved against: `published` (the "
                                "publication date), `text` (a date written nearby), or null "
                                "when the expression is absolute.", default=None)


@dataclass
class Quantity(Span):
    """A number with its bounds, unit and the thing it counts.

    ``text`` covers the bound words and the counted noun phrase where there is one
    (\"as many as 8,000 North Korean troops\")."""

    id: str = doc("Id unique in the record, e.g. `q1`.", default="")
    value: Optional[float] = doc("The number stated, scaled (\"$22 billion\" -> 22000000000). "
                                 "For a range, its lower number.", default=None)
    low: Optional[float] = doc("Lower end of the interval the text allows; null when open.",
                               default=None)
    high: Optional[float] = doc("Upper end of that interval; null when open.", default=None)
    low_inclusive: bool = doc("Whether `low` itself is allowed (\"at least\" yes, "
                              "\"more than\" no).", default=True)
    high_inclusive: bool = doc("Whether `high` itself is allowed (\"up to\" yes, "
                               "\"fewer than\" no).", default=True)
    approximate: bool = doc("Hedged by \"about\", \"nearly\", \"some\", \"roughly\" ...",
                            default=False)
    change: Optional[str] = doc("`up` or `down` when the number is a change (\"rose 5%\", "
                                "\"cut by 200\"), else null.", default=None)
    unit: Optional[str] = doc("Unit, normalised: `USD`, `EUR`, `GBP`, `RUB`, `percent`, `km`, "
                              "`kg`, ... or the counted noun (\"troops\").", default=None)
    kind: str = doc("What sort of amount: count, money, percent, length, area, mass, volume, "
                    "duration, speed, temperature, energy, other.", default="count")
    counted: Optional[str] = doc("The noun phrase counted or measured "
                                 "(\"North Korean troops\").", default=None)
    number_text: str = doc("The number as written (\"8,000\", \"eight thousand\").", default="")


@dataclass
class Place(Span):
    """A place name resolved to GeoNames."""

    id: str = doc("Id unique in the record, e.g. `p1`.", default="")
    geonameid: Optional[int] = doc("GeoNames id of the place resolved to.", default=None)
    name: Optional[str] = doc("Its name in GeoNames.", default=None)
    feature: Optional[str] = doc("country, admin1, city, region, water, continent ...",
                                 default=None)
    country: Optional[str] = doc("ISO 3166-1 alpha-3 code of its country.", default=None)
    admin1: Optional[str] = doc("First-level division it lies in.", default=None)
    lat: Optional[float] = doc("Latitude.", default=None)
    lon: Optional[float] = doc("Longitude.", default=None)
    confidence: Optional[float] = doc("How sure the resolution is, 0..1.", default=None)
    reading: str = doc("`place`, or `government` where a capital or country stands for its "
                       "government or forces (\"Pyongyang said\").", default="place")
    entity: Optional[str] = doc("Id of the GOV actor a government reading stands for.",
                                default=None)
    alternatives: list[dict] = doc("Runners-up: geonameid, name, country, score.",
                                   default_factory=list)


@dataclass
class Claim(Span):
    """Something somebody (or nobody) says is so. ``text``/``start``/``end`` cover the content;
    where the cue and source stand inside it ("Their numbers, he said, are growing"), the span
    runs over them and what is claimed is the words around them."""

    id: str = doc("Id unique in the record, e.g. `c1`.", default="")
    kind: str = doc("`quote` (direct speech), `reported` (indirect speech or an attributed "
                    "finding) or `unattributed` (the writer's own assertion).", default="")
    cue: Optional[str] = doc("The speech or finding words (\"said\", \"according to\").",
                             default=None)
    cue_start: Optional[int] = doc("Character offset of the cue.", default=None)
    cue_end: Optional[int] = doc("Character offset just past the cue.", default=None)
    source: Optional[str] = doc("Id of the entity that says it; null when unattributed or "
                                "unresolved.", default=None)
    source_text: Optional[str] = doc("The words that name the source (\"He\", \"the Pentagon\").",
                                     default=None)
    source_start: Optional[int] = doc("Character offset of those words.", default=None)
    source_end: Optional[int] = doc("Character offset just past them.", default=None)
    said_on: Optional[str] = doc("TIMEX3 value of when it was said.", default=None)
    modality: str = doc("asserted, expected, conditional, hedged or denied.", default="asserted")
    times: list[str] = doc("Ids of the times inside the content.", default_factory=list)
    quantities: list[str] = doc("Ids of the quantities inside the content.", default_factory=list)
    places: list[str] = doc("Ids of the places inside the content.", default_factory=list)


@dataclass
class Event(Span):
    """A PLOVER event. ``text``/``start``/``end`` are the trigger's."""

    id: str = doc("Id unique in the record, e.g. `v1`.", default="")
    type: str = doc("PLOVER event type (ASSAULT, MOBILIZE, AID, AGREE, ...).", default="")
    mode: Optional[str] = doc("PLOVER mode of that type.", default=None)
    contexts: list[str] = doc("PLOVER contexts.", default_factory=list)
    cameo: Optional[str] = doc("CAMEO root code the type maps to.", default=None)
    actors: list[str] = doc("Entity ids of who acts.", default_factory=list)
    recipients: list[str] = doc("Entity ids of who is acted on.", default_factory=list)
    place: Optional[str] = doc("Place id of where it happened.", default=None)
    time: Optional[str] = doc("Time id of when it happened.", default=None)
    time_value: Optional[str] = doc("TIMEX3 value of when it happened.", default=None)
    time_basis: Optional[str] = doc("Where `time_value` comes from: `text`, `claim` or "
                                    "`published`.", default=None)
    size: Optional[str] = doc("Quantity id of how many took part.", default=None)
    dead: Optional[str] = doc("Quantity id of the dead.", default=None)
    injured: Optional[str] = doc("Quantity id of the injured.", default=None)
    modality: str = doc("asserted, expected, conditional, hedged, denied or historical.",
                        default="asserted")
    claim: Optional[str] = doc("Id of the claim that reports it.", default=None)
    sentence_text: Optional[str] = doc("The whole sentence.", default=None)
    confidence: Optional[float] = doc("0..1.", default=None)


# --- the article and the record --------------------------------------------------------------


@dataclass
class Article:
    """The article as read, and what is known about it."""

    id: str = doc("Hash of the text (first 16 hex digits of its SHA-256).")
    text: str = doc("The text exactly as read; every span points into it.")
    published: Optional[str] = doc("Publication date (ISO), the anchor of relative times.",
                                   default=None)
    title: Optional[str] = doc("Title, given or the first line of the text.", default=None)
    source: Optional[str] = doc("Outlet or publisher.", default=None)
    url: Optional[str] = doc("Where it was read from.", default=None)
    language: str = doc("Language code of the text.", default="en")


ITEM_LISTS: dict[str, type] = {
    "entities": Entity,
    "places": Place,
    "times": Time,
    "quantities": Quantity,
    "claims": Claim,
    "events": Event,
}
"""The record's lists, in the order they are extracted, with their item type."""

ID_PREFIX = {"entities": "e", "places": "p", "times": "t", "quantities": "q", "claims": "c",
             "events": "v"}


@dataclass
class Record:
    """Everything newsgraph found in one article."""

    article: Article = doc("The article.")
    entities: list[Entity] = doc("Actors.", default_factory=list)
    places: list[Place] = doc("Places.", default_factory=list)
    times: list[Time] = doc("Times.", default_factory=list)
    quantities: list[Quantity] = doc("Quantities.", default_factory=list)
    claims: list[Claim] = doc("Claims.", default_factory=list)
    events: list[Event] = doc("Events.", default_factory=list)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def to_json(self, indent: Optional[int] = 1) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: dict) -> "Record":
        return _build(cls, data)

    def by_id(self) -> dict[str, Any]:
        """Every item of the record by its id."""
        return {it.id: it for name in ITEM_LISTS for it in getattr(self, name)}


# --- reading records back, and describing them -----------------------------------------------

_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


# How each field of a record type is read back, worked out once per type from its hints
# (reading a stored record field by field through typing's reflection cost more than the
# queries that fetch it). A field's reader is None when its value is kept as it is.
_PLANS: dict[type, list[tuple[str, Any]]] = {}


def _build(cls: type, data: dict) -> Any:
    plan = _PLANS.get(cls)
    if plan is None:
        hints = _hints(cls)
        plan = _PLANS[cls] = [(f.name, _reader(hints[f.name])) for f in dataclasses.fields(cls)]
    kwargs = {}
    for name, read in plan:
        if name in data:
            value = data[name]
            kwargs[name] = value if read is None or value is None else read(value)
    return cls(**kwargs)


def _reader(hint: Any) -> Any:
    """A function that makes a value of type ``hint`` from its JSON form, or None when the
    JSON form is the value (strings, numbers, booleans)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return _reader(inner[0])
    if origin is list:
        (inner,) = typing.get_args(hint)
        item = _reader(inner)
        if item is None:
            return list
        return lambda values: [None if v is None else item(v) for v in values]
    if dataclasses.is_dataclass(hint):
        return lambda value: _build(hint, value)
    return None


def describe(cls: type) -> list[tuple[str, str, str]]:
    """(name, type, doc) for each field of a record type, in declaration order."""
    rows = []
    hints = _hints(cls)
    for f in dataclasses.fields(cls):
        rows.append((f.name, type_name(hints[f.name]), f.metadata.get("doc", "")))
    return rows


def type_name(hint: Any) -> str:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return type_name(inner[0]) + " or null"
    if origin is list:
        (inner,) = typing.get_args(hint)
        return f"list of {type_name(inner)}"
    if dataclasses.is_dataclass(hint):
        return hint.__name__
    return {str: "string", int: "integer", float: "number", bool: "boolean",
            dict: "object"}.get(hint, getattr(hint, "__name__", str(hint)))


def markdown() -> str:
    """docs/record.md, generated from the types above (a test keeps the file in sync)."""
    out = ["# The newsgraph record", "",
           "<!-- generated by `python -m newsgraph.record`; edit src/newsgraph/record.py -->", "",
           (__doc__ or "").strip(), "",
           "Top-level keys: `article`, then the lists "
           + ", ".join(f"`{k}`" for k in ITEM_LISTS) + ".", ""]
    for cls in (Article, Span, Mention, Entity, Time, Quantity, Place, Claim, Event):
        out += [f"## {cls.__name__}", "", " ".join((cls.__doc__ or "").split()), "",
                "| field | type | meaning |", "| --- | --- | --- |"]
        inherited = {f.name for f in dataclasses.fields(Span)} if (
            cls is not Span and issubclass(cls, Span)) else set()
        for name, tname, text in describe(cls):
            if name in inherited:
                continue
            out.append(f"| `{name}` | {tname} | {text.replace('|', '/')} |")
        if inherited:
            out += ["", "Plus the span fields `text`, `start`, `end`, `sentence`."]
        out.append("")
    return "\n".join(out)


def json_schema() -> dict:
    """A JSON Schema (draft 2020-12) of the record, derived from the types above."""
    defs: dict[str, dict] = {}

    def schema_of(hint: Any) -> dict:
        origin = typing.get_origin(hint)
        if origin in (typing.Union, types.UnionType):
            inner = [a for a in typing.get_args(hint) if a is not type(None)]
            return {"anyOf": [schema_of(inner[0]), {"type": "null"}]}
        if origin is list:
            (inner,) = typing.get_args(hint)
            return {"type": "array", "items": schema_of(inner)}
        if dataclasses.is_dataclass(hint):
            name = hint.__name__
            if name not in defs:
                defs[name] = {}
                hints = _hints(hint)
                defs[name] = {
                    "type": "object", "description": " ".join((hint.__doc__ or "").split()),
                    "properties": {f.name: {**schema_of(hints[f.name]),
                                            "description": f.metadata.get("doc", "")}
                                   for f in dataclasses.fields(hint)},
                    "required": [f.name for f in dataclasses.fields(hint)],
                }
            return {"$ref": f"#/$defs/{name}"}
        return {"type": {str: "string", int: "integer", float: "number", bool: "boolean",
                         dict: "object"}[hint]}

    root = schema_of(Record)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "newsgraph record",
            **root, "$defs": defs}


if __name__ == "__main__":
    print(markdown())
