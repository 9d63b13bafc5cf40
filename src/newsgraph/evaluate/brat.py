"""Reader for attribution corpora in BRAT standoff: ``.txt`` texts and ``.ann`` annotations.

An attribution is a BRAT event whose arguments are text-bound spans in the roles Source, Cue
and Content (numbered repeats such as ``Content2`` join their role). Spans may be
discontinuous (``"start end;start end"``). PolNeAR keeps texts and annotations in sibling
folders and names each annotation after its text plus an annotator suffix
(``article.txt`` / ``article_ef2d.ann``); plain BRAT keeps ``article.txt`` beside
``article.ann``. :func:`read_folder` pairs both ways: an annotation belongs to the text whose
name is the annotation's name, or that name with trailing ``_``/``-``/``.`` parts removed.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

Span = tuple[int, int]
ROLES = ("source", "cue", "content")

# "T3<TAB>Content 315 448;463 553<TAB>words": a span's text may run over several lines, so
# lines that match neither this nor an event are the tail of such a span and are skipped.
_TEXTBOUND = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)(?:\t(.*))?$")
_EVENT = re.compile(r"^(E\d+)\t(\S.*)$")
_ROLE_NUMBER = re.compile(r"\d+$")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")
_NAME_TAIL = re.compile(r"[_.-][^_.-]*$")
METADATA = "metadata.tsv"


@dataclass
class Attribution:
    """Who (source) says (cue) what (content): each role a list of (start, end) spans, empty
    when the role is absent (an attribution without a source)."""

    source: list[Span] = field(default_factory=list)
    cue: list[Span] = field(default_factory=list)
    content: list[Span] = field(default_factory=list)
    id: str = ""

    def spans(self, role: str) -> list[Span]:
        return getattr(self, role)


@dataclass
class AttributionDoc:
    id: str  # the text file's name without .txt
    path: str  # the text file
    ann: str  # the annotation file read for it
    text: str
    published: str | None  # ISO date
    gold: list[Attribution] = field(default_factory=list)


def parse_ann(ann: str, text: str, skipped: Counter | None = None) -> list[Attribution]:
    """The attributions of one .ann file, in event order, as offsets into ``text``."""
    skipped = skipped if skipped is not None else Counter()
    spans: dict[str, list[Span]] = {}
    events: list[tuple[str, list[str]]] = []
    for line in ann.splitlines():
        if match := _TEXTBOUND.match(line):
            tid, _label, offsets, words = match.groups()
            parts = _parts(offsets, len(text), skipped)
            # the words (parts in written order) stop at the first line break of the span
            if words and not " ".join(text[s:e] for s, e in parts).startswith(words):
                skipped["spans whose text differs from the file (kept)"] += 1
            spans[tid] = sorted(parts)
        elif match := _EVENT.match(line):
            events.append((match.group(1), match.group(2).split()))
    found = []
    for eid, args in events:
        attribution = Attribution(id=eid)
        for arg in args[1:]:  # the first argument is the trigger
            role, _, ref = arg.partition(":")
            role = _ROLE_NUMBER.sub("", role).lower()
            if role in ROLES and ref in spans:
                attribution.spans(role).extend(spans[ref])
            elif role in ROLES:
                skipped["event arguments pointing at no span"] += 1
        if not attribution.cue and not attribution.content:
            skipped["events without cue or content"] += 1
            continue
        for role in ROLES:
            attribution.spans(role).sort()
        found.append(attribution)
    return found


def _parts(offsets: str, length: int, skipped: Counter) -> list[Span]:
    parts = []
    for piece in offsets.split(";"):
        start, end = (int(n) for n in piece.split())
        if 0 <= start < end <= length:
            parts.append((start, end))
        else:
            skipped["span parts outside the text"] += 1
    return parts


def pair_files(root: Path, skipped: Counter | None = None) -> list[tuple[Path, Path]]:
    """(text, annotation) pairs under ``root``, sorted by text path; one annotation per text
    (the first by path where several annotators' files exist)."""
    skipped = skipped if skipped is not None else Counter()
    texts: dict[str, list[Path]] = {}
    for path in sorted(root.rglob("*.txt")):
        texts.setdefault(path.stem, []).append(path)
    chosen: dict[Path, Path] = {}
    for ann in sorted(root.rglob("*.ann")):
        text = _text_for(ann, texts)
        if text is None:
            skipped["annotation files without a text"] += 1
        elif text in chosen:
            skipped["further annotators' files of a text already read"] += 1
        else:
            chosen[text] = ann
    # Unpaired texts beside paired ones are articles nobody annotated (a README elsewhere is not).
    folders = {p.parent for p in chosen}
    unpaired = sum(1 for group in texts.values() for p in group
                   if p not in chosen and p.parent in folders)
    if unpaired:
        skipped["texts without an annotation file"] += unpaired
    return sorted(chosen.items())


def _text_for(ann: Path, texts: dict[str, list[Path]]) -> Path | None:
    """The text an annotation file belongs to: same name, else the name with its last
    ``_x``/``-x``/``.x`` parts removed one at a time; among same-named texts the one nearest
    in the folder tree."""
    name = ann.stem
    while name:
        if name in texts:
            return max(texts[name], key=lambda p: _shared_parts(p, ann))
        shorter = _NAME_TAIL.sub("", name)
        if shorter == name:
            return None
        name = shorter
    return None


def _shared_parts(a: Path, b: Path) -> int:
    n = 0
    for x, y in zip(a.parent.parts, b.parent.parts):
        if x != y:
            break
        n += 1
    return n


def publication_dates(root: Path) -> dict[str, str]:
    """Dates by file name from a PolNeAR-style metadata.tsv (``filename``,
    ``publication_date`` columns) in ``root`` or up to three folders above it."""
    for folder in [root, *root.resolve().parents][:4]:
        path = folder / METADATA
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as f:
                rows = csv.DictReader(f, delimiter="\t")
                if not rows.fieldnames or not {"filename", "publication_date"} <= set(
                        rows.fieldnames):
                    return {}
                return {r["filename"]: r["publication_date"] for r in rows
                        if _ISO_DATE.fullmatch((r["publication_date"] or "").strip())}
    return {}


def read_folder(root: Path, skipped: Counter | None = None) -> list[AttributionDoc]:
    """Every annotated text under ``root`` (recursively, sorted by path)."""
    skipped = skipped if skipped is not None else Counter()
    dates = publication_dates(root)
    docs = []
    for text_path, ann_path in pair_files(root, skipped):
        text = text_path.read_bytes().decode("utf-8")  # as stored: offsets count every char
        ann = ann_path.read_bytes().decode("utf-8")
        in_name = _ISO_DATE.search(text_path.stem)
        published = dates.get(text_path.stem) or (in_name.group(1) if in_name else None)
        docs.append(AttributionDoc(text_path.stem, str(text_path), str(ann_path), text,
                                   published, parse_ann(ann, text, skipped)))
    return docs
