"""The rows of every stored record held in memory, grouped by article, for a store opened
read-only: an article page's record (and where else its text was read) without a query.

Why: a record is rebuilt from nine tables. On a store of a few thousand articles each of those
lookups is a handful of rows, yet costs DuckDB about half a millisecond of fixed work (parse,
bind, plan, scan set-up): ~10 ms an article page, the largest single cost of a server's cold
start. Read once (FA-KES, 75,000 rows: well under a second), an article's rows are a slice.

Stores with more than :data:`MAX_ROWS` rows in these tables keep the queries
(:func:`store.read_record`, :func:`browse.article_extras`); the results are the same (a test
compares them on every article).
"""

from __future__ import annotations

from datetime import date
from typing import Optional

import duckdb

from ..record import Record
from .queries import fetch
from .store import RECORD_TABLES, record_from_rows

# rows held at most (~0.7 KB each as Python tuples: ~200 MB at the limit); above it, SQL
MAX_ROWS = 300_000
EXTRAS_LIMIT = 100  # copies and near-duplicates listed, as browse.article_extras
COPY_FIELDS = ("read_from", "url", "source", "published", "title")
DUPLICATE_FIELDS = ("id", "title", "source", "published")


class RecordRows:
    """Each record table's rows by article id, in the order written."""

    def __init__(self, names: dict[str, list[str]], rows: dict[str, dict[str, list[tuple]]],
                 copies: dict[str, list[dict]], clusters: dict[str, list[str]]):
        self.names = names
        self.rows = rows
        self.copies = copies
        self.clusters = clusters

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection,
             max_rows: int = MAX_ROWS) -> Optional["RecordRows"]:
        """The store's record rows, or None when it holds more than ``max_rows``."""
        tables = (*RECORD_TABLES, "article_copies")
        total = con.execute("SELECT " + " + ".join(
            f'(SELECT count(*) FROM "{t}")' for t in tables)).fetchall()[0][0]
        if total > max_rows:
            return None
        names: dict[str, list[str]] = {}
        rows: dict[str, dict[str, list[tuple]]] = {}
        for table in RECORD_TABLES:
            key = "id" if table == "articles" else "article_id"
            # a scan returns the rows in the order written (DuckDB keeps insertion order; a
            # view over Parquet reads each file in order), which grouping keeps
            cur = con.execute(f'SELECT * FROM "{table}"')
            names[table] = [d[0] for d in cur.description]
            at = names[table].index(key)
            grouped: dict[str, list[tuple]] = {}
            for row in cur.fetchall():
                grouped.setdefault(row[at], []).append(row)
            rows[table] = grouped
        copies: dict[str, list[dict]] = {}
        for r in fetch(con, "SELECT article_id, " + ", ".join(COPY_FIELDS)
                       + " FROM article_copies"):
            copies.setdefault(r.pop("article_id"), []).append(r)
        for found in copies.values():
            found.sort(key=lambda r: _later(r["published"]))
        at = {n: i for i, n in enumerate(names["articles"])}
        clusters: dict[str, list[str]] = {}
        for article_id, (row,) in rows["articles"].items():
            clusters.setdefault(row[at["cluster_id"]], []).append(article_id)
        for members in clusters.values():
            members.sort(key=lambda i: (_later(rows["articles"][i][0][at["published"]]), i))
        return cls(names, rows, copies, clusters)

    def _dicts(self, table: str, article_id: str) -> list[dict]:
        names = self.names[table]
        return [dict(zip(names, r)) for r in self.rows[table].get(article_id, ())]

    def read_record(self, article_id: str) -> Optional[Record]:
        """As :func:`store.read_record`."""
        found = self._dicts("articles", article_id)
        if not found:
            return None
        return record_from_rows(found[0], lambda table: self._dicts(table, article_id))

    def article_extras(self, article_id: str) -> dict:
        """As :func:`browse.article_extras`."""
        copies = [dict(r) for r in self.copies.get(article_id, ())[:EXTRAS_LIMIT]]
        near = []
        found = self._dicts("articles", article_id)
        if found:
            for other in self.clusters.get(found[0]["cluster_id"], ()):
                if other != article_id:
                    row = self._dicts("articles", other)[0]
                    near.append({k: row[k] for k in DUPLICATE_FIELDS})
        return {"copies": copies, "near_duplicates": near[:EXTRAS_LIMIT]}


def _later(day: Optional[date]) -> tuple:
    """A sort key that puts missing dates last (SQL's NULLS LAST)."""
    return (day is None, day or date.min)

