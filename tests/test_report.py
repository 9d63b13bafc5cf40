"""Situation reports: key numbers as ranges with their sources, conflicts, main events, a
timeline and a map; every sentence cited with the exact span; self-contained HTML, Markdown."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from newsgraph import report as reports
from newsgraph.cli import app
from newsgraph.corpus import queries
from test_web import corpus_db, make_client  # noqa: F401 (the session corpus)


@pytest.fixture(scope="module")
def families(corpus_db):  # noqa: F811
    return reports.build_report(corpus_db, "families")


def all_sentences(rep: reports.Report) -> list[reports.Sentence]:
    return rep.key_numbers + rep.conflicts + rep.events


def test_key_numbers_are_ranges_with_their_sources(families):
    (line,) = families.key_numbers
    assert "March 2023, Sylhet" in line.text and "between 12,000 and 13,750 families" in line.text
    assert "North Wire" in line.text and "River Post" in line.text
    assert "1 other claim disagree" in line.text
    cited = {families.citations[n - 1].outlet for n in line.cites}
    assert cited == {"North Wire", "River Post"}
    (est,) = families.estimates
    assert est["low"] == 12000 and est["conflicts"] == 1


def test_conflicting_claims_cite_both_sides(families):
    (line,) = families.conflicts
    assert line.text.startswith("a local charity (Delta Times, 2023-03-08) puts families in "
                                "Sylhet at 3,000 in March 2023")
    assert "outside the range that 2 other claims allow (12,000 to 13,750)" in line.text
    outlets = [families.citations[n - 1].outlet for n in line.cites]
    assert outlets[0] == "Delta Times" and "North Wire" in outlets


def test_every_sentence_cites_the_exact_span(families, corpus_db):  # noqa: F811
    assert all(s.cites for s in all_sentences(families))
    numbers = [n for s in all_sentences(families) for n in s.cites]
    assert sorted(set(numbers)) == list(range(1, len(families.citations) + 1))
    texts = {r["id"]: r["text"] for r in queries.sql(corpus_db, "SELECT id, text FROM articles")}
    for c in families.citations:
        assert texts[c.article_id][c.start:c.end] == c.quote and c.quote
        assert c.path.startswith(f"/article/{c.article_id}")
        assert c.path.endswith("#" + c.anchor)


def test_events_are_cited_by_their_sentence(corpus_db):  # noqa: F811
    rep = reports.build_report(corpus_db, "militants")
    assert rep.events and all(s.cites for s in rep.events)
    cite = rep.citations[rep.events[0].cites[0] - 1]
    assert cite.anchor == "hl" and "?hl=" in cite.path
    assert "militants" in cite.quote


def test_filters_narrow_the_report(corpus_db):  # noqa: F811
    assert not reports.build_report(corpus_db, "families", until="2023-03-05").key_numbers
    only = reports.build_report(corpus_db, "families", actor="charity")
    assert len(only.key_numbers) == 1 and "a local charity" in only.key_numbers[0].text
    assert not reports.build_report(corpus_db, "families", place="Mosul").key_numbers
    assert reports.build_report(corpus_db, "families", place="BGD").key_numbers
    empty = reports.build_report(corpus_db, "helicopters")
    assert not all_sentences(empty) and empty.notes["key-numbers"]


def test_html_is_self_contained(families):
    page = reports.to_html(families, "http://127.0.0.1:8000")
    assert "<script" not in page.lower()
    assert not re.search(r'\bsrc="', page)  # nothing to load: charts are inline SVG
    for url in re.findall(r'href="([^"]*)"', page):
        assert url.startswith("#") or url.startswith("http://127.0.0.1:8000/article/"), url
    assert page.count("<svg") >= 2 and "<path" in page  # timeline, map with outlines
    for c in families.citations:
        assert f'id="cite-{c.n}"' in page and f'href="#cite-{c.n}"' in page
        assert f'href="http://127.0.0.1:8000{c.path}"'.replace("&", "&amp;") in page
    assert "<mark>" in page


def test_report_html_escapes_article_text(corpus_db):  # noqa: F811
    rep = reports.build_report(corpus_db, "protesters")
    assert rep.key_numbers and rep.events
    page = reports.to_html(rep)
    assert "<script>window" not in page and "<img src=x" not in page
    assert "&lt;img src=x onerror=" in page
    markdown = reports.to_markdown(rep)
    assert "<script>" not in markdown and "<img" not in markdown


def test_markdown_has_a_footnote_per_citation(families):
    text = reports.to_markdown(families, "http://localhost:9000")
    assert text.startswith("# Situation report: families")
    for c in families.citations:
        assert f"[^{c.n}]:" in text and f"(http://localhost:9000{c.path})" in text
    assert "| 2023-03 | Sylhet |" in text


def test_cli_writes_html_and_markdown(corpus_db, tmp_path):  # noqa: F811
    runner = CliRunner()
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "--db", str(corpus_db), "--about", "families",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("<!doctype html>")
    md = tmp_path / "r.md"
    result = runner.invoke(app, ["report", "--db", str(corpus_db), "--about", "families",
                                 "--since", "2023-03-01", "--out", str(md)])
    assert result.exit_code == 0 and md.read_text().startswith("# Situation report")
    bad = runner.invoke(app, ["report", "--db", str(corpus_db), "--about", "x", "--out",
                              str(tmp_path / "r.pdf")])
    assert bad.exit_code == 2
    missing = runner.invoke(app, ["report", "--db", str(tmp_path / "no.duckdb"), "--about", "x",
                                  "--out", str(md)])
    assert missing.exit_code == 1 and "no such database" in missing.output


def test_the_ui_serves_reports(corpus_db):  # noqa: F811
    client = make_client(corpus_db)
    page = client.get("/report", params={"about": "families"})
    assert page.status_code == 200 and "Situation report: families" in page.text
    md = client.get("/report", params={"about": "families", "format": "md"})
    assert md.headers["content-type"].startswith("text/markdown")
    assert "](http://testserver/article/" in md.text  # citations link to the server it came from
    data = client.get("/api/report", params={"about": "families"}).json()
    assert data["key_numbers"] and data["citations"][0]["path"].startswith("/article/")
    assert 'class="report-button"' in client.get("/claims?about=families").text
