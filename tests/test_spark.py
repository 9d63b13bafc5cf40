"""`newsgraph spark` in local[2] mode writes the same records as `ingest` for the same input,
as Parquet in the store's schema that the query commands read with --db FOLDER."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'newsgraph[spark]')")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Spark needs Java (no java on PATH, no JAVA_HOME)", allow_module_level=True)

from newsgraph.corpus import ingest, queries  # noqa: E402
from newsgraph.corpus import spark as spark_runner  # noqa: E402
from newsgraph.corpus.store import OTHER_TABLES, TABLES, connect  # noqa: E402

ARTICLES = {
    "strike-2024-03-05.txt":
        "Shelling kills civilians\n\nRussian forces shelled Kharkiv on Monday, killing 12 "
        "civilians and wounding 30 others, the regional governor said on Tuesday.\n",
    "protest-2024-03-06.txt":
        "Protest in Tbilisi\n\nAbout 5,000 protesters marched in Tbilisi on Wednesday against "
        "the new law, police said.\n",
    # a wire story and another outlet's lightly edited copy, in two files (two tasks)
    "wire-2024-03-07.txt":
        "Floods cut the coast road\n\nHeavy rain flooded the coast road north of the port on "
        "Thursday, cutting off three villages and forcing about 400 families from their homes, "
        "the regional emergency service said. Rescue teams in boats reached the villages in the "
        "afternoon and moved older residents to a school on higher ground, where volunteers "
        "handed out blankets and food. The service said the water was expected to fall "
        "slowly over the weekend, but warned drivers to stay off the road until engineers had "
        "checked the two bridges.\n",
    "wire-copy-2024-03-07.txt":
        "Floods cut off villages\n\nHeavy rain flooded the coast road north of the port on "
        "Thursday, cutting off three villages and forcing about 400 families from their homes, "
        "the regional emergency service said. Rescue teams in boats reached the villages in the "
        "afternoon and moved older residents to a school on higher ground, where volunteers "
        "handed out blankets and food. The service said the water was expected to fall "
        "slowly over the weekend, but warned drivers to stay off the road until engineers had "
        "checked both bridges.\n",
    "notes.jsonl":
        '{"text": "At least 300 soldiers arrived in the port city on Friday, the navy said.", '
        '"published": "2024-03-08", "source": "Harbour News"}\n'
        '{"text": ""}\n',
}
RUN_COLUMNS = {"run_id", "ingested", "time"}


@pytest.fixture(scope="module")
def built(tmp_path_factory, pipeline):
    folder = tmp_path_factory.mktemp("spark-in")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = folder.parent / "ingest.duckdb"
    ingest([folder], db=db, pipeline=pipeline, source="Test Post")
    out = folder.parent / "spark-out"
    os.environ["PYSPARK_PYTHON"] = sys.executable
    summary = spark_runner.run([folder], out, master="local[2]", source="Test Post")
    return db, out, summary


def rows(db: Path, table: str) -> list[tuple]:
    cols = [c.name for c in {**TABLES, **OTHER_TABLES}[table] if c.name not in RUN_COLUMNS]
    names = ", ".join(f'"{c}"' for c in cols)
    con = connect(db, read_only=True)
    try:
        found = con.execute(f'SELECT {names} FROM "{table}"').fetchall()
    finally:
        con.close()
    return sorted(found, key=repr)


def test_one_task_per_file_and_a_summary(built):
    _, out, summary = built
    assert summary.files == 5 and summary.articles == 5 and summary.errors == 1
    assert (out / "articles").is_dir() and list((out / "claims").glob("*.parquet"))


def test_same_records_as_ingest(built):
    db, out, _ = built
    for table in list(TABLES) + ["minhashes", "minhash_bands", "errors"]:
        assert rows(out, table) == rows(db, table), table
    assert rows(out, "events"), "the input has events to compare"


def test_near_duplicates_linked_across_files_as_ingest_links_them(built):
    db, out, _ = built
    query = ("SELECT title, id, cluster_id FROM articles WHERE title LIKE 'Floods%' "
             "ORDER BY title DESC")
    for where in (db, out):
        first, copy = queries.sql(where, query)
        assert first["title"] == "Floods cut the coast road"
        assert first["cluster_id"] == first["id"] and copy["cluster_id"] == first["id"]


def test_queries_read_the_parquet_folder(built):
    db, out, _ = built
    assert queries.acled(out) == queries.acled(db)
    assert queries.sql(out, "SELECT count(*) AS n FROM articles") == [{"n": 5}]
    (row,) = queries.sql(out, "SELECT published, cluster_id, id FROM articles "
                              "WHERE source = 'Harbour News'")
    assert str(row["published"]) == "2024-03-08" and row["cluster_id"] == row["id"]
    with pytest.raises(queries.QueryError):
        queries.sql(out, "DROP VIEW articles")


def test_article_records_read_from_the_parquet_folder(built):
    # a view over Parquet has no rowid: the record is read in file order, as written
    from newsgraph.corpus import browse
    from newsgraph.corpus.record_rows import RecordRows
    from newsgraph.corpus.store import read_record

    db, out = connect(built[0], read_only=True), connect(built[1], read_only=True)
    try:
        held = RecordRows.load(out)
        ids = [r[0] for r in db.execute("SELECT id FROM articles").fetchall()]
        for article_id in ids:
            want = read_record(db, article_id).to_dict()
            assert read_record(out, article_id).to_dict() == want
            assert held.read_record(article_id).to_dict() == want
            assert held.article_extras(article_id) == browse.article_extras(out, article_id)
        assert any(held.article_extras(i)["near_duplicates"] for i in ids)
    finally:
        db.close(), out.close()
