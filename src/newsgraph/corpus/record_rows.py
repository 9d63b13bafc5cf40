"""The rows of every stored record held in memory for a store opened read-only, grouped by
article and indexed by place and actor: the article, event, place, actor and search pages
without a query (the figures those pages draw come from :mod:`.columns`).

Why: a page's queries each touch a handful of rows, yet each costs DuckDB half a millisecond
to several of fixed work (parse, bind, plan, scan set-up): an article's record is nine of
them (~8 ms on FA-KES), a place page four (~15 ms). A server that met many new pages at once
queued its first visitors behind those costs. Read once (FA-KES, 75,000 rows: ~0.3 s), a
page is a lookup and a sort. Which articles a filter keeps stays SQL (the caller passes
them), so filters mean the same on every page.

Stores with more than :data:`MAX_ROWS` rows in these tables keep the queries
(:func:`store.read_record`, :func:`browse.article_extras`, :func:`browse.search`,
:func:`browse.event`, :func:`browse.place`, :func:`browse.entity`); the results are the same
(tests compare them on every article, event, place and actor of a test store).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Collection, Optional

import duckdb

from ..record import Record
from .browse import EVENT_ROWS, Filters, snippet
from .queries import fetch
from .store import RECORD_TABLES, record_from_rows

# rows held at most (~0.9 KB each with the indexes: ~250 MB at the limit); above it, SQL
MAX_ROWS = 300_000
VARIANT_FIELDS = ("name", "type", "country", "sector", "title")  # an actor's variants
VARIANTS_LIMIT = 20
PLACE_FIELDS = ("name", "feature", "country", "admin1", "lat", "lon")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}$")
SEARCH_COUNTS = {"claims": "claims", "events": "events", "actors": "entities"}  # article_facts
SNIPPET_SOURCE = 4000  # characters a search snippet is cut from, as browse.search reads them
EXTRAS_LIMIT = 100  # copies and near-duplicates listed, as browse.article_extras
SAME_EVENT_LIMIT = 200  # other reports of an event listed, as browse.event
COPY_FIELDS = ("read_from", "url", "source", "published", "title")
DUPLICATE_FIELDS = ("id", "title", "source", "published")


class RecordRows:
    """Each record table's rows by article id, in the order written."""

    def __init__(self, names: dict[str, list[str]], rows: dict[str, dict[str, list[tuple]]],
                 copies: dict[str, list[dict]], clusters: dict[str, list[str]],
                 events: list[dict]):
        self.names = names
        self.at = {t: {n: i for i, n in enumerate(cols)} for t, cols in names.items()}
        self.rows = rows
        self.copies = copies  # each article's, in the order read
        self.clusters = clusters
        self.events = {(e["article_id"], e["event_id"]): e for e in events}
        self.events_by_place: dict[tuple, list[dict]] = {}
        self.events_at: dict[int, list[dict]] = {}
        for e in events:
            if e["geonameid"] is not None:
                self.events_at.setdefault(e["geonameid"], []).append(e)
                if e["date"] is not None:
                    self.events_by_place.setdefault((e["type"], e["geonameid"]), []).append(e)
        # each name's entities (article id, row), by the name in lower case
        at = self.at["entities"]
        self.entities_named: dict[str, list[tuple[str, tuple]]] = {}
        for article_id, found in rows["entities"].items():
            for row in found:
                if row[at["name"]] is not None:
                    self.entities_named.setdefault(row[at["name"]].lower(), []).append(
                        (article_id, row))
        # each place's mentions (article id, row), in the order read
        at = self.at["places"]
        self.mentions_of: dict[int, list[tuple[str, tuple]]] = {}
        for article_id, found in rows["places"].items():
            for row in found:
                if row[at["geonameid"]] is not None:
                    self.mentions_of.setdefault(row[at["geonameid"]], []).append((article_id, row))
        at = self.at["articles"]
        # browse.search's order: newest first (undated last), then by id
        self.newest_first = sorted(rows["articles"], key=lambda i: (
            _later(rows["articles"][i][0][at["published"]], newest=True), i))

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
        at = {n: i for i, n in enumerate(names["articles"])}
        clusters: dict[str, list[str]] = {}
        for article_id, (row,) in rows["articles"].items():
            clusters.setdefault(row[at["cluster_id"]], []).append(article_id)
        for members in clusters.values():
            members.sort(key=lambda i: (_later(rows["articles"][i][0][at["published"]]), i))
        events = fetch(con, EVENT_ROWS)
        return cls(names, rows, copies, clusters, events)

    def search(self, kept: Optional[Collection[str]], q: Optional[str], page: int,
               size: int) -> dict:
        """As :func:`browse.search`, for the articles ``kept`` (None: all): one page, newest
        first, with the total."""
        order = self.newest_first if kept is None else [
            i for i in self.newest_first if i in kept]
        at = self.at["articles"]
        rows = []
        for article_id in order[(page - 1) * size:page * size]:
            a = self.rows["articles"][article_id][0]
            text = a[at["text"]] or ""
            rows.append({
                "id": article_id, "title": a[at["title"]], "source": a[at["source"]],
                "published": a[at["published"]], "url": a[at["url"]], "chars": len(text),
                "seen": a[at["seen"]],
                **{k: len(self.rows[t].get(article_id, ())) for k, t in SEARCH_COUNTS.items()},
                "snippet": snippet(text[:SNIPPET_SOURCE], q)})
        return {"total": len(order), "page": page, "size": size, "articles": rows}

    def place(self, geonameid: int, f: Filters, kept: Optional[Collection[str]],
              kept_for_events: Optional[Collection[str]], limit: int = 200) -> Optional[dict]:
        """As :func:`browse.place`, given the articles the filter keeps (``kept``) and those it
        keeps when its event type and modality are left out (``kept_for_events``: those two
        apply to the events themselves); None: every article."""
        mentions = self.mentions_of.get(geonameid)
        if not mentions:
            return None
        at = self.at["places"]
        first = mentions[0][1]
        info = {"geonameid": geonameid, **{k: first[at[k]] for k in PLACE_FIELDS},
                "mentions": len(mentions), "articles": len({a for a, _ in mentions})}
        events = [dict(e) for e in self.events_at.get(geonameid, ())
                  if (kept_for_events is None or e["article_id"] in kept_for_events)
                  and (not f.type or e["type"] == f.type)
                  and (not f.modality or e["modality"] == f.modality)]
        events.sort(key=lambda e: (_later(e["date"]), e["article_id"], e["start"]))
        here: dict[str, set] = {}
        for article_id, row in mentions:
            here.setdefault(article_id, set()).add(row[at["id"]])
        claims = []
        for article_id, ids in here.items():
            if kept is not None and article_id not in kept:
                continue
            article = self.rows["articles"][article_id][0]
            outlet = article[self.at["articles"]["source"]]
            published = article[self.at["articles"]["published"]]
            names = None
            for c in self._dicts("claims", article_id):
                if not ids.intersection(c["places"] or ()):
                    continue
                if names is None:
                    names = {e["id"]: e["name"] for e in self._dicts("entities", article_id)}
                claims.append({
                    "article_id": article_id, "claim_id": c["id"],
                    "date": claim_date(c["said_on"], published), "kind": c["kind"],
                    "modality": c["modality"],
                    "speaker": _first(names.get(c["source"]), c["source_text"]),
                    "claim": c["text"],
                    "outlet": outlet, "_start": c["start"]})
        claims.sort(key=lambda c: (_later(c["date"]), c["article_id"], c["_start"]))
        for c in claims:
            del c["_start"]
        cols = self.at["articles"]
        articles = [{"id": i, **{k: self.rows["articles"][i][0][cols[k]]
                                 for k in ("title", "source", "published")}}
                    for i in self.newest_first if i in here and (kept is None or i in kept)]
        return {"place": info, "events": events[:limit], "claims": claims[:limit],
                "articles": articles[:limit]}

    def entity(self, name: str, kept: Optional[Collection[str]],
               limit: int = 200) -> Optional[dict]:
        """As :func:`browse.entity`, given the articles the filter keeps (None: all)."""
        found = [(a, row) for a, row in self.entities_named.get(name.lower(), ())
                 if kept is None or a in kept]
        if not found:
            return None
        at, cols = self.at["entities"], self.at["articles"]
        groups: dict[tuple, list[str]] = {}
        ids: dict[str, set] = {}
        for article_id, row in found:
            groups.setdefault(tuple(row[at[k]] for k in VARIANT_FIELDS), []).append(article_id)
            ids.setdefault(article_id, set()).add(row[at["id"]])
        variants = []
        for key, articles in groups.items():
            rows = [self.rows["articles"][a][0] for a in set(articles)]
            dates = [r[cols["published"]] for r in rows if r[cols["published"]] is not None]
            variants.append({**dict(zip(VARIANT_FIELDS, key)), "articles": len(rows),
                             "outlets": len({r[cols["source"]] for r in rows
                                             if r[cols["source"]] is not None}),
                             "first_published": min(dates, default=None),
                             "last_published": max(dates, default=None)})
        variants.sort(key=lambda v: (-v["articles"], *(
            (v[k] is None, v[k] or "") for k in VARIANT_FIELDS)))
        said, did = [], []
        for article_id, own in ids.items():
            article = self.rows["articles"][article_id][0]
            for c in self._dicts("claims", article_id):
                if c["source"] in own:
                    said.append({
                        "article_id": article_id, "claim_id": c["id"],
                        "date": claim_date(c["said_on"], article[cols["published"]]),
                        "kind": c["kind"], "cue": c["cue"], "modality": c["modality"],
                        "claim": c["text"], "start": c["start"], "end": c["end"],
                        "outlet": article[cols["source"]], "title": article[cols["title"]]})
            for ev in self._dicts("events", article_id):
                if own.intersection((ev["actors"] or []) + (ev["recipients"] or [])):
                    row = dict(self.events[(article_id, ev["id"])])
                    row["role"] = "actor" if name.lower() in (
                        row["actors"] or "").lower().split("; ") else "recipient"
                    did.append(row)
        said.sort(key=lambda c: (_later(c["date"]), c["article_id"], c["start"]))
        did.sort(key=lambda e: (_later(e["date"]), e["article_id"], e["start"]))
        return {"name": variants[0]["name"], "variants": variants[:VARIANTS_LIMIT],
                "said": said[:limit], "did": did[:limit]}

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
        near = []
        found = self.rows["articles"].get(article_id)
        if found:
            at = self.at["articles"]
            for other in self.clusters.get(found[0][at["cluster_id"]], ()):
                if other != article_id:
                    row = self.rows["articles"][other][0]
                    near.append({k: row[at[k]] for k in DUPLICATE_FIELDS})
        return {"copies": self._copies(article_id), "near_duplicates": near[:EXTRAS_LIMIT]}

    def _copies(self, article_id: str) -> list[dict]:
        """Where else the article's text was read, oldest first (undated last)."""
        found = sorted(self.copies.get(article_id, ()), key=lambda r: _later(r["published"]))
        return [dict(r) for r in found[:EXTRAS_LIMIT]]

    def event(self, article_id: str, event_id: str, window_days: int = 3) -> Optional[dict]:
        """As :func:`browse.event`: the event, the same type at the same place within a few
        days in other articles, its article's copies and near-duplicates."""
        ev = self.events.get((article_id, event_id))
        if ev is None:
            return None
        ev = dict(ev)
        same = []
        if ev["geonameid"] is not None and ev["date"] is not None:
            window = timedelta(days=window_days)
            here = self.events_by_place.get((ev["type"], ev["geonameid"]), ())
            same = sorted((dict(e) for e in here if abs(e["date"] - ev["date"]) <= window and
                           (e["article_id"], e["event_id"]) != (article_id, event_id)),
                          key=lambda e: (e["date"], e["outlet"] is None, e["outlet"] or "",
                                         e["article_id"], e["start"]))[:SAME_EVENT_LIMIT]
        extras = self.article_extras(article_id)
        cluster = [{"article_id": r["id"], "outlet": r["source"], "published": r["published"],
                    "title": r["title"]} for r in extras["near_duplicates"]]
        copies = [{"outlet": r["source"], "published": r["published"], "title": r["title"],
                   "url": r["url"], "read_from": r["read_from"]} for r in extras["copies"]]
        outlets = sorted({r["outlet"] or "?" for r in [ev] + same + cluster + copies})
        return {"event": ev, "same_event": same, "near_duplicates": cluster, "copies": copies,
                "outlets": outlets}


def claim_date(said_on: Optional[str], published: Optional[date]) -> Optional[date]:
    """As browse.CLAIM_DATE: the day a claim was made where ``said_on`` gives one, else the
    article's publication date."""
    if said_on and _DAY.match(said_on[:10]):
        try:
            return date.fromisoformat(said_on[:10])
        except ValueError:
            pass
    return published


def _first(*values: Any) -> Any:
    """The first value that is not None (SQL's coalesce)."""
    return next((v for v in values if v is not None), None)


def _later(day: Optional[date], newest: bool = False) -> tuple:
    """A sort key that puts missing dates last (SQL's NULLS LAST), the others oldest first
    (or newest first)."""
    if day is None:
        return (True, 0)
    return (False, -day.toordinal() if newest else day.toordinal())

