"""Geoparsing quality: GeoWebNews, TR-News (LGL format) and GeoVirus.

For each data set found under ``data`` (any folder holding their XML files):

* end to end: our own toponyms (the ``places`` extractor), matched one to one to gold spans by
  overlap: detection precision, recall and F1; resolution scored on the matched pairs;
* gold spans: the gold toponym spans resolved in context (every gold toponym counts);
* beside each, the population baseline: the most populous candidate of the same gazetteer.

Resolution: accuracy within 161 km, mean and median error in km, AUC of the error curve
(Gritta et al. 2018: the area under the sorted log(1 + error) curve, normalised by log of
20,039 km, the largest error on Earth; lower is better), exact GeoNames id accuracy (on gold
toponyms that have an id), and country accuracy (gold country: the country of the nearest
gazetteer place to the gold point). A toponym left unresolved counts as the largest error.
On GeoWebNews, metonymy: gold ``Metonymic`` toponyms against our ``government`` reading.
"""

from __future__ import annotations

import math
import re
import statistics
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

import numpy as np

from . import Report, prf

MAX_KM = 20039.0


@dataclass
class GoldToponym:
    start: int
    end: int
    lat: float
    lon: float
    geonameid: Optional[int] = None
    metonymic: bool = False


@dataclass
class GeoDoc:
    id: str
    text: str
    toponyms: list[GoldToponym] = field(default_factory=list)


# --- readers --------------------------------------------------------------------------------------


def _float(x: Optional[str]) -> Optional[float]:
    try:
        return float(x) if x not in (None, "") else None
    except ValueError:
        return None


def _int(x: Optional[str]) -> Optional[int]:
    try:
        return int(x) if x not in (None, "") else None
    except ValueError:
        return None


def realign(text: str, phrase: str, start: int) -> Optional[int]:
    """The offset of ``phrase`` nearest to ``start`` (some corpora's offsets are shifted)."""
    if text[start:start + len(phrase)] == phrase:
        return start
    hits = [m.start() for m in re.finditer(re.escape(phrase), text)]
    return min(hits, key=lambda h: abs(h - start)) if hits else None


def read_gwn(root: ET.Element) -> Iterator[GeoDoc]:
    for i, art in enumerate(root.iter("article")):
        doc = GeoDoc(art.get("file") or str(i), art.findtext("text") or "")
        for t in art.iter("toponym"):
            lat, lon = _float(t.findtext("latitude")), _float(t.findtext("longitude"))
            start, end = _int(t.findtext("start")), _int(t.findtext("end"))
            if lat is None or lon is None or start is None or end is None:
                continue
            doc.toponyms.append(GoldToponym(start, end, lat, lon, _int(t.findtext("geonamesID")),
                                            t.findtext("type") == "Metonymic"))
        yield doc


def read_lgl(root: ET.Element) -> Iterator[GeoDoc]:
    for i, art in enumerate(root.iter("article")):
        doc = GeoDoc(art.get("docid") or str(i), art.findtext("text") or "")
        for t in art.iter("toponym"):
            tag = t.find("gaztag")
            phrase = t.findtext("phrase") or ""
            start = _int(t.findtext("start"))
            if tag is None or start is None or not phrase:
                continue
            lat, lon = _float(tag.findtext("lat")), _float(tag.findtext("lon"))
            start = realign(doc.text, phrase, start)
            if lat is None or lon is None or start is None:
                continue
            doc.toponyms.append(GoldToponym(start, start + len(phrase), lat, lon,
                                            _int(tag.get("geonameid"))))
        yield doc


def read_geovirus(root: ET.Element) -> Iterator[GeoDoc]:
    for i, art in enumerate(root.iter("article")):
        doc = GeoDoc(art.findtext("source") or str(i), art.findtext("text") or "")
        for loc in art.iter("location"):
            lat, lon = _float(loc.findtext("lat")), _float(loc.findtext("lon"))
            start, end = _int(loc.findtext("start")), _int(loc.findtext("end"))
            name = loc.findtext("name") or ""
            if lat is None or lon is None or start is None:
                continue
            start = realign(doc.text, name, start) if name else start
            if start is None:
                continue
            doc.toponyms.append(GoldToponym(start, start + len(name) if name else end or start,
                                            lat, lon))
        yield doc


def read(path: Path) -> tuple[str, list[GeoDoc]] | None:
    """(format, documents) of one XML file, or None when it is none of the three formats."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return None
    art = root.find("article")
    if art is None:
        return None
    if art.find("toponyms/toponym/extractedName") is not None:
        return "GeoWebNews", list(read_gwn(root))
    if art.find("toponyms/toponym/phrase") is not None:
        return "LGL", list(read_lgl(root))
    if art.find("locations/location") is not None:
        return "GeoVirus", list(read_geovirus(root))
    return None


def datasets(data: Path) -> list[tuple[str, list[GeoDoc]]]:
    files = [data] if data.is_file() else sorted(data.rglob("*.xml"))
    out = []
    for f in files:
        got = read(f)
        if got:
            fmt, docs = got
            out.append((f"{f.stem} ({fmt})", docs))
    return out


# --- scoring --------------------------------------------------------------------------------------


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def auc(errors: list[float]) -> float:
    """Gritta et al.'s AUC: area under the sorted, log-scaled error curve (0 best, 1 worst)."""
    if not errors:
        return 0.0
    scaled = np.log(np.array(sorted(errors)) + 1) / math.log(MAX_KM)
    if len(scaled) == 1:
        return float(scaled[0])
    return float(np.trapezoid(scaled, dx=1 / (len(scaled) - 1)))


class CountryOf:
    """Reverse geocoding against the gazetteer: the country of the nearest place."""

    def __init__(self, gaz) -> None:
        rows = gaz.con.execute("SELECT lat, lon, country, geonameid FROM places WHERE "
                               "feature IN ('city', 'country') AND country IS NOT NULL").fetchall()
        self.lat = np.radians([r[0] for r in rows])
        self.lon = np.radians([r[1] for r in rows])
        self.country = [r[2] for r in rows]
        self.by_id = {r[3]: r[2] for r in rows if r[3]}

    def __call__(self, lat: float, lon: float, geonameid: Optional[int] = None) -> Optional[str]:
        if geonameid in self.by_id:
            return self.by_id[geonameid]
        la, lo = math.radians(lat), math.radians(lon)
        a = (np.sin((self.lat - la) / 2) ** 2
             + np.cos(la) * np.cos(self.lat) * np.sin((self.lon - lo) / 2) ** 2)
        i = int(np.argmin(a))
        return self.country[i] if 2 * 6371 * math.asin(min(1, math.sqrt(a[i]))) < 500 else None


@dataclass
class Tally:
    """Resolution outcomes: (gold, predicted place or None) pairs."""

    errors: list[float] = field(default_factory=list)
    ids: list[bool] = field(default_factory=list)
    countries: list[bool] = field(default_factory=list)
    meto: list[tuple[bool, bool]] = field(default_factory=list)  # (gold metonymic, predicted)

    def add(self, gold: GoldToponym, pred, gold_country: Optional[str]) -> None:
        if pred is None or pred.lat is None:
            self.errors.append(MAX_KM)
        else:
            self.errors.append(km(gold.lat, gold.lon, pred.lat, pred.lon))
        if gold.geonameid:
            self.ids.append(pred is not None and pred.geonameid == gold.geonameid)
        if gold_country:
            self.countries.append(pred is not None and pred.country == gold_country)
        self.meto.append((gold.metonymic, pred is not None and pred.reading == "government"))

    def cells(self, metonymy: bool) -> list:
        e = self.errors
        out = [len(e), sum(x <= 161 for x in e) / len(e) if e else None,
               statistics.fmean(e) if e else None, statistics.median(e) if e else None,
               auc(e), sum(self.ids) / len(self.ids) if self.ids else None,
               sum(self.countries) / len(self.countries) if self.countries else None]
        if metonymy:
            tp = sum(g and p for g, p in self.meto)
            out += list(prf(tp, sum(p for _, p in self.meto), sum(g for g, _ in self.meto)))
        else:
            out += [None, None, None]
        return out


@dataclass
class _Baseline:
    """The most populous candidate of the gazetteer, whatever the context."""

    lat: float
    lon: float
    geonameid: Optional[int]
    country: Optional[str]
    reading: str = "place"


def baseline(gaz, lex, name: str, country: Optional[str] = None) -> Optional[_Baseline]:
    """``country``: the country an adjectival toponym ("Russian") was read as, its only
    candidate."""
    from ..extract.places import lookup
    cands = lookup(gaz, lex, name)
    if not cands and country and gaz.country(country) is not None:
        cands = [(gaz.country(country), False)]
    if not cands:
        return None
    e = max((c for c, _ in cands), key=lambda c: c.population)
    return _Baseline(e.lat, e.lon, e.geonameid, e.country)


def match(golds: list[GoldToponym], preds: list) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, prediction index) of overlapping spans, greedily by
    largest overlap."""
    pairs = []
    for gi, g in enumerate(golds):
        for pi, p in enumerate(preds):
            ov = min(g.end, p.end) - max(g.start, p.start)
            if ov > 0:
                pairs.append((ov, gi, pi))
    used_g, used_p, out = set(), set(), []
    for _, gi, pi in sorted(pairs, reverse=True):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gi, pi))
    return out


def run(data: Path, peers=("population",), limit: Optional[int] = None,
        model: Optional[str] = None) -> Report:
    from .. import extract, gazetteer, nlp
    from ..config import Settings
    from ..extract.places import lexicon, resolve_spans
    from ..pipeline import Pipeline
    from ..record import Article

    data = Path(data)
    sets = datasets(data)
    if not sets:
        raise FileNotFoundError(f"no GeoWebNews, LGL or GeoVirus XML files under {data}")
    settings = Settings(extractors=("actors", "places"))
    if model:
        settings.model = model
    pipe = Pipeline(settings)
    gaz = gazetteer.default()
    lex = lexicon()
    country_of = CountryOf(gaz)
    use_pop = "population" in peers
    report = Report(
        title="Geoparsing: toponym detection, resolution and metonymy",
        columns=["data", "system", "spans", "toponyms", "P", "R", "F1", "Acc@161", "mean km",
                 "median km", "AUC", "id acc", "country acc", "meto P", "meto R", "meto F1"])
    for name, docs in sets:
        docs = docs[:limit] if limit else docs
        metonymy = "GeoWebNews" in name
        tallies = {k: Tally() for k in ("ng-e2e", "pop-e2e", "ng-gold", "pop-gold")}
        n_pred = n_gold = n_tp = 0
        texts = [d.text for d in docs]
        for d, parsed in zip(docs, pipe.nlp.pipe(texts, batch_size=8)):
            article = Article(id=d.id, text=d.text)
            record = pipe.extract(parsed, article, None)
            ctx = extract.Context(doc=parsed, article=article, published=None,
                                  sentences=nlp.Sentences(parsed), record=record)
            golds = d.toponyms
            gold_countries = [country_of(g.lat, g.lon, g.geonameid) for g in golds]
            preds = record.places
            n_pred += len(preds)
            n_gold += len(golds)
            pairs = match(golds, preds)
            n_tp += len(pairs)
            for gi, pi in pairs:
                tallies["ng-e2e"].add(golds[gi], preds[pi], gold_countries[gi])
                if use_pop:
                    tallies["pop-e2e"].add(golds[gi], baseline(gaz, lex, preds[pi].text,
                                                    preds[pi].country),
                                           gold_countries[gi])
            resolved = resolve_spans(ctx, [(g.start, g.end) for g in golds], gaz)
            for g, p, c in zip(golds, resolved, gold_countries):
                tallies["ng-gold"].add(g, p, c)
                if use_pop:
                    tallies["pop-gold"].add(g, baseline(gaz, lex, d.text[g.start:g.end]), c)
        p, r, f = prf(n_tp, n_pred, n_gold)
        rows = [("newsgraph", "end to end", "ng-e2e", [p, r, f]),
                ("population", "end to end", "pop-e2e", [p, r, f]),
                ("newsgraph", "gold", "ng-gold", [None] * 3),
                ("population", "gold", "pop-gold", [None] * 3)]
        for system, spans, key, det in rows:
            if system == "population" and not use_pop:
                continue
            cells = tallies[key].cells(metonymy and system == "newsgraph")
            report.rows.append([name, system, spans, cells[0], *det, *cells[1:]])
    report.notes += [
        f"Data: {data} ({', '.join(f'{n}: {len(d)} articles' for n, d in sets)})"
        + (f", first {limit} articles of each" if limit else "") + ".",
        "Gold toponyms: those with coordinates (GeoWebNews: every toponym type with a point, "
        "adjectival modifiers such as 'Syrian' included; TR-News: toponyms with a gazetteer tag; "
        "GeoVirus: all locations).",
        "End to end: resolution scored on the gold toponyms our detection found (overlapping "
        "spans, one to one); the population row resolves those same spans.",
        "AUC as in Gritta et al. 2018 (lower is better); unresolved toponyms count 20,039 km.",
        "Metonymy (GeoWebNews): gold type Metonymic vs reading 'government'.",
    ]
    return report
