"""The record rows held in memory give every article the record and extras that the queries
give (store.read_record, browse.article_extras), and the web's article pages use them."""

from __future__ import annotations

import pytest

from test_web import ARTICLES, build_corpus, make_client

from newsgraph.corpus import browse, ingest
from newsgraph.corpus.record_rows import RecordRows
from newsgraph.corpus.store import connect, read_record

WIRE = ("Floods cut the coast road\n\nHeavy rain flooded the coast road north of the port on "
        "Thursday, cutting off three villages and forcing about 400 families from their homes, "
        "the regional emergency service said. Rescue teams in boats reached the villages in the "
        "afternoon and moved older residents to a school on higher ground, where volunteers "
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
