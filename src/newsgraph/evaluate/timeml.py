"""Readers for gold time-expression corpora: TimeML (.tml, TempEval-3 style) and MEANTIME CAT XML.

Both give :class:`TimeDoc` objects: the article text as a reader would see it (body only, no
header material), its creation date, and the gold TIMEX3 spans as character offsets into that
text. The creation-time TIMEX3 is metadata, never a gold item; TIMEX3s without a value or
without any text are skipped and counted, so the report can say what was left out.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

TIMEML = "timeml"
CAT = "cat"
SUFFIXES = (".tml", ".xml")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DAY_FIRST_DATE = re.compile(r"(\d{2})-(\d{2})-(\d{4})$")  # a slip seen in CAT creation times


@dataclass
class Timex:
    """A time expression in a text: character offsets (end exclusive) and TIMEX3 attributes."""

    start: int
    end: int
    type: str = "DATE"
    value: str = ""
    mod: str | None = None


@dataclass
class TimeDoc:
    id: str
    corpus: str  # the top folder under the data folder ("tbaq", "meantime-en"), else the format
    path: str
    text: str
    dct: str | None  # ISO date of the document creation time
    gold: list[Timex] = field(default_factory=list)


def detect_format(head: str) -> str | None:
    """Which reader a file needs, from its first few kilobytes."""
    if "<TimeML" in head:
        return TIMEML
    if "<Document" in head and "<token" in head:
        return CAT
    return None


def read_folder(root: Path, tally: Counter | None = None) -> list[TimeDoc]:
    """Every TimeML or CAT document under ``root`` (recursively, sorted by path).

    A document whose id was already read (the same article copied into two folders) is read
    once. ``tally`` counts what was left out and any repair made, for the report's notes."""
    tally = tally if tally is not None else Counter()
    docs: list[TimeDoc] = []
    seen: set[str] = set()
    for path in sorted(p for p in root.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file()):
        raw = path.read_text(encoding="utf-8", errors="replace")
        fmt = detect_format(raw[:4096])
        if fmt is None:
            continue
        rel = path.relative_to(root)
        corpus = rel.parts[0] if len(rel.parts) > 1 else fmt
        doc = (read_timeml if fmt == TIMEML else read_cat)(raw, str(path), corpus, tally)
        if doc.id in seen:
            tally["documents read twice (same id)"] += 1
            continue
        seen.add(doc.id)
        docs.append(doc)
    return docs


def _keep(timex: ET.Element, text: str, tally: Counter) -> bool:
    """Whether a gold TIMEX3 counts: it needs a value and some text."""
    if not (timex.get("value") or "").strip():
        tally["timexes without a value"] += 1
        return False
    if not text.strip():
        tally["timexes without text"] += 1
        return False
    return True


def _timex(elem: ET.Element, start: int, end: int) -> Timex:
    return Timex(start, end, elem.get("type") or "DATE", (elem.get("value") or "").strip(),
                 elem.get("mod") or None)


# --- TimeML --------------------------------------------------------------------------------------


def read_timeml(raw: str, path: str = "", corpus: str = TIMEML,
                tally: Counter | None = None) -> TimeDoc:
    """A TimeML document: the text of <TEXT> (tags removed, outer whitespace trimmed), the
    DCT from the CREATION_TIME TIMEX3, gold TIMEX3s inside <TEXT>."""
    tally = tally if tally is not None else Counter()
    root = ET.fromstring(raw.encode("utf-8"))
    doc_id = (root.findtext("DOCID") or "").strip() or Path(path).stem
    dct = None
    for timex in root.iter("TIMEX3"):
        if timex.get("functionInDocument") == "CREATION_TIME":
            dct = _iso_date(timex.get("value"))
            break
    body = root.find("TEXT")
    parts: list[str] = []
    found: list[tuple[ET.Element, int, int]] = []
    if body is not None:
        _flatten(body, parts, found)
    full = "".join(parts)
    lead = len(full) - len(full.lstrip())
    text = full.strip()
    gold = []
    for elem, start, end in found:
        if elem.get("functionInDocument") == "CREATION_TIME":
            continue  # a DCT repeated in the body is still metadata
        if _keep(elem, full[start:end], tally):
            gold.append(_timex(elem, start - lead, end - lead))
    return TimeDoc(doc_id, corpus, path, text, dct, gold)


def _flatten(elem: ET.Element, parts: list[str], found: list, pos: int = 0) -> int:
    """Append the text under ``elem`` to ``parts``; record each TIMEX3 with its offsets."""
    if elem.text:
        parts.append(elem.text)
        pos += len(elem.text)
    for child in elem:
        start = pos
        pos = _flatten(child, parts, found, pos)
        if child.tag == "TIMEX3":
            found.append((child, start, pos))
        if child.tail:
            parts.append(child.tail)
            pos += len(child.tail)
    return pos


def _iso_date(value: str | None) -> str | None:
    """YYYY-MM-DD from a TIMEX3 date value (time part dropped); DD-MM-YYYY is read too."""
    value = (value or "").strip()
    match = _ISO_DATE.match(value)
    if match:
        return match.group(0)
    match = _DAY_FIRST_DATE.match(value)
    return f"{match[3]}-{match[2]}-{match[1]}" if match else None


# --- MEANTIME CAT --------------------------------------------------------------------------------

# Tokens written without a space before them, and tokens written without a space after them
# (PTB-style tokens as CAT files have them).
_NO_SPACE_BEFORE = frozenset({",", ".", ";", ":", "%", ")", "]", "}", "?", "!", "...", "'s", "'re",
                              "'ve", "'ll", "'d", "'m", "n't", "'", "''", "”", "’"})
_NO_SPACE_AFTER = frozenset({"(", "[", "{", "$", "US$", "CA$", "AU$", "£", "€", "#", "``", "“",
                             "‘", "`"})
# PTB quote tokens are written as the straight quotes a news text has.
_QUOTE = {"``": '"', "''": '"'}


def read_cat(raw: str, path: str = "", corpus: str = CAT,
             tally: Counter | None = None) -> TimeDoc:
    """A MEANTIME CAT document, its text rebuilt from the tokens of its annotated part.

    The sentences before the dateline (the headline) form the first paragraph; the dateline
    sentence (the tokens of the creation-time TIMEX3) is left out of the text; the following
    sentences, up to the last one with any annotation, form the body paragraph."""
    tally = tally if tally is not None else Counter()
    root = ET.fromstring(raw.encode("utf-8"))
    doc_id = root.get("doc_name") or root.get("doc_id") or Path(path).stem
    tokens = sorted(root.iter("token"), key=lambda t: int(t.get("number") or 0))
    sentence_of = {t.get("t_id"): t.get("sentence") for t in tokens}
    markables = root.find("Markables")
    timexes = list(markables.iter("TIMEX3")) if markables is not None else []
    dct_elem = _cat_dct(timexes, tokens, sentence_of)
    dct_sentences: set[str] = set()
    if dct_elem is not None:
        dct_sentences = {sentence_of[a.get("t_id")] for a in dct_elem.iter("token_anchor")
                         if a.get("t_id") in sentence_of}
    # MEANTIME annotates only the first sentences of each article: the text stops after the
    # last sentence that has any markable, so expressions in unannotated text are not errors.
    annotated = {sentence_of[a.get("t_id")] for a in markables.iter("token_anchor")
                 if a.get("t_id") in sentence_of} if markables is not None else set()
    if annotated:
        last = max(int(s) for s in annotated)
        cut = [t for t in tokens if int(t.get("sentence") or 0) > last]
        if cut:
            tally["CAT sentences after the annotated part left out"] += len(
                {t.get("sentence") for t in cut})
        tokens = [t for t in tokens if int(t.get("sentence") or 0) <= last]
    text, spans = _join_tokens(tokens, dct_sentences)
    gold = []
    for elem in timexes:
        if elem is dct_elem:
            continue
        ids = [a.get("t_id") for a in elem.iter("token_anchor")]
        placed = [spans[i] for i in ids if i in spans]
        if ids and not placed:
            tally["timexes in the left-out dateline"] += 1
            continue
        start = min((s for s, _ in placed), default=0)
        end = max((e for _, e in placed), default=0)
        if _keep(elem, text[start:end], tally):
            gold.append(_timex(elem, start, end))
    dct = None
    if dct_elem is not None:
        dct = _iso_date(dct_elem.get("value"))
        if dct_elem.get("functionInDocument") != "CREATION_TIME":
            tally["creation dates taken from an unmarked dateline"] += 1
        if not _ISO_DATE.match(dct_elem.get("value") or ""):
            tally["creation dates written DD-MM-YYYY"] += 1
    return TimeDoc(doc_id, corpus, path, text, dct, sorted(gold, key=lambda t: t.start))


def _cat_dct(timexes: list[ET.Element], tokens: list[ET.Element],
             sentence_of: dict) -> ET.Element | None:
    """The creation-time TIMEX3; where none is marked, the full date that makes up a whole
    sentence among the first three (the dateline under the headline)."""
    for elem in timexes:
        if elem.get("functionInDocument") == "CREATION_TIME":
            return elem
    by_sentence: dict[str, list[str]] = {}
    for t in tokens:
        by_sentence.setdefault(t.get("sentence"), []).append(t.get("t_id"))
    early = list(by_sentence)[:3]
    for elem in timexes:
        ids = [a.get("t_id") for a in elem.iter("token_anchor")]
        if not ids or not _iso_date(elem.get("value")):
            continue
        sentence = sentence_of.get(ids[0])
        if sentence in early and by_sentence[sentence] == ids:
            return elem
    return None


def _join_tokens(tokens: list[ET.Element], drop_sentences: set[str]
                 ) -> tuple[str, dict[str, tuple[int, int]]]:
    """Text from tokens, with the character span of each token id.

    Paragraph break after the sentences before the dropped ones; spaces elsewhere, except
    around punctuation that attaches to its neighbour. Straight double quotes open and close
    in turn."""
    out: list[str] = []
    pos = 0
    spans: dict[str, tuple[int, int]] = {}
    prev_sentence: str | None = None
    paragraph_due = False
    glue_next = True  # no space before the next token (start of text, after "(" or "$")
    quote_open = False
    for tok in tokens:
        sentence = tok.get("sentence")
        if sentence in drop_sentences:
            paragraph_due = bool(out)
            continue
        raw = tok.text or ""
        word = _QUOTE.get(raw, raw)
        if not word.strip():
            continue
        is_quote = raw == '"'  # PTB `` and '' say which way they face; a straight one alternates
        if paragraph_due and sentence != prev_sentence:
            sep = "\n\n"
        elif glue_next or raw in _NO_SPACE_BEFORE or (is_quote and quote_open):
            sep = ""
        else:
            sep = " "
        paragraph_due = False
        out.append(sep)
        pos += len(sep)
        spans[tok.get("t_id")] = (pos, pos + len(word))
        out.append(word)
        pos += len(word)
        glue_next = raw in _NO_SPACE_AFTER or (is_quote and not quote_open)
        if is_quote:
            quote_open = not quote_open
        prev_sentence = sentence
    return "".join(out), spans
