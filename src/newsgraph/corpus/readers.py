"""Readers: files and streams in, documents out, with one clear error per bad document.

``read_paths`` walks files and folders and yields a :class:`~newsgraph.pipeline.Document` for
each article found, or a :class:`~newsgraph.errors.DocumentError` for each one that cannot be
read; a bad document never stops the rest. Every reader is lazy (a generator), so memory stays
flat however large the corpus.

Formats, chosen by the file name (``.gz`` is looked through) and, for ``.xml``, by a sniff:

=================  =========================================================================
``.txt``, other    plain text (UTF-8 or UTF-16 with a BOM)
``.html``/``.htm`` main text and metadata (title, date, author, site, URL) with trafilatura
``.jsonl``         one JSON object a line: ``text``, ``title``, ``published``, ``source``, ``url``
``.json``          a JSON list of such objects, or JSON lines
``.csv``/``.tsv``  one article a row; the text column is found by its name (or given)
``.rss``/``.atom`` RSS or Atom feed (feedparser): each entry's content or summary
``.warc``/``.arc`` web archives (warcio): HTML responses through trafilatura, WET text records
=================  =========================================================================

The publication date comes from the document's metadata, else from the file (a date in its
name), else from the ``published`` option, else stays unknown.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import sys
import time
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Union

from ..config import DEFAULT_MAX_CHARS
from ..errors import DocumentError
from ..nlp import decode
from ..pipeline import Document

# Bytes read at most from one file: a UTF-8 character is at most 4 bytes, so a file larger than
# this cannot fit the character limit and is refused before it is read into memory.
BYTES_PER_CHAR = 4
# An HTML page carries markup around its text: allow it this many bytes per character of text.
HTML_BYTES_PER_CHAR = 8
# Fewer words than this extracted from a page: a menu, a login wall or an error page.
MIN_PAGE_WORDS = 5

Item = Union[Document, DocumentError]


@dataclass
class ReadOptions:
    """What a reader may be told besides the paths."""

    published: Union[date, str, None] = None  # used when neither metadata nor file name has one
    source: str | None = None  # outlet used when the document does not name one
    max_chars: int = DEFAULT_MAX_CHARS
    # JSONL/CSV field names: record field -> name in the input (defaults: the same name, and for
    # CSV the usual alternatives, see CSV_COLUMNS)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def max_bytes(self) -> int:
        return self.max_chars * BYTES_PER_CHAR


# --- dates ------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_SLASH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
# A date in a file name: 2024-10-31, 2024_10_31, 20241031 (not inside a longer run of digits).
_NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")


def _make_date(year: str | int, month: str | int, day: str | int) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def to_date(value: Any) -> date | None:
    """A date from what metadata holds: a date, ISO text, M/D/YYYY (D/M when the first number is
    over 12), an RFC 2822 date (feeds, mail) or a time.struct_time; None when unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, time.struct_time):
        return _make_date(value.tm_year, value.tm_mon, value.tm_mday)
    text = str(value).strip()
    m = _ISO_DATE.match(text)
    if m:
        return _make_date(*m.groups())
    m = _SLASH_DATE.fullmatch(text.split(" ", 1)[0])
    if m:
        first, second, year = m.groups()
        if int(first) > 12:
            return _make_date(year, second, first)
        return _make_date(year, first, second)
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def date_in_name(path: str | Path) -> date | None:
    """A date written in a file name (``kursk-2024-10-31.txt``, ``20241031_story.html``)."""
    m = _NAME_DATE.search(Path(path).name)
    return _make_date(*m.groups()) if m else None


def pick_date(*candidates: Any) -> date | None:
    """The first candidate that reads as a date."""
    for value in candidates:
        d = to_date(value)
        if d is not None:
            return d
    return None


# --- files ------------------------------------------------------------------------------------

_GZIP_MAGIC = b"\x1f\x8b"
_HIDDEN = (".", "_", "~")


def kind_of(path: Path, head: bytes = b"") -> str:
    """The reader for a file: text, html, jsonl, json, csv, tsv, feed or warc."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    suffix = name.rsplit(".", 1)[-1] if "." in name else ""
    if suffix in ("warc", "arc"):
        return "warc"
    if suffix in ("html", "htm", "xhtml"):
        return "html"
    if suffix in ("jsonl", "ndjson"):
        return "jsonl"
    if suffix in ("json", "csv", "tsv"):
        return suffix
    if suffix in ("rss", "atom"):
        return "feed"
    if suffix == "xml":
        sniff = head[:2048].lower()
        return "feed" if (b"<rss" in sniff or b"<feed" in sniff or b"<rdf" in sniff) else "html"
    return "text"


# Files in a folder that describe the collection rather than being part of it.
_NOT_ARTICLES = re.compile(r"(?i)^(readme|license|licence|copying|notice|changelog|authors)"
                           r"(\.[\w.]+)?$")


def walk(paths: Iterable[Union[str, Path]]) -> Iterator[Union[Path, DocumentError]]:
    """Every file under the paths (folders recursively, in name order; hidden files and a
    folder's README/LICENSE files skipped, unless named on their own)."""
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if (f.is_file() and not any(part.startswith(_HIDDEN) for part in rel)
                        and not _NOT_ARTICLES.match(f.name)):
                    yield f
        elif p.is_file():
            yield p
        elif str(p) == "-":
            yield p
        else:
            yield DocumentError("no such file or folder", "read", str(p))


def read_paths(paths: Iterable[Union[str, Path]], options: ReadOptions | None = None,
               **kwargs: Any) -> Iterator[Item]:
    """Documents (or errors) from files and folders, lazily, in order.

    ``read_paths(["news/"], published="2024-10-31")``: keyword arguments fill ReadOptions."""
    options = options or ReadOptions(**kwargs)
    for path in walk(paths):
        if isinstance(path, DocumentError):
            yield path
            continue
        yield from read_file(path, options)


def read_file(path: Path, options: ReadOptions) -> Iterator[Item]:
    """Documents from one file; an error for the file when it cannot be read at all."""
    where = str(path)
    try:
        if str(path) == "-":
            yield from read_stdin(options)
            return
        with open(path, "rb") as raw:
            head = raw.read(4096)
        kind = kind_of(path, _ungzip_head(head))
        reader = READERS[kind]
        yield from reader(path, options)
    except DocumentError as err:
        err.where = err.where or where
        yield err
    except OSError as err:
        yield DocumentError(f"cannot read: {err.strerror or err}", "read", where)
    except Exception as err:  # a reader bug or a malformed file must not stop the others
        yield DocumentError(f"{type(err).__name__}: {err}", "read", where)


def _ungzip_head(head: bytes) -> bytes:
    if not head.startswith(_GZIP_MAGIC):
        return head
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head)
    except zlib.error:
        return b""


def open_maybe_gzip(path: Path) -> IO[bytes]:
    """The file's bytes, decompressed on the fly when it is gzip'd (by content, not name)."""
    raw = open(path, "rb")
    if raw.read(2) == _GZIP_MAGIC:
        raw.seek(0)
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    raw.seek(0)
    return raw


def read_bytes(path: Path, limit: int) -> bytes:
    """The whole (decompressed) file, refused when larger than limit bytes."""
    where = str(path)
    with open_maybe_gzip(path) as f:
        try:
            data = f.read(limit + 1)
        except (OSError, EOFError, zlib.error) as err:
            raise DocumentError(f"corrupt or truncated gzip data: {err}", "read", where) from None
    if len(data) > limit:
        raise DocumentError(f"document too large: over {limit:,} bytes (set NEWSGRAPH_MAX_CHARS "
                            "to raise the limit)", "read", where)
    return data


def read_text(path: str | Path, max_chars: int) -> str:
    """The text of one plain-text file ('-' for standard input), decoded and checked."""
    where = "<stdin>" if str(path) == "-" else str(path)
    if str(path) == "-":
        data = sys.stdin.buffer.read(max_chars * BYTES_PER_CHAR + 1)
    else:
        p = Path(path)
        if not p.exists():
            raise DocumentError("no such file", "read", where)
        if p.is_dir():
            raise DocumentError("is a folder, not a file", "read", where)
        size = p.stat().st_size
        if size > max_chars * BYTES_PER_CHAR:
            raise DocumentError(
                f"document too large: {size:,} bytes (limit {max_chars:,} characters; "
                "set NEWSGRAPH_MAX_CHARS to raise it)", "read", where)
        try:
            data = p.read_bytes()
        except OSError as err:
            raise DocumentError(f"cannot read: {err.strerror}", "read", where) from None
    if len(data) > max_chars * BYTES_PER_CHAR:
        raise DocumentError(f"document too large (over {max_chars:,} characters)", "read", where)
    return decode(data, where)


def read_stdin(options: ReadOptions) -> Iterator[Item]:
    text = read_text("-", options.max_chars)
    yield Document(text, pick_date(options.published), source=options.source, where="<stdin>")


# --- plain text -------------------------------------------------------------------------------

def read_plain(path: Path, options: ReadOptions) -> Iterator[Item]:
    """One article per file."""
    text = decode(read_bytes(path, options.max_bytes), str(path))
    yield Document(text, pick_date(date_in_name(path), options.published),
                   source=options.source, where=str(path))


# --- HTML -------------------------------------------------------------------------------------

def html_document(html: Union[bytes, str], where: str, options: ReadOptions,
                  url: str | None = None, fallback_date: Any = None) -> Document:
    """The main text and metadata of an HTML page (trafilatura, its fast mode)."""
    import trafilatura

    try:
        found = trafilatura.bare_extraction(html, url=url, fast=True, with_metadata=True,
                                            include_comments=False, include_tables=False)
    except Exception as err:  # trafilatura raises various errors on broken markup
        raise DocumentError(f"cannot extract the page's text: {type(err).__name__}: {err}",
                            "extract-html", where) from None
    meta = found.as_dict() if found is not None and hasattr(found, "as_dict") else (found or {})
    text = (meta.get("text") or "").strip()
    if len(text.split()) < MIN_PAGE_WORDS:
        raise DocumentError("no article text found in the page", "extract-html", where)
    # trafilatura puts one paragraph a line: make the breaks explicit for the sentence splitter.
    text = re.sub(r"\n+", "\n\n", text)
    return Document(
        text=text + "\n",
        published=pick_date(meta.get("date"), fallback_date, options.published),
        title=meta.get("title") or None,
        source=meta.get("sitename") or meta.get("hostname") or options.source,
        url=meta.get("url") or url,
        where=where,
    )


def read_html(path: Path, options: ReadOptions) -> Iterator[Item]:
    data = read_bytes(path, options.max_chars * HTML_BYTES_PER_CHAR)
    if not data.strip():
        raise DocumentError("empty document: nothing to analyse", "read", str(path))
    yield html_document(data, str(path), options, fallback_date=date_in_name(path))


# --- JSON lines, JSON and CSV -----------------------------------------------------------------

FIELDS = ("text", "title", "published", "source", "url")
# Column names tried in order when a CSV/JSON record does not use the default name.
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("text", "article_content", "content", "body", "article_text", "article", "story",
             "full_text", "maintext", "articlebody"),
    "title": ("title", "article_title", "headline", "heading"),
    "published": ("published", "date", "publish_date", "pub_date", "published_at",
                  "date_publish", "datetime", "timestamp"),
    "source": ("source", "outlet", "publisher", "source_name", "site", "sitename", "domain"),
    "url": ("url", "link", "article_url", "source_url"),
}


def _columns(names: Iterable[str], options: ReadOptions, where: str) -> dict[str, str | None]:
    """Which input column holds each document field (None when absent)."""
    by_lower = {n.strip().lower(): n for n in names if n}
    out: dict[str, str | None] = {}
    for f in FIELDS:
        if f in options.fields:
            given = options.fields[f]
            if given not in by_lower.values() and given.lower() not in by_lower:
                raise DocumentError(f"no column {given!r} for the {f}; columns: "
                                    + ", ".join(by_lower.values()), "read", where)
            out[f] = by_lower.get(given.lower(), given)
        else:
            out[f] = next((by_lower[c] for c in CSV_COLUMNS[f] if c in by_lower), None)
    if out["text"] is None:
        raise DocumentError("no text column found (tried " + ", ".join(CSV_COLUMNS["text"])
                            + "); name it with --text-column", "read", where)
    return out


def _row_document(row: dict, columns: dict[str, str | None], path: Path, where: str,
                  options: ReadOptions) -> Item:
    def get(f: str) -> Any:
        name = columns.get(f)
        value = row.get(name) if name else None
        return value if value not in ("", None) else None

    text = get("text")
    if text is None:
        return DocumentError("no text in this record", "read", where)
    if not isinstance(text, str):
        return DocumentError(f"the text field is a {type(text).__name__}, not a string", "read",
                             where)
    title, source, url = get("title"), get("source"), get("url")
    return Document(text, pick_date(get("published"), date_in_name(path), options.published),
                    title=str(title) if title is not None else None,
                    source=str(source) if source is not None else options.source,
                    url=str(url) if url is not None else None, where=where)


def _record_document(row: dict, path: Path, where: str, options: ReadOptions,
                     cache: dict[tuple, dict[str, str | None]]) -> Item:
    """A document from one JSON object (its fields looked up once per set of keys)."""
    keys = tuple(row.keys())
    try:
        if keys not in cache:
            cache[keys] = _columns(keys, options, where)
    except DocumentError as err:
        return err
    return _row_document(row, cache[keys], path, where, options)


def read_jsonl(path: Path, options: ReadOptions) -> Iterator[Item]:
    cache: dict[tuple, dict[str, str | None]] = {}
    with open_maybe_gzip(path) as f:
        for n, line in enumerate(f, 1):
            where = f"{path}:{n}"
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except (ValueError, UnicodeDecodeError) as err:
                yield DocumentError(f"not valid JSON: {err}", "read", where)
                continue
            if not isinstance(row, dict):
                yield DocumentError("a JSON line must be an object", "read", where)
                continue
            yield _record_document(row, path, where, options, cache)


def read_json(path: Path, options: ReadOptions) -> Iterator[Item]:
    """A JSON list of article objects, or (when it is not one) JSON lines."""
    with open_maybe_gzip(path) as f:
        first = f.read(64).lstrip()
    if not first.startswith(b"["):
        yield from read_jsonl(path, options)
        return
    try:
        rows = json.loads(read_bytes(path, 64 * options.max_bytes))
    except ValueError as err:
        raise DocumentError(f"not valid JSON: {err}", "read", str(path)) from None
    cache: dict[tuple, dict[str, str | None]] = {}
    for n, row in enumerate(rows):
        where = f"{path}[{n}]"
        if not isinstance(row, dict):
            yield DocumentError("a list item must be an object", "read", where)
            continue
        yield _record_document(row, path, where, options, cache)


def read_csv(path: Path, options: ReadOptions, delimiter: str | None = None) -> Iterator[Item]:
    csv.field_size_limit(max(options.max_bytes, 1 << 20))
    with open_maybe_gzip(path) as raw:
        f = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        sample = f.read(8192)
        f.seek(0)
        if delimiter is None:
            delimiter = "\t" if path.name.lower().rstrip(".gz").endswith(".tsv") else ","
            if sample.split("\n", 1)[0].count(";") > sample.split("\n", 1)[0].count(","):
                delimiter = ";"
        rows = csv.DictReader(f, delimiter=delimiter)
        columns = _columns(rows.fieldnames or [], options, str(path))
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as err:
                yield DocumentError(f"bad CSV: {err}", "read", f"{path}:{rows.line_num}")
                return
            yield _row_document(row, columns, path, f"{path}:{rows.line_num}", options)


def read_tsv(path: Path, options: ReadOptions) -> Iterator[Item]:
    return read_csv(path, options, "\t")


# --- RSS and Atom -----------------------------------------------------------------------------

_BLOCK_END = re.compile(r"(?i)<\s*(?:br\s*/?|/p|/div|/li|/h[1-6]|/blockquote|/tr)\s*>")


def html_fragment_text(fragment: str) -> str:
    """The text of an HTML fragment (a feed entry's content), one paragraph a block."""
    if "<" not in fragment:
        return fragment.strip()
    import lxml.html

    marked = _BLOCK_END.sub(lambda m: m.group(0) + "\n\n", fragment)
    try:
        text = lxml.html.fromstring(f"<div>{marked}</div>").text_content()
    except Exception:  # markup lxml cannot parse: drop the tags
        text = re.sub(r"<[^>]+>", " ", marked)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\s*\n\s*\n\s*", "\n\n", text).strip()


def read_feed(path: Path, options: ReadOptions) -> Iterator[Item]:
    """Each entry of an RSS/Atom feed whose text is in the feed; never fetches a link."""
    import feedparser

    data = read_bytes(path, 16 * options.max_bytes)
    feed = feedparser.parse(data)
    if not feed.entries:
        problem = feed.get("bozo_exception")
        raise DocumentError(f"no feed entries found{': ' + str(problem) if problem else ''}",
                            "read", str(path))
    outlet = feed.feed.get("title") or options.source
    for n, entry in enumerate(feed.entries):
        link = entry.get("link")
        where = f"{path}#{n + 1}" + (f" ({link})" if link else "")
        contents = [c.get("value", "") for c in entry.get("content", [])]
        body = max(contents, key=len, default="") or entry.get("summary", "")
        text = html_fragment_text(body)
        if not text:
            yield DocumentError("the entry has a link but no text; newsgraph never fetches "
                                "pages: save them and ingest the files", "read", where)
            continue
        title = entry.get("title")
        if title and not text.startswith(title):
            text = f"{title}\n\n{text}"
        yield Document(text + "\n",
                       pick_date(entry.get("published_parsed") or entry.get("published")
                                 or entry.get("updated_parsed"), date_in_name(path),
                                 options.published),
                       title=title or None, source=outlet, url=link, where=where)


# --- WARC and ARC -----------------------------------------------------------------------------

def read_warc(path: Path, options: ReadOptions) -> Iterator[Item]:
    """HTML responses (through trafilatura) and WET text conversions of a WARC or ARC file,
    gzip'd or not. A truncated archive yields the records read so far, then one error."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    limit = options.max_chars * HTML_BYTES_PER_CHAR
    size = path.stat().st_size
    with open(path, "rb") as f:
        archive = ArchiveIterator(f, arc2warc=True)
        records = iter(archive)
        n = 0
        previous = None
        while True:
            try:
                record = next(records, None)
                if previous is not None and _cut_short(previous):
                    raise EOFError(f"record {n} is cut short")
                if record is None:
                    end = getattr(archive, "offset", size) or 0
                    f.seek(end)
                    if f.read(1 << 16).strip():  # bytes left over that are not a record
                        raise EOFError(f"{size - end:,} bytes after record {n} are not a record")
                    return
                n += 1
                previous = record
                if record.rec_type is None or (record.format != "arc" and record.length is None):
                    # warcio's stand-in for a header it cannot parse, or one cut short
                    raise EOFError(f"record {n} has no readable header")
                item = _warc_item(record, path, n, limit, options)
            except (ArchiveLoadFailed, EOFError, zlib.error, OSError, ValueError) as err:
                yield DocumentError(f"archive unreadable after {n - 1} records (truncated or "
                                    f"corrupt): {type(err).__name__}: {err}", "read", str(path))
                return
            if item is not None:
                yield item


def _cut_short(record: Any) -> bool:
    """Whether the archive ended before the record's Content-Length (once it is read)."""
    return getattr(record.raw_stream, "limit", 0) > 0


def _warc_item(record: Any, path: Path, n: int, limit: int, options: ReadOptions) -> Item | None:
    rtype = record.rec_type
    if rtype not in ("response", "resource", "conversion"):
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    where = f"{path}#{n}" + (f" ({url})" if url else "")
    ctype = ""
    if record.http_headers is not None:
        status = record.http_headers.get_statuscode()
        if status and not status.startswith("2"):
            return None
        ctype = record.http_headers.get_header("Content-Type") or ""
    else:
        ctype = record.rec_headers.get_header("Content-Type") or ""
    ctype = ctype.lower()
    is_text = rtype == "conversion" or ctype.startswith("text/plain")
    if not is_text and "html" not in ctype:
        return None  # images, scripts, robots.txt ...
    stream = record.content_stream()
    data = stream.read(limit + 1)
    if len(data) > limit:
        return DocumentError(f"page too large: over {limit:,} bytes", "read", where)
    if _cut_short(record):
        raise EOFError(f"record {n} is cut short")
    crawled = record.rec_headers.get_header("WARC-Date")
    try:
        if is_text:
            text = decode(data, where)
            return Document(text, pick_date(crawled, options.published), source=options.source,
                            url=url, where=where)
        return html_document(data, where, options, url=url, fallback_date=crawled)
    except DocumentError as err:
        return err


READERS = {
    "text": read_plain,
    "html": read_html,
    "jsonl": read_jsonl,
    "json": read_json,
    "csv": read_csv,
    "tsv": read_tsv,
    "feed": read_feed,
    "warc": read_warc,
}
