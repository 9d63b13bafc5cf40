"""`newsgraph ingest` and the query commands as a user meets them: bad files listed in `errors`,
resumable after SIGKILL, read-only SQL, claims across sources."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

BIN = Path(sys.executable).parent / "newsgraph"
ENV = {**os.environ, "COLUMNS": "200"}

STORIES = [
    ("2024-10-{:02d}".format(d),
     f"Report {d}\n\nAt least {1000 + 100 * d:,} soldiers crossed the border on Monday, "
     f"officials said on Wednesday. Residents of village number {d} said the army had "
     "arrived before dawn.\n")
    for d in range(1, 9)
]


def run_cli(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, env=ENV,
                          timeout=timeout)


def write_stories(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for day, text in STORIES:
        (folder / f"story-{day}.txt").write_text(text, encoding="utf-8")


def count(db: Path, query: str):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query).fetchall()


def test_bad_files_are_listed_in_errors_and_the_rest_is_stored(tmp_path):
    from test_corpus_readers import build_warc, pages

    folder = tmp_path / "in"
    write_stories(folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blob.bin").write_bytes(bytes(range(256)) * 40)
    build_warc(folder / "good.warc.gz", pages(2))
    build_warc(tmp_path / "whole.warc.gz", pages(5))
    data = (tmp_path / "whole.warc.gz").read_bytes()
    (folder / "cut.warc.gz").write_bytes(data[: int(len(data) * 0.6)])
    with open(folder / "huge.html", "wb") as f:  # 50 MB
        f.write(b"<html><body>" + b"<p>The army said it would stay in the town.</p>" * 1_100_000)
    db = tmp_path / "c.duckdb"
    proc = run_cli("ingest", str(folder), "--db", str(db), "--batch-size", "4", "--no-progress",
                   "--format", "json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["errors"] == 4
    stored = count(db, "SELECT count(*) FROM articles")[0][0]
    assert stored == summary["stored"] >= len(STORIES) + 2  # stories, good WARC
    assert summary["duplicates"] >= 1  # pages of the cut WARC read before the cut
    errors = {Path(w.split("#")[0]).name: m for w, m in
              count(db, "SELECT read_from, message FROM errors")}
    assert set(errors) == {"empty.txt", "blob.bin", "cut.warc.gz", "huge.html"}
    assert "too large" in errors["huge.html"] and "truncated" in errors["cut.warc.gz"]

    again = run_cli("ingest", str(folder), "--db", str(db), "--no-progress", "--format", "json")
    again_summary = json.loads(again.stdout)
    assert again_summary["stored"] == 0 and again_summary["skipped"] == summary["read"]
    assert count(db, "SELECT count(*) FROM articles")[0][0] == stored


KILLER = """
import sys, time
from newsgraph.corpus import ingest
def stop_after_first(summary):
    print("COMMITTED", summary.stored, flush=True)
    time.sleep(60)
ingest([sys.argv[1]], db=sys.argv[2], batch_size=2, progress=stop_after_first)
"""


def test_sigkill_mid_run_then_rerun_stores_everything_once(tmp_path):
    folder = tmp_path / "in"
    write_stories(folder)
    db = tmp_path / "k.duckdb"
    proc = subprocess.Popen([sys.executable, "-c", KILLER, str(folder), str(db)],
                            stdout=subprocess.PIPE, text=True, env=ENV)
    try:
        line = proc.stdout.readline()
        assert line.startswith("COMMITTED 2"), line
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert count(db, "SELECT count(*) FROM articles")[0][0] == 2
    assert count(db, "SELECT status FROM runs")[0][0] == "running"  # never finished
    done = run_cli("ingest", str(folder), "--db", str(db), "--no-progress", "--format", "json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["skipped"] == 2 and summary["stored"] == len(STORIES) - 2
    rows = count(db, "SELECT id, count(*) FROM articles GROUP BY id")
    assert len(rows) == len(STORIES) and all(n == 1 for _, n in rows)
    per_article = count(db, "SELECT count(DISTINCT article_id), count(*) FROM quantities")[0]
    assert per_article[0] == len(STORIES)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    write_stories(folder / "in")
    path = folder / "q.duckdb"
    proc = run_cli("ingest", str(folder / "in"), "--db", str(path), "--source", "Test Wire")
    assert proc.returncode == 0, proc.stderr
    assert "stored 8" in proc.stdout and "articles/s" in proc.stdout
    return path


def test_sql_command_formats_and_refuses_writes(db):
    out = run_cli("sql", "SELECT count(*) AS n FROM articles", "--db", str(db), "-f", "json")
    assert json.loads(out.stdout) == [{"n": 8}]
    out = run_cli("sql", "SELECT source, count(*) AS n FROM articles GROUP BY 1", "--db",
                  str(db), "-f", "csv")
    assert out.stdout.splitlines() == ["source,n", "Test Wire,8"]
    bad = run_cli("sql", "DELETE FROM articles", "--db", str(db))
    assert bad.returncode != 0 and "read-only" in bad.stderr and "Traceback" not in bad.stderr
    missing = run_cli("sql", "SELECT 1", "--db", str(db.parent / "nope.duckdb"))
    assert missing.returncode != 0 and "no such database" in missing.stderr


def test_claims_command(db):
    out = run_cli("claims", "--about", "soldier", "--db", str(db), "-f", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert len(data["claims"]) == len(STORIES)
    assert all(c["outlet"] == "Test Wire" and c["bounds"].startswith(">=") for c in data["claims"])
    assert max(e["low"] for e in data["estimates"]) == 1800  # "at least" bounds: the largest
    table = run_cli("claims", "--about", "soldiers", "--since", "2024-10-01", "--db", str(db))
    assert "Claims about" in table.stdout and "Estimates" in table.stdout
    bad = run_cli("claims", "--about", "soldiers", "--since", "last week", "--db", str(db))
    assert bad.returncode != 0 and "YYYY-MM-DD" in bad.stderr


def test_entities_and_events_commands(db):
    out = run_cli("entities", "--db", str(db), "-f", "json", "--limit", "3")
    rows = json.loads(out.stdout)
    assert 0 < len(rows) <= 3 and {"name", "type", "articles"} <= set(rows[0])
    out = run_cli("events", "--db", str(db), "-f", "csv", "--type", "assault")
    assert out.returncode == 0, out.stderr
