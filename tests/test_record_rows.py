"""The record rows held in memory give every article the record and extras that the queries
give (store.read_record, browse.article_extras), and the web's article pages use them."""

from __future__ import annotations

from datetime import date

import pytest

from test_web import ARTICLES, build_corpus, make_client

from newsgraph.corpus import browse, ingest
from newsgraph.corpus.browse import Filters
from newsgraph.corpus.record_rows import RecordRows
from newsgraph.corpus.store import connect, read_record

WIRE = ("Shelling cuts the coast road\n\nRussian forces shelled Kharkiv on Thursday, killing 12 "
        "civilians and cutting off three villages, and forcing about 400 families from their "
        "homes, the regional emergency service said. Rescue teams in boats reached the villages "
        "in the afternoon and moved older residents to a school on higher ground, where volunteers "
        "handed out blankets and food. The service said the water was expected to fall slowly "
        "over the weekend, but warned drivers to stay off the road until engineers had checked ")


@pytest.fixture(scope="module")
def store(tmp_path_factory, pipeline):
    folder = tmp_path_factory.mktemp("record-rows")
    db = build_corpus(folder, pipeline)
    # the same text read again from another file and outlet: a copy of a stored article
    name, (_, text) = next(iter(ARTICLES.items()))
    again = folder / "again" / name
    again.parent.mkdir()
    again.write_text(text, encoding="utf-8")
    ingest([again], db=db, pipeline=pipeline, source="Copy Desk")
    # a wire story and a lightly edited copy: near-duplicates in one story cluster
    for outlet, (name, last) in {"Wire Desk": ("wire-2023-03-10.txt", "the two bridges"),
                                 "Edit Desk": ("edited-2023-03-10.txt", "both bridges")}.items():
        (folder / name).write_text(WIRE + last + ".\n", encoding="utf-8")
        ingest([folder / name], db=db, pipeline=pipeline, source=outlet)
    # the wire story read again elsewhere (a copy), and another outlet's report of the shelling
    (folder / "again" / "wire-2023-03-10.txt").write_text(WIRE + "the two bridges.\n",
                                                          encoding="utf-8")
    ingest([folder / "again" / "wire-2023-03-10.txt"], db=db, pipeline=pipeline,
           source="Copy Desk")
    (folder / "other-2023-03-11.txt").write_text(
        "Kharkiv shelled\n\nRussian forces shelled Kharkiv on Friday, killing 3 people, the "
        "mayor said.\n", encoding="utf-8")
    ingest([folder / "other-2023-03-11.txt"], db=db, pipeline=pipeline, source="Other Post")
    con = connect(db, read_only=True)
    yield db, con
    con.close()


def test_every_record_and_its_extras_equal_the_queries(store):
    _, con = store
    held = RecordRows.load(con)
    assert held is not None
    ids = [r[0] for r in con.execute("SELECT id FROM articles ORDER BY id").fetchall()]
    assert len(ids) >= 5
    copies = near = 0
    for article_id in ids:
        want = read_record(con, article_id)
        assert held.read_record(article_id).to_dict() == want.to_dict(), article_id
        extras = browse.article_extras(con, article_id)
        assert held.article_extras(article_id) == extras, article_id
        copies += len(extras["copies"])
        near += len(extras["near_duplicates"])
    assert copies >= 1 and near >= 2, "the store has a copy and a near-duplicate pair"
    assert held.read_record("0" * 16) is None
    assert held.article_extras("0" * 16) == {"copies": [], "near_duplicates": []}


def test_a_store_too_large_to_hold_keeps_the_queries(store):
    db, con = store
    assert RecordRows.load(con, max_rows=10) is None
    article_id = con.execute("SELECT id FROM articles LIMIT 1").fetchall()[0][0]
    held, queried = make_client(db, warm=False), make_client(db, warm=False)
    queried.app.state.corpus.held["record_rows"] = None  # as if the store held too much
    got = [c.get(f"/api/article/{article_id}") for c in (held, queried)]
    assert got[0].status_code == got[1].status_code == 200
    assert got[0].json() == got[1].json()
    assert held.app.state.corpus.held["record_rows"] is not None
    assert queried.get("/article/" + "0" * 16).status_code == 404


def test_search_pages_equal_the_queries(store):
    db, con = store
    held = RecordRows.load(con)
    facets = browse.facets(con)
    filters = ([Filters()] + [Filters(source=s) for s in facets["sources"]]
               + [Filters(q=w) for w in ("families", "Sylhet", "zz")]
               + [Filters(type=t) for t in facets["types"]]
               + [Filters(since=date(2023, 3, 7)), Filters(until=date(2023, 3, 7))])
    for f in filters:
        kept = None if f.empty else set(browse.article_ids(con, f))
        for page, size in ((1, 20), (1, 2), (2, 2), (9, 2)):
            assert held.search(kept, f.q, page, size) == browse.search(con, f, page, size), f
    # and the web's search page says the same
    client = make_client(db, warm=False)
    got = client.get("/api/search?source=River%20Post&size=2").json()["results"]
    want = browse.search(con, Filters(source="River Post"), 1, 2)
    assert got["total"] == want["total"] and [a["id"] for a in got["articles"]] == [
        a["id"] for a in want["articles"]]


def test_every_event_page_equals_the_queries(store):
    _, con = store
    held = RecordRows.load(con)
    keys = con.execute("SELECT article_id, id FROM events").fetchall()
    assert len(keys) >= 5
    others = 0
    for article_id, event_id in keys:
        want = browse.event(con, article_id, event_id)
        assert held.event(article_id, event_id) == want, (article_id, event_id)
        others += len(want["same_event"]) + len(want["near_duplicates"]) + len(want["copies"])
    assert others >= 3, "events reported elsewhere: same event, copies, near-duplicates"
    assert held.event(keys[0][0], "no-such-event") is None


def test_every_place_page_equals_the_queries(store):
    _, con = store
    held = RecordRows.load(con)
    places = [r[0] for r in con.execute(
        "SELECT DISTINCT geonameid FROM places WHERE geonameid IS NOT NULL").fetchall()]
    facets = browse.facets(con)
    filters = ([Filters()] + [Filters(source=s) for s in facets["sources"]]
               + [Filters(type=t) for t in facets["types"]]
               + [Filters(modality=m) for m in facets["modalities"]]
               + [Filters(q="Sylhet"), Filters(since=date(2023, 3, 8))])
    seen = {"events": 0, "claims": 0, "articles": 0}
    for f in filters:
        kept = None if f.empty else set(browse.article_ids(con, f))
        plain = f.without("type", "modality")
        for_events = None if plain.empty else set(browse.article_ids(con, plain))
        for geonameid in places:
            want = browse.place(con, geonameid, f)
            assert held.place(geonameid, f, kept, for_events) == want, (geonameid, f)
            for k in seen:
                seen[k] += len(want[k])
    assert all(seen.values()), seen
    assert held.place(999_999_999, Filters(), None, None) is None


def test_every_actor_page_equals_the_queries(store):
    _, con = store
    held = RecordRows.load(con)
    names = [r[0] for r in con.execute("SELECT DISTINCT name FROM entities").fetchall()]
    facets = browse.facets(con)
    filters = ([Filters()] + [Filters(source=s) for s in facets["sources"]]
               + [Filters(type=t) for t in facets["types"]] + [Filters(q="Sylhet")])
    seen = {"variants": 0, "said": 0, "did": 0}
    for f in filters:
        kept = None if f.empty else set(browse.article_ids(con, f))
        for name in names + [n.upper() for n in names[:5]]:
            want = browse.entity(con, name, f)
            assert held.entity(name, kept) == want, (name, f)
            for k in seen:
                seen[k] += len(want[k]) if want else 0
    assert all(seen.values()), seen
    assert held.entity("no such actor", None) is None
