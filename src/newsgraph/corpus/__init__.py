"""The corpus: read documents in, store their records in DuckDB, query and compare them.

    >>> from newsgraph.corpus import ingest
    >>> summary = ingest(["news/"], db="news.duckdb")
"""

from .runner import Summary, ingest

__all__ = ["ingest", "Summary"]
