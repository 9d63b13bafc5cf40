"""Country outlines for the maps, read offline from an installed package.

The shapes are Natural Earth's low-resolution countries (public domain), which the ``pyogrio``
wheel ships as a test fixture (``pyogrio/tests/fixtures/naturalearth_lowres``). They are read
here with a few lines of ``struct`` (an ESRI shapefile of polygons and its dBASE table), so
pyogrio is never imported and nothing is fetched; where the package is missing, maps are drawn
with a graticule and points only.

Coordinates are projected equirectangularly onto a 360 x 180 plane: x = lon + 180, y = 90 - lat.
"""

from __future__ import annotations

import importlib.util
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

FIXTURE = Path("tests") / "fixtures" / "naturalearth_lowres" / "naturalearth_lowres"
SIMPLIFY = 0.3  # degrees: a vertex closer than this to the last one kept is dropped


@dataclass(frozen=True)
class Country:
    iso3: str
    name: str
    path: str  # SVG path data in the 360 x 180 plane
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in that plane

    def meets(self, x0: float, y0: float, x1: float, y1: float) -> bool:
        """Whether the outline's box overlaps the rectangle."""
        return not (self.box[2] < x0 or self.box[0] > x1 or self.box[3] < y0 or self.box[1] > y1)


def shapefile_base() -> Optional[Path]:
    """The Natural Earth shapefile inside the installed pyogrio package (without importing it)."""
    try:
        spec = importlib.util.find_spec("pyogrio")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        base = Path(folder) / FIXTURE
        if base.with_suffix(".shp").is_file() and base.with_suffix(".dbf").is_file():
            return base
    return None


def read_dbf(path: Path) -> list[dict[str, str]]:
    """The rows of a dBASE III table as text fields."""
    data = path.read_bytes()
    count, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields = []
    at = 32
    while data[at] != 0x0D:
        name = data[at:at + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, data[at + 16]))
        at += 32
    rows = []
    for i in range(count):
        start = header_len + i * record_len + 1  # the first byte flags deletion
        row, offset = {}, start
        for name, length in fields:
            row[name] = data[offset:offset + length].decode("utf-8", "replace").strip()
            offset += length
        rows.append(row)
    return rows


def read_polygons(path: Path) -> list[list[list[tuple[float, float]]]]:
    """The rings of each polygon record of a shapefile, as (lon, lat) lists (null shapes empty)."""
    data = path.read_bytes()
    shapes = []
    at = 100
    while at + 8 <= len(data):
        _, words = struct.unpack(">ii", data[at:at + 8])
        body = data[at + 8:at + 8 + 2 * words]
        at += 8 + 2 * words
        kind = struct.unpack("<i", body[:4])[0]
        if kind not in (5, 15, 25):  # polygon, polygon Z, polygon M
            shapes.append([])
            continue
        n_parts, n_points = struct.unpack("<ii", body[36:44])
        parts = list(struct.unpack(f"<{n_parts}i", body[44:44 + 4 * n_parts]))
        base = 44 + 4 * n_parts
        coords = struct.unpack(f"<{2 * n_points}d", body[base:base + 16 * n_points])
        points = list(zip(coords[0::2], coords[1::2]))
        bounds = parts[1:] + [n_points]
        shapes.append([points[a:b] for a, b in zip(parts, bounds)])
    return shapes


def ring_path(ring: list[tuple[float, float]]) -> str:
    """A closed SVG subpath for a ring, thinned and rounded to 0.1 degree."""
    kept: list[tuple[float, float]] = []
    for lon, lat in ring:
        x, y = lon + 180.0, 90.0 - lat
        if kept and abs(x - kept[-1][0]) < SIMPLIFY and abs(y - kept[-1][1]) < SIMPLIFY:
            continue
        kept.append((x, y))
    if len(kept) < 3:
        return ""
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in kept) + "Z"


@lru_cache(maxsize=1)
def countries() -> tuple[Country, ...]:
    """Every country's outline (read once); empty when the shapes are not installed."""
    base = shapefile_base()
    if base is None:
        return ()
    try:
        table = read_dbf(base.with_suffix(".dbf"))
        shapes = read_polygons(base.with_suffix(".shp"))
    except (OSError, struct.error, IndexError):
        return ()
    out = []
    for row, rings in zip(table, shapes):
        d = "".join(ring_path(r) for r in rings)
        if d:
            xs = [lon + 180.0 for r in rings for lon, _ in r]
            ys = [90.0 - lat for r in rings for _, lat in r]
            out.append(Country(row.get("iso_a3", ""), row.get("name", ""), d,
                               (min(xs), min(ys), max(xs), max(ys))))
    return tuple(out)
