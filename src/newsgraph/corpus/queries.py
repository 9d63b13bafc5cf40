"""Queries over the store: read-only SQL, numeric claims about a thing across sources (and
their reconciliation), entities and events. Every function returns plain rows (dicts), which the
CLI shows as a table, JSON or CSV.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any, Iterator, Sequence, Union

import duckdb

from .store import StoreError, connect

Rows = list[dict[str, Any]]
# a store's path, or a connection already open on it (a server's cursor), which stays open
Db = Union[str, Path, duckdb.DuckDBPyConnection]


@contextmanager
def reading(db: Db) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection, closed afterwards; an open one is lent as it is."""
    if isinstance(db, duckdb.DuckDBPyConnection):
        yield db
        return
    con = connect(db, read_only=True)
    try:
        yield con
    finally:
        con.close()


def fetch(con: duckdb.DuckDBPyConnection, query: str, params: Sequence[Any] = ()) -> Rows:
    """The rows of a query as dicts. A store written before the derived tables
    (``claim_quantities``, ``event_facts``, ``article_facts``) and opened read-only, so not
    migrated, has their rows derived on the fly (asking the catalog first cost more than the
    query)."""
    try:
        cur = con.execute(query, list(params))
    except duckdb.CatalogException as err:
        derived = _with_derived_tables(query, str(err))
        if derived is None:
            raise
        return fetch(con, derived, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _with_derived_tables(query: str, error: str) -> str | None:
    """``query`` with each derived table the error names (written "FROM <table> <alias>" or
    "JOIN <table> <alias>") replaced by the SQL that derives it; None when there is none."""
    from .store import DERIVED

    derived = query
    for name, sql in DERIVED.items():
        if name in error:
            derived = re.sub(rf"\b(FROM|JOIN) {name} ",
                             lambda m, sql=sql: f"{m.group(1)} ({sql}) ", derived)
    return None if derived == query else derived


# --- SQL ----------------------------------------------------------------------------------------

READ_STATEMENTS = {"SELECT", "EXPLAIN", "PRAGMA", "RELATION"}


class QueryError(ValueError):
    """A query newsgraph refuses or DuckDB cannot run (one line, for the user)."""


def sql(db: Db, query: str, params: Sequence[Any] = ()) -> Rows:
    """Run read-only SQL: anything but a query (INSERT, COPY, ATTACH, SET ...) is refused."""
    with reading(db) as con:
        try:
            statements = con.extract_statements(query)
        except duckdb.Error as err:
            raise QueryError(_first_line(err)) from None
        if not statements:
            raise QueryError("no SQL statement given")
        for st in statements:
            kind = str(st.type).rsplit(".", 1)[-1]
            if kind not in READ_STATEMENTS:
                raise QueryError(f"{kind} statements are refused: `newsgraph sql` is read-only")
        try:
            rows: Rows = []
            for st in statements:
                rows = fetch(con, st.query, params)
            return rows
        except duckdb.Error as err:
            raise QueryError(_first_line(err)) from None


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


# --- matching a phrase, lemma-ish -------------------------------------------------------------

_STOP = frozenset("the a an of in on at to for and or by with from about as is are was were "
                  "be been".split())
_SUFFIXES = ("ies", "es", "s", "ed", "ing")


def stem(word: str) -> str:
    """A crude stem so that 'troops' matches 'troop', 'killed' matches 'kill' and 'casualties'
    matches 'casualty' (the pattern is matched as a word prefix)."""
    w = word.lower()
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            base = w[: -len(suffix)]
            return base[:-1] if suffix == "ies" else base  # casualties -> casualt(y)
    return w


def _content_words(phrase: str) -> list[str]:
    return [w for w in re.findall(r"[^\W_]+", phrase) if w.lower() not in _STOP]


def _like(text: str) -> str:
    """Text for a LIKE pattern, its wildcards escaped (DuckDB's default escape is none: the
    stems are letters and digits, so there is nothing to escape in practice)."""
    return text.replace("%", "").replace("_", "")


def phrase_patterns(phrase: str) -> list[str]:
    """One case-insensitive RE2 pattern per content word of the phrase; all must match."""
    return [r"(?i)\b" + re.escape(stem(w)) for w in _content_words(phrase)]


# --- claims about something --------------------------------------------------------------------

_CLAIMS_SQL = """
SELECT m.article_id, m.claim_id, m.quantity_id, m.quantity, m.value, m.low, m.high,
       m.low_inclusive, m.high_inclusive, m.approximate, m.change, m.unit, m.quantity_kind,
       m.counted, ({counted_match}) AS counted_match,
       coalesce(m.speaker_name, m.source_text) AS speaker, m.speaker_type,
       m.speaker_country, a.source AS outlet, a.published, m.said_on,
       CASE WHEN regexp_full_match(coalesce(m.said_on, ''), '\\d{{4}}-\\d{{2}}-\\d{{2}}')
            THEN m.said_on ELSE strftime(a.published, '%Y-%m-%d') END AS date,
       m.modality, m.claim_kind, m.claim, a.title, a.url, a.read_from, a.cluster_id,
       m.places  -- a capital standing for its government ("Pyongyang had sent") is no scope
FROM claim_quantities m
JOIN articles a ON a.id = m.article_id
WHERE ({counted_match}) OR ({text_match})
"""


def claims_about(db: Db, about: str, since: Union[date, str, None] = None,
                 limit: int | None = None) -> Rows:
    """Numeric claims (claims with their quantities) about a thing, oldest first.

    A row matches when every content word of ``about`` starts a word of the quantity's counted
    phrase or unit (``counted_match``), or of the claim's text."""
    patterns = phrase_patterns(about)
    if not patterns:
        raise QueryError(f"nothing to look for in {about!r}")
    n = len(patterns)
    # a plain substring test on the lower-cased columns first (cheap), the word-start regex
    # only on what passes it
    counted = " AND ".join(f"(m.counted_key LIKE ${n + i} AND regexp_matches(m.counted_key, ${i}))"
                           for i in range(1, n + 1))
    text = " AND ".join(f"(m.claim_key LIKE ${n + i} AND regexp_matches(m.claim_key, ${i}))"
                        for i in range(1, n + 1))
    params: list[Any] = list(patterns) + [f"%{_like(stem(w))}%" for w in _content_words(about)]
    if since is not None:
        params.append(str(since)[:10])

    query = "SELECT * FROM ({}) AS r".format(
        _CLAIMS_SQL.format(counted_match=counted, text_match=text))
    if since is not None:
        query += f" WHERE r.date >= ${len(params)}"
    query += " ORDER BY r.date NULLS LAST, r.outlet, r.article_id, r.claim_id, r.quantity_id"
    query += f" LIMIT {int(limit)}" if limit else ""
    with reading(db) as con:
        return fetch(con, query, params)


# --- reconciliation ------------------------------------------------------------------------------

APPROX_MARGIN = 0.10  # "about 8,000" allows 7,200..8,800
RECONCILED_MODALITIES = {"asserted", "hedged"}


@dataclass
class Estimate:
    """The tightest interval consistent with most sources in one period and place."""

    period: str
    place: str | None
    country: str | None
    low: float | None
    high: float | None
    claims: int
    outlets: list[str]
    conflicts: list[str] = field(default_factory=list)  # keys of the claims flagged
    disputed: bool = False  # another, equally supported interval exists
    notes: list[str] = field(default_factory=list)
    copies: int = 0  # claims left out as copies of a claim from the same story cluster

    def to_dict(self) -> dict:
        # fields one level deep (asdict's recursive copy cost more than the reconciling)
        return {f.name: (list(v) if isinstance(v := getattr(self, f.name), list) else v)
                for f in fields(self)}


def claim_key(row: dict) -> str:
    return f"{row['article_id']}/{row['claim_id']}/{row['quantity_id']}"


def interval(row: dict) -> tuple[float, float]:
    """The closed interval a claim allows (open ends infinite; approximate values widened;
    exclusive bounds nudged inside)."""
    low = row.get("low")
    high = row.get("high")
    if low is None and high is None and row.get("value") is not None:
        low = high = row["value"]
    lo = -math.inf if low is None else float(low)
    hi = math.inf if high is None else float(high)
    if row.get("approximate"):
        if low is not None:
            lo -= abs(lo) * APPROX_MARGIN
        if high is not None:
            hi += abs(hi) * APPROX_MARGIN
    if low is not None and row.get("low_inclusive") is False:
        lo += max(1e-9, abs(lo) * 1e-9)
    if high is not None and row.get("high_inclusive") is False:
        hi -= max(1e-9, abs(hi) * 1e-9)
    return lo, hi


def scope(row: dict) -> tuple[str | None, str | None]:
    """(country, place) a claim is about: the most specific of its places that has a country
    code; (country, None) for a whole country; (None, None) when unknown (comparable with all)."""
    places = [p for p in (row.get("places") or []) if p and p.get("country")]
    if not places:
        return None, None
    inner = [p for p in places if (p.get("feature") or "") != "country"]
    if inner:
        return inner[0]["country"], inner[0]["name"]
    return places[0]["country"], None


def period_of(day: str | None, period: str) -> str:
    if not day or period == "all":
        return "all" if period == "all" else "undated"
    return {"year": day[:4], "month": day[:7], "day": day[:10]}.get(period, day[:7])


def reconcilable(row: dict) -> bool:
    return bool(row.get("counted_match")) and row.get("modality") in RECONCILED_MODALITIES \
        and not row.get("change") and (row.get("value") is not None or row.get("low") is not None
                                       or row.get("high") is not None)


def reconcile(rows: Rows, period: str = "month") -> list[Estimate]:
    """One estimate per period and place, from the claims whose counted thing matched.

    Claims about different places are not compared, except that a place inside a country may
    not exceed the country's figure (``as many as 8,000 in Kursk`` fits ``at least 10,000 in
    Russia``). Claims without a place are compared with the most common place of their period.
    A near-duplicate (a wire copy in the same ``cluster_id``) repeating the same figure about
    the same place counts once: it is flagged ``copy`` and left out of the vote.
    Each row gets ``flag``: ``consistent``, ``conflict``, ``copy`` or empty (not reconciled)."""
    groups: dict[tuple[str, tuple], list[dict]] = {}
    unplaced: dict[str, list[dict]] = {}
    copies: dict[tuple, int] = {}
    owners = _cluster_owners([r for r in rows if reconcilable(r)], period)
    for row in rows:
        row["flag"] = ""
        if not reconcilable(row):
            continue
        p = period_of(row.get("date"), period)
        key = scope(row)
        if row.get("cluster_id"):
            if owners[_figure(row, period)] != row["article_id"]:
                row["flag"] = "copy"
                copies[(p, key)] = copies.get((p, key), 0) + 1
                continue
        if key == (None, None):
            unplaced.setdefault(p, []).append(row)
        else:
            groups.setdefault((p, key), []).append(row)
    for p, extra in unplaced.items():
        candidates = [k for k in groups if k[0] == p]
        target = max(candidates, key=lambda k: len(groups[k]), default=(p, (None, None)))
        groups.setdefault(target, []).extend(extra)
    estimates = []
    for (p, (country, place)), members in sorted(groups.items(), key=lambda kv: str(kv[0])):
        estimates.append(_estimate(p, country, place, members))
        estimates[-1].copies = copies.get((p, (country, place)), 0)
    _check_nesting(estimates, groups)
    return estimates


def _figure(row: dict, period: str) -> tuple:
    """A figure as a story cluster states it: same cluster, period, place and interval."""
    return (row["cluster_id"], period_of(row.get("date"), period), scope(row), interval(row))


def _cluster_owners(rows: Rows, period: str) -> dict[tuple, str]:
    """For each figure of a cluster, the article whose claim counts: the cluster's first stored
    article (its id is the cluster id) when it states the figure, else the oldest that does."""
    owners: dict[tuple, str] = {}
    for row in rows:
        if row.get("cluster_id"):
            figure = _figure(row, period)
            if figure not in owners or row["article_id"] == row["cluster_id"]:
                owners[figure] = row["article_id"]
    return owners


def _estimate(period: str, country: str | None, place: str | None, members: list[dict]) -> Estimate:
    spans = [interval(r) for r in members]
    best = _most_allowed(spans)
    tie = best is not None and best[1]
    chosen = set() if best is None else {
        i for i, (lo, hi) in enumerate(spans) if lo <= best[0] <= hi}
    lo = max((spans[i][0] for i in chosen), default=-math.inf)
    hi = min((spans[i][1] for i in chosen), default=math.inf)
    conflicts = []
    for i, row in enumerate(members):
        row["flag"] = "consistent" if i in chosen else "conflict"
        if i not in chosen:
            conflicts.append(claim_key(row))
    outlets = sorted({r.get("outlet") or "?" for i, r in enumerate(members) if i in chosen})
    return Estimate(period, place or country, country, None if lo == -math.inf else lo,
                    None if hi == math.inf else hi, len(members), outlets, conflicts, tie)


def _most_allowed(spans: list[tuple[float, float]]) -> tuple[float, bool] | None:
    """The first value (an end of some interval) that the most intervals allow, and whether
    another value allowed by as many but by other intervals exists (a tie); None without
    intervals. Counted with sorted ends (n log n: a thing counted in thousands of claims
    would take seconds pair by pair)."""
    if not spans:
        return None
    lows = sorted(lo for lo, _ in spans)
    highs = sorted(hi for _, hi in spans)

    def allowing(x: float) -> int:
        return bisect_right(lows, x) - bisect_left(highs, x)

    best_x, best_n, tie = None, 0, False
    for x in sorted(set(lows) | set(highs)):
        n = allowing(x)
        if n > best_n:
            best_x, best_n, tie = x, n, False
        elif n == best_n and n and best_x is not None and (
                bisect_right(lows, x) - bisect_right(lows, best_x)
                or bisect_left(highs, x) - bisect_left(highs, best_x)):
            tie = True  # some interval starts or ends between the two: other intervals
    return (best_x, tie) if best_x is not None else None


def _check_nesting(estimates: list[Estimate], groups: dict) -> None:
    """A figure for a place inside a country must not exceed the country's upper bound."""
    whole = {(e.period, e.country): e for e in estimates if e.country and e.place == e.country}
    for e in estimates:
        if not e.country or e.place == e.country:
            continue
        outer = whole.get((e.period, e.country))
        if outer and outer.high is not None and e.low is not None and e.low > outer.high:
            e.notes.append(f"at least {e.low:,.0f} in {e.place} exceeds at most "
                           f"{outer.high:,.0f} in {outer.place}")


# --- entities and events -------------------------------------------------------------------------

def entities(db: Db, name: str | None = None, country: str | None = None,
             type: str | None = None, limit: int | None = 50) -> Rows:
    """Actors across articles, most widely reported first (grouped by name and type)."""
    where, params = [], []
    if name:
        params.append(f"%{name}%")
        where.append(f"e.name ILIKE ${len(params)}")
    if country:
        params.append(country.upper())
        where.append(f"e.country = ${len(params)}")
    if type:
        params.append(type.upper())
        where.append(f"e.type = ${len(params)}")
    query = f"""
        SELECT e.name, e.type, mode(e.country) AS country, mode(e.sector) AS sector,
               count(DISTINCT e.article_id) AS articles,
               count(DISTINCT a.source) AS outlets,
               min(a.published) AS first_published, max(a.published) AS last_published
        FROM entities e JOIN articles a ON a.id = e.article_id
        {"WHERE " + " AND ".join(where) if where else ""}
        GROUP BY e.name, e.type
        ORDER BY articles DESC, e.name
        {f"LIMIT {int(limit)}" if limit else ""}"""
    with reading(db) as con:
        return fetch(con, query, params)


_EVENTS_SQL = """
SELECT a.published, v.time_value, v.type, v.mode, v.modality,
       (SELECT string_agg(e.name, '; ') FROM entities e
         WHERE e.article_id = v.article_id AND list_contains(v.actors, e.id)) AS actors,
       (SELECT string_agg(e.name, '; ') FROM entities e
         WHERE e.article_id = v.article_id AND list_contains(v.recipients, e.id)) AS recipients,
       coalesce(p.name, p.text) AS place, p.country, p.lat, p.lon,
       coalesce(sq.value, sq.low) AS size, coalesce(dq.value, dq.low) AS dead,
       coalesce(iq.value, iq.low) AS injured,
       a.source AS outlet, v.text AS trigger, v.sentence_text AS sentence,
       v.article_id, v.id AS event_id
FROM events v
JOIN articles a ON a.id = v.article_id
LEFT JOIN places p ON p.article_id = v.article_id AND p.id = v.place
LEFT JOIN quantities sq ON sq.article_id = v.article_id AND sq.id = v.size
LEFT JOIN quantities dq ON dq.article_id = v.article_id AND dq.id = v.dead
LEFT JOIN quantities iq ON iq.article_id = v.article_id AND iq.id = v.injured
"""


def events(db: Db, name: str | None = None, country: str | None = None,
           type: str | None = None, since: Union[date, str, None] = None,
           limit: int | None = 50) -> Rows:
    """Events, newest first; ``name`` matches an actor, recipient or place, ``country`` the
    place's country or an actor's."""
    where, params = [], []
    if type:
        params.append(type.upper())
        where.append(f"r.type = ${len(params)}")
    if since:
        params.append(str(since)[:10])
        where.append(f"r.published >= CAST(${len(params)} AS DATE)")
    if name:
        params.append(f"%{name}%")
        k = len(params)
        where.append(f"(r.actors ILIKE ${k} OR r.recipients ILIKE ${k} OR r.place ILIKE ${k})")
    if country:
        params.append(country.upper())
        k = len(params)
        where.append(f"""(r.country = ${k} OR EXISTS (SELECT 1 FROM events v2 JOIN entities e
                     ON e.article_id = v2.article_id AND list_contains(v2.actors, e.id)
                     WHERE v2.article_id = r.article_id AND v2.id = r.event_id AND e.country = ${k}))""")
    query = (f"SELECT * FROM ({_EVENTS_SQL}) AS r "
             + ("WHERE " + " AND ".join(where) if where else "")
             + " ORDER BY r.published DESC NULLS LAST, r.article_id, r.event_id"
             + (f" LIMIT {int(limit)}" if limit else ""))
    with reading(db) as con:
        return fetch(con, query, params)


# --- places and the ACLED-like event table ---------------------------------------------------------

def places(db: Db, name: str | None = None, country: str | None = None,
           limit: int | None = None) -> Rows:
    """Resolved places across articles (one row per GeoNames place), most widely reported first,
    with coordinates for maps."""
    where, params = ["p.geonameid IS NOT NULL"], []
    if name:
        params.append(f"%{name}%")
        where.append(f"(p.name ILIKE ${len(params)} OR p.text ILIKE ${len(params)})")
    if country:
        params.append(country.upper())
        where.append(f"p.country = ${len(params)}")
    query = f"""
        SELECT p.geonameid, any_value(p.name) AS name, any_value(p.feature) AS feature,
               any_value(p.country) AS country, any_value(p.admin1) AS admin1,
               any_value(p.lat) AS lat, any_value(p.lon) AS lon,
               count(*) AS mentions, count(DISTINCT p.article_id) AS articles,
               count(DISTINCT a.source) AS outlets,
               count(*) FILTER (WHERE p.reading = 'government') AS government_readings,
               min(a.published) AS first_published, max(a.published) AS last_published
        FROM places p JOIN articles a ON a.id = p.article_id
        WHERE {" AND ".join(where)}
        GROUP BY p.geonameid
        ORDER BY articles DESC, mentions DESC, name
        {f"LIMIT {int(limit)}" if limit else ""}"""
    with reading(db) as con:
        return fetch(con, query, params)


_ACLED_SQL = """
SELECT v.article_id, v.id AS event_id, v.time_value, t.begin AS time_begin,
       t.until AS time_until, a.published, v.type, v.mode, v.cameo, v.contexts,
       (SELECT list({'name': e.name, 'country': e.country, 'sector': e.sector}
                    ORDER BY list_position(v.actors, e.id))
          FROM entities e WHERE e.article_id = v.article_id AND list_contains(v.actors, e.id))
         AS actor_list,
       (SELECT list({'name': e.name, 'country': e.country, 'sector': e.sector}
                    ORDER BY list_position(v.recipients, e.id))
          FROM entities e WHERE e.article_id = v.article_id AND list_contains(v.recipients, e.id))
         AS recipient_list,
       p.country AS iso3, p.admin1, coalesce(p.name, p.text) AS location, p.lat, p.lon,
       p.feature AS place_feature,
       coalesce(sq.value, sq.low) AS size, coalesce(dq.value, dq.low) AS fatalities,
       coalesce(iq.value, iq.low) AS injured,
       a.source AS outlet, coalesce(se.name, c.source_text) AS source_speaker,
       v.modality, v.sentence_text AS notes, a.url, a.title, a.cluster_id
FROM events v
JOIN articles a ON a.id = v.article_id
LEFT JOIN times t ON t.article_id = v.article_id AND t.id = v.time
LEFT JOIN places p ON p.article_id = v.article_id AND p.id = v.place
LEFT JOIN quantities sq ON sq.article_id = v.article_id AND sq.id = v.size
LEFT JOIN quantities dq ON dq.article_id = v.article_id AND dq.id = v.dead
LEFT JOIN quantities iq ON iq.article_id = v.article_id AND iq.id = v.injured
LEFT JOIN claims c ON c.article_id = v.article_id AND c.id = v.claim
LEFT JOIN entities se ON se.article_id = v.article_id AND se.id = c.source
"""

ACLED_COLUMNS = [
    "event_id", "event_date", "year", "time_precision", "time_value", "event_type",
    "sub_event_type", "cameo_root", "actor1", "actor1_country", "actor1_sector", "assoc_actor_1",
    "actor2", "actor2_country", "actor2_sector", "assoc_actor_2", "country", "iso3", "admin1",
    "location", "latitude", "longitude", "geo_feature", "size", "fatalities", "injured",
    "source", "source_speaker", "modality", "notes", "article_id", "url", "title", "published",
    "cluster_id"]


def event_date(row: dict) -> tuple[str | None, int | None]:
    """(ISO date, ACLED-style precision: 1 day, 2 week or a few days, 3 month or longer) of an
    event, from its TIMEX3 value, else its time's interval, else the article's date."""
    value = row.get("time_value") or ""
    if re.match(r"\d{4}-\d{2}-\d{2}", value):
        return value[:10], 1
    begin, until = row.get("time_begin"), row.get("time_until")
    if begin:
        try:
            days = (date.fromisoformat(until) - date.fromisoformat(begin)).days if until else 99
        except ValueError:
            days = 99
        return begin[:10], 1 if days <= 1 else 2 if days <= 8 else 3
    if re.match(r"\d{4}-\d{2}$", value):
        return value + "-01", 3
    published = row.get("published")
    if published is not None:
        return str(published)[:10], 3
    return None, None


def _country_name(iso3: str | None) -> str | None:
    if not iso3:
        return None
    try:
        from ..gazetteer import default

        entry = default().country(iso3)
        return entry.name if entry else iso3
    except Exception:  # the gazetteer is not built here: the code is better than nothing
        return iso3


def _actors(people: list | None, n: int) -> dict:
    people = [p for p in (people or []) if p]
    first = people[0] if people else {}
    return {f"actor{n}": first.get("name"), f"actor{n}_country": first.get("country"),
            f"actor{n}_sector": first.get("sector"),
            f"assoc_actor_{n}": "; ".join(p["name"] for p in people[1:] if p.get("name")) or None}


def acled(db: Db, since: Union[date, str, None] = None, country: str | None = None,
          type: str | None = None, limit: int | None = None) -> Rows:
    """One row per event in the manner of ACLED: date, PLOVER type, CAMEO root, first actor and
    recipient (with country and sector; the others as associated actors), the place, sizes, the
    outlet and the speaker of the claim that reports it, and the sentence as notes."""
    where, params = [], []
    if type:
        params.append(type.upper())
        where.append(f"v.type = ${len(params)}")
    if country:
        params.append(country.upper())
        where.append(f"p.country = ${len(params)}")
    query = (_ACLED_SQL + ("WHERE " + " AND ".join(where) if where else "")
             + " ORDER BY a.published NULLS LAST, v.article_id, v.start")
    with reading(db) as con:
        raw = fetch(con, query, params)
    out: Rows = []
    countries: dict[str | None, str | None] = {}
    for r in raw:
        day, precision = event_date(r)
        if since is not None and (day is None or day < str(since)[:10]):
            continue
        if r["iso3"] not in countries:
            countries[r["iso3"]] = _country_name(r["iso3"])
        row = {"event_id": f"{r['article_id']}/{r['event_id']}", "event_date": day,
               "year": int(day[:4]) if day else None, "time_precision": precision,
               "time_value": r["time_value"], "event_type": r["type"],
               "sub_event_type": r["mode"], "cameo_root": r["cameo"],
               **_actors(r["actor_list"], 1), **_actors(r["recipient_list"], 2),
               "country": countries[r["iso3"]], "iso3": r["iso3"], "admin1": r["admin1"],
               "location": r["location"], "latitude": r["lat"], "longitude": r["lon"],
               "geo_feature": r["place_feature"], "size": _whole(r["size"]),
               "fatalities": _whole(r["fatalities"]), "injured": _whole(r["injured"]),
               "source": r["outlet"], "source_speaker": r["source_speaker"],
               "modality": r["modality"], "notes": r["notes"], "article_id": r["article_id"],
               "url": r["url"], "title": r["title"], "published": r["published"],
               "cluster_id": r["cluster_id"]}
        out.append({k: row[k] for k in ACLED_COLUMNS})
        if limit and len(out) >= limit:
            break
    return out


def _whole(value: Any) -> int | None:
    return None if value is None else int(round(float(value)))


__all__ = ["sql", "claims_about", "reconcile", "entities", "events", "places", "acled", "Estimate", "QueryError",
           "StoreError"]
