"""Quantities against NewsQuant-format gold, scored the way the CQE evaluation scores them.

NewsQuant (Almasian et al., "CQE: A Comprehensive Quantity Extractor", EMNLP 2023) is a JSON list
of sentences, each ``{"text", "quantities": [{"change", "value", "unit", "normalized_unit",
"referred_concepts"}]}``; a range is the value string ``"low-high"``. The scorer below follows
the published evaluation (github.com/satya77/CQE_Evaluation, ``evaluate_models.py``):

* per sentence, gold and predictions are sorted by normalised unit; for each gold quantity the
  predictions are scanned in order, and a prediction whose value is numerically close
  (relative 1e-5) counts a *value* hit (at most as many hits as the sentence has gold
  quantities); a range only matches a range with both ends close;
* every value hit whose change also equals the gold change counts a *value+change* hit;
* the first value hit whose lower-cased normalised unit equals the gold one counts a
  *value+unit* hit and is used up;
* precision divides by all predictions, recall by all gold quantities;
* for quantulum3, which reports a range as its mean, gold ranges are averaged too.

newsgraph's record is mapped to NewsQuant's fields here: ``value`` is the pair (low, high) for a
range or vague magnitude, else the stated value; ``normalized_unit`` is the unit's English name
(``lexicon/units.json``), the counted noun phrase with its head noun lemmatised, or ``-``;
``change`` is ``>`` for an open upper end (at least, more than), ``<`` for an open lower end (up
to, fewer than), else ``~`` when hedged, ``up``/``down`` for a change, else ``=``; and "from A
... to B", two quantities in the record (its two ends), is NewsQuant's one quantity "A-B", the
ends in the order written.
"""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path
from typing import Iterable, Optional

from ..record import Quantity
from . import Report, prf

COLUMNS = ["system", "value P", "value R", "value F1", "value+unit P", "value+unit R",
           "value+unit F1", "value+bound P", "value+bound R", "value+bound F1", "sentences/s"]

# quantulum3 spells some units differently from NewsQuant; the CQE evaluation maps them thus.
_QUANTULUM_NAMES = {
    "dimensionless": "-", "unk": "-", "per cent": "percentage", "percentage drop": "percentage",
    "united states dollar": "dollar", "dollar dollar": "dollar", "tonne": "metric ton",
    "degree angle": "degree", "degree celsius": "celsius", "degree fahrenheit": "fahrenheit",
    "degree angle degree fahrenheit": "fahrenheit", "second of arc": "second",
    "minute of arc": "minute", "yard yard": "yard", "cubic centimetre": "millilitre",
}


# NewsQuant's own names for a few units whose English name it does not use.
_NEWSQUANT_NAMES = {"penny": "point"}   # UK share prices in pence ("118.5p") are "point" there


# --- data --------------------------------------------------------------------------------------

def read(data: Path) -> tuple[list[dict], list[str]]:
    """Sentences from a NewsQuant JSON file, or from every such file under a folder."""
    data = Path(data)
    files = [data] if data.is_file() else sorted(data.rglob("*.json"))
    sentences: list[dict] = []
    used: list[str] = []
    for path in files:
        try:
            items = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(items, list) or not all(
                isinstance(x, dict) and "text" in x and "quantities" in x for x in items):
            continue
        sentences.extend(items)
        used.append(path.name)
    return sentences, used


# --- mapping to NewsQuant's fields ------------------------------------------------------------

def newsquant_change(q: Quantity) -> str:
    if q.low is not None and q.high is None:
        return ">"
    if q.high is not None and q.low is None:
        return "<"
    if q.approximate:          # NewsQuant marks "up about 19 per cent" as hedged
        return "~"
    return q.change if q.change in ("up", "down") else "="


def newsquant_value(q: Quantity):
    if q.low is not None and q.high is not None and q.low != q.high:
        return (q.low, q.high)
    return q.value


def newsquant_unit(q: Quantity, lemma_of: dict[str, str]) -> str:
    """The unit's English name, the lemmatised counted phrase, or "-"."""
    from ..extract.quantities import UNIT_BY_CODE

    unit = q.unit
    if unit == "fraction":     # NewsQuant writes "a third of the population" as "% population"
        return "% " + (lemma_of.get(q.counted, q.counted.lower()) if q.counted else "-")
    if not unit:
        return "-"
    base, _, per = unit.partition(" per ")
    if q.counted and q.kind == "count":
        name = lemma_of.get(q.counted, q.counted.lower())
        return f"{name} per {per}" if per else name
    if base in UNIT_BY_CODE:
        name = UNIT_BY_CODE[base].name
        name = _NEWSQUANT_NAMES.get(name, name)
        if per:
            name += " per " + (UNIT_BY_CODE[per].name if per in UNIT_BY_CODE else per)
        return name
    return unit.lower()


def lemmatise(nlp, phrases: Iterable[str]) -> dict[str, str]:
    """Each counted phrase lower-cased with its last word lemmatised ("first-team player");
    tagged after a number, as it was found, so that its head reads as a noun."""
    phrases = sorted(set(phrases))
    out = {}
    for phrase, doc in zip(phrases, nlp.pipe(("5 " + p for p in phrases),
                                             disable=["parser", "ner"])):
        tokens = [t for t in doc[1:] if not t.is_space]
        if not tokens:
            out[phrase] = phrase.lower()
            continue
        last = tokens[-1]
        if last.pos_ in ("NOUN", "PROPN") and last.lemma_:
            lemma = last.lemma_
        elif last.tag_ == "VBZ":
            lemma = last.lemma_                  # a counted head is a noun: "3.7 rebounds"
        else:
            lemma = last.text
        if last.tag_ == "NNPS" and lemma == last.text and lemma.endswith("s") and \
                not lemma.endswith("ss"):
            lemma = lemma[:-1]                   # "World Cups" -> "World Cup"
        out[phrase] = (phrase[:last.idx - 2] + lemma).lower()
    return out


# --- scoring -----------------------------------------------------------------------------------

def _gold_value(value, average_ranges: bool):
    if isinstance(value, str) and "E" not in value and not value.startswith("-") and "-" in value:
        low, high = value.split("-")[:2]
        try:
            pair = (float(low), float(high))
        except ValueError:
            return float("nan")
        return (pair[0] + pair[1]) / 2 if average_ranges else pair
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _close(gold: float, model: float) -> bool:
    return abs(gold - model) <= 1e-08 + 1e-05 * abs(model)


def values_match(gold, model) -> bool:
    if isinstance(gold, tuple) and isinstance(model, tuple):
        return _close(gold[0], model[0]) and _close(gold[1], model[1])
    if isinstance(gold, tuple) or isinstance(model, tuple):
        return False
    return _close(gold, float(model))


def score(pairs: list[tuple[list[dict], list[dict]]], average_ranges: bool = False
          ) -> dict[str, int]:
    """Hit counts over (gold, predicted) lists of {value, normalized_unit, change} per sentence."""
    n = {"gold": 0, "pred": 0, "value": 0, "unit": 0, "change": 0}
    for gold, tags in pairs:
        n["gold"] += len(gold)
        n["pred"] += len(tags)
        tags = sorted(tags, key=lambda d: d["normalized_unit"])
        left = len(gold)
        for g in sorted(gold, key=lambda d: d["normalized_unit"]):
            g_value = _gold_value(g["value"], average_ranges)
            g_unit = str(g["normalized_unit"]).lower()
            for tag in tags:
                if not values_match(g_value, tag["value"]):
                    continue
                if left > 0:
                    n["value"] += 1
                    left -= 1
                if tag.get("change") is not None and tag["change"] == g.get("change"):
                    n["change"] += 1
                if str(tag["normalized_unit"]).lower() == g_unit:
                    n["unit"] += 1
                    tags.remove(tag)
                    tags.sort(key=lambda d: d["normalized_unit"])
                    break
    return n


def _row(system: str, n: dict[str, int], rate: Optional[float], with_change: bool) -> list:
    row: list = [system]
    for key in ("value", "unit") + (("change",) if with_change else ()):
        row += list(prf(n[key], n["pred"], n["gold"]))
    if not with_change:
        row += [None, None, None]
    return row + [rate]


# --- systems -----------------------------------------------------------------------------------

def run_newsgraph(texts: list[str], model: Optional[str] = None,
                  notes: Optional[list[str]] = None
                  ) -> tuple[list[list[dict]], float, list[list[Quantity]]]:
    """newsgraph's quantities for each sentence (NewsQuant fields), sentences per second, and
    the raw Quantity items."""
    from ..config import Settings, model_name
    from ..errors import DocumentError
    from ..pipeline import Document, Pipeline

    pipeline = Pipeline(Settings(model=model_name(model), extractors=("quantities",)))
    pipeline.analyze("Warm-up: 5 soldiers.")
    t0 = time.perf_counter()
    results = list(pipeline.analyze_batch(Document(t) for t in texts))
    rate = len(texts) / max(time.perf_counter() - t0, 1e-9)
    items = [[] if isinstance(r, DocumentError) else r.quantities for r in results]
    refused = sum(isinstance(r, DocumentError) for r in results)
    if refused and notes is not None:
        notes.append(f"newsgraph refused {refused} sentences (scored as finding nothing).")
    lemma_of = lemmatise(pipeline.nlp, (q.counted for qs in items for q in qs if q.counted))
    tagged = [newsquant_items(text, qs, lemma_of) for text, qs in zip(texts, items)]
    return tagged, rate, items


def newsquant_items(text: str, quantities: list[Quantity], lemma_of: dict[str, str]
                    ) -> list[dict]:
    """The NewsQuant fields of each quantity; "from A ... to B", which the record keeps as its
    two ends, is one NewsQuant quantity whose value is the pair written in order (A, B)."""
    out: list[dict] = []
    i = 0
    while i < len(quantities):
        q = quantities[i]
        nxt = quantities[i + 1] if i + 1 < len(quantities) else None
        item = {"value": newsquant_value(q), "normalized_unit": newsquant_unit(q, lemma_of),
                "change": newsquant_change(q)}
        if nxt is not None and _ends_of_a_move(text, q, nxt):
            unit = item["normalized_unit"]
            item["value"] = (q.value, nxt.value)
            item["normalized_unit"] = unit if unit != "-" else newsquant_unit(nxt, lemma_of)
            i += 1
        out.append(item)
        i += 1
    return out


def _ends_of_a_move(text: str, a: Quantity, b: Quantity) -> bool:
    """Two single, unbounded values in one unit, written "from A ... to B"."""
    from ..extract.quantities import from_to_pair

    single = all(q.low is not None and q.low == q.high and q.value is not None for q in (a, b))
    units = sorted((a.unit or "", b.unit or ""), key=len)
    same_unit = not units[0] or units[1] == units[0] or units[1].startswith(units[0] + " per ")
    return single and same_unit and from_to_pair(text, a.start, a.end, b.start)


def run_quantulum(texts: list[str], notes: Optional[list[str]] = None
                  ) -> tuple[list[list[dict]], float]:
    import warnings

    from quantulum3 import classifier, parser

    warnings.filterwarnings("ignore", module="sklearn")   # its pickles predate this scikit-learn
    warnings.filterwarnings("ignore", module="quantulum3")
    clf_path = None
    try:
        parser.parse("Warm-up: 5 pounds of sugar at 3000 rpm.")   # loads its unit classifier
    except Exception as err:  # its pickled classifier may not load with this scikit-learn
        clf_path, why_not = _retrained_quantulum_classifier(classifier)
        if notes is not None:
            how = (f"retrained with quantulum3's own train_classifier() on its shipped training "
                   f"data for this scikit-learn, cached at {clf_path}" if clf_path else
                   f"retraining failed ({why_not}), so it ran with its dictionary "
                   f"disambiguation instead")
            notes.append(f"quantulum3's shipped unit classifier failed to load "
                         f"({type(err).__name__}: {err}); {how}.")
        if clf_path is None:
            classifier.USE_CLF = False
    t0 = time.perf_counter()
    parsed = [parser.parse(t, classifier_path=clf_path) for t in texts]
    rate = len(texts) / max(time.perf_counter() - t0, 1e-9)
    tagged = []
    for found in parsed:
        tags = []
        for q in found:
            name = q.unit.name
            tags.append({"value": q.value,
                         "normalized_unit": _QUANTULUM_NAMES.get(name.lower(), name).strip()})
        tagged.append(tags)
    return tagged, rate


def _retrained_quantulum_classifier(classifier) -> tuple[Optional[Path], str]:
    """quantulum3's classifier pickle is tied to the scikit-learn it was made with; retrain it
    with the library's own function and data (offline, seconds), once per version. Needs
    quantulum3's classifier extra (``stemming``). The path, or None and why not."""
    import os
    from importlib.metadata import version

    from quantulum3 import parser

    cache = Path.home() / ".cache" / "newsgraph"
    path = cache / f"quantulum3-clf-sklearn-{version('scikit-learn')}.joblib"
    if not path.is_file():
        partial = path.with_suffix(f".{os.getpid()}.part")
        try:
            cache.mkdir(parents=True, exist_ok=True)
            classifier.train_classifier(store=True, output_path=str(partial), n_jobs=1)
            os.replace(partial, path)             # never leave a half-written classifier
        except Exception as err:
            partial.unlink(missing_ok=True)
            return None, f"{type(err).__name__}: {err}"
    try:
        parser.parse("Warm-up: 5 pounds of sugar at 3000 rpm.", classifier_path=path)
    except Exception as err:
        return None, f"the retrained classifier did not load: {type(err).__name__}: {err}"
    return path, ""


def _published(data: Path) -> list[str]:
    """Published NewsQuant figures, when the data folder has them (for comparison only)."""
    folder = data if data.is_dir() else data.parent
    path = folder / "published-scores-NewsQuant.tsv"
    if not path.is_file():
        return []
    rows = list(csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"))
    cells = [f"{r['model']} {r['type']} P/R/F1 {r['P']}/{r['R']}/{r['F1']}" for r in rows
             if r.get("type") in ("value", "value+unit", "value+change")
             and r.get("model") in ("CQE-Numparser", "quantulum3")]
    return ["Published on the full NewsQuant set (CQE paper, percent): " + "; ".join(cells)] \
        if cells else []


def run(data: Path, peers: tuple[str, ...] = ("quantulum3",), limit: Optional[int] = None,
        model: Optional[str] = None) -> Report:
    """Score newsgraph (and peers, on the same sentences) on NewsQuant-format gold."""
    data = Path(data)
    sentences, files = read(data)
    if limit is not None:
        sentences = sentences[:limit]
    texts = [s["text"] for s in sentences]
    gold = [[q for q in s["quantities"] if isinstance(q, dict)] for s in sentences]
    report = Report(title="Quantities (NewsQuant format)", columns=COLUMNS)
    report.notes.append(
        f"Data: {', '.join(files) or 'none'}: {len(texts)} sentences, "
        f"{sum(map(len, gold))} gold quantities; each sentence analysed as one document.")
    tagged, rate, _ = run_newsgraph(texts, model, report.notes)
    report.rows.append(_row("newsgraph", score(list(zip(gold, tagged))), rate, True))
    for peer in peers:
        if peer != "quantulum3":
            report.notes.append(f"Peer {peer!r} skipped: unknown (known: quantulum3).")
            continue
        try:
            q_tagged, q_rate = run_quantulum(texts, report.notes)
        except ImportError:
            report.notes.append("Peer quantulum3 skipped: not installed (pip install "
                                "'newsgraph[eval]').")
            continue
        report.rows.append(_row("quantulum3", score(list(zip(gold, q_tagged)),
                                                    average_ranges=True), q_rate, False))
    report.notes += [
        "Scored as CQE's evaluation scores NewsQuant: value hits capped at the gold count per "
        "sentence, unit compared on NewsQuant's normalised unit names, 'bound' is NewsQuant's "
        "change field (=, ~, >, <, up, down); quantulum3 reports no change, and gold ranges are "
        "averaged for it as CQE does.",
        "sentences/s: wall-clock over all sentences in this run (newsgraph includes spaCy "
        "parsing, quantities extractor only).",
    ] + _published(data)
    return report
