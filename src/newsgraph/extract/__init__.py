"""Extractors: small components that read the parsed article and return records of one kind.

Each extractor module registers a factory under its name::

    @registry.register("times")
    def make_times(settings) -> Extractor: ...

An extractor is called with a :class:`Context` (the spaCy ``Doc``, the article, and the
records that earlier extractors returned) and returns a list of items of the record list it
fills. It never calls another extractor. The pipeline gives items ids and sentence indexes.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Callable, Protocol

import catalogue
from spacy.tokens import Doc

from ..nlp import Sentences, TokenOffsets
from ..record import Article, Record

registry = catalogue.create("newsgraph", "extractors")

# Which record list each extractor fills; importing the module registers its factory.
FILLS = {
    "actors": "entities",
    "times": "times",
    "quantities": "quantities",
    "places": "places",
    "claims": "claims",
    "events": "events",
}


class Extractor(Protocol):
    def __call__(self, ctx: "Context") -> list: ...


@dataclass
class Context:
    """What an extractor may read."""

    doc: Doc
    article: Article
    published: date | None
    sentences: Sentences
    record: Record  # what earlier extractors found

    @property
    def text(self) -> str:
        return self.article.text

    @cached_property
    def offsets(self) -> TokenOffsets:
        return TokenOffsets(self.doc)

    def char_span(self, start: int, end: int, alignment_mode: str = "expand"):
        """Like ``Doc.char_span`` with "expand"/"contract", by binary search (None if empty)."""
        return self.offsets.span(start, end, alignment_mode)

    def span(self, start: int, end: int) -> dict:
        """The span fields for text[start:end]: pass as ``Time(**ctx.span(s, e), ...)``."""
        return {"text": self.article.text[start:end], "start": start, "end": end,
                "sentence": self.sentences.index(start)}


def get(name: str, settings) -> Callable[[Context], list]:
    """The extractor registered as ``name``, built for these settings."""
    if name not in registry:
        importlib.import_module(f"{__name__}.{name}")
    return registry.get(name)(settings)
