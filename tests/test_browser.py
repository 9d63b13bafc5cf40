"""The UI in a real browser: headless Chromium (Debian's ``chromium`` package) driven by
Playwright against a server started here on loopback.

Checked: the main pages render without console errors; every request stays on this machine;
a click on a claim lands on its highlighted sentence; filters change the map and the table;
an article full of HTML runs none of it. A screenshot of each page is saved under
``$NEWSGRAPH_ARTIFACTS`` (default ``tests/artifacts/browser``)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import EXAMPLE, ROOT
from test_web import build_corpus, corpus_db, ids  # noqa: F401 (the session corpus)

CHROMIUM = os.environ.get("NEWSGRAPH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("NEWSGRAPH_ARTIFACTS") or ROOT / "tests" / "artifacts" / "browser")
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # the test extra is not installed
    sync_playwright = None

pytestmark = [
    pytest.mark.skipif(sync_playwright is None, reason="playwright is not installed "
                       "(pip install -e '.[test]')"),
    pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason=f"no Chromium at {CHROMIUM} "
                       "(apt-get install -y chromium)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(corpus_db, tmp_path_factory, pipeline):  # noqa: F811
    """``newsgraph serve`` on a free loopback port, in a thread; with the example article too
    when ../shared is there."""
    import uvicorn

    from newsgraph.web.app import create_app

    db = corpus_db
    if EXAMPLE.is_file():
        db = build_corpus(tmp_path_factory.mktemp("browser"), pipeline, with_example=True)
    port = free_port()
    config = uvicorn.Config(create_app(db, allowed_hosts=["127.0.0.1", "localhost"]),
                            host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 15
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    assert srv.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=5)


class Browser:
    """One page, with every request and console message recorded."""

    def __init__(self, page):
        self.page = page
        self.requests: list[str] = []
        self.outside: list[str] = []
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"), d.dismiss()))
        page.context.route("**/*", self.route)

    def route(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or parts.hostname in LOCAL_HOSTS:
            route.continue_()
        else:  # nothing may leave this machine: refused, and the test fails
            self.outside.append(url)
            route.abort()

    def open(self, url: str) -> None:
        self.page.goto(url)
        if "/report" not in url:  # a report has no script: it is meant to be mailed
            self.page.wait_for_selector("body[data-ready]", state="attached")

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        ignore = ARTIFACTS.parent / ".gitignore"  # screenshots are never committed
        if ARTIFACTS.parent.name == "artifacts" and not ignore.exists():
            ignore.write_text("*\n")
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture(scope="module")
def browser(server):
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            "--disable-default-apps", "--disable-extensions"])
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        yield Browser(context.new_page())
        context.close()
        chromium.close()


def test_main_pages_render_without_errors_and_offline(server, browser, ids):  # noqa: F811
    b = browser
    pages = {"overview": "/", "search": "/search", "article": f"/article/{ids['mosul']}",
             "claims": "/claims?about=families", "entity": "/entity?name=Lise%20Grande",
             "api": "/api"}
    if EXAMPLE.is_file():
        pages["claims-troops"] = "/claims?about=troops"
    for name, path in pages.items():
        b.open(server + path)
        assert b.page.locator("h1").first.is_visible(), name
        assert b.shot(name).stat().st_size > 1000
    ev = b.page.request.get(server + "/api/events?type=ASSAULT").json()[0]
    b.open(f"{server}/event/{ev['article_id']}/{ev['event_id']}")
    b.shot("event")
    b.open(server + "/search?type=ASSAULT")
    b.page.locator("#map a").last.click()  # the smallest point is drawn on top
    b.page.wait_for_selector("body[data-ready]", state="attached")
    assert "/place/" in b.page.url
    b.shot("place")
    b.open(server + "/report?about=families")
    b.shot("report")
    assert b.errors == []
    assert b.outside == [], b.outside
    assert len(b.requests) > 10 and all(urlsplit(u).hostname in LOCAL_HOSTS
                                        for u in b.requests if u.startswith("http"))


def test_a_click_on_a_claim_lands_on_its_highlighted_sentence(server, browser, ids):  # noqa: F811
    b = browser
    b.open(server + "/claims?about=families")
    row = b.page.locator("#claims-table tr.conflict")
    assert row.count() == 1 and "Delta Times" in row.inner_text()
    link = row.locator("a.claim-link")
    claim_text = link.inner_text().rstrip("…").strip()
    link.click()
    b.page.wait_for_selector("body[data-ready]", state="attached")
    assert f"/article/{ids['Delta Times']}#claim-c" in b.page.url
    anchor = b.page.url.split("#", 1)[1]
    target = b.page.locator(f"#{anchor}")
    assert "target" in target.get_attribute("class")
    assert target.is_visible() and target.evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }")
    whole = b.page.evaluate(
        "ref => Array.from(document.querySelectorAll('#text [data-ref=\"' + ref + '\"]'))"
        ".map(e => e.textContent).join('')", anchor.split("-", 1)[1])
    assert whole.startswith(claim_text[:40]) and "3,000 families" in whole
    assert "target" in b.page.locator(f"#rec-{anchor.split('-', 1)[1]}").get_attribute("class")
    b.shot("claim-landing")
    # and from the text to the record: a click on a highlight marks its row
    b.page.locator("#text .hl-time").first.click()
    ref = b.page.locator("#text .hl-time").first.get_attribute("data-ref")
    assert "target" in b.page.locator(f"#rec-{ref}").get_attribute("class")
    assert b.errors == [] and b.outside == []


def test_filters_change_the_map_and_the_table(server, browser):
    b = browser
    b.open(server + "/search")
    points, rows = b.page.locator("#map circle.pt").count(), b.page.locator("#results tbody tr").count()
    assert points > 3 and rows >= 5
    with b.page.expect_navigation():
        b.page.select_option("select[name=type]", "ASSAULT")  # the form submits itself
    b.page.wait_for_selector("body[data-ready]", state="attached")
    assert "type=ASSAULT" in b.page.url
    after_points = b.page.locator("#map circle.pt").count()
    after_rows = b.page.locator("#results tbody tr").count()
    assert 0 < after_points < points and 0 < after_rows < rows
    names = b.page.locator("#map circle.pt").evaluate_all("els => els.map(e => e.dataset.name)")
    assert "Sylhet" not in names
    b.shot("search-filtered")
    with b.page.expect_navigation():
        b.page.select_option("select[name=type]", "")
    b.page.wait_for_selector("body[data-ready]", state="attached")
    assert b.page.locator("#results tbody tr").count() == rows
    b.page.fill("input[name=q]", "charity")
    with b.page.expect_navigation():
        b.page.click("form.filters button[type=submit]")
    b.page.wait_for_selector("body[data-ready]", state="attached")
    assert b.page.locator("#results tbody tr").count() == 1
    assert b.errors == [] and b.outside == []


def test_html_in_an_article_never_runs(server, browser, ids):  # noqa: F811
    b = browser
    for path in (f"/article/{ids['hostile']}", "/search?q=protesters", "/",
                 "/claims?about=protesters", "/report?about=protesters"):
        b.open(server + path)
        assert b.page.evaluate("typeof window.__pwned") == "undefined", path
        assert b.page.locator("#text script, #text img, #text b, #text a[href^=javascript]").count() == 0
    b.open(f"{server}/article/{ids['hostile']}")
    shown = b.page.locator("#text").inner_text()
    assert "<script>window.__pwned=2</script>" in shown and "<img src=x" in shown
    for el in b.page.locator("#text .hl").all()[:20]:
        el.hover()
    assert b.page.evaluate("typeof window.__pwned") == "undefined"
    b.shot("hostile-article")
    assert not [e for e in b.errors if "pwned" in e or "dialog" in e]
    assert b.outside == []


@pytest.mark.skipif(not EXAMPLE.is_file(), reason="the example article ../shared/examples is absent")
def test_the_example_shows_troop_numbers_side_by_side(server, browser):
    b = browser
    b.open(server + "/claims?about=troops")
    speakers = b.page.locator("#claims-table tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.speaker)")
    assert "Antony Blinken" in speakers and "Pentagon" in speakers
    figures = b.page.locator("#claims-table td.figure").all_inner_texts()
    assert "<= 8,000" in figures and ">= 10,000" in figures
    b.open(server + "/")
    names = b.page.locator("#map circle.pt").evaluate_all("els => els.map(e => e.dataset.name)")
    assert "Kursk" in names
    assert b.errors == [] and b.outside == []
