"""The web UI (``newsgraph serve``): pages and their JSON twins, filters, exports, escaping,
bounded and checked parameters, read-only serving, offline assets.

The corpus is built once per session from a few articles written for these tests (three outlets
disagreeing about one figure, and one full of HTML) plus the bundled Mosul example."""

from __future__ import annotations

import html
import json
import re
import warnings
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT

ARTICLES = {
    # file name (the date is read from it), outlet, text
    "floods-a-2023-03-06.txt": ("North Wire",
        "Floods force families from their homes in Sylhet\n\n"
        "At least 12,000 families were displaced by floods in Sylhet, the disaster ministry said "
        "on Monday. Rescue teams reached several villages by boat.\n"),
    "floods-b-2023-03-07.txt": ("River Post",
        "Sylhet flood toll rises\n\n"
        "About 12,500 families have been displaced by the floods in Sylhet, officials in Dhaka "
        "said on Tuesday. The army sent boats and food.\n"),
    "floods-c-2023-03-08.txt": ("Delta Times",
        "Charity disputes flood figures\n\n"
        "Only 3,000 families were displaced in Sylhet, a local charity said on Wednesday, far "
        "fewer than the government says.\n"),
    "hostile-2023-03-09.txt": ("River Post",
        'Rally <b onmouseover="window.__pwned=1">in</b> Sylhet\n\n'
        "Police said <script>window.__pwned=2</script> about 40 protesters were arrested "
        '<img src=x onerror="window.__pwned=3"> in Sylhet on Thursday. '
        '"We <a href=javascript:window.__pwned=4>acted</a> lawfully," the police chief said.\n'),
}


def build_corpus(folder: Path, pipeline, with_example: bool = False) -> Path:
    """The test store: each test article from its outlet, and the bundled Mosul example (that
    file alone: what else examples/ holds may change)."""
    from newsgraph.corpus import ingest

    db = folder / "web.duckdb"
    for name, (outlet, text) in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
        ingest([folder / name], db=db, pipeline=pipeline, source=outlet)
    ingest([ROOT / "examples" / "mosul-2016-10-20.txt"], db=db, pipeline=pipeline)
    if with_example:
        ingest([EXAMPLE], db=db, pipeline=pipeline)
    return db


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory, pipeline) -> Path:
    return build_corpus(tmp_path_factory.mktemp("webcorpus"), pipeline)


@pytest.fixture(scope="session")
def ids(corpus_db) -> dict:
    """Article ids by title word, and the claim ids of the families figures."""
    from newsgraph.corpus import queries

    arts = queries.sql(corpus_db, "SELECT id, title, source FROM articles")
    by = {}
    for a in arts:
        key = ("hostile" if "Rally" in a["title"] else "mosul" if "Mosul" in a["title"]
               else a["source"])
        by[key] = a["id"]
    return by


def make_client(db: Path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient
    from newsgraph.web.app import create_app

    return TestClient(create_app(db, **kwargs))


@pytest.fixture(scope="module")
def client(corpus_db):
    return make_client(corpus_db)


def visible_text(page: str) -> str:
    """What a reader sees of an HTML page: tags dropped, entities decoded."""
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


# --- pages and their JSON ----------------------------------------------------------------------------

def test_every_page_renders(client, ids):
    ev = client.get("/api/events", params={"type": "ASSAULT"}).json()[0]
    gid = next(p["geonameid"] for p in client.get("/api/map").json() if p["name"] == "Sylhet")
    pages = ["/", "/search", f"/article/{ids['North Wire']}", "/claims", "/claims?about=families",
             f"/event/{ev['article_id']}/{ev['event_id']}", "/entity?name=Lise%20Grande",
             f"/place/{gid}", "/api", "/report?about=families"]
    for path in pages:
        r = client.get(path)
        assert r.status_code == 200, (path, r.text[:300])
        assert r.headers["content-type"].startswith("text/html")
        assert "Traceback" not in r.text


def test_overview_counts_map_actors_and_conflicts(client):
    data = client.get("/api/overview").json()
    assert data["counts"]["articles"] == 5 and data["counts"]["outlets"] == 3
    assert {p["name"] for p in data["map"]} >= {"Sylhet", "Mosul"}
    mosul = next(p for p in data["map"] if p["name"] == "Mosul")
    assert mosul["events"] >= 1 and mosul["type"] == "ASSAULT"
    assert data["timeline"]["periods"] and data["top_actors"]
    conflict = [c for c in data["conflicts"] if c["about"] == "families"]
    assert conflict and conflict[0]["outlet"] == "Delta Times"
    page = client.get("/").text
    assert 'class="map"' in page and page.count('class="pt"') == len(data["map"])
    assert "Delta Times" in page and "/claims?about=families" in page


def test_search_filters_change_table_and_map(client):
    everything = client.get("/api/search").json()
    assert everything["results"]["total"] == 5
    assault = client.get("/api/search", params={"type": "ASSAULT"}).json()
    assert assault["results"]["total"] == 1
    assert {p["name"] for p in assault["map"]} <= {"Mosul", "Barţalah", "Bartella"}
    assert len(assault["map"]) < len(everything["map"])
    assert client.get("/api/search", params={"source": "Delta Times"}).json()["results"]["total"] == 1
    assert client.get("/api/search", params={"country": "bgd"}).json()["results"]["total"] == 4
    assert client.get("/api/search", params={"q": "charity"}).json()["results"]["total"] == 1
    dated = client.get("/api/search", params={"since": "2023-03-07", "until": "2023-03-08"})
    assert dated.json()["results"]["total"] == 2
    assert client.get("/api/search", params={"actor": "Grande"}).json()["results"]["total"] == 1
    wildcard = client.get("/api/search", params={"q": "%"}).json()
    assert wildcard["results"]["total"] == 0  # LIKE wildcards in user text are literal
    page = client.get("/search?type=ASSAULT").text
    assert page.count('class="pt"') == len(assault["map"])
    assert "Iraqi forces close in on Mosul" in page and "Sylhet flood toll" not in page


def test_paging_is_bounded(client):
    first = client.get("/api/search", params={"size": 2, "page": 1}).json()["results"]
    third = client.get("/api/search", params={"size": 2, "page": 3}).json()["results"]
    assert len(first["articles"]) == 2 and len(third["articles"]) == 1
    assert client.get("/api/search", params={"size": 101}).status_code == 422
    assert client.get("/api/events", params={"limit": 100000}).status_code == 422


def test_claims_side_by_side_with_the_conflict_flagged(client, ids):
    data = client.get("/api/claims", params={"about": "families"}).json()
    rows = {r["outlet"]: r for r in data["claims"]}
    assert set(rows) == {"North Wire", "River Post", "Delta Times"}
    assert rows["Delta Times"]["flag"] == "conflict"
    assert rows["North Wire"]["flag"] == rows["River Post"]["flag"] == "consistent"
    (est,) = data["estimates"]
    assert est["place"] == "Sylhet" and est["low"] == 12000 and len(est["conflicts"]) == 1
    link = rows["Delta Times"]["link"]
    assert link.startswith(f"/article/{ids['Delta Times']}#claim-c")
    page = client.get("/claims?about=families").text
    assert f'href="{link}"' in page and "⚠ conflict" in page
    assert '<svg class="intervals"' in page and "estimate" in page
    anchor = link.split("#")[1]
    article = client.get(link.split("#")[0]).text
    assert f'id="{anchor}"' in article


def test_claims_follow_the_article_filters(client):
    def outlets(**params):
        data = client.get("/api/claims", params={"about": "families", **params}).json()
        return {r["outlet"] for r in data["claims"]}

    assert outlets(q="charity") == {"Delta Times"}  # words in the article
    assert outlets(q="boat") == {"North Wire", "River Post"}
    assert outlets(source="River Post") == {"River Post"}
    assert outlets(type="NOSUCHTYPE") == set()  # no article reports such an event
    assert outlets() == {"North Wire", "River Post", "Delta Times"}  # nothing kept from above


def test_article_highlights_link_to_their_record_and_back(client, ids):
    page = client.get(f"/article/{ids['North Wire']}").text
    record = client.get(f"/api/article/{ids['North Wire']}").json()["record"]
    text = record["article"]["text"]
    body = page.split('id="text">', 1)[1].split("</div>", 1)[0]
    assert html.unescape(re.sub(r"<[^>]+>", "", body)) == text  # every character, in order
    for kind in ("claims", "quantities", "places", "times"):
        for item in record[kind]:
            prefix = {"claims": "claim", "quantities": "quantity", "places": "place",
                      "times": "time"}[kind]
            assert f'id="{prefix}-{item["id"]}"' in page  # the highlight
            assert f'id="rec-{item["id"]}"' in page  # its record
            assert f'href="#{prefix}-{item["id"]}"' in page  # and back
    assert record["claims"] and record["quantities"]
    hl = client.get(f"/article/{ids['North Wire']}", params={"hl": "0-6"}).text
    assert 'id="hl"' in hl


def test_event_entity_place_pages(client, ids):
    ev = client.get("/api/events", params={"type": "ASSAULT"}).json()[0]
    data = client.get(f"/api/event/{ev['article_id']}/{ev['event_id']}").json()
    assert data["event"]["type"] == "ASSAULT" and data["outlets"]
    grande = client.get("/api/entity", params={"name": "lise grande"}).json()
    assert grande["name"] == "Lise Grande" and grande["said"]
    assert grande["said"][0]["claim_id"].startswith("c")
    gid = next(p["geonameid"] for p in client.get("/api/map").json() if p["name"] == "Sylhet")
    place = client.get(f"/api/place/{gid}").json()
    assert place["place"]["country"] == "BGD" and len(place["articles"]) == 4
    assert place["claims"]


def test_exports_of_the_current_filter(client):
    csv_text = client.get("/export", params={"what": "articles", "format": "csv",
                                             "source": "River Post"}).text
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("id,published,source") and len(lines) == 3
    jsonl = client.get("/export", params={"what": "events", "format": "jsonl"}).text
    events = [json.loads(line) for line in jsonl.splitlines()]
    assert events and all("type" in e for e in events)
    geo = client.get("/export", params={"what": "events", "format": "geojson",
                                        "type": "ASSAULT"}).json()
    assert geo["type"] == "FeatureCollection" and geo["features"]
    assert all(f["properties"]["type"] == "ASSAULT" for f in geo["features"])
    places = client.get("/export", params={"what": "places", "format": "geojson",
                                           "country": "BGD"}).json()
    assert {f["properties"]["country"] for f in places["features"]} == {"BGD"}
    r = client.get("/export", params={"what": "articles", "format": "geojson"})
    assert r.status_code == 422 and "coordinates" in r.json()["error"]
    claims = client.get("/export", params={"what": "claims", "format": "csv"})
    assert "attachment" in claims.headers["content-disposition"]


# --- safety ---------------------------------------------------------------------------------------

def test_article_text_is_always_escaped(client, ids):
    for path in (f"/article/{ids['hostile']}", "/search", "/search?q=protesters", "/",
                 "/claims?about=protesters", "/report?about=protesters"):
        page = client.get(path).text
        assert "<script>window" not in page and "<img src=x" not in page, path
        assert 'onmouseover="window' not in page and "<a href=javascript" not in page, path
        assert "<b onmouseover" not in page, path
    article = client.get(f"/article/{ids['hostile']}").text
    assert "&lt;" in article and "window.__pwned=2&lt;/script&gt;" in article
    shown = visible_text(article)
    assert "<script>window.__pwned=2</script>" in shown and '<img src=x onerror="' in shown


BAD = [
    "/search?since=2024-13-45", "/search?until=yesterday", "/search?since=2024-05-01&until=2024-01-01",
    "/search?page=-1", "/search?page=0", "/search?size=0", "/search?size=100000",
    "/search?page=abc", "/search?country=Syria", "/search?type=AS;SAULT", "/search?modality=1",
    "/search?q=" + "x" * 300, "/article/not-an-id", "/article/0123456789abcdef",
    "/article/0123456789abcdef?hl=1-2", "/event/0123456789abcdef/v1", "/event/0123456789abcdef/x1",
    "/entity?name=", "/entity?name=Nobody%20At%20All", "/entity", "/place/999999999",
    "/place/-4", "/place/abc", "/claims?about=the", "/claims?period=week&about=x", "/nowhere",
    "/export?format=xlsx", "/export?what=secrets", "/export?limit=1000000", "/report",
    "/report?about=x&since=2024-02-30", "/api/claims", "/api/search?size=-3",
    "/api/article/zzzz", "/api/timeline?granularity=week", "/api/map?limit=0",
]


@pytest.mark.parametrize("path", BAD)
def test_malformed_parameters_get_a_4xx_with_a_message(client, path):
    r = client.get(path)
    assert 400 <= r.status_code < 500, (path, r.status_code, r.text[:300])
    if path.startswith(("/api/", "/export")):
        body = r.json()
        assert body["error"] and body["status"] == r.status_code
    else:
        assert 'class="error-message"' in r.text
        message = visible_text(r.text.split('class="error-message">', 1)[1].split("</p>")[0])
        assert len(message.strip()) > 5


def test_out_of_range_span_and_bad_ids(client, ids):
    r = client.get(f"/article/{ids['hostile']}", params={"hl": "10-999999"})
    assert r.status_code == 422 and "outside the text" in r.text
    r = client.get(f"/api/article/{ids['hostile']}", params={"hl": "9-x"})
    assert r.status_code == 422


def test_no_endpoint_writes(client, corpus_db):
    for route in client.app.routes:
        methods = getattr(route, "methods", None) or set()
        assert methods <= {"GET", "HEAD"}, route
    assert client.post("/api/search").status_code == 405
    assert client.delete("/article/0123456789abcdef").status_code == 405
    import duckdb

    with pytest.raises(duckdb.Error):
        client.app.state.corpus.con.execute("CREATE TABLE intruder (x INTEGER)")


def test_queries_are_interrupted_after_the_time_limit(corpus_db):
    from newsgraph.web.app import Corpus, QueryTimeout

    corpus = Corpus(corpus_db, query_timeout=0.2)
    with pytest.raises(QueryTimeout):
        corpus.run(lambda con: con.execute(
            "SELECT sum(a.range * b.range) FROM range(1000000) a, range(1000000) b").fetchall())
    assert corpus.run(lambda con: con.execute("SELECT 1").fetchall()) == [(1,)]


def test_exit_stops_queries_still_running(corpus_db):
    # a daemon thread inside DuckDB when Python shuts down aborted the process ("terminate
    # called ..."): at exit the running queries are interrupted and the warm-ups waited for
    import subprocess
    import sys
    import time

    code = f"""
import threading
from newsgraph.web.app import WARMING, Corpus, QueryTimeout
corpus = Corpus({str(corpus_db)!r}, query_timeout=600)
started = threading.Event()
def long_query():
    try:
        corpus.run(lambda con: (started.set(), con.execute(
            "SELECT sum(a.range * b.range) FROM range(100000000) a, range(100000) b"
        ).fetchall()))
    except QueryTimeout:
        pass
    finally:
        corpus.release_cursor()
thread = threading.Thread(target=long_query, daemon=True)
WARMING.append(thread)
thread.start()
started.wait(30)
"""
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    assert "terminate" not in done.stderr
    assert time.perf_counter() - t0 < 60  # interrupted, not run to its end


def test_security_headers(client):
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'self'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    report = client.get("/report", params={"about": "families"})
    assert "script-src" not in report.headers["content-security-policy"]
    assert "default-src 'none'" in report.headers["content-security-policy"]


# --- offline: nothing from outside ------------------------------------------------------------------

def test_pages_refer_only_to_this_server(client, ids):
    for path in ("/", "/search", f"/article/{ids['mosul']}", "/claims?about=families", "/api"):
        page = client.get(path).text
        for attr, url in re.findall(r'\b(src|href|action)="([^"]*)"', page):
            assert not re.match(r"(?i)^(https?:)?//", url), (path, attr, url)
        assert "@import" not in page and "url(http" not in page
    css = client.get("/static/app.css").text
    assert "http" not in css and "@font-face" not in css and "@import" not in css
    js = client.get("/static/app.js").text
    assert "http" not in js and "fetch(" not in js
    assert client.get("/docs").status_code == 404  # Swagger UI would load from a CDN


def test_openapi_documents_every_json_route(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/overview", "/api/search", "/api/article/{article_id}", "/api/claims",
                 "/api/event/{article_id}/{event_id}", "/api/entity", "/api/place/{geonameid}",
                 "/export", "/report"):
        assert path in spec["paths"], path
    page = client.get("/api").text
    assert "/api/claims" in page and "about" in page


def test_world_map_shapes_come_from_an_installed_package(client):
    from newsgraph.web import basemap

    if basemap.shapefile_base() is None:
        pytest.skip("pyogrio (which ships Natural Earth's low-resolution countries) is absent")
    countries = basemap.countries()
    assert len(countries) > 150 and {"RUS", "SYR", "IRQ", "BGD"} <= {c.iso3 for c in countries}
    svg = client.get("/basemap.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.count("<path") > 150


# --- the pieces --------------------------------------------------------------------------------------

def test_highlights_nest_when_spans_cross():
    from newsgraph.web.highlight import Mark, render

    text = 'Say <b>"x"</b> & more and more.'
    marks = [Mark(0, 14, "claim", "c1", "claim-c1", "a"), Mark(4, 20, "quantity", "q1",
             "quantity-q1", "b"), Mark(4, 7, "entity", "e1", "entity-e1", 'c"<')]
    out = str(render(text, marks))
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == text
    assert out.count("<span") == out.count("</span>")
    depth = 0
    for tag in re.findall(r"</?span", out):
        depth += -1 if tag.startswith("</") else 1
        assert depth >= 0
    assert out.count('id="quantity-q1"') == 1 and out.count('data-ref="q1"') == 2
    assert "&lt;b&gt;" in out and 'title="c&#34;&lt;"' in out


def test_charts_are_plain_svg():
    from newsgraph.web import charts

    points = [{"lat": 36.3, "lon": 43.1, "name": "Mosul <x>", "events": 3, "articles": 1,
               "type": "ASSAULT", "geonameid": 99072}]
    svg = str(charts.map_svg(points, link=lambda p: f"/place/{p['geonameid']}"))
    assert svg.startswith("<svg") and 'href="/place/99072"' in svg and "Mosul &lt;x&gt;" in svg
    assert "style=" not in svg
    timeline = str(charts.timeline_svg([{"period": "2024-01", "events": 2, "claims": 0},
                                        {"period": "2024-02", "events": 0, "claims": 5}]))
    assert timeline.count('class="bar') == 2
    est = [{"period": "2024-01", "place": "A", "low": 10.0, "high": None, "claims": 2}]
    claims = [{"period": "2024-01", "scope": "A", "low": 10.0, "high": 10.0, "flag": "conflict"},
              {"period": "2024-01", "scope": "A", "low": 12.0, "high": None, "flag": ""}]
    intervals = str(charts.interval_svg(est, claims))
    assert 'class="estimate"' in intervals and 'class="claim-dot"' in intervals
    assert 'class="claim-arrow"' in intervals


def test_serve_refuses_a_missing_database(tmp_path):
    from typer.testing import CliRunner

    from newsgraph.cli import app

    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1 and "no such database" in result.output


# --- the example article (when ../shared is beside the checkout) -------------------------------------

@pytest.fixture(scope="module")
def example_client(tmp_path_factory, pipeline):
    if not EXAMPLE.is_file():
        pytest.skip("the example article ../shared/examples is absent")
    return make_client(build_corpus(tmp_path_factory.mktemp("example"), pipeline, True))


def test_example_troops_side_by_side(example_client):
    data = example_client.get("/api/claims", params={"about": "troops"}).json()
    speakers = {r["speaker"]: r for r in data["claims"]}
    assert "Antony Blinken" in speakers and "Pentagon" in speakers
    assert speakers["Antony Blinken"]["high"] == 8000 and speakers["Pentagon"]["low"] == 10000
    page = example_client.get("/claims?about=troops").text
    assert "Antony Blinken" in page and "Pentagon" in page
    assert "&lt;= 8,000" in page and "&gt;= 10,000" in page
    names = {p["name"] for p in example_client.get("/api/map").json()}
    assert "Kursk" in names
    aid = speakers["Antony Blinken"]["article_id"]
    article = example_client.get(f"/article/{aid}").text
    assert article.count('class="hl hl-claim"') >= 5
