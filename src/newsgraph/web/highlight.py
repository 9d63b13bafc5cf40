"""An article's text as HTML with every item of its record highlighted.

Items overlap (a quantity's span covers an entity mention; claims cover quantities), so spans
are nested properly by splitting an item where another crosses its end: its first piece carries
the anchor id (``claim-c3``), the others share its ``data-ref`` so the page script highlights
them together. Every character of the text is escaped; offsets are those of the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from markupsafe import Markup, escape

from ..record import Record

KIND_OF_PREFIX = {"e": "entity", "p": "place", "t": "time", "q": "quantity", "c": "claim",
                  "v": "event"}
# outer layers first when spans start together and are as long
LAYER = {"hl": 0, "claim": 1, "quantity": 2, "time": 3, "place": 4, "entity": 5, "event": 6}


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    kind: str  # claim, quantity, time, place, entity, event, or hl (a span asked for)
    ref: str  # the record item's id (c3), shared by every piece and every mention
    anchor: str  # the id of the first piece: claim-c3, entity-e2-m1 ...
    title: str


def anchor_of(item_id: str) -> str:
    """The anchor of an item in the article page: ``c3`` -> ``claim-c3``."""
    return f"{KIND_OF_PREFIX.get(item_id[:1], 'item')}-{item_id}"


def marks(record: Record, span: Optional[tuple[int, int]] = None) -> list[Mark]:
    """The highlights of a record (and of an extra span asked for, anchored ``hl``)."""
    out: list[Mark] = []
    names = {e.id: e.name for e in record.entities}
    for e in record.entities:
        for n, m in enumerate(e.mentions or [e]):
            out.append(Mark(m.start, m.end, "entity", e.id, f"entity-{e.id}" if n == 0
                            else f"entity-{e.id}-m{n}", f"{e.id} · {e.type} · {e.name}"))
    for p in record.places:
        out.append(Mark(p.start, p.end, "place", p.id, anchor_of(p.id),
                        f"{p.id} · {p.name or p.text} ({p.country or '?'}) · {p.reading}"))
    for t in record.times:
        out.append(Mark(t.start, t.end, "time", t.id, anchor_of(t.id), f"{t.id} · {t.value}"))
    for q in record.quantities:
        out.append(Mark(q.start, q.end, "quantity", q.id, anchor_of(q.id),
                        f"{q.id} · {q.kind} · {q.counted or q.unit or ''}"))
    for c in record.claims:
        speaker = names.get(c.source or "", c.source_text or "unattributed")
        out.append(Mark(c.start, c.end, "claim", c.id, anchor_of(c.id),
                        f"{c.id} · {c.kind} · {speaker} · {c.modality}"))
    for v in record.events:
        out.append(Mark(v.start, v.end, "event", v.id, anchor_of(v.id),
                        f"{v.id} · {v.type} · {v.modality}"))
    if span is not None:
        out.append(Mark(span[0], span[1], "hl", "hl", "hl", "the span cited"))
    n = len(record.article.text)
    return [m for m in out if 0 <= m.start < m.end <= n]


def _open(m: Mark, first: bool) -> str:
    anchor = f' id="{escape(m.anchor)}"' if first else ""
    return (f'<span class="hl hl-{m.kind}{"" if first else " cont"}"{anchor} '
            f'data-ref="{escape(m.ref)}" title="{escape(m.title)}">')


def render(text: str, items: Iterable[Mark]) -> Markup:
    """The text, escaped, with the marks as properly nested ``<span>`` elements."""
    ordered = sorted(items, key=lambda m: (m.start, -(m.end - m.start), LAYER.get(m.kind, 9)))
    starts: dict[int, list[Mark]] = {}
    for m in ordered:
        starts.setdefault(m.start, []).append(m)
    cuts = sorted({0, len(text)} | {m.start for m in ordered} | {m.end for m in ordered})
    out: list[str] = []
    stack: list[Mark] = []
    for i, pos in enumerate(cuts):
        ending = [k for k, m in enumerate(stack) if m.end <= pos]
        if ending:
            lowest = ending[0]
            above = stack[lowest:]
            out.append("</span>" * len(above))
            del stack[lowest:]
            for m in above:  # reopen what goes on past here, as continuation pieces
                if m.end > pos:
                    out.append(_open(m, first=False))
                    stack.append(m)
        for m in starts.get(pos, []):
            out.append(_open(m, first=True))
            stack.append(m)
        if i + 1 < len(cuts):
            out.append(str(escape(text[pos:cuts[i + 1]])))
    out.append("</span>" * len(stack))
    return Markup("".join(out))


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around a span: from after the previous sentence end or line break to the
    next one (for citing an event's sentence when the record has only its trigger)."""
    left = start
    while left > 0 and text[left - 1] != "\n" and not (
            text[left - 1] == " " and left >= 2 and text[left - 2] in ".!?\u201d\""):
        left -= 1
    right = end
    if end > 0 and text[end - 1] in ".!?":  # the span ends its sentence
        return left, end
    while right < len(text) and text[right] != "\n" and not (
            text[right] in ".!?" and (right + 1 == len(text) or text[right + 1] in " \n\u201d\"")):
        right += 1
    if right < len(text) and text[right] in ".!?":
        right += 1
        if right < len(text) and text[right] in "\u201d\"":
            right += 1
    return left, right


def event_span(text: str, start: int, end: int, sentence_text: Optional[str]) -> tuple[int, int]:
    """The span of the sentence an event was found in: where its ``sentence_text`` occurs around
    the trigger, else the sentence guessed from punctuation."""
    if sentence_text:
        at = text.find(sentence_text)
        while 0 <= at <= start:
            if at + len(sentence_text) >= end:
                return at, at + len(sentence_text)
            at = text.find(sentence_text, at + 1)
    return sentence_bounds(text, start, end)
