"""A bounded load test of ``newsgraph serve`` on loopback.

Starts the server over a corpus in a separate process, builds a mix of realistic requests from
the corpus itself (overview and search with filters and pages, articles, claims comparisons,
events, actors, places, the JSON API, small exports), then sends N requests from C concurrent
clients (keep-alive connections) and reports p50/p95/p99 latency and errors, overall and per kind
of page; also the first hit of each distinct URL (uncached) apart from repeats.

    python benchmarks/load_web.py --db fakes.duckdb --requests 2000 --concurrency 20 \\
        --out benchmarks/results/load-web.md

Target (issue 7): p95 < 200 ms and no errors on the FA-KES corpus. Not a test: timings depend
on the machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int, cache_size: int) -> subprocess.Popen:
    code = ("import uvicorn, sys; from newsgraph.web.app import create_app; "
            f"uvicorn.run(create_app(sys.argv[1], cache_size={cache_size}), host='127.0.0.1', "
            f"port={port}, log_level='warning')")
    proc = subprocess.Popen([sys.executable, "-c", code, str(db)])
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            get(port, "/api/facets")
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def get(port: int, path: str, conn: http.client.HTTPConnection | None = None) -> tuple[int, bytes]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        if own:
            conn.close()


def url_mix(port: int, seed: int) -> list[tuple[str, str]]:
    """(kind, path) pairs drawn from the corpus: the distinct URLs the clients pick from."""
    rng = random.Random(seed)
    facets = json.loads(get(port, "/api/facets")[1])
    events = json.loads(get(port, "/api/events?limit=300")[1])
    search = json.loads(get(port, "/api/search?size=100")[1])["results"]["articles"]
    overview = json.loads(get(port, "/api/overview")[1])
    places = [p["geonameid"] for p in overview["map"][:40]]
    actors = [a["name"] for a in overview["top_actors"]]
    heads = [c["about"] for c in overview["conflicts"]] or ["people"]
    heads = sorted(set(heads) | {"people", "civilians", "killed", "troops"})
    first, last = facets["first"], facets["last"]
    years = list(range(int(first[:4]), int(last[:4]) + 1))

    def filters() -> dict:
        f: dict = {}
        pick = rng.random()
        if pick < 0.3 and facets["sources"]:
            f["source"] = rng.choice(facets["sources"])
        if 0.2 < pick < 0.5 and facets["types"]:
            f["type"] = rng.choice(facets["types"][:8])
        if 0.4 < pick < 0.7 and years:
            y = rng.choice(years)
            f["since"], f["until"] = f"{y}-01-01", f"{y}-12-31"
        if 0.65 < pick < 0.8 and facets["countries"]:
            f["country"] = rng.choice(facets["countries"][:10])
        if 0.75 < pick < 0.85 and actors:
            f["actor"] = rng.choice(actors).split()[-1]
        if pick > 0.9:
            f["q"] = rng.choice(["killed", "ceasefire", "aid", "army", "rebels"])
        return f

    def qs(d: dict) -> str:
        return ("?" + urlencode(d)) if d else ""

    mix: list[tuple[str, str]] = [("overview", "/")]
    mix += [("overview", "/" + qs(filters())) for _ in range(15)]
    mix += [("search", "/search" + qs({**filters(), "page": rng.randint(1, 3)})) for _ in range(40)]
    mix += [("article", f"/article/{a['id']}") for a in rng.sample(search, min(40, len(search)))]
    mix += [("claims", f"/claims?about={quote(h)}") for h in heads]
    mix += [("claims", f"/claims?about={quote(h)}&" + urlencode(filters()))
            for h in heads for _ in range(2)]
    mix += [("event", f"/event/{e['article_id']}/{e['event_id']}")
            for e in rng.sample(events, min(30, len(events)))]
    mix += [("entity", f"/entity?name={quote(a)}") for a in actors]
    mix += [("place", f"/place/{g}") for g in places[:20]]
    mix += [("api", "/api/search" + qs(filters())) for _ in range(15)]
    mix += [("api", f"/api/article/{a['id']}") for a in rng.sample(search, min(15, len(search)))]
    mix += [("api", "/api/map" + qs(filters())) for _ in range(5)]
    mix += [("export", "/export?" + urlencode({**filters(), "what": w, "format": f,
                                                 "limit": 200}))
            for w, f in [("events", "csv"), ("events", "geojson"), ("articles", "jsonl"),
                         ("places", "geojson")] for _ in range(2)]
    return mix


def run(port: int, mix: list[tuple[str, str]], n: int, clients: int,
        seed: int) -> list[tuple[str, str, int, float, bool]]:
    """(kind, path, status, seconds, first hit of the path) for each request."""
    rng = random.Random(seed + 1)
    order = [rng.choice(mix) for _ in range(n)]
    lock = threading.Lock()
    seen: set[str] = set()
    results: list[tuple[str, str, int, float, bool]] = []
    position = [0]

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if position[0] >= len(order):
                    break
                kind, path = order[position[0]]
                position[0] += 1
                first = path not in seen
                seen.add(path)
            started = time.perf_counter()
            try:
                status, _ = get(port, path, conn)
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            elapsed = time.perf_counter() - started
            with lock:
                results.append((kind, path, status, elapsed, first))
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(q / 100 * len(values) + 0.5)) - 1))
    return values[k]


def summary(rows: list, label: str) -> str:
    ms = [r[3] * 1000 for r in rows]
    errors = sum(1 for r in rows if not 200 <= r[2] < 300)
    return (f"| {label} | {len(rows)} | {pct(ms, 50):.1f} | {pct(ms, 95):.1f} | "
            f"{pct(ms, 99):.1f} | {max(ms) if ms else float('nan'):.1f} | {errors} |")


def measure(db: Path, args: argparse.Namespace, warm_first: bool) -> tuple[list, list, list, float]:
    """Start a server; optionally visit every URL once (one client: the cost of a first
    visit); then the loaded run. Returns (mix, first visits, loaded rows, wall seconds)."""
    port = free_port()
    proc = start_server(db, port, args.cache_size)
    try:
        mix = url_mix(port, args.seed)
        visits: list = []
        if warm_first:
            unique = list(dict.fromkeys(mix))
            random.Random(args.seed).shuffle(unique)
            visits = run_each(port, unique)
        started = time.perf_counter()
        rows = run(port, mix, args.requests, args.concurrency, args.seed)
        wall = time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return mix, visits, rows, wall


def run_each(port: int, urls: list[tuple[str, str]]) -> list[tuple[str, str, int, float, bool]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    out = []
    for kind, path in urls:
        started = time.perf_counter()
        status, _ = get(port, path, conn)
        out.append((kind, path, status, time.perf_counter() - started, True))
    conn.close()
    return out


def section(title: str, rows: list, note: str) -> list[str]:
    by_kind = defaultdict(list)
    for r in rows:
        by_kind[r[0]].append(r)
    lines = [f"## {title}", "", note, "",
             "| requests | n | p50 ms | p95 ms | p99 ms | max ms | errors |",
             "| --- | --- | --- | --- | --- | --- | --- |", summary(rows, "**all**")]
    if any(r[4] for r in rows) and not all(r[4] for r in rows):
        lines += [summary([r for r in rows if r[4]], "first hit of a URL"),
                  summary([r for r in rows if not r[4]], "repeat of a URL")]
    lines += [summary(v, k) for k, v in sorted(by_kind.items())]
    return lines + [""]


def verdict(rows: list) -> str:
    ms = [r[3] * 1000 for r in rows]
    errors = sum(1 for r in rows if not 200 <= r[2] < 300)
    ok = pct(ms, 95) < 200 and not errors
    return f"p95 {pct(ms, 95):.1f} ms, {errors} errors: target {'met' if ok else 'NOT met'}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True, type=Path)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=20)
    ap.add_argument("--cache-size", type=int, default=256,
                    help="results the server keeps (0: none, every request queries)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--cold-runs", type=int, default=0, metavar="N",
                    help="only the cold-start run, N times, a line each (to compare two "
                         "versions side by side: run it for each, alternating)")
    args = ap.parse_args()
    if not args.db.exists():
        raise SystemExit(f"{args.db}: no such database")
    if args.cold_runs:
        for _ in range(args.cold_runs):
            _, _, rows, wall = measure(args.db, args, warm_first=False)
            first = [r[3] * 1000 for r in rows if r[4]]
            print(f"cold start: {verdict(rows)}; wall {wall:.1f} s; first hits p50 "
                  f"{pct(first, 50):.0f} ms", flush=True)
        return
    mix, visits, warm_rows, warm_wall = measure(args.db, args, warm_first=True)
    _, _, cold_rows, cold_wall = measure(args.db, args, warm_first=False)
    command = "python benchmarks/load_web.py " + " ".join(sys.argv[1:])
    text = "\n".join([
        "# Load test: newsgraph serve", "",
        f"`{command}`", "",
        f"{args.requests} requests from {args.concurrency} concurrent keep-alive clients on "
        f"loopback, drawn at random from {len(set(mix))} distinct URLs built from the corpus "
        f"({args.db.name}: overview and search with filters and pages, articles, claims "
        f"comparisons, events, actors, places, JSON API, small exports). Server: one process, "
        f"result cache {args.cache_size}. Machine: {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}; server and clients share it.", "",
        "| run | result | wall | requests/s |", "| --- | --- | --- | --- |",
        f"| under load, after one visit of each URL | {verdict(warm_rows)} | {warm_wall:.1f} s | "
        f"{len(warm_rows) / warm_wall:.0f} |",
        f"| under load, from a cold start | {verdict(cold_rows)} | {cold_wall:.1f} s | "
        f"{len(cold_rows) / cold_wall:.0f} |",
        f"| first visits, one client | {verdict(visits)} | | |", "",
        *section("Under load, after one visit of each URL", warm_rows,
                 "Every URL was fetched once before (the table below): the steady state of a "
                 "server whose pages have been seen."),
        *section("Under load, from a cold start", cold_rows,
                 "A fresh server: the first hit of each URL queries the store while twenty "
                 "clients wait, so those queue up."),
        *section("First visits, one client", visits,
                 "Each distinct URL once, one at a time, on a fresh server: what a page costs "
                 "when nothing is cached.")])
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
