"""Speed and size of the corpus layer: ingest, Spark, memory as the corpus grows, the store.

    python benchmarks/bench_corpus.py --data ../shared/data/news --out benchmarks/results/bench-corpus.md
        [--sizes 250,500,1000,2000] [--store-sizes 10000,50000,100000] [--ratio-articles 300]
        [--spark-articles 200] [--fakes-db FILE] [--skip spark,fakes,...]

Sections (each measured in a fresh child process, so its peak RSS is its own):

1. ``ratio``: ingest throughput over ``analyze_batch`` throughput on the same texts (the same
   loaded pipeline; ingest also reads the JSONL, hashes, clusters and writes DuckDB). Target >= 0.90.
2. ``spark``: ``newsgraph spark`` in ``local[2]`` against one ``ingest`` process, same input
   files (model loading, and for Spark the JVM, included in both wall times).
3. ``curve``: the FULL PIPELINE (read, analyse, store) on a generated corpus of growing size:
   real articles (FA-KES, BBC) with a changed date, outlet and one appended sentence, so no two
   are exact duplicates. Seconds, articles/s, peak RSS, database size per 1,000 articles.
4. ``store``: the STORE LAYER ALONE, at sizes the full pipeline cannot reach here (100,000
   articles would take hours of parsing on two cores): the records analysed in step 3 are
   re-identified (new text by one appended sentence, so a new id; new date and outlet) and
   written in batches of 32, as ingest writes them, with RSS and database size at each size;
   then the ``claims --about`` query on the largest database (median of 7 runs). Every copy of
   a base article is a near-duplicate of it, so the near-duplicate lookup works harder here
   than on real wire copies.
5. ``fakes``: FA-KES casualty incidents (``claims --by incident``) against the dataset's own
   per-article date and location: pairwise precision and recall of the grouping.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import multiprocessing as mp
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

OUTLETS = [f"outlet-{i:02d}" for i in range(1, 21)]
QUERY_RUNS = 7
SAMPLE_EVERY = 250  # articles between RSS samples in a full-pipeline run
QUERY_LIMIT = 5000  # what the web app reads for one comparison (web.app.CLAIMS_MAX)


# --- the texts ---------------------------------------------------------------------------------

def real_articles(data: Path) -> list[dict]:
    """FA-KES rows and BBC files, interleaved (text, published, source, title)."""
    csv.field_size_limit(10_000_000)
    fakes = []
    for path in sorted(data.rglob("fa-kes/*.csv")):
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
            for row in csv.DictReader(f):
                text = (row.get("article_content") or "").strip()
                if text:
                    month, day, year = (int(x) for x in row["date"].split("/"))
                    fakes.append({"text": text, "published": date(year, month, day).isoformat(),
                                  "source": row.get("source"), "title": row.get("article_title")})
    bbc = []
    for path in sorted(data.rglob("bbc*/**/*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace").strip()
        if text:
            bbc.append({"text": text, "published": "2005-01-01", "source": "bbc",
                        "title": text.splitlines()[0][:200]})
    mixed = []
    for i in range(max(len(fakes), len(bbc))):
        mixed += fakes[i:i + 1] + bbc[i:i + 1]
    return mixed


def variant(base: dict, n: int) -> dict:
    """The n-th generated article: a real one with a changed date and outlet and one appended
    sentence (so its text, hence its id, is new)."""
    day = date.fromisoformat(base["published"]) + timedelta(days=(n * 7) % 365)
    return {"text": f"{base['text']}\n\nThis report was revised as edition {n}.",
            "published": day.isoformat(), "source": OUTLETS[n % len(OUTLETS)],
            "title": base.get("title")}


def generated(data: Path, n: int) -> list[dict]:
    real = real_articles(data)
    return [variant(real[i % len(real)], i) for i in range(n)]


def write_jsonl(rows: list[dict], path: Path) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def words(rows: list[dict]) -> int:
    return sum(len(r["text"].split()) for r in rows)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def in_child(target, *args):
    """Run target(*args, queue) in a fresh process and return what it put on the queue."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


# --- 1. ingest / analyze ------------------------------------------------------------------------

def _ratio_child(rows: list[dict], workdir: str, rounds: int, queue) -> None:
    from newsgraph.corpus import ingest
    from newsgraph.pipeline import Document, default_pipeline

    pipeline = default_pipeline(None)
    pipeline.analyze("Warm up the pipeline once, on Monday, in Kyiv.", "2024-01-01")
    jsonl = write_jsonl(rows, Path(workdir) / "ratio.jsonl")
    analyze_s, ingest_s = [], []
    for r in range(rounds):
        docs = [Document(x["text"], x["published"], title=x["title"], source=x["source"])
                for x in rows]
        t0 = time.perf_counter()
        for _result in pipeline.analyze_batch(docs):
            pass
        analyze_s.append(time.perf_counter() - t0)
        db = Path(workdir) / f"ratio-{r}.duckdb"
        t0 = time.perf_counter()
        summary = ingest([jsonl], db=db, pipeline=pipeline)
        ingest_s.append(time.perf_counter() - t0)
        assert summary.stored == len(rows), summary
    queue.put({"analyze_s": min(analyze_s), "ingest_s": min(ingest_s), "rounds": rounds})


# --- 2. Spark ---------------------------------------------------------------------------------------

def _spark_child(files: list[str], out: str, queue) -> None:
    from newsgraph.corpus import spark

    t0 = time.perf_counter()
    summary = spark.run(files, out, master="local[2]")
    queue.put({"seconds": time.perf_counter() - t0, "articles": summary.articles,
               "peak_mb": peak_mb()})


def _ingest_child(files: list[str], db: str, queue) -> None:
    from newsgraph.corpus import ingest

    samples: list[dict] = []  # RSS while the store is open, after every SAMPLE_EVERY articles

    def sample(summary) -> None:
        if summary.stored >= (len(samples) + 1) * SAMPLE_EVERY:
            samples.append({"articles": summary.stored, "rss_mb": rss_mb(),
                            "peak_mb": peak_mb(), "seconds": summary.seconds})

    t0 = time.perf_counter()
    summary = ingest(files, db=db, progress=sample)
    seconds = time.perf_counter() - t0
    queue.put({"seconds": seconds, "articles": summary.stored, "peak_mb": peak_mb(),
               "end_mb": rss_mb(), "db_bytes": Path(db).stat().st_size, "samples": samples})


# --- 4. the store alone -------------------------------------------------------------------------------

def _store_child(base_db: str, db: str, sizes: list[int], queue) -> None:
    import duckdb

    from newsgraph.corpus import queries
    from newsgraph.corpus.store import Store, read_record
    from newsgraph.record import text_id

    con = duckdb.connect(base_db, read_only=True)
    ids = [r[0] for r in con.execute("SELECT id FROM articles ORDER BY rowid").fetchall()]
    bases = [read_record(con, i) for i in ids]
    con.close()
    base_mb = rss_mb()
    points = []
    written = 0
    t0 = time.perf_counter()
    with Store(db) as store:
        run_id = store.start_run({"bench": "store-only"})
        for size in sorted(sizes):
            while written < size:
                batch = []
                for n in range(written, min(written + 32, size)):
                    base = bases[n % len(bases)]
                    text = f"{base.article.text}\n\nThis report was revised as edition {n}."
                    published = date.fromisoformat(str(base.article.published or "2020-01-01")
                                                   [:10]) + timedelta(days=(n * 7) % 365)
                    article = dataclasses.replace(base.article, id=text_id(text), text=text,
                                                  published=published.isoformat(),
                                                  source=OUTLETS[n % len(OUTLETS)])
                    batch.append((dataclasses.replace(base, article=article), f"gen:{n}"))
                store.write_batch(run_id, batch, [], [])
                written += len(batch)
            store.con.execute("CHECKPOINT")
            duck = store.con.execute(
                "SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()[0] or 0
            points.append({"articles": size, "seconds": time.perf_counter() - t0,
                           "rss_mb": rss_mb(), "peak_mb": peak_mb(), "duckdb_mb": duck / 2**20,
                           "db_bytes": Path(db).stat().st_size})
        settings = store.con.execute("SELECT current_setting('memory_limit'), "
                                     "current_setting('threads')").fetchone()
        store.finish_run(run_id, {"stored": written})
    timings = {}
    for about in ("troops", "civilians", "killed", "North Korean troops"):
        runs, n = [], 0
        for _ in range(QUERY_RUNS):
            t = time.perf_counter()
            n = len(queries.claims_about(db, about))
            runs.append(time.perf_counter() - t)
        limited = []
        for _ in range(QUERY_RUNS):
            t = time.perf_counter()
            queries.claims_about(db, about, limit=QUERY_LIMIT)
            limited.append(time.perf_counter() - t)
        timings[about] = {"median_ms": 1000 * statistics.median(runs),
                          "min_ms": 1000 * min(runs), "max_ms": 1000 * max(runs), "rows": n,
                          "limited_median_ms": 1000 * statistics.median(limited)}
    queue.put({"bases": len(bases), "base_rss_mb": base_mb, "points": points,
               "query": timings, "memory_limit": settings[0], "threads": settings[1]})


# --- 5. FA-KES incidents -----------------------------------------------------------------------------

def fakes_gold(data: Path) -> dict[str, tuple[str, str]]:
    """Article id -> (date, location) as the FA-KES annotators gave them."""
    from newsgraph.corpus.readers import ReadOptions, read_csv
    from newsgraph.record import text_id

    path = next(data.rglob("fa-kes/*.csv"))
    docs = list(read_csv(path, ReadOptions()))
    csv.field_size_limit(10_000_000)
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(docs) == len(rows), "the reader and csv disagree on rows"
    return {text_id(d.text): (r["date"], r["location"].strip().lower())
            for d, r in zip(docs, rows)}


def fakes_eval(db: str, data: Path) -> dict:
    from newsgraph.corpus import incidents

    gold = fakes_gold(data)
    figures = incidents.casualty_figures(db, "killed")
    out = {"figures": len(figures), "windows": {}}
    for window in (0, 1, 2):
        rows = [dict(f) for f in figures]
        found = incidents.group_incidents(rows, window)
        by_article: dict[str, Counter] = defaultdict(Counter)
        for f in rows:
            if f["incident"]:
                by_article[f["article_id"]][f["incident"]] += 1
        predicted = {a: c.most_common(1)[0][0] for a, c in by_article.items()}
        score = incidents.pairwise(predicted, gold)
        score.update(incidents=len(found),
                     multi_outlet=sum(len(i.outlets) > 1 for i in found),
                     conflicts=sum(i.conflict for i in found))
        out["windows"][window] = score
        if window == 0:
            out["flags"] = dict(Counter(f["flag"] for f in rows).most_common())
    out["baseline_same_date"] = incidents.pairwise(
        {a: gold[a][0] for a in predicted if a in gold}, gold)
    return out


# --- the report ---------------------------------------------------------------------------------------

def mb(n: float) -> str:
    return f"{n:,.0f} MB"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data/news"))
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/bench-corpus.md"))
    ap.add_argument("--sizes", default="250,500,1000,2000",
                    help="full-pipeline curve sizes (articles)")
    ap.add_argument("--store-sizes", default="10000,50000,100000",
                    help="store-only sizes (articles)")
    ap.add_argument("--ratio-articles", type=int, default=300)
    ap.add_argument("--spark-articles", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--fakes-db", help="an ingested FA-KES database to reuse (else ingested)")
    ap.add_argument("--skip", default="", help="comma list of: ratio,spark,curve,store,fakes")
    ap.add_argument("--keep", type=Path, help="a JSON an earlier run saved: the sections "
                    "skipped now are taken from it (and marked so in the report)")
    ap.add_argument("--workdir", type=Path, default=None, help="keep the databases here")
    ap.add_argument("--from-json", type=Path, help="only write the report from the figures a "
                    "run saved (OUT with .json)")
    args = ap.parse_args(argv)
    if args.from_json:
        results = json.loads(args.from_json.read_text())
        results.get("fakes", {})["windows"] = {int(k): v for k, v in
                                               results.get("fakes", {}).get("windows", {}).items()}
        args.out.write_text(report(results, args), encoding="utf-8")
        return 0
    skip = set(filter(None, args.skip.split(",")))
    sizes = sorted(int(s) for s in args.sizes.split(",") if s)
    store_sizes = sorted(int(s) for s in args.store_sizes.split(",") if s)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-corpus-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict = {}
    log = lambda *a: print(*a, file=sys.stderr, flush=True)  # noqa: E731

    corpus = generated(args.data, max(sizes + [args.ratio_articles, args.spark_articles]))
    if "ratio" not in skip:
        rows = corpus[: args.ratio_articles]
        log(f"ratio: {len(rows)} articles, {args.rounds} rounds")
        results["ratio"] = in_child(_ratio_child, rows, str(work), args.rounds)
        results["ratio"].update(articles=len(rows), words=words(rows))
        log(results["ratio"])
    if "spark" not in skip:
        rows = corpus[: args.spark_articles]
        folder = work / "spark-in"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        files = [str(write_jsonl(rows[i::4], folder / f"part-{i}.jsonl")) for i in range(4)]
        log(f"spark: {len(rows)} articles in 4 files")
        results["spark"] = {"local": in_child(_ingest_child, files, str(work / "spark-local.duckdb")),
                            "spark": in_child(_spark_child, files, str(work / "spark-out")),
                            "articles": len(rows)}
        log(results["spark"])
    if "curve" not in skip:
        results["curve"] = []
        for n in sizes:
            jsonl = write_jsonl(corpus[:n], work / f"curve-{n}.jsonl")
            db = work / f"curve-{n}.duckdb"
            db.unlink(missing_ok=True)
            log(f"curve: {n} articles")
            r = in_child(_ingest_child, [str(jsonl)], str(db))
            r.update(size=n, words=words(corpus[:n]))
            results["curve"].append(r)
            log(r)
    if "store" not in skip and store_sizes:
        base = work / f"curve-{sizes[-1]}.duckdb"
        if not base.exists():
            base = Path(args.fakes_db) if args.fakes_db else base
        db = work / "store.duckdb"
        db.unlink(missing_ok=True)
        log(f"store: {store_sizes} from {base}")
        results["store"] = in_child(_store_child, str(base), str(db), store_sizes)
        log(results["store"])
    if "fakes" not in skip:
        db = args.fakes_db
        if not db:
            from newsgraph.corpus import ingest

            db = str(work / "fakes.duckdb")
            log("fakes: ingesting FA-KES")
            ingest([next(args.data.rglob("fa-kes/*.csv"))], db=db)
        results["fakes"] = fakes_eval(db, args.data)
        log(json.dumps(results["fakes"], indent=1))
    if args.keep:
        earlier = json.loads(args.keep.read_text())
        kept = [k for k in ("ratio", "spark", "curve", "store", "fakes")
                if k in skip and k in earlier]
        for k in kept:
            results[k] = earlier[k]
        if "fakes" in kept:
            results["fakes"]["windows"] = {int(k): v for k, v in
                                           results["fakes"]["windows"].items()}
        results["kept"] = kept
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report(results, args), encoding="utf-8")
    (args.out.with_suffix(".json")).write_text(json.dumps(results, indent=1, default=str))
    log(f"wrote {args.out}")
    return 0


def report(results: dict, args) -> str:
    import duckdb

    lines = ["# Corpus benchmark", "",
             f"`python benchmarks/bench_corpus.py --sizes {args.sizes} --store-sizes "
             f"{args.store_sizes}"
             + (f" --skip {args.skip}" if getattr(args, "skip", "") else "")
             + (f" --keep {args.keep}" if getattr(args, "keep", None) else "")
             + f"` on {platform.node() or 'this machine'}: "
             f"{os.cpu_count()} cores, Python {platform.python_version()}, DuckDB "
             f"{duckdb.__version__}, {date.today().isoformat()}. Two cores shared with other "
             "work: times are indicative.", ""]
    if results.get("kept"):
        lines += ["Sections kept from an earlier run (not measured again): "
                  + ", ".join(results["kept"]) + ".", ""]
    if "ratio" in results:
        r = results["ratio"]
        a, i = r["articles"] / r["analyze_s"], r["articles"] / r["ingest_s"]
        lines += ["## Ingest against analyze (full pipeline)", "",
                  f"{r['articles']} generated articles ({r['words']:,} words), best of "
                  f"{r['rounds']} rounds, the same loaded pipeline.", "",
                  "| | seconds | articles/s | words/s |", "| --- | --- | --- | --- |",
                  f"| analyze_batch | {r['analyze_s']:.1f} | {a:.1f} | {r['words'] / r['analyze_s']:,.0f} |",
                  f"| ingest (read JSONL, hash, analyse, cluster, write DuckDB) | {r['ingest_s']:.1f} "
                  f"| {i:.1f} | {r['words'] / r['ingest_s']:,.0f} |", "",
                  f"**Ratio ingest / analyze: {i / a:.3f}** (target >= 0.90).", ""]
    if "spark" in results:
        s = results["spark"]
        loc, sp = s["local"], s["spark"]
        lines += ["## Spark local[2] against one process (full pipeline)", "",
                  f"{s['articles']} generated articles in 4 JSONL files; wall time including model "
                  "loading (and for Spark the JVM and one model per Python worker).", "",
                  "| runner | seconds | articles/s | peak RSS (driver/process) |",
                  "| --- | --- | --- | --- |",
                  f"| ingest, one process | {loc['seconds']:.1f} | {loc['articles'] / loc['seconds']:.1f} "
                  f"| {mb(loc['peak_mb'])} |",
                  f"| spark local[2] | {sp['seconds']:.1f} | {sp['articles'] / sp['seconds']:.1f} "
                  f"| {mb(sp['peak_mb'])} (workers not included) |", "",
                  f"Spark / one process: {loc['seconds'] / sp['seconds']:.2f}x the speed. On two "
                  "cores shared with other jobs Spark cannot gain much; its worth is the same job "
                  "on a cluster.", ""]
    if "curve" in results:
        lines += ["## Memory as the corpus grows (full pipeline: read, analyse, store)", "",
                  "Generated corpus: real FA-KES and BBC articles, each with a changed date and "
                  "outlet and one appended sentence. One fresh process per size.", "",
                  "| articles | words | seconds | articles/s | peak RSS | RSS at the end | database | per 1,000 articles |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for r in results["curve"]:
            end = mb(r["end_mb"]) if "end_mb" in r else "-"
            lines.append(f"| {r['size']:,} | {r['words']:,} | {r['seconds']:.0f} | "
                         f"{r['articles'] / r['seconds']:.1f} | {mb(r['peak_mb'])} | {end} | "
                         f"{r['db_bytes'] / 2**20:,.1f} MB | "
                         f"{r['db_bytes'] / 2**20 / r['size'] * 1000:,.1f} MB |")
        lines.append("")
        longest = max(results["curve"], key=lambda r: r["size"])
        if longest.get("samples"):
            lines += [f"RSS during the {longest['size']:,}-article run (full pipeline, the store "
                      "open), read after each batch that passes another "
                      f"{SAMPLE_EVERY} articles; the peak so far beside it:", "",
                      "| articles | RSS now | peak so far | seconds |", "| --- | --- | --- | --- |"]
            for p in longest["samples"]:
                lines.append(f"| {p['articles']:,} | {mb(p['rss_mb'])} | {mb(p['peak_mb'])} | "
                             f"{p['seconds']:.0f} |")
            lines.append("")
    if "store" in results:
        st = results["store"]
        lines += ["## The store alone, at sizes the full pipeline cannot reach here (store-only: NOT the "
                  "full pipeline)", "",
                  f"{st['bases']:,} records analysed above, re-identified (one appended sentence, "
                  "new date and outlet) and written as ingest writes them (batches of 32, one "
                  "transaction each, MinHash near-duplicate lookup included). Each base text "
                  "recurs, so every copy joins a near-duplicate cluster. "
                  f"RSS after loading the base records (held for the whole run): "
                  f"{mb(st['base_rss_mb'])}. DuckDB memory_limit {st.get('memory_limit', '?')}, "
                  f"threads {st.get('threads', '?')} (the store's write settings).", "",
                  "| articles | seconds (cumulative) | RSS now | peak RSS | DuckDB's own | database | per 1,000 articles |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for p in st["points"]:
            duck = mb(p["duckdb_mb"]) if "duckdb_mb" in p else "-"
            lines.append(f"| {p['articles']:,} | {p['seconds']:.0f} | {mb(p['rss_mb'])} | "
                         f"{mb(p['peak_mb'])} | {duck} | {p['db_bytes'] / 2**20:,.0f} MB | "
                         f"{p['db_bytes'] / 2**20 / p['articles'] * 1000:,.1f} MB |")
        last = st["points"][-1]["articles"] if st["points"] else 0
        lines += ["", f"`claims --about` on the {last:,}-article database "
                  f"(store-only; `queries.claims_about`, all rows fetched into Python; "
                  f"{QUERY_RUNS} runs; target < 200 ms):", "",
                  "| about | rows | median | fastest | slowest | median with LIMIT "
                  f"{QUERY_LIMIT:,} |", "| --- | --- | --- | --- | --- | --- |"]
        for about, t in st["query"].items():
            spread = (f"{t['min_ms']:,.0f} ms | {t['max_ms']:,.0f} ms" if "min_ms" in t
                      else "- | -")
            lim = (f"{t['limited_median_ms']:,.0f} ms" if "limited_median_ms" in t else "-")
            lines.append(f"| {about} | {t['rows']:,} | {t['median_ms']:,.0f} ms | {spread} | {lim} |")
        lines.append("")
    if "fakes" in results:
        f = results["fakes"]
        lines += ["## FA-KES: casualty incidents across outlets", "",
                  "`newsgraph claims --about killed --by incident`: casualty figures grouped by "
                  "place (first-level division, towns nesting in it) and date. Weak gold: the "
                  "dataset's per-article date and governorate (same date and same governorate = "
                  "same incident: two raids in one governorate on one day are one gold "
                  "incident, so telling them apart costs recall here). The CSV's date is also "
                  "read as the article's publication date, so the date half of the grouping is not independent of the gold; the place "
                  "half is. Pairs over articles with at least one grouped figure "
                  "(each article's incident: the one most of its figures are in).", "",
                  "| window (days) | articles | incidents | with 2+ outlets | with conflicts between outlets | pairs predicted | gold pairs | P | R | F1 |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for w, s in f["windows"].items():
            lines.append(f"| {w} | {s['items']} | {s['incidents']} | {s['multi_outlet']} | "
                         f"{s['conflicts']} | {s['predicted_pairs']} | {s['gold_pairs']} | "
                         f"{s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} |")
        b = f["baseline_same_date"]
        lines += ["", f"Baseline, the article's date alone (no place): P {b['precision']:.3f}, "
                  f"R {b['recall']:.3f}, F1 {b['f1']:.3f}.", "",
                  f"Figures ({f['figures']:,}) by flag at window 0: "
                  + ", ".join(f"{k or 'none'} {v:,}" for k, v in f["flags"].items()) + ".", ""]
    if results.get("notes"):
        lines += ["## Notes", ""] + [f"- {n}" for n in results["notes"]] + [""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
