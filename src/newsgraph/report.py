"""Situation reports: what the corpus says about one counted thing, every sentence cited.

``build_report(db, about, since, until, place, actor)`` gathers, through the corpus queries,
the numeric claims about ``about`` (``queries.claims_about``) and reconciles them
(``queries.reconcile``), the events whose sentence names it, and their places and dates. It
returns a :class:`Report`: sections of sentences, each with the numbers of its citations, and
the citations themselves (the exact span: the claim's content, or the event's sentence, with
the words around it, the outlet and the date).

:func:`to_html` writes one self-contained HTML file (inline CSS and SVG, no script, nothing
fetched: it reads the same when mailed and opened offline); each citation's span is embedded
as a footnote, with a link to the same span on a running ``newsgraph serve``.
:func:`to_markdown` writes the same report as Markdown with footnotes.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Optional, Union

from .corpus import browse, queries
from .corpus.browse import Filters
from .corpus.output import bounds as bounds_text
from .corpus.queries import Db, Rows
from .web.highlight import event_span, sentence_bounds

DEFAULT_SERVER = "http://127.0.0.1:8000"
CONTEXT = 160  # characters of the sentence shown around a cited span
MAX_EVENTS = 8
MAX_SOURCES = 4  # citations per sentence


@dataclass
class Citation:
    """One cited span of one article."""

    n: int
    article_id: str
    anchor: str  # the id in the article page: claim-c3, or hl for a span given by offsets
    start: int
    end: int
    quote: str  # the span, exactly as in the text
    before: str  # the words before it in its sentence
    after: str
    outlet: Optional[str]
    published: Optional[str]
    title: Optional[str]
    speaker: Optional[str] = None

    @property
    def path(self) -> str:
        """Where the span opens on a running server (``/article/ID#claim-c3``)."""
        query = f"?hl={self.start}-{self.end}" if self.anchor == "hl" else ""
        return f"/article/{self.article_id}{query}#{self.anchor}"

    def to_dict(self) -> dict:
        return {**asdict(self), "path": self.path}


@dataclass
class Sentence:
    text: str
    cites: list[int] = field(default_factory=list)


@dataclass
class Report:
    about: str
    filters: dict
    generated: str
    coverage: dict
    key_numbers: list[Sentence]
    estimates: list[dict]
    conflicts: list[Sentence]
    events: list[Sentence]
    timeline: dict
    points: list[dict]
    citations: list[Citation]
    notes: dict[str, str] = field(default_factory=dict)  # section -> why it is empty

    def to_dict(self) -> dict:
        out = asdict(self)
        out["citations"] = [c.to_dict() for c in self.citations]
        return out

    @property
    def sections(self) -> list[tuple[str, str, list[Sentence]]]:
        return [("key-numbers", "Key numbers", self.key_numbers),
                ("conflicts", "Conflicting claims", self.conflicts),
                ("events", "Main events", self.events)]


# --- gathering -----------------------------------------------------------------------------------------

class _Citations:
    """Numbers citations in order of first use, one number per span."""

    def __init__(self, con: Any):
        self.con = con
        self.items: list[Citation] = []
        self.seen: dict[tuple, int] = {}
        self.articles: dict[str, dict] = {}

    def article(self, article_id: str) -> dict:
        if article_id not in self.articles:
            self.articles.update(browse.texts(self.con, [article_id]))
        return self.articles.get(article_id, {})

    def add(self, article_id: str, anchor: str, start: int, end: int,
            speaker: Optional[str] = None) -> int:
        key = (article_id, anchor, start, end)
        if key in self.seen:
            return self.seen[key]
        art = self.article(article_id)
        text = art.get("text") or ""
        s0, s1 = sentence_bounds(text, start, end)
        before = text[max(s0, start - CONTEXT):start]
        after = text[end:min(s1, end + CONTEXT)]
        n = len(self.items) + 1
        self.items.append(Citation(
            n, article_id, anchor, start, end, text[start:end],
            ("…" if start - CONTEXT > s0 else "") + before.lstrip(),
            after.rstrip() + ("…" if end + CONTEXT < s1 else ""),
            art.get("source"), str(art["published"]) if art.get("published") else None,
            art.get("title"), speaker))
        self.seen[key] = n
        return n


def _place_matches(row: dict, place: str) -> bool:
    want = place.strip().lower()
    for p in row.get("places") or []:
        if not p:
            continue
        if (p.get("name") or "").lower().find(want) >= 0 or (p.get("country") or "").lower() == want:
            return True
    return False


def number_phrase(low: Optional[float], high: Optional[float]) -> str:
    """'between 1,000 and 10,000', 'at least 10,000', 'at most 8,000', '5,000'."""
    def f(x: float) -> str:
        return f"{x:,.0f}" if abs(x) >= 10 or float(x).is_integer() else f"{x:,.2f}"

    if low is not None and high is not None:
        high_shown = math.ceil(high) if high - math.floor(high) > 0.99 else high
        if abs(high_shown - low) < 1e-6:
            return f(low)
        return f"between {f(low)} and {f(high_shown)}"
    if low is not None:
        return f"at least {f(low)}"
    if high is not None:
        return f"at most {f(high)}"
    return "an unknown number of"


def range_phrase(low: Optional[float], high: Optional[float]) -> str:
    """'12,000 to 13,750', 'at least 10,000', 'at most 8,000'."""
    phrase = number_phrase(low, high)
    return phrase.replace("between ", "").replace(" and ", " to ")


def period_words(period: str) -> str:
    """'2024-10' -> 'October 2024'; '2024-10-31' -> '31 October 2024'."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}", period):
            return datetime.strptime(period, "%Y-%m").strftime("%B %Y")
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", period):
            d = datetime.strptime(period, "%Y-%m-%d")
            return f"{d.day} {d.strftime('%B %Y')}"
    except ValueError:
        pass
    return {"all": "Over the whole period", "undated": "Undated"}.get(period, period)


def _who(row: dict) -> str:
    speaker = row.get("speaker") or "an unattributed report"
    bits = [b for b in (row.get("outlet"), str(row.get("date") or "")[:10]) if b]
    return f"{speaker} ({', '.join(bits)})" if bits else speaker


def _members(estimates: list, rows: Rows, period: str) -> dict[int, list[dict]]:
    """The claims behind each estimate (placed claims by their scope; claims without a place
    with the period's best-supported estimate, as ``reconcile`` files them)."""
    by_key: dict[tuple, int] = {}
    for i, e in enumerate(estimates):
        by_key[(e.period, e.place)] = i
    out: dict[int, list[dict]] = {i: [] for i in range(len(estimates))}
    for row in rows:
        if row.get("flag") not in ("consistent", "conflict"):
            continue
        p = queries.period_of(row.get("date"), period)
        country, place = queries.scope(row)
        i = by_key.get((p, place or country))
        if i is None:
            same = [k for k, e in enumerate(estimates) if e.period == p]
            i = max(same, key=lambda k: estimates[k].claims, default=None)
        if i is not None:
            out[i].append(row)
    return out


def build_report(db: Db, about: str, since: Union[date, str, None] = None,
                 until: Union[date, str, None] = None, place: Optional[str] = None,
                 actor: Optional[str] = None, period: str = "month") -> Report:
    """What the corpus says about ``about`` (a counted thing: 'troops', 'civilians killed'),
    restricted to claims and events dated ``since``..``until`` (inclusive), at ``place`` (part
    of a place name, or an ISO alpha-3 code) and involving ``actor`` (part of a name)."""
    since_d = date.fromisoformat(str(since)[:10]) if since else None
    until_d = date.fromisoformat(str(until)[:10]) if until else None
    f = Filters(since=since_d, until=until_d)
    rows = queries.claims_about(db, about, since=since_d, limit=5000)
    rows = browse.filter_claim_rows(rows, f)
    if actor:
        rows = [r for r in rows if actor.lower() in (r.get("speaker") or "").lower()]
    if place:
        rows = [r for r in rows if _place_matches(r, place)]
    estimates = queries.reconcile(rows, period)
    with queries.reading(db) as con:
        cites = _Citations(con)
        claim_spans = browse.spans(con, "claims", [(r["article_id"], r["claim_id"]) for r in rows])

        def cite_claim(row: dict) -> int:
            start, end = claim_spans.get((row["article_id"], row["claim_id"]), (0, 0))
            return cites.add(row["article_id"], f"claim-{row['claim_id']}", start, end,
                             row.get("speaker"))

        key_numbers, conflicts, est_rows = _numbers(estimates, rows, period, about, cite_claim)
        ev_filters = Filters(since=since_d, until=until_d, actor=actor)
        ev_rows = browse.events_about(con, ev_filters, queries.phrase_patterns(about), place)
        if until_d:
            ev_rows = [e for e in ev_rows if e["date"] is None or e["date"] <= until_d]
        if since_d:
            ev_rows = [e for e in ev_rows if e["date"] is None or e["date"] >= since_d]
        events = _events(ev_rows, cites)
        timeline = _timeline(rows, ev_rows)
        points = _points(con, rows, ev_rows)
        coverage = _coverage(rows, ev_rows)
        citations = cites.items
    notes = {}
    if not key_numbers:
        notes["key-numbers"] = f"No numeric claim about “{about}” matches these filters."
    if not conflicts:
        notes["conflicts"] = ("No claim contradicts the interval most sources allow."
                              if key_numbers else "No figures to compare.")
    if not events:
        notes["events"] = f"No event sentence mentions “{about}”."
    filters = {k: v for k, v in {"since": since_d and since_d.isoformat(),
                                 "until": until_d and until_d.isoformat(), "place": place,
                                 "actor": actor, "period": period}.items() if v}
    return Report(about, filters, datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                  coverage, key_numbers, est_rows, conflicts, events, timeline, points,
                  citations, notes)


def _numbers(estimates: list, rows: Rows, period: str, about: str,
             cite_claim: Any) -> tuple[list[Sentence], list[Sentence], list[dict]]:
    """One sentence per estimate (the range and who gives it), one per conflict."""
    members = _members(estimates, rows, period)
    numbers: list[Sentence] = []
    conflicts: list[Sentence] = []
    table: list[dict] = []
    for i, e in enumerate(estimates):
        agree = [r for r in members[i] if r["flag"] == "consistent"]
        disagree = [r for r in members[i] if r["flag"] == "conflict"]
        if not agree:
            continue
        counted = Counter(r.get("counted") or about for r in agree).most_common(1)[0][0]
        where = f", {e.place}" if e.place else ""
        sources = [_who(r) for r in agree[:MAX_SOURCES]]
        more = len(agree) - len(sources)
        text = (f"{period_words(e.period)}{where}: {number_phrase(e.low, e.high)} {counted}, "
                f"according to {', '.join(sources)}"
                + (f" and {more} more" if more > 0 else "")
                + (f"; {len(disagree)} other claim{'s' if len(disagree) > 1 else ''} disagree"
                   if disagree else "") + ".")
        numbers.append(Sentence(text, [cite_claim(r) for r in agree[:MAX_SOURCES]]))
        table.append({"period": e.period, "place": e.place, "low": e.low, "high": e.high,
                      "range": bounds_text({"low": e.low, "high": e.high}), "claims": e.claims,
                      "outlets": e.outlets, "conflicts": len(disagree), "disputed": e.disputed})
        inside = f" in {e.place}" if e.place else ""
        for r in disagree:
            conflicts.append(Sentence(
                f"{_who(r)} puts {r.get('counted') or about}{inside} at {bounds_text(r)} in "
                f"{period_words(e.period)}, outside the range that {len(agree)} other "
                f"claim{'s' if len(agree) > 1 else ''} allow{'s' if len(agree) == 1 else ''} "
                f"({range_phrase(e.low, e.high)}).",
                [cite_claim(r)] + [cite_claim(a) for a in agree[:2]]))
        if e.disputed:
            conflicts.append(Sentence(
                f"{period_words(e.period)}{where}: another interval is supported by as many "
                f"claims as {number_phrase(e.low, e.high)}; the figure is disputed.",
                [cite_claim(r) for r in members[i][:MAX_SOURCES]]))
        for note in e.notes:
            conflicts.append(Sentence(f"{period_words(e.period)}: {note}.",
                                      [cite_claim(r) for r in agree[:2]]))
    return numbers, conflicts, table


def _events(ev_rows: Rows, cites: _Citations) -> list[Sentence]:
    """The main events: reports of the same type at the same place and date grouped, the most
    reported first, then the latest."""
    groups: dict[tuple, list[dict]] = {}
    for e in ev_rows:
        if e.get("modality") == "historical":
            continue
        key = (e["type"], e.get("geonameid") or e.get("place") or e["article_id"], e.get("date"))
        groups.setdefault(key, []).append(e)
    ranked = sorted(groups.values(), key=lambda g: (len({x.get("outlet") for x in g}), len(g),
                                                   str(g[0].get("date") or "")), reverse=True)
    out = []
    for group in ranked[:MAX_EVENTS]:
        e = group[0]
        who = f" by {e['actors']}" if e.get("actors") else ""
        whom = f" against {e['recipients']}" if e.get("recipients") and e["type"] in (
            "ASSAULT", "COERCE", "THREATEN", "ACCUSE", "SANCTION") else (
            f" involving {e['recipients']}" if e.get("recipients") else "")
        at = f" in {e['place']}" if e.get("place") else ""
        dead = f", {e['dead']:,.0f} dead" if e.get("dead") is not None else ""
        hedge = "" if e.get("modality") in (None, "asserted") else f" ({e['modality']})"
        articles = len({x["article_id"] for x in group})
        outlets = len({x.get("outlet") for x in group if x.get("outlet")})
        reports = (f"; reported in {articles} articles" + (f" by {outlets} outlets" if outlets > 1
                                                          else "")) if articles > 1 else ""
        day = str(e.get("date") or "undated")[:10]
        quote = _short(e.get("sentence_text") or e.get("trigger") or "")
        if not quote.startswith(("“", '"', "‘", "'")):
            quote = f"“{quote}”"
        text = f"{day}: {e['type'].lower()}{who}{whom}{at}{dead}{hedge}{reports} — {quote}"
        numbers = []
        for x in group[:MAX_SOURCES]:
            art = cites.article(x["article_id"])
            s0, s1 = event_span(art.get("text") or "", x["start"], x["end"], x.get("sentence_text"))
            numbers.append(cites.add(x["article_id"], "hl", s0, s1))
        out.append(Sentence(text, numbers))
    return out


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _timeline(rows: Rows, ev_rows: Rows) -> dict:
    days: list[tuple[date, str]] = []
    for r in rows:
        try:
            days.append((date.fromisoformat(str(r.get("date"))[:10]), "claims"))
        except ValueError:
            continue
    for e in ev_rows:
        if e.get("date") is not None and e.get("modality") != "historical":
            days.append((e["date"], "events"))
    if not days:
        return {"granularity": "month", "periods": []}
    first, last = min(d for d, _ in days), max(d for d, _ in days)
    span = (last - first).days
    granularity = "day" if span <= 62 else "month" if span <= 3660 else "year"
    counts: dict[str, Counter] = {}
    for d, kind in days:
        counts.setdefault(browse.period_key(d, granularity), Counter())[kind] += 1
    periods = [{"period": k, "claims": counts.get(k, Counter())["claims"],
                "events": counts.get(k, Counter())["events"]}
               for k in browse.period_range(first, last, granularity)]
    return {"granularity": granularity, "periods": periods}


def _points(con: Any, rows: Rows, ev_rows: Rows) -> list[dict]:
    """Map points: the places of the claims and events, with counts and event types."""
    tally: dict[int, dict] = {}
    for r in rows:
        for p in r.get("places") or []:
            if p and p.get("geonameid") is not None:
                t = tally.setdefault(p["geonameid"], {"articles": set(), "types": Counter()})
                t["articles"].add(r["article_id"])
    for e in ev_rows:
        if e.get("geonameid") is not None:
            t = tally.setdefault(e["geonameid"], {"articles": set(), "types": Counter()})
            t["articles"].add(e["article_id"])
            t["types"][e["type"]] += 1
    where = browse.coordinates(con, list(tally))
    points = []
    for gid, t in tally.items():
        c = where.get(gid)
        if not c or c.get("lat") is None:
            continue
        types = t["types"]
        points.append({"geonameid": gid, "name": c["name"], "country": c["country"],
                       "lat": c["lat"], "lon": c["lon"], "articles": len(t["articles"]),
                       "events": sum(types.values()),
                       "type": types.most_common(1)[0][0] if types else None,
                       "types": sorted(types)})
    points.sort(key=lambda p: (-(p["events"] + p["articles"]), p["name"] or ""))
    return points[:200]


def _coverage(rows: Rows, ev_rows: Rows) -> dict:
    articles = {r["article_id"] for r in rows} | {e["article_id"] for e in ev_rows}
    outlets = {r.get("outlet") for r in rows if r.get("outlet")} | {
        e.get("outlet") for e in ev_rows if e.get("outlet")}
    dates = sorted(str(r.get("date"))[:10] for r in rows if r.get("date")) + sorted(
        str(e.get("published"))[:10] for e in ev_rows if e.get("published"))
    return {"claims": len(rows), "events": len(ev_rows), "articles": len(articles),
            "outlets": sorted(outlets), "first": min(dates) if dates else None,
            "last": max(dates) if dates else None}


# --- writing ------------------------------------------------------------------------------------------

def _title(report: Report) -> str:
    bits = [f"Situation report: {report.about}"]
    f = report.filters
    if f.get("place"):
        bits.append(f"in {f['place']}")
    if f.get("actor"):
        bits.append(f"involving {f['actor']}")
    return " ".join(bits)


def _scope_line(report: Report) -> str:
    f, c = report.filters, report.coverage
    when = (f"from {f.get('since', 'the start')} to {f.get('until', 'the latest')}"
            if f.get("since") or f.get("until") else "over the whole corpus")
    outlets = ", ".join(c["outlets"][:8]) + (" …" if len(c["outlets"]) > 8 else "")
    return (f"Drawn {when} from {c['claims']} numeric claims and {c['events']} event reports in "
            f"{c['articles']} articles" + (f" ({outlets})" if outlets else "")
            + (f", dated {c['first']} to {c['last']}" if c.get("first") else "")
            + f". Generated {report.generated} by newsgraph.")


def to_html(report: Report, server_url: str = DEFAULT_SERVER) -> str:
    """The report as one self-contained HTML file: inline style and SVG, no script, no request
    to anywhere; the cited spans are embedded, each also linked on ``server_url``."""
    from .web import charts
    from .web.templating import make_env  # Jinja2, autoescaping

    env = make_env()
    timeline = charts.timeline_svg(report.timeline["periods"], title="Claims and events per "
                                   + report.timeline["granularity"])
    points = report.points
    map_svg = charts.map_svg(points, title="Places named") if points else None
    return env.get_template("report.html").render(
        report=report, title=_title(report), scope=_scope_line(report), timeline=timeline,
        map=map_svg, map_legend=charts.legend(p.get("type") for p in points),
        server=server_url.rstrip("/"))


def to_markdown(report: Report, server_url: str = DEFAULT_SERVER) -> str:
    """The report as Markdown, citations as footnotes quoting the span and linking to it."""
    server = server_url.rstrip("/")
    out = [f"# {_title(report)}", "", f"_{_scope_line(report)}_", ""]
    for key, heading, sentences in report.sections:
        out += [f"## {heading}", ""]
        if not sentences:
            out += [f"_{report.notes.get(key, 'Nothing found.')}_", ""]
        for s in sentences:
            out.append(f"- {_md(s.text)}" + "".join(f"[^{n}]" for n in s.cites))
        out.append("")
        if key == "key-numbers" and report.estimates:
            out += ["| period | place | range | claims | outlets | conflicts |",
                    "| --- | --- | --- | --- | --- | --- |"]
            for e in report.estimates:
                out.append(f"| {e['period']} | {_md(e['place'] or 'anywhere')} | {e['range']} | "
                           f"{e['claims']} | {_md(', '.join(e['outlets']))} | {e['conflicts']} |")
            out.append("")
    out += ["## Timeline", ""]
    if report.timeline["periods"]:
        out += [f"| {report.timeline['granularity']} | claims | events |", "| --- | --- | --- |"]
        out += [f"| {p['period']} | {p['claims']} | {p['events']} |"
                for p in report.timeline["periods"] if p["claims"] or p["events"]]
    else:
        out.append("_Nothing dated._")
    out += ["", "## Places", ""]
    if report.points:
        out += ["| place | country | events | articles |", "| --- | --- | --- | --- |"]
        out += [f"| {_md(p['name'] or '?')} | {p['country'] or ''} | {p['events']} | "
                f"{p['articles']} |" for p in report.points[:30]]
    else:
        out.append("_No place resolved._")
    out += ["", "## Sources", ""]
    for c in report.citations:
        meta = ", ".join(x for x in (c.outlet, c.published, f"“{c.title}”" if c.title else None)
                         if x)
        out.append(f"[^{c.n}]: > {_md(c.before)}**{_md(c.quote)}**{_md(c.after)} — {_md(meta)}. "
                   f"[Open the span]({server}{c.path})")
    return "\n".join(out).rstrip() + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def _md(text: str) -> str:
    """Text safe inside Markdown: markup characters backslash-escaped, and HTML made entities
    (a renderer that passes raw HTML through shows it as text)."""
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def write(report: Report, out: Union[str, Path], server_url: str = DEFAULT_SERVER) -> Path:
    """Write the report to ``out``: HTML for .html/.htm, Markdown for .md/.markdown."""
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        text = to_html(report, server_url)
    elif suffix in (".md", ".markdown"):
        text = to_markdown(report, server_url)
    else:
        raise ValueError(f"{out}: write the report to a .html or .md file")
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
