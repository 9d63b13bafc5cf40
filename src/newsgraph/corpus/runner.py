"""``ingest``: readers -> the pure batch function -> the store, one transaction per batch.

Texts already stored are skipped before they are analysed (so re-running an ingest is fast and
adds nothing twice); a further copy of a stored text read from somewhere else is counted as a
duplicate and kept in ``article_copies``, not analysed again.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Union

from ..errors import DocumentError
from ..pipeline import Document, Pipeline, default_pipeline
from ..record import Record, text_id
from .readers import Item, ReadOptions, read_paths
from .store import Copy, Store

DEFAULT_DB = "newsgraph.duckdb"
DEFAULT_BATCH = 32


@dataclass
class Summary:
    """What one ingest did."""

    db: str
    run_id: str = ""
    read: int = 0  # documents read (texts found), errors not included
    stored: int = 0  # new articles analysed and stored
    duplicates: int = 0  # copies of a text already stored, read from somewhere else
    skipped: int = 0  # read from the same place as before: stored by an earlier run
    errors: int = 0  # documents that failed (reading or analysing)
    seconds: float = 0.0
    error_samples: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Documents read per second."""
        return self.read / self.seconds if self.seconds > 0 else 0.0

    def counts(self) -> dict:
        return {k: getattr(self, k) for k in ("read", "stored", "duplicates", "skipped", "errors")}

    def to_dict(self) -> dict:
        out = asdict(self)
        out["articles_per_second"] = round(self.rate, 2)
        out["seconds"] = round(self.seconds, 3)
        return out


def batches(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """Reader output in groups of ``size`` documents (errors ride along with them)."""
    batch: list[Item] = []
    docs = 0
    for item in items:
        batch.append(item)
        if isinstance(item, Document):
            docs += 1
            if docs >= size:
                yield batch
                batch, docs = [], 0
    if batch:
        yield batch


def _read_from(doc: Document) -> str:
    return doc.where or doc.url or ""


def ingest(paths: Union[str, Path, Iterable[Union[str, Path]]], db: Union[str, Path] = DEFAULT_DB,
           *, published: Union[date, str, None] = None, source: str | None = None,
           batch_size: int = DEFAULT_BATCH, fields: dict[str, str] | None = None,
           pipeline: Pipeline | None = None, model: str | None = None,
           progress: Callable[[Summary], None] | None = None) -> Summary:
    """Read every document under ``paths``, analyse the new ones and store their records.

    ``newsgraph.corpus.ingest(["news/"], db="news.duckdb")`` returns a :class:`Summary`."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = [str(p) for p in paths]
    options = ReadOptions(published=published, source=source, fields=dict(fields or {}))
    if pipeline is not None:
        options.max_chars = pipeline.settings.max_chars
    summary = Summary(db=str(db))
    started = time.perf_counter()
    with Store(db) as store:
        summary.run_id = store.start_run({"paths": paths, "published": published,
                                          "source": source, "batch_size": batch_size,
                                          "fields": fields or {}})
        status = "interrupted"
        try:
            # Loaded lazily: a re-run with nothing new never loads the model.
            def get_pipeline() -> Pipeline:
                return pipeline if pipeline is not None else default_pipeline(model)

            for batch in batches(read_paths(paths, options), max(1, batch_size)):
                _ingest_batch(batch, store, get_pipeline, summary)
                summary.seconds = time.perf_counter() - started
                if progress is not None:
                    progress(summary)
            status = "done"
        finally:
            summary.seconds = time.perf_counter() - started
            store.finish_run(summary.run_id, summary.counts(), status)
    return summary


def _ingest_batch(batch: list[Item], store: Store, get_pipeline: Callable[[], Pipeline],
                  summary: Summary) -> None:
    errors = [i for i in batch if isinstance(i, DocumentError)]
    docs = [i for i in batch if isinstance(i, Document)]
    summary.read += len(docs)
    ids = [text_id(d.text) for d in docs]
    stored_before = store.stored_ids(ids)
    known = store.known_reads([(i, _read_from(d)) for i, d in zip(ids, docs)])
    new: list[Document] = []
    copies: list[Copy] = []
    in_batch: set[str] = set()
    for article_id, doc in zip(ids, docs):
        where = _read_from(doc)
        if (article_id, where) in known:
            summary.skipped += 1
        elif article_id in stored_before or article_id in in_batch:
            copies.append(Copy(article_id, where, doc.url, doc.source, _as_date(doc.published),
                               doc.title))
        else:
            in_batch.add(article_id)
            new.append(doc)
    records: list[tuple[Record, str | None]] = []
    if new:
        for doc, result in zip(new, get_pipeline().analyze_batch(new)):
            if isinstance(result, DocumentError):
                result.where = result.where or _read_from(doc)
                errors.append(result)
            else:
                records.append((result, _read_from(doc)))
    stored_now = {r.article.id for r, _ in records}
    copies = [c for c in copies if c.article_id in stored_before or c.article_id in stored_now]
    summary.stored += len(records)
    summary.duplicates += len(copies)
    summary.errors += len(errors)
    for e in errors[: max(0, 5 - len(summary.error_samples))]:
        summary.error_samples.append(str(e))
    store.write_batch(summary.run_id, records, copies, errors, summary.counts())


def _as_date(value: Any) -> date | None:
    if isinstance(value, date) or value is None:
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
