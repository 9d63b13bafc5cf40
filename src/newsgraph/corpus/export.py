"""Exports: any rows a query returns, written as CSV, JSON lines, JSON, Parquet or GeoJSON.

The format comes from the file name (``.csv``, ``.jsonl``/``.ndjson``, ``.json``, ``.parquet``,
``.geojson``). Parquet is written by DuckDB (``COPY ... (FORMAT parquet)``) from a table built out
of the rows with one typed column per key, so dates stay dates and lists stay lists. GeoJSON
makes one Point feature per row that has coordinates (``lat``/``lon`` or
``latitude``/``longitude``), with the other columns as its properties.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence, Union

import duckdb

from . import output

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
           ".parquet": "parquet", ".pq": "parquet", ".geojson": "geojson"}
COORDINATES = (("lon", "lat"), ("longitude", "latitude"))


class ExportError(ValueError):
    """An export newsgraph cannot write (unknown format, no coordinates ...)."""


def format_of(path: Union[str, Path]) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(f"{path}: unknown export format {suffix or '(none)'!r}; use "
                          + ", ".join(sorted(FORMATS)))
    return FORMATS[suffix]


def export(rows: Sequence[dict], path: Union[str, Path], fmt: str | None = None) -> int:
    """Write the rows to ``path`` in the format its name says; returns how many were written
    (for GeoJSON, the rows with coordinates)."""
    fmt = fmt or format_of(path)
    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        path.write_text(output.to_csv(rows), encoding="utf-8")
    elif fmt == "json":
        path.write_text(output.to_json(list(rows)), encoding="utf-8")
    elif fmt == "jsonl":
        with open(path, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(output.plain(row), ensure_ascii=False) + "\n")
    elif fmt == "parquet":
        write_parquet(rows, path)
    elif fmt == "geojson":
        collection = geojson(rows)
        path.write_text(json.dumps(collection, ensure_ascii=False) + "\n", encoding="utf-8")
        return len(collection["features"])
    else:
        raise ExportError(f"unknown export format {fmt!r}")
    return len(rows)


# --- GeoJSON ------------------------------------------------------------------------------------

def geojson(rows: Sequence[dict]) -> dict:
    """A FeatureCollection of Points, one per row with coordinates (rows without are left out)."""
    if rows:
        keys = rows[0].keys()
        pair = next((p for p in COORDINATES if p[0] in keys and p[1] in keys), None)
        if pair is None:
            raise ExportError("GeoJSON needs lat/lon (or latitude/longitude) columns; these rows "
                              "have " + ", ".join(keys))
    else:
        pair = COORDINATES[0]
    lon_key, lat_key = pair
    features = []
    for row in rows:
        lon, lat = row.get(lon_key), row.get(lat_key)
        if lon is None or lat is None:
            continue
        props = {k: output.plain(v) for k, v in row.items() if k not in pair}
        features.append({"type": "Feature",
                         "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
                         "properties": props})
    return {"type": "FeatureCollection", "features": features}


# --- Parquet through DuckDB ----------------------------------------------------------------------

def column_type(values: Sequence[Any]) -> str:
    """The DuckDB type that holds every value of a column (JSON for nested objects)."""
    seen = {type(v) for v in values if v is not None}
    if not seen:
        return "VARCHAR"
    if seen <= {bool}:
        return "BOOLEAN"
    if seen <= {int}:
        return "BIGINT"
    if seen <= {int, float, Decimal}:
        return "DOUBLE"
    if seen <= {datetime}:
        aware = any(v.tzinfo is not None for v in values if v is not None)
        return "TIMESTAMPTZ" if aware else "TIMESTAMP"
    if seen <= {date}:
        return "DATE"
    if seen <= {str}:
        return "VARCHAR"
    if seen <= {list, tuple}:
        items = [x for v in values if v for x in v]
        if all(isinstance(x, str) for x in items):
            return "VARCHAR[]"
    return "JSON"


def write_parquet(rows: Sequence[dict], path: Path) -> None:
    names = list(rows[0].keys()) if rows else []
    con = duckdb.connect()
    try:
        if not names:
            con.execute("CREATE TABLE t (empty VARCHAR)")
        else:
            selects, params = [], []
            for n, name in enumerate(names, 1):
                values = [row.get(name) for row in rows]
                sql = column_type(values)
                if sql == "JSON":
                    values = [None if v is None else json.dumps(output.plain(v), ensure_ascii=False)
                              for v in values]
                    selects.append(f'unnest(${n}::VARCHAR[])::JSON AS "{_ident(name)}"')
                else:
                    if sql == "DOUBLE":
                        values = [None if v is None else float(v) for v in values]
                    selects.append(f'unnest(${n}::{sql}[]) AS "{_ident(name)}"')
                params.append(values)
            con.execute(f"CREATE TABLE t AS SELECT {', '.join(selects)}", params)
        target = str(path).replace("'", "''")
        con.execute(f"COPY t TO '{target}' (FORMAT parquet)")
    finally:
        con.close()


def _ident(name: str) -> str:
    return str(name).replace('"', '""')
