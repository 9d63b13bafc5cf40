"""Events: newsgraph's PLOVER events against CAMEO pentaclass labels, CAMEO source/target actor
tags and the PLOVER gold standard records.

``run(data)`` reads ``DATA/cameo/cameo_class/*.tsv``, ``DATA/cameo/cameo_ner/*.txt`` and
``DATA/plover-gsr/PLOVER_GSR_CAMEO.json`` (whichever are there) and scores, per sentence, the
sentence's *main* event: the one whose trigger stands highest in the dependency tree (nearest
the root), the first of equals.

* pentaclass: the main event's CAMEO root -> 0 statement (01-02), 1 verbal cooperation
  (03-05), 2 material cooperation (06-08), 3 verbal conflict (09-13), 4 material conflict
  (14-20); a sentence with no event is a statement (0). Macro-F1 over the five classes.
* actor spans: the main event's actor phrases as S, recipient phrases as T (both, as R, for a
  symmetric event with several actors and no recipient), scored on exact token spans, typed
  and untyped, micro-averaged.
* PLOVER: type accuracy of the main event against the gold ``event`` with the README's renames
  (DEMAND->REQUEST, DISAPPROVE/INVESTIGATE->ACCUSE, FIGHT->ASSAULT); source/target F1 by
  overlap of our phrases with the gold (SRC:)/(TAR:) spans of ``textInfo.markup``.

Events are scored with events that name no actor kept (the record drops them), since a class
or a type needs no actor.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from spacy.tokens import Doc, Token

from . import Report, prf

OLD_NAMES = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE",
             "FIGHT": "ASSAULT"}
SYMMETRIC = frozenset({"CONSULT", "AGREE", "COOPERATE"})
COLUMNS = ["set", "sentences", "measure", "newsgraph", "published best", "sentences/s"]
# Dependants that end an argument phrase: clauses, appositions, and prepositions other than "of".
_PHRASE_STOP = frozenset({"relcl", "acl", "appos", "punct", "cc", "conj", "advcl", "prep",
                          "parataxis"})


# --- readers --------------------------------------------------------------------------------


def read_cameo_class(folder: Path) -> list[tuple[str, int]]:
    rows = []
    for path in sorted(folder.glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text, _, label = line.rstrip("\r").rpartition("\t")
            if text and label.strip().isdigit():
                rows.append((text, int(label)))
    return rows


@dataclass
class Tagged:
    tokens: list[str]
    tags: list[str]

    def spans(self) -> set[tuple[str, int, int]]:
        """(role, first token, last token + 1) of each BIO span."""
        out, role, start = set(), None, 0
        for i, tag in enumerate(self.tags + ["O"]):
            if role is not None and not tag.startswith("I-"):
                out.add((role, start, i))
                role = None
            if tag.startswith("B-") or (tag.startswith("I-") and role is None):
                role, start = tag[2:], i
        return out


def read_cameo_ner(folder: Path) -> list[Tagged]:
    out: list[Tagged] = []
    for path in sorted(folder.glob("*.txt")):
        tokens: list[str] = []
        tags: list[str] = []
        for line in path.read_text(encoding="utf-8").splitlines() + [""]:
            parts = line.rstrip("\r").split()
            if not parts:
                if tokens:
                    out.append(Tagged(tokens, tags))
                tokens, tags = [], []
                continue
            tokens.append(parts[0])
            tags.append(parts[-1] if len(parts) > 1 else "O")
    return out


_MARK = re.compile(r"\((SRC/TAR|SRC|TAR|EVT|LOC):\s*([^()]*?)\)")


@dataclass
class GoldRecord:
    text: str
    type: str
    sources: list[tuple[int, int]]
    targets: list[tuple[int, int]]


def read_plover(path: Path) -> list[GoldRecord]:
    records = []
    for r in json.loads(path.read_text(encoding="utf-8")):
        if not isinstance(r, dict) or "event" not in r or "textInfo" not in r:
            continue
        info = r["textInfo"]
        markup = (info.get("markup") if isinstance(info, dict) else None) or r.get("text", "")
        text, sources, targets = _unmark(markup)
        event = OLD_NAMES.get(r["event"], r["event"])
        records.append(GoldRecord(text, event, sources, targets))
    return records


def _unmark(markup: str) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]]:
    """Plain text and the (SRC:)/(TAR:) spans of a GSR markup string."""
    out, sources, targets, pos = [], [], [], 0
    length = 0
    for m in _MARK.finditer(markup):
        out.append(markup[pos:m.start()])
        length += m.start() - pos
        inner = m.group(2)
        span = (length, length + len(inner))
        if "SRC" in m.group(1):
            sources.append(span)
        if "TAR" in m.group(1):
            targets.append(span)
        out.append(inner)
        length += len(inner)
        pos = m.end()
    out.append(markup[pos:])
    return "".join(out), sources, targets


# --- running newsgraph ----------------------------------------------------------------------


@dataclass
class Main:
    """A sentence's main event: type, CAMEO root and argument phrases (token index ranges)."""

    type: Optional[str]
    cameo: Optional[str]
    actors: list[tuple[int, int]]
    recipients: list[tuple[int, int]]
    doc: Doc


def phrase(head: Token) -> tuple[int, int]:
    """The noun phrase an argument head stands for: its left part, and right dependants
    other than clauses and prepositions ("of" phrases stay)."""
    end = head.i + 1
    for c in head.rights:
        if c.dep_ in _PHRASE_STOP and not (c.dep_ == "prep" and c.lower_ == "of"):
            break
        end = c.right_edge.i + 1
    return head.left_edge.i, end


def run_newsgraph(texts: list[str], model: Optional[str] = None) -> tuple[list[Main], float]:
    from ..config import Settings, model_name
    from ..extract import Context
    from ..extract.events import EventFinder, lexicon
    from ..nlp import Sentences
    from ..pipeline import Pipeline
    from ..record import Article, text_id

    pipeline = Pipeline(Settings(model=model_name(model),
                                 extractors=("actors", "times", "quantities", "claims")))
    lex = lexicon()
    out: list[Main] = []
    t0 = time.perf_counter()
    for text, doc in zip(texts, pipeline.nlp.pipe(texts, batch_size=32)):
        article = Article(id=text_id(text), text=text)
        record = pipeline.extract(doc, article, None)
        ctx = Context(doc=doc, article=article, published=None, sentences=Sentences(doc),
                      record=record)
        finder = EventFinder(ctx, lex, keep_bare=True)
        events = finder.run()
        out.append(main_event(finder, events, doc))
    rate = len(texts) / max(time.perf_counter() - t0, 1e-9)
    return out, rate


def _depth(tok: Token) -> int:
    d = 0
    while tok.head.i != tok.i and d < 50:
        tok, d = tok.head, d + 1
    return d


def main_event(finder, events, doc: Doc) -> Main:
    if not events:
        return Main(None, None, [], [], doc)
    args = finder.arguments
    best = min(range(len(events)), key=lambda k: (_depth(args[k][2]), events[k].start))
    ev = events[best]
    actors, recipients, _ = args[best]
    return Main(ev.type, ev.cameo, [phrase(t) for t in actors], [phrase(t) for t in recipients],
                doc)


# --- scores ---------------------------------------------------------------------------------


def pentaclass(main: Main, reduce_relations_verbal: bool = False) -> int:
    """The five-class label of a main event. ``reduce_relations_verbal`` puts CAMEO 16
    (reduce relations: PLOVER SANCTION) in verbal conflict, as cameo_class's labels do
    (the CAMEO quad classes put it in material conflict)."""
    from ..extract.events import PENTACLASS
    if reduce_relations_verbal and main.cameo == "16":
        return 3
    return PENTACLASS.get(main.cameo or "01", 0)


def macro_f1(gold: list[int], pred: list[int], classes: Iterable[int] = range(5)
             ) -> tuple[float, dict[int, float]]:
    per = {}
    for c in classes:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        per[c] = prf(tp, sum(p == c for p in pred), sum(g == c for g in gold))[2]
    return sum(per.values()) / len(per), per


def _token_map(doc: Doc, tokens: list[str]) -> dict[int, int]:
    """spaCy token index -> gold token index, by character offsets of the gold tokens laid out
    with single spaces (the text we parse is the gold tokens joined by spaces)."""
    starts, pos = {}, 0
    for k, t in enumerate(tokens):
        starts[pos] = k
        pos += len(t) + 1
    out = {}
    last = 0
    for tok in doc:
        last = starts.get(tok.idx, last)
        out[tok.i] = last
    return out


def predicted_spans(main: Main, tokens: list[str]) -> set[tuple[str, int, int]]:
    tmap = _token_map(main.doc, tokens)

    def gold_range(r: tuple[int, int]) -> tuple[int, int]:
        return tmap[r[0]], tmap[r[1] - 1] + 1

    out = set()
    reciprocal = main.type in SYMMETRIC and len(main.actors) > 1 and not main.recipients
    for r in main.actors:
        out.add(("R" if reciprocal else "S", *gold_range(r)))
    for r in main.recipients:
        out.add(("T", *gold_range(r)))
    return out


def span_scores(pairs: list[tuple[set, set]]) -> dict[str, float]:
    tp = sum(len(g & p) for g, p in pairs)
    n_p = sum(len(p) for _, p in pairs)
    n_g = sum(len(g) for g, _ in pairs)
    untyped = [({s[1:] for s in g}, {s[1:] for s in p}) for g, p in pairs]
    utp = sum(len(g & p) for g, p in untyped)
    return {"typed": prf(tp, n_p, n_g)[2], "typed_p": prf(tp, n_p, n_g)[0],
            "typed_r": prf(tp, n_p, n_g)[1],
            "untyped": prf(utp, sum(len(p) for _, p in untyped),
                           sum(len(g) for g, _ in untyped))[2]}


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def plover_scores(gold: list[GoldRecord], mains: list[Main]) -> dict[str, float]:
    right = sum(m.type == g.type for g, m in zip(gold, mains))
    counts = Counter()
    for g, m in zip(gold, mains):
        for role, gold_spans, ours in (("actor", g.sources, m.actors),
                                       ("recipient", g.targets, m.recipients)):
            chars = [(m.doc[a].idx, m.doc[b - 1].idx + len(m.doc[b - 1])) for a, b in ours]
            counts[role, "gold"] += len(gold_spans)
            counts[role, "pred"] += len(chars)
            counts[role, "tp_r"] += sum(any(_overlaps(s, c) for c in chars) for s in gold_spans)
            counts[role, "tp_p"] += sum(any(_overlaps(s, c) for s in gold_spans) for c in chars)
    out = {"type accuracy": right / max(len(gold), 1)}
    for role in ("actor", "recipient"):
        p = counts[role, "tp_p"] / counts[role, "pred"] if counts[role, "pred"] else 0.0
        r = counts[role, "tp_r"] / counts[role, "gold"] if counts[role, "gold"] else 0.0
        out[f"{role} F1"] = 2 * p * r / (p + r) if p + r else 0.0
    return out


# --- whole articles: coverage and cost ------------------------------------------------------


def read_fakes(folder: Path, limit: int) -> list[tuple[str, Optional[str]]]:
    """(text, published) of the first FA-KES articles (date column when it parses)."""
    import csv
    from datetime import datetime

    csv.field_size_limit(10_000_000)
    out: list[tuple[str, Optional[str]]] = []
    for path in sorted(folder.glob("*.csv")):
        with open(path, encoding="utf-8", errors="replace", newline="") as f:
            for row in csv.DictReader(f):
                text = (row.get("article_content") or "").strip()
                if not text:
                    continue
                published = None
                for fmt in ("%m/%d/%Y", "%Y-%m-%d", "%d/%m/%Y"):
                    try:
                        published = datetime.strptime((row.get("date") or "").strip(),
                                                      fmt).date().isoformat()
                        break
                    except ValueError:
                        continue
                out.append((text, published))
                if len(out) >= limit:
                    return out
    return out


def article_stats(articles: list[tuple[str, Optional[str]]], model: Optional[str] = None
                  ) -> dict[str, float]:
    """Events per article, the share with a place / a time from the text / a source claim,
    and the events extractor's time as a share of spaCy's parse time."""
    from ..config import Settings, model_name
    from ..extract import get
    from ..pipeline import Pipeline

    names = ("actors", "times", "quantities", "places", "claims")
    settings = Settings(model=model_name(model))
    try:
        pipeline = Pipeline(Settings(model=settings.model, extractors=names))
    except Exception:  # places not available: run without it
        names = ("actors", "times", "quantities", "claims")
        pipeline = Pipeline(Settings(model=settings.model, extractors=names))
    events = get("events", settings)
    from ..extract import Context
    from ..nlp import Sentences
    from ..pipeline import parse_date
    from ..record import Article, text_id

    parse_s = events_s = 0.0
    n = place = when = source = 0
    for text, published in articles:
        t0 = time.perf_counter()
        doc = pipeline.nlp(text)
        parse_s += time.perf_counter() - t0
        day = parse_date(published)
        article = Article(id=text_id(text), text=text, published=published)
        record = pipeline.extract(doc, article, day)
        ctx = Context(doc=doc, article=article, published=day, sentences=Sentences(doc),
                      record=record)
        t0 = time.perf_counter()
        found = events(ctx)
        events_s += time.perf_counter() - t0
        n += len(found)
        place += sum(e.place is not None for e in found)
        when += sum(e.time_basis == "text" for e in found)
        source += sum(e.claim is not None for e in found)
    return {"articles": len(articles), "events": n, "per_article": n / max(len(articles), 1),
            "place": place / max(n, 1), "time": when / max(n, 1), "source": source / max(n, 1),
            "cost": events_s / max(parse_s, 1e-9), "with_places": "places" in names}


# --- the report -----------------------------------------------------------------------------


def run(data: Path, peers: tuple[str, ...] = (), limit: Optional[int] = None,
        model: Optional[str] = None) -> Report:
    data = Path(data)
    report = Report(title="Events (PLOVER / CAMEO)", columns=COLUMNS)
    if peers:
        report.notes.append(f"Peers {', '.join(peers)} skipped: none is runnable offline.")
    cls_dir, ner_dir = data / "cameo" / "cameo_class", data / "cameo" / "cameo_ner"
    gsr = data / "plover-gsr" / "PLOVER_GSR_CAMEO.json"
    if cls_dir.is_dir():
        rows = read_cameo_class(cls_dir)[:limit]
        mains, rate = run_newsgraph([t for t, _ in rows], model)
        gold = [label for _, label in rows]
        pred = [pentaclass(m) for m in mains]
        macro, per = macro_f1(gold, pred)
        accuracy = sum(g == p for g, p in zip(gold, pred)) / max(len(gold), 1)
        report.rows.append(["cameo_class", len(rows), "pentaclass macro-F1", macro,
                            "0.879 (ConfliBERT, GPU)", rate])
        report.rows.append(["cameo_class", len(rows), "pentaclass accuracy", accuracy, "", None])
        alt, _ = macro_f1(gold, [pentaclass(m, True) for m in mains])
        report.rows.append(["cameo_class", len(rows),
                            "pentaclass macro-F1, CAMEO 16 as verbal conflict", alt, "", None])
        report.notes.append("Pentaclass F1 per class (0 statement .. 4 material conflict): "
                            + ", ".join(f"{c}: {f:.3f}" for c, f in per.items()))
    if ner_dir.is_dir():
        tagged = read_cameo_ner(ner_dir)[:limit]
        mains, rate = run_newsgraph([" ".join(t.tokens) for t in tagged], model)
        pairs = [(t.spans(), predicted_spans(m, t.tokens)) for t, m in zip(tagged, mains)]
        sc = span_scores(pairs)
        report.rows.append(["cameo_ner", len(tagged), "S/T/R span F1 (exact, typed)",
                            sc["typed"], "0.745 (ConfliBERT, GPU)", rate])
        report.rows.append(["cameo_ner", len(tagged), "actor span F1 (exact, untyped)",
                            sc["untyped"], "", None])
        report.notes.append(f"cameo_ner typed: P {sc['typed_p']:.3f}, R {sc['typed_r']:.3f}.")
    if gsr.is_file():
        gold = read_plover(gsr)[:limit]
        mains, rate = run_newsgraph([g.text for g in gold], model)
        sc = plover_scores(gold, mains)
        for name, value in sc.items():
            report.rows.append(["plover-gsr", len(gold), f"PLOVER {name}", value, "",
                                rate if name == "type accuracy" else None])
    fakes = data.parent / "news" / "fa-kes"
    if fakes.is_dir():
        st = article_stats(read_fakes(fakes, limit or 100), model)
        report.notes.append(
            f"FA-KES, first {st['articles']} articles: {st['events']} events, "
            f"{st['per_article']:.1f} per article; {st['place']:.0%} with a place, "
            f"{st['time']:.0%} with a time from the text (the rest take the claim's or the "
            f"publication date), {st['source']:.0%} reported by a claim (a source one hop "
            f"away); the events extractor took {st['cost']:.1%} of spaCy's parse time"
            + ("" if st["with_places"] else " (places extractor absent: no places)") + ".")
    report.notes += [
        "Each sentence is analysed alone (no publication date); its main event is the one whose "
        "trigger is nearest the root of the parse; no event = statement (class 0).",
        "Rules and lexicons only (src/newsgraph/lexicon/events.json); nothing is trained on "
        "these sets. Only the train splits are available here, so the published figures "
        "(test splits) are a loose comparison.",
        "sentences/s: wall clock, spaCy parse + actors, times, quantities, claims, events.",
    ]
    return report
