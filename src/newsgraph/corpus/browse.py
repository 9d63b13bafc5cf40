"""Queries for browsing the corpus (the web UI and situation reports): articles filtered by date,
outlet, actor, country, event type and modality; a timeline of events and claims; map points;
top actors; one event with every source that reports it; an actor's or a place's story.

Every function takes an open DuckDB connection (or cursor) and returns plain rows (dicts), so the
same code serves HTML pages, the JSON API and exports. Every query is parameterised (user text
never becomes SQL) and bounded by a LIMIT; ``Filters`` are checked before they get here.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from typing import Any, Optional, Sequence

import duckdb

from .queries import Rows, fetch

MAX_ROWS = 10_000  # the most rows any browse query returns (exports included)
ACTOR_TYPES = ("PERSON", "ORG", "GPE", "NORP")


@dataclass(frozen=True)
class Filters:
    """What a page is restricted to. Dates are inclusive; text filters match case-insensitively
    (``actor`` and ``q`` as parts of names and texts, ``source`` exactly)."""

    since: Optional[date] = None
    until: Optional[date] = None
    source: Optional[str] = None
    actor: Optional[str] = None
    country: Optional[str] = None  # ISO alpha-3 of a place named or an actor's country
    type: Optional[str] = None  # PLOVER event type
    modality: Optional[str] = None  # of an event or a claim
    q: Optional[str] = None  # words in the title or text

    def to_dict(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, date) else v)
                for k, v in asdict(self).items() if v not in (None, "")}

    def without(self, *names: str) -> "Filters":
        return replace(self, **{n: None for n in names})

    @property
    def empty(self) -> bool:
        return not self.to_dict()


def contains(text: str) -> str:
    """An ILIKE pattern for ``text`` anywhere, its own wildcards escaped (used with ESCAPE '\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def article_where(f: Filters, params: list, a: str = "a") -> list[str]:
    """SQL conditions on an article (alias ``a``) for the filters, their values added to
    ``params`` in order (``?`` placeholders)."""
    where: list[str] = []
    if f.since:
        where.append(f"{a}.published >= ?")
        params.append(f.since)
    if f.until:
        where.append(f"{a}.published <= ?")
        params.append(f.until)
    if f.source:
        where.append(f"{a}.source = ?")
        params.append(f.source)
    if f.actor:
        where.append(f"EXISTS (SELECT 1 FROM entities fe WHERE fe.article_id = {a}.id "
                     f"AND fe.name ILIKE ? ESCAPE '\\')")
        params.append(contains(f.actor))
    if f.country:
        where.append(f"(EXISTS (SELECT 1 FROM places fp WHERE fp.article_id = {a}.id "
                     f"AND fp.country = ?) OR EXISTS (SELECT 1 FROM entities fe2 "
                     f"WHERE fe2.article_id = {a}.id AND fe2.country = ?))")
        params += [f.country, f.country]
    if f.type:
        where.append(f"EXISTS (SELECT 1 FROM events fv WHERE fv.article_id = {a}.id "
                     f"AND fv.type = ?)")
        params.append(f.type)
    if f.modality:
        where.append(f"(EXISTS (SELECT 1 FROM events fv2 WHERE fv2.article_id = {a}.id "
                     f"AND fv2.modality = ?) OR EXISTS (SELECT 1 FROM claims fc "
                     f"WHERE fc.article_id = {a}.id AND fc.modality = ?))")
        params += [f.modality, f.modality]
    if f.q:
        where.append(f"({a}.title ILIKE ? ESCAPE '\\' OR {a}.text ILIKE ? ESCAPE '\\')")
        params += [contains(f.q), contains(f.q)]
    return where


def event_and_article_where(f: Filters, params: list) -> list[str]:
    """Conditions on an event (``v``) and its article (``a``): the article's type and
    modality filters are left out, as the event's own imply them (an event of the type is
    one its article reports), and they cost a subquery each."""
    return article_where(f.without("type", "modality"), params) + event_where(f, params)


def _where(conditions: Sequence[str]) -> str:
    return ("WHERE " + " AND ".join(conditions)) if conditions else ""


def event_where(f: Filters, params: list, v: str = "v") -> list[str]:
    """Conditions on an event (alias ``v`` of ``event_facts``) itself (type, modality, an actor or
    recipient named, the place's or an actor's country), beyond those on its article."""
    where: list[str] = []
    if f.type:
        where.append(f"{v}.type = ?")
        params.append(f.type)
    if f.modality:
        where.append(f"{v}.modality = ?")
        params.append(f.modality)
    if f.actor:
        where.append(f"EXISTS (SELECT 1 FROM entities ve WHERE ve.article_id = {v}.article_id "
                     f"AND (list_contains({v}.actors, ve.id) OR list_contains({v}.recipients, "
                     f"ve.id)) AND ve.name ILIKE ? ESCAPE '\\')")
        params.append(contains(f.actor))
    if f.country:
        where.append(f"({v}.place_country = ? OR EXISTS (SELECT 1 FROM "
                     f"entities ve2 WHERE ve2.article_id = {v}.article_id AND "
                     f"list_contains({v}.actors, ve2.id) AND ve2.country = ?))")
        params += [f.country, f.country]
    return where


# Events are read from ``event_facts`` (the store's derived table): ``v.date`` is the date an
# event happened (its own full date when the text gives one, else the article's), and its
# place, parties' names and casualties are columns, not joins.
CLAIM_DATE = "coalesce(TRY_CAST(left(c.said_on, 10) AS DATE), a.published)"


# --- lists for the filter form ------------------------------------------------------------------

def facets(con: duckdb.DuckDBPyConnection) -> dict:
    """The values the filter form offers: outlets, event types, modalities, countries, dates."""
    sources = [r["name"] for r in fetch(
        con, "SELECT source AS name, count(*) AS n FROM articles WHERE source IS NOT NULL "
             "GROUP BY source ORDER BY n DESC, name LIMIT 200")]
    types = [r["type"] for r in fetch(
        con, "SELECT type, count(*) AS n FROM events GROUP BY type ORDER BY n DESC LIMIT 50")]
    modalities = [r["m"] for r in fetch(
        con, "SELECT m FROM (SELECT modality AS m FROM events UNION SELECT modality FROM claims) "
             "WHERE m IS NOT NULL ORDER BY m LIMIT 20")]
    countries = [r["country"] for r in fetch(
        con, "SELECT country, count(*) AS n FROM places WHERE country IS NOT NULL "
             "GROUP BY country ORDER BY n DESC, country LIMIT 250")]
    span = fetch(con, "SELECT min(published) AS first, max(published) AS last, "
                      "count(*) AS articles FROM articles")[0]
    return {"sources": sources, "types": types, "modalities": modalities,
            "countries": countries, **span}


# --- articles -------------------------------------------------------------------------------------

def search(con: duckdb.DuckDBPyConnection, f: Filters, page: int = 1, size: int = 20,
           total: Optional[int] = None) -> dict:
    """One page of the articles that pass the filters, newest first, with the total (counted
    here unless the caller knows it)."""
    params: list = []
    where = _where(article_where(f, params))
    if total is None:
        total = fetch(con, f"SELECT count(*) AS n FROM articles a {where}", params)[0]["n"]
    rows = fetch(con, f"""
        SELECT a.id, a.title, a.source, a.published, a.url, length(a.text) AS chars, a.seen,
               coalesce(af.claims, 0) AS claims, coalesce(af.events, 0) AS events,
               coalesce(af.entities, 0) AS actors, left(a.text, 4000) AS head
        FROM articles a LEFT JOIN article_facts af ON af.article_id = a.id {where}
        ORDER BY a.published DESC NULLS LAST, a.id LIMIT ? OFFSET ?""",
                 params + [size, (page - 1) * size])
    for row in rows:
        row["snippet"] = snippet(row.pop("head"), f.q)
    return {"total": total, "page": page, "size": size, "articles": rows}


def article_ids(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 1_000_000) -> list[str]:
    """The ids of the articles that pass the filters."""
    params: list = []
    rows = con.execute(f"SELECT a.id FROM articles a {_where(article_where(f, params))} LIMIT ?",
                       params + [limit]).fetchall()
    return [r[0] for r in rows]


def snippet(text: str, q: Optional[str], width: int = 220) -> str:
    """A short excerpt: around the first match of ``q`` when there is one, else the start."""
    text = " ".join(text.split())
    at = text.lower().find(q.lower()) if q else -1
    start = max(0, at - width // 3) if at >= 0 else 0
    cut = text[start:start + width]
    return ("…" if start else "") + cut + ("…" if start + width < len(text) else "")


def article_extras(con: duckdb.DuckDBPyConnection, article_id: str) -> dict:
    """Where else the same text was read (copies) and its near-duplicates (same story cluster)."""
    copies = fetch(con, "SELECT read_from, url, source, published, title FROM article_copies "
                        "WHERE article_id = ? ORDER BY published NULLS LAST LIMIT 100",
                   [article_id])
    cluster = fetch(con, """SELECT b.id, b.title, b.source, b.published FROM articles a
                            JOIN articles b ON b.cluster_id = a.cluster_id AND b.id <> a.id
                            WHERE a.id = ? ORDER BY b.published NULLS LAST, b.id LIMIT 100""",
                    [article_id])
    return {"copies": copies, "near_duplicates": cluster}


# --- timeline, map, actors --------------------------------------------------------------------------

def timeline(con: duckdb.DuckDBPyConnection, f: Filters, granularity: str | None = None) -> dict:
    """Counts of events and claims per period (day, month or year: chosen from the span when not
    given). Events are dated by their own full date where the text gives one, claims by when
    they were said; historical events (\"in 1950\") are left out."""
    return timeline_periods(timeline_days(con, f), granularity)


def timeline_days(con: duckdb.DuckDBPyConnection, f: Filters) -> Rows:
    """The rows a timeline adds up: (d, kind, n) per day and kind ('events', 'claims'), by
    day."""
    p_ev: list = []
    ev_where = event_and_article_where(f, p_ev) + ["v.modality <> 'historical'"]
    p_cl: list = []
    cl_where = article_where(f, p_cl)
    if f.modality:
        cl_where.append("c.modality = ?")
        p_cl.append(f.modality)
    bounds, bparams = [], []
    if f.since:
        bounds.append("d >= ?")
        bparams.append(f.since)
    if f.until:
        bounds.append("d <= ?")
        bparams.append(f.until)
    include_claims = not f.type  # claims have no event type: a type filter is about events
    return fetch(con, f"""
        SELECT d, kind, count(*) AS n FROM (
            SELECT v.date AS d, 'events' AS kind
            FROM event_facts v JOIN articles a ON a.id = v.article_id {_where(ev_where)}
            UNION ALL
            SELECT {CLAIM_DATE} AS d, 'claims' AS kind
            FROM claims c JOIN articles a ON a.id = c.article_id
            {_where(cl_where + ([] if include_claims else ["false"]))}
        ) WHERE d IS NOT NULL {"AND " + " AND ".join(bounds) if bounds else ""}
        GROUP BY d, kind ORDER BY d LIMIT 100000""", p_ev + p_cl + bparams)


def timeline_periods(rows: Rows, granularity: str | None = None) -> dict:
    """Day counts (:func:`timeline_days`, sorted by day) summed per period, every period from
    the first to the last listed (empty ones too)."""
    if not rows:
        return {"granularity": granularity or "month", "periods": []}
    first, last = rows[0]["d"], rows[-1]["d"]
    if granularity not in ("day", "month", "year"):
        days = (last - first).days
        granularity = "day" if days <= 62 else "month" if days <= 3660 else "year"
    counts: dict[str, dict[str, int]] = {}
    for r in rows:
        key = period_key(r["d"], granularity)
        counts.setdefault(key, {"events": 0, "claims": 0})[r["kind"]] += r["n"]
    periods = [{"period": k, **counts.get(k, {"events": 0, "claims": 0})}
               for k in period_range(first, last, granularity)]
    return {"granularity": granularity, "periods": periods}


def period_key(day: date, granularity: str) -> str:
    return {"day": day.isoformat(), "month": day.isoformat()[:7],
            "year": str(day.year)}[granularity]


def period_range(first: date, last: date, granularity: str, cap: int = 2000) -> list[str]:
    """Every period from ``first`` to ``last`` (empty ones too, so gaps show), at most ``cap``."""
    out: list[str] = []
    if granularity == "day":
        d = first
        while d <= last and len(out) < cap:
            out.append(d.isoformat())
            d += timedelta(days=1)
    elif granularity == "month":
        y, m = first.year, first.month
        while (y, m) <= (last.year, last.month) and len(out) < cap:
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    else:
        out = [str(y) for y in range(first.year, last.year + 1)][:cap]
    return out


def map_points(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 500) -> Rows:
    """Resolved places of the filtered articles, one point per GeoNames place: how many events
    happened there (and their commonest type), mentions and articles. With a type or modality
    filter only places with such events remain; with a country filter only that country's."""
    p_art: list = []
    arts = _where(article_where(f, p_art))
    p_ev: list = []
    ev_cond = event_where(f.without("actor", "country"), p_ev)
    only_events = bool(f.type or f.modality)
    p_place: list = []
    place_cond = ["p.geonameid IS NOT NULL", "p.lat IS NOT NULL", "p.lon IS NOT NULL"]
    if f.country:
        place_cond.append("p.country = ?")
        p_place.append(f.country)
    return fetch(con, f"""
        WITH arts AS (SELECT a.id FROM articles a {arts}),
        ev AS (
            SELECT v.geonameid, v.type FROM event_facts v
            JOIN arts ON arts.id = v.article_id
            {_where(ev_cond)}),
        ev_at AS (SELECT geonameid, count(*) AS events, mode(type) AS type,
                         list(DISTINCT type ORDER BY type) AS types
                  FROM ev WHERE geonameid IS NOT NULL GROUP BY geonameid),
        pl AS (
            SELECT p.geonameid, any_value(p.name) AS name, any_value(p.country) AS country,
                   any_value(p.feature) AS feature, any_value(p.lat) AS lat,
                   any_value(p.lon) AS lon, count(*) AS mentions,
                   count(DISTINCT p.article_id) AS articles
            FROM places p JOIN arts ON arts.id = p.article_id
            {_where(place_cond)} GROUP BY p.geonameid)
        SELECT pl.*, coalesce(ev_at.events, 0) AS events, ev_at.type, ev_at.types
        FROM pl LEFT JOIN ev_at ON ev_at.geonameid = pl.geonameid
        {"WHERE ev_at.events > 0" if only_events else ""}
        ORDER BY events DESC, articles DESC, mentions DESC, pl.name
        LIMIT ?""", p_art + p_ev + p_place + [limit])


def top_actors(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 10) -> Rows:
    """The actors named in the most filtered articles."""
    params: list = []
    where = article_where(f, params) + [f"e.type IN ({', '.join('?' * len(ACTOR_TYPES))})"]
    params += list(ACTOR_TYPES)
    if f.actor:
        where.append("e.name ILIKE ? ESCAPE '\\'")
        params.append(contains(f.actor))
    return fetch(con, f"""
        SELECT e.name, e.type, mode(e.country) AS country, mode(e.sector) AS sector,
               count(DISTINCT e.article_id) AS articles, count(DISTINCT a.source) AS outlets
        FROM entities e JOIN articles a ON a.id = e.article_id {_where(where)}
        GROUP BY e.name, e.type ORDER BY articles DESC, outlets DESC, e.name LIMIT ?""",
        params + [limit])


def counts(con: duckdb.DuckDBPyConnection, f: Filters) -> dict:
    """How many articles, outlets, events and claims the filters keep."""
    params: list = []
    where = _where(article_where(f, params))
    return fetch(con, f"""
        WITH arts AS (SELECT a.id, a.source FROM articles a {where})
        SELECT (SELECT count(*) FROM arts) AS articles,
               (SELECT count(DISTINCT source) FROM arts) AS outlets,
               (SELECT count(*) FROM events v JOIN arts ON arts.id = v.article_id) AS events,
               (SELECT count(*) FROM claims c JOIN arts ON arts.id = c.article_id) AS claims""",
                 params)[0]


# --- events ------------------------------------------------------------------------------------------

def event_rows(con: duckdb.DuckDBPyConnection, where: Sequence[str], params: Sequence[Any],
               order: str = "date DESC NULLS LAST, article_id, start", limit: int = 50,
               offset: int = 0) -> Rows:
    """Events (alias ``v`` of ``event_facts``, its article ``a`` in the conditions) with their
    date, actors' and recipients' names, place, dead and injured, outlet; ``order`` names
    output columns."""
    limit = max(0, min(limit, MAX_ROWS))
    return fetch(con, f"""{EVENT_ROWS} {_where(where)} ORDER BY {order} LIMIT ? OFFSET ?""",
                 list(params) + [limit, offset])


EVENT_ROWS = """
        SELECT v.article_id, v.id AS event_id, v.date, v.time_value, v.type, v.mode, v.modality,
               v.text AS trigger, v.start, v."end", v.sentence, v.sentence_text, v.geonameid,
               v.place_name AS place, v.place_country AS country, v.lat, v.lon,
               a.source AS outlet, a.published, a.title, a.url, a.cluster_id,
               v.actor_names AS actors, v.recipient_names AS recipients, v.dead_n AS dead,
               v.injured_n AS injured
        FROM event_facts v
        JOIN articles a ON a.id = v.article_id"""
"""The rows :func:`event_rows` lists (before its conditions)."""


def events(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 50, offset: int = 0) -> Rows:
    """Events of the filtered articles that pass the event filters, newest first."""
    params: list = []
    where = event_and_article_where(f, params)
    return event_rows(con, where, params, limit=limit, offset=offset)


def event(con: duckdb.DuckDBPyConnection, article_id: str, event_id: str,
          window_days: int = 3) -> dict | None:
    """One event and every source that reports it: the same type at the same place within a few
    days in other articles, copies of its article, and near-duplicates in its story cluster."""
    found = event_rows(con, ["v.article_id = ?", "v.id = ?"], [article_id, event_id], limit=1)
    if not found:
        return None
    ev = found[0]
    same: Rows = []
    if ev["geonameid"] is not None and ev["date"] is not None:
        same = event_rows(
            con, ["v.type = ?", "v.geonameid = ?", "v.date BETWEEN ? AND ?",
                  "NOT (v.article_id = ? AND v.id = ?)"],
            [ev["type"], ev["geonameid"], ev["date"] - timedelta(days=window_days),
             ev["date"] + timedelta(days=window_days), article_id, event_id],
            order="date, outlet, article_id, start", limit=200)
    cluster = fetch(con, """SELECT b.id AS article_id, b.source AS outlet, b.published, b.title
                            FROM articles b WHERE b.cluster_id = ? AND b.id <> ?
                            ORDER BY b.published NULLS LAST, b.id LIMIT 100""",
                    [ev["cluster_id"], article_id])
    copies = fetch(con, "SELECT source AS outlet, published, title, url, read_from "
                        "FROM article_copies WHERE article_id = ? ORDER BY published NULLS LAST "
                        "LIMIT 100", [article_id])
    outlets = sorted({r["outlet"] or "?" for r in [ev] + same + cluster + copies})
    return {"event": ev, "same_event": same, "near_duplicates": cluster, "copies": copies,
            "outlets": outlets}


# --- an actor, a place -------------------------------------------------------------------------------

def entity(con: duckdb.DuckDBPyConnection, name: str, f: Filters, limit: int = 200) -> dict | None:
    """What an actor (every entity with this name, case-insensitive) said and did, over time."""
    params: list = [name]
    where = ["lower(e.name) = lower(?)"] + article_where(f, params)
    rows = fetch(con, f"""
        SELECT e.name, e.type, e.country, e.sector, e.title, count(DISTINCT e.article_id) AS articles,
               count(DISTINCT a.source) AS outlets, min(a.published) AS first_published,
               max(a.published) AS last_published
        FROM entities e JOIN articles a ON a.id = e.article_id {_where(where)}
        GROUP BY ALL ORDER BY articles DESC, e.name, e.type, e.country, e.sector, e.title
        LIMIT 20""", params)
    if not rows:
        return None
    params = [name]
    said = fetch(con, f"""
        SELECT c.article_id, c.id AS claim_id, {CLAIM_DATE} AS date, c.kind, c.cue, c.modality,
               c.text AS claim, c.start, c.end, a.source AS outlet, a.title
        FROM claims c JOIN articles a ON a.id = c.article_id
        JOIN entities e ON e.article_id = c.article_id AND e.id = c.source
        {_where(["lower(e.name) = lower(?)"] + article_where(f, params))}
        ORDER BY date NULLS LAST, c.article_id, c.start LIMIT ?""", params + [limit])
    params = [name]
    did = event_rows(
        con, ["list_has_any(list_concat(v.actors, v.recipients), (SELECT list(x.id) FROM "
              "entities x WHERE x.article_id = v.article_id AND lower(x.name) = lower(?)))"]
        + article_where(f, params),
        params, order="date NULLS LAST, article_id, start", limit=limit)
    for ev in did:
        ev["role"] = "actor" if name.lower() in (ev["actors"] or "").lower().split("; ") \
            else "recipient"
    return {"name": rows[0]["name"], "variants": rows, "said": said, "did": did}


def place(con: duckdb.DuckDBPyConnection, geonameid: int, f: Filters, limit: int = 200) -> dict | None:
    """What happened at a place: its events, the claims that name it, the articles."""
    info = fetch(con, """SELECT geonameid, any_value(name) AS name, any_value(feature) AS feature,
                                any_value(country) AS country, any_value(admin1) AS admin1,
                                any_value(lat) AS lat, any_value(lon) AS lon,
                                count(*) AS mentions, count(DISTINCT article_id) AS articles
                         FROM places WHERE geonameid = ? GROUP BY geonameid""", [geonameid])
    if not info:
        return None
    params: list = [geonameid]
    happened = event_rows(con, ["v.geonameid = ?"]
                          + article_where(f.without("type", "modality"), params)
                          + event_where(f.without("country", "actor"), params), params,
                          order="date NULLS LAST, article_id, start", limit=limit)
    params = [geonameid]
    # the place's mentions per article first: a join on those few, not a subquery per claim
    claims = fetch(con, f"""
        WITH here AS (SELECT article_id, list(id) AS ids FROM places WHERE geonameid = ?
                      GROUP BY article_id)
        SELECT c.article_id, c.id AS claim_id, {CLAIM_DATE} AS date, c.kind, c.modality,
               coalesce(e.name, c.source_text) AS speaker, c.text AS claim, a.source AS outlet
        FROM claims c JOIN here ON here.article_id = c.article_id
             AND list_has_any(c.places, here.ids)
        JOIN articles a ON a.id = c.article_id
        LEFT JOIN entities e ON e.article_id = c.article_id AND e.id = c.source
        {_where(article_where(f, params))}
        ORDER BY date NULLS LAST, c.article_id, c.start LIMIT ?""", params + [limit])
    params = [geonameid]
    articles = fetch(con, f"""
        SELECT a.id, a.title, a.source, a.published FROM articles a
        {_where(["EXISTS (SELECT 1 FROM places p WHERE p.article_id = a.id AND p.geonameid = ?)"]
                + article_where(f, params))}
        ORDER BY a.published DESC NULLS LAST, a.id LIMIT ?""", params + [limit])
    return {"place": info[0], "events": happened, "claims": claims, "articles": articles}


# --- exports ------------------------------------------------------------------------------------------

EXPORTS = ("events", "articles", "places", "claims")


def export_rows(con: duckdb.DuckDBPyConnection, what: str, f: Filters,
                limit: int = MAX_ROWS) -> Rows:
    """The rows of the current filter for a file: events (with coordinates), articles (without
    their text), places (map points) or claims."""
    limit = max(1, min(limit, MAX_ROWS))
    if what == "events":
        rows = events(con, f, limit=limit)
        for r in rows:
            r.pop("start", None), r.pop("end", None)
        return rows
    if what == "places":
        return map_points(con, f, limit=limit)
    if what == "articles":
        params: list = []
        return fetch(con, f"""SELECT a.id, a.published, a.source, a.title, a.url, a.read_from,
                                     a.seen, a.cluster_id FROM articles a
                              {_where(article_where(f, params))}
                              ORDER BY a.published DESC NULLS LAST, a.id LIMIT ?""",
                     params + [limit])
    if what == "claims":
        params = []
        where = article_where(f, params)
        if f.modality:
            where.append("c.modality = ?")
            params.append(f.modality)
        return fetch(con, f"""
            SELECT c.article_id, c.id AS claim_id, {CLAIM_DATE} AS date, c.kind, c.cue,
                   coalesce(e.name, c.source_text) AS speaker, c.modality, c.text AS claim,
                   a.source AS outlet, a.title
            FROM claims c JOIN articles a ON a.id = c.article_id
            LEFT JOIN entities e ON e.article_id = c.article_id AND e.id = c.source
            {_where(where)} ORDER BY date DESC NULLS LAST, c.article_id, c.start LIMIT ?""",
                     params + [limit])
    raise ValueError(f"unknown export {what!r}: one of {', '.join(EXPORTS)}")


# --- numeric claims: the commonest counted things ---------------------------------------------------

_HEAD = re.compile(r"[^\W\d_]{3,}$")


def counted_heads(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 5) -> list[str]:
    """The head nouns (last word of the counted phrase: 'troops', 'civilians') that the most
    numeric claims of the filtered articles count: the things worth reconciling."""
    params: list = []
    where = article_where(f, params) + ["q.counted IS NOT NULL", "q.kind = 'count'"]
    rows = fetch(con, f"""
        SELECT lower(regexp_extract(q.counted, '([A-Za-z]+)\\s*$', 1)) AS head,
               count(*) AS claims, count(DISTINCT q.article_id) AS articles
        FROM quantities q JOIN articles a ON a.id = q.article_id
        {_where(where)} AND EXISTS (SELECT 1 FROM claims c WHERE c.article_id = q.article_id
                                     AND list_contains(c.quantities, q.id))
        GROUP BY head HAVING count(*) >= 2 ORDER BY articles DESC, claims DESC, head
        LIMIT ?""", params + [limit * 3])
    heads = [r["head"] for r in rows if r["head"] and _HEAD.match(r["head"])]
    return heads[:limit]


def filter_claim_rows(rows: Rows, f: Filters) -> Rows:
    """Claim rows (from ``queries.claims_about``) kept by the filters that query does not take."""
    out = []
    for r in rows:
        day = str(r.get("date") or "")[:10]
        if f.since and (not day or day < f.since.isoformat()):
            continue
        if f.until and day and day > f.until.isoformat():
            continue
        if f.source and r.get("outlet") != f.source:
            continue
        if f.actor and f.actor.lower() not in (r.get("speaker") or "").lower():
            continue
        if f.modality and r.get("modality") != f.modality:
            continue
        if f.country:
            codes = {p.get("country") for p in (r.get("places") or []) if p}
            if f.country not in codes and r.get("speaker_country") != f.country:
                continue
        out.append(r)
    return out


def plain_filters(values: dict[str, Any]) -> Filters:
    """Filters from already-checked values (dates as ``date``, codes upper-cased)."""
    return Filters(**{k: v for k, v in values.items() if k in Filters.__dataclass_fields__})


def place_condition(place: str, params: list, columns: str = "p.") -> str:
    """A condition on a place for what a user typed: an ISO alpha-3 code matches the country,
    anything else a part of the name (resolved or as written). ``columns`` prefixes the
    column names: ``p.`` for the places table, ``v.place_`` for an event's place."""
    if re.fullmatch(r"[A-Za-z]{3}", place) and place.isupper():
        params.append(place)
        return f"{columns}country = ?"
    params += [contains(place), contains(place)]
    return f"({columns}name ILIKE ? ESCAPE '\\' OR {columns}text ILIKE ? ESCAPE '\\')"


def events_about(con: duckdb.DuckDBPyConnection, f: Filters, patterns: Sequence[str],
                 place: Optional[str] = None, limit: int = 500) -> Rows:
    """Events whose sentence matches every pattern (``queries.phrase_patterns``), in the
    filtered articles, optionally at a place; oldest first."""
    params: list = []
    where = event_and_article_where(f, params)
    for pattern in patterns:
        where.append("regexp_matches(coalesce(v.sentence_text, ''), ?)")
        params.append(pattern)
    if place:
        where.append(place_condition(place, params, "v.place_"))
    return event_rows(con, where, params, order="date NULLS LAST, article_id, start",
                      limit=limit)


def spans(con: duckdb.DuckDBPyConnection, table: str, keys: Sequence[tuple[str, str]]) -> dict:
    """(start, end) of items by (article id, item id), for claims or events."""
    if table not in ("claims", "events", "quantities") or not keys:
        return {}
    rows = fetch(con, f"""
        SELECT x.article_id, x.id, x.start, x."end" FROM "{table}" x
        JOIN (SELECT unnest(?::VARCHAR[]) AS aid, unnest(?::VARCHAR[]) AS iid) k
          ON k.aid = x.article_id AND k.iid = x.id""",
                 [[k[0] for k in keys], [k[1] for k in keys]])
    return {(r["article_id"], r["id"]): (r["start"], r["end"]) for r in rows}


def texts(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> dict[str, dict]:
    """Text, title, outlet and date of some articles, by id."""
    if not article_ids:
        return {}
    rows = fetch(con, """SELECT id, text, title, source, published, url FROM articles
                         WHERE id IN (SELECT unnest(?::VARCHAR[]))""", [list(set(article_ids))])
    return {r["id"]: r for r in rows}


def coordinates(con: duckdb.DuckDBPyConnection, geonameids: Sequence[int]) -> dict[int, dict]:
    """Name, country, lat and lon of GeoNames places, by id."""
    if not geonameids:
        return {}
    rows = fetch(con, """SELECT geonameid, any_value(name) AS name, any_value(country) AS country,
                                any_value(lat) AS lat, any_value(lon) AS lon FROM places
                         WHERE geonameid IN (SELECT unnest(?::BIGINT[])) GROUP BY geonameid""",
                 [list(set(int(g) for g in geonameids))])
    return {r["geonameid"]: r for r in rows}
