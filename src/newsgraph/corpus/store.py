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
* ``runs``: one row per ingest, with its arguments and counts.

Each batch is written in one transaction, so a killed ingest loses at most the batch in flight.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Sequence

import duckdb

from ..errors import DocumentError
from ..record import ITEM_LISTS, Article, Entity, Mention, Record
from . import neardup

SCHEMA_VERSION = 2  # 2: articles.cluster_id, minhashes, minhash_bands


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
        files = sorted((folder / name).glob("*.parquet")) if (folder / name).is_dir() else []
        if not files:
            continue
        # the store's column order and types (JSON columns travel as text in Parquet)
        casts = ", ".join(f'CAST("{c.name}" AS {c.sql.split()[0]}) AS "{c.name}"' for c in cols)
        pattern = str(folder / name / "*.parquet").replace("'", "''")
        con.execute(f'DROP TABLE "{name}"')
        con.execute(f"CREATE VIEW \"{name}\" AS SELECT {casts} FROM read_parquet('{pattern}')")
    return con


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

    def __init__(self, db: str | Path):
        self.path = Path(db)
        self.con = connect(db)
        for statement in ddl():
            self.con.execute(statement)
        # a store made before near-duplicates: every old article is its own cluster
        self.con.execute("ALTER TABLE articles ADD COLUMN IF NOT EXISTS cluster_id VARCHAR")
        self.con.execute("UPDATE articles SET cluster_id = id WHERE cluster_id IS NULL")
        self.con.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)",
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
        rows = self.con.execute("SELECT id FROM articles WHERE id IN (SELECT unnest($1::VARCHAR[]))",
                                [list(set(ids))]).fetchall()
        return {r[0] for r in rows}

    def known_reads(self, pairs: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """The (article id, read_from) pairs stored already, as the article or as a copy."""
        if not pairs:
            return set()
        ids = [p[0] for p in pairs]
        wheres = [p[1] for p in pairs]
        rows = self.con.execute(
            """WITH wanted AS (SELECT unnest($1::VARCHAR[]) AS id, unnest($2::VARCHAR[]) AS w)
               SELECT a.id, a.read_from FROM articles a JOIN wanted ON a.id = wanted.id
                                                                  AND a.read_from = wanted.w
               UNION
               SELECT c.article_id, c.read_from FROM article_copies c
                 JOIN wanted ON c.article_id = wanted.id AND c.read_from = wanted.w""",
            [ids, wheres]).fetchall()
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
            outlets = {r.article.source for r, _ in records} | {c.source for c in copies}
            self._update_sources(sorted(s for s in outlets if s))
            if counts is not None:
                self.con.execute(
                    "UPDATE runs SET read = ?, stored = ?, duplicates = ?, skipped = ?, "
                    "errors = ? WHERE id = ?",
                    [counts.get("read", 0), counts.get("stored", 0), counts.get("duplicates", 0),
                     counts.get("skipped", 0), counts.get("errors", 0), run_id])
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def _insert_records(self, records: Sequence[tuple[Record, str | None]], run_id: str,
                        stamp: datetime) -> None:
        if not records:
            return
        signatures = {r.article.id: neardup.signature(r.article.text) for r, _ in records}
        clusters = self.clusters(signatures)
        for table, columns in record_rows(records, run_id, stamp, clusters, signatures).items():
            self._insert_rows(table, columns)

    # --- near-duplicates ------------------------------------------------------------------------

    def clusters(self, signatures: dict[str, list[int] | None]) -> dict[str, str]:
        """The cluster of each new article: that of the most similar stored (or earlier in the
        batch) text whose estimated similarity reaches the threshold, else its own id."""
        keys = {aid: neardup.band_keys(sig) for aid, sig in signatures.items() if sig}
        wanted = sorted({k for ks in keys.values() for k in ks})
        stored: dict[str, tuple[list[int], str]] = {}
        by_key: dict[int, set[str]] = {}
        if wanted:
            rows = self.con.execute(
                """SELECT b.key, b.article_id, m.signature, a.cluster_id
                   FROM minhash_bands b
                   JOIN (SELECT unnest($1::BIGINT[]) AS key) w ON w.key = b.key
                   JOIN minhashes m ON m.article_id = b.article_id
                   JOIN articles a ON a.id = b.article_id""", [wanted]).fetchall()
            for key, aid, sig, cluster in rows:
                stored[aid] = (list(sig), cluster or aid)
                by_key.setdefault(key, set()).add(aid)
        out: dict[str, str] = {}
        for aid, sig in signatures.items():
            best, best_sim = aid, 0.0
            if sig:
                for other in sorted({o for k in keys[aid] for o in by_key.get(k, ())} - {aid}):
                    other_sig, cluster = stored[other]
                    sim = neardup.similarity(sig, other_sig)
                    if sim >= neardup.THRESHOLD and sim > best_sim:
                        best, best_sim = cluster, sim
                for k in keys[aid]:  # later texts of the batch see this one
                    by_key.setdefault(k, set()).add(aid)
                stored[aid] = (sig, best)
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

    def _update_sources(self, names: list[str]) -> None:
        if not names:
            return
        self.con.execute(
            """INSERT INTO sources (name, articles, copies, first_published, last_published)
               SELECT s.name,
                      (SELECT count(*) FROM articles a WHERE a.source = s.name),
                      (SELECT count(*) FROM article_copies c WHERE c.source = s.name),
                      (SELECT min(published) FROM articles a WHERE a.source = s.name),
                      (SELECT max(published) FROM articles a WHERE a.source = s.name)
               FROM (SELECT unnest($1::VARCHAR[]) AS name) s
               ON CONFLICT (name) DO UPDATE SET articles = excluded.articles,
                   copies = excluded.copies, first_published = excluded.first_published,
                   last_published = excluded.last_published""", [names])

    def _insert_rows(self, table: str, columns: dict[str, list]) -> None:
        """Insert column lists in one statement (unnest of lists: far faster than executemany)."""
        cols = [c for c in {**TABLES, **OTHER_TABLES}[table] if c.name in columns]
        if not cols or not columns[cols[0].name]:
            return
        selects, params = [], []
        for n, c in enumerate(cols, 1):
            values = columns[c.name]
            base = c.sql.split()[0]
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
        cur = con.execute(f'SELECT * FROM "{table}" WHERE {where} ORDER BY rowid', [article_id])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    found = rows("articles", "id = ?")
    if not found:
        return None
    article = found[0]
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
