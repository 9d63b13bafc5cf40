"""Measured quality: one module per task, each with its dataset readers, scorer and peer runs.

Every task module exposes ``run(data, ...) -> Report``; the CLI (``newsgraph eval TASK``) and
``make eval`` only print and save what it returns.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass
class Output:
    """What one system found in every document, and the seconds it spent on each."""

    found: list[list]
    seconds: list[float]
    notes: list[str]


class Unavailable(Exception):
    """A system that cannot run here (not installed, no Java ...); the message says why."""


@dataclass
class Report:
    """A results table: one row per system (newsgraph first, then peers run in the same run)."""

    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # data used, peers skipped and why, ...

    def markdown(self, command: str | None = None) -> str:
        out = [f"## {self.title}", ""]
        if command:
            out += [f"Command: `{command}`", ""]
        out.append("| " + " | ".join(self.columns) + " |")
        out.append("|" + "---|" * len(self.columns))
        for row in self.rows:
            out.append("| " + " | ".join(_cell(v) for v in row) + " |")
        if self.notes:
            out += [""] + [f"- {n}" for n in self.notes]
        return "\n".join(out) + "\n"

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, ensure_ascii=False)


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return "" if value is None else str(value)


def prf(tp: float, n_pred: float, n_gold: float) -> tuple[float, float, float]:
    """Precision, recall and F1 from true positives and the predicted and gold counts."""
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)
