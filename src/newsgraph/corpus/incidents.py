"""Casualty figures grouped into incidents, and compared across outlets.

A *figure* is a count of people next to a casualty word ("killing at least 20 civilians",
"12 soldiers were wounded", "the death toll rose to 30"). Each gets:

* an **outcome** (``killed``, ``wounded``, ``casualties`` for killed-or-wounded, ``missing``,
  ``kidnapped``) from the casualty word nearest to it in its sentence, preferring one right
  beside it ("were killed", "killing"), and **victims**, a group read from the counted noun's
  head (people, civilians, children, women, soldiers, fighters);
* a **date**: the day of the event the figure belongs to, else the day its claim was said, else
  the article's date;
* a **place**: the event's, else the nearest place named in the same sentence, else the place
  the article is about (the first town or province in its title and lead, else the one named
  most), else the country it names most.

Figures that sum up a war ("since 2011", "the conflict has killed") or add to an earlier count
("20 more") are kept but never compared.

An **incident** is a set of figures in the same country and first-level division (a town and
its province nest: a figure placed in "Idlib province" joins one placed in "Khan Sheikhun"),
whose dates lie within ``window`` days of the incident's first date. Inside an incident, figures
about the same outcome and victims are reconciled as ``claims`` does (the interval most figures
allow, the others flagged ``conflict``; a near-duplicate copy repeating its cluster's figure is
flagged ``copy`` and not counted), so two outlets giving 20 and 45 dead for the same air raid
show up as a conflict.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Union

from .queries import QueryError, Rows, _estimate, fetch, interval, reading, stem

Db = Union[str, Path]
# Days between an incident's first and last figure. 0: the same day, which is right when the
# figure's date is the event's (the text's "on Sunday"); widen it for outlets that give only
# their publication date.
DEFAULT_WINDOW = 0
WAR_TOTAL = 100_000  # a toll this large sums up a war or a campaign, not one incident

# --- reading a figure's outcome and victims ------------------------------------------------------

OUTCOMES: dict[str, str] = {
    # word stem (lower-case prefix) -> outcome
    "kill": "killed", "dead": "killed", "death": "killed", "die": "killed", "died": "killed",
    "dying": "killed", "fatalit": "killed", "slain": "killed", "massacr": "killed",
    "execut": "killed", "murder": "killed", "behead": "killed", "toll": "killed",
    "lives": "killed", "bodies": "killed", "corpse": "killed",
    "wound": "wounded", "injur": "wounded", "hurt": "wounded", "maim": "wounded",
    "casualt": "casualties", "missing": "missing", "kidnap": "kidnapped", "abduct": "kidnapped",
}
_OUTCOME_WORD = re.compile(
    r"(?i)\b(kill\w*|dead|deaths?|die|died|dying|fatalit\w*|slain|massacr\w*|execut\w*|"
    r"murder\w*|behead\w*|toll|lives|bodies|corpses?|wound\w*|injur\w*|hurt|maim\w*|"
    r"casualt\w*|missing|kidnap\w*|abduct\w*)\b")
# The SQL prefilter: a casualty word somewhere near the number.
_OUTCOME_SQL = (r"(?i)\b(kill|dead|death|die|dying|fatalit|slain|massacr|execut|murder|behead|"
                r"toll|lives|bodies|corpse|wound|injur|hurt|maim|casualt|missing|kidnap|abduct)")
# Words that may stand between a number and its verb or noun ("20 people were reportedly killed").
_AFTER_GAP = re.compile(r"(?i)^[\s,]*(?:(?:were|was|have|has|had|been|are|is|being|got|"
                        r"reportedly|also|later|all|people|persons|civilians|others|"
                        r"of|them|whom|including|confirmed|reported|allegedly|either|been)"
                        r"[\s,]+){0,4}$")
_BEFORE_GAP = re.compile(r"(?i)^[\s,]*(?:(?:\w+)[\s,]+){0,4}$")
_SENTENCE_END = re.compile(r"[.!?;]\s|\n")
_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozens?|"
                     r"hundreds?|scores?)\b", re.I)

VICTIMS: dict[str, str] = {
    # head noun (lower case, singular or plural as written) -> victim group
    **{w: "people" for w in ("people", "persons", "person", "individuals", "individual",
                             "others", "other", "victims", "victim", "syrians", "iraqis",
                             "bodies", "body", "passengers", "worshippers", "workers",
                             "patients", "lives", "dead", "casualties", "deaths", "killed",
                             "wounded", "injured")},
    **{w: "civilians" for w in ("civilians", "civilian", "residents", "resident", "citizens",
                                "citizen", "villagers", "inhabitants", "refugees", "families")},
    **{w: "children" for w in ("children", "child", "kids", "minors", "boys", "girls",
                               "infants", "babies", "students", "pupils")},
    **{w: "women" for w in ("women", "woman")},
    **{w: "soldiers" for w in ("soldiers", "soldier", "troops", "servicemen", "personnel",
                               "officers", "officer", "policemen", "police", "guards",
                               "conscripts", "army", "pilots", "militiamen", "servicemembers")},
    **{w: "fighters" for w in ("fighters", "fighter", "militants", "militant", "terrorists",
                               "terrorist", "rebels", "rebel", "jihadists", "jihadist",
                               "insurgents", "gunmen", "mercenaries", "extremists", "members",
                               "combatants", "jihadis", "militia", "militias", "opposition",
                               "commanders", "commander", "bombers")},
}
_INCREMENT = re.compile(r"(?i)^(?:\w+\s+)?(?:more|another|further|additional)\b")
_CUMULATIVE = re.compile(
    r"(?i)\bsince\s+(?:the\s+(?:start|beginning|outbreak|onset)|(?:19|20)\d\d|(?:january|"
    r"february|march|april|may|june|july|august|september|october|november|december)\b|it\s+"
    r"(?:began|erupted|started)|the\s+(?:war|conflict|uprising|crisis|revolution))|"
    r"\b(?:war|conflict|uprising|crisis|revolution|fighting)\s+(?:has|have|had|which\s+has)\s+"
    r"(?:killed|claimed|left)|\bso\s+far\s+this\s+year\b|\bin\s+total\b|\bover\s+the\s+past\s+"
    r"(?:\w+\s+)?(?:years|months)\b")


def outcome_near(before: str, after: str) -> str | None:
    """The outcome of a number from the text before and after it (already cut at the
    sentence): a casualty word right after it ("were killed", "dead") or right before it
    ("killing", "death toll rose to"), else the nearest one in the sentence."""
    after_words = list(_OUTCOME_WORD.finditer(after))
    if after_words and _AFTER_GAP.match(after[: after_words[0].start()]):
        return _outcome(after_words[0].group(1))
    before_words = list(_OUTCOME_WORD.finditer(before))
    if before_words and _BEFORE_GAP.match(before[before_words[-1].end():]) \
            and not _NUMBER.search(before[before_words[-1].end():]):
        return _outcome(before_words[-1].group(1))
    # nearest, not past another number
    best: tuple[int, str] | None = None
    if after_words and not _NUMBER.search(after[: after_words[0].start()]):
        best = (after_words[0].start(), after_words[0].group(1))
    if before_words and not _NUMBER.search(before[before_words[-1].end():]):
        distance = len(before) - before_words[-1].end()
        if best is None or distance < best[0]:
            best = (distance, before_words[-1].group(1))
    return _outcome(best[1]) if best else None


def _outcome(word: str) -> str | None:
    w = word.lower()
    for prefix, outcome in OUTCOMES.items():
        if w.startswith(prefix):
            return outcome
    return None


def victims_of(counted: str | None) -> str | None:
    """The victim group of a counted phrase (its last word); ``people`` when nothing is counted
    ("30 were killed"); None when the thing counted is not people ("five tanks")."""
    if not counted:
        return "people"
    words = re.findall(r"[^\W\d_]+", counted.lower())
    if not words:
        return "people"
    return VICTIMS.get(words[-1])


def _cut_sentence(before: str, after: str) -> tuple[str, str]:
    ends = list(_SENTENCE_END.finditer(before))
    if ends:
        before = before[ends[-1].end():]
    end = _SENTENCE_END.search(after)
    if end:
        after = after[: end.start()]
    return before, after


# --- the figures -----------------------------------------------------------------------------------

_FIGURES_SQL = """
WITH cand AS (
    SELECT q.article_id, q.id AS quantity_id, q.text AS quantity, q.value, q.low, q.high,
           q.low_inclusive, q.high_inclusive, q.approximate, q.change, q.unit, q.counted,
           q.sentence, q.start, q."end",
           substr(a.text, greatest(q.start - 120, 0) + 1, least(q.start, 120)) AS before,
           substr(a.text, q."end" + 1, 120) AS after,
           a.source AS outlet, a.published, a.title, a.url, a.cluster_id
    FROM quantities q JOIN articles a ON a.id = q.article_id
    WHERE q.kind = 'count' AND coalesce(q.value, q.low, q.high) IS NOT NULL
      AND regexp_matches(substr(a.text, greatest(q.start - 120, 0) + 1, least(q.start, 120))
                         || ' ' || substr(a.text, q."end" + 1, 120), $1)
      {since}
), in_claims AS (
    SELECT c.article_id, unnest(c.quantities) AS quantity_id, c.id AS claim_id, c.kind,
           c.modality, c.source, c.source_text, c.said_on, c.text AS claim, c.start AS claim_start
    FROM claims c WHERE c.article_id IN (SELECT article_id FROM cand)
), claim_of AS (
    SELECT * FROM in_claims
    QUALIFY row_number() OVER (PARTITION BY article_id, quantity_id ORDER BY claim_start DESC) = 1
), event_of AS (
    SELECT v.article_id, coalesce(v.dead, v.injured) AS quantity_id, v.id AS event_id,
           v.type AS event_type, v.place AS event_place, v.time_value AS event_time,
           v.time_basis AS event_time_basis, v.sentence_text
    FROM events v
    WHERE (v.dead IS NOT NULL OR v.injured IS NOT NULL)
      AND v.article_id IN (SELECT article_id FROM cand)
    QUALIFY row_number() OVER (PARTITION BY v.article_id, coalesce(v.dead, v.injured)
                               ORDER BY v.start) = 1
)
SELECT cand.*, co.claim_id, co.kind AS claim_kind, co.modality, co.said_on, co.claim,
       coalesce(e.name, co.source_text) AS speaker,
       ev.event_id, ev.event_type, ev.event_place, ev.event_time, ev.event_time_basis,
       ev.sentence_text
FROM cand
LEFT JOIN claim_of co ON co.article_id = cand.article_id AND co.quantity_id = cand.quantity_id
LEFT JOIN entities e ON e.article_id = co.article_id AND e.id = co.source
LEFT JOIN event_of ev ON ev.article_id = cand.article_id AND ev.quantity_id = cand.quantity_id
ORDER BY cand.published NULLS LAST, cand.article_id, cand.start
"""

_PLACES_SQL = """
SELECT p.article_id, p.id, p.sentence, p.start, coalesce(p.name, p.text) AS name, p.feature,
       p.country, p.admin1, p.geonameid, p.reading
FROM places p
WHERE p.article_id IN (SELECT unnest($1::VARCHAR[])) AND p.country IS NOT NULL
ORDER BY p.article_id, p.start
"""

SUB_COUNTRY = {"city", "admin1", "admin2", "region", "district", "village", "town", "locality",
               "neighbourhood", "neighborhood", "area", "camp", "airport", "facility"}


def casualty_figures(db: Db, about: str = "killed", since: Union[date, str, None] = None) -> Rows:
    """Every casualty figure whose outcome (and, for further words of ``about``, counted
    phrase) matches ``about``, with its outcome, victims, date, place and scope.

    ``about``: ``killed`` (also ``dead``, ``deaths``, ``toll``), ``wounded`` (``injured``),
    ``casualties`` (both), optionally with the victims ("civilians killed")."""
    wanted, words = _about(about)
    params: list[Any] = [_OUTCOME_SQL]
    since_sql = ""
    if since is not None:
        params.append(str(since)[:10])
        since_sql = "AND a.published >= CAST($2 AS DATE)"
    with reading(db) as con:
        rows = fetch(con, _FIGURES_SQL.format(since=since_sql), params)
        ids = sorted({r["article_id"] for r in rows})
        places = fetch(con, _PLACES_SQL, [ids]) if ids else []
    by_article: dict[str, list[dict]] = {}
    for p in places:
        by_article.setdefault(p["article_id"], []).append(p)
    out: Rows = []
    for row in rows:
        before, after = _cut_sentence(row.pop("before") or "", row.pop("after") or "")
        outcome = outcome_near(before, after)
        victims = victims_of(row["counted"])
        if outcome is None or victims is None or outcome not in wanted:
            continue
        if words and not all(re.search(w, f"{row['counted'] or ''} {victims}") for w in words):
            continue
        row["outcome"], row["victims"] = outcome, victims
        row["scope"] = _scope(row, before + row["quantity"] + after)
        row["date"], row["date_basis"] = _date(row)
        row["place"] = _place(row, by_article.get(row["article_id"], []))
        out.append(row)
    return out


def _about(about: str) -> tuple[set[str], list[str]]:
    """(outcomes asked for, patterns the other words must match in the victims)."""
    outcomes: set[str] = set()
    others = []
    for word in re.findall(r"[^\W_]+", about.lower()):
        outcome = _outcome(word)
        if outcome == "casualties":
            outcomes |= {"killed", "wounded", "casualties"}
        elif outcome:
            outcomes.add(outcome)
        elif word not in ("the", "of", "and", "or", "people"):
            others.append(r"(?i)\b" + re.escape(stem(word)))
    if not outcomes:
        raise QueryError(f"{about!r} names no casualty: use killed, wounded, casualties, "
                         "missing or kidnapped (with the victims, e.g. 'civilians killed')")
    return outcomes, others


def _scope(row: dict, sentence: str) -> str:
    """``incident``; ``cumulative`` for a war's running total; ``increment`` for "20 more"."""
    if _CUMULATIVE.search(sentence) or (row.get("low") or row.get("value") or 0) >= WAR_TOTAL:
        return "cumulative"
    if row.get("change") or _INCREMENT.match(row.get("counted") or "") \
            or _INCREMENT.match(row.get("quantity") or ""):
        return "increment"
    if row.get("modality") not in (None, "asserted", "hedged"):
        return row["modality"]
    return "incident"


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _date(row: dict) -> tuple[str | None, str]:
    if row.get("event_time") and _DAY.match(row["event_time"]) \
            and row.get("event_time_basis") != "published":
        return row["event_time"][:10], "event"
    if row.get("said_on") and _DAY.match(row["said_on"]):
        return row["said_on"][:10], "said"
    published = row.get("published")
    return (str(published)[:10] if published else None), "published"


def _place(row: dict, places: list[dict]) -> dict | None:
    """Where the figure happened, with ``basis`` saying how it was found."""
    places = [p for p in places if p.get("reading") != "government"] or places
    if row.get("event_place"):
        found = next((p for p in places if p["id"] == row["event_place"]), None)
        if found and found["feature"] != "country":
            return _where(found, "event")
    same = [p for p in places if p["sentence"] == row["sentence"]
            and p["feature"] in SUB_COUNTRY]
    if same:
        nearest = min(same, key=lambda p: abs(p["start"] - row["start"]))
        return _where(nearest, "sentence")
    focus = article_focus(places)
    if focus:
        return focus
    return None


def article_focus(places: list[dict]) -> dict | None:
    """The place an article is about: the first town or province named in its first two
    sentences (title and lead), else the one it names most, else the country it names most."""
    home = _home_country(places)
    inner = [p for p in places if p["feature"] in SUB_COUNTRY]
    # a dateline or an aside names another country's town: the article's own country first
    inner = [p for p in inner if p["country"] == home] or inner
    lead = [p for p in inner if p["sentence"] <= 1]
    if lead:
        return _where(lead[0], "lead")
    if inner:
        return _where(_most_named(inner), "article")
    countries = [p for p in places if p["feature"] == "country"]
    if countries:
        return _where(_most_named(countries), "country")
    return None


def _home_country(places: list[dict]) -> str | None:
    """The country an article names most (a town counts for its country)."""
    counts: dict[str, int] = {}
    for p in places:
        counts[p["country"]] = counts.get(p["country"], 0) + 1
    return max(counts, key=lambda c: counts[c]) if counts else None


def _most_named(places: list[dict]) -> dict:
    counts: dict[Any, int] = {}
    for p in places:
        counts[p["geonameid"]] = counts.get(p["geonameid"], 0) + 1
    return max(places, key=lambda p: (counts[p["geonameid"]], -p["start"]))


def _where(p: dict, basis: str) -> dict:
    admin1 = p["admin1"] or (p["name"] if p["feature"] == "admin1" else None)
    return {"name": p["name"], "feature": p["feature"], "country": p["country"],
            "admin1": admin1, "geonameid": p["geonameid"], "basis": basis}


# --- grouping figures into incidents -----------------------------------------------------------------

@dataclass
class Measure:
    """The figures of one incident about one outcome and victim group, reconciled."""

    outcome: str
    victims: str
    low: float | None
    high: float | None
    figures: list[str]  # keys of the figures (article/claim-or-quantity)
    conflicts: list[str] = field(default_factory=list)
    copies: list[str] = field(default_factory=list)  # repeats and wire copies (one vote)
    disputed: bool = False
    outlets: list[str] = field(default_factory=list)
    conflicting_outlets: bool = False  # outlets disagree (not just one article with itself)


@dataclass
class Incident:
    """Casualty figures about one event: same place (nesting allowed), dates close together."""

    id: str
    first_date: str | None
    last_date: str | None
    country: str | None
    admin1: str | None
    place: str | None  # the most specific place name given most often
    outlets: list[str]
    articles: int
    figures: int
    measures: list[Measure]
    conflict: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


def figure_key(row: dict) -> str:
    return f"{row['article_id']}/{row['quantity_id']}"


def group_incidents(figures: Rows, window: int = DEFAULT_WINDOW) -> list[Incident]:
    """Incidents from figures (``casualty_figures`` rows): each row gets ``incident`` and
    ``flag`` (``consistent``, ``conflict``, ``copy``, or the scope that kept it out:
    ``cumulative``, ``increment``, ``expected`` ...; ``unplaced``/``undated`` when it has no
    place or date)."""
    buckets: dict[tuple, list[dict]] = {}
    for row in figures:
        row["incident"], row["flag"] = None, ""
        place = row.get("place") or {}
        if row.get("scope") != "incident":
            row["flag"] = row.get("scope") or ""
            continue
        if not place.get("country"):
            row["flag"] = "unplaced"
            continue
        if not row.get("date"):
            row["flag"] = "undated"
            continue
        buckets.setdefault((place["country"], place.get("admin1")), []).append(row)
    _join_country_level(buckets)
    incidents: list[Incident] = []
    for (country, admin1), rows in sorted(buckets.items(), key=lambda kv: str(kv[0])):
        rows.sort(key=lambda r: (r["date"], r["article_id"], r["start"]))
        group: list[dict] = []
        for row in rows:
            if group and _days(group[0]["date"], row["date"]) > window:
                incidents.append(_incident(group, country, admin1))
                group = []
            group.append(row)
        if group:
            incidents.append(_incident(group, country, admin1))
    incidents = _nest_country_level(incidents, figures, window)
    incidents.sort(key=lambda i: (i.first_date or "", i.country or "", i.admin1 or ""))
    for n, inc in enumerate(incidents, 1):
        old = inc.id
        inc.id = f"i{n}"
        for row in figures:
            if row.get("incident") == old:
                row["incident"] = inc.id
    return incidents


def _join_country_level(buckets: dict[tuple, list[dict]]) -> None:
    """A figure placed only in a country joins the division its article's other figures are in
    (when they are all in one), since the country nests it."""
    for (country, admin1) in [k for k in buckets if k[1] is None]:
        keep = []
        for row in buckets[(country, None)]:
            homes = {k for k, rows in buckets.items() if k[0] == country and k[1] is not None
                     and any(r["article_id"] == row["article_id"] for r in rows)}
            if len(homes) == 1:
                buckets[homes.pop()].append(row)
            else:
                keep.append(row)
        if keep:
            buckets[(country, None)] = keep
        else:
            del buckets[(country, None)]


def _nest_country_level(found: list[Incident], figures: Rows, window: int) -> list[Incident]:
    """A figure placed only in a country joins the one incident of that country within the
    window, when there is exactly one; otherwise it stays an incident of its own."""
    whole = [i for i in found if i.admin1 is None]
    if not whole:
        return found
    members: dict[str, list[dict]] = {}
    for row in figures:
        if row.get("incident"):
            members.setdefault(row["incident"], []).append(row)
    keep = [i for i in found if i.admin1 is not None]
    for inc in whole:
        rows, alone = members.get(inc.id, []), []
        for row in rows:
            near = [i for i in keep if i.admin1 is not None and i.country == inc.country
                    and _days(i.first_date, row["date"]) <= window
                    and _days(i.last_date, row["date"]) <= window]
            if len(near) == 1:
                members[near[0].id].append(row)
            else:
                alone.append(row)
        if alone:
            members[inc.id] = alone
            keep.append(inc)
        else:
            members.pop(inc.id, None)
    out = []
    for inc in keep:  # rebuild each incident from its members
        rows = sorted(members.get(inc.id, []), key=lambda r: (r["date"], r["article_id"],
                                                               r["start"]))
        if rows:
            out.append(_incident(rows, inc.country, inc.admin1))
    return out


def _days(a: str, b: str) -> int:
    return abs((date.fromisoformat(b[:10]) - date.fromisoformat(a[:10])).days)


def _incident(rows: list[dict], country: str, admin1: str | None) -> Incident:
    key = f"tmp{id(rows)}"
    for r in rows:
        r["incident"] = key
    names: dict[str, int] = {}
    for r in rows:
        name = (r.get("place") or {}).get("name")
        if name and (r["place"].get("feature") != "country" or admin1 is None):
            names[name] = names.get(name, 0) + 1
    place = max(names, key=lambda n: names[n]) if names else None
    measures = []
    by_measure: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        by_measure.setdefault((r["outcome"], r["victims"]), []).append(r)
    for (outcome, victims), members in sorted(by_measure.items()):
        measures.append(_measure(outcome, victims, members))
    dates = [r["date"] for r in rows]
    outlets = sorted({r.get("outlet") or "?" for r in rows})
    inc = Incident(key, min(dates), max(dates), country, admin1, place, outlets,
                   len({r["article_id"] for r in rows}), len(rows), measures)
    inc.conflict = any(m.conflicting_outlets for m in measures)
    return inc


def _measure(outcome: str, victims: str, members: list[dict]) -> Measure:
    """Reconcile one measure: a cluster's copy of a figure counts once; then the interval
    most figures allow, as ``claims`` reconciles."""
    counted: list[dict] = []
    copies: list[str] = []
    seen: dict[tuple, str] = {}
    for r in members:
        figure = (r.get("cluster_id") or r["article_id"], interval(r))
        if figure in seen:  # one vote per figure and story: a repeat or a wire copy
            r["flag"] = "repeat" if seen[figure] == r["article_id"] else "copy"
            copies.append(figure_key(r))
            continue
        seen[figure] = r["article_id"]
        counted.append(r)
    est = _estimate("", None, None, counted)
    m = Measure(outcome, victims, est.low, est.high, [figure_key(r) for r in members],
                [figure_key(r) for r in counted if r["flag"] == "conflict"], copies,
                est.disputed, sorted({r.get("outlet") or "?" for r in counted}))
    bad = {r.get("outlet") for r in counted if r["flag"] == "conflict"}
    good = {r.get("outlet") for r in counted if r["flag"] == "consistent"}
    m.conflicting_outlets = bool(bad) and len(bad | good) > 1 and (
        bool(good - bad) or len(bad) > 1)
    return m


def incidents(db: Db, about: str = "killed", since: Union[date, str, None] = None,
              window: int = DEFAULT_WINDOW) -> tuple[list[Incident], Rows]:
    """(incidents, figures): the casualty figures about ``about`` grouped into incidents."""
    figures = casualty_figures(db, about, since)
    return group_incidents(figures, window), figures


def incident_rows(found: list[Incident], figures: Rows, conflicts_only: bool = False,
                  min_outlets: int = 1) -> Rows:
    """One row per incident and measure, for a table: the figures by outlet (with speaker and
    date), the reconciled interval and how many figures conflict with it."""
    from .output import bounds

    by_key = {figure_key(r): r for r in figures}
    rows: Rows = []
    for inc in found:
        if conflicts_only and not inc.conflict or len(inc.outlets) < min_outlets:
            continue
        for m in inc.measures:
            parts = []
            for key in m.figures:
                r = by_key[key]
                who = r.get("speaker")
                parts.append(f"{r.get('outlet') or '?'}: {bounds(r)}"
                             + (f" ({who}, {r['date']})" if who else f" ({r['date']})")
                             + (" CONFLICT" if r["flag"] == "conflict" else
                                f" {r['flag']}" if r["flag"] in ("copy", "repeat") else ""))
            rows.append({"incident": inc.id, "dates": inc.first_date if inc.first_date ==
                         inc.last_date else f"{inc.first_date}..{inc.last_date}",
                         "place": inc.place or inc.admin1 or inc.country,
                         "admin1": inc.admin1, "country": inc.country,
                         "measure": f"{m.victims} {m.outcome}",
                         "by_outlet": parts,
                         "estimate": bounds({"low": m.low, "high": m.high}),
                         "conflicts": len(m.conflicts), "outlets": len(m.outlets),
                         "disputed": m.disputed, "conflict": m.conflicting_outlets})
    return rows


def figure_rows(found: list[Incident], figures: Rows) -> Rows:
    """The long table: per incident and measure, one row per figure (outlet, figure, speaker,
    date, flag, the sentence) and one row with the estimate; what ``claims --by incident``
    prints and writes as CSV."""
    from .output import bounds

    by_key = {figure_key(r): r for r in figures}
    rows: Rows = []
    for inc in found:
        dates = inc.first_date if inc.first_date == inc.last_date else \
            f"{inc.first_date}..{inc.last_date}"
        where = inc.place or inc.admin1 or inc.country
        for m in inc.measures:
            base = {"incident": inc.id, "dates": dates, "place": where, "admin1": inc.admin1,
                    "country": inc.country, "measure": f"{m.victims} {m.outcome}"}
            for key in m.figures:
                r = by_key[key]
                rows.append({**base, "outlet": r.get("outlet"), "figure": bounds(r),
                             "speaker": r.get("speaker"), "date": r.get("date"),
                             "flag": r.get("flag"), "quantity": r.get("quantity"),
                             "sentence": r.get("claim") or r.get("sentence_text"),
                             "article_id": r["article_id"], "quantity_id": r["quantity_id"],
                             "title": r.get("title")})
            rows.append({**base, "outlet": "= estimate", "figure": bounds(
                {"low": m.low, "high": m.high}), "speaker": None, "date": None,
                "flag": ("conflict between outlets" if m.conflicting_outlets else
                         f"{len(m.conflicts)} conflicting" if m.conflicts else "")
                + ("; disputed" if m.disputed else ""), "quantity": None, "sentence": None,
                "article_id": None, "quantity_id": None, "title": None})
    return rows


def gold_pairs(groups: dict[str, Any]) -> set[tuple[str, str]]:
    """Pairs of items (sorted) that share a group: for pairwise precision and recall."""
    by_group: dict[Any, list[str]] = {}
    for item, g in groups.items():
        if g is not None:
            by_group.setdefault(g, []).append(item)
    pairs = set()
    for members in by_group.values():
        members.sort()
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                pairs.add((a, b))
    return pairs


def pairwise(predicted: dict[str, Any], gold: dict[str, Any]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of a grouping against gold groups (same items)."""
    items = set(predicted) & set(gold)
    p = gold_pairs({i: predicted[i] for i in items})
    g = gold_pairs({i: gold[i] for i in items})
    tp = len(p & g)
    precision = tp / len(p) if p else 0.0
    recall = tp / len(g) if g else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"items": len(items), "predicted_pairs": len(p), "gold_pairs": len(g),
            "precision": precision, "recall": recall, "f1": f1}


__all__ = ["casualty_figures", "group_incidents", "incidents", "incident_rows", "figure_rows",
           "Incident",
           "Measure", "outcome_near", "victims_of", "pairwise", "DEFAULT_WINDOW"]

