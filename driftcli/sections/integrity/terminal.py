"""The data integrity section in the terminal summary."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from driftcli.results.report import Report
from driftcli.sections.integrity.result import IntegrityReport

_INTEGRITY_STYLES = {"fail": "bold red", "warn": "yellow", "info": "dim"}


def print_section(integ: IntegrityReport, report: Report, console: Console) -> None:
    """Integrity counts, the tripped checks with their top offending values, root-cause hints."""
    if not integ.enabled:
        return
    console.print(
        Text(
            f"  integrity {len(integ.results)} checks: {integ.count('fail')} failed, "
            f"{integ.count('warn')} warned, {integ.count('info')} info"
        )
    )
    findings = integ.tripped
    if findings:
        console.print()
        table = Table(
            title="Integrity findings", title_justify="left", show_edge=False, pad_edge=False
        )
        for head_name in ("status", "check", "column", "finding", "top offending values"):
            table.add_column(head_name, overflow="fold")
        for r in findings:
            shown = ", ".join(f"{o.value} ({o.count})" for o in r.offending[:3])
            more = len(r.offending) - 3
            table.add_row(
                Text(r.status.upper(), style=_INTEGRITY_STYLES[r.status]),
                r.check,
                Text(r.column or "-"),
                Text(r.message),
                Text(shown + (f", +{more} more" if more > 0 else "")),
            )
        console.print(table)
    for h in integ.hints:
        console.print(Text(f"  hint      {h.message}", style="bold yellow"))
