"""``newsgraph serve``: the corpus in a browser, offline.

:func:`create_app` builds a FastAPI app over one DuckDB store opened read-only. Each page has a
JSON twin under ``/api/`` built from the same data function, so whatever a page shows a script
can fetch (OpenAPI at ``/openapi.json``, described at ``/api``). Pages are Jinja2 templates with
autoescaping; charts and the map are SVG drawn in :mod:`newsgraph.web.charts`; the one script
and style sheet are served from the package, so nothing is ever fetched from outside.

Safety: only GET routes; the database is opened read-only; every query is parameterised, has
a LIMIT, and is interrupted after ``query_timeout`` seconds; parameters are checked before any
query (a bad one is a 4xx with a message); a Content-Security-Policy allows scripts only from
this server, so even text that slipped through escaping could not run.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import re
import threading
import time
from collections import OrderedDict
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Literal, Optional, Union

import anyio.to_thread
import duckdb
from fastapi import Depends, FastAPI, HTTPException, Path as PathParam, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..corpus import browse, export, output, queries
from ..corpus.browse import Filters
from ..corpus.columns import Columns
from ..corpus.record_rows import RecordRows
from ..corpus.store import StoreError, connect, read_record
from . import charts, highlight
from .templating import make_env, query_string

HERE = Path(__file__).parent
PAGE_SIZE_MAX = 100
LIMIT_MAX = 2000
CLAIMS_MAX = 5000  # numeric claims read for one comparison
MAP_POINTS = 300  # places on a page's map
WORKERS = int(os.environ.get("NEWSGRAPH_WEB_THREADS", "") or max(2, (os.cpu_count() or 2)))
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'"
HEADERS = {"content-security-policy": CSP, "x-content-type-options": "nosniff",
           "referrer-policy": "no-referrer", "x-frame-options": "DENY",
           "cross-origin-resource-policy": "same-origin"}


class QueryTimeout(RuntimeError):
    pass


# --- the store, read-only, one cursor per worker thread ---------------------------------------------

class Watchdog:
    """Interrupts queries that run past their deadline, from one thread for all of them (a
    timer thread per query cost a thread start each, and under load each start waited for the
    interpreter lock); at exit, interrupts those still running and waits for them."""

    def __init__(self) -> None:
        self.running: dict[int, tuple[float, Callable[[], Any]]] = {}
        self.next_token = 0
        self.wake = threading.Condition()
        self.waiting_until = 0.0
        self.thread: Optional[threading.Thread] = None
        self.stopping = False

    def watch(self, seconds: float, interrupt: Callable[[], Any]) -> int:
        with self.wake:
            if self.stopping:
                raise QueryTimeout("the server is stopping")
            self.next_token += 1
            deadline = time.monotonic() + seconds
            self.running[self.next_token] = (deadline, interrupt)
            if deadline < self.waiting_until:  # sooner than the loop will look again
                self.wake.notify()
            if self.thread is None:
                self.thread = threading.Thread(target=self._loop, daemon=True,
                                               name="newsgraph-query-watchdog")
                self.thread.start()
            return self.next_token

    def done(self, token: int) -> None:
        with self.wake:
            self.running.pop(token, None)
            if self.stopping:
                self.wake.notify_all()

    def stop(self, wait: float = 5.0) -> None:
        """At exit: interrupt the queries still running, wait for them to return, end the
        thread. A query left running in a daemon thread (the warm-up, a request) aborted the
        process as Python shut down, and a waiting thread kept DuckDB objects from being freed."""
        deadline = time.monotonic() + wait
        with self.wake:
            self.stopping = True
            self.wake.notify_all()
        while time.monotonic() < deadline:
            with self.wake:
                pending = [interrupt for _, interrupt in self.running.values()]
            if not pending:
                break
            for interrupt in pending:  # again until they return: one sent just before its
                interrupt()            # query started is lost
            with self.wake:
                self.wake.wait_for(lambda: not self.running, timeout=0.05)
        if self.thread is not None:
            self.thread.join(1.0)

    def _loop(self) -> None:
        with self.wake:
            while not self.stopping:
                now = time.monotonic()
                self._interrupt_due(now)
                self.waiting_until = min((d for d, _ in self.running.values()),
                                         default=now + 60.0)
                self.wake.wait(max(0.005, self.waiting_until - now))

    def _interrupt_due(self, now: float) -> None:
        # a method of its own, so that no reference to a cursor outlives the call (a daemon
        # thread's frame holding one kept DuckDB objects alive at exit)
        due = [t for t, (deadline, _) in self.running.items() if deadline <= now]
        for token in due:
            self.running.pop(token)[1]()


WATCHDOG = Watchdog()
HOLD_LOAD_LIMIT = 60.0  # seconds to read what is held in memory (a store at its limits: ~5)
WARMING: list[threading.Thread] = []  # warm-up threads, waited for at exit


def _at_exit() -> None:
    # A daemon thread still inside DuckDB when Python shuts down (a query, or its cursor being
    # freed as the thread ends) aborts the process: stop the queries, let warm-ups end.
    WATCHDOG.stop()
    for thread in WARMING:
        thread.join(5.0)


atexit.register(_at_exit)


class Corpus:
    """The database opened read-only, a cursor per thread, a time limit per query and a cache of
    results (the data cannot change while it is open read-only: DuckDB lets no writer in)."""

    def __init__(self, db: Union[str, Path], query_timeout: float = 5.0, cache_size: int = 256):
        self.path = Path(db)
        self.con = connect(db, read_only=True)
        # one thread per query: requests run side by side, and small queries gain nothing
        # from splitting up
        settings = ["SET memory_limit = '2GB'", "SET threads = 1"]
        if not self.path.is_dir():  # a Parquet folder's views read their files at query time
            settings.append("SET enable_external_access = false")
        for setting in settings:
            try:
                self.con.execute(setting)
            except duckdb.Error:
                pass
        self.timeout = query_timeout
        self.watchdog = WATCHDOG
        self.local = threading.local()
        self.cache: OrderedDict[tuple, Any] = OrderedDict()
        self.cache_size = cache_size
        self.flights: dict[tuple, threading.Event] = {}
        self.lock = threading.Lock()
        self.held: dict[str, Any] = {}  # what is read into memory once: see _held
        self._held_lock = threading.Lock()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = getattr(self.local, "cursor", None)
        if cur is None:
            cur = self.local.cursor = self.con.cursor()
        return cur

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``fn(cursor, *args)``, interrupted when it runs past the time limit."""
        cur = self.cursor()
        token = self.watchdog.watch(self.timeout, cur.interrupt)
        try:
            return fn(cur, *args, **kwargs)
        except duckdb.InterruptException:
            raise QueryTimeout(f"the query took longer than {self.timeout:g} s") from None
        finally:
            self.watchdog.done(token)

    def cached(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """The value for ``key``, computed once: a thread asking while another computes it
        waits for that result instead of computing it again."""
        with self.lock:
            if key in self.cache:
                self.cache.move_to_end(key)
                return self.cache[key]
            flight = self.flights.get(key)
            if flight is None:
                self.flights[key] = threading.Event()
        if flight is not None:
            flight.wait(self.timeout * 4)
            with self.lock:
                if key in self.cache:
                    return self.cache[key]
        try:
            value = compute()
            with self.lock:
                self.cache[key] = value
                while len(self.cache) > self.cache_size:
                    self.cache.popitem(last=False)
            return value
        finally:
            if flight is None:
                with self.lock:
                    done = self.flights.pop(key, None)
                if done is not None:
                    done.set()

    def columns(self) -> Optional[Columns]:
        """The in-memory columns the per-filter figures add up; None for a store too large to
        hold (or whose columns cannot be read: then every figure is SQL's)."""
        return self._held("columns", Columns.load)

    def record_rows(self) -> Optional[RecordRows]:
        """Every record's rows in memory (the article, event, place, actor and search pages
        without a query); None for a store too large to hold."""
        return self._held("record_rows", RecordRows.load)

    def _held(self, name: str, load: Callable[[duckdb.DuckDBPyConnection], Any]) -> Any:
        # read once, at warm-up (the data cannot change while the store is open read-only),
        # under a longer time limit than a query's (still watched, so that an exit stops it)
        if name not in self.held:
            with self._held_lock:
                if name not in self.held:
                    cur = self.cursor()
                    token = self.watchdog.watch(HOLD_LOAD_LIMIT, cur.interrupt)
                    try:
                        self.held[name] = load(cur)
                    except duckdb.Error:
                        self.held[name] = None
                    finally:
                        self.watchdog.done(token)
        return self.held[name]

    def release_cursor(self) -> None:
        """Close this thread's cursor (a thread that ends frees it otherwise, maybe while
        Python shuts down)."""
        cur = getattr(self.local, "cursor", None)
        if cur is not None:
            self.local.cursor = None
            cur.close()

    def close(self) -> None:
        self.con.close()


# --- parameters ------------------------------------------------------------------------------------

class BadParam(ValueError):
    """A parameter newsgraph refuses: a 422 with this message."""


def parse_date(value: Optional[str], name: str) -> Optional[date]:
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise BadParam(f"{name}: {value[:40]!r} is not a date YYYY-MM-DD") from None


def _text(value: Optional[str], name: str, limit: int = 200) -> Optional[str]:
    if value is None or not value.strip():
        return None
    if len(value) > limit:
        raise BadParam(f"{name}: at most {limit} characters")
    return value.strip()


def filters(
    since: Optional[str] = Query(None, description="Published on or after YYYY-MM-DD."),
    until: Optional[str] = Query(None, description="Published on or before YYYY-MM-DD."),
    source: Optional[str] = Query(None, description="Outlet (exactly)."),
    actor: Optional[str] = Query(None, description="Part of an actor's name."),
    country: Optional[str] = Query(None, description="ISO 3166-1 alpha-3 code of a place "
                                   "named or of an actor."),
    type: Optional[str] = Query(None, description="PLOVER event type (ASSAULT, AID ...)."),
    modality: Optional[str] = Query(None, description="asserted, expected, conditional, "
                                    "hedged, denied or historical."),
    q: Optional[str] = Query(None, description="Words in the title or text."),
) -> Filters:
    """The filters every list takes, checked."""
    f = Filters(since=parse_date(since, "since"), until=parse_date(until, "until"),
                source=_text(source, "source"), actor=_text(actor, "actor"),
                country=_text(country, "country"), type=_text(type, "type"),
                modality=_text(modality, "modality"), q=_text(q, "q"))
    if f.since and f.until and f.since > f.until:
        raise BadParam("since: after until")
    if f.country and not re.fullmatch(r"[A-Za-z]{3}", f.country):
        raise BadParam(f"country: {f.country[:20]!r} is not an ISO alpha-3 code (e.g. SYR)")
    if f.type and not re.fullmatch(r"[A-Za-z_]{2,24}", f.type):
        raise BadParam(f"type: {f.type[:30]!r} is not a PLOVER event type (e.g. ASSAULT)")
    if f.modality and not re.fullmatch(r"[A-Za-z]{2,24}", f.modality):
        raise BadParam(f"modality: {f.modality[:30]!r} is not a modality (e.g. asserted)")
    return Filters(**{**f.__dict__, "country": f.country.upper() if f.country else None,
                      "type": f.type.upper() if f.type else None,
                      "modality": f.modality.lower() if f.modality else None})


ARTICLE_ID = PathParam(..., pattern=r"^[0-9a-f]{16}$", description="Article id (16 hex digits).")
Period = Literal["day", "month", "year", "all"]


# --- the data behind each page (the JSON API returns exactly these) -----------------------------------

def overview_data(corpus: Corpus, f: Filters) -> dict:
    def compute() -> dict:
        data = {"filters": f.to_dict(), "counts": figure(corpus, "counts", f),
                "timeline": timeline_figure(corpus, f, None),
                "map": figure(corpus, "map_points", f, MAP_POINTS),
                "top_actors": figure(corpus, "top_actors", f, 12)}
        data["conflicts"] = latest_conflicts(corpus, f)
        return data
    return corpus.cached(("overview", f), compute)


def kept_articles(corpus: Corpus, f: Filters) -> frozenset:
    """The ids of the articles a filter keeps (one query per filter, whoever asks)."""
    return corpus.cached(("article-ids", f),
                         lambda: frozenset(corpus.run(browse.article_ids, f)))


def article_mask(corpus: Corpus, columns: Columns, f: Filters) -> Any:
    """The articles a filter keeps, as a mask over ``columns``' articles."""
    if f.empty:
        return columns.keep(None)

    def ids() -> Any:
        # A small store (its records held) shares the ids kept_articles caches for its other
        # pages; a large one reads them for the mask alone, as a mask is a byte an article and
        # a set of ids 50 or more.
        if corpus.record_rows() is not None:
            return kept_articles(corpus, f)
        return corpus.run(browse.article_ids, f)
    return corpus.cached(("article-mask", f), lambda: columns.keep(ids()))


def figure(corpus: Corpus, name: str, f: Filters, *args: Any) -> Any:
    """``browse.<name>(con, f, *args)`` (``counts``, ``map_points``, ``top_actors``), added up
    in memory from the store's columns where they are held (:mod:`..corpus.columns`: the same
    result)."""
    def compute() -> Any:
        columns = corpus.columns()
        if columns is None:
            return corpus.run(getattr(browse, name), f, *args)
        return getattr(columns, name)(f, article_mask(corpus, columns, f), *args)
    return corpus.cached((name, f, *args), compute)


def timeline_figure(corpus: Corpus, f: Filters, granularity: Optional[str]) -> dict:
    """``browse.timeline``, its day counts added up in memory where they can be."""
    def days() -> list[dict]:
        columns = corpus.columns()
        if columns is None:
            return corpus.run(browse.timeline_days, f)
        return columns.timeline_days(
            f, article_mask(corpus, columns, f.without("type", "modality")),
            article_mask(corpus, columns, f))
    return corpus.cached(("timeline", f, granularity), lambda: browse.timeline_periods(
        corpus.cached(("timeline-days", f), days), granularity))


def latest_conflicts(corpus: Corpus, f: Filters, limit: int = 10) -> list[dict]:
    """The latest claims that conflict with the interval most sources allow, for the things
    most often counted in the corpus ('people', 'civilians', 'troops' ...). Conflicts are
    judged across the whole corpus (so a filter cannot hide the other side); the filter picks
    which of them to show: those in the articles it keeps."""
    found = corpus.cached(("conflicts",), lambda: all_conflicts(corpus))
    if f.empty:
        return found[:limit]
    kept = kept_articles(corpus, f)
    return [r for r in found if r["article_id"] in kept][:limit]


def all_conflicts(corpus: Corpus, heads: int = 4, keep: int = 1000) -> list[dict]:
    found = []
    for head in corpus.run(browse.counted_heads, Filters(), heads):
        data = claims_data(corpus, head, Filters(), "month")
        estimates = {(e["period"], e["place"]): e for e in data["estimates"]}
        for row in data["claims"]:
            if row["flag"] == "conflict":
                est = estimates.get((row["period"], row["scope"]))
                found.append({k: row[k] for k in CONFLICT_FIELDS} | {
                    "about": head, "estimate": None if est is None else est["bounds"]})
    found.sort(key=lambda r: (str(r.get("date") or ""), r["article_id"]), reverse=True)
    return found[:keep]


CONFLICT_FIELDS = ("article_id", "claim_id", "date", "speaker", "outlet", "bounds", "counted",
                   "scope", "period", "claim", "link", "modality")


def claims_data(corpus: Corpus, about: str, f: Filters, period: str) -> dict:
    """Numeric claims about ``about``, reconciled per period and place (``newsgraph claims``)."""
    def compute() -> dict:
        try:
            # the query takes only ``since``; the other filters are applied to its rows, so
            # one query serves every filter of the same thing (rows copied: they get added to)
            found = corpus.cached(("claims-about", about.lower().strip(), f.since),
                                  lambda: corpus.run(queries.claims_about, about, since=f.since,
                                                     limit=CLAIMS_MAX))
        except queries.QueryError as err:
            raise BadParam(f"about: {err}") from None
        rows = browse.filter_claim_rows(found, f)
        if f.q or f.type:  # filters on the article (words in it, an event type it reports)
            by_article = Filters(q=f.q, type=f.type)
            kept = kept_articles(corpus, by_article)
            rows = [r for r in rows if r["article_id"] in kept]
        rows = [dict(r) for r in rows]
        estimates = queries.reconcile(rows, period)
        for row in rows:
            row["bounds"] = output.bounds(row)
            row["place"] = "; ".join(p["name"] or "" for p in row.get("places") or [])
            country, place = queries.scope(row)
            row["scope"] = place or country
            row["period"] = queries.period_of(row.get("date"), period)
            row["link"] = f"/article/{row['article_id']}#{highlight.anchor_of(row['claim_id'])}"
        ests = []
        for e in estimates:
            d = e.to_dict()
            d["bounds"] = output.bounds({"low": e.low, "high": e.high})
            ests.append(d)
        speakers: dict[str, list] = {}
        for row in rows:
            speakers.setdefault(row.get("speaker") or "unattributed", []).append(
                {k: row[k] for k in ("date", "bounds", "counted", "scope", "flag", "outlet",
                                     "link")})
        return {"about": about, "period": period, "filters": f.to_dict(), "claims": rows,
                "estimates": ests, "speakers": speakers,
                "conflicts": sum(1 for r in rows if r["flag"] == "conflict")}
    return corpus.cached(("claims", about.lower().strip(), f, period), compute)


def search_data(corpus: Corpus, f: Filters, page: int, size: int) -> dict:
    def compute() -> dict:
        figures = {"map": figure(corpus, "map_points", f, MAP_POINTS),
                   "timeline": timeline_figure(corpus, f, None)}
        held = corpus.record_rows()
        if held is not None:
            kept = None if f.empty else kept_articles(corpus, f)
            results = held.search(kept, f.q, page, size)
        else:
            columns = corpus.columns()
            total = None if columns is None else int(article_mask(corpus, columns, f).sum())
            results = corpus.run(browse.search, f, page, size, total=total)
        return {"filters": f.to_dict(), "results": results, **figures}
    return corpus.cached(("search", f, page, size), compute)


def article_data(corpus: Corpus, article_id: str, span: Optional[tuple[int, int]]) -> dict:
    def compute() -> dict:
        held = corpus.record_rows()
        record = (corpus.run(read_record, article_id) if held is None
                  else held.read_record(article_id))
        if record is None:
            raise HTTPException(404, f"no article {article_id}")
        if span and not (0 <= span[0] < span[1] <= len(record.article.text)):
            raise BadParam(f"hl: {span[0]}-{span[1]} is outside the text "
                           f"(0-{len(record.article.text)})")
        extras = (corpus.run(browse.article_extras, article_id) if held is None
                  else held.article_extras(article_id))
        return {"record": record, "extras": extras, "hl": span}
    return corpus.cached(("article", article_id, span), compute)


def event_data(corpus: Corpus, article_id: str, event_id: str) -> dict:
    def compute() -> Optional[dict]:
        held = corpus.record_rows()
        if held is not None:
            return held.event(article_id, event_id)
        return corpus.run(browse.event, article_id, event_id)
    found = corpus.cached(("event", article_id, event_id), compute)
    if found is None:
        raise HTTPException(404, f"no event {event_id} in article {article_id}")
    return found


def entity_data(corpus: Corpus, name: str, f: Filters) -> dict:
    def compute() -> Optional[dict]:
        held = corpus.record_rows()
        if held is None:
            return corpus.run(browse.entity, name, f)
        return held.entity(name, None if f.empty else kept_articles(corpus, f))
    found = corpus.cached(("entity", name.lower(), f), compute)
    if found is None:
        raise HTTPException(404, f"no actor named {name!r}" + ("" if f.empty else
                                                               " under these filters"))
    return found


def place_data(corpus: Corpus, geonameid: int, f: Filters) -> dict:
    def compute() -> Optional[dict]:
        held = corpus.record_rows()
        if held is None:
            return corpus.run(browse.place, geonameid, f)
        kept = None if f.empty else kept_articles(corpus, f)
        for_events = f.without("type", "modality")
        return held.place(geonameid, f, kept,
                          None if for_events.empty else kept_articles(corpus, for_events))
    found = corpus.cached(("place", geonameid, f), compute)
    if found is None:
        raise HTTPException(404, f"no place with GeoNames id {geonameid} in the corpus")
    return found


def facets_data(corpus: Corpus) -> dict:
    return corpus.cached(("facets",), lambda: corpus.run(browse.facets))


def parse_span(hl: Optional[str]) -> Optional[tuple[int, int]]:
    if not hl:
        return None
    m = re.fullmatch(r"(\d{1,9})-(\d{1,9})", hl)
    if not m:
        raise BadParam(f"hl: {hl[:30]!r} is not START-END (character offsets)")
    return int(m.group(1)), int(m.group(2))


# --- rendering ---------------------------------------------------------------------------------------

def json_response(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(output.plain(_jsonable(data)), status_code=status)


def _jsonable(data: Any) -> Any:
    if hasattr(data, "to_dict"):
        return data.to_dict()
    if isinstance(data, dict):
        return {k: _jsonable(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_jsonable(v) for v in data]
    return data


# --- the app -----------------------------------------------------------------------------------------

class SecurityHeaders:
    """Adds the security headers to every response that does not set its own."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in HEADERS.items():
                    if key not in headers:
                        headers[key] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ResponseCache:
    """Whole responses to GET requests kept by URL (and Host, which links in a report use):
    the store is read-only while served, so the same URL gets the same answer. Bounded by
    count and bytes; only complete 200 answers of moderate size are kept."""

    def __init__(self, app: Any, entries: int = 1024, max_bytes: int = 64 << 20,
                 max_body: int = 2 << 20):
        self.app = app
        self.entries, self.max_bytes, self.max_body = entries, max_bytes, max_body
        self.store: OrderedDict[tuple, tuple[dict, bytes]] = OrderedDict()
        self.flights: dict[tuple, asyncio.Event] = {}  # URLs being answered now
        self.size = 0
        self.lock = threading.Lock()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or self.entries <= 0:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        key = (scope["path"], scope.get("query_string", b""), headers.get(b"host", b""))
        waited = False
        while True:
            with self.lock:
                hit = self.store.get(key)
                if hit is not None:
                    self.store.move_to_end(key)
                leader = self.flights.get(key) if hit is None else None
                if hit is None and leader is None:
                    self.flights[key] = asyncio.Event()
            if hit is not None:
                start, body = hit
                await send(start)
                await send({"type": "http.response.body", "body": body})
                return
            if leader is None or waited:
                break
            await leader.wait()  # the same URL is being answered: wait for that answer
            waited = True
        try:
            await self._answer(scope, receive, send, key)
        finally:
            with self.lock:
                flight = self.flights.pop(key, None)
            if flight is not None:
                flight.set()

    async def _answer(self, scope: dict, receive: Any, send: Any, key: tuple) -> None:
        start_message: dict = {}
        chunks: list[bytes] = []
        keep = [True]

        async def capture(message: dict) -> None:
            if message["type"] == "http.response.start":
                start_message.update(message)
                keep[0] = message.get("status") == 200
            elif message["type"] == "http.response.body" and keep[0]:
                chunks.append(message.get("body", b""))
                if sum(len(c) for c in chunks) > self.max_body:
                    keep[0] = False
                    chunks.clear()
            await send(message)

        await self.app(scope, receive, capture)
        if keep[0] and start_message:
            self.put(key, start_message, b"".join(chunks))

    def put(self, key: tuple, start: dict, body: bytes) -> None:
        with self.lock:
            if key in self.store:
                return
            self.store[key] = (start, body)
            self.size += len(body)
            while self.store and (len(self.store) > self.entries or self.size > self.max_bytes):
                _, (_, old) = self.store.popitem(last=False)
                self.size -= len(old)


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path == "/openapi.json" or path.startswith("/export")


def create_app(db_path: Union[str, Path], *, query_timeout: float = 5.0,
               cache_size: int = 256, allowed_hosts: Optional[list[str]] = None,
               warm: bool = True, workers: int = WORKERS) -> FastAPI:
    """The web app over one store, opened read-only (raises StoreError when it cannot be)."""
    corpus = Corpus(db_path, query_timeout=query_timeout, cache_size=cache_size)
    env = make_env()
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Requests that miss the response cache query the store and render in worker threads.
        # Few at a time: on a small machine twenty interleaved queries all finish late, while
        # taking turns lets most finish early (the cores are busy either way).
        anyio.to_thread.current_default_thread_limiter().total_tokens = workers
        yield

    app = FastAPI(title="newsgraph", version=__version__, docs_url=None, redoc_url=None,
                  lifespan=lifespan,
                  description="Read-only API over a newsgraph corpus: every page of the UI as "
                              "JSON. All routes are GET; lists are paged and bounded.")
    app.state.corpus = corpus
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(SecurityHeaders)
    app.add_middleware(ResponseCache, entries=cache_size * 4)
    if allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)

    def page(name: str, request: Request, status: int = 200, **context: Any) -> HTMLResponse:
        current = context.get("filters_dict", {})
        html = env.get_template(name).render(
            request_path=request.url.path, db_name=corpus.path.name,
            qs=lambda **changes: query_string(current, **changes),
            api_url=_api_twin(request), **context)
        return HTMLResponse(html, status_code=status)

    def error(request: Request, status: int, message: str) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": message, "status": status}, status_code=status)
        return page("error.html", request, status=status, status_code=status, message=message)

    @app.exception_handler(BadParam)
    async def bad_param(request: Request, exc: BadParam) -> Response:
        return error(request, 422, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e.get("loc", ())[1:]) or "request"
            parts.append(f"{where}: {e.get('msg', 'invalid')}")
        return error(request, 422, "; ".join(parts) or "invalid parameters")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(QueryTimeout)
    async def timeout(request: Request, exc: QueryTimeout) -> Response:
        return error(request, 503, f"{exc}; narrow the filters")

    @app.exception_handler(duckdb.Error)
    async def db_error(request: Request, exc: duckdb.Error) -> Response:
        return error(request, 500, "database error: " + str(exc).splitlines()[0][:200])

    # --- overview -------------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview_page(request: Request, f: Filters = Depends(filters)) -> HTMLResponse:
        data = overview_data(corpus, f)
        return page("overview.html", request, data=data, facets=facets_data(corpus),
                    filters_dict=f.to_dict(), title="Overview")

    @app.get("/api/overview", tags=["pages"])
    def overview_api(f: Filters = Depends(filters)) -> JSONResponse:
        """Counts, the timeline of events and claims, map points, top actors and the latest
        conflicting claims, for the filtered articles."""
        return json_response(overview_data(corpus, f))

    # --- search ---------------------------------------------------------------------------------------

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, f: Filters = Depends(filters),
                    page_: int = Query(1, alias="page", ge=1, le=100000),
                    size: int = Query(20, ge=1, le=PAGE_SIZE_MAX)) -> HTMLResponse:
        data = search_data(corpus, f, page_, size)
        return page("search.html", request, data=data, facets=facets_data(corpus),
                    filters_dict=f.to_dict(), title="Search", size=size)

    @app.get("/api/search", tags=["pages"])
    def search_api(f: Filters = Depends(filters),
                   page_: int = Query(1, alias="page", ge=1, le=100000,
                                      description="Page number, from 1."),
                   size: int = Query(20, ge=1, le=PAGE_SIZE_MAX,
                                     description=f"Articles per page (at most {PAGE_SIZE_MAX}).")
                   ) -> JSONResponse:
        """Articles that pass the filters (newest first, paged), with map points and timeline."""
        return json_response(search_data(corpus, f, page_, size))

    @app.get("/api/facets", tags=["lists"])
    def facets_api() -> JSONResponse:
        """Outlets, event types, modalities and countries in the corpus, with its date span."""
        return json_response(facets_data(corpus))

    @app.get("/api/map", tags=["lists"])
    def map_api(f: Filters = Depends(filters),
                limit: int = Query(MAP_POINTS, ge=1, le=LIMIT_MAX)) -> JSONResponse:
        """Map points: one per resolved place, with event counts and the commonest type."""
        return json_response(figure(corpus, "map_points", f, limit))

    @app.get("/api/timeline", tags=["lists"])
    def timeline_api(f: Filters = Depends(filters),
                     granularity: Optional[Literal["day", "month", "year"]] = Query(None)
                     ) -> JSONResponse:
        """Events and claims per day, month or year."""
        return json_response(timeline_figure(corpus, f, granularity))

    @app.get("/api/events", tags=["lists"])
    def events_api(f: Filters = Depends(filters),
                   limit: int = Query(50, ge=1, le=LIMIT_MAX),
                   offset: int = Query(0, ge=0, le=1_000_000)) -> JSONResponse:
        """Events that pass the filters, newest first."""
        return json_response(corpus.cached(("events", f, limit, offset), lambda: corpus.run(
            browse.events, f, limit, offset)))

    # --- one article ------------------------------------------------------------------------------------

    @app.get("/article/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: str = ARTICLE_ID,
                     hl: Optional[str] = Query(None)) -> HTMLResponse:
        span = parse_span(hl)
        data = article_data(corpus, article_id, span)
        record = data["record"]
        text_html = highlight.render(record.article.text, highlight.marks(record, span))
        names = {e.id: e.name for e in record.entities}
        return page("article.html", request, data=data, record=record, text_html=text_html,
                    names=names, title=record.article.title or article_id)

    @app.get("/api/article/{article_id}", tags=["pages"])
    def article_api(article_id: str = ARTICLE_ID,
                    hl: Optional[str] = Query(None, description="A span to highlight, "
                                              "START-END (character offsets).")) -> JSONResponse:
        """The article's record (text, entities, places, times, quantities, claims, events),
        where else the same text was read, and its near-duplicates."""
        data = article_data(corpus, article_id, parse_span(hl))
        return json_response({"record": data["record"].to_dict(), **data["extras"],
                              "hl": data["hl"]})

    # --- claims comparison ------------------------------------------------------------------------------

    @app.get("/claims", response_class=HTMLResponse, include_in_schema=False)
    def claims_page(request: Request, f: Filters = Depends(filters),
                    about: Optional[str] = Query(None, max_length=200),
                    period: Period = Query("month")) -> HTMLResponse:
        about = (about or "").strip()
        data = claims_data(corpus, about, f, period) if about else None
        heads = [] if about else corpus.cached(("heads", f), lambda: corpus.run(
            browse.counted_heads, f, 12))
        return page("claims.html", request, data=data, about=about, period=period, heads=heads,
                    facets=facets_data(corpus), filters_dict={**f.to_dict(), "about": about
                                                              or None, "period": period},
                    title=f"Claims about {about}" if about else "Claims")

    @app.get("/api/claims", tags=["pages"])
    def claims_api(f: Filters = Depends(filters),
                   about: str = Query(..., min_length=1, max_length=200,
                                      description="What is counted, e.g. 'troops'."),
                   period: Period = Query("month", description="Reconcile per day, month, "
                                          "year or all.")) -> JSONResponse:
        """Numeric claims about one counted thing by source and date, the reconciled interval
        per period and place, and the conflicts (``newsgraph claims --about``)."""
        return json_response(claims_data(corpus, about.strip(), f, period))

    # --- event, entity, place ---------------------------------------------------------------------------

    @app.get("/event/{article_id}/{event_id}", response_class=HTMLResponse, include_in_schema=False)
    def event_page(request: Request, article_id: str = ARTICLE_ID,
                   event_id: str = PathParam(..., pattern=r"^v\d{1,6}$")) -> HTMLResponse:
        data = event_data(corpus, article_id, event_id)
        return page("event.html", request, data=data, title=f"Event {data['event']['type']}")

    @app.get("/api/event/{article_id}/{event_id}", tags=["pages"])
    def event_api(article_id: str = ARTICLE_ID,
                  event_id: str = PathParam(..., pattern=r"^v\d{1,6}$",
                                            description="Event id in the article, e.g. v2.")
                  ) -> JSONResponse:
        """One event and every source that reports it (the same type at the same place within
        three days, copies of the article, near-duplicates)."""
        return json_response(event_data(corpus, article_id, event_id))

    @app.get("/entity", response_class=HTMLResponse, include_in_schema=False)
    def entity_page(request: Request, f: Filters = Depends(filters),
                    name: str = Query(..., min_length=1, max_length=200)) -> HTMLResponse:
        data = entity_data(corpus, name.strip(), f)
        return page("entity.html", request, data=data, filters_dict={**f.to_dict(), "name": name},
                    title=data["name"])

    @app.get("/api/entity", tags=["pages"])
    def entity_api(f: Filters = Depends(filters),
                   name: str = Query(..., min_length=1, max_length=200,
                                     description="The actor's name (case-insensitive).")
                   ) -> JSONResponse:
        """What an actor said (claims it is the source of) and did (events it acts in or is
        acted on in), over time."""
        return json_response(entity_data(corpus, name.strip(), f))

    @app.get("/place/{geonameid}", response_class=HTMLResponse, include_in_schema=False)
    def place_page(request: Request, f: Filters = Depends(filters),
                   geonameid: int = PathParam(..., ge=0, le=2**31)) -> HTMLResponse:
        data = place_data(corpus, geonameid, f)
        return page("place.html", request, data=data, filters_dict=f.to_dict(),
                    title=data["place"]["name"] or str(geonameid))

    @app.get("/api/place/{geonameid}", tags=["pages"])
    def place_api(f: Filters = Depends(filters),
                  geonameid: int = PathParam(..., ge=0, le=2**31, description="GeoNames id.")
                  ) -> JSONResponse:
        """What happened at a place: events there, claims naming it, articles."""
        return json_response(place_data(corpus, geonameid, f))

    # --- export and report ------------------------------------------------------------------------------

    @app.get("/export", tags=["export"])
    def export_file(f: Filters = Depends(filters),
                    what: Literal["events", "articles", "places", "claims"] = Query("events"),
                    format: Literal["csv", "jsonl", "geojson"] = Query("csv"),
                    limit: int = Query(browse.MAX_ROWS, ge=1, le=browse.MAX_ROWS)) -> Response:
        """The rows of the current filter as a file: CSV, JSON lines or GeoJSON (events and
        places have coordinates; GeoJSON leaves out rows without)."""
        if format == "geojson" and what not in ("events", "places"):
            raise BadParam(f"format: GeoJSON needs coordinates; {what} have none "
                           "(use events or places)")
        rows = corpus.run(browse.export_rows, what, f, limit)
        if format == "csv":
            body, media = output.to_csv(rows), "text/csv; charset=utf-8"
        elif format == "jsonl":
            body = "".join(json.dumps(output.plain(r), ensure_ascii=False) + "\n" for r in rows)
            media = "application/x-ndjson; charset=utf-8"
        else:
            body = json.dumps(export.geojson(rows), ensure_ascii=False)
            media = "application/geo+json"
        name = f"newsgraph-{what}.{format}"
        return Response(body, media_type=media,
                        headers={"content-disposition": f'attachment; filename="{name}"'})

    @app.get("/report", tags=["export"])
    def report_file(request: Request,
                    about: str = Query(..., min_length=1, max_length=200,
                                       description="What the report is about, e.g. 'troops'."),
                    since: Optional[str] = Query(None), until: Optional[str] = Query(None),
                    place: Optional[str] = Query(None, max_length=200),
                    actor: Optional[str] = Query(None, max_length=200),
                    format: Literal["html", "md"] = Query("html")) -> Response:
        """A situation report (self-contained HTML, or Markdown): key numbers as ranges with
        their sources, timeline, map, main events, conflicting claims; every sentence cited."""
        from .. import report

        since_d, until_d = parse_date(since, "since"), parse_date(until, "until")
        server = str(request.base_url).rstrip("/")
        rep = corpus.cached(("report", about.strip().lower(), since_d, until_d, place, actor),
                            lambda: _build_report(corpus, about.strip(), since_d, until_d,
                                                  _text(place, "place"), _text(actor, "actor")))
        if format == "md":
            return PlainTextResponse(report.to_markdown(rep, server), media_type="text/markdown")
        return HTMLResponse(report.to_html(rep, server), headers={"content-security-policy":
                                                                  REPORT_CSP})

    @app.get("/api/report", tags=["export"])
    def report_api(about: str = Query(..., min_length=1, max_length=200),
                   since: Optional[str] = Query(None), until: Optional[str] = Query(None),
                   place: Optional[str] = Query(None, max_length=200),
                   actor: Optional[str] = Query(None, max_length=200)) -> JSONResponse:
        """The situation report's content as JSON: sections, sentences and their citations."""
        since_d, until_d = parse_date(since, "since"), parse_date(until, "until")
        rep = corpus.cached(("report", about.strip().lower(), since_d, until_d, place, actor),
                            lambda: _build_report(corpus, about.strip(), since_d, until_d,
                                                  _text(place, "place"), _text(actor, "actor")))
        return json_response(rep.to_dict())

    # --- the rest -------------------------------------------------------------------------------------

    @app.get("/basemap.svg", include_in_schema=False)
    def basemap() -> Response:
        svg = corpus.cached(("basemap",), charts.basemap_svg)
        return Response(svg, media_type="image/svg+xml",
                        headers={"cache-control": "public, max-age=86400"})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response((HERE / "static" / "favicon.svg").read_bytes(),
                        media_type="image/svg+xml", headers={"cache-control": "max-age=86400"})

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    def api_page(request: Request) -> HTMLResponse:
        spec = app.openapi()
        return page("api.html", request, spec=spec, title="API")

    if warm:  # the first visitor should not wait for the corpus-wide figures
        thread = threading.Thread(target=_warm, args=(corpus, env), daemon=True)
        WARMING[:] = [t for t in WARMING if t.is_alive()] + [thread]
        thread.start()
    return app


def _warm(corpus: Corpus, env: Any) -> None:
    try:
        for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
            env.get_template(name)  # compiled once here, not by the first visitor of each page
        charts.basemap_svg()  # the world's outlines, read from their files once
        facets_data(corpus)
        corpus.columns()
        corpus.record_rows()
        overview_data(corpus, Filters())
    except Exception:  # a warm-up is only a head start: the request will say what is wrong
        pass
    finally:
        corpus.release_cursor()


def _build_report(corpus: Corpus, about: str, since: Optional[date], until: Optional[date],
                  place: Optional[str], actor: Optional[str]) -> Any:
    from .. import report

    try:
        return report.build_report(corpus.path, about, since=since, until=until, place=place,
                                   actor=actor)
    except queries.QueryError as err:
        raise BadParam(f"about: {err}") from None


def _api_twin(request: Request) -> Optional[str]:
    """The JSON twin of a page, with the same parameters."""
    path = request.url.path
    twins = {"/": "/api/overview", "/search": "/api/search", "/claims": "/api/claims",
             "/entity": "/api/entity"}
    if path in twins:
        target = twins[path]
    elif path.startswith(("/article/", "/event/", "/place/")):
        target = "/api" + path
    else:
        return None
    return target + (f"?{request.url.query}" if request.url.query else "")


__all__ = ["create_app", "Corpus", "StoreError"]
