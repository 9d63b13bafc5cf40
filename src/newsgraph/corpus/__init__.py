"""The corpus: read documents in, store their records in DuckDB, query and compare them.

    >>> from newsgraph.corpus import ingest
    >>> summary = ingest(["news/"], db="news.duckdb")
"""

from __future__ import annotations

from typing import Any

__all__ = ["ingest", "Summary"]


def __getattr__(name: str) -> Any:
    # The runner brings spaCy (a second to import): the web server and the query commands
    # read the store only and never load it.
    if name in __all__:
        from . import runner

        return getattr(runner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
