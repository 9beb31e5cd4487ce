"""The concept drift section in the terminal summary."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from driftcli.outputs.termkit import MAX_ROWS, STATUS_STYLES, more_text, title
from driftcli.results.report import Report
from driftcli.sections.concept_drift.result import ConceptSection


def print_section(c: ConceptSection, report: Report, console: Console) -> None:
    """Per scope: the first change point (detector, row, timestamp) or none; warnings count."""
    title(
        f"Concept drift ({c.stream.replace('_', ' ')} over {c.time_column}; "
        f"change points count as {c.severity})",
        console,
    )
    # overall first, then the scopes where a detector fired, then the rest (stable)
    scopes = sorted(c.scopes, key=lambda s: (s.scope != "overall", s.first_detection is None))
    for s in scopes[:MAX_ROWS]:
        warns = sum(len(d.warnings or ()) for d in s.detectors)
        first = s.first_detection
        line = Text(f"  {s.scope}: ")
        if s.reason is not None and not s.detectors:
            line.append(f"not run: {s.reason}", style="yellow")
        elif first is None:
            line.append("no change point")
        else:
            method, point = first
            fired = sum(1 for d in s.detectors if d.drifts)
            line.append("first change", style=STATUS_STYLES[c.severity])
            line.append(
                f" at row {point.row}" + (f" ({point.timestamp})" if point.timestamp else "")
                + f" by {method}; {fired}/{len(s.detectors)} detectors fired"
            )  # fmt: skip
        if s.detectors:
            line.append(f", {warns} warning{'s' if warns != 1 else ''}")
        console.print(line)
    more = more_text(len(scopes), MAX_ROWS, "scopes")
    if more:
        console.print(Text(f"  {more}"))
