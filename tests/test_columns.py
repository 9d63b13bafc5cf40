"""The in-memory figures (map points, timeline, counts) equal the SQL that defines them, for
every kind of filter, on the web tests' corpus."""

from __future__ import annotations

import json
from datetime import date
from itertools import product

import duckdb
import pytest

from conftest import EXAMPLE
from test_web import build_corpus, make_client

from newsgraph.corpus import browse
from newsgraph.corpus.browse import Filters
from newsgraph.corpus.columns import Columns
from newsgraph.corpus.store import connect


@pytest.fixture(scope="module")
def store(tmp_path_factory, pipeline):
    # with the Kursk example where ../shared is there (more actors, places and claims)
    db = build_corpus(tmp_path_factory.mktemp("columns"), pipeline,
                      with_example=EXAMPLE.is_file())
    con = connect(db, read_only=True)
    yield db, con, Columns.load(con)
    con.close()


def every_filter(con) -> list[Filters]:
    """One filter per value the corpus offers, and pairs of them."""
    facets = browse.facets(con)
    singles = ([Filters()] + [Filters(source=s) for s in facets["sources"]]
               + [Filters(type=t) for t in facets["types"]] + [Filters(type="NOSUCHTYPE")]
               + [Filters(modality=m) for m in facets["modalities"]]
               + [Filters(country=c) for c in facets["countries"]]
               + [Filters(actor=a) for a in ("police", "Blinken", "Pentagon", "zz")]
               + [Filters(q=w) for w in ("families", "troops", "zz")]
               + [Filters(since=date(2023, 3, 7)), Filters(until=date(2023, 3, 7)),
                  Filters(since=date(2024, 1, 1), until=date(2024, 12, 31))])
    pairs = [Filters(**{**a.to_dict(), **b.to_dict()}) for a, b in product(singles[1:12],
                                                                            singles[12:24])]
    return singles + [Filters(**{k: date.fromisoformat(v) if k in ("since", "until") else v
                                 for k, v in f.to_dict().items()}) for f in pairs]


def as_json(value):
    return json.loads(json.dumps(value, default=str))


def kept(con, columns: Columns, f: Filters):
    return columns.keep(None if f.empty else browse.article_ids(con, f))


def test_counts_and_map_points_equal_the_sql(store):
    _, con, columns = store
    assert columns is not None
    filters = every_filter(con)
    assert len(filters) > 100
    for f in filters:
        mask = kept(con, columns, f)
        assert columns.counts(f, mask) == browse.counts(con, f), f
        want = browse.map_points(con, f, 400)
        got = columns.map_points(f, mask, 400)
        strip = [{k: v for k, v in p.items() if k != "type"} for p in want]
        assert [{k: v for k, v in p.items() if k != "type"} for p in got] == strip, f
        for w, g in zip(want, got):  # the commonest type: SQL's mode picks any of a tie
            assert (w["type"] is None) == (g["type"] is None), f
            if w["type"] is not None:
                assert g["type"] in w["types"]


def test_timeline_days_equal_the_sql(store):
    _, con, columns = store
    for f in every_filter(con):
        got = columns.timeline_days(f, kept(con, columns, f.without("type", "modality")),
                                    kept(con, columns, f))
        in_order = sorted(browse.timeline_days(con, f), key=lambda r: (r["d"], r["kind"]))
        assert got == in_order, f


def test_a_store_too_large_to_hold_is_left_to_sql(store):
    db, con, _ = store
    assert Columns.load(con, max_rows=10) is None
    client = make_client(db, warm=False)
    client.app.state.corpus.held["columns"] = None  # as if the store held too much
    for path, fn in (("/api/map?type=ASSAULT", lambda: browse.map_points(
            con, Filters(type="ASSAULT"), 500)), ("/api/timeline?source=River%20Post",
            lambda: browse.timeline(con, Filters(source="River Post")))):
        assert client.get(path).json() == as_json(fn()), path


def test_the_web_figures_come_from_the_columns(store):
    db, con, _ = store
    client = make_client(db, warm=False)
    for query in ("", "?source=River%20Post", "?country=BGD", "?actor=police", "?type=ASSAULT"):
        f = browse.plain_filters({k: v.replace("%20", " ") for k, v in (
            p.split("=") for p in query[1:].split("&") if p)})
        got = client.get("/api/timeline" + query).json()
        assert got == as_json(browse.timeline(con, f)), query
        assert client.get("/api/overview" + query).json()["counts"] == browse.counts(con, f)
    assert client.app.state.corpus.held["columns"] is not None


def commonest(con, f: Filters, name: str, type_: str, column: str) -> set:
    """The values of an actor's ``column`` that are most common under the filter (SQL's mode
    may return any of them)."""
    params: list = [name, type_]
    where = ["e.name = ?", "e.type = ?", f"e.{column} IS NOT NULL"] + browse.article_where(
        f, params)
    rows = con.execute(f"""SELECT e.{column}, count(*) AS n FROM entities e
                           JOIN articles a ON a.id = e.article_id WHERE {' AND '.join(where)}
                           GROUP BY 1""", params).fetchall()
    top = max((n for _, n in rows), default=0)
    return {v for v, n in rows if n == top} or {None}


def test_top_actors_equal_the_sql(store):
    _, con, columns = store
    for f in every_filter(con):
        want = browse.top_actors(con, f, 12)
        got = columns.top_actors(f, kept(con, columns, f), 12)
        fixed = ("name", "type", "articles", "outlets")
        assert [[r[k] for k in fixed] for r in got] == [[r[k] for k in fixed] for r in want], f
        for row in got:
            assert row["country"] in commonest(con, f, row["name"], row["type"], "country")
            assert row["sector"] in commonest(con, f, row["name"], row["type"], "sector")


def test_columns_that_cannot_be_read_leave_the_figures_to_sql(store, monkeypatch):
    db, con, _ = store

    def broken(cur, max_rows=0):
        raise duckdb.IOException("no columns today")

    monkeypatch.setattr(Columns, "load", staticmethod(broken))
    client = make_client(db, warm=False)
    got = client.get("/api/overview?source=River%20Post").json()
    assert got["counts"] == browse.counts(con, Filters(source="River Post"))
    assert client.app.state.corpus.held == {"columns": None}


def test_every_filter_is_one_the_columns_know():
    # Article-level filters reach the columns through the ids SQL keeps; the event-level ones
    # (browse.event_where) are applied again here. A new filter must be added to both places
    # (and to every_filter above) before this passes.
    assert set(Filters.__dataclass_fields__) == {
        "since", "until", "source", "actor", "country", "type", "modality", "q"}
