"""newsgraph: news reports on conflict and geopolitics in, sourced and queryable evidence out.

    >>> import newsgraph
    >>> record = newsgraph.analyze(text, published="2024-10-31")
    >>> record.quantities[0].high
"""

from .errors import DocumentError
from .pipeline import Document, Pipeline, analyze, analyze_batch
from .record import Record

__all__ = ["analyze", "analyze_batch", "Document", "DocumentError", "Pipeline", "Record"]
__version__ = "0.1.0"
