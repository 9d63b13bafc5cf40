"""Throughput of newsgraph analyze beside bare spaCy parsing of the same texts, in one run.

    python benchmarks/bench_analyze.py --data ../shared/data/news [--limit N] [--rounds 2]

Reads FA-KES (CSV) and BBC (text files) articles, then times, in alternating rounds, bare
``spacy.load(model).pipe(texts)`` and newsgraph's ``analyze_batch`` over the same texts. Each
system runs in a fresh child process so its peak memory is its own. Reports articles/s, words/s,
the ratio newsgraph / spaCy (target >= 0.85) and peak RSS, and writes a Markdown table.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing as mp
import platform
import resource
import sys
import time
from datetime import date
from pathlib import Path


def load_articles(data: Path, limit: int | None) -> list[tuple[str, str | None]]:
    """(text, published) pairs: FA-KES rows and BBC files, interleaved so any prefix mixes both."""
    fakes: list[tuple[str, str | None]] = []
    csv.field_size_limit(10_000_000)
    for path in sorted(data.rglob("*.csv")):
        with open(path, encoding="utf-8", errors="replace", newline="") as f:
            for row in csv.DictReader(f):
                text = (row.get("article_content") or "").strip()
                if text:
                    fakes.append((text, None))
    bbc: list[tuple[str, str | None]] = []
    for path in sorted(data.rglob("bbc/*/*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace").strip()
        if text:
            bbc.append((text, "2005-01-01"))
    mixed: list[tuple[str, str | None]] = []
    for i in range(max(len(fakes), len(bbc))):
        mixed += [x for x in (fakes[i:i + 1] + bbc[i:i + 1])]
    return mixed[:limit] if limit else mixed


def _run(system: str, model: str | None, articles, queue) -> None:
    """In a child process: time one system over the articles, report seconds and peak RSS."""
    if system == "spacy":
        import spacy

        from newsgraph.config import model_name

        nlp = spacy.load(model_name(model))
        nlp("Warm up the pipeline once.")
        t0 = time.perf_counter()
        for _doc in nlp.pipe((t for t, _ in articles), batch_size=16):
            pass
        seconds = time.perf_counter() - t0
        failed = 0
    else:
        from newsgraph.pipeline import Document, default_pipeline

        pipeline = default_pipeline(model)
        pipeline.analyze("Warm up the pipeline once, said officials on Monday.", "2024-01-01")
        t0 = time.perf_counter()
        failed = 0
        for result in pipeline.analyze_batch(Document(t, p) for t, p in articles):
            failed += not hasattr(result, "article")
        seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((system, seconds, peak_mb, failed))


def measure(system: str, model: str | None, articles) -> tuple[float, float, int]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_run, args=(system, model, articles, queue))
    proc.start()
    _, seconds, peak, failed = queue.get()
    proc.join()
    return seconds, peak, failed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data/news"))
    ap.add_argument("--limit", type=int, default=None, help="first N articles (default all)")
    ap.add_argument("--rounds", type=int, default=1, help="alternating rounds; best is kept")
    ap.add_argument("--model", default=None)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"{args.data}: not found; the benchmark needs ../shared/data/news", file=sys.stderr)
        return 2
    articles = load_articles(args.data, args.limit)
    words = sum(len(t.split()) for t, _ in articles)
    print(f"{len(articles)} articles, {words:,} words; {args.rounds} round(s)", flush=True)

    best: dict[str, tuple[float, float, int]] = {}
    for r in range(args.rounds):
        for system in ("spacy", "newsgraph"):
            seconds, peak, failed = measure(system, args.model, articles)
            print(f"round {r + 1} {system:9} {seconds:8.1f} s  {len(articles) / seconds:7.1f} "
                  f"articles/s  peak {peak:,.0f} MB", flush=True)
            if system not in best or seconds < best[system][0]:
                best[system] = (seconds, peak, failed)

    (s_sec, s_peak, _), (n_sec, n_peak, n_failed) = best["spacy"], best["newsgraph"]
    ratio = s_sec / n_sec
    from newsgraph.config import model_name

    lines = [
        "## analyze throughput beside bare spaCy",
        "",
        f"Command: `python benchmarks/bench_analyze.py --data {args.data}"
        + (f" --limit {args.limit}" if args.limit else "")
        + (f" --rounds {args.rounds}" if args.rounds != 1 else "") + "`",
        "",
        f"{len(articles)} articles ({words:,} words) from FA-KES and BBC; model "
        f"`{model_name(args.model)}`; {date.today().isoformat()}, Python "
        f"{platform.python_version()}, {mp.cpu_count()} CPUs; best of {args.rounds} "
        "alternating round(s), each system in its own process.",
        "",
        "| system | seconds | articles/s | words/s | peak RSS MB | failed docs |",
        "|---|---|---|---|---|---|",
        f"| bare spaCy `nlp.pipe` | {s_sec:.1f} | {len(articles) / s_sec:.1f} | "
        f"{words / s_sec:,.0f} | {s_peak:,.0f} | |",
        f"| newsgraph `analyze_batch` | {n_sec:.1f} | {len(articles) / n_sec:.1f} | "
        f"{words / n_sec:,.0f} | {n_peak:,.0f} | {n_failed} |",
        "",
        f"**Throughput ratio newsgraph / bare spaCy: {ratio:.3f}** (target >= 0.85)",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
