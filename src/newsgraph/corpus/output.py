"""Rows out: JSON, CSV or a Rich table. Whatever a table shows, JSON and CSV show too."""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Sequence

from rich.table import Table


def plain(value: Any) -> Any:
    """A JSON-ready value (dates as ISO text, infinities as null)."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    return value


def to_json(data: Any) -> str:
    return json.dumps(plain(data), ensure_ascii=False, indent=1) + "\n"


def to_csv(rows: Sequence[dict]) -> str:
    out = io.StringIO()
    if not rows:
        return ""
    writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def _cell(value: Any) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def table(rows: Sequence[dict], columns: Sequence[str] | None = None, title: str | None = None,
          widths: dict[str, int] | None = None) -> Table:
    """A Rich table of the rows (the chosen columns, all by default)."""
    columns = list(columns or (rows[0].keys() if rows else []))
    t = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        t.add_column(c, max_width=(widths or {}).get(c), overflow="fold")
    for row in rows:
        t.add_row(*[_show(row.get(c)) for c in columns])
    return t


def _show(value: Any) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    if isinstance(value, list):
        return "; ".join(_show(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_show(v)}" for k, v in value.items() if v is not None)
    return str(value)


def bounds(row: dict) -> str:
    """'>= 10,000', '<= 8,000', '2,000', '1,000..2,000', '~8,000'."""
    low, high = row.get("low"), row.get("high")
    approx = "~" if row.get("approximate") else ""
    if low is None and high is None:
        v = row.get("value")
        return "" if v is None else f"{approx}{v:,.0f}"
    if low is not None and high is not None:
        if low == high:
            return f"{approx}{low:,.0f}"
        return f"{approx}{low:,.0f}..{high:,.0f}"
    if low is not None:
        return f"{'>=' if row.get('low_inclusive', True) else '>'} {approx}{low:,.0f}"
    return f"{'<=' if row.get('high_inclusive', True) else '<'} {approx}{high:,.0f}"
