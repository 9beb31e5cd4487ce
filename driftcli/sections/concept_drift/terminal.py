"""The concept drift section in the terminal summary."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from driftcli.outputs import termkit as tk
from driftcli.outputs.termkit import STATUS_STYLES
from driftcli.outputs.text import fmt_time
from driftcli.results.report import Report
from driftcli.sections.concept_drift.result import ConceptScope, ConceptSection


def _scope_line(s: ConceptScope, c: ConceptSection) -> Text:
    """``"overall: first change at row 1347 (...) by page_hinkley; 2/2 detectors fired, ..."``."""
    warns = sum(len(d.warnings or ()) for d in s.detectors)
    first = s.first_detection
    line = Text(f"{s.scope}: ")
    if s.reason is not None and not s.detectors:
        line.append(f"not run: {s.reason}", style="yellow")
    elif first is None:
        line.append("no change point")
    else:
        method, point = first
        fired = sum(1 for d in s.detectors if d.drifts)
        line.append("first change", style=STATUS_STYLES[c.severity])
        line.append(
            f" at row {point.row}" + (f" ({fmt_time(point.timestamp)})" if point.timestamp else "")
            + f" by {method}; {fired}/{len(s.detectors)} detectors fired"
        )  # fmt: skip
    if s.detectors:
        line.append(f", {warns} warning{'s' if warns != 1 else ''}")
    return line


def print_section(c: ConceptSection, report: Report, console: Console) -> None:
    """Per scope: the first change point (detector, row, timestamp) or none; warnings count.

    The default summary: overall, and the scopes where a detector fired or that did not run;
    the quiet scopes are counted.
    """
    tk.heading(
        f"Concept drift ({c.stream.replace('_', ' ')} over {c.time_column}; "
        f"change points count as {c.severity})",
        console,
    )
    # overall first, then the scopes where a detector fired, then the rest (stable)
    scopes = sorted(c.scopes, key=lambda s: (s.scope != "overall", s.first_detection is None))
    if tk.is_verbose():
        shown, hidden = scopes, 0
    else:
        notable = [
            s
            for s in scopes
            if s.scope == "overall" or s.first_detection is not None or not s.detectors
        ]
        shown = notable[: tk.MAX_ROWS]
        hidden = len(scopes) - len(shown)
    for s in shown:
        tk.line(console, _scope_line(s, c), indent=2, hang=4)
    quiet = all(s.first_detection is None for s in scopes[len(shown) :])
    if quiet:
        tk.more(console, hidden, "scope without a change point", "scopes without a change point")
    else:
        tk.more(console, hidden, "scope")
