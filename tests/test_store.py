"""The DuckDB store: tables derived from the record types, batches, duplicates, queries."""

from __future__ import annotations

import dataclasses

import duckdb
import pytest

from newsgraph.corpus import browse, ingest, queries
from newsgraph.corpus.store import TABLES, Store, read_record, record_columns
from newsgraph.record import ITEM_LISTS, Article

ARTICLES = {
    "troops-2024-10-30.txt":
        "Officials say 2,000 soldiers crossed the border\n\n"
        "At least 2,000 soldiers crossed the border on Monday, Turkish officials said on "
        "Wednesday. The army expects to send more troops in the coming weeks.\n",
    "troops-2024-10-31.txt":
        "Border crossing\n\nAs many as 1,500 soldiers crossed the border this week, a defence "
        "ministry spokesman said on Thursday.\n",
    "troops-2024-11-01.txt":
        "More soldiers\n\nAbout 3,000 soldiers have now crossed the border, the ministry said "
        "on Friday.\n",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, pipeline):
    folder = tmp_path_factory.mktemp("news")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "copy").mkdir()
    (folder / "copy" / "same-2024-10-31.txt").write_text(ARTICLES["troops-2024-10-31.txt"])
    db = folder.parent / "corpus.duckdb"
    summary = ingest([folder], db=db, pipeline=pipeline, batch_size=2, source="Test Wire")
    return folder, db, summary


def test_every_record_field_is_a_column():
    for name, cls in ITEM_LISTS.items():
        cols = {c.name for c in TABLES[name]}
        assert "article_id" in cols
        for f in dataclasses.fields(cls):
            if f.name != "mentions":
                assert f.name in cols, (name, f.name)
    assert {c.name for c in record_columns("articles", Article)} == {
        f.name for f in dataclasses.fields(Article)}
    assert "entity_id" in {c.name for c in TABLES["mentions"]}
    types = {c.name: c.sql for c in TABLES["claims"]}
    assert types["quantities"] == "VARCHAR[]" and types["start"] == "BIGINT"
    assert {c.name: c.sql for c in TABLES["places"]}["alternatives"] == "JSON"
    assert {c.name: c.sql for c in TABLES["quantities"]}["low"] == "DOUBLE"
    assert not any(c.name == "mentions" for c in TABLES["entities"])


def test_ingest_counts_duplicates_once(corpus):
    _, db, summary = corpus
    assert summary.read == 4 and summary.stored == 3 and summary.duplicates == 1
    assert summary.errors == 0 and summary.skipped == 0
    rows = queries.sql(db, "SELECT id, seen FROM articles ORDER BY seen DESC")
    assert len(rows) == 3 and rows[0]["seen"] == 2
    copies = queries.sql(db, "SELECT * FROM article_copies")
    assert len(copies) == 1
    stored_from = queries.sql(db, "SELECT read_from FROM articles WHERE id = ?",
                              [copies[0]["article_id"]])[0]["read_from"]
    names = {copies[0]["read_from"].rsplit("/", 1)[-1], stored_from.rsplit("/", 1)[-1]}
    assert names == {"same-2024-10-31.txt", "troops-2024-10-31.txt"}
    runs = queries.sql(db, "SELECT * FROM runs")
    assert runs[0]["status"] == "done" and runs[0]["stored"] == 3
    (src,) = queries.sql(db, "SELECT * FROM sources")
    assert src["name"] == "Test Wire" and src["articles"] == 3 and src["copies"] == 1


def test_rerun_adds_nothing_and_skips_before_analysing(corpus, pipeline):
    folder, db, _ = corpus
    before = {t: queries.sql(db, f"SELECT count(*) AS n FROM {t}")[0]["n"]
              for t in list(TABLES) + ["article_copies"]}
    again = ingest([folder], db=db, pipeline=pipeline, batch_size=2)
    assert again.stored == 0 and again.duplicates == 0 and again.skipped == 4
    after = {t: queries.sql(db, f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in before}
    assert after == before


def test_every_row_carries_its_article_and_spans_point_into_the_text(corpus):
    _, db, _ = corpus
    with duckdb.connect(str(db), read_only=True) as con:
        for table in list(ITEM_LISTS) + ["mentions"]:
            bad = con.execute(f"""SELECT count(*) FROM {table} t LEFT JOIN articles a
                                  ON a.id = t.article_id WHERE a.id IS NULL""").fetchone()[0]
            assert bad == 0, table
            wrong = con.execute(f"""SELECT count(*) FROM {table} t JOIN articles a
                ON a.id = t.article_id WHERE substring(a.text, t.start + 1, t."end" - t.start)
                <> t.text""").fetchone()[0]
            assert wrong == 0, table


def test_record_round_trips_through_the_tables(corpus, pipeline):
    _, db, _ = corpus
    text = ARTICLES["troops-2024-10-30.txt"]
    expected = pipeline.analyze(text, "2024-10-30", source="Test Wire")
    with duckdb.connect(str(db), read_only=True) as con:
        got = read_record(con, expected.article.id)
    assert got is not None
    assert got.to_dict()["entities"] == expected.to_dict()["entities"]
    for name in ITEM_LISTS:
        assert getattr(got, name) == getattr(expected, name), name


def test_claims_about_lemma_match_since_and_reconciliation(corpus):
    _, db, _ = corpus
    rows = queries.claims_about(db, "soldier")
    assert {r["bounds"] if "bounds" in r else r["low"] for r in rows} >= {2000.0}
    assert all("soldier" in (r["counted"] or "") for r in rows)
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    later = queries.claims_about(db, "soldiers", since="2024-10-31")
    assert later and all(r["date"] >= "2024-10-31" for r in later)
    assert len(later) < len(rows)
    assert queries.claims_about(db, "tanks") == []
    estimates = queries.reconcile(rows, period="all")
    assert estimates and estimates[0].claims == len([r for r in rows if r["flag"]])
    flagged = [r for r in rows if r["flag"] == "conflict"]
    # ">= 2,000" and "<= 1,500" cannot both hold: one side is flagged
    assert flagged


def test_sql_is_read_only(corpus):
    _, db, _ = corpus
    for statement in ("DELETE FROM articles", "DROP TABLE articles",
                      "COPY articles TO '/tmp/x.csv'", "ATTACH 'other.db'",
                      "CREATE TABLE x (a INT)", "SELECT 1; DELETE FROM articles"):
        with pytest.raises(queries.QueryError, match="read-only"):
            queries.sql(db, statement)
    with pytest.raises(queries.QueryError):
        queries.sql(db, "SELEC nonsense")
    assert queries.sql(db, "SELECT count(*) AS n FROM articles")[0]["n"] == 3


def test_entities_and_events_filters(corpus):
    _, db, _ = corpus
    rows = queries.entities(db, name="official")
    assert rows and all("official" in r["name"].lower() for r in rows)
    assert queries.entities(db, type="NOSUCH") == []
    assert isinstance(queries.events(db, country="TUR", type="MOBILIZE", since="2024-01-01"), list)


def test_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(queries.StoreError, match="no such database"):
        queries.sql(tmp_path / "none.duckdb", "SELECT 1")


def test_batch_is_one_transaction(tmp_path, pipeline):
    record = pipeline.analyze(ARTICLES["troops-2024-10-31.txt"], "2024-10-31")
    broken = dataclasses.replace(record)
    broken.quantities = [dataclasses.replace(record.quantities[0], start="not a number")]
    db = tmp_path / "t.duckdb"
    with Store(db) as store:
        run = store.start_run({})
        with pytest.raises(Exception):
            store.write_batch(run, [(record, "a"), (broken, "b")], [], [])
        assert store.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
        store.write_batch(run, [(record, "a")], [], [])
        assert store.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 1


# --- reconciliation on rows written by hand ----------------------------------------------------

def row(n, low=None, high=None, value=None, place=None, country=None, feature=None,
        date="2024-10-31", outlet="A", approximate=False):
    places = [{"name": place, "country": country, "feature": feature, "geonameid": None}] \
        if place else None
    return {"article_id": f"a{n}", "claim_id": "c1", "quantity_id": "q1", "low": low,
            "high": high, "value": value if value is not None else (low or high),
            "low_inclusive": True, "high_inclusive": True, "approximate": approximate,
            "change": None, "counted_match": True, "modality": "asserted", "date": date,
            "outlet": outlet, "places": places}


def test_reconcile_tightest_interval_and_conflict():
    rows = [row(1, low=10_000), row(2, high=12_000), row(3, low=11_000, high=11_000),
            row(4, low=3_000, high=3_000)]
    (est,) = queries.reconcile(rows)
    assert (est.low, est.high) == (11_000, 11_000)
    assert est.conflicts == ["a4/c1/q1"]
    assert [r["flag"] for r in rows] == ["consistent"] * 3 + ["conflict"]


def test_reconcile_tie_and_many_claims():
    # two disjoint intervals as well supported: disputed
    rows = [row(1, low=100, high=200), row(2, low=150, high=250), row(3, low=500, high=600),
            row(4, low=550, high=650)]
    (est,) = queries.reconcile(rows)
    assert est.disputed and (est.low, est.high) == (150, 200)
    # the same interval reached twice is no tie; thousands of claims take no time
    import time

    rows = [row(n, low=n % 50, high=1000 + n % 70) for n in range(4000)]
    started = time.perf_counter()
    (est,) = queries.reconcile(rows)
    assert time.perf_counter() - started < 2.0
    assert (est.low, est.high) == (49, 1000) and not est.disputed and not est.conflicts


def test_reconcile_places_nest():
    kursk = row(1, high=8_000, place="Kursk", country="RUS", feature="admin1")
    russia = row(2, low=10_000, place="Russia", country="RUS", feature="country")
    rows = [kursk, russia]
    estimates = queries.reconcile(rows)
    assert len(estimates) == 2 and all(not e.conflicts for e in estimates)
    assert all(r["flag"] == "consistent" for r in rows)
    # a place inside a country may not exceed the country's figure
    rows = [row(1, low=20_000, place="Kursk", country="RUS", feature="admin1"),
            row(2, high=12_000, place="Russia", country="RUS", feature="country")]
    notes = [n for e in queries.reconcile(rows) for n in e.notes]
    assert notes and "exceeds" in notes[0]


def test_reconcile_over_time_and_approximate():
    rows = [row(1, value=8_000, low=8_000, high=8_000, approximate=True, date="2024-10-20"),
            row(2, value=7_500, low=7_500, high=7_500, date="2024-10-25"),
            row(3, low=11_000, date="2024-11-05")]
    estimates = queries.reconcile(rows)
    assert [e.period for e in estimates] == ["2024-10", "2024-11"]
    assert not estimates[0].conflicts  # "about 8,000" allows 7,500
    assert estimates[1].low == 11_000 and estimates[1].high is None


def test_phrase_patterns_are_lemma_ish():
    import re

    pats = [re.compile(p[4:], re.I) for p in queries.phrase_patterns("North Korean troops")]
    assert all(p.search("as many as 8,000 north korean troop") for p in pats)
    (cas,) = queries.phrase_patterns("casualties")
    assert re.search(cas[4:], "one casualty", re.I)


# --- the derived claim_quantities table, the schema migration, write settings -----------------

def _sorted_rows(con, query):
    return sorted(con.execute(query).fetchall(), key=repr)


def _written_and_derived(db, table: str) -> tuple[list, list]:
    """A derived table's rows as the ingest wrote them, and as its SQL derives them."""
    from newsgraph.corpus.store import DERIVED, OTHER_TABLES

    names = ", ".join(f'"{c.name}"' for c in OTHER_TABLES[table])
    with duckdb.connect(str(db), read_only=True) as con:
        return (_sorted_rows(con, f"SELECT {names} FROM {table}"),
                _sorted_rows(con, f"SELECT {names} FROM ({DERIVED[table]})"))


def test_claim_quantities_are_what_the_sql_derives(corpus):
    written, derived = _written_and_derived(corpus[1], "claim_quantities")
    assert written and written == derived


def test_event_facts_are_what_the_sql_derives(corpus):
    written, derived = _written_and_derived(corpus[1], "event_facts")
    with duckdb.connect(str(corpus[1]), read_only=True) as con:
        n = con.execute("SELECT count(*) FROM events").fetchone()[0]
        named, placed, with_place = con.execute(
            "SELECT count(actor_names), count(place_name), count(place) FROM event_facts"
        ).fetchone()
    assert written and written == derived and len(written) == n
    assert named and placed == with_place  # the joins the table saves were made


def test_article_facts_count_each_articles_items(corpus):
    written, derived = _written_and_derived(corpus[1], "article_facts")
    with duckdb.connect(str(corpus[1]), read_only=True) as con:
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert written == derived and len(written) == articles
    assert any(row[1] for row in written) and any(row[2] for row in written)


def test_event_date():
    from datetime import date

    from newsgraph.corpus.store import event_date

    assert event_date("2024-10-28", "2024-10-31") == date(2024, 10, 28)
    assert event_date("2024-10-28T14:00", None) == date(2024, 10, 28)
    for vague in ("2024-10", "2024-W44", "PAST_REF", "2024-02-30", None):
        assert event_date(vague, "2024-10-31") == date(2024, 10, 31)
    assert event_date("P3D", None) is None


def test_an_old_store_is_read_and_then_migrated(corpus, tmp_path):
    import shutil

    from newsgraph.corpus.store import SCHEMA_VERSION, schema_version

    _, db, _ = corpus
    old = tmp_path / "old.duckdb"
    shutil.copy(db, old)
    with duckdb.connect(str(old)) as con:  # as version 2 left it: no derived table
        con.execute("DROP TABLE claim_quantities")
        con.execute("DROP TABLE event_facts")
        con.execute("DROP TABLE article_facts")
        con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    expected = queries.claims_about(db, "soldiers")
    assert queries.claims_about(old, "soldiers") == expected  # read-only: derived on the fly

    def event_pages(path):
        with duckdb.connect(str(path), read_only=True) as con:
            return (browse.events(con, browse.Filters()),
                    browse.map_points(con, browse.Filters(type="ASSAULT")),
                    browse.timeline(con, browse.Filters()),
                    browse.search(con, browse.Filters()))

    expected_events = event_pages(db)
    assert expected_events[0] and event_pages(old) == expected_events
    Store(old).close()  # opened for writing: migrated
    with duckdb.connect(str(old), read_only=True) as con:
        assert schema_version(con) == SCHEMA_VERSION
        assert con.execute("SELECT count(*) FROM claim_quantities").fetchone()[0] > 0
        assert con.execute("SELECT count(*) FROM event_facts").fetchone()[0] > 0
        assert con.execute("SELECT count(*) FROM article_facts").fetchone()[0] > 0
    assert queries.claims_about(old, "soldiers") == expected
    assert event_pages(old) == expected_events


def test_source_counts_are_added_up_per_batch(corpus):
    _, db, _ = corpus
    (row,) = queries.sql(db, """
        SELECT s.articles = (SELECT count(*) FROM articles a WHERE a.source = s.name) AS articles,
               s.copies = (SELECT count(*) FROM article_copies c WHERE c.source = s.name) AS copies,
               s.first_published = (SELECT min(published) FROM articles a WHERE a.source = s.name)
                 AS first, s.last_published = (SELECT max(published) FROM articles a
                                               WHERE a.source = s.name) AS last
        FROM sources s""")
    assert all(row.values())


def test_write_settings(tmp_path, monkeypatch):
    from newsgraph.corpus.store import StoreError, write_settings

    assert write_settings() == ("256MB", 1)
    monkeypatch.setenv("NEWSGRAPH_DUCKDB_MEMORY", "512MB")
    monkeypatch.setenv("NEWSGRAPH_DUCKDB_THREADS", "2")
    assert write_settings() == ("512MB", 2)
    assert write_settings("2GiB", 1) == ("2GiB", 1)
    with pytest.raises(StoreError, match="not a size"):
        write_settings("lots")
    with Store(tmp_path / "s.duckdb", memory_limit="300MB") as store:
        limit = store.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        assert limit.startswith("286") or "300" in limit  # DuckDB shows MiB
