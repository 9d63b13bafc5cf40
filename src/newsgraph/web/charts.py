"""Charts as inline SVG, written by hand so that pages and reports need nothing from outside:
a map of points over country outlines, a timeline of counts, and reconciled intervals over time.

Every function returns :class:`markupsafe.Markup` (text from the data is escaped here), and
everything is drawn with presentation attributes, never ``style=``, so a strict
Content-Security-Policy holds.
"""

from __future__ import annotations

import math
from typing import Callable, Iterable, Optional, Sequence

from markupsafe import Markup, escape

from . import basemap

# one colour per PLOVER event type (and grey for places where no event happened)
TYPE_COLOURS = {
    "ASSAULT": "#c0392b", "COERCE": "#e67e22", "THREATEN": "#d35400", "PROTEST": "#8e44ad",
    "MOBILIZE": "#2c3e50", "SANCTION": "#7f8c8d", "REJECT": "#a93226", "ACCUSE": "#b9770e",
    "REQUEST": "#2980b9", "CONSULT": "#16a085", "SUPPORT": "#27ae60", "COOPERATE": "#1abc9c",
    "AID": "#229954", "AGREE": "#2471a3", "CONCEDE": "#5dade2", "RETREAT": "#95a5a6",
}
NO_EVENT = "#5d6d7e"
SERIES_COLOURS = {"events": "#c0392b", "claims": "#2471a3"}
PLACE_COLOURS = ["#2471a3", "#c0392b", "#27ae60", "#8e44ad", "#e67e22", "#16a085", "#7f8c8d",
                 "#b9770e", "#2c3e50", "#d35400"]
CONFLICT = "#d62728"


def colour_of(event_type: Optional[str]) -> str:
    return TYPE_COLOURS.get(event_type or "", NO_EVENT)


def _n(x: float) -> str:
    """A coordinate, short."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def fmt(value: Optional[float]) -> str:
    if value is None or not math.isfinite(value):
        return "?"
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.2f}"


# --- the map -------------------------------------------------------------------------------------

def point_weight(p: dict) -> int:
    return int(p.get("events") or 0) + int(p.get("articles") or 0)


def view_box(points: Sequence[dict], aspect: float = 2.0) -> tuple[float, float, float, float]:
    """(x, y, w, h) in the 360 x 180 plane framing the points with a margin, at the given
    aspect ratio; the whole world when there are none or they spread over most of it."""
    xs = [p["lon"] + 180.0 for p in points]
    ys = [90.0 - p["lat"] for p in points]
    if not xs:
        return 0.0, 0.0, 360.0, 180.0
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    pad = max(8.0, 0.15 * max(x1 - x0, y1 - y0))
    x0, x1, y0, y1 = x0 - pad, x1 + pad, y0 - pad, y1 + pad
    w, h = x1 - x0, y1 - y0
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    w, h = min(w, 360.0), min(h, 180.0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    x = min(max(cx - w / 2, 0.0), 360.0 - w)
    y = min(max(cy - h / 2, 0.0), 180.0 - h)
    return x, y, w, h


def map_svg(points: Sequence[dict], *, width: int = 720, height: int = 360,
            link: Optional[Callable[[dict], Optional[str]]] = None,
            basemap_href: Optional[str] = None, title: str = "Map") -> Markup:
    """Points (dicts with lat, lon, name, events, articles, type) over country outlines,
    sized by count and coloured by their commonest event type, framed to fit them.

    ``basemap_href`` refers to the outlines as an image (a page that the browser caches);
    without it the outlines are drawn inline (a self-contained report)."""
    pts = [p for p in points if p.get("lat") is not None and p.get("lon") is not None]
    vx, vy, vw, vh = view_box(pts, width / height)
    unit = vw / width  # plane units per pixel
    out = [f'<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="{_n(vx)} {_n(vy)} '
           f'{_n(vw)} {_n(vh)}" width="{width}" height="{height}" role="img" '
           f'preserveAspectRatio="xMidYMid meet" aria-label="{escape(title)}">',
           f'<title>{escape(title)}</title>',
           '<rect x="0" y="0" width="360" height="180" fill="#eef3f7"/>']
    if basemap_href:
        out.append(f'<image href="{escape(basemap_href)}" x="0" y="0" width="360" '
                   'height="180" preserveAspectRatio="none"/>')
    else:
        out.append(land_paths(vx, vy, vx + vw, vy + vh))
    out.append(graticule(30 if vw > 90 else 10, unit))
    biggest = max((point_weight(p) for p in pts), default=1) or 1
    for p in sorted(pts, key=point_weight, reverse=True):
        r = (3.0 + 9.0 * math.sqrt(point_weight(p) / biggest)) * unit
        cx, cy = p["lon"] + 180.0, 90.0 - p["lat"]
        types = ", ".join(p.get("types") or ([p["type"]] if p.get("type") else []))
        label = (f"{p.get('name') or '?'} ({p.get('country') or '?'}): "
                 f"{p.get('events') or 0} events{' (' + types + ')' if types else ''}, "
                 f"{p.get('articles') or 0} articles")
        circle = (f'<circle class="pt" cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" '
                  f'fill="{colour_of(p.get("type"))}" fill-opacity="0.75" stroke="#fff" '
                  f'stroke-width="{_n(unit)}" data-type="{escape(p.get("type") or "")}" '
                  f'data-name="{escape(p.get("name") or "")}"><title>{escape(label)}</title>'
                  '</circle>')
        href = link(p) if link else None
        out.append(f'<a href="{escape(href)}">{circle}</a>' if href else circle)
    out.append("</svg>")
    return Markup("".join(out))


def land_paths(x0: float, y0: float, x1: float, y1: float) -> str:
    """The outlines of the countries within the rectangle, inline."""
    parts = ['<g class="land" fill="#d5dbd2" stroke="#9aa59a" stroke-width="0.6" '
             'vector-effect="non-scaling-stroke">']
    for c in basemap.countries():
        if c.meets(x0, y0, x1, y1):
            parts.append(f'<path d="{c.path}" vector-effect="non-scaling-stroke">'
                         f'<title>{escape(c.name)}</title></path>')
    parts.append("</g>")
    return "".join(parts)


def basemap_svg() -> str:
    """All outlines as a standalone SVG document (served once, cached by the browser)."""
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 180" width="1440" '
            'height="720" preserveAspectRatio="none">' + land_paths(0, 0, 360, 180) + "</svg>")


def graticule(step: int, unit: float) -> str:
    lines = [f"M{x},0V180" for x in range(0, 361, step)]
    lines += [f"M0,{y}H360" for y in range(0, 181, step)]
    return (f'<path class="graticule" d="{"".join(lines)}" fill="none" stroke="#b8c4ce" '
            f'stroke-width="{_n(unit * 0.6)}" stroke-dasharray="{_n(unit * 3)} {_n(unit * 3)}"/>')


def legend(types: Iterable[Optional[str]]) -> Markup:
    """An HTML legend of the event-type colours used."""
    seen: list[Optional[str]] = []
    for t in types:
        if t not in seen:
            seen.append(t)
    items = [f'<span class="key"><svg width="12" height="12" aria-hidden="true"><circle cx="6" '
             f'cy="6" r="5" fill="{colour_of(t)}"/></svg> {escape(t or "no event")}</span>'
             for t in sorted(seen, key=lambda t: (t is None, t or ""))]
    return Markup('<div class="legend">' + "".join(items) + "</div>")


def nice_step(span: float, ticks: int = 4) -> float:
    """A round step (1, 2 or 5 times a power of ten) that cuts ``span`` into about ``ticks``."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


# --- the timeline --------------------------------------------------------------------------------

def timeline_svg(periods: Sequence[dict], *, series: Sequence[str] = ("events", "claims"),
                 width: int = 720, height: int = 180,
                 link: Optional[Callable[[str], Optional[str]]] = None,
                 title: str = "Timeline") -> Markup:
    """Bars per period (dicts with ``period`` and a count per series), side by side."""
    left, right, top, bottom = 40, 8, 18, 26
    pw, ph = width - left - right, height - top - bottom
    out = [f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    if not periods:
        out.append(f'<text x="{left}" y="{top + ph / 2}" fill="#666">nothing to show</text></svg>')
        return Markup("".join(out))
    highest = max(max(int(p.get(s) or 0) for s in series) for p in periods) or 1
    step = max(1.0, nice_step(highest))
    peak = step * math.ceil(highest / step)
    band = pw / len(periods)
    bar = max(band / (len(series) + 0.5), 0.5)
    for k in range(int(round(peak / step)) + 1):
        tick = k * step
        y = top + ph - ph * tick / peak
        out.append(f'<path d="M{left},{_n(y)}H{left + pw}" stroke="#ddd" stroke-width="1"/>'
                   f'<text x="{left - 4}" y="{_n(y + 4)}" text-anchor="end" font-size="10" '
                   f'fill="#555">{fmt(tick)}</text>')
    for i, p in enumerate(periods):
        x = left + i * band
        group = []
        for k, s in enumerate(series):
            n = int(p.get(s) or 0)
            if not n:
                continue
            h = ph * n / peak
            group.append(f'<rect class="bar bar-{s}" x="{_n(x + k * bar)}" '
                         f'y="{_n(top + ph - h)}" width="{_n(bar)}" height="{_n(h)}" '
                         f'fill="{SERIES_COLOURS.get(s, "#555")}"><title>{escape(p["period"])}: '
                         f'{n} {escape(s)}</title></rect>')
        if group:
            href = link(p["period"]) if link else None
            body = "".join(group)
            out.append(f'<a href="{escape(href)}">{body}</a>' if href else body)
    step = max(1, math.ceil(len(periods) / 8))
    for i in range(0, len(periods), step):
        x = left + i * band + band / 2
        out.append(f'<text x="{_n(x)}" y="{height - 8}" text-anchor="middle" font-size="10" '
                   f'fill="#555">{escape(periods[i]["period"])}</text>')
    for k, s in enumerate(series):
        out.append(f'<rect x="{left + k * 70}" y="3" width="10" height="10" '
                   f'fill="{SERIES_COLOURS.get(s, "#555")}"/><text x="{left + 14 + k * 70}" '
                   f'y="12" font-size="11" fill="#333">{escape(s)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


# --- reconciled intervals over time ---------------------------------------------------------------

def _finite(values: Iterable[Optional[float]]) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(float(v))]


def interval_svg(estimates: Sequence[dict], claims: Sequence[dict], *, width: int = 720,
                 height: int = 260, title: str = "Reconciled intervals",
                 max_places: int = 6) -> Markup:
    """Per period (x) and place (colour): the reconciled interval as a band, and each claim's
    own interval as a line or dot beside it; conflicting claims in red. Open ends run to the
    chart's edge, dashed; a claim open at one end is an arrow from its bound. Only the
    ``max_places`` places with the most claims are drawn. A log scale when the numbers span
    more than two orders of magnitude."""
    left, right, top, bottom = 64, 10, 14, 28
    pw, ph = width - left - right, height - top - bottom
    places = chart_places(estimates, max_places)
    estimates = [e for e in estimates if e.get("place") in places]
    claims = [c for c in claims if c.get("scope", c.get("place")) in places
              or c.get("scope", c.get("place")) is None]
    periods = sorted({e["period"] for e in estimates}
                     | {c["period"] for c in claims if c.get("period")})
    values = _finite([e.get("low") for e in estimates] + [e.get("high") for e in estimates]
                     + [c.get("low") for c in claims] + [c.get("high") for c in claims])
    out = [f'<svg class="intervals" xmlns="http://www.w3.org/2000/svg" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    if not periods or not values:
        out.append(f'<text x="{left}" y="{top + ph / 2}" fill="#666">no reconciled figures'
                   '</text></svg>')
        return Markup("".join(out))
    positive = [v for v in values if v > 0]
    log = bool(positive) and max(values) / min(positive) > 200
    if log:
        lo_v, hi_v = math.floor(math.log10(min(positive))), math.ceil(math.log10(max(values)))
        hi_v = max(hi_v, lo_v + 1)
        ticks = [10.0 ** k for k in range(int(lo_v), int(hi_v) + 1)]
    else:
        step = nice_step(max(values) * 1.1)
        lo_v, hi_v = 0.0, step * math.ceil(max(values) * 1.1 / step)
        ticks = [k * step for k in range(int(round(hi_v / step)) + 1)]

    def y_of(v: Optional[float], open_end: str) -> float:
        if v is None or not math.isfinite(v):
            return top if open_end == "high" else top + ph
        if log and v <= 0:
            return top + ph
        t = math.log10(v) if log else v
        t = min(max(t, lo_v), hi_v)
        return top + ph - ph * (t - lo_v) / (hi_v - lo_v)

    for v in ticks:
        t = math.log10(v) if log else v
        y = top + ph - ph * (t - lo_v) / (hi_v - lo_v)
        out.append(f'<path d="M{left},{_n(y)}H{left + pw}" stroke="#e3e3e3"/><text x="{left - 4}" '
                   f'y="{_n(y + 4)}" text-anchor="end" font-size="10" fill="#555">{fmt(v)}</text>')
    band = pw / len(periods)
    slot = band / (len(places) + 1)

    def x_of(period: str, place: Optional[str]) -> float:
        """A claim whose place has no estimate of its own stands with its period's first."""
        if place not in places:
            place = next((e.get("place") for e in estimates if e["period"] == period),
                         places[0] if places else None)
        slot_index = places.index(place) + 1 if place in places else 1
        return left + periods.index(period) * band + slot * slot_index

    for e in estimates:
        x = x_of(e["period"], e.get("place"))
        y_hi, y_lo = y_of(e.get("high"), "high"), y_of(e.get("low"), "low")
        colour = PLACE_COLOURS[places.index(e.get("place")) % len(PLACE_COLOURS)]
        dashed = ' stroke-dasharray="4 3"' if e.get("high") is None or e.get("low") is None else ""
        label = (f"{e['period']} {e.get('place') or 'anywhere'}: {fmt(e.get('low'))} to "
                 f"{fmt(e.get('high'))} from {e.get('claims')} claims"
                 + (" (disputed)" if e.get("disputed") else ""))
        w = max(6.0, min(slot * 0.6, 28.0))
        out.append(f'<rect class="estimate" x="{_n(x - w / 2)}" y="{_n(y_hi)}" width="{_n(w)}" '
                   f'height="{_n(max(y_lo - y_hi, 2.0))}" fill="{colour}" fill-opacity="0.25" '
                   f'stroke="{colour}"{dashed}><title>{escape(label)}</title></rect>')
    for i, c in enumerate(claims):
        if not c.get("period"):
            continue
        x = x_of(c["period"], c.get("scope", c.get("place"))) + ((i % 5) - 2) * 2.5
        colour = CONFLICT if c.get("flag") == "conflict" else "#333"
        label = (f"{c.get('speaker') or '?'} ({c.get('outlet') or '?'}, {c.get('date') or '?'}): "
                 f"{c.get('bounds') or ''} {c.get('flag') or ''}")
        lo, hi = c.get("low"), c.get("high")
        if lo is None and hi is None:
            lo = hi = c.get("value")
        if lo is None and hi is None:
            continue
        if lo is not None and hi is not None and lo == hi:
            out.append(f'<circle class="claim-dot" cx="{_n(x)}" cy="{_n(y_of(lo, "low"))}" r="3" '
                       f'fill="{colour}"><title>{escape(label)}</title></circle>')
        elif lo is None or hi is None:  # open at one end: an arrow from the bound
            y = y_of(lo if hi is None else hi, "low")
            tip = -7 if hi is None else 7
            out.append(f'<path class="claim-arrow" d="M{_n(x - 4)},{_n(y)}H{_n(x + 4)}'
                       f'L{_n(x)},{_n(y + tip)}Z" fill="{colour}"><title>{escape(label)}'
                       '</title></path>')
        else:
            y1, y2 = y_of(hi, "high"), y_of(lo, "low")
            out.append(f'<path class="claim-line" d="M{_n(x)},{_n(y1)}V{_n(y2)}" stroke="{colour}" '
                       f'stroke-width="2"><title>{escape(label)}</title></path>')
    step = max(1, math.ceil(len(periods) / 8))
    for i in range(0, len(periods), step):
        out.append(f'<text x="{_n(left + i * band + band / 2)}" y="{height - 8}" '
                   f'text-anchor="middle" font-size="10" fill="#555">{escape(periods[i])}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def chart_places(estimates: Sequence[dict], max_places: int = 6) -> list[Optional[str]]:
    """The places an interval chart draws: those with the most claims, in order of appearance."""
    totals: dict[Optional[str], int] = {}
    for e in estimates:
        totals[e.get("place")] = totals.get(e.get("place"), 0) + int(e.get("claims") or 0)
    top = set(sorted(totals, key=lambda p: -totals[p])[:max_places])
    return [p for p in totals if p in top]


def place_legend(places: Sequence[Optional[str]]) -> Markup:
    items = [f'<span class="key"><svg width="12" height="12" aria-hidden="true"><rect width="12" '
             f'height="12" fill="{PLACE_COLOURS[i % len(PLACE_COLOURS)]}" fill-opacity="0.5"/>'
             f'</svg> {escape(p or "place not given")}</span>' for i, p in enumerate(places)]
    items.append(f'<span class="key"><svg width="12" height="12" aria-hidden="true"><circle cx="6" '
                 f'cy="6" r="4" fill="{CONFLICT}"/></svg> conflicting claim</span>')
    return Markup('<div class="legend">' + "".join(items) + "</div>")
