"""Attribution (quotes and reported speech): newsgraph's ``claims`` against gold source / cue /
content spans, beside textacy's direct-quotation rules run on the same texts in the same run.

``run(data)`` reads a BRAT standoff corpus (see :mod:`newsgraph.evaluate.brat`; PolNeAR's
layout works as it is), runs each system, and scores the source, cue and content spans the way
BBC's Citron evaluates quote extraction (``citron/metrics.py``):

* exact: a predicted cue is right when a gold cue has the same span; a predicted source (or
  content) is right when a gold attribution whose cue overlaps the predicted cue has the same
  source (content) span. Recall counts the gold items found the same way.
* overlap: token overlap. P = tokens of predicted spans that lie in gold spans of the same
  role / tokens of predicted spans; R = tokens of gold spans that lie in predicted spans /
  tokens of gold spans; summed over documents.

MEASURE_NOTES (printed under the table) says where this departs from Citron and why.
"""

from __future__ import annotations

import importlib.util
import re
import time
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import Output, Report, Unavailable
from .brat import ROLES, Attribution, AttributionDoc, Span, read_folder

PEERS = ("textacy",)
NAMES = {"newsgraph": "newsgraph", "textacy": "textacy", "gold": "gold (sanity check)"}
# Kinds of gold cue, for recall by kind: what the issue calls claims (speech, findings,
# thought), stances and intents, and the rest (PolNeAR also marks verbs of action as cues).
CUE_KINDS = ("speech & thought", "stance & intent", "other")
_KIND_OF_CLASS = {"speech": 0, "finding": 0, "cognition": 0, "quote_cues": 0, "sourceless": 0,
                  "sourceless_passive": 0, "nominal_sources": 0,
                  "stance": 1, "emotion_verbs": 1, "intent": 1, "nominal_cues": 1}
COLUMNS = ["system", "docs", "predicted",
           *(f"{role} {how} {m}" for role in ROLES for how in ("exact", "overlap")
             for m in ("P", "R", "F1")),
           *(f"source overlap R: {kind}" for kind in CUE_KINDS),
           "pronoun source acc", "docs/s"]
# The extractors the claims extractor may read (its sources are actors), run before it.
BEFORE_CLAIMS = ("actors", "times", "quantities")
# Gold sources that are only a personal pronoun or a possessive one ("his view").
PRONOUNS = frozenset("i me my we us our you your he him his she her they them their it its"
                     .split())
_TOKEN = re.compile(r"\w+|[^\w\s]")
# Characters an exact span match forgives at either end: spaces, punctuation, quote marks.
_EDGE_SYMBOLS = frozenset("`´'\"")


# --- spans -----------------------------------------------------------------------------------


def _is_edge(ch: str) -> bool:
    return ch.isspace() or ch in _EDGE_SYMBOLS or unicodedata.category(ch).startswith("P")


def trimmed_hull(text: str, spans: list[Span]) -> Span | None:
    """From the first part's start to the last part's end, without the spaces, punctuation and
    quote marks at either end (kept whole when it is nothing else, as a cue ":" is); None for
    no spans."""
    if not spans:
        return None
    hull = (min(s for s, _ in spans), max(e for _, e in spans))
    return _trim(text, hull, _is_edge) or _trim(text, hull, str.isspace) or hull


def _trim(text: str, span: Span, drop: Callable[[str], bool]) -> Span | None:
    start, end = span
    while start < end and drop(text[start]):
        start += 1
    while end > start and drop(text[end - 1]):
        end -= 1
    return (start, end) if start < end else None


def overlaps(a: list[Span], b: list[Span]) -> bool:
    """Whether any part of ``a`` shares a character with any part of ``b``."""
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


class Tokens:
    """Word and punctuation tokens of a text (a tokenizer no system under test uses), so that
    overlap is counted in tokens as Citron does, the same way for every system."""

    def __init__(self, text: str):
        found = [m.span() for m in _TOKEN.finditer(text)]
        self.starts = [s for s, _ in found]
        self.ends = [e for _, e in found]

    def ranges(self, spans: list[Span]) -> list[tuple[int, int]]:
        """Token index ranges [i, j) of the tokens the spans touch, merged."""
        return _merge([(bisect_right(self.ends, s), bisect_left(self.starts, e))
                       for s, e in spans])


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted ranges with overlapping or touching ones joined (empty ones dropped)."""
    out: list[tuple[int, int]] = []
    for i, j in sorted(ranges):
        if i >= j:
            continue
        if out and i <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], j))
        else:
            out.append((i, j))
    return out


def _length(ranges: list[tuple[int, int]]) -> int:
    return sum(j - i for i, j in ranges)


def _shared(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    return sum(max(0, min(j1, j2) - max(i1, i2)) for i1, j1 in a for i2, j2 in b)


# --- scoring ---------------------------------------------------------------------------------


@dataclass
class Tally:
    """Counts the measures are computed from, summed over documents."""

    docs: int = 0
    pred: int = 0
    # per role: items predicted / gold with that role, exact hits among predicted / among gold,
    # and token counts for the overlap measures
    exact_pred: Counter = field(default_factory=Counter)
    exact_gold: Counter = field(default_factory=Counter)
    exact_pred_hit: Counter = field(default_factory=Counter)
    exact_gold_hit: Counter = field(default_factory=Counter)
    pred_shared: Counter = field(default_factory=Counter)  # predicted tokens in a gold span
    gold_shared: Counter = field(default_factory=Counter)  # gold tokens in a predicted span
    pred_tokens: Counter = field(default_factory=Counter)
    gold_tokens: Counter = field(default_factory=Counter)
    # gold source tokens, and those found, by the kind of the gold cue (CUE_KINDS)
    kind_tokens: Counter = field(default_factory=Counter)
    kind_shared: Counter = field(default_factory=Counter)
    pronoun_gold: int = 0
    pronoun_right: int = 0
    seconds: float = 0.0

    def add(self, other: "Tally") -> None:
        for name in self.__dataclass_fields__:
            mine = getattr(self, name)
            if isinstance(mine, Counter):
                mine.update(getattr(other, name))
            else:
                setattr(self, name, mine + getattr(other, name))

    def row(self) -> list:
        cells: list = [self.docs, self.pred]
        for role in ROLES:
            p = (self.exact_pred_hit[role] / self.exact_pred[role]
                 if self.exact_pred[role] else 0.0)
            r = (self.exact_gold_hit[role] / self.exact_gold[role]
                 if self.exact_gold[role] else 0.0)
            cells += [p, r, _f1(p, r)]
            p = (self.pred_shared[role] / self.pred_tokens[role]
                 if self.pred_tokens[role] else 0.0)
            r = (self.gold_shared[role] / self.gold_tokens[role]
                 if self.gold_tokens[role] else 0.0)
            cells += [p, r, _f1(p, r)]
        for kind in CUE_KINDS:
            n = self.kind_tokens[kind]
            cells.append(self.kind_shared[kind] / n if n else None)
        cells.append(self.pronoun_right / self.pronoun_gold if self.pronoun_gold else None)
        cells.append(self.docs / self.seconds if self.seconds else None)
        return cells


def _exact_hits(text: str, role: str, items: list[Attribution], others: list[Attribution]
                ) -> tuple[int, int]:
    """(items that have the role, those of them with an exact counterpart in ``others``).

    A cue's counterpart is any cue with the same trimmed span; a source's or content's must
    also belong to an attribution whose cue overlaps this item's cue (Citron's rule)."""
    have = hits = 0
    for item in items:
        span = trimmed_hull(text, item.spans(role))
        if span is None:
            continue
        have += 1
        for other in others:
            if role != "cue" and not overlaps(item.cue, other.cue):
                continue
            if trimmed_hull(text, other.spans(role)) == span:
                hits += 1
                break
    return have, hits


def is_pronoun_source(text: str, attribution: Attribution) -> bool:
    span = trimmed_hull(text, attribution.source)
    return span is not None and text[span[0]:span[1]].lower() in PRONOUNS


def score(doc: AttributionDoc, pred: list[Attribution], tokens: Tokens | None = None,
          kinds: list[str] | None = None) -> Tally:
    """The counts for one document; ``kinds`` gives the kind of each gold attribution's cue
    (CUE_KINDS), for recall by kind."""
    text, gold = doc.text, doc.gold
    tokens = tokens or Tokens(text)
    tally = Tally(docs=1, pred=len(pred))
    for role in ROLES:
        tally.exact_pred[role], tally.exact_pred_hit[role] = _exact_hits(text, role, pred, gold)
        tally.exact_gold[role], tally.exact_gold_hit[role] = _exact_hits(text, role, gold, pred)
        pred_ranges = [tokens.ranges(p.spans(role)) for p in pred]
        gold_ranges = [tokens.ranges(g.spans(role)) for g in gold]
        all_pred = _merge([r for ranges in pred_ranges for r in ranges])
        all_gold = _merge([r for ranges in gold_ranges for r in ranges])
        tally.pred_tokens[role] = sum(_length(r) for r in pred_ranges)
        tally.gold_tokens[role] = sum(_length(r) for r in gold_ranges)
        tally.pred_shared[role] = sum(_shared(r, all_gold) for r in pred_ranges)
        tally.gold_shared[role] = sum(_shared(r, all_pred) for r in gold_ranges)
        if role == "source" and kinds is not None:
            for kind, r in zip(kinds, gold_ranges):
                tally.kind_tokens[kind] += _length(r)
                tally.kind_shared[kind] += _shared(r, all_pred)
    for g in gold:
        if not is_pronoun_source(text, g):
            continue
        tally.pronoun_gold += 1
        tally.pronoun_right += any(
            (overlaps(p.cue, g.cue) or overlaps(p.content, g.content))
            and overlaps(p.source, g.source) for p in pred)
    return tally


def gold_cue_kinds(docs: list[AttributionDoc], model: str | None = None
                   ) -> list[list[str]] | None:
    """The kind (CUE_KINDS) of each gold attribution's cue, from the lemmas of its words (read
    in their sentence: "hoping" alone would be "hop") and the claims lexicon's classes:
    "according to" and a colon are speech. None where the lexicon or the model cannot be
    loaded."""
    try:
        from .. import nlp as newsgraph_nlp
        from ..extract.claims import CUE_CLASSES

        nlp = newsgraph_nlp.load(model)
    except Exception:  # the breakdown is extra: the table stands without it
        return None
    off = [name for name in ("parser", "ner") if name in nlp.pipe_names]
    out = []
    for doc, parsed in zip(docs, nlp.pipe((d.text for d in docs), disable=off)):
        kinds = []
        for g in doc.gold:
            words = [t for s, e in g.cue
                     for t in (parsed.char_span(s, e, alignment_mode="expand") or ())]
            found = {_KIND_OF_CLASS.get(CUE_CLASSES.get(t.lemma_.lower(), ""), 2)
                     for t in words}
            if any(t.lower_ == "according" or t.text == ":" for t in words):
                found.add(0)
            kinds.append(CUE_KINDS[min(found, default=2)])
        out.append(kinds)
    return out


# --- systems ---------------------------------------------------------------------------------


def _extractor_present(name: str) -> bool:
    from .. import extract

    return (name in extract.FILLS
            and importlib.util.find_spec(f"newsgraph.extract.{name}") is not None)


def claim_attributions(claims: Iterable) -> list[Attribution]:
    """Attributed claims (kind quote or reported) as attributions: content = the claim's span
    less the cue and source where they stand inside it, cue = its cue span, source = the words
    naming its source."""
    found = []
    for c in claims:
        if c.kind not in ("quote", "reported"):
            continue
        cue = [(c.cue_start, c.cue_end)] if c.cue_start is not None and c.cue_end else []
        source = ([(c.source_start, c.source_end)]
                  if c.source_start is not None and c.source_end else [])
        found.append(Attribution(source=source, cue=cue,
                                 content=_less(c.start, c.end, cue + source), id=c.id))
    return found


def _less(start: int, end: int, inside: list[Span]) -> list[Span]:
    """[start, end) without the spans that lie inside it: a content with its cue and source
    set inside ("Their politics, he said, are changing") is the words around them, as quote
    corpora mark it (two parts)."""
    held = [(s, e) for s, e in inside if start < s and e < end]
    if not held:
        return [(start, end)]
    # cue and source together ("he said") are one gap
    lo, hi = min(s for s, _ in held), max(e for _, e in held)
    parts = [(start, lo), (hi, end)]
    return parts


def run_newsgraph(docs: list[AttributionDoc], model: str | None = None) -> Output:
    """newsgraph's ``claims`` (after the extractors it reads); each document timed over the
    whole ``analyze`` call, spaCy parse included."""
    if not _extractor_present("claims"):
        raise Unavailable("the claims extractor does not exist yet "
                          "(newsgraph.extract.claims / extract.FILLS['claims'])")
    extractors = tuple(n for n in BEFORE_CLAIMS if _extractor_present(n)) + ("claims",)
    try:
        from ..config import Settings
        from ..errors import DocumentError
        from ..pipeline import Pipeline

        settings = Settings(extractors=extractors)
        if model:
            settings.model = model
        started = time.perf_counter()
        pipeline = Pipeline(settings)
        load = time.perf_counter() - started
    except Exception as err:  # a broken extractor is reported, not a crash
        raise Unavailable(f"{type(err).__name__}: {err}") from err
    found, seconds, failed = [], [], Counter()
    for doc in docs:
        started = time.perf_counter()
        try:
            record = pipeline.analyze(doc.text, published=doc.published)
            attributions = claim_attributions(record.claims)
        except DocumentError as err:
            failed[str(err)[:120]] += 1
            attributions = []
        seconds.append(time.perf_counter() - started)
        found.append(attributions)
    notes = [f"newsgraph: model {settings.model}, extractors {extractors}, "
             "`Pipeline.analyze(text, published)` per document; claims of kind quote and "
             "reported are attributions (content = the claim span, cue = cue_start..cue_end, "
             "source = source_start..source_end); unattributed claims are left out. Loading "
             f"took {load:.1f} s (not in docs/s)."]
    missing = [n for n in BEFORE_CLAIMS if n not in extractors]
    if missing:
        notes.append(f"newsgraph: extractors not available and left out: {', '.join(missing)}.")
    notes += [f"newsgraph: {n} documents failed ({why})" for why, n in failed.items()]
    notes.append(_model_note())
    return Output(found, seconds, notes)


def _model_note() -> str:
    """What the claims extractor's learned layer was trained on (it must not be the split
    evaluated here)."""
    try:
        from ..extract import claim_model
    except ImportError:
        return "newsgraph: rules only (no learned attribution layer)."
    model = claim_model.current()
    if model is None:
        return "newsgraph: rules only (no learned attribution layer in the package)."
    return ("newsgraph: rules plus the learned attribution layer (lexicon/claim_model.json, "
            f"{len(model.lemmas)} lemmas scored), trained by `python -m "
            "newsgraph.evaluate.train_claims` on the training split only (PolNeAR train); "
            "the dev split scored here was not used to train or tune it. It adds claims only "
            "for cues of the lexicon and only with a speaker (verbs of action that the corpus "
            "marks as cues stay events), and never ends a source with a comma: both cost a "
            "little overlap here and keep out claims an analyst would not call claims.")


def token_spans(tokens) -> list[Span]:
    """Character spans of runs of adjacent tokens (a textacy speaker or cue is a token list
    that need not be contiguous: "Smith and Jones", "did not say")."""
    spans: list[Span] = []
    last = None
    for tok in sorted(tokens, key=lambda t: t.i):
        if last is not None and tok.i == last + 1:
            spans[-1] = (spans[-1][0], tok.idx + len(tok.text))
        else:
            spans.append((tok.idx, tok.idx + len(tok.text)))
        last = tok.i
    return spans


def run_textacy(docs: list[AttributionDoc], model: str | None = None) -> Output:
    """textacy's ``extract.triples.direct_quotations`` on each text parsed by newsgraph's
    spaCy pipeline (the same model and sentence rules); timed over parse + extraction."""
    try:
        import textacy
        from textacy.extract.triples import direct_quotations
    except ImportError as err:
        raise Unavailable(f"textacy is not installed ({err})") from err
    from .. import nlp as newsgraph_nlp

    try:
        nlp = newsgraph_nlp.load(model)
    except RuntimeError as err:
        raise Unavailable(str(err)) from err
    found, seconds, bailed = [], [], 0
    for doc in docs:
        started = time.perf_counter()
        parsed = nlp(doc.text)
        try:
            triples = list(direct_quotations(parsed))
        except ValueError:  # an odd number of quote marks: textacy gives up on the document
            triples, bailed = [], bailed + 1
        attributions = [Attribution(source=token_spans(t.speaker), cue=token_spans(t.cue),
                                    content=[(t.content.start_char, t.content.end_char)])
                        for t in triples]
        seconds.append(time.perf_counter() - started)
        found.append(attributions)
    notes = [f"textacy {textacy.__version__}: `textacy.extract.triples.direct_quotations(doc)` "
             "on the same spaCy pipeline newsgraph uses; speaker tokens -> source, cue tokens "
             "-> cue, content span (quote marks included) -> content. It finds direct quotes "
             "only, and its speaker is the head noun with compounds and conjuncts (no "
             "determiners or modifiers: 'minister', not 'the foreign minister')."]
    if bailed:
        notes.append(f"textacy: gave up on {bailed} of {len(docs)} documents (an odd number of "
                     "quote marks), counted as finding nothing.")
    return Output(found, seconds, notes)


def run_gold(docs: list[AttributionDoc], model: str | None = None) -> Output:
    """The gold attributions themselves: every measure must come out 1.0."""
    return Output([list(d.gold) for d in docs], [0.0] * len(docs),
                  ["gold (sanity check): the gold attributions scored against themselves."])


RUNNERS: dict[str, Callable[..., Output]] = {"textacy": run_textacy, "gold": run_gold}


# --- the evaluation --------------------------------------------------------------------------


def choose_split(data: Path) -> tuple[Path, str | None]:
    """A corpus folder with a dev split is evaluated on it alone (train is for development
    and a test split is kept unseen)."""
    if (data / "dev").is_dir():
        return data / "dev", f"the dev split ({data / 'dev'}) of {data}"
    return data, None


def run(data: Path, peers: Iterable[str] = PEERS, limit: int | None = None,
        model: str | None = None) -> Report:
    """Score newsgraph and the peers on every annotated text under ``data``."""
    folder, split_note = choose_split(Path(data))
    skipped: Counter = Counter()
    docs = read_folder(folder, skipped)
    if limit is not None:
        docs = docs[:limit]
    report = Report(title="Attribution: source, cue and content spans of quotes and reported "
                    "speech", columns=COLUMNS)
    systems: list[tuple[str, Callable[..., Output]]] = [("newsgraph", run_newsgraph)]
    for peer in peers:
        if peer in RUNNERS:
            systems.append((peer, RUNNERS[peer]))
        else:
            report.notes.append(f"{peer}: not a known peer (known: {', '.join(RUNNERS)}).")
    results: dict[str, Output] = {}
    for name, runner in systems:
        try:
            results[name] = runner(docs, model)
        except Unavailable as why:
            report.notes.append(f"{NAMES[name]}: not available: {why}")
    tokens = [Tokens(d.text) for d in docs]
    kinds = gold_cue_kinds(docs, model)
    for name, _runner in systems:
        if name not in results:
            report.rows.append([NAMES[name], "not available"] + [None] * (len(COLUMNS) - 2))
            continue
        out, total = results[name], Tally()
        for i, (doc, doc_tokens, found, seconds) in enumerate(
                zip(docs, tokens, out.found, out.seconds)):
            one = score(doc, found, doc_tokens, kinds[i] if kinds else None)
            one.seconds = seconds
            total.add(one)
        report.rows.append([NAMES[name], *total.row()])
    report.notes = _data_notes(docs, folder, split_note, skipped, limit) + report.notes
    if kinds:
        report.notes.append(_kind_note(docs, tokens, kinds))
    for out in results.values():
        report.notes += out.notes
    report.notes += MEASURE_NOTES
    return report


MEASURE_NOTES = [
    "exact (after Citron's metrics.py): spans compare as the hull of their parts (first start "
    "to last end) with spaces, punctuation and quote marks trimmed from both ends. A predicted "
    "cue is a hit when some gold cue is equal; a predicted source or content is a hit when "
    "some gold attribution whose cue overlaps the predicted cue has an equal source / content "
    "(Citron's cue gate). P = hits among predicted items that have that role; R = gold items "
    "that have it and are hit the same way from the gold side. Unlike Citron, R counts gold "
    "items found rather than predicted hits, so duplicate predictions cannot raise it; and "
    "attributions without a source (PolNeAR's Attribution-no-source) count for cue and "
    "content but not for source, on either side.",
    "overlap (Citron's token overlap): texts are split into word and punctuation tokens (one "
    "regex, the same for every system); for each role, P = tokens of predicted spans that lie "
    "in some gold span / tokens of predicted spans, R = tokens of gold spans that lie in some "
    "predicted span / tokens of gold spans, summed over documents. Discontinuous spans count "
    "as the union of their parts. No matching and no cue gate: a predicted content is "
    "credited for whatever gold content it covers. Citron sums the overlap of every "
    "(predicted, gold) pair instead; that is the same number unless spans of one side "
    "overlap each other (PolNeAR sometimes gives two attributions one source span, which "
    "the pair sum counts twice and could push P or R above 1).",
    "source overlap R by kind of cue: the source overlap recall of the gold attributions "
    "whose cue holds a word the claims lexicon lists as speech, finding or thought (say, "
    "tell, find, believe, want; 'according to' and a colon too), as stance or intent "
    "(oppose, support, endorse, demand), or neither (other: mostly verbs of action that the "
    "corpus also marks, such as 'vetoed', 'hired', 'is a surrogate for'). A gold "
    "attribution takes the first of these kinds that any of its cue's lemmas has. The "
    "lexicon is newsgraph's own, so this splits the gold by what newsgraph sets out to find; "
    "it is a breakdown of R, not a second measure.",
    "pronoun source acc: among gold attributions whose source is only a personal or "
    "possessive pronoun (he, she, they, it, I, we, you, his, their ...), the share for which "
    "some prediction that overlaps it (cue or content) has a source span overlapping the gold "
    "pronoun. PolNeAR marks the pronoun itself, not its antecedent, so this checks that the "
    "source words are found, not that the pronoun is resolved to the right entity.",
    "docs/s: documents / seconds spent on them by that system (spaCy parse included for both), "
    "timed in this same run on this machine, one process.",
]


def _kind_note(docs: list[AttributionDoc], tokens: list[Tokens], kinds: list[list[str]]
               ) -> str:
    words: Counter = Counter()
    for doc, doc_tokens, doc_kinds in zip(docs, tokens, kinds):
        for g, kind in zip(doc.gold, doc_kinds):
            words[kind] += _length(doc_tokens.ranges(g.source))
    total = sum(words.values()) or 1
    return ("Gold source words by kind of cue: " + "; ".join(
        f"{kind} {words[kind]} ({words[kind] / total:.0%})" for kind in CUE_KINDS) + ".")


def _data_notes(docs: list[AttributionDoc], folder: Path, split_note: str | None,
                skipped: Counter, limit: int | None) -> list[str]:
    gold = [a for d in docs for a in d.gold]
    with_source = sum(bool(a.source) for a in gold)
    pronouns = sum(is_pronoun_source(d.text, a) for d in docs for a in d.gold)
    split = sum(len(a.content) > 1 for a in gold)
    dated = sum(d.published is not None for d in docs)
    notes = [f"Data: {split_note or folder}: {len(docs)} annotated texts"
             + (f" (the first {limit} by path)" if limit is not None else "")
             + f", {len(gold)} gold attributions ({with_source} with a source, {pronouns} of "
             f"them a pronoun; {split} with discontinuous content).",
             "Reading: BRAT standoff; an annotation file pairs with the text of the same name "
             "or of its name less trailing _/-/. parts (PolNeAR: text/X.txt with "
             "attributions/X_<annotator>.ann); where several annotators annotated a text, the "
             "first file by name is used. Publication date from metadata.tsv, else the date in "
             f"the file name ({dated} of {len(docs)} dated)."]
    if skipped:
        notes.append("Left out or repaired while reading: "
                     + "; ".join(f"{what}: {n}" for what, n in sorted(skipped.items())) + ".")
    return notes
