"""Readers: every format yields documents lazily, with one error per bad document."""

from __future__ import annotations

import gzip
import io
import json
from datetime import date
from pathlib import Path

import pytest

from newsgraph.corpus.readers import ReadOptions, date_in_name, kind_of, read_paths, to_date
from newsgraph.errors import DocumentError
from newsgraph.pipeline import Document

STORY = ("Rebels shelled the northern town of Arvale on Monday, killing at least 12 civilians, "
         "the regional governor said. ")

PARAGRAPHS = [
    "Rebel forces shelled the northern town of Arvale on Monday, killing at least 12 civilians "
    "and wounding dozens more, the regional governor said in a statement on Tuesday.",
    "The governor said that about 3,000 residents had fled toward the coast since the weekend "
    "and that emergency shelters in the port city were already full.",
    "A spokesman for the rebel alliance denied that its fighters had targeted homes and said "
    "the shells had struck an army depot on the edge of the town.",
    "Aid agencies said they would send more than 40 trucks of food and medicine this week if "
    "the roads stayed open, and called on both sides to let convoys pass.",
]

HTML = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Shelling kills 12 in Arvale, governor says | The Test Herald</title>
<meta property="og:title" content="Shelling kills 12 in Arvale, governor says">
<meta property="og:site_name" content="The Test Herald">
<meta property="article:published_time" content="2024-03-05T09:30:00Z">
<meta name="author" content="Jane Writer">
<link rel="canonical" href="https://herald.example/world/arvale-shelling">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Shelling kills 12 in Arvale, governor says</h1>
{paragraphs}
</article>
<footer>Copyright The Test Herald. All rights reserved.</footer>
</body></html>
""".format(paragraphs="\n".join(f"<p>{p}</p>" for p in PARAGRAPHS))


def docs_and_errors(items):
    items = list(items)
    return ([i for i in items if isinstance(i, Document)],
            [i for i in items if isinstance(i, DocumentError)])


# --- dates ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("2024-10-31", date(2024, 10, 31)),
    ("2024-10-31T09:30:00Z", date(2024, 10, 31)),
    ("4/5/2017", date(2017, 4, 5)),  # M/D/YYYY
    ("25/12/2016", date(2016, 12, 25)),  # D/M/YYYY when the first number cannot be a month
    ("Thu, 31 Oct 2024 14:00:00 +0000", date(2024, 10, 31)),
    ("not a date", None),
    ("", None),
])
def test_to_date(value, expected):
    assert to_date(value) == expected


@pytest.mark.parametrize("name, expected", [
    ("kursk-2024-10-31.txt", date(2024, 10, 31)),
    ("20241031_story.html", date(2024, 10, 31)),
    ("story_2024_02_30.txt", None),  # no such day
    ("id-1234567890123.txt", None),
])
def test_date_in_file_name(name, expected):
    assert date_in_name(name) == expected


def test_kind_of_looks_through_gzip_and_sniffs_xml():
    assert kind_of(Path("a.html.gz")) == "html"
    assert kind_of(Path("a.warc.gz")) == "warc"
    assert kind_of(Path("a.arc")) == "warc"
    assert kind_of(Path("feed.xml"), b"<?xml version='1.0'?><rss version='2.0'>") == "feed"
    assert kind_of(Path("page.xml"), b"<html>") == "html"
    assert kind_of(Path("notes")) == "text"


# --- plain text and folders ----------------------------------------------------------------------

def test_plain_text_date_from_name_else_option(tmp_path):
    (tmp_path / "arvale-2024-03-04.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "undated.txt").write_text(STORY + "Later.", encoding="utf-8")
    docs, errors = docs_and_errors(read_paths([tmp_path], published="2024-01-01"))
    assert not errors
    by_name = {Path(d.where).name: d for d in docs}
    assert by_name["arvale-2024-03-04.txt"].published == date(2024, 3, 4)
    assert by_name["undated.txt"].published == date(2024, 1, 1)
    docs, _ = docs_and_errors(read_paths([tmp_path / "undated.txt"]))
    assert docs[0].published is None


def test_folder_recursive_with_bad_files(tmp_path):
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    (sub / "good.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 20)
    (tmp_path / ".hidden.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "README.txt").write_text("About this folder.", encoding="utf-8")
    docs, errors = docs_and_errors(read_paths([tmp_path, tmp_path / "missing.txt"]))
    assert [Path(d.where).name for d in docs] == ["good.txt"]
    messages = {Path(e.where).name: str(e) for e in errors}
    assert "empty" in messages["empty.txt"]
    assert "binary" in messages["blob.bin"]
    assert "no such file" in messages["missing.txt"]


def test_readers_are_lazy(tmp_path):
    for n in range(3):
        (tmp_path / f"{n}.txt").write_text(STORY, encoding="utf-8")
    items = read_paths([tmp_path])
    first = next(items)
    assert isinstance(first, Document) and first.where.endswith("0.txt")


def test_gzip_text(tmp_path):
    (tmp_path / "story.txt.gz").write_bytes(gzip.compress(STORY.encode()))
    docs, errors = docs_and_errors(read_paths([tmp_path]))
    assert not errors and docs[0].text == STORY


# --- HTML ----------------------------------------------------------------------------------------

def test_html_main_text_and_metadata(tmp_path):
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(HTML.encode()))
    docs, errors = docs_and_errors(read_paths([tmp_path]))
    assert not errors
    (d,) = docs
    assert "killing at least 12 civilians" in d.text
    assert "emergency shelters" in d.text
    assert "All rights reserved" not in d.text and "Sport" not in d.text
    assert "\n\n" in d.text  # paragraphs kept apart
    assert d.published == date(2024, 3, 5)
    assert d.title and d.title.startswith("Shelling kills 12")
    assert d.source == "The Test Herald"
    assert d.url == "https://herald.example/world/arvale-shelling"


def test_html_without_text_is_an_error(tmp_path):
    (tmp_path / "nav.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    docs, errors = docs_and_errors(read_paths([tmp_path]))
    assert not docs and "no article text" in str(errors[0])


def test_huge_html_page_is_refused_without_reading_it_all(tmp_path):
    page = tmp_path / "huge.html"
    with open(page, "wb") as f:
        f.write(b"<html><body>" + b"<p>The army said it would stay.</p>" * 300_000)
    docs, errors = docs_and_errors(read_paths([page], ReadOptions(max_chars=100_000)))
    assert not docs and "too large" in str(errors[0])


# --- JSONL, JSON, CSV ----------------------------------------------------------------------------

def test_jsonl_default_and_other_field_names(tmp_path):
    lines = [
        {"text": STORY, "title": "Arvale", "published": "2024-03-04", "source": "Wire",
         "url": "https://wire.example/1"},
        "{not json",
        {"title": "no text"},
        {"text": STORY + "Second.", "published": "garbage"},
    ]
    f = tmp_path / "news.jsonl"
    f.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n\n")
    docs, errors = docs_and_errors(read_paths([f], published="2024-01-01"))
    assert [d.where for d in docs] == [f"{f}:1", f"{f}:4"]
    assert docs[0].source == "Wire" and docs[0].published == date(2024, 3, 4)
    assert docs[0].url == "https://wire.example/1" and docs[0].title == "Arvale"
    assert docs[1].published == date(2024, 1, 1)  # unreadable date: the option
    assert [e.where for e in errors] == [f"{f}:2", f"{f}:3"]

    g = tmp_path / "other.jsonl"
    g.write_text(json.dumps({"body": STORY, "when": "2024-05-06"}) + "\n")
    docs, errors = docs_and_errors(read_paths([g], fields={"text": "body", "published": "when"}))
    assert not errors and docs[0].published == date(2024, 5, 6)


def test_json_list(tmp_path):
    f = tmp_path / "news.json"
    f.write_text(json.dumps([{"content": STORY, "date": "2024-03-04"}, 7]))
    docs, errors = docs_and_errors(read_paths([f]))
    assert len(docs) == 1 and docs[0].published == date(2024, 3, 4) and len(errors) == 1


def test_csv_detects_article_columns(tmp_path):
    f = tmp_path / "articles.csv"
    f.write_text('unit_id,article_title,article_content,source,date,location\n'
                 f'1,Arvale shelled,"{STORY} He said: ""We will rebuild.""",herald,3/4/2024,north\n'
                 '2,Empty,,herald,3/5/2024,north\n', encoding="utf-8")
    docs, errors = docs_and_errors(read_paths([f]))
    (d,) = docs
    assert d.title == "Arvale shelled" and d.source == "herald"
    assert d.published == date(2024, 3, 4)
    assert '"We will rebuild."' in d.text
    assert len(errors) == 1 and "no text" in str(errors[0])


def test_csv_text_column_option_and_missing_column(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("id,words\n1,\"" + STORY + "\"\n", encoding="utf-8")
    docs, errors = docs_and_errors(read_paths([f]))
    assert not docs and "--text-column" in str(errors[0])
    docs, errors = docs_and_errors(read_paths([f], fields={"text": "words"}))
    assert len(docs) == 1 and not errors


# --- feeds ---------------------------------------------------------------------------------------

RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Test Wire</title><link>https://wire.example/</link>
<item><title>Arvale shelled</title><link>https://wire.example/1</link>
<pubDate>Tue, 05 Mar 2024 08:00:00 +0000</pubDate>
<description>&lt;p&gt;{PARAGRAPHS[0]}&lt;/p&gt;&lt;p&gt;{PARAGRAPHS[1]}&lt;/p&gt;</description></item>
<item><title>Only a link</title><link>https://wire.example/2</link></item>
</channel></rss>"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Test</title>
<entry><title>Convoys</title><link href="https://atom.example/a"/><id>a</id>
<updated>2024-03-06T10:00:00Z</updated>
<content type="html">&lt;p&gt;{PARAGRAPHS[3]}&lt;/p&gt;</content></entry></feed>"""


def test_rss_entries_and_link_only_entry_is_an_error(tmp_path):
    (tmp_path / "wire.rss").write_text(RSS, encoding="utf-8")
    docs, errors = docs_and_errors(read_paths([tmp_path]))
    (d,) = docs
    assert d.source == "Test Wire" and d.url == "https://wire.example/1"
    assert d.published == date(2024, 3, 5) and d.title == "Arvale shelled"
    assert PARAGRAPHS[0] in d.text and PARAGRAPHS[1] in d.text and "<p>" not in d.text
    (e,) = errors
    assert "never fetches" in str(e) and "wire.example/2" in e.where


def test_atom_feed_as_xml(tmp_path):
    (tmp_path / "feed.xml").write_text(ATOM, encoding="utf-8")
    docs, errors = docs_and_errors(read_paths([tmp_path]))
    assert not errors and docs[0].published == date(2024, 3, 6)
    assert PARAGRAPHS[3] in docs[0].text and docs[0].source == "Atom Test"


# --- WARC ----------------------------------------------------------------------------------------

def build_warc(path: Path, pages: list[tuple[str, str]], gz: bool = True) -> None:
    """A WARC with a warcinfo record, an image response and one HTML response per page."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        png = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            "https://herald.example/logo.png", "response", payload=io.BytesIO(b"\x89PNG...."),
            http_headers=png))
        for url, html in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(html.encode()), http_headers=headers))


def pages(n: int) -> list[tuple[str, str]]:
    return [(f"https://herald.example/story/{i}",
             HTML.replace("Arvale", f"Arvale{i}").replace(
                 "https://herald.example/world/arvale-shelling", f"https://herald.example/story/{i}"))
            for i in range(n)]


@pytest.mark.parametrize("gz", [True, False])
def test_warc_html_responses(tmp_path, gz):
    f = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    build_warc(f, pages(3), gz=gz)
    docs, errors = docs_and_errors(read_paths([f]))
    assert not errors
    assert [d.url for d in docs] == [f"https://herald.example/story/{i}" for i in range(3)]
    assert all("killing at least 12 civilians" in d.text for d in docs)
    assert docs[0].published == date(2024, 3, 5) and docs[0].source == "The Test Herald"


def test_truncated_warc_yields_records_read_then_one_error(tmp_path):
    f = tmp_path / "crawl.warc.gz"
    build_warc(f, pages(6))
    data = f.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: int(len(data) * 0.7)])
    docs, errors = docs_and_errors(read_paths([cut]))
    assert 2 <= len(docs) < 6
    assert len(errors) == 1 and "truncated" in str(errors[0])

