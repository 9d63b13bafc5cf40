"""Exports: query rows to CSV, JSON lines, Parquet and GeoJSON; the ACLED-like event table.
Checked against a real DuckDB store built by ingesting two small articles written for this test."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from newsgraph.corpus import export, ingest, queries

BIN = Path(sys.executable).parent / "newsgraph"

ARTICLES = {
    "strike-2024-03-05.txt":
        "Shelling kills civilians\n\nRussian forces shelled Kharkiv on Monday, killing 12 "
        "civilians and wounding 30 others, the regional governor said on Tuesday.\n\n"
        "Ukrainian troops attacked Russian positions near Donetsk, the Ukrainian military "
        "said.\n",
    "protest-2024-03-06.txt":
        "Protest in Tbilisi\n\nAbout 5,000 protesters marched in Tbilisi on Wednesday against "
        "the new law, police said.\n",
}


@pytest.fixture(scope="module")
def db(tmp_path_factory, pipeline) -> Path:
    folder = tmp_path_factory.mktemp("export-news")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    path = folder.parent / "export.duckdb"
    summary = ingest([folder], db=path, pipeline=pipeline, source="Test Post")
    assert summary.stored == 2
    return path


def test_format_comes_from_the_file_name():
    assert export.format_of("a/b.CSV") == "csv"
    assert export.format_of("x.ndjson") == "jsonl"
    assert export.format_of("x.parquet") == "parquet"
    with pytest.raises(export.ExportError, match="unknown export format"):
        export.format_of("x.xlsx")


def test_every_format_round_trips_the_event_rows(db, tmp_path):
    rows = queries.events(db, limit=None)
    assert rows
    assert export.export(rows, tmp_path / "e.csv") == len(rows)
    with open(tmp_path / "e.csv", encoding="utf-8") as f:
        back = list(csv.DictReader(f))
    assert [r["event_id"] for r in back] == [r["event_id"] for r in rows]

    export.export(rows, tmp_path / "e.jsonl")
    lines = (tmp_path / "e.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["sentence"] for x in lines] == [r["sentence"] for r in rows]

    export.export(rows, tmp_path / "e.parquet")
    with duckdb.connect() as con:
        cur = con.execute(f"SELECT * FROM read_parquet('{tmp_path / 'e.parquet'}')")
        types = {d[0]: str(d[1]) for d in cur.description}
        got = cur.fetchall()
    assert len(got) == len(rows)
    assert types["published"] == "DATE" and types["lat"] == "DOUBLE"
    assert got[0][list(types).index("published")] == rows[0]["published"]


def test_geojson_has_one_point_per_row_with_coordinates(db, tmp_path):
    rows = queries.events(db, limit=None)
    located = [r for r in rows if r["lat"] is not None]
    assert located, "the Tbilisi protest has a place with coordinates"
    n = export.export(rows, tmp_path / "e.geojson")
    data = json.loads((tmp_path / "e.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and n == len(located) == len(data["features"])
    first = data["features"][0]
    assert first["geometry"]["type"] == "Point"
    lon, lat = first["geometry"]["coordinates"]
    assert (lat, lon) == (located[0]["lat"], located[0]["lon"])
    assert "lat" not in first["properties"] and first["properties"]["sentence"]
    with pytest.raises(export.ExportError, match="lat/lon"):
        export.geojson([{"name": "no coordinates"}])


def test_places_for_maps(db):
    rows = queries.places(db)
    tbilisi = [r for r in rows if r["name"] == "Tbilisi"]
    assert tbilisi and tbilisi[0]["country"] == "GEO" and tbilisi[0]["articles"] == 1
    assert 41 < tbilisi[0]["lat"] < 42 and 44 < tbilisi[0]["lon"] < 45


def test_acled_table_one_row_per_event(db):
    rows = queries.acled(db)
    with duckdb.connect(str(db), read_only=True) as con:
        (n_events,) = con.execute("SELECT count(*) FROM events").fetchone()
        texts = dict(con.execute("SELECT id, text FROM articles").fetchall())
    assert len(rows) == n_events
    assert list(rows[0]) == queries.ACLED_COLUMNS
    for r in rows:
        assert r["notes"] in texts[r["article_id"]]  # the sentence, as in the article
        assert r["source"] == "Test Post" and r["event_date"] and r["time_precision"] in (1, 2, 3)
        assert r["event_id"].startswith(r["article_id"] + "/")
    (protest,) = [r for r in rows if r["event_type"] == "PROTEST"]
    assert protest["event_date"] == "2024-03-06" and protest["time_precision"] == 1
    assert protest["location"] == "Tbilisi" and protest["iso3"] == "GEO"
    assert protest["country"] == "Georgia" and protest["size"] == 5000
    assert protest["source_speaker"] == "police" and protest["cameo_root"] == "14"
    killed = [r for r in rows if r["fatalities"] == 12]
    assert killed and killed[0]["actor1"] == "Russian forces"
    assert killed[0]["actor1_country"] == "RUS" and killed[0]["actor1_sector"] == "MIL"
    assert killed[0]["injured"] == 30
    assert queries.acled(db, type="protest") == [protest]
    assert queries.acled(db, since="2024-03-06") == [protest]


def test_event_date_precision():
    assert queries.event_date({"time_value": "2024-03-04"}) == ("2024-03-04", 1)
    assert queries.event_date({"time_value": "2024-W10", "time_begin": "2024-03-04",
                               "time_until": "2024-03-11"}) == ("2024-03-04", 2)
    assert queries.event_date({"time_value": "2024-03"}) == ("2024-03-01", 3)
    assert queries.event_date({"time_value": None, "published": date(2024, 3, 6)}) == (
        "2024-03-06", 3)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "COLUMNS": "200"})


def test_cli_export_option_and_command(db, tmp_path):
    proc = cli("events", "--db", str(db), "--export", str(tmp_path / "ev.geojson"))
    assert proc.returncode == 0, proc.stderr
    assert "rows to" in proc.stderr and proc.stdout == ""
    assert json.loads((tmp_path / "ev.geojson").read_text())["features"]

    proc = cli("sql", "SELECT id, published, title FROM articles ORDER BY id", "--db", str(db),
               "--export", str(tmp_path / "a.parquet"))
    assert proc.returncode == 0, proc.stderr
    with duckdb.connect() as con:
        assert con.execute(f"SELECT count(*) FROM '{tmp_path / 'a.parquet'}'").fetchone()[0] == 2

    proc = cli("claims", "--about", "civilians", "--db", str(db), "--export",
               str(tmp_path / "c.jsonl"))
    assert proc.returncode == 0, proc.stderr
    claims = [json.loads(x) for x in (tmp_path / "c.jsonl").read_text().splitlines()]
    assert claims and all("flag" in c and "bounds" in c for c in claims)

    proc = cli("export", "acled", "--db", str(db), "--out", str(tmp_path / "acled.csv"))
    assert proc.returncode == 0, proc.stderr
    with open(tmp_path / "acled.csv", encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert table and list(table[0]) == queries.ACLED_COLUMNS

    proc = cli("export", "places", "--db", str(db), "--out", str(tmp_path / "p.geojson"))
    assert proc.returncode == 0, proc.stderr
    names = [f["properties"]["name"] for f in
             json.loads((tmp_path / "p.geojson").read_text())["features"]]
    assert "Tbilisi" in names

    proc = cli("entities", "--db", str(db), "--export", str(tmp_path / "e.xlsx"))
    assert proc.returncode == 1 and "unknown export format" in proc.stderr
