"""The store: one DuckDB file whose tables are derived from the record types.

Every list of :class:`~newsgraph.record.Record` becomes a table with one row per item and the
item's fields as columns, prefixed by ``article_id``; ``Entity.mentions`` becomes the
``mentions`` table (with ``entity_id``). Lists of ids are ``VARCHAR[]``, lists of objects
(``Place.alternatives``) are ``JSON``. Beside them:

* ``articles``: the Article fields (text included, so every span can be shown), plus ``seen``
  (how many copies of the same text were read), ``read_from``, ``run_id`` and ``ingested``;
* ``article_copies``: each further copy of a stored text (where it was read, its outlet, date);
* ``sources``: one row per outlet, with article counts (``country`` and ``notes`` are yours);
* ``errors``: one row per document that failed, with the stage and message;
* ``runs``: one row per ingest, with its arguments and counts;
* ``minhashes``, ``minhash_bands``: near-duplicate signatures (see neardup.py);
* ``claim_quantities``: DERIVED from the item tables (one row per quantity inside a claim, ready
  for ``claims --about``), written with each batch;
* ``event_facts``: DERIVED, one row per event with what lists, maps and timelines show of it
  (its date, place, parties' names, dead and injured), written with each batch;
* ``article_facts``: DERIVED, each article's numbers of claims, events and entities;
* ``meta`` holds the schema version.

Each batch is written in one transaction, so a killed ingest loses at most the batch in flight.
"""

from __future__ import annotations

import ctypes
import dataclasses
import json
import os
import re
import types
import typing
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import duckdb

from ..errors import DocumentError
from ..record import ITEM_LISTS, Article, Entity, Mention, Record
from . import neardup

SCHEMA_VERSION = 4  # 2: articles.cluster_id, minhashes, minhash_bands; 3: claim_quantities;
#                      4: event_facts, article_facts


@dataclass(frozen=True)
class Column:
    name: str
    sql: str  # DuckDB type
    json: bool = False  # stored as JSON text


# Columns whose type the record's Python type does not say.
TYPE_OVERRIDES = {("articles", "published"): "DATE"}
_SQL_TYPES = {str: "VARCHAR", int: "BIGINT", float: "DOUBLE", bool: "BOOLEAN", dict: "JSON"}


def _sql_type(hint: Any) -> tuple[str, bool] | None:
    """DuckDB type of a field (and whether it is stored as JSON); None for nested records."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return _sql_type(inner[0])
    if origin is list:
        (inner,) = typing.get_args(hint)
        if dataclasses.is_dataclass(inner):
            return None
        if inner in (str, int, float, bool):
            return _SQL_TYPES[inner] + "[]", False
        return "JSON", True
    if dataclasses.is_dataclass(hint):
        return None
    if hint is dict:
        return "JSON", True
    return _SQL_TYPES[hint], False


def record_columns(table: str, cls: type) -> list[Column]:
    """The columns a record type gives its table, in field order (nested lists left out)."""
    hints = typing.get_type_hints(cls)
    cols = []
    for f in dataclasses.fields(cls):
        found = _sql_type(hints[f.name])
        if found is None:
            continue
        sql, is_json = found
        cols.append(Column(f.name, TYPE_OVERRIDES.get((table, f.name), sql), is_json))
    return cols


def _item_tables() -> dict[str, list[Column]]:
    tables = {"articles": record_columns("articles", Article) + [
        Column("seen", "INTEGER"), Column("read_from", "VARCHAR"), Column("run_id", "VARCHAR"),
        Column("ingested", "TIMESTAMPTZ"), Column("cluster_id", "VARCHAR")]}
    for name, cls in ITEM_LISTS.items():
        tables[name] = [Column("article_id", "VARCHAR")] + record_columns(name, cls)
        if cls is Entity:
            tables["mentions"] = ([Column("article_id", "VARCHAR"), Column("entity_id", "VARCHAR")]
                                  + record_columns("mentions", Mention))
    return tables


TABLES: dict[str, list[Column]] = _item_tables()
"""Every table derived from the record types, with its columns."""

OTHER_TABLES = {
    "article_copies": [Column("article_id", "VARCHAR"), Column("read_from", "VARCHAR"),
                       Column("url", "VARCHAR"), Column("source", "VARCHAR"),
                       Column("published", "DATE"), Column("title", "VARCHAR"),
                       Column("run_id", "VARCHAR"), Column("ingested", "TIMESTAMPTZ")],
    "sources": [Column("name", "VARCHAR PRIMARY KEY"), Column("articles", "BIGINT"),
                Column("copies", "BIGINT"), Column("first_published", "DATE"),
                Column("last_published", "DATE"), Column("country", "VARCHAR"),
                Column("notes", "VARCHAR")],
    "errors": [Column("run_id", "VARCHAR"), Column("read_from", "VARCHAR"),
               Column("stage", "VARCHAR"), Column("message", "VARCHAR"),
               Column("time", "TIMESTAMPTZ")],
    "runs": [Column("id", "VARCHAR PRIMARY KEY"), Column("started", "TIMESTAMPTZ"),
             Column("finished", "TIMESTAMPTZ"), Column("status", "VARCHAR"),
             Column("args", "JSON"), Column("read", "BIGINT"), Column("stored", "BIGINT"),
             Column("duplicates", "BIGINT"), Column("skipped", "BIGINT"),
             Column("errors", "BIGINT"), Column("version", "VARCHAR")],
    "meta": [Column("key", "VARCHAR PRIMARY KEY"), Column("value", "VARCHAR")],
    # near-duplicates: each article's MinHash signature, and one row per band for lookups
    "minhashes": [Column("article_id", "VARCHAR"), Column("signature", "UINTEGER[]")],
    "minhash_bands": [Column("key", "BIGINT"), Column("article_id", "VARCHAR")],
}

PLACE_STRUCT = "STRUCT(name VARCHAR, country VARCHAR, feature VARCHAR, geonameid BIGINT)"
OTHER_TABLES["claim_quantities"] = [  # derived: see below
    Column("article_id", "VARCHAR"), Column("claim_id", "VARCHAR"),
    Column("quantity_id", "VARCHAR"), Column("quantity", "VARCHAR"), Column("value", "DOUBLE"),
    Column("low", "DOUBLE"), Column("high", "DOUBLE"), Column("low_inclusive", "BOOLEAN"),
    Column("high_inclusive", "BOOLEAN"), Column("approximate", "BOOLEAN"),
    Column("change", "VARCHAR"), Column("unit", "VARCHAR"), Column("quantity_kind", "VARCHAR"),
    Column("counted", "VARCHAR"), Column("counted_key", "VARCHAR"), Column("claim", "VARCHAR"),
    Column("claim_key", "VARCHAR"), Column("claim_kind", "VARCHAR"),
    Column("modality", "VARCHAR"), Column("source_id", "VARCHAR"),
    Column("source_text", "VARCHAR"), Column("speaker_name", "VARCHAR"),
    Column("speaker_type", "VARCHAR"), Column("speaker_country", "VARCHAR"),
    Column("said_on", "VARCHAR"), Column("places", PLACE_STRUCT + "[]")]
"""``claim_quantities`` is DERIVED, not a record type: one row per claim and quantity inside it
(``claims.quantities``), with the quantity's fields, the speaker entity's name, type and country,
the claim's places as a list (a capital read as its government left out: it is no scope), and
lower-cased ``counted_key`` (counted phrase and unit) and ``claim_key`` (claim text) to match
on. Written with each batch, so that ``claims --about`` is one scan; CLAIM_QUANTITIES_SQL makes
the same rows from the other tables (old stores, Spark output)."""

CLAIM_QUANTITIES_SQL = """
SELECT c.article_id, c.id AS claim_id, q.id AS quantity_id, q.text AS quantity, q.value, q.low,
       q.high, q.low_inclusive, q.high_inclusive, q.approximate, q.change, q.unit,
       q.kind AS quantity_kind, q.counted,
       lower(coalesce(q.counted, '') || ' ' || coalesce(q.unit, '')) AS counted_key,
       c.text AS claim, lower(c.text) AS claim_key, c.kind AS claim_kind, c.modality,
       c.source AS source_id, c.source_text, e.name AS speaker_name, e.type AS speaker_type,
       e.country AS speaker_country, c.said_on,
       (SELECT list({'name': coalesce(p.name, p.text), 'country': p.country,
                     'feature': p.feature, 'geonameid': p.geonameid} ORDER BY p.start)
          FROM places p WHERE p.article_id = c.article_id AND list_contains(c.places, p.id)
               AND coalesce(p.reading, 'place') <> 'government') AS places
FROM (SELECT *, unnest(quantities) AS quantity_id FROM claims) c
JOIN quantities q ON q.article_id = c.article_id AND q.id = c.quantity_id
LEFT JOIN entities e ON e.article_id = c.article_id AND e.id = c.source
"""

OTHER_TABLES["event_facts"] = [  # derived: see below
    *TABLES["events"], Column("date", "DATE"), Column("actor_names", "VARCHAR"),
    Column("recipient_names", "VARCHAR"), Column("dead_n", "DOUBLE"),
    Column("injured_n", "DOUBLE"), Column("geonameid", "BIGINT"), Column("place_name", "VARCHAR"),
    Column("place_text", "VARCHAR"), Column("place_country", "VARCHAR"), Column("lat", "DOUBLE"),
    Column("lon", "DOUBLE")]
"""``event_facts`` is DERIVED, not a record type: each event's columns and what every list, map
and timeline of events would otherwise join four tables for on each request: ``date`` (the
event's own full date where its time value has one, else the article's publication date), the
actors' and recipients' names (``; ``-joined, in the event's order), the numbers of dead and
injured (value, else lower bound), and its place's GeoNames id, name, words, country and
coordinates. Written with each batch (a web page's first visit was mostly these joins);
EVENT_FACTS_SQL makes the same rows from the other tables (old stores, Spark output)."""

EVENT_FACTS_SQL = """
SELECT v.*,
       coalesce(CASE WHEN regexp_full_match(left(v.time_value, 10), '\\d{4}-\\d{2}-\\d{2}')
                     THEN TRY_CAST(left(v.time_value, 10) AS DATE) END, a.published) AS date,
       (SELECT string_agg(e.name, '; ' ORDER BY list_position(v.actors, e.id)) FROM entities e
         WHERE e.article_id = v.article_id AND list_contains(v.actors, e.id)) AS actor_names,
       (SELECT string_agg(e.name, '; ' ORDER BY list_position(v.recipients, e.id))
          FROM entities e
         WHERE e.article_id = v.article_id AND list_contains(v.recipients, e.id))
         AS recipient_names,
       (SELECT coalesce(q.value, q.low) FROM quantities q
         WHERE q.article_id = v.article_id AND q.id = v.dead) AS dead_n,
       (SELECT coalesce(q.value, q.low) FROM quantities q
         WHERE q.article_id = v.article_id AND q.id = v.injured) AS injured_n,
       p.geonameid, coalesce(p.name, p.text) AS place_name, p.text AS place_text,
       p.country AS place_country, p.lat, p.lon
FROM events v
JOIN articles a ON a.id = v.article_id
LEFT JOIN places p ON p.article_id = v.article_id AND p.id = v.place
"""

OTHER_TABLES["article_facts"] = [  # derived: see below
    Column("article_id", "VARCHAR"), Column("claims", "BIGINT"), Column("events", "BIGINT"),
    Column("entities", "BIGINT")]
"""``article_facts`` is DERIVED: how many claims, events and entities each article has, which
lists of articles show beside each one (counted at ingest, not per page)."""

ARTICLE_FACTS_SQL = """
SELECT a.id AS article_id,
       (SELECT count(*) FROM claims c WHERE c.article_id = a.id) AS claims,
       (SELECT count(*) FROM events v WHERE v.article_id = a.id) AS events,
       (SELECT count(*) FROM entities e WHERE e.article_id = a.id) AS entities
FROM articles a
"""

DERIVED = {"claim_quantities": CLAIM_QUANTITIES_SQL, "event_facts": EVENT_FACTS_SQL,
           "article_facts": ARTICLE_FACTS_SQL}
"""The derived tables and the SQL that makes their rows from the item tables."""

def ddl() -> list[str]:
    """CREATE TABLE statements for every table (idempotent)."""
    out = []
    for name, cols in {**TABLES, **OTHER_TABLES}.items():
        body = ", ".join(f'"{c.name}" {c.sql}' for c in cols)
        if name == "articles":
            body = body.replace('"id" VARCHAR', '"id" VARCHAR PRIMARY KEY', 1)
        out.append(f'CREATE TABLE IF NOT EXISTS "{name}" ({body})')
    return out


def now() -> datetime:
    return datetime.now(timezone.utc)


MEMORY_LIMIT_ENV = "NEWSGRAPH_DUCKDB_MEMORY"
THREADS_ENV = "NEWSGRAPH_DUCKDB_THREADS"
DEFAULT_MEMORY_LIMIT = "256MB"
DEFAULT_THREADS = 1


def write_settings(memory_limit: str | None = None, threads: int | None = None) -> tuple[str, int]:
    """DuckDB's memory limit and thread count for a writing connection: the arguments, else
    $NEWSGRAPH_DUCKDB_MEMORY / $NEWSGRAPH_DUCKDB_THREADS, else 256MB and one thread (a batch of
    32 articles is too small to gain from more)."""
    limit = memory_limit or os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT
    if not re.fullmatch(r"\s*\d+(\.\d+)?\s*[KMGT]?i?B\s*", limit, re.IGNORECASE):
        raise StoreError(f"memory limit {limit!r} is not a size such as 512MB or 2GB")
    n = threads or int(os.environ.get(THREADS_ENV) or DEFAULT_THREADS)
    return limit.strip(), max(1, n)


class StoreError(RuntimeError):
    """The database cannot be opened or written (locked, not a newsgraph store ...)."""


def connect(db: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the store, with one-line errors for the usual problems."""
    path = Path(db)
    if path.is_dir():
        return parquet_views(path)
    if read_only and not path.exists():
        raise StoreError(f"{db}: no such database (create it with `newsgraph ingest`)")
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as err:
        msg = str(err).split("\n")[0]
        if "lock" in msg.lower():
            msg = "the database is in use by another newsgraph process (DuckDB allows one writer)"
        raise StoreError(f"{db}: {msg}") from None
    except duckdb.Error as err:
        raise StoreError(f"{db}: {str(err).splitlines()[0]}") from None


def parquet_views(folder: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB whose tables are views over a folder of Parquet, one sub-folder per
    table (what ``newsgraph spark`` writes); tables the folder lacks are empty."""
    con = duckdb.connect()
    for statement in ddl():
        con.execute(statement)
    for name, cols in {**TABLES, **OTHER_TABLES}.items():
        if name in DERIVED:
            continue
        files = sorted((folder / name).glob("*.parquet")) if (folder / name).is_dir() else []
        if not files:
            continue
        # the store's column order and types (JSON columns travel as text in Parquet)
        casts = ", ".join(f'CAST("{c.name}" AS {c.sql.split()[0]}) AS "{c.name}"' for c in cols)
        pattern = str(folder / name / "*.parquet").replace("'", "''")
        con.execute(f'DROP TABLE "{name}"')
        con.execute(f"CREATE VIEW \"{name}\" AS SELECT {casts} FROM read_parquet('{pattern}')")
    for name, query in DERIVED.items():
        con.execute(f'DROP TABLE "{name}"')
        con.execute(f'CREATE VIEW "{name}" AS {query}')
    return con


def release_free_memory() -> None:
    """malloc_trim(0) where the C library is glibc (Linux); nothing elsewhere."""
    global _MALLOC_TRIM
    if _MALLOC_TRIM is None:
        try:
            _MALLOC_TRIM = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _MALLOC_TRIM = False
    if _MALLOC_TRIM:
        _MALLOC_TRIM(0)


_MALLOC_TRIM: Any = None


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The version the store was written with (0: none recorded, or no meta table)."""
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except duckdb.Error:
        return 0
    return int(row[0]) if row and str(row[0]).isdigit() else 0


@dataclass
class Copy:
    """A further copy of a text already stored (or stored earlier in the same batch)."""

    article_id: str
    read_from: str
    url: str | None
    source: str | None
    published: date | None
    title: str | None


class Store:
    """A DuckDB store opened for writing."""

    def __init__(self, db: str | Path, memory_limit: str | None = None,
                 threads: int | None = None):
        self.path = Path(db)
        self.con = connect(db)
        # DuckDB would let its buffer cache grow to 80% of RAM and use every core; an ingest
        # shares the machine with the analysis, so both are capped (see write_settings).
        limit, n = write_settings(memory_limit, threads)
        self.con.execute(f"SET memory_limit = '{limit}'")
        self.con.execute(f"SET threads = {n}")
        self.con.execute("SET enable_progress_bar = false")  # never print into our output
        self._bands: neardup.BandIndex | None = None
        for statement in ddl():
            self.con.execute(statement)
        # a store made before near-duplicates: every old article is its own cluster
        self.con.execute("ALTER TABLE articles ADD COLUMN IF NOT EXISTS cluster_id VARCHAR")
        self.con.execute("UPDATE articles SET cluster_id = id WHERE cluster_id IS NULL")
        if schema_version(self.con) < 3:  # before claim_quantities: derive it once
            self.con.execute(f"INSERT INTO claim_quantities {CLAIM_QUANTITIES_SQL}")
        if schema_version(self.con) < 4:  # before event_facts and article_facts
            for table in ("event_facts", "article_facts"):
                names = ", ".join(f'"{c.name}"' for c in OTHER_TABLES[table])
                self.con.execute(f"INSERT INTO {table} ({names}) "
                                 f"SELECT {names} FROM ({DERIVED[table]})")
        self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                         [str(SCHEMA_VERSION)])

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # --- what is stored already (asked before analysing, so a re-run is fast) ----------------

    def stored_ids(self, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        rows = self.con.execute("SELECT id FROM articles WHERE id = ANY($1::VARCHAR[])",
                                [sorted(set(ids))]).fetchall()
        return {r[0] for r in rows}

    def known_reads(self, pairs: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """The (article id, read_from) pairs stored already, as the article or as a copy."""
        if not pairs:
            return set()
        ids = sorted({p[0] for p in pairs})
        # by id first (the primary key), then the pairs among those few rows
        rows = self.con.execute(
            """SELECT id, read_from FROM articles WHERE id = ANY($1::VARCHAR[])
               UNION ALL
               SELECT article_id, read_from FROM article_copies
               WHERE article_id = ANY($1::VARCHAR[])""", [ids]).fetchall()
        wanted = set(pairs)
        rows = [r for r in rows if (r[0], r[1]) in wanted]
        return {(r[0], r[1]) for r in rows}

    # --- runs ----------------------------------------------------------------------------------

    def start_run(self, args: dict) -> str:
        from .. import __version__

        run_id = now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        self.con.execute("INSERT INTO runs (id, started, status, args, version) "
                         "VALUES (?, ?, 'running', ?, ?)",
                         [run_id, now(), json.dumps(args, default=str), __version__])
        return run_id

    def finish_run(self, run_id: str, counts: dict, status: str = "done") -> None:
        self.con.execute(
            "UPDATE runs SET finished = ?, status = ?, read = ?, stored = ?, duplicates = ?, "
            "skipped = ?, errors = ? WHERE id = ?",
            [now(), status, counts.get("read", 0), counts.get("stored", 0),
             counts.get("duplicates", 0), counts.get("skipped", 0), counts.get("errors", 0),
             run_id])

    # --- writing one batch -------------------------------------------------------------------

    def write_batch(self, run_id: str, records: Sequence[tuple[Record, str | None]],
                    copies: Sequence[Copy], errors: Sequence[DocumentError],
                    counts: dict | None = None) -> None:
        """Records (each with where it was read from), further copies and errors of one batch,
        in one transaction: all of it is stored, or (killed midway) none of it."""
        stamp = now()
        self.con.execute("BEGIN TRANSACTION")
        try:
            self._insert_records(records, run_id, stamp)
            self._insert_copies(copies, run_id, stamp)
            self._insert_rows("errors", {
                "run_id": [run_id] * len(errors),
                "read_from": [e.where for e in errors],
                "stage": [e.stage for e in errors],
                "message": [str(e.args[0]) if e.args else "" for e in errors],
                "time": [stamp] * len(errors)})
            self._update_sources(records, copies)
            if counts is not None:
                self.con.execute(
                    "UPDATE runs SET read = ?, stored = ?, duplicates = ?, skipped = ?, "
                    "errors = ? WHERE id = ?",
                    [counts.get("read", 0), counts.get("stored", 0), counts.get("duplicates", 0),
                     counts.get("skipped", 0), counts.get("errors", 0), run_id])
            self.con.execute("COMMIT")
            # Hand the heap pages freed by the batch (and by DuckDB's checkpoints) back to the
            # OS: glibc keeps them otherwise, and with spaCy's allocations in between, an
            # ingest's RSS stepped up by some 140 MB at the first checkpoint and stayed there.
            # Costs microseconds.
            release_free_memory()
        except BaseException:
            self.con.execute("ROLLBACK")
            self._bands = None  # it may hold articles the rollback took back: reload it
            raise

    def _insert_records(self, records: Sequence[tuple[Record, str | None]], run_id: str,
                        stamp: datetime) -> None:
        if not records:
            return
        signatures = {r.article.id: neardup.signature(r.article.text) for r, _ in records}
        clusters = self.clusters(signatures)
        for table, columns in record_rows(records, run_id, stamp, clusters, signatures).items():
            self._insert_rows(table, columns)
        self._insert_rows("claim_quantities", claim_quantity_rows(records))
        self._insert_rows("event_facts", event_fact_rows(records))
        self._insert_rows("article_facts", {
            "article_id": [r.article.id for r, _ in records],
            "claims": [len(r.claims) for r, _ in records],
            "events": [len(r.events) for r, _ in records],
            "entities": [len(r.entities) for r, _ in records]})

    # --- near-duplicates ------------------------------------------------------------------------

    def band_index(self) -> neardup.BandIndex:
        """The near-duplicate band index of the stored articles, loaded once per Store (on the
        first batch that needs it) and kept up to date by the writes that follow."""
        if self._bands is None:
            # articles numbered in id order; bands fetched as two numeric arrays (no strings)
            ids, clusters = [], []
            for aid, cluster in self.con.execute(
                    "SELECT id, coalesce(cluster_id, id) FROM articles ORDER BY id").fetchall():
                ids.append(aid)
                clusters.append(cluster)
            arrays = self.con.execute(
                """SELECT b.key, n.n::INTEGER AS n FROM minhash_bands b
                   JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM articles) n
                     ON n.id = b.article_id""").fetchnumpy()
            self._bands = neardup.BandIndex(ids, clusters, arrays["key"], arrays["n"])
        return self._bands

    def clusters(self, signatures: dict[str, list[int] | None]) -> dict[str, str]:
        """The cluster of each new article: that of the most similar stored (or earlier in the
        batch) text whose estimated similarity reaches the threshold, else its own id. The
        band index is updated as it goes: call it only for articles being stored."""
        index = self.band_index()
        keys = {aid: neardup.band_keys(sig) for aid, sig in signatures.items() if sig}
        # the signatures of the stored candidates, in one query
        candidates = {aid for ks in keys.values() for aid in index.candidates(ks)}
        known: dict[str, list[int]] = {}
        if candidates:
            rows = self.con.execute(
                "SELECT article_id, signature FROM minhashes WHERE article_id = ANY($1::VARCHAR[])",
                [sorted(candidates)]).fetchall()
            known = {aid: list(sig) for aid, sig in rows}
        out: dict[str, str] = {}
        for aid, sig in signatures.items():
            best, best_sim = aid, 0.0
            if sig:
                for other in sorted(index.candidates(keys[aid]) - {aid}):
                    other_sig = known.get(other)
                    if other_sig is None:  # an article stored without a signature row
                        continue
                    sim = neardup.similarity(sig, other_sig)
                    if sim >= neardup.THRESHOLD and sim > best_sim:
                        best, best_sim = index.clusters[index.number[other]], sim
                index.add(aid, best, keys[aid])  # later texts of the batch see this one
                known[aid] = sig
            out[aid] = best
        return out

    def _insert_copies(self, copies: Sequence[Copy], run_id: str, stamp: datetime) -> None:
        if not copies:
            return
        rows: dict[str, list] = {c.name: [] for c in OTHER_TABLES["article_copies"]}
        for c in copies:
            for f in ("article_id", "read_from", "url", "source", "published", "title"):
                rows[f].append(getattr(c, f))
            rows["run_id"].append(run_id)
            rows["ingested"].append(stamp)
        self._insert_rows("article_copies", rows)
        self.con.execute(
            """UPDATE articles SET seen = seen + n.k
               FROM (SELECT unnest($1::VARCHAR[]) AS id, count(*) AS k GROUP BY id) AS n
               WHERE articles.id = n.id""", [[c.article_id for c in copies]])

    def _update_sources(self, records: Sequence[tuple[Record, str | None]],
                        copies: Sequence[Copy]) -> None:
        """Add the batch's articles and copies to their outlets' counts (not a recount: that
        would scan every stored article at each batch)."""
        tally: dict[str, list] = {}  # name -> [articles, copies, first, last]
        for record, _ in records:
            name = record.article.source
            if name:
                t = tally.setdefault(name, [0, 0, None, None])
                t[0] += 1
                day = _as_date(record.article.published)
                if day is not None:
                    t[2] = day if t[2] is None else min(t[2], day)
                    t[3] = day if t[3] is None else max(t[3], day)
        for c in copies:
            if c.source:
                tally.setdefault(c.source, [0, 0, None, None])[1] += 1
        if not tally:
            return
        names = sorted(tally)
        self.con.execute(
            """INSERT INTO sources (name, articles, copies, first_published, last_published)
               SELECT unnest($1::VARCHAR[]), unnest($2::BIGINT[]), unnest($3::BIGINT[]),
                      unnest($4::DATE[]), unnest($5::DATE[])
               ON CONFLICT (name) DO UPDATE SET
                   articles = coalesce(sources.articles, 0) + excluded.articles,
                   copies = coalesce(sources.copies, 0) + excluded.copies,
                   first_published = least(sources.first_published, excluded.first_published),
                   last_published = greatest(sources.last_published, excluded.last_published)""",
            [names, [tally[n][0] for n in names], [tally[n][1] for n in names],
             [tally[n][2] for n in names], [tally[n][3] for n in names]])

    def _insert_rows(self, table: str, columns: dict[str, list]) -> None:
        """Insert column lists in one statement (unnest of lists: far faster than executemany)."""
        cols = [c for c in {**TABLES, **OTHER_TABLES}[table] if c.name in columns]
        if not cols or not columns[cols[0].name]:
            return
        selects, params = [], []
        for n, c in enumerate(cols, 1):
            values = columns[c.name]
            base = c.sql.removesuffix(" PRIMARY KEY")
            if c.json or base == "JSON":
                values = [None if v is None else v if isinstance(v, str) else json.dumps(v)
                          for v in values]
                selects.append(f"unnest(${n}::VARCHAR[])::JSON")
            else:
                selects.append(f"unnest(${n}::{base}[])")
            params.append(values)
        names = ", ".join(f'"{c.name}"' for c in cols)
        self.con.execute(f'INSERT INTO "{table}" ({names}) SELECT {", ".join(selects)}', params)


def record_rows(records: Sequence[tuple[Record, str | None]], run_id: str | None,
                stamp: datetime | None, clusters: dict[str, str] | None = None,
                signatures: dict[str, list[int] | None] | None = None) -> dict[str, dict[str, list]]:
    """Column lists for every table a batch of records fills (each record with where it was
    read from): the one place a record becomes rows, for the store and for Spark alike."""
    out: dict[str, dict[str, list]] = {}
    articles: dict[str, list] = {c.name: [] for c in TABLES["articles"]}
    for record, read_from in records:
        a = record.article
        for c in record_columns("articles", Article):
            articles[c.name].append(getattr(a, c.name))
        articles["seen"].append(1)
        articles["read_from"].append(read_from)
        articles["run_id"].append(run_id)
        articles["ingested"].append(stamp)
        articles["cluster_id"].append((clusters or {}).get(a.id, a.id))
    out["articles"] = articles
    for table in ITEM_LISTS:
        out[table] = _item_rows(table, [(r.article.id, getattr(r, table)) for r, _ in records])
    mentions: dict[str, list] = {c.name: [] for c in TABLES["mentions"]}
    for record, _ in records:
        for entity in record.entities:
            for m in entity.mentions:
                mentions["article_id"].append(record.article.id)
                mentions["entity_id"].append(entity.id)
                for c in TABLES["mentions"][2:]:
                    mentions[c.name].append(getattr(m, c.name))
    out["mentions"] = mentions
    if signatures is None:
        signatures = {r.article.id: neardup.signature(r.article.text) for r, _ in records}
    minhashes: dict[str, list] = {"article_id": [], "signature": []}
    bands: dict[str, list] = {"key": [], "article_id": []}
    for aid, sig in signatures.items():
        if not sig:
            continue
        minhashes["article_id"].append(aid)
        minhashes["signature"].append(sig)
        for key in neardup.band_keys(sig):
            bands["key"].append(key)
            bands["article_id"].append(aid)
    out["minhashes"] = minhashes
    out["minhash_bands"] = bands
    return out


def claim_quantity_rows(records: Sequence[tuple[Record, str | None]]) -> dict[str, list]:
    """Column lists for ``claim_quantities`` (the rows CLAIM_QUANTITIES_SQL derives)."""
    rows: dict[str, list] = {c.name: [] for c in OTHER_TABLES["claim_quantities"]}
    for record, _ in records:
        quantities = {q.id: q for q in record.quantities}
        entities = {e.id: e for e in record.entities}
        for claim in record.claims:
            ids = set(claim.places)
            scope = [{"name": p.name if p.name is not None else p.text, "country": p.country,
                      "feature": p.feature, "geonameid": p.geonameid}
                     for p in sorted(record.places, key=lambda p: p.start)
                     if p.id in ids and (p.reading or "place") != "government"]
            speaker = entities.get(claim.source) if claim.source is not None else None
            for qid in claim.quantities:
                q = quantities.get(qid)
                if q is None:
                    continue
                for name, value in (
                        ("article_id", record.article.id), ("claim_id", claim.id),
                        ("quantity_id", q.id), ("quantity", q.text), ("value", q.value),
                        ("low", q.low), ("high", q.high), ("low_inclusive", q.low_inclusive),
                        ("high_inclusive", q.high_inclusive), ("approximate", q.approximate),
                        ("change", q.change), ("unit", q.unit), ("quantity_kind", q.kind),
                        ("counted", q.counted),
                        ("counted_key", f"{q.counted or ''} {q.unit or ''}".lower()),
                        ("claim", claim.text), ("claim_key", claim.text.lower()),
                        ("claim_kind", claim.kind), ("modality", claim.modality),
                        ("source_id", claim.source), ("source_text", claim.source_text),
                        ("speaker_name", speaker.name if speaker else None),
                        ("speaker_type", speaker.type if speaker else None),
                        ("speaker_country", speaker.country if speaker else None),
                        ("said_on", claim.said_on), ("places", scope or None)):
                    rows[name].append(value)
    return rows


_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def event_date(time_value: str | None, published: Any) -> date | None:
    """An event's date as ``event_facts`` keeps it: the full date its time value starts with,
    else the article's publication date."""
    if time_value and _FULL_DATE.fullmatch(time_value[:10]):
        try:
            return date.fromisoformat(time_value[:10])
        except ValueError:  # 2024-02-30: no such day
            pass
    return _as_date(published)


def event_fact_rows(records: Sequence[tuple[Record, str | None]]) -> dict[str, list]:
    """Column lists for ``event_facts`` (the rows EVENT_FACTS_SQL derives)."""
    cols = OTHER_TABLES["event_facts"]
    rows: dict[str, list] = {c.name: [] for c in cols}
    own = [c.name for c in TABLES["events"][1:]]
    for record, _ in records:
        entities = {e.id: e.name for e in record.entities}
        quantities = {q.id: q for q in record.quantities}
        places = {p.id: p for p in record.places}

        def names(ids: list[str]) -> str | None:
            found = [entities[i] for i in dict.fromkeys(ids) if i in entities]
            return "; ".join(found) if found else None

        def number(qid: str | None) -> float | None:
            q = quantities.get(qid) if qid is not None else None
            return None if q is None else (q.value if q.value is not None else q.low)

        for v in record.events:
            rows["article_id"].append(record.article.id)
            for name in own:
                rows[name].append(getattr(v, name))
            p = places.get(v.place) if v.place is not None else None
            for name, value in (
                    ("date", event_date(v.time_value, record.article.published)),
                    ("actor_names", names(v.actors)), ("recipient_names", names(v.recipients)),
                    ("dead_n", number(v.dead)), ("injured_n", number(v.injured)),
                    ("geonameid", p.geonameid if p else None),
                    ("place_name", (p.name if p.name is not None else p.text) if p else None),
                    ("place_text", p.text if p else None),
                    ("place_country", p.country if p else None),
                    ("lat", p.lat if p else None), ("lon", p.lon if p else None)):
                rows[name].append(value)
    return rows


def _item_rows(table: str, items_by_article: Iterable[tuple[str, list]]) -> dict[str, list]:
    """Column lists for an item table from each article's items."""
    cols = TABLES[table]
    rows: dict[str, list] = {c.name: [] for c in cols}
    for article_id, items in items_by_article:
        for item in items:
            rows["article_id"].append(article_id)
            for c in cols[1:]:
                rows[c.name].append(getattr(item, c.name))
    return rows


def read_record(con: duckdb.DuckDBPyConnection, article_id: str) -> Record | None:
    """The record of one stored article, rebuilt from the tables (the inverse of writing it)."""
    def rows(table: str, where: str = "article_id = ?") -> list[dict]:
        # in the order written; sorted here, as an ORDER BY rowid costs DuckDB twice the scan
        try:
            cur = con.execute(f'SELECT rowid, * FROM "{table}" WHERE {where}', [article_id])
        except duckdb.BinderException:  # a view over Parquet: no rowid, read in file order
            cur = con.execute(f'SELECT 0, * FROM "{table}" WHERE {where}', [article_id])
        names = [d[0] for d in cur.description][1:]
        return [dict(zip(names, r[1:])) for r in sorted(cur.fetchall(), key=lambda r: r[0])]

    found = rows("articles", "id = ?")
    return record_from_rows(found[0], rows) if found else None


RECORD_TABLES = ("articles", *ITEM_LISTS, "mentions")
"""The tables an article's record is rebuilt from."""


def record_from_rows(article: dict, rows: Callable[[str], list[dict]]) -> Record:
    """A record from its article's row and ``rows(table)``, the article's rows of each item
    table in the order written (fresh dicts: they are changed here)."""
    if isinstance(article.get("published"), date):
        article["published"] = article["published"].isoformat()
    data: dict[str, Any] = {"article": article}
    for table in ITEM_LISTS:
        items = rows(table)
        for it in items:
            for c in TABLES[table]:
                if c.json and isinstance(it.get(c.name), str):
                    it[c.name] = json.loads(it[c.name])
        data[table] = items
    by_entity: dict[str, list] = {}
    for m in rows("mentions"):
        by_entity.setdefault(m["entity_id"], []).append(m)
    for e in data["entities"]:
        e["mentions"] = by_entity.get(e["id"], [])
    return Record.from_dict(data)


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
