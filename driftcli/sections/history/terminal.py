"""The run history section in the terminal summary."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from driftcli.outputs import termkit as tk
from driftcli.outputs.termkit import STATUS_STYLES
from driftcli.results.report import Report
from driftcli.sections.history.result import HistorySection

#: How the terminal marks a column against the previous run.
STATE_MARKS = {"new": "NEW", "still": "still", "recovered": "recovered"}


def _share(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


def print_section(h: HistorySection, report: Report, console: Console) -> None:
    """The model and store, the drift share trend, new vs still drifted columns, the rules."""
    runs = f"{h.previous_runs} stored {'run' if h.previous_runs == 1 else 'runs'}"
    tk.heading(f"Run history (model {h.model}, {runs})", console)
    tk.field(console, "store", h.store)
    if h.unavailable is not None:
        tk.field(console, "store", Text(f"unavailable: {h.unavailable}", style="bold red"))
    past = [p for p in h.trend if p.run_id is not None]
    this = h.trend[-1] if h.trend else None
    if this is not None:
        shares = " ".join(_share(p.drift_share) for p in past)
        text = (
            f"{shares} -> {_share(this.drift_share)} (this run)"
            if past
            else (f"{_share(this.drift_share)} (this run; no stored runs yet)")
        )
        tk.field(console, "drift share", text)
    groups: dict[str, list[str]] = {}
    for c in h.columns:
        if c.state:
            groups.setdefault(c.state, []).append(c.column)
    for state in ("new", "still", "recovered"):
        names = groups.get(state)
        if names:
            shown, hidden = tk.cut(names)
            more = f" {tk.more_text(len(names), len(shown), 'column')}" if hidden else ""
            label = {"new": "newly drifted", "still": "still drifted", "recovered": "recovered"}
            style = {"new": "bold red", "still": "red", "recovered": "green"}[state]
            line = Text(f"[{STATE_MARKS[state]}] ", style=style)
            line.append(", ".join(shown) + more)
            tk.field(console, label[state], line)
    for r in h.rules:
        status = r.status.value
        rule = Text(status.upper().replace("_", " "), style=STATUS_STYLES.get(status, ""))
        rule.append(f" {r.message}")
        tk.field(console, "rule", rule)
