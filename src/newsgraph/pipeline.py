"""The one way articles become records: parse once with spaCy, run the extractors in order.

``analyze`` does one article; ``analyze_batch`` is the pure batch function (documents in,
records or per-document errors out, in the same order) that every runner calls.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ContextManager, Iterable, Iterator, Union

from spacy.tokens import Doc

from . import extract, nlp
from .config import Settings
from .errors import DocumentError
from .record import ID_PREFIX, Article, Record, text_id


@dataclass
class Document:
    """An article to analyse, with what its reader knew about it."""

    text: str
    published: Union[date, str, None] = None
    title: str | None = None
    source: str | None = None
    url: str | None = None
    where: str | None = None  # file path or URL, for error messages


Result = Union[Record, DocumentError]


def parse_date(value: Union[date, str, None], where: str | None = None) -> date | None:
    """A publication date from a date, a datetime or an ISO string (time part ignored)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise DocumentError(f"publication date {value!r} is not YYYY-MM-DD", "read",
                            where) from None


def first_line_title(text: str) -> str | None:
    """The first line, when it reads like a headline (short, no sentence end)."""
    line = text.strip().split("\n", 1)[0].strip()
    if 0 < len(line) <= 200 and not line.endswith((".", "?", "!")):
        return line
    return None


@dataclass
class Pipeline:
    """A loaded spaCy model and the extractors, built once and reused for every article."""

    settings: Settings = field(default_factory=Settings)
    # Parse inside spaCy's memory zone (see analyze_batch); off only to compare outputs.
    memory_zone: bool = True

    def __post_init__(self) -> None:
        self.nlp = nlp.load(self.settings.model)
        self.extractors = [(name, extract.FILLS[name], extract.get(name, self.settings))
                           for name in self.settings.extractors]

    def analyze(self, text: str, published: Union[date, str, None] = None, *,
                title: str | None = None, source: str | None = None,
                url: str | None = None) -> Record:
        """Analyse one article. Raises DocumentError for text that cannot be analysed."""
        doc = Document(text, published, title, source, url)
        result = next(self.analyze_batch([doc]))
        if isinstance(result, DocumentError):
            raise result
        return result

    def analyze_batch(self, documents: Iterable[Document]) -> Iterator[Result]:
        """Records (or the error of each failed document) in input order; one bad document
        never stops the rest."""
        documents = list(documents)
        results: list[Result | None] = [None] * len(documents)
        ok: list[tuple[int, Article, date | None]] = []
        for i, d in enumerate(documents):
            try:
                nlp.check_text(d.text, self.settings.max_chars, d.where)
                published = parse_date(d.published, d.where)
            except DocumentError as err:
                results[i] = err
                continue
            article = Article(
                id=text_id(d.text), text=d.text,
                published=published.isoformat() if published else None,
                title=d.title or first_line_title(d.text), source=d.source, url=d.url)
            ok.append((i, article, published))
        emitted = 0
        chunk = max(1, self.settings.batch_size)
        zone = max(chunk, self.settings.zone_docs)
        for start in range(0, len(ok), zone):
            part = ok[start:start + zone]
            # Strings and lexemes first seen in these texts live only as long as the zone, so
            # the vocabulary does not grow with the corpus; the records built inside are plain
            # data and no Doc, Token or Span leaves it. A zone spans many parser batches: each
            # zone makes its new words' lexemes again (about 5% of the time at 16 documents a
            # zone, under 1% at 256).
            with self._zone():
                docs = self.nlp.pipe((a.text for _, a, _ in part), batch_size=chunk)
                for (i, article, published), parsed in zip(part, docs):
                    try:
                        results[i] = self.extract(parsed, article, published)
                    except Exception as err:  # a bug on one document must not lose the batch
                        results[i] = DocumentError(f"{type(err).__name__}: {err}", "extract",
                                                   documents[i].where)
            # Hand back finished results as soon as everything before them is done.
            while emitted < len(results) and results[emitted] is not None:
                yield results[emitted]
                emitted += 1
        while emitted < len(results):
            yield results[emitted]
            emitted += 1

    def _zone(self) -> ContextManager[Any]:
        """spaCy's memory zone around one chunk of parsing, or nothing when switched off."""
        return self.nlp.memory_zone() if self.memory_zone else nullcontext()

    def extract(self, doc: Doc, article: Article, published: date | None) -> Record:
        """Run every extractor over one parsed article."""
        record = Record(article=article)
        ctx = extract.Context(doc=doc, article=article, published=published,
                              sentences=nlp.Sentences(doc), record=record)
        for _name, list_name, extractor in self.extractors:
            items = sorted(extractor(ctx), key=lambda it: (it.start, it.end))
            prefix = ID_PREFIX[list_name]
            for n, item in enumerate(items, 1):
                item.id = item.id or f"{prefix}{n}"
            setattr(record, list_name, items)
        return record


_DEFAULT: dict[str, Pipeline] = {}


def default_pipeline(model: str | None = None) -> Pipeline:
    settings = Settings() if model is None else Settings(model=model)
    if settings.model not in _DEFAULT:
        _DEFAULT[settings.model] = Pipeline(settings)
    return _DEFAULT[settings.model]


def analyze(text: str, published: Union[date, str, None] = None, *, title: str | None = None,
            source: str | None = None, url: str | None = None,
            model: str | None = None) -> Record:
    """Analyse one article: ``newsgraph.analyze(text, published=date(2024, 10, 31))``."""
    return default_pipeline(model).analyze(text, published, title=title, source=source, url=url)


def analyze_batch(documents: Iterable[Document], model: str | None = None) -> Iterator[Result]:
    """The batch function every runner calls: documents in, records or errors out, in order."""
    return default_pipeline(model).analyze_batch(documents)
