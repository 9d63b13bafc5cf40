"""The figures a browsing page draws for a filter (map points, timeline, counts, top actors),
added up from columns held in memory.

Why not SQL: each is a small aggregate over the derived tables, and DuckDB spends 5-15 ms on
one whatever the data's size (binding, optimising, setting up hash tables for a few thousand
rows). A server that met many new filters at once queued its first visitors behind those
fixed costs. Here the few columns they read are loaded once into NumPy arrays (about 30 bytes
a row), and a filter's figures are a mask and a few counts over them: well under a
millisecond for a corpus of a thousand articles.

What stays SQL: which articles a filter keeps (:func:`browse.article_ids`, so every filter means
exactly what it means on every other page) and corpora too large to hold (:data:`MAX_ROWS`).
The results equal :func:`browse.map_points`, :func:`browse.timeline_days` and
:func:`browse.counts` and :func:`browse.top_actors` (tests compare them; where SQL's ``mode``
picks any of several equally common values, these pick the first by name).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Optional

import duckdb
import numpy as np

from .browse import ACTOR_TYPES, CLAIM_DATE, Filters
from .queries import Rows, fetch

# rows (events, places, claims, entities) held at most: ~2.5 us a row to read (5 s), ~60 MB;
# above it, SQL
MAX_ROWS = 2_000_000
EPOCH = date(1970, 1, 1)
NO_DAY = np.iinfo(np.int32).min
NO_CODE = -1

# each article's position, shared by the item queries (by id, so the same on every load)
_INDEX = "ix AS (SELECT id, (row_number() OVER (ORDER BY id) - 1)::INTEGER AS i FROM articles)"
_EVENTS = ("ev AS (SELECT (row_number() OVER (ORDER BY article_id, id) - 1)::INTEGER AS pos, * "
           "FROM event_facts)")
_DAY = "coalesce(CAST({} - DATE '1970-01-01' AS INTEGER), -2147483648)"


def _codes(values: Iterable, index: Optional[dict] = None) -> tuple[np.ndarray, list]:
    """Small integer codes for the values (None -> -1) and the list they index; pass the same
    ``index`` to code two columns alike (the list then holds both columns' values)."""
    index = {} if index is None else index
    out = []
    for v in values:
        if v is None:
            out.append(NO_CODE)
            continue
        code = index.get(v)
        if code is None:
            code = index[v] = len(index)
        out.append(code)
    return np.array(out, dtype=np.int32), list(index)


@dataclass
class Columns:
    """One row per article, event, resolved place mention and claim; items carry their
    article's position (``*_art``), days are days since 1970 (:data:`NO_DAY`: none)."""

    ids: dict[str, int]
    source: np.ndarray  # code per article (-1: none)
    article_events: np.ndarray
    article_claims: np.ndarray
    ev_art: np.ndarray
    ev_day: np.ndarray
    ev_type: np.ndarray
    types: list[str]
    ev_modality: np.ndarray
    modalities: list[str]
    ev_geo: np.ndarray  # GeoNames id (-1: no resolved place)
    pl_art: np.ndarray  # mentions of places with a GeoNames id and coordinates
    pl_geo: np.ndarray
    pl_country: np.ndarray
    countries: list[str]
    place_info: dict[int, tuple]  # GeoNames id -> (name, country, feature, lat, lon)
    cl_art: np.ndarray
    cl_day: np.ndarray
    cl_modality: np.ndarray  # codes in ``modalities``
    en_art: np.ndarray  # entities of the actor types
    en_name: np.ndarray
    names: list[str]
    en_type: np.ndarray
    entity_types: list[str]
    en_country: np.ndarray
    en_countries: list[str]
    en_sector: np.ndarray
    sectors: list[str]
    names_lower: list[str]
    name_rank: np.ndarray  # each name's place in name order (SQL's ORDER BY name)
    ev_country: np.ndarray  # the event place's country, a code in ``party_countries``
    party_countries: list[str]
    pa_event: np.ndarray  # each actor (``pa_acts``) or recipient of an event: its position
    pa_name: np.ndarray  # codes in ``party_names`` (lower case)
    party_names: list[str]
    pa_country: np.ndarray
    pa_acts: np.ndarray

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, max_rows: int = MAX_ROWS) -> Optional["Columns"]:
        """The columns of the store, or None when it holds more rows than ``max_rows``."""
        sizes = fetch(con, "SELECT (SELECT count(*) FROM event_facts) AS e, "
                           "(SELECT count(*) FROM places) AS p, (SELECT count(*) FROM claims) AS c, "
                           "(SELECT count(*) FROM entities) AS n")
        if sum(sizes[0].values()) > max_rows:
            return None
        arts = con.execute(
            f"""WITH {_INDEX} SELECT ix.id, a.source, coalesce(af.events, 0), coalesce(af.claims, 0)
                FROM ix JOIN articles a ON a.id = ix.id
                LEFT JOIN article_facts af ON af.article_id = ix.id ORDER BY ix.i""").fetchall()
        source, _ = _codes(r[1] for r in arts)
        # events in a fixed order (article, id), so that their parties can name them by place
        ev = con.execute(
            f"""WITH {_INDEX}, {_EVENTS} SELECT ix.i, {_DAY.format('v.date')}, v.type, v.modality,
                       coalesce(v.geonameid, -1), v.place_country
                FROM ev v JOIN ix ON ix.id = v.article_id ORDER BY v.pos""").fetchall()
        parties = con.execute(
            f"""WITH {_EVENTS}, p AS (
                    SELECT pos, article_id, unnest(actors) AS entity, true AS acts FROM ev
                    UNION ALL SELECT pos, article_id, unnest(recipients), false FROM ev)
                SELECT p.pos, e.name, e.country, p.acts FROM p
                JOIN entities e ON e.article_id = p.article_id AND e.id = p.entity""").fetchall()
        cl = con.execute(
            f"""WITH {_INDEX} SELECT ix.i, {_DAY.format(CLAIM_DATE)}, c.modality
                FROM claims c JOIN articles a ON a.id = c.article_id JOIN ix ON ix.id = a.id
                """).fetchall()
        pl = con.execute(
            f"""WITH {_INDEX} SELECT ix.i, p.geonameid, p.name, p.country, p.feature, p.lat, p.lon
                FROM places p JOIN ix ON ix.id = p.article_id WHERE p.geonameid IS NOT NULL
                AND p.lat IS NOT NULL AND p.lon IS NOT NULL""").fetchall()
        en = con.execute(
            f"""WITH {_INDEX} SELECT ix.i, e.name, e.type, e.country, e.sector
                FROM entities e JOIN ix ON ix.id = e.article_id
                WHERE e.type IN ({', '.join('?' * len(ACTOR_TYPES))})""",
            list(ACTOR_TYPES)).fetchall()
        en_name, names = _codes(r[1] for r in en)
        en_type, entity_types = _codes(r[2] for r in en)
        en_country, en_countries = _codes(r[3] for r in en)
        en_sector, sectors = _codes(r[4] for r in en)
        ev_type, types = _codes(r[2] for r in ev)
        modality_codes: dict = {}  # events and claims share them
        ev_modality, _ = _codes((r[3] for r in ev), modality_codes)
        cl_modality, modalities = _codes((r[2] for r in cl), modality_codes)
        pl_country, countries = _codes(r[3] for r in pl)
        country_codes: dict = {}  # event places and parties share them
        ev_country, _ = _codes((r[5] for r in ev), country_codes)
        pa_country, party_countries = _codes((r[2] for r in parties), country_codes)
        pa_name, party_names = _codes(r[1] for r in parties)
        place_info: dict[int, tuple] = {}
        for r in pl:
            place_info.setdefault(r[1], r[2:])
        return cls(
            ids={r[0]: i for i, r in enumerate(arts)}, source=source,
            article_events=np.array([r[2] for r in arts], dtype=np.int64),
            article_claims=np.array([r[3] for r in arts], dtype=np.int64),
            ev_art=np.array([r[0] for r in ev], dtype=np.int32),
            ev_day=np.array([r[1] for r in ev], dtype=np.int32), ev_type=ev_type, types=types,
            ev_modality=ev_modality, modalities=modalities,
            ev_geo=np.array([r[4] for r in ev], dtype=np.int64),
            pl_art=np.array([r[0] for r in pl], dtype=np.int32),
            pl_geo=np.array([r[1] for r in pl], dtype=np.int64), pl_country=pl_country,
            countries=countries, place_info=place_info,
            cl_art=np.array([r[0] for r in cl], dtype=np.int32),
            cl_day=np.array([r[1] for r in cl], dtype=np.int32), cl_modality=cl_modality,
            en_art=np.array([r[0] for r in en], dtype=np.int32), en_name=en_name, names=names,
            en_type=en_type, entity_types=entity_types, en_country=en_country,
            en_countries=en_countries, en_sector=en_sector, sectors=sectors,
            names_lower=[n.lower() for n in names],
            name_rank=np.argsort(np.argsort(np.array(names, dtype=object), kind="stable")),
            ev_country=ev_country, party_countries=party_countries,
            pa_event=np.array([r[0] for r in parties], dtype=np.int64), pa_name=pa_name,
            party_names=[n.lower() for n in party_names], pa_country=pa_country,
            pa_acts=np.array([bool(r[3]) for r in parties], dtype=bool))

    # --- helpers ---

    def keep(self, article_ids: Optional[Iterable[str]]) -> np.ndarray:
        """A mask of the articles listed (None: all of them)."""
        if article_ids is None:
            return np.ones(len(self.ids), dtype=bool)
        mask = np.zeros(len(self.ids), dtype=bool)
        found = [self.ids[a] for a in article_ids if a in self.ids]
        mask[np.array(found, dtype=np.int64)] = True
        return mask

    @staticmethod
    def _code(values: list, value: Optional[str]) -> Optional[int]:
        """The code of a filter value; -2 (matches nothing) when the corpus lacks it."""
        if value is None:
            return None
        try:
            return values.index(value)
        except ValueError:
            return -2

    def _event_mask(self, kept: np.ndarray, f: Filters) -> np.ndarray:
        """Events of kept articles that pass the event's own type and modality filters."""
        mask = kept[self.ev_art]
        code = self._code(self.types, f.type)
        if code is not None:
            mask &= self.ev_type == code
        code = self._code(self.modalities, f.modality)
        if code is not None:
            mask &= self.ev_modality == code
        return mask

    def _party_mask(self, f: Filters) -> np.ndarray:
        """Events an actor filter names among their actors or recipients, and that a country
        filter finds at their place or among their actors' countries (as
        :func:`browse.event_where`)."""
        mask = np.ones(len(self.ev_art), dtype=bool)
        if f.actor:
            named = self._named(f.actor, self.party_names)
            hit = np.zeros(len(mask), dtype=bool)
            hit[self.pa_event[named[self.pa_name]]] = True
            mask &= hit
        if f.country:
            code = self._code(self.party_countries, f.country)
            hit = self.ev_country == code
            hit[self.pa_event[self.pa_acts & (self.pa_country == code)]] = True
            mask &= hit
        return mask

    @staticmethod
    def _in_bounds(days: np.ndarray, f: Filters) -> np.ndarray:
        mask = days != NO_DAY
        if f.since:
            mask &= days >= (f.since - EPOCH).days
        if f.until:
            mask &= days <= (f.until - EPOCH).days
        return mask

    # --- the figures ---

    def timeline_days(self, f: Filters, event_articles: np.ndarray,
                      claim_articles: np.ndarray) -> Rows:
        """:func:`browse.timeline_days`. ``event_articles`` are the articles kept by the
        filter less its type and modality (the events' own stand in for them),
        ``claim_articles`` those kept by the whole filter."""
        counts: dict[tuple[int, str], int] = {}
        ev = self._event_mask(event_articles, f) & self._in_bounds(self.ev_day, f) & \
            self._party_mask(f)
        historical = self._code(self.modalities, "historical")
        if historical is not None and historical >= 0:
            ev &= self.ev_modality != historical
        days, n = np.unique(self.ev_day[ev], return_counts=True)
        counts.update({(int(d), "events"): int(k) for d, k in zip(days, n)})
        if not f.type:  # claims have no event type
            cl = claim_articles[self.cl_art] & self._in_bounds(self.cl_day, f)
            code = self._code(self.modalities, f.modality)
            if code is not None:
                cl &= self.cl_modality == code
            days, n = np.unique(self.cl_day[cl], return_counts=True)
            counts.update({(int(d), "claims"): int(k) for d, k in zip(days, n)})
        return [{"d": EPOCH + timedelta(days=d), "kind": kind, "n": n}
                for (d, kind), n in sorted(counts.items())]

    def map_points(self, f: Filters, kept: np.ndarray, limit: int = 500) -> Rows:
        """:func:`browse.map_points`: ``kept`` are the articles the whole filter keeps."""
        pl = kept[self.pl_art]
        code = self._code(self.countries, f.country)
        if code is not None:
            pl &= self.pl_country == code
        geos, mentions = np.unique(self.pl_geo[pl], return_counts=True)
        _, articles = _distinct_per(self.pl_geo[pl], self.pl_art[pl].astype(np.int64),
                                    len(self.ids))
        ev = self._event_mask(kept, f) & (self.ev_geo >= 0)
        by_type: dict[int, dict[int, int]] = {}
        if ev.any():
            width = max(len(self.types), 1)  # an event always has a type (Event.type: str)
            uniq, n = np.unique(self.ev_geo[ev] * width + self.ev_type[ev], return_counts=True)
            for g, t, k in zip((uniq // width).tolist(), (uniq % width).tolist(), n.tolist()):
                by_type.setdefault(g, {})[t] = k
        only_events = bool(f.type or f.modality)
        points = []
        for g, m, a in zip(geos.tolist(), mentions.tolist(), list(articles)):
            typed = by_type.get(g)
            if only_events and not typed:
                continue
            name, country, feature, lat, lon = self.place_info[g]
            if typed:
                names = {self.types[t]: k for t, k in typed.items()}
                top = max(names.values())
                point_type = min(t for t, k in names.items() if k == top)
                events, listed = sum(names.values()), sorted(names)
            else:
                point_type, events, listed = None, 0, None
            points.append({"geonameid": g, "name": name, "country": country,
                           "feature": feature, "lat": lat, "lon": lon, "mentions": m,
                           "articles": int(a), "events": events, "type": point_type,
                           "types": listed})
        points.sort(key=lambda p: (-p["events"], -p["articles"], -p["mentions"],
                                   p["name"] is None, p["name"] or ""))
        return points[:limit]

    def counts(self, f: Filters, kept: np.ndarray) -> dict:
        """:func:`browse.counts`: articles, outlets, events and claims of the kept articles
        (``f`` is the filter that keeps them: the figures all take it)."""
        sources = self.source[kept]
        return {"articles": int(kept.sum()),
                "outlets": int(np.unique(sources[sources >= 0]).size),
                "events": int(self.article_events[kept].sum()),
                "claims": int(self.article_claims[kept].sum())}

    def top_actors(self, f: Filters, kept: np.ndarray, limit: int = 10) -> Rows:
        """:func:`browse.top_actors`: the actors named in the most kept articles (then in the
        most outlets), with their commonest country and sector."""
        mask = kept[self.en_art]
        if f.actor:  # ILIKE '%actor%': the words anywhere in the name, case aside
            mask &= self._named(f.actor, self.names_lower)[self.en_name]
        if not mask.any():
            return []
        width = len(self.entity_types)
        key = self.en_name[mask].astype(np.int64) * width + self.en_type[mask]
        arts = self.en_art[mask].astype(np.int64)
        keys, articles = _distinct_per(key, arts, len(self.ids))
        sources = self.source[arts]
        known = sources >= 0
        outlets = np.zeros(len(keys), dtype=np.int64)
        if known.any():
            found, n = _distinct_per(key[known], sources[known].astype(np.int64),
                                     int(sources.max()) + 1)
            outlets[np.searchsorted(keys, found)] = n
        order = np.lexsort((self.name_rank[keys // width], -outlets, -articles))[:limit]
        countries, sectors = self.en_country[mask], self.en_sector[mask]
        rows = []
        for i in order.tolist():
            k = int(keys[i])
            rows_of = key == k
            rows.append({"name": self.names[k // width], "type": self.entity_types[k % width],
                         "country": _commonest(countries[rows_of], self.en_countries),
                         "sector": _commonest(sectors[rows_of], self.sectors),
                         "articles": int(articles[i]), "outlets": int(outlets[i])})
        return rows

    @staticmethod
    def _named(words: str, names_lower: list[str]) -> np.ndarray:
        """A mask over the names (and a last False for "no name") of those holding ``words``."""
        needle = words.lower()
        return np.array([needle in n for n in names_lower] + [False])


def _distinct_per(first: np.ndarray, second: np.ndarray, base: int) -> tuple[np.ndarray, np.ndarray]:
    """Each value of ``first`` (sorted) and how many distinct values of ``second`` (all below
    ``base``) come with it."""
    pairs = np.unique(first * max(base, 1) + second)
    return np.unique(pairs // max(base, 1), return_counts=True)


def _commonest(codes: np.ndarray, values: list) -> Optional[str]:
    """The most frequent value (the first by name of a tie); None when all are None."""
    codes = codes[codes >= 0]
    if not codes.size:
        return None
    counts = np.bincount(codes)
    top = counts.max()
    return min(values[c] for c in np.flatnonzero(counts == top).tolist())
