"""The table view of a record: what a reader wants at a glance, in the terminal (Rich)."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .record import Record


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.4g}"


def bounds(q) -> str:
    """'<= 8,000', '>= 10,000', '2,000 - 9,999', '= 22,000,000,000' ..."""
    if q.low is not None and q.high is not None:
        if q.low == q.high:
            return ("~ " if q.approximate else "= ") + _num(q.low)
        left = "[" if q.low_inclusive else "("
        right = "]" if q.high_inclusive else ")"
        return f"{left}{_num(q.low)}, {_num(q.high)}{right}"
    if q.high is not None:
        return ("<= " if q.high_inclusive else "< ") + _num(q.high)
    if q.low is not None:
        return (">= " if q.low_inclusive else "> ") + _num(q.low)
    return _num(q.value)


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False, expand=False)
    for c in columns:
        table.add_column(c, overflow="fold")
    return table


def render(record: Record) -> Group:
    a = record.article
    names = {e.id: e.name for e in record.entities}
    head = Text()
    head.append(a.title or "(untitled)", style="bold")
    head.append(f"\npublished {a.published or 'unknown'}  ·  id {a.id}")
    if a.source:
        head.append(f"  ·  {a.source}")
    head.append("\n" + "  ".join(
        f"{len(getattr(record, k))} {k}" for k in
        ("entities", "places", "times", "quantities", "claims", "events")))
    parts: list = [Panel(head, expand=False)]

    if record.entities:
        t = _table("Actors", "name", "type", "country", "sector", "title", "mentions")
        for e in record.entities:
            t.add_row(e.name, e.type, e.country or "", e.sector or "", e.title or "",
                      str(len(e.mentions)))
        parts.append(t)
    if record.times:
        t = _table("Times", "text", "value", "type", "mod", "interval", "sent.")
        for x in record.times:
            interval = f"{x.begin or '…'} → {x.until or '…'}" if (x.begin or x.until) else ""
            t.add_row(x.text, x.value, x.type, x.mod or "", interval, str(x.sentence))
        parts.append(t)
    if record.quantities:
        t = _table("Quantities", "text", "amount", "unit", "counted", "kind", "sent.")
        for q in record.quantities:
            amount = bounds(q) + (" (approx.)" if q.approximate and q.low != q.high else "")
            if q.change:
                amount += f" ({q.change})"
            t.add_row(q.text, amount, q.unit or "", q.counted or "", q.kind, str(q.sentence))
        parts.append(t)
    if record.places:
        t = _table("Places", "text", "resolved", "country", "feature", "lat, lon", "reading")
        for p in record.places:
            where = f"{p.lat:.2f}, {p.lon:.2f}" if p.lat is not None and p.lon is not None else ""
            t.add_row(p.text, p.name or "", p.country or "", p.feature or "", where, p.reading)
        parts.append(t)
    if record.claims:
        t = _table("Claims", "source", "cue", "said on", "kind", "modality", "numbers",
                   "content")
        quantities = {q.id: q for q in record.quantities}
        for c in record.claims:
            who = names.get(c.source or "", c.source_text or "—")
            numbers = "; ".join(bounds(quantities[i]) + (f" {quantities[i].unit}"
                                                        if quantities[i].unit else "")
                                for i in c.quantities if i in quantities)
            t.add_row(who, c.cue or "", c.said_on or "", c.kind, c.modality, numbers, c.text)
        parts.append(t)
    if record.events:
        t = _table("Events", "actor → recipient", "type", "place", "when", "modality", "trigger")
        places = {p.id: p.name or p.text for p in record.places}
        for v in record.events:
            who = ", ".join(names.get(i, i) for i in v.actors) or "?"
            whom = ", ".join(names.get(i, i) for i in v.recipients)
            t.add_row(f"{who} → {whom}" if whom else who, v.type, places.get(v.place or "", ""),
                      v.time_value or "", v.modality, v.text)
        parts.append(t)
    return Group(*parts)


def show(record: Record, console: Console | None = None) -> None:
    (console or Console()).print(render(record))
