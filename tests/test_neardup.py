"""Near-duplicates: a wire story and a lightly edited copy of it share one cluster, and the
claims reconciliation counts the cluster once."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgraph.corpus import ingest, neardup, queries

WIRE = (
    "Ceasefire talks stall\n\n"
    "At least 2,000 soldiers crossed the northern border on Monday, two defence officials said "
    "on Tuesday, in the largest movement of troops in the region since the spring. The officials, "
    "who spoke on condition of anonymity, said the soldiers were moving heavy equipment towards "
    "the river valley and had set up field hospitals near three villages. Residents of the "
    "villages said convoys of trucks had passed through the night and that many families had "
    "left for the capital. The foreign ministry declined to comment on the reports. Talks on a "
    "ceasefire, which resumed last week after a pause of two months, were expected to continue "
    "on Thursday, but diplomats said little progress had been made and both sides accused each "
    "other of breaking earlier promises.\n")

# The same story as another outlet ran it: a new headline, a word changed, the last clause cut.
COPY = (
    "Troops mass at the border as talks stall\n\n"
    "At least 2,000 soldiers crossed the northern border on Monday, two defence officials said "
    "on Tuesday, in the largest movement of troops in the region since the spring. The officials, "
    "who spoke on condition of anonymity, said the soldiers were moving heavy equipment towards "
    "the river valley and had set up field hospitals near three villages. Residents of the "
    "villages said columns of trucks had passed through the night and that many families had "
    "left for the capital. The foreign ministry declined to comment on the reports. Talks on a "
    "ceasefire, which resumed last week after a pause of two months, were expected to continue "
    "on Thursday, but diplomats said little progress had been made.\n")

OTHER = (
    "Floods hit the south\n\n"
    "Heavy rain flooded dozens of towns in the south of the country over the weekend, and "
    "emergency services said about 500 rescue workers had been sent to help evacuate residents. The "
    "weather service warned that more storms were likely this week and asked farmers to move "
    "livestock to higher ground. Schools in the worst hit districts will stay closed until "
    "Wednesday, the education ministry said, while engineers inspect bridges and roads damaged "
    "by the water. Aid groups appealed for blankets, drinking water and medicine for families "
    "who had lost their homes.\n")


def test_signatures_estimate_jaccard():
    a, b, c = (neardup.signature(t) for t in (WIRE, COPY, OTHER))
    assert a and b and c and len(a) == neardup.NUM_PERM
    assert neardup.signature(WIRE) == a  # stable: the same text, the same signature
    grams_a, grams_b = neardup.shingles(WIRE), neardup.shingles(COPY)
    true = len(grams_a & grams_b) / len(grams_a | grams_b)
    assert abs(neardup.similarity(a, b) - true) < 0.15
    assert neardup.similarity(a, b) >= neardup.THRESHOLD
    assert neardup.similarity(a, c) < 0.2
    assert set(neardup.band_keys(a)) & set(neardup.band_keys(b))
    assert all(0 <= k < 2**63 for k in neardup.band_keys(a))


def test_short_texts_get_no_signature():
    assert neardup.signature("Two soldiers were killed on Monday, officials said.") is None


@pytest.fixture(scope="module")
def db(tmp_path_factory, pipeline) -> Path:
    folder = tmp_path_factory.mktemp("neardup")
    (folder / "a").mkdir()
    (folder / "b").mkdir()
    (folder / "a" / "wire-2024-05-07.txt").write_text(WIRE, encoding="utf-8")
    (folder / "a" / "floods-2024-05-07.txt").write_text(OTHER, encoding="utf-8")
    path = folder.parent / "neardup.duckdb"
    ingest([folder / "a"], db=path, pipeline=pipeline, source="Wire Service")
    # the copy arrives in a later run, from another outlet
    ingest([folder / "b"], db=path, pipeline=pipeline)  # empty folder: nothing
    (folder / "b" / "paper-2024-05-07.txt").write_text(COPY, encoding="utf-8")
    summary = ingest([folder / "b"], db=path, pipeline=pipeline, source="Daily Paper")
    assert summary.stored == 1 and summary.duplicates == 0  # not the same text: stored
    return path


def test_the_copy_joins_the_wire_story_cluster(db):
    rows = {r["source"] + ("/floods" if "Floods" in r["title"] else ""): r for r in queries.sql(
        db, "SELECT id, source, title, cluster_id FROM articles")}
    wire, copy, floods = rows["Wire Service"], rows["Daily Paper"], rows["Wire Service/floods"]
    assert wire["cluster_id"] == wire["id"] and copy["cluster_id"] == wire["id"]
    assert floods["cluster_id"] == floods["id"]
    (n,) = queries.sql(db, "SELECT count(*) AS n FROM minhash_bands")[0].values()
    assert n == 3 * neardup.BANDS


def test_copies_in_one_batch_cluster_too(tmp_path, pipeline):
    for name, text in (("a-2024-05-07.txt", WIRE), ("b-2024-05-07.txt", COPY)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    db = tmp_path / "one.duckdb"
    ingest([tmp_path], db=db, pipeline=pipeline)
    clusters = queries.sql(db, "SELECT DISTINCT cluster_id FROM articles")
    assert len(clusters) == 1


def test_reconciliation_counts_a_cluster_once(db):
    rows = queries.claims_about(db, "soldiers")
    figures = [r for r in rows if r["low"] == 2000]
    assert len(figures) == 2 and {r["outlet"] for r in figures} == {"Wire Service", "Daily Paper"}
    estimates = queries.reconcile(rows, "all")
    flags = sorted(r["flag"] for r in figures)
    assert flags == ["consistent", "copy"]
    counted = [e for e in estimates if e.low == 2000]
    assert counted and counted[0].copies == 1
    assert counted[0].outlets == ["Wire Service"]


def test_without_clusters_both_copies_would_vote(db):
    rows = [{**r, "cluster_id": None} for r in queries.claims_about(db, "soldiers")]
    queries.reconcile(rows, "all")
    assert sorted(r["flag"] for r in rows if r["low"] == 2000) == ["consistent", "consistent"]


def test_band_index_finds_what_a_scan_finds():
    # small MERGE_AT so that lookups cross the sorted array and the unsorted tail
    index = neardup.BandIndex()
    index.MERGE_AT = 7
    entries = {f"a{n}": [n % 5, 100 + n, 1000 + n % 3] for n in range(20)}
    for aid, keys in entries.items():
        index.add(aid, aid, keys)
    assert len(index) == 60
    for probe in ([0], [101, 1002], [5000], [3, 4, 119]):
        expected = {aid for aid, keys in entries.items() if set(keys) & set(probe)}
        assert index.candidates(probe) == expected
    # loaded from arrays (as a store loads it) it answers the same
    ids = sorted(entries)
    keys = [k for aid in ids for k in entries[aid]]
    owners = [n for n, aid in enumerate(ids) for _ in entries[aid]]
    loaded = neardup.BandIndex(ids, ids, keys, owners)
    assert loaded.candidates([0, 1002]) == index.candidates([0, 1002])


def test_a_rolled_back_batch_leaves_no_trace_in_the_index(tmp_path, pipeline):
    import dataclasses

    from newsgraph.corpus.store import Store

    wire = pipeline.analyze(WIRE, "2024-05-07")
    broken = pipeline.analyze(OTHER, "2024-05-07")
    broken.quantities = [dataclasses.replace(broken.quantities[0], start="not a number")]
    copy = pipeline.analyze(COPY, "2024-05-07")
    with Store(tmp_path / "r.duckdb") as store:
        run = store.start_run({})
        with pytest.raises(Exception):  # the wire story is in the index, then rolled back
            store.write_batch(run, [(wire, "a"), (broken, "b")], [], [])
        assert wire.article.id not in store.band_index().number
        store.write_batch(run, [(copy, "c")], [], [])
        (cluster,) = store.con.execute("SELECT cluster_id FROM articles").fetchone()
        assert cluster == copy.article.id  # not the id of the wire story that was never stored
        store.write_batch(run, [(wire, "a")], [], [])
        rows = dict(store.con.execute("SELECT id, cluster_id FROM articles").fetchall())
        assert rows[wire.article.id] == copy.article.id
