"""newsgraph: news reports on conflict and geopolitics in, sourced and queryable evidence out.

    >>> import newsgraph
    >>> record = newsgraph.analyze(text, published="2024-10-31")
    >>> record.quantities[0].high

The pipeline (and with it spaCy) is imported on first use, so commands that only query a
database start fast.
"""

from importlib import import_module

from .errors import DocumentError
from .record import Record

__all__ = ["analyze", "analyze_batch", "Document", "DocumentError", "Pipeline", "Record"]
__version__ = "0.1.0"

_LAZY = {"analyze": "pipeline", "analyze_batch": "pipeline", "Document": "pipeline",
         "Pipeline": "pipeline"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'newsgraph' has no attribute {name!r}")
