"""The data integrity section in the terminal summary."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from driftcli.outputs import termkit as tk
from driftcli.outputs.termkit import Cell, Col, Grid
from driftcli.results.report import Report
from driftcli.sections.integrity.result import IntegrityReport

_INTEGRITY_STYLES = {"fail": "bold red", "warn": "yellow", "info": "dim"}

#: Offending values per finding in the default summary.
OFFENDING = 3


def print_section(integ: IntegrityReport, report: Report, console: Console) -> None:
    """Integrity counts, the tripped checks with their top offending values, root-cause hints.

    The default summary shows the first few findings (failures come first) and three offending
    values of each; verbose shows them all."""
    if not integ.enabled:
        return
    tk.field(
        console,
        "integrity",
        f"{len(integ.results)} checks: {integ.count('fail')} failed, "
        f"{integ.count('warn')} warned, {integ.count('info')} info",
    )
    findings, hidden = tk.cut(integ.tripped)
    if findings:
        rows: list[list[Cell]] = []
        for r in findings:
            values, more = tk.cut(r.offending, OFFENDING)
            shown = ", ".join(f"{o.value} ({o.count})" for o in values)
            rows.append(
                [
                    Text(r.status.upper(), style=_INTEGRITY_STYLES[r.status]),
                    r.check,
                    Text(r.column or "-"),
                    Text(shown + (f", +{more} more" if more > 0 else "")),
                    Text(r.message),
                ]
            )
        cols = [
            Col("status"),
            Col("check"),
            Col("column"),
            Col("top values", wrap=True),
            Col("finding", wrap=True),  # last: in a log, the long text runs on at the end
        ]
        tk.table(console, Grid(cols, rows), "Integrity findings")
        tk.more(console, hidden, "finding")
    for h in integ.hints:
        tk.field(console, "hint", h.message, style="bold yellow")
